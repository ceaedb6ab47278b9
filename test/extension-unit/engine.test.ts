import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAllLanguages } from '../../src/core/parser';
import { applyEdits } from '../../src/core/text';
import { analyzeText, ALL_RULES } from '../helpers/analyze';
import {
  DEFAULT_SETTINGS, DocumentEngine, FactsIndex, analyzeOptionsOf, disableFileEdit, disableLineEdit, effectiveConfig, fixAll, fixAllEdit, hoverMarkdown, plainTitle, safelyFixable,
  isExcludedDocument, langOf, minimalEdit, orderedFixes, preferredFix,
} from '../../src/extension/engine';
import type { Fix } from '../../src/core/types';

const ROOT = path.join(__dirname, '..', '..');

test('disable for this line: comment above with the indentation; appends to an existing directive', async () => {
  const text = 'function f() {\n    return fetch(u);\n}\n';
  const e = disableLineEdit(text, { ruleId: 'missing-timeout', startPos: { line: 1, column: 11 } });
  const out = applyEdits(text, [e]);
  assert.equal(out, 'function f() {\n    // incident-lens-disable-next-line missing-timeout\n    return fetch(u);\n}\n');
  const again = applyEdits(out, [disableLineEdit(out, { ruleId: 'wall-clock-ordering', startPos: { line: 2, column: 11 } })]);
  assert.match(again, /\/\/ incident-lens-disable-next-line missing-timeout, wall-clock-ordering\n    return/);
  assert.deepEqual(applyEdits(out, [disableLineEdit(out, { ruleId: 'missing-timeout', startPos: { line: 2, column: 4 } })]), out);
  // the suppression really suppresses (the core's comment syntax)
  await loadAllLanguages();
  const src = 'export const f = (u: string) => {\n  return fetch(u);\n};\n';
  assert.equal((await analyzeText(src, 'a.ts')).findings.length, 1);
  const f = (await analyzeText(src, 'a.ts')).findings[0];
  assert.equal((await analyzeText(applyEdits(src, [disableLineEdit(src, f)]), 'a.ts')).findings.length, 0);
  assert.equal((await analyzeText(applyEdits(src, [disableFileEdit(src, f.ruleId)]), 'a.ts')).findings.length, 0);
});

test('disable for this file: after a shebang, merged into an existing top directive, CRLF kept', () => {
  assert.equal(applyEdits('#!/usr/bin/env node\nfetch(u);\n', [disableFileEdit('#!/usr/bin/env node\nfetch(u);\n', 'missing-timeout')]),
    '#!/usr/bin/env node\n/* incident-lens-disable missing-timeout */\nfetch(u);\n');
  const t = '/* incident-lens-disable missing-timeout */\nfetch(u);\n';
  assert.equal(applyEdits(t, [disableFileEdit(t, 'wall-clock-ordering')]), '/* incident-lens-disable missing-timeout, wall-clock-ordering */\nfetch(u);\n');
  assert.equal(applyEdits('a;\r\n', [disableFileEdit('a;\r\n', 'x')]), '/* incident-lens-disable x */\r\na;\r\n');
});

test('preferred fix is the safest; ordering puts it first', () => {
  const f = (title: string, safety: 'safe' | 'unsafe', isPreferred?: boolean): Fix => ({ title, safety, isPreferred, edits: [] });
  const fixes = [f('a', 'unsafe', true), f('b', 'safe'), f('c', 'safe', true)];
  assert.equal(preferredFix(fixes)!.title, 'c');
  assert.deepEqual(orderedFixes(fixes).map(x => x.title), ['c', 'b', 'a']);
  assert.equal(preferredFix([f('u', 'unsafe')])!.title, 'u');
});

test('minimalEdit and fix-all (safe fixes only, one edit)', async () => {
  assert.deepEqual(minimalEdit('abcdef', 'abXYef'), { start: 2, end: 4, text: 'XY' });
  await loadAllLanguages();
  const src = 'export async function a(u: string) {\n  return fetch(u);\n}\nexport async function b(u: string) {\n  return fetch(u, { method: "POST" });\n}\n';
  const e = fixAllEdit('a.ts', src, 'typescript', { ...ALL_RULES, settings: { defaultTimeoutMs: 1234 } })!;
  const out = applyEdits(src, [e]);
  assert.match(out, /fetch\(u, \{ signal: AbortSignal\.timeout\(1234\) \}\)/);
  assert.match(out, /fetch\(u, \{ method: "POST", signal: AbortSignal\.timeout\(1234\) \}\)/);
  assert.equal(fixAllEdit('a.ts', out, 'typescript', ALL_RULES), undefined);
});

test('facts index: other files\' facts void conditional findings; own facts come from the live analysis', async () => {
  await loadAllLanguages();
  const idx = new FactsIndex();
  assert.equal(idx.set('/p/defaults.ts', ['defaults-timeout:axios']), true);
  assert.equal(idx.set('/p/defaults.ts', ['defaults-timeout:axios']), false);
  assert.deepEqual([...idx.factsExcluding('/p/api.ts')], ['defaults-timeout:axios']);
  assert.deepEqual([...idx.factsExcluding('/p/defaults.ts')], []);
  const eng = new DocumentEngine();
  eng.facts.set('/p/defaults.ts', ['defaults-timeout:axios']);
  const text = "import axios from 'axios';\nexport const g = (u: string) => axios.get(u);\n";
  assert.equal(eng.analyze('k', '/p/api.ts', text, 'typescript', 1, ALL_RULES).findings.length, 0);
  eng.facts.delete('/p/defaults.ts');
  assert.equal(eng.analyze('k', '/p/api.ts', text, 'typescript', 1, ALL_RULES).findings.length, 1, 'a cached tree still re-analyses with new facts');
  eng.dispose();
});

test('holdConditional: until the workspace index is built, findings another file could void are held back, not shown and withdrawn', async () => {
  await loadAllLanguages();
  const eng = new DocumentEngine();
  eng.holdConditional = true;
  const text = "import axios from 'axios';\nexport const g = (u: string) => axios.get(u);\nexport const f = (u: string) => fetch(u);\n";
  // axios.get could be voided by `axios.defaults.timeout` in another file: held; fetch cannot: shown
  const held = eng.analyze('k', '/p/api.ts', text, 'typescript', 1, ALL_RULES);
  assert.deepEqual(held.findings.map(f => f.startPos.line), [2]);
  // the index is built with no such fact: the finding appears
  eng.holdConditional = false;
  assert.deepEqual(eng.analyze('k', '/p/api.ts', text, 'typescript', 1, ALL_RULES).findings.map(f => f.startPos.line), [1, 2]);
  eng.dispose();
});

test('config: the project file wins key by key; settings fill the rest', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-cfg-'));
  const s = { ...DEFAULT_SETTINGS, defaultTimeoutMs: 7000, maxFileSizeBytes: 10, exclude: ['gen/**'], rules: { 'missing-timeout': 'error' } };
  let c = effectiveConfig(dir, s).config;
  assert.equal(c.defaultTimeoutMs, 7000);
  assert.deepEqual(c.rules['missing-timeout'], { enabled: true, severity: 'error' });
  assert.ok(isExcludedDocument(path.join(dir, 'gen/x.ts'), c));
  fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ defaultTimeoutMs: 5000, rules: { 'missing-timeout': 'off' } }));
  c = effectiveConfig(dir, s).config;
  assert.equal(c.defaultTimeoutMs, 5000);
  assert.equal(c.maxFileSizeBytes, 10);
  assert.deepEqual(c.rules['missing-timeout'], { enabled: false });
  fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ nope');
  const bad = effectiveConfig(dir, s);
  assert.match(bad.error!, /not valid JSON/);
  assert.equal(bad.config.defaultTimeoutMs, 7000);
});

test('browserCode: the setting incidentLens.browserCode, overridden by the project file, reaches missing-timeout as in the CLI', async () => {
  await loadAllLanguages();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-browser-'));
  const page = "'use client';\nexport const load = (u: string) => fetch(u);\nexport const me = () => fetch('/api/me');\n";
  const eng = new DocumentEngine();
  const lines = (s: typeof DEFAULT_SETTINGS) => {
    const c = effectiveConfig(dir, s).config;
    return eng.analyze('k', path.join(dir, 'page.tsx'), page, 'tsx', 1, analyzeOptionsOf(c)).findings.filter(f => f.ruleId === 'missing-timeout').map(f => f.startPos.line + 1);
  };
  assert.deepEqual(lines(DEFAULT_SETTINGS), [], 'default: browser-only code is out of scope');
  assert.deepEqual(lines({ ...DEFAULT_SETTINGS, browserCode: 'analyse' }), [2, 3]);
  assert.deepEqual(lines({ ...DEFAULT_SETTINGS, browserCode: 'nonsense' }), [], 'an unknown value is the default');
  fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ browserCode: 'skip' }));
  assert.deepEqual(lines({ ...DEFAULT_SETTINGS, browserCode: 'analyse' }), [], 'the project file wins over the setting');
  fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ browserCode: 'analyse' }));
  assert.deepEqual(lines(DEFAULT_SETTINGS), [2, 3]);
  eng.dispose();
});

test('langOf: by file name, else by VS Code language id; never .d.ts', () => {
  assert.equal(langOf('/a/b.tsx', 'typescriptreact'), 'tsx');
  assert.equal(langOf('Untitled-1', 'javascriptreact'), 'javascript');
  assert.equal(langOf('/a/b.d.ts', 'typescript'), undefined);
});

test('hover text: the incident first (date, impact), the pattern, links; never the message or the rule id', () => {
  const get = (id: string) => ({
    'aws-ebs-2011': { id, kind: 'incident', title: 'EBS storm', summary: 's', date: '2011-04-21', organisation: 'AWS', impact: '13% of volumes stuck', rules: [], patterns: [], incidents: [], body: '' },
    'timeouts-and-deadlines': { id, kind: 'pattern', title: 'Timeouts', summary: 'Give every call a timeout.', rules: [], patterns: [], incidents: [], body: '' },
  } as unknown as Record<string, never>)[id];
  const md = hoverMarkdown({ ruleId: 'missing-timeout', severity: 'warning', message: '`fetch` has no timeout', messageId: 'x', start: 0, end: 1, startPos: { line: 0, column: 0 }, endPos: { line: 0, column: 1 }, incidents: ['aws-ebs-2011'], patterns: ['timeouts-and-deadlines'], fixes: [] }, get, id => `command:open?${id}`);
  // the incident leads (date, organisation, impact), then the pattern
  assert.match(md, /^\$\(flame\) \*\*Resembles \[EBS storm\]\(command:open\?aws-ebs-2011\)\*\* \(2011-04-21, AWS\) {2}\n13% of volumes stuck\n\n\$\(lightbulb\) Pattern: \[Timeouts\]\(command:open\?timeouts-and-deadlines\): Give every call a timeout\.$/);
  // never what VS Code's diagnostic hover shows already: the message and the rule id
  assert.doesNotMatch(md, /has no timeout|missing-timeout/);
  // nothing in the knowledge base for it: no hover of ours at all
  assert.equal(hoverMarkdown({ ruleId: 'missing-timeout', severity: 'warning', message: 'm', messageId: 'x', start: 0, end: 1, startPos: { line: 0, column: 0 }, endPos: { line: 0, column: 1 }, incidents: ['nope'], patterns: [], fixes: [] }, get, id => id), '');
});

test('manifest: settings read well in the Settings editor (markdown descriptions, Enable first, explained enum values)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
  const text = (v: string) => (/^%(.+)%$/.test(v) ? nls[v.slice(1, -1)] : v);
  const props = Object.entries(pkg.contributes.configuration.properties) as [string, Record<string, unknown>][];
  // markdown everywhere (a plain description would show `code` with its backticks)
  for (const [k, p] of props) {
    assert.equal(p.description, undefined, `${k} uses markdownDescription`);
    assert.ok(text(p.markdownDescription as string), `${k} has a description`);
  }
  // an explicit order, Enable first
  const orders = props.map(([k, p]) => [p.order, k] as [number, string]).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(orders.map(o => o[0]), props.map((_, i) => i), 'orders 0..n-1, each once');
  assert.equal(orders[0][1], 'incidentLens.enable');
  assert.equal(orders[1][1], 'incidentLens.run');
  // every enum value of a top-level setting is explained
  for (const [k, p] of props) {
    if (!Array.isArray(p.enum)) continue;
    const d = p.markdownEnumDescriptions as string[];
    assert.equal(d?.length, p.enum.length, `${k}: one description per value`);
    for (const x of d) assert.ok(text(x), `${k}: ${x}`);
    assert.equal(p.enumDescriptions, undefined, `${k}: markdown enum descriptions (plain ones would show backticks)`);
  }
  assert.match(text(pkg.contributes.configuration.properties['incidentLens.run'].markdownEnumDescriptions[1]), /saved/);
  // command titles are plain text: no backticks
  for (const c of pkg.contributes.commands) assert.doesNotMatch(text(c.title), /`/, c.command);
});

test('plain titles: code spans in fix titles become quoted code (menus do not render markdown)', () => {
  assert.equal(plainTitle('Add `signal: AbortSignal.timeout(5000)`'), "Add 'signal: AbortSignal.timeout(5000)'");
  assert.equal(plainTitle('Use `performance.now()` for `elapsed`'), "Use 'performance.now()' for 'elapsed'");
  assert.equal(plainTitle('Disable x for this line'), 'Disable x for this line');
});

test('fix-all reports what it did: fixed, and left without a safe fix', async () => {
  await loadAllLanguages();
  const src = 'export async function a(u: string) {\n  return fetch(u);\n}\nexport async function b(u: string) {\n  return fetch(u, { method: "POST" });\n}\n';
  const r = fixAll('a.ts', src, 'typescript', ALL_RULES);
  assert.deepEqual([r.fixed, r.remaining, !!r.edit], [2, 0, true]);
  const clean = applyEdits(src, [r.edit!]);
  assert.deepEqual(fixAll('a.ts', clean, 'typescript', ALL_RULES), { fixed: 0, remaining: 0 });
  // a retry loop with a constant delay: its fix is not safe, so it is left and counted
  const retry = 'export async function f(call: () => Promise<void>) {\n  for (let i = 0; i < 5; i++) {\n    try { return await call(); } catch { await new Promise(r => setTimeout(r, 1000)); }\n  }\n}\n';
  const left = fixAll('r.ts', retry, 'typescript', ALL_RULES);
  assert.equal(left.fixed, 0);
  assert.ok(left.remaining >= 1, JSON.stringify(left));
  assert.equal(safelyFixable((await analyzeText(src, 'a.ts')).findings), 2);
});

test('manifest: activation on TS/JS only, untrusted workspaces declared, l10n strings present', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.activationEvents.sort(), ['onLanguage:javascript', 'onLanguage:javascriptreact', 'onLanguage:typescript', 'onLanguage:typescriptreact']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(pkg.main, './dist/extension.js');
  const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
  for (const m of JSON.stringify(pkg.contributes).matchAll(/%([\w.]+)%/g)) assert.ok(nls[m[1]], `package.nls.json has ${m[1]}`);
  const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8'));
  for (const f of fs.readdirSync(path.join(ROOT, 'src/extension')).filter(f => f.endsWith('.ts'))) {
    const src = fs.readFileSync(path.join(ROOT, 'src/extension', f), 'utf8');
    for (const m of src.matchAll(/\bt\((['"])((?:(?!\1)[^\\]|\\.)*)\1/g)) assert.ok(bundle[m[2]] !== undefined, `l10n/bundle.l10n.json has "${m[2]}" (${f})`);
  }
});

test('reconcile: after incremental typing, a whole-file pass on the reused tree equals a fresh whole-file analysis', async () => {
  const { DocumentEngine } = await import('../../src/extension/engine');
  const { analyzeTree } = await import('../../src/core/analyzer');
  const { parseSync } = await import('../../src/core/parser');
  await loadAllLanguages();
  const file = path.join(__dirname, '..', '..', 'examples', 'src', 'clients', 'pricing.ts');
  let text = fs.readFileSync(file, 'utf8');
  // no re-parse time budget: this checks parse kinds, and a loaded machine could put a re-parse over it
  const engine = new DocumentEngine(30, false);
  engine.analyze('doc', file, text, 'typescript', 0, ALL_RULES);
  // type a new unbounded call into the first function, one character at a time
  const at = text.indexOf('  if (!res.ok)');
  const typed = 'await fetch(backupUrl);\n';
  for (let i = 0; i < typed.length; i++) {
    const pos = at + i;
    const before = text.slice(0, pos);
    const line = before.split('\n').length - 1, character = pos - (before.lastIndexOf('\n') + 1);
    engine.trees.applyChanges('doc', [{ range: { start: { line, character }, end: { line, character } }, rangeOffset: pos, rangeLength: 0, text: typed[i] }]);
    text = text.slice(0, pos) + typed[i] + text.slice(pos);
    const r = engine.analyze('doc', file, text, 'typescript', i + 1, ALL_RULES);
    assert.equal(r.parseKind, 'incremental');
  }
  const settled = engine.analyze('doc', file, text, 'typescript', typed.length, ALL_RULES, true);
  assert.equal(settled.analysisMode, 'full');
  // the re-analysis of a version on its cached tree says so, and keeps how that tree was made
  assert.equal(settled.parseKind, 'cached');
  assert.equal(settled.treeKind, 'incremental');
  const fresh = parseSync(text, 'typescript');
  const want = analyzeTree(file, text, 'typescript', fresh, ALL_RULES).findings;
  fresh.delete();
  const key = (f: { ruleId: string; start: number; end: number; message: string }) => `${f.ruleId} ${f.start}-${f.end} ${f.message}`;
  assert.deepEqual(settled.findings.map(key), want.map(key));
  assert.ok(want.some(f => text.slice(f.start, f.end).startsWith('fetch(backupUrl)')), 'the typed call is flagged');
  engine.dispose();
});

test('settled pending findings reused across keystrokes (per finding object) are the ones settling every keystroke anew gives', async () => {
  await loadAllLanguages();
  // handlers, wrappers and retries: pending findings before and after the typing position
  const { generateServiceFile } = await import('../../bench/editor');
  let text = generateServiceFile(240);
  const file = path.join(os.tmpdir(), 'settle-cache.ts');
  const cached = new DocumentEngine(30, false), fresh = new DocumentEngine(30, false);
  for (const e of [cached, fresh]) e.analyze('doc', file, text, 'typescript', 0, ALL_RULES);
  assert.ok(cached.result('doc')!.pending.length > 10);
  const at = text.indexOf('  return ', text.length >> 1) + 2;
  const typed = 'const x = 1;\n  ';
  for (let i = 0; i < typed.length * 2; i++) {
    const del = i >= typed.length;
    const pos = del ? at + 2 * typed.length - i - 1 : at + i;
    const before = text.slice(0, pos);
    const line = before.split('\n').length - 1, character = pos - (before.lastIndexOf('\n') + 1);
    const change = del
      ? { range: { start: { line, character }, end: text[pos] === '\n' ? { line: line + 1, character: 0 } : { line, character: character + 1 } }, rangeOffset: pos, rangeLength: 1, text: '' }
      : { range: { start: { line, character }, end: { line, character } }, rangeOffset: pos, rangeLength: 0, text: typed[i] };
    text = del ? text.slice(0, pos) + text.slice(pos + 1) : text.slice(0, pos) + typed[i] + text.slice(pos);
    // the uncached engine forgets its answers before each keystroke (a new index generation)
    fresh.project.clearMemo();
    const results = [cached, fresh].map(e => { e.trees.applyChanges('doc', [change]); return e.analyze('doc', file, text, 'typescript', i + 1, ALL_RULES); });
    assert.deepEqual(results[0].findings, results[1].findings, `keystroke ${i}`);
    assert.deepEqual([...results[0].dependsOn].sort(), [...results[1].dependsOn].sort());
  }
  assert.ok(cached.result('doc')!.findings.length > 0);
  cached.dispose(); fresh.dispose();
});
