import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { fixtureIndex, tempDir } from './fixture';
import { loadKnowledgeBase, renderMarkdown, renderEntry, exportStaticSite, type KbEntry } from '../../src/kb';

test('sanitises scripts, event handlers and dangerous URL schemes', () => {
  const html = renderMarkdown(
    [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(2)">',
      '<a href="javascript:alert(3)">a</a> [b](javascript:alert(4)) [c](JaVaScRiPt:alert(5)) [d](data:text/html;base64,PHNjcmlwdD4=) [e](vbscript:msgbox)',
      '<div onclick="alert(6)" style="background:url(javascript:alert(7))">x</div>',
      '<iframe src="https://evil.example"></iframe><object data="x"></object><svg onload="alert(8)"></svg>',
      '<a href="&#106;avascript:alert(9)">f</a>',
    ].join('\n\n'),
  );
  for (const bad of ['<script', 'onerror', 'onclick', 'onload', 'javascript:', 'JaVaScRiPt', 'data:text', 'vbscript', '<iframe', '<object', '<svg', 'style=', 'alert(1)']) {
    assert.ok(!html.toLowerCase().includes(bad.toLowerCase()), `${bad} survived in:\n${html}`);
  }
  // The link texts remain, without hrefs.
  assert.match(html, /<a>b<\/a>/);
});

test('kb links become internal links; http(s) links are marked external', () => {
  const html = renderMarkdown('See [backoff](kb:backoff-with-jitter), [AWS](https://aws.amazon.com/message/65648/) and [bad](kb:../../etc).');
  assert.match(html, /<a href="#kb:backoff-with-jitter" data-kb-id="backoff-with-jitter" class="kb-link">backoff<\/a>/);
  assert.match(html, /<a href="https:\/\/aws\.amazon\.com\/message\/65648\/" class="external" rel="noopener noreferrer" data-external="true">AWS<\/a>/);
  assert.match(html, /<a class="kb-missing">bad<\/a>/);
  const custom = renderMarkdown('[x](kb:aws-ebs-2011)', { linkFor: id => `command:incidentLens.openKb?${encodeURIComponent(JSON.stringify([id]))}` });
  // A custom scheme from linkFor is dropped by the sanitiser unless it is http(s)/mailto/relative: the adapter should use '#kb:' hrefs.
  assert.doesNotMatch(custom, /command:/);
  const rel = renderMarkdown('[x](kb:aws-ebs-2011)', { linkFor: id => `${id}.html` });
  assert.match(rel, /<a href="aws-ebs-2011\.html" data-kb-id="aws-ebs-2011" class="kb-link">x<\/a>/);
});

test('code blocks, tables and headings render', () => {
  const html = renderMarkdown('## Title\n\n```ts\nconst a = 1 < 2 && "<b>";\n```\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n');
  assert.match(html, /<h2>Title<\/h2>/);
  assert.match(html, /<pre><code class="language-ts">const a = 1 &lt; 2 &amp;&amp; "&lt;b&gt;";/);
  assert.match(html, /<th align="left">a<\/th>/);
});

test('render(id) shows header facts with the impact source and related entries by title', async () => {
  const kb = loadKnowledgeBase({ indexJson: await fixtureIndex() });
  const html = kb.render('aws-ebs-2011')!;
  assert.match(html, /<h1>AWS EBS re-mirroring storm in US-East-1<\/h1>/);
  assert.match(html, /<dt>Date<\/dt><dd>2011-04-21<\/dd>/);
  assert.match(html, /About 13% of EBS volumes.*\(<a href="https:\/\/aws\.amazon\.com\/message\/65648\/" class="external"[^>]*>source<\/a>\)/);
  assert.match(html, /<a href="#kb:backoff-with-jitter" data-kb-id="backoff-with-jitter" class="kb-link">Exponential backoff with jitter<\/a>/);
  assert.match(html, /<h2>Sources<\/h2>/);
  // family codes spelled out, not bare codes
  assert.match(html, /<dt>Anti-patterns<\/dt><dd>retries without backoff and jitter \(RB\); missing or unbounded network timeout \(NT\); unbounded fan-out or concurrency \(FO\)<\/dd>/);
});

test('entry fields are escaped in the header (a hostile team postmortem title)', () => {
  const entry: KbEntry = { id: 'x', kind: 'incident', title: '<img src=x onerror=alert(1)>', summary: '"><script>alert(1)</script>', rules: [], patterns: [], incidents: [], body: '', impact: '<b>big</b>', impactSource: 'javascript:alert(1)' };
  const html = renderEntry(entry);
  assert.doesNotMatch(html, /<img|<script|<b>|javascript:/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test('static export writes one page per entry plus an index, with relative links and a CSP', async () => {
  const kb = loadKnowledgeBase({ indexJson: await fixtureIndex() });
  const dir = path.join(tempDir(), 'site');
  const files = kb.exportHtml(dir);
  assert.equal(files.length, kb.all().length + 1);
  const page = fs.readFileSync(path.join(dir, 'aws-ebs-2011.html'), 'utf8');
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(page, /<a href="backoff-with-jitter\.html" data-kb-id="backoff-with-jitter" class="kb-link">/);
  const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  assert.match(index, /<a href="spotify-2013\.html">Spotify Popcount retry storm<\/a>/);
  assert.equal(exportStaticSite([], path.join(dir, 'empty')).length, 1);
});
