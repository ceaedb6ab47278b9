/**
 * `report [--run file] [--readme]`: precision and recall per family and half (held-out first), 95% Wilson intervals.
 *   precision = tp / (tp + fp) over the judged findings of the run that fall in the precision sample;
 *   recall    = found / flag-labelled recall candidates, where a candidate is found when the run has a finding of its
 *               family in the same file whose line is within [candidate.line, candidate.endLine].
 */
import * as fs from 'fs';
import * as path from 'path';
import { FAMILIES, HALVES, PROJECT_ROOT, RUNS_DIR, loadRepos, roundOf, table, type Family, type Half } from './common';
import { RECALL_PER_FAMILY_HALF } from './candidates';
import { findingId, fmtRate, indexFindings, isFound, wilson } from './measure';
import { loadLabels, loadRecallSamples, loadThresholds } from './labels';
import { readRun, sampledFindings } from './samples';

export interface Cell {
  family: Family; half: Half;
  tp: number; fp: number; unjudged: { id: string; site: string; ruleId: string }[];
  flagged: number; found: number; noFlag: number; noFlagFound: number; unlabelled: number;
}

export function computeReport(runFile?: string): { cells: Cell[]; runName: string; describe: string; problems: string[] } {
  const run = readRun(runFile);
  const { byId, problems } = loadLabels();
  const th = loadThresholds();
  const index = indexFindings(run.findings);
  const inRun = new Set(run.repos.map(r => r.repo));
  const recall = loadRecallSamples().filter(s => inRun.has(s.repo));
  const sampled = th ? sampledFindings(run, th) : [];
  const cells: Cell[] = [];
  for (const half of HALVES) {
    for (const family of FAMILIES) {
      const c: Cell = { family, half, tp: 0, fp: 0, unjudged: [], flagged: 0, found: 0, noFlag: 0, noFlagFound: 0, unlabelled: 0 };
      for (const f of sampled.filter(x => x.family === family && x.half === half)) {
        const l = byId.get(findingId(f));
        if (l?.label === 'tp') c.tp++;
        else if (l?.label === 'fp') c.fp++;
        else c.unjudged.push({ id: findingId(f), site: `${f.repo}:${f.path}:${f.line}`, ruleId: f.ruleId });
      }
      for (const s of recall.filter(x => x.family === family && x.half === half)) {
        const l = byId.get(s.id);
        if (!l) { c.unlabelled++; continue; }
        const found = isFound(s, index);
        if (l.label === 'flag') { c.flagged++; if (found) c.found++; }
        else if (l.label === 'no-flag') { c.noFlag++; if (found) c.noFlagFound++; }
      }
      cells.push(c);
    }
  }
  return { cells, runName: path.basename(runFile ?? path.join(RUNS_DIR, 'latest.json')), describe: run.cli.describe, problems };
}

export function renderTable(cells: Cell[], markdown: boolean): string {
  const head = ['half', 'family', 'precision [95% CI]', 'tp/judged', 'unjudged', 'recall [95% CI]', 'found/flag', 'unlabelled'];
  const rows = cells.map(c => [c.half, c.family, fmtRate(c.tp, c.tp + c.fp), `${c.tp}/${c.tp + c.fp}`, c.unjudged.length, fmtRate(c.found, c.flagged), `${c.found}/${c.flagged}`, c.unlabelled]);
  if (!markdown) return table([head, ...rows], 2);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map(r => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * The extended TUNING recall sample (samples/recall-extra-*.jsonl, `extra-samples`): per family, found / flag over
 * its labelled candidates, and the flag-labelled tuning candidates (main + extended) the run misses. Tuners' evidence;
 * never part of the README table, and held-out candidates are never listed.
 */
export function tuningExtra(runFile?: string, sample: 'extra' | 'r2' = 'extra'): { rows: { family: Family; flagged: number; found: number; noFlag: number; unlabelled: number }[]; misses: { id: string; family: Family; site: string; kind: string; sample: string }[] } {
  const run = readRun(runFile);
  const { byId } = loadLabels();
  const index = indexFindings(run.findings);
  const inRun = new Set(run.repos.map(r => r.repo));
  const all = loadRecallSamples({ extra: true }).filter(s => s.half === 'tuning' && inRun.has(s.repo));
  const rows = FAMILIES.map(family => {
    const r = { family, flagged: 0, found: 0, noFlag: 0, unlabelled: 0 };
    for (const s of all.filter(x => x.family === family && x.sample === sample)) {
      const l = byId.get(s.id);
      if (!l) r.unlabelled++;
      else if (l.label === 'flag') { r.flagged++; if (isFound(s, index)) r.found++; }
      else r.noFlag++;
    }
    return r;
  });
  const misses = all.filter(s => byId.get(s.id)?.label === 'flag' && !isFound(s, index))
    .map(s => ({ id: s.id, family: s.family, site: `${s.repo}:${s.path}:${s.line}${s.endLine !== s.line ? `-${s.endLine}` : ''}`, kind: s.kind, sample: s.sample ?? 'main' }));
  return { rows, misses };
}

/**
 * Held-out recall over the main sample plus the extended held-out sample (samples/recall-xh-*.jsonl, seeded ranks
 * 41.., labelled blind by labellers who do not tune): counts only, never sites. The main 40 stay the README's figure.
 */
export function heldoutWide(runFile?: string): { family: Family; flagged: number; found: number; unlabelled: number; extended: number }[] {
  const run = readRun(runFile);
  const { byId } = loadLabels();
  const index = indexFindings(run.findings);
  const inRun = new Set(run.repos.map(r => r.repo));
  const all = loadRecallSamples({ extra: true }).filter(s => s.half === 'heldout' && (!s.sample || s.sample === 'xh') && inRun.has(s.repo));
  return FAMILIES.map(family => {
    const r = { family, flagged: 0, found: 0, unlabelled: 0, extended: 0 };
    for (const s of all.filter(x => x.family === family)) {
      if (s.sample === 'xh') r.extended++;
      const l = byId.get(s.id);
      if (!l) r.unlabelled++;
      else if (l.label === 'flag') { r.flagged++; if (isFound(s, index)) r.found++; }
    }
    return r;
  });
}

export function report(o: { run?: string; readme: boolean; misses?: boolean }): number {
  const { cells, runName, describe, problems } = computeReport(o.run);
  for (const p of problems) process.stderr.write(`labels: ${p}\n`);
  process.stdout.write(`ecosystem report for ${runName} (${describe}); held-out first\n\n${renderTable(cells, false)}\n`);
  const unjudged = cells.flatMap(c => c.unjudged.map(u => ({ ...u, family: c.family, half: c.half })));
  if (unjudged.length) {
    // Held-out sites are not printed here (tuners read this output); the labeller lists them with `todo`.
    const held = unjudged.filter(u => u.half === 'heldout');
    process.stdout.write(`\nunjudged sampled findings (${unjudged.length}; judge them: \`npm run ecosystem -- sample-findings --run <this run>\`, then \`todo\`):\n`);
    for (const u of unjudged.filter(x => x.half === 'tuning')) process.stdout.write(`  ${u.id}  ${u.half.padEnd(7)} ${u.ruleId.padEnd(24)} ${u.site}\n`);
    if (held.length) process.stdout.write(`  + ${held.length} held-out (${FAMILIES.map(f => `${f} ${held.filter(u => u.family === f).length}`).join(', ')}): sites only in \`todo\`\n`);
  }
  const wide = heldoutWide(o.run);
  if (wide.some(r => r.extended)) {
    process.stdout.write(`\nheld-out recall over the main + extended held-out sample (counts only):\n${table([['family', 'recall', 'found/flag', 'candidates (extended)', 'unlabelled'], ...wide.map(r => [r.family, fmtRate(r.found, r.flagged), `${r.found}/${r.flagged}`, `${r.extended + 40} (${r.extended})`, r.unlabelled])], 1)}\n`);
  }
  const ex = tuningExtra(o.run);
  if (ex.rows.some(r => r.flagged + r.noFlag + r.unlabelled)) {
    process.stdout.write(`\nextended tuning recall sample (tuners' evidence, not in the README table):\n${table([['family', 'recall', 'found/flag', 'no-flag', 'unlabelled'], ...ex.rows.map(r => [r.family, fmtRate(r.found, r.flagged), `${r.found}/${r.flagged}`, r.noFlag, r.unlabelled])], 1)}\n`);
  }
  const r2 = tuningExtra(o.run, 'r2');
  if (r2.rows.some(r => r.flagged + r.noFlag + r.unlabelled)) {
    process.stdout.write(`\nround-2 tuning repositories' recall sample (tuners' evidence, not in the README table):\n${table([['family', 'recall', 'found/flag', 'no-flag', 'unlabelled'], ...r2.rows.map(r => [r.family, fmtRate(r.found, r.flagged), `${r.found}/${r.flagged}`, r.noFlag, r.unlabelled])], 1)}\n`);
  }
  if (o.misses) {
    process.stdout.write(`\ntuning recall candidates labelled flag that the run misses (${ex.misses.length}):\n`);
    for (const m of ex.misses) process.stdout.write(`  ${m.id}  ${m.family.padEnd(10)} ${m.sample.padEnd(5)} ${m.kind.padEnd(22)} ${m.site}\n`);
  }
  const noFlagFound = cells.filter(c => c.noFlagFound);
  if (noFlagFound.length) process.stdout.write(`\nrecall candidates labelled no-flag that the run flags (in-span): ${noFlagFound.map(c => `${c.half}/${c.family} ${c.noFlagFound}/${c.noFlag}`).join(', ')}\n`);
  if (o.readme) {
    const all = loadRepos().repos, inRun = new Set(readRun(o.run).repos.map(r => r.repo));
    const run = all.filter(r => inRun.has(r.repo));
    writeReadme(cells, runName, describe, undefined, wide, { round1: run.filter(r => roundOf(r) === 1).length, round2: run.filter(r => roundOf(r) === 2).length });
  }
  return 0;
}

export const README_START = '<!-- ecosystem:start -->';
export const README_END = '<!-- ecosystem:end -->';

export function writeReadme(cells: Cell[], runName: string, describe: string, file = path.join(PROJECT_ROOT, 'README.md'), wide: ReturnType<typeof heldoutWide> = [], repos = { round1: 19, round2: 0 }): void {
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(README_START), b = text.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${README_START} ... ${README_END} markers`);
  const labelled = cells.reduce((n, c) => n + c.tp + c.fp + c.flagged + c.noFlag, 0);
  const body = [
    README_START,
    `Generated by \`npm run ecosystem -- report --run ${runName} --readme\` (analyzer: ${describe.replace(/\|/g, '/')}). ` +
    `${repos.round1} open-source TypeScript back ends (test/ecosystem/repos.json), split before labelling into a tuning half and a held-out half (held-out first)` +
    (repos.round2 ? `, plus ${repos.round2} repositories added later to the tuning half only (round 2; their findings count in the tuning precision, their recall sample is the tuners' and not in this table). ` : '. ') +
    `Precision: a seeded, hash-ranked sample of the analyzer's own findings, judged tp/fp. Recall: a seeded sample of candidates enumerated by a syntax-only generator that does not use the analyzer, labelled flag/no-flag by reading the code against RULES v2; a candidate counts as found when the run has a finding of its family in the same file within the candidate's span. ` +
    `${labelled} labelled sites; intervals are 95% Wilson. See test/ecosystem/README.md.`,
    '',
    renderTable(cells, true),
    ...(wide.some(r => r.extended) ? [
      '',
      `Held-out recall over a larger sample: the main held-out sample above plus the next held-out candidates by seeded rank (${wide.map(r => `${r.family} ${r.extended}`).join(', ')}), labelled blind by labellers who do not tune:`,
      '',
      '| family | held-out recall, main + extended [95% CI] | found/flag | candidates | unlabelled |',
      '|---|---|---|---|---|',
      ...wide.map(r => `| ${r.family} | ${fmtRate(r.found, r.flagged)} | ${r.found}/${r.flagged} | ${r.extended + RECALL_PER_FAMILY_HALF} | ${r.unlabelled} |`),
    ] : []),
    README_END,
  ].join('\n');
  fs.writeFileSync(file, text.slice(0, a) + body + text.slice(b + README_END.length));
  process.stdout.write(`README.md: table rewritten between the ecosystem markers\n`);
  void wilson;
}
