/**
 * wall-clock-ordering: wall-clock time (`Date.now()`, `new Date()`, ...) used where only a monotonic clock
 * (durations, deadlines) or a logical clock (ids, versions, ordering across machines) is correct.
 * Contract: shared RULES.md "wall-clock-ordering". Docs and decisions: ./wall-clock-ordering.md.
 *
 * Three kinds:
 *  1. elapsed time / deadlines measured with the wall clock (severity info, fix to performance.now());
 *  2. wall-clock values used as ids, keys, versions, sequence numbers (warning; ids -> crypto.randomUUID());
 *  3. ordering / conflict resolution by timestamps: last-write-wins on `updatedAt`, merging event streams by
 *     timestamp to process them, leases/locks judged against the local clock (warning, no fix).
 *
 * Precision first: values are tracked through same-file variables and `this` fields only, and anything
 * that looks like an expiry, TTL, rate-limit window, display or calendar arithmetic is left alone.
 */
import type { Node } from '../core/parser';
import type { Rule, RuleContext } from '../core/rule';
import type { Fix, TextEdit } from '../core/types';
import { unwrap, memberPath, callArgs, keyName, FUNCTION_TYPES, contains } from '../core/ast';
import { declarationScope } from '../core/facts';
import { replaceNodeEdit } from '../core/edits';

const INC_CLOCK = ['cloudflare-leap-second-2017', 'linux-leap-second-2012'];

const meta = {
  id: 'wall-clock-ordering',
  title: 'Wall-clock time used for durations, ids or ordering',
  description: 'Flags Date.now()/new Date() used to measure elapsed time or deadlines, as ids/keys/versions, or to decide which of two records or events wins: the wall clock can step back or jump (NTP, leap seconds) and differs between machines.',
  defaultSeverity: 'warning' as const,
  incidents: ['cloudflare-leap-second-2017', 'linux-leap-second-2012', 'azure-leap-day-2012'],
  patterns: ['monotonic-clocks', 'logical-clocks'],
  fixable: true,
};

/* ----------------------------------------------------------------------------------------------------------
 * Names
 * -------------------------------------------------------------------------------------------------------- */

/** Expiry, cache, rate-limit, throttle: RULES.md "NOT findings". Applied to every name around a duration. */
const NOT_DURATION_RE = /ttl|cache|stale|fresh|max_?age|(^|[a-z_])age$|throttl|debounce|cooldown|rate_?limit|ratelimit|limiter|window|refresh|expir|token|cookie|session/i;
/** State kept across calls (fields, outer `let`s) counts as a start time only with a start-like name ... */
const START_RE = /start|begin|began|^t0$|^t_?start|since|(sent|requested|enqueued|queued|launched|connected|opened|acquired|attempt)(_?at|_?time|_?ts)$/i;
/** ... or when the elapsed time is compared with a timeout-like bound. */
const TIMEOUT_RE = /timeout|time_?limit|deadline|max_?(wait|duration|time|elapsed|ms)|grace|heartbeat|lease/i;

const ID_RE = /^(id|_id|uid|uuid|guid|key|unique(_?[A-Za-z][\w$]*)?|[A-Za-z_$][\w$]*?(Id|ID|Uid|Uuid|UUID|Guid|Key|_id|_key|_uid))$/;
const NOT_ID_RE = /^(timeout|timer|interval|raf|frame|animation|animationFrame|idle|immediate|watch|poll|handle)(Id|ID)$/;
const VERSION_RE = /^(version|ver|seq|seq_?no|seq_?num|sequence|sequence_?number|revision|rev|_rev|generation|[A-Za-z_$][\w$]*?(Version|Seq|Sequence|Revision|_version|_seq|_revision))$/i;
/** Randomness or a counter beside the time makes a home-made id unique enough. */
const RANDOMISH_RE = /random|uuid|nanoid|cuid|crypto|counter|\+\+|\bseq|\bincrement|\bpid\b|process\.pid|hrtime|performance\.now/i;
const ID_FN_RE = /^(gen(erate)?|make|create|new|next|get)_?(unique_?|random_?|temp_?)?(id|uid|key|guid|uuid)$|^(unique|uid|guid)_?id$/i;
/** `generateSessionId`, `createEpochId`, `new_message_id`: a making verb, a qualifier, an id suffix (camelCase or snake_case). */
const QUALIFIED_ID_FN_RE = /^(gen(erate)?|make|create|new|next)([A-Z][A-Za-z0-9]*?(Id|ID|Uid|UID|Uuid|UUID|Key)|_[a-z0-9_]*?_(id|uid|key))$/;
const NOT_ID_FN_RE = /cache|timer|timeout|interval|frame|idle|hash|etag/i;
/** Record timestamp fields compared to pick a winner (not `createdAt`: display/creation order, not writes). */
const LWW_PROP_RE = /^(updated|modified|changed|written|saved|synced|edited)(_?(at|on|time|date|ts|timestamp|ms))?$|^last_?(updated|modified|changed|write|written|update|modification|edit|edited|sync|synced|saved)(_?(at|on|time|date|ts|timestamp|ms))?$|^(timestamp|ts|wall_?clock)$/i;
/** Event/message timestamp fields used as a sort key. */
const SORT_PROP_RE = /^(timestamp|ts|time|at|date|updated_?at|created_?at|sent_?at|received_?at|occurred_?at|published_?at|modified_?at|event_?time|event_?ts|last_?modified|clock)$/i;
const STREAM_NAME_RE = /event|message|msg|op(eration)?s?\b|ops$|change|mutation|update|command|delta|patch|journal|oplog/i;
const APPLY_RE = /\b(apply|process|handle|replay|dispatch|emit|execute|commit|publish|reduce|merge|ingest|consume|on[A-Z]\w*)\w*\s*\(/;
const RESOLVE_FN_RE = /newer|newest|latest|winner|wins|beats|conflict|merge|resolve|should_?(apply|update|overwrite|replace|accept)|lww/i;
/** A variable that holds the verdict of a timestamp comparison, then picks a record: `const localNewer = a.updatedAt >= b.updatedAt`. */
const VERDICT_VAR_RE = /newer|newest|latest|winner|wins|stale|outdated/i;
/** Accessor functions that read a record's update stamp: `modifiedMs(remote) > modifiedMs(local)`, `checkedClock(a) <= checkedClock(b)`. */
const STAMP_FN_RE = /^(?:[A-Za-z_$][\w$]*?)?(modified|updated|clock|edited|written|changed)[\w$]*$/i;
const WRITE_RE = /\b(save|put|set|update|upsert|write|replace|merge|apply|store|persist|insert|overwrite|commit|accept|keep|use|take)\w*\s*\(|[^=!<>]=[^=>]|\breturn\b|\bcontinue\b|\bbreak\b/i;
const LEASE_WORDS = new Set(['lease', 'leases', 'leader', 'leadership', 'heartbeat', 'heartbeats', 'lock', 'locks', 'mutex', 'leaseholder']);
const LOCKOUT_RE = /lock(ed|out)?_?until|lockout|login|attempt|account|user|password|otp|captcha|scroll|screen|ui\b/i;

/* ----------------------------------------------------------------------------------------------------------
 * Clock reads
 * -------------------------------------------------------------------------------------------------------- */

interface ClockRead {
  /** The outermost expression that is the read: `Date.now()`, `new Date().getTime()`, `+new Date()`, `new Date()`. */
  expr: Node;
  /** A number (ms since epoch) rather than a Date object. */
  numeric: boolean;
}

function rangeKey(n: Node): string { return n.startIndex + ':' + n.endIndex; }

function skipParensUp(n: Node): Node {
  let c = n;
  while (c.parent && (c.parent.type === 'parenthesized_expression' || c.parent.type === 'as_expression' || c.parent.type === 'satisfies_expression' || c.parent.type === 'non_null_expression')) c = c.parent;
  return c;
}

function isCallTo(n: Node | null, path: string): boolean {
  if (!n || n.type !== 'call_expression') return false;
  const p = memberPath(n.childForFieldName('function'));
  return !!p && p.join('.') === path;
}

/** `x.getTime()` / `x.valueOf()` around n: the call, else null. */
function numericMethodAround(n: Node): Node | null {
  const up = skipParensUp(n);
  const p = up.parent;
  if (p?.type === 'member_expression' && p.childForFieldName('object')?.startIndex === up.startIndex) {
    const prop = p.childForFieldName('property')?.text;
    if ((prop === 'getTime' || prop === 'valueOf') && p.parent?.type === 'call_expression') return p.parent;
  }
  return null;
}

/** `+x`, `Number(x)`, `x.getTime()`, `x.valueOf()` around n (one level): the wrapper, else null. */
function numericWrapperAround(n: Node): Node | null {
  const m = numericMethodAround(n);
  if (m) return m;
  const up = skipParensUp(n);
  const p = up.parent;
  if (p?.type === 'unary_expression' && p.childForFieldName('operator')?.type === '+') return p;
  if (p?.type === 'arguments' && isCallTo(p.parent, 'Number') && callArgs(p.parent!).length === 1) return p.parent;
  return null;
}

function clockReadOf(src: Node): ClockRead | null {
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

/* ----------------------------------------------------------------------------------------------------------
 * Holders: variables and `this` fields that hold a clock reading (a start time or a deadline)
 * -------------------------------------------------------------------------------------------------------- */

interface Holder {
  id: number;
  kind: 'var' | 'field';
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

type Use =
  | { kind: 'elapsed' | 'remaining' | 'deadline'; site: Node; other: Node | null; holders: Holder[]; inline: Node[] }
  | { kind: 'neutral' | 'escape' | 'other' };

class Analysis {
  readonly reads = new Map<string, ClockRead>();
  readonly holders: Holder[] = [];
  private readonly varHolders = new Map<Node['id'], Holder>();
  private readonly fieldHolders = new Map<string, Holder>();
  private readonly reported = new Set<string>();

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
    return undefined;
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
      }
      if (!p) continue;
      if (p.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === top.startIndex) this.varHolder(p);
      else if (p.type === 'assignment_expression' && p.childForFieldName('right')?.startIndex === top.startIndex) this.holderForTarget(p.childForFieldName('left'));
      else if (p.type === 'public_field_definition' || p.type === 'field_definition') this.fieldHolder(p);
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
    }
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
    h.once = h.kind === 'var' && initIsClock;
  }

  textOf(n: Node): string { return this.ctx.text.slice(n.startIndex, n.endIndex); }

  /** Every reference to the holder (not its own declaration/assignment targets). */
  references(h: Holder): Node[] {
    const out: Node[] = [];
    const text = this.textOf(h.scope);
    const base = h.scope.startIndex;
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

  /* --- kind 1: durations and deadlines --- */
  checkDurations(): void {
    const uses = new Map<number, { h: Holder; list: Use[] }>();
    for (const h of this.holders) {
      if (!h.valid) continue;
      const list = this.references(h).map(r => this.classifyUse(h, r));
      uses.set(h.id, { h, list });
    }
    // components of holders linked by a use (`end - start`), for the fix
    const parent = new Map<number, number>();
    const find = (x: number): number => { while (parent.has(x) && parent.get(x) !== x) x = parent.get(x)!; return x; };
    for (const { list } of uses.values()) for (const u of list) if ('site' in u) for (const x of u.holders) parent.set(find(x.id), find(u.holders[0].id));

    const perfUsable = this.performanceUsable();
    const sites: { u: Extract<Use, { site: Node }>; h: Holder }[] = [];
    for (const { h, list } of uses.values()) {
      const escapes = list.some(u => u.kind === 'escape');
      for (const u of list) {
        if (!('site' in u)) continue;
        if (!this.qualifies(h, u, escapes)) continue;
        sites.push({ u, h });
      }
    }
    for (const { u, h } of sites) {
      const root = find(h.id);
      const comp = [...uses.values()].filter(x => find(x.h.id) === root);
      let fix: Fix | undefined;
      const fixable = perfUsable && comp.every(({ h: ch, list }) => ch.convertible && (ch.kind === 'var' || ch.privateField) && list.every(x => x.kind !== 'escape' && x.kind !== 'other'));
      if (fixable) {
        const edits: TextEdit[] = [];
        const seen = new Set<string>();
        const add = (n: Node) => { const k = rangeKey(n); if (!seen.has(k)) { seen.add(k); edits.push(replaceNodeEdit(n, 'performance.now()')); } };
        for (const { h: ch, list } of comp) {
          ch.reads.forEach(add);
          for (const x of list) if ('site' in x) x.inline.forEach(add);
        }
        if (edits.every(e => this.readAt(this.ctx.root.descendantForIndex(e.start, e.end))?.numeric !== false)) {
          fix = { title: 'Measure with `performance.now()` (monotonic) at both ends', edits, safety: 'unsafe', isPreferred: true };
        }
      }
      const what = u.kind === 'elapsed'
        ? `elapsed time from the wall clock (\`${shortText(this.textOf(u.site))}\`): an NTP step or leap second can make it negative or huge (Cloudflare 2017); use a monotonic clock`
        : u.kind === 'remaining'
          ? `time left until a wall-clock deadline (\`${shortText(this.textOf(u.site))}\`): a clock step can make it negative or huge (Cloudflare 2017); use a monotonic clock`
          : `deadline checked against the wall clock (\`${shortText(this.textOf(u.site))}\`): a clock step can fire it early or never (Linux leap second 2012); use a monotonic clock`;
      this.report(u.site, u.kind === 'elapsed' ? 'elapsed' : 'deadline', what, fix ? [fix] : [], 'info', INC_CLOCK, ['monotonic-clocks']);
    }
  }

  private qualifies(h: Holder, u: Extract<Use, { site: Node }>, escapes: boolean): boolean {
    const names = [h.name];
    for (const x of u.holders) names.push(x.name);
    // the bound the elapsed time is compared with, or the variable that receives it
    const up = skipParensUp(u.site);
    const p = up.parent;
    let bound = '';
    if (p?.type === 'binary_expression') {
      const l = p.childForFieldName('left'), r = p.childForFieldName('right');
      bound = (l && l.startIndex === up.startIndex ? r : l)?.text ?? '';
    } else if (p?.type === 'variable_declarator') bound = p.childForFieldName('name')?.text ?? '';
    else if (p?.type === 'assignment_expression') bound = p.childForFieldName('left')?.text ?? '';
    if (u.kind === 'deadline' || u.kind === 'remaining') bound += ' ' + (u.other?.text ?? '');
    if (names.some(n => NOT_DURATION_RE.test(n)) || NOT_DURATION_RE.test(bound)) return false;
    if (h.deadline) {
      // a deadline that is stored or passed on is an expiry timestamp, not a local deadline
      if (escapes) return false;
      return h.once || TIMEOUT_RE.test(h.name) || /deadline|until|end|stop|give_?up/i.test(h.name);
    }
    return h.once || START_RE.test(h.name) || TIMEOUT_RE.test(bound);
  }

  private performanceUsable(): boolean {
    const { facts } = this.ctx;
    const b = facts.bindings.get('performance');
    if (b) return /^(node:)?perf_hooks$/.test(b.module);
    return !facts.declarations.has('performance');
  }

  /* --- kind 2: ids, keys, versions --- */
  checkIds(): void {
    for (const r of this.reads.values()) {
      if (!r.numeric && r.expr.type === 'new_expression') {
        // `new Date()` as an id only through String()/toString()/template: handled by idContext below
      }
      const ctxInfo = this.idContext(r);
      if (!ctxInfo) continue;
      const { name, replace, kind } = ctxInfo;
      if (kind === 'version') {
        this.report(r.expr, 'version', `\`${name}\` set from the wall clock: clocks differ between machines and can step back, so versions can repeat or go backwards and a newer write can lose; use a counter or a hybrid logical clock`, [], undefined, INC_CLOCK, ['logical-clocks']);
      } else if (/idempot/i.test(name)) {
        this.report(r.expr, 'id', `wall-clock time in an idempotency key (\`${name}\`): a retry gets a new key, so the duplicate is not recognised (and two requests in the same millisecond share one); derive the key from the request or operation id`, [], undefined, INC_CLOCK, ['idempotency-keys', 'logical-clocks']);
      } else {
        const uuid = ctxInfo.hop ? undefined : this.uuidExpr();
        const fixes: Fix[] = uuid ? [{ title: `Use \`${uuid}\` for the id`, edits: [replaceNodeEdit(replace, uuid)], safety: 'unsafe', isPreferred: true }] : [];
        this.report(r.expr, 'id', `wall-clock time used as ${kind === 'key' ? 'a key' : 'an id'} (\`${name}\`): two calls in the same millisecond, on two machines, or after the clock steps back get the same value; use a random UUID`, fixes, undefined, INC_CLOCK, ['logical-clocks']);
      }
    }
  }

  /** Whether the clock read ends up as an id/key/version, and what to replace for the fix. */
  private idContext(r: ClockRead): { name: string; replace: Node; kind: 'id' | 'key' | 'version'; hop?: boolean } | undefined {
    const read = skipParensUp(r.expr);
    const direct = this.idContextAt(r, read, true);
    if (direct) return direct;
    // one hop through a `const` that holds the (scaled) reading under a name that is not an id itself:
    // `const ts = new Date() / 1000; const sequence = Math.floor(ts * 1000)`, `const now = Date.now(); o.id = now`
    const held = this.climbScaling(read);
    const d = held.parent;
    if (d?.type !== 'variable_declarator' || d.childForFieldName('value')?.startIndex !== held.startIndex) return undefined;
    const nameNode = d.childForFieldName('name');
    if (nameNode?.type !== 'identifier' || d.parent?.type !== 'lexical_declaration' || !/^const\b/.test(d.parent.text)) return undefined;
    const heldNumeric = r.numeric || held !== read;
    const scope = enclosingFunctionOf(d) ?? this.ctx.root;
    const re = new RegExp(`(?<![\\w$.])${escapeRe(nameNode.text)}(?![\\w$])`, 'g');
    const text = this.ctx.text;
    re.lastIndex = d.endIndex;
    for (let m = re.exec(text); m && m.index < scope.endIndex; m = re.exec(text)) {
      if (!this.ctx.inRegion(m.index)) continue;
      const ref = this.ctx.root.descendantForIndex(m.index);
      if (!ref || ref.type !== 'identifier' || ref.text !== nameNode.text) continue;
      if (this.declaratorOf(nameNode.text, ref)?.startIndex !== d.startIndex) continue;
      const hop = this.idContextAt(r, skipParensUp(ref), false, heldNumeric);
      if (hop) return { ...hop, hop: true };
    }
    return undefined;
  }

  /** `Math.floor(x)`, `Math.round(x)`, `Math.trunc(x)`, `x * 1000`, `x / 1000` around n: a change of unit keeps the clock's value. */
  private climbScaling(n: Node): Node {
    let x = n;
    for (let i = 0; i < 4; i++) {
      const p = x.parent;
      if (!p) break;
      if (p.type === 'arguments' && p.parent && callArgs(p.parent).length === 1 && /^Math\.(floor|round|trunc)$/.test(memberPath(p.parent.childForFieldName('function'))?.join('.') ?? '')) { x = skipParensUp(p.parent); continue; }
      if (p.type === 'binary_expression' && /^[*/]$/.test(p.childForFieldName('operator')?.type ?? '')) {
        const other = p.childForFieldName('left')?.startIndex === x.startIndex ? p.childForFieldName('right') : p.childForFieldName('left');
        if (unwrap(other)?.type === 'number') { x = skipParensUp(p); continue; }
      }
      break;
    }
    return x;
  }

  /** The id/key/version context of the value at `start`: a clock read, or (one hop) a reference to a `const` holding one. */
  private idContextAt(r: ClockRead, start: Node, atRead: boolean, heldNumeric = r.numeric): { name: string; replace: Node; kind: 'id' | 'key' | 'version' } | undefined {
    let x: Node = this.climbScaling(start);
    const scaled = x !== start;
    let replace = x;
    let composite = false;
    // String(x), x.toString(), `${x}`, 'a' + x
    for (let i = 0; i < 6; i++) {
      const p = x.parent;
      if (!p) break;
      if (p.type === 'arguments' && isCallTo(p.parent, 'String')) { x = skipParensUp(p.parent!); if (!composite) replace = x; continue; }
      if (p.type === 'member_expression' && p.childForFieldName('property')?.text === 'toString' && p.parent?.type === 'call_expression') {
        if (callArgs(p.parent).length) composite = true; // toString(36): part of a home-made id
        x = skipParensUp(p.parent); if (!composite) replace = x; continue;
      }
      if (p.type === 'template_substitution' && p.parent?.type === 'template_string') { composite = true; x = skipParensUp(p.parent); continue; }
      if (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '+' && (composite || /['"`]/.test(p.text) || (atRead ? r.numeric : heldNumeric) === false)) {
        composite = true; x = skipParensUp(p); continue;
      }
      break;
    }
    if (!heldNumeric && !composite && !scaled && replace === start) {
      // a Date object as an id is odd enough to be something else (a default value, a field type)
      return undefined;
    }
    if (composite) {
      const t = x.text;
      // randomness or a counter beside the time: unique enough; cache-busters; file names
      if (RANDOMISH_RE.test(t)) return undefined;
      // through a `const`, the other parts are often variables too (`${rand}-${ts}`): the whole function must be free of randomness
      if (!atRead && RANDOMISH_RE.test(this.textOf(enclosingFunctionOf(start) ?? this.ctx.root))) return undefined;
      const before = t.slice(0, Math.max(0, r.expr.startIndex - x.startIndex));
      if (/[?&=]/.test(before) || /[?&]\w*=?$/.test(before)) return undefined;
      if (/\.(json|txt|log|csv|tsv|png|jpe?g|gif|webp|svg|zip|gz|tgz|tar|sql|bak|md|html?|js|ts|pdf|xml|ya?ml|db|sqlite|dump|out|tmp|wav|mp[34]|webm)\b/i.test(t) || /[\\/]/.test(before)) return undefined;
    }
    const p = x.parent;
    if (!p) return undefined;
    let name: string | undefined;
    let kind: 'id' | 'key' | 'version' | undefined;
    if (p.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === x.startIndex) {
      name = p.childForFieldName('name')?.type === 'identifier' ? p.childForFieldName('name')!.text : undefined;
    } else if (p.type === 'pair' && p.childForFieldName('value')?.startIndex === x.startIndex) {
      name = keyName(p.childForFieldName('key'));
      // query-string / header objects: `{ params: { v: Date.now() } }` is a cache-buster
      const outer = p.parent ? skipParensUp(p.parent).parent : null;
      const holderName = outer?.type === 'pair' ? keyName(outer.childForFieldName('key')) : outer?.type === 'variable_declarator' ? outer.childForFieldName('name')?.text : undefined;
      if (/^(params|query|qs|search_?params|headers|search|query_?params|url_?params)$/i.test(holderName ?? '')) return undefined;
    } else if (p.type === 'assignment_expression' && p.childForFieldName('right')?.startIndex === x.startIndex) {
      const l = memberPath(p.childForFieldName('left'));
      name = l?.[l.length - 1];
    } else if ((p.type === 'public_field_definition' || p.type === 'field_definition') && p.childForFieldName('value')?.startIndex === x.startIndex) {
      name = keyName(p.childForFieldName('name') ?? p.childForFieldName('property'));
    } else if (p.type === 'subscript_expression' && p.childForFieldName('index')?.startIndex === x.startIndex) {
      const up = skipParensUp(p).parent;
      if (up?.type === 'assignment_expression' && unwrap(up.childForFieldName('left'))?.startIndex === p.startIndex) { name = `${p.childForFieldName('object')?.text}[…]`; kind = 'key'; }
    } else if (p.type === 'arguments' && p.namedChild(0)?.startIndex === x.startIndex && callArgs(p.parent!).length >= 2) {
      const fn = p.parent?.childForFieldName('function');
      const prop = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
      const obj = fn?.type === 'member_expression' ? fn.childForFieldName('object')?.text ?? '' : '';
      if ((prop === 'set' || prop === 'setItem') && !/header|param|search|cookie|attribute|style|form/i.test(obj)) { name = `${obj}.${prop}(…)`; kind = 'key'; }
    } else if (p.type === 'return_statement' || (p.type === 'arrow_function' && p.childForFieldName('body')?.startIndex === x.startIndex)) {
      const f = p.type === 'arrow_function' ? p : enclosingFunctionOf(p);
      const fname = f ? functionName(f) : undefined;
      if (fname && (ID_FN_RE.test(fname) || (QUALIFIED_ID_FN_RE.test(fname) && !NOT_ID_FN_RE.test(fname)))) { name = `${fname}()`; kind = 'id'; }
    }
    if (!name) return undefined;
    if (!kind) {
      if (NOT_DURATION_RE.test(name) && /cache/i.test(name)) return undefined;
      if (VERSION_RE.test(name)) kind = 'version';
      else if (ID_RE.test(name) && !NOT_ID_RE.test(name)) kind = /key$/i.test(name) ? 'key' : 'id';
      else return undefined;
    }
    if (kind === 'version' && /cache|asset|build|bust/i.test(name)) return undefined;
    return { name, replace, kind };
  }

  /** `crypto.randomUUID()` as it compiles here: Node's crypto import, a named import, or the global Web Crypto. */
  private uuidExpr(): string | undefined {
    const { facts } = this.ctx;
    const named = [...facts.bindings.entries()].find(([, b]) => /^(node:)?crypto$/.test(b.module) && b.imported === 'randomUUID');
    if (named && !facts.declarations.get(named[0])?.some(d => !contains(d, named[1].node))) return `${named[0]}()`;
    const c = facts.bindings.get('crypto');
    if (c) return /^(node:)?crypto$/.test(c.module) && (c.imported === '*' || c.imported === 'default' || c.imported === 'webcrypto') ? 'crypto.randomUUID()' : 'globalThis.crypto.randomUUID()';
    if (facts.declarations.has('crypto')) return 'globalThis.crypto.randomUUID()';
    return 'crypto.randomUUID()';
  }

  /* --- kind 3: ordering and conflict resolution --- */

  /** `a.updatedAt > b.updatedAt` deciding which write wins. */
  checkLastWriteWins(): void {
    for (const cmp of this.located.cmps) {
      const op = cmp.childForFieldName('operator')?.type;
      if (!isRelational(op)) continue;
      const l = recordStamp(cmp.childForFieldName('left')) ?? accessorStamp(cmp.childForFieldName('left'));
      const r = recordStamp(cmp.childForFieldName('right')) ?? accessorStamp(cmp.childForFieldName('right'));
      if (!l || !r) continue;
      if (l.accessor || r.accessor) {
        // same accessor on two records; not file stamps (`mtime(src) > mtime(dest)` is a build check on one machine)
        if (l.prop !== r.prop || /mtime|file|stat|path/i.test(l.prop) || /file|path|src|dest|dst|stat|dir|target|source/i.test(l.object + ' ' + r.object)) continue;
      }
      else if (!LWW_PROP_RE.test(l.prop) || !LWW_PROP_RE.test(r.prop)) continue;
      if (l.object === r.object) continue;
      if (insideSortComparator(cmp)) continue;
      if (!this.decidesAWrite(cmp, [l.object, r.object])) continue;
      this.report(cmp, 'lastWriteWins', `last-write-wins by wall-clock timestamps (\`${shortText(this.textOf(cmp))}\`): clocks on different machines disagree and can step back, so an older write can overwrite a newer one; use a version counter or a hybrid logical clock`, [], undefined, INC_CLOCK, ['logical-clocks']);
    }
  }

  private decidesAWrite(cmp: Node, objects: string[]): boolean {
    let n: Node = skipParensUp(cmp);
    for (let i = 0; i < 6 && n.parent; i++) {
      const p: Node = n.parent;
      if (p.type === 'binary_expression' && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.type ?? '')) { n = skipParensUp(p); continue; }
      if (p.type === 'unary_expression' && p.childForFieldName('operator')?.type === '!') { n = skipParensUp(p); continue; }
      if (p.type === 'parenthesized_expression') { n = p; continue; }
      if (p.type === 'if_statement' && p.childForFieldName('condition')?.startIndex === n.startIndex) {
        // the branch keeps or drops a write (`save(incoming)`, `current = incoming`, `return` as a stale guard),
        // not a UI effect like `showNewBadge()`
        const body = p.childForFieldName('consequence');
        return !!body && WRITE_RE.test(this.textOf(body));
      }
      if (p.type === 'ternary_expression' && p.childForFieldName('condition')?.startIndex === n.startIndex) {
        const roots = objects.map(o => o.split(/[.[]/)[0]);
        const branch = (f: string) => { const b = unwrap(p.childForFieldName(f)); const t = b?.text ?? ''; return objects.includes(t) || roots.includes(t); };
        return branch('consequence') && branch('alternative');
      }
      if (p.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === n.startIndex) {
        // the verdict then picks one of the records (`v ? local : remote`) or guards a write (`if (v) save(x)`)
        const name = p.childForFieldName('name');
        if (name?.type !== 'identifier' || !VERDICT_VAR_RE.test(name.text)) return false;
        const scope = enclosingFunctionOf(p) ?? this.ctx.root;
        const after = this.ctx.text.slice(p.endIndex, scope.endIndex);
        const v = escapeRe(name.text);
        const alts = objects.map(escapeRe).join('|');
        if (new RegExp(`(?<![\\w$.])${v}\\s*\\?\\s*(${alts})\\s*:\\s*(${alts})(?![\\w$])`).test(after)) return true;
        const g = new RegExp(`\\bif\\s*\\(\\s*!?\\s*${v}\\s*\\)([^\\n]*\\n?){1,3}`).exec(after);
        return !!g && WRITE_RE.test(g[0].replace(/^if\s*\([^)]*\)/, ''));
      }
      if (p.type === 'return_statement' || (p.type === 'arrow_function' && p.childForFieldName('body')?.startIndex === n.startIndex)) {
        const f = p.type === 'arrow_function' ? p : enclosingFunctionOf(p);
        const name = f ? functionName(f) : undefined;
        return !!name && RESOLVE_FN_RE.test(name);
      }
      break;
    }
    return false;
  }

  /** Events/messages from several sources sorted by timestamp to be processed in that order. */
  checkSorts(): void {
    if (this.ctx.lang === 'tsx' || /\.jsx$/i.test(this.ctx.file)) return; // UI code: sorting for display
    for (const call of this.located.sorts) {
      const cmpFn = callArgs(call)[0];
      if (!cmpFn || !FUNCTION_TYPES.has(cmpFn.type)) continue;
      const params = (cmpFn.childForFieldName('parameters')?.namedChildren ?? []).filter((c): c is Node => !!c).map(c => (c.childForFieldName('pattern') ?? c).text);
      if (params.length !== 2) continue;
      const body = this.textOf(cmpFn.childForFieldName('body') ?? cmpFn);
      const prop = sortKey(body, params[0], params[1]);
      if (!prop || !SORT_PROP_RE.test(prop)) continue;
      const fn = call.childForFieldName('function')!;
      const recv = unwrap(fn.childForFieldName('object'));
      if (!recv) continue;
      if (containsJsx(enclosingFunctionOf(call) ?? this.ctx.root, this.ctx.text)) continue;
      const merged = this.isMerged(recv);
      const recvName = recv.type === 'identifier' ? recv.text : memberPath(recv)?.join('.') ?? '';
      const processed = this.processedInOrder(call, recv);
      if (!(merged || (processed && STREAM_NAME_RE.test(recvName)))) continue;
      if (!processed && !STREAM_NAME_RE.test(recvName + ' ' + (merged ? this.textOf(recv) : ''))) continue;
      this.report(call, 'sortByTimestamp', `events ordered by wall-clock timestamps (\`.${fn.childForFieldName('property')?.text}\` by \`${prop}\`): clocks on different sources disagree and can step back, so events are processed out of causal order; use a logical clock or a per-source sequence number`, [], undefined, INC_CLOCK, ['logical-clocks']);
    }
  }

  private isMerged(recv: Node | null, depth = 0): boolean {
    const u = unwrap(recv);
    if (!u || depth > 2) return false;
    if (u.type === 'array') return u.namedChildren.filter(c => c?.type === 'spread_element').length >= 2;
    if (u.type === 'call_expression') {
      const f = u.childForFieldName('function');
      const prop = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
      if (prop === 'concat' && callArgs(u).length >= 1) return true;
      if (prop === 'flat' || prop === 'flatMap') return true;
      if (prop === 'slice' || prop === 'filter') return this.isMerged(f!.childForFieldName('object'), depth + 1);
      return false;
    }
    if (u.type === 'identifier') {
      const d = this.ctx.facts.constDeclarator(u.text, u) ?? this.declaratorOf(u.text, u);
      const v = d?.childForFieldName('value');
      return v ? this.isMerged(v, depth + 1) : false;
    }
    return false;
  }

  private processedInOrder(call: Node, recv: Node): boolean {
    const up = skipParensUp(call);
    const p = up.parent;
    // for (const e of xs.sort(...)) apply(e)
    if (p?.type === 'for_in_statement' && p.childForFieldName('right')?.startIndex === up.startIndex) return APPLY_RE.test(this.textOf(p.childForFieldName('body') ?? p));
    // xs.sort(...).forEach(apply) / .reduce(apply, s)
    if (p?.type === 'member_expression' && /^(forEach|reduce|map)$/.test(p.childForFieldName('property')?.text ?? '') && p.parent?.type === 'call_expression') {
      const a = this.textOf(p.parent.childForFieldName('arguments') ?? p.parent);
      return APPLY_RE.test(a) || /^\(\s*(apply|process|handle|replay|dispatch|emit|ingest|consume)\w*\s*[,)]/.test(a) || p.childForFieldName('property')?.text === 'reduce';
    }
    // xs.sort(...); for (const e of xs) apply(e)
    const name = recv.type === 'identifier' ? recv.text : undefined;
    let holder: string | undefined = name;
    if (p?.type === 'variable_declarator') holder = p.childForFieldName('name')?.text;
    if (!holder) return false;
    const scope = enclosingFunctionOf(call) ?? this.ctx.root;
    const after = this.ctx.text.slice(call.endIndex, scope.endIndex);
    const re = new RegExp(`for\\s*\\(\\s*(const|let|var)\\s+[^;]*?\\s+of\\s+${escapeRe(holder)}\\s*\\)([^\\n]*\\n?){1,4}|${escapeRe(holder)}\\s*\\.\\s*(forEach|reduce)\\s*\\(([^\\n]*\\n?){1,3}`);
    const m = re.exec(after);
    return !!m && (APPLY_RE.test(m[0]) || /\.reduce\s*\(/.test(m[0]));
  }

  /** A lease / lock / leader record's timestamp compared with the local clock. */
  checkLeases(): void {
    // the local clock: inline reads, and references to a `const now = Date.now()` taken once
    const nows: Node[] = [];
    for (const r of this.reads.values()) if (r.numeric) nows.push(r.expr);
    for (const h of this.holders) if (h.valid && h.kind === 'var' && h.once && !h.deadline) nows.push(...this.references(h).filter(n => n.type === 'identifier'));
    for (const nowNode of nows) {
      const up = skipParensUp(nowNode);
      let p = up.parent;
      if (p?.type !== 'binary_expression') continue;
      const op = p.childForFieldName('operator')?.type ?? '';
      const left = p.childForFieldName('left');
      const otherNode = left && left.startIndex === up.startIndex ? p.childForFieldName('right') : left;
      let site: Node | null = null;
      if (isRelational(op)) site = p;
      else if (op === '-') {
        const pp = skipParensUp(p).parent;
        if (pp?.type === 'binary_expression' && isRelational(pp.childForFieldName('operator')?.type)) site = pp;
        // `const sinceHeartbeat = now - peer.lastHeartbeat; if (sinceHeartbeat > TIMEOUT) ...`
        else if (pp?.type === 'variable_declarator' && pp.childForFieldName('name')?.type === 'identifier') {
          const v = escapeRe(pp.childForFieldName('name')!.text);
          const scope = enclosingFunctionOf(pp) ?? this.ctx.root;
          if (new RegExp(`(?<![\\w$.])${v}\\s*[<>]=?[^=>]|[<>]=?\\s*${v}(?![\\w$])`).test(this.ctx.text.slice(pp.endIndex, scope.endIndex))) site = p;
        }
      }
      if (!site) continue;
      const m = leaseStamp(otherNode);
      if (!m) continue;
      if (this.holderOfRef(m)) continue; // a stamp taken locally: a duration, handled above
      const words = identWords(m.text);
      if (!words.some(w => LEASE_WORDS.has(w)) || LOCKOUT_RE.test(m.text)) continue;
      if (NOT_DURATION_RE.test(m.text) && !/lease|lock|leader/i.test(m.text)) continue;
      this.report(site, 'leaseClock', `lease or lock judged by comparing a stored timestamp (\`${shortText(m.text)}\`) with the local wall clock: clock skew or a clock step lets two holders both believe they own it; use fencing tokens or a monotonic lease timer`, [], undefined, INC_CLOCK, ['logical-clocks', 'monotonic-clocks']);
    }
  }

  report(node: Node, messageId: string, message: string, fixes: Fix[], severity: 'info' | undefined, incidents: string[], patterns: string[]): void {
    const k = rangeKey(node) + messageId;
    if (this.reported.has(k)) return;
    this.reported.add(k);
    this.ctx.report({ node, messageId, message, fixes, severity, incidents, patterns });
  }
}

/* ----------------------------------------------------------------------------------------------------------
 * Small helpers
 * -------------------------------------------------------------------------------------------------------- */

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
function shortText(s: string): string { const t = s.replace(/\s+/g, ' '); return t.length > 60 ? t.slice(0, 57) + '...' : t; }
function isRelational(op: string | undefined): boolean { return op === '<' || op === '>' || op === '<=' || op === '>='; }
function namedChildrenOf(n: Node): Node[] { return n.namedChildren.filter((c): c is Node => !!c); }

/** `x.getTime()`, `x.valueOf()`, `+x`, `Number(x)` -> x (one level). */
function stripNumeric(n: Node): Node {
  if (n.type === 'call_expression') {
    const f = n.childForFieldName('function');
    if (f?.type === 'member_expression' && /^(getTime|valueOf)$/.test(f.childForFieldName('property')?.text ?? '') && callArgs(n).length === 0) return unwrap(f.childForFieldName('object')) ?? n;
    if (isCallTo(n, 'Number') && callArgs(n).length === 1) return unwrap(callArgs(n)[0]) ?? n;
  }
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '+') return unwrap(n.childForFieldName('argument')) ?? n;
  return n;
}

function thisField(n: Node | null): string | undefined {
  if (!n || n.type !== 'member_expression') return undefined;
  const o = unwrap(n.childForFieldName('object'));
  const prop = n.childForFieldName('property');
  if (o?.type !== 'this' || !prop) return undefined;
  return prop.text;
}

function enclosingClassBody(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'class_body') return p;
  return null;
}

function enclosingFunctionOf(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

function functionName(f: Node): string | undefined {
  const own = f.childForFieldName('name');
  if (own) return own.text;
  const p = skipParensUp(f).parent;
  if (p?.type === 'variable_declarator') return p.childForFieldName('name')?.text;
  if (p?.type === 'pair') return keyName(p.childForFieldName('key'));
  if (p?.type === 'assignment_expression') { const l = memberPath(p.childForFieldName('left')); return l?.[l.length - 1]; }
  return undefined;
}

/** `a.updatedAt`, `new Date(a.updatedAt)`, `Date.parse(a.updatedAt)`, `a.updatedAt.getTime()`, `+a.updatedAt`. */
function recordStamp(n: Node | null): { object: string; prop: string; accessor?: boolean } | undefined {
  const m = stripStampWrappers(n);
  if (!m || m.type !== 'member_expression') return undefined;
  const prop = m.childForFieldName('property');
  const obj = m.childForFieldName('object');
  if (!prop || !obj || prop.type !== 'property_identifier') return undefined;
  return { object: obj.text, prop: prop.text };
}

function stripStampWrappers(n: Node | null): Node | null {
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
function accessorStamp(n: Node | null): { object: string; prop: string; accessor: boolean } | undefined {
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
function leaseStamp(n: Node | null): Node | null {
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

function identWords(s: string): string[] {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w.toLowerCase());
}

/** The property both comparator parameters are compared on (`a.ts - b.ts`, `a.ts > b.ts`, `b.ts.localeCompare(a.ts)`). */
function sortKey(body: string, a: string, b: string): string | undefined {
  const ea = escapeRe(a), eb = escapeRe(b);
  const re = new RegExp(`(?:\\b(?:${ea}|${eb})\\.([A-Za-z_$][\\w$]*)\\b[^;]*?\\b(?:${ea}|${eb})\\.([A-Za-z_$][\\w$]*)\\b)`);
  const m = re.exec(body);
  if (!m || m[1] !== m[2]) return undefined;
  return m[1];
}

function insideSortComparator(n: Node): boolean {
  const f = enclosingFunctionOf(n);
  const args = f ? skipParensUp(f).parent : null;
  if (args?.type !== 'arguments') return false;
  const callee = args.parent?.childForFieldName('function');
  const prop = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : callee?.text;
  return !!prop && /^(sort|toSorted|sortBy|orderBy|localeCompare)$/.test(prop);
}

function containsJsx(scope: Node, text: string): boolean {
  const t = text.slice(scope.startIndex, scope.endIndex);
  return /<[A-Za-z][\w.]*[\s/>][^]*?(\/>|<\/)/.test(t) && /\b(return|=>)\s*\(?\s*</.test(t);
}

/* ----------------------------------------------------------------------------------------------------------
 * Rule
 * -------------------------------------------------------------------------------------------------------- */

/**
 * Where the rule looks. Located by scanning the file text and mapping the few hits to nodes with
 * `descendantForIndex`, not by query patterns: every pattern that needs a text predicate (`#eq? "Date"`)
 * makes web-tree-sitter marshal each structural match (every `x.y()` call, every `new X()`) into JS first,
 * which measured at +0.6x of parse time on the bench corpus; the text scan costs next to nothing.
 */
interface Located { now: Node[]; news: Node[]; cmps: Node[]; sorts: Node[] }

const NOW_TEXT = /\bDate\s*\.\s*now\s*\(/g;
const NEW_TEXT = /\bnew\s+Date\b/g;
const ACCESSOR_TEXT = /(?<![\w$.])((?:[A-Za-z_$][\w$]*?)?(?:modified|updated|clock|edited|written|changed)[\w$]*)\s*\(/gi;
const SORT_TEXT = /\.\s*(sort|toSorted)\s*\(/g;
const LWW_TEXT = /\.\s*((?:updated|modified|changed|written|saved|synced|edited)(?:_?(?:at|on|time|date|ts|timestamp|ms))?|last_?(?:updated|modified|changed|write|written|update|modification|edit|edited|sync|synced|saved)(?:_?(?:at|on|time|date|ts|timestamp|ms))?|timestamp|ts|wall_?clock)\b/gi;

function locate(ctx: RuleContext): Located {
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

export const wallClockOrdering: Rule = {
  meta,
  triggers: /\bDate\b|updated|modified|timestamp|clock\w*\s*\(|\.ts\s*[<>]|\.(sort|toSorted)\(/i,
  check(ctx) {
    const a = new Analysis(ctx);
    a.collectReads();
    if (a.reads.size) {
      a.collectHolders();
      a.checkDurations();
      a.checkIds();
      a.checkLeases();
    }
    if (a.located.cmps.length) a.checkLastWriteWins();
    if (a.located.sorts.length) a.checkSorts();
  },
};
