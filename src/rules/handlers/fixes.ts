/**
 * Quick fixes of non-idempotent-handler (all unsafe, see the rule docs "Fix safety"): an idempotency-key guard at the
 * top of an HTTP handler (header read + 400), a message-id read at the top of a consumer, and the Stripe
 * `idempotencyKey` request option (from the request's key, the message id, or a key already in scope).
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import type { Fix, TextEdit } from '../../core/types';
import { callArgs, unwrap, namedChildren, stringValue, FUNCTION_TYPES } from '../../core/ast';
import { addPropertyEdit, insertArgumentEdit, insertStatementsEdit } from '../../core/edits';
import { importsAny, params, type Handler } from './recognize';
import { stripComments } from './guards';

export const KEY_VAR = 'idempotencyKey';
const MISSING = 'Idempotency-Key header is required';


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
export function httpGuardEdits(ctx: RuleContext, h: Handler, withComment: boolean): TextEdit[] | undefined {
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
export function existingKeyVar(text: string): string | undefined {
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
export function consumerId(ctx: RuleContext, h: Handler, call: Node): { expr: string; block: Node | null; edits: TextEdit[] } | undefined {
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

export function guardFix(ctx: RuleContext, h: Handler, at: Node): Fix | undefined {
  if (h.kind === 'http') {
    const edits = httpGuardEdits(ctx, h, true);
    return edits && {
      title: 'Require an Idempotency-Key header at the top of the handler (400 when missing)',
      edits, safety: 'unsafe', isPreferred: true,
    };
  }
  const id = consumerId(ctx, h, at);
  if (!id || !id.block) return undefined;
  const ins = insertStatementsEdit(id.block, [
    `const messageId = ${id.expr};`,
    '// Idempotency: return early when messageId was already processed; record it (unique key) in the same transaction as the effect.',
  ], ctx.text, ctx.lines);
  if (!ins) return undefined;
  return { title: 'Read the message id at the top of the handler to deduplicate redeliveries', edits: [...id.edits, ins], safety: 'unsafe', isPreferred: true };
}


export type StripeOpts = { state: 'ok' } | { state: 'missing'; obj: Node | null; before?: Node };

export function stripeOptions(ctx: RuleContext, call: Node): StripeOpts {
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

export function isStripe(ctx: RuleContext, call: Node): boolean {
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

export function stripeFix(ctx: RuleContext, call: Node, st: { obj: Node | null; before?: Node }, h: Handler | undefined, sameHandlerStripe: number, resource: string, lexical: boolean): Fix | undefined {
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

export function enclosing(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

