/**
 * Rule docs are part of the contract (Biome rules_check / typescript-eslint docs.test style): every rule has
 * docs with the fixed sections, and every ```ts invalid block yields ≥ 1 finding of that rule, every ```ts valid
 * block none. The blocks are the examples users read in hovers, the KB and SARIF help.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../src/rules';
import { analyzeText } from './helpers/analyze';

const REQUIRED = ['## What it does', '## Why is this bad?', '## Example', '## Use instead', '## Fix safety', '## References'];
const FENCE = /^```(ts|tsx|js|jsx|typescript|javascript)\s+(valid|invalid)\s*$([\s\S]*?)^```\s*$/gm;

for (const rule of allRules) {
  const id = rule.meta.id;
  const file = path.join(__dirname, '..', 'src', 'rules', `${id}.md`);
  describe(`docs: ${id}`, () => {
    test('exists with the fixed sections in order', () => {
      assert.ok(fs.existsSync(file), `missing ${path.relative(process.cwd(), file)}`);
      const md = fs.readFileSync(file, 'utf8');
      assert.match(md, new RegExp(`^---\\n[\\s\\S]*?\\bid: ${id}\\b[\\s\\S]*?\\n---\\n`), 'front matter with the rule id');
      let at = -1;
      for (const h of REQUIRED) {
        const i = md.indexOf(`\n${h}\n`);
        assert.ok(i > at, `section "${h}" missing or out of order`);
        at = i;
      }
    });
    if (!fs.existsSync(file)) return;
    const md = fs.readFileSync(file, 'utf8');
    const blocks = [...md.matchAll(FENCE)].map(m => ({ lang: m[1], kind: m[2], code: m[3].replace(/^\n/, ''), line: md.slice(0, m.index).split('\n').length }));
    test('has at least one invalid and one valid example', () => {
      assert.ok(blocks.some(b => b.kind === 'invalid'), 'no ```ts invalid block');
      assert.ok(blocks.some(b => b.kind === 'valid'), 'no ```ts valid block');
    });
    for (const b of blocks) {
      test(`${b.kind} example at line ${b.line}`, async () => {
        const ext = { ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js', jsx: 'jsx' }[b.lang]!;
        const r = await analyzeText(b.code, `example.${ext}`);
        const mine = r.findings.filter(f => f.ruleId === id);
        if (b.kind === 'invalid') assert.ok(mine.length >= 1, `expected a ${id} finding in:\n${b.code}`);
        else assert.deepEqual(mine.map(f => `${f.startPos.line + 1}:${f.startPos.column + 1} ${f.message}`), []);
      });
    }
  });
}
