/**
 * wall-clock-ordering, sub-kind 5 (RULES v2): clock skew. The local clock compared with, or subtracted from, a
 * timestamp that another process or machine wrote (a row's `lockedAt` / `heartbeatAt` / `startedAt` / `createdAt`, a
 * queue message's or a commit's timestamp) to decide something: a lease or lock takeover, a stale-job takeover, "was
 * this just created", replication or queue lag. Warning; info when the difference is only logged or recorded as a
 * metric. No fix (fencing tokens, a lease timer on the holder's own monotonic clock, or the database's clock for both
 * sides are design changes).
 *
 * Shapes:
 *  - a threshold from the local clock (`Date.now() - W`, `new Date(now.getTime() - W)`, `subMinutes(new Date(), 5)`,
 *    `d.setSeconds(d.getSeconds() - 70)`) compared with a stored stamp, inline or through a variable, in JS
 *    (`row.lockedAt > threshold`) or in a query filter (`{ lockedAt: { lt: threshold } }`, `lt(t.lockedAt, x)`,
 *    `.where('locked_at', '<', x)`);
 *  - an age (`Date.now() - row.heartbeatAt`) compared with a bound, or recorded as a metric (info);
 *  - the local clock compared directly with a lease or lock record's stamp (`lock.expiresAt < Date.now()`).
 *
 * It stays silent on expiry checks (session, token, cookie, cache, TTL, OTP, invites), rate-limit windows, calendar
 * windows (a window longer than six hours, or named in days/weeks/months, a retention or a look-back period) and
 * display. Without lease vocabulary in the names (lock, lease, heartbeat, claim, stale, stalled, running, lag, ...)
 * a generic stamp (`createdAt`, `timestamp`) counts only with a known window of at most an hour ("created in the last
 * minute").
 *
 * Placement: the expression that combines the local clock with the window or the stamp (`Date.now() - W`, the age),
 * with the comparison or the filter as related information; the direct comparison for the lease-expiry shape.
 */
import type { Node } from '../../core/parser';
import { unwrap, memberPath, callArgs, keyName } from '../../core/ast';
import type { ClockAnalysis } from './clock';
import { skipParensUp, isRelational, escapeRe, shortText, enclosingFunctionOf, functionName, leaseStamp, identWords, stripStampWrappers, isParameterName, namedChildrenOf } from './syntax';
import { NOT_DURATION_RE, LEASE_WORDS, LOCKOUT_RE, START_RE, TIMEOUT_RE } from './names';
import { SKEW_LINKS, LEASE_LINKS, DURATION_LINKS } from './links';

/**
 * Expiry, session, rate-limit and calendar vocabulary: never a skew finding. Matched on the words of a name
 * (`lastAccessedThrottleMs` -> "last accessed throttle ms"), so each entry is a word prefix.
 */
const SKEW_SILENT_WORDS = /\b(session|token|cookie|cache|ttl|otp|expir|verif|invit|password|passcode|magic|rate ?limit|throttl|debounce|attempt|login|sign ?in|retention|look ?back|period|archiv|purge|days?\b|daily|week|month|year|birth|display|badge|window|cooldown|cool ?off|grace period|schedul|cron|due\b|remind|digest|trial|billing|invoice|subscription|computed|fetched|refreshed|cached|loaded|refresh ?interval|refetch|poll(ing)? interval|last used|last accessed|starts? at|ends? at|scheduled|publish|release|valid (from|until)|hmac|signature|signed|replay|nonce|lifetime|tolerance)/;
/** Lease vocabulary: the stamp or the window says that a holder or a running job is judged alive or gone. */
const LEASE_VOCAB_WORDS = /\b(max age|oldest|lock|lease|heartbeat|claim|stale|stall|alive|liveness|keep ?alive|ping|owner|holder|orphan|stuck|zombie|take ?over|reclaim|in ?flight|running|processing|draining|dead|hung|lag\b|replica|replication|dequeued|enqueued|last seen|last active|worker|progress)/;
/** Words that name a holder's claim on work: the decision's own names saying so outweigh its function's name. */
const STRONG_LEASE_RE = /\b(lock|lease|heartbeat|claim)/;
const words = (s: string) => identWords(s).join(' ');
const silent = (s: string) => SKEW_SILENT_WORDS.test(words(s));
const leaseVocab = (s: string) => LEASE_VOCAB_WORDS.test(words(s));
/** A property or variable that holds a timestamp. */
const STAMP_NAME_RE = /(^|[a-z0-9_])(At|_at|Time|_time|Timestamp|timestamp|Ts|_ts|Date|_date|Start|_start|Heartbeat|_heartbeat)(Ms|_ms|Millis|_millis)?$|^(at|ts|time|timestamp|date|heartbeat|created|updated|started|locked|claimed|seen|last_?seen|commit_?time)$/;
/** Callees and keys that record or log a number (metric-only ages: info). */
const METRIC_CALL_RE = /record|histogram|observe|timing|gauge|metric|distribution|log|info|debug|warn|trace|emit|setAttribute|setAttributes|track|report|span/i;
/** Unit conversions around an age: `millisecondsToSeconds(now - t)`, `msToMinutes(...)`. */
const UNIT_CALL_RE = /^(ms|millis|milliseconds?)To(Seconds|Minutes|Hours)$|^to(Seconds|Minutes)$/i;
/** Fields of a recorded row that hold a measured time. */
const METRIC_KEY_RE = /^(time_?to_?[A-Za-z]\w*|[a-z]\w*?(Duration|Latency|Elapsed|Lag|Age|Wait)(Ms|Millis|Seconds|Secs|S)?|(duration|latency|elapsed|lag|age|wait)(_?(ms|millis|seconds|secs|s))?)$/i;
/** Calls that record an analytics row or an event. */
const EVENT_CALL_RE = /insert\w*event|event$|record|track|capture|emit|publish/i;
/** Option names that carry a threshold for another function's query. */
const THRESHOLD_KEY_RE = /(before|after|since|cutoff|threshold|older_?than|newer_?than)$/i;
const CMP_KEYS = new Set(['lt', 'lte', 'gt', 'gte', '$lt', '$lte', '$gt', '$gte', 'before', 'after']);
const CMP_FNS = /^(lt|lte|gt|gte)$/;
const SIX_HOURS = 6 * 3600 * 1000;
const ONE_HOUR = 3600 * 1000;

interface Decision {
  /** Where the finding sits (the threshold or the age). */
  at: Node;
  /** The comparison or filter that decides. */
  site: Node;
  stamp: string;
  names: string[];
  windowMs?: number;
  metric?: boolean;
  /** A query filter that keeps the records stamped after the threshold (`{ createdAt: { gte: t } }`): a look-back. */
  lookback?: boolean;
}

export function checkSkew(a: ClockAnalysis): void {
  for (const now of localNows(a)) {
    const n = numericUp(now);
    const p = skipParensUp(n).parent;
    // d.setSeconds(d.getSeconds() - 70): the holder becomes a threshold
    if (p?.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.type ?? '';
      const left = p.childForFieldName('left');
      const isLeft = !!left && left.startIndex === skipParensUp(n).startIndex;
      const other = isLeft ? p.childForFieldName('right') : left;
      if (op === '-' && isLeft) {
        const stamp = foreignStamp(a, other);
        if (stamp) judgeAge(a, p, stamp);
        else if (other && isWindow(a, other)) judgeThreshold(a, p, other);
        continue;
      }
      if (isRelational(op)) { judgeDirect(a, p, other); continue; }
      continue;
    }
    // subMinutes(new Date(), 5), sub(new Date(), { minutes: 5 })
    if (p?.type === 'arguments' && p.namedChild(0)?.startIndex === skipParensUp(n).startIndex) {
      const call = p.parent!;
      const fn = memberPath(call.childForFieldName('function'))?.join('.') ?? '';
      const m = /(^|\.)sub(Milliseconds|Seconds|Minutes|Hours)$/.exec(fn);
      if (m) {
        const v = evalMs(a, callArgs(call)[1] ?? null);
        const unit = { Milliseconds: 1, Seconds: 1000, Minutes: 60_000, Hours: 3_600_000 }[m[2] as 'Seconds'];
        judgeThreshold(a, call, callArgs(call)[1] ?? null, v === undefined ? undefined : v * unit);
      }
      continue;
    }
  }
  // `const d = new Date(); d.setSeconds(d.getSeconds() - 70);` then `d` is compared with stored stamps
  for (const h of a.holders) {
    if (!h.valid || h.kind !== 'var' || !h.once || h.deadline) continue;
    for (const ref of a.references(h)) {
      const mem = ref.parent;
      if (mem?.type !== 'member_expression' || mem.childForFieldName('object')?.startIndex !== ref.startIndex) continue;
      const m = /^set(Seconds|Minutes|Hours|Milliseconds|Time)$/.exec(mem.childForFieldName('property')?.text ?? '');
      const call = mem.parent;
      if (!m || call?.type !== 'call_expression') continue;
      const arg = unwrap(callArgs(call)[0]);
      if (arg?.type !== 'binary_expression' || arg.childForFieldName('operator')?.type !== '-') continue;
      const v = evalMs(a, arg.childForFieldName('right'));
      const unit = { Milliseconds: 1, Seconds: 1000, Minutes: 60_000, Hours: 3_600_000, Time: 1 }[m[1] as 'Seconds'];
      const uses = a.references(h).filter(r => r.startIndex > call.endIndex && r.type === 'identifier');
      const d = decisionOf(a, uses, call, arg.childForFieldName('right')?.text ?? '', v === undefined ? undefined : v * unit);
      if (d) reportDecision(a, d, [h.name]);
    }
  }
}

/** The local clock: inline reads (numbers and `new Date()`), and references to a variable holding one read. */
function localNows(a: ClockAnalysis): Node[] {
  const out: Node[] = [];
  for (const r of a.reads.values()) out.push(r.expr);
  for (const h of a.holders) if (h.valid && h.kind === 'var' && h.once && !h.deadline) out.push(...a.references(h).filter(n => n.type === 'identifier'));
  return out;
}

/** `now.getTime()`, `+now`, `Number(now)` around n. */
function numericUp(n: Node): Node {
  const up = skipParensUp(n);
  const p = up.parent;
  if (p?.type === 'member_expression' && p.childForFieldName('object')?.startIndex === up.startIndex && /^(getTime|valueOf)$/.test(p.childForFieldName('property')?.text ?? '') && p.parent?.type === 'call_expression') return p.parent;
  if (p?.type === 'unary_expression' && p.childForFieldName('operator')?.type === '+') return p;
  return n;
}

/** A timestamp not taken by this code's own clock: `row.lockedAt`, `new Date(msg.ts).getTime()`, a `lastActivityAt` variable. */
function foreignStamp(a: ClockAnalysis, n: Node | null, comparedWithThreshold = false): string | undefined {
  let u = stripStampWrappers(n);
  // `Number(message.commitTime / 1000n)`, `row.ts * 1000`: a change of unit
  for (let i = 0; i < 2 && u?.type === 'binary_expression' && /^[*/]$/.test(u.childForFieldName('operator')?.type ?? '') && unwrap(u.childForFieldName('right'))?.type === 'number'; i++) u = stripStampWrappers(u.childForFieldName('left'));
  if (!u) return undefined;
  if (a.readAt(u) || a.holderOfRef(u)) return undefined;
  if (u.type === 'member_expression') {
    const obj = unwrap(u.childForFieldName('object'));
    if (obj?.type === 'this') return undefined; // this process's own state: a duration (./durations.ts)
    const prop = u.childForFieldName('property')?.text ?? '';
    if (a.localObjectStamp(u)) return undefined; // `{ startedAt: Date.now() }` built here: a duration
    if (ownMapEntry(a, obj)) return undefined; // an entry of a Map this module fills: its own cache
    if (ownStateField(a, u)) return undefined; // `const values = {}` kept by this module: its own clock, not a foreign stamp
    return STAMP_NAME_RE.test(prop) ? u.text : undefined;
  }
  if (u.type === 'identifier') {
    // a start time handed in and subtracted from now is a duration (./durations.ts); compared with `now - W` it is a stamp
    if (!comparedWithThreshold && isParameterName(u, u.text) && START_RE.test(u.text)) return undefined;
    if (ownMapLoopEntry(a, u)) return undefined; // `for (const [id, ts] of seen)` over a Map this module fills
    return STAMP_NAME_RE.test(u.text) ? u.text : undefined;
  }
  return undefined;
}

/** A window: a number, a constant, an option or a product of those (no clock, no stamp). */
function isWindow(a: ClockAnalysis, n: Node): boolean {
  const u = unwrap(n);
  if (!u) return false;
  if (u.type === 'number') return true;
  if (u.type === 'identifier') return !STAMP_NAME_RE.test(u.text) && !a.holderOfRef(u);
  if (u.type === 'member_expression') return !STAMP_NAME_RE.test(u.childForFieldName('property')?.text ?? '');
  if (u.type === 'binary_expression') {
    const l = u.childForFieldName('left'), r = u.childForFieldName('right');
    return !!l && !!r && isWindow(a, l) && isWindow(a, r);
  }
  if (u.type === 'call_expression') return /^Math\.(max|min)$/.test(memberPath(u.childForFieldName('function'))?.join('.') ?? '') && callArgs(u).every(x => isWindow(a, x));
  return false;
}

/** The value of a window in ms when it is a number, a same-file constant, or arithmetic on those. */
function evalMs(a: ClockAnalysis, n: Node | null, depth = 0): number | undefined {
  const u = unwrap(n);
  if (!u || depth > 4) return undefined;
  if (u.type === 'number') { const v = Number(u.text.replace(/_/g, '')); return Number.isFinite(v) ? v : undefined; }
  if (u.type === 'identifier') {
    const d = a.ctx.facts.constDeclarator(u.text, u);
    return d ? evalMs(a, d.childForFieldName('value'), depth + 1) : undefined;
  }
  if (u.type === 'binary_expression') {
    const l = evalMs(a, u.childForFieldName('left'), depth + 1), r = evalMs(a, u.childForFieldName('right'), depth + 1);
    if (l === undefined || r === undefined) return undefined;
    switch (u.childForFieldName('operator')?.type) {
      case '*': return l * r;
      case '+': return l + r;
      case '-': return l - r;
      case '/': return r ? l / r : undefined;
      default: return undefined;
    }
  }
  if (u.type === 'call_expression' && /^Math\.(max|min)$/.test(memberPath(u.childForFieldName('function'))?.join('.') ?? '')) {
    const vs = callArgs(u).map(x => evalMs(a, x, depth + 1));
    if (vs.some(v => v === undefined)) return undefined;
    return /max$/.test(memberPath(u.childForFieldName('function'))!.join('.')) ? Math.max(...vs as number[]) : Math.min(...vs as number[]);
  }
  return undefined;
}

/**
 * A window whose value is configuration but whose unit is written out: `cli.skipRecentMinutes * 60_000`,
 * `opts.graceSeconds * 1000`, `STALE_AFTER_MINUTES * 60 * 1000`. Counted as a short window (at most an hour: a
 * value that needed hours or days would be written in hours or days); undefined when the unit is unknown; six hours (calendar) when it is hours
 * or longer.
 */
function unitWindowMs(n: Node | null): number | undefined {
  const u = unwrap(n);
  if (u?.type !== 'binary_expression' || u.childForFieldName('operator')?.type !== '*') return undefined;
  const t = u.text.replace(/_/g, '');
  // (pass 4) hours or longer: calendar arithmetic, as the decision says (`hoursAgo * 60 * 60 * 1000` clearing flags
  // not seen for N hours), reported as a window of six hours so the decision stays silent
  if (/hour|day|week|month|year|\b3600000\b|\b86400000\b|\*\s*60\s*\*\s*60\b/i.test(t)) return SIX_HOURS;
  const name = identWords(t).join(' ');
  if (/\b(minutes?|mins?)\b/.test(name) || /\*\s*(60000|60\s*\*\s*1000|1000\s*\*\s*60)\b/.test(t)) return ONE_HOUR;
  if (/\b(seconds?|secs?)\b/.test(name)) return 60_000;
  return undefined;
}

/**
 * (round 2) An entry read back from a Map (or a cache) this file creates: `const prepared = preparedHtml.get(id)` with
 * `const preparedHtml = new Map()` here. In-memory state of this process, stamped with its own clock, not a row or a
 * message another process wrote.
 */
function ownMapEntry(a: ClockAnalysis, obj: Node | null): boolean {
  if (obj?.type !== 'identifier') return false;
  const d = a.declaratorOf(obj.text, obj);
  let v = unwrap(d?.childForFieldName('value') ?? null);
  if (v?.type === 'await_expression') return false;
  const fn = v?.type === 'call_expression' ? unwrap(v.childForFieldName('function')) : null;
  if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'get') return false;
  const store = unwrap(fn.childForFieldName('object'));
  if (store?.type !== 'identifier') return false;
  v = unwrap(a.declaratorOf(store.text, store)?.childForFieldName('value') ?? null);
  return v?.type === 'new_expression' && /^(Map|WeakMap|LRUCache|LRU|QuickLRU)$/.test(v.childForFieldName('constructor')?.text ?? '');
}

/** A `new Map()` (or a cache) declared in this file. */
function ownMapStore(a: ClockAnalysis, store: Node | null): boolean {
  if (store?.type !== 'identifier') return false;
  const v = unwrap(a.declaratorOf(store.text, store)?.childForFieldName('value') ?? null);
  return v?.type === 'new_expression' && /^(Map|WeakMap|LRUCache|LRU|QuickLRU)$/.test(v.childForFieldName('constructor')?.text ?? '');
}

/**
 * (pass 4) A loop variable over a Map this file creates: `for (const [id, ts] of processedEvents)` (also `.entries()`,
 * `.values()`) with `const processedEvents = new Map()` here. Like an entry read with `.get()`: this process's own
 * in-memory state (a dedup cache being evicted), not a stamp another process wrote.
 */
function ownMapLoopEntry(a: ClockAnalysis, id: Node): boolean {
  const decl = a.declaratorOf(id.text, id);
  for (let p: Node | null = decl ?? id.parent; p; p = p.parent) {
    if (p.type === 'for_in_statement') {
      const left = p.childForFieldName('left');
      if (!left || !new RegExp(`(^|[^\\w$])${escapeRe(id.text)}([^\\w$]|$)`).test(left.text)) return false;
      let right = unwrap(p.childForFieldName('right'));
      if (right?.type === 'call_expression') {
        const fn = unwrap(right.childForFieldName('function'));
        if (fn?.type !== 'member_expression' || !/^(entries|values)$/.test(fn.childForFieldName('property')?.text ?? '')) return false;
        right = unwrap(fn.childForFieldName('object'));
      }
      return ownMapStore(a, right);
    }
    if (/^(function_declaration|method_definition|arrow_function|function_expression|program)$/.test(p.type)) return false;
  }
  return false;
}

/** A field of an object this module declares itself (`const values: {...} = {}`), written here only from the clock or literals: its own state. */
function ownStateField(a: ClockAnalysis, m: Node): boolean {
  const obj = unwrap(m.childForFieldName('object'));
  const prop = m.childForFieldName('property')?.text;
  if (obj?.type !== 'identifier' || !prop) return false;
  const d = a.declaratorOf(obj.text, obj);
  const init = unwrap(d?.childForFieldName('value') ?? null);
  if (!d || init?.type !== 'object' || d.parent?.type !== 'lexical_declaration') return false;
  const plain = (v: Node | null) => { const x = unwrap(v); const k = a.valueKind(x).kind; return !x || k === 'clock' || k === 'deadline' || /^(number|null|undefined|true|false)$/.test(x.type) || x.text === 'undefined'; };
  for (const c of namedChildrenOf(init)) {
    if (c.type === 'spread_element') return false;
    if (c.type === 'pair' && keyName(c.childForFieldName('key')) === prop && !plain(c.childForFieldName('value'))) return false;
  }
  const re = new RegExp(`(?<![\\w$])${escapeRe(obj.text)}\\s*\\.\\s*${escapeRe(prop)}\\s*=(?!=)`, 'g');
  for (const hit of a.ctx.text.matchAll(re)) {
    const at = a.ctx.root.descendantForIndex(hit.index + hit[0].length - 1);
    let asg: Node | null = at;
    while (asg && asg.type !== 'assignment_expression') asg = asg.parent;
    if (!asg) continue;
    if (!plain(asg.childForFieldName('right'))) return false;
  }
  return true;
}

/** `now - W` (or `subMinutes(now, W)`): a threshold; find where it is compared with a stored stamp. */
function judgeThreshold(a: ClockAnalysis, at: Node, windowNode: Node | null, windowMs?: number): void {
  const w = windowMs ?? evalMs(a, windowNode);
  // climb through `new Date(...)`, `.getTime()`, `Math.floor(... / 1000)` to the value that is compared or stored
  let v: Node = skipParensUp(at);
  for (let i = 0; i < 4 && v.parent; i++) {
    const p = v.parent;
    if (p.type === 'arguments' && p.parent?.type === 'new_expression' && p.parent.childForFieldName('constructor')?.text === 'Date') { v = skipParensUp(p.parent); continue; }
    if (p.type === 'arguments' && p.parent?.type === 'call_expression' && /^(Math\.(floor|round|trunc)|Number|BigInt)$/.test(memberPath(p.parent.childForFieldName('function'))?.join('.') ?? '')) { v = skipParensUp(p.parent); continue; }
    if (p.type === 'member_expression' && /^(getTime|toISOString|valueOf)$/.test(p.childForFieldName('property')?.text ?? '') && p.parent?.type === 'call_expression') { v = skipParensUp(p.parent); continue; }
    if (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '/' && unwrap(p.childForFieldName('right'))?.type === 'number') { v = skipParensUp(p); continue; }
    // `enabled ? new Date(Date.now() - W) : undefined`: the threshold is the branch's value
    if (p.type === 'ternary_expression' && p.childForFieldName('condition')?.startIndex !== v.startIndex) { v = skipParensUp(p); continue; }
    break;
  }
  const names: string[] = [];
  const p = v.parent;
  let uses: Node[] = [v];
  if (p?.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === v.startIndex && p.childForFieldName('name')?.type === 'identifier') {
    const name = p.childForFieldName('name')!.text;
    names.push(name);
    uses = identifierRefs(a, p, name);
  }
  const d = decisionOf(a, uses, at, windowNode?.text ?? '', w ?? unitWindowMs(windowNode), names);
  if (d) { reportDecision(a, d, names); return; }
  // `gate.noteObservedLagMs(now - expected)`: the difference between the local clock and a stamp taken elsewhere,
  // handed to something named for lag (replication or queue lag): warning, info when the callee only records it
  const lagCall = skipParensUp(v).parent?.type === 'arguments' ? skipParensUp(v).parent!.parent : null;
  const lagCallee = lagCall?.type === 'call_expression' ? (memberPath(lagCall.childForFieldName('function')) ?? []).pop() ?? '' : '';
  if (lagCallee && /\blag\b/.test(words(lagCallee)) && !silent(lagCallee) && windowNode && unwrap(windowNode)?.type !== 'number' && evalMs(a, windowNode) === undefined && unitWindowMs(windowNode) === undefined) {
    const recorded = METRIC_CALL_RE.test(lagCallee);
    a.report(at, 'clockSkew', `lag measured as the local wall clock minus a timestamp written elsewhere (\`${shortText(a.textOf(at))}\` passed to \`${lagCallee}\`): \`${shortText(windowNode.text)}\` was stamped by another process or machine, so clock skew between them shows up as lag (or negative lag)${recorded ? '' : ' and drives what this code decides'}; stamp and measure with one clock (the database's \`now()\`, or a sequence / LSN)`, [], recorded ? 'info' : undefined, SKEW_LINKS.incidents, SKEW_LINKS.patterns);
    return;
  }
  // `return Math.max(0, now - score)` in `oldestMessageAge()`: an age of something stored elsewhere (a queue score),
  // handed out as a metric: info
  const ret = skipParensUp(v).parent;
  const up = ret?.type === 'arguments' && /^Math\.max$/.test(memberPath(ret.parent?.childForFieldName('function') ?? null)?.join('.') ?? '') ? skipParensUp(ret.parent!).parent : ret;
  const f = up ? enclosingFunctionOf(up) : null;
  const fname = f ? functionName(f) ?? '' : '';
  if ((up?.type === 'return_statement' || up?.type === 'arrow_function') && /(age|lag|delay|staleness)(ms|seconds)?$/i.test(fname) && !silent(fname) && windowNode && !evalMs(a, windowNode)) {
    a.report(at, 'clockSkew', `age of a timestamp written elsewhere, measured with the local wall clock (\`${shortText(a.textOf(at))}\` in \`${fname}\`): \`${shortText(windowNode.text)}\` was stamped by another process or machine, so clock skew between them shows up as lag (or negative ages); only reported here, but do not act on it, or stamp and measure with one clock`, [], 'info', SKEW_LINKS.incidents, SKEW_LINKS.patterns);
  }
}

/** Where a threshold value is compared with a stored stamp. */
function decisionOf(a: ClockAnalysis, uses: Node[], at: Node, windowText: string, windowMs?: number, extraNames: string[] = []): Decision | undefined {
  for (const use of uses) {
    let u = skipParensUp(use);
    // String(threshold), threshold.toISOString(): the same value in another type
    for (let i = 0; i < 2; i++) {
      const q = u.parent;
      if (q?.type === 'arguments' && q.parent?.type === 'call_expression' && /^(String|Number|BigInt)$/.test(q.parent.childForFieldName('function')?.text ?? '') && callArgs(q.parent).length === 1) { u = skipParensUp(q.parent); continue; }
      if (q?.type === 'member_expression' && /^(toISOString|toString|getTime|valueOf)$/.test(q.childForFieldName('property')?.text ?? '') && q.parent?.type === 'call_expression') { u = skipParensUp(q.parent); continue; }
      break;
    }
    const p = u.parent;
    if (!p) continue;
    // row.lockedAt > threshold
    if (p.type === 'binary_expression' && isRelational(p.childForFieldName('operator')?.type)) {
      const l = p.childForFieldName('left');
      const other = l && l.startIndex === u.startIndex ? p.childForFieldName('right') : l;
      const stamp = foreignStamp(a, other, true);
      if (stamp) {
        // (pass 4) `items.filter(x => x.createdAt > oneHourAgo)`: keeps the records stamped after the threshold, a
        // look-back selection like the query filters below
        const op = p.childForFieldName('operator')?.type ?? '';
        const newer = (l && l.startIndex === u.startIndex) ? /^<=?$/.test(op) : /^>=?$/.test(op);
        return { at, site: p, stamp, names: [stamp, windowText, ...extraNames], windowMs, lookback: newer && filterPredicate(p) };
      }
      continue;
    }
    // an option that names what it filters: `{ claimStaleBefore: threshold }`, `{ heartbeatOlderThan: x }`
    if (p.type === 'pair' && p.childForFieldName('value')?.startIndex === u.startIndex) {
      const key = keyName(p.childForFieldName('key')) ?? '';
      // (tuning pass 3) or a threshold key whose window says a holder timed out (`olderThan: now - DELIVERY_GRACE_MS`)
      if (THRESHOLD_KEY_RE.test(key) && (leaseVocab(key) || (/older_?than|before$/i.test(key) && (TIMEOUT_RE.test(windowText) || leaseVocab(windowText))))) return { at, site: p, stamp: key, names: [key, windowText, ...extraNames], windowMs };
    }
    // { lockedAt: { lt: threshold } } / { lockedAt: { $lt: threshold, $ne: null } }
    if (p.type === 'pair' && CMP_KEYS.has(keyName(p.childForFieldName('key')) ?? '') && p.childForFieldName('value')?.startIndex === u.startIndex) {
      const obj = p.parent;
      const outer = obj?.type === 'object' ? obj.parent : null;
      const field = outer?.type === 'pair' ? keyName(outer.childForFieldName('key')) : undefined;
      if (field && STAMP_NAME_RE.test(field)) return { at, site: outer!, stamp: field, names: [field, windowText, ...extraNames, ...queryNames(outer!)], windowMs, lookback: /^\$?(gte?|after)$/.test(keyName(p.childForFieldName('key')) ?? '') };
      continue;
    }
    // lt(table.lockedAt, threshold) / .where('locked_at', '<', threshold)
    if (p.type === 'arguments' && p.parent?.type === 'call_expression') {
      const call = p.parent;
      const fn = call.childForFieldName('function');
      const fname = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text ?? '' : fn?.text ?? '';
      const args = callArgs(call);
      if (CMP_FNS.test(fname) && args.length === 2 && args[1].startIndex === u.startIndex) {
        const col = unwrap(args[0]);
        const field = col?.type === 'member_expression' ? col.childForFieldName('property')?.text : undefined;
        if (field && STAMP_NAME_RE.test(field)) return { at, site: call, stamp: col!.text, names: [field, windowText, ...extraNames], windowMs, lookback: /^gte?$/.test(fname) };
      }
      // redis sorted sets scored by time: zrangebyscore(key, '-inf', threshold) in a function about stale entries
      if (/^z(rev)?rangebyscore|^zremrangebyscore$|^zcount$/i.test(fname) && args.slice(1).some(x => x.startIndex === u.startIndex)) {
        return { at, site: call, stamp: `${fname} score`, names: [windowText, ...extraNames], windowMs };
      }
      if (/^(where|andWhere|orWhere|having)$/.test(fname) && args.length === 3 && args[2].startIndex === u.startIndex && /^['"][<>]=?['"]$/.test(args[1].text)) {
        const field = args[0].text.replace(/^['"`]|['"`]$/g, '').split('.').pop() ?? '';
        if (STAMP_NAME_RE.test(field)) return { at, site: call, stamp: field, names: [field, windowText, ...extraNames], windowMs, lookback: /^['"]>=?['"]$/.test(args[1].text) };
      }
    }
  }
  return undefined;
}

/** `now - stamp`: an age compared with a bound (decision), or recorded / logged (info). */
function judgeAge(a: ClockAnalysis, sub: Node, stamp: string): void {
  let v: Node = skipParensUp(sub);
  // `Math.abs(now - ts) > X`: a tolerance that already allows for skew both ways (signed requests, replay windows)
  const absCall = v.parent?.type === 'arguments' ? v.parent.parent : null;
  if (absCall?.type === 'call_expression' && memberPath(absCall.childForFieldName('function'))?.join('.') === 'Math.abs') return;
  // Math.max(0, now - t), Math.floor((now - t) / 1000)
  for (let i = 0; i < 3 && v.parent; i++) {
    const p = v.parent;
    if (p.type === 'arguments' && p.parent?.type === 'call_expression' && (/^(Math\.(floor|round|trunc|max|min|abs|ceil)|Number)$/.test(memberPath(p.parent.childForFieldName('function'))?.join('.') ?? '') || UNIT_CALL_RE.test(memberPath(p.parent.childForFieldName('function'))?.pop() ?? ''))) { v = skipParensUp(p.parent); continue; }
    if (p.type === 'binary_expression' && /^[*/]$/.test(p.childForFieldName('operator')?.type ?? '') && unwrap(p.childForFieldName('right'))?.type === 'number') { v = skipParensUp(p); continue; }
    break;
  }
  const names = [stamp];
  let uses: Node[] = [v];
  const p = v.parent;
  if (p?.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === v.startIndex && p.childForFieldName('name')?.type === 'identifier') {
    const name = p.childForFieldName('name')!.text;
    names.push(name);
    uses = identifierRefs(a, p, name);
  }
  for (const use of uses) {
    const u = skipParensUp(use);
    const q = u.parent;
    if (!q) continue;
    if (q.type === 'binary_expression' && isRelational(q.childForFieldName('operator')?.type)) {
      const l = q.childForFieldName('left');
      const bound = l && l.startIndex === u.startIndex ? q.childForFieldName('right') : l;
      if (!bound || unwrap(bound)?.type === 'number' && Number(unwrap(bound)!.text) === 0) continue;
      reportDecision(a, { at: sub, site: q, stamp, names: [...names, bound.text], windowMs: evalMs(a, bound) }, []);
      return;
    }
  }
  // recorded as a metric or logged: info
  for (const use of uses) {
    if (metricUse(use)) {
      if (names.some(silent)) return;
      // (pass 4) an in-memory record this file stamps itself (`queue.push({ ..., enqueuedAt: Date.now() })`, then
      // `histogram.record(Date.now() - task.enqueuedAt)`): this process's own clock at both ends, an elapsed time
      if (stampedHereByClock(a, stamp)) {
        a.report(sub, 'elapsed', `elapsed time from the wall clock (\`${shortText(a.textOf(sub))}\`, \`${shortText(stamp)}\` stamped with \`Date.now()\` in this file): an NTP step or leap second can make it negative or huge (Cloudflare 2017); use a monotonic clock at both ends`, [], 'info', DURATION_LINKS.incidents, DURATION_LINKS.patterns);
        return;
      }
      a.report(sub, 'clockSkew', `age of a timestamp written elsewhere, measured with the local wall clock (\`${shortText(a.textOf(sub))}\`): \`${shortText(stamp)}\` was stamped by another process or machine, so clock skew between them shows up as lag (or negative ages); only recorded here, but do not act on it, or stamp and measure with one clock`, [], 'info', SKEW_LINKS.incidents, SKEW_LINKS.patterns);
      return;
    }
  }
}

/**
 * The stamp's property (`task.enqueuedAt` -> `enqueuedAt`) is written in this file, and only ever from `Date.now()`
 * (`{ enqueuedAt: Date.now() }`, `x.enqueuedAt = Date.now()`; type annotations aside): an in-memory record of this
 * process. A `new Date()` stamp is not enough (rows written to a database are stamped that way too).
 */
function stampedHereByClock(a: ClockAnalysis, stamp: string): boolean {
  const m = /(?:^|\.)([A-Za-z_$][\w$]*)$/.exec(stamp);
  if (!m || !/\./.test(stamp)) return false;
  let clock = 0;
  for (const hit of a.ctx.text.matchAll(new RegExp(`(?<![\\w$])${escapeRe(m[1])}\\??\\s*[:=](?![=>])\\s*([^,;}\\n]*)`, 'g'))) {
    const v = hit[1].trim();
    if (/^Date\.now\(\)\s*\)?$/.test(v)) { clock++; continue; }
    if (/^(number|Date|string|bigint|null|undefined)\b/.test(v)) continue; // a type annotation
    return false;
  }
  return clock > 0;
}

/** `lock.expiresAt < Date.now()`: a lease or lock record's stamp compared with the local clock. */
function judgeDirect(a: ClockAnalysis, cmp: Node, otherNode: Node | null): void {
  const m = leaseStamp(otherNode);
  if (!m) return;
  if (a.holderOfRef(m) || a.localObjectStamp(m)) return; // a stamp or deadline taken locally: ./durations.ts
  // (round 2) `for (const expiry of Object.values(metadata.leases)) if (expiry > now)`: a loop variable is named by
  // the collection it walks
  const source = m.type === 'identifier' ? loopSource(m) : '';
  const named = `${m.text} ${source}`;
  const words = identWords(named);
  if (!words.some(w => LEASE_WORDS.has(w)) || LOCKOUT_RE.test(named)) return;
  if (NOT_DURATION_RE.test(m.text) && !/lease|lock|leader/i.test(named)) return;
  // the comparison only counts (`running++`): a gauge of live leases, recorded rather than acted on
  const counted = countsOnly(cmp);
  a.report(cmp, 'clockSkew', `lease or lock judged by comparing a stored timestamp (\`${shortText(m.text)}\`${source ? ` from \`${shortText(source)}\`` : ''}) with the local wall clock: the holder's clock and this one differ (and either can step), so two processes can both believe they own it${counted ? ' (here only counted)' : ''}; use fencing tokens, or time the lease on the holder's monotonic clock`, [], counted ? 'info' : undefined, LEASE_LINKS.incidents, LEASE_LINKS.patterns);
}

/** The iterable of the `for (… of …)` / `for (… in …)` loop that declares `id`, or ''. */
function loopSource(id: Node): string {
  for (let p = id.parent; p; p = p.parent) {
    if (p.type === 'for_in_statement') {
      const left = p.childForFieldName('left');
      if (left && new RegExp(`(^|[^\\w$])${escapeRe(id.text)}([^\\w$]|$)`).test(left.text)) return p.childForFieldName('right')?.text ?? '';
    }
    if (p.type === 'function_declaration' || p.type === 'method_definition' || p.type === 'program') break;
  }
  return '';
}

/** `if (cmp) n++` / `{ n += 1; }`: the decision only increments a counter. */
function countsOnly(cmp: Node): boolean {
  let n: Node = skipParensUp(cmp);
  const st = n.parent?.type === 'parenthesized_expression' ? n.parent.parent : n.parent;
  if (st?.type !== 'if_statement' || st.childForFieldName('alternative')) return false;
  const body = st.childForFieldName('consequence')?.text ?? '';
  return /^\{?\s*([A-Za-z_$][\w$.]*\s*(\+\+|\+=\s*1)|\+\+\s*[A-Za-z_$][\w$.]*)\s*;?\s*\}?$/.test(body.trim());
}

function reportDecision(a: ClockAnalysis, d: Decision, extra: string[]): void {
  const fname = (() => { const f = enclosingFunctionOf(d.site); return f ? functionName(f) ?? '' : ''; })();
  const own = [...d.names, ...extra].filter(Boolean);
  const names = [...own, fname].filter(Boolean);
  if (own.some(silent)) return;
  // (round 2) the enclosing function's name is context, weaker than the decision's own names: a scheduler's
  // `processDueJobs` taking over executions whose lease ran out is still a lease takeover
  if (fname && silent(fname) && !own.some(x => STRONG_LEASE_RE.test(words(x)))) return;
  if (d.windowMs !== undefined && d.windowMs >= SIX_HOURS) return; // calendar arithmetic
  // UI code decides what to show; only a lock or lease judged there counts
  const ui = a.ctx.lang === 'tsx' || /\.jsx$/i.test(a.ctx.file);
  if (ui && !names.some(x => /\b(lock|lease|claim)/.test(words(x)))) return;
  // lease vocabulary, or a bound that says the holder timed out (`maxWaitMs`, `RUN_TIMEOUT_MS`)
  // (pass 4) a request refused because its state or grant has aged (`return c.json({ error: 'expired state' }, 400)`,
  // `res.status(403)`): an expiry check, unless the decision's own names say lock, lease or claim
  if (!own.some(x => STRONG_LEASE_RE.test(words(x))) && refusesAsExpired(a, d.site)) return;
  const vocab = names.some(leaseVocab) || names.some(x => TIMEOUT_RE.test(x));
  if (!vocab) {
    // "created in the last minute": a generic stamp needs a short known window, outside UI code, deciding more
    // than what to show (`badge = 'new'`)
    if (d.windowMs === undefined || d.windowMs > ONE_HOUR) return;
    if (displayOnly(a, d.site)) return;
    // (round 2) a query that keeps the records stamped after `now - W` selects what to list or count (recent uploads
    // for a notification, reports in the last 15 minutes): a look-back window, not "was this one just created"
    if (d.lookback) return;
  }
  const lease = names.some(x => /\b(lock|lease|claim|owner|holder|take ?over|reclaim|leader|leadership|primary|election)/.test(words(x)));
  const what = lease ? 'a lock or lease is judged free' : 'staleness or recency is decided';
  a.report(d.at, 'clockSkew', `${what} by comparing \`${shortText(d.stamp)}\`, stamped by another process or machine, with this machine's wall clock (\`${shortText(a.textOf(d.at))}\`): clock skew between them (or a clock step) makes a live holder look dead or a stale one look alive; use fencing tokens or a lease timed on one clock (the database's \`now()\` on both sides)`, [], undefined,
    lease ? LEASE_LINKS.incidents : SKEW_LINKS.incidents, lease ? LEASE_LINKS.patterns : SKEW_LINKS.patterns,
    d.site.startIndex !== d.at.startIndex ? [{ start: d.site.startIndex, end: d.site.endIndex, message: `compared with \`${shortText(d.stamp)}\` here` }] : undefined);
}

/** The comparison is what a `.filter(…)` callback returns (its expression body, or a `return` in its body). */
function filterPredicate(cmp: Node): boolean {
  let n: Node = skipParensUp(cmp);
  while (n.parent?.type === 'binary_expression' && /^(&&|\|\|)$/.test(n.parent.childForFieldName('operator')?.type ?? '')) n = skipParensUp(n.parent);
  const p = n.parent;
  const fn = p?.type === 'arrow_function' && p.childForFieldName('body')?.startIndex === n.startIndex ? p
    : p?.type === 'return_statement' ? enclosingFunctionOf(p) : null;
  if (!fn || (fn.type !== 'arrow_function' && fn.type !== 'function_expression' && fn.type !== 'function')) return false;
  const args = skipParensUp(fn).parent;
  const call = args?.type === 'arguments' ? args.parent : null;
  const callee = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')) : null;
  return callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'filter';
}

/** Text that refuses a request as expired or forbidden: an "expired" message, a 4xx status, Forbidden/Unauthorized. */
const REFUSE_RE = /expir|\bstatus\s*\(\s*4\d\d\b|\bstatus(Code)?\s*:\s*4\d\d\b|,\s*4(00|01|03|10)\s*\)|\b(Forbidden|Unauthori[sz]ed)/i;

/** The decision guards an `if` whose block refuses the request as expired (`if (!state || age > W) return c.json(…, 400)`). */
function refusesAsExpired(a: ClockAnalysis, site: Node): boolean {
  let n: Node = skipParensUp(site);
  for (let i = 0; i < 6 && n.parent; i++) {
    const p: Node = n.parent;
    if ((p.type === 'binary_expression' && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.type ?? '')) || p.type === 'parenthesized_expression' || (p.type === 'unary_expression' && p.childForFieldName('operator')?.type === '!')) { n = p; continue; }
    if (p.type === 'if_statement' && p.childForFieldName('condition')?.startIndex === n.startIndex) {
      const body = a.textOf(p.childForFieldName('consequence') ?? p);
      return REFUSE_RE.test(body);
    }
    break;
  }
  return false;
}

/** The decision only picks what to show: `if (age < X) badge = 'new'`, `recent ? 'just now' : 'earlier'`. */
function displayOnly(a: ClockAnalysis, site: Node): boolean {
  let n: Node = skipParensUp(site);
  for (let i = 0; i < 4 && n.parent; i++) {
    const p: Node = n.parent;
    if (p.type === 'binary_expression' && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.type ?? '')) { n = skipParensUp(p); continue; }
    if (p.type === 'ternary_expression') {
      const lit = (f: string) => /^(string|template_string|number|true|false|null)$/.test(unwrap(p.childForFieldName(f))?.type ?? '');
      return lit('consequence') && lit('alternative');
    }
    if (p.type === 'if_statement') {
      const body = a.textOf(p.childForFieldName('consequence') ?? p);
      return /\b(badge|label|display|show|render|title|class(Name)?|color|icon|text)\w*\s*=|\breturn\s+['"`]/i.test(body) && !/\b(delete|update|insert|save|kill|release|fail|retry|take|claim|steal|acquire)\w*\s*\(/i.test(body);
    }
    break;
  }
  return false;
}

/** The query around a filter: its callee (`db.loginAttempt.count`) and the variable that receives it. */
function queryNames(n: Node): string[] {
  const out: string[] = [];
  for (let p: Node | null = n.parent, i = 0; p && i < 12; p = p.parent, i++) {
    if (p.type === 'call_expression') {
      out.push((memberPath(p.childForFieldName('function')) ?? []).join('.'));
      let q: Node | null = skipParensUp(p).parent;
      if (q?.type === 'await_expression') q = skipParensUp(q).parent;
      if (q?.type === 'variable_declarator') out.push(q.childForFieldName('name')?.text ?? '');
      break;
    }
  }
  return out;
}

function identifierRefs(a: ClockAnalysis, decl: Node, name: string): Node[] {
  const scope = enclosingFunctionOf(decl) ?? a.ctx.root;
  const out: Node[] = [];
  const re = new RegExp(`(?<![\\w$.])${escapeRe(name)}(?![\\w$])`, 'g');
  const text = a.ctx.text;
  re.lastIndex = decl.endIndex;
  for (let m = re.exec(text); m && m.index < scope.endIndex; m = re.exec(text)) {
    const ref = a.ctx.root.descendantForIndex(m.index, m.index + name.length);
    if (ref?.type !== 'identifier' && ref?.type !== 'shorthand_property_identifier') continue;
    if (a.declaratorOf(name, ref)?.startIndex !== decl.startIndex) continue;
    out.push(ref);
  }
  return out;
}

/** The value is passed to a metric, a log or a span attribute (directly or as an object property). */
function metricUse(use: Node): boolean {
  let n: Node = skipParensUp(use);
  let key: string | undefined = use.type === 'shorthand_property_identifier' ? use.text : undefined;
  for (let i = 0; i < 4 && n.parent; i++) {
    const p: Node = n.parent;
    if (p.type === 'pair') key ??= keyName(p.childForFieldName('key'));
    if (p.type === 'pair' || p.type === 'object' || p.type === 'template_substitution' || p.type === 'template_string' || p.type === 'parenthesized_expression') { n = p; continue; }
    if (p.type === 'arguments' && p.parent?.type === 'call_expression') {
      const path = memberPath(p.parent.childForFieldName('function')) ?? [];
      if (path.some(x => METRIC_CALL_RE.test(x))) return true;
      // an analytics row: a field named as a measured time (`timeToEvent`, `waitMs`) handed to an insert / event call
      return !!key && METRIC_KEY_RE.test(key) && EVENT_CALL_RE.test(path[path.length - 1] ?? '');
    }
    return false;
  }
  return false;
}
