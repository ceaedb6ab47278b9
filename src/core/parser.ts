/**
 * web-tree-sitter runtime and grammars, loaded from bytes so the same code works in Node, bundled by
 * esbuild, inside VS Code and in a browser. Nothing here imports `vscode` or a native binding.
 */
import type * as TS from 'web-tree-sitter';
import * as fs from 'fs';
import * as path from 'path';

// The CJS build: esbuild's ESM path would rewrite `import.meta` to `{}` and break Parser.init (see docs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WTS: typeof TS = require('web-tree-sitter');

export type LangId = 'typescript' | 'tsx' | 'javascript';
export type Tree = TS.Tree;
export type Node = TS.Node;
export type Language = TS.Language;
export type Query = TS.Query;
export type Edit = TS.Edit;

export const GRAMMAR_FILES: Record<LangId, string> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
};
export const RUNTIME_WASM = 'web-tree-sitter.wasm';

const EXT_LANG: Record<string, LangId> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
};
export const SUPPORTED_EXTENSIONS = Object.keys(EXT_LANG);

export function languageForPath(file: string): LangId | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return undefined;
  return EXT_LANG[path.extname(lower)];
}

/** Where the wasm files live: next to the bundle (dist/), or in the repo (grammars/, node_modules). */
export function defaultWasmLocator(file: string): string {
  const candidates = [
    path.join(__dirname, file),
    path.join(__dirname, '..', 'dist', file),
    path.join(__dirname, '..', '..', 'grammars', file),
    path.join(__dirname, '..', 'grammars', file),
    path.join(__dirname, '..', '..', 'node_modules', 'web-tree-sitter', file),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`incident-lens: cannot find ${file} (looked in ${candidates.join(', ')})`);
}

export interface ParserInit {
  /** Bytes of web-tree-sitter.wasm; read with the default locator when absent. */
  runtime?: Uint8Array;
  /** Bytes of the grammar wasm files, or a loader for them (the VS Code adapter passes workspace.fs reads). */
  grammar?: (lang: LangId) => Uint8Array | Promise<Uint8Array>;
}

let initPromise: Promise<void> | undefined;
let grammarLoader: (lang: LangId) => Uint8Array | Promise<Uint8Array> = lang => fs.readFileSync(defaultWasmLocator(GRAMMAR_FILES[lang]));
const languages = new Map<LangId, Language>();
const languageLoads = new Map<LangId, Promise<Language>>();
const parsers = new Map<LangId, TS.Parser>();

export function initParser(opts: ParserInit = {}): Promise<void> {
  if (opts.grammar) grammarLoader = opts.grammar;
  if (!initPromise) {
    const wasmBinary = opts.runtime ?? fs.readFileSync(defaultWasmLocator(RUNTIME_WASM));
    initPromise = WTS.Parser.init({ wasmBinary } as object);
  }
  return initPromise;
}

/**
 * Loads a grammar (once) and returns it. Concurrent callers share one load: two loads would give two Language
 * objects, and a tree parsed with one cannot be re-parsed incrementally by a parser set to the other (tree-sitter
 * returns no tree, without reading any text; this is what broke the chunked re-parse in the VS Code host, where
 * activation and the first document both load the grammar at once).
 */
export function loadLanguage(lang: LangId): Promise<Language> {
  let p = languageLoads.get(lang);
  if (!p) {
    p = (async () => {
      await initParser();
      const l = await WTS.Language.load(await grammarLoader(lang));
      languages.set(lang, l);
      return l;
    })();
    // a failed load may be retried
    p.catch(() => languageLoads.delete(lang));
    languageLoads.set(lang, p);
  }
  return p;
}

export async function loadAllLanguages(): Promise<void> {
  await Promise.all((Object.keys(GRAMMAR_FILES) as LangId[]).map(loadLanguage));
}

export function getLoadedLanguage(lang: LangId): Language {
  const l = languages.get(lang);
  if (!l) throw new Error(`incident-lens: grammar ${lang} not loaded; call loadLanguage first`);
  return l;
}

function parserFor(lang: LangId): TS.Parser {
  let p = parsers.get(lang);
  if (!p) {
    p = new WTS.Parser();
    p.setLanguage(getLoadedLanguage(lang));
    parsers.set(lang, p);
  }
  return p;
}

/**
 * UTF-16 units handed to tree-sitter per read during an incremental re-parse. Given the whole text as a string,
 * web-tree-sitter copies up to 5,119 units into WASM memory on every read; an incremental re-parse reads at every
 * place where it re-lexes after reusing subtrees (~90 reads on a 3,000-line file), so the copying dominated it.
 * Short reads make the re-parse of that file ~2x cheaper. A fresh parse reads sequentially: it takes the string.
 */
const INCREMENTAL_READ_UNITS = 128;

/**
 * Synchronous parse; the language must be loaded. Pass the edited previous tree to re-parse incrementally (it
 * must come from this language; should tree-sitter still refuse it, the text is parsed from scratch).
 */
export function parseSync(text: string, lang: LangId, oldTree?: Tree | null): Tree {
  const tree = oldTree ? reparseWithin(text, lang, oldTree, Infinity) : parserFor(lang).parse(text);
  if (!tree) throw new Error('incident-lens: tree-sitter returned no tree');
  return tree;
}

/**
 * An incremental re-parse (text read in short chunks) that gives up once it has run `budgetMs` (tree-sitter's
 * progress callback): undefined then, with the parser reset and `oldTree` untouched (it can take further edits and
 * be re-parsed later). The editor uses this to bound a keystroke: after a half-typed `if (x) {` tree-sitter's error
 * recovery can take ten times a normal re-parse. An old tree tree-sitter refuses is counted and the text parsed
 * from scratch.
 */
export function reparseWithin(text: string, lang: LangId, oldTree: Tree, budgetMs: number): Tree | undefined {
  const parser = parserFor(lang);
  const deadline = performance.now() + budgetMs;
  let parsing = true, overBudget = false;
  const options = budgetMs === Infinity ? undefined : { progressCallback: () => (overBudget = performance.now() > deadline) } as TS.ParseOptions;
  // the tree keeps the callback for `node.text`: after the parse it hands out the rest of the text at once
  const tree = parser.parse(i => (parsing ? text.slice(i, i + INCREMENTAL_READ_UNITS) : text.slice(i)), oldTree, options);
  parsing = false;
  if (tree) return tree;
  parser.reset();
  if (overBudget) return undefined;
  incrementalRefusals++;
  return parser.parse(text) ?? undefined;
}

let incrementalRefusals = 0;
/** How many incremental re-parses tree-sitter refused (each was redone from scratch); for tests and the bench. */
export function incrementalParseRefusals(): number { return incrementalRefusals; }

/** Parses text (loading runtime and grammar on first use). The caller owns the tree (call tree.delete()). */
export async function parseSource(text: string, lang: LangId): Promise<Tree> {
  await loadLanguage(lang);
  return parseSync(text, lang);
}

export function newQuery(lang: LangId, source: string): Query {
  return new WTS.Query(getLoadedLanguage(lang), source);
}

/** A tree edit (offsets in UTF-16 units, points with UTF-16 columns), for `tree.edit` before an incremental parse. */
export function makeEdit(e: { startIndex: number; oldEndIndex: number; newEndIndex: number; startPosition: TS.Point; oldEndPosition: TS.Point; newEndPosition: TS.Point }): Edit {
  return new WTS.Edit(e);
}

/**
 * Checks that a code snippet parses (for knowledge-base entries and team postmortems): undefined when it does,
 * else "syntax error at line L, column C". The grammar must be loaded (see loadAllLanguages).
 */
export function syntaxProblem(code: string, lang: 'ts' | 'tsx' | 'js'): string | undefined {
  const tree = parseSync(code, lang === 'ts' ? 'typescript' : lang === 'tsx' ? 'tsx' : 'javascript');
  try {
    if (!tree.rootNode.hasError) return undefined;
    const stack: Node[] = [tree.rootNode];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) return `syntax error at line ${n.startPosition.row + 1}, column ${n.startPosition.column + 1}${n.isMissing ? ` (missing ${n.type})` : ''}`;
      if (n.hasError) for (let i = n.childCount - 1; i >= 0; i--) { const c = n.child(i); if (c) stack.push(c); }
    }
    return 'syntax error';
  } finally { tree.delete(); }
}
