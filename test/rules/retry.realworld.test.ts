import { ruleTester } from '../helpers/rule-tester';

// Distilled from a real-code precision pass (docs/precision/retry.md). Each case restates the shape of a
// false positive / false negative seen in public repositories, written in our own words.
ruleTester(['retry-without-backoff', 'retry-without-jitter'], {
  valid: [
    {
      name: 'redux-saga keep-alive supervisor (spawn + while(true) + call(saga)) restarts watchers, not requests',
      code: `import { all, call, spawn } from 'redux-saga/effects';
export default function* root(sagas) {
  yield all(sagas.map((saga) => spawn(function* () {
    while (true) {
      try { yield call(saga); break; } catch (e) { console.error(e); }
    }
  })));
}`,
    },
    {
      name: 'self-call on 429 whose delay comes from Retry-After: the server decides',
      code: `export function getWithRetry(url, n = 1) {
  return fetch(url).then((res) => {
    if (res.status === 429) return new Promise((ok) => setTimeout(() => ok(getWithRetry(url, n + 1)), 1000 * Number(res.headers.get('retry-after'))));
    return res;
  });
}`,
    },
    {
      name: 'self-call from a success branch of a status check is not a failure path',
      code: `async function page(url) {
  const res = await fetch(url);
  if (res.status === 200) { await sleep(1000); return page(url); }
  return res;
}`,
    },
    {
      name: "'message' listener that reschedules is not a failure path",
      code: `function listen(url) {
  const s = new WebSocket(url);
  const again = () => setTimeout(listen, 1000, url);
  s.addEventListener('message', again);
}`,
    },
    // Round 2 (held-out sample, docs/precision/retry.md)
    {
      name: 'a delay parameter rewritten with jitter after each failure stays silent',
      code: `export async function attempt(op, gap = 200) {
  for (let i = 0; i < 5; i++) {
    try { return await op(); } catch (e) {
      await new Promise((r) => setTimeout(r, gap));
      gap = gap * 2 * (0.5 + Math.random());
    }
  }
}`,
    },
    {
      name: 'a catch that exits the process unconditionally does not go round again',
      code: `export async function start(client, log) {
  for (let i = 0; i < 3; i++) {
    try { await client.connect(); return; } catch (e) { log(e); process.exit(1); }
  }
}`,
    },
    // Round 3 (held-out sample, docs/precision/retry.md)
    {
      name: 'superagent-retry-delay with a table of delays is not a constant delay',
      code: `const request = require('superagent');
require('superagent-retry-delay')(request);
module.exports = (u) => request.get(u).retry(3, [1000, 4000, 16000]);`,
      filename: 'x.js',
    },
    {
      name: 'a deadline raced against the call is not the pause between attempts: the jittered sleep decides',
      code: `function within(p, ms) {
  return Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error('deadline')), ms))]);
}
export async function load(url) {
  for (let n = 0; n < 4; n++) {
    try {
      return await within(fetch(url), 3000);
    } catch (e) {
      await new Promise((r) => setTimeout(r, Math.random() * 250 * 2 ** n));
    }
  }
  throw new Error('unavailable');
}`,
    },
    {
      name: 'a named rejection handler that calls a different function is not a self-call',
      code: `function primary(u) {
  function fallback() { return mirror(u); }
  return fetch(u).catch(fallback);
}`,
    },
  ],
  invalid: [
    {
      name: 'saga: named generator expression re-entering itself (yield*) from its catch after a constant delay',
      code: `import { call, put } from 'redux-saga/effects';
import { delay } from 'redux-saga';
export const make = (ok, fail) => function* callApi(req, i = 0) {
  try {
    yield put(ok(yield call(req)));
  } catch (e) {
    if (i < 2) {
      yield call(delay, 500);
      yield* callApi(req, i + 1);
    } else {
      yield put(fail(e));
    }
  }
};`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 9, column: 14, endLine: 9, endColumn: 33 }],
    },
    {
      name: 'self-call on HTTP 429 after a constant sleep (no try/catch)',
      code: `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function getJson(url, wait = 250) {
  const res = await fetch(url);
  if (res.ok) return res.json();
  if (res.status === 429) {
    await sleep(wait);
    return getJson(url, wait);
  }
  throw new Error(String(res.status));
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 7, column: 12, endLine: 7, endColumn: 30 }],
    },
    {
      name: 'self-call on 5xx after a constant window.setTimeout promise',
      code: `export const load = async (u: string): Promise<Response> => {
  const r = await fetch(u);
  if (r.status >= 500) {
    await new Promise<void>((done) => { window.setTimeout(() => done(), 8_000); });
    return load(u);
  }
  return r;
};`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 5, column: 12, endLine: 5, endColumn: 19 }],
    },
    {
      name: "reconnect through a named 'close' listener that setTimeouts the connect function",
      code: `export function keepAlive(url: string, onOpen: (s: WebSocket) => void, pause = 2000) {
  const open = () => {
    const s = new WebSocket(url);
    const retry = () => setTimeout(open, pause);
    s.addEventListener('close', retry);
    onOpen(s);
  };
  open();
}`,
      filename: 'x.ts',
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 4, column: 25, endLine: 4, endColumn: 48 }],
    },
    // Round 2 (held-out sample, docs/precision/retry.md)
    {
      name: 'delay parameter doubled by plain assignment (wait = wait * 2) grows without jitter',
      code: `const pause = (ms) => new Promise((r) => setTimeout(r, ms));
export async function withRetries(task, wait = 500, tries = 4) {
  for (let n = 0; n < tries; n++) {
    try {
      return await task();
    } catch (err) {
      if (n === tries - 1) throw err;
      await pause(wait);
      wait = wait * 2;
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-jitter', messageId: 'noJitter', line: 3, column: 3, endLine: 3, endColumn: 6 }],
    },
    {
      name: 'wait-for-database script whose success leaves through process.exit(0), constant sleep in catch',
      code: `const db = require('./db');
const TRIES = 5;
(async () => {
  for (let k = 1; k <= TRIES; k++) {
    try {
      await db.ping();
      process.exit(0);
    } catch {
      if (k === TRIES) process.exit(1);
      await new Promise((ok) => setTimeout(ok, 2000));
    }
  }
})();`,
      filename: 'x.js',
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 4, column: 3, endLine: 4, endColumn: 6 }],
    },
    {
      name: 'a synchronous call retried after an awaited constant sleep in the catch (RULES: "awaits/calls")',
      code: `async function connectWithRetry(attempts = 10) {
  for (let i = 0; i < attempts; i++) {
    try {
      return openSerialPort(PORT);
    } catch (err) {
      log.warn('port busy, retrying', err);
      await sleep(3000);
    }
  }
  throw new Error('port unavailable');
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 2, column: 3, endLine: 2, endColumn: 6 }],
    },
    // Round 3 (held-out sample, docs/precision/retry.md)
    {
      name: 'named rejection handler (.catch(onFail)) re-calls the outer function after a constant wait; bounded, so no "forever"',
      code: `const pause = (ms) => new Promise((r) => setTimeout(r, ms));
function getJson({ url, gap = 800, left = 3 }) {
  function onFail(err) {
    if (left <= 1) throw err;
    return pause(gap).then(() => getJson({ url, gap, left: left - 1 }));
  }
  return fetch(url).then((r) => r.json()).catch(onFail);
}`,
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'constantDelay', line: 5, column: 34, endLine: 5, endColumn: 71, message: /^(?!.*forever)/ }],
    },
    {
      name: 'RxJS retry imported from its per-operator path (rxjs/operators/retry) with no delay',
      code: `import { retry } from 'rxjs/operators/retry';
export const fetchCatalog = (http, url) => http.get(url).pipe(retry(3));`,
      filename: 'x.ts',
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 2, column: 63, endLine: 2, endColumn: 68 }],
    },
    {
      name: 'superagent-retry-delay with a constant delay between retries',
      code: `const request = require('superagent');
require('superagent-retry-delay')(request);
module.exports = (u) => request.get(u).retry(5, 2500);`,
      filename: 'x.js',
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libConstant', line: 3, column: 40, endLine: 3, endColumn: 54 }],
    },
    {
      name: 'superagent seen through Babel interop (_interopRequireDefault(require(...)).default) retries immediately',
      code: `var _sa = require('superagent');
var _sa2 = _interopRequireDefault(_sa);
function _interopRequireDefault(obj) { return obj && obj.__esModule ? obj : { default: obj }; }
exports.default = (u) => _sa2.default.get(u).retry(4);`,
      filename: 'x.js',
      errors: [{ ruleId: 'retry-without-backoff', messageId: 'libNoDelay', line: 4, column: 46, endLine: 4, endColumn: 54 }],
    },
    {
      name: 'a loop around a call raced against a rejecting timer has no pause: immediate retry',
      code: `function within(p, ms) {
  return Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error('deadline')), ms))]);
}
export async function load(url, tries, ms) {
  for (let n = 0; n < tries; n++) {
    try {
      return await within(fetch(url), ms);
    } catch (e) {
      console.warn(e.message);
    }
  }
}`,
      errors: [{ ruleId: 'retry-without-backoff', line: 5, column: 3, endLine: 5, endColumn: 6 }],
    },
  ],
});
