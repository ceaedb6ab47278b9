/**
 * web-tree-sitter runtime and grammars, loaded from bytes so the same code works in Node, bundled by
 * esbuild, inside VS Code and in a browser. Nothing here imports `vscode` or a native binding.
 */
import type * as TS from 'web-tree-sitter';
import * as fs from 'fs';
import * as path from 'path';

import { webTreeSitterSource } from './wts-source';
import { rewriteGrammarGaps } from './grammar-gaps';

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

let grammarLoader: (lang: LangId) => Uint8Array | Promise<Uint8Array> = lang => fs.readFileSync(defaultWasmLocator(GRAMMAR_FILES[lang]));
let runtimeBytes: Uint8Array | undefined;

/**
 * Thrown when tree-sitter's WASM code trapped ("memory access out of bounds" on deeply nested input, an abort):
 * the WASM instance is then unusable for good (its stack pointer and heap are left mid-operation), so the runtime
 * is retired and the next `loadLanguage`/`initParser` makes a fresh one. `culprit` is true for the call whose input
 * trapped (report that file as skipped), false for a call made on an already crashed runtime before the restart.
 */
export class ParserCrashError extends Error {
  constructor(readonly reason: string, readonly culprit: boolean) {
    super(culprit ? `tree-sitter crashed on it (${reason})` : `the parser is restarting after a crash (${reason})`);
  }
}

/**
 * Thrown when a fresh parse ran past its budget (parseBudgetMs): tree-sitter's error recovery is quadratic on some
 * garbage (`x = ` then ` } c = ` repeated: 400 times 1.2 s, 800 times 4.6 s, 3,200 times 90 s). The parse is cancelled
 * through tree-sitter's progress callback and the parser reset; the runtime stays usable. A ParserCrashError with
 * `culprit` set, so every caller that skips a file tree-sitter crashed on skips this one the same way (with this
 * message): the CLI's file pass, the editor, the background index, the knowledge base's code check.
 */
export class ParseBudgetError extends ParserCrashError {
  constructor(readonly budgetMs: number) {
    super(`over the ${budgetMs} ms parse budget`, true);
    this.message = `tree-sitter's parse of it ran over its ${budgetMs} ms budget (its error recovery can take quadratic time on broken code)`;
  }
}

/**
 * The CPU time a fresh parse may take: 500 ms plus 2 ms per 1,000 characters (UTF-16 units). Normal code parses at
 * ~0.2 ms per 1,000 characters warm and ~0.6 on a cold start (lodash.js, 546,000 characters: 80 ms, 341 ms cold; its
 * budget is 1,592 ms). The progress callback cannot tell a parse in error recovery from a normal one (tree-sitter's
 * `hasError` is false again as soon as one stack version has recovered), so the budget is the same for every parse.
 */
export function parseBudgetMs(length: number): number {
  return 500 + Math.ceil(length / 500);
}

/**
 * Where CPU time can be read (Node): the parse budget's clock; else wall time (a browser). The thread's own CPU time
 * where Node has it (`process.threadCpuUsage`, Node >= 23.9); else the process's, which also counts the CLI's other
 * worker thread: with two threads busy the budget is at worst spent twice as fast, still several times what a normal
 * file's parse takes (see parseBudgetMs).
 */
const proc = typeof process !== 'undefined' ? process as NodeJS.Process & { threadCpuUsage?: () => NodeJS.CpuUsage } : undefined;
const cpuNow = typeof proc?.threadCpuUsage === 'function'
  ? (): number => { const u = proc.threadCpuUsage!(); return (u.user + u.system) / 1000; }
  : typeof proc?.cpuUsage === 'function'
    ? (): number => { const u = proc.cpuUsage(); return (u.user + u.system) / 1000; }
    : (): number => performance.now();

/**
 * Parse options whose progress callback cancels the parse once it has taken `budgetMs` of CPU time. tree-sitter calls
 * it every hundred parser operations: it reads the wall clock, and the CPU time (a system call) only once the wall
 * time is past the budget (the parsing thread's CPU time cannot be ahead of it), then at most every 1/100 of the
 * budget.
 */
function budgetedParse(budgetMs: number): { options: TS.ParseOptions; cancelled: () => boolean } {
  const wall0 = performance.now(), cpu0 = cpuNow();
  let nextCpuCheck = wall0 + budgetMs, over = false;
  const progressCallback = (): boolean => {
    if (over) return true;
    const w = performance.now();
    if (w < nextCpuCheck) return false;
    nextCpuCheck = w + budgetMs / 100;
    return (over = cpuNow() - cpu0 > budgetMs);
  };
  return { options: { progressCallback } as TS.ParseOptions, cancelled: () => over };
}

/**
 * One web-tree-sitter runtime: a private copy of the library (its module state holds the WASM instance), the
 * grammars loaded into it (once each: two Language objects for one grammar break incremental re-parse, see
 * loadLanguage) and a parser per language. Trees, nodes and queries belong to the runtime that made them.
 */
interface Runtime {
  generation: number;
  WTS: typeof TS;
  init: Promise<void>;
  languages: Map<LangId, Language>;
  loads: Map<LangId, Promise<Language>>;
  parsers: Map<LangId, TS.Parser>;
  /** Why the runtime is unusable (a WASM trap): nothing of it may be called again. */
  poisoned?: string;
  /** A JS stack overflow went through WASM frames: usable for the current file, replaced before the next. */
  suspect?: string;
  retire(): void;
}

let current: Runtime | undefined;
let generations = 0;
let restarts = 0;
let librarySource: { text: string; file: string } | undefined;

/**
 * Evaluates a fresh copy of web-tree-sitter. Its finalizers (which free WASM memory when a tree or parser is
 * garbage-collected) become no-ops once the copy is retired: on a trapped instance they would trap again, and an
 * exception in a finalizer ends the process. Retiring also turns `delete()` of its objects into no-ops, so callers
 * holding old trees (the editor's tree cache) can drop them as usual.
 */
function instantiateLibrary(): { WTS: typeof TS; retire(): void } {
  const src = (librarySource ??= webTreeSitterSource());
  let retired = false;
  const Native = FinalizationRegistry;
  class Registry<T> {
    private readonly inner: FinalizationRegistry<T>;
    constructor(handler: (held: T) => void) {
      this.inner = new Native<T>(held => { if (!retired) { try { handler(held); } catch { /* never throw from a finalizer */ } } });
    }
    register(target: object, held: T, token?: object): void { this.inner.register(target, held, token); }
    unregister(token: object): boolean { return this.inner.unregister(token); }
  }
  const mod = { exports: {} as Record<string, unknown> };
  const req = (id: string): unknown => {
    if (id === 'fs') return fs;
    throw new Error(`incident-lens: web-tree-sitter asked for module ${id}`);
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', '__filename', '__dirname', 'FinalizationRegistry', `${src.text}\n//# sourceURL=${src.file}`)(
    mod, mod.exports, req, src.file, path.dirname(src.file), Registry);
  const WTS = mod.exports as unknown as typeof TS;
  cacheParents(WTS);
  return {
    WTS,
    retire() {
      retired = true;
      const noop = function (): void { /* retired runtime */ };
      for (const cls of [WTS.Tree, WTS.Parser, WTS.Query, WTS.TreeCursor, WTS.LookaheadIterator, WTS.Language] as unknown as { prototype: Record<string, unknown> }[]) {
        if (cls?.prototype && typeof cls.prototype.delete === 'function') cls.prototype.delete = noop;
      }
      (WTS.Tree.prototype as unknown as Record<string, unknown>).edit = function (): void { throw new Error('incident-lens: this tree belongs to a parser runtime that crashed'); };
    },
  };
}

/**
 * `node.parent` in tree-sitter is not a pointer: it descends from the root to the node (O(depth) WASM calls), so a
 * walk up the ancestors of a deep node is quadratic, and rules walk up from every call (enclosing function, shadowing
 * scopes): `fetch(` nested 1,000 deep took 47 s. The getter is replaced (in this private copy of the library) by one
 * that learns the parent of every node on the way down and remembers them per tree: each walk up then costs O(depth)
 * once per tree. Node ids are the addresses of the nodes' slots in their parents: unique within a tree. An edited tree
 * (`tree.edit`) forgets its parents. Below depth 64 a descent no longer lists every child of each level (one WASM step
 * per level): walking the whole tree once as soon as a descent got that deep cost ~2.5 µs per node, 0.35 s of a
 * 0.55 s analysis of `() =>` nested 30,000 deep, where one descent to the `fetch` at the bottom is ~0.05 s.
 */
function cacheParents(WTS: typeof TS): void {
  const proto = WTS.Node.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'parent')?.get;
  if (!original) return;
  const caches = new WeakMap<object, Map<number, Node | null>>();
  const childLists = new WeakMap<object, Map<number, Node[]>>();
  const walkedTrees = new WeakSet<object>();
  const deep = new WeakMap<object, DeepDescents>();
  Object.defineProperty(proto, 'parent', {
    configurable: true,
    get(this: Node): Node | null {
      let cache = caches.get(this.tree);
      if (!cache) caches.set(this.tree, (cache = new Map()));
      const hit = cache.get(this.id);
      if (hit !== undefined) return hit;
      const root = this.tree.rootNode;
      if (root.id === this.id) { cache.set(this.id, null); return null; }
      // every node passed on the way down has all its children's parents recorded (once per node), and its children
      // kept: the next step down is a binary search by position (childWithDescendant scans the children, so a
      // descent through a node with 25,000 arguments cost 25,000 steps per call)
      let kids = childLists.get(this.tree);
      if (!kids) childLists.set(this.tree, (kids = new Map()));
      const start = this.startIndex, end = this.endIndex;
      let depth = 0;
      let cur: Node = root;
      let d = deep.get(this.tree);
      // deep in a tree, a descent starts from the nearest ancestor the last deep descent passed (a range strictly
      // around this node's is an ancestor's): a rule visiting the leaves of a deep chain in order (`a - b - c - …`)
      // steps down once per leaf instead of from the root
      if (d?.last && end > start) {
        for (let x: Node | null | undefined = d.last, up = 0; x && up < DEEP_TREE; x = cache.get(x.id), up++) {
          const xs = x.startIndex;
          if (xs > start) continue;
          const xe = x.endIndex;
          if (xe >= end && (xs < start || xe > end)) { if (x.id !== root.id) { cur = x; depth = DEEP_TREE; } break; }
        }
      }
      for (;;) {
        let list = kids.get(cur.id);
        let next: Node | null | undefined;
        if (!list && depth >= DEEP_TREE && cur.childCount <= WIDE_NODE) {
          // deep down: one step in WASM per level, without listing (and allocating) every child
          next = cur.childWithDescendant(this);
        } else {
          if (!list) {
            list = cur.children.filter((c): c is Node => !!c);
            kids.set(cur.id, list);
            for (const c of list) cache.set(c.id, cur);
          }
          next = end > start ? childSpanning(list, start, end) ?? cur.childWithDescendant(this) : cur.childWithDescendant(this);
        }
        if (!next || next.id === cur.id) break;
        cache.set(next.id, cur);
        if (next.id === this.id) {
          if (depth >= DEEP_TREE && d) d.last = cur;
          return cur;
        }
        cur = next;
        if (++depth < DEEP_TREE || walkedTrees.has(this.tree)) continue;
        // a deep tree (nesting no hand-written code has): descents step down one level at a time until they have
        // taken as many steps as the tree has nodes; then one walk with a cursor records every parent (O(nodes)), so
        // many descents to the leaves of a deep chain cost at most about twice that walk
        if (!d) deep.set(this.tree, (d = { steps: 0, budget: root.descendantCount }));
        if (++d.steps > d.budget) {
          walkedTrees.add(this.tree);
          recordAllParents(this.tree.rootNode, cache);
          const known = cache.get(this.id);
          if (known !== undefined) return known;
        }
      }
      return original.call(this) as Node | null;
    },
  });
  // descendantForIndex from the root also descends level by level: a rule mapping each text hit to its node
  // (`Date.now() - Date.now() - …` 8,000 long: 8,000 lookups each 8,000 deep) was quadratic. A lookup from the root
  // of a non-empty range starts instead from the nearest ancestor of the previous result that spans the range: for a
  // non-empty range the nodes that span it form one chain, so the result is the same node.
  const descend = proto.descendantForIndex;
  const hints = new WeakMap<object, { rootId: number; last?: Node }>();
  proto.descendantForIndex = function (this: Node, start: number, end: number = start): Node | null {
    let h = hints.get(this.tree);
    if (!h) hints.set(this.tree, (h = { rootId: this.tree.rootNode.id }));
    if (this.id !== h.rootId || !(end > start) || !h.last) {
      const r = descend.call(this, start, end) as Node | null;
      if (this.id === h.rootId && end > start && r) h.last = r;
      return r;
    }
    let from: Node = h.last;
    for (let steps = 0; from.startIndex > start || from.endIndex < end; steps++) {
      const up = from.parent;
      if (!up || steps > 10_000) { from = this; break; }
      from = up;
    }
    const r = descend.call(from, start, end) as Node | null;
    if (r) h.last = r;
    return r;
  };
  const edit = WTS.Tree.prototype.edit;
  WTS.Tree.prototype.edit = function (this: Tree, e: Edit): void {
    caches.delete(this); childLists.delete(this); walkedTrees.delete(this); hints.delete(this); deep.delete(this); treeMemos.delete(this);
    edit.call(this, e);
  };
}

const treeMemos = new WeakMap<object, Map<string, unknown>>();
/**
 * A memo that lives as long as the tree and is forgotten when the tree is edited (`tree.edit`), for what rules learn
 * about its nodes (keyed by node id) across their walks of one analysis.
 */
export function treeMemo(tree: Tree): Map<string, unknown> {
  let m = treeMemos.get(tree);
  if (!m) treeMemos.set(tree, (m = new Map()));
  return m;
}

/** The child (of a position-ordered list) that spans the non-empty range [start, end), found by binary search. */
function childSpanning(list: Node[], start: number, end: number): Node | undefined {
  let lo = 0, hi = list.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].startIndex <= start) { at = mid; lo = mid + 1; } else hi = mid - 1;
  }
  // zero-width children (missing nodes) may share a start: step back to one that reaches the end
  for (let i = at; i >= 0 && i > at - 4; i--) {
    const c = list[i];
    if (c.startIndex <= start && c.endIndex >= end && c.endIndex > c.startIndex) return c;
  }
  return undefined;
}

/** Depth from which a descent steps down without listing children, and counts its steps (see cacheParents). */
const DEEP_TREE = 64;
/** A deep node with more children than this is still listed once (binary search), not scanned per descent. */
const WIDE_NODE = 64;
/** Per tree: steps taken by deep descents, how many before the whole tree is walked, the last deep parent found. */
interface DeepDescents { steps: number; budget: number; last?: Node }

/** Records the parent of every node under `root` (a tree cursor walk: O(nodes), O(1) per step). */
function recordAllParents(root: Node, cache: Map<number, Node | null>): void {
  const cursor = root.walk();
  try {
    const stack: Node[] = [cursor.currentNode];
    for (;;) {
      if (cursor.gotoFirstChild()) {
        const n = cursor.currentNode;
        cache.set(n.id, stack[stack.length - 1]);
        stack.push(n);
        continue;
      }
      for (;;) {
        if (cursor.gotoNextSibling()) {
          stack.pop();
          const n = cursor.currentNode;
          cache.set(n.id, stack[stack.length - 1]);
          stack.push(n);
          break;
        }
        if (!cursor.gotoParent()) return;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * The runtime's WASM is compiled and instantiated synchronously (Emscripten's `instantiateWasm` hook), so `init`
 * settles through microtasks only, without waiting for a background compile to be scheduled. In a busy VS Code
 * extension host every macrotask wait on the way to the first diagnostics let other extensions' work run first
 * (measured: 1.5-3.7 s for the runtime and 2-2.3 s for a grammar on a loaded machine, ~40 ms each once synchronous);
 * compiling the 0.2 MB runtime on the calling thread takes milliseconds.
 */
function createRuntime(): Runtime {
  const lib = instantiateLibrary();
  const wasmBinary = (runtimeBytes ??= fs.readFileSync(defaultWasmLocator(RUNTIME_WASM)));
  const instantiateWasm = (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
    const module = new WebAssembly.Module(wasmBinary as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, imports);
    done(instance, module);
    return instance.exports;
  };
  return {
    generation: ++generations, WTS: lib.WTS, retire: lib.retire,
    init: lib.WTS.Parser.init({ instantiateWasm } as object),
    languages: new Map(), loads: new Map(), parsers: new Map(),
  };
}

/** The runtime to start new work on: a fresh one when the current one crashed (or is suspect). */
function liveRuntime(): Runtime {
  if (current && !current.poisoned && !current.suspect) return current;
  if (current) { restarts++; if (!current.poisoned) current.retire(); }
  current = createRuntime();
  return current;
}

/** The runtime synchronous calls use; throws ParserCrashError (not the culprit) while a crashed one awaits restart. */
function usableRuntime(): Runtime {
  if (!current) throw new Error('incident-lens: parser not initialised; call loadLanguage first');
  if (current.poisoned) throw new ParserCrashError(current.poisoned, false);
  return current;
}

function describeFault(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
}

/** Marks a runtime unusable and retires it at once (its objects' delete() must not call into it any more). */
function poison(rt: Runtime, e: unknown): string {
  rt.poisoned = describeFault(e);
  rt.retire();
  return rt.poisoned;
}

/** A JS stack overflow (RangeError) */
function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * Classifies an error thrown while a tree of the current runtime was in use (a rule walking nodes, a query): a WASM
 * trap retires the runtime and comes back as a ParserCrashError (culprit) to rethrow, so the file is skipped; a
 * stack overflow marks the runtime for replacement before the next file (WASM frames may have been cut off
 * mid-call) and returns undefined, like any other error (the caller reports it).
 */
export function wasmFault(e: unknown): ParserCrashError | undefined {
  if (e instanceof ParserCrashError) return e;
  const rt = current;
  if (!rt || rt.poisoned) return undefined;
  if (e instanceof WebAssembly.RuntimeError) return new ParserCrashError(poison(rt, e), true);
  if (isStackOverflow(e)) rt.suspect ??= describeFault(e);
  return undefined;
}

/** Runs a call into tree-sitter; any error it throws means the WASM instance cannot be trusted any more. */
function guarded<T>(rt: Runtime, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ParserCrashError) throw e;
    throw new ParserCrashError(poison(rt, e), true);
  }
}

/** How many times a crashed parser runtime was replaced (tests, fuzzing). */
export function parserRestarts(): number { return restarts; }

/** Changes whenever the runtime is replaced: trees, nodes and queries from another generation must not be used. */
export function parserGeneration(): number { return current?.generation ?? 0; }

/** True when `tree` belongs to the current (usable) runtime. */
export function isLiveTree(tree: Tree): boolean {
  return !!current && !current.poisoned && tree instanceof current.WTS.Tree;
}

export function initParser(opts: ParserInit = {}): Promise<void> {
  if (opts.grammar) grammarLoader = opts.grammar;
  if (opts.runtime && !current) runtimeBytes = opts.runtime;
  return liveRuntime().init;
}

/**
 * Loads a grammar (once per runtime) and returns it. Concurrent callers share one load: two loads would give two
 * Language objects, and a tree parsed with one cannot be re-parsed incrementally by a parser set to the other
 * (tree-sitter returns no tree, without reading any text; this is what broke the chunked re-parse in the VS Code
 * host, where activation and the first document both load the grammar at once). After a parser crash this is where
 * the fresh runtime is made and the grammars re-loaded into it.
 */
export function loadLanguage(lang: LangId): Promise<Language> {
  const rt = liveRuntime();
  let p = rt.loads.get(lang);
  if (!p) {
    p = (async () => {
      await rt.init;
      const bytes = grammarLoader(lang);
      // bytes at hand: compiled on this thread (see createRuntime), no macrotask wait; a promise: the async path
      const l = bytes instanceof Uint8Array ? rt.WTS.Language.loadSync(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)) : await rt.WTS.Language.load(await bytes);
      rt.languages.set(lang, l);
      return l;
    })();
    // a failed load may be retried
    p.catch(() => rt.loads.delete(lang));
    rt.loads.set(lang, p);
  }
  return p;
}

export async function loadAllLanguages(): Promise<void> {
  await Promise.all((Object.keys(GRAMMAR_FILES) as LangId[]).map(loadLanguage));
}

export function getLoadedLanguage(lang: LangId): Language {
  const l = usableRuntime().languages.get(lang);
  if (!l) throw new Error(`incident-lens: grammar ${lang} not loaded; call loadLanguage first`);
  return l;
}

function parserFor(rt: Runtime, lang: LangId): TS.Parser {
  let p = rt.parsers.get(lang);
  if (!p) {
    p = new rt.WTS.Parser();
    p.setLanguage(getLoadedLanguage(lang));
    rt.parsers.set(lang, p);
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
 * must come from this language; should tree-sitter still refuse it, the text is parsed from scratch). Throws
 * ParserCrashError when tree-sitter trapped on the text (see loadLanguage for the restart).
 */
export function parseSync(text: string, lang: LangId, oldTree?: Tree | null): Tree {
  const rt = usableRuntime();
  if (oldTree) {
    const again = reparseWithin(text, lang, oldTree, Infinity);
    if (!again) throw new Error('incident-lens: tree-sitter returned no tree');
    return again;
  }
  // a fresh parse has a budget (ParseBudgetError); the second parse, of the grammar gaps' rewrite, shares it
  const budgetMs = parseBudgetMs(text.length);
  const budget = budgetedParse(budgetMs);
  const tree = guarded(rt, () => parseOrReset(parserFor(rt, lang), text, budget));
  if (!tree) {
    if (budget.cancelled()) throw new ParseBudgetError(budgetMs);
    throw new Error('incident-lens: tree-sitter returned no tree');
  }
  return bridgeGrammarGaps(rt, tree, text, lang, budget);
}

/** A fresh parse with a budget; a cancelled one resets the parser (else its next parse would resume this one). */
function parseOrReset(parser: TS.Parser, text: string, budget: ReturnType<typeof budgetedParse>): Tree | null {
  const tree = parser.parse(text, null, budget.options);
  if (!tree) parser.reset();
  return tree;
}

/** Trees parsed from a text rewritten by grammar-gaps.ts: their re-parses read the rewritten text too. */
const rewrittenTrees = new WeakSet<object>();
/** True when the tree was parsed from the same-length rewrite of its text (grammar-gaps.ts). */
export function parsedFromRewrite(tree: Tree): boolean { return rewrittenTrees.has(tree); }

/**
 * A fresh tree with syntax errors gets a second parse of the text with the grammar's gaps rewritten
 * (grammar-gaps.ts: same length, positions unchanged); the tree with fewer errors is kept.
 */
function bridgeGrammarGaps(rt: Runtime, tree: Tree, text: string, lang: LangId, budget?: ReturnType<typeof budgetedParse>): Tree {
  if (!tree.rootNode.hasError) return tree;
  const alt = rewriteGrammarGaps(text, lang);
  if (alt === undefined) return tree;
  // over the budget: the first tree stands
  const altTree = guarded(rt, () => budget ? parseOrReset(parserFor(rt, lang), alt, budget) : parserFor(rt, lang).parse(alt));
  if (!altTree) return tree;
  if (errorWeight(altTree) < errorWeight(tree)) {
    tree.delete();
    rewrittenTrees.add(altTree);
    return altTree;
  }
  altTree.delete();
  return tree;
}

/** Characters inside ERROR nodes plus missing tokens: 0 for a clean tree. */
function errorWeight(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  let w = 0;
  const c = tree.walk();
  try {
    for (;;) {
      const n = c.currentNode;
      if (n.type === 'ERROR') w += n.endIndex - n.startIndex + 1;
      else if (n.isMissing) w += 1;
      if (n.type !== 'ERROR' && n.hasError && c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) return w;
    }
  } finally { c.delete(); }
}

/**
 * An incremental re-parse (text read in short chunks) that gives up once it has run `budgetMs` (tree-sitter's
 * progress callback): undefined then, with the parser reset and `oldTree` untouched (it can take further edits and
 * be re-parsed later). The editor uses this to bound a keystroke: after a half-typed `if (x) {` tree-sitter's error
 * recovery can take ten times a normal re-parse. An old tree tree-sitter refuses, or one from a runtime that has
 * since been replaced after a crash, is counted and the text parsed from scratch.
 */
export function reparseWithin(text: string, lang: LangId, oldTree: Tree, budgetMs: number): Tree | undefined {
  const rt = usableRuntime();
  if (rewrittenTrees.has(oldTree)) {
    const alt = rewriteGrammarGaps(text, lang) ?? text;
    const t = reparseText(rt, alt, lang, oldTree, budgetMs);
    if (t) rewrittenTrees.add(t);
    return t;
  }
  const t = reparseText(rt, text, lang, oldTree, budgetMs);
  // an edit that typed one of the grammar's gaps: the same tree as a fresh parse (and the CLI) would give
  return t && bridgeGrammarGaps(rt, t, text, lang);
}

function reparseText(rt: Runtime, text: string, lang: LangId, oldTree: Tree, budgetMs: number): Tree | undefined {
  return guarded(rt, () => {
    const parser = parserFor(rt, lang);
    if (!(oldTree instanceof rt.WTS.Tree)) {
      incrementalRefusals++;
      return parser.parse(text) ?? undefined;
    }
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
  });
}

let incrementalRefusals = 0;
/** How many incremental re-parses tree-sitter refused (each was redone from scratch); for tests and the bench. */
export function incrementalParseRefusals(): number { return incrementalRefusals; }

/** Parses text (loading runtime and grammar on first use). The caller owns the tree (call tree.delete()). */
export async function parseSource(text: string, lang: LangId): Promise<Tree> {
  await loadLanguage(lang);
  return parseSync(text, lang);
}

/** A query of the current runtime (re-make it after parserGeneration() changes). */
export function newQuery(lang: LangId, source: string): Query {
  return new (usableRuntime().WTS.Query)(getLoadedLanguage(lang), source);
}

/** A tree edit (offsets in UTF-16 units, points with UTF-16 columns), for `tree.edit` before an incremental parse. */
export function makeEdit(e: { startIndex: number; oldEndIndex: number; newEndIndex: number; startPosition: TS.Point; oldEndPosition: TS.Point; newEndPosition: TS.Point }): Edit {
  return new (liveRuntime().WTS.Edit)(e);
}

/**
 * Checks that a code snippet parses (for knowledge-base entries and team postmortems): undefined when it does,
 * else "syntax error at line L, column C", or the parser crash it caused. The grammar must be loaded (see
 * loadAllLanguages; after a crash, load again before the next check).
 */
export function syntaxProblem(code: string, lang: 'ts' | 'tsx' | 'js'): string | undefined {
  let tree: Tree;
  try {
    tree = parseSync(code, lang === 'ts' ? 'typescript' : lang === 'tsx' ? 'tsx' : 'javascript');
  } catch (e) {
    if (e instanceof ParserCrashError && e.culprit) return e.message;
    throw e;
  }
  try {
    if (!tree.rootNode.hasError) return undefined;
    const stack: Node[] = [tree.rootNode];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) return `syntax error at line ${n.startPosition.row + 1}, column ${n.startPosition.column + 1}${n.isMissing ? ` (missing ${n.type})` : ''}`;
      if (n.hasError) for (let i = n.childCount - 1; i >= 0; i--) { const c = n.child(i); if (c) stack.push(c); }
    }
    return 'syntax error';
  } catch (e) {
    const crash = wasmFault(e);
    if (crash) return crash.message;
    throw e;
  } finally { tree.delete(); }
}
