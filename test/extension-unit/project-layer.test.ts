/**
 * The editor's project layer (DocumentEngine): an open handler's pending findings are settled against the
 * workspace index, and a change to a service it calls (the watcher re-indexing the file, or the service's own open
 * document) re-settles the handler without re-analysing it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { defaultConfig } from '../../src/core/config';
import { loadAllLanguages } from '../../src/core/parser';
import { DocumentEngine, indexOfFile } from '../../src/extension/engine';
import { tempProject } from '../helpers/temp-project';
import { toyRule } from '../helpers/toy-rule';

/** A handler (h.ts) calling a service (svc.ts) that reaches `boom()`, the toy rule's effect; a fresh engine. */
async function handlerAndService() {
  await loadAllLanguages();
  const dir = tempProject({
    'h.ts': `import { svc } from './svc';\nexport function handle() { svc(); }\n`,
    'svc.ts': `export function svc() {\n  boom();\n}\n`,
  });
  const config = defaultConfig(dir);
  const opts = { rules: [toyRule()], symbols: true };
  const eng = new DocumentEngine(30, false);
  return { dir, config, opts, eng, h: path.join(dir, 'h.ts'), svc: path.join(dir, 'svc.ts') };
}

test('editor: an open handler re-settles when a service it calls changes on disk or in its own open document', async () => {
  const { config, opts, eng, h, svc } = await handlerAndService();
  // the background index has read svc.ts from disk
  eng.project.set(svc, indexOfFile(svc, config, opts.rules)!.symbols);
  const handlerText = fs.readFileSync(h, 'utf8');
  const first = eng.analyze('h', h, handlerText, 'typescript', 1, opts);
  assert.deepEqual(first.findings.map(f => [f.message, f.related?.[0]?.file]), [['handle reaches boom in svc.ts', svc]]);
  assert.ok(first.dependsOn.has(svc));

  // the watcher re-indexes svc.ts after it changed on disk: the handler re-settles (no re-analysis) and the finding goes
  fs.writeFileSync(svc, `export function svc() {}\n`);
  assert.deepEqual(eng.setFileSymbols(svc, indexOfFile(svc, config, opts.rules)!.symbols), ['h']);
  assert.deepEqual(eng.resettle('h')!.findings, []);

  // the service is opened and edited (unsaved): its whole-file analysis updates the index; the handler depends on it
  eng.analyze('svc', svc, `export function svc() {\n  boom();\n}\n`, 'typescript', 2, opts);
  assert.deepEqual(eng.dependents(svc), ['h']);
  assert.deepEqual(eng.resettle('h')!.findings.map(f => f.message), ['handle reaches boom in svc.ts']);
  eng.dispose();
});

test('editor: a handler analysed before the service it imports is indexed follows it when it arrives (also after a memoised answer)', async () => {
  const { config, opts, eng, h, svc } = await handlerAndService();
  const text = fs.readFileSync(h, 'utf8');
  // svc.ts is on disk but not in the index yet (the watcher has not read it): nothing to settle against
  assert.deepEqual(eng.analyze('h', h, text, 'typescript', 1, opts).findings, []);
  // analysed again (the answers are memoised now): it still depends on svc.ts
  assert.deepEqual(eng.analyze('h', h, text, 'typescript', 2, opts).findings, []);
  assert.ok(eng.result('h')!.dependsOn.has(svc));
  // svc.ts arrives: the handler is re-settled and gets its finding
  assert.deepEqual(eng.setFileSymbols(svc, indexOfFile(svc, config, opts.rules)!.symbols), ['h']);
  assert.deepEqual(eng.resettle('h')!.findings.map(f => f.message), ['handle reaches boom in svc.ts']);
  eng.dispose();
});
