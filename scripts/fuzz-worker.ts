/**
 * The child process of `npm run fuzz` (scripts/fuzz.ts): analyses the inputs it is sent, one at a time, the way the
 * CLI does (file pass + project pass over one file; `--fix` for some; team postmortems through the knowledge-base
 * loader), and reports each outcome with its CPU and wall time. The parent kills it when an input runs over the time
 * limit; a crash of this process is a finding too.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../src/core/config';
import { analyzeProject } from '../src/project/analyze';
import { allRules } from '../src/rules';
import { loadAllLanguages, parserRestarts, syntaxProblem } from '../src/core/parser';
import { loadKnowledgeBase, precheckTeamCode } from '../src/kb/load';

export interface FuzzInput { id: number; kind: 'code' | 'kb'; ext: string; text: string; fix: boolean; label: string }
export interface FuzzOutcome {
  id: number;
  cpuMs: number;
  wallMs: number;
  /** Uncaught errors and rule crashes: bugs. */
  crash?: string;
  /** Handled: a file skipped after a parser crash, a rule over its budget, a postmortem rejected. */
  notices: string[];
  findings: number;
  restarts: number;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-fuzz-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

async function analyseCode(input: FuzzInput): Promise<Omit<FuzzOutcome, 'id' | 'cpuMs' | 'wallMs' | 'restarts'>> {
  const file = path.join(dir, `input${input.ext}`);
  const config = defaultConfig(dir);
  const r = await analyzeProject([file], { config, rules: allRules, texts: { [file]: input.text }, explicit: new Set([file]), fix: input.fix });
  // a rule that threw (the framework contains it, but it is a bug); a file skipped after a parser crash is handled
  const crashes = r.notices.filter(n => /(^|: )rule \S+ crashed /.test(n));
  return { crash: crashes.length ? crashes.join('\n') : undefined, notices: r.notices, findings: r.files.reduce((n, f) => n + f.findings.length, 0) };
}

async function analyseKb(input: FuzzInput): Promise<Omit<FuzzOutcome, 'id' | 'cpuMs' | 'wallMs' | 'restarts'>> {
  const team = path.join(dir, '.incidents');
  fs.rmSync(team, { recursive: true, force: true });
  fs.mkdirSync(team);
  fs.writeFileSync(path.join(team, 'fuzzed.md'), input.text);
  const checkCode = await precheckTeamCode([team], async (code, lang) => { await loadAllLanguages(); return syntaxProblem(code, lang); });
  const kb = loadKnowledgeBase({ extraDirs: [team], checkCode });
  const words = input.text.match(/[A-Za-z]{4,}/g)?.slice(0, 3) ?? ['timeout'];
  let findings = 0;
  for (const w of words) findings += kb.search(w).length;
  for (const e of kb.all()) if (e.origin === 'team') kb.render(e.id);
  if (!kb.get('aws-ebs-2011') && !kb.all().some(e => e.origin !== 'team')) return { crash: 'the bundled entries are gone', notices: [], findings };
  return { notices: kb.errors.map(e => e.problem), findings };
}

process.on('message', (input: FuzzInput) => {
  void (async () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let outcome: Omit<FuzzOutcome, 'id' | 'cpuMs' | 'wallMs' | 'restarts'>;
    try {
      outcome = input.kind === 'kb' ? await analyseKb(input) : await analyseCode(input);
    } catch (e) {
      outcome = { crash: `uncaught: ${(e as Error)?.stack ?? String(e)}`, notices: [], findings: 0 };
    }
    const cpu = process.cpuUsage(cpu0);
    const result: FuzzOutcome = { id: input.id, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, restarts: parserRestarts(), ...outcome };
    process.send!(result);
  })();
});

void loadAllLanguages().then(() => process.send!({ ready: true }));
