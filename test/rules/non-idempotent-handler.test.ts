import { ruleTester } from '../helpers/rule-tester';

const ID = 'non-idempotent-handler';
const MSG = `'Idempotency-Key header is required'`;
const REC = '// Record idempotencyKey with the result (unique key) and replay the stored result when the same key comes back.';
const DEDUP = '// Idempotency: return early when messageId was already processed; record it (unique key) in the same transaction as the effect.';

ruleTester(ID, {
  valid: [
    // --- guards ---
    { name: 'express: Idempotency-Key looked up before the insert', code: `import express from 'express';
const app = express();
app.post('/orders', async (req, res) => {
  const key = req.get('Idempotency-Key');
  const prior = await prisma.idempotency.findUnique({ where: { key } });
  if (prior) return res.json(prior.response);
  const order = await prisma.order.create({ data: req.body });
  res.json(order);
});` },
    { name: 'express: idempotency middleware on the route', code: `app.post('/orders', idempotency({ store }), async (req, res) => {
  res.json(await prisma.order.create({ data: req.body }));
});` },
    { name: 'express: idempotency middleware on the app', code: `app.use(idempotencyMiddleware());
app.post('/orders', async (req, res) => {
  res.json(await prisma.order.create({ data: req.body }));
});` },
    { name: 'upsert', code: `app.post('/users', async (req, res) => {
  await prisma.user.upsert({ where: { email: req.body.email }, create: req.body, update: {} });
  await transporter.sendMail({ to: req.body.email });
  res.sendStatus(204);
});` },
    { name: 'INSERT ... ON CONFLICT', code: `app.post('/likes', async (req, res) => {
  await pool.query('INSERT INTO likes (user_id, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [req.user.id, req.body.postId]);
  res.sendStatus(204);
});` },
    { name: 'mongo $setOnInsert upsert', code: `router.post('/subscribe', async (req, res) => {
  await Subscriber.findOneAndUpdate({ email: req.body.email }, { $setOnInsert: req.body }, { upsert: true });
  res.sendStatus(204);
});` },
    { name: 'drizzle onConflictDoNothing', code: `app.post('/tags', async (c) => {
  await db.insert(tags).values({ name: (await c.req.json()).name }).onConflictDoNothing();
  return c.json({ ok: true });
});` },
    { name: 'existence check on the same model (unique-key dedup)', code: `app.post('/register', async (req, res) => {
  const existing = await User.findOne({ email: req.body.email });
  if (existing) return res.status(409).end();
  await User.create(req.body);
  res.sendStatus(201);
});
import User from './models/User';` },
    { name: 'unique violation handled', code: `app.post('/orders', async (req, res) => {
  try { await prisma.order.create({ data: req.body }); } catch (e) { if (e.code === 'P2002') return res.sendStatus(200); throw e; }
  res.sendStatus(201);
});` },
    { name: 'nest: idempotency interceptor on the method', code: `@Controller('orders')
export class OrdersController {
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  create(@Body() dto: CreateOrderDto) { return this.prisma.order.create({ data: dto }); }
}` },
    { name: 'nest: idempotency interceptor on the class', code: `@UseInterceptors(IdempotencyInterceptor)
@Controller('orders')
export class OrdersController {
  @Post()
  create(@Body() dto: CreateOrderDto) { return this.prisma.order.create({ data: dto }); }
}` },
    { name: 'kafkajs: dedup on the message offset', code: `await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const id = \`\${topic}:\${partition}:\${message.offset}\`;
    if (await redis.set(id, '1', 'NX') === null) return;
    await db.insert(payments).values(JSON.parse(message.value.toString()));
  },
});` },
    { name: 'lambda SQS: dedup on messageId', code: `import type { SQSEvent } from 'aws-lambda';
export async function handler(event: SQSEvent) {
  for (const record of event.Records) {
    if (await seen(record.messageId)) continue;
    await prisma.order.create({ data: JSON.parse(record.body) });
  }
}` },
    { name: 'BullMQ queue.add with a jobId', code: `app.post('/reports', async (req, res) => {
  await reportQueue.add('build', req.body, { jobId: req.body.reportId });
  res.sendStatus(202);
});` },
    { name: 'SQS FIFO with a deduplication id', code: `app.post('/events', async (req, res) => {
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(req.body), MessageDeduplicationId: req.body.id, MessageGroupId: 'g' }));
  res.sendStatus(202);
});` },
    // --- Stripe with a key ---
    `import Stripe from 'stripe';\nconst stripe = new Stripe(key);\nawait stripe.charges.create({ amount: 1 }, { idempotencyKey: orderId });`,
    `await stripe.refunds.create({ charge }, opts);`,
    `app.post('/pay', async (req, res) => {\n  await stripe.paymentIntents.create({ amount: 1 }, { idempotencyKey: req.get('Idempotency-Key') });\n  res.end();\n});`,
    // --- not handlers / not POST ---
    `app.get('/orders', async (req, res) => { res.json(await prisma.order.create({ data: {} })); });`,
    `app.put('/orders/:id', async (req, res) => { res.json(await prisma.order.create({ data: {} })); });`,
    { name: 'GET branch of a pages API route', code: `export default async function handler(req, res) {\n  if (req.method === 'GET') { await pool.query('INSERT INTO views (page) VALUES ($1)', [req.query.p]); }\n}` },
    `import axios from 'axios';\nawait axios.post('/api/orders', { items });`,
    `await request(app).post('/orders').send({ a: 1 });`,
    `$.post('/orders', data, function (resp) { db.insert(resp); });`,
    `import { Worker } from 'worker_threads';\nnew Worker('./w.js', { workerData: 1 });`,
    { name: 'ws message handler (not Pub/Sub)', code: `wss.on('connection', (ws) => { ws.on('message', async (m) => { await prisma.message.create({ data: { m } }); }); });` },
    { name: 'untyped JS Lambda (event source unknown)', code: `exports.handler = async (event) => { for (const r of event.Records) await db('x').insert(JSON.parse(r.body)); };`, filename: 'h.js' },
    // --- effects we cannot decide ---
    { name: 'effect through an imported service', code: `import { ordersService } from './orders.service';\napp.post('/orders', async (req, res) => { res.json(await ordersService.create(req.body)); });` },
    { name: 'TypeORM create() only builds an entity', code: `app.post('/orders', async (req, res) => { const o = this.orderRepository.create(req.body); res.json(o); });` },
    { name: 'metrics increment', code: `app.post('/orders', async (req, res) => { statsd.increment('orders.created'); res.end(); });` },
    { name: 'LLM messages.create', code: `app.post('/chat', async (req, res) => { res.json(await anthropic.messages.create({ model, max_tokens: 100, messages: req.body.messages })); });` },
    { name: 'Object.create / createElement', code: `app.post('/x', (req, res) => { const o = Object.create(null); document.createElement('div'); res.json(o); });` },
    { code: `app.post('/orders', async (req, res) => {\n  const key = req.get('Idempotency-Key');\n  res.json(await db('orders').insert({ ...req.body, key }));\n});`, filename: 'a.js' },
    { code: `export async function POST(req: Request) {\n  const idempotencyKey = req.headers.get('Idempotency-Key');\n  if (!idempotencyKey) return <div />;\n  await prisma.order.create({ data: { idempotencyKey } });\n}`, filename: 'route.tsx' },
    { name: 'TypeORM save of a loaded entity is an update', code: `@Controller('users')
export class UsersController {
  constructor(@InjectRepository(User) private readonly usersRepository: Repository<User>) {}
  @Patch(':id')
  async rename(@Param('id') id: string, @Body() dto: RenameDto) {
    const user = await this.usersRepository.findOneByOrFail({ id });
    user.name = dto.name;
    return this.usersRepository.save(user);
  }
}` },
    { name: 'an in-process EventEmitter emit is not a publish', code: `@Controller('orders')
export class OrdersController {
  constructor(private readonly eventEmitter: EventEmitter2) {}
  @Post(':id/ping')
  ping(@Param('id') id: string) { this.eventEmitter.emit('order.pinged', { id }); }
}` },
    // --- NOT effects (RULES.md v2) and development-only routes, one file ---
    { name: 'audit and security-log rows only record the request', code: `app.post('/export', async (req, res) => {
  await prisma.auditLog.create({ data: { action: 'export', userId: req.user.id } });
  await db.insert(loginAttempts).values({ ip: req.ip });
  res.json(await buildExport(req.user.id));
});` },
    { name: 'compare-and-set update before the effects', code: `app.post('/orders/:id/pay', async (req, res) => {
  const { count } = await prisma.order.updateMany({ where: { id: req.params.id, status: 'PENDING' }, data: { status: 'PAID' } });
  if (count === 0) return res.sendStatus(409);
  await prisma.customer.update({ where: { id: req.user.id }, data: { orders: { increment: 1 } } });
  res.sendStatus(204);
});` },
    { name: 'a converging write: the id comes from the request', code: `app.post('/drafts', async (req, res) => {
  res.json(await prisma.draft.create({ data: { id: req.body.id, text: req.body.text } }));
});` },
    { name: 'a login route creating a session (single-use short-lived credential)', code: `router.post('/auth/login', async (req, res) => {
  const session = await prisma.session.create({ data: { userId: await check(req.body) } });
  res.json(session);
});` },
    { name: 'a development-only seed route', code: `app.post('/dev/seed', async (req, res) => { await prisma.user.createMany({ data: fixtures }); res.end(); });` },
    { name: 'a route registered only outside production', code: `if (process.env.NODE_ENV !== 'production') {
  app.post('/debug/orders', async (req, res) => { res.json(await prisma.order.create({ data: req.body })); });
}` },
    { name: 'a consumer enqueueing its continuation job', code: `import { Worker } from 'bullmq';
new Worker('import', async (job) => {
  for (const row of job.data.rows) await rowsQueue.add('row', row);
}, { connection });` },
  ],
  invalid: [
    {
      name: 'express: Stripe charge in a POST handler',
      code: `import Stripe from 'stripe';
const stripe = new Stripe(process.env.STRIPE_KEY);
app.post('/charge', async (req, res) => {
  const charge = await stripe.charges.create({ amount: req.body.amount, currency: 'usd', source: req.body.token });
  res.json(charge);
});`,
      errors: [{ messageId: 'stripeNoIdempotencyKey', severity: 'error', line: 4, column: 24, endLine: 4, endColumn: 115, message: /a client retry of this POST charges the card twice \(no idempotency key/ }],
      output: `import Stripe from 'stripe';
const stripe = new Stripe(process.env.STRIPE_KEY);
app.post('/charge', async (req, res) => {
  const idempotencyKey = req.get('Idempotency-Key');
  if (!idempotencyKey) return res.status(400).json({ error: ${MSG} });
  const charge = await stripe.charges.create({ amount: req.body.amount, currency: 'usd', source: req.body.token }, { idempotencyKey });
  res.json(charge);
});`,
    },
    {
      name: 'Stripe outside any handler, multi-line call: callee range, no fix',
      code: `export async function refund(chargeId: string) {
  return stripe.refunds.create({
    charge: chargeId,
  });
}`,
      errors: [{ messageId: 'stripeNoIdempotencyKey', severity: 'error', line: 2, column: 10, endLine: 2, endColumn: 31, message: /refunds twice/ }],
      output: null,
    },
    {
      name: 'Stripe outside handlers with a key in scope and an options object',
      code: `async function payout(amount, idempotencyKey) {\n  return stripe.payouts.create({ amount }, { stripeAccount: acct });\n}`,
      filename: 'p.js',
      errors: [{ messageId: 'stripeNoIdempotencyKey', line: 2, column: 10, endLine: 2, endColumn: 68 }],
      output: `async function payout(amount, idempotencyKey) {\n  return stripe.payouts.create({ amount }, { stripeAccount: acct, idempotencyKey });\n}`,
    },
    {
      name: 'Stripe in a guarded handler reuses the existing key variable',
      code: `app.post('/pay', idempotent(), async (req, res) => {\n  const key = req.get('idempotency-key');\n  await stripe.transfers.create({ amount: 1, destination: req.body.acct });\n  res.end();\n});`,
      errors: [{ messageId: 'stripeNoIdempotencyKey', line: 3, column: 9, endLine: 3, endColumn: 75, message: /sends the transfer twice/ }],
      output: `app.post('/pay', idempotent(), async (req, res) => {\n  const key = req.get('idempotency-key');\n  await stripe.transfers.create({ amount: 1, destination: req.body.acct }, { idempotencyKey: key });\n  res.end();\n});`,
    },
    {
      name: 'Stripe one call deep: reported at the call (Stripe anywhere); the handler is not reported twice',
      code: `async function charge(amount: number) {\n  return stripe.charges.create({ amount, currency: 'usd' });\n}\napp.post('/checkout', async (req, res) => {\n  await charge(req.body.amount);\n  res.end();\n});`,
      errors: [{ messageId: 'stripeNoIdempotencyKey', line: 2, column: 10, endLine: 2, endColumn: 60, message: /`stripe.charges.create` has no idempotency key/ }],
      output: null,
    },
    {
      name: 'express: prisma create; route(path).post chain with a named handler',
      code: `router.route('/orders').get(list).post(createOrder);
async function createOrder(req, res) {
  const order = await prisma.order.create({ data: req.body });
  res.status(201).json(order);
}`,
      errors: [{ messageId: 'insert', severity: 'warning', line: 1, column: 35, endLine: 1, endColumn: 39, message: /a client retry of this POST inserts a duplicate row: `prisma.order.create` runs/ }],
      output: `router.route('/orders').get(list).post(createOrder);
async function createOrder(req, res) {
  const idempotencyKey = req.get('Idempotency-Key');
  if (!idempotencyKey) return res.status(400).json({ error: ${MSG} });
  ${REC}
  const order = await prisma.order.create({ data: req.body });
  res.status(201).json(order);
}`,
    },
    {
      name: 'express: effect one call deep in a same-file function, asyncHandler wrapper, JS',
      filename: 'routes.js',
      code: `async function notify(user) {
  await transporter.sendMail({ to: user.email, subject: 'Thanks' });
}
router.patch('/users/:id', auth, asyncHandler(async (req, res) => {
  await notify(req.body);
  res.sendStatus(204);
}));`,
      errors: [{ messageId: 'send', line: 4, column: 1, endLine: 4, endColumn: 13, message: /PATCH sends the email twice: `transporter.sendMail` \(via `notify\(\)`\)/ }],
      output: `async function notify(user) {
  await transporter.sendMail({ to: user.email, subject: 'Thanks' });
}
router.patch('/users/:id', auth, asyncHandler(async (req, res) => {
  const idempotencyKey = req.get('Idempotency-Key');
  if (!idempotencyKey) return res.status(400).json({ error: ${MSG} });
  ${REC}
  await notify(req.body);
  res.sendStatus(204);
}));`,
    },
    {
      name: 'koa: Mongoose model create',
      code: `import Router from '@koa/router';
import User from '../models/user';
const router = new Router();
router.post('/users', async (ctx) => {
  await User.create(ctx.request.body);
  ctx.status = 201;
});`,
      errors: [{ messageId: 'insert', line: 4, column: 1, endLine: 4, endColumn: 12 }],
      output: `import Router from '@koa/router';
import User from '../models/user';
const router = new Router();
router.post('/users', async (ctx) => {
  const idempotencyKey = ctx.get('Idempotency-Key');
  if (!idempotencyKey) ctx.throw(400, ${MSG});
  ${REC}
  await User.create(ctx.request.body);
  ctx.status = 201;
});`,
    },
    {
      name: 'hono: validator middleware then sendMail',
      code: `import { Hono } from 'hono';
const app = new Hono();
app.post('/signup', zValidator('json', schema), async (c) => {
  await transporter.sendMail({ to: c.req.valid('json').email, subject: 'Welcome' });
  return c.json({ ok: true });
});`,
      errors: [{ messageId: 'send', line: 3, column: 1, endLine: 3, endColumn: 9 }],
      output: `import { Hono } from 'hono';
const app = new Hono();
app.post('/signup', zValidator('json', schema), async (c) => {
  const idempotencyKey = c.req.header('Idempotency-Key');
  if (!idempotencyKey) return c.json({ error: ${MSG} }, 400);
  ${REC}
  await transporter.sendMail({ to: c.req.valid('json').email, subject: 'Welcome' });
  return c.json({ ok: true });
});`,
    },
    {
      name: 'fastify: route options object, producer.send; options-object PATCH with SQL increment',
      code: `import Fastify from 'fastify';
const fastify = Fastify();
fastify.route({
  method: 'POST',
  url: '/events',
  handler: async (request, reply) => {
    await producer.send({ topic: 'events', messages: [{ value: JSON.stringify(request.body) }] });
    return reply.code(202).send();
  },
});
fastify.patch('/accounts/:id', { schema }, async (request, reply) => {
  await pool.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [request.body.amount, request.params.id]);
  return { ok: true };
});`,
      errors: [
        { messageId: 'publish', line: 3, column: 1, endLine: 3, endColumn: 14, message: /POST publishes the message twice/ },
        { messageId: 'increment', line: 11, column: 1, endLine: 11, endColumn: 14, message: /PATCH applies the increment twice/ },
      ],
      output: `import Fastify from 'fastify';
const fastify = Fastify();
fastify.route({
  method: 'POST',
  url: '/events',
  handler: async (request, reply) => {
    const idempotencyKey = request.headers['idempotency-key'];
    if (!idempotencyKey) return reply.code(400).send({ error: ${MSG} });
    ${REC}
    await producer.send({ topic: 'events', messages: [{ value: JSON.stringify(request.body) }] });
    return reply.code(202).send();
  },
});
fastify.patch('/accounts/:id', { schema }, async (request, reply) => {
  const idempotencyKey = request.headers['idempotency-key'];
  if (!idempotencyKey) return reply.code(400).send({ error: ${MSG} });
  ${REC}
  await pool.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [request.body.amount, request.params.id]);
  return { ok: true };
});`,
    },
    {
      name: 'nest: @Post with an injected Mongoose model',
      code: `import { Body, Controller, Post } from '@nestjs/common';

@Controller('orders')
export class OrdersController {
  constructor(@InjectModel(Order.name) private orderModel: Model<Order>) {}

  @Post()
  async create(@Body() dto: CreateOrderDto) {
    return this.orderModel.create(dto);
  }
}`,
      errors: [{ messageId: 'insert', line: 7, column: 3, endLine: 7, endColumn: 10 }],
      output: `import { Body, Controller, Post, BadRequestException, Headers } from '@nestjs/common';

@Controller('orders')
export class OrdersController {
  constructor(@InjectModel(Order.name) private orderModel: Model<Order>) {}

  @Post()
  async create(@Body() dto: CreateOrderDto, @Headers('idempotency-key') idempotencyKey: string) {
    if (!idempotencyKey) throw new BadRequestException(${MSG});
    ${REC}
    return this.orderModel.create(dto);
  }
}`,
    },
    {
      name: 'nest: @Patch calling a same-class method that increments',
      code: `@Controller('wallets')
export class WalletsController {
  @Patch(':id/top-up')
  @UseGuards(AuthGuard)
  topUp(@Param('id') id: string, @Body() body: TopUpDto) {
    return this.credit(id, body.amount);
  }
  private credit(id: string, amount: number) {
    return this.prisma.wallet.update({ where: { id }, data: { balance: { increment: amount } } });
  }
}`,
      errors: [{ messageId: 'increment', line: 3, column: 3, endLine: 3, endColumn: 23, message: /PATCH applies the increment twice: `this.prisma.wallet.update` \(via `this.credit\(\)`\)/ }],
    },
    {
      name: 'nest: @EventPattern increment (no fix: the message id depends on the transport)',
      code: `@Controller()
export class PointsController {
  @EventPattern('order_paid')
  async handle(@Payload() data: { userId: string; points: number }) {
    await this.prisma.user.update({ where: { id: data.userId }, data: { points: { increment: data.points } } });
  }
}`,
      errors: [{ messageId: 'increment', line: 3, column: 3, endLine: 3, endColumn: 30, message: /a redelivered event applies the increment twice/ }],
      output: null,
    },
    {
      name: 'next app router: export async function POST',
      code: `import { prisma } from '@/lib/prisma';

export async function POST(request: Request) {
  const body = await request.json();
  const post = await prisma.post.create({ data: body });
  return Response.json(post, { status: 201 });
}`,
      errors: [{ messageId: 'insert', line: 3, column: 23, endLine: 3, endColumn: 27 }],
      output: `import { prisma } from '@/lib/prisma';

export async function POST(request: Request) {
  const idempotencyKey = request.headers.get('Idempotency-Key');
  if (!idempotencyKey) return Response.json({ error: ${MSG} }, { status: 400 });
  ${REC}
  const body = await request.json();
  const post = await prisma.post.create({ data: body });
  return Response.json(post, { status: 201 });
}`,
    },
    {
      name: 'next app router: export const PATCH without parameters, TSX',
      filename: 'route.tsx',
      code: `export const PATCH = async () => {\n  await db.insert(orders).values({ at: new Date() });\n  return new Response(null, { status: 204 });\n};`,
      errors: [{ messageId: 'insert', line: 1, column: 14, endLine: 1, endColumn: 19 }],
      output: `export const PATCH = async (request: Request) => {\n  const idempotencyKey = request.headers.get('Idempotency-Key');\n  if (!idempotencyKey) return Response.json({ error: ${MSG} }, { status: 400 });\n  ${REC}\n  await db.insert(orders).values({ at: new Date() });\n  return new Response(null, { status: 204 });\n};`,
    },
    {
      name: 'next pages API: req.method === POST branch with INSERT SQL',
      code: `import type { NextApiRequest, NextApiResponse } from 'next';
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (req.method === 'POST') {
    const { rows } = await pool.query('INSERT INTO comments (post_id, body) VALUES ($1, $2) RETURNING *', [req.body.postId, req.body.body]);
    return res.status(201).json(rows[0]);
  }
  res.status(405).end();
}`,
      errors: [{ messageId: 'insert', line: 3, column: 7, endLine: 3, endColumn: 28 }],
      output: `import type { NextApiRequest, NextApiResponse } from 'next';
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (req.method === 'POST') {
    const idempotencyKey = req.headers['idempotency-key'];
    if (!idempotencyKey) return res.status(400).json({ error: ${MSG} });
    ${REC}
    const { rows } = await pool.query('INSERT INTO comments (post_id, body) VALUES ($1, $2) RETURNING *', [req.body.postId, req.body.body]);
    return res.status(201).json(rows[0]);
  }
  res.status(405).end();
}`,
    },
    {
      name: 'pages API: early return on non-POST, JS, const SQL',
      filename: 'api.js',
      code: `const SQL = 'INSERT INTO signups (email) VALUES ($1)';
export default async function handler(req, res) {
  if (req.method !== 'POST') return res.status(405).end();
  await db.none(SQL, [req.body.email]);
  res.status(201).end();
}`,
      errors: [{ messageId: 'insert', line: 3, column: 7, endLine: 3, endColumn: 28 }],
      output: `const SQL = 'INSERT INTO signups (email) VALUES ($1)';
export default async function handler(req, res) {
  if (req.method !== 'POST') return res.status(405).end();
  const idempotencyKey = req.headers['idempotency-key'];
  if (!idempotencyKey) return res.status(400).json({ error: ${MSG} });
  ${REC}
  await db.none(SQL, [req.body.email]);
  res.status(201).end();
}`,
    },
    {
      name: 'switch (req.method) case POST',
      code: `export default async function handler(req, res) {
  switch (req.method) {
    case 'GET': return res.json(await list());
    case 'POST': {
      await sql\`INSERT INTO notes (body) VALUES (\${req.body.text})\`;
      return res.status(201).end();
    }
  }
}`,
      errors: [{ messageId: 'insert', line: 4, column: 10, endLine: 4, endColumn: 16 }],
    },
    {
      name: 'kafkajs: Stripe PaymentIntent keyed from topic/partition/offset (destructure completed)',
      code: `await consumer.run({
  eachMessage: async ({ message }) => {
    const event = JSON.parse(message.value!.toString());
    await stripe.paymentIntents.create({ amount: event.amount, currency: 'eur' });
    await db.insert(invoices).values({ customer: event.customer });
  },
});`,
      errors: [{ messageId: 'stripeNoIdempotencyKey', severity: 'error', line: 4, column: 11, endLine: 4, endColumn: 82, message: /a redelivered Kafka message creates a second PaymentIntent/ }],
      output: `await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const event = JSON.parse(message.value!.toString());
    await stripe.paymentIntents.create({ amount: event.amount, currency: 'eur' }, { idempotencyKey: \`\${topic}-\${partition}-\${message.offset}\` });
    await db.insert(invoices).values({ customer: event.customer });
  },
});`,
    },
    {
      name: 'kafkajs: method shorthand, payload parameter, mongo insertOne',
      code: `await consumer.run({
  async eachMessage(payload) {
    await orders.insertOne(JSON.parse(payload.message.value.toString()));
  },
});`,
      errors: [{ messageId: 'insert', line: 2, column: 9, endLine: 2, endColumn: 20, message: /a redelivered Kafka message inserts a duplicate row/ }],
      output: `await consumer.run({
  async eachMessage(payload) {
    const messageId = \`\${payload.topic}-\${payload.partition}-\${payload.message.offset}\`;
    ${DEDUP}
    await orders.insertOne(JSON.parse(payload.message.value.toString()));
  },
});`,
    },
    {
      name: 'sqs-consumer handleMessage',
      code: `import { Consumer } from 'sqs-consumer';
const app = Consumer.create({
  queueUrl,
  handleMessage: async (message) => {
    await db.collection('orders').insertOne(JSON.parse(message.Body!));
  },
});`,
      errors: [{ messageId: 'insert', line: 4, column: 3, endLine: 4, endColumn: 16 }],
      output: `import { Consumer } from 'sqs-consumer';
const app = Consumer.create({
  queueUrl,
  handleMessage: async (message) => {
    const messageId = message.MessageId;
    ${DEDUP}
    await db.collection('orders').insertOne(JSON.parse(message.Body!));
  },
});`,
    },
    {
      name: 'lambda SQSEvent: SES email in a Records loop',
      code: `import type { SQSEvent } from 'aws-lambda';
export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const body = JSON.parse(record.body);
    await ses.send(new SendEmailCommand({ Destination: { ToAddresses: [body.email] }, Source: 'x@y.z' }));
  }
};`,
      errors: [{ messageId: 'send', line: 2, column: 14, endLine: 2, endColumn: 21, message: /a redelivered SQS message sends the email twice/ }],
      output: `import type { SQSEvent } from 'aws-lambda';
export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const messageId = record.messageId;
    ${DEDUP}
    const body = JSON.parse(record.body);
    await ses.send(new SendEmailCommand({ Destination: { ToAddresses: [body.email] }, Source: 'x@y.z' }));
  }
};`,
    },
    {
      name: 'lambda SNSHandler: Stripe refund keyed by the SNS message id',
      code: `export const handler: SNSHandler = async (event) => {
  await Promise.all(event.Records.map(async (r) => {
    await stripe.refunds.create({ charge: JSON.parse(r.Sns.Message).charge });
  }));
};`,
      errors: [{ messageId: 'stripeNoIdempotencyKey', line: 3, column: 11, endLine: 3, endColumn: 78 }],
      output: `export const handler: SNSHandler = async (event) => {
  await Promise.all(event.Records.map(async (r) => {
    await stripe.refunds.create({ charge: JSON.parse(r.Sns.Message).charge }, { idempotencyKey: r.Sns.MessageId });
  }));
};`,
    },
    {
      name: 'lambda EventBridgeEvent: publish to SNS',
      code: `export async function main(event: EventBridgeEvent<'OrderPlaced', Order>) {
  await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify(event.detail) }));
}`,
      errors: [{ messageId: 'publish', line: 1, column: 23, endLine: 1, endColumn: 27, message: /a redelivered EventBridge event publishes the message twice/ }],
      output: `export async function main(event: EventBridgeEvent<'OrderPlaced', Order>) {
  const messageId = event.id;
  ${DEDUP}
  await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify(event.detail) }));
}`,
    },
    {
      name: 'amqplib channel.consume with a model defined in the file, JS',
      filename: 'worker.js',
      code: `const amqp = require('amqplib');
const Order = mongoose.model('Order', orderSchema);
ch.consume('orders', async (msg) => {
  await new Order(JSON.parse(msg.content.toString())).save();
  ch.ack(msg);
});`,
      errors: [{ messageId: 'insert', line: 3, column: 1, endLine: 3, endColumn: 11, message: /a redelivered RabbitMQ message inserts a duplicate row/ }],
      output: `const amqp = require('amqplib');
const Order = mongoose.model('Order', orderSchema);
ch.consume('orders', async (msg) => {
  const messageId = msg.properties.messageId;
  ${DEDUP}
  await new Order(JSON.parse(msg.content.toString())).save();
  ch.ack(msg);
});`,
    },
    {
      name: 'BullMQ Worker with a named processor: SendGrid',
      code: `import { Worker } from 'bullmq';
import sgMail from '@sendgrid/mail';
async function processEmail(job) {
  await sgMail.send({ to: job.data.to, from: 'noreply@x.io', subject: job.data.subject });
}
new Worker('emails', processEmail, { connection });`,
      errors: [{ messageId: 'send', line: 6, column: 1, endLine: 6, endColumn: 11, message: /a redelivered BullMQ job sends the email twice/ }],
      output: `import { Worker } from 'bullmq';
import sgMail from '@sendgrid/mail';
async function processEmail(job) {
  const messageId = \`\${job.queueName}:\${job.id}\`;
  ${DEDUP}
  await sgMail.send({ to: job.data.to, from: 'noreply@x.io', subject: job.data.subject });
}
new Worker('emails', processEmail, { connection });`,
    },
    {
      name: 'Pub/Sub subscription.on(message): Twilio SMS',
      code: `import { PubSub } from '@google-cloud/pubsub';
const subscription = new PubSub().subscription('signups');
subscription.on('message', async (message) => {
  await twilio.messages.create({ to: message.attributes.phone, from: FROM, body: 'Welcome!' });
  message.ack();
});`,
      errors: [{ messageId: 'send', line: 3, column: 1, endLine: 3, endColumn: 16, message: /sends the SMS twice/ }],
      output: `import { PubSub } from '@google-cloud/pubsub';
const subscription = new PubSub().subscription('signups');
subscription.on('message', async (message) => {
  const messageId = message.id;
  ${DEDUP}
  await twilio.messages.create({ to: message.attributes.phone, from: FROM, body: 'Welcome!' });
  message.ack();
});`,
    },
    {
      name: 'mongo $inc and BullMQ add in one handler: one finding per handler, at its head',
      code: `app.post('/posts/:id/like', async (req, res) => {
  await Post.updateOne({ _id: req.params.id }, { $inc: { likes: 1 } });
  await notifyQueue.add('liked', { post: req.params.id });
  res.sendStatus(204);
});`,
      errors: [{ messageId: 'increment', line: 1, column: 1, endLine: 1, endColumn: 9, message: /applies the increment twice: `Post.updateOne` runs with no idempotency key or dedup check; 1 more repeated effect/ }],
    },
    {
      name: 'two Stripe calls in one handler get distinct keys',
      code: `app.post('/orders', async (req, res) => {
  await stripe.charges.create({ amount: 1 });
  await stripe.transfers.create({ amount: 1, destination: d });
  res.end();
});`,
      errors: [
        { messageId: 'stripeNoIdempotencyKey', line: 2, column: 9, endLine: 2, endColumn: 45 },
        { messageId: 'stripeNoIdempotencyKey', line: 3, column: 9, endLine: 3, endColumn: 63 },
      ],
    },
    {
      name: 'koa-router: a named route with middleware; the finding sits on router.post',
      code: `import Router from 'koa-router';
const router = new Router();
router.post('documents.create', auth(), validate(schema), async (ctx) => {
  ctx.body = await Document.create(ctx.input.body);
});
import Document from '../models/Document';`,
      errors: [{ messageId: 'insert', line: 3, column: 1, endLine: 3, endColumn: 12, message: /`Document\.create` runs with no idempotency key/ }],
    },
    {
      name: 'hono chain: each `post` of new Hono().post(...).post(...) is a head',
      code: `import { Hono } from 'hono';
export const app = new Hono()
  .post('/a', async (c) => { await db.insert(items).values(await c.req.json()); return c.body(null, 201); })
  .post('/b', async (c) => { await transporter.sendMail({ to: 'x' }); return c.body(null, 204); });`,
      errors: [
        { messageId: 'insert', line: 3, column: 4, endLine: 3, endColumn: 8 },
        { messageId: 'send', line: 4, column: 4, endLine: 4, endColumn: 8 },
      ],
    },
    {
      name: 'webhook receiver: a pages API default export with no method branch that verifies a Stripe signature',
      code: `export default async function handler(req, res) {
  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], secret);
  if (event.type === 'checkout.session.completed') await prisma.purchase.create({ data: { session: event.data.object.id } });
  res.json({ received: true });
}`,
      errors: [{ messageId: 'insert', line: 1, column: 31, endLine: 1, endColumn: 38, message: /^a redelivered Stripe webhook event inserts a duplicate row: `prisma\.purchase\.create` runs with no event-id dedup$/ }],
    },
    {
      name: 'wrapped Next.js handler: export const POST = withAuth(async (...) => ...) (guard fix inside the wrapped function)',
      code: `export const POST = withAuth(async (request: Request) => {
  await prisma.link.create({ data: await request.json() });
  return Response.json({ ok: true });
});`,
      errors: [{ messageId: 'insert', line: 1, column: 14, endLine: 1, endColumn: 18 }],
      output: `export const POST = withAuth(async (request: Request) => {
  const idempotencyKey = request.headers.get('Idempotency-Key');
  if (!idempotencyKey) return Response.json({ error: ${MSG} }, { status: 400 });
  ${REC}
  await prisma.link.create({ data: await request.json() });
  return Response.json({ ok: true });
});`,
    },
    {
      name: 'nest + TypeORM: save of a new entity (repository.create then save) is an insert',
      code: `@Controller('users')
export class UsersController {
  constructor(@InjectRepository(User) private readonly usersRepository: Repository<User>) {}
  @Post()
  async create(@Body() dto: CreateUserDto) {
    const user = this.usersRepository.create(dto);
    return this.usersRepository.save(user);
  }
}`,
      errors: [{ messageId: 'insert', line: 4, column: 3, endLine: 4, endColumn: 10, message: /`this\.usersRepository\.save` runs with no idempotency key/ }],
    },
    {
      name: 'nest microservices: ClientProxy emit to the broker is a publish',
      code: `@Controller('orders')
export class OrdersController {
  constructor(@Inject('KAFKA') private readonly kafkaClient: ClientKafka) {}
  @Post()
  place(@Body() dto: OrderDto) {
    this.kafkaClient.emit('order_placed', dto);
    return { ok: true };
  }
}`,
      errors: [{ messageId: 'publish', line: 4, column: 3, endLine: 4, endColumn: 10 }],
    },
    {
      name: 'express: a bound controller method; Sequelize build().save(); MikroORM persistAndFlush(new X())',
      code: `import { Order } from './models/order';
class OrdersController {
  async create(req, res) { res.json(await Order.build(req.body).save()); }
  async place(req, res) { await this.em.persistAndFlush(new Order(req.body)); res.sendStatus(201); }
}
const orders = new OrdersController();
router.post('/orders', orders.create.bind(orders));
router.post('/orders/place', orders.place.bind(orders));`,
      errors: [
        { messageId: 'insert', line: 7, column: 1, endLine: 7, endColumn: 12, message: /`Order\.build\(…\)\.save`/ },
        { messageId: 'insert', line: 8, column: 1, endLine: 8, endColumn: 12, message: /`this\.em\.persistAndFlush`/ },
      ],
    },
    {
      name: 'Stripe with an old-style callback: options inserted before it',
      code: `stripe.charges.create({ amount: 1 }, function (err, charge) {});`,
      filename: 'c.js',
      errors: [{ messageId: 'stripeNoIdempotencyKey', line: 1, column: 1, endLine: 1, endColumn: 64, message: /retried after a timeout/ }],
      output: null,
    },
  ],
});
