/**
 * wall-clock-ordering, sub-kind 3: versions, revisions and sequence numbers set from the wall clock (warning, no
 * fix: a counter or a hybrid logical clock is a design change). Where the value goes is told by ./identifiers.ts.
 */
import type { ClockAnalysis } from './clock';
import { idContext } from './identifiers';
import { VERSION_LINKS } from './links';

export function checkVersions(a: ClockAnalysis): void {
  for (const r of a.reads.values()) {
    const c = idContext(a, r);
    if (c?.kind !== 'version') continue;
    const message = c.fallback
      ? `the wall clock as a fallback for \`${c.name}\`: a clock reading is not a sequence (two in one millisecond repeat, a step back goes backwards, and it jumps past every real value); use a counter`
      : `\`${c.name}\` set from the wall clock: clocks differ between machines and can step back, so versions can repeat or go backwards and a newer write can lose; use a counter or a hybrid logical clock`;
    a.report(r.expr, 'version', message, [], undefined, VERSION_LINKS.incidents, VERSION_LINKS.patterns);
  }
}
