/**
 * Handler recognition for non-idempotent-handler: HTTP POST/PATCH routes (Express, Koa, Hono, Fastify, Hapi-style
 * route objects, NestJS, Next.js app router and pages API) and message consumers (kafkajs, sqs-consumer, Lambda
 * SQS/SNS/EventBridge, amqplib, BullMQ, Google Pub/Sub, NestJS microservices).
 *
 * Everything starts from the rule's query captures (prefix `nih.`); only local navigation happens here.
 */
import type { Node } from '../../core/parser';
import type { Ref, RuleContext } from '../../core/rule';
import { callArgs, keyName, memberPath, namedChildren, stringValue, unwrap, FUNCTION_TYPES } from '../../core/ast';

export type Framework =
  | 'express' | 'koa' | 'hono' | 'fastify' | 'nest' | 'next-app' | 'next-pages'
  | 'kafkajs' | 'kafkajs-batch' | 'sqs-consumer' | 'lambda-sqs' | 'lambda-sns' | 'lambda-eventbridge'
  | 'amqplib' | 'bullmq' | 'pubsub' | 'nest-event' | 'remix' | 'trpc' | 'bull' | 'task';

export interface Handler {
  kind: 'http' | 'consumer';
  framework: Framework;
  /** Human label used in messages: "POST", "PATCH", "SQS message", ... */
  label: string;
  /** The handler function (for parameters). */
  fn: Node;
  /** Offsets in which effects count (the function body, or a `req.method === 'POST'` branch). */
  start: number;
  end: number;
  /** Where a guard is inserted: the statement block whose top receives it (or a statement to insert before). */
  insertBlock?: Node;
  insertBefore?: Node;
  /** Text that can carry a guard besides the body: middleware arguments, decorators, wrappers. */
  guardText: string;
  /** NestJS method (for the `@Headers()` parameter fix). */
  method?: Node;
  /** Where the finding sits (RULES.md v2 "Where a finding sits"): the route member, decorator, exported name, ... */
  head: Span;
  /** The class the handler function is a method of (or sits in), for `this.x()` / `this.field.x()` resolution. */
  cls?: string;
  /** The route path or name when it is a literal (`/orders`, `documents.create`). */
  path?: string;
  /** Recognised only because it verifies a webhook signature (an exported function with no route form). */
  webhookOnly?: boolean;
}

export interface Span { start: number; end: number }

/**
 * A handler whose function is defined in another file (or is otherwise not a same-file function):
 * `router.post('/x', controller.create)`, `new Worker('q', processEmail)` with `processEmail` imported. Its body is
 * read through the project layer (the function's summary and what it calls).
 */
export interface RemoteHandler {
  kind: 'http' | 'consumer';
  framework: Framework;
  label: string;
  head: Span;
  ref: Ref;
  /** The handler's source text (`ordersController.create`), for messages. */
  text: string;
  cls?: string;
  guardText: string;
  path?: string;
}

export interface Handlers { local: Handler[]; remote: RemoteHandler[] }

/**
 * Entry points are found by a text scan + `descendantForIndex` at each hit rather than by query patterns with
 * `#match?` predicates: the predicates run in JS for every member call / pair / type identifier of the file, which
 * measured ~10x slower on the bench corpus (see the rule docs). Only files that pass the rule's `triggers` get here.
 */
const SCANS: { name: string; re: RegExp; group: number; climb: (n: Node) => Node | null }[] = [
  { name: 'mcall', re: /\.\s*(post|patch|route|consume|mutation|process|createFunction)\s*[(<]/g, group: 1, climb: n => memberCall(n) },
  { name: 'mcall', re: /\.\s*(on|route|addRoute|handle|register)\s*\(\s*['"](?:POST|PATCH|post|patch)['"]/g, group: 1, climb: n => memberCall(n) },
  { name: 'task', re: /\b(task|schemaTask)\s*\(/g, group: 1, climb: n => n.type === 'identifier' && n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.startIndex === n.startIndex ? n.parent : n.type === 'property_identifier' ? memberCall(n) : null },
  { name: 'perform', re: /\b(perform)\s*\(/g, group: 1, climb: n => n.type === 'property_identifier' && n.parent?.type === 'method_definition' ? n.parent : null },
  { name: 'mcall', re: /\.\s*(on|addListener)\s*\(\s*['"]message['"]/g, group: 1, climb: n => memberCall(n) },
  { name: 'worker', re: /\bnew\s+(Worker)\b/g, group: 1, climb: n => n.type === 'identifier' && n.parent?.type === 'new_expression' ? n.parent : null },
  { name: 'deco', re: /@\s*(Post|Patch|EventPattern|MessagePattern|Processor|Process|RabbitSubscribe|SqsMessageHandler|KafkaListener)\s*\(/g, group: 1, climb: n => n.type === 'identifier' && n.parent?.type === 'call_expression' && n.parent.parent?.type === 'decorator' ? n.parent.parent : null },
  { name: 'nextfn', re: /\bexport\s+(?:async\s+)?function\s*\*?\s*(POST|PATCH|action)\b/g, group: 1, climb: n => n.parent?.type === 'function_declaration' && n.parent.parent?.type === 'export_statement' ? n.parent.parent : null },
  { name: 'nextdecl', re: /\bexport\s+(?:const|let|var)\s+(POST|PATCH|action)\b/g, group: 1, climb: n => n.parent?.type === 'variable_declarator' && n.parent.parent?.parent?.type === 'export_statement' ? n.parent : null },
  { name: 'method', re: /(['"])(POST|PATCH)\1/g, group: 0, climb: n => n.type === 'string' ? n : n.parent?.type === 'string' ? n.parent : null },
  { name: 'methodkey', re: /\b(POST|PATCH)\s*:/g, group: 1, climb: n => n.type === 'property_identifier' && n.parent?.type === 'pair' ? n : null },
  { name: 'consumer', re: /\b(eachMessage|eachBatch|handleMessage|handleMessageBatch)\b/g, group: 1, climb: n => n },
  { name: 'awstype', re: /\b(SQSEvent|SNSEvent|EventBridgeEvent|SQSHandler|SNSHandler|EventBridgeHandler)\b/g, group: 1, climb: n => n.type === 'type_identifier' ? n : null },
  { name: 'stripe', re: /\.\s*(?:charges|paymentIntents|refunds|transfers|payouts)\s*\.\s*(create)\s*\(/g, group: 1, climb: n => memberCall(n) },
];

function memberCall(n: Node): Node | null {
  if (n.type !== 'property_identifier') return null;
  const m = n.parent;
  if (m?.type !== 'member_expression') return null;
  const c = m.parent;
  return c?.type === 'call_expression' && c.childForFieldName('function')?.startIndex === m.startIndex ? c : null;
}

/** Entry-point nodes by kind (document order within a kind), computed once per file. */
export function scan(ctx: RuleContext): Map<string, Node[]> {
  return ctx.memo('nih.scan', () => {
    const out = new Map<string, Node[]>();
    const seen = new Set<string>();
    for (const s of SCANS) {
      // editor incremental mode: only the re-analysed statements are scanned
      for (const m of ctx.matchAll(s.re)) {
        const tokStart = s.group === 0 ? m.index : m.index + m[0].lastIndexOf(m[s.group]);
        const tok = ctx.root.descendantForIndex(tokStart, tokStart + m[s.group].length);
        const node = tok && s.climb(tok);
        if (!node) continue;
        const key = s.name + ':' + node.startIndex + ':' + node.endIndex + ':' + node.type;
        if (seen.has(key)) continue;
        seen.add(key);
        const list = out.get(s.name);
        if (list) list.push(node); else out.set(s.name, [node]);
      }
    }
    return out;
  });
}

const HTTP_CLIENT_ROOTS = /^(axios|got|ky|superagent|supertest|request|needle|\$|jQuery|http|https|httpClient|HttpClient|api|apiClient|fetcher|nock|rest|msw|mock\w*|chai|agent)$/;
const HTTP_CLIENT_MODULES = new Set(['axios', 'got', 'ky', 'superagent', 'supertest', 'request', 'needle', 'msw', 'nock', 'undici', 'node-fetch', 'jquery', 'ky-universal', 'cross-fetch']);

function moduleNames(ctx: RuleContext): Set<string> {
  return ctx.memo('nih.modules', () => {
    const s = new Set<string>();
    for (const b of ctx.facts.bindings.values()) s.add(b.module.replace(/^node:/, ''));
    return s;
  });
}

export function importsAny(ctx: RuleContext, re: RegExp): boolean {
  for (const m of moduleNames(ctx)) if (re.test(m)) return true;
  return false;
}

/** The function a handler argument stands for: an inline function, a same-file function by name, or the function wrapped by `asyncHandler(fn)`-style calls. */
export function resolveFunction(ctx: RuleContext, arg: Node | null | undefined, depth = 0): { fn: Node; wrappers: string } | undefined {
  const n = unwrap(arg);
  if (!n || depth > 3) return undefined;
  if (FUNCTION_TYPES.has(n.type)) return { fn: n, wrappers: '' };
  if (n.type === 'identifier') {
    const f = ctx.facts.functionsByName.get(n.text);
    if (f) return { fn: f, wrappers: '' };
    const d = ctx.facts.constDeclarator(n.text, n) ?? ctx.facts.constDeclarator(n.text);
    const v = d && d.childForFieldName('name')?.type === 'identifier' ? d.childForFieldName('value') : null;
    return v ? resolveFunction(ctx, v, depth + 1) : undefined;
  }
  if (n.type === 'member_expression' && n.childForFieldName('object')?.type === 'this') {
    const m = classMember(n, n.childForFieldName('property')?.text);
    return m ? { fn: m, wrappers: '' } : undefined;
  }
  if (n.type === 'call_expression') {
    // asyncHandler(async (req, res) => ...), catchAsync(fn), withIdempotency(handler), route({ handler: async () => ... })
    const args = callArgs(n);
    const callee = n.childForFieldName('function');
    for (let i = args.length - 1; i >= 0; i--) {
      const r = resolveFunction(ctx, args[i], depth + 1) ?? handlerProperty(ctx, args[i], depth + 1);
      if (r) return { fn: r.fn, wrappers: (callee?.text ?? '') + ' ' + r.wrappers };
    }
    // wrap(options)(async () => ...)
    if (unwrap(callee)?.type === 'call_expression') return resolveFunction(ctx, callee, depth + 1);
  }
  return undefined;
}

/** Keys under which helper libraries take the handler function: `createRoute({ fn: async () => ... })`. */
const HANDLER_KEYS = ['handler', 'fn', 'handle', 'resolve', 'execute', 'action', 'run', 'process'];

function handlerProperty(ctx: RuleContext, arg: Node | null | undefined, depth: number): { fn: Node; wrappers: string } | undefined {
  const o = unwrap(arg);
  if (o?.type !== 'object') return undefined;
  for (const k of HANDLER_KEYS) {
    const p = ctx.facts.lookupProp(o, k);
    if (p.kind !== 'present' || !p.value) continue;
    if (p.value.type === 'method_definition') return { fn: p.value, wrappers: '' };
    const r = resolveFunction(ctx, p.value, depth + 1);
    if (r) return r;
  }
  return undefined;
}

/** A method (or arrow-function field) of the class around `at`. */
function classMember(at: Node, name: string | undefined): Node | undefined {
  if (!name) return undefined;
  let body: Node | null = at.parent;
  while (body && body.type !== 'class_body') body = body.parent;
  if (!body) return undefined;
  for (const m of namedChildren(body)) {
    if (m.type === 'method_definition' && keyName(m.childForFieldName('name')) === name) return m;
    if ((m.type === 'public_field_definition' || m.type === 'field_definition') && keyName(m.childForFieldName('name') ?? m.childForFieldName('property')) === name) {
      const v = unwrap(m.childForFieldName('value'));
      if (v && FUNCTION_TYPES.has(v.type)) return v;
    }
  }
  return undefined;
}

/** The name of the class a node sits in (its symbol-table name), for `this` resolution in the project pass. */
export function enclosingClassName(n: Node): string | undefined {
  for (let p: Node | null = n.parent; p; p = p.parent) {
    if (p.type === 'class_declaration' || p.type === 'abstract_class_declaration' || p.type === 'class') {
      const name = p.childForFieldName('name')?.text;
      if (name) return name;
      // `export default class { }`, `const X = class { }`
      if (p.parent?.type === 'export_statement') return 'default';
      if (p.parent?.type === 'variable_declarator') return p.parent.childForFieldName('name')?.text;
      return undefined;
    }
  }
  return undefined;
}

/**
 * A handler argument's target: a same-file function (see resolveFunction), or a reference the project layer may
 * resolve (an imported function, `controller.create`, a wrapper around one).
 */
export function resolveTarget(ctx: RuleContext, arg: Node | null | undefined, depth = 0): { fn: Node; wrappers: string } | { ref: Ref; wrappers: string; text: string } | undefined {
  const local = resolveFunction(ctx, arg);
  if (local) return local;
  const n = unwrap(arg);
  if (!n || depth > 3) return undefined;
  if (n.type === 'identifier' || n.type === 'member_expression') {
    const ref = ctx.refOf(n);
    return ref && ref.k !== 'this' ? { ref, wrappers: '', text: n.text.replace(/\s+/g, '') } : undefined;
  }
  if (n.type === 'call_expression') {
    // asyncHandler(ctrl.create), catchAsync(handler): the last argument of a wrapper that is not middleware
    const args = callArgs(n);
    const callee = n.childForFieldName('function');
    // controller.create.bind(controller): the bound method
    const cu = unwrap(callee);
    if (cu?.type === 'member_expression' && cu.childForFieldName('property')?.text === 'bind') return resolveTarget(ctx, cu.childForFieldName('object'), depth + 1);
    if (!args.length || MIDDLEWARE_FACTORY.test(calleeWord(callee))) return undefined;
    const r = resolveTarget(ctx, args[args.length - 1], depth + 1);
    if (r) return { ...r, wrappers: (callee?.text ?? '') + ' ' + r.wrappers };
  }
  return undefined;
}

const MIDDLEWARE_FACTORY = /valid|schema|zod|body|query|param|limit|auth|permission|role|guard|cors|json|multer|upload|middleware|require|check|verify|cache/i;

function calleeWord(callee: Node | null): string {
  const c = unwrap(callee);
  if (!c) return '';
  if (c.type === 'member_expression') return c.childForFieldName('property')?.text ?? '';
  return c.text;
}

export interface Param { name?: string; node: Node; pattern: Node }

/** Parameters of a function: name for identifiers; the pattern node for destructuring. */
export function params(fn: Node): Param[] {
  const single = fn.childForFieldName('parameter');
  if (single) return [{ name: single.type === 'identifier' ? single.text : undefined, node: single, pattern: single }];
  const ps = fn.childForFieldName('parameters');
  if (!ps) return [];
  const out: Param[] = [];
  for (const p of namedChildren(ps)) {
    if (p.type === 'comment' || p.type === 'decorator') continue;
    let pat: Node = p;
    if (p.type === 'required_parameter' || p.type === 'optional_parameter') pat = p.childForFieldName('pattern') ?? p;
    if (pat.type === 'assignment_pattern') pat = pat.childForFieldName('left') ?? pat;
    out.push({ name: pat.type === 'identifier' ? pat.text : undefined, node: p, pattern: pat });
  }
  return out;
}

function bodyOf(fn: Node): Node | null {
  return fn.childForFieldName('body');
}

export function span(n: Node): Span { return { start: n.startIndex, end: n.endIndex }; }

interface Where { head: Span; path?: string; method?: Node }

function fromFunction(kind: Handler['kind'], framework: Framework, label: string, fn: Node, guardText: string, where: Where): Handler | undefined {
  const body = bodyOf(fn);
  if (!body) return undefined;
  return {
    kind, framework, label, fn, start: body.startIndex, end: body.endIndex,
    insertBlock: body.type === 'statement_block' ? body : undefined, guardText, method: where.method,
    head: where.head, cls: enclosingClassName(fn), path: where.path,
  };
}

/** A handler target (local function or project reference) into the right list. */
function addTarget(out: Handlers, t: { fn: Node; wrappers: string } | { ref: Ref; wrappers: string; text: string }, kind: Handler['kind'], framework: Framework | ((fn: Node) => Framework),
  label: string, guardText: string, where: Where, site: Node): void {
  if ('fn' in t) {
    const h = fromFunction(kind, typeof framework === 'function' ? framework(t.fn) : framework, label, t.fn, guardText + ' ' + t.wrappers, where);
    if (h) out.local.push(h);
  } else {
    out.remote.push({ kind, framework: typeof framework === 'function' ? 'express' : framework, label, head: where.head, ref: t.ref, text: t.text, cls: enclosingClassName(site), guardText: guardText + ' ' + t.wrappers, path: where.path });
  }
}

/** Identifiers, `this` and member chains of them: `router`, `this.router`, `api.v1`. */
function isNameChain(n: Node | null): boolean {
  const u = unwrap(n);
  if (!u) return false;
  if (u.type === 'identifier' || u.type === 'this') return true;
  return u.type === 'member_expression' && isNameChain(u.childForFieldName('object'));
}

/** The route member a finding sits on: `router.post`; in a chain (`new Hono().post(...).post`) the `post` name only. */
export function memberHead(callee: Node): Span {
  const prop = callee.childForFieldName('property');
  if (prop && !isNameChain(callee.childForFieldName('object'))) return span(prop);
  return span(callee);
}

function httpFramework(ctx: RuleContext, fn: Node | undefined, hint?: Framework): Framework {
  if (hint) return hint;
  if (importsAny(ctx, /^hono(\/|$)/)) return 'hono';
  if (importsAny(ctx, /^fastify(\/|$)/)) return 'fastify';
  if (importsAny(ctx, /^(koa|@koa\/router|koa-router)$/)) return 'koa';
  if (!fn) return 'express';
  const ps = params(fn);
  if (ps.length === 1 && ps[0].name === 'c') return 'hono';
  if (ps.length >= 1 && ps[0].name === 'ctx') return 'koa';
  if (ps[1]?.name === 'reply') return 'fastify';
  return 'express';
}

function isHttpClientCall(ctx: RuleContext, callee: Node): boolean {
  let head: Node | null = unwrap(callee.childForFieldName('object'));
  while (head && (head.type === 'member_expression' || head.type === 'call_expression')) {
    head = unwrap(head.type === 'member_expression' ? head.childForFieldName('object') : head.childForFieldName('function'));
  }
  if (!head) return false;
  if (head.type === 'this') {
    const p = memberPath(callee.childForFieldName('object'));
    return !!p && p.length >= 2 && /^(http|httpClient|httpService|api|client)$/i.test(p[1]);
  }
  if (head.type !== 'identifier') return false;
  if (HTTP_CLIENT_ROOTS.test(head.text)) return true;
  const b = ctx.facts.moduleOf(head);
  return !!b && HTTP_CLIENT_MODULES.has(b.module.replace(/^node:/, ''));
}

/** `x.post(path, ...handlers)`, `x.route(path).post(h)`, `x.route({ method: 'POST', handler })`. */
function routeCall(ctx: RuleContext, call: Node, prop: string, out: Handlers): void {
  const callee = call.childForFieldName('function')!;
  const args = callArgs(call);
  if (args.length === 0) return;
  const head = memberHead(callee);
  if (prop === 'route') {
    for (const a of args) {
      const u = unwrap(a);
      if (!u) continue;
      if (u.type === 'object') routeObject(ctx, u, '', out, '', head);
      else if (u.type === 'array') for (const el of namedChildren(u)) if (el.type === 'object') routeObject(ctx, el, '', out);
    }
    return;
  }
  if (isHttpClientCall(ctx, callee)) return;
  const method = prop.toUpperCase();
  // handler candidates: function-ish arguments; the last one is the handler, the others are middleware
  let handler: ReturnType<typeof resolveTarget>;
  let handlerIdx = -1;
  for (let i = args.length - 1; i >= 0; i--) {
    const u = unwrap(args[i]);
    // fastify: x.post(path, { preHandler, handler })
    if (u && u.type === 'object' && i > 0) {
      const before = out.local.length + out.remote.length;
      routeObject(ctx, u, method, out, args.slice(0, i).map(x => x.text).join(' '), head);
      if (out.local.length + out.remote.length > before) return;
      continue;
    }
    const r = i > 0 || callee.childForFieldName('object')?.type === 'call_expression' ? resolveTarget(ctx, args[i]) : undefined;
    if (r) { handler = r; handlerIdx = i; break; }
    // a non-function argument after the path: middleware we cannot see, or the handler itself (unknown)
    if (i === args.length - 1 && i > 0) return;
  }
  if (!handler) return;
  const first = unwrap(args[0]);
  // a path first (koa-router: a route name, then the path), or a `.route(path)` chain with only handlers
  const pathOk = handlerIdx > 0
    ? !!first && ['string', 'template_string', 'identifier', 'array', 'regex', 'member_expression', 'binary_expression'].includes(first.type)
    : callee.childForFieldName('object')?.type === 'call_expression';
  if (!pathOk) return;
  if ('fn' in handler) {
    const ps = params(handler.fn);
    if (ps[0]?.name && /^(err|error|e)$/.test(ps[0].name)) return; // a callback, not a handler
  }
  const middleware = args.filter((_, i) => i !== handlerIdx).map(a => a.text).join(' ');
  const path = handlerIdx > 0 ? stringValue(first) ?? (first?.type === 'template_string' ? first.text.slice(1, -1) : undefined) : undefined;
  const routePath = handlerIdx > 1 ? [path, stringValue(args[1])].filter(Boolean).join(' ') : path;
  addTarget(out, handler, 'http', fn => httpFramework(ctx, fn), method, middleware, { head, path: routePath }, call);
}

function routeObject(ctx: RuleContext, obj: Node, knownMethod: string, out: Handlers, extraGuard = '', head?: Span): void {
  let method = knownMethod;
  const m = ctx.facts.lookupProp(obj, 'method');
  if (!method) {
    if (m.kind !== 'present' || !m.value) return;
    const v = unwrap(m.value);
    const texts = v && v.type === 'array' ? namedChildren(v).map(e => stringValue(e)) : [stringValue(v)];
    const hit = texts.find(t => t && /^(post|patch)$/i.test(t));
    if (!hit) return;
    method = hit.toUpperCase();
  }
  let hv = ctx.facts.lookupProp(obj, 'handler');
  let holder = obj;
  if (hv.kind !== 'present') {
    // hapi: { method, path, options: { handler } }
    const o = ctx.facts.lookupProp(obj, 'options');
    const inner = o.kind === 'present' ? ctx.facts.resolveObject(o.value) : null;
    if (!inner) return;
    hv = ctx.facts.lookupProp(inner, 'handler');
    holder = inner;
    if (hv.kind !== 'present') return;
  }
  const r = hv.value?.type === 'method_definition' ? { fn: hv.value, wrappers: '' } : resolveTarget(ctx, hv.value);
  if (!r) return;
  // guard text: everything in the route object except the handler itself
  const fnNode = 'fn' in r ? r.fn : hv.value!;
  const guard = ctx.text.slice(holder.startIndex, fnNode.startIndex) + ctx.text.slice(fnNode.endIndex, holder.endIndex) + ' ' + extraGuard;
  const p = ctx.facts.lookupProp(obj, 'path');
  const u = ctx.facts.lookupProp(obj, 'url');
  const path = stringValue(p.kind === 'present' ? p.value : u.kind === 'present' ? u.value : null);
  const where: Where = { head: head ?? (m.kind === 'present' && m.pair ? span(m.pair) : span(obj)), path };
  addTarget(out, r, 'http', fn => httpFramework(ctx, fn, u.kind === 'present' ? 'fastify' : undefined), method, guard, where, obj);
}

function nestDecorator(deco: Node, name: string, out: Handlers): void {
  let method: Node | null = null;
  const decos: Node[] = [];
  if (deco.parent?.type === 'method_definition') {
    method = deco.parent;
    for (const c of namedChildren(method)) if (c.type === 'decorator') decos.push(c);
  } else if (deco.parent?.type === 'class_body') {
    for (let s: Node | null = deco; s; s = s.nextNamedSibling) {
      if (s.type === 'decorator') { decos.push(s); continue; }
      if (s.type === 'method_definition') method = s;
      break;
    }
    for (let s: Node | null = deco.previousNamedSibling; s && s.type === 'decorator'; s = s.previousNamedSibling) decos.push(s);
  }
  if (!method) return;
  const cls = method.parent?.parent;
  const classDecos = cls && (cls.type === 'class_declaration' || cls.type === 'class') ? namedChildren(cls).filter(c => c.type === 'decorator').map(c => c.text).join(' ') : '';
  // class-level decorators in TS may also sit before `export class`
  const exp = cls?.parent?.type === 'export_statement' ? namedChildren(cls.parent).filter(c => c.type === 'decorator').map(c => c.text).join(' ') : '';
  const isEvent = name === 'EventPattern' || name === 'MessagePattern';
  const isJob = name === 'Process';
  const args = deco.namedChild(0)?.type === 'call_expression' ? callArgs(deco.namedChild(0)!) : [];
  const path = [controllerPath(cls), stringValue(args[0])].filter(x => x !== undefined).join('/');
  const h = fromFunction(isEvent || isJob ? 'consumer' : 'http', isEvent ? 'nest-event' : isJob ? 'bullmq' : 'nest',
    isEvent ? (name === 'EventPattern' ? 'event' : 'message') : isJob ? 'Bull job' : name.toUpperCase(), method,
    decos.map(d => d.text).join(' ') + ' ' + classDecos + ' ' + exp, { head: span(deco), method, path });
  if (h) out.local.push(h);
}

/** `@Controller('testing')` -> 'testing' (for development-only routes). */
function controllerPath(cls: Node | null | undefined): string | undefined {
  if (!cls) return undefined;
  const decos = [...namedChildren(cls), ...(cls.parent?.type === 'export_statement' ? namedChildren(cls.parent) : [])].filter(c => c.type === 'decorator');
  for (const d of decos) {
    const c = d.namedChild(0);
    if (c?.type === 'call_expression' && c.childForFieldName('function')?.text === 'Controller') {
      const a = callArgs(c)[0];
      const v = stringValue(a);
      if (v !== undefined) return v;
      const o = unwrap(a);
      if (o?.type === 'object') for (const p of namedChildren(o)) if (p.type === 'pair' && keyName(p.childForFieldName('key')) === 'path') return stringValue(p.childForFieldName('value'));
    }
  }
  return undefined;
}

/** NestJS BullMQ: `@Processor('q') class X extends WorkerHost { async process(job) {} }`. */
function nestProcessor(deco: Node, out: Handlers): void {
  let cls: Node | null = deco.parent;
  if (cls?.type === 'export_statement') cls = cls.childForFieldName('declaration');
  if (!cls || (cls.type !== 'class_declaration' && cls.type !== 'class')) return;
  const body = cls.childForFieldName('body');
  for (const m of body ? namedChildren(body) : []) {
    if (m.type !== 'method_definition' || keyName(m.childForFieldName('name')) !== 'process') continue;
    const h = fromFunction('consumer', 'bullmq', 'BullMQ job', m, namedChildren(cls).filter(c => c.type === 'decorator').map(c => c.text).join(' ') + ' ' + deco.text, { head: span(m.childForFieldName('name') ?? m) });
    if (h) out.local.push(h);
  }
}

/**
 * `req.method`, or a same-file `const` alias of it in the handler: `const { method } = req`,
 * `const { method: m } = req`, `const method = req.method` (a common Next.js pages API shape).
 */
function isReqMethod(ctx: RuleContext, n: Node | null | undefined, depth = 0): boolean {
  const u = unwrap(n);
  if (!u || depth > 1) return false;
  if (u.type === 'member_expression') {
    return u.childForFieldName('property')?.text === 'method' && /^(req|request)$/.test(u.childForFieldName('object')?.text ?? '');
  }
  if (u.type !== 'identifier') return false;
  const d = ctx.facts.constDeclarator(u.text, u);
  const name = d?.childForFieldName('name');
  const value = unwrap(d?.childForFieldName('value'));
  if (!name || !value) return false;
  if (name.type === 'identifier') return value.type === 'member_expression' && isReqMethod(ctx, value, depth + 1);
  if (name.type !== 'object_pattern' || value.type !== 'identifier' || !/^(req|request)$/.test(value.text)) return false;
  for (const p of namedChildren(name)) {
    if (p.type === 'shorthand_property_identifier_pattern' && p.text === 'method' && u.text === 'method') return true;
    if (p.type === 'pair_pattern' && keyName(p.childForFieldName('key')) === 'method' && p.childForFieldName('value')?.text === u.text) return true;
  }
  return false;
}

/** `req.method === 'POST'` branches (pages API, plain Node handlers) and `switch (req.method) { case 'POST': }` (also through a `const { method } = req` alias). */
function methodBranch(ctx: RuleContext, cmp: Node, out: Handlers): void {
  const left = cmp.childForFieldName('left'), right = cmp.childForFieldName('right');
  const other = left?.type === 'string' ? right : left;
  if (!isReqMethod(ctx, other)) return;
  const op = cmp.childForFieldName('operator')?.text ?? '';
  const lit = stringValue(left?.type === 'string' ? left : right) ?? '';
  // climb through && / || / parentheses to the if statement's condition
  let n: Node = cmp;
  while (n.parent && (n.parent.type === 'binary_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const ifs = n.parent;
  if (!ifs || ifs.type !== 'if_statement') return;
  const fn = enclosingFn(ifs);
  if (!fn) return;
  const base = { kind: 'http' as const, framework: 'next-pages' as const, label: lit.toUpperCase(), fn, guardText: '', head: span(cmp), cls: enclosingClassName(fn) };
  if (op === '===' || op === '==') {
    const cons = ifs.childForFieldName('consequence');
    if (!cons) return;
    out.local.push({ ...base, start: cons.startIndex, end: cons.endIndex, insertBlock: cons.type === 'statement_block' ? cons : undefined });
  } else if (op === '!==' || op === '!=') {
    const cons = ifs.childForFieldName('consequence');
    if (!cons || !/^\{?\s*(return|throw)\b/.test(cons.text)) return;
    const block = ifs.parent;
    if (!block || block.type !== 'statement_block') return;
    const next = ifs.nextNamedSibling;
    if (!next) return;
    out.local.push({ ...base, start: ifs.endIndex, end: block.endIndex, insertBefore: next });
  }
}

function switchCase(ctx: RuleContext, sc: Node, out: Handlers): void {
  const sw = sc.parent?.parent;
  const value = sw?.type === 'switch_statement' ? unwrap(sw.childForFieldName('value')) : null;
  if (!value || !isReqMethod(ctx, value)) return;
  const fn = enclosingFn(sc);
  if (!fn) return;
  const v = sc.childForFieldName('value');
  const lit = stringValue(v) ?? '';
  const stmts = namedChildren(sc).filter(c => c.startIndex > (v?.endIndex ?? 0) && c.type !== 'comment');
  if (!stmts.length) return;
  const block = stmts.length === 1 && stmts[0].type === 'statement_block' ? stmts[0] : undefined;
  out.local.push({
    kind: 'http', framework: 'next-pages', label: lit.toUpperCase(), fn, start: stmts[0].startIndex, end: sc.endIndex,
    insertBlock: block, insertBefore: block ? undefined : stmts[0], guardText: '', head: span(v ?? sc), cls: enclosingClassName(fn),
  });
}

function enclosingFn(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

/** A kafkajs / sqs-consumer handler entry in an options object. */
function consumerEntry(ctx: RuleContext, key: string, entry: Node, value: Node | null, keyNode: Node, out: Handlers): void {
  const objNode = entry.parent;
  if (key === 'handleMessage' || key === 'handleMessageBatch') {
    const host = objNode?.parent?.parent; // object -> arguments -> call/new
    const calleeText = host ? (host.childForFieldName('function') ?? host.childForFieldName('constructor'))?.text ?? '' : '';
    if (!importsAny(ctx, /^sqs-consumer$/) && !/Consumer/.test(calleeText)) return;
  } else if (!isKafkaRun(ctx, objNode)) return;
  const r = value?.type === 'method_definition' ? { fn: value, wrappers: '' } : resolveTarget(ctx, value);
  if (!r) return;
  const fw: Framework = key.startsWith('each') ? (key === 'eachBatch' ? 'kafkajs-batch' : 'kafkajs') : 'sqs-consumer';
  const label = fw === 'sqs-consumer' ? 'SQS message' : 'Kafka message';
  addTarget(out, r, 'consumer', fw, label, '', { head: span(keyNode) }, entry);
}

/** `consumer.run({ eachMessage })` (kafkajs) or an options object in a file that imports kafkajs. */
function isKafkaRun(ctx: RuleContext, obj: Node | null | undefined): boolean {
  const call = obj?.parent?.parent;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'run') return true;
  return importsAny(ctx, /kafka/i);
}

/** A Lambda handler typed with aws-lambda's SQSEvent / SNSEvent / EventBridgeEvent (or the *Handler types). */
function lambdaType(ctx: RuleContext, t: Node, out: Handlers): void {
  const name = t.text;
  const fw: Framework = name.startsWith('SQS') ? 'lambda-sqs' : name.startsWith('SNS') ? 'lambda-sns' : 'lambda-eventbridge';
  let fn: Node | null = null;
  let headNode: Node | null = null;
  let n: Node | null = t;
  for (let i = 0; n && i < 8; i++, n = n.parent) {
    if (n.type === 'required_parameter' || n.type === 'optional_parameter') {
      const f = n.parent?.parent;
      if (f && FUNCTION_TYPES.has(f.type)) {
        // only the first parameter is the event
        const first = namedChildren(n.parent!).find(c => c.type !== 'comment');
        if (first && first.startIndex === n.startIndex) fn = f;
      }
      break;
    }
    if (n.type === 'variable_declarator') {
      const v = unwrap(n.childForFieldName('value'));
      const typeAnn = n.childForFieldName('type');
      if (v && typeAnn && typeAnn.startIndex <= t.startIndex && t.endIndex <= typeAnn.endIndex) { fn = resolveFunction(ctx, v)?.fn ?? null; headNode = n.childForFieldName('name'); }
      break;
    }
    if (FUNCTION_TYPES.has(n.type) || n.type === 'statement_block') break;
  }
  if (!fn) return;
  headNode ??= fn.childForFieldName('name') ?? (fn.parent?.type === 'variable_declarator' ? fn.parent.childForFieldName('name') : null) ?? t;
  const label = fw === 'lambda-sqs' ? 'SQS message' : fw === 'lambda-sns' ? 'SNS message' : 'EventBridge event';
  const h = fromFunction('consumer', fw, label, fn, '', { head: span(headNode) });
  if (h) out.local.push(h);
}

/** `export const POST = ...` / `{ POST: createRoute({ fn }) }` method maps (Next.js pages API helpers). */
function methodKey(ctx: RuleContext, key: Node, out: Handlers): void {
  const pair = key.parent;
  if (pair?.type !== 'pair' || pair.childForFieldName('key')?.startIndex !== key.startIndex || pair.parent?.type !== 'object') return;
  const label = (stringValue(key) ?? key.text).toUpperCase();
  const r = resolveTarget(ctx, pair.childForFieldName('value'));
  if (!r) return;
  addTarget(out, r, 'http', fn => httpFramework(ctx, fn, params(fn).length >= 2 ? 'next-pages' : 'next-app'), label, '', { head: span(key) }, pair);
}

const WEBHOOK_VERIFY = /\bconstructEvent(?:Async)?\s*\(|\bwebhooks?\s*\.\s*(?:verify|verifyAndReceive|constructEvent)\w*\s*\(|\bnew\s+Webhook\s*\(|\bverify\w*Webhook\w*\s*\(|\bvalidate\w*Webhook\w*\s*\(|\bverify\w*Signature\s*\(|['"](?:stripe-signature|svix-signature|x-hub-signature(?:-256)?|webhook-signature|x-signature|x-webhook-signature)['"]/i;

/** Which webhook a handler receives, from its signature check (the sender redelivers until it gets a 2xx). */
export function webhookOf(text: string): string | undefined {
  const m = WEBHOOK_VERIFY.exec(text);
  if (!m) return undefined;
  const t = m[0].toLowerCase();
  if (/constructevent|stripe-signature/.test(t)) return 'Stripe';
  if (/svix|new\s+webhook/.test(t)) return 'Svix';
  if (/hub-signature/.test(t) || /x-github-event|x-hub-signature/i.test(text)) return 'GitHub';
  return '';
}

/**
 * Webhook receivers without a POST route form: a default-exported pages API handler, a Remix/React Router `action`,
 * or another exported function that verifies a webhook signature (the sender only POSTs, and redelivers).
 */
function webhookReceivers(ctx: RuleContext, out: Handlers): void {
  for (const m of ctx.matchAll(new RegExp(WEBHOOK_VERIFY.source, 'gi'))) {
    const at = ctx.root.descendantForIndex(m.index, m.index + 1);
    let fn = at && enclosingFn(at);
    // the outermost function of the export
    while (fn) { const up = enclosingFn(fn); if (!up) break; fn = up; }
    if (!fn) continue;
    const decl = fn.type === 'function_declaration' ? fn : fn.parent?.type === 'variable_declarator' ? fn.parent : null;
    const stmt = decl?.type === 'variable_declarator' ? decl.parent : decl ?? fn;
    const exp = stmt?.parent?.type === 'export_statement' ? stmt.parent : fn.parent?.type === 'export_statement' ? fn.parent : null;
    if (!exp || exp.parent?.type !== 'program') continue;
    const nameNode = decl?.childForFieldName('name') ?? null;
    const name = nameNode?.text ?? 'default';
    if (/^(GET|PUT|DELETE|HEAD|OPTIONS|loader)$/.test(name)) continue;
    const h = fromFunction('http', params(fn).length >= 2 ? 'next-pages' : name === 'action' ? 'remix' : 'next-app', 'POST', fn, '', { head: span(nameNode ?? exp.firstChild ?? exp) });
    if (h) out.local.push({ ...h, webhookOnly: true });
  }
}

/** A file-based route's path from the file name (`app/api/invites/[id]/resend/route.ts`, `admin.seed.tsx`): its route. */
function routeModulePath(ctx: RuleContext): string {
  const posix = ctx.file.replace(/\\/g, '/');
  const m = /(?:^|\/)(?:routes|app|pages|api)\/(.*)$/.exec(posix);
  return (m ? m[1] : posix.split('/').pop()!).replace(/\.[cm]?[jt]sx?$/, '').replace(/\/route$/, '');
}

/** Remix / React Router route modules: a file under a `routes/` folder (not a server's `server/routes/`), or one importing Remix. */
function isRemixRoute(ctx: RuleContext): boolean {
  const posix = ctx.file.replace(/\\/g, '/');
  return (/(^|\/)routes\/.+\.[cm]?[jt]sx?$/.test(posix) && !/(^|\/)server\/routes\//.test(posix)) || importsAny(ctx, /^(@remix-run\/|react-router)/);
}

/** `x.on('POST', path, ...handlers)` (Hono), `router.route('POST', path, h)`, `addRoute('PATCH', ...)`. */
function methodArgRoute(ctx: RuleContext, call: Node, method: string, out: Handlers): void {
  const callee = call.childForFieldName('function')!;
  if (isHttpClientCall(ctx, callee)) return;
  const args = callArgs(call);
  if (args.length < 3) return;
  const r = resolveTarget(ctx, args[args.length - 1]);
  if (!r) return;
  addTarget(out, r, 'http', fn => httpFramework(ctx, fn), method, args.slice(2, -1).map(a => a.text).join(' '), { head: memberHead(callee), path: stringValue(args[1]) }, call);
}

/** tRPC `procedure.input(s).mutation(async ({ ctx, input }) => ...)`: a POST under the hood, retried like one. */
function trpcMutation(ctx: RuleContext, call: Node, out: Handlers): void {
  const callee = call.childForFieldName('function')!;
  const args = callArgs(call);
  if (args.length !== 1) return;
  const r = resolveTarget(ctx, args[0]);
  if (!r) return;
  // the procedure chain is the middleware (idempotency middleware counts)
  const chain = callee.childForFieldName('object')?.text ?? '';
  const name = procedureName(call);
  addTarget(out, r, 'http', 'trpc', 'tRPC mutation', chain.length < 400 ? chain : '', { head: span(callee.childForFieldName('property')!), path: name }, call);
}

/** The router key of a procedure: `create: protectedProcedure...mutation(...)` -> create. */
function procedureName(call: Node): string | undefined {
  let n: Node | null = call;
  for (let i = 0; n && i < 3; i++, n = n.parent) {
    if (n.type === 'pair') return keyName(n.childForFieldName('key'));
    if (n.type === 'variable_declarator') return n.childForFieldName('name')?.text;
  }
  return undefined;
}

/** Bull (v3) / bee-queue `queue.process([name,] [concurrency,] async (job) => ...)`: a job the queue retries. */
function queueProcess(ctx: RuleContext, call: Node, out: Handlers): void {
  const callee = call.childForFieldName('function')!;
  const obj = callee.childForFieldName('object');
  if (!/queue/i.test(obj?.text ?? '') && !importsAny(ctx, /^(bull|bee-queue|@nestjs\/bull|bullmq|kue|pg-boss)$/)) return;
  const args = callArgs(call);
  if (!args.length) return;
  const r = resolveTarget(ctx, args[args.length - 1]);
  if (!r) return;
  addTarget(out, r, 'consumer', 'bull', 'queued job', '', { head: memberHead(callee) }, call);
}

/** Whether a job config object sets its retry count to at most `max` (`retries: 0`, `maxAttempts: 1`): no redelivery. */
function noRetries(ctx: RuleContext, config: Node | null | undefined, key: string, max: number): boolean {
  const obj = config ? ctx.facts.resolveObject(config) : undefined;
  if (!obj || obj.type !== 'object') return false;
  const v = ctx.facts.lookupProp(obj, key);
  return v.kind === 'present' && !!v.value && /^\d+$/.test(v.value.text) && Number(v.value.text) <= max;
}

/** inngest `createFunction(config, trigger, async ({ event, step }) => ...)`: retried on failure. */
function inngestFunction(ctx: RuleContext, call: Node, out: Handlers): void {
  const args = callArgs(call);
  if (args.length < 2) return;
  // `createFunction({ id, retries: 0 }, ...)`: Inngest never runs it again after a failure
  if (noRetries(ctx, args[0], 'retries', 0)) return;
  const r = resolveTarget(ctx, args[args.length - 1]);
  if (!r) return;
  addTarget(out, r, 'consumer', 'task', 'Inngest function run', '', { head: memberHead(call.childForFieldName('function')!) }, call);
}

/** trigger.dev `task({ id, run: async (payload) => ... })` / `schemaTask(...)`: retried on failure. */
function taskCall(ctx: RuleContext, call: Node, out: Handlers): void {
  const callee = call.childForFieldName('function')!;
  const head = callee.type === 'member_expression' ? callee.childForFieldName('object') : callee;
  const b = head?.type === 'identifier' ? ctx.facts.moduleOf(head) : undefined;
  if (!b || !/^@trigger\.dev\/sdk/.test(b.module)) return;
  const obj = unwrap(callArgs(call)[0]);
  if (obj?.type !== 'object') return;
  const run = ctx.facts.lookupProp(obj, 'run');
  if (run.kind !== 'present' || !run.value) return;
  const r = run.value.type === 'method_definition' ? { fn: run.value, wrappers: '' } : resolveTarget(ctx, run.value);
  if (!r) return;
  // `retry: { maxAttempts: 1 }`: the task is never run again after a failure
  const retry = ctx.facts.lookupProp(obj, 'retry');
  if (retry.kind === 'present' && noRetries(ctx, retry.value, 'maxAttempts', 1)) return;
  const id = ctx.facts.lookupProp(obj, 'id');
  addTarget(out, r, 'consumer', 'task', 'trigger.dev task run', '', { head: span(callee), path: id.kind === 'present' ? stringValue(id.value) : undefined }, call);
}

/** `perform()` of a class extending a `...Task` / `...Processor` base (job runners that retry failed jobs). */
function performMethod(m: Node, out: Handlers): void {
  const cls = m.parent?.parent;
  if (!cls || (cls.type !== 'class_declaration' && cls.type !== 'class' && cls.type !== 'abstract_class_declaration')) return;
  const heritage = namedChildren(cls).find(c => c.type === 'class_heritage')?.text ?? '';
  if (!/extends\s+[\w.]*(Task|Processor)\b/.test(heritage)) return;
  const h = fromFunction('consumer', 'task', 'queued job', m, '', { head: span(m.childForFieldName('name') ?? m) });
  if (h) out.local.push(h);
}

export function findHandlers(ctx: RuleContext): Handlers {
  return ctx.memo('nih.handlers', () => {
    const out: Handlers = { local: [], remote: [] };
    const hits = scan(ctx);
    const get = (k: string) => hits.get(k) ?? [];
    for (const call of get('mcall')) {
      const callee = call.childForFieldName('function')!;
      const prop = callee.childForFieldName('property')?.text ?? '';
      const a0 = stringValue(callArgs(call)[0]);
      if (a0 && /^(post|patch)$/i.test(a0) && ['on', 'route', 'addRoute', 'handle', 'register'].includes(prop)) methodArgRoute(ctx, call, a0.toUpperCase(), out);
      else if (prop === 'post' || prop === 'patch' || prop === 'route') routeCall(ctx, call, prop, out);
      else if (prop === 'mutation') trpcMutation(ctx, call, out);
      else if (prop === 'process') queueProcess(ctx, call, out);
      else if (prop === 'createFunction') inngestFunction(ctx, call, out);
      else if (prop === 'consume') {
        const obj = callee.childForFieldName('object');
        if (!importsAny(ctx, /^(amqplib|amqplib\/callback_api|amqp-connection-manager)$/) && !/(^|\.)(ch|chan|channel|\w*Channel)$/i.test(obj?.text ?? '')) continue;
        const r = resolveTarget(ctx, callArgs(call)[1]);
        if (r) addTarget(out, r, 'consumer', 'amqplib', 'RabbitMQ message', callArgs(call)[2]?.text ?? '', { head: memberHead(callee) }, call);
      } else if (prop === 'on' || prop === 'addListener') {
        const args = callArgs(call);
        if (stringValue(args[0]) !== 'message' || !importsAny(ctx, /^@google-cloud\/pubsub$/)) continue;
        const r = resolveTarget(ctx, args[1]);
        if (r) addTarget(out, r, 'consumer', 'pubsub', 'Pub/Sub message', '', { head: memberHead(callee) }, call);
      }
    }
    for (const w of get('worker')) {
      const ctor = w.childForFieldName('constructor');
      const b = ctor ? ctx.facts.moduleOf(ctor) : undefined;
      if (!b || !/^(bullmq|@nestjs\/bullmq)$/.test(b.module)) continue;
      const args = w.childForFieldName('arguments');
      const r = args ? resolveTarget(ctx, namedChildren(args)[1]) : undefined;
      if (r) addTarget(out, r, 'consumer', 'bullmq', 'BullMQ job', '', { head: { start: w.startIndex, end: ctor!.endIndex } }, w);
    }
    for (const d of get('deco')) {
      const name = d.namedChild(0)?.childForFieldName('function')?.text ?? '';
      if (name === 'Processor') nestProcessor(d, out);
      else if (/^(RabbitSubscribe|SqsMessageHandler|KafkaListener)$/.test(name)) nestDecorator(d, 'EventPattern', out);
      else nestDecorator(d, name, out);
    }
    const remix = isRemixRoute(ctx);
    for (const e of get('nextfn')) {
      const fn = e.childForFieldName('declaration');
      const nameNode = fn?.childForFieldName('name');
      if (!fn || !nameNode || (nameNode.text === 'action' && !remix)) continue;
      const isAction = nameNode.text === 'action';
      const h = fromFunction('http', isAction ? 'remix' : 'next-app', isAction ? 'action' : nameNode.text, fn, '', { head: span(nameNode), path: routeModulePath(ctx) });
      if (h) out.local.push(h);
    }
    for (const d of get('nextdecl')) {
      const nameNode = d.childForFieldName('name')!;
      if (nameNode.text === 'action' && !remix) continue;
      const isAction = nameNode.text === 'action';
      const r = resolveTarget(ctx, d.childForFieldName('value'));
      if (r) addTarget(out, r, 'http', isAction ? 'remix' : 'next-app', isAction ? 'action' : nameNode.text, '', { head: span(nameNode), path: routeModulePath(ctx) }, d);
    }
    for (const c of get('task')) taskCall(ctx, c, out);
    for (const m of get('perform')) performMethod(m, out);
    for (const str of get('method')) {
      const p = str.parent;
      if (p?.type === 'binary_expression') {
        const other = p.childForFieldName('left')?.startIndex === str.startIndex ? p.childForFieldName('right') : p.childForFieldName('left');
        if (other && (other.type === 'member_expression' ? other.childForFieldName('property')?.text === 'method' : other.type === 'identifier')) methodBranch(ctx, p, out);
      } else if (p?.type === 'switch_case' && p.childForFieldName('value')?.startIndex === str.startIndex) switchCase(ctx, p, out);
      else if (p?.type === 'pair') methodKey(ctx, str, out);
    }
    for (const k of get('methodkey')) methodKey(ctx, k, out);
    for (const n of get('consumer')) {
      const p = n.parent;
      if (n.type === 'property_identifier' && p?.type === 'pair' && p.childForFieldName('key')?.startIndex === n.startIndex) consumerEntry(ctx, n.text, p, p.childForFieldName('value'), n, out);
      else if (n.type === 'property_identifier' && p?.type === 'method_definition') consumerEntry(ctx, n.text, p, p, n, out);
      else if (n.type === 'shorthand_property_identifier' && p?.type === 'object') consumerEntry(ctx, n.text, n, n, n, out);
    }
    for (const t of get('awstype')) lambdaType(ctx, t, out);
    webhookReceivers(ctx, out);
    // one handler per region (a function typed twice, a branch found twice); a method branch wins over its function
    const seen = new Set<string>();
    const local = out.local.filter(h => {
      const k = `${h.start}:${h.end}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }).filter((h, _, all) => !(h.webhookOnly && all.some(o => o !== h && o.fn.startIndex === h.fn.startIndex && !o.webhookOnly)))
      // a Remix action / pages handler with a `request.method === 'POST'` branch: the branch is the POST handler
      .filter((h, _, all) => h.framework === 'next-pages' || !all.some(o => o !== h && o.framework === 'next-pages' && o.fn.startIndex === h.fn.startIndex));
    const seenRemote = new Set<string>();
    const remote = out.remote.filter(h => {
      const k = `${h.head.start}:${h.head.end}`;
      if (seenRemote.has(k)) return false;
      seenRemote.add(k);
      return true;
    });
    return { local, remote };
  });
}
