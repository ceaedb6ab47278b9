/**
 * Baseline: a committed JSON file of the findings a project accepted when it adopted incident-lens, so that CI fails
 * only on new ones (`check --baseline f`; `--update-baseline` rewrites it, dropping fixed findings).
 *
 * A finding is matched by its rule, its file (relative to the baseline's directory) and a fingerprint that does not
 * contain line numbers, so inserting or deleting lines elsewhere in the file does not un-match it:
 * - `fingerprint`: hash of the rule id and the whitespace-free text of the flagged code and of its whole first line
 *   (GitHub code scanning's primaryLocationLineHash is of the same kind);
 * - `context`: hash of the whitespace-free text of the neighbouring non-blank lines (2 above, 2 below), as ESLint
 *   bulk suppressions / Semgrep use the surrounding code, to tell identical lines apart.
 * Equal fingerprints in one file are occurrences (the index is the entry's position among them). Matching is done in
 * two passes, each consuming baseline entries one for one (a multiset, so a copy of a baselined line pasted above it
 * counts as one new finding, not as a shift of every later occurrence): first on fingerprint + context, then on the
 * fingerprint alone (the code around the finding changed but the finding itself did not).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../core/types';
import { LineIndex } from '../core/text';

export const DEFAULT_BASELINE_FILE = '.incident-lens-baseline.json';
export const BASELINE_VERSION = 1;

export interface BaselineEntry { rule: string; fingerprint: string; context: string; message: string }

export interface BaselineFile {
  $comment?: string;
  version: number;
  /** Entries per file (posix path relative to the baseline file's directory), in file order. */
  files: Record<string, BaselineEntry[]>;
}

export class BaselineError extends Error {}

const squash = (s: string) => s.replace(/\s+/g, '');
const hash = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 16);

/** The fingerprint pair of a finding in `text` (the file's text). */
export function fingerprintOf(f: Finding, text: string, lines = new LineIndex(text)): { fingerprint: string; context: string } {
  const flagged = squash(text.slice(f.start, Math.min(f.end, f.start + 400)));
  const line = squash(lines.lineText(f.startPos.line));
  const around: string[] = [];
  for (let l = f.startPos.line - 1, n = 0; l >= 0 && n < 2; l--) { const t = squash(lines.lineText(l)); if (t) { around.unshift(t); n++; } }
  around.push('|');
  for (let l = f.startPos.line + 1, n = 0; l < lines.lineCount && n < 2; l++) { const t = squash(lines.lineText(l)); if (t) { around.push(t); n++; } }
  return { fingerprint: hash(`${f.ruleId}\0${flagged}\0${line}`), context: hash(around.join('\n')) };
}

export function baselineKey(file: string, baselineFile: string): string {
  return path.relative(path.dirname(path.resolve(baselineFile)), file).split(path.sep).join('/');
}

export function readBaseline(file: string): BaselineFile {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new BaselineError(`cannot read the baseline ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); create it with --update-baseline`);
  }
  let j: BaselineFile;
  try { j = JSON.parse(text) as BaselineFile; } catch (e) { throw new BaselineError(`the baseline ${file} is not valid JSON (${(e as Error).message})`); }
  if (!j || typeof j !== 'object' || typeof j.files !== 'object' || !j.files || Array.isArray(j.files)) throw new BaselineError(`the baseline ${file} has no "files" object`);
  if (j.version !== BASELINE_VERSION) throw new BaselineError(`the baseline ${file} has version ${JSON.stringify(j.version)}; this incident-lens reads version ${BASELINE_VERSION} (rewrite it with --update-baseline)`);
  for (const [f, entries] of Object.entries(j.files)) {
    if (!Array.isArray(entries) || entries.some(e => !e || typeof e.rule !== 'string' || typeof e.fingerprint !== 'string')) throw new BaselineError(`the baseline ${file}: entries of "${f}" must be objects with "rule" and "fingerprint"`);
  }
  return j;
}

export interface FileFindingsText { file: string; text?: string; findings: Finding[] }

export interface BaselineSplit {
  /** Per file: the findings not in the baseline. */
  fresh: Map<string, Finding[]>;
  /** Number of findings matched by baseline entries. */
  matched: number;
}

/** Splits each file's findings into new ones and baselined ones. */
export function applyBaseline(results: FileFindingsText[], baseline: BaselineFile, baselineFile: string): BaselineSplit {
  const fresh = new Map<string, Finding[]>();
  let matched = 0;
  for (const r of results) {
    const entries = baseline.files[baselineKey(r.file, baselineFile)];
    if (!entries?.length || r.text === undefined || !r.findings.length) { fresh.set(r.file, r.findings); continue; }
    const lines = new LineIndex(r.text);
    const prints = r.findings.map(f => fingerprintOf(f, r.text!, lines));
    const left = entries.map(e => ({ ...e, used: false }));
    const isIn = new Array<boolean>(r.findings.length).fill(false);
    for (const exact of [true, false]) {
      r.findings.forEach((f, i) => {
        if (isIn[i]) return;
        const e = left.find(x => !x.used && x.rule === f.ruleId && x.fingerprint === prints[i].fingerprint && (!exact || x.context === prints[i].context));
        if (e) { e.used = true; isIn[i] = true; matched++; }
      });
    }
    fresh.set(r.file, r.findings.filter((_, i) => !isIn[i]));
  }
  return { fresh, matched };
}

/**
 * The baseline after a run: entries of the analysed files are replaced by their current findings (fixed ones go);
 * entries of files not analysed in this run are kept while the file exists.
 */
export function updatedBaseline(results: FileFindingsText[], previous: BaselineFile | undefined, baselineFile: string): { baseline: BaselineFile; added: number; removed: number; total: number } {
  const files: Record<string, BaselineEntry[]> = {};
  const analysed = new Set(results.map(r => baselineKey(r.file, baselineFile)));
  const dir = path.dirname(path.resolve(baselineFile));
  for (const [k, entries] of Object.entries(previous?.files ?? {})) {
    if (!analysed.has(k) && fs.existsSync(path.join(dir, k))) files[k] = entries;
  }
  let added = 0, removed = 0;
  for (const r of results) {
    if (!r.findings.length || r.text === undefined) continue;
    const lines = new LineIndex(r.text);
    files[baselineKey(r.file, baselineFile)] = r.findings.map(f => ({ rule: f.ruleId, ...fingerprintOf(f, r.text!, lines), message: f.message }));
  }
  // what changed, for the notice: compare as multisets per file
  for (const k of new Set([...Object.keys(previous?.files ?? {}), ...Object.keys(files)])) {
    const before = (previous?.files[k] ?? []).map(e => `${e.rule}\0${e.fingerprint}`);
    const after = (files[k] ?? []).map(e => `${e.rule}\0${e.fingerprint}`);
    const pool = [...before];
    for (const a of after) { const i = pool.indexOf(a); if (i >= 0) pool.splice(i, 1); else added++; }
    removed += pool.length;
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const total = Object.values(sorted).reduce((n, e) => n + e.length, 0);
  return {
    baseline: { $comment: 'incident-lens baseline: findings accepted when this file was written; `incident-lens check --baseline <this file>` reports only new ones. Regenerate with --update-baseline.', version: BASELINE_VERSION, files: sorted },
    added, removed, total,
  };
}

export function writeBaseline(file: string, b: BaselineFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(b, null, 2) + '\n');
}
