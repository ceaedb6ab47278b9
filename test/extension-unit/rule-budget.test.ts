// The editor side of issue 21: the per-rule time budget as a setting (incidentLens.ruleTimeBudgetMs, the project's
// ruleTimeBudgetMs winning), honoured by the document engine; a rule over it or crashing loses only its own findings
// for that document; an error outside the rules skips only that document; each notice is shown to the user once per
// document (NoticeGate). The slow rule below never finishes on its own, so nothing depends on the machine's speed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAllLanguages } from '../../src/core/parser';
import type { Rule } from '../../src/core/rule';
import { EDITOR_RULE_TIME_BUDGET_MS } from '../../src/core/guard';
import { allRules } from '../../src/rules';
import { DEFAULT_SETTINGS, DocumentEngine, NoticeGate, analyzeOptionsOf, effectiveConfig } from '../../src/extension/engine';

const meta = (id: string): Rule['meta'] => ({ id, title: id, description: id, defaultSeverity: 'warning', incidents: [], patterns: [], fixable: false });
/** Reports every call, then loops until the framework's deadline stops it. */
const endless: Rule = {
  meta: meta('endless'),
  check(ctx) {
    for (const call of ctx.captures('call')) ctx.report({ node: call, messageId: 'x', message: 'never shown' });
    for (;;) ctx.checkDeadline();
  },
};
const crashes: Rule = { meta: meta('crashes'), check() { throw new Error('rule bug'); } };
const SOURCE = 'export async function f(u: string) {\n  return fetch(u);\n}\n';

test('incidentLens.ruleTimeBudgetMs: the setting is the editor budget; the project file wins; a bad value falls back with an error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-budget-'));
  assert.equal(DEFAULT_SETTINGS.ruleTimeBudgetMs, EDITOR_RULE_TIME_BUDGET_MS);
  let e = effectiveConfig(dir, { ...DEFAULT_SETTINGS, ruleTimeBudgetMs: 120 });
  assert.equal(e.config.ruleTimeBudgetMs, 120);
  assert.equal(e.error, undefined);
  assert.equal(analyzeOptionsOf(e.config).settings?.ruleTimeBudgetMs, 120);
  assert.equal(analyzeOptionsOf(e.config).settings?.ruleTimeBudgetClock, 'wall');
  e = effectiveConfig(dir, { ...DEFAULT_SETTINGS, ruleTimeBudgetMs: 0 });
  assert.equal(e.config.ruleTimeBudgetMs, EDITOR_RULE_TIME_BUDGET_MS);
  assert.match(e.error ?? '', /incidentLens\.ruleTimeBudgetMs must be a number ≥ 1 \(got 0\)/);
  fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ ruleTimeBudgetMs: 3000 }));
  e = effectiveConfig(dir, { ...DEFAULT_SETTINGS, ruleTimeBudgetMs: 120 });
  assert.equal(e.config.ruleTimeBudgetMs, 3000);
});

test('document engine: a rule over the configured budget, or crashing, loses its findings for the document only; notices shown once', async () => {
  await loadAllLanguages();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-budget-'));
  const { config } = effectiveConfig(dir, { ...DEFAULT_SETTINGS, ruleTimeBudgetMs: 250 });
  const opts = { ...analyzeOptionsOf(config), rules: [...allRules, endless, crashes] };
  const engine = new DocumentEngine(30, false);
  const file = path.join(dir, 'a.ts');
  // warmed up, the real rules take well under a millisecond on this one-liner: the budget binds only the endless one
  new DocumentEngine(30, false).analyze('w', path.join(dir, 'w.ts'), SOURCE, 'typescript', 1, { rules: allRules });
  const r = engine.analyze('a', file, SOURCE, 'typescript', 1, opts);
  assert.deepEqual(r.findings.map(f => f.ruleId), ['missing-timeout']);
  assert.equal(r.ruleErrors.length, 2);
  assert.match(r.ruleErrors.find(n => /endless/.test(n)) ?? '', new RegExp(`^rule endless skipped on ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: over its 250 ms time budget`));
  assert.match(r.ruleErrors.find(n => /crashes/.test(n)) ?? '', /rule crashes .*rule bug/);
  // the user is told once per document: the next keystroke's analysis has the same notices, none fresh
  assert.deepEqual(engine.notices.fresh('a', r), r.ruleErrors);
  const edited = SOURCE.replace('f(u', 'g(u');
  const r2 = engine.analyze('a', file, edited, 'typescript', 2, opts);
  assert.deepEqual(r2.findings.map(f => f.ruleId), ['missing-timeout']);
  assert.deepEqual(engine.notices.fresh('a', r2), []);
  // another document and, once reopened, the same one are told again
  const r3 = engine.analyze('b', path.join(dir, 'b.ts'), SOURCE, 'typescript', 1, opts);
  assert.equal(engine.notices.fresh('b', r3).length, 2);
  engine.forget('a');
  assert.equal(engine.notices.fresh('a', engine.analyze('a', file, SOURCE, 'typescript', 3, opts)).length, 2);
  engine.dispose();
});

test('document engine: an error outside the rules skips that document with a notice; the next edit and other documents are analysed', async () => {
  await loadAllLanguages();
  const engine = new DocumentEngine(30, false);
  const opts = { rules: allRules };
  const parseWithin = engine.trees.parseWithin.bind(engine.trees);
  let fail = true;
  engine.trees.parseWithin = ((...a: Parameters<typeof parseWithin>) => {
    if (fail && a[0] === 'bad') throw new Error('boom');
    return parseWithin(...a);
  }) as typeof parseWithin;
  const bad = engine.analyze('bad', '/w/bad.ts', SOURCE, 'typescript', 1, opts);
  assert.deepEqual([bad.findings, bad.skipped], [[], '/w/bad.ts: skipped (internal error: boom; the next edit tries again)']);
  assert.deepEqual(engine.notices.fresh('bad', bad), [bad.skipped]);
  assert.deepEqual(engine.analyze('ok', '/w/ok.ts', SOURCE, 'typescript', 1, opts).findings.map(f => f.ruleId), ['missing-timeout']);
  fail = false;
  assert.deepEqual(engine.analyze('bad', '/w/bad.ts', SOURCE, 'typescript', 2, opts).findings.map(f => f.ruleId), ['missing-timeout']);
  engine.dispose();
});

test('NoticeGate: nothing to tell for a clean analysis; a skipped document tells its skip notice', () => {
  const g = new NoticeGate();
  assert.deepEqual(g.fresh('k', { ruleErrors: [] }), []);
  assert.deepEqual(g.fresh('k', { ruleErrors: ['x'], skipped: 'k: skipped (y)' }), ['k: skipped (y)']);
  assert.deepEqual(g.fresh('k', { ruleErrors: ['x', 'z'] }), ['x', 'z']);
  assert.deepEqual(g.fresh('k', { ruleErrors: ['x', 'z'] }), []);
});
