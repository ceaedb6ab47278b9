/**
 * `incident-lens` CLI: a thin shell over the analysis core.
 *   incident-lens check [paths...] [--format pretty|json|sarif|github] [--fix] [--rule id] [--max-warnings N]
 *                      [--explain] [--report-unused-disable] [--config file] [--no-default-excludes]
 *   incident-lens kb search <query> | kb show <id> | kb export <dir>
 *   incident-lens rules
 * Exit codes: 0 clean, 1 findings at error level or over --max-warnings, 2 usage or config error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { allRules } from '../rules';
import { ConfigError, resolveConfig } from '../core/config';
import { discoverFiles } from '../core/files';
import { writeFixedFiles } from '../core/project';
import { analyzeProject } from '../project/analyze';
import { isFilePassWorker, serveFilePass } from '../project/workers';
import { ansi, formatGithub, formatPretty, formatSarif, plain, summaryLine, toJson } from './format';
import type { KnowledgeBase } from '../kb';
import { loadKnowledgeBase } from '../kb';
import { loadAllLanguages, syntaxProblem } from '../core/parser';
import { runKb, explainFinding } from './kb';
import type { Finding } from '../core/types';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  /** stdout is a terminal (colours); stderrTTY: progress. */
  isTTY: boolean;
  stderrTTY?: boolean;
  env?: Record<string, string | undefined>;
}

export const VERSION: string = (() => {
  for (const p of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try { const j = JSON.parse(fs.readFileSync(p, 'utf8')); if (j.name === 'incident-lens') return j.version as string; } catch { /* next */ }
  }
  return '0.0.0';
})();

const HELP = `incident-lens ${VERSION}: finds code patterns that caused real outages.

Usage:
  incident-lens check [paths...]       analyse files and directories (default: .)
  incident-lens kb search <query>      search incidents, patterns and rules
  incident-lens kb show <id>           read an entry in the terminal
  incident-lens rules                  list the rules

check options:
  -f, --format <pretty|json|sarif|github>   output format (default: pretty)
      --fix                                 apply safe fixes to the files
      --rule <id>                           only run this rule (repeatable, or comma-separated)
      --max-warnings <n>                    exit 1 when there are more than n warnings
      --explain                             print the linked incident under each finding
      --report-unused-disable               report suppression comments that suppress nothing
  -c, --config <file>                       config file (default: nearest .incident-lens.json)
      --no-default-excludes                 also scan tests, fixtures, dist, build, minified files
  -q, --quiet                               report errors only

Exit codes: 0 clean, 1 error-level findings or too many warnings, 2 usage or config error.`;

class UsageError extends Error {}

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { io.stdout(HELP + '\n'); return cmd ? 0 : 2; }
    if (cmd === '--version' || cmd === '-v') { io.stdout(VERSION + '\n'); return 0; }
    if (cmd === 'check') return await check(rest, io);
    if (cmd === 'kb') return await runKb(rest, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, isTTY: io.isTTY });
    if (cmd === 'rules') {
      for (const r of allRules) io.stdout(`${r.meta.id.padEnd(24)} ${r.meta.defaultSeverity.padEnd(8)} ${r.meta.title}\n`);
      return 0;
    }
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (e) {
    if (e instanceof UsageError) { io.stderr(`incident-lens: ${e.message}\nRun \`incident-lens --help\` for usage.\n`); return 2; }
    if (e instanceof ConfigError) { io.stderr(`incident-lens: ${e.message}\n`); return 2; }
    throw e;
  }
}

async function check(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        format: { type: 'string', short: 'f', default: 'pretty' },
        fix: { type: 'boolean', default: false },
        rule: { type: 'string', multiple: true },
        'max-warnings': { type: 'string' },
        explain: { type: 'boolean', default: false },
        'report-unused-disable': { type: 'boolean', default: false },
        config: { type: 'string', short: 'c' },
        'no-default-excludes': { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        color: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const o = parsed.values;
  const format = o.format as string;
  if (!['pretty', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`unknown --format "${format}" (pretty, json, sarif, github)`);
  let maxWarnings = -1;
  if (o['max-warnings'] !== undefined) {
    if (!/^\d+$/.test(o['max-warnings'])) throw new UsageError(`--max-warnings takes a whole number (got "${o['max-warnings']}")`);
    maxWarnings = Number(o['max-warnings']);
  }
  const knownIds = allRules.map(r => r.meta.id);
  const only = (o.rule ?? []).flatMap(r => r.split(',')).map(r => r.trim()).filter(Boolean);
  for (const r of only) if (!knownIds.includes(r)) throw new UsageError(`unknown rule "${r}" (known: ${knownIds.join(', ')})`);
  const rules = only.length ? allRules.filter(r => only.includes(r.meta.id)) : allRules;

  const config = resolveConfig(io.cwd, knownIds, o.config ? path.resolve(io.cwd, o.config) : undefined);
  if (o['no-default-excludes']) config.defaultExcludes = false;
  const paths = parsed.positionals.length ? parsed.positionals : ['.'];
  const { files, missing, explicit } = discoverFiles(paths, io.cwd, config);
  if (missing.length) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);

  const progress = io.stderrTTY && files.length > 50;
  const t0 = performance.now();
  const result = await analyzeProject(files, {
    config, rules, fix: o.fix, reportUnusedDirectives: o['report-unused-disable'], explicit,
    // big runs use both cores: worker threads run this same module (see the end of this file)
    workers: { entry: __filename, threads: io.env?.INCIDENT_LENS_THREADS ? Number(io.env.INCIDENT_LENS_THREADS) : undefined },
    onProgress: progress ? (done, total) => { if (done % 25 === 0 || done === total) io.stderr(`\r\x1b[2Kincident-lens: ${done}/${total} files`); } : undefined,
  });
  if (progress) io.stderr('\r\x1b[2K');
  for (const n of result.notices) io.stderr(`incident-lens: ${n.startsWith('/') ? path.relative(io.cwd, n.split(': ')[0]) + ': ' + n.split(': ').slice(1).join(': ') : n}\n`);
  if (o.fix) {
    const n = writeFixedFiles(result);
    if (n) io.stderr(`incident-lens: fixed ${n} file${n === 1 ? '' : 's'}\n`);
  }
  let results = result.files.map(r => ({ file: r.file, text: r.text, findings: r.findings }));
  if (o.quiet) results = results.map(r => ({ ...r, findings: r.findings.filter(f => f.severity === 'error') }));

  // team postmortems' code blocks are syntax-checked: have every grammar ready before the (sync) KB load
  if (fs.existsSync(path.resolve(config.root, config.incidentsDir))) await loadAllLanguages();
  let kb: KnowledgeBase | undefined;
  const kbGet = (id: string) => {
    if (kb === undefined) {
      try { kb = loadKnowledgeBase({ extraDirs: [path.resolve(config.root, config.incidentsDir)].filter(d => fs.existsSync(d)), checkCode: syntaxProblem }); }
      catch (e) { io.stderr(`incident-lens: knowledge base unavailable (${(e as Error).message})\n`); kb = null as unknown as KnowledgeBase; }
    }
    return kb ? kb.get(id) : undefined;
  };

  if (format === 'json') io.stdout(JSON.stringify(toJson(results, io.cwd), null, 2) + '\n');
  else if (format === 'github') { const t = formatGithub(results, io.cwd); if (t) io.stdout(t + '\n'); }
  else if (format === 'sarif') {
    const ruleDoc = (id: string) => kbGet(id)?.body;
    io.stdout(JSON.stringify(formatSarif(results, { cwd: io.cwd, version: VERSION, rules: rules.map(r => r.meta), ruleDoc, kbGet }), null, 2) + '\n');
  } else {
    const color = o.color ?? (io.isTTY && !io.env?.NO_COLOR);
    const style = color ? ansi : plain;
    const explain = o.explain ? (f: Finding) => { kbGet(''); return kb ? explainFinding(kb, f.incidents, f.patterns) : undefined; } : undefined;
    const text = formatPretty(results, { cwd: io.cwd, style, kbGet, explain });
    if (text.trim()) io.stdout(text + '\n');
    io.stdout(summaryLine(results, files.length, style) + '\n');
    if (io.stderrTTY) io.stderr(`incident-lens: analysed ${files.length} files in ${Math.round(performance.now() - t0)} ms\n`);
  }
  const all = results.flatMap(r => r.findings);
  const errors = all.filter(f => f.severity === 'error').length;
  const warnings = all.filter(f => f.severity === 'warning').length;
  if (maxWarnings >= 0 && warnings > maxWarnings && format === 'pretty') io.stdout(`incident-lens found too many warnings (maximum: ${maxWarnings}).\n`);
  return errors > 0 || (maxWarnings >= 0 && warnings > maxWarnings) ? 1 : 0;
}

// a file-pass worker thread started by analyzeProject (src/project/workers.ts) runs this module too
if (isFilePassWorker()) serveFilePass(allRules);

if (require.main === module && !isFilePassWorker()) {
  main(process.argv.slice(2), {
    stdout: s => process.stdout.write(s), stderr: s => process.stderr.write(s), cwd: process.cwd(),
    isTTY: !!process.stdout.isTTY, stderrTTY: !!process.stderr.isTTY, env: process.env,
  }).then(code => { process.exitCode = code; }, e => { process.stderr.write(`incident-lens: internal error: ${(e as Error).stack ?? e}\n`); process.exitCode = 2; });
}
