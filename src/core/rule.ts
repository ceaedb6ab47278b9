import type { LangId, Node, Tree } from './parser';
import type { FileFacts } from './facts';
import type { LineIndex } from './text';
import type { Fix, RuleMeta, Severity } from './types';

export interface AnalyzerSettings {
  /** N for inserted timeouts, from `defaultTimeoutMs` (default 10000). */
  defaultTimeoutMs: number;
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
}
