/**
 * Issue 17: the excludes, the browser-code setting and the project wrappers of missing-timeout behave the same in
 * the CLI (`incident-lens check --format json`) and in the editor (the extension's path without VS Code: settings ⊕
 * project file by effectiveConfig, the workspace files found by discoverFiles, the background index built by
 * indexOfFile, every file then analysed as an open document by DocumentEngine and its pending findings settled
 * against that index). The same project, the same findings (file, range, rule, severity, message, related file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadAllLanguages } from '../../src/core/parser';
import { discoverFiles } from '../../src/core/files';
import { DEFAULT_SETTINGS, DocumentEngine, analyzeOptionsOf, effectiveConfig, indexOfFile, langOf, type ExtensionSettings } from '../../src/extension/engine';
import type { Finding } from '../../src/core/types';
import { runCli } from '../helpers/cli';
import { tempProject } from '../helpers/temp-project';

const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "parity", "version": "1.0.0", "dependencies": { "pg": "8.11.0", "axios": "1.7.0" } }\n',
  // a fetch wrapper: not flagged itself; each call through it is judged (project layer), here from another file
  'src/lib/http.ts': 'export async function getJson(url: string, init?: RequestInit) {\n  const res = await fetch(url, init);\n  return res.json();\n}\n',
  'src/svc.ts': [
    "import { getJson } from './lib/http';",
    "import axios from 'axios';",
    "import { Pool } from 'pg';",
    "export const users = () => getJson('https://api.example.com/users');",
    "export const bounded = () => getJson('https://api.example.com/b', { signal: AbortSignal.timeout(5000) });",
    "export const undef = () => fetch('https://api.example.com/u', { signal: undefined });",
    'export const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
    "export const ax = () => axios.get('https://api.example.com/a');",
    "export const gh = () => axios.get('https://api.github.com/zen');",
    '',
  ].join('\n'),
  // a project fact in another file: axios has a default timeout, so the axios calls above are fine
  'src/setup.ts': "import axios from 'axios';\naxios.defaults.timeout = 5000;\n",
  // browser-only code: a 'use client' file, a relative URL, a client-only module
  'src/app/page.tsx': "'use client';\nexport const load = (u: string) => fetch(u);\n",
  'src/rel.ts': "export const me = () => fetch('/api/me');\nexport const other = (u: string) => fetch(u);\n",
  'src/only.ts': "import 'client-only';\nexport const load = (u: string) => fetch(u);\n",
  // test-like files by RULES v2 names: default excludes of every scan
  'src/users.servertest.ts': "export const t = () => fetch('https://api.example.com/t');\n",
  'src/__e2e__/flow.ts': "export const t = () => fetch('https://api.example.com/e');\n",
  'src/score.eval.ts': "export const t = () => fetch('https://api.example.com/v');\n",
};

type Row = string;

function rowOf(root: string, file: string, f: { line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string; message: string; related?: string }): Row {
  return `${path.relative(root, file).split(path.sep).join('/')}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId} ${f.severity} ${f.message}${f.related ? ` <- ${f.related}` : ''}`;
}

async function fromCli(dir: string, args: string[] = ['.']): Promise<Row[]> {
  const r = await runCli(['check', '--format', 'json', ...args], dir);
  assert.ok(r.code === 0 || r.code === 1, `cli exit ${r.code}: ${r.stderr}`);
  const all = JSON.parse(r.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string; message: string; related?: { file: string }[] }[];
  return all.map(f => rowOf(dir, path.resolve(dir, f.file), { ...f, related: f.related?.map(x => path.relative(dir, path.resolve(dir, x.file)).split(path.sep).join('/')).join(',') || undefined })).sort();
}

/** The extension's path: the workspace index first, then each file (or only `open`) as an open document. */
function fromEditor(dir: string, settings: ExtensionSettings, open?: string[]): Row[] {
  const { config, error } = effectiveConfig(dir, settings);
  assert.equal(error, undefined);
  const eng = new DocumentEngine(30, false);
  try {
    const files = discoverFiles([dir], dir, config).files;
    for (const file of files) {
      const idx = indexOfFile(file, config);
      if (idx) { eng.facts.set(file, idx.facts); eng.project.set(file, idx.symbols); }
    }
    const opts = analyzeOptionsOf(config);
    const rows: Row[] = [];
    for (const file of open?.map(f => path.join(dir, f)) ?? files) {
      const lang = langOf(file, '');
      if (!lang) continue;
      const r = eng.analyze(file, file, fs.readFileSync(file, 'utf8'), lang, 1, opts, true);
      for (const f of r.findings as Finding[]) {
        rows.push(rowOf(dir, file, {
          line: f.startPos.line + 1, column: f.startPos.column + 1, endLine: f.endPos.line + 1, endColumn: f.endPos.column + 1,
          ruleId: f.ruleId, severity: f.severity, message: f.message,
          related: f.related?.map(x => path.relative(dir, x.file ?? file).split(path.sep).join('/')).join(',') || undefined,
        }));
      }
    }
    return rows.sort();
  } finally {
    eng.dispose();
  }
}

const timeoutFiles = (rows: Row[]) => [...new Set(rows.filter(r => r.includes(' missing-timeout ')).map(r => r.slice(0, r.indexOf(':'))))].sort();

test('parity: default excludes, browser-only code and wrappers across files give the same findings in the CLI and the editor', async () => {
  await loadAllLanguages();
  const dir = tempProject(PROJECT, 'il-parity-');
  const cli = await fromCli(dir);
  assert.deepEqual(fromEditor(dir, DEFAULT_SETTINGS), cli);
  // what the findings are (so that parity is not two empty lists): the call through the wrapper (related: the
  // wrapper's file), signal: undefined, pg and a server call beside a relative one; no browser-only, test-like or defaulted-axios finding
  assert.deepEqual(cli.filter(r => r.includes(' missing-timeout ')).map(r => r.slice(0, r.indexOf('-'))), ['src/rel.ts:2:37', 'src/svc.ts:4:28', 'src/svc.ts:6:28', 'src/svc.ts:7:21']);
  assert.ok(cli.some(r => r.startsWith('src/svc.ts:4:28') && r.endsWith('<- src/lib/http.ts')), cli.join('\n'));
});

test('parity: browserCode "analyse" from the config file (CLI) = from the file or from incidentLens.browserCode (editor)', async () => {
  await loadAllLanguages();
  const dir = tempProject({ ...PROJECT, '.incident-lens.json': '{ "browserCode": "analyse" }\n' }, 'il-parity-');
  const cli = await fromCli(dir);
  assert.deepEqual(fromEditor(dir, DEFAULT_SETTINGS), cli, 'the project file');
  assert.deepEqual(fromEditor(dir, { ...DEFAULT_SETTINGS, browserCode: 'skip' }), cli, 'the project file wins over the setting');
  assert.deepEqual(timeoutFiles(cli), ['src/app/page.tsx', 'src/only.ts', 'src/rel.ts', 'src/svc.ts']);
  fs.rmSync(path.join(dir, '.incident-lens.json'));
  assert.deepEqual(fromEditor(dir, { ...DEFAULT_SETTINGS, browserCode: 'analyse' }), cli, 'the setting alone');
  assert.notDeepEqual(await fromCli(dir), cli, 'the CLI without the file skips browser code');
});

test('parity: exclude globs and defaultExcludes from the config file; an open test-like file = the file named on the CLI', async () => {
  await loadAllLanguages();
  const dir = tempProject({ ...PROJECT, '.incident-lens.json': '{ "defaultExcludes": false, "exclude": ["src/lib/**"] }\n' }, 'il-parity-');
  const cli = await fromCli(dir);
  assert.deepEqual(fromEditor(dir, DEFAULT_SETTINGS), cli);
  // test-like files analysed; the wrapper's file excluded: the call through it is not judged (its summary is not
  // in the project), and nothing is reported in the excluded file
  assert.deepEqual(timeoutFiles(cli), ['src/__e2e__/flow.ts', 'src/rel.ts', 'src/score.eval.ts', 'src/svc.ts', 'src/users.servertest.ts']);
  assert.ok(!cli.some(r => r.startsWith('src/svc.ts:4:')), cli.join('\n'));

  // the default excludes again: a test-like file open in the editor is analysed, like a file named on the CLI
  fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{}\n');
  const named = await fromCli(dir, ['src/users.servertest.ts']);
  assert.deepEqual(named.map(r => r.slice(0, r.indexOf(' '))), ['src/users.servertest.ts:1:24-1:58']);
  assert.deepEqual(fromEditor(dir, DEFAULT_SETTINGS, ['src/users.servertest.ts']), named);
});
