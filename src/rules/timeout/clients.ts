/**
 * missing-timeout, part 6: database and RPC clients whose documented default is "no timeout" (RULES.md stretch),
 * each with the doc that proves it (src/rules/missing-timeout.md, "Library defaults"):
 * - pg `new Pool(config)` / `new Client(config)`: connectionTimeoutMillis, statement_timeout and query_timeout all
 *   default to none (node-postgres docs, apis/client and apis/pool);
 * - AWS SDK v3 `new XClient(config)` (`@aws-sdk/client-*`): the Node request handler's requestTimeout,
 *   connectionTimeout and socketTimeout default to 0, no timeout (@smithy/node-http-handler);
 * - undici `new Pool/Client/Agent(...)` only when a timeout is switched off (`headersTimeout: 0`, `bodyTimeout: 0`):
 *   their defaults are bounded (300 s idle limits); undici `request(url, opts)` is judged like fetch (see
 *   http-clients: no overall deadline).
 * The finding sits on the `new` expression (the callee, for a multi-line call), as for `axios.create`.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { pendOptionsCall } from './built-options';
import type { Fix } from '../../core/types';
import { callRange, memberPath, unwrap } from '../../core/ast';
import { replaceNodeEdit } from '../../core/edits';
import { declarationScope, type ModuleBinding } from '../../core/facts';
import { inspectOptions, isDisablingValue, optionsEdit } from './common';
import { returnedValues, sameFileFunction } from './browser';

type ClientKind = 'pg' | 'aws' | 'undici';

interface NewTarget { kind: ClientKind; node: Node; name: string; cls: string }

const PG_CLASSES = new Set(['Pool', 'Client']);
const UNDICI_CLASSES = new Set(['Pool', 'Client', 'Agent', 'BalancedPool']);
const AWS_MODULE = /^@aws-sdk\/client-[\w-]+$/;

/** The modules whose constructors this part judges; a file importing none of them is skipped. */
export function importsDbOrRpcClient(ctx: RuleContext): boolean {
  return ctx.memo('mt:db-clients', () => [...ctx.facts.bindings.values()].some(b => {
    const m = b.module;
    return m === 'pg' || m === 'undici' || AWS_MODULE.test(m);
  }));
}

function classOf(b: ModuleBinding, rest: string[]): { module: string; cls: string } | undefined {
  // import { Pool } from 'pg' -> imported 'Pool'; import pg from 'pg'; new pg.Pool() -> rest ['Pool']
  const imported = b.imported.replace(/^default\./, '');
  if (b.imported === 'default' || b.imported === '*') return rest.length === 1 ? { module: b.module, cls: rest[0] } : rest.length === 2 && rest[0] === 'default' ? { module: b.module, cls: rest[1] } : undefined;
  return rest.length === 0 ? { module: b.module, cls: imported } : undefined;
}

function classifyNew(ctx: RuleContext, n: Node): NewTarget | undefined {
  const ctor = unwrap(n.childForFieldName('constructor'));
  if (!ctor) return undefined;
  const p = memberPath(ctor);
  if (!p) return undefined;
  let head: Node | null = ctor;
  while (head && head.type === 'member_expression') head = unwrap(head.childForFieldName('object'));
  if (!head || head.type !== 'identifier') return undefined;
  const b = ctx.facts.moduleOf(head);
  if (!b) return undefined;
  const c = classOf(b, p.slice(1));
  if (!c) return undefined;
  const name = `new ${p.join('.')}`;
  if (c.module === 'pg' && PG_CLASSES.has(c.cls)) return { kind: 'pg', node: n, name, cls: c.cls };
  if (c.module === 'undici' && UNDICI_CLASSES.has(c.cls)) return { kind: 'undici', node: n, name, cls: c.cls };
  if (AWS_MODULE.test(c.module) && /Client$/.test(c.cls)) return { kind: 'aws', node: n, name, cls: c.cls };
  return undefined;
}

function newArgs(n: Node): Node[] {
  const a = n.childForFieldName('arguments');
  return a ? a.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [];
}

function report(ctx: RuleContext, t: NewTarget, node: Node, messageId: string, message: string, fixes: Fix[]): void {
  const range = node === t.node ? callRange(ctx.lines, t.node) : { start: node.startIndex, end: node.endIndex };
  ctx.report({ ...range, messageId, message, fixes });
}

const PG_KEYS = ['connectionTimeoutMillis', 'statement_timeout', 'query_timeout'];

function checkPg(ctx: RuleContext, t: NewTarget): void {
  const arg = newArgs(t.node)[0];
  const ms = ctx.settings.defaultTimeoutMs;
  const message = `\`${t.name}\` sets no connection or query timeout (pg's connectionTimeoutMillis, statement_timeout and query_timeout default to none): a stalled database holds every caller forever`;
  // a connection string: `?connect_timeout=` / `options=-c statement_timeout=` may be in it
  const u = unwrap(arg);
  if (u && (u.type === 'string' || u.type === 'template_string')) {
    if (!/timeout/i.test(u.text)) report(ctx, t, t.node, 'pg', message, []);
    return;
  }
  // (round 2) `new Client(databaseUrl())`: a call of a project function whose every return is a string (a connection
  // URL) is a connection string; settled in the project pass from the function's summary (same file or another)
  if (pendOptionsCall(ctx, arg, callRange(ctx.lines, t.node), 'pg', message, PG_KEYS, true)) return;
  const st = inspectOptions(ctx, arg ?? null, PG_KEYS);
  if (st.state === 'ok' || st.state === 'opaque') return;
  if (st.state === 'disabled') return;
  // `new Pool` without parentheses has no arguments node: no fix
  const edit = optionsEdit(ctx, t.node, st, 0, 'connectionTimeoutMillis', String(ms));
  report(ctx, t, t.node, 'pg', message, edit ? [{ title: `Add \`connectionTimeoutMillis: ${ms}\``, safety: 'safe', isPreferred: true, edits: [edit] }] : []);
}

const AWS_HANDLER_KEYS = ['requestTimeout', 'connectionTimeout', 'socketTimeout'];

/** `requestHandler`'s options: an object literal, `new NodeHttpHandler(opts)`, `NodeHttpHandler.create(opts)`. */
function handlerOptions(ctx: RuleContext, v: Node | null): Node | null | 'opaque' {
  const u = unwrap(v);
  if (!u) return 'opaque';
  if (u.type === 'new_expression' && /(Node|Fetch|Xhr)Http2?Handler$/.test(u.childForFieldName('constructor')?.text ?? '')) return newArgs(u)[0] ?? null;
  if (u.type === 'call_expression' && /(Node|Fetch)Http2?Handler\.create$/.test(u.childForFieldName('function')?.text ?? '')) {
    const a = u.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    return a[0] ?? null;
  }
  return ctx.facts.resolveObject(u) ?? 'opaque';
}

/**
 * The options of a request handler built in this file and handed over by name or by a factory call: a `const` holding
 * `new NodeHttpHandler(opts)`, or a same-file function whose every return is one (each return's options). undefined
 * when any part is something else (unknown is not guilty).
 */
function builtHandlers(ctx: RuleContext, v: Node | null): (Node | null)[] | undefined {
  let u = unwrap(v);
  if (u && (u.type === 'identifier' || u.type === 'shorthand_property_identifier')) {
    const d = ctx.facts.constDeclarator(u.text, u);
    u = unwrap(d?.childForFieldName('value') ?? null);
  }
  if (!u) return undefined;
  // the handler's options (null: constructed with none), or undefined when x is not a handler we can read
  const one = (x: Node | null): Node | null | undefined => {
    const w = unwrap(x);
    if (!w || (w.type !== 'new_expression' && w.type !== 'call_expression')) return undefined;
    const o = handlerOptions(ctx, w);
    return o === 'opaque' ? undefined : o;
  };
  if (u.type === 'new_expression') { const o = one(u); return o === undefined ? undefined : [o]; }
  if (u.type === 'call_expression') {
    const direct = one(u);
    if (direct !== undefined) return [direct];
    const callee = u.childForFieldName('function');
    if (callee?.type !== 'identifier') return undefined;
    const fn = sameFileFunction(ctx, callee);
    const rets = fn ? returnedValues(fn) : [];
    if (!rets.length) return undefined;
    const out: (Node | null)[] = [];
    for (const r of rets) { const o = one(r); if (o === undefined) return undefined; out.push(o); }
    return out;
  }
  return undefined;
}

const PRESIGN_CALL = /\b(getSignedUrl|createPresignedPost|createPresignedUrl|getSignedCookies|presign\w*)\s*\(\s*$/;

/**
 * A client used only to sign URLs locally: held in a `const` (not exported) or a `this` field and, everywhere in this
 * file, passed only as the first argument of `getSignedUrl(client, …)` / `createPresignedPost(client, …)`. Presigning
 * makes no request, so the client cannot wait on anything.
 */
function presignOnly(ctx: RuleContext, created: Node): boolean {
  let n: Node = created;
  for (let p = n.parent; p && (p.type === 'parenthesized_expression' || p.type === 'ternary_expression' || p.type === 'as_expression' || p.type === 'satisfies_expression'); p = p.parent) n = p;
  const h = n.parent;
  let holder: string | undefined;
  let pattern: RegExp | undefined;
  // (round 2) a local of a function is looked for in that function only: `client` elsewhere in the file is another one
  let from = 0, to = ctx.text.length;
  if (h?.type === 'variable_declarator' && h.childForFieldName('value')?.startIndex === n.startIndex && h.childForFieldName('name')?.type === 'identifier') {
    if (h.parent?.parent?.type === 'export_statement') return false; // used by other modules too
    holder = h.childForFieldName('name')!.text;
    pattern = new RegExp(`(?<![\\w$.])${holder}(?![\\w$])`, 'g');
    const scope = declarationScope(h);
    if (scope && scope.type !== 'program') { from = scope.startIndex; to = scope.endIndex; }
  } else if (h?.type === 'assignment_expression' && h.childForFieldName('right')?.startIndex === n.startIndex) {
    const l = memberPath(h.childForFieldName('left'));
    if (!l || l.length !== 2 || l[0] !== 'this') return false;
    holder = l[1];
    pattern = new RegExp(`\\bthis\\s*\\.\\s*${holder.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  }
  if (!holder || !pattern) return false;
  let uses = 0;
  for (const m of ctx.text.matchAll(pattern)) {
    const at = m.index;
    if (at < from || at >= to) continue;
    if (at >= h!.startIndex && at < h!.endIndex) continue;
    // another assignment to the holder, or a declaration (`private signedUrlClient: S3Client;`)
    const after = ctx.text.slice(at + m[0].length, at + m[0].length + 40);
    if (/^\s*(=(?![=>])|:|;|[?!]\s*:)/.test(after)) continue;
    if (!PRESIGN_CALL.test(ctx.text.slice(Math.max(0, at - 60), at))) return false;
    uses++;
  }
  return uses > 0;
}

function checkAws(ctx: RuleContext, t: NewTarget): void {
  const arg = newArgs(t.node)[0];
  const ms = ctx.settings.defaultTimeoutMs;
  const message = `\`${t.name}\` has no request timeout (the AWS SDK v3 request handler's requestTimeout, connectionTimeout and socketTimeout default to 0, none): a stalled AWS call can wait forever`;
  const st = inspectOptions(ctx, arg ?? null, ['requestHandler']);
  if (st.state === 'disabled') return;
  if (presignOnly(ctx, t.node)) return;
  if (st.state === 'opaque') { pendOptionsCall(ctx, arg, callRange(ctx.lines, t.node), 'aws', message, ['requestHandler']); return; }
  if (st.state === 'missing') {
    // no requestHandler: the short form (an options object, AWS SDK >= 3.521) adds one; older SDKs need
    // `new NodeHttpHandler(...)`, so the fix is not applied automatically
    const edit = optionsEdit(ctx, t.node, st, 0, 'requestHandler', `{ requestTimeout: ${ms}, throwOnRequestTimeout: true }`);
    report(ctx, t, t.node, 'aws', message, edit ? [{ title: `Add \`requestHandler: { requestTimeout: ${ms}, throwOnRequestTimeout: true }\` (AWS SDK ≥ 3.521)`, safety: 'unsafe', isPreferred: true, edits: [edit] }] : []);
    return;
  }
  const obj = ctx.facts.resolveObject(arg);
  const rh = obj ? ctx.facts.lookupProp(obj, 'requestHandler') : undefined;
  if (!rh || rh.kind !== 'present') return;
  if (rh.pair.type !== 'pair' || unwrap(rh.value)?.type === 'identifier' || unwrap(rh.value)?.type === 'call_expression') {
    // a handler built elsewhere in this file: `const requestHandler = new NodeHttpHandler({...})`, or a same-file
    // factory whose every return is a handler (`createS3RequestHandler()`); judged by all of them, no fix (the
    // options to edit are not at the client)
    const all = builtHandlers(ctx, rh.value);
    if (!all) return;
    if (all.some(o => { const h = inspectOptions(ctx, o, AWS_HANDLER_KEYS); return h.state !== 'missing'; })) return;
    report(ctx, t, rh.pair, 'aws', message, []);
    return;
  }
  const opts = handlerOptions(ctx, rh.value);
  if (opts === 'opaque') return;
  const hst = inspectOptions(ctx, opts, AWS_HANDLER_KEYS);
  if (hst.state === 'ok' || hst.state === 'opaque') return;
  if (hst.state === 'disabled') return;
  const edit = hst.obj || hst.undef ? optionsEdit(ctx, t.node, hst, 0, 'requestTimeout', `${ms}, throwOnRequestTimeout: true`) : undefined;
  report(ctx, t, rh.pair, 'aws', message, edit ? [{ title: `Add \`requestTimeout: ${ms}, throwOnRequestTimeout: true\` to the request handler`, safety: 'safe', isPreferred: true, edits: [edit] }] : []);
}

function checkUndici(ctx: RuleContext, t: NewTarget): void {
  const args = newArgs(t.node);
  const arg = t.cls === 'Agent' ? args[0] : args[1];
  const obj = ctx.facts.resolveObject(arg);
  if (!obj) return;
  for (const k of ['headersTimeout', 'bodyTimeout']) {
    const r = ctx.facts.lookupProp(obj, k);
    if (r.kind !== 'present' || r.pair.type !== 'pair' || !r.value || !isDisablingValue(ctx, r.value)) continue;
    const ms = ctx.settings.defaultTimeoutMs;
    report(ctx, t, r.pair, 'timeoutDisabled', `\`${k}: ${r.value.text}\` switches off undici's ${k === 'headersTimeout' ? 'response-headers' : 'body'} timeout (300 s by default): requests through \`${t.name}\` can wait forever if the server stalls`,
      [{ title: `Set \`${k}: ${ms}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(r.value, String(ms))] }]);
  }
}

/** Judges the `new` expressions of pg, AWS SDK v3 and undici clients in the file. */
export function checkClientConstructors(ctx: RuleContext, skip: (n: Node) => boolean): void {
  if (!importsDbOrRpcClient(ctx)) return;
  for (const n of ctx.captures('new')) {
    const t = classifyNew(ctx, n);
    if (!t || skip(n)) continue;
    if (t.kind === 'pg') checkPg(ctx, t);
    else if (t.kind === 'aws') checkAws(ctx, t);
    else checkUndici(ctx, t);
  }
}

