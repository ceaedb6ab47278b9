/**
 * wall-clock-ordering: wall-clock time (`Date.now()`, `new Date()`, ...) used where only a monotonic clock
 * (durations, deadlines) or a logical clock (ids, versions, ordering across machines) is correct.
 * Contract: shared RULES.md "wall-clock-ordering". Docs and decisions: ./wall-clock-ordering.md.
 *
 * The entry module: one shared analysis of the file (./wall-clock/clock.ts: clock reads, the variables and fields
 * holding them, how each is used), then one module per sub-kind:
 *  - ./wall-clock/durations.ts: elapsed time and deadlines (info, fix to performance.now());
 *  - ./wall-clock/identifiers.ts: ids and keys (warning, fix to crypto.randomUUID());
 *  - ./wall-clock/versions.ts: versions, revisions, sequence numbers (warning, no fix);
 *  - ./wall-clock/ordering.ts: last-write-wins and event ordering by timestamps (warning, no fix);
 *  - ./wall-clock/skew.ts: the local clock against a timestamp another machine wrote (warning, no fix);
 *  - ./wall-clock/helpers.ts: project layer: calls of helpers (any file) that return the wall clock, used as ids.
 *
 * Precision first: anything that looks like an expiry, TTL, rate-limit window, display or calendar arithmetic is
 * left alone.
 */
import type { Rule } from '../core/rule';
import { ClockAnalysis } from './wall-clock/clock';
import { checkDurations, checkHandedStarts } from './wall-clock/durations';
import { checkIds } from './wall-clock/identifiers';
import { checkVersions } from './wall-clock/versions';
import { checkLastWriteWins, checkSorts } from './wall-clock/ordering';
import { checkSkew } from './wall-clock/skew';
import { checkHelperCalls, clockValueSummary, settleHelperCall } from './wall-clock/helpers';

const meta = {
  id: 'wall-clock-ordering',
  title: 'Wall-clock time used for durations, ids or ordering',
  description: 'Flags Date.now()/new Date() used to measure elapsed time or deadlines, as ids/keys/versions, or to decide which of two records or events wins: the wall clock can step back or jump (NTP, leap seconds) and differs between machines.',
  defaultSeverity: 'warning' as const,
  incidents: ['cloudflare-leap-second-2017', 'linux-leap-second-2012', 'azure-leap-day-2012'],
  patterns: ['monotonic-clocks', 'logical-clocks'],
  fixable: true,
};

export const wallClockOrdering: Rule = {
  meta,
  // `Id`/`Key`/... assignments: a call of an id helper in another file (./wall-clock/helpers.ts)
  triggers: /\bDate\b|updated|modified|timestamp|clock\w*\s*\(|\.ts\s*[<>]|\.(sort|toSorted)\(|(id|key|name|path|seq|sequence|version|revision)['"]?\s*[:=]\s*[\w$.]+\s*\(|\$\{\s*[\w$.]+\s*\(/i,
  summaries: [clockValueSummary],
  settle(finding, project, file) {
    return (finding.pending as { kind?: string } | undefined)?.kind === 'clock-helper' ? settleHelperCall(finding, project, file) : undefined;
  },
  check(ctx) {
    const a = new ClockAnalysis(ctx);
    a.collectReads();
    if (a.reads.size) {
      a.collectHolders();
      checkDurations(a);
      checkHandedStarts(a);
      checkIds(a);
      checkVersions(a);
      checkSkew(a);
    }
    checkHelperCalls(a);
    if (a.located.cmps.length) checkLastWriteWins(a);
    if (a.located.sorts.length) checkSorts(a);
  },
};
