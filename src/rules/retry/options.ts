/**
 * Retry configs that switch jitter off (RULES v2): an options object with backoff-shaped keys (`factor` > 1,
 * `minTimeout(InMs)`, `maxTimeout(InMs)`, `multiplier`, …) that sets `randomize: false`, `jitter: false`,
 * `jitter: 'none'`, `jitter: 0` or `useJitter`/`enableJitter`/`withJitter: false` is a jitter finding wherever it is declared (a constant in another module, a home-grown retry
 * helper's defaults, a call's argument): someone explicitly turned jitter off. The finding sits on that property.
 * Options of a known retry library call are judged (once) by ./libraries.ts.
 */
import type { Node } from '../../core/parser';
import { keyName, stringValue, unwrap } from '../../core/ast';
import { replaceNodeEdit } from '../../core/edits';
import { type RetryState, JITTER_ID, numberOf, pushFinding } from './common';

/** Keys that make an object a backoff schedule (the delay can grow): their presence, or a factor above 1. */
const SHAPE_KEYS = ['minTimeout', 'maxTimeout', 'minTimeoutInMs', 'maxTimeoutInMs', 'startingDelay', 'initialDelay', 'baseDelay', 'maxDelay', 'minDelay', 'initialRetryTime', 'maxRetryTime', 'backoffLimit'];
/** Caps on the delay: 0 means no delay at all. */
const CAP_KEYS = ['maxTimeout', 'maxTimeoutInMs', 'maxDelay', 'maxRetryTime', 'backoffLimit'];
const FACTOR_KEYS = ['factor', 'multiplier', 'timeMultiple', 'backoffMultiplier', 'exponent', 'backoffFactor'];

export class JitterOffOptions {
  constructor(private s: RetryState) {}

  /** Spans already reported by the library checks (a library's option is judged there, once). */
  private judged = new Set<string>();

  run(): void {
    const { ctx } = this.s;
    for (const f of this.s.out) this.judged.add(`${f.report.start}:${f.report.end}`);
    for (const m of ctx.matchAll(/\b(randomize|jitter|useJitter|enableJitter|withJitter)\s*:\s*(false|0(?![\w.])|'none'|"none")/g)) {
      const key = ctx.root.descendantForIndex(m.index!, m.index! + m[1].length);
      const pair = key?.parent;
      if (pair?.type !== 'pair' || keyName(pair.childForFieldName('key')) !== m[1]) continue;
      const obj = pair.parent;
      if (obj?.type !== 'object') continue;
      this.check(obj, pair, m[1]);
    }
  }

  private check(obj: Node, pair: Node, key: string): void {
    const { ctx } = this.s;
    const value = unwrap(pair.childForFieldName('value'));
    if (!value) return;
    // `jitter: 0` (a jitter amount of nothing, round 2) turns it off like `jitter: false`; its scale (a fraction, ms)
    // is the helper's, so no fix is offered for it
    const zero = key === 'jitter' && value.type === 'number' && numberOf(ctx, value) === 0;
    const off = value.type === 'false' || stringValue(value) === 'none' || zero;
    if (!off) return;
    let shape: string | undefined;
    for (const k of FACTOR_KEYS) {
      const r = ctx.facts.lookupProp(obj, k);
      if (r.kind !== 'present') continue;
      const f = numberOf(ctx, r.value);
      if (f !== undefined && f <= 1) return; // a constant schedule: not a jitter question (libraries judge factor 1)
      shape ??= r.pair.type === 'pair' ? `${k}: ${r.value?.text}` : k;
    }
    if (!shape) for (const k of SHAPE_KEYS) if (ctx.facts.lookupProp(obj, k).kind === 'present') { shape = k; break; }
    if (!shape) return;
    // the same min and max timeout is a constant delay: also not a jitter question
    const min = ctx.facts.lookupProp(obj, 'minTimeout'), max = ctx.facts.lookupProp(obj, 'maxTimeout');
    if (min.kind === 'present' && max.kind === 'present' && numberOf(ctx, min.value) !== undefined && numberOf(ctx, min.value) === numberOf(ctx, max.value)) return;
    // a cap of 0 (ky `backoffLimit: 0`, `maxTimeout: 0`) makes every delay 0: a backoff question, not a jitter one
    for (const k of CAP_KEYS) {
      const r = ctx.facts.lookupProp(obj, k);
      if (r.kind === 'present' && numberOf(ctx, r.value) === 0) return;
    }
    if (this.judged.has(`${pair.startIndex}:${pair.endIndex}`)) return; // a library's option, judged there
    const on = key === 'randomize' ? 'true' : value.type === 'false' ? 'true' : "'full'";
    pushFinding(this.s.out, JITTER_ID, {
      start: pair.startIndex, end: pair.endIndex, messageId: 'configNoJitter',
      fixes: zero ? [] : [{ title: `Set \`${key}: ${on}\``, safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(value, on)] }],
      message: `This retry configuration backs off (\`${shape}\`) but \`${pair.text.replace(/\s+/g, ' ')}\` turns jitter off: clients that failed together retry in lockstep, in synchronized waves against the recovering dependency`,
    });
  }
}
