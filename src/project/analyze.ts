/**
 * The whole pipeline over a project: the file pass (core/project.ts: one parse per file; findings, pending findings
 * and symbols taken while the tree is alive) and the project pass (this module: every file's symbols in one
 * ProjectIndex; pending findings settled by their rules against it). The CLI and the extension's workspace scan
 * call `analyzeProject`; tests and one-file callers use `analyzeFileText`.
 */
import * as path from 'path';
import { analyzeSource, sortAndDedupe, type AnalyzeOptions, type FileAnalysis } from '../core/analyzer';
import { analyzeFiles, configLookup, type ProjectOptions, type ProjectResult } from '../core/project';
import { mergeCached, reuseCached, type FileResultCache } from '../core/cache';
import type { Rule } from '../core/rule';
import { ProjectIndex, type Resolver } from './index';
import { settleFindings } from './settle';
import { ModuleResolver } from './resolve';
import { analyzeFilesInWorkers, threadsFor, type WorkerOptions } from './workers';

export interface ProjectRunOptions extends ProjectOptions {
  /** Module resolution (default: the project resolver rooted at the files' common directory). */
  resolver?: Resolver;
  /** Run the file pass on worker threads when the run is big enough (see workers.ts). */
  workers?: WorkerOptions;
  /**
   * Per-file results keyed by content (core/cache.ts): unchanged files skip the file pass; the project pass always
   * runs over every file, so results that depend on other files follow them. Main thread only.
   */
  cache?: FileResultCache;
}

export interface ProjectRunResult extends ProjectResult {
  index: ProjectIndex;
}

/** Module resolution as TypeScript and Node do it (tsconfig paths per directory, workspaces, exports; resolve.ts). */
export function defaultResolver(roots: string[]): Resolver {
  return new ModuleResolver({ roots });
}

export async function analyzeProject(files: string[], opts: ProjectRunOptions): Promise<ProjectRunResult> {
  // unchanged files come from the cache (main thread); the file pass (on workers when big enough) does the rest
  const { cache, ...passOpts } = opts;
  const cached = cache && reuseCached(files, passOpts, cache);
  const todo = cached ? cached.todo : files;
  const threads = opts.workers ? threadsFor(todo.length, opts.workers) : 1;
  const pass = threads > 1 ? await analyzeFilesInWorkers(todo, passOpts, opts.workers!, threads) : await analyzeFiles(todo, passOpts);
  const r = cached ? mergeCached(files, pass, cached.reused, passOpts, cache) : pass;
  const index = new ProjectIndex(opts.resolver ?? defaultResolver([opts.config.root]));
  for (const f of r.files) if (f.symbols) index.set(f.file, f.symbols);
  const configFor = configLookup(opts);
  settleReports(r, index, opts.rules, opts.nestedConfig ? file => configFor(file).rules : opts.config.rules);
  return { ...r, index };
}

/** Settles every report's pending findings against the index and applies project facts to the results. */
export function settleReports(r: ProjectResult, index: ProjectIndex, rules: readonly Rule[],
  ruleSettings: AnalyzeOptions['ruleSettings'] | ((file: string) => AnalyzeOptions['ruleSettings'])): void {
  index.setFacts(r.projectFacts);
  for (const f of r.files) {
    if (!f.pending.length) continue;
    const settings = typeof ruleSettings === 'function' ? ruleSettings(f.file) : ruleSettings;
    const settled = settleFindings(f.file, f.pending, rules, index, settings, m => r.notices.push(`${f.file}: ${m}`))
      .filter(x => !x.unlessFacts?.some(u => r.projectFacts.has(u)));
    if (settled.length) f.findings = sortAndDedupe([...f.findings, ...settled]);
  }
}

/**
 * One file as a one-file project: same-file references (and nothing else) are resolved, so rules behave exactly as
 * in a project whose other files are unknown. For tests and single-document callers.
 */
export async function analyzeFileText(text: string, file: string, opts: AnalyzeOptions, resolver?: Resolver): Promise<FileAnalysis> {
  const abs = path.resolve(file);
  const r = await analyzeSource(abs, text, { ...opts, symbols: true });
  r.tree.delete();
  const { tree: _t, lang: _l, ...a } = r;
  if (!a.pending.length) return a;
  const index = new ProjectIndex(resolver ?? { resolve: () => undefined });
  if (a.symbols) index.set(abs, a.symbols);
  index.setFacts(new Set(a.projectFacts));
  const settled = settleFindings(abs, a.pending, opts.rules, index, opts.ruleSettings).filter(x => !x.unlessFacts?.some(u => a.projectFacts.includes(u)));
  return { ...a, findings: sortAndDedupe([...a.findings, ...settled]) };
}
