/**
 * wall-clock-ordering: the shared analysis of one file: where the clock is read (`Date.now()`, `new Date()`, ...),
 * the variables and `this` fields that hold a reading (start times, deadlines), and how each reference to them
 * is used. The sub-kind modules (durations, identifiers, versions, ordering, skew) read this.
 */
import type { Node } from '../../core/parser';
import type { Report, RuleContext } from '../../core/rule';
import type { Fix } from '../../core/types';
import { unwrap, memberPath, keyName, FUNCTION_TYPES, contains } from '../../core/ast';
import { declarationScope } from '../../core/facts';
import { rangeKey, skipParensUp, numericWrapperAround, escapeRe, isRelational, namedChildrenOf, stripNumeric, thisField, enclosingClassBody } from './syntax';
import { START_RE } from './names';

/* ----------------------------------------------------------------------------------------------------------
 * Clock reads
 * -------------------------------------------------------------------------------------------------------- */

export interface ClockRead {
  /** The outermost expression that is the read: `Date.now()`, `new Date().getTime()`, `+new Date()`, `new Date()`. */
  expr: Node;
  /** A number (ms since epoch) rather than a Date object. */
  numeric: boolean;
}

export function clockReadOf(src: Node): ClockRead | null {
  if (src.type === 'call_expression') {
    // Date.now()
    return { expr: src, numeric: true };
  }
  // new Date() with no arguments (new Date(x) converts a value, it does not read the clock)
  const args = src.childForFieldName('arguments');
  if (args && args.namedChildren.some(c => c && c.type !== 'comment')) return null;
  const w = numericWrapperAround(src);
  if (w) return { expr: w, numeric: true };
  return { expr: src, numeric: false };
}

/** `useRef(x)` / `React.useRef(x)`. */
export function isUseRefCall(call: Node): boolean {
  const p = memberPath(call.childForFieldName('function'));
  return !!p && p[p.length - 1] === 'useRef' && (p.length === 1 || (p.length === 2 && p[0] === 'React'));
}

/** The name a holder's purpose is read from: a React ref's own name for `startTimeRef.current` (`startTime`). */
export function stateName(name: string): string {
  const m = /(?:^|\.)([A-Za-z_$][\w$]*?)(?:Ref|_ref)\.current$/.exec(name);
  return m ? m[1] : name;
}

/* ----------------------------------------------------------------------------------------------------------
 * Holders: variables and `this` fields that hold a clock reading (a start time or a deadline)
 * -------------------------------------------------------------------------------------------------------- */

export interface Holder {
  id: number;
  /** var: a variable; field: `this.x`; path: `state.openedAt` / `globalThis.x` on an object of this file. */
  kind: 'var' | 'field' | 'path';
  name: string;
  /** var: the declarator; field: the class body. */
  anchor: Node;
  /** Where references can appear. */
  scope: Node;
  deadline: boolean;
  /** const, or a let/var initialised from the clock: a start time taken once. */
  once: boolean;
  /** Every assignment is a pure clock read that performance.now() can replace. */
  convertible: boolean;
  /** ES `#private` or TS `private` field: no other file can read it. */
  privateField: boolean;
  /** Clock reads in its assignments (replaced by the fix). */
  reads: Node[];
  valid: boolean;
}

export type Use =
  | { kind: 'elapsed' | 'remaining' | 'deadline'; site: Node; other: Node | null; holders: Holder[]; inline: Node[] }
  | { kind: 'neutral' | 'escape' | 'other' };

export class ClockAnalysis {
  readonly reads = new Map<string, ClockRead>();
  readonly holders: Holder[] = [];
  private readonly varHolders = new Map<Node['id'], Holder>();
  private readonly fieldHolders = new Map<string, Holder>();
  private readonly pathHolders = new Map<string, Holder>();
  private readonly reported = new Set<string>();
  private readonly memos = new Map<string, unknown>();

  readonly located: Located;
  constructor(readonly ctx: RuleContext) { this.located = locate(ctx); }

  /* --- clock reads --- */
  collectReads(): void {
    const { ctx } = this;
    const dateShadowable = ctx.facts.declarations.has('Date') || ctx.facts.bindings.has('Date');
    const ok = (n: Node) => !dateShadowable || !ctx.facts.isShadowed(n, 'Date');
    for (const n of this.located.now) if (ok(n)) this.addRead(clockReadOf(n));
    for (const n of this.located.news) if (ok(n)) this.addRead(clockReadOf(n));
  }
  private addRead(r: ClockRead | null): void { if (r) this.reads.set(rangeKey(r.expr), r); }

  /** The clock read that `n` is (through parentheses), if any. */
  readAt(n: Node | null): ClockRead | undefined {
    const u = unwrap(n);
    return u ? this.reads.get(rangeKey(u)) : undefined;
  }

  /* --- holders --- */

  /** Classifies an assigned value: a clock read, a deadline (`read ± x`), another stamp holder, a sentinel, or other. */
  valueKind(v: Node | null): { kind: 'clock' | 'deadline' | 'holder' | 'sentinel' | 'other'; read?: ClockRead } {
    const u = unwrap(v);
    if (!u) return { kind: 'other' };
    const r = this.readAt(u);
    if (r) return { kind: 'clock', read: r };
    if (u.type === 'binary_expression') {
      const op = u.childForFieldName('operator')?.type;
      if (op === '+') {
        const l = this.readAt(u.childForFieldName('left'));
        const rr = this.readAt(u.childForFieldName('right'));
        if (l && !rr && l.numeric) return { kind: 'deadline', read: l };
        if (rr && !l && rr.numeric) return { kind: 'deadline', read: rr };
      }
    }
    // an injectable clock with the wall clock as its default: `deps.now?.() ?? new Date()`
    if (u.type === 'binary_expression' && /^(\?\?|\|\|)$/.test(u.childForFieldName('operator')?.type ?? '') && this.readAt(u.childForFieldName('right')) && /now|clock|time/i.test(u.childForFieldName('left')?.text ?? '')) return { kind: 'holder' };
    if (u.type === 'number' || u.type === 'null' || u.type === 'undefined' || (u.type === 'identifier' && u.text === 'undefined')) return { kind: 'sentinel' };
    if (u.type === 'identifier' || u.type === 'member_expression') {
      const h = this.holderOfRef(u);
      if (h && !h.deadline) return { kind: 'holder' };
    }
    return { kind: 'other' };
  }

  /** Declarator of the variable `name` visible at `at` (innermost), if declared in this file. */
  declaratorOf(name: string, at: Node): Node | undefined {
    const decls = this.ctx.facts.declarations.get(name);
    if (!decls) return undefined;
    let best: Node | undefined, bestScope: Node | null = null;
    for (const d of decls) {
      const s = declarationScope(d);
      if (!s || !contains(s, at)) continue;
      if (!bestScope || s.startIndex >= bestScope.startIndex) { best = d; bestScope = s; }
    }
    if (!best || best.type !== 'variable_declarator') return undefined;
    // a parameter of a function between the reference and the declaration shadows it
    for (let p: Node | null = at.parent; p && p !== bestScope; p = p.parent) {
      if (FUNCTION_TYPES.has(p.type)) {
        const params = p.childForFieldName('parameters') ?? p.childForFieldName('parameter');
        if (params && new RegExp(`(^|[^\\w$.])${escapeRe(name)}(?![\\w$])`).test(params.text)) return undefined;
      }
    }
    return best;
  }

  holderOfRef(n: Node): Holder | undefined {
    const u = unwrap(n);
    if (!u) return undefined;
    if (u.type === 'identifier') {
      const d = this.declaratorOf(u.text, u);
      const h = d ? this.varHolders.get(d.id) : undefined;
      return h?.valid ? h : undefined;
    }
    const f = thisField(u);
    if (f) {
      const body = this.thisScope(u);
      const h = body ? this.fieldHolders.get(body.id + ':' + f) : undefined;
      return h?.valid ? h : undefined;
    }
    const po = this.pathOwner(u);
    if (po) {
      const h = this.pathHolders.get(po.scope.id + ':' + po.path);
      return h?.valid ? h : undefined;
    }
    return undefined;
  }

  /**
   * `a.b` / `a.b.c` on an object this file owns: a module-level binding, `globalThis`/`global`, or a variable of the
   * enclosing function. The holder is keyed by the object's scope and the path text.
   */
  pathOwner(m: Node): { path: string; scope: Node } | undefined {
    if (m.type !== 'member_expression') return undefined;
    const parts = memberPath(m);
    if (!parts || parts.length < 2 || parts.length > 4 || parts[0] === 'this') return undefined;
    const root = parts[0];
    if (root === 'globalThis' || root === 'global') return { path: parts.join('.'), scope: this.ctx.root };
    let at: Node = m;
    while (at.type === 'member_expression') at = unwrap(at.childForFieldName('object')) ?? at;
    if (at.type !== 'identifier') return undefined;
    const d = this.declaratorOf(root, at);
    const scope = d ? declarationScope(d) : null;
    return scope ? { path: parts.join('.'), scope } : undefined;
  }

  collectHolders(): void {
    const { ctx } = this;
    // seeds: declarators / assignments / fields whose value is a clock read or a deadline
    for (const r of this.reads.values()) {
      let top = skipParensUp(r.expr);
      let p = top.parent;
      if (p?.type === 'binary_expression' && p.childForFieldName('operator')?.type === '+') {
        top = skipParensUp(p);
        p = top.parent;
      } else if (p?.type === 'binary_expression' && /^(\?\?|\|\|)$/.test(p.childForFieldName('operator')?.type ?? '') && p.childForFieldName('right')?.startIndex === top.startIndex && this.valueKind(p).kind === 'holder') {
        // `const now = deps.now?.() ?? new Date()`: an injectable clock defaulting to the wall clock
        top = skipParensUp(p);
        p = top.parent;
      }
      if (!p) continue;
      if (p.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === top.startIndex) this.varHolder(p);
      else if (p.type === 'assignment_expression' && p.childForFieldName('right')?.startIndex === top.startIndex) this.holderForTarget(p.childForFieldName('left'));
      else if (p.type === 'public_field_definition' || p.type === 'field_definition') this.fieldHolder(p);
      else if (p.type === 'pair' && p.childForFieldName('value')?.startIndex === top.startIndex) this.pairHolder(p);
      else if (p.type === 'arguments' && p.namedChild(0)?.startIndex === top.startIndex) this.refHolder(p.parent);
    }
    // one level of propagation: `this.last = now` where `now` holds a clock reading
    for (const a of ctx.captures('assign')) {
      const right = unwrap(a.childForFieldName('right'));
      if (right?.type !== 'identifier') continue;
      const d = this.declaratorOf(right.text, right);
      if (d && this.varHolders.has(d.id)) this.holderForTarget(a.childForFieldName('left'));
    }
    for (const d of ctx.captures('decl')) {
      const v = unwrap(d.childForFieldName('value'));
      if (v?.type === 'member_expression') {
        // `const openedAt = globalThis.__breakerOpenedAt` where that path holds a clock reading
        const po = this.pathOwner(v);
        if (po && this.pathHolders.has(po.scope.id + ':' + po.path)) this.varHolder(d);
        continue;
      }
      if (v?.type !== 'identifier') continue;
      const src = this.declaratorOf(v.text, v);
      if (src && this.varHolders.has(src.id)) this.varHolder(d);
    }
    for (const h of this.holders) this.validate(h);
  }

  private holderForTarget(left: Node | null): void {
    const l = unwrap(left);
    if (!l) return;
    if (l.type === 'identifier') {
      const d = this.declaratorOf(l.text, l);
      if (d) this.varHolder(d);
    } else {
      const f = thisField(l);
      const body = f ? this.thisScope(l) : null;
      // outside a class (constructor functions and prototypes) only a start-like name: `this.start = Date.now()`
      if (f && body && (body.type === 'class_body' || START_RE.test(f))) this.fieldHolderByName(body, f);
      else if (!f) { const po = this.pathOwner(l); if (po) this.pathHolder(po.path, po.scope); }
    }
  }

  private pathHolder(path: string, scope: Node): void {
    const key = scope.id + ':' + path;
    if (this.pathHolders.has(key)) return;
    const h: Holder = { id: this.holders.length, kind: 'path', name: path, anchor: scope, scope, deadline: false, once: false, convertible: false, privateField: false, reads: [], valid: true };
    this.pathHolders.set(key, h);
    this.holders.push(h);
  }

  /**
   * `const startRef = useRef(Date.now())`: a React ref is a component's instance field, kept across renders; its
   * `.current` is a path holder `startRef.current`.
   */
  private refHolder(call: Node | null): void {
    if (call?.type !== 'call_expression' || !isUseRefCall(call)) return;
    const d = skipParensUp(call).parent;
    if (d?.type !== 'variable_declarator' || d.childForFieldName('name')?.type !== 'identifier') return;
    const scope = declarationScope(d);
    if (scope) this.pathHolder(d.childForFieldName('name')!.text + '.current', scope);
  }

  /** `{ startedAt: Date.now() }` as a variable's initial value: a path holder `run.startedAt`. */
  private pairHolder(pair: Node): void {
    const obj = pair.parent;
    const d = obj?.type === 'object' ? skipParensUp(obj).parent : null;
    if (d?.type !== 'variable_declarator' || d.childForFieldName('name')?.type !== 'identifier') return;
    const key = keyName(pair.childForFieldName('key'));
    const scope = declarationScope(d);
    if (key && scope) this.pathHolder(d.childForFieldName('name')!.text + '.' + key, scope);
  }

  private varHolder(d: Node): void {
    if (this.varHolders.has(d.id)) return;
    const name = d.childForFieldName('name');
    if (name?.type !== 'identifier') return;
    const scope = declarationScope(d);
    if (!scope) return;
    const h: Holder = { id: this.holders.length, kind: 'var', name: name.text, anchor: d, scope, deadline: false, once: false, convertible: true, privateField: false, reads: [], valid: true };
    this.varHolders.set(d.id, h);
    this.holders.push(h);
  }

  private fieldHolder(def: Node): void {
    const body = def.parent;
    const name = def.childForFieldName('name') ?? def.childForFieldName('property');
    const f = keyName(name);
    if (body?.type === 'class_body' && f) this.fieldHolderByName(body, f);
  }

  /** Where `this.x` lives: the class body, or (constructor functions and prototype methods) the whole file. */
  thisScope(n: Node): Node | null { return enclosingClassBody(n) ?? this.ctx.root; }

  private fieldHolderByName(body: Node, f: string): void {
    const key = body.id + ':' + f;
    if (this.fieldHolders.has(key)) return;
    const h: Holder = { id: this.holders.length, kind: 'field', name: f, anchor: body, scope: body, deadline: false, once: false, convertible: true, privateField: f.startsWith('#'), reads: [], valid: true };
    this.fieldHolders.set(key, h);
    this.holders.push(h);
  }

  /** Looks at every assignment of the holder: all must be clock readings (or sentinels) of one kind. */
  private validate(h: Holder): void {
    const values: Node[] = [];
    let initIsClock = false;
    if (h.kind === 'var') {
      const v = h.anchor.childForFieldName('value');
      if (v) {
        values.push(v);
        const k = this.valueKind(v).kind;
        initIsClock = k === 'clock' || k === 'deadline' || k === 'holder';
      }
      for (const a of this.ctx.captures('assign')) {
        const l = unwrap(a.childForFieldName('left'));
        if (l?.type === 'identifier' && l.text === h.name && contains(h.scope, a) && this.declaratorOf(h.name, l)?.id === h.anchor.id) values.push(a.childForFieldName('right')!);
      }
      // augmented assignments (`t += x`) and updates: not a plain clock reading
      if (new RegExp(`(^|[^\\w$.])${escapeRe(h.name)}\\s*([-+*/]=|\\+\\+|--)`).test(this.textOf(h.scope))) h.valid = false;
    } else if (h.kind === 'path') {
      for (const a of this.ctx.captures('assign')) {
        if (!contains(h.scope, a)) continue;
        const l = unwrap(a.childForFieldName('left'));
        const po = l ? this.pathOwner(l) : undefined;
        if (po?.path === h.name && po.scope.id === h.scope.id) values.push(a.childForFieldName('right')!);
      }
      // `const run = { startedAt: Date.now() }`: the initial value, taken once in this function
      const [root, ...rest] = h.name.split('.');
      for (const d of this.ctx.captures('decl')) {
        if (!contains(h.scope, d) || d.childForFieldName('name')?.text !== root || declarationScope(d)?.id !== h.scope.id) continue;
        const init = unwrap(d.childForFieldName('value'));
        // `useRef(x)`: x is the first value of `ref.current` (kept across renders: not a start taken once)
        if (init?.type === 'call_expression' && rest.length === 1 && rest[0] === 'current' && isUseRefCall(init)) {
          const first = init.childForFieldName('arguments')?.namedChild(0);
          if (first) values.push(first);
          continue;
        }
        if (init?.type !== 'object' || rest.length !== 1) continue;
        for (const c of namedChildrenOf(init)) {
          if (c.type === 'pair' && keyName(c.childForFieldName('key')) === rest[0]) {
            values.push(c.childForFieldName('value')!);
            if (h.scope.id !== this.ctx.root.id && this.valueKind(c.childForFieldName('value')).kind === 'clock') initIsClock = true;
          }
        }
      }
    } else {
      for (const a of this.ctx.captures('assign')) {
        if (!contains(h.scope, a)) continue;
        const f = thisField(unwrap(a.childForFieldName('left')));
        if (f === h.name && this.thisScope(a)?.id === h.scope.id) values.push(a.childForFieldName('right')!);
      }
      for (const def of namedChildrenOf(h.scope)) {
        if ((def.type === 'public_field_definition' || def.type === 'field_definition') && keyName(def.childForFieldName('name') ?? def.childForFieldName('property')) === h.name) {
          const v = def.childForFieldName('value');
          if (v) values.push(v);
          if (/^\s*(private|protected)\b/.test(def.text) || def.namedChildren.some(c => c?.type === 'accessibility_modifier' && c.text !== 'public')) h.privateField = true;
        }
      }
    }
    let stamp = false, deadline = false;
    for (const v of values) {
      const k = this.valueKind(v);
      if (k.kind === 'clock') { stamp = true; if (k.read!.numeric) h.reads.push(k.read!.expr); else h.convertible = false; }
      else if (k.kind === 'deadline') { deadline = true; h.reads.push(k.read!.expr); }
      else if (k.kind === 'holder') { stamp = true; h.convertible = false; }
      else if (k.kind === 'sentinel') { h.convertible = false; }
      else { h.valid = false; }
    }
    if (stamp && deadline) h.valid = false;
    if (!stamp && !deadline) h.valid = false;
    h.deadline = deadline;
    // a start time taken once per call (initialised from the clock), as opposed to state kept across calls
    h.once = (h.kind === 'var' || h.kind === 'path') && initIsClock;
  }

  textOf(n: Node): string { return this.ctx.text.slice(n.startIndex, n.endIndex); }

  /** Every reference to the holder (not its own declaration/assignment targets). */
  references(h: Holder): Node[] {
    const out: Node[] = [];
    const text = this.textOf(h.scope);
    const base = h.scope.startIndex;
    if (h.kind === 'path') return this.pathReferences(h);
    const re = h.kind === 'var'
      ? new RegExp(`(?<![\\w$.#])${escapeRe(h.name)}(?![\\w$])`, 'g')
      : new RegExp(`\\bthis\\s*\\.\\s*${escapeRe(h.name)}(?![\\w$])`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const off = base + m.index + (h.kind === 'var' ? 0 : m[0].length - h.name.length);
      const leaf = this.ctx.root.descendantForIndex(off, off + h.name.length);
      if (!leaf) continue;
      if (h.kind === 'var') {
        if (leaf.type !== 'identifier' && leaf.type !== 'shorthand_property_identifier') continue;
        if (leaf.type === 'identifier' && this.declaratorOf(h.name, leaf)?.id !== h.anchor.id) continue;
        const p = leaf.parent;
        if (p?.type === 'variable_declarator' && p.childForFieldName('name')?.startIndex === leaf.startIndex) continue;
        if (p?.type === 'assignment_expression' && p.childForFieldName('left')?.startIndex === leaf.startIndex) continue;
        out.push(leaf);
      } else {
        const mem = leaf.parent;
        if (mem?.type !== 'member_expression' || this.thisScope(mem)?.id !== h.scope.id) continue;
        const p = skipParensUp(mem).parent;
        if (p?.type === 'assignment_expression' && unwrap(p.childForFieldName('left'))?.startIndex === mem.startIndex) continue;
        out.push(mem);
      }
    }
    return out;
  }

  private pathReferences(h: Holder): Node[] {
    const out: Node[] = [];
    const text = this.textOf(h.scope);
    const base = h.scope.startIndex;
    const re = new RegExp(`(?<![\\w$.])${h.name.split('.').map(escapeRe).join('\\s*\\??\\.\\s*')}(?![\\w$])`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const end = base + m.index + m[0].length;
      let n: Node | null = this.ctx.root.descendantForIndex(end - 1, end);
      while (n && n.type !== 'member_expression') n = n.parent;
      while (n && n.parent?.type === 'member_expression' && n.parent.childForFieldName('object')?.startIndex === n.startIndex && n.endIndex < end) n = n.parent;
      if (!n || n.endIndex !== end) continue;
      const po = this.pathOwner(n);
      if (po?.path !== h.name || po.scope.id !== h.scope.id) continue;
      const p = skipParensUp(n).parent;
      if (p?.type === 'assignment_expression' && unwrap(p.childForFieldName('left'))?.startIndex === n.startIndex) continue;
      out.push(n);
    }
    return out;
  }

  /** A fresh clock value: an inline read, or a var holder taken once (`const now = Date.now()`). */
  nowSide(n: Node | null): { inline?: ClockRead; holder?: Holder } | undefined {
    let u = unwrap(n);
    if (u && !this.readAt(u)) u = stripNumeric(u);
    if (!u) return undefined;
    const r = this.readAt(u);
    if (r) return { inline: r };
    const h = this.holderOfRef(u);
    if (h && !h.deadline) return { holder: h };
    return undefined;
  }

  /** How a reference to holder h is used. */
  classifyUse(h: Holder, ref: Node): Use {
    let v: Node = ref;
    const w = numericWrapperAround(v);
    if (w) v = w;
    v = skipParensUp(v);
    const p = v.parent;
    if (!p) return { kind: 'other' };
    if (ref.type === 'shorthand_property_identifier') return { kind: 'escape' };
    const isLeft = (b: Node) => b.childForFieldName('left')?.startIndex === v.startIndex && b.childForFieldName('left')?.endIndex === v.endIndex;
    if (p.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.type ?? '';
      const left = isLeft(p);
      const other = p.childForFieldName(left ? 'right' : 'left');
      const o = unwrap(other);
      if (op === '-') {
        if (!left && !h.deadline) {
          const now = this.nowSide(other);
          if (now && now.holder?.id !== h.id) return use('elapsed', p, other, [h, now.holder], [now.inline]);
        }
        if (left && h.deadline) {
          const now = this.nowSide(other);
          if (now) return use('remaining', p, other, [h, now.holder], [now.inline]);
        }
        if (left && !h.deadline && this.nowSide(other)?.holder && !this.nowSide(other)!.holder!.deadline) return { kind: 'neutral' }; // `end - start`, seen from `start`
        return { kind: 'other' };
      }
      if (op === '+' && !h.deadline) {
        // `start + timeout` compared with the clock: a deadline
        const up = skipParensUp(p);
        const cmp = up.parent;
        if (cmp?.type === 'binary_expression' && isRelational(cmp.childForFieldName('operator')?.type)) {
          const cl = cmp.childForFieldName('left');
          const otherSide = cl && cl.startIndex === up.startIndex && cl.endIndex === up.endIndex ? cmp.childForFieldName('right') : cl;
          const now = this.nowSide(otherSide);
          if (now && now.holder?.id !== h.id) return use('deadline', cmp, otherSide, [h, now.holder], [now.inline]);
        }
        return { kind: 'other' };
      }
      if (isRelational(op)) {
        if (o && (o.type === 'number' || o.type === 'null' || o.type === 'undefined')) return { kind: 'neutral' };
        if (h.deadline) {
          const now = this.nowSide(other);
          if (now) return use('deadline', p, other, [h, now.holder], [now.inline]);
        }
        return { kind: 'other' };
      }
      if (/^[!=]==?$/.test(op)) return o && (o.type === 'number' || o.type === 'null' || o.type === 'undefined' || o.text === 'undefined') ? { kind: 'neutral' } : { kind: 'other' };
      if (op === '&&' || op === '||' || op === '??') return { kind: 'neutral' };
      return { kind: 'other' };
    }
    if (p.type === 'unary_expression' && p.childForFieldName('operator')?.type === '!') return { kind: 'neutral' };
    if ((p.type === 'if_statement' || p.type === 'while_statement') && p.childForFieldName('condition')) return { kind: 'neutral' };
    if (p.type === 'arguments' || p.type === 'pair' || p.type === 'array' || p.type === 'return_statement' || p.type === 'template_substitution'
      || p.type === 'assignment_expression' || p.type === 'variable_declarator' || p.type === 'member_expression' || p.type === 'new_expression'
      || p.type === 'arrow_function' || p.type === 'spread_element') return { kind: 'escape' };
    return { kind: 'other' };

    function use(kind: 'elapsed' | 'remaining' | 'deadline', site: Node, other: Node | null, hs: (Holder | undefined)[], inl: (ClockRead | undefined)[]): Use {
      return { kind, site, other, holders: hs.filter((x): x is Holder => !!x), inline: inl.filter((x): x is ClockRead => !!x).map(r => r.expr) };
    }
  }

  /**
   * `o.p` where `o` is a variable of this function built here with `p` set from the clock (`const run = { startedAt:
   * Date.now() }`, or `run.startedAt = Date.now()`): a stamp this code took itself.
   */
  localObjectStamp(m: Node): boolean {
    const u = unwrap(m);
    if (u?.type !== 'member_expression') return false;
    const obj = unwrap(u.childForFieldName('object'));
    const prop = u.childForFieldName('property')?.text;
    if (obj?.type !== 'identifier' || !prop) return false;
    const d = this.declaratorOf(obj.text, obj);
    if (!d) return false;
    const isClock = (v: Node | null) => { const k = this.valueKind(v).kind; return k === 'clock' || k === 'deadline'; };
    const init = unwrap(d.childForFieldName('value'));
    if (init?.type === 'object') {
      for (const c of namedChildrenOf(init)) if (c.type === 'pair' && keyName(c.childForFieldName('key')) === prop && isClock(c.childForFieldName('value'))) return true;
    }
    const scope = declarationScope(d);
    if (!scope) return false;
    for (const asg of this.ctx.captures('assign')) {
      if (!contains(scope, asg)) continue;
      const l = unwrap(asg.childForFieldName('left'));
      if (l?.type === 'member_expression' && l.childForFieldName('property')?.text === prop && unwrap(l.childForFieldName('object'))?.text === obj.text && isClock(asg.childForFieldName('right'))) return true;
    }
    return false;
  }

  /** Memoises per-node work shared by sub-kinds (e.g. where a clock reading ends up). */
  once<T>(what: string, n: Node, compute: () => T): T {
    const k = what + '@' + rangeKey(n);
    if (!this.memos.has(k)) this.memos.set(k, compute());
    return this.memos.get(k) as T;
  }

  /** A finding that depends on another file (./helpers.ts): shown only once the project pass settles it. */
  reportPending(node: Node, pending: unknown): void {
    this.ctx.report({ node, messageId: 'id', message: 'wall-clock value from a project helper (pending)', pending });
  }

  report(node: Node, messageId: string, message: string, fixes: Fix[], severity: 'info' | undefined, incidents: string[], patterns: string[], related?: Report['related']): void {
    const k = rangeKey(node);
    if (this.reported.has(k)) return; // one finding per expression, whichever sub-kind saw it first
    this.reported.add(k);
    this.ctx.report({ node, messageId, message, fixes, severity, incidents, patterns, related });
  }
}

/**
 * Where the rule looks. Located by scanning the file text and mapping the few hits to nodes with
 * `descendantForIndex`, not by query patterns: every pattern that needs a text predicate (`#eq? "Date"`)
 * makes web-tree-sitter marshal each structural match (every `x.y()` call, every `new X()`) into JS first,
 * which measured at +0.6x of parse time on the bench corpus; the text scan costs next to nothing.
 */
export interface Located { now: Node[]; news: Node[]; cmps: Node[]; sorts: Node[] }

export const NOW_TEXT = /\bDate\s*\.\s*now\s*\(/g;
export const NEW_TEXT = /\bnew\s+Date\b/g;
export const ACCESSOR_TEXT = /(?<![\w$.])((?:[A-Za-z_$][\w$]*?)?(?:modified|updated|clock|edited|written|changed)[\w$]*)\s*\(/gi;
export const SORT_TEXT = /\.\s*(sort|toSorted)\s*\(/g;
export const LWW_TEXT = /\.\s*((?:updated|modified|changed|written|saved|synced|edited)(?:_?(?:at|on|time|date|ts|timestamp|ms))?|last_?(?:updated|modified|changed|write|written|update|modification|edit|edited|sync|synced|saved)(?:_?(?:at|on|time|date|ts|timestamp|ms))?|timestamp|ts|wall_?clock)\b/gi;

export function locate(ctx: RuleContext): Located {
  const { text, root } = ctx;
  const out: Located = { now: [], news: [], cmps: [], sorts: [] };
  for (const m of ctx.matchAll(NOW_TEXT)) {
    const id = root.descendantForIndex(m.index!, m.index! + 4);
    const mem = id?.type === 'identifier' ? id.parent : null;
    const call = mem?.type === 'member_expression' ? mem.parent : null;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.startIndex === mem!.startIndex && mem!.childForFieldName('property')?.text === 'now') out.now.push(call);
  }
  for (const m of ctx.matchAll(NEW_TEXT)) {
    const kw = root.descendantForIndex(m.index!, m.index! + 3);
    const ne = kw?.type === 'new' ? kw.parent : kw;
    if (ne?.type === 'new_expression' && ne.childForFieldName('constructor')?.text === 'Date') out.news.push(ne);
  }
  const seen = new Set<string>();
  for (const m of ctx.matchAll(LWW_TEXT)) {
    const at = m.index! + m[0].length - m[1].length;
    const prop = root.descendantForIndex(at, at + m[1].length);
    if (prop?.type !== 'property_identifier') continue;
    // climb through the stamp's wrappers to a relational comparison
    let n: Node | null = prop.parent;
    for (let i = 0; i < 6 && n; i++) {
      const p: Node | null = n.parent;
      if (!p) break;
      if (p.type === 'binary_expression') {
        if (isRelational(p.childForFieldName('operator')?.type)) { const k = rangeKey(p); if (!seen.has(k)) { seen.add(k); out.cmps.push(p); } }
        break;
      }
      if (!/^(parenthesized_expression|member_expression|call_expression|arguments|new_expression|unary_expression|as_expression|non_null_expression)$/.test(p.type)) break;
      n = p;
    }
  }
  // accessor calls compared with each other: `modifiedMs(remote) > modifiedMs(local)`
  for (const m of text.matchAll(ACCESSOR_TEXT)) {
    const id = root.descendantForIndex(m.index!, m.index! + m[1].length);
    const call = id?.type === 'identifier' ? id.parent : null;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.startIndex !== id!.startIndex) continue;
    const p = skipParensUp(call).parent;
    if (p?.type === 'binary_expression' && isRelational(p.childForFieldName('operator')?.type)) { const k = rangeKey(p); if (!seen.has(k)) { seen.add(k); out.cmps.push(p); } }
  }
  for (const m of ctx.matchAll(SORT_TEXT)) {
    const at = m.index! + m[0].indexOf(m[1]);
    const prop = root.descendantForIndex(at, at + m[1].length);
    const mem = prop?.type === 'property_identifier' ? prop.parent : null;
    const call = mem?.type === 'member_expression' ? mem.parent : null;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.startIndex === mem!.startIndex) out.sorts.push(call);
  }
  return out;
}
