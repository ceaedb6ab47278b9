// The same mocha suite under @vscode/test-electron, for machines that can download VS Code
// (INCIDENT_LENS_VSCODE_RUNNER=electron npm run test:vscode). usage: node run-electron.mjs <compiledSuiteDir> <workspaceFixture>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = path.dirname(path.dirname(path.dirname(new URL(import.meta.url).pathname)));
const [suiteDir, fixture] = process.argv.slice(2).map(p => path.resolve(p));
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-lens-ws-'));
fs.cpSync(fixture, ws, { recursive: true });
const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-lens-ud-'));
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(suiteDir, 'index.js'),
    launchArgs: [ws, '--disable-workspace-trust', '--user-data-dir', userData, '--skip-welcome', '--skip-release-notes'],
  });
  process.exit(0);
} catch (e) {
  console.error(e);
  process.exit(1);
}
