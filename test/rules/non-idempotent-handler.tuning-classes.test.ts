/**
 * non-idempotent-handler: classes of noise from the ecosystem check's tuning half (issue 14), each valid and invalid,
 * over multi-file projects: unique natural keys declared in schema files (Drizzle, Mongoose, index specs, TypeORM);
 * test messages; Prisma delete-then-create replaces; computed duplicate flags. Positions are 1-based (line, column of
 * the finding's start).
 */
import { projectTable, type ProjectCase, type ProjectValidCase } from '../helpers/project-table';

const ID = 'non-idempotent-handler';
const table = (title: string, cases: { valid: ProjectValidCase[]; invalid: ProjectCase[] }) => projectTable(ID, title, cases);

// ------------------------------------------------------------------------------------------------ fixtures

const drizzleSchema = (key: string) => `import { pgTable, text, unique, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core';
import { nanoid } from 'nanoid';

export const tags = pgTable(
  'tag',
  {
    tagId: text('tagId').primaryKey().$defaultFn(() => nanoid()),
    name: text('name').notNull(),
    organizationId: text('organizationId').notNull(),
${key}
);
`;

const TAG_SERVICE = `import { db } from './db';
import { tags } from './schema';

export async function createTag(input, organizationId) {
  return db.insert(tags).values({ name: input.name, organizationId, email: input.email }).returning();
}
`;

const TAG_ROUTER = `import express from 'express';
import { createTag } from './tag.service';

const router = express.Router();
router.post('/tags', async (req, res) => {
  const tag = await createTag(req.body, req.user.organizationId);
  res.json(tag);
});
`;

const mongooseSchema = (index: string) => `import mongoose from 'mongoose';

const workflowOverrideSchema = new mongoose.Schema({
  _environmentId: { type: String, required: true },
  _workflowId: { type: String, required: true },
  _tenantId: { type: String, required: true },
  active: Boolean,
});
${index}
export const WorkflowOverride = mongoose.model('WorkflowOverride', workflowOverrideSchema);
`;

const OVERRIDE_CONTROLLER = `import { Body, Controller, Post } from '@nestjs/common';
import { WorkflowOverride } from './workflow-override.schema';

@Controller('workflow-overrides')
export class WorkflowOverridesController {
  @Post()
  async create(@Body() body) {
    return WorkflowOverride.create({ _environmentId: body.env, _workflowId: body.workflowId, _tenantId: body.tenantId });
  }
}
`;

const CONFIG_MODEL = (fields: string) => `import { MakeModelClass } from './BaseModel';

const BaseClass = MakeModelClass({
  collectionName: 'configs',
  idPrefix: 'cfg_',
  additionalIndexes: [
    {
      fields: { ${fields} },
      unique: true,
    },
  ],
});

export class ConfigModel extends BaseClass {}
`;

const CONFIG_ROUTER = `import express from 'express';

const router = express.Router();
router.post('/configs', async (req, res) => {
  const config = await req.context.models.configs.create({ key: req.body.key, value: req.body.value });
  res.json(config);
});
`;

table('non-idempotent-handler: unique natural keys declared in schema files', {
  valid: [
    {
      name: 'Drizzle unique(...).on(organizationId, name): a retried insert of the same tag fails the unique key',
      files: {
        'schema.ts': drizzleSchema(`  },
  (t) => ({ uniqueOrgName: unique('unique_org_tag_name').on(t.organizationId, t.name) }),`),
        'tag.service.ts': TAG_SERVICE,
        'tag.router.ts': TAG_ROUTER,
      },
    },
    {
      name: 'Drizzle uniqueIndex(...).on(...) in an array callback',
      files: {
        'schema.ts': drizzleSchema(`  },
  (table) => [uniqueIndex('tag_org_name_idx').on(table.organizationId, table.name)],`),
        'tag.service.ts': TAG_SERVICE,
        'tag.router.ts': TAG_ROUTER,
      },
    },
    {
      name: 'Drizzle column .unique() on a natural column',
      files: {
        'schema.ts': drizzleSchema(`    email: text('email').notNull().unique(),
  },`),
        'tag.service.ts': TAG_SERVICE,
        'tag.router.ts': TAG_ROUTER,
      },
    },
    {
      name: 'Drizzle composite primary key on a join table',
      files: {
        'schema.ts': drizzleSchema(`  },
  (t) => ({ pk: primaryKey({ columns: [t.organizationId, t.name] }) }),`),
        'tag.service.ts': TAG_SERVICE,
        'tag.router.ts': TAG_ROUTER,
      },
    },
    {
      name: 'Mongoose schema.index({ ... }, { unique: true }) on the model the NestJS handler creates',
      files: {
        'workflow-override.schema.ts': mongooseSchema(`workflowOverrideSchema.index({ _environmentId: 1, _workflowId: 1, _tenantId: 1 }, { unique: true });`),
        'workflow-overrides.controller.ts': OVERRIDE_CONTROLLER,
      },
    },
    {
      name: 'an index spec { fields, unique: true } beside a collectionName (model classes built by a factory)',
      files: { 'ConfigModel.ts': CONFIG_MODEL('organization: 1, key: 1'), 'config.router.ts': CONFIG_ROUTER },
    },
  ],
  invalid: [
    {
      name: 'no unique key in the schema: a retried insert adds a second tag',
      files: { 'schema.ts': drizzleSchema('  },'), 'tag.service.ts': TAG_SERVICE, 'tag.router.ts': TAG_ROUTER },
      errors: [{ file: 'tag.router.ts', line: 5, column: 1, messageId: 'insert', related: ['tag.service.ts:5'] }],
    },
    {
      name: 'a unique column whose value is generated ($defaultFn(() => nanoid())) dedups nothing',
      files: {
        'schema.ts': drizzleSchema(`    token: text('token').notNull().unique().$defaultFn(() => nanoid()),
  },`),
        'tag.service.ts': TAG_SERVICE,
        'tag.router.ts': TAG_ROUTER,
      },
      errors: [{ file: 'tag.router.ts', line: 5, column: 1, messageId: 'insert' }],
    },
    {
      name: 'the unique key is on another table of the schema file',
      files: {
        'schema.ts': drizzleSchema('  },') + `
export const labels = pgTable('label', { name: text('name').notNull().unique() });
`,
        'tag.service.ts': TAG_SERVICE,
        'tag.router.ts': TAG_ROUTER,
      },
      errors: [{ file: 'tag.router.ts', line: 5, column: 1, messageId: 'insert' }],
    },
    {
      name: 'Mongoose unique index on _id alone: an id-only key is no natural key',
      files: {
        'workflow-override.schema.ts': mongooseSchema(`workflowOverrideSchema.index({ _id: 1 }, { unique: true });`),
        'workflow-overrides.controller.ts': OVERRIDE_CONTROLLER,
      },
      errors: [{ file: 'workflow-overrides.controller.ts', line: 6, column: 3, messageId: 'insert' }],
    },
    {
      name: 'a unique key with a version field: each create computes the next version, so a retry gets a fresh key',
      files: {
        'workflow-override.schema.ts': mongooseSchema(`workflowOverrideSchema.index({ _workflowId: 1, version: 1 }, { unique: true });`),
        'workflow-overrides.controller.ts': OVERRIDE_CONTROLLER,
      },
      errors: [{ file: 'workflow-overrides.controller.ts', line: 6, column: 3, messageId: 'insert' }],
    },
    {
      name: 'a unique key that includes the generated id: { id, organization }',
      files: { 'ConfigModel.ts': CONFIG_MODEL('id: 1, organization: 1'), 'config.router.ts': CONFIG_ROUTER },
      errors: [{ file: 'config.router.ts', line: 4, column: 1, messageId: 'insert' }],
    },
    {
      name: 'a partial unique index (partialFilterExpression) holds only some rows',
      files: {
        'workflow-override.schema.ts': mongooseSchema(`workflowOverrideSchema.index({ _environmentId: 1, _workflowId: 1 }, { unique: true, partialFilterExpression: { active: true } });`),
        'workflow-overrides.controller.ts': OVERRIDE_CONTROLLER,
      },
      errors: [{ file: 'workflow-overrides.controller.ts', line: 6, column: 3, messageId: 'insert' }],
    },
    {
      name: 'a lone unique identifier field (usually generated) is no natural key',
      files: {
        'workflow-override.schema.ts': mongooseSchema('').replace('active: Boolean,', 'identifier: { type: String, unique: true },'),
        'workflow-overrides.controller.ts': OVERRIDE_CONTROLLER,
      },
      errors: [{ file: 'workflow-overrides.controller.ts', line: 6, column: 3, messageId: 'insert' }],
    },
    {
      name: 'an index spec { fields, unique: false }-less: a non-unique index is no key',
      files: { 'ConfigModel.ts': CONFIG_MODEL('organization: 1, key: 1').replace('unique: true', 'sparse: true'), 'config.router.ts': CONFIG_ROUTER },
      errors: [{ file: 'config.router.ts', line: 4, column: 1, messageId: 'insert' }],
    },
  ],
});

const NOTIFY_UTILS = `import nodemailer from 'nodemailer';

export async function sendEmailNotification(settings, subject, html) {
  const transporter = nodemailer.createTransport(settings);
  await transporter.sendMail({ from: settings.from, to: settings.to, subject, html });
}
`;

table('non-idempotent-handler: test messages (the user checks the settings just entered)', {
  valid: [
    {
      name: 'tRPC testEmailConnection sends a test email through a helper',
      files: {
        'utils.ts': NOTIFY_UTILS,
        'router.ts': `import { sendEmailNotification } from './utils';

export const notificationRouter = createTRPCRouter({
  testEmailConnection: protectedProcedure.input(schema).mutation(async ({ input }) => {
    await sendEmailNotification(input, 'Test Email', '<p>Hi, from Dokploy</p>');
    return true;
  }),
});
`,
      },
    },
    {
      name: 'an Express route that calls sendTestEmail (the helper is named for the test)',
      files: {
        'mail.ts': `import nodemailer from 'nodemailer';
const transporter = nodemailer.createTransport({});

export async function sendTestEmail(to) {
  await transporter.sendMail({ to, subject: 'SMTP settings work' });
}
`,
        'routes.ts': `import express from 'express';
import { sendTestEmail } from './mail';

const app = express();
app.post('/settings/smtp/check', async (req, res) => {
  await sendTestEmail(req.body.to);
  res.sendStatus(204);
});
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a test handler that also inserts a row: the row still counts',
      files: {
        'router.ts': `export const webhookRouter = createTRPCRouter({
  testWebhook: protectedProcedure.input(schema).mutation(async ({ ctx, input }) => {
    await ctx.prisma.webhookCall.create({ data: { webhookId: input.id, payload: input.payload } });
  }),
});
`,
      },
      errors: [{ file: 'router.ts', line: 2, column: 49, messageId: 'insert' }],
    },
    {
      name: 'a notification send outside any test handler or helper',
      files: {
        'utils.ts': NOTIFY_UTILS,
        'router.ts': `import { sendEmailNotification } from './utils';

export const inviteRouter = createTRPCRouter({
  invite: protectedProcedure.input(schema).mutation(async ({ input }) => {
    await sendEmailNotification(input.smtp, 'You are invited', '<p>Join us</p>');
  }),
});
`,
      },
      errors: [{ file: 'router.ts', line: 4, column: 44, messageId: 'send', related: ['utils.ts:5'] }],
    },
  ],
});

table('non-idempotent-handler: replace by delete then create (Prisma single delete)', {
  valid: [
    {
      name: 'a role change deletes the current group membership and creates the new one in one transaction',
      files: {
        'update-member.ts': `export const updateTeamMemberRoute = authenticatedProcedure.input(schema).mutation(async ({ input }) => {
  await prisma.$transaction(async (tx) => {
    await tx.organisationGroupMember.delete({ where: { id: input.currentGroupMemberId } });
    await tx.organisationGroupMember.create({ data: { groupId: input.groupId, organisationMemberId: input.memberId } });
  });
});
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the old row is deleted after the new one is created (cleanup, not a replace)',
      files: {
        'replace-pdf.ts': `export const replaceItemPdfRoute = authenticatedProcedure.input(schema).mutation(async ({ input }) => {
  const data = await prisma.documentData.create({ data: { type: 'BYTES', data: input.pdf } });
  await prisma.documentData.delete({ where: { id: input.oldDocumentDataId } });
  return data;
});
`,
      },
      errors: [{ file: 'replace-pdf.ts', line: 1, column: 73, messageId: 'insert' }],
    },
    {
      name: 'the deleted row is of another model: the create still adds a row on a retry',
      files: {
        'update-member.ts': `export const updateTeamMemberRoute = authenticatedProcedure.input(schema).mutation(async ({ input }) => {
  await prisma.$transaction(async (tx) => {
    await tx.pendingInvite.delete({ where: { id: input.inviteId } });
    await tx.organisationGroupMember.create({ data: { groupId: input.groupId, organisationMemberId: input.memberId } });
  });
});
`,
      },
      errors: [{ file: 'update-member.ts', line: 1, column: 75, messageId: 'insert' }],
    },
  ],
});

table('non-idempotent-handler: computed duplicate flags', {
  valid: [
    {
      name: 'a history row is created only when the request is not a repeat of the last one (isDuplicate)',
      files: {
        'route.ts': `export async function POST(request: Request) {
  const body = await request.json();
  const last = await prisma.customerQuery.findFirst({ where: { userId: body.userId }, orderBy: { createdAt: 'desc' } });
  const isDuplicate = last && last.query === body.query;
  if (isDuplicate && last) {
    return Response.json({ id: last.id });
  } else {
    const created = await prisma.customerQuery.create({ data: { query: body.query, userId: body.userId } });
    return Response.json({ id: created.id });
  }
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a flag computed but not tested: the create runs anyway',
      files: {
        'route.ts': `export async function POST(request: Request) {
  const body = await request.json();
  const last = await prisma.customerQuery.findFirst({ where: { userId: body.userId } });
  const isDuplicate = last && last.query === body.query;
  const created = await prisma.customerQuery.create({ data: { query: body.query, userId: body.userId, isDuplicate } });
  return Response.json({ id: created.id });
}
`,
      },
      errors: [{ file: 'route.ts', line: 1, column: 23, messageId: 'insert' }],
    },
  ],
});

table('non-idempotent-handler: a found row that refuses the work, named by its variable', {
  valid: [
    {
      name: 'sign-up looks the account up through a helper and refuses when the user exists',
      files: {
        'auth.ts': `import { getUserAccount } from './accounts';

export const authRouter = createTRPCRouter({
  signUpEmail: publicProcedure.input(schema).mutation(async ({ input }) => {
    const user = await getUserAccount({ email: input.email, provider: 'email' });
    if (user) {
      throw new TRPCError({ code: 'CONFLICT', message: 'User already exists' });
    }
    return db.user.create({ data: { email: input.email, firstName: input.firstName } });
  }),
});
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the found row is only required to exist (if (!user) throw): no dedup',
      files: {
        'auth.ts': `import { getUserAccount } from './accounts';

export const projectRouter = createTRPCRouter({
  create: publicProcedure.input(schema).mutation(async ({ input }) => {
    const user = await getUserAccount({ email: input.email, provider: 'email' });
    if (!user) {
      throw new TRPCError({ code: 'NOT_FOUND' });
    }
    return db.user.create({ data: { email: input.email, invitedBy: user.id } });
  }),
});
`,
      },
      errors: [{ file: 'auth.ts', line: 4, column: 41, messageId: 'insert' }],
    },
    {
      name: 'the refusing lookup names another model than the one created',
      files: {
        'auth.ts': `import { getProjectByName } from './projects';

export const projectRouter = createTRPCRouter({
  create: publicProcedure.input(schema).mutation(async ({ input }) => {
    const team = await getProjectByName(input.name);
    if (team) throw new TRPCError({ code: 'CONFLICT' });
    return db.invoice.create({ data: { name: input.name } });
  }),
});
`,
      },
      errors: [{ file: 'auth.ts', line: 4, column: 41, messageId: 'insert' }],
    },
  ],
});

table('non-idempotent-handler: job functions configured never to retry', {
  valid: [
    {
      name: 'an Inngest function with retries: 0 is never run again after a failure',
      files: {
        'inngest.ts': `import { Inngest } from 'inngest';
const inngest = new Inngest({ id: 'app' });

export const deploy = inngest.createFunction(
  { id: 'deploy-application', retries: 0 },
  { event: 'deployment/requested' },
  async ({ event }) => {
    await db.insert(deployments).values({ applicationId: event.data.applicationId });
  },
);
`,
      },
    },
  ],
  invalid: [
    {
      name: 'an Inngest function with retries: 3',
      files: {
        'inngest.ts': `import { Inngest } from 'inngest';
const inngest = new Inngest({ id: 'app' });

export const deploy = inngest.createFunction(
  { id: 'deploy-application', retries: 3 },
  { event: 'deployment/requested' },
  async ({ event }) => {
    await db.insert(deployments).values({ applicationId: event.data.applicationId });
  },
);
`,
      },
      errors: [{ file: 'inngest.ts', line: 4, column: 23, messageId: 'insert' }],
    },
  ],
});

const PRISMA_ROUTER = `export const llmApiKeyRouter = createTRPCRouter({
  create: protectedProjectProcedure.input(schema).mutation(async ({ ctx, input }) => {
    return ctx.prisma.llmApiKeys.create({ data: { projectId: input.projectId, provider: input.provider, secretKey: input.secretKey, name: input.name, ownerId: ctx.session.user.id } });
  }),
});
`;
const prismaProject = (model: string) => ({
  'package.json': JSON.stringify({ name: 'web', private: true }),
  'prisma/schema.prisma': `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model LlmApiKeys {
  id        String   @id @default(cuid())
  createdAt DateTime @default(now())
  projectId String
  provider  String
  secretKey String
${model}
}
`,
  'router.ts': PRISMA_ROUTER,
});

table('non-idempotent-handler: unique natural keys in the Prisma schema of the project', {
  valid: [
    { name: '@@unique([projectId, provider])', files: prismaProject('  @@unique([projectId, provider])') },
    { name: '@@unique(fields: [projectId, provider], name: "x")', files: prismaProject('  @@unique(fields: [projectId, provider], name: "project_provider")') },
    { name: 'a field @unique without a default', files: prismaProject('  name String @unique') },
    { name: 'a unique foreign key (one row per project)', files: prismaProject('  project Project @relation(fields: [projectId], references: [id])\n  @@unique([projectId])') },
    { name: 'a unique foreign key column', files: prismaProject('  ownerId String @unique\n  owner User @relation(fields: [ownerId], references: [id])') },
  ],
  invalid: [
    {
      name: 'no unique key: a retried create adds a second key',
      files: prismaProject('  @@index([projectId])'),
      errors: [{ file: 'router.ts', line: 2, column: 51, messageId: 'insert' }],
    },
    {
      name: 'a @unique field with a generated default',
      files: prismaProject('  token String @unique @default(cuid())'),
      errors: [{ file: 'router.ts', line: 2, column: 51, messageId: 'insert' }],
    },
    {
      name: 'a unique key with a nullable field (NULLs are distinct: no duplicate is stopped)',
      files: prismaProject('  orgId String?\n  @@unique([orgId, provider])'),
      errors: [{ file: 'router.ts', line: 2, column: 51, messageId: 'insert' }],
    },
    {
      name: 'a lone unique key column (publicKey: a generated value)',
      files: prismaProject('  publicKey String @unique'),
      errors: [{ file: 'router.ts', line: 2, column: 51, messageId: 'insert' }],
    },
    {
      name: 'a lone unique xId column that is no foreign key (friendlyId: a generated id)',
      files: prismaProject('  friendlyId String @unique @map("friendly_id")'),
      errors: [{ file: 'router.ts', line: 2, column: 51, messageId: 'insert' }],
    },
    {
      name: 'a unique key with the id in it',
      files: prismaProject('  @@unique([id, projectId])'),
      errors: [{ file: 'router.ts', line: 2, column: 51, messageId: 'insert' }],
    },
  ],
});

const TRIGGER_WEBHOOK = `import { jobs } from './jobs';

export async function triggerWebhook({ event, data, teamId }) {
  await jobs.triggerJob({ name: 'internal.execute-webhook', payload: { event, data, teamId } });
}
`;

table('non-idempotent-handler: updates re-announce the state they set', {
  valid: [
    {
      name: 'an update mutation triggers a DOCUMENT_UPDATED webhook job through a helper',
      files: {
        'trigger-webhook.ts': TRIGGER_WEBHOOK,
        'update-document.ts': `import { triggerWebhook } from './trigger-webhook';

export const updateDocumentRoute = authenticatedProcedure.input(schema).mutation(async ({ input, ctx }) => {
  const envelope = await prisma.envelope.update({ where: { id: input.documentId }, data: { title: input.title } });
  await triggerWebhook({ event: 'DOCUMENT_UPDATED', data: envelope, teamId: ctx.teamId });
  return envelope;
});
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a create mutation that triggers the webhook job',
      files: {
        'trigger-webhook.ts': TRIGGER_WEBHOOK,
        'send-document.ts': `import { triggerWebhook } from './trigger-webhook';

export const sendDocumentRoute = authenticatedProcedure.input(schema).mutation(async ({ input, ctx }) => {
  await triggerWebhook({ event: 'DOCUMENT_SENT', data: input, teamId: ctx.teamId });
});
`,
      },
      errors: [{ file: 'send-document.ts', line: 3, column: 71, messageId: 'publish', related: ['trigger-webhook.ts:4'] }],
    },
    {
      name: 'an update mutation that also inserts a row: the row counts',
      files: {
        'update-document.ts': `export const updateDocumentRoute = authenticatedProcedure.input(schema).mutation(async ({ input }) => {
  await prisma.documentVersion.create({ data: { documentId: input.documentId, title: input.title } });
});
`,
      },
      errors: [{ file: 'update-document.ts', line: 1, column: 73, messageId: 'insert' }],
    },
  ],
});

table('non-idempotent-handler: hand-written upserts with statements before the create', {
  valid: [
    {
      name: 'found row updated, else a fresh id generated (destructured) and the row created',
      files: {
        'sync.ts': `export async function POST(request: Request) {
  const wh = await request.json();
  const existing = await prisma.webhookEndpoint.findMany({ where: { projectId: wh.projectId } });
  const found = existing.find((e) => e.handlerWebhookId === wh.id);
  if (found) {
    await prisma.webhookEndpoint.update({ where: { id: found.id }, data: { source: wh.source } });
  } else {
    const { id, friendlyId } = generateEndpointId();
    await prisma.webhookEndpoint.create({ data: { id, friendlyId, handlerWebhookId: wh.id, source: wh.source } });
  }
  return Response.json({ ok: true });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the else branch creates another model',
      files: {
        'sync.ts': `export async function POST(request: Request) {
  const wh = await request.json();
  const existing = await prisma.webhookEndpoint.findMany({ where: { projectId: wh.projectId } });
  const found = existing.find((e) => e.handlerWebhookId === wh.id);
  if (found) {
    await prisma.webhookEndpoint.update({ where: { id: found.id }, data: { source: wh.source } });
  } else {
    const { id, friendlyId } = generateEndpointId();
    await prisma.webhookDelivery.create({ data: { id, friendlyId, handlerWebhookId: wh.id, source: wh.source } });
  }
  return Response.json({ ok: true });
}
`,
      },
      errors: [{ file: 'sync.ts', line: 1, column: 23, messageId: 'insert' }],
    },
  ],
});

table('non-idempotent-handler: ids from uniqid are generated, not taken from the input', {
  valid: [
    {
      name: 'an id from the request body converges on the primary key',
      files: {
        'ideas.ts': `import express from 'express';
import { IdeaModel } from './models/IdeaModel';

const app = express();
app.post('/ideas', async (req, res) => {
  const idea = await IdeaModel.create({ ...req.body, id: req.body.id });
  res.json(idea);
});
`,
      },
    },
  ],
  invalid: [
    {
      name: 'id: uniqid("idea_") is fresh on every call',
      files: {
        'ideas.ts': `import express from 'express';
import uniqid from 'uniqid';
import { IdeaModel } from './models/IdeaModel';

const app = express();
app.post('/ideas', async (req, res) => {
  const idea = await IdeaModel.create({ ...req.body, id: uniqid('idea_') });
  res.json(idea);
});
`,
      },
      errors: [{ file: 'ideas.ts', line: 6, column: 1, messageId: 'insert' }],
    },
  ],
});

table('non-idempotent-handler: a taken key that makes the code create under another key is no dedup', {
  valid: [
    {
      name: 'a taken slug refuses the create',
      files: {
        'orgs.ts': `export async function createOrganization(title, userId) {
  const orgWithSameSlug = await prisma.organization.findFirst({ where: { slug: slugify(title) } });
  if (orgWithSameSlug) {
    return orgWithSameSlug;
  }
  return prisma.organization.create({ data: { title, slug: slugify(title), members: { create: { userId } } } });
}
`,
        'routes/orgs.new.tsx': `import { createOrganization } from '../orgs';

export const action = async ({ request }) => {
  const form = await request.formData();
  return createOrganization(form.get('title'), form.get('userId'));
};
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a taken slug makes it call itself with a new random suffix: a retry creates a second organization',
      files: {
        'orgs.ts': `export async function createOrganization(title, userId, attempt = 0) {
  const slug = attempt ? slugify(title) + '-' + nanoid(4) : slugify(title);
  const orgWithSameSlug = await prisma.organization.findFirst({ where: { slug } });
  if (orgWithSameSlug) {
    return createOrganization(title, userId, attempt + 1);
  }
  return prisma.organization.create({ data: { title, slug, members: { create: { userId } } } });
}
`,
        'routes/orgs.new.tsx': `import { createOrganization } from '../orgs';

export const action = async ({ request }) => {
  const form = await request.formData();
  return createOrganization(form.get('title'), form.get('userId'));
};
`,
      },
      errors: [{ file: 'routes/orgs.new.tsx', line: 3, column: 14, messageId: 'insert', related: ['orgs.ts:7'] }],
    },
  ],
});

const runsProject = (body: string) => ({
  'package.json': JSON.stringify({ name: 'web', private: true }),
  'prisma/schema.prisma': `model DatasetRuns {
  id        String @id @default(cuid())
  datasetId String
  projectId String
  name      String
  @@unique([datasetId, projectId, name])
}
`,
  'queue.ts': `import { Queue } from 'bullmq';
export const experimentQueue = new Queue('experiments');
`,
  'router.ts': `import { experimentQueue } from './queue';

export const experimentsRouter = createTRPCRouter({
  createExperiment: protectedProjectProcedure.input(schema).mutation(async ({ ctx, input }) => {
${body}
  }),
});
`,
});

table('non-idempotent-handler: a unique insert that fails on a retry stops what runs after it', {
  valid: [
    {
      name: 'the run row (unique on dataset, project, name) is inserted before the experiment is queued',
      files: runsProject(`    const run = await ctx.prisma.datasetRuns.create({ data: { datasetId: input.datasetId, projectId: input.projectId, name: input.runName } });
    await experimentQueue.add('experiment', { runId: run.id });
    return run;`),
    },
  ],
  invalid: [
    {
      name: 'the experiment is queued before the unique insert',
      files: runsProject(`    await experimentQueue.add('experiment', { runName: input.runName });
    return ctx.prisma.datasetRuns.create({ data: { datasetId: input.datasetId, projectId: input.projectId, name: input.runName } });`),
      errors: [{ file: 'router.ts', line: 4, column: 61, messageId: 'publish', related: ['router.ts:5'] }],
    },
    {
      name: 'a unique insert a guard already covers (get-or-create) does not throw on a retry, so it stops nothing',
      files: {
        ...runsProject(`    await prepareRun(ctx.prisma, input);
    await experimentQueue.add('experiment', { runName: input.runName });`),
        'router.ts': runsProject(`    await prepareRun(ctx.prisma, input);
    await experimentQueue.add('experiment', { runName: input.runName });`)['router.ts'].replace(`import { experimentQueue } from './queue';`, `import { experimentQueue } from './queue';
import { prepareRun } from './runs';`),
        'runs.ts': `export async function prepareRun(prisma, input) {
  const found = await prisma.datasetRuns.findFirst({ where: { datasetId: input.datasetId, name: input.runName } });
  if (found) return found;
  return prisma.datasetRuns.create({ data: { datasetId: input.datasetId, projectId: input.projectId, name: input.runName } });
}
`,
      },
      errors: [{ file: 'router.ts', line: 5, column: 61, messageId: 'publish', related: ['router.ts:7'] }],
    },
  ],
});
