#!/usr/bin/env node
'use strict';
const path = require('path');
const fs = require('fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('incident-lens: dist/cli.js is missing; run `npm run build` (npm ci runs it through `prepare`).\n');
  process.exit(2);
}
// output piped into a command that stops reading (`| head`): end quietly, not with an EPIPE stack trace
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', e => { if (e && e.code === 'EPIPE') process.exit(process.exitCode || 0); throw e; });
}
require(cli).main(process.argv.slice(2), {
  stdout: s => process.stdout.write(s),
  stderr: s => process.stderr.write(s),
  cwd: process.cwd(),
  isTTY: !!process.stdout.isTTY,
  stderrTTY: !!process.stderr.isTTY,
  env: process.env,
}).then(code => { process.exitCode = code; }, e => {
  process.stderr.write(`incident-lens: internal error: ${(e && e.stack) || e}\n`);
  process.exitCode = 2;
});
