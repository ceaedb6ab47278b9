// `npm run test:vscode` (and the last step of `npm test`): the extension in a REAL VS Code, offline.
//  1. installs the harness if missing (idempotent; code-server + Node 24 + Debian chromium into
//     $HARNESS_HOME, default ~/.cache/incident-lens-vscode-harness; test/vscode/harness/setup.sh),
//  2. builds the extension bundle, compiles the mocha suite, packages the VSIX and checks its contents,
//  3. runs the mocha suite inside code-server's extension host (route A, the @vscode/test-electron mechanism),
//  4. runs the UI test in Chromium against the installed VSIX (route B), with screenshots in out/screenshots/
//     (UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/, the ones the README shows).
// INCIDENT_LENS_VSCODE_RUNNER=electron runs step 3 with @vscode/test-electron instead (where VS Code can be
// downloaded). Prints `N passed, N failed` last; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const harnessDir = path.join(root, 'test/vscode/harness');
// Under CI (CI set, no HARNESS_HOME given) the harness goes into a fresh directory for this run, so CI exercises the
// cold install exactly as a new machine does (a cached harness once hid a broken install step); it is removed after.
const freshHarness = !!process.env.CI && !process.env.HARNESS_HOME;
const HARNESS_HOME = process.env.HARNESS_HOME
  || (freshHarness ? fs.mkdtempSync(path.join(os.tmpdir(), 'incident-lens-harness-')) : path.join(os.homedir(), '.cache', 'incident-lens-vscode-harness'));
// cs-harness.js reads HARNESS_HOME when it is loaded (below): set it in this process too, not only for children
process.env.HARNESS_HOME = HARNESS_HOME;
const env = { ...process.env, HARNESS_HOME };
const fixture = path.join(root, 'test/vscode/fixtures/workspace');
const vsix = path.join(root, 'dist/incident-lens.vsix');
const args = process.argv.slice(2);
let passed = 0, failed = 0;
const results = [];
const record = (name, ok, note = '') => { results.push({ name, ok, note }); ok ? passed++ : failed++; console.log(`${ok ? '✔' : '✘'} ${name}${note ? ` (${note})` : ''}`); };
const run = (cmd, argv, opts = {}) => spawnSync(cmd, argv, { cwd: root, env, stdio: 'inherit', ...opts });
const finish = () => {
  if (freshHarness) fs.rmSync(HARNESS_HOME, { recursive: true, force: true });
  console.log(`\n${passed} passed, ${failed} failed`); process.exit(failed ? 1 : 0);
};

// 1. harness
const { harnessInstalled } = require(path.join(harnessDir, 'cs-harness.js'));
if (!harnessInstalled()) {
  console.log(`test:vscode: installing the VS Code harness into ${HARNESS_HOME} (~3 min${freshHarness ? ', fresh for this CI run' : ', once'})…`);
  const r = run('bash', [path.join(harnessDir, 'setup.sh')]);
  if (r.status !== 0 || !harnessInstalled()) { record('install the VS Code harness', false, 'see the output above'); finish(); }
}

// 2. build, compile the suite, package, check the VSIX
if (!args.includes('--no-build')) {
  if (run(process.execPath, ['scripts/build.mjs', 'extension']).status !== 0) { record('build the extension bundle', false); finish(); }
  if (run(process.execPath, ['scripts/build.mjs', 'kb']).status !== 0) {
    if (!fs.existsSync(path.join(root, 'dist/kb.json'))) { record('build the knowledge-base index', false); finish(); }
    console.log('test:vscode: warning: the knowledge-base build failed; using the existing dist/kb.json');
  }
}
const { build } = await import('esbuild');
const outDir = path.join(root, 'out/vscode-suite');
fs.rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: fs.readdirSync(path.join(root, 'test/vscode/suite')).filter(f => f.endsWith('.ts')).map(f => path.join(root, 'test/vscode/suite', f)),
  outdir: outDir, bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning',
  // as scripts/build.mjs: jsonc-parser's UMD `main` requires its parts dynamically (esbuild cannot see them)
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
});
const vsce = require.resolve('@vscode/vsce/vsce');
// the VSIX carries the user-facing page (docs/marketplace/README.md with its images inlined: scripts/build.mjs) and the LICENSE;
// the repository README is for contributors. Same arguments as `npm run package`.
const pk = run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--readme-path', 'dist/readme.md', '--no-rewrite-relative-links', '--out', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });
if (pk.status !== 0 || !fs.existsSync(vsix)) { record('package the VSIX', false); finish(); }
{
  const { checkVsix } = await import(path.join(root, 'test/vscode/vsix-check.mjs'));
  const problems = checkVsix(vsix);
  record('VSIX contents (bundle, every .wasm, the index; nothing from src/ or node_modules/; ≤ 4 MB)', !problems.length, problems.join('; ') || `${(fs.statSync(vsix).size / 2 ** 20).toFixed(2)} MB`);
}

// 3. the mocha suite inside the extension host
const parseResult = (out, tag) => { const m = [...out.matchAll(new RegExp(`${tag} (\\{.*\\})`, 'g'))].pop(); return m ? JSON.parse(m[1]) : undefined; };
if (!args.includes('--ui-only')) {
  let r;
  if (process.env.INCIDENT_LENS_VSCODE_RUNNER === 'electron') {
    r = run(process.execPath, [path.join(root, 'test/vscode/run-electron.mjs'), outDir, fixture], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  } else {
    r = run(process.execPath, [path.join(harnessDir, 'run-ext-tests.js'), root, path.join(outDir, 'index.js'), fixture], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  }
  process.stdout.write(r.stdout ?? '');
  const res = parseResult(r.stdout ?? '', 'MOCHA_RESULT') ?? { passed: 0, failed: 1 };
  passed += res.passed; failed += res.failed;
  if (r.status !== 0 && !res.failed) record('extension-host suite exited cleanly', false, `exit ${r.status}`);
  console.log(`extension host suite: ${res.passed} passed, ${res.failed} failed`);
}

// 4. UI test (Chromium drives the workbench; screenshots)
if (!args.includes('--no-ui')) {
  // screenshots go to out/screenshots; UPDATE_SCREENSHOTS=1 refreshes the committed ones in docs/screenshots
  const shots = path.join(root, process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'out/screenshots');
  const r = run(process.execPath, [path.join(harnessDir, 'ui-e2e.js'), vsix, fixture, shots], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  console.log(`UI test screenshots: ${path.relative(root, shots)}`);
  process.stdout.write(r.stdout ?? '');
  const res = parseResult(r.stdout ?? '', 'UI_RESULT') ?? { passed: 0, failed: 1 };
  passed += res.passed; failed += res.failed;
  console.log(`UI test: ${res.passed} passed, ${res.failed} failed`);
}
finish();
