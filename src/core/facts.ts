/**
 * Facts about one file, computed from the shared query pass: module bindings (imports, namespace imports,
 * `require`, destructuring, aliases), same-file declarations, and resolution of option objects through
 * same-file `const`s. Rules ask questions here instead of walking the tree themselves.
 */
import type { Node } from './parser';
import { unwrap, stringValue, keyName, FUNCTION_TYPES, contains, namedChildren } from './ast';
import { regionMatches } from './text';

export interface ModuleBinding {
  /** Module specifier as written: 'axios', 'node:https', './client'. */
  module: string;
  /** 'default', '*' (namespace / whole CommonJS module) or the exported name. */
  imported: string;
  /** The identifier node that declares the local name. */
  node: Node;
}

/** Result of looking up a property in a statically known object. */
export type PropLookup =
  | { kind: 'present'; value: Node | null; pair: Node }
  | { kind: 'absent' }
  | { kind: 'unknown' };

export class FileFacts {
  readonly bindings = new Map<string, ModuleBinding>();
  private decls?: Map<string, Node[]>;
  private funcs?: Map<string, Node>;
  /** declaredAbove memo: "f:|c:" + name -> node id -> answer. */
  private readonly aboveMemo = new Map<string, Map<number, boolean>>();

  /**
   * Imports come from the `import` captures; `require` bindings from a text scan for `require(` plus a point
   * lookup each (most files have none); declarations are indexed lazily, on the first question that needs them.
   */
  /**
   * `paramsCaptured`: the captures hold every parameter list of the file (`params`: CORE_QUERY's formal_parameters,
   * arrow function and catch clause parameters), so a name none of them contains is no function's or catch clause's
   * parameter (see mayBeParameter). Not in region mode, whose captures cover the region only.
   */
  constructor(private readonly captures: Map<string, Node[]>, text?: string, root?: Node, regions?: ReadonlyArray<readonly [number, number]>, paramsCaptured = false) {
    this.paramsCaptured = paramsCaptured && !regions;
    for (const imp of captures.get('import') ?? []) this.addImport(imp);
    if (text !== undefined && root) {
      // editor incremental mode: only the region (statements that declare names the region uses are part of it)
      for (const m of regionMatches(text, /\brequire\s*\(/g, regions)) {
        let n: Node | null = root.descendantForIndex(m.index, m.index);
        for (let i = 0; n && i < 8 && n.type !== 'variable_declarator'; i++) n = n.parent;
        if (n && n.type === 'variable_declarator') this.addDeclarator(n, false);
      }
    } else {
      for (const d of captures.get('decl') ?? []) this.addDeclarator(d, false);
    }
  }

  // declaration id -> the [start, end] of its scope (null: none); a FileFacts lives for one tree, so ids are stable
  private readonly scopes = new Map<number, readonly [number, number] | null>();

  /** Whether `at` lies in the scope of declaration `d` (declarationScope, memoised: a name declared in many functions
   * was looked up once per use, each walking parents through the wasm boundary). */
  inScopeOf(d: Node, at: Node): boolean {
    return this.inScopeRange(d, at.startIndex, at.endIndex);
  }

  /** inScopeOf for a node spanning [start, end]. */
  private inScopeRange(d: Node, start: number, end: number): boolean {
    let r = this.scopes.get(d.id);
    if (r === undefined) {
      const sc = declarationScope(d);
      r = sc ? [sc.startIndex, sc.endIndex] as const : null;
      this.scopes.set(d.id, r);
    }
    return r !== null && r[0] <= start && end <= r[1];
  }

  /** Local declarations by name: the declaring node (variable_declarator, function_declaration, ...). */
  get declarations(): Map<string, Node[]> {
    if (!this.decls) {
      this.decls = new Map();
      for (const d of this.captures.get('decl') ?? []) this.addDeclarator(d, true);
      for (const f of this.captures.get('func') ?? []) {
        const name = f.childForFieldName('name');
        if (name) this.addDecl(name.text, f);
      }
    }
    return this.decls;
  }

  // name -> whether a declaration of it is top-level (isTopLevel, memoised: asked once per call of a name)
  private readonly topLevel = new Map<string, boolean>();

  /** Whether `name` has a top-level declaration (a statement of the program, or of a top-level `export`). */
  isTopLevel(name: string): boolean {
    let r = this.topLevel.get(name);
    if (r === undefined) {
      r = (this.declarations.get(name) ?? []).some(d => {
        const p = d.type === 'variable_declarator' ? d.parent?.parent : d.parent;
        return p?.type === 'program' || p?.type === 'export_statement' && p.parent?.type === 'program';
      });
      this.topLevel.set(name, r);
    }
    return r;
  }

  /** Same-file function declarations by name (the first one wins). */
  get functionsByName(): Map<string, Node> {
    if (!this.funcs) {
      this.funcs = new Map();
      for (const f of this.captures.get('func') ?? []) {
        const name = f.childForFieldName('name');
        if (name && !this.funcs.has(name.text)) this.funcs.set(name.text, f);
      }
    }
    return this.funcs;
  }

  private addDecl(name: string, node: Node): void {
    const list = this.decls!.get(name);
    if (list) list.push(node); else this.decls!.set(name, [node]);
  }

  private addImport(stmt: Node): void {
    const source = stringValue(stmt.childForFieldName('source'));
    for (const child of namedChildren(stmt)) {
      if (child.type === 'import_require_clause') {
        // import x = require('m')
        const id = child.namedChild(0);
        const src = stringValue(child.childForFieldName('source') ?? child.namedChild(1));
        if (id && src) this.bindings.set(id.text, { module: src, imported: '*', node: id });
      }
      if (child.type !== 'import_clause' || source === undefined) continue;
      for (const part of namedChildren(child)) {
        if (part.type === 'identifier') this.bindings.set(part.text, { module: source, imported: 'default', node: part });
        else if (part.type === 'namespace_import') {
          const id = part.namedChild(0);
          if (id) this.bindings.set(id.text, { module: source, imported: '*', node: id });
        } else if (part.type === 'named_imports') {
          for (const spec of namedChildren(part)) {
            if (spec.type !== 'import_specifier') continue;
            const name = spec.childForFieldName('name');
            const alias = spec.childForFieldName('alias') ?? name;
            if (name && alias) this.bindings.set(alias.text, { module: source, imported: keyName(name) ?? name.text, node: alias });
          }
        }
      }
    }
  }

  /** declare: index the declared names; otherwise record only module bindings (require). */
  private addDeclarator(decl: Node, declare: boolean): void {
    const nameNode = decl.childForFieldName('name');
    if (!nameNode) return;
    const value = declare ? null : unwrap(decl.childForFieldName('value'));
    const req = value ? requireOf(value) : undefined;
    if (!declare && !req) return;
    if (nameNode.type === 'identifier') {
      if (declare) this.addDecl(nameNode.text, decl);
      if (req) this.bindings.set(nameNode.text, { module: req.module, imported: req.member ?? '*', node: nameNode });
      return;
    }
    if (nameNode.type === 'object_pattern') {
      for (const p of namedChildren(nameNode)) {
        let imported: string | undefined, local: Node | null = null;
        if (p.type === 'shorthand_property_identifier_pattern') { imported = p.text; local = p; }
        else if (p.type === 'pair_pattern') {
          imported = keyName(p.childForFieldName('key'));
          local = p.childForFieldName('value');
          if (local?.type === 'assignment_pattern') local = local.childForFieldName('left');
        } else if (p.type === 'object_assignment_pattern') {
          local = p.childForFieldName('left');
          imported = local?.text;
        }
        if (!local || local.type !== 'identifier' && local.type !== 'shorthand_property_identifier_pattern') continue;
        if (declare) this.addDecl(local.text, decl);
        if (req && imported) {
          // const { get } = require('axios')            -> axios.get
          // const { default: axios } = require('axios') -> axios default
          const name = req.member ? `${req.member}.${imported}` : imported;
          this.bindings.set(local.text, { module: req.module, imported: name, node: local });
        }
      }
    }
  }

  private readonly paramsCaptured: boolean;
  /** The text of every parameter list of the file (one string), read on the first question. */
  private paramsText?: string;
  private readonly paramNames = new Map<string, boolean>();

  /**
   * False when no parameter list of the file contains `name` in its text: then no enclosing function or catch clause
   * declares it (patternDeclares looks for an identifier of that text inside the list) and declaredAbove needs no
   * walk up. Every call of `fetch` in a file asked it for each ancestor up to the first memoised one: with 25,000
   * calls that each descended from the root to learn their parents, a fifth of the file's analysis.
   */
  private mayBeParameter(name: string): boolean {
    if (!this.paramsCaptured) return true;
    let r = this.paramNames.get(name);
    if (r === undefined) {
      this.paramsText ??= (this.captures.get('params') ?? []).map(p => p.text).join('\n');
      r = this.paramsText.includes(name);
      this.paramNames.set(name, r);
    }
    return r;
  }

  /** The module binding of a local name, if it comes from an import/require (not shadowed check: see isShadowed). */
  binding(name: string): ModuleBinding | undefined {
    return this.bindings.get(name);
  }

  /**
   * True when `name` at `ref` refers to a local declaration (parameter, variable, function, class) instead of
   * the import or global of that name.
   */
  isShadowed(ref: Node, name: string): boolean {
    const decls = this.declarations.get(name);
    if (decls) {
      const s = ref.startIndex, e = ref.endIndex;
      for (const d of decls) {
        if (this.inScopeRange(d, s, e)) {
          // the import binding itself is top-level and is not a declarator; a top-level `const fetch = ...` shadows the global
          return true;
        }
      }
    }
    // parameters of enclosing functions (and catch parameters)
    return this.declaredAbove(ref, name, true);
  }

  /**
   * Whether a function (or, with `withCatch`, a catch clause) enclosing `ref` declares `name` as a parameter.
   * Memoised per node and name: every call of a file walks up through the same functions, and with deep nesting or a
   * syntax error that wraps a whole file in one node, walking (and re-reading the parameters) per call was quadratic.
   */
  private declaredAbove(ref: Node, name: string, withCatch: boolean): boolean {
    if (!this.mayBeParameter(name)) return false;
    const key = (withCatch ? 'c:' : 'f:') + name;
    let memo = this.aboveMemo.get(key);
    if (!memo) this.aboveMemo.set(key, (memo = new Map()));
    const path: number[] = [];
    let result = false;
    for (let p: Node | null = ref.parent; p; p = p.parent) {
      const known = memo.get(p.id);
      if (known !== undefined) { result = known; break; }
      path.push(p.id);
      if (FUNCTION_TYPES.has(p.type)) {
        const params = p.childForFieldName('parameters') ?? p.childForFieldName('parameter');
        if (params && patternDeclares(params, name)) { result = true; break; }
      } else if (withCatch && p.type === 'catch_clause') {
        const param = p.childForFieldName('parameter');
        if (param && patternDeclares(param, name)) { result = true; break; }
      }
    }
    for (const id of path) memo.set(id, result);
    return result;
  }

  /** Module binding for an identifier reference, honouring shadowing. */
  moduleOf(ref: Node): ModuleBinding | undefined {
    if (ref.type !== 'identifier') return undefined;
    const b = this.bindings.get(ref.text);
    if (!b) return undefined;
    // destructured require and the local declaration are the same declarator: not a shadow
    const decls = this.declarations.get(ref.text);
    if (decls) {
      const s = ref.startIndex, e = ref.endIndex;
      if (decls.some(d => this.inScopeRange(d, s, e) && !contains(d, b.node))) return undefined;
    }
    if (this.paramShadow(ref, ref.text)) return undefined;
    return b;
  }

  private paramShadow(ref: Node, name: string): boolean {
    return this.declaredAbove(ref, name, false);
  }

  /** The single same-file `const` declarator of a name (not `let`/`var`, which may be reassigned). */
  constDeclarator(name: string, at?: Node): Node | undefined {
    const decls = this.declarations.get(name);
    if (!decls) return undefined;
    // (`at`'s range read once, and each declaration's type once per file: both are calls into the parser)
    const s = at?.startIndex ?? 0, e = at ? at.endIndex : 0;
    let d: Node | undefined;
    for (const x of decls) {
      if (!this.isVariableDeclarator(x) || (at && !this.inScopeRange(x, s, e))) continue;
      if (d) return undefined;
      d = x;
    }
    const kind = d?.parent?.firstChild?.text;
    return kind === 'const' ? d : undefined;
  }

  private readonly declarators = new Map<number, boolean>();
  private isVariableDeclarator(d: Node): boolean {
    let r = this.declarators.get(d.id);
    if (r === undefined) this.declarators.set(d.id, (r = d.type === 'variable_declarator'));
    return r;
  }

  /**
   * Resolves an expression to an object literal seen in this file: the literal itself, or an identifier bound by a
   * same-file `const x = { ... }`. Returns null when the value is not statically known (unknown is not guilty).
   */
  resolveObject(expr: Node | null | undefined, depth = 0): Node | null {
    const n = unwrap(expr);
    if (!n || depth > 4) return null;
    if (n.type === 'object') return n;
    if (n.type === 'identifier') {
      const d = this.constDeclarator(n.text, n);
      const v = d?.childForFieldName('name')?.type === 'identifier' ? d.childForFieldName('value') : null;
      return v ? this.resolveObject(v, depth + 1) : null;
    }
    return null;
  }

  /** Resolves an identifier through same-file consts to its initializer (for literals: numbers, booleans, strings). */
  resolveValue(expr: Node | null | undefined, depth = 0): Node | null {
    const n = unwrap(expr);
    if (!n || depth > 4) return n;
    if (n.type === 'identifier') {
      const d = this.constDeclarator(n.text, n);
      const v = d?.childForFieldName('name')?.type === 'identifier' ? d.childForFieldName('value') : null;
      return v ? this.resolveValue(v, depth + 1) : n;
    }
    return n;
  }

  /** The objects a spread argument may contribute: [] for null/undefined/false, null when not statically known. */
  private spreadParts(arg: Node | null, depth: number): Node[] | null {
    const n = unwrap(arg);
    if (!n || depth > 6) return null;
    const obj = this.resolveObject(n);
    if (obj) return [obj];
    if (n.type === 'null' || n.type === 'undefined' || n.type === 'false' || (n.type === 'identifier' && n.text === 'undefined')) return [];
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '&&') return this.spreadParts(n.childForFieldName('right'), depth + 1);
    if (n.type === 'ternary_expression') {
      const a = this.spreadParts(n.childForFieldName('consequence'), depth + 1);
      const b = a && this.spreadParts(n.childForFieldName('alternative'), depth + 1);
      return a && b ? [...a, ...b] : null;
    }
    return null;
  }

  /**
   * Looks up `key` in an object literal, seeing through spreads of other same-file object literals. A spread or a
   * computed key we cannot see through makes an absent key 'unknown'.
   */
  lookupProp(obj: Node, key: string, depth = 0): PropLookup {
    let unknown = false;
    let found: PropLookup | undefined;
    for (const p of namedChildren(obj)) {
      if (p.type === 'pair') {
        const kNode = p.childForFieldName('key');
        const k = keyName(kNode);
        if (k === undefined) { if (kNode?.type === 'computed_property_name') unknown = true; continue; }
        if (k === key) found = { kind: 'present', value: p.childForFieldName('value'), pair: p };
      } else if (p.type === 'shorthand_property_identifier') {
        if (p.text === key) found = { kind: 'present', value: p, pair: p };
      } else if (p.type === 'method_definition') {
        if (keyName(p.childForFieldName('name')) === key) found = { kind: 'present', value: p, pair: p };
      } else if (p.type === 'spread_element') {
        // `...base`, and conditional spreads `...(body && { body })`, `...(c ? a : {})`: a key that any branch
        // may set counts as present, a key no branch can set is absent
        const parts = depth < 4 ? this.spreadParts(p.namedChild(0), depth + 1) : null;
        if (!parts) { unknown = true; found = undefined; continue; }
        for (const part of parts) {
          const r = this.lookupProp(part, key, depth + 1);
          if (r.kind === 'present') found = r;
          else if (r.kind === 'unknown') { unknown = true; found = undefined; break; }
        }
      }
    }
    if (found) return found;
    return unknown ? { kind: 'unknown' } : { kind: 'absent' };
  }
}

/** `require('m')`, `require('m').x`, `require('m').default` -> module and member. */
export function requireOf(n: Node): { module: string; member?: string } | undefined {
  let member: string | undefined;
  let call = n;
  if (n.type === 'member_expression') {
    const prop = n.childForFieldName('property');
    const obj = unwrap(n.childForFieldName('object'));
    if (!prop || !obj) return undefined;
    member = prop.text;
    call = obj;
  }
  if (call.type === 'await_expression') call = unwrap(call.namedChild(0)) ?? call;
  if (call.type !== 'call_expression') return undefined;
  const fn = call.childForFieldName('function');
  if (!fn || fn.type !== 'identifier' || fn.text !== 'require') return undefined;
  const arg = call.childForFieldName('arguments')?.namedChild(0);
  const module = stringValue(arg);
  return module === undefined ? undefined : { module, member };
}

/** Where a declaration is visible: the nearest block/function/program (functions for `var` and function declarations). */
export function declarationScope(decl: Node): Node | null {
  const isVar = decl.type === 'variable_declarator' && decl.parent?.type === 'variable_declaration';
  const isHoisted = isVar || decl.type === 'function_declaration' || decl.type === 'generator_function_declaration';
  // a function declaration's own scope is its parent block, not the function itself
  for (let p = decl.parent; p; p = p.parent) {
    if (p.type === 'program') return p;
    if (FUNCTION_TYPES.has(p.type)) return p;
    if (!isHoisted && (p.type === 'statement_block' || p.type === 'for_statement' || p.type === 'for_in_statement' || p.type === 'class_body' || p.type === 'switch_body')) return p;
  }
  return null;
}

function patternDeclares(pattern: Node, name: string): boolean {
  // cheap textual pre-check, then a precise check on identifiers
  if (!new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`).test(pattern.text)) return false;
  const stack: Node[] = [pattern];
  while (stack.length) {
    const n = stack.pop()!;
    if ((n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') && n.text === name) {
      // skip type annotations and default values' right-hand sides
      const parent = n.parent;
      if (parent && (parent.type === 'type_annotation')) continue;
      if (parent?.type === 'assignment_pattern' && parent.childForFieldName('right')?.startIndex === n.startIndex) continue;
      if (parent?.type === 'pair_pattern' && parent.childForFieldName('key')?.startIndex === n.startIndex) continue;
      return true;
    }
    if (n.type === 'type_annotation' || n.type === 'type_identifier') continue;
    for (const c of namedChildren(n)) stack.push(c);
  }
  return false;
}
