/**
 * Retry libraries judged by their documented defaults and options (sources in the rule docs' "Library defaults"):
 * p-retry, node-retry, async-retry, axios-retry, exponential-backoff, RxJS `retry`/`retryWhen`, cockatiel,
 * superagent `.retry()`, got, ky, AWS SDK v3 `ConfiguredRetryStrategy`.
 */
import type { Node } from '../../core/parser';
import type { Report, RuleContext } from '../../core/rule';
import type { TextEdit } from '../../core/types';
import { callArgs, unwrap, stringValue, FUNCTION_TYPES, namedChildren, keyName, memberPath } from '../../core/ast';
import { addPropertyEdit, insertArgumentEdit, replaceNodeEdit, addNamedImportEdit, insertLineAfterEdit } from '../../core/edits';
import {
  type Env, type Kind, type RetryFinding, type RetryRuleId, BACKOFF_ID, JITTER_ID, CAP, BASE_NONE, combineAll, numberOf, numberValue, boolOf,
  paramNames, returnExprs, visibleDecl, par, pushFinding, UPPER, findLocal, branches, sameFileFunction,
} from './common';
import { sleepOf } from './sleeps';
import type { Classifier } from './delay';
import { waitsForState } from './noise';
import { functionName } from './recursion';

export const RETRY_MODULES = /^(p-retry|promise-retry|@gar\/promise-retry|async-retry|retry|axios-retry|exponential-backoff|rxjs|rxjs\/operators|rxjs\/(?:internal\/)?operators\/\w+|cockatiel|got|ky|@smithy\/util-retry|@aws-sdk\/util-retry|effect|effect\/Effect|@effect\/workflow|@effect\/workflow\/Activity|effect\/unstable\/workflow|effect\/unstable\/workflow\/Activity)$/;
/** RxJS operators: `rxjs`, `rxjs/operators`, and the per-operator deep paths (`rxjs/operators/retry`, RxJS 5.5 / internal). */
export const isRxOperatorModule = (m: string) => m === 'rxjs' || m === 'rxjs/operators' || /^rxjs\/(?:internal\/)?operators\/\w+$/.test(m);
export const LIB_TEXT = /p-retry|promise-retry|async-retry|['"]retry['"]|axios-retry|exponential-backoff|rxjs|cockatiel|superagent|['"]got['"]|['"]ky['"]|util-retry|['"]effect|@effect\/workflow/;

/** Libraries configured on a client rather than wrapped around one operation. */
const CLIENT_LIBS = new Set(['axios-retry', 'got', 'ky']);

/** The name of the nearest named function around `n` (an arrow passed to a call has none: look further out). */
function enclosingName(n: Node): string | undefined {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) { const name = functionName(p); if (name) return name; }
  return undefined;
}

export class LibraryChecks {
  constructor(private ctx: RuleContext, private cls: Classifier, private out: RetryFinding[]) {}

  private report(rule: RetryRuleId, r: Report): void { pushFinding(this.out, rule, r); }

  run(): void {
    const { ctx } = this;
    if (!ctx.test(LIB_TEXT)) return;
    // only the calls that start with a local name bound to a retry library (found in the text, then the tree)
    const locals: string[] = [];
    let superagent = false;
    for (const [local, b] of ctx.facts.bindings) {
      if (RETRY_MODULES.test(b.module)) locals.push(local);
      if (b.module === 'superagent') superagent = true;
    }
    const seen = new Set<number>();
    const visitCall = (call: Node | null | undefined) => {
      if (!call || call.type !== 'call_expression' || seen.has(call.id)) return;
      seen.add(call.id);
      const fn = unwrap(call.childForFieldName('function'));
      if (!fn) return;
      const lib = this.libOf(fn);
      // a retry library driving a wait for a state (`waitForEventAvailability` throws until the rows are there,
      // round 2): polling, not a retry of a failure (RULES v2); client configs (axios-retry, got, ky) are not waits
      if (lib && !CLIENT_LIBS.has(lib) && waitsForState(enclosingName(call))) return;
      if (lib) this.dispatch(lib, call, fn);
      else if (superagent && fn.type === 'member_expression' && fn.childForFieldName('property')?.text === 'retry' && this.chainRoot(fn)) this.superagent(call, fn);
    };
    const at = (i: number) => ctx.root.descendantForIndex(i, i);
    for (const local of locals) {
      const re = new RegExp(`(?<![\\w$.])${local.replace(/\$/g, '\\$')}\\s*(\\.\\s*[\\w$]+\\s*)?\\(`, 'g');
      for (const m of ctx.matchAll(re)) {
        const id = at(m.index!);
        if (id?.type !== 'identifier') continue;
        const p = id.parent;
        if (p?.type === 'call_expression') visitCall(p);
        else if (p?.type === 'member_expression') visitCall(p.parent);
      }
      // got/ky methods picked into a local first: `const request = isPost ? got.post : got.get; request(url, options)`
      const lib0 = ctx.facts.binding(local)?.module;
      if (lib0 === 'got' || lib0 === 'ky') for (const alias of this.methodAliases(local)) {
        for (const m of ctx.matchAll(new RegExp(`(?<![\\w$.])${alias.replace(/\$/g, '\\$')}\\s*\\(`, 'g'))) {
          const id = at(m.index!);
          const call = id?.type === 'identifier' ? id.parent : null;
          if (call?.type !== 'call_expression' || seen.has(call.id)) continue;
          seen.add(call.id);
          this.dispatch(lib0, call, id!);
        }
      }
      const reNew = new RegExp(`\\bnew\\s+${local.replace(/\$/g, '\\$')}\\s*\\(`, 'g');
      for (const m of ctx.matchAll(reNew)) {
        const n = at(m.index!)?.parent;
        if (n?.type !== 'new_expression') continue;
        const c = unwrap(n.childForFieldName('constructor'));
        const b = c?.type === 'identifier' ? ctx.facts.moduleOf(c) : undefined;
        if (b && /^@(smithy|aws-sdk)\/util-retry$/.test(b.module) && b.imported === 'ConfiguredRetryStrategy') this.awsConfigured(n);
      }
    }
    if (superagent) for (const m of ctx.matchAll(/\.\s*retry\s*\(/g)) {
      const prop = at(m.index! + m[0].indexOf('retry'));
      visitCall(prop?.parent?.parent);
    }
  }


  /**
   * Same-file `const` names bound to methods of `local` (a got/ky import), alone or as the branches of a ternary or
   * `||`/`??`: `const request = isPost ? got.post : got.get`. Calls through them are calls of the library.
   */
  private methodAliases(local: string): string[] {
    const out: string[] = [];
    const re = new RegExp(`(?<![\\w$.])${local.replace(/\$/g, '\\$')}\\s*\\.\\s*(get|post|put|patch|delete|head)\\b(?!\\s*\\()`, 'g');
    for (const m of this.ctx.matchAll(re)) {
      let n: Node | null = this.ctx.root.descendantForIndex(m.index!, m.index!);
      while (n && n.type !== 'member_expression') n = n.parent;
      for (let p = n?.parent ?? null; p; p = p.parent) {
        if (p.type === 'ternary_expression' || p.type === 'parenthesized_expression' || (p.type === 'binary_expression' && /^(\|\||\?\?)$/.test(p.childForFieldName('operator')?.text ?? ''))) continue;
        const name = p.type === 'variable_declarator' ? p.childForFieldName('name') : null;
        if (name?.type === 'identifier' && this.ctx.facts.constDeclarator(name.text, p)?.id === p.id && !out.includes(name.text)) out.push(name.text);
        break;
      }
    }
    return out;
  }

  /** Which retry library function a callee is: 'p-retry', 'async-retry', 'retry.operation', ... */
  private libOf(fn: Node): string | undefined {
    const { facts } = this.ctx;
    let b, member: string | undefined;
    if (fn.type === 'identifier') {
      b = facts.moduleOf(fn);
      if (!b) return undefined;
      member = b.imported === 'default' || b.imported === '*' ? '' : b.imported.replace(/^default\./, '');
    } else if (fn.type === 'member_expression') {
      const obj = unwrap(fn.childForFieldName('object'));
      if (obj?.type !== 'identifier') return undefined;
      b = facts.moduleOf(obj);
      // Effect: `import { Effect } from 'effect'` / `import * as Effect from 'effect/Effect'`, then `Effect.retry(...)`
      if (b && ((b.module === 'effect' && b.imported === 'Effect') || (b.module === 'effect/Effect' && b.imported === '*'))) {
        return fn.childForFieldName('property')?.text === 'retry' ? 'effect.retry' : undefined;
      }
      // Effect workflows: `Activity.retry({ times })` (`@effect/workflow`, Effect 4's `effect/unstable/workflow`)
      // forwards its options to `Effect.retry` and takes no `schedule` at all (round 2)
      if (b && ((/^(@effect\/workflow|effect\/unstable\/workflow)$/.test(b.module) && b.imported === 'Activity') ||
        (/^(@effect\/workflow|effect\/unstable\/workflow)\/Activity$/.test(b.module) && b.imported === '*'))) {
        return fn.childForFieldName('property')?.text === 'retry' ? 'activity.retry' : undefined;
      }
      if (!b || (b.imported !== '*' && b.imported !== 'default')) return undefined;
      member = fn.childForFieldName('property')?.text;
      if (member === 'default') member = '';
    }
    if (!b || member === undefined) return undefined;
    const mod = b.module;
    if (mod === 'p-retry' && (member === '' || member === 'pRetry')) return 'p-retry';
    if (mod === 'async-retry' && member === '') return 'async-retry';
    // promise-retry (and the @gar fork npm uses) maps its options to node-retry's: randomize defaults to false
    if ((mod === 'promise-retry' || mod === '@gar/promise-retry') && member === '') return 'promise-retry';
    if (mod === 'retry' && (member === 'operation' || member === 'timeouts')) return 'retry.' + member;
    if (mod === 'axios-retry' && (member === '' || member === 'axiosRetry')) return 'axios-retry';
    if (mod === 'exponential-backoff' && member === 'backOff') return 'exponential-backoff';
    if (isRxOperatorModule(mod) && (member === 'retry' || member === 'retryWhen')) return 'rxjs.' + member;
    if (mod === 'cockatiel' && member === 'retry') return 'cockatiel';
    if ((mod === 'got' || mod === 'ky') && (member === '' || ['get', 'post', 'put', 'patch', 'delete', 'head', 'extend', 'create'].includes(member))) return mod;
    return undefined;
  }

  private dispatch(lib: string, call: Node, fn: Node): void {
    switch (lib) {
      case 'p-retry': return this.nodeRetry(call, 1, 'p-retry');
      case 'retry.operation': case 'retry.timeouts': return this.nodeRetry(call, 0, 'retry');
      // `promiseRetry(fn, [options])`, or options first: `promiseRetry([options], fn)`
      case 'promise-retry': {
        const first = unwrap(callArgs(call)[0]);
        return this.nodeRetry(call, first && FUNCTION_TYPES.has(first.type) ? 1 : first && callArgs(call).length > 1 ? 0 : 1, 'promise-retry');
      }
      case 'async-retry': return this.asyncRetry(call);
      case 'axios-retry': return this.axiosRetry(call, fn);
      case 'exponential-backoff': return this.expBackoff(call);
      case 'rxjs.retry': return this.rxRetry(call);
      case 'rxjs.retryWhen': return this.rxRetryWhen(call);
      case 'cockatiel': return this.cockatiel(call);
      case 'got': case 'ky': return this.gotKy(call, lib);
      case 'effect.retry': return this.effectRetry(call);
      case 'activity.retry': return this.effectRetry(call, 'Activity.retry');
    }
  }

  /** The options object at `index`: null = absent, undefined = opaque. */
  private options(call: Node, index: number): { arg: Node | null; obj: Node | null } | undefined {
    const arg = callArgs(call)[index] ?? null;
    const u = unwrap(arg);
    if (!arg || (u?.type === 'identifier' && u.text === 'undefined')) return { arg: null, obj: null };
    const obj = this.ctx.facts.resolveObject(arg);
    return obj ? { arg, obj } : undefined;
  }

  private prop(obj: Node | null, key: string): { kind: 'absent' } | { kind: 'unknown' } | { kind: 'present'; value: Node | null; pair: Node } {
    if (!obj) return { kind: 'absent' };
    return this.ctx.facts.lookupProp(obj, key);
  }

  private addOption(call: Node, o: { obj: Node | null }, index: number, prop: string): TextEdit | undefined {
    if (o.obj) return addPropertyEdit(o.obj, prop, this.ctx.text, this.ctx.lines);
    const args = callArgs(call);
    if (args.length < index) return undefined;
    if (args.length > index) return replaceNodeEdit(args[index], `{ ${prop} }`);
    return insertArgumentEdit(call, args.length ? args[args.length - 1] : null, `{ ${prop} }`);
  }

  /** p-retry and node-retry: randomize defaults to false; factor 1 or minTimeout == maxTimeout = constant. */
  private nodeRetry(call: Node, index: number, name: string): void {
    const o = this.options(call, index);
    if (!o) return;
    if (name === 'p-retry' && this.hookPaces(o.obj)) return;
    const retries = this.prop(o.obj, 'retries');
    if (retries.kind === 'unknown') return;
    if (retries.kind === 'present' && numberOf(this.ctx, retries.value) === 0) return;
    const factor = this.prop(o.obj, 'factor');
    const minT = this.prop(o.obj, 'minTimeout');
    const maxT = this.prop(o.obj, 'maxTimeout');
    const randomize = this.prop(o.obj, 'randomize');
    const forever = this.prop(o.obj, 'forever');
    const tail = forever.kind === 'present' && boolOf(this.ctx, forever.value) === true ? ', and `forever: true` never stops retrying' : '';
    const callee = call.childForFieldName('function')!.text;
    const minV = minT.kind === 'present' ? numberOf(this.ctx, minT.value) : 1000;
    const maxV = maxT.kind === 'present' ? numberOf(this.ctx, maxT.value) : Infinity;
    if (factor.kind === 'present' && numberOf(this.ctx, factor.value) === 1 && factor.pair.type === 'pair') {
      const edits: TextEdit[] = [replaceNodeEdit(factor.value!, '2')];
      if (randomize.kind === 'absent' && o.obj) edits.push(addPropertyEdit(o.obj, 'randomize: true', this.ctx.text, this.ctx.lines));
      return this.report(BACKOFF_ID, { start: factor.pair.startIndex, end: factor.pair.endIndex, messageId: 'libConstant',
        fixes: randomize.kind === 'unknown' ? [] : [{ title: 'Use exponential backoff (factor 2) with randomization', safety: 'unsafe', isPreferred: true, edits }],
        message: `\`${callee}\` with \`factor: 1\` waits the same delay before every retry: while the dependency is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
    }
    if (minV === 0 && (maxV === undefined || maxV !== Infinity || true) && minT.kind === 'present') {
      return this.report(BACKOFF_ID, { start: minT.pair.startIndex, end: minT.pair.endIndex, messageId: 'libNoDelay', fixes: [],
        message: `\`${callee}\` with \`minTimeout: 0\` retries immediately (every delay is 0): when the dependency fails, every client hammers it at once (a retry storm)${tail}` });
    }
    if (minV !== undefined && maxV !== undefined && minV === maxV && minT.kind === 'present') {
      return this.report(BACKOFF_ID, { start: minT.pair.startIndex, end: maxT.kind === 'present' ? Math.max(minT.pair.endIndex, maxT.pair.endIndex) : minT.pair.endIndex, messageId: 'libConstant', fixes: [],
        message: `\`${callee}\` with \`minTimeout\` equal to \`maxTimeout\` waits the same delay before every retry: the load on a failing dependency never backs off (a retry storm)${tail}` });
    }
    if (factor.kind === 'unknown' || minT.kind === 'unknown' || maxT.kind === 'unknown') return;
    if (randomize.kind === 'unknown') return;
    if (randomize.kind === 'present') {
      const v = boolOf(this.ctx, randomize.value);
      if (v !== false) return;
      return this.report(JITTER_ID, { start: randomize.pair.startIndex, end: randomize.pair.endIndex, messageId: 'libNoJitter',
        fixes: randomize.pair.type === 'pair' && randomize.value ? [{ title: 'Set `randomize: true`', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(randomize.value, 'true')] }] : [],
        message: `\`${callee}\` backs off exponentially but \`randomize: false\` means no jitter: all clients retry in lockstep${tail}` });
    }
    const edit = this.addOption(call, o, index, 'randomize: true');
    const range = calleeRange(call); // RULES v2: a missing option sits on the callee
    this.report(JITTER_ID, { ...range, messageId: 'libNoJitter',
      fixes: edit ? [{ title: 'Add `randomize: true`', safety: 'safe', isPreferred: true, edits: [edit] }] : [],
      message: `\`${callee}\` backs off exponentially but without jitter (${name}'s \`randomize\` defaults to false): all clients retry in lockstep${tail}` });
  }

  /**
   * p-retry awaits `onFailedAttempt` before each retry (p-retry 9 readme "onFailedAttempt": "can return a promise",
   * e.g. to add a delay; `index.js` L207): a hook that sleeps a jittered or server-decided delay paces the retries
   * itself, whatever `minTimeout` says (round 2: `minTimeout: 0` beside a hook sleeping a capped exponential delay
   * plus random jitter). Only that case is cleared: a hook sleeping a constant or growing delay is judged as before.
   */
  private hookPaces(obj: Node | null): boolean {
    const hook = this.prop(obj, 'onFailedAttempt');
    if (hook.kind !== 'present') return false;
    let fn = unwrap(hook.value);
    if (fn?.type === 'identifier') fn = sameFileFunction(this.ctx, fn, fn.text) ?? null;
    if (!fn || !FUNCTION_TYPES.has(fn.type)) return false;
    const body = fn.childForFieldName('body');
    if (!body) return false;
    // the attempt number, read from the context parameter (`error.attemptNumber`, `({ attemptNumber })`)
    const p0 = paramNames(fn)[0];
    const counters = new Set(['attemptNumber', ...(p0 ? [`${p0}.attemptNumber`] : [])]);
    const kinds: Kind[] = [];
    for (const a of findLocal(body, n => n.type === 'await_expression', false, 400)) {
      const sl = sleepOf(this.ctx, a);
      if (sl) kinds.push(sl.arg ? this.cls.expr(sl.arg, sl.params ? { counters: new Set(), params: sl.params, outer: { counters, depth: 0 }, depth: 1 } : { counters, depth: 0 }) : 'unknown');
    }
    if (!kinds.length) return false;
    const k = branches(kinds);
    return k === 'jitter' || k === 'server' || k === 'unknown';
  }

  /** async-retry randomizes by default: only `randomize: false` or `factor: 1`. */
  private asyncRetry(call: Node): void {
    const o = this.options(call, 1);
    if (!o?.obj) return;
    const retries = this.prop(o.obj, 'retries');
    if (retries.kind === 'present' && numberOf(this.ctx, retries.value) === 0) return;
    const callee = call.childForFieldName('function')!.text;
    const factor = this.prop(o.obj, 'factor');
    if (factor.kind === 'present' && factor.pair.type === 'pair' && numberOf(this.ctx, factor.value) === 1) {
      return this.report(BACKOFF_ID, { start: factor.pair.startIndex, end: factor.pair.endIndex, messageId: 'libConstant',
        fixes: [{ title: 'Use exponential backoff (factor 2)', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(factor.value!, '2')] }],
        message: `\`${callee}\` with \`factor: 1\` waits about the same delay before every retry: the load on a failing dependency never backs off (a retry storm)` });
    }
    const randomize = this.prop(o.obj, 'randomize');
    if (randomize.kind === 'present' && randomize.pair.type === 'pair' && boolOf(this.ctx, randomize.value) === false) {
      this.report(JITTER_ID, { start: randomize.pair.startIndex, end: randomize.pair.endIndex, messageId: 'libNoJitter',
        fixes: [{ title: 'Set `randomize: true` (async-retry\'s default)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(randomize.value!, 'true')] }],
        message: `\`${callee}\` with \`randomize: false\` turns off async-retry's default jitter: all clients retry in lockstep` });
    }
  }

  /** axios-retry: the default `retryDelay` is no delay at all. */
  private axiosRetry(call: Node, fn: Node): void {
    const o = this.options(call, 1);
    if (!o) return;
    if (callArgs(call).length === 0) return;
    const retries = this.prop(o.obj, 'retries');
    if (retries.kind === 'unknown') return;
    if (retries.kind === 'present' && numberOf(this.ctx, retries.value) === 0) return;
    const rd = this.prop(o.obj, 'retryDelay');
    if (rd.kind === 'unknown') return;
    const head = fn.type === 'identifier' ? fn.text : unwrap(fn.childForFieldName('object'))?.text;
    if (rd.kind === 'absent') {
      const edit = this.addOption(call, o, 1, `retryDelay: ${head}.exponentialDelay`);
      const range = calleeRange(call); // RULES v2: a missing option sits on the callee
      return this.report(BACKOFF_ID, { ...range, messageId: 'libNoDelay',
        fixes: edit ? [{ title: `Add \`retryDelay: ${head}.exponentialDelay\``, safety: 'safe', isPreferred: true, edits: [edit] }] : [],
        message: 'axios-retry retries immediately by default (`retryDelay` is no delay): when the server fails, every client hammers it at once (a retry storm)' });
    }
    const v = unwrap(rd.value);
    if (!v || !FUNCTION_TYPES.has(v.type)) return;
    // RULES v2: a `retryDelay` function is classified like a hand-written delay (its first parameter counts retries)
    const d = this.delayFunction(v, names => ({ counters: new Set(names[0] ? [names[0]] : []), depth: 0 }));
    if (!d) return;
    if (d.kind === 'const') {
      return this.report(BACKOFF_ID, { start: v.startIndex, end: v.endIndex, messageId: 'libConstant',
        fixes: [{ title: `Use \`${head}.exponentialDelay\``, safety: 'unsafe', isPreferred: true, edits: [rd.pair.type === 'pair' ? replaceNodeEdit(v, `${head}.exponentialDelay`) : replaceNodeEdit(v, `retryDelay: ${head}.exponentialDelay`)] }],
        message: 'axios-retry `retryDelay` returns a constant: every client keeps retrying at the same fixed rate while the server is down (a retry storm)' });
    }
    if (d.kind === 'exp' || d.kind === 'linear') {
      const r = d.rets.length === 1 ? d.rets[0] : undefined;
      return this.report(JITTER_ID, { start: (r ?? v).startIndex, end: (r ?? v).endIndex, messageId: 'libNoJitter',
        fixes: r ? [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(r, `Math.random() * ${par(r)}`)] }] : [],
        message: `axios-retry \`retryDelay\` ${d.kind === 'exp' ? 'grows exponentially' : 'grows with the retry count'} but has no jitter: all clients retry in lockstep` });
    }
  }

  /**
   * A delay callback (`retryDelay`, got's `calculateDelay`, ky's `delay`) classified like a hand-written delay: the
   * kind of all its return values; returns only `0` (got: "do not retry") or nothing classifiable: undefined.
   */
  private delayFunction(fn: Node, envOf: (names: string[]) => Env): { kind: Kind; rets: Node[] } | undefined {
    const rets = returnExprs(fn).map(r => unwrap(r)).filter((r): r is Node => !!r);
    if (!rets.length) return undefined;
    const live = rets.filter(r => numberValue(r) !== 0);
    if (!live.length) return undefined;
    const env = envOf(paramNames(fn));
    return { kind: combineAll(live.map(r => this.cls.expr(r, env))), rets: live };
  }

  /** exponential-backoff: `jitter` defaults to 'none'. */
  private expBackoff(call: Node): void {
    const o = this.options(call, 1);
    if (!o) return;
    const callee = call.childForFieldName('function')!.text;
    const n = this.prop(o.obj, 'numOfAttempts');
    if (n.kind === 'unknown') return;
    if (n.kind === 'present' && (numberOf(this.ctx, n.value) ?? 2) <= 1) return;
    const tm = this.prop(o.obj, 'timeMultiple');
    if (tm.kind === 'present' && tm.pair.type === 'pair' && numberOf(this.ctx, tm.value) === 1) {
      return this.report(BACKOFF_ID, { start: tm.pair.startIndex, end: tm.pair.endIndex, messageId: 'libConstant',
        fixes: [{ title: 'Use `timeMultiple: 2`', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(tm.value!, '2')] }],
        message: `\`${callee}\` with \`timeMultiple: 1\` waits the same delay before every retry: the load on a failing dependency never backs off (a retry storm)` });
    }
    const j = this.prop(o.obj, 'jitter');
    if (j.kind === 'unknown') return;
    if (j.kind === 'present') {
      const v = stringValue(this.ctx.facts.resolveValue(j.value));
      if (v !== 'none' || j.pair.type !== 'pair') return;
      return this.report(JITTER_ID, { start: j.pair.startIndex, end: j.pair.endIndex, messageId: 'libNoJitter',
        fixes: [{ title: "Set `jitter: 'full'`", safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(j.value!, "'full'")] }],
        message: `\`${callee}\` with \`jitter: 'none'\` backs off in lockstep: all clients retry at the same moments` });
    }
    const edit = this.addOption(call, o, 1, "jitter: 'full'");
    const range = calleeRange(call); // RULES v2: a missing option sits on the callee
    this.report(JITTER_ID, { ...range, messageId: 'libNoJitter',
      fixes: edit ? [{ title: "Add `jitter: 'full'`", safety: 'safe', isPreferred: true, edits: [edit] }] : [],
      message: `\`${callee}\` backs off exponentially but without jitter (exponential-backoff's \`jitter\` defaults to 'none'): all clients retry in lockstep` });
  }

  /** The local name of rxjs's `timer`, and the edit that imports it when needed. */
  private rxTimer(call: Node): { name: string; edits: TextEdit[] } | undefined {
    for (const [local, b] of this.ctx.facts.bindings) if (b.module === 'rxjs' && b.imported === 'timer') return { name: local, edits: [] };
    const imports = this.ctx.captures('import');
    const fromRxjs = imports.find(i => stringValue(i.childForFieldName('source')) === 'rxjs' && /\{/.test(i.text) && !/^import\s+type\b/.test(i.text));
    if (fromRxjs) { const e = addNamedImportEdit(fromRxjs, 'timer'); return e ? { name: 'timer', edits: [e] } : undefined; }
    const ops = imports.find(i => stringValue(i.childForFieldName('source')) === 'rxjs/operators');
    if (ops) return { name: 'timer', edits: [insertLineAfterEdit(ops, "import { timer } from 'rxjs';", this.ctx.lines)] };
    void call;
    return undefined;
  }

  private rxRetry(call: Node): void {
    const args = callArgs(call);
    const rangeCall = calleeRange(call);
    const jitterFn = (t: string, base: string) => `delay: (_error, retryCount) => ${t}(Math.random() * Math.min(${CAP}, ${base} * 2 ** retryCount))`;
    const msgNone = (unb: boolean) => `RxJS \`retry\` without a \`delay\` resubscribes immediately after each error: when the server fails, every client hammers it at once (a retry storm)${unb ? ', and with no `count` it retries forever' : ''}`;
    if (args.length === 0) {
      const t = this.rxTimer(call);
      return this.report(BACKOFF_ID, { ...rangeCall, messageId: 'libNoDelay',
        fixes: t ? [{ title: 'Retry with capped exponential backoff and full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, insertArgumentEdit(call, null, `{ ${jitterFn(t.name, String(BASE_NONE))} }`)!] }] : [],
        message: msgNone(true) });
    }
    const a = args[0];
    const obj = this.ctx.facts.resolveObject(a);
    if (!obj) {
      const v = this.ctx.facts.resolveValue(a);
      const isCount = v?.type === 'number' || (unwrap(a)?.type === 'identifier' && UPPER.test(unwrap(a)!.text));
      if (!isCount) return;
      if (numberValue(v) === 0) return;
      const t = this.rxTimer(call);
      return this.report(BACKOFF_ID, { ...rangeCall, messageId: 'libNoDelay',
        fixes: t ? [{ title: 'Retry with capped exponential backoff and full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, replaceNodeEdit(a, `{ count: ${a.text}, ${jitterFn(t.name, String(BASE_NONE))} }`)] }] : [],
        message: msgNone(false) });
    }
    const count = this.prop(obj, 'count');
    const delay = this.prop(obj, 'delay');
    if (count.kind === 'unknown' || delay.kind === 'unknown') return;
    if (count.kind === 'present' && numberOf(this.ctx, count.value) === 0) return;
    const unb = count.kind === 'absent';
    const range = calleeRange(call);
    if (delay.kind === 'absent') {
      const t = this.rxTimer(call);
      return this.report(BACKOFF_ID, { ...range, messageId: 'libNoDelay',
        fixes: t ? [{ title: 'Retry with capped exponential backoff and full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, addPropertyEdit(obj, jitterFn(t.name, String(BASE_NONE)), this.ctx.text, this.ctx.lines)] }] : [],
        message: msgNone(unb) });
    }
    const v = unwrap(delay.value);
    if (!v || delay.pair.type !== 'pair') return;
    const tail = unb ? ', and with no `count` it retries forever' : '';
    if (FUNCTION_TYPES.has(v.type)) {
      const names = paramNames(v);
      const env: Env = { counters: new Set(names[1] ? [names[1]] : []), depth: 0 };
      const rets = returnExprs(v);
      if (rets.length !== 1) return;
      const r = unwrap(rets[0]);
      if (r?.type !== 'call_expression') return;
      const tf = unwrap(r.childForFieldName('function'));
      const tb = tf?.type === 'identifier' ? this.ctx.facts.moduleOf(tf) : undefined;
      if (!tb || tb.module !== 'rxjs' || tb.imported !== 'timer') return;
      const d = callArgs(r)[0];
      if (!d || callArgs(r).length !== 1) return;
      const k = this.cls.expr(d, env);
      if (k === 'const') {
        return this.report(BACKOFF_ID, { start: d.startIndex, end: d.endIndex, messageId: 'libConstant', fixes: names[1] ? [{ title: 'Use capped exponential backoff with full jitter', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(d, `Math.random() * Math.min(${CAP}, ${par(d)} * 2 ** ${names[1]})`)] }] : [],
          message: `RxJS \`retry\` waits a constant delay (\`${d.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
      }
      if (k === 'exp' || k === 'linear') {
        return this.report(JITTER_ID, { start: d.startIndex, end: d.endIndex, messageId: 'libNoJitter',
          fixes: [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(d, `Math.random() * ${par(d)}`)] }],
          message: `RxJS \`retry\` delay ${k === 'exp' ? 'grows exponentially' : 'grows with the retry count'} but has no jitter: all clients retry in lockstep${tail}` });
      }
      return;
    }
    const k = this.cls.expr(v, { counters: new Set(), depth: 0 });
    if (k !== 'const') return;
    const t = this.rxTimer(call);
    this.report(BACKOFF_ID, { start: delay.pair.startIndex, end: delay.pair.endIndex, messageId: 'libConstant',
      fixes: t ? [{ title: 'Use capped exponential backoff with full jitter', safety: 'unsafe', isPreferred: true, edits: [...t.edits, replaceNodeEdit(delay.pair, jitterFn(t.name, par(v)))] }] : [],
      message: `RxJS \`retry\` waits a constant delay (\`${v.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
  }

  /** `retryWhen(errors => errors.pipe(delay(1000)))`: a constant delay. Anything more elaborate: silent. */
  private rxRetryWhen(call: Node): void {
    const f = unwrap(callArgs(call)[0]);
    if (!f || !FUNCTION_TYPES.has(f.type)) return;
    const rets = returnExprs(f);
    if (rets.length !== 1) return;
    const pipe = unwrap(rets[0]);
    if (pipe?.type !== 'call_expression') return;
    const pf = unwrap(pipe.childForFieldName('function'));
    if (pf?.type !== 'member_expression' || pf.childForFieldName('property')?.text !== 'pipe') return;
    let delayCall: Node | undefined, hasTake = false;
    for (const op of callArgs(pipe)) {
      const c = unwrap(op);
      const cf = c?.type === 'call_expression' ? unwrap(c.childForFieldName('function')) : null;
      const b = cf?.type === 'identifier' ? this.ctx.facts.moduleOf(cf) : undefined;
      if (!b || !isRxOperatorModule(b.module)) return;
      if (b.imported === 'delay') delayCall = c!;
      else if (b.imported === 'take') hasTake = true;
      else if (b.imported !== 'tap') return;
    }
    if (!delayCall) return;
    const d = callArgs(delayCall)[0];
    if (!d || this.cls.expr(d, { counters: new Set(), depth: 0 }) !== 'const') return;
    this.report(BACKOFF_ID, { start: delayCall.startIndex, end: delayCall.endIndex, messageId: 'libConstant', fixes: [],
      message: `RxJS \`retryWhen\` waits a constant delay (\`${d.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)${hasTake ? '' : ', and nothing limits the number of retries'}; use \`retry({ count, delay })\` with exponential backoff and jitter` });
  }

  /** cockatiel `retry(policy, opts)`: default backoff is ConstantBackoff(0) with unlimited attempts. */
  private cockatiel(call: Node): void {
    const o = this.options(call, 1);
    if (!o) return;
    const maxA = this.prop(o.obj, 'maxAttempts');
    const backoff = this.prop(o.obj, 'backoff');
    if (maxA.kind === 'unknown' || backoff.kind === 'unknown') return;
    if (maxA.kind === 'present' && numberOf(this.ctx, maxA.value) === 0) return;
    const tail = maxA.kind === 'absent' ? ', and without `maxAttempts` it retries forever' : '';
    const exp = this.cockatielName('ExponentialBackoff');
    if (backoff.kind === 'absent') {
      const edit = this.addOption(call, o, 1, `backoff: new ${exp.name}()`);
      const range = calleeRange(call); // RULES v2: a missing option sits on the callee
      return this.report(BACKOFF_ID, { ...range, messageId: 'libNoDelay',
        fixes: edit && exp.ok ? [{ title: 'Add `backoff: new ExponentialBackoff()` (decorrelated jitter)', safety: 'unsafe', isPreferred: true, edits: [...exp.edits, edit] }] : [],
        message: `cockatiel \`retry\` without a \`backoff\` retries immediately (its default is \`ConstantBackoff(0)\`): when the dependency fails, every client hammers it at once (a retry storm)${tail}` });
    }
    const v = unwrap(backoff.value);
    if (v?.type !== 'new_expression') return;
    const ctor = unwrap(v.childForFieldName('constructor'));
    const b = ctor?.type === 'identifier' ? this.ctx.facts.moduleOf(ctor) : undefined;
    if (!b || b.module !== 'cockatiel') return;
    if (b.imported === 'ConstantBackoff') {
      const d = v.childForFieldName('arguments')?.namedChild(0);
      return this.report(BACKOFF_ID, { start: v.startIndex, end: v.endIndex, messageId: 'libConstant',
        fixes: exp.ok ? [{ title: 'Use `new ExponentialBackoff()` (decorrelated jitter)', safety: 'unsafe', isPreferred: true, edits: [...exp.edits, replaceNodeEdit(v, d && numberOf(this.ctx, d) ? `new ${exp.name}({ initialDelay: ${d.text} })` : `new ${exp.name}()`)] }] : [],
        message: `cockatiel \`ConstantBackoff\` waits the same delay before every retry: while the dependency is down every client keeps retrying at a fixed rate (a retry storm)${tail}` });
    }
    if (b.imported === 'ExponentialBackoff') {
      const cfg = this.ctx.facts.resolveObject(v.childForFieldName('arguments')?.namedChild(0));
      if (!cfg) return;
      const g = this.prop(cfg, 'generator');
      if (g.kind !== 'present' || g.pair.type !== 'pair') return;
      const gv = unwrap(g.value);
      const gb = gv?.type === 'identifier' ? this.ctx.facts.moduleOf(gv) : undefined;
      if (gb?.module !== 'cockatiel' || gb.imported !== 'noJitterGenerator') return;
      const full = this.cockatielName('decorrelatedJitterGenerator');
      this.report(JITTER_ID, { start: g.pair.startIndex, end: g.pair.endIndex, messageId: 'libNoJitter',
        fixes: full.ok ? [{ title: 'Use `decorrelatedJitterGenerator` (cockatiel\'s default)', safety: 'safe', isPreferred: true, edits: [...full.edits, replaceNodeEdit(g.value!, full.name)] }] : [],
        message: 'cockatiel `ExponentialBackoff` with `noJitterGenerator` backs off without jitter: all clients retry in lockstep' });
    }
  }

  /** Local name of a cockatiel export, adding it to the cockatiel import when absent. */
  private cockatielName(name: string): { name: string; edits: TextEdit[]; ok: boolean } {
    for (const [local, b] of this.ctx.facts.bindings) if (b.module === 'cockatiel' && b.imported === name) return { name: local, edits: [], ok: true };
    const imp = this.ctx.captures('import').find(i => stringValue(i.childForFieldName('source')) === 'cockatiel' && /\{/.test(i.text));
    const e = imp ? addNamedImportEdit(imp, name) : undefined;
    return e ? { name, edits: [e], ok: true } : { name, edits: [], ok: false };
  }

  /** `request.get(url).retry(n)` from superagent: immediate re-issue, for every method. */
  private chainRoot(fn: Node): boolean {
    let n: Node | null = unwrap(fn.childForFieldName('object'));
    for (let i = 0; n && i < 20; i++) {
      if (n.type === 'call_expression') n = unwrap(n.childForFieldName('function'));
      else if (n.type === 'member_expression') n = unwrap(n.childForFieldName('object'));
      else break;
    }
    if (n?.type !== 'identifier') return false;
    let b = this.ctx.facts.moduleOf(n);
    if (!b) {
      // Babel output: `var _superagent2 = _interopRequireDefault(_superagent)`, then `_superagent2.default.get(url)`
      const d = visibleDecl(this.ctx, n, n.text);
      const v = d?.type === 'variable_declarator' ? unwrap(d.childForFieldName('value')) : null;
      const f = v?.type === 'call_expression' ? unwrap(v.childForFieldName('function')) : null;
      const inner = v && f?.type === 'identifier' && /^_interopRequire(Default|Wildcard)$/.test(f.text) && callArgs(v).length === 1 ? unwrap(callArgs(v)[0]) : null;
      if (inner?.type === 'identifier') b = this.ctx.facts.moduleOf(inner);
    }
    return !!b && b.module === 'superagent';
  }

  private superagent(call: Node, fn: Node): void {
    const a = callArgs(call)[0];
    if (a && numberOf(this.ctx, a) === 0) return;
    const prop = fn.childForFieldName('property')!;
    // superagent-retry-delay patches `.retry(count, delay, allowedStatuses)`: a constant delay is still no backoff;
    // a table of delays or anything else (superagent's own second argument is a callback) stays silent
    const d = callArgs(call)[1];
    if (d && !FUNCTION_TYPES.has(unwrap(d)?.type ?? '')) {
      if (this.cls.expr(d, { counters: new Set(), depth: 0 }) !== 'const' || unwrap(d)?.type === 'array') return;
      return this.report(BACKOFF_ID, { start: prop.startIndex, end: call.endIndex, messageId: 'libConstant', fixes: [],
        message: `superagent \`.retry()\` waits a constant delay (\`${d.text}\`) before every retry: while the server is down every client keeps retrying at a fixed rate (a retry storm)` });
    }
    this.report(BACKOFF_ID, { start: prop.startIndex, end: call.endIndex, messageId: 'libNoDelay', fixes: [],
      message: 'superagent `.retry()` re-issues the request immediately with no delay (for every method, POST included): when the server fails, every client hammers it at once (a retry storm)' });
  }

  /** got / ky: fine by default; flag only an explicit constant `calculateDelay`/`delay` or `backoffLimit: 0`. */
  private gotKy(call: Node, lib: string): void {
    for (const arg of callArgs(call)) {
      const obj = this.ctx.facts.resolveObject(arg);
      if (!obj) continue;
      const r = this.prop(obj, 'retry');
      if (r.kind !== 'present') continue;
      const ro = this.ctx.facts.resolveObject(r.value);
      if (!ro) continue;
      const limit = this.prop(ro, 'limit');
      if (limit.kind === 'present' && numberOf(this.ctx, limit.value) === 0) continue;
      const bl = this.prop(ro, 'backoffLimit');
      if (bl.kind === 'present' && numberOf(this.ctx, bl.value) === 0) {
        this.report(BACKOFF_ID, { start: bl.pair.startIndex, end: bl.pair.endIndex, messageId: 'libNoDelay', fixes: [],
          message: `${lib} \`backoffLimit: 0\` caps every retry delay at 0: failed requests are retried immediately and every client hammers the server at once (a retry storm)` });
        continue;
      }
      const key = lib === 'got' ? 'calculateDelay' : 'delay';
      const cd = this.prop(ro, key);
      const f = cd.kind === 'present' ? unwrap(cd.value) : null;
      if (!f || !FUNCTION_TYPES.has(f.type)) continue;
      // got passes `{ attemptCount, retryOptions, error, computedValue }` (computedValue: got's own delay, with its
      // noise); ky passes the attempt count
      const d = this.delayFunction(f, names => lib === 'got' ? gotDelayEnv(f) : { counters: new Set(names[0] ? [names[0]] : []), depth: 0 });
      if (!d) continue;
      if (d.kind === 'const') {
        this.report(BACKOFF_ID, { start: f.startIndex, end: f.endIndex, messageId: 'libConstant', fixes: [],
          message: `${lib} \`retry.${key}\` returns a constant: every client keeps retrying at a fixed rate while the server is down (a retry storm), instead of ${lib}'s default exponential backoff` });
      } else if (lib === 'got' && (d.kind === 'exp' || d.kind === 'linear')) {
        // RULES v2: a growing `calculateDelay` with no randomness replaces got's jittered default. (ky's own default
        // has no jitter either, and RULES leaves ky's backoff alone: a growing ky `delay` is not reported.)
        const r = d.rets.length === 1 ? d.rets[0] : undefined;
        this.report(JITTER_ID, { start: (r ?? f).startIndex, end: (r ?? f).endIndex, messageId: 'libNoJitter',
          fixes: r ? [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(r, `Math.random() * ${par(r)}`)] }] : [],
          message: `got \`retry.calculateDelay\` ${d.kind === 'exp' ? 'grows exponentially' : 'grows with the attempt count'} but has no randomness, replacing got's jittered default: all clients retry in lockstep` });
      }
    }
  }

  /**
   * Effect `Effect.retry(effect, policy)` / `effect.pipe(Effect.retry(policy))`: a `Schedule` decides the delay
   * (effect.website/docs/scheduling/built-in-schedules): `exponential`/`fibonacci` grow with no randomness unless
   * `Schedule.jittered` is applied; `spaced`/`fixed` are constant; `recurs`/`forever`/`{ times }` alone retry at once.
   */
  private effectRetry(call: Node, name = 'Effect.retry'): void {
    const args = callArgs(call);
    const policy = args.length >= 2 ? args[1] : args[0];
    if (!policy) return;
    const obj = this.ctx.facts.resolveObject(policy);
    let schedule: Node | null = null;
    if (obj) {
      const sch = this.prop(obj, 'schedule');
      if (sch.kind === 'unknown') return;
      if (sch.kind === 'present') schedule = sch.value;
      else {
        const times = this.prop(obj, 'times');
        if (times.kind !== 'present' || numberOf(this.ctx, times.value) === 0) return;
        return this.report(BACKOFF_ID, { ...calleeRange(call), messageId: 'libNoDelay', fixes: [],
          message: name === 'Effect.retry'
            ? '`Effect.retry` with `times` and no `schedule` retries immediately: when the dependency fails, every client hammers it at once (a retry storm); retry with `Schedule.exponential(…).pipe(Schedule.jittered)`'
            : '`Activity.retry` takes no schedule: its `times` retries go again immediately (it forwards to `Effect.retry` without a delay), so when the dependency fails every workflow hammers it at once (a retry storm); retry the activity\'s effect with `Effect.retry` and `Schedule.exponential(…).pipe(Schedule.jittered)`' });
      }
    } else if (name === 'Effect.retry') schedule = policy;
    else return;
    const s = unwrap(this.ctx.facts.resolveValue(schedule));
    if (!s || /\bjittered\b/.test(s.text)) return;
    let grow: Node | undefined, constant: Node | undefined, bare = false, other = false;
    for (const c of findLocal(s, n => n.type === 'call_expression' || n.type === 'member_expression', false, 400)) {
      const path = memberPath(c.type === 'call_expression' ? c.childForFieldName('function') : c);
      if (!path || path.length !== 2 || !this.isEffectSchedule(c, path[0])) continue;
      const name = path[1];
      if (name === 'exponential' || name === 'fibonacci') { if (c.type === 'call_expression') grow ??= c; }
      else if (name === 'spaced' || name === 'fixed' || name === 'linear') { if (c.type === 'call_expression') (name === 'linear' ? (grow ??= c) : (constant ??= c)); }
      else if (name === 'recurs' || name === 'forever' || name === 'once') bare = true;
      else if (!['compose', 'intersect', 'union', 'upTo', 'either', 'both', 'andThen', 'whileInput', 'whileOutput', 'untilInput', 'untilOutput', 'recurWhile', 'recurUntil', 'tapInput', 'tapOutput'].includes(name)) other = true;
    }
    if (other) return;
    const sched = this.effectScheduleName();
    if (grow) {
      return this.report(JITTER_ID, { start: grow.startIndex, end: grow.endIndex, messageId: 'libNoJitter',
        fixes: sched ? [{ title: 'Add `Schedule.jittered`', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(grow, `${grow.text}.pipe(${sched}.jittered)`)] }] : [],
        message: `\`Effect.retry\` with \`${grow.childForFieldName('function')!.text}\` backs off with no jitter (Effect randomises a schedule only with \`Schedule.jittered\`): all clients retry in lockstep` });
    }
    if (constant) {
      const d = callArgs(constant)[0];
      return this.report(BACKOFF_ID, { start: constant.startIndex, end: constant.endIndex, messageId: 'libConstant',
        fixes: sched && d ? [{ title: 'Use `Schedule.exponential(…).pipe(Schedule.jittered)`', safety: 'unsafe', isPreferred: true, edits: [replaceNodeEdit(constant, `${sched}.exponential(${d.text}).pipe(${sched}.jittered)`)] }] : [],
        message: `\`Effect.retry\` with \`${constant.childForFieldName('function')!.text}\` waits the same delay before every retry: while the dependency is down every client keeps retrying at a fixed rate (a retry storm)` });
    }
    if (bare) {
      this.report(BACKOFF_ID, { ...calleeRange(call), messageId: 'libNoDelay', fixes: [],
        message: '`Effect.retry` with only a repetition limit (`Schedule.recurs`/`forever`) retries immediately: when the dependency fails, every client hammers it at once (a retry storm)' });
    }
  }

  /** `Schedule` from 'effect' (named) or 'effect/Schedule' (namespace), as used at `at`. */
  private isEffectSchedule(at: Node, head: string): boolean {
    for (const [local, b] of this.ctx.facts.bindings) {
      if (local !== head) continue;
      if ((b.module === 'effect' && b.imported === 'Schedule') || (b.module === 'effect/Schedule' && b.imported === '*')) return !this.ctx.facts.isShadowed(at, head);
    }
    return false;
  }

  private effectScheduleName(): string | undefined {
    for (const [local, b] of this.ctx.facts.bindings) if ((b.module === 'effect' && b.imported === 'Schedule') || (b.module === 'effect/Schedule' && b.imported === '*')) return local;
    return undefined;
  }

  /** AWS SDK v3 `new ConfiguredRetryStrategy(n, 1000)`: a constant backoff. */
  private awsConfigured(n: Node): void {
    const args = n.childForFieldName('arguments');
    const a = args ? namedChildren(args).filter(c => c.type !== 'comment') : [];
    const d = a[1];
    if (!d) return;
    const u = unwrap(d);
    let k: Kind;
    if (u && FUNCTION_TYPES.has(u.type)) {
      const names = paramNames(u);
      const rets = returnExprs(u);
      if (!rets.length) return;
      k = combineAll(rets.map(r => this.cls.expr(r, { counters: new Set(names[0] ? [names[0]] : []), depth: 0 })));
    } else k = numberOf(this.ctx, d) !== undefined ? 'const' : 'unknown';
    if (k !== 'const') return;
    this.report(BACKOFF_ID, { start: d.startIndex, end: d.endIndex, messageId: 'libConstant', fixes: [],
      message: '`ConfiguredRetryStrategy` with a constant delay replaces the AWS SDK\'s jittered exponential backoff: every client retries at a fixed rate while the service is throttling (a retry storm)' });
  }
}

/** The callee of a library call (`pRetry`, `retry.operation`, `backOff`): where a finding about a missing option sits. */
export function calleeRange(call: Node): { start: number; end: number } {
  const f = call.childForFieldName('function') ?? call.childForFieldName('constructor') ?? call;
  return { start: f.startIndex, end: f.endIndex };
}

/** got's `calculateDelay({ attemptCount, computedValue, ... })`: attemptCount counts, computedValue is got's jittered delay. */
function gotDelayEnv(fn: Node): Env {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const first = params?.type === 'identifier' ? params : params?.namedChild(0);
  let p: Node | null | undefined = first;
  if (p?.type === 'required_parameter' || p?.type === 'optional_parameter') p = p.childForFieldName('pattern');
  const counters = new Set<string>(), known = new Map<string, Kind>();
  if (p?.type === 'identifier') {
    counters.add(`${p.text}.attemptCount`);
    known.set(`${p.text}.computedValue`, 'jitter');
  } else if (p?.type === 'object_pattern') {
    for (const c of namedChildren(p)) {
      const local = c.type === 'shorthand_property_identifier_pattern' ? c.text : c.type === 'pair_pattern' ? c.childForFieldName('value')?.text : undefined;
      const key = c.type === 'pair_pattern' ? keyName(c.childForFieldName('key')) : local;
      if (!local) continue;
      if (key === 'attemptCount') counters.add(local);
      if (key === 'computedValue') known.set(local, 'jitter');
    }
  }
  return { counters, known, depth: 0 };
}
