// `node.parent` is replaced by a caching getter (core/parser.ts cacheParents): shallow descents list children, deep
// ones step down one level at a time from the nearest ancestor already passed, and a tree whose deep descents add up
// to its size is walked once. Whatever the order of the questions, every answer must be tree-sitter's.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadLanguage, parseSync, type LangId, type Node, type Tree } from '../../src/core/parser';
import { STRESS_SHAPES } from '../reliability/shapes';

/** Every node of the tree with its parent's id, from one cursor walk (the cursor's own stack is the truth). */
interface Truth { node: Node; parentId: number | null; depth: number }
function groundTruth(tree: Tree): Truth[] {
  const out: Truth[] = [];
  const cursor = tree.rootNode.walk();
  const stack: Node[] = [];
  try {
    for (;;) {
      const n = cursor.currentNode;
      out.push({ node: n, parentId: stack.length ? stack[stack.length - 1].id : null, depth: stack.length });
      if (cursor.gotoFirstChild()) { stack.push(n); continue; }
      let moved = false;
      while (!moved) {
        if (cursor.gotoNextSibling()) moved = true;
        else if (cursor.gotoParent()) stack.pop();
        else return out;
      }
    }
  } finally { cursor.delete(); }
}

/** Deterministic shuffle (mulberry32). */
function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => { a = (a + 0x6d2b79f5) >>> 0; let t = Math.imul(a ^ (a >>> 15), a | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}

const inputs: { name: string; text: string; lang: LangId }[] = [
  { name: 'arrows(300)', text: STRESS_SHAPES['arrows'](300), lang: 'typescript' },
  { name: 'for-try(150)', text: STRESS_SHAPES['for-try'](150), lang: 'typescript' },
  { name: 'datenow-chain(400)', text: STRESS_SHAPES['datenow-chain'](400), lang: 'typescript' },
  { name: 'nested-fetch(120)', text: STRESS_SHAPES['nested-fetch'](120), lang: 'typescript' },
  { name: 'nested-arrays(200)', text: STRESS_SHAPES['nested-arrays'](200), lang: 'javascript' },
  { name: 'syntax-error-fetch(300)', text: STRESS_SHAPES['syntax-error-fetch'](300), lang: 'javascript' },
  { name: 'error-statements-fetch(200) in nested ifs', text: STRESS_SHAPES['nested-ifs'](100).replace('fetch(u);', STRESS_SHAPES['error-statements-fetch'](200)), lang: 'typescript' },
  { name: 'jsx-like(150)', text: STRESS_SHAPES['jsx-like'](150), lang: 'tsx' },
  { name: 'core/analyzer.ts', text: fs.readFileSync(path.join(__dirname, '../../src/core/analyzer.ts'), 'utf8'), lang: 'typescript' },
];

test('node.parent is tree-sitter\'s parent for every node, asked in document, reverse and random order', async () => {
  for (const lang of ['typescript', 'tsx', 'javascript'] as const) await loadLanguage(lang);
  for (const { name, text, lang } of inputs) {
    const orders: [string, (xs: Truth[]) => Truth[]][] = [
      ['document order', xs => xs],
      ['reverse order', xs => xs.slice().reverse()],
      ['random order', xs => shuffled(xs, 7)],
      // the deepest nodes first, then each one's ancestors (a rule walking up from a deep call)
      ['walks up from the deepest', xs => [...xs.slice().sort((a, b) => b.depth - a.depth).slice(0, 3), ...xs]],
    ];
    for (const [order, arrange] of orders) {
      const tree = parseSync(text, lang);
      try {
        const truth = groundTruth(tree);
        assert.ok(truth.length > 100, `${name}: ${truth.length} nodes`);
        let checked = 0;
        for (const { node, parentId } of arrange(truth)) {
          assert.equal(node.parent?.id ?? null, parentId, `${name}, ${order}: parent of ${node.type} at ${node.startIndex}-${node.endIndex}`);
          checked++;
        }
        assert.ok(checked >= truth.length);
      } finally { tree.delete(); }
    }
  }
});
