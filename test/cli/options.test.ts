/** Issue 19 item 4: the CLI behaves like ESLint/Ruff (help, suggestions, colours, output file, stdin, summary). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { tempProject } from '../helpers/temp-project';
import { runCli as run } from '../helpers/cli';
import { useColor } from '../../src/cli/main';

const FETCH = `export async function user(id: string) {\n  const res = await fetch(\`https://api.example.com/users/\${id}\`);\n  return res.json();\n}\n`;
const STRIPE = `import Stripe from 'stripe';\nconst stripe = new Stripe(process.env.STRIPE_KEY!);\n\napp.post('/charge', async (req, res) => {\n  const charge = await stripe.charges.create({ amount: req.body.amount, currency: 'usd', source: req.body.token });\n  res.json(charge);\n});\n`;

describe('help and usage errors', () => {
  test('check --help and -h print the check help on stdout and exit 0', async () => {
    const dir = tempProject({});
    for (const args of [['check', '--help'], ['check', '-h'], ['check', 'src', '--format', 'json', '--help'], ['help', 'check']]) {
      const r = await run(args, dir);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: incident-lens check \[paths\.\.\.\] \[options\]/);
      assert.match(r.stdout, /--max-warnings <n> +exit 1 when there are more than n warnings \(-1: no limit/);
      assert.match(r.stdout, /--\[no-\]color/);
      assert.equal(r.stderr, '');
    }
    assert.match((await run(['init', '--help'], dir)).stdout, /^Usage: incident-lens init/);
  });

  test('unknown options name the nearest known one; exit 2', async () => {
    const dir = tempProject({});
    const cases: [string[], RegExp][] = [
      [['check', '--frmat', 'json'], /unknown option --frmat for `check` \(did you mean --format\?\)/],
      [['check', '--max-warning', '0'], /did you mean --max-warnings\?/],
      [['check', '--no-colour'], /did you mean --no-color\?/],
      [['check', '--baseline-update'], /unknown option --baseline-update/],
      [['check', '--zzzzzz'], /^incident-lens: unknown option --zzzzzz for `check`\nRun `incident-lens check --help` for usage\.\n$/],
      [['check', '--fix=yes'], /--fix does not take a value/],
      [['check', '--format'], /--format needs a value <fmt>/],
      [['check', '--format', '--fix'], /--format needs a value <fmt> \(got the option --fix/],
      [['check', '--format', 'jsn'], /unknown --format "jsn" \(pretty, json, json-with-summary, sarif, github\)/],
      [['chekc'], /unknown command "chekc" \(did you mean `check`\?\)/],
      [['check', '--max-warnings', '-2'], /--max-warnings takes a whole number ≥ -1/],
      [['check', '--since', 'main', '--staged'], /--since and --staged cannot be combined/],
      [['check', '--update-baseline'], /--update-baseline needs --baseline <file>/],
      [['check', '--unsafe-fixes'], /--unsafe-fixes applies with --fix/],
      [['check', 'src', '--stdin'], /--stdin analyses standard input: give no paths/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });
});

describe('--max-warnings', () => {
  test('-1 means no limit; 0 fails on any warning; the summary says so', async () => {
    const dir = tempProject({ 'src/a.ts': FETCH });
    assert.equal((await run(['check', 'src', '--max-warnings', '-1'], dir)).code, 0);
    assert.equal((await run(['check', 'src', '--max-warnings=-1'], dir)).code, 0);
    const zero = await run(['check', 'src', '--max-warnings', '0'], dir);
    assert.equal(zero.code, 1);
    assert.match(zero.stdout, /too many warnings \(maximum: 0\)/);
    const j = JSON.parse((await run(['check', 'src', '--max-warnings', '0', '--format', 'json-with-summary'], dir)).stdout);
    assert.equal(j.summary.maxWarnings, 0);
    assert.equal(j.summary.tooManyWarnings, true);
  });
});

describe('colours', () => {
  const io = (isTTY: boolean, env: Record<string, string> = {}) => ({ stdout: () => undefined, stderr: () => undefined, cwd: '/', isTTY, env });
  test('flag, then FORCE_COLOR, then NO_COLOR, then the terminal', () => {
    assert.equal(useColor(undefined, io(true)), true);
    assert.equal(useColor(undefined, io(false)), false);
    assert.equal(useColor(undefined, io(true, { NO_COLOR: '1' })), false);
    assert.equal(useColor(undefined, io(true, { NO_COLOR: '' })), true, 'NO_COLOR set but empty does not count (no-color.org)');
    assert.equal(useColor(undefined, io(false, { FORCE_COLOR: '1' })), true);
    assert.equal(useColor(undefined, io(true, { FORCE_COLOR: '0' })), false);
    assert.equal(useColor(undefined, io(false, { FORCE_COLOR: '1', NO_COLOR: '1' })), true);
    assert.equal(useColor(undefined, io(true, { TERM: 'dumb' })), false);
    assert.equal(useColor(true, io(false, { NO_COLOR: '1' })), true);
    assert.equal(useColor(false, io(true, { FORCE_COLOR: '1' })), false);
  });
  test('--color / --no-color / NO_COLOR / FORCE_COLOR reach the pretty output', async () => {
    const dir = tempProject({ 'src/a.ts': FETCH });
    const esc = /\x1b\[/;
    assert.match((await run(['check', 'src', '--color'], dir)).stdout, esc);
    assert.doesNotMatch((await run(['check', 'src', '--no-color'], dir, { tty: true })).stdout, esc);
    assert.doesNotMatch((await run(['check', 'src'], dir, { tty: true, env: { NO_COLOR: '1' } })).stdout, esc);
    assert.match((await run(['check', 'src'], dir, { env: { FORCE_COLOR: '1' } })).stdout, esc);
  });
});

describe('--output-file', () => {
  test('writes the report to the file (directories created), nothing on stdout; notices stay on stderr', async () => {
    const dir = tempProject({ 'src/a.ts': FETCH, 'src/big.ts': 'x'.repeat(1_100_000) });
    const r = await run(['check', 'src', '--format', 'sarif', '--output-file', 'reports/out.sarif'], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /src\/big\.ts: skipped \(larger than 1 MB: 1\.1 MB\)/);
    const s = JSON.parse(fs.readFileSync(path.join(dir, 'reports/out.sarif'), 'utf8'));
    assert.equal(s.runs[0].results.length, 1);
    const p = await run(['check', 'src', '-o', 'out.txt'], dir, { tty: true });
    assert.equal(p.stdout, '');
    const text = fs.readFileSync(path.join(dir, 'out.txt'), 'utf8');
    assert.match(text, /✖ 1 problem \(1 warning\) in 1 file\.\n/, "the skipped file is not counted");
    assert.doesNotMatch(text, /\x1b\[/, 'no colours in a file unless --color');
  });
});

describe('--stdin', () => {
  test('analyses standard input as --stdin-filename (its config and language), reports under that name', async () => {
    const dir = tempProject({ '.incident-lens.json': '{ "rules": { "missing-timeout": "error" } }' });
    const r = await run(['check', '--stdin', '--stdin-filename', 'src/a.ts', '--format', 'json'], dir, { stdin: FETCH });
    assert.equal(r.code, 1, 'the config found from src/a.ts makes it an error');
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.map((f: { file: string; line: number; ruleId: string; severity: string }) => [f.file, f.line, f.ruleId, f.severity]), [['src/a.ts', 2, 'missing-timeout', 'error']]);
    assert.ok(!fs.existsSync(path.join(dir, 'src/a.ts')), 'the file need not exist');
    const js = await run(['check', '--stdin', '--stdin-filename', 'lib/x.js', '--format', 'json'], dir, { stdin: 'const r = await fetch(url);\n' });
    assert.equal(JSON.parse(js.stdout)[0].file, 'lib/x.js');
    const anon = await run(['check', '--stdin', '--format', 'json'], dir, { stdin: FETCH });
    assert.equal(JSON.parse(anon.stdout)[0].file, 'stdin.ts');
  });
  test('--stdin --fix prints the fixed text on stdout and the report on stderr (as ruff does)', async () => {
    const dir = tempProject({});
    const r = await run(['check', '--stdin', '--stdin-filename', 'a.ts', '--fix'], dir, { stdin: FETCH });
    assert.match(r.stdout, /await fetch\(`https:\/\/api\.example\.com\/users\/\$\{id\}`, \{ signal: AbortSignal\.timeout\(10000\) \}\)/);
    assert.match(r.stderr, /No problems found in 1 file\./);
    assert.ok(!fs.existsSync(path.join(dir, 'a.ts')));
  });
});

describe('--unsafe-fixes', () => {
  test('--fix leaves unsafe fixes; --fix --unsafe-fixes applies them and the result re-analyses without that finding', async () => {
    const dir = tempProject({ 'src/pay.ts': STRIPE });
    const before = await run(['check', 'src'], dir);
    assert.match(before.stdout, /fix: .*\(unsafe: applied by --fix --unsafe-fixes, or in the editor\)/);
    assert.match(before.stdout, /1 more with `--fix --unsafe-fixes` \(review the changes\)\./);
    await run(['check', 'src', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'src/pay.ts'), 'utf8'), STRIPE, '--fix alone applies safe fixes only');
    const r = await run(['check', 'src', '--fix', '--unsafe-fixes', '--format', 'json'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'src/pay.ts'), 'utf8');
    assert.match(fixed, /idempotencyKey/);
    assert.match(r.stderr, /fixed 1 file\n/);
    assert.deepEqual(JSON.parse(r.stdout).filter((f: { ruleId: string }) => f.ruleId === 'non-idempotent-handler'), []);
  });
});

describe('summary and notices', () => {
  test('plurals, files with findings of files checked, only the non-zero severities', async () => {
    const dir = tempProject({ 'src/a.ts': FETCH, 'src/b.ts': FETCH + FETCH.replace('user', 'user2'), 'src/c.ts': 'export const x = 1;\n' });
    const r = await run(['check', 'src'], dir);
    assert.match(r.stdout, /✖ 3 problems \(3 warnings\) in 2 of 3 files\.\n {2}3 fixable with the `--fix` option\.\n$/);
    const one = await run(['check', 'src/a.ts'], dir);
    assert.match(one.stdout, /✖ 1 problem \(1 warning\) in 1 file\./);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ "rules": { "missing-timeout": "error" } }');
    assert.match((await run(['check', 'src/a.ts'], dir)).stdout, /✖ 1 problem \(1 error\) in 1 file\./);
    assert.match((await run(['check', 'src/c.ts'], dir)).stdout, /✓ No problems found in 1 file\./);
  });

  test('json-with-summary: findings, summary and notices in one object', async () => {
    const dir = tempProject({ 'src/a.ts': FETCH, 'src/c.ts': 'export const x = 1;\n', 'src/bin.ts': Buffer.from([0, 1, 2]) });
    const r = await run(['check', 'src', '--format', 'json-with-summary'], dir);
    const j = JSON.parse(r.stdout);
    assert.equal(j.tool, 'incident-lens');
    assert.deepEqual(j.summary, { files: 2, filesWithFindings: 1, problems: 1, errors: 0, warnings: 1, info: 0, fixable: 1, unsafeFixable: 0, skipped: 1, maxWarnings: -1, tooManyWarnings: false });
    assert.equal(j.findings.length, 1);
    assert.equal(j.findings[0].file, 'src/a.ts');
    assert.deepEqual(j.notices, ['src/bin.ts: skipped (binary file)']);
  });

  test('a file with syntax errors gets a notice that its findings may be incomplete', async () => {
    const dir = tempProject({ 'src/broken.ts': `export async function f() {\n  const r = await fetch(url);\n  if (r.ok {\n}\n`, 'src/ok.ts': FETCH });
    const r = await run(['check', 'src', '--format', 'json'], dir);
    assert.match(r.stderr, /^incident-lens: src\/broken\.ts: has syntax errors; findings in it may be incomplete$/m);
    assert.doesNotMatch(r.stderr, /ok\.ts/);
  });

  test('skipped-file notices read naturally', async () => {
    const dir = tempProject({ 'src/big.ts': 'x'.repeat(2_500_000), 'src/a.ts': FETCH });
    const r = await run(['check', 'src', '--format', 'json'], dir);
    assert.match(r.stderr, /src\/big\.ts: skipped \(larger than 1 MB: 2\.5 MB\)/);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ "maxFileSizeBytes": 2048 }');
    fs.writeFileSync(path.join(dir, 'src/mid.ts'), 'y'.repeat(5000));
    assert.match((await run(['check', 'src', '--format', 'json'], dir)).stderr, /src\/mid\.ts: skipped \(larger than 2 KB: 5 KB\)/);
  });
});
