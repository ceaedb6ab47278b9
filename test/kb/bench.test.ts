import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { fixtureIndex } from './fixture';
import { runKbBench } from '../../bench/kb';
import { defaultKbPath } from '../../src/kb';

test('runKbBench returns load and query medians over at least 10 loads and 200 queries', async () => {
  const r = await runKbBench({ index: await fixtureIndex() });
  assert.ok(r.kbIndexLoadMs > 0 && Number.isFinite(r.kbIndexLoadMs));
  assert.ok(r.kbQueryMedianMs > 0 && Number.isFinite(r.kbQueryMedianMs));
  assert.ok(r.queries >= 200, `${r.queries} queries`);
  assert.equal(r.documents, 5);
});

test('defaultKbPath resolves to <repo>/dist/kb.json when running from sources', () => {
  assert.equal(defaultKbPath(), path.join(__dirname, '..', '..', 'dist', 'kb.json'));
});
