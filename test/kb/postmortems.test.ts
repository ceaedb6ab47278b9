import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, fixtureIndex, tempDir } from './fixture';
import { loadKnowledgeBase } from '../../src/kb';

function postmortemDir(): string {
  const dir = path.join(tempDir(), '.incidents');
  fs.cpSync(path.join(FIXTURES, 'postmortems'), dir, { recursive: true });
  return dir;
}

test('team postmortems merge into search, get and render; a bad file is reported and skipped', async () => {
  const dir = postmortemDir();
  const kb = loadKnowledgeBase({ indexJson: await fixtureIndex(), extraDirs: [dir] });
  // The good one is in.
  const pm = kb.get('payments-2024-03');
  assert.ok(pm);
  assert.equal(pm.origin, 'team');
  assert.equal(pm.kind, 'incident');
  assert.equal(kb.search('zebra')[0].id, 'payments-2024-03');
  assert.equal(kb.search('zebra')[0].origin, 'team');
  assert.match(kb.render('payments-2024-03')!, /team postmortem/);
  // The pattern it references lists it as related.
  assert.ok(kb.get('backoff-with-jitter')!.incidents.includes('payments-2024-03'));
  // The bad one is reported with its file and problem; everything else still loads.
  assert.equal(kb.errors.length, 1);
  assert.equal(kb.errors[0].file, path.join(dir, 'broken.md'));
  assert.match(kb.errors[0].problem, /front matter is not valid YAML/);
  assert.equal(kb.get('broken'), undefined);
  assert.equal(kb.all().length, 6);
  assert.equal(kb.search('jitter')[0].id, 'backoff-with-jitter');
});

test('postmortems are validated like bundled entries: schema, references, duplicates, code', async () => {
  const dir = postmortemDir();
  fs.rmSync(path.join(dir, 'broken.md'));
  const good = fs.readFileSync(path.join(dir, 'payments-2024-03.md'), 'utf8');
  fs.writeFileSync(path.join(dir, 'dangling.md'), good.replace('id: payments-2024-03', 'id: dangling').replace('patterns: [backoff-with-jitter]', 'patterns: [circuit-breakr]'));
  fs.writeFileSync(path.join(dir, 'aws-ebs-2011.md'), good.replace('id: payments-2024-03', 'id: aws-ebs-2011'));
  fs.writeFileSync(path.join(dir, 'nosource.md'), good.replace('id: payments-2024-03', 'id: nosource').replace(/sources:\n  primary: \[[^\]]*\]\n/, ''));
  fs.writeFileSync(path.join(dir, 'badcode.md'), good.replace('id: payments-2024-03', 'id: badcode').replace('await refund(order);', 'await refund(order;'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
  const kb = loadKnowledgeBase({
    indexJson: await fixtureIndex(),
    extraDirs: [dir, path.join(dir, 'does-not-exist')],
    checkCode: code => (code.includes('refund(order;') ? 'unbalanced parenthesis' : undefined),
  });
  const byFile = (name: string) => kb.errors.filter(e => path.basename(e.file) === name).map(e => e.problem).join('\n');
  assert.match(byFile('dangling.md'), /`patterns` references unknown pattern "circuit-breakr"/);
  assert.match(byFile('aws-ebs-2011.md'), /duplicate id "aws-ebs-2011"/);
  assert.match(byFile('nosource.md'), /missing required field `sources`/);
  assert.match(byFile('badcode.md'), /code block at body line \d+ \(ts\) does not parse: unbalanced parenthesis/);
  // The bundled entry with the same id is untouched; the valid postmortem loaded.
  assert.equal(kb.get('aws-ebs-2011')!.origin, 'builtin');
  assert.ok(kb.get('payments-2024-03'));
  for (const id of ['dangling', 'nosource', 'badcode']) assert.equal(kb.get(id), undefined);
});
