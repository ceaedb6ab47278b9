// `npm run demo`: the extension in a real VS Code on examples/, with no VS Code installed.
// Installs the harness if missing (code-server + Node 24 from npm, ~3 min once, into
// ~/.cache/incident-lens-vscode-harness), builds and packages the VSIX, starts code-server on 127.0.0.1 with the
// VSIX installed on a copy of examples/, and prints the URL to open. Ctrl+C stops it.
// Options: --port N (default: a free port), --workspace DIR (default: examples).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const harnessDir = path.join(root, 'test/vscode/harness');
process.env.HARNESS_HOME ||= path.join(os.homedir(), '.cache', 'incident-lens-vscode-harness');
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const workspace = path.resolve(root, arg('--workspace', 'examples'));
const vsix = path.join(root, 'dist/incident-lens.vsix');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status;

const { harnessInstalled, startCodeServer } = require(path.join(harnessDir, 'cs-harness.js'));
if (!harnessInstalled()) {
  console.log(`demo: installing code-server and its Node 24 into ${process.env.HARNESS_HOME} (~3 min, once)…`);
  if (run('bash', [path.join(harnessDir, 'setup.sh')]) !== 0 || !harnessInstalled()) { console.error('demo: harness install failed (see above)'); process.exit(1); }
}
if (run(process.execPath, ['scripts/build.mjs']) !== 0 && !fs.existsSync(path.join(root, 'dist/extension.js'))) process.exit(1);
const vsce = require.resolve('@vscode/vsce/vsce');
if (run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', vsix]) !== 0) process.exit(1);
if (!fs.existsSync(workspace)) { console.error(`demo: no such folder ${workspace}`); process.exit(1); }

const cs = await startCodeServer({ fixture: workspace, vsix, port: Number(arg('--port', 0)) || undefined, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
const url = `${cs.base}/?folder=${encodeURIComponent(cs.ws)}`;
console.log(`
  Incident Lens demo is running (VS Code ${'in your browser'}, extension installed from ${path.relative(root, vsix)}).
  Workspace: a copy of ${path.relative(root, workspace) || '.'} in ${cs.ws}

  Open:  ${url}

  Try: open a file under src/, hover a squiggle, press Ctrl+. on it, run "Incident Lens: Search Incidents and
  Patterns" or "Incident Lens: Scan Workspace" from the command palette (Ctrl+Shift+P).
  (On a remote machine: ssh -L ${cs.port}:127.0.0.1:${cs.port} <host>, then open the URL locally.)
  Ctrl+C to stop.`);
const stop = () => { cs.stop(); process.exit(0); };
process.on('SIGINT', stop); process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
