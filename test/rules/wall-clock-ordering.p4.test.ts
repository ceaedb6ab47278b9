/**
 * wall-clock-ordering, tuning pass 4 (issue 16): kinds of noise seen among the unjudged findings of the tuning half,
 * written in our own words (each keeps only the shape), with the still-reported neighbours of each. Exact positions.
 * Decisions: src/rules/wall-clock-ordering.md ("Tuning pass 4").
 */
import { ruleTester } from '../helpers/rule-tester';

const SKEW = { messageId: 'clockSkew', incidents: [] as string[], patterns: ['logical-clocks'] };
const LEASE = { messageId: 'clockSkew', incidents: ['github-2018'], patterns: ['logical-clocks'] };
const DURATION = { messageId: 'elapsed', severity: 'info', incidents: ['cloudflare-leap-second-2017', 'linux-leap-second-2012'], patterns: ['monotonic-clocks'] };

ruleTester('wall-clock-ordering', {
  valid: [
    // a request refused because its signed state or its grant has aged: an expiry check
    {
      name: 'OAuth state older than ten minutes refused as expired',
      filename: 'file.ts',
      code: "const state = decodeState(secret, param);\nif (!state || Date.now() - state.ts > 10 * 60 * 1000) {\n  return c.json({ error: 'Invalid or expired state' }, 400);\n}",
    },
    {
      name: 'download refused when the view is older than 30 minutes (403)',
      filename: 'file.ts',
      code: "if (view.kind === 'doc' && view.viewedAt < new Date(Date.now() - 30 * 60 * 1000)) {\n  return res.status(403).json({ error: 'Error downloading' });\n}",
    },
    // a look-back selection in code: a filter keeping the records of the last hour to list them
    {
      name: 'failed jobs of the last hour listed (filter callback)',
      filename: 'file.ts',
      code: "const shown = jobs.filter((job) => {\n  if (job.status === 'FAILED') {\n    const oneHourAgo = new Date(Date.now() - 60 * 60 * 1000);\n    return new Date(job.createdAt) > oneHourAgo;\n  }\n  return false;\n});",
    },
    { name: 'filter arrow with an expression body', filename: 'file.ts', code: "const recent = rows.filter((r) => r.createdAt > new Date(Date.now() - 10 * 60_000));" },
    // an in-memory dedup cache this module fills, evicted in a loop
    {
      name: 'dedup Map evicted by age in a for-of loop',
      filename: 'file.ts',
      code: "const processed = new Map<string, number>();\nexport function seen(id: string): boolean {\n  const now = Date.now();\n  for (const [key, ts] of processed) {\n    if (now - ts > 300_000) processed.delete(key);\n  }\n  if (processed.has(id)) return true;\n  processed.set(id, now);\n  return false;\n}",
    },
    {
      name: 'dedup Map evicted through .entries()',
      filename: 'file.ts',
      code: "const seenAt = new Map();\nexport function sweep() {\n  const now = Date.now();\n  for (const [key, ts] of seenAt.entries()) if (now - ts > 60_000) seenAt.delete(key);\n}",
    },
    // a configured window written in hours is calendar arithmetic
    {
      name: 'entries not seen for N hours cleared (hours unit on a parameter)',
      filename: 'file.ts',
      code: "export function clear(hoursAgo: number) {\n  const cutoff = Date.now() - hoursAgo * 60 * 60 * 1000;\n  for (const [key, flag] of store.entries()) {\n    if (flag.lastSeenAt.getTime() < cutoff) store.delete(key);\n  }\n}",
    },
    // client-side rate limiting: the gap since the last request compared with a minimum interval
    {
      name: 'minimum gap between API requests (through a variable)',
      filename: 'file.ts',
      code: "export class Importer {\n  private lastRequestTime = 0;\n  async throttle() {\n    const now = Date.now();\n    const timeSinceLast = now - this.lastRequestTime;\n    if (timeSinceLast < Importer.MIN_REQUEST_INTERVAL_MS) {\n      await sleep(Importer.MIN_REQUEST_INTERVAL_MS - timeSinceLast);\n    }\n    this.lastRequestTime = Date.now();\n  }\n}",
    },
    // a log throttle whose line formats numbers
    {
      name: 'log throttle in a polling loop with Math.round in the line',
      filename: 'file.ts',
      code: "export async function waitReady(id: string) {\n  let lastLogTime = 0;\n  while (!ready(id)) {\n    const currentTime = Date.now();\n    if (currentTime - lastLogTime > 10000) {\n      logger.log('info', `not ready yet (status: ${status(id)}), waiting ${Math.round(currentTime / 1000)}`);\n      lastLogTime = currentTime;\n    }\n    await sleep(2000);\n  }\n}",
    },
    // a date range moved with calendar setters: its span is not an elapsed time
    {
      name: 'span of a look-back date range',
      filename: 'file.ts',
      code: "export function windows(days: number) {\n  const endDate = new Date();\n  const startDate = new Date();\n  startDate.setDate(endDate.getDate() - days);\n  const spanMs = endDate.getTime() - startDate.getTime();\n  return { from: new Date(startDate.getTime() - spanMs), to: startDate };\n}",
    },
    // picking the newest record in a reduce over them: what to show or report, not a write decided by a clock
    {
      name: 'latest tagged event picked in a reduce (if / return)',
      filename: 'file.ts',
      code: "const latest = events.reduce((acc, event) => {\n  if (!acc) return event;\n  if (event.updatedAt.getTime() > acc.updatedAt.getTime()) return event;\n  return acc;\n}, null);",
    },
    // newest first: the order a list is shown in
    {
      name: 'merged list sorted newest first for a preview',
      filename: 'file.ts',
      code: "export function preview(rules) {\n  const emails = rules.flatMap((r) => r.messages).sort((a, b) => b.timestamp - a.timestamp);\n  return { emails };\n}",
    },
  ],
  invalid: [
    {
      name: 'the same merged list sorted oldest first',
      filename: 'file.ts',
      code: "export function preview(rules) {\n  const emails = rules.flatMap((r) => r.messages).sort((a, b) => a.timestamp - b.timestamp);\n  return { emails };\n}",
      errors: [{ messageId: 'sortByTimestamp', incidents: [], patterns: ['logical-clocks'], line: 2, column: 18, endLine: 2, endColumn: 92, severity: 'warning' }],
      output: null,
    },
    // the same refusal shape with a lock in its own names is still a lease judged by the local clock
    {
      name: 'lock older than the window refused: still a lease',
      filename: 'file.ts',
      code: "if (row.lockedAt < new Date(Date.now() - 60_000)) {\n  return res.status(409).json({ error: 'Forbidden' });\n}",
      errors: [{ ...LEASE, line: 1, column: 29, endLine: 1, endColumn: 48, severity: 'warning' }],
      output: null,
    },
    // a filter keeping the records *older* than the threshold picks stale work: still reported
    {
      name: 'filter selecting rows stuck for more than five minutes',
      filename: 'file.ts',
      code: "const stuck = items.filter((i) => i.updatedAt < new Date(Date.now() - 5 * 60_000));\nfor (const i of stuck) await requeue(i);",
      errors: [{ ...SKEW, line: 1, column: 58, endLine: 1, endColumn: 81, severity: 'warning' }],
      output: null,
    },
    // an entry of a Map passed in (not created here) is judged as before
    {
      name: 'loop over a Map from elsewhere (heartbeats)',
      filename: 'file.ts',
      code: "export function dead(workers: Map<string, number>) {\n  const now = Date.now();\n  for (const [id, heartbeatAt] of workers) if (now - heartbeatAt > HEARTBEAT_TIMEOUT_MS) evict(id);\n}",
      errors: [{ ...SKEW, line: 3, column: 48, endLine: 3, endColumn: 65, severity: 'warning' }],
      output: null,
    },
    // a gap compared with a plain interval that gates real work stays elapsed time
    {
      name: 'flush interval through a variable (not a minimum gap)',
      filename: 'file.ts',
      code: "export class Flusher {\n  private lastFlushAt = 0;\n  tick() {\n    const since = Date.now() - this.lastFlushAt;\n    if (since > FLUSH_INTERVAL_MS) this.flush();\n  }\n  flush() { this.lastFlushAt = Date.now(); }\n}",
      errors: [{ ...DURATION, line: 4, column: 19, endLine: 4, endColumn: 48 }],
      output: null,
    },
    // a Date not moved by calendar setters: elapsed time
    {
      name: 'two Date readings subtracted',
      filename: 'file.ts',
      code: "export async function run() {\n  const startDate = new Date();\n  await work();\n  const endDate = new Date();\n  return endDate.getTime() - startDate.getTime();\n}",
      errors: [{ ...DURATION, line: 5, column: 10, endLine: 5, endColumn: 49 }],
      output: null,
    },
    // an in-memory record this file stamps with Date.now(): the metric is an elapsed time, not a foreign stamp's age
    {
      name: 'queue wait recorded from a stamp this file writes with Date.now()',
      filename: 'file.ts',
      code: "const queue: { job: string; enqueuedAt: number }[] = [];\nexport function push(job: string) { queue.push({ job, enqueuedAt: Date.now() }); }\nexport function done(task: { enqueuedAt: number }) {\n  histogram.record(Date.now() - task.enqueuedAt);\n}",
      errors: [{ ...DURATION, line: 4, column: 20, endLine: 4, endColumn: 48, message: /stamped with `Date.now\(\)` in this file/ }],
      output: null,
    },
    {
      name: 'a row stamped with new Date() stays a foreign stamp (info)',
      filename: 'file.ts',
      code: "await db.job.create({ data: { enqueuedAt: new Date() } });\nexport function done(task) { histogram.record(Date.now() - task.enqueuedAt.getTime()); }",
      errors: [{ ...SKEW, line: 2, column: 47, endLine: 2, endColumn: 85, severity: 'info' }],
      output: null,
    },
  ],
});
