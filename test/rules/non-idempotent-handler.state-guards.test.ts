/**
 * non-idempotent-handler: guards found from tuning-half false positives (test/ecosystem/labels.jsonl, family handlers,
 * tuning repositories only), each with the unguarded form still flagged:
 * - a state re-check whose block logs before it returns (`if (d.status === 'DEPLOYED') { logger.debug(...); return d; }`);
 * - an enqueue whose job envelope carries a deterministic id (`enqueue({ id: \`converge:${orgId}\`, job, payload })`);
 * - a get-or-update through bare service functions (`const existing = await findPatchByPath(...); if (existing) return
 *   updatePatch(...); return createPatch(...)`);
 * - an existence check on a model whose name is a generic suffix (Langfuse's `tx.model`);
 * - a hand-written upsert: update the found row, else create it (GrowthBook's AI prompts).
 */
import { ruleTester } from '../helpers/rule-tester';

const ID = 'non-idempotent-handler';

const FINALIZE = (check: string) => `app.post('/deployments/:id/finalize', async (req, res) => {
  const deployment = await prisma.deployment.findFirst({ where: { id: req.params.id } });
  if (!deployment) return res.sendStatus(404);
${check}
  await prisma.deployment.update({ where: { id: deployment.id }, data: { status: 'DEPLOYED' } });
  await alertsQueue.add('deployment.alert', { deploymentId: deployment.id });
  res.json(deployment);
});`;

const ENQUEUE = (id: string) => `app.post('/orgs/:orgId/billing-limit/reject', async (req, res) => {
  await worker.enqueue({
${id}    job: 'billingLimit.converge',
    payload: { orgId: req.params.orgId },
  });
  res.sendStatus(202);
});`;

const PATCHES = (lookup: string) => `async function findPatchByPath(path, entityId) {
  return db.query.patch.findFirst({ where: and(eq(patch.path, path), eq(patch.entityId, entityId)) });
}
async function updatePatch(id, data) {
  return db.update(patch).set(data).where(eq(patch.id, id));
}
async function createPatch(input) {
  return db.insert(patch).values(input).returning();
}
async function markPatchForReview(path, entityId) {
${lookup}
  return createPatch({ path, entityId, type: 'review' });
}
app.post('/patches/review', async (req, res) => {
  res.json(await markPatchForReview(req.body.path, req.body.entityId));
});`;

const MODELS = (check: string) => `app.post('/models', async (req, res) => {
  const model = await prisma.$transaction(async (tx) => {
${check}
    return tx.model.create({ data: { projectId: req.body.projectId, modelName: req.body.modelName } });
  });
  res.json(model);
});`;

const PROMPTS = (branch: string) => `app.post('/ai/prompts', async (req, res) => {
  const current = await context.models.aiPrompts.getAll();
  await Promise.all(req.body.prompts.map(async ({ type, prompt }) => {
    const existingPrompt = current.find((p) => p.type === type);
${branch}
  }));
  res.json({ status: 200 });
});`;

ruleTester(ID, {
  valid: [
    {
      name: 'state re-check that logs before returning, on a state the handler writes',
      code: FINALIZE(`  if (deployment.status === 'DEPLOYED') {
    logger.debug('Deployment is already deployed', { id: deployment.id });
    return res.json(deployment);
  }`),
    },
    {
      name: 'state re-check that logs twice before throwing',
      code: FINALIZE(`  if (deployment.status !== 'DEPLOYING') {
    console.warn('not deploying');
    this.logger.error('Deployment is not in DEPLOYING status', { id: deployment.id, status: deployment.status });
    throw new ValidationError('Deployment is not in DEPLOYING status');
  }`),
    },
    { name: 'enqueue with a deterministic job id (template of the org id)', code: ENQUEUE('    id: `billingLimit.converge:${req.params.orgId}`,\n') },
    { name: 'enqueue with the caller\'s batch id as the job id', code: ENQUEUE('    id: req.params.batchId,\n') },
    {
      name: 'get-or-update through bare service functions: the lookup gates the create',
      code: PATCHES(`  const existing = await findPatchByPath(path, entityId);
  if (existing) {
    return updatePatch(existing.id, { type: 'review' });
  }`),
    },
    {
      name: 'existence check on a model called `model` before creating it',
      code: MODELS(`    const existingModelName = await tx.model.findFirst({ where: { projectId: req.body.projectId, modelName: req.body.modelName } });
    if (existingModelName) {
      throw new ConflictError('Model name already exists');
    }`),
    },
    {
      name: 'hand-written upsert: update the found row, else create it',
      code: PROMPTS(`    if (existingPrompt) {
      return context.models.aiPrompts.update(existingPrompt, { prompt });
    } else {
      return context.models.aiPrompts.create({ type, prompt });
    }`),
    },
  ],
  invalid: [
    {
      name: 'update the found row and then create one anyway: the create repeats',
      code: PROMPTS(`    if (existingPrompt) {
      await context.models.aiPrompts.update(existingPrompt, { prompt });
    }
    return context.models.aiPrompts.create({ type, prompt });`),
      errors: [{ messageId: 'insert', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    {
      name: 'an else branch that creates a different model than the update',
      code: PROMPTS(`    if (existingPrompt) {
      return context.models.aiPrompts.update(existingPrompt, { prompt });
    } else {
      return context.models.promptDrafts.create({ type, prompt });
    }`),
      errors: [{ messageId: 'insert', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    {
      name: 'a model called `model` created with no existence check',
      code: MODELS(`    await tx.project.findFirstOrThrow({ where: { id: req.body.projectId } });`),
      errors: [{ messageId: 'insert', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    {
      name: 'a log line but no return/throw: the block does not stop the work',
      code: FINALIZE(`  if (deployment.status === 'DEPLOYED') {
    logger.debug('Deployment is already deployed', { id: deployment.id });
  }`),
      errors: [{ messageId: 'publish', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    {
      name: 'a log-and-return on a state the handler does not write is a precondition only',
      code: FINALIZE(`  if (deployment.phase === 'archived') {
    logger.debug('archived');
    return res.sendStatus(409);
  }`).replace("data: { status: 'DEPLOYED' }", "data: { deployedAt: new Date() }"),
      errors: [{ messageId: 'publish', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    { name: 'enqueue with no id', code: ENQUEUE(''), errors: [{ messageId: 'publish', line: 1, column: 1, endLine: 1, endColumn: 9 }] },
    { name: 'enqueue with a random id', code: ENQUEUE('    id: randomUUID(),\n'), errors: [{ messageId: 'publish', line: 1, column: 1, endLine: 1, endColumn: 9 }] },
    { name: 'enqueue with an id held in a random const', code: ENQUEUE('    id: jobRef,\n').replace('async (req, res) => {\n', 'async (req, res) => {\n  const jobRef = nanoid();\n'), errors: [{ messageId: 'publish', line: 1, column: 1, endLine: 1, endColumn: 9 }] },
    {
      name: 'enqueue whose id is built from an id this request just generated',
      code: ENQUEUE('    id: `processBulkAction-${ref.id}`,\n').replace('async (req, res) => {\n', 'async (req, res) => {\n  const ref = BulkActionId.generate();\n'),
      errors: [{ messageId: 'publish', line: 1, column: 1, endLine: 1, endColumn: 9 }],
    },
    {
      name: 'the lookup is only required to exist (a parent), not a dedup: the create still repeats',
      code: PATCHES(`  const entity = await findEntityById(entityId);
  if (!entity) throw new Error('not found');`),
      errors: [{ messageId: 'insert', line: 15, column: 1, endLine: 15, endColumn: 9 }],
    },
  ],
});
