/**
 * Output formats of `incident-lens check`: pretty (code frames + incident), json, json-with-summary, sarif (2.1.0),
 * github annotations.
 */
import * as path from 'path';
import type { Finding, RuleMeta } from '../core/types';
import { LineIndex } from '../core/text';
import type { KbEntry } from '../kb/types';
import type * as Sarif from 'sarif';
import { fingerprintOf } from './baseline';

export interface FileFindings { file: string; text?: string; findings: Finding[] }

export interface JsonFix {
  title: string;
  safety: 'safe' | 'unsafe';
  isPreferred: boolean;
  edits: { range: [number, number]; line: number; column: number; endLine: number; endColumn: number; text: string }[];
}

export interface JsonRelated { file: string; line: number; column: number; endLine: number; endColumn: number; message: string }

export interface JsonFinding {
  file: string; line: number; column: number; endLine: number; endColumn: number;
  ruleId: string; severity: string; messageId: string; message: string; incidents: string[]; patterns: string[]; fixes: JsonFix[];
  /** Other places that explain the finding (RULES.md v2): the repeated effect, the retry's delay. */
  related: JsonRelated[];
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
        related: (f.related ?? []).map(x => ({
          file: relPath(x.file, cwd), line: x.startPos.line + 1, column: x.startPos.column + 1,
          endLine: x.endPos.line + 1, endColumn: x.endPos.column + 1, message: x.message,
        })),
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

/** Characters of a source line a code frame shows. */
const FRAME_WIDTH = 200;
/** The last text framed and its line index (a file's findings are framed one after another). */
let framed: { text: string; lines: LineIndex } | undefined;

/**
 * The finding's line with `context` lines around it and a caret under the finding. At most FRAME_WIDTH characters
 * of each line are shown: from the line's start, or, when the finding starts further right, from 40 characters
 * before it (marked `…`), so a finding deep in a long line is shown with its caret, and the frame stays small.
 */
export function codeFrame(text: string, f: Finding, s: Style, context = 1): string {
  if (framed?.text !== text) framed = { text, lines: new LineIndex(text) };
  const lines = framed.lines;
  const first = Math.max(0, f.startPos.line - context);
  const last = Math.min(lines.lineCount - 1, f.startPos.line + context);
  const width = String(last + 1).length;
  // the window's first column (UTF-16 units), the same on every line of the frame
  const from = f.startPos.column > FRAME_WIDTH - 40 ? f.startPos.column - 40 : 0;
  const lead = from > 0 ? '…' : '';
  const out: string[] = [];
  for (let l = first; l <= last; l++) {
    const raw = lines.lineText(l);
    // one character more than the window, so that a cut line gets its `…`
    const src = raw.slice(from, from + FRAME_WIDTH + 1).replace(/\t/g, '  ');
    const shown = (from > 0 && raw.length > from ? lead : '') + (src.length > FRAME_WIDTH ? src.slice(0, FRAME_WIDTH) + '…' : src);
    const marker = l === f.startPos.line ? s.red('>') : ' ';
    out.push(`  ${marker} ${s.dim(String(l + 1).padStart(width) + ' |')} ${shown}`);
    if (l === f.startPos.line) {
      const part = raw.slice(from, from + FRAME_WIDTH + 1);
      const startCol = visualColumn(part, f.startPos.column - from);
      const endCol = f.endPos.line === l ? visualColumn(part, f.endPos.column - from) : visualColumn(part, part.length);
      const len = Math.max(1, Math.min(endCol, FRAME_WIDTH) - startCol);
      out.push(`    ${' '.repeat(width)} ${s.dim('|')} ${' '.repeat(lead.length + startCol)}${s.red('^'.repeat(len))}`);
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
      for (const x of f.related ?? []) out.push(`    ${s.dim('↳')} ${s.dim(`${relPath(x.file, opts.cwd)}:${x.startPos.line + 1}:${x.startPos.column + 1}`)} ${x.message}`);
      const ex = opts.explain?.(f);
      if (ex) out.push(ex.split('\n').map(l => `      ${l}`).join('\n'));
      const fix = f.fixes.find(x => x.isPreferred) ?? f.fixes[0];
      if (fix) out.push(`    ${s.dim('fix:')} ${fix.title}${fix.safety === 'safe' ? s.dim(' (applied by --fix)') : s.dim(' (unsafe: applied by --fix --unsafe-fixes, or in the editor)')}`);
      out.push('');
    }
  }
  return out.join('\n');
}

/** `1 file`, `2 files`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export interface RunSummary {
  /** Files analysed and reported on. */
  files: number;
  filesWithFindings: number;
  problems: number;
  errors: number;
  warnings: number;
  info: number;
  /** Findings `--fix` would fix / that only `--fix --unsafe-fixes` would. */
  fixable: number;
  unsafeFixable: number;
  /** Findings matched by the baseline (not counted above), when a baseline is used. */
  baseline?: number;
  /** Files skipped with a notice (too large, binary, generated, ...). */
  skipped: number;
  /** `--max-warnings` (-1: no limit) and whether the warnings exceed it. */
  maxWarnings: number;
  tooManyWarnings: boolean;
}

export function summarize(results: FileFindings[], files: number, extra: { baseline?: number; skipped: number; maxWarnings: number }): RunSummary {
  const all = results.flatMap(r => r.findings);
  const n = (sev: string) => all.filter(f => f.severity === sev).length;
  const safe = (f: Finding) => f.fixes.some(x => x.safety === 'safe');
  const warnings = n('warning');
  return {
    files, filesWithFindings: results.filter(r => r.findings.length).length,
    problems: all.length, errors: n('error'), warnings, info: n('info'),
    fixable: all.filter(safe).length, unsafeFixable: all.filter(f => !safe(f) && f.fixes.length).length,
    ...(extra.baseline !== undefined ? { baseline: extra.baseline } : {}),
    skipped: extra.skipped, maxWarnings: extra.maxWarnings, tooManyWarnings: extra.maxWarnings >= 0 && warnings > extra.maxWarnings,
  };
}

/** The pretty format's last lines: counts with plurals, files with findings of files checked, baseline, fixes. */
export function summaryLine(sum: RunSummary, s: Style): string {
  const base = sum.baseline !== undefined && sum.baseline > 0 ? `; ${sum.baseline} in baseline` : '';
  if (!sum.problems) return `${s.bold('✓')} No ${sum.baseline !== undefined ? 'new ' : ''}problems found in ${plural(sum.files, 'file')}${base}.`;
  const parts = [plural(sum.errors, 'error'), plural(sum.warnings, 'warning'), `${sum.info} info`].filter(p => !p.startsWith('0 '));
  const where = sum.filesWithFindings === sum.files ? plural(sum.files, 'file') : `${sum.filesWithFindings} of ${plural(sum.files, 'file')}`;
  const lines = [`${s.bold(`✖ ${plural(sum.problems, sum.baseline !== undefined ? 'new problem' : 'problem', sum.baseline !== undefined ? 'new problems' : 'problems')}`)} (${parts.join(', ')}) in ${where}${base}.`];
  if (sum.fixable) lines.push(`  ${sum.fixable} fixable with the \`--fix\` option.`);
  if (sum.unsafeFixable) lines.push(`  ${sum.unsafeFixable} more with \`--fix --unsafe-fixes\` (review the changes).`);
  return lines.join('\n');
}

/** `--format json-with-summary`: the findings, the summary and the notices in one object. */
export function toJsonWithSummary(results: FileFindings[], cwd: string, summary: RunSummary, notices: string[], version: string): object {
  return { tool: 'incident-lens', version, summary, findings: toJson(results, cwd), notices };
}

// ---------------------------------------------------------------- github

export function formatGithub(results: FileFindings[], cwd: string): string {
  const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const out: string[] = [];
  for (const j of toJson(results, cwd)) {
    const level = j.severity === 'error' ? 'error' : j.severity === 'warning' ? 'warning' : 'notice';
    // annotations have no related locations: name them under the message
    const related = j.related.map(r => `\n  ${r.file}:${r.line}:${r.column}: ${r.message}`).join('');
    out.push(`::${level} file=${escProp(j.file)},line=${j.line},col=${j.column},endLine=${j.endLine},endColumn=${j.endColumn},title=${escProp(`incident-lens(${j.ruleId})`)}::${escData(j.message + related)}`);
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
  /** Where the project's files can be read on the web (see `repositoryDocs`); without it no URIs are emitted. */
  docs?: RepositoryDocs;
}

const SARIF_LEVEL: Record<string, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

export interface RepositoryDocs {
  /** The repository's home page (`informationUri`). */
  home: string;
  /** Prefix of a file's page at the default branch: `<blob>src/rules/missing-timeout.md`. */
  blob: string;
}

/**
 * Rule-doc URLs from package.json's `repository` (string or { url, directory }): GitHub, GitLab and Bitbucket
 * layouts, at the default branch (`HEAD`). Anything else gives no URLs (SARIF then carries none rather than a guess).
 */
export function repositoryDocs(repository: unknown): RepositoryDocs | undefined {
  const raw = typeof repository === 'string' ? repository : repository && typeof repository === 'object' ? (repository as { url?: unknown }).url : undefined;
  const dir = repository && typeof repository === 'object' && typeof (repository as { directory?: unknown }).directory === 'string' ? (repository as { directory: string }).directory.replace(/^\/+|\/+$/g, '') : '';
  if (typeof raw !== 'string') return undefined;
  let m = /^(?:github|gitlab|bitbucket):([\w.-]+)\/([\w.-]+)$/.exec(raw);
  let host = m ? { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }[raw.split(':')[0]] : undefined;
  if (!m && /^[\w.-]+\/[\w.-]+$/.test(raw)) { m = /^([\w.-]+)\/([\w.-]+)$/.exec(raw); host = 'github.com'; }
  if (!m) {
    const u = /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?(github\.com|gitlab\.com|bitbucket\.org)[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw)
      ?? /^git@(github\.com|gitlab\.com|bitbucket\.org):([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(raw);
    if (!u) return undefined;
    host = u[1]; m = [u[0], u[2], u[3]] as unknown as RegExpExecArray;
  }
  const home = `https://${host}/${m[1]}/${m[2].replace(/\.git$/, '')}`;
  const blobPart = host === 'gitlab.com' ? '/-/blob/HEAD/' : host === 'bitbucket.org' ? '/src/HEAD/' : '/blob/HEAD/';
  return { home, blob: `${home}${blobPart}${dir ? dir + '/' : ''}` };
}

/** Rule docs for SARIF help: `kb:` links (the editor's) become repository links, or plain text without a repository. */
export function helpMarkdown(doc: string, docs: RepositoryDocs | undefined, kbGet?: (id: string) => KbEntry | undefined): string {
  return stripFrontMatter(doc).replace(/\[([^\]]+)\]\(kb:([\w-]+)\)/g, (_m, text: string, id: string) => {
    const e = kbGet?.(id);
    const folder = e?.kind === 'incident' ? 'knowledge/incidents' : e?.kind === 'pattern' ? 'knowledge/patterns' : undefined;
    return docs && folder ? `[${text}](${docs.blob}${folder}/${id}.md)` : text;
  });
}

/** The help as plain text: markdown links reduced to their text, URL kept in parentheses. */
function helpText(md: string): string {
  return md.replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

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
      ...(opts.docs && doc ? { helpUri: `${opts.docs.blob}src/rules/${r.id}.md` } : {}),
      help: (() => { const md = doc ? helpMarkdown(doc, opts.docs, opts.kbGet) : r.description; return { text: helpText(md), markdown: md }; })(),
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
    const uri = artifactUri(r.file, opts.cwd);
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
        ...(f.related?.length ? {
          relatedLocations: f.related.map((x, i) => ({
            id: i + 1,
            physicalLocation: { artifactLocation: { uri: artifactUri(x.file, opts.cwd), uriBaseId: '%SRCROOT%' }, region: region(x.startPos, x.endPos) },
            message: { text: x.message },
          })),
        } : {}),
        ...(lines ? { partialFingerprints: { 'incidentLens/v2': fingerprintOf(f, r.text!, lines).fingerprint } } : {}),
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
      tool: { driver: { name: 'incident-lens', version: opts.version, semanticVersion: opts.version, ...(opts.docs ? { informationUri: opts.docs.home } : {}), rules: rulesOut() } },
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
  return 'file://' + (abs.startsWith('/') ? '' : '/') + uriPath(abs).replace(/^\/([A-Za-z])%3A/, '/$1:');
}

/**
 * A slash-separated path as a URI path (RFC 3986): each segment percent-encoded (space, `%`, `#`, `?`, and `:`, which
 * in a first segment would read as a scheme: `colon:comma,.ts` is not the URI scheme `colon:`).
 */
export function uriPath(p: string): string {
  return p.split('/').map(seg => encodeURIComponent(seg).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
}

/** A file's SARIF artifact URI (relative to %SRCROOT%, the cwd). */
export function artifactUri(file: string, cwd: string): string {
  return uriPath(relPath(file, cwd));
}
