/**
 * non-idempotent-handler: classes from the third tuning pass over the ecosystem check's tuning repositories (issue 14),
 * each valid and invalid, over multi-file projects: event rows and messages keyed by the sender's message id, job-client
 * wrappers that forward an optional job id, a project `create` that delegates its write to a helper, a parsed request's
 * status check (no state re-check), awaited availability asserts, enrichment re-runs, and a plain insert of a table the
 * same function upserts on another path. Positions are 1-based.
 */
import { projectTable, type ProjectCase, type ProjectValidCase } from '../helpers/project-table';

const ID = 'non-idempotent-handler';
const table = (title: string, cases: { valid: ProjectValidCase[]; invalid: ProjectCase[] }) => projectTable(ID, title, cases);

// ------------------------------------------------------------------------------------------------ keyed by the message id

const EVENTS = (messageIdDecl: string, idColumn: string, kafkaKey: string) => `import { clickhouseClient } from './clickhouse';
import { producer } from './kafka';
${messageIdDecl}
export async function saveBatch(workspaceId: string, events: { messageId: string; raw: string }[]) {
  const values = events.map((e) => ({
    workspace_id: workspaceId,
    message_raw: e.raw,${idColumn}
  }));
  await clickhouseClient().insert({ table: 'user_events', values, format: 'JSONEachRow' });
}

export async function publishBatch(workspaceId: string, events: { messageId: string; raw: string }[]) {
  await producer.send({
    topic: 'user-events',
    messages: events.map(({ messageId, raw }) => ({ ${kafkaKey}value: JSON.stringify({ workspace_id: workspaceId, message_raw: raw }) })),
  });
}
`;
const EVENTS_ROUTE = `import { Hono } from 'hono';
import { saveBatch, publishBatch } from './events';

const app = new Hono();
app.post('/track', async (c) => {
  const body = await c.req.json();
  await saveBatch(body.workspaceId, body.batch);
  await publishBatch(body.workspaceId, body.batch);
  return c.json({ ok: true });
});
export default app;
`;
const CLICKHOUSE = "import { createClient } from '@clickhouse/client';\nexport const clickhouseClient = () => createClient({});\n";
const KAFKA = "import { Kafka } from 'kafkajs';\nexport const producer = new Kafka({ brokers: [] }).producer();\n";
const eventsProject = (decl: string, idColumn: string, kafkaKey: string) => ({
  'events.ts': EVENTS(decl, idColumn, kafkaKey), 'route.ts': EVENTS_ROUTE, 'clickhouse.ts': CLICKHOUSE, 'kafka.ts': KAFKA,
});

table('non-idempotent-handler: event rows and messages keyed by the message id the sender gave', {
  valid: [
    {
      name: 'rows carry `message_id: e.messageId`, messages are keyed by `messageId`: the store and the consumers dedup by it',
      files: eventsProject('', '\n    message_id: e.messageId,', 'key: messageId, '),
    },
  ],
  invalid: [
    {
      name: 'a message id made by a generator at the insert keys nothing; an unkeyed Kafka message repeats',
      files: eventsProject("import { randomUUID } from 'node:crypto';\nconst messageId = randomUUID();", '\n    message_id: messageId,', ''),
      errors: [{ file: 'route.ts', line: 5, column: 1, messageId: 'insert', related: ['events.ts:11', 'events.ts:15'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ a job id forwarded by a wrapper

const JOB_CLIENT = `import { Queue } from 'bullmq';

const queues = new Map<string, Queue>();
const getQueue = (name: string) => queues.get(name) ?? new Queue(name);

export async function triggerJob(jobName: string, payload: unknown, queueName: string, options?: { delay?: number; jobId?: string }) {
  const queue = getQueue(queueName);
  const job = await queue.add(jobName, payload, { delay: options?.delay, jobId: options?.jobId });
  return { id: job.id };
}
`;
const EXPORT_ROUTE = (call: string) => `import { Hono } from 'hono';
import { triggerJob } from './job-client';

const app = new Hono();
app.post('/exports', async (c) => {
  const body = await c.req.json();
  ${call}
  return c.json(job);
});
export default app;
`;

table('non-idempotent-handler: a job-client wrapper that forwards its caller\'s optional job id', {
  valid: [
    {
      name: 'the caller hands over a job id: the queue keeps one job per id',
      files: { 'job-client.ts': JOB_CLIENT, 'route.ts': EXPORT_ROUTE("const job = await triggerJob('export', body, 'exports', { jobId: `export-${body.exportId}` });") },
    },
    {
      name: 'a handler that adds the job itself with the job id the client sent',
      files: { 'route.ts': "import { Hono } from 'hono';\nimport { Queue } from 'bullmq';\nconst exportsQueue = new Queue('exports');\nconst app = new Hono();\napp.post('/exports', async (c) => {\n  const input = await c.req.json();\n  const job = await exportsQueue.add('export', input, { jobId: input.jobId });\n  return c.json(job);\n});\nexport default app;\n" },
    },
  ],
  invalid: [
    {
      name: 'the caller passes no job id: the wrapper\'s `jobId: options?.jobId` keys nothing, a retry queues a second export',
      files: { 'job-client.ts': JOB_CLIENT, 'route.ts': EXPORT_ROUTE("const job = await triggerJob('export', body, 'exports', { delay: 1000 });") },
      errors: [{ file: 'route.ts', line: 5, column: 1, messageId: 'publish', related: ['job-client.ts:8'] }],
    },
    {
      name: 'a job id read back from a destructuring is no job id handed over',
      files: { 'job-client.ts': JOB_CLIENT, 'route.ts': EXPORT_ROUTE("const { jobId: previous } = body;\n  const job = await triggerJob('export', { ...body, previous }, 'exports');") },
      errors: [{ file: 'route.ts', line: 5, column: 1, messageId: 'publish', related: ['job-client.ts:8'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ a create that delegates to a helper

const USER_MODEL = (catchClause: string) => `import { db } from './db';
import { users } from './schema';

export class User {
  static async create(input: { name: string; email: string }) {
    const user = await User.createRaw(input);
    return user;
  }

  static async createRaw(input: { name: string; email: string }) {
    try {
      const [row] = await db.insert(users).values({ name: input.name, email: input.email }).returning();
      return row;
    } catch (e) {
      ${catchClause}
      throw e;
    }
  }
}
`;
const USERS_ROUTER = `import { Hono } from 'hono';
import { User } from '../models/users';

const app = new Hono();
app.post('/users', async (c) => {
  const input = await c.req.json();
  return c.json(await User.create(input));
});
export default app;
`;

table('non-idempotent-handler: a project `create` that delegates its write to a helper', {
  valid: [
    {
      name: '`User.create` calls `User.createRaw`, whose insert maps the unique violation to "email taken": followed, guarded',
      files: { 'models/users.ts': USER_MODEL("if (e.code === 'SQLITE_CONSTRAINT_UNIQUE') throw new Error('Email is already taken');"), 'routes/users.ts': USERS_ROUTER },
    },
  ],
  invalid: [
    {
      name: 'the helper inserts with no guard: the insert is shown where it is',
      files: { 'models/users.ts': USER_MODEL("console.error('insert failed', e);"), 'routes/users.ts': USERS_ROUTER },
      errors: [{ file: 'routes/users.ts', line: 5, column: 1, messageId: 'insert', related: ['models/users.ts:12'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ a parsed request's status is no state

const ORG_ACTION = (check: string, write: string) => `import { json, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { parseWithZod } from '@conform-to/zod';
import { prisma } from '~/db.server';
import { schema } from './schema';

export const action = async ({ request }: ActionFunctionArgs) => {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema });
  ${check}
  const org = await prisma.organization.create({ data: { title: submission.value.title${write} } });
  return redirect('/orgs/' + org.id);
};
`;

table('non-idempotent-handler: the outcome of parsing the request is no state re-check', {
  valid: [
    {
      name: 'a re-check of a state the action also writes still stops a retry',
      files: { 'route.tsx': ORG_ACTION("const current = await prisma.onboarding.findFirst({ where: { userId: request.headers.get('x-user') } });\n  if (current?.status === 'DONE') return json({ done: true });", ", status: 'DONE'") },
    },
  ],
  invalid: [
    {
      name: "`if (submission.status !== 'success') return json(..., { status: 400 })`: a failed parse, not a state, and `status: 400` writes none",
      files: { 'route.tsx': ORG_ACTION("if (submission.status !== 'success') {\n    return json(submission.reply(), { status: 400 });\n  }", '') },
      errors: [{ file: 'route.tsx', line: 6, column: 14, messageId: 'insert', message: /prisma\.organization\.create/ }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ awaited availability asserts

const PAGE_SERVICE = (assert: string) => `import { db } from './db';
import { page } from './schema';
import { assertSlugAvailable, checkSlugAvailable } from './internal';

export async function createPage(input: { slug: string; title: string; workspaceId: number }) {
  return db.transaction(async (tx) => {
    ${assert}
    return tx.insert(page).values({ slug: input.slug, title: input.title, workspaceId: input.workspaceId }).returning();
  });
}
`;
const PAGE_ROUTER = `import { Hono } from 'hono';
import { createPage } from './page.service';

const app = new Hono();
app.post('/pages', async (c) => c.json(await createPage(await c.req.json())));
export default app;
`;

table('non-idempotent-handler: an awaited assertion that the key is still free', {
  valid: [
    {
      name: '`await assertSlugAvailable(...)` throws a conflict once the first attempt inserted the page',
      files: { 'page.service.ts': PAGE_SERVICE('await assertSlugAvailable({ tx, slug: input.slug });'), 'page.router.ts': PAGE_ROUTER },
    },
  ],
  invalid: [
    {
      name: 'a check whose boolean nobody acts on stops nothing',
      files: { 'page.service.ts': PAGE_SERVICE('const free = checkSlugAvailable({ tx, slug: input.slug });'), 'page.router.ts': PAGE_ROUTER },
      errors: [{ file: 'page.router.ts', line: 5, column: 1, messageId: 'insert', related: ['page.service.ts:8'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ enrichment re-runs

const CUSTOMER_ROUTER = (route: string) => `import { Hono } from 'hono';
import { Queue } from 'bullmq';

const enrichmentQueue = new Queue('enrichment');
const app = new Hono();
app.post('${route}', async (c) => {
  const { id } = c.req.param();
  await enrichmentQueue.add('enrich-customer', { customerId: id });
  return c.json({ queued: true });
});
export default app;
`;

table('non-idempotent-handler: enrichment re-runs derived work', {
  valid: [
    { name: 'POST /customers/:id/enrich recomputes the same customer\'s enriched fields in place', files: { 'customers.ts': CUSTOMER_ROUTER('/customers/:id/enrich') } },
  ],
  invalid: [
    {
      name: 'POST /customers/:id/exports queues a new export each time',
      files: { 'customers.ts': CUSTOMER_ROUTER('/customers/:id/exports') },
      errors: [{ file: 'customers.ts', line: 6, column: 1, messageId: 'publish', message: /enrichmentQueue\.add/ }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ an upsert on another path

const INBOX_QUERIES = (elseInsert: string) => `import { db } from './db';
import { inbox } from './schema';

export async function createInbox(params: { teamId: string; fileName: string; referenceId?: string }) {
  const { teamId, fileName, referenceId } = params;
  if (referenceId) {
    const [row] = await db.insert(inbox).values({ teamId, fileName, referenceId }).onConflictDoNothing({ target: [inbox.referenceId] }).returning();
    return row;
  }
  const [row] = await db.insert(inbox).values({ teamId, fileName })${elseInsert}.returning();
  return row;
}
`;
const INBOX_ROUTER = `import { Hono } from 'hono';
import { createInbox } from './inbox.queries';

const app = new Hono();
app.post('/inbox', async (c) => c.json(await createInbox(await c.req.json())));
export default app;
`;

table('non-idempotent-handler: a plain insert of a table its function upserts on another path', {
  valid: [
    { name: 'both paths insert with a conflict clause', files: { 'inbox.queries.ts': INBOX_QUERIES('.onConflictDoNothing()'), 'inbox.router.ts': INBOX_ROUTER } },
  ],
  invalid: [
    {
      name: 'without a reference id the item is inserted with no conflict clause: a retry adds a second item',
      files: { 'inbox.queries.ts': INBOX_QUERIES(''), 'inbox.router.ts': INBOX_ROUTER },
      errors: [{ file: 'inbox.router.ts', line: 5, column: 1, messageId: 'insert', related: ['inbox.queries.ts:10'] }],
    },
  ],
});

// ------------------------------------------------------------------------------------------------ a consumer's last step that cannot fail it

const EXPORT_TASK = (step: string, after: string) => `import { logger, task } from '@trigger.dev/sdk/v3';
import { buildExport, uploadExport } from './exports';
import { sendExportReadyEmail } from './emails';

async function notify(to: string) {
  try {
    await sendExportReadyEmail(to);
  } catch (error) {
    logger.error('Failed to send export ready email', { error });
  }
}

export const exportTask = task({
  id: 'export-visits',
  retry: { maxAttempts: 2 },
  run: async (payload: { exportId: string; to: string; cc: string[] }) => {
    const file = await buildExport(payload.exportId);
    ${step}
    ${after}
    return { success: true, exportId: payload.exportId };
  },
});
`;
const EXPORT_EMAILS = `import { Resend } from 'resend';
const resend = new Resend(process.env.RESEND_API_KEY);

export async function sendExportReadyEmail(to: string) {
  await resend.emails.send({ from: 'hi@example.com', to, subject: 'Your export is ready', html: '<p>Ready</p>' });
}
`;
const exportProject = (step: string, after = '') => ({ 'task.ts': EXPORT_TASK(step, after), 'emails.ts': EXPORT_EMAILS });

table('non-idempotent-handler: a consumer\'s last step that cannot fail it', {
  valid: [
    {
      name: 'the ready email is sent in a try whose catch only logs, and only a log and a plain return follow',
      files: exportProject("try {\n      await sendExportReadyEmail(payload.to);\n    } catch (error) {\n      logger.error('send failed', { error });\n    }", "logger.info('export done', { exportId: payload.exportId });"),
    },
    {
      name: 'the last step calls a same-file helper whose whole body is a try whose catch only logs',
      files: exportProject('await notify(payload.to);'),
    },
    {
      name: 'the send ends a branch that returns: the code after that branch never runs after it',
      files: exportProject("if (payload.cc.length === 0) {\n      await notify(payload.to);\n      logger.info('done');\n      return { success: true };\n    }", 'await uploadExport(file);'),
    },
  ],
  invalid: [
    {
      name: 'the upload after the email may still fail the run: the retry sends the email again',
      files: exportProject('await notify(payload.to);', 'await uploadExport(file);'),
      errors: [{ file: 'task.ts', line: 13, column: 27, messageId: 'send', related: ['emails.ts:5'] }],
    },
    {
      name: 'a send inside a loop is not taken for the last step (iterations are not followed): still reported',
      files: exportProject("for (const to of payload.cc) {\n      try {\n        await sendExportReadyEmail(to);\n      } catch (error) {\n        logger.error('send failed', { error });\n      }\n    }"),
      errors: [{ file: 'task.ts', line: 13, column: 27, messageId: 'send', related: ['emails.ts:5'] }],
    },
  ],
});
