/** File discovery for workspace/CLI scans: supported extensions, default excludes, .gitignore, include/exclude globs. */
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import ignore, { Ignore } from 'ignore';
import { languageForPath } from './parser';
import { CONFIG_FILE, type ResolvedConfig } from './config';

/**
 * Skipped by default (RULES.md scope, v2): vendored, generated, minified, tests and fixtures, and test-like code by
 * any common naming (`*.e2e.*`, `*.stories.*`, `*.eval.*` suites, `__e2e__/`, `mocks/`, `cypress/`); the
 * `*.<word>test.*` names (`.servertest.`, `.clienttest.`, `.itest.`) are isTestLikeName below.
 */
export const DEFAULT_EXCLUDES = [
  '**/node_modules/**', '**/dist/**', '**/build/**', '**/out/**', '**/coverage/**', '**/.git/**', '**/vendor/**',
  '**/*.min.js', '**/*.min.mjs', '**/*.min.cjs', '**/*.bundle.js',
  '**/__tests__/**', '**/__test__/**', '**/__mocks__/**', '**/mocks/**', '**/*.test.*', '**/*.spec.*', '**/test/**', '**/tests/**',
  '**/e2e/**', '**/__e2e__/**', '**/cypress/**', '**/*.e2e.*', '**/*.e2e-spec.*', '**/*.stories.*', '**/*.eval.*',
  '**/fixtures/**', '**/__fixtures__/**', '**/*.d.ts',
];

/** English words that end in "test" are not suites: Remix routes such as `api.v1.deployments.latest.ts` are code. */
const TEST_WORDS = /^(?:.*[-_])?(?:la|grea|shor|smar|ligh|tigh|brigh|sligh|swee|quie|hot|fit|wet|fat|sof|con|pro|at|de)test$/i;

/** `name.<word>test.ext` (`users.servertest.ts`, `Table.clienttest.tsx`, `db.itest.ts`): a test suite by its name. */
export function isTestLikeName(file: string): boolean {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  for (const m of base.matchAll(/\.([A-Za-z0-9_-]*test)(?=\.)/gi)) if (!TEST_WORDS.test(m[1])) return true;
  return false;
}
const ALWAYS_SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export interface Discovery {
  files: string[];
  /** Files named explicitly on the command line. */
  explicit: Set<string>;
  /** Paths given on the command line that do not exist. */
  missing: string[];
  /**
   * What was left out and why, for the user: a named path that is not a regular file or directory (a FIFO, a device,
   * a symbolic link loop), a `.gitignore` line that cannot be used, a file name that is not valid UTF-8.
   */
  notices: string[];
}

/** A relative path that leads out of its base (`..`, `../x`), as opposed to a name such as `..y.ts`. */
export function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith('../') || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
}

export interface FileFilter {
  /**
   * true when a file found by walking a directory should be analysed. `walkRoot` is the directory the user named:
   * default excludes apply below it only (`check test/fixtures/app` analyses that app), while the config's own
   * include/exclude globs are relative to the config root.
   */
  accepts(absFile: string, walkRoot?: string): boolean;
}

export function createFilter(config: ResolvedConfig): FileFilter {
  const opts = { dot: true };
  const globs = picomatch(DEFAULT_EXCLUDES, opts);
  const defaults = config.defaultExcludes ? (p: string) => globs(p) || isTestLikeName(p) : () => false;
  const exclude = config.exclude.length ? picomatch(config.exclude, opts) : () => false;
  const include = config.include.length ? picomatch(config.include, opts) : undefined;
  const posix = (p: string) => p.split(path.sep).join('/');
  return {
    accepts(abs: string, walkRoot = config.root): boolean {
      if (!languageForPath(abs)) return false;
      const belowWalk = posix(path.relative(walkRoot, abs));
      if (defaults(isOutside(belowWalk) ? posix(abs) : belowWalk)) return false;
      const rel = posix(path.relative(config.root, abs));
      if (isOutside(rel)) return !exclude(posix(abs));
      if (exclude(rel)) return false;
      return include ? include(rel) : true;
    },
  };
}

/**
 * The config of a directory (nested `.incident-lens.json` files: see core/config.ts ConfigResolver). The walk says
 * whether the directory's listing has a config file (saves a stat per directory).
 */
export type ConfigLookup = (dir: string, hasConfigFile?: boolean) => ResolvedConfig;

/**
 * Expands paths into files. Explicitly named files are always analysed (like an open editor); directories are
 * walked with the filter of each directory's config and every `.gitignore` on the way (root's and nested ones).
 */
export function discoverFiles(paths: string[], cwd: string, config: ResolvedConfig | ConfigLookup): Discovery {
  const configFor: ConfigLookup = typeof config === 'function' ? config : () => config;
  const filters = new Map<ResolvedConfig, FileFilter>();
  const filterFor = (dir: string, hasConfigFile?: boolean) => {
    const c = configFor(dir, hasConfigFile);
    let f = filters.get(c);
    if (!f) { f = createFilter(c); filters.set(c, f); }
    return f;
  };
  const files = new Set<string>();
  const explicit = new Set<string>();
  const missing: string[] = [];
  const notices: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try { st = fs.statSync(abs); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') missing.push(p);
      else notices.push(`${p}: skipped (${code === 'ELOOP' ? 'a symbolic link loop' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot be read: ${code ?? (e as Error).message}`})`);
      continue;
    }
    if (st.isFile()) { files.add(abs); explicit.add(abs); continue; }
    if (st.isDirectory()) {
      const root = configFor(abs).root;
      walk(abs, [...gitignoresAbove(root, notices), ...gitignoresBetween(root, abs, notices)], filterFor, files, abs, notices);
      continue;
    }
    notices.push(`${p}: skipped (not a regular file: ${st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'not a file'})`);
  }
  return { files: [...files].sort(), explicit, missing, notices: [...new Set(notices)] };
}

interface ScopedIgnore { dir: string; ig: Ignore }

/** Longest `.gitignore` line used; longer ones are skipped with a notice (git has no use for them either). */
export const MAX_GITIGNORE_LINE = 4096;

function readIgnore(dir: string, notices?: string[]): ScopedIgnore | undefined {
  const f = path.join(dir, '.gitignore');
  let text: string;
  try { text = fs.readFileSync(f, 'utf8'); } catch { return undefined; }
  return { dir, ig: parseGitignore(text, f, notices) };
}

/**
 * A `.gitignore` file as an Ignore; a line that cannot be used (over MAX_GITIGNORE_LINE characters, or a pattern
 * the matcher cannot compile: a 40,000-character line is "Regular expression too large") is skipped with a notice.
 */
export function parseGitignore(text: string, file: string, notices?: string[]): Ignore {
  const ig = ignore();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    let problem: string | undefined;
    if (line.length > MAX_GITIGNORE_LINE) problem = `longer than ${MAX_GITIGNORE_LINE} characters`;
    else {
      // the matcher compiles a line on first use: try it on its own first
      try { ignore().add(line).ignores('x'); } catch (e) { problem = (e as Error).message.split('\n')[0].slice(0, 120); }
    }
    if (problem) notices?.push(`${file}:${i + 1}: .gitignore line skipped (${problem})`);
    else ig.add(line);
  });
  return ig;
}

function gitignoresAbove(root: string, notices?: string[]): ScopedIgnore[] {
  const out: ScopedIgnore[] = [];
  // the repository's .gitignore files from the git root down to the config root
  let d = path.resolve(root);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(d);
    if (fs.existsSync(path.join(d, '.git')) || path.dirname(d) === d) break;
    d = path.dirname(d);
  }
  if (!fs.existsSync(path.join(chain[0], '.git'))) chain.splice(0, chain.length - 1);
  for (const dir of chain) { const s = readIgnore(dir, notices); if (s) out.push(s); }
  return out;
}

function gitignoresBetween(root: string, dir: string, notices?: string[]): ScopedIgnore[] {
  const rel = path.relative(root, dir);
  if (!rel || isOutside(rel)) return [];
  const out: ScopedIgnore[] = [];
  let d = root;
  for (const part of rel.split(path.sep).slice(0, -1)) {
    d = path.join(d, part);
    const s = readIgnore(d, notices); if (s) out.push(s);
  }
  return out;
}

function ignored(abs: string, isDir: boolean, ignores: ScopedIgnore[]): boolean {
  for (const { dir, ig } of ignores) {
    // abs is below dir (the walk joins names onto it): the relative path is a slice (path.relative per entry per
    // .gitignore cost more than the matching on big trees)
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    if (!abs.startsWith(prefix) || abs.length === prefix.length) continue;
    const rel = path.sep === '/' ? abs.slice(prefix.length) : abs.slice(prefix.length).split(path.sep).join('/');
    if (ig.ignores(rel + (isDir ? '/' : ''))) return true;
  }
  return false;
}

function walk(dir: string, ignores: ScopedIgnore[], filterFor: (dir: string, hasConfigFile?: boolean) => FileFilter, out: Set<string>, walkRoot: string, notices?: string[]): void {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  // the listing says whether there is a .gitignore / config file to read (no failed read or stat per directory)
  const has = (name: string) => entries.some(e => e.name === name && !e.isDirectory());
  const filter = filterFor(dir, has(CONFIG_FILE));
  const own = has('.gitignore') && !ignores.some(i => i.dir === dir) ? readIgnore(dir, notices) : undefined;
  const scoped = own ? [...ignores, own] : ignores;
  let raw: Buffer[] | undefined;
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    // a name that is not valid UTF-8 comes back with U+FFFD and cannot be opened by that name: say so
    if (e.name.includes('\uFFFD') && (e.isFile() || e.isDirectory()) && languageOrDir(e)) {
      raw ??= fs.readdirSync(dir, { encoding: 'buffer' });
      if (raw.some(b => b.toString('utf8') === e.name && !Buffer.from(e.name, 'utf8').equals(b))) {
        notices?.push(`${abs}: skipped (the file name is not valid UTF-8)`);
        continue;
      }
    }
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED_DIRS.has(e.name) || ignored(abs, true, scoped)) continue;
      walk(abs, scoped, filterFor, out, walkRoot, notices);
    } else if (e.isFile()) {
      // the filter first: it drops most entries by extension, before any .gitignore is consulted
      if (filter.accepts(abs, walkRoot) && !ignored(abs, false, scoped)) out.add(abs);
    }
  }
}

/** `999 bytes`, `2 KB`, `1 MB`, `1.1 MB` (decimal units, as the 1,000,000-byte default reads "1 MB"). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} byte${n === 1 ? '' : 's'}`;
  const [v, unit] = n < 1e6 ? [n / 1e3, 'KB'] : n < 1e9 ? [n / 1e6, 'MB'] : [n / 1e9, 'GB'];
  return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${unit}`;
}

function languageOrDir(e: fs.Dirent): boolean {
  return e.isDirectory() || !!languageForPath(e.name);
}

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

/** Reads a source file, refusing binary, non-UTF-8 and oversized files with a reason. */
export function readSourceFile(file: string, maxBytes: number): ReadResult {
  let buf: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.size > maxBytes) return { ok: false, reason: `larger than ${formatBytes(maxBytes)}: ${formatBytes(st.size)}` };
    buf = fs.readFileSync(file);
  } catch (e) {
    return { ok: false, reason: `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary file' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { ok: true, text: text.replace(/^\uFEFF/, '') };
  } catch {
    return { ok: false, reason: 'not valid UTF-8' };
  }
}

/**
 * Generated or minified code that is not named so (bundles, `@generated` files): skipped in directory scans
 * with a notice. A line over 1,000 characters with an average line over 300 means a bundle; `@generated` or
 * "auto-generated ... do not edit" in the first lines means a generated file.
 */
export function generatedReason(text: string): string | undefined {
  const head = text.slice(0, 1500);
  if (/@generated\b|auto-?generated[^\n]*do not edit|this file (is|was) (automatically )?generated/i.test(head)) return 'generated file';
  if (text.length > 5000) {
    let lines = 1, longest = 0, start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      longest = Math.max(longest, i - start);
      start = i + 1;
      lines++;
    }
    longest = Math.max(longest, text.length - start);
    if (longest > 1000 && text.length / lines > 300) return 'minified or bundled code';
  }
  return undefined;
}
