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
