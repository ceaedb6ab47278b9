/**
 * Findings for a hand-written retry's delay verdict (none / constant / growing), with their fixes: full jitter on a
 * growing delay (safe), capped exponential backoff with full jitter for a constant or missing one (unsafe).
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import type { Fix, TextEdit } from '../../core/types';
import { namedChildren } from '../../core/ast';
import { replaceNodeEdit, insertLineAfterEdit } from '../../core/edits';
import { type Kind, type RetryState, type RetryFinding, BACKOFF_ID, JITTER_ID, CAP, BASE_NONE, keywordRange, par, isAsync, pushFinding } from './common';
import type { ComposePending, Composition, Variant } from './compose';
import type { Sleep } from './sleeps';

export interface DelayVerdict {
  kind: Kind | 'none';
  sleep?: Sleep;
  zero?: boolean;
  /** The verdict waits for the project pass: calls into other files decide the delay (./compose.ts). */
  compose?: Composition;
}

/**
 * Reports a hand-written retry's delay verdict. RULES v2 "Where a finding sits": the loop keyword (`primary` is the
 * loop) or the self-call (`primary` is the call), with the delay as related information.
 */
export function reportDelay(s0: RetryState, verdict: DelayVerdict, counter: string | undefined, tail: string, primary: Node, retryTry: Node | null, fn: Node | null, where: 'loop' | 'recursion'): void {
  if (verdict.compose) {
    // one pending finding per rule id, with the message/fixes of each kind the project pass may settle on
    const variants: Partial<Record<'const' | 'linear' | 'exp', Variant>> = {};
    for (const k of ['const', 'linear', 'exp'] as const) {
      const out: RetryFinding[] = [];
      reportDelay({ ...s0, out }, { kind: k, sleep: verdict.sleep }, counter, tail, primary, retryTry, fn, where);
      const r = out[0]?.report;
      if (r) variants[k] = { messageId: r.messageId, message: r.message, fixes: r.fixes ?? [], related: (r.related?.[0] as { message: string } | undefined)?.message };
    }
    for (const rule of [BACKOFF_ID, JITTER_ID] as const) {
      const v = rule === BACKOFF_ID ? variants.const : variants.exp;
      if (!v) continue;
      const one: RetryFinding[] = [];
      reportDelay({ ...s0, out: one }, { kind: rule === BACKOFF_ID ? 'const' : 'exp', sleep: verdict.sleep }, counter, tail, primary, retryTry, fn, where);
      const pending: ComposePending = { c: 'compose', rule, ...verdict.compose, variants };
      if (one[0]) pushFinding(s0.out, rule, { ...one[0].report, pending });
    }
    return;
  }
  const what = where === 'loop' ? 'in a loop' : 'by calling itself again';
  const range = where === 'loop' ? keywordRange(primary) : { start: primary.startIndex, end: primary.endIndex };
  if (verdict.kind === 'none') {
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
  const delayNode = s.helperCall ?? s.arg ?? s.site;
  const delayText = s.helperCall ? s.helperCall.text : s.arg?.text ?? '';
  const shown = delayText && delayText.length <= 40 ? ` (\`${delayText}\`)` : '';
  const related = (message: string) => [{ start: delayNode.startIndex, end: delayNode.endIndex, message }];
  if (verdict.kind === 'const') {
    const fixes: Fix[] = [];
    if (arg && counter) {
      const base = verdict.zero ? String(BASE_NONE) : par(arg);
      fixes.push({ title: `Use capped exponential backoff with full jitter (cap ${CAP} ms)`, safety: 'unsafe', isPreferred: true,
        edits: [replaceNodeEdit(arg, `Math.random() * Math.min(${CAP}, ${base} * 2 ** ${counter})`)] });
    }
    pushFinding(s0.out, BACKOFF_ID, {
      ...range, messageId: verdict.zero ? 'noDelay' : 'constantDelay', fixes,
      related: related(verdict.zero ? 'the delay between attempts is zero' : 'the delay between attempts: the same every time'),
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
      related: related(`the delay between attempts ${grows}, with no randomness`),
      message: `The retry delay${shown} ${grows} but has no jitter: all clients that failed together retry in lockstep, in synchronized waves against the recovering dependency${tail}`,
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
