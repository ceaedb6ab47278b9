// The extension's start before activate() (src/extension/extension.ts, prewarm): the bundle analyses the documents
// already open and publishes their diagnostics from its load, before VS Code calls activate(); activate() takes the
// same controller over. Driven here through a stand-in `vscode` module (./fake-vscode.ts), in plain Node.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRAMMAR_FILES, RUNTIME_WASM, defaultWasmLocator } from '../../src/core/parser';
import { analyzeFiles } from '../../src/core/project';
import { resolveConfig } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { RULE_IDS } from '../../src/extension/engine';
import type * as Extension from '../../src/extension/extension';
import { FakeUri, FakeVscode, fakeDocument, installFakeVscode, type FakeDocument } from './fake-vscode';

const CLIENT = `import axios from 'axios';

export async function getUser(id: string) {
  const res = await fetch(\`https://api.example.com/users/\${id}\`);
  return res.json();
}

export async function retrying() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try { return await fetch('https://api.example.com/x', { signal: AbortSignal.timeout(1000) }); } catch { await new Promise(r => setTimeout(r, 1000)); }
  }
}

export const list = () => axios.get('https://api.example.com/list');
`;

/** An installed extension's layout (dist/ with the wasm files) and a workspace holding src/client.ts. */
function setUp(): { extRoot: string; dist: string; ws: string; client: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'il-early-'));
  const extRoot = path.join(tmp, 'ext');
  const dist = path.join(extRoot, 'dist');
  fs.mkdirSync(dist, { recursive: true });
  for (const f of [RUNTIME_WASM, ...Object.values(GRAMMAR_FILES)]) fs.copyFileSync(defaultWasmLocator(f), path.join(dist, f));
  const ws = path.join(tmp, 'ws');
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  const client = path.join(ws, 'src', 'client.ts');
  fs.writeFileSync(client, CLIENT);
  return { extRoot, dist, ws, client };
}

/**
 * The rule time budget (`incidentLens.ruleTimeBudgetMs`) drops a rule's findings when it runs long, which a test
 * machine under load can make any rule do: raised here, where what is tested is what is published and when.
 */
const NO_RULE_BUDGET = { 'incidentLens.ruleTimeBudgetMs': 600000 };

/** A fresh copy of the extension module (its start-before-activate state is module state) on `fake`. */
function loadExtension(fake: FakeVscode): { ext: typeof Extension; restore: () => void } {
  const restore = installFakeVscode(fake);
  const id = require.resolve('../../src/extension/extension');
  delete require.cache[id];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { ext: require(id) as typeof Extension, restore };
}

/** Lets pending promise callbacks and immediates run (the analysis after prewarm settles through them). */
/** The fixture project with its client file open and visible in a stand-in VS Code with these settings, the bundle loaded. */
function openClient(settings: Record<string, unknown>) {
  const { extRoot, dist, ws, client } = setUp();
  const fake = new FakeVscode(ws);
  fake.settings = settings;
  const doc = fakeDocument(client, CLIENT);
  fake.documents = [doc];
  fake.visible = [doc];
  return { extRoot, dist, ws, client, fake, doc, ...loadExtension(fake) };
}

async function settle(until: () => boolean, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds && !until(); i++) await new Promise(r => setImmediate(r));
}

/** What the CLI reports for the file (same rules, same settings): [line, col, endLine, endCol, rule, message]. */
async function cliFindings(ws: string, file: string, rules: Record<string, 'off' | 'warning'> = {}): Promise<unknown[]> {
  const config = resolveConfig(ws, RULE_IDS);
  for (const [id, v] of Object.entries(rules)) config.rules[id] = v === 'off' ? { enabled: false } : { enabled: true, severity: v };
  const r = await analyzeFiles([file], { config, rules: allRules });
  return r.files[0].findings.filter(f => !f.unlessFacts?.length)
    .map(f => [f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column, f.ruleId, f.message]);
}

const asFindings = (list: { range: number[]; code: unknown; message: string }[]) => list.map(d => [...d.range, d.code, d.message]);

async function activateAndDeactivate(ext: typeof Extension, fake: FakeVscode, extRoot: string, doc: FakeDocument) {
  const context = { subscriptions: [] as { dispose(): void }[], extensionUri: FakeUri.file(extRoot) };
  const api = await ext.activate(context as never);
  await new Promise(r => setImmediate(r));
  await api.indexReady();
  await api.whenIdle();
  const settled = fake.collections.flatMap(c => c.entries.get(doc.uri.toString()) ?? []);
  // VS Code disposes context.subscriptions, then calls deactivate()
  for (const d of context.subscriptions) d.dispose();
  ext.deactivate();
  return { api, settled };
}

test('before activate(): the open document is analysed and published from the bundle\'s load; activate() takes it over; deactivation disposes everything', async () => {
  const { extRoot, dist, ws, client, fake, doc, ext, restore } = openClient({ ...NO_RULE_BUDGET });
  try {
    ext.prewarm(dist);
    await settle(() => fake.published.length > 0);
    // published before activate() was called: the same findings as the CLI (the axios call's finding waits for the
    // workspace index: another file could set axios.defaults.timeout)
    assert.equal(fake.published.length, 1, 'one publication before activate()');
    const [name, uri, early] = fake.published[0];
    assert.equal(name, 'incident-lens');
    assert.equal(uri, doc.uri.toString());
    const expected = await cliFindings(ws, client);
    assert.ok(expected.length >= 2, `the CLI finds ${expected.length}`);
    assert.deepEqual(asFindings(early), expected, fake.logs.join('\n'));
    assert.ok(early.every(d => d.source === 'incident-lens'));
    // a document opened before activate() is analysed too (the listeners are the controller's, made at load)
    const other = fakeDocument(path.join(ws, 'src', 'other.ts'), 'export const ping = () => fetch("https://x.example/ping");\n');
    fake.documents.push(other);
    fake.fire('onDidOpenTextDocument', other);
    await settle(() => fake.published.some(([, u]) => u === other.uri.toString()));
    assert.ok(fake.published.some(([, u]) => u === other.uri.toString()), 'the document opened before activate() is published');

    const before = fake.registrations.length;
    const { api, settled } = await activateAndDeactivate(ext, fake, extRoot, doc);
    // one collection and one output channel in all: activate() used the ones made at load
    assert.equal(fake.collections.length, 1);
    assert.equal(fake.registrations.filter(r => r.what.startsWith('output channel')).length, 1);
    assert.ok(api.activationMarks.some(m => m.startsWith("controller (from the bundle's start)")), api.activationMarks.join(', '));
    assert.match(api.coldStart.prewarmNote ?? '', /^analysed 1 open document/);
    // the warm-up ran first (the rules' first runs are not the user's file's)
    assert.ok(api.coldStart.prewarmWarmUpEnd! <= api.coldStart.firstAnalysisStart!, JSON.stringify(api.coldStart));
    assert.ok(!fake.logs.some(l => l.startsWith('warning shown')), fake.logs.join('\n'));
    assert.ok(api.coldStart.firstDiagnostics! < api.coldStart.activateStart!, 'first diagnostics before activate()');
    assert.ok(fake.registrations.length > before, 'activate() registered its commands and providers');
    // after activation and the workspace index, the document shows the CLI's findings (the axios call's included:
    // no file of this workspace sets a default timeout)
    const cliAll = (await analyzeFiles([client], { config: resolveConfig(ws, RULE_IDS), rules: allRules })).files[0].findings
      .map(f => [f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column, f.ruleId, f.message]);
    assert.deepEqual(asFindings(settled), cliAll);
    assert.ok(cliAll.length > expected.length, 'the index released the conditional finding');
    // deactivation: every listener, collection, channel, status item, command, provider and watcher is disposed
    assert.deepEqual(fake.undisposed(), []);
    assert.equal(fake.listenerCount('onDidOpenTextDocument'), 0);
  } finally {
    restore();
  }
});

test('before activate(): a disabled extension publishes nothing, before or after activation', async () => {
  const { extRoot, dist, ws, client, fake, doc, ext, restore } = openClient({ 'incidentLens.enable': false });
  try {
    ext.prewarm(dist);
    await settle(() => false, 200);
    const { api } = await activateAndDeactivate(ext, fake, extRoot, doc);
    assert.match(api.coldStart.prewarmNote ?? '', /disabled/);
    assert.deepEqual(fake.published, []);
    assert.deepEqual(fake.undisposed(), []);
  } finally {
    restore();
  }
});

test('before activate(): a rule turned off in the settings publishes none of its findings; the others are published', async () => {
  const { extRoot, dist, ws, client, fake, doc, ext, restore } = openClient({ ...NO_RULE_BUDGET, 'incidentLens.rules': { 'missing-timeout': 'off' } });
  try {
    ext.prewarm(dist);
    await settle(() => fake.published.length > 0);
    const expected = await cliFindings(ws, client, { 'missing-timeout': 'off' });
    assert.ok(expected.length > 0 && expected.every(f => (f as unknown[])[4] !== 'missing-timeout'), JSON.stringify(expected));
    assert.equal(fake.published.length, 1);
    assert.deepEqual(asFindings(fake.published[0][2]), expected);
    await activateAndDeactivate(ext, fake, extRoot, doc);
    assert.ok(fake.published.every(([, , list]) => list.every(d => d.code !== 'missing-timeout')));
    assert.deepEqual(fake.undisposed(), []);
  } finally {
    restore();
  }
});
