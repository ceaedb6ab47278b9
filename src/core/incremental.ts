/**
 * Incremental analysis for the editor: after an edit, re-analyse only the top-level statements the edit
 * touched, plus the statements they depend on by name, and keep every other finding (shifted).
 *
 * Region = dirty top-level statements
 *        + statements that declare a top-level name the dirty code uses (a handler registered elsewhere,
 *          a `const opts = {...}`, a `let t0 = Date.now()`)
 *        + statements that use a top-level name the dirty code declares (callers of an edited helper)
 *        + import statements.
 * The callers' own dependencies (both directions, one hop) are also put in view, without re-making their findings:
 * a caller's findings can depend on where it is registered as a handler.
 * Whole-file analysis is used instead when imports change, when a `'use client'` directive or `defaults`
 * configuration is edited (file-wide and project facts), when the region exceeds half of the file, or on the first
 * analysis. Suppression comments and project facts are re-applied to all findings on every run, so a new
 * `disable-next-line` above an untouched statement works at once. `test/core/incremental.test.ts` checks
 * incremental == full on random edits.
 *
 * Per keystroke nothing scales with the file if it can be helped: the top-level statements are read from the tree
 * only around the edit (statementsInWindow; the rest are the last run's, moved), the line table is edited, rules
 * scan text only inside the region (`ctx.matchAll`). Where whole-file analysis would be needed while the tree has a
 * syntax error (a half-typed `if (x) {` re-shapes the code after it), the update is deferred instead: the previous
 * findings are shown, moved, and the changes are analysed with the next edit that leaves the code parseable
 * (`IncrementalResult.deferred`; the editor's whole-file pass once typing pauses settles it in any case).
 * `unparsed` does the same without a tree, when the editor's re-parse went over its time budget.
 */
import type { LangId, Node, Tree } from './parser';
import { AnalyzeOptions, FileAnalysis, analyzeTree, settle, sortAndDedupe, unusedDirectiveFindings } from './analyzer';
import { LineIndex } from './text';
import { parseDirectives, type Directive } from './suppressions';
import type { Finding } from './types';

/** One edit, in the coordinates of the text it applies to (edits apply in sequence, like tree.edit). */
export interface TextChange { start: number; oldEnd: number; newEnd: number }

export interface IncrementalResult extends FileAnalysis {
  mode: 'full' | 'incremental';
  /** UTF-16 units re-analysed. */
  regionSize: number;
  /** Why `update` analysed the whole file (diagnostics: tests, bench). */
  fallback?: string;
  /**
   * Set when `update` did not analyse at all: the edit left a syntax error whose re-parse spans most of the file
   * (a half-typed `if (` or `/*`), where analysis would cost a whole-file run and find nothing meaningful. The
   * findings are the previous ones, moved with the text; the changes are kept and analysed with the next edit
   * that leaves the file parseable (or by `full`, which the editor runs once typing pauses).
   */
  deferred?: string;
}

/** A top-level statement: range, node type, the names it declares, whether it contains a syntax error. */
interface Stmt { start: number; end: number; type: string; declares: string[]; err: boolean }

/** With a syntax error, re-shaped statements beyond FACTOR x the edited ones + SLACK units defer the analysis. */
const RESHAPED_FACTOR = 2;
const RESHAPED_SLACK = 500;
const FILE_WIDE = /\bimport\b|\brequire\s*\(|\bdefaults\b|\buse client\b/;
const FILE_WIDE_DEFAULTS = /\bdefaults\s*\.\s*timeout\b/;
const DECL_RE = /^(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\s*\*?|class|const|let|var|enum|interface|type|namespace)\s+([A-Za-z_$][\w$]*)/;
const DESTRUCT_RE = /^(?:export\s+)?(?:const|let|var)\s*[{[]([^=]*)[}\]]\s*=/;

export class IncrementalAnalyzer {
  /** Tests: check every windowed statement list against a walk over the whole tree (throws on a difference). */
  static checkStatements = false;
  /** How statement lists were made (tests, bench): from the window around the edit, or by walking the tree. */
  static readonly statementStats = { windowed: 0, walked: 0, reshaped: 0 };

  private raw: Finding[] = [];
  private facts: string[] = [];
  private text = '';
  /** Line table of `text`, edited along with it. */
  private lines = new LineIndex('');
  private hasResult = false;
  /** Whether the positions (line, column) of `raw` are those of `text` (else `finish` recomputes them). */
  private positionsValid = true;
  /** Top-level statement shapes of the last analysed tree, to detect re-parses beyond the edited text. */
  private shapes: Stmt[] = [];
  /** Changes since `text` that deferred updates have not analysed yet (see IncrementalResult.deferred). */
  private pending: TextChange[] = [];
  /** Suppression directives of `text` (moved along by `unparsed`, which has no tree to find comments with). */
  private directives: Directive[] = [];
  private hadSyntaxErrors = false;
  /** What `unparsed` calls in a row have moved so far (dropped whenever anything is committed or deferred). */
  private unparsedView?: { pending: number; applied: number; raw: Finding[]; directives: Directive[]; lines: LineIndex };

  constructor(readonly file: string, readonly lang: LangId, private opts: AnalyzeOptions) {}

  setOptions(opts: AnalyzeOptions): void {
    this.opts = opts;
    this.hasResult = false;
  }

  /** Project facts from other files (they only void findings: no re-analysis needed). */
  setProjectFacts(facts: ReadonlySet<string> | undefined): void {
    this.opts = { ...this.opts, projectFacts: facts };
  }

  /** Whole-file analysis; resets the cache. */
  full(text: string, tree: Tree, fallback?: string): IncrementalResult {
    this.lines = new LineIndex(text);
    this.pending = [];
    this.unparsedView = undefined;
    const r = analyzeTree(this.file, text, this.lang, tree, { ...this.opts, reportUnusedDirectives: false, lines: this.lines });
    this.raw = r.raw;
    this.positionsValid = true;
    this.facts = r.projectFacts;
    this.text = text;
    this.hasResult = true;
    this.shapes = topLevelStatements(tree.rootNode, text);
    return this.finish(r, text, 'full', text.length, fallback);
  }

  /**
   * Analyses `text`/`tree` (already re-parsed incrementally) given the changes applied since the last call.
   * Falls back to `full` whenever incremental analysis could differ from it.
   */
  update(text: string, tree: Tree, newChanges: readonly TextChange[]): IncrementalResult {
    if (!this.hasResult) return this.full(text, tree, 'first analysis');
    // changes deferred earlier are analysed together with the new ones (all relative to `this.text`)
    const changes = this.pending.length ? [...this.pending, ...newChanges] : newChanges;
    // where the whole file would be analysed while the tree has a syntax error, nothing is (see `deferred`)
    const broken = tree.rootNode.hasError;
    if (!changes.length) {
      if (text !== this.text) return this.full(text, tree, 'text changed without changes');
      // same text: only re-apply suppressions and project facts to the cached findings
      const lines = this.lines;
      const root = tree.rootNode;
      const directives = parseDirectives(text, lines, off => root.descendantForIndex(off, off));
      return this.finish({ findings: [], conditional: [], projectFacts: this.facts, directives, hasSyntaxErrors: root.hasError, raw: this.raw, ruleErrors: [], pending: [] }, text, 'incremental', 0);
    }
    // 1. map cached findings through the changes; drop those the changes touched
    let kept = this.raw;
    let dirty: [number, number] | undefined;
    // with one change (a keystroke), shifted findings get their new positions here: all the newlines before them
    // moved by the same count, and the column is the distance to the previous newline. Several changes: `finish`
    // recomputes positions from a line table of the new text.
    const single = changes.length === 1;
    // findings kept whose fixes edit text at or across a change (a fix can reach outside its finding: an import
    // at the top, a guard at the top of the handler): their statements are re-analysed, so the fix is recomputed
    const stale: [number, number][] = [];
    for (const c of changes) {
      const lineDelta = single ? countNewlines(text, c.start, c.newEnd) - countNewlines(this.text, c.start, c.oldEnd) : 0;
      const next: Finding[] = [];
      for (const f of kept) {
        const m = moveFinding(f, c, single ? text : undefined, lineDelta);
        // 'gone': overlaps the change, re-analysed below; 'stale': its range before this change (the loop below
        // maps every stale range through it)
        if (m === 'stale') stale.push([f.start, f.end]);
        else if (m !== 'gone') next.push(m);
      }
      kept = next;
      for (const r of stale) { r[0] = mapPos(r[0], c, false); r[1] = mapPos(r[1], c, true); }
      const mapped: [number, number] | undefined = dirty && [mapPos(dirty[0], c, false), mapPos(dirty[1], c, true)];
      dirty = mapped ? [Math.min(mapped[0], c.start), Math.max(mapped[1], c.newEnd)] : [c.start, c.newEnd];
    }
    // the line table follows the text (edited in place for one change, rebuilt for several)
    const c0 = changes[0];
    const lines = single ? this.lines.edited(text, c0.start, c0.oldEnd, c0.newEnd) : new LineIndex(text);
    const wholeFile = (reason: string) => (broken ? this.defer(text, tree, changes, kept, lines, reason) : this.full(text, tree, reason));
    // edits to imports, requires or `defaults` configuration change file-wide facts: analyse the whole file. The
    // text before `dirty` and after it is unchanged, so the old text replaced is the same stretch in `this.text`.
    const oldDirtyText = this.text.slice(dirty![0], this.text.length - (text.length - dirty![1]));
    const newDirtyText = text.slice(dirty![0], dirty![1]);
    if (FILE_WIDE.test(oldDirtyText) || FILE_WIDE.test(newDirtyText)) return wholeFile('import/require/defaults edited');
    // 2. the dirty top-level statements: those the edits touched, and any whose shape (range, type) changed,
    //    since a syntax error can make tree-sitter re-parse statements beyond the edited text. The last run's
    //    statements are mapped through the changes (positions only move, so they stay sorted) and matched with
    //    the new ones by a merge walk; names are re-read for the statements the changes touched (a rename keeps
    //    the shape).
    const dirtyRanges: [number, number][] = [dirty!, ...stale];
    let old = new OldStatements(this.shapes, changes);
    // only the statements around the edit are read from the tree (with several changes: all of them); with a
    // syntax error, re-shaped statements past the limit defer the update (see RESHAPED_FACTOR) without a walk
    let limit = Infinity;
    if (broken) {
      let editedBefore = 0;
      for (let i = 0; i < this.shapes.length; i++) if (old.touched(i)) editedBefore += this.shapes[i].end - this.shapes[i].start;
      limit = RESHAPED_FACTOR * editedBefore + RESHAPED_SLACK;
    }
    const win = statementsInWindow(tree.rootNode, text, old, dirtyRanges, dirty!, limit);
    if (win === 'reshaped') {
      IncrementalAnalyzer.statementStats.reshaped++;
      return this.defer(text, tree, changes, kept, lines, 'a syntax error re-shaped the statements after the edit');
    }
    let stmts = win;
    if (stmts && IncrementalAnalyzer.checkStatements) checkStatementList('windowed', stmts, tree.rootNode, text);
    if (stmts) IncrementalAnalyzer.statementStats.windowed++;
    else {
      IncrementalAnalyzer.statementStats.walked++;
      old = new OldStatements(this.shapes, changes);
      dirtyRanges.length = 1 + stale.length;
      stmts = topLevelStatements(tree.rootNode, text, old, dirtyRanges);
      if (IncrementalAnalyzer.checkStatements) checkStatementList('walked (names, error flags carried over)', stmts, tree.rootNode, text);
    }
    // an import that no longer parses as the same import changes the bindings of the whole file
    for (let i = 0; i < this.shapes.length; i++) if (this.shapes[i].type === 'import_statement' && !old.matched[i]) return wholeFile('import re-parsed');
    for (const st of stmts) if (st.type === 'import_statement' && dirtyRanges.some(d => overlaps(st, d))) return wholeFile('import dirty');
    // what the edited statements declared and used BEFORE the edit: a renamed or deleted declaration changes its
    // users' findings, a deleted registration its handler's
    const before: string[] = [], beforeDeclares: string[] = [];
    for (let i = 0; i < this.shapes.length; i++) {
      if (!old.touched(i) && old.matched[i]) continue;
      before.push(this.text.slice(this.shapes[i].start, this.shapes[i].end));
      beforeDeclares.push(...this.shapes[i].declares);
    }
    // statements re-shaped by the parse (besides those edited): over half of the file means a whole-file run
    // anyway; with a syntax error, far more than the edited statements means error recovery re-shaped the code
    // after the edit (an unclosed `{` or `(` inside a function), and analysing it finds nothing meaningful
    const reshaped = dirtyRanges.reduce((n, [a, b]) => n + (b - a), 0);
    if (reshaped > text.length / 2) return wholeFile('statements re-shaped over half of the text');
    if (reshaped > limit) return this.defer(text, tree, changes, kept, lines, 'a syntax error re-shaped the statements after the edit');
    const regions = computeRegion(stmts, dirtyRanges, text, before.join('\n'), beforeDeclares);
    if (!regions) return wholeFile('region > 60% of the statements');
    const { regen: region, view } = regions;
    if (view.some(([s, e]) => FILE_WIDE_DEFAULTS.test(text.slice(s, e)))) return wholeFile('`defaults.timeout` in the region');
    const size = view.reduce((n, [s, e]) => n + (e - s), 0);
    if (size > text.length / 2) return wholeFile('region > half of the text');
    // imports are always in view of the rules (bindings), at no cost: they are few and small
    const imports = stmts.filter(s => s.type === 'import_statement').map(s => [s.start, s.end] as [number, number]);
    const r = analyzeTree(this.file, text, this.lang, tree, { ...this.opts, reportUnusedDirectives: false, regions: mergeRanges([...imports, ...view]), lines });
    // findings are re-made for the region; those of statements only in view for it are kept
    const inRegion = (f: Finding) => region.some(([s, e]) => f.start >= s && f.start < e);
    const fresh = r.raw.filter(inRegion);
    this.raw = sortAndDedupe([...kept.filter(f => !inRegion(f)), ...fresh]);
    this.positionsValid = single;
    this.pending = [];
    this.unparsedView = undefined;
    this.text = text;
    this.lines = lines;
    this.shapes = stmts;
    // project facts found in the region are added; facts are only ever set by `defaults` edits, which go full
    this.facts = [...new Set([...this.facts, ...r.projectFacts])];
    return this.finish({ ...r, raw: this.raw, projectFacts: this.facts }, text, 'incremental', size);
  }

  /**
   * The previous findings moved through `changes`, without analysis; nothing is committed but the changes, which
   * the next update analyses along with its own (see IncrementalResult.deferred).
   */
  private defer(text: string, tree: Tree, changes: readonly TextChange[], kept: Finding[], lines: LineIndex, reason: string): IncrementalResult {
    this.pending = [...changes];
    this.unparsedView = undefined;
    const root = tree.rootNode;
    const directives = parseDirectives(text, lines, off => root.descendantForIndex(off, off));
    return this.deferredResult(kept.map(f => withPositions(f, lines)), directives, lines, true, reason);
  }

  /** A result made of findings moved, not analysed (see IncrementalResult.deferred). */
  private deferredResult(raw: Finding[], directives: Directive[], lines: LineIndex, hasSyntaxErrors: boolean, reason: string): IncrementalResult {
    const settled = settle(raw, directives, new Set([...this.facts, ...(this.opts.projectFacts ?? [])]));
    const findings = this.opts.reportUnusedDirectives ? [...settled.findings, ...unusedDirectiveFindings(directives, lines)] : settled.findings;
    return { ...settled, findings, raw, projectFacts: this.facts, directives, hasSyntaxErrors, ruleErrors: [], mode: 'incremental', regionSize: 0, deferred: reason };
  }

  /**
   * The previous findings moved through `sinceParse` (every change since the last tree was parsed, in order) when
   * there is no tree for `text` (its re-parse went over the editor's time budget): a deferred result, like
   * `defer`, that commits nothing. The next `update` (with the tree and the same changes) analyses them. Calls in a
   * row move the findings of the previous call by the changes it had not seen, so each costs one change's work.
   */
  unparsed(text: string, sinceParse: readonly TextChange[], reason: string): IncrementalResult {
    let v = this.unparsedView;
    if (!v || v.pending !== this.pending.length || v.applied > sinceParse.length) {
      v = this.unparsedView = { pending: this.pending.length, applied: 0, raw: this.raw, directives: this.directives.map(d => ({ ...d })), lines: this.lines };
      sinceParse = [...this.pending, ...sinceParse];
      v.applied = -this.pending.length;
    }
    const todo = sinceParse.slice(Math.max(0, v.applied));
    for (const c of todo) {
      const delta = c.newEnd - c.oldEnd;
      const next: Finding[] = [];
      // without a tree nothing is re-analysed: findings the change touches (or whose fix it touches) are dropped
      for (const f of v.raw) {
        const m = moveFinding(f, c);
        if (typeof m !== 'string') next.push(m);
      }
      v.raw = next;
      v.directives = v.directives.filter(d => !(d.end >= c.start && d.start <= c.oldEnd));
      for (const d of v.directives) if (d.start >= c.oldEnd) { d.start += delta; d.end += delta; }
    }
    v.applied += todo.length;
    const lines = v.lines = todo.length === 1 && v.lines.text.length === text.length - (todo[0].newEnd - todo[0].oldEnd)
      ? v.lines.edited(text, todo[0].start, todo[0].oldEnd, todo[0].newEnd)
      : new LineIndex(text);
    for (const d of v.directives) d.line = lines.pos(d.start).line;
    v.raw = v.raw.map(f => withPositions(f, lines));
    return this.deferredResult(v.raw, v.directives.map(d => ({ ...d })), lines, this.hadSyntaxErrors, reason);
  }

  private finish(r: FileAnalysis, text: string, mode: 'full' | 'incremental', regionSize: number, fallback?: string): IncrementalResult {
    let lines: LineIndex | undefined;
    if (!this.positionsValid) {
      const li = lines = this.lines.text === text ? this.lines : new LineIndex(text);
      this.raw = this.raw.map(f => withPositions(f, li));
      this.positionsValid = true;
    }
    const raw = this.raw;
    const directives = r.directives;
    this.directives = directives;
    this.hadSyntaxErrors = r.hasSyntaxErrors;
    const settled = settle(raw, directives, new Set([...this.facts, ...(this.opts.projectFacts ?? [])]));
    const findings = this.opts.reportUnusedDirectives ? [...settled.findings, ...unusedDirectiveFindings(directives, lines ?? (this.lines.text === text ? this.lines : new LineIndex(text)))] : settled.findings;
    return { ...r, ...settled, findings, raw, projectFacts: this.facts, directives, mode, regionSize, fallback };
  }
}

function overlaps(st: { start: number; end: number }, r: readonly [number, number]): boolean {
  return st.start < r[1] && r[0] < st.end || (r[0] === r[1] && st.start <= r[0] && r[0] <= st.end);
}

function mapPos(p: number, c: TextChange, isEnd: boolean): number {
  if (p < c.start || (!isEnd && p === c.start)) return p;
  if (p >= c.oldEnd) return p + (c.newEnd - c.oldEnd);
  return isEnd ? c.newEnd : c.start;
}

/**
 * A finding after change `c`: 'gone' when the change overlaps it, 'stale' when one of its fixes edits the changed
 * text (the fix must be recomputed), else the finding moved (positions too when `text`, the new text, is given:
 * see `shift`).
 */
function moveFinding(f: Finding, c: TextChange, text?: string, lineDelta = 0): Finding | 'gone' | 'stale' {
  if (f.end > c.start && f.start < c.oldEnd) return 'gone';
  const fixes = shiftFixes(f.fixes, c);
  if (!fixes) return 'stale';
  const moved = f.start >= c.oldEnd ? shift(f, c.newEnd - c.oldEnd, text, lineDelta) : f;
  return fixes === f.fixes ? moved : { ...moved, fixes };
}

/**
 * A finding after a change that ends at or before its start. With `text` (the new text, single change), also its
 * positions: `lineDelta` newlines more before it, the column measured back to the previous newline.
 */
function shift(f: Finding, delta: number, text?: string, lineDelta = 0): Finding {
  if (!delta && !lineDelta) return f;
  const start = f.start + delta, end = f.end + delta;
  if (!text) return { ...f, start, end };
  const startPos = { line: f.startPos.line + lineDelta, column: columnOf(text, start) };
  const endPos = { line: f.endPos.line + lineDelta, column: columnOf(text, end) };
  return { ...f, start, end, startPos, endPos };
}

/**
 * A finding's fixes after a change: edits before it stay, edits after it move; undefined when an edit touches or
 * spans the change (the fix must be recomputed).
 */
function shiftFixes(fixes: Finding['fixes'], c: TextChange): Finding['fixes'] | undefined {
  const delta = c.newEnd - c.oldEnd;
  let moves = false;
  for (const x of fixes) for (const e of x.edits) {
    if (e.end < c.start) continue;
    if (e.start > c.oldEnd) { moves ||= delta !== 0; continue; }
    return undefined;
  }
  if (!moves) return fixes;
  return fixes.map(x => ({ ...x, edits: x.edits.map(e => (e.start > c.oldEnd ? { ...e, start: e.start + delta, end: e.end + delta } : e)) }));
}

function columnOf(text: string, offset: number): number {
  return offset > 0 ? offset - (text.lastIndexOf('\n', offset - 1) + 1) : 0;
}

function countNewlines(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function withPositions(f: Finding, lines: LineIndex): Finding {
  const startPos = lines.pos(f.start), endPos = lines.pos(f.end);
  if (startPos.line === f.startPos.line && startPos.column === f.startPos.column && endPos.line === f.endPos.line && endPos.column === f.endPos.column) return f;
  return { ...f, startPos, endPos };
}

const DECL_Y = new RegExp(DECL_RE.source.slice(1), 'y');
const DESTRUCT_Y = new RegExp(DESTRUCT_RE.source.slice(1), 'y');
const VAR_Y = /(?:export\s+)?(?:const|let|var)\s/y;

/** The last run's statements mapped into the new text (positions only move, so they stay sorted), mapped lazily. */
class OldStatements {
  readonly matched: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** 0: not mapped yet, 1: mapped, 2: mapped and touched by a change. */
  private readonly state: Uint8Array;
  constructor(readonly shapes: Stmt[], private readonly changes: readonly TextChange[]) {
    const n = shapes.length;
    this.matched = new Uint8Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.state = new Uint8Array(n);
  }
  get length(): number { return this.shapes.length; }
  private map(i: number): void {
    if (this.state[i]) return;
    const st = this.shapes[i];
    let a = st.start, b = st.end, touched = false;
    for (const c of this.changes) {
      if (c.start <= b && a <= c.oldEnd) touched = true;
      a = mapPos(a, c, false); b = mapPos(b, c, true);
    }
    this.starts[i] = a; this.ends[i] = b; this.state[i] = touched ? 2 : 1;
  }
  start(i: number): number { this.map(i); return this.starts[i]; }
  end(i: number): number { this.map(i); return this.ends[i]; }
  touched(i: number): boolean { this.map(i); return this.state[i] === 2; }
}

/**
 * Top-level statements with the names they declare, read from the source text. `old` (the last run's statements
 * mapped into the new text, sorted by start) supplies the names of untouched statements of the same shape; each
 * old statement matched by a new one is marked `matched`, and the range of each new statement that matches none
 * is pushed onto `changed`.
 */
export function topLevelStatements(root: Node, text: string, old?: OldStatements, changed?: [number, number][]): Stmt[] {
  const out: Stmt[] = [];
  // a cursor walk: no Node object per statement (root.children materialises them all)
  const cur = root.walk();
  // which statements contain a syntax error (one more crossing per statement, only when the tree has errors)
  const rootErr = root.hasError;
  try {
    let j = 0;
    if (cur.gotoFirstChild()) {
      do {
        const start = cur.startIndex, end = cur.endIndex, type = cur.nodeType;
        let declares: string[] | undefined, err: boolean | undefined;
        if (old) {
          while (j < old.length && old.start(j) < start) j++;
          let hit = false;
          for (let k = j; k < old.length && old.start(k) === start; k++) {
            if (old.end(k) !== end || old.shapes[k].type !== type) continue;
            old.matched[k] = 1;
            hit = true;
            // an untouched statement of the same shape: its names and error flag carry over (no crossing)
            if (!old.touched(k) && !declares) { declares = old.shapes[k].declares; err = old.shapes[k].err; }
          }
          if (!hit) changed?.push([start, end]);
        }
        out.push({ start, end, type, declares: declares ?? declaredNames(text, start, end), err: err ?? (rootErr && cur.currentNode.hasError) });
      } while (cur.gotoNextSibling());
    }
  } finally {
    cur.delete();
  }
  return out;
}

/** Node types of whole top-level statements (anything else at the top level is a fragment left by error recovery). */
const STATEMENT_TYPE = /^(?:comment|hash_bang_line|module|internal_module|[a-z_]+_statement|[a-z_]+_declaration)$/;

/**
 * Whether tree-sitter re-uses a statement as it was when re-parsing after an edit elsewhere: a whole statement
 * without syntax errors (nodes with errors are always re-parsed, and error recovery may re-shape them differently).
 */
function stable(st: Stmt): boolean {
  return !st.err && STATEMENT_TYPE.test(st.type);
}

/**
 * The new top-level statements, reading from the tree only those around the edits: the old statements before the
 * edited text and after it are mapped (no tree access), the ones in between are read from the tree (a few Node
 * crossings instead of a cursor step per statement of the file). Tree-sitter can re-build statements beyond the
 * edited text (a half-typed `(` joins the statement above by ASI, an unclosed comment or template swallows the
 * rest), so the tree's statements on both sides of the window must line up with the old ones: the statement before
 * the first one read, and the first after the window, must be old statements at their mapped positions with the
 * same type, and every statement kept must be one tree-sitter re-uses (see `stable`); else undefined, and the caller
 * walks the whole tree. Marks `old.matched` and pushes unmatched new statements onto `changed`, like
 * topLevelStatements (IncrementalAnalyzer.checkStatements compares the two in the tests).
 */
function statementsInWindow(root: Node, text: string, old: OldStatements, changed: [number, number][], dirty: readonly [number, number], limit = Infinity): Stmt[] | 'reshaped' | undefined {
  const [ws, we] = dirty;
  const out: Stmt[] = [];
  const n0 = old.length;
  // old statements wholly before the window and untouched by the changes: unchanged (positions too: all changes
  // come after them)
  let i = 0;
  while (i < n0 && old.end(i) < ws && !old.touched(i)) {
    // statements kept must be ones tree-sitter re-used unchanged: after a syntax error the top level holds
    // fragments (tokens hoisted out of an unclosed construct) and statements with errors inside, which it re-parses
    // and may re-shape far from the edit while the statements next to the edit line up (seen in the parity tests)
    if (!stable(old.shapes[i])) return undefined;
    out.push(old.shapes[i]);
    old.matched[i] = 1;
    i++;
  }
  const prefixEnd = i ? out[i - 1].end : 0;
  let n: Node | null = root.firstChildForIndex(prefixEnd);
  if (i) {
    // the tree's statement before the first one read must be the last one kept
    const prev = n ? n.previousSibling : root.lastChild;
    if (!prev || prev.startIndex !== out[i - 1].start || prev.endIndex !== prefixEnd || prev.type !== out[i - 1].type) return undefined;
  }
  let j = i;
  let reshaped = 0;
  // the statements from the edit on are read until the tree lines up with the old statements again: the first
  // untouched old statement after the edited text, at its mapped position with the same type
  const aligned = (m: Node): boolean => {
    while (j < n0 && old.start(j) < m.startIndex) j++;
    return j < n0 && old.start(j) === m.startIndex && old.end(j) === m.endIndex && old.shapes[j].type === m.type && !old.touched(j) && stable(old.shapes[j]);
  };
  for (; n && (n.startIndex <= we || !aligned(n)); n = n.nextSibling) {
    const start = n.startIndex, end = n.endIndex, type = n.type;
    // a fragment left by error recovery: the top level is re-shaped around the edit
    if (!STATEMENT_TYPE.test(type)) return limit === Infinity ? undefined : 'reshaped';
    const err = n.hasError;
    let declares: string[] | undefined;
    while (j < n0 && old.start(j) < start) j++;
    let hit = false;
    for (let k = j; k < n0 && old.start(k) === start; k++) {
      if (old.end(k) !== end || old.shapes[k].type !== type) continue;
      old.matched[k] = 1;
      hit = true;
      if (!old.touched(k) && !declares) declares = old.shapes[k].declares;
    }
    if (!hit) {
      changed.push([start, end]);
      if ((reshaped += end - start) > limit) return 'reshaped';
    }
    out.push({ start, end, type, declares: declares ?? declaredNames(text, start, end), err });
  }
  while (j < n0 && (old.start(j) <= we || old.touched(j))) j++;
  if (!n) return j === n0 ? out : undefined;
  // the first statement after the window must be the next old one at its mapped position; the ones after it are
  // then unchanged (the parser is back at the top level in the same state, on the same text)
  if (j === n0 || old.start(j) !== n.startIndex || old.end(j) !== n.endIndex || old.shapes[j].type !== n.type || n.type === 'ERROR') return undefined;
  const delta = old.start(j) - old.shapes[j].start;
  for (let k = j; k < n0; k++) {
    const st = old.shapes[k];
    if (!stable(st)) return undefined;
    out.push(delta ? { start: st.start + delta, end: st.end + delta, type: st.type, declares: st.declares, err: false } : st);
    old.matched[k] = 1;
  }
  return out;
}

/** Tests (IncrementalAnalyzer.checkStatements): a statement list made incrementally against a fresh walk. */
function checkStatementList(how: string, stmts: Stmt[], root: Node, text: string): void {
  const show = (xs: Stmt[]) => xs.map(x => `${x.type}@${x.start}-${x.end}${x.err ? '!' : ''}:${x.declares.join(',')}`).join(' ');
  const want = show(topLevelStatements(root, text)), got = show(stmts);
  if (got !== want) throw new Error(`${how} statements differ from the tree's:\n${got}\n${want}`);
}

function declaredNames(text: string, start: number, end: number): string[] {
  const declares: string[] = [];
  DECL_Y.lastIndex = start;
  const m = DECL_Y.exec(text);
  if (m && m.index + m[0].length <= end) declares.push(m[1]);
  DESTRUCT_Y.lastIndex = start;
  const d = DESTRUCT_Y.exec(text);
  if (d && d.index + d[0].length <= end) for (const n of d[1].split(/[,\s:]+/)) if (/^[A-Za-z_$][\w$]*$/.test(n)) declares.push(n);
  VAR_Y.lastIndex = start;
  if (VAR_Y.test(text)) {
    // `const a = 1, b = 2`: names after commas in the head of the statement
    const head = text.slice(start, Math.min(end, start + 400));
    for (const mm of head.matchAll(/,\s*([A-Za-z_$][\w$]*)\s*=/g)) declares.push(mm[1]);
  }
  return declares;
}

/** The statements to re-analyse, as merged [start, end) ranges, or undefined when the whole file must be. */
/**
 * The statements whose findings are re-made (`regen`) and the statements the analysis must see for them (`view`,
 * a superset), as merged [start, end) ranges; undefined when the whole file must be analysed.
 */
function computeRegion(stmts: Stmt[], dirtyRanges: [number, number][], text: string, oldDirtyText = '', oldDeclares: readonly string[] = []): { regen: [number, number][]; view: [number, number][] } | undefined {
  const chosen = new Set<number>();
  for (const dirty of dirtyRanges) {
    let hit = false;
    stmts.forEach((s, i) => { if (overlaps(s, dirty)) { chosen.add(i); hit = true; } });
    if (!hit) {
      // the edit is in whitespace between statements: the statement after it (comments attach forward)
      const i = stmts.findIndex(s => s.start >= dirty[0]);
      if (i >= 0) chosen.add(i); else if (stmts.length) chosen.add(stmts.length - 1);
    }
  }
  // a comment directly above a statement belongs to it (suppression comments, JSDoc)
  for (const i of [...chosen]) {
    let j = i;
    while (stmts[j]?.type === 'comment' && j + 1 < stmts.length) { j++; chosen.add(j); }
  }
  const dirtyIdx = [...chosen];
  const dirtyText = [...dirtyIdx.map(i => text.slice(stmts[i].start, stmts[i].end)), oldDirtyText].join('\n');
  const declaredInDirty = new Set([...dirtyIdx.flatMap(i => stmts[i].declares), ...oldDeclares]);
  // declares a name the dirty code uses
  for (let i = 0; i < stmts.length; i++) {
    if (chosen.has(i)) continue;
    if (declaresUsedIn(stmts[i], dirtyText)) chosen.add(i);
  }
  // uses a name the dirty code declares (callers of an edited helper)
  const callers = new Set<number>();
  for (const n of declaredInDirty) for (const i of usersOf(stmts, text, n)) if (!chosen.has(i)) callers.add(i);
  for (const i of callers) chosen.add(i);
  // the callers' findings are re-made, so their own dependencies must be in view too (a caller registered as a
  // route handler elsewhere, a constant it uses); those statements are read, their findings kept
  const view = new Set(chosen);
  if (callers.size) {
    const callerText = [...callers].map(i => text.slice(stmts[i].start, stmts[i].end)).join('\n');
    for (let i = 0; i < stmts.length; i++) if (!view.has(i) && declaresUsedIn(stmts[i], callerText)) view.add(i);
    for (const c of callers) for (const n of stmts[c].declares) for (const i of usersOf(stmts, text, n)) view.add(i);
  }
  if (view.size > stmts.length * 0.6 && stmts.length > 4) return undefined;
  const ranges = (set: Set<number>) => mergeRanges([...set].map(i => [stmts[i].start, stmts[i].end] as [number, number]));
  return { regen: ranges(chosen), view: ranges(view) };
}

function declaresUsedIn(st: Stmt, code: string): boolean {
  for (const n of st.declares) if (wordIn(code, n, 0, code.length)) return true;
  return false;
}

/** Indices of the statements with a whole-word occurrence of `name`. */
function usersOf(stmts: Stmt[], text: string, name: string): number[] {
  const out: number[] = [];
  let i = 0;
  for (let at = nextWord(text, name, 0); at !== -1; at = nextWord(text, name, at + name.length)) {
    while (i < stmts.length && stmts[i].end < at + name.length) i++;
    if (i === stmts.length) break;
    if (stmts[i].start <= at && out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

function wordIn(haystack: string, word: string, from: number, to: number): boolean {
  const at = nextWord(haystack, word, from);
  return at !== -1 && at + word.length <= to;
}

/** The next whole-word occurrence of `word` at or after `from` (word characters: [A-Za-z0-9_$]), or -1. */
function nextWord(haystack: string, word: string, from: number): number {
  if (!word) return -1;
  for (let i = haystack.indexOf(word, from); i !== -1; i = haystack.indexOf(word, i + 1)) {
    if (!isWordChar(haystack.charCodeAt(i - 1)) && !isWordChar(haystack.charCodeAt(i + word.length))) return i;
  }
  return -1;
}

function isWordChar(c: number): boolean {
  // NaN (outside the string) is not a word character
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
