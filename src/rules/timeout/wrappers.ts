/**
 * missing-timeout, part 5: project wrappers (RULES.md v2). A function that forwards one of its parameters into the
 * options of a client call (`fetch(url, { ...init, headers })`, `signal: opts.signal`, `axios.get(url, config)`),
 * or into another such wrapper, without adding a timeout, is judged like the call it wraps: the wrapper itself is
 * not flagged (its options are the caller's), and each call through it that passes no timeout is flagged at that
 * call. Works through the project layer: a per-function summary (`timeout-wrapper`) recorded while the tree is
 * alive, a pending finding per call that may go through a wrapper, settled by `settleWrapperCall` with the callee's
 * summary (in any file, through wrapper chains). Unknown stays unknown: an options argument we cannot see, or a
 * callee we cannot resolve, is not a finding.
 */
import * as path from 'path';
import { builtinModules } from 'module';
import type { Node } from '../../core/parser';
import type { FileSymbols, ProjectView, Ref, RuleContext, SymbolFunctionInfo } from '../../core/rule';
import type { Finding, TextEdit } from '../../core/types';
import { callArgs, callRange, keyName, namedChildren, unwrap } from '../../core/ast';
import { addPropertyEdit, insertArgumentEdit } from '../../core/edits';
import { refText } from '../../core/symbols';
import { classify, type Target } from './classify';
import { isDisablingValue, isUndefinedValue } from './common';
import { browserOnly, isBrowserUrl, isUseClientFile, inReactClientCode, skipBrowser } from './browser';
import { AXIOS_DEFAULTS_FACT, axiosConfigIndex, boundedByWrapper, gotOptionsIndex, httpOptionsIndex } from './http-clients';

export const WRAPPER_KEY = 'timeout-wrapper';

// ------------------------------------------------------------------------------------------------ shapes (JSON)

/** Where a value comes from, relative to the enclosing function's parameters. */
type Val = 'undef' | 'set' | 'off' | { p: number; key?: string; ms?: boolean };
/** An options argument, relative to the enclosing function's parameters. */
type Shape =
  | { s: 'absent' }
  | { s: 'opaque' }
  | { s: 'param'; p: number }
  | { s: 'obj'; spreads: number[]; unknown?: boolean; keys: Record<string, Val> };

/** What the wrapped call needs from a call through the wrapper: a key in the options at `p`, or `p` itself. */
export interface Req {
  p: number;
  /** Any of these keys, set and not undefined, in argument p. Absent: argument p itself must be passed. */
  keys?: string[];
  /** The `key: value` (or, for `keys` absent, the value) a fix adds; absent = no fix. */
  fix?: { key?: string; value: 'signal' | 'ms' | 'got' };
}

/** One client call (or call through another wrapper) in a function, and how its options come from the parameters. */
interface Entry {
  /** the wrapped library call (`fetch`, `axios.get`) or, for `via`, the inner wrapper's callee text */
  lib: string;
  line: number; column: number; endLine: number; endColumn: number;
  /** a library call: the requirement is known */
  req?: Req;
  /** a call through another function: its arguments' shapes, judged against that function's requirement */
  via?: { ref: Ref; cls?: string; args: Shape[] };
  /** the parameter passed through as the URL (a relative URL at the call site means browser code) */
  urlParam?: number;
  unless?: string[];
}

export interface WrapperFact { entries: Entry[] }

/** An argument at a call site. */
type ArgState =
  | { s: 'absent' }
  | { s: 'undef'; start: number; end: number }
  | { s: 'opaque' }
  | { s: 'obj'; keys: Record<string, 'set' | 'undef' | 'off'>; unknown?: boolean; add?: TextEdit; undefPairs?: Record<string, [number, number]> };

/** The pending data of a call that may go through a wrapper. */
interface Pending {
  kind: 'wrapper-call';
  ref: Ref;
  cls?: string;
  callee: string;
  args: ArgState[];
  browserUrl: boolean[];
  /** where an absent argument is inserted (after the last one), and how many arguments there are */
  tail?: TextEdit;
  n: number;
  ms: number;
}

const MAX_ARGS = 4;
const MAX_KEYS = 16;

// ------------------------------------------------------------------------------------------------ parameters

/** A name bound by parameter p: the parameter, one of its keys (destructured), its rest, or with a default value. */
interface ParamRef { p: number; key?: string; rest?: boolean; dflt?: boolean }

/** Parameter names of a function: `url` -> {p}, `{ signal, ...init }` -> signal {p, key}, init {p, rest}. */
function paramsOf(fn: Node): Map<string, ParamRef> {
  const out = new Map<string, ParamRef>();
  const ps = fn.childForFieldName('parameters');
  const list = ps ? namedChildren(ps).filter(p => p.type !== 'comment') : fn.childForFieldName('parameter') ? [fn.childForFieldName('parameter')!] : [];
  list.forEach((p0, i) => {
    let pat: Node | null = p0.childForFieldName('pattern') ?? p0;
    let dflt = false;
    if (pat.type === 'assignment_pattern') { dflt = !isUndefinedText(pat.childForFieldName('right')); pat = pat.childForFieldName('left'); }
    else if (p0.childForFieldName('value')) dflt = !isUndefinedText(p0.childForFieldName('value'));
    if (!pat) return;
    if (pat.type === 'identifier') { out.set(pat.text, { p: i, dflt }); return; }
    if (pat.type !== 'object_pattern') return;
    for (const e of namedChildren(pat)) {
      if (e.type === 'shorthand_property_identifier_pattern') out.set(e.text, { p: i, key: e.text });
      else if (e.type === 'object_assignment_pattern') {
        const l = e.childForFieldName('left');
        if (l?.type === 'shorthand_property_identifier_pattern') out.set(l.text, { p: i, key: l.text, dflt: !isUndefinedText(e.childForFieldName('right')) });
      } else if (e.type === 'pair_pattern') {
        const k = keyName(e.childForFieldName('key'));
        let v = e.childForFieldName('value');
        let d = false;
        if (v?.type === 'assignment_pattern') { d = !isUndefinedText(v.childForFieldName('right')); v = v.childForFieldName('left'); }
        if (k && v?.type === 'identifier') out.set(v.text, { p: i, key: k, dflt: d });
      } else if (e.type === 'rest_pattern') {
        const id = e.namedChild(0);
        if (id?.type === 'identifier') out.set(id.text, { p: i, rest: true });
      }
    }
  });
  // `const { url, signal, ...init } = opts;` at the top of the body: names bound by a parameter's keys
  const body = fn.childForFieldName('body');
  if (body?.type === 'statement_block') {
    for (const st of namedChildren(body).slice(0, 12)) {
      if (st.type !== 'lexical_declaration' && st.type !== 'variable_declaration') continue;
      for (const d of namedChildren(st)) {
        const pat = d.type === 'variable_declarator' ? d.childForFieldName('name') : null;
        const src = unwrap(d.childForFieldName('value'));
        const pr = src?.type === 'identifier' ? out.get(src.text) : undefined;
        if (pat?.type !== 'object_pattern' || !pr || pr.key || pr.rest) continue;
        for (const e of namedChildren(pat)) {
          if (e.type === 'shorthand_property_identifier_pattern' && !out.has(e.text)) out.set(e.text, { p: pr.p, key: e.text });
          else if (e.type === 'object_assignment_pattern') {
            const l = e.childForFieldName('left');
            if (l?.type === 'shorthand_property_identifier_pattern') out.set(l.text, { p: pr.p, key: l.text, dflt: !isUndefinedText(e.childForFieldName('right')) });
          } else if (e.type === 'pair_pattern') {
            const k = keyName(e.childForFieldName('key'));
            const v = e.childForFieldName('value');
            if (k && v?.type === 'identifier') out.set(v.text, { p: pr.p, key: k });
          } else if (e.type === 'rest_pattern') {
            const id = e.namedChild(0);
            if (id?.type === 'identifier') out.set(id.text, { p: pr.p, rest: true });
          }
        }
      }
    }
  }
  return out;
}

function isUndefinedText(n: Node | null): boolean { return !n || n.text === 'undefined' || n.text === 'void 0'; }

/** `x`, `x ?? {}`, `x || {}`, `x!`: the parameter it names. */
function paramOf(v: Node | null | undefined, params: Map<string, ParamRef>): ParamRef | undefined {
  const n = unwrap(v);
  if (!n) return undefined;
  if (n.type === 'identifier') return params.get(n.text);
  if (n.type === 'binary_expression' && /^(\?\?|\|\|)$/.test(n.childForFieldName('operator')?.text ?? '')) {
    const r = unwrap(n.childForFieldName('right'));
    if (r?.type === 'object' && namedChildren(r).length === 0) return paramOf(n.childForFieldName('left'), params);
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ shapes

/** How a value in the wrapped call's options depends on the parameters. */
function valShape(ctx: RuleContext, v0: Node | null | undefined, params: Map<string, ParamRef>, depth = 0): Val {
  const v = unwrap(v0);
  if (!v || depth > 4) return 'set';
  if (isUndefinedValue(ctx, v)) return 'undef';
  if (v.type === 'identifier' || v.type === 'shorthand_property_identifier') {
    const pr = params.get(v.text);
    if (pr && pr.dflt) return 'set';
    if (pr && !pr.rest) return pr.key ? { p: pr.p, key: pr.key } : { p: pr.p };
    const d = ctx.facts.constDeclarator(v.text, v);
    const init = d?.childForFieldName('name')?.type === 'identifier' ? d.childForFieldName('value') : null;
    return init ? valShape(ctx, init, params, depth + 1) : 'set';
  }
  if (v.type === 'member_expression') {
    // opts.signal, opts?.signal
    const obj = unwrap(v.childForFieldName('object'));
    const key = v.childForFieldName('property')?.text;
    const pr = obj?.type === 'identifier' ? params.get(obj.text) : undefined;
    if (pr && key && !pr.key) return { p: pr.p, key };
    return 'set';
  }
  if (v.type === 'binary_expression') {
    const op = v.childForFieldName('operator')?.text;
    if (op === '??' || op === '||') {
      const right = valShape(ctx, v.childForFieldName('right'), params, depth + 1);
      // `opts.signal ?? AbortSignal.timeout(5000)`: bounded whatever the caller passes
      if (right === 'set') return 'set';
      return valShape(ctx, v.childForFieldName('left'), params, depth + 1);
    }
    return 'set';
  }
  if (v.type === 'ternary_expression') {
    // `timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined`: set only when the caller passes the condition
    const a = valShape(ctx, v.childForFieldName('consequence'), params, depth + 1);
    const b = valShape(ctx, v.childForFieldName('alternative'), params, depth + 1);
    if ((a === 'undef') === (b === 'undef')) return a === 'undef' ? 'undef' : 'set';
    const cond = unwrap(v.childForFieldName('condition'));
    const c = cond ? valShape(ctx, cond, params, depth + 1) : 'set';
    if (typeof c !== 'object') return 'set';
    const setBranch = a === 'undef' ? v.childForFieldName('alternative') : v.childForFieldName('consequence');
    return { ...c, ms: /AbortSignal\.timeout\s*\(/.test(setBranch?.text ?? '') };
  }
  if (isDisablingValue(ctx, v)) return 'off';
  return 'set';
}

/** The shape of an options argument of a call inside a function, relative to its parameters. */
function argShape(ctx: RuleContext, arg: Node | null | undefined, params: Map<string, ParamRef>, depth = 0): Shape {
  const n = unwrap(arg);
  if (!n || isUndefinedValue(ctx, n)) return { s: 'absent' };
  const pr = paramOf(n, params);
  if (pr) return pr.key ? { s: 'opaque' } : { s: 'param', p: pr.p };
  let obj = n.type === 'object' ? n : null;
  if (!obj && n.type === 'identifier') {
    const d = ctx.facts.constDeclarator(n.text, n);
    const init = unwrap(d?.childForFieldName('name')?.type === 'identifier' ? d.childForFieldName('value') : null);
    if (init && depth < 3) return argShape(ctx, init, params, depth + 1);
  }
  if (!obj) return { s: 'opaque' };
  const out: Shape = { s: 'obj', spreads: [], keys: {} };
  for (const p of namedChildren(obj)) {
    if (p.type === 'spread_element') {
      const inner = unwrap(p.namedChild(0));
      const spr = paramOf(inner, params);
      if (spr) { if (spr.key) out.unknown = true; else out.spreads.push(spr.p); continue; }
      const sub = inner && depth < 3 ? argShape(ctx, inner, params, depth + 1) : { s: 'opaque' as const };
      if (sub.s === 'obj') { out.spreads.push(...sub.spreads); Object.assign(out.keys, sub.keys); if (sub.unknown) out.unknown = true; }
      else if (sub.s === 'param') out.spreads.push(sub.p);
      else if (sub.s !== 'absent') out.unknown = true;
      continue;
    }
    const key = p.type === 'pair' ? keyName(p.childForFieldName('key')) : p.type === 'shorthand_property_identifier' ? p.text : p.type === 'method_definition' ? keyName(p.childForFieldName('name')) : undefined;
    if (key === undefined) { if (p.type === 'pair') out.unknown = true; continue; }
    if (Object.keys(out.keys).length >= MAX_KEYS && !(key in out.keys)) continue;
    out.keys[key] = p.type === 'pair' ? valShape(ctx, p.childForFieldName('value'), params) : p.type === 'shorthand_property_identifier' ? valShape(ctx, p, params) : 'set';
  }
  return out;
}

/**
 * The requirement a call's options shape puts on the enclosing function's callers, given the keys that bound the
 * wrapped call: 'bounded' (a timeout is set whatever the caller passes), 'none' (the caller cannot add one: the
 * wrapped call is judged where it is), 'unknown', or a Req.
 */
function reqOf(shape: Shape, keys: string[], fix: Req['fix']): Req | 'bounded' | 'none' | 'unknown' {
  if (shape.s === 'absent') return 'none';
  if (shape.s === 'opaque') return 'unknown';
  if (shape.s === 'param') return { p: shape.p, keys, fix };
  for (const k of keys) {
    const v = shape.keys[k];
    if (v === undefined || v === 'undef') continue;
    if (v === 'set') return 'bounded';
    if (v === 'off') return 'none';
    if (v.key) return { p: v.p, keys: [v.key], fix: { key: v.key, value: v.ms ? 'ms' : k === 'signal' ? 'signal' : fix?.value ?? 'ms' } };
    return { p: v.p, fix: { value: v.ms ? 'ms' : k === 'signal' ? 'signal' : fix?.value ?? 'ms' } };
  }
  if (shape.spreads.length) return { p: shape.spreads[shape.spreads.length - 1], keys, fix };
  return shape.unknown ? 'unknown' : 'none';
}

// ------------------------------------------------------------------------------------------------ library calls

/** The options argument and the keys that bound a classified client call (undefined: not a wrapper candidate). */
function libOptions(ctx: RuleContext, t: Target): { arg: Node | null; keys: string[]; fix: NonNullable<Req['fix']>; unless?: string[] } | undefined {
  // fetch and undici read the second argument only (a call with 25,000 arguments is not listed whole)
  const args = callArgs(t.call, t.kind === 'fetch' || t.kind === 'undici-request' ? 2 : Infinity);
  switch (t.kind) {
    case 'fetch': return { arg: args[1] ?? null, keys: t.module === 'node-fetch' ? ['signal', 'dispatcher', 'timeout'] : ['signal', 'dispatcher'], fix: { key: 'signal', value: 'signal' } };
    case 'axios': return args.length ? { arg: args[axiosConfigIndex(t, args)] ?? null, keys: ['timeout', 'signal', 'cancelToken'], fix: { key: 'timeout', value: 'ms' }, unless: [AXIOS_DEFAULTS_FACT] } : undefined;
    case 'undici-request': return { arg: args[1] ?? null, keys: ['signal', 'headersTimeout', 'bodyTimeout', 'dispatcher'], fix: { key: 'signal', value: 'signal' } };
    case 'got': return args.length ? { arg: args[gotOptionsIndex(args)] ?? null, keys: ['timeout', 'signal'], fix: { key: 'timeout', value: 'got' } } : undefined;
    case 'http': {
      const i = httpOptionsIndex(ctx, args);
      return i >= 0 ? { arg: args[i], keys: ['timeout', 'signal'], fix: { key: 'signal', value: 'signal' } } : undefined;
    }
    default: return undefined;
  }
}

function urlParamOf(t: Target, params: Map<string, ParamRef>): number | undefined {
  if (t.kind !== 'fetch' && t.kind !== 'axios') return undefined;
  const first = unwrap(callArgs(t.call, 1)[0]);
  if (!first) return undefined;
  if (first.type === 'identifier') { const pr = params.get(first.text); return pr && !pr.key && !pr.rest ? pr.p : undefined; }
  if (first.type === 'template_string') {
    const s0 = first.namedChild(0);
    const id = s0?.type === 'template_substitution' && s0.startIndex === first.startIndex + 1 ? unwrap(s0.namedChild(0)) : null;
    if (id?.type === 'identifier') { const pr = params.get(id.text); return pr && !pr.key && !pr.rest ? pr.p : undefined; }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ summary

const TRIGGERS = /\.\.\.|fetch|axios|\bgot\b|https?\b|request|signal|timeout|init|opt|config/i;
/** A parameter passed whole to another call is recorded only when it is named like options (or a signal). */
const OPTIONS_NAME = /init|opt|config|signal|timeout|settings|request|fetch/i;


function posOf(ctx: RuleContext, n: Node) {
  const s = ctx.lines.pos(n.startIndex), e = ctx.lines.pos(n.endIndex);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

/** Per-function summary: the client calls and wrapper calls whose options come from the parameters. */
/**
 * What the file pass saw, in document order (the check runs before summaries): the classified client calls that are
 * not browser-only, and the calls that may go through a wrapper (with their callee refs). Summaries read these
 * instead of classifying every call of every function again.
 */
interface Seen { targets: Target[]; candidates: { call: Node; ref: Ref }[] }

function seen(ctx: RuleContext): Seen { return ctx.memo('mt:seen', () => ({ targets: [], candidates: [] })); }

/** Records a classified client call for the summaries (called by the rule's check). */
export function noteClientCall(ctx: RuleContext, t: Target): void { seen(ctx).targets.push(t); }

/** The items of a document-ordered list whose node lies inside `node` (binary search on the start). */
function inRange<T>(list: T[], at: (x: T) => Node, node: Node): T[] {
  let lo = 0, hi = list.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (at(list[m]).startIndex < node.startIndex) lo = m + 1; else hi = m; }
  const out: T[] = [];
  for (let i = lo; i < list.length && at(list[i]).startIndex < node.endIndex; i++) if (at(list[i]).endIndex <= node.endIndex) out.push(list[i]);
  return out;
}

/** Per-function summary: the client calls and wrapper calls whose options come from the parameters. */
export function summarizeWrapper(ctx: RuleContext, fn: SymbolFunctionInfo): WrapperFact | undefined {
  const node = fn.node;
  const s = seen(ctx);
  const targets = inRange(s.targets, t => t.call, node);
  const candidates = inRange(s.candidates, c => c.call, node);
  if (!targets.length && !candidates.length) return undefined;
  const params = paramsOf(node);
  if (!params.size) return undefined;
  if (skipBrowser(ctx) && inReactClientCode(ctx, node.namedChild(0) ?? node)) return undefined;
  const entries: Entry[] = [];
  for (const t of targets) {
    if (entries.length >= 4) break;
    ctx.checkDeadline();
    const lib = libOptions(ctx, t);
    if (!lib || boundedByWrapper(t.call)) continue;
    // an http request destroyed or timed out by hand elsewhere in the function is not a plain wrapper
    if (t.kind === 'http' && /\.\s*(setTimeout|destroy)\s*\(/.test(node.text)) continue;
    const r = reqOf(argShape(ctx, lib.arg, params), lib.keys, lib.fix);
    if (typeof r !== 'object') continue;
    entries.push({ lib: t.name, ...posOf(ctx, t.call), req: r, urlParam: urlParamOf(t, params), unless: lib.unless });
  }
  for (const { call, ref } of candidates) {
    if (entries.length >= 4) break;
    ctx.checkDeadline();
    const argNodes = callArgs(call).slice(0, MAX_ARGS);
    const args = argNodes.map(a => argShape(ctx, a, params));
    const involves = args.some((a, i) => (a.s === 'param' && OPTIONS_NAME.test(argNodes[i].text)) || (a.s === 'obj' && (a.spreads.length > 0 || Object.values(a.keys).some(v => typeof v === 'object'))));
    if (!involves) continue;
    entries.push({ lib: refText(ref), ...posOf(ctx, call), via: { ref, cls: fn.cls, args } });
  }
  return entries.length ? { entries } : undefined;
}

export const wrapperSummary = { key: WRAPPER_KEY, triggers: TRIGGERS, of: summarizeWrapper };

// ------------------------------------------------------------------------------------------------ call sites

function enclosingClass(n: Node): string | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'class_declaration' || p.type === 'abstract_class_declaration' || p.type === 'class') return p.childForFieldName('name')?.text;
  }
  return undefined;
}

const URL_WORD = /url|uri|path|endpoint|href|route|link|host|address|origin/i;
/** Logging, i18n and event calls take a string first but never wrap a client call. */
const NOT_WRAPPER = /^(log|info|warn|warning|error|debug|trace|fatal|verbose|t|translate|emit|on|once|off|assert|expect|describe|it|test|span|startSpan|startActiveSpan|setAttribute|captureException|captureMessage|increment|gauge|histogram|timing)$/;

function calleeName(callee: Node): string {
  const c = unwrap(callee);
  if (c?.type === 'member_expression') return c.childForFieldName('property')?.text ?? '';
  return c?.text ?? '';
}

/**
 * A call through a wrapper passes the URL (or a path, or the method and then the path) first: a string or template,
 * a concatenation, `new URL(...)`, a name that says URL/path, a URL/path-making call, or an axios-style config
 * object with a `url`/`path`. Other calls are not reported for the project pass (it keeps the pass small).
 */
function urlLike(arg: Node): boolean {
  const n = unwrap(arg);
  if (!n) return false;
  switch (n.type) {
    case 'string': case 'template_string': case 'binary_expression': return true;
    case 'new_expression': return n.childForFieldName('constructor')?.text === 'URL';
    case 'identifier': return URL_WORD.test(n.text);
    case 'member_expression': return URL_WORD.test(n.childForFieldName('property')?.text ?? '');
    case 'call_expression': return URL_WORD.test(calleeName(n.childForFieldName('function') ?? n));
    case 'object': return /\b(url|path|baseURL|endpoint)\b/.test(n.text.slice(0, 300));
    default: return false;
  }
}

/** The first argument of a call (comments skipped), as `callArgs(call)[0]`. */
function firstArg(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'arguments') return undefined;
  for (let i = 0, n = args.namedChildCount; i < n; i++) {
    const c = args.namedChild(i);
    if (c && c.type !== 'comment') return c;
  }
  return undefined;
}

/** The state of an argument at a call site (a parameter of the enclosing function is opaque: that function wraps). */
function argState(ctx: RuleContext, arg: Node): ArgState {
  const n = unwrap(arg);
  if (!n) return { s: 'opaque' };
  if (isUndefinedValue(ctx, n)) return { s: 'undef', start: arg.startIndex, end: arg.endIndex };
  const obj = ctx.facts.resolveObject(n);
  if (!obj) return { s: 'opaque' };
  const st: ArgState & { s: 'obj' } = { s: 'obj', keys: {} };
  for (const p of namedChildren(obj)) {
    if (p.type === 'spread_element') {
      const inner = ctx.facts.resolveObject(p.namedChild(0));
      if (!inner) { st.unknown = true; st.keys = {}; continue; }
      const sub = argState(ctx, inner);
      if (sub.s === 'obj') { Object.assign(st.keys, sub.keys); if (sub.unknown) st.unknown = true; }
      continue;
    }
    const key = p.type === 'pair' ? keyName(p.childForFieldName('key')) : p.type === 'shorthand_property_identifier' ? p.text : p.type === 'method_definition' ? keyName(p.childForFieldName('name')) : undefined;
    if (key === undefined) { if (p.type === 'pair') st.unknown = true; continue; }
    if (Object.keys(st.keys).length >= MAX_KEYS && !(key in st.keys)) continue;
    const value = p.type === 'pair' ? p.childForFieldName('value') : p;
    const undef = p.type !== 'method_definition' && isUndefinedValue(ctx, value);
    st.keys[key] = undef ? 'undef' : p.type === 'pair' && isDisablingValue(ctx, value) ? 'off' : 'set';
    if (undef) (st.undefPairs ??= {})[key] = [p.startIndex, p.endIndex];
  }
  st.add = addPropertyEdit(obj, '\u0000', ctx.text, ctx.lines);
  return st;
}

/**
 * Reports a call that may go through a project wrapper as a pending finding (settled by `settleWrapperCall`). Calls
 * in browser-only code are left out like any other.
 */
export function reportWrapperCall(ctx: RuleContext, call: Node): void {
  // cheapest tests first (most calls are not wrapper calls): the first argument, then the callee's name
  const first = firstArg(call);
  if (!first || !urlLike(first)) return;
  const callee = call.childForFieldName('function');
  if (!callee || NOT_WRAPPER.test(calleeName(callee))) return;
  const ref = ctx.refOf(callee);
  if (!ref) return;
  if (skipBrowser(ctx) && (isUseClientFile(ctx) || inReactClientCode(ctx, call))) return;
  seen(ctx).candidates.push({ call, ref });
  const args = callArgs(call);
  const states = args.slice(0, MAX_ARGS).map(a => argState(ctx, a));
  const last = args.length ? args[args.length - 1] : null;
  const pending: Pending = {
    kind: 'wrapper-call', ref, cls: ref.k === 'this' || ref.k === 'field' ? enclosingClass(call) : undefined, callee: refText(ref), args: states,
    // a wrapper passes its URL through from the first or second parameter
    browserUrl: args.slice(0, 2).map(a => skipBrowser(ctx) && isBrowserUrl(ctx, a)),
    tail: insertArgumentEdit(call, last, '\u0000'), n: args.length, ms: ctx.settings.defaultTimeoutMs,
  };
  const range = callRange(ctx.lines, call);
  ctx.report({ ...range, messageId: 'wrapper', message: '', pending });
}

// ------------------------------------------------------------------------------------------------ settle

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const BUILTINS = new Set(builtinModules.map(m => m.replace(/^node:/, '')));

/** The module a ref starts from, when it is an import (`z.literal` -> 'zod', `fs.promises.readFile` -> 'fs'). */
function importRoot(ref: Ref): string | undefined {
  for (let r: Ref | undefined = ref, i = 0; r && i < 8; i++) {
    if (r.k === 'import') return r.module;
    r = r.k === 'member' ? r.base : r.k === 'ret' ? r.fn : undefined;
  }
  return undefined;
}

/**
 * Whether a call through a possible wrapper can settle to a finding, judged with the file's own symbols only
 * (Rule.keepPending): not when its callee is a function of this file (a top-level function, or a method of the
 * enclosing class) that records no wrapper summary, a name of this file that is not a function, or anything
 * reached from a Node built-in module (`fs.readFile`, `crypto.createHash`): settleWrapperCall drops those whatever
 * the other files hold. Everything else (imports, fields, base classes, instances) waits for the project pass.
 */
export function wrapperCallMaySettle(f: Finding, symbols: FileSymbols): boolean {
  const p = f.pending as Pending | undefined;
  if (p?.kind !== 'wrapper-call') return true;
  const ref = p.ref;
  const fnHasSummary = (id: string) => !!symbols.functions[id]?.facts[WRAPPER_KEY];
  if (ref.k === 'local') {
    if (has(symbols.functions, ref.name)) return fnHasSummary(ref.name);
    // a class is not a function; a local alias or object may lead anywhere
    return !has(symbols.classes, ref.name) && has(symbols.locals, ref.name);
  }
  if (ref.k === 'this') {
    const cls = p.cls !== undefined && has(symbols.classes, p.cls) ? symbols.classes[p.cls] : undefined;
    if (!cls) return false;
    // the class's own method wins over its bases'
    if (has(cls.methods, ref.name)) return fnHasSummary(cls.methods[ref.name]);
    return true;
  }
  const root = importRoot(ref);
  if (root !== undefined && (root.startsWith('node:') || BUILTINS.has(root))) return false;
  return true;
}

type Verdict = { req: Req; entry: Entry; file: string; unless?: string[] }[];

/** The requirements of a function's wrapped calls (composed through wrapper chains; memoised per pass). */
function requirementsOf(project: ProjectView, file: string, id: string, seen: Set<string>): Verdict {
  const key = `${file}#${id}`;
  return project.memo(`mt:req:${key}`, () => {
    if (seen.has(key)) return [];
    seen.add(key);
    const fn = project.fn({ file, id });
    const fact = fn?.facts[WRAPPER_KEY] as WrapperFact | undefined;
    const out: Verdict = [];
    for (const e of fact?.entries ?? []) {
      if (e.req) { out.push({ req: e.req, entry: e, file, unless: e.unless }); continue; }
      if (!e.via) continue;
      const h = project.resolve(file, e.via.ref, e.via.cls);
      if (!h) continue;
      for (const inner of requirementsOf(project, h.file, h.id, seen)) {
        const shape = e.via.args[inner.req.p] ?? { s: 'absent' as const };
        const r = inner.req.keys ? reqOf(shape, inner.req.keys, inner.req.fix) : directReq(shape, inner.req);
        if (typeof r === 'object') out.push({ req: r, entry: inner.entry, file: inner.file, unless: inner.unless });
      }
    }
    return out;
  });
}

/** An inner wrapper needs its argument p itself: what does this call pass there? */
function directReq(shape: Shape, inner: Req): Req | 'none' | 'unknown' | 'bounded' {
  if (shape.s === 'absent') return 'none';
  if (shape.s === 'param') return { p: shape.p, fix: inner.fix };
  return 'unknown';
}

const FIX_VALUE = (v: 'signal' | 'ms' | 'got', ms: number) => v === 'signal' ? `AbortSignal.timeout(${ms})` : v === 'got' ? `{ request: ${ms} }` : String(ms);

/** Whether argument `req.p` at the call site satisfies the requirement: 'ok', 'unknown' or the missing fix. */
function judge(p: Pending, req: Req): 'ok' | 'unknown' | { edits: TextEdit[] | undefined; disabled?: boolean } {
  const a: ArgState = p.args[req.p] ?? (req.p < p.n ? { s: 'opaque' } : { s: 'absent' });
  const value = req.fix ? FIX_VALUE(req.fix.value, p.ms) : undefined;
  const prop = req.fix?.key && value ? `${req.fix.key}: ${value}` : undefined;
  const createArg = (text: string): TextEdit[] | undefined => {
    if (!p.tail) return undefined;
    const fillers = Array(req.p - p.n).fill('undefined');
    const t = [...fillers, text].join(', ');
    return [{ ...p.tail, text: p.tail.text.replace('\u0000', t) }];
  };
  if (!req.keys) {
    if (a.s === 'absent') return { edits: value ? createArg(value) : undefined };
    if (a.s === 'undef') return { edits: value ? [{ start: a.start, end: a.end, text: value }] : undefined };
    return 'ok';
  }
  if (a.s === 'absent') return { edits: prop ? createArg(`{ ${prop} }`) : undefined };
  if (a.s === 'undef') return { edits: prop ? [{ start: a.start, end: a.end, text: `{ ${prop} }` }] : undefined };
  if (a.s === 'opaque') return 'unknown';
  if (req.keys.some(k => a.keys[k] === 'set')) return 'ok';
  const off = req.keys.find(k => a.keys[k] === 'off');
  if (a.unknown && !off) return 'unknown';
  const undefKey = req.keys.find(k => a.undefPairs?.[k]);
  if (prop && undefKey) {
    const [start, end] = a.undefPairs![undefKey];
    return { edits: [{ start, end, text: prop }] };
  }
  if (off || !prop) return { edits: undefined, disabled: !!off };
  return { edits: a.add ? [{ ...a.add, text: a.add.text.replace('\u0000', prop) }] : undefined };
}

/** Settles a call through a possible wrapper: the finding, or undefined (not a wrapper, bounded, unknown). */
export function settleWrapperCall(f: Finding, project: ProjectView, file: string): Finding | undefined {
  const p = f.pending as Pending;
  const h = project.resolve(file, p.ref, p.cls);
  if (!h) return undefined;
  for (const v of requirementsOf(project, h.file, h.id, new Set())) {
    if (v.entry.urlParam !== undefined && p.browserUrl[v.entry.urlParam]) return undefined;
    const j = judge(p, v.req);
    if (j === 'ok') return undefined;
    if (j === 'unknown') continue;
    const where = v.file === file ? `line ${v.entry.line + 1}` : `${path.basename(v.file)}:${v.entry.line + 1}`;
    const what = v.req.keys ? `no \`${v.req.keys[0]}\`` : `no ${ordinal(v.req.p)} argument`;
    const ms = p.ms;
    const fixTitle = v.req.fix ? (v.req.keys ? `Pass \`${v.req.fix.key}: ${FIX_VALUE(v.req.fix.value, ms)}\`` : `Pass \`${FIX_VALUE(v.req.fix.value, ms)}\``) : '';
    return {
      ...f,
      messageId: 'wrapperCall',
      message: j.disabled
        ? `\`${p.callee}\` wraps \`${v.entry.lib}\` (${where}) and this call disables its timeout: it can wait forever if the server stalls`
        : `\`${p.callee}\` wraps \`${v.entry.lib}\` (${where}) and this call passes ${what}: it can wait forever if the server stalls`,
      fixes: j.edits ? [{ title: fixTitle, safety: 'safe', isPreferred: true, edits: j.edits }] : [],
      unlessFacts: v.unless,
      related: [{ file: v.file, startPos: { line: v.entry.line, column: v.entry.column }, endPos: { line: v.entry.endLine, column: v.entry.endColumn }, message: `\`${v.entry.lib}\` takes its ${v.req.keys ? `\`${v.req.keys[0]}\`` : 'timeout'} from argument ${v.req.p + 1} of \`${p.callee}\`` }],
      pending: undefined,
    };
  }
  return undefined;
}

function ordinal(i: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'][i] ?? `#${i + 1}`;
}

