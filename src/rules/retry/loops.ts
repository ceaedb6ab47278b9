/**
 * Hand-written retry loops: a `for`/`while`/`do` whose body runs an async operation in `try`, goes round again from
 * the `catch`, and leaves on success. Not retries: loops over items, polling for a state, local filesystem retries,
 * redux-saga keep-alive supervisors.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { memberPath, unwrap, FUNCTION_TYPES, contains, namedChildren, callArgs } from '../../core/ast';
import {
  type Env, type RetryState, FileIndex, LOOP_TYPES, branches, findLocal, innermostFunction, isSameNode,
  numberOf, wordRe, counterWrite, silentKind, sameFileFunction,
} from './common';
import { sleepOf, type Sleep } from './sleeps';
import { reportDelay, type DelayVerdict } from './fixes';
import { convergentRerun, loopChangesInput, tryIndexedByCounter, waitsForState } from './noise';
import { awaitedCall, composableKind, deferredCall } from './compose';
import { functionName, isFailedStatusTest } from './recursion';

/** Words of a condition that bounds a retry: a count, a budget, a deadline, a stop flag. */
const BOUND_WORDS = /attempt|retr|tries|count|max|limit|budget|deadline|elapsed|stop|abort|clos|shut|running|expire|until|remaining|left|exhaust/i;

/** A response that succeeded: `res.ok`, `.status === 200`, `.status < 500` (also for ranges written the other way). */
const OK_TEST = /(\.ok\b|\.(status|statusCode)\s*(===?|<|>|<=|>=|!==?)\s*\d|\d\s*(===?|<|>|<=|>=)\s*\w+\.(status|statusCode)\b)/;

/** `stmt` holds (in nested ifs, not in nested functions or loops) an `if` whose condition passes `test` and whose consequence exits. */
function conditionalExits(stmt: Node, test: (cond: string) => boolean, kinds = ['return_statement', 'break_statement']): boolean {
  for (const s of findLocal(stmt, n => n.type === 'if_statement', false, 400)) {
    if (inNestedLoop(s, stmt)) continue;
    const c = s.childForFieldName('condition'), cons = s.childForFieldName('consequence');
    if (!c || !cons || !test(c.text)) continue;
    const first = cons.type === 'statement_block' ? namedChildren(cons).filter(x => x.type !== 'comment') : [cons];
    if (first.some(x => kinds.includes(x.type) && !(x.type === 'break_statement' && x.namedChild(0)))) return true;
  }
  return false;
}

function inNestedLoop(n: Node, root: Node): boolean {
  if (n.id === root.id) return false;
  for (let p = n.parent; p && p.id !== root.id; p = p.parent) if (LOOP_TYPES.has(p.type)) return true;
  return false;
}

export class LoopChecks {
  private ctx: RuleContext;
  private idx: FileIndex;
  private cls: RetryState['cls'];
  /** Tries of run-flag worker loops accepted because nothing pauses them after a failure (see isRetryTry). */
  private spinning = new Set<number>();
  constructor(private s: RetryState) { this.ctx = s.ctx; this.idx = s.idx; this.cls = s.cls; }

  /** The loop a catch clause belongs to (nearest loop in the same function), if any. */
  ownerLoop(catchClause: Node): Node | undefined {
    const tryStmt = catchClause.parent;
    for (let p = tryStmt?.parent ?? null; p; p = p.parent) {
      if (FUNCTION_TYPES.has(p.type)) return undefined;
      if (p.type === 'for_in_statement') return undefined; // loops over items (for..of / for..in)
      if (LOOP_TYPES.has(p.type)) return p;
    }
    return undefined;
  }

  // ---- loops ---------------------------------------------------------------------------------------------------

  /** `tries`: the try statements owned by this loop (not by a nested loop or function). */
  checkLoop(loop: Node, tries: Node[]): void {
    const body = loop.childForFieldName('body');
    if (!body) return;
    const cond = unwrap(loop.childForFieldName('condition'));
    const retryTry = tries.find(t => this.isRetryTry(loop, body, t, cond));
    if (!retryTry) return;
    // failover over items (the next host, `picker.next()`, `urls[i]`) is a re-run with different input, unless the
    // pause between attempts grows with the attempt: then the author waits for one dependency to recover (a
    // cluster behind a round-robin picker) and the growing delay decides (tuning pass 3, below)
    const itemLoop = this.isItemLoop(loop, body, retryTry);
    if (isSagaSupervisor(loop, retryTry)) return;
    const fnOfLoop = innermostFunction(loop);
    const catchBody = retryTry.childForFieldName('handler')?.childForFieldName('body');
    const counters = this.loopCounters(loop, body);
    // not retries (RULES v2): a re-run after a conflict or with changed input converges; a wait for a state polls
    if (convergentRerun(catchBody)) return;
    if (waitsForState(fnOfLoop ? functionName(fnOfLoop) : undefined, catchBody)) return;
    if (loopChangesInput(body, retryTry.childForFieldName('body')!, counters.map(c => c.name))) return;

    const env: Env = { counters: new Set(counters.map(c => c.name)), depth: 0 };
    const verdict: DelayVerdict | undefined = this.spinning.has(retryTry.id) ? { kind: 'none' } : this.loopDelay(loop, body, retryTry, fnOfLoop, env);
    if (!verdict) return;
    if (itemLoop && (verdict.compose || (verdict.kind !== 'exp' && verdict.kind !== 'linear'))) return;
    const increasing = counters.find(c => c.increasing)?.name;
    const unbounded = this.loopUnbounded(loop, body, cond, counters.map(c => c.name), retryTry);
    const tail = unbounded ? ', and the loop has no attempt limit (it retries forever)' : '';
    reportDelay(this.s, verdict, increasing, tail, loop, retryTry, fnOfLoop, 'loop');
  }

  /**
   * A loop with no `try` around the retried call, whose result says whether it failed (RULES v2 textbook loops):
   * `const res = await call(); if (res.ok | res.success) return res;` or an error-first tuple
   * (`[error, data] = await tryCatch(call()); if (!error) break;`, `const { data, error } = await …`), then a sleep
   * before going round. Required, to tell it from polling: an attempt counter, the success test on the awaited
   * call's own result right after it, an awaited sleep after the test, and nothing else awaited in the loop.
   */
  checkResultLoop(loop: Node): void {
    if (this.checkStatusLoop(loop)) return;
    const body = loop.childForFieldName('body');
    if (body?.type !== 'statement_block' || !RESULT_HINT.test(body.text)) return;
    const stmts = namedChildren(body).filter(x => x.type !== 'comment');
    const k = stmts.findIndex(st => resultNames(st) !== undefined);
    if (k < 0) return;
    const call = stmts[k];
    const names = resultNames(call)!;
    // the success test: the next `if` after the call (other statements may log or record the result first)
    let testAt = -1;
    for (let i = k + 1; i < stmts.length && i <= k + 3; i++) {
      const st = stmts[i];
      if (st.type !== 'if_statement') continue;
      const c = st.childForFieldName('condition'), cons = st.childForFieldName('consequence');
      if (c && cons && successTest(c.text, names) && exits(cons)) { testAt = i; break; }
      if (this.idx.awaitsIn(st).length) return;
    }
    if (testAt < 0) return;
    const counters = this.loopCounters(loop, body);
    if (!counters.length) return;
    const fnOfLoop = innermostFunction(loop);
    const fnName = fnOfLoop ? functionName(fnOfLoop) : undefined;
    if (waitsForState(fnName) || (fnName && READINESS.test(fnName))) return;
    const callee = awaitedCall(this.idx.awaitsIn(call)[0]);
    const calleeName = callee ? memberPath(callee.childForFieldName('function'))?.join('.') ?? '' : '';
    if (READINESS.test(calleeName) || STATE_READ.test(calleeName)) return;
    if (tryIndexedByCounter(call, counters.map(c => c.name))) return;
    if (convergentRerun(body)) return;
    if (loopChangesInput(body, call, counters.map(c => c.name))) return;
    // the pause: sleeps after the success test; anything else awaited in the loop may be what it waits on
    const sleeps: Sleep[] = [];
    const tail = stmts.slice(testAt + 1);
    for (const a of this.idx.awaitsIn(body)) {
      if (contains(call, a)) continue;
      const sl = sleepOf(this.ctx, a);
      if (sl && tail.some(t => contains(t, a))) { sleeps.push(sl); continue; }
      return;
    }
    if (!sleeps.length || sleeps.some(x => !x.arg)) return;
    const cond = loop.childForFieldName('condition');
    if (cond && this.idx.awaitsIn(cond).length) return;
    const env: Env = { counters: new Set(counters.map(c => c.name)), depth: 0 };
    const envOf = (x: Sleep): Env => x.params ? { counters: new Set(), params: x.params, outer: env, depth: 1 } : env;
    let verdict: DelayVerdict;
    const composed = composableKind(this.ctx, this.cls, sleeps.map(x => ({ node: x.arg!, env: envOf(x) })));
    if (composed.compose) verdict = { kind: 'unknown', sleep: sleeps[0], compose: composed.compose };
    else {
      const kinds = sleeps.map(x => this.cls.expr(x.arg!, envOf(x)));
      const kind = branches(kinds);
      if (silentKind(kind)) return;
      verdict = { kind, sleep: sleeps[Math.max(0, kinds.indexOf(kind))] };
      if (kind === 'const' && verdict.sleep?.arg && !verdict.sleep.helperCall && numberOf(this.ctx, verdict.sleep.arg) === 0) verdict.zero = true;
    }
    const increasing = counters.find(c => c.increasing)?.name;
    reportDelay(this.s, verdict, increasing, '', loop, null, fnOfLoop, 'loop');
  }

  /**
   * A loop whose condition is a failed-response test and whose body re-issues the call into the tested variable
   * (tuning pass 4): `while (!res.ok && retries < 3) { retries++; await sleep(1000 * retries); res = await fetch(url) }`
   * or `do { res = await call() } while (res.status >= 500 && ++n < 3)`. The sleeps in the body are the pause (none:
   * an immediate retry); anything else awaited in the body may be what it waits on (silent). True when the loop had
   * this shape (reported or not).
   */
  private checkStatusLoop(loop: Node): boolean {
    const cond = unwrap(loop.childForFieldName('condition'));
    const body = loop.childForFieldName('body');
    if (!cond || !body || loop.type === 'for_statement' || !isFailedStatusTest(cond)) return false;
    const v = /([A-Za-z_$][\w$]*)\s*\??\.\s*(?:status|statusCode|ok)\b/.exec(cond.text)?.[1];
    if (!v) return false;
    const reissue = this.idx.writesTo(v, body).find(w => w.type === 'assignment_expression' &&
      unwrap(w.childForFieldName('right'))?.type === 'await_expression' && unwrap(unwrap(w.childForFieldName('right'))!.namedChild(0))?.type === 'call_expression');
    if (!reissue) return false;
    // a readiness probe or a read of a state answers "not yet" with a failed status: a poll (as for result loops)
    const fnOfLoop = innermostFunction(loop);
    const fnName = fnOfLoop ? functionName(fnOfLoop) : undefined;
    if (waitsForState(fnName) || (fnName && READINESS.test(fnName))) return true;
    const callee = awaitedCall(unwrap(reissue.childForFieldName('right'))!);
    const calleeName = callee ? memberPath(callee.childForFieldName('function'))?.join('.') ?? '' : '';
    if (READINESS.test(calleeName) || STATE_READ.test(calleeName) || READINESS.test(reissue.text)) return true;
    const counters = this.loopCounters(loop, body);
    // the next host or item each time round (`res = await fetch(hosts[i++])`): failover, other input
    if (tryIndexedByCounter(reissue, counters.map(c => c.name)) || loopChangesInput(body, reissue, counters.map(c => c.name))) return true;
    const sleeps: Sleep[] = [];
    for (const a of this.idx.awaitsIn(body)) {
      if (contains(reissue, a)) continue;
      const sl = sleepOf(this.ctx, a);
      if (!sl) return true;
      sleeps.push(sl);
    }
    const env: Env = { counters: new Set(counters.map(c => c.name)), depth: 0 };
    let verdict: DelayVerdict;
    if (!sleeps.length) {
      if (/\b(setTimeout|sleep|delay|wait|backoff)\b/.test(body.text)) return true;
      verdict = { kind: 'none' };
    } else {
      if (sleeps.some(x => !x.arg)) return true;
      const envOf = (x: Sleep): Env => x.params ? { counters: new Set(), params: x.params, outer: env, depth: 1 } : env;
      const composed = composableKind(this.ctx, this.cls, sleeps.map(x => ({ node: x.arg!, env: envOf(x) })));
      if (composed.compose) verdict = { kind: 'unknown', sleep: sleeps[0], compose: composed.compose };
      else {
        const kinds = sleeps.map(x => this.cls.expr(x.arg!, envOf(x)));
        const kind = branches(kinds);
        if (silentKind(kind)) return true;
        verdict = { kind, sleep: sleeps[Math.max(0, kinds.indexOf(kind))] };
        if (kind === 'const' && verdict.sleep?.arg && !verdict.sleep.helperCall && numberOf(this.ctx, verdict.sleep.arg) === 0) verdict.zero = true;
      }
    }
    const unbounded = !counters.some(c => wordRe(c.name).test(cond.text)) && !/Date\.now|performance\.now|deadline|elapsed|aborted|signal|until|max|limit|attempt|retr|tries/i.test(cond.text);
    reportDelay(this.s, verdict, counters.find(c => c.increasing)?.name, unbounded ? ', and the loop has no attempt limit (it retries forever)' : '', loop, null, fnOfLoop, 'loop');
    return true;
  }

  /** A try whose catch goes round again and whose success leaves the loop. */
  private isRetryTry(loop: Node, body: Node, t: Node, cond: Node | null): boolean {
    const block = t.childForFieldName('body');
    const handler = t.childForFieldName('handler');
    const cbody = handler?.childForFieldName('body');
    if (!block || !cbody) return false;
    // an async operation inside the try (an await, or a yield in generators/sagas)
    const awaits = this.idx.awaitsIn(block);
    if (!awaits.length) {
      // RULES.md: the loop "awaits/calls" an operation: a synchronous call retried after an awaited sleep in the
      // catch is a retry too (a sync loop with no wait at all stays out: it cannot be told from a parse loop)
      const sleeps = this.idx.awaitsIn(cbody).filter(a => sleepOf(this.ctx, a));
      if (!sleeps.length || !/[\w$)\]]\s*\(/.test(block.text)) return false;
    } else if (onlyLocalFs(awaits)) return false;
    // the catch must not leave the loop unconditionally
    const cstmts = namedChildren(cbody).filter(s => s.type !== 'comment');
    // `catch (e) { if (isRetryable(e)) { await sleep(d); continue } break }`: the failure path that continues retries
    const continuesInIf = cstmts.some(s => s.type === 'if_statement' && conditionalExits(s, () => true, ['continue_statement']));
    if (!continuesInIf && cstmts.some(s => s.type === 'throw_statement' || s.type === 'return_statement' || (s.type === 'break_statement' && !s.namedChild(0)) || isProcessExit(s))) return false;
    const catchContinues = continuesInIf || cstmts.some(s => s.type === 'continue_statement');
    // success exit: unconditional return/break in the try, a `res.ok`-style check, a success flag in the loop
    // condition, or (when the catch `continue`s) a return/break after the try
    const tstmts = namedChildren(block).filter(s => s.type !== 'comment');
    if (tstmts.some(s => s.type === 'return_statement' || (s.type === 'break_statement' && !s.namedChild(0)) || isProcessExit(s))) return this.goesRoundAfter(body, t, catchContinues);
    // the awaited call's own result tested for success (`const result = await upload(); if (result.success) return`,
    // round 2): a failed result goes round like a thrown error
    let results: { result?: string; error?: string } | undefined;
    for (const s of tstmts) {
      if (s.type !== 'if_statement') {
        // not a read of a state or a readiness probe (`const job = await getJobStatus(id); if (job.success) …` polls)
        const callee = resultNames(s) ? awaitedCall(this.idx.awaitsIn(s)[0]) : undefined;
        const calleeName = callee ? memberPath(callee.childForFieldName('function'))?.join('.') ?? '' : '';
        if (callee && !READINESS.test(calleeName) && !STATE_READ.test(calleeName)) results = resultNames(s);
        continue;
      }
      const c = s.childForFieldName('condition');
      const cons = s.childForFieldName('consequence');
      if (!c || !cons || !(OK_TEST.test(c.text) || (results && successTest(c.text, results)))) continue;
      if (exits(cons)) return this.goesRoundAfter(body, t, catchContinues);
    }
    if (cond) {
      for (const s of tstmts) {
        const e = s.type === 'expression_statement' ? unwrap(s.namedChild(0)) : null;
        const left = e?.type === 'assignment_expression' ? unwrap(e.childForFieldName('left')) : null;
        if (left?.type === 'identifier' && wordRe(left.text).test(cond.text)) return this.goesRoundAfter(body, t, catchContinues);
      }
    }
    // a loop that calls itself a retry (`for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++)`: its counter named
    // for attempts and its condition bounding it) leaves on any conditional return in the `try` (round 2: an optimistic
    // update that returns once its write lands, `if (persisted.count === 1) return`)
    if (loop.type === 'for_statement' && cond && tstmts.some(s => s.type === 'if_statement' && exits(s.childForFieldName('consequence')!) && !s.childForFieldName('alternative')) &&
      this.loopCounters(loop, body).some(c => c.increasing && ATTEMPT_NAME.test(c.name) && wordRe(c.name).test(cond.text) &&
        ATTEMPT_COUNTER.test(cond.text.replace(new RegExp(wordRe(c.name).source, 'g'), ' '))) &&
      !awaits.some(a => { const c = awaitedCall(a); const n = c ? memberPath(c.childForFieldName('function'))?.join('.') ?? '' : ''; return READINESS.test(n) || STATE_READ.test(n); }) &&
      // a loop that also waits when the try completes without returning ("not there yet") polls
      !this.idx.awaitsIn(body).some(a => !contains(cbody, a) && sleepOf(this.ctx, a))) return this.goesRoundAfter(body, t, catchContinues);
    const after = statementsAfter(body, t);
    if (catchContinues) {
      if (after.some(s => s.type === 'return_statement' || (s.type === 'break_statement' && !s.namedChild(0)))) return true;
      // `try { done = await streamOnce() } catch { …; await sleep(d); continue } if (done) return`: the catch waits
      // and goes round, the result of the tried call decides success
      const assigned = tstmts.map(s => s.type === 'expression_statement' ? unwrap(s.namedChild(0)) : null)
        .map(e => e?.type === 'assignment_expression' && unwrap(e.childForFieldName('right'))?.type === 'await_expression' ? unwrap(e.childForFieldName('left')) : null)
        .filter((x): x is Node => x?.type === 'identifier').map(x => x.text);
      if (assigned.length && this.idx.awaitsIn(cbody).some(a => sleepOf(this.ctx, a)) &&
        after.some(s => conditionalExits(s, c => assigned.some(n => wordRe(n).test(c))))) return true;
    }
    // a worker loop that counts consecutive failures: the catch bumps a counter the success path resets to 0 and
    // waits before going round (`try { await read(); failures = 0 } catch { failures++; await sleep(base * failures) }`)
    const catchSleeps = this.idx.awaitsIn(cbody).some(a => sleepOf(this.ctx, a));
    if (catchSleeps && !catchContinues && this.idx.writesIn(cbody).some(w => {
      const k = counterWrite(w);
      return !!k && k.increasing && this.idx.writesTo(k.name, block).some(r => r.type === 'assignment_expression' && unwrap(r.childForFieldName('right'))?.text === '0');
    })) return this.goesRoundAfter(body, t, catchContinues);
    // a worker loop on a run flag (`while (this.running)`, `while (!signal.aborted)`) whose catch waits before going
    // round while the success path does not wait at all: the pause is the failure's, so a failing read is re-issued
    // on that schedule (tuning pass 3; a loop that also waits on success is polling and stays silent)
    if (catchSleeps && !catchContinues && cond && RUN_FLAG.test(cond.text.replace(/^\(|\)$/g, '').trim()) &&
      !this.idx.awaitsIn(block).some(a => sleepOf(this.ctx, a)) &&
      !statementsAfter(body, t).some(st => this.idx.awaitsIn(st).some(a => sleepOf(this.ctx, a)) || /\b(setTimeout|sleep|delay|wait)\s*\(/.test(st.text)) &&
      !statementsBefore(body, t).some(st => this.idx.awaitsIn(st).some(a => sleepOf(this.ctx, a))) &&
      !handlesReceivedItem(block)) return this.goesRoundAfter(body, t, catchContinues);
    // a worker loop on a run flag whose catch neither waits nor leaves, and nothing else pauses the loop after a
    // failure: a failing read (the broker or the database down) is re-issued at once and the loop spins (round 3,
    // extended tuning recall sample). Same guards as above (an item handed on, a wait on success: not this case);
    // a sleep before the try in a guard that `continue`s (`if (!this.handler) { await sleep(100); continue }`) waits
    // for something else, and a wait inside a nested loop of the try (a rate-limit token) paces the operation, not
    // the failure. The try is a statement of the loop body itself: a try nested in another one fails into the rest of
    // the outer try, not into the next round.
    if (awaits.length && !catchSleeps && !catchContinues && cond && t.parent?.id === body.id && RUN_FLAG.test(cond.text.replace(/^\(|\)$/g, '').trim()) &&
      !this.idx.awaitsIn(cbody).length && !SPIN_WAIT_WORDS.test(cbody.text) &&
      !this.idx.awaitsIn(block).some(a => sleepOf(this.ctx, a) && !inNestedLoop(a, block)) &&
      !statementsAfter(body, t).some(st => this.idx.awaitsIn(st).length || /\b(setTimeout|sleep|delay|wait)\s*\(/.test(st.text)) &&
      !statementsBefore(body, t).some(st => !isContinueGuard(st) && (this.idx.awaitsIn(st).some(a => sleepOf(this.ctx, a)) || /\b(setTimeout|sleep|delay|wait)\s*\(/.test(st.text))) &&
      !handlesReceivedItem(block)) {
      this.spinning.add(t.id);
      return this.goesRoundAfter(body, t, catchContinues);
    }
    // the try wraps only the call and the response is checked after it: `try { res = await fetch(u) } catch (e) {
    // last = e }` then `if (res?.ok) return res`
    if (after.some(s => conditionalExits(s, c => OK_TEST.test(c)))) return this.goesRoundAfter(body, t, catchContinues);
    void loop;
    return false;
  }

  /** After a failure, the loop goes round again: no unconditional exit follows the try in the loop body. */
  private goesRoundAfter(body: Node, t: Node, catchContinues: boolean): boolean {
    if (catchContinues) return true;
    return !statementsAfter(body, t).some(s => s.type === 'return_statement' || s.type === 'throw_statement' || (s.type === 'break_statement' && !s.namedChild(0)));
  }

  /** Loops that take a different item each time round (failover over a list, a queue): not a retry. */
  private isItemLoop(loop: Node, body: Node, t: Node): boolean {
    const block = t.childForFieldName('body')!;
    const counters = this.loopCounters(loop, body).map(c => c.name);
    if (tryIndexedByCounter(block, counters)) return true;
    // the item picked into a local first (`const query = queries[i]; try { await search(query) }`, round 2)
    for (const st of statementsBefore(body, t)) {
      if (st.type !== 'lexical_declaration' && st.type !== 'variable_declaration') continue;
      for (const d of namedChildren(st)) {
        const name = d.type === 'variable_declarator' ? d.childForFieldName('name') : null;
        const value = d.childForFieldName('value');
        if (name?.type === 'identifier' && value && tryIndexedByCounter(value, counters) && wordRe(name.text).test(block.text)) return true;
      }
    }
    const cbody = t.childForFieldName('handler')?.childForFieldName('body');
    for (const s of namedChildren(body)) {
      if (isSameNode(s, t) || (cbody && contains(s, cbody))) continue;
      if (/\.(shift|pop|next|splice|dequeue|take)\s*\(/.test(s.text)) return true;
    }
    if (/\.(shift|pop|next|dequeue)\s*\(/.test(block.text)) return true;
    const cond = loop.childForFieldName('condition');
    if (cond && /\.(shift|pop|next|dequeue)\s*\(/.test(cond.text)) return true;
    return false;
  }

  /** Attempt counters: `for (let i = 0; ...; i++)`, and identifiers incremented/decremented in the loop. */
  private loopCounters(loop: Node, body: Node): { name: string; increasing: boolean }[] {
    const out = new Map<string, boolean>();
    const consider = (w: Node) => {
      const k = counterWrite(w);
      if (k && !out.has(k.name)) out.set(k.name, k.increasing);
    };
    for (const w of this.idx.writesIn(loop)) {
      // an inner loop's own counter (`for (let j = 0; …; j += 2)` over a response) counts something else
      if (!inNestedLoop(w, loop)) consider(w);
    }
    return [...out].map(([name, increasing]) => ({ name, increasing }));
  }

  private loopUnbounded(loop: Node, body: Node, cond: Node | null, counters: string[], retryTry: Node): boolean {
    const c = cond && cond.type !== 'empty_statement' ? cond.text.replace(/^\(|\)$/g, '').trim() : '';
    const constantTrue = c === '' || c === 'true' || c === '1' || c === '!0';
    const mentions = (text: string) => counters.some(n => wordRe(n).test(text)) || /Date\.now|performance\.now|deadline|timeout|elapsed|aborted|signal|expires|until/i.test(text);
    if (!constantTrue) {
      if (mentions(c)) return false;
      // `while (!done)`: the condition is only the success flag
      const ids = c.match(/[A-Za-z_$][\w$]*/g) ?? [];
      const flagsOnly = ids.length > 0 && ids.every(id => this.assignedTrueInTry(body, id));
      if (!flagsOnly) return false;
    }
    // a give-up in the catch on a count, a budget or a stop flag (`if (++this.failures > MAX) throw err`,
    // `if (this.stopped) return`): bounded, even where the counter is not one we track
    const cbody = retryTry.childForFieldName('handler')?.childForFieldName('body');
    if (cbody && conditionalExits(cbody, c => BOUND_WORDS.test(c), ['throw_statement', 'return_statement', 'break_statement'])) return false;
    // a bound checked inside the body: `if (++attempt > 5) throw err`, `if (attempt >= max) break`
    for (const s of findLocal(body, n => n.type === 'if_statement' || n.type === 'ternary_expression', false, 300)) {
      const t = s.childForFieldName('condition');
      if (t && mentions(t.text)) return false;
    }
    return true;
  }

  private assignedTrueInTry(body: Node, id: string): boolean {
    return this.idx.writesTo(id, body).length > 0;
  }

  private loopDelay(loop: Node, body: Node, retryTry: Node, fn: Node | null, env: Env): DelayVerdict | undefined {
    const block = retryTry.childForFieldName('body')!;
    const cbody = retryTry.childForFieldName('handler')?.childForFieldName('body');
    // a catch that ends in `continue` skips the rest of the body: only what it awaits is the pause between attempts
    const scope = cbody && namedChildren(cbody).some(s => s.type === 'continue_statement') ? cbody : body;
    const sleeps: Sleep[] = [];
    const others: Node[] = [];
    for (const a of this.idx.awaitsIn(scope)) {
      const s = sleepOf(this.ctx, a);
      if (s) sleeps.push(s);
      else if (!contains(block, a)) others.push(a);
    }
    const otherAwait = others.length > 0;
    // also sleeps hidden in the loop condition/update? (`while (await retryAfter())`) -> unknown
    const cond = loop.childForFieldName('condition');
    if (cond && this.idx.awaitsIn(cond).length) return undefined;
    if (!sleeps.length) {
      // one call into another file awaited between attempts: its summary says whether (and how long) it sleeps
      if (others.length === 1) {
        const call = awaitedCall(others[0]);
        const args = call ? callArgs(call).map(a => this.cls.expr(a, env)) : [];
        const d = call ? deferredCall(this.ctx, call, args) : undefined;
        if (call && d && !sameFileCallee(this.ctx, call)) return { kind: 'unknown', sleep: { site: others[0], arg: null, helperCall: call }, compose: { sleepCall: d } };
      }
      if (otherAwait) return undefined; // something else is awaited between attempts: it may wait
      const handler = retryTry.childForFieldName('handler');
      if (handler && /\b(wait|sleep|delay|backoff|throttl|reconnect|limit|setTimeout|schedule)/i.test(handler.text)) return undefined;
      if (scope === body && /\b(setTimeout|sleep|delay|backoff)\b/.test(statementsAfter(body, retryTry).map(s => s.text).join('\n'))) return undefined;
      return { kind: 'none' };
    }
    // several sleeps are alternatives (a rate-limit branch, a server-error branch): judged like a conditional
    if (sleeps.some(s => !s.arg)) return undefined;
    const envOf = (s: Sleep): Env => s.params ? { counters: new Set(), params: s.params, outer: env, depth: 1 } : env;
    const composed = composableKind(this.ctx, this.cls, sleeps.map(s => ({ node: s.arg!, env: envOf(s) })));
    if (composed.compose) return { kind: 'unknown', sleep: sleeps[0], compose: composed.compose };
    const kinds = sleeps.map(s => this.cls.expr(s.arg!, envOf(s)));
    const kind = branches(kinds);
    if (silentKind(kind)) return undefined;
    const i = Math.max(0, kinds.indexOf(kind));
    const best: DelayVerdict = { kind, sleep: sleeps[i] };
    if (kind === 'const' && best.sleep?.arg && !best.sleep.helperCall && numberOf(this.ctx, best.sleep.arg) === 0) best.zero = true;
    void fn;
    return best;
  }

  // ---- recursion -----------------------------------------------------------------------------------------------

}

/** A catch that mentions a wait of any kind (a backoff, a reconnect, a rate limit) may pause the loop itself. */
const SPIN_WAIT_WORDS = /\b\w*(wait|sleep|delay|backoff|throttl|reconnect|setTimeout|schedule|retry)\w*\b/i;

/** `if (…) { …; continue }` (no else): a guard that skips the rest of the iteration (waiting for a handler, a slot). */
function isContinueGuard(st: Node): boolean {
  if (st.type !== 'if_statement' || st.childForFieldName('alternative')) return false;
  const cons = st.childForFieldName('consequence');
  const last = cons?.type === 'statement_block' ? namedChildren(cons).filter(x => x.type !== 'comment').pop() : cons;
  return last?.type === 'continue_statement';
}

/** A counter named for attempts, and a loop condition that bounds it by a count named for attempts or retries. */
const ATTEMPT_NAME = /^(attempts?|attemptNumber|attemptCount|retry|retries|retryCount|tries|tryCount|try)$/i;
const ATTEMPT_COUNTER = /attempt|retr|tries/i;

/** A loop condition that is only a run/stop flag: `this.running`, `!this.stopped`, `this.#isRunning`, `!signal.aborted`. */
const RUN_FLAG = /^(!\s*)?((this|self)\.)?([#_]?[A-Za-z_$][\w$]*\.)*[#_]?(is_?)?(running|started|active|alive|polling|consuming|listening|stopped|stopping|closed|closing|shutting_?down|shut_?down|aborted|cancelled|canceled|disposed|destroyed)$/i;

/** Cheap pre-filter for result-checked loops: a success field, an HTTP status compared with a number (pass 4), or an error-first destructuring. */
const RESULT_HINT = /\.(ok|success|succeeded)\b|\.(status|statusCode)\s*(!==?|===?|<=?|>=?)\s*\d|\[\s*(err|error|e)\w*\s*,|\{[^{}]*\berror\b[^{}]*\}\s*=\s*await/;
/** Names of functions and callees that check readiness or health: polls, not retries. */
const READINESS = /health|ready|readiness|alive|ping|probe|poll|waitFor|waitUntil/i;
/** Callees that read a state (`getStatus`, `checkStatus`): a loop on them waits for the state to change. */
const STATE_READ = /status|state|progress|isDone|isComplete/i;

/**
 * The names a loop statement binds from an awaited call: `const res = await call()` → { result: 'res' };
 * `[error, data] = await tryCatch(…)`, `const [err, res] = await to(…)`, `const { data, error } = await …` →
 * { error: 'error' }. Undefined when the statement is not such a binding.
 */
function resultNames(st: Node): { result?: string; error?: string } | undefined {
  let left: Node | null = null, right: Node | null = null;
  if (st.type === 'lexical_declaration' || st.type === 'variable_declaration') {
    const ds = namedChildren(st).filter(x => x.type === 'variable_declarator');
    if (ds.length !== 1) return undefined;
    left = ds[0].childForFieldName('name'); right = unwrap(ds[0].childForFieldName('value'));
  } else if (st.type === 'expression_statement') {
    const e = unwrap(st.namedChild(0));
    if (e?.type !== 'assignment_expression') return undefined;
    left = unwrap(e.childForFieldName('left')); right = unwrap(e.childForFieldName('right'));
  }
  if (!left || right?.type !== 'await_expression' || unwrap(right.namedChild(0))?.type !== 'call_expression') return undefined;
  if (left.type === 'identifier') return { result: left.text };
  if (left.type === 'array_pattern') {
    const first = namedChildren(left)[0];
    return first?.type === 'identifier' && /^(e|err|error)\w*$/i.test(first.text) ? { error: first.text } : undefined;
  }
  if (left.type === 'object_pattern') {
    for (const p of namedChildren(left)) {
      if (p.type === 'shorthand_property_identifier_pattern' && p.text === 'error') return { error: 'error' };
      if (p.type === 'pair_pattern' && p.childForFieldName('key')?.text === 'error') {
        const v = p.childForFieldName('value');
        if (v?.type === 'identifier') return { error: v.text };
      }
    }
  }
  return undefined;
}

/** `res.ok`, `res.success`, `res.status === 200` (OK_TEST) on the result; `!error`, `error == null` on the error. */
function successTest(cond: string, names: { result?: string; error?: string }): boolean {
  const c = cond.replace(/^\(\s*|\s*\)$/g, '').trim();
  if (names.result) {
    const r = names.result.replace(/\$/g, '\\$');
    if (new RegExp(`^${r}\\??\\.(ok|success|succeeded)$`).test(c)) return true;
    if (new RegExp(`^${r}\\??\\.`).test(c) && OK_TEST.test(c) && !/\|\||&&/.test(c)) return true;
  }
  if (names.error) {
    const e = names.error.replace(/\$/g, '\\$');
    if (new RegExp(`^!\\s*${e}$|^${e}\\s*===?\\s*(null|undefined)$`).test(c)) return true;
  }
  return false;
}

/** Retrying a local filesystem call (Windows EBUSY/EPERM on rm/rename) cannot storm a shared dependency. */
export const LOCAL_FS = /^(fs|fsp|fsPromises|fse|promises|rimraf|import_fs|fs_1|graceful_fs)$/;
export const LOCAL_FS_OP = /^(rm|rmdir|unlink|rename|mkdir|copyFile|cp|writeFile|readFile|appendFile|access|stat|lstat|open|close|chmod|symlink|readdir|remove|move|copy|ensureDir|emptyDir)(Sync)?$/;
export function onlyLocalFs(awaits: Node[]): boolean {
  let any = false;
  for (const a of awaits) {
    const c = unwrap(a.namedChild(0));
    if (c?.type !== 'call_expression') return false;
    const path = memberPath(c.childForFieldName('function'));
    if (!path) return false;
    const last = path[path.length - 1];
    if (!LOCAL_FS_OP.test(last) || !(path.length === 1 || path.slice(0, -1).some(seg => LOCAL_FS.test(seg)))) return false;
    any = true;
  }
  return any;
}

/** redux-saga keep-alive: `spawn(function* () { while (true) { try { yield call(saga); break } catch {} } })` restarts a watcher saga, not a request. */
export function isSagaSupervisor(loop: Node, retryTry: Node): boolean {
  const g = innermostFunction(loop);
  if (g?.type !== 'generator_function') return false;
  const call = g.parent?.type === 'arguments' ? g.parent.parent : null;
  const callee = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')) : null;
  const name = callee?.type === 'identifier' ? callee.text : callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  if (name !== 'spawn') return false;
  const block = retryTry.childForFieldName('body');
  return !!block && /\byield\s+call\s*\(\s*[A-Za-z_$][\w$]*\s*\)/.test(block.text);
}

export function exits(stmt: Node): boolean {
  if (stmt.type === 'return_statement' || stmt.type === 'break_statement') return true;
  if (stmt.type === 'statement_block') return namedChildren(stmt).some(s => s.type === 'return_statement' || s.type === 'break_statement');
  return false;
}

/** `process.exit(...)` as a statement: in a startup script's wait loop it is how success leaves the loop. */
export function isProcessExit(stmt: Node): boolean {
  return stmt.type === 'expression_statement' && /^process\s*\.\s*exit\s*\(/.test(stmt.text);
}

export function statementsAfter(body: Node, t: Node): Node[] {
  // the statement of the loop body that contains t, then its following siblings
  const kids = body.type === 'statement_block' ? namedChildren(body) : [body];
  const i = kids.findIndex(k => contains(k, t));
  return i < 0 ? [] : kids.slice(i + 1).filter(k => k.type !== 'comment');
}

/** A call to a same-file function (already followed by ./sleeps.ts): not one to settle in the project pass. */
function sameFileCallee(ctx: RetryState['ctx'], call: Node): boolean {
  const f = unwrap(call.childForFieldName('function'));
  return f?.type === 'identifier' && !!sameFileFunction(ctx, f, f.text);
}

/** The statements of the loop body before the one that contains t. */
export function statementsBefore(body: Node, t: Node): Node[] {
  const kids = body.type === 'statement_block' ? namedChildren(body) : [body];
  const i = kids.findIndex(k => contains(k, t));
  return i < 0 ? [] : kids.slice(0, i).filter(k => k.type !== 'comment');
}

/**
 * The try receives an item and hands it to another awaited call (`const m = await q.receive(); await handle(m)`): its
 * catch also catches the item's own failure, after which the loop moves on to the next item (a loop over items).
 */
function handlesReceivedItem(block: Node): boolean {
  const names: string[] = [];
  for (const st of namedChildren(block)) {
    const t = st.text;
    const m = /^(?:const|let|var)\s+(?:\{([^}]*)\}|\[([^\]]*)\]|([A-Za-z_$][\w$]*))\s*(?::[^=]+)?=\s*(?:\([^)]*\)\s*)?await\b/.exec(t) ?? /^([A-Za-z_$][\w$]*)\s*=\s*await\b/.exec(t);
    if (m) {
      const list = (m[1] ?? m[2] ?? m[3] ?? '').split(',').map(x => x.split(':').pop()!.replace(/=.*$/, '').trim()).filter(Boolean);
      names.push(...list);
      continue;
    }
    if (names.length && /\bawait\b/.test(t) && names.some(n => new RegExp(`\\(([^()]*[,\\s(])?${n.replace(/\$/g, '\\$')}\\b`).test(t))) return true;
  }
  return false;
}
