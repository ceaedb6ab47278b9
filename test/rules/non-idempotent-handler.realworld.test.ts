/**
 * non-idempotent-handler: cases distilled from the real-code precision sample (docs/precision/non-idempotent-handler.md).
 * Written in our own words: the shapes, not the third-party code.
 */
import { ruleTester } from '../helpers/rule-tester';

const ID = 'non-idempotent-handler';

ruleTester(ID, {
  valid: [
    // --- method aliases: only the POST/PATCH branch counts ---
    { name: 'pages API: destructured method, the insert sits in the GET case', code: `export default async function handler(req, res) {
  const { method } = req;
  switch (method) {
    case 'GET':
      await db.insert(visits).values({ path: req.url });
      return res.json(await db.select().from(items));
    case 'POST':
      return res.status(202).end();
  }
}` },
    { name: 'a `method` that is not the request method (HTTP client wrapper)', code: `async function call(url, body) {
  const method = body.method;
  if (method === 'POST') {
    await db.insert(outbox).values({ url });
  }
}` },
    { name: 'a `let` alias of req.method is not trusted (may be reassigned)', code: `export default async function handler(req, res) {
  let method = req.method;
  if (req.query.override) method = req.query.override;
  if (method === 'POST') {
    await prisma.note.create({ data: req.body });
  }
  res.end();
}` },
    // --- guards seen in the sample ---
    { name: 'express: existence check on the same Mongoose model before new Model(...).save()', code: `const User = require('../models/user');
router.post('/users', async (req, res) => {
  const taken = await User.findOne({ email: req.body.email });
  if (taken) return res.status(409).send('exists');
  const user = new User({ email: req.body.email });
  await user.save();
  res.status(201).json(user);
});` },
    { name: 'Next.js webhook: order status check and a same-model lookup before the insert', code: `export async function POST(req) {
  const event = await parse(req);
  const order = await prisma.order.findUnique({ where: { id: event.orderId } });
  if (!order || order.status === 'paid') return Response.json({ ok: true });
  await prisma.order.update({ where: { id: order.id }, data: { status: 'paid' } });
  const already = await prisma.grant.findFirst({ where: { orderId: order.id } });
  if (!already) await prisma.grant.create({ data: { orderId: order.id } });
  return Response.json({ ok: true });
}` },
    { name: 'Next.js: keyed upsert', code: `export const POST = async (req) => {
  const { externalId, name } = await req.json();
  const user = await prisma.user.upsert({ where: { id: externalId }, update: { name }, create: { id: externalId, name } });
  return Response.json(user);
};` },
    // --- not handlers / not effects ---
    { name: 'Mirage mock server: this.post with schema.create (an in-browser fake)', code: `import { createServer } from 'miragejs';
createServer({
  routes() {
    this.post('/api/reminders', (schema, request) => {
      return schema.reminders.create(JSON.parse(request.requestBody));
    });
  },
});` },
    { name: 'MSW handler writing to an @mswjs/data fake db', code: `import { rest } from 'msw';
export const handlers = [
  rest.post('/posts', async (req, res, ctx) => {
    const post = db.post.create({ id: nanoid(), name: req.body.name });
    return res(ctx.json(post));
  }),
];` },
    { name: 'NestJS controller that only delegates to an injected service', code: `@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}
  @Post()
  create(@Body() dto: CreateOrderDto) {
    return this.orders.create(dto);
  }
}` },
    { name: 'pages API without a method branch is not a recognised POST handler', code: `export default async function handler(req, res) {
  await client.messages.create({ to: req.body.to, from: SENDER, body: 'hi' });
  res.json({ ok: true });
}` },
  ],
  invalid: [
    {
      name: 'pages API: `const { method } = req; switch (method)` with an insert in the POST case',
      code: `export default async function handler(req, res) {
  const { method } = req;
  switch (method) {
    case 'GET':
      return res.json(await prisma.post.findMany());
    case 'POST':
      const post = await prisma.post.create({ data: req.body });
      res.status(201).json(post);
      break;
    default:
      res.status(405).end();
  }
}`,
      errors: [{ messageId: 'insert', line: 6, column: 10, endLine: 6, endColumn: 16, message: /a client retry of this POST inserts a duplicate row/ }],
    },
    {
      name: 'pages API: renamed destructuring `const { method: verb } = request` in an if',
      code: `export default async function handler(request, response) {
  const { method: verb, body } = request;
  if (verb === 'POST') {
    await transporter.sendMail({ to: body.email, subject: 'Welcome' });
    return response.status(204).end();
  }
  response.status(405).end();
}`,
      errors: [{ messageId: 'send', line: 3, column: 7, endLine: 3, endColumn: 22 }],
    },
    {
      name: 'pages API: `const method = req.method` then `if (method !== "POST") return`',
      code: `export default async function handler(req, res) {
  const method = req.method;
  if (method !== 'POST') return res.status(405).end();
  await pool.query('INSERT INTO signups (email) VALUES ($1)', [req.body.email]);
  res.status(201).end();
}`,
      errors: [{ messageId: 'insert', line: 3, column: 7, endLine: 3, endColumn: 24 }],
    },
    {
      name: 'koa-router named route: router.post(name, path, handler) with an ORM create',
      code: `const Router = require('koa-router');
const router = new Router();
router.post('users.create', '/', async (ctx) => {
  ctx.body = await ctx.orm.User.create(ctx.request.body);
  ctx.status = 201;
});`,
      errors: [{ messageId: 'insert', line: 3, column: 1, endLine: 3, endColumn: 12 }],
    },
    {
      name: 'express: route(path).post with a destructured request and a Mongo insertOne',
      code: `router.route('/').post(async function ({ app: { locals }, body }, res) {
  const result = await locals.orders.insertOne(body);
  res.json(result);
});`,
      errors: [{ messageId: 'insert', line: 1, column: 19, endLine: 1, endColumn: 23 }],
    },
    {
      name: 'express: model required inside the route-registering function, new Model(...).save()',
      code: `module.exports = (app) => {
  const Comment = require('../models/comment');
  app.post('/posts/:id/comments', (req, res) => {
    const comment = new Comment(req.body);
    comment.save().then(() => res.redirect('/'));
  });
};`,
      errors: [{ messageId: 'insert', line: 3, column: 3, endLine: 3, endColumn: 11 }],
    },
  ],
});

// Round 2 (held-out sample, docs/precision/non-idempotent-handler.md): shapes distilled in our own words.
ruleTester(ID, {
  valid: [
    { name: 'pages API: a list lookup of the same model, reuse when found, create only in the else branch', filename: 'x.js', code: `export default async function handler(req, res) {
  if (req.method !== 'POST') return res.status(405).end();
  const open = await prisma.inviteToken.findMany({ where: { email: req.body.email, expires: { gt: new Date() } } });
  let token;
  if (open && open.length > 0) {
    token = open[0];
  } else {
    token = await prisma.inviteToken.create({ data: { email: req.body.email } });
  }
  res.status(201).json({ id: token.id });
}` },
    { name: 'Hono + D1: prepared INSERT with ON CONFLICT DO NOTHING', code: `app.post('/tags', async (c) => {
  await c.env.DB.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').bind((await c.req.json()).name).run();
  return c.body(null, 204);
});` },
    { name: 'Hono + D1: prepared SELECT (.all()) is not an insert', code: `app.post('/search', async (c) => {
  const { q } = await c.req.json();
  const { results } = await c.env.DB.prepare('SELECT * FROM notes WHERE text LIKE ?').bind(\`%\${q}%\`).all();
  return c.json(results);
});` },
    { name: 'express: create only inside `if (!existing) { ... }` (braces) stays a dedup', filename: 'x.js', code: `import Follow from './models/follow';
app.post('/follow', async (req, res) => {
  const existing = await Follow.findOne({ user: req.user.id, target: req.body.target });
  if (!existing) {
    await Follow.create({ user: req.user.id, target: req.body.target });
  }
  res.sendStatus(204);
});` },
    { name: 'express: an update document in a variable without $inc is not an increment', filename: 'x.js', code: `const Post = require('../models/post');
router.post('/rename', (req, res) => {
  var change = { $set: { title: req.body.title } };
  Post.findOneAndUpdate({ _id: req.body.id }, change, () => res.end());
});` },
  ],
  invalid: [
    {
      name: 'pages API duplicate endpoint: the lookup requires the source row to exist, so it is not a dedup',
      filename: 'x.js',
      code: `export default async function handler(req, res) {
  if (req.method !== 'POST') return res.status(405).end();
  const source = await prisma.report.findUnique({ where: { id: req.query.id } });
  if (!source) return res.status(404).end();
  await prisma.report.create({ data: { title: source.title + ' (copy)' } });
  res.status(201).end();
}`,
      errors: [{ messageId: 'insert', line: 2, column: 7, endLine: 2, endColumn: 28 }],
    },
    {
      name: 'express clone: `if (!project) { throw }` before creating the same model is not a dedup',
      filename: 'x.js',
      code: `import Project from './models/project';
app.post('/projects/:id/clone', async (req, res) => {
  const project = await Project.findById(req.params.id);
  if (!project) {
    throw new NotFound();
  }
  await Project.create({ name: project.name });
  res.sendStatus(201);
});`,
      errors: [{ messageId: 'insert', line: 2, column: 1, endLine: 2, endColumn: 9 }],
    },
    {
      name: 'express: $inc in a same-file `var` update document (upsert does not guard increments)',
      filename: 'x.js',
      code: `const Post = require('../models/post');
router.post('/like', (req, res) => {
  var change = { $inc: { likes: 1 } };
  Post.findOneAndUpdate({ _id: req.body.id }, change, { upsert: true }, () => res.end());
});`,
      errors: [{ messageId: 'increment', line: 2, column: 1, endLine: 2, endColumn: 12 }],
    },
    {
      name: 'Hono + D1: prepare(INSERT).bind(...).run()',
      code: `app.post('/notes', async (c) => {
  const { text } = await c.req.json();
  await c.env.DB.prepare('INSERT INTO notes (text) VALUES (?)').bind(text).run();
  return c.json({ ok: true }, 201);
});`,
      errors: [{ messageId: 'insert', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    {
      name: 'better-sqlite3: a prepared INSERT statement held in a const, run in the handler',
      filename: 'x.js',
      code: `const insertVisit = db.prepare('INSERT INTO visits (path) VALUES (?)');
app.post('/visits', (req, res) => {
  insertVisit.run(req.body.path);
  res.sendStatus(204);
});`,
      errors: [{ messageId: 'insert', line: 2, column: 1, endLine: 2, endColumn: 9 }],
    },
    {
      name: 'a findMany of the same model with no dedup test (it only counts rows) does not guard the insert',
      code: `app.post('/columns', async (req, res) => {
  const columns = await prisma.column.findMany({ where: { boardId: req.body.boardId } });
  await prisma.column.create({ data: { boardId: req.body.boardId, position: columns.length } });
  res.sendStatus(201);
});`,
      errors: [{ messageId: 'insert', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
  ],
});
