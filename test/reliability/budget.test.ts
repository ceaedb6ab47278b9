// The per-rule-per-file time budget and the framework's containment of a rule that overflows the stack (issue 21,
// item 2). The rules below never finish on their own: the outcome (a notice naming the rule and the file, the other
// rules' findings intact) does not depend on how fast the machine is.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Rule, RuleContext } from '../../src/core/rule';
import { allRules } from '../../src/rules';
import { analyzeText } from '../helpers/analyze';
import { parseConfig, defaultConfig } from '../../src/core/config';
import { DEFAULT_RULE_TIME_BUDGET_MS, RuleDeadline, RuleBudgetError, runRule } from '../../src/core/guard';

const meta = (id: string): Rule['meta'] => ({ id, title: id, description: id, defaultSeverity: 'warning', incidents: [], patterns: [], fixable: false });
const SOURCE = 'export async function f(u: string) { return fetch(u); }\n';

/** Reports a finding per call, then loops until the framework stops it: through `how`. */
function endless(id: string, how: (ctx: RuleContext) => void): Rule {
  return {
    meta: meta(id),
    check(ctx) {
      for (const call of ctx.captures('call')) ctx.report({ node: call, messageId: 'x', message: 'never shown' });
      ctx.addProjectFact(`fact-of-${id}`);
      for (;;) how(ctx);
    },
  };
}

test('a rule over its budget loses its findings and project facts for the file; a notice names rule and file', async () => {
  const rules = [
    ...allRules,
    endless('loops-with-check', ctx => ctx.checkDeadline()),
    endless('loops-on-captures', ctx => void ctx.captures('call')),
    endless('loops-on-text-scan', ctx => { for (const _ of ctx.matchAll(/fetch/g)) { /* again */ } }),
  ];
  // warmed up, the real rules take well under a millisecond on this one-liner: the budget binds only the endless ones
  await analyzeText(SOURCE, '/w/slow.ts');
  const r = await analyzeText(SOURCE, '/w/slow.ts', { rules, settings: { ruleTimeBudgetMs: 250 } });
  assert.deepEqual(r.findings.map(f => f.ruleId), ['missing-timeout']);
  assert.deepEqual(r.projectFacts, []);
  assert.deepEqual(r.ruleErrors, ['loops-with-check', 'loops-on-captures', 'loops-on-text-scan'].map(id =>
    `rule ${id} skipped on /w/slow.ts: over its 250 ms time budget; its findings for this file are dropped (ruleTimeBudgetMs)`));
});

test('a rule that overflows the stack is contained the same way', async () => {
  const deep: Rule = { meta: meta('recurses'), check(ctx) { const walk = (n: number): number => walk(n + 1) + 1; ctx.report({ start: 0, end: 1, messageId: 'x', message: String(walk(0)) }); } };
  const r = await analyzeText(SOURCE, '/w/deep.ts', { rules: [deep, ...allRules] });
  assert.deepEqual(r.findings.map(f => f.ruleId), ['missing-timeout']);
  assert.equal(r.ruleErrors.length, 1);
  assert.match(r.ruleErrors[0], /^rule recurses skipped on \/w\/deep\.ts: nesting too deep \(Maximum call stack size exceeded\); its findings for this file are dropped$/);
});

test('the deadline: off when stopped, re-armed per run, a budget error once over', () => {
  const d = new RuleDeadline(1);
  d.check(); // not started: never throws
  assert.match(runRule('r', 'f.ts', d, () => { for (;;) d.check(); }) ?? '', /over its 1 ms time budget/);
  d.check(); // stopped again after the run
  assert.equal(runRule('r', 'f.ts', d, () => d.check()), undefined);
  assert.throws(() => { d.start(0); for (;;) d.check(); }, RuleBudgetError);
});

test('ruleTimeBudgetMs: config key with a generous default, validated like the other numbers', () => {
  assert.equal(defaultConfig('/p').ruleTimeBudgetMs, DEFAULT_RULE_TIME_BUDGET_MS);
  assert.ok(DEFAULT_RULE_TIME_BUDGET_MS >= 1000);
  assert.equal(parseConfig('{"ruleTimeBudgetMs": 250}', '/p/.incident-lens.json', []).ruleTimeBudgetMs, 250);
  assert.throws(() => parseConfig('{"ruleTimeBudgetMs": 0}', '/p/.incident-lens.json', []), /"ruleTimeBudgetMs" must be a number ≥ 1/);
});
