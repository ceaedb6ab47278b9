/** Pure parts of the ecosystem check: Wilson intervals, seeded sampling, finding keys and diffs, recall matching, labels. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffRuns, findingId, findingKey, indexFindings, isFound, seededRank, seededSample, stableId, thresholdFor, wilson, type RunFinding } from './lib/measure';
import { labelProblems } from './lib/labels';
import { expandDirs, familyOf } from './lib/common';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const f = (over: Partial<RunFinding>): RunFinding => ({
  repo: 'o/r', path: 'src/a.ts', line: 10, column: 3, endLine: 10, endColumn: 9, ruleId: 'missing-timeout', severity: 'warning', messageId: 'noTimeout', message: 'm', ...over,
});

describe('wilson', () => {
  it('matches the textbook values', () => {
    // 8/10: 0.4902 .. 0.9433 (Wilson, z = 1.96)
    const w = wilson(8, 10);
    assert.equal(w.p, 0.8);
    assert.equal(w.lo.toFixed(4), '0.4902');
    assert.equal(w.hi.toFixed(4), '0.9433');
    const z = wilson(0, 20);
    assert.equal(z.lo, 0);
    assert.equal(z.hi.toFixed(4), '0.1611');
    const all = wilson(20, 20);
    assert.equal(all.hi, 1);
    assert.equal(all.lo.toFixed(4), '0.8389');
  });
  it('is [0, 1] with no observations and narrows as n grows', () => {
    assert.deepEqual([wilson(0, 0).lo, wilson(0, 0).hi], [0, 1]);
    const a = wilson(5, 10), b = wilson(50, 100);
    assert.ok(b.hi - b.lo < a.hi - a.lo);
  });
});

describe('seeded sampling', () => {
  const items = Array.from({ length: 200 }, (_, i) => `item-${i}`);
  it('is deterministic and independent of input order', () => {
    const a = seededSample(items, x => x, 'seed-1', 15);
    const b = seededSample([...items].reverse(), x => x, 'seed-1', 15);
    assert.deepEqual(a, b);
    assert.equal(a.length, 15);
    assert.equal(new Set(a).size, 15);
  });
  it('changes with the seed', () => {
    assert.notDeepEqual(seededSample(items, x => x, 'seed-1', 15), seededSample(items, x => x, 'seed-2', 15));
  });
  it('keeps sampled items sampled when others are removed', () => {
    const a = seededSample(items, x => x, 's', 10);
    const fewer = items.filter(x => !a.includes(x) || x === a[0]);
    assert.equal(seededSample(fewer, x => x, 's', 1)[0], a[0]);
  });
  it('ranks are in [0, 1) and stable ids are stable', () => {
    for (const x of items) { const r = seededRank('s', x); assert.ok(r >= 0 && r < 1); }
    assert.equal(stableId(['a', 1]), stableId(['a', 1]));
    assert.notEqual(stableId(['a', 1]), stableId(['a1']));
  });
  it('threshold sampling takes n items and keeps persisting ones', () => {
    const th = thresholdFor(items, x => x, 's', 12);
    const picked = items.filter(x => seededRank('s', x) <= th);
    assert.equal(picked.length, 12);
    // a later run with extra findings: the persisting picked ones are still picked
    const later = [...items, ...Array.from({ length: 100 }, (_, i) => `new-${i}`)];
    const again = later.filter(x => seededRank('s', x) <= th);
    for (const p of picked) assert.ok(again.includes(p));
    assert.equal(thresholdFor(items.slice(0, 5), x => x, 's', 12), 1);
  });
});

describe('findings', () => {
  it('keys ignore column and message', () => {
    assert.equal(findingKey(f({ column: 1, message: 'a' })), findingKey(f({ column: 7, message: 'b' })));
    assert.notEqual(findingId(f({})), findingId(f({ line: 11 })));
    assert.notEqual(findingId(f({})), findingId(f({ ruleId: 'wall-clock-ordering' })));
  });
  it('diffs per rule, counting duplicates of a key', () => {
    const before = [f({}), f({ line: 20 }), f({ ruleId: 'retry-without-jitter', line: 5 })];
    const after = [f({}), f({}), f({ ruleId: 'retry-without-jitter', line: 5, column: 9 }), f({ ruleId: 'wall-clock-ordering', line: 30 })];
    const d = diffRuns(before, after);
    assert.deepEqual(d.map(x => [x.ruleId, x.added.map(a => a.line), x.gone.map(g => g.line)]), [
      ['missing-timeout', [10], [20]],
      ['wall-clock-ordering', [30], []],
    ]);
    assert.deepEqual(diffRuns(before, before), []);
  });
  it('maps rule ids to families (retry = both retry rules)', () => {
    assert.equal(familyOf('retry-without-backoff'), 'retry');
    assert.equal(familyOf('retry-without-jitter'), 'retry');
    assert.equal(familyOf('non-idempotent-handler'), 'handlers');
    assert.equal(familyOf('nope'), undefined);
  });
});

describe('recall matching', () => {
  const idx = indexFindings([f({ line: 12 }), f({ ruleId: 'retry-without-jitter', line: 40, path: 'src/b.ts' })]);
  const c = { repo: 'o/r', path: 'src/a.ts', line: 10, endLine: 14, family: 'timeout' as const };
  it('finds a finding of the family in the same file within [line, endLine]', () => {
    assert.equal(isFound(c, idx), true);
    assert.equal(isFound({ ...c, line: 13 }, idx), false);
    assert.equal(isFound({ ...c, endLine: 11 }, idx), false);
    assert.equal(isFound({ ...c, line: 12, endLine: 12 }, idx), true);
  });
  it('needs the same family, file and repository', () => {
    assert.equal(isFound({ ...c, family: 'wall-clock' }, idx), false);
    assert.equal(isFound({ ...c, path: 'src/b.ts', line: 38, endLine: 41, family: 'retry' }, idx), true);
    assert.equal(isFound({ ...c, repo: 'o/other' }, idx), false);
  });
});

describe('labels', () => {
  const ok = { id: 'abc', repo: 'o/r', commit: 'c', path: 'p.ts', line: 3, family: 'retry', kind: 'recall', label: 'flag', reason: 'The loop retries the call with a constant one-second sleep.', labeller: 'x', date: '2026-12-03' } as const;
  it('accepts a well-formed label and rejects bad ones', () => {
    assert.deepEqual(labelProblems(ok), []);
    assert.match(labelProblems({ ...ok, label: 'tp' }).join(), /recall label/);
    assert.match(labelProblems({ ...ok, kind: 'precision', label: 'tp' }).join(), /ruleId/);
    assert.match(labelProblems({ ...ok, reason: 'await fetch(url).then(r => r.json());' }).join(), /code/);
    assert.match(labelProblems({ ...ok, line: 0 }).join(), /line/);
  });
});

describe('expandDirs', () => {
  it('expands * segments and reports missing entries', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eco-dirs-'));
    try {
      for (const d of ['packages/a/src', 'packages/b/src', 'packages/c/lib', 'server']) fs.mkdirSync(path.join(root, d), { recursive: true });
      const r = expandDirs(root, ['packages/*/src', 'server', 'nope', 'x/*/y']);
      assert.deepEqual(r.paths, ['packages/a/src', 'packages/b/src', 'server']);
      assert.deepEqual(r.missing, ['nope', 'x/*/y']);
    } finally { fs.rmSync(root, { recursive: true, force: true }); }
  });
});

describe('README table', () => {
  it('rewrites only the text between the markers', async () => {
    const { writeReadme, renderTable } = await import('./lib/report');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eco-readme-'));
    const file = path.join(dir, 'README.md');
    try {
      fs.writeFileSync(file, 'intro\n<!-- ecosystem:start -->\nold\n<!-- ecosystem:end -->\noutro\n');
      const cells = [{ family: 'retry' as const, half: 'heldout' as const, tp: 8, fp: 2, unjudged: [], flagged: 10, found: 4, noFlag: 3, noFlagFound: 0, unlabelled: 0 }];
      const log = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try { writeReadme(cells, 'r.json', 'abc123 rules', file); } finally { process.stdout.write = log; }
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.startsWith('intro\n<!-- ecosystem:start -->\nGenerated by'));
      assert.ok(text.endsWith('<!-- ecosystem:end -->\noutro\n'));
      assert.ok(!text.includes('old'));
      assert.match(text, /\| heldout \| retry \| 0\.80 \[0\.49, 0\.94\] \| 8\/10 \| 0 \| 0\.40 \[0\.17, 0\.69\] \| 4\/10 \| 0 \|/);
      assert.match(text, /23 labelled sites/);
      assert.match(renderTable(cells, false), /heldout\s+retry/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
