import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, LineIndex } from '../../src/core/text';

test('applyEdits: any order, overlapping later edits dropped, exact duplicates applied once', () => {
  assert.equal(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }]), 'AbcdEf');
  assert.equal(applyEdits('abcdef', [{ start: 1, end: 3, text: 'X' }, { start: 2, end: 4, text: 'Y' }]), 'aXdef');
  assert.equal(applyEdits('ab', [{ start: 1, end: 1, text: '-' }, { start: 1, end: 1, text: '-' }]), 'a-b');
  assert.equal(applyEdits('ab', [{ start: 1, end: 1, text: '-' }, { start: 1, end: 1, text: '+' }]), 'a-+b');
});

test('LineIndex: offsets <-> positions in UTF-16 units, CRLF-safe line text', () => {
  const t = 'a😀b\r\nsecond\nthird';
  const li = new LineIndex(t);
  assert.equal(li.lineCount, 3);
  assert.deepEqual(li.pos(t.indexOf('b')), { line: 0, column: 3 });
  assert.deepEqual(li.pos(t.indexOf('third') + 2), { line: 2, column: 2 });
  assert.equal(li.offset({ line: 1, column: 3 }), t.indexOf('second') + 3);
  assert.equal(li.lineText(0), 'a😀b');
  assert.equal(li.indentAt(t.indexOf('second')), '');
});

test('LineIndex: a lone CR ends a line as in VS Code (old Mac line endings), CRLF is one break', () => {
  const li = new LineIndex('a\rbb\r\ncc\nd\r');
  assert.equal(li.lineCount, 5);
  assert.deepEqual([0, 1, 2, 3, 4].map(l => li.lineText(l)), ['a', 'bb', 'cc', 'd', '']);
  assert.deepEqual(li.pos('a\rbb\r\ncc\nd\r'.indexOf('cc')), { line: 2, column: 0 });
  assert.deepEqual(new LineIndex('x\r\ry').pos(3), { line: 2, column: 0 });
});

test('LineIndex.edited: the table of the edited text equals a fresh one (random edits, CRLF, edits at the ends)', () => {
  let seed = 7;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const pieces = ['\n', '\r\n', 'a', 'bc\nd', '\n\n', '', 'xyz', '\r', 'x\ry', '\r\r\n'];
  let text = 'one\ntwo\r\nthree\n\nfive';
  let li = new LineIndex(text);
  for (let i = 0; i < 500; i++) {
    const start = rand(text.length + 1);
    const oldEnd = Math.min(text.length, start + rand(6));
    const ins = pieces[rand(pieces.length)];
    const next = text.slice(0, start) + ins + text.slice(oldEnd);
    li = li.edited(next, start, oldEnd, start + ins.length);
    text = next;
    const fresh = new LineIndex(text);
    assert.equal(li.lineCount, fresh.lineCount, `edit ${i}`);
    for (let l = 0; l < fresh.lineCount; l++) assert.equal(li.lineStart(l), fresh.lineStart(l), `edit ${i}, line ${l}`);
  }
});
