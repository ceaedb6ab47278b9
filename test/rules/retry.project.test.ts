/**
 * The retry family across files (RULES v2 "The project-wide view"): sleeps and delay helpers in other modules,
 * job-queue options whose library version comes from package.json, options constants declared in another module.
 * Every fixture is a temp project analysed by the CLI's pipeline (`analyzeProject`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { analyzeProject } from '../../src/project/analyze';
import { defaultConfig } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { tempProject } from '../helpers/temp-project';
import type { Finding } from '../../src/core/types';

const RETRY = ['retry-without-backoff', 'retry-without-jitter'];

async function run(files: Record<string, string>) {
  const dir = tempProject(files, 'il-retry-');
  const list = Object.keys(files).filter(f => /\.[cm]?[jt]sx?$/.test(f)).map(f => path.join(dir, f));
  const r = await analyzeProject(list, { config: defaultConfig(dir), rules: allRules });
  const out: (Pick<Finding, 'ruleId' | 'messageId' | 'message'> & { file: string; line: number; column: number; related: string[]; fixes: string[] })[] = [];
  for (const f of r.files) for (const x of f.findings) {
    if (!RETRY.includes(x.ruleId)) continue;
    out.push({ file: path.relative(dir, f.file), line: x.startPos.line + 1, column: x.startPos.column + 1, ruleId: x.ruleId, messageId: x.messageId, message: x.message,
      related: (x.related ?? []).map(y => `${path.relative(dir, y.file)}:${y.startPos.line + 1}:${y.startPos.column + 1}`), fixes: x.fixes.map(y => y.title) });
  }
  return out;
}

const loop = (call: string, imports: string) => `${imports}
export async function send(payload: unknown) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await post(payload);
    } catch (err) {
      ${call};
    }
  }
}
`;

test('a sleep helper in another file that sleeps for its parameter: the argument decides (constant -> backoff, on the loop keyword)', async () => {
  const found = await run({
    'src/retry.ts': loop('await pauseFor(1000)', "import { pauseFor } from './util/timing';\nimport { post } from './api';"),
    'src/util/timing.ts': `export function pauseFor(ms: number) { return new Promise((resolve) => setTimeout(resolve, ms)); }\n`,
    'src/api.ts': `export async function post(p: unknown) { return p; }\n`,
  });
  assert.deepEqual(found.map(f => [f.file, f.line, f.column, f.ruleId, f.messageId, f.related]),
    [['src/retry.ts', 4, 3, 'retry-without-backoff', 'constantDelay', ['src/retry.ts:8:13']]]);
});

test('the same helper given a growing argument: jitter; with Math.random(): silent', async () => {
  const files = (arg: string) => ({
    'src/retry.ts': loop(`await pauseFor(${arg})`, "import { pauseFor } from './util/timing';\nimport { post } from './api';"),
    'src/util/timing.ts': `export const pauseFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));\n`,
    'src/api.ts': `export async function post(p: unknown) { return p; }\n`,
  });
  assert.deepEqual((await run(files('250 * 2 ** attempt'))).map(f => [f.line, f.ruleId, f.messageId]), [[4, 'retry-without-jitter', 'noJitter']]);
  assert.deepEqual(await run(files('Math.random() * 250 * 2 ** attempt')), []);
});

test('a helper in another file that does not sleep: unknown, silent; an unresolvable import: silent', async () => {
  const notSleep = await run({
    'src/retry.ts': loop('await report(err)', "import { report } from './util/report';\nimport { post } from './api';"),
    'src/util/report.ts': `export async function report(e: unknown) { console.error(e); }\n`,
    'src/api.ts': `export async function post(p: unknown) { return p; }\n`,
  });
  assert.deepEqual(notSleep, []);
  const external = await run({ 'src/retry.ts': loop('await backoffFor(attempt)', "import { backoffFor } from 'some-package';\nimport { post } from './api';"), 'src/api.ts': `export async function post(p: unknown) { return p; }\n` });
  assert.deepEqual(external, []);
});

test('a delay helper in another file: "returns a growing delay" (jitter), "returns a jittered delay" (silent), "returns a constant" (backoff)', async () => {
  const files = (body: string) => ({
    'src/retry.ts': loop('await sleep(computeBackoff(attempt))', "import { computeBackoff } from './backoff';\nimport { post } from './api';\nimport { sleep } from './sleep';"),
    'src/backoff.ts': `export function computeBackoff(attempt: number) {\n  ${body}\n}\n`,
    'src/sleep.ts': `export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));\n`,
    'src/api.ts': `export async function post(p: unknown) { return p; }\n`,
  });
  const grows = await run(files('return Math.min(30_000, 100 * 2 ** attempt);'));
  assert.deepEqual(grows.map(f => [f.file, f.line, f.ruleId, f.messageId, f.related]), [['src/retry.ts', 5, 'retry-without-jitter', 'noJitter', ['src/retry.ts:9:19']]]);
  assert.deepEqual(await run(files('return Math.random() * Math.min(30_000, 100 * 2 ** attempt);')), []);
  const constant = await run(files('return 500;'));
  assert.deepEqual(constant.map(f => [f.line, f.ruleId, f.messageId]), [[5, 'retry-without-backoff', 'constantDelay']]);
});

test('BullMQ job options: the installed major decides the message and the fix (no jitter option before 5.54)', async () => {
  const opts = `export const jobOptions = {\n  attempts: 5,\n  backoff: { type: 'exponential', delay: 5000 },\n};\n`;
  const old = await run({ 'package.json': JSON.stringify({ dependencies: { bullmq: '^3.10.2' } }), 'src/jobs/options.ts': opts });
  assert.deepEqual(old.map(f => [f.file, f.line, f.column, f.ruleId, f.messageId, f.fixes]), [['src/jobs/options.ts', 3, 3, 'retry-without-jitter', 'queueNoJitter', []]]);
  assert.match(old[0].message, /BullMQ \^3\.10\.2 has no `jitter` option, added in 5\.54/);
  const recent = await run({ 'package.json': JSON.stringify({ dependencies: { bullmq: '^5.76.3' } }), 'src/jobs/options.ts': opts });
  assert.deepEqual(recent.map(f => [f.line, f.ruleId, f.fixes]), [[3, 'retry-without-jitter', ['Add `jitter: 1` (full jitter, BullMQ ≥ 5.54)']]]);
  assert.match(recent[0].message, /`backoff.jitter` defaults to 0/);
  const bull = await run({ 'package.json': JSON.stringify({ dependencies: { bull: '^4.2.1' } }), 'src/jobs/options.ts': opts });
  assert.deepEqual(bull.map(f => [f.line, f.ruleId, f.fixes]), [[3, 'retry-without-jitter', []]]);
  assert.match(bull[0].message, /^Bull retries.*Bull has no jitter option/);
});

test('a workspace package inherits the root declaration; its own declaration wins', async () => {
  const opts = `export const jobOptions = { attempts: 3, backoff: { type: 'fixed', delay: 1000 } };\n`;
  const found = await run({
    'package.json': JSON.stringify({ workspaces: ['packages/*'], dependencies: { bullmq: '5.13.0' } }),
    'packages/a/package.json': JSON.stringify({ name: 'a' }),
    'packages/a/src/o.ts': opts,
    'packages/b/package.json': JSON.stringify({ name: 'b', dependencies: { bullmq: '^5.60.0' } }),
    'packages/b/src/o.ts': opts,
  });
  assert.deepEqual(found.map(f => [f.file, f.ruleId, f.messageId, f.fixes.length]), [
    ['packages/a/src/o.ts', 'retry-without-backoff', 'queueConstant', 0],
    ['packages/b/src/o.ts', 'retry-without-backoff', 'queueConstant', 1],
  ]);
});

test('a jitter-off config exported from one module and used by a home-grown helper in another: reported where it is declared', async () => {
  const found = await run({
    'src/config/retry.ts': `export const defaultRetryOptions = {\n  maxAttempts: 3,\n  factor: 2,\n  minTimeoutInMs: 1000,\n  maxTimeoutInMs: 60_000,\n  randomize: false,\n};\n`,
    'src/client.ts': `import { defaultRetryOptions } from './config/retry';\nimport { withRetry } from './retry';\nexport const get = (url: string) => withRetry(() => fetch(url), defaultRetryOptions);\n`,
    'src/retry.ts': `export async function withRetry<T>(fn: () => Promise<T>, opts: { maxAttempts: number }) {\n  return fn();\n}\n`,
  });
  assert.deepEqual(found.map(f => [f.file, f.line, f.column, f.ruleId, f.messageId, f.fixes]),
    [['src/config/retry.ts', 6, 3, 'retry-without-jitter', 'configNoJitter', ['Set `randomize: true`']]]);
});

test('a retry loop whose delay comes from a defaults object in another module spread into a local: a configuration value is constant', async () => {
  const found = await run({
    'src/defaults.ts': `export const RETRY_DEFAULTS = { maxRetries: 3, delayMs: 500 };\n`,
    'src/run.ts': `import { RETRY_DEFAULTS } from './defaults';\nexport async function run<T>(op: () => Promise<T>, opts: Partial<typeof RETRY_DEFAULTS> = {}) {\n  const cfg = { ...RETRY_DEFAULTS, ...opts };\n  for (let attempt = 0; attempt <= cfg.maxRetries; attempt++) {\n    try {\n      return await op();\n    } catch (e) {\n      if (attempt === cfg.maxRetries) throw e;\n      await new Promise((r) => setTimeout(r, cfg.delayMs));\n    }\n  }\n}\n`,
  });
  assert.deepEqual(found.map(f => [f.file, f.line, f.column, f.ruleId, f.messageId, f.related]),
    [['src/run.ts', 4, 3, 'retry-without-backoff', 'constantDelay', ['src/run.ts:9:46']]]);
  assert.doesNotMatch(found[0].message, /forever/);
});
