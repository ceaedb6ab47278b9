/**
 * The retry family's third tuning pass (issue 15): worker loops on a run flag that spin on a failure (the catch goes
 * round at once). Positions are exact (rule tester: every fix applied, re-parsed and re-analysed).
 */
import { ruleTester } from '../helpers/rule-tester';

const RULES = ['retry-without-backoff', 'retry-without-jitter'];

/** A consumer loop on a run flag; `pre` before the try, `tryBody` inside it, `catchBody` in the catch, `post` after it. */
const consumer = (o: { cond?: string; pre?: string; tryBody?: string; catchBody?: string; post?: string }) => `export class Consumer {
  async loop(id: string) {
    while (${o.cond ?? 'this.isRunning'}) {${o.pre ?? ''}
      try {
        ${o.tryBody ?? `await this.spans.withSpan(id, async () => {
          const key = await this.queue.blockingPop('q', 5, this.signal);
          if (key) await this.handle(key);
        });`}
      } catch (error) {
        ${o.catchBody ?? `if (this.signal.aborted) break;
        this.logger.error('consumer error', { error });`}
      }${o.post ?? ''}
    }
  }
}`;

ruleTester(RULES, {
  valid: [
    { name: 'a run-flag loop that waits after every iteration (success too): polling', code: consumer({ post: `
      await sleep(this.pollMs);` }) },
    { name: 'a run-flag loop with an unconditional sleep before the try: it polls at that rate', code: consumer({ pre: `
      await sleep(this.pollMs);` }) },
    { name: 'a run-flag loop whose catch reconnects (awaits something that may wait)', code: consumer({ catchBody: `this.logger.error('lost', { error });
        await this.connection.reset();` }) },
    { name: 'a run-flag loop whose catch names its own pacing (a reconnect scheduled elsewhere)', code: consumer({ catchBody: `this.scheduleReconnect(error);` }) },
    { name: 'a run-flag loop whose try hands each received item on: a failing item moves to the next one', code: consumer({ tryBody: `const msg = await this.queue.receive();
        await this.handle(msg);` }) },
    { name: 'a loop on a non-flag condition (items left) whose catch logs', code: consumer({ cond: 'this.items.length > 0' }) },
    { name: 'a run-flag loop whose catch leaves', code: consumer({ catchBody: `this.logger.error('fatal', { error });
        return;` }) },
    { name: 'a try nested in the iteration\'s own try: its failure runs on into the rest of the iteration, which waits', code: consumer({ tryBody: `try {
          await this.archiveOld();
        } catch (inner) {
          this.logger.error('archive failed', { inner });
        }
        const n = await this.processBatch();
        if (n === 0) await sleep(this.pollMs);`, catchBody: `this.logger.error('loop failed', { error });
        await sleep(this.pollMs);` }) },
    // ---- self-calls from a failed-response branch (pass 4)
    { name: 'a self-call under `!res.ok || force`: the branch also runs on success', code: `export async function load(url: string, force = false, left = 3): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if ((!res.ok || force) && left > 0) return load(url, false, left - 1);
  return res;
}` },
    { name: 'a self-call on a success branch (the next page)', code: `export async function all(url: string, acc: Item[] = []): Promise<Item[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (res.ok && res.headers.get('link')) return all(url, acc);
  return acc;
}` },
    // ---- promise-retry (pass 4)
    { name: 'promise-retry with randomize: true', code: `import promiseRetry from 'promise-retry';
export const get = (url: string) => promiseRetry((retry) => client.get(url).catch(retry), { retries: 3, randomize: true });` },
    { name: 'promise-retry with retries: 0 retries nothing', code: `import promiseRetry from 'promise-retry';
export const get = (url: string) => promiseRetry((retry) => client.get(url).catch(retry), { retries: 0 });` },
    // ---- loops on a failed-response condition (pass 4)
    { name: 'a loop on `!res.ok` that probes health: a readiness poll', code: `export async function start(url: string) {
  let res = await fetch(url + '/health', { signal: AbortSignal.timeout(1000) });
  while (!res.ok) {
    await sleep(500);
    res = await fetch(url + '/health', { signal: AbortSignal.timeout(1000) });
  }
}` },
    { name: 'a loop on `!res.ok` that fails over to the next host', code: `export async function send(hosts: string[], body: string) {
  let i = 0;
  let res = await fetch(hosts[i++], { method: 'PUT', body, signal: AbortSignal.timeout(1000) });
  while (!res.ok && i < hosts.length) {
    await sleep(200);
    res = await fetch(hosts[i++], { method: 'PUT', body, signal: AbortSignal.timeout(1000) });
  }
  return res;
}` },
    { name: 'a loop on `!res.ok` that awaits something else between attempts (a token refresh may wait)', code: `export async function get(url: string) {
  let n = 0;
  let res = await api.get(url);
  while (!res.ok && n++ < 3) {
    await auth.refresh();
    res = await api.get(url);
  }
  return res;
}` },
    { name: 'a run-flag loop whose try has nothing async', code: consumer({ tryBody: `this.tick();` }) },
  ],
  invalid: [
    {
      name: 'a consumer loop on a run flag whose catch logs and goes round at once: a failing pop spins (trigger.dev batch-queue shape)',
      code: consumer({}),
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 3, column: 5, endLine: 3, endColumn: 10, message: /^Retried immediately in a loop with no delay(?!.*forever)/ }],
    },
    {
      name: 'a "not ready" guard that sleeps and continues, and a rate-limit wait in a nested loop of the try, do not pace a failure',
      code: consumer({ pre: `
      if (!this.handler) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }`, tryBody: `while (this.isRunning) {
          const r = await this.limiter.limit();
          if (r.allowed) break;
          await sleep(r.waitMs);
        }
        await this.spans.withSpan(id, async () => {
          const key = await this.queue.blockingPop('q', 5, this.signal);
          if (key) await this.handle(key);
        });` }),
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 3, column: 5, endLine: 3, endColumn: 10 }],
    },
    {
      name: 'a stop flag negated (`!this.stopped`), a private field',
      code: consumer({ cond: '!this.#stopped' }),
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 3, column: 5, endLine: 3, endColumn: 10 }],
    },
    // ---- self-calls from a failed-response branch (pass 4)
    {
      name: 'the textbook fetchWithRetry: a self-call under `!res.ok && retries > 0` after a constant sleep',
      code: `export async function fetchWithRetry(url: string, retries = 3, delay = 500): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok && retries > 0) {
    await new Promise((r) => setTimeout(r, delay));
    return fetchWithRetry(url, retries - 1, delay);
  }
  return res;
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 5, column: 12, endLine: 5, endColumn: 51 }],
    },
    {
      name: 'a self-call under `res.status >= 500 && retries > 0` at once',
      code: `export async function fetchWithRetry(url: string, retries = 3): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (res.status >= 500 && retries > 0) return fetchWithRetry(url, retries - 1);
  return res;
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 3, column: 48, endLine: 3, endColumn: 80 }],
    },
    {
      name: 'a method that calls itself on 429 or 5xx after a delay growing with the attempt',
      code: `export class Client {
  private async request(path: string, attempt = 1): Promise<unknown> {
    const res = await fetch(this.base + path, { signal: AbortSignal.timeout(5000) });
    if ((res.status === 429 || res.status >= 500) && attempt < 3) {
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      return this.request(path, attempt + 1);
    }
    return res.json();
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 6, column: 14, endLine: 6, endColumn: 45 }],
    },
    {
      name: 'a destructured options parameter whose delay the self-call doubles grows (was taken for a constant)',
      code: `export async function withRetry<T>(fn: () => Promise<T>, { retries = 3, delayMs = 500 } = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (retries === 0) throw err;
    await sleep(delayMs);
    return withRetry(fn, { retries: retries - 1, delayMs: delayMs * 2 });
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 7, column: 12, endLine: 7, endColumn: 73 }],
    },
    {
      name: 'a destructured options parameter passed on unchanged stays a constant',
      code: `export async function withRetry<T>(fn: () => Promise<T>, { retries = 3, delayMs = 500 } = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (retries === 0) throw err;
    await sleep(delayMs);
    return withRetry(fn, { retries: retries - 1, delayMs });
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 7, column: 12, endLine: 7, endColumn: 60 }],
    },
    // ---- promise-retry (pass 4): node-retry's options, randomize defaults to false
    {
      name: 'promise-retry with its defaults: exponential, no jitter (on the callee)',
      code: `import promiseRetry from 'promise-retry';
export const get = (url: string) => promiseRetry((retry) => client.get(url).catch(retry), { retries: 3 });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 37, endLine: 2, endColumn: 49 }],
      output: `import promiseRetry from 'promise-retry';
export const get = (url: string) => promiseRetry((retry) => client.get(url).catch(retry), { retries: 3, randomize: true });`,
    },
    {
      name: 'promise-retry, options first, factor 1: a constant delay',
      code: `import promiseRetry from 'promise-retry';
export const get = (url: string) => promiseRetry({ retries: 3, factor: 1 }, (retry) => client.get(url).catch(retry));`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 64, endLine: 2, endColumn: 73 }],
      output: `import promiseRetry from 'promise-retry';
export const get = (url: string) => promiseRetry({ retries: 3, factor: 2, randomize: true }, (retry) => client.get(url).catch(retry));`,
    },
    // ---- loops on a failed-response condition (pass 4)
    {
      name: 'a while on `!res.ok && retries < 3` that re-issues the call after a delay growing with the attempt',
      code: `export async function load(url: string) {
  let retries = 0;
  let res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  while (!res.ok && retries < 3) {
    retries++;
    await sleep(1000 * retries);
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  }
  return res;
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 4, column: 3, endLine: 4, endColumn: 8, message: /^(?!.*forever)/ }],
    },
    {
      name: 'a do-while on a 5xx that re-issues at once',
      code: `export async function call(client: Client, opts: Opts) {
  let n = 0;
  let res;
  do {
    res = await client.call(opts);
  } while (res.status >= 500 && ++n < 3);
  return res;
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 4, column: 3, endLine: 4, endColumn: 5 }],
    },
    {
      name: 'a while on a 503 alone with a constant pause: unbounded',
      code: `export async function call(url: string) {
  let res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  while (res.status === 503) {
    await new Promise((r) => setTimeout(r, 2000));
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  }
  return res;
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 3, endLine: 3, endColumn: 8, message: /forever/ }],
    },
    {
      name: 'a result loop whose success test is an HTTP status compared with a number (`res.status !== 503`)',
      code: `export async function load(url: string) {
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 503) return res;
    await new Promise((r) => setTimeout(r, 1000 * 2 ** i));
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `export async function load(url: string) {
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 503) return res;
    await new Promise((r) => setTimeout(r, Math.random() * 1000 * 2 ** i));
  }
}`,
    },
  ],
});
