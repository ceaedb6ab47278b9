/**
 * The retry family's RULES v2 classes (issue 15), one table: job-queue configs, options that switch jitter off,
 * got / axios-retry / Effect delay functions, sleeps and delays not recognised before, the textbook loops, and the
 * noise that must stay silent. Positions are exact; every fix is applied, re-parsed and re-analysed (rule tester).
 * Multi-file cases (helpers in other files, installed versions) are in retry.project.test.ts.
 */
import { ruleTester } from '../helpers/rule-tester';

ruleTester(['retry-without-backoff', 'retry-without-jitter'], {
  valid: [
    // ---- job queues
    { name: 'BullMQ: one attempt retries nothing', code: `import { Queue } from 'bullmq';
export const q = new Queue('q', { defaultJobOptions: { attempts: 1, backoff: { type: 'exponential', delay: 1000 } } });` },
    { name: 'BullMQ: exponential backoff with jitter', code: `import { Queue } from 'bullmq';
export const q = new Queue('q', { defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } } });` },
    { name: 'BullMQ: a custom backoff strategy is code judged elsewhere', code: `export const opts = { attempts: 8, backoff: { type: 'jitter' } };` },
    { name: 'queue.add with attempts only: merged with the queue defaults we cannot see', code: `import { Queue } from 'bullmq';
declare const q: Queue;
await q.add('job', {}, { attempts: 3 });` },
    { name: 'job options spread from elsewhere: unknown', code: `export const withDefaults = (o: object) => ({ attempts: 3, ...o });` },
    { name: 'a backoff-named field that is not a job option (no attempts)', code: `export const doc = { strategy: 'backoff', backoff: { initialInterval: 500, maxInterval: 30000, exponent: 1.5 } };` },
    { name: 'digest metadata with a boolean backoff', code: `export const meta = { type: 'regular', backoff: true, backoffAmount: 5 };` },
    { name: 'attempts set at run time with jittered backoff', code: `export const o = { attempts: env.ATTEMPTS, backoff: { type: 'exponential', delay: 5000, jitter: 1 } };` },
    { name: 'an animation config that happens to say exponential is not a backoff', code: `export const easing = { type: 'exponential', delay: 100, duration: 300 };` },
    // ---- options that switch jitter off
    { name: 'randomize: false without backoff-shaped keys', code: `export const o = { retries: 3, randomize: false };` },
    { name: 'randomize: false on a constant schedule (factor 1): not a jitter question', code: `export const o = { retries: 3, factor: 1, minTimeout: 100, randomize: false };` },
    { name: 'randomize: true', code: `export const o = { maxAttempts: 3, factor: 2, minTimeoutInMs: 1000, maxTimeoutInMs: 60000, randomize: true };` },
    { name: 'a zod schema describing retry options is not a config', code: `import { z } from 'zod';
export const RetryOptions = z.object({ factor: z.number().optional(), randomize: z.boolean().optional() });` },
    // ---- got / axios-retry / Effect / ky
    { name: 'got calculateDelay returning got\'s own (jittered) computedValue', code: `import got from 'got';
await got(url, { timeout: { request: 1000 }, retry: { limit: 5, calculateDelay: ({ computedValue }) => computedValue } });` },
    { name: 'got calculateDelay that only stops retries (0)', code: `import got from 'got';
await got(url, { timeout: { request: 1000 }, retry: { limit: 5, calculateDelay: () => 0 } });` },
    { name: 'Effect schedule with Schedule.jittered', code: `import { Effect, Schedule } from 'effect';
export const p = Effect.retry(task, Schedule.exponential('100 millis').pipe(Schedule.jittered, Schedule.compose(Schedule.recurs(5))));` },
    { name: 'ky growing delay: ky\'s own default has no jitter either, RULES leaves ky alone (documented)', code: `import ky from 'ky';
await ky.get(url, { retry: { limit: 4, delay: (n) => 300 * 2 ** n } });` },
    // ---- delays
    { name: 'Retry-After branch beside a jittered fallback', code: `async function f(url) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try { return await fetch(url, { signal: AbortSignal.timeout(1000) }); } catch (e) {
      const d = e.retryAfterMs ?? Math.random() * 100 * 2 ** attempt;
      await sleep(d);
    }
  }
}` },
    { name: 'scheduler.wait with a jittered delay', code: `import { scheduler } from 'node:timers/promises';
async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await scheduler.wait(Math.random() * 1000 * 2 ** i); } } }` },
    // ---- noise: not retries
    { name: 'a loop that re-runs only after a unique-constraint conflict (the data change converges)', code: `async function upsertTag(name) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await db.tag.create({ data: { name } });
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
    }
  }
}` },
    { name: 'a self-call after a duplicate-key error re-reads what the other writer created', code: `async function ensureQueue(name, attempt = 0) {
  if (attempt > 3) throw new Error('giving up');
  try {
    return await prisma.queue.create({ data: { name } });
  } catch (error) {
    if (isUniqueConstraintError(error)) return await ensureQueue(name, attempt + 1);
    throw error;
  }
}` },
    { name: 'batch bisection: the halves are other input', code: `async function flush(rows, depth = 0) {
  try {
    return await store.insertMany(rows);
  } catch (error) {
    if (depth > 8 || rows.length < 2) throw error;
    const middle = Math.floor(rows.length / 2);
    const [left, right] = [rows.slice(0, middle), rows.slice(middle)];
    return [...(await flush(left, depth + 1)), ...(await flush(right, depth + 1))];
  }
}` },
    { name: 'poison-row stripping: the batch changes after each failure', code: `async function insertStripping(rows) {
  const working = rows.slice();
  let guard = 10;
  while (guard-- > 0) {
    try {
      return await insert(working);
    } catch (error) {
      if (!isParseError(error)) throw error;
    }
    const index = badRow(working);
    working[index] = strip(working[index]);
  }
}` },
    { name: 'a colliding slug is regenerated before trying again', code: `async function createLink(url) {
  let slug = randomSlug();
  for (let i = 0; i < 5; i++) {
    try {
      return await links.insert({ url, slug });
    } catch (error) {
      await sleep(10);
      slug = randomSlug();
    }
  }
}` },
    { name: 'readiness poll: a function that waits for a state', code: `async function waitForBridge(url) {
  const startedAt = Date.now();
  while (Date.now() - startedAt < 30_000) {
    try {
      const res = await fetch(url + '/health', { signal: AbortSignal.timeout(1000) });
      if (res.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}` },
    { name: 'device-login approval: authorization_pending is "not yet", not a failure', code: `async function pollToken(code, interval) {
  for (;;) {
    try {
      return await exchange(code);
    } catch (e) {
      if (e.error !== 'authorization_pending') throw e;
      await sleep(interval);
    }
  }
}` },
    { name: 'failover across hosts by the attempt index (recursion)', code: `async function connect(hosts, i = 0) {
  try {
    return await open(hosts[i]);
  } catch (e) {
    if (i + 1 >= hosts.length) throw e;
    return connect(hosts, i + 1);
  }
}` },
    { name: 'failover across hosts by the attempt index (loop, modulo)', code: `async function send(hosts, msg) {
  for (let attempt = 0; attempt < 6; attempt++) {
    try { return await post(hosts[attempt % hosts.length], msg); } catch { await sleep(100); }
  }
}` },
    { name: 'a dispatcher that takes the next queued job is not retrying', code: `function dispatch() {
  const job = queue.shift();
  if (!job) return;
  run(job).catch(() => { job.reject(); dispatch(); });
}` },
    { name: 'a re-call inside a jittered timer: the timer is the delay', code: `class Runner {
  queueExecution(query, timeout = 1000) {
    const jitter = Math.floor(Math.random() * timeout);
    setTimeout(() => {
      this.execute(query).catch(() => this.queueExecution(query, Math.min(timeout * 2, 60_000)));
    }, timeout + jitter);
  }
}` },
    { name: 'a lock API that answers "held" with a value is a poll, not a retry (no failure path)', code: `export async function acquire(lock) {
  for (let i = 0; i < 50; i++) {
    if (await lock.tryAcquire()) return true;
    await sleep(100);
  }
  return false;
}` },
    { name: 'waiting for a lock with SET NX in the loop condition is a poll', code: `export async function withLock(key, fn) {
  while (!(await redis.set(key, '1', 'PX', 10000, 'NX'))) {
    await sleep(50);
  }
  try { await fn(); } finally { await redis.del(key); }
}` },
    { name: 'a stream cursor advanced on success is not a new input', code: `async function read(stream) {
  let lastId = '0';
  let failures = 0;
  while (!stopped) {
    try {
      const batch = await redis.xread('STREAMS', stream, lastId);
      failures = 0;
      for (const [id] of batch) lastId = id;
    } catch (e) {
      failures++;
      if (failures >= 5) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 1000 * failures));
    }
  }
}` },
    // ---- worker loops on a run flag (tuning pass 3): what stays silent
    { name: 'a worker loop that waits on success too: polling', code: `class C {
  async loop() {
    while (this.running) {
      try {
        await this.readNew();
      } catch (error) {
        this.logger.error('failed', { error });
        await sleep(this.errorBackoffMs);
      }
      await sleep(this.pollMs);
    }
  }
}` },
    { name: 'a worker loop whose try hands each received item on: the catch moves to the next item', code: `class C {
  async loop() {
    while (this.running) {
      try {
        const msg = await this.queue.receive();
        await this.handle(msg);
      } catch (error) {
        await sleep(1000);
      }
    }
  }
}` },
    { name: 'a loop not on a run flag', code: `async function loop(items) {
  while (items.length > 0) {
    try {
      await flush(items);
    } catch (error) {
      await sleep(1000);
    }
  }
}` },
    // ---- delays computed from a config (tuning pass 3): what stays silent
    { name: 'a delay computed from a config whose defaults keep jitter on', code: `import { nextRetryDelay } from './retries';
const defaults = { maxAttempts: 3, factor: 2, minTimeoutInMs: 1000, randomize: true };
export async function get(url, opts, attempt = 1) {
  try {
    return await fetch(url);
  } catch (error) {
    const delay = nextRetryDelay({ ...defaults, ...opts.retry }, attempt);
    if (!delay) throw error;
    await new Promise((r) => setTimeout(r, delay));
    return get(url, opts, attempt + 1);
  }
}` },
    { name: 'a jitter-off config with a factor of 1 (constant schedule: not judged as growing here)', code: `import { nextRetryDelay } from './retries';
const defaults = { factor: 1, minTimeoutInMs: 1000, randomize: false };
export async function get(url, attempt = 1) {
  try {
    return await fetch(url);
  } catch (error) {
    const delay = nextRetryDelay(defaults, attempt);
    if (!delay) throw error;
    await new Promise((r) => setTimeout(r, delay));
    return get(url, attempt + 1);
  }
}` },
    // ---- failover over items: silent unless the pause grows
    { name: 'failover to the next host with a constant pause', code: `export async function withFailover(picker, op) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const slot = picker.next();
    try {
      return await op(slot.client);
    } catch (error) {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}` },
  ],
  invalid: [
    // ---- worker loops and failover with growing pauses (tuning pass 3, extended tuning recall sample)
    {
      name: 'a worker loop on a run flag that waits a constant error delay only after a failure (trigger.dev metrics consumer shape)',
      code: `class Consumer {
  async loop() {
    while (this.running) {
      try {
        if (Date.now() - this.lastReclaimAt >= this.reclaimIntervalMs) {
          this.lastReclaimAt = Date.now();
          await this.reclaimStale();
        }
        await this.readNew();
      } catch (error) {
        this.logger.error('consumer loop iteration failed', { error });
        await sleep(this.errorBackoffMs);
      }
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 5, endLine: 3, endColumn: 10 }],
    },
    {
      name: 'failover over a round-robin picker with a delay that doubles per attempt and no jitter (openpanel ClickHouse shape)',
      code: `export async function withRoundRobinRetry(picker, operation, opts = {}) {
  const maxAttempts = opts.maxAttempts ?? 3;
  const baseDelayMs = opts.baseDelayMs ?? 200;
  const maxDelayMs = opts.maxDelayMs ?? 2000;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const slot = picker.next();
    try {
      return await operation(slot.client);
    } catch (error) {
      if (attempt === maxAttempts - 1) break;
      const delay = Math.min(baseDelayMs * 2 ** attempt, maxDelayMs);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 5, column: 3, endLine: 5, endColumn: 6 }],
    },
    {
      name: 'a self-call whose delay is computed from a same-file config with randomize: false, under caller overrides (trigger.dev zod fetch shape)',
      code: `import { calculateNextRetryDelay } from '../utils/retries.js';
const defaultRetryOptions = { maxAttempts: 3, factor: 2, minTimeoutInMs: 1000, maxTimeoutInMs: 60000, randomize: false };
async function fetchWithRetries(url, options, attempt = 1) {
  try {
    const response = await fetch(url);
    if (!response.ok) {
      const r = shouldRetry(response, attempt, options?.retry);
      if (r.retry) {
        await waitForRetry(attempt + 1, r.delay);
        return await fetchWithRetries(url, options, attempt + 1);
      }
      throw new Error('failed');
    }
    return response;
  } catch (error) {
    if (options?.retry) {
      const retry = { ...defaultRetryOptions, ...options.retry };
      const delay = calculateNextRetryDelay(retry, attempt);
      if (delay) {
        await waitForRetry(attempt + 1, delay);
        return await fetchWithRetries(url, options, attempt + 1);
      }
    }
    throw error;
  }
}
async function waitForRetry(attempt, delay) {
  await new Promise((resolve) => setTimeout(resolve, delay));
}`,
      errors: [
        { ruleId: 'retry-without-jitter', messageId: 'configNoJitter', line: 2, column: 103, endLine: 2, endColumn: 119 },
        { ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 21, column: 22, endLine: 21, endColumn: 65 },
      ],
    },
    // ---- job queues (RULES v2): the offending property; BullMQ version unknown here, so the jitter fix is offered
    {
      name: 'BullMQ defaultJobOptions: exponential backoff without jitter -> add jitter: 1',
      code: `import { Queue } from 'bullmq';
export const q = new Queue('ingest', {
  defaultJobOptions: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000 },
  },
});`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 5, column: 5, endLine: 5, endColumn: 50, message: /BullMQ retries failed jobs \(`attempts: 5`\) with exponential backoff but no jitter/ }],
      output: `import { Queue } from 'bullmq';
export const q = new Queue('ingest', {
  defaultJobOptions: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000, jitter: 1 },
  },
});`,
    },
    {
      name: 'queue.add options with a fixed backoff -> exponential with jitter (unsafe)',
      code: `import { Queue } from 'bullmq';
declare const q: Queue;
await q.add('mail', {}, { attempts: 3, backoff: { type: 'fixed', delay: 1000 } });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'queueConstant', line: 3, column: 51, endLine: 3, endColumn: 64 }],
      output: `import { Queue } from 'bullmq';
declare const q: Queue;
await q.add('mail', {}, { attempts: 3, backoff: { type: 'exponential', delay: 1000, jitter: 1 } });`,
    },
    {
      name: 'a plain number backoff is a fixed delay',
      code: `import { Queue } from 'bullmq';
declare const q: Queue;
await q.add('mail', {}, { attempts: 3, backoff: 2000 });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'queueConstant', line: 3, column: 40, endLine: 3, endColumn: 53 }],
      output: `import { Queue } from 'bullmq';
declare const q: Queue;
await q.add('mail', {}, { attempts: 3, backoff: { type: 'exponential', delay: 2000, jitter: 1 } });`,
    },
    {
      name: 'defaultJobOptions with attempts and no backoff: retried immediately, on the attempts property',
      code: `import { Queue } from 'bullmq';
export const q = new Queue('q', { defaultJobOptions: { attempts: 3, removeOnComplete: true } });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'queueNoDelay', line: 2, column: 56, endLine: 2, endColumn: 67 }],
      output: `import { Queue } from 'bullmq';
export const q = new Queue('q', { defaultJobOptions: { attempts: 3, removeOnComplete: true, backoff: { type: 'exponential', delay: 1000, jitter: 1 } } });`,
    },
    {
      name: 'BullMQ jitter: 0 turns jitter off -> 1 (safe)',
      code: `export const JOB_OPTIONS = { attempts: 4, backoff: { type: 'exponential', delay: 100, jitter: 0 } };`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 1, column: 87, endLine: 1, endColumn: 96 }],
      output: `export const JOB_OPTIONS = { attempts: 4, backoff: { type: 'exponential', delay: 100, jitter: 1 } };`,
    },
    {
      name: 'Bull has no jitter option: reported, no fix',
      code: `import Queue from 'bull';
export const q = new Queue('q', { defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 } } });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 2, column: 69, endLine: 2, endColumn: 114, message: /^Bull retries .*Bull has no jitter option/ }],
      output: null,
    },
    {
      name: 'an exported JobsOptions constant in a module that imports no queue library (shape: attempts + backoff type)',
      code: `export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 30_000 },
};`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 3, column: 3, endLine: 3, endColumn: 50, message: /^The job queue retries/ }],
    },
    {
      name: 'bee-queue deterministic strategies',
      code: `import Queue from 'bee-queue';
const q = new Queue('q');
q.createJob({}).retries(3).backoff('fixed', 1000).save();
q.createJob({}).retries(3).backoff('exponential', 1000).save();`,
      errors: [
        { ruleId: 'retry-without-backoff', messageId: 'queueConstant', line: 3, column: 1, endLine: 3, endColumn: 50 },
        { ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 4, column: 1, endLine: 4, endColumn: 56 },
      ],
      output: null,
    },
    {
      name: 'job options without attempts (set by the queue defaults), a shorthand backoff constant, a backoff strategy result',
      code: `import { Queue } from 'bullmq';
declare const q: Queue;
const backoff = { type: 'exponential', delay: 2000 };
await q.add('a', {}, { backoff: { type: 'exponential', delay: 1000 } });
await q.add('b', {}, { attempts: 4, backoff });
export const plugin = { setBackoff: () => ({ type: 'exponential', delay: 10_000 }) };`,
      errors: [
        { ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 4, column: 24, endLine: 4, endColumn: 69 },
        { ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 5, column: 37, endLine: 5, endColumn: 44 },
        { ruleId: 'retry-without-jitter', messageId: 'queueNoJitter', line: 6, column: 44, endLine: 6, endColumn: 82 },
      ],
      output: `import { Queue } from 'bullmq';
declare const q: Queue;
const backoff = { type: 'exponential', delay: 2000, jitter: 1 };
await q.add('a', {}, { backoff: { type: 'exponential', delay: 1000, jitter: 1 } });
await q.add('b', {}, { attempts: 4, backoff });
export const plugin = { setBackoff: () => ({ type: 'exponential', delay: 10_000, jitter: 1 }) };`,
    },
    // ---- options that switch jitter off, wherever declared
    {
      name: 'a home-grown retry helper\'s defaults with randomize: false',
      code: `export const defaultRetryOptions = {
  maxAttempts: 3,
  factor: 2,
  minTimeoutInMs: 1000,
  maxTimeoutInMs: 60000,
  randomize: false,
};`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'configNoJitter', line: 6, column: 3, endLine: 6, endColumn: 19 }],
      output: `export const defaultRetryOptions = {
  maxAttempts: 3,
  factor: 2,
  minTimeoutInMs: 1000,
  maxTimeoutInMs: 60000,
  randomize: true,
};`,
    },
    {
      name: 'jitter: false and jitter: \'none\' in call arguments',
      code: `await withRetry(task, { retries: 5, minTimeout: 100, jitter: false });
await withRetry(task, { multiplier: 2, initialDelay: 100, jitter: 'none' });`,
      errors: [
        { ruleId: 'retry-without-jitter', messageId: 'configNoJitter', line: 1, column: 54, endLine: 1, endColumn: 67 },
        { ruleId: 'retry-without-jitter', messageId: 'configNoJitter', line: 2, column: 59, endLine: 2, endColumn: 73 },
      ],
      output: `await withRetry(task, { retries: 5, minTimeout: 100, jitter: true });
await withRetry(task, { multiplier: 2, initialDelay: 100, jitter: 'full' });`,
    },
    {
      name: 'p-retry randomize: false is reported once (by the library check)',
      code: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5, factor: 2, randomize: false });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 44, endLine: 2, endColumn: 60 }],
    },
    {
      name: 'ky: jitter switched off beside backoffLimit is reported like any jitter-off config (ky default itself is not)',
      code: `import ky from 'ky';
export const api = ky.create({ retry: { limit: 4, backoffLimit: 10_000, jitter: false } });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'configNoJitter', line: 2, column: 73, endLine: 2, endColumn: 86 }],
      output: `import ky from 'ky';
export const api = ky.create({ retry: { limit: 4, backoffLimit: 10_000, jitter: true } });`,
    },
    {
      name: 'ky: backoffLimit 0 with jitter: false is one backoff finding (no delay), not a jitter one',
      code: `import ky from 'ky';
export const api = ky.create({ retry: { limit: 5, backoffLimit: 0, jitter: false } });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 51, endLine: 2, endColumn: 66 }],
    },
    // ---- got / axios-retry / Effect
    {
      name: 'got calculateDelay that grows with no randomness replaces got\'s jittered default',
      code: `import got from 'got';
await got(url, { timeout: { request: 1000 }, retry: { limit: 5, calculateDelay: ({ attemptCount }) => 1000 * 2 ** attemptCount } });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 103, endLine: 2, endColumn: 127 }],
      output: `import got from 'got';
await got(url, { timeout: { request: 1000 }, retry: { limit: 5, calculateDelay: ({ attemptCount }) => Math.random() * 1000 * 2 ** attemptCount } });`,
    },
    {
      name: 'got calculateDelay that returns a constant (or stops)',
      code: `import got from 'got';
await got(url, { timeout: { request: 1000 }, retry: { limit: 5, calculateDelay: ({ attemptCount }) => (attemptCount > 3 ? 0 : 500) } });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 81, endLine: 2, endColumn: 131 }],
    },
    {
      name: 'axios-retry retryDelay method shorthand through a same-file helper (linear growth)',
      code: `import axiosRetry from 'axios-retry';
function backoff(n: number) { const d = n * 2; return d > 30 ? 30 : d; }
axiosRetry(client, {
  retries,
  retryDelay(retryCount) {
    return backoff(retryCount) * 1000;
  },
});`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 6, column: 12, endLine: 6, endColumn: 38 }],
      output: `import axiosRetry from 'axios-retry';
function backoff(n: number) { const d = n * 2; return d > 30 ? 30 : d; }
axiosRetry(client, {
  retries,
  retryDelay(retryCount) {
    return Math.random() * backoff(retryCount) * 1000;
  },
});`,
    },
    {
      name: 'Effect.retry with Schedule.exponential and no Schedule.jittered',
      code: `import { Effect, Schedule, Duration } from 'effect';
export const p = task.pipe(Effect.retry(Schedule.exponential(Duration.millis(100), 1.4)));`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 41, endLine: 2, endColumn: 88 }],
      output: `import { Effect, Schedule, Duration } from 'effect';
export const p = task.pipe(Effect.retry(Schedule.exponential(Duration.millis(100), 1.4).pipe(Schedule.jittered)));`,
    },
    {
      name: 'Effect.retry with times and no schedule retries at once; Schedule.spaced is constant',
      code: `import { Effect, Schedule } from 'effect';
export const a = Effect.retry(task, { times: 3 });
export const b = Effect.retry(task, Schedule.spaced('1 second'));`,
      errors: [
        { ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 18, endLine: 2, endColumn: 30 },
        { ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 3, column: 37, endLine: 3, endColumn: 64 },
      ],
    },
    // ---- sleeps and delays
    {
      name: 'scheduler.wait from timers/promises with a constant',
      code: `import { scheduler } from 'node:timers/promises';
async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await scheduler.wait(1000); } } }`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 22, endLine: 2, endColumn: 25 }],
      output: `import { scheduler } from 'node:timers/promises';
async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await scheduler.wait(Math.random() * Math.min(30_000, 1000 * 2 ** i)); } } }`,
    },
    {
      name: 'a delay chosen by a ternary is judged by its growing branch',
      code: `async function call(cfg, op) {
  for (let n = 0; n < cfg.maxRetries; n++) {
    try {
      return await op();
    } catch {
      await sleep(cfg.exponential ? cfg.delay * 2 ** n : cfg.delay);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function call(cfg, op) {
  for (let n = 0; n < cfg.maxRetries; n++) {
    try {
      return await op();
    } catch {
      await sleep(Math.random() * (cfg.exponential ? cfg.delay * 2 ** n : cfg.delay));
    }
  }
}`,
    },
    {
      name: 'the issue\'s textbook loop: config spread into a local, constant delay, bounded (no "forever")',
      code: `const DEFAULTS = { maxRetries: 3, delayMs: 500 };
export async function run(op, opts) {
  const cfg = { ...DEFAULTS, ...opts };
  for (let attempt = 0; attempt <= cfg.maxRetries; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (attempt === cfg.maxRetries) throw e;
      await new Promise((r) => setTimeout(r, cfg.delayMs));
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 4, column: 3, endLine: 4, endColumn: 6, message: /constant delay \(`cfg.delayMs`\)(?!.*forever)/ }],
    },
    {
      name: 'lock acquisition that catches a thrown "lock held" error and retries at a fixed interval (decision: reported)',
      code: `export async function acquireLock(key) {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await redlock.acquire([key], 5000);
    } catch (error) {
      await sleep(200);
    }
  }
  throw new Error('could not acquire lock');
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6, message: /constant delay \(`200`\)(?!.*forever)/ }],
      output: `export async function acquireLock(key) {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await redlock.acquire([key], 5000);
    } catch (error) {
      await sleep(Math.random() * Math.min(30_000, 200 * 2 ** attempt));
    }
  }
  throw new Error('could not acquire lock');
}`,
    },
    {
      name: 'a destructured config value',
      code: `export async function run(op, opts) {
  const { delayMs } = { delayMs: 250, ...opts };
  for (let attempt = 0; attempt < 5; attempt++) {
    try { return await op(); } catch { await sleep(delayMs); }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 3, endLine: 3, endColumn: 6 }],
    },
    {
      name: 'a Retry-After branch beside an exponential fallback: the growing branch decides',
      code: `async function fetchExport(url) {
  let retries = 0;
  while (true) {
    let response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (error) {
      retries++;
      if (retries > 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** (retries - 1), 60_000)));
      continue;
    }
    if (response.ok) return response;
    retries++;
    if (retries > 5) throw new Error('failed');
    const retryAfter = response.headers.get('Retry-After');
    const delay = retryAfter ? Number(retryAfter) * 1000 : Math.min(60_000 * 2 ** (retries - 1), 300_000);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 3, column: 3, endLine: 3, endColumn: 8, message: /^(?!.*forever)/ }],
    },
    // ---- textbook loops
    {
      name: 'the try wraps only the call; the response is checked after it; a delay table indexed by the attempt',
      code: `const backoffsMs = [100, 400, 1600];
async function append(url, init) {
  let lastError;
  for (let attempt = 0; attempt < 4; attempt++) {
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      lastError = err;
    }
    if (res) {
      if (res.ok) return res.json();
      if (res.status >= 400 && res.status < 500) throw new Error('client error');
    }
    if (attempt === 3) break;
    await new Promise((resolve) => setTimeout(resolve, backoffsMs[attempt]));
  }
  throw lastError;
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 4, column: 3, endLine: 4, endColumn: 6 }],
      output: `const backoffsMs = [100, 400, 1600];
async function append(url, init) {
  let lastError;
  for (let attempt = 0; attempt < 4; attempt++) {
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      lastError = err;
    }
    if (res) {
      if (res.ok) return res.json();
      if (res.status >= 400 && res.status < 500) throw new Error('client error');
    }
    if (attempt === 3) break;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * backoffsMs[attempt]));
  }
  throw lastError;
}`,
    },
    {
      name: 'a stream reader that counts consecutive failures and waits longer each time (no jitter)',
      code: `async function read(stream) {
  let lastId = '0';
  let retryCount = 0;
  while (!signal.aborted) {
    try {
      const batch = await redis.xread('STREAMS', stream, lastId);
      retryCount = 0;
      for (const [id] of batch) lastId = id;
    } catch (error) {
      if (signal.aborted) break;
      retryCount++;
      if (retryCount >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * retryCount));
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 4, column: 3, endLine: 4, endColumn: 8 }],
    },
    {
      name: 'a catch that continues only for retryable errors, then breaks',
      code: `async function insertWithRetry(insert) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await insert(attempt);
    } catch (error) {
      if (isRetryable(error)) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      break;
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
    },
    {
      name: 'an immediate re-call on a 5xx, and one after a constant sleep',
      code: `export async function call(client, opts) {
  let res = await client.call(opts);
  if (!res.ok && res.status >= 500) res = await client.call(opts);
  return res;
}
export async function get(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
  if (r.status === 503) {
    await sleep(1000);
    return await fetch(url, { signal: AbortSignal.timeout(1000) });
  }
  return r;
}`,
      errors: [
        { ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 3, column: 49, endLine: 3, endColumn: 66 },
        { ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 10, column: 18, endLine: 10, endColumn: 67 },
      ],
    },
    // ---- rule id: a counter reset on every reconnect makes the delay constant, not growing
    {
      name: 'a counter reset at the start of every reconnect: constant delay (backoff, not jitter)',
      code: `class Client {
  connect() {
    this.retries = 0;
    this.ws = new WebSocket(URL);
    this.ws.onclose = () => { this.retries++; setTimeout(() => this.connect(), 1000 * 2 ** this.retries); };
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 5, column: 64, endLine: 5, endColumn: 78 }],
    },
    {
      name: 'a local counter re-declared on every call (recursion)',
      code: `function connect() {
  let attempt = 0;
  const ws = new WebSocket(URL);
  ws.onclose = () => { attempt += 1; setTimeout(connect, 500 * attempt); };
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 4, column: 38, endLine: 4, endColumn: 72 }],
    },
    // ---- "forever" only when nothing bounds the loop
    {
      name: 'a stop flag checked in the catch bounds the loop: no "forever"',
      code: `class Worker {
  async loop() {
    while (true) {
      try {
        return await this.client.connect();
      } catch (e) {
        if (this.stopped) return;
        await sleep(2000);
      }
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 5, endLine: 3, endColumn: 10, message: /^(?!.*forever)/ }],
    },
  ],
});
