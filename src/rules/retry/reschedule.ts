/**
 * Jobs rescheduled from their own failure handler (Agenda and job libraries like it): an `agenda.on('fail:…', (err,
 * job) => { …; job.attrs.data.retryCount++; job.attrs.nextRunAt = new Date(nextRunAt); await job.save() })` listener,
 * or a `retry…` function doing the same, sets the next run a delay picked per retry count. RULES v2 "job libraries
 * whose documented backoff is deterministic": a schedule that grows with no randomness (30 s, then 5 min) is a jitter
 * finding, the same delay every time is a backoff finding. A single retry has no schedule to judge and stays silent.
 */
import type { Node } from '../../core/parser';
import { unwrap, namedChildren, callArgs, memberPath } from '../../core/ast';
import { BACKOFF_ID, JITTER_ID, type RetryState, findLocal, innermostFunction, numberOf, pushFinding } from './common';
import { functionName } from './recursion';

const FAIL_EVENT = /^['"`]fail\b/;
const RETRY_COUNTER = /(retr(y|ies)|attempt|fail)\w*\s*(\+\+|\+=\s*1\b)|\+\+\s*[\w$.]*(retr(y|ies)|attempt|fail)/i;
const RANDOM = /random|jitter/i;

export class RescheduleChecks {
  constructor(private s: RetryState) {}

  run(): void {
    const { ctx } = this.s;
    if (!ctx.test(/\.nextRunAt\s*=/)) return;
    for (const m of ctx.matchAll(/\.\s*nextRunAt\s*=(?!=)/g)) {
      let a: Node | null = ctx.root.descendantForIndex(m.index! + m[0].indexOf('nextRunAt'));
      while (a && a.type !== 'assignment_expression') a = a.parent;
      if (!a) continue;
      const left = unwrap(a.childForFieldName('left'));
      const path = left?.type === 'member_expression' ? memberPath(left) : undefined;
      if (!path || path[path.length - 1] !== 'nextRunAt' || path[path.length - 2] !== 'attrs') continue;
      this.check(a);
    }
  }

  private check(assign: Node): void {
    const fn = innermostFunction(assign);
    if (!fn || !this.onFailure(fn) || !RETRY_COUNTER.test(fn.text)) return;
    let v = unwrap(assign.childForFieldName('right'));
    if (v?.type === 'new_expression' && unwrap(v.childForFieldName('constructor'))?.text === 'Date') v = unwrap(callArgs(v)[0] ?? null);
    if (v?.type !== 'identifier') return;
    // `let nextRunAt = Date.now(); if (retryCount === 0) nextRunAt += 30000; else if (…) nextRunAt += 300000;`
    const amounts: number[] = [];
    for (const w of findLocal(fn, n => (n.type === 'augmented_assignment_expression' || n.type === 'assignment_expression') && unwrap(n.childForFieldName('left'))?.text === v!.text, false, 400)) {
      if (w.startIndex > assign.startIndex) continue;
      const right = unwrap(w.childForFieldName('right'));
      if (!right || RANDOM.test(right.text)) return;
      if (w.type === 'assignment_expression') {
        if (!/^Date\.now\(\)$/.test(right.text.replace(/\s+/g, ''))) return;
        continue;
      }
      if (w.childForFieldName('operator')?.text !== '+=') return;
      const n = numberOf(this.s.ctx, right);
      if (n === undefined) return;
      amounts.push(n);
    }
    if (amounts.length < 2) return;
    const growing = amounts.every((x, i) => i === 0 || x >= amounts[i - 1]) && amounts[amounts.length - 1] > amounts[0];
    const constant = amounts.every(x => x === amounts[0]);
    const range = { start: assign.startIndex, end: assign.endIndex };
    const shown = amounts.map(x => `${x} ms`).join(', ');
    if (growing) {
      pushFinding(this.s.out, JITTER_ID, { ...range, messageId: 'queueNoJitter', fixes: [],
        message: `The failed job is rescheduled after a delay that grows with its retry count (${shown}) but has no randomness: jobs that failed together (a receiver down for all of them) run again at the same instants` });
    } else if (constant) {
      pushFinding(this.s.out, BACKOFF_ID, { ...range, messageId: 'queueConstant', fixes: [],
        message: `The failed job is rescheduled after the same delay (${amounts[0]} ms) on every retry: while the dependency is down every job keeps retrying at a fixed rate` });
    }
  }

  /** A failure listener (`agenda.on('fail:name', fn)`, `.on('fail', fn)`) or a function named for retrying. */
  private onFailure(fn: Node): boolean {
    const args = fn.parent?.type === 'arguments' ? fn.parent : null;
    const call = args?.parent?.type === 'call_expression' ? args.parent : null;
    if (call) {
      const callee = unwrap(call.childForFieldName('function'));
      const first = namedChildren(args!)[0];
      if (callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'on' && first && FAIL_EVENT.test(first.text)) return true;
    }
    return /retry/i.test(functionName(fn) ?? '');
  }
}
