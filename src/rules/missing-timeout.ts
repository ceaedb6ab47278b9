/**
 * missing-timeout: an outbound call that can wait indefinitely because no timeout, deadline or abort signal is set.
 * Contract: shared RULES.md "missing-timeout". Docs and decisions: ./missing-timeout.md.
 */
import * as path from 'path';
import type { Node } from '../core/parser';
import type { Rule, RuleContext } from '../core/rule';
import type { Fix, TextEdit } from '../core/types';
import { callArgs, memberPath, unwrap, stringValue, enclosingFunction, FUNCTION_TYPES } from '../core/ast';
import { callRange } from '../core/ast';
import { addPropertyEdit, insertArgumentEdit, replaceNodeEdit } from '../core/edits';
import type { ModuleBinding } from '../core/facts';

export const AXIOS_DEFAULTS_FACT = 'defaults-timeout:axios';
export const instanceDefaultsFact = (moduleKey: string, exportName: string) => `defaults-timeout:${moduleKey}#${exportName}`;

const FETCH_MODULES = new Set(['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'cross-fetch/polyfill']);
const AXIOS_NO_DATA = new Set(['get', 'delete', 'head', 'options']);
const AXIOS_WITH_DATA = new Set(['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'stream']);
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options']);
const KY_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
const HTTP_MODULES = new Set(['http', 'https']);
const CLIENT_MODULES = new Set([...FETCH_MODULES, 'axios', 'got', 'ky', 'superagent', 'http', 'https']);
const URL_NAME = /(url|uri|href|endpoint|link|address|location)$/i;
const CALLBACK_NAME = /^(cb|callback|done|next|resolve|on[A-Z]\w*|handle[A-Z]?\w*|\w*(Callback|Handler|Listener|Cb))$/;

type Kind = 'fetch' | 'axios' | 'axios-create' | 'got' | 'got-extend' | 'superagent' | 'http' | 'ky';

interface Target { kind: Kind; call: Node; name: string; module: string; method?: string }

const meta = {
  id: 'missing-timeout',
  title: 'Outbound call without a timeout',
  description: 'Flags HTTP calls (fetch, axios, got, superagent, http/https) that can wait forever because no timeout, deadline or abort signal is set.',
  defaultSeverity: 'warning' as const,
  incidents: ['aws-ebs-2011', 'aws-kinesis-2020', 'aws-dynamodb-2015'],
  patterns: ['timeouts-and-deadlines', 'circuit-breaker'],
  fixable: true,
};

function isLib(b: ModuleBinding | undefined, module: string): boolean {
  return !!b && b.module.replace(/^node:/, '') === module && (b.imported === 'default' || b.imported === '*');
}

/** Classifies a call: which client library it goes to, through the file's bindings. */
function classify(ctx: RuleContext, call: Node): Target | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (!fn) return undefined;
  const { facts } = ctx;
  if (fn.type === 'identifier') {
    const name = fn.text;
    const b = facts.moduleOf(fn);
    if (!b) {
      if (name === 'fetch' && !facts.isShadowed(fn, 'fetch')) return { kind: 'fetch', call, name, module: 'fetch' };
      return undefined;
    }
    const mod = b.module.replace(/^node:/, '');
    if (FETCH_MODULES.has(mod) && (b.imported === 'default' || b.imported === '*' || b.imported === 'fetch' || b.imported === 'default.fetch')) return { kind: 'fetch', call, name, module: mod };
    if (mod === 'axios') {
      if (b.imported === 'default' || b.imported === '*') return { kind: 'axios', call, name, module: mod };
      const m = b.imported.replace(/^default\./, '');
      if (AXIOS_NO_DATA.has(m) || AXIOS_WITH_DATA.has(m) || m === 'request') return { kind: 'axios', call, name, module: mod, method: m };
      if (m === 'create') return { kind: 'axios-create', call, name, module: mod };
    }
    if (mod === 'got' && (b.imported === 'default' || b.imported === '*' || b.imported === 'got')) return { kind: 'got', call, name, module: mod };
    if (mod === 'ky' && (b.imported === 'default' || b.imported === '*')) return { kind: 'ky', call, name, module: mod };
    if (mod === 'superagent' && (b.imported === 'default' || b.imported === '*')) return { kind: 'superagent', call, name, module: mod };
    if (HTTP_MODULES.has(mod) && (b.imported === 'request' || b.imported === 'get')) return { kind: 'http', call, name, module: mod, method: b.imported };
    return undefined;
  }
  if (fn.type !== 'member_expression') return undefined;
  // (url.startsWith('https') ? https : http).get(url, cb): the module is picked inline
  const obj = unwrap(fn.childForFieldName('object'));
  if (obj?.type === 'ternary_expression') {
    const method = fn.childForFieldName('property')?.text;
    const b = method === 'get' || method === 'request' ? httpModuleOf(ctx, obj) : undefined;
    if (!b) return undefined;
    const name = fn.text.length <= 48 ? fn.text : `${b.module.replace(/^node:/, '')}.${method}`;
    return { kind: 'http', call, name, module: b.module.replace(/^node:/, ''), method };
  }
  const p = memberPath(fn);
  if (!p || p.length < 2) return undefined;
  // globalThis.fetch / window.fetch / self.fetch
  if (p.length === 2 && p[1] === 'fetch' && (p[0] === 'globalThis' || p[0] === 'window' || p[0] === 'self')) {
    return { kind: 'fetch', call, name: p.join('.'), module: 'fetch' };
  }
  let head: Node | null = fn;
  while (head && head.type === 'member_expression') head = unwrap(head.childForFieldName('object'));
  if (!head || head.type !== 'identifier') return undefined;
  const b = facts.moduleOf(head) ?? httpModuleAlias(ctx, head);
  if (!b) return undefined;
  const mod = b.module.replace(/^node:/, '');
  let rest = p.slice(1);
  if (rest[0] === 'default' && b.imported === '*') rest = rest.slice(1);
  const method = rest[rest.length - 1];
  const name = p.join('.');
  if (rest.length !== 1) return undefined;
  if (FETCH_MODULES.has(mod) && b.imported === '*' && method === 'fetch') return { kind: 'fetch', call, name, module: mod };
  if (isLib(b, 'axios')) {
    if (AXIOS_NO_DATA.has(method) || AXIOS_WITH_DATA.has(method) || method === 'request') return { kind: 'axios', call, name, module: mod, method };
    if (method === 'create') return { kind: 'axios-create', call, name, module: mod };
  }
  if (isLib(b, 'got')) {
    if (GOT_METHODS.has(method)) return { kind: 'got', call, name, module: mod, method };
    if (method === 'extend') return { kind: 'got-extend', call, name, module: mod };
  }
  if (isLib(b, 'ky') && (KY_METHODS.has(method) || method === 'create' || method === 'extend')) return { kind: 'ky', call, name, module: mod, method };
  if (isLib(b, 'superagent') && SUPERAGENT_METHODS.has(method)) return { kind: 'superagent', call, name, module: mod, method };
  if (HTTP_MODULES.has(mod) && (b.imported === '*' || b.imported === 'default') && (method === 'request' || method === 'get')) return { kind: 'http', call, name, module: mod, method };
  return undefined;
}

/**
 * `const lib = url.startsWith('https') ? https : http` / `let client = http`: a local that holds Node's http or
 * https module (both branches of a ternary, or the initializer). Only when its single declaration is seen.
 */
function httpModuleAlias(ctx: RuleContext, ref: Node): ModuleBinding | undefined {
  if (ctx.facts.isShadowed(ref, ref.text) === false) return undefined;
  const decls = ctx.facts.declarations.get(ref.text);
  if (!decls || decls.length !== 1 || decls[0].type !== 'variable_declarator') return undefined;
  const d = decls[0];
  if (d.childForFieldName('name')?.type !== 'identifier') return undefined;
  const v = unwrap(d.childForFieldName('value'));
  if (!v) return undefined;
  return httpModuleOf(ctx, v);
}

/** `https`, or `cond ? https : http`: every branch is Node's http or https module (default or namespace import). */
function httpModuleOf(ctx: RuleContext, v: Node): ModuleBinding | undefined {
  const branches = v.type === 'ternary_expression' ? [v.childForFieldName('consequence'), v.childForFieldName('alternative')] : [v];
  let found: ModuleBinding | undefined;
  for (const br of branches) {
    const u = unwrap(br);
    const b = u && u.type === 'identifier' ? ctx.facts.moduleOf(u) : undefined;
    if (!b || !HTTP_MODULES.has(b.module.replace(/^node:/, '')) || (b.imported !== 'default' && b.imported !== '*')) return undefined;
    found = b;
  }
  return found;
}

/** A match of `re` (global) in `scope`'s text that is code, not a comment or a string: `// req.setTimeout(5000)` does not count. */
function codeMatch(ctx: RuleContext, scope: Node, re: RegExp): boolean {
  for (const m of scope.text.matchAll(re)) {
    const at = ctx.root.descendantForIndex(scope.startIndex + m.index!);
    if (at && (at.type === 'comment' || at.type === 'string_fragment' || at.type === 'string' || at.type === 'template_string')) continue;
    return true;
  }
  return false;
}

/** true: disables the timeout (0, Infinity, false). */
function isDisablingValue(ctx: RuleContext, value: Node | null): boolean {
  const v = ctx.facts.resolveValue(value);
  if (!v) return false;
  if (v.type === 'false') return true;
  if (v.type === 'number') return Number(v.text.replace(/_/g, '')) === 0;
  if (v.type === 'identifier' && v.text === 'Infinity') return true;
  const p = memberPath(v);
  return !!p && p.join('.') === 'Number.POSITIVE_INFINITY';
}

type OptState =
  | { state: 'ok' }
  | { state: 'opaque' }
  | { state: 'missing'; obj: Node | null }
  | { state: 'disabled'; pair: Node; value: Node };

/** Inspects an options object for timeout-like keys. `obj` null = options argument absent. */
function inspectOptions(ctx: RuleContext, arg: Node | null | undefined, keys: string[], absent: 'missing' | 'ok' = 'missing'): OptState {
  if (arg === undefined || arg === null) return absent === 'missing' ? { state: 'missing', obj: null } : { state: 'ok' };
  const u = unwrap(arg);
  if (u && (u.type === 'undefined' || (u.type === 'identifier' && u.text === 'undefined'))) return { state: 'missing', obj: null };
  const obj = ctx.facts.resolveObject(arg);
  if (!obj) return { state: 'opaque' };
  let unknown = false;
  for (const k of keys) {
    const r = ctx.facts.lookupProp(obj, k);
    if (r.kind === 'present') {
      if (k === 'timeout' && r.value && r.pair.type === 'pair' && isDisablingValue(ctx, r.value)) return { state: 'disabled', pair: r.pair, value: r.value };
      return { state: 'ok' };
    }
    if (r.kind === 'unknown') unknown = true;
  }
  return unknown ? { state: 'opaque' } : { state: 'missing', obj };
}

/** `new Request(url, init)` held by a local (`const`, or a `let`/`var` declared once) that is passed to fetch. */
function requestConstruction(ctx: RuleContext, ref: Node): Node | undefined {
  if (ref.type !== 'identifier') return undefined;
  const decls = ctx.facts.declarations.get(ref.text);
  if (!decls || decls.length !== 1 || decls[0].type !== 'variable_declarator') return undefined;
  const v = unwrap(decls[0].childForFieldName('value'));
  return v && v.type === 'new_expression' && v.childForFieldName('constructor')?.text === 'Request' ? v : undefined;
}

/** The call is raced against a timer or wrapped in a timeout helper: the caller cannot wait forever. */
function boundedByWrapper(call: Node): boolean {
  let n: Node = call;
  for (let i = 0; i < 4 && n.parent; i++) {
    const p: Node = n.parent;
    if (p.type === 'await_expression' || p.type === 'parenthesized_expression') { n = p; continue; }
    if (p.type === 'array') { n = p; continue; }
    if (p.type === 'arguments') {
      const outer = p.parent;
      const callee = outer && outer.childForFieldName('function');
      const path = callee ? memberPath(callee)?.join('.') : undefined;
      if (path && (/^Promise\.race$/.test(path) || /timeout/i.test(path))) return true;
    }
    break;
  }
  return false;
}

/** An AbortSignal named `signal` in scope (parameter or destructured option) that the call could combine with. */
function signalInScope(ctx: RuleContext, call: Node): string | undefined {
  for (let f: Node | null = enclosingFunction(call); f; f = enclosingFunction(f)) {
    const params = f.childForFieldName('parameters') ?? f.childForFieldName('parameter');
    if (params && /\bsignal\b/.test(params.text) && ctx.facts.isShadowed(call, 'signal')) return 'signal';
    if (!FUNCTION_TYPES.has(f.type)) break;
  }
  return undefined;
}

function msFix(ctx: RuleContext): number { return ctx.settings.defaultTimeoutMs; }

function signalFixes(ctx: RuleContext, t: Target, st: { obj: Node | null }, optionsIndex: number): Fix[] {
  const n = msFix(ctx);
  const outer = signalInScope(ctx, t.call);
  const value = outer ? `AbortSignal.any([${outer}, AbortSignal.timeout(${n})])` : `AbortSignal.timeout(${n})`;
  const edit = optionsEdit(ctx, t.call, st.obj, optionsIndex, `signal: ${value}`);
  if (!edit) return [];
  return [{ title: outer ? `Combine \`${outer}\` with a ${n} ms timeout signal` : `Add \`signal: AbortSignal.timeout(${n})\``, edits: [edit], safety: 'safe', isPreferred: true }];
}

/** Adds `prop` to the options object, or creates the options argument at `index` (filling gaps with undefined). */
function optionsEdit(ctx: RuleContext, call: Node, obj: Node | null, index: number, prop: string): TextEdit | undefined {
  if (obj) return addPropertyEdit(obj, prop, ctx.text, ctx.lines);
  const args = callArgs(call);
  if (args.length === 0 && index > 0) return undefined;
  if (index < args.length) {
    // an explicit `undefined` placeholder: replace it
    return replaceNodeEdit(args[index], `{ ${prop} }`);
  }
  const fillers = index - args.length;
  const text = [...Array(fillers).fill('undefined'), `{ ${prop} }`].join(', ');
  return insertArgumentEdit(call, args.length ? args[args.length - 1] : null, text);
}

function checkFetch(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (args.length === 0 || boundedByWrapper(t.call)) return;
  const first = unwrap(args[0]);
  // fetch(new Request(url, { signal })) / fetch(request): the Request may carry its own signal
  if (args.length < 2 && first) {
    const req = first.type === 'new_expression' ? first : requestConstruction(ctx, first);
    if (req) {
      const ctor = req.childForFieldName('constructor');
      if (ctor?.text === 'Request') {
        const reqArgs = req.childForFieldName('arguments')?.namedChildren ?? [];
        const st = inspectOptions(ctx, reqArgs[1] ?? null, ['signal']);
        if (st.state !== 'missing') return;
      }
    } else if (first.type === 'identifier' && /^req(uest)?$/i.test(first.text)) {
      return;
    }
  }
  const keys = t.module === 'node-fetch' ? ['signal', 'timeout', 'dispatcher'] : ['signal', 'dispatcher'];
  const st = inspectOptions(ctx, args[1] ?? null, keys);
  if (st.state === 'ok' || st.state === 'opaque') return;
  if (st.state === 'disabled') return report(ctx, t, st.pair, 'timeoutDisabled', `\`timeout\` is set to ${st.value.text}: this \`${t.name}\` can wait forever if the server stalls`, []);
  // a fetch `timeout` option does not exist: say so, it is a classic silent bug
  if (st.obj && t.module !== 'node-fetch') {
    const tp = ctx.facts.lookupProp(st.obj, 'timeout');
    if (tp.kind === 'present') {
      const fix = tp.pair.type === 'pair' && tp.value ? [{ title: 'Replace `timeout` with an abort signal', safety: 'safe' as const, isPreferred: true, edits: [replaceNodeEdit(tp.pair, `signal: AbortSignal.timeout(${tp.value.text})`)] }] : [];
      return report(ctx, t, t.call, 'fetchTimeoutIgnored', `\`${t.name}\` ignores the \`timeout\` option: it still has no timeout and can wait forever if the server stalls`, fix);
    }
  }
  report(ctx, t, t.call, 'fetch', `\`${t.name}\` has no timeout: it can wait forever if the server stalls (fetch has no overall deadline)`, signalFixes(ctx, t, st, 1));
}

function axiosConfigIndex(t: Target, args: Node[]): number {
  if (!t.method) {
    // axios(config) | axios(url, config)
    const first = unwrap(args[0]);
    return first && (first.type === 'object' || (first.type === 'identifier' && args.length === 1 && !/url|uri|href|path|endpoint/i.test(first.text))) ? 0 : 1;
  }
  if (t.method === 'request') return 0;
  if (AXIOS_WITH_DATA.has(t.method)) return 2;
  return 1;
}

function checkAxios(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (args.length === 0 || boundedByWrapper(t.call)) return;
  const idx = axiosConfigIndex(t, args);
  const st = inspectOptions(ctx, args[idx] ?? null, ['timeout', 'signal', 'cancelToken']);
  if (st.state === 'ok' || st.state === 'opaque') return;
  const n = msFix(ctx);
  if (st.state === 'disabled') {
    return report(ctx, t, st.pair, 'timeoutDisabled', `\`timeout: ${st.value.text}\` disables axios's timeout: this request can wait forever if the server stalls`,
      [{ title: `Set \`timeout: ${n}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(st.value, String(n))] }], [AXIOS_DEFAULTS_FACT]);
  }
  const edit = optionsEdit(ctx, t.call, st.obj, idx, `timeout: ${n}`);
  report(ctx, t, t.call, 'axios', `\`${t.name}\` has no timeout (axios defaults to 0, no timeout): it can wait forever if the server stalls`,
    edit ? [{ title: `Add \`timeout: ${n}\``, safety: 'safe', isPreferred: true, edits: [edit] }] : [], [AXIOS_DEFAULTS_FACT]);
}

/** Name under which the created instance is reachable: `api` in `const api = axios.create()`, `this.client`, or an export. */
function instanceOf(call: Node): { local?: string[]; exportName?: string } {
  let n: Node = call;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'as_expression' || n.parent.type === 'satisfies_expression')) n = n.parent;
  const p = n.parent;
  if (!p) return {};
  if (p.type === 'variable_declarator') {
    const name = p.childForFieldName('name');
    if (name?.type !== 'identifier') return {};
    const exported = p.parent?.parent?.type === 'export_statement';
    return { local: [name.text], exportName: exported ? name.text : undefined };
  }
  if (p.type === 'assignment_expression') {
    const left = memberPath(p.childForFieldName('left'));
    if (!left) return {};
    if (left.join('.') === 'module.exports') return { exportName: 'default' };
    if (left.length === 2 && (left[0] === 'exports' || left.join('.').startsWith('module.exports.'))) return { local: left, exportName: left[left.length - 1] };
    return { local: left };
  }
  if (p.type === 'export_statement') return { exportName: 'default' };
  if (p.type === 'pair') return {}; // stored in an object: unknown use
  return {};
}

function exportedLocally(ctx: RuleContext, local: string): string | undefined {
  // export { api } / export { api as client } / export default api / module.exports = api
  const re = new RegExp(`export\\s*\\{[^}]*\\b${local}\\b(?:\\s+as\\s+(\\w+))?[^}]*\\}|export\\s+default\\s+${local}\\b|module\\.exports\\s*=\\s*${local}\\b`);
  const m = re.exec(ctx.text);
  if (!m) return undefined;
  if (m[0].startsWith('export default') || m[0].startsWith('module.exports')) return 'default';
  return m[1] ?? local;
}

function defaultsTimeoutAssigned(ctx: RuleContext, local: string[]): boolean {
  const want = [...local, 'defaults', 'timeout'].join('.');
  for (const a of ctx.captures('assign')) {
    const left = memberPath(a.childForFieldName('left'));
    if (left && left.join('.') === want && !isDisablingValue(ctx, a.childForFieldName('right'))) return true;
  }
  return false;
}

function checkAxiosCreate(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  const st = inspectOptions(ctx, args[0] ?? null, ['timeout', 'signal']);
  if (st.state === 'ok' || st.state === 'opaque') return;
  const inst = instanceOf(t.call);
  if (inst.local && defaultsTimeoutAssigned(ctx, inst.local)) return;
  const exportName = inst.exportName ?? (inst.local?.length === 1 ? exportedLocally(ctx, inst.local[0]) : undefined);
  const unless = [AXIOS_DEFAULTS_FACT];
  if (exportName) unless.push(instanceDefaultsFact(ctx.moduleKey('./' + path.basename(ctx.file)), exportName));
  const n = msFix(ctx);
  const who = inst.local ? `\`${inst.local.join('.')}\`` : 'this instance';
  if (st.state === 'disabled') {
    return report(ctx, t, st.pair, 'timeoutDisabled', `\`timeout: ${st.value.text}\` disables the timeout of every request through ${who}: they can wait forever if the server stalls`,
      [{ title: `Set \`timeout: ${n}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(st.value, String(n))] }], unless);
  }
  const edit = optionsEdit(ctx, t.call, st.obj, 0, `timeout: ${n}`);
  report(ctx, t, t.call, 'axiosCreate', `\`${t.name}\` creates an instance with no timeout (axios defaults to 0): every request through ${who} can wait forever if the server stalls`,
    edit ? [{ title: `Add \`timeout: ${n}\` to the instance config`, safety: 'safe', isPreferred: true, edits: [edit] }] : [], unless);
}

function checkGot(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (boundedByWrapper(t.call)) return;
  let idx: number;
  if (t.kind === 'got-extend') {
    idx = 0;
    if (args.length === 0) return;
  } else {
    if (args.length === 0) return;
    const first = unwrap(args[0]);
    idx = first && first.type === 'object' ? 0 : 1;
  }
  const st = inspectOptions(ctx, args[idx] ?? null, ['timeout', 'signal']);
  if (st.state === 'ok' || st.state === 'opaque') return;
  const n = msFix(ctx);
  if (st.state === 'disabled') {
    return report(ctx, t, st.pair, 'timeoutDisabled', `\`timeout: ${st.value.text}\` leaves \`${t.name}\` without a timeout: it can wait forever if the server stalls`,
      [{ title: `Set \`timeout: { request: ${n} }\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(st.value, `{ request: ${n} }`)] }]);
  }
  const edit = optionsEdit(ctx, t.call, st.obj, idx, `timeout: { request: ${n} }`);
  const what = t.kind === 'got-extend' ? `\`${t.name}\` creates a got instance with no timeout (got sets none by default): every request through it can wait forever`
    : `\`${t.name}\` has no timeout (got sets none by default): it can wait forever if the server stalls`;
  report(ctx, t, t.call, t.kind === 'got-extend' ? 'gotExtend' : 'got', what,
    edit ? [{ title: `Add \`timeout: { request: ${n} }\``, safety: 'safe', isPreferred: true, edits: [edit] }] : []);
}

function checkSuperagent(ctx: RuleContext, t: Target): void {
  let n: Node = t.call;
  // walk the fluent chain: request.get(url).set(...).timeout(...)
  for (;;) {
    const p = n.parent;
    if (p?.type === 'member_expression' && p.parent?.type === 'call_expression') {
      const prop = p.childForFieldName('property')?.text;
      if (prop === 'timeout') return;
      n = p.parent;
      continue;
    }
    break;
  }
  // const req = request.get(url); ... req.timeout(5000)
  const holder = n.parent;
  if (holder?.type === 'variable_declarator') {
    const name = holder.childForFieldName('name');
    const scope = enclosingFunction(holder) ?? ctx.root;
    if (name?.type === 'identifier' && codeMatch(ctx, scope, new RegExp(`\\b${name.text}\\s*\\.\\s*timeout\\s*\\(`, 'g'))) return;
    if (name?.type !== 'identifier') return;
  }
  const ms = msFix(ctx);
  report(ctx, t, t.call, 'superagent', `superagent \`${t.name}\` has no \`.timeout(...)\` (superagent sets none): it can wait forever if the server stalls`,
    [{ title: `Append \`.timeout({ response: ${ms}, deadline: ${ms * 2} })\``, safety: 'safe', isPreferred: true,
      edits: [{ start: t.call.endIndex, end: t.call.endIndex, text: `.timeout({ response: ${ms}, deadline: ${ms * 2} })` }] }]);
}

function checkHttp(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (args.length === 0) return;
  // http.request(url | options, [options], [callback])
  let optIdx = -1;
  for (let i = 0; i < Math.min(args.length, 2); i++) {
    const a = unwrap(args[i]);
    if (!a) continue;
    if (a.type === 'arrow_function' || a.type === 'function_expression' || a.type === 'function') break;
    if (a.type === 'string' || a.type === 'template_string' || (a.type === 'new_expression' && a.childForFieldName('constructor')?.text === 'URL')) continue;
    // process.argv[n] is always a string: the URL
    if (a.type === 'subscript_expression' && memberPath(a.childForFieldName('object'))?.join('.') === 'process.argv') continue;
    // identifiers: a URL-ish name is the URL, a callback-ish name is the callback; anything else may be options
    const name = a.type === 'identifier' ? a.text : a.type === 'member_expression' ? a.childForFieldName('property')?.text ?? '' : '';
    if (name && URL_NAME.test(name) && !ctx.facts.resolveObject(a)) continue;
    if (name && CALLBACK_NAME.test(name)) break;
    optIdx = i;
    break;
  }
  let obj: Node | null = null;
  if (optIdx >= 0) {
    const st = inspectOptions(ctx, args[optIdx], ['timeout', 'signal']);
    if (st.state === 'ok' || st.state === 'opaque') return;
    if (st.state === 'disabled') return;
    obj = st.obj;
  }
  // req.setTimeout(...) on the returned request, chained or through a variable
  let n: Node = t.call;
  const p = n.parent;
  if (p?.type === 'member_expression' && p.childForFieldName('property')?.text === 'setTimeout') return;
  if (p?.type === 'variable_declarator') {
    const name = p.childForFieldName('name');
    if (name?.type !== 'identifier') return;
    const scope = enclosingFunction(p) ?? ctx.root;
    if (codeMatch(ctx, scope, new RegExp(`\\b${name.text}\\s*\\.\\s*(setTimeout|destroy)\\s*\\(`, 'g')) && /\btimeout\b/i.test(scope.text)) return;
  } else if (p?.type === 'assignment_expression') {
    return; // stored elsewhere: cannot see what is done with it
  }
  const ms = msFix(ctx);
  let edit: TextEdit | undefined;
  if (obj) edit = addPropertyEdit(obj, `signal: AbortSignal.timeout(${ms})`, ctx.text, ctx.lines);
  else {
    // insert an options object after the URL (before the callback, if any)
    const urlArg = args[0];
    edit = { start: urlArg.endIndex, end: urlArg.endIndex, text: `, { signal: AbortSignal.timeout(${ms}) }` };
  }
  void n;
  report(ctx, t, t.call, 'http', `\`${t.name}\` has no timeout or signal (Node sets no per-request timeout): the socket can hang forever if the server stalls`,
    [{ title: `Add \`signal: AbortSignal.timeout(${ms})\``, safety: 'safe', isPreferred: true, edits: [edit] }]);
}

function checkKy(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  const idx = t.method === 'create' || t.method === 'extend' ? 0 : 1;
  const obj = ctx.facts.resolveObject(args[idx]);
  if (!obj) return;
  const r = ctx.facts.lookupProp(obj, 'timeout');
  if (r.kind !== 'present' || !r.value || r.pair.type !== 'pair') return;
  const v = ctx.facts.resolveValue(r.value);
  if (!v || !(v.type === 'false' || (v.type === 'identifier' && v.text === 'Infinity'))) return;
  const ms = msFix(ctx);
  report(ctx, t, r.pair, 'kyDisabled', `\`timeout: ${r.value.text}\` turns off ky's 10 s default: \`${t.name}\` can wait forever if the server stalls`,
    [{ title: `Replace with \`timeout: ${ms}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(r.value, String(ms))] }]);
}

function report(ctx: RuleContext, t: Target, node: Node, messageId: string, message: string, fixes: Fix[], unlessFacts?: string[]): void {
  const range = node === t.call ? callRange(ctx.lines, t.call) : { start: node.startIndex, end: node.endIndex };
  ctx.report({ ...range, messageId, message, fixes, unlessFacts });
}

/** Project facts: `axios.defaults.timeout = N` here, or `<imported instance>.defaults.timeout = N`. */
function collectFacts(ctx: RuleContext): void {
  for (const a of ctx.captures('assign')) {
    const left = memberPath(a.childForFieldName('left'));
    if (!left || left.length < 3 || left[left.length - 1] !== 'timeout' || left[left.length - 2] !== 'defaults') continue;
    if (isDisablingValue(ctx, a.childForFieldName('right'))) continue;
    const headName = left[0];
    const leftNode = a.childForFieldName('left')!;
    let head: Node | null = leftNode;
    while (head && head.type === 'member_expression') head = unwrap(head.childForFieldName('object'));
    const b = head && head.type === 'identifier' ? ctx.facts.moduleOf(head) : undefined;
    if (!b) continue;
    const mid = left.slice(1, -2).filter(s => s !== 'default' || b.imported !== '*');
    if (b.module === 'axios' && (b.imported === 'default' || b.imported === '*') && mid.length === 0) ctx.addProjectFact(AXIOS_DEFAULTS_FACT);
    else if (b.module.startsWith('.')) {
      const exportName = mid.length === 1 && b.imported === '*' ? mid[0] : mid.length === 0 ? b.imported : undefined;
      if (exportName) ctx.addProjectFact(instanceDefaultsFact(ctx.moduleKey(b.module), exportName));
    }
    void headName;
  }
}

export const missingTimeout: Rule = {
  meta,
  triggers: /\b(fetch|axios|got|superagent|ky|https?|undici|request)\b|defaults\s*\.\s*timeout/,
  check(ctx) {
    collectFacts(ctx);
    // cheap prefilter on the source text (no WASM crossing): the callee must start with a name that can
    // reach a client library in this file
    const heads = new Set(['fetch', 'globalThis', 'window', 'self']);
    const httpLocals: string[] = [];
    for (const [local, b] of ctx.facts.bindings) {
      const mod = b.module.replace(/^node:/, '');
      if (CLIENT_MODULES.has(mod)) heads.add(local);
      if (HTTP_MODULES.has(mod)) httpLocals.push(local);
    }
    // `const lib = secure ? https : http`: cheap text check first, declarations only when it can matter
    if (httpLocals.length) {
      const re = new RegExp(`(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*(?::[^=]+)?=\\s*(?:[^;\\n]*\\?\\s*)?(?:${httpLocals.join('|')})\\b`, 'g');
      for (const m of ctx.matchAll(re)) heads.add(m[1]);
    }
    const HEAD = /^[A-Za-z_$][\w$]*/;
    // `(secure ? https : http).get(`: no braces or statements before the `?`, both branches named like http locals
    const INLINE = /^\((?:[^;{}()]|\([^;{}()]*\))*\?\s*([A-Za-z_$][\w$]*)\s*:\s*([A-Za-z_$][\w$]*)\s*\)\s*\.\s*(?:get|request)\s*\(/;
    const httpSet = new Set(httpLocals);
    for (const call of ctx.captures('call')) {
      const start = ctx.text.slice(call.startIndex, call.startIndex + 200);
      const head = HEAD.exec(start);
      if (!head || !heads.has(head[0])) {
        const m = httpSet.size && start.charCodeAt(0) === 40 /* ( */ ? INLINE.exec(start) : null;
        if (!m || !httpSet.has(m[1]) || !httpSet.has(m[2])) continue;
      }
      const t = classify(ctx, call);
      if (!t) continue;
      switch (t.kind) {
        case 'fetch': checkFetch(ctx, t); break;
        case 'axios': checkAxios(ctx, t); break;
        case 'axios-create': checkAxiosCreate(ctx, t); break;
        case 'got': case 'got-extend': checkGot(ctx, t); break;
        case 'superagent': checkSuperagent(ctx, t); break;
        case 'http': checkHttp(ctx, t); break;
        case 'ky': checkKy(ctx, t); break;
      }
    }
  },
};

// exported for tests
export { classify as _classify, stringValue as _stringValue };
