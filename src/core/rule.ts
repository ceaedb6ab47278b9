import type { LangId, Node, Tree } from './parser';
import type { FileFacts } from './facts';
import type { LineIndex } from './text';
import type { Finding, Fix, RelatedLocation, RuleMeta, Severity } from './types';
import type { CallSite, FileSymbols, FunctionSymbol, Ref, SymbolFunctionInfo } from './symbols';

export interface AnalyzerSettings {
  /** N for inserted timeouts, from `defaultTimeoutMs` (default 10000). */
  defaultTimeoutMs: number;
  /**
   * `browserCode` (RULES v2): 'skip' (default) leaves browser-only code (`'use client'` files, relative-URL requests)
   * out of `missing-timeout`; 'analyse' judges it like server code.
   */
  browserCode: 'skip' | 'analyse';
  /**
   * Time budget of one rule on one file, in ms (`ruleTimeBudgetMs`; see core/guard.ts): over it, the rule's findings
   * for the file are dropped with a notice. Cooperative: checked in the context's methods and `checkDeadline`.
   */
  ruleTimeBudgetMs: number;
  /** What the budget measures: 'cpu' (default; the CLI) or 'wall' (the editor's thread). */
  ruleTimeBudgetClock?: 'cpu' | 'wall';
}

export interface Report {
  node?: Node;
  start?: number;
  end?: number;
  messageId: string;
  message: string;
  fixes?: Fix[];
  /** Overrides the rule's default severity for this report (e.g. payments -> error) unless the user configured one. */
  severity?: Severity;
  /** Overrides the rule's linked incidents/patterns for this report. */
  incidents?: string[];
  patterns?: string[];
  /** Drop this finding when any of these project facts is known (e.g. `axios.defaults.timeout` set elsewhere). */
  unlessFacts?: string[];
  /** Related locations (see Finding.related); `file` defaults to this file, positions from `start`/`end` offsets. */
  related?: Array<{ file?: string; start: number; end: number; message: string } | RelatedLocation>;
  /**
   * Makes the finding conditional on other files (see Finding.pending): JSON data the rule's `settle` reads in the
   * project pass. Until settled it is not shown; a run without a project pass drops it (unknown is not guilty).
   */
  pending?: unknown;
}

export interface RuleContext {
  readonly file: string;
  readonly text: string;
  readonly lang: LangId;
  readonly tree: Tree;
  readonly root: Node;
  readonly facts: FileFacts;
  readonly lines: LineIndex;
  readonly settings: AnalyzerSettings;
  /** Nodes captured by the shared query pass under this capture name (document order). */
  captures(name: string): Node[];
  report(r: Report): void;
  /** Records a project-wide fact (see project.ts) such as `axios-defaults-timeout:axios`. */
  addProjectFact(fact: string): void;
  /** Normalises a module specifier used in this file: relative ones become absolute paths (extension-less). */
  moduleKey(specifier: string): string;
  /**
   * False for offsets outside the ranges being re-analysed (editor incremental mode; always true otherwise).
   * Rules that find candidates by scanning `text` should skip hits where this is false: captures are already
   * limited to the ranges, text scans are not.
   */
  inRegion(offset: number): boolean;
  /**
   * The matches of a global regex in `text` that start inside the ranges being analysed (all of `text` outside
   * incremental mode). Text-scanning rules use this rather than `text.matchAll` + `inRegion`: a keystroke then
   * scans the edited statements, not the whole file.
   */
  matchAll(re: RegExp): IterableIterator<RegExpExecArray>;
  /** `re.test(text)` on the ranges being analysed (all of `text` outside incremental mode), as `matchAll`. */
  test(re: RegExp): boolean;
  /** Memoises work shared by several rules on the same file (e.g. the retry family's loop analysis). */
  memo<T>(key: string, compute: () => T): T;
  /**
   * The symbolic reference of a callee (`createInvoice`, `this.orders.place`, `db.insertOrder`) that the project
   * layer can resolve in a rule's `settle`, or undefined for callees it cannot (globals, locals, deep chains).
   */
  refOf(callee: Node): Ref | undefined;
  /**
   * Throws (a budget error the framework catches) once this rule has run over its time budget on this file. The
   * framework calls it in the other context methods; call it in loops that may run long without them (one call per
   * iteration is cheap: it reads a clock).
   */
  checkDeadline(): void;
}

/** A function in the project, as the project layer knows it. */
export interface FnHandle { file: string; id: string }

/** A function reached from a call, with the path that leads to it. */
export interface Reached {
  file: string;
  fn: FunctionSymbol;
  /** 1 for the callee itself, 2 for what it calls, ... */
  depth: number;
  /** The call (in the caller's file) that reached this function, and the callers' files/ids before it. */
  call: CallSite;
  callerFile: string;
  path: FnHandle[];
}

/**
 * What a rule's `settle` may ask of the project (src/project implements it). Resolution follows imports, re-exports,
 * tsconfig paths, workspace packages, class fields and constructor injection; unknown stays unknown.
 */
export interface ProjectView {
  symbols(file: string): FileSymbols | undefined;
  /** The function a call reference names, seen from `file` (and from class `cls` for `this`/field refs). */
  resolve(file: string, ref: Ref, cls?: string): FnHandle | undefined;
  fn(h: FnHandle): FunctionSymbol | undefined;
  /**
   * Functions reachable from a call: the callee (depth 1) and, breadth-first, what it calls, to `maxDepth` (default
   * 3) calls deep; each function once (cycles are safe). Memoised.
   */
  reach(file: string, ref: Ref, cls?: string, maxDepth?: number): Reached[];
  /** Memoises rule work across a settle pass (summaries composed over the call graph). */
  memo<T>(key: string, compute: () => T): T;
  /**
   * The version range declared for dependency `name` by the nearest package.json that names it, walking up from
   * `file` (undefined when none does, or when the project has no module resolver).
   */
  dependencyVersion(file: string, name: string): string | undefined;
  /**
   * Whether a file of the project recorded this project fact (`RuleContext.addProjectFact`) in the file pass: facts
   * one file states about the whole project (a schema's unique keys). Optional: views without the run's facts say no.
   */
  hasFact?(fact: string): boolean;
  /** The run's project facts that start with `prefix` (a schema's unique keys of one model). Optional, like `hasFact`. */
  factsWith?(prefix: string): string[];
  /**
   * The package directories of the project `file` belongs to (its package, the workspace roots, their packages), for
   * project files that are not analysed sources (a Prisma schema). Optional: views without a resolver say none.
   */
  packageDirs?(file: string): string[];
}

/** A per-function fact a rule records while the tree is alive (stored as `FunctionSymbol.facts[key]`). */
export interface SummarySpec {
  /** Storage key, shared by rules that read the same fact (e.g. 'sleep' for the retry family). */
  key: string;
  /** Cheap prefilter on the function's text. */
  triggers?: RegExp;
  /** The fact for one function, or undefined when it has none. Must be JSON. */
  of(ctx: RuleContext, fn: SymbolFunctionInfo): unknown;
}

export interface Rule {
  meta: RuleMeta;
  /**
   * Tree-sitter query patterns this rule needs, added to the one combined query run per file. Capture names
   * must be prefixed with the rule id or a short unique prefix (`@mt.call`). Core captures every rule can use:
   * `call` (call_expression), `new` (new_expression), `decl` (variable_declarator), `assign`
   * (assignment_expression), `func` (function declarations), `import` (import_statement). A function form
   * gets the language (the JS grammar lacks TS node types). Patterns with text predicates (#eq?, #match?) are
   * checked in JS for every candidate match: for rare tokens (`Date.now`), a text scan of `ctx.text` plus
   * `ctx.root.descendantForIndex(offset)` is much cheaper.
   */
  query?: string | ((lang: LangId) => string);
  /** Cheap lexical prefilter: the rule runs only when the file text matches. */
  triggers?: RegExp;
  check(ctx: RuleContext): void;
  /** Per-function facts for other files' findings (see SummarySpec); they run whatever `triggers` says. */
  summaries?: SummarySpec[];
  /**
   * Settles one of this rule's pending findings (reported in `file`) in the project pass: return it completed
   * (message, related), a list, or undefined to drop it. Called with every file's symbols available.
   */
  settle?(finding: Finding, project: ProjectView, file: string): Finding | Finding[] | undefined;
  /**
   * Called in the file pass once the file's own symbols (and summaries) are built: false when `settle` is sure to
   * drop this pending finding whatever the other files hold (its callee is a function of this file that records
   * nothing for the rule, or a module that can never be part of the project). Such findings are left out of
   * `FileAnalysis.pending`, so they cost nothing in the project pass and in what the file pass hands over.
   */
  keepPending?(finding: Finding, symbols: FileSymbols): boolean;
}

export type { Ref, FileSymbols, FunctionSymbol, CallSite, SymbolFunctionInfo };
