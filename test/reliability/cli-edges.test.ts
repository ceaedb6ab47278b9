// CLI edge cases of issue 21 (items 3 and 6): each ends in a clear notice or a correct result, never a stack
// trace, and the other files' findings stay intact.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/main';
import { uriPath } from '../../src/cli/format';
import { tempProject } from '../helpers/temp-project';

const FINDING = 'export async function f(u: string) { return fetch(u); }\n';

async function run(args: string[], cwd: string) {
  let stdout = '', stderr = '';
  const code = await main(args, { stdout: s => { stdout += s; }, stderr: s => { stderr += s; }, cwd, isTTY: false, stderrTTY: false, env: {} });
  return { code, stdout, stderr };
}
const filesOf = (stdout: string) => [...new Set((JSON.parse(stdout) as { file: string }[]).map(f => f.file))].sort();

test('a .gitignore line too long to use is skipped with a notice; the other lines still apply', async () => {
  const dir = tempProject({ '.gitignore': 'x'.repeat(40_000) + '\nignored.ts\n', 'a.ts': FINDING, 'ignored.ts': FINDING });
  const r = await run(['check', '.', '--format', 'json'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(filesOf(r.stdout), ['a.ts']);
  assert.equal(r.stderr, 'incident-lens: .gitignore:1: .gitignore line skipped (longer than 4096 characters)\n');
});

test('an exclude glob picomatch cannot take is a config error naming the setting, not a stack trace', async () => {
  const dir = tempProject({ '.incident-lens.json': JSON.stringify({ exclude: ['legacy/**', 'a'.repeat(70_000)] }), 'a.ts': FINDING });
  const r = await run(['check', '.'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^incident-lens: invalid config .*\.incident-lens\.json: "exclude\.1" is longer than 4096 characters \(70000\) \(line 1, column 25\)\n$/);
});

test("check '' is a usage error", async () => {
  const r = await run(['check', ''], tempProject({ 'a.ts': FINDING }));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^incident-lens: an empty path was given \(use \. for the current directory\)\n/);
});

test('a top-level `..y.ts` is a name, not a parent directory: .gitignore and excludes apply to it', async () => {
  const ignoredDir = tempProject({ '.gitignore': '*.ts\n', '..y.ts': FINDING, 'src/z.js': 'module.exports = () => fetch(u);\n' });
  assert.deepEqual(filesOf((await run(['check', '.', '--format', 'json'], ignoredDir)).stdout), ['src/z.js']);
  const plain = tempProject({ '..y.ts': FINDING, '.incident-lens.json': '{"exclude": ["skip/**"]}', 'skip/s.ts': FINDING });
  assert.deepEqual(filesOf((await run(['check', '.', '--format', 'json'], plain)).stdout), ['..y.ts']);
});

test('a FIFO, /dev/null, a symlink loop and a non-UTF-8 file name named or found get clear notices', { skip: process.platform === 'win32' }, async () => {
  const dir = tempProject({ 'a.ts': FINDING, 'sub/b.ts': FINDING });
  spawnSync('mkfifo', [path.join(dir, 'pipe.ts')]);
  fs.symlinkSync('loop.ts', path.join(dir, 'loop.ts'));
  fs.writeFileSync(Buffer.from(path.join(dir, 'sub', 'bad-\xff.ts'), 'latin1'), FINDING);
  const r = await run(['check', 'a.ts', 'pipe.ts', '/dev/null', 'loop.ts', 'sub', '--format', 'json'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(filesOf(r.stdout), ['a.ts', 'sub/b.ts']);
  assert.deepEqual(r.stderr.trim().split('\n').sort(), [
    'incident-lens: /dev/null: skipped (not a regular file: a character device)',
    'incident-lens: loop.ts: skipped (a symbolic link loop)',
    'incident-lens: pipe.ts: skipped (not a regular file: a FIFO)',
    'incident-lens: sub/bad-\ufffd.ts: skipped (the file name is not valid UTF-8)',
  ]);
});

test('SARIF artifact URIs are percent-encoded: no segment reads as a scheme, `%` and spaces survive a round trip', async () => {
  const names = ['a b.ts', 'percent%2C.ts', 'colon:comma,.ts', 'hash#q?.ts'];
  const dir = tempProject(Object.fromEntries(names.map(n => [n, FINDING])));
  const r = await run(['check', '.', '--format', 'sarif'], dir);
  const uris = (JSON.parse(r.stdout).runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[])
    .map(x => x.locations[0].physicalLocation.artifactLocation.uri).sort();
  assert.deepEqual(uris, ['a%20b.ts', 'colon%3Acomma%2C.ts', 'hash%23q%3F.ts', 'percent%252C.ts']);
  for (const u of uris) {
    assert.throws(() => new URL(u), 'a relative reference, not an absolute URI with a scheme');
    assert.ok(names.includes(decodeURIComponent(new URL(u, 'file:///root/').pathname.slice('/root/'.length))), u);
  }
  assert.equal(uriPath('src/a b/c.ts'), 'src/a%20b/c.ts');
});

test('--fix keeps a UTF-8 BOM and CRLF line endings (inserted lines too)', async () => {
  const original = '\uFEFFexport async function a(u: string) {\r\n  const r = await fetch(u, {\r\n    method: "POST",\r\n  });\r\n  return r;\r\n}\r\n';
  const dir = tempProject({ 'bom-crlf.ts': original });
  const r = await run(['check', 'bom-crlf.ts', '--fix'], dir);
  assert.match(r.stderr, /fixed 1 file/);
  const fixed = fs.readFileSync(path.join(dir, 'bom-crlf.ts'), 'utf8');
  assert.ok(fixed.startsWith('\uFEFF'), 'BOM kept');
  assert.match(fixed, /signal: AbortSignal\.timeout\(10000\)/);
  assert.doesNotMatch(fixed.replace(/\r\n/g, ''), /[\r\n]/, 'every line break is CRLF');
  assert.equal((await run(['check', 'bom-crlf.ts', '--fix'], dir)).stderr, '', 'a second --fix changes nothing');
});

test('CR-only line endings count as lines in positions (as in VS Code)', async () => {
  const dir = tempProject({ 'mac.ts': 'export async function f(u: string) {\r  const a = 1;\r  return fetch(u);\r}\r' });
  const out = JSON.parse((await run(['check', 'mac.ts', '--format', 'json'], dir)).stdout) as { line: number; column: number }[];
  assert.deepEqual(out.map(f => [f.line, f.column]), [[3, 10]]);
});
