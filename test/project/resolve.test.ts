import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ModuleResolver, ResolverHost, createNodeHost, parseJsonc } from '../../src/project/resolve';
import { tempProject } from '../helpers/temp-project';

const SRC = 'export const x = 1;\n';
const json = (v: unknown) => JSON.stringify(v, null, 2);

/** A project in a temp dir and a resolver over it; `r(from, spec)` answers relative to the project root. */
function setup(files: Record<string, string>, opts: { roots?: boolean } = {}) {
  const dir = tempProject(files, 'il-resolve-');
  const resolver = new ModuleResolver(opts.roots ? { roots: [dir] } : {});
  const r = (from: string, spec: string) => {
    const p = resolver.resolve(path.join(dir, from), spec);
    return p === undefined ? undefined : path.relative(dir, p).split(path.sep).join('/');
  };
  const kind = (from: string, spec: string) => resolver.resolveDetailed(path.join(dir, from), spec).kind;
  return { dir, resolver, r, kind };
}

test('relative specifiers: extension-less, index files, .js naming .ts, file before directory', () => {
  const { r, kind } = setup({
    'src/a.ts': SRC,
    'src/b.tsx': SRC,
    'src/c.js': SRC,
    'src/m.mts': SRC,
    'src/k.cts': SRC,
    'src/v.jsx': SRC,
    'src/orders.service.ts': SRC,
    'src/lib/index.ts': `export * from './one';\nexport { two as default } from './two.js';\n`,
    'src/lib/one.ts': SRC,
    'src/lib/two.ts': SRC,
    'src/ui/index.tsx': SRC,
    'src/legacy/index.js': SRC,
    'src/both.ts': SRC,
    'src/both/index.ts': SRC,
    'src/main.ts': '',
  });
  assert.equal(r('src/main.ts', './a'), 'src/a.ts');
  assert.equal(r('src/main.ts', './a.js'), 'src/a.ts');
  assert.equal(r('src/main.ts', './a.ts'), 'src/a.ts');
  assert.equal(r('src/main.ts', './b'), 'src/b.tsx');
  assert.equal(r('src/main.ts', './b.js'), 'src/b.tsx');
  assert.equal(r('src/main.ts', './b.jsx'), 'src/b.tsx');
  assert.equal(r('src/main.ts', './a.tsx'), 'src/a.ts', 'TypeScript lets a .tsx specifier name a .ts file');
  assert.equal(r('src/main.ts', './b.ts'), 'src/b.tsx');
  assert.equal(r('src/main.ts', './c'), 'src/c.js');
  assert.equal(r('src/main.ts', './c.js'), 'src/c.js');
  assert.equal(r('src/main.ts', './m.mjs'), 'src/m.mts');
  assert.equal(r('src/main.ts', './k.cjs'), 'src/k.cts');
  assert.equal(r('src/main.ts', './v'), 'src/v.jsx');
  assert.equal(r('src/main.ts', './orders.service'), 'src/orders.service.ts');
  assert.equal(r('src/main.ts', './lib'), 'src/lib/index.ts');
  assert.equal(r('src/main.ts', './lib/'), 'src/lib/index.ts');
  assert.equal(r('src/main.ts', './lib/index.js'), 'src/lib/index.ts');
  assert.equal(r('src/main.ts', './ui'), 'src/ui/index.tsx');
  assert.equal(r('src/main.ts', './legacy'), 'src/legacy/index.js');
  assert.equal(r('src/main.ts', './both'), 'src/both.ts', 'a file wins over a directory of the same name');
  assert.equal(r('src/main.ts', './both/'), 'src/both/index.ts');
  assert.equal(r('src/lib/one.ts', '..'), undefined, 'src has no index');
  assert.equal(r('src/lib/one.ts', '.'), 'src/lib/index.ts');
  assert.equal(r('src/lib/one.ts', '../a'), 'src/a.ts');
  // the re-exporting index's own specifiers
  assert.equal(r('src/lib/index.ts', './one'), 'src/lib/one.ts');
  assert.equal(r('src/lib/index.ts', './two.js'), 'src/lib/two.ts');
  assert.equal(kind('src/main.ts', './a'), 'relative');
});

test('absolute specifiers and file: URLs', () => {
  const { dir, r } = setup({ 'src/a.ts': SRC, 'src/main.ts': '' });
  assert.equal(r('src/main.ts', path.join(dir, 'src/a')), 'src/a.ts');
  assert.equal(r('src/main.ts', 'file://' + path.join(dir, 'src/a.js')), 'src/a.ts');
});

test('a .ts source is preferred over a built .js or a .d.ts beside it; a .d.ts only as the last resort', () => {
  const { r } = setup({
    'src/a.ts': SRC,
    'src/a.js': SRC,
    'src/a.d.ts': 'export declare const x: number;\n',
    'src/b.js': SRC,
    'src/b.d.ts': 'export declare const x: number;\n',
    'src/types.d.ts': 'export type T = 1;\n',
    'src/main.ts': '',
  });
  assert.equal(r('src/main.ts', './a'), 'src/a.ts');
  assert.equal(r('src/main.ts', './a.js'), 'src/a.ts');
  assert.equal(r('src/main.ts', './b'), 'src/b.js');
  assert.equal(r('src/main.ts', './b.js'), 'src/b.js');
  assert.equal(r('src/main.ts', './types'), 'src/types.d.ts');
});

test('missing targets, assets, builtins and external packages are undefined, each with its kind', () => {
  const { r, kind } = setup({
    'src/main.ts': '',
    'src/styles.css': 'a{}',
    'src/data.json': '{}',
    'package.json': json({ name: 'app', dependencies: { axios: '1' } }),
    'node_modules/axios/package.json': json({ name: 'axios', main: 'index.js' }),
    'node_modules/axios/index.js': SRC,
    'node_modules/@acme/pkg/package.json': json({ name: '@acme/pkg', main: 'index.ts' }),
    'node_modules/@acme/pkg/index.ts': SRC,
  });
  assert.equal(r('src/main.ts', './nope'), undefined);
  assert.equal(kind('src/main.ts', './nope'), 'relative');
  assert.equal(r('src/main.ts', './styles.css'), undefined);
  assert.equal(r('src/main.ts', './data.json'), undefined);
  assert.equal(r('src/main.ts', 'axios'), undefined);
  assert.equal(kind('src/main.ts', 'axios'), 'external');
  assert.equal(r('src/main.ts', '@acme/pkg'), undefined, 'never into node_modules');
  assert.equal(r('src/main.ts', '../node_modules/axios/index.js'), undefined, 'not even by a relative path');
  for (const b of ['fs', 'node:fs', 'fs/promises', 'node:test', 'child_process']) {
    assert.equal(r('src/main.ts', b), undefined);
    assert.equal(kind('src/main.ts', b), 'builtin', b);
  }
  assert.equal(r('src/main.ts', 'https://example.com/x.js'), undefined);
  assert.equal(kind('src/main.ts', 'https://example.com/x.js'), 'other');
  assert.equal(r('src/main.ts', ''), undefined);
});

test('tsconfig paths and baseUrl through a 3-level extends chain, one level from a workspace package', () => {
  const { r, kind, resolver, dir } = setup({
    'package.json': json({ name: 'root', private: true, workspaces: ['packages/*', 'apps/*'] }),
    // level 3: the shared config package (a workspace package), defines paths relative to itself (no baseUrl)
    'packages/tsconfig/package.json': json({ name: '@acme/tsconfig', version: '1.0.0' }),
    'packages/tsconfig/base.json': `{
      // shared options
      "compilerOptions": {
        "strict": true,
        "paths": { "@shared/*": ["../shared/src/*"], },
      },
    }`,
    'packages/shared/src/retry.ts': SRC,
    // level 2: a relative extends, with a comment and a trailing comma
    'apps/tsconfig.base.json': `/* apps defaults */ { "extends": "@acme/tsconfig/base.json", "compilerOptions": { "target": "es2022", }, }`,
    // level 1: inherits the paths, which stay relative to the config that wrote them
    'apps/api/tsconfig.json': json({ extends: '../tsconfig.base.json', include: ['src'] }),
    'apps/api/src/main.ts': '',
    // level 1 with a baseUrl: inherited paths become relative to the baseUrl (TypeScript's rule)
    'apps/worker/tsconfig.json': json({ extends: '../tsconfig.base.json', compilerOptions: { baseUrl: './src' } }),
    'apps/worker/src/main.ts': '',
    'apps/worker/src/util/sleep.ts': SRC,
    'apps/worker/src/util/index.ts': SRC,
    'apps/worker/shared/src/retry.ts': SRC,
  });
  assert.equal(r('apps/api/src/main.ts', '@shared/retry'), 'packages/shared/src/retry.ts');
  assert.equal(kind('apps/api/src/main.ts', '@shared/retry'), 'alias');
  assert.equal(r('apps/api/src/main.ts', '@shared/nope'), undefined);
  assert.equal(kind('apps/api/src/main.ts', '@shared/nope'), 'alias', 'a matched alias that misses is a project import');
  assert.equal(r('apps/api/src/main.ts', 'util/sleep'), undefined, 'no baseUrl');
  assert.equal(kind('apps/api/src/main.ts', 'lodash'), 'external');
  assert.equal(r('apps/worker/src/main.ts', 'util/sleep'), 'apps/worker/src/util/sleep.ts', 'baseUrl');
  assert.equal(r('apps/worker/src/main.ts', '@shared/retry'), 'apps/worker/shared/src/retry.ts');
  assert.equal(r('apps/worker/src/main.ts', 'util'), undefined, "Node's builtin wins over a baseUrl directory");
  assert.equal(kind('apps/worker/src/main.ts', 'util'), 'builtin');
  const cfgs = resolver.configFiles().map(f => path.relative(dir, f));
  for (const f of ['apps/api/tsconfig.json', 'apps/tsconfig.base.json', 'packages/tsconfig/base.json', 'packages/tsconfig/package.json']) assert.ok(cfgs.includes(f), f);
});

test('paths: exact before wildcard, longest prefix wins, targets tried in order, relative to baseUrl when set', () => {
  const { r } = setup({
    'tsconfig.json': json({
      compilerOptions: {
        baseUrl: './src',
        paths: {
          '@app/*': ['app/*'],
          '@app/core/*': ['core-v2/*', 'core/*'],
          '@config': ['config/index.ts'],
          '@config/*': ['nope/*'],
          'generated/*': ['gen/*', 'fallback/*'],
        },
      },
    }),
    'src/app/users.ts': SRC,
    'src/core/db.ts': SRC,
    'src/core-v2/cache.ts': SRC,
    'src/config/index.ts': SRC,
    'src/fallback/client.ts': SRC,
    'src/main.ts': '',
  });
  assert.equal(r('src/main.ts', '@app/users'), 'src/app/users.ts');
  assert.equal(r('src/main.ts', '@app/core/db'), 'src/core/db.ts', 'second target of the longer pattern');
  assert.equal(r('src/main.ts', '@app/core/cache'), 'src/core-v2/cache.ts');
  assert.equal(r('src/main.ts', '@config'), 'src/config/index.ts');
  assert.equal(r('src/main.ts', 'generated/client'), 'src/fallback/client.ts');
  assert.equal(r('src/main.ts', 'app/users'), 'src/app/users.ts', 'a pattern miss falls through to baseUrl');
});

test('extends: arrays (TS 5), ${configDir}, a package in node_modules, and a missing package is ignored', () => {
  const { r } = setup({
    'node_modules/@tsconfig/node18/tsconfig.json': json({ compilerOptions: { target: 'es2022' } }),
    'node_modules/@acme/config/tsconfig.paths.json': json({ compilerOptions: { paths: { '#lib/*': ['${configDir}/src/lib/*'] } } }),
    'tsconfig.json': json({
      extends: ['@tsconfig/node18/tsconfig.json', '@acme/config/tsconfig.paths.json', '@absent/config/tsconfig.json', './nope.json'],
      compilerOptions: {},
    }),
    'src/lib/a.ts': SRC,
    'src/main.ts': '',
  });
  assert.equal(r('src/main.ts', '#lib/a'), 'src/lib/a.ts', '${configDir} is the using config, not the node_modules one');
});

test('later extends entries and the child override earlier ones', () => {
  const { r } = setup({
    'one.json': json({ compilerOptions: { paths: { '~/*': ['./one/*'] } } }),
    'two.json': json({ compilerOptions: { paths: { '~/*': ['./two/*'] } } }),
    'app/tsconfig.json': json({ extends: ['../one.json', '../two.json'] }),
    'lib/tsconfig.json': json({ extends: ['../one.json', '../two.json'], compilerOptions: { paths: { '~/*': ['./own/*'] } } }),
    'one/x.ts': SRC,
    'two/x.ts': SRC,
    'lib/own/x.ts': SRC,
    'app/main.ts': '',
    'lib/main.ts': '',
  });
  assert.equal(r('app/main.ts', '~/x'), 'two/x.ts');
  assert.equal(r('lib/main.ts', '~/x'), 'lib/own/x.ts');
});

test('the nearest tsconfig per directory decides (monorepo apps with the same alias)', () => {
  const { r } = setup({
    'tsconfig.json': json({ compilerOptions: { paths: { '@/*': ['./root-src/*'] } } }),
    'root-src/env.ts': SRC,
    'apps/web/tsconfig.json': json({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['./src/*'] } } }),
    'apps/web/src/lib/fetcher.ts': SRC,
    'apps/web/src/app/page.tsx': '',
    'apps/admin/tsconfig.json': json({ compilerOptions: { paths: { '@/*': ['./app/*'] } } }),
    'apps/admin/app/lib/fetcher.ts': SRC,
    'apps/admin/app/pages/index.tsx': '',
    'scripts/seed.ts': '',
  });
  assert.equal(r('apps/web/src/app/page.tsx', '@/lib/fetcher'), 'apps/web/src/lib/fetcher.ts');
  assert.equal(r('apps/admin/app/pages/index.tsx', '@/lib/fetcher'), 'apps/admin/app/lib/fetcher.ts');
  assert.equal(r('scripts/seed.ts', '@/env'), 'root-src/env.ts');
});

test('jsconfig.json, rootDirs, and a solution-style tsconfig that only references others', () => {
  const { r } = setup({
    'js/jsconfig.json': json({ compilerOptions: { baseUrl: '.', paths: { '~/*': ['./src/*'] } } }),
    'js/src/db.js': SRC,
    'js/src/main.js': '',
    'rd/tsconfig.json': json({ compilerOptions: { rootDirs: ['./src', './generated'] } }),
    'rd/src/main.ts': '',
    'rd/generated/schema.ts': SRC,
    'vite/tsconfig.json': json({ files: [], references: [{ path: './tsconfig.app.json' }, { path: './tsconfig.node.json' }] }),
    'vite/tsconfig.app.json': json({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'vite/tsconfig.node.json': json({ compilerOptions: {} }),
    'vite/src/api.ts': SRC,
    'vite/src/main.tsx': '',
  });
  assert.equal(r('js/src/main.js', '~/db'), 'js/src/db.js');
  assert.equal(r('rd/src/main.ts', './schema'), 'rd/generated/schema.ts');
  assert.equal(r('vite/src/main.tsx', '@/api'), 'vite/src/api.ts');
});

test('a malformed tsconfig and an extends cycle: relative imports still resolve, nothing throws', () => {
  const { r, kind } = setup({
    'bad/tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] ',
    'bad/src/a.ts': SRC,
    'bad/src/main.ts': '',
    'cyc/tsconfig.json': json({ extends: './b.json', compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'cyc/b.json': json({ extends: './c.json' }),
    'cyc/c.json': json({ extends: './tsconfig.json' }),
    'cyc/src/a.ts': SRC,
    'cyc/src/main.ts': '',
    'weird/tsconfig.json': json({ extends: 42, compilerOptions: { paths: { '@/*': 'not-an-array', '@x/*/*': ['./src/*'] }, baseUrl: 7 } }),
    'weird/src/main.ts': '',
    'arr/tsconfig.json': '[1, 2]',
    'arr/main.ts': '',
  });
  assert.equal(r('bad/src/main.ts', './a'), 'bad/src/a.ts');
  assert.equal(r('bad/src/main.ts', '@/a'), undefined);
  assert.equal(kind('bad/src/main.ts', '@/a'), 'other', 'not an alias (the config is unreadable) nor a package name');
  assert.equal(r('cyc/src/main.ts', '@/a'), 'cyc/src/a.ts');
  assert.equal(r('weird/src/main.ts', '@/a'), undefined);
  assert.equal(r('arr/main.ts', './nope'), undefined);
});

test('npm workspaces (array): package name -> main/types mapped from dist to src, and subpaths', () => {
  const { r, kind } = setup({
    'package.json': json({ name: 'mono', private: true, workspaces: ['packages/*'] }),
    'packages/http/package.json': json({ name: '@acme/http', main: 'dist/index.js', types: 'dist/index.d.ts' }),
    'packages/http/src/index.ts': `export * from './fetcher';\n`,
    'packages/http/src/fetcher.ts': SRC,
    'packages/http/src/util/backoff.ts': SRC,
    'packages/http/src/types/index.ts': SRC,
    'packages/gen/package.json': json({ name: 'gen', exports: { '.': './src/index.ts', './css': './styled-system/css/index.js' } }),
    'packages/gen/src/index.ts': SRC,
    'packages/gen/src/css/index.ts': SRC,
    'packages/legacy/package.json': json({ name: 'legacy-utils', main: 'lib/index.js' }),
    'packages/legacy/lib/index.js': SRC,
    'packages/bare/package.json': json({ name: 'bare' }),
    'packages/bare/index.ts': SRC,
    'packages/api/package.json': json({ name: '@acme/api', dependencies: { '@acme/http': '*' } }),
    'packages/api/src/main.ts': '',
  });
  assert.equal(r('packages/api/src/main.ts', '@acme/http'), 'packages/http/src/index.ts');
  assert.equal(kind('packages/api/src/main.ts', '@acme/http'), 'workspace');
  assert.equal(r('packages/api/src/main.ts', '@acme/http/util/backoff'), 'packages/http/src/util/backoff.ts');
  assert.equal(r('packages/api/src/main.ts', '@acme/http/dist/util/backoff.js'), 'packages/http/src/util/backoff.ts');
  assert.equal(r('packages/api/src/main.ts', 'legacy-utils'), 'packages/legacy/lib/index.js', 'lib/ is the source when there is no src');
  assert.equal(r('packages/api/src/main.ts', 'bare'), 'packages/bare/index.ts');
  assert.equal(r('packages/api/src/main.ts', '@acme/http/types'), 'packages/http/src/types/index.ts', 'a plain subpath named like an output directory');
  assert.equal(r('packages/api/src/main.ts', 'gen/css'), undefined, 'an exported subpath whose (generated) target is absent is not guessed');
  assert.equal(r('packages/api/src/main.ts', '@acme/http/nope'), undefined);
  assert.equal(kind('packages/api/src/main.ts', '@acme/http/nope'), 'workspace');
  assert.equal(kind('packages/api/src/main.ts', '@acme/other'), 'external');
});

test('yarn workspaces (object with packages and nohoist), globstar and negations', () => {
  const { r } = setup({
    'package.json': json({ private: true, workspaces: { packages: ['packages/**', '!packages/examples/**'], nohoist: ['**/jest'] } }),
    'packages/core/server/package.json': json({ name: '@y/server', main: 'src/index.ts' }),
    'packages/core/server/src/index.ts': SRC,
    'packages/examples/demo/package.json': json({ name: '@y/demo', main: 'index.ts' }),
    'packages/examples/demo/index.ts': SRC,
    'packages/core/server/node_modules/@y/hidden/package.json': json({ name: '@y/hidden', main: 'index.ts' }),
    'packages/core/server/node_modules/@y/hidden/index.ts': SRC,
    'app/main.ts': '',
  });
  assert.equal(r('app/main.ts', '@y/server'), 'packages/core/server/src/index.ts');
  assert.equal(r('app/main.ts', '@y/demo'), undefined, 'negated');
  assert.equal(r('app/main.ts', '@y/hidden'), undefined, 'node_modules is never a workspace');
});

test('pnpm-workspace.yaml (with a negation) and lerna.json', () => {
  const { r } = setup({
    'pnpm-workspace.yaml': `packages:\n  - "apps/*"\n  - 'packages/*'\n  - '!packages/private'\ncatalog:\n  zod: 3.0.0\n`,
    'package.json': json({ name: 'p', private: true }),
    'apps/web/package.json': json({ name: 'web', dependencies: { '@p/db': 'workspace:*', storybook: 'catalog:' } }),
    'apps/web/src/page.ts': '',
    'apps/storybook/package.json': json({ name: 'storybook', main: 'index.ts' }),
    'apps/storybook/index.ts': SRC,
    'packages/db/package.json': json({ name: '@p/db', exports: { '.': './src/index.ts' } }),
    'packages/db/src/index.ts': SRC,
    'packages/private/package.json': json({ name: '@p/private', main: 'index.ts' }),
    'packages/private/index.ts': SRC,
    'lerna/lerna.json': json({ version: '1.0.0', packages: ['modules/*'] }),
    'lerna/package.json': json({ name: 'lerna-root', private: true }),
    'lerna/modules/queue/package.json': json({ name: '@l/queue', main: 'lib/index.js' }),
    'lerna/modules/queue/src/index.ts': SRC,
    'lerna/modules/app/main.ts': '',
  });
  assert.equal(r('apps/web/src/page.ts', '@p/db'), 'packages/db/src/index.ts');
  assert.equal(r('apps/web/src/page.ts', '@p/private'), undefined);
  assert.equal(r('apps/web/src/page.ts', 'storybook'), undefined, 'a catalog: dependency is the registry package, not the workspace one');
  assert.equal(r('lerna/modules/app/main.ts', '@l/queue'), 'lerna/modules/queue/src/index.ts');
});

test('exports: string, subpath map, nested conditions (source-ish first), patterns, null exclusions, folder mappings', () => {
  const { r } = setup({
    'package.json': json({ private: true, workspaces: ['packages/*'] }),
    'packages/str/package.json': json({ name: 'str', exports: './dist/main.js' }),
    'packages/str/src/main.ts': SRC,
    'packages/cond/package.json': json({
      name: 'cond',
      exports: {
        '.': { types: './dist/types/index.d.ts', import: './dist/esm/index.mjs', require: './dist/cjs/index.cjs' },
        './server': { node: { import: './dist/server.mjs', default: './dist/server.cjs' }, browser: './dist/server-browser.js' },
        './src-first': { types: './dist/other.d.ts', '@acme/source': './src/real.ts', default: './dist/other.js' },
        './features/*': './dist/features/*.js',
        './features/internal/*': null,
        './icons/*.svg': './assets/*.svg',
        './legacy/': './src/legacy/',
        './package.json': './package.json',
      },
    }),
    'packages/cond/src/index.ts': SRC,
    'packages/cond/src/server.ts': SRC,
    'packages/cond/src/real.ts': SRC,
    'packages/cond/src/other.ts': SRC,
    'packages/cond/src/features/retry.ts': SRC,
    'packages/cond/src/features/internal/secret.ts': SRC,
    'packages/cond/src/legacy/old.ts': SRC,
    'packages/arr/package.json': json({ name: 'arr', exports: { '.': [{ worker: './nope.js' }, './src/index.ts'] } }),
    'packages/arr/src/index.ts': SRC,
    'packages/pat/package.json': json({ name: 'pat', exports: { './*': { types: './src/*.ts', default: './dist/*.js' }, './*.js': './src/*.ts' } }),
    'packages/pat/src/a/b.ts': SRC,
    'main.ts': '',
  });
  assert.equal(r('main.ts', 'str'), 'packages/str/src/main.ts');
  assert.equal(r('main.ts', 'cond'), 'packages/cond/src/index.ts');
  assert.equal(r('main.ts', 'cond/server'), 'packages/cond/src/server.ts');
  assert.equal(r('main.ts', 'cond/src-first'), 'packages/cond/src/real.ts');
  assert.equal(r('main.ts', 'cond/features/retry'), 'packages/cond/src/features/retry.ts');
  assert.equal(r('main.ts', 'cond/features/internal/secret'), undefined, 'excluded by a null target (no src fallback)');
  assert.equal(r('main.ts', 'cond/icons/x.svg'), undefined);
  assert.equal(r('main.ts', 'cond/legacy/old'), 'packages/cond/src/legacy/old.ts');
  assert.equal(r('main.ts', 'cond/package.json'), undefined);
  assert.equal(r('main.ts', 'arr'), 'packages/arr/src/index.ts');
  assert.equal(r('main.ts', 'pat/a/b'), 'packages/pat/src/a/b.ts');
  assert.equal(r('main.ts', 'pat/a/b.js'), 'packages/pat/src/a/b.ts');
});

test('dist -> src through the package tsconfig outDir/rootDir, types-only entries, and a source condition', () => {
  const { r } = setup({
    'package.json': json({ private: true, workspaces: ['libs/*'] }),
    'libs/one/package.json': json({ name: 'one', types: 'out/typings/index.d.ts' }),
    'libs/one/tsconfig.json': json({ compilerOptions: { outDir: 'out/typings', rootDir: 'code' } }),
    'libs/one/code/index.ts': SRC,
    'libs/two/package.json': json({ name: 'two', main: 'build/index.js' }),
    'libs/two/tsconfig.build.json': json({ extends: './tsconfig.json', compilerOptions: { outDir: '${configDir}/build' } }),
    'libs/two/tsconfig.json': json({ compilerOptions: { rootDir: '.' } }),
    'libs/two/index.ts': SRC,
    'libs/three/package.json': json({ name: 'three', main: 'dist/src/index.js' }),
    'libs/three/src/index.ts': SRC,
    'libs/four/package.json': json({ name: 'four', source: 'src/entry.ts', main: 'dist/index.js' }),
    'libs/four/src/entry.ts': SRC,
    'libs/four/src/index.ts': SRC,
    'libs/five/package.json': json({ name: 'five' }),
    'libs/five/src/index.ts': SRC,
    'main.ts': '',
  });
  assert.equal(r('main.ts', 'one'), 'libs/one/code/index.ts');
  assert.equal(r('main.ts', 'two'), 'libs/two/index.ts');
  assert.equal(r('main.ts', 'three'), 'libs/three/src/index.ts');
  assert.equal(r('main.ts', 'four'), 'libs/four/src/entry.ts');
  assert.equal(r('main.ts', 'five'), 'libs/five/src/index.ts');
});

test('a relative import of build output (tests importing ../lib/x) maps to the source', () => {
  const { r } = setup({
    'package.json': json({ name: 'server', main: 'lib/index.js' }),
    'src/Config.js': SRC,
    'src/Adapters/Auth/index.ts': SRC,
    'spec/Config.spec.js': '',
    'lib/a.js': '',
  });
  assert.equal(r('spec/Config.spec.js', '../lib/Config'), 'src/Config.js');
  assert.equal(r('spec/Config.spec.js', '../lib/Adapters/Auth/'), 'src/Adapters/Auth/index.ts');
  assert.equal(r('spec/Config.spec.js', '../lib/Nope'), undefined);
  assert.equal(r('lib/a.js', './Config'), undefined, 'a miss from inside lib/ (a source directory there) is not mapped');
});

test('a relative directory import through its package.json', () => {
  const { r } = setup({
    'src/widget/package.json': json({ main: './dist/widget.js', types: './dist/widget.d.ts' }),
    'src/widget/src/widget.tsx': SRC,
    'src/main.ts': '',
  });
  assert.equal(r('src/main.ts', './widget'), 'src/widget/src/widget.tsx');
});

test('self reference by package name, and package.json imports (#internal)', () => {
  const { r, kind } = setup({
    'package.json': json({
      name: '@me/service',
      exports: { '.': './src/index.ts', './jobs/*': './src/jobs/*.ts' },
      imports: { '#db': './src/db/index.ts', '#utils/*': { types: './dist/utils/*.d.ts', default: './dist/utils/*.js' }, '#dep': 'lodash' },
    }),
    'src/index.ts': SRC,
    'src/jobs/send.ts': SRC,
    'src/db/index.ts': SRC,
    'src/utils/retry.ts': SRC,
    'test/send.test.ts': '',
  });
  assert.equal(r('test/send.test.ts', '@me/service'), 'src/index.ts');
  assert.equal(r('test/send.test.ts', '@me/service/jobs/send'), 'src/jobs/send.ts');
  assert.equal(kind('test/send.test.ts', '@me/service'), 'workspace');
  assert.equal(r('test/send.test.ts', '#db'), 'src/db/index.ts');
  assert.equal(r('test/send.test.ts', '#utils/retry'), 'src/utils/retry.ts');
  assert.equal(kind('test/send.test.ts', '#utils/retry'), 'alias');
  assert.equal(r('test/send.test.ts', '#dep'), undefined);
  assert.equal(r('test/send.test.ts', '#nope'), undefined);
});

test('an enclosing package of another name (the monorepo root) is not a self reference', () => {
  const { r } = setup({
    'package.json': json({ name: 'langfuse', private: true, workspaces: ['packages/*'] }),
    'packages/shared/package.json': json({ name: '@lf/shared' }),
    'packages/shared/src/x.ts': '',
    'index.ts': SRC,
  });
  assert.equal(r('packages/shared/src/x.ts', 'langfuse'), undefined);
});

test('paths into node_modules are external; a paths alias of a workspace package that misses falls back to the workspace', () => {
  const { r, kind } = setup({
    'package.json': json({ private: true, workspaces: ['packages/*'] }),
    'tsconfig.json': json({
      compilerOptions: {
        baseUrl: '.',
        paths: { '@primer/react/deprecated': ['node_modules/@primer/react/lib/deprecated'], '@acme/ui': ['packages/ui/dist/index.d.ts'], '@acme/db': ['packages/db/nope'] },
      },
    }),
    'node_modules/@primer/react/lib/deprecated/index.js': SRC,
    'packages/ui/package.json': json({ name: '@acme/ui' }),
    'packages/ui/src/index.tsx': SRC,
    'packages/db/package.json': json({ name: '@acme/db', main: 'src/index.ts' }),
    'packages/db/src/index.ts': SRC,
    'main.ts': '',
  });
  assert.equal(r('main.ts', '@primer/react/deprecated'), undefined);
  assert.equal(kind('main.ts', '@primer/react/deprecated'), 'external');
  assert.equal(r('main.ts', '@acme/ui'), 'packages/ui/src/index.tsx', 'a paths target into dist maps to src');
  assert.equal(r('main.ts', '@acme/db'), 'packages/db/src/index.ts');
});

test('realpath option: results through symlinks are given as real paths', () => {
  const dir = tempProject({ 'real/a.ts': SRC, 'src/main.ts': '' }, 'il-resolve-');
  fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'src/linked'));
  const from = path.join(dir, 'src/main.ts');
  assert.equal(new ModuleResolver().resolve(from, './linked/a'), path.join(dir, 'src/linked/a.ts'));
  assert.equal(new ModuleResolver({ realpath: true }).resolve(from, './linked/a'), fs.realpathSync(path.join(dir, 'real/a.ts')));
});

test('roots: workspaces are discovered from the configured roots too', () => {
  const dir = tempProject({
    'web/pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
    'web/packages/sdk/package.json': json({ name: '@u/sdk', main: 'src/index.ts' }),
    'web/packages/sdk/src/index.ts': SRC,
    'tools/gen.ts': '',
  }, 'il-resolve-');
  assert.equal(new ModuleResolver().resolve(path.join(dir, 'tools/gen.ts'), '@u/sdk'), undefined);
  assert.equal(new ModuleResolver({ roots: [path.join(dir, 'web')] }).resolve(path.join(dir, 'tools/gen.ts'), '@u/sdk'), path.join(dir, 'web/packages/sdk/src/index.ts'));
});

test('invalidate: a new file, a removed file and a changed tsconfig are seen; configFiles lists what decided', () => {
  const { dir, r, resolver } = setup({
    'tsconfig.json': json({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'package.json': json({ name: 'app' }),
    'src/a.js': SRC,
    'src/main.ts': '',
  });
  assert.equal(r('src/main.ts', './a'), 'src/a.js');
  assert.equal(r('src/main.ts', '@/a'), 'src/a.js');
  assert.equal(r('src/main.ts', 'app'), undefined);
  // a saved (changed, not created or removed) source file keeps every cached resolution
  const cached = resolver.resolveDetailed(path.join(dir, 'src/main.ts'), './a');
  fs.writeFileSync(path.join(dir, 'src/a.js'), 'export const y = 2;\n');
  resolver.invalidate(path.join(dir, 'src/a.js'));
  resolver.invalidate(path.join(dir, 'src/elsewhere/never-asked.ts'));
  assert.equal(resolver.resolveDetailed(path.join(dir, 'src/main.ts'), './a'), cached);
  const cfgs = resolver.configFiles();
  assert.ok(cfgs.includes(path.join(dir, 'tsconfig.json')));
  assert.ok(cfgs.includes(path.join(dir, 'package.json')));
  // a new .ts beside the .js: cached until invalidated
  fs.writeFileSync(path.join(dir, 'src/a.ts'), SRC);
  assert.equal(r('src/main.ts', './a'), 'src/a.js', 'cached');
  resolver.invalidate(path.join(dir, 'src/a.ts'));
  assert.notEqual(resolver.resolveDetailed(path.join(dir, 'src/main.ts'), './a'), cached);
  assert.equal(r('src/main.ts', './a'), 'src/a.ts');
  assert.equal(r('src/main.ts', '@/a'), 'src/a.ts');
  // removed
  fs.rmSync(path.join(dir, 'src/a.ts'));
  fs.rmSync(path.join(dir, 'src/a.js'));
  resolver.invalidate(path.join(dir, 'src/a.ts'));
  resolver.invalidate(path.join(dir, 'src/a.js'));
  assert.equal(r('src/main.ts', './a'), undefined);
  // a new directory (its parent's listing was cached without it)
  assert.equal(r('src/main.ts', './feature/deep'), undefined);
  fs.mkdirSync(path.join(dir, 'src/feature/deep'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src/feature/deep/index.ts'), SRC);
  resolver.invalidate(path.join(dir, 'src/feature/deep/index.ts'));
  assert.equal(r('src/main.ts', './feature/deep'), 'src/feature/deep/index.ts');
  // a changed tsconfig
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib/b.ts'), SRC);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), json({ compilerOptions: { paths: { '@/*': ['./lib/*'] } } }));
  resolver.invalidate(path.join(dir, 'lib/b.ts'));
  assert.equal(r('src/main.ts', '@/b'), undefined, 'tsconfig not yet invalidated');
  resolver.invalidate(path.join(dir, 'tsconfig.json'));
  assert.equal(r('src/main.ts', '@/b'), 'lib/b.ts');
  // a new nearer tsconfig
  fs.writeFileSync(path.join(dir, 'src/tsconfig.json'), json({ compilerOptions: { paths: { '@/*': ['../*'] } } }));
  resolver.invalidate(path.join(dir, 'src/tsconfig.json'));
  assert.equal(r('src/main.ts', '@/lib/b'), 'lib/b.ts');
  // package.json changed: a self reference appears
  fs.writeFileSync(path.join(dir, 'package.json'), json({ name: 'app', main: 'lib/b.ts' }));
  resolver.invalidate(path.join(dir, 'package.json'));
  assert.equal(r('src/main.ts', 'app'), 'lib/b.ts');
});

/** A host over fs that counts calls per path (and can be made to throw). */
function countingHost(opts: { throwing?: boolean } = {}) {
  const calls = { readFile: new Map<string, number>(), probe: 0 };
  const inner = createNodeHost();
  const host: ResolverHost = {
    readFile(p) {
      if (opts.throwing) throw new Error('EACCES');
      calls.readFile.set(p, (calls.readFile.get(p) ?? 0) + 1);
      return inner.readFile(p);
    },
    isFile(p) {
      if (opts.throwing) throw new Error('EACCES');
      calls.probe++;
      return inner.isFile(p);
    },
    isDir(p) {
      if (opts.throwing) throw new Error('EACCES');
      calls.probe++;
      return inner.isDir(p);
    },
    readDirectories: p => inner.readDirectories!(p),
  };
  return { host, calls };
}

test('cached: each config file is read once, a (directory, specifier) pair is computed once', () => {
  const dir = tempProject({
    'package.json': json({ private: true, workspaces: ['packages/*'] }),
    'tsconfig.base.json': json({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'tsconfig.json': json({ extends: './tsconfig.base.json' }),
    'packages/a/package.json': json({ name: 'a', main: 'dist/index.js' }),
    'packages/a/src/index.ts': SRC,
    'src/x.ts': SRC,
    'src/one.ts': '',
    'src/two.ts': '',
    'src/deep/three.ts': '',
  }, 'il-resolve-');
  const { host, calls } = countingHost();
  const resolver = new ModuleResolver({ host });
  for (const f of ['src/one.ts', 'src/two.ts', 'src/deep/three.ts']) {
    for (const s of ['@/x', 'a', './x', '../x', 'react', 'fs']) resolver.resolve(path.join(dir, f), s);
  }
  for (const [p, n] of calls.readFile) assert.equal(n, 1, `${p} read ${n} times`);
  assert.ok(calls.readFile.has(path.join(dir, 'tsconfig.base.json')));
  const probes = calls.probe;
  for (const s of ['@/x', 'a', './x', '../x', 'react', 'fs']) resolver.resolve(path.join(dir, 'src/two.ts'), s);
  assert.equal(calls.probe, probes, 'a second file in the same directory costs no file system probe');
  assert.equal(resolver.resolve(path.join(dir, 'src/one.ts'), 'a'), path.join(dir, 'packages/a/src/index.ts'));
});

test('never throws: a host that throws, odd specifiers, odd paths', () => {
  const { host } = countingHost({ throwing: true });
  const resolver = new ModuleResolver({ host });
  for (const s of ['./a', '@/x', 'a', '#x', 'fs', '', '\0', '../../../../../../..', '@', '@scope', '/']) {
    assert.equal(resolver.resolve('/nowhere/src/main.ts', s), undefined, JSON.stringify(s));
  }
  const real = new ModuleResolver();
  for (const s of ['@', '@scope', '@/', '//', '?', '#', 'a//b', '\\x', './a?raw', 'virtual:my-module']) {
    assert.doesNotThrow(() => real.resolve('/nowhere/src/main.ts', s));
  }
  assert.doesNotThrow(() => real.resolve('', './a'));
  real.invalidate('/nowhere/x.ts');
  real.invalidate('');
});

test('parseJsonc: comments, trailing commas, strings containing comment markers', () => {
  assert.deepEqual(parseJsonc('{ // c\n "a": "http://x/*y*/", /* b */ "b": [1, 2, ], }'), { a: 'http://x/*y*/', b: [1, 2] });
  assert.deepEqual(parseJsonc('\ufeff{"a": "q\\"//", "b": {"c": 1,/*x*/}}'), { a: 'q"//', b: { c: 1 } });
  assert.deepEqual(parseJsonc('{"a": ",}"}'), { a: ',}' });
  assert.throws(() => parseJsonc('{"a": }'));
});
