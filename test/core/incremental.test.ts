/**
 * Incremental analysis must give exactly the findings of a whole-file analysis, after any edit.
 * Random edits (seeded) on the example service and on every rule doc's examples, applied as an editor does:
 * tree.edit + incremental re-parse, then IncrementalAnalyzer.update; compared with a fresh full analysis.
 */
import { test } from 'node:test';
import { ALL_RULES } from '../helpers/analyze';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeTree, sortAndDedupe } from '../../src/core/analyzer';
import { ProjectIndex } from '../../src/project/index';
import { settleFindings } from '../../src/project/settle';
import { IncrementalAnalyzer, TextChange } from '../../src/core/incremental';
import { languageForPath, loadLanguage, makeEdit, parseSync, Tree } from '../../src/core/parser';
import { LineIndex } from '../../src/core/text';
import type { Finding } from '../../src/core/types';
import { DocumentEngine, type DocumentAnalysis } from '../../src/extension/engine';
import type { ContentChange } from '../../src/extension/trees';
import { generateServiceFile } from '../../bench/editor';

// every windowed statement list is checked against a walk over the whole tree (throws on a difference)
IncrementalAnalyzer.checkStatements = true;

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
// positions (start and end), fixes' edits and all: an incremental run shifts them itself
/**
 * What the editor shows for a whole-file analysis: core findings plus the file's pending findings settled as a
 * one-file project (the DocumentEngine settles pending findings against its index; same-file calls resolve).
 */
function settledWholeFile(file: string, text: string, lang: Parameters<typeof analyzeTree>[2], tree: Tree): Finding[] {
  const r = analyzeTree(file, text, lang, tree, { ...ALL_RULES, symbols: true });
  if (!r.pending.length) return r.findings;
  const index = new ProjectIndex({ resolve: () => undefined });
  if (r.symbols) index.set(file, r.symbols);
  const settled = settleFindings(file, r.pending, ALL_RULES.rules, index).filter(f => !f.unlessFacts?.some(u => r.projectFacts.includes(u)));
  return sortAndDedupe([...r.findings, ...settled]);
}

const key = (f: Finding) => `${f.ruleId} ${f.start}-${f.end} ${f.messageId} ${f.startPos.line}:${f.startPos.column}-${f.endPos.line}:${f.endPos.column} ${f.message} ${JSON.stringify(f.fixes)} ${f.severity}`;

function pointAt(text: string, offset: number) {
  const lines = new LineIndex(text);
  const p = lines.pos(offset);
  return { row: p.line, column: p.column };
}

for (const src of sources()) for (const seed of [src.text.length, src.text.length * 7 + 1]) {
  test(`incremental == full after random edits: ${src.name} (seed ${seed})`, async () => {
    const lang = languageForPath(src.name)!;
    await loadLanguage(lang);
    const rand = rng(seed);
    let text = src.text;
    let tree: Tree = parseSync(text, lang);
    const inc = new IncrementalAnalyzer(src.name, lang, ALL_RULES);
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
      // a deferred update (a syntax error spanning most of the file) shows the previous findings: it is checked
      // by the next update that analyses, which takes its changes along
      if (got.deferred) { assert.ok(tree.rootNode.hasError, 'deferred only with a syntax error'); continue; }
      const fresh = parseSync(text, lang);
      const want = analyzeTree(src.name, text, lang, fresh, ALL_RULES);
      fresh.delete();
      assert.deepEqual(got.findings.map(key), want.findings.map(key), `edit ${k} (${got.mode}): ${JSON.stringify(changes)}`);
    }
    tree.delete();
    assert.ok(incrementalRuns > 0, 'some edits were handled incrementally');
  });
}

test("typing or deleting a 'use client' directive re-analyses the whole file (browser-only code, missing-timeout)", async () => {
  await loadLanguage('typescript');
  const body = Array.from({ length: 30 }, (_, i) => `export async function f${i}(u: string) {\n  return fetch(u + '/${i}');\n}\n`).join('\n');
  let text = body;
  let tree: Tree = parseSync(text, 'typescript');
  const inc = new IncrementalAnalyzer('page.ts', 'typescript', ALL_RULES);
  assert.equal(inc.full(text, tree).findings.filter(f => f.ruleId === 'missing-timeout').length, 30);
  const edit = (start: number, oldEnd: number, ins: string) => {
    const next = text.slice(0, start) + ins + text.slice(oldEnd);
    tree.edit(makeEdit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + ins.length, startPosition: pointAt(text, start), oldEndPosition: pointAt(text, oldEnd), newEndPosition: pointAt(next, start + ins.length) }));
    text = next;
    const t = parseSync(text, 'typescript', tree);
    tree.delete();
    tree = t;
    const got = inc.update(text, tree, [{ start, oldEnd, newEnd: start + ins.length }]);
    const fresh = parseSync(text, 'typescript');
    const want = analyzeTree('page.ts', text, 'typescript', fresh, ALL_RULES);
    fresh.delete();
    assert.deepEqual(got.findings.map(key), want.findings.map(key));
    return got.findings.filter(f => f.ruleId === 'missing-timeout').length;
  };
  assert.equal(edit(0, 0, "'use client';\n"), 0);
  assert.equal(edit(0, "'use client';\n".length, ''), 30);
  tree.delete();
});

// ------------------------------------------------------------------------------------------------ typing

/**
 * Character-by-character typing, as in the editor and bench/editor.ts: every keystroke goes through the extension's
 * DocumentEngine (tree.edit, chunked incremental re-parse, IncrementalAnalyzer) and must give the findings of a
 * fresh parse + whole-file analysis. Half-typed code (`const`, `const x =`, `if (a) {`, an unclosed template
 * literal or comment) makes tree-sitter re-parse beyond the edit, shift statements, or turn a function's tail into
 * top-level ERROR fragments: exactly the cases an incremental shortcut could get wrong.
 */
const TYPED = [
  'const x = 1;\n  ',
  'const t0 = Date.now();\n  if (Date.now() - t0 > 5) return;\n  ',
  'await fetch(url);\n  ',
  'if (a) {\n  ',
  'for (let i = 0; i < 3; i++) { try { await fn(); } catch {} }\n  ',
  '`${',
  '/* ',
  'x',
  '}\n',
  'function loadUser1() {}\n',
  'const BASE = 1;\n',
  '// incident-lens-disable-next-line\n  ',
];

function typingSources(): { name: string; text: string }[] {
  // the generated service module (bench/editor.ts's, shorter), the rule docs' examples, and the largest example file
  const all = sources();
  const largest = all.filter(s => s.name !== 'rule-docs.ts').sort((a, b) => b.text.length - a.text.length)[0];
  return [{ name: 'service.ts', text: generateServiceFile(260) }, all.find(s => s.name === 'rule-docs.ts')!, largest];
}

function contentChange(text: string, offset: number, insert: string, removed: number): ContentChange {
  const li = new LineIndex(text);
  const s = li.pos(offset), e = li.pos(offset + removed);
  return { range: { start: { line: s.line, character: s.column }, end: { line: e.line, character: e.column } }, rangeOffset: offset, rangeLength: removed, text: insert };
}

for (const src of typingSources()) {
  test(`typing character by character through the DocumentEngine == full: ${src.name}`, async t => {
    const lang = languageForPath(src.name)!;
    await loadLanguage(lang);
    const rand = rng(src.text.length * 31 + 7);
    const engine = new DocumentEngine();
    let text = src.text;
    let version = 0;
    engine.analyze('doc', src.name, text, lang, version, ALL_RULES);
    let incremental = 0, keystrokes = 0, deferred = 0;
    const fallbacks = new Map<string, number>();
    const type = (offset: number, insert: string, removed: number) => {
      engine.trees.applyChanges('doc', [contentChange(text, offset, insert, removed)]);
      text = text.slice(0, offset) + insert + text.slice(offset + removed);
      const got = engine.analyze('doc', src.name, text, lang, ++version, ALL_RULES);
      keystrokes++;
      if (got.analysisMode === 'incremental') incremental++;
      else fallbacks.set(got.fallback ?? '?', (fallbacks.get(got.fallback ?? '?') ?? 0) + 1);
      // deferred: a syntax error re-shaped the code, or (loaded machine) the re-parse went over its time budget
      if (got.deferred) { deferred++; assert.ok(got.hasSyntaxErrors || got.parseKind === 'over-budget' || got.parseKind === 'postponed', got.deferred); return; }
      const fresh = parseSync(text, lang);
      const want = settledWholeFile(src.name, text, lang, fresh);
      fresh.delete();
      assert.deepEqual(got.findings.map(key), want.map(key), `keystroke ${keystrokes} at ${offset} (${got.analysisMode}): ${JSON.stringify(insert)} -${removed}`);
    };
    for (let round = 0; round < 10; round++) {
      const word = TYPED[Math.floor(rand() * TYPED.length)];
      // at a statement start inside a body (like bench/editor.ts), at a line start, or anywhere
      const kind = rand();
      let pos: number;
      if (kind < 0.5) {
        const anchor = text.indexOf('  return ', Math.floor(rand() * text.length));
        pos = anchor === -1 ? Math.floor(rand() * text.length) : anchor + 2;
      } else if (kind < 0.8) {
        const nl = text.indexOf('\n', Math.floor(rand() * text.length));
        pos = nl === -1 ? text.length : nl + 1;
      } else pos = Math.floor(rand() * text.length);
      for (let c = 0; c < word.length; c++) type(pos + c, word[c], 0);
      // then deleted again, backwards, or left in place
      if (rand() < 0.7) for (let c = word.length - 1; c >= 0; c--) type(pos + c, '', 1);
    }
    engine.dispose();
    t.diagnostic(`${incremental}/${keystrokes} keystrokes incremental (${deferred} deferred); whole-file: ${JSON.stringify([...fallbacks])}`);
    assert.ok(src.name !== 'service.ts' ? incremental > 0 : incremental > keystrokes * 0.9, `most keystrokes were analysed incrementally (${incremental}/${keystrokes}; whole-file: ${JSON.stringify([...fallbacks])})`);
  });
}

/**
 * Typing into the generated service module, cut at a block boundary (so it parses), through a DocumentEngine:
 * `type` sends one keystroke per character and returns the last result (`each` sees every one).
 */
async function typingSession(lines: number, engine: DocumentEngine) {
  await loadLanguage('typescript');
  const whole = generateServiceFile(lines);
  let text = whole.slice(0, whole.lastIndexOf('\n\n') + 1);
  let version = 0;
  const first = engine.analyze('doc', 'service.ts', text, 'typescript', version, ALL_RULES);
  return {
    first,
    get text() { return text; },
    type(offset: number, s: string, each?: (r: DocumentAnalysis, i: number) => void): DocumentAnalysis {
      let r = first;
      for (let i = 0; i < s.length; i++) {
        engine.trees.applyChanges('doc', [contentChange(text, offset + i, s[i], 0)]);
        text = text.slice(0, offset + i) + s[i] + text.slice(offset + i);
        r = engine.analyze('doc', 'service.ts', text, 'typescript', ++version, ALL_RULES);
        each?.(r, i);
      }
      return r;
    },
  };
}

/** A fresh parse and whole-file analysis of the service module's text. */
function wholeFileFindings(text: string): Finding[] {
  const fresh = parseSync(text, 'typescript');
  const want = settledWholeFile('service.ts', text, 'typescript', fresh);
  fresh.delete();
  return want;
}

test('a brace left open mid-file defers analysis (previous findings, moved); closing it analyses the changes exactly', async () => {
  // no re-parse time budget: on a loaded machine a re-parse over budget postpones the next ones, which is the
  // budget test's subject (below), not this one's
  const engine = new DocumentEngine(30, false);
  const session = await typingSession(400, engine);
  const { first } = session;
  assert.equal(first.hasSyntaxErrors, false);
  // an unclosed `{` early in the file: tree-sitter's error recovery re-shapes the rest of the file
  const at = session.text.indexOf('  return ', session.text.length / 5) + 2;
  const typed = 'if (res.ok) {';
  const opened = session.type(at, typed);
  assert.ok(opened.deferred, `deferred (${opened.analysisMode} ${opened.fallback ?? ''})`);
  assert.equal(opened.analysisMode, 'incremental', 'no whole-file analysis');
  assert.equal(opened.findings.length, first.findings.length, 'the previous findings are shown');
  const moved = first.findings.filter(f => f.start >= at).map(f => f.start + typed.length);
  assert.deepEqual(opened.findings.filter(f => f.start >= at).map(f => f.start), moved);
  // closing the brace analyses every change made since the last analysis
  const closed = session.type(at + typed.length, ' }');
  assert.equal(closed.deferred, undefined);
  assert.equal(closed.hasSyntaxErrors, false);
  assert.deepEqual(closed.findings.map(key), wholeFileFindings(session.text).map(key));
  engine.dispose();
});

test('statement lists: the window around the edit was used (and checked against the tree) on error-free edits', () => {
  // runs last: the parity tests above went through IncrementalAnalyzer.update with checkStatements on
  const { windowed, walked } = IncrementalAnalyzer.statementStats;
  assert.ok(windowed > 20, `windowed ${windowed}, walked ${walked}`);
});

test('a re-parse over its time budget shows the previous findings (moved); the next one analyses every change since', async () => {
  // a budget no re-parse can meet: every keystroke is over it
  const engine = new DocumentEngine(30, 0);
  const session = await typingSession(600, engine);
  const { first } = session;
  const at = session.text.indexOf('  return ', session.text.length / 3) + 2;
  const typed = 'const x = 1;\n  ';
  const r = session.type(at, typed, (k, i) => {
    // over budget, then two keystrokes that do not try (postponed), then over budget again...
    assert.equal(k.parseKind, i % 3 === 0 ? 'over-budget' : 'postponed', `keystroke ${i}`);
    assert.ok(k.deferred);
  });
  assert.deepEqual(r.findings.map(f => [f.ruleId, f.start]), first.findings.map(f => [f.ruleId, f.start >= at ? f.start + typed.length : f.start]));
  const lines = new LineIndex(session.text);
  for (const f of r.findings) assert.deepEqual(f.startPos, lines.pos(f.start), 'positions of the moved text');
  // once typing pauses the extension analyses the whole file without a budget; here: a later keystroke within budget
  (engine as unknown as { budget: number | false }).budget = false;
  const after = session.type(at, ' ');
  assert.equal(after.parseKind, 'incremental');
  assert.equal(after.deferred, undefined);
  assert.deepEqual(after.findings.map(key), wholeFileFindings(session.text).map(key));
  engine.dispose();
});
