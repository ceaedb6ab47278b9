// A tree-sitter WASM trap (issue 21, item 1): the file is skipped with a notice, the parser runtime is replaced,
// every other file is analysed normally: core, file pass, editor engine. Its own file: node:test runs each test
// file in a fresh process, and these tests crash the parser on purpose.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  ParserCrashError, incrementalParseRefusals, isLiveTree, loadAllLanguages, loadLanguage, makeEdit, parseSync, parserGeneration,
  parserRestarts, reparseWithin, syntaxProblem,
} from '../../src/core/parser';
import { analyzeProject } from '../../src/project/analyze';
import { defaultConfig } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { DocumentEngine } from '../../src/extension/engine';
import { ALL_RULES } from '../helpers/analyze';
import { tempProject } from '../helpers/temp-project';
import { TRAP_TEXT, trapText } from './shapes';

const FINDING = 'export async function f(u: string) { return fetch(u); }\n';

test('a trap poisons only its own parse: the next load makes a fresh runtime and parsing works again', async () => {
  await loadLanguage('typescript');
  const before = parseSync('const a = 1;', 'typescript');
  const gen = parserGeneration();
  assert.throws(() => parseSync(TRAP_TEXT, 'typescript'), (e: unknown) => e instanceof ParserCrashError && e.culprit && /crashed on it/.test(e.message));
  // until the restart, synchronous calls say so (not the culprit)
  assert.throws(() => parseSync('const b = 2;', 'typescript'), (e: unknown) => e instanceof ParserCrashError && !e.culprit);
  assert.equal(isLiveTree(before), false, 'a tree of the crashed runtime is not live');
  before.delete(); // a no-op on the retired runtime, never a call into the trapped instance
  // concurrent loads after the crash still share one Language per grammar (incremental re-parse needs it)
  const [a, b] = await Promise.all([loadLanguage('typescript'), loadLanguage('typescript')]);
  assert.equal(a, b);
  assert.equal(parserGeneration(), gen + 1);
  assert.ok(parserRestarts() >= 1);
  const text = 'export const a = fetch(url);\n';
  const tree = parseSync(text, 'typescript');
  assert.equal(tree.rootNode.hasError, false);
  const refusals = incrementalParseRefusals();
  tree.edit(makeEdit({ startIndex: 14, oldEndIndex: 14, newEndIndex: 15, startPosition: { row: 0, column: 14 }, oldEndPosition: { row: 0, column: 14 }, newEndPosition: { row: 0, column: 15 } }));
  const again = parseSync('export const ab = fetch(url);\n', 'typescript', tree);
  assert.equal(incrementalParseRefusals(), refusals, 'the fresh runtime re-parses incrementally');
  assert.equal(again.rootNode.descendantForIndex(14, 15)?.text, 'ab');
  tree.delete(); again.delete();
});

test('an old tree handed to the fresh runtime is parsed from scratch, never reused', async () => {
  await loadLanguage('typescript');
  const old = parseSync('const x = 1;\n', 'typescript');
  assert.throws(() => parseSync(TRAP_TEXT, 'typescript'), ParserCrashError);
  await loadLanguage('typescript');
  const refusals = incrementalParseRefusals();
  const fresh = reparseWithin('const x = 12;\n', 'typescript', old, Infinity)!;
  assert.equal(incrementalParseRefusals(), refusals + 1);
  assert.equal(fresh.rootNode.text, 'const x = 12;\n');
  assert.ok(isLiveTree(fresh));
  fresh.delete();
});

test('syntaxProblem reports the crash as the snippet\'s problem', async () => {
  await loadAllLanguages();
  assert.match(syntaxProblem(TRAP_TEXT, 'ts') ?? '', /tree-sitter crashed on it/);
  await loadAllLanguages();
  assert.equal(syntaxProblem('const ok = 1;', 'ts'), undefined);
  assert.match(syntaxProblem('const = ;', 'ts') ?? '', /syntax error/);
});

test('file pass: the trapping file is skipped with a notice; the files before and after it keep their findings', async () => {
  const dir = tempProject({ 'a.ts': FINDING, 'b-trap.ts': trapText(3000, '\n'), 'c.ts': FINDING, 'd.js': 'module.exports = () => fetch(u);\n' });
  const files = ['a.ts', 'b-trap.ts', 'c.ts', 'd.js'].map(f => path.join(dir, f));
  for (const fix of [false, true]) {
    const r = await analyzeProject(files, { config: defaultConfig(dir), rules: allRules, fix });
    assert.deepEqual(r.files.map(f => [path.basename(f.file), f.findings.map(x => x.ruleId)]), [
      ['a.ts', fix ? [] : ['missing-timeout']], ['c.ts', fix ? [] : ['missing-timeout']], ['d.js', fix ? [] : ['missing-timeout']],
    ]);
    if (fix) assert.deepEqual(r.files.map(f => f.fixedText !== undefined), [true, true, true]);
    assert.deepEqual(r.notices.filter(n => /crashed/.test(n)).map(n => n.replace(dir + path.sep, '')), [
      'b-trap.ts: skipped (tree-sitter crashed on it (memory access out of bounds); the other files are analysed)',
    ]);
  }
});

test('editor engine: the document tree-sitter crashed on is skipped (not re-parsed); other documents are analysed', async () => {
  await loadAllLanguages();
  const engine = new DocumentEngine(30, false);
  const ok1 = engine.analyze('ok', '/w/ok.ts', FINDING, 'typescript', 1, ALL_RULES);
  assert.equal(ok1.findings.length, 1);
  const bad = engine.analyze('bad', '/w/bad.ts', TRAP_TEXT, 'typescript', 1, ALL_RULES);
  assert.equal(bad.findings.length, 0);
  assert.match(bad.skipped ?? '', /\/w\/bad\.ts: skipped \(tree-sitter crashed on it/);
  await loadLanguage('typescript'); // what the extension does before each analysis
  // the other document's cached tree belonged to the crashed runtime: it is parsed again, not reused
  const ok2 = engine.analyze('ok', '/w/ok.ts', FINDING, 'typescript', 1, ALL_RULES);
  assert.deepEqual(ok2.findings.map(f => f.ruleId), ['missing-timeout']);
  assert.equal(ok2.parseKind, 'full');
  const edited = FINDING.replace('f(u', 'g(u');
  const ok3 = engine.analyze('ok', '/w/ok.ts', edited, 'typescript', 2, ALL_RULES);
  assert.deepEqual(ok3.findings.map(f => f.ruleId), ['missing-timeout']);
  // the crashed document stays skipped while it is open (no parse, no new crash), and is retried once reopened
  const restarts = parserRestarts();
  assert.ok(engine.analyze('bad', '/w/bad.ts', TRAP_TEXT + '\n', 'typescript', 2, ALL_RULES).skipped);
  assert.equal(parserRestarts(), restarts);
  engine.forget('bad');
  await loadLanguage('typescript');
  assert.deepEqual(engine.analyze('bad', '/w/bad.ts', FINDING, 'typescript', 3, ALL_RULES).findings.map(f => f.ruleId), ['missing-timeout']);
});
