/**
 * Suppression comments:
 *   // incident-lens-disable-next-line <rule>[, <rule>] -- reason
 *   // incident-lens-disable-line <rule>            (trailing, same line)
 *   /* incident-lens-disable <rule> *\/ ... /* incident-lens-enable <rule> *\/   (no enable: to the end of the file)
 * No rule list means every rule.
 */
import type { Node } from './parser';
import type { LineIndex } from './text';
import type { Finding } from './types';

export interface Directive {
  kind: 'next-line' | 'line' | 'disable' | 'enable';
  rules: string[] | 'all';
  start: number;
  end: number;
  line: number;
  used: boolean;
}

const DIRECTIVE_RE = /incident-lens-(disable-next-line|disable-line|disable|enable)\b([^\n*]*)/g;

export function parseDirectives(text: string, lines: LineIndex, commentAt: (offset: number) => Node | null): Directive[] {
  const out: Directive[] = [];
  if (!text.includes('incident-lens-')) return out;
  DIRECTIVE_RE.lastIndex = 0;
  for (let m = DIRECTIVE_RE.exec(text); m; m = DIRECTIVE_RE.exec(text)) {
    const comment = commentAt(m.index);
    if (!comment || comment.type !== 'comment') continue;
    const body = m[2].split('--')[0].trim();
    const rules = body ? body.split(/[\s,]+/).filter(Boolean) : 'all';
    const kind = m[1] === 'disable-next-line' ? 'next-line' : m[1] === 'disable-line' ? 'line' : (m[1] as 'disable' | 'enable');
    out.push({ kind, rules, start: comment.startIndex, end: comment.endIndex, line: lines.pos(comment.startIndex).line, used: false });
  }
  return out;
}

function matches(rules: string[] | 'all', ruleId: string): boolean {
  return rules === 'all' || rules.includes(ruleId);
}

/** Removes suppressed findings and marks the directives that were used. */
export function applyDirectives(findings: Finding[], directives: Directive[]): Finding[] {
  if (!directives.length) return findings;
  return findings.filter(f => {
    const line = f.startPos.line;
    for (const d of directives) {
      if (d.kind === 'next-line' && d.line + 1 === line && matches(d.rules, f.ruleId)) { d.used = true; return false; }
      if (d.kind === 'line' && d.line === line && matches(d.rules, f.ruleId)) { d.used = true; return false; }
    }
    // block ranges: the latest disable/enable before the finding wins
    let disabledBy: Directive | undefined;
    for (const d of directives) {
      if (d.start > f.start) break;
      if (d.kind === 'disable' && matches(d.rules, f.ruleId)) disabledBy = d;
      if (d.kind === 'enable' && matches(d.rules, f.ruleId)) disabledBy = undefined;
    }
    if (disabledBy) { disabledBy.used = true; return false; }
    return true;
  });
}
