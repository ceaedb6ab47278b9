/**
 * wall-clock-ordering, sub-kind 5: the local clock compared with a timestamp another process or machine wrote,
 * to decide something (a lease or lock takeover). Warning, no fix.
 */
import type { Node } from '../../core/parser';
import type { ClockAnalysis } from './clock';
import { skipParensUp, isRelational, escapeRe, shortText, enclosingFunctionOf, leaseStamp, identWords } from './syntax';
import { NOT_DURATION_RE, LEASE_WORDS, LOCKOUT_RE } from './names';
import { INC_CLOCK } from './links';

/** A lease / lock / leader record's timestamp compared with the local clock. */
export function checkLeases(a: ClockAnalysis): void {
  // the local clock: inline reads, and references to a `const now = Date.now()` taken once
  const nows: Node[] = [];
  for (const r of a.reads.values()) if (r.numeric) nows.push(r.expr);
  for (const h of a.holders) if (h.valid && h.kind === 'var' && h.once && !h.deadline) nows.push(...a.references(h).filter(n => n.type === 'identifier'));
  for (const nowNode of nows) {
    const up = skipParensUp(nowNode);
    let p = up.parent;
    if (p?.type !== 'binary_expression') continue;
    const op = p.childForFieldName('operator')?.type ?? '';
    const left = p.childForFieldName('left');
    const otherNode = left && left.startIndex === up.startIndex ? p.childForFieldName('right') : left;
    let site: Node | null = null;
    if (isRelational(op)) site = p;
    else if (op === '-') {
      const pp = skipParensUp(p).parent;
      if (pp?.type === 'binary_expression' && isRelational(pp.childForFieldName('operator')?.type)) site = pp;
      // `const sinceHeartbeat = now - peer.lastHeartbeat; if (sinceHeartbeat > TIMEOUT) ...`
      else if (pp?.type === 'variable_declarator' && pp.childForFieldName('name')?.type === 'identifier') {
        const v = escapeRe(pp.childForFieldName('name')!.text);
        const scope = enclosingFunctionOf(pp) ?? a.ctx.root;
        if (new RegExp(`(?<![\\w$.])${v}\\s*[<>]=?[^=>]|[<>]=?\\s*${v}(?![\\w$])`).test(a.ctx.text.slice(pp.endIndex, scope.endIndex))) site = p;
      }
    }
    if (!site) continue;
    const m = leaseStamp(otherNode);
    if (!m) continue;
    if (a.holderOfRef(m)) continue; // a stamp taken locally: a duration, handled above
    const words = identWords(m.text);
    if (!words.some(w => LEASE_WORDS.has(w)) || LOCKOUT_RE.test(m.text)) continue;
    if (NOT_DURATION_RE.test(m.text) && !/lease|lock|leader/i.test(m.text)) continue;
    a.report(site, 'leaseClock', `lease or lock judged by comparing a stored timestamp (\`${shortText(m.text)}\`) with the local wall clock: clock skew or a clock step lets two holders both believe they own it; use fencing tokens or a monotonic lease timer`, [], undefined, INC_CLOCK, ['logical-clocks', 'monotonic-clocks']);
  }
}
