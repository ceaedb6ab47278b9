/**
 * The file pass: analyse many files with one parse each (findings, pending findings and each file's symbols are
 * taken while the tree is alive, then the tree is freed), then apply project-wide facts (e.g. an
 * `axios.defaults.timeout` assigned in another module voids per-call axios findings everywhere). The project layer
 * (src/project/analyze.ts) settles the pending findings against every file's symbols.
 */
import * as fs from 'fs';
import { analyzeTree, AnalyzeOptions, FileAnalysis, unusedDirectiveFindings } from './analyzer';
import { languageForPath, loadLanguage, parseSync, LangId } from './parser';
import { generatedReason, readSourceFile } from './files';
import { applyEdits, LineIndex } from './text';
import type { ResolvedConfig } from './config';
import type { Finding, TextEdit } from './types';
import type { Rule } from './rule';
import type { FileSymbols } from './symbols';

export interface FileReport {
  file: string;
  findings: Finding[];
  /** Findings that hold only if no project fact voids them (evaluated by finalizeProject). */
  conditional: Finding[];
  projectFacts: string[];
  hasSyntaxErrors: boolean;
  fixedText?: string;
  text?: string;
  /** Findings that depend on other files, settled by the project layer (src/project/analyze.ts). */
  pending: Finding[];
  /** The file's symbols and function summaries (see core/symbols.ts). */
  symbols?: FileSymbols;
}

export interface ProjectResult {
  files: FileReport[];
  notices: string[];
  projectFacts: Set<string>;
}

export interface ProjectOptions {
  config: ResolvedConfig;
  rules: readonly Rule[];
  reportUnusedDirectives?: boolean;
  /** Apply safe fixes and keep the fixed text in `fixedText` (the caller writes it). */
  fix?: boolean;
  onProgress?: (done: number, total: number, file: string) => void;
  /** Files named explicitly (always analysed, like a file open in the editor). */
  explicit?: ReadonlySet<string>;
  /** Build each file's symbols for the project layer (default true; false = file-local analysis only). */
  symbols?: boolean;
}

export function analyzeOptionsFromConfig(config: ResolvedConfig, rules: readonly Rule[]): AnalyzeOptions {
  return { rules, ruleSettings: config.rules, settings: { defaultTimeoutMs: config.defaultTimeoutMs, browserCode: config.browserCode } };
}

/** The file pass over `files` (see the module comment); `analyzeProject` in src/project adds the project pass. */
export async function analyzeFiles(files: string[], opts: ProjectOptions): Promise<ProjectResult> {
  const notices: string[] = [];
  const reports: FileReport[] = [];
  const base: AnalyzeOptions = { ...analyzeOptionsFromConfig(opts.config, opts.rules), symbols: opts.symbols !== false };
  let done = 0;
  for (const file of files) {
    const lang = languageForPath(file);
    opts.onProgress?.(done++, files.length, file);
    if (!lang) { notices.push(`${file}: skipped (unsupported file type)`); continue; }
    const read = readSourceFile(file, opts.config.maxFileSizeBytes);
    if (!read.ok) { notices.push(`${file}: skipped (${read.reason})`); continue; }
    const generated = opts.config.defaultExcludes && !opts.explicit?.has(file) ? generatedReason(read.text) : undefined;
    if (generated) { notices.push(`${file}: skipped (${generated}; --no-default-excludes analyses it)`); continue; }
    await loadLanguage(lang);
    let text = read.text;
    let analysis = analyzeOnce(file, text, lang, { ...base, reportUnusedDirectives: opts.reportUnusedDirectives });
    let fixedText: string | undefined;
    if (opts.fix) {
      const r = fixUntilStable(file, text, lang, { ...base, reportUnusedDirectives: opts.reportUnusedDirectives });
      if (r.text !== text) { fixedText = r.text; text = r.text; analysis = r.analysis; }
    }
    notices.push(...analysis.ruleErrors);
    reports.push({ file, text, fixedText, findings: analysis.findings, conditional: analysis.conditional, projectFacts: analysis.projectFacts, hasSyntaxErrors: analysis.hasSyntaxErrors, pending: analysis.pending, symbols: analysis.symbols });
  }
  opts.onProgress?.(done, files.length, '');
  const projectFacts = new Set(reports.flatMap(r => r.projectFacts));
  for (const r of reports) r.findings = r.findings.filter(f => !f.unlessFacts?.some(x => projectFacts.has(x)));
  return { files: reports, notices, projectFacts };
}

function analyzeOnce(file: string, text: string, lang: LangId, opts: AnalyzeOptions): FileAnalysis {
  const tree = parseSync(text, lang);
  try { return analyzeTree(file, text, lang, tree, opts); } finally { tree.delete(); }
}

/** The fix a non-interactive run applies for a finding: its preferred safe fix. */
export function autoFixOf(f: Finding): { edits: TextEdit[] } | undefined {
  return f.fixes.find(x => x.safety === 'safe' && x.isPreferred) ?? f.fixes.find(x => x.safety === 'safe');
}

/** Applies safe fixes in rounds (non-overlapping per round) until nothing changes, as ESLint does (max 10 rounds). */
export function fixUntilStable(file: string, text: string, lang: LangId, opts: AnalyzeOptions): { text: string; analysis: FileAnalysis; rounds: number } {
  let analysis = analyzeOnce(file, text, lang, opts);
  let rounds = 0;
  for (; rounds < 10; rounds++) {
    const edits: TextEdit[] = [];
    let lastEnd = -1;
    const candidates = analysis.findings.map(autoFixOf).filter((x): x is { edits: TextEdit[] } => !!x)
      .sort((a, b) => Math.min(...a.edits.map(e => e.start)) - Math.min(...b.edits.map(e => e.start)));
    for (const fix of candidates) {
      const s = Math.min(...fix.edits.map(e => e.start));
      const e = Math.max(...fix.edits.map(x => x.end));
      if (s <= lastEnd) continue;
      edits.push(...fix.edits);
      lastEnd = e;
    }
    if (!edits.length) break;
    const next = applyEdits(text, edits);
    if (next === text) break;
    // never make the file worse: a fix must not introduce syntax errors
    const tree = parseSync(next, lang);
    const broken = tree.rootNode.hasError && !analysis.hasSyntaxErrors;
    tree.delete();
    if (broken) break;
    text = next;
    analysis = analyzeOnce(file, text, lang, opts);
  }
  return { text, analysis, rounds };
}

export function writeFixedFiles(result: ProjectResult): number {
  let n = 0;
  for (const r of result.files) if (r.fixedText !== undefined) { fs.writeFileSync(r.file, r.fixedText); n++; }
  return n;
}

export { unusedDirectiveFindings, LineIndex };
