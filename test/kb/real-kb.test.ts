/**
 * The repository's own knowledge base: the 15 pattern entries validate (schema, references, code blocks
 * parse, sections), and searching the real entries ranks sensibly. Incidents and rules are written by
 * others in parallel: references to the agreed ids (docs/CONVENTIONS.md) that do not exist *yet* are
 * tolerated here, and the ranking checks run on the entries that load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildKb } from '../../scripts/build-kb';
import { loadKnowledgeBase, loadMarkdownDir, buildLunrIndex, toDocument, KB_FORMAT_VERSION } from '../../src/kb';
import { serialiseIndex, storedDocument } from '../../src/kb/indexer';
import { tempDir } from './fixture';

const ROOT = path.join(__dirname, '..', '..');
const conventions = fs.readFileSync(path.join(ROOT, 'docs', 'CONVENTIONS.md'), 'utf8');
const idList = (heading: RegExp) => {
  const m = heading.exec(conventions);
  assert.ok(m, `CONVENTIONS.md section ${heading}`);
  return m[1].split(/[,\s]+/).filter(x => /^[a-z0-9-]+$/.test(x));
};
const PATTERN_IDS = idList(/Patterns \(file `knowledge\/patterns\/<id>\.md`\):\n([\s\S]*?)\n\n/);
const INCIDENT_IDS = idList(/Incidents \(file `knowledge\/incidents\/<id>\.md`\):\n([\s\S]*?)\n\n/);
const RULE_IDS = idList(/Rules: ([^\n]*)/);

test('CONVENTIONS lists 15 patterns, and each has a file', () => {
  assert.equal(PATTERN_IDS.length, 15);
  const files = fs.readdirSync(path.join(ROOT, 'knowledge', 'patterns')).filter(f => f.endsWith('.md')).map(f => f.replace(/\.md$/, '')).sort();
  assert.deepEqual(files, [...PATTERN_IDS].sort());
});

test('the pattern entries validate: schema, references, parsing code blocks, sections, ❌/✅ examples', async () => {
  const res = await buildKb({ checkCode: true });
  const mine = (p: { file: string }) => p.file.startsWith('knowledge/patterns/');
  const pending = (problem: string) => {
    const m = /references unknown (rule|incident|pattern) "([^"]+)"|link to unknown entry "kb:([^"]+)"/.exec(problem);
    if (!m) return false;
    const id = m[2] ?? m[3];
    const existsAsFile = ['incidents', 'patterns'].some(d => fs.existsSync(path.join(ROOT, 'knowledge', d, `${id}.md`)));
    return !existsAsFile && (RULE_IDS.includes(id) || INCIDENT_IDS.includes(id) || PATTERN_IDS.includes(id));
  };
  const errors = res.errors.filter(mine).filter(p => !pending(p.problem));
  assert.deepEqual(errors, []);
  assert.deepEqual(res.warnings.filter(mine), []);
});

test('every pattern cites its references and links related entries with kb: links', () => {
  const { entries, errors } = loadMarkdownDir(path.join(ROOT, 'knowledge', 'patterns'), 'pattern');
  assert.deepEqual(errors, []);
  for (const e of entries) {
    assert.ok((e.references ?? []).length >= 1, `${e.id} has references`);
    assert.match(e.body, /\]\(kb:[a-z0-9-]+\)/, `${e.id} links another entry`);
    assert.match(e.body, /\]\(https?:\/\//, `${e.id} cites a source inline`);
  }
});

test('search over the real entries: jitter, Knight, leap second, idempotency, ebs', () => {
  const entries = [
    ...loadMarkdownDir(path.join(ROOT, 'knowledge', 'incidents'), 'incident').entries,
    ...loadMarkdownDir(path.join(ROOT, 'knowledge', 'patterns'), 'pattern').entries,
  ];
  const documents = entries.map(toDocument);
  const file = path.join(tempDir(), 'kb.json');
  fs.writeFileSync(file, JSON.stringify({ version: KB_FORMAT_VERSION, ...serialiseIndex(buildLunrIndex(documents)), documents: documents.map(storedDocument) }));
  const kb = loadKnowledgeBase({ indexJson: file });
  const top = (q: string, n = 1) => kb.search(q, { limit: n }).map(r => r.id);
  assert.equal(top('jitter')[0], 'backoff-with-jitter');
  assert.equal(top('exponential backof')[0], 'backoff-with-jitter');
  assert.equal(top('idempotency')[0], 'idempotency-keys');
  assert.equal(top('idempotncy')[0], 'idempotency-keys');
  assert.equal(top('circut breaker')[0], 'circuit-breaker');
  assert.equal(top('shuffle sharding')[0], 'shuffle-sharding');
  assert.equal(top('monotonic')[0], 'monotonic-clocks');
  assert.equal(top('metastabel')[0], 'metastable-failures');
  if (kb.get('knight-capital-2012')) assert.equal(top('Knight')[0], 'knight-capital-2012');
  if (kb.get('aws-ebs-2011')) assert.equal(top('ebs')[0], 'aws-ebs-2011');
  if (kb.get('cloudflare-leap-second-2017') && kb.get('linux-leap-second-2012')) {
    assert.deepEqual(top('leap second', 2).sort(), ['cloudflare-leap-second-2017', 'linux-leap-second-2012']);
  }
});
