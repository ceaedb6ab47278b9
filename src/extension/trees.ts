/**
 * Incremental syntax trees for open documents (vscode-free, unit-tested in plain Node).
 *
 * anycode's pattern: every content change is turned into a tree-sitter edit right away (`tree.edit()` is cheap
 * and needs no parse); the re-parse happens on demand (debounced analysis) with the edited tree as the old
 * tree, then the old tree is deleted. Trees live in a small LRU; evicted and closed trees are deleted, since
 * WASM memory is not garbage-collected.
 *
 * Units: VS Code offsets/characters and web-tree-sitter indices/columns are both UTF-16 code units.
 */
import { LangId, Tree, incrementalParseRefusals, isLiveTree, parseSync, reparseWithin } from '../core/parser';
import type { TextChange } from '../core/incremental';


export interface LinePos { line: number; character: number }

/** The shape of a `vscode.TextDocumentContentChangeEvent` (ranges are in the document BEFORE the change). */
export interface ContentChange {
  range: { start: LinePos; end: LinePos };
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface TreeEdit {
  startIndex: number; oldEndIndex: number; newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

/** The tree-sitter edit of one content change: start and old end from the OLD document, new end from the inserted text. */
export function changeToEdit(c: ContentChange): TreeEdit {
  const start = { row: c.range.start.line, column: c.range.start.character };
  const lastNl = c.text.lastIndexOf('\n');
  let newEnd: { row: number; column: number };
  if (lastNl === -1) newEnd = { row: start.row, column: start.column + c.text.length };
  else {
    let rows = 0;
    for (let i = c.text.indexOf('\n'); i !== -1; i = c.text.indexOf('\n', i + 1)) rows++;
    newEnd = { row: start.row + rows, column: c.text.length - lastNl - 1 };
  }
  return {
    startIndex: c.rangeOffset,
    oldEndIndex: c.rangeOffset + c.rangeLength,
    newEndIndex: c.rangeOffset + c.text.length,
    startPosition: start,
    oldEndPosition: { row: c.range.end.line, column: c.range.end.character },
    newEndPosition: newEnd,
  };
}

interface Entry {
  lang: LangId;
  tree: Tree;
  /** Text the tree was parsed from (before pending edits). */
  version: number;
  /** Edits applied to `tree` since the last parse. */
  edited: boolean;
  /** Set when an edit could not be applied: the next parse is a full one. */
  invalid: boolean;
  /** The text changes behind the pending edits, in application order (for incremental analysis). */
  changes: TextChange[];
}

export interface ParseResult {
  tree: Tree;
  /** 'incremental' (edited old tree reused), 'full' (fresh parse) or 'cached' (nothing changed). */
  kind: 'incremental' | 'full' | 'cached';
  parseMs: number;
  /** With 'incremental': the text changes since the previous parse, in application order. */
  changes?: TextChange[];
}

/** A re-parse that went over its time budget (`DocumentTrees.parseWithin`). */
export interface OverBudget {
  tree?: undefined;
  kind: 'over-budget';
  parseMs: number;
  /** The text changes since the last parse, in application order (still queued). */
  changes: TextChange[];
}

export class DocumentTrees {
  private readonly entries = new Map<string, Entry>();
  constructor(readonly capacity = 30) {}

  get size(): number { return this.entries.size; }
  has(key: string): boolean { return this.entries.has(key); }

  /** Queues the changes of one change event (in the order VS Code reports them) onto the document's tree. */
  applyChanges(key: string, changes: readonly ContentChange[]): void {
    const e = this.entries.get(key);
    if (!e || e.invalid) return;
    try {
      for (const c of changes) {
        e.tree.edit(changeToEdit(c) as never);
        e.changes.push({ start: c.rangeOffset, oldEnd: c.rangeOffset + c.rangeLength, newEnd: c.rangeOffset + c.text.length });
      }
      if (changes.length) e.edited = true;
    } catch {
      e.invalid = true;
    }
  }

  /**
   * The up-to-date tree for `text` at `version`. Reuses the edited previous tree when edits were queued, parses
   * from scratch when there is none (or the language changed). The tree stays owned by this cache.
   */
  parse(key: string, text: string, lang: LangId, version: number): ParseResult {
    return this.parseWithin(key, text, lang, version, Infinity) as ParseResult;
  }

  /**
   * As `parse`, but an incremental re-parse gives up after `budgetMs`: then `kind` is 'over-budget', there is no
   * tree, and the edited previous tree and its changes stay queued (more edits can follow; the next parse covers
   * them all). Fresh parses are never cut short.
   */
  parseWithin(key: string, text: string, lang: LangId, version: number, budgetMs: number): ParseResult | OverBudget {
    let e = this.entries.get(key);
    // a tree from a parser runtime replaced after a crash (core/parser.ts) is dropped, never reused
    if (e && !isLiveTree(e.tree)) { this.entries.delete(key); e = undefined; }
    const t0 = performance.now();
    if (e && e.lang === lang && e.version === version && !e.edited && !e.invalid) {
      this.touch(key, e);
      return { tree: e.tree, kind: 'cached', parseMs: 0 };
    }
    const reuse = e && e.lang === lang && !e.invalid && (e.edited || e.version === version) ? e.tree : undefined;
    // with an old tree, the core re-parses incrementally reading the text in short chunks (core/parser.ts)
    const refusals = incrementalParseRefusals();
    const tree = reuse ? reparseWithin(text, lang, reuse, budgetMs) : parseSync(text, lang);
    const parseMs = performance.now() - t0;
    if (!tree) return { kind: 'over-budget', parseMs, changes: [...e!.changes] };
    // tree-sitter refused the old tree and the core parsed from scratch: report it as the full parse it was
    const refused = incrementalParseRefusals() !== refusals;
    const changes = reuse && e ? e.changes : undefined;

    if (e) e.tree.delete();
    this.entries.delete(key);
    this.entries.set(key, { lang, tree, version, edited: false, invalid: false, changes: [] });
    this.evict();
    return { tree, kind: reuse && !refused ? 'incremental' : 'full', parseMs, changes: refused ? undefined : changes };
  }

  /**
   * The text changes queued on a document's tree since its last parse (copies), or undefined when the next parse
   * could not reuse the tree (no tree, nothing queued, or an edit failed to apply).
   */
  queuedChanges(key: string): TextChange[] | undefined {
    const e = this.entries.get(key);
    return e && e.edited && !e.invalid ? [...e.changes] : undefined;
  }

  /** Forgets (and frees) a document's tree, e.g. when it closes. */
  delete(key: string): void {
    const e = this.entries.get(key);
    if (e) { e.tree.delete(); this.entries.delete(key); }
  }

  clear(): void {
    for (const e of this.entries.values()) e.tree.delete();
    this.entries.clear();
  }

  private touch(key: string, e: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const [oldest, e] = this.entries.entries().next().value as [string, Entry];
      e.tree.delete();
      this.entries.delete(oldest);
    }
  }
}
