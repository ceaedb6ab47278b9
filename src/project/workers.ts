/**
 * The file pass on several cores: the files are split between worker threads, each runs core's `analyzeFiles` on
 * its share (one parse per file, symbols and pending findings as JSON), and the main thread merges the results in
 * the original order before the project pass. Used by `analyzeProject` when a run has enough files to pay for the
 * workers' start-up (each loads the parser and grammars: ~50-100 ms).
 *
 * The worker runs the same module the caller names as `entry` (the CLI bundle, or the test/bench module): that module
 * calls `serveFilePass(rules)` at load time when `isFilePassWorker()`, so the project layer never imports the rule
 * registry itself.
 */
import * as os from 'os';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { analyzeFiles, applyProjectFacts, type FileReport, type ProjectOptions, type ProjectResult } from '../core/project';
import type { Rule } from '../core/rule';

const KIND = 'incident-lens-file-pass';

export interface WorkerOptions {
  /** The module a worker loads (it must call `serveFilePass` when `isFilePassWorker()`). */
  entry: string;
  /** Threads to use; default: the available cores, at most 4. */
  threads?: number;
  /** Fewest files for which workers are used (default 300). */
  minFiles?: number;
  /** Node options for the workers (default: the parent's, e.g. `--import tsx`). */
  execArgv?: string[];
}

interface Job { files: string[]; opts: Omit<ProjectOptions, 'rules' | 'onProgress'>; ruleIds: string[] }
type Msg = { kind: 'progress'; done: number } | { kind: 'done'; result: ProjectResult } | { kind: 'error'; message: string };

export function isFilePassWorker(): boolean {
  return !isMainThread && (workerData as { kind?: string } | null)?.kind === KIND;
}

/** In a worker: run the file pass on the job it was given, with these rules (the caller's registry). */
export function serveFilePass(rules: readonly Rule[]): void {
  if (!isFilePassWorker() || !parentPort) return;
  const port = parentPort;
  const job = (workerData as { job: Job }).job;
  const mine = rules.filter(r => job.ruleIds.includes(r.meta.id));
  analyzeFiles(job.files, { ...job.opts, rules: mine, onProgress: done => { if (done % 10 === 0) port.postMessage({ kind: 'progress', done } satisfies Msg); } })
    .then(result => port.postMessage({ kind: 'done', result: { ...result, projectFacts: [...result.projectFacts] as unknown as Set<string> } } satisfies Msg))
    .catch(e => port.postMessage({ kind: 'error', message: (e as Error).stack ?? String(e) } satisfies Msg));
}

export function threadsFor(files: number, w: WorkerOptions): number {
  if (files < (w.minFiles ?? 300)) return 1;
  if (w.threads) return Math.max(1, Math.min(w.threads, files));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4, Math.ceil(files / 100)));
}

/**
 * A worker running `w.entry`. A TypeScript entry (tests, bench) is loaded through tsx's CommonJS hook inside the
 * worker: loader hooks registered with `--import` do not reach worker threads on Node 20.
 */
function startWorker(w: WorkerOptions, data: unknown): Worker {
  if (/\.[mc]?ts$/.test(w.entry)) {
    // (a computed name: bundles never take this branch, and esbuild should not try to resolve tsx into them)
    const tsx = require.resolve(['tsx', 'cjs'].join('/'));
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(w.entry)});`, { eval: true, workerData: data, execArgv: w.execArgv ?? [] });
  }
  return new Worker(w.entry, { workerData: data, execArgv: w.execArgv ?? process.execArgv });
}

/** The file pass over `files` on `threads` worker threads; results in the order of `files`. */
export async function analyzeFilesInWorkers(files: string[], opts: ProjectOptions, w: WorkerOptions, threads: number): Promise<ProjectResult> {
  // deal the files round-robin so that big directories spread over the workers
  const shares: string[][] = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shares[i % threads].push(f));
  const { rules, onProgress, ...rest } = opts;
  const progress = new Array<number>(threads).fill(0);
  const results = await Promise.all(shares.map((share, t) => new Promise<ProjectResult>((resolve, reject) => {
    const job: Job = { files: share, opts: rest, ruleIds: rules.map(r => r.meta.id) };
    const worker = startWorker(w, { kind: KIND, job });
    let settled = false;
    worker.on('message', (m: Msg) => {
      if (m.kind === 'progress') { progress[t] = m.done; onProgress?.(progress.reduce((a, b) => a + b, 0), files.length, ''); }
      else if (m.kind === 'done') { settled = true; resolve(m.result); void worker.terminate(); }
      else { settled = true; reject(new Error(`file-pass worker failed: ${m.message}`)); void worker.terminate(); }
    });
    worker.on('error', e => { if (!settled) { settled = true; reject(e); } });
    worker.on('exit', code => { if (!settled) { settled = true; reject(new Error(`file-pass worker exited with code ${code} before finishing`)); } });
  })));
  // merge in the original order
  const byFile = new Map<string, FileReport>();
  for (const r of results) for (const f of r.files) byFile.set(f.file, f);
  const projectFacts = new Set<string>(results.flatMap(r => [...(r.projectFacts as unknown as string[])]));
  const notices = results.flatMap(r => r.notices);
  const reports = files.map(f => byFile.get(f)).filter((x): x is FileReport => !!x);
  // the file pass voided findings by the facts its own share saw: apply the whole project's facts
  applyProjectFacts(reports, projectFacts);
  onProgress?.(files.length, files.length, '');
  return { files: reports, notices, projectFacts };
}
