/**
 * Claims that only the seed documents make (shared/facts/incidents.md marks them W or U) stay out of the knowledge
 * base, including its "What is often told wrong" sections: quoting them there made `kb search` return them as
 * quotes. Misconceptions that public sources really carry ("a BGP configuration error", "$150 million") stay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadKnowledgeBase, loadMarkdownDir, buildLunrIndex, toDocument, KB_FORMAT_VERSION } from '../../src/kb';
import { serialiseIndex, storedDocument } from '../../src/kb/indexer';
import { tempDir } from './fixture';

const ROOT = path.join(__dirname, '..', '..');

/** [what a user might search for, a distinctive piece of the seed-only claim that must not appear]. */
const SEED_ONLY: [string, RegExp][] = [
  ['Knight Capital 7 millisecond clock disagreement', /7[- ]millisecond/i],
  ['Knight Capital retry storm 50 ms timeout 10x amplification', /10× amplification|50 ms timeout/i],
  ['Cloudflare clock skew London Frankfurt Paris offsets', /Frankfurt|850 ms|version-based coordination/i],
  ['Facebook routers disagreed on time', /disagreed on time|14:31/i],
  ['DynamoDB API Gateway Lambda 1 s timeouts', /API Gateway → Lambda|Lambda → DynamoDB/i],
  ['GitHub MySQL connection pool exhaustion 73% load', /73\s?%/],
  ['Robinhood phase transition 82% capacity', /82\s?%|phase transition/i],
  ['Friendster could not scale beyond 100 million users', /100[- ]million/i],
  ['Facebook outage $852 million loss', /852/],
  ['SMARS bought everything at market', /bought everything|buy everything/i],
  ['Twitter timelines O(N²) joins', /timelines were O\(N|O\(N²\) complexity/i],
  ['British Airways power supply deployment', /power supply deployment/i],
  ['Zoom 30× growth in three months, moved from Oracle to AWS', /30× growth|from Oracle to AWS/i],
];

const entries = [
  ...loadMarkdownDir(path.join(ROOT, 'knowledge', 'incidents'), 'incident').entries,
  ...loadMarkdownDir(path.join(ROOT, 'knowledge', 'patterns'), 'pattern').entries,
];

test('no knowledge entry repeats a seed-only claim', () => {
  const found: string[] = [];
  for (const e of entries) {
    for (const [, claim] of SEED_ONLY) {
      for (const [field, text] of [['title', e.title], ['summary', e.summary], ['body', e.body]] as const) {
        const m = claim.exec(text);
        if (m) found.push(`${e.file ?? e.id} (${field}): "${text.slice(Math.max(0, m.index - 40), m.index + 60).replace(/\s+/g, ' ')}"`);
      }
    }
  }
  assert.deepEqual(found, []);
});

test('kb search for a seed-only claim does not return it as a quote', () => {
  const documents = entries.map(toDocument);
  const file = path.join(tempDir(), 'kb.json');
  fs.writeFileSync(file, JSON.stringify({ version: KB_FORMAT_VERSION, ...serialiseIndex(buildLunrIndex(documents)), documents: documents.map(storedDocument) }));
  const kb = loadKnowledgeBase({ indexJson: file });
  const found: string[] = [];
  for (const [query, claim] of SEED_ONLY) {
    for (const r of kb.search(query, { limit: 10 })) {
      const plain = r.snippet.replace(/[«»]/g, '');
      if (claim.test(plain)) found.push(`"${query}" → ${r.id}: ${plain}`);
    }
  }
  assert.deepEqual(found, []);
});

test('misconceptions that public sources carry are kept, with what the primary source shows', () => {
  const body = (id: string) => entries.find(e => e.id === id)?.body ?? '';
  assert.match(body('facebook-2021'), /Often told as "a BGP configuration error"/);
  assert.match(body('aws-s3-2017'), /\$150 million/);
  assert.match(body('mt-gox-2014'), /transaction malleability is how Mt\. Gox lost its bitcoins/);
});
