/** The rule registry. Adding a rule = adding its module (+ docs + tests) and one line here. */
import type { Rule } from '../core/rule';
import { missingTimeout } from './missing-timeout';
import { retryWithoutBackoff } from './retry-without-backoff';
import { retryWithoutJitter } from './retry-without-jitter';
import { nonIdempotentHandler } from './non-idempotent-handler';
import { wallClockOrdering } from './wall-clock-ordering';

export const allRules: Rule[] = [
  missingTimeout,
  retryWithoutBackoff,
  retryWithoutJitter,
  nonIdempotentHandler,
  wallClockOrdering,
];

export function findRule(id: string): Rule | undefined {
  return allRules.find(r => r.meta.id === id);
}
