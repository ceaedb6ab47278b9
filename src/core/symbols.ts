/**
 * The file's symbol table (a file fact, vscode- and project-free): what it imports and exports, its classes with
 * their methods, fields and field types (constructor-injected or annotated), its named functions, and for each
 * function the calls it makes to names the project layer may resolve (imports, same-file functions, `this.m()`,
 * `this.field.m()`, `ns.f()`, `obj.m()`). Rules add their own per-function facts (`Rule.summaries`).
 *
 * Everything here is plain JSON: it outlives the tree (one parse per file per run), crosses worker threads and is
 * cached. The project layer (src/project) resolves these symbolic references across files.
 */
import type { Node } from './parser';
import type { FileFacts } from './facts';
import type { LineIndex } from './text';
import { FUNCTION_TYPES, keyName, namedChildren, stringValue, unwrap } from './ast';
import { requireOf } from './facts';

/** A symbolic reference to a callee or a value, resolved by the project layer. */
export type Ref =
  /** a top-level name of the same file (function, class, const) */
  | { k: 'local'; name: string }
  /** an imported binding: `name` is the exported name, 'default', or '*' (namespace / whole CommonJS module) */
  | { k: 'import'; module: string; name: string }
  /** `this.name(...)`: a method of the enclosing class (or a base class) */
  | { k: 'this'; name: string }
  /** `super.name(...)`: a method of the enclosing class's base class (or its bases) */
  | { k: 'super'; name: string }
  /** the value a call of `fn` returns, when `fn` returns `new X(...)` (a factory): `const s = makeService(); s.run()` */
  | { k: 'ret'; fn: Ref }
  /** `this.field.name(...)`: a method of the field's class (its type annotation, constructor parameter or `new X()`) */
  | { k: 'field'; field: string; name: string }
  /** `base.name(...)`: a namespace member, an exported object's method, a static method, an instance's method */
  | { k: 'member'; base: Ref; name: string };

export interface CallSite {
  ref: Ref;
  /** 0-based line and column of the call. */
  line: number;
  column: number;
  /** Offsets of the call in its file (for rules that settle findings in the same file). */
  start: number;
  end: number;
}

export interface FunctionSymbol {
  /** Id within the file: `name`, `Class.method`, `object.method`, `default`. */
  id: string;
  /** The enclosing class for methods (`this` resolution). */
  cls?: string;
  /** 0-based position of the function's head (name, or the function itself) and its extent. */
  line: number;
  column: number;
  endLine: number;
  start: number;
  end: number;
  /** Higher-order wrappers the function was passed through: `export const POST = withAuth(async () => ...)` -> ['withAuth']. */
  wrappers?: string[];
  /** The class a factory returns: `function makeService() { return new Service(...) }` -> Service. */
  returns?: Ref;
  calls: CallSite[];
  /** Per-rule local facts (Rule.summaries), by summary key. */
  facts: Record<string, unknown>;
}

/** A field's declared or constructed type: the class it names (a Ref) and the type's arguments' names. */
export interface FieldType { ref?: Ref; type: string; args?: string[] }

export interface ClassSymbol {
  name: string;
  extends?: Ref;
  /** method name -> function id */
  methods: Record<string, string>;
  fields: Record<string, FieldType>;
  /** Decorator names on the class (`Controller`, `Injectable`, `Processor`). */
  decorators?: string[];
}

/** What an exported (or top-level) name is. */
export type Target =
  | { k: 'fn'; id: string }
  | { k: 'class'; name: string }
  /** a top-level object literal whose function members have ids `name.member` */
  | { k: 'object'; name: string }
  /** an instance of a class: `export const orders = new OrdersService()` */
  | { k: 'instance'; cls: Ref }
  /** another name: `export { a as b }`, `export default router`, `const x = imported` */
  | { k: 'ref'; ref: Ref }
  | { k: 'reexport'; module: string; name: string };

export interface FileSymbols {
  /** export name ('default' for the default export) -> target */
  exports: Record<string, Target>;
  /** `export * from 'm'` */
  star: string[];
  /** top-level names that are not functions or classes but may be referenced (objects, instances, aliases) */
  locals: Record<string, Target>;
  classes: Record<string, ClassSymbol>;
  functions: Record<string, FunctionSymbol>;
  /** every module specifier imported or required (for dependency tracking) */
  imports: string[];
}

export interface SymbolFunctionInfo { node: Node; id: string; cls?: string }

/**
 * An empty record keyed by the file's own names (functions, exports, classes, methods, fields). Created in V8's
 * dictionary mode: an object literal gains one hidden-class transition per new key, and with every file adding its
 * own names those transitions (and their maps, kept for the whole run) cost more than the symbol table's other work.
 * Plain Object prototype, so the records compare, spread and serialise as object literals do.
 */
function record<T>(): Record<string, T> {
  // (deleting a property that is not the last one added is what turns an object to dictionary mode)
  const o: Record<string, unknown> = { a: 0, b: 0 };
  delete o.a;
  delete o.b;
  return o as Record<string, T>;
}

const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration', 'class']);
const IGNORED_GLOBALS = new Set(['console', 'JSON', 'Math', 'Object', 'Array', 'Promise', 'Number', 'String', 'Date', 'Reflect', 'Symbol', 'process', 'require', 'Buffer', 'BigInt', 'Error', 'Boolean', 'Map', 'Set', 'URL', 'super']);

/** Names of wrappers that return their argument's shape: `wrapController`, `withTracing`, `instrument`, `traced`. */
const PASS_THROUGH_WRAPPER = /^(wrap\w*|with\w+|\w*Wrapper|instrument\w*|trace[dr]?\w*|bind\w*|promisifyAll|proxy\w*)$/;

function isFunctionNode(n: Node | null): boolean {
  return !!n && FUNCTION_TYPES.has(n.type);
}

/**
 * The innermost function passed through higher-order wrappers: `withAuth(withRateLimit(async (req) => ...))`,
 * `router.handler(auth(), async (ctx) => ...)` -> the last function argument, recursively. Wrapper names outermost first.
 */
export function wrappedFunction(value: Node | null, depth = 0): { fn: Node; wrappers: string[] } | undefined {
  const v = unwrap(value);
  if (!v || depth > 4) return undefined;
  if (isFunctionNode(v)) return { fn: v, wrappers: [] };
  if (v.type !== 'call_expression') return undefined;
  const callee = v.childForFieldName('function');
  const args = v.childForFieldName('arguments');
  if (!callee || !args || args.type !== 'arguments') return undefined;
  const list = namedChildren(args);
  for (let i = list.length - 1; i >= 0; i--) {
    const inner = wrappedFunction(list[i], depth + 1);
    if (inner) return { fn: inner.fn, wrappers: [calleeName(callee), ...inner.wrappers] };
  }
  // `wrap(opts)(async () => ...)`: the callee is itself a call
  const c = unwrap(callee);
  if (c?.type === 'call_expression') {
    const inner = wrappedFunction(c, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

function calleeName(callee: Node): string {
  const c = unwrap(callee);
  if (!c) return '?';
  if (c.type === 'identifier') return c.text;
  if (c.type === 'member_expression') return c.childForFieldName('property')?.text ?? '?';
  if (c.type === 'call_expression') return calleeName(c.childForFieldName('function') ?? c);
  return '?';
}

function typeOf(annotation: Node | null, facts: FileFacts, topNames: Set<string>): FieldType | undefined {
  if (!annotation) return undefined;
  let t = annotation.type === 'type_annotation' ? annotation.namedChild(0) : annotation;
  if (!t) return undefined;
  let args: string[] | undefined;
  if (t.type === 'generic_type') {
    const ta = t.childForFieldName('type_arguments');
    args = ta ? namedChildren(ta).map(a => a.text) : undefined;
    t = t.childForFieldName('name');
    if (!t) return undefined;
  }
  if (t.type === 'nested_type_identifier') {
    // ns.Type
    const [mod, name] = [t.namedChild(0), t.namedChild(1)];
    const base = mod ? refOfName(mod.text, facts, topNames) : undefined;
    return { type: t.text, args, ref: base && name ? { k: 'member', base, name: name.text } : undefined };
  }
  if (t.type !== 'type_identifier' && t.type !== 'identifier') return { type: t.text, args };
  return { type: t.text, args, ref: refOfName(t.text, facts, topNames) };
}

/** A top-level or imported name as a Ref (no shadowing: callers use it for top-level positions). */
function refOfName(name: string, facts: FileFacts, topNames: Set<string>): Ref | undefined {
  const b = facts.binding(name);
  if (b) return importRef(b.module, b.imported);
  if (topNames.has(name)) return { k: 'local', name };
  return undefined;
}

function importRef(module: string, imported: string): Ref {
  // destructured require of a member: `const { a } = require('m').x` -> imported 'x.a'
  const dot = imported.indexOf('.');
  if (dot > 0 && imported !== '*') {
    return { k: 'member', base: importRef(module, imported.slice(0, dot)), name: imported.slice(dot + 1) };
  }
  return { k: 'import', module, name: imported };
}

function decoratorNames(n: Node): string[] {
  const out: string[] = [];
  for (const c of namedChildren(n)) {
    if (c.type !== 'decorator') continue;
    const e = c.namedChild(0);
    const callee = e?.type === 'call_expression' ? e.childForFieldName('function') : e;
    if (callee) out.push(callee.type === 'member_expression' ? callee.childForFieldName('property')?.text ?? callee.text : callee.text);
  }
  return out;
}

/**
 * Builds the file's symbol table. `calls` are the core `call` captures (document order); `onFunction` lets rules
 * record per-function facts while the tree is alive.
 */
class SymbolBuilder {
  readonly out: FileSymbols = { exports: record(), star: [], locals: record(), classes: record(), functions: record(), imports: [] };
  readonly fnNodes: { node: Node; sym: FunctionSymbol }[] = [];
  constructor(readonly text: string, readonly facts: FileFacts, readonly lines: LineIndex, readonly topNames: Set<string>) {}

  addFunction(node: Node, id: string, head: Node, cls?: string, wrappers?: string[]) {
    if (this.out.functions[id]) return;
    const p = this.lines.pos(head.startIndex);
    const start = node.startIndex, end = node.endIndex;
    const sym: FunctionSymbol = {
      id, cls, line: p.line, column: p.column, endLine: this.lines.pos(end).line, start, end,
      calls: [], facts: {},
    };
    if (wrappers?.length) sym.wrappers = wrappers;
    // (no `new` in its text: no constructed class to return; most functions, and reading their bodies is not free)
    const ret = hasWordIn(this.text, 'new', start, end) ? returnedNew(node) : undefined;
    const rr = ret ? refOfName(ret, this.facts, this.topNames) : undefined;
    if (rr) sym.returns = rr;
    this.out.functions[id] = sym;
    this.fnNodes.push({ node, sym });
  }

  addClass(c: Node, forcedName?: string): string | undefined {
    const name = forcedName ?? c.childForFieldName('name')?.text;
    if (!name) return undefined;
    const cls: ClassSymbol = { name, methods: record(), fields: record() };
    const decos = decoratorNames(c.parent?.type === 'export_statement' ? c.parent : c).concat(decoratorNames(c));
    if (decos.length) cls.decorators = decos;
    for (const h of namedChildren(c)) {
      if (h.type !== 'class_heritage') continue;
      const ext = h.type === 'class_heritage' ? (namedChildren(h).find(x => x.type === 'extends_clause') ?? h) : h;
      const v = unwrap(ext.childForFieldName('value') ?? ext.namedChild(0));
      if (v?.type === 'identifier') cls.extends = refOfName(v.text, this.facts, this.topNames);
      else if (v?.type === 'member_expression') {
        const o = v.childForFieldName('object'), pr = v.childForFieldName('property');
        const base = o?.type === 'identifier' ? refOfName(o.text, this.facts, this.topNames) : undefined;
        if (base && pr) cls.extends = { k: 'member', base, name: pr.text };
      }
    }
    const body = c.childForFieldName('body');
    for (const m of body ? namedChildren(body) : []) {
      if (m.type === 'method_definition') {
        const mn = keyName(m.childForFieldName('name'));
        if (!mn) continue;
        if (mn === 'constructor') {
          const ps = m.childForFieldName('parameters');
          for (const p of ps ? namedChildren(ps) : []) {
            // parameter properties (`private readonly orders: OrdersService`) and DI-decorated parameters
            if (p.type !== 'required_parameter' && p.type !== 'optional_parameter') continue;
            const hasModifier = namedChildren(p).some(x => x.type === 'accessibility_modifier' || x.type === 'override_modifier') || /^\s*(@[\s\S]*?\s)?readonly\b/.test(p.text);
            const pat = p.childForFieldName('pattern');
            if (!pat || pat.type !== 'identifier') continue;
            const ft = typeOf(p.childForFieldName('type'), this.facts, this.topNames);
            if (ft && hasModifier) cls.fields[pat.text] = ft;
            else if (ft) cls.fields['(param)' + pat.text] = ft;
          }
          // `this.x = x` / `this.x = new X()` in the constructor body
          const b = m.childForFieldName('body');
          for (const st of b ? namedChildren(b) : []) {
            const a = st.type === 'expression_statement' ? st.namedChild(0) : null;
            if (a?.type !== 'assignment_expression') continue;
            const left = a.childForFieldName('left'), right = unwrap(a.childForFieldName('right'));
            if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this' || !right) continue;
            const field = left.childForFieldName('property')?.text;
            if (!field) continue;
            if (right.type === 'identifier' && cls.fields['(param)' + right.text]) cls.fields[field] = cls.fields['(param)' + right.text];
            else if (right.type === 'new_expression') {
              const ctor = right.childForFieldName('constructor');
              if (ctor?.type === 'identifier') cls.fields[field] = { type: ctor.text, ref: refOfName(ctor.text, this.facts, this.topNames) };
            }
          }
          this.addFunction(m, `${name}.constructor`, m.childForFieldName('name') ?? m, name);
          continue;
        }
        const id = `${name}.${mn}`;
        cls.methods[mn] = id;
        this.addFunction(m, id, m.childForFieldName('name') ?? m, name);
      } else if (m.type === 'public_field_definition' || m.type === 'field_definition') {
        const fname = keyName(m.childForFieldName('name') ?? m.childForFieldName('property'));
        if (!fname) continue;
        const value = unwrap(m.childForFieldName('value'));
        const ft = typeOf(m.childForFieldName('type'), this.facts, this.topNames);
        if (value && isFunctionNode(value)) {
          const id = `${name}.${fname}`;
          cls.methods[fname] = id;
          this.addFunction(value, id, m, name);
        } else if (value?.type === 'new_expression') {
          const ctor = value.childForFieldName('constructor');
          if (ctor?.type === 'identifier') cls.fields[fname] = { type: ctor.text, ref: refOfName(ctor.text, this.facts, this.topNames), args: ft?.args };
        } else if (ft) cls.fields[fname] = ft;
      }
    }
    for (const k of Object.keys(cls.fields)) if (k.startsWith('(param)')) delete cls.fields[k];
    this.out.classes[name] = cls;
    return name;
  }

  /** Functions inside a top-level object literal: `{ create() {}, update: async () => {}, other: helper }`. */
  addObject(obj: Node, name: string) {
    for (const p of namedChildren(obj)) {
      if (p.type === 'method_definition') {
        const k = keyName(p.childForFieldName('name'));
        if (k) this.addFunction(p, `${name}.${k}`, p.childForFieldName('name') ?? p);
      } else if (p.type === 'pair') {
        const k = keyName(p.childForFieldName('key'));
        const v = p.childForFieldName('value');
        const w = wrappedFunction(v);
        if (k && w) this.addFunction(w.fn, `${name}.${k}`, p.childForFieldName('key') ?? p, undefined, w.wrappers);
        else if (k && unwrap(v)?.type === 'identifier') this.out.locals[`${name}.${k}`] = { k: 'ref', ref: refOfName(unwrap(v)!.text, this.facts, this.topNames) ?? { k: 'local', name: unwrap(v)!.text } };
      } else if (p.type === 'shorthand_property_identifier') {
        const r = refOfName(p.text, this.facts, this.topNames);
        if (r) this.out.locals[`${name}.${p.text}`] = { k: 'ref', ref: r };
      }
    }
  }

  /** A top-level `name = value`: function, wrapped function, object, instance, alias. */
  valueTarget(name: string, value: Node | null, head: Node): Target | undefined {
    const v = unwrap(value);
    if (!v) return undefined;
    const w = wrappedFunction(v);
    if (w) { this.addFunction(w.fn, name, head, undefined, w.wrappers); return { k: 'fn', id: name }; }
    if (v.type === 'object') { this.addObject(v, name); return { k: 'object', name }; }
    if (CLASS_TYPES.has(v.type)) { const cn = this.addClass(v, v.childForFieldName('name')?.text ?? name); return cn ? { k: 'class', name: cn } : undefined; }
    if (v.type === 'new_expression') {
      const ctor = unwrap(v.childForFieldName('constructor'));
      const r = ctor?.type === 'identifier' ? refOfName(ctor.text, this.facts, this.topNames) : undefined;
      return r ? { k: 'instance', cls: r } : undefined;
    }
    if (v.type === 'identifier') { const r = refOfName(v.text, this.facts, this.topNames); return r && !(r.k === 'local' && r.name === name) ? { k: 'ref', ref: r } : undefined; }
    if (v.type === 'member_expression') {
      const o = unwrap(v.childForFieldName('object')), pr = v.childForFieldName('property');
      const base = o?.type === 'identifier' ? refOfName(o.text, this.facts, this.topNames) : undefined;
      if (base && pr) return { k: 'ref', ref: { k: 'member', base, name: pr.text } };
    }
    const req = requireOf(v);
    if (req) return { k: 'ref', ref: importRef(req.module, req.member ?? '*') };
    // `const authController = wrapController(authControllerRaw)`: a pass-through wrapper of a module or object keeps
    // its members (error-handling / tracing wrappers of controller namespaces)
    if (v.type === 'call_expression') {
      const args = v.childForFieldName('arguments');
      const list = args?.type === 'arguments' ? namedChildren(args) : [];
      const a = list.length === 1 ? unwrap(list[0]) : null;
      if (a?.type === 'identifier' && PASS_THROUGH_WRAPPER.test(calleeName(v.childForFieldName('function') ?? v))) {
        const r = refOfName(a.text, this.facts, this.topNames);
        if (r) return { k: 'ref', ref: r };
      }
    }
    return undefined;
  }

  declare(decl: Node, exported: boolean) {
    for (const d of namedChildren(decl)) {
      if (d.type !== 'variable_declarator') continue;
      const n = d.childForFieldName('name');
      if (n?.type !== 'identifier') continue;
      const t = this.valueTarget(n.text, d.childForFieldName('value'), n);
      if (!t) continue;
      if (t.k !== 'fn') this.out.locals[n.text] = t;
      if (exported) this.out.exports[n.text] = t;
    }
  }

  exportStatement(s: Node): void {
    const source = stringValue(s.childForFieldName('source'));
    const decl = s.childForFieldName('declaration');
    const isDefault = /^export\s+default\b/.test(this.text.slice(s.startIndex, s.startIndex + 40).replace(/^(@[\s\S]*?\)\s*)+/, '')) || /\bexport\s+default\b/.test(this.text.slice(s.startIndex, (decl ?? s).startIndex));
    if (decl) {
      if (decl.type === 'function_declaration' || decl.type === 'generator_function_declaration') {
        const n = decl.childForFieldName('name');
        const id = n?.text ?? 'default';
        this.addFunction(decl, id, n ?? decl);
        this.out.exports[isDefault ? 'default' : id] = { k: 'fn', id };
        if (isDefault && n) this.out.exports[n.text] ??= { k: 'fn', id };
      } else if (CLASS_TYPES.has(decl.type)) {
        const cn = this.addClass(decl, decl.childForFieldName('name')?.text ?? 'default');
        if (cn) this.out.exports[isDefault ? 'default' : cn] = { k: 'class', name: cn };
      } else if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') this.declare(decl, true);
      return;
    }
    const value = s.childForFieldName('value');
    if (value) {
      const t = this.valueTarget('default', value, value);
      if (t) this.out.exports.default = t;
      return;
    }
    for (const c of namedChildren(s)) {
      if (c.type === 'export_clause') {
        for (const spec of namedChildren(c)) {
          if (spec.type !== 'export_specifier') continue;
          const nameNode = spec.childForFieldName('name');
          const aliasNode = spec.childForFieldName('alias');
          const name = nameNode ? (keyName(nameNode) ?? nameNode.text) : 'default';
          const alias = aliasNode ? (keyName(aliasNode) ?? aliasNode.text) : name;
          if (source !== undefined) this.out.exports[alias] = { k: 'reexport', module: source, name };
          else {
            const r = refOfName(name, this.facts, this.topNames);
            if (r) this.out.exports[alias] = r.k === 'local' && this.out.functions[name] ? { k: 'fn', id: name } : r.k === 'local' && this.out.classes[name] ? { k: 'class', name } : { k: 'ref', ref: r };
          }
        }
      } else if (c.type === 'namespace_export' && source !== undefined) {
        const id = c.namedChild(0);
        if (id) this.out.exports[keyName(id) ?? id.text] = { k: 'ref', ref: { k: 'import', module: source, name: '*' } };
      }
    }
    if (source !== undefined && !namedChildren(s).some(c => c.type === 'export_clause' || c.type === 'namespace_export')) this.out.star.push(source);
    if (source !== undefined && !this.out.imports.includes(source)) this.out.imports.push(source);
  }

  commonJs(e: Node | null): void {
    if (e?.type !== 'assignment_expression') return;
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    const path = left?.text.replace(/\s+/g, '');
    if (!path || !right) return;
    if (path === 'module.exports') {
      const v = unwrap(right);
      if (v?.type === 'object') {
        this.addObject(v, 'module.exports');
        for (const p of namedChildren(v)) {
          const k = p.type === 'shorthand_property_identifier' ? p.text : keyName(p.childForFieldName('key') ?? p.childForFieldName('name'));
          if (!k) continue;
          this.out.exports[k] = this.out.functions[`module.exports.${k}`] ? { k: 'fn', id: `module.exports.${k}` } : this.out.locals[`module.exports.${k}`] ?? { k: 'ref', ref: { k: 'local', name: k } };
        }
        this.out.exports.default = { k: 'object', name: 'module.exports' };
      } else {
        const t = this.valueTarget('module.exports', right, left!);
        if (t) { this.out.exports.default = t; this.out.exports['*'] = t; }
      }
    } else {
      const m = /^(?:module\.)?exports\.([\w$]+)$/.exec(path);
      if (m) { const t = this.valueTarget(m[1], right, left!); if (t) this.out.exports[m[1]] = t; }
    }
  }


}

export function buildSymbols(root: Node, text: string, facts: FileFacts, lines: LineIndex, calls: readonly Node[],
  onFunction?: (f: SymbolFunctionInfo, sym: FunctionSymbol) => void): FileSymbols {
  const top = namedChildren(root);
  // top-level names first (refs to same-file functions/classes/objects)
  const topNames = new Set<string>();
  for (const s0 of top) {
    const s = s0.type === 'export_statement' ? (s0.childForFieldName('declaration') ?? s0) : s0;
    if (s.type === 'function_declaration' || s.type === 'generator_function_declaration' || CLASS_TYPES.has(s.type)) {
      const n = s.childForFieldName('name');
      if (n) topNames.add(n.text);
    } else if (s.type === 'lexical_declaration' || s.type === 'variable_declaration') {
      for (const d of namedChildren(s)) if (d.type === 'variable_declarator') { const n = d.childForFieldName('name'); if (n?.type === 'identifier') topNames.add(n.text); }
    }
  }
  const imports = [...new Set([...facts.bindings.values()].map(x => x.module))];

  const b = new SymbolBuilder(text, facts, lines, topNames);
  const out = b.out, fnNodes = b.fnNodes;
  out.imports = imports;
  for (const s of top) {
    if (s.type === 'function_declaration' || s.type === 'generator_function_declaration') {
      const n = s.childForFieldName('name');
      if (n) b.addFunction(s, n.text, n);
    } else if (CLASS_TYPES.has(s.type)) b.addClass(s);
    else if (s.type === 'lexical_declaration' || s.type === 'variable_declaration') b.declare(s, false);
    else if (s.type === 'export_statement') b.exportStatement(s);
    else if (s.type === 'expression_statement') b.commonJs(s.namedChild(0));
  }

  // calls -> innermost summarised function (functions are disjoint or nested; calls in document order)
  if (fnNodes.length) {
    const spans = fnNodes.map(f => ({ s: f.sym.start, e: f.sym.end, sym: f.sym })).sort((a, b) => a.s - b.s || b.e - a.e);
    const stack: typeof spans = [];
    let i = 0;
    for (const call of calls) {
      const cs = call.startIndex;
      while (i < spans.length && spans[i].s <= cs) {
        while (stack.length && stack[stack.length - 1].e <= spans[i].s) stack.pop();
        stack.push(spans[i++]);
      }
      while (stack.length && stack[stack.length - 1].e <= cs) stack.pop();
      const owner = stack[stack.length - 1];
      if (!owner) continue;
      // the callee's text decides (no tree walk): `name`, `a.b`, `this.a`, `this.a.b`; nothing else resolves
      if (cs > 0 && text.charCodeAt(cs - 1) === 64) continue; // `@Decorator()` runs at class definition, not in the call
      const ce = call.endIndex;
      const m = CALLEE_TEXT.exec(text.slice(cs, Math.min(ce, cs + 120)));
      if (!m) {
        // `new CreateXService().call(...)`: a method of the constructed class
        if (text.startsWith('new', cs)) {
          const ref = newMemberRef(call, facts, n => topNames.has(n));
          if (ref) { const p = lines.pos(cs); owner.sym.calls.push({ ref, line: p.line, column: p.column, start: cs, end: ce }); }
        }
        continue;
      }
      let ref = refFromText(m[1], facts, topNames);
      if (!ref) {
        // `svc.create()` where `svc` is a function-scope const holding `new X()` or a factory's result
        const parts = m[1].split(/\s*\??\.\s*/);
        const base = parts.length === 2 && parts[0] !== 'this' && parts[0] !== 'super' && !IGNORED_GLOBALS.has(parts[0]) ? localConstBase(parts[0], call, facts, n => topNames.has(n)) : undefined;
        if (base) ref = { k: 'member', base, name: parts[1] };
      }
      if (!ref) continue;
      const p = lines.pos(cs);
      owner.sym.calls.push({ ref, line: p.line, column: p.column, start: cs, end: ce });
    }
  }
  if (onFunction) for (const f of fnNodes) onFunction({ node: f.node, id: f.sym.id, cls: f.sym.cls }, f.sym);
  return out;
}

/** Whether `word` occurs in text[start, end) (a slice: `indexOf` from `start` would read on to the end of the file). */
function hasWordIn(text: string, word: string, start: number, end: number): boolean {
  return text.slice(start, end).includes(word);
}

/** `=> new X(...)` or a top-level `return new X(...)` of a function body: X (an identifier), else undefined. */
function returnedNew(fn: Node): string | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const ctorOf = (e: Node | null): string | undefined => {
    let v = unwrap(e);
    if (v?.type === 'await_expression') v = unwrap(v.namedChild(0));
    if (v?.type !== 'new_expression') return undefined;
    const c = unwrap(v.childForFieldName('constructor'));
    return c?.type === 'identifier' ? c.text : undefined;
  };
  if (body.type !== 'statement_block') return ctorOf(body);
  for (const st of namedChildren(body)) if (st.type === 'return_statement') return ctorOf(st.namedChild(0));
  return undefined;
}

/**
 * The value a function-scope `const` holds, as a Ref base: `const repo = new OrdersRepository(db)` -> the class;
 * `const svc = makeService(ctx)` / `await makeService(ctx)` -> what the factory returns ({ k: 'ret' }).
 */
function localConstBase(name: string, at: Node, facts: FileFacts, isTop: (n: string) => boolean): Ref | undefined {
  const d = facts.constDeclarator(name, at);
  if (!d || d.childForFieldName('name')?.type !== 'identifier') return undefined;
  let v = unwrap(d.childForFieldName('value'));
  if (v?.type === 'await_expression') v = unwrap(v.namedChild(0));
  if (!v) return undefined;
  const refOf = (id: Node | null) => id?.type === 'identifier' ? refOfName(id.text, facts, new Set(isTop(id.text) ? [id.text] : [])) : undefined;
  if (v.type === 'new_expression') return refOf(unwrap(v.childForFieldName('constructor')));
  if (v.type === 'call_expression') {
    const fr = refOf(unwrap(v.childForFieldName('function')));
    return fr ? { k: 'ret', fn: fr } : undefined;
  }
  return undefined;
}

/** `new X(...).m(...)`: { member, base: X, name: m } when X is imported or top-level. */
function newMemberRef(call: Node, facts: FileFacts, isTop: (n: string) => boolean): Ref | undefined {
  const f = unwrap(call.childForFieldName('function'));
  if (f?.type !== 'member_expression') return undefined;
  const o = unwrap(f.childForFieldName('object'));
  const prop = f.childForFieldName('property');
  if (o?.type !== 'new_expression' || !prop) return undefined;
  const c = unwrap(o.childForFieldName('constructor'));
  if (c?.type !== 'identifier') return undefined;
  const base = refOfName(c.text, facts, new Set(isTop(c.text) ? [c.text] : []));
  return base ? { k: 'member', base, name: prop.text } : undefined;
}

/** A call's text starting with a resolvable callee: `name(`, `a.b(`, `this.a(`, `this.a.b(`, `a?.b(` (type args allowed). */
const CALLEE_TEXT = /^((?:this\s*\??\.\s*#?[\w$]+|[\w$]+)(?:\s*\??\.\s*[\w$]+)?)\s*(?:<[^()]*>\s*)?\(/;

function refFromText(callee: string, facts: FileFacts, topNames: ReadonlySet<string>): Ref | undefined {
  const parts = callee.split(/\s*\??\.\s*/);
  if (parts[0] === 'super') return parts.length === 2 ? { k: 'super', name: parts[1] } : undefined;
  if (parts[0] === 'this') {
    if (parts.length === 2) return { k: 'this', name: parts[1] };
    return parts.length === 3 ? { k: 'field', field: parts[1], name: parts[2] } : undefined;
  }
  const head = parts[0];
  if (IGNORED_GLOBALS.has(head)) return undefined;
  // an imported name (a parameter or local of the same name shadowing an import is rare: accepted)
  const b = facts.binding(head);
  const base: Ref | undefined = b ? importRef(b.module, b.imported) : topNames.has(head) ? { k: 'local', name: head } : undefined;
  if (!base) return undefined;
  return parts.length === 1 ? base : { k: 'member', base, name: parts[1] };
}

/** The symbolic reference of a call's callee, when the project layer might resolve it. */
export function calleeRef(callee: Node, facts: FileFacts, topNames?: ReadonlySet<string>): Ref | undefined {
  const c = unwrap(callee);
  if (!c) return undefined;
  if (c.type === 'identifier') {
    const name = c.text;
    if (IGNORED_GLOBALS.has(name)) return undefined;
    const b = facts.moduleOf(c);
    if (b) return importRef(b.module, b.imported);
    if (facts.bindings.has(name)) return undefined; // an import shadowed by a local
    if (topNames ? topNames.has(name) : isTopLevelDecl(facts, name)) return { k: 'local', name };
    return undefined;
  }
  if (c.type !== 'member_expression') return undefined;
  const prop = c.childForFieldName('property');
  const obj = unwrap(c.childForFieldName('object'));
  if (!prop || !obj || (prop.type !== 'property_identifier' && prop.type !== 'private_property_identifier')) return undefined;
  const name = prop.text;
  if (obj.type === 'this') return { k: 'this', name };
  if (obj.type === 'super') return { k: 'super', name };
  if (obj.type === 'member_expression') {
    const o2 = unwrap(obj.childForFieldName('object'));
    const p2 = obj.childForFieldName('property');
    if (o2?.type === 'this' && p2) return { k: 'field', field: p2.text, name };
    return undefined;
  }
  if (obj.type === 'new_expression') {
    const c = unwrap(obj.childForFieldName('constructor'));
    if (c?.type !== 'identifier') return undefined;
    const base = refOfName(c.text, facts, new Set((topNames ? topNames.has(c.text) : isTopLevelDecl(facts, c.text)) ? [c.text] : []));
    return base ? { k: 'member', base, name } : undefined;
  }
  if (obj.type === 'identifier') {
    if (IGNORED_GLOBALS.has(obj.text)) return undefined;
    const base = calleeRef(obj, facts, topNames) ?? localConstBase(obj.text, obj, facts, n => topNames ? topNames.has(n) : isTopLevelDecl(facts, n));
    return base ? { k: 'member', base, name } : undefined;
  }
  return undefined;
}


function isTopLevelDecl(facts: FileFacts, name: string): boolean {
  return facts.isTopLevel(name);
}

/** A stable string key of a Ref (memo keys, dedup). */
export function refKey(r: Ref): string {
  switch (r.k) {
    case 'local': return `l:${r.name}`;
    case 'import': return `i:${r.module}#${r.name}`;
    case 'this': return `t:${r.name}`;
    case 'super': return `s:${r.name}`;
    case 'ret': return `r:${refKey(r.fn)}`;
    case 'field': return `f:${r.field}.${r.name}`;
    case 'member': return `m:${refKey(r.base)}.${r.name}`;
  }
}

/** Human-readable callee text of a Ref (messages): `this.orders.place`, `createInvoice`, `db.insert`. */
export function refText(r: Ref): string {
  switch (r.k) {
    case 'local': return r.name;
    case 'import': return r.name === 'default' || r.name === '*' ? r.module.replace(/^.*\//, '') : r.name;
    case 'this': return `this.${r.name}`;
    case 'super': return `super.${r.name}`;
    case 'ret': return `${refText(r.fn)}()`;
    case 'field': return `this.${r.field}.${r.name}`;
    case 'member': return `${refText(r.base)}.${r.name}`;
  }
}
