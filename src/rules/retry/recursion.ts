/**
 * Recursion: functions that call themselves again (directly, through `setTimeout`, or after a sleep) from their own
 * failure path (`catch`, `.catch()`, an error/close listener, `if (err)`, a failed-status branch) with the same
 * arguments, and `op().catch(() => op())` chains.
 */
import type { Node } from '../../core/parser';
import type { Report, RuleContext } from '../../core/rule';
import { callArgs, unwrap, stringValue, FUNCTION_TYPES, contains, namedChildren } from '../../core/ast';
import {
  type Env, type RetryState, type RetryRuleId, FileIndex, BACKOFF_ID, findLocal, innermostFunction, isSameNode, numberOf, numberValue,
  paramNames, returnExprs, sameFileFunction, visibleDecl, wordRe, counterWrite, pushFinding, silentKind,
} from './common';
import { isGlobalSetTimeout, sleepOf, sleepOfExpr, type Sleep } from './sleeps';
import { reportDelay, type DelayVerdict } from './fixes';
import { convergentRerun, indexedByParam, recursionOnOtherData, waitsForState } from './noise';

export class RecursionChecks {
  private ctx: RuleContext;
  private idx: FileIndex;
  private cls: RetryState['cls'];
  constructor(private s: RetryState) { this.ctx = s.ctx; this.idx = s.idx; this.cls = s.cls; }

  private report(rule: RetryRuleId, r: Report): void { pushFinding(this.s.out, rule, r); }

  /** Failure regions found from the text (cheap) then the tree: catch bodies, .catch/.then(_, f), error/close handlers, if (err). */
  private failureRegions(): Node[] {
    const { ctx } = this;
    const out: Node[] = [];
    for (const c of ctx.captures('retry.catch')) { const b = c.childForFieldName('body'); if (b) out.push(b); }
    const at = (offset: number) => ctx.root.descendantForIndex(offset, offset);
    const callOfProp = (offset: number): Node | undefined => {
      const prop = at(offset);
      const member = prop?.parent;
      const call = member?.parent;
      if (member?.type !== 'member_expression' || call?.type !== 'call_expression' || !isSameNode(call.childForFieldName('function'), member)) return undefined;
      return call;
    };
    const fnArg = (call: Node | undefined, i: number) => {
      const a = call ? unwrap(callArgs(call)[i]) : null;
      return a && FUNCTION_TYPES.has(a.type) ? a : undefined;
    };
    for (const m of ctx.matchAll(/\.\s*catch\s*\(/g)) {
      const f = fnArg(callOfProp(m.index! + m[0].indexOf('catch')), 0);
      if (f) out.push(f);
    }
    for (const m of ctx.matchAll(/\.\s*(on|once|addEventListener|addListener)\s*\(\s*['"`](error|close|end|disconnect|disconnected|exit|timeout|failed|failure)['"`]/gi)) {
      const f = fnArg(callOfProp(m.index! + m[0].indexOf(m[1])), 1);
      if (f) out.push(f);
    }
    for (const m of ctx.matchAll(/\.\s*on(error|close|end|disconnect)\s*=(?!=)/gi)) {
      const prop = at(m.index! + m[0].indexOf('on'));
      const asg = prop?.parent?.parent;
      const right = asg?.type === 'assignment_expression' ? unwrap(asg.childForFieldName('right')) : null;
      if (right && FUNCTION_TYPES.has(right.type)) out.push(right);
    }
    for (const m of ctx.matchAll(FAILED_STATUS)) {
      const ifs = failureStatusIf(at(m.index! + m[0].length - 1));
      const cons = ifs?.childForFieldName('consequence');
      if (cons) out.push(cons);
    }
    for (const m of ctx.matchAll(/\.\s*(on|once|addEventListener|addListener)\s*\(\s*['"`](error|close|end|disconnect|disconnected|exit|timeout|failed|failure)['"`]\s*,\s*([A-Za-z_$][\w$]*)\s*\)/gi)) {
      const ref = at(m.index! + m[0].lastIndexOf(m[3]));
      const f = ref?.type === 'identifier' ? sameFileFunction(ctx, ref, m[3]) : undefined;
      if (f) out.push(f);
    }
    // `.catch(onError)` / `.then(ok, onError)`: a same-file function passed by name as the rejection handler
    for (const m of ctx.matchAll(/\.\s*(?:catch\s*\(|then\s*\(\s*[A-Za-z_$][\w$.]*\s*,)\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
      const ref = at(m.index! + m[0].lastIndexOf(m[1]));
      const f = ref?.type === 'identifier' ? sameFileFunction(ctx, ref, m[1]) : undefined;
      if (f) out.push(f);
    }
    // `if (err)`, and `if (result.error)` of an error-first result (`const result = await tryCatch(op())`, round 2)
    for (const m of ctx.matchAll(/\bif\s*\(\s*(?:err|error|e|er|[A-Za-z_$][\w$]*\??\.(?:error|err)|!\s*[A-Za-z_$][\w$]*\??\.success)\s*\)/g)) {
      const n = at(m.index!);
      const ifs = n?.type === 'if_statement' ? n : n?.parent?.type === 'if_statement' ? n.parent : null;
      const cons = ifs?.childForFieldName('consequence');
      if (cons) out.push(cons);
    }
    return out;
  }

  checkRecursion(): void {
    const ctx = this.ctx;
    const regions = this.failureRegions();
    if (!regions.length) return;
    // candidate functions: a named function (declaration, `const f = () => ...`, method called as this.f) that
    // calls itself (or setTimeouts itself) from inside one of the failure regions
    const candidates = new Map<number, Node>();
    for (const region of regions) {
      // cheap text tests first: the region must call `this.x` or a name declared in this file...
      const rt0 = region.text;
      let maybe = rt0.includes('this.') || rt0.includes('yield*');
      if (!maybe) for (const m of rt0.matchAll(/([A-Za-z_$][\w$]*)\s*[(,)]/g)) if (ctx.facts.declarations.has(m[1])) { maybe = true; break; }
      if (!maybe) continue;
      // ...and mention the name of a function that encloses it (named function expressions: `function* f() {}`)
      const names: string[] = [];
      for (let p = region.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) { const nm = functionName(p); if (nm) names.push(nm); }
      if (!names.length) continue;
      const rt = region.text;
      if (!names.some(nm => rt.includes(nm))) continue;
      for (const call of findLocal(region, n => n.type === 'call_expression', true, 2000)) {
        const t = selfTarget(ctx, call);
        if (!t) continue;
        const f = enclosingNamed(call, t.name, t.isMethod);
        if (f && contains(f, region)) candidates.set(f.id, f);
      }
    }
    for (const fn of candidates.values()) {
      const name = functionName(fn);
      if (!name) continue;
      const isMethod = fn.type === 'method_definition';
      const sites: { call: Node; via: 'direct' | 'setTimeout'; timer?: Node }[] = [];
      for (const call of findLocal(fn, n => n.type === 'call_expression', true, 5000)) {
        const t = selfTarget(ctx, call);
        if (!t || t.name !== name || t.isMethod !== isMethod) continue;
        if (!isSameNode(enclosingNamed(call, name, isMethod), fn)) continue;
        sites.push({ call, via: t.viaTimer ? 'setTimeout' : 'direct', timer: t.viaTimer ? call : undefined });
      }
      if (sites.length) this.checkSelfCalls(fn, sites);
    }
  }

  private checkSelfCalls(fn: Node, sites: { call: Node; via: 'direct' | 'setTimeout'; timer?: Node }[]): void {
    // direct self-calls that sit inside a setTimeout callback are the same retry as the setTimeout
    const resolved: { call: Node; timer?: Node; path: FailurePath | null }[] = [];
    for (const s of sites) {
      let timer = s.timer;
      if (!timer) timer = this.enclosingTimer(s.call, fn);
      if (timer && resolved.some(r => r.timer && isSameNode(r.timer, timer))) continue;
      resolved.push({ call: s.call, timer, path: this.failurePath(s.timer ?? s.call, fn) });
    }
    if (!resolved.length) return;
    // polling / scheduling from a success path too: not a retry driven by failure
    if (resolved.some(r => !r.path)) return;
    // a retry re-issues the same operation: a self-call with other arguments (a fallback mode `f(x, false)`,
    // recursion on other data `mkdir(path.dirname(p))`) is not a retry
    if (!resolved.every(r => sameOperationArgs(fn, r.call, r.timer))) return;
    // not retries (RULES v2): other data (a bisected batch, the next queued job), a re-run after a conflict, a wait
    // for a state, failover to the next host
    const params = paramNames(fn);
    if (recursionOnOtherData(fn, params, resolved.map(r => r.call))) return;
    if (resolved.some(r => convergentRerun(r.path!.region, r.call.startIndex))) return;
    if (waitsForState(functionName(fn), resolved[0].path!.region)) return;
    const counter = this.recursionCounter(fn, resolved.map(r => r.call));
    if (indexedByParam(fn, counter?.name)) return;
    const recArgs = this.recursionArgs(fn, resolved.map(r => r.call));
    const env: Env = { counters: new Set(counter ? [counter.name] : []), recArgs, resetScope: fn, depth: 0 };
    // several self-calls on different failure paths are alternatives: the first one whose delay we can judge decides
    // (a `Retry-After` path beside a config-driven one; tuning pass 3)
    let r = resolved[0];
    let verdict: DelayVerdict | undefined;
    for (const cand of resolved) {
      const v = this.siteVerdict(cand, env);
      if (v === 'stop') return;
      if (!v || (v.kind !== 'none' && silentKind(v.kind))) continue;
      r = cand; verdict = v; break;
    }
    if (!verdict) return;
    // no recognised counter, but the failure path gives up first (`if (!left) throw err` before the self-call): the
    // bound lives in state we do not track (an object argument, a closure variable), so do not claim "forever"
    const givesUp = resolved.some(x => {
      const reg = x.path?.region;
      return !!reg && GIVES_UP.test(reg.text.slice(0, Math.max(0, x.call.startIndex - reg.startIndex)));
    });
    // or the self-call sits in a branch taken only under a limit (`if (this.retryCount < this.MAX) { … setTimeout(…) }`,
    // round 2): a bound on state we do not track as a counter
    const underLimit = resolved.some(x => {
      const reg = x.path?.region;
      for (let p = (x.timer ?? x.call).parent; p && reg && contains(reg, p); p = p.parent) {
        if (p.type !== 'if_statement' && p.type !== 'ternary_expression') continue;
        if (LIMIT_WORDS.test(p.childForFieldName('condition')?.text ?? '')) return true;
      }
      return false;
    });
    const unbounded = counter ? !this.counterChecked(fn, counter.name) && !this.counterDecidedElsewhere(fn, counter.name) : !givesUp && !underLimit;
    const tail = unbounded ? ', and nothing limits the number of attempts (it retries forever)' : '';
    const increasing = counter?.increasing ? counter.name : undefined;
    reportDelay(this.s, verdict, increasing, tail, r.call, null, fn, 'recursion');
  }

  /**
   * The counter is handed to a call whose result gates the retry (`const delay = nextDelay(opts, attempt); if (delay)
   * …`, `shouldRetry(res, attempt)`): the limit lives in that function, so "forever" is not claimed.
   */
  private counterDecidedElsewhere(fn: Node, name: string): boolean {
    const re = wordRe(name);
    for (const call of findLocal(fn, x => x.type === 'call_expression', true, 600)) {
      if (!callArgs(call).some(a => re.test(a.text) && a.type === 'identifier')) continue;
      let up: Node | null = call.parent;
      while (up && (up.type === 'await_expression' || up.type === 'parenthesized_expression')) up = up.parent;
      const holder = up?.type === 'variable_declarator' ? up.childForFieldName('name')?.text : undefined;
      if (!holder) continue;
      const hre = wordRe(holder);
      if (findLocal(fn, x => x.type === 'if_statement', true, 600).some(i => hre.test(i.childForFieldName('condition')?.text ?? ''))) return true;
    }
    return false;
  }

  /** The delay verdict of one self-call site; 'stop' when the site shows the function is not a retry at all. */
  private siteVerdict(r: { call: Node; timer?: Node; path: FailurePath | null }, env: Env): DelayVerdict | undefined | 'stop' {
    let verdict: DelayVerdict | undefined;
    if (r.timer) {
      const d = callArgs(r.timer)[1] ?? null;
      if (!d) verdict = { kind: 'none' };
      else {
        const k = this.cls.expr(d, env);
        verdict = { kind: k, sleep: { site: r.timer, arg: d } };
        if (k === 'const' && numberOf(this.ctx, d) === 0) verdict.zero = true;
      }
    } else {
      const region = r.path!.region;
      const sleeps: Sleep[] = [];
      let other = false;
      for (const a of this.idx.awaitsIn(region)) {
        if (a.startIndex > r.call.startIndex || contains(a, r.call)) continue; // the self-call itself is not its pause
        const s = sleepOf(this.ctx, a);
        if (s) sleeps.push(s); else if (!contains(a, r.call)) other = true;
      }
      const thenSleep = this.thenOfSleep(r.call, region);
      if (thenSleep) sleeps.push(thenSleep);
      if (!sleeps.length) {
        if (other || /\b(wait|sleep|delay|backoff|throttl|setTimeout|schedule)/i.test(region.text.slice(0, r.call.startIndex - region.startIndex))) return undefined;
        verdict = { kind: 'none' };
      } else {
        const s = sleeps[sleeps.length - 1];
        const e: Env = s.params ? { counters: new Set(), params: s.params, outer: env, depth: 1 } : env;
        const k = s.arg ? this.cls.expr(s.arg, e) : 'unknown';
        verdict = { kind: k, sleep: s };
        if (k === 'const' && s.arg && !s.helperCall && numberOf(this.ctx, s.arg) === 0) verdict.zero = true;
      }
    }
    return verdict;
  }

  /** `setTimeout(() => f(), d)` around a self-call. */
  private enclosingTimer(call: Node, fn: Node): Node | undefined {
    // the nearest setTimeout callback between the call and the function (`setTimeout(() => run().catch(() => f()), d)`)
    for (let f = innermostFunction(call); f && !isSameNode(f, fn); f = innermostFunction(f)) {
      const args = f.parent;
      const outer = args?.parent;
      if (args?.type === 'arguments' && outer?.type === 'call_expression' && isGlobalSetTimeout(this.ctx, outer.childForFieldName('function')) && isSameNode(callArgs(outer)[0], f)) return outer;
    }
    return undefined;
  }

  /** `sleep(d).then(() => f())`: the sleep whose `.then` callback holds the self-call. */
  private thenOfSleep(call: Node, region: Node): Sleep | undefined {
    const f = innermostFunction(call);
    if (!f || !contains(region, f)) return undefined;
    const args = f.parent, outer = args?.parent;
    if (args?.type !== 'arguments' || outer?.type !== 'call_expression') return undefined;
    const callee = outer.childForFieldName('function');
    if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'then') return undefined;
    const obj = unwrap(callee.childForFieldName('object'));
    if (!obj) return undefined;
    // wrap as a fake await: sleepOf looks at namedChild(0) of its argument's parent
    const s = sleepOfExpr(this.ctx, obj);
    return s;
  }

  private failurePath(site: Node, fn: Node): FailurePath | null {
    for (let p: Node | null = site.parent, child: Node = site; p && !isSameNode(p, fn); child = p, p = p.parent) {
      if (p.type === 'catch_clause') return { region: p.childForFieldName('body') ?? p };
      if (FUNCTION_TYPES.has(p.type)) {
        const args = p.parent, call = args?.parent;
        if (args?.type === 'arguments' && call?.type === 'call_expression') {
          const callee = unwrap(call.childForFieldName('function'));
          const prop = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
          const a = callArgs(call);
          const i = a.findIndex(x => isSameNode(unwrap(x), p));
          if (prop === 'catch' && i === 0) return { region: p };
          if (prop === 'then' && i === 1) return { region: p };
          if ((prop === 'on' || prop === 'once' || prop === 'addEventListener' || prop === 'addListener') && i === 1) {
            const ev = stringValue(a[0]);
            if (ev && /^(error|close|end|disconnect|disconnected|exit|timeout|failed|failure)$/i.test(ev)) return { region: p };
            return null;
          }
        }
        if (args?.type === 'assignment_expression' || p.parent?.type === 'assignment_expression') {
          const left = (p.parent?.type === 'assignment_expression' ? p.parent : args)?.childForFieldName('left');
          const prop = left?.type === 'member_expression' ? left.childForFieldName('property')?.text : undefined;
          if (prop && /^on(error|close|end|disconnect)$/i.test(prop)) return { region: p };
        }
      }
      if (FUNCTION_TYPES.has(p.type) && namedFailureListener(p)) return { region: p };
      if (p.type === 'if_statement' && isSameNode(p.childForFieldName('consequence'), child)) {
        const c = unwrap(p.childForFieldName('condition'));
        if (c?.type === 'identifier' && /^(err|error|e|er)$/.test(c.text)) return { region: child };
        if (c && isResultErrorTest(c)) return { region: child };
        if (c && isFailedStatusTest(c)) return { region: child };
      }
    }
    return null;
  }

  private recursionCounter(fn: Node, calls: Node[]): { name: string; increasing: boolean } | undefined {
    for (const call of calls) {
      for (const [p, a0] of paramArgPairs(fn, call)) {
        const a = unwrap(a0);
        if (!a || !p) continue;
        const t = a.text.replace(/\s+/g, '');
        if (t === `${p}+1` || t === `1+${p}` || t === `++${p}`) return { name: p, increasing: true };
        if (t === `${p}-1` || t === `--${p}` || t === `${p}--`) return { name: p, increasing: false };
      }
    }
    // a counter outside the function incremented inside it: `attempts++` then `connect()`
    for (const w of this.idx.writesIn(fn, true)) {
      if (w.type === 'assignment_expression') continue;
      const k = counterWrite(w);
      if (!k) continue;
      const d = visibleDecl(this.ctx, w, k.name);
      if (d && !contains(fn, d)) return k;
    }
    return undefined;
  }

  private recursionArgs(fn: Node, calls: Node[]): Map<string, Node[]> {
    const m = new Map<string, Node[]>();
    for (const call of calls) {
      for (const [p, a] of paramArgPairs(fn, call)) { const l = m.get(p); if (l) l.push(a); else m.set(p, [a]); }
    }
    return m;
  }

  private counterChecked(fn: Node, name: string): boolean {
    const re = wordRe(name);
    for (const n of findLocal(fn, x => x.type === 'if_statement' || x.type === 'ternary_expression' || x.type === 'binary_expression', true, 600)) {
      if (n.type === 'binary_expression') {
        const op = n.childForFieldName('operator')?.text ?? '';
        if (['<', '>', '<=', '>=', '===', '!==', '==', '!='].includes(op) && re.test(n.text)) return true;
        continue;
      }
      const c = n.childForFieldName('condition');
      if (c && re.test(c.text)) return true;
    }
    return false;
  }

  /**
   * A one-shot re-call on a failed response: `let res = await client.call(opts); if (!res.ok && res.status >= 500)
   * res = await client.call(opts)`. The same call, issued again at once (or after a constant sleep) when the server
   * failed: a retry without backoff. Inside a loop or a self-calling function the loop/recursion checks decide.
   */
  checkStatusRecalls(): void {
    const seen = new Set<number>();
    for (const m of this.ctx.matchAll(FAILED_STATUS)) {
      const at = this.ctx.root.descendantForIndex(m.index!, m.index!);
      let ifs: Node | null = null;
      for (let p = at; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
        if (p.type === 'if_statement' && contains(p.childForFieldName('condition') ?? p, at!)) { ifs = p; break; }
      }
      if (!ifs || seen.has(ifs.id)) continue;
      seen.add(ifs.id);
      const cond = ifs.childForFieldName('condition')!;
      const v = /([A-Za-z_$][\w$]*)\s*\??\.\s*(?:status|statusCode|ok)\b/.exec(cond.text)?.[1];
      const cons = ifs.childForFieldName('consequence');
      if (!v || !cons) continue;
      const fn = innermostFunction(ifs);
      if (!fn) continue;
      if (findLocalAncestor(ifs, fn, n => n.type === 'for_statement' || n.type === 'while_statement' || n.type === 'do_statement' || n.type === 'for_in_statement')) continue;
      const original = this.originalCall(fn, v, ifs);
      if (!original) continue;
      const norm = (s: string) => s.replace(/\s+/g, '');
      const stmts = cons.type === 'statement_block' ? namedChildren(cons).filter(s => s.type !== 'comment') : [cons];
      let sleep: Sleep | undefined;
      for (const s of stmts) {
        const e = s.type === 'expression_statement' ? unwrap(s.namedChild(0)) : s.type === 'return_statement' ? unwrap(s.namedChild(0)) : null;
        if (!e) continue;
        if (e.type === 'await_expression') { const sl = sleepOf(this.ctx, e); if (sl) { sleep = sl; continue; } }
        let rhs: Node | null = null;
        if (e.type === 'assignment_expression' && unwrap(e.childForFieldName('left'))?.text === v) rhs = unwrap(e.childForFieldName('right'));
        else if (s.type === 'return_statement') rhs = e;
        if (rhs?.type === 'await_expression') rhs = unwrap(rhs.namedChild(0));
        if (rhs?.type !== 'call_expression' || norm(rhs.text) !== norm(original.text)) continue;
        const related = [{ start: original.startIndex, end: original.endIndex, message: 'the first attempt' }];
        if (!sleep) {
          this.report(BACKOFF_ID, { start: rhs.startIndex, end: rhs.endIndex, messageId: 'noDelay', fixes: [], related,
            message: 'Re-issued immediately after a failed response: when the server is failing, every client doubles its load on it at once (a retry storm); wait with capped exponential backoff and jitter before retrying' });
        } else if (sleep.arg && this.cls.expr(sleep.arg, { counters: new Set(), depth: 0 }) === 'const') {
          this.report(BACKOFF_ID, { start: rhs.startIndex, end: rhs.endIndex, messageId: 'constantDelay', fixes: [], related,
            message: `Re-issued after a failed response and a constant delay (\`${sleep.arg.text.slice(0, 40)}\`): every client retries at the same moment relative to the failure (a retry storm)` });
        }
        break;
      }
    }
  }

  /** `const v = await call(...)` (or `v = await call(...)`) before `before` in `fn`: the call whose response `v` holds. */
  private originalCall(fn: Node, v: string, before: Node): Node | undefined {
    // the function's response-holding assignments, gathered once per function (a file of many status checks stays linear)
    let list = this.assignedCalls.get(fn.id);
    if (!list) {
      list = [];
      for (const n of findLocal(fn, x => x.type === 'variable_declarator' || x.type === 'assignment_expression', false, 3000)) {
        const name = n.type === 'variable_declarator' ? n.childForFieldName('name') : unwrap(n.childForFieldName('left'));
        let val = unwrap(n.type === 'variable_declarator' ? n.childForFieldName('value') : n.childForFieldName('right'));
        if (val?.type === 'await_expression') val = unwrap(val.namedChild(0));
        if (name?.type === 'identifier' && val?.type === 'call_expression') list.push({ name: name.text, start: n.startIndex, call: val });
      }
      this.assignedCalls.set(fn.id, list);
    }
    let found: Node | undefined;
    for (const a of list) if (a.name === v && a.start < before.startIndex) found = a.call;
    return found;
  }
  private assignedCalls = new Map<number, { name: string; start: number; call: Node }[]>();

  /** `op(x).catch(() => op(x))`: the same call issued again from its own `.catch`. */
  checkCatchChains(): void {
    for (const m of this.ctx.matchAll(/\.\s*catch\s*\(/g)) {
      const prop = this.ctx.root.descendantForIndex(m.index! + m[0].indexOf('catch'), m.index! + m[0].indexOf('catch'));
      const callee = prop?.parent;
      const call = callee?.parent;
      if (callee?.type !== 'member_expression' || call?.type !== 'call_expression') continue;
      const first = unwrap(callee.childForFieldName('object'));
      if (first?.type !== 'call_expression') continue;
      const handler = unwrap(callArgs(call)[0]);
      if (!handler || !FUNCTION_TYPES.has(handler.type)) continue;
      const opText = first.text.replace(/\s+/g, '');
      if (opText.length > 300) continue;
      const hb = handler.childForFieldName('body');
      if (hb?.type === 'statement_block' && this.idx.awaitsIn(hb).some(a => !sleepOf(this.ctx, a))) continue;
      for (const r of returnExprs(handler)) {
        let e = unwrap(r);
        let sleep: Sleep | undefined;
        if (e?.type === 'await_expression') e = unwrap(e.namedChild(0));
        if (e?.type === 'call_expression') {
          // sleep(d).then(() => op())
          const c2 = unwrap(e.childForFieldName('function'));
          if (c2?.type === 'member_expression' && c2.childForFieldName('property')?.text === 'then') {
            const cb = unwrap(callArgs(e)[0]);
            const inner = cb && FUNCTION_TYPES.has(cb.type) ? returnExprs(cb)[0] : undefined;
            sleep = sleepOfExpr(this.ctx, unwrap(c2.childForFieldName('object'))!);
            if (sleep && inner) e = unwrap(inner);
          }
        }
        if (e?.type !== 'call_expression' || e.text.replace(/\s+/g, '') !== opText) continue;
        if (!sleep) {
          this.report(BACKOFF_ID, { start: e.startIndex, end: e.endIndex, messageId: 'noDelay', fixes: [],
            message: 'Retried immediately from its own `.catch()` with no delay: when the dependency fails, every client doubles its load on it at once (a retry storm)' });
        } else if (sleep.arg && this.cls.expr(sleep.arg, { counters: new Set(), depth: 0 }) === 'const') {
          this.report(BACKOFF_ID, { start: sleep.arg.startIndex, end: sleep.arg.endIndex, messageId: 'constantDelay', fixes: [],
            message: `Retried from its own \`.catch()\` after a constant delay (\`${sleep.arg.text}\`): every client retries at the same moment relative to the failure (a retry storm)` });
        }
      }
    }
  }
}

export interface FailurePath { region: Node }

/** Words of a condition that limits attempts (`retryCount < MAX_RETRIES`, `attemptsLeft > 0`). */
const LIMIT_WORDS = /attempt|retr|tries|count|max|limit|budget|remaining|left/i;

/**
 * What a self-call passes for each parameter: positional parameters by position, and the fields of a destructured
 * options parameter (`{ retries = 3, delayMs = 500 } = {}`) from an object literal in its place (`{ retries: retries -
 * 1, delayMs: delayMs * 2 }`; a shorthand `{ delayMs }` passes it through, as when it is left out). Tuning pass 4: an options object that doubles
 * the delay on each self-call grows (it was taken for a constant).
 */
export function paramArgPairs(fn: Node, call: Node): [string, Node][] {
  const params = fn.childForFieldName('parameters');
  const args = callArgs(call);
  const out: [string, Node][] = [];
  const list = params ? namedChildren(params).filter(x => x.type !== 'comment') : [];
  const names = paramNames(fn);
  for (let i = 0; i < names.length; i++) {
    const a = args[i];
    if (!a) continue;
    if (names[i]) { out.push([names[i], a]); continue; }
    let pat: Node | null = list[i] ?? null;
    if (pat?.type === 'required_parameter' || pat?.type === 'optional_parameter') pat = pat.childForFieldName('pattern');
    if (pat?.type === 'assignment_pattern') pat = pat.childForFieldName('left');
    const obj = unwrap(a);
    if (pat?.type !== 'object_pattern' || obj?.type !== 'object') continue;
    const fields = new Set<string>();
    for (const f of namedChildren(pat)) {
      if (f.type === 'shorthand_property_identifier_pattern') fields.add(f.text);
      else if (f.type === 'object_assignment_pattern') { const l = f.childForFieldName('left'); if (l?.type === 'shorthand_property_identifier_pattern') fields.add(l.text); }
    }
    for (const pr of namedChildren(obj)) {
      if (pr.type === 'pair') {
        const k = pr.childForFieldName('key'), v = pr.childForFieldName('value');
        if (k && v && fields.has(k.text)) out.push([k.text, v]);
      }
    }
  }
  return out;
}

export const ARITH = new Set(['+', '-', '*', '/', '<<', '**']);

/** The self-call passes each parameter through unchanged, or only counts/scales it (`n - 1`, `delay * 2`). */
export function sameOperationArgs(fn: Node, call: Node, timer?: Node): boolean {
  // setTimeout(f, d) / setTimeout(this.f.bind(this), d): called with no arguments of ours
  if (timer && isSameNode(timer, call)) {
    const a0 = unwrap(callArgs(call)[0]);
    if (a0?.type === 'call_expression' || a0?.type === 'identifier' || a0?.type === 'member_expression') return true;
  }
  const names = paramNames(fn);
  const args = callArgs(call);
  for (let i = 0; i < args.length && i < names.length; i++) {
    const p = names[i];
    const a = unwrap(args[i]);
    if (!a || !p) continue;
    if (a.type === 'identifier') continue;
    if (a.type === 'update_expression') continue;
    if (a.type === 'binary_expression' && ARITH.has(a.childForFieldName('operator')?.text ?? '') && wordRe(p).test(a.text)) continue;
    if (a.type === 'call_expression' && /^Math\.(min|max)$/.test(a.childForFieldName('function')?.text ?? '') && wordRe(p).test(a.text)) continue;
    if (a.type === 'member_expression' || a.type === 'object' || a.type === 'spread_element') continue; // passed-through state
    return false;
  }
  return true;
}

/**
 * `result.error` / `result?.err` / `!result.success`, where `result` holds an awaited call's error-first result (`const result = await
 * tryCatch(op())`, `{ data, error }` objects): the branch where the call failed.
 */
export function isResultErrorTest(c: Node): boolean {
  let e = unwrap(c);
  // `!result.success`: the same branch of a `{ success, error }` result
  if (e?.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
    const arg = unwrap(e.childForFieldName('argument'));
    if (arg?.type !== 'member_expression' || arg.childForFieldName('property')?.text !== 'success') return false;
    e = arg;
  } else if (e?.type !== 'member_expression' || !/^(error|err)$/.test(e.childForFieldName('property')?.text ?? '')) return false;
  const obj = unwrap(e.childForFieldName('object'));
  if (obj?.type !== 'identifier') return false;
  const re = new RegExp(`\\b${obj.text.replace(/\$/g, '\\$')}\\s*(?::[^=;]+)?=\\s*await\\b`);
  const fn = innermostFunction(e);
  return !!fn && re.test(fn.text.slice(0, e.startIndex - fn.startIndex));
}

/** `x.status === 429`, `x.status >= 500`, `x.statusCode === 503`, `!x.ok`: a response that failed. */
export const FAILED_STATUS = /\.(?:status|statusCode)\s*(?:===?\s*(?:408|429|5\d\d)|>=\s*5\d\d|>\s*(?:499|5\d\d))\b|!\s*[\w$.]+\.ok\b/g;
export function isFailedStatusTest(c: Node): boolean {
  const e = unwrap(c);
  if (!e) return false;
  if (e.type === 'unary_expression') {
    const arg = unwrap(e.childForFieldName('argument'));
    return e.childForFieldName('operator')?.text === '!' && arg?.type === 'member_expression' && arg.childForFieldName('property')?.text === 'ok';
  }
  if (e.type !== 'binary_expression') return false;
  const op = e.childForFieldName('operator')?.text ?? '';
  // `!res.ok && retries > 0` holds only on a failed response; `res.status === 429 || res.status >= 500` too (both
  // sides failed). Tuning pass 4: the textbook `fetchWithRetry` that calls itself from such a branch.
  if (op === '&&' || op === '||') {
    const a = e.childForFieldName('left'), b = e.childForFieldName('right');
    const fa = !!a && isFailedStatusTest(a), fb = !!b && isFailedStatusTest(b);
    return op === '&&' ? fa || fb : fa && fb;
  }
  const l = unwrap(e.childForFieldName('left')), r = numberValue(unwrap(e.childForFieldName('right')));
  if (l?.type !== 'member_expression' || !/^(status|statusCode)$/.test(l.childForFieldName('property')?.text ?? '') || r === undefined) return false;
  if (op === '===' || op === '==') return r === 408 || r === 429 || (r >= 500 && r <= 599);
  if (op === '>=') return r >= 500 && r <= 599;
  if (op === '>') return r >= 499 && r <= 599;
  return false;
}
/** The if statement whose condition is exactly a failed-status test containing `n` (a token of the match). */
/** `if (cond) throw …` / `if (cond) { return Promise.reject(…) }`: a conditional give-up in a failure path. */
export const GIVES_UP = /\bif\s*\([^{};]*\)\s*(?:\{\s*)?(?:throw\b|return\s+(?:Promise\.)?reject\s*\()/;
export function failureStatusIf(n: Node | null): Node | undefined {
  for (let p = n; p; p = p.parent) {
    if (p.type === 'if_statement') {
      const c = p.childForFieldName('condition');
      return c && isFailedStatusTest(c) ? p : undefined;
    }
    if (FUNCTION_TYPES.has(p.type) || p.type === 'statement_block') return undefined;
  }
  return undefined;
}
/** `const retry = () => ...; sock.addEventListener('close', retry)`: a named function registered for a failure event in its scope. */
export function namedFailureListener(fn: Node): boolean {
  let name: Node | null, scope: Node | null | undefined;
  const d = fn.parent;
  if (fn.type === 'function_declaration') { name = fn.childForFieldName('name'); scope = fn.parent; }
  else if (d?.type === 'variable_declarator' && isSameNode(unwrap(d.childForFieldName('value')), fn)) { name = d.childForFieldName('name'); scope = d.parent?.parent; }
  else return false;
  if (name?.type !== 'identifier' || !scope) return false;
  const n = name.text.replace(/\$/g, '\\$');
  // `.on('close', f)` & co, and `.catch(f)` / `.then(ok, f)` (the rejection handler)
  const re = new RegExp(`\\.\\s*(?:(on|once|addEventListener|addListener)\\s*\\(\\s*['"\`](error|close|end|disconnect|disconnected|exit|timeout|failed|failure)['"\`]\\s*,|catch\\s*\\(|then\\s*\\(\\s*[A-Za-z_$][\\w$.]*\\s*,)\\s*${n}\\s*\\)`, 'i');
  return re.test(scope.text);
}

/** What a call re-invokes: `f(...)`, `this.f(...)`, or `setTimeout(f | this.f | this.f.bind(this) | () => ..., d)`. */
export function selfTarget(ctx: RuleContext, call: Node): { name: string; isMethod: boolean; viaTimer: boolean } | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (!fn) return undefined;
  const direct = calleeName(fn);
  if (direct) {
    if (direct.name === 'setTimeout' && !direct.isMethod && isGlobalSetTimeout(ctx, fn)) {
      const t = calleeName(unwrap(callArgs(call)[0] ?? null));
      return t ? { ...t, viaTimer: true } : undefined;
    }
    return { ...direct, viaTimer: false };
  }
  return undefined;
}

export function calleeName(c0: Node | null): { name: string; isMethod: boolean } | undefined {
  let c = c0;
  if (!c) return undefined;
  if (c.type === 'call_expression') {
    // this.f.bind(this)
    const f = unwrap(c.childForFieldName('function'));
    if (f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'bind') c = unwrap(f.childForFieldName('object'));
    else return undefined;
  }
  if (!c) return undefined;
  if (c.type === 'identifier') return { name: c.text, isMethod: false };
  if (c.type === 'member_expression' && unwrap(c.childForFieldName('object'))?.type === 'this') {
    const p = c.childForFieldName('property');
    return p ? { name: p.text, isMethod: true } : undefined;
  }
  return undefined;
}

/** Name of a function node: declaration name, `const name = () => ...`, method name. */
export function functionName(fn: Node): string | undefined {
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration' || fn.type === 'method_definition') return fn.childForFieldName('name')?.text;
  const p = fn.parent;
  if (p?.type === 'variable_declarator' && unwrap(p.childForFieldName('value'))?.id === fn.id) {
    const n = p.childForFieldName('name');
    return n?.type === 'identifier' ? n.text : undefined;
  }
  if (fn.type === 'function_expression' || fn.type === 'function' || fn.type === 'generator_function') return fn.childForFieldName('name')?.text;
  return undefined;
}

/** The innermost enclosing function named `name` (a method when isMethod). */
export function enclosingNamed(n: Node, name: string, isMethod: boolean): Node | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (!FUNCTION_TYPES.has(p.type)) continue;
    if ((p.type === 'method_definition') !== isMethod) continue;
    if (functionName(p) === name) return p;
  }
  return undefined;
}

/** An ancestor of `n` below `top` that satisfies `pred`. */
function findLocalAncestor(n: Node, top: Node, pred: (x: Node) => boolean): Node | undefined {
  for (let p = n.parent; p && !isSameNode(p, top); p = p.parent) if (pred(p)) return p;
  return undefined;
}
