/**
 * wall-clock-ordering, sub-kind 1: elapsed time and deadlines measured with the wall clock (severity info; fix:
 * `performance.now()` at every end when all of them are in view and convertible).
 */
import type { Node } from '../../core/parser';
import type { Fix, TextEdit } from '../../core/types';
import { replaceNodeEdit } from '../../core/edits';
import { stateName, type ClockAnalysis, type Holder, type Use } from './clock';
import { rangeKey, skipParensUp, shortText, namedChildrenOf } from './syntax';
import { unwrap } from '../../core/ast';
import { NOT_DURATION_RE, MIN_GAP_RE, START_RE, TIMEOUT_RE, COOLDOWN_RE, CIRCUIT_RE, SLEEP_RE, LAST_STAMP_RE, DURATION_NAME_RE } from './names';
import { enclosingFunctionOf, functionName, isParameterName } from './syntax';
import { DURATION_LINKS } from './links';

export function checkDurations(a: ClockAnalysis): void {
  const uses = new Map<number, { h: Holder; list: Use[] }>();
  for (const h of a.holders) {
    if (!h.valid) continue;
    const list = a.references(h).map(r => a.classifyUse(h, r));
    uses.set(h.id, { h, list });
  }
  // components of holders linked by a use (`end - start`), for the fix
  const parent = new Map<number, number>();
  const find = (x: number): number => { while (parent.has(x) && parent.get(x) !== x) x = parent.get(x)!; return x; };
  for (const { list } of uses.values()) for (const u of list) if ('site' in u) for (const x of u.holders) parent.set(find(x.id), find(u.holders[0].id));

  const perfUsable = performanceUsable(a);
  const sites: { u: Extract<Use, { site: Node }>; h: Holder }[] = [];
  for (const { h, list } of uses.values()) {
    const escapes = list.some(u => u.kind === 'escape');
    for (const u of list) {
      if (!('site' in u)) continue;
      if (!qualifies(a, h, u, escapes)) continue;
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
      if (edits.every(e => a.readAt(a.ctx.root.descendantForIndex(e.start, e.end))?.numeric !== false)) {
        fix = { title: 'Measure with `performance.now()` (monotonic) at both ends', edits, safety: 'unsafe', isPreferred: true };
      }
    }
    const what = u.kind === 'elapsed'
      ? `elapsed time from the wall clock (\`${shortText(a.textOf(u.site))}\`): an NTP step or leap second can make it negative or huge (Cloudflare 2017); use a monotonic clock`
      : u.kind === 'remaining'
        ? `time left until a wall-clock deadline (\`${shortText(a.textOf(u.site))}\`): a clock step can make it negative or huge (Cloudflare 2017); use a monotonic clock`
        : `deadline checked against the wall clock (\`${shortText(a.textOf(u.site))}\`): a clock step can fire it early or never (Linux leap second 2012); use a monotonic clock`;
    a.report(u.site, u.kind === 'elapsed' ? 'elapsed' : 'deadline', what, fix ? [fix] : [], 'info', DURATION_LINKS.incidents, DURATION_LINKS.patterns);
  }
}

function qualifies(a: ClockAnalysis, h: Holder, u: Extract<Use, { site: Node }>, escapes: boolean): boolean {
  const names = [stateName(h.name)];
  for (const x of u.holders) names.push(stateName(x.name));
  // the bound the elapsed time is compared with, or the variable that receives it
  const up = skipParensUp(u.site);
  const p = up.parent;
  let bound = '';
  let receiver = false;
  if (p?.type === 'binary_expression') {
    const l = p.childForFieldName('left'), r = p.childForFieldName('right');
    bound = (l && l.startIndex === up.startIndex ? r : l)?.text ?? '';
  } else if (p?.type === 'variable_declarator') { bound = p.childForFieldName('name')?.text ?? ''; receiver = true; }
  else if (p?.type === 'assignment_expression') { bound = p.childForFieldName('left')?.text ?? ''; receiver = true; }
  if (u.kind === 'deadline' || u.kind === 'remaining') bound += ' ' + (u.other?.text ?? '');
  // a receiver that says it holds a duration (`rateLimitDuration`) is not a rate-limit window
  if (receiver && DURATION_NAME_RE.test(bound)) bound = '';
  // (pass 4) a duration kept in a variable and then compared: the bound it is compared with counts too
  // (`const timeSinceLast = now - this.lastRequestTime; if (timeSinceLast < MIN_REQUEST_INTERVAL_MS) await sleep(…)`)
  if (receiver && p?.type === 'variable_declarator') bound += ' ' + comparedBounds(a, p).join(' ');
  // how long a page or device was hidden or asleep: the wall clock is chosen on purpose (it counts the sleep)
  if ([...names, bound].some(n => SLEEP_RE.test(n))) return false;
  const fname = (() => { const f = enclosingFunctionOf(u.site); return f ? functionName(f) ?? '' : ''; })();
  // a circuit breaker's cooldown is a duration (`Date.now() - openedAt < COOLDOWN_MS`); other cooldowns are rate limits
  const circuit = [...names, bound, fname].some(n => CIRCUIT_RE.test(n));
  const notDuration = (n: string) => (NOT_DURATION_RE.test(n) || MIN_GAP_RE.test(n)) && !(circuit && COOLDOWN_RE.test(n) && !NOT_DURATION_RE.test(n.replace(/cool_?(down|off)/ig, '')));
  if (names.some(notDuration)) return false;
  // (round 2) a "max age" measured from a start this code took (`Date.now() - browserStartTs >= BROWSER_MAX_AGE_MS`)
  // is how long a resource has lived, not a cache entry's age: a cache or expiry word anywhere still silences it
  const ageOnly = (n: string) => !NOT_DURATION_RE.test(n.replace(/max_?age|(^|[a-z_])age(?=$|[^a-z])/ig, '$1')) && !MIN_GAP_RE.test(n);
  if (notDuration(bound) && !(START_RE.test(stateName(h.name)) && !h.deadline && ageOnly(bound))) return false;
  // (pass 4) a Date moved by calendar setters (`startDate.setDate(endDate.getDate() - lookbackDays)`) is a calendar
  // date: `endDate.getTime() - startDate.getTime()` is the span of a date range, not an elapsed time
  if ([h, ...u.holders].some(x => calendarMoved(a, x))) return false;
  if (h.deadline) {
    // a deadline that is stored or passed on is an expiry timestamp, not a local deadline
    if (escapes) return false;
    return h.once || TIMEOUT_RE.test(h.name) || /deadline|until|end|stop|give_?up/i.test(h.name);
  }
  const own = stateName(h.name);
  if (!h.once && throttlesOutput(a, h, u.site)) return false;
  return h.once || START_RE.test(own) || LAST_STAMP_RE.test(own.split('.').pop()!) || circuit || TIMEOUT_RE.test(bound);
}

/**
 * (round 2) A throttle of logs or analytics: `if (now - lastLogTime >= periodMs) { lastLogTime = now; logger.log(…) }`.
 * The comparison guards a block that re-arms the same state and otherwise only logs or tracks an event: at most one
 * line or event per period, a rate limit (RULES: not a finding). A block that does anything else (flush, acknowledge,
 * export, restart) is judged as before.
 */
function throttlesOutput(a: ClockAnalysis, h: Holder, site: Node): boolean {
  let n: Node = skipParensUp(site);
  while (n.parent?.type === 'binary_expression' && /^(&&|<|<=|>|>=)$/.test(n.parent.childForFieldName('operator')?.type ?? '')) n = skipParensUp(n.parent);
  const st = n.parent?.type === 'parenthesized_expression' ? n.parent.parent : n.parent;
  if (st?.type !== 'if_statement' || st.childForFieldName('alternative')) return false;
  const body = st.childForFieldName('consequence');
  if (!body) return false;
  // (pass 4) the words of the log line's strings are not calls (`'not ready yet (status: …)'`), and what a template
  // interpolates only formats the line (`${Math.round(ms / 1000)}`, `${status(id)}`)
  let text = a.textOf(body);
  const frags: Node[] = [];
  const walk = (n: Node) => { if (n.type === 'string_fragment' || n.type === 'template_substitution') frags.push(n); else for (const c of namedChildrenOf(n)) walk(c); };
  walk(body);
  for (const f of frags.reverse()) {
    const s0 = f.startIndex - body.startIndex, s1 = f.endIndex - body.startIndex;
    if (s0 >= 0 && s1 <= text.length) text = text.slice(0, s0) + ' '.repeat(s1 - s0) + text.slice(s1);
  }
  const name = h.name.split('.').pop()!.replace(/[$]/g, '\\$');
  if (!new RegExp(`(^|[^\\w$])${name}\\s*=(?![=>])`).test(text)) return false;
  let calls = 0;
  for (const m of text.matchAll(/([A-Za-z_$][\w$]*)\s*(?:\?\.\s*)?\(/g)) {
    const callee = m[1];
    if (/^(if|for|while|switch|catch|function|return|typeof|await|new|now)$/.test(callee)) continue;
    const before = text.slice(Math.max(0, m.index! - 6), m.index!);
    if (callee === 'now' && /Date\s*\.\s*$/.test(before)) continue;
    // (pass 4) formatting inside the log line (`Math.round(ms / 1000)`, `JSON.stringify(x)`, `n.toFixed(1)`)
    if (PURE_FORMAT_RE.test(callee)) continue;
    if (!/^(log|warn|info|debug|error|trace|verbose|print|track\w*|capture\w*|send\w*Event|log\w+|emitMetric|report\w*)$/i.test(callee)) return false;
    calls++;
  }
  return calls > 0;
}

/** Pure formatting calls that may appear inside a throttled log line. */
const PURE_FORMAT_RE = /^(round|floor|ceil|trunc|abs|min|max|toFixed|toPrecision|toString|toISOString|toLocaleString|toLocaleTimeString|stringify|join|String|Number|Boolean|padStart|padEnd|slice|substring)$/;

/** The bounds a variable holding a duration is compared with in its function: `if (timeSinceLast < MIN_GAP_MS)`. */
function comparedBounds(a: ClockAnalysis, decl: Node): string[] {
  const name = decl.childForFieldName('name');
  if (name?.type !== 'identifier') return [];
  const scope = enclosingFunctionOf(decl) ?? a.ctx.root;
  const out: string[] = [];
  const re = new RegExp(`(?<![\\w$.])${name.text.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g');
  const text = a.ctx.text;
  re.lastIndex = decl.endIndex;
  for (let m = re.exec(text); m && m.index < scope.endIndex; m = re.exec(text)) {
    const ref = a.ctx.root.descendantForIndex(m.index, m.index + name.text.length);
    if (ref?.type !== 'identifier' || a.declaratorOf(name.text, ref)?.startIndex !== decl.startIndex) continue;
    const up = skipParensUp(ref);
    const q = up.parent;
    if (q?.type !== 'binary_expression' || !/^[<>]=?$/.test(q.childForFieldName('operator')?.type ?? '')) continue;
    const l = q.childForFieldName('left');
    const other = l && l.startIndex === up.startIndex ? q.childForFieldName('right') : l;
    if (other) out.push(other.text);
  }
  return out;
}

/** A variable holding a `Date` that calendar setters move (`d.setDate(…)`, `d.setMonth(…)`, `d.setUTCHours(0, 0, 0, 0)`). */
function calendarMoved(a: ClockAnalysis, h: Holder): boolean {
  if (h.kind !== 'var') return false;
  return a.references(h).some(r => {
    const m = skipParensUp(r).parent;
    return m?.type === 'member_expression' && m.childForFieldName('object')?.startIndex === skipParensUp(r).startIndex
      && /^set(UTC)?(Date|Month|FullYear|Hours)$/.test(m.childForFieldName('property')?.text ?? '') && m.parent?.type === 'call_expression';
  });
}

function performanceUsable(a: ClockAnalysis): boolean {
  const { facts } = a.ctx;
  const b = facts.bindings.get('performance');
  if (b) return /^(node:)?perf_hooks$/.test(b.module);
  return !facts.declarations.has('performance');
}

/**
 * A start time handed in: `Date.now() - startedAt` where `startedAt` is a parameter named like a start
 * (`function record(kind: string, startedAt: number)`), the caller having read the clock. Info, no fix (the other
 * end is in the caller).
 */
export function checkHandedStarts(a: ClockAnalysis): void {
  for (const r of a.reads.values()) {
    if (!r.numeric) continue;
    const up = skipParensUp(r.expr);
    const p = up.parent;
    if (p?.type !== 'binary_expression' || p.childForFieldName('operator')?.type !== '-' || p.childForFieldName('left')?.startIndex !== up.startIndex) continue;
    const right = unwrap(p.childForFieldName('right'));
    if (right?.type !== 'identifier' || a.holderOfRef(right) || a.declaratorOf(right.text, right)) continue;
    if (!START_RE.test(right.text) || !isParameterName(right, right.text)) continue;
    const site = skipParensUp(p);
    const q = site.parent;
    const receiver = q?.type === 'variable_declarator' ? q.childForFieldName('name')?.text ?? '' : '';
    const bound = q?.type === 'binary_expression' ? (q.childForFieldName('left')?.startIndex === site.startIndex ? q.childForFieldName('right') : q.childForFieldName('left'))?.text ?? '' : '';
    if ([right.text, bound, DURATION_NAME_RE.test(receiver) ? '' : receiver].some(n => NOT_DURATION_RE.test(n) || SLEEP_RE.test(n))) continue;
    a.report(p, 'elapsed', `elapsed time from the wall clock (\`${shortText(a.textOf(p))}\`, the start \`${right.text}\` read by the caller): an NTP step or leap second can make it negative or huge (Cloudflare 2017); use a monotonic clock at both ends`, [], 'info', DURATION_LINKS.incidents, DURATION_LINKS.patterns);
  }
}
