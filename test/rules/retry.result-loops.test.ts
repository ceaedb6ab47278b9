/**
 * Retry shapes found missing on the tuning repositories (issue 15, second pass): loops with no `try` whose awaited
 * call's own result says it failed (`if (res.ok)`, `if (result.success)`, an error-first tuple `[err, data] = await
 * tryCatch(…)`, a `{ data, error }` result) and that sleep before going round; got methods picked into a local
 * (`const request = isPost ? got.post : got.get`); delays read from a configuration object that defaults to `{}`.
 * Positions are exact; every fix is applied, re-parsed and re-analysed (rule tester).
 */
import { ruleTester } from '../helpers/rule-tester';

ruleTester(['retry-without-backoff', 'retry-without-jitter'], {
  valid: [
    { name: 'result loop: jittered delay', code: `import { to } from 'await-to-js';
export async function send(op: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) {
    const [err, data] = await to(op());
    if (!err) return data;
    await sleep(Math.random() * 100 * 2 ** i);
  }
}` },
    { name: 'result loop: no attempt counter (could be waiting for something to appear)', code: `export async function get(url: string) {
  while (true) {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.ok) return res;
    await sleep(1000);
  }
}` },
    { name: 'result loop: reading a status is polling for a state', code: `export async function finish(id: string) {
  for (let i = 0; i < 30; i++) {
    const job = await api.getJobStatus(id);
    if (job.success) return job;
    await sleep(2000);
  }
}` },
    { name: 'result loop: a health check in a function named for it is a readiness poll', code: `export async function checkHealth(url: string) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    if (res.ok) return true;
    await sleep(500);
  }
  return false;
}` },
    { name: 'result loop: failover to the next host', code: `export async function first(hosts: string[]) {
  for (let i = 0; i < hosts.length; i++) {
    const res = await fetch(hosts[i], { signal: AbortSignal.timeout(1000) });
    if (res.ok) return res;
    await sleep(100);
  }
}` },
    { name: 'result loop: something else is awaited between attempts', code: `export async function send(body: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = await client.post(body);
    if (res.ok) return res;
    await limiter.removeTokens(1);
    await sleep(100);
  }
}` },
    { name: 'result loop: the exit tests something other than the result', code: `export async function drain(q: Queue) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = await q.flush();
    if (q.empty) break;
    await sleep(100);
  }
}` },
    { name: 'result loop: no sleep between attempts is left to the try/catch rules (documented)', code: `export async function send(op: () => Promise<{ ok: boolean }>) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await op();
    if (res.ok) return res;
  }
}` },
    { name: 'result loop: only a conflict goes round (the data change converges)', code: `export async function create(name: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { data, error } = await db.from('tags').insert({ name });
    if (!error) return data;
    if (error.code !== '23505') throw error;
    await sleep(50);
  }
}` },
    { name: 'got method picked into a local, default retry', code: `import got from 'got';
export async function call(url: string, post: boolean) {
  const request = post ? got.post : got.get;
  return request(url, { timeout: { request: 5000 }, retry: { limit: 2 } });
}` },
    { name: 'axios-retry: delay from a config object defaulting to {}, with jitter', code: `import axiosRetry from 'axios-retry';
export function retryable(axios: any, config?: { retry?: { waitMin?: number } }) {
  const retryConfig = config?.retry || {};
  const minDelay = retryConfig.waitMin || 1;
  axiosRetry(axios, { retries: 3, retryDelay: (n) => Math.random() * n * minDelay * 1000 });
}` },
    { name: 'agenda: a single retry has no schedule to judge', code: `agenda.on('fail:' + JOB, async (error, job) => {
  const retryCount = job.attrs.data.retryCount;
  let nextRunAt = Date.now();
  if (retryCount === 0) {
    nextRunAt += 5000;
  } else {
    return;
  }
  job.attrs.data.retryCount++;
  job.attrs.nextRunAt = new Date(nextRunAt);
  await job.save();
});` },
    { name: 'agenda: a randomised reschedule', code: `agenda.on('fail:' + JOB, async (error, job) => {
  const retryCount = job.attrs.data.retryCount;
  let nextRunAt = Date.now();
  if (retryCount === 0) nextRunAt += 30000 * Math.random();
  else if (retryCount === 1) nextRunAt += 300000 * Math.random();
  else return;
  job.attrs.data.retryCount++;
  job.attrs.nextRunAt = new Date(nextRunAt);
  await job.save();
});` },
    { name: 'agenda: rescheduling on success is a recurring job, not a retry', code: `agenda.on('success:' + JOB, async (job) => {
  let nextRunAt = Date.now();
  if (job.attrs.data.retryCount === 0) nextRunAt += 30000;
  else nextRunAt += 300000;
  job.attrs.data.retryCount++;
  job.attrs.nextRunAt = new Date(nextRunAt);
  await job.save();
});` },
  ],
  invalid: [
    {
      name: 'result loop: `result.success` with an exponential delay and no jitter',
      code: `export async function mask(data: unknown, maxRetries: number) {
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    const result = await callback({ data, attempt });
    if (result.success) {
      return result.data;
    }
    if (attempt <= maxRetries) {
      const delay = Math.min(100 * Math.pow(2, attempt - 1), 1000);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  throw new Error('failed');
}`,
      errors: [{ line: 2, column: 3, endLine: 2, endColumn: 6, ruleId: 'retry-without-jitter', messageId: 'noJitter' }],
      output: `export async function mask(data: unknown, maxRetries: number) {
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    const result = await callback({ data, attempt });
    if (result.success) {
      return result.data;
    }
    if (attempt <= maxRetries) {
      const delay = Math.min(100 * Math.pow(2, attempt - 1), 1000);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * delay));
    }
  }
  throw new Error('failed');
}`,
    },
    {
      name: 'result loop: an error-first tuple from tryCatch, linear delay',
      code: `import { tryCatch } from './tryCatch';
export async function create(req: unknown, max: number, base: number) {
  let error: unknown;
  let data: unknown;
  let attempt = 1;
  for (; attempt <= max; attempt++) {
    [error, data] = await tryCatch(compute.instances.create(req));
    if (!error) {
      break;
    }
    log.warn('create failed', { attempt });
    if (attempt === max) break;
    await sleep(base * attempt);
  }
  return data;
}`,
      errors: [{ line: 6, column: 3, endLine: 6, endColumn: 6, ruleId: 'retry-without-jitter', messageId: 'noJitter' }],
      output: `import { tryCatch } from './tryCatch';
export async function create(req: unknown, max: number, base: number) {
  let error: unknown;
  let data: unknown;
  let attempt = 1;
  for (; attempt <= max; attempt++) {
    [error, data] = await tryCatch(compute.instances.create(req));
    if (!error) {
      break;
    }
    log.warn('create failed', { attempt });
    if (attempt === max) break;
    await sleep(Math.random() * base * attempt);
  }
  return data;
}`,
    },
    {
      name: 'result loop: a `{ data, error }` result retried after a constant delay',
      code: `export async function load(id: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { data, error } = await supabase.from('docs').select().eq('id', id);
    if (!error) return data;
    await sleep(500);
  }
}`,
      errors: [{ line: 2, column: 3, endLine: 2, endColumn: 6, ruleId: 'retry-without-backoff', messageId: 'constantDelay' }],
      output: `export async function load(id: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { data, error } = await supabase.from('docs').select().eq('id', id);
    if (!error) return data;
    await sleep(Math.random() * Math.min(30_000, 500 * 2 ** attempt));
  }
}`,
    },
    {
      name: 'result loop: `res.ok` and a constant setTimeout pause',
      code: `export async function post(url: string, body: string) {
  let res;
  for (let i = 0; i < 4; i++) {
    res = await fetch(url, { method: 'PUT', body, signal: AbortSignal.timeout(5000) });
    if (res.ok) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return res;
}`,
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 6, ruleId: 'retry-without-backoff', messageId: 'constantDelay' }],
      output: `export async function post(url: string, body: string) {
  let res;
  for (let i = 0; i < 4; i++) {
    res = await fetch(url, { method: 'PUT', body, signal: AbortSignal.timeout(5000) });
    if (res.ok) break;
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(30_000, 2000 * 2 ** i)));
  }
  return res;
}`,
    },
    {
      name: 'got method picked by a ternary, calculateDelay growing without randomness',
      code: `import got from 'got';
export async function call(url: string, limit: number, post: boolean) {
  const options = {
    timeout: { request: 5000 },
    retry: {
      calculateDelay: ({ attemptCount }: { attemptCount: number }): number => {
        if (attemptCount === limit) {
          return 0;
        }
        return 2 ** attemptCount * 1000;
      },
    },
  };
  const request = post ? got.post : got.get;
  return request(url, options);
}`,
      errors: [{ line: 10, column: 16, endLine: 10, endColumn: 40, ruleId: 'retry-without-jitter', messageId: 'libNoJitter' }],
      output: `import got from 'got';
export async function call(url: string, limit: number, post: boolean) {
  const options = {
    timeout: { request: 5000 },
    retry: {
      calculateDelay: ({ attemptCount }: { attemptCount: number }): number => {
        if (attemptCount === limit) {
          return 0;
        }
        return Math.random() * 2 ** attemptCount * 1000;
      },
    },
  };
  const request = post ? got.post : got.get;
  return request(url, options);
}`,
    },
    {
      name: 'axios-retry: retryDelay grows with a delay read from a config object defaulting to {}',
      code: `import axiosRetry from 'axios-retry';
export function retryable(axios: any, config?: { retry?: { waitMin?: number; retryMax?: number } }) {
  const retryConfig = config?.retry || {};
  const retries = retryConfig.retryMax || 0;
  const minDelay = retryConfig.waitMin || 1;
  axiosRetry(axios, { retries, retryDelay: (n) => n * minDelay * 1000 });
}`,
      errors: [{ line: 6, column: 51, endLine: 6, endColumn: 70, ruleId: 'retry-without-jitter', messageId: 'libNoJitter' }],
      output: `import axiosRetry from 'axios-retry';
export function retryable(axios: any, config?: { retry?: { waitMin?: number; retryMax?: number } }) {
  const retryConfig = config?.retry || {};
  const retries = retryConfig.retryMax || 0;
  const minDelay = retryConfig.waitMin || 1;
  axiosRetry(axios, { retries, retryDelay: (n) => Math.random() * n * minDelay * 1000 });
}`,
    },
    {
      name: 'agenda: a failed job rescheduled 30 s then 5 min later, no randomness',
      code: `agenda.on('fail:' + WEBHOOK_JOB, async (error: Error, job: WebhookJob) => {
  if (!job.attrs.data) return;
  const retryCount = job.attrs.data.retryCount;
  let nextRunAt = Date.now();
  if (retryCount === 0) {
    nextRunAt += 30000;
  } else if (retryCount === 1) {
    nextRunAt += 300000;
  } else {
    return;
  }
  job.attrs.data.retryCount++;
  job.attrs.nextRunAt = new Date(nextRunAt);
  await job.save();
});`,
      errors: [{ line: 13, column: 3, endLine: 13, endColumn: 44, ruleId: 'retry-without-jitter', messageId: 'queueNoJitter' }],
      output: null,
    },
    {
      name: 'agenda: a retry method (called on failure) with the same delay every time',
      code: `export class Notifier {
  private static async retryJob(job: Job<Data>) {
    if (job.attrs.data.retryCount >= 3) return;
    let nextRunAt = Date.now();
    if (job.attrs.data.retryCount === 0) nextRunAt += 60000;
    else nextRunAt += 60000;
    job.attrs.data.retryCount++;
    job.attrs.nextRunAt = new Date(nextRunAt);
    await job.save();
  }
}`,
      errors: [{ line: 8, column: 5, endLine: 8, endColumn: 46, ruleId: 'retry-without-backoff', messageId: 'queueConstant' }],
      output: null,
    },
  ],
});
