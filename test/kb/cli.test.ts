import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, fixtureIndex, tempDir } from './fixture';
import { runKb, explainFinding, renderEntryForTerminal, wrap } from '../../src/cli/kb';
import { loadKnowledgeBase } from '../../src/kb';
import { suggestEntries } from '../../src/kb/schema';

async function run(args: string[], opts: { isTTY?: boolean; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const cwd = opts.cwd ?? tempDir();
  const idx = await fixtureIndex();
  const argv = args.length ? [args[0], '--index', idx, ...args.slice(1)] : ['--index', idx];
  const code = await runKb(argv, { stdout: s => (stdout += s), stderr: s => (stderr += s), cwd, isTTY: opts.isTTY ?? false });
  return { code, stdout, stderr };
}

test('kb search prints ranked results with highlighted snippets; exit 0', async () => {
  const r = await run(['search', 'jitter']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^ 1\. Exponential backoff with jitter {2}pattern {2}backoff-with-jitter$/);
  assert.match(r.stdout, /«jitter»/);
  assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour when not a TTY');
  const tty = await run(['search', 'jitter'], { isTTY: true });
  assert.match(tty.stdout, /\u001b\[1;33mjitter\u001b\[22;39m/);
});

test('kb search --json --limit returns machine-readable results', async () => {
  const r = await run(['search', 'jitter', '--json', '--limit', '2']);
  assert.equal(r.code, 0);
  const json = JSON.parse(r.stdout);
  assert.equal(json.length, 2);
  assert.deepEqual(Object.keys(json[0]).sort(), ['id', 'kind', 'matches', 'origin', 'score', 'snippet', 'title']);
  assert.equal(json[0].id, 'backoff-with-jitter');
  assert.equal(typeof json[0].score, 'number');
});

test('kb search with no match exits 1; hostile queries do not crash', async () => {
  const r = await run(['search', 'zzzqqq']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No entries match "zzzqqq"/);
  for (const q of [':', '^', '~1', '+', '-x', '*', 'title:', 'x'.repeat(10_000)]) {
    const h = await run(['search', '--', q]);
    assert.ok(h.code === 0 || h.code === 1, `query ${q.slice(0, 10)} → ${h.code} ${h.stderr}`);
  }
});

test('kb show renders a readable entry; unknown ids exit 1 with a suggestion', async () => {
  const r = await run(['show', 'aws-ebs-2011']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^AWS EBS re-mirroring storm in US-East-1\nINCIDENT · 2011-04-21 · Amazon Web Services\n/);
  assert.match(r.stdout, /\nROOT CAUSE\n/);
  assert.match(r.stdout, /\n {4}\/\/ ❌ retries immediately, forever\n/, 'code blocks are indented');
  assert.match(r.stdout, /Impact: About 13% of EBS volumes/);
  assert.match(r.stdout, /LINKS\n {2}\[1\] https:\/\/aws\.amazon\.com\/message\/65648\//);
  for (const line of r.stdout.split('\n')) if (!line.startsWith('    ') && !line.includes('http')) assert.ok(line.length <= 80, `line too long: ${line}`);
  const miss = await run(['show', 'aws-ebs-2012']);
  assert.equal(miss.code, 1);
  assert.match(miss.stderr, /No entry with id "aws-ebs-2012"\. Did you mean "aws-ebs-2011"\?/);
  // family codes are spelled out
  assert.match(r.stdout, /Anti-patterns: retries without backoff and jitter \(RB\); missing or unbounded\s+network timeout \(NT\); unbounded fan-out or concurrency \(FO\)/);
  assert.doesNotMatch(r.stdout, /Families:/);
  const json = await run(['show', 'backoff-with-jitter', '--json']);
  assert.equal(JSON.parse(json.stdout).title, 'Exponential backoff with jitter');
});

test('usage errors exit 2', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['search'])).code, 2);
  assert.equal((await run(['show'])).code, 2);
  assert.equal((await run(['show', 'a', 'b'])).code, 2);
  assert.equal((await run(['frobnicate'])).code, 2);
  assert.equal((await run(['search', 'x', '--limit', 'lots'])).code, 2);
  assert.equal((await run(['search', 'x', '--kind', 'blog'])).code, 2);
  assert.equal((await run(['search', 'x', '--wat'])).code, 2);
  const missing = await runKb(['search', 'x', '--index', '/nonexistent/kb.json'], { stdout: () => {}, stderr: () => {}, cwd: '/', isTTY: false });
  assert.equal(missing, 2);
});

test('kb export writes the site; team postmortems from .incidents are merged and bad files reported', async () => {
  const cwd = tempDir();
  fs.cpSync(path.join(FIXTURES, 'postmortems'), path.join(cwd, '.incidents'), { recursive: true });
  const s = await run(['search', 'zebra'], { cwd });
  assert.equal(s.code, 0);
  assert.match(s.stdout, /Duplicate refunds after a queue redelivery {2}incident \(team\)/);
  assert.match(s.stderr, /skipped \.incidents\/broken\.md: front matter is not valid YAML/);
  const e = await run(['export', 'site'], { cwd });
  assert.equal(e.code, 0);
  assert.ok(fs.existsSync(path.join(cwd, 'site', 'payments-2024-03.html')));
  assert.ok(fs.existsSync(path.join(cwd, 'site', 'index.html')));
  // incidentsDir from .incident-lens.json
  const cwd2 = tempDir();
  fs.cpSync(path.join(FIXTURES, 'postmortems'), path.join(cwd2, 'pm'), { recursive: true });
  fs.writeFileSync(path.join(cwd2, '.incident-lens.json'), JSON.stringify({ incidentsDir: 'pm' }));
  assert.equal((await run(['search', 'zebra'], { cwd: cwd2 })).code, 0);
});

test('explainFinding: incident title, organisation, date, impact with source, pattern', async () => {
  const kb = loadKnowledgeBase({ indexJson: await fixtureIndex() });
  const text = explainFinding(kb, ['aws-ebs-2011', 'spotify-2013'], ['backoff-with-jitter']);
  const lines = text.split('\n');
  assert.ok(lines.length >= 2 && lines.length <= 4, text);
  assert.equal(lines[0], 'Incident: AWS EBS re-mirroring storm in US-East-1 (Amazon Web Services, 2011-04-21) (+1 more: spotify-2013)');
  assert.equal(lines[1], 'Impact: About 13% of EBS volumes in one Availability Zone were stuck; 0.07% could not be restored [https://aws.amazon.com/message/65648/]');
  assert.equal(lines[2], 'Pattern: Exponential backoff with jitter (incident-lens kb show backoff-with-jitter)');
  // Unknown ids are skipped; an incident without `impact` falls back to its summary and primary source.
  const t2 = explainFinding(kb, ['nope', 'spotify-2013'], ['nope']);
  assert.match(t2, /^Incident: Spotify Popcount retry storm \(Spotify, 2013\)\nImpact: Legacy desktop clients .* \[https:\/\/engineering\.atspotify\.com\/2013\/06\/incident-management-at-spotify\/\]$/);
  assert.equal(explainFinding(kb, [], []), '');
});

test('wrap and terminal rendering helpers', async () => {
  assert.equal(wrap('aaa bbb ccc', 7, '> '), '> aaa bbb\n> ccc');
  const kb = loadKnowledgeBase({ indexJson: await fixtureIndex() });
  const out = renderEntryForTerminal(kb.get('backoff-with-jitter')!, kb);
  assert.match(out, /RELATED\nRules\n {2}retry-without-backoff \(Retry without backoff\)/);
});

test('kb show <unknown id>: suggestions by edit distance and id/title words, or none (never an unrelated entry)', async () => {
  for (const [query, expected] of [
    ['nope', undefined],
    ['xyzzy', undefined],
    ['aws-ebs-2012', '"aws-ebs-2011"'],
    ['ebs', '"aws-ebs-2011"'],
    ['jiter', '"backoff-with-jitter"'],
    ['popcount', '"spotify-2013"'],
  ] as const) {
    const r = await run(['show', query]);
    assert.equal(r.code, 1);
    if (expected) assert.match(r.stderr, new RegExp(`Did you mean ${expected.replace(/[-"]/g, '\\$&')}`), `${query}: ${r.stderr}`);
    else assert.match(r.stderr, new RegExp(`No entry with id "${query}"\\. Nothing matched it\\.`), `${query}: ${r.stderr}`);
  }
});

test('suggestEntries: typos of ids, words of ids and titles (all words must match), stop words ignored, best first', () => {
  const entries = [
    { id: 'aws-s3-2017', title: 'AWS S3 outage after a mistyped command' },
    { id: 'cloudflare-leap-second-2017', title: 'Cloudflare DNS leap second' },
    { id: 'linux-leap-second-2012', title: 'Linux leap second livelock' },
    { id: 'backoff-with-jitter', title: 'Exponential backoff with jitter' },
    { id: 'retry-without-jitter', title: 'Retry without jitter' },
    { id: 'monotonic-clocks', title: 'Monotonic clocks for timeouts' },
    { id: 'timeouts-and-deadlines', title: 'Timeouts and deadline propagation' },
  ];
  const table: [string, string[]][] = [
    ['s3', ['aws-s3-2017']],
    ['leap secnd', ['cloudflare-leap-second-2017', 'linux-leap-second-2012']],
    ['jiter', ['backoff-with-jitter', 'retry-without-jitter']],
    // a word in the id ranks above a word only in the title
    ['timeout', ['timeouts-and-deadlines', 'monotonic-clocks']],
    ['leap jitter', []],
    ['in', []],
    ['the of', []],
    ['', []],
    ['retry-without-jiter', ['retry-without-jitter']],
  ];
  for (const [q, want] of table) assert.deepEqual(suggestEntries(q, entries), want, q);
});
