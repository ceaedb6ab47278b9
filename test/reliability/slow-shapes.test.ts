// Regression tests for the super-linear analysis of issue 21 (item 2): the shapes of
// /work/shared/repro/reliability/slow, generated here at sizes where the old quadratic walks took 3-30 s (so a
// regression runs into the 2 s per-rule budget and shows up as a notice), analysed with the default settings. Each
// asserts the outcome: every rule ran to the end (no notice) and the findings the code calls for.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeText } from '../helpers/analyze';
import { MAX_FINDINGS_PER_RULE } from '../../src/core/guard';
import { STRESS_SHAPES } from './shapes';

async function analyse(shape: string, n: number) {
  const r = await analyzeText(STRESS_SHAPES[shape](n), `/w/${shape}.ts`);
  assert.deepEqual(r.ruleErrors, [], `${shape}(${n}): every rule runs to the end`);
  const count: Record<string, number> = {};
  for (const f of r.findings) count[f.ruleId] = (count[f.ruleId] ?? 0) + 1;
  return count;
}

// before: ~4.7 s; every one of the nested calls has no timeout
test('fetch( nested 500 deep', async () => assert.deepEqual(await analyse('nested-fetch', 500), { 'missing-timeout': 500 }));
// before: ~11-17 s; the innermost fetch has no timeout, and a loop whose success never leaves it is not a retry
test('for(;;){try{ nested 1,000 deep', async () => assert.deepEqual(await analyse('for-try', 1000), { 'missing-timeout': 1 }));
// before: ~20 s
test('Date.now() - … 4,000 long', async () => { await analyse('datenow-chain', 4000); });
// before: ~7.6 s
test('await ×10,000', async () => assert.deepEqual(await analyse('await-chain', 10000), { 'missing-timeout': 1 }));
// before: ~30 s
test('() => ×10,000', async () => assert.deepEqual(await analyse('arrows', 10000), { 'missing-timeout': 1 }));
// before: ~30 s
test('async function nested 4,000 deep', async () => assert.deepEqual(await analyse('async-fns', 4000), { 'missing-timeout': 1 }));
// before: ~3.3 s
test('f( nested 3,000 deep', async () => assert.deepEqual(await analyse('nested-calls', 3000), {}));
// before: 2.8 s at 2,000 (quadratic: 25,000 took > 200 s)
test('1,500 fetch calls inside a syntax error', async () => { await analyse('syntax-error-fetch', 1500); });
test('200 retry functions side by side: each retries after a constant delay, each fetch has no timeout', async () =>
  assert.deepEqual(await analyse('sibling-retries', 200), { 'missing-timeout': 200, 'retry-without-backoff': 200 }));

test(`a rule stops at ${MAX_FINDINGS_PER_RULE} findings in a file with a notice; its findings so far and the other rules' stand`, async () => {
  const calls = MAX_FINDINGS_PER_RULE + 300;
  const text = `export async function many(u: string) {\n${'  await fetch(u);\n'.repeat(calls)}}\n` +
    `export async function retry(u: string) {\n  for (let i = 0; i < 3; i++) {\n    try { return await fetch(u); } catch { await new Promise(r => setTimeout(r, 100)); }\n  }\n}\n`;
  const r = await analyzeText(text, '/w/generated-like.ts');
  assert.equal(r.findings.filter(f => f.ruleId === 'missing-timeout').length, MAX_FINDINGS_PER_RULE);
  // the retry at the end is still reported (its own fetch is past the cap)
  assert.equal(r.findings.filter(f => f.ruleId === 'retry-without-backoff' && f.startPos.line > calls).length, 1);
  assert.deepEqual(r.ruleErrors, [`rule missing-timeout stopped after ${MAX_FINDINGS_PER_RULE} findings in /w/generated-like.ts; the rest of the file is not reported for it`]);
});
