// Hostile team postmortems (issue 21, items 4 and 5): each bad file is rejected with a notice naming it, the good
// team file and the bundled entries stay available, and nothing from a postmortem can drive the terminal.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKnowledgeBase } from '../../src/kb';
import { MAX_TEAM_FILE_BYTES, MAX_TEAM_NESTING, markdownNesting, teamFileProblem } from '../../src/kb/limits';
import { stripControls } from '../../src/kb/text';
import { runKb } from '../../src/cli/kb';
import { fixtureIndex, tempDir } from '../kb/fixture';
import { trapText } from './shapes';

/** A valid team postmortem whose `## Lessons` section ends with `tail`. */
function postmortem(id: string, tail: string, fields = ''): string {
  return `---\nid: ${id}\nkind: incident\ntitle: ${fields ? fields : `Postmortem ${id}`}\ndate: 2024-03-01\norganisation: Example Corp\nsummary: A summary.\nrules: []\npatterns: []\nsources:\n  primary:\n    - https://example.com/postmortem\n---\n\n## What happened\n\nx\n\n## Timeline\n\n- t\n\n## Root cause\n\nr\n\n## The same mistake in TypeScript\n\n\`\`\`ts\nawait fetch(u);\n\`\`\`\n\n## Lessons\n\nl zebra\n${tail}\n`;
}

const GOOD = postmortem('good-one', 'Quagga lesson.');

function teamDir(files: Record<string, string>): { root: string; dir: string } {
  const root = tempDir();
  const dir = path.join(root, '.incidents');
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { root, dir };
}

async function kb(args: string[], cwd: string) {
  let stdout = '', stderr = '';
  const code = await runKb([...args, '--index', await fixtureIndex()], { stdout: s => { stdout += s; }, stderr: s => { stderr += s; }, cwd, isTTY: false });
  return { code, stdout, stderr };
}

const HOSTILE: Record<string, string> = {
  // 2,000 nested `>` overflowed marked's stack inside the loader: the whole KB became unavailable
  'deep-quote.md': postmortem('deep-quote', '>'.repeat(2000) + ' deep'),
  // nested lists cost marked about cubic time (600 levels: 14 s)
  'deep-list.md': postmortem('deep-list', Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n')),
  // 0.84 MB of prose made `kb search` take 6 s
  'huge.md': postmortem('huge', 'lorem ipsum dolor sit amet '.repeat(32000)),
  // a code block tree-sitter traps on
  'trap.md': postmortem('trap', '```ts\n' + trapText(3000, '\n') + '```'),
};

test('each hostile postmortem is rejected with a notice; the good one and the bundled entries load', async () => {
  const { dir } = teamDir({ ...HOSTILE, 'good-one.md': GOOD });
  const k = loadKnowledgeBase({ indexJson: await fixtureIndex(), extraDirs: [dir] });
  assert.deepEqual(k.errors.map(e => [path.basename(e.file), e.problem.replace(/\d+ KiB\)/, 'N KiB)')]).sort(), [
    ['deep-list.md', `block quotes or lists nested more than ${MAX_TEAM_NESTING} levels deep (line 52)`],
    ['deep-quote.md', `block quotes or lists nested more than ${MAX_TEAM_NESTING} levels deep (line 36)`],
    ['huge.md', `file is larger than ${MAX_TEAM_FILE_BYTES / 1024} KiB (N KiB); split it or shorten it`],
  ]);
  assert.equal(k.get('good-one')?.origin, 'team');
  assert.equal(k.search('quagga')[0]?.id, 'good-one');
  assert.equal(k.search('jitter')[0]?.id, 'backoff-with-jitter');
  assert.ok(k.render('good-one'));
});

test('kb CLI: a code block the parser crashes on rejects its file; the next files\' code blocks are still checked', async () => {
  const badCode = postmortem('bad-code', '```ts\nconst = ;\n```');
  const { root } = teamDir({ 'a-trap.md': HOSTILE['trap.md'].replace('id: trap', 'id: a-trap'), 'b-good.md': GOOD.replace('good-one', 'b-good'), 'c-bad-code.md': badCode.replace('bad-code', 'c-bad-code') });
  const r = await kb(['search', 'quagga'], root);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /b-good/);
  const skipped = r.stderr.trim().split('\n').sort();
  assert.equal(skipped.length, 2, r.stderr);
  assert.match(skipped[0], /^incident-lens kb: skipped \.incidents\/a-trap\.md: code block at body line 23 \(ts\) does not parse: tree-sitter crashed on it/);
  assert.match(skipped[1], /^incident-lens kb: skipped \.incidents\/c-bad-code\.md: code block at body line 23 \(ts\) does not parse: syntax error/);
});

test('kb show / kb search print no escape sequences or control characters from a postmortem', async () => {
  const ESC = '\u001b';
  const nasty = `Clear ${ESC}[2J${ESC}[H title ${ESC}]0;pwned\u0007 ${ESC}]52;c;cHduZWQ=\u0007 ${ESC}]8;;https://evil.example\u0007link${ESC}]8;;\u0007 ${ESC}P+q${ESC}\\ bell\u0007 \u009b31m c1 \u202eevil`;
  const { root } = teamDir({ 'term.md': postmortem('term', nasty, JSON.stringify(nasty)) });
  for (const args of [['show', 'term'], ['search', 'zebra'], ['show', 'missing-id-\u001b[2J']]) {
    const r = await kb(args, root);
    for (const out of [r.stdout, r.stderr]) {
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, `${args.join(' ')}: ${JSON.stringify(out)}`);
    }
    if (args[0] === 'show' && args[1] === 'term') assert.match(r.stdout, /Clear\s+title\s+link\s+bell\s+c1\s+evil/);
  }
});

test('limits: nesting is measured in one pass, fenced code is not nesting, bundled-sized entries pass', () => {
  assert.equal(markdownNesting('> a\n> > b\n> > > c\n').depth, 3);
  assert.equal(markdownNesting('- a\n  - b\n    - c\n- d\n').depth, 3);
  assert.equal(markdownNesting('```\n> > > > >\n```\n- x\n').depth, 1);
  assert.equal(teamFileProblem(postmortem('ok', '- a\n  - b\n> q')), undefined);
  assert.match(teamFileProblem('>'.repeat(MAX_TEAM_NESTING + 1)) ?? '', /nested more than/);
  for (const f of fs.readdirSync(path.join(__dirname, '..', '..', 'knowledge', 'incidents'))) {
    assert.equal(teamFileProblem(fs.readFileSync(path.join(__dirname, '..', '..', 'knowledge', 'incidents', f), 'utf8')), undefined, f);
  }
});

test('stripControls: escape sequences go whole, text stays', () => {
  assert.equal(stripControls('a\u001b[1;31mred\u001b[0m b'), 'ared b');
  assert.equal(stripControls('t\u001b]0;title\u0007x'), 'tx');
  assert.equal(stripControls('t\u001b]8;;http://e\u001b\\link\u001b]8;;\u001b\\'), 'tlink');
  assert.equal(stripControls('tab\tnl\ncr\r\nx'), 'tab\tnl\ncr\nx');
  assert.equal(stripControls('cr\r\nx', true), 'cr\r\nx');
  assert.equal(stripControls('plain ünïcode ✓'), 'plain ünïcode ✓');
});
