/**
 * `npm run ecosystem -- <command>`: the ecosystem check (issue 12). See test/ecosystem/README.md.
 *   setup [--repos a,b]                      check the repositories out of /work/.mirror (no network)
 *   setup-baseline                           the "before" analyzer (commit 07cdb9c) at ~/.cache/incident-lens-ecosystem/baseline-cli
 *   run [--repos a,b] [--half h] [--cli dir] [--out file] [--baseline file]
 *   candidates                               enumerate recall candidates (no analyzer) and write the seeded samples
 *   sample-findings --run file               the seeded precision sample of a run's findings
 *   show <id|sample file> [--context N]      print sites for labelling
 *   todo                                     list unlabelled samples
 *   extra-samples [--n N] [--round 2]        the extended tuning recall sample / the round-2 repositories' sample (tuners only)
 *   report [--run file] [--readme] [--misses] precision / recall per family and half, held-out first
 */
import { parseArgs } from 'util';

const HELP = `usage: npm run ecosystem -- <command> [options]
  setup [--repos a,b]
  setup-baseline
  run [--repos a,b] [--half tuning|heldout] [--cli <incident-lens checkout>] [--out <file>] [--baseline <run file>] [--show-heldout]
  candidates [--repos a,b] [--no-samples]
  sample-findings --run <run file>
  show <candidate-or-finding id | sample file> [--context N] [--all]
  todo [--family f] [--half h] [--recall] [--sample main|extra|r2|xh]   --recall: recall samples only (blind labelling)
  extra-samples [--n 60]          the extended TUNING recall sample (seeded ranks 41..40+n), for tuners
  extra-samples --round 2 [--n 60]  the round-2 (tuning-only) repositories' recall sample (seeded ranks 1..n)
  extra-samples --half heldout [--n 60]  the extended HELD-OUT recall sample (seeded ranks 41..40+n; measuring only, labellers only)
  report [--run <run file>] [--readme] [--misses]   --misses: flag-labelled tuning candidates the run misses
  check-scope [--repos a,b]       default excludes / .gitignore / size limits on the whole checkouts`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { values: o, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: {
      repos: { type: 'string' }, half: { type: 'string' }, cli: { type: 'string' }, out: { type: 'string' },
      baseline: { type: 'string' }, run: { type: 'string' }, context: { type: 'string' }, readme: { type: 'boolean' },
      family: { type: 'string' }, all: { type: 'boolean' }, 'no-samples': { type: 'boolean' }, misses: { type: 'boolean' }, 'show-heldout': { type: 'boolean' },
      n: { type: 'string' }, round: { type: 'string' }, recall: { type: 'boolean' }, sample: { type: 'string' },
    },
  });
  const repos = o.repos ? o.repos.split(',').map(s => s.trim()).filter(Boolean) : [];
  if (o.half && o.half !== 'tuning' && o.half !== 'heldout') throw new Error(`--half is tuning or heldout (got ${o.half})`);
  switch (cmd) {
    case 'setup': return (await import('./lib/setup')).setup(repos);
    case 'setup-baseline': return (await import('./lib/setup')).setupBaseline();
    case 'run': return (await import('./lib/run')).run({ repos, half: o.half as never, cli: o.cli, out: o.out, baseline: o.baseline, showHeldout: !!o['show-heldout'] });
    case 'candidates': return (await import('./lib/candidates')).candidatesCommand({ repos, samples: !o['no-samples'] });
    case 'sample-findings': return (await import('./lib/samples')).sampleFindings(o.run);
    case 'show': return (await import('./lib/show')).show(positionals, { context: o.context ? Number(o.context) : undefined, all: !!o.all });
    case 'todo': return (await import('./lib/samples')).todo({ family: o.family, half: o.half, recall: !!o.recall, sample: o.sample });
    case 'report': return (await import('./lib/report')).report({ run: o.run, readme: !!o.readme, misses: !!o.misses });
    case 'extra-samples': return (await import('./lib/candidates')).extraSamplesCommand({ n: o.n ? Number(o.n) : undefined, round: o.round ? Number(o.round) : undefined, half: o.half as never });
    case 'check-scope': return (await import('./lib/scope')).checkScope(repos);
    default: process.stdout.write(HELP + '\n'); return cmd ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; }, e => {
  process.stderr.write(`ecosystem: ${(e as Error).message}\n`);
  process.exitCode = 2;
});
