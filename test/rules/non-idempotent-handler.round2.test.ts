/**
 * non-idempotent-handler: classes from the ecosystem check's round-2 tuning repositories (issue 14), each valid and
 * invalid, over multi-file projects where the effect sits in another file: guards the rule used to see where there is
 * none (a database-change webhook's `record.id`, an `inbox` domain word, a `skipDuplicates` on another insert, a
 * copy's `id: undefined`), unique keys the insert does not determine (a column the database fills, a value generated
 * at the insert), job-client wrappers that forward an optional job id, and Resend batch sends. Positions are 1-based.
 */
import { projectTable, type ProjectCase, type ProjectValidCase } from '../helpers/project-table';

const ID = 'non-idempotent-handler';
const table = (title: string, cases: { valid: ProjectValidCase[]; invalid: ProjectCase[] }) => projectTable(ID, title, cases);

// ------------------------------------------------------------------------------------------------ guards that are none

const SUPABASE_WEBHOOK = (trigger: string) => `import * as crypto from 'node:crypto';
import { tasks } from '@trigger.dev/sdk';
import { verify } from './verify';

export async function POST(req: Request) {
  const text = await req.clone().text();
  if (!verify(text, req.headers.get('x-supabase-signature'))) return new Response('unauthorized', { status: 401 });
  const body = await req.json();
  const userId = body.record.id;
  ${trigger}
  return Response.json({ success: true });
}
`;
const VERIFY = `import * as crypto from 'node:crypto';
export function verify(text: string, signature: string | null) {
  return !!signature && crypto.timingSafeEqual(Buffer.from(signature, 'base64'), crypto.createHmac('sha256', 'k').update(text).digest());
}
`;

const DUPLICATE_LINK = (id: string, tagOptions: string) => `import type { NextApiRequest, NextApiResponse } from 'next';
import prisma from './prisma';

export default async function handle(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  const link = await prisma.link.findUnique({ where: { id: req.query.id as string } });
  if (!link) return res.status(404).end();
  const created = await prisma.$transaction(async (tx) => {
    const copy = await tx.link.create({ data: { ...link, id: ${id}, name: link.name + ' (Copy)' } });
    await tx.tagItem.createMany({ data: req.body.tags.map((tagId) => ({ tagId, linkId: copy.id }))${tagOptions} });
    return copy;
  });
  return res.status(201).json(created);
}
`;
const PRISMA = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export default prisma;
`;

const INBOX_QUERIES = `import { db } from './db';
import { inboxItems } from './schema';

export async function createInboxItem(input) {
  const [inbox] = await db.insert(inboxItems).values({ teamId: input.teamId, fileName: input.fileName }).returning();
  return inbox;
}
`;
const INBOX_ROUTER = (body: string) => `import { Hono } from 'hono';
import { createInboxItem } from './inbox.queries';

const app = new Hono();
app.post('/inbox', async (c) => {
  const input = await c.req.json();
  ${body}
  return c.json(inbox);
});
export default app;
`;

table('non-idempotent-handler: guards that are none (round 2)', {
  valid: [
    {
      name: 'a database-change webhook whose task trigger carries an idempotency key',
      files: { 'route.ts': SUPABASE_WEBHOOK(`await tasks.trigger('onboard-team', { userId }, { idempotencyKey: \`onboard-\${userId}\` });`), 'verify.ts': VERIFY },
    },
    {
      name: 'a copy whose id comes from the request converges on the primary key; the tags skip duplicates',
      files: { 'pages/api/links/duplicate.ts': DUPLICATE_LINK('req.body.newId', ', skipDuplicates: true'), 'pages/api/links/prisma.ts': PRISMA },
    },
    {
      name: 'an inbox item insert guarded by the message id it records (the inbox pattern)',
      files: {
        'inbox.queries.ts': INBOX_QUERIES,
        'inbox.router.ts': INBOX_ROUTER(`const seen = await db.query.processed.findFirst({ where: eq(processed.messageId, input.messageId) });
  if (seen) return c.json({ duplicate: true });
  const inbox = await createInboxItem(input);`).replace("import { Hono } from 'hono';", "import { Hono } from 'hono';\nimport { eq } from 'drizzle-orm';\nimport { db } from './db';\nimport { processed } from './schema';"),
      },
    },
  ],
  invalid: [
    {
      name: "a Supabase database webhook: `body.record.id` is the changed row's id, not an event id: the redelivered event triggers the task again",
      files: { 'route.ts': SUPABASE_WEBHOOK(`await tasks.trigger('onboard-team', { userId }, { delay: '10m' });`), 'verify.ts': VERIFY },
      errors: [{ file: 'route.ts', line: 5, column: 23, messageId: 'publish', message: /tasks\.trigger/ }],
    },
    {
      name: 'a copy with `id: undefined` gets a fresh id; `skipDuplicates` on the tag rows guards only those rows',
      files: { 'pages/api/links/duplicate.ts': DUPLICATE_LINK('undefined', ', skipDuplicates: true'), 'pages/api/links/prisma.ts': PRISMA },
      errors: [{ file: 'pages/api/links/duplicate.ts', line: 5, column: 7, messageId: 'insert', message: /tx\.link\.create/ }],
    },
    {
      name: 'a copy with `id: null` and tag rows without skipDuplicates: both inserts repeat',
      files: { 'pages/api/links/duplicate.ts': DUPLICATE_LINK('null', ''), 'pages/api/links/prisma.ts': PRISMA },
      errors: [{ file: 'pages/api/links/duplicate.ts', line: 5, column: 7, messageId: 'insert', related: ['pages/api/links/duplicate.ts:9', 'pages/api/links/duplicate.ts:10'] }],
    },
    {
      name: 'a product whose domain is an inbox: a variable named `inbox` is no inbox-pattern dedup',
      files: { 'inbox.queries.ts': INBOX_QUERIES, 'inbox.router.ts': INBOX_ROUTER('const inbox = await createInboxItem(input);') },
      errors: [{ file: 'inbox.router.ts', line: 5, column: 1, messageId: 'insert', related: ['inbox.queries.ts:5'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ unique keys the insert does not determine

const TEAMS_SCHEMA = `import { pgTable, text, uuid, unique } from 'drizzle-orm/pg-core';

export const teams = pgTable(
  'teams',
  {
    id: uuid().defaultRandom().primaryKey().notNull(),
    name: text(),
    inboxId: text('inbox_id').default('generate_inbox(10)'),
    slug: text('slug'),
  },
  (table) => [unique('teams_inbox_id_key').on(table.inboxId)],
);

export const apps = pgTable('apps', {
  id: uuid('id').notNull().defaultRandom().primaryKey(),
  name: text('name').notNull(),
  clientId: text('client_id').notNull().unique(),
});
`;
const TEAM_QUERIES = (values: string) => `import { nanoid } from 'nanoid';
import type { Database } from './client';
import { apps, teams } from './schema';

export async function createTeam(db: Database, params: { name: string; inboxId?: string }) {
  const [team] = await db.insert(teams).values(${values}).returning();
  return team;
}

export async function createApp(db: Database, params: { name: string; clientId?: string }) {
  const clientId = params.clientId ?? \`client_\${nanoid(24)}\`;
  const [app] = await db.insert(apps).values({ name: params.name, clientId }).returning();
  return app;
}

export async function importApp(db: Database, params: { name: string; clientId: string }) {
  const [app] = await db.insert(apps).values({ ...params }).returning();
  return app;
}
`;
const TEAM_ROUTER = (call: string) => `import { z } from 'zod';
import { createTRPCRouter, protectedProcedure } from './init';
import { createApp, createTeam, importApp } from './queries';

export const teamRouter = createTRPCRouter({
  create: protectedProcedure.input(z.object({ name: z.string() })).mutation(async ({ ctx: { db }, input }) => {
    return ${call};
  }),
});
`;

table('non-idempotent-handler: unique keys the insert does not determine (round 2)', {
  valid: [
    {
      name: 'the insert gives the unique column from the input: a retry hits the key',
      files: { 'schema.ts': TEAMS_SCHEMA, 'queries.ts': TEAM_QUERIES('{ name: params.name, inboxId: params.inboxId }'), 'router.ts': TEAM_ROUTER('createTeam(db, { name: input.name, inboxId: input.name })') },
    },
    {
      name: 'the unique column may come from a spread of the input (unknown: the key is trusted)',
      files: { 'schema.ts': TEAMS_SCHEMA, 'queries.ts': TEAM_QUERIES('{ ...params }'), 'router.ts': TEAM_ROUTER("importApp(db, { name: input.name, clientId: 'c' })") },
    },
  ],
  invalid: [
    {
      name: 'a unique column the database fills (the insert does not give it) makes a fresh key on every create',
      files: { 'schema.ts': TEAMS_SCHEMA, 'queries.ts': TEAM_QUERIES('{ name: params.name }'), 'router.ts': TEAM_ROUTER('createTeam(db, { name: input.name })') },
      errors: [{ file: 'router.ts', line: 6, column: 68, messageId: 'insert', related: ['queries.ts:6'] }],
    },
    {
      name: 'a unique column given a value generated at the insert (nanoid) dedups nothing',
      files: { 'schema.ts': TEAMS_SCHEMA, 'queries.ts': TEAM_QUERIES('{ name: params.name }'), 'router.ts': TEAM_ROUTER('createApp(db, { name: input.name })') },
      errors: [{ file: 'router.ts', line: 6, column: 68, messageId: 'insert', related: ['queries.ts:12'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ a message id only logged

const QSTASH_VERIFY = (onInvalid: string) => `import { Receiver } from '@upstash/qstash';
const receiver = new Receiver({ currentSigningKey: 'a', nextSigningKey: 'b' });

export const verifyQstashSignature = async ({ req, rawBody }: { req: Request; rawBody: string }) => {
  const signature = req.headers.get('Upstash-Signature');
  if (!signature) throw new Error('Upstash-Signature header not found.');
  const isValid = await receiver.verify({ signature, body: rawBody });
  if (!isValid) {
    const messageId = req.headers.get('Upstash-Message-Id');
${onInvalid}
    throw new Error('Invalid QStash request signature.');
  }
};
`;
const SEND_WELCOME = `import { Resend } from 'resend';
const resend = new Resend(process.env.RESEND_API_KEY);

export async function sendWelcomeEmail(email: string) {
  await resend.emails.send({ from: 'hi@example.com', to: email, subject: 'Welcome!', html: '<p>Welcome</p>' });
}
`;
const WELCOME_ROUTE = `import { verifyQstashSignature } from './verify-qstash';
import { sendWelcomeEmail } from './send-welcome';

export async function POST(req: Request) {
  const rawBody = await req.text();
  await verifyQstashSignature({ req, rawBody });
  const { email } = JSON.parse(rawBody);
  await sendWelcomeEmail(email);
  return new Response('ok');
}
`;

table('non-idempotent-handler: a message id held only for a log line (round 2)', {
  valid: [
    {
      name: 'the QStash message id is checked against the ones already processed',
      files: {
        'verify-qstash.ts': QSTASH_VERIFY(`    console.error('invalid signature', messageId);`).replace("  if (!isValid) {", "  const delivery = req.headers.get('Upstash-Message-Id');\n  if (await redis.get(`qstash:${delivery}`)) throw new Error('duplicate');\n  if (!isValid) {").replace('const delivery', 'const messageId').replace('${delivery}', '${messageId}'),
        'send-welcome.ts': SEND_WELCOME,
        'route.ts': WELCOME_ROUTE,
      },
    },
  ],
  invalid: [
    {
      name: 'the QStash message id read in the signature check only goes into the error log: no dedup, the redelivery emails again',
      files: {
        'verify-qstash.ts': QSTASH_VERIFY(`    log({
      message: \`Invalid QStash request signature: *\${req.url}* - *\${messageId}*\`,
      type: 'error',
    });`),
        'send-welcome.ts': SEND_WELCOME,
        'route.ts': WELCOME_ROUTE,
      },
      errors: [{ file: 'route.ts', line: 4, column: 23, messageId: 'send', related: ['send-welcome.ts:5'] }],
    },
    {
      name: 'the same, logged on one line',
      files: { 'verify-qstash.ts': QSTASH_VERIFY(`    console.error('invalid signature', messageId);`), 'send-welcome.ts': SEND_WELCOME, 'route.ts': WELCOME_ROUTE },
      errors: [{ file: 'route.ts', line: 4, column: 23, messageId: 'send' }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ Resend batch sends

const RESEND_CLIENT = `import { Resend } from 'resend';
export const resend = new Resend(process.env.RESEND_API_KEY);
`;
const INVITE_TASK = (send: string) => `import { schemaTask } from '@trigger.dev/sdk';
import { resend } from './resend';
import { inviteSchema } from './schema';

export const inviteTeamMembers = schemaTask({
  id: 'invite-team-members',
  schema: inviteSchema,
  run: async ({ invites }) => {
    const emails = invites.map((invite) => ({ from: 'bot@example.com', to: [invite.email], subject: 'You are invited', html: '<p>Join</p>' }));
    ${send}
  },
});
`;

table('non-idempotent-handler: Resend batch sends (round 2)', {
  valid: [
    {
      name: 'a batch send with an idempotency key',
      files: { 'resend.ts': RESEND_CLIENT, 'task.ts': INVITE_TASK("await resend.batch.send(emails, { idempotencyKey: `invite/${invites[0].id}` });") },
    },
    {
      name: 'a `batch.send` on something that is not Resend (a job batch) is no email',
      files: { 'resend.ts': RESEND_CLIENT, 'task.ts': INVITE_TASK('await jobs.batch.send(emails);') },
    },
  ],
  invalid: [
    {
      name: 'a trigger.dev task retried after the batch went out emails the invitees again',
      files: { 'resend.ts': RESEND_CLIENT, 'task.ts': INVITE_TASK('await resend.batch.send(emails);') },
      errors: [{ file: 'task.ts', line: 5, column: 34, messageId: 'send', message: /resend\.batch\.send/ }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ model classes with their own create

const TAG_MODEL = (catchBlock: string) => `import { db } from '../db';
import { bookmarkTags } from '../schema';

export class Tag {
  constructor(private row: { id: string; name: string }) {}

  static async create(userId: string, input: { name: string }): Promise<Tag> {
    try {
      const [result] = await db.insert(bookmarkTags).values({ name: input.name, userId }).returning();
      return new Tag(result);
    } catch (e) {
${catchBlock}
      throw e;
    }
  }
}
`;
const TAG_SCHEMA = (key: string) => `import { sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';

export const bookmarkTags = sqliteTable(
  'bookmarkTags',
  {
    id: text('id').notNull().primaryKey(),
    name: text('name').notNull(),
    userId: text('userId').notNull(),
  },
  (bt) => [${key}],
);
`;
const TAGS_ROUTER = `import { z } from 'zod';
import { router, authedProcedure } from '../index';
import { Tag } from '../models/tags';

export const tagsAppRouter = router({
  create: authedProcedure.input(z.object({ name: z.string() })).mutation(async ({ input, ctx }) => {
    const tag = await Tag.create(ctx.user.id, input);
    return tag;
  }),
});
`;

table('non-idempotent-handler: model classes with their own create (round 2)', {
  valid: [
    {
      name: "`Tag.create` is the project's class method: its insert hits the schema's unique (userId, name) key",
      files: { 'models/tags.ts': TAG_MODEL(''), 'schema.ts': TAG_SCHEMA('unique().on(bt.userId, bt.name)'), 'routers/tags.ts': TAGS_ROUTER },
    },
    {
      name: 'the class method maps the unique violation to a conflict',
      files: { 'models/tags.ts': TAG_MODEL("      if (e instanceof SqliteError && e.code === 'SQLITE_CONSTRAINT_UNIQUE') throw new Error('exists');"), 'schema.ts': TAG_SCHEMA(''), 'routers/tags.ts': TAGS_ROUTER },
    },
  ],
  invalid: [
    {
      name: 'the class method inserts into a table without a natural key: the effect is shown in the model file',
      files: { 'models/tags.ts': TAG_MODEL(''), 'schema.ts': TAG_SCHEMA(''), 'routers/tags.ts': TAGS_ROUTER },
      errors: [{ file: 'routers/tags.ts', line: 6, column: 65, messageId: 'insert', related: ['models/tags.ts:9'] }],
    },
    {
      name: 'a Mongoose model imported from a models module (no project function named create) is still an insert',
      files: {
        'models/tags.ts': `import mongoose from 'mongoose';\nexport const Tag = mongoose.model('Tag', new mongoose.Schema({ name: String }));\n`,
        'routers/tags.ts': TAGS_ROUTER,
      },
      errors: [{ file: 'routers/tags.ts', line: 6, column: 65, messageId: 'insert', related: ['routers/tags.ts:7'] }],
    },
  ],
});

const ENV_SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Project {
  id   String @id @default(cuid())
  envs RuntimeEnvironment[]
}

model RuntimeEnvironment {
  id        String  @id @default(cuid())
  slug      String
  shortcode String
  project   Project @relation(fields: [projectId], references: [id])
  projectId String
  @@unique([projectId, shortcode])
}
`;
const ENV_CREATE = (project: string) => `import { prisma } from './db';

export async function createEnvironment(projectId: string, shortcode: string) {
  return prisma.runtimeEnvironment.create({ data: { slug: 'prod', shortcode, ${project} } });
}
`;
const ENV_ROUTE = `import { createEnvironment } from '../../../environment.server';

export async function POST(request: Request) {
  const body = await request.json();
  return Response.json(await createEnvironment(body.projectId, body.shortcode));
}
`;

table('non-idempotent-handler: Prisma relations give their foreign key (round 2)', {
  valid: [
    {
      name: 'the key (projectId, shortcode) is given through the relation `project: { connect: { id } }`',
      files: { 'package.json': JSON.stringify({ name: 'web', private: true }), 'prisma/schema.prisma': ENV_SCHEMA, 'environment.server.ts': ENV_CREATE('project: { connect: { id: projectId } }'), 'app/api/envs/route.ts': ENV_ROUTE },
    },
  ],
  invalid: [
    {
      name: 'the insert gives neither projectId nor the relation: the key column is not the request\'s',
      files: { 'package.json': JSON.stringify({ name: 'web', private: true }), 'prisma/schema.prisma': ENV_SCHEMA, 'environment.server.ts': ENV_CREATE("organizationId: 'o'"), 'app/api/envs/route.ts': ENV_ROUTE },
      errors: [{ file: 'app/api/envs/route.ts', line: 3, column: 23, messageId: 'insert', related: ['environment.server.ts:4'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ consumers that never fail

const CHECKIN_TASK = (catchBody: string) => `import { logger, task } from '@trigger.dev/sdk/v3';
import { sendCheckinEmail } from './emails';

export const sendCheckinEmailTask = task({
  id: 'send-checkin-email',
  retry: { maxAttempts: 3 },
  run: async (payload: { to: string; name: string }) => {
    try {
      await sendCheckinEmail({ email: payload.to, name: payload.name });
      logger.info('Email sent', { to: payload.to });
    } catch (error) {
${catchBody}
    }
  },
});
`;
const CHECKIN_EMAILS = `import { Resend } from 'resend';
const resend = new Resend(process.env.RESEND_API_KEY);

export async function sendCheckinEmail({ email, name }: { email: string; name: string }) {
  await resend.emails.send({ from: 'hi@example.com', to: email, subject: \`How is it going, \${name}?\`, html: '<p>Hi</p>' });
}
`;

table('non-idempotent-handler: consumers that never fail (round 2)', {
  valid: [
    {
      name: 'a trigger.dev task whose run is one try whose catch only logs and returns: the run never fails, so it is never retried',
      files: { 'task.ts': CHECKIN_TASK("      logger.error('Error sending checkin email', { error });\n      return;"), 'emails.ts': CHECKIN_EMAILS },
    },
  ],
  invalid: [
    {
      name: 'the catch rethrows: the run fails and trigger.dev retries it after the email went out',
      files: { 'task.ts': CHECKIN_TASK("      logger.error('Error sending checkin email', { error });\n      throw error;"), 'emails.ts': CHECKIN_EMAILS },
      errors: [{ file: 'task.ts', line: 4, column: 37, messageId: 'send', related: ['emails.ts:5'] }],
    },
    {
      name: 'the catch does more than log (it records the failure, which may throw)',
      files: { 'task.ts': CHECKIN_TASK("      await markFailed(payload.to, error);"), 'emails.ts': CHECKIN_EMAILS },
      errors: [{ file: 'task.ts', line: 4, column: 37, messageId: 'send' }],
    },
    {
      name: 'an HTTP POST that swallows its errors is still retried by the client after a timeout',
      files: {
        'app/api/checkin/route.ts': `import { sendCheckinEmail } from '../../../emails';

export async function POST(req: Request) {
  try {
    const { email, name } = await req.json();
    await sendCheckinEmail({ email, name });
  } catch (error) {
    console.error(error);
  }
  return new Response('ok');
}
`,
        'emails.ts': CHECKIN_EMAILS,
      },
      errors: [{ file: 'app/api/checkin/route.ts', line: 3, column: 23, messageId: 'send' }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ effects after a unique insert, deeper down

const RULE_SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model EmailAccount {
  id    String @id @default(cuid())
  rules Rule[]
}

model Rule {
  id             String       @id @default(cuid())
  name           String
  emailAccount   EmailAccount @relation(fields: [emailAccountId], references: [id])
  emailAccountId String
  @@unique([name, emailAccountId])
}

model RuleHistory {
  id     String @id @default(cuid())
  ruleId String
  note   String
}
`;
const RULE_SERVICE = (order: 'history-after' | 'history-before') => `import prisma from './prisma';

async function insertRule(emailAccountId: string, name: string) {
  return prisma.rule.create({ data: { name, emailAccountId } });
}

async function recordHistory(ruleId: string) {
  await prisma.ruleHistory.create({ data: { ruleId, note: 'created' } });
}

export async function createRule(emailAccountId: string, name: string) {
${order === 'history-after'
    ? "  const rule = await insertRule(emailAccountId, name);\n  await recordHistory(rule.id);\n  return rule;"
    : "  await recordHistory(name);\n  return insertRule(emailAccountId, name);"}
}
`;
const RULE_ROUTE = `import { createRule } from '../../../rules.service';

export async function POST(request: Request) {
  const body = await request.json();
  return Response.json(await createRule(body.emailAccountId, body.name));
}
`;
const ruleProject = (order: 'history-after' | 'history-before') => ({
  'package.json': JSON.stringify({ name: 'web', private: true }),
  'prisma/schema.prisma': RULE_SCHEMA,
  'prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport default new PrismaClient();\n",
  'rules.service.ts': RULE_SERVICE(order),
  'app/api/rules/route.ts': RULE_ROUTE,
});

table('non-idempotent-handler: effects after a unique insert in a function the handler calls (round 2)', {
  valid: [
    {
      name: 'the service inserts the rule (unique on name and account) before it writes the history row: a retry fails at the rule',
      files: ruleProject('history-after'),
    },
  ],
  invalid: [
    {
      name: 'the history row is written before the unique insert: a retry writes it again, then fails',
      files: ruleProject('history-before'),
      errors: [{ file: 'app/api/rules/route.ts', line: 3, column: 23, messageId: 'insert', related: ['rules.service.ts:8'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ handlers that re-run derived work

const QUEUES = `import { Queue } from 'bullmq';
export const inferenceQueue = new Queue('inference');

export async function enqueueInference(bookmarkId: string) {
  await inferenceQueue.add('inference', { bookmarkId });
}
`;
const ADMIN_ROUTER = (name: string, extra = '') => `import { z } from 'zod';
import { router, adminProcedure } from './trpc';
import { enqueueInference } from './queues';

export const adminRouter = router({
  ${name}: adminProcedure.input(z.object({ bookmarkId: z.string() })).mutation(async ({ ctx, input }) => {
${extra}    await enqueueInference(input.bookmarkId);
  }),
});
`;

table('non-idempotent-handler: handlers that re-run derived work (round 2)', {
  valid: [
    { name: 'reRunInference: the job recomputes the same result from the same rows', files: { 'queues.ts': QUEUES, 'admin.ts': ADMIN_ROUTER('reRunInference') } },
    { name: 'reprocessAssets', files: { 'queues.ts': QUEUES, 'admin.ts': ADMIN_ROUTER('reprocessAssets') } },
    { name: 'retryMatching', files: { 'queues.ts': QUEUES, 'admin.ts': ADMIN_ROUTER('retryMatching') } },
  ],
  invalid: [
    {
      name: 'a handler that starts new work (not a re-run): its enqueue repeats',
      files: { 'queues.ts': QUEUES, 'admin.ts': ADMIN_ROUTER('runInference') },
      errors: [{ file: 'admin.ts', line: 6, column: 76, messageId: 'publish', related: ['queues.ts:5'] }],
    },
    {
      name: 'a re-run that also inserts a row: the insert still repeats',
      files: { 'queues.ts': QUEUES, 'admin.ts': ADMIN_ROUTER('reRunInference', '    await ctx.db.insert(inferenceRuns).values({ bookmarkId: input.bookmarkId, startedBy: ctx.user.id });\n') },
      errors: [{ file: 'admin.ts', line: 6, column: 78, messageId: 'insert', related: ['admin.ts:7'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ hand-written upserts as a conditional expression

const PREMIUM = (created: string) => `import prisma from './prisma';

export async function upgradeToPremium(userId: string, data: { tier: string }) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { premiumId: true } });
  if (!user) throw new Error('User not found');
  const premium = user.premiumId
    ? await prisma.premium.update({ where: { id: user.premiumId }, data })
    : await prisma.${created}.create({ data: { users: { connect: { id: userId } }, ...data } });
  return premium;
}
`;
const PREMIUM_WEBHOOK = `import { upgradeToPremium } from './premium';
import { verifySignature } from './verify';

export async function POST(request: Request) {
  const body = await request.text();
  if (!verifySignature(body, request.headers.get('x-signature'))) return new Response('bad signature', { status: 401 });
  const event = JSON.parse(body);
  await upgradeToPremium(event.meta.custom_data.user_id, { tier: event.data.attributes.variant_name });
  return Response.json({ ok: true });
}
`;

table('non-idempotent-handler: hand-written upserts as a conditional expression (round 2)', {
  valid: [
    {
      name: '`found ? x.premium.update(...) : x.premium.create(...)`: a redelivery finds the premium row and updates it',
      files: { 'premium.ts': PREMIUM('premium'), 'prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport default new PrismaClient();\n", 'verify.ts': 'export function verifySignature(b: string, s: string | null) { return !!s; }\n', 'app/api/webhook/route.ts': PREMIUM_WEBHOOK.replace(/'\.\//g, "'../../../") },
    },
  ],
  invalid: [
    {
      name: 'the other branch creates another model: no upsert',
      files: { 'premium.ts': PREMIUM('subscription'), 'prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport default new PrismaClient();\n", 'verify.ts': 'export function verifySignature(b: string, s: string | null) { return !!s; }\n', 'app/api/webhook/route.ts': PREMIUM_WEBHOOK.replace(/'\.\//g, "'../../../") },
      errors: [{ file: 'app/api/webhook/route.ts', line: 4, column: 23, messageId: 'insert', related: ['premium.ts:8'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ an idempotency key option keys its own call only

const VERSIONS_ROUTE = (insert: string) => `import type { NextApiRequest, NextApiResponse } from 'next';
import { tasks } from '@trigger.dev/sdk/v3';
import prisma from '../../../../lib/prisma';

export default async function handle(req: NextApiRequest, res: NextApiResponse) {
  if (req.method === 'POST') {
    const { documentId, url } = req.body;
${insert}
    await tasks.trigger('convert-files', { versionId: version.id }, { idempotencyKey: \`\${documentId}-\${version.id}\` });
    return res.status(201).json(version);
  }
  return res.status(405).end();
}
`;

table('non-idempotent-handler: an idempotency key option keys its own call only (round 2)', {
  valid: [
    {
      name: 'the version insert is an upsert on the document and url; the task trigger carries its key',
      files: {
        'lib/prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport default new PrismaClient();\n",
        'pages/api/documents/[id]/versions/index.ts': VERSIONS_ROUTE('    const version = await prisma.documentVersion.upsert({ where: { documentId_file: { documentId, file: url } }, create: { documentId, file: url }, update: {} });'),
      },
    },
  ],
  invalid: [
    {
      name: 'an idempotencyKey on the task trigger does not key the version insert before it',
      files: {
        'lib/prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport default new PrismaClient();\n",
        'pages/api/documents/[id]/versions/index.ts': VERSIONS_ROUTE('    const version = await prisma.documentVersion.create({ data: { documentId, file: url } });'),
      },
      errors: [{ file: 'pages/api/documents/[id]/versions/index.ts', line: 6, column: 7, messageId: 'insert', related: ['pages/api/documents/[id]/versions/index.ts:8'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ a unique-violation catch for a key the insert may not give

const RESUME_SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Resume {
  id     String @id @default(cuid())
  title  String
  slug   String
  userId String
  @@unique([userId, slug])
}
`;
const RESUME_SERVICE = (slug: string) => `import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

function generateRandomName() {
  return Math.random().toString(36).slice(2);
}

@Injectable()
export class ResumeService {
  constructor(private readonly prisma: PrismaService) {}

  import(userId: string, dto: { title?: string; slug?: string }) {
    const randomTitle = generateRandomName();
    return this.prisma.resume.create({ data: { userId, title: dto.title ?? randomTitle, slug: ${slug} } });
  }
}
`;
const RESUME_CONTROLLER = `import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { ResumeService } from './resume.service';

@Controller('resume')
export class ResumeController {
  constructor(private readonly resumeService: ResumeService) {}

  @Post('import')
  async import(@Body() body: { userId: string; title?: string; slug?: string }) {
    try {
      return await this.resumeService.import(body.userId, body);
    } catch (error) {
      if (error.code === 'P2002') throw new BadRequestException('slug already exists');
      throw error;
    }
  }
}
`;
const resumeProject = (slug: string) => ({
  'package.json': JSON.stringify({ name: 'server', private: true, prisma: { schema: 'tools/prisma/schema.prisma' } }),
  'tools/prisma/schema.prisma': RESUME_SCHEMA,
  'src/prisma.service.ts': "import { PrismaClient } from '@prisma/client';\nexport class PrismaService extends PrismaClient {}\n",
  'src/resume.service.ts': RESUME_SERVICE(slug),
  'src/resume.controller.ts': RESUME_CONTROLLER,
});

table('non-idempotent-handler: a unique-violation catch for a key the insert may not give (round 2)', {
  valid: [
    {
      name: 'the slug comes from the request: a retry hits (userId, slug) and the P2002 catch answers (schema found through package.json `prisma.schema`)',
      files: resumeProject("dto.slug ?? dto.title ?? ''"),
    },
  ],
  invalid: [
    {
      name: 'without a slug from the client the slug is generated: the retry gets a fresh key and the P2002 catch never fires',
      files: resumeProject('dto.slug ?? randomTitle'),
      errors: [{ file: 'src/resume.controller.ts', line: 8, column: 3, messageId: 'insert', related: ['src/resume.service.ts:14'] }],
    },
  ],
});

const TEAM_SCHEMA2 = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Team {
  id      String   @id @default(cuid())
  name    String   @unique
  members Member[]
}

model Member {
  id     String @id @default(cuid())
  team   Team   @relation(fields: [teamId], references: [id])
  teamId String
  userId String
  @@unique([teamId, userId])
}
`;
const TEAM_SERVICE2 = (name: string) => `import prisma from './prisma';

export async function createTeam(userId: string, input: { name?: string }) {
  try {
    const team = await prisma.team.create({ data: { name: ${name} } });
    await prisma.member.create({ data: { teamId: team.id, userId } });
    return team;
  } catch (e) {
    if (e.code === 'P2002') throw new Error('name taken');
    throw e;
  }
}
`;
const TEAM_ROUTE2 = `import { createTeam } from '../../../team.service';

export async function POST(request: Request) {
  const body = await request.json();
  return Response.json(await createTeam(body.userId, body));
}
`;
const teamProject2 = (name: string) => ({
  'package.json': JSON.stringify({ name: 'web', private: true }),
  'prisma/schema.prisma': TEAM_SCHEMA2,
  'prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport default new PrismaClient();\n",
  'team.service.ts': TEAM_SERVICE2(name),
  'app/api/teams/route.ts': TEAM_ROUTE2,
});

table('non-idempotent-handler: a unique-violation catch around an insert that gives its key (round 2)', {
  valid: [
    {
      name: "the team insert gives its name from the request: a retry fails there, so the member row keyed on the new team's id is not written again",
      files: teamProject2("input.name ?? 'default'"),
    },
  ],
  invalid: [
    {
      name: 'the name is generated when none is sent: neither insert hits a key on a retry, the catch never fires',
      files: teamProject2('input.name ?? crypto.randomUUID()'),
      errors: [{ file: 'app/api/teams/route.ts', line: 3, column: 23, messageId: 'insert', related: ['team.service.ts:5', 'team.service.ts:6'] }],
    },
  ],
});
