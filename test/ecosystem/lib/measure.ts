/**
 * The pure parts of the ecosystem check, unit-tested in test/ecosystem/measure.test.ts: Wilson intervals, stable
 * hashes and seeded sampling, finding keys and run diffs, and the recall matching rule.
 */
import { createHash } from 'crypto';
import { familyOf, type Family, type Half } from './common';

// ---------------------------------------------------------------- statistics

/** 95% Wilson score interval for k successes out of n (z = 1.96). n = 0 gives [0, 1]. */
export function wilson(k: number, n: number, z = 1.959963984540054): { p: number; lo: number; hi: number } {
  if (n === 0) return { p: NaN, lo: 0, hi: 1 };
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return { p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

export function fmtRate(k: number, n: number): string {
  if (n === 0) return '–';
  const w = wilson(k, n);
  return `${w.p.toFixed(2)} [${w.lo.toFixed(2)}, ${w.hi.toFixed(2)}]`;
}

// ---------------------------------------------------------------- hashing and sampling

export function sha256(s: string): string { return createHash('sha256').update(s).digest('hex'); }

/** A short stable id (16 hex digits). */
export function stableId(parts: (string | number)[]): string { return sha256(parts.join('\u0000')).slice(0, 16); }

/** The rank of a key under a seed: a 52-bit number in [0, 1) from the seeded hash, so ranks are seed-dependent only. */
export function seededRank(seed: string, key: string): number {
  return parseInt(sha256(`${seed}\u0000${key}`).slice(0, 13), 16) / 2 ** 52;
}

/**
 * The `n` items with the smallest seeded rank, in rank order. Independent of input order; the same seed and keys
 * always give the same sample, and adding items can only push an item out by ranking below it.
 */
export function seededSample<T>(items: T[], key: (t: T) => string, seed: string, n: number): T[] {
  return items.map(t => ({ t, r: seededRank(seed, key(t)) })).sort((a, b) => a.r - b.r || (key(a.t) < key(b.t) ? -1 : 1)).slice(0, n).map(x => x.t);
}

/**
 * Threshold sampling for findings: an item is sampled when its seeded rank is <= threshold. The first sample sets the
 * threshold at the n-th smallest rank (1 when there are fewer than n items); later runs reuse the stored threshold,
 * so a finding that persists stays sampled and new findings are sampled at the same rate.
 */
export function thresholdFor<T>(items: T[], key: (t: T) => string, seed: string, n: number): number {
  if (items.length <= n) return 1;
  const ranks = items.map(t => seededRank(seed, key(t))).sort((a, b) => a - b);
  return ranks[n - 1];
}

// ---------------------------------------------------------------- findings

export interface RunFinding {
  repo: string; path: string; line: number; column: number; endLine: number; endColumn: number;
  ruleId: string; severity: string; messageId: string | null; message: string;
}

/**
 * A finding's key: repo, path, line and rule id (not the column or message: a rule change that rewords a message or
 * moves the range within the line keeps the finding and its judgement).
 */
export function findingKey(f: Pick<RunFinding, 'repo' | 'path' | 'line' | 'ruleId'>): string {
  return `${f.repo}:${f.path}:${f.line}:${f.ruleId}`;
}
export function findingId(f: Pick<RunFinding, 'repo' | 'path' | 'line' | 'ruleId'>): string { return stableId(['finding', findingKey(f)]); }

export interface RuleDiff { ruleId: string; added: RunFinding[]; gone: RunFinding[] }

/** New and gone findings per rule between two runs (by key, counting duplicates of a key). */
export function diffRuns(before: RunFinding[], after: RunFinding[]): RuleDiff[] {
  const count = (fs: RunFinding[]) => {
    const m = new Map<string, RunFinding[]>();
    for (const f of fs) { const k = findingKey(f); const a = m.get(k); if (a) a.push(f); else m.set(k, [f]); }
    return m;
  };
  const b = count(before), a = count(after);
  const rules = new Map<string, RuleDiff>();
  const get = (id: string) => { let d = rules.get(id); if (!d) rules.set(id, d = { ruleId: id, added: [], gone: [] }); return d; };
  for (const [k, fs] of a) { const n = b.get(k)?.length ?? 0; for (const f of fs.slice(n)) get(f.ruleId).added.push(f); }
  for (const [k, fs] of b) { const n = a.get(k)?.length ?? 0; for (const f of fs.slice(n)) get(f.ruleId).gone.push(f); }
  const order = (x: RunFinding, y: RunFinding) => x.repo.localeCompare(y.repo) || x.path.localeCompare(y.path) || x.line - y.line;
  for (const d of rules.values()) { d.added.sort(order); d.gone.sort(order); }
  return [...rules.values()].sort((x, y) => x.ruleId.localeCompare(y.ruleId));
}

// ---------------------------------------------------------------- recall matching

export interface Candidate {
  id: string; repo: string; commit: string; path: string; line: number; endLine: number;
  family: Family; kind: string; half: Half;
}

/**
 * The recall matching rule: a candidate counts as found when the run has a finding of the candidate's family in the
 * same repository and file whose (start) line lies within [candidate.line, candidate.endLine].
 */
export function isFound(c: Pick<Candidate, 'repo' | 'path' | 'line' | 'endLine' | 'family'>, index: FindingIndex): boolean {
  const fs = index.get(`${c.repo}:${c.path}`);
  return !!fs?.some(f => familyOf(f.ruleId) === c.family && f.line >= c.line && f.line <= c.endLine);
}

export type FindingIndex = Map<string, RunFinding[]>;
export function indexFindings(fs: RunFinding[]): FindingIndex {
  const m: FindingIndex = new Map();
  for (const f of fs) { const k = `${f.repo}:${f.path}`; const a = m.get(k); if (a) a.push(f); else m.set(k, [f]); }
  return m;
}
