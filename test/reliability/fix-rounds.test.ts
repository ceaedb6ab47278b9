// What `--fix` costs on the stress shapes of issue 21 and where it stops, counted in whole-file analyses and rounds
// (core/project.ts fixUntilStable), never in time: one analysis per round plus the first; a round that leaves nothing
// to apply ends the run without a notice; fixes touching a syntax error are left with a notice, the others applied.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Rule } from '../../src/core/rule';
import type { AnalyzeOptions } from '../../src/core/analyzer';
import { analyzeOptionsFromConfig, fixUntilStable, syntaxErrorRanges, type FixRun } from '../../src/core/project';
import { defaultConfig } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { loadAllLanguages, parseSync, type LangId } from '../../src/core/parser';
import { MAX_FINDINGS_PER_RULE, cpuMs } from '../../src/core/guard';
import { STRESS_SHAPES } from './shapes';

before(() => loadAllLanguages());

const OPTS = { ...analyzeOptionsFromConfig(defaultConfig('/w'), allRules), symbols: true };
const fix = (text: string, file = '/w/x.ts', lang: LangId = 'typescript', opts: AnalyzeOptions = OPTS): FixRun => fixUntilStable(file, text, lang, opts);
const FIXED_FETCH = 'fetch(u, { signal: AbortSignal.timeout(10000) })';

test('a stress shape whose fixes all apply in round one: two analyses (before and after), no notice', () => {
  for (const [shape, n] of [['arrows', 3000], ['for-try', 300], ['sibling-retries', 30], ['error-statements-fetch', 500]] as const) {
    const text = STRESS_SHAPES[shape](n);
    const r = fix(text, `/w/${shape}.ts`);
    assert.ok(r.initialFindings > 0, shape);
    assert.equal(r.rounds, 1, `${shape}: one round`);
    assert.equal(r.analyses, 2, `${shape}: the first analysis and the one of the fixed text, nothing more`);
    assert.equal(r.stopped, undefined, shape);
    assert.equal(r.skipped, undefined, shape);
    assert.notEqual(r.text, text, shape);
    assert.equal(r.analysis.findings.filter(f => f.fixes.some(x => x.safety === 'safe')).length, 0, `${shape}: nothing safely fixable is left`);
  }
});

test(`fetch calls inside a syntax error past the ${MAX_FINDINGS_PER_RULE}-finding cap: one round fixes the reported ${MAX_FINDINGS_PER_RULE}, a notice says to run --fix again, which fixes the rest`, () => {
  const n = MAX_FINDINGS_PER_RULE + 100;
  const text = STRESS_SHAPES['syntax-error-fetch'](n);
  const opts = { ...OPTS, settings: { ...OPTS.settings, ruleTimeBudgetMs: 1e9 } };
  const r = fix(text, '/w/x.js', 'javascript', opts);
  // round 1 fixes the capped 2,000 (+ the outer call); the rule reported no more, so the run stops there whatever
  // the time budget (the same fixes on any machine) and says so
  assert.equal(r.rounds, 1);
  assert.equal(r.analyses, 2);
  assert.match(r.stopped ?? '', /missing-timeout stopped at 2000 findings in this file\); run --fix again/);
  assert.equal(r.analysis.findings.length, 100);
  const again = fix(r.text, '/w/x.js', 'javascript', opts);
  assert.equal(again.rounds, 1);
  assert.equal(again.stopped, undefined);
  assert.equal(again.text.split(FIXED_FETCH).length - 1, n);
  assert.equal(again.analysis.findings.length, 0);
});

/** A rule that reports every call to `again()` with a safe fix adding another call: fixing never ends. */
const endlessFix: Rule = {
  meta: { id: 'endless-fix', title: 'x', description: 'x', defaultSeverity: 'warning', incidents: [], patterns: [], fixable: true },
  check(ctx) {
    for (const call of ctx.captures('call')) {
      if (ctx.text.slice(call.startIndex, call.endIndex) !== 'again()') continue;
      ctx.report({ node: call, messageId: 'x', message: 'x', fixes: [{ title: 'x', safety: 'safe', isPreferred: true, edits: [{ start: call.endIndex, end: call.endIndex, text: '; again()' }] }] });
    }
  },
};

test('fixes that never converge: 10 rounds, 11 analyses, then the run ends', () => {
  const r = fix('again();\n', '/w/e.ts', 'typescript', { rules: [endlessFix], settings: { ruleTimeBudgetMs: 1e9 } });
  assert.equal(r.rounds, 10);
  assert.equal(r.analyses, 11);
  // every call is fixed in every round: the calls double
  assert.equal(r.text.split('again()').length - 1, 2 ** 10);
});

/**
 * `rule`, then 150 ms of CPU time after its last report (the rule budget is checked on its calls to the context, so
 * it does not see them): the first analysis spends a 100 ms fix budget; the rule's own work is far below it.
 */
function burning(rule: Rule): Rule {
  return { ...rule, check(ctx) { rule.check(ctx); const end = cpuMs() + 150; while (cpuMs() < end) { /* spin */ } } };
}

test('the rounds stop after the time budget only while there is something left to fix, with a notice', () => {
  // the round-two check stops the endless rule...
  const endless = fix('again();\n', '/w/e.ts', 'typescript', { rules: [burning(endlessFix)], settings: { ruleTimeBudgetMs: 100 } });
  assert.equal(endless.rounds, 1);
  assert.equal(endless.analyses, 2);
  assert.equal(endless.stopped, 'fixes stopped after 1 round (over the 100 ms time budget, ruleTimeBudgetMs); run --fix again to continue');
  // ...but a file whose fixes all applied in round one ends without a notice (before: "stopped ... run --fix again")
  const once: Rule = { ...endlessFix, check(ctx) { for (const call of ctx.captures('call')) if (ctx.text.slice(call.startIndex, call.endIndex) === 'again()') ctx.report({ node: call, messageId: 'x', message: 'x', fixes: [{ title: 'x', safety: 'safe', edits: [{ start: call.startIndex, end: call.endIndex, text: 'done()' }] }] }); } };
  const r = fix('again(); again();\n', '/w/o.ts', 'typescript', { rules: [burning(once)], settings: { ruleTimeBudgetMs: 100 } });
  assert.equal(r.text, 'done(); done();\n');
  assert.equal(r.rounds, 1);
  assert.equal(r.analyses, 2);
  assert.equal(r.stopped, undefined);
});

test('a round starts only when one more analysis, at the mean so far, ends within the budget', () => {
  // two analyses of at least 150 ms CPU each: 300 ms spent is under the 400 ms budget, but a third would end past it
  const r = fix('again();\n', '/w/e.ts', 'typescript', { rules: [burning(endlessFix)], settings: { ruleTimeBudgetMs: 400 } });
  assert.equal(r.rounds, 1);
  assert.equal(r.analyses, 2);
  assert.equal(r.stopped, 'fixes stopped after 1 round (over the 400 ms time budget, ruleTimeBudgetMs); run --fix again to continue');
});

test('a fix touching a syntax error is not applied (notice); the file\'s other fixes are', () => {
  const text = 'export async function a(u: string) {\n  return fetch(u);\n}\nexport async function b(u: string) {\n  const x = fetch(u ;\n}\n';
  const tree = parseSync(text, 'typescript');
  const errors = syntaxErrorRanges(tree.rootNode);
  tree.delete();
  assert.deepEqual(errors, [[text.indexOf('u ;') + 1, text.indexOf('u ;') + 1]], 'a MISSING ")" after `fetch(u`');
  const r = fix(text);
  assert.equal(r.initialFindings, 2);
  assert.equal(r.text, text.replace('return fetch(u);', `return ${FIXED_FETCH};`));
  assert.equal(r.skipped, '1 fix not applied: inside or next to a syntax error (correct the syntax first)');
  assert.equal(r.rounds, 1);
});

test('a file without syntax errors has no error ranges; fixes next to code that merely looks odd still apply', () => {
  const text = 'export async function a(u: string) {\n  return fetch(u);\n}\n';
  const tree = parseSync(text, 'typescript');
  assert.deepEqual(syntaxErrorRanges(tree.rootNode), []);
  tree.delete();
  const r = fix(text);
  assert.equal(r.text, text.replace('fetch(u)', FIXED_FETCH));
  assert.equal(r.skipped, undefined);
});
