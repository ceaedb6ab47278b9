/**
 * The knowledge base's TypeScript examples are tested the way Biome and oxc test their rule docs' examples:
 *
 * - every ```ts block in knowledge/ type-checks under `--strict` (one TypeScript program over all blocks, each
 *   block a virtual module, with ambient declarations for the npm libraries the examples import);
 * - every ❌ block that names a rule in its leading comment (`// ❌ retry-without-backoff: ...`) gets a finding of
 *   that rule, and every rule an incident lists in `rules:` is named by one of its ❌ blocks (so the link between
 *   an incident and a rule is something the analyzer demonstrably sees);
 * - no ✅ block gets a finding of any rule.
 *
 * Rules change in parallel with the KB: when a rule change flags a ✅ block, or stops flagging a ❌ block, the
 * failure names the entry, the block (file and line) and the finding, so whoever changed the rule can decide whether
 * the rule or the example is wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { allRules } from '../../src/rules';
import { extractCodeBlocks, splitFrontMatter } from '../../src/kb/schema';
import { analyzeText } from '../helpers/analyze';

const ROOT = path.join(__dirname, '..', '..');
const RULE_IDS = allRules.map(r => r.meta.id);

interface Block {
  /** `knowledge/patterns/circuit-breaker.md` */
  file: string;
  entry: string;
  kind: 'incident' | 'pattern';
  /** 1-based line of the block's first code line in the markdown file. */
  line: number;
  /** 1-based index among the entry's ts blocks. */
  index: number;
  mark: 'bad' | 'good' | undefined;
  /** Rule ids named in the leading comment of a ❌ block. */
  names: string[];
  code: string;
  /** Virtual file name for the type check. */
  virtual: string;
}

interface Entry {
  id: string;
  file: string;
  kind: 'incident' | 'pattern';
  rules: string[];
  blocks: Block[];
}

function leadingComment(code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  for (const l of lines) {
    if (!/^\s*\/\//.test(l)) break;
    out.push(l);
  }
  return out.join('\n');
}

function loadEntries(): Entry[] {
  const entries: Entry[] = [];
  for (const [dir, kind] of [['incidents', 'incident'], ['patterns', 'pattern']] as const) {
    const abs = path.join(ROOT, 'knowledge', dir);
    for (const name of fs.readdirSync(abs).filter(f => f.endsWith('.md')).sort()) {
      const file = `knowledge/${dir}/${name}`;
      const text = fs.readFileSync(path.join(abs, name), 'utf8');
      const { data, body } = splitFrontMatter(text);
      const front = data as { id?: string; rules?: string[] };
      const id = front.id ?? name.replace(/\.md$/, '');
      const bodyOffset = text.slice(0, text.length - body.length).split('\n').length - 1;
      const blocks = extractCodeBlocks(body)
        .filter(b => b.lang === 'ts' || b.lang === 'typescript')
        .map((b, i): Block => {
          const head = leadingComment(b.code);
          const first = b.code.split('\n').find(l => l.trim()) ?? '';
          const mark = first.includes('❌') ? 'bad' : first.includes('✅') ? 'good' : undefined;
          const names = mark === 'bad' ? RULE_IDS.filter(r => new RegExp(`(^|[^a-z0-9-])${r}($|[^a-z0-9-])`).test(head)) : [];
          return { file, entry: id, kind, line: bodyOffset + b.line + 1, index: i + 1, mark, names, code: b.code, virtual: `/kb-examples/${id}/${i + 1}.ts` };
        });
      entries.push({ id, file, kind, rules: Array.isArray(front.rules) ? front.rules : [], blocks });
    }
  }
  return entries;
}

const ENTRIES = loadEntries();
const BLOCKS = ENTRIES.flatMap(e => e.blocks);
const where = (b: Block) => `${b.file}:${b.line} (${b.entry}, ${b.mark === 'bad' ? '❌' : b.mark === 'good' ? '✅' : 'unmarked'} block ${b.index})`;

/**
 * Just enough of the npm libraries the examples import (express, stripe, bullmq) for the examples to type-check. Node's
 * own modules come from @types/node. Keep these faithful to the real APIs: an example must not compile here and fail
 * against the real library.
 */
const AMBIENT = `
declare module 'express' {
  interface Request { body: any; params: Record<string, string>; get(name: string): string | undefined; }
  interface Response { status(code: number): Response; json(body: unknown): Response; end(): Response; }
  type Handler = (req: Request, res: Response) => unknown;
  interface Application { post(path: string, ...handlers: Handler[]): Application; }
  interface Express { (): Application; json(): Handler; }
  const express: Express;
  export default express;
}
declare module 'bullmq' {
  interface Job<T> { id?: string; name: string; data: T }
  class Worker<T = any> { constructor(name: string, processor: (job: Job<T>) => Promise<unknown>); }
}
declare module 'stripe' {
  interface RequestOptions { idempotencyKey?: string }
  interface PaymentIntent { id: string }
  class Stripe {
    constructor(apiKey: string);
    paymentIntents: { create(params: { amount: number; currency: string; customer?: string }, options?: RequestOptions): Promise<PaymentIntent> };
  }
  export default Stripe;
}
`;

test('the knowledge base has TypeScript examples, each marked ❌ or ✅', () => {
  assert.ok(BLOCKS.length >= 80, `found only ${BLOCKS.length} ts blocks under knowledge/`);
  assert.deepEqual(BLOCKS.filter(b => !b.mark).map(where), [], 'every ts block starts with a ❌ or ✅ comment');
  for (const e of ENTRIES) {
    // Incidents without a code-level cause have no TypeScript section (docs/KB-SCHEMA.md); the rest show both.
    if (e.kind === 'incident' && !e.blocks.length) continue;
    assert.ok(e.blocks.some(b => b.mark === 'bad') && e.blocks.some(b => b.mark === 'good'), `${e.file}: needs a ❌ and a ✅ block`);
  }
});

test('every TypeScript example type-checks with --strict (one program over all blocks)', () => {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    moduleDetection: ts.ModuleDetectionKind.Force, // every block is its own module, even without import/export
    lib: ['lib.es2022.d.ts'], // no DOM: Node's fetch, Response, AbortSignal and performance come from @types/node
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    noUnusedLocals: false,
  };
  const virtual = new Map<string, string>(BLOCKS.map(b => [b.virtual, b.code]));
  virtual.set('/kb-examples/ambient.d.ts', AMBIENT);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = name => virtual.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = name => virtual.get(name) ?? readFile(name);
  host.getCurrentDirectory = () => ROOT;
  const program = ts.createProgram([...virtual.keys()], options, host);
  const byVirtual = new Map(BLOCKS.map(b => [b.virtual, b]));
  const problems = ts.getPreEmitDiagnostics(program).map(d => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const b = d.file && byVirtual.get(d.file.fileName);
    if (!b || d.start === undefined) return `${d.file?.fileName ?? '(program)'}: TS${d.code} ${text}`;
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start);
    return `${b.file}:${b.line + line}:${character + 1} (${b.entry}, block ${b.index}): TS${d.code} ${text}`;
  });
  assert.deepEqual(problems, []);
});

test('incident rule links are demonstrated: each rule an incident lists is named by one of its ❌ blocks', () => {
  const problems: string[] = [];
  for (const e of ENTRIES) {
    const named = new Set(e.blocks.flatMap(b => b.names));
    if (e.kind === 'incident') {
      for (const r of e.rules) if (!named.has(r)) problems.push(`${e.file}: lists rule ${r}, but no ❌ block names it (// ❌ ${r}: ...)`);
    }
    for (const b of e.blocks) {
      for (const r of b.names) if (!e.rules.includes(r)) problems.push(`${where(b)}: names ${r}, which the entry's \`rules:\` does not list`);
    }
  }
  assert.deepEqual(problems, []);
});

for (const e of ENTRIES) {
  test(`examples of ${e.id}: ❌ blocks are flagged by the rules they name, ✅ blocks by none`, async () => {
    const problems: string[] = [];
    for (const b of e.blocks) {
      const { findings } = await analyzeText(b.code, `${e.id}-example-${b.index}.ts`);
      const show = (f: (typeof findings)[number]) => `${f.ruleId} at ${b.file}:${b.line + f.startPos.line}:${f.startPos.column + 1}: ${f.message}`;
      if (b.mark === 'good') {
        for (const f of findings) problems.push(`${where(b)} is flagged (✅ blocks must get no finding): ${show(f)}`);
      } else if (b.mark === 'bad') {
        for (const r of b.names) {
          if (!findings.some(f => f.ruleId === r)) {
            const got = findings.length ? `; it gets only: ${findings.map(show).join('; ')}` : '; it gets no finding at all';
            problems.push(`${where(b)} names ${r} but is not flagged by it${got}`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });
}
