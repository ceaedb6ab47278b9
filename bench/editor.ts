/**
 * Editor benchmark (`npm run bench` calls runEditorBench()): what one keystroke costs the extension on a
 * 3,000-line file, the debounce excluded: tree.edit + incremental re-parse + analysis (the extension's own
 * DocumentEngine), against the full-reparse baseline (parse from scratch + analysis) on the same edits. Two typing
 * scenarios: statements typed into function bodies (the target's), and mixed typing (blocks, calls, template
 * literals) with and without VS Code's auto-closed brackets, whose half-typed states break the file.
 * Also: the extension bundle's module evaluation in plain Node, and the last real-VS-Code measurements written
 * by `npm run test:vscode` (activate() time, extension-host memory after the workspace scan) when present.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { analyzeTree } from '../src/core/analyzer';
import { allRules } from '../src/rules';
import { loadAllLanguages, parseSync } from '../src/core/parser';
import { LineIndex } from '../src/core/text';
import { DocumentEngine } from '../src/extension/engine';
import type { ContentChange } from '../src/extension/trees';

const ROOT = path.join(__dirname, '..');
export const TARGET_P95_MS = 5;
// (the target is checked on the statement-typing scenario; the mixed-typing rows are reported beside it)

/** A realistic 3,000-line service module: HTTP clients with and without timeouts, retries, handlers, clocks. */
export function generateServiceFile(lines = 3000): string {
  const blocks = [
    (i: number) => [
      `export async function loadUser${i}(id: string): Promise<User> {`,
      `  const res = await fetch(\`\${BASE}/users/\${id}?v=${i}\`);`,
      `  if (!res.ok) throw new HttpError(res.status, 'user ${i}');`,
      `  return (await res.json()) as User;`,
      `}`, ``],
    (i: number) => [
      `export async function saveOrder${i}(order: Order) {`,
      `  const { data } = await axios.post(\`\${BASE}/orders\`, order, { timeout: 5000, headers: { 'x-req': '${i}' } });`,
      `  metrics.increment('orders.saved', { shard: ${i % 16} });`,
      `  return data;`,
      `}`, ``],
    (i: number) => [
      `export async function withRetry${i}<T>(fn: () => Promise<T>): Promise<T> {`,
      `  for (let attempt = 0; attempt < 5; attempt++) {`,
      `    try { return await fn(); } catch (e) { log.warn('retry ${i}', attempt, e); }`,
      `    await sleep(Math.min(1000 * 2 ** attempt, 30000) * Math.random());`,
      `  }`,
      `  throw new Error('gave up ${i}');`,
      `}`, ``],
    (i: number) => [
      `router.post('/payments/${i}', async (req, res) => {`,
      `  const key = req.header('Idempotency-Key');`,
      `  const payment = await payments.charge({ amount: req.body.amount, currency: 'EUR', key });`,
      `  res.status(201).json({ id: payment.id, at: Date.now() });`,
      `});`, ``],
    (i: number) => [
      `export class Cache${i} {`,
      `  private readonly entries = new Map<string, { value: unknown; expires: number }>();`,
      `  get(key: string): unknown {`,
      `    const e = this.entries.get(key);`,
      `    return e && e.expires > performance.now() ? e.value : undefined;`,
      `  }`,
      `  set(key: string, value: unknown, ttlMs = ${1000 + i}) { this.entries.set(key, { value, expires: performance.now() + ttlMs }); }`,
      `}`, ``],
  ];
  const out = [
    `import axios from 'axios';`, `import { router, payments, metrics, log, sleep, HttpError } from './infra';`,
    `import type { User, Order } from './types';`, ``, `const BASE = process.env.API_BASE ?? 'https://api.internal';`, ``,
  ];
  for (let i = 0; out.length < lines; i++) out.push(...blocks[i % blocks.length](i));
  return out.slice(0, lines).join('\n') + '\n';
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function changeAt(text: string, offset: number, insert: string, removed = 0): ContentChange {
  const li = new LineIndex(text);
  const s = li.pos(offset), e = li.pos(offset + removed);
  return { range: { start: { line: s.line, character: s.column }, end: { line: e.line, character: e.column } }, rangeOffset: offset, rangeLength: removed, text: insert };
}

/** What the statement scenario types (a complete statement: parseable again once the `;` is in). */
const STATEMENT_WORDS = ['const x = 1;\n  '];
/** What the mixed scenario types: blocks, calls with objects, template literals (half-typed states break the file). */
const MIXED_WORDS = [
  'const x = 1;\n  ',
  'if (res.ok) {\n    log.info(1);\n  }\n  ',
  'await fetch(url, { signal });\n  ',
  'for (const k of keys) {\n    await sleep(k);\n  }\n  ',
  'const t = `${a}-${b}`;\n  ',
];
const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', "'": "'", '"': '"', '`': '`' };

/**
 * Keystrokes: typing words inside function bodies at spread-out places, character by character, then deleting
 * them again with backspace. `autoClose` types as VS Code does by default (editor.autoClosingBrackets): an
 * opening bracket or quote inserts the pair, and typing the closing one steps over it (no edit).
 */
function keystrokes(text: string, n: number, words = STATEMENT_WORDS, autoClose = false): { edits: ContentChange[]; texts: string[] } {
  const edits: ContentChange[] = [];
  const texts: string[] = [];
  let cur = text;
  const push = (at: number, insert: string, removed: number) => {
    edits.push(changeAt(cur, at, insert, removed));
    cur = cur.slice(0, at) + insert + cur.slice(at + removed);
    texts.push(cur);
  };
  for (let k = 0; edits.length < n; k++) {
    const word = words[k % words.length];
    // a different function body each time, spread over the file
    const from = Math.floor((((k * 7919) % 1000) / 1000) * cur.length);
    const anchor = cur.indexOf('  return ', from);
    const pos = (anchor === -1 ? cur.indexOf('  return ') : anchor) + 2;
    let at = pos;
    for (const c of word) {
      if (edits.length >= n) break;
      if (autoClose && (')]}'.includes(c) || PAIRS[c] === c) && cur[at] === c) { at++; continue; }
      push(at, autoClose && c in PAIRS ? c + PAIRS[c] : c, 0);
      at++;
    }
    for (let c = at - 1; c >= pos && edits.length < n; c--) push(c, '', 1);
  }
  return { edits, texts };
}

interface ScenarioRun { total: number[]; parse: number[]; cpu: number[]; wholeFile: number; deferred: number; overBudget: number; postponed: number; findings: number }

/** Keystrokes through the extension's DocumentEngine (tree.edit, incremental re-parse, incremental analysis). */
function runScenario(file: string, text: string, edits: ContentChange[], texts: string[], warmup = 20): ScenarioRun {
  const warm = new DocumentEngine();
  warm.analyze('doc', file, text, 'typescript', 0, { rules: allRules });
  for (let w = 0; w < Math.min(warmup, edits.length); w++) { warm.trees.applyChanges('doc', [edits[w]]); warm.analyze('doc', file, texts[w], 'typescript', w + 1, { rules: allRules }); }
  warm.dispose();
  const inc = new DocumentEngine();
  inc.analyze('doc', file, text, 'typescript', 0, { rules: allRules });
  const run: ScenarioRun = { total: [], parse: [], cpu: [], wholeFile: 0, deferred: 0, overBudget: 0, postponed: 0, findings: 0 };
  for (let i = 0; i < edits.length; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    inc.trees.applyChanges('doc', [edits[i]]);
    const r = inc.analyze('doc', file, texts[i], 'typescript', i + 1, { rules: allRules });
    run.total.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    run.cpu.push((c.user + c.system) / 1000);
    run.parse.push(r.parseMs);
    if (r.parseKind === 'full' || r.parseKind === 'cached') throw new Error(`expected incremental re-parses, got ${r.parseKind}`);
    if (r.analysisMode === 'full') run.wholeFile++;
    if (r.parseKind === 'over-budget') run.overBudget++;
    else if (r.parseKind === 'postponed') run.postponed++;
    else if (r.deferred) run.deferred++;
  }
  run.findings = inc.result('doc')!.findings.length;
  inc.dispose();
  return run;
}

function moduleEvalMs(): number {
  const bundle = path.join(ROOT, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) return NaN;
  const script = `const M=require('module');const o=M._load;const stub={l10n:{t:x=>x},CodeActionKind:{SourceFixAll:{append:()=>({})},QuickFix:{}}};
M._load=function(r,...a){return r==='vscode'?stub:o.call(this,r,...a)};const t0=performance.now();require(${JSON.stringify(bundle)});console.log(performance.now()-t0);`;
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const v = Number(r.stdout.trim());
    if (Number.isFinite(v)) runs.push(v);
  }
  return runs.length ? pct(runs, 50) : NaN;
}

export async function runEditorBench(opts: { keystrokes?: number; quiet?: boolean } = {}): Promise<Record<string, number>> {
  await loadAllLanguages();
  const n = opts.keystrokes ?? Number(process.env.BENCH_KEYSTROKES ?? 400);
  const text = generateServiceFile(3000);
  const file = path.join(ROOT, 'bench', 'editor-3000.ts');
  const { edits, texts } = keystrokes(text, n);
  const opts0 = { rules: allRules };

  // incremental: the extension's DocumentEngine (tree.edit per change, re-parse with the old tree, analyse)
  const stmt = runScenario(file, text, edits, texts);
  const incTotal = stmt.total, incParse = stmt.parse, incCpu = stmt.cpu, wholeFile = stmt.wholeFile, findings = stmt.findings;
  // mixed typing: blocks, calls, template literals; half-typed states leave syntax errors that tree-sitter's error
  // recovery re-parses at up to ~10x the cost (the re-parse time budget and deferral bound it)
  const nMixed = Math.round(n * 1.5);
  const mixedAuto = keystrokes(text, nMixed, MIXED_WORDS, true);
  const mixA = runScenario(file, text, mixedAuto.edits, mixedAuto.texts);
  const mixedRaw = keystrokes(text, nMixed, MIXED_WORDS, false);
  const mixR = runScenario(file, text, mixedRaw.edits, mixedRaw.texts);

  // baseline: full re-parse + analysis on every keystroke
  const fullTotal: number[] = [], fullParse: number[] = [], fullCpu: number[] = [];
  for (let i = 0; i < edits.length; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const tree = parseSync(texts[i], 'typescript');
    const t1 = performance.now();
    analyzeTree(file, texts[i], 'typescript', tree, opts0);
    fullTotal.push(performance.now() - t0);
    fullParse.push(t1 - t0);
    const c = process.cpuUsage(c0);
    fullCpu.push((c.user + c.system) / 1000);
    tree.delete();
  }

  const metricsFile = path.join(ROOT, 'out', 'vscode-metrics.json');
  const real = fs.existsSync(metricsFile) ? JSON.parse(fs.readFileSync(metricsFile, 'utf8')) : undefined;
  const res: Record<string, number> = {
    editorKeystrokes: edits.length,
    editorFileLines: 3000,
    editorFindings: findings,
    editorIncrementalP50Ms: pct(incTotal, 50),
    editorIncrementalP95Ms: pct(incTotal, 95),
    editorIncrementalParseP95Ms: pct(incParse, 95),
    editorAnalysisOnlyP95Ms: pct(incTotal.map((x, i) => x - incParse[i]), 95),
    editorIncrementalCpuP50Ms: pct(incCpu, 50),
    editorIncrementalCpuP95Ms: pct(incCpu, 95),
    /** Keystrokes the incremental analyzer analysed as a whole file (imports edited, region too large, ...). */
    editorWholeFileAnalyses: wholeFile,
    editorFullReparseCpuP95Ms: pct(fullCpu, 95),
    editorFullReparseP50Ms: pct(fullTotal, 50),
    editorFullReparseP95Ms: pct(fullTotal, 95),
    editorFullParseOnlyP95Ms: pct(fullParse, 95),
    /** Noise-robust: the keystroke p95 as a share of the full re-parse p50 measured in the same run. */
    editorIncrementalP95OverFullP50: pct(incTotal, 95) / pct(fullTotal, 50),
    editorTargetP95Ms: TARGET_P95_MS,
    editorOverTargetMs: Math.max(0, pct(incTotal, 95) - TARGET_P95_MS),
    editorMixedKeystrokes: mixA.total.length,
    editorMixedAutoCloseP50Ms: pct(mixA.total, 50),
    editorMixedAutoCloseP95Ms: pct(mixA.total, 95),
    editorMixedAutoCloseP99Ms: pct(mixA.total, 99),
    editorMixedAutoCloseDeferred: mixA.deferred,
    editorMixedAutoCloseOverBudget: mixA.overBudget,
    editorMixedAutoClosePostponed: mixA.postponed,
    editorMixedAutoCloseWholeFile: mixA.wholeFile,
    editorMixedRawP50Ms: pct(mixR.total, 50),
    editorMixedRawP95Ms: pct(mixR.total, 95),
    editorMixedRawP99Ms: pct(mixR.total, 99),
    editorMixedRawDeferred: mixR.deferred,
    editorMixedRawOverBudget: mixR.overBudget,
    editorMixedRawPostponed: mixR.postponed,
    editorMixedRawWholeFile: mixR.wholeFile,
    extensionModuleEvalMs: moduleEvalMs(),
    extensionActivateMs: real?.activationMs ?? NaN,
    extensionHostRssAfterScanMb: real?.scan?.rssMB ?? NaN,
    extensionHostHeapAfterScanMb: real?.scan?.heapUsedMB ?? NaN,
    extensionScanMs: real?.scan?.ms ?? NaN,
  };
  for (const k of Object.keys(res)) if (typeof res[k] === 'number' && !Number.isInteger(res[k])) res[k] = Math.round(res[k] * 1000) / 1000;
  if (!opts.quiet) {
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
    console.log(`\nEditor: ${edits.length} keystrokes on a 3,000-line file (${findings} findings), debounce excluded`);
    console.log('| per keystroke                          | p50 (ms) | p95 (ms) |');
    console.log('|----------------------------------------|----------|----------|');
    console.log(`| incremental: edit + re-parse + analyse | ${f(res.editorIncrementalP50Ms).padStart(8)} | ${f(res.editorIncrementalP95Ms).padStart(8)} | target ≤ ${TARGET_P95_MS}${res.editorOverTargetMs > 0 ? `, OVER by ${f(res.editorOverTargetMs)} ms` : ', met'}`);
    console.log(`|   same, process CPU time (all threads) | ${f(res.editorIncrementalCpuP50Ms).padStart(8)} | ${f(res.editorIncrementalCpuP95Ms).padStart(8)} | ${res.editorWholeFileAnalyses} of ${edits.length} analysed whole-file`);
    console.log(`|   of which incremental re-parse        |          | ${f(res.editorIncrementalParseP95Ms).padStart(8)} |`);
    console.log(`|   of which analysis (query + rules)    |          | ${f(res.editorAnalysisOnlyP95Ms).padStart(8)} |`);
    const mixRow = (name: string, m: ScenarioRun) => console.log(`| ${name.padEnd(38)} | ${f(pct(m.total, 50)).padStart(8)} | ${f(pct(m.total, 95)).padStart(8)} | p99 ${f(pct(m.total, 99))}; ${m.deferred + m.overBudget + m.postponed} deferred (${m.overBudget} re-parses over budget, ${m.postponed} postponed), ${m.wholeFile} whole-file`);
    mixRow(`mixed typing, auto-closed (${mixA.total.length})`, mixA);
    mixRow(`mixed typing, no auto-close (${mixR.total.length})`, mixR);
    console.log(`| baseline: full re-parse + analyse      | ${f(res.editorFullReparseP50Ms).padStart(8)} | ${f(res.editorFullReparseP95Ms).padStart(8)} |`);
    console.log(`|   same, process CPU time               |          | ${f(res.editorFullReparseCpuP95Ms).padStart(8)} |`);
    console.log(`|   of which full parse                  |          | ${f(res.editorFullParseOnlyP95Ms).padStart(8)} |`);
    console.log(`Keystroke p95 / full re-parse p50 in this run: ${(100 * res.editorIncrementalP95OverFullP50).toFixed(1)}% (a ratio the machine's load affects less than the absolute figures)`);
    console.log(`(load average ${require('os').loadavg()[0].toFixed(1)} on ${require('os').cpus().length} cores while measuring)`);
    console.log(`Extension bundle module evaluation (plain Node, median of 5): ${f(res.extensionModuleEvalMs)} ms`);
    if (real) console.log(`Real VS Code ${real.vscodeVersion} (last npm run test:vscode, ${real.at}): activate() ${f(real.activationMs)} ms; extension host after scanning the fixtures incl. a 3,000-line file: RSS ${real.scan?.rssMB} MB, heap ${real.scan?.heapUsedMB} MB (scan ${real.scan?.ms} ms)`);
    else console.log('Real VS Code numbers: run `npm run test:vscode` first (writes out/vscode-metrics.json)');
  }
  return res;
}

if (require.main === module) runEditorBench().then(r => console.log(JSON.stringify(r)), e => { console.error(e); process.exit(1); });
