/**
 * `run`: one CLI process per repository (`check <dirs> --format json`, cwd = the checkout), findings kept in a run
 * file, per-rule counts and per-repo wall time / peak RSS printed; `--baseline` prints what changed.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { discoverFiles } from '../../../src/core/files';
import { resolveConfig } from '../../../src/core/config';
import {
  FAMILIES, FILES_DIR, HALVES, PROJECT_ROOT, RUNS_DIR, checkoutDir, expandDirs, familyOf, loadRepos, repoMatches, table,
  type Half, type RepoEntry,
} from './common';
import { diffRuns, type RunFinding } from './measure';

export interface RepoRun {
  repo: string; commit: string; split: Half; dirs: string[];
  files: number; lines: number; loc: number; skipped: { path: string; reason: string }[];
  notices: string[]; exitCode: number; crash?: string;
  wallMs: number; maxRssKb: number; timeMaxRssKb?: number; userMs: number; systemMs: number;
  findings: number;
}
export interface RunFile {
  version: 1; createdAt: string; cli: { dir: string; commit: string; dirty: boolean; describe: string };
  node: string; loadavg: number[]; repos: RepoRun[]; findings: RunFinding[];
}

export interface RunOptions { repos: string[]; half?: Half; cli?: string; out?: string; baseline?: string; showHeldout?: boolean }

const GNU_TIME = ['/usr/bin/time', '/bin/time'].find(p => { try { return execFileSync(p, ['--version'], { stdio: 'pipe', encoding: 'utf8' }).includes('GNU'); } catch { return false; } });

/** Files the CLI will walk (same discovery and config as the CLI), relative to the checkout. */
export function discover(root: string, paths: string[]): string[] {
  const config = resolveConfig(root, []);
  const { files, missing } = discoverFiles(paths, root, config);
  if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
  return files.map(f => path.relative(root, f).split(path.sep).join('/'));
}

export function analysedFilesFile(repo: string): string { return path.join(FILES_DIR, `${repo.replace('/', '+')}.json`); }

/** The analysed files of a repository as recorded by the last run (or discovered now when none is recorded). */
export function analysedFiles(r: RepoEntry): string[] {
  const f = analysedFilesFile(r.repo);
  if (fs.existsSync(f)) {
    const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { commit: string; files: string[] };
    if (j.commit === r.commit) return j.files;
  }
  const root = checkoutDir(r.repo);
  const { paths } = expandDirs(root, r.dirs);
  return discover(root, paths);
}

function countLines(text: string): { lines: number; loc: number } {
  let lines = 0, loc = 0, blank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) { lines++; if (!blank) loc++; blank = true; } else if (c !== 32 && c !== 9 && c !== 13) blank = false;
  }
  if (text.length && text.charCodeAt(text.length - 1) !== 10) { lines++; if (!blank) loc++; }
  return { lines, loc };
}

function gitInfo(dir: string): RunFile['cli'] {
  const g = (a: string[]) => { try { return execFileSync('git', a, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return ''; } };
  return { dir, commit: g(['rev-parse', 'HEAD']), dirty: !!g(['status', '--porcelain', '--untracked-files=no', '--', 'src']), describe: g(['log', '-1', '--format=%h %s']).slice(0, 100) };
}

/** Builds the checkout's CLI bundle when a source file is newer than it. */
function ensureBuilt(cliDir: string): void {
  const bundle = path.join(cliDir, 'dist', 'cli.js');
  const newest = (d: string): number => {
    let t = 0;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return t;
  };
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newest(path.join(cliDir, 'src'))) return;
  process.stderr.write(`run: building ${bundle}\n`);
  execFileSync(process.execPath, [path.join(cliDir, 'scripts', 'build.mjs'), 'cli'], { cwd: cliDir, stdio: 'inherit' });
}

function runChild(cliDir: string, cwd: string, args: string[]): Promise<{ code: number; crash?: string; wallMs: number; maxRssKb: number; timeMaxRssKb?: number; userMs: number; systemMs: number; stdout: string; stderr: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'il-eco-'));
  const result = path.join(tmp, 'result.json'), timeOut = path.join(tmp, 'time.txt');
  const node = [process.execPath, path.join(__dirname, 'child.cjs'), cliDir, result, ...args];
  const cmd = GNU_TIME ? [GNU_TIME, '-f', '%M', '-o', timeOut, ...node] : node;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0], cmd.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', d => { err += d; });
    p.on('error', reject);
    p.on('close', code => {
      const wallMs = performance.now() - t0;
      try {
        if (!fs.existsSync(result)) {
          resolve({ code: code ?? 2, crash: `the CLI process died (exit ${code}): ${err.slice(-2000)}`, wallMs, maxRssKb: 0, userMs: 0, systemMs: 0, stdout: '', stderr: err });
          return;
        }
        const r = JSON.parse(fs.readFileSync(result, 'utf8'));
        const t = GNU_TIME && fs.existsSync(timeOut) ? Number(fs.readFileSync(timeOut, 'utf8').trim().split('\n').pop()) : undefined;
        resolve({ ...r, wallMs, timeMaxRssKb: Number.isFinite(t) ? t : undefined });
      } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
    });
  });
}

const NOTICE = /^incident-lens: (.+?): skipped \((.+)\)$/;

export async function runRepo(r: RepoEntry, cliDir: string): Promise<{ run: RepoRun; findings: RunFinding[] }> {
  const root = checkoutDir(r.repo);
  if (!fs.existsSync(root)) throw new Error(`${r.repo}: no checkout at ${root}; run \`npm run ecosystem -- setup\``);
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  if (head !== r.commit) throw new Error(`${r.repo}: checkout is at ${head.slice(0, 10)}, repos.json pins ${r.commit.slice(0, 10)}; run setup`);
  const { paths } = expandDirs(root, r.dirs);
  const discovered = discover(root, paths);
  const res = await runChild(cliDir, root, ['check', ...paths, '--format', 'json']);
  const notices = res.stderr.split('\n').filter(Boolean);
  const skipped: { path: string; reason: string }[] = [];
  for (const n of notices) { const m = NOTICE.exec(n); if (m) skipped.push({ path: m[1], reason: m[2] }); }
  const skippedSet = new Set(skipped.map(s => s.path));
  const files = discovered.filter(f => !skippedSet.has(f));
  let lines = 0, loc = 0;
  for (const f of files) { const c = countLines(fs.readFileSync(path.join(root, f), 'utf8')); lines += c.lines; loc += c.loc; }
  fs.mkdirSync(FILES_DIR, { recursive: true });
  fs.writeFileSync(analysedFilesFile(r.repo), JSON.stringify({ repo: r.repo, commit: r.commit, files }) + '\n');
  let raw: { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string; messageId?: string; message: string }[] = [];
  let crash = res.crash;
  if (!crash) { try { raw = JSON.parse(res.stdout); } catch (e) { crash = `unreadable JSON output (${(e as Error).message})`; } }
  const findings: RunFinding[] = raw.map(f => ({
    repo: r.repo, path: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
    ruleId: f.ruleId, severity: f.severity, messageId: f.messageId ?? null, message: f.message,
  }));
  return {
    run: {
      repo: r.repo, commit: r.commit, split: r.split, dirs: paths, files: files.length, lines, loc, skipped,
      notices: notices.filter(n => !NOTICE.test(n)).slice(0, 200), exitCode: res.code, crash,
      wallMs: res.wallMs, maxRssKb: res.maxRssKb, timeMaxRssKb: res.timeMaxRssKb, userMs: res.userMs, systemMs: res.systemMs,
      findings: findings.length,
    },
    findings,
  };
}

export async function run(o: RunOptions): Promise<number> {
  const cliDir = path.resolve(o.cli ?? PROJECT_ROOT);
  if (!fs.existsSync(path.join(cliDir, 'src', 'cli', 'main.ts'))) throw new Error(`--cli ${cliDir} is not an incident-lens checkout`);
  ensureBuilt(cliDir);
  const repos = loadRepos().repos.filter(r => (!o.repos.length || repoMatches(r, o.repos)) && (!o.half || r.split === o.half));
  if (!repos.length) throw new Error('no repository selected');
  const runFile: RunFile = {
    version: 1, createdAt: new Date().toISOString(), cli: gitInfo(cliDir), node: process.version, loadavg: os.loadavg(), repos: [], findings: [],
  };
  process.stderr.write(`run: ${repos.length} repositories with ${runFile.cli.describe}${runFile.cli.dirty ? ' (src modified)' : ''} from ${cliDir}${GNU_TIME ? '' : ' (no GNU time: peak RSS from the process itself)'}\n`);
  for (const r of repos) {
    const { run: rr, findings } = await runRepo(r, cliDir);
    runFile.repos.push(rr);
    runFile.findings.push(...findings);
    process.stderr.write(`run: ${r.repo.padEnd(32)} ${String(rr.files).padStart(5)} files ${(rr.loc / 1000).toFixed(1).padStart(6)} KLOC ${(rr.wallMs / 1000).toFixed(1).padStart(6)} s ${(Math.max(rr.maxRssKb, rr.timeMaxRssKb ?? 0) / 1024).toFixed(0).padStart(5)} MB  ${rr.findings} findings${rr.crash ? `  CRASH: ${rr.crash.split('\n')[0]}` : ''}\n`);
  }
  const out = path.resolve(o.out ?? path.join(RUNS_DIR, `${runFile.createdAt.replace(/[:.]/g, '-')}.json`));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(runFile) + '\n');
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  fs.copyFileSync(out, path.join(RUNS_DIR, 'latest.json'));
  process.stdout.write(summarize(runFile) + '\n');
  process.stdout.write(`\nrun file: ${out} (also ${path.join(RUNS_DIR, 'latest.json')})\n`);
  if (o.baseline) process.stdout.write('\n' + baselineDiff(JSON.parse(fs.readFileSync(o.baseline, 'utf8')) as RunFile, runFile, o.baseline, !!o.showHeldout) + '\n');
  return runFile.repos.some(r => r.crash) ? 1 : 0;
}

export function summarize(rf: RunFile): string {
  const rules = [...new Set(rf.findings.map(f => f.ruleId))].sort();
  const out: string[] = [];
  out.push(`per repository (${rf.cli.describe}):`);
  const rows: (string | number)[][] = [['repo', 'half', 'files', 'KLOC', 'wall s', 'peak RSS MB', 'findings', ...rules]];
  for (const half of HALVES) {
    for (const r of rf.repos.filter(x => x.split === half)) {
      const fs = rf.findings.filter(f => f.repo === r.repo);
      rows.push([r.repo, half, r.files, (r.loc / 1000).toFixed(1), (r.wallMs / 1000).toFixed(1), (Math.max(r.maxRssKb, r.timeMaxRssKb ?? 0) / 1024).toFixed(0), fs.length + (r.crash ? ' CRASH' : ''), ...rules.map(id => fs.filter(f => f.ruleId === id).length)]);
    }
  }
  const tot = (h?: Half) => rf.repos.filter(r => !h || r.split === h);
  for (const h of [...HALVES, undefined]) {
    const rs = tot(h);
    const fs = rf.findings.filter(f => rs.some(r => r.repo === f.repo));
    rows.push([h ? `total ${h}` : 'total', '', rs.reduce((a, r) => a + r.files, 0), (rs.reduce((a, r) => a + r.loc, 0) / 1000).toFixed(1), (rs.reduce((a, r) => a + r.wallMs, 0) / 1000).toFixed(1), (Math.max(0, ...rs.map(r => Math.max(r.maxRssKb, r.timeMaxRssKb ?? 0))) / 1024).toFixed(0) + ' max', fs.length, ...rules.map(id => fs.filter(f => f.ruleId === id).length)]);
  }
  out.push(table(rows, 2));
  out.push('');
  out.push('per rule (findings, findings per KLOC; KLOC = non-blank lines of the analysed files / 1000):');
  const rrows: (string | number)[][] = [['rule', 'family', ...HALVES.flatMap(h => [`${h}`, `/KLOC`]), 'all', '/KLOC']];
  const kloc = (h?: Half) => tot(h).reduce((a, r) => a + r.loc, 0) / 1000;
  for (const id of rules) {
    const n = (h?: Half) => rf.findings.filter(f => f.ruleId === id && (!h || tot(h).some(r => r.repo === f.repo))).length;
    rrows.push([id, familyOf(id) ?? '?', ...HALVES.flatMap(h => [n(h), kloc(h) ? (n(h) / kloc(h)).toFixed(3) : '–']), n(), (n() / kloc()).toFixed(3)]);
  }
  out.push(table(rrows, 2));
  const odd = rf.repos.filter(r => r.notices.length || r.skipped.length || r.crash);
  if (odd.length) {
    out.push('');
    out.push('skipped files and notices:');
    for (const r of odd) {
      const reasons = new Map<string, number>();
      for (const s of r.skipped) { const k = s.reason.replace(/\(\d+\)/, '(N)'); reasons.set(k, (reasons.get(k) ?? 0) + 1); }
      out.push(`  ${r.repo}: ${[...reasons].map(([k, n]) => `${n} skipped: ${k}`).join('; ') || '0 skipped'}${r.notices.length ? `; ${r.notices.length} other notices, first: ${r.notices[0]}` : ''}${r.crash ? `; CRASH ${r.crash.split('\n')[0]}` : ''}`);
    }
  }
  void FAMILIES;
  return out.join('\n');
}

export function baselineDiff(before: RunFile, after: RunFile, label: string, showHeldout = false): string {
  const half = new Map(loadRepos().repos.map(r => [r.repo, r.split]));
  const repos = new Set(after.repos.map(r => r.repo));
  const b = before.findings.filter(f => repos.has(f.repo));
  const missingRepos = [...repos].filter(r => !before.repos.some(x => x.repo === r));
  const diffs = diffRuns(b, after.findings);
  const out: string[] = [`against ${label} (${before.cli.describe}):${missingRepos.length ? ` (not in the baseline: ${missingRepos.join(', ')})` : ''}`];
  if (!diffs.length) { out.push('  no change'); return out.join('\n'); }
  out.push(table([['rule', 'before', 'after', 'new', 'gone'], ...diffs.map(d => [d.ruleId, b.filter(f => f.ruleId === d.ruleId).length, after.findings.filter(f => f.ruleId === d.ruleId).length, `+${d.added.length}`, `-${d.gone.length}`])]));
  for (const d of diffs) {
    for (const [sign, list] of [['+', d.added], ['-', d.gone]] as const) {
      if (!list.length) continue;
      out.push('');
      // Held-out sites are counted, never printed: tuners read this output (`--show-heldout` for the lead).
      const held = list.filter(f => half.get(f.repo) === 'heldout');
      out.push(`${d.ruleId}: ${sign === '+' ? 'new' : 'gone'} (${list.length}${held.length ? `, of which ${held.length} held-out` : ''})`);
      for (const f of list) if (showHeldout || half.get(f.repo) !== 'heldout') out.push(`  ${sign} ${f.repo}:${f.path}:${f.line}:${f.column}  ${f.message}`);
      if (held.length && !showHeldout) out.push(`  (${held.length} held-out site${held.length === 1 ? '' : 's'} not printed; --show-heldout prints them)`);
    }
  }
  return out.join('\n');
}
