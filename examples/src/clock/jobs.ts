/**
 * Background job runner: times each job, enforces a deadline, and names jobs.
 * Findings expected here (wall-clock-ordering):
 *  - job duration measured with Date.now() (info; fix: performance.now());
 *  - the polling deadline checked against the wall clock (info; fix: performance.now());
 *  - job ids made from the clock (fix: crypto.randomUUID()).
 */
import { metrics, logger } from '../lib/observability';

export interface Job { id: string; name: string; run(): Promise<void> }

export function enqueue(name: string, run: () => Promise<void>): Job {
  const job = { id: `job-${Date.now()}`, name, run };
  queue.push(job);
  return job;
}

const queue: Job[] = [];

export async function runJob(job: Job): Promise<void> {
  const started = Date.now();
  try {
    await job.run();
  } finally {
    metrics.histogram('job_duration_ms', Date.now() - started, { job: job.name });
  }
}

export async function waitForDrain(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (queue.length > 0) {
    if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/* ---- already right, or not a finding: stays silent ---- */

export async function runJobMonotonic(job: Job): Promise<void> {
  const started = performance.now();
  await job.run();
  metrics.histogram('job_duration_ms', performance.now() - started, { job: job.name });
}

export function logStart(job: Job): void {
  logger.info({ job: job.name, at: new Date().toISOString() }, 'job started');
}

let lastReport = 0;
export function maybeReport(): void {
  const now = Date.now();
  if (now - lastReport < 10_000) return; // rate-limit the report to once per 10 s
  lastReport = now;
  logger.info({ queued: queue.length }, 'queue depth');
}

export const backupName = () => `jobs-backup-${Date.now()}.json`;
