/** Small, allocation-light helpers over web-tree-sitter nodes. Each property access crosses into WASM: keep walks local. */
import { treeMemo, type Node } from './parser';

const WRAPPERS = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

/** Strips `( )`, `as T`, `satisfies T`, `x!` and `<T>x` wrappers. */
export function unwrap(node: Node | null | undefined): Node | null {
  let n = node ?? null;
  while (n && WRAPPERS.has(n.type)) {
    const inner: Node | null = n.type === 'parenthesized_expression' ? n.namedChild(0) : n.namedChild(0);
    if (!inner || inner === n) break;
    n = inner;
  }
  return n;
}

/** The string value of a string / template-without-substitutions literal, else undefined. */
export function stringValue(node: Node | null | undefined): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'string') return n.text.slice(1, -1);
  if (n.type === 'template_string' && !n.text.includes('${')) return n.text.slice(1, -1);
  return undefined;
}

export function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Callee as a dotted path when it is built only of identifiers/properties: `axios.get` -> ['axios','get']. */
export function memberPath(node: Node | null | undefined): string[] | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'identifier' || n.type === 'this' || n.type === 'property_identifier') return [n.text];
  if (n.type === 'member_expression') {
    const obj = memberPath(n.childForFieldName('object'));
    const prop = n.childForFieldName('property');
    if (!obj || !prop || (prop.type !== 'property_identifier' && prop.type !== 'private_property_identifier')) return undefined;
    return [...obj, prop.text];
  }
  if (n.type === 'subscript_expression') {
    const obj = memberPath(n.childForFieldName('object'));
    const idx = stringValue(n.childForFieldName('index'));
    if (!obj || idx === undefined) return undefined;
    return [...obj, idx];
  }
  return undefined;
}

/**
 * The arguments of a call (or `new`), comments left out; listed once per call and tree (a copy each time): several
 * checks ask for the same call's arguments, and a call with 25,000 arguments cost 35-77 ms per listing. With `limit`,
 * only the first `limit` arguments (the same as `callArgs(call).slice(0, limit)`): a check that reads the first one
 * or two does not list them all.
 */
export function callArgs(call: Node, limit = Infinity): Node[] {
  const memo = treeMemo(call.tree);
  let byId = memo.get('ast.callArgs') as Map<number, Node[]> | undefined;
  if (!byId) memo.set('ast.callArgs', (byId = new Map()));
  let list = byId.get(call.id);
  if (!list && limit !== Infinity) {
    const args = call.childForFieldName('arguments');
    const first: Node[] = [];
    if (!args || args.type !== 'arguments') return first;
    for (let c = args.firstNamedChild; c && first.length < limit; c = c.nextNamedSibling) if (c.type !== 'comment') first.push(c);
    return first;
  }
  if (!list) {
    const args = call.childForFieldName('arguments');
    list = !args || args.type !== 'arguments' ? [] : args.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    byId.set(call.id, list);
  }
  return list.slice(0, limit);
}

export const FUNCTION_TYPES = new Set([
  'function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'arrow_function',
  'method_definition', 'generator_function',
]);
export const SCOPE_TYPES = new Set([...FUNCTION_TYPES, 'statement_block', 'program', 'for_statement', 'for_in_statement', 'class_body', 'switch_body', 'catch_clause']);

const IDENT_CHAR = /[\w$]/;

/**
 * The `return` statements of a block body that belong to its function (not to a function nested in it), last first:
 * found from the `return` keywords in the body's text, each checked up to the body. Reading a function's whole body
 * node by node to find them cost more than most rules' work on that function.
 */
export function ownReturnStatements(body: Node): Node[] {
  const text = body.text;
  const out: Node[] = [];
  for (let i = text.lastIndexOf('return'); i >= 0; i = i > 0 ? text.lastIndexOf('return', i - 1) : -1) {
    if ((i > 0 && IDENT_CHAR.test(text[i - 1])) || (i + 6 < text.length && IDENT_CHAR.test(text[i + 6]))) continue;
    const kw = body.descendantForIndex(body.startIndex + i, body.startIndex + i + 5);
    const st = kw?.type === 'return' ? kw.parent : null;
    if (st?.type !== 'return_statement') continue;
    let nested = false;
    for (let p = st.parent; p && p.id !== body.id; p = p.parent) if (FUNCTION_TYPES.has(p.type)) { nested = true; break; }
    if (!nested) out.push(st);
  }
  return out;
}

export function enclosingFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

/** Name of the property key of a `pair`/`method_definition` (identifier, string or number key). */
export function keyName(key: Node | null): string | undefined {
  if (!key) return undefined;
  if (key.type === 'property_identifier' || key.type === 'identifier' || key.type === 'number' || key.type === 'private_property_identifier') return key.text;
  if (key.type === 'string') return key.text.slice(1, -1);
  return undefined;
}

/** Iterates the direct named children without allocating the full array twice. */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => !!c);
}

/**
 * The range a finding on a call reports: the whole call when it fits on one line, else from its start to the end
 * of the callee (a 30-line squiggle helps nobody). Shared by every rule so ranges follow one policy.
 */
export function callRange(lines: { pos(offset: number): { line: number } }, call: Node): { start: number; end: number } {
  if (lines.pos(call.startIndex).line === lines.pos(call.endIndex).line) return { start: call.startIndex, end: call.endIndex };
  const fn = call.childForFieldName('function') ?? call.childForFieldName('constructor');
  return { start: call.startIndex, end: (fn ?? call).endIndex };
}
