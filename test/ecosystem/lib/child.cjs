'use strict';
// The process that runs the CLI for one repository: `node child.cjs <incident-lens checkout> <result file> check ...`.
// It calls the checkout's built CLI (dist/cli.js, the same `main` bin/incident-lens.js calls) with the repository
// as cwd, and writes its exit code, stdout, stderr, its own peak RSS (process.resourceUsage().maxRSS: this process,
// not the parent) and CPU time to the result file. Plain JavaScript: no tsx in the measured process.
const fs = require('fs');
const path = require('path');

const [cliDir, resultFile, ...args] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const { main } = require(path.join(path.resolve(cliDir), 'dist', 'cli.js'));
const out = [];
const err = [];
main(args, {
  stdout: s => out.push(s), stderr: s => err.push(s), cwd: process.cwd(), isTTY: false, stderrTTY: false, env: {},
}).then(code => finish(code, undefined), e => finish(2, (e && e.stack) || String(e)));

function finish(code, crash) {
  const ru = process.resourceUsage();
  fs.writeFileSync(resultFile, JSON.stringify({
    code, crash,
    wallMs: Number(process.hrtime.bigint() - t0) / 1e6,
    maxRssKb: ru.maxRSS, userMs: ru.userCPUTime / 1000, systemMs: ru.systemCPUTime / 1000,
    stdout: out.join(''), stderr: err.join(''),
  }));
}
