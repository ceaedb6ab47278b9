/** Issue 19 item 1: changed-files mode (`--since`, `--changed`, `--staged`) in temporary git repositories. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { tempProject } from '../helpers/temp-project';
import { runCli as run } from '../helpers/cli';

/** git in `dir`, with a local identity (a fresh CI machine has no global one) and no user/system config. */
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' },
  });
}

function repo(files: Record<string, string>): string {
  const dir = tempProject(files, 'il-git-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

const write = (dir: string, f: string, s: string) => { fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true }); fs.writeFileSync(path.join(dir, f), s); };
const files = (r: { stdout: string }) => [...new Set((JSON.parse(r.stdout) as { file: string }[]).map(f => f.file))].sort();

const CALL = (u: string) => `export async function get() {\n  return fetch('https://api.example.com${u}');\n}\n`;
const AXIOS_CALL = `import axios from 'axios';\nexport const get = (u: string) => axios.get(u);\n`;

describe('changed-files mode', () => {
  test('--changed: only files changed against the default branch (committed on the branch, staged, unstaged, untracked)', async () => {
    const dir = repo({ 'src/old.ts': CALL('/old'), 'src/a.ts': CALL('/a'), 'src/b.ts': CALL('/b'), 'src/c.ts': CALL('/c') });
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'src/a.ts', CALL('/a2'));
    git(dir, 'commit', '-q', '-am', 'change a');
    write(dir, 'src/b.ts', CALL('/b2'));
    git(dir, 'add', 'src/b.ts');
    write(dir, 'src/c.ts', CALL('/c2'));
    write(dir, 'src/new.ts', CALL('/new'));
    const r = await run(['check', '.', '--changed', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(files(r), ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/new.ts']);
    const all = await run(['check', '.', '--format', 'json'], dir);
    assert.ok(files(all).includes('src/old.ts'), 'without the flag every file is reported');
    const p = await run(['check', '.', '--changed'], dir);
    assert.match(p.stdout, /Reporting on 4 files \(files changed since main\) of 5 files analysed\./);
    assert.match(p.stdout, /✖ 4 problems \(4 warnings\) in 4 files\./);
  });

  test('--since <ref> compares with the merge base: changes made on <ref> after branching are not reported', async () => {
    const dir = repo({ 'src/a.ts': CALL('/a'), 'src/m.ts': CALL('/m') });
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'src/a.ts', CALL('/a2'));
    git(dir, 'commit', '-q', '-am', 'feature work');
    git(dir, 'checkout', '-q', 'main');
    write(dir, 'src/m.ts', CALL('/m2'));
    git(dir, 'commit', '-q', '-am', 'main moved on');
    git(dir, 'checkout', '-q', 'feature');
    assert.deepEqual(files(await run(['check', '.', '--since', 'main', '--format', 'json'], dir)), ['src/a.ts']);
    // origin/HEAD wins as the default branch for --changed
    git(dir, 'update-ref', 'refs/remotes/origin/trunk', 'HEAD~1');
    git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    assert.match((await run(['check', '.', '--changed'], dir)).stdout, /files changed since origin\/trunk/);
    // a deleted file is not reported (and does not break the run)
    fs.rmSync(path.join(dir, 'src/a.ts'));
    assert.deepEqual(files(await run(['check', '.', '--since', 'main', '--format', 'json'], dir)), []);
  });

  test('--staged: only staged files; an unstaged edit is not reported', async () => {
    const dir = repo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 1;\n' });
    write(dir, 'src/a.ts', CALL('/a'));
    git(dir, 'add', 'src/a.ts');
    write(dir, 'src/b.ts', CALL('/b'));
    assert.deepEqual(files(await run(['check', '.', '--staged', '--format', 'json'], dir)), ['src/a.ts']);
  });

  test('project facts come from the whole project: a fact in an unchanged file voids findings in a changed one', async () => {
    const dir = repo({ 'src/setup.ts': `import axios from 'axios';\naxios.defaults.timeout = 5000;\n`, 'src/api.ts': 'export {};\n' });
    write(dir, 'src/api.ts', AXIOS_CALL);
    const withFacts = await run(['check', '.', '--changed', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(withFacts.stdout), [], 'axios.defaults.timeout in src/setup.ts (unchanged) applies');
    // the control: without that file the changed file has a finding
    fs.rmSync(path.join(dir, 'src/setup.ts'));
    assert.deepEqual(files(await run(['check', '.', '--changed', '--format', 'json'], dir)), ['src/api.ts']);
  });

  test('notices are limited to the reported files; outside a git repository the flags are a clear error', async () => {
    const dir = repo({ 'src/big.ts': 'x'.repeat(1_100_000), 'src/a.ts': 'export {};\n' });
    write(dir, 'src/a.ts', CALL('/a'));
    const r = await run(['check', '.', '--changed', '--format', 'json'], dir);
    assert.doesNotMatch(r.stderr, /big\.ts/);
    const plain = tempProject({ 'a.ts': CALL('/a') });
    const bad = await run(['check', '.', '--changed'], plain);
    if (!fs.existsSync(path.join(path.dirname(plain), '.git'))) {
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /not in a git repository .*--since, --changed and --staged compare with git/);
    }
    const badRef = await run(['check', '.', '--since', 'no-such-branch'], dir);
    assert.equal(badRef.code, 2);
    assert.match(badRef.stderr, /unknown git revision "no-such-branch"/);
  });
});
