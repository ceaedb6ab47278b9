/**
 * Some ✅ examples in the knowledge base are only right if they *behave* right: a repair path that backs off, a send
 * loop that stops, a saga that compensates. These tests run those blocks, taken from the markdown as users read
 * them, against fakes (a fake clock and timers, an in-memory store, a market where nothing fills), and where it
 * helps run the ❌ block too, to show that the harness measures what the example claims.
 *
 * The blocks are transpiled with TypeScript and evaluated with their `declare`d names supplied by the test; no real
 * time passes (the fake clock is advanced explicitly).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { extractCodeBlocks, splitFrontMatter } from '../../src/kb/schema';

const ROOT = path.join(__dirname, '..', '..');

/** The `n`th (1-based) ```ts block of an entry, as the reader sees it. */
function block(entry: string, n: number): string {
  for (const dir of ['incidents', 'patterns']) {
    const file = path.join(ROOT, 'knowledge', dir, `${entry}.md`);
    if (!fs.existsSync(file)) continue;
    const blocks = extractCodeBlocks(splitFrontMatter(fs.readFileSync(file, 'utf8')).body).filter(b => b.lang === 'ts');
    assert.ok(blocks[n - 1], `${entry} has no ts block ${n}`);
    return blocks[n - 1].code;
  }
  throw new Error(`no entry ${entry}`);
}

/** A fake monotonic clock with timers; Date.now() is the same clock plus an offset that tests can step. */
class FakeClock {
  now = 0;
  wallOffset = 1_700_000_000_000;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  readonly performance = { now: () => this.now };
  readonly Date = { now: () => this.now + this.wallOffset };
  readonly setTimeout = (fn: () => void, ms = 0): number => {
    this.timers.push({ at: this.now + Math.max(0, Number(ms) || 0), seq: this.seq++, fn });
    return 0;
  };
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
  /** Runs every timer due up to `t`, in order, letting promise chains settle after each. */
  async advanceTo(t: number): Promise<void> {
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > t) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
      await this.settle();
    }
    this.now = t;
    await this.settle();
  }
}

/** Transpiles an example and evaluates it; `globals` supplies its declared names, `modules` replaces imports. */
function load(code: string, globals: Record<string, unknown>, modules: Record<string, unknown> = {}): Record<string, any> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: Record<string, unknown> = {};
  const req = (id: string) => (id in modules ? modules[id] : require(id));
  new Function('exports', 'require', ...Object.keys(globals), js)(exports, req, ...Object.values(globals));
  return exports;
}

test('facebook-2010: with an invalid value in the database, the ✅ reader backs off; the ❌ one reads on every call', async () => {
  const reads: Record<string, number> = {};
  for (const [label, n] of [['bad', 1], ['good', 2]] as const) {
    const clock = new FakeClock();
    const store = new Map<string, { value: string }>();
    reads[label] = 0;
    const m = load(block('facebook-2010', n), {
      performance: clock.performance,
      setTimeout: clock.setTimeout,
      cache: { get: async (k: string) => store.get(k), set: async (k: string, v: { value: string }) => void store.set(k, v), del: async (k: string) => void store.delete(k) },
      db: { readConfig: async () => (reads[label]++, { value: 'INVALID' }) },
      isValid: (c: { value: string }) => c.value !== 'INVALID',
      report: () => undefined,
    });
    for (let t = 0; t < 20_000; t += 20) {
      await clock.advanceTo(t);
      await m.getConfig('feature-x'); // one process reading its config every 20 ms for 20 s
    }
  }
  assert.equal(reads.bad, 1_000, 'the ❌ reader goes to the database on every call');
  assert.ok(reads.good <= 10, `the ✅ reader made ${reads.good} database reads in 20 s; it should back off (≤ 10)`);
});

test('facebook-2010: the ✅ reader recovers once the database answers again', async () => {
  const clock = new FakeClock();
  const store = new Map<string, { value: string }>([['feature-x', { value: 'INVALID' }]]);
  const m = load(block('facebook-2010', 2), {
    performance: clock.performance,
    setTimeout: clock.setTimeout,
    cache: { get: async (k: string) => store.get(k), set: async (k: string, v: { value: string }) => void store.set(k, v) },
    db: { readConfig: async () => { if (clock.now < 10_000) throw new Error('overloaded'); return { value: 'ok' }; } },
    isValid: (c: { value: string }) => c.value !== 'INVALID',
    report: () => undefined,
  });
  let served: unknown;
  for (let t = 0; t < 300_000 && !served; t += 50) {
    await clock.advanceTo(t);
    served = await m.getConfig('feature-x');
  }
  assert.deepEqual(served, { value: 'ok' });
});

test('knight-capital-2012: the ✅ send loop stops when child orders never fill, and stops at the parent quantity when they do', async () => {
  let sent = 0;
  const run = (fill: (qty: number) => number) => {
    sent = 0;
    const m = load(block('knight-capital-2012', 2), {
      sendChildOrder: async (_o: unknown, qty: number) => {
        if (++sent > 10_000) throw new Error('test stop: the loop did not end');
        return fill(qty);
      },
      expectedBuild: async () => 'unknown',
      killSwitch: { allowSend: () => true }, // the loop's own bound must stop it
      process: { env: {} },
    });
    return m.routeRetailLiquidity({ id: 'o1', symbol: 'XYZ', qty: 1_000, flags: new Set(['RLP_V1']) }, 10);
  };
  await assert.rejects(run(() => 0), /child orders sent, 0 filled; stopping/);
  assert.ok(sent <= 20, `${sent} child orders sent with no fills`);
  assert.equal(await run(qty => Math.min(qty, 300)), 1_000);
  assert.equal(sent, 4);
});

test('sagas: the ✅ saga compensates the failed step too, and a second run changes nothing', async () => {
  const calls: string[] = [];
  const status = new Map<string, string>();
  const states = new Map<string, string>();
  const log = {
    status: async () => status.get('s1') ?? 'running',
    setStatus: async (_id: string, s: string) => void status.set('s1', s),
    steps: async () => new Map(states),
    record: async (_id: string, step: string, s: string) => void states.set(step, s),
  };
  const step = (name: string, fails = false) => ({
    name,
    run: async () => { calls.push(`run ${name}`); if (fails) throw new Error('timed out'); },
    compensate: async () => void calls.push(`undo ${name}`),
  });
  const { runSaga } = load(block('sagas', 2), { setTimeout: (fn: () => void) => (fn(), 0) });
  const steps = [step('reserve'), step('charge'), step('ship', true)];
  assert.equal(await runSaga('s1', steps, log, () => undefined), 'compensated');
  assert.deepEqual([...new Set(calls)], ['run reserve', 'run charge', 'run ship', 'undo ship', 'undo charge', 'undo reserve']);
  calls.length = 0;
  assert.equal(await runSaga('s1', steps, log, () => undefined), 'compensated');
  assert.deepEqual(calls, [], 'a re-run neither goes forward again nor compensates twice');
});

test('circuit-breaker: HTTP 5xx answers open the ✅ breaker (fetch resolves on them)', async () => {
  let fetches = 0;
  const { getStock } = load(block('circuit-breaker', 2), {
    fetch: async () => (fetches++, { ok: false, status: 503, json: async () => ({}) }),
  });
  const outcomes: string[] = [];
  for (let i = 0; i < 8; i++) outcomes.push(await getStock('sku-1').then(() => 'ok', (e: Error) => e.constructor.name));
  assert.equal(fetches, 5, 'the breaker opens after 5 consecutive failures');
  assert.deepEqual(outcomes.slice(5), ['BrokenCircuitError', 'BrokenCircuitError', 'BrokenCircuitError']);
});

test('linux-leap-second-2012: after the wall clock jumps ahead, the ❌ loop polls back to back; the ✅ loop keeps its pace', async () => {
  const polls: Record<string, number> = {};
  for (const [label, n] of [['bad', 1], ['good', 2]] as const) {
    const clock = new FakeClock();
    let count = 0;
    const m = load(
      block('linux-leap-second-2012', n),
      { setTimeout: clock.setTimeout, Date: clock.Date, pollQueue: async () => void count++ },
      { 'node:perf_hooks': { performance: clock.performance } },
    );
    void m.pollForever();
    await clock.advanceTo(10_000);
    const before = count;
    clock.wallOffset += 60_000; // an NTP step, or a VM resumed: the wall clock is a minute ahead
    await clock.advanceTo(11_000);
    polls[label] = count - before;
  }
  assert.ok(polls.bad >= 100, `❌: ${polls.bad} polls in the second after the jump`);
  assert.ok(polls.good <= 3, `✅: ${polls.good} polls in the second after the jump`);
});

test('cloudflare-leap-second-2017: a backwards step makes the ❌ picker throw; the ✅ picker keeps choosing, mostly the faster upstream', async () => {
  for (const [n, throws] of [[1, true], [2, false]] as const) {
    const clock = new FakeClock();
    const rtt: Record<string, number> = { fast: 5, slow: 80 };
    let stepBack = false;
    const sendQuery = async (upstream: string) => {
      clock.now += rtt[upstream];
      if (stepBack) clock.wallOffset -= 1_000; // the leap second: the wall clock goes back one second mid-query
      stepBack = false;
      return new Uint8Array();
    };
    const m = load(block('cloudflare-leap-second-2017', n), { Date: clock.Date, sendQuery }, { 'node:perf_hooks': { performance: clock.performance } });
    await m.resolveVia('fast', new Uint8Array());
    await m.resolveVia('slow', new Uint8Array());
    let fast = 0;
    for (let i = 0; i < 1_000; i++) if (m.pickUpstream(['fast', 'slow']) === 'fast') fast++;
    assert.ok(fast > 800, `block ${n}: the faster upstream was picked ${fast} times in 1,000`);
    stepBack = true;
    await m.resolveVia('slow', new Uint8Array());
    if (throws) assert.throws(() => m.pickUpstream(['fast', 'slow']), RangeError);
    else assert.doesNotThrow(() => m.pickUpstream(['fast', 'slow']));
  }
});

test('github-2018: a deposed primary keeps its granted epoch, so fenced storage rejects its writes', async () => {
  let storageEpoch = 0;
  const written: string[] = [];
  const { becomePrimary, saveComment } = load(block('github-2018', 2), {
    db: {
      write: async (_sql: string, params: unknown[], epoch: number) => {
        if (epoch < storageEpoch) throw new Error(`fenced: epoch ${epoch} < ${storageEpoch}`);
        storageEpoch = epoch;
        written.push(String(params[0]));
      },
    },
    heartbeat: async () => true,
    promoteWithNewEpoch: async () => 2,
  });
  becomePrimary(1);
  await saveComment('before the partition');
  storageEpoch = 2; // a new primary was promoted with epoch 2 and has written
  await assert.rejects(saveComment('from the old primary'), /fenced/);
  assert.deepEqual(written, ['before the partition']);
});

test('timeouts-and-deadlines: grpcDeadline() is a wall-clock Date for the remaining budget', () => {
  const clock = new FakeClock();
  const { Deadline } = load(block('timeouts-and-deadlines', 2), { performance: clock.performance });
  const deadline = new Deadline(2_000);
  clock.now += 500;
  const d: Date = deadline.grpcDeadline(200);
  assert.ok(d instanceof Date);
  const ms = d.getTime() - Date.now();
  assert.ok(ms > 1_200 && ms <= 1_300, `deadline ${ms} ms ahead, expected about 2,000 − 500 − 200`);
});
