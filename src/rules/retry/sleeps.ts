/**
 * Sleeps: what an `await`/`yield` (or a `.then` receiver) waits for between attempts, and the delay expression it
 * waits: `sleep(ms)`-like names, `new Promise(r => setTimeout(r, ms))`, `setTimeout(ms)` from `timers/promises`,
 * the `delay` package, redux-saga `delay`/`call(delay, ms)`, and same-file helpers that do one of these.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { callArgs, memberPath, unwrap, FUNCTION_TYPES } from '../../core/ast';
import { SLEEP_NAME, findLocal, paramNames, sameFileFunction, wordRe } from './common';

export interface Sleep {
  /** The await/yield (or the call) that waits. */
  site: Node;
  /** The delay expression, when known; classified in `env`. */
  arg: Node | null;
  /** Set when the sleep is inside a same-file helper: param mapping from the call. */
  helperCall?: Node;
  params?: Map<string, Node | null>;
}

export /** `setTimeout(ms)` from timers/promises, and `scheduler.wait(ms)` (RULES v2 sleeps). */
function isTimersPromisesSetTimeout(ctx: RuleContext, fn: Node): boolean {
  if (fn.type === 'identifier') {
    const b = ctx.facts.moduleOf(fn);
    return !!b && /^(node:)?timers\/promises$/.test(b.module) && b.imported === 'setTimeout';
  }
  if (fn.type === 'member_expression') {
    const obj = unwrap(fn.childForFieldName('object'));
    const prop = fn.childForFieldName('property')?.text;
    if (obj?.type === 'identifier' && prop === 'wait') {
      // `scheduler.wait(ms)`: `import { scheduler } from 'node:timers/promises'`, or the global `scheduler` (Node 22+)
      if (obj.text !== 'scheduler') return false;
      const b = ctx.facts.moduleOf(obj);
      return b ? /^(node:)?timers\/promises$/.test(b.module) && b.imported === 'scheduler' : !ctx.facts.isShadowed(obj, 'scheduler');
    }
    if (prop !== 'setTimeout' || obj?.type !== 'identifier') return false;
    const b = ctx.facts.moduleOf(obj);
    return !!b && /^(node:)?timers\/promises$/.test(b.module) && (b.imported === '*' || b.imported === 'default');
  }
  return false;
}

export function isGlobalSetTimeout(ctx: RuleContext, fn: Node | null): boolean {
  const f = unwrap(fn);
  if (!f) return false;
  if (f.type === 'identifier') return f.text === 'setTimeout' && !ctx.facts.moduleOf(f) && !ctx.facts.isShadowed(f, 'setTimeout');
  const p = memberPath(f);
  return !!p && p.length === 2 && p[1] === 'setTimeout' && (p[0] === 'window' || p[0] === 'globalThis' || p[0] === 'global' || p[0] === 'self');
}

/** `new Promise(r => setTimeout(r, ms))` -> the `ms` node (null when absent). undefined = not such a promise. */
export function promiseTimeoutDelay(ctx: RuleContext, n: Node): Node | null | undefined {
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
export function sleepOf(ctx: RuleContext, awaitNode: Node, depth = 0): Sleep | undefined {
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
export function helperSleep(ctx: RuleContext, fn: Node, depth: number): Sleep | undefined {
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
  const sites = new Set(found.map(s => s.site.id)); // an expression body is found by both searches
  return sites.size === 1 ? found[0] : undefined;
}

export function sleepOfExpr(ctx: RuleContext, expr: Node): Sleep | undefined {
  // sleepOf expects an await-like parent; emulate with a tiny adaptor
  const fake = { type: 'await_expression', namedChild: () => expr } as unknown as Node;
  const s = sleepOf(ctx, fake);
  if (s) s.site = expr;
  return s;
}
