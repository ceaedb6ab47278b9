/**
 * wall-clock-ordering across files (RULES v2 project-wide view): a helper in another file that returns the wall clock,
 * used as an id, a storage key or a version, is reported at the call (naming the helper and its file, with the helper's
 * return as related information). Id makers are reported at their own return only; unresolvable callees stay unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { analyzeProject } from '../../src/project/analyze';
import { defaultConfig } from '../../src/core/config';
import { discoverFiles } from '../../src/core/files';
import { allRules } from '../../src/rules';
import { tempProject } from '../helpers/temp-project';

const IDS = [
  "export const stamp = () => Date.now().toString(36);",
  "export function generateOrderId(): string { return `ord_${Date.now()}`; }",
  "export const randomId = () => `${Date.now()}-${crypto.randomUUID()}`;",
  "export const nowIso = () => new Date().toISOString();",
  '',
].join('\n');

async function run(files: Record<string, string>) {
  const dir = tempProject(files, 'il-wc-');
  const config = defaultConfig(dir);
  const r = await analyzeProject(discoverFiles(['.'], dir, config).files, { config, rules: allRules });
  const found = r.files.flatMap(f => f.findings.filter(x => x.ruleId === 'wall-clock-ordering').map(x => ({
    at: `${path.relative(dir, f.file)}:${x.startPos.line + 1}:${x.startPos.column + 1}-${x.endPos.line + 1}:${x.endPos.column + 1}`,
    messageId: x.messageId, message: x.message, related: x.related?.map(l => `${path.relative(dir, l.file)}:${l.startPos.line + 1}`), incidents: x.incidents, patterns: x.patterns,
  })));
  return found.sort((a, b) => a.at.localeCompare(b.at));
}

test('across files: an imported clock helper used as a storage key, an id and a version is reported at each call', async () => {
  const found = await run({
    'src/lib/ids.ts': IDS,
    'src/lib/index.ts': "export * from './ids';\n",
    'src/upload.ts': "import { stamp } from './lib';\nexport async function put(name: string, body: Buffer) {\n  const objectKey = `uploads/${stamp()}-${name}`;\n  await s3.putObject({ Key: objectKey, Body: body });\n}\n",
    'src/messages.ts': "import * as ids from './lib/ids';\nexport const message = (body: string) => ({ id: ids.stamp(), body });\n",
    'src/docs.ts': "import { stamp } from './lib/ids';\nexport function bump(doc: { version: string }) { doc.version = stamp(); }\n",
  });
  assert.deepEqual(found.map(f => `${f.at} ${f.messageId}`), [
    'src/docs.ts:2:64-2:71 version',
    'src/lib/ids.ts:2:59-2:69 id',
    'src/messages.ts:2:49-2:60 id',
    'src/upload.ts:3:32-3:39 id',
  ]);
  const upload = found.find(f => f.at.startsWith('src/upload.ts'))!;
  assert.match(upload.message, /a file name or storage key \(`objectKey`\) made unique with `stamp\(\)`, which returns the wall clock \(ids\.ts:1: `Date\.now\(\)\.toString\(36\)`\)/);
  assert.deepEqual(upload.related, ['src/lib/ids.ts:1']);
  assert.deepEqual([upload.incidents, upload.patterns], [[], ['logical-clocks']]);
  assert.match(found.find(f => f.at.startsWith('src/messages.ts'))!.message, /`ids\.stamp\(\)` used as an id \(`id`\)/);
  assert.match(found.find(f => f.at.startsWith('src/docs.ts'))!.message, /`version` set from `stamp\(\)`/);
});

test('across files: id makers are reported once (at their return), random or formatted helpers and unknown callees are not', async () => {
  const found = await run({
    'src/lib/ids.ts': IDS,
    'src/orders.ts': "import { generateOrderId } from './lib/ids';\nexport const order = () => ({ id: generateOrderId(), total: 1 });\n",
    'src/safe.ts': "import { randomId, nowIso } from './lib/ids';\nexport const a = { id: randomId() };\nexport const b = { createdAt: nowIso(), requestId: nowIso() };\n",
    'src/pkg.ts': "import { makeId } from 'some-id-package';\nexport const c = { id: makeId() };\n",
    'src/local.ts': "function localStamp() { return Math.random().toString(36); }\nexport const d = { id: localStamp() };\n",
  });
  assert.deepEqual(found.map(f => `${f.at} ${f.messageId}`), ['src/lib/ids.ts:2:59-2:69 id']);
});

test('same file: a helper returning the clock, used as an id further down', async () => {
  const found = await run({
    'a.ts': "const tick = () => String(Date.now());\nexport const job = { jobId: `sync:${tick()}` };\n",
  });
  assert.deepEqual(found.map(f => `${f.at} ${f.messageId}`), ['a.ts:2:37-2:43 id']);
  assert.match(found[0].message, /`tick\(\)` used as an id \(`jobId`\), which returns the wall clock \(line 1: `String\(Date\.now\(\)\)`\)/);
  assert.deepEqual(found[0].related, ['a.ts:1']);
});
