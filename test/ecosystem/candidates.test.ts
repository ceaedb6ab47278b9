/** The syntax-only recall candidate generator on small synthetic files: what it enumerates, and what it leaves out. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initParser, loadLanguage } from '../../src/core/parser';
import { drawExtraSample, drawRecallSample, drawRoundSample, generateForText, ofRound } from './lib/candidates';
import type { Candidate } from './lib/measure';

const gen = (code: string, file = 'src/x.ts') => generateForText(code, file).map(c => `${c.line}-${c.endLine} ${c.family} ${c.kind}`);

before(async () => { await initParser(); await loadLanguage('typescript'); await loadLanguage('tsx'); });

describe('candidate generator', () => {
  it('handlers: routes, Nest, Next.js, tRPC, consumers', () => {
    assert.deepEqual(gen([
      "import { Worker } from 'bullmq';",
      "router.post('items.create', auth(), async ctx => { await Item.create(ctx.body); });",
      'app.patch("/x/:id", controller.update);',
      'client.post("/x", body);',
      'app.route("/y").post(handler);',
      "class C { @Post('x') @UseGuards(G) async create() {} @Get() list() {} @EventPattern('e') on() {} }",
      'export const t = p.mutation(async () => 1);',
      'consumer.run({ eachMessage: async ({ message }) => {} });',
      "new Worker('q', async job => {});",
      "fastify.route({ method: 'POST', url: '/z', handler });",
    ].join('\n')), [
      '2-2 handlers route.post',
      '3-3 handlers route.patch',
      '5-5 handlers route.post',
      '6-6 handlers nest-post',
      '6-6 handlers nest-message-pattern',
      '7-7 handlers trpc-mutation',
      '8-8 handlers kafka-consumer',
      '9-9 handlers bullmq-worker',
      '10-10 handlers fastify-route',
    ]);
    assert.deepEqual(gen('export async function POST(req: Request) {\n  return new Response();\n}\nexport async function GET() {}', 'app/api/x/route.ts'), ['1-3 handlers route-export.post']);
    assert.deepEqual(gen('export async function POST() {}', 'src/lib/post.ts'), []);
    assert.deepEqual(gen('export const PATCH = async (req, res) => {\n  await update(req);\n};', 'src/api/admin/orders/route.ts'), ['1-3 handlers route-export.patch']);
    assert.deepEqual(gen("export default async function h(req, res) {\n  if (req.method === 'POST') {\n    await create();\n  }\n}", 'pages/api/x.ts'), ['2-4 handlers next-pages-method']);
  });

  it('retry: loops with a catch, recursion from a catch, libraries, queue options', () => {
    assert.deepEqual(gen([
      "import pRetry from 'p-retry';",
      'while (true) { try { await op(); break; } catch { await new Promise(r => setTimeout(r, 1000)); } }',
      'for (let i = 0; i < 3; i++) { try { await op(); } catch {} }',
      'for (const x of items) { try { await op(x); } catch {} }',
      'for (const x of items) { await op(x); await sleep(10); }',
      'async function connect() { try { await c.connect(); } catch (e) { await sleep(1000); return connect(); } }',
      'await pRetry(() => run(), { retries: 3 });',
      "queue.add('x', data, { attempts: 3, backoff: { type: 'exponential', delay: 1000 } });",
      'const user = { attempts: 3 };',
      'await withRetry(() => op(), { retries: 3 });',
      'const d = calculateRetryDelay(n);',
    ].join('\n')), [
      '2-2 retry loop-catch-sleep',
      '3-3 retry loop-catch',
      '6-6 retry recursive-catch',
      '7-7 retry lib-p-retry',
      '8-8 retry queue-options',
      '10-10 retry retry-helper-call',
    ]);
  });

  it('wall-clock: reads that reach a subtraction, comparison or id, through a variable or a field', () => {
    assert.deepEqual(gen([
      'const t0 = Date.now();',
      'work();',
      'log(Date.now() - t0);',
      'const key = `${prefix}-${Date.now()}`;',
      'const row = { createdAt: new Date() };',
      'if (lock.at < new Date()) {}',
      'class S { private started = Date.now(); elapsed() { return Date.now() - this.started; } }',
      'console.log(new Date().toISOString());',
    ].join('\n')), [
      '1-3 wall-clock subtraction',
      '3-3 wall-clock subtraction',
      '4-4 wall-clock id',
      '6-6 wall-clock comparison',
      '7-7 wall-clock subtraction',
      '7-7 wall-clock subtraction',
    ]);
  });

  it('timeout: outbound HTTP calls and clients, by import', () => {
    assert.deepEqual(gen([
      "import axios from 'axios';",
      "import { Pool } from 'pg';",
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import https from 'node:https';",
      "await fetch('https://x');",
      "axios.get('https://x');",
      'const api = axios.create({ baseURL: b });',
      "api.get('/y');",
      'new Pool({});',
      'new S3Client({});',
      "https.request('https://x', cb);",
      "other.get('https://x');",
    ].join('\n')), [
      '5-5 timeout fetch',
      '6-6 timeout axios-call',
      '7-7 timeout axios-create',
      '9-9 timeout pg-client',
      '10-10 timeout aws-sdk-client',
      '11-11 timeout http-request',
    ]);
    // a local `fetch` imported from a library that is not an HTTP client is not a candidate
    assert.deepEqual(gen("import { fetch } from 'some-cache';\nfetch('k');"), []);
  });

  it('the recall sample is seeded, per family and half, and independent of input order', () => {
    const cands: Candidate[] = [];
    for (let i = 0; i < 300; i++) cands.push({ id: `id${i}`, repo: 'o/r', commit: 'c', path: `f${i}.ts`, line: 1, endLine: 1, family: (['timeout', 'retry', 'handlers', 'wall-clock'] as const)[i % 4], kind: 'k', half: i % 3 ? 'tuning' : 'heldout' });
    const a = drawRecallSample(cands, 10, 'seed');
    const b = drawRecallSample([...cands].reverse(), 10, 'seed');
    assert.deepEqual([...a.values()].map(x => x.map(c => c.id)), [...b.values()].map(x => x.map(c => c.id)));
    for (const rows of a.values()) {
      assert.equal(rows.filter(r => r.half === 'heldout').length, 10);
      assert.equal(rows.filter(r => r.half === 'tuning').length, 10);
      assert.equal(new Set(rows.map(r => r.family)).size, 1);
    }
    assert.notDeepEqual([...drawRecallSample(cands, 10, 'other').values()].map(x => x.map(c => c.id)), [...a.values()].map(x => x.map(c => c.id)));
  });

  it('the extended sample is tuning-only, disjoint from the main sample, and the next candidates by rank', () => {
    const cands: Candidate[] = [];
    for (let i = 0; i < 300; i++) cands.push({ id: `id${i}`, repo: 'o/r', commit: 'c', path: `f${i}.ts`, line: 1, endLine: 1, family: (['timeout', 'retry', 'handlers', 'wall-clock'] as const)[i % 4], kind: 'k', half: i % 3 ? 'tuning' : 'heldout' });
    const main = drawRecallSample(cands, 10, 'seed');
    const extra = drawExtraSample(cands, 15, 10, 'seed');
    const wide = drawRecallSample(cands, 25, 'seed');
    for (const [fam, rows] of extra) {
      assert.equal(rows.length, 15);
      assert.ok(rows.every(r => r.half === 'tuning' && r.family === fam && r.sample === 'extra'));
      const inMain = new Set(main.get(fam)!.map(c => c.id));
      assert.ok(rows.every(r => !inMain.has(r.id)));
      assert.deepEqual(rows.map(r => r.id), wide.get(fam)!.filter(c => c.half === 'tuning').slice(10).map(c => c.id));
    }
    // the extended held-out sample: the next held-out candidates by rank, never a tuning one
    for (const [fam, rows] of drawExtraSample(cands, 15, 10, 'seed', 'heldout', 'xh')) {
      assert.ok(rows.length > 0 && rows.every(r => r.half === 'heldout' && r.family === fam && r.sample === 'xh'));
      assert.deepEqual(rows.map(r => r.id), wide.get(fam)!.filter(c => c.half === 'heldout').slice(10).map(c => c.id));
    }
  });

  it('round-2 repositories stay out of the round-1 samples and get their own seeded tuning sample', () => {
    const repos = [{ repo: 'o/one', split: 'tuning' }, { repo: 'o/held', split: 'heldout' }, { repo: 'o/two', split: 'tuning', round: 2 }] as never;
    const cands: Candidate[] = [];
    for (let i = 0; i < 300; i++) {
      const repo = (['o/one', 'o/held', 'o/two'] as const)[i % 3];
      cands.push({ id: `id${i}`, repo, commit: 'c', path: `f${i}.ts`, line: 1, endLine: 1, family: (['timeout', 'retry', 'handlers', 'wall-clock'] as const)[i % 4], kind: 'k', half: repo === 'o/held' ? 'heldout' : 'tuning' });
    }
    const r1 = ofRound(cands, 1, repos), r2 = ofRound(cands, 2, repos);
    assert.equal(r1.length + r2.length, 300);
    assert.ok(r1.every(c => c.repo !== 'o/two') && r2.every(c => c.repo === 'o/two'));
    // the round-1 sample over round-1 candidates is the one drawn before round 2 existed
    assert.deepEqual([...drawRecallSample(r1, 10, 'seed').values()].map(x => x.map(c => c.id)), [...drawRecallSample(cands.filter(c => c.repo !== 'o/two'), 10, 'seed').values()].map(x => x.map(c => c.id)));
    const round = drawRoundSample(r2, 8, 'seed');
    for (const [fam, rows] of round) {
      assert.equal(rows.length, 8);
      assert.ok(rows.every(r => r.repo === 'o/two' && r.family === fam && r.sample === 'r2'));
      assert.deepEqual(rows.map(r => r.id), drawRecallSample(r2, 8, 'seed').get(fam)!.filter(c => c.half === 'tuning').map(c => c.id));
    }
  });
});
