import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { buildFixture, copyFixtureKb, edit, FIXTURE_RULES } from './fixture';
import { splitFrontMatter, validateEntry, extractCodeBlocks } from '../../src/kb/schema';

const REPO = path.join(__dirname, '..', '..');

async function errorsAfter(mutate: (root: string) => void, opts: Parameters<typeof buildFixture>[1] = {}) {
  const root = copyFixtureKb();
  mutate(root);
  const res = await buildFixture(root, opts);
  assert.equal(res.ok, false, 'build should fail');
  return res.errors.map(e => `${e.file}: ${e.problem}`);
}

function assertSome(errors: string[], re: RegExp) {
  assert.ok(errors.some(e => re.test(e)), `expected an error matching ${re}, got:\n${errors.join('\n')}`);
}

test('the untouched fixture KB builds without errors', async () => {
  const res = await buildFixture(copyFixtureKb());
  assert.deepEqual(res.errors, []);
  assert.equal(res.ok, true);
  assert.deepEqual(res.counts, { incidents: 2, patterns: 1, rules: 2 });
});

test('missing required field names the file and the field', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), /^title: .*\n/m, ''));
  assertSome(errors, /^incidents\/spotify-2013\.md: missing required field `title`/);
});

test('wrong type is reported', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'patterns/backoff-with-jitter.md'), 'incidents: [aws-ebs-2011]', 'incidents: aws-ebs-2011'));
  assertSome(errors, /patterns\/backoff-with-jitter\.md: field `incidents` must be a list/);
});

test('id must equal the file name', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), 'id: spotify-2013', 'id: spotify-2014'));
  assertSome(errors, /spotify-2013\.md: id "spotify-2014" does not match the file name "spotify-2013\.md"/);
});

test('kind must match the folder', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), 'kind: incident', 'kind: pattern'));
  assertSome(errors, /spotify-2013\.md: `kind: pattern` does not match its folder/);
});

test('unknown field gets a did-you-mean hint', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/aws-ebs-2011.md'), 'impact_source:', 'impact_souce:'));
  assertSome(errors, /aws-ebs-2011\.md: unknown field `impact_souce` for a incident \(did you mean `impact_source`\?\)/);
  assertSome(errors, /aws-ebs-2011\.md: field `impact` needs an `impact_source` URL/);
});

test('invalid date', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/aws-ebs-2011.md'), 'date: 2011-04-21', 'date: 2011-02-30'));
  assertSome(errors, /aws-ebs-2011\.md: field `date` must be an ISO date/);
});

test('every incident needs a primary source URL', async () => {
  const errors = await errorsAfter(r =>
    edit(path.join(r, 'incidents/spotify-2013.md'), 'primary: [https://engineering.atspotify.com/2013/06/incident-management-at-spotify/]', 'primary: []'),
  );
  assertSome(errors, /spotify-2013\.md: incident has no primary source URL/);
  const errors2 = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), 'primary: [https://engineering.atspotify.com/2013/06/incident-management-at-spotify/]', 'primary: [not-a-url]'));
  assertSome(errors2, /spotify-2013\.md: `sources\.primary\[0\]` must be an http\(s\) URL/);
});

test('dangling references are reported with the closest id', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), 'patterns: [backoff-with-jitter]', 'patterns: [backoff-with-jiter]'));
  assertSome(errors, /spotify-2013\.md: `patterns` references unknown pattern "backoff-with-jiter" \(did you mean "backoff-with-jitter"\?\)/);
});

test('a reference to an entry of the wrong kind is reported', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'patterns/backoff-with-jitter.md'), 'incidents: [aws-ebs-2011]', 'incidents: [retry-without-jitter]'));
  assertSome(errors, /backoff-with-jitter\.md: `incidents` lists "retry-without-jitter", which is a rule, not a incident/);
});

test('rules from rule metadata: unknown ids and link minimums', async () => {
  const rules = [{ ...FIXTURE_RULES[0], incidents: [], patterns: [] }, FIXTURE_RULES[1]];
  const errors = await errorsAfter(() => {}, { rules });
  assertSome(errors, /retry-without-backoff.*links no incident; every rule must link at least 1/);
  assertSome(errors, /retry-without-backoff.*links no pattern/);
  const errors2 = await errorsAfter(() => {}, { rules: [...FIXTURE_RULES, { id: 'missing-timeout', incidents: ['aws-ebs-2011', 'spotify-2013'], patterns: ['timeouts-and-deadlines'] }] });
  assertSome(errors2, /rules\/missing-timeout\.md: rule "missing-timeout" has no documentation file/);
  assertSome(errors2, /`patterns` references unknown pattern "timeouts-and-deadlines"/);
});

test('a rule id that no rule module defines is an error', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), 'rules: [retry-without-backoff, retry-without-jitter]', 'rules: [retry-without-backof]'));
  assertSome(errors, /spotify-2013\.md: `rules` references unknown rule "retry-without-backof" \(did you mean "retry-without-backoff"\?\)/);
});

test('code blocks that do not parse fail the build with file and line', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'patterns/backoff-with-jitter.md'), 'await sleep(1000);', 'await sleep(1000;\nconst x = ;'));
  const hit = errors.find(e => /backoff-with-jitter\.md:\d+: ```ts code block does not parse/.test(e));
  assert.ok(hit, errors.join('\n'));
  const line = Number(/\.md:(\d+):/.exec(hit!)![1]);
  const fileLines = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'kb', 'patterns', 'backoff-with-jitter.md'), 'utf8').split('\n');
  const fenceLine = fileLines.findIndex(l => l.includes('await sleep(1000);')) + 1;
  assert.ok(line >= fenceLine - 1 && line <= fenceLine + 2, `reported line ${line}, code at ${fenceLine}`);
  // tsx and js blocks are checked too; other languages are not.
  const errors2 = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), '## Lessons', '```js\nfunction (\n```\n\n```text\nfunction (\n```\n\n## Lessons'));
  assert.equal(errors2.filter(e => /spotify-2013\.md:\d+: ```js code block does not parse/.test(e)).length, 1, errors2.join('\n'));
  assert.ok(!errors2.some(e => /```text/.test(e)));
});

test('invalid YAML and missing front matter are reported', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/spotify-2013.md'), 'title: "Spotify Popcount retry storm"', 'title: [unclosed'));
  assertSome(errors, /spotify-2013\.md: front matter is not valid YAML/);
  const errors2 = await errorsAfter(r => fs.writeFileSync(path.join(r, 'incidents/spotify-2013.md'), '# no front matter\n'));
  assertSome(errors2, /spotify-2013\.md: no YAML front matter/);
});

test('dangling kb: links in the body are reported', async () => {
  const errors = await errorsAfter(r => edit(path.join(r, 'incidents/aws-ebs-2011.md'), '(kb:backoff-with-jitter)', '(kb:backoff-with-jittr)'));
  assertSome(errors, /aws-ebs-2011\.md: link to unknown entry "kb:backoff-with-jittr" \(did you mean "kb:backoff-with-jitter"\?\)/);
});

test('duplicate ids across folders are reported', async () => {
  const errors = await errorsAfter(r => {
    const text = fs.readFileSync(path.join(r, 'patterns/backoff-with-jitter.md'), 'utf8');
    fs.writeFileSync(path.join(r, 'incidents/backoff-with-jitter.md'), text.replace('kind: pattern', 'kind: incident'));
  });
  assert.ok(errors.some(e => /backoff-with-jitter\.md/.test(e)), errors.join('\n'));
});

test('one bad file does not hide the problems of another', async () => {
  const errors = await errorsAfter(r => {
    edit(path.join(r, 'incidents/spotify-2013.md'), 'id: spotify-2013', 'id: nope');
    edit(path.join(r, 'incidents/aws-ebs-2011.md'), 'date: 2011-04-21', 'date: yesterday');
  });
  assertSome(errors, /spotify-2013\.md: id "nope"/);
  assertSome(errors, /aws-ebs-2011\.md: field `date`/);
});

test('validateEntry and extractCodeBlocks work on raw text', () => {
  const { data, body } = splitFrontMatter('---\nid: x\nkind: rule\ntitle: T\nsummary: S\n---\n## What it does\n\n```ts invalid\nfoo();\n```\n');
  const res = validateEntry(data, body, { file: 'x.md', expectedKind: 'rule' });
  assert.deepEqual(res.errors, []);
  assert.equal(res.entry?.title, 'T');
  const blocks = extractCodeBlocks(body);
  assert.deepEqual(blocks.map(b => [b.lang, b.info, b.code, b.line]), [['ts', 'ts invalid', 'foo();', 3]]);
});

test('the build script exits 1 and names the file; 0 and writes the index when valid', () => {
  const root = copyFixtureKb();
  fs.mkdirSync(path.join(root, 'knowledge'));
  fs.renameSync(path.join(root, 'incidents'), path.join(root, 'knowledge', 'incidents'));
  fs.renameSync(path.join(root, 'patterns'), path.join(root, 'knowledge', 'patterns'));
  edit(path.join(root, 'knowledge/incidents/spotify-2013.md'), /^summary: .*\n/m, '');
  const out = path.join(root, 'out', 'kb.json');
  const run = () => spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'scripts', 'build-kb.ts'), '--root', root, '--out', out, '--no-code-check'], { cwd: REPO, encoding: 'utf8' });
  const bad = run();
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /error: knowledge\/incidents\/spotify-2013\.md: missing required field `summary`/);
  assert.equal(fs.existsSync(out), false);
  fs.writeFileSync(path.join(root, 'knowledge/incidents/spotify-2013.md'), fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'kb', 'incidents', 'spotify-2013.md')));
  const good = run();
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stderr, /src\/rules\/index\.ts: not found: rule entries and rule references are skipped/);
  const json = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(json.version, 4);
  assert.equal(json.documents.length, 3);
});
