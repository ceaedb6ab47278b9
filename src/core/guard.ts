/**
 * Keeping one bad input from taking a run down: a per-rule-per-file time budget (Semgrep's per-rule timeout is the
 * model), stack overflows and tree-sitter crashes turned into notices, and the per-file guard the file pass uses.
 *
 * What the budget can and cannot stop. JavaScript cannot pre-empt a synchronous rule, so the budget is cooperative:
 * the framework checks it whenever a rule calls into its context (`captures`, `report`, `matchAll` between matches,
 * `memo`, `refOf`) and rules call `ctx.checkDeadline()` in their own loops. Over budget, the check throws a
 * RuleBudgetError that the framework catches: that rule's findings (and project facts) for that file are dropped with
 * a notice naming the rule and the file, and the run goes on. It cannot stop work that never reaches a check: one
 * long call into tree-sitter (a parse, a query over a huge tree), a catastrophically backtracking regular
 * expression, or a rule loop without a check. Those are kept linear in the rules themselves; the fuzz target
 * (`npm run fuzz`) looks for inputs that get past both.
 */
import { ParserCrashError, wasmFault } from './parser';

/** Default per-rule-per-file budget of a CLI run (and the `ruleTimeBudgetMs` config key's default). */
export const DEFAULT_RULE_TIME_BUDGET_MS = 2000;
/** The editor's default (each document analysis runs on the extension host's thread). */
export const EDITOR_RULE_TIME_BUDGET_MS = 500;

/**
 * Most findings one rule reports in one file; then it stops there with a notice (its findings so far are kept). A file
 * with thousands of findings of one rule is generated or pathological (25,000 `fetch(u)` in one syntax error), and
 * each finding costs its classification and fixes.
 */
export const MAX_FINDINGS_PER_RULE = 2000;

/** Thrown by ctx.report once a rule has reported MAX_FINDINGS_PER_RULE findings in the file. */
export class FindingCapError extends Error {
  constructor(readonly cap: number) { super(`stopped after ${cap} findings`); }
}

export class RuleBudgetError extends Error {
  constructor(readonly budgetMs: number) { super(`over its ${budgetMs} ms time budget`); }
}

/**
 * How a budget is measured: 'cpu' (the CLI: the process's CPU time, so a loaded machine does not drop findings that
 * an idle one keeps) or 'wall' (the editor: what blocks the extension host is wall time).
 */
export type BudgetClock = 'cpu' | 'wall';

/** The process's CPU time in ms (user + system); wall time where there is no process (a browser). */
export const cpuMs = (): number => {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// The last CPU-time reading and the wall time it was taken at (process.cpuUsage is a system call: reading it for
// every rule run on every file cost ~5% of a whole-repository run).
let cpuSample = 0, cpuSampleWall = -Infinity;
/**
 * The CPU time at the start of a run of `budgetMs`: the last reading when it is at most 1% of the budget old (wall),
 * else a new one. A reused reading is a lower bound, so a deadline armed with it is stricter by at most 1% of the
 * budget per busy thread, never laxer.
 */
const cpuAtStartOf = (budgetMs: number): number => {
  const w = performance.now();
  if (w - cpuSampleWall > budgetMs / 100) { cpuSample = cpuMs(); cpuSampleWall = w; }
  return cpuSample;
};

/**
 * A cooperative deadline, re-armed for each rule run. `check` is cheap enough for inner loops: it reads the wall
 * clock; with the 'cpu' clock, the process's CPU time is read only once the wall deadline has passed, and the deadline
 * moves out by the CPU budget left (CPU time is never more than wall time on one thread; with worker threads the
 * process's CPU time runs faster, so a rule is stopped no later than by the wall clock).
 */
export class RuleDeadline {
  private deadline = Infinity;
  private armed = Infinity;
  private cpuAtStart = 0;
  constructor(readonly budgetMs: number = DEFAULT_RULE_TIME_BUDGET_MS, readonly clock: BudgetClock = 'cpu') {}

  /** Arms the deadline `budgetMs` (default: the whole budget) from now. */
  start(budgetMs = this.budgetMs): void {
    this.armed = budgetMs;
    this.deadline = Number.isFinite(budgetMs) ? performance.now() + Math.max(0, budgetMs) : Infinity;
    if (this.clock === 'cpu' && this.deadline !== Infinity) this.cpuAtStart = cpuAtStartOf(budgetMs);
  }
  stop(): void { this.deadline = Infinity; }

  /** Throws RuleBudgetError once the running rule is over its budget. */
  readonly check = (): void => {
    if (this.deadline === Infinity || performance.now() <= this.deadline) return;
    if (this.clock === 'cpu') {
      const left = this.armed - (cpuMs() - this.cpuAtStart);
      if (left > 0) { this.deadline = performance.now() + left; return; }
    }
    this.deadline = Infinity;
    throw new RuleBudgetError(this.armed === this.budgetMs ? this.budgetMs : Math.round(this.armed));
  };
}

/**
 * Runs one rule's work on one file under the deadline. Returns undefined when it completed, else the notice to
 * report (its findings for the file are the caller's to drop, except after a FindingCapError: those stand). A
 * tree-sitter crash is rethrown (the file is skipped: its tree is gone with the runtime).
 */
export function runRule(ruleId: string, file: string, deadline: RuleDeadline, work: () => void, budgetMs?: number): string | undefined {
  deadline.start(budgetMs);
  try {
    work();
    return undefined;
  } catch (e) {
    const crash = wasmFault(e);
    if (crash) throw crash;
    if (e instanceof RuleBudgetError) return `rule ${ruleId} skipped on ${file}: ${e.message}; its findings for this file are dropped (ruleTimeBudgetMs)`;
    if (e instanceof FindingCapError) return `rule ${ruleId} ${e.message} in ${file}; the rest of the file is not reported for it`;
    if (e instanceof RangeError && /call stack/i.test(e.message)) return `rule ${ruleId} skipped on ${file}: nesting too deep (${e.message}); its findings for this file are dropped`;
    // one rule's bug must not hide the others' findings, nor stop a scan: report it and go on
    const err = e as Error;
    return `rule ${ruleId} crashed on ${file}: ${err?.message ?? String(e)} (please report: ${(err?.stack ?? '').split('\n')[1]?.trim() ?? ''})`;
  } finally {
    deadline.stop();
  }
}

/** Runs work on a tree of the current parser runtime; a WASM trap comes back as a ParserCrashError. */
export function guardWasm<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw wasmFault(e) ?? e;
  }
}

/**
 * The file pass's guard around one file: a tree-sitter crash on it becomes a "skipped" notice (the next file's
 * `loadLanguage` restarts the parser); anything else is a bug and propagates.
 */
export function guardFile<T>(file: string, work: () => T): { ok: true; value: T } | { ok: false; notice: string } {
  try {
    return { ok: true, value: work() };
  } catch (e) {
    const crash = e instanceof ParserCrashError ? e : wasmFault(e);
    if (!crash) throw e;
    return { ok: false, notice: `${file}: skipped (${crash.message}; the other files are analysed)` };
  }
}
