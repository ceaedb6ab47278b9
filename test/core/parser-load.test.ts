// Its own file (node:test runs each file in a fresh process): the grammar must not be loaded before this test.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { incrementalParseRefusals, loadLanguage, makeEdit, parseSync } from '../../src/core/parser';

test('concurrent loads of a grammar share one Language, so trees re-parse incrementally', async () => {
  // the VS Code host loads a grammar from activation and from the first document at the same time
  const [a, b, c] = await Promise.all([loadLanguage('tsx'), loadLanguage('tsx'), loadLanguage('tsx')]);
  assert.equal(a, b);
  assert.equal(b, c);
  assert.equal(await loadLanguage('tsx'), a);
  const text = 'export const a = fetch(url);\n';
  const tree = parseSync(text, 'tsx');
  const next = 'export const ab = fetch(url);\n';
  tree.edit(makeEdit({ startIndex: 14, oldEndIndex: 14, newEndIndex: 15, startPosition: { row: 0, column: 14 }, oldEndPosition: { row: 0, column: 14 }, newEndPosition: { row: 0, column: 15 } }));
  const again = parseSync(next, 'tsx', tree);
  assert.equal(incrementalParseRefusals(), 0, 'tree-sitter refused the old tree');
  assert.equal(again.rootNode.text, next);
  assert.equal(again.rootNode.descendantForIndex(14, 15)?.text, 'ab');
  tree.delete(); again.delete();
});
