/**
 * What looks like a retry but is not one (RULES v2 "NOT retries", issue 15): polling for a state change, re-running
 * with different input that the data change makes converge (a duplicate-key or compare-and-set conflict, batch
 * bisection, poison-row stripping, a new slug), draining a queue. Shared by ./loops.ts and ./recursion.ts.
 */
import type { Node } from '../../core/parser';
import { callArgs, memberPath, unwrap, contains } from '../../core/ast';
import { findLocal, WRITE_TYPES, writeTarget } from './common';

/**
 * Errors that mean "someone else wrote first": a unique-constraint / duplicate-key violation (Prisma P2002, Mongo
 * E11000, Postgres 23505), a version or compare-and-set conflict, a collision. Re-running after one recomputes
 * against the newer data (a new version number, the existing row, a new slug): it converges, it does not storm.
 */
export const CONFLICT = /\bP2002\b|\bE?11000\b|\b23505\b|duplicate|unique|already.?exists|conflict|collision|collided|ConditionalCheckFailed|version.?mismatch|optimistic|compareAndSet|\bCAS\b|WriteConflict|SerializationFailure|40001/i;

/** The failure path (a catch body, or a region up to the re-call) re-runs only after a conflict error. */
export function convergentRerun(region: Node | null | undefined, until?: number): boolean {
  if (!region) return false;
  for (const n of findLocal(region, x => x.type === 'if_statement' || x.type === 'ternary_expression' || x.type === 'switch_statement', false, 300)) {
    if (until !== undefined && n.startIndex > until) continue;
    const c = n.childForFieldName('condition') ?? n.childForFieldName('value');
    if (!c || !CONFLICT.test(c.text)) continue;
    // `if (isUniqueViolation(e)) throw e`: conflicts give up, other errors retry; `if (!isUniqueViolation(e)) throw e`
    // and `if (isUniqueViolation(e)) { … retry }`: only conflicts go round
    const cons = n.type === 'if_statement' ? n.childForFieldName('consequence') : null;
    const first = cons?.type === 'statement_block' ? cons.namedChildren.find(x => x.type !== 'comment') : cons;
    const negated = /^\(?\s*!(?!=)/.test(c.text.replace(/^\(/, '').trim()) || /!==?\s*['"]?(P2002|E?11000|23505)/.test(c.text);
    if (first?.type === 'throw_statement' && !negated) continue;
    return true;
  }
  return false;
}

/**
 * The function's name says it waits for a state rather than retrying a failure: `waitForBridge`, `waitUntilReady`,
 * `pollStatus`, `ensureHealthy`, `awaitApproval`. A device-login loop that catches `authorization_pending` is the
 * same: the server says "not yet", nothing failed.
 */
const WAITS_FOR_STATE = /^#?(waitFor|waitUntil|waitTill|poll|awaitApproval|untilReady)|Ready$|Readiness|Healthy$|HealthCheck$|Approv(al|ed)$/;
export function waitsForState(fnName: string | undefined, region?: Node | null): boolean {
  if (fnName && WAITS_FOR_STATE.test(fnName)) return true;
  return !!region && /authorization_pending|slow_down/.test(region.text);
}

/**
 * A loop whose retried call gets different input each time round: an argument of the awaited call in the `try` is
 * changed on the failure path (`working[i] = strip(working[i])`, `rows = rows.filter(…)`, `slug = newSlug()`,
 * `batch.splice(…)`), other than the attempt counters. Re-running with different input converges (RULES v2).
 */
export function loopChangesInput(loopBody: Node, tryBlock: Node, counters: string[]): boolean {
  const names = new Set<string>();
  // the retried operation is awaited: a synchronous call on the way (`isRateLimited = this.isRateLimit(lastError)`
  // after a failed result, round 2) takes no input of the operation
  const awaited = (c: Node) => { for (let p = c.parent; p && p.id !== tryBlock.id; p = p.parent) if (p.type === 'await_expression' || p.type === 'yield_expression') return true; return false; };
  const calls = findLocal(tryBlock, x => x.type === 'call_expression', false, 400);
  const anyAwaited = calls.some(awaited);
  for (const c of calls) {
    if (anyAwaited && !awaited(c)) continue;
    for (const a of callArgs(c)) {
      // `insert(rows)`, `links.insert({ url, slug })`: the identifiers the call is given
      for (const id of findLocal(a, x => x.type === 'identifier' || x.type === 'shorthand_property_identifier', false, 100)) {
        if (id.parent?.type === 'member_expression' && id.parent.childForFieldName('property')?.id === id.id) continue;
        if (!counters.includes(id.text)) names.add(id.text);
      }
    }
  }
  if (!names.size) return false;
  // only what changes on the failure path (a stream cursor advanced after a successful read is not a new input)
  const failurePath = (n: Node) => !contains(tryBlock, n);
  for (const w of findLocal(loopBody, x => WRITE_TYPES.has(x.type) && failurePath(x), false, 2000)) {
    const target = unwrap(w.type === 'update_expression' ? w.childForFieldName('argument') : w.childForFieldName('left'));
    const head = target?.type === 'subscript_expression' ? unwrap(target.childForFieldName('object')) : target;
    const key = head?.type === 'identifier' ? head.text : target ? writeTarget(w) : undefined;
    if (key && names.has(key) && w.type !== 'update_expression') return true;
  }
  for (const c of findLocal(loopBody, x => x.type === 'call_expression' && failurePath(x), false, 2000)) {
    const p = memberPath(c.childForFieldName('function'));
    if (p && p.length === 2 && names.has(p[0]) && /^(splice|pop|shift|push|unshift|fill|set|delete|clear)$/.test(p[1])) return true;
  }
  return false;
}

/** A bisection / a slice: the value passed for a parameter is a local derived by slicing or halving. */
const DERIVED = /\.(slice|splice|filter|subarray|substring|substr)\s*\(|\bhalf\b|Half\b|\bmiddle\b|\bmid\b|\/\s*2\b|>>>?\s*1\b/;

/**
 * Recursion on other data: a self-call passes, for some parameter, a local of the function (not the parameter
 * itself) that was sliced or halved from it (`#flush(firstHalf)`, `#flush(secondHalf)`), or the function takes the
 * next item of a queue (`queue.shift()`) before calling itself again (draining a queue, not retrying).
 */
export function recursionOnOtherData(fn: Node, params: string[], calls: Node[]): boolean {
  for (const call of calls) {
    const args = callArgs(call);
    for (let i = 0; i < args.length && i < params.length; i++) {
      const a = unwrap(args[i]);
      if (a?.type !== 'identifier' || a.text === params[i]) continue;
      const decl = localDeclaration(fn, a.text);
      if (decl && DERIVED.test(decl.text)) return true;
    }
  }
  return findLocal(fn, x => x.type === 'call_expression' && callArgs(x).length === 0 && /^(shift|pop|dequeue)$/.test(memberPath(x.childForFieldName('function'))?.slice(-1)[0] ?? ''), false, 2000).length > 0;
}

/** A parameter used as an index (`hosts[index]`, `urls[i % urls.length]`) and passed on changed: failover, not retry. */
export function indexedByParam(fn: Node, counter: string | undefined): boolean {
  if (!counter) return false;
  const re = wordOf(counter);
  for (const s of findLocal(fn, x => x.type === 'subscript_expression', false, 400)) if (re.test(s.childForFieldName('index')?.text ?? '')) return true;
  return false;
}

/** The loop's try reads an element chosen by an attempt counter (`hosts[attempt % hosts.length]`): failover. */
export function tryIndexedByCounter(tryBlock: Node, counters: string[]): boolean {
  if (!counters.length) return false;
  for (const s of findLocal(tryBlock, x => x.type === 'subscript_expression', false, 1000)) {
    const index = s.childForFieldName('index')?.text ?? '';
    if (counters.some(c => wordOf(c).test(index))) return true;
  }
  return false;
}

const wordOf = (name: string) => new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);

function localDeclaration(fn: Node, name: string): Node | undefined {
  const re = new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);
  for (const d of findLocal(fn, x => x.type === 'variable_declarator', true, 4000)) {
    const n = d.childForFieldName('name');
    if (n && re.test(n.text) && contains(fn, d)) return d;
  }
  return undefined;
}
