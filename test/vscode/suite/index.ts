// Entry loaded by the extension host through extensionTestsPath (code-server payload, or @vscode/test-electron).
import * as fs from 'fs';
import * as path from 'path';
// mocha@11: the package export is the Mocha constructor (mocha@12 changed that)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 180000, color: false, reporter: 'spec', grep: process.env.MOCHA_GREP });
  for (const f of fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures: number) => {
      console.log(`MOCHA_RESULT ${JSON.stringify({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? failures })}`);
      if (failures) reject(new Error(`${failures} tests failed`)); else resolve();
    });
  });
}
