/**
 * retry-without-jitter: the retry delay grows (exponentially, or with the attempt) but has no randomness, so every
 * client that failed at the same moment retries at the same moments.
 * Contract: shared RULES.md "retry-without-backoff / retry-without-jitter". Docs and decisions:
 * ./retry-without-jitter.md. The analysis is shared with retry-without-backoff (./retry/).
 */
import type { Rule } from '../core/rule';
import { JITTER_ID, JITTER_INCIDENTS, RETRY_PATTERNS, RETRY_QUERY, RETRY_TRIGGERS, retryFindings, settleRetry, delaySummary } from './retry';

export const retryWithoutJitter: Rule = {
  meta: {
    id: JITTER_ID,
    title: 'Retry backoff without jitter',
    description: 'Flags retries whose delay grows (2 ** n, delay *= 2, a table indexed by attempt, library defaults) but has no randomness, so clients that failed together retry in lockstep.',
    defaultSeverity: 'warning',
    incidents: JITTER_INCIDENTS,
    patterns: ['backoff-with-jitter'],
    fixable: true,
  },
  query: RETRY_QUERY,
  triggers: RETRY_TRIGGERS,
  check(ctx) {
    for (const f of retryFindings(ctx)) if (f.rule === JITTER_ID) ctx.report(f.report);
  },
  settle: settleRetry,
  summaries: [delaySummary],
};
