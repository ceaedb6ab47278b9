/**
 * Table tests of one rule over multi-file projects: each case is a set of files written to a temporary project and
 * analysed with the project layer (analyzeProject, every rule); valid cases must give no finding of the rule, invalid
 * ones exactly the expected findings at their 1-based positions (line, column of the finding's start). With `fix`,
 * the preferred fix of every finding in that file is applied, re-parsed (no syntax error) and the project re-analysed
 * (no finding left).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeProject } from '../../src/project/analyze';
import { defaultConfig } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { applyEdits } from '../../src/core/text';
import { parseSource, languageForPath } from '../../src/core/parser';
import type { Finding } from '../../src/core/types';
import { tempProject } from './temp-project';

export interface ProjectExpected {
  file: string;
  line: number;
  column: number;
  messageId?: string;
  severity?: string;
  message?: RegExp;
  /** related locations as `file:line` (1-based) */
  related?: string[];
}
export interface ProjectValidCase { name: string; files: Record<string, string> }
export interface ProjectCase extends ProjectValidCase { errors: ProjectExpected[]; fix?: string }
type Found = { file: string; f: Finding };

export async function runProject(ruleId: string, files: Record<string, string>): Promise<{ dir: string; found: Found[]; crashes: string[] }> {
  const dir = tempProject(files);
  const list = Object.keys(files).filter(f => /\.[cm]?[jt]sx?$/.test(f)).map(f => path.join(dir, f));
  const r = await analyzeProject(list, { config: defaultConfig(dir), rules: allRules });
  const found = r.files.flatMap(x => x.findings.filter(f => f.ruleId === ruleId).map(f => ({ file: path.relative(dir, x.file), f })));
  return { dir, found, crashes: r.notices.filter(n => /crash/.test(n)) };
}

export const describeFound = (x: Found): string => `${x.file}:${x.f.startPos.line + 1}:${x.f.startPos.column + 1} [${x.f.messageId}] ${x.f.message}`;

export function projectTable(ruleId: string, title: string, cases: { valid: ProjectValidCase[]; invalid: ProjectCase[] }): void {
  describe(title, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        test(c.name, async () => {
          const { found, crashes } = await runProject(ruleId, c.files);
          assert.deepEqual(crashes, []);
          assert.deepEqual(found.map(describeFound), []);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        test(c.name, async () => {
          const { dir, found, crashes } = await runProject(ruleId, c.files);
          assert.deepEqual(crashes, []);
          assert.equal(found.length, c.errors.length, `expected ${c.errors.length} finding(s), got:\n${found.map(describeFound).join('\n')}`);
          c.errors.forEach((e, i) => {
            const x = found[i];
            const got: Record<string, unknown> = { file: x.file, line: x.f.startPos.line + 1, column: x.f.startPos.column + 1 };
            const want: Record<string, unknown> = { file: e.file, line: e.line, column: e.column };
            if (e.messageId) { got.messageId = x.f.messageId; want.messageId = e.messageId; }
            if (e.severity) { got.severity = x.f.severity; want.severity = e.severity; }
            if (e.related) { got.related = (x.f.related ?? []).map(r => `${path.relative(dir, r.file)}:${r.startPos.line + 1}`); want.related = e.related; }
            assert.deepEqual(got, want, x.f.message);
            if (e.message) assert.match(x.f.message, e.message);
          });
          if (c.fix) await checkFix(ruleId, dir, c, found);
        });
      }
    });
  });
}

/** Applies the preferred fix of every finding in `c.fix` (a file), re-parses it and re-analyses the project. */
async function checkFix(ruleId: string, dir: string, c: ProjectCase, found: Found[]): Promise<void> {
  const file = c.fix!;
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const fixes = found.filter(x => x.file === file).map(x => x.f.fixes.find(f => f.isPreferred) ?? x.f.fixes[0]);
  assert.ok(fixes.length && fixes.every(Boolean), 'expected a fix on every finding in ' + file);
  const out = applyEdits(text, fixes.flatMap(f => f!.edits));
  const tree = await parseSource(out, languageForPath(file)!);
  try { assert.ok(!tree.rootNode.hasError, `the fix introduced a syntax error:\n${out}`); } finally { tree.delete(); }
  const again = await runProject(ruleId, { ...c.files, [file]: out });
  assert.deepEqual(again.found.map(describeFound), [], `the fixed project still triggers the rule:\n${out}`);
}
