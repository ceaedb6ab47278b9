/** `sample-findings` (the seeded precision sample of a run) and `todo` (unlabelled samples). */
import * as fs from 'fs';
import * as path from 'path';
import { FAMILIES, HALVES, RUNS_DIR, SAMPLES_DIR, familyOf, loadRepos, readJsonl, table, writeJsonl, type Family, type Half } from './common';
import { findingId, findingKey, seededRank, thresholdFor, type RunFinding } from './measure';
import { THRESHOLDS_FILE, loadLabels, loadPrecisionSamples, loadRecallSamples, loadThresholds, type PrecisionSample, type Thresholds } from './labels';
import type { RunFile } from './run';

export const PRECISION_SEED = 'incident-lens-ecosystem-precision-v1';
export const PRECISION_PER_FAMILY_HALF = 13;

export function readRun(file?: string): RunFile {
  const f = path.resolve(file ?? path.join(RUNS_DIR, 'latest.json'));
  if (!fs.existsSync(f)) throw new Error(`no run file ${f}; run \`npm run ecosystem -- run\` first`);
  return JSON.parse(fs.readFileSync(f, 'utf8')) as RunFile;
}

export function halfOf(): Map<string, Half> { return new Map(loadRepos().repos.map(r => [r.repo, r.split])); }

/**
 * The findings of a run that fall in the precision sample: per family and half, those whose seeded rank of their key
 * is at most the stored threshold. The first call (no thresholds file) sets the thresholds from this run so that
 * PRECISION_PER_FAMILY_HALF findings per cell are sampled.
 */
export function sampledFindings(run: RunFile, th: Thresholds): (RunFinding & { family: Family; half: Half; rank: number })[] {
  const halves = halfOf();
  const out: (RunFinding & { family: Family; half: Half; rank: number })[] = [];
  const seen = new Set<string>();
  for (const f of run.findings) {
    const family = familyOf(f.ruleId), half = halves.get(f.repo);
    if (!family || !half) continue;
    const key = findingKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    const rank = seededRank(th.seed, key);
    if (rank <= (th.thresholds[family]?.[half] ?? 0)) out.push({ ...f, family, half, rank });
  }
  return out;
}

export function sampleFindings(runPath?: string): number {
  if (!runPath) throw new Error('sample-findings needs --run <run file>');
  const run = readRun(runPath);
  let th = loadThresholds();
  if (!th) {
    const halves = halfOf();
    const thresholds: Thresholds['thresholds'] = {};
    for (const fam of FAMILIES) {
      thresholds[fam] = {};
      for (const half of HALVES) {
        const keys = [...new Set(run.findings.filter(f => familyOf(f.ruleId) === fam && halves.get(f.repo) === half).map(findingKey))];
        thresholds[fam][half] = thresholdFor(keys, k => k, PRECISION_SEED, PRECISION_PER_FAMILY_HALF);
      }
    }
    th = {
      seed: PRECISION_SEED, perFamilyHalf: PRECISION_PER_FAMILY_HALF, setFrom: `${path.basename(runPath)} (${run.cli.describe})`, thresholds,
      how: 'a finding (key repo:path:line:ruleId) is in the precision sample when sha256(seed + NUL + key), read as a fraction of 2^52 from its first 13 hex digits, is <= the threshold of its family and half. The thresholds were set once, from the run named in setFrom, at the rank of the perFamilyHalf-th finding (1 = all when fewer); later runs reuse them, so a finding that persists stays sampled and new findings are sampled at the same rate.',
    };
    fs.mkdirSync(SAMPLES_DIR, { recursive: true });
    fs.writeFileSync(THRESHOLDS_FILE, JSON.stringify(th, null, 2) + '\n');
    process.stdout.write(`thresholds set from ${runPath}: ${THRESHOLDS_FILE}\n`);
  }
  const sampled = sampledFindings(run, th);
  for (const fam of FAMILIES) {
    const file = path.join(SAMPLES_DIR, `precision-${fam}.jsonl`);
    const existing = new Map(readJsonl<PrecisionSample>(file).map(r => [r.id, r]));
    let added = 0;
    for (const f of sampled.filter(x => x.family === fam)) {
      const id = findingId(f);
      if (existing.has(id)) continue;
      existing.set(id, {
        id, key: findingKey(f), repo: f.repo, commit: run.repos.find(r => r.repo === f.repo)?.commit ?? '', path: f.path, line: f.line, column: f.column,
        endLine: f.endLine, ruleId: f.ruleId, messageId: f.messageId, message: f.message, family: fam, half: f.half, rank: f.rank,
      });
      added++;
    }
    const rows = [...existing.values()].sort((a, b) => (a.half === b.half ? 0 : a.half === 'heldout' ? -1 : 1) || a.rank - b.rank);
    writeJsonl(file, rows);
    process.stdout.write(`samples/precision-${fam}.jsonl: ${rows.length} rows (${added} new; in this run: ${HALVES.map(h => `${h} ${sampled.filter(x => x.family === fam && x.half === h).length}`).join(', ')})\n`);
  }
  return 0;
}

/** `recall`: recall samples only — what a blind labeller may see (precision rows name the analyzer's findings). */
export function todo(o: { family?: string; half?: string; recall?: boolean; sample?: string }): number {
  const { byId, problems } = loadLabels();
  for (const p of problems) process.stderr.write(`labels: ${p}\n`);
  const rows: (string | number)[][] = [['id', 'kind', 'family', 'half', 'site', 'what']];
  let n = 0;
  const want = (fam: string, half: string) => (!o.family || o.family === fam) && (!o.half || o.half === half);
  const counts = new Map<string, { open: number; all: number }>();
  const count = (k: string, open: boolean) => { const c = counts.get(k) ?? { open: 0, all: 0 }; c.all++; if (open) c.open++; counts.set(k, c); };
  for (const s of loadRecallSamples({ extra: true })) {
    if (o.sample && (s.sample ?? 'main') !== o.sample) continue;
    count(`recall${s.sample ? `-${s.sample}` : ''} ${s.family} ${s.half}`, !byId.has(s.id));
    if (byId.has(s.id) || !want(s.family, s.half)) continue;
    rows.push([s.id, s.sample ? `recall-${s.sample}` : 'recall', s.family, s.half, `${s.repo}:${s.path}:${s.line}${s.endLine !== s.line ? `-${s.endLine}` : ''}`, s.kind]); n++;
  }
  for (const s of o.recall ? [] : loadPrecisionSamples()) {
    count(`precision ${s.family} ${s.half}`, !byId.has(s.id));
    if (byId.has(s.id) || !want(s.family, s.half)) continue;
    rows.push([s.id, 'precision', s.family, s.half, `${s.repo}:${s.path}:${s.line}`, s.ruleId]); n++;
  }
  if (n) process.stdout.write(table(rows, 99) + '\n\n');
  process.stdout.write(table([['sample', 'family', 'half', 'unlabelled', 'of'], ...[...counts].sort().map(([k, c]) => [...k.split(' '), c.open, c.all])], 3) + '\n');
  process.stdout.write(`\n${n} unlabelled${o.family || o.half ? ' (filtered)' : ''}; \`npm run ecosystem -- show <id>\` prints a site.\n`);
  return 0;
}
