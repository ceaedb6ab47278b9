/**
 * Validates the knowledge base and writes the prebuilt lunr index.
 *
 *   node --import tsx scripts/build-kb.ts --out dist/kb.json [--strict] [--no-code-check]
 *
 * Reads knowledge/incidents/*.md, knowledge/patterns/*.md and the rule docs src/rules/<id>.md (rule
 * metadata from `allRules` in src/rules/index.ts). Exits 1, naming file and problem, when an entry is
 * invalid: front matter schema, dangling ids, rule link minimums, missing primary sources, or a
 * ts/tsx/js code block that does not parse. `--strict` also fails on section-structure warnings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadMarkdownDir } from '../src/kb/load';
import { addBacklinks, checkReferences, extractCodeBlocks, splitFrontMatter, validateEntry, type RuleMeta } from '../src/kb/schema';
import { buildLunrIndex, serialiseIndex, storedDocument, toDocument } from '../src/kb/indexer';
import { KB_FORMAT_VERSION, type KbEntry, type KbIndexFile, type KbProblem } from '../src/kb/types';

export interface BuildOptions {
  /** Repository root (default: the parent of scripts/). */
  root?: string;
  incidentsDir?: string;
  patternsDir?: string;
  rulesDir?: string;
  /** Output file; nothing is written when absent. */
  out?: string;
  /**
   * Rule metadata. Default: import `allRules` from `<root>/src/rules/index.ts` (skipped with a warning
   * while that file does not exist). `null` skips rules explicitly.
   */
  rules?: RuleMeta[] | null;
  /** Parse ts/tsx/js code blocks with tree-sitter (default true). */
  checkCode?: boolean;
  /** Treat section-structure warnings as errors. */
  strict?: boolean;
}

export interface BuildResult {
  ok: boolean;
  errors: KbProblem[];
  warnings: KbProblem[];
  counts: { incidents: number; patterns: number; rules: number };
  file?: KbIndexFile;
  out?: string;
}

const CODE_LANGS: Record<string, 'typescript' | 'tsx' | 'javascript'> = {
  ts: 'typescript',
  typescript: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  javascript: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
};

interface RuleLoad {
  rules?: RuleMeta[];
  errors: KbProblem[];
  warnings: KbProblem[];
}

async function importRules(root: string): Promise<RuleLoad> {
  const file = path.join(root, 'src', 'rules', 'index.ts');
  const rel = path.relative(root, file);
  if (!fs.existsSync(file)) return { errors: [], warnings: [{ file: rel, problem: 'not found: rule entries and rule references are skipped' }] };
  let mod: { allRules?: unknown; default?: { allRules?: unknown } };
  try {
    mod = await import(file);
  } catch (e) {
    return { errors: [{ file: rel, problem: `cannot import: ${(e as Error).message.split('\n')[0]}` }], warnings: [] };
  }
  const all = mod.allRules ?? mod.default?.allRules;
  if (!Array.isArray(all)) return { errors: [{ file: rel, problem: 'does not export an `allRules` array' }], warnings: [] };
  const errors: KbProblem[] = [];
  const rules: RuleMeta[] = [];
  all.forEach((r: unknown, i) => {
    const meta = (r as { meta?: Record<string, unknown> })?.meta;
    const id = meta?.id;
    const where = `${rel} (allRules[${i}]${typeof id === 'string' ? ` ${id}` : ''})`;
    if (!meta || typeof id !== 'string') return void errors.push({ file: where, problem: 'rule has no `meta.id`' });
    const list = (k: string) => (Array.isArray(meta[k]) && (meta[k] as unknown[]).every(x => typeof x === 'string') ? (meta[k] as string[]) : undefined);
    const incidents = list('incidents');
    const patterns = list('patterns');
    if (!incidents) errors.push({ file: where, problem: '`meta.incidents` must be a list of incident ids' });
    if (!patterns) errors.push({ file: where, problem: '`meta.patterns` must be a list of pattern ids' });
    rules.push({ id, defaultSeverity: typeof meta.defaultSeverity === 'string' ? meta.defaultSeverity : undefined, incidents: incidents ?? [], patterns: patterns ?? [] });
  });
  return { rules, errors, warnings: [] };
}

function bodyLineOffset(file: string): number {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const { body } = splitFrontMatter(text);
    return text.slice(0, text.length - body.length).split('\n').length - 1;
  } catch {
    return 0;
  }
}

async function checkCodeBlocks(entries: KbEntry[], absOf: (e: KbEntry) => string): Promise<KbProblem[]> {
  const problems: KbProblem[] = [];
  // Imported lazily: the parser loads wasm, which the rest of the build does not need.
  const { parseSource } = await import('../src/core/parser');
  for (const e of entries) {
    const blocks = extractCodeBlocks(e.body).filter(b => CODE_LANGS[b.lang]);
    if (!blocks.length) continue;
    const offset = bodyLineOffset(absOf(e));
    for (const b of blocks) {
      const tree = await parseSource(b.code, CODE_LANGS[b.lang]);
      try {
        if (!tree.rootNode.hasError) continue;
        const bad = firstErrorNode(tree.rootNode);
        const line = offset + b.line + 1 + (bad ? bad.startPosition.row : 0);
        const what = bad ? (bad.isMissing ? `missing \`${bad.type}\`` : `syntax error near \`${bad.text.slice(0, 40).replace(/\s+/g, ' ')}\``) : 'syntax error';
        problems.push({ file: `${e.file}:${line}`, problem: `\`\`\`${b.info} code block does not parse: ${what}` });
      } finally {
        tree.delete();
      }
    }
  }
  return problems;
}

interface TsNode {
  type: string;
  isMissing: boolean;
  hasError: boolean;
  text: string;
  startPosition: { row: number; column: number };
  children: (TsNode | null)[];
}

function firstErrorNode(node: TsNode): TsNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const c of node.children) {
    if (c && (c.hasError || c.isMissing || c.type === 'ERROR')) {
      const found = firstErrorNode(c);
      if (found) return found;
    }
  }
  return undefined;
}

export async function buildKb(options: BuildOptions = {}): Promise<BuildResult> {
  const root = path.resolve(options.root ?? path.join(__dirname, '..'));
  const dirs = {
    incidents: path.resolve(root, options.incidentsDir ?? 'knowledge/incidents'),
    patterns: path.resolve(root, options.patternsDir ?? 'knowledge/patterns'),
    rules: path.resolve(root, options.rulesDir ?? 'src/rules'),
  };
  const label = (abs: string) => path.relative(root, abs).split(path.sep).join('/') || abs;
  const errors: KbProblem[] = [];
  const warnings: KbProblem[] = [];

  for (const [kind, dir] of [['incident', dirs.incidents], ['pattern', dirs.patterns]] as const) {
    if (!fs.existsSync(dir)) errors.push({ file: label(dir), problem: `folder for ${kind} entries not found` });
  }
  const incidents = loadMarkdownDir(dirs.incidents, 'incident', { fileLabel: label });
  const patterns = loadMarkdownDir(dirs.patterns, 'pattern', { fileLabel: label });
  for (const r of [incidents, patterns]) {
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  }

  // Rules: metadata from the rule modules, title/summary/body from src/rules/<id>.md.
  let ruleMetas: RuleMeta[] | undefined;
  if (options.rules === null) warnings.push({ file: label(dirs.rules), problem: 'rules skipped (rules: null)' });
  else if (options.rules) ruleMetas = options.rules;
  else {
    const loaded = await importRules(root);
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
    ruleMetas = loaded.rules;
  }
  const ruleEntries: KbEntry[] = [];
  /** Rules without docs: not indexed, but their metadata references are still checked. */
  const checkOnly: KbEntry[] = [];
  if (ruleMetas) {
    const docs = loadMarkdownDir(dirs.rules, 'rule', { fileLabel: label });
    errors.push(...docs.errors);
    warnings.push(...docs.warnings);
    const docById = new Map(docs.entries.map(d => [d.id, d] as const));
    const seen = new Set<string>();
    for (const meta of ruleMetas) {
      if (seen.has(meta.id)) {
        errors.push({ file: label(dirs.rules), problem: `rule "${meta.id}" is registered twice in allRules` });
        continue;
      }
      seen.add(meta.id);
      const doc = docById.get(meta.id);
      const docFile = label(path.join(dirs.rules, `${meta.id}.md`));
      if (!doc) {
        if (!docs.errors.some(p => p.file === docFile)) errors.push({ file: docFile, problem: `rule "${meta.id}" has no documentation file` });
        checkOnly.push({ id: meta.id, kind: 'rule', title: '', summary: '', body: '', file: `${label(path.join(root, 'src', 'rules', 'index.ts'))} (${meta.id})`, rules: [], incidents: [...meta.incidents], patterns: [...meta.patterns] });
        continue;
      }
      ruleEntries.push({ ...doc, severity: meta.defaultSeverity, incidents: [...meta.incidents], patterns: [...meta.patterns], rules: [] });
    }
    for (const d of docs.entries) {
      if (!seen.has(d.id)) warnings.push({ file: d.file ?? d.id, problem: `rule doc has no rule module registered in allRules (not indexed)` });
    }
  }

  const entries = [...incidents.entries, ...patterns.entries, ...ruleEntries];
  const refs = checkReferences([...entries, ...checkOnly], ruleMetas ? new Set(ruleMetas.map(r => r.id)) : undefined);
  errors.push(...refs.errors);
  warnings.push(...refs.warnings);

  if (options.checkCode !== false) {
    errors.push(...(await checkCodeBlocks(entries, e => path.resolve(root, e.file ?? ''))));
  }
  for (const e of entries) {
    const blocks = extractCodeBlocks(e.body).filter(b => CODE_LANGS[b.lang]);
    // Patterns always show the mistake and the fix; incidents do when they have a TypeScript section.
    const bad = e.kind === 'pattern' || (e.kind === 'incident' && /^##[ \t]+The same mistake in TypeScript[ \t]*$/m.test(e.body));
    if (bad && !blocks.some(b => b.code.includes('❌'))) warnings.push({ file: e.file ?? e.id, problem: 'no ```ts block marked ❌ (the mistake)' });
    if (bad && !blocks.some(b => b.code.includes('✅'))) warnings.push({ file: e.file ?? e.id, problem: 'no ```ts block marked ✅ (the fix)' });
  }

  if (options.strict) errors.push(...warnings.splice(0).filter(w => !/skipped|not found: rule/.test(w.problem)));

  const counts = { incidents: incidents.entries.length, patterns: patterns.entries.length, rules: ruleEntries.length };
  if (errors.length) return { ok: false, errors, warnings, counts };

  addBacklinks(entries);
  const documents = entries.map(e => ({ ...toDocument(e), origin: 'builtin' as const }));
  const index = buildLunrIndex(documents);
  const file: KbIndexFile = { version: KB_FORMAT_VERSION, ...serialiseIndex(index), documents: documents.map(storedDocument) };
  let out: string | undefined;
  if (options.out) {
    out = path.resolve(process.cwd(), options.out);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(file));
  }
  return { ok: true, errors, warnings, counts, file, out };
}

export function formatProblems(problems: KbProblem[], prefix: string): string {
  return problems.map(p => `${prefix} ${p.file}: ${p.problem}`).join('\n');
}

async function main(argv: string[]): Promise<number> {
  let out: string | undefined;
  let root: string | undefined;
  let strict = false;
  let checkCode = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = argv[++i];
    else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a === '--root') root = argv[++i];
    else if (a.startsWith('--root=')) root = a.slice(7);
    else if (a === '--strict') strict = true;
    else if (a === '--no-code-check') checkCode = false;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node --import tsx scripts/build-kb.ts --out dist/kb.json [--root <repo>] [--strict] [--no-code-check]\n');
      return 0;
    } else {
      process.stderr.write(`build-kb: unknown argument ${a}\n`);
      return 2;
    }
  }
  if (!out) {
    process.stderr.write('build-kb: --out <file> is required\n');
    return 2;
  }
  const t0 = performance.now();
  const res = await buildKb({ out, strict, checkCode, root: root ? path.resolve(root) : undefined });
  if (res.warnings.length) process.stderr.write(formatProblems(res.warnings, 'warning:') + '\n');
  if (!res.ok) {
    process.stderr.write(formatProblems(res.errors, 'error:') + '\n');
    process.stderr.write(`build-kb: ${res.errors.length} error(s); ${out} was not written\n`);
    return 1;
  }
  const size = fs.statSync(res.out!).size;
  process.stdout.write(
    `build-kb: ${res.counts.incidents} incidents, ${res.counts.patterns} patterns, ${res.counts.rules} rules → ${path.relative(process.cwd(), res.out!)} ` +
      `(${(size / 1024).toFixed(0)} KiB, ${(performance.now() - t0).toFixed(0)} ms)\n`,
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
      process.stderr.write(`build-kb: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
