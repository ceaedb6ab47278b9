/**
 * non-idempotent-handler over multi-file projects (RULES.md v2 "The project-wide view", "Where a finding sits"):
 * effects in imported services, repositories and helpers; wrapped handlers, koa-router, Hono chains and sub-apps,
 * BullMQ processors registered in another file, webhook receivers; the noise that must stay silent; fixes applied,
 * re-parsed and re-analysed as a project. Positions are 1-based (line, column of the finding's start).
 */
import { projectTable, type ProjectCase, type ProjectValidCase } from '../helpers/project-table';

const ID = 'non-idempotent-handler';
const table = (title: string, cases: { valid: ProjectValidCase[]; invalid: ProjectCase[] }) => projectTable(ID, title, cases);

// ------------------------------------------------------------------------------------------------ fixtures

const NEST_CONTROLLER = `import { Body, Controller, Post } from '@nestjs/common';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  async create(@Body() dto: CreateOrderDto) {
    return this.orders.place(dto);
  }
}
`;
const NEST_SERVICE = `import { Injectable } from '@nestjs/common';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class OrdersService {
  constructor(private readonly repo: OrdersRepository) {}
  async place(dto) {
    return this.repo.insertOrder(dto);
  }
}
`;
const NEST_REPOSITORY = `import { PrismaService } from './prisma.service';

export class OrdersRepository {
  constructor(private readonly prisma: PrismaService) {}
  insertOrder(dto) {
    return this.prisma.order.create({ data: dto });
  }
}
`;

const INVOICE_QUERIES = `import { db } from './db';
import { invoices } from './schema';

export async function createInvoice(input) {
  return db.insert(invoices).values(input);
}
`;

table('non-idempotent-handler across files: effects, placement, wrapped handlers', {
  valid: [
    {
      name: 'nest: the service checks the same model before creating (an existence check on the path)',
      files: {
        'orders.controller.ts': NEST_CONTROLLER,
        'orders.service.ts': `import { ConflictException } from '@nestjs/common';
import { OrdersRepository } from './orders.repository';
export class OrdersService {
  constructor(private readonly repo: OrdersRepository) {}
  async place(dto) {
    const existing = await this.repo.findOrderByReference(dto.reference);
    if (existing) throw new ConflictException('order exists');
    return this.repo.insertOrder(dto);
  }
}
`,
        'orders.repository.ts': NEST_REPOSITORY.replace('  insertOrder(dto) {', '  findOrderByReference(reference) {\n    return this.prisma.order.findUnique({ where: { reference } });\n  }\n  insertOrder(dto) {'),
      },
    },
    {
      name: 'next: the handler reads the Idempotency-Key header and the effect is in an imported module',
      files: {
        'app/api/invoices/route.ts': `import { createInvoice } from '../../../lib/queries';
export async function POST(request: Request) {
  const idempotencyKey = request.headers.get('Idempotency-Key');
  if (!idempotencyKey) return Response.json({ error: 'missing key' }, { status: 400 });
  return Response.json(await createInvoice({ ...(await request.json()), idempotencyKey }));
}
`,
        'lib/queries.ts': INVOICE_QUERIES,
      },
    },
    {
      name: 'a guard in the service on the path (idempotency key lookup) covers the repository insert',
      files: {
        'routes.ts': `import { Router } from 'express';
import { placeOrder } from './service';
const router = Router();
router.post('/orders', async (req, res) => { res.json(await placeOrder(req.body, req.get('x-request-id'))); });
export default router;
`,
        'service.ts': `import { insertOrder, findByIdempotencyKey } from './repo';
export async function placeOrder(body, key) {
  const prior = await findByIdempotencyKey(key);
  if (prior) return prior;
  return insertOrder({ ...body, idempotencyKey: key });
}
`,
        'repo.ts': `import { prisma } from './prisma';
export const findByIdempotencyKey = (key) => prisma.order.findUnique({ where: { idempotencyKey: key } });
export async function insertOrder(data) { return prisma.order.create({ data }); }
`,
      },
    },
    {
      name: 'a check the handler calls first (assert*) guards it like its own code',
      files: {
        'invites.controller.ts': `import { Controller, Post, Param } from '@nestjs/common';
import { InvitesService } from './invites.service';
@Controller('invites')
export class InvitesController {
  constructor(private readonly invites: InvitesService) {}
  @Post(':id/accept')
  async accept(@Param('id') id: string) {
    await this.invites.assertPending(id);
    return this.invites.addMember(id);
  }
}
`,
        'invites.service.ts': `export class InvitesService {
  constructor(private readonly prisma: PrismaService) {}
  async assertPending(id: string) {
    const invite = await this.prisma.invite.findUniqueOrThrow({ where: { id } });
    if (invite.status !== 'PENDING') throw new Error('already accepted');
  }
  async addMember(id: string) {
    return this.prisma.member.create({ data: { inviteId: id } });
  }
}
`,
      },
    },
    {
      name: 'an effect four calls deep is beyond the bound (three calls)',
      files: {
        'route.ts': `import { a } from './chain';\nexport async function POST(req: Request) { await a(); return new Response(null); }\n`,
        'chain.ts': `export async function a() { await b(); }\nasync function b() { await c(); }\nasync function c() { await d(); }\nasync function d() { await prisma.order.create({ data: {} }); }\n`,
      },
    },
    {
      name: 'an import that resolves to no project file (a package) is unknown, not guilty',
      files: {
        'route.ts': `import { createInvoice } from '@acme/billing';\nexport async function POST(req: Request) { return Response.json(await createInvoice(await req.json())); }\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'nest: controller -> injected service -> injected repository; finding on @Post(), the effect in the repository file',
      files: { 'orders.controller.ts': NEST_CONTROLLER, 'orders.service.ts': NEST_SERVICE, 'orders.repository.ts': NEST_REPOSITORY },
      errors: [{
        file: 'orders.controller.ts', line: 8, column: 3, messageId: 'insert', severity: 'warning',
        message: /^a client retry of this POST inserts a duplicate row: `this\.prisma\.order\.create` in `orders\.repository\.ts` \(via `this\.orders\.place\(\)`\) runs with no idempotency key or dedup check$/,
        related: ['orders.repository.ts:6'],
      }],
      fix: 'orders.controller.ts',
    },
    {
      name: 'next: export async function POST -> createInvoice() from a queries module; finding on the exported POST name',
      files: {
        'app/api/invoices/route.ts': `import { createInvoice } from '../../../lib/queries';

export async function POST(request: Request) {
  const body = await request.json();
  return Response.json(await createInvoice(body), { status: 201 });
}
`,
        'lib/queries.ts': INVOICE_QUERIES,
      },
      errors: [{ file: 'app/api/invoices/route.ts', line: 3, column: 23, messageId: 'insert', message: /`db\.insert` in `queries\.ts` \(via `createInvoice\(\)`\)/, related: ['lib/queries.ts:5'] }],
      fix: 'app/api/invoices/route.ts',
    },
    {
      name: 'wrapped: export const POST = withAuth(async ({ req }) => ...) with an imported helper; finding on POST',
      files: {
        'app/api/links/route.ts': `import { withAuth } from '../../../lib/auth';
import { createLink } from '../../../lib/links';

export const POST = withAuth(async ({ req, workspace }) => {
  const link = await createLink(workspace.id, await req.json());
  return Response.json(link);
}, { requiredRole: 'member' });
`,
        'lib/auth.ts': `export const withAuth = (handler, opts) => async (req) => handler({ req, workspace: await load(req) });\nasync function load(req) { return { id: req.headers.get('x-ws') }; }\n`,
        'lib/links.ts': `import { prisma } from './prisma';\nexport async function createLink(workspaceId, data) {\n  return prisma.link.create({ data: { ...data, workspaceId } });\n}\n`,
      },
      errors: [{ file: 'app/api/links/route.ts', line: 4, column: 14, messageId: 'insert', message: /`prisma\.link\.create` in `links\.ts`/, related: ['lib/links.ts:3'] }],
    },
    {
      name: 'koa-router: a named route with middleware calling an imported command; finding on router.post',
      files: {
        'routes/documents.ts': `import Router from 'koa-router';
import auth from '../middlewares/auth';
import validate from '../middlewares/validate';
import documentCreator from '../commands/documentCreator';
import * as T from './schema';

const router = new Router();

router.post('documents.create', auth(), validate(T.DocumentsCreateSchema), async (ctx) => {
  const document = await documentCreator({ ...ctx.input.body, user: ctx.state.auth.user });
  ctx.body = { data: document };
});

export default router;
`,
        'commands/documentCreator.ts': `import { Document } from '../models';
export default async function documentCreator({ title, text, user }) {
  return Document.create({ title, text, createdById: user.id });
}
`,
        'models/index.ts': `export { default as Document } from './Document';\n`,
        'models/Document.ts': `export default class Document { static create(x) { return x; } }\n`,
      },
      errors: [{ file: 'routes/documents.ts', line: 9, column: 1, messageId: 'insert', message: /`Document\.create` in `documentCreator\.ts` \(via `documentCreator\(\)`\)/ }],
      fix: 'routes/documents.ts',
    },
    {
      name: 'express: router.post(path, auth, ctrl.create) with the controller in another file (a handler defined elsewhere)',
      files: {
        'routes.ts': `import { Router } from 'express';
import * as ordersController from './controllers/orders';
const router = Router();
router.post('/orders', requireUser, ordersController.create);
export default router;
`,
        'controllers/orders.ts': `import { Order } from '../models/order';
export async function create(req, res) {
  const order = await Order.create(req.body);
  res.status(201).json(order);
}
`,
        'models/order.ts': `import mongoose from 'mongoose';\nexport const Order = mongoose.model('Order', new mongoose.Schema({}));\n`,
      },
      errors: [{ file: 'routes.ts', line: 4, column: 1, messageId: 'insert', message: /`Order\.create` in `orders\.ts` \(via `ordersController\.create\(\)`\)/, related: ['controllers/orders.ts:3'] }],
    },
    {
      name: 'hono: a chain on new Hono() (finding on each `post`) and a sub-app mounted from another file',
      files: {
        'api/users.ts': `import { Hono } from 'hono';
import { insertUser, sendWelcome } from '../db/users';

export const users = new Hono()
  .get('/', (c) => c.json([]))
  .post('/', async (c) => c.json(await insertUser(await c.req.json())))
  .post('/:id/welcome', async (c) => { await sendWelcome(c.req.param('id')); return c.body(null, 204); });
`,
        'api/index.ts': `import { Hono } from 'hono';\nimport { users } from './users';\nexport const app = new Hono().route('/users', users);\n`,
        'db/users.ts': `import { db } from './client';
import { users } from './schema';
import { transporter } from './mail';
export async function insertUser(u) { return db.insert(users).values(u).returning(); }
export async function sendWelcome(id) { await transporter.sendMail({ to: id, subject: 'Welcome' }); }
`,
      },
      errors: [
        { file: 'api/users.ts', line: 6, column: 4, messageId: 'insert', related: ['db/users.ts:4'] },
        { file: 'api/users.ts', line: 7, column: 4, messageId: 'send', message: /sends the email twice: `transporter\.sendMail` in `users\.ts`/ },
      ],
    },
    {
      name: 'BullMQ: a processor exported from one file, registered in another (untyped): finding on new Worker',
      files: {
        'workers/index.ts': `import { Worker } from 'bullmq';
import { processEmail } from '../jobs/email';
export const worker = new Worker('emails', processEmail, { connection });
`,
        'jobs/email.ts': `import sgMail from '@sendgrid/mail';
export async function processEmail(job) {
  await sgMail.send({ to: job.data.to, from: 'noreply@x.io', subject: job.data.subject });
}
`,
      },
      errors: [{ file: 'workers/index.ts', line: 3, column: 23, messageId: 'send', message: /^a redelivered BullMQ job sends the email twice: `sgMail\.send` in `email\.ts`/, related: ['jobs/email.ts:3'] }],
    },
    {
      name: 'BullMQ: a processor typed Job<T> in another file is reported at the Worker that registers it',
      files: {
        'boot.ts': `import { Worker } from 'bullmq';
import { importJob } from './jobs/import';
const w = new Worker('import', importJob, { connection });
`,
        'jobs/import.ts': `import type { Job } from 'bullmq';
import { db } from '../db';

export async function importJob(job: Job<{ rows: unknown[] }>) {
  await db.importedRow.createMany({ data: job.data.rows });
}
`,
      },
      errors: [{ file: 'boot.ts', line: 3, column: 11, messageId: 'insert', message: /^a redelivered BullMQ job inserts a duplicate row: `db\.importedRow\.createMany` in `import\.ts` \(via `importJob\(\)`\) runs with no message-id dedup$/, related: ['jobs/import.ts:5'] }],
    },
    {
      name: 'tRPC: a mutation whose service comes from a factory (`const service = serviceFor(ctx)`); finding on `mutation`',
      files: {
        'server/routers/evaluators.ts': `import { router, protectedProcedure } from '../trpc';
import { EvaluatorService } from '../services/evaluators';

function serviceFor(ctx) {
  return new EvaluatorService(ctx.prisma);
}

export const evaluatorRouter = router({
  create: protectedProcedure.input(schema).mutation(async ({ input, ctx }) => {
    const service = serviceFor(ctx);
    return service.create(input);
  }),
  list: protectedProcedure.query(({ ctx }) => serviceFor(ctx).list()),
});
`,
        'server/services/evaluators.ts': `export class EvaluatorService {
  constructor(private readonly prisma) {}
  create(input) { return this.prisma.evaluator.create({ data: input }); }
  list() { return this.prisma.evaluator.findMany(); }
}
`,
      },
      errors: [{ file: 'server/routers/evaluators.ts', line: 9, column: 44, messageId: 'insert', message: /^a client retry of this tRPC mutation inserts a duplicate row: `this\.prisma\.evaluator\.create` in `evaluators\.ts` \(via `service\.create\(\)`\)/ }],
    },
    {
      name: 'Remix action (route module) creating a row through an imported service',
      files: {
        'app/routes/projects.new.tsx': `import { createProject } from '~/models/project.server';
import { redirect } from '@remix-run/node';

export async function action({ request }) {
  const form = await request.formData();
  const project = await createProject({ name: String(form.get('name')) });
  return redirect('/projects/' + project.id);
}
`.replace("'~/models/project.server'", "'../models/project.server'"),
        'app/models/project.server.ts': `export async function createProject(data) {
  return prisma.project.create({ data });
}
`,
      },
      errors: [{ file: 'app/routes/projects.new.tsx', line: 4, column: 23, messageId: 'insert', message: /^a client retry of this action inserts a duplicate row/ }],
    },
    {
      name: 'nest: @Processor class with process(job) reaching an injected service',
      files: {
        'billing.processor.ts': `import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { CreditsService } from './credits.service';

@Processor('billing')
export class BillingProcessor extends WorkerHost {
  constructor(private readonly credits: CreditsService) { super(); }
  async process(job: Job) {
    await this.credits.grant(job.data.accountId, job.data.amount);
  }
}
`,
        'credits.service.ts': `export class CreditsService {
  constructor(private readonly prisma: PrismaService) {}
  grant(accountId: string, amount: number) {
    return this.prisma.account.update({ where: { id: accountId }, data: { credits: { increment: amount } } });
  }
}
`,
      },
      errors: [{ file: 'billing.processor.ts', line: 8, column: 9, messageId: 'increment', message: /applies the increment twice: `this\.prisma\.account\.update` in `credits\.service\.ts`/ }],
    },
  ],
});

table('non-idempotent-handler across files: webhook receivers', {
  valid: [
    {
      name: 'Stripe webhook that records the event id first (a unique insert)',
      files: {
        'app/api/stripe/route.ts': `import Stripe from 'stripe';
import { fulfil } from '../../../lib/fulfil';
const stripe = new Stripe(process.env.STRIPE_KEY!);
export async function POST(req: Request) {
  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get('stripe-signature')!, secret);
  const seen = await prisma.webhookEvent.findUnique({ where: { id: event.id } });
  if (seen) return new Response('ok');
  await fulfil(event);
  return new Response('ok');
}
`,
        'lib/fulfil.ts': `export async function fulfil(event) { await prisma.order.create({ data: { session: event.data.object.id } }); }\n`,
      },
    },
    {
      name: 'Stripe webhook whose dispatched handlers upsert (converging writes)',
      files: {
        'webhook.ts': `import { onSubscriptionUpdated } from './subscriptions';
export default async function handler(req, res) {
  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], secret);
  if (event.type === 'customer.subscription.updated') await onSubscriptionUpdated(event.data.object);
  res.json({ received: true });
}
`,
        'subscriptions.ts': `export async function onSubscriptionUpdated(sub) {
  await prisma.subscription.upsert({ where: { stripeId: sub.id }, create: { stripeId: sub.id, status: sub.status }, update: { status: sub.status } });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'Next.js Stripe webhook dispatching to an imported handler that emails: redelivered Stripe webhook event',
      files: {
        'app/api/webhooks/stripe/route.ts': `import Stripe from 'stripe';
import { sendInvoiceEmail } from '../../../../lib/emails';
const stripe = new Stripe(process.env.STRIPE_KEY!);

export async function POST(req: Request) {
  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get('stripe-signature')!, process.env.WH_SECRET!);
  if (event.type === 'invoice.paid') await sendInvoiceEmail(event.data.object);
  return new Response(null, { status: 200 });
}
`,
        'lib/emails.ts': `import nodemailer from 'nodemailer';
const transporter = nodemailer.createTransport({});
export async function sendInvoiceEmail(invoice) {
  await transporter.sendMail({ to: invoice.customer_email, subject: 'Your invoice' });
}
`,
      },
      errors: [{ file: 'app/api/webhooks/stripe/route.ts', line: 5, column: 23, messageId: 'send', message: /^a redelivered Stripe webhook event sends the email twice: `transporter\.sendMail` in `emails\.ts` \(via `sendInvoiceEmail\(\)`\) runs with no event-id dedup$/ }],
    },
    {
      name: 'pages API GitHub webhook with no method branch (the signature check makes it a receiver): finding on the default export',
      files: {
        'pages/api/deploy/github.ts': `import { verifyGithubSignature } from '../../../lib/github';
import { createDeployment } from '../../../lib/deployments';

export default async function handler(req, res) {
  const signature = req.headers['x-hub-signature-256'];
  if (!verifyGithubSignature(req.body, signature)) return res.status(401).end();
  await createDeployment(req.body.repository.full_name, req.body.after);
  res.status(200).json({ ok: true });
}
`,
        'lib/github.ts': `export function verifyGithubSignature(body, sig) { return !!sig; }\n`,
        'lib/deployments.ts': `import { db } from './db';\nimport { deployments } from './schema';\nexport async function createDeployment(repo, sha) {\n  return db.insert(deployments).values({ repo, sha });\n}\n`,
      },
      errors: [{ file: 'pages/api/deploy/github.ts', line: 4, column: 31, messageId: 'insert', message: /^a redelivered GitHub webhook event inserts a duplicate row: `db\.insert` in `deployments\.ts`/ }],
    },
    {
      name: 'Remix action verifying a Svix signature, then creating a row through a service',
      files: {
        'app/routes/webhooks.clerk.ts': `import { Webhook } from 'svix';
import { createMember } from '../services/members.server';

export async function action({ request }) {
  const payload = await request.text();
  const evt = new Webhook(process.env.SECRET!).verify(payload, Object.fromEntries(request.headers));
  await createMember(evt.data);
  return new Response('ok');
}
`,
        'app/services/members.server.ts': `export async function createMember(data) {\n  return prisma.member.create({ data: { externalId: data.user_id } });\n}\n`,
      },
      errors: [{ file: 'app/routes/webhooks.clerk.ts', line: 4, column: 23, messageId: 'insert', message: /^a redelivered Svix webhook event inserts a duplicate row/ }],
    },
  ],
});

table('non-idempotent-handler across files: what is not a finding (RULES v2 "NOT effects" and the rule docs)', {
  valid: [
    {
      name: 'audit, security-log, analytics and search-query rows written by services',
      files: {
        'routes.ts': `import { Router } from 'express';
import { audit } from './audit';
import { recordSearch } from './search';
import { securityLog } from './security';
const r = Router();
r.post('/search', async (req, res) => {
  await audit.create({ action: 'search', userId: req.user.id });
  await recordSearch(req.body.q);
  await securityLog(req);
  res.json([]);
});
`,
        'audit.ts': `export const audit = { create: (e) => prisma.auditLog.create({ data: e }) };\n`,
        'search.ts': `export async function recordSearch(q) { await db.insert(searchQueries).values({ q }); }\n`,
        'security.ts': `export async function securityLog(req) { await prisma.userSecurityAuditLog.create({ data: { ip: req.ip } }); }\n`,
      },
    },
    {
      name: 'a compare-and-set update guards the effects after it (state predicate in the where clause)',
      files: {
        'routes.ts': `import { Router } from 'express';
import { completeOrder } from './orders';
const r = Router();
r.post('/orders/:id/complete', async (req, res) => { res.json(await completeOrder(req.params.id)); });
`,
        'orders.ts': `export async function completeOrder(id) {
  const { count } = await prisma.order.updateMany({ where: { id, status: 'PENDING' }, data: { status: 'COMPLETED' } });
  if (count === 0) return { already: true };
  await prisma.loyalty.update({ where: { orderId: id }, data: { points: { increment: 10 } } });
  await transporter.sendMail({ to: 'x', subject: 'Order complete' });
}
`,
      },
    },
    {
      name: 'a state re-check before the effect (accept an invite once)',
      files: {
        'routes.ts': `import { Router } from 'express';\nimport { acceptInvite } from './invites';\nconst r = Router();\nr.post('/invites/:id/accept', async (req, res) => res.json(await acceptInvite(req.params.id)));\n`,
        'invites.ts': `export async function acceptInvite(id) {
  const invite = await prisma.invite.findUniqueOrThrow({ where: { id } });
  if (invite.status !== 'PENDING') throw new Error('already accepted');
  await prisma.member.create({ data: { orgId: invite.orgId, userId: invite.userId } });
  await prisma.invite.update({ where: { id }, data: { status: 'ACCEPTED' } });
}
`,
      },
    },
    {
      name: 'a converging write: the row id comes from the request (a retry hits the primary key)',
      files: {
        'route.ts': `import { saveDraft } from './drafts';\nexport async function POST(req: Request) { const body = await req.json(); return Response.json(await saveDraft(body)); }\n`,
        'drafts.ts': `export async function saveDraft(body) {\n  return prisma.draft.create({ data: { id: body.id, content: body.content } });\n}\n`,
      },
    },
    {
      name: 'a consumer\'s continuation: enqueueing the next job (and a job with a jobId anywhere)',
      files: {
        'worker.ts': `import { Worker } from 'bullmq';
import { fanOut } from './fanout';
new Worker('import', async (job) => { await fanOut(job.data); }, { connection });
`,
        'fanout.ts': `import { rowsQueue } from './queues';
export async function fanOut(data) {
  for (const row of data.rows) await rowsQueue.add('row', row);
}
`,
        'api.ts': `import { Router } from 'express';\nimport { reportQueue } from './queues';\nconst r = Router();\nr.post('/reports', async (req, res) => { await reportQueue.add('build', req.body, { jobId: req.body.reportId }); res.sendStatus(202); });\n`,
      },
    },
    {
      name: 'single-use short-lived credentials: a login that creates a session, a reset that emails a link',
      files: {
        'auth.routes.ts': `import { Router } from 'express';
import * as auth from './auth.controller';
const r = Router();
r.post('/auth/login', auth.postLogin);
r.post('/auth/forgot', auth.postForgotPassword);
export default r;
`,
        'auth.controller.ts': `import { createSession } from './sessions';
import { sendResetPasswordEmail } from './mail';
export async function postLogin(req, res) { res.json(await createSession(req.body.email)); }
export async function postForgotPassword(req, res) { await sendResetPasswordEmail(req.body.email); res.sendStatus(204); }
`,
        'sessions.ts': `export async function createSession(email) { return prisma.session.create({ data: { email } }); }\n`,
        'mail.ts': `export async function sendResetPasswordEmail(to) { await transporter.sendMail({ to, subject: 'Reset your password' }); }\n`,
      },
    },
    {
      name: 'development-only routes: a seed route, a dev-gated registration, a testing controller',
      files: {
        'app.ts': `import express from 'express';
import { seedDatabase } from './seed';
const app = express();
app.post('/dev/seed', async (req, res) => { await seedDatabase(); res.end(); });
if (process.env.NODE_ENV !== 'production') {
  app.post('/debug/orders', async (req, res) => { await prisma.order.create({ data: req.body }); res.end(); });
}
`,
        'seed.ts': `export async function seedDatabase() { await prisma.user.createMany({ data: [{ email: 'a@b.c' }] }); }\n`,
        'testing.controller.ts': `import { Controller, Post } from '@nestjs/common';
@Controller('testing')
export class TestingController {
  @Post('/seed')
  async seed() { return this.prisma.user.create({ data: {} }); }
}
`,
      },
    },
    {
      name: 'effects in a scheduler callback or an event listener run later, not in the request',
      files: {
        'route.ts': `import { enableCleanup } from './cleanup';\nexport async function POST(req: Request) { await enableCleanup((await req.json()).serverId); return new Response(null); }\n`,
        'cleanup.ts': `import { scheduleJob } from 'node-schedule';
import { notifyCleanup } from './notify';
export async function enableCleanup(serverId) {
  scheduleJob(serverId, '0 3 * * *', async () => { await notifyCleanup(serverId); });
  emitter.on('done', () => transporter.sendMail({ to: 'ops', subject: 'done' }));
}
`,
        'notify.ts': `export async function notifyCleanup(id) { await transporter.sendMail({ to: 'ops', subject: 'cleanup ' + id }); }\n`,
      },
    },
    {
      name: 'a replace: the rows are deleted, then written again (converges)',
      files: {
        'route.ts': `import { setTiers } from './tiers';\nexport async function POST(req: Request) { await setTiers(await req.json()); return new Response(null); }\n`,
        'tiers.ts': `export async function setTiers({ modelId, tiers }) {
  await prisma.pricingTier.deleteMany({ where: { modelId } });
  for (const t of tiers) await prisma.pricingTier.create({ data: { modelId, ...t } });
}
`,
      },
    },
    {
      name: 'get-or-create: a found row takes the update branch, so the creates after the check are covered',
      files: {
        'route.ts': `import { upsertPreference } from './prefs';\nexport async function PATCH(req: Request) { await upsertPreference(await req.json()); return new Response(null); }\n`,
        'prefs.ts': `export async function upsertPreference(input) {
  const existing = await prisma.preference.findFirst({ where: { userId: input.userId } });
  if (existing) {
    await prisma.preference.update({ where: { id: existing.id }, data: input });
  } else {
    const ref = await prisma.preferenceRef.create({ data: {} });
    await prisma.preference.create({ data: { ...input, refId: ref.id } });
  }
}
`,
      },
    },
    {
      name: 'Stripe create with an idempotency key in a service; the handler is not reported for it',
      files: {
        'route.ts': `import { charge } from './billing';\nexport async function POST(req: Request) { const b = await req.json(); return Response.json(await charge(b.amount, b.key)); }\n`,
        'billing.ts': `import Stripe from 'stripe';\nconst stripe = new Stripe(k);\nexport async function charge(amount, key) { return stripe.paymentIntents.create({ amount, currency: 'usd' }, { idempotencyKey: key }); }\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'Stripe without a key in a service: reported at the create call (error); the handler is not reported twice',
      files: {
        'route.ts': `import { charge } from './billing';\nexport async function POST(req: Request) { const b = await req.json(); return Response.json(await charge(b.amount)); }\n`,
        'billing.ts': `import Stripe from 'stripe';
const stripe = new Stripe(process.env.KEY!);
export async function charge(amount: number) {
  return stripe.paymentIntents.create({ amount, currency: 'usd' });
}
`,
      },
      errors: [{ file: 'billing.ts', line: 4, column: 10, messageId: 'stripeNoIdempotencyKey', severity: 'error', message: /`stripe\.paymentIntents\.create` has no idempotency key/ }],
    },
    {
      name: 'an audit row next to a real insert: only the insert is related information',
      files: {
        'route.ts': `import { createProject } from './projects';\nexport async function POST(req: Request) { return Response.json(await createProject(await req.json())); }\n`,
        'projects.ts': `export async function createProject(p) {
  const project = await prisma.project.create({ data: p });
  await prisma.auditLog.create({ data: { action: 'project.create', id: project.id } });
  return project;
}
`,
      },
      errors: [{ file: 'route.ts', line: 2, column: 23, messageId: 'insert', related: ['projects.ts:2'] }],
    },
    {
      name: 'several repeated effects in several files: each one is related information; the message counts them',
      files: {
        'route.ts': `import { signup } from './signup';\nexport async function POST(req: Request) { return Response.json(await signup(await req.json())); }\n`,
        'signup.ts': `import { notify } from './notify';
export async function signup(u) {
  const user = await prisma.user.create({ data: u });
  await prisma.team.create({ data: { ownerId: user.id } });
  await notify(user);
  return user;
}
`,
        'notify.ts': `export async function notify(user) { await transporter.sendMail({ to: user.email, subject: 'Welcome' }); }\n`,
      },
      errors: [{ file: 'route.ts', line: 2, column: 23, messageId: 'insert', message: /; 2 more repeated effects in related locations$/, related: ['signup.ts:3', 'signup.ts:4', 'notify.ts:1'] }],
    },
  ],
});
