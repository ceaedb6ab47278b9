/**
 * wall-clock-ordering: classes of code from the round-2 tuning repositories (test/ecosystem, round 2), written in
 * our own words; each keeps only the shape the rule got wrong (or must keep right). Exact positions.
 * Decisions: src/rules/wall-clock-ordering.md ("Round-2 tuning pass").
 */
import { ruleTester } from '../helpers/rule-tester';

const SKEW = { messageId: 'clockSkew', incidents: [] as string[], patterns: ['logical-clocks'] };
const LEASE = { messageId: 'clockSkew', incidents: ['github-2018'], patterns: ['logical-clocks'] };
const DURATION = { messageId: 'elapsed', severity: 'info', incidents: ['cloudflare-leap-second-2017', 'linux-leap-second-2012'], patterns: ['monotonic-clocks'] };

ruleTester('wall-clock-ordering', {
  valid: [
    // look-back windows: a query that keeps the records stamped after now - W lists or counts recent ones
    {
      name: 'recent uploads listed for a notification (Prisma gte)',
      filename: 'file.ts',
      code: "const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);\nconst recent = await prisma.upload.findMany({ where: { roomId, uploadedAt: { gte: tenMinutesAgo } } });",
    },
    {
      name: 'reports of the last 15 minutes counted (inline gt)',
      filename: 'file.ts',
      code: "const n = await db.report.count({ where: { componentId, createdAt: { gt: new Date(Date.now() - 15 * 60_000) } } });",
    },
    { name: 'drizzle gte look-back', filename: 'file.ts', code: "const rows = await db.select().from(t).where(gte(t.createdAt, new Date(Date.now() - 5 * 60_000)));" },
    { name: 'knex >= look-back', filename: 'file.ts', code: "const rows = await knex('reports').where('created_at', '>=', new Date(Date.now() - 5 * 60_000));" },
    { name: 'mongo $gte look-back', filename: 'file.ts', code: "const n = await Reports.countDocuments({ createdAt: { $gte: new Date(Date.now() - 300_000) } });" },
    // the enclosing function's name still silences when the decision's own names say nothing of a lease
    {
      name: 'a scheduler function comparing a plain stamp stays a schedule',
      filename: 'file.ts',
      code: "export async function processDueReminders() {\n  const cutoff = new Date(Date.now() - 5 * 60_000);\n  await db.reminder.findMany({ where: { sentAt: { lt: cutoff } } });\n}",
    },
    // a React ref that holds something else than the clock, or a cache entry's age
    {
      name: 'a ref counting a total, not a stamp',
      filename: 'file.ts',
      code: "import { useRef } from 'react';\nexport function useX() {\n  const totalRef = useRef(0);\n  const add = (n: number) => { totalRef.current = totalRef.current + n; };\n  return add;\n}",
    },
    {
      name: 'max age of a cache entry measured from a fetch stamp',
      filename: 'file.ts',
      code: "let fetchedAt = 0;\nexport function get() {\n  if (Date.now() - fetchedAt > MAX_AGE_MS) { fetchedAt = Date.now(); reload(); }\n}",
    },
    {
      name: 'max age with a cache-named start',
      filename: 'file.ts',
      code: "let cacheStartedAt = 0;\nexport function get() {\n  if (Date.now() - cacheStartedAt > MAX_AGE) { cacheStartedAt = Date.now(); reload(); }\n}",
    },
    // throttles of logs and analytics: the guarded block re-arms the state and only logs or tracks
    {
      name: 'log throttle in a closure',
      filename: 'file.ts',
      code: "export function throttledLogger(periodMs: number) {\n  let lastLogTime = 0;\n  return (level: string, message: string) => {\n    const now = Date.now();\n    if (now - lastLogTime >= periodMs) {\n      lastLogTime = now;\n      logger.log(level, message);\n    }\n  };\n}",
    },
    {
      name: 'analytics event throttled in a player listener',
      filename: 'file.ts',
      code: "export function watch(video: HTMLVideoElement, tracker: { trackEvent(e: string): void }) {\n  let lastUpdateTime = 0;\n  video.addEventListener('timeupdate', () => {\n    const now = Date.now();\n    if (!video.paused && now - lastUpdateTime >= 10_000) {\n      tracker.trackEvent('played');\n      lastUpdateTime = now;\n    }\n  });\n}",
    },
    // an entry of a Map this module fills is its own cache, not a stamp another process wrote
    {
      name: 'max age of an in-memory Map entry',
      filename: 'file.ts',
      code: "const prepared = new Map<string, { html: string; preparedAt: number }>();\nexport function take(id: string) {\n  const p = prepared.get(id);\n  if (!p || Date.now() - p.preparedAt > PREPARED_MAX_AGE_MS) return undefined;\n  return p.html;\n}\nexport function put(id: string, html: string) { prepared.set(id, { html, preparedAt: Date.now() }); }",
    },
    // how often to poll, picked by a record's age: skew only changes the cadence
    {
      name: 'a refresh interval picked by age',
      filename: 'file.ts',
      code: "export function getItemRefreshInterval(item: { createdAt: Date }): number | false {\n  if (Date.now() - item.createdAt.getTime() < 30 * 1000) return 1000;\n  return false;\n}",
    },
    // a loop variable over a collection without lease words is just a number
    { name: 'prices compared with now in a loop', filename: 'file.ts', code: "export function count(stamps: number[]) {\n  let n = 0;\n  for (const t of stamps) { if (t > Date.now()) n++; }\n  return n;\n}" },
  ],
  invalid: [
    // a loop variable is named by the collection it walks: the stored expiries of leases
    {
      name: 'live leases counted from stored expiries (info: only counted)',
      filename: 'file.ts',
      code: "export async function size(ctx: Ctx) {\n  const metadata = await ctx.get('metadata');\n  const now = Date.now();\n  let running = 0;\n  for (const expiry of Object.values(metadata.leases)) {\n    if (expiry > now) {\n      running++;\n    }\n  }\n  return running;\n}",
      errors: [{ ...LEASE, line: 6, column: 9, endLine: 6, endColumn: 21, severity: 'info' }],
      output: null,
    },
    {
      name: 'expired leases taken over in a loop (warning)',
      filename: 'file.ts',
      code: "export async function reap(leases: Record<string, number>) {\n  for (const [holder, until] of Object.entries(leases)) {\n    if (until < Date.now()) await steal(holder);\n  }\n}",
      errors: [{ ...LEASE, line: 3, column: 9, endLine: 3, endColumn: 27, severity: 'warning' }],
      output: null,
    },
    // a throttle that gates real work (an acknowledgement) stays elapsed time
    {
      name: 'acknowledgement throttled on an instance field',
      filename: 'file.ts',
      code: "export class Acker {\n  private lastAckAt = Date.now();\n  tick() {\n    if (Date.now() - this.lastAckAt > 1000) { this.lastAckAt = Date.now(); this.ack(); }\n  }\n  ack() {}\n}",
      errors: [{ ...DURATION, line: 4, column: 9, endLine: 4, endColumn: 36 }],
      output: "export class Acker {\n  private lastAckAt = performance.now();\n  tick() {\n    if (performance.now() - this.lastAckAt > 1000) { this.lastAckAt = performance.now(); this.ack(); }\n  }\n  ack() {}\n}",
    },
    // an entry read from something this module does not create is a stored stamp
    {
      name: 'a heartbeat read from a store, compared with a bound',
      filename: 'file.ts',
      code: "export async function reap(store: Store, id: string) {\n  const w = await store.get(id);\n  if (Date.now() - w.heartbeatAt > HEARTBEAT_TIMEOUT_MS) await store.delete(id);\n}",
      errors: [{ ...SKEW, line: 3, column: 7, endLine: 3, endColumn: 33, severity: 'warning' }],
      output: null,
    },
    // a lease named in the window outweighs a scheduler's function name (`processDue…`)
    {
      name: 'stale executions taken over in a function named for due work',
      filename: 'file.ts',
      code: "import { EXECUTION_LEASE_MS } from './scheduler';\nexport async function processDueThreads() {\n  const now = new Date();\n  const staleBefore = new Date(now.getTime() - EXECUTION_LEASE_MS);\n  return prisma.thread.findMany({\n    where: { scheduledFor: { lte: now }, OR: [{ status: 'PENDING' }, { status: 'EXECUTING', updatedAt: { lte: staleBefore } }] },\n  });\n}",
      errors: [{ ...LEASE, line: 4, column: 32, endLine: 4, endColumn: 66, severity: 'warning' }],
      output: null,
    },
    // an upper bound on a generic stamp with a short window stays a staleness decision (not a look-back)
    {
      name: 'rows older than 30 minutes deleted as orphans (lt)',
      filename: 'file.ts',
      code: "await prisma.reward.deleteMany({ where: { status: 'pending', updatedAt: { lt: new Date(Date.now() - 30 * 60_000) } } });",
      errors: [{ ...SKEW, line: 1, column: 88, endLine: 1, endColumn: 112, severity: 'warning' }],
      output: null,
    },
    // "was this one just created": a comparison of one record, not a query
    {
      name: 'just created, compared in code',
      filename: 'file.ts',
      code: "if (enrollment.createdAt > new Date(Date.now() - 60_000)) await startWorkflow(enrollment);",
      errors: [{ ...SKEW, line: 1, column: 37, endLine: 1, endColumn: 56, severity: 'warning' }],
      output: null,
    },
    // React refs: `ref.current` is the component's field, named by the ref
    {
      name: 'elapsed time from a stamp kept in a React ref',
      filename: 'file.ts',
      code: "import { useRef, useCallback } from 'react';\nexport function useTracker() {\n  const lastIntervalTimeRef = useRef<number>(0);\n  const mark = useCallback(() => { const now = Date.now(); lastIntervalTimeRef.current = now; }, []);\n  const active = useCallback(() => Date.now() - lastIntervalTimeRef.current, []);\n  return { mark, active };\n}",
      errors: [{ ...DURATION, line: 5, column: 36, endLine: 5, endColumn: 76 }],
      output: null,
    },
    {
      name: 'a start kept in a ref initialised from the clock',
      filename: 'file.ts',
      code: "import React from 'react';\nexport function useView() {\n  const startTimeRef = React.useRef(Date.now());\n  return () => Date.now() - startTimeRef.current;\n}",
      errors: [{ ...DURATION, line: 4, column: 16, endLine: 4, endColumn: 49 }],
      output: null,
    },
    // a resource rotated after a maximum lifetime measured from its own launch
    {
      name: 'browser rotated at max age (closure state)',
      filename: 'file.ts',
      code: "export async function run() {\n  let browserStartTs = 0;\n  const ensure = async () => {\n    if (Date.now() - browserStartTs >= BROWSER_MAX_AGE_MS) await close();\n    browserStartTs = Date.now();\n  };\n  return ensure;\n}",
      errors: [{ ...DURATION, line: 4, column: 9, endLine: 4, endColumn: 36 }],
      output: null,
    },
  ],
});
