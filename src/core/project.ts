/**
 * The file pass: analyse many files with one parse each (findings, pending findings and each file's symbols are
 * taken while the tree is alive, then the tree is freed), then apply project-wide facts (e.g. an
 * `axios.defaults.timeout` assigned in another module voids per-call axios findings everywhere). The project layer
 * (src/project/analyze.ts) settles the pending findings against every file's symbols.
 */
import * as fs from 'fs';
import { analyzeTree, analyzeTreeSymbolsLater, AnalyzeOptions, FileAnalysis, unusedDirectiveFindings } from './analyzer';
import { languageForPath, loadLanguage, parseSync, LangId, ParseBudgetError, type Node, type Tree } from './parser';
import { generatedReason, readSourceFile, type ReadResult } from './files';
import { applyEdits, LineIndex } from './text';
import { resolverFor, type ResolvedConfig, type ResolverOptions } from './config';
import type { Finding, TextEdit } from './types';
import type { Rule } from './rule';
import type { FileSymbols } from './symbols';
import { DEFAULT_RULE_TIME_BUDGET_MS, MAX_FINDINGS_PER_RULE, cpuMs, guardFile } from './guard';

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
  /** Rules that crashed on this file (also in the notices). */
  ruleErrors?: string[];
  /** The file's symbols and function summaries (see core/symbols.ts). */
  symbols?: FileSymbols;
}

/**
 * What the file pass keeps per file (plain JSON), and so what `--cache` stores (core/cache.ts). To keep a new
 * per-file field: add it here and in `fileResultOf`.
 */
export type FileResult = Pick<FileReport, 'findings' | 'conditional' | 'projectFacts' | 'hasSyntaxErrors' | 'pending' | 'symbols'>;

export function fileResultOf(a: FileResult): FileResult {
  return { findings: a.findings, conditional: a.conditional, projectFacts: a.projectFacts, hasSyntaxErrors: a.hasSyntaxErrors, pending: a.pending, symbols: a.symbols };
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
  /**
   * Config per file from nested `.incident-lens.json` files (core/config.ts ConfigResolver); default: `config` for
   * every file. Plain data, so that worker threads can rebuild the resolver.
   */
  nestedConfig?: ResolverOptions & { knownRules: string[] };
  /** Text of files from elsewhere than the disk (the CLI's --stdin), by absolute path. */
  texts?: Record<string, string>;
  /** With `fix`: also apply unsafe fixes (the preferred fix of each finding). */
  unsafeFixes?: boolean;
}

/** The config of each file of a run (see ProjectOptions.nestedConfig). */
export function configLookup(opts: Pick<ProjectOptions, 'config' | 'nestedConfig'>): (file: string) => ResolvedConfig {
  if (!opts.nestedConfig) return () => opts.config;
  const resolver = resolverFor(opts.nestedConfig);
  return file => resolver.forFile(file);
}

/** The analysis options of files under `config` in a run (one object per config: callers may key on it). */
export function fileOptionsLookup(opts: Pick<ProjectOptions, 'rules' | 'reportUnusedDirectives' | 'symbols'>): (config: ResolvedConfig) => AnalyzeOptions {
  const bases = new Map<ResolvedConfig, AnalyzeOptions>();
  return config => {
    let b = bases.get(config);
    if (!b) { b = { ...analyzeOptionsFromConfig(config, opts.rules), symbols: opts.symbols !== false, reportUnusedDirectives: opts.reportUnusedDirectives }; bases.set(config, b); }
    return b;
  };
}

export function analyzeOptionsFromConfig(config: ResolvedConfig, rules: readonly Rule[]): AnalyzeOptions {
  return { rules, ruleSettings: config.rules, settings: { defaultTimeoutMs: config.defaultTimeoutMs, browserCode: config.browserCode, ruleTimeBudgetMs: config.ruleTimeBudgetMs } };
}

/** The file pass over `files` (see the module comment); `analyzeProject` in src/project adds the project pass. */
export async function analyzeFiles(files: string[], opts: ProjectOptions): Promise<ProjectResult> {
  const notices: string[] = [];
  const reports: FileReport[] = [];
  const configFor = configLookup(opts);
  const optionsFor = fileOptionsLookup(opts);
  let done = 0;
  for (const file of files) {
    const lang = languageForPath(file);
    opts.onProgress?.(done++, files.length, file);
    if (!lang) { notices.push(`${file}: skipped (unsupported file type)`); continue; }
    const config = configFor(file);
    const read = readFileOf(file, config, opts);
    if (!read.ok) { notices.push(`${file}: skipped (${read.reason})`); continue; }
    const generated = config.defaultExcludes && !opts.explicit?.has(file) ? generatedReason(read.text) : undefined;
    if (generated) { notices.push(`${file}: skipped (${generated}; --no-default-excludes analyses it)`); continue; }
    // after a tree-sitter crash on an earlier file, this is where the parser is restarted
    await loadLanguage(lang);
    const base = optionsFor(config);
    const run = guardFile(file, () => {
      if (opts.fix) return fixUntilStable(file, read.text, lang, base, opts.unsafeFixes);
      return { text: read.text, analysis: analyzeOnce(file, read.text, lang, base) };
    });
    if (!run.ok) { notices.push(run.notice); continue; }
    const { text, analysis } = run.value;
    if ('stopped' in run.value && run.value.stopped) notices.push(`${file}: ${run.value.stopped}`);
    if ('skipped' in run.value && run.value.skipped) notices.push(`${file}: ${run.value.skipped}`);
    const fixedText = text !== read.text ? text : undefined;
    notices.push(...analysis.ruleErrors);
    reports.push({ file, text, fixedText, ...fileResultOf(analysis), ...(analysis.ruleErrors.length ? { ruleErrors: analysis.ruleErrors } : {}) });
  }
  opts.onProgress?.(done, files.length, '');
  const projectFacts = new Set(reports.flatMap(r => r.projectFacts));
  applyProjectFacts(reports, projectFacts);
  return { files: reports, notices, projectFacts };
}

/**
 * Moves findings voided by project facts (set in any file) from `findings` to `conditional` (kept, not dropped: a
 * cached per-file result must be restorable to what the file alone gives, see core/cache.ts).
 */
export function applyProjectFacts(reports: FileReport[], projectFacts: ReadonlySet<string>): void {
  for (const r of reports) {
    if (!r.findings.some(f => f.unlessFacts?.some(x => projectFacts.has(x)))) continue;
    const kept: Finding[] = [];
    for (const f of r.findings) (f.unlessFacts?.some(x => projectFacts.has(x)) ? r.conditional : kept).push(f);
    r.findings = kept;
  }
}

/** A file's text for a run: from `opts.texts` (stdin), else read from disk within the config's size limit. */
export function readFileOf(file: string, config: ResolvedConfig, opts: Pick<ProjectOptions, 'texts'>): ReadResult {
  const given = opts.texts?.[file];
  return given !== undefined ? { ok: true, text: given } : readSourceFile(file, config.maxFileSizeBytes);
}

function analyzeOnce(file: string, text: string, lang: LangId, opts: AnalyzeOptions): FileAnalysis {
  const tree = parseSync(text, lang);
  try { return analyzeTree(file, text, lang, tree, opts); } finally { tree.delete(); }
}

/** The fix a non-interactive run applies for a finding: its preferred safe fix (with `unsafe`: its preferred fix). */
export function autoFixOf(f: Finding, unsafe = false): { edits: TextEdit[] } | undefined {
  return f.fixes.find(x => x.safety === 'safe' && x.isPreferred) ?? f.fixes.find(x => x.safety === 'safe') ??
    (unsafe ? f.fixes.find(x => x.isPreferred) ?? f.fixes[0] : undefined);
}

/** What a `--fix` run did to one file (see fixUntilStable). */
export interface FixRun {
  text: string;
  /** The analysis of the final text (its tree is deleted). */
  analysis: FileAnalysis;
  /** Rounds that applied fixes. */
  rounds: number;
  /** Whole-file analyses done (1 + rounds): tests check that a round is not analysed twice. */
  analyses: number;
  /** A notice when rounds stopped early (time budget). */
  stopped?: string;
  /** A notice when fixes were left unapplied because they touch a syntax error. */
  skipped?: string;
  initialFindings: number;
}

/**
 * Applies safe fixes in rounds (non-overlapping per round) until nothing changes, as ESLint does (max 10 rounds):
 * each round analyses the text once; the tree parsed to check that a round's fixes introduce no syntax error is the
 * one the next analysis uses. Fixes whose range touches a syntax error (an ERROR or MISSING node) are not applied
 * (notice in `skipped`): the tree there is the parser's guess. A round after the first starts only when one more
 * analysis (the mean so far) still ends within the time budget (CPU time unless the settings' clock is 'wall');
 * checked only when a round has fixes to apply. When a rule stopped at its finding cap (MAX_FINDINGS_PER_RULE), only
 * the round that fixes the reported findings runs (notice in `stopped`): the fixes applied then do not depend on the
 * machine's load, and a file that needs more is fixed by running --fix again. When the parse of a round's fixed text
 * runs over its budget (core/parser.ts ParseBudgetError), the rounds stop there and the text before that round stands.
 */
export function fixUntilStable(file: string, text: string, lang: LangId, opts: AnalyzeOptions, unsafe = false): FixRun {
  const wall = opts.settings?.ruleTimeBudgetClock === 'wall';
  const now = wall ? () => performance.now() : cpuMs;
  const t0 = now();
  const budget = opts.settings?.ruleTimeBudgetMs ?? DEFAULT_RULE_TIME_BUDGET_MS;
  let tree = parseSync(text, lang);
  try {
    // the symbols of the text the rounds end with are built once, at the end (those of the texts before are not used)
    let { analysis, buildSymbols } = analyzeTreeSymbolsLater(file, text, lang, tree, opts);
    let analyses = 1;
    const initialFindings = analysis.findings.length;
    const eol = lineEnding(text);
    let rounds = 0;
    let stopped: string | undefined;
    let inErrors = 0;
    let capped: string | undefined;
    for (; rounds < 10; rounds++) {
      capped ??= analysis.findingCap?.join(', ');
      const errors = analysis.hasSyntaxErrors ? syntaxErrorRanges(tree.rootNode) : [];
      inErrors = 0;
      const edits: TextEdit[] = [];
      let lastEnd = -1;
      const candidates = analysis.findings.map(f => autoFixOf(f, unsafe)).filter((x): x is { edits: TextEdit[] } => !!x && x.edits.length > 0)
        .map(fix => ({ fix, s: Math.min(...fix.edits.map(e => e.start)), e: Math.max(...fix.edits.map(x => x.end)) }))
        .sort((a, b) => a.s - b.s);
      for (const { fix, s, e } of candidates) {
        if (errors.length && fix.edits.some(x => touchesAny(errors, x.start, x.end))) { inErrors++; continue; }
        if (s <= lastEnd) continue;
        // inserted lines take the file's line ending (a CRLF file stays CRLF)
        edits.push(...(eol === '\n' ? fix.edits : fix.edits.map(x => ({ ...x, text: x.text.replace(/\r\n|\r|\n/g, eol) }))));
        lastEnd = e;
      }
      if (!edits.length) break;
      // each round re-analyses the whole file: a file with thousands of fixes stops when one more analysis (the mean
      // so far) would end past the time budget
      // a rule that stopped at its finding cap reported only the first MAX_FINDINGS_PER_RULE: after the round that
      // applied their fixes, stop (the same fixes on any machine, whatever its load) and say how to go on
      if (rounds > 0 && capped) {
        stopped = `fixes stopped after ${rounds} round${rounds === 1 ? '' : 's'} (${capped} stopped at ${MAX_FINDINGS_PER_RULE} findings in this file); run --fix again to continue`;
        break;
      }
      const spent = now() - t0;
      if (rounds > 0 && spent + spent / analyses > budget) {
        stopped = `fixes stopped after ${rounds} round${rounds === 1 ? '' : 's'} (over the ${budget} ms time budget, ruleTimeBudgetMs); run --fix again to continue`;
        break;
      }
      const next = applyEdits(text, edits);
      if (next === text) break;
      // never make the file worse: a fix must not introduce syntax errors
      let nextTree: Tree;
      try {
        nextTree = parseSync(next, lang);
      } catch (e) {
        // the fixed text's parse ran over its budget: the rounds so far stand
        if (!(e instanceof ParseBudgetError)) throw e;
        stopped = `fixes stopped after ${rounds} round${rounds === 1 ? '' : 's'} (tree-sitter's parse of the fixed text ran over its ${e.budgetMs} ms budget)`;
        break;
      }
      if (nextTree.rootNode.hasError && !analysis.hasSyntaxErrors) { nextTree.delete(); break; }
      tree.delete();
      tree = nextTree;
      text = next;
      ({ analysis, buildSymbols } = analyzeTreeSymbolsLater(file, text, lang, tree, opts));
      analyses++;
    }
    buildSymbols();
    const skipped = inErrors ? `${inErrors} fix${inErrors === 1 ? '' : 'es'} not applied: inside or next to a syntax error (correct the syntax first)` : undefined;
    return { text, analysis, rounds, analyses, initialFindings, ...(stopped ? { stopped } : {}), ...(skipped ? { skipped } : {}) };
  } finally { tree.delete(); }
}

/** [start, end] of every ERROR and MISSING node (the tree's syntax errors), in document order. */
export function syntaxErrorRanges(root: Node): [number, number][] {
  const out: [number, number][] = [];
  if (!root.hasError) return out;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.isError || n.isMissing) { out.push([n.startIndex, n.endIndex]); continue; }
    if (n.hasError) for (let i = n.childCount - 1; i >= 0; i--) { const c = n.child(i); if (c && (c.hasError || c.isMissing)) stack.push(c); }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Whether [start, end] overlaps or touches one of the sorted ranges (an insertion at an error's edge counts). */
function touchesAny(ranges: readonly [number, number][], start: number, end: number): boolean {
  // the first range that does not end before `start` (binary search), then whether it begins by `end`
  let lo = 0, hi = ranges.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (ranges[mid][1] < start) lo = mid + 1; else hi = mid; }
  for (let i = lo; i < ranges.length && ranges[i][0] <= end; i++) if (ranges[i][1] >= start) return true;
  return false;
}

/** The file's line ending: CRLF or a lone CR when it uses them (the first line break decides), else LF. */
export function lineEnding(text: string): string {
  const m = /\r\n|\r|\n/.exec(text);
  return m ? m[0] : '\n';
}

export function writeFixedFiles(result: ProjectResult): number {
  let n = 0;
  for (const r of result.files) if (r.fixedText !== undefined) { writeKeepingBom(r.file, r.fixedText); n++; }
  return n;
}

/** Writes text over a file, keeping the UTF-8 byte order mark the file had (the analysis reads text without it). */
function writeKeepingBom(file: string, text: string): void {
  let bom = false;
  try {
    const fd = fs.openSync(file, 'r');
    try { const head = Buffer.alloc(3); bom = fs.readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf; } finally { fs.closeSync(fd); }
  } catch { /* a new file */ }
  fs.writeFileSync(file, bom && !text.startsWith('\uFEFF') ? '\uFEFF' + text : text);
}

export { unusedDirectiveFindings, LineIndex };
