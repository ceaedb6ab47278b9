/**
 * Settling a handler's pending finding in the project pass: the handler's own effects plus the effects of every
 * function it reaches (any file, up to three calls deep), each kept unless a guard covers it (the handler's guards,
 * or a guard in a function on the path to the effect). The finding stays at the handler's head; each repeated
 * effect becomes related information (possibly in another file), and the message names the first one and its file.
 */
import * as path from 'path';
import type { ProjectView, Ref } from '../../core/rule';
import { refText } from '../../core/symbols';
import type { Finding, RelatedLocation } from '../../core/types';
import { CREDENTIAL_MESSAGE, normColumn, testSender, words, type EffectKind } from './effects';
import { guards, mergeGuards, normModel, type GuardFact } from './guards';
import { SUMMARY_KEY, type EffectFact, type FnFacts } from './summary';
import { prismaUniques, UKEY_FACT, UNIQUE_FACT } from './schema';

/** What a handler's pending finding carries (JSON). */
export interface PendingHandler {
  kind: 'http' | 'consumer';
  label: string;
  /** 'Stripe', 'GitHub', 'Svix', '' (another signed webhook) or undefined (not a webhook receiver). */
  webhook?: string;
  /** Effects in the handler's own body. */
  own: EffectFact[];
  /** Calls the handler makes whose callees may hold effects: reference and callee text (messages). */
  calls: { r: Ref; t: string }[];
  /** The class the handler sits in (`this.x()` / `this.field.x()`). */
  cls?: string;
  /** Guards seen in the handler, its route (middleware, decorators) and the app. */
  g: GuardFact;
  /** Depth bound of `reach` (3, or 4 when the handler function itself is the first callee). */
  depth: number;
  /** The handler issues single-use short-lived credentials (login, token, reset, verify, ...): see the rule docs. */
  cred?: boolean;
  /** The handler removes or cancels something (delete, remove, leave, revoke, ...): a retry finds nothing to act on. */
  removal?: boolean;
  /** The handler sends a test message (`testEmailConnection`, `sendTestEmail`): its sends and publishes do not count. */
  test?: boolean;
  /** The handler sets state to the given values (`updateDocument`, `setRecipients`): its publishes re-announce that state. */
  update?: boolean;
  /** The handler re-runs derived work (`reprocessAssets`, `reRunInference`): the jobs it enqueues recompute the same result. */
  rerun?: boolean;
}

const CONSEQUENCE: Record<EffectKind, string> = {
  payment: 'charges the card twice',
  insert: 'inserts a duplicate row',
  increment: 'applies the increment twice',
  email: 'sends the email twice',
  sms: 'sends the SMS twice',
  push: 'sends the push notification twice',
  publish: 'publishes the message twice',
};

const AGAIN: Record<EffectKind, string> = {
  payment: 'charges again',
  insert: 'inserts another row',
  increment: 'increments again',
  email: 'sends the email again',
  sms: 'sends the SMS again',
  push: 'sends the push notification again',
  publish: 'publishes again',
};

/** Job-queue enqueues (a consumer's continuation): BullMQ/Bull `queue.add`, amqplib `sendToQueue`, SQS SendMessage, job triggers. */
const JOB_ENQUEUE = /\.(?:add|addBulk|sendToQueue|sendMessage|sendMessageBatch|triggerJob|enqueue\w*|addJob|trigger|batchTrigger)$|SendMessage(?:Batch)?Command/;

const WEIGHT: Record<EffectKind, number> = { payment: 0, increment: 1, insert: 2, email: 3, sms: 3, push: 4, publish: 5 };

export function who(d: Pick<PendingHandler, 'kind' | 'label' | 'webhook'>): string {
  if (d.webhook !== undefined) return `a redelivered ${d.webhook ? d.webhook + ' ' : ''}webhook event`;
  return d.kind === 'http' ? `a client retry of this ${d.label}` : `a redelivered ${d.label}`;
}

interface Repeated { file: string; fx: EffectFact; via?: string }

/** A model for generic base-repository effects: the nearest `XRepository`/`XService` class on the path. */
function pathModel(ids: string[]): string | undefined {
  for (let i = ids.length - 1; i >= 0; i--) {
    const cls = ids[i].includes('.') ? ids[i].split('.')[0] : '';
    const m = /^(\w+?)(Repository|Repo|Dao|DAO|Store|Model)$/.exec(cls);
    if (m && !/^(Base|Abstract|Generic|Mongoose|Prisma)$/.test(m[1])) return m[1];
  }
  return undefined;
}

/** The model a repository call names: `this.subscriberPreferenceRepository.create` -> subscriberPreference. */
function modelFromRef(ref: Ref): string | undefined {
  const holder = ref.k === 'field' ? ref.field : ref.k === 'member' ? (ref.base.k === 'local' ? ref.base.name : ref.base.k === 'import' ? ref.base.name : ref.base.k === 'member' ? ref.base.name : undefined) : undefined;
  const m = holder && /^(\w+?)(Repository|Repo|Dao|DAO|Model|Collection|Store)$/.exec(holder);
  return m ? m[1] : undefined;
}

function factsOf(f: { facts: Record<string, unknown> } | undefined): FnFacts | undefined {
  return f?.facts[SUMMARY_KEY] as FnFacts | undefined;
}

/** The repeated effects of a pending handler, in order (own first, then by call). */
export function repeatedEffects(d: PendingHandler, project: ProjectView, file: string): Repeated[] {
  const out: Repeated[] = [];
  const seen = new Set<string>();
  const add = (r: Repeated) => {
    const k = `${r.file}:${r.fx.s}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(r);
  };
  // checks the handler runs first (`await this.svc.assertPending(id)`) guard it like its own code
  const checks: GuardFact[] = [];
  for (const c of d.calls) {
    const name = c.t.split('.').pop() ?? '';
    if (!/^(assert|check|ensure|verify|validate|guard|require|prevent)/i.test(name)) continue;
    const h = project.resolve(file, c.r, d.cls);
    const g = h && factsOf(project.fn(h))?.g;
    // an assert-style check's precondition is its whole purpose: it stops a second run when the handler changes that state
    if (g) checks.push(g.check ? { ...g, state: 1 } : g);
  }
  const handlerGuard = mergeGuards([d.g, ...checks]);
  // not repeated effects: anything a credential-issuing handler writes or sends (a duplicate token expires unused);
  // a consumer's continuation publishes; sends and publishes of test messages (see the rule docs)
  const counts = (fx: EffectFact, path: string[]) => fx.k === 'payment' || (!d.cred && !d.removal
    && !(d.kind === 'consumer' && fx.k === 'publish' && JOB_ENQUEUE.test(fx.w))
    && !((fx.k === 'email' || fx.k === 'sms') && path.some(id => CREDENTIAL_MESSAGE.test(words(id).join(' '))))
    // a test message checks the settings just entered: a second one is what the button is for
    && !(fx.k !== 'insert' && fx.k !== 'increment' && (d.test || testSender(...path)))
    // an update's publish announces the state it set: a retry announces the same state again
    && !(fx.k === 'publish' && (d.update || d.rerun)));
  // every effect reached, with the guards on its path; then the models the handler inserts (for existence checks that stop)
  // scope: the function the effect is in ('' = the handler); at: its offset there; h: its offset in the handler (the
  // handler's own effects, and the call of a depth-1 callee), for effects that run after a unique insert
  // ch: where it runs, from the handler down: [function ('' = the handler), offset of the call or effect in it] per level
  const cands: { r: Repeated; g: GuardFact; model?: string; scope: string; at: number; h?: number; ch: [string, number][] }[] = [];
  // `Tag.create(...)` taken for a model by its name: when it resolves to a project function, that function (reached
  // through the handler's calls) decides instead
  // (one that shows no write or guard of its own, a stub or a pass-through to an ORM base class, leaves the insert)
  const followed = (fx: EffectFact, from: string) => {
    const h = fx.r && project.resolve(from, fx.r);
    // the project's own `create` (a static or object method of that name), not whatever else the name resolves to
    if (!h || !/(^|\.)create$/.test(h.id)) return false;
    const f = factsOf(project.fn(h));
    if (f && (!!f.fx?.length || !!f.g)) return true;
    // a `create` that delegates its write to the project's own helpers (`User.create` calling `User.createRaw`, whose
    // insert maps the unique violation): what those show decides too
    return project.reach(from, fx.r!, undefined, 2).some(r => { const g = factsOf(r.fn); return !!g?.fx?.length || !!g?.g; });
  };
  // (a dedup option the handler forwards from its own parameters comes from the request: it keys the enqueue)
  for (const fx of d.own) if (counts(fx, []) && !followed(fx, file) && !fx.pk) cands.push({ r: { file, fx }, g: handlerGuard, model: fx.m, scope: '', at: fx.s, h: fx.s, ch: [['', fx.s]] });
  for (const c of d.calls) {
    const reached = project.reach(file, c.r, d.cls, d.depth);
    // functions reached only through a deferred call (a scheduler callback, an event listener) run later, not in the request
    const later = new Set<string>();
    for (const r of reached) {
      const caller = r.path[r.path.length - 1];
      if (!caller) continue;
      const cf = factsOf(project.fn(caller));
      if (later.has(caller.file + '#' + caller.id) || cf?.dc?.includes(r.call.start)) later.add(r.file + '#' + r.fn.id);
    }
    // each reached function's place: the chain of calls from the handler that reach it (breadth-first: callers first)
    const chains = new Map<string, [string, number][]>();
    for (const r of reached) {
      const caller = r.path[r.path.length - 1];
      const pk = caller ? caller.file + '#' + caller.id : '';
      const k = r.file + '#' + r.fn.id;
      if (!chains.has(k)) chains.set(k, [...(pk ? chains.get(pk) ?? [] : []), [pk, r.call.start]]);
    }
    for (const r of reached) {
      if (later.has(r.file + '#' + r.fn.id)) continue;
      const chain = chains.get(r.file + '#' + r.fn.id) ?? [];
      const facts = factsOf(r.fn);
      if (!facts?.fx?.length) continue;
      // an upsert guards its own function's writes (and, in the handler, the handler's), not what its callees insert
      const onPath = r.path.map(h => { const g = factsOf(project.fn(h))?.g; return g?.upsert ? { ...g, upsert: undefined } : g; });
      const g0 = mergeGuards([handlerGuard, ...onPath, facts.g]);
      // a job id forwarded by a job-client wrapper keys the enqueue when a caller on the path hands one over
      const keyedByCaller = mergeGuards([handlerGuard, ...onPath]).jid;
      // a generic base-repository effect (`new this.MongooseModel(data).save()`) is known by the call that reached it
      const viaRepo = r.depth > 1 ? modelFromRef(r.call.ref) : undefined;
      const model = viaRepo ?? pathModel([...r.path.map(h => h.id), r.fn.id]);
      const ids = [...r.path.map(h => h.id), r.fn.id];
      const scope = r.file + '#' + r.fn.id;
      // a handler whose function is its first callee (depth 4): that callee's body is the handler's
      const inHandler = d.depth === 4 && r.depth === 1;
      const hCall = r.depth === (d.depth === 4 ? 2 : 1) ? r.call.start : undefined;
      for (const fx of facts.fx) {
        if (!counts(fx, ids) || followed(fx, r.file) || (fx.pk && (keyedByCaller || inHandler))) continue;
        // a plain insert of a table its function upserts on another path: no upsert covers it
        const g = fx.nu ? { ...g0, upsert: undefined } : g0;
        if (!fx.m && viaRepo && r.fn.cls) {
          // shown where the domain code calls the repository: `this.topicRepository.create` in the use case
          const w = refText(r.call.ref);
          cands.push({ r: { file: r.callerFile, fx: { ...fx, w, m: viaRepo, s: r.call.start, e: r.call.end, l: r.call.line, c: r.call.column, el: r.call.line, ec: r.call.column + w.length }, via: c.t }, g, model: viaRepo, scope, at: fx.s, h: inHandler ? fx.s : hCall, ch: [...chain, [scope, fx.s]] });
        } else cands.push({ r: { file: r.file, fx: fx.m || !model ? fx : { ...fx, m: model }, via: c.t }, g, model: fx.m ?? model, scope, at: fx.s, h: inHandler ? fx.s : hCall, ch: [...chain, [scope, fx.s]] });
      }
    }
  }
  const inserted = new Set<string>();
  for (const x of cands) { const m = x.r.fx.k === 'insert' ? normModel(x.model) : undefined; if (m) inserted.add(m); }
  // an insert of a model whose schema declares a natural unique key fails on a retry (handlers/schema.ts)
  let prisma: ReadonlyMap<string, string[][]> | undefined;
  const unique = (x: (typeof cands)[number]) => {
    const m = x.r.fx.k === 'insert' ? normModel(x.model) : undefined;
    if (!m) return false;
    // Prisma schemas are read once per set of package directories (the project's, seen from this file)
    if (!prisma) {
      const dirs = project.packageDirs?.(file) ?? [];
      prisma = dirs.length ? project.memo('nih.prisma:' + dirs.join('\u0000'), () => prismaUniques(dirs)) : new Map();
    }
    const fromTs = !!project.hasFact?.(UNIQUE_FACT + m);
    if (!fromTs && !prisma.has(m)) return false;
    return determines(x, m, fromTs);
  };
  // whether the insert gives its model's natural key (the model has one): a retry hits it
  const determines = (x: (typeof cands)[number], m: string, fromTs: boolean) => {
    // the key must be one the insert determines: its columns given from the input (a column the database fills, or a
    // value generated at the insert, makes the key fresh on a retry); an insert whose data cannot be read is trusted
    const u = x.r.fx.u;
    const keys = [...(fromTs && project.factsWith ? project.factsWith(UKEY_FACT + m + ':').map(f => f.slice(f.lastIndexOf(':') + 1).split('+')) : []), ...(prisma?.get(m) ?? []).map(k => k.map(normColumn))];
    if (!u || !keys.length) return true;
    return keys.some(k => k.every(c => u.n.includes(c) || (!!u.sp && !u.g?.includes(c))));
  };
  // a unique insert that fails on a retry stops what runs after it (in its function, or later in the handler); not one
  // a guard already covers (get-or-create: on a retry it finds the row and does not throw)
  // a unique-violation catch guards an insert unless the insert's model has natural keys the insert does not give
  // (a slug generated when the client sends none: the catch never fires on a retry)
  // (a function with an insert that does give its key keeps the catch for all its writes: that insert fails first)
  const keyed = (x: (typeof cands)[number]) => {
    const m = x.r.fx.k === 'insert' && x.r.fx.u ? normModel(x.model) : undefined;
    if (!m) return undefined;
    unique(x); // reads the Prisma keys once
    const fromTs = !!project.hasFact?.(UNIQUE_FACT + m);
    return fromTs || prisma?.has(m) ? determines(x, m, fromTs) : undefined;
  };
  const catching = new Set(cands.filter(x => x.g.uv && keyed(x) === true).map(x => x.scope));
  for (const x of cands) {
    if (!x.g.uv || x.g.key || catching.has(x.scope)) continue;
    if (keyed(x) === false) x.g = { ...x.g, uv: undefined };
  }
  const uniques = cands.filter(x => unique(x) && !guards(x.g, x.r.fx.k, x.model, inserted));
  // x runs after u when, in the deepest function both run in, x's call (or effect) comes later than u's: a unique insert
  // in `createRuleWithResolvedActions` stops the history row `createRule` writes after calling it
  const later2 = (x: [string, number][], u: [string, number][]) => {
    for (let i = 0; i < x.length && i < u.length; i++) {
      if (x[i][0] !== u[i][0]) return false;
      if (x[i][1] !== u[i][1]) return x[i][1] > u[i][1];
    }
    return false;
  };
  // (deeper than the handler's own calls only for a unique insert whose key columns were seen given from the input:
  // one trusted without them, through a model method, may key on a row the same request just created)
  const after = (x: (typeof cands)[number]) => uniques.some(u => u !== x && (u.scope === x.scope ? x.at > u.at
    : u.r.fx.u ? later2(x.ch, u.ch) : u.h !== undefined && x.h !== undefined && x.h > u.h));
  for (const x of cands) if (!guards(x.g, x.r.fx.k, x.model, inserted) && !unique(x) && !after(x)) add(x.r);
  return out;
}

/** Completes a handler's pending finding, or drops it (undefined) when nothing it reaches repeats. */
export function settleHandler(f: Finding, project: ProjectView, file: string): Finding | undefined {
  const d = f.pending as PendingHandler;
  const rep = repeatedEffects(d, project, file);
  if (!rep.length) return undefined;
  const first = [...rep].sort((a, b) => WEIGHT[a.fx.k] - WEIGHT[b.fx.k])[0];
  const where = first.file !== file ? ` in \`${path.basename(first.file)}\`` : '';
  const via = first.via ? ` (via \`${first.via}()\`)` : '';
  const missing = d.kind === 'http' && d.webhook === undefined ? 'no idempotency key or dedup check' : d.webhook !== undefined ? 'no event-id dedup' : 'no message-id dedup';
  const more = rep.length > 1 ? `; ${rep.length - 1} more repeated effect${rep.length > 2 ? 's' : ''} in related locations` : '';
  const related: RelatedLocation[] = rep.map(r => ({
    file: r.file,
    startPos: { line: r.fx.l, column: r.fx.c },
    endPos: { line: r.fx.el, column: r.fx.ec },
    message: `\`${r.fx.w}\` ${AGAIN[r.fx.k]} when the ${d.kind === 'http' && d.webhook === undefined ? 'request is retried' : d.webhook !== undefined ? 'event is redelivered' : 'message is redelivered'}`,
  }));
  const payment = rep.some(r => r.fx.k === 'payment');
  return {
    ...f,
    messageId: messageIdOf(first.fx.k),
    message: `${who(d)} ${CONSEQUENCE[first.fx.k]}: \`${first.fx.w}\`${where}${via} runs with ${missing}${more}`,
    severity: payment ? 'error' : f.severity,
    related,
  };
}

export function messageIdOf(k: EffectKind): string {
  return k === 'payment' ? 'payment' : k === 'insert' ? 'insert' : k === 'increment' ? 'increment' : k === 'publish' ? 'publish' : 'send';
}
