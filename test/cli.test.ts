import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { main } from '../src/cli/main';
import { tempProject } from './helpers/temp-project';

const project = (files: Record<string, string | Buffer>): string => tempProject(files, 'il-cli-');

async function run(args: string[], cwd: string, tty = false) {
  let stdout = '', stderr = '';
  const code = await main(args, { stdout: s => { stdout += s; }, stderr: s => { stderr += s; }, cwd, isTTY: tty, stderrTTY: tty, env: {} });
  return { code, stdout, stderr };
}

const SERVICE = {
  'src/client.ts': `import axios from 'axios';\n\nexport async function user(id: string, base = 'https://x/users/') {\n  const res = await fetch(\`\${base}\${id}\`);\n  return res.json();\n}\n\nexport const api = axios.create({ baseURL: 'https://x' });\n`,
  'src/ok.ts': `export const x = await fetch('/a', { signal: AbortSignal.timeout(1000) });\n`,
  'src/client.test.ts': `await fetch(testServerUrl);\n`,
};

describe('incident-lens check', () => {
  test('json: array of findings with 1-based positions and paths relative to the cwd; stdout is JSON alone', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src', '--format', 'json'], dir);
    assert.equal(r.code, 0, 'warnings only: exit 0');
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.map((f: { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string }) => [f.file, f.line, f.column, f.endLine, f.endColumn, f.ruleId]), [
      ['src/client.ts', 4, 21, 4, 42, 'missing-timeout'],
      ['src/client.ts', 8, 20, 8, 58, 'missing-timeout'],
    ]);
    const f = out[0];
    assert.deepEqual(Object.keys(f).sort(), ['column', 'endColumn', 'endLine', 'file', 'fixes', 'incidents', 'line', 'message', 'messageId', 'patterns', 'related', 'ruleId', 'severity'].sort());
    assert.deepEqual(f.related, []);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /`fetch` has no timeout/);
    assert.ok(f.incidents.includes('aws-ebs-2011') && f.patterns.includes('timeouts-and-deadlines'));
    assert.equal(f.fixes[0].safety, 'safe');
    assert.equal(f.fixes[0].edits[0].text, ', { signal: AbortSignal.timeout(10000) }');
    assert.equal(f.fixes[0].edits[0].line, 4);
  });

  test('pretty: code frame, the incident it resembles, summary; colours only on a TTY', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src'], dir);
    assert.match(r.stdout, /src\/client\.ts/);
    assert.match(r.stdout, /4:21 {2}warning {2}`fetch` has no timeout/);
    assert.match(r.stdout, /> 4 \| {3}const res = await fetch/);
    assert.match(r.stdout, /\n {6}\| {21}\^{21}\n/, 'caret line under exactly `fetch(...)`');
    assert.match(r.stdout, /\n {6}\| {20}\^{38}\n/, 'caret line under exactly `axios.create(...)`');
    assert.match(r.stdout, /resembles AWS EBS/);
    assert.match(r.stdout, /✖ 2 problems \(2 warnings\) in 1 of 2 files\.\n {2}2 fixable with the `--fix` option\.\n$/);
    assert.doesNotMatch(r.stdout, /\x1b\[/);
    const tty = await run(['check', 'src'], dir, true);
    assert.match(tty.stdout, /\x1b\[/);
  });

  test('--explain prints the linked incident summary under each finding', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src', '--explain'], dir);
    assert.match(r.stdout, /Incident: AWS EBS/);
    assert.match(r.stdout, /Impact: .*https:\/\/aws\.amazon\.com\/message\/65648\//);
  });

  test('sarif: valid SARIF 2.1.0 shape with rule metadata, help text, locations and fixes', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src', '--format', 'sarif'], dir);
    const s = JSON.parse(r.stdout);
    // the official SARIF 2.1.0 schema (shipped by @microsoft/jest-sarif), validated with ajv
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv-draft-04');
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false });
    const validate = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
    assert.ok(validate(s), `SARIF schema errors: ${JSON.stringify(validate.errors, null, 1)}`);
    assert.ok(!validate({ ...s, runs: [{ ...s.runs[0], results: [{ message: 'not an object' }] }] }), 'the validator rejects invalid SARIF');
    assert.equal(s.version, '2.1.0');
    assert.match(s.$schema, /sarif-2\.1\.0/);
    const run0 = s.runs[0];
    assert.equal(run0.tool.driver.name, 'incident-lens');
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'missing-timeout');
    assert.ok(rule.shortDescription.text && rule.fullDescription.text);
    assert.equal(rule.helpUri, undefined, 'package.json names no repository: no made-up documentation URL');
    assert.equal(run0.tool.driver.informationUri, undefined);
    assert.doesNotMatch(JSON.stringify(run0.tool.driver.rules), /\(kb:/, 'no kb: links, which code scanning cannot open');
    assert.match(rule.help.markdown, /## Why is this bad\?/);
    assert.equal(rule.defaultConfiguration.level, 'warning');
    assert.equal(run0.results.length, 2);
    const res = run0.results[0];
    assert.equal(res.ruleId, 'missing-timeout');
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'missing-timeout');
    assert.equal(res.level, 'warning');
    assert.deepEqual(res.locations[0].physicalLocation.artifactLocation, { uri: 'src/client.ts', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 4, startColumn: 21, endLine: 4, endColumn: 42 });
    assert.equal(res.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, ', { signal: AbortSignal.timeout(10000) }');
    assert.match(res.partialFingerprints['incidentLens/v2'], /^[0-9a-f]{16}$/);
    assert.equal(run0.columnKind, 'utf16CodeUnits');
  });

  test('github: workflow annotations', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src', '--format', 'github'], dir);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^::warning file=src\/client\.ts,line=4,col=21,endLine=4,endColumn=42,title=incident-lens\(missing-timeout\)::`fetch` has no timeout/);
  });

  test('default excludes skip tests; --no-default-excludes and explicit files analyse them', async () => {
    const dir = project(SERVICE);
    const json = async (args: string[]) => JSON.parse((await run([...args, '--format', 'json'], dir)).stdout).map((f: { file: string }) => f.file);
    assert.ok(!(await json(['check', '.'])).includes('src/client.test.ts'));
    assert.ok((await json(['check', '.', '--no-default-excludes'])).includes('src/client.test.ts'));
    assert.ok((await json(['check', 'src/client.test.ts'])).includes('src/client.test.ts'));
  });

  test('browser-only code: skipped by missing-timeout unless the config file says browserCode "analyse" (same setting as the extension)', async () => {
    const dir = project({
      'src/page.tsx': `'use client';\nexport const load = (u: string) => fetch(u);\n`,
      'src/me.ts': `export const me = () => fetch('/api/me');\n`,
      'src/server.ts': `export const up = () => fetch('https://upstream/health');\n`,
    });
    const found = async () => JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout).map((f: { file: string; line: number }) => `${f.file}:${f.line}`);
    assert.deepEqual(await found(), ['src/server.ts:1']);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ browserCode: 'analyse' }));
    assert.deepEqual(await found(), ['src/me.ts:1', 'src/page.tsx:2', 'src/server.ts:1']);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ browserCode: 'skip' }));
    assert.deepEqual(await found(), ['src/server.ts:1']);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ browserCode: 'yes' }));
    const bad = await run(['check', '.'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"browserCode" must be one of "skip", "analyse"/);
  });

  test('exit codes: 0 clean, 1 error-level finding or over --max-warnings, 2 usage/config errors', async () => {
    const dir = project(SERVICE);
    assert.equal((await run(['check', 'src/ok.ts'], dir)).code, 0);
    assert.equal((await run(['check', 'src'], dir)).code, 0);
    assert.equal((await run(['check', 'src', '--max-warnings', '2'], dir)).code, 0);
    const over = await run(['check', 'src', '--max-warnings', '1'], dir);
    assert.equal(over.code, 1);
    assert.match(over.stdout, /too many warnings \(maximum: 1\)/);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ rules: { 'missing-timeout': 'error' } }));
    assert.equal((await run(['check', 'src'], dir)).code, 1);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), JSON.stringify({ rules: { 'missing-timeout': 'off' } }));
    assert.equal((await run(['check', 'src'], dir)).code, 0);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ "rules": ');
    const bad = await run(['check', 'src'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid config .*\.incident-lens\.json: not valid JSON/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    fs.rmSync(path.join(dir, '.incident-lens.json'));
    const missing = await run(['check', 'nope'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory: nope/);
    assert.equal((await run(['check', '--format', 'xml'], dir)).code, 2);
    assert.equal((await run(['check', '--rule', 'no-such-rule'], dir)).code, 2);
    assert.equal((await run(['check', '--bogus'], dir)).code, 2);
    assert.equal((await run(['frobnicate'], dir)).code, 2);
    assert.equal((await run(['check', '--max-warnings', 'x'], dir)).code, 2);
  });

  test('--rule runs only the named rules', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src', '--rule', 'missing-timeout', '--format', 'json'], dir);
    assert.equal(JSON.parse(r.stdout).length, 2);
  });

  test('--fix applies safe fixes, the result re-analyses clean, notices go to stderr', async () => {
    const dir = project(SERVICE);
    const r = await run(['check', 'src', '--fix', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.match(r.stderr, /fixed 1 file/);
    const fixed = fs.readFileSync(path.join(dir, 'src/client.ts'), 'utf8');
    assert.match(fixed, /await fetch\(`\$\{base\}\$\{id\}`, \{ signal: AbortSignal\.timeout\(10000\) \}\)/);
    assert.match(fixed, /axios\.create\(\{ baseURL: 'https:\/\/x', timeout: 10000 \}\)/);
    assert.equal((await run(['check', 'src', '--format', 'json'], dir)).stdout.trim(), '[]');
  });

  test('binary and non-UTF-8 files are skipped with a notice on stderr; JSON stays valid', async () => {
    const dir = project({ 'src/a.ts': 'fetch(u);\n', 'src/b.ts': Buffer.from([0, 1, 2, 3]), 'src/c.js': Buffer.from([0xff, 0xfe, 0x41]) });
    const r = await run(['check', 'src', '--format', 'json'], dir);
    assert.equal(JSON.parse(r.stdout).length, 1);
    assert.match(r.stderr, /src\/b\.ts: skipped \(binary file\)/);
    assert.match(r.stderr, /src\/c\.js: skipped \(not valid UTF-8\)/);
  });

  test('--report-unused-disable reports stale suppressions', async () => {
    const dir = project({ 'src/a.ts': '// incident-lens-disable-next-line missing-timeout\nconst x = 1;\n' });
    const r = await run(['check', 'src', '--report-unused-disable', '--format', 'json'], dir);
    const out = JSON.parse(r.stdout);
    assert.equal(out.length, 1);
    assert.equal(out[0].ruleId, 'unused-disable-directive');
    assert.equal(out[0].severity, 'info');
  });

  test('team postmortems: merged into --explain and kb search; a bad one (code that does not parse) is reported, others kept', async () => {
    const fm = (id: string, code: string) => `---\nid: ${id}\nkind: incident\ntitle: "Checkout double charge ${id}"\ndate: 2024-03-02\norganisation: Example Corp\nduration: "2 hours"\nimpact: "312 customers charged twice"\nimpact_source: https://intranet.example/pm/${id}\nsummary: "Our own ${id} postmortem."\nfamilies: [NI]\nrules: [missing-timeout]\npatterns: [timeouts-and-deadlines]\nsources:\n  primary: [https://intranet.example/pm/${id}]\n---\n\n## What happened\n\nThe payments call hung.\n\n\`\`\`ts\n${code}\n\`\`\`\n`;
    const dir = project({ ...SERVICE, '.incidents/pm-good.md': fm('pm-good', 'await fetch(url, { signal: AbortSignal.timeout(1000) });'), '.incidents/pm-bad.md': fm('pm-bad', 'const x = ;') });
    const s = await run(['kb', 'search', 'checkout double charge'], dir);
    assert.match(s.stdout, /pm-good/);
    assert.doesNotMatch(s.stdout, /pm-bad/);
    assert.match(s.stderr, /pm-bad\.md: code block .* does not parse: syntax error at line 1/);
  });

  test('help, version, rules list', async () => {
    const dir = project({});
    assert.match((await run(['--help'], dir)).stdout, /incident-lens check \[paths\.\.\.\]/);
    assert.match((await run(['--version'], dir)).stdout, /^\d+\.\d+\.\d+\n$/);
    assert.match((await run(['rules'], dir)).stdout, /missing-timeout\s+warning/);
    assert.equal((await run([], dir)).code, 2);
  });
});

describe('the installed binary', () => {
  test('bin/incident-lens.js runs the bundled CLI (as `npx incident-lens` does)', () => {
    const dir = project(SERVICE);
    const bin = path.join(__dirname, '..', 'bin', 'incident-lens.js');
    assert.ok(fs.existsSync(path.join(__dirname, '..', 'dist', 'cli.js')), 'dist/cli.js is built by `npm run build` / `npm ci`');
    const r = spawnSync(process.execPath, [bin, 'check', 'src', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, 2);
    const bad = spawnSync(process.execPath, [bin, 'check', 'missing-dir'], { cwd: dir, encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
