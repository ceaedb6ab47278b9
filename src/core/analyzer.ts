/**
 * source text -> tree -> file facts -> rules -> findings with fixes. One combined tree-sitter query per language
 * and rule set walks the tree once in WASM; rules then look only at the captured nodes and their neighbourhood.
 */
import * as path from 'path';
import { LangId, Node, Query, Tree, languageForPath, loadLanguage, newQuery, parseSync, parserGeneration } from './parser';
import { FileFacts } from './facts';
import { LineIndex, regionMatches } from './text';
import { Directive, applyDirectives, parseDirectives } from './suppressions';
import type { AnalyzerSettings, Report, Rule, RuleContext, SummarySpec } from './rule';
import type { Finding, RelatedLocation, Severity } from './types';
import { buildSymbols, calleeRef, type FileSymbols } from './symbols';
import { DEFAULT_RULE_TIME_BUDGET_MS, FindingCapError, MAX_FINDINGS_PER_RULE, RuleDeadline, guardWasm, runRule } from './guard';

export const CORE_QUERY = `
(call_expression) @call
(new_expression) @new
(variable_declarator) @decl
(assignment_expression) @assign
(function_declaration) @func
(generator_function_declaration) @func
(import_statement) @import
(formal_parameters) @params
(arrow_function parameter: (_) @params)
(catch_clause parameter: (_) @params)
`;

export const DEFAULT_SETTINGS: AnalyzerSettings = { defaultTimeoutMs: 10000, browserCode: 'skip', ruleTimeBudgetMs: DEFAULT_RULE_TIME_BUDGET_MS };
export const UNUSED_DIRECTIVE_RULE = 'unused-disable-directive';

export interface RuleSetting { enabled?: boolean; severity?: Severity }

export interface AnalyzeOptions {
  /** The rules to run (the CLI and the extension pass the registry, src/rules; core does not import it). */
  rules: readonly Rule[];
  /** Per-rule overrides from config/settings: off, or a severity for every report of the rule. */
  ruleSettings?: Record<string, RuleSetting | undefined>;
  settings?: Partial<AnalyzerSettings>;
  /** Project facts known so far; findings whose `unlessFacts` intersect are dropped. */
  projectFacts?: ReadonlySet<string>;
  reportUnusedDirectives?: boolean;
  /**
   * Analyse only these [start, end) UTF-16 ranges (whole top-level statements; see incremental.ts). Rules see
   * only the captures inside them; findings outside are the caller's to keep.
   */
  regions?: ReadonlyArray<readonly [number, number]>;
  /** The line table of the text, when the caller keeps one up to date (the editor); else one is built. */
  lines?: LineIndex;
  /** When given, milliseconds are added per phase: `query`, `facts`, and each rule id. */
  profile?: Map<string, number>;
  /**
   * Build the file's symbol table with the rules' per-function summaries (`FileAnalysis.symbols`) for the project
   * layer (src/project). Off in region (incremental) mode.
   */
  symbols?: boolean;
}

export interface FileAnalysis {
  findings: Finding[];
  /** Findings removed by project facts are kept here so a later project pass can re-evaluate them. */
  conditional: Finding[];
  projectFacts: string[];
  directives: Directive[];
  hasSyntaxErrors: boolean;
  /** Findings before suppressions and project facts (what incremental analysis caches and merges). */
  raw: Finding[];
  /** Rules that threw on this file (their findings are missing; the others are complete). */
  ruleErrors: string[];
  /** Rules that stopped at MAX_FINDINGS_PER_RULE findings in this file (their later findings are not reported). */
  findingCap?: string[];
  /** Findings that depend on other files (Finding.pending), suppressions applied: the project pass settles them. */
  pending: Finding[];
  /** The file's symbols and function summaries (with `symbols: true`). */
  symbols?: FileSymbols;
}

const queryCache = new Map<string, Query>();
let queryGeneration = 0;

/**
 * One query per language and query text (not per set of rules: files trigger different sets of rules, most of which
 * add no pattern, and compiling a query costs tens of milliseconds whatever its size, since tree-sitter analyses it
 * against the whole grammar).
 */
function combinedQuery(lang: LangId, rules: readonly Rule[]): Query {
  // queries belong to a parser runtime: after a crash replaced it, they are made again
  if (queryGeneration !== parserGeneration()) { queryCache.clear(); queryGeneration = parserGeneration(); }
  const parts = [CORE_QUERY];
  for (const r of rules) {
    const src = typeof r.query === 'function' ? r.query(lang) : r.query;
    if (src && !parts.includes(src)) parts.push(src);
  }
  const source = parts.join('\n');
  const key = lang + '|' + source;
  let q = queryCache.get(key);
  if (!q) {
    try {
      q = newQuery(lang, source);
    } catch (e) {
      // find the culprit for a useful message
      for (const r of rules) {
        const src = typeof r.query === 'function' ? r.query(lang) : r.query;
        if (!src) continue;
        try { newQuery(lang, src).delete(); } catch (inner) { throw new Error(`incident-lens: rule ${r.meta.id} has an invalid query for ${lang}: ${(inner as Error).message}`); }
      }
      throw e;
    }
    queryCache.set(key, q);
  }
  return q;
}

export function activeRules(opts: AnalyzeOptions): Rule[] {
  return opts.rules.filter(r => opts.ruleSettings?.[r.meta.id]?.enabled !== false);
}

/**
 * Analyses an already parsed tree (synchronous; grammar must be loaded). A tree-sitter crash while the tree is read
 * throws ParserCrashError (core/guard.ts); a rule over its time budget or out of stack loses its findings for the
 * file, with a notice in `ruleErrors`.
 */
export function analyzeTree(file: string, text: string, lang: LangId, tree: Tree, opts: AnalyzeOptions): FileAnalysis {
  return guardWasm(() => {
    const r = analyzeTreeUnguarded(file, text, lang, tree, opts, false);
    r.buildSymbols?.();
    return r.analysis;
  });
}

/**
 * analyzeTree without the symbol table (`opts.symbols`): `buildSymbols`, called while the tree is alive, adds it to
 * the analysis, the same as analyzeTree would have. `--fix` (core/project.ts fixUntilStable) analyses the text once per
 * round and keeps only the last analysis: the symbols of the others (a fifth of an analysis) were thrown away.
 */
export function analyzeTreeSymbolsLater(file: string, text: string, lang: LangId, tree: Tree, opts: AnalyzeOptions): { analysis: FileAnalysis; buildSymbols: () => void } {
  const r = guardWasm(() => analyzeTreeUnguarded(file, text, lang, tree, opts, true));
  const later = r.buildSymbols;
  return { analysis: r.analysis, buildSymbols: () => { if (later) guardWasm(later); } };
}

function analyzeTreeUnguarded(file: string, text: string, lang: LangId, tree: Tree, opts: AnalyzeOptions, symbolsLater: boolean): { analysis: FileAnalysis; buildSymbols?: () => void } {
  const settings: AnalyzerSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  // triggers are necessary conditions for a finding; in region mode (imports included) only the region can
  // produce findings, so only its text needs to match
  const triggerText = opts.regions ? opts.regions.map(([s, e]) => text.slice(s, e)).join('\n') : text;
  const enabled = activeRules(opts);
  const rules = enabled.filter(r => !r.triggers || r.triggers.test(triggerText));
  const wantSymbols = !!opts.symbols && !opts.regions;
  // rules whose per-function summaries apply to this file run their query captures even when their check does not
  const summaryRules = wantSymbols ? enabled.filter(r => r.summaries?.some(sp => !sp.triggers || sp.triggers.test(text))) : [];
  const queryRules = summaryRules.length ? [...new Set([...rules, ...summaryRules])] : rules;
  const lines = opts.lines?.text === text ? opts.lines : new LineIndex(text);
  const root = tree.rootNode;
  const result: FileAnalysis = { findings: [], conditional: [], projectFacts: [], directives: [], hasSyntaxErrors: root.hasError, raw: [], ruleErrors: [], pending: [] };
  let buildSymbolsLater: (() => void) | undefined;
  const directives = parseDirectives(text, lines, off => root.descendantForIndex(off, off));
  result.directives = directives;
  if (queryRules.length || wantSymbols) {
    const groups = new Map<string, Node[]>();
    const query = combinedQuery(lang, queryRules);
    // web-tree-sitter takes query ranges in bytes of its UTF-16 input: 2 per code unit
    const prof = opts.profile;
    let t = prof ? performance.now() : 0;
    const passes = opts.regions ? opts.regions.map(([s, e]) => query.captures(root, { startIndex: s * 2, endIndex: e * 2 })) : [query.captures(root)];
    for (const caps of passes) {
      for (const c of caps) {
        const list = groups.get(c.name);
        if (list) list.push(c.node); else groups.set(c.name, [c.node]);
      }
    }
    if (prof) { const n = performance.now(); prof.set('query', (prof.get('query') ?? 0) + n - t); t = n; }
    const facts = new FileFacts(groups, text, root, opts.regions, true);
    if (prof) { const n = performance.now(); prof.set('facts', (prof.get('facts') ?? 0) + n - t); t = n; }
    const memo = new Map<string, unknown>();
    const refs = new Map<number, ReturnType<typeof calleeRef>>();
    const regions = opts.regions;
    const inRegion = regions ? (off: number) => regions.some(([s, e]) => off >= s && off < e) : () => true;
    const dir = path.dirname(file);
    const raw: Finding[] = [];
    // each rule's run on this file has a cooperative time budget (see core/guard.ts)
    const deadline = new RuleDeadline(settings.ruleTimeBudgetMs, settings.ruleTimeBudgetClock ?? 'cpu');
    const check = deadline.check;
    const reported = new Map<Rule, number>();
    const contextOf = (rule: Rule): RuleContext => ({
        file, text, lang, tree, root, facts, lines, settings,
        captures: name => { check(); return groups.get(name) ?? []; },
        report: r => {
          check();
          const n = (reported.get(rule) ?? 0) + 1;
          if (n > MAX_FINDINGS_PER_RULE) throw new FindingCapError(MAX_FINDINGS_PER_RULE);
          reported.set(rule, n);
          raw.push(toFinding(rule, r, lines, file, opts.ruleSettings?.[rule.meta.id]?.severity));
        },
        addProjectFact: f => result.projectFacts.push(f),
        moduleKey: spec => moduleKey(dir, spec),
        inRegion,
        matchAll: re => checkedMatches(regionMatches(text, re, regions), check),
        test: re => !regionMatches(text, re, regions).next().done,
        memo: <T>(key: string, compute: () => T): T => {
          check();
          if (!memo.has(key)) memo.set(key, compute());
          return memo.get(key) as T;
        },
        refOf: callee => {
          check();
          // several rules ask for the same callees (memoised per node: the answer is the tree's)
          if (refs.has(callee.id)) return refs.get(callee.id);
          const r = calleeRef(callee, facts);
          refs.set(callee.id, r);
          return r;
        },
        checkDeadline: check,
      });
    for (const rule of rules) {
      const ctx = contextOf(rule);
      const before = { raw: raw.length, facts: result.projectFacts.length };
      const failure = runRule(rule.meta.id, file, deadline, () => rule.check(ctx));
      if (failure && (reported.get(rule) ?? 0) >= MAX_FINDINGS_PER_RULE) { result.ruleErrors.push(failure); (result.findingCap ??= []).push(rule.meta.id); }
      else if (failure) {
        raw.length = before.raw;
        result.projectFacts.length = before.facts;
        // a memoised value the rule left half-computed must not reach the next rule
        memo.clear();
        result.ruleErrors.push(failure);
      }
      if (prof) { const n = performance.now(); prof.set(rule.meta.id, (prof.get(rule.meta.id) ?? 0) + n - t); t = n; }
    }
    result.raw = sortAndDedupe(raw);
    Object.assign(result, settle(result.raw, directives, new Set([...result.projectFacts, ...(opts.projectFacts ?? [])])));
    if (wantSymbols) buildSymbolsLater = () => {
      let t = prof ? performance.now() : 0;
      const specs: { spec: SummarySpec; rule: Rule }[] = [];
      const seen = new Set<string>();
      for (const rule of summaryRules) for (const spec of rule.summaries ?? []) {
        if (seen.has(spec.key) || (spec.triggers && !spec.triggers.test(text))) continue;
        seen.add(spec.key);
        specs.push({ spec, rule });
      }
      const contexts = new Map<Rule, RuleContext>();
      // summaries share one budget per rule and file; a rule over it records no more summaries in this file
      const spent = new Map<Rule, number>();
      const budget = settings.ruleTimeBudgetMs;
      result.symbols = buildSymbols(root, text, facts, lines, groups.get('call') ?? [], (fn, sym) => {
        for (const { spec, rule } of specs) {
          if ((spent.get(rule) ?? 0) > budget || (spec.triggers && !spec.triggers.test(text.slice(sym.start, sym.end)))) continue;
          let ctx = contexts.get(rule);
          if (!ctx) contexts.set(rule, (ctx = contextOf(rule)));
          const t0 = performance.now();
          const c = ctx;
          const failure = runRule(rule.meta.id, file, deadline, () => {
            const v = spec.of(c, fn);
            if (v !== undefined) sym.facts[spec.key] = v;
          }, budget - (spent.get(rule) ?? 0));
          const dt = performance.now() - t0;
          spent.set(rule, (spent.get(rule) ?? 0) + dt + (failure ? budget : 0));
          if (prof) prof.set(`summary:${spec.key}`, (prof.get(`summary:${spec.key}`) ?? 0) + dt);
          if (failure) result.ruleErrors.push(failure.replace(/ on (.*?): /, ` summarising ${fn.id} in $1: `));
        }
      });
      // pending findings that cannot settle to anything, whatever the other files hold (Rule.keepPending)
      const symbols = result.symbols;
      if (result.pending.length && rules.some(r => r.keepPending)) {
        result.pending = result.pending.filter(f => {
          const rule = rules.find(r => r.meta.id === f.ruleId);
          if (!rule?.keepPending) return true;
          try { return rule.keepPending(f, symbols); } catch { return true; }
        });
      }
      if (prof) { const n = performance.now(); prof.set('symbols', (prof.get('symbols') ?? 0) + n - t); t = n; }
    };
  }
  if (opts.reportUnusedDirectives) result.findings.push(...unusedDirectiveFindings(directives, lines));
  if (buildSymbolsLater && !symbolsLater) { buildSymbolsLater(); buildSymbolsLater = undefined; }
  return { analysis: result, buildSymbols: buildSymbolsLater };
}

/** `matches` with the rule's deadline checked before each one (text scans are rule loops too). */
function* checkedMatches(matches: IterableIterator<RegExpExecArray>, check: () => void): IterableIterator<RegExpExecArray> {
  for (const m of matches) { check(); yield m; }
}

export function sortAndDedupe(raw: Finding[]): Finding[] {
  raw.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId));
  return raw.filter((f, i) => i === 0 || !(f.start === raw[i - 1].start && f.end === raw[i - 1].end && f.ruleId === raw[i - 1].ruleId && f.message === raw[i - 1].message));
}

/**
 * Applies suppression directives, then splits off findings voided by known project facts and findings pending on
 * other files (settled by the project layer).
 */
export function settle(raw: Finding[], directives: Directive[], facts: ReadonlySet<string>): { findings: Finding[]; conditional: Finding[]; pending: Finding[] } {
  for (const d of directives) d.used = false;
  const findings: Finding[] = [], conditional: Finding[] = [], pending: Finding[] = [];
  for (const f of applyDirectives(raw, directives)) (f.unlessFacts?.some(x => facts.has(x)) ? conditional : f.pending !== undefined ? pending : findings).push(f);
  return { findings, conditional, pending };
}

export function unusedDirectiveFindings(directives: Directive[], lines: LineIndex): Finding[] {
  return directives.filter(d => d.kind !== 'enable' && !d.used).map(d => ({
    ruleId: UNUSED_DIRECTIVE_RULE, severity: 'info' as Severity, messageId: 'unused',
    message: `Unused incident-lens-${d.kind === 'next-line' ? 'disable-next-line' : d.kind === 'line' ? 'disable-line' : 'disable'} directive${d.rules === 'all' ? '' : ` (${d.rules.join(', ')})`}: nothing is reported here; remove it`,
    start: d.start, end: d.end, startPos: lines.pos(d.start), endPos: lines.pos(d.end), incidents: [], patterns: [], fixes: [
      { title: 'Remove unused directive', safety: 'safe', edits: [{ start: d.start, end: d.end, text: '' }] },
    ],
  }));
}

function toFinding(rule: Rule, r: Report, lines: LineIndex, file: string, configured?: Severity): Finding {
  const start = r.start ?? r.node!.startIndex;
  const end = r.end ?? r.node!.endIndex;
  return {
    ruleId: rule.meta.id,
    severity: configured ?? r.severity ?? rule.meta.defaultSeverity,
    message: r.message,
    messageId: r.messageId,
    start, end,
    startPos: lines.pos(start),
    endPos: lines.pos(end),
    incidents: r.incidents ?? rule.meta.incidents,
    patterns: r.patterns ?? rule.meta.patterns,
    fixes: r.fixes ?? [],
    unlessFacts: r.unlessFacts,
    ...(r.related?.length ? { related: r.related.map(x => relatedOf(x, file, lines)) } : {}),
    ...(r.pending !== undefined ? { pending: r.pending } : {}),
  };
}

function relatedOf(x: NonNullable<Report['related']>[number], file: string, lines: LineIndex): RelatedLocation {
  if ('startPos' in x) return x;
  return { file: x.file ?? file, startPos: lines.pos(x.start), endPos: lines.pos(x.end), message: x.message };
}

const RESOLVE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Module key: relative specifiers become absolute paths without extension (and without /index). */
export function moduleKey(fromDir: string, spec: string): string {
  if (!spec.startsWith('.') && !path.isAbsolute(spec)) return spec.replace(/^node:/, '');
  let abs = path.resolve(fromDir, spec);
  const ext = path.extname(abs);
  if (RESOLVE_EXTS.includes(ext)) abs = abs.slice(0, -ext.length);
  return abs.replace(/[\\/]index$/, '');
}

/** Module key of a file path (the same normal form as moduleKey). */
export function fileModuleKey(file: string): string {
  return moduleKey(path.dirname(path.resolve(file)), './' + path.basename(file));
}

/** Parses and analyses text; the returned tree belongs to the caller (delete it when done). */
export async function analyzeSource(file: string, text: string, opts: AnalyzeOptions, lang = languageForPath(file)): Promise<FileAnalysis & { tree: Tree; lang: LangId }> {
  if (!lang) throw new Error(`incident-lens: unsupported file type: ${file}`);
  await loadLanguage(lang);
  const tree = parseSync(text, lang);
  return { ...analyzeTree(file, text, lang, tree, opts), tree, lang };
}

/** Convenience for tests and one-shot callers: analyse and free the tree. */
export async function analyzeText(text: string, file: string, opts: AnalyzeOptions): Promise<FileAnalysis> {
  const r = await analyzeSource(file, text, opts);
  r.tree.delete();
  const { tree: _t, lang: _l, ...rest } = r;
  return rest;
}
