/** ProjectView.dependencyVersion: the version range a file's package (or an enclosing one) declares for a dependency. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ModuleResolver } from '../../src/project/resolve';
import { ProjectIndex } from '../../src/project/index';
import { tempProject } from '../helpers/temp-project';

const dir = tempProject({
  'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*'], devDependencies: { bullmq: '^5.76.3', typescript: '5.6.0' } }),
  'packages/queue/package.json': JSON.stringify({ name: '@x/queue', dependencies: { bullmq: '^3.10.2' }, peerDependencies: { ioredis: '>=5' } }),
  'packages/queue/src/queues.ts': 'export {};',
  'packages/api/package.json': JSON.stringify({ name: '@x/api', dependencies: { '@x/queue': 'workspace:*' } }),
  'packages/api/src/deep/dir/a.ts': 'export {};',
  'packages/broken/package.json': '{ not json',
  'packages/broken/b.ts': 'export {};',
});
const f = (rel: string) => path.join(dir, rel);

test('the nearest package.json that names the dependency wins: a workspace package before the root', () => {
  const r = new ModuleResolver({ roots: [dir] });
  assert.equal(r.dependencyVersion(f('packages/queue/src/queues.ts'), 'bullmq'), '^3.10.2');
  assert.equal(r.dependencyVersion(f('packages/queue/src/queues.ts'), 'ioredis'), '>=5', 'peerDependencies count');
});

test('a package that does not name it inherits the enclosing (workspace root) declaration', () => {
  const r = new ModuleResolver({ roots: [dir] });
  assert.equal(r.dependencyVersion(f('packages/api/src/deep/dir/a.ts'), 'bullmq'), '^5.76.3');
  assert.equal(r.dependencyVersion(f('packages/api/src/deep/dir/a.ts'), '@x/queue'), 'workspace:*');
});

test('undeclared, or an unreadable package.json on the way: undefined or the next one up, never a throw', () => {
  const r = new ModuleResolver({ roots: [dir] });
  assert.equal(r.dependencyVersion(f('packages/api/src/deep/dir/a.ts'), 'left-pad'), undefined);
  assert.equal(r.dependencyVersion(f('packages/broken/b.ts'), 'typescript'), '5.6.0');
  assert.equal(r.dependencyVersion('\0bad', 'bullmq'), undefined);
});

test('ProjectIndex answers through its resolver; a resolver without the method answers undefined', () => {
  assert.equal(new ProjectIndex(new ModuleResolver({ roots: [dir] })).dependencyVersion(f('packages/queue/src/queues.ts'), 'bullmq'), '^3.10.2');
  assert.equal(new ProjectIndex({ resolve: () => undefined }).dependencyVersion(f('packages/queue/src/queues.ts'), 'bullmq'), undefined);
});
