/** wall-clock-ordering: syntax helpers shared by the sub-kinds (no analysis state). */
import type { Node } from '../../core/parser';
import { unwrap, memberPath, callArgs, keyName, FUNCTION_TYPES } from '../../core/ast';
import { STAMP_FN_RE } from './names';

export function rangeKey(n: Node): string { return n.startIndex + ':' + n.endIndex; }

export function skipParensUp(n: Node): Node {
  let c = n;
  while (c.parent && (c.parent.type === 'parenthesized_expression' || c.parent.type === 'as_expression' || c.parent.type === 'satisfies_expression' || c.parent.type === 'non_null_expression')) c = c.parent;
  return c;
}

export function isCallTo(n: Node | null, path: string): boolean {
  if (!n || n.type !== 'call_expression') return false;
  const p = memberPath(n.childForFieldName('function'));
  return !!p && p.join('.') === path;
}

/** `x.getTime()` / `x.valueOf()` around n: the call, else null. */
export function numericMethodAround(n: Node): Node | null {
  const up = skipParensUp(n);
  const p = up.parent;
  if (p?.type === 'member_expression' && p.childForFieldName('object')?.startIndex === up.startIndex) {
    const prop = p.childForFieldName('property')?.text;
    if ((prop === 'getTime' || prop === 'valueOf') && p.parent?.type === 'call_expression') return p.parent;
  }
  return null;
}

/** `+x`, `Number(x)`, `x.getTime()`, `x.valueOf()` around n (one level): the wrapper, else null. */
export function numericWrapperAround(n: Node): Node | null {
  const m = numericMethodAround(n);
  if (m) return m;
  const up = skipParensUp(n);
  const p = up.parent;
  if (p?.type === 'unary_expression' && p.childForFieldName('operator')?.type === '+') return p;
  if (p?.type === 'arguments' && isCallTo(p.parent, 'Number') && callArgs(p.parent!).length === 1) return p.parent;
  return null;
}

export function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
export function shortText(s: string): string { const t = s.replace(/\s+/g, ' '); return t.length > 60 ? t.slice(0, 57) + '...' : t; }
export function isRelational(op: string | undefined): boolean { return op === '<' || op === '>' || op === '<=' || op === '>='; }
export function namedChildrenOf(n: Node): Node[] { return n.namedChildren.filter((c): c is Node => !!c); }

/** `x.getTime()`, `x.valueOf()`, `+x`, `Number(x)` -> x (one level). */
export function stripNumeric(n: Node): Node {
  if (n.type === 'call_expression') {
    const f = n.childForFieldName('function');
    if (f?.type === 'member_expression' && /^(getTime|valueOf)$/.test(f.childForFieldName('property')?.text ?? '') && callArgs(n).length === 0) return unwrap(f.childForFieldName('object')) ?? n;
    if (isCallTo(n, 'Number') && callArgs(n).length === 1) return unwrap(callArgs(n)[0]) ?? n;
  }
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '+') return unwrap(n.childForFieldName('argument')) ?? n;
  return n;
}

export function thisField(n: Node | null): string | undefined {
  if (!n || n.type !== 'member_expression') return undefined;
  const o = unwrap(n.childForFieldName('object'));
  const prop = n.childForFieldName('property');
  if (o?.type !== 'this' || !prop) return undefined;
  return prop.text;
}

export function enclosingClassBody(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'class_body') return p;
  return null;
}

export function enclosingFunctionOf(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

export function functionName(f: Node): string | undefined {
  const own = f.childForFieldName('name');
  if (own) return own.text;
  const p = skipParensUp(f).parent;
  if (p?.type === 'variable_declarator') return p.childForFieldName('name')?.text;
  if (p?.type === 'pair') return keyName(p.childForFieldName('key'));
  if (p?.type === 'assignment_expression') { const l = memberPath(p.childForFieldName('left')); return l?.[l.length - 1]; }
  return undefined;
}

/** `a.updatedAt`, `new Date(a.updatedAt)`, `Date.parse(a.updatedAt)`, `a.updatedAt.getTime()`, `+a.updatedAt`. */
export function recordStamp(n: Node | null): { object: string; prop: string; accessor?: boolean } | undefined {
  const m = stripStampWrappers(n);
  if (!m || m.type !== 'member_expression') return undefined;
  const prop = m.childForFieldName('property');
  const obj = m.childForFieldName('object');
  if (!prop || !obj || prop.type !== 'property_identifier') return undefined;
  return { object: obj.text, prop: prop.text };
}

export function stripStampWrappers(n: Node | null): Node | null {
  let u = unwrap(n);
  for (let i = 0; i < 3 && u; i++) {
    if (u.type === 'new_expression' && u.childForFieldName('constructor')?.text === 'Date') { u = unwrap(u.childForFieldName('arguments')?.namedChild(0)); continue; }
    if (u.type === 'call_expression') {
      const p = memberPath(u.childForFieldName('function'))?.join('.');
      if (p === 'Date.parse' || p === 'Number' || p === 'parseInt' || p === 'parseFloat' || p === 'dayjs' || p === 'moment') { u = unwrap(callArgs(u)[0]); continue; }
      const f = u.childForFieldName('function');
      if (f?.type === 'member_expression' && /^(getTime|valueOf|toMillis|unix|valueOf)$/.test(f.childForFieldName('property')?.text ?? '')) { u = unwrap(f.childForFieldName('object')); continue; }
    }
    if (u.type === 'unary_expression' && u.childForFieldName('operator')?.type === '+') { u = unwrap(u.childForFieldName('argument')); continue; }
    break;
  }
  return u;
}

/** `modifiedMs(remote)`: a same-file-style accessor of a record's update stamp, called on one plain argument. */
export function accessorStamp(n: Node | null): { object: string; prop: string; accessor: boolean } | undefined {
  const u = unwrap(n);
  if (u?.type !== 'call_expression') return undefined;
  const fn = u.childForFieldName('function');
  if (fn?.type !== 'identifier' || !STAMP_FN_RE.test(fn.text)) return undefined;
  const args = callArgs(u);
  const a = args.length === 1 ? unwrap(args[0]) : null;
  if (!a || (a.type !== 'identifier' && a.type !== 'member_expression')) return undefined;
  return { object: a.text, prop: fn.text, accessor: true };
}

/** The stored timestamp on the other side of a lease check: `lease.expiresAt`, `lock.acquiredAt + TTL`, `Date.parse(lock.at)`. */
export function leaseStamp(n: Node | null): Node | null {
  let u = stripStampWrappers(n);
  if (u?.type === 'binary_expression' && /^[-+]$/.test(u.childForFieldName('operator')?.type ?? '')) {
    const l = stripStampWrappers(u.childForFieldName('left'));
    const r = stripStampWrappers(u.childForFieldName('right'));
    u = l?.type === 'member_expression' || l?.type === 'identifier' ? l : r;
  }
  if (!u || (u.type !== 'member_expression' && u.type !== 'identifier')) return null;
  if (u.type === 'member_expression' && unwrap(u.childForFieldName('object'))?.type === 'this') return null; // local state
  return u;
}

export function identWords(s: string): string[] {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w.toLowerCase());
}

/** The property both comparator parameters are compared on (`a.ts - b.ts`, `a.ts > b.ts`, `b.ts.localeCompare(a.ts)`). */
export function sortKey(body: string, a: string, b: string): string | undefined {
  const ea = escapeRe(a), eb = escapeRe(b);
  const re = new RegExp(`(?:\\b(?:${ea}|${eb})\\.([A-Za-z_$][\\w$]*)\\b[^;]*?\\b(?:${ea}|${eb})\\.([A-Za-z_$][\\w$]*)\\b)`);
  const m = re.exec(body);
  if (!m || m[1] !== m[2]) return undefined;
  return m[1];
}

export function insideSortComparator(n: Node): boolean {
  const f = enclosingFunctionOf(n);
  const args = f ? skipParensUp(f).parent : null;
  if (args?.type !== 'arguments') return false;
  const callee = args.parent?.childForFieldName('function');
  const prop = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : callee?.text;
  return !!prop && /^(sort|toSorted|sortBy|orderBy|localeCompare)$/.test(prop);
}

export function containsJsx(scope: Node, text: string): boolean {
  const t = text.slice(scope.startIndex, scope.endIndex);
  return /<[A-Za-z][\w.]*[\s/>][^]*?(\/>|<\/)/.test(t) && /\b(return|=>)\s*\(?\s*</.test(t);
}

/** Whether `name`, seen at `at`, is a parameter of an enclosing function (the innermost binding of that name). */
export function isParameterName(at: Node, name: string): boolean {
  for (let p: Node | null = at.parent; p; p = p.parent) {
    if (!FUNCTION_TYPES.has(p.type)) continue;
    const params = p.childForFieldName('parameters') ?? p.childForFieldName('parameter');
    if (params && bindsName(params, name)) return true;
  }
  return false;
}

function bindsName(n: Node, name: string): boolean {
  if ((n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') && n.text === name) return true;
  for (const c of n.namedChildren) {
    if (!c || c.type === 'type_annotation' || c.type === 'comment') continue;
    if (n.type === 'assignment_pattern' && n.childForFieldName('right')?.startIndex === c.startIndex) continue;
    if ((n.type === 'required_parameter' || n.type === 'optional_parameter') && n.childForFieldName('value')?.startIndex === c.startIndex) continue;
    if (n.type === 'pair_pattern' && n.childForFieldName('key')?.startIndex === c.startIndex) continue;
    if (bindsName(c, name)) return true;
  }
  return false;
}
