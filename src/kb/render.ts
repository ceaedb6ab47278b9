/**
 * Markdown → sanitised HTML for KB entries (VS Code webview, static export).
 * marked does not sanitise its output, so every fragment goes through sanitize-html, which
 * runs in plain Node without a DOM. `kb:<id>` links become internal links; http(s) links are
 * marked external; any other scheme (javascript:, data:, vbscript:, …) is dropped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { KbEntry } from './types';
import { ID_RE, familyLabel } from './schema';

export interface RenderOptions {
  /** href for an internal link to entry `id`. Default `#kb:<id>` (the webview intercepts it). */
  linkFor?: (id: string) => string;
  /** Resolves ids to entries, to title the "Related" links. */
  lookup?: (id: string) => KbEntry | undefined;
}

const defaultLinkFor = (id: string) => `#kb:${id}`;

const marked = new Marked({ gfm: true, breaks: false });

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function sanitizeOptions(linkFor: (id: string) => string): sanitizeHtml.IOptions {
  return {
    allowedTags: [
      'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'span', 'div',
      'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'del', 's', 'sup', 'sub', 'kbd', 'a',
      'table', 'thead', 'tbody', 'tr', 'th', 'td', 'header', 'section', 'footer', 'nav', 'small',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'class', 'rel', 'data-kb-id', 'data-external'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      span: ['class'],
      div: ['class'],
      section: ['class'],
      header: ['class'],
      footer: ['class'],
      dl: ['class'],
      ol: ['start'],
    },
    allowedClasses: {
      code: ['language-*'],
      a: ['kb-link', 'kb-missing', 'external'],
      span: ['kb-kind', 'kb-badge', 'kb-source', 'kb-date'],
      div: ['kb-entry', 'kb-meta', 'kb-summary', 'kb-body'],
      section: ['kb-related', 'kb-sources'],
      header: ['kb-header'],
      footer: ['kb-footer'],
      dl: ['kb-meta'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (_tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
        const title: sanitizeHtml.Attributes = attribs.title ? { title: attribs.title } : {};
        const href = (attribs.href ?? '').trim();
        const kb = /^(?:#)?kb:(.*)$/i.exec(href);
        if (kb) {
          const id = kb[1].trim();
          if (!ID_RE.test(id)) return { tagName: 'a', attribs: { class: 'kb-missing' } };
          return { tagName: 'a', attribs: { href: linkFor(id), 'data-kb-id': id, class: 'kb-link', ...title } };
        }
        if (/^https?:\/\//i.test(href)) {
          return { tagName: 'a', attribs: { href, class: 'external', rel: 'noopener noreferrer', 'data-external': 'true', ...title } };
        }
        if (/^mailto:/i.test(href) || href.startsWith('#') || (href && !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('//'))) {
          return { tagName: 'a', attribs: { href, ...title } };
        }
        return { tagName: 'a', attribs: {} }; // drop dangerous or unknown schemes
      },
    },
  };
}

/** Renders markdown to sanitised HTML. */
export function renderMarkdown(md: string, opts: RenderOptions = {}): string {
  const raw = marked.parse(md, { async: false }) as string;
  return sanitizeHtml(raw, sanitizeOptions(opts.linkFor ?? defaultLinkFor));
}

/** Sanitises an HTML fragment with the same policy as rendered markdown. */
export function sanitizeFragment(html: string, opts: RenderOptions = {}): string {
  return sanitizeHtml(html, sanitizeOptions(opts.linkFor ?? defaultLinkFor));
}

const KIND_LABEL = { incident: 'Incident', pattern: 'Pattern', rule: 'Rule' } as const;

/** Full entry: header (kind, date, organisation, impact with its source), body, related entries, sources. */
export function renderEntry(entry: KbEntry, opts: RenderOptions = {}): string {
  const linkFor = opts.linkFor ?? defaultLinkFor;
  const e = escapeHtml;
  const ext = (url: string, text: string) => `<a href="${e(url)}">${e(text)}</a>`;
  const meta: string[] = [];
  if (entry.date) meta.push(`<dt>Date</dt><dd>${e(entry.date)}</dd>`);
  if (entry.organisation) meta.push(`<dt>Organisation</dt><dd>${e(entry.organisation)}</dd>`);
  if (entry.duration) meta.push(`<dt>Duration</dt><dd>${e(entry.duration)}</dd>`);
  if (entry.impact) meta.push(`<dt>Impact</dt><dd>${e(entry.impact)}${entry.impactSource ? ` (${ext(entry.impactSource, 'source')})` : ''}</dd>`);
  if (entry.severity) meta.push(`<dt>Default severity</dt><dd>${e(entry.severity)}</dd>`);
  if (entry.families?.length) meta.push(`<dt>Anti-patterns</dt><dd>${entry.families.map(f => e(familyLabel(f))).join('; ')}</dd>`);
  if (entry.libraries?.length) {
    meta.push(`<dt>Libraries</dt><dd>${entry.libraries.map(l => ext(`https://www.npmjs.com/package/${l.split('/').map(encodeURIComponent).join('/')}`, l)).join(', ')}</dd>`);
  }
  const header =
    `<header class="kb-header"><span class="kb-kind">${KIND_LABEL[entry.kind]}${entry.origin === 'team' ? ' (team postmortem)' : ''}</span>` +
    `<h1>${e(entry.title)}</h1><div class="kb-summary"><p>${e(entry.summary)}</p></div>` +
    (meta.length ? `<dl class="kb-meta">${meta.join('')}</dl>` : '') +
    `</header>`;
  const related = (label: string, ids: string[]) => {
    if (!ids.length) return '';
    const items = ids.map(id => {
      const target = opts.lookup?.(id);
      const text = target ? target.title : id;
      return `<li><a href="kb:${e(id)}">${e(text)}</a></li>`;
    });
    return `<h3>${label}</h3><ul>${items.join('')}</ul>`;
  };
  const rel = related('Rules', entry.rules) + related('Patterns', entry.patterns) + related('Incidents', entry.incidents);
  let sources = '';
  if (entry.sources && (entry.sources.primary.length || entry.sources.secondary.length)) {
    sources =
      `<section class="kb-sources"><h2>Sources</h2>` +
      (entry.sources.primary.length ? `<h3>Primary</h3><ul>${entry.sources.primary.map(u => `<li>${ext(u, u)}</li>`).join('')}</ul>` : '') +
      (entry.sources.secondary.length ? `<h3>Secondary</h3><ul>${entry.sources.secondary.map(u => `<li>${ext(u, u)}</li>`).join('')}</ul>` : '') +
      `</section>`;
  }
  const body = renderMarkdown(entry.body, opts);
  const html =
    `<div class="kb-entry">${header}<div class="kb-body">${body}</div>` +
    (rel ? `<section class="kb-related"><h2>Related</h2>${rel}</section>` : '') +
    sources +
    `</div>`;
  return sanitizeHtml(html, sanitizeOptions(linkFor));
}

export const PAGE_CSS = `
body{font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.8rem;margin:.2rem 0 .6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}
pre{background:#f6f8fa;padding:.8rem 1rem;overflow:auto;border-radius:6px}pre code{padding:0;background:none}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.3rem .6rem}
.kb-kind{text-transform:uppercase;font-size:.75rem;letter-spacing:.08em;color:#57606a}
.kb-summary{font-size:1.05rem;color:#424a53}dl.kb-meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.kb-meta dt{font-weight:600}dl.kb-meta dd{margin:0}a.external::after{content:" ↗";font-size:.8em}
a.kb-missing{color:#cf222e;text-decoration:line-through}nav{margin-bottom:1rem}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}code,pre{background:#161b22}th,td{border-color:#30363d}h2{border-color:#30363d}a{color:#58a6ff}.kb-summary{color:#c9d1d9}}
`;

/** A complete standalone HTML page (strict CSP, no scripts). */
export function renderPage(title: string, fragment: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src https: data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Incident Lens</title>` +
    `<style>${PAGE_CSS}</style></head><body>${fragment}</body></html>\n`
  );
}

/** Writes one HTML page per entry plus index.html to `dir`; returns the files written. */
export function exportStaticSite(entries: KbEntry[], dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const byId = new Map(entries.map(x => [x.id, x] as const));
  const linkFor = (id: string) => `${encodeURIComponent(id)}.html`;
  const files: string[] = [];
  for (const entry of entries) {
    const nav = `<nav><a href="index.html">← All entries</a></nav>`;
    const html = renderPage(entry.title, nav + renderEntry(entry, { linkFor, lookup: id => byId.get(id) }));
    const file = path.join(dir, `${entry.id}.html`);
    fs.writeFileSync(file, html);
    files.push(file);
  }
  const section = (kind: KbEntry['kind'], label: string) => {
    const list = entries.filter(x => x.kind === kind).sort((a, b) => a.title.localeCompare(b.title));
    if (!list.length) return '';
    return `<h2>${label}</h2><ul>${list.map(x => `<li><a href="${linkFor(x.id)}">${escapeHtml(x.title)}</a>${x.date ? ` <small>${escapeHtml(x.date)}</small>` : ''} — ${escapeHtml(x.summary)}</li>`).join('')}</ul>`;
  };
  const index = renderPage(
    'Knowledge base',
    sanitizeFragment(`<h1>Incident Lens knowledge base</h1>${section('rule', 'Rules')}${section('pattern', 'Patterns')}${section('incident', 'Incidents')}`, { linkFor }),
  );
  const indexFile = path.join(dir, 'index.html');
  fs.writeFileSync(indexFile, index);
  files.push(indexFile);
  return files;
}
