/**
 * Non-idempotent effects for non-idempotent-handler, classified call by call (calls inside recognised handlers, and
 * in every summarised function for the project pass), and the effects that are NOT findings (RULES.md v2): rows that
 * only record the request (audit, security/access logs, analytics, search queries), single-use short-lived
 * credentials (sessions, verification/reset tokens, one-time codes and the emails that deliver them), and writes that
 * converge (an explicit id from the input). Guards live in ./guards.ts.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { callArgs, enclosingFunction, memberPath, namedChildren, stringValue, unwrap } from '../../core/ast';
import { importsAny } from './recognize';

export type EffectKind = 'payment' | 'insert' | 'increment' | 'email' | 'sms' | 'push' | 'publish';

export interface Effect {
  kind: EffectKind;
  call: Node;
  /** Short name of the call for messages: `prisma.order.create`. */
  what: string;
  /** Model/table name for same-model dedup lookups. */
  model?: string;
  /** Stripe resource (charges, refunds, ...). */
  stripe?: string;
  /**
   * `X.create(...)` on an identifier taken for a model by its name or module (`Tag` from `../models/tags`): when `X`
   * resolves to a project class or object whose `create` is a function, that function is followed instead (its own
   * writes and guards decide; see settle.ts).
   */
  byName?: true;
  /**
   * The enqueue's dedup option is forwarded from the enclosing function's own parameter (`jobId: options?.jobId` in a
   * job-client wrapper): it keys only the calls that pass one (settle.ts: covered when a caller on the path names a job
   * id).
   */
  pk?: true;
}

const DB_NAME = /^(db|database|knex|trx|tx|transaction|prisma|prismaClient|supabase|supabaseClient|sql|pg|pool|kysely|drizzle|orm|sequelize|em|entityManager|manager|dataSource|queryRunner|mongo|mongoClient|models?|dbClient|conn|connection)$/i;
const DB_SUFFIX = /(Repo|Repository|Model|Collection|Table|Dao|DAO|Db|DB|Prisma|Knex)$/;
const METRICS = /stat|metric|counter|prom|telemetry|^dd|datadog|gauge|meter|track|analytic|histogram|rate|limit|cache|redis/i;
const CONFLICT_CHAIN = /^(onConflict|onConflictDoNothing|onConflictDoUpdate|onDuplicateKeyUpdate|orIgnore|ignore|merge|onDuplicateUpdate)$/;

/** Names along a callee's object chain: `this.prisma.order` -> ['this','prisma','order']; `knex('t')` -> ['knex()'];  `db.collection('x')` -> ['db','collection()']. */
function chain(node: Node | null): string[] {
  const out: string[] = [];
  let n = unwrap(node);
  for (let i = 0; n && i < 12; i++) {
    if (n.type === 'member_expression') {
      out.unshift(n.childForFieldName('property')?.text ?? '?');
      n = unwrap(n.childForFieldName('object'));
    } else if (n.type === 'call_expression') {
      const f = unwrap(n.childForFieldName('function'));
      if (f?.type === 'identifier') { out.unshift(f.text + '()'); return out; }
      if (f?.type === 'member_expression') {
        out.unshift((f.childForFieldName('property')?.text ?? '?') + '()');
        n = unwrap(f.childForFieldName('object'));
      } else return out;
    } else if (n.type === 'identifier' || n.type === 'this') {
      out.unshift(n.text);
      return out;
    } else if (n.type === 'await_expression') {
      n = unwrap(n.namedChild(0));
    } else return out;
  }
  return out;
}

const bare = (s: string) => s.replace(/\(\)$/, '');
const isDbName = (s: string) => DB_NAME.test(bare(s)) || DB_SUFFIX.test(bare(s));

/** A PascalCase identifier that is a Mongoose/Sequelize/Objection model: imported from a models-ish module or defined as one here. */
function isModelIdentifier(ctx: RuleContext, id: Node): boolean {
  if (id.type !== 'identifier' || !/^[A-Z][A-Za-z0-9]*$/.test(id.text)) return false;
  const b = ctx.facts.moduleOf(id);
  if (b) return /(^|[/@.])(models?|entities|entity|schemas?|db|database)([/.]|$)/i.test(b.module) || /Model$/.test(id.text);
  if (ctx.facts.isShadowed(id, id.text)) {
    const decls = ctx.facts.declarations.get(id.text) ?? [];
    return decls.some(d => /\b(mongoose\.model|model|define)\s*[<(]/.test(d.childForFieldName('value')?.text ?? '') || /extends\s+Model\b/.test(d.text.slice(0, 200)));
  }
  // class declarations are not in `declarations`; a class Order extends Model { } in this file
  return new RegExp(`class\\s+${id.text}\\s+extends\\s+(Model|BaseEntity)\\b`).test(ctx.text);
}

/** Methods chained after the call: `db.insert(t).values(v).onConflictDoNothing()` -> ['values','onConflictDoNothing']. */
function chainedAfter(call: Node): string[] {
  const out: string[] = [];
  let n: Node = call;
  for (let i = 0; i < 8; i++) {
    const p = n.parent;
    if (p?.type !== 'member_expression' || p.parent?.type !== 'call_expression') break;
    out.push(p.childForFieldName('property')?.text ?? '');
    n = p.parent;
  }
  return out;
}

/**
 * The table of a Drizzle/knex insert that carries a conflict clause (`db.insert(inbox).values(v).onConflictDoNothing()`
 * -> `inbox`): no effect itself; a plain insert of the same table in the same function is the path that does not
 * converge (see the rule docs).
 */
export function conflictInsertTable(call: Node): string | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'insert') return undefined;
  if (!chainedAfter(call).some(m => CONFLICT_CHAIN.test(m))) return undefined;
  const t = unwrap(callArgs(call)[0]);
  return t?.type === 'identifier' ? t.text : t?.type === 'member_expression' ? t.childForFieldName('property')?.text : undefined;
}

const INSERT_SQL = /^\s*insert\s+(into\s+)?[\w."`[\]]+/i;
const SQL_GUARD = /on\s+conflict|on\s+duplicate\s+key|insert\s+ignore|insert\s+or\s+(ignore|replace)|where\s+not\s+exists|^\s*merge\b/i;
const SQL_INCREMENT = /^\s*update\b[\s\S]*?\bset\b[\s\S]*?("?[A-Za-z_][\w]*"?)\s*=\s*\1\s*[+-]/i;

function sqlText(ctx: RuleContext, arg: Node | null | undefined): string | undefined {
  const n = ctx.facts.resolveValue(arg);
  if (!n) return undefined;
  if (n.type === 'string') return n.text.slice(1, -1);
  if (n.type === 'template_string') return n.text.slice(1, -1);
  return undefined;
}

function objArgHasKey(ctx: RuleContext, arg: Node | undefined, key: string): boolean {
  const o = ctx.facts.resolveObject(arg);
  return !!o && ctx.facts.lookupProp(o, key).kind === 'present';
}

const AWS_COMMANDS: Record<string, EffectKind> = {
  SendEmailCommand: 'email', SendRawEmailCommand: 'email', SendTemplatedEmailCommand: 'email', SendBulkTemplatedEmailCommand: 'email', SendBulkEmailCommand: 'email',
  SendMessageCommand: 'publish', SendMessageBatchCommand: 'publish', PublishCommand: 'publish', PublishBatchCommand: 'publish',
  PutEventsCommand: 'publish', PutRecordCommand: 'publish', PutRecordsCommand: 'publish',
};

/** Method names `classifyEffect` can return an effect for (its SQL names and switch cases): other member calls are not looked at further. */
const EFFECT_PROPS = new Set(['insertOne', 'insertMany', 'bulkCreate', 'createMany', 'bulkInsert', 'insert', 'insertInto', 'create', 'save', 'persistAndFlush', 'persist', 'persistOrReplace', 'emit', 'increment', 'decrement', 'update', 'updateOne', 'updateMany', 'findOneAndUpdate', 'findByIdAndUpdate', 'findAndModify', 'bulkWrite', 'upsert', 'sendMail', 'send', 'sendMultiple', 'sendBatch', 'sendMulticast', 'sendEachForMulticast', 'sendEach', 'sendToDevice', 'sendToTopic', 'sendAll', 'sendNotification', 'sendPushNotificationsAsync', 'sendSms', 'sendSMS', 'sendEmail', 'sendEmailWithTemplate', 'sendEmailBatch', 'sendRawEmail', 'sendTemplatedEmail', 'sendMessage', 'sendMessageBatch', 'publish', 'publishMessage', 'publishJSON', 'sendToQueue', 'putEvents', 'putRecord', 'add', 'addBulk', 'triggerJob', 'enqueue', 'enqueueJob', 'addJob', 'trigger', 'batchTrigger', 'triggerAndWait', 'sale', 'query', 'execute', 'exec', 'run', 'none', 'one', 'oneOrNone', 'many', 'any', 'raw', '$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe', 'all', 'get', 'result', 'unsafe', 'first']);

/** A plain member chain and the call's arguments, from a call's start: `a.b?.c(` (group 1: the last name). */
const MEMBER_CALL_HEAD = /[\w$]+(?:\s*\??\.\s*[\w$]+)*\s*\??\.\s*([\w$]+)\s*\(/y;
/** The rest of a chain after an inner call (`a.b(x)` + `.c.d(`): group 1, the last name. */
const MEMBER_CALL_TAIL = /(?:\s*\??\.\s*[\w$]+)*\s*\??\.\s*([\w$]+)\s*\(/y;
/** A call of a plain name: `name(`. */
const NAME_CALL_HEAD = /[\w$]+\s*\(/y;
/** A string or template literal that starts like the SQL `sqlEffect` reads (INSERT_SQL, SQL_INCREMENT). */
const SQL_LITERAL_START = /['"`]\s*(?:insert\s|update\b)/i;

/**
 * Whether a call certainly has no effect, read from the text alone (no tree access; `classifyEffect` reads several
 * nodes through WASM per call), else false (the tree decides):
 * - a member call (`a.b.c(...)`, `a.b(x).c(y)`) whose method is not one `classifyEffect` or
 *   `classifyMessagesCreate` looks at; `innerEnd`: the end of the largest other call that starts where this one does
 *   (`a.b(x)` in `a.b(x).c(y)`), whose text is skipped (the first `chain(` of the text is that call's);
 * - a call of a plain name (`f(...)`) in a file without a string or template that starts with INSERT or UPDATE
 *   (its only effect is SQL in its first argument: a literal or a same-file const).
 */
export function plainlyNoEffect(text: string, call: Node, innerEnd: number | undefined, fileHasSql: () => boolean): boolean {
  if (innerEnd !== undefined) {
    if (innerEnd < 0) return false;
    MEMBER_CALL_TAIL.lastIndex = innerEnd;
    const m = MEMBER_CALL_TAIL.exec(text);
    return !!m && !EFFECT_PROPS.has(m[1]);
  }
  MEMBER_CALL_HEAD.lastIndex = call.startIndex;
  const m = MEMBER_CALL_HEAD.exec(text);
  if (m) return !EFFECT_PROPS.has(m[1]);
  NAME_CALL_HEAD.lastIndex = call.startIndex;
  return NAME_CALL_HEAD.test(text) && !fileHasSql();
}

/** Whether the text holds a string or template literal that starts with INSERT or UPDATE (see plainlyNoEffect). */
export function hasSqlLiteral(text: string): boolean {
  return SQL_LITERAL_START.test(text);
}

/** Classifies one call as a non-idempotent effect (or not). Stripe is handled by the caller. */
export function classifyEffect(ctx: RuleContext, call: Node): Effect | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (!fn) return undefined;
  const argsNode = call.childForFieldName('arguments');
  // tagged template: sql`INSERT ...`
  if (argsNode?.type === 'template_string') return sqlEffect(call, argsNode.text.slice(1, -1), fn.text);
  if (fn.type === 'identifier') {
    const args = callArgs(call);
    const sql = args.length ? sqlText(ctx, args[0]) : undefined;
    return sql ? sqlEffect(call, sql, fn.text) : undefined;
  }
  if (fn.type !== 'member_expression') return undefined;
  const prop = fn.childForFieldName('property')?.text ?? '';
  if (!EFFECT_PROPS.has(prop)) return undefined;
  const args = callArgs(call);
  // an idempotency key handed to the call (Resend, trigger.dev, Inngest, Stripe-like SDKs): the callee dedups it
  if (args.some(a => a.type === 'object' && /\bidempotency_?key\b/i.test(a.text))) return undefined;
  const obj = unwrap(fn.childForFieldName('object'));
  const names = chain(obj);
  const last = names[names.length - 1] ?? '';
  const what = [...names, prop].join('.').replace(/\(\)/g, '(…)');
  const after = () => chainedAfter(call);

  // SQL through any client: pool.query('INSERT ...'), db.execute(...), prisma.$executeRaw`...`
  if (args.length && /^(query|execute|exec|run|none|one|oneOrNone|many|any|raw|\$executeRaw|\$executeRawUnsafe|\$queryRaw|\$queryRawUnsafe|all|get|result|unsafe)$/.test(prop)) {
    const sql = sqlText(ctx, args[0]);
    if (sql) return sqlEffect(call, sql, what);
  }
  if (/^(run|all|first|raw|get)$/.test(prop)) {
    const sql = preparedSql(ctx, obj);
    if (sql) return sqlEffect(call, sql, what);
  }
  switch (prop) {
    case 'insertOne': case 'insertMany': case 'bulkCreate': case 'createMany': case 'bulkInsert':
      if (args.some(a => /\b(skipDuplicates|ignoreDuplicates|updateOnDuplicate)\s*:\s*(true|\[)/.test(a.text))) return undefined;
      return { kind: 'insert', call, what, model: modelOf(obj, names) };
    case 'insert': case 'insertInto':
      if (after().some(m => CONFLICT_CHAIN.test(m))) return undefined;
      if (names.some(n => isDbName(n) || /^(from|table|into|collection|query)\(\)$/.test(n)) || (obj?.type === 'call_expression' && names.length === 1)) {
        // drizzle `db.insert(searchQueries)`: the table is the argument
        const table = unwrap(args[0]);
        const tableName = table?.type === 'identifier' ? table.text : table?.type === 'member_expression' ? table.childForFieldName('property')?.text : undefined;
        return { kind: 'insert', call, what, model: prop === 'insertInto' ? stringValue(args[0]) : tableName ?? modelOf(obj, names) };
      }
      return undefined;
    case 'create': {
      if (names.length === 0 || names.some(n => /stripe/i.test(n))) return undefined;
      if (/(repo|repository)$/i.test(bare(last))) return undefined; // TypeORM create() only builds an entity
      // prisma.order.create / tx.order.create / this.prisma.order.create / db.Order.create (Sequelize)
      if (names.length >= 2 && isDbName(names[names.length - 2]) && /^[A-Za-z_$][\w$]*$/.test(last)) return { kind: 'insert', call, what, model: last };
      // this.orderModel.create (Nest + Mongoose), models.Order.create
      if (names.length >= 2 && names[0] === 'this' && /Model$/.test(last)) return { kind: 'insert', call, what, model: modelName(names) };
      if (names.length === 1 && obj && isModelIdentifier(ctx, obj)) {
        // imported from a project module (`Tag` from `../models/tags`): it may be a class with its own `create`
        const imported = /^[.@~#/]/.test(ctx.facts.moduleOf(obj)?.module ?? '');
        return imported ? { kind: 'insert', call, what, model: obj.text, byName: true } : { kind: 'insert', call, what, model: obj.text };
      }
      return undefined;
    }
    case 'save': {
      // new Order(body).save() / const order = new Order(body); await order.save()  (Mongoose)
      let target = obj;
      if (target?.type === 'identifier') {
        const d = ctx.facts.constDeclarator(target.text, target) ?? ctx.facts.declarations.get(target.text)?.find(x => x.type === 'variable_declarator');
        target = unwrap(d?.childForFieldName('value'));
      }
      // Sequelize `User.build(attrs).save()` / `const u = User.build(attrs); await u.save()`
      if (target?.type === 'call_expression') {
        const f = unwrap(target.childForFieldName('function'));
        const base = f?.type === 'member_expression' ? unwrap(f.childForFieldName('object')) : null;
        if (f?.childForFieldName('property')?.text === 'build' && base && isModelIdentifier(ctx, base)) return { kind: 'insert', call, what: `${base.text}.build(…).save`, model: base.text };
      }
      if (target?.type === 'new_expression') {
        const ctor = unwrap(target.childForFieldName('constructor'));
        if (ctor && isModelIdentifier(ctx, ctor)) return { kind: 'insert', call, what: `new ${ctor.text}(…).save`, model: ctor.text };
        // a generic repository: `new this.MongooseModel(data).save()`, `new this.userModel(dto).save()` (NestJS + Mongoose)
        if (ctor?.type === 'member_expression' && ctor.childForFieldName('object')?.type === 'this' && /model$/i.test(ctor.childForFieldName('property')?.text ?? '')) {
          return { kind: 'insert', call, what: `new ${ctor.text}(…).save`, model: modelName(['this', ctor.childForFieldName('property')!.text]) };
        }
      }
      // TypeORM: `repo.save(repo.create(dto))`, `const e = this.repo.create(dto); await this.repo.save(e)`,
      // `repo.save({ ...dto })` without an id: a new entity, so an insert (saving a loaded entity is an update)
      if (/(repo|repository)$/i.test(bare(last)) && args.length) {
        let a = unwrap(args[0]);
        if (a?.type === 'identifier') a = unwrap(ctx.facts.constDeclarator(a.text, a)?.childForFieldName('value'));
        if (a?.type === 'await_expression') a = unwrap(a.namedChild(0));
        const built = a?.type === 'call_expression' && unwrap(a.childForFieldName('function'))?.type === 'member_expression'
          && unwrap(a.childForFieldName('function'))!.childForFieldName('property')?.text === 'create'
          && /(repo|repository)$/i.test(bare(chain(unwrap(a.childForFieldName('function'))!.childForFieldName('object')).pop() ?? ''));
        const fresh = a?.type === 'new_expression' || (a?.type === 'object' && ctx.facts.lookupProp(a, 'id').kind === 'absent' && !namedChildren(a).some(p => p.type === 'spread_element'));
        if (built || fresh) return { kind: 'insert', call, what, model: modelName(names) };
      }
      return undefined;
    }
    case 'persistAndFlush': case 'persist': case 'persistOrReplace': {
      // MikroORM: em.persistAndFlush(new Order(...)) / em.persist(em.create(Order, data))
      if (prop === 'persistOrReplace' || !names.some(n => /^(em|entityManager|orm|manager)$/i.test(bare(n)) || /(Repository|Repo)$/.test(bare(n)))) return undefined;
      let a = unwrap(args[0]);
      if (a?.type === 'identifier') a = unwrap(ctx.facts.constDeclarator(a.text, a)?.childForFieldName('value'));
      const made = a?.type === 'new_expression' || (a?.type === 'call_expression' && /\.create$/.test(unwrap(a.childForFieldName('function'))?.text ?? ''));
      if (!made) return undefined;
      const ctorName = a?.type === 'new_expression' ? unwrap(a.childForFieldName('constructor'))?.text : stringValue(callArgs(a!)[0]) ?? unwrap(callArgs(a!)[0])?.text;
      return { kind: 'insert', call, what, model: ctorName };
    }
    case 'emit': {
      // NestJS microservices ClientProxy / ClientKafka `this.client.emit('order_created', data)`: a broker publish
      // (an in-process EventEmitter's emit is not)
      if (/(emitter|events?|bus|socket|io|server|ws|subject)$/i.test(bare(last)) || names.length === 0) return undefined;
      if (/(kafka|client|producer|broker|rmq|rabbit\w*|nats|mqtt|pubsub)$/i.test(bare(last)) && typeof stringValue(args[0]) === 'string') return { kind: 'publish', call, what };
      return undefined;
    }
    case 'increment': case 'decrement':
      if (names.some(n => METRICS.test(bare(n)))) return undefined;
      if (names.some(n => isDbName(n) || /^(from|table|query)\(\)$/.test(n)) || (obj && obj.type === 'identifier' && isModelIdentifier(ctx, obj)) || (obj?.type === 'call_expression' && names.length === 1)) {
        return { kind: 'increment', call, what };
      }
      return undefined;
    case 'update': case 'updateOne': case 'updateMany': case 'findOneAndUpdate': case 'findByIdAndUpdate': case 'findAndModify': case 'bulkWrite': case 'upsert': {
      // the update document may sit in a same-file variable: `var update = { $inc: { n: 1 } }; Model.findOneAndUpdate(q, update, ...)`
      const t = args.map(a => a.text + ' ' + (a.type === 'identifier' ? singleDeclValue(ctx, a) : '')).join(' ');
      if (/\$inc\b/.test(t) || (/\b(increment|decrement)\s*:/.test(t) && names.some(isDbName))) return { kind: 'increment', call, what };
      return undefined;
    }
    case 'sendMail':
      return { kind: 'email', call, what };
    case 'send': case 'sendMultiple': case 'sendBatch': {
      const head = obj && obj.type === 'identifier' ? ctx.facts.moduleOf(obj) : undefined;
      if (head && /^@sendgrid\/mail$/.test(head.module)) return { kind: 'email', call, what };
      if (last === 'emails' || last === 'email') return { kind: 'email', call, what };
      // Resend's batch API: `resend.batch.send([...])`
      if (last === 'batch' && (/resend/i.test(names[0] ?? '') || importsAny(ctx, /^resend$/))) return { kind: 'email', call, what };
      if (names.includes('messaging()') || last === 'messaging') return { kind: 'push', call, what };
      if (last === 'sms' || /vonage|nexmo/i.test(names[0] ?? '')) return { kind: 'sms', call, what };
      // kafkajs producer.send({ topic, messages })
      if (/producer$/i.test(bare(last)) || (objArgHasKey(ctx, args[0], 'topic') && objArgHasKey(ctx, args[0], 'messages'))) return { kind: 'publish', call, what };
      // AWS SDK v3: client.send(new SendMessageCommand(...))
      let cmd = unwrap(args[0]);
      if (cmd?.type === 'identifier') cmd = unwrap(ctx.facts.constDeclarator(cmd.text, cmd)?.childForFieldName('value'));
      if (cmd?.type === 'new_expression') {
        const ctorName = cmd.childForFieldName('constructor')?.text ?? '';
        const kind = AWS_COMMANDS[ctorName];
        if (kind && !/MessageDeduplicationId/.test(cmd.text)) return { kind, call, what: `${what}(new ${ctorName}(…))` };
      }
      return undefined;
    }
    case 'sendMulticast': case 'sendEachForMulticast': case 'sendEach': case 'sendToDevice': case 'sendToTopic': case 'sendAll':
      return names.some(n => /messaging/.test(n)) ? { kind: 'push', call, what } : undefined;
    case 'sendNotification':
      return importsAny(ctx, /^web-push$/) || /web-?push/i.test(names[0] ?? '') ? { kind: 'push', call, what } : undefined;
    case 'sendPushNotificationsAsync':
      return { kind: 'push', call, what };
    case 'sendSms': case 'sendSMS':
      return { kind: 'sms', call, what };
    case 'sendEmail': case 'sendEmailWithTemplate': case 'sendEmailBatch': case 'sendRawEmail': case 'sendTemplatedEmail':
      if (/^(ses|sesClient|postmark\w*|client)$/i.test(bare(last)) && importsAny(ctx, /^(aws-sdk|@aws-sdk\/client-ses|@aws-sdk\/client-sesv2|postmark)$/)) return { kind: 'email', call, what };
      return undefined;
    case 'sendMessage': case 'sendMessageBatch':
      if (/sqs/i.test(bare(last)) && !args.some(a => /MessageDeduplicationId/.test(a.text))) return { kind: 'publish', call, what };
      return undefined;
    case 'publish': case 'publishMessage': case 'publishJSON': case 'sendToQueue': case 'putEvents': case 'putRecord':
      if (args.some(a => /MessageDeduplicationId|msgID|msgId\s*:/.test(a.text))) return undefined;
      if (prop === 'publishMessage' || prop === 'publishJSON') return { kind: 'publish', call, what };
      if (/(producer|publisher|sns|topic|channel|^ch|chan|exchange|eventbridge|kinesis|sqs|amqp|rabbit\w*)$/i.test(bare(last)) || /^topic\(\)$/.test(last)) return { kind: 'publish', call, what };
      // Google Pub/Sub clients (a Redis or in-process pub/sub for live updates is not a queue)
      if (/pubsub$/i.test(bare(last)) && importsAny(ctx, /^@google-cloud\/pubsub$/)) return { kind: 'publish', call, what };
      return undefined;
    case 'add': case 'addBulk':
      // BullMQ queue.add(name, data, { jobId }) dedups by job id
      if (!/queue$/i.test(bare(last))) return undefined;
      if (args.some(a => /\b(jobId|deduplication|repeat|repeatJobKey)\b/.test(a.text))) {
        // a wrapper that forwards its caller's optional job id (`jobId: options?.jobId`): keyed only when a caller gives one
        return forwardedKey(call, args, /\b(jobId|deduplication|repeat|repeatJobKey)\b/) ? { kind: 'publish', call, what, pk: true } : undefined;
      }
      return { kind: 'publish', call, what };
    case 'triggerJob': case 'enqueue': case 'enqueueJob': case 'addJob': {
      // a ReadableStream/TransformStream controller's enqueue writes to a response stream
      if (/^(controller|ctrl|stream|writer|readable|writable|c)$/i.test(bare(last)) || /stream|controller/i.test(bare(last))) return undefined;
      // background jobs: documenso's jobs.triggerJob({ name, payload }), graphile/pg-boss enqueue; dedup options make them converge
      if (args.some(a => /\b(jobId|jobKey|idempotencyKey|deduplication\w*|singletonKey|uniqueKey|dedupe\w*)\b/.test(a.text))) {
        return forwardedKey(call, args, /\b(jobId|jobKey|idempotencyKey|deduplication\w*|singletonKey|uniqueKey|dedupe\w*)\b/) ? { kind: 'publish', call, what, pk: true } : undefined;
      }
      // a job envelope with its own deterministic id (trigger.dev's redis-worker `enqueue({ id: \`converge:${orgId}\`, job, payload })`):
      // the queue keeps one job per id, so a retried enqueue replaces or is dropped (a random id dedups nothing)
      if (args.some(a => deterministicJobId(ctx, a))) return undefined;
      return { kind: 'publish', call, what };
    }
    case 'trigger': case 'batchTrigger': case 'triggerAndWait':
      // trigger.dev tasks.trigger(id, payload, { idempotencyKey })
      if (last !== 'tasks' && !(obj?.type === 'identifier' && /^@trigger\.dev\/sdk/.test(ctx.facts.moduleOf(obj)?.module ?? ''))) return undefined;
      if (prop === 'triggerAndWait' || args.some(a => /\bidempotencyKey\b/.test(a.text))) return undefined;
      return { kind: 'publish', call, what };
    case 'sale':
      // Braintree gateway.transaction.sale(...)
      return last === 'transaction' ? { kind: 'payment', call, what } : undefined;
  }
  return undefined;
}

/**
 * Whether every dedup option of an enqueue (`{ jobId: options?.jobId }`, `{ jobId }`) takes its value from a parameter
 * of the function the call sits in, so the wrapper keys nothing itself: its callers decide (see the rule docs).
 */
function forwardedKey(call: Node, args: Node[], names: RegExp): boolean {
  const fn = enclosingFunction(call);
  const params = fn?.childForFieldName('parameters')?.text ?? (fn?.type === 'arrow_function' ? fn.childForFieldName('parameter')?.text : undefined);
  if (!params) return false;
  const paramNames = new Set(params.match(/[A-Za-z_$][\w$]*/g) ?? []);
  let seen = 0;
  for (const a of args) {
    if (a.type !== 'object') { if (names.test(a.text)) return false; continue; }
    for (const p of namedChildren(a)) {
      if (p.type === 'shorthand_property_identifier') {
        if (!names.test(p.text)) continue;
        if (!paramNames.has(p.text)) return false;
        seen++;
      } else if (p.type === 'pair') {
        const k = p.childForFieldName('key')?.text ?? '';
        if (!names.test(k)) { if (names.test(p.text)) return false; continue; }
        const v = unwrap(p.childForFieldName('value'));
        // `options?.jobId`, `opts.jobId`, `jobId` (a parameter), nothing else
        const m = v && /^([A-Za-z_$][\w$]*)(?:\s*\??\.\s*([\w$]+))?$/.exec(v.text);
        if (!m || !paramNames.has(m[1]) || !names.test(m[2] ?? m[1])) return false;
        seen++;
      } else if (names.test(p.text)) return false;
    }
  }
  return seen > 0;
}

const RANDOM_ID = /\b(randomUUID|randomBytes|uuid\w*|v4|v7|nanoid|customAlphabet|cuid\w*|createId|generateId|ulid|ObjectId|uniqid\w*|uniqueId|hyperid|Math\.random|Date\.now|new\s+Date)\b/;

/** An enqueue options object `{ id, job|name|payload|data }` whose `id` is not made random at the call (see the rule docs). */
function deterministicJobId(ctx: RuleContext, arg: Node): boolean {
  const o = ctx.facts.resolveObject(arg);
  if (!o) return false;
  const id = ctx.facts.lookupProp(o, 'id');
  if (id.kind !== 'present' || !id.value) return false;
  if (!['job', 'name', 'payload', 'data', 'task'].some(k => ctx.facts.lookupProp(o, k).kind === 'present')) return false;
  const v = unwrap(id.value);
  if (!v || /^(undefined|null)$/.test(v.text) || RANDOM_ID.test(v.text)) return false;
  // the names the id is built from (`group` in `processBulkAction-${group.id}`): one bound to a random value, or to a
  // row this request just created (`const group = await prisma.x.create(...)`, a fresh id each time), is no dedup key
  const names = new Set<string>();
  const walk = (n: Node) => {
    if (n.type === 'identifier') names.add(n.text);
    else if (n.type === 'member_expression') walk(n.childForFieldName('object')!);
    else for (const c of namedChildren(n)) walk(c);
  };
  walk(v);
  for (const name of names) {
    const init = ctx.facts.constDeclarator(name, v)?.childForFieldName('value')?.text ?? '';
    if (RANDOM_ID.test(init) || FRESH_ROW.test(init)) return false;
  }
  return true;
}

/** A value that is a row created by this request (`await prisma.group.create(...)`, `.insert(...).returning()`) or a generated id. */
const FRESH_ROW = /\.\s*(?:create|createOne|insert\w*|save|generate\w*)\s*\(|\bgenerate\w*Id\s*\(/;

/** twilio / mailgun `client.messages.create({ to, from, body })` (not LLM SDKs' `messages.create`). */
export function classifyMessagesCreate(ctx: RuleContext, call: Node): Effect | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'create') return undefined;
  const names = chain(fn.childForFieldName('object'));
  if (names[names.length - 1] !== 'messages') return undefined;
  const args = callArgs(call);
  const what = [...names, 'create'].join('.').replace(/\(\)/g, '(…)');
  if (importsAny(ctx, /^(twilio)$/) || /twilio/i.test(names.join('.')) || objArgHasKey(ctx, args[0], 'to') && (objArgHasKey(ctx, args[0], 'from') || objArgHasKey(ctx, args[0], 'body'))) return { kind: 'sms', call, what };
  if (importsAny(ctx, /^(mailgun\.js|mailgun-js)$/) || /^(mg|mailgun)/i.test(names[0] ?? '')) return { kind: 'email', call, what };
  return undefined;
}

/** The initializer text of a name declared exactly once in the file (any of const/let/var), else ''. */
function singleDeclValue(ctx: RuleContext, id: Node): string {
  const decls = (ctx.facts.declarations.get(id.text) ?? []).filter(d => d.type === 'variable_declarator');
  if (decls.length !== 1 || decls[0].childForFieldName('name')?.type !== 'identifier') return '';
  const v = unwrap(decls[0].childForFieldName('value'));
  return v?.type === 'object' ? v.text : '';
}

/** Cloudflare D1 / better-sqlite3: `db.prepare('INSERT ...').bind(...).run()`, `stmt.run(...)` with `const stmt = db.prepare(sql)`. */
function preparedSql(ctx: RuleContext, obj: Node | null): string | undefined {
  let n = unwrap(obj);
  for (let i = 0; n && i < 4; i++) {
    if (n.type === 'identifier') { n = unwrap(ctx.facts.constDeclarator(n.text, n)?.childForFieldName('value')); continue; }
    if (n.type === 'await_expression') { n = unwrap(n.namedChild(0)); continue; }
    if (n.type !== 'call_expression') return undefined;
    const f = unwrap(n.childForFieldName('function'));
    if (f?.type !== 'member_expression') return undefined;
    const p = f.childForFieldName('property')?.text;
    if (p === 'prepare') return sqlText(ctx, callArgs(n)[0]);
    if (p !== 'bind') return undefined;
    n = unwrap(f.childForFieldName('object'));
  }
  return undefined;
}

function sqlEffect(call: Node, sql: string, what: string): Effect | undefined {
  if (INSERT_SQL.test(sql) && !SQL_GUARD.test(sql)) {
    const m = /^\s*insert\s+(?:into\s+)?([\w."`[\]]+)/i.exec(sql);
    return { kind: 'insert', call, what: `${what}(INSERT …)`, model: m?.[1].replace(/["`[\]]/g, '').split('.').pop() };
  }
  if (SQL_INCREMENT.test(sql)) return { kind: 'increment', call, what: `${what}(UPDATE … SET x = x + …)` };
  return undefined;
}

function modelOf(obj: Node | null, names: string[]): string | undefined {
  if (obj?.type === 'call_expression') {
    const a = callArgs(obj)[0];
    const v = stringValue(a);
    if (v) return v;
  }
  return modelName(names);
}

/** Generic holders in base repositories: the model is the subclass's, known only from the call path. */
const GENERIC_MODEL = /^(mongooseModel|model|entity|repository|repo|collection|table|dbModel|baseModel|_model)$/i;

function modelName(names: string[]): string | undefined {
  const last = names[names.length - 1];
  if (!last || GENERIC_MODEL.test(bare(last))) return undefined;
  return bare(last).replace(/(Repo|Repository|Model|Collection|Table)$/, '') || undefined;
}


// ---- NOT effects (RULES.md v2) ----

/** Words of an identifier: `userSecurityAuditLog` -> user, security, audit, log; `search_queries` -> search, queries. */
export function words(name: string): string[] {
  return name.replace(/2fa/gi, ' 2fa ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Rows that only record the request: audit, access/security logs, activity feeds, analytics, telemetry, search queries. */
const RECORD_WORDS = new Set(['audit', 'audits', 'log', 'logs', 'logging', 'activity', 'activities', 'analytics', 'telemetry', 'tracking', 'metric', 'metrics', 'stat', 'stats', 'statistic', 'statistics', 'pageview', 'pageviews', 'impression', 'impressions']);
const RECORD_PAIRS = /\bsearch (query|queries|history)\b|\blogin attempts?\b|\bpage views?\b/;
/** Functions whose job is recording: `logEvent`, `AuditService.create`, `trackUsage`, `recordAuditEvent`. */
const RECORDER_FN = new Set(['audit', 'log', 'logs', 'track', 'tracking', 'telemetry', 'analytics', 'metric', 'metrics']);

const VERSION_WORDS = new Set(['version', 'versions', 'revision', 'generation', 'etag', 'bump', 'cache']);
/** `currentRunVersion: { increment: 1 }`, `$inc: { version: 1 }`: a version/sequence bump. */
const VERSION_INCREMENT = /\b\w*(?:[vV]ersion|[rR]evision|[sS]eq|[sS]equence|[gG]eneration)\w*['"]?\s*:\s*(?:\{\s*increment\b|1\b)|\$inc\s*:\s*\{\s*['"]?\w*(?:version|revision|seq)/;
const ID_WORDS = new Set(['id', 'ids', 'sequence', 'seq', 'serial']);
const DELETE_WORDS = new Set(['delete', 'deletes', 'deletion', 'remove', 'removal', 'purge', 'tombstone', 'tombstones']);

/** Single-use, short-lived credentials (a duplicate expires unused): sessions, verification/reset tokens, OTPs, challenges. */
const CREDENTIAL_MODEL = /^(user|auth|login|browser|web)?sessions?$|^salts?$|otp|verification|verify|passwordreset|resetpassword|reset(token|code|request)|magiclink|challenge|nonce|twofactor|totp|refreshtoken|logintoken|emailtoken|signintoken|confirmation(token|code)|authcode|authorizationcode|oauthcode|onetime|passcode/;
/** Emails/SMS that deliver such a credential (a retry sends a second working code or link). */
export const CREDENTIAL_MESSAGE = /verif|\breset\b|\btoken\b|reset.?pass|password.?reset|forgot|\botp\b|one.?time|magic.?link|sign.?in.?(link|code|email)|log.?in.?(link|code|email)|confirm.?(email|code|token|signup|account)|two.?factor|\b2fa\b|passcode|security.?code/i;

/**
 * Why an effect is not a finding, or undefined when it is one. `fnId` is the function the effect sits in
 * (`AuditService.create`), `callText` the call's text (template names, subjects).
 */
export function noiseOf(kind: EffectKind, model: string | undefined, what: string, fnId: string | undefined, callText: string): string | undefined {
  const mw = model ? words(model) : words(what.split('.').slice(-2, -1)[0] ?? '');
  const fw = fnId ? words(fnId) : [];
  if (kind !== 'payment' && (mw.some(w => RECORD_WORDS.has(w)) || RECORD_PAIRS.test(mw.join(' ')))) return 'record';
  if (kind !== 'payment' && kind !== 'increment' && fw.some(w => RECORDER_FN.has(w)) && !/\b(send|notify|publish)\b/.test(fw.join(' '))) return 'record';
  // a cache/definitions version bumped twice only invalidates twice; an id counter skips a number
  if (kind === 'increment' && ([...mw, ...fw].some(w => VERSION_WORDS.has(w)) || VERSION_INCREMENT.test(callText))) return 'version';
  if (kind === 'increment' && (fw.some(w => ID_WORDS.has(w)) || mw.some(w => w === 'sequence' || w === 'sequences'))) return 'id';
  // soft deletes and tombstones (`softDeleteInClickhouse`, `markRemoved`): a second delete marker converges
  if (kind === 'insert' && fw.some(w => DELETE_WORDS.has(w))) return 'delete';
  if (kind === 'insert' && model && CREDENTIAL_MODEL.test(model.replace(/[^A-Za-z]/g, '').toLowerCase())) return 'credential';
  if (kind === 'insert' && fnId && CREDENTIAL_MODEL.test(fw.join('')) && !model) return 'credential';
  if ((kind === 'email' || kind === 'sms') && (CREDENTIAL_MESSAGE.test(callText) || (fnId && CREDENTIAL_MESSAGE.test(fw.join(' '))))) return 'credential';
  return undefined;
}

const GENERATED_ID = /\b(uuid\w*|randomUUID|nanoid|cuid\w*|ulid|ksuid|generate\w*|gen\w*Id|newId|createId|makeId|ObjectId|objectId|shortid|uniqid\w*|uniqueId|hyperid|random\w*|Date\.now)\s*\(|new\s+ObjectId\b/;

/**
 * A write that converges: the row's id comes from the input (`create({ data: { id: body.id, ... } })`,
 * `insert(t).values({ id: input.id })`), so a retry hits the primary key instead of adding a row.
 */
export function explicitInputId(ctx: RuleContext, call: Node): boolean {
  const obj = insertedData(ctx, call);
  if (!obj) return false;
  for (const k of ['id', '_id']) {
    const r = ctx.facts.lookupProp(obj, k);
    if (r.kind !== 'present' || !r.value) continue;
    let v: Node | null = unwrap(r.value);
    // `id: undefined` / `id: null` (a copy that clears the source row's id): the database generates a fresh one
    if (v && /^(undefined|null|void 0)$/.test(v.text)) return false;
    if (v?.type === 'shorthand_property_identifier' || v?.type === 'identifier') {
      // a parameter or a value computed from the input; a same-file const made by a generator is not
      const init = unwrap(ctx.facts.constDeclarator(v.text, v)?.childForFieldName('value'));
      if (init) v = init;
    }
    if (!v) return false;
    return !GENERATED_ID.test(v.text);
  }
  return false;
}

/** A row or message keyed by a message/event id: `message_id: e.messageId`, `key: messageId`, `eventId: event.eventId`. */
const MESSAGE_KEYED = /\b(?:key|id|_id|message_?id|messageId|event_?id|eventId)\s*:\s*((?:[\w$]+\s*\??\.\s*)*(?:message_?[iI]d|messageId|event_?[iI]d|eventId))\b(?!\s*\()/;

/**
 * An insert or publish whose rows or messages carry the sender's message or event id as their key (`message_id:
 * e.messageId` in the values, Kafka `key: messageId`): event ingestion keyed by a client message id, which the store
 * or the consumers dedup by (RULES.md: a message id used in a unique insert). Read in the call's arguments and in the
 * same-file `const`s they name (`values` built by a `map` above the call). A message id bound to a generator
 * (`const messageId = randomUUID()`) keys nothing.
 */
export function keyedByMessageId(ctx: RuleContext, call: Node): boolean {
  const argsNode = call.childForFieldName('arguments');
  if (!argsNode) return false;
  const texts: { t: string; at: Node }[] = [{ t: argsNode.text.slice(0, 4000), at: argsNode }];
  const named = (id: Node) => {
    const v = ctx.facts.constDeclarator(id.text, id)?.childForFieldName('value');
    if (v) texts.push({ t: v.text.slice(0, 4000), at: v });
  };
  for (const a of callArgs(call)) {
    if (a.type === 'identifier') named(a);
    else if (a.type === 'object') for (const p of namedChildren(a)) {
      if (p.type === 'shorthand_property_identifier') named(p);
      else if (p.type === 'pair') { const v = unwrap(p.childForFieldName('value')); if (v?.type === 'identifier') named(v); }
    }
  }
  for (const { t, at } of texts) {
    const m = MESSAGE_KEYED.exec(t);
    if (!m) continue;
    const root = m[1].split(/\s*\??\.\s*/)[0];
    const decls = (ctx.facts.declarations.get(root) ?? []).filter(d => d.type === 'variable_declarator' && ctx.facts.inScopeOf(d, at));
    if (decls.some(d => { const v = d.childForFieldName('value')?.text ?? ''; return GENERATED_ID.test(v) || RANDOM_ID.test(v); })) continue;
    return true;
  }
  return false;
}

/**
 * The object literal an insert writes: `create({ data: {...} })`, `Model.create({...})`, `insert(t).values({...})`; else
 * null. `rowOnly`: only a literal that is the whole row (Prisma's `data`, Drizzle/knex `values`), not the argument of a
 * model method that may add columns of its own (`models.configs.create({ key })` adding the organization).
 */
function insertedData(ctx: RuleContext, call: Node, rowOnly = false): Node | null {
  const args = callArgs(call);
  let obj = ctx.facts.resolveObject(args[0]);
  if (obj) {
    const data = ctx.facts.lookupProp(obj, 'data');
    if (data.kind === 'present') obj = ctx.facts.resolveObject(data.value);
    else if (rowOnly) obj = null;
  }
  // drizzle / knex: db.insert(t).values({ ... })
  if (!obj) {
    let n: Node = call;
    for (let i = 0; i < 3 && !obj; i++) {
      const p = n.parent;
      if (p?.type !== 'member_expression' || p.parent?.type !== 'call_expression') break;
      if (p.childForFieldName('property')?.text === 'values') obj = ctx.facts.resolveObject(callArgs(p.parent)[0]);
      n = p.parent;
    }
  }
  return obj?.type === 'object' ? obj : null;
}

/** A column name in a comparable form (`organization_id` = `organizationId`). */
export const normColumn = (c: string): string => c.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/** The columns an insert writes, as far as its data literal shows them (see `insertColumns`). */
export interface InsertColumns {
  /** columns given a value from the input (a natural key value) */
  n: string[];
  /** columns given a value generated at the insert (`nanoid()`, `generateUniqueSlug(...)`, a row this request just created) */
  g?: string[];
  /** the literal spreads another object: any other column may be given too */
  sp?: 1;
}

/**
 * A value generated at the insert: a generator call (`nanoid()`, `generateClientCredentials()`), or a name bound to one
 * or to a row this request just created (`const [team] = await tx.insert(teams)...`, then `teamId: team.id`).
 */
function generatedValue(ctx: RuleContext, v: Node | null): boolean {
  if (!v) return false;
  if (GENERATED_ID.test(v.text) || RANDOM_ID.test(v.text)) return true;
  // the names the value is made of (`input.slug ?? slugify(randomTitle)`): one bound to a generated value or a fresh row
  // makes it fresh on the requests that take that path
  const roots: Node[] = [];
  const walk = (n: Node, depth: number) => {
    if (roots.length > 8 || depth > 6) return;
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier') { roots.push(n); return; }
    if (n.type === 'member_expression') { const o = unwrap(n.childForFieldName('object')); if (o) walk(o, depth + 1); return; }
    if (n.type === 'binary_expression' || n.type === 'ternary_expression' || n.type === 'parenthesized_expression' || n.type === 'call_expression' || n.type === 'arguments' || n.type === 'template_string' || n.type === 'template_substitution' || n.type === 'await_expression') {
      for (const c of namedChildren(n)) walk(c, depth + 1);
    }
  };
  walk(v, 0);
  return roots.some(root => {
    const decls = (ctx.facts.declarations.get(root.text) ?? []).filter(d => d.type === 'variable_declarator' && ctx.facts.inScopeOf(d, root));
    return decls.some(d => { const t = d.childForFieldName('value')?.text ?? ''; return GENERATED_ID.test(t) || RANDOM_ID.test(t) || FRESH_ROW.test(t); });
  });
}

/**
 * The columns an insert's data literal gives (undefined when there is no literal to read): with the unique keys a
 * schema declares, whether a retried insert hits a key (the key's columns come from the input) or gets a fresh one
 * (a key column the database fills, or a value generated at the insert).
 */
export function insertColumns(ctx: RuleContext, call: Node): InsertColumns | undefined {
  const obj = insertedData(ctx, call, true);
  if (!obj) return undefined;
  const n: string[] = [], g: string[] = [];
  let sp = false;
  for (const p of namedChildren(obj)) {
    if (p.type === 'spread_element') { sp = true; continue; }
    if (p.type === 'shorthand_property_identifier') { (generatedValue(ctx, p) ? g : n).push(normColumn(p.text)); continue; }
    if (p.type !== 'pair') continue;
    const k = p.childForFieldName('key');
    if (!k) continue;
    const v = unwrap(p.childForFieldName('value'));
    if (v && /^(undefined|null)$/.test(v.text)) continue;
    // a Prisma relation (`project: { connect: { id } }`) gives its foreign key column `projectId`
    if (v?.type === 'object' && /^\{\s*(connect|connectOrCreate)\s*:/.test(v.text)) n.push(normColumn(k.text + 'Id'));
    (generatedValue(ctx, v) ? g : n).push(normColumn(k.text));
  }
  const out: InsertColumns = { n };
  if (g.length) out.g = g;
  if (sp) out.sp = 1;
  return out;
}

/** Routes and handlers that issue credentials: login, token, refresh, session, verify, OTP, magic link, password reset. */
const CREDENTIAL_ROUTE_WORDS = new Set(['regenerate', 'rotate', 'reroll', 'login', 'logout', 'signin', 'signout', 'token', 'tokens', 'refresh', 'session', 'sessions', 'verify', 'verification', 'otp', 'magic', 'reset', 'forgot', 'passwordless', 'mfa', 'totp', '2fa', 'challenge', 'sso']);

/** Whether a handler (by its route path or name) issues single-use short-lived credentials. */
export function credentialHandler(...names: (string | undefined)[]): boolean {
  for (const n of names) {
    if (!n) continue;
    const ws = words(n.replace(/sign[-_ ]?in/gi, 'signin').replace(/sign[-_ ]?out/gi, 'signout').replace(/log[-_ ]in/gi, 'login').replace(/log[-_ ]out/gi, 'logout'));
    if (ws.some(w => CREDENTIAL_ROUTE_WORDS.has(w))) return true;
  }
  return false;
}

/** Handlers that remove or cancel something (`deleteTeam`, `POST /members/:id/remove`): a retry finds nothing left to act on. */
const REMOVAL_WORDS = new Set(['delete', 'deletes', 'remove', 'removes', 'leave', 'revoke', 'destroy', 'unlink', 'detach', 'archive', 'unarchive', 'cancel', 'unsubscribe', 'disconnect', 'uninstall', 'purge']);

export function removalHandler(...names: (string | undefined)[]): boolean {
  return names.some(n => !!n && words(n).some(w => REMOVAL_WORDS.has(w)));
}

/**
 * Handlers and functions that send a test message (`testEmailConnection`, `sendTestEmail`, `triggerTestWebhook`,
 * `POST /notifications/:id/test`): the message checks the settings the user just entered, and a second one on a retry
 * is what the button is for. Only sends and publishes: rows they write still count.
 */
export function testSender(...names: (string | undefined)[]): boolean {
  return names.some(n => !!n && words(n).includes('test'));
}

/**
 * Handlers that set state to the values given (`updateDocument`, `setEnvelopeRecipients`, `renameTeam`,
 * `toggleFeature`): a retry writes the same values, and a job or event they publish announces that state again (its
 * consumers read the state, not a delta). Only publishes: rows they insert and messages they send still count.
 */
const UPDATE_WORDS = new Set(['update', 'updates', 'set', 'edit', 'rename', 'toggle', 'change', 'move', 'reorder', 'replace', 'modify']);

export function updateHandler(...names: (string | undefined)[]): boolean {
  return names.some(n => !!n && words(n).some(w => UPDATE_WORDS.has(w)));
}

/**
 * Handlers that re-run derived work on existing data (`reprocessAssets`, `reRunInference`, `resummarizeBookmark`,
 * `retryMatching`, `reindex`): the job they enqueue recomputes the same result from the same rows, so a retry only
 * repeats the work. Only publishes: rows they insert and messages they send still count.
 */
const RERUN_WORDS = /^re(process\w*|run\w*|summari[sz]e\w*|crawl\w*|index\w*|try|tries|retrying|sync\w*|compute\w*|build\w*|fetch\w*|analy[sz]e\w*|tag\w*|classify|embed\w*|generate)$|^enrich\w*$/;

export function rerunHandler(...names: (string | undefined)[]): boolean {
  return names.some(n => {
    if (!n) return false;
    const ws = words(n);
    return ws.some((w, i) => RERUN_WORDS.test(w) || (w === 're' && /^(run|process|index|sync|try)$/.test(ws[i + 1] ?? '')));
  });
}
