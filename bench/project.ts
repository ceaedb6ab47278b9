/**
 * The project layer's cost and the CLI's worker threads, on the largest ecosystem repository (see
 * test/ecosystem/README.md; BENCH_PROJECT=<dir> names another checkout, BENCH_PROJECT_DIRS=a,b its source dirs):
 *   local     the file pass without symbols: what each file's analysis cost before the project layer
 *   project   `analyzeProject` on one thread: symbols + rules' summaries + settling pending findings
 *   workers   `analyzeProject` with the CLI's worker threads (all cores, at most 4)
 * Medians of BENCH_PROJECT_RUNS runs (default 3), interleaved; CPU time and wall time. projectOverLocal is the CPU
 * ratio (the machines here are shared: wall time moves with the other tenants, CPU time much less). Peak RSS of a
 * whole-project run is read from a child process.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { defaultConfig } from '../src/core/config';
import { discoverFiles } from '../src/core/files';
import { analyzeFiles } from '../src/core/project';
import { analyzeProject } from '../src/project/analyze';
import { allRules } from '../src/rules';

const ECO = path.join(os.homedir(), '.cache', 'incident-lens-ecosystem', 'repos');

interface Target { name: string; root: string; dirs: string[] }

/** The ecosystem repository with the most analysed files (repos.json), when it is checked out. */
export function largestTarget(): Target | undefined {
  if (process.env.BENCH_PROJECT) {
    const root = path.resolve(process.env.BENCH_PROJECT);
    return { name: path.basename(root), root, dirs: (process.env.BENCH_PROJECT_DIRS ?? '.').split(',') };
  }
  const reposFile = path.join(__dirname, '..', 'test', 'ecosystem', 'repos.json');
  if (!fs.existsSync(reposFile)) return undefined;
  const repos = JSON.parse(fs.readFileSync(reposFile, 'utf8')) as { repos?: Array<{ name?: string; repo?: string; dirs?: string[] }> } | Array<{ name?: string; repo?: string; dirs?: string[] }>;
  const list = Array.isArray(repos) ? repos : repos.repos ?? [];
  let best: Target | undefined, most = 0;
  for (const r of list) {
    const id = (r.repo ?? r.name ?? '').replace('/', '+');
    const root = path.join(ECO, id);
    if (!id || !fs.existsSync(root) || !r.dirs?.length) continue;
    const n = discoverFiles(r.dirs, root, defaultConfig(root)).files.length;
    if (n > most) { most = n; best = { name: r.repo ?? r.name ?? id, root, dirs: r.dirs }; }
  }
  return best;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

async function measure(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const d = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (d.user + d.system) / 1000 };
}

export async function runProjectBench(): Promise<Record<string, number | string> | undefined> {
  const target = largestTarget();
  if (!target) {
    console.log('project layer: no ecosystem checkout found (npm run ecosystem -- setup); skipped');
    return undefined;
  }
  const runs = Number(process.env.BENCH_PROJECT_RUNS ?? 3);
  const config = defaultConfig(target.root);
  const { files } = discoverFiles(target.dirs, target.root, config);
  const workers = { entry: path.join(__dirname, 'project-worker.ts'), minFiles: 1 };
  // warm-up (grammars, queries, JIT)
  await analyzeProject(files.slice(0, 200), { config, rules: allRules });
  const local: { wall: number; cpu: number }[] = [], project: typeof local = [], parallel: typeof local = [];
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    local.push(await measure(() => analyzeFiles(files, { config, rules: allRules, symbols: false })));
    project.push(await measure(async () => { const r = await analyzeProject(files, { config, rules: allRules }); findings = r.files.reduce((n, f) => n + f.findings.length, 0); }));
    parallel.push(await measure(() => analyzeProject(files, { config, rules: allRules, workers })));
  }
  // peak RSS of a whole-project run on one thread, in a fresh process
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'project-worker.ts'), '--rss', target.root, ...target.dirs], { encoding: 'utf8' });
  const rss = Number(/RSS_MB (\d+(?:\.\d+)?)/.exec(child.stdout ?? '')?.[1] ?? NaN);
  const m = (xs: typeof local, k: 'wall' | 'cpu') => median(xs.map(x => x[k]));
  const out = {
    projectRepo: target.name,
    projectFiles: files.length,
    projectFindings: findings,
    localCpuMs: m(local, 'cpu'), projectCpuMs: m(project, 'cpu'),
    localWallMs: m(local, 'wall'), projectWallMs: m(project, 'wall'), workersWallMs: m(parallel, 'wall'),
    projectOverLocal: m(project, 'cpu') / m(local, 'cpu'),
    projectOverLocalWall: m(project, 'wall') / m(local, 'wall'),
    workersSpeedup: m(project, 'wall') / m(parallel, 'wall'),
    projectPeakRssMb: rss,
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
  };
  const f = (n: number, d = 2) => Number.isFinite(n) ? n.toFixed(d) : 'n/a';
  console.log(`\nProject layer on ${target.name} (${files.length} files, ${findings} findings), medians of ${runs}, load average ${os.loadavg()[0].toFixed(1)}:`);
  console.log('| measurement | CPU (ms) | wall (ms) | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| file-local analysis (no symbols, no settle) | ${f(out.localCpuMs, 0)} | ${f(out.localWallMs, 0)} | 1.00 |`);
  console.log(`| whole project (symbols, summaries, settle), 1 thread | ${f(out.projectCpuMs, 0)} | ${f(out.projectWallMs, 0)} | ${f(out.projectOverLocal)} CPU (target ≤ 1.3), ${f(out.projectOverLocalWall)} wall |`);
  console.log(`| whole project, worker threads (${out.cores} cores) | | ${f(out.workersWallMs, 0)} | ${f(out.workersSpeedup)}× faster (wall) |`);
  console.log(`| peak RSS, whole project, 1 thread | | | ${f(rss, 0)} MB |`);
  return out;
}

if (require.main === module) void runProjectBench().then(r => { if (r) console.log(JSON.stringify(r)); });
