/**
 * The retry family's shared vocabulary: rule ids and links, the delay kinds, the per-file lookup index, the state
 * the parts of the analysis share, and small tree helpers. Contract: shared RULES.md "retry-without-backoff /
 * retry-without-jitter"; docs and decisions: ../retry-without-backoff.md, ../retry-without-jitter.md.
 */
import { treeMemo, type Node } from '../../core/parser';
import type { Report, RuleContext } from '../../core/rule';
import { memberPath, unwrap, FUNCTION_TYPES, contains, namedChildren } from '../../core/ast';
import { declarationScope } from '../../core/facts';
import type { Classifier } from './delay';

export const BACKOFF_ID = 'retry-without-backoff';
export const JITTER_ID = 'retry-without-jitter';
export type RetryRuleId = typeof BACKOFF_ID | typeof JITTER_ID;

/** Cap of the delay in inserted full-jitter formulas (Brooker's `min(cap, base * 2 ** attempt)`), in ms. */
export const CAP = '30_000';
/** Base delay (ms) used when there was no delay at all to start from (the AWS SDK v3 default base). */
export const BASE_NONE = 100;

export const BACKOFF_INCIDENTS = ['spotify-2013', 'facebook-2010', 'aws-us-east-1-2021'];
/** Only incidents whose primary source says randomisation (jitter) was missing (issue 18). */
export const JITTER_INCIDENTS = ['google-cloud-2025'];
export const RETRY_PATTERNS = ['backoff-with-jitter', 'retry-budgets'];

export const RETRY_QUERY = `
(catch_clause) @retry.catch
[(for_statement) (while_statement) (do_statement)] @retry.loop
`;

/** Files without any of these words have no retry code we could recognise (a failed-status test: a one-shot re-call). */
export const RETRY_TRIGGERS = /retr(y|ies)|attempt|backoff|catch|setTimeout|reconnect|\.status(Code)?\s*(>=?|===?)\s*[45]\d\d|!\s*[\w$.]+\.ok\b/i;

export interface RetryFinding { rule: RetryRuleId; report: Report }

/**
 * A delay's kind. 'server': decided by the server or the error (a Retry-After header, `err.retryAfterMs`): silent
 * like 'unknown', but a growing alternative branch beside it still decides (see `branches`).
 */
export type Kind = 'const' | 'linear' | 'exp' | 'server' | 'unknown' | 'jitter';
export const RANK: Record<Kind, number> = { const: 0, linear: 1, exp: 2, server: 3, unknown: 4, jitter: 5 };
/** Combines the parts of one computation (`a * b`, `Math.min(a, b)`): the strongest kind wins. */
export function combine(a: Kind, b: Kind): Kind { return RANK[a] >= RANK[b] ? a : b; }
/**
 * Combines alternatives (a ternary's branches, the writes of a `let`): RULES v2 judges a delay chosen by a
 * conditional by its growing branch. Any jittered branch clears it; a branch we cannot see keeps it unknown;
 * otherwise growth beats a server-decided branch (Retry-After) and constants.
 */
export function branches(kinds: Kind[]): Kind {
  if (kinds.includes('jitter')) return 'jitter';
  if (kinds.includes('unknown')) return 'unknown';
  if (kinds.includes('exp')) return 'exp';
  if (kinds.includes('linear')) return 'linear';
  if (kinds.includes('server')) return 'server';
  return 'const';
}
/** A kind that decides nothing on its own: stay silent. */
export const silentKind = (k: Kind) => k === 'unknown' || k === 'server' || k === 'jitter';
export function combineAll(kinds: Kind[], empty: Kind = 'const'): Kind { return kinds.reduce(combine, empty); }

export const SLEEP_NAME = /^(sleep|delay|wait|pause|snooze|timeout|setTimeoutAsync|setTimeoutPromise|promiseTimeout|waitMs|sleepMs|delayMs|waitFor(Ms|Millis)?|\w*[a-z_](Sleep|Delay|Wait|Pause))$/;
export const RANDOM_NAME = /random|jitter/i;
export const UPPER = /^[A-Z][A-Z0-9_]*$/;
export const COMBINING_CALLS = new Set(['Math.min', 'Math.max', 'Math.round', 'Math.floor', 'Math.ceil', 'Math.trunc', 'Math.abs', 'Number', 'parseInt', 'parseFloat', 'Number.parseInt', 'Number.parseFloat']);
export const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_in_statement']);

export interface Env {
  /** identifiers that count the attempts (the delay grows if it depends on them). */
  counters: Set<string>;
  /** helper-function call: parameter name -> argument expression, classified in `outer`. */
  params?: Map<string, Node | null>;
  outer?: Env;
  /** recursion: parameter name -> the arguments passed for it by the self-calls. */
  recArgs?: Map<string, Node[]>;
  /** identifiers or member paths whose kind is known up front (got's `computedValue`: its own jittered delay). */
  known?: Map<string, Kind>;
  /**
   * Recursion: the function that is called again. A variable it resets on every call (`let attempt = 0` in its body,
   * `this.attempt = 0` as one of its statements) does not count attempts across calls, however often it is bumped.
   */
  resetScope?: Node;
  depth: number;
}

export const WRITE_TYPES = new Set(['assignment_expression', 'augmented_assignment_expression', 'update_expression']);

export function writeTarget(w: Node): string | undefined {
  const t = unwrap(w.type === 'update_expression' ? w.childForFieldName('argument') : w.childForFieldName('left'));
  if (!t) return undefined;
  return t.type === 'identifier' ? t.text : memberPath(t)?.join('.');
}

/**
 * Local, memoised lookups around retry candidates. The rule's query captures only `catch_clause`: everything else
 * is found by short walks of the candidate loops/functions (capturing every await or assignment of every file
 * would cost more than the whole analysis).
 */
export class FileIndex {
  /** `source`: the file's text (awaitsIn scans it). */
  constructor(private readonly source: string) {}
  private memo = new Map<string, Node[]>();
  private get(key: string, compute: () => Node[]): Node[] {
    let v = this.memo.get(key);
    if (!v) { v = compute(); this.memo.set(key, v); }
    return v;
  }
  /** Writes (`x = …`, `x *= …`, `x++`) to `key` (an identifier or a dotted member path) anywhere in `scope`. */
  writesTo(key: string, scope: Node): Node[] {
    return this.get(`w${scope.id}:${key}`, () => {
      if (!scope.text.includes(key.split('.').pop()!)) return [];
      return findLocal(scope, n => WRITE_TYPES.has(n.type) && writeTarget(n) === key, true, 20000);
    });
  }
  /**
   * Awaits and yields in `n`, not inside nested functions (n itself may be a function). Found by scanning the file
   * text in n's range and mapping each keyword to its node, each await's function looked up once: a walk of n per
   * call was quadratic for nested loops and tries (`for(;;){try{` 1,000 deep: 11 s).
   */
  awaitsIn(n: Node): Node[] {
    return this.get(`a${n.id}`, () => {
      const out: Node[] = [];
      const at = this.keywords();
      for (let i = firstAtOrAfter(at, n.startIndex); i < at.length && at[i] < n.endIndex; i++) {
        const a = this.awaitAt(n, at[i]);
        if (!a || a.startIndex < n.startIndex || a.endIndex > n.endIndex) continue;
        const fn = this.functionOf(a);
        if (fn && fn.id !== n.id && fn.startIndex >= n.startIndex && fn.endIndex <= n.endIndex) continue;
        out.push(a);
      }
      return out;
    });
  }
  private keywordOffsets?: number[];
  /**
   * Offsets of every `await`/`yield` word in the file, scanned once: a scan per node from its start ran to the end of
   * the file past its last keyword (`for(;;){try{` 4,000 deep: every loop and try rescanned the rest of the file).
   */
  private keywords(): number[] {
    if (!this.keywordOffsets) {
      this.keywordOffsets = [];
      for (const m of this.source.matchAll(/\b(?:await|yield)\b/g)) this.keywordOffsets.push(m.index);
    }
    return this.keywordOffsets;
  }
  private readonly awaits = new Map<number, Node | null>();
  /** The await/yield expression whose keyword starts at `offset`, if any. */
  private awaitAt(n: Node, offset: number): Node | null {
    let a = this.awaits.get(offset);
    if (a === undefined) {
      const kw = n.tree.rootNode.descendantForIndex(offset, offset + 5);
      const p = kw && (kw.type === 'await' || kw.type === 'yield') ? kw.parent : null;
      a = p && (p.type === 'await_expression' || p.type === 'yield_expression') ? p : null;
      this.awaits.set(offset, a);
    }
    return a;
  }
  private readonly functions = new Map<number, Node | null>();
  private functionOf(a: Node): Node | null {
    let f = this.functions.get(a.id);
    if (f === undefined) { f = innermostFunction(a); this.functions.set(a.id, f); }
    return f;
  }
  /** Writes of any kind in `n` (attempt-counter candidates). */
  writesIn(n: Node, intoFunctions = false): Node[] {
    return this.get(`W${n.id}:${intoFunctions}`, () => findLocal(n, x => WRITE_TYPES.has(x.type), intoFunctions, 5000));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

export function numberValue(n: Node | null | undefined): number | undefined {
  const u = unwrap(n);
  if (!u) return undefined;
  if (u.type === 'number') {
    const v = Number(u.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (u.type === 'unary_expression' && u.text.startsWith('-')) {
    const v = numberValue(u.namedChild(0));
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

export function numberOf(ctx: RuleContext, n: Node | null | undefined): number | undefined {
  return numberValue(ctx.facts.resolveValue(n));
}

export function boolOf(ctx: RuleContext, n: Node | null | undefined): boolean | undefined {
  const v = ctx.facts.resolveValue(n);
  if (!v) return undefined;
  if (v.type === 'true') return true;
  if (v.type === 'false') return false;
  return undefined;
}

export function keywordRange(node: Node): { start: number; end: number } {
  const kw = node.type === 'for_statement' ? 3 : node.type === 'while_statement' ? 5 : node.type === 'do_statement' ? 2 : 0;
  return kw ? { start: node.startIndex, end: node.startIndex + kw } : { start: node.startIndex, end: node.endIndex };
}

/** Function node -> its parameter names (identifiers only, incl. defaults and destructuring). */
export function paramNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  const out: string[] = [];
  for (const p of namedChildren(params)) out.push(paramName(p) ?? '');
  return out;
}

export function paramName(p: Node): string | undefined {
  let n: Node | null = p;
  if (n.type === 'required_parameter' || n.type === 'optional_parameter') n = n.childForFieldName('pattern');
  if (n?.type === 'assignment_pattern') n = n.childForFieldName('left');
  return n?.type === 'identifier' ? n.text : undefined;
}

export function patternText(fn: Node): string {
  return (fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter'))?.text ?? '';
}

export const wordRe = (name: string) => new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);

/** Where `name` (at `ref`) comes from when it is not a local variable: a parameter, a catch parameter, or nothing. */
export function paramOrigin(ref: Node, name: string): { kind: 'param'; fn: Node } | { kind: 'catch' } | undefined {
  const re = wordRe(name);
  for (let p: Node | null = ref.parent; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) {
      if (re.test(patternText(p))) return { kind: 'param', fn: p };
    } else if (p.type === 'catch_clause') {
      const param = p.childForFieldName('parameter');
      if (param && re.test(param.text)) return { kind: 'catch' };
    }
  }
  return undefined;
}

/** The innermost same-file declaration of `name` visible at `ref`. */
export function visibleDecl(ctx: RuleContext, ref: Node, name: string): Node | undefined {
  const decls = ctx.facts.declarations.get(name);
  if (!decls) return undefined;
  let best: Node | undefined, bestScope: Node | null = null;
  for (const d of decls) {
    const scope = declarationScope(d);
    if (!scope || !contains(scope, ref)) continue;
    if (!bestScope || contains(bestScope, scope)) { best = d; bestScope = scope; }
  }
  return best;
}

/** A same-file function by name: `function f` or `const f = () => ...`. */
export function sameFileFunction(ctx: RuleContext, ref: Node, name: string): Node | undefined {
  const d = visibleDecl(ctx, ref, name) ?? ctx.facts.functionsByName.get(name);
  if (!d) return undefined;
  if (d.type === 'function_declaration') return d;
  if (d.type === 'variable_declarator') {
    const v = unwrap(d.childForFieldName('value'));
    if (v && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function')) return v;
  }
  return undefined;
}

/** The index of the first element of the ascending `xs` that is at least `x` (xs.length when none is). */
function firstAtOrAfter(xs: readonly number[], x: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * `n.namedChildren`, the same list for every walk over `n` in the tree's life: the retry checks walk each loop's
 * subtrees several times (the try block, the loop body, its writes, its calls), and listing a node's children
 * (a node object per child, through WASM) was most of a walk's cost.
 */
function namedKidsOf(n: Node): Node[] {
  const memo = treeMemo(n.tree);
  let byId = memo.get('retry.namedChildren') as Map<number, Node[]> | undefined;
  if (!byId) memo.set('retry.namedChildren', (byId = new Map()));
  let kids = byId.get(n.id);
  if (!kids) byId.set(n.id, (kids = n.namedChildren));
  return kids;
}

/** Nodes under `root` (not entering nested functions unless `intoFunctions`), filtered by `pred`. A local walk. */
export function findLocal(root: Node, pred: (n: Node) => boolean, intoFunctions = false, limit = 400): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  let seen = 0;
  while (stack.length && seen++ < limit) {
    const n = stack.pop()!;
    if (pred(n)) out.push(n);
    if (n !== root && !intoFunctions && FUNCTION_TYPES.has(n.type)) continue;
    const kids = namedKidsOf(n);
    for (let i = kids.length - 1; i >= 0; i--) { const k = kids[i]; if (k) stack.push(k); }
  }
  return out;
}

/** Return expressions of a function (expression body, or `return x` statements not in nested functions). */
export function returnExprs(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  if (body.type !== 'statement_block') return [body];
  return findLocal(body, n => n.type === 'return_statement').map(r => r.namedChild(0)).filter((x): x is Node => !!x);
}

export function innermostFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

export function isSameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

export function needsParens(n: Node): boolean {
  const u = n;
  if (['identifier', 'number', 'member_expression', 'call_expression', 'subscript_expression', 'parenthesized_expression'].includes(u.type)) return false;
  if (u.type === 'binary_expression') {
    const op = u.childForFieldName('operator')?.text;
    return !(op === '**' || op === '*' || op === '/');
  }
  return true;
}
export const par = (n: Node) => needsParens(n) ? `(${n.text})` : n.text;

/** What the parts of one file's analysis share: the context, the lookups, the delay classifier, the findings. */
export interface RetryState { ctx: RuleContext; idx: FileIndex; cls: Classifier; out: RetryFinding[] }

export function pushFinding(out: RetryFinding[], rule: RetryRuleId, r: Report): void {
  out.push({ rule, report: { incidents: rule === BACKOFF_ID ? BACKOFF_INCIDENTS : JITTER_INCIDENTS, patterns: RETRY_PATTERNS, ...r } });
}

export function isAsync(fn: Node): boolean {
  return /^async\b/.test(fn.text) || fn.firstChild?.text === 'async' || (fn.type === 'method_definition' && namedChildren(fn).length > 0 && fn.text.startsWith('async'));
}

/** `i++`, `++i`, `i += 1`, `i = i + 1` -> increasing counter i; the `--` forms -> decreasing. */
export function counterWrite(w: Node): { name: string; increasing: boolean } | undefined {
  if (w.type === 'update_expression') {
    const a = unwrap(w.childForFieldName('argument'));
    if (a?.type !== 'identifier') return undefined;
    return { name: a.text, increasing: w.text.includes('++') };
  }
  const left = unwrap(w.childForFieldName('left'));
  if (left?.type !== 'identifier') return undefined;
  const right = unwrap(w.childForFieldName('right'));
  if (w.type === 'augmented_assignment_expression') {
    const op = w.childForFieldName('operator')?.text;
    if (right?.type !== 'number' || Number(right.text) !== 1) return undefined;
    if (op === '+=') return { name: left.text, increasing: true };
    if (op === '-=') return { name: left.text, increasing: false };
    return undefined;
  }
  const t = right?.text.replace(/\s+/g, '');
  if (t === `${left.text}+1` || t === `1+${left.text}`) return { name: left.text, increasing: true };
  if (t === `${left.text}-1`) return { name: left.text, increasing: false };
  return undefined;
}
