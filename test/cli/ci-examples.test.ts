/**
 * Issue 19 item 6: the GitHub Actions workflow example (docs/ci/github-actions.yml) and the pre-commit hook
 * (.pre-commit-hooks.yaml). Their command lines are run as written (bash -eo pipefail, as Actions runs `run:`
 * steps; `npx incident-lens` is this checkout's bin) in temporary git projects, and their output is checked:
 * annotation syntax, SARIF 2.1.0 schema, exit codes, the files the next step reads.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import YAML from 'yaml';
import { tempProject } from '../helpers/temp-project';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'incident-lens.js');
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: GIT_ENV });

function repo(files: Record<string, string>): string {
  const dir = tempProject(files, 'il-ci-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** Runs a shell line as a workflow step would, with `npx incident-lens` / `incident-lens` being this checkout's CLI. */
function sh(line: string, cwd: string): { status: number; stdout: string; stderr: string } {
  const cmd = line.replace(/\bnpx incident-lens\b/g, `node ${JSON.stringify(BIN)}`).replace(/^incident-lens\b/, `node ${JSON.stringify(BIN)}`);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', cmd], { cwd, encoding: 'utf8', env: { ...GIT_ENV, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv = require('ajv-draft-04');
const sarifValidate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false })
  .compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));

const OLD = `export async function a() {\n  return fetch('https://api.example.com/old');\n}\n`;
const NEW = `export async function b() {\n  return fetch('https://api.example.com/new');\n}\n`;
const ANNOTATION = /^::(error|warning|notice) file=[^,:\n]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^:\n]+::\S.*$/;

interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }

describe('GitHub Actions workflow example (docs/ci/github-actions.yml)', () => {
  const wf = YAML.parse(fs.readFileSync(path.join(ROOT, 'docs/ci/github-actions.yml'), 'utf8'));
  const steps: Step[] = wf.jobs['incident-lens'].steps;
  const checks = steps.filter(s => s.run?.includes('incident-lens check'));
  const upload = steps.find(s => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
  const cacheStep = steps.find(s => s.uses?.startsWith('actions/cache@'))!;

  test('shape: triggers, the permission upload-sarif needs, the upload runs even after a failed check', () => {
    assert.ok(wf.on.pull_request !== undefined && wf.on.push);
    assert.equal(wf.permissions['security-events'], 'write');
    assert.equal(checks.length, 2);
    assert.ok(upload, 'uses github/codeql-action/upload-sarif');
    assert.match(upload.if ?? '', /!cancelled\(\)/);
    assert.equal(upload.with!.category, 'incident-lens');
  });

  test('its commands, run on a project with a baseline and one new finding: annotations for the new one only, SARIF where the upload reads it', () => {
    const dir = repo({ 'src/old.ts': OLD });
    // the step the comment asks for before the first run
    assert.equal(sh('npx incident-lens init --baseline', dir).status, 0);
    fs.writeFileSync(path.join(dir, 'src/new.ts'), NEW);

    const gate = sh(checks[0].run!, dir);
    assert.equal(gate.status, 0, `warnings only: the gate passes\n${gate.stderr}`);
    const lines = gate.stdout.trim().split('\n');
    assert.equal(lines.length, 1, gate.stdout);
    assert.match(lines[0], ANNOTATION);
    assert.match(lines[0], /^::warning file=src\/new\.ts,line=2,/);
    assert.ok(fs.existsSync(path.join(dir, cacheStep.with!.path)), 'the cache file is where actions/cache saves it from');

    const sarifStep = sh(checks[1].run!, dir);
    assert.equal(sarifStep.status, 0, sarifStep.stderr);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, upload.with!.sarif_file), 'utf8'));
    assert.ok(sarifValidate(sarif), JSON.stringify(sarifValidate.errors));
    assert.deepEqual(sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri), ['src/new.ts']);

    // an error-level new finding fails the gate (exit 1) but the SARIF step still succeeds and writes the file
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ "rules": { "missing-timeout": "error" } }');
    const failing = sh(checks[0].run!, dir);
    assert.equal(failing.status, 1);
    assert.match(failing.stdout.trim(), /^::error file=src\/new\.ts/);
    fs.rmSync(path.join(dir, upload.with!.sarif_file));
    assert.equal(sh(checks[1].run!, dir).status, 0, 'findings (exit 1) do not stop the upload');
    assert.ok(fs.existsSync(path.join(dir, upload.with!.sarif_file)));
    // a broken config (exit 2) does fail the SARIF step
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ "rules": ');
    const broken = sh(checks[1].run!, dir);
    assert.notEqual(broken.status, 0, 'the step fails (the CLI exits 2; `test 2 -eq 1` makes the step exit 1)');
    assert.match(broken.stderr, /invalid config/);
  });
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  const hook = hooks.find((h: { id: string }) => h.id === 'incident-lens');

  test('a node hook on the package bin, run once for the whole project (no file names passed)', () => {
    assert.equal(hook.language, 'node');
    assert.equal(hook.pass_filenames, false);
    assert.deepEqual(hook.types_or, ['ts', 'tsx', 'javascript', 'jsx']);
    assert.match(hook.entry, /^incident-lens check --staged\b/);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin['incident-lens'], 'bin/incident-lens.js', 'language: node installs this bin');
  });

  test('its entry blocks a commit that stages a new finding, ignores unstaged edits, passes a clean commit', () => {
    const dir = repo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 1;\n', 'package.json': '{ "name": "app", "private": true }\n' });
    fs.writeFileSync(path.join(dir, 'src/b.ts'), NEW); // unstaged
    fs.writeFileSync(path.join(dir, 'src/a.ts'), 'export const a = 2;\n');
    git(dir, 'add', 'src/a.ts');
    const clean = sh(hook.entry, dir);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /No problems found in 1 file\./);
    fs.writeFileSync(path.join(dir, 'src/a.ts'), OLD);
    git(dir, 'add', 'src/a.ts');
    const blocked = sh(hook.entry, dir);
    assert.equal(blocked.status, 1);
    assert.match(blocked.stdout, /src\/a\.ts\n {2}2:10 {2}warning/);
    assert.doesNotMatch(blocked.stdout, /src\/b\.ts/);
    assert.match(blocked.stdout, /too many warnings \(maximum: 0\)/);
    assert.ok(fs.existsSync(path.join(dir, 'node_modules/.cache/incident-lens/.incident-lens-cache')), 'the cache stays out of the work tree');
  });
});
