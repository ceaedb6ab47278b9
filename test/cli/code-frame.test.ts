// The pretty format's code frame (src/cli/format.ts codeFrame): unchanged on ordinary lines; on a long line with the
// finding far to the right it shows a window around the finding with the caret under it (before: the line's first
// 200 characters and a caret line as long as the column, 221 MB of output for --fix on 25,000 fetch calls).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codeFrame, plain } from '../../src/cli/format';
import { LineIndex } from '../../src/core/text';
import type { Finding } from '../../src/core/types';

function findingAt(text: string, start: number, end: number): Finding {
  const lines = new LineIndex(text);
  return { startPos: lines.pos(start), endPos: lines.pos(end) } as Finding;
}

test('an ordinary line: the frame with one line of context and the caret under the finding', () => {
  const text = 'async function f(u) {\n\treturn fetch(u);\n}\n';
  const at = text.indexOf('fetch');
  assert.equal(codeFrame(text, findingAt(text, at, at + 'fetch(u)'.length), plain), [
    '    1 | async function f(u) {',
    '  > 2 |   return fetch(u);',
    '      |          ^^^^^^^^',
    '    3 | }',
  ].join('\n'));
});

test('a finding 100,000 characters into a line: a window around it, the caret under it, the frame small', () => {
  const line = 'x, '.repeat(33_334) + 'fetch(u), ' + 'y, '.repeat(50_000);
  const text = `const a = 1;\nf(${line});\nconst b = 2;\n`;
  const at = text.indexOf('fetch');
  const frame = codeFrame(text, findingAt(text, at, at + 'fetch(u)'.length), plain);
  const rows = frame.split('\n');
  assert.ok(frame.length < 1000, `frame of ${frame.length} characters`);
  const shown = rows[1], caret = rows[2];
  assert.match(shown, /^ {2}> 2 \| …[ x,]+fetch\(u\), y, .*…$/);
  const col = caret.indexOf('^');
  assert.equal(shown.slice(col, col + 8), 'fetch(u)');
  assert.equal(caret.slice(col), '^^^^^^^^');
  // the short context lines are past the window: nothing of them is shown
  assert.equal(rows[0], '    1 | ');
  assert.equal(rows[3], '    3 | ');
});
