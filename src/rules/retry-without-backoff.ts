/**
 * retry-without-backoff: a failed operation is retried immediately or after a constant delay.
 * Contract: shared RULES.md "retry-without-backoff / retry-without-jitter". Docs and decisions:
 * ./retry-without-backoff.md. The analysis is shared with retry-without-jitter (./retry/).
 */
import type { Rule } from '../core/rule';
import { BACKOFF_ID, BACKOFF_INCIDENTS, RETRY_PATTERNS, RETRY_QUERY, RETRY_TRIGGERS, retryFindings, settleRetry, delaySummary } from './retry';

export const retryWithoutBackoff: Rule = {
  meta: {
    id: BACKOFF_ID,
    title: 'Retry without backoff',
    description: 'Flags retries (hand-written loops, self-rescheduling functions, retry libraries) that try again immediately or after a constant delay, so a failing dependency is hammered by every client at once.',
    defaultSeverity: 'warning',
    incidents: BACKOFF_INCIDENTS,
    patterns: RETRY_PATTERNS,
    fixable: true,
  },
  query: RETRY_QUERY,
  triggers: RETRY_TRIGGERS,
  check(ctx) {
    for (const f of retryFindings(ctx)) if (f.rule === BACKOFF_ID) ctx.report(f.report);
  },
  settle: settleRetry,
  summaries: [delaySummary],
};
