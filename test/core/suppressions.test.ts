import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../helpers/analyze';

const lines = (r: { findings: { ruleId: string; startPos: { line: number } }[] }) => r.findings.map(f => `${f.ruleId}@${f.startPos.line + 1}`);

test('disable-next-line with a rule list and a reason', async () => {
  const r = await analyzeText(`// incident-lens-disable-next-line missing-timeout -- health check, bounded by the LB\nawait fetch(a);\nawait fetch(b);`);
  assert.deepEqual(lines(r), ['missing-timeout@3']);
});

test('disable-next-line for another rule does not suppress', async () => {
  const r = await analyzeText(`// incident-lens-disable-next-line wall-clock-ordering\nawait fetch(a);`);
  assert.deepEqual(lines(r), ['missing-timeout@2']);
});

test('disable-line (trailing) and bare disable-next-line (all rules)', async () => {
  const r = await analyzeText(`await fetch(a); // incident-lens-disable-line missing-timeout\n// incident-lens-disable-next-line\nawait fetch(b);\nawait fetch(c);`);
  assert.deepEqual(lines(r), ['missing-timeout@4']);
});

test('block disable / enable, and disable to the end of the file', async () => {
  const r = await analyzeText(`await fetch(a);\n/* incident-lens-disable missing-timeout */\nawait fetch(b);\n/* incident-lens-enable missing-timeout */\nawait fetch(c);\n/* incident-lens-disable */\nawait fetch(d);`);
  assert.deepEqual(lines(r), ['missing-timeout@1', 'missing-timeout@5']);
});

test('directive text inside a string is not a directive', async () => {
  const r = await analyzeText(`const s = "// incident-lens-disable-next-line";\nawait fetch(a);`);
  assert.deepEqual(lines(r), ['missing-timeout@2']);
});

test('unused directives are reported (info) when asked, with a removal fix', async () => {
  const r = await analyzeText(`// incident-lens-disable-next-line missing-timeout\nconst x = 1;\n// incident-lens-disable-next-line missing-timeout\nawait fetch(a);`, 'a.ts', { reportUnusedDirectives: true });
  const unused = r.findings.filter(f => f.ruleId === 'unused-disable-directive');
  assert.equal(unused.length, 1);
  assert.equal(unused[0].startPos.line, 0);
  assert.equal(unused[0].severity, 'info');
  assert.equal(unused[0].fixes[0].edits[0].text, '');
  assert.equal(r.findings.filter(f => f.ruleId === 'missing-timeout').length, 0);
});
