/** Issue 19 items 1-2: baseline (`--baseline`, `--update-baseline`) and `init`. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { tempProject } from '../helpers/temp-project';
import { runCli as run } from '../helpers/cli';
import { parseConfigLayer } from '../../src/core/config';
import { allRules } from '../../src/rules';

const A = `export async function user(id: string) {\n  const res = await fetch(\`https://api.example.com/users/\${id}\`);\n  return res.json();\n}\n\nexport async function order(id: string) {\n  const res = await fetch(\`https://api.example.com/orders/\${id}\`);\n  return res.json();\n}\n`;
const B = `export async function ping() {\n  await fetch('https://api.example.com/ping');\n  await fetch('https://api.example.com/ping');\n}\n`;
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { file: string; line: number; message: string }[];
const write = (dir: string, f: string, s: string) => fs.writeFileSync(path.join(dir, f), s);
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

describe('--baseline', () => {
  test('--update-baseline records today\'s findings; then they do not count (exit code, --max-warnings), summarised as "N in baseline"', async () => {
    const dir = tempProject({ 'src/a.ts': A, 'src/b.ts': B, '.incident-lens.json': '{ "rules": { "missing-timeout": "error" } }' });
    assert.equal((await run(['check', 'src'], dir)).code, 1);
    const u = await run(['check', 'src', '--baseline', 'incident-lens-baseline.json', '--update-baseline'], dir);
    assert.equal(u.code, 0);
    assert.match(u.stderr, /wrote incident-lens-baseline\.json: 4 findings \(4 added, 0 removed\)/);
    const b = JSON.parse(read(dir, 'incident-lens-baseline.json'));
    assert.equal(b.version, 1);
    assert.deepEqual(Object.keys(b.files), ['src/a.ts', 'src/b.ts'], 'paths relative to the baseline file');
    assert.deepEqual(Object.keys(b.files['src/a.ts'][0]).sort(), ['context', 'fingerprint', 'message', 'rule']);
    assert.doesNotMatch(JSON.stringify(b), /"line"/, 'no line numbers: they change when code moves');
    const r = await run(['check', 'src', '--baseline', 'incident-lens-baseline.json', '--max-warnings', '0'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /✓ No new problems found in 2 files; 4 in baseline\./);
    const j = JSON.parse((await run(['check', 'src', '--baseline', 'incident-lens-baseline.json', '--format', 'json-with-summary'], dir)).stdout);
    assert.equal(j.summary.baseline, 4);
    assert.deepEqual(j.findings, []);
  });

  test('a baselined finding survives lines inserted above it (and directly above it); a new finding is reported', async () => {
    const dir = tempProject({ 'src/a.ts': A });
    await run(['check', 'src', '--baseline', 'bl.json', '--update-baseline'], dir);
    // lines inserted at the top of the file and right above the second fetch
    const moved = `import { log } from './log';\n\nlog('start');\n` + A.replace('export async function order(id: string) {\n', 'export async function order(id: string) {\n  log(`order ${id}`);\n');
    write(dir, 'src/a.ts', moved);
    const same = await run(['check', 'src', '--baseline', 'bl.json', '--format', 'json'], dir);
    assert.deepEqual(json(same), [], 'both findings still matched');
    // a new call is a new finding, even with the same text as a baselined one elsewhere
    write(dir, 'src/a.ts', moved + `\nexport async function again(id: string) {\n  const res = await fetch(\`https://api.example.com/users/\${id}\`);\n  return res.json();\n}\n`);
    const r = await run(['check', 'src', '--baseline', 'bl.json', '--format', 'json'], dir);
    assert.deepEqual(json(r).map(f => f.line), [16], "the new copy, not a baselined original");
    const p = await run(['check', 'src', '--baseline', 'bl.json'], dir);
    assert.match(p.stdout, /✖ 1 new problem \(1 warning\) in 1 file; 2 in baseline\./);
  });

  test('identical lines: the count decides (a pasted copy is one new finding, not a shift of the others)', async () => {
    const dir = tempProject({ 'src/b.ts': B });
    await run(['check', 'src', '--baseline', 'bl.json', '--update-baseline'], dir);
    const b = JSON.parse(read(dir, 'bl.json'));
    assert.equal(b.files['src/b.ts'].length, 2);
    assert.equal(b.files['src/b.ts'][0].fingerprint, b.files['src/b.ts'][1].fingerprint, 'same rule and line text: same fingerprint');
    assert.notEqual(b.files['src/b.ts'][0].context, b.files['src/b.ts'][1].context, 'told apart by their neighbourhood');
    write(dir, 'src/b.ts', B.replace("  await fetch('https://api.example.com/ping');\n", "  await fetch('https://api.example.com/ping');\n  await fetch('https://api.example.com/ping');\n"));
    assert.equal(json(await run(['check', 'src', '--baseline', 'bl.json', '--format', 'json'], dir)).length, 1);
    write(dir, 'src/b.ts', `export async function ping() {\n  await fetch('https://api.example.com/ping');\n}\n`);
    assert.equal(json(await run(['check', 'src', '--baseline', 'bl.json', '--format', 'json'], dir)).length, 0);
  });

  test('--update-baseline prunes fixed findings and keeps entries of files not analysed in this run', async () => {
    const dir = tempProject({ 'src/a.ts': A, 'lib/b.ts': B });
    await run(['check', '.', '--baseline', 'bl.json', '--update-baseline'], dir);
    assert.deepEqual(Object.keys(JSON.parse(read(dir, 'bl.json')).files), ['lib/b.ts', 'src/a.ts']);
    // fix one finding in src/a.ts, update from src only: lib/b.ts stays, src/a.ts loses one entry
    write(dir, 'src/a.ts', A.replace('fetch(`https://api.example.com/users/${id}`)', 'fetch(`https://api.example.com/users/${id}`, { signal: AbortSignal.timeout(5000) })'));
    const u = await run(['check', 'src', '--baseline', 'bl.json', '--update-baseline'], dir);
    assert.match(u.stderr, /wrote bl\.json: 3 findings \(0 added, 1 removed\)/);
    const b = JSON.parse(read(dir, 'bl.json'));
    assert.equal(b.files['src/a.ts'].length, 1);
    assert.equal(b.files['lib/b.ts'].length, 2);
    // a deleted file's entries go
    fs.rmSync(path.join(dir, 'lib/b.ts'));
    await run(['check', 'src', '--baseline', 'bl.json', '--update-baseline'], dir);
    assert.deepEqual(Object.keys(JSON.parse(read(dir, 'bl.json')).files), ['src/a.ts']);
  });

  test('errors: a missing or malformed baseline is a usage error (exit 2) with a hint', async () => {
    const dir = tempProject({ 'src/a.ts': A });
    const missing = await run(['check', 'src', '--baseline', 'nope.json'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the baseline .*nope\.json \(ENOENT\); create it with --update-baseline/);
    write(dir, 'bad.json', '{ "version": 1 }');
    assert.match((await run(['check', 'src', '--baseline', 'bad.json'], dir)).stderr, /has no "files" object/);
    write(dir, 'old.json', '{ "version": 99, "files": {} }');
    assert.match((await run(['check', 'src', '--baseline', 'old.json'], dir)).stderr, /has version 99/);
  });

  test('SARIF and GitHub output leave baselined findings out', async () => {
    const dir = tempProject({ 'src/a.ts': A });
    await run(['check', 'src', '--baseline', 'bl.json', '--update-baseline'], dir);
    const s = JSON.parse((await run(['check', 'src', '--baseline', 'bl.json', '--format', 'sarif'], dir)).stdout);
    assert.deepEqual(s.runs[0].results, []);
    assert.equal((await run(['check', 'src', '--baseline', 'bl.json', '--format', 'github'], dir)).stdout, '');
  });
});

describe('init', () => {
  test('writes a commented .incident-lens.json that parses (JSONC) with no problems and keeps the defaults', async () => {
    const dir = tempProject({ 'src/a.ts': A });
    const r = await run(['init'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /wrote \.incident-lens\.json/);
    const text = read(dir, '.incident-lens.json');
    assert.match(text, /^\/\/ Incident Lens configuration/);
    for (const rule of allRules) assert.match(text, new RegExp(`// "${rule.meta.id}": "${rule.meta.defaultSeverity}",`));
    const layer = parseConfigLayer(text, path.join(dir, '.incident-lens.json'), allRules.map(x => x.meta.id));
    assert.deepEqual(layer.problems, []);
    assert.deepEqual(layer.values, { rules: {}, defaultTimeoutMs: 10000, browserCode: 'skip', exclude: [], maxFileSizeBytes: 1000000, incidentsDir: '.incidents' });
    assert.equal((await run(['check', 'src', '--format', 'json'], dir)).code, 0, 'check reads it');
    // not overwritten without --force
    write(dir, '.incident-lens.json', '{}');
    const again = await run(['init'], dir);
    assert.match(again.stderr, /\.incident-lens\.json exists; kept it \(--force overwrites it\)/);
    assert.equal(read(dir, '.incident-lens.json'), '{}');
    await run(['init', '--force'], dir);
    assert.match(read(dir, '.incident-lens.json'), /Incident Lens configuration/);
  });

  test('init --baseline [file] writes the baseline too; check --baseline then passes', async () => {
    const dir = tempProject({ 'src/a.ts': A, '.incident-lens.json': '{ "rules": { "missing-timeout": "error" } }' });
    const r = await run(['init', '--baseline'], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /wrote \.incident-lens-baseline\.json: 2 findings/);
    assert.equal((await run(['check', '--baseline', '.incident-lens-baseline.json'], dir)).code, 0);
    await run(['init', '--baseline', 'ci/bl.json'], dir);
    assert.equal(Object.keys(JSON.parse(read(dir, 'ci/bl.json')).files)[0], '../src/a.ts');
    assert.equal((await run(['check', '--baseline', 'ci/bl.json'], dir)).code, 0);
  });
});
