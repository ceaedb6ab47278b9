// Route A: runs the extension's mocha suite INSIDE code-server's real Node extension host, the mechanism
// @vscode/test-electron uses (extensionDevelopmentPath + extensionTestsPath), passed through the web
// workbench's ?payload= (honoured with the server flag enable-smoke-test-driver). The extension host's console
// (mocha's reporter) comes back through window.codeAutomationLog, the exit code through codeAutomationExit.
// usage: node run-ext-tests.js <extensionDir> <testsEntry.js> <workspaceFixture>
// prints the suite's own `MOCHA_RESULT {"passed":N,"failed":M}` line; exit code 0 when all passed.
const fs = require('fs'), path = require('path'), util = require('util');
const { startCodeServer, launchChromium, log } = require('./cs-harness');
const extDir = path.resolve(process.argv[2]);
const testsPath = path.resolve(process.argv[3]);
const fixture = path.resolve(process.argv[4]);

(async () => {
  const cs = await startCodeServer({ fixture, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
  const browser = await launchChromium();
  let code = 'error';
  let result;
  const fullLog = [];
  try {
    const page = await browser.newPage();
    let done; const exited = new Promise(r => done = r);
    const noise = /AgentHost|ChatModelSelection|AccountPolicyGate|socket|connection token|reconnection|Service Worker|Updating additional|open-vsx|ENOTFOUND|telemetry/i;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const t = util.format(...args); fullLog.push(t);
      const m = /MOCHA_RESULT (\{.*\})/.exec(t);
      if (m) result = JSON.parse(m[1]);
      if (!noise.test(t) || process.env.VERBOSE) console.log(t.split('\n').filter(l => !/^\s+at /.test(l) || process.env.VERBOSE).join('\n'));
    });
    await page.exposeFunction('codeAutomationExit', c => done(c));
    if (process.env.DEBUG) page.on('console', m => console.log('  [page]', m.type(), m.text().slice(0, 300)));
    const payload = [['extensionDevelopmentPath', `vscode-remote://${cs.authority}${extDir}`],
                     ['extensionTestsPath', `vscode-remote://${cs.authority}${testsPath}`]];
    await page.goto(`${cs.base}/?folder=${encodeURIComponent(cs.ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    code = await Promise.race([exited, new Promise(r => setTimeout(() => r('timeout'), +(process.env.TIMEOUT_MS || 300000)))]);
    log('extension host exited with', code);
  } finally {
    await browser.close().catch(() => {});
    cs.stop();
    fs.writeFileSync(`${cs.tmp}/workbench.log`, fullLog.join('\n'));
    log(`logs: ${cs.tmp}/{code-server,workbench}.log, ${cs.tmp}/ud/logs`);
  }
  if (!result) result = { passed: 0, failed: 1, note: `no result line (exit ${code})` };
  console.log(`MOCHA_RESULT ${JSON.stringify(result)}`);
  process.exit(code === 0 && result.failed === 0 ? 0 : 1);
})().catch(e => { console.error(e); console.log('MOCHA_RESULT {"passed":0,"failed":1}'); process.exit(1); });
