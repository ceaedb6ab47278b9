/**
 * Shared analysis of the retry family (`retry-without-backoff`, `retry-without-jitter`), computed once per file
 * with `ctx.memo('retry', ...)`. Contract: shared RULES.md "retry-without-backoff / retry-without-jitter".
 * Docs and decisions: ./retry-without-backoff.md, ./retry-without-jitter.md.
 *
 * Three sources of retries:
 *  1. hand-written loops (`for`/`while`/`do`) whose body runs an async operation in `try` and goes round again
 *     from the `catch`, with a success exit (`return`/`break`/a success flag in the loop condition);
 *  2. functions that call themselves (directly, through `setTimeout`, or after a sleep) from a failure path
 *     (`catch`, `.catch()`, an `'error'`/`'close'` handler, `if (err)` of a callback) with the same arguments,
 *     and `.catch(() => sameCall())` chains;
 *  3. retry libraries (p-retry, retry, async-retry, axios-retry, exponential-backoff, RxJS, cockatiel,
 *     superagent, got, ky, AWS SDK v3) with their documented defaults.
 * The delay between attempts is classified: none, constant, growing (linear/exponential) or jittered. Anything
 * we cannot classify with confidence (a delay from an unknown function, a server-provided Retry-After, ...) is
 * 'unknown' and stays silent: precision first.
 */
import type { Node } from '../core/parser';
import type { Report, RuleContext } from '../core/rule';
import type { Fix, TextEdit } from '../core/types';
import { callArgs, memberPath, unwrap, stringValue, keyName, FUNCTION_TYPES, contains, namedChildren } from '../core/ast';
import { callRange } from '../core/ast';
import { addPropertyEdit, insertArgumentEdit, replaceNodeEdit } from '../core/edits';
import type { LineIndex } from '../core/text';
import { declarationScope } from '../core/facts';

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
`;

/** Files without any of these words have no retry code we could recognise. */
export const RETRY_TRIGGERS = /retr(y|ies)|attempt|backoff|catch|setTimeout|reconnect/i;

export interface RetryFinding { rule: RetryRuleId; report: Report }

type Kind = 'const' | 'linear' | 'exp' | 'unknown' | 'jitter';
const RANK: Record<Kind, number> = { const: 0, linear: 1, exp: 2, unknown: 3, jitter: 4 };
function combine(a: Kind, b: Kind): Kind { return RANK[a] >= RANK[b] ? a : b; }
function combineAll(kinds: Kind[], empty: Kind = 'const'): Kind { return kinds.reduce(combine, empty); }

const SLEEP_NAME = /^(sleep|delay|wait|pause|snooze|timeout|setTimeoutAsync|setTimeoutPromise|promiseTimeout|waitMs|sleepMs|delayMs|waitFor(Ms|Millis)?|\w*[a-z_](Sleep|Delay|Wait|Pause))$/;
const RANDOM_NAME = /random|jitter/i;
const UPPER = /^[A-Z][A-Z0-9_]*$/;
const COMBINING_CALLS = new Set(['Math.min', 'Math.max', 'Math.round', 'Math.floor', 'Math.ceil', 'Math.trunc', 'Math.abs', 'Number', 'parseInt', 'parseFloat', 'Number.parseInt', 'Number.parseFloat']);
const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_in_statement']);

interface Env {
  /** identifiers that count the attempts (the delay grows if it depends on them). */
  counters: Set<string>;
  /** helper-function call: parameter name -> argument expression, classified in `outer`. */
  params?: Map<string, Node | null>;
  outer?: Env;
  /** recursion: parameter name -> the arguments passed for it by the self-calls. */
  recArgs?: Map<string, Node[]>;
  depth: number;
}

const WRITE_TYPES = new Set(['assignment_expression', 'augmented_assignment_expression', 'update_expression']);

function writeTarget(w: Node): string | undefined {
  const t = unwrap(w.type === 'update_expression' ? w.childForFieldName('argument') : w.childForFieldName('left'));
  if (!t) return undefined;
  return t.type === 'identifier' ? t.text : memberPath(t)?.join('.');
}

/**
 * Local, memoised lookups around retry candidates. The rule's query captures only `catch_clause`: everything else
 * is found by short walks of the candidate loops/functions (capturing every await or assignment of every file
 * would cost more than the whole analysis).
 */
class FileIndex {
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
  /** Awaits and yields in `n`, not inside nested functions (n itself may be a function). */
  awaitsIn(n: Node): Node[] {
    return this.get(`a${n.id}`, () => /\b(await|yield)\b/.test(n.text) ? findLocal(n, x => x.type === 'await_expression' || x.type === 'yield_expression', false, 5000) : []);
  }
  /** Writes of any kind in `n` (attempt-counter candidates). */
  writesIn(n: Node, intoFunctions = false): Node[] {
    return this.get(`W${n.id}:${intoFunctions}`, () => findLocal(n, x => WRITE_TYPES.has(x.type), intoFunctions, 5000));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function numberValue(n: Node | null | undefined): number | undefined {
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

function numberOf(ctx: RuleContext, n: Node | null | undefined): number | undefined {
  return numberValue(ctx.facts.resolveValue(n));
}

function boolOf(ctx: RuleContext, n: Node | null | undefined): boolean | undefined {
  const v = ctx.facts.resolveValue(n);
  if (!v) return undefined;
  if (v.type === 'true') return true;
  if (v.type === 'false') return false;
  return undefined;
}

function keywordRange(node: Node): { start: number; end: number } {
  const kw = node.type === 'for_statement' ? 3 : node.type === 'while_statement' ? 5 : node.type === 'do_statement' ? 2 : 0;
  return kw ? { start: node.startIndex, end: node.startIndex + kw } : { start: node.startIndex, end: node.endIndex };
}

/** Function node -> its parameter names (identifiers only, incl. defaults and destructuring). */
function paramNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  const out: string[] = [];
  for (const p of namedChildren(params)) out.push(paramName(p) ?? '');
  return out;
}

function paramName(p: Node): string | undefined {
  let n: Node | null = p;
  if (n.type === 'required_parameter' || n.type === 'optional_parameter') n = n.childForFieldName('pattern');
  if (n?.type === 'assignment_pattern') n = n.childForFieldName('left');
  return n?.type === 'identifier' ? n.text : undefined;
}

function patternText(fn: Node): string {
  return (fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter'))?.text ?? '';
}

const wordRe = (name: string) => new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);

/** Where `name` (at `ref`) comes from when it is not a local variable: a parameter, a catch parameter, or nothing. */
function paramOrigin(ref: Node, name: string): { kind: 'param'; fn: Node } | { kind: 'catch' } | undefined {
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
function visibleDecl(ctx: RuleContext, ref: Node, name: string): Node | undefined {
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
function sameFileFunction(ctx: RuleContext, ref: Node, name: string): Node | undefined {
  const d = visibleDecl(ctx, ref, name) ?? ctx.facts.functionsByName.get(name);
  if (!d) return undefined;
  if (d.type === 'function_declaration') return d;
  if (d.type === 'variable_declarator') {
    const v = unwrap(d.childForFieldName('value'));
    if (v && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function')) return v;
  }
  return undefined;
}

/** Nodes under `root` (not entering nested functions unless `intoFunctions`), filtered by `pred`. A local walk. */
function findLocal(root: Node, pred: (n: Node) => boolean, intoFunctions = false, limit = 400): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  let seen = 0;
  while (stack.length && seen++ < limit) {
    const n = stack.pop()!;
    if (pred(n)) out.push(n);
    if (n !== root && !intoFunctions && FUNCTION_TYPES.has(n.type)) continue;
    const kids = n.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) { const k = kids[i]; if (k) stack.push(k); }
  }
  return out;
}

/** Return expressions of a function (expression body, or `return x` statements not in nested functions). */
function returnExprs(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  if (body.type !== 'statement_block') return [body];
  return findLocal(body, n => n.type === 'return_statement').map(r => r.namedChild(0)).filter((x): x is Node => !!x);
}

function innermostFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

function isSameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

function needsParens(n: Node): boolean {
  const u = n;
  if (['identifier', 'number', 'member_expression', 'call_expression', 'subscript_expression', 'parenthesized_expression'].includes(u.type)) return false;
  if (u.type === 'binary_expression') {
    const op = u.childForFieldName('operator')?.text;
    return !(op === '**' || op === '*' || op === '/');
  }
  return true;
}
const par = (n: Node) => needsParens(n) ? `(${n.text})` : n.text;

// ---------------------------------------------------------------------------------------------------------------
// Delay classification

class Classifier {
  constructor(private ctx: RuleContext, private idx: FileIndex) {}

  expr(node: Node | null | undefined, env: Env, self?: string): Kind {
    const n = unwrap(node);
    if (!n || env.depth > 8) return 'unknown';
    switch (n.type) {
      case 'number': case 'true': case 'false': case 'null': case 'undefined': return 'const';
      case 'identifier': return this.ident(n, env, self);
      case 'member_expression': return this.member(n, env, self);
      case 'subscript_expression': {
        const i = this.expr(n.childForFieldName('index'), env, self);
        if (i === 'jitter' || i === 'unknown') return i;
        if (i === 'linear' || i === 'exp') return 'exp'; // a table indexed by the attempt
        return this.expr(n.childForFieldName('object'), env, self);
      }
      case 'array': return combineAll(namedChildren(n).map(c => this.expr(c, env, self)));
      case 'binary_expression': return this.binary(n, env, self);
      case 'ternary_expression':
        return combine(this.expr(n.childForFieldName('consequence'), env, self), this.expr(n.childForFieldName('alternative'), env, self));
      case 'unary_expression': return this.expr(n.childForFieldName('argument') ?? n.namedChild(0), env, self);
      case 'call_expression': return this.call(n, env, self);
      default: return 'unknown';
    }
  }

  private binary(n: Node, env: Env, self?: string): Kind {
    const op = n.childForFieldName('operator')?.text ?? '';
    const l = unwrap(n.childForFieldName('left')), r = unwrap(n.childForFieldName('right'));
    const isSelf = (x: Node | null) => !!self && x?.type === 'identifier' && x.text === self;
    if (op === '**' || op === '<<') {
      const rk = this.expr(r, env, self);
      const lk = this.expr(l, env, self);
      if (rk === 'jitter' || lk === 'jitter') return 'jitter';
      if (rk === 'unknown' || lk === 'unknown') return 'unknown';
      if (rk === 'linear' || rk === 'exp') return 'exp';
      if (op === '<<' && isSelf(l)) return 'exp';
      return lk;
    }
    if (op === '*' && (isSelf(l) || isSelf(r))) {
      const other = isSelf(l) ? r : l;
      const k = this.expr(other, env, self);
      return k === 'jitter' || k === 'unknown' ? k : 'exp';
    }
    if (op === '+' && (isSelf(l) || isSelf(r))) {
      if (isSelf(l) && isSelf(r)) return 'exp';
      const k = this.expr(isSelf(l) ? r : l, env, self);
      return combine('linear', k);
    }
    return combine(this.expr(l, env, self), this.expr(r, env, self));
  }

  private call(n: Node, env: Env, self?: string): Kind {
    const fn = unwrap(n.childForFieldName('function'));
    const path = memberPath(fn);
    if (!path) return 'unknown';
    if (path.some(s => RANDOM_NAME.test(s))) return 'jitter';
    const joined = path.join('.');
    const args = callArgs(n);
    if (joined === 'Math.pow') {
      const rk = this.expr(args[1], env, self);
      const lk = this.expr(args[0], env, self);
      if (rk === 'jitter' || lk === 'jitter') return 'jitter';
      if (rk === 'unknown' || lk === 'unknown') return 'unknown';
      return rk === 'linear' || rk === 'exp' ? 'exp' : lk;
    }
    if (COMBINING_CALLS.has(joined)) return combineAll(args.map(a => this.expr(a, env, self)));
    if (fn && fn.type === 'identifier' && env.depth < 4) {
      const helper = sameFileFunction(this.ctx, fn, fn.text);
      if (helper) {
        const names = paramNames(helper);
        const params = new Map<string, Node | null>();
        names.forEach((p, i) => { if (p) params.set(p, args[i] ?? null); });
        const inner: Env = { counters: new Set(), params, outer: env, depth: env.depth + 1 };
        const rets = returnExprs(helper);
        if (!rets.length) return 'unknown';
        return combineAll(rets.map(r => this.expr(r, inner)));
      }
    }
    return 'unknown';
  }

  private ident(n: Node, env: Env, self?: string): Kind {
    const name = n.text;
    if (env.params?.has(name)) {
      const arg = env.params.get(name);
      return arg ? this.expr(arg, env.outer!) : 'const'; // a default parameter value: constant
    }
    if (env.counters.has(name)) return 'linear';
    if (self === name) return 'const';
    if (RANDOM_NAME.test(name)) return 'jitter';
    if (name === 'Infinity' || name === 'undefined' || name === 'NaN') return 'const';
    const decl = visibleDecl(this.ctx, n, name);
    const origin = paramOrigin(n, name);
    // a parameter declared closer than the variable shadows it
    if (origin && (!decl || origin.kind === 'catch' || (origin.kind === 'param' && contains(declarationScope(decl) ?? origin.fn, origin.fn)))) {
      if (origin.kind === 'catch') return 'unknown'; // err.retryAfter & co: decided by the server
      const rec = env.recArgs?.get(name);
      if (rec) return combineAll(rec.map(a => this.expr(a, { ...env, depth: env.depth + 1 }, name)));
      // a parameter rewritten in its function (`retryDelay = retryDelay * 2` after each failure) grows with it
      if (origin.kind === 'param' && env.depth < 4) {
        let kind: Kind = 'const';
        for (const w of this.idx.writesTo(name, origin.fn)) kind = combine(kind, this.write(w, name, { ...env, depth: env.depth + 1 }));
        return kind;
      }
      return 'const'; // a parameter not scaled by the attempt
    }
    if (decl) return this.variable(n, decl, name, env);
    if (this.ctx.facts.moduleOf(n)) return 'const'; // an imported configuration value
    return UPPER.test(name) ? 'const' : 'unknown';
  }

  private variable(ref: Node, decl: Node, name: string, env: Env): Kind {
    if (decl.type !== 'variable_declarator') return 'unknown';
    const nameNode = decl.childForFieldName('name');
    const value = decl.childForFieldName('value');
    const isConst = decl.parent?.firstChild?.text === 'const';
    const sub: Env = { ...env, depth: env.depth + 1 };
    if (nameNode?.type === 'object_pattern') {
      const k = value ? this.expr(value, sub) : 'unknown';
      return k === 'const' ? 'const' : 'unknown';
    }
    if (nameNode?.type !== 'identifier') return 'unknown';
    let kind: Kind = value ? this.expr(value, sub) : 'const';
    if (isConst) return kind;
    // a `let`/`var`: every write to it in its scope counts (delay *= 2, delay = Math.min(delay * 2, max), ...)
    const scope = declarationScope(decl);
    for (const w of scope ? this.idx.writesTo(name, scope) : []) {
      kind = combine(kind, this.write(w, name, sub));
    }
    void ref;
    return kind;
  }

  private member(n: Node, env: Env, self?: string): Kind {
    const path = memberPath(n);
    if (!path) return 'unknown';
    if (RANDOM_NAME.test(path[path.length - 1])) return 'jitter';
    if (path.some(s => /retry.?after/i.test(s))) return 'unknown';
    const text = path.join('.');
    if (self && text === self) return 'const';
    let kind: Kind = 'const';
    let scope: Node | null = null;
    if (path[0] === 'this') for (let p = n.parent; p && !scope; p = p.parent) { if (p.type === 'class_body') scope = p; }
    scope ??= innermostFunction(n) ?? this.ctx.root;
    for (const w of this.idx.writesTo(text, scope)) kind = combine(kind, this.write(w, text, { ...env, depth: env.depth + 1 }));
    if (kind !== 'const') return kind;
    let head: Node | null = n;
    while (head && head.type === 'member_expression') head = unwrap(head.childForFieldName('object'));
    if (!head) return 'unknown';
    if (head.type === 'this') return 'const';
    if (head.type !== 'identifier') return 'unknown';
    if (head.text === 'process' || head.text === 'Number' || head.text === 'Math') return 'const';
    const obj = this.ctx.facts.resolveObject(head);
    if (obj && path.length === 2) {
      const r = this.ctx.facts.lookupProp(obj, path[1]);
      if (r.kind === 'present' && r.pair.type === 'pair') return this.expr(r.value, { ...env, depth: env.depth + 1 });
    }
    const hk = this.ident(head, env, self);
    // `opts.delay` where opts is a parameter / config object: a constant not scaled by the attempt
    return hk === 'jitter' ? 'unknown' : hk === 'linear' || hk === 'exp' ? 'unknown' : hk;
  }

  /** Classifies one write to `name`: `x *= 2`, `x++`, `x = Math.min(x * 2, max)`. */
  write(w: Node, name: string, env: Env): Kind {
    if (w.type === 'update_expression') return 'linear';
    const right = w.childForFieldName('right');
    if (w.type === 'augmented_assignment_expression') {
      const op = w.childForFieldName('operator')?.text ?? '';
      const rk = this.expr(right, env, name);
      if (op === '*=' || op === '<<=' || op === '**=') return rk === 'jitter' || rk === 'unknown' ? rk : 'exp';
      if (op === '+=' || op === '-=') {
        const r = unwrap(right);
        if (r?.type === 'identifier' && r.text === name) return 'exp';
        return combine('linear', rk);
      }
      return combine('const', rk);
    }
    // `x = x * 2`, `x = x << 1`, `x = x + step`: the plain-assignment forms of `x *= 2` / `x += step`
    const r = unwrap(right);
    if (r?.type === 'binary_expression') {
      const op = r.childForFieldName('operator')?.text ?? '';
      const sides = [unwrap(r.childForFieldName('left')), unwrap(r.childForFieldName('right'))];
      const selfSides = sides.filter(x => x && x.text === name).length;
      if (selfSides > 0) {
        const rk = this.expr(right, env, name);
        if (rk === 'jitter' || rk === 'unknown') return rk;
        if (op === '*' || op === '<<' || op === '**' || (op === '+' && selfSides === 2)) return 'exp';
        if (op === '+') return combine('linear', rk);
      }
    }
    return this.expr(right, env, name);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sleeps

interface Sleep {
  /** The await/yield (or the call) that waits. */
  site: Node;
  /** The delay expression, when known; classified in `env`. */
  arg: Node | null;
  /** Set when the sleep is inside a same-file helper: param mapping from the call. */
  helperCall?: Node;
  params?: Map<string, Node | null>;
}

function isTimersPromisesSetTimeout(ctx: RuleContext, fn: Node): boolean {
  if (fn.type === 'identifier') {
    const b = ctx.facts.moduleOf(fn);
    return !!b && /^(node:)?timers\/promises$/.test(b.module) && b.imported === 'setTimeout';
  }
  if (fn.type === 'member_expression') {
    const obj = unwrap(fn.childForFieldName('object'));
    const prop = fn.childForFieldName('property')?.text;
    if (prop !== 'setTimeout' || obj?.type !== 'identifier') return false;
    const b = ctx.facts.moduleOf(obj);
    return !!b && /^(node:)?timers\/promises$/.test(b.module) && (b.imported === '*' || b.imported === 'default');
  }
  return false;
}

function isGlobalSetTimeout(ctx: RuleContext, fn: Node | null): boolean {
  const f = unwrap(fn);
  if (!f) return false;
  if (f.type === 'identifier') return f.text === 'setTimeout' && !ctx.facts.moduleOf(f) && !ctx.facts.isShadowed(f, 'setTimeout');
  const p = memberPath(f);
  return !!p && p.length === 2 && p[1] === 'setTimeout' && (p[0] === 'window' || p[0] === 'globalThis' || p[0] === 'global' || p[0] === 'self');
}

/** `new Promise(r => setTimeout(r, ms))` -> the `ms` node (null when absent). undefined = not such a promise. */
function promiseTimeoutDelay(ctx: RuleContext, n: Node): Node | null | undefined {
  if (n.type !== 'new_expression' || n.childForFieldName('constructor')?.text !== 'Promise') return undefined;
  const exec = unwrap(n.childForFieldName('arguments')?.namedChild(0));
  if (!exec || !FUNCTION_TYPES.has(exec.type)) return undefined;
  const calls = findLocal(exec, c => c.type === 'call_expression' && isGlobalSetTimeout(ctx, c.childForFieldName('function')), true, 60);
  if (calls.length !== 1) return undefined;
  // `new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))` is a deadline raced against the
  // operation, not a pause between attempts
  const rejectName = paramNames(exec)[1];
  const cb = unwrap(callArgs(calls[0])[0] ?? null);
  if (rejectName && cb && (cb.text === rejectName || (FUNCTION_TYPES.has(cb.type) && wordRe(rejectName).test(cb.childForFieldName('body')?.text ?? '')))) return undefined;
  return callArgs(calls[0])[1] ?? null;
}

/** The sleep an await/yield stands for, if any (depth: how many helper levels we may enter). */
function sleepOf(ctx: RuleContext, awaitNode: Node, depth = 0): Sleep | undefined {
  let inner = unwrap(awaitNode.namedChild(0));
  if (!inner) return undefined;
  if (awaitNode.type === 'yield_expression' && inner.type === 'call_expression') {
    // redux-saga: yield delay(ms) / yield call(delay, ms)
    const f = unwrap(inner.childForFieldName('function'));
    if (f?.type === 'identifier' && f.text === 'call') {
      const a = callArgs(inner);
      const target = unwrap(a[0]);
      if (target && SLEEP_NAME.test(target.text)) return { site: awaitNode, arg: a[1] ?? null };
    }
  }
  const pt = promiseTimeoutDelay(ctx, inner);
  if (pt !== undefined) return { site: awaitNode, arg: pt };
  if (inner.type !== 'call_expression') return undefined;
  const fn = unwrap(inner.childForFieldName('function'));
  if (!fn) return undefined;
  const args = callArgs(inner);
  if (isTimersPromisesSetTimeout(ctx, fn)) return { site: awaitNode, arg: args[0] ?? null };
  const name = fn.type === 'identifier' ? fn.text : fn.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
  if (!name) return undefined;
  if (fn.type === 'identifier') {
    const b = ctx.facts.moduleOf(fn);
    if (b && b.module === 'delay') return { site: awaitNode, arg: args[0] ?? null };
  }
  // a same-file helper that sleeps: `await backoff(attempt)`, `await wait(ms)` with `wait` defined here
  if (fn.type === 'identifier' && depth < 1) {
    const helper = sameFileFunction(ctx, fn, name);
    if (helper) {
      const inside = helperSleep(ctx, helper, depth + 1);
      if (inside) {
        const params = new Map<string, Node | null>();
        paramNames(helper).forEach((p, i) => { if (p) params.set(p, args[i] ?? null); });
        return { site: awaitNode, arg: inside.arg, helperCall: inner, params };
      }
      if (!SLEEP_NAME.test(name)) return undefined;
    }
  }
  if (SLEEP_NAME.test(name)) return { site: awaitNode, arg: args[0] ?? null };
  return undefined;
}

/** The single sleep inside a helper function (`function sleep(ms) { return new Promise(r => setTimeout(r, ms)) }`). */
function helperSleep(ctx: RuleContext, fn: Node, depth: number): Sleep | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const found: Sleep[] = [];
  for (const n of findLocal(body, x => x.type === 'await_expression' || x.type === 'new_expression' || x.type === 'return_statement', false, 200)) {
    if (n.type === 'await_expression') { const s = sleepOf(ctx, n, depth); if (s) found.push(s); }
    else if (n.type === 'new_expression' && n.parent?.type !== 'await_expression') { const d = promiseTimeoutDelay(ctx, n); if (d !== undefined) found.push({ site: n, arg: d }); }
  }
  if (body.type === 'new_expression') { const d = promiseTimeoutDelay(ctx, body); if (d !== undefined) found.push({ site: body, arg: d }); }
  if (body.type === 'call_expression') {
    const f = unwrap(body.childForFieldName('function'));
    if (f && isTimersPromisesSetTimeout(ctx, f)) found.push({ site: body, arg: callArgs(body)[0] ?? null });
  }
  return found.length === 1 ? found[0] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The analysis

export function retryFindings(ctx: RuleContext): RetryFinding[] {
  return ctx.memo('retry', () => new RetryAnalysis(ctx).run());
}

interface DelayVerdict { kind: Kind | 'none'; sleep?: Sleep; zero?: boolean }

class RetryAnalysis {
  private out: RetryFinding[] = [];
  private idx: FileIndex;
  private cls: Classifier;

  constructor(private ctx: RuleContext) {
    this.idx = new FileIndex();
    this.cls = new Classifier(ctx, this.idx);
  }

  run(): RetryFinding[] {
    const loops = new Map<number, { loop: Node; tries: Node[] }>();
    for (const c of this.ctx.captures('retry.catch')) {
      const loop = this.ownerLoop(c);
      if (!loop) continue;
      const e = loops.get(loop.id);
      if (e) e.tries.push(c.parent!); else loops.set(loop.id, { loop, tries: [c.parent!] });
    }
    for (const { loop, tries } of loops.values()) this.checkLoop(loop, tries);
    this.checkRecursion();
    this.checkCatchChains();
    new LibraryChecks(this.ctx, this.cls, this.out).run();
    return this.out;
  }

  private report(rule: RetryRuleId, r: Report): void {
    this.out.push({ rule, report: { incidents: rule === BACKOFF_ID ? BACKOFF_INCIDENTS : JITTER_INCIDENTS, patterns: RETRY_PATTERNS, ...r } });
  }

  /** The loop a catch clause belongs to (nearest loop in the same function), if any. */
  private ownerLoop(catchClause: Node): Node | undefined {
    const tryStmt = catchClause.parent;
    for (let p = tryStmt?.parent ?? null; p; p = p.parent) {
      if (FUNCTION_TYPES.has(p.type)) return undefined;
      if (p.type === 'for_in_statement') return undefined; // loops over items (for..of / for..in)
      if (LOOP_TYPES.has(p.type)) return p;
    }
    return undefined;
  }

  // ---- loops ---------------------------------------------------------------------------------------------------

  /** `tries`: the try statements owned by this loop (not by a nested loop or function). */
  private checkLoop(loop: Node, tries: Node[]): void {
    const body = loop.childForFieldName('body');
    if (!body) return;
    const cond = unwrap(loop.childForFieldName('condition'));
    const retryTry = tries.find(t => this.isRetryTry(loop, body, t, cond));
    if (!retryTry) return;
    if (this.isItemLoop(loop, body, retryTry)) return;
    if (isSagaSupervisor(loop, retryTry)) return;

    const fnOfLoop = innermostFunction(loop);
    const counters = this.loopCounters(loop, body);
    const env: Env = { counters: new Set(counters.map(c => c.name)), depth: 0 };
    const verdict = this.loopDelay(loop, body, retryTry, fnOfLoop, env);
    if (!verdict) return;
    const increasing = counters.find(c => c.increasing)?.name;
    const unbounded = this.loopUnbounded(loop, body, cond, counters.map(c => c.name));
    const tail = unbounded ? ', and the loop has no attempt limit (it retries forever)' : '';
    this.reportDelay(verdict, increasing, tail, loop, retryTry, fnOfLoop, 'loop');
  }

  private reportDelay(verdict: DelayVerdict, counter: string | undefined, tail: string, loop: Node | null, retryTry: Node | null, fn: Node | null, where: 'loop' | 'recursion', rangeNode?: Node): void {
    const what = where === 'loop' ? 'in a loop' : 'by calling itself again';
    if (verdict.kind === 'none') {
      const range = rangeNode ? { start: rangeNode.startIndex, end: rangeNode.endIndex } : keywordRange(loop!);
      const fixes: Fix[] = [];
      if (where === 'loop' && counter && retryTry && fn && isAsync(fn)) {
        const f = this.insertSleepFix(retryTry, counter);
        if (f) fixes.push(f);
      }
      this.report(BACKOFF_ID, {
        ...range, messageId: 'noDelay', fixes,
        message: `Retried immediately ${what} with no delay: when the dependency fails, every client hammers it at once (a retry storm)${tail}`,
      });
      return;
    }
    const s = verdict.sleep!;
    const arg = s.helperCall ? null : s.arg;
    const rangeOf = s.helperCall ?? s.arg ?? s.site;
    const range = { start: rangeOf.startIndex, end: rangeOf.endIndex };
    if (verdict.kind === 'const') {
      const shown = (s.arg?.text ?? '').length <= 40 ? ` (\`${s.arg?.text}\`)` : '';
      const fixes: Fix[] = [];
      if (arg && counter) {
        const base = verdict.zero ? String(BASE_NONE) : par(arg);
        fixes.push({ title: `Use capped exponential backoff with full jitter (cap ${CAP} ms)`, safety: 'unsafe', isPreferred: true,
          edits: [replaceNodeEdit(arg, `Math.random() * Math.min(${CAP}, ${base} * 2 ** ${counter})`)] });
      }
      this.report(BACKOFF_ID, {
        ...range, messageId: verdict.zero ? 'noDelay' : 'constantDelay', fixes,
        message: verdict.zero
          ? `Retried ${what} with a zero delay${shown}: when the dependency fails, every client hammers it at once (a retry storm)${tail}`
          : `Retried ${what} after a constant delay${shown}: every client keeps retrying at the same fixed rate while the dependency is down, so the load never backs off (a retry storm)${tail}`,
      });
      return;
    }
    if (verdict.kind === 'exp' || verdict.kind === 'linear') {
      const fixes: Fix[] = arg ? [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(arg, `Math.random() * ${par(arg)}`)] }] : [];
      const grows = verdict.kind === 'exp' ? 'grows exponentially' : 'grows with the attempt';
      this.report(JITTER_ID, {
        ...range, messageId: 'noJitter', fixes,
        message: `The retry delay ${grows} but has no jitter: all clients that failed together retry in lockstep, in synchronized waves against the recovering dependency${tail}`,
      });
    }
  }

  private insertSleepFix(retryTry: Node, counter: string): Fix | undefined {
    const handler = retryTry.childForFieldName('handler');
    const block = handler?.childForFieldName('body');
    if (!block) return undefined;
    const stmt = `await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(${CAP}, ${BASE_NONE} * 2 ** ${counter})));`;
    const stmts = namedChildren(block).filter(s => s.type !== 'comment');
    let edit: TextEdit;
    const last = stmts[stmts.length - 1];
    if (!last) {
      edit = { start: block.startIndex, end: block.endIndex, text: `{ ${stmt} }` };
    } else if (last.type === 'continue_statement') {
      edit = insertBeforeSameLine(this.ctx, last, stmt);
    } else {
      edit = insertLineAfterEdit(last, stmt, this.ctx.lines);
    }
    return { title: `Wait with capped exponential backoff and full jitter before retrying (base ${BASE_NONE} ms, cap ${CAP} ms)`, safety: 'unsafe', isPreferred: true, edits: [edit] };
  }

  /** A try whose catch goes round again and whose success leaves the loop. */
  private isRetryTry(loop: Node, body: Node, t: Node, cond: Node | null): boolean {
    const block = t.childForFieldName('body');
    const handler = t.childForFieldName('handler');
    const cbody = handler?.childForFieldName('body');
    if (!block || !cbody) return false;
    // an async operation inside the try (an await, or a yield in generators/sagas)
    const awaits = this.idx.awaitsIn(block);
    if (!awaits.length) {
      // RULES.md: the loop "awaits/calls" an operation: a synchronous call retried after an awaited sleep in the
      // catch is a retry too (a sync loop with no wait at all stays out: it cannot be told from a parse loop)
      const sleeps = this.idx.awaitsIn(cbody).filter(a => sleepOf(this.ctx, a));
      if (!sleeps.length || !/[\w$)\]]\s*\(/.test(block.text)) return false;
    } else if (onlyLocalFs(awaits)) return false;
    // the catch must not leave the loop unconditionally
    const cstmts = namedChildren(cbody).filter(s => s.type !== 'comment');
    if (cstmts.some(s => s.type === 'throw_statement' || s.type === 'return_statement' || (s.type === 'break_statement' && !s.namedChild(0)) || isProcessExit(s))) return false;
    const catchContinues = cstmts.some(s => s.type === 'continue_statement');
    // success exit: unconditional return/break in the try, a `res.ok`-style check, a success flag in the loop
    // condition, or (when the catch `continue`s) a return/break after the try
    const tstmts = namedChildren(block).filter(s => s.type !== 'comment');
    if (tstmts.some(s => s.type === 'return_statement' || (s.type === 'break_statement' && !s.namedChild(0)) || isProcessExit(s))) return this.goesRoundAfter(body, t, catchContinues);
    for (const s of tstmts) {
      if (s.type !== 'if_statement') continue;
      const c = s.childForFieldName('condition');
      const cons = s.childForFieldName('consequence');
      if (!c || !cons || !/(\.ok\b|\.(status|statusCode)\s*(===?|<|>|<=|>=|!==?)\s*\d|\d\s*(===?|<|>|<=|>=)\s*\w+\.(status|statusCode)\b)/.test(c.text)) continue;
      if (exits(cons)) return this.goesRoundAfter(body, t, catchContinues);
    }
    if (cond) {
      for (const s of tstmts) {
        const e = s.type === 'expression_statement' ? unwrap(s.namedChild(0)) : null;
        const left = e?.type === 'assignment_expression' ? unwrap(e.childForFieldName('left')) : null;
        if (left?.type === 'identifier' && wordRe(left.text).test(cond.text)) return this.goesRoundAfter(body, t, catchContinues);
      }
    }
    if (catchContinues) {
      const after = statementsAfter(body, t);
      if (after.some(s => s.type === 'return_statement' || (s.type === 'break_statement' && !s.namedChild(0)))) return true;
    }
    void loop;
    return false;
  }

  /** After a failure, the loop goes round again: no unconditional exit follows the try in the loop body. */
  private goesRoundAfter(body: Node, t: Node, catchContinues: boolean): boolean {
    if (catchContinues) return true;
    return !statementsAfter(body, t).some(s => s.type === 'return_statement' || s.type === 'throw_statement' || (s.type === 'break_statement' && !s.namedChild(0)));
  }

  /** Loops that take a different item each time round (failover over a list, a queue): not a retry. */
  private isItemLoop(loop: Node, body: Node, t: Node): boolean {
    const block = t.childForFieldName('body')!;
    const counters = this.loopCounters(loop, body).map(c => c.name);
    for (const name of counters) {
      const re = new RegExp(`\\[\\s*${name.replace(/\$/g, '\\$')}\\s*\\]`);
      if (re.test(block.text)) return true;
    }
    const cbody = t.childForFieldName('handler')?.childForFieldName('body');
    for (const s of namedChildren(body)) {
      if (isSameNode(s, t) || (cbody && contains(s, cbody))) continue;
      if (/\.(shift|pop|next|splice|dequeue|take)\s*\(/.test(s.text)) return true;
    }
    if (/\.(shift|pop|next|dequeue)\s*\(/.test(block.text)) return true;
    const cond = loop.childForFieldName('condition');
    if (cond && /\.(shift|pop|next|dequeue)\s*\(/.test(cond.text)) return true;
    return false;
  }

  /** Attempt counters: `for (let i = 0; ...; i++)`, and identifiers incremented/decremented in the loop. */
  private loopCounters(loop: Node, body: Node): { name: string; increasing: boolean }[] {
    const out = new Map<string, boolean>();
    const consider = (w: Node) => {
      const k = counterWrite(w);
      if (k && !out.has(k.name)) out.set(k.name, k.increasing);
    };
    const inc = loop.childForFieldName('increment');
    const cond = loop.childForFieldName('condition');
    for (const w of this.idx.writesIn(loop)) {
      consider(w);
    }
    return [...out].map(([name, increasing]) => ({ name, increasing }));
  }

  private loopUnbounded(loop: Node, body: Node, cond: Node | null, counters: string[]): boolean {
    const c = cond && cond.type !== 'empty_statement' ? cond.text.replace(/^\(|\)$/g, '').trim() : '';
    const constantTrue = c === '' || c === 'true' || c === '1' || c === '!0';
    const mentions = (text: string) => counters.some(n => wordRe(n).test(text)) || /Date\.now|performance\.now|deadline|timeout|elapsed|aborted|signal|expires|until/i.test(text);
    if (!constantTrue) {
      if (mentions(c)) return false;
      // `while (!done)`: the condition is only the success flag
      const ids = c.match(/[A-Za-z_$][\w$]*/g) ?? [];
      const flagsOnly = ids.length > 0 && ids.every(id => this.assignedTrueInTry(body, id));
      if (!flagsOnly) return false;
    }
    // a bound checked inside the body: `if (++attempt > 5) throw err`, `if (attempt >= max) break`
    for (const s of findLocal(body, n => n.type === 'if_statement' || n.type === 'ternary_expression', false, 300)) {
      const t = s.childForFieldName('condition');
      if (t && mentions(t.text)) return false;
    }
    return true;
  }

  private assignedTrueInTry(body: Node, id: string): boolean {
    return this.idx.writesTo(id, body).length > 0;
  }

  private loopDelay(loop: Node, body: Node, retryTry: Node, fn: Node | null, env: Env): DelayVerdict | undefined {
    const block = retryTry.childForFieldName('body')!;
    const fnId = fn?.id;
    const sleeps: Sleep[] = [];
    let otherAwait = false;
    for (const a of this.idx.awaitsIn(body)) {
      const s = sleepOf(this.ctx, a);
      if (s) sleeps.push(s);
      else if (!contains(block, a)) otherAwait = true;
    }
    // also sleeps hidden in the loop condition/update? (`while (await retryAfter())`) -> unknown
    const cond = loop.childForFieldName('condition');
    if (cond && this.idx.awaitsIn(cond).length) return undefined;
    if (!sleeps.length) {
      if (otherAwait) return undefined; // something else is awaited between attempts: it may wait
      const handler = retryTry.childForFieldName('handler');
      if (handler && /\b(wait|sleep|delay|backoff|throttl|reconnect|limit|setTimeout|schedule)/i.test(handler.text)) return undefined;
      if (/\b(setTimeout|sleep|delay|backoff)\b/.test(statementsAfter(body, retryTry).map(s => s.text).join('\n'))) return undefined;
      return { kind: 'none' };
    }
    let best: DelayVerdict | undefined;
    for (const s of sleeps) {
      const e: Env = s.params ? { counters: new Set(), params: s.params, outer: env, depth: 1 } : env;
      const k = s.arg ? this.cls.expr(s.arg, e) : 'unknown';
      if (!best || RANK[k] > RANK[best.kind as Kind]) best = { kind: k, sleep: s };
    }
    if (!best || best.kind === 'unknown' || best.kind === 'jitter') return undefined;
    if (best.kind === 'const' && best.sleep?.arg && !best.sleep.helperCall && numberOf(this.ctx, best.sleep.arg) === 0) best.zero = true;
    return best;
  }

  // ---- recursion -----------------------------------------------------------------------------------------------

  /** Failure regions found from the text (cheap) then the tree: catch bodies, .catch/.then(_, f), error/close handlers, if (err). */
  private failureRegions(): Node[] {
    const { ctx } = this;
    const out: Node[] = [];
    for (const c of ctx.captures('retry.catch')) { const b = c.childForFieldName('body'); if (b) out.push(b); }
    const at = (offset: number) => ctx.root.descendantForIndex(offset, offset);
    const callOfProp = (offset: number): Node | undefined => {
      const prop = at(offset);
      const member = prop?.parent;
      const call = member?.parent;
      if (member?.type !== 'member_expression' || call?.type !== 'call_expression' || !isSameNode(call.childForFieldName('function'), member)) return undefined;
      return call;
    };
    const fnArg = (call: Node | undefined, i: number) => {
      const a = call ? unwrap(callArgs(call)[i]) : null;
      return a && FUNCTION_TYPES.has(a.type) ? a : undefined;
    };
    for (const m of ctx.matchAll(/\.\s*catch\s*\(/g)) {
      const f = fnArg(callOfProp(m.index! + m[0].indexOf('catch')), 0);
      if (f) out.push(f);
    }
    for (const m of ctx.matchAll(/\.\s*(on|once|addEventListener|addListener)\s*\(\s*['"`](error|close|end|disconnect|disconnected|exit|timeout|failed|failure)['"`]/gi)) {
      const f = fnArg(callOfProp(m.index! + m[0].indexOf(m[1])), 1);
      if (f) out.push(f);
    }
    for (const m of ctx.matchAll(/\.\s*on(error|close|end|disconnect)\s*=(?!=)/gi)) {
      const prop = at(m.index! + m[0].indexOf('on'));
      const asg = prop?.parent?.parent;
      const right = asg?.type === 'assignment_expression' ? unwrap(asg.childForFieldName('right')) : null;
      if (right && FUNCTION_TYPES.has(right.type)) out.push(right);
    }
    for (const m of ctx.matchAll(FAILED_STATUS)) {
      const ifs = failureStatusIf(at(m.index! + m[0].length - 1));
      const cons = ifs?.childForFieldName('consequence');
      if (cons) out.push(cons);
    }
    for (const m of ctx.matchAll(/\.\s*(on|once|addEventListener|addListener)\s*\(\s*['"`](error|close|end|disconnect|disconnected|exit|timeout|failed|failure)['"`]\s*,\s*([A-Za-z_$][\w$]*)\s*\)/gi)) {
      const ref = at(m.index! + m[0].lastIndexOf(m[3]));
      const f = ref?.type === 'identifier' ? sameFileFunction(ctx, ref, m[3]) : undefined;
      if (f) out.push(f);
    }
    // `.catch(onError)` / `.then(ok, onError)`: a same-file function passed by name as the rejection handler
    for (const m of ctx.matchAll(/\.\s*(?:catch\s*\(|then\s*\(\s*[A-Za-z_$][\w$.]*\s*,)\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
      const ref = at(m.index! + m[0].lastIndexOf(m[1]));
      const f = ref?.type === 'identifier' ? sameFileFunction(ctx, ref, m[1]) : undefined;
      if (f) out.push(f);
    }
    for (const m of ctx.matchAll(/\bif\s*\(\s*(err|error|e|er)\s*\)/g)) {
      const n = at(m.index!);
      const ifs = n?.type === 'if_statement' ? n : n?.parent?.type === 'if_statement' ? n.parent : null;
      const cons = ifs?.childForFieldName('consequence');
      if (cons) out.push(cons);
    }
    return out;
  }

  private checkRecursion(): void {
    const ctx = this.ctx;
    const regions = this.failureRegions();
    if (!regions.length) return;
    // candidate functions: a named function (declaration, `const f = () => ...`, method called as this.f) that
    // calls itself (or setTimeouts itself) from inside one of the failure regions
    const candidates = new Map<number, Node>();
    for (const region of regions) {
      // cheap text tests first: the region must call `this.x` or a name declared in this file...
      const rt0 = region.text;
      let maybe = rt0.includes('this.') || rt0.includes('yield*');
      if (!maybe) for (const m of rt0.matchAll(/([A-Za-z_$][\w$]*)\s*[(,)]/g)) if (ctx.facts.declarations.has(m[1])) { maybe = true; break; }
      if (!maybe) continue;
      // ...and mention the name of a function that encloses it (named function expressions: `function* f() {}`)
      const names: string[] = [];
      for (let p = region.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) { const nm = functionName(p); if (nm) names.push(nm); }
      if (!names.length) continue;
      const rt = region.text;
      if (!names.some(nm => rt.includes(nm))) continue;
      for (const call of findLocal(region, n => n.type === 'call_expression', true, 2000)) {
        const t = selfTarget(ctx, call);
        if (!t) continue;
        const f = enclosingNamed(call, t.name, t.isMethod);
        if (f && contains(f, region)) candidates.set(f.id, f);
      }
    }
    for (const fn of candidates.values()) {
      const name = functionName(fn);
      if (!name) continue;
      const isMethod = fn.type === 'method_definition';
      const sites: { call: Node; via: 'direct' | 'setTimeout'; timer?: Node }[] = [];
      for (const call of findLocal(fn, n => n.type === 'call_expression', true, 5000)) {
        const t = selfTarget(ctx, call);
        if (!t || t.name !== name || t.isMethod !== isMethod) continue;
        if (!isSameNode(enclosingNamed(call, name, isMethod), fn)) continue;
        sites.push({ call, via: t.viaTimer ? 'setTimeout' : 'direct', timer: t.viaTimer ? call : undefined });
      }
      if (sites.length) this.checkSelfCalls(fn, sites);
    }
  }

  private checkSelfCalls(fn: Node, sites: { call: Node; via: 'direct' | 'setTimeout'; timer?: Node }[]): void {
    // direct self-calls that sit inside a setTimeout callback are the same retry as the setTimeout
    const resolved: { call: Node; timer?: Node; path: FailurePath | null }[] = [];
    for (const s of sites) {
      let timer = s.timer;
      if (!timer) timer = this.enclosingTimer(s.call, fn);
      if (timer && resolved.some(r => r.timer && isSameNode(r.timer, timer))) continue;
      resolved.push({ call: s.call, timer, path: this.failurePath(s.timer ?? s.call, fn) });
    }
    if (!resolved.length) return;
    // polling / scheduling from a success path too: not a retry driven by failure
    if (resolved.some(r => !r.path)) return;
    // a retry re-issues the same operation: a self-call with other arguments (a fallback mode `f(x, false)`,
    // recursion on other data `mkdir(path.dirname(p))`) is not a retry
    if (!resolved.every(r => sameOperationArgs(fn, r.call, r.timer))) return;
    const counter = this.recursionCounter(fn, resolved.map(r => r.call));
    const recArgs = this.recursionArgs(fn, resolved.map(r => r.call));
    const env: Env = { counters: new Set(counter ? [counter.name] : []), recArgs, depth: 0 };
    const r = resolved[0];
    let verdict: DelayVerdict | undefined;
    let rangeNode: Node = r.call;
    if (r.timer) {
      const d = callArgs(r.timer)[1] ?? null;
      if (!d) verdict = { kind: 'none' };
      else {
        const k = this.cls.expr(d, env);
        verdict = { kind: k, sleep: { site: r.timer, arg: d } };
        if (k === 'const' && numberOf(this.ctx, d) === 0) verdict.zero = true;
      }
      rangeNode = r.timer;
    } else {
      const region = r.path!.region;
      const sleeps: Sleep[] = [];
      let other = false;
      for (const a of this.idx.awaitsIn(region)) {
        if (a.startIndex > r.call.startIndex) continue;
        const s = sleepOf(this.ctx, a);
        if (s) sleeps.push(s); else if (!contains(a, r.call)) other = true;
      }
      const thenSleep = this.thenOfSleep(r.call, region);
      if (thenSleep) sleeps.push(thenSleep);
      if (!sleeps.length) {
        if (other || /\b(wait|sleep|delay|backoff|throttl|setTimeout|schedule)/i.test(region.text.slice(0, r.call.startIndex - region.startIndex))) return;
        verdict = { kind: 'none' };
      } else {
        const s = sleeps[sleeps.length - 1];
        const e: Env = s.params ? { counters: new Set(), params: s.params, outer: env, depth: 1 } : env;
        const k = s.arg ? this.cls.expr(s.arg, e) : 'unknown';
        verdict = { kind: k, sleep: s };
        if (k === 'const' && s.arg && !s.helperCall && numberOf(this.ctx, s.arg) === 0) verdict.zero = true;
      }
    }
    if (!verdict || verdict.kind === 'unknown' || verdict.kind === 'jitter') return;
    // no recognised counter, but the failure path gives up first (`if (!left) throw err` before the self-call): the
    // bound lives in state we do not track (an object argument, a closure variable), so do not claim "forever"
    const givesUp = resolved.some(x => {
      const reg = x.path?.region;
      return !!reg && GIVES_UP.test(reg.text.slice(0, Math.max(0, x.call.startIndex - reg.startIndex)));
    });
    const unbounded = counter ? !this.counterChecked(fn, counter.name) : !givesUp;
    const tail = unbounded ? ', and nothing limits the number of attempts (it retries forever)' : '';
    const increasing = counter?.increasing ? counter.name : undefined;
    this.reportDelay(verdict, increasing, tail, null, null, fn, 'recursion', verdict.kind === 'none' ? rangeNode : undefined);
  }

  /** `setTimeout(() => f(), d)` around a self-call. */
  private enclosingTimer(call: Node, fn: Node): Node | undefined {
    const f = innermostFunction(call);
    if (!f || isSameNode(f, fn)) return undefined;
    const args = f.parent;
    const outer = args?.parent;
    if (args?.type === 'arguments' && outer?.type === 'call_expression' && isGlobalSetTimeout(this.ctx, outer.childForFieldName('function')) && isSameNode(callArgs(outer)[0], f)) return outer;
    return undefined;
  }

  /** `sleep(d).then(() => f())`: the sleep whose `.then` callback holds the self-call. */
  private thenOfSleep(call: Node, region: Node): Sleep | undefined {
    const f = innermostFunction(call);
    if (!f || !contains(region, f)) return undefined;
    const args = f.parent, outer = args?.parent;
    if (args?.type !== 'arguments' || outer?.type !== 'call_expression') return undefined;
    const callee = outer.childForFieldName('function');
    if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'then') return undefined;
    const obj = unwrap(callee.childForFieldName('object'));
    if (!obj) return undefined;
    // wrap as a fake await: sleepOf looks at namedChild(0) of its argument's parent
    const s = sleepOfExpr(this.ctx, obj);
    return s;
  }

  private failurePath(site: Node, fn: Node): FailurePath | null {
    for (let p: Node | null = site.parent, child: Node = site; p && !isSameNode(p, fn); child = p, p = p.parent) {
      if (p.type === 'catch_clause') return { region: p.childForFieldName('body') ?? p };
      if (FUNCTION_TYPES.has(p.type)) {
        const args = p.parent, call = args?.parent;
        if (args?.type === 'arguments' && call?.type === 'call_expression') {
          const callee = unwrap(call.childForFieldName('function'));
          const prop = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
          const a = callArgs(call);
          const i = a.findIndex(x => isSameNode(unwrap(x), p));
          if (prop === 'catch' && i === 0) return { region: p };
          if (prop === 'then' && i === 1) return { region: p };
          if ((prop === 'on' || prop === 'once' || prop === 'addEventListener' || prop === 'addListener') && i === 1) {
            const ev = stringValue(a[0]);
            if (ev && /^(error|close|end|disconnect|disconnected|exit|timeout|failed|failure)$/i.test(ev)) return { region: p };
            return null;
          }
        }
        if (args?.type === 'assignment_expression' || p.parent?.type === 'assignment_expression') {
          const left = (p.parent?.type === 'assignment_expression' ? p.parent : args)?.childForFieldName('left');
          const prop = left?.type === 'member_expression' ? left.childForFieldName('property')?.text : undefined;
          if (prop && /^on(error|close|end|disconnect)$/i.test(prop)) return { region: p };
        }
      }
      if (FUNCTION_TYPES.has(p.type) && namedFailureListener(p)) return { region: p };
      if (p.type === 'if_statement' && isSameNode(p.childForFieldName('consequence'), child)) {
        const c = unwrap(p.childForFieldName('condition'));
        if (c?.type === 'identifier' && /^(err|error|e|er)$/.test(c.text)) return { region: child };
        if (c && isFailedStatusTest(c)) return { region: child };
      }
    }
    return null;
  }

  private recursionCounter(fn: Node, calls: Node[]): { name: string; increasing: boolean } | undefined {
    const names = paramNames(fn);
    for (const call of calls) {
      const args = callArgs(call);
      for (let i = 0; i < names.length; i++) {
        const a = unwrap(args[i]);
        const p = names[i];
        if (!a || !p) continue;
        const t = a.text.replace(/\s+/g, '');
        if (t === `${p}+1` || t === `1+${p}` || t === `++${p}`) return { name: p, increasing: true };
        if (t === `${p}-1` || t === `--${p}` || t === `${p}--`) return { name: p, increasing: false };
      }
    }
    // a counter outside the function incremented inside it: `attempts++` then `connect()`
    for (const w of this.idx.writesIn(fn, true)) {
      if (w.type === 'assignment_expression') continue;
      const k = counterWrite(w);
      if (!k) continue;
      const d = visibleDecl(this.ctx, w, k.name);
      if (d && !contains(fn, d)) return k;
    }
    return undefined;
  }

  private recursionArgs(fn: Node, calls: Node[]): Map<string, Node[]> {
    const names = paramNames(fn);
    const m = new Map<string, Node[]>();
    for (const call of calls) {
      const args = callArgs(call);
      names.forEach((p, i) => { if (p && args[i]) { const l = m.get(p); if (l) l.push(args[i]); else m.set(p, [args[i]]); } });
    }
    return m;
  }

  private counterChecked(fn: Node, name: string): boolean {
    const re = wordRe(name);
    for (const n of findLocal(fn, x => x.type === 'if_statement' || x.type === 'ternary_expression' || x.type === 'binary_expression', true, 600)) {
      if (n.type === 'binary_expression') {
        const op = n.childForFieldName('operator')?.text ?? '';
        if (['<', '>', '<=', '>=', '===', '!==', '==', '!='].includes(op) && re.test(n.text)) return true;
        continue;
      }
      const c = n.childForFieldName('condition');
      if (c && re.test(c.text)) return true;
    }
    return false;
  }

  /** `op(x).catch(() => op(x))`: the same call issued again from its own `.catch`. */
  private checkCatchChains(): void {
    for (const m of this.ctx.matchAll(/\.\s*catch\s*\(/g)) {
      const prop = this.ctx.root.descendantForIndex(m.index! + m[0].indexOf('catch'), m.index! + m[0].indexOf('catch'));
      const callee = prop?.parent;
      const call = callee?.parent;
      if (callee?.type !== 'member_expression' || call?.type !== 'call_expression') continue;
      const first = unwrap(callee.childForFieldName('object'));
      if (first?.type !== 'call_expression') continue;
      const handler = unwrap(callArgs(call)[0]);
      if (!handler || !FUNCTION_TYPES.has(handler.type)) continue;
      const opText = first.text.replace(/\s+/g, '');
      if (opText.length > 300) continue;
      const hb = handler.childForFieldName('body');
      if (hb?.type === 'statement_block' && this.idx.awaitsIn(hb).some(a => !sleepOf(this.ctx, a))) continue;
      for (const r of returnExprs(handler)) {
        let e = unwrap(r);
        let sleep: Sleep | undefined;
        if (e?.type === 'await_expression') e = unwrap(e.namedChild(0));
        if (e?.type === 'call_expression') {
          // sleep(d).then(() => op())
          const c2 = unwrap(e.childForFieldName('function'));
          if (c2?.type === 'member_expression' && c2.childForFieldName('property')?.text === 'then') {
            const cb = unwrap(callArgs(e)[0]);
            const inner = cb && FUNCTION_TYPES.has(cb.type) ? returnExprs(cb)[0] : undefined;
            sleep = sleepOfExpr(this.ctx, unwrap(c2.childForFieldName('object'))!);
            if (sleep && inner) e = unwrap(inner);
          }
        }
        if (e?.type !== 'call_expression' || e.text.replace(/\s+/g, '') !== opText) continue;
        if (!sleep) {
          this.report(BACKOFF_ID, { start: e.startIndex, end: e.endIndex, messageId: 'noDelay', fixes: [],
            message: 'Retried immediately from its own `.catch()` with no delay: when the dependency fails, every client doubles its load on it at once (a retry storm)' });
        } else if (sleep.arg && this.cls.expr(sleep.arg, { counters: new Set(), depth: 0 }) === 'const') {
          this.report(BACKOFF_ID, { start: sleep.arg.startIndex, end: sleep.arg.endIndex, messageId: 'constantDelay', fixes: [],
            message: `Retried from its own \`.catch()\` after a constant delay (\`${sleep.arg.text}\`): every client retries at the same moment relative to the failure (a retry storm)` });
        }
      }
    }
  }
}

interface FailurePath { region: Node }

const ARITH = new Set(['+', '-', '*', '/', '<<', '**']);

/** The self-call passes each parameter through unchanged, or only counts/scales it (`n - 1`, `delay * 2`). */
function sameOperationArgs(fn: Node, call: Node, timer?: Node): boolean {
  // setTimeout(f, d) / setTimeout(this.f.bind(this), d): called with no arguments of ours
  if (timer && isSameNode(timer, call)) {
    const a0 = unwrap(callArgs(call)[0]);
    if (a0?.type === 'call_expression' || a0?.type === 'identifier' || a0?.type === 'member_expression') return true;
  }
  const names = paramNames(fn);
  const args = callArgs(call);
  for (let i = 0; i < args.length && i < names.length; i++) {
    const p = names[i];
    const a = unwrap(args[i]);
    if (!a || !p) continue;
    if (a.type === 'identifier') continue;
    if (a.type === 'update_expression') continue;
    if (a.type === 'binary_expression' && ARITH.has(a.childForFieldName('operator')?.text ?? '') && wordRe(p).test(a.text)) continue;
    if (a.type === 'call_expression' && /^Math\.(min|max)$/.test(a.childForFieldName('function')?.text ?? '') && wordRe(p).test(a.text)) continue;
    if (a.type === 'member_expression' || a.type === 'object' || a.type === 'spread_element') continue; // passed-through state
    return false;
  }
  return true;
}

/** Retrying a local filesystem call (Windows EBUSY/EPERM on rm/rename) cannot storm a shared dependency. */
const LOCAL_FS = /^(fs|fsp|fsPromises|fse|promises|rimraf|import_fs|fs_1|graceful_fs)$/;
const LOCAL_FS_OP = /^(rm|rmdir|unlink|rename|mkdir|copyFile|cp|writeFile|readFile|appendFile|access|stat|lstat|open|close|chmod|symlink|readdir|remove|move|copy|ensureDir|emptyDir)(Sync)?$/;
function onlyLocalFs(awaits: Node[]): boolean {
  let any = false;
  for (const a of awaits) {
    const c = unwrap(a.namedChild(0));
    if (c?.type !== 'call_expression') return false;
    const path = memberPath(c.childForFieldName('function'));
    if (!path) return false;
    const last = path[path.length - 1];
    if (!LOCAL_FS_OP.test(last) || !(path.length === 1 || path.slice(0, -1).some(seg => LOCAL_FS.test(seg)))) return false;
    any = true;
  }
  return any;
}

/** `x.status === 429`, `x.status >= 500`, `x.statusCode === 503`, `!x.ok`: a response that failed. */
const FAILED_STATUS = /\.(?:status|statusCode)\s*(?:===?\s*(?:408|429|5\d\d)|>=\s*5\d\d|>\s*(?:499|5\d\d))\b|!\s*[\w$.]+\.ok\b/g;
function isFailedStatusTest(c: Node): boolean {
  const e = unwrap(c);
  if (!e) return false;
  if (e.type === 'unary_expression') {
    const arg = unwrap(e.childForFieldName('argument'));
    return e.childForFieldName('operator')?.text === '!' && arg?.type === 'member_expression' && arg.childForFieldName('property')?.text === 'ok';
  }
  if (e.type !== 'binary_expression') return false;
  const op = e.childForFieldName('operator')?.text ?? '';
  const l = unwrap(e.childForFieldName('left')), r = numberValue(unwrap(e.childForFieldName('right')));
  if (l?.type !== 'member_expression' || !/^(status|statusCode)$/.test(l.childForFieldName('property')?.text ?? '') || r === undefined) return false;
  if (op === '===' || op === '==') return r === 408 || r === 429 || (r >= 500 && r <= 599);
  if (op === '>=') return r >= 500 && r <= 599;
  if (op === '>') return r >= 499 && r <= 599;
  return false;
}
/** The if statement whose condition is exactly a failed-status test containing `n` (a token of the match). */
/** `if (cond) throw …` / `if (cond) { return Promise.reject(…) }`: a conditional give-up in a failure path. */
const GIVES_UP = /\bif\s*\([^{};]*\)\s*(?:\{\s*)?(?:throw\b|return\s+(?:Promise\.)?reject\s*\()/;
function failureStatusIf(n: Node | null): Node | undefined {
  for (let p = n; p; p = p.parent) {
    if (p.type === 'if_statement') {
      const c = p.childForFieldName('condition');
      return c && isFailedStatusTest(c) ? p : undefined;
    }
    if (FUNCTION_TYPES.has(p.type) || p.type === 'statement_block') return undefined;
  }
  return undefined;
}
/** `const retry = () => ...; sock.addEventListener('close', retry)`: a named function registered for a failure event in its scope. */
function namedFailureListener(fn: Node): boolean {
  let name: Node | null, scope: Node | null | undefined;
  const d = fn.parent;
  if (fn.type === 'function_declaration') { name = fn.childForFieldName('name'); scope = fn.parent; }
  else if (d?.type === 'variable_declarator' && isSameNode(unwrap(d.childForFieldName('value')), fn)) { name = d.childForFieldName('name'); scope = d.parent?.parent; }
  else return false;
  if (name?.type !== 'identifier' || !scope) return false;
  const n = name.text.replace(/\$/g, '\\$');
  // `.on('close', f)` & co, and `.catch(f)` / `.then(ok, f)` (the rejection handler)
  const re = new RegExp(`\\.\\s*(?:(on|once|addEventListener|addListener)\\s*\\(\\s*['"\`](error|close|end|disconnect|disconnected|exit|timeout|failed|failure)['"\`]\\s*,|catch\\s*\\(|then\\s*\\(\\s*[A-Za-z_$][\\w$.]*\\s*,)\\s*${n}\\s*\\)`, 'i');
  return re.test(scope.text);
}

/** redux-saga keep-alive: `spawn(function* () { while (true) { try { yield call(saga); break } catch {} } })` restarts a watcher saga, not a request. */
function isSagaSupervisor(loop: Node, retryTry: Node): boolean {
  const g = innermostFunction(loop);
  if (g?.type !== 'generator_function') return false;
  const call = g.parent?.type === 'arguments' ? g.parent.parent : null;
  const callee = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')) : null;
  const name = callee?.type === 'identifier' ? callee.text : callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  if (name !== 'spawn') return false;
  const block = retryTry.childForFieldName('body');
  return !!block && /\byield\s+call\s*\(\s*[A-Za-z_$][\w$]*\s*\)/.test(block.text);
}

/** What a call re-invokes: `f(...)`, `this.f(...)`, or `setTimeout(f | this.f | this.f.bind(this) | () => ..., d)`. */
function selfTarget(ctx: RuleContext, call: Node): { name: string; isMethod: boolean; viaTimer: boolean } | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (!fn) return undefined;
  const direct = calleeName(fn);
  if (direct) {
    if (direct.name === 'setTimeout' && !direct.isMethod && isGlobalSetTimeout(ctx, fn)) {
      const t = calleeName(unwrap(callArgs(call)[0] ?? null));
      return t ? { ...t, viaTimer: true } : undefined;
    }
    return { ...direct, viaTimer: false };
  }
  return undefined;
}

function calleeName(c0: Node | null): { name: string; isMethod: boolean } | undefined {
  let c = c0;
  if (!c) return undefined;
  if (c.type === 'call_expression') {
    // this.f.bind(this)
    const f = unwrap(c.childForFieldName('function'));
    if (f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'bind') c = unwrap(f.childForFieldName('object'));
    else return undefined;
  }
  if (!c) return undefined;
  if (c.type === 'identifier') return { name: c.text, isMethod: false };
  if (c.type === 'member_expression' && unwrap(c.childForFieldName('object'))?.type === 'this') {
    const p = c.childForFieldName('property');
    return p ? { name: p.text, isMethod: true } : undefined;
  }
  return undefined;
}

/** Name of a function node: declaration name, `const name = () => ...`, method name. */
function functionName(fn: Node): string | undefined {
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration' || fn.type === 'method_definition') return fn.childForFieldName('name')?.text;
  const p = fn.parent;
  if (p?.type === 'variable_declarator' && unwrap(p.childForFieldName('value'))?.id === fn.id) {
    const n = p.childForFieldName('name');
    return n?.type === 'identifier' ? n.text : undefined;
  }
  if (fn.type === 'function_expression' || fn.type === 'function' || fn.type === 'generator_function') return fn.childForFieldName('name')?.text;
  return undefined;
}

/** The innermost enclosing function named `name` (a method when isMethod). */
function enclosingNamed(n: Node, name: string, isMethod: boolean): Node | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (!FUNCTION_TYPES.has(p.type)) continue;
    if ((p.type === 'method_definition') !== isMethod) continue;
    if (functionName(p) === name) return p;
  }
  return undefined;
}

function sleepOfExpr(ctx: RuleContext, expr: Node): Sleep | undefined {
  // sleepOf expects an await-like parent; emulate with a tiny adaptor
  const fake = { type: 'await_expression', namedChild: () => expr } as unknown as Node;
  const s = sleepOf(ctx, fake);
  if (s) s.site = expr;
  return s;
}

function isAsync(fn: Node): boolean {
  return /^async\b/.test(fn.text) || fn.firstChild?.text === 'async' || (fn.type === 'method_definition' && namedChildren(fn).length > 0 && fn.text.startsWith('async'));
}

function exits(stmt: Node): boolean {
  if (stmt.type === 'return_statement' || stmt.type === 'break_statement') return true;
  if (stmt.type === 'statement_block') return namedChildren(stmt).some(s => s.type === 'return_statement' || s.type === 'break_statement');
  return false;
}

/** `process.exit(...)` as a statement: in a startup script's wait loop it is how success leaves the loop. */
function isProcessExit(stmt: Node): boolean {
  return stmt.type === 'expression_statement' && /^process\s*\.\s*exit\s*\(/.test(stmt.text);
}

function statementsAfter(body: Node, t: Node): Node[] {
  // the statement of the loop body that contains t, then its following siblings
  const kids = body.type === 'statement_block' ? namedChildren(body) : [body];
  const i = kids.findIndex(k => contains(k, t));
  return i < 0 ? [] : kids.slice(i + 1).filter(k => k.type !== 'comment');
}

/** `i++`, `++i`, `i += 1`, `i = i + 1` -> increasing counter i; the `--` forms -> decreasing. */
function counterWrite(w: Node): { name: string; increasing: boolean } | undefined {
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

function insertBeforeSameLine(ctx: RuleContext, before: Node, stmt: string): TextEdit {
  const line = ctx.lines.pos(before.startIndex).line;
  const lineStart = ctx.lines.lineStart(line);
  const onlyThing = ctx.text.slice(lineStart, before.startIndex).trim() === '';
  if (onlyThing) {
    const indent = ctx.lines.indentAt(before.startIndex);
    return { start: lineStart, end: lineStart, text: `${indent}${stmt}\n` };
  }
  return { start: before.startIndex, end: before.startIndex, text: `${stmt} ` };
}

// ---------------------------------------------------------------------------------------------------------------
// Libraries

const RETRY_MODULES = /^(p-retry|async-retry|retry|axios-retry|exponential-backoff|rxjs|rxjs\/operators|rxjs\/(?:internal\/)?operators\/\w+|cockatiel|got|ky|@smithy\/util-retry|@aws-sdk\/util-retry)$/;
/** RxJS operators: `rxjs`, `rxjs/operators`, and the per-operator deep paths (`rxjs/operators/retry`, RxJS 5.5 / internal). */
const isRxOperatorModule = (m: string) => m === 'rxjs' || m === 'rxjs/operators' || /^rxjs\/(?:internal\/)?operators\/\w+$/.test(m);
const LIB_TEXT = /p-retry|async-retry|['"]retry['"]|axios-retry|exponential-backoff|rxjs|cockatiel|superagent|['"]got['"]|['"]ky['"]|util-retry/;

class LibraryChecks {
  constructor(private ctx: RuleContext, private cls: Classifier, private out: RetryFinding[]) {}

  private report(rule: RetryRuleId, r: Report): void {
    this.out.push({ rule, report: { incidents: rule === BACKOFF_ID ? BACKOFF_INCIDENTS : JITTER_INCIDENTS, patterns: RETRY_PATTERNS, ...r } });
  }

  run(): void {
    const { ctx } = this;
    if (!ctx.test(LIB_TEXT)) return;
    // only the calls that start with a local name bound to a retry library (found in the text, then the tree)
    const locals: string[] = [];
    let superagent = false;
    for (const [local, b] of ctx.facts.bindings) {
      if (RETRY_MODULES.test(b.module)) locals.push(local);
      if (b.module === 'superagent') superagent = true;
    }
    const seen = new Set<number>();
    const visitCall = (call: Node | null | undefined) => {
      if (!call || call.type !== 'call_expression' || seen.has(call.id)) return;
      seen.add(call.id);
      const fn = unwrap(call.childForFieldName('function'));
      if (!fn) return;
      const lib = this.libOf(fn);
      if (lib) this.dispatch(lib, call, fn);
      else if (superagent && fn.type === 'member_expression' && fn.childForFieldName('property')?.text === 'retry' && this.chainRoot(fn)) this.superagent(call, fn);
    };
    const at = (i: number) => ctx.root.descendantForIndex(i, i);
    for (const local of locals) {
      const re = new RegExp(`(?<![\\w$.])${local.replace(/\$/g, '\\$')}\\s*(\\.\\s*[\\w$]+\\s*)?\\(`, 'g');
      for (const m of ctx.matchAll(re)) {
        const id = at(m.index!);
        if (id?.type !== 'identifier') continue;
        const p = id.parent;
        if (p?.type === 'call_expression') visitCall(p);
        else if (p?.type === 'member_expression') visitCall(p.parent);
      }
      const reNew = new RegExp(`\\bnew\\s+${local.replace(/\$/g, '\\$')}\\s*\\(`, 'g');
      for (const m of ctx.matchAll(reNew)) {
        const n = at(m.index!)?.parent;
        if (n?.type !== 'new_expression') continue;
        const c = unwrap(n.childForFieldName('constructor'));
        const b = c?.type === 'identifier' ? ctx.facts.moduleOf(c) : undefined;
        if (b && /^@(smithy|aws-sdk)\/util-retry$/.test(b.module) && b.imported === 'ConfiguredRetryStrategy') this.awsConfigured(n);
      }
    }
    if (superagent) for (const m of ctx.matchAll(/\.\s*retry\s*\(/g)) {
      const prop = at(m.index! + m[0].indexOf('retry'));
      visitCall(prop?.parent?.parent);
    }
  }


  /** Which retry library function a callee is: 'p-retry', 'async-retry', 'retry.operation', ... */
  private libOf(fn: Node): string | undefined {
    const { facts } = this.ctx;
    let b, member: string | undefined;
    if (fn.type === 'identifier') {
      b = facts.moduleOf(fn);
      if (!b) return undefined;
      member = b.imported === 'default' || b.imported === '*' ? '' : b.imported.replace(/^default\./, '');
    } else if (fn.type === 'member_expression') {
      const obj = unwrap(fn.childForFieldName('object'));
      if (obj?.type !== 'identifier') return undefined;
      b = facts.moduleOf(obj);
      if (!b || (b.imported !== '*' && b.imported !== 'default')) return undefined;
      member = fn.childForFieldName('property')?.text;
      if (member === 'default') member = '';
    }
    if (!b || member === undefined) return undefined;
    const mod = b.module;
    if (mod === 'p-retry' && (member === '' || member === 'pRetry')) return 'p-retry';
    if (mod === 'async-retry' && member === '') return 'async-retry';
    if (mod === 'retry' && (member === 'operation' || member === 'timeouts')) return 'retry.' + member;
    if (mod === 'axios-retry' && (member === '' || member === 'axiosRetry')) return 'axios-retry';
    if (mod === 'exponential-backoff' && member === 'backOff') return 'exponential-backoff';
    if (isRxOperatorModule(mod) && (member === 'retry' || member === 'retryWhen')) return 'rxjs.' + member;
    if (mod === 'cockatiel' && member === 'retry') return 'cockatiel';
    if ((mod === 'got' || mod === 'ky') && (member === '' || ['get', 'post', 'put', 'patch', 'delete', 'head', 'extend', 'create'].includes(member))) return mod;
    return undefined;
  }

  private dispatch(lib: string, call: Node, fn: Node): void {
    switch (lib) {
      case 'p-retry': return this.nodeRetry(call, 1, 'p-retry');
      case 'retry.operation': case 'retry.timeouts': return this.nodeRetry(call, 0, 'retry');
      case 'async-retry': return this.asyncRetry(call);
      case 'axios-retry': return this.axiosRetry(call, fn);
      case 'exponential-backoff': return this.expBackoff(call);
      case 'rxjs.retry': return this.rxRetry(call);
      case 'rxjs.retryWhen': return this.rxRetryWhen(call);
      case 'cockatiel': return this.cockatiel(call);
      case 'got': case 'ky': return this.gotKy(call, lib);
    }
  }

  /** The options object at `index`: null = absent, undefined = opaque. */
  private options(call: Node, index: number): { arg: Node | null; obj: Node | null } | undefined {
    const arg = callArgs(call)[index] ?? null;
    const u = unwrap(arg);
    if (!arg || (u?.type === 'identifier' && u.text === 'undefined')) return { arg: null, obj: null };
    const obj = this.ctx.facts.resolveObject(arg);
    return obj ? { arg, obj } : undefined;
  }

  private prop(obj: Node | null, key: string): { kind: 'absent' } | { kind: 'unknown' } | { kind: 'present'; value: Node | null; pair: Node } {
    if (!obj) return { kind: 'absent' };
    return this.ctx.facts.lookupProp(obj, key);
  }

  private addOption(call: Node, o: { obj: Node | null }, index: number, prop: string): TextEdit | undefined {
    if (o.obj) return addPropertyEdit(o.obj, prop, this.ctx.text, this.ctx.lines);
    const args = callArgs(call);
    if (args.length < index) return undefined;
    if (args.length > index) return replaceNodeEdit(args[index], `{ ${prop} }`);
    return insertArgumentEdit(call, args.length ? args[args.length - 1] : null, `{ ${prop} }`);
  }

  /** p-retry and node-retry: randomize defaults to false; factor 1 or minTimeout == maxTimeout = constant. */
  private nodeRetry(call: Node, index: number, name: string): void {
    const o = this.options(call, index);
    if (!o) return;
    const retries = this.prop(o.obj, 'retries');
    if (retries.kind === 'unknown') return;
    if (retries.kind === 'present' && numberOf(this.ctx, retries.value) === 0) return;
    const factor = this.prop(o.obj, 'factor');
    const minT = this.prop(o.obj, 'minTimeout');
    const maxT = this.prop(o.obj, 'maxTimeout');
    const randomize = this.prop(o.obj, 'randomize');
    const forever = this.prop(o.obj, 'forever');
    const tail = forever.kind === 'present' && boolOf(this.ctx, forever.value) === true ? ', and `forever: true` never stops retrying' : '';
    const callee = call.childForFieldName('function')!.text;
    const minV = minT.kind === 'present' ? numberOf(this.ctx, minT.value) : 1000;
    const maxV = maxT.kind === 'present' ? numberOf(this.ctx, maxT.value) : Infinity;
    if (factor.kind === 'present' && numberOf(this.ctx, factor.value) === 1 && factor.pair.type === 'pair') {
      const edits: TextEdit[] = [replaceNodeEdit(factor.value!, '2')];
      if (randomize.kind === 'absent' && o.obj) edits.push(addPropertyEdit(o.obj, 'randomize: true', this.ctx.text, this.ctx.lines));
      return this.report(BACKOFF_ID, { start: factor.pair.startIndex, end: factor.pair.endIndex, messageId: 'libConstant',
        fixes: randomize.kind === 'unknown' ? [] : [{ title: 'Use exponential backoff (factor 2) with randomization', safety: 'unsafe', isPreferred: true, edits }],
        message: `\`${callee}\` with \`factor: 1\` waits the same delay before every retry: while the dependency is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
    }
    if (minV === 0 && (maxV === undefined || maxV !== Infinity || true) && minT.kind === 'present') {
      return this.report(BACKOFF_ID, { start: minT.pair.startIndex, end: minT.pair.endIndex, messageId: 'libNoDelay', fixes: [],
        message: `\`${callee}\` with \`minTimeout: 0\` retries immediately (every delay is 0): when the dependency fails, every client hammers it at once (a retry storm)${tail}` });
    }
    if (minV !== undefined && maxV !== undefined && minV === maxV && minT.kind === 'present') {
      return this.report(BACKOFF_ID, { start: minT.pair.startIndex, end: maxT.kind === 'present' ? Math.max(minT.pair.endIndex, maxT.pair.endIndex) : minT.pair.endIndex, messageId: 'libConstant', fixes: [],
        message: `\`${callee}\` with \`minTimeout\` equal to \`maxTimeout\` waits the same delay before every retry: the load on a failing dependency never backs off (a retry storm)${tail}` });
    }
    if (factor.kind === 'unknown' || minT.kind === 'unknown' || maxT.kind === 'unknown') return;
    if (randomize.kind === 'unknown') return;
    if (randomize.kind === 'present') {
      const v = boolOf(this.ctx, randomize.value);
      if (v !== false) return;
      return this.report(JITTER_ID, { start: randomize.pair.startIndex, end: randomize.pair.endIndex, messageId: 'libNoJitter',
        fixes: randomize.pair.type === 'pair' && randomize.value ? [{ title: 'Set `randomize: true`', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(randomize.value, 'true')] }] : [],
        message: `\`${callee}\` backs off exponentially but \`randomize: false\` means no jitter: all clients retry in lockstep${tail}` });
    }
    const edit = this.addOption(call, o, index, 'randomize: true');
    const range = o.arg ? { start: o.arg.startIndex, end: o.arg.endIndex } : callRange(this.ctx.lines, call);
    this.report(JITTER_ID, { ...range, messageId: 'libNoJitter',
      fixes: edit ? [{ title: 'Add `randomize: true`', safety: 'safe', isPreferred: true, edits: [edit] }] : [],
      message: `\`${callee}\` backs off exponentially but without jitter (${name}'s \`randomize\` defaults to false): all clients retry in lockstep${tail}` });
  }

  /** async-retry randomizes by default: only `randomize: false` or `factor: 1`. */
  private asyncRetry(call: Node): void {
    const o = this.options(call, 1);
    if (!o?.obj) return;
    const retries = this.prop(o.obj, 'retries');
    if (retries.kind === 'present' && numberOf(this.ctx, retries.value) === 0) return;
    const callee = call.childForFieldName('function')!.text;
    const factor = this.prop(o.obj, 'factor');
    if (factor.kind === 'present' && factor.pair.type === 'pair' && numberOf(this.ctx, factor.value) === 1) {
      return this.report(BACKOFF_ID, { start: factor.pair.startIndex, end: factor.pair.endIndex, messageId: 'libConstant',
        fixes: [{ title: 'Use exponential backoff (factor 2)', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(factor.value!, '2')] }],
        message: `\`${callee}\` with \`factor: 1\` waits about the same delay before every retry: the load on a failing dependency never backs off (a retry storm)` });
    }
    const randomize = this.prop(o.obj, 'randomize');
    if (randomize.kind === 'present' && randomize.pair.type === 'pair' && boolOf(this.ctx, randomize.value) === false) {
      this.report(JITTER_ID, { start: randomize.pair.startIndex, end: randomize.pair.endIndex, messageId: 'libNoJitter',
        fixes: [{ title: 'Set `randomize: true` (async-retry\'s default)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(randomize.value!, 'true')] }],
        message: `\`${callee}\` with \`randomize: false\` turns off async-retry's default jitter: all clients retry in lockstep` });
    }
  }

  /** axios-retry: the default `retryDelay` is no delay at all. */
  private axiosRetry(call: Node, fn: Node): void {
    const o = this.options(call, 1);
    if (!o) return;
    if (callArgs(call).length === 0) return;
    const retries = this.prop(o.obj, 'retries');
    if (retries.kind === 'unknown') return;
    if (retries.kind === 'present' && numberOf(this.ctx, retries.value) === 0) return;
    const rd = this.prop(o.obj, 'retryDelay');
    if (rd.kind === 'unknown') return;
    const head = fn.type === 'identifier' ? fn.text : unwrap(fn.childForFieldName('object'))?.text;
    if (rd.kind === 'absent') {
      const edit = this.addOption(call, o, 1, `retryDelay: ${head}.exponentialDelay`);
      const range = o.arg ? { start: o.arg.startIndex, end: o.arg.endIndex } : callRange(this.ctx.lines, call);
      return this.report(BACKOFF_ID, { ...range, messageId: 'libNoDelay',
        fixes: edit ? [{ title: `Add \`retryDelay: ${head}.exponentialDelay\``, safety: 'safe', isPreferred: true, edits: [edit] }] : [],
        message: 'axios-retry retries immediately by default (`retryDelay` is no delay): when the server fails, every client hammers it at once (a retry storm)' });
    }
    const v = unwrap(rd.value);
    if (!v || rd.pair.type !== 'pair') return;
    if (FUNCTION_TYPES.has(v.type)) {
      const names = paramNames(v);
      const env: Env = { counters: new Set(names[0] ? [names[0]] : []), depth: 0 };
      const rets = returnExprs(v);
      if (!rets.length) return;
      const k = combineAll(rets.map(r => this.cls.expr(r, env)));
      if (k === 'const') {
        return this.report(BACKOFF_ID, { start: v.startIndex, end: v.endIndex, messageId: 'libConstant',
          fixes: [{ title: `Use \`${head}.exponentialDelay\``, safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(v, `${head}.exponentialDelay`)] }],
          message: 'axios-retry `retryDelay` returns a constant: every client keeps retrying at the same fixed rate while the server is down (a retry storm)' });
      }
      if ((k === 'exp' || k === 'linear') && rets.length === 1 && v.childForFieldName('body')?.type !== 'statement_block') {
        const r = rets[0];
        return this.report(JITTER_ID, { start: r.startIndex, end: r.endIndex, messageId: 'libNoJitter',
          fixes: [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(r, `Math.random() * ${par(r)}`)] }],
          message: `axios-retry \`retryDelay\` ${k === 'exp' ? 'grows exponentially' : 'grows with the retry count'} but has no jitter: all clients retry in lockstep` });
      }
    }
  }

  /** exponential-backoff: `jitter` defaults to 'none'. */
  private expBackoff(call: Node): void {
    const o = this.options(call, 1);
    if (!o) return;
    const callee = call.childForFieldName('function')!.text;
    const n = this.prop(o.obj, 'numOfAttempts');
    if (n.kind === 'unknown') return;
    if (n.kind === 'present' && (numberOf(this.ctx, n.value) ?? 2) <= 1) return;
    const tm = this.prop(o.obj, 'timeMultiple');
    if (tm.kind === 'present' && tm.pair.type === 'pair' && numberOf(this.ctx, tm.value) === 1) {
      return this.report(BACKOFF_ID, { start: tm.pair.startIndex, end: tm.pair.endIndex, messageId: 'libConstant',
        fixes: [{ title: 'Use `timeMultiple: 2`', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(tm.value!, '2')] }],
        message: `\`${callee}\` with \`timeMultiple: 1\` waits the same delay before every retry: the load on a failing dependency never backs off (a retry storm)` });
    }
    const j = this.prop(o.obj, 'jitter');
    if (j.kind === 'unknown') return;
    if (j.kind === 'present') {
      const v = stringValue(this.ctx.facts.resolveValue(j.value));
      if (v !== 'none' || j.pair.type !== 'pair') return;
      return this.report(JITTER_ID, { start: j.pair.startIndex, end: j.pair.endIndex, messageId: 'libNoJitter',
        fixes: [{ title: "Set `jitter: 'full'`", safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(j.value!, "'full'")] }],
        message: `\`${callee}\` with \`jitter: 'none'\` backs off in lockstep: all clients retry at the same moments` });
    }
    const edit = this.addOption(call, o, 1, "jitter: 'full'");
    const range = o.arg ? { start: o.arg.startIndex, end: o.arg.endIndex } : callRange(this.ctx.lines, call);
    this.report(JITTER_ID, { ...range, messageId: 'libNoJitter',
      fixes: edit ? [{ title: "Add `jitter: 'full'`", safety: 'safe', isPreferred: true, edits: [edit] }] : [],
      message: `\`${callee}\` backs off exponentially but without jitter (exponential-backoff's \`jitter\` defaults to 'none'): all clients retry in lockstep` });
  }

  /** The local name of rxjs's `timer`, and the edit that imports it when needed. */
  private rxTimer(call: Node): { name: string; edits: TextEdit[] } | undefined {
    for (const [local, b] of this.ctx.facts.bindings) if (b.module === 'rxjs' && b.imported === 'timer') return { name: local, edits: [] };
    const imports = this.ctx.captures('import');
    const fromRxjs = imports.find(i => stringValue(i.childForFieldName('source')) === 'rxjs' && /\{/.test(i.text) && !/^import\s+type\b/.test(i.text));
    if (fromRxjs) { const e = addNamedImportEdit(fromRxjs, 'timer'); return e ? { name: 'timer', edits: [e] } : undefined; }
    const ops = imports.find(i => stringValue(i.childForFieldName('source')) === 'rxjs/operators');
    if (ops) return { name: 'timer', edits: [insertLineAfterEdit(ops, "import { timer } from 'rxjs';", this.ctx.lines)] };
    void call;
    return undefined;
  }

  private rxRetry(call: Node): void {
    const args = callArgs(call);
    const rangeCall = callRange(this.ctx.lines, call);
    const jitterFn = (t: string, base: string) => `delay: (_error, retryCount) => ${t}(Math.random() * Math.min(${CAP}, ${base} * 2 ** retryCount))`;
    const msgNone = (unb: boolean) => `RxJS \`retry\` without a \`delay\` resubscribes immediately after each error: when the server fails, every client hammers it at once (a retry storm)${unb ? ', and with no `count` it retries forever' : ''}`;
    if (args.length === 0) {
      const t = this.rxTimer(call);
      return this.report(BACKOFF_ID, { ...rangeCall, messageId: 'libNoDelay',
        fixes: t ? [{ title: 'Retry with capped exponential backoff and full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, insertArgumentEdit(call, null, `{ ${jitterFn(t.name, String(BASE_NONE))} }`)!] }] : [],
        message: msgNone(true) });
    }
    const a = args[0];
    const obj = this.ctx.facts.resolveObject(a);
    if (!obj) {
      const v = this.ctx.facts.resolveValue(a);
      const isCount = v?.type === 'number' || (unwrap(a)?.type === 'identifier' && UPPER.test(unwrap(a)!.text));
      if (!isCount) return;
      if (numberValue(v) === 0) return;
      const t = this.rxTimer(call);
      return this.report(BACKOFF_ID, { ...rangeCall, messageId: 'libNoDelay',
        fixes: t ? [{ title: 'Retry with capped exponential backoff and full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, replaceNodeEdit(a, `{ count: ${a.text}, ${jitterFn(t.name, String(BASE_NONE))} }`)] }] : [],
        message: msgNone(false) });
    }
    const count = this.prop(obj, 'count');
    const delay = this.prop(obj, 'delay');
    if (count.kind === 'unknown' || delay.kind === 'unknown') return;
    if (count.kind === 'present' && numberOf(this.ctx, count.value) === 0) return;
    const unb = count.kind === 'absent';
    const range = { start: a.startIndex, end: a.endIndex };
    if (delay.kind === 'absent') {
      const t = this.rxTimer(call);
      return this.report(BACKOFF_ID, { ...range, messageId: 'libNoDelay',
        fixes: t ? [{ title: 'Retry with capped exponential backoff and full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, addPropertyEdit(obj, jitterFn(t.name, String(BASE_NONE)), this.ctx.text, this.ctx.lines)] }] : [],
        message: msgNone(unb) });
    }
    const v = unwrap(delay.value);
    if (!v || delay.pair.type !== 'pair') return;
    const tail = unb ? ', and with no `count` it retries forever' : '';
    if (FUNCTION_TYPES.has(v.type)) {
      const names = paramNames(v);
      const env: Env = { counters: new Set(names[1] ? [names[1]] : []), depth: 0 };
      const rets = returnExprs(v);
      if (rets.length !== 1) return;
      const r = unwrap(rets[0]);
      if (r?.type !== 'call_expression') return;
      const tf = unwrap(r.childForFieldName('function'));
      const tb = tf?.type === 'identifier' ? this.ctx.facts.moduleOf(tf) : undefined;
      if (!tb || tb.module !== 'rxjs' || tb.imported !== 'timer') return;
      const d = callArgs(r)[0];
      if (!d || callArgs(r).length !== 1) return;
      const k = this.cls.expr(d, env);
      if (k === 'const') {
        return this.report(BACKOFF_ID, { start: d.startIndex, end: d.endIndex, messageId: 'libConstant', fixes: names[1] ? [{ title: 'Use capped exponential backoff with full jitter', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(d, `Math.random() * Math.min(${CAP}, ${par(d)} * 2 ** ${names[1]})`)] }] : [],
          message: `RxJS \`retry\` waits a constant delay (\`${d.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
      }
      if (k === 'exp' || k === 'linear') {
        return this.report(JITTER_ID, { start: d.startIndex, end: d.endIndex, messageId: 'libNoJitter',
          fixes: [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(d, `Math.random() * ${par(d)}`)] }],
          message: `RxJS \`retry\` delay ${k === 'exp' ? 'grows exponentially' : 'grows with the retry count'} but has no jitter: all clients retry in lockstep${tail}` });
      }
      return;
    }
    const k = this.cls.expr(v, { counters: new Set(), depth: 0 });
    if (k !== 'const') return;
    const t = this.rxTimer(call);
    this.report(BACKOFF_ID, { start: delay.pair.startIndex, end: delay.pair.endIndex, messageId: 'libConstant',
      fixes: t ? [{ title: 'Use capped exponential backoff with full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, replaceNodeEdit(delay.pair, jitterFn(t.name, par(v)))] }] : [],
      message: `RxJS \`retry\` waits a constant delay (\`${v.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
  }

  /** `retryWhen(errors => errors.pipe(delay(1000)))`: a constant delay. Anything more elaborate: silent. */
  private rxRetryWhen(call: Node): void {
    const f = unwrap(callArgs(call)[0]);
    if (!f || !FUNCTION_TYPES.has(f.type)) return;
    const rets = returnExprs(f);
    if (rets.length !== 1) return;
    const pipe = unwrap(rets[0]);
    if (pipe?.type !== 'call_expression') return;
    const pf = unwrap(pipe.childForFieldName('function'));
    if (pf?.type !== 'member_expression' || pf.childForFieldName('property')?.text !== 'pipe') return;
    let delayCall: Node | undefined, hasTake = false;
    for (const op of callArgs(pipe)) {
      const c = unwrap(op);
      const cf = c?.type === 'call_expression' ? unwrap(c.childForFieldName('function')) : null;
      const b = cf?.type === 'identifier' ? this.ctx.facts.moduleOf(cf) : undefined;
      if (!b || !isRxOperatorModule(b.module)) return;
      if (b.imported === 'delay') delayCall = c!;
      else if (b.imported === 'take') hasTake = true;
      else if (b.imported !== 'tap') return;
    }
    if (!delayCall) return;
    const d = callArgs(delayCall)[0];
    if (!d || this.cls.expr(d, { counters: new Set(), depth: 0 }) !== 'const') return;
    this.report(BACKOFF_ID, { start: delayCall.startIndex, end: delayCall.endIndex, messageId: 'libConstant', fixes: [],
      message: `RxJS \`retryWhen\` waits a constant delay (\`${d.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)${hasTake ? '' : ', and nothing limits the number of retries'}; use \`retry({ count, delay })\` with exponential backoff and jitter` });
  }

  /** cockatiel `retry(policy, opts)`: default backoff is ConstantBackoff(0) with unlimited attempts. */
  private cockatiel(call: Node): void {
    const o = this.options(call, 1);
    if (!o) return;
    const maxA = this.prop(o.obj, 'maxAttempts');
    const backoff = this.prop(o.obj, 'backoff');
    if (maxA.kind === 'unknown' || backoff.kind === 'unknown') return;
    if (maxA.kind === 'present' && numberOf(this.ctx, maxA.value) === 0) return;
    const tail = maxA.kind === 'absent' ? ', and without `maxAttempts` it retries forever' : '';
    const exp = this.cockatielName('ExponentialBackoff');
    if (backoff.kind === 'absent') {
      const edit = this.addOption(call, o, 1, `backoff: new ${exp.name}()`);
      const range = o.arg ? { start: o.arg.startIndex, end: o.arg.endIndex } : callRange(this.ctx.lines, call);
      return this.report(BACKOFF_ID, { ...range, messageId: 'libNoDelay',
        fixes: edit && exp.ok ? [{ title: 'Add `backoff: new ExponentialBackoff()` (decorrelated jitter)', safety: 'unsafe', isPreferred: true, edits: [...exp.edits, edit] }] : [],
        message: `cockatiel \`retry\` without a \`backoff\` retries immediately (its default is \`ConstantBackoff(0)\`): when the dependency fails, every client hammers it at once (a retry storm)${tail}` });
    }
    const v = unwrap(backoff.value);
    if (v?.type !== 'new_expression') return;
    const ctor = unwrap(v.childForFieldName('constructor'));
    const b = ctor?.type === 'identifier' ? this.ctx.facts.moduleOf(ctor) : undefined;
    if (!b || b.module !== 'cockatiel') return;
    if (b.imported === 'ConstantBackoff') {
      const d = v.childForFieldName('arguments')?.namedChild(0);
      return this.report(BACKOFF_ID, { start: v.startIndex, end: v.endIndex, messageId: 'libConstant',
        fixes: exp.ok ? [{ title: 'Use `new ExponentialBackoff()` (decorrelated jitter)', safety: 'unsafe', isPreferred: true, edits: [...exp.edits, replaceNodeEdit(v, d && numberOf(this.ctx, d) ? `new ${exp.name}({ initialDelay: ${d.text} })` : `new ${exp.name}()`)] }] : [],
        message: `cockatiel \`ConstantBackoff\` waits the same delay before every retry: while the dependency is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
    }
    if (b.imported === 'ExponentialBackoff') {
      const cfg = this.ctx.facts.resolveObject(v.childForFieldName('arguments')?.namedChild(0));
      if (!cfg) return;
      const g = this.prop(cfg, 'generator');
      if (g.kind !== 'present' || g.pair.type !== 'pair') return;
      const gv = unwrap(g.value);
      const gb = gv?.type === 'identifier' ? this.ctx.facts.moduleOf(gv) : undefined;
      if (gb?.module !== 'cockatiel' || gb.imported !== 'noJitterGenerator') return;
      const full = this.cockatielName('decorrelatedJitterGenerator');
      this.report(JITTER_ID, { start: g.pair.startIndex, end: g.pair.endIndex, messageId: 'libNoJitter',
        fixes: full.ok ? [{ title: 'Use `decorrelatedJitterGenerator` (cockatiel\'s default)', safety: 'safe', isPreferred: true, edits: [...full.edits, replaceNodeEdit(g.value!, full.name)] }] : [],
        message: 'cockatiel `ExponentialBackoff` with `noJitterGenerator` backs off without jitter: all clients retry in lockstep' });
    }
  }

  /** Local name of a cockatiel export, adding it to the cockatiel import when absent. */
  private cockatielName(name: string): { name: string; edits: TextEdit[]; ok: boolean } {
    for (const [local, b] of this.ctx.facts.bindings) if (b.module === 'cockatiel' && b.imported === name) return { name: local, edits: [], ok: true };
    const imp = this.ctx.captures('import').find(i => stringValue(i.childForFieldName('source')) === 'cockatiel' && /\{/.test(i.text));
    const e = imp ? addNamedImportEdit(imp, name) : undefined;
    return e ? { name, edits: [e], ok: true } : { name, edits: [], ok: false };
  }

  /** `request.get(url).retry(n)` from superagent: immediate re-issue, for every method. */
  private chainRoot(fn: Node): boolean {
    let n: Node | null = unwrap(fn.childForFieldName('object'));
    for (let i = 0; n && i < 20; i++) {
      if (n.type === 'call_expression') n = unwrap(n.childForFieldName('function'));
      else if (n.type === 'member_expression') n = unwrap(n.childForFieldName('object'));
      else break;
    }
    if (n?.type !== 'identifier') return false;
    let b = this.ctx.facts.moduleOf(n);
    if (!b) {
      // Babel output: `var _superagent2 = _interopRequireDefault(_superagent)`, then `_superagent2.default.get(url)`
      const d = visibleDecl(this.ctx, n, n.text);
      const v = d?.type === 'variable_declarator' ? unwrap(d.childForFieldName('value')) : null;
      const f = v?.type === 'call_expression' ? unwrap(v.childForFieldName('function')) : null;
      const inner = v && f?.type === 'identifier' && /^_interopRequire(Default|Wildcard)$/.test(f.text) && callArgs(v).length === 1 ? unwrap(callArgs(v)[0]) : null;
      if (inner?.type === 'identifier') b = this.ctx.facts.moduleOf(inner);
    }
    return !!b && b.module === 'superagent';
  }

  private superagent(call: Node, fn: Node): void {
    const a = callArgs(call)[0];
    if (a && numberOf(this.ctx, a) === 0) return;
    const prop = fn.childForFieldName('property')!;
    // superagent-retry-delay patches `.retry(count, delay, allowedStatuses)`: a constant delay is still no backoff;
    // a table of delays or anything else (superagent's own second argument is a callback) stays silent
    const d = callArgs(call)[1];
    if (d && !FUNCTION_TYPES.has(unwrap(d)?.type ?? '')) {
      if (this.cls.expr(d, { counters: new Set(), depth: 0 }) !== 'const' || unwrap(d)?.type === 'array') return;
      return this.report(BACKOFF_ID, { start: prop.startIndex, end: call.endIndex, messageId: 'libConstant', fixes: [],
        message: `superagent \`.retry()\` waits a constant delay (\`${d.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)` });
    }
    this.report(BACKOFF_ID, { start: prop.startIndex, end: call.endIndex, messageId: 'libNoDelay', fixes: [],
      message: 'superagent `.retry()` re-issues the request immediately with no delay (for every method, POST included): when the server fails, every client hammers it at once (a retry storm)' });
  }

  /** got / ky: fine by default; flag only an explicit constant `calculateDelay`/`delay` or `backoffLimit: 0`. */
  private gotKy(call: Node, lib: string): void {
    for (const arg of callArgs(call)) {
      const obj = this.ctx.facts.resolveObject(arg);
      if (!obj) continue;
      const r = this.prop(obj, 'retry');
      if (r.kind !== 'present') continue;
      const ro = this.ctx.facts.resolveObject(r.value);
      if (!ro) continue;
      const limit = this.prop(ro, 'limit');
      if (limit.kind === 'present' && numberOf(this.ctx, limit.value) === 0) continue;
      const bl = this.prop(ro, 'backoffLimit');
      if (bl.kind === 'present' && numberOf(this.ctx, bl.value) === 0) {
        this.report(BACKOFF_ID, { start: bl.pair.startIndex, end: bl.pair.endIndex, messageId: 'libNoDelay', fixes: [],
          message: `${lib} \`backoffLimit: 0\` caps every retry delay at 0: failed requests are retried immediately and every client hammers the server at once (a retry storm)` });
        continue;
      }
      const key = lib === 'got' ? 'calculateDelay' : 'delay';
      const cd = this.prop(ro, key);
      const f = cd.kind === 'present' ? unwrap(cd.value) : null;
      if (!f || !FUNCTION_TYPES.has(f.type)) continue;
      const rets = returnExprs(f);
      if (!rets.length || !rets.every(x => unwrap(x)?.type === 'number')) continue;
      if (rets.every(x => numberValue(x) === 0)) continue; // got: `return 0` = do not retry
      this.report(BACKOFF_ID, { start: f.startIndex, end: f.endIndex, messageId: 'libConstant', fixes: [],
        message: `${lib} \`retry.${key}\` returns a constant: every client keeps retrying at a fixed rate while the server is down (a retry storm), instead of ${lib}'s default exponential backoff` });
    }
  }

  /** AWS SDK v3 `new ConfiguredRetryStrategy(n, 1000)`: a constant backoff. */
  private awsConfigured(n: Node): void {
    const args = n.childForFieldName('arguments');
    const a = args ? namedChildren(args).filter(c => c.type !== 'comment') : [];
    const d = a[1];
    if (!d) return;
    const u = unwrap(d);
    let k: Kind;
    if (u && FUNCTION_TYPES.has(u.type)) {
      const names = paramNames(u);
      const rets = returnExprs(u);
      if (!rets.length) return;
      k = combineAll(rets.map(r => this.cls.expr(r, { counters: new Set(names[0] ? [names[0]] : []), depth: 0 })));
    } else k = numberOf(this.ctx, d) !== undefined ? 'const' : 'unknown';
    if (k !== 'const') return;
    this.report(BACKOFF_ID, { start: d.startIndex, end: d.endIndex, messageId: 'libConstant', fixes: [],
      message: '`ConfiguredRetryStrategy` with a constant delay replaces the AWS SDK\'s jittered exponential backoff: every client retries at a fixed rate while the service is throttling (a retry storm)' });
  }
}

// generic edit builders now live in core/edits (re-exported for existing imports)
export { addNamedImportEdit, insertLineAfterEdit } from '../core/edits';
import { addNamedImportEdit, insertLineAfterEdit } from '../core/edits';

// exported for tests
export { Classifier as _Classifier, keyName as _keyName };
