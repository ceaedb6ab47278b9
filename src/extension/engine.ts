/**
 * The vscode-free half of the extension: settings ⊕ project config, per-document analysis on incremental trees,
 * the background project-facts index, suppression-comment edits, fix-all, hover text. Unit-tested in plain Node
 * (test/extension-unit); extension.ts only converts to and from VS Code types.
 */
import * as path from 'path';
import { analyzeTree, sortAndDedupe, type AnalyzeOptions, type FileAnalysis, type RuleSetting } from '../core/analyzer';
import type { FileSymbols } from '../core/symbols';
import type { Rule } from '../core/rule';
import { ProjectIndex } from '../project/index';
import { ModuleResolver } from '../project/resolve';
import { settleFindings } from '../project/settle';
import { ConfigResolver, configErrorOf, globProblem, parseBrowserCode, type ResolvedConfig } from '../core/config';
import { createFilter, readSourceFile } from '../core/files';
import { analyzeOptionsFromConfig, fixUntilStable } from '../core/project';
import { LangId, ParserCrashError, languageForPath, parseSync } from '../core/parser';
import { EDITOR_RULE_TIME_BUDGET_MS } from '../core/guard';
import { LineIndex } from '../core/text';
import type { Finding, Fix, Severity, TextEdit } from '../core/types';
import { allRules } from '../rules';
import type { KbEntry } from '../kb/types';
import { DocumentTrees } from './trees';
import { IncrementalAnalyzer, type IncrementalResult } from '../core/incremental';
import picomatch from 'picomatch';

export const SOURCE = 'incident-lens';
export const RULE_IDS = allRules.map(r => r.meta.id);

/** The extension's settings (package.json `contributes.configuration`, prefix `incidentLens.`). */
export interface ExtensionSettings {
  enable: boolean;
  run: 'onType' | 'onSave';
  debounceMs: number;
  rules: Record<string, string>;
  defaultTimeoutMs: number;
  /** `incidentLens.browserCode`: "skip" | "analyse" (missing-timeout on browser-only code). */
  browserCode: string;
  exclude: string[];
  maxFileSizeBytes: number;
  timeBudgetMs: number;
  /**
   * `incidentLens.ruleTimeBudgetMs`: the time one rule may take on one document (ms; `ruleTimeBudgetMs` in
   * `.incident-lens.json` wins). Over it, the rule's findings for the document are dropped with a notice.
   */
  ruleTimeBudgetMs: number;
}

export const DEFAULT_SETTINGS: ExtensionSettings = {
  enable: true, run: 'onType', debounceMs: 150, rules: {}, defaultTimeoutMs: 10000, browserCode: 'skip', exclude: [], maxFileSizeBytes: 1_000_000, timeBudgetMs: 50,
  ruleTimeBudgetMs: EDITOR_RULE_TIME_BUDGET_MS,
};

const SEV: Record<string, Severity | 'off'> = { error: 'error', warning: 'warning', warn: 'warning', info: 'info', information: 'info', off: 'off' };

export function settingsRules(rules: Record<string, string> | undefined): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const [id, v] of Object.entries(rules ?? {})) {
    const s = SEV[String(v).toLowerCase()];
    if (!s || !RULE_IDS.includes(id)) continue;
    out[id] = s === 'off' ? { enabled: false } : { enabled: true, severity: s };
  }
  return out;
}

export interface EffectiveConfig {
  config: ResolvedConfig;
  /** Problems of the project config files (every one, with line and column; their other keys still apply). */
  error?: string;
}

/**
 * The configuration for a workspace folder: the project config file (`.incident-lens.json`, found as the CLI
 * finds it) wins key by key where it sets a key; the extension settings fill in the rest.
 */
export function effectiveConfig(folder: string, s: ExtensionSettings): EffectiveConfig {
  // the merged `.incident-lens.json` chain above the folder (core/config.ts); a bad key is left out, the rest applies
  const resolved = new ConfigResolver(RULE_IDS, { fallbackRoot: path.resolve(folder) }).forDir(folder);
  const config: ResolvedConfig = { ...resolved, rules: { ...resolved.rules } };
  let error = resolved.problems.length ? configErrorOf(resolved.problems).message : undefined;
  if (!config.configured.includes('defaultTimeoutMs')) config.defaultTimeoutMs = s.defaultTimeoutMs;
  if (!config.configured.includes('browserCode')) config.browserCode = parseBrowserCode(s.browserCode) ?? 'skip';
  if (!config.configured.includes('maxFileSizeBytes')) config.maxFileSizeBytes = s.maxFileSizeBytes;
  if (!config.configured.includes('exclude')) {
    // a glob picomatch cannot compile would throw on every document: left out, with the problem reported
    config.exclude = s.exclude.filter((g, i) => {
      const problem = typeof g === 'string' ? globProblem(g) : 'is not a string';
      if (problem) error ??= `setting incidentLens.exclude[${i}] ${problem}; it is ignored`;
      return !problem;
    });
  }
  // analysis runs on the extension host's thread: the setting's (smaller) per-rule budget unless the project sets one
  if (!config.configured.includes('ruleTimeBudgetMs')) {
    const b = s.ruleTimeBudgetMs;
    if (typeof b === 'number' && Number.isFinite(b) && b >= 1) config.ruleTimeBudgetMs = b;
    else {
      config.ruleTimeBudgetMs = EDITOR_RULE_TIME_BUDGET_MS;
      if (b !== undefined) error ??= `setting incidentLens.ruleTimeBudgetMs must be a number ≥ 1 (got ${JSON.stringify(b)}); ${EDITOR_RULE_TIME_BUDGET_MS} ms is used`;
    }
  }
  config.rules = { ...settingsRules(s.rules), ...config.rules };
  return { config, error };
}

export function analyzeOptionsOf(config: ResolvedConfig): AnalyzeOptions {
  const o = analyzeOptionsFromConfig(config, allRules);
  // the extension host's thread is blocked for wall time, however loaded the machine is
  return { ...o, settings: { ...o.settings, ruleTimeBudgetClock: 'wall' } };
}

/** Open documents: analysed like files named on the CLI, except the user's own `exclude` globs. */
export function isExcludedDocument(file: string, config: ResolvedConfig): boolean {
  if (!config.exclude.length) return false;
  const rel = path.relative(config.root, file).split(path.sep).join('/');
  if (rel.startsWith('..')) return false;
  return picomatch(config.exclude, { dot: true })(rel);
}

/** A tree-sitter language for a document: by file name, else by VS Code language id (untitled documents). */
export function langOf(fileName: string, languageId: string): LangId | undefined {
  const byName = languageForPath(fileName);
  if (byName) return byName;
  if (/\.d\.[mc]?ts$/i.test(fileName)) return undefined;
  return ({ typescript: 'typescript', typescriptreact: 'tsx', javascript: 'javascript', javascriptreact: 'javascript' } as Record<string, LangId>)[languageId];
}

// ------------------------------------------------------------------------------------------------ project facts

/**
 * Project facts per file (e.g. `defaults-timeout:axios` where `axios.defaults.timeout` is assigned). Built in the
 * background from disk and kept current by a file watcher; an open document contributes its live facts.
 */
export class FactsIndex {
  private readonly byFile = new Map<string, string[]>();
  private version = 0;
  private cache = new Map<string, { version: number; set: Set<string> }>();

  /** Sets a file's facts; returns true when they changed. */
  set(file: string, facts: readonly string[]): boolean {
    const next = [...new Set(facts)].sort();
    const prev = this.byFile.get(file);
    if (prev && prev.length === next.length && prev.every((x, i) => x === next[i])) return false;
    if (!prev && !next.length) return false;
    if (next.length) this.byFile.set(file, next); else this.byFile.delete(file);
    this.version++;
    return true;
  }
  delete(file: string): boolean {
    if (!this.byFile.delete(file)) return false;
    this.version++;
    return true;
  }
  /** Facts of every other file (the file's own facts come from its live analysis). */
  factsExcluding(file: string): Set<string> {
    const c = this.cache.get(file);
    if (c && c.version === this.version) return c.set;
    const set = new Set<string>();
    for (const [f, facts] of this.byFile) if (f !== file) for (const x of facts) set.add(x);
    if (this.cache.size > 200) this.cache.clear();
    this.cache.set(file, { version: this.version, set });
    return set;
  }
  all(): Set<string> {
    return new Set([...this.byFile.values()].flat());
  }
  get size(): number { return this.byFile.size; }
  get stamp(): number { return this.version; }
}

/**
 * What a file from disk contributes to the background index: its project facts and its symbols (functions, calls,
 * the rules' summaries) for the project layer. One parse; the tree is freed.
 */
export function indexOfFile(file: string, config: ResolvedConfig, rules: readonly Rule[] = allRules): { facts: string[]; symbols?: FileSymbols } | undefined {
  const lang = languageForPath(file);
  if (!lang) return undefined;
  const read = readSourceFile(file, config.maxFileSizeBytes);
  if (!read.ok) return undefined;
  let tree;
  try {
    tree = parseSync(read.text, lang);
    const a = analyzeTree(file, read.text, lang, tree, { ...analyzeOptionsOf(config), rules, symbols: true });
    return { facts: a.projectFacts, symbols: a.symbols };
  } catch (e) {
    // tree-sitter crashed on this file: nothing from it (the next loadLanguage restarts the parser)
    if (e instanceof ParserCrashError) return undefined;
    throw e;
  } finally {
    tree?.delete();
  }
}

/** The project facts a file from disk contributes (see indexOfFile). */
export function factsOfFile(file: string, config: ResolvedConfig): string[] | undefined {
  return indexOfFile(file, config)?.facts;
}

export function indexFilter(config: ResolvedConfig): (file: string) => boolean {
  const f = createFilter(config);
  return file => f.accepts(file);
}

// ------------------------------------------------------------------------------------------------ documents

export interface DocumentAnalysis extends FileAnalysis {
  version: number;
  text: string;
  lang: LangId;
  /** Parse + analysis time of this run (what a keystroke costs, the debounce excluded). */
  ms: number;
  parseMs: number;
  /**
   * 'over-budget': the re-parse went over its time budget; 'postponed': no re-parse was tried (the last one went
   * over). Both give a deferred result (previous findings, moved).
   */
  parseKind: 'incremental' | 'full' | 'cached' | 'over-budget' | 'postponed';
  /**
   * How this version's tree was made: `parseKind`, except for a 'cached' re-analysis of a version analysed before
   * (e.g. after the workspace index settled), where it is the kind of the parse that made the reused tree.
   */
  treeKind: 'incremental' | 'full' | 'over-budget' | 'postponed';
  /** Whether the analysis re-ran the whole file or only the edited region. */
  analysisMode: 'full' | 'incremental';
  /** With analysisMode 'full' after an edit: why the whole file was re-analysed. */
  fallback?: string;
  /** Set when the edit left a syntax error spanning much of the file: the previous findings, moved (see core). */
  deferred?: string;
  /** The findings before the project pass (`findings` = these + the settled pending ones). */
  localFindings: Finding[];
  /** Files whose symbols the settled findings depend on (a change there re-settles this document). */
  dependsOn: ReadonlySet<string>;
  /** Set when the document could not be analysed (tree-sitter crashed on it): no findings, this notice. */
  skipped?: string;
}

/** The least time budget of an incremental re-parse (see DocumentEngine.analyze). */
export const PARSE_BUDGET_FLOOR_MS = 3;
/** Keystrokes that do not try to re-parse after a re-parse went over its budget. */
export const SKIP_AFTER_OVER_BUDGET = 2;

/** Open documents: incremental trees + analysis with project facts from the index. */
/**
 * The notices of a document's analysis the user is told about (a rule over its time budget, crashed or stopped at
 * its finding cap; the document skipped): each once per document until the document is forgotten (closed), so a
 * notice that recurs on every keystroke is shown once, not per keystroke. The output channel logs every one.
 */
export class NoticeGate {
  private readonly shown = new Map<string, Set<string>>();
  /** The notices of `r` not shown yet for the document (and now marked shown). */
  fresh(key: string, r: Pick<DocumentAnalysis, 'ruleErrors' | 'skipped'>): string[] {
    const notices = r.skipped ? [r.skipped] : r.ruleErrors;
    if (!notices.length) return [];
    let seen = this.shown.get(key);
    if (!seen) this.shown.set(key, seen = new Set());
    const out = notices.filter(n => !seen!.has(n));
    for (const n of out) seen.add(n);
    return out;
  }
  forget(key: string): void { this.shown.delete(key); }
  clear(): void { this.shown.clear(); }
}

export class DocumentEngine {
  readonly trees: DocumentTrees;
  readonly facts = new FactsIndex();
  /** Which notices of each document were shown to the user (extension.ts shows the fresh ones). */
  readonly notices = new NoticeGate();
  /**
   * Every workspace file's symbols (the background index and the watcher keep them current; an open document
   * contributes its own after each whole-file analysis). Open documents' pending findings are settled against it.
   */
  readonly project = new ProjectIndex(new ModuleResolver());
  /**
   * While the background index is incomplete, findings that another file's project fact could void (`unlessFacts`)
   * are held back rather than shown and withdrawn a moment later; the extension clears this once the index is built
   * and re-analyses the open documents.
   */
  holdConditional = false;
  private readonly settleOpts = new Map<string, { file: string; opts: AnalyzeOptions }>();
  /** Settled pending findings per document, by finding object (see settleCached). */
  private readonly settleCache = new Map<string, { gen: number; file: string; rules: Rule[]; ruleSettings: string; facts: string; answers: WeakMap<Finding, { out: Finding[]; deps: Set<string> }> }>();
  private readonly results = new Map<string, DocumentAnalysis>();
  private readonly incremental = new Map<string, { key: string; analyzer: IncrementalAnalyzer }>();
  /** Documents tree-sitter crashed on (the notice shown for them). */
  private readonly crashed = new Map<string, string>();

  private readonly parseTimes = new Map<string, number[]>();
  /** Re-parses in a row over their budget, and keystrokes left before the next try, per document. */
  private readonly overBudget = new Map<string, { misses: number; skip: number }>();

  /**
   * `budget`: 'adaptive' (see parseBudgetMs), a fixed number of milliseconds, or false (every re-parse runs to
   * the end).
   */
  constructor(capacity = 30, private readonly budget: 'adaptive' | number | false = 'adaptive') {
    this.trees = new DocumentTrees(capacity);
  }

  /**
   * Re-parses incrementally and re-analyses only what the edits touched (core IncrementalAnalyzer: dirty
   * top-level statements plus their name dependencies; whole-file when imports or config change).
   *
   * The incremental re-parse has a time budget (`parseBudgetMs`): after a half-typed `if (x) {` tree-sitter's
   * error recovery can take ten times a normal re-parse. Over budget, the previous findings are shown, moved with
   * the text (a deferred result), and the next analysis covers the changes.
   *
   * `wholeFile` re-analyses the whole document on its current tree, without a budget (the extension does this once
   * typing pauses: incremental results are exact for the edited statements and their name dependencies, and this
   * reconcile makes the settled diagnostics identical to the CLI's whatever the edits were).
   */
  analyze(key: string, file: string, text: string, lang: LangId, version: number, opts: AnalyzeOptions, wholeFile = false): DocumentAnalysis {
    const t0 = performance.now();
    const skipped = (notice: string): DocumentAnalysis => ({
      findings: [], localFindings: [], dependsOn: new Set(), conditional: [], projectFacts: [], directives: [], hasSyntaxErrors: false, raw: [], ruleErrors: [notice], pending: [],
      version, text, lang, ms: performance.now() - t0, parseMs: 0, parseKind: 'full', treeKind: 'full', analysisMode: 'full', skipped: notice,
    });
    // a document tree-sitter crashed on is not parsed again (every keystroke would crash and restart the parser,
    // dropping every other document's tree) until it is closed and reopened
    const crashed = this.crashed.get(key);
    if (crashed) return skipped(crashed);
    try {
      return this.analyzeUnguarded(key, file, text, lang, version, opts, wholeFile, t0);
    } catch (e) {
      if (!(e instanceof ParserCrashError)) {
        // an error outside the rules (each rule is already contained by core/guard.ts: its findings for the file
        // are dropped with a notice): this document gets no findings and a notice, its state is dropped so the next
        // edit starts afresh, and the other documents and the extension host carry on
        this.drop(key);
        return skipped(`${file}: skipped (internal error: ${e instanceof Error ? e.message : String(e)}; the next edit tries again)`);
      }
      // the parser runtime is replaced on the next loadLanguage; this document's tree and incremental state went
      // with the old one
      this.drop(key);
      const notice = `${file}: skipped (${e.message}; reopen the file to try again)`;
      if (e.culprit) this.crashed.set(key, notice);
      return skipped(notice);
    }
  }

  private analyzeUnguarded(key: string, file: string, text: string, lang: LangId, version: number, opts: AnalyzeOptions, wholeFile: boolean, t0: number): DocumentAnalysis {
    const optsKey = JSON.stringify([file, lang, opts.ruleSettings ?? {}, opts.settings ?? {}, opts.reportUnusedDirectives ?? false, (opts.rules ?? []).map(r => r.meta.id)]);
    let inc = this.incremental.get(key);
    if (!inc || inc.key !== optsKey) {
      inc = { key: optsKey, analyzer: new IncrementalAnalyzer(file, lang, { ...opts, projectFacts: undefined }) };
      this.incremental.set(key, inc);
      this.results.delete(key);
    }
    inc.analyzer.setProjectFacts(this.facts.factsExcluding(file));
    const previous = this.results.get(key);
    const incremental = !wholeFile && previous !== undefined && previous.lang === lang;
    // after a re-parse went over its budget, the next keystrokes do not try again (each try costs the budget)
    const miss = this.overBudget.get(key);
    const queued = incremental && miss && miss.skip > 0 ? this.trees.queuedChanges(key) : undefined;
    let a: IncrementalResult, parseMs = 0, parseKind: DocumentAnalysis['parseKind'];
    if (queued) {
      miss!.skip--;
      a = inc.analyzer.unparsed(text, queued, 'the re-parse is postponed: the last one went over its time budget');
      parseKind = 'postponed';
    } else {
      const budget = incremental ? this.parseBudgetMs(key) : Infinity;
      const p = this.trees.parseWithin(key, text, lang, version, budget);
      ({ parseMs, kind: parseKind } = p);
      if (p.kind === 'over-budget') {
        a = inc.analyzer.unparsed(text, p.changes, `re-parse over its ${budget.toFixed(1)} ms budget`);
        this.overBudget.set(key, { misses: (miss?.misses ?? 0) + 1, skip: SKIP_AFTER_OVER_BUDGET });
      } else {
        this.overBudget.delete(key);
        // the budget follows the re-parses of parseable text (error recovery is what the budget is there to cut)
        if (p.kind === 'incremental' && !p.tree.rootNode.hasError) this.recordParse(key, p.parseMs);
        a = !incremental || p.kind === 'full' ? inc.analyzer.full(text, p.tree) : inc.analyzer.update(text, p.tree, p.changes ?? []);
      }
    }
    const treeKind = parseKind !== 'cached' ? parseKind : previous?.version === version ? previous.treeKind : 'full';
    const r: DocumentAnalysis = { ...a, version, text, lang, ms: 0, parseMs, parseKind, treeKind, analysisMode: a.mode, localFindings: a.findings, dependsOn: new Set() };
    // the document's own symbols (whole-file analyses build them) join the index before its findings are settled
    if (a.symbols) this.project.set(file, a.symbols);
    this.settleOpts.set(key, { file, opts });
    this.settleInto(key, r);
    r.ms = performance.now() - t0;
    this.results.set(key, r);
    return r;
  }

  /** Settles a result's pending findings against the project index (no parse, no analysis). */
  /**
   * Settles pending findings, each answer kept per finding object while the project index and the settle options
   * are unchanged: an incremental analysis keeps the finding objects of the statements it did not re-analyse (and
   * not moved), so a keystroke settles only the new and moved ones (a 3,000-line file has hundreds of pending
   * findings). The answer of `settleFindings` for one finding depends only on it, the index, the project facts and
   * the options.
   */
  private settleCached(key: string, s: { file: string; opts: AnalyzeOptions }, pending: readonly Finding[], facts: ReadonlySet<string>): { settled: Finding[]; dependsOn: Set<string> } {
    let c = this.settleCache.get(key);
    const rs = JSON.stringify(s.opts.ruleSettings ?? null);
    // rules may ask the project facts (ProjectView.hasFact) while settling
    const fs = [...facts].sort().join('\n');
    const same = c && c.gen === this.project.generation && c.file === s.file && c.ruleSettings === rs && c.facts === fs
      && c.rules.length === s.opts.rules.length && c.rules.every((x, i) => x === s.opts.rules[i]);
    if (!c || !same) this.settleCache.set(key, c = { gen: this.project.generation, file: s.file, rules: [...s.opts.rules], ruleSettings: rs, facts: fs, answers: new WeakMap() });
    const settled: Finding[] = [];
    const dependsOn = new Set<string>();
    this.project.takeConsulted();
    for (const f of pending) {
      let a = c.answers.get(f);
      if (!a) {
        a = { out: settleFindings(s.file, [f], s.opts.rules, this.project, s.opts.ruleSettings), deps: this.project.takeConsulted() };
        c.answers.set(f, a);
      }
      settled.push(...a.out);
      for (const d of a.deps) dependsOn.add(d);
    }
    return { settled, dependsOn };
  }

  private settleInto(key: string, r: DocumentAnalysis): void {
    const s = this.settleOpts.get(key);
    if (!s || !r.pending.length) {
      r.findings = r.localFindings;
      r.dependsOn = new Set();
    } else {
      const facts = new Set([...this.facts.factsExcluding(s.file), ...r.projectFacts]);
      this.project.setFacts(facts);
      const { settled: all, dependsOn } = this.settleCached(key, s, r.pending, facts);
      const settled = all.filter(f => !f.unlessFacts?.some(x => facts.has(x)));
      r.dependsOn = dependsOn;
      r.findings = settled.length ? sortAndDedupe([...r.localFindings, ...settled]) : r.localFindings;
    }
    if (this.holdConditional && r.findings.some(f => f.unlessFacts?.length)) r.findings = r.findings.filter(f => !f.unlessFacts?.length);
  }

  /**
   * Another file's symbols changed (the watcher, the background index, another open document): updates the index
   * and returns the keys of open documents whose settled findings depended on that file (re-settle them with
   * `resettle`).
   */
  setFileSymbols(file: string, symbols: FileSymbols | undefined): string[] {
    this.project.set(file, symbols);
    return this.dependents(file);
  }

  /** Open documents whose settled findings consulted `file`. */
  dependents(file: string): string[] {
    const out: string[] = [];
    for (const [key, r] of this.results) if (r.dependsOn.has(file) && this.settleOpts.get(key)?.file !== file) out.push(key);
    return out;
  }

  /** Re-settles an open document's pending findings against the current index; undefined when it has no result. */
  resettle(key: string): DocumentAnalysis | undefined {
    const r = this.results.get(key);
    if (!r) return undefined;
    const next: DocumentAnalysis = { ...r };
    this.settleInto(key, next);
    this.results.set(key, next);
    return next;
  }

  /**
   * The time budget of a document's next incremental re-parse: three times the median of its last 16 re-parses of
   * text without syntax errors (so a slow or loaded machine is not cut short on every keystroke), at least
   * PARSE_BUDGET_FLOOR_MS. After a re-parse over budget the next SKIP_AFTER_OVER_BUDGET keystrokes do not re-parse
   * (previous findings, moved), and each further miss in a row doubles the budget: while the file stays broken the
   * next parse redoes all the edits since the last tree, and from a broken old tree it may never fit the first
   * budget (measured: 340 keystrokes in a row over budget without the doubling).
   */
  parseBudgetMs(key: string): number {
    if (this.budget === false) return Infinity;
    const misses = this.overBudget.get(key)?.misses ?? 0;
    const growth = 2 ** Math.max(0, misses - 1);
    if (typeof this.budget === 'number') return this.budget * growth;
    const recent = this.parseTimes.get(key);
    const sorted = recent ? [...recent].sort((x, y) => x - y) : [];
    const base = Math.max(PARSE_BUDGET_FLOOR_MS, sorted.length ? 3 * sorted[sorted.length >> 1] : 0);
    return base * growth;
  }

  private recordParse(key: string, ms: number): void {
    let recent = this.parseTimes.get(key);
    if (!recent) this.parseTimes.set(key, (recent = []));
    recent.push(ms);
    if (recent.length > 16) recent.shift();
  }

  result(key: string): DocumentAnalysis | undefined {
    return this.results.get(key);
  }

  forget(key: string): void {
    this.crashed.delete(key);
    this.notices.forget(key);
    this.drop(key);
  }

  private drop(key: string): void {
    this.results.delete(key);
    this.settleOpts.delete(key);
    this.settleCache.delete(key);
    this.parseTimes.delete(key);
    this.overBudget.delete(key);
    this.incremental.delete(key);
    this.trees.delete(key);
  }

  dispose(): void {
    this.crashed.clear();
    this.notices.clear();
    this.results.clear();
    this.settleOpts.clear();
    this.settleCache.clear();
    this.incremental.clear();
    this.trees.clear();
  }
}

// ------------------------------------------------------------------------------------------------ fixes

/** The fix shown as preferred: the safest one (a safe fix marked preferred, else the first safe, else the first). */
export function preferredFix(fixes: readonly Fix[]): Fix | undefined {
  return fixes.find(f => f.safety === 'safe' && f.isPreferred) ?? fixes.find(f => f.safety === 'safe') ?? fixes.find(f => f.isPreferred) ?? fixes[0];
}

/** Fixes in display order: the preferred one first, then the rest (safe before unsafe). */
export function orderedFixes(fixes: readonly Fix[]): Fix[] {
  const p = preferredFix(fixes);
  const rest = fixes.filter(f => f !== p).sort((a, b) => (a.safety === b.safety ? 0 : a.safety === 'safe' ? -1 : 1));
  return p ? [p, ...rest] : rest;
}

/**
 * "Disable <rule> for this line": a `// incident-lens-disable-next-line <rule>` comment above the finding's line
 * (with its indentation), or the rule appended to an existing directive there.
 */
export function disableLineEdit(text: string, finding: Pick<Finding, 'ruleId' | 'startPos'>): TextEdit {
  const lines = new LineIndex(text);
  const line = finding.startPos.line;
  if (line > 0) {
    const prev = lines.lineText(line - 1);
    const m = /^(\s*\/\/\s*incident-lens-disable-next-line\b)([^\n]*?)(\s*--.*)?$/.exec(prev);
    if (m) {
      const listed = m[2].trim();
      if (listed.split(/[\s,]+/).includes(finding.ruleId)) return { start: lines.lineStart(line), end: lines.lineStart(line), text: '' };
      const at = lines.lineStart(line - 1) + m[1].length + m[2].length;
      return { start: at, end: at, text: listed ? `, ${finding.ruleId}` : ` ${finding.ruleId}` };
    }
  }
  const start = lines.lineStart(line);
  const indent = /^[ \t]*/.exec(lines.lineText(line))![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { start, end: start, text: `${indent}// incident-lens-disable-next-line ${finding.ruleId}${eol}` };
}

/** "Disable <rule> for this file": a block directive at the top (after a shebang), which runs to the end of the file. */
export function disableFileEdit(text: string, ruleId: string): TextEdit {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let at = 0;
  if (text.startsWith('#!')) {
    const nl = text.indexOf('\n');
    at = nl === -1 ? text.length : nl + 1;
    if (nl === -1) return { start: at, end: at, text: `${eol}/* incident-lens-disable ${ruleId} */${eol}` };
  }
  const m = /^\/\* incident-lens-disable ([^*]*)\*\/[ \t]*\r?\n/.exec(text.slice(at));
  if (m) {
    const rules = m[1].trim().split(/[\s,]+/).filter(Boolean);
    if (rules.includes(ruleId)) return { start: at, end: at, text: '' };
    const end = at + '/* incident-lens-disable '.length + m[1].trimEnd().length;
    return { start: end, end, text: `, ${ruleId}` };
  }
  return { start: at, end: at, text: `/* incident-lens-disable ${ruleId} */${eol}` };
}

/** Fix-all (safe fixes only, in rounds, as `incident-lens check --fix`): one minimal edit, or undefined. */
export function fixAllEdit(file: string, text: string, lang: LangId, opts: AnalyzeOptions): TextEdit | undefined {
  return fixAll(file, text, lang, opts).edit;
}

/** Fix-all with what it did: the edit (if any), how many findings it fixed and how many are left (no safe fix). */
export function fixAll(file: string, text: string, lang: LangId, opts: AnalyzeOptions): { edit?: TextEdit; fixed: number; remaining: number } {
  const r = fixUntilStable(file, text, lang, opts);
  const remaining = r.analysis.findings.length;
  if (r.text === text) return { fixed: 0, remaining };
  return { edit: minimalEdit(text, r.text), fixed: Math.max(0, r.initialFindings - remaining), remaining };
}

/** How many of these findings have a safe fix (what "Fix all" would fix in one round at least). */
export function safelyFixable(findings: readonly Finding[]): number {
  return findings.filter(f => f.fixes.some(x => x.safety === 'safe')).length;
}

/**
 * Code-action titles are plain text in VS Code's menus (markdown is not rendered): `code` spans become 'code'
 * (the quotes VS Code's own TypeScript fixes use).
 */
export function plainTitle(title: string): string {
  return title.replace(/`([^`]+)`/g, "'$1'");
}

/** One edit that turns `a` into `b` (common prefix and suffix kept, so cursors and folding survive). */
export function minimalEdit(a: string, b: string): TextEdit {
  let s = 0;
  const max = Math.min(a.length, b.length);
  while (s < max && a.charCodeAt(s) === b.charCodeAt(s)) s++;
  let e = 0;
  while (e < max - s && a.charCodeAt(a.length - 1 - e) === b.charCodeAt(b.length - 1 - e)) e++;
  return { start: s, end: a.length - e, text: b.slice(s, b.length - e) };
}

// ------------------------------------------------------------------------------------------------ hover

export type Translate = (message: string, ...args: (string | number)[]) => string;
const identity: Translate = (m, ...args) => m.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));

/** Escapes markdown special characters in plain text. */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, c => '\\' + c);
}

/** One line about an incident: title (date, organisation): impact. */
export function incidentLine(e: KbEntry): string {
  const when = [e.date, e.organisation].filter(Boolean).join(', ');
  const impact = e.impact ?? e.summary;
  return `${e.title}${when ? ` (${when})` : ''}${impact ? ` — ${impact}` : ''}`;
}

/**
 * Hover markdown for a finding: only what VS Code's own diagnostic hover (message, source, rule code) does not show,
 * most useful first: the incident it resembles (date, organisation, impact), the pattern that prevents it, other
 * incidents and the rule's documentation, as links that open the entries (`link(id)` builds the command URI).
 * Never the message or the rule id again. Empty when the knowledge base has nothing for the finding.
 */
export function hoverMarkdown(f: Finding, get: (id: string) => KbEntry | undefined, link: (id: string) => string, t: Translate = identity): string {
  const parts: string[] = [];
  const incident = f.incidents.map(get).find((e): e is KbEntry => !!e);
  if (incident) {
    const when = [incident.date, incident.organisation].filter(Boolean).join(', ');
    parts.push(`$(flame) **${t('Resembles')} [${mdEscape(incident.title)}](${link(incident.id)})**${when ? ` (${mdEscape(when)})` : ''}` +
      (incident.impact ? `  \n${mdEscape(incident.impact)}` : ''));
  }
  const pattern = f.patterns.map(get).find((e): e is KbEntry => !!e);
  if (pattern) parts.push(`$(lightbulb) ${t('Pattern')}: [${mdEscape(pattern.title)}](${link(pattern.id)}): ${mdEscape(pattern.summary)}`);
  const more: string[] = [];
  for (const id of f.incidents) if (id !== incident?.id && get(id)) more.push(`[${mdEscape(get(id)!.title)}](${link(id)})`);
  const tail: string[] = [];
  if (more.length) tail.push(`${t('Also')}: ${more.join(' · ')}`);
  if (get(f.ruleId)) tail.push(`[${t('Rule documentation')}](${link(f.ruleId)})`);
  if (!parts.length && !tail.length) return '';
  if (tail.length) parts.push(tail.join(' · '));
  return parts.join('\n\n');
}
