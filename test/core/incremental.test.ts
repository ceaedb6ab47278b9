/**
 * Incremental analysis must give exactly the findings of a whole-file analysis, after any edit.
 * Random edits (seeded) on the example service and on every rule doc's examples, applied as an editor does:
 * tree.edit + incremental re-parse, then IncrementalAnalyzer.update; compared with a fresh full analysis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeTree } from '../../src/core/analyzer';
import { IncrementalAnalyzer, TextChange } from '../../src/core/incremental';
import { languageForPath, loadLanguage, makeEdit, parseSync, Tree } from '../../src/core/parser';
import { LineIndex } from '../../src/core/text';
import type { Finding } from '../../src/core/types';

const ROOT = path.join(__dirname, '..', '..');

function sources(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/\.tsx?$/.test(e.name)) out.push({ name: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') }); } };
  walk(path.join(ROOT, 'examples', 'src'));
  // every rule doc's examples, concatenated into one module (imports first)
  const blocks: string[] = [];
  for (const f of fs.readdirSync(path.join(ROOT, 'src', 'rules'))) {
    if (!f.endsWith('.md')) continue;
    const md = fs.readFileSync(path.join(ROOT, 'src', 'rules', f), 'utf8');
    for (const m of md.matchAll(/^```ts\s+(?:valid|invalid)\s*$([\s\S]*?)^```\s*$/gm)) blocks.push(m[1]);
  }
  const imports = new Set<string>(), bodies: string[] = [];
  blocks.forEach((b, i) => { const lines = b.split('\n'); lines.filter(l => /^import /.test(l)).forEach(l => imports.add(l)); bodies.push(`namespace Doc${i} {\n${lines.filter(l => !/^import /.test(l)).join('\n')}\n}`); });
  out.push({ name: 'rule-docs.ts', text: [...imports].join('\n') + '\n' + bodies.join('\n') });
  return out;
}

const SNIPPETS = ['await fetch(url);\n', 'x', ';', '\n', 'const t0 = Date.now();\n', 'Date.now() - t0', '}', '{', ' as any', '// incident-lens-disable-next-line\n', 'attempt++', 'await sleep(1000);\n'];

function rng(seed: number) { return () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; }; }
const key = (f: Finding) => `${f.ruleId} ${f.start}-${f.end} ${f.messageId} ${f.startPos.line}:${f.startPos.column} ${f.message}`;

function pointAt(text: string, offset: number) {
  const lines = new LineIndex(text);
  const p = lines.pos(offset);
  return { row: p.line, column: p.column };
}

for (const src of sources()) {
  test(`incremental == full after random edits: ${src.name}`, async () => {
    const lang = languageForPath(src.name)!;
    await loadLanguage(lang);
    const rand = rng(src.text.length);
    let text = src.text;
    let tree: Tree = parseSync(text, lang);
    const inc = new IncrementalAnalyzer(src.name, lang);
    inc.full(text, tree);
    let incrementalRuns = 0;
    for (let k = 0; k < 40; k++) {
      const changes: TextChange[] = [];
      const nEdits = rand() < 0.2 ? 2 : 1;
      for (let e = 0; e < nEdits; e++) {
        const start = Math.floor(rand() * text.length);
        const del = rand() < 0.4 ? Math.floor(rand() * 12) : 0;
        const ins = rand() < 0.8 ? SNIPPETS[Math.floor(rand() * SNIPPETS.length)] : '';
        const oldEnd = Math.min(text.length, start + del);
        const next = text.slice(0, start) + ins + text.slice(oldEnd);
        tree.edit(makeEdit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + ins.length, startPosition: pointAt(text, start), oldEndPosition: pointAt(text, oldEnd), newEndPosition: pointAt(next, start + ins.length) }));
        changes.push({ start, oldEnd, newEnd: start + ins.length });
        text = next;
      }
      const newTree = parseSync(text, lang, tree);
      tree.delete();
      tree = newTree;
      const got = inc.update(text, tree, changes);
      if (got.mode === 'incremental') incrementalRuns++;
      const fresh = parseSync(text, lang);
      const want = analyzeTree(src.name, text, lang, fresh);
      fresh.delete();
      assert.deepEqual(got.findings.map(key), want.findings.map(key), `edit ${k} (${got.mode}): ${JSON.stringify(changes)}`);
    }
    tree.delete();
    assert.ok(incrementalRuns > 0, 'some edits were handled incrementally');
  });
}
