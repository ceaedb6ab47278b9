/**
 * Shared bits of the ecosystem check (issue 12): where things live, the repository list, rule families, halves.
 * Nothing here touches the network; the repositories come from /work/.mirror (the search tool's fetch).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ECO_DIR = path.resolve(__dirname, '..');
export const PROJECT_ROOT = path.resolve(ECO_DIR, '..', '..');
export const CACHE = process.env.INCIDENT_LENS_ECOSYSTEM_CACHE ?? path.join(os.homedir(), '.cache', 'incident-lens-ecosystem');
export const REPOS_DIR = path.join(CACHE, 'repos');
export const RUNS_DIR = path.join(CACHE, 'runs');
export const FILES_DIR = path.join(CACHE, 'files');
export const BASELINE_CLI = path.join(CACHE, 'baseline-cli');
export const BASELINE_COMMIT = '07cdb9c';
export const SAMPLES_DIR = path.join(ECO_DIR, 'samples');
export const LABELS_FILE = path.join(ECO_DIR, 'labels.jsonl');
export const CANDIDATES_FILE = path.join(CACHE, 'candidates.jsonl');

export type Half = 'tuning' | 'heldout';
export const HALVES: Half[] = ['heldout', 'tuning'];
export type Family = 'timeout' | 'retry' | 'handlers' | 'wall-clock';
export const FAMILIES: Family[] = ['timeout', 'retry', 'handlers', 'wall-clock'];

export const RULE_FAMILY: Record<string, Family> = {
  'missing-timeout': 'timeout',
  'retry-without-backoff': 'retry',
  'retry-without-jitter': 'retry',
  'non-idempotent-handler': 'handlers',
  'wall-clock-ordering': 'wall-clock',
};
export function familyOf(ruleId: string): Family | undefined { return RULE_FAMILY[ruleId]; }

export interface RepoEntry {
  repo: string;
  commit: string;
  mirror: string;
  split: Half;
  added?: string;
  /** Absent = round 1 (the repositories the split was drawn over). Round 2: tuning-only additions with their own recall sample. */
  round?: number;
  dirs: string[];
  why: string;
}
export interface ReposFile { repos: RepoEntry[]; dropped: { repo: string; reason: string }[] }

/** The repositories whose candidates make up the round-1 samples (recall-<family>, recall-extra-<family>). */
export function roundOf(r: { round?: number }): number { return r.round ?? 1; }

export function loadRepos(file = path.join(ECO_DIR, 'repos.json')): ReposFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ReposFile;
}

/** owner/name -> owner+name (the mirror's and the checkout's directory name). */
export function slug(repo: string): string { return repo.replace('/', '+'); }
export function checkoutDir(repo: string): string { return path.join(REPOS_DIR, slug(repo)); }
/** The short name people type in --repos (the part after the slash), or the full owner/name. */
export function repoMatches(r: RepoEntry, names: string[]): boolean {
  return names.some(n => n === r.repo || n === r.repo.split('/')[1] || n === slug(r.repo));
}

/**
 * Expands a repos.json dirs list against a checkout: a `*` path segment matches every directory at that level
 * (sorted); plain entries are kept when they exist. Returns paths relative to the checkout root.
 */
export function expandDirs(root: string, dirs: string[]): { paths: string[]; missing: string[] } {
  const out: string[] = [];
  const missing: string[] = [];
  for (const d of dirs) {
    if (!d.includes('*')) {
      if (fs.existsSync(path.join(root, d))) out.push(d); else missing.push(d);
      continue;
    }
    let level = [''];
    for (const seg of d.split('/')) {
      const next: string[] = [];
      for (const base of level) {
        if (seg === '*') {
          let entries: fs.Dirent[] = [];
          try { entries = fs.readdirSync(path.join(root, base), { withFileTypes: true }); } catch { /* none */ }
          for (const e of entries.filter(x => x.isDirectory()).map(x => x.name).sort()) next.push(base ? `${base}/${e}` : e);
        } else {
          const p = base ? `${base}/${seg}` : seg;
          if (fs.existsSync(path.join(root, p))) next.push(p);
        }
      }
      level = next;
    }
    if (!level.length) missing.push(d);
    out.push(...level);
  }
  return { paths: [...new Set(out)], missing };
}

export function readJsonl<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(l => l.trim()).map((l, i) => {
    try { return JSON.parse(l) as T; } catch (e) { throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`); }
  });
}

export function writeJsonl(file: string, rows: unknown[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, rows.map(r => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

export function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

/** A plain text table (first row = header). */
export function table(rows: (string | number)[][], rightFrom = 1): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => String(r[i] ?? '').length)));
  return rows.map(r => r.map((c, i) => pad(c ?? '', widths[i], i >= rightFrom)).join('  ').trimEnd()).join('\n');
}
