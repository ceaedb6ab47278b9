/**
 * `incident-lens` CLI: a thin shell over the analysis core.
 *   incident-lens check [paths...] [options]   (see CHECK_OPTIONS, or `incident-lens check --help`)
 *   incident-lens init [--baseline [file]] [--force]
 *   incident-lens kb search <query> | kb show <id> | kb export <dir>
 *   incident-lens rules
 * Exit codes: 0 clean, 1 findings at error level or over --max-warnings, 2 usage or config error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../rules';
import { ConfigError, configErrorOf, resolverFor } from '../core/config';
import { discoverFiles } from '../core/files';
import { writeFixedFiles } from '../core/project';
import { analyzeProject } from '../project/analyze';
import { isFilePassWorker, serveFilePass } from '../project/workers';
import { DEFAULT_CACHE_FILE, FileResultCache, engineFingerprint } from '../core/cache';
import {
  ansi, formatGithub, formatPretty, formatSarif, plain, plural, relPath, repositoryDocs, summarize, summaryLine, toJson, toJsonWithSummary,
  type FileFindings, type RepositoryDocs,
} from './format';
import type { KnowledgeBase } from '../kb';
import { loadKnowledgeBase } from '../kb';
import { runKb, explainFinding, teamCodeCheck } from './kb';
import type { Finding } from '../core/types';
import { UsageError, optionsHelp, parseCommandArgs, type OptionSpec } from './args';
import { BaselineError, DEFAULT_BASELINE_FILE, applyBaseline, readBaseline, updatedBaseline, writeBaseline, type BaselineFile } from './baseline';
import { GitError, changedFiles, type ChangedMode } from './git';
import { writeConfigFile } from './init';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  /** stdout is a terminal (colours); stderrTTY: progress. */
  isTTY: boolean;
  stderrTTY?: boolean;
  env?: Record<string, string | undefined>;
  /** Reads all of standard input (`--stdin`); default: process.stdin. */
  readStdin?: () => Promise<string>;
}

interface PackageJson { name?: string; version?: string; repository?: unknown }

/** This installation's package.json and its directory (the bundle is in dist/, the sources in src/cli/). */
const PACKAGE: { json: PackageJson; dir?: string } = (() => {
  for (const dir of [path.join(__dirname, '..'), path.join(__dirname, '..', '..')]) {
    try { const j = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson; if (j.name === 'incident-lens') return { json: j, dir }; } catch { /* next */ }
  }
  return { json: {} };
})();

export const VERSION: string = PACKAGE.json.version ?? '0.0.0';
/** Rule-doc links for SARIF: from package.json's `repository`, or none. */
export const REPOSITORY_DOCS: RepositoryDocs | undefined = repositoryDocs(PACKAGE.json.repository);
const SCHEMA_FILE = PACKAGE.dir ? path.join(PACKAGE.dir, 'schemas', 'incident-lens.schema.json') : undefined;

const FORMATS = ['pretty', 'json', 'json-with-summary', 'sarif', 'github'];

export const CHECK_OPTIONS: Record<string, OptionSpec> = {
  format: { type: 'string', short: 'f', value: '<fmt>', help: `output format: ${FORMATS.join(', ')} (default: pretty)` },
  'output-file': { type: 'string', short: 'o', value: '<file>', help: 'write the report to this file instead of stdout' },
  fix: { type: 'boolean', help: 'apply safe fixes to the files' },
  'unsafe-fixes': { type: 'boolean', help: 'with --fix, also apply unsafe fixes (they may change behaviour: review them)' },
  rule: { type: 'string', multiple: true, value: '<id>', help: 'only run this rule (repeatable, or comma-separated)' },
  'max-warnings': { type: 'string', numeric: true, value: '<n>', help: 'exit 1 when there are more than n warnings (-1: no limit, the default)' },
  baseline: { type: 'string', value: '<file>', help: `findings recorded in this file do not count (e.g. ${DEFAULT_BASELINE_FILE})` },
  'update-baseline': { type: 'boolean', help: 'with --baseline, write the current findings to it (fixed ones are dropped)' },
  since: { type: 'string', value: '<ref>', help: 'report only files changed since the merge base with <ref> (git)' },
  changed: { type: 'boolean', help: 'report only files changed against the default branch (origin/HEAD, main, master)' },
  staged: { type: 'boolean', help: 'report only files staged for commit' },
  cache: { type: 'boolean', help: 'reuse the results of unchanged files from the last run' },
  'cache-location': { type: 'string', value: '<path>', help: `cache file or directory (default: ${DEFAULT_CACHE_FILE})` },
  stdin: { type: 'boolean', help: 'analyse source text read from standard input' },
  'stdin-filename': { type: 'string', value: '<path>', help: 'the path the --stdin text stands for (config, language, report)' },
  explain: { type: 'boolean', help: 'print the linked incident under each finding' },
  'report-unused-disable': { type: 'boolean', help: 'report suppression comments that suppress nothing' },
  config: { type: 'string', short: 'c', value: '<file>', help: 'use only this config file (default: .incident-lens.json files above each file)' },
  'default-excludes': { type: 'boolean', negatable: true, help: 'skip tests, fixtures, dist, build, minified files (--no-default-excludes: scan them)' },
  quiet: { type: 'boolean', short: 'q', help: 'report errors only' },
  color: { type: 'boolean', negatable: true, help: 'colours in pretty output (default: on a terminal; FORCE_COLOR, NO_COLOR)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const INIT_OPTIONS: Record<string, OptionSpec> = {
  baseline: { type: 'boolean', help: `also write a baseline of today's findings (file: the next argument, default ${DEFAULT_BASELINE_FILE})` },
  force: { type: 'boolean', help: 'overwrite an existing .incident-lens.json' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const EXIT_CODES = 'Exit codes: 0 clean (warnings allowed), 1 error-level findings or more than --max-warnings warnings, 2 usage or config error.';

const HELP = `incident-lens ${VERSION}: finds code patterns that caused real outages.

Usage:
  incident-lens check [paths...]       analyse files and directories (default: .)
  incident-lens init                   write a commented .incident-lens.json (and a baseline with --baseline)
  incident-lens kb search <query>      search incidents, patterns and rules
  incident-lens kb show <id>           read an entry in the terminal
  incident-lens rules                  list the rules

check options:
${optionsHelp(CHECK_OPTIONS)}

${EXIT_CODES}
Run \`incident-lens <command> --help\` for a command's options.`;

const CHECK_HELP = `Usage: incident-lens check [paths...] [options]

Analyses files and directories (default: .). Directory scans honour .gitignore and the config's include/exclude.

Options:
${optionsHelp(CHECK_OPTIONS)}

Examples:
  incident-lens check src --format sarif --output-file incident-lens.sarif
  incident-lens check . --baseline ${DEFAULT_BASELINE_FILE}            # fail only on new findings
  incident-lens check . --changed --cache                      # report on this branch's files
  cat src/a.ts | incident-lens check --stdin --stdin-filename src/a.ts

${EXIT_CODES}`;

const INIT_HELP = `Usage: incident-lens init [--baseline [file]] [--force]

Writes a commented .incident-lens.json in the current directory. With --baseline, also records today's findings
in a baseline file (default ${DEFAULT_BASELINE_FILE}) so that \`check --baseline <file>\` fails only on new ones.

Options:
${optionsHelp(INIT_OPTIONS)}`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      const topic = cmd === 'help' ? rest[0] : undefined;
      io.stdout((topic === 'check' ? CHECK_HELP : topic === 'init' ? INIT_HELP : HELP) + '\n');
      return cmd ? 0 : 2;
    }
    if (cmd === '--version' || cmd === '-v') { io.stdout(VERSION + '\n'); return 0; }
    if (cmd === 'check') return await check(rest, io);
    if (cmd === 'init') return await init(rest, io);
    if (cmd === 'kb') return await runKb(rest, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, isTTY: io.isTTY });
    if (cmd === 'rules') {
      for (const r of allRules) io.stdout(`${r.meta.id.padEnd(24)} ${r.meta.defaultSeverity.padEnd(8)} ${r.meta.title}\n`);
      return 0;
    }
    const near = ['check', 'init', 'kb', 'rules', 'help'].find(c => c[0] === cmd[0] && Math.abs(c.length - cmd.length) <= 2);
    throw new UsageError(`unknown command "${cmd}"${near ? ` (did you mean \`${near}\`?)` : ''}`);
  } catch (e) {
    if (e instanceof UsageError) { io.stderr(`incident-lens: ${e.message}\nRun \`incident-lens ${cmd === 'check' || cmd === 'init' ? `${cmd} ` : ''}--help\` for usage.\n`); return 2; }
    if (e instanceof ConfigError || e instanceof BaselineError || e instanceof GitError) { io.stderr(`incident-lens: ${e.message}\n`); return 2; }
    throw e;
  }
}

/** Colours: --color/--no-color, else FORCE_COLOR (set and not 0/false), else NO_COLOR (set, non-empty), else a TTY. */
export function useColor(flag: boolean | undefined, io: Io): boolean {
  if (flag !== undefined) return flag;
  const env = io.env ?? {};
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR.toLowerCase());
  if (env.NO_COLOR) return false;
  return io.isTTY && env.TERM !== 'dumb';
}

function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', c => chunks.push(c as Buffer)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
  });
}

/** Notices name files relative to the cwd: `src/a.ts: skipped (...)`. */
function noticeText(n: string, cwd: string): string {
  if (!n.startsWith('/') && !/^[A-Za-z]:\\/.test(n)) return n;
  const i = n.indexOf(': ');
  return i < 0 ? n : `${relPath(n.slice(0, i), cwd)}: ${n.slice(i + 2)}`;
}

const noticeFile = (n: string) => { const i = n.indexOf(': '); return i < 0 ? undefined : n.slice(0, i); };

async function check(args: string[], io: Io): Promise<number> {
  const { values: o, positionals } = parseCommandArgs(args, CHECK_OPTIONS, 'check');
  if (o.help) { io.stdout(CHECK_HELP + '\n'); return 0; }
  const format = (o.format as string | undefined) ?? 'pretty';
  if (!FORMATS.includes(format)) {
    const near = FORMATS.find(f => f.startsWith(format) || format.startsWith(f));
    throw new UsageError(`unknown --format "${format}" (${FORMATS.join(', ')})${near ? `; did you mean "${near}"?` : ''}`);
  }
  let maxWarnings = -1;
  if (o['max-warnings'] !== undefined) {
    const v = o['max-warnings'] as string;
    if (!/^-?\d+$/.test(v) || Number(v) < -1) throw new UsageError(`--max-warnings takes a whole number ≥ -1 (got "${v}"; -1 means no limit)`);
    maxWarnings = Number(v);
  }
  const knownIds = allRules.map(r => r.meta.id);
  const only = ((o.rule as string[] | undefined) ?? []).flatMap(r => r.split(',')).map(r => r.trim()).filter(Boolean);
  for (const r of only) if (!knownIds.includes(r)) throw new UsageError(`unknown rule "${r}" (known: ${knownIds.join(', ')})`);
  const rules = only.length ? allRules.filter(r => only.includes(r.meta.id)) : allRules;
  const modes = (['since', 'changed', 'staged'] as const).filter(k => o[k] !== undefined && o[k] !== false);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be combined`);
  if (o['update-baseline'] && !o.baseline) throw new UsageError('--update-baseline needs --baseline <file> (the file to write)');
  if (o['unsafe-fixes'] && !o.fix) throw new UsageError('--unsafe-fixes applies with --fix (it adds the unsafe fixes to the safe ones)');
  if (o['stdin-filename'] && !o.stdin) throw new UsageError('--stdin-filename names the text read with --stdin');
  if (o.stdin && positionals.length) throw new UsageError('--stdin analyses standard input: give no paths (use --stdin-filename for its name)');
  if (o.stdin && modes.length) throw new UsageError(`--stdin and --${modes[0]} cannot be combined`);
  if (o['cache-location'] && !o.cache) throw new UsageError('--cache-location applies with --cache');

  const nestedConfig = {
    knownRules: knownIds, explicitFile: o.config ? path.resolve(io.cwd, o.config as string) : undefined, fallbackRoot: io.cwd,
    ...(o['default-excludes'] === false ? { overrides: { defaultExcludes: false } } : {}),
  };
  const resolver = resolverFor(nestedConfig);
  const configOf = (dir: string, hasConfigFile?: boolean) => resolver.forDir(dir, hasConfigFile);
  const rootConfig = configOf(io.cwd);

  // ----------------------------------------------------------------- what to analyse, what to report
  let files: string[];
  let explicit: Set<string>;
  let texts: Record<string, string> | undefined;
  if (o.stdin) {
    const file = path.resolve(io.cwd, (o['stdin-filename'] as string | undefined) ?? 'stdin.ts');
    texts = { [file]: await (io.readStdin ?? readAllStdin)() };
    files = [file];
    explicit = new Set(files);
  } else {
    const paths = positionals.length ? positionals : ['.'];
    if (paths.some(p => !p.trim())) throw new UsageError('an empty path was given (use . for the current directory)');
    const d = discoverFiles(paths, io.cwd, configOf);
    if (d.missing.length) throw new UsageError(`no such file or directory: ${d.missing.join(', ')}`);
    for (const n of d.notices) io.stderr(`incident-lens: ${n.startsWith(io.cwd + path.sep) ? n.slice(io.cwd.length + 1) : n}\n`);
    files = d.files;
    explicit = d.explicit;
  }
  // every config file met on the way, all problems at once
  for (const f of files) configOf(path.dirname(f));
  const problems = resolver.problems();
  if (problems.length) throw configErrorOf(problems);

  let reportOn: Set<string> | undefined;
  let scope = '';
  if (modes.length) {
    const mode: ChangedMode = o.since !== undefined ? { since: o.since as string } : o.changed ? { changed: true } : { staged: true };
    const changed = changedFiles(mode, io.cwd);
    reportOn = new Set(files.filter(f => changed.files.has(f)));
    scope = changed.description;
  }

  // ----------------------------------------------------------------- analysis
  let cache: FileResultCache | undefined;
  if (o.cache) {
    let loc = path.resolve(io.cwd, (o['cache-location'] as string | undefined) ?? DEFAULT_CACHE_FILE);
    if ((o['cache-location'] as string | undefined)?.match(/[\\/]$/) || isDir(loc)) loc = path.join(loc, DEFAULT_CACHE_FILE);
    cache = FileResultCache.open(loc, engineFingerprint(VERSION));
  }
  const progress = io.stderrTTY && files.length > 50;
  const t0 = performance.now();
  const fix = !!o.fix;
  const result = await analyzeProject(files, {
    config: rootConfig, rules, fix, unsafeFixes: !!o['unsafe-fixes'], reportUnusedDirectives: !!o['report-unused-disable'], explicit, texts, cache,
    nestedConfig,
    // big runs use both cores: worker threads run this same module (see the end of this file)
    workers: { entry: __filename, threads: io.env?.INCIDENT_LENS_THREADS ? Number(io.env.INCIDENT_LENS_THREADS) : undefined },
    onProgress: progress ? (done, total) => { if (done % 25 === 0 || done === total) io.stderr(`\r\x1b[2Kincident-lens: ${done}/${total} files`); } : undefined,
  });
  if (progress) io.stderr('\r\x1b[2K');
  if (cache) {
    try { cache.save(); } catch (e) { io.stderr(`incident-lens: cannot write the cache ${relPath(cache.file, io.cwd)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`); }
  }

  const reported = reportOn ? result.files.filter(r => reportOn!.has(r.file)) : result.files;
  const reportedNotice = (n: string) => { const f = noticeFile(n); return !reportOn || !f || !f.startsWith('/') || reportOn.has(f); };
  const notices = result.notices.filter(reportedNotice).map(n => noticeText(n, io.cwd));
  for (const r of reported) if (r.hasSyntaxErrors) notices.push(`${relPath(r.file, io.cwd)}: has syntax errors; findings in it may be incomplete`);
  const skipped = result.notices.filter(n => reportedNotice(n) && / skipped \(/.test(n)).length;
  for (const n of notices) io.stderr(`incident-lens: ${n}\n`);

  if (fix && o.stdin) {
    // like `ruff --stdin --fix`: the fixed text goes to stdout, the report to stderr
    const r = result.files[0];
    io.stdout(r?.fixedText ?? r?.text ?? Object.values(texts!)[0]);
  } else if (fix) {
    const n = writeFixedFiles({ ...result, files: reported });
    if (n) io.stderr(`incident-lens: fixed ${plural(n, 'file')}\n`);
  }

  let results: FileFindings[] = reported.map(r => ({ file: r.file, text: r.text, findings: r.findings }));

  // ----------------------------------------------------------------- baseline
  let baselined: number | undefined;
  if (o.baseline) {
    const bfile = path.resolve(io.cwd, o.baseline as string);
    if (o['update-baseline']) {
      const previous: BaselineFile | undefined = fs.existsSync(bfile) ? readBaseline(bfile) : undefined;
      const u = updatedBaseline(results, previous, bfile);
      writeBaseline(bfile, u.baseline);
      io.stderr(`incident-lens: wrote ${relPath(bfile, io.cwd)}: ${plural(u.total, 'finding')} (${u.added} added, ${u.removed} removed)\n`);
    }
    const split = applyBaseline(results, readBaseline(bfile), bfile);
    results = results.map(r => ({ ...r, findings: split.fresh.get(r.file) ?? r.findings }));
    baselined = split.matched;
  }
  if (o.quiet) results = results.map(r => ({ ...r, findings: r.findings.filter(f => f.severity === 'error') }));
  const summary = summarize(results, reported.length, { baseline: baselined, skipped, maxWarnings });

  // team postmortems' code blocks are syntax-checked before the (sync) KB load
  const teamDirs = [path.resolve(rootConfig.root, rootConfig.incidentsDir)].filter(d => fs.existsSync(d));
  const checkCode = await teamCodeCheck(teamDirs);
  let kb: KnowledgeBase | undefined;
  const kbGet = (id: string) => {
    if (kb === undefined) {
      try { kb = loadKnowledgeBase({ extraDirs: teamDirs, checkCode }); }
      catch (e) { io.stderr(`incident-lens: knowledge base unavailable (${(e as Error).message})\n`); kb = null as unknown as KnowledgeBase; }
    }
    return kb ? kb.get(id) : undefined;
  };

  // ----------------------------------------------------------------- report
  const outFile = o['output-file'] as string | undefined;
  const out: string[] = [];
  const write = (s: string) => { out.push(s); };
  const toStdout = fix && o.stdin ? io.stderr : io.stdout;
  if (format === 'json') write(JSON.stringify(toJson(results, io.cwd), null, 2) + '\n');
  else if (format === 'json-with-summary') write(JSON.stringify(toJsonWithSummary(results, io.cwd, summary, notices, VERSION), null, 2) + '\n');
  else if (format === 'github') { const t = formatGithub(results, io.cwd); if (t) write(t + '\n'); }
  else if (format === 'sarif') {
    const ruleDoc = (id: string) => kbGet(id)?.body;
    write(JSON.stringify(formatSarif(results, { cwd: io.cwd, version: VERSION, rules: rules.map(r => r.meta), ruleDoc, kbGet, docs: REPOSITORY_DOCS }), null, 2) + '\n');
  } else {
    const style = useColor(outFile ? (o.color as boolean | undefined) ?? false : o.color as boolean | undefined, io) ? ansi : plain;
    const explain = o.explain ? (f: Finding) => { kbGet(''); return kb ? explainFinding(kb, f.incidents, f.patterns) : undefined; } : undefined;
    const text = formatPretty(results, { cwd: io.cwd, style, kbGet, explain });
    if (text.trim()) write(text + '\n');
    if (scope) write(`Reporting on ${plural(reported.length, 'file')} (${scope}) of ${plural(files.length, 'file')} analysed.\n`);
    write(summaryLine(summary, style) + '\n');
    if (summary.tooManyWarnings) write(`incident-lens found too many warnings (maximum: ${maxWarnings}).\n`);
    if (io.stderrTTY && !outFile) io.stderr(`incident-lens: analysed ${plural(files.length, 'file')} in ${Math.round(performance.now() - t0)} ms${cache ? ` (${cache.stats.hits} from the cache)` : ''}\n`);
  }
  if (outFile) {
    const abs = path.resolve(io.cwd, outFile);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, out.join(''));
  } else {
    for (const s of out) toStdout(s);
  }
  return summary.errors > 0 || summary.tooManyWarnings ? 1 : 0;
}

function isDir(p: string): boolean {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

async function init(args: string[], io: Io): Promise<number> {
  const { values: o, positionals } = parseCommandArgs(args, INIT_OPTIONS, 'init');
  if (o.help) { io.stdout(INIT_HELP + '\n'); return 0; }
  if (positionals.length && !o.baseline) throw new UsageError(`init takes no paths (got "${positionals[0]}"); the file after --baseline names the baseline`);
  if (positionals.length > 1) throw new UsageError('--baseline takes one file');
  const { file, written } = writeConfigFile(io.cwd, allRules.map(r => r.meta), SCHEMA_FILE, !!o.force);
  if (written) io.stderr(`incident-lens: wrote ${relPath(file, io.cwd)}\n`);
  else io.stderr(`incident-lens: ${relPath(file, io.cwd)} exists; kept it (--force overwrites it)\n`);
  if (!o.baseline) return 0;
  const bfile = positionals[0] ?? DEFAULT_BASELINE_FILE;
  const code = await check(['.', '--baseline', bfile, '--update-baseline', '--format', 'json'], { ...io, stdout: () => undefined });
  io.stderr(`incident-lens: \`incident-lens check --baseline ${bfile}\` now reports only new findings\n`);
  return code === 2 ? 2 : 0;
}

// a file-pass worker thread started by analyzeProject (src/project/workers.ts) runs this module too
if (isFilePassWorker()) serveFilePass(allRules);

if (require.main === module && !isFilePassWorker()) {
  main(process.argv.slice(2), {
    stdout: s => process.stdout.write(s), stderr: s => process.stderr.write(s), cwd: process.cwd(),
    isTTY: !!process.stdout.isTTY, stderrTTY: !!process.stderr.isTTY, env: process.env,
  }).then(code => { process.exitCode = code; }, e => { process.stderr.write(`incident-lens: internal error: ${(e as Error).stack ?? e}\n`); process.exitCode = 2; });
}
