/** Edit builders shared by rules' quick fixes. All offsets are UTF-16 code units. */
import type { Node } from './parser';
import type { LineIndex } from './text';
import type { TextEdit } from './types';
import { namedChildren } from './ast';

/** Inserts `prop` (e.g. `timeout: 10000`) into an object literal, following its single/multi-line style. */
export function addPropertyEdit(obj: Node, prop: string, text: string, lines: LineIndex): TextEdit {
  const props = namedChildren(obj).filter(c => c.type !== 'comment');
  if (props.length === 0) {
    return { start: obj.startIndex, end: obj.endIndex, text: `{ ${prop} }` };
  }
  const last = props[props.length - 1];
  const between = text.slice(last.endIndex, obj.endIndex - 1);
  const trailingComma = /^\s*,/.test(between);
  const multiline = lines.pos(obj.startIndex).line !== lines.pos(obj.endIndex).line;
  if (multiline) {
    const indent = lines.indentAt(last.startIndex);
    if (trailingComma) {
      const commaAt = last.endIndex + between.indexOf(',') + 1;
      return { start: commaAt, end: commaAt, text: `\n${indent}${prop},` };
    }
    return { start: last.endIndex, end: last.endIndex, text: `,\n${indent}${prop}` };
  }
  if (trailingComma) {
    const commaAt = last.endIndex + between.indexOf(',') + 1;
    return { start: commaAt, end: commaAt, text: ` ${prop}` };
  }
  return { start: last.endIndex, end: last.endIndex, text: `, ${prop}` };
}

/** Inserts an argument after `afterArg` (or as the first argument when afterArg is null). */
export function insertArgumentEdit(call: Node, afterArg: Node | null, argText: string): TextEdit | undefined {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'arguments') return undefined;
  if (!afterArg) {
    const hasArgs = namedChildren(args).length > 0;
    return { start: args.startIndex + 1, end: args.startIndex + 1, text: hasArgs ? `${argText}, ` : argText };
  }
  return { start: afterArg.endIndex, end: afterArg.endIndex, text: `, ${argText}` };
}

export function replaceNodeEdit(node: Node, text: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, text };
}

/** Inserts `statement` on its own line before the line containing `before`, with the same indentation. */
export function insertLineBeforeEdit(before: Node, statement: string, lines: LineIndex): TextEdit {
  const line = lines.pos(before.startIndex).line;
  const at = lines.lineStart(line);
  const indent = lines.indentAt(before.startIndex);
  return { start: at, end: at, text: statement.split('\n').map(l => indent + l).join('\n') + '\n' };
}

/**
 * Inserts statements at the top of a statement block (before its first statement), or before `before` when given.
 * Multi-line blocks get one statement per line at the first statement's indentation; a block written on one line
 * gets them inline after `{` (lines starting with `//` are dropped there, they would comment out the rest).
 */
export function insertStatementsEdit(block: Node | null, statements: string[], text: string, lines: LineIndex, before?: Node): TextEdit | undefined {
  const first = before ?? (block ? namedChildren(block)[0] : undefined);
  if (!first) return undefined;
  const open = block ? block.startIndex : first.startIndex;
  const sameLine = block && !before && lines.pos(open).line === lines.pos(first.startIndex).line;
  if (sameLine) {
    const inline = statements.filter(s => !s.trimStart().startsWith('//'));
    return { start: first.startIndex, end: first.startIndex, text: inline.join(' ') + ' ' };
  }
  const line = lines.pos(first.startIndex).line;
  const lineStart = lines.lineStart(line);
  if (text.slice(lineStart, first.startIndex).trim() !== '') {
    // something precedes the statement on its line: insert inline before it
    return { start: first.startIndex, end: first.startIndex, text: statements.filter(s => !s.trimStart().startsWith('//')).join(' ') + ' ' };
  }
  const indent = lines.indentAt(first.startIndex);
  return { start: lineStart, end: lineStart, text: statements.map(s => indent + s + '\n').join('') };
}

/** Adds `name` to the `{ ... }` of an import statement (`import { a } from 'm'` -> `import { a, name } from 'm'`). */
export function addNamedImportEdit(importStmt: Node, name: string): TextEdit | undefined {
  const clause = namedChildren(importStmt).find(c => c.type === 'import_clause');
  const named = clause && namedChildren(clause).find(c => c.type === 'named_imports');
  if (!named) return undefined;
  const specs = namedChildren(named).filter(c => c.type === 'import_specifier');
  const last = specs[specs.length - 1];
  if (!last) return { start: named.startIndex, end: named.endIndex, text: `{ ${name} }` };
  return { start: last.endIndex, end: last.endIndex, text: `, ${name}` };
}

/** Inserts `statement` on its own line after the line containing the end of `after`, with `after`'s indentation. */
export function insertLineAfterEdit(after: Node, statement: string, lines: LineIndex): TextEdit {
  const endLine = lines.pos(after.endIndex).line;
  const indent = lines.indentAt(after.startIndex);
  const at = endLine + 1 < lines.lineCount ? lines.lineStart(endLine + 1) : lines.text.length;
  const prefix = endLine + 1 < lines.lineCount ? '' : '\n';
  return { start: at, end: at, text: prefix + statement.split('\n').map(l => indent + l).join('\n') + (prefix ? '' : '\n') };
}
