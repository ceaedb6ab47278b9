/** Output formats of `incident-lens check`: pretty (code frames + incident), json, sarif (2.1.0), github annotations. */
import * as path from 'path';
import type { Finding, RuleMeta } from '../core/types';
import { LineIndex } from '../core/text';
import type { KbEntry } from '../kb/types';
import type * as Sarif from 'sarif';

export interface FileFindings { file: string; text?: string; findings: Finding[] }

export interface JsonFix {
  title: string;
  safety: 'safe' | 'unsafe';
  isPreferred: boolean;
  edits: { range: [number, number]; line: number; column: number; endLine: number; endColumn: number; text: string }[];
}

export interface JsonFinding {
  file: string; line: number; column: number; endLine: number; endColumn: number;
  ruleId: string; severity: string; messageId: string; message: string; incidents: string[]; patterns: string[]; fixes: JsonFix[];
}

export function relPath(file: string, cwd: string): string {
  return path.relative(cwd, file).split(path.sep).join('/') || path.basename(file);
}

export function toJson(results: FileFindings[], cwd: string): JsonFinding[] {
  const out: JsonFinding[] = [];
  for (const r of results) {
    const lines = r.text !== undefined ? new LineIndex(r.text) : undefined;
    for (const f of r.findings) {
      out.push({
        file: relPath(r.file, cwd),
        line: f.startPos.line + 1, column: f.startPos.column + 1,
        endLine: f.endPos.line + 1, endColumn: f.endPos.column + 1,
        ruleId: f.ruleId, severity: f.severity, messageId: f.messageId, message: f.message,
        incidents: f.incidents, patterns: f.patterns,
        fixes: f.fixes.map(x => ({
          title: x.title, safety: x.safety, isPreferred: !!x.isPreferred,
          edits: x.edits.map(e => {
            const s = lines?.pos(e.start), en = lines?.pos(e.end);
            return { range: [e.start, e.end] as [number, number], line: (s?.line ?? 0) + 1, column: (s?.column ?? 0) + 1, endLine: (en?.line ?? 0) + 1, endColumn: (en?.column ?? 0) + 1, text: e.text };
          }),
        })),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- pretty

export interface Style { bold(s: string): string; dim(s: string): string; red(s: string): string; yellow(s: string): string; cyan(s: string): string; underline(s: string): string }
const id = (s: string) => s;
export const plain: Style = { bold: id, dim: id, red: id, yellow: id, cyan: id, underline: id };
const esc = (a: number, b: number) => (s: string) => `\x1b[${a}m${s}\x1b[${b}m`;
export const ansi: Style = { bold: esc(1, 22), dim: esc(2, 22), red: esc(31, 39), yellow: esc(33, 39), cyan: esc(36, 39), underline: esc(4, 24) };

export interface PrettyOptions {
  cwd: string;
  style: Style;
  kbGet?: (id: string) => KbEntry | undefined;
  explain?: (f: Finding) => string | undefined;
}

function sevLabel(sev: string, s: Style): string {
  return sev === 'error' ? s.red('error') : sev === 'warning' ? s.yellow('warning') : s.cyan('info');
}

export function codeFrame(text: string, f: Finding, s: Style, context = 1): string {
  const lines = new LineIndex(text);
  const first = Math.max(0, f.startPos.line - context);
  const last = Math.min(lines.lineCount - 1, f.startPos.line + context);
  const width = String(last + 1).length;
  const out: string[] = [];
  for (let l = first; l <= last; l++) {
    const src = lines.lineText(l).replace(/\t/g, '  ');
    const marker = l === f.startPos.line ? s.red('>') : ' ';
    out.push(`  ${marker} ${s.dim(String(l + 1).padStart(width) + ' |')} ${src.length > 200 ? src.slice(0, 200) + '…' : src}`);
    if (l === f.startPos.line) {
      const raw = lines.lineText(l);
      const startCol = visualColumn(raw, f.startPos.column);
      const endCol = f.endPos.line === l ? visualColumn(raw, f.endPos.column) : visualColumn(raw, raw.length);
      const len = Math.max(1, Math.min(endCol, 200) - startCol);
      out.push(`    ${' '.repeat(width)} ${s.dim('|')} ${' '.repeat(startCol)}${s.red('^'.repeat(len))}`);
    }
  }
  return out.join('\n');
}

function visualColumn(line: string, col: number): number {
  let v = 0;
  for (let i = 0; i < col && i < line.length; i++) v += line[i] === '\t' ? 2 : 1;
  return v;
}

export function formatPretty(results: FileFindings[], opts: PrettyOptions): string {
  const s = opts.style;
  const out: string[] = [];
  for (const r of results) {
    if (!r.findings.length) continue;
    out.push(s.underline(relPath(r.file, opts.cwd)));
    for (const f of r.findings) {
      out.push(`  ${s.dim(`${f.startPos.line + 1}:${f.startPos.column + 1}`)}  ${sevLabel(f.severity, s)}  ${f.message}  ${s.dim(f.ruleId)}`);
      if (r.text !== undefined) out.push(codeFrame(r.text, f, s));
      const inc = f.incidents[0] && opts.kbGet?.(f.incidents[0]);
      const pat = f.patterns[0] && opts.kbGet?.(f.patterns[0]);
      if (inc || pat) {
        const parts: string[] = [];
        if (inc) parts.push(`resembles ${s.bold(inc.title)}${inc.date ? ` (${inc.date})` : ''}`);
        if (pat) parts.push(`pattern: ${pat.title}`);
        out.push(`    ${s.dim('↳')} ${parts.join(s.dim(' · '))}  ${s.dim(`incident-lens kb show ${f.incidents[0] ?? f.patterns[0]}`)}`);
      } else if (f.incidents.length || f.patterns.length) {
        out.push(`    ${s.dim('↳')} ${s.dim([...f.incidents, ...f.patterns].join(', '))}`);
      }
      const ex = opts.explain?.(f);
      if (ex) out.push(ex.split('\n').map(l => `      ${l}`).join('\n'));
      const fix = f.fixes.find(x => x.isPreferred) ?? f.fixes[0];
      if (fix) out.push(`    ${s.dim('fix:')} ${fix.title}${fix.safety === 'safe' ? s.dim(' (applied by --fix)') : s.dim(' (suggestion: apply it in the editor)')}`);
      out.push('');
    }
  }
  return out.join('\n');
}

export function summaryLine(results: FileFindings[], fileCount: number, s: Style): string {
  const all = results.flatMap(r => r.findings);
  const n = (sev: string) => all.filter(f => f.severity === sev).length;
  const fixable = all.filter(f => f.fixes.some(x => x.safety === 'safe')).length;
  if (!all.length) return `${s.bold('✓')} No problems found in ${fileCount} file${fileCount === 1 ? '' : 's'}.`;
  return `${s.bold(`✖ ${all.length} problem${all.length === 1 ? '' : 's'}`)} (${n('error')} error${n('error') === 1 ? '' : 's'}, ${n('warning')} warning${n('warning') === 1 ? '' : 's'}, ${n('info')} info) in ${fileCount} file${fileCount === 1 ? '' : 's'}` +
    (fixable ? `\n  ${fixable} fixable with the \`--fix\` option.` : '');
}

// ---------------------------------------------------------------- github

export function formatGithub(results: FileFindings[], cwd: string): string {
  const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const out: string[] = [];
  for (const j of toJson(results, cwd)) {
    const level = j.severity === 'error' ? 'error' : j.severity === 'warning' ? 'warning' : 'notice';
    out.push(`::${level} file=${escProp(j.file)},line=${j.line},col=${j.column},endLine=${j.endLine},endColumn=${j.endColumn},title=${escProp(`incident-lens(${j.ruleId})`)}::${escData(j.message)}`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- sarif

export interface SarifOptions {
  cwd: string;
  version: string;
  rules: RuleMeta[];
  ruleDoc: (id: string) => string | undefined;
  kbGet?: (id: string) => KbEntry | undefined;
}

const SARIF_LEVEL: Record<string, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };
export const INFORMATION_URI = 'https://github.com/incident-lens/incident-lens';

export function formatSarif(results: FileFindings[], opts: SarifOptions): Sarif.Log {
  const ruleIndex = new Map(opts.rules.map((r, i) => [r.id, i]));
  const extraRules: RuleMeta[] = [];
  const rulesOut = () => [...opts.rules, ...extraRules].map(r => {
    const doc = opts.ruleDoc(r.id);
    const links = [...r.incidents, ...r.patterns].map(id => opts.kbGet?.(id)).filter((e): e is KbEntry => !!e);
    return {
      id: r.id,
      name: r.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      helpUri: `${INFORMATION_URI}/blob/main/src/rules/${r.id}.md`,
      help: { text: doc ? stripFrontMatter(doc) : r.description, markdown: doc ? stripFrontMatter(doc) : r.description },
      defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] ?? 'warning' },
      properties: {
        tags: ['reliability', 'resilience'],
        incidents: r.incidents, patterns: r.patterns,
        related: links.map(e => `${e.kind}: ${e.title}`),
        precision: 'high',
        'problem.severity': r.defaultSeverity === 'info' ? 'recommendation' : r.defaultSeverity,
      },
    };
  });
  const sarifResults: Sarif.Result[] = [];
  for (const r of results) {
    const uri = relPath(r.file, opts.cwd);
    const lines = r.text !== undefined ? new LineIndex(r.text) : undefined;
    for (const f of r.findings) {
      let idx = ruleIndex.get(f.ruleId);
      if (idx === undefined) {
        extraRules.push({ id: f.ruleId, title: f.ruleId, description: f.message, defaultSeverity: f.severity, incidents: [], patterns: [], fixable: true });
        idx = opts.rules.length + extraRules.length - 1;
        ruleIndex.set(f.ruleId, idx);
      }
      const region = (start: { line: number; column: number }, end: { line: number; column: number }) => ({ startLine: start.line + 1, startColumn: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1 });
      sarifResults.push({
        ruleId: f.ruleId,
        ruleIndex: idx,
        level: SARIF_LEVEL[f.severity] ?? 'warning',
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: region(f.startPos, f.endPos) } }],
        partialFingerprints: { 'incidentLens/v1': fingerprint(uri, f, r.text) },
        properties: { incidents: f.incidents, patterns: f.patterns },
        ...(lines && f.fixes.length ? {
          fixes: f.fixes.map(x => ({
            description: { text: x.title },
            artifactChanges: [{
              artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
              replacements: x.edits.map(e => ({ deletedRegion: region(lines.pos(e.start), lines.pos(e.end)), insertedContent: { text: e.text } })),
            }],
          })),
        } : {}),
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'incident-lens', version: opts.version, semanticVersion: opts.version, informationUri: INFORMATION_URI, rules: rulesOut() } },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileUri(opts.cwd) + '/' } },
      results: sarifResults,
      columnKind: 'utf16CodeUnits',
    }],
  };
}

function stripFrontMatter(md: string): string {
  return md.replace(/^---\n[\s\S]*?\n---\n/, '').trim();
}

function pathToFileUri(p: string): string {
  const abs = path.resolve(p).split(path.sep).join('/');
  return 'file://' + (abs.startsWith('/') ? '' : '/') + encodeURI(abs);
}

/** Stable across unrelated edits: rule, file, and the text of the flagged line (trimmed). */
function fingerprint(uri: string, f: Finding, text?: string): string {
  const line = text !== undefined ? new LineIndex(text).lineText(f.startPos.line).trim() : String(f.startPos.line);
  let h = 0x811c9dc5;
  for (const ch of `${f.ruleId}|${uri}|${line}`) { h ^= ch.charCodeAt(0); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16).padStart(8, '0');
}
