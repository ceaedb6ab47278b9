/**
 * The retry family's analysis (`retry-without-backoff`, `retry-without-jitter`), computed once per file with
 * `ctx.memo('retry', ...)`. Contract: shared RULES.md "retry-without-backoff / retry-without-jitter". Docs and
 * decisions: ../retry-without-backoff.md, ../retry-without-jitter.md.
 *
 * Three sources of retries, one module each:
 *  1. hand-written loops (./loops.ts);
 *  2. functions that call themselves from a failure path, and `.catch(() => sameCall())` chains (./recursion.ts);
 *  3. retry libraries with their documented defaults (./libraries.ts), job-queue retry configs (./queues.ts), and
 *     options objects anywhere that switch jitter off (./options.ts).
 * The delay between attempts is found (./sleeps.ts) and classified (./delay.ts): none, constant, growing
 * (linear/exponential) or jittered; findings and fixes for hand-written delays in ./fixes.ts. Anything we cannot
 * classify with confidence (a delay from an unknown function, a server-provided Retry-After, ...) is 'unknown' and
 * stays silent: precision first.
 */
import type { Node } from '../../core/parser';
import type { ProjectView, RuleContext } from '../../core/rule';
import type { Finding } from '../../core/types';
import { FileIndex, type RetryFinding, type RetryState } from './common';
import { Classifier } from './delay';
import { LoopChecks } from './loops';
import { RecursionChecks } from './recursion';
import { LibraryChecks } from './libraries';
import { QueueChecks, settleQueue, type QueuePending } from './queues';
import { JitterOffOptions } from './options';
import { RescheduleChecks } from './reschedule';
import { settleCompose, type ComposePending } from './compose';
export { delaySummary } from './compose';

export { BACKOFF_ID, JITTER_ID, BACKOFF_INCIDENTS, JITTER_INCIDENTS, RETRY_PATTERNS, RETRY_QUERY, RETRY_TRIGGERS, CAP, BASE_NONE } from './common';
export type { RetryFinding, RetryRuleId } from './common';

export function retryFindings(ctx: RuleContext): RetryFinding[] {
  return ctx.memo('retry', () => analyze(ctx));
}

function analyze(ctx: RuleContext): RetryFinding[] {
  const idx = new FileIndex(ctx.text);
  const s: RetryState = { ctx, idx, cls: new Classifier(ctx, idx), out: [] };
  const loopChecks = new LoopChecks(s);
  const loops = new Map<number, { loop: Node; tries: Node[] }>();
  for (const c of ctx.captures('retry.catch')) {
    const loop = loopChecks.ownerLoop(c);
    if (!loop) continue;
    const e = loops.get(loop.id);
    if (e) e.tries.push(c.parent!); else loops.set(loop.id, { loop, tries: [c.parent!] });
  }
  for (const { loop, tries } of loops.values()) loopChecks.checkLoop(loop, tries);
  // loops with no try around the retried call: its result says whether it failed (`if (res.ok) return`,
  // `[err, data] = await tryCatch(…); if (!err) break`)
  for (const loop of ctx.captures('retry.loop')) if (!loops.has(loop.id)) loopChecks.checkResultLoop(loop);
  const rec = new RecursionChecks(s);
  rec.checkRecursion();
  rec.checkCatchChains();
  rec.checkStatusRecalls();
  new LibraryChecks(ctx, s.cls, s.out).run();
  new QueueChecks(s).run();
  new JitterOffOptions(s).run();
  new RescheduleChecks(s).run();
  return s.out;
}

/**
 * The project pass for the family's pending findings (both rule ids): job-queue configs, whose library and
 * installed version (package.json) decide message and fix; hand-written retries whose sleep or delay helper is in
 * another file (./compose.ts).
 */
export function settleRetry(f: Finding, project: ProjectView, file: string): Finding | undefined {
  const p = f.pending as { q?: string } | undefined;
  if (p?.q === 'bull') return settleQueue(f, p as QueuePending, project, file);
  if ((p as { c?: string } | undefined)?.c === 'compose') return settleCompose(f, p as unknown as ComposePending, project, file);
  return undefined;
}
