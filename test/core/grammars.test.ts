import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

test('grammars/ holds exactly the pinned wasm files listed in grammars/README.md', () => {
  const dir = path.join(__dirname, '..', '..', 'grammars');
  const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| (tree-sitter-[\w-]+\.wasm) \| [^|]+ \| \d+ \| ([0-9a-f]{64}) \|$/gm)];
  assert.equal(rows.length, 3);
  for (const [, file, sha] of rows) {
    const actual = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, file))).digest('hex');
    assert.equal(actual, sha, file);
  }
});
