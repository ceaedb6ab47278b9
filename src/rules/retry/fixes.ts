/**
 * Findings for a hand-written retry's delay verdict (none / constant / growing), with their fixes: full jitter on a
 * growing delay (safe), capped exponential backoff with full jitter for a constant or missing one (unsafe).
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import type { Fix, TextEdit } from '../../core/types';
import { namedChildren } from '../../core/ast';
import { replaceNodeEdit, insertLineAfterEdit } from '../../core/edits';
import { type Kind, type RetryState, BACKOFF_ID, JITTER_ID, CAP, BASE_NONE, keywordRange, par, isAsync, pushFinding } from './common';
import type { Sleep } from './sleeps';

export interface DelayVerdict { kind: Kind | 'none'; sleep?: Sleep; zero?: boolean }

export function reportDelay(s0: RetryState, verdict: DelayVerdict, counter: string | undefined, tail: string, loop: Node | null, retryTry: Node | null, fn: Node | null, where: 'loop' | 'recursion', rangeNode?: Node): void {
  const what = where === 'loop' ? 'in a loop' : 'by calling itself again';
  if (verdict.kind === 'none') {
    const range = rangeNode ? { start: rangeNode.startIndex, end: rangeNode.endIndex } : keywordRange(loop!);
    const fixes: Fix[] = [];
    if (where === 'loop' && counter && retryTry && fn && isAsync(fn)) {
      const f = insertSleepFix(s0.ctx, retryTry, counter);
      if (f) fixes.push(f);
    }
    pushFinding(s0.out, BACKOFF_ID, {
      ...range, messageId: 'noDelay', fixes,
      message: `Retried immediately ${what} with no delay: when the dependency fails, every client hammers it at once (a retry storm)${tail}`,
    });
    return;
  }
  const s = verdict.sleep!;
  const arg = s.helperCall ? null : s.arg;
  const rangeOf = s.helperCall ?? s.arg ?? s.site;
  const range = { start: rangeOf.startIndex, end: rangeOf.endIndex };
  if (verdict.kind === 'const') {
    const shown = (s.arg?.text ?? '').length <= 40 ? ` (\`${s.arg?.text}\`)` : '';
    const fixes: Fix[] = [];
    if (arg && counter) {
      const base = verdict.zero ? String(BASE_NONE) : par(arg);
      fixes.push({ title: `Use capped exponential backoff with full jitter (cap ${CAP} ms)`, safety: 'unsafe', isPreferred: true,
        edits: [replaceNodeEdit(arg, `Math.random() * Math.min(${CAP}, ${base} * 2 ** ${counter})`)] });
    }
    pushFinding(s0.out, BACKOFF_ID, {
      ...range, messageId: verdict.zero ? 'noDelay' : 'constantDelay', fixes,
      message: verdict.zero
        ? `Retried ${what} with a zero delay${shown}: when the dependency fails, every client hammers it at once (a retry storm)${tail}`
        : `Retried ${what} after a constant delay${shown}: every client keeps retrying at the same fixed rate while the dependency is down, so the load never backs off (a retry storm)${tail}`,
    });
    return;
  }
  if (verdict.kind === 'exp' || verdict.kind === 'linear') {
    const fixes: Fix[] = arg ? [{ title: 'Add full jitter (Math.random() * delay)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(arg, `Math.random() * ${par(arg)}`)] }] : [];
    const grows = verdict.kind === 'exp' ? 'grows exponentially' : 'grows with the attempt';
    pushFinding(s0.out, JITTER_ID, {
      ...range, messageId: 'noJitter', fixes,
      message: `The retry delay ${grows} but has no jitter: all clients that failed together retry in lockstep, in synchronized waves against the recovering dependency${tail}`,
    });
  }
}

function insertSleepFix(ctx: RuleContext, retryTry: Node, counter: string): Fix | undefined {
  const handler = retryTry.childForFieldName('handler');
  const block = handler?.childForFieldName('body');
  if (!block) return undefined;
  const stmt = `await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(${CAP}, ${BASE_NONE} * 2 ** ${counter})));`;
  const stmts = namedChildren(block).filter(s => s.type !== 'comment');
  let edit: TextEdit;
  const last = stmts[stmts.length - 1];
  if (!last) {
    edit = { start: block.startIndex, end: block.endIndex, text: `{ ${stmt} }` };
  } else if (last.type === 'continue_statement') {
    edit = insertBeforeSameLine(ctx, last, stmt);
  } else {
    edit = insertLineAfterEdit(last, stmt, ctx.lines);
  }
  return { title: `Wait with capped exponential backoff and full jitter before retrying (base ${BASE_NONE} ms, cap ${CAP} ms)`, safety: 'unsafe', isPreferred: true, edits: [edit] };
}


function insertBeforeSameLine(ctx: RuleContext, before: Node, stmt: string): TextEdit {
  const line = ctx.lines.pos(before.startIndex).line;
  const lineStart = ctx.lines.lineStart(line);
  const onlyThing = ctx.text.slice(lineStart, before.startIndex).trim() === '';
  if (onlyThing) {
    const indent = ctx.lines.indentAt(before.startIndex);
    return { start: lineStart, end: lineStart, text: `${indent}${stmt}\n` };
  }
  return { start: before.startIndex, end: before.startIndex, text: `${stmt} ` };
}
