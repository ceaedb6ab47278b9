/**
 * Plain syntax helpers for the candidate generator and `show` (tree-sitter nodes only; nothing from the analyzer or
 * src/rules).
 */
import type { Node } from '../../../src/core/parser';

export const FUNCTION_TYPES = new Set([
  'function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition',
  'generator_function_declaration', 'generator_function',
]);
export const LOOP_TYPES = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);

export function isFunction(n: Node): boolean { return FUNCTION_TYPES.has(n.type); }

export function named(n: Node | null | undefined): Node[] {
  if (!n) return [];
  const out: Node[] = [];
  for (let i = 0; i < n.namedChildCount; i++) { const c = n.namedChild(i); if (c) out.push(c); }
  return out;
}

/** Arguments of a call or new expression (named children of `arguments`, comments dropped). */
export function args(call: Node): Node[] {
  return named(call.childForFieldName('arguments')).filter(a => a.type !== 'comment');
}

/** Strips parentheses, `as`, `!`, `satisfies` and `await` around an expression. */
export function unwrap(n: Node): Node {
  let cur = n;
  for (;;) {
    if (['parenthesized_expression', 'as_expression', 'non_null_expression', 'satisfies_expression', 'await_expression', 'type_assertion'].includes(cur.type)) {
      const c = cur.namedChild(0);
      if (!c) return cur;
      cur = c;
    } else return cur;
  }
}

export function isFunctionLike(n: Node | undefined): boolean { return !!n && isFunction(unwrap(n)); }

/** `a.b.c` -> ['a', 'b', 'c'] for identifiers / this / member chains; undefined for anything else. */
export function memberPath(n: Node): string[] | undefined {
  const u = unwrap(n);
  if (u.type === 'identifier' || u.type === 'this' || u.type === 'property_identifier' || u.type === 'private_property_identifier') return [u.text];
  if (u.type === 'member_expression') {
    const o = u.childForFieldName('object'), p = u.childForFieldName('property');
    if (!o || !p) return undefined;
    const left = memberPath(o);
    return left ? [...left, p.text] : undefined;
  }
  return undefined;
}

/** The callee of a call/new expression: its member path when it has one. */
export function calleePath(call: Node): string[] | undefined {
  const f = call.childForFieldName('function') ?? call.childForFieldName('constructor');
  return f ? memberPath(f) : undefined;
}

/** For `x.y(...)`: the property name and the receiver node. */
export function memberCall(call: Node): { prop: string; receiver: Node } | undefined {
  const f = call.childForFieldName('function');
  if (!f || f.type !== 'member_expression') return undefined;
  const p = f.childForFieldName('property'), o = f.childForFieldName('object');
  return p && o ? { prop: p.text, receiver: o } : undefined;
}

export function stringValue(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type === 'string') return u.text.slice(1, -1);
  if (u.type === 'template_string' && !named(u).some(c => c.type === 'template_substitution')) return u.text.slice(1, -1);
  return undefined;
}

/** Keys of an object literal: pair keys and shorthand properties. */
export function objectKeys(obj: Node): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const c of named(obj)) {
    if (c.type === 'pair') {
      const k = c.childForFieldName('key');
      if (k) m.set(k.type === 'string' ? k.text.slice(1, -1) : k.text, c);
    } else if (c.type === 'shorthand_property_identifier' || c.type === 'method_definition') {
      const name = c.type === 'method_definition' ? c.childForFieldName('name')?.text : c.text;
      if (name) m.set(name, c);
    }
  }
  return m;
}

export function enclosingFunction(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunction(p)) return p;
  return undefined;
}

/** The function's name: declared, the method's, or the variable / property / assignment target it is bound to. */
export function functionName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  let p = fn.parent;
  while (p && ['parenthesized_expression', 'as_expression', 'call_expression', 'arguments'].includes(p.type) && p.type !== 'variable_declarator') {
    // wrapped: const f = wrap(async () => ...) names the inner function f only through one call
    if (p.type === 'call_expression' && p.parent?.type !== 'variable_declarator') break;
    p = p.parent;
  }
  if (!p) return undefined;
  if (p.type === 'variable_declarator') { const n = p.childForFieldName('name'); return n?.type === 'identifier' ? n.text : undefined; }
  if (p.type === 'pair') return p.childForFieldName('key')?.text;
  if (p.type === 'public_field_definition' || p.type === 'field_definition') return (p.childForFieldName('name') ?? p.childForFieldName('property'))?.text;
  if (p.type === 'assignment_expression') { const l = p.childForFieldName('left'); const mp = l ? memberPath(l) : undefined; return mp?.[mp.length - 1]; }
  return undefined;
}

/**
 * Visits the descendants of `n` (not `n`), skipping the subtrees for which `enter` returns false. Iterative, with a
 * tree cursor: the generator walks every file of 19 repositories.
 */
export function walk(n: Node, visit: (d: Node) => boolean | void): void {
  const stack: Node[] = [];
  for (let i = n.namedChildCount - 1; i >= 0; i--) { const c = n.namedChild(i); if (c) stack.push(c); }
  while (stack.length) {
    const d = stack.pop()!;
    if (visit(d) === false) continue;
    for (let i = d.namedChildCount - 1; i >= 0; i--) { const c = d.namedChild(i); if (c) stack.push(c); }
  }
}

/** The first named ancestor that is a statement (or a declaration at statement level). */
export function enclosingStatement(n: Node): Node {
  let cur = n;
  for (let p = n.parent; p; cur = p, p = p.parent) {
    if (p.type === 'statement_block' || p.type === 'program' || p.type === 'class_body' || p.type === 'switch_body') return cur;
  }
  return cur;
}
