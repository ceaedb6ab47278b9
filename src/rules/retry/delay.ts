/**
 * Delay classification: an expression (the argument of a sleep, a library's delay function's return value) is
 * 'const', 'linear' or 'exp' (grows with the attempt), 'jitter' (any randomness in its computation) or 'unknown'.
 * Followed through same-file helpers, `const`s, every write to a `let`, parameters and recursion arguments.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { callArgs, memberPath, unwrap, contains, namedChildren } from '../../core/ast';
import { declarationScope } from '../../core/facts';
import {
  type Env, type Kind, FileIndex, combine, combineAll, branches, RANDOM_NAME, UPPER, COMBINING_CALLS, paramNames, paramOrigin,
  visibleDecl, sameFileFunction, returnExprs, innermostFunction,
} from './common';

/**
 * Calls the file cannot see into (an imported `computeBackoff(attempt)`): when `defer` is set, each is recorded and
 * classified as 'unknown', or as `assume` says once the project pass knows its callee's summary (./compose.ts).
 */
export interface Deferral { calls: Node[]; assume?: Map<number, Kind> }

export class Classifier {
  /** Set while classifying a verdict that may be completed in the project pass. */
  defer?: Deferral;
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
      // `const cfg = opts?.retry || {}`: an empty default for a configuration object (its fields are configuration)
      case 'object': return namedChildren(n).some(c => c.type !== 'comment') ? 'unknown' : 'const';
      case 'binary_expression': return this.binary(n, env, self);
      case 'ternary_expression':
        // RULES v2: a delay chosen by a conditional is judged by its growing branch
        return branches([this.expr(n.childForFieldName('consequence'), env, self), this.expr(n.childForFieldName('alternative'), env, self)]);
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
    // `res.headers.get('Retry-After')`, `parseRetryAfter(res)`: the server decides
    if (path.some(s => /retry.?after/i.test(s)) || (path[path.length - 1] === 'get' && /retry-?after/i.test(args[0]?.text ?? ''))) return 'server';
    if (joined === 'Math.pow') {
      const rk = this.expr(args[1], env, self);
      const lk = this.expr(args[0], env, self);
      if (rk === 'jitter' || lk === 'jitter') return 'jitter';
      if (rk === 'unknown' || lk === 'unknown') return 'unknown';
      return rk === 'linear' || rk === 'exp' ? 'exp' : lk;
    }
    if (COMBINING_CALLS.has(joined)) return combineAll(args.map(a => this.expr(a, env, self)));
    // `this.computeDelay(attempt)` / `this.#delayFor(n)`: a method of the enclosing class
    if (fn?.type === 'member_expression' && unwrap(fn.childForFieldName('object'))?.type === 'this' && env.depth < 4) {
      const m = classMethod(fn, fn.childForFieldName('property')?.text ?? '');
      if (m) return this.helperCall(m, args, env);
    }
    if (fn && fn.type === 'identifier' && env.depth < 4) {
      const helper = sameFileFunction(this.ctx, fn, fn.text);
      if (helper) return this.helperCall(helper, args, env);
    }
    // `calculateNextRetryDelay({ ...defaultRetryOptions, ...options.retry }, attempt)`: a delay computed from a config
    // whose visible defaults back off and turn jitter off grows without jitter, whatever computes it (tuning pass 3)
    if (/delay|backoff|timeout|wait|interval/i.test(path[path.length - 1]) && args.some(a => jitterOffDefaults(this.ctx, a))) return 'exp';
    if (this.defer && fn && this.ctx.refOf(fn)) {
      const assumed = this.defer.assume?.get(n.id);
      if (assumed) return assumed;
      if (!this.defer.calls.some(c => c.id === n.id)) this.defer.calls.push(n);
    }
    return 'unknown';
  }

  /** A same-file helper's return values, its parameters bound to the call's arguments (classified by the caller). */
  private helperCall(helper: Node, args: Node[], env: Env): Kind {
    const names = paramNames(helper);
    const params = new Map<string, Node | null>();
    names.forEach((p, i) => { if (p) params.set(p, args[i] ?? null); });
    const inner: Env = { counters: new Set(), params, outer: env, depth: env.depth + 1 };
    const rets = returnExprs(helper);
    if (!rets.length) return 'unknown';
    return branches(rets.map(r => this.expr(r, inner)));
  }

  private ident(n: Node, env: Env, self?: string): Kind {
    const name = n.text;
    if (env.params?.has(name)) {
      const arg = env.params.get(name);
      return arg ? this.expr(arg, env.outer!) : 'const'; // a default parameter value: constant
    }
    if (env.counters.has(name)) return 'linear';
    const known = env.known?.get(name);
    if (known) return known;
    if (self === name) return 'const';
    if (RANDOM_NAME.test(name)) return 'jitter';
    if (name === 'Infinity' || name === 'undefined' || name === 'NaN') return 'const';
    const decl = visibleDecl(this.ctx, n, name);
    const origin = paramOrigin(n, name);
    // a parameter declared closer than the variable shadows it
    if (origin && (!decl || origin.kind === 'catch' || (origin.kind === 'param' && contains(declarationScope(decl) ?? origin.fn, origin.fn)))) {
      if (origin.kind === 'catch') return 'server'; // err.retryAfter & co: decided by the server
      const rec = env.recArgs?.get(name);
      if (rec) return combineAll(rec.map(a => this.expr(a, { ...env, depth: env.depth + 1 }, name)));
      // a parameter rewritten in its function (`retryDelay = retryDelay * 2` after each failure) grows with it
      if (origin.kind === 'param' && env.depth < 4) {
        const kinds: Kind[] = ['const'];
        for (const w of this.idx.writesTo(name, origin.fn)) kinds.push(this.write(w, name, { ...env, depth: env.depth + 1 }));
        return branches(kinds);
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
      // `const { delayMs } = { ...DEFAULTS, ...opts }` / `= this.config`: a configuration value, constant unless the
      // object literal we can see computes it
      const obj = this.ctx.facts.resolveObject(value);
      if (obj) {
        const r = this.ctx.facts.lookupProp(obj, propertyFor(nameNode, name) ?? name);
        if (r.kind === 'present') return r.pair.type === 'pair' ? this.expr(r.value, sub) : 'const';
        return configSpreads(obj) ? 'const' : 'unknown';
      }
      const k = value ? this.expr(value, sub) : 'unknown';
      return k === 'const' ? 'const' : 'unknown';
    }
    if (nameNode?.type !== 'identifier') return 'unknown';
    const init: Kind = value ? this.expr(value, sub) : 'const';
    if (isConst) return init;
    // a `let`/`var`: every write to it in its scope is an alternative (delay *= 2, delay = Math.min(delay * 2, max))
    const scope = declarationScope(decl);
    const writes = scope ? this.idx.writesTo(name, scope) : [];
    // recursion: a variable declared in the re-called function starts again on every call (a counter reset on every
    // reconnect): its value between attempts is the same each time
    if (env.resetScope && scope && contains(env.resetScope, decl) && !writes.some(w => inLoopWithin(w, env.resetScope!))) {
      // bumped a bounded number of times per call (`attempt++`): as fixed as its initial value
      return branches([init, ...writes.map(w => selfUpdate(w, name) ? init : this.write(w, name, sub))]);
    }
    void ref;
    return branches([init, ...writes.map(w => this.write(w, name, sub))]);
  }

  private member(n: Node, env: Env, self?: string): Kind {
    const path = memberPath(n);
    if (!path) return 'unknown';
    if (RANDOM_NAME.test(path[path.length - 1])) return 'jitter';
    if (path.some(s => /retry.?after/i.test(s))) return 'server';
    const text = path.join('.');
    if (self && text === self) return 'const';
    if (env.counters.has(text)) return 'linear';
    const known = env.known?.get(text);
    if (known) return known;
    let scope: Node | null = null;
    if (path[0] === 'this') for (let p = n.parent; p && !scope; p = p.parent) { if (p.type === 'class_body') scope = p; }
    scope ??= innermostFunction(n) ?? this.ctx.root;
    const writes = this.idx.writesTo(text, scope);
    // recursion: `this.attempt = 0` as a statement of the re-called method resets it on every call
    if (env.resetScope && writes.some(w => resetsIn(w, env.resetScope!))) return 'const';
    const kind = branches(['const', ...writes.map(w => this.write(w, text, { ...env, depth: env.depth + 1 }))]);
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
      // `const cfg = { ...DEFAULTS, ...opts }; cfg.delayMs`: a configuration value
      if (configSpreads(obj)) return 'const';
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

/** The property a destructuring pattern reads into `local` (`{ delay: d }` -> 'delay', `{ delay }` -> 'delay'). */
function propertyFor(pattern: Node, local: string): string | undefined {
  for (const c of namedChildren(pattern)) {
    if (c.type === 'shorthand_property_identifier_pattern' && c.text === local) return local;
    if (c.type === 'object_assignment_pattern' && c.childForFieldName('left')?.text === local) return local;
    if (c.type === 'pair_pattern') {
      const v = c.childForFieldName('value');
      const target = v?.type === 'assignment_pattern' ? v.childForFieldName('left') : v;
      if (target?.text === local) return c.childForFieldName('key')?.text;
    }
  }
  return undefined;
}

/** An object literal made of literal values and spreads of identifiers or member paths: a configuration object. */
function configSpreads(obj: Node): boolean {
  for (const p of namedChildren(obj)) {
    if (p.type !== 'spread_element') continue;
    const v = unwrap(p.namedChild(0));
    const inner = v?.type === 'binary_expression' ? unwrap(v.childForFieldName('left')) : v; // `...(opts ?? {})`
    if (!inner || (inner.type !== 'identifier' && inner.type !== 'member_expression' && inner.type !== 'object')) return false;
  }
  return true;
}

/** `this.x = 0` as a statement of the function itself (not in a callback or loop): run on every call. */
function resetsIn(w: Node, fn: Node): boolean {
  if (w.type !== 'assignment_expression' || unwrap(w.childForFieldName('right'))?.type !== 'number') return false;
  if (!contains(fn, w) || innermostFunction(w)?.id !== fn.id) return false;
  if (inLoopWithin(w, fn)) return false;
  // it must run on every call before the failure (round 2): not on the success path (after an await in the `try`:
  // `try { await flush(); this.retries = 0 } catch { … }`), nor in a branch (`if (!this.retries) this.retries = 0`
  // only initialises it; `else { this.retries = 0 }` after giving up), nor in the failure path itself
  for (let child: Node = w, p = w.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (p.type === 'expression_statement' || p.type === 'parenthesized_expression' || p.type === 'sequence_expression') continue;
    if (p.type === 'statement_block') {
      const t = p.parent;
      if (t?.type === 'try_statement' && t.childForFieldName('body')?.id === p.id &&
        /\bawait\b/.test(p.text.slice(0, child.startIndex - p.startIndex))) return false;
      if (t && t.id !== fn.id && t.type !== 'try_statement') return false;
      continue;
    }
    if (p.type === 'try_statement') continue;
    return false;
  }
  return true;
}

function inLoopWithin(n: Node, fn: Node): boolean {
  for (let p = n.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement' || p.type === 'for_in_statement') return true;
  }
  return false;
}

/** A method of the class enclosing `at`, by name (`#private` names included). */
function classMethod(at: Node, name: string): Node | undefined {
  if (!name) return undefined;
  let body: Node | null = null;
  for (let p = at.parent; p && !body; p = p.parent) if (p.type === 'class_body') body = p;
  if (!body) return undefined;
  for (const m of namedChildren(body)) {
    if (m.type === 'method_definition' && m.childForFieldName('name')?.text === name) return m;
    if ((m.type === 'public_field_definition' || m.type === 'field_definition') && (m.childForFieldName('name') ?? m.childForFieldName('property'))?.text === name) {
      const v = unwrap(m.childForFieldName('value'));
      if (v && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function')) return v;
    }
  }
  return undefined;
}

/** `x++`, `x *= 2`, `x = x + 1`: a write that derives the new value from the old one. */
function selfUpdate(w: Node, name: string): boolean {
  if (w.type === 'update_expression' || w.type === 'augmented_assignment_expression') return true;
  const r = unwrap(w.childForFieldName('right'));
  return !!r && new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(r.text);
}

/** Keys that make a config a growing schedule: a factor above 1 or min/max timeouts. */
const GROW_KEYS = /^(minTimeout|maxTimeout|minTimeoutInMs|maxTimeoutInMs|initialDelay|baseDelay|maxDelay|minDelay|startingDelay)$/;
const FACTOR_KEYS = /^(factor|multiplier|timeMultiple|backoffMultiplier|exponent|backoffFactor)$/;

/**
 * A same-file retry config (an object literal, through `const`s and spreads of same-file consts) whose visible keys
 * back off (a factor above 1, or min/max timeouts) and set `randomize: false` / `jitter: false | 'none'`, with no
 * visible key turning it back on. Spreads we cannot see (the caller's overrides) do not clear it: the defaults are
 * what runs unless a caller says otherwise, as for a library default.
 */
export function jitterOffDefaults(ctx: RuleContext, arg: Node | null): boolean {
  const seen = new Map<string, Node | null>();
  const walk = (obj: Node, depth: number): void => {
    if (depth > 3) return;
    for (const c of namedChildren(obj)) {
      if (c.type === 'pair') { const k = c.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, ''); if (k) seen.set(k, unwrap(c.childForFieldName('value'))); }
      else if (c.type === 'spread_element') { const o = ctx.facts.resolveObject(c.namedChild(0)); if (o) walk(o, depth + 1); }
    }
  };
  const obj = ctx.facts.resolveObject(arg);
  if (!obj) return false;
  walk(obj, 0);
  let off = false;
  for (const k of ['randomize', 'jitter']) {
    const v = seen.get(k);
    if (!v) continue;
    if (v.type === 'false' || /^['"]none['"]$/.test(v.text)) off = true; else return false;
  }
  if (!off) return false;
  let grows = false;
  for (const [k, v] of seen) {
    if (FACTOR_KEYS.test(k)) { const f = v?.type === 'number' ? Number(v.text) : undefined; if (f !== undefined && f <= 1) return false; grows = true; }
    if (GROW_KEYS.test(k)) grows = true;
  }
  return grows;
}
