/**
 * Limits for team postmortems (workspace files, so possibly hostile or broken): checked on the raw text before any
 * markdown parsing. marked recurses per nesting level (2,000 nested `>` overflow its stack) and nested lists cost it
 * about cubic time (600 levels: 14 s); a multi-megabyte body makes loading and search take minutes, and even within
 * the limits marked lexes long lists at ~150 KB/s. Bundled entries are ≤ 12 KB with ≤ 5 levels; real postmortems are
 * far below both limits.
 */

/** Largest team postmortem file accepted, in bytes (UTF-8). */
export const MAX_TEAM_FILE_BYTES = 128 * 1024;
/** Deepest nesting of block quotes and list items accepted. */
export const MAX_TEAM_NESTING = 16;

/** Why a team postmortem's text is refused (too large, nested too deeply), or undefined. */
export function teamFileProblem(text: string, bytes = Buffer.byteLength(text, 'utf8')): string | undefined {
  if (bytes > MAX_TEAM_FILE_BYTES) return `file is larger than ${MAX_TEAM_FILE_BYTES / 1024} KiB (${Math.ceil(bytes / 1024)} KiB); split it or shorten it`;
  const depth = markdownNesting(text, MAX_TEAM_NESTING + 1);
  if (depth.depth > MAX_TEAM_NESTING) return `block quotes or lists nested more than ${MAX_TEAM_NESTING} levels deep (line ${depth.line})`;
  return undefined;
}

/**
 * The deepest nesting of block quotes plus list items in markdown, line by line (one pass; fenced code skipped),
 * stopping once `stopAt` is reached. An approximation of CommonMark's container rules that errs on the deep side:
 * a list item is nested in the open items whose content indent its marker reaches.
 */
export function markdownNesting(text: string, stopAt = Infinity): { depth: number; line: number } {
  let max = 0, maxLine = 0, lineNo = 0;
  let fence: string | undefined;
  const items: number[] = []; // content indents of the open list items
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    lineNo++;
    // block quote markers (with up to 3 spaces before each)
    let i = 0, quotes = 0;
    for (;;) {
      let j = i;
      while (j < line.length && j - i < 4 && line[j] === ' ') j++;
      if (line[j] !== '>') break;
      quotes++;
      i = j + 1;
      if (line[i] === ' ') i++;
    }
    const rest = line.slice(i);
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(rest);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (fenceMatch) { fence = fenceMatch[1]; continue; }
    if (rest.trim()) {
      const indent = /^[ \t]*/.exec(rest)![0].replace(/\t/g, '    ').length;
      while (items.length && items[items.length - 1] > indent) items.pop();
      const marker = /^[ \t]*([-*+]|\d{1,9}[.)])([ \t]+|$)/.exec(rest);
      if (marker) items.push(indent + marker[1].length + Math.max(1, marker[2].length));
    }
    const depth = quotes + items.length;
    if (depth > max) { max = depth; maxLine = lineNo; if (max >= stopAt) break; }
    if (end === text.length) break;
  }
  return { depth: max, line: maxLine };
}
