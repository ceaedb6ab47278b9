/**
 * The project-wide view for hand-written retries (RULES v2): a retry loop's sleep or delay helper may live in
 * another file (`await backoffSleep(attempt)`, `await sleep(computeDelay(attempt))` with the helper imported).
 *
 * - File pass, for every function: a summary (`retryDelay`): "sleeps for its parameter i" / "sleeps a delay of
 *   kind K", and, for delay-named functions, "returns a delay of kind K" with, per parameter, the kind it has when
 *   that parameter counts attempts.
 * - File pass, at the retry: the calls it cannot see into are classified as each possible kind in turn (at most two
 *   calls, five kinds each), giving a table from their kinds to the verdict; the finding is reported pending, one
 *   per rule id, with the message and fixes of every verdict it may settle on.
 * - Project pass (`settleCompose`): each call's kind from its callee's summary and the argument kinds recorded at the
 *   call, the verdict from the table; the pending finding of the matching rule id is kept, the other dropped.
 * Unknown stays unknown: a callee the project cannot resolve, or one with no summary, drops the finding.
 */
import type { Node } from '../../core/parser';
import type { ProjectView, Ref, RuleContext, SummarySpec, SymbolFunctionInfo } from '../../core/rule';
import type { Finding, Fix } from '../../core/types';
import { unwrap, memberPath } from '../../core/ast';
import { type Env, type Kind, type RetryRuleId, BACKOFF_ID, FileIndex, branches, combineAll, paramNames, returnExprs } from './common';
import { Classifier } from './delay';
import { helperSleep } from './sleeps';

/** A call into another file, with the kinds of its arguments at the call. */
export interface DeferredCall { ref: Ref; cls?: string; args: Kind[] }

export interface Composition {
  /** Delay calls and the verdict for each combination of their kinds (key: kinds joined by ','). */
  delay?: DeferredCall[];
  table?: Record<string, Kind>;
  /** The one awaited call between attempts, when it is not a sleep we know: its summary says whether it sleeps. */
  sleepCall?: DeferredCall;
}

export interface Variant { messageId: string; message: string; fixes: Fix[]; related?: string }
export interface ComposePending extends Composition { c: 'compose'; rule: RetryRuleId; variants: Partial<Record<'const' | 'linear' | 'exp', Variant>> }

/** What a function tells other files' retries (FunctionSymbol.facts.retryDelay). */
export interface DelaySummary {
  /**
   * It sleeps for its parameter `param`, or for a delay of kind `kind` (its parameters taken as constants) and, when
   * that delay depends on a parameter, `by[i]`: its kind when parameter i counts attempts (`backoff(attempt)` sleeping
   * `100 * 2 ** attempt`).
   */
  sleep?: { param: number } | { kind: Kind; by?: Kind[] };
  /** It returns a delay: `base` with constant arguments, `by[i]` when parameter i counts attempts. */
  ret?: { base: Kind; by: Kind[] };
}

const KINDS: Kind[] = ['const', 'linear', 'exp', 'jitter', 'unknown'];
const DELAY_FN = /delay|backoff|wait|interval|timeout|jitter|retry|sleep|pause|cooldown/i;
const MAX_DEFERRED = 2;

function classifierOf(ctx: RuleContext): Classifier {
  return ctx.memo('retry.summaryClassifier', () => new Classifier(ctx, new FileIndex(ctx.text)));
}

export const delaySummary: SummarySpec = {
  key: 'retryDelay',
  // `wait` but not `await`: with it every async function was summarised (~0.47 s of a langfuse run)
  triggers: /setTimeout|sleep|delay|(?<!a)wait|backoff|jitter|random|\*\*|Math\.pow|<</i,
  of(ctx: RuleContext, fn: SymbolFunctionInfo): DelaySummary | undefined {
    const node = fn.node;
    if (node.endIndex - node.startIndex > 20_000) return undefined;
    const text = node.text;
    const out: DelaySummary = {};
    const names = paramNames(node);
    const cls = classifierOf(ctx);
    if (/setTimeout|sleep|delay|(?<!a)wait|pause|scheduler/i.test(text)) {
      const s = helperSleep(ctx, node, 0);
      if (s?.arg) {
        const a = unwrap(s.arg);
        const i = a?.type === 'identifier' ? names.indexOf(a.text) : -1;
        if (i >= 0) out.sleep = { param: i };
        else {
          const kind = cls.expr(s.arg, { counters: new Set(), depth: 0 });
          const by = names.map(p => (p ? cls.expr(s.arg!, { counters: new Set([p]), depth: 0 }) : kind));
          out.sleep = by.some(k => k !== kind) ? { kind, by } : { kind };
        }
      }
    }
    const name = fn.id.split('.').pop() ?? '';
    if (DELAY_FN.test(name)) {
      const rets = returnExprs(node);
      if (rets.length && rets.length <= 8) {
        const kindWith = (counters: string[]) => branches(rets.map(r => cls.expr(r, { counters: new Set(counters), depth: 0 })));
        const base = kindWith([]);
        const by = names.map(p => (p ? kindWith([p]) : base));
        if (base !== 'unknown' || by.some(k => k !== 'unknown')) out.ret = { base, by };
      }
    }
    return out.sleep || out.ret ? out : undefined;
  },
};

/** The kind of a delay call from its callee's summary and the kinds of its arguments. */
export function kindOfCall(s: DelaySummary | undefined, args: Kind[]): Kind {
  if (!s?.ret) return 'unknown';
  const { base, by } = s.ret;
  const parts: Kind[] = [base];
  args.forEach((a, i) => {
    const b = by[i];
    if (b === undefined || b === base) return; // the delay does not depend on this parameter
    if (a === 'linear' || a === 'exp') parts.push(b === 'linear' || b === 'exp' ? (a === 'exp' || b === 'exp' ? 'exp' : 'linear') : b);
    else if (a !== 'const') parts.push(a === 'server' ? 'server' : a);
  });
  return combineAll(parts);
}

/** The kind slept by an awaited call, from its callee's summary. */
export function kindOfSleepCall(s: DelaySummary | undefined, args: Kind[]): Kind {
  const sl = s?.sleep;
  if (!sl) return 'unknown';
  if ('param' in sl) return args[sl.param] ?? 'const'; // no argument: the parameter's default
  // a sleep that grows with a parameter the caller passes its attempt counter for grows (round 2: it was read as
  // constant, and a `backoff(attempt)` helper in another file gave a constant-delay finding)
  if (sl.by) return kindOfCall({ ret: { base: sl.kind, by: sl.by } }, args);
  return sl.kind;
}

/** The enclosing class's name (for `this.m()` refs). */
function enclosingClass(n: Node): string | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'class_declaration' || p.type === 'abstract_class_declaration' || p.type === 'class') return p.childForFieldName('name')?.text;
  }
  return undefined;
}

/** A call into another file as a DeferredCall (undefined when its callee has no project reference). */
export function deferredCall(ctx: RuleContext, call: Node, args: Kind[]): DeferredCall | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  const ref = fn ? ctx.refOf(fn) : undefined;
  if (!ref) return undefined;
  const cls = ref.k === 'this' || ref.k === 'field' || ref.k === 'super' ? enclosingClass(call) : undefined;
  return { ref, cls, args };
}

/**
 * Classifies `items` (alternative delay expressions, combined as branches) and, when the verdict is unknown only
 * because of calls into other files, the table that completes it in the project pass.
 */
export function composableKind(ctx: RuleContext, cls: Classifier, items: { node: Node; env: Env }[]): { kind: Kind; compose?: Composition } {
  const calls: Node[] = [];
  cls.defer = { calls };
  let kind: Kind;
  try {
    kind = branches(items.map(i => cls.expr(i.node, i.env)));
  } finally { cls.defer = undefined; }
  if (kind !== 'unknown' || !calls.length || calls.length > MAX_DEFERRED) return { kind };
  // the kinds of the deferred calls' arguments, where they are (a counter in the caller grows)
  const envOf = (call: Node) => items.find(i => i.node.startIndex <= call.startIndex && call.endIndex <= i.node.endIndex)?.env ?? items[0].env;
  const delay: DeferredCall[] = [];
  for (const c of calls) {
    const argNodes = c.childForFieldName('arguments')?.namedChildren.filter(a => a.type !== 'comment') ?? [];
    const d = deferredCall(ctx, c, argNodes.map(a => cls.expr(a, envOf(c))));
    if (!d) return { kind };
    delay.push(d);
  }
  const table: Record<string, Kind> = {};
  const combos = (n: number): Kind[][] => n === 0 ? [[]] : combos(n - 1).flatMap(rest => KINDS.map(k => [...rest, k]));
  for (const combo of combos(calls.length)) {
    const assume = new Map(calls.map((c, i) => [c.id, combo[i]] as [number, Kind]));
    cls.defer = { calls: [], assume };
    try { table[combo.join(',')] = branches(items.map(i => cls.expr(i.node, i.env))); } finally { cls.defer = undefined; }
  }
  return { kind, compose: { delay, table } };
}

/** Settles a composed retry finding: kept by the rule id its verdict belongs to, dropped otherwise. */
export function settleCompose(f: Finding, p: ComposePending, project: ProjectView, file: string): Finding | undefined {
  const summaryOf = (d: DeferredCall): DelaySummary | undefined => {
    const h = project.resolve(file, d.ref, d.cls);
    const fn = h && project.fn(h);
    return fn?.facts.retryDelay as DelaySummary | undefined;
  };
  let kind: Kind | undefined;
  if (p.sleepCall) kind = kindOfSleepCall(summaryOf(p.sleepCall), p.sleepCall.args);
  else if (p.delay && p.table) kind = p.table[p.delay.map(d => kindOfCall(summaryOf(d), d.args)).join(',')];
  if (!kind) return undefined;
  const v = p.rule === BACKOFF_ID ? (kind === 'const' ? p.variants.const : undefined) : kind === 'linear' || kind === 'exp' ? p.variants[kind] : undefined;
  if (!v) return undefined;
  return { ...f, messageId: v.messageId, message: v.message, fixes: v.fixes, related: f.related?.map(r => ({ ...r, message: v.related ?? r.message })) };
}

/** `await helper(a, b)` where helper is in another file: the call, when its arguments can be classified. */
export function awaitedCall(n: Node): Node | undefined {
  const inner = unwrap(n.namedChild(0));
  if (inner?.type !== 'call_expression') return undefined;
  const p = memberPath(inner.childForFieldName('function'));
  return p ? inner : undefined;
}
