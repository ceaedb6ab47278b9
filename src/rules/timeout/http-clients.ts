/** missing-timeout, part 3: the HTTP clients of the RULES.md table (fetch, axios, got, superagent, http/https, ky). */
import * as path from 'path';
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { callArgs, callRange, memberPath, unwrap, enclosingFunction, stringValue } from '../../core/ast';
import { pendOptionsCall } from './built-options';
import { addPropertyEdit, replaceNodeEdit } from '../../core/edits';
import type { TextEdit } from '../../core/types';
import { AXIOS_WITH_DATA, CALLBACK_NAME, URL_NAME, type Target } from './classify';
import { codeMatch, inspectOptions, isDisablingValue, msFix, optionsEdit, report, signalFixes } from './common';
import { returnedValues, sameFileFunction } from './browser';

export const AXIOS_DEFAULTS_FACT = 'defaults-timeout:axios';
export const instanceDefaultsFact = (moduleKey: string, exportName: string) => `defaults-timeout:${moduleKey}#${exportName}`;

/** `new Request(url, init)` held by a local (`const`, or a `let`/`var` declared once) that is passed to fetch. */
function requestConstruction(ctx: RuleContext, ref: Node): Node | undefined {
  if (ref.type !== 'identifier') return undefined;
  const decls = ctx.facts.declarations.get(ref.text);
  if (!decls || decls.length !== 1 || decls[0].type !== 'variable_declarator') return undefined;
  const v = unwrap(decls[0].childForFieldName('value'));
  return v && v.type === 'new_expression' && v.childForFieldName('constructor')?.text === 'Request' ? v : undefined;
}

/** The call is raced against a timer or wrapped in a timeout helper: the caller cannot wait forever. */
export function boundedByWrapper(call: Node): boolean {
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

export function checkFetch(ctx: RuleContext, t: Target): void {
  // the URL and the options: a call with 25,000 arguments is not listed whole
  const args = callArgs(t.call, 2);
  if (args.length === 0 || boundedByWrapper(t.call)) return;
  const first = unwrap(args[0]);
  // fetch(new URL('../fonts/x.ttf', import.meta.url)): an asset bundled beside the module, not a remote server
  if (moduleAsset(ctx, first)) return;
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
  if (st.state === 'ok') return;
  if (st.state === 'opaque') {
    // (round 2) `fetch(url, authInit(token))`: options built by a project function, settled from its summary
    pendOptionsCall(ctx, args[1], callRange(ctx.lines, t.call), 'fetch', `\`${t.name}\` has no timeout: it can wait forever if the server stalls (fetch has no overall deadline)`, keys);
    return;
  }
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

/**
 * A URL resolved against the module's own location: `new URL('./x.wasm', import.meta.url)` (also `.href`,
 * `.toString()`, through a same-file const). Bundlers (webpack, Next.js, Vite) and runtimes resolve it to a file
 * shipped with the module (`file:` on Node, a bundled asset on the edge): reading it does not wait on a remote
 * server. The first argument must be a path (a string or template that does not start with a scheme, `//` or a
 * substitution, which may hold an absolute URL).
 */
function moduleAsset(ctx: RuleContext, expr: Node | null | undefined, depth = 0): boolean {
  let n = unwrap(expr);
  if (!n || depth > 3) return false;
  if (n.type === 'identifier') {
    const v = ctx.facts.resolveValue(n);
    return !!v && v !== n && moduleAsset(ctx, v, depth + 1);
  }
  if (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function'));
    if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'toString') return false;
    n = unwrap(fn.childForFieldName('object'));
  } else if (n.type === 'member_expression' && n.childForFieldName('property')?.text === 'href') {
    n = unwrap(n.childForFieldName('object'));
  }
  if (n?.type !== 'new_expression' || n.childForFieldName('constructor')?.text !== 'URL') return false;
  const a = callArgs(n);
  if (a.length !== 2 || unwrap(a[1])?.text.replace(/\s+/g, '') !== 'import.meta.url') return false;
  const rel = unwrap(a[0]);
  if (rel?.type !== 'string' && rel?.type !== 'template_string') return false;
  // `${baseUrl}/fonts/x.ttf` starts with something else than a path: an absolute base makes it remote
  return !/^['"`]([a-z][a-z0-9+.-]*:|\/\/|\$\{)/i.test(rel.text);
}

export function axiosConfigIndex(t: Target, args: Node[]): number {
  if (!t.method) {
    // axios(config) | axios(url, config)
    const first = unwrap(args[0]);
    return first && (first.type === 'object' || (first.type === 'identifier' && args.length === 1 && !/url|uri|href|path|endpoint/i.test(first.text))) ? 0 : 1;
  }
  if (t.method === 'request') return 0;
  if (AXIOS_WITH_DATA.has(t.method)) return 2;
  return 1;
}

export function checkAxios(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (args.length === 0 || boundedByWrapper(t.call)) return;
  const idx = axiosConfigIndex(t, args);
  const st = inspectOptions(ctx, args[idx] ?? null, ['timeout', 'signal', 'cancelToken']);
  if (st.state === 'ok') return;
  if (st.state === 'opaque') {
    pendOptionsCall(ctx, args[idx], callRange(ctx.lines, t.call), 'axios', `\`${t.name}\` has no timeout (axios defaults to 0, no timeout): it can wait forever if the server stalls`, ['timeout', 'signal', 'cancelToken'], false, [AXIOS_DEFAULTS_FACT]);
    return;
  }
  const n = msFix(ctx);
  if (st.state === 'disabled') {
    return report(ctx, t, st.pair, 'timeoutDisabled', `\`timeout: ${st.value.text}\` disables axios's timeout: this request can wait forever if the server stalls`,
      [{ title: `Set \`timeout: ${n}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(st.value, String(n))] }], [AXIOS_DEFAULTS_FACT]);
  }
  const edit = optionsEdit(ctx, t.call, st, idx, 'timeout', String(n));
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

export function checkAxiosCreate(ctx: RuleContext, t: Target): void {
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
  const edit = optionsEdit(ctx, t.call, st, 0, 'timeout', String(n));
  report(ctx, t, t.call, 'axiosCreate', `\`${t.name}\` creates an instance with no timeout (axios defaults to 0): every request through ${who} can wait forever if the server stalls`,
    edit ? [{ title: `Add \`timeout: ${n}\` to the instance config`, safety: 'safe', isPreferred: true, edits: [edit] }] : [], unless);
}

export function checkGot(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (boundedByWrapper(t.call) || args.length === 0) return;
  const idx = t.kind === 'got-extend' ? 0 : gotOptionsIndex(args);
  const st = inspectOptions(ctx, args[idx] ?? null, ['timeout', 'signal']);
  if (st.state === 'ok') return;
  if (st.state === 'opaque') {
    if (t.kind === 'got') pendOptionsCall(ctx, args[idx], callRange(ctx.lines, t.call), 'got', `\`${t.name}\` has no timeout (got sets none by default): it can wait forever if the server stalls`, ['timeout', 'signal']);
    return;
  }
  const n = msFix(ctx);
  if (st.state === 'disabled') {
    return report(ctx, t, st.pair, 'timeoutDisabled', `\`timeout: ${st.value.text}\` leaves \`${t.name}\` without a timeout: it can wait forever if the server stalls`,
      [{ title: `Set \`timeout: { request: ${n} }\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(st.value, `{ request: ${n} }`)] }]);
  }
  const edit = optionsEdit(ctx, t.call, st, idx, 'timeout', `{ request: ${n} }`);
  const what = t.kind === 'got-extend' ? `\`${t.name}\` creates a got instance with no timeout (got sets none by default): every request through it can wait forever`
    : `\`${t.name}\` has no timeout (got sets none by default): it can wait forever if the server stalls`;
  report(ctx, t, t.call, t.kind === 'got-extend' ? 'gotExtend' : 'got', what,
    edit ? [{ title: `Add \`timeout: { request: ${n} }\``, safety: 'safe', isPreferred: true, edits: [edit] }] : []);
}

export function checkSuperagent(ctx: RuleContext, t: Target): void {
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

/** got(url, opts) / got(opts): the options argument's index. */
export function gotOptionsIndex(args: Node[]): number {
  const first = unwrap(args[0]);
  return first && first.type === 'object' ? 0 : 1;
}

/** http.request(url | options, [options], [callback]): the options argument's index, or -1 (none or unknown). */
export function httpOptionsIndex(ctx: RuleContext, args: Node[]): number {
  let optIdx = -1;
  for (let i = 0; i < Math.min(args.length, 2); i++) {
    const a = unwrap(args[i]);
    if (!a) continue;
    if (a.type === 'arrow_function' || a.type === 'function_expression' || a.type === 'function') break;
    if (a.type === 'string' || a.type === 'template_string' || (a.type === 'new_expression' && a.childForFieldName('constructor')?.text === 'URL')) continue;
    // process.argv[n] is always a string: the URL
    if (a.type === 'subscript_expression' && memberPath(a.childForFieldName('object'))?.join('.') === 'process.argv') continue;
    // a call that makes the URL: named for one (`editionUrl(db)`, `buildEndpoint()`), or a same-file function whose
    // every return is a string or a template
    if (a.type === 'call_expression' && urlMakingCall(ctx, a)) continue;
    // identifiers: a URL-ish name is the URL, a callback-ish name is the callback; anything else may be options
    const name = a.type === 'identifier' ? a.text : a.type === 'member_expression' ? a.childForFieldName('property')?.text ?? '' : '';
    if (name && URL_NAME.test(name) && !ctx.facts.resolveObject(a)) continue;
    if (name && CALLBACK_NAME.test(name)) break;
    // (round 2) a name that holds a function: a same-file function, or the resolve/reject of a Promise executor
    // (`new Promise((res) => https.get(url, res))`)
    if (a.type === 'identifier' && (sameFileFunction(ctx, a) || promiseExecutorParam(a))) break;
    optIdx = i;
    break;
  }
  return optIdx;
}

/** `res` in `new Promise((res, rej) => ...)`: the executor's parameters are the promise's resolve and reject functions. */
function promiseExecutorParam(id: Node): boolean {
  for (let f: Node | null = id.parent; f; f = f.parent) {
    if (f.type !== 'arrow_function' && f.type !== 'function_expression' && f.type !== 'function') continue;
    const params = f.childForFieldName('parameters') ?? f.childForFieldName('parameter');
    const names = params ? (params.type === 'identifier' ? [params] : params.namedChildren.map(c => c && (c.type === 'identifier' ? c : c.childForFieldName('pattern')))) : [];
    if (!names.some(x => x?.type === 'identifier' && x.text === id.text)) continue; // not declared here: look further out
    const args = f.parent;
    const ctor = args?.type === 'arguments' ? args.parent : null;
    return ctor?.type === 'new_expression' && ctor.childForFieldName('constructor')?.text === 'Promise' && args!.namedChild(0)?.startIndex === f.startIndex;
  }
  return false;
}

function urlMakingCall(ctx: RuleContext, call: Node): boolean {
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text ?? '' : '';
  if (name && URL_NAME.test(name) && !/options|config|opts|params/i.test(name)) return true;
  if (fn?.type !== 'identifier') return false;
  const f = sameFileFunction(ctx, fn);
  const rets = f ? returnedValues(f) : [];
  return rets.length > 0 && rets.every(r => { const u = unwrap(r); return u?.type === 'string' || u?.type === 'template_string'; });
}

/** What the code does with the request a `http(s).request/get` returns. */
function requestBounds(ctx: RuleContext, call: Node): { setTimeout: boolean; timeoutListener: boolean; unknown: boolean } {
  const out = { setTimeout: false, timeoutListener: false, unknown: false };
  // the fluent chain: https.get(...).on('error', ...).on('timeout', ...).setTimeout(...)
  let n: Node = call;
  for (;;) {
    const p = n.parent;
    if (p?.type !== 'member_expression' || p.parent?.type !== 'call_expression') break;
    const prop = p.childForFieldName('property')?.text;
    const first = callArgs(p.parent)[0];
    if (prop === 'setTimeout') out.setTimeout = true;
    if (prop && /^(on|once|addListener|prependListener|prependOnceListener)$/.test(prop) && first && stringValue(first) === 'timeout') out.timeoutListener = true;
    n = p.parent;
  }
  const holder = n.parent;
  if (holder?.type === 'variable_declarator') {
    const name = holder.childForFieldName('name');
    if (name?.type !== 'identifier') { out.unknown = true; return out; }
    const scope = enclosingFunction(holder) ?? ctx.root;
    const id = name.text.replace(/\$/g, '\\$');
    if (codeMatch(ctx, scope, new RegExp(`\\b${id}\\s*\\.\\s*(setTimeout|destroy)\\s*\\(`, 'g')) && /\btimeout\b/i.test(scope.text)) out.setTimeout = true;
    if (codeMatch(ctx, scope, new RegExp(`\\b${id}\\s*\\.\\s*(on|once|addListener|prependListener|prependOnceListener)\\s*\\(\\s*['"\`]timeout['"\`]`, 'g'))) out.timeoutListener = true;
  } else if (holder?.type === 'assignment_expression') {
    out.unknown = true; // stored elsewhere: cannot see what is done with it
  }
  return out;
}

export function checkHttp(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (args.length === 0) return;
  const optIdx = httpOptionsIndex(ctx, args);
  let obj: Node | null = null;
  let undef: { key: string; pair: Node } | undefined;
  let idleTimeout = false;
  if (optIdx >= 0) {
    const sig = inspectOptions(ctx, args[optIdx], ['signal']);
    if (sig.state === 'ok' || sig.state === 'opaque') return;
    const to = inspectOptions(ctx, args[optIdx], ['timeout']);
    if (to.state === 'opaque' || to.state === 'disabled') return;
    idleTimeout = to.state === 'ok';
    if (sig.state === 'missing') { obj = sig.obj; undef = sig.undef; }
  }
  const b = requestBounds(ctx, t.call);
  if (b.unknown || b.setTimeout) return;
  // a `timeout` option only emits 'timeout' (Node docs): bounded when something listens for it
  if (idleTimeout && b.timeoutListener) return;
  const ms = msFix(ctx);
  let edit: TextEdit | undefined;
  if (undef) edit = replaceNodeEdit(undef.pair, `signal: AbortSignal.timeout(${ms})`);
  else if (obj) edit = addPropertyEdit(obj, `signal: AbortSignal.timeout(${ms})`, ctx.text, ctx.lines);
  else {
    // insert an options object after the URL (before the callback, if any)
    const urlArg = args[0];
    edit = { start: urlArg.endIndex, end: urlArg.endIndex, text: `, { signal: AbortSignal.timeout(${ms}) }` };
  }
  const fixes = [{ title: `Add \`signal: AbortSignal.timeout(${ms})\``, safety: 'safe' as const, isPreferred: true, edits: [edit] }];
  if (idleTimeout) {
    return report(ctx, t, t.call, 'httpTimeoutNoHandler', `\`${t.name}\` sets \`timeout\` but nothing handles 'timeout': Node only emits the event and never aborts the request, so the socket can hang forever if the server stalls`, fixes);
  }
  report(ctx, t, t.call, 'http', `\`${t.name}\` has no timeout or signal (Node sets no per-request timeout): the socket can hang forever if the server stalls`, fixes);
}

export function checkKy(ctx: RuleContext, t: Target): void {
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


/** Project facts: `axios.defaults.timeout = N` here, or `<imported instance>.defaults.timeout = N`. */
export function collectFacts(ctx: RuleContext): void {
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


/**
 * undici `request(url, opts)`: judged like fetch (RULES.md: undici's 300 s header and body limits are idle timeouts,
 * not a deadline). A `signal`, `headersTimeout`/`bodyTimeout` or a `dispatcher` (with its own timeouts) counts;
 * `headersTimeout: 0` / `bodyTimeout: 0` switch the idle limits off.
 */
export function checkUndiciRequest(ctx: RuleContext, t: Target): void {
  const args = callArgs(t.call);
  if (args.length === 0 || boundedByWrapper(t.call)) return;
  const obj = ctx.facts.resolveObject(args[1]);
  const ms = msFix(ctx);
  if (obj) {
    for (const k of ['headersTimeout', 'bodyTimeout']) {
      const r = ctx.facts.lookupProp(obj, k);
      if (r.kind === 'present' && r.pair.type === 'pair' && r.value && isDisablingValue(ctx, r.value)) {
        return report(ctx, t, r.pair, 'timeoutDisabled', `\`${k}: ${r.value.text}\` switches off undici's idle limit: \`${t.name}\` can wait forever if the server stalls`,
          [{ title: `Set \`${k}: ${ms}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(r.value, String(ms))] }]);
      }
    }
  }
  const st = inspectOptions(ctx, args[1] ?? null, ['signal', 'headersTimeout', 'bodyTimeout', 'dispatcher']);
  if (st.state !== 'missing') return;
  report(ctx, t, t.call, 'undiciRequest', `undici \`${t.name}\` has no timeout: it can wait forever if the server stalls (its 300 s header and body limits are idle timeouts, not a deadline)`, signalFixes(ctx, t, st, 1));
}
