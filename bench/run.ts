/**
 * `npm run bench`: throughput of the analyzer against baselines measured in the same run.
 *
 * Corpus: real code: the .js/.ts sources installed in node_modules (deterministic selection, sorted paths,
 * capped by BENCH_MB, default 8 MB), read into memory once so disk I/O is out of every measurement.
 *   parse     tree-sitter parse only (baseline)
 *   analysis  parse + the full analysis (every rule, one combined query per file)
 *   check     the CLI pipeline (`analyzeProject`: read, parse, analyse, project facts)
 *   eslint    ESLint (Linter API) with @typescript-eslint/parser and one comparable rule
 *             (no-restricted-syntax on fetch calls without an init argument), on the same files
 * Each figure is the median over BENCH_RUNS runs (default 5; ESLint min(3, runs)). Then the knowledge base, the
 * editor (bench/editor.ts) and the project layer on the largest ecosystem repository (bench/project.ts:
 * projectOverLocal, workersSpeedup, projectPeakRssMb). The last line is one JSON object for tracking over time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { analyzeTree } from '../src/core/analyzer';
import { analyzeProject } from '../src/project/analyze';
import { allRules } from '../src/rules';
import { defaultConfig } from '../src/core/config';
import { languageForPath, loadAllLanguages, parseSync } from '../src/core/parser';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MAX_BYTES = Number(process.env.BENCH_MB ?? 8) * 1024 * 1024;
const MAX_FILE = 400 * 1024;

interface Src { file: string; text: string; lang: NonNullable<ReturnType<typeof languageForPath>> }

function collectCorpus(): Src[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== '.bin' && e.name !== 'test' && e.name !== 'tests') walk(p); }
      else if (e.isFile() && languageForPath(p) && !/\.min\.|\.map$/.test(e.name)) out.push(p);
    }
  };
  walk(path.join(ROOT, 'node_modules'));
  // spread the selection over packages: round-robin by package directory
  const byPkg = new Map<string, string[]>();
  for (const f of out) {
    const rel = path.relative(path.join(ROOT, 'node_modules'), f).split(path.sep);
    const pkg = rel[0].startsWith('@') ? rel.slice(0, 2).join('/') : rel[0];
    if (!byPkg.has(pkg)) byPkg.set(pkg, []);
    byPkg.get(pkg)!.push(f);
  }
  const queues = [...byPkg.values()];
  const picked: Src[] = [];
  let total = 0;
  for (let i = 0; total < MAX_BYTES; i++) {
    let any = false;
    for (const q of queues) {
      const f = q[i];
      if (!f) continue;
      any = true;
      const st = fs.statSync(f);
      if (st.size > MAX_FILE || st.size === 0) continue;
      const text = fs.readFileSync(f, 'utf8');
      if (text.includes('\u0000')) continue;
      picked.push({ file: f, text, lang: languageForPath(f)! });
      total += Buffer.byteLength(text);
      if (total >= MAX_BYTES) break;
    }
    if (!any) break;
  }
  return picked;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function runCoreBench() {
  await loadAllLanguages();
  const corpus = collectCorpus();
  const bytes = corpus.reduce((n, s) => n + Buffer.byteLength(s.text), 0);
  const lines = corpus.reduce((n, s) => n + s.text.split('\n').length, 0);
  let findings = 0;

  const parseOnly = () => { for (const s of corpus) parseSync(s.text, s.lang).delete(); };
  const analysis = () => {
    findings = 0;
    for (const s of corpus) {
      const tree = parseSync(s.text, s.lang);
      findings += analyzeTree(s.file, s.text, s.lang, tree, { rules: allRules }).findings.length;
      tree.delete();
    }
  };
  // warm up (JIT, query compilation)
  parseOnly(); analysis();
  const parseMs: number[] = [], analysisMs: number[] = [], checkMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // interleave so machine noise hits both sides alike
    parseMs.push(time(parseOnly));
    analysisMs.push(time(analysis));
  }
  // where the analysis time goes (one extra pass, not part of the medians above)
  const profile = new Map<string, number>();
  for (const s of corpus) {
    const tree = parseSync(s.text, s.lang);
    analyzeTree(s.file, s.text, s.lang, tree, { rules: allRules, profile });
    tree.delete();
  }
  const config = defaultConfig(ROOT);
  const files = corpus.map(s => s.file);
  for (let i = 0; i < Math.min(RUNS, 3); i++) checkMs.push(await timeAsync(async () => { await analyzeProject(files, { config, rules: allRules }); }));

  // ESLint baseline on the same in-memory texts
  let eslintMs: number[] = [];
  let eslintError: string | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Linter } = require('eslint');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsParser = require('@typescript-eslint/parser');
    const linter = new Linter({ configType: 'flat' });
    const rule = { 'no-restricted-syntax': ['warn', "CallExpression[callee.name='fetch'][arguments.length<2]"] };
    const make = (jsx: boolean) => [{ languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx } } }, rules: rule }];
    const configs = { typescript: make(false), tsx: make(true), javascript: make(true) };
    // no filename: flat config would ignore node_modules paths and unmatched names (and then lint nothing)
    const eslintRun = () => corpus.forEach(s => {
      const messages = linter.verify(s.text, configs[s.lang]);
      if (messages.some((m: { ruleId: string | null; message: string }) => m.ruleId === null && /no matching configuration|ignored/i.test(m.message))) throw new Error('ESLint did not lint a file');
    });
    eslintRun();
    for (let i = 0; i < Math.min(RUNS, 3); i++) eslintMs.push(time(eslintRun));
  } catch (e) {
    eslintError = (e as Error).message;
    eslintMs = [];
  }

  const p = median(parseMs), a = median(analysisMs), c = median(checkMs), es = eslintMs.length ? median(eslintMs) : NaN;
  const mb = bytes / 1024 / 1024;
  return {
    files: corpus.length, lines, mb, findings,
    parseMs: p, analysisMs: a, checkMs: c, eslintMs: es, eslintError,
    analysisOverParse: a / p,
    checkOverParse: c / p,
    eslintOverOurs: es / a,
    filesPerSec: corpus.length / (a / 1000),
    mbPerSec: mb / (a / 1000),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    runs: RUNS,
    profile: Object.fromEntries([...profile].map(([k, v]) => [k, v])),
  };
}

async function optional<T>(file: string, fn: string): Promise<T | undefined> {
  const p = path.join(__dirname, file);
  if (!fs.existsSync(p)) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(p);
    return typeof mod[fn] === 'function' ? await mod[fn]() : undefined;
  } catch (e) {
    console.error(`bench: ${file} failed: ${(e as Error).message}`);
    return undefined;
  }
}

function editorInChildProcess(): Record<string, number> | undefined {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'editor.ts')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  const lines = (r.stdout ?? '').trimEnd().split('\n');
  const last = lines.pop() ?? '';
  process.stdout.write(lines.join('\n') + '\n');
  try {
    return r.status === 0 ? JSON.parse(last) : undefined;
  } catch {
    console.error(`bench: editor.ts printed no JSON (exit ${r.status})`);
    return undefined;
  }
}

async function main() {
  const core = await runCoreBench();
  const f = (n: number, d = 1) => Number.isFinite(n) ? n.toFixed(d) : 'n/a';
  console.log(`Corpus: ${core.files} files, ${core.lines} lines, ${f(core.mb, 2)} MB of real code from node_modules; medians of ${core.runs} runs`);
  console.log('');
  console.log('| measurement                         | time (ms) | files/s | MB/s  | ratio            |');
  console.log('|-------------------------------------|-----------|---------|-------|------------------|');
  console.log(`| tree-sitter parse only (baseline)   | ${f(core.parseMs).padStart(9)} | ${f(core.files / (core.parseMs / 1000), 0).padStart(7)} | ${f(core.mb / (core.parseMs / 1000), 2).padStart(5)} | 1.00             |`);
  console.log(`| parse + analysis (all rules)        | ${f(core.analysisMs).padStart(9)} | ${f(core.filesPerSec, 0).padStart(7)} | ${f(core.mbPerSec, 2).padStart(5)} | ${f(core.analysisOverParse, 2).padEnd(4)} (target ≤ 1.5) |`);
  console.log(`| check pipeline (read+parse+analyse) | ${f(core.checkMs).padStart(9)} | ${f(core.files / (core.checkMs / 1000), 0).padStart(7)} | ${f(core.mb / (core.checkMs / 1000), 2).padStart(5)} | ${f(core.checkOverParse, 2).padEnd(16)} |`);
  console.log(`| ESLint + typescript-eslint, 1 rule  | ${f(core.eslintMs).padStart(9)} | ${f(core.files / (core.eslintMs / 1000), 0).padStart(7)} | ${f(core.mb / (core.eslintMs / 1000), 2).padStart(5)} | ${(f(core.eslintOverOurs, 2) + '× ours').padEnd(16)} |`);
  if (core.eslintError) console.log(`ESLint baseline unavailable: ${core.eslintError}`);
  console.log(`Findings on the corpus: ${core.findings}; peak RSS ${f(core.peakRssMb, 0)} MB`);
  console.log(`Analysis time by phase (one profiled pass, share of parse time): ${Object.entries(core.profile).map(([k, v]) => `${k} ${f(v / core.parseMs, 2)}`).join(' · ')}`);
  const kb = await optional<Record<string, number>>('kb.ts', 'runKbBench');
  // the editor benchmark runs in a process of its own, as the extension host is (no corpus heap or JIT state)
  const editor = editorInChildProcess();
  if (editor) { console.log(''); console.log('Editor:', JSON.stringify(editor)); }
  // the project layer on the largest ecosystem repository (skipped when it is not checked out)
  const project = await optional<Record<string, number | string>>('project.ts', 'runProjectBench');
  const out = {
    analysisOverParse: round(core.analysisOverParse), eslintOverOurs: round(core.eslintOverOurs),
    checkOverParse: round(core.checkOverParse), filesPerSec: round(core.filesPerSec), mbPerSec: round(core.mbPerSec),
    parseMs: round(core.parseMs), analysisMs: round(core.analysisMs), eslintMs: round(core.eslintMs),
    files: core.files, mb: round(core.mb), peakRssMb: round(core.peakRssMb), runs: core.runs,
    ...(kb ?? {}), ...(editor ?? {}),
    ...(project ? Object.fromEntries(Object.entries(project).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) : {}),
  };
  console.log(JSON.stringify(out));
}

function round(n: number): number { return Number.isFinite(n) ? Math.round(n * 1000) / 1000 : NaN; }

if (require.main === module) main().catch(e => { console.error(e); process.exit(1); });
