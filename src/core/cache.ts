/**
 * The per-file result cache (`incident-lens check --cache`), as ESLint's `--cache` but keyed by content.
 *
 * What is cached is the file pass's result for one file (what `analyzeFiles` keeps per file: findings, conditional
 * findings, project facts, pending findings, the symbol table with the rules' summaries, the syntax-error flag), keyed
 * by the file's path and the SHA-1 of its text and of the analysis options its config gives (rules, severities,
 * settings). The whole cache is void when the engine changes (package version + a hash of the running code and the
 * grammars). The project pass is never cached: it re-runs over cached and fresh per-file results every time, so a
 * finding that depends on another file (a pending finding settled against that file's summaries, a project fact) is
 * recomputed when that file changes.
 *
 * To cache a new per-file field: add it to `FileResult` and `fileResultOf` in core/project.ts (the one place that
 * says what a per-file result is; it is stored as JSON and read back as is).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { AnalyzeOptions } from './analyzer';
import { applyProjectFacts, autoFixOf, configLookup, fileOptionsLookup, fileResultOf, readFileOf, type FileReport, type FileResult, type ProjectOptions, type ProjectResult } from './project';
import { languageForPath } from './parser';
import { generatedReason } from './files';
import type { Finding } from './types';

export const CACHE_FORMAT = 2;
export const DEFAULT_CACHE_FILE = '.incident-lens-cache';

/**
 * One file's entry. The key is the content hash; size and mtime are a shortcut (as git's index and ESLint's cache
 * use them): when both are unchanged the file is not read at all; when they changed, the file is read and its hash
 * decides (a checkout that touches every file still hits). As in git ("racy" entries), the shortcut is trusted only
 * for a file last modified well before its hash was taken (`checkedAt`): an edit within the same mtime tick, or a
 * clock set back, is caught by the hash.
 */
interface Entry { hash: string; options: string; size: number; mtimeMs: number; checkedAt: number; generated?: true; result: FileResult }

/** Margin between a file's mtime and the time its hash was taken for the size/mtime shortcut to apply. */
const RACY_MS = 2000;
interface CacheFile { format: number; engine: string; entries: Record<string, Entry> }

const sha1 = (s: string | Buffer) => crypto.createHash('sha1').update(s).digest('hex');

export interface CacheStats { hits: number; misses: number; written: boolean }

export class FileResultCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, written: false };
  private readonly entries: Record<string, Entry>;
  private readonly optionKeys = new WeakMap<AnalyzeOptions, string>();
  private readonly seen = new Set<string>();
  private dirty = false;
  /** Why an existing cache file was not used (tests read it). */
  readonly discarded?: string;

  private constructor(readonly file: string, readonly engine: string, entries: Record<string, Entry>, discarded?: string) {
    this.entries = entries;
    this.discarded = discarded;
  }

  /** Opens the cache at `file` (a missing, unreadable, corrupt or other-engine cache starts empty). */
  static open(file: string, engine: string): FileResultCache {
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { return new FileResultCache(file, engine, {}); }
    try {
      const j = JSON.parse(text) as CacheFile;
      if (j.format !== CACHE_FORMAT) return new FileResultCache(file, engine, {}, 'cache format changed');
      if (j.engine !== engine) return new FileResultCache(file, engine, {}, 'analyzer changed');
      return new FileResultCache(file, engine, j.entries && typeof j.entries === 'object' ? j.entries : {});
    } catch {
      return new FileResultCache(file, engine, {}, 'cache file unreadable');
    }
  }

  /** The options part of the key: everything in the analysis options that changes a file's result. */
  optionsKey(o: AnalyzeOptions): string {
    let k = this.optionKeys.get(o);
    if (!k) {
      k = sha1(JSON.stringify({
        rules: o.rules.map(r => r.meta.id), ruleSettings: sortKeys(o.ruleSettings ?? {}), settings: sortKeys(o.settings ?? {}),
        unused: !!o.reportUnusedDirectives, symbols: !!o.symbols,
      }));
      this.optionKeys.set(o, k);
    }
    return k;
  }

  /**
   * The entry of a file whose size and mtime are unchanged, under the same options: its content is the one
   * cached (no need to read it). Does not count as a hit until `take`.
   */
  unchanged(file: string, st: { size: number; mtimeMs: number }, options: AnalyzeOptions): CachedEntry | undefined {
    const e = this.entries[file];
    return e && e.size === st.size && e.mtimeMs === st.mtimeMs && e.mtimeMs < e.checkedAt - RACY_MS && e.options === this.optionsKey(options) ? e : undefined;
  }

  /** The entry of a file with this text under these options (metadata refreshed from `st` when given). */
  matching(file: string, text: string, options: AnalyzeOptions, st?: { size: number; mtimeMs: number }): CachedEntry | undefined {
    const e = this.entries[file];
    if (!e || e.options !== this.optionsKey(options) || e.hash !== sha1(text)) return undefined;
    if (st && (e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.mtimeMs >= e.checkedAt - RACY_MS)) {
      e.size = st.size; e.mtimeMs = st.mtimeMs; e.checkedAt = Date.now(); this.dirty = true;
    }
    return e;
  }

  /** Counts a hit or a miss for `file` (and marks it seen, so that `save` does not check it exists). */
  count(file: string, hit: boolean): void {
    this.seen.add(file);
    if (hit) this.stats.hits++; else this.stats.misses++;
  }

  get(file: string, text: string, options: AnalyzeOptions): FileResult | undefined {
    const e = this.matching(file, text, options);
    this.count(file, !!e);
    return e?.result;
  }

  set(file: string, text: string, options: AnalyzeOptions, result: FileResult): void {
    let st = { size: -1, mtimeMs: -1 };
    try { const s = fs.statSync(file); if (s.size === Buffer.byteLength(text)) st = { size: s.size, mtimeMs: s.mtimeMs }; } catch { /* not on disk (stdin) */ }
    this.entries[file] = {
      hash: sha1(text), options: this.optionsKey(options), ...st, checkedAt: Date.now(),
      ...(generatedReason(text) ? { generated: true as const } : {}),
      result: JSON.parse(JSON.stringify(result)) as FileResult,
    };
    this.seen.add(file);
    this.dirty = true;
  }

  /** Writes the cache (atomically) when something changed; entries of files that no longer exist are dropped. */
  save(): void {
    for (const f of Object.keys(this.entries)) if (!this.seen.has(f) && !fs.existsSync(f)) { delete this.entries[f]; this.dirty = true; }
    if (!this.dirty && !this.discarded) return;
    const body: CacheFile = { format: CACHE_FORMAT, engine: this.engine, entries: this.entries };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(body));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
    this.stats.written = true;
  }
}

/** What a cache lookup gives: the result, and whether the file was generated code (skipped under default excludes). */
export interface CachedEntry { result: FileResult; generated?: true }

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? sortKeys(v) : v])) as T;
}

let engineMemo: string | undefined;

/**
 * Identifies the analyzer: the package version plus a hash of the code that runs (the bundle when bundled; every
 * source file under src/ when run from TypeScript) and of the grammars, so any change to rules or core voids caches.
 */
export function engineFingerprint(version: string): string {
  if (engineMemo) return engineMemo;
  const h = crypto.createHash('sha1');
  const self = __filename;
  const files: string[] = [];
  if (/\.[cm]?js$/.test(self)) files.push(self);
  else {
    const src = path.resolve(__dirname, '..');
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p); else if (/\.(ts|md|json)$/.test(e.name)) files.push(p);
      }
    };
    walk(src);
  }
  for (const dir of [path.dirname(self), path.resolve(__dirname, '..', '..', 'grammars')]) {
    try { for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.wasm')) files.push(path.join(dir, f)); } catch { /* not there */ }
  }
  for (const f of files) { h.update(f.slice(f.lastIndexOf(path.sep))); h.update(fs.readFileSync(f)); }
  engineMemo = `${version}+${h.digest('hex').slice(0, 16)}`;
  return engineMemo;
}

/**
 * A report's result as the file alone gives it (before other files' project facts moved findings to `conditional`):
 * what is cached, since those facts may change without this file changing.
 */
export function cacheableResult(r: FileReport): FileResult {
  const own = new Set(r.projectFacts);
  const voidedByOwn = (f: Finding) => !!f.unlessFacts?.some(x => own.has(x));
  const moved = r.conditional.filter(f => !voidedByOwn(f));
  const findings = moved.length ? [...r.findings, ...moved].sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId)) : r.findings;
  return fileResultOf({ ...r, findings, conditional: moved.length ? r.conditional.filter(voidedByOwn) : r.conditional });
}

/**
 * Before the file pass: the files whose cached result is current (same text, same options) become reports; the
 * others are left to analyse. With `fix`, a cached result with an applicable fix is analysed again (to fix it).
 */
export function reuseCached(files: string[], opts: ProjectOptions, cache: FileResultCache): { reused: Map<string, FileReport>; todo: string[] } {
  const configFor = configLookup(opts);
  const optionsFor = fileOptionsLookup(opts);
  const reused = new Map<string, FileReport>();
  const todo: string[] = [];
  for (const file of files) {
    if (!languageForPath(file)) { todo.push(file); continue; }
    const config = configFor(file);
    const options = optionsFor(config);
    let st: fs.Stats | undefined;
    if (opts.texts?.[file] === undefined) {
      try { st = fs.statSync(file); } catch { /* the file pass reports it */ }
      if (!st || st.size > config.maxFileSizeBytes) { todo.push(file); continue; }
    }
    let text: string | undefined;
    let e = st && cache.unchanged(file, st, options);
    if (!e) {
      const read = readFileOf(file, config, opts);
      if (read.ok) { text = read.text; e = cache.matching(file, text, options, st); }
    }
    const skip = !e || (e.generated && config.defaultExcludes && !opts.explicit?.has(file)) ||
      (opts.fix && e.result.findings.some(f => autoFixOf(f, opts.unsafeFixes)));
    cache.count(file, !skip);
    if (skip) { todo.push(file); continue; }
    const hit = e!.result;
    // the text is read only where the report needs it (findings to show; pending findings may become findings)
    if (text === undefined && (hit.findings.length || hit.pending.length)) {
      const read = readFileOf(file, config, opts);
      if (!read.ok) { todo.push(file); continue; }
      text = read.text;
    }
    // fresh arrays: the project pass moves findings between them, and the cache keeps the entry as stored
    reused.set(file, { file, text, ...hit, findings: [...hit.findings], conditional: [...hit.conditional] });
  }
  return { reused, todo };
}

/**
 * After the file pass over the files `reuseCached` left: caches their results, merges them with the reused reports in
 * the order of `files`, and applies the whole project's facts (the project pass then settles pending findings).
 */
export function mergeCached(files: string[], fresh: ProjectResult, reused: Map<string, FileReport>, opts: ProjectOptions, cache: FileResultCache): ProjectResult {
  const configFor = configLookup(opts);
  const optionsFor = fileOptionsLookup(opts);
  for (const r of fresh.files) if (!r.ruleErrors?.length && r.text !== undefined) cache.set(r.file, r.text, optionsFor(configFor(r.file)), cacheableResult(r));
  const byFile = new Map(fresh.files.map(r => [r.file, r]));
  const reports = files.map(f => reused.get(f) ?? byFile.get(f)).filter((x): x is FileReport => !!x);
  const projectFacts = new Set(reports.flatMap(r => r.projectFacts));
  applyProjectFacts(reports, projectFacts);
  return { files: reports, notices: fresh.notices, projectFacts };
}
