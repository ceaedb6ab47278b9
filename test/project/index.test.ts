/**
 * The project layer's symbol tables and cross-file resolution: each form the rules rely on, on multi-file fixtures
 * (a NestJS controller -> service -> repository, a wrapped Next.js route calling an imported createX, re-export
 * chains, default exports, CommonJS, object-literal services, an import cycle, an unresolvable import).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analyzer';
import type { FileSymbols, Ref } from '../../src/core/symbols';
import { ProjectIndex } from '../../src/project/index';
import { ModuleResolver } from '../../src/project/resolve';
import { tempProject } from '../helpers/temp-project';
import { toyRule } from '../helpers/toy-rule';

async function symbolsOf(file: string, text: string): Promise<FileSymbols> {
  const r = await analyzeSource(file, text, { rules: [], symbols: true });
  r.tree.delete();
  return r.symbols!;
}

async function indexOf(files: Record<string, string>): Promise<{ dir: string; index: ProjectIndex; abs: (p: string) => string }> {
  const dir = tempProject(files);
  const index = new ProjectIndex(new ModuleResolver());
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    index.set(f, await symbolsOf(f, text));
  }
  return { dir, index, abs: p => path.join(dir, p) };
}

/** The ref of the first call in function `id` of `file` whose text matches. */
function callRef(index: ProjectIndex, file: string, id: string, nth = 0): { ref: Ref; cls?: string } {
  const fn = index.fn({ file, id });
  assert.ok(fn, `function ${id} in ${file}`);
  return { ref: fn.calls[nth].ref, cls: fn.cls };
}

test('symbols: classes with constructor injection, annotated and constructed fields, decorators, extends', async () => {
  const s = await symbolsOf('/p/orders.controller.ts', `
import { Controller, Post, Body } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OrdersService } from './orders.service';
import * as audit from './audit';
import { Base } from './base';
@Controller('orders')
export class OrdersController extends Base {
  private readonly cache = new Map<string, number>();
  helper: audit.Helper;
  constructor(private readonly orders: OrdersService, @InjectRepository(Order) private repo: Repository<Order>, plain: string) { super(); }
  @Post()
  async create(@Body() body: Dto) { await this.orders.place(body); return this.audit(body); }
  private audit = async (b: Dto) => audit.write(b);
}`);
  const c = s.classes.OrdersController;
  assert.deepEqual(c.decorators, ['Controller']);
  assert.deepEqual(c.extends, { k: 'import', module: './base', name: 'Base' });
  assert.deepEqual(c.fields.orders, { type: 'OrdersService', args: undefined, ref: { k: 'import', module: './orders.service', name: 'OrdersService' } });
  assert.deepEqual(c.fields.repo, { type: 'Repository', args: ['Order'], ref: { k: 'import', module: 'typeorm', name: 'Repository' } });
  assert.equal(c.fields.plain, undefined, 'a plain constructor parameter is not a field');
  assert.deepEqual(c.fields.helper.ref, { k: 'member', base: { k: 'import', module: './audit', name: '*' }, name: 'Helper' });
  assert.equal(c.fields.cache.type, 'Map');
  assert.deepEqual(Object.keys(c.methods).sort(), ['audit', 'create']);
  const create = s.functions['OrdersController.create'];
  assert.equal(create.cls, 'OrdersController');
  assert.deepEqual(create.calls.map(x => x.ref), [
    { k: 'field', field: 'orders', name: 'place' },
    { k: 'this', name: 'audit' },
  ]);
  assert.deepEqual(s.functions['OrdersController.audit'].calls.map(x => x.ref), [{ k: 'member', base: { k: 'import', module: './audit', name: '*' }, name: 'write' }]);
  assert.deepEqual(s.exports.OrdersController, { k: 'class', name: 'OrdersController' });
});

test('symbols: export forms, wrapped handlers, objects, instances, CommonJS', async () => {
  const s = await symbolsOf('/p/route.ts', `
import { withAuth } from '@/lib/auth';
import { createInvoice } from './queries';
import svc from './svc';
export const POST = withAuth(withRateLimit(async (req: Request) => { await createInvoice(req); }));
export async function PATCH(req: Request) { return svc.update(req); }
const helpers = { async create(x) { return createInvoice(x); }, other: createInvoice };
export const service = new InvoiceService();
class InvoiceService { run() {} }
export { helpers as api, InvoiceService };
export { a as b, default as c } from './re';
export * from './star';
export * as ns from './ns';
export default PATCH;
`);
  assert.deepEqual(s.exports.POST, { k: 'fn', id: 'POST' });
  assert.deepEqual(s.functions.POST.wrappers, ['withAuth', 'withRateLimit']);
  assert.deepEqual(s.functions.POST.calls.map(c => c.ref), [{ k: 'import', module: './queries', name: 'createInvoice' }]);
  assert.deepEqual(s.functions.PATCH.calls.map(c => c.ref), [{ k: 'member', base: { k: 'import', module: './svc', name: 'default' }, name: 'update' }]);
  assert.deepEqual(s.exports.api, { k: 'ref', ref: { k: 'local', name: 'helpers' } });
  assert.ok(s.functions['helpers.create']);
  assert.deepEqual(s.locals['helpers.other'], { k: 'ref', ref: { k: 'import', module: './queries', name: 'createInvoice' } });
  assert.deepEqual(s.exports.service, { k: 'instance', cls: { k: 'local', name: 'InvoiceService' } });
  assert.deepEqual(s.exports.InvoiceService, { k: 'class', name: 'InvoiceService' });
  assert.deepEqual(s.exports.b, { k: 'reexport', module: './re', name: 'a' });
  assert.deepEqual(s.exports.c, { k: 'reexport', module: './re', name: 'default' });
  assert.deepEqual(s.star, ['./star']);
  assert.deepEqual(s.exports.ns, { k: 'ref', ref: { k: 'import', module: './ns', name: '*' } });
  assert.deepEqual(s.exports.default, { k: 'ref', ref: { k: 'local', name: 'PATCH' } });

  const cjs = await symbolsOf('/p/legacy.js', `
const { insert } = require('./db');
const repo = require('./repo');
function create(x) { return insert(x); }
module.exports = { create, update: function (x) { return repo.save(x); }, remove(x) { return repo.del(x); } };
exports.extra = async (x) => create(x);
`);
  assert.deepEqual(cjs.exports.create, { k: 'ref', ref: { k: 'local', name: 'create' } });
  assert.deepEqual(cjs.exports.update, { k: 'fn', id: 'module.exports.update' });
  assert.deepEqual(cjs.exports.remove, { k: 'fn', id: 'module.exports.remove' });
  assert.deepEqual(cjs.exports.extra, { k: 'fn', id: 'extra' });
  assert.deepEqual(cjs.functions.create.calls.map(c => c.ref), [{ k: 'import', module: './db', name: 'insert' }]);
  assert.deepEqual(cjs.functions['module.exports.update'].calls.map(c => c.ref), [{ k: 'member', base: { k: 'import', module: './repo', name: '*' }, name: 'save' }]);
});

test('resolution: NestJS controller -> injected service -> injected repository (three files)', async () => {
  const { index, abs } = await indexOf({
    'orders.controller.ts': `import { OrdersService } from './orders.service';
export class OrdersController { constructor(private readonly orders: OrdersService) {}
  async create(body) { return this.orders.place(body); } }`,
    'orders.service.ts': `import { OrdersRepository } from './orders.repository';
export class OrdersService { constructor(private readonly repo: OrdersRepository) {}
  async place(dto) { return this.repo.insertOrder(dto); } }`,
    'orders.repository.ts': `import { PrismaService } from './prisma';
export class OrdersRepository extends BaseRepository { constructor(private prisma: PrismaService) { super(); }
  insertOrder(dto) { return this.prisma.order.create({ data: dto }); } }
class BaseRepository { remove(id) {} }`,
  });
  const ctrl = abs('orders.controller.ts');
  const { ref, cls } = callRef(index, ctrl, 'OrdersController.create');
  assert.deepEqual(index.resolve(ctrl, ref, cls), { file: abs('orders.service.ts'), id: 'OrdersService.place' });
  const reached = index.reach(ctrl, ref, cls);
  assert.deepEqual(reached.map(r => [path.basename(r.file), r.fn.id, r.depth]), [
    ['orders.service.ts', 'OrdersService.place', 1],
    ['orders.repository.ts', 'OrdersRepository.insertOrder', 2],
  ]);
  assert.equal(reached[1].call.line, 2, 'the call that reached the repository is in the service file');
  assert.equal(reached[1].callerFile, abs('orders.service.ts'));
  // inherited method through `extends`
  assert.deepEqual(index.resolve(abs('orders.service.ts'), { k: 'field', field: 'repo', name: 'remove' }, 'OrdersService'), { file: abs('orders.repository.ts'), id: 'BaseRepository.remove' });
  assert.ok(index.takeConsulted().has(abs('orders.repository.ts')), 'dependency tracking records the files consulted');
});

test('resolution: wrapped route -> imported createX; re-export chains; defaults; namespaces; objects; CommonJS', async () => {
  const { index, abs } = await indexOf({
    'app/api/invoices/route.ts': `import { createInvoice } from '../../../lib';
import * as q from '../../../lib/queries';
import billing from '../../../lib/billing';
import { service } from '../../../lib/service';
export const POST = withAuth(async (req) => { await createInvoice(req); await q.createPayment(req); await billing.charge(req); await service.run(req); });`,
    'lib/index.ts': `export * from './queries';\nexport { default as billing } from './billing';`,
    'lib/queries.ts': `export { createInvoice } from './invoices';\nexport async function createPayment(x) { return x; }`,
    'lib/invoices.ts': `export async function createInvoice(x) { return db.insert(x); }`,
    'lib/billing.ts': `const billing = { async charge(x) { return x; } };\nexport default billing;`,
    'lib/service.ts': `class S { run(x) { return x; } }\nexport const service = new S();`,
    'legacy/api.js': `const repo = require('./repo');\nmodule.exports = { handle(x) { return repo.save(x); } };`,
    'legacy/repo.js': `module.exports = { save(x) { return x; } };`,
    'legacy/main.js': `const api = require('./api');\nconst { handle } = require('./api');\nfunction run(x) { api.handle(x); handle(x); }`,
  });
  const route = abs('app/api/invoices/route.ts');
  const fn = index.fn({ file: route, id: 'POST' })!;
  const targets = fn.calls.map(c => index.resolve(route, c.ref, fn.cls)).map(h => h && [path.relative(abs(''), h.file), h.id]);
  assert.deepEqual(targets, [
    ['lib/invoices.ts', 'createInvoice'],
    ['lib/queries.ts', 'createPayment'],
    ['lib/billing.ts', 'billing.charge'],
    ['lib/service.ts', 'S.run'],
  ]);
  const main = abs('legacy/main.js');
  const run = index.fn({ file: main, id: 'run' })!;
  assert.deepEqual(run.calls.map(c => index.resolve(main, c.ref)?.id), ['module.exports.handle', 'module.exports.handle']);
  assert.deepEqual(index.reach(main, run.calls[0].ref).map(r => r.fn.id), ['module.exports.handle', 'module.exports.save']);
});

test('resolution: an import cycle terminates; an unresolvable import is unknown', async () => {
  const { index, abs } = await indexOf({
    'a.ts': `import { b } from './b';\nimport { gone } from './missing';\nimport { ext } from 'some-package';\nexport function a(n) { b(n); gone(); ext(); }`,
    'b.ts': `import { a } from './a';\nexport function b(n) { a(n); }`,
    'c.ts': `export * from './d';`,
    'd.ts': `export * from './c';`,
  });
  const a = abs('a.ts');
  const fn = index.fn({ file: a, id: 'a' })!;
  assert.deepEqual(index.reach(a, fn.calls[0].ref).map(r => r.fn.id), ['b', 'a'], 'each function once');
  assert.equal(index.resolve(a, fn.calls[1].ref), undefined);
  assert.equal(index.resolve(a, fn.calls[2].ref), undefined);
  assert.equal(index.resolve(a, { k: 'import', module: './c', name: 'nothing' }), undefined, 'a cycle of export * ends');
});

test('reach is bounded in depth (3 by default)', async () => {
  const { index, abs } = await indexOf({
    'chain.ts': `export function f1() { f2(); }\nfunction f2() { f3(); }\nfunction f3() { f4(); }\nfunction f4() { f5(); }\nfunction f5() {}`,
  });
  const f = abs('chain.ts');
  assert.deepEqual(index.reach(f, { k: 'local', name: 'f1' }).map(r => r.fn.id), ['f1', 'f2', 'f3']);
  assert.deepEqual(index.reach(f, { k: 'local', name: 'f1' }, undefined, 5).map(r => r.fn.id), ['f1', 'f2', 'f3', 'f4', 'f5']);
});

test('pipeline: a rule summarises functions, reports a pending finding, settles it across files (CLI path and one-file path)', async () => {
  const { analyzeProject, analyzeFileText } = await import('../../src/project/analyze');
  const { defaultConfig } = await import('../../src/core/config');
  const toy = toyRule();
  const dir = tempProject({
    'h.ts': `import { svc } from './svc';\nexport function handle() { svc(); }\n`,
    'svc.ts': `import { deep } from './deep';\nexport function svc() { deep(); }\n`,
    'deep.ts': `export function deep() {\n  boom();\n}\n`,
    'quiet.ts': `import { calm } from './calm';\nexport function handle() { calm(); }\n`,
    'calm.ts': `export function calm() {}\n`,
  });
  const files = ['h.ts', 'svc.ts', 'deep.ts', 'quiet.ts', 'calm.ts'].map(f => path.join(dir, f));
  const r = await analyzeProject(files, { config: defaultConfig(dir), rules: [toy] });
  const found = r.files.flatMap(f => f.findings.map(x => ({ file: path.basename(f.file), line: x.startPos.line, message: x.message, related: x.related?.map(y => [path.basename(y.file), y.startPos.line]) })));
  assert.deepEqual(found, [{ file: 'h.ts', line: 1, message: 'handle reaches boom in deep.ts', related: [['deep.ts', 1]] }]);
  // one file alone: its imports are unknown, so the pending finding is dropped; a same-file effect is found
  assert.equal((await analyzeFileText(`import { svc } from './svc';\nexport function handle() { svc(); }\n`, path.join(dir, 'h.ts'), { rules: [toy] })).findings.length, 0);
  const same = await analyzeFileText(`export function handle() { helper(); }\nfunction helper() { boom(); }\n`, path.join(dir, 'x.ts'), { rules: [toy] });
  assert.deepEqual(same.findings.map(x => x.message), ['handle reaches boom in x.ts']);
  // core alone never shows a pending finding as a finding
  const core = await analyzeSource(path.join(dir, 'x.ts'), `export function handle() { helper(); }\nfunction helper() { boom(); }\n`, { rules: [toy] });
  core.tree.delete();
  assert.equal(core.findings.length, 0);
  assert.equal(core.pending.length, 1);
});

test('resolution: a barrel with many `export *` lines finds a name in its last module (hops bound depth, not breadth)', async () => {
  const files: Record<string, string> = {
    'use.ts': `import { Target } from './lib';\nexport function run() { Target.make(); }`,
    'lib/index.ts': Array.from({ length: 30 }, (_, i) => `export * from './m${i}';`).join('\n'),
  };
  for (let i = 0; i < 30; i++) files[`lib/m${i}.ts`] = i === 29 ? `export class Target { static make() {} }` : `export const v${i} = ${i};`;
  const { index, abs } = await indexOf(files);
  const use = abs('use.ts');
  const fn = index.fn({ file: use, id: 'run' })!;
  assert.deepEqual(index.resolve(use, fn.calls[0].ref), { file: abs('lib/m29.ts'), id: 'Target.make' });
});

test('workers: the file pass on two threads gives exactly the single-thread results (findings, pending settled, notices)', async () => {
  const { analyzeProject } = await import('../../src/project/analyze');
  const { defaultConfig } = await import('../../src/core/config');
  const { allRules } = await import('../../src/rules');
  const files: Record<string, string> = {
    'bootstrap.ts': `import axios from 'axios';\naxios.defaults.timeout = 5000;\n`,
    'bad.ts': `\u0000binary`,
  };
  for (let i = 0; i < 12; i++) {
    files[`svc${i}.ts`] = `import axios from 'axios';\nexport async function get${i}(u: string) { await axios.get(u); return fetch(u); }\nexport const id${i} = () => \`job-\${Date.now()}\`;\n`;
  }
  const dir = tempProject(files);
  const list = Object.keys(files).map(f => path.join(dir, f));
  const config = defaultConfig(dir);
  const one = await analyzeProject(list, { config, rules: allRules });
  const two = await analyzeProject(list, { config, rules: allRules, workers: { entry: path.join(__dirname, 'worker-entry.ts'), threads: 2, minFiles: 1 } });
  const view = (r: typeof one) => r.files.map(f => ({ file: path.basename(f.file), findings: f.findings.map(x => [x.ruleId, x.startPos.line, x.message]) }));
  assert.ok(view(one).some(f => f.findings.length), 'the fixture has findings');
  assert.ok(!view(one).some(f => f.findings.some(x => x[0] === 'missing-timeout' && /axios/.test(String(x[2])))), 'axios defaults from another file void axios findings');
  assert.deepEqual(view(two), view(one));
  assert.deepEqual(two.notices.sort(), one.notices.sort());
  assert.deepEqual([...two.projectFacts].sort(), [...one.projectFacts].sort());
});

test('resolution: `const c = wrapController(ns)` keeps the wrapped namespace\'s members (a pass-through wrapper)', async () => {
  const { index, abs } = await indexOf({
    'app.ts': `import * as authRaw from './controllers/auth';\nconst auth = wrapController(authRaw);\nconst other = makeRouter(authRaw);\nexport function routes() { auth.postLogin(); other.postLogin(); }`,
    'controllers/auth.ts': `export async function postLogin(req, res) { return res.json({}); }`,
  });
  const app = abs('app.ts');
  const fn = index.fn({ file: app, id: 'routes' })!;
  assert.deepEqual(index.resolve(app, fn.calls[0].ref), { file: abs('controllers/auth.ts'), id: 'postLogin' });
  assert.equal(index.resolve(app, fn.calls[1].ref), undefined, 'a call that is not a pass-through wrapper stays unknown');
});

test('resolution through the project resolver: a tsconfig path alias (with extends) and a workspace package (dist -> src)', async () => {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ private: true, workspaces: ['packages/*', 'apps/*'] }),
    'tsconfig.base.json': `{ // JSONC\n "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["apps/api/src/lib/*"] } }, }`,
    'apps/api/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json' }),
    'apps/api/src/retry.ts': `import { sleep } from '@lib/sleep';\nimport { apiFetch } from '@acme/http';\nexport async function run() { await sleep(100); await apiFetch('/x'); }`,
    'apps/api/src/lib/sleep.ts': `export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));`,
    'packages/http/package.json': JSON.stringify({ name: '@acme/http', main: 'dist/index.js', types: 'dist/index.d.ts' }),
    'packages/http/src/index.ts': `export { apiFetch } from './fetch';`,
    'packages/http/src/fetch.ts': `export async function apiFetch(url: string, init?: RequestInit) { return fetch(url, { ...init, headers: { a: 'b' } }); }`,
  };
  const dir = tempProject(files);
  const { analyzeProject } = await import('../../src/project/analyze');
  const { defaultConfig } = await import('../../src/core/config');
  const list = Object.keys(files).filter(f => f.endsWith('.ts')).map(f => path.join(dir, f));
  const r = await analyzeProject(list, { config: defaultConfig(dir), rules: [] });
  const file = path.join(dir, 'apps/api/src/retry.ts');
  const run = r.index.fn({ file, id: 'run' })!;
  assert.deepEqual(run.calls.map(c => { const h = r.index.resolve(file, c.ref); return h && [path.relative(dir, h.file), h.id]; }), [
    ['apps/api/src/lib/sleep.ts', 'sleep'],
    ['packages/http/src/fetch.ts', 'apiFetch'],
  ]);
});

test('resolution: `super.m()` names the base class\'s method (an override that delegates), across files', async () => {
  const { index, abs } = await indexOf({
    'integration.repository.ts': `import { BaseRepository } from './base';\nexport class IntegrationRepository extends BaseRepository {\n  async create(data) { return await super.create(data); }\n}`,
    'base.ts': `export class BaseRepository extends Root {\n  async create(data) { return this.save(data); }\n  save(d) { return d; }\n}\nclass Root { find() {} }`,
  });
  const repo = abs('integration.repository.ts');
  const fn = index.fn({ file: repo, id: 'IntegrationRepository.create' })!;
  assert.deepEqual(fn.calls.map(c => c.ref), [{ k: 'super', name: 'create' }]);
  assert.deepEqual(index.resolve(repo, fn.calls[0].ref, fn.cls), { file: abs('base.ts'), id: 'BaseRepository.create' });
  assert.deepEqual(index.resolve(repo, { k: 'super', name: 'find' }, fn.cls), { file: abs('base.ts'), id: 'Root.find' }, 'through the base\'s own bases');
  assert.equal(index.resolve(repo, { k: 'super', name: 'create' }), undefined, 'no class, no super');
  assert.deepEqual(index.reach(repo, { k: 'this', name: 'create' }, fn.cls).map(r => r.fn.id), ['IntegrationRepository.create', 'BaseRepository.create', 'BaseRepository.save']);
});

test('resolution: a function-scope const holding `new X()` or a factory\'s result (`return new X()`) resolves its method calls', async () => {
  const { index, abs } = await indexOf({
    'router.ts': `import { EvaluatorService } from './service';
import { makeRepo } from './repo';
function serviceFor(ctx) {
  return new EvaluatorService(ctx.prisma);
}
export async function create(ctx, input) {
  const service = serviceFor(ctx);
  const direct = new EvaluatorService(ctx.prisma);
  const repo = await makeRepo();
  const opaque = ctx.services.evaluators;
  await service.create(input);
  await direct.update(input);
  await repo.insert(input);
  await opaque.create(input);
}`,
    'service.ts': `export class EvaluatorService {\n  constructor(private prisma) {}\n  create(x) { return this.prisma.evaluator.create({ data: x }); }\n  update(x) { return x; }\n}`,
    'repo.ts': `class Repo { insert(x) { return x; } }\nexport const makeRepo = async () => new Repo();`,
  });
  const router = abs('router.ts');
  assert.deepEqual(index.fn({ file: router, id: 'serviceFor' })!.returns, { k: 'import', module: './service', name: 'EvaluatorService' });
  const fn = index.fn({ file: router, id: 'create' })!;
  const calls = fn.calls.filter(c => c.ref.k === 'member');
  assert.deepEqual(calls.map(c => index.resolve(router, c.ref)), [
    { file: abs('service.ts'), id: 'EvaluatorService.create' },
    { file: abs('service.ts'), id: 'EvaluatorService.update' },
    { file: abs('repo.ts'), id: 'Repo.insert' },
  ], 'the opaque `ctx.services.evaluators` is not a call it can name');
});

test('resolution: `new X(...).m(...)` names a method of the constructed class (service objects called in place)', async () => {
  const { index, abs } = await indexOf({
    'route.ts': `import { CreateBranchService } from './services/createBranch';\nexport async function action(req) { return new CreateBranchService(req).call(req.body); }`,
    'services/createBranch.ts': `export class CreateBranchService { constructor(private req) {} async call(input) { return this.insert(input); } insert(x) { return x; } }`,
  });
  const route = abs('route.ts');
  const fn = index.fn({ file: route, id: 'action' })!;
  assert.deepEqual(fn.calls.map(c => c.ref), [{ k: 'member', base: { k: 'import', module: './services/createBranch', name: 'CreateBranchService' }, name: 'call' }]);
  assert.deepEqual(index.reach(route, fn.calls[0].ref).map(r => r.fn.id), ['CreateBranchService.call', 'CreateBranchService.insert']);
});
