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
