/** Issue 19 item 2: `--cache` (content-keyed per-file results; the project pass always re-runs). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { tempProject } from '../helpers/temp-project';
import { runCli as run } from '../helpers/cli';
import { CACHE_FORMAT, FileResultCache, engineFingerprint } from '../../src/core/cache';
import { analyzeProject } from '../../src/project/analyze';
import { defaultConfig } from '../../src/core/config';
import type { Rule } from '../../src/core/rule';
import type { Ref } from '../../src/core/symbols';

const CALL = (u: string) => `export async function get() {\n  return fetch('https://api.example.com${u}');\n}\n`;
const write = (dir: string, f: string, s: string) => fs.writeFileSync(path.join(dir, f), s);

/** The cache file's entries (to see what was stored) and a run's hit/miss counts from the TTY timing line. */
const entries = (file: string) => Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).entries).map(f => path.basename(f)).sort();
const hits = (r: { stderr: string }) => Number(/\((\d+) from the cache\)/.exec(r.stderr)?.[1]);

describe('--cache in the CLI', () => {
  test('cold run writes the cache; a warm run takes unchanged files from it with identical output; a changed file is re-analysed', async () => {
    const dir = tempProject({ 'src/a.ts': CALL('/a'), 'src/b.ts': CALL('/b'), 'src/c.ts': 'export const c = 1;\n' });
    const cold = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    const cacheFile = path.join(dir, '.incident-lens-cache');
    assert.deepEqual(entries(cacheFile), ['a.ts', 'b.ts', 'c.ts']);
    const warm = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.equal(warm.stdout, cold.stdout, 'same findings from the cache');
    const warmTty = await run(['check', 'src', '--cache'], dir, { tty: true });
    assert.equal(hits(warmTty), 3);
    write(dir, 'src/b.ts', 'export const b = 2;\n');
    const after = await run(['check', 'src', '--cache', '--no-color'], dir, { tty: true });
    assert.equal(hits(after), 2, 'b.ts changed: a miss');
    assert.match(after.stdout, /✖ 1 problem \(1 warning\) in 1 of 3 files\./);
    const r = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(r.stdout).map((f: { file: string }) => f.file), ['src/a.ts']);
  });

  test('--cache-location: a file or a directory; the cache is not used without --cache', async () => {
    const dir = tempProject({ 'src/a.ts': CALL('/a') });
    await run(['check', 'src', '--cache', '--cache-location', 'tmp/cache/'], dir);
    assert.ok(fs.existsSync(path.join(dir, 'tmp/cache/.incident-lens-cache')));
    await run(['check', 'src', '--cache', '--cache-location', 'my.cache'], dir);
    assert.ok(fs.existsSync(path.join(dir, 'my.cache')));
    await run(['check', 'src'], dir);
    assert.ok(!fs.existsSync(path.join(dir, '.incident-lens-cache')));
    assert.equal((await run(['check', 'src', '--cache-location', 'x'], dir)).code, 2);
  });

  test('invalidated by the config (severity, settings), the rule selection and --report-unused-disable', async () => {
    const dir = tempProject({ 'src/a.ts': CALL('/a') });
    await run(['check', 'src', '--cache'], dir);
    assert.equal(hits(await run(['check', 'src', '--cache'], dir, { tty: true })), 1);
    write(dir, '.incident-lens.json', '{ "rules": { "missing-timeout": "error" } }');
    const sev = await run(['check', 'src', '--cache'], dir, { tty: true });
    assert.equal(hits(sev), 0);
    assert.match(sev.stdout, /1 error/);
    write(dir, '.incident-lens.json', '{ "rules": { "missing-timeout": "error" }, "defaultTimeoutMs": 3000 }');
    const set = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.match(JSON.parse(set.stdout)[0].fixes[0].edits[0].text, /AbortSignal\.timeout\(3000\)/, 'the fix text follows the new setting');
    assert.equal(hits(await run(['check', 'src', '--cache', '--rule', 'wall-clock-ordering'], dir, { tty: true })), 0);
    assert.equal(hits(await run(['check', 'src', '--cache', '--report-unused-disable'], dir, { tty: true })), 0);
  });

  test('invalidated when the analyzer changes (engine fingerprint), and a corrupt cache is ignored', async () => {
    const dir = tempProject({ 'src/a.ts': CALL('/a') });
    await run(['check', 'src', '--cache'], dir);
    const file = path.join(dir, '.incident-lens-cache');
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(j.engine, engineFingerprint(require('../../package.json').version));
    assert.match(j.engine, /^\d+\.\d+\.\d+\+[0-9a-f]{16}$/);
    fs.writeFileSync(file, JSON.stringify({ ...j, engine: '0.0.1+other' }));
    assert.equal(hits(await run(['check', 'src', '--cache'], dir, { tty: true })), 0);
    fs.writeFileSync(file, '{ not json');
    const r = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.equal(JSON.parse(r.stdout).length, 1);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).format, CACHE_FORMAT, 'rewritten');
  });

  test('size and mtime spare reading unchanged files; a touched file with the same content still hits; a rewritten one misses', async () => {
    const dir = tempProject({ 'src/a.ts': CALL('/a'), 'src/b.ts': 'export const b = 1;\n' });
    await run(['check', 'src', '--cache'], dir);
    const b = path.join(dir, 'src/b.ts');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(b, later, later);
    assert.equal(hits(await run(['check', 'src', '--cache'], dir, { tty: true })), 2, 'same content: a hit (metadata refreshed)');
    fs.writeFileSync(b, 'export const b = 2;\n');
    fs.utimesSync(b, later, later);
    assert.equal(hits(await run(['check', 'src', '--cache'], dir, { tty: true })), 1, 'same size and mtime but new content: the mtime is not older than the hash, so the hash decides');
    // and the shortcut does apply to files modified well before they were hashed
    const cache = JSON.parse(fs.readFileSync(path.join(dir, '.incident-lens-cache'), 'utf8'));
    const a = cache.entries[path.join(dir, 'src/a.ts')];
    assert.ok(a.mtimeMs < a.checkedAt, 'a.ts: hashed after its last change');
  });

  test('a cached file is skipped when the size limit drops below it or default excludes come back for generated code', async () => {
    const gen = `// @generated by a tool\n${CALL('/g')}`;
    const dir = tempProject({ 'src/a.ts': CALL('/a'), 'src/gen.ts': gen, '.incident-lens.json': '{ "defaultExcludes": false }' });
    const first = JSON.parse((await run(['check', 'src', '--cache', '--format', 'json'], dir)).stdout);
    assert.deepEqual(first.map((f: { file: string }) => f.file), ['src/a.ts', 'src/gen.ts']);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{}');
    const r = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(r.stdout).map((f: { file: string }) => f.file), ['src/a.ts']);
    assert.match(r.stderr, /src\/gen\.ts: skipped \(generated file/);
    fs.writeFileSync(path.join(dir, '.incident-lens.json'), '{ "maxFileSizeBytes": 20 }');
    const small = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(small.stdout), []);
    assert.match(small.stderr, /src\/a\.ts: skipped \(larger than 20 bytes/);
  });

  test('a project fact from another file: an unchanged (cached) file\'s findings follow a change in the file that sets it', async () => {
    const dir = tempProject({ 'src/api.ts': `import axios from 'axios';\nexport const get = (u: string) => axios.get(u);\n`, 'src/setup.ts': `import axios from 'axios';\naxios.defaults.timeout = 5000;\n` });
    assert.deepEqual(JSON.parse((await run(['check', 'src', '--cache', '--format', 'json'], dir)).stdout), []);
    write(dir, 'src/setup.ts', 'export {};\n');
    const r = await run(['check', 'src', '--cache', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(r.stdout).map((f: { file: string }) => f.file), ['src/api.ts'], 'api.ts came from the cache, its finding is back');
    write(dir, 'src/setup.ts', `import axios from 'axios';\naxios.defaults.timeout = 5000;\n`);
    assert.deepEqual(JSON.parse((await run(['check', 'src', '--cache', '--format', 'json'], dir)).stdout), []);
  });

  test('--fix with a cache: a cached file with a safe fix is analysed again and fixed', async () => {
    const dir = tempProject({ 'src/a.ts': CALL('/a') });
    await run(['check', 'src', '--cache'], dir);
    const r = await run(['check', 'src', '--cache', '--fix', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.match(fs.readFileSync(path.join(dir, 'src/a.ts'), 'utf8'), /AbortSignal\.timeout/);
    assert.equal(hits(await run(['check', 'src', '--cache'], dir, { tty: true })), 1, 'the fixed text was cached');
  });
});

describe('cache and the project layer', () => {
  // a toy rule as in test/project: a handler that reaches `boom()` (any file, up to three calls deep) is reported at its
  // name, settled in the project pass against the other files' function summaries
  const toy: Rule = {
    meta: { id: 'toy', title: 'toy', description: 'toy', defaultSeverity: 'warning', incidents: [], patterns: [], fixable: false },
    triggers: /handle/,
    summaries: [{ key: 'boom', triggers: /boom\(/, of: (ctx, fn) => (/boom\(/.test(ctx.text.slice(fn.node.startIndex, fn.node.endIndex)) ? true : undefined) }],
    check(ctx) {
      for (const f of ctx.captures('func')) {
        const name = f.childForFieldName('name');
        if (name?.text !== 'handle') continue;
        const calls = ctx.captures('call').filter(c => c.startIndex > f.startIndex && c.endIndex < f.endIndex)
          .map(c => ctx.refOf(c.childForFieldName('function')!)).filter(Boolean);
        ctx.report({ node: name, messageId: 'x', message: 'handle', pending: { calls } });
      }
    },
    settle(f, project, file) {
      for (const ref of (f.pending as { calls: Ref[] }).calls) {
        const hit = project.reach(file, ref).find(r => r.fn.facts.boom);
        if (hit) return { ...f, message: `handle reaches boom in ${path.basename(hit.file)}` };
      }
      return undefined;
    },
  };

  test('a cached handler\'s finding follows a change in the file it depends on (hit for the handler, miss for the dependency)', async () => {
    const dir = tempProject({
      'h.ts': `import { svc } from './svc';\nexport function handle() { svc(); }\n`,
      'svc.ts': `import { deep } from './deep';\nexport function svc() { deep(); }\n`,
      'deep.ts': `export function deep() {\n  boom();\n}\n`,
    });
    const files = ['h.ts', 'svc.ts', 'deep.ts'].map(f => path.join(dir, f));
    const past = new Date(Date.now() - 60_000);
    for (const f of files) fs.utimesSync(f, past, past); // written well before they are hashed: the size/mtime shortcut applies
    const cacheFile = path.join(dir, 'c.json');
    const once = async () => {
      const cache = FileResultCache.open(cacheFile, 'test-engine');
      const r = await analyzeProject(files, { config: defaultConfig(dir), rules: [toy], cache });
      cache.save();
      return { messages: r.files.flatMap(f => f.findings.map(x => `${path.basename(f.file)}: ${x.message}`)), stats: { ...cache.stats } };
    };
    const cold = await once();
    assert.deepEqual(cold.messages, ['h.ts: handle reaches boom in deep.ts']);
    assert.deepEqual([cold.stats.hits, cold.stats.misses], [0, 3]);
    const warm = await once();
    assert.deepEqual(warm.messages, cold.messages);
    assert.deepEqual([warm.stats.hits, warm.stats.misses, warm.stats.written], [3, 0, false], 'nothing re-analysed, nothing written');
    fs.writeFileSync(files[2], `export function deep() {\n  calm();\n}\n`);
    fs.utimesSync(files[2], past, new Date(Date.now() - 30_000));
    const changed = await once();
    assert.deepEqual([changed.stats.hits, changed.stats.misses], [2, 1], 'h.ts and svc.ts from the cache');
    assert.deepEqual(changed.messages, [], 'the settled finding is gone although h.ts was not analysed again');
    fs.writeFileSync(files[2], `export function deep() {\n  boom();\n}\n`);
    assert.deepEqual((await once()).messages, cold.messages);
  });
});
