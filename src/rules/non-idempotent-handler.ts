/**
 * non-idempotent-handler: a request or message handler performs a non-idempotent side effect (charge, insert,
 * increment, email/SMS/push, publish), in its own body or in a function it calls in any file of the project (up to
 * three calls deep), with no idempotency guard, so a client or broker retry repeats it; and Stripe create calls
 * without an idempotency key anywhere.
 * Contract: shared RULES.md "non-idempotent-handler". Docs and decisions: ./non-idempotent-handler.md.
 *
 * Modules: handlers/recognize (handlers and where their findings sit), handlers/effects (effects and what is not
 * one), handlers/guards, handlers/summary (per-function facts), handlers/settle (project pass), handlers/fixes.
 */
import type { Node } from '../core/parser';
import type { Rule, RuleContext } from '../core/rule';
import { callRange, FUNCTION_TYPES } from '../core/ast';
import { refText } from '../core/symbols';
import { findHandlers, scan, webhookOf, type Handler, type RemoteHandler } from './handlers/recognize';
import { guardState, mergeGuards, type GuardFact } from './handlers/guards';
import { credentialHandler, removalHandler, rerunHandler, testSender, updateHandler } from './handlers/effects';
import { callsIn, deferredIn, countedEffect, factOf, summarise, SUMMARY_KEY, SUMMARY_TRIGGERS, type EffectFact } from './handlers/summary';
import { settleHandler, who, type PendingHandler } from './handlers/settle';
import { UNIQUE_FACT, UNIQUE_TRIGGER, ukeyFact, uniqueModels } from './handlers/schema';
import { guardFix, isStripe, stripeFix, stripeOptions, type StripeOpts } from './handlers/fixes';

const meta = {
  id: 'non-idempotent-handler',
  title: 'Non-idempotent handler without an idempotency guard',
  description: 'Flags request and message handlers that charge, insert, increment, send or publish (directly or through the functions they call, in any file) with no idempotency key or dedup, so a client or broker retry repeats the effect; and Stripe create calls without an idempotency key.',
  defaultSeverity: 'warning' as const,
  incidents: ['twilio-2013', 'santander-2021', 'mt-gox-2014'],
  patterns: ['idempotency-keys'],
  fixable: true,
};

const STRIPE_CONSEQUENCE: Record<string, string> = {
  charges: 'charges the card twice',
  paymentIntents: 'creates a second PaymentIntent, so the customer can be charged twice',
  refunds: 'refunds twice',
  transfers: 'sends the transfer twice',
  payouts: 'pays out twice',
};

function innermost(handlers: Handler[], at: Node): Handler | undefined {
  let best: Handler | undefined;
  for (const h of handlers) {
    if (h.start <= at.startIndex && at.endIndex <= h.end && (!best || h.end - h.start < best.end - best.start)) best = h;
  }
  return best;
}

const APP_LEVEL_GUARD = /\.(use|register|addHook|useGlobalInterceptors|useGlobalGuards)\s*\([^;]*(idempoten|dedup|duplicate)/i;

/** `const createSession = async (req, res) => ...`: the name a handler function is declared under. */
function declaredName(fn: Node): string | undefined {
  const p = fn.parent;
  if (p?.type === 'variable_declarator') return p.childForFieldName('name')?.text;
  if (p?.type === 'pair') return p.childForFieldName('key')?.text;
  return fn.childForFieldName('name')?.text;
}

/** Route paths and files that only exist outside production: seeding, testing, debugging, local development. */
const DEV_PATH = /(^|[/.:_-])(dev|debug|test|tests|testing|e2e|seed|seeds|seeding|playground|sandbox|mock|mocks|fixtures?|__\w+)($|[/.:_-])/i;
const DEV_FILE = /(^|[/\\])(dev|debug|testing|e2e|seed|seeds|playground)([/\\.]|$)|[/\\][\w-]*[.-](dev|debug)\.[cm]?[jt]sx?$/i;
const DEV_CONDITION = /\b(NODE_ENV|isDev\w*|isDevelopment|isTest\w*|IS_DEV\w*|DEV_MODE|isLocal\w*|IS_E2E|E2E|isE2E|isSelfHostedDev|enableTestRoutes|TEST_MODE)\b/;
const DEV_BODY_GUARD = /\bif\s*\(\s*(?:process\.env\.NODE_ENV\s*!==?\s*['"](?:test|development)['"]|!\s*(?:isDev\w*|isTest\w*|IS_E2E|isE2E|isDevelopment)\b[^)]*)\)\s*\{?\s*(?:throw|return)\b/;

/** Development-only routes (RULES.md is silent; see the rule docs): seed/test/debug paths, dev files, dev-gated registration. */
function devOnly(ctx: RuleContext, path0: string | undefined, head: number, body?: string): boolean {
  if (path0 && DEV_PATH.test(path0)) return true;
  if (DEV_FILE.test(ctx.file)) return true;
  if (body && DEV_BODY_GUARD.test(body.slice(0, 600))) return true;
  // registered inside `if (process.env.NODE_ENV !== 'production') { ... }` / `if (isDev) { ... }`
  for (let n: Node | null = ctx.root.descendantForIndex(head, head); n; n = n.parent) {
    if (n.type === 'if_statement') {
      const cond = n.childForFieldName('condition')?.text ?? '';
      const cons = n.childForFieldName('consequence');
      if (cons && cons.startIndex <= head && head < cons.endIndex && DEV_CONDITION.test(cond) && !/!==?\s*['"]production['"]\s*&&|===?\s*['"]production['"]/.test(cond.replace(/!==?\s*['"]production['"]$/, ''))) return true;
    }
  }
  return false;
}

/** A call that only logs or reports (`logger.error(...)`, `console.warn(...)`, `Sentry.captureException(e)`). */
const LOG_CALL = /^\s*(?:await\s+)?(?:console|(?:this\.)?(?:log|logger|_logger)|\w*[lL]ogger|Sentry|span|\w*[sS]pan)\s*\.\s*\w+\s*\(|^\s*(?:await\s+)?(?:log\w*|captureException|captureError|reportError)\s*\(/;

/**
 * A consumer that never fails: its body is one `try` (then only `return`s) whose `catch` only logs and returns, with no
 * `throw`, so the queue never sees a failure to retry (RULES.md is silent; see the rule docs).
 */
function neverFails(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (body?.type !== 'statement_block') return false;
  const stmts = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (!stmts.length || stmts[0].type !== 'try_statement' || !stmts.slice(1).every(x => x.type === 'return_statement')) return false;
  const handler = stmts[0].childForFieldName('handler');
  const fin = stmts[0].childForFieldName('finalizer');
  if (!handler || (fin && /\bthrow\b/.test(fin.text))) return false;
  const block = handler.childForFieldName('body');
  if (!block) return false;
  return block.namedChildren.every(x => !x || x.type === 'comment' || x.type === 'return_statement' && !/\bthrow\b|\(/.test(x.text)
    || x.type === 'expression_statement' && LOG_CALL.test(x.text) && !/\bthrow\b/.test(x.text));
}

/** A statement that cannot fail the job: a comment, a log call, a `return` of plain values (no call). */
function inert(n: Node): boolean {
  return n.type === 'comment' || n.type === 'empty_statement'
    || n.type === 'expression_statement' && LOG_CALL.test(n.text) && !/\bthrow\b/.test(n.text)
    || n.type === 'return_statement' && !/[(]|\bthrow\b/.test(n.text);
}

/** A `catch` block that only logs or reports (no rethrow, nothing that may fail). */
function logOnlyCatch(tryStmt: Node): boolean {
  const block = tryStmt.childForFieldName('handler')?.childForFieldName('body');
  return !!block && block.namedChildren.every(x => !x || inert(x));
}

/**
 * A call that is the last thing a consumer does and cannot fail it (round-3 tuning: trigger.dev tasks whose final step
 * emails "your export is ready"): it sits in a `try` whose `catch` only logs, or calls a same-file function whose whole
 * body is such a `try` (`neverFails`), and everything after it, up to the end of the handler, only logs or returns plain
 * values (no loop around it, no `finally` that may fail). A failure before it is retried without it having run; once it
 * has run nothing can fail the job, so the queue never runs it again: not a repeated effect.
 */
function finalSwallowed(ctx: RuleContext, call: Node, fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (body?.type !== 'statement_block') return false;
  let swallowed = false;
  for (let n: Node | null = call.parent; n && n.id !== body.id; n = n.parent) {
    const p = n.parent;
    if (p?.type === 'try_statement' && p.childForFieldName('body')?.id === n.id) { swallowed = logOnlyCatch(p); break; }
  }
  if (!swallowed) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'identifier') return false;
    const name = callee.text;
    const decls = ctx.memo('nih.fnDecls', () => {
      const m = new Map<string, Node>();
      for (const d of ctx.root.descendantsOfType('function_declaration')) { const k = d?.childForFieldName('name')?.text; if (d && k && !m.has(k)) m.set(k, d); }
      return m;
    });
    const decl = decls.get(name);
    const value = decl ?? ctx.facts.constDeclarator(name, callee)?.childForFieldName('value');
    if (!value || !FUNCTION_TYPES.has(value.type) || !neverFails(value)) return false;
  }
  // everything after the call's statement, in every enclosing block up to the handler's body, cannot fail
  // (a `return` among them ends the handler there: what follows its block never runs after the call)
  let exited = false;
  for (let n: Node | null = call; n && n.id !== body.id; n = n.parent) {
    const p = n.parent;
    if (!p) return false;
    if (!exited && /^(for|for_in|while|do)_statement$/.test(p.type)) return false;
    if (p.type === 'try_statement' && p.childForFieldName('finalizer')?.namedChildren.some(x => !!x && !inert(x))) return false;
    if (!exited && p.type === 'statement_block') {
      for (let sib = n.nextNamedSibling; sib; sib = sib.nextNamedSibling) {
        if (!inert(sib)) return false;
        if (sib.type === 'return_statement') { exited = true; break; }
      }
    }
  }
  return true;
}

function refsOf(ctx: RuleContext, calls: Node[]): { r: PendingHandler['calls']; first?: Node } {
  const r: PendingHandler['calls'] = [];
  const keys = new Set<string>();
  let first: Node | undefined;
  for (const c of calls) {
    const callee = c.childForFieldName('function');
    const ref = callee ? ctx.refOf(callee) : undefined;
    if (!ref) continue;
    const k = JSON.stringify(ref);
    if (keys.has(k)) continue;
    keys.add(k);
    r.push({ r: ref, t: callee!.text.replace(/\s+/g, '').replace(/\?\./g, '.') });
    first ??= c;
  }
  return { r, first };
}

function pendingOf(h: Handler | RemoteHandler, own: EffectFact[], calls: PendingHandler['calls'], g: GuardFact, webhook: string | undefined, depth: number, name?: string): PendingHandler {
  const d: PendingHandler = { kind: h.kind, label: h.label, own, calls, g, depth };
  if (h.kind === 'http' && credentialHandler(h.path, name)) d.cred = true;
  if (h.kind === 'http' && removalHandler(h.path, name)) d.removal = true;
  if (h.kind === 'http' && testSender(h.path, name)) d.test = true;
  if (h.kind === 'http' && updateHandler(h.path, name)) d.update = true;
  if (h.kind === 'http' && rerunHandler(h.path, name)) d.rerun = true;
  if (h.cls) d.cls = h.cls;
  if (webhook !== undefined) d.webhook = webhook;
  return d;
}

const HANDLER_TRIGGERS = /\.\s*(post|patch|route|consume)\s*\(|@(Post|Patch|EventPattern|MessagePattern|Processor|Process)\b|eachMessage|eachBatch|handleMessage|\bnew\s+Worker\b|SQSEvent|SNSEvent|EventBridgeEvent|SQSHandler|SNSHandler|EventBridgeHandler|@google-cloud\/pubsub|\.(charges|paymentIntents|refunds|transfers|payouts)\s*\.\s*create\b|(['"])(POST|PATCH)\2|\b(POST|PATCH)\s*:|\bexport\s+(async\s+)?function\s*\*?\s*(POST|PATCH)\b|\bexport\s+(const|let|var)\s+(POST|PATCH)\b|constructEvent|[Ww]ebhook|[Ss]ignature|\.\s*(mutation|process|createFunction)\s*[(<]|\b(task|schemaTask)\s*\(|\bperform\s*\(|\bexport\s+(async\s+)?function\s+action\b|\bexport\s+(const|let)\s+action\b|RabbitSubscribe|SqsMessageHandler|KafkaListener/;

export const nonIdempotentHandler: Rule = {
  meta,
  // no query patterns: entry points come from a text scan (see handlers/recognize.ts `scan`), effects from core `call`
  // handler forms, and schema files that declare unique keys (handlers/schema.ts)
  triggers: new RegExp(HANDLER_TRIGGERS.source + '|' + UNIQUE_TRIGGER.source),
  summaries: [{ key: SUMMARY_KEY, triggers: SUMMARY_TRIGGERS, of: summarise }],
  check(ctx) {
    // a schema file: the models it declares with a natural unique key (a retried insert of one fails, see settle)
    for (const [m, keys] of uniqueModels(ctx)) {
      ctx.addProjectFact(UNIQUE_FACT + m);
      for (const k of keys) ctx.addProjectFact(ukeyFact(m, k));
    }
    const { local, remote } = findHandlers(ctx);
    const calls = ctx.captures('call');
    const appGuard = APP_LEVEL_GUARD.test(ctx.text) ? ' idempotency' : '';
    const stripeCalls = (scan(ctx).get('stripe') ?? []).filter(c => isStripe(ctx, c));
    const stripeState = new Map<number, StripeOpts>();
    for (const c of stripeCalls) stripeState.set(c.startIndex, stripeOptions(ctx, c));

    for (const h of local) {
      const text = ctx.text.slice(h.start, h.end);
      if (devOnly(ctx, h.path, h.head.start, text)) continue;
      // a consumer that swallows every error never fails, so the queue never runs it again
      if (h.kind === 'consumer' && neverFails(h.fn)) continue;
      // a handler with an unkeyed Stripe call in its own body: the Stripe finding (and its fix) is the one to show
      if (stripeCalls.some(c => h.start <= c.startIndex && c.endIndex <= h.end && stripeState.get(c.startIndex)!.state === 'missing' && innermost(local, c) === h)) continue;
      const own: EffectFact[] = [];
      let firstEffect: Node | undefined;
      const rest: Node[] = [];
      const fnId = h.fn.childForFieldName('name')?.text;
      const deferred = deferredIn(ctx, h.fn);
      for (const c of callsIn(calls, h.start, h.end)) {
        if (stripeState.has(c.startIndex) || deferred(c)) continue;
        // a consumer's last step that cannot fail it is never run again by the queue
        if (h.kind === 'consumer' && finalSwallowed(ctx, c, h.fn)) continue;
        const e = countedEffect(ctx, c, fnId);
        if (e) { own.push(factOf(ctx, e)); firstEffect ??= c; }
        // `Tag.create(...)` taken for a model by its name is also followed as a call (settle keeps one of the two)
        if (!e || e.byName) rest.push(c);
      }
      const refs = refsOf(ctx, rest);
      if (!own.length && !refs.r.length) continue;
      // parameters (Nest @Headers('idempotency-key')) count as guard text too
      const ps = h.fn.childForFieldName('parameters')?.text ?? '';
      const g = guardState(text + '\n' + ps, h.guardText + (h.kind === 'http' ? appGuard : ''));
      const webhook = h.kind === 'http' ? webhookOf(text) : undefined;
      const at = firstEffect ?? refs.first!;
      const fix = guardFix(ctx, h, at);
      ctx.report({
        ...h.head, messageId: 'pending', message: `${who({ kind: h.kind, label: h.label, webhook })} may repeat an effect`,
        fixes: fix ? [fix] : [], pending: pendingOf(h, own, refs.r, g, webhook, 3, fnId ?? declaredName(h.fn)),
      });
    }
    for (const h of remote) {
      if (devOnly(ctx, h.path, h.head.start)) continue;
      const g = guardState('', h.guardText + (h.kind === 'http' ? appGuard : ''));
      ctx.report({
        ...h.head, messageId: 'pending', message: `${who(h)} may repeat an effect`,
        pending: pendingOf(h, [], [{ r: h.ref, t: h.text }], g, undefined, 4, h.text),
      });
    }

    for (const c of stripeCalls) {
      const st = stripeState.get(c.startIndex)!;
      if (st.state !== 'missing') continue;
      const resource = c.childForFieldName('function')!.childForFieldName('object')!.childForFieldName('property')!.text;
      const what = c.childForFieldName('function')!.text.replace(/\s+/g, '');
      const cons = STRIPE_CONSEQUENCE[resource] ?? 'repeats the payment';
      const h = innermost(local, c);
      const same = h ? stripeCalls.filter(o => h.start <= o.startIndex && o.endIndex <= h.end && stripeState.get(o.startIndex)!.state === 'missing').length : 1;
      const message = h
        ? `${who({ kind: h.kind, label: h.label, webhook: h.kind === 'http' ? webhookOf(ctx.text.slice(h.start, h.end)) : undefined })} ${cons} (no idempotency key on \`${what}\`)`
        : `\`${what}\` has no idempotency key: if it is retried after a timeout or a network error, it ${cons}`;
      const fix = stripeFix(ctx, c, st, h, same, resource, !!h);
      ctx.report({ ...callRange(ctx.lines, c), messageId: 'stripeNoIdempotencyKey', message, severity: 'error', fixes: fix ? [fix] : [] });
    }
  },
  settle(f, project, file) {
    if (f.messageId !== 'pending') return f;
    return settleHandler(f, project, file);
  },
};

