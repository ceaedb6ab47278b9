/**
 * The project index: every file's symbol table (core/symbols.ts) plus a module resolver, answering the questions a
 * rule's `settle` asks (ProjectView in core/rule.ts): which function does this call name, in which file, and what
 * does it call in turn. Resolution follows imports, re-exports (`export *`, `export { a as b } from`), default
 * exports, CommonJS `module.exports`, object-literal services, `export const X = wrap(fn)`, class methods (with
 * `extends`), and `this.field.method()` through the field's type (constructor injection, annotations, `new X()`).
 * Whatever cannot be resolved is undefined: unknown is not guilty.
 *
 * Summaries are composed lazily: each function's own facts were recorded in the file pass; `reach` walks the call
 * graph breadth-first to a bounded depth, each function once (safe on cycles), memoised per (file, class, ref).
 */
import type { FnHandle, ProjectView, Reached } from '../core/rule';
import { refKey, type ClassSymbol, type FileSymbols, type FunctionSymbol, type Ref, type Target } from '../core/symbols';

/** What the index needs of module resolution (src/project/resolve.ts implements it). */
export interface Resolver {
  resolve(fromFile: string, specifier: string): string | undefined;
  /** The version range the file's nearest package.json that names dependency `name` declares (resolve.ts). */
  dependencyVersion?(fromFile: string, name: string): string | undefined;
  /** The package directories of the file's project (resolve.ts). */
  packageDirs?(fromFile: string): string[];
}

/** A resolved value: a function, a class, an object literal's members, an instance of a class, a module namespace. */
type Value =
  | { k: 'fn'; file: string; id: string }
  | { k: 'class'; file: string; name: string }
  | { k: 'object'; file: string; name: string }
  | { k: 'instance'; file: string; name: string }
  | { k: 'module'; file: string };

const MAX_HOPS = 12;
const own = <T>(o: Record<string, T>, k: string): T | undefined => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

export class ProjectIndex implements ProjectView {
  private readonly files = new Map<string, FileSymbols>();
  private memoMap = new Map<string, unknown>();
  private facts: ReadonlySet<string> = new Set();
  /** Memoised answers with the files each consulted (replayed into `consulted` on a hit: dependency tracking stays exact). */
  private resolveMemo = new Map<string, { h: FnHandle | null; deps: string[] }>();
  private reachMemo = new Map<string, { out: Reached[]; deps: string[] }>();
  /** Files consulted since the last `takeConsulted()` (the editor re-settles a document when one of them changes). */
  private consulted = new Set<string>();

  constructor(private readonly resolver: Resolver) {}

  /** Adds or replaces a file's symbols (undefined removes it); clears the memoised answers. */
  set(file: string, symbols: FileSymbols | undefined): void {
    if (symbols) this.files.set(file, symbols); else this.files.delete(file);
    this.clearMemo();
  }

  has(file: string): boolean { return this.files.has(file); }
  get size(): number { return this.files.size; }
  fileNames(): IterableIterator<string> { return this.files.keys(); }

  /** Changes whenever the index changes (set) or forgets its answers (clearMemo): settled findings cached by a caller stay valid while it does not. */
  get generation(): number { return this.gen; }
  private gen = 0;

  clearMemo(): void {
    this.gen++;
    this.memoMap = new Map();
    this.resolveMemo = new Map();
    this.reachMemo = new Map();
  }

  /** The files the answers since the last call depended on (and starts a new set). */
  takeConsulted(): Set<string> {
    const c = this.consulted;
    this.consulted = new Set();
    return c;
  }

  symbols(file: string): FileSymbols | undefined {
    const s = this.files.get(file);
    if (s) this.consulted.add(file);
    return s;
  }

  fn(h: FnHandle): FunctionSymbol | undefined {
    const s = this.symbols(h.file);
    return s ? own(s.functions, h.id) : undefined;
  }

  dependencyVersion(file: string, name: string): string | undefined {
    return this.resolver.dependencyVersion?.(file, name);
  }

  /** The run's project facts (every file's `addProjectFact`), for `hasFact`; set before settling. */
  setFacts(facts: ReadonlySet<string>): void { this.facts = facts; this.factsByPrefix.clear(); }

  hasFact(fact: string): boolean { return this.facts.has(fact); }

  private readonly factsByPrefix = new Map<string, string[]>();
  private factsSize = -1;

  factsWith(prefix: string): string[] {
    if (this.factsSize !== this.facts.size) { this.factsByPrefix.clear(); this.factsSize = this.facts.size; }
    let r = this.factsByPrefix.get(prefix);
    if (!r) {
      r = [];
      for (const f of this.facts) if (f.startsWith(prefix)) r.push(f);
      this.factsByPrefix.set(prefix, r);
    }
    return r;
  }

  packageDirs(file: string): string[] { return this.resolver.packageDirs?.(file) ?? []; }

  memo<T>(key: string, compute: () => T): T {
    if (this.memoMap.has(key)) return this.memoMap.get(key) as T;
    const v = compute();
    this.memoMap.set(key, v);
    return v;
  }

  resolve(file: string, ref: Ref, cls?: string): FnHandle | undefined {
    const key = `${file}\u0000${cls ?? ''}\u0000${refKey(ref)}`;
    const hit = this.resolveMemo.get(key);
    if (hit) {
      for (const f of hit.deps) this.consulted.add(f);
      return hit.h ?? undefined;
    }
    const { v, deps } = this.tracked(() => this.callTarget(file, ref, cls, { hops: 0 }));
    const h = v?.k === 'fn' ? { file: v.file, id: v.id } : undefined;
    if (h && !deps.includes(h.file)) deps.push(h.file);
    this.resolveMemo.set(key, { h: h ?? null, deps });
    return h;
  }

  reach(file: string, ref: Ref, cls?: string, maxDepth = 3): Reached[] {
    const key = `${file}\u0000${cls ?? ''}\u0000${refKey(ref)}\u0000${maxDepth}`;
    const hit = this.reachMemo.get(key);
    if (hit) { for (const f of hit.deps) this.consulted.add(f); return hit.out; }
    const { v: out, deps } = this.tracked(() => this.reachUncached(file, ref, cls, maxDepth));
    for (const r of out) if (!deps.includes(r.file)) deps.push(r.file);
    this.reachMemo.set(key, { out, deps });
    return out;
  }

  /** Runs `fn`, returning its value and the files it consulted (also kept in the current `consulted` set). */
  private tracked<T>(fn: () => T): { v: T; deps: string[] } {
    const outer = this.consulted;
    this.consulted = new Set();
    try {
      const v = fn();
      return { v, deps: [...this.consulted] };
    } finally {
      for (const f of this.consulted) outer.add(f);
      this.consulted = outer;
    }
  }

  private reachUncached(file: string, ref: Ref, cls: string | undefined, maxDepth: number): Reached[] {
    const out: Reached[] = [];
    const seen = new Set<string>();
    const first = this.resolve(file, ref, cls);
    const fn0 = first && this.fn(first);
    if (first && fn0) {
      const start: CallOrigin = { file, call: { ref, line: -1, column: -1, start: -1, end: -1 } };
      let level: { h: FnHandle; fn: FunctionSymbol; origin: CallOrigin; path: FnHandle[] }[] = [{ h: first, fn: fn0, origin: start, path: [] }];
      seen.add(first.file + '#' + first.id);
      for (let depth = 1; depth <= maxDepth && level.length; depth++) {
        const next: typeof level = [];
        for (const { h, fn, origin, path } of level) {
          out.push({ file: h.file, fn, depth, call: origin.call, callerFile: origin.file, path });
          if (depth === maxDepth) continue;
          for (const c of fn.calls) {
            const t = this.resolve(h.file, c.ref, fn.cls);
            if (!t) continue;
            const k = t.file + '#' + t.id;
            if (seen.has(k)) continue;
            const tf = this.fn(t);
            if (!tf) continue;
            seen.add(k);
            next.push({ h: t, fn: tf, origin: { file: h.file, call: c }, path: [...path, h] });
          }
        }
        level = next;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ resolution

  /** The value a call's callee names (functions for calls; classes/objects/instances/modules for member bases). */
  private callTarget(file: string, ref: Ref, cls: string | undefined, st: { hops: number }): Value | undefined {
    if (++st.hops > MAX_HOPS) return undefined;
    switch (ref.k) {
      case 'local': return this.localValue(file, ref.name, st);
      case 'import': return this.importValue(file, ref.module, ref.name, st);
      case 'this': return cls ? this.methodOf({ k: 'class', file, name: cls }, ref.name, st) : undefined;
      case 'ret': {
        // a factory's result: the class its function returns, as an instance
        const f = this.callTarget(file, ref.fn, cls, st);
        const fs = f?.k === 'fn' ? this.fn({ file: f.file, id: f.id }) : undefined;
        if (!f || f.k !== 'fn' || !fs?.returns) return undefined;
        const c = this.callTarget(f.file, fs.returns, undefined, st);
        return c?.k === 'class' ? { k: 'instance', file: c.file, name: c.name } : undefined;
      }
      case 'super': {
        const cs = cls ? this.classSym({ file, name: cls }) : undefined;
        const base = cs && this.baseClass(file, cs, st);
        return base ? this.methodOf(base, ref.name, st) : undefined;
      }
      case 'field': {
        if (!cls) return undefined;
        const ft = this.fieldType({ k: 'class', file, name: cls }, ref.field, st);
        if (!ft) return undefined;
        return this.memberOf(ft.k === 'class' ? { k: 'instance', file: ft.file, name: ft.name } : ft, ref.name, st);
      }
      case 'member': {
        const base = this.callTarget(file, ref.base, cls, st);
        return base ? this.memberOf(base, ref.name, st) : undefined;
      }
    }
  }

  private localValue(file: string, name: string, st: { hops: number }): Value | undefined {
    const s = this.symbols(file);
    if (!s) return undefined;
    if (own(s.functions, name)) return { k: 'fn', file, id: name };
    if (own(s.classes, name)) return { k: 'class', file, name };
    const t = own(s.locals, name);
    return t ? this.targetValue(file, t, st) : undefined;
  }

  private targetValue(file: string, t: Target, st: { hops: number }): Value | undefined {
    if (++st.hops > MAX_HOPS) return undefined;
    switch (t.k) {
      case 'fn': return { k: 'fn', file, id: t.id };
      case 'class': return { k: 'class', file, name: t.name };
      case 'object': return { k: 'object', file, name: t.name };
      case 'instance': {
        const c = this.callTarget(file, t.cls, undefined, st);
        return c?.k === 'class' ? { k: 'instance', file: c.file, name: c.name } : undefined;
      }
      case 'ref': return this.callTarget(file, t.ref, undefined, st);
      case 'reexport': return this.importValue(file, t.module, t.name, st);
    }
  }

  private importValue(file: string, module: string, name: string, st: { hops: number }): Value | undefined {
    const target = this.resolver.resolve(file, module);
    if (!target) return undefined;
    // a resolved file the index does not hold yet is a dependency too: when its symbols arrive (the background index,
    // the watcher reading a new file), the open documents that import it are re-settled
    if (!this.files.has(target)) { this.consulted.add(target); return undefined; }
    if (name === '*') {
      // a CommonJS `module.exports = fn` is called as the module itself
      const whole = own(this.symbols(target)!.exports, '*');
      return whole ? this.targetValue(target, whole, st) : { k: 'module', file: target };
    }
    return this.exportValue(target, name, st, new Set());
  }

  private exportValue(file: string, name: string, st: { hops: number }, seen: Set<string>): Value | undefined {
    if (seen.has(file) || ++st.hops > MAX_HOPS) return undefined;
    seen.add(file);
    const s = this.symbols(file);
    if (!s) return undefined;
    const t = own(s.exports, name);
    if (t) return this.targetValue(file, t, st);
    // `import x from './cjs'` of a CommonJS module: its module.exports object
    if (name !== 'default') {
      // hops bound the depth of a chain, not the breadth of a barrel: each `export *` branch starts from this depth
      for (const m of s.star) {
        const target = this.resolver.resolve(file, m);
        if (!target) continue;
        if (!this.files.has(target)) { this.consulted.add(target); continue; }
        const branch = { hops: st.hops };
        const v = this.exportValue(target, name, branch, seen);
        if (v) { st.hops = branch.hops; return v; }
      }
    }
    return undefined;
  }

  private memberOf(base: Value, name: string, st: { hops: number }): Value | undefined {
    switch (base.k) {
      case 'module': return this.exportValue(base.file, name, st, new Set());
      case 'object': {
        const s = this.symbols(base.file);
        if (!s) return undefined;
        const id = `${base.name}.${name}`;
        if (own(s.functions, id)) return { k: 'fn', file: base.file, id };
        const t = own(s.locals, id);
        return t ? this.targetValue(base.file, t, st) : undefined;
      }
      case 'class': return this.methodOf(base, name, st); // static method
      case 'instance': return this.methodOf({ k: 'class', file: base.file, name: base.name }, name, st);
      case 'fn': return undefined;
    }
  }

  private classSym(c: { file: string; name: string }): ClassSymbol | undefined {
    const s = this.symbols(c.file);
    return s ? own(s.classes, c.name) : undefined;
  }

  /** A method of a class or, failing that, of its base classes. */
  private methodOf(c: { k: 'class'; file: string; name: string }, name: string, st: { hops: number }): Value | undefined {
    let cur: { k: 'class'; file: string; name: string } | undefined = c;
    for (let i = 0; cur && i < 6; i++) {
      const cs = this.classSym(cur);
      if (!cs) return undefined;
      const id = own(cs.methods, name);
      if (id) return { k: 'fn', file: cur.file, id };
      cur = this.baseClass(cur.file, cs, st);
    }
    return undefined;
  }

  private baseClass(file: string, cs: ClassSymbol, st: { hops: number }): { k: 'class'; file: string; name: string } | undefined {
    if (!cs.extends) return undefined;
    const v = this.callTarget(file, cs.extends, undefined, st);
    return v?.k === 'class' ? v : undefined;
  }

  /** The class a field holds (its declared type or constructed class), looking through base classes. */
  private fieldType(c: { k: 'class'; file: string; name: string }, field: string, st: { hops: number }): Value | undefined {
    let cur: { k: 'class'; file: string; name: string } | undefined = c;
    for (let i = 0; cur && i < 6; i++) {
      const cs = this.classSym(cur);
      if (!cs) return undefined;
      const ft = own(cs.fields, field);
      if (ft) {
        if (!ft.ref) return undefined;
        const v = this.callTarget(cur.file, ft.ref, undefined, st);
        // a field typed with an object-literal service or a module namespace works like an instance
        return v && (v.k === 'class' || v.k === 'object' || v.k === 'module' || v.k === 'instance') ? v : undefined;
      }
      cur = this.baseClass(cur.file, cs, st);
    }
    return undefined;
  }
}

interface CallOrigin { file: string; call: Reached['call'] }
