import { ruleTester } from '../helpers/rule-tester';

// Both rule ids of the retry family are tested together: one analysis, two ids.
ruleTester(['retry-without-backoff', 'retry-without-jitter'], {
  valid: [
    { name: "full jitter in a loop", code: `async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await sleep(Math.random() * Math.min(30000, 100 * 2 ** i)); } } }` },
    { name: "jitter added to exponential", code: `async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await sleep(100 * 2 ** i + Math.random() * 100); } } }` },
    { name: "crypto.randomInt jitter", code: `import { randomInt } from 'crypto';
async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await sleep(randomInt(0, 100 * 2 ** i)); } } }` },
    { name: "jitter helper", code: `async function f() { let d = 100; for (let i = 0; i < 5; i++) { try { return await op(); } catch { await sleep(withJitter(d)); d *= 2; } } }` },
    { name: "let delay randomised on every attempt", code: `async function f() { let d = 100; for (let i = 0; i < 5; i++) { try { return await op(); } catch { await sleep(d); d = Math.min(10000, d * 2) * (0.5 + Math.random()); } } }` },
    { name: "decorrelated jitter", code: `async function f() { let sleepMs = 100; for (;;) { try { return await op(); } catch { sleepMs = Math.min(30000, randomBetween(100, sleepMs * 3)); await sleep(sleepMs); } } }` },
    { name: "polling: state change, not failure", code: `async function waitReady() { while (true) { const s = await getStatus(); if (s === 'ready') return s; await sleep(1000); } }` },
    { name: "polling with a tolerant catch: conditional exit on state", code: `async function waitJob(id) { while (true) { try { const job = await getJob(id); if (job.state === 'done') return job; } catch (e) { log(e); } await sleep(5000); } }` },
    { name: "loop over items (for..of)", code: `async function all(items) { for (const item of items) { try { await process(item); } catch (e) { log(e); } } }` },
    { name: "failover over a list indexed by the counter", code: `async function first(urls) { for (let i = 0; i < urls.length; i++) { try { return await get(urls[i]); } catch {} } }` },
    { name: "queue worker", code: `async function work() { while (queue.length) { const job = queue.shift(); try { return await run(job); } catch {} } }` },
    { name: "consumer loop without success exit (the try hands the received item on)", code: `async function consume() { while (running) { try { const m = await q.receive(); await handle(m); } catch (e) { log(e); await sleep(1000); } } }` },
    { name: "catch rethrows: no retry", code: `async function f() { for (let i = 0; i < 3; i++) { try { return await op(); } catch (e) { throw e; } } }` },
    { name: "synchronous loop (no await): not a remote retry", code: `function parse(s) { for (let i = 0; i < 3; i++) { try { return JSON.parse(s); } catch {} } }` },
    { name: "delay from Retry-After (server-provided): unknown", code: `async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch (e) { await sleep(e.retryAfterMs); } } }` },
    { name: "delay from an imported helper: unknown", code: `import { computeBackoff } from './backoff';
async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await sleep(computeBackoff(i)); } } }` },
    { name: "something else awaited in the catch: may wait", code: `async function f() { for (let i = 0; i < 5; i++) { try { return await op(); } catch { await limiter.removeTokens(1); } } }` },
    { name: "recursion that polls on success too: scheduling, not retry", code: `function poll() { fetchStatus().then(s => { if (!s.done) setTimeout(poll, 1000); }).catch(() => setTimeout(poll, 1000)); }` },
    { name: "reconnect handler with jitter", code: `function connect(attempt = 0) { const ws = new WebSocket(URL); ws.onclose = () => setTimeout(() => connect(attempt + 1), Math.random() * Math.min(30000, 1000 * 2 ** attempt)); }` },
    { name: "scheduler rescheduling itself after success", code: `function tick() { doWork(); setTimeout(tick, 1000); }` },
    { name: "recursion on data", code: `function walk(n) { try { visit(n); } finally {} for (const c of n.children) walk(c); }` },
    { name: ".catch with a fallback, not the same call", code: `const u = await getUser(id).catch(() => getCachedUser(id));` },
    { name: "p-retry randomize: true", code: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5, randomize: true });` },
    { name: "p-retry retries: 0", code: `import pRetry from 'p-retry';
await pRetry(run, { retries: 0 });` },
    { name: "p-retry opaque options", code: `import pRetry from 'p-retry';
export const r = (opts: Options) => pRetry(run, opts);` },
    { name: "p-retry spread of unknown options", code: `import pRetry from 'p-retry';
export const r = (o: Options) => pRetry(run, { ...o, retries: 3 });` },
    { name: "async-retry default (randomizes)", code: `import retry from 'async-retry';
await retry(async () => op(), { retries: 5 });` },
    { name: "node-retry randomize true", code: `import retry from 'retry';
const op = retry.operation({ retries: 5, randomize: true });` },
    { name: "a local function named retry is not the library", code: `function retry(fn, n) { return fn(); }
retry(op, 3);` },
    { name: "axios-retry exponentialDelay", code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: axiosRetry.exponentialDelay });` },
    { name: "axios-retry named exponentialDelay", code: `import axios from 'axios';
import axiosRetry, { exponentialDelay } from 'axios-retry';
axiosRetry(axios, { retryDelay: exponentialDelay });` },
    { name: "axios-retry retries: 0", code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 0 });` },
    { name: "axios-retry retryDelay with jitter", code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retryDelay: (n) => Math.random() * 2 ** n * 100 });` },
    { name: "exponential-backoff jitter: 'full'", code: `import { backOff } from 'exponential-backoff';
await backOff(() => op(), { jitter: 'full' });` },
    { name: "RxJS retry with a jittered delay", code: `import { retry, timer } from 'rxjs';
src$.pipe(retry({ count: 3, delay: (_e, n) => timer(Math.random() * 1000 * 2 ** n) }));` },
    { name: "RxJS retry count 0", code: `import { retry } from 'rxjs';
src$.pipe(retry(0));` },
    { name: "RxJS retry opaque config", code: `import { retry } from 'rxjs';
export const r = (cfg: RetryConfig) => src$.pipe(retry(cfg));` },
    { name: "retry() from another module", code: `import { retry } from './utils';
src$.pipe(retry(3));` },
    { name: "cockatiel ExponentialBackoff (decorrelated jitter by default)", code: `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';
export const p = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });` },
    { name: "superagent .retry(0)", code: `import request from 'superagent';
await request.get(url).timeout(1000).retry(0);` },
    { name: ".retry on something else", code: `await client.get(url).retry(3);` },
    { name: "got default retry", code: `import got from 'got';
await got(url, { timeout: { request: 1000 }, retry: { limit: 3 } });` },
    { name: "ky default retry", code: `import ky from 'ky';
await ky.get(url, { retry: 3 });` },
    { name: "AWS SDK ConfiguredRetryStrategy with a growing delay", code: `import { ConfiguredRetryStrategy } from '@smithy/util-retry';
new S3Client({ retryStrategy: new ConfiguredRetryStrategy(4, (attempt) => 100 + attempt * 1000) });` },
    { name: "JS: jittered loop", filename: 'a.js', code: `async function f() { for (let i = 0; i < 3; i++) { try { return await op(); } catch { await sleep(Math.random() * 1000 * 2 ** i); } } }` },
    { name: "TSX: polling component", filename: 'a.tsx', code: `export const C = () => { useEffect(() => { const id = setInterval(refresh, 1000); return () => clearInterval(id); }, []); return <div/>; };` },
    // precision cases from real code (node_modules scan)
    { name: 'self-call as a fallback mode (different literal argument), not a retry', code: `async function getToken(scopes, useDefault, options) {
  try {
    return await broker.acquire(scopes, useDefault);
  } catch (e) {
    if (useDefault) return getToken(scopes, false, options);
    throw e;
  }
}` },
    { name: 'recursion on other data (mkdirp parent), not a retry', code: `function mkdirp(p) {
  try {
    fs.mkdirSync(p);
  } catch (err) {
    if (err.code === 'ENOENT') { mkdirp(path.dirname(p)); mkdirp(p); }
  }
}` },
    { name: '.catch handler that waits for something else before re-calling', code: `const r = await this.acquireSilent(req).catch(async (e) => {
  const ok = await inflight;
  if (ok) return this.acquireSilent(req);
  throw e;
});` },
    { name: 'local filesystem retry (EBUSY on Windows) is not a remote retry', code: `async function removeDir(dir) {
  for (let i = 0; i < 5; i++) {
    try {
      await fs.promises.rm(dir, { recursive: true });
      break;
    } catch (e) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}` },
  ],
  invalid: [
    {
      name: "for loop, constant sleep, attempt counter -> full jitter fix",
      code: `async function get(url: string) {
  for (let i = 0; i < 5; i++) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      await sleep(1000);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function get(url: string) {
  for (let i = 0; i < 5; i++) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      await sleep(Math.random() * Math.min(30_000, 1000 * 2 ** i));
    }
  }
}`,
    },
    {
      name: "while (true) with success return and no delay: unbounded",
      code: `async function load() {
  while (true) {
    try {
      return await db.query('select 1');
    } catch {}
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 2, column: 3, endLine: 2, endColumn: 8, message: /forever/ }],
      output: null,
    },
    {
      name: "while loop with any counter name, no delay: sleep inserted",
      code: `async function save(doc) {
  let tries = 0;
  while (tries < 3) {
    try {
      await store.put(doc);
      return;
    } catch (e) {
      tries++;
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 3, column: 3, endLine: 3, endColumn: 8 }],
      output: `async function save(doc) {
  let tries = 0;
  while (tries < 3) {
    try {
      await store.put(doc);
      return;
    } catch (e) {
      tries++;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(30_000, 100 * 2 ** tries)));
    }
  }
}`,
    },
    {
      name: "do/while with break on success and a constant from a const",
      code: `const RETRY_DELAY_MS = 2000;
async function sync() {
  let n = 0;
  do {
    try {
      await push();
      break;
    } catch (e) {
      n++;
      await new Promise(r => setTimeout(r, RETRY_DELAY_MS));
    }
  } while (n < 4);
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 4, column: 3, endLine: 4, endColumn: 5 }],
      output: `const RETRY_DELAY_MS = 2000;
async function sync() {
  let n = 0;
  do {
    try {
      await push();
      break;
    } catch (e) {
      n++;
      await new Promise(r => setTimeout(r, Math.random() * Math.min(30_000, RETRY_DELAY_MS * 2 ** n)));
    }
  } while (n < 4);
}`,
    },
    {
      name: "timers/promises setTimeout with a parameter delay (not scaled)",
      code: `import { setTimeout as wait } from 'node:timers/promises';
export async function withRetry<T>(fn: () => Promise<T>, retries = 3, delayMs = 500): Promise<T> {
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt === retries) throw e;
      await wait(delayMs);
    }
  }
  throw new Error('unreachable');
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 3, endLine: 3, endColumn: 6 }],
      output: `import { setTimeout as wait } from 'node:timers/promises';
export async function withRetry<T>(fn: () => Promise<T>, retries = 3, delayMs = 500): Promise<T> {
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt === retries) throw e;
      await wait(Math.random() * Math.min(30_000, delayMs * 2 ** attempt));
    }
  }
  throw new Error('unreachable');
}`,
    },
    {
      name: "exponential delay inline: 2 ** attempt -> Math.random() * E",
      code: `async function call() {
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await sleep(100 * 2 ** attempt);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function call() {
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
}`,
    },
    {
      name: "exponential delay through a let: delay *= 2",
      code: `async function call() {
  let delay = 250;
  for (let i = 0; i < 6; i++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await new Promise(resolve => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 3, column: 3, endLine: 3, endColumn: 6 }],
      output: `async function call() {
  let delay = 250;
  for (let i = 0; i < 6; i++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await new Promise(resolve => setTimeout(resolve, Math.random() * delay));
      delay *= 2;
    }
  }
}`,
    },
    {
      name: "exponential via Math.pow in a same-file helper",
      code: `function backoff(n: number) {
  return Math.min(10000, 200 * Math.pow(2, n));
}
async function call() {
  for (let i = 0; i < 6; i++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await sleep(backoff(i));
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 5, column: 3, endLine: 5, endColumn: 6 }],
      output: `function backoff(n: number) {
  return Math.min(10000, 200 * Math.pow(2, n));
}
async function call() {
  for (let i = 0; i < 6; i++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await sleep(Math.random() * backoff(i));
    }
  }
}`,
    },
    {
      name: "table indexed by attempt",
      code: `const DELAYS = [100, 200, 400, 800];
async function call() {
  for (let i = 0; i < DELAYS.length; i++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await sleep(DELAYS[i]);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 3, column: 3, endLine: 3, endColumn: 6 }],
      output: `const DELAYS = [100, 200, 400, 800];
async function call() {
  for (let i = 0; i < DELAYS.length; i++) {
    try {
      return await client.send(cmd);
    } catch (e) {
      await sleep(Math.random() * DELAYS[i]);
    }
  }
}`,
    },
    {
      name: "left shift",
      code: `async function call() {
  for (let i = 0; i < 6; i++) {
    try { return await op(); } catch { await delay(50 << i); }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function call() {
  for (let i = 0; i < 6; i++) {
    try { return await op(); } catch { await delay(Math.random() * (50 << i)); }
  }
}`,
    },
    {
      name: "helper that sleeps: await backoff(attempt)",
      code: `async function pause(attempt: number) {
  await new Promise(r => setTimeout(r, 100 * 2 ** attempt));
}
async function call() {
  for (let attempt = 0; attempt < 6; attempt++) {
    try { return await op(); } catch { await pause(attempt); }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 5, column: 3, endLine: 5, endColumn: 6 }],
      output: null,
    },
    {
      name: "success flag in the loop condition, constant delay, unbounded",
      code: `async function connectDb() {
  let connected = false;
  while (!connected) {
    try {
      await mongoose.connect(uri);
      connected = true;
    } catch (err) {
      console.error(err);
      await sleep(5000);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 3, endLine: 3, endColumn: 8, message: /forever/ }],
      output: null,
    },
    {
      name: "res.ok check inside try, constant delay",
      code: `async function get(url) {
  for (let i = 0; i < 3; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return res.json();
    } catch {}
    await sleep(1000);
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function get(url) {
  for (let i = 0; i < 3; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return res.json();
    } catch {}
    await sleep(Math.random() * Math.min(30_000, 1000 * 2 ** i));
  }
}`,
    },
    {
      name: "catch continues, success return after the try",
      code: `async function get() {
  for (let i = 0; i < 3; i++) {
    let r;
    try {
      r = await op();
    } catch (e) {
      continue;
    }
    return r;
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function get() {
  for (let i = 0; i < 3; i++) {
    let r;
    try {
      r = await op();
    } catch (e) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(30_000, 100 * 2 ** i)));
      continue;
    }
    return r;
  }
}`,
    },
    {
      name: "recursion from catch with constant setTimeout",
      code: `function connect(attempt = 0) {
  client.connect().catch(() => {
    if (attempt < 10) setTimeout(() => connect(attempt + 1), 3000);
  });
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 40, endLine: 3, endColumn: 60 }],
      output: `function connect(attempt = 0) {
  client.connect().catch(() => {
    if (attempt < 10) setTimeout(() => connect(attempt + 1), Math.random() * Math.min(30_000, 3000 * 2 ** attempt));
  });
}`,
    },
    {
      name: "recursion from a try/catch, awaiting a constant sleep",
      code: `async function fetchUser(id: string, retries = 3): Promise<User> {
  try {
    return await api.get(id);
  } catch (e) {
    if (retries <= 0) throw e;
    await sleep(1000);
    return fetchUser(id, retries - 1);
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 7, column: 12, endLine: 7, endColumn: 38 }],
      output: null,
    },
    {
      name: "recursion, immediate: .catch calls itself",
      code: `function load(n: number): Promise<Data> {
  return op().catch(err => (n > 0 ? load(n - 1) : Promise.reject(err)));
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 2, column: 37, endLine: 2, endColumn: 48 }],
      output: null,
    },
    {
      name: "reconnect on close via setTimeout(fn, constant), unbounded",
      code: `function connect() {
  const ws = new WebSocket(URL);
  ws.onclose = () => setTimeout(connect, 1000);
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 3, column: 22, endLine: 3, endColumn: 47, message: /forever/ }],
      output: null,
    },
    {
      name: "reconnect on error event with doubling delay parameter",
      code: `function connect(delay = 500) {
  const socket = net.connect(port, host);
  socket.on('error', () => {
    setTimeout(() => connect(delay * 2), delay);
  });
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 4, column: 22, endLine: 4, endColumn: 40, message: /forever/ }],
      output: `function connect(delay = 500) {
  const socket = net.connect(port, host);
  socket.on('error', () => {
    setTimeout(() => connect(delay * 2), Math.random() * delay);
  });
}`,
    },
    {
      name: "method recursion this.connect() from catch",
      code: `class Client {
  async connect(): Promise<void> {
    try {
      await this.open();
    } catch (e) {
      await sleep(2000);
      return this.connect();
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 7, column: 14, endLine: 7, endColumn: 28, message: /forever/ }],
      output: null,
    },
    {
      name: ".catch chain calling the same operation again",
      code: `const user = await getUser(id).catch(() => getUser(id));`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 1, column: 44, endLine: 1, endColumn: 55 }],
      output: null,
    },
    {
      name: ".catch chain with a constant delay then the same operation",
      code: `const user = await getUser(id).catch(() => sleep(500).then(() => getUser(id)));`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 1, column: 50, endLine: 1, endColumn: 53 }],
      output: null,
    },
    {
      name: "JS grammar: require-free loop with constant delay",
      filename: 'x.js',
      code: `async function run() {
  for (let i = 0; i < 3; i++) {
    try { return await job(); } catch (e) { await sleep(300); }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function run() {
  for (let i = 0; i < 3; i++) {
    try { return await job(); } catch (e) { await sleep(Math.random() * Math.min(30_000, 300 * 2 ** i)); }
  }
}`,
    },
    {
      name: "TSX grammar: exponential without jitter in a component effect",
      filename: 'x.tsx',
      code: `export function Widget() {
  useEffect(() => {
    (async () => {
      for (let i = 0; i < 5; i++) {
        try { setData(await load()); return; } catch { await sleep(1000 * 2 ** i); }
      }
    })();
  }, []);
  return <div />;
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 4, column: 7, endLine: 4, endColumn: 10 }],
      output: `export function Widget() {
  useEffect(() => {
    (async () => {
      for (let i = 0; i < 5; i++) {
        try { setData(await load()); return; } catch { await sleep(Math.random() * 1000 * 2 ** i); }
      }
    })();
  }, []);
  return <div />;
}`,
    },
    {
      name: "redux-saga generator: yield delay(constant)",
      filename: 'saga.js',
      code: `function* fetchSaga() {
  for (let i = 0; i < 5; i++) {
    try {
      return yield call(api.fetch);
    } catch (e) {
      yield delay(2000);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `function* fetchSaga() {
  for (let i = 0; i < 5; i++) {
    try {
      return yield call(api.fetch);
    } catch (e) {
      yield delay(Math.random() * Math.min(30_000, 2000 * 2 ** i));
    }
  }
}`,
    },
    {
      name: "linear growth without jitter",
      code: `async function call() {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try { return await op(); } catch { await sleep(attempt * 1000); }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function call() {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try { return await op(); } catch { await sleep(Math.random() * attempt * 1000); }
  }
}`,
    },
    {
      name: "zero delay is no delay",
      code: `async function call() {
  for (let i = 0; i < 5; i++) {
    try { return await op(); } catch { await sleep(0); }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'noDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
      output: `async function call() {
  for (let i = 0; i < 5; i++) {
    try { return await op(); } catch { await sleep(Math.random() * Math.min(30_000, 100 * 2 ** i)); }
  }
}`,
    },
    {
      name: "decreasing counter: reported, no fix",
      code: `async function call(retries = 3) {
  while (retries-- > 0) {
    try { return await op(); } catch { await sleep(1000); }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 8 }],
      output: null,
    },
    {
      name: "p-retry default options (randomize false)",
      code: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5 });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 7, endLine: 2, endColumn: 13 }],
      output: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5, randomize: true });`,
    },
    {
      name: "p-retry without options",
      code: `import pRetry from 'p-retry';
await pRetry(run);`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 7, endLine: 2, endColumn: 13 }],
      output: `import pRetry from 'p-retry';
await pRetry(run, { randomize: true });`,
    },
    {
      name: "p-retry via require and a const options object",
      filename: 'r.js',
      code: `const pRetry = require('p-retry');
const opts = {
  retries: 5,
  onFailedAttempt: e => log(e),
};
pRetry(run, opts);`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 6, column: 1, endLine: 6, endColumn: 7 }],
      output: `const pRetry = require('p-retry');
const opts = {
  retries: 5,
  onFailedAttempt: e => log(e),
  randomize: true,
};
pRetry(run, opts);`,
    },
    {
      name: "p-retry factor: 1 is a constant delay",
      code: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5, factor: 1 });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 33, endLine: 2, endColumn: 42 }],
      output: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5, factor: 2, randomize: true });`,
    },
    {
      name: "p-retry minTimeout == maxTimeout",
      code: `import pRetry from 'p-retry';
await pRetry(run, { retries: 5, minTimeout: 1000, maxTimeout: 1000, randomize: true });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 33, endLine: 2, endColumn: 67 }],
      output: null,
    },
    {
      name: "node-retry operation without randomize",
      code: `import retry from 'retry';
const operation = retry.operation({ retries: 5, factor: 3 });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 19, endLine: 2, endColumn: 34 }],
      output: `import retry from 'retry';
const operation = retry.operation({ retries: 5, factor: 3, randomize: true });`,
    },
    {
      name: "node-retry destructured operation()",
      filename: 'r.js',
      code: `const { operation } = require('retry');
const op = operation();`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 12, endLine: 2, endColumn: 21 }],
      output: `const { operation } = require('retry');
const op = operation({ randomize: true });`,
    },
    {
      name: "node-retry timeouts with randomize: false",
      code: `import * as retry from 'retry';
const timeouts = retry.timeouts({ retries: 3, randomize: false });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 47, endLine: 2, endColumn: 63 }],
      output: `import * as retry from 'retry';
const timeouts = retry.timeouts({ retries: 3, randomize: true });`,
    },
    {
      name: "async-retry randomize: false",
      code: `import retry from 'async-retry';
await retry(async () => op(), { retries: 3, randomize: false });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 45, endLine: 2, endColumn: 61 }],
      output: `import retry from 'async-retry';
await retry(async () => op(), { retries: 3, randomize: true });`,
    },
    {
      name: "async-retry factor: 1",
      code: `import retry from 'async-retry';
await retry(async () => op(), { retries: 3, factor: 1 });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 45, endLine: 2, endColumn: 54 }],
      output: `import retry from 'async-retry';
await retry(async () => op(), { retries: 3, factor: 2 });`,
    },
    {
      name: "axios-retry without retryDelay",
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3 });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 3, column: 1, endLine: 3, endColumn: 11 }],
      output: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: axiosRetry.exponentialDelay });`,
    },
    {
      name: "axios-retry with no options: local alias of the import in the fix",
      code: `import axios from 'axios';
import withRetries from 'axios-retry';
withRetries(axios);`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 3, column: 1, endLine: 3, endColumn: 12 }],
      output: `import axios from 'axios';
import withRetries from 'axios-retry';
withRetries(axios, { retryDelay: withRetries.exponentialDelay });`,
    },
    {
      name: "axios-retry constant retryDelay",
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: () => 1000 });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 3, column: 45, endLine: 3, endColumn: 55 }],
      output: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: axiosRetry.exponentialDelay });`,
    },
    {
      name: "axios-retry exponential retryDelay without jitter",
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: (count) => 2 ** count * 100 });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 3, column: 56, endLine: 3, endColumn: 72 }],
      output: `import axios from 'axios';
import axiosRetry from 'axios-retry';
axiosRetry(axios, { retries: 3, retryDelay: (count) => Math.random() * 2 ** count * 100 });`,
    },
    {
      name: "exponential-backoff default jitter none",
      code: `import { backOff } from 'exponential-backoff';
const res = await backOff(() => fetchData(), { numOfAttempts: 5 });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 19, endLine: 2, endColumn: 26 }],
      output: `import { backOff } from 'exponential-backoff';
const res = await backOff(() => fetchData(), { numOfAttempts: 5, jitter: 'full' });`,
    },
    {
      name: "exponential-backoff jitter: 'none'",
      code: `import { backOff } from 'exponential-backoff';
const res = await backOff(() => fetchData(), { jitter: 'none' });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 48, endLine: 2, endColumn: 62 }],
      output: `import { backOff } from 'exponential-backoff';
const res = await backOff(() => fetchData(), { jitter: 'full' });`,
    },
    {
      name: "exponential-backoff timeMultiple: 1",
      code: `import { backOff } from 'exponential-backoff';
const res = await backOff(() => fetchData(), { timeMultiple: 1, jitter: 'full' });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 48, endLine: 2, endColumn: 63 }],
      output: `import { backOff } from 'exponential-backoff';
const res = await backOff(() => fetchData(), { timeMultiple: 2, jitter: 'full' });`,
    },
    {
      name: "RxJS retry(n): immediate resubscription, timer import added",
      code: `import { of } from 'rxjs';
import { retry } from 'rxjs/operators';
const data$ = http.get(url).pipe(retry(3));`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 3, column: 34, endLine: 3, endColumn: 39 }],
      output: `import { of, timer } from 'rxjs';
import { retry } from 'rxjs/operators';
const data$ = http.get(url).pipe(retry({ count: 3, delay: (_error, retryCount) => timer(Math.random() * Math.min(30_000, 100 * 2 ** retryCount)) }));`,
    },
    {
      name: "RxJS retry() with no count: unbounded",
      code: `import { retry, timer } from 'rxjs';
const data$ = http.get(url).pipe(retry());`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 34, endLine: 2, endColumn: 39, message: /forever/ }],
      output: `import { retry, timer } from 'rxjs';
const data$ = http.get(url).pipe(retry({ delay: (_error, retryCount) => timer(Math.random() * Math.min(30_000, 100 * 2 ** retryCount)) }));`,
    },
    {
      name: "RxJS retry({ count, delay: constant })",
      code: `import { retry } from 'rxjs';
const data$ = http.get(url).pipe(retry({ count: 3, delay: 1000 }));`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 52, endLine: 2, endColumn: 63 }],
      output: `import { retry, timer } from 'rxjs';
const data$ = http.get(url).pipe(retry({ count: 3, delay: (_error, retryCount) => timer(Math.random() * Math.min(30_000, 1000 * 2 ** retryCount)) }));`,
    },
    {
      name: "RxJS retry delay function: exponential without jitter",
      code: `import { retry, timer } from 'rxjs';
const data$ = src$.pipe(retry({ count: 5, delay: (_err, n) => timer(500 * 2 ** n) }));`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 69, endLine: 2, endColumn: 81 }],
      output: `import { retry, timer } from 'rxjs';
const data$ = src$.pipe(retry({ count: 5, delay: (_err, n) => timer(Math.random() * 500 * 2 ** n) }));`,
    },
    {
      name: "RxJS retryWhen with a constant delay",
      code: `import { retryWhen, delay, take } from 'rxjs/operators';
const data$ = src$.pipe(retryWhen(errors => errors.pipe(delay(1000), take(3))));`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 57, endLine: 2, endColumn: 68 }],
      output: null,
    },
    {
      name: "cockatiel retry without backoff (immediate, unbounded)",
      code: `import { retry, handleAll } from 'cockatiel';
export const policy = retry(handleAll, {});`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 23, endLine: 2, endColumn: 28, message: /forever/ }],
      output: `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';
export const policy = retry(handleAll, { backoff: new ExponentialBackoff() });`,
    },
    {
      name: "cockatiel ConstantBackoff",
      code: `import { retry, handleAll, ConstantBackoff } from 'cockatiel';
export const policy = retry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(50) });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 67, endLine: 2, endColumn: 90 }],
      output: `import { retry, handleAll, ConstantBackoff, ExponentialBackoff } from 'cockatiel';
export const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff({ initialDelay: 50 }) });`,
    },
    {
      name: "cockatiel ExponentialBackoff with noJitterGenerator",
      code: `import { retry, handleAll, ExponentialBackoff, noJitterGenerator } from 'cockatiel';
export const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff({ generator: noJitterGenerator }) });`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'libNoJitter', line: 2, column: 92, endLine: 2, endColumn: 120 }],
      output: `import { retry, handleAll, ExponentialBackoff, noJitterGenerator, decorrelatedJitterGenerator } from 'cockatiel';
export const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff({ generator: decorrelatedJitterGenerator }) });`,
    },
    {
      name: "superagent .retry(n)",
      code: `import request from 'superagent';
const res = await request.post(url).send(body).timeout(5000).retry(3);`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 62, endLine: 2, endColumn: 70 }],
      output: null,
    },
    {
      name: "got: constant calculateDelay",
      code: `import got from 'got';
const api = got.extend({ timeout: { request: 5000 }, retry: { limit: 5, calculateDelay: () => 1000 } });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 89, endLine: 2, endColumn: 99 }],
      output: null,
    },
    {
      name: "ky: backoffLimit 0",
      code: `import ky from 'ky';
const api = ky.create({ retry: { limit: 5, backoffLimit: 0 } });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 44, endLine: 2, endColumn: 59 }],
      output: null,
    },
    {
      name: "AWS SDK v3 ConfiguredRetryStrategy with a constant delay",
      code: `import { ConfiguredRetryStrategy } from '@smithy/util-retry';
const client = new S3Client({ retryStrategy: new ConfiguredRetryStrategy(4, 1000) });`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 2, column: 77, endLine: 2, endColumn: 81 }],
      output: null,
    },
  ],
});
