/** Issue 19 item 5: SARIF rule links, help text and related locations; `related` in JSON and GitHub annotations. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { formatGithub, formatPretty, formatSarif, helpMarkdown, plain, repositoryDocs, toJson } from '../../src/cli/format';
import { loadKnowledgeBase } from '../../src/kb';
import { allRules } from '../../src/rules';
import type { Finding } from '../../src/core/types';

const ROOT = path.join(__dirname, '..', '..');
const kb = loadKnowledgeBase({});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv = require('ajv-draft-04');
const sarifValidate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false })
  .compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));

const text = `import { charge } from './billing';\n\napp.post('/pay', async (req, res) => {\n  await charge(req.body);\n  res.sendStatus(200);\n});\n`;
const finding: Finding = {
  ruleId: 'non-idempotent-handler', severity: 'warning', message: 'a retried POST repeats `charge` (billing.ts)', messageId: 'x',
  start: 36, end: 120, startPos: { line: 2, column: 0 }, endPos: { line: 5, column: 2 }, incidents: ['twilio-2013'], patterns: ['idempotency-keys'], fixes: [],
  related: [
    { file: '/p/src/billing.ts', startPos: { line: 9, column: 2 }, endPos: { line: 9, column: 30 }, message: 'the effect: stripe.charges.create' },
    { file: '/p/src/pay.ts', startPos: { line: 3, column: 2 }, endPos: { line: 3, column: 24 }, message: 'the call that reaches it' },
  ],
};
const results = [{ file: '/p/src/pay.ts', text, findings: [finding] }];
const sarifOf = (docs = repositoryDocs(undefined)) => formatSarif(results, {
  cwd: '/p', version: '1.2.3', rules: allRules.map(r => r.meta), ruleDoc: id => kb.get(id)?.body, kbGet: id => kb.get(id), docs,
});

describe('related locations', () => {
  test('SARIF relatedLocations (valid SARIF 2.1.0), paths relative to %SRCROOT%', () => {
    const s = sarifOf();
    assert.ok(sarifValidate(s), JSON.stringify(sarifValidate.errors));
    const res = s.runs[0].results![0];
    assert.deepEqual(res.relatedLocations, [
      { id: 1, physicalLocation: { artifactLocation: { uri: 'src/billing.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 10, startColumn: 3, endLine: 10, endColumn: 31 } }, message: { text: 'the effect: stripe.charges.create' } },
      { id: 2, physicalLocation: { artifactLocation: { uri: 'src/pay.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 3, endLine: 4, endColumn: 25 } }, message: { text: 'the call that reaches it' } },
    ]);
    const none = formatSarif([{ ...results[0], findings: [{ ...finding, related: undefined }] }], { cwd: '/p', version: '1', rules: [], ruleDoc: () => undefined });
    assert.equal(none.runs[0].results![0].relatedLocations, undefined);
  });

  test('JSON `related` (1-based, relative paths); GitHub annotations list them under the message; pretty shows them', () => {
    assert.deepEqual(toJson(results, '/p')[0].related, [
      { file: 'src/billing.ts', line: 10, column: 3, endLine: 10, endColumn: 31, message: 'the effect: stripe.charges.create' },
      { file: 'src/pay.ts', line: 4, column: 3, endLine: 4, endColumn: 25, message: 'the call that reaches it' },
    ]);
    assert.equal(formatGithub(results, '/p'),
      '::warning file=src/pay.ts,line=3,col=1,endLine=6,endColumn=3,title=incident-lens(non-idempotent-handler)::a retried POST repeats `charge` (billing.ts)%0A  src/billing.ts:10:3: the effect: stripe.charges.create%0A  src/pay.ts:4:3: the call that reaches it');
    assert.match(formatPretty(results, { cwd: '/p', style: plain }), /↳ src\/billing\.ts:10:3 the effect: stripe\.charges\.create\n {4}↳ src\/pay\.ts:4:3 the call that reaches it/);
  });
});

describe('rule documentation links', () => {
  test('no repository in package.json: no helpUri / informationUri, and help text without kb: links', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const s = sarifOf(repositoryDocs(pkg.repository));
    const driver = s.runs[0].tool.driver;
    if (!pkg.repository) {
      assert.equal(driver.informationUri, undefined);
      for (const r of driver.rules!) assert.equal(r.helpUri, undefined);
    }
    for (const r of driver.rules!) {
      assert.doesNotMatch(r.help!.markdown!, /\]\(kb:/, r.id);
      assert.doesNotMatch(r.help!.text, /\]\(|kb:/, `${r.id}: plain text`);
    }
    const mt = driver.rules!.find(r => r.id === 'missing-timeout')!;
    assert.match(mt.help!.markdown!, /AWS EBS outage of 2011, control-plane/, 'the link text stays');
  });

  test('with a repository: helpUri is the rule doc in it, kb links go to the knowledge files, and those files exist here', () => {
    const docs = repositoryDocs({ type: 'git', url: 'git+https://github.com/acme/incident-lens.git' })!;
    assert.deepEqual(docs, { home: 'https://github.com/acme/incident-lens', blob: 'https://github.com/acme/incident-lens/blob/HEAD/' });
    const s = sarifOf(docs);
    assert.ok(sarifValidate(s));
    assert.equal(s.runs[0].tool.driver.informationUri, 'https://github.com/acme/incident-lens');
    for (const r of s.runs[0].tool.driver.rules!) {
      assert.equal(r.helpUri, `https://github.com/acme/incident-lens/blob/HEAD/src/rules/${r.id}.md`);
      assert.ok(fs.existsSync(path.join(ROOT, 'src/rules', `${r.id}.md`)), `${r.id}: the linked doc is in the repository`);
      for (const m of r.help!.markdown!.matchAll(/\]\(https:\/\/github\.com\/acme\/incident-lens\/blob\/HEAD\/([^)]+)\)/g)) {
        assert.ok(fs.existsSync(path.join(ROOT, m[1])), `${r.id}: ${m[1]} exists`);
      }
    }
    assert.match(helpMarkdown('[EBS](kb:aws-ebs-2011) and [jitter](kb:backoff-with-jitter) and [x](kb:nope)', docs, id => kb.get(id)),
      /^\[EBS\]\(https:\/\/github\.com\/acme\/incident-lens\/blob\/HEAD\/knowledge\/incidents\/aws-ebs-2011\.md\) and \[jitter\]\(https:\/\/github\.com\/acme\/incident-lens\/blob\/HEAD\/knowledge\/patterns\/backoff-with-jitter\.md\) and x$/);
  });

  test('repository forms', () => {
    const home = (r: unknown) => repositoryDocs(r)?.blob;
    assert.equal(home('github:acme/lens'), 'https://github.com/acme/lens/blob/HEAD/');
    assert.equal(home('acme/lens'), 'https://github.com/acme/lens/blob/HEAD/');
    assert.equal(home('git@github.com:acme/lens.git'), 'https://github.com/acme/lens/blob/HEAD/');
    assert.equal(home({ url: 'https://gitlab.com/acme/lens.git', directory: 'packages/cli' }), 'https://gitlab.com/acme/lens/-/blob/HEAD/packages/cli/');
    assert.equal(home('https://example.com/some/where'), undefined, 'an unknown host gives no guessed URL');
    assert.equal(home(undefined), undefined);
  });
});
