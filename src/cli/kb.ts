/**
 * `incident-lens kb …`: search, read and export the knowledge base from a terminal.
 *
 *   incident-lens kb search <query…> [--json] [--limit N] [--kind incident|pattern|rule]
 *   incident-lens kb show <id> [--json]
 *   incident-lens kb export <dir>
 *   common: [--index <kb.json>] [--incidents <dir>] (team postmortems; default from .incident-lens.json or .incidents)
 *
 * Exit codes: 0 found/done, 1 not found, 2 usage error or knowledge base unavailable.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAllLanguages, syntaxProblem } from '../core/parser';
import { Lexer, type Token, type Tokens } from 'marked';
import type { EntryKind, KbEntry } from '../kb/types';
import { ENTRY_KINDS } from '../kb/types';
import { loadKnowledgeBase, precheckTeamCode, DEFAULT_POSTMORTEM_DIR, type KnowledgeBase, type LoadOptions } from '../kb/load';
import { familyLabel, suggestEntries } from '../kb/schema';
import { stripControls, stripControlsDeep } from '../kb/text';

export interface KbIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  isTTY: boolean;
}

const USAGE = `Usage:
  incident-lens kb search <query> [--json] [--limit N] [--kind incident|pattern|rule]
  incident-lens kb show <id> [--json]
  incident-lens kb export <dir>
Options: --index <kb.json>  --incidents <dir> (team postmortems)`;

class UsageError extends Error {}

interface Colours {
  bold(s: string): string;
  dim(s: string): string;
  hl(s: string): string;
  heading(s: string): string;
  code(s: string): string;
  kind(s: string): string;
}

const esc = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const ident = (s: string) => s;
const PLAIN: Colours = { bold: ident, dim: ident, hl: ident, heading: ident, code: ident, kind: ident };
const ANSI: Colours = {
  bold: esc(1, 22),
  dim: esc(2, 22),
  hl: s => `\u001b[1;33m${s}\u001b[22;39m`,
  heading: s => `\u001b[1;36m${s}\u001b[22;39m`,
  code: esc(2, 22),
  kind: esc(35, 39),
};

interface ParsedArgs {
  positional: string[];
  json: boolean;
  limit?: number;
  kinds?: EntryKind[];
  index?: string;
  incidents?: string;
}

function parseKbArgs(args: string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '--') {
      out.positional.push(...args.slice(i + 1));
      break;
    } else if (a === '--json') out.json = true;
    else if (a === '--limit' || a.startsWith('--limit=')) {
      const v = value('--limit');
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 500) throw new UsageError(`--limit must be an integer from 1 to 500 (got "${v}")`);
      out.limit = n;
    } else if (a === '--kind' || a.startsWith('--kind=')) {
      const kinds = value('--kind').split(',').map(k => k.trim());
      for (const k of kinds) if (!ENTRY_KINDS.includes(k as EntryKind)) throw new UsageError(`--kind must be incident, pattern or rule (got "${k}")`);
      out.kinds = kinds as EntryKind[];
    } else if (a === '--index' || a.startsWith('--index=')) out.index = value('--index');
    else if (a === '--incidents' || a.startsWith('--incidents=')) out.incidents = value('--incidents');
    else if (a.startsWith('--') && a.length > 2) throw new UsageError(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

/** The team postmortem folder: --incidents, else `incidentsDir` from the nearest .incident-lens.json, else .incidents. */
function postmortemDir(cwd: string, explicit?: string): string {
  if (explicit) return path.resolve(cwd, explicit);
  let dir = path.resolve(cwd);
  for (let i = 0; i < 20; i++) {
    const file = path.join(dir, '.incident-lens.json');
    if (fs.existsSync(file)) {
      try {
        const cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as { incidentsDir?: unknown };
        if (typeof cfg.incidentsDir === 'string' && cfg.incidentsDir) return path.resolve(dir, cfg.incidentsDir);
      } catch {
        /* the check command reports config errors */
      }
      return path.join(dir, DEFAULT_POSTMORTEM_DIR);
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(path.resolve(cwd), DEFAULT_POSTMORTEM_DIR);
}

export async function runKb(args: string[], io: KbIo): Promise<number> {
  const c = io.isTTY ? ANSI : PLAIN;
  let parsed: ParsedArgs;
  const [sub, ...rest] = args;
  try {
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
      io.stdout(USAGE + '\n');
      return sub ? 0 : 2;
    }
    if (sub !== 'search' && sub !== 'show' && sub !== 'export') throw new UsageError(`unknown kb command "${sub}"`);
    parsed = parseKbArgs(rest);
    if (sub === 'search' && parsed.positional.join(' ').trim() === '') throw new UsageError('kb search needs a query');
    if (sub === 'show' && parsed.positional.length !== 1) throw new UsageError('kb show needs exactly one id');
    if (sub === 'export' && parsed.positional.length !== 1) throw new UsageError('kb export needs exactly one directory');
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`incident-lens kb: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }

  let kb: KnowledgeBase;
  try {
    const dir = postmortemDir(io.cwd, parsed.incidents);
    const extraDirs = fs.existsSync(dir) ? [dir] : [];
    // team postmortems are validated like the bundled entries, code blocks included
    kb = loadKnowledgeBase({
      indexJson: parsed.index ? path.resolve(io.cwd, parsed.index) : undefined,
      extraDirs,
      checkCode: await teamCodeCheck(extraDirs),
    });
  } catch (e) {
    io.stderr(`incident-lens kb: ${(e as Error).message}\n`);
    return 2;
  }
  for (const p of kb.errors) io.stderr(stripControls(`incident-lens kb: skipped ${path.relative(io.cwd, p.file) || p.file}: ${p.problem}`) + '\n');

  if (sub === 'search') return search(kb, parsed, io, c);
  if (sub === 'show') return show(kb, parsed, io, c);
  const dir = path.resolve(io.cwd, parsed.positional[0]);
  try {
    const files = kb.exportHtml(dir);
    io.stdout(`Wrote ${files.length} HTML pages to ${path.relative(io.cwd, dir) || '.'} (open index.html)\n`);
    return 0;
  } catch (e) {
    io.stderr(`incident-lens kb: cannot export to ${dir}: ${(e as Error).message}\n`);
    return 2;
  }
}

/**
 * The code-block check of team postmortems (every ts/tsx/js block must parse), computed before the synchronous KB
 * load: a block tree-sitter crashes on rejects its file, and the parser is restarted before the next block.
 */
export async function teamCodeCheck(dirs: string[]): Promise<LoadOptions['checkCode']> {
  if (!dirs.length) return undefined;
  return precheckTeamCode(dirs, async (code, lang) => {
    await loadAllLanguages();
    return syntaxProblem(code, lang);
  });
}

function search(kb: KnowledgeBase, a: ParsedArgs, io: KbIo, c: Colours): number {
  const query = a.positional.join(' ');
  // entries are printed to a terminal: no control characters or escape sequences from their text (team files)
  const results = stripControlsDeep(kb.search(query, { limit: a.limit ?? 10, kinds: a.kinds }));
  if (a.json) {
    io.stdout(JSON.stringify(results, null, 2) + '\n');
    return results.length ? 0 : 1;
  }
  if (!results.length) {
    io.stderr(`No entries match "${stripControls(query)}". Try fewer or shorter words.\n`);
    return 1;
  }
  const width = 80;
  results.forEach((r, i) => {
    const n = `${String(i + 1).padStart(2)}.`;
    io.stdout(`${c.dim(n)} ${c.bold(r.title)}  ${c.kind(r.kind)}${r.origin === 'team' ? c.kind(' (team)') : ''}  ${c.dim(r.id)}\n`);
    const snippet = r.snippet.replace(/«([^»]*)»/g, (_, w: string) => (c === PLAIN ? `«${w}»` : c.hl(w)));
    io.stdout(wrap(snippet, width - 4, '    ') + '\n');
  });
  io.stdout(c.dim(`\nRead one with: incident-lens kb show <id>\n`));
  return 0;
}

function show(kb: KnowledgeBase, a: ParsedArgs, io: KbIo, c: Colours): number {
  const id = a.positional[0];
  const entry = kb.get(id);
  if (!entry) {
    // by edit distance and id/title words, never a full-text search hit (which can be unrelated)
    const hints = suggestEntries(id, kb.all());
    const hint = hints.length ? ` Did you mean ${hints.map(h => `"${h}"`).join(' or ')}?` : ' Nothing matched it.';
    io.stderr(stripControls(`No entry with id "${id}".${hint} Search with: incident-lens kb search <words>`) + '\n');
    return 1;
  }
  if (a.json) {
    const { text: _text, code: _code, keywords: _kw, related: _rel, ...rest } = entry as KbEntry & { text?: string; code?: string; keywords?: string; related?: string };
    io.stdout(JSON.stringify(rest, null, 2) + '\n');
    return 0;
  }
  io.stdout(renderEntryForTerminal(stripControlsDeep(entry), { get: x => stripControlsDeep(kb.get(x)) }, c));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Terminal rendering

const WIDTH = 80;

/** Greedy word wrap; the first line and the rest share `indent`. ANSI-free input assumed for widths. */
export function wrap(text: string, width: number, indent = '', hangingIndent = indent): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let lineLen = 0;
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  for (const w of words) {
    const len = visible(w);
    if (line && lineLen + 1 + len > width) {
      lines.push(line);
      line = w;
      lineLen = len;
    } else {
      line = line ? `${line} ${w}` : w;
      lineLen += (lineLen ? 1 : 0) + len;
    }
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? indent : hangingIndent) + l).join('\n');
}

interface InlineCtx {
  c: Colours;
  links: string[];
}

function inlineText(tokens: Token[] | undefined, fallback: string, ctx: InlineCtx): string {
  if (!tokens) return fallback;
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'strong':
        out += ctx.c.bold(inlineText((t as Tokens.Strong).tokens, (t as Tokens.Strong).text, ctx));
        break;
      case 'em':
        out += inlineText((t as Tokens.Em).tokens, (t as Tokens.Em).text, ctx);
        break;
      case 'codespan':
        out += ctx.c.code(`\`${decode((t as Tokens.Codespan).text)}\``);
        break;
      case 'link': {
        const l = t as Tokens.Link;
        const text = inlineText(l.tokens, l.text, ctx);
        const kb = /^kb:(.+)$/.exec(l.href);
        if (kb) out += `${text} ${ctx.c.dim(`(kb:${kb[1]})`)}`;
        else if (/^https?:/.test(l.href)) {
          let n = ctx.links.indexOf(l.href) + 1;
          if (n === 0) n = ctx.links.push(l.href);
          out += `${text}${ctx.c.dim(`[${n}]`)}`;
        } else out += text;
        break;
      }
      case 'br':
        out += ' ';
        break;
      case 'html':
        out += (t as Tokens.HTML).text.replace(/<[^>]*>/g, '');
        break;
      case 'text':
      case 'escape': {
        const tt = t as Tokens.Text;
        out += tt.tokens ? inlineText(tt.tokens, tt.text, ctx) : decode(tt.text);
        break;
      }
      default: {
        const tt = t as { tokens?: Token[]; text?: string };
        out += tt.tokens ? inlineText(tt.tokens, tt.text ?? '', ctx) : decode(tt.text ?? '');
      }
    }
  }
  return out;
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
}

function renderBlocks(tokens: Token[], ctx: InlineCtx, indent: string, out: string[]): void {
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
        break;
      case 'heading': {
        const h = t as Tokens.Heading;
        const text = inlineText(h.tokens, h.text, { ...ctx, c: PLAIN });
        out.push('');
        out.push(indent + (h.depth <= 2 ? ctx.c.heading(text.toUpperCase()) : ctx.c.bold(text)));
        break;
      }
      case 'paragraph': {
        const p = t as Tokens.Paragraph;
        out.push(wrap(inlineText(p.tokens, p.text, ctx), WIDTH - indent.length, indent));
        out.push('');
        break;
      }
      case 'text': {
        const p = t as Tokens.Text;
        out.push(wrap(inlineText(p.tokens, p.text, ctx), WIDTH - indent.length, indent));
        break;
      }
      case 'code': {
        const code = t as Tokens.Code;
        for (const line of code.text.split('\n')) out.push(indent + '    ' + ctx.c.code(line));
        out.push('');
        break;
      }
      case 'list': {
        const list = t as Tokens.List;
        list.items.forEach((item, i) => {
          const bullet = list.ordered ? `${(Number(list.start) || 1) + i}. ` : '• ';
          const sub: string[] = [];
          renderBlocks(item.tokens, ctx, indent + ' '.repeat(bullet.length + 2), sub);
          const lines = sub.filter((l, j) => !(l === '' && j === sub.length - 1));
          const firstIdx = lines.findIndex(l => l.trim() !== '');
          if (firstIdx >= 0) lines[firstIdx] = indent + '  ' + bullet + lines[firstIdx].slice(indent.length + bullet.length + 2);
          out.push(...lines.filter(l => l !== ''));
        });
        out.push('');
        break;
      }
      case 'blockquote': {
        const sub: string[] = [];
        renderBlocks((t as Tokens.Blockquote).tokens, ctx, indent + '│ ', sub);
        out.push(...sub);
        break;
      }
      case 'table': {
        const tb = t as Tokens.Table;
        const cells = [tb.header.map(h => inlineText(h.tokens, h.text, ctx)), ...tb.rows.map(r => r.map(cell => inlineText(cell.tokens, cell.text, ctx)))];
        const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
        const widths = cells[0].map((_, col) => Math.max(...cells.map(r => visible(r[col] ?? ''))));
        const total = widths.reduce((a, b) => a + b + 3, 0);
        if (total <= WIDTH - indent.length) {
          cells.forEach((row, ri) => {
            out.push(indent + '  ' + row.map((cell, col) => cell + ' '.repeat(widths[col] - visible(cell))).join(ctx.c.dim(' │ ')).trimEnd());
            if (ri === 0) out.push(indent + '  ' + ctx.c.dim(widths.map(w => '─'.repeat(w)).join('─┼─')));
          });
        } else {
          // Too wide for the terminal: one block per row, "Header: value".
          for (const row of cells.slice(1)) {
            row.forEach((cell, col) => out.push(wrap(`${ctx.c.bold(cells[0][col] + ':')} ${cell}`, WIDTH - indent.length - 4, indent + (col === 0 ? '  • ' : '    '), indent + '    ')));
          }
        }
        out.push('');
        break;
      }
      case 'hr':
        out.push(indent + ctx.c.dim('─'.repeat(Math.min(40, WIDTH - indent.length))));
        break;
      case 'html':
        out.push(indent + (t as Tokens.HTML).text.replace(/<[^>]*>/g, '').trim());
        break;
      default: {
        const tt = t as { tokens?: Token[]; text?: string };
        if (tt.tokens) renderBlocks(tt.tokens, ctx, indent, out);
        else if (tt.text) out.push(wrap(tt.text, WIDTH - indent.length, indent));
      }
    }
  }
}

/** A readable plain-text (or ANSI-coloured) rendering of one entry. */
export function renderEntryForTerminal(entry: KbEntry, kb: Pick<KnowledgeBase, 'get'> | undefined, c: Colours = PLAIN): string {
  const out: string[] = [];
  const ctx: InlineCtx = { c, links: [] };
  const kindLine = [entry.kind.toUpperCase() + (entry.origin === 'team' ? ' (team postmortem)' : ''), entry.date, entry.organisation, entry.severity ? `default severity: ${entry.severity}` : undefined]
    .filter(Boolean)
    .join(' · ');
  out.push(c.bold(entry.title));
  out.push(c.dim(kindLine));
  out.push('');
  out.push(wrap(entry.summary, WIDTH));
  const meta: [string, string][] = [];
  if (entry.duration) meta.push(['Duration', entry.duration]);
  if (entry.impact) meta.push(['Impact', entry.impact + (entry.impactSource ? ` (source: ${entry.impactSource})` : '')]);
  if (entry.families?.length) meta.push(['Anti-patterns', entry.families.map(familyLabel).join('; ')]);
  if (entry.libraries?.length) meta.push(['Libraries', entry.libraries.join(', ')]);
  if (meta.length) {
    out.push('');
    for (const [k, v] of meta) out.push(wrap(`${c.bold(k + ':')} ${v}`, WIDTH, '', '  '));
  }
  renderBlocks(new Lexer().lex(entry.body), ctx, '', out);

  const rel = (label: string, ids: string[]) => {
    if (!ids.length) return;
    out.push(c.bold(label));
    for (const id of ids) {
      const t = kb?.get(id);
      out.push(`  ${id}${t ? c.dim(` (${t.title})`) : ''}`);
    }
  };
  if (entry.rules.length || entry.patterns.length || entry.incidents.length) {
    out.push('');
    out.push(c.heading('RELATED'));
    rel('Rules', entry.rules);
    rel('Patterns', entry.patterns);
    rel('Incidents', entry.incidents);
  }
  if (entry.sources) {
    out.push('');
    out.push(c.heading('SOURCES'));
    for (const u of entry.sources.primary) out.push(`  primary:   ${u}`);
    for (const u of entry.sources.secondary) out.push(`  secondary: ${u}`);
  }
  if (ctx.links.length) {
    out.push('');
    out.push(c.heading('LINKS'));
    ctx.links.forEach((u, i) => out.push(`  [${i + 1}] ${u}`));
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

/**
 * 2–4 lines for `check --explain`: the first linked incident (title, date, organisation), its impact with
 * the source, and the first linked pattern. Empty string when none of the ids is in the knowledge base.
 */
export function explainFinding(kb: Pick<KnowledgeBase, 'get'>, incidentIds: readonly string[], patternIds: readonly string[]): string {
  return stripControls(explainLines(kb, incidentIds, patternIds).join('\n'));
}

function explainLines(kb: Pick<KnowledgeBase, 'get'>, incidentIds: readonly string[], patternIds: readonly string[]): string[] {
  const lines: string[] = [];
  const incidents = incidentIds.map(id => kb.get(id)).filter((e): e is KbEntry => !!e && e.kind === 'incident');
  const pattern = patternIds.map(id => kb.get(id)).find((e): e is KbEntry => !!e && e.kind === 'pattern');
  const first = incidents[0];
  if (first) {
    const when = [first.organisation, first.date].filter(Boolean).join(', ');
    const more = incidents.length > 1 ? ` (+${incidents.length - 1} more: ${incidents.slice(1).map(e => e.id).join(', ')})` : '';
    lines.push(`Incident: ${first.title}${when ? ` (${when})` : ''}${more}`);
    const impact = first.impact ?? first.summary;
    const source = first.impactSource ?? first.sources?.primary[0];
    lines.push(`Impact: ${oneLine(impact, 160)}${source ? ` [${source}]` : ''}`);
  }
  if (pattern) lines.push(`Pattern: ${pattern.title} (incident-lens kb show ${pattern.id})`);
  return lines;
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1).trimEnd() + '…' : t;
}
