/**
 * TypeScript syntax the pinned grammar (tree-sitter-typescript 0.23.2, the newest published) cannot parse, and a
 * same-length rewrite of the text that it can. Measured on the round-2 ecosystem repositories (21 of 4,613 files
 * had syntax errors, all valid TypeScript):
 *
 * - `export type * from './x'` (TS 5.0 type-only star re-export): the `type` keyword is blanked. For analysis it is
 *   the same re-export (the project layer follows it like `export *`).
 * - a tagged template with type arguments, `` sql<Row[]>`select …` `` and Prisma's `` prisma.$queryRaw<T>`…` ``:
 *   the type arguments are blanked, leaving the tag and its template (whitespace between them is valid).
 * - an import type with generic arguments or an array suffix, or inside a call's type arguments
 *   (`Promise<import('axios').AxiosResponse<T>>`, `let e: import('fs').Dirent[]`, `$type<import('./x').H>()`):
 *   the import type becomes `any` and the rest of it blanks. Without this the whole file can be one ERROR node (a
 *   midday provider class with every method in it). Only after `:`, `<`, `,`, `|`, `&` (type positions; a dynamic
 *   `import()` is a value after `=`, `(`, `await` or `=>`).
 * - a function type whose parameter is named like a predefined type, `(string) => boolean` (TypeScript reads a
 *   parameter named `string` of type any): the name's first letter becomes `_`.
 *
 * Every rewrite replaces characters by spaces (never a newline), so each node keeps its offset, row and column: a
 * finding's position and a fix's range are the same in the original text. parser.ts uses the rewrite only for a
 * tree with errors, and keeps it only when it has fewer errors than the tree of the original text; a tree from
 * a rewritten text is re-parsed from rewritten text on every later edit, so the CLI and the editor see one tree.
 * Nothing here runs on a file that parses cleanly.
 */
import type { LangId } from './parser';

const IDENT = /[A-Za-z0-9_$]/;
/** The longest type-argument list looked at (characters); longer ones are left alone. */
const MAX_TYPE_ARGS = 4000;

/** The rewritten text, or undefined when none of the gaps occurs in it. */
export function rewriteGrammarGaps(text: string, lang: LangId): string | undefined {
  if (lang === 'javascript') return undefined; // none of these is JavaScript
  const blanks: [number, number][] = [];
  if (text.includes('type')) {
    for (const m of text.matchAll(/\bexport(\s+)type(?=\s*\*)/g)) {
      const at = m.index! + 'export'.length + m[1].length;
      blanks.push([at, at + 'type'.length]);
    }
  }
  if (text.includes('>`')) taggedTemplateTypeArgs(text, blanks);
  const anys: number[] = [];
  if (text.includes('import(')) {
    for (const m of text.matchAll(/([:<,|&])(\s*)import\(\s*(['"])[^'"\n]*\3\s*\)(?:\s*\.\s*[A-Za-z_$][\w$]*)*/g)) {
      const from = m.index! + m[1].length + m[2].length;
      let to = m.index! + m[0].length;
      let k = to;
      while (text[k] === ' ' || text[k] === '\t') k++;
      if (text[k] === '<') { const close = matchForward(text, k); if (close < 0) continue; to = close + 1; }
      while (text.startsWith('[]', to)) to += 2;
      if (to - from < 3) continue;
      anys.push(from);
      blanks.push([from + 3, to]);
    }
  }
  const renames: number[] = [];
  if (text.includes('=>')) {
    for (const m of text.matchAll(/\((\s*)(any|string|number|boolean|object|unknown|never|symbol|bigint)\s*\)\s*=>/g)) renames.push(m.index! + 1 + m[1].length);
  }
  if (!blanks.length && !anys.length && !renames.length) return undefined;
  const chars = text.split('');
  for (const [from, to] of blanks) for (let i = from; i < to; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
  for (const at of anys) { chars[at] = 'a'; chars[at + 1] = 'n'; chars[at + 2] = 'y'; }
  for (const at of renames) chars[at] = '_';
  return chars.join('');
}

/** `tag<…>` directly before a backtick: blank `<…>` when `tag` ends in an identifier, `)` or `]`. */
function taggedTemplateTypeArgs(text: string, blanks: [number, number][]): void {
  for (let i = text.indexOf('>`'); i >= 0; i = text.indexOf('>`', i + 2)) {
    if (text[i - 1] === '=') continue; // `=>` then a template: an arrow function's body
    const open = matchBackward(text, i);
    if (open < 1) continue;
    let j = open - 1;
    while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
    if (j < 0 || !(IDENT.test(text[j]) || text[j] === ')' || text[j] === ']')) continue;
    blanks.push([open, i + 1]);
  }
}

/**
 * The `<` matching the `>` at `close`, or -1; `=>` inside (function types) is not a bracket, and `;` ends the
 * search only outside braces (type literals separate their members with it).
 */
function matchBackward(text: string, close: number): number {
  let depth = 0, braces = 0;
  for (let i = close; i >= 0 && close - i <= MAX_TYPE_ARGS; i--) {
    const c = text[i];
    if (c === '>' && text[i - 1] !== '=') depth++;
    else if (c === '<') { if (--depth === 0) return i; }
    else if (c === '}') braces++;
    else if (c === '{') { if (--braces < 0) return -1; }
    else if (c === '`' || c === ';' && braces === 0) return -1;
  }
  return -1;
}

/** The `>` matching the `<` at `open`, or -1; `=>` inside (function types) is not a bracket. */
function matchForward(text: string, open: number): number {
  let depth = 0, braces = 0;
  for (let i = open; i < text.length && i - open <= MAX_TYPE_ARGS; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '=') { if (--depth === 0) return i; }
    else if (c === '{') braces++;
    else if (c === '}') { if (--braces < 0) return -1; }
    else if (c === '`' || c === ';' && braces === 0) return -1;
  }
  return -1;
}
