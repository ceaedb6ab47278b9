/**
 * Job-queue retry configs (RULES v2): a job queue retries a failed job on the queue's own schedule, so its job
 * options are a retry policy like any other.
 *
 * - Bull / BullMQ job options, wherever they are declared (`defaultJobOptions`, `queue.add(name, data, opts)`,
 *   `addBulk` entries, a `JobsOptions` constant in another module): `backoff: { type: 'exponential', delay }` with
 *   no `jitter` (BullMQ: `jitter` defaults to 0 and exists from 5.54; Bull has no jitter option) -> jitter;
 *   `type: 'fixed'` or a plain number (a fixed delay) -> backoff; `attempts: n` (n > 1) with no `backoff` in a
 *   queue's `defaultJobOptions` -> backoff (BullMQ/Bull retry at once: "If you do not specify a back-off function,
 *   the jobs will be retried without delay as soon as they fail", docs.bullmq.io/guide/retrying-failing-jobs).
 *   The library and its installed version decide the message and the fix, in the project pass (`settleQueue`):
 *   the file's imports first, else the nearest package.json that names `bullmq` / `bull`.
 * - bee-queue `job.retries(n).backoff('fixed' | 'exponential' | 'immediate', ms)`: deterministic strategies only.
 */
import type { Node } from '../../core/parser';
import type { ProjectView } from '../../core/rule';
import type { Finding, Fix } from '../../core/types';
import { callArgs, keyName, stringValue, unwrap, FUNCTION_TYPES } from '../../core/ast';
import { addPropertyEdit, replaceNodeEdit } from '../../core/edits';
import { type RetryState, BACKOFF_ID, JITTER_ID, numberOf, pushFinding, innermostFunction } from './common';

/** Pending data of a job-queue finding, completed by `settleQueue` once the library and its version are known. */
export interface QueuePending {
  q: 'bull';
  what: 'expNoJitter' | 'fixed' | 'immediate' | 'attemptsNoBackoff' | 'jitterZero';
  /** The library named by the file's imports, when it names one. */
  lib?: 'bull' | 'bullmq' | 'bullmq-pro';
  /** `backoff.delay` / the fixed delay, as written (for messages). */
  delay?: string;
  attempts?: string;
}

const BULL_MODULES: Record<string, 'bull' | 'bullmq' | 'bullmq-pro'> = {
  bull: 'bull', '@nestjs/bull': 'bull', bullmq: 'bullmq', '@nestjs/bullmq': 'bullmq', '@taskforcesh/bullmq-pro': 'bullmq-pro',
};
/** BullMQ added `backoff.jitter` in 5.54.0 (taskforcesh/bullmq#3291, "feat(backoff): add jitter option", June 2025). */
export const BULLMQ_JITTER_SINCE: [number, number] = [5, 54];

export class QueueChecks {
  private ctx: RetryState['ctx'];
  /** Backoff option objects already judged (reached through several job options). */
  private checked = new Set<number>();
  constructor(private s: RetryState) { this.ctx = s.ctx; }

  run(): void {
    const { ctx } = this;
    if (!ctx.test(/\b(backoff|attempts)\b|['"]exponential['"]|['"]fixed['"]/)) return;
    let lib: QueuePending['lib'];
    let beeQueue = false;
    for (const b of ctx.facts.bindings.values()) {
      lib ??= BULL_MODULES[b.module];
      if (b.module === 'bee-queue') beeQueue = true;
    }
    const seen = new Set<number>();
    for (const m of ctx.matchAll(/\b(backoff|attempts)\b\s*[:,}]/g)) {
      const key = ctx.root.descendantForIndex(m.index!, m.index! + m[1].length);
      const pair = key?.type === 'shorthand_property_identifier' ? key : key?.parent;
      const obj = pair?.type === 'pair' || pair?.type === 'shorthand_property_identifier' ? pair.parent : null;
      if (obj?.type !== 'object' || seen.has(obj.id)) continue;
      seen.add(obj.id);
      this.jobOptions(obj, lib);
    }
    for (const m of ctx.matchAll(/\btype\s*:\s*['"](exponential|fixed)['"]/g)) {
      const obj = ctx.root.descendantForIndex(m.index!, m.index! + 4)?.parent?.parent;
      if (obj?.type === 'object') this.standaloneBackoff(obj, lib);
    }
    if (beeQueue) for (const m of ctx.matchAll(/\.\s*backoff\s*\(/g)) {
      const prop = ctx.root.descendantForIndex(m.index! + m[0].indexOf('backoff'), m.index! + m[0].indexOf('backoff') + 7);
      const call = prop?.parent?.parent;
      if (call?.type === 'call_expression') this.beeQueue(call);
    }
  }

  private prop(obj: Node, key: string) { return this.ctx.facts.lookupProp(obj, key); }

  /** One object with `backoff` and/or `attempts`: a Bull/BullMQ job options object when its shape says so. */
  private jobOptions(obj: Node, lib: QueuePending['lib']): void {
    const ctx = this.ctx;
    const attempts = this.prop(obj, 'attempts');
    const n = attempts.kind === 'present' ? numberOf(ctx, attempts.value) : undefined;
    if (n !== undefined && n <= 1) return; // one attempt: nothing is retried
    const attemptsText = attempts.kind === 'present' ? attempts.value?.text : undefined;
    const backoff = this.prop(obj, 'backoff');
    if (backoff.kind === 'unknown') return;
    if (backoff.kind === 'absent') {
      // merged with the queue's defaultJobOptions elsewhere unless this object is those defaults
      if (attempts.kind !== 'present' || attempts.pair.type !== 'pair' || !isDefaultJobOptions(obj)) return;
      const edit = addPropertyEdit(obj, `backoff: { type: 'exponential', delay: 1000, jitter: 1 }`, ctx.text, ctx.lines);
      return this.report(BACKOFF_ID, attempts.pair, { q: 'bull', what: 'attemptsNoBackoff', lib, attempts: attemptsText },
        [{ title: "Add `backoff: { type: 'exponential', delay: 1000, jitter: 1 }` (BullMQ ≥ 5.54)", safety: 'unsafe', isPreferred: true, edits: [edit] }]);
    }
    const bv = unwrap(backoff.value);
    const fixed = backoff.pair.type === 'pair' ? numberOf(ctx, bv) : undefined;
    if (fixed !== undefined) {
      // `backoff: 5000` is BullMQ/Bull shorthand for `{ type: 'fixed', delay: 5000 }` (only with `attempts` beside it:
      // a bare number under `backoff` is too common a shape elsewhere)
      if (attempts.kind !== 'present') return;
      return this.report(BACKOFF_ID, backoff.pair, { q: 'bull', what: fixed === 0 ? 'immediate' : 'fixed', lib, delay: bv!.text, attempts: attemptsText },
        [{ title: "Use `{ type: 'exponential', delay, jitter: 1 }` (BullMQ ≥ 5.54)", safety: 'unsafe', isPreferred: true,
          edits: [replaceNodeEdit(bv!, `{ type: 'exponential', delay: ${fixed === 0 ? 1000 : bv!.text}, jitter: 1 }`)] }]);
    }
    // `{ attempts: 3, backoff }`: the shorthand names a same-file constant
    const decl = bv?.type === 'shorthand_property_identifier' ? ctx.facts.constDeclarator(bv.text, bv) : undefined;
    const bo = decl ? ctx.facts.resolveObject(decl.childForFieldName('value')) : ctx.facts.resolveObject(bv);
    if (!bo) return;
    this.backoffOptions(bo, backoff.pair, lib, attemptsText);
  }

  /**
   * A Bull/BullMQ backoff options object (`{ type: 'exponential' | 'fixed', delay, jitter? }`), reported at `at` (the
   * `backoff` property, or the object itself when it is a backoff strategy's result or a `…Backoff` constant).
   */
  private backoffOptions(bo: Node, at: Node, lib: QueuePending['lib'], attemptsText?: string): void {
    const ctx = this.ctx;
    if (this.checked.has(bo.id)) return;
    this.checked.add(bo.id);
    const type = this.prop(bo, 'type');
    if (type.kind !== 'present' || type.pair.type !== 'pair') return;
    const t = stringValue(ctx.facts.resolveValue(type.value));
    if (t !== 'exponential' && t !== 'fixed') return; // a custom strategy: its delay is code we judge elsewhere
    const delay = this.prop(bo, 'delay');
    const delayText = delay.kind === 'present' ? delay.value?.text : undefined;
    const jitter = this.prop(bo, 'jitter');
    if (jitter.kind === 'unknown') return;
    if (jitter.kind === 'present') {
      const j = numberOf(ctx, jitter.value);
      if (j === undefined || j > 0) return; // jittered (or set at run time: unknown is not guilty)
      if (t === 'exponential' && jitter.pair.type === 'pair') {
        return this.report(JITTER_ID, jitter.pair, { q: 'bull', what: 'jitterZero', lib, delay: delayText, attempts: attemptsText },
          [{ title: 'Set `jitter: 1` (full jitter)', safety: 'safe', isPreferred: true, edits: [replaceNodeEdit(jitter.value!, '1')] }]);
      }
    }
    if (t === 'fixed') {
      const d = delay.kind === 'present' ? numberOf(ctx, delay.value) : 0;
      const edits = [replaceNodeEdit(type.value!, "'exponential'")];
      if (jitter.kind === 'absent') edits.push(addPropertyEdit(bo, 'jitter: 1', ctx.text, ctx.lines));
      else edits.push(replaceNodeEdit(jitter.value!, '1'));
      if (d === 0 && delay.kind === 'absent') edits.push(addPropertyEdit(bo, 'delay: 1000', ctx.text, ctx.lines));
      return this.report(BACKOFF_ID, type.pair, { q: 'bull', what: d === 0 ? 'immediate' : 'fixed', lib, delay: delayText, attempts: attemptsText },
        d === 0 && delay.kind === 'present' ? [] : [{ title: "Use `type: 'exponential'` with `jitter: 1` (BullMQ ≥ 5.54)", safety: 'unsafe', isPreferred: true, edits }]);
    }
    // exponential without jitter
    this.report(JITTER_ID, at, { q: 'bull', what: 'expNoJitter', lib, delay: delayText, attempts: attemptsText },
      [{ title: 'Add `jitter: 1` (full jitter, BullMQ ≥ 5.54)', safety: 'safe', isPreferred: true, edits: [addPropertyEdit(bo, 'jitter: 1', ctx.text, ctx.lines)] }]);
  }

  /**
   * A backoff options object standing alone: returned by a backoff strategy option (`setBackoff: () => ({ type:
   * 'exponential', delay: 1000 })`) or held by a constant named for backoff (`const RETRY_BACKOFF = { type: … }`).
   */
  private standaloneBackoff(obj: Node, lib: QueuePending['lib']): void {
    if (this.checked.has(obj.id) || this.prop(obj, 'delay').kind !== 'present') return;
    let p: Node | null = obj.parent;
    while (p?.type === 'parenthesized_expression' || p?.type === 'as_expression' || p?.type === 'satisfies_expression') p = p.parent;
    let owner: Node | null = null;
    if (p?.type === 'variable_declarator') owner = p.childForFieldName('name');
    else {
      if (p?.type === 'return_statement') p = innermostFunction(p);
      if (p && FUNCTION_TYPES.has(p.type)) {
        const holder = p.parent;
        owner = holder?.type === 'pair' ? holder.childForFieldName('key') : holder?.type === 'variable_declarator' ? holder.childForFieldName('name') : p.type === 'method_definition' ? p.childForFieldName('name') : null;
      }
    }
    if (!owner || !/backoff/i.test(owner.text)) return;
    this.backoffOptions(obj, obj, lib);
  }

  private report(rule: typeof BACKOFF_ID | typeof JITTER_ID, at: Node, pending: QueuePending, fixes: Fix[]): void {
    const m = queueMessage(pending, pending.lib, undefined);
    pushFinding(this.s.out, rule, { start: at.startIndex, end: at.endIndex, messageId: m.id, message: m.text, fixes, pending });
  }

  /** bee-queue: `job.retries(3).backoff('exponential', 1000)`; its strategies are 'immediate', 'fixed', 'exponential'. */
  private beeQueue(call: Node): void {
    const args = callArgs(call);
    const strategy = stringValue(this.ctx.facts.resolveValue(args[0]));
    if (!strategy || !/\.\s*retries\s*\(/.test(call.text)) return;
    const range = { start: call.startIndex, end: call.endIndex };
    const tail = ' (bee-queue\'s backoff strategies have no randomness; register a custom one in `Queue#backoffStrategies` that adds jitter)';
    if (strategy === 'exponential') {
      pushFinding(this.s.out, JITTER_ID, { ...range, messageId: 'queueNoJitter', fixes: [],
        message: `bee-queue's \`exponential\` backoff doubles the delay with no jitter: jobs that failed together are retried in lockstep${tail}` });
    } else if (strategy === 'fixed' || strategy === 'immediate') {
      pushFinding(this.s.out, BACKOFF_ID, { ...range, messageId: strategy === 'fixed' ? 'queueConstant' : 'queueNoDelay', fixes: [],
        message: `bee-queue's \`${strategy}\` backoff retries failed jobs ${strategy === 'fixed' ? 'after the same delay every time' : 'at once'}: while the dependency is down every job keeps hitting it at a fixed rate (a retry storm)${tail}` });
    }
  }
}

/** `defaultJobOptions: { ... }` (a queue's defaults: nothing else is merged into them). */
function isDefaultJobOptions(obj: Node): boolean {
  const p = obj.parent;
  if (p?.type === 'pair') return keyName(p.childForFieldName('key')) === 'defaultJobOptions';
  if (p?.type === 'variable_declarator') return /defaultJobOptions|DEFAULT_JOB_OPTIONS/i.test(p.childForFieldName('name')?.text ?? '');
  return false;
}

/** `^5.76.3` -> [5, 76]; undefined when the range names no version (workspace:*, catalog:, latest, a tag). */
export function minVersion(range: string | undefined): [number, number] | undefined {
  const m = range && /^\s*(?:npm:[^@]+@)?[\^~>=v\s]*(\d+)(?:\.(\d+))?/.exec(range);
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
}

type JitterSupport = 'yes' | 'no' | 'unknown';

/** The message of a job-queue finding for a library (and, for BullMQ, whether its installed version has `jitter`). */
function queueMessage(p: QueuePending, lib: QueuePending['lib'], support: JitterSupport | undefined, version?: string): { id: string; text: string } {
  const name = lib === 'bull' ? 'Bull' : lib === 'bullmq-pro' ? 'BullMQ Pro' : lib === 'bullmq' ? 'BullMQ' : 'The job queue';
  const noOption = lib === 'bull'
    ? ' (Bull has no jitter option: register a custom backoff strategy that randomises the delay)'
    : support === 'no' ? ` (BullMQ ${version} has no \`jitter\` option, added in 5.54: upgrade and set \`backoff.jitter\`, or use a custom backoff strategy with randomness)` : '';
  const n = p.attempts ? ` (\`attempts: ${p.attempts}\`)` : '';
  switch (p.what) {
    case 'expNoJitter':
      return { id: 'queueNoJitter', text: `${name} retries failed jobs${n} with exponential backoff but no jitter${lib === 'bullmq' || lib === 'bullmq-pro' ? ' (`backoff.jitter` defaults to 0)' : ''}: jobs that failed together are retried in lockstep, in synchronized waves against the recovering dependency${noOption}` };
    case 'jitterZero':
      return { id: 'queueNoJitter', text: `${name} exponential backoff with \`jitter: 0\` turns jitter off: jobs that failed together are retried in lockstep` };
    case 'fixed':
      return { id: 'queueConstant', text: `${name} retries failed jobs${n} after the same delay${p.delay ? ` (\`${p.delay}\`)` : ''} every time (a fixed backoff): while the dependency is down the jobs keep hitting it at a fixed rate, so the load never backs off (a retry storm)${noOption && lib !== 'bull' ? noOption : ''}` };
    case 'immediate':
      return { id: 'queueNoDelay', text: `${name} retries failed jobs${n} with a zero backoff delay: when the dependency fails, every job hits it again at once (a retry storm)` };
    case 'attemptsNoBackoff':
      return { id: 'queueNoDelay', text: `${name} retries failed jobs${n} immediately: \`attempts\` without \`backoff\` has no delay between attempts, so when the dependency fails every job hits it again at once (a retry storm)` };
  }
}

/**
 * The project pass for job-queue findings: which library (the file's imports, else the nearest package.json naming
 * `bullmq` or `bull`) and, for BullMQ, whether the installed range has `backoff.jitter` (>= 5.54). Fixes that add
 * `jitter` are kept for BullMQ >= 5.54 and for an unknown version (their titles say so), dropped otherwise.
 */
export function settleQueue(f: Finding, p: QueuePending, project: ProjectView, file: string): Finding {
  let lib = p.lib;
  let range: string | undefined;
  if (lib === 'bullmq' || lib === undefined) range = project.dependencyVersion(file, 'bullmq');
  if (lib === undefined) lib = range !== undefined ? 'bullmq' : project.dependencyVersion(file, 'bull') !== undefined ? 'bull' : undefined;
  let support: JitterSupport = 'unknown';
  const v = lib === 'bullmq' ? minVersion(range) : undefined;
  if (lib === 'bull') support = 'no';
  else if (v) support = v[0] > BULLMQ_JITTER_SINCE[0] || (v[0] === BULLMQ_JITTER_SINCE[0] && v[1] >= BULLMQ_JITTER_SINCE[1]) ? 'yes' : 'no';
  const m = queueMessage(p, lib, support, range?.trim());
  const fixes = support === 'no' && p.what !== 'jitterZero' ? [] : f.fixes;
  return { ...f, message: m.text, messageId: m.id, fixes };
}
