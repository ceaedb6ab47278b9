/**
 * non-idempotent-handler: a request or message handler performs a non-idempotent side effect (charge, insert,
 * increment, email/SMS/push, publish) with no idempotency guard, so a client or broker retry repeats it; and Stripe
 * create calls without an idempotency key anywhere.
 * Contract: shared RULES.md "non-idempotent-handler". Docs and decisions: ./non-idempotent-handler.md.
 */
import type { Node } from '../core/parser';
import type { Rule, RuleContext } from '../core/rule';
import type { Fix, TextEdit } from '../core/types';
import { callArgs, unwrap, namedChildren, stringValue, FUNCTION_TYPES } from '../core/ast';
import { callRange } from '../core/ast';
import { addPropertyEdit, insertArgumentEdit, insertStatementsEdit } from '../core/edits';
import { findHandlers, importsAny, params, scan, type Handler } from './handlers/recognize';
import { classifyEffect, classifyMessagesCreate, guardState, guarded, stripComments, type Effect, type EffectKind } from './handlers/effects';

const meta = {
  id: 'non-idempotent-handler',
  title: 'Non-idempotent handler without an idempotency guard',
  description: 'Flags request and message handlers that charge, insert, increment, send or publish with no idempotency key or dedup, so a client or broker retry repeats the effect; and Stripe create calls without an idempotency key.',
  defaultSeverity: 'warning' as const,
  incidents: ['twilio-2013', 'santander-2021', 'mt-gox-2014'],
  patterns: ['idempotency-keys'],
  fixable: true,
};

const KEY_VAR = 'idempotencyKey';
const MISSING = 'Idempotency-Key header is required';

const STRIPE_CONSEQUENCE: Record<string, string> = {
  charges: 'charges the card twice',
  paymentIntents: 'creates a second PaymentIntent, so the customer can be charged twice',
  refunds: 'refunds twice',
  transfers: 'sends the transfer twice',
  payouts: 'pays out twice',
};

const CONSEQUENCE: Record<EffectKind, string> = {
  payment: 'charges the card twice',
  insert: 'inserts a duplicate row',
  increment: 'applies the increment twice',
  email: 'sends the email twice',
  sms: 'sends the SMS twice',
  push: 'sends the push notification twice',
  publish: 'publishes the message twice',
};

function who(h: Handler): string {
  return h.kind === 'http' ? `a client retry of this ${h.label}` : `a redelivered ${h.label}`;
}

// ---- effects inside handlers ----

interface Found { effect: Effect; via?: string }

function callsIn(calls: Node[], start: number, end: number): Node[] {
  // calls are in document order: binary search the first one at or after start
  let lo = 0, hi = calls.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (calls[m].startIndex < start) lo = m + 1; else hi = m; }
  const out: Node[] = [];
  for (let i = lo; i < calls.length && calls[i].startIndex < end; i++) out.push(calls[i]);
  return out;
}

function classify(ctx: RuleContext, call: Node): Effect | undefined {
  return classifyEffect(ctx, call) ?? classifyMessagesCreate(ctx, call);
}

/** Same-file function called from the handler: `helper(...)` or `this.helper(...)` in the same class. */
function calleeFunction(ctx: RuleContext, call: Node, h: Handler): Node | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (!fn) return undefined;
  if (fn.type === 'identifier') {
    const f = ctx.facts.functionsByName.get(fn.text);
    if (f) return f;
    const d = ctx.facts.constDeclarator(fn.text);
    const v = unwrap(d?.childForFieldName('value'));
    return v && FUNCTION_TYPES.has(v.type) ? v : undefined;
  }
  if (fn.type === 'member_expression' && fn.childForFieldName('object')?.type === 'this') {
    const name = fn.childForFieldName('property')?.text;
    let cls: Node | null = h.fn;
    while (cls && cls.type !== 'class_body') cls = cls.parent;
    if (!cls || !name) return undefined;
    for (const m of namedChildren(cls)) {
      if (m.type === 'method_definition' && m.childForFieldName('name')?.text === name) return m;
    }
  }
  return undefined;
}

interface Analysis { effects: Found[]; guardText: string }

function analyseHandler(ctx: RuleContext, h: Handler, calls: Node[], stripe: ReadonlySet<number>): Analysis {
  const effects: Found[] = [];
  let guardText = ctx.text.slice(h.start, h.end);
  const inRegion = callsIn(calls, h.start, h.end);
  const seenFns = new Set<number>();
  for (const c of inRegion) {
    const e = classify(ctx, c);
    if (e) { effects.push({ effect: e }); continue; }
    const f = calleeFunction(ctx, c, h);
    if (!f || seenFns.has(f.startIndex) || (f.startIndex <= h.start && h.end <= f.endIndex)) continue;
    seenFns.add(f.startIndex);
    const body = f.childForFieldName('body');
    if (!body) continue;
    guardText += '\n' + ctx.text.slice(body.startIndex, body.endIndex);
    const name = c.childForFieldName('function')!.text;
    for (const inner of callsIn(calls, body.startIndex, body.endIndex)) {
      const e2 = stripe.has(inner.startIndex) ? { kind: 'payment' as const, call: inner, what: 'stripe' } : classify(ctx, inner);
      if (e2) effects.push({ effect: e2, via: name });
    }
  }
  // parameters (Nest @Headers('idempotency-key')) count as guard text too
  const ps = h.fn.childForFieldName('parameters');
  if (ps) guardText += '\n' + ps.text;
  return { effects, guardText };
}

// ---- fixes ----

interface HttpSnippet { read: string; reject: string }

function httpSnippet(ctx: RuleContext, h: Handler): HttpSnippet | undefined {
  const ps = params(h.fn);
  const p0 = ps[0]?.name, p1 = ps[1]?.name;
  switch (h.framework) {
    case 'express':
      if (!p0 || !p1) return undefined;
      return { read: `${p0}.get('Idempotency-Key')`, reject: `return ${p1}.status(400).json({ error: '${MISSING}' });` };
    case 'koa':
      if (!p0) return undefined;
      return { read: `${p0}.get('Idempotency-Key')`, reject: `ctx.throw(400, '${MISSING}');`.replace('ctx', p0) };
    case 'hono':
      if (!p0) return undefined;
      return { read: `${p0}.req.header('Idempotency-Key')`, reject: `return ${p0}.json({ error: '${MISSING}' }, 400);` };
    case 'fastify':
      if (!p0 || !p1) return undefined;
      return { read: `${p0}.headers['idempotency-key']`, reject: `return ${p1}.code(400).send({ error: '${MISSING}' });` };
    case 'next-app':
      if (ps.length && !p0) return undefined;
      return { read: `${p0 ?? 'request'}.headers.get('Idempotency-Key')`, reject: `return Response.json({ error: '${MISSING}' }, { status: 400 });` };
    case 'next-pages': {
      if (!p0 || !p1) return undefined;
      const fnText = ctx.text.slice(h.fn.startIndex, h.fn.endIndex);
      const statusApi = new RegExp(`\\b${p1}\\.status\\(`).test(fnText) || importsAny(ctx, /^next(\/|$)/) || /\bNextApi(Request|Response)\b/.test(ctx.text);
      return {
        read: `${p0}.headers['idempotency-key']`,
        reject: statusApi ? `return ${p1}.status(400).json({ error: '${MISSING}' });` : `${p1}.statusCode = 400; return ${p1}.end('${MISSING}');`,
      };
    }
    default:
      return undefined;
  }
}

/** Edits that make `idempotencyKey` available at the top of an HTTP handler (header read + 400), or undefined. */
function httpGuardEdits(ctx: RuleContext, h: Handler, withComment: boolean): TextEdit[] | undefined {
  const comment = withComment ? [`// Record ${KEY_VAR} with the result (unique key) and replay the stored result when the same key comes back.`] : [];
  if (h.framework === 'nest') return nestGuardEdits(ctx, h, comment);
  const s = httpSnippet(ctx, h);
  if (!s) return undefined;
  const block = h.insertBlock ?? null;
  const ins = insertStatementsEdit(block, [`const ${KEY_VAR} = ${s.read};`, `if (!${KEY_VAR}) ${s.reject.startsWith('return') || s.reject.includes('throw') ? s.reject : `{ ${s.reject} }`}`, ...comment], ctx.text, ctx.lines, h.insertBefore);
  if (!ins) return undefined;
  const edits = [ins];
  if (h.framework === 'next-app' && params(h.fn).length === 0) {
    const ps = h.fn.childForFieldName('parameters');
    if (!ps) return undefined;
    const typed = ctx.lang !== 'javascript';
    edits.push({ start: ps.startIndex + 1, end: ps.startIndex + 1, text: typed ? 'request: Request' : 'request' });
  }
  return edits;
}

function nestGuardEdits(ctx: RuleContext, h: Handler, comment: string[]): TextEdit[] | undefined {
  const m = h.method;
  const ps = m?.childForFieldName('parameters');
  const body = m?.childForFieldName('body');
  if (!m || !ps || !body) return undefined;
  const typed = ctx.lang !== 'javascript';
  const param = `@Headers('idempotency-key') ${KEY_VAR}${typed ? ': string' : ''}`;
  const existing = namedChildren(ps).filter(c => c.type !== 'comment');
  const paramEdit: TextEdit = existing.length
    ? { start: existing[existing.length - 1].endIndex, end: existing[existing.length - 1].endIndex, text: `, ${param}` }
    : { start: ps.startIndex + 1, end: ps.startIndex + 1, text: param };
  const ins = insertStatementsEdit(body, [`if (!${KEY_VAR}) throw new BadRequestException('${MISSING}');`, ...comment], ctx.text, ctx.lines);
  if (!ins) return undefined;
  const edits = [paramEdit, ins];
  const need = ['BadRequestException', 'Headers'].filter(n => {
    const b = ctx.facts.binding(n);
    return !(b && b.module === '@nestjs/common');
  });
  if (need.length) {
    const imp = ctx.captures('import').find(i => stringValue(i.childForFieldName('source')) === '@nestjs/common');
    const named = imp && namedChildren(imp).find(c => c.type === 'import_clause')?.descendantsOfType('named_imports')[0];
    const specs = named ? namedChildren(named).filter(c => c.type === 'import_specifier') : [];
    if (named && specs.length) edits.push({ start: specs[specs.length - 1].endIndex, end: specs[specs.length - 1].endIndex, text: `, ${need.join(', ')}` });
    else edits.push({ start: 0, end: 0, text: `import { ${need.join(', ')} } from '@nestjs/common';\n` });
  }
  return edits;
}

/** The variable that already holds the request's idempotency key in this handler, if any. */
function existingKeyVar(text: string): string | undefined {
  const code = stripComments(text);
  const m = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[\w | ]+)?=\s*[^;\n]*idempotency[-_]?key/i.exec(code);
  if (m) return m[1];
  if (/\bidempotencyKey\b/.test(code)) return 'idempotencyKey';
  return undefined;
}

/** `for (const record of event.Records)` or `event.Records.map(record => ...)` around the call, inside the handler. */
function recordsLoop(call: Node, h: Handler): { name: string; block: Node | null } | undefined {
  for (let n = call.parent; n && n.startIndex >= h.start; n = n.parent) {
    if (n.type === 'for_in_statement') {
      const right = n.childForFieldName('right');
      const left = n.childForFieldName('left');
      if (right && /\.Records$/.test(right.text) && left?.type === 'identifier') {
        const body = n.childForFieldName('body');
        return { name: left.text, block: body?.type === 'statement_block' ? body : null };
      }
    }
    if (FUNCTION_TYPES.has(n.type) && n.parent?.type === 'arguments') {
      const outer = n.parent.parent;
      const callee = outer?.childForFieldName('function');
      if (callee?.type === 'member_expression' && /\.Records$/.test(callee.childForFieldName('object')?.text ?? '')) {
        const p = params(n)[0]?.name;
        const body = n.childForFieldName('body');
        if (p) return { name: p, block: body?.type === 'statement_block' ? body : null };
      }
    }
  }
  return undefined;
}

/** The message id expression of a consumer, and where a guard would go (plus edits needed to bring names in scope). */
function consumerId(ctx: RuleContext, h: Handler, call: Node): { expr: string; block: Node | null; edits: TextEdit[] } | undefined {
  const ps = params(h.fn);
  const p0 = ps[0];
  const top = h.insertBlock ?? null;
  switch (h.framework) {
    case 'kafkajs': {
      if (!p0) return undefined;
      if (p0.name) return { expr: `\`\${${p0.name}.topic}-\${${p0.name}.partition}-\${${p0.name}.message.offset}\``, block: top, edits: [] };
      if (p0.pattern.type !== 'object_pattern') return undefined;
      const names = namedChildren(p0.pattern).map(c => c.type === 'shorthand_property_identifier_pattern' ? c.text : c.type === 'pair_pattern' ? (c.childForFieldName('key')?.text ?? '') + ':' + (c.childForFieldName('value')?.text ?? '') : '?');
      const local = (k: string) => names.includes(k) ? k : names.find(x => x.startsWith(k + ':'))?.split(':')[1];
      if (names.some(n => n === '?' || n.startsWith('...'))) return undefined;
      const msg = local('message');
      if (!msg) return undefined;
      const add = ['topic', 'partition'].filter(k => !local(k));
      const edits: TextEdit[] = add.length ? [{ start: p0.pattern.startIndex + 1, end: p0.pattern.startIndex + 1, text: ` ${add.join(', ')},` }] : [];
      return { expr: `\`\${${local('topic') ?? 'topic'}}-\${${local('partition') ?? 'partition'}}-\${${msg}.offset}\``, block: top, edits };
    }
    case 'sqs-consumer':
      return p0?.name ? { expr: `${p0.name}.MessageId`, block: top, edits: [] } : undefined;
    case 'lambda-sqs': case 'lambda-sns': {
      const loop = recordsLoop(call, h);
      if (!loop) return undefined;
      return { expr: h.framework === 'lambda-sqs' ? `${loop.name}.messageId` : `${loop.name}.Sns.MessageId`, block: loop.block, edits: [] };
    }
    case 'lambda-eventbridge':
      return p0?.name ? { expr: `${p0.name}.id`, block: top, edits: [] } : undefined;
    case 'amqplib':
      return p0?.name ? { expr: `${p0.name}.properties.messageId`, block: top, edits: [] } : undefined;
    case 'bullmq':
      return p0?.name ? { expr: `\`\${${p0.name}.queueName}:\${${p0.name}.id}\``, block: top, edits: [] } : undefined;
    case 'pubsub':
      return p0?.name ? { expr: `${p0.name}.id`, block: top, edits: [] } : undefined;
    default:
      return undefined;
  }
}

function guardFix(ctx: RuleContext, h: Handler, e: Effect): Fix | undefined {
  if (h.kind === 'http') {
    const edits = httpGuardEdits(ctx, h, true);
    return edits && {
      title: 'Require an Idempotency-Key header at the top of the handler (400 when missing)',
      edits, safety: 'unsafe', isPreferred: true,
    };
  }
  const id = consumerId(ctx, h, e.call);
  if (!id || !id.block) return undefined;
  const ins = insertStatementsEdit(id.block, [
    `const messageId = ${id.expr};`,
    '// Idempotency: return early when messageId was already processed; record it (unique key) in the same transaction as the effect.',
  ], ctx.text, ctx.lines);
  if (!ins) return undefined;
  return { title: 'Read the message id at the top of the handler to deduplicate redeliveries', edits: [...id.edits, ins], safety: 'unsafe', isPreferred: true };
}

// ---- Stripe ----

type StripeOpts = { state: 'ok' } | { state: 'missing'; obj: Node | null; before?: Node };

function stripeOptions(ctx: RuleContext, call: Node): StripeOpts {
  const args = callArgs(call);
  if (args.length === 0) return { state: 'ok' }; // nothing to charge: not our case
  const opt = unwrap(args[1]);
  if (!opt) return { state: 'missing', obj: null };
  if (FUNCTION_TYPES.has(opt.type)) return { state: 'missing', obj: null, before: args[1] };
  if (opt.type === 'undefined' || (opt.type === 'identifier' && opt.text === 'undefined')) return { state: 'ok' };
  const obj = ctx.facts.resolveObject(opt);
  if (!obj) return { state: 'ok' }; // opaque options: unknown is not guilty
  for (const k of ['idempotencyKey', 'idempotency_key']) {
    const r = ctx.facts.lookupProp(obj, k);
    if (r.kind !== 'absent') return { state: 'ok' };
  }
  return { state: 'missing', obj: opt.type === 'object' ? opt : obj };
}

function isStripe(ctx: RuleContext, call: Node): boolean {
  const fn = unwrap(call.childForFieldName('function'));
  const inner = fn?.childForFieldName('object');
  const client = inner?.childForFieldName('object');
  if (!client) return false;
  return /stripe/i.test(client.text) || importsAny(ctx, /^stripe$/);
}

function keyOptionEdit(ctx: RuleContext, call: Node, st: { obj: Node | null; before?: Node }, value: string): TextEdit | undefined {
  const prop = value === KEY_VAR ? KEY_VAR : `${KEY_VAR}: ${value}`;
  if (st.obj && st.obj.type === 'object') return addPropertyEdit(st.obj, prop, ctx.text, ctx.lines);
  if (st.obj) return undefined; // a same-file const: editing it would change other calls
  if (st.before) return { start: st.before.startIndex, end: st.before.startIndex, text: `{ ${prop} }, ` };
  const args = callArgs(call);
  return insertArgumentEdit(call, args[0], `{ ${prop} }`);
}

function stripeFix(ctx: RuleContext, call: Node, st: { obj: Node | null; before?: Node }, h: Handler | undefined, sameHandlerStripe: number, resource: string, lexical: boolean): Fix | undefined {
  const suffix = (base: string) => sameHandlerStripe > 1 ? withSuffix(base, resource) : base;
  if (!h || !lexical) {
    // outside handlers: only when a key is already in scope
    const scope = enclosing(call);
    const v = scope ? existingKeyVar(ctx.text.slice(scope.startIndex, scope.endIndex)) : undefined;
    if (!v) return undefined;
    const edit = keyOptionEdit(ctx, call, st, v);
    return edit && { title: `Pass \`${v}\` as the Stripe idempotency key`, edits: [edit], safety: 'unsafe', isPreferred: true };
  }
  if (h.kind === 'http') {
    const existing = existingKeyVar(ctx.text.slice(h.fn.startIndex, h.fn.endIndex));
    if (existing) {
      const e = keyOptionEdit(ctx, call, st, sameHandlerStripe > 1 ? suffix(existing) : existing);
      return e && { title: `Pass \`${existing}\` as the Stripe idempotency key`, edits: [e], safety: 'unsafe', isPreferred: true };
    }
    const guard = httpGuardEdits(ctx, h, false);
    const e = keyOptionEdit(ctx, call, st, suffix(KEY_VAR));
    if (!guard || !e) return undefined;
    return { title: 'Pass the request\'s Idempotency-Key header to Stripe (400 when missing)', edits: [...guard, e], safety: 'unsafe', isPreferred: true };
  }
  const id = consumerId(ctx, h, call);
  if (!id) return undefined;
  const e = keyOptionEdit(ctx, call, st, sameHandlerStripe > 1 ? withSuffix(id.expr, resource) : id.expr);
  if (!e) return undefined;
  return { title: 'Derive the Stripe idempotency key from the message id', edits: [...id.edits, e], safety: 'unsafe', isPreferred: true };
}

/** `key` -> `${key}-refunds`; a template literal gets the suffix inside. */
function withSuffix(expr: string, resource: string): string {
  if (expr.startsWith('`') && expr.endsWith('`')) return expr.slice(0, -1) + `-${resource}\``;
  return `\`\${${expr}}-${resource}\``;
}

function enclosing(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

function innermost(handlers: Handler[], at: Node): Handler | undefined {
  let best: Handler | undefined;
  for (const h of handlers) {
    if (h.start <= at.startIndex && at.endIndex <= h.end && (!best || h.end - h.start < best.end - best.start)) best = h;
  }
  return best;
}

const APP_LEVEL_GUARD = /\.(use|register|addHook|useGlobalInterceptors|useGlobalGuards)\s*\([^;]*(idempoten|dedup)/i;

export const nonIdempotentHandler: Rule = {
  meta,
  // no query patterns: entry points come from a text scan (see handlers/recognize.ts `scan`), effects from core `call`
  triggers: /\.\s*(post|patch|route|consume)\s*\(|@(Post|Patch|EventPattern|MessagePattern)\b|eachMessage|eachBatch|handleMessage|\bnew\s+Worker\b|SQSEvent|SNSEvent|EventBridgeEvent|SQSHandler|SNSHandler|EventBridgeHandler|@google-cloud\/pubsub|\.(charges|paymentIntents|refunds|transfers|payouts)\s*\.\s*create\b|(['"])(POST|PATCH)\2|\bexport\s+(async\s+)?function\s*\*?\s*(POST|PATCH)\b|\bexport\s+(const|let|var)\s+(POST|PATCH)\b/,
  check(ctx) {
    const handlers = findHandlers(ctx);
    const calls = ctx.captures('call');
    const appGuard = APP_LEVEL_GUARD.test(ctx.text);
    const stripeCalls = (scan(ctx).get('stripe') ?? []).filter(c => isStripe(ctx, c));
    const stripeState = new Map<number, StripeOpts>();
    for (const c of stripeCalls) stripeState.set(c.startIndex, stripeOptions(ctx, c));
    const reported = new Set<number>();
    const stripeHandler = new Map<number, Handler>();

    for (const h of handlers) {
      const a = analyseHandler(ctx, h, calls, new Set(stripeState.keys()));
      if (!a.effects.length) continue;
      for (const f of a.effects) if (f.via && stripeState.has(f.effect.call.startIndex) && !stripeHandler.has(f.effect.call.startIndex)) stripeHandler.set(f.effect.call.startIndex, h);
      // a handler already flagged for a Stripe call in its own body: that fix adds the key guard, one finding is enough
      const lexicalUnkeyedStripe = stripeCalls.some(c => h.start <= c.startIndex && c.endIndex <= h.end && stripeState.get(c.startIndex)!.state === 'missing' && innermost(handlers, c) === h);
      if (lexicalUnkeyedStripe) continue;
      const g = guardState(a.guardText, h.guardText + (appGuard && h.kind === 'http' ? ' idempotency' : ''));
      const hit = a.effects.find(f => !stripeState.has(f.effect.call.startIndex) && !guarded(g, f.effect) && !reported.has(f.effect.call.startIndex));
      if (!hit) continue;
      const e = hit.effect;
      reported.add(e.call.startIndex);
      const via = hit.via ? ` via \`${hit.via.replace(/^this\./, 'this.')}()\`` : '';
      const missing = h.kind === 'http' ? 'no idempotency key or dedup check' : 'no message-id dedup';
      const fix = guardFix(ctx, h, e);
      ctx.report({
        ...callRange(ctx.lines, e.call),
        messageId: e.kind === 'payment' ? 'payment' : e.kind === 'insert' ? 'insert' : e.kind === 'increment' ? 'increment' : e.kind === 'publish' ? 'publish' : 'send',
        message: `${who(h)} ${CONSEQUENCE[e.kind]} (\`${e.what}\`${via} runs with ${missing})`,
        severity: e.kind === 'payment' ? 'error' : undefined,
        fixes: fix ? [fix] : [],
      });
    }

    for (const c of stripeCalls) {
      const st = stripeState.get(c.startIndex)!;
      if (st.state !== 'missing') continue;
      const resource = c.childForFieldName('function')!.childForFieldName('object')!.childForFieldName('property')!.text;
      const what = c.childForFieldName('function')!.text.replace(/\s+/g, '');
      const cons = STRIPE_CONSEQUENCE[resource] ?? 'repeats the payment';
      const lex = innermost(handlers, c);
      const h = lex ?? stripeHandler.get(c.startIndex);
      const same = lex ? stripeCalls.filter(o => lex.start <= o.startIndex && o.endIndex <= lex.end && stripeState.get(o.startIndex)!.state === 'missing').length : 1;
      const message = h
        ? `${who(h)} ${cons} (no idempotency key on \`${what}\`${lex ? '' : ', called from the handler'})`
        : `\`${what}\` has no idempotency key: if it is retried after a timeout or a network error, it ${cons}`;
      const fix = stripeFix(ctx, c, st, h, same, resource, !!lex);
      ctx.report({ ...callRange(ctx.lines, c), messageId: 'stripeNoIdempotencyKey', message, severity: 'error', fixes: fix ? [fix] : [] });
    }
  },
};
