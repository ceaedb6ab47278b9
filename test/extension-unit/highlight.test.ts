import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAllLanguages } from '../../src/core/parser';
import { highlightCodeBlocks, tokenize } from '../../src/extension/highlight';

test('tokenize: keywords, strings, template literals, comments, numbers, calls, types; texts add up to the input', async () => {
  await loadAllLanguages();
  const code = "// ❌ no timeout\nconst res = await fetch(`https://${host}/x`, { method: 'POST' }); // done\nlet n: Promise<void> = sleep(1_000);\n/* block */ if (a < b && c > 0x1f) throw new Error(\"x\\\"y\");";
  const toks = tokenize(code);
  assert.equal(toks.map(t => t.text).join(''), code);
  const kinds = (kind: string) => toks.filter(t => t.kind === kind).map(t => t.text);
  assert.deepEqual(kinds('comment'), ['// ❌ no timeout', '// done', '/* block */']);
  assert.deepEqual(kinds('string'), ['`https://${host}/x`', "'POST'", '"x\\"y"']);
  assert.deepEqual(kinds('keyword'), ['const', 'await', 'let', 'void', 'if', 'throw', 'new']);
  assert.deepEqual(kinds('number'), ['1_000', '0x1f']);
  assert.deepEqual(kinds('function'), ['fetch', 'sleep', 'Error']);
  assert.deepEqual(kinds('type'), ['Promise']);
  // an unterminated string does not swallow the rest of the block badly: still adds up
  assert.equal(tokenize("const a = 'x\nconst b = 1;").map(t => t.text).join(''), "const a = 'x\nconst b = 1;");
});

test('highlightCodeBlocks: TS/JS blocks get token spans, escaped; other languages and blocks with markup are left alone', async () => {
  await loadAllLanguages();
  const html = '<p>x</p><pre><code class="language-ts">const a = b &lt; 2 &amp;&amp; "&lt;img src=x onerror=alert(1)&gt;";</code></pre>' +
    '<pre><code class="language-sh">npm ci</code></pre><pre><code class="language-js">return <b>x</b></code></pre>';
  const out = highlightCodeBlocks(html);
  assert.equal(out, '<p>x</p><pre><code class="language-ts"><span class="tok-k">const</span> a = b &lt; <span class="tok-n">2</span> &amp;&amp; ' +
    '<span class="tok-s">&quot;&lt;img src=x onerror=alert(1)&gt;&quot;</span>;</code></pre>' +
    '<pre><code class="language-sh">npm ci</code></pre><pre><code class="language-js">return <b>x</b></code></pre>');
  // no tag appears that was not there, except our spans
  assert.doesNotMatch(out.replace(/<\/?span( class="tok-\w")?>/g, ''), /<img/);
});
