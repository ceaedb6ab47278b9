// tree-sitter's error recovery is quadratic on some garbage (`x = ` then ` } c = ` repeated: 800 times took 4.6 s,
// 3,200 times 90 s, before any rule ran). A fresh parse has a CPU budget (core/parser.ts parseBudgetMs): over it,
// the parse is cancelled and the file skipped with a notice, like a file tree-sitter crashed on; the parser stays
// usable and the other files keep their findings. These tests assert outcomes, never times: the input is far past
// any budget (it would take minutes), and the normal files are far below it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ParseBudgetError, ParserCrashError, loadAllLanguages, parseBudgetMs, parseSync, parserRestarts, syntaxProblem } from '../../src/core/parser';
import { analyzeProject } from '../../src/project/analyze';
import { defaultConfig } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { DocumentEngine } from '../../src/extension/engine';
import { ALL_RULES } from '../helpers/analyze';
import { tempProject } from '../helpers/temp-project';

const FINDING = 'export async function f(u: string) { return fetch(u); }\n';
/** Minutes of error recovery without the budget (quadratic: 800 repeats 4.6 s, 3,200 repeats 90 s). */
const GARBAGE = 'x = ' + ' } c = '.repeat(6000);

test('a parse over its budget throws ParseBudgetError (a culprit, not a crash); the runtime is not replaced and parses again', async () => {
  await loadAllLanguages();
  const restarts = parserRestarts();
  for (const lang of ['typescript', 'javascript', 'tsx'] as const) {
    assert.throws(() => parseSync(GARBAGE, lang), (e: unknown) =>
      e instanceof ParseBudgetError && e instanceof ParserCrashError && e.culprit && e.budgetMs === parseBudgetMs(GARBAGE.length) &&
      /parse of it ran over its \d+ ms budget/.test(e.message));
    // the cancelled parse does not leak into the next one (the parser was reset)
    const t = parseSync('const a = fetch(u);\n', lang);
    assert.equal(t.rootNode.hasError, false);
    assert.equal(t.rootNode.text, 'const a = fetch(u);\n');
    t.delete();
  }
  assert.equal(parserRestarts(), restarts, 'no runtime restart: nothing trapped');
  // the knowledge base's code check reports it as the snippet's problem
  assert.match(syntaxProblem(GARBAGE, 'ts') ?? '', /parse of it ran over its \d+ ms budget/);
});

test('the budget grows with the text and is never reached by normal code', async () => {
  assert.equal(parseBudgetMs(0), 500);
  assert.equal(parseBudgetMs(500_000), 1500);
  await loadAllLanguages();
  // a large file of normal code (this repository's analyzer, 40 times over: ~0.6 MB) parses
  const big = (await import('node:fs')).readFileSync(path.join(__dirname, '../../src/core/analyzer.ts'), 'utf8').repeat(40);
  const t = parseSync(big, 'typescript');
  assert.ok(t.rootNode.childCount > 0);
  t.delete();
});

test('file pass: the file over its parse budget is skipped with a notice; the other files keep their findings (with and without --fix)', async () => {
  const dir = tempProject({ 'a.ts': FINDING, 'b-garbage.ts': GARBAGE, 'c.js': 'module.exports = () => fetch(u);\n' });
  const files = ['a.ts', 'b-garbage.ts', 'c.js'].map(f => path.join(dir, f));
  for (const fix of [false, true]) {
    const r = await analyzeProject(files, { config: defaultConfig(dir), rules: allRules, fix, explicit: new Set(files) });
    assert.deepEqual(r.files.map(f => [path.basename(f.file), f.findings.map(x => x.ruleId)]), [
      ['a.ts', fix ? [] : ['missing-timeout']], ['c.js', fix ? [] : ['missing-timeout']],
    ]);
    assert.deepEqual(r.notices.map(n => n.replace(dir + path.sep, '')), [
      `b-garbage.ts: skipped (tree-sitter's parse of it ran over its ${parseBudgetMs(GARBAGE.length)} ms budget (its error recovery can take quadratic time on broken code); the other files are analysed)`,
    ]);
  }
});

test('editor engine: the document over its parse budget is skipped (not parsed again on every edit); other documents are analysed', async () => {
  await loadAllLanguages();
  const engine = new DocumentEngine(30, false);
  const bad = engine.analyze('bad', '/w/bad.ts', GARBAGE, 'typescript', 1, ALL_RULES);
  assert.equal(bad.findings.length, 0);
  assert.match(bad.skipped ?? '', /\/w\/bad\.ts: skipped \(tree-sitter's parse of it ran over its \d+ ms budget/);
  assert.ok(engine.analyze('bad', '/w/bad.ts', GARBAGE + '\n', 'typescript', 2, ALL_RULES).skipped);
  const ok = engine.analyze('ok', '/w/ok.ts', FINDING, 'typescript', 1, ALL_RULES);
  assert.deepEqual(ok.findings.map(f => f.ruleId), ['missing-timeout']);
  engine.forget('bad');
  assert.deepEqual(engine.analyze('bad', '/w/bad.ts', FINDING, 'typescript', 3, ALL_RULES).findings.map(f => f.ruleId), ['missing-timeout']);
});
