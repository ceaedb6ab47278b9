/**
 * The project pass over pending findings: each goes to its rule's `settle` with the project view, which drops it or
 * returns it completed. The user's configured severity for the rule still wins over what `settle` sets.
 */
import type { RuleSetting } from '../core/analyzer';
import type { ProjectView, Rule } from '../core/rule';
import type { Finding } from '../core/types';

export function settleFindings(file: string, pending: readonly Finding[], rules: readonly Rule[], view: ProjectView,
  ruleSettings?: Record<string, RuleSetting | undefined>, onError?: (message: string) => void): Finding[] {
  const out: Finding[] = [];
  for (const f of pending) {
    const rule = rules.find(r => r.meta.id === f.ruleId);
    if (!rule?.settle) continue;
    let r: Finding | Finding[] | undefined;
    try {
      r = rule.settle(f, view, file);
    } catch (e) {
      onError?.(`rule ${rule.meta.id} crashed settling a finding: ${(e as Error).message}`);
      continue;
    }
    for (const x of r === undefined ? [] : Array.isArray(r) ? r : [r]) {
      const { pending: _p, ...done } = x;
      const configured = ruleSettings?.[done.ruleId]?.severity;
      out.push(configured ? { ...done, severity: configured } : done);
    }
  }
  return out;
}
