import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { incrementalParseRefusals, loadAllLanguages, parseSync } from '../../src/core/parser';
import { DocumentTrees, changeToEdit, type ContentChange } from '../../src/extension/trees';
import { LineIndex } from '../../src/core/text';

/** A VS Code-like change event for replacing [start, end) of `text` (positions from the OLD text). */
function change(text: string, start: number, end: number, insert: string): ContentChange {
  const li = new LineIndex(text);
  const s = li.pos(start), e = li.pos(end);
  return { range: { start: { line: s.line, character: s.column }, end: { line: e.line, character: e.column } }, rangeOffset: start, rangeLength: end - start, text: insert };
}

const SRC = `import axios from 'axios';\n// naïve 🚀 comment: ünïcödé\nexport async function load(url: string) {\n  const r = await fetch(url);\n  return axios.get(url);\n}\n`;

test('changeToEdit: new end from the inserted text, old end from the old range', () => {
  const e = changeToEdit(change('ab\ncd\nef', 1, 7, 'X\nYY'));
  assert.deepEqual(e.startPosition, { row: 0, column: 1 });
  assert.deepEqual(e.oldEndPosition, { row: 2, column: 1 });
  assert.deepEqual(e.newEndPosition, { row: 1, column: 2 });
  assert.deepEqual([e.startIndex, e.oldEndIndex, e.newEndIndex], [1, 7, 5]);
});

test('incremental reparse equals a full parse after random edits (UTF-16, multi-line deletes)', async () => {
  await loadAllLanguages();
  const trees = new DocumentTrees(4);
  let text = SRC;
  let version = 1;
  assert.equal(trees.parse('a', text, 'typescript', version).kind, 'full');
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const inserts = ['x', '\n', '{', '}', ' 🚀', 'await fetch(u);\n', '', 'ü', ')', '//'];
  for (let i = 0; i < 200; i++) {
    let s = rnd(text.length + 1), e = Math.min(text.length, s + rnd(12));
    // never split a surrogate pair (VS Code never reports such ranges)
    if (/[\uDC00-\uDFFF]/.test(text[s] ?? '')) s--;
    if (/[\uDC00-\uDFFF]/.test(text[e] ?? '')) e++;
    const c = change(text, s, e, inserts[rnd(inserts.length)]);
    text = text.slice(0, s) + c.text + text.slice(e);
    trees.applyChanges('a', [c]);
    const r = trees.parse('a', text, 'typescript', ++version);
    assert.equal(r.kind, 'incremental');
    const full = parseSync(text, 'typescript');
    assert.equal(r.tree.rootNode.toString(), full.rootNode.toString(), `after edit ${i}`);
    assert.equal(r.tree.rootNode.endIndex, text.length);
    full.delete();
  }
  trees.clear();
});

test('several changes in one event (multi-cursor, reported last-to-first) reparse correctly', async () => {
  await loadAllLanguages();
  const trees = new DocumentTrees();
  const text = 'const a = 1;\nconst b = 2;\nconst c = 3;\n';
  trees.parse('m', text, 'typescript', 1);
  // insert "x" at the start of each line, as VS Code reports it: descending offsets, ranges in the old text
  const changes = [change(text, 26, 26, 'let '), change(text, 13, 13, 'let '), change(text, 0, 0, 'let ')];
  let next = text;
  for (const c of changes) next = next.slice(0, c.rangeOffset) + c.text + next.slice(c.rangeOffset + c.rangeLength);
  trees.applyChanges('m', changes);
  const r = trees.parse('m', next, 'typescript', 2);
  const full = parseSync(next, 'typescript');
  assert.equal(r.tree.rootNode.toString(), full.rootNode.toString());
  full.delete();
  trees.clear();
});

test('LRU evicts and frees the oldest trees; cached when nothing changed', async () => {
  await loadAllLanguages();
  const trees = new DocumentTrees(2);
  trees.parse('1', 'a;', 'javascript', 1);
  trees.parse('2', 'b;', 'javascript', 1);
  assert.equal(trees.parse('1', 'a;', 'javascript', 1).kind, 'cached');
  trees.parse('3', 'c;', 'javascript', 1);
  assert.equal(trees.size, 2);
  assert.ok(!trees.has('2') && trees.has('1') && trees.has('3'));
  assert.equal(trees.parse('1', 'a;', 'tsx', 2).kind, 'full', 'language change parses from scratch');
  trees.clear();
  assert.equal(trees.size, 0);
});

test('chunked incremental reads: surrogate pairs across read boundaries, node text of long nodes', async () => {
  await loadAllLanguages();
  const trees = new DocumentTrees(2);
  // emoji (two UTF-16 units each) at every offset parity, so reads of 128 units split pairs
  const body = Array.from({ length: 60 }, (_, i) => `  const s${i} = '${'🚀'.repeat(i % 7)}${'x'.repeat(i % 3)}🚀';`).join('\n');
  let text = `export function f() {\n${body}\n  return 1;\n}\n`;
  let version = 1;
  trees.parse('u', text, 'typescript', version);
  let seed = 11;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let i = 0; i < 60; i++) {
    let s = rnd(text.length);
    if (/[\uDC00-\uDFFF]/.test(text[s] ?? '')) s--;
    const ins = ['🚀', 'x', "'", '\n', ''][rnd(5)];
    const del = ins ? 0 : (/[\uD800-\uDBFF]/.test(text[s] ?? '') ? 2 : 1);
    const c = change(text, s, s + del, ins);
    text = text.slice(0, s) + ins + text.slice(s + del);
    trees.applyChanges('u', [c]);
    const r = trees.parse('u', text, 'typescript', ++version);
    assert.equal(r.kind, 'incremental');
    const full = parseSync(text, 'typescript');
    assert.equal(r.tree.rootNode.toString(), full.rootNode.toString(), `after edit ${i}`);
    full.delete();
    // the tree's text callback serves whole nodes after the parse (node.text of the 3,000-unit function)
    assert.equal(r.tree.rootNode.text, text);
    const fn = r.tree.rootNode.firstChild!;
    assert.equal(fn.text, text.slice(fn.startIndex, fn.endIndex));
  }
  // every re-parse above was incremental for real (none refused and redone from scratch)
  assert.equal(incrementalParseRefusals(), 0);
  trees.clear();
});
