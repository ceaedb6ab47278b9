/**
 * Handler recognition for non-idempotent-handler: HTTP POST/PATCH routes (Express, Koa, Hono, Fastify, Hapi-style
 * route objects, NestJS, Next.js app router and pages API) and message consumers (kafkajs, sqs-consumer, Lambda
 * SQS/SNS/EventBridge, amqplib, BullMQ, Google Pub/Sub, NestJS microservices).
 *
 * Everything starts from the rule's query captures (prefix `nih.`); only local navigation happens here.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { callArgs, keyName, memberPath, namedChildren, stringValue, unwrap, FUNCTION_TYPES } from '../../core/ast';

export type Framework =
  | 'express' | 'koa' | 'hono' | 'fastify' | 'nest' | 'next-app' | 'next-pages'
  | 'kafkajs' | 'kafkajs-batch' | 'sqs-consumer' | 'lambda-sqs' | 'lambda-sns' | 'lambda-eventbridge'
  | 'amqplib' | 'bullmq' | 'pubsub' | 'nest-event';

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
}

/**
 * Entry points are found by a text scan + `descendantForIndex` at each hit rather than by query patterns with
 * `#match?` predicates: the predicates run in JS for every member call / pair / type identifier of the file, which
 * measured ~10x slower on the bench corpus (see the rule docs). Only files that pass the rule's `triggers` get here.
 */
const SCANS: { name: string; re: RegExp; group: number; climb: (n: Node) => Node | null }[] = [
  { name: 'mcall', re: /\.\s*(post|patch|route|consume)\s*\(/g, group: 1, climb: n => memberCall(n) },
  { name: 'mcall', re: /\.\s*(on|addListener)\s*\(\s*['"]message['"]/g, group: 1, climb: n => memberCall(n) },
  { name: 'worker', re: /\bnew\s+(Worker)\b/g, group: 1, climb: n => n.type === 'identifier' && n.parent?.type === 'new_expression' ? n.parent : null },
  { name: 'deco', re: /@\s*(Post|Patch|EventPattern|MessagePattern)\s*\(/g, group: 1, climb: n => n.type === 'identifier' && n.parent?.type === 'call_expression' && n.parent.parent?.type === 'decorator' ? n.parent.parent : null },
  { name: 'nextfn', re: /\bexport\s+(?:async\s+)?function\s*\*?\s*(POST|PATCH)\b/g, group: 1, climb: n => n.parent?.type === 'function_declaration' && n.parent.parent?.type === 'export_statement' ? n.parent.parent : null },
  { name: 'nextdecl', re: /\bexport\s+(?:const|let|var)\s+(POST|PATCH)\b/g, group: 1, climb: n => n.parent?.type === 'variable_declarator' && n.parent.parent?.parent?.type === 'export_statement' ? n.parent : null },
  { name: 'method', re: /(['"])(POST|PATCH)\1/g, group: 0, climb: n => n.type === 'string' ? n : n.parent?.type === 'string' ? n.parent : null },
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
  if (n.type === 'call_expression') {
    // asyncHandler(async (req, res) => ...), catchAsync(fn), withIdempotency(handler)
    const args = callArgs(n);
    for (let i = args.length - 1; i >= 0; i--) {
      const r = resolveFunction(ctx, args[i], depth + 1);
      if (r) {
        const callee = n.childForFieldName('function');
        return { fn: r.fn, wrappers: (callee?.text ?? '') + ' ' + r.wrappers };
      }
    }
  }
  return undefined;
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

function fromFunction(kind: Handler['kind'], framework: Framework, label: string, fn: Node, guardText: string, method?: Node): Handler | undefined {
  const body = bodyOf(fn);
  if (!body) return undefined;
  return {
    kind, framework, label, fn, start: body.startIndex, end: body.endIndex,
    insertBlock: body.type === 'statement_block' ? body : undefined, guardText, method,
  };
}

function httpFramework(ctx: RuleContext, fn: Node, hint?: Framework): Framework {
  if (hint) return hint;
  const ps = params(fn);
  if (importsAny(ctx, /^hono(\/|$)/)) return 'hono';
  if (importsAny(ctx, /^fastify(\/|$)/)) return 'fastify';
  if (importsAny(ctx, /^(koa|@koa\/router|koa-router)$/)) return 'koa';
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
function routeCall(ctx: RuleContext, call: Node, prop: string, out: Handler[]): void {
  const callee = call.childForFieldName('function')!;
  const args = callArgs(call);
  if (args.length === 0) return;
  if (prop === 'route') {
    for (const a of args) {
      const u = unwrap(a);
      if (!u) continue;
      if (u.type === 'object') routeObject(ctx, u, '', out);
      else if (u.type === 'array') for (const el of namedChildren(u)) if (el.type === 'object') routeObject(ctx, el, '', out);
    }
    return;
  }
  if (isHttpClientCall(ctx, callee)) return;
  const method = prop.toUpperCase();
  // handler candidates: function-ish arguments; the last one is the handler, the others are middleware
  let handler: { fn: Node; wrappers: string } | undefined;
  let handlerIdx = -1;
  for (let i = args.length - 1; i >= 0; i--) {
    const r = resolveFunction(ctx, args[i]);
    if (r) { handler = r; handlerIdx = i; break; }
    const u = unwrap(args[i]);
    // fastify: x.post(path, { preHandler, handler })
    if (u && u.type === 'object' && i > 0) {
      const before = out.length;
      routeObject(ctx, u, method, out, args.slice(0, i).map(x => x.text).join(' '));
      if (out.length > before) return;
    }
  }
  if (!handler) return;
  const first = unwrap(args[0]);
  // a path first, or a `.route(path)` chain with only handlers
  const pathOk = handlerIdx > 0
    ? !!first && ['string', 'template_string', 'identifier', 'array', 'regex', 'member_expression', 'binary_expression'].includes(first.type)
    : callee.childForFieldName('object')?.type === 'call_expression';
  if (!pathOk) return;
  const ps = params(handler.fn);
  if (ps[0]?.name && /^(err|error|e)$/.test(ps[0].name)) return; // a callback, not a handler
  const middleware = args.filter((_, i) => i !== handlerIdx).map(a => a.text).join(' ');
  const h = fromFunction('http', httpFramework(ctx, handler.fn), method, handler.fn, middleware + ' ' + handler.wrappers);
  if (h) out.push(h);
}

function routeObject(ctx: RuleContext, obj: Node, knownMethod: string, out: Handler[], extraGuard = ''): void {
  let method = knownMethod;
  if (!method) {
    const m = ctx.facts.lookupProp(obj, 'method');
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
  const r = hv.value?.type === 'method_definition' ? { fn: hv.value, wrappers: '' } : resolveFunction(ctx, hv.value);
  if (!r) return;
  // guard text: everything in the route object except the handler itself
  const guard = ctx.text.slice(holder.startIndex, r.fn.startIndex) + ctx.text.slice(r.fn.endIndex, holder.endIndex) + ' ' + extraGuard + ' ' + r.wrappers;
  const h = fromFunction('http', httpFramework(ctx, r.fn, ctx.facts.lookupProp(obj, 'url').kind === 'present' ? 'fastify' : undefined), method, r.fn, guard);
  if (h) out.push(h);
}

function nestDecorator(deco: Node, name: string, out: Handler[]): void {
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
  const h = fromFunction(isEvent ? 'consumer' : 'http', isEvent ? 'nest-event' : 'nest',
    isEvent ? (name === 'EventPattern' ? 'event' : 'message') : name.toUpperCase(), method,
    decos.map(d => d.text).join(' ') + ' ' + classDecos + ' ' + exp, method);
  if (h) out.push(h);
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
function methodBranch(ctx: RuleContext, cmp: Node, out: Handler[]): void {
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
  if (op === '===' || op === '==') {
    const cons = ifs.childForFieldName('consequence');
    if (!cons) return;
    out.push({
      kind: 'http', framework: 'next-pages', label: lit.toUpperCase(), fn, start: cons.startIndex, end: cons.endIndex,
      insertBlock: cons.type === 'statement_block' ? cons : undefined, guardText: '',
    });
  } else if (op === '!==' || op === '!=') {
    const cons = ifs.childForFieldName('consequence');
    if (!cons || !/^\{?\s*(return|throw)\b/.test(cons.text)) return;
    const block = ifs.parent;
    if (!block || block.type !== 'statement_block') return;
    const next = ifs.nextNamedSibling;
    if (!next) return;
    out.push({
      kind: 'http', framework: 'next-pages', label: lit.toUpperCase(), fn, start: ifs.endIndex, end: block.endIndex,
      insertBefore: next, guardText: '',
    });
  }
}

function switchCase(ctx: RuleContext, sc: Node, out: Handler[]): void {
  const sw = sc.parent?.parent;
  const value = sw?.type === 'switch_statement' ? unwrap(sw.childForFieldName('value')) : null;
  if (!value || !isReqMethod(ctx, value)) return;
  const fn = enclosingFn(sc);
  if (!fn) return;
  const lit = stringValue(sc.childForFieldName('value')) ?? '';
  const stmts = namedChildren(sc).filter(c => c.startIndex > (sc.childForFieldName('value')?.endIndex ?? 0) && c.type !== 'comment');
  if (!stmts.length) return;
  const block = stmts.length === 1 && stmts[0].type === 'statement_block' ? stmts[0] : undefined;
  out.push({
    kind: 'http', framework: 'next-pages', label: lit.toUpperCase(), fn, start: stmts[0].startIndex, end: sc.endIndex,
    insertBlock: block, insertBefore: block ? undefined : stmts[0], guardText: '',
  });
}

function enclosingFn(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

/** A kafkajs / sqs-consumer handler entry in an options object. */
function consumerEntry(ctx: RuleContext, key: string, entry: Node, value: Node | null, out: Handler[]): void {
  const objNode = entry.parent;
  if (key === 'handleMessage' || key === 'handleMessageBatch') {
    const host = objNode?.parent?.parent; // object -> arguments -> call/new
    const calleeText = host ? (host.childForFieldName('function') ?? host.childForFieldName('constructor'))?.text ?? '' : '';
    if (!importsAny(ctx, /^sqs-consumer$/) && !/Consumer/.test(calleeText)) return;
  }
  const r = value?.type === 'method_definition' ? { fn: value, wrappers: '' } : resolveFunction(ctx, value);
  if (!r) return;
  const fw: Framework = key.startsWith('each') ? (key === 'eachBatch' ? 'kafkajs-batch' : 'kafkajs') : 'sqs-consumer';
  const label = fw === 'sqs-consumer' ? 'SQS message' : 'Kafka message';
  const h = fromFunction('consumer', fw, label, r.fn, r.wrappers);
  if (h) out.push(h);
}

/** A Lambda handler typed with aws-lambda's SQSEvent / SNSEvent / EventBridgeEvent (or the *Handler types). */
function lambdaType(ctx: RuleContext, t: Node, out: Handler[]): void {
  const name = t.text;
  const fw: Framework = name.startsWith('SQS') ? 'lambda-sqs' : name.startsWith('SNS') ? 'lambda-sns' : 'lambda-eventbridge';
  let fn: Node | null = null;
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
      if (v && typeAnn && typeAnn.startIndex <= t.startIndex && t.endIndex <= typeAnn.endIndex) fn = resolveFunction(ctx, v)?.fn ?? null;
      break;
    }
    if (FUNCTION_TYPES.has(n.type) || n.type === 'statement_block') break;
  }
  if (!fn) return;
  const label = fw === 'lambda-sqs' ? 'SQS message' : fw === 'lambda-sns' ? 'SNS message' : 'EventBridge event';
  const h = fromFunction('consumer', fw, label, fn, '');
  if (h) out.push(h);
}

export function findHandlers(ctx: RuleContext): Handler[] {
  const out: Handler[] = [];
  const hits = scan(ctx);
  const get = (k: string) => hits.get(k) ?? [];
  for (const call of get('mcall')) {
    const prop = call.childForFieldName('function')?.childForFieldName('property')?.text ?? '';
    if (prop === 'post' || prop === 'patch' || prop === 'route') routeCall(ctx, call, prop, out);
    else if (prop === 'consume') {
      const obj = call.childForFieldName('function')?.childForFieldName('object');
      if (!importsAny(ctx, /^(amqplib|amqplib\/callback_api|amqp-connection-manager)$/) && !/(^|\.)(ch|chan|channel|\w*Channel)$/i.test(obj?.text ?? '')) continue;
      const r = resolveFunction(ctx, callArgs(call)[1]);
      const h = r && fromFunction('consumer', 'amqplib', 'RabbitMQ message', r.fn, r.wrappers + ' ' + (callArgs(call)[2]?.text ?? ''));
      if (h) out.push(h);
    } else if (prop === 'on' || prop === 'addListener') {
      const args = callArgs(call);
      if (stringValue(args[0]) !== 'message' || !importsAny(ctx, /^@google-cloud\/pubsub$/)) continue;
      const r = resolveFunction(ctx, args[1]);
      const h = r && fromFunction('consumer', 'pubsub', 'Pub/Sub message', r.fn, r.wrappers);
      if (h) out.push(h);
    }
  }
  for (const w of get('worker')) {
    const ctor = w.childForFieldName('constructor');
    const b = ctor ? ctx.facts.moduleOf(ctor) : undefined;
    if (!b || !/^(bullmq|@nestjs\/bullmq)$/.test(b.module)) continue;
    const args = w.childForFieldName('arguments');
    const r = args ? resolveFunction(ctx, namedChildren(args)[1]) : undefined;
    const h = r && fromFunction('consumer', 'bullmq', 'BullMQ job', r.fn, r.wrappers);
    if (h) out.push(h);
  }
  for (const d of get('deco')) nestDecorator(d, d.namedChild(0)?.childForFieldName('function')?.text ?? '', out);
  for (const e of get('nextfn')) {
    const fn = e.childForFieldName('declaration');
    const name = fn?.childForFieldName('name')?.text ?? 'POST';
    const h = fn && fromFunction('http', 'next-app', name, fn, '');
    if (h) out.push(h);
  }
  for (const d of get('nextdecl')) {
    const r = resolveFunction(ctx, d.childForFieldName('value'));
    const h = r && fromFunction('http', 'next-app', d.childForFieldName('name')!.text, r.fn, r.wrappers);
    if (h) out.push(h);
  }
  for (const str of get('method')) {
    const p = str.parent;
    if (p?.type === 'binary_expression') {
      const other = p.childForFieldName('left')?.startIndex === str.startIndex ? p.childForFieldName('right') : p.childForFieldName('left');
      if (other && (other.type === 'member_expression' ? other.childForFieldName('property')?.text === 'method' : other.type === 'identifier')) methodBranch(ctx, p, out);
    } else if (p?.type === 'switch_case' && p.childForFieldName('value')?.startIndex === str.startIndex) switchCase(ctx, p, out);
  }
  for (const n of get('consumer')) {
    const p = n.parent;
    if (n.type === 'property_identifier' && p?.type === 'pair' && p.childForFieldName('key')?.startIndex === n.startIndex) consumerEntry(ctx, n.text, p, p.childForFieldName('value'), out);
    else if (n.type === 'property_identifier' && p?.type === 'method_definition') consumerEntry(ctx, n.text, p, p, out);
    else if (n.type === 'shorthand_property_identifier' && p?.type === 'object') consumerEntry(ctx, n.text, n, n, out);
  }
  for (const t of get('awstype')) lambdaType(ctx, t, out);
  // one handler per region (a function typed twice, a branch found twice)
  const seen = new Set<string>();
  return out.filter(h => {
    const k = `${h.start}:${h.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
