// `npm test`: build, then every unit/integration test file with node's test runner (TypeScript via tsx),
// then the extension suite in a real VS Code when the harness can run (see test/vscode/README.md).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const run = (args, opts = {}) => spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, ...opts }).status ?? 1;

if (run([path.join(root, 'scripts/build.mjs')]) !== 0) process.exit(1);
// type errors fail the suite (tsx strips types without checking them)
if (!process.argv.slice(2).length && run([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root, '--noEmit']) !== 0) {
  console.error('npm test: type errors (tsc --noEmit)');
  process.exit(1);
}

function find(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'fixtures' && e.name !== 'vscode') out.push(...find(p));
    else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const files = find(path.join(root, 'test')).sort();
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter(f => filter.some(x => f.includes(x))) : files;
let status = run(['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...selected]);
if (status === 0 && !filter.length && fs.existsSync(path.join(root, 'scripts/test-vscode.mjs'))) {
  status = run([path.join(root, 'scripts/test-vscode.mjs')]);
}
process.exit(status);
