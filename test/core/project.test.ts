import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeProject } from '../../src/project/analyze';
import { allRules } from '../../src/rules';
import { defaultConfig } from '../../src/core/config';
import { createFilter, discoverFiles, isTestLikeName } from '../../src/core/files';
import { tempProject } from '../helpers/temp-project';

const project = (files: Record<string, string | Buffer>): string => tempProject(files, 'il-proj-');

async function findingsIn(dir: string, only?: string[]) {
  const config = defaultConfig(dir);
  const files = discoverFiles(only ?? ['.'], dir, config).files;
  const r = await analyzeProject(files, { config, rules: allRules });
  return { r, list: r.files.flatMap(f => f.findings.map(x => `${path.relative(dir, f.file)}:${x.startPos.line + 1}:${x.ruleId}`)) };
}

test('axios.defaults.timeout set in another module voids axios call findings project-wide', async () => {
  const dir = project({
    'src/bootstrap.ts': `import axios from 'axios';\naxios.defaults.timeout = 5000;\n`,
    'src/users.ts': `import axios from 'axios';\nexport const users = () => axios.get('https://x/users');\n`,
  });
  assert.deepEqual((await findingsIn(dir)).list, []);
  // analysed alone, the call is flagged: the fact must come from the project
  assert.deepEqual((await findingsIn(dir, ['src/users.ts'])).list, ['src/users.ts:2:missing-timeout']);
});

test('axios.defaults.timeout = 0 is not a fact', async () => {
  const dir = project({
    'src/bootstrap.ts': `import axios from 'axios';\naxios.defaults.timeout = 0;\n`,
    'src/users.ts': `import axios from 'axios';\nexport const users = () => axios.get('https://x/users');\n`,
  });
  assert.deepEqual((await findingsIn(dir)).list, ['src/users.ts:2:missing-timeout']);
});

test('an instance created in one module gets its timeout in the module that imports it', async () => {
  const dir = project({
    'src/http.ts': `import axios from 'axios';\nexport const api = axios.create({ baseURL: 'https://x' });\n`,
    'src/setup.ts': `import { api } from './http';\napi.defaults.timeout = 3000;\n`,
    'src/other.ts': `import axios from 'axios';\nexport default axios.create({ baseURL: 'https://y' });\n`,
    'src/setup2.ts': `import * as http from './http';\nhttp.api.defaults.headers.common.x = '1';\n`,
  });
  assert.deepEqual((await findingsIn(dir)).list, ['src/other.ts:2:missing-timeout']);
});

test('default-exported instance configured through a default import', async () => {
  const dir = project({
    'src/client/index.ts': `import axios from 'axios';\nconst client = axios.create();\nexport default client;\n`,
    'src/main.ts': `import client from './client';\nclient.defaults.timeout = 1000;\n`,
  });
  assert.deepEqual((await findingsIn(dir)).list, []);
});

test('discovery: default excludes, .gitignore (root and nested), explicit files always analysed', async () => {
  const dir = project({
    '.gitignore': 'generated/\n',
    'src/a.ts': 'fetch(u);',
    'src/a.test.ts': 'fetch(u);',
    'src/__tests__/b.ts': 'fetch(u);',
    'src/vendor.min.js': 'fetch(u);',
    'dist/a.js': 'fetch(u);',
    'node_modules/x/index.js': 'fetch(u);',
    'generated/g.ts': 'fetch(u);',
    'src/sub/.gitignore': 'local.ts\n',
    'src/sub/local.ts': 'fetch(u);',
    'src/sub/kept.ts': 'fetch(u);',
    'test/fixtures/f.ts': 'fetch(u);',
    'README.md': 'fetch(u)',
  });
  fs.mkdirSync(path.join(dir, '.git'));
  const config = defaultConfig(dir);
  const rel = (fs: string[]) => fs.map(f => path.relative(dir, f)).sort();
  assert.deepEqual(rel(discoverFiles(['.'], dir, config).files), ['src/a.ts', 'src/sub/kept.ts']);
  assert.deepEqual(rel(discoverFiles(['src/a.test.ts'], dir, config).files), ['src/a.test.ts']);
  assert.deepEqual(discoverFiles(['nope'], dir, config).missing, ['nope']);
  const all = rel(discoverFiles(['.'], dir, { ...config, defaultExcludes: false }).files);
  assert.ok(all.includes('src/a.test.ts') && all.includes('dist/a.js') && !all.includes('generated/g.ts') && !all.includes('node_modules/x/index.js'));
  assert.deepEqual(rel(discoverFiles(['.'], dir, { ...config, include: ['src/sub/**'] }).files), ['src/sub/kept.ts']);
  assert.deepEqual(rel(discoverFiles(['.'], dir, { ...config, exclude: ['src/sub/**'] }).files), ['src/a.ts']);
  // a directory the user names is analysed even when its own path matches a default exclude
  assert.deepEqual(rel(discoverFiles(['test/fixtures'], dir, config).files), ['test/fixtures/f.ts']);
  assert.deepEqual(rel(discoverFiles(['src/__tests__'], dir, config).files), ['src/__tests__/b.ts']);
  // ... but excludes still apply below it
  assert.deepEqual(rel(discoverFiles(['src'], dir, config).files), ['src/a.ts', 'src/sub/kept.ts']);
});

test('discovery: test-like files by any common naming are default excludes (RULES v2), Remix "latest" routes are not', () => {
  const skipped = [
    'src/users.servertest.ts', 'src/Table.clienttest.tsx', 'src/db.itest.ts', 'src/app.e2e.ts', 'src/app.e2e-spec.ts',
    'src/Button.stories.tsx', 'evals/aiQuery.eval.ts', 'src/__e2e__/flow.ts', 'src/__mocks__/api.ts', 'src/mocks/handlers.ts',
    'src/fixtures/x.ts', 'e2e/login.ts', 'tests/x.ts', '__test__/api/x.ts', 'cypress/support/commands.ts', 'src/v1.servertest.ts',
  ];
  const kept = [
    'src/routes/api.v1.deployments.latest.ts', 'src/contest.ts', 'src/greatest.ts', 'src/a.contest.ts', 'src/testing/x.ts',
    'src/spec/openapi.ts', 'src/test-utils.ts', 'src/routes/env.test-tasks.ts',
  ];
  const dir = project(Object.fromEntries([...skipped, ...kept].map(f => [f, 'fetch(u);'])));
  const config = defaultConfig(dir);
  const rel = (fs: string[]) => fs.map(f => path.relative(dir, f).split(path.sep).join('/')).sort();
  assert.deepEqual(rel(discoverFiles(['.'], dir, config).files), [...kept].sort());
  assert.deepEqual(rel(discoverFiles(['.'], dir, { ...config, defaultExcludes: false }).files), [...skipped, ...kept].sort());
  // the extension's workspace index uses the same filter (indexFilter = createFilter)
  const filter = createFilter(config);
  assert.deepEqual(skipped.filter(f => filter.accepts(path.join(dir, f))), []);
  assert.deepEqual(kept.filter(f => !filter.accepts(path.join(dir, f))), []);
  assert.equal(isTestLikeName('a/b.servertest.ts'), true);
  assert.equal(isTestLikeName('a/b.latest.ts'), false);
});

test('unreadable, binary, huge and non-UTF-8 files are skipped with a notice, never a crash', async () => {
  const dir = project({
    'src/ok.ts': 'fetch(u);',
    'src/binary.ts': Buffer.from([0x66, 0x00, 0x01, 0x02]),
    'src/latin1.ts': Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xe9, 0x3d, 0x31]),
    'src/huge.ts': 'x'.repeat(2000),
  });
  const config = { ...defaultConfig(dir), maxFileSizeBytes: 1000 };
  const files = discoverFiles(['.'], dir, config).files;
  const r = await analyzeProject([...files, path.join(dir, 'src/gone.ts')], { config, rules: allRules });
  assert.deepEqual(r.files.map(f => path.basename(f.file)), ['ok.ts']);
  const notices = r.notices.map(n => n.replace(dir + path.sep, ''));
  assert.ok(notices.some(n => /binary\.ts: skipped \(binary file\)/.test(n)), notices.join('\n'));
  assert.ok(notices.some(n => /latin1\.ts: skipped \(not valid UTF-8\)/.test(n)));
  assert.ok(notices.some(n => /huge\.ts: skipped \(larger than 1 KB:/.test(n)));
  assert.ok(notices.some(n => /gone\.ts: skipped \(unreadable \(ENOENT\)\)/.test(n)));
});

test('bundled/minified and @generated files are skipped in directory scans, analysed when named', async () => {
  const bundle = Array.from({ length: 10 }, (_, i) => `var a${i}=function(){return fetch(u${i})};`.repeat(40)).join('\n');
  const dir = project({ 'src/app.bundle-x.js': bundle, 'src/gen.ts': '// @generated by protoc\nfetch(u);\n', 'src/real.ts': 'fetch(u);\n' });
  const config = defaultConfig(dir);
  const d = discoverFiles(['src'], dir, config);
  const r = await analyzeProject(d.files, { config, rules: allRules, explicit: d.explicit });
  assert.deepEqual(r.files.map(f => path.basename(f.file)), ['real.ts']);
  assert.ok(r.notices.some(n => /app\.bundle-x\.js: skipped \(minified or bundled code/.test(n)));
  assert.ok(r.notices.some(n => /gen\.ts: skipped \(generated file/.test(n)));
  const named = discoverFiles(['src/gen.ts'], dir, config);
  const r2 = await analyzeProject(named.files, { config, rules: allRules, explicit: named.explicit });
  assert.equal(r2.files[0].findings.length, 1);
});

test('a rule that crashes on one file is reported as a notice; other rules and files still report', async () => {
  const { analyzeProject: run } = await import('../../src/project/analyze');
  const { allRules } = await import('../../src/rules');
  const boom = { meta: { ...allRules[0].meta, id: 'boom' }, triggers: /crash-me/, check() { throw new Error('kaboom'); } };
  const dir = project({ 'src/a.ts': '// crash-me\nfetch(u);\n', 'src/b.ts': 'fetch(v);\n' });
  const config = defaultConfig(dir);
  const r = await run(discoverFiles(['src'], dir, config).files, { config, rules: [boom, ...allRules] });
  assert.deepEqual(r.files.map(f => f.findings.length), [1, 1]);
  assert.ok(r.notices.some(n => /rule boom crashed on .*a\.ts: kaboom/.test(n)), r.notices.join('\n'));
});
