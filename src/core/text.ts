import type { Pos } from './types';

/**
 * Line-start table for offset <-> position conversion (UTF-16 units). Lines end at LF, CRLF or a lone CR, as in VS Code
 * (a file with old Mac line endings has as many lines there as here).
 */
export class LineIndex {
  private readonly starts: number[];
  constructor(readonly text: string, starts?: number[]) {
    if (starts) { this.starts = starts; return; }
    const s = [0];
    if (text.indexOf('\r') === -1) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) s.push(i + 1);
    } else {
      pushStarts(text, 1, text.length, s);
    }
    this.starts = s;
  }

  /**
   * The table of `text`, which is this table's text with [start, oldEnd) replaced by `text.slice(start, newEnd)`:
   * line starts before the change are kept, those after it shifted, only the inserted text is scanned. (Whether an
   * offset starts a line depends on the character before it and, after a CR, on the one at it.)
   */
  edited(text: string, start: number, oldEnd: number, newEnd: number): LineIndex {
    const s = this.starts;
    // starts before `start` are unchanged; starts in [start, newEnd] are read from the new text; old starts after
    // oldEnd (their two characters are past the change) are shifted
    const a = Math.max(1, this.firstAtOrAfter(start));
    const out = s.slice(0, a);
    pushStarts(text, Math.max(1, start), newEnd, out);
    let b = this.firstAtOrAfter(oldEnd + 1);
    const delta = newEnd - oldEnd;
    for (; b < s.length; b++) out.push(s[b] + delta);
    return new LineIndex(text, out);
  }

  private firstAtOrAfter(offset: number): number {
    let lo = 0, hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < offset) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  get lineCount(): number { return this.starts.length; }
  pos(offset: number): Pos {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo] };
  }
  offset(p: Pos): number {
    const start = this.starts[Math.min(Math.max(p.line, 0), this.starts.length - 1)];
    return start + p.column;
  }
  lineStart(line: number): number { return this.starts[line]; }
  lineText(line: number): string {
    const s = this.starts[line];
    const e = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }
  /** Indentation (leading whitespace) of the line containing offset. */
  indentAt(offset: number): string {
    const line = this.lineText(this.pos(offset).line);
    return /^[ \t]*/.exec(line)![0];
  }
}

/** Pushes the line starts p in [from, to] (p ≥ 1) of `text`: after an LF, or after a CR not followed by an LF. */
function pushStarts(text: string, from: number, to: number, out: number[]): void {
  const end = Math.min(to, text.length);
  for (let p = from; p <= end; p++) {
    const c = text.charCodeAt(p - 1);
    if (c === 10 || (c === 13 && text.charCodeAt(p) !== 10)) out.push(p);
  }
}

/** Applies non-overlapping edits (any order). Overlapping later edits and exact duplicates are dropped. */
export function applyEdits(text: string, edits: { start: number; end: number; text: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  let prev: { start: number; end: number; text: string } | undefined;
  for (const e of sorted) {
    // the same edit twice (two findings whose fixes insert the same guard) is applied once
    if (prev && prev.start === e.start && prev.end === e.end && prev.text === e.text) continue;
    if (e.start < pos) continue;
    prev = e;
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/**
 * Matches of `re` (made global if it is not) starting inside `ranges` (all of `text` without ranges), with
 * `index` in `text`. Each range is matched as its own string: a match is only looked for inside the range (`exec`
 * from an offset of the whole text would run on to the next match, i.e. scan the rest of the file per range).
 * Ranges start at statement boundaries, so `\b` and lookbehinds see the same text as in the whole file.
 */
export function* regionMatches(text: string, re: RegExp, ranges?: ReadonlyArray<readonly [number, number]>): IterableIterator<RegExpExecArray> {
  // a private copy (V8 caches the compiled pattern): the caller's lastIndex is left alone, nested scans are safe
  const g = new RegExp(re.source, re.global ? re.flags : re.flags + 'g');
  if (!ranges) {
    for (let m = g.exec(text); m; m = g.exec(text)) {
      yield m;
      if (m[0] === '') g.lastIndex++;
    }
    return;
  }
  for (const [s, e] of ranges) {
    const part = text.slice(s, e);
    g.lastIndex = 0;
    for (let m = g.exec(part); m; m = g.exec(part)) {
      if (m[0] === '') g.lastIndex++;
      m.index += s;
      yield m;
    }
  }
}
