/**
 * typescript-eslint RuleTester-style tables for our rules:
 *   valid:   snippets that must produce no finding of the rule;
 *   invalid: snippets with the exact findings expected (1-based line/column like ESLint) and, optionally, the
 *            text after applying every finding's preferred fix. Each fix is checked by re-parsing (no new
 *            ERROR nodes) and re-analysing (the rule no longer triggers, and no finding of any rule is added).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalyzeOptions } from '../../src/core/analyzer';
import { analyzeText } from './analyze';
import { parseSource, languageForPath } from '../../src/core/parser';
import { applyEdits } from '../../src/core/text';
import type { Finding } from '../../src/core/types';

export interface ValidCase { code: string; filename?: string; name?: string; options?: Partial<AnalyzeOptions> }
export interface ExpectedError {
  messageId?: string; line: number; column: number; endLine?: number; endColumn?: number;
  ruleId?: string; severity?: string; message?: RegExp;
  /**
   * The linked incident and pattern ids, exactly. Without `incidents` the finding must link at least one incident; a
   * rule whose sub-kind no verified incident fits states that with `incidents: []` (it must still link a pattern).
   */
  incidents?: string[]; patterns?: string[];
}
export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** Text after applying each finding's preferred fix; null = no fix offered. Omitted = not checked. */
  output?: string | null;
}

const onlyRule = (ruleIds: string[]) => (f: Finding) => ruleIds.includes(f.ruleId);

export function ruleTester(ruleId: string | string[], cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] }): void {
  const ids = Array.isArray(ruleId) ? ruleId : [ruleId];
  describe(`${ids.join(' / ')}`, () => {
    describe('valid', () => {
      for (const c of cases.valid.map(v => typeof v === 'string' ? { code: v } : v)) {
        test(c.name ?? firstLine(c.code), async () => {
          const r = await analyzeText(c.code, c.filename ?? 'file.ts', c.options);
          assert.deepEqual(r.ruleErrors, [], 'no rule may crash');
          const mine = r.findings.filter(onlyRule(ids));
          assert.deepEqual(mine.map(describeFinding), [], 'expected no findings');
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        test(c.name ?? firstLine(c.code), async () => {
          const file = c.filename ?? 'file.ts';
          const r = await analyzeText(c.code, file, c.options);
          assert.deepEqual(r.ruleErrors, [], 'no rule may crash');
          const mine = r.findings.filter(onlyRule(ids));
          assert.equal(mine.length, c.errors.length, `expected ${c.errors.length} finding(s), got:\n${mine.map(describeFinding).join('\n')}`);
          c.errors.forEach((e, i) => {
            const f = mine[i];
            const got: Record<string, unknown> = { line: f.startPos.line + 1, column: f.startPos.column + 1 };
            const want: Record<string, unknown> = { line: e.line, column: e.column };
            if (e.endLine !== undefined) { got.endLine = f.endPos.line + 1; want.endLine = e.endLine; }
            if (e.endColumn !== undefined) { got.endColumn = f.endPos.column + 1; want.endColumn = e.endColumn; }
            if (e.messageId !== undefined) { got.messageId = f.messageId; want.messageId = e.messageId; }
            if (e.ruleId !== undefined) { got.ruleId = f.ruleId; want.ruleId = e.ruleId; }
            if (e.severity !== undefined) { got.severity = f.severity; want.severity = e.severity; }
            assert.deepEqual(got, want, `finding ${i}: ${f.message}`);
            if (e.message) assert.match(f.message, e.message);
            if (e.incidents !== undefined) assert.deepEqual(f.incidents, e.incidents, `finding ${i}: linked incidents`);
            else assert.ok(f.incidents.length > 0, 'every finding links an incident (or the case says `incidents: []`)');
            if (e.patterns !== undefined) assert.deepEqual(f.patterns, e.patterns, `finding ${i}: linked patterns`);
            assert.ok(f.patterns.length > 0, 'every finding links a pattern');
          });
          if (c.output !== undefined) await checkFix(c, file, mine, r.findings, ids);
        });
      }
    });
  });
}

async function checkFix(c: InvalidCase, file: string, mine: Finding[], all: Finding[], ids: string[]): Promise<void> {
  const fixes = mine.map(f => f.fixes.find(x => x.isPreferred) ?? f.fixes[0]).filter(Boolean);
  if (c.output === null) {
    assert.equal(fixes.length, 0, `expected no fix, got: ${fixes.map(f => f!.title).join(', ')}`);
    return;
  }
  assert.ok(fixes.length > 0, 'expected a fix');
  const output = applyEdits(c.code, fixes.flatMap(f => f!.edits));
  assert.equal(output, c.output);
  const lang = languageForPath(file)!;
  const before = await parseSource(c.code, lang);
  const after = await parseSource(output, lang);
  try {
    assert.ok(!after.rootNode.hasError || before.rootNode.hasError, `the fix introduced a syntax error:\n${output}`);
  } finally { before.delete(); after.delete(); }
  const r2 = await analyzeText(output, file, c.options);
  const still = r2.findings.filter(onlyRule(ids));
  assert.deepEqual(still.map(describeFinding), [], 'the fixed code still triggers the rule');
  const othersBefore = all.filter(f => !ids.includes(f.ruleId)).length;
  assert.ok(r2.findings.length <= othersBefore, `the fix added findings: ${r2.findings.map(describeFinding).join('; ')}`);
}

export function describeFinding(f: Finding): string {
  return `${f.ruleId} ${f.startPos.line + 1}:${f.startPos.column + 1}-${f.endPos.line + 1}:${f.endPos.column + 1} [${f.messageId}] ${f.message}`;
}

function firstLine(code: string): string {
  const l = code.trim().split('\n').find(x => x.trim() && !x.trim().startsWith('import')) ?? code.trim();
  return l.trim().slice(0, 90);
}
