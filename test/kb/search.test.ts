import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { fixtureIndex } from './fixture';
import { loadKnowledgeBase, queryTerms, KbLoadError } from '../../src/kb';

async function kb() {
  return loadKnowledgeBase({ indexJson: await fixtureIndex() });
}

test('index round-trip: documents, fields and the prebuilt lunr index survive JSON', async () => {
  const file = await fixtureIndex();
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(json.version, 4);
  assert.ok(Object.keys(json.positions).length === json.documents.length, 'a position row per document');
  assert.equal(json.documents[0].code, undefined, 'code is indexed, not stored');
  assert.deepEqual(json.index.fields, ['title', 'summary', 'keywords', 'body', 'code', 'related']);
  assert.deepEqual(json.documents.map((d: { id: string }) => d.id).sort(), ['aws-ebs-2011', 'backoff-with-jitter', 'retry-without-backoff', 'retry-without-jitter', 'spotify-2013']);
  const k = loadKnowledgeBase({ indexJson: file });
  const ebs = k.get('aws-ebs-2011')!;
  assert.equal(ebs.kind, 'incident');
  assert.equal(ebs.date, '2011-04-21');
  assert.equal(ebs.organisation, 'Amazon Web Services');
  assert.equal(ebs.impactSource, 'https://aws.amazon.com/message/65648/');
  assert.deepEqual(ebs.sources?.primary, ['https://aws.amazon.com/message/65648/']);
  assert.match(ebs.body, /## Root cause/);
  // Rule entries carry metadata from the rule modules; back-links are added.
  const rule = k.get('retry-without-jitter')!;
  assert.equal(rule.severity, 'warning');
  assert.deepEqual(rule.incidents, ['aws-ebs-2011', 'spotify-2013']);
  assert.ok(k.get('backoff-with-jitter')!.incidents.includes('spotify-2013'), 'pattern gets a back-link from spotify-2013');
  assert.equal(k.all().length, 5);
  // Inline JSON works as well as a path.
  assert.equal(loadKnowledgeBase({ indexJson: fs.readFileSync(file, 'utf8') }).all().length, 5);
});

test('"jitter" finds the pattern first, then the rule and the incidents', async () => {
  const r = (await kb()).search('jitter');
  const ids = r.map(x => x.id);
  assert.equal(ids[0], 'backoff-with-jitter');
  assert.equal(ids[1], 'retry-without-jitter');
  for (const id of ['spotify-2013', 'aws-ebs-2011']) assert.ok(ids.includes(id), `${id} in ${ids}`);
  assert.ok(r[0].score > r[r.length - 1].score);
  assert.equal(r[0].kind, 'pattern');
  assert.equal(r[0].title, 'Exponential backoff with jitter');
});

test('"ebs" finds aws-ebs-2011 first, with a highlighted snippet and match ranges', async () => {
  const k = await kb();
  const r = k.search('ebs');
  assert.equal(r[0].id, 'aws-ebs-2011');
  assert.match(r[0].snippet, /«EBS»/);
  const title = r[0].matches.find(m => m.field === 'title');
  assert.ok(title, JSON.stringify(r[0].matches));
  assert.equal(k.get('aws-ebs-2011')!.title.slice(title.start, title.start + title.length), 'EBS');
});

test('match ranges point at the matched words in the stored fields', async () => {
  const k = await kb();
  const [hit] = k.search('mirrored');
  assert.equal(hit.id, 'aws-ebs-2011');
  const doc = k.get(hit.id) as unknown as { text: string };
  const body = hit.matches.filter(m => m.field === 'body');
  assert.ok(body.length > 0);
  for (const m of body) assert.match(doc.text.slice(m.start, m.start + m.length).toLowerCase(), /^mirror/);
});

test('prefix and typo tolerance', async () => {
  const k = await kb();
  assert.equal(k.search('backof')[0]?.kind !== undefined, true);
  assert.ok(['retry-without-backoff', 'backoff-with-jitter'].includes(k.search('backof')[0].id));
  assert.equal(k.search('jitt')[0].id, 'backoff-with-jitter'); // prefix
  assert.equal(k.search('jiter')[0].id, 'backoff-with-jitter'); // one deletion
  assert.equal(k.search('jittre')[0].id, 'backoff-with-jitter'); // transposition-like typo
  assert.equal(k.search('popcont')[0].id, 'spotify-2013');
  assert.deepEqual(k.search('zzzzqqq'), []);
});

test('multi-word queries rank documents matching every word first; kinds and limit filter', async () => {
  const k = await kb();
  const r = k.search('spotify jitter');
  assert.equal(r[0].id, 'spotify-2013');
  assert.deepEqual(k.search('jitter', { kinds: ['incident'] }).map(x => x.kind), ['incident', 'incident']);
  assert.equal(k.search('jitter', { limit: 2 }).length, 2);
  assert.deepEqual(k.search('jitter', { limit: 0 }), []);
});

test('hostile inputs never throw and behave sensibly', async () => {
  const k = await kb();
  const inputs = [
    ':', '^', '~1', '+', '-', '*', '', '   ', 'title:jitter', 'jitter^10', 'jitter~2', '+jitter -backoff', '"unbalanced', '(', ')', '[', '\\',
    'a:b:c', '-', '--', '+-+-', '*jitter*', 'jit*ter', '~', '^^^', '\u0000', '\ud800', '🔥 jitter 🔥', 'İstanbul', 'ﬁ', 'Ωmega', '日本語', 'x'.repeat(10_000),
    Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' '), 'jitter '.repeat(2000), '<script>alert(1)</script>', '%s%n', '${process.exit(1)}',
  ];
  for (const q of inputs) {
    const t0 = performance.now();
    const r = k.search(q);
    assert.ok(Array.isArray(r), `result for ${JSON.stringify(q.slice(0, 20))}`);
    assert.ok(performance.now() - t0 < 500, `query ${JSON.stringify(q.slice(0, 20))} took too long`);
  }
  assert.deepEqual(k.search(''), []);
  assert.deepEqual(k.search(':'), []);
  assert.deepEqual(k.search('^~*+-'), []);
  // Operators are ignored, the words still count.
  assert.equal(k.search('title:jitter')[0].id, 'backoff-with-jitter');
  assert.equal(k.search('+jitter')[0].id, 'backoff-with-jitter');
  assert.equal(k.search('jitter~1')[0].id, 'backoff-with-jitter');
  assert.equal(k.search('🔥 jitter 🔥')[0].id, 'backoff-with-jitter');
  // Non-string input from an untyped caller.
  assert.deepEqual(k.search(undefined as unknown as string), []);
  assert.deepEqual(k.search({} as unknown as string), []);
});

test('queryTerms: bounded, lowercased, punctuation-free', () => {
  assert.deepEqual(queryTerms('Jitter: ^backoff~1 +AWS title:leap'), ['jitter', 'backoff', 'aws', 'leap']);
  assert.equal(queryTerms(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ')).length, 8);
  assert.ok(queryTerms('x'.repeat(10_000)).every(t => t.length <= 40));
  assert.deepEqual(queryTerms('日本語 café'), ['日本語', 'café']);
});

test('get() of unknown or odd ids returns undefined', async () => {
  const k = await kb();
  assert.equal(k.get('nope'), undefined);
  assert.equal(k.get('__proto__'), undefined);
  assert.equal(k.get('constructor'), undefined);
  assert.equal(k.render('nope'), undefined);
});

test('a missing or bad index is a clear KbLoadError', () => {
  assert.throws(() => loadKnowledgeBase({ indexJson: '/nonexistent/kb.json' }), (e: unknown) => e instanceof KbLoadError && /not found at \/nonexistent\/kb\.json/.test((e as Error).message));
  assert.throws(() => loadKnowledgeBase({ indexJson: '{"version": 4' }), /not valid JSON/);
  assert.throws(() => loadKnowledgeBase({ indexJson: '{"version": 99, "index": {}, "documents": []}' }), /format version 99/);
});

test('the lunr index is deserialised lazily; a corrupt index is reported, not thrown', async () => {
  const json = JSON.parse(fs.readFileSync(await fixtureIndex(), 'utf8'));
  json.index = { version: '2.3.9', fields: 'not a list' };
  const k = loadKnowledgeBase({ indexJson: JSON.stringify(json) });
  assert.equal(k.get('aws-ebs-2011')?.title, 'AWS EBS re-mirroring storm in US-East-1', 'entries load without the index');
  assert.deepEqual(k.search('ebs'), []);
  assert.match(k.errors[0].problem, /cannot load the search index/);
});

test('the prebuilt token set gives exactly the results of lunr.Index.load', async () => {
  const json = JSON.parse(fs.readFileSync(await fixtureIndex(), 'utf8'));
  assert.ok(Array.isArray(json.tokenSet) && json.tokenSet.length > 10);
  const fast = loadKnowledgeBase({ indexJson: JSON.stringify(json) });
  const { tokenSet: _drop, ...withoutTokenSet } = json;
  const slow = loadKnowledgeBase({ indexJson: JSON.stringify(withoutTokenSet) });
  for (const q of ['jitter', 'jit', 'jiter', 'ebs', 'retry storm', 'popcont', 'metastabel', 'leap second', '2011', 'x']) {
    assert.deepEqual(fast.search(q), slow.search(q), q);
  }
});
