/**
 * Incremental analysis for the editor: after an edit, re-analyse only the top-level statements the edit
 * touched, plus the statements they depend on by name, and keep every other finding (shifted).
 *
 * Region = dirty top-level statements
 *        + statements that declare a top-level name the dirty code uses (a handler registered elsewhere,
 *          a `const opts = {...}`, a `let t0 = Date.now()`)
 *        + statements that use a top-level name the dirty code declares (callers of an edited helper)
 *        + import statements.
 * Whole-file analysis is used instead when imports change, when `defaults` configuration is edited (project
 * facts), when the region exceeds half of the file, or on the first analysis. Suppression comments and project
 * facts are re-applied to all findings on every run, so a new `disable-next-line` above an untouched
 * statement works at once. `test/core/incremental.test.ts` checks incremental == full on random edits.
 */
import type { LangId, Node, Tree } from './parser';
import { AnalyzeOptions, FileAnalysis, analyzeTree, settle, sortAndDedupe, unusedDirectiveFindings } from './analyzer';
import { LineIndex } from './text';
import { parseDirectives } from './suppressions';
import type { Finding } from './types';

/** One edit, in the coordinates of the text it applies to (edits apply in sequence, like tree.edit). */
export interface TextChange { start: number; oldEnd: number; newEnd: number }

export interface IncrementalResult extends FileAnalysis {
  mode: 'full' | 'incremental';
  /** UTF-16 units re-analysed. */
  regionSize: number;
}

interface Stmt { start: number; end: number; type: string; declares: string[] }

const FILE_WIDE = /\bimport\b|\brequire\s*\(|\bdefaults\b/;
const FILE_WIDE_DEFAULTS = /\bdefaults\s*\.\s*timeout\b/;
const DECL_RE = /^(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\s*\*?|class|const|let|var|enum|interface|type|namespace)\s+([A-Za-z_$][\w$]*)/;
const DESTRUCT_RE = /^(?:export\s+)?(?:const|let|var)\s*[{[]([^=]*)[}\]]\s*=/;

export class IncrementalAnalyzer {
  private raw: Finding[] = [];
  private facts: string[] = [];
  private text = '';
  private hasResult = false;
  /** Top-level statement shapes of the last analysed tree, to detect re-parses beyond the edited text. */
  private shapes: Stmt[] = [];

  constructor(readonly file: string, readonly lang: LangId, private opts: AnalyzeOptions = {}) {}

  setOptions(opts: AnalyzeOptions): void {
    this.opts = opts;
    this.hasResult = false;
  }

  /** Project facts from other files (they only void findings: no re-analysis needed). */
  setProjectFacts(facts: ReadonlySet<string> | undefined): void {
    this.opts = { ...this.opts, projectFacts: facts };
  }

  /** Whole-file analysis; resets the cache. */
  full(text: string, tree: Tree): IncrementalResult {
    const r = analyzeTree(this.file, text, this.lang, tree, { ...this.opts, reportUnusedDirectives: false });
    this.raw = r.raw;
    this.facts = r.projectFacts;
    this.text = text;
    this.hasResult = true;
    this.shapes = topLevelStatements(tree.rootNode, text);
    return this.finish(r, text, 'full', text.length);
  }

  /**
   * Analyses `text`/`tree` (already re-parsed incrementally) given the changes applied since the last call.
   * Falls back to `full` whenever incremental analysis could differ from it.
   */
  update(text: string, tree: Tree, changes: readonly TextChange[]): IncrementalResult {
    if (!this.hasResult) return this.full(text, tree);
    if (!changes.length) {
      if (text !== this.text) return this.full(text, tree);
      // same text: only re-apply suppressions and project facts to the cached findings
      const lines = new LineIndex(text);
      const root = tree.rootNode;
      const directives = parseDirectives(text, lines, off => root.descendantForIndex(off, off));
      return this.finish({ findings: [], conditional: [], projectFacts: this.facts, directives, hasSyntaxErrors: root.hasError, raw: this.raw }, text, 'incremental', 0);
    }
    // 1. map cached findings through the changes; drop those the changes touched
    let kept = this.raw;
    let dirty: [number, number] | undefined;
    for (const c of changes) {
      const delta = (c.newEnd - c.oldEnd);
      const next: Finding[] = [];
      for (const f of kept) {
        if (f.end <= c.start) next.push(f);
        else if (f.start >= c.oldEnd) next.push(shift(f, delta));
        // else: overlaps the change: re-analysed below
      }
      kept = next;
      const mapped: [number, number] | undefined = dirty && [mapPos(dirty[0], c, false), mapPos(dirty[1], c, true)];
      dirty = mapped ? [Math.min(mapped[0], c.start), Math.max(mapped[1], c.newEnd)] : [c.start, c.newEnd];
    }
    // edits to imports, requires or `defaults` configuration change file-wide facts: analyse the whole file
    const oldDirtyText = changes.map(c => this.text.slice(c.start, c.oldEnd)).join('\n');
    const newDirtyText = text.slice(dirty![0], dirty![1]);
    if (FILE_WIDE.test(oldDirtyText) || FILE_WIDE.test(newDirtyText)) return this.full(text, tree);
    // 2. the dirty top-level statements: those the edits touched, and any whose shape (range, type) changed,
    //    since a syntax error can make tree-sitter re-parse statements beyond the edited text. The last run's
    //    statements are mapped through the changes (positions only move, so they stay sorted) and matched with
    //    the new ones by a merge walk; names are re-read for the statements the changes touched (a rename keeps
    //    the shape).
    const old = this.shapes.map(st => {
      let a = st.start, b = st.end, touched = false;
      for (const c of changes) {
        if (c.start <= b && a <= c.oldEnd) touched = true;
        a = mapPos(a, c, false); b = mapPos(b, c, true);
      }
      return { start: a, end: b, type: st.type, declares: st.declares, touched, matched: false };
    });
    const dirtyRanges: [number, number][] = [dirty!];
    const stmts = topLevelStatements(tree.rootNode, text, old, dirtyRanges);
    // an import that no longer parses as the same import changes the bindings of the whole file
    for (const st of old) if (st.type === 'import_statement' && !st.matched) return this.full(text, tree);
    for (const st of stmts) if (st.type === 'import_statement' && dirtyRanges.some(d => overlaps(st, d))) return this.full(text, tree);
    const region = computeRegion(stmts, dirtyRanges, text);
    if (!region || region.some(([s, e]) => FILE_WIDE_DEFAULTS.test(text.slice(s, e)))) return this.full(text, tree);
    const size = region.reduce((n, [s, e]) => n + (e - s), 0);
    if (size > text.length / 2) return this.full(text, tree);
    // imports are always in view of the rules (bindings), at no cost: they are few and small
    const imports = stmts.filter(s => s.type === 'import_statement').map(s => [s.start, s.end] as [number, number]);
    const r = analyzeTree(this.file, text, this.lang, tree, { ...this.opts, reportUnusedDirectives: false, regions: mergeRanges([...imports, ...region]) });
    const inRegion = (f: Finding) => region.some(([s, e]) => f.start >= s && f.start < e);
    const fresh = r.raw.filter(inRegion);
    this.raw = sortAndDedupe([...kept.filter(f => !inRegion(f)), ...fresh]);
    this.text = text;
    this.shapes = stmts;
    // project facts found in the region are added; facts are only ever set by `defaults` edits, which go full
    this.facts = [...new Set([...this.facts, ...r.projectFacts])];
    return this.finish({ ...r, raw: this.raw, projectFacts: this.facts }, text, 'incremental', size);
  }

  private finish(r: FileAnalysis, text: string, mode: 'full' | 'incremental', regionSize: number): IncrementalResult {
    const lines = new LineIndex(text);
    const raw = this.raw.map(f => withPositions(f, lines));
    this.raw = raw;
    const directives = r.directives;
    const settled = settle(raw, directives, new Set([...this.facts, ...(this.opts.projectFacts ?? [])]));
    const findings = this.opts.reportUnusedDirectives ? [...settled.findings, ...unusedDirectiveFindings(directives, lines)] : settled.findings;
    return { ...r, ...settled, findings, raw, projectFacts: this.facts, directives, mode, regionSize };
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

function shift(f: Finding, delta: number): Finding {
  if (!delta) return f;
  return {
    ...f, start: f.start + delta, end: f.end + delta,
    fixes: f.fixes.map(x => ({ ...x, edits: x.edits.map(e => ({ ...e, start: e.start + delta, end: e.end + delta })) })),
  };
}

function withPositions(f: Finding, lines: LineIndex): Finding {
  const startPos = lines.pos(f.start), endPos = lines.pos(f.end);
  if (startPos.line === f.startPos.line && startPos.column === f.startPos.column && endPos.line === f.endPos.line && endPos.column === f.endPos.column) return f;
  return { ...f, startPos, endPos };
}

const DECL_Y = new RegExp(DECL_RE.source.slice(1), 'y');
const DESTRUCT_Y = new RegExp(DESTRUCT_RE.source.slice(1), 'y');
const VAR_Y = /(?:export\s+)?(?:const|let|var)\s/y;

interface OldStmt extends Stmt { touched: boolean; matched: boolean }

/**
 * Top-level statements with the names they declare, read from the source text. `old` (the last run's statements
 * mapped into the new text, sorted by start) supplies the names of untouched statements of the same shape; each
 * old statement matched by a new one is marked `matched`, and the range of each new statement that matches none
 * is pushed onto `changed`.
 */
export function topLevelStatements(root: Node, text: string, old?: OldStmt[], changed?: [number, number][]): Stmt[] {
  const out: Stmt[] = [];
  // a cursor walk: no Node object per statement (root.children materialises them all)
  const cur = root.walk();
  try {
    let j = 0;
    if (cur.gotoFirstChild()) {
      do {
        const start = cur.startIndex, end = cur.endIndex, type = cur.nodeType;
        let declares: string[] | undefined;
        if (old) {
          while (j < old.length && old[j].start < start) j++;
          let hit = false;
          for (let k = j; k < old.length && old[k].start === start; k++) {
            const o = old[k];
            if (o.end !== end || o.type !== type) continue;
            o.matched = true;
            hit = true;
            if (!o.touched && !declares) declares = o.declares;
          }
          if (!hit) changed?.push([start, end]);
        }
        out.push({ start, end, type, declares: declares ?? declaredNames(text, start, end) });
      } while (cur.gotoNextSibling());
    }
  } finally {
    cur.delete();
  }
  return out;
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
function computeRegion(stmts: Stmt[], dirtyRanges: [number, number][], text: string): [number, number][] | undefined {
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
  const dirtyText = dirtyIdx.map(i => text.slice(stmts[i].start, stmts[i].end)).join('\n');
  const declaredInDirty = new Set(dirtyIdx.flatMap(i => stmts[i].declares));
  stmts.forEach((s, i) => {
    if (chosen.has(i)) return;
    // declares a name the dirty code uses
    if (s.declares.some(n => wordIn(dirtyText, n))) { chosen.add(i); return; }
    // uses a name the dirty code declares
    if (declaredInDirty.size) {
      const body = text.slice(s.start, s.end);
      for (const n of declaredInDirty) if (wordIn(body, n)) { chosen.add(i); return; }
    }
  });
  if (chosen.size > stmts.length * 0.6 && stmts.length > 4) return undefined;
  const ranges = [...chosen].sort((a, b) => a - b).map(i => [stmts[i].start, stmts[i].end] as [number, number]);
  return mergeRanges(ranges);
}

function wordIn(haystack: string, word: string): boolean {
  let i = haystack.indexOf(word);
  while (i !== -1) {
    const before = i === 0 ? '' : haystack[i - 1];
    const after = haystack[i + word.length] ?? '';
    if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return true;
    i = haystack.indexOf(word, i + 1);
  }
  return false;
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
