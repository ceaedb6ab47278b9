/**
 * The per-function summary of non-idempotent-handler (RULES.md v2 "The project-wide view"): each function's own
 * non-idempotent effects (kind, what, position, model) and its local guard state, recorded while the tree is alive
 * and composed over the call graph in the project pass (./settle.ts). Plain JSON.
 */
import type { Node } from '../../core/parser';
import type { Ref, RuleContext, SymbolFunctionInfo } from '../../core/rule';
import { FUNCTION_TYPES } from '../../core/ast';
import { classifyEffect, classifyMessagesCreate, conflictInsertTable, explicitInputId, keyedByMessageId, hasSqlLiteral, insertColumns, noiseOf, plainlyNoEffect, type Effect, type EffectKind, type InsertColumns } from './effects';
import { guardState, isEmptyGuard, normModel, type GuardFact } from './guards';

export const SUMMARY_KEY = 'effects';

/** One effect, as stored: kind, short call text, offsets and 0-based positions, model. */
export interface EffectFact {
  k: EffectKind;
  w: string;
  s: number;
  e: number;
  l: number;
  c: number;
  el: number;
  ec: number;
  m?: string;
  /** an insert's columns, as far as its data literal shows them (for the schema's unique keys; see settle.ts) */
  u?: InsertColumns;
  /** the callee of a `Model.create(...)` taken for a model by its name (Effect.byName): followed when it resolves */
  r?: Ref;
  /** an enqueue whose dedup option is forwarded from its function's parameter (Effect.pk): keyed when a caller gives one */
  pk?: 1;
  /** an insert of a table that another insert of the same function writes with a conflict clause: that clause guards not this one */
  nu?: 1;
}

export interface FnFacts {
  fx?: EffectFact[];
  g?: GuardFact;
  /** Start offsets of calls that run later, in a callback handed to a scheduler or an event listener (not in the request). */
  dc?: number[];
}

/** Functions worth summarising: an effect, a guard or a processor signature may be in them. */
export const SUMMARY_TRIGGERS = /\.\s*(?:create\w*|insert\w*|bulk\w+|save|increment|decrement|update\w*|findOneAndUpdate|findByIdAndUpdate|send\w*|publish\w*|add|addBulk|sale|query|execute|exec|run|none|one|any|many|all|first|get|raw|\$executeRaw\w*|\$queryRaw\w*|putEvents|putRecords?|emit|persist\w*)\s*[(<]|sql`|INSERT\b|idempoten|dedup|upsert|P2002|23505|E11000|DUPLICATE|\.\s*(?:find\w*|exists\w*|count)\s*\(|\.\s*(?:status|state|processed\w*|\w+At)\b|\b(?:triggerJob|enqueue\w*|addJob|trigger|batchTrigger|scheduleJob|setTimeout|setInterval|CronJob)\s*\(|\.\s*(?:on|once|schedule)\s*\(|=\s*await\s+(?:find|get|fetch|load|lookup|exists|check|has)\w*\s*\(/i;

/** A scheduler or listener name where a callee can end: followed by its arguments, type arguments, `?.(` or a comment. */
const DEFERRING_AT = /\b(?:scheduleJob|schedule|setTimeout|setInterval|setImmediate|on|once|addListener|addEventListener|subscribe|CronJob|cron)\b(?=\s*(?:[(<]|\?\.|\/[*/]))/g;

/**
 * The functions of this file handed to a scheduler or an event listener (`scheduleJob(id, cron, async () => ...)`,
 * `setTimeout(() => ...)`, `emitter.on('done', ...)`, `new CronJob(t, () => ...)`), as [start, end) sorted by start.
 * Found once per file from a text scan for the names (a callee whose last name is one of them: `(^|.)name$` on its
 * text), not by walking up from every call.
 */
function deferringCallbacks(ctx: RuleContext): readonly (readonly [number, number])[] {
  return ctx.memo('nih.deferring', () => {
    const out: [number, number][] = [];
    for (const m of ctx.matchAll(DEFERRING_AT)) {
      const id = ctx.root.descendantForIndex(m.index!, m.index! + m[0].length);
      if (!id || id.startIndex !== m.index || id.text !== m[0]) continue;
      let callee: Node | null = null;
      if (id.type === 'property_identifier') {
        const mem = id.parent;
        if (mem?.type === 'member_expression' && mem.childForFieldName('property')?.startIndex === id.startIndex) callee = mem;
      } else if (id.type === 'identifier') callee = id;
      const host = callee?.parent;
      if (!callee || !host) continue;
      const f = host.type === 'call_expression' ? host.childForFieldName('function') : host.type === 'new_expression' ? host.childForFieldName('constructor') : null;
      if (f?.startIndex !== callee.startIndex || f.endIndex !== callee.endIndex) continue;
      const args = host.childForFieldName('arguments');
      if (args?.type !== 'arguments') continue;
      for (const a of args.namedChildren) if (a && FUNCTION_TYPES.has(a.type)) out.push([a.startIndex, a.endIndex]);
    }
    return out.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  });
}

/**
 * Whether a call runs later rather than in the request: it sits in a function passed to a scheduler or an event
 * listener, below `boundary` (the handler's or summarised function's node; the boundary itself being such a
 * callback does not count). Returns a test for the calls of one boundary.
 */
export function deferredIn(ctx: RuleContext, boundary: Node): (call: Node) => boolean {
  const all = deferringCallbacks(ctx);
  const bs = boundary.startIndex, be = boundary.endIndex;
  let lo = 0, hi = all.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (all[m][0] < bs) lo = m + 1; else hi = m; }
  const inside: (readonly [number, number])[] = [];
  for (let i = lo; i < all.length && all[i][0] < be; i++) {
    const [s, e] = all[i];
    if (e <= be && !(s === bs && e === be)) inside.push(all[i]);
  }
  if (!inside.length) return () => false;
  return (call: Node) => {
    const cs = call.startIndex, ce = call.endIndex;
    for (const [s, e] of inside) {
      if (s > cs) break;
      if (ce <= e) return true;
    }
    return false;
  };
}

/** Calls in [start, end) from the document-ordered `call` captures. */
export function callsIn(calls: readonly Node[], start: number, end: number): Node[] {
  let lo = 0, hi = calls.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (calls[m].startIndex < start) lo = m + 1; else hi = m; }
  const out: Node[] = [];
  for (let i = lo; i < calls.length && calls[i].startIndex < end; i++) out.push(calls[i]);
  return out;
}

/**
 * Calls that share their start with other calls (`a.b(x).c(y)` holds `a.b(x)`), by start: their ends, largest first
 * (from the `call` captures, whatever their order).
 */
function sharedStarts(ctx: RuleContext): ReadonlyMap<number, number[]> {
  return ctx.memo('nih.sharedStarts', () => {
    const by = new Map<number, number[]>();
    for (const c of ctx.captures('call')) {
      const l = by.get(c.startIndex);
      if (l) l.push(c.endIndex); else by.set(c.startIndex, [c.endIndex]);
    }
    const out = new Map<number, number[]>();
    for (const [s, ends] of by) if (ends.length > 1) out.set(s, ends.sort((a, b) => b - a));
    return out;
  });
}

/**
 * The end of the largest call inside `call` that starts where it does (its callee's call: `a.b(x)` in
 * `a.b(x).c(y)`), or undefined when there is none; -1 when the captures cannot tell (the tree decides).
 */
function innerCallEnd(ctx: RuleContext, call: Node): number | undefined {
  const ends = sharedStarts(ctx).get(call.startIndex);
  if (!ends) return undefined;
  const i = ends.indexOf(call.endIndex);
  if (i < 0 || ends[i + 1] === call.endIndex) return -1;
  return i + 1 < ends.length ? ends[i + 1] : undefined;
}

/**
 * The effect of one call (undefined when none), classified once per file: a call in a nested function is seen again
 * by every enclosing function's summary and by the handler that holds it.
 */
export function classify(ctx: RuleContext, call: Node): Effect | undefined {
  const seen = ctx.memo('nih.classified', () => new Map<string, Effect | null>());
  const key = call.startIndex + ':' + call.endIndex;
  const got = seen.get(key);
  if (got !== undefined) return got ?? undefined;
  const e = plainlyNoEffect(ctx.text, call, innerCallEnd(ctx, call), () => ctx.memo('nih.sqlLiteral', () => hasSqlLiteral(ctx.text))) ? undefined
    : classifyEffect(ctx, call) ?? classifyMessagesCreate(ctx, call);
  seen.set(key, e ?? null);
  return e;
}

/** An effect that counts (not noise, not a converging write), or undefined. */
export function countedEffect(ctx: RuleContext, call: Node, fnId: string | undefined): Effect | undefined {
  const e = classify(ctx, call);
  if (!e) return undefined;
  const argsText = call.childForFieldName('arguments')?.text ?? '';
  if (noiseOf(e.kind, e.model, e.what, fnId, argsText.slice(0, 2000))) return undefined;
  if (e.kind === 'insert' && explicitInputId(ctx, call)) return undefined;
  // event rows and messages keyed by the message id the sender gave (`message_id: e.messageId`, Kafka `key: messageId`)
  if ((e.kind === 'insert' || e.kind === 'publish') && keyedByMessageId(ctx, call)) return undefined;
  return e;
}

export function toFact(ctx: RuleContext, e: Effect, range: { start: number; end: number }): EffectFact {
  const a = ctx.lines.pos(range.start), b = ctx.lines.pos(range.end);
  const f: EffectFact = { k: e.kind, w: e.what, s: range.start, e: range.end, l: a.line, c: a.column, el: b.line, ec: b.column };
  if (e.model) f.m = e.model;
  return f;
}

function effectRange(ctx: RuleContext, call: Node): { start: number; end: number } {
  if (ctx.lines.pos(call.startIndex).line === ctx.lines.pos(call.endIndex).line) return { start: call.startIndex, end: call.endIndex };
  const fn = call.childForFieldName('function');
  return { start: call.startIndex, end: (fn ?? call).endIndex };
}

export function factOf(ctx: RuleContext, e: Effect): EffectFact {
  const f = toFact(ctx, e, effectRange(ctx, e.call));
  if (e.kind === 'insert') { const u = insertColumns(ctx, e.call); if (u) f.u = u; }
  if (e.pk) f.pk = 1;
  if (e.byName) { const callee = e.call.childForFieldName('function'); const r = callee ? ctx.refOf(callee) : undefined; if (r) f.r = r; }
  return f;
}

/** The summary of one function (undefined when it has neither effects nor guards). */
export function summarise(ctx: RuleContext, fn: SymbolFunctionInfo): FnFacts | undefined {
  const node = fn.node;
  const body = node.childForFieldName('body') ?? node;
  const calls = callsIn(ctx.captures('call'), body.startIndex, body.endIndex);
  const fx: EffectFact[] = [];
  const dc: number[] = [];
  const deferred = deferredIn(ctx, node);
  for (const c of calls) {
    ctx.checkDeadline();
    if (deferred(c)) { dc.push(c.startIndex); continue; }
    const e = countedEffect(ctx, c, fn.id);
    if (e) fx.push(factOf(ctx, e));
  }
  // `if (referenceId) { insert(inbox)...onConflictDoNothing() } else { insert(inbox).values(...) }`: the plain insert of
  // a table the function also upserts is the path the author left without a key
  if (fx.some(f => f.k === 'insert') && /onConflict|onDuplicate|orIgnore/.test(ctx.text.slice(body.startIndex, body.endIndex))) {
    const tables = new Set<string>();
    for (const c of calls) { const t = conflictInsertTable(c); const n = t && normModel(t); if (n) tables.add(n); }
    for (const f of fx) { const n = f.k === 'insert' ? normModel(f.m) : undefined; if (n && tables.has(n)) f.nu = 1; }
  }
  const g = guardState(ctx.text.slice(node.startIndex, node.endIndex));
  const out: FnFacts = {};
  if (fx.length) out.fx = fx;
  if (!isEmptyGuard(g)) out.g = g;
  if (dc.length) out.dc = dc;
  return out.fx || out.g || out.dc ? out : undefined;
}
