/**
 * Module resolution for the project layer: which project source file an import/require specifier names.
 *
 * Follows TypeScript (moduleResolution node16/bundler) and Node, restricted to the project's own SOURCE files:
 * relative/absolute specifiers (extension-less, directory index files, `.js` naming a `.ts` source), the nearest
 * tsconfig.json/jsconfig.json (JSONC, `extends` chains incl. arrays and package specifiers, `baseUrl`, `paths`,
 * `rootDirs`, `${configDir}`), package.json `imports` (`#x`), and workspace packages (npm/yarn `workspaces`,
 * pnpm-workspace.yaml, lerna.json) through `exports`/`main`/`module`/`types`, mapping built output (dist/, lib/, ...)
 * back to its source. node_modules is never entered for a result: external packages resolve to undefined.
 *
 * vscode-free; Node fs/path only. Every failure is `undefined`, never an exception.
 */
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';

export interface ResolverHost {
  readFile(path: string): string | undefined;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  realpath?(path: string): string;
  /** Names of the sub-directories of `path` (workspace glob expansion). Without it only literal workspace patterns work. */
  readDirectories?(path: string): string[];
  /** Drop whatever the host cached about `path` (called by ModuleResolver.invalidate). Returns false when no answer
   * given so far can change (the path's existence is as cached, or nothing about it was ever asked). */
  forget?(path: string): boolean | void;
}

export interface ModuleResolverOptions {
  host?: ResolverHost;
  /** project roots being analysed (workspace discovery starts from them) */
  roots?: string[];
  /** pass results through host.realpath (default false: results keep the form of the paths given). */
  realpath?: boolean;
}

/** What kind of specifier it was: `relative` (./, ../, absolute), `alias` (tsconfig paths/baseUrl/rootDirs, package.json `#imports`),
 * `workspace` (a workspace package or the package itself by name), `external` (any other bare name), `builtin`, `other` (URLs, empty). */
export type SpecifierKind = 'relative' | 'alias' | 'workspace' | 'external' | 'builtin' | 'other';
export interface Resolution { path: string | undefined; kind: SpecifierKind }

/** Source extensions in order of preference for an extension-less specifier (a .d.ts only as a last resort). */
const EXTENSIONLESS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.d.ts'];
/** A specifier with a source extension: TypeScript's substitutions (`.js` names a `.ts`, `.tsx` may name a `.ts`), except
 * that a JavaScript implementation comes before a declaration file. '' is the specifier itself. */
const SUBSTITUTES: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '', '.jsx', '.d.ts'],
  '.jsx': ['.tsx', '.ts', '', '.js', '.d.ts'],
  '.ts': ['', '.tsx', '.js', '.jsx', '.d.ts'],
  '.tsx': ['', '.ts', '.jsx', '.js', '.d.ts'],
  '.mjs': ['.mts', '', '.d.mts'],
  '.mts': ['', '.mjs', '.d.mts'],
  '.cjs': ['.cts', '', '.d.cts'],
  '.cts': ['', '.cjs', '.d.cts'],
};
const SOURCE_RE = /\.(?:[cm]?[tj]s|[tj]sx)$/;
/** Directories that usually hold build output (mapped back to sources). */
const OUT_DIRS = new Set(['dist', 'build', 'lib', 'out', 'esm', 'cjs', 'es', 'types', 'dts', 'typings', 'module', 'modules', 'umd', 'bundle', '.output']);
/** Second-level build output directories (dist/esm/index.js, dist/types/index.d.ts, lib/cjs/...). */
const OUT_SUBDIRS = new Set(['esm', 'cjs', 'es', 'mjs', 'types', 'dts', 'typings', 'module', 'commonjs', 'node', 'browser', 'umd', 'lib', 'src', 'index', 'es2015', 'es2017', 'es2020', 'esnext']);
/** Export conditions in the order tried: source-ish first (the project's code), types last. */
const CONDITIONS = ['source', 'development', 'import', 'require', 'node', 'module', 'default', 'types', 'typings'];
/** Bare builtin names (`fs`, `fs/promises`); names only reachable with `node:` (node:test, node:sea) are not bare builtins. */
const BUILTINS = new Set(builtinModules.filter(m => !m.startsWith('node:')));
const CONFIG_BASENAME = /^(?:(?:ts|js)config.*\.json|package\.json|pnpm-workspace\.ya?ml|lerna\.json)$/;
const MAX_GLOB_DEPTH = 8;

// ---------------------------------------------------------------------------------------------------------------
// host

/** The default host: node fs, caching directory listings (one readdir answers every existence probe in a directory)
 * and file contents. */
export function createNodeHost(): ResolverHost {
  type Entry = 0 | 1 | 2; // 0 other/symlink (stat it), 1 file, 2 dir
  const listings = new Map<string, Map<string, Entry> | null>();
  const stats = new Map<string, 'f' | 'd' | null>();
  const contents = new Map<string, string | undefined>();
  const listing = (dir: string): Map<string, Entry> | null => {
    let l = listings.get(dir);
    if (l !== undefined) return l;
    try {
      l = new Map();
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) l.set(e.name, e.isFile() ? 1 : e.isDirectory() ? 2 : 0);
    } catch {
      l = null;
    }
    listings.set(dir, l);
    return l;
  };
  const kind = (p: string): 'f' | 'd' | null => {
    const dir = path.dirname(p);
    if (dir !== p) {
      const l = listing(dir);
      if (l === null) return null;
      const e = l.get(path.basename(p));
      if (e === undefined) return null;
      if (e === 1) return 'f';
      if (e === 2) return 'd';
    }
    let s = stats.get(p);
    if (s !== undefined) return s;
    try {
      const st = fs.statSync(p);
      s = st.isFile() ? 'f' : st.isDirectory() ? 'd' : null;
    } catch {
      s = null;
    }
    stats.set(p, s);
    return s;
  };
  /** What the caches say about p's existence, without touching the disk; undefined: nothing was ever asked about it. */
  const known = (p: string): 'f' | 'd' | null | undefined => {
    for (let child = p, dir = path.dirname(p); dir !== child; child = dir, dir = path.dirname(dir)) {
      const l = listings.get(dir);
      if (l === undefined) continue;
      if (l === null) return null;
      const e = l.get(path.basename(child));
      if (e === undefined) return null;
      if (child !== p) return undefined; // an existing ancestor with nothing cached below it
      return e === 1 ? 'f' : e === 2 ? 'd' : stats.get(p);
    }
    return stats.get(p);
  };
  return {
    readFile(p) {
      if (contents.has(p)) return contents.get(p);
      let t: string | undefined;
      try {
        t = kind(p) === 'f' ? fs.readFileSync(p, 'utf8') : undefined;
      } catch {
        t = undefined;
      }
      contents.set(p, t);
      return t;
    },
    isFile: p => kind(p) === 'f',
    isDir: p => kind(p) === 'd',
    realpath(p) {
      try {
        return fs.realpathSync.native(p);
      } catch {
        return p;
      }
    },
    readDirectories(dir) {
      const l = listing(dir);
      if (!l) return [];
      const out: string[] = [];
      for (const [name, e] of l) if (e === 2 || (e === 0 && kind(path.join(dir, name)) === 'd')) out.push(name);
      return out;
    },
    forget(p) {
      const before = known(p);
      contents.delete(p);
      stats.delete(p);
      // re-read (not drop) the listings that may have changed, so that the caches keep answering `known` for the
      // resolutions already derived from them: p's own, its parent's, and further up those that did not know the child
      const refresh = (d: string) => {
        if (!listings.has(d)) return;
        listings.delete(d);
        stats.delete(d);
        listing(d);
      };
      refresh(p);
      for (let child = p, dir = path.dirname(p); dir !== child; child = dir, dir = path.dirname(dir)) {
        const l = listings.get(dir);
        if (l === undefined) continue;
        if (child !== p && l && l.has(path.basename(child))) break;
        refresh(dir);
      }
      return before !== undefined && kind(p) !== before;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// JSONC

/** JSON with comments and trailing commas (tsconfig.json). Throws on anything else malformed. */
export function parseJsonc(text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let out = '';
  const n = text.length;
  let i = 0;
  let last = 0; // start of the not-yet-copied text
  let pendingComma = -1; // index in `out` of a comma that may be trailing
  const flush = (to: number) => {
    out += text.slice(last, to);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      pendingComma = -1;
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      flush(i);
      while (i < n && text.charCodeAt(i) !== 0x0a) i++;
      last = i;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      flush(i);
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
      last = i;
    } else if (c === 0x2c /* , */) {
      flush(i);
      pendingComma = out.length;
      out += ',';
      i++;
      last = i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (pendingComma >= 0) {
        flush(i);
        out = out.slice(0, pendingComma) + ' ' + out.slice(pendingComma + 1);
        last = i;
      }
      pendingComma = -1;
      i++;
    } else {
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) pendingComma = -1;
      i++;
    }
  }
  flush(n);
  return JSON.parse(out);
}

// ---------------------------------------------------------------------------------------------------------------
// tsconfig

interface Setting<T> { value: T; dir: string }
/** compilerOptions that matter here, each with the directory of the config that set it (paths are relative to it). */
interface RawOptions {
  baseUrl?: Setting<string>;
  paths?: Setting<Record<string, unknown>>;
  rootDirs?: Setting<unknown[]>;
  rootDir?: Setting<string>;
  outDir?: Setting<string>;
}
interface RawConfig { file: string; options: RawOptions; references: string[] }
interface PathPattern { prefix: string; suffix: string; star: boolean; targets: string[] }
/** A tsconfig with its `extends` chain applied and paths made absolute. */
interface TsConfig {
  file: string;
  dir: string;
  baseUrl?: string;
  paths?: PathPattern[];
  /** where `paths` targets are relative to: baseUrl when set, else the config that defined `paths` */
  pathsBase?: string;
  rootDirs?: string[];
  rootDir?: string;
  outDir?: string;
  references: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isRelativeSpecifier(s: string): boolean {
  return s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../') || s.startsWith('.\\') || s.startsWith('..\\');
}
function splitPackage(spec: string): { name: string; sub: string } | undefined {
  const parts = spec.split('/');
  if (spec.startsWith('@')) {
    if (parts.length < 2 || !parts[0].slice(1) || !parts[1]) return undefined;
    return { name: parts[0] + '/' + parts[1], sub: parts.slice(2).join('/') };
  }
  if (!parts[0]) return undefined;
  return { name: parts[0], sub: parts.slice(1).join('/') };
}
function posix(p: string): string {
  return p.split(path.sep).join('/');
}
function stripSourceExt(p: string): string {
  return p.replace(/\.d\.[cm]?ts$|\.(?:[cm]?[tj]s|[tj]sx)(?:\.map)?$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// resolver

export class ModuleResolver {
  private readonly host: ResolverHost;
  private readonly roots: string[];
  private readonly useRealpath: boolean;

  // caches (all derived; cleared by invalidate)
  private readonly resolutions = new Map<string, Map<string, Resolution>>();
  /** fromFile -> its directory's map in `resolutions` (a project pass asks per file: path.resolve/dirname once each). */
  private readonly resolutionsOfFile = new Map<string, Map<string, Resolution>>();
  private readonly json = new Map<string, unknown>(); // parsed JSON/JSONC/YAML files, null when absent/malformed
  private readonly rawConfigs = new Map<string, RawConfig | null>();
  private readonly configs = new Map<string, TsConfig | null>();
  private readonly nearestConfigDir = new Map<string, string | null>(); // dir -> tsconfig/jsconfig file
  private readonly nearestPackageDir = new Map<string, string | null>(); // dir -> dir holding package.json
  private readonly workspaceRootDir = new Map<string, string[]>(); // dir -> workspace roots enclosing it, nearest first
  private readonly workspaceMaps = new Map<string, Map<string, string>>(); // workspace root -> package name -> dir
  private readonly buildConfigs = new Map<string, { outDir?: string; rootDir?: string } | null>();
  private readonly used = new Set<string>(); // config files whose contents were read
  private loadingConfigs = new Set<string>();

  constructor(opts: ModuleResolverOptions = {}) {
    this.host = opts.host ?? createNodeHost();
    this.roots = (opts.roots ?? []).map(r => path.resolve(r));
    this.useRealpath = !!opts.realpath;
  }

  resolve(fromFile: string, specifier: string): string | undefined {
    return this.resolveDetailed(fromFile, specifier).path;
  }

  /** resolve() with the kind of specifier: an unresolved `external` is a package, an unresolved `relative`/`alias`/`workspace` a miss. */
  resolveDetailed(fromFile: string, specifier: string): Resolution {
    let perDir = this.resolutionsOfFile.get(fromFile);
    let r = perDir?.get(specifier);
    if (r) return r;
    let dir: string;
    try {
      dir = path.dirname(path.resolve(fromFile));
    } catch {
      return { path: undefined, kind: 'other' };
    }
    if (!perDir) {
      perDir = this.resolutions.get(dir);
      if (!perDir) this.resolutions.set(dir, (perDir = new Map()));
      this.resolutionsOfFile.set(fromFile, perDir);
    }
    r = perDir.get(specifier);
    if (!r) {
      try {
        r = this.compute(dir, specifier);
        if (r.path !== undefined) {
          if (!SOURCE_RE.test(r.path) || /[\\/]node_modules[\\/]/.test(r.path)) r = { path: undefined, kind: r.kind };
          else if (this.useRealpath && this.host.realpath) r = { path: this.host.realpath(r.path), kind: r.kind };
        }
      } catch {
        r = { path: undefined, kind: 'other' };
      }
      perDir.set(specifier, r);
    }
    return r;
  }

  configFiles(): string[] {
    return [...this.used].sort();
  }

  invalidate(p: string): void {
    try {
      const abs = path.resolve(p);
      if (CONFIG_BASENAME.test(path.basename(abs)) || this.used.has(abs)) {
        this.host.forget?.(abs);
        this.clearAll();
        return;
      }
      // a source file: only its existence matters here
      if (this.host.forget?.(abs) !== false) { this.resolutions.clear(); this.resolutionsOfFile.clear(); }
    } catch {
      this.clearAll();
    }
  }

  private clearAll(): void {
    this.resolutions.clear();
    this.resolutionsOfFile.clear();
    this.json.clear();
    this.rawConfigs.clear();
    this.configs.clear();
    this.nearestConfigDir.clear();
    this.nearestPackageDir.clear();
    this.workspaceRootDir.clear();
    this.workspaceMaps.clear();
    this.buildConfigs.clear();
    this.used.clear();
  }

  // -------------------------------------------------------------------------------------------------------------
  // dispatch

  private compute(dir: string, spec: string): Resolution {
    if (!spec || spec.includes('\0')) return { path: undefined, kind: 'other' };
    if (spec.startsWith('node:')) return { path: undefined, kind: 'builtin' };
    if (spec.startsWith('file://')) {
      try {
        return { path: this.loadFileOrDir(new URL(spec).pathname), kind: 'relative' };
      } catch {
        return { path: undefined, kind: 'other' };
      }
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) return { path: undefined, kind: 'other' }; // http:, data:, virtual:
    if (isRelativeSpecifier(spec) || path.isAbsolute(spec)) {
      const clean = spec.replace(/[?#].*$/, '');
      const target = path.resolve(dir, clean);
      let found = clean.endsWith('/') ? this.loadDirectory(target) : this.loadFileOrDir(target);
      if (!found && !path.isAbsolute(spec)) found = this.viaRootDirs(dir, target);
      if (!found) found = this.loadBuiltAlias(target, dir); // ../lib/x from tests: the build output of src/x
      return { path: found, kind: 'relative' };
    }
    if (spec.startsWith('#')) {
      const r = this.viaImportsField(dir, spec);
      if (r) return r;
    }
    // Node's builtins win at run time even where a baseUrl directory has the same name
    if (BUILTINS.has(spec)) return { path: undefined, kind: 'builtin' };
    const cfg = this.configFor(dir);
    // tsconfig paths, then baseUrl (as TypeScript: a matched pattern whose targets all miss falls through)
    let aliased = false;
    for (const c of cfg?.paths ? [cfg] : cfg ? cfg.references.map(r => this.loadConfig(r)) : []) {
      // (a solution-style tsconfig.json with only `references`, as Vite templates write: the referenced configs' paths)
      if (!c?.paths) continue;
      const m = this.viaPaths(c, spec);
      if (m.path) return { path: m.path, kind: 'alias' };
      aliased ||= m.specific;
    }
    if (cfg?.baseUrl) {
      const p = this.loadFileOrDir(path.resolve(cfg.baseUrl, spec));
      if (p) return { path: p, kind: 'alias' };
    }
    const pkg = splitPackage(spec);
    if (!pkg) return { path: undefined, kind: 'other' };
    const wsDir = this.findWorkspacePackage(dir, pkg.name);
    if (wsDir) return { path: this.resolvePackage(wsDir, pkg.sub), kind: 'workspace' };
    if (aliased) return { path: undefined, kind: 'alias' };
    return { path: undefined, kind: 'external' };
  }

  // -------------------------------------------------------------------------------------------------------------
  // files and directories

  /** A source file for `p` as TypeScript would find it (exact, `.js` -> `.ts`, added extension). */
  private loadFile(p: string): string | undefined {
    const h = this.host;
    const ext = path.extname(p);
    const subs = SUBSTITUTES[ext];
    if (subs) {
      const base = p.slice(0, -ext.length);
      for (const s of subs) {
        const c = s ? base + s : p;
        if (h.isFile(c)) return c;
      }
    }
    for (const e of EXTENSIONLESS) if (h.isFile(p + e)) return p + e;
    return undefined;
  }

  /** A directory's package.json (`source`/`types`/`main`/`module`, mapped to sources) or index file. */
  private loadDirectory(d: string, viaPackageJson = true): string | undefined {
    if (!this.host.isDir(d)) return undefined;
    if (viaPackageJson) {
      const pkg = this.readPackage(d);
      if (pkg) {
        for (const f of ['source', 'types', 'typings', 'module', 'main']) {
          const v = pkg[f];
          if (typeof v !== 'string' || !v) continue;
          const r = this.loadBuilt(d, path.resolve(d, v));
          if (r) return r;
        }
      }
    }
    return this.loadFile(path.join(d, 'index'));
  }

  private loadFileOrDir(p: string): string | undefined {
    return this.loadFile(p) ?? this.loadDirectory(p);
  }

  /** A package's entry or export target: the file itself, or its source when the target is build output. */
  private loadBuilt(pkgDir: string, target: string): string | undefined {
    const rel = posix(path.relative(pkgDir, target));
    if (rel.startsWith('..')) return this.loadFile(target) ?? this.loadDirectory(target, false);
    const first = rel.split('/')[0];
    const inOut = OUT_DIRS.has(first) || this.isOutDir(pkgDir, rel);
    if (inOut) {
      const s = this.mapToSource(pkgDir, rel);
      if (s) return s;
    }
    const direct = this.loadFile(target) ?? this.loadDirectory(target, false);
    if (direct && !direct.endsWith('.d.ts')) return direct;
    return (inOut ? undefined : this.mapToSource(pkgDir, rel)) ?? direct;
  }

  private isOutDir(pkgDir: string, rel: string): boolean {
    const b = this.buildConfig(pkgDir);
    return !!b?.outDir && b.outDir !== '.' && (rel === b.outDir || rel.startsWith(b.outDir + '/'));
  }

  /** dist/x/y.js -> src/x/y.ts (or the package's tsconfig rootDir, or the package root). */
  private mapToSource(pkgDir: string, rel: string): string | undefined {
    const stem = stripSourceExt(rel);
    const segs = stem.split('/').filter(s => s && s !== '.');
    const rests: string[][] = [];
    const b = this.buildConfig(pkgDir);
    const roots: string[] = [];
    if (b?.outDir && b.outDir !== '.' && (stem + '/').startsWith(b.outDir + '/')) {
      const rest = stem.slice(b.outDir.length + 1).split('/').filter(Boolean);
      rests.push(rest);
      if (b.rootDir !== undefined) roots.push(b.rootDir);
    }
    if (segs.length && OUT_DIRS.has(segs[0])) {
      let i = 1;
      rests.push(segs.slice(i));
      while (i < segs.length - 1 && OUT_SUBDIRS.has(segs[i])) rests.push(segs.slice(++i));
    } else {
      rests.push(segs);
    }
    roots.push('src', '');
    const seen = new Set<string>();
    for (const rest of rests) {
      for (const root of roots) {
        const cand = path.join(pkgDir, root, ...rest);
        if (seen.has(cand) || cand === pkgDir) continue;
        seen.add(cand);
        const f = this.loadSourceFile(cand) ?? (this.host.isDir(cand) ? this.loadSourceFile(path.join(cand, 'index')) : undefined);
        if (f) return f;
      }
    }
    return undefined;
  }

  /** Like loadFile, but only real sources (no .d.ts) and never back inside an output directory of the same name. */
  private loadSourceFile(p: string): string | undefined {
    for (const e of EXTENSIONLESS) {
      if (e === '.d.ts') continue;
      if (this.host.isFile(p + e)) return p + e;
    }
    return undefined;
  }

  /** outDir/rootDir of a package's own build tsconfig (relative to the package, posix). */
  private buildConfig(pkgDir: string): { outDir?: string; rootDir?: string } | null {
    let b = this.buildConfigs.get(pkgDir);
    if (b !== undefined) return b;
    b = null;
    for (const name of ['tsconfig.build.json', 'tsconfig.json', 'tsconfig.lib.json']) {
      const f = path.join(pkgDir, name);
      if (!this.host.isFile(f)) continue;
      const c = this.loadConfig(f);
      if (!c?.outDir) continue;
      const rel = (p: string | undefined) => (p === undefined ? undefined : posix(path.relative(pkgDir, p)) || '.');
      const outDir = rel(c.outDir);
      if (!outDir || outDir.startsWith('..')) continue;
      const rootDir = rel(c.rootDir);
      b = { outDir, rootDir: rootDir && !rootDir.startsWith('..') ? (rootDir === '.' ? '' : rootDir) : undefined };
      break;
    }
    this.buildConfigs.set(pkgDir, b);
    return b;
  }

  private viaRootDirs(dir: string, target: string): string | undefined {
    const cfg = this.configFor(dir);
    if (!cfg?.rootDirs?.length) return undefined;
    for (const rd of cfg.rootDirs) {
      const rel = path.relative(rd, target);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      for (const other of cfg.rootDirs) {
        if (other === rd) continue;
        const r = this.loadFileOrDir(path.join(other, rel));
        if (r) return r;
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------------
  // JSON files

  private readJson(file: string, kind: 'json' | 'jsonc' | 'yaml' = 'json'): unknown {
    if (this.json.has(file)) return this.json.get(file);
    let v: unknown = null;
    const text = this.host.readFile(file);
    if (text !== undefined) {
      this.used.add(file);
      try {
        v = kind === 'yaml' ? parseYaml(text) : kind === 'jsonc' ? parseJsonc(text) : JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch {
        if (kind === 'json') {
          try {
            v = parseJsonc(text);
          } catch {
            v = null;
          }
        } else v = null;
      }
    }
    this.json.set(file, v ?? null);
    return v ?? null;
  }

  private readPackage(dir: string): Record<string, unknown> | undefined {
    const f = path.join(dir, 'package.json');
    if (!this.json.has(f) && !this.host.isFile(f)) {
      this.json.set(f, null);
      return undefined;
    }
    const v = this.readJson(f);
    return isObject(v) ? v : undefined;
  }

  // -------------------------------------------------------------------------------------------------------------
  // tsconfig

  /** The nearest tsconfig.json (else jsconfig.json) walking up from dir, with its extends chain applied. */
  private configFor(dir: string): TsConfig | null {
    const file = this.nearestConfigFile(dir);
    return file ? this.loadConfig(file) : null;
  }

  private nearestConfigFile(dir: string): string | null {
    const walked: string[] = [];
    let d = dir;
    let found: string | null = null;
    for (;;) {
      const cached = this.nearestConfigDir.get(d);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      walked.push(d);
      if (path.basename(d) !== 'node_modules') {
        const ts = path.join(d, 'tsconfig.json');
        if (this.host.isFile(ts)) {
          found = ts;
          break;
        }
        const js = path.join(d, 'jsconfig.json');
        if (this.host.isFile(js)) {
          found = js;
          break;
        }
      }
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
    for (const w of walked) this.nearestConfigDir.set(w, found);
    return found;
  }

  private loadConfig(file: string): TsConfig | null {
    let c = this.configs.get(file);
    if (c !== undefined) return c;
    c = null;
    const raw = this.loadRawConfig(file);
    if (raw) {
      const dir = path.dirname(file);
      const abs = (s: Setting<string>) => path.resolve(s.dir, s.value.replace(/\$\{configDir\}/g, dir));
      const o = raw.options;
      c = { file, dir, references: raw.references };
      if (o.baseUrl) c.baseUrl = abs(o.baseUrl);
      if (o.rootDir) c.rootDir = abs(o.rootDir);
      if (o.outDir) c.outDir = abs(o.outDir);
      if (o.rootDirs) c.rootDirs = o.rootDirs.value.filter((x): x is string => typeof x === 'string').map(x => abs({ value: x, dir: o.rootDirs!.dir }));
      if (o.paths) {
        c.pathsBase = c.baseUrl ?? o.paths.dir;
        c.paths = [];
        for (const [key, targets] of Object.entries(o.paths.value)) {
          if (!Array.isArray(targets)) continue;
          const star = key.indexOf('*');
          if (star >= 0 && key.indexOf('*', star + 1) >= 0) continue; // TS: at most one '*'
          c.paths.push({
            prefix: star < 0 ? key : key.slice(0, star),
            suffix: star < 0 ? '' : key.slice(star + 1),
            star: star >= 0,
            targets: targets.filter((t): t is string => typeof t === 'string').map(t => t.replace(/\$\{configDir\}/g, dir)),
          });
        }
      }
    }
    this.configs.set(file, c);
    return c;
  }

  /** A config file's options merged over its `extends` chain (each setting remembers the directory it is relative to). */
  private loadRawConfig(file: string): RawConfig | null {
    const cached = this.rawConfigs.get(file);
    if (cached !== undefined) return cached;
    if (this.loadingConfigs.has(file)) return null; // an extends cycle
    this.loadingConfigs.add(file);
    let result: RawConfig | null = null;
    try {
      const json = this.readJson(file, 'jsonc');
      if (isObject(json)) {
        const dir = path.dirname(file);
        const options: RawOptions = {};
        const ext = json.extends;
        for (const e of typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext : []) {
          if (typeof e !== 'string') continue;
          const baseFile = this.resolveExtends(dir, e);
          const base = baseFile ? this.loadRawConfig(baseFile) : null;
          if (base) Object.assign(options, base.options);
        }
        const co = json.compilerOptions;
        if (isObject(co)) {
          const str = (k: 'baseUrl' | 'rootDir' | 'outDir') => {
            if (typeof co[k] === 'string') options[k] = { value: co[k] as string, dir };
          };
          str('baseUrl');
          str('rootDir');
          str('outDir');
          if (isObject(co.paths)) options.paths = { value: co.paths, dir };
          if (Array.isArray(co.rootDirs)) options.rootDirs = { value: co.rootDirs, dir };
        }
        const references: string[] = [];
        if (Array.isArray(json.references)) {
          for (const r of json.references) {
            if (!isObject(r) || typeof r.path !== 'string') continue;
            let p = path.resolve(dir, r.path);
            if (this.host.isDir(p)) p = path.join(p, 'tsconfig.json');
            if (this.host.isFile(p)) references.push(p);
          }
        }
        result = { file, options, references };
      } else if (json === null && this.host.isFile(file)) {
        result = { file, options: {}, references: [] }; // malformed: a config with no options
      }
    } finally {
      this.loadingConfigs.delete(file);
    }
    this.rawConfigs.set(file, result);
    return result;
  }

  /** `extends`: a relative/absolute path, or a package (a workspace package or one in node_modules: config only). */
  private resolveExtends(dir: string, spec: string): string | undefined {
    const asFile = (p: string) => {
      if (this.host.isFile(p)) return p;
      if (!p.endsWith('.json') && this.host.isFile(p + '.json')) return p + '.json';
      if (this.host.isDir(p) && this.host.isFile(path.join(p, 'tsconfig.json'))) return path.join(p, 'tsconfig.json');
      return undefined;
    };
    if (isRelativeSpecifier(spec) || path.isAbsolute(spec)) return asFile(path.resolve(dir, spec));
    const pkg = splitPackage(spec);
    if (!pkg) return undefined;
    let pkgDir = this.findWorkspacePackage(dir, pkg.name);
    if (!pkgDir) {
      for (let d = dir; ; ) {
        const c = path.join(d, 'node_modules', pkg.name);
        if (this.host.isDir(c)) {
          pkgDir = c;
          break;
        }
        const up = path.dirname(d);
        if (up === d) break;
        d = up;
      }
    }
    if (!pkgDir) return undefined;
    const pj = this.readPackage(pkgDir);
    if (pkg.sub) {
      if (pj && pj.exports !== undefined) {
        const t = this.exportsTarget(pj.exports, './' + pkg.sub);
        for (const x of t ?? []) {
          const f = asFile(path.resolve(pkgDir, x));
          if (f) return f;
        }
      }
      return asFile(path.join(pkgDir, pkg.sub));
    }
    if (pj && typeof pj.tsconfig === 'string') {
      const f = asFile(path.resolve(pkgDir, pj.tsconfig));
      if (f) return f;
    }
    return asFile(path.join(pkgDir, 'tsconfig.json'));
  }

  /** `specific`: a pattern other than a catch-all `*` matched (a miss then is a project import that failed). */
  private viaPaths(cfg: TsConfig, spec: string): { specific: boolean; path?: string } {
    const pats = cfg.paths!;
    let best: PathPattern | undefined;
    for (const p of pats) {
      if (!p.star) {
        if (p.prefix === spec) {
          best = p;
          break;
        }
        continue;
      }
      if (spec.length >= p.prefix.length + p.suffix.length && spec.startsWith(p.prefix) && spec.endsWith(p.suffix)) {
        if (!best || (best.star && p.prefix.length > best.prefix.length)) best = p;
      }
    }
    if (!best) return { specific: false };
    const specific = !best.star || best.prefix !== '' || best.suffix !== '';
    const middle = best.star ? spec.slice(best.prefix.length, spec.length - best.suffix.length) : '';
    let intoProject = false;
    for (const t of best.targets) {
      const target = path.resolve(cfg.pathsBase!, best.star ? t.replace('*', middle) : t);
      if (/[\\/]node_modules(?:[\\/]|$)/.test(target)) continue; // an alias of an external package
      intoProject = true;
      const r = this.loadFileOrDir(target) ?? this.loadBuiltAlias(target);
      if (r) return { specific, path: r };
    }
    return { specific: specific && intoProject };
  }

  /** A missing path into a package's build output (a paths target `"@x/y": ["packages/y/dist"]`, a test's `../lib/x`): its source. */
  private loadBuiltAlias(target: string, fromDir?: string): string | undefined {
    const pkgDir = this.nearestPackage(path.dirname(target));
    if (!pkgDir) return undefined;
    const rel = posix(path.relative(pkgDir, target));
    const first = rel.split('/')[0];
    if (!OUT_DIRS.has(first) && !this.isOutDir(pkgDir, rel)) return undefined;
    // an importer inside that directory: it holds sources (a JavaScript package's lib/), the import just misses
    if (fromDir !== undefined && (posix(path.relative(pkgDir, fromDir)) + '/').startsWith(first + '/')) return undefined;
    return this.mapToSource(pkgDir, rel);
  }

  /**
   * The version range a file's package declares for dependency `name` (`dependencies`, `devDependencies`,
   * `peerDependencies`, `optionalDependencies`), from the nearest package.json that names it walking up from the
   * file (a workspace package first, then the workspace root). Undefined when no package.json declares it. Rules
   * use it for facts that depend on the installed major (a library option that exists only from some version on).
   */
  dependencyVersion(fromFile: string, name: string): string | undefined {
    let d: string;
    try { d = path.dirname(path.resolve(fromFile)); } catch { return undefined; }
    for (let i = 0; i < 64; i++) {
      const pkgDir = this.nearestPackage(d);
      if (!pkgDir) return undefined;
      const pkg = this.readPackage(pkgDir);
      if (pkg) {
        for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
          const deps = pkg[field];
          const v = isObject(deps) ? deps[name] : undefined;
          if (typeof v === 'string') return v;
        }
      }
      const up = path.dirname(pkgDir);
      if (up === pkgDir) return undefined;
      d = up;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------------
  // package.json imports / exports

  private nearestPackage(dir: string): string | undefined {
    const walked: string[] = [];
    let d = dir;
    let found: string | null = null;
    for (;;) {
      const cached = this.nearestPackageDir.get(d);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      walked.push(d);
      if (path.basename(d) !== 'node_modules' && this.host.isFile(path.join(d, 'package.json'))) {
        found = d;
        break;
      }
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
    for (const w of walked) this.nearestPackageDir.set(w, found);
    return found ?? undefined;
  }

  private viaImportsField(dir: string, spec: string): Resolution | undefined {
    const pkgDir = this.nearestPackage(dir);
    const pkg = pkgDir ? this.readPackage(pkgDir) : undefined;
    if (!pkgDir || !pkg || !isObject(pkg.imports)) return undefined;
    for (const t of this.exportsTarget(pkg.imports, spec, true) ?? []) {
      if (t.startsWith('./') || t.startsWith('../')) {
        const r = this.loadBuilt(pkgDir, path.resolve(pkgDir, t));
        if (r) return { path: r, kind: 'alias' };
      } else if (!t.startsWith('#')) {
        const r = this.compute(pkgDir, t); // a package
        if (r.path) return r;
      }
    }
    return { path: undefined, kind: 'alias' };
  }

  /** The targets (in the order to try) of an exports/imports map for a subpath ('.', './x', '#x'); undefined when no key
   * matches, [] when the matching key excludes it (a null target). */
  private exportsTarget(map: unknown, subpath: string, isImports = false): string[] | undefined {
    let m: Record<string, unknown>;
    if (!isImports && (typeof map === 'string' || Array.isArray(map) || (isObject(map) && !Object.keys(map).some(k => k.startsWith('.'))))) {
      m = { '.': map };
    } else if (isObject(map)) {
      m = map;
    } else return undefined;
    let target: unknown;
    let star: string | undefined;
    if (Object.prototype.hasOwnProperty.call(m, subpath) && !subpath.includes('*')) {
      target = m[subpath];
    } else {
      let bestKey: string | undefined;
      for (const key of Object.keys(m)) {
        const i = key.indexOf('*');
        if (i >= 0) {
          const prefix = key.slice(0, i);
          const suffix = key.slice(i + 1);
          if (key.lastIndexOf('*') === i && subpath.length >= key.length && subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
            if (!bestKey || patternKeyCompare(bestKey, key) > 0) {
              bestKey = key;
              star = subpath.slice(prefix.length, subpath.length - suffix.length);
            }
          }
        } else if (key.endsWith('/') && subpath.startsWith(key)) {
          // deprecated folder mapping "./sub/": "./src/sub/"
          if (!bestKey || patternKeyCompare(bestKey, key) > 0) {
            bestKey = key;
            star = undefined;
          }
        }
      }
      if (bestKey === undefined) return undefined;
      target = m[bestKey];
      if (bestKey.endsWith('/') && !bestKey.includes('*')) {
        const rest = subpath.slice(bestKey.length);
        return this.flattenTarget(target, undefined).map(t => (t.endsWith('/') ? t + rest : t));
      }
    }
    return this.flattenTarget(target, star);
  }

  /** All string targets of a (conditional, array) target, source-ish conditions first, `*` substituted. */
  private flattenTarget(target: unknown, star: string | undefined, depth = 0): string[] {
    if (depth > 20) return [];
    if (typeof target === 'string') return [star === undefined ? target : target.split('*').join(star)];
    if (Array.isArray(target)) return target.flatMap(t => this.flattenTarget(t, star, depth + 1));
    if (!isObject(target)) return [];
    const keys = Object.keys(target);
    const ordered = [
      ...keys.filter(k => /source/i.test(k)),
      ...CONDITIONS.filter(k => keys.includes(k)),
      ...keys.filter(k => !/source/i.test(k) && !CONDITIONS.includes(k)),
    ];
    const out: string[] = [];
    for (const k of new Set(ordered)) out.push(...this.flattenTarget(target[k], star, depth + 1));
    return out;
  }

  /** `@scope/pkg` (sub '') or `@scope/pkg/sub/path` inside a workspace package directory. */
  private resolvePackage(pkgDir: string, sub: string): string | undefined {
    const pkg = this.readPackage(pkgDir) ?? {};
    if (pkg.exports !== undefined && pkg.exports !== null) {
      const targets = this.exportsTarget(pkg.exports, sub ? './' + sub : '.');
      if (targets && !targets.length) return undefined; // excluded: "./internal/*": null
      for (const t of targets ?? []) {
        if (!t.startsWith('./')) continue;
        const r = this.loadBuilt(pkgDir, path.resolve(pkgDir, t));
        if (r) return r;
      }
      // a subpath the exports name but whose targets are absent (generated code): no guessing
      if (targets && sub) return undefined;
    }
    if (!sub) {
      for (const f of ['source', 'module', 'main', 'types', 'typings']) {
        const v = pkg[f];
        if (typeof v !== 'string' || !v) continue;
        const r = this.loadBuilt(pkgDir, path.resolve(pkgDir, v));
        if (r) return r;
      }
      return this.loadFile(path.join(pkgDir, 'index')) ?? this.loadSourceFile(path.join(pkgDir, 'src', 'index'));
    }
    // a plain subpath: the file or directory itself, under src/, or a file of the build output (`pkg/dist/x.js`)
    const target = path.join(pkgDir, sub);
    const segs = posix(sub).split('/');
    return (
      this.loadFileOrDir(target) ??
      this.loadFileOrDir(path.join(pkgDir, 'src', sub)) ??
      (segs.length > 1 && (OUT_DIRS.has(segs[0]) || this.isOutDir(pkgDir, posix(sub))) ? this.mapToSource(pkgDir, posix(sub)) : undefined)
    );
  }

  /**
   * The package directories of the project a file belongs to: its own package, the workspace roots enclosing it (and
   * the configured roots') and every workspace package of those. Rules read project files that are not sources
   * there (a Prisma schema).
   */
  packageDirs(fromFile: string): string[] {
    let dir: string;
    try { dir = path.dirname(path.resolve(fromFile)); } catch { return []; }
    const out = new Set<string>();
    const own = this.nearestPackage(dir);
    if (own) out.add(own);
    for (const root of this.workspaceRootsFor(dir)) {
      out.add(root);
      for (const d of this.workspaceMap(root).values()) out.add(d);
    }
    return [...out];
  }

  // -------------------------------------------------------------------------------------------------------------
  // workspaces

  private isWorkspaceName(dir: string, spec: string): boolean {
    const pkg = splitPackage(spec);
    return !!pkg && !!this.findWorkspacePackage(dir, pkg.name);
  }

  /** The directory of the workspace package (or the enclosing package itself) named `name`, seen from `dir`. */
  private findWorkspacePackage(dir: string, name: string): string | undefined {
    const own = this.nearestPackage(dir);
    const pkg = own ? this.readPackage(own) : undefined;
    // self reference: the package the file is in, by its own name
    if (own && pkg?.name === name) return own;
    // a dependency taken from the registry although a workspace package has its name (pnpm `catalog:`, `npm:` aliases)
    if (pkg) {
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const deps = pkg[field];
        const v = isObject(deps) ? deps[name] : undefined;
        if (typeof v === 'string' && /^(?:catalog:|npm:)/.test(v)) return undefined;
      }
    }
    for (const root of this.workspaceRootsFor(dir)) {
      const d = this.workspaceMap(root).get(name);
      if (d) return d;
    }
    return undefined;
  }

  /** Workspace roots enclosing `dir` (nearest first), then those of the configured roots. */
  private workspaceRootsFor(dir: string): string[] {
    const own = this.enclosingWorkspaceRoots(dir);
    if (!this.roots.length) return own;
    const all = [...own];
    for (const r of this.roots) for (const w of this.enclosingWorkspaceRoots(r)) if (!all.includes(w)) all.push(w);
    return all;
  }

  private enclosingWorkspaceRoots(dir: string): string[] {
    let r = this.workspaceRootDir.get(dir);
    if (r) return r;
    const up = path.dirname(dir);
    const outer = up === dir ? [] : this.enclosingWorkspaceRoots(up);
    r = this.workspacePatterns(dir).length ? [dir, ...outer] : outer;
    this.workspaceRootDir.set(dir, r);
    return r;
  }

  /** Workspace globs declared at `dir`: package.json `workspaces`, pnpm-workspace.yaml, lerna.json. */
  private workspacePatterns(dir: string): string[] {
    if (path.basename(dir) === 'node_modules') return [];
    const out: string[] = [];
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const pkg = this.readPackage(dir);
    if (pkg) {
      const ws = pkg.workspaces;
      out.push(...strings(ws), ...(isObject(ws) ? strings(ws.packages) : []));
    }
    for (const name of ['pnpm-workspace.yaml', 'pnpm-workspace.yml']) {
      const f = path.join(dir, name);
      if (!this.host.isFile(f)) continue;
      const y = this.readJson(f, 'yaml');
      if (isObject(y)) out.push(...strings(y.packages));
    }
    const lernaFile = path.join(dir, 'lerna.json');
    if (this.host.isFile(lernaFile)) {
      const l = this.readJson(lernaFile);
      if (isObject(l)) out.push(...(Array.isArray(l.packages) ? strings(l.packages) : l.useWorkspaces || out.length ? [] : ['packages/*']));
    }
    return out;
  }

  private workspaceMap(root: string): Map<string, string> {
    let m = this.workspaceMaps.get(root);
    if (m) return m;
    m = new Map();
    this.workspaceMaps.set(root, m);
    const patterns = this.workspacePatterns(root).map(p => p.trim().replace(/^\.\//, '').replace(/\/(?:package\.json)?$/, ''));
    const negative = patterns.filter(p => p.startsWith('!')).map(p => picomatch(p.slice(1).replace(/^\.\//, ''), { dot: true }));
    const dirs: string[] = [];
    for (const p of patterns) if (p && !p.startsWith('!')) this.expandGlob(root, p.split('/').filter(Boolean), 0, 0, dirs);
    for (const d of dirs) {
      const rel = posix(path.relative(root, d));
      if (negative.some(n => n(rel))) continue;
      const pkg = this.readPackage(d);
      if (pkg && typeof pkg.name === 'string' && pkg.name && !m.has(pkg.name)) m.set(pkg.name, d);
    }
    return m;
  }

  private expandGlob(dir: string, segs: string[], i: number, depth: number, out: string[]): void {
    if (depth > MAX_GLOB_DEPTH + segs.length) return;
    if (i === segs.length) {
      if (this.host.isFile(path.join(dir, 'package.json')) && !out.includes(dir)) out.push(dir);
      return;
    }
    const seg = segs[i];
    const children = () => (this.host.readDirectories?.(dir) ?? []).filter(n => n !== 'node_modules' && !n.startsWith('.'));
    if (seg === '**') {
      this.expandGlob(dir, segs, i + 1, depth, out);
      if (depth < MAX_GLOB_DEPTH) for (const c of children()) this.expandGlob(path.join(dir, c), segs, i, depth + 1, out);
    } else if (!picomatch.scan(seg).isGlob) {
      const d = path.join(dir, seg);
      if (seg !== 'node_modules' && this.host.isDir(d)) this.expandGlob(d, segs, i + 1, depth + 1, out);
    } else {
      const match = picomatch(seg);
      for (const c of children()) if (match(c)) this.expandGlob(path.join(dir, c), segs, i + 1, depth + 1, out);
    }
  }
}

/** Node's PATTERN_KEY_COMPARE: the longer prefix before '*' wins, then the longer key. */
function patternKeyCompare(a: string, b: string): number {
  const ai = a.indexOf('*');
  const bi = b.indexOf('*');
  const al = ai < 0 ? a.length : ai + 1;
  const bl = bi < 0 ? b.length : bi + 1;
  if (al > bl) return -1;
  if (bl > al) return 1;
  if (ai < 0) return 1;
  if (bi < 0) return -1;
  if (a.length > b.length) return -1;
  if (b.length > a.length) return 1;
  return 0;
}
