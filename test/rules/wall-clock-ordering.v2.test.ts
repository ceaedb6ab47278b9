/**
 * wall-clock-ordering, RULES v2 additions: clock skew against stamps another process wrote, elapsed time across
 * closures / fields / module state / circuit breakers / parameters, file names and storage keys, fallback sequences,
 * and what stays silent. Exact positions; fixes applied, re-parsed and re-analysed by the tester.
 * Decisions: src/rules/wall-clock-ordering.md.
 */
import { ruleTester } from '../helpers/rule-tester';

const SKEW = { messageId: 'clockSkew', incidents: [] as string[], patterns: ['logical-clocks'] };
const LEASE = { messageId: 'clockSkew', incidents: ['github-2018'], patterns: ['logical-clocks'] };
const DURATION = { messageId: 'elapsed', severity: 'info', incidents: ['cloudflare-leap-second-2017', 'linux-leap-second-2012'], patterns: ['monotonic-clocks'] };
const ID = { messageId: 'id', incidents: [] as string[], patterns: ['logical-clocks'] };

ruleTester('wall-clock-ordering', {
  valid: [
    // clock skew: expiry, rate limits, calendar windows, caches and display stay silent
    { name: "skew shape on an invite token's expiry", filename: 'file.ts', code: "const expired = await db.invite.findMany({ where: { tokenExpiresAt: { lt: new Date(Date.now() - 60_000) } } });" },
    { name: "rate-limit window counted in a query (login attempts)", filename: 'file.ts', code: "const attempts = await db.loginAttempt.count({ where: { userId, createdAt: { gte: new Date(Date.now() - 15 * 60_000) } } });" },
    { name: "calendar window in a query (a week)", filename: 'file.ts', code: "const recent = await db.post.findMany({ where: { createdAt: { gte: new Date(Date.now() - 7 * 24 * 3600 * 1000) } } });" },
    { name: "retention cutoff", filename: 'file.ts', code: "const cutoff = new Date(Date.now() - RETENTION_MS);\nawait db.events.deleteMany({ where: { createdAt: { lt: cutoff } } });" },
    { name: "cache freshness of a stored row", filename: 'file.ts', code: "if (Date.now() - row.cachedAt.getTime() < CACHE_TTL_MS) return row.value;" },
    { name: "resend cooldown on a stored stamp (a rate limit)", filename: 'file.ts', code: "if (Date.now() - user.lastEmailSentAt < RESEND_COOLDOWN_MS) throw new Error('wait');" },
    { name: "recomputed-value freshness (a cache)", filename: 'file.ts', code: "if (cohort.lastComputedAt) {\n  const age = Date.now() - cohort.lastComputedAt.getTime();\n  if (age < 15 * 60 * 1000) return cohort.profileCount;\n}" },
    { name: "UI code: a stuck badge is display", filename: 'file.tsx', code: "export function RunRow({ run }: Props) {\n  const isStuck = Date.now() - run.startedAt.getTime() > STUCK_MS;\n  return <Row warn={isStuck} />;\n}" },
    { name: "a generic stamp with no known window", filename: 'file.ts', code: "if (Date.now() - order.createdAt.getTime() > limit) await archive(order);" },
    { name: "a stamp only returned for display", filename: 'file.ts', code: "return { ...schedule, elapsedMs: Date.now() - schedule.startedAt.getTime() };" },
    { name: "freshness of a value this module keeps in its own object (a cache, not a foreign stamp)", filename: 'file.ts', code: "const values: { lagMs?: number; updatedAt?: number } = {};\nconst isFresh = () => values.updatedAt && Date.now() - values.updatedAt < 150_000;\nexport function update(lagMs: number) { values.lagMs = lagMs; values.updatedAt = Date.now(); }" },
    { name: "own state object: a stamp written only from the clock, compared with a bound", filename: 'file.ts', code: "const state = { seenAt: 0 };\nexport function tick() { if (Date.now() - state.seenAt > 30_000) warn(); }\nexport function seen() { state.seenAt = Date.now(); }" },
    { name: "a configured window in hours is not a short window", filename: 'file.ts', code: "const cutoff = new Date(Date.now() - cfg.skipRecentHours * 3_600_000);\nif (m.updatedAt >= cutoff) continue;" },
    { name: "a configured window with no unit", filename: 'file.ts', code: "const cutoff = enabled ? new Date(Date.now() - cfg.window * factor) : undefined;\nif (cutoff && m.updatedAt >= cutoff) skip(m);" },
    { name: "an olderThan threshold with a retention window", filename: 'file.ts', code: "await purgeEvents({ olderThan: new Date(Date.now() - RETENTION_GRACE_MS) });" },
    { name: "an olderThan threshold with a plain window (no timeout or lease word)", filename: 'file.ts', code: "const rows = await listRows({ olderThan: new Date(Date.now() - 5 * 60_000) });" },
    { name: "an age stored in a row field not named as a measured time", filename: 'file.ts', code: "const ageSeconds = millisecondsToSeconds(Date.now() - startDate.getTime());\nawait store.insertProjectEvent({ type, value: ageSeconds });" },
    { name: "a measured-time field handed to a plain update (not an event or a record)", filename: 'file.ts', code: "const timeToEvent = Date.now() - startDate.getTime();\nawait db.project.update({ where: { id }, data: { timeToEvent } });" },
    { name: "now minus a window passed to a lag-named call (a number: no stamp)", filename: 'file.ts', code: "gate.noteObservedLagMs(Date.now() - 5000);" },
    // durations: what is not a duration
    { name: "visibility-hidden duration: the wall clock counts the sleep on purpose", filename: 'file.ts', code: "let hiddenAt = 0;\ndocument.addEventListener('visibilitychange', () => {\n  if (document.hidden) hiddenAt = Date.now();\n  else if (Date.now() - hiddenAt > 60_000) refresh();\n});" },
    { name: "resend cooldown on module state (a rate limit, not a circuit breaker)", filename: 'file.ts', code: "let lastSentAt = 0;\nexport function resend() {\n  if (Date.now() - lastSentAt < RESEND_COOLDOWN_MS) return;\n  lastSentAt = Date.now();\n  send();\n}" },
    { name: "a parameter not named like a start", filename: 'file.ts', code: "export function since(t: number) { return Date.now() - t; }" },
    { name: "now minus a window, returned from a function not named like an age", filename: 'file.ts', code: "export function windowStart(windowMs: number) { return Date.now() - windowMs; }" },
    // ids: random bits, human-read file names, timestamps that are not sequences
    { name: "time plus nanoid", filename: 'file.ts', code: "const id = Date.now().toString(36) + nanoid(6);" },
    { name: "ULID", filename: 'file.ts', code: "import { ulid } from 'ulid';\nconst id = ulid();" },
    { name: "a heap snapshot file named for people", filename: 'file.ts', code: "const out = `unleash-${Date.now()}.heapsnapshot`;" },
    { name: "an export file named for people", filename: 'file.ts', code: "const fileName = `data-export--events--${new Date().getTime()}.json`;" },
    { name: "a title for people, with spaces", filename: 'file.ts', code: "const project = { name: `Test Project ${Date.now()}` };" },
    // judged on langfuse (OCI pre-authenticated request): a record's `name` attribute is shown, its id identifies it
    { name: "a record's display name decorated with the clock", filename: 'file.ts', code: "const req = { details: { name: `read-${fileName}-${Date.now()}`, objectName: fileName } };\nreq.details.name = `par-${Date.now()}`;" },
    { name: "a timestamp defaulting to now is not a sequence", filename: 'file.ts', code: "const at = msg.timestamp ?? Date.now();" },
    { name: "an as-of version defaulting to now (a point in time, not a counter)", filename: 'file.ts', code: "const item = await getItem({ id, version: input.version ?? new Date() });" },
    { name: "a time cursor defaulting to now", filename: 'file.ts', code: "return { cursor: updated?.updatedAt.getTime() ?? Date.now() };" },
    { name: "a CSV download named for people", filename: 'file.ts', code: "const fileName = `unleash-${instanceId}-${Date.now()}.csv`;\nres.attachment(fileName);" },
    // skew-shaped checks RULES leaves alone
    { name: "signed request freshness with a symmetric tolerance (like token expiry)", filename: 'file.ts', code: "const now = Date.now();\nconst ts = Date.parse(req.headers['x-timestamp']);\nif (Math.abs(now - ts) > REQUEST_LIFETIME) return res.status(401).end();" },
    { name: "throttled last-used update", filename: 'file.ts', code: "if (!key.lastUsedAt || key.lastUsedAt < new Date(Date.now() - 300_000)) await touch(key);" },
    { name: "validating a scheduled start date", filename: 'file.ts', code: "const oneHourAgo = new Date(Date.now() - 60 * 60 * 1000);\nif (data.startsAt < oneHourAgo) ctx.addIssue({ message: 'startsAt must be recent' });" },
    { name: "a usage quota reset window", filename: 'file.ts', code: "const lastResetAt = usage.lastResetAt;\nconst now = Date.now();\nif (now - lastResetAt > RESET_INTERVAL) {\n  usage.lastResetAt = now;\n  usage.used = 0;\n}" },
  ],
  invalid: [
    // ---- clock skew (warning; lease takeovers link GitHub 2018, other decisions the pattern only)
    {
      name: "lock takeover: a stored lockedAt against the local clock, inline",
      filename: 'file.ts',
      code: "if (!migration || (migration.lockedAt && migration.lockedAt > new Date(Date.now() - 60 * 1000))) return;",
      errors: [{ ...LEASE, line: 1, column: 72, endLine: 1, endColumn: 94, severity: 'warning' }],
      output: null,
    },
    {
      name: "stale-lock takeover through a threshold variable in a Prisma filter",
      filename: 'file.ts',
      code: "const staleBefore = new Date(Date.now() - LOCK_STALE_MS);\nawait db.job.updateMany({ where: { status: 'RUNNING', lockedAt: { lt: staleBefore } }, data: { lockedBy: me } });",
      errors: [{ ...LEASE, line: 1, column: 30, endLine: 1, endColumn: 56 }],
      output: null,
    },
    {
      name: "lock heartbeat in a Mongo filter ($lt)",
      filename: 'file.ts',
      code: "const stale = new Date(Date.now() - HEARTBEAT_STALE_MS);\nawait coll.updateOne({ _id: id, $or: [{ owner: null }, { lockHeartbeatAt: { $lt: stale, $ne: null } }] }, { $set: { owner: me } });",
      errors: [{ ...LEASE, line: 1, column: 24, endLine: 1, endColumn: 55 }],
    },
    {
      name: "dead workers by heartbeat in a drizzle filter",
      filename: 'file.ts',
      code: "const cutoff = new Date(Date.now() - 30_000);\nconst dead = await db.select().from(workers).where(lt(workers.heartbeatAt, cutoff));",
      errors: [{ ...SKEW, line: 1, column: 25, endLine: 1, endColumn: 44 }],
    },
    {
      name: "stale locks in a knex where",
      filename: 'file.ts',
      code: "const cutoff = new Date(Date.now() - 30_000);\nconst rows = await knex('jobs').where('locked_at', '<', cutoff).update({ locked_by: me });",
      errors: [{ ...LEASE, line: 1, column: 25, endLine: 1, endColumn: 44 }],
    },
    {
      name: "missed heartbeats through setSeconds on a Date",
      filename: 'file.ts',
      code: "const lastHeartbeat = new Date();\nlastHeartbeat.setSeconds(lastHeartbeat.getSeconds() - 70);\nawait Query.updateMany({ status: 'running', heartbeat: { $lt: lastHeartbeat } }, { $set: { status: 'failed' } });",
      errors: [{ ...SKEW, line: 2, column: 1, endLine: 2, endColumn: 58 }],
    },
    {
      name: "stalled job judged by its stored start",
      filename: 'file.ts',
      code: "if (Date.now() - job.startedAt.getTime() > STALLED_MS) await requeue(job);",
      errors: [{ ...SKEW, line: 1, column: 5, endLine: 1, endColumn: 41, severity: 'warning' }],
    },
    {
      name: "created in the last minute",
      filename: 'file.ts',
      code: "if (user.createdAt > new Date(Date.now() - 60_000)) await sendWelcome(user);",
      errors: [{ ...SKEW, line: 1, column: 31, endLine: 1, endColumn: 50 }],
    },
    {
      name: "replication lag from a commit time, used to decide",
      filename: 'file.ts',
      code: "const lagMs = Date.now() - Number(message.commitTime / 1000n);\nif (lagMs > MAX_LAG_MS) pause();",
      errors: [{ ...SKEW, line: 1, column: 15, endLine: 1, endColumn: 62 }],
    },
    {
      name: "date-fns subMinutes threshold",
      filename: 'file.ts',
      code: "const cutoff = subMinutes(new Date(), 5);\nconst stuck = await prisma.run.findMany({ where: { heartbeatAt: { lt: cutoff } } });",
      errors: [{ ...SKEW, line: 1, column: 16, endLine: 1, endColumn: 41 }],
    },
    {
      name: "a claim threshold handed to another function as a named option",
      filename: 'file.ts',
      code: "export async function batch(deps: Deps = {}) {\n  const now = deps.now?.() ?? new Date();\n  return listOwed({ environmentId, claimStaleBefore: new Date(now.getTime() - CLAIM_STALE_MS) });\n}",
      errors: [{ ...LEASE, line: 3, column: 63, endLine: 3, endColumn: 93 }],
    },
    {
      name: "stale entries of a sorted set scored by time",
      filename: 'file.ts',
      code: "export class Buffer {\n  async listStaleDraining(olderThanMs: number) {\n    const maxScore = Date.now() - Math.max(0, olderThanMs);\n    return this.redis.zrangebyscore(KEY, '-inf', maxScore);\n  }\n}",
      errors: [{ ...SKEW, line: 3, column: 22, endLine: 3, endColumn: 59 }],
    },
    {
      name: "a stamp handed in, compared with a max-age threshold to decide whether to keep it",
      filename: 'file.ts',
      code: "export class Repo {\n  clamp(startTime: Date): Date {\n    const now = new Date();\n    const minAllowedStartTime = new Date(now.getTime() - this._config.startTimeMaxAgeMs);\n    if (startTime < minAllowedStartTime) return now;\n    return startTime;\n  }\n}",
      errors: [{ ...SKEW, line: 4, column: 42, endLine: 4, endColumn: 88, severity: 'warning' }],
    },
    {
      name: "a queue's oldest-message age handed out: info",
      filename: 'file.ts',
      code: "export class SimpleQueue {\n  async oldestMessageAge(): Promise<number> {\n    const now = Date.now();\n    const score = Number(await this.redis.getOldestDueScore('queue', 'items', now));\n    if (!Number.isFinite(score) || score < 0) return 0;\n    return Math.max(0, now - score);\n  }\n}",
      errors: [{ ...SKEW, line: 6, column: 24, endLine: 6, endColumn: 35, severity: 'info' }],
    },
    {
      name: "queue wait recorded as a metric: info",
      filename: 'file.ts',
      code: "histogram.record(Date.now() - job.timestamp);",
      errors: [{ ...SKEW, line: 1, column: 18, endLine: 1, endColumn: 44, severity: 'info' }],
    },
    {
      name: "a lease record's expiry against the local clock",
      filename: 'file.ts',
      code: "if (lock.expiresAt < Date.now()) await takeOver(lock);",
      errors: [{ ...LEASE, line: 1, column: 5, endLine: 1, endColumn: 32 }],
    },
    // ---- elapsed time across closures, fields, module state, circuit breakers, parameters (info)
    {
      name: "start in the outer function, end in a socket handler",
      filename: 'file.ts',
      code: "export function watch(socket: Socket) {\n  const start = Date.now();\n  socket.on('data', () => {\n    metrics.observe('first_byte_ms', Date.now() - start);\n  });\n}",
      errors: [{ ...DURATION, line: 4, column: 38, endLine: 4, endColumn: 56 }],
      output: "export function watch(socket: Socket) {\n  const start = performance.now();\n  socket.on('data', () => {\n    metrics.observe('first_byte_ms', performance.now() - start);\n  });\n}",
    },
    {
      name: "this.lastFlushAt",
      filename: 'file.ts',
      code: "export class Flusher {\n  private lastFlushAt = Date.now();\n  tick() {\n    if (Date.now() - this.lastFlushAt > FLUSH_INTERVAL_MS) this.flush();\n  }\n  flush() {\n    this.lastFlushAt = Date.now();\n  }\n}",
      errors: [{ ...DURATION, line: 4, column: 9, endLine: 4, endColumn: 38 }],
      output: "export class Flusher {\n  private lastFlushAt = performance.now();\n  tick() {\n    if (performance.now() - this.lastFlushAt > FLUSH_INTERVAL_MS) this.flush();\n  }\n  flush() {\n    this.lastFlushAt = performance.now();\n  }\n}",
    },
    {
      name: "a module-level let (sentinel start: no fix)",
      filename: 'file.ts',
      code: "let lastFlushAt = 0;\nexport function maybeFlush() {\n  if (Date.now() - lastFlushAt > 5000) {\n    lastFlushAt = Date.now();\n    flush();\n  }\n}",
      errors: [{ ...DURATION, line: 3, column: 7, endLine: 3, endColumn: 31 }],
      output: null,
    },
    {
      name: "circuit breaker cooldown on process-wide state",
      filename: 'file.ts',
      code: "const COOLDOWN_MS = 30_000;\nexport const isCircuitOpen = (): boolean => {\n  const openedAt = globalThis.__breakerOpenedAt;\n  if (!openedAt) return false;\n  return Date.now() - openedAt < COOLDOWN_MS;\n};\nexport const recordFailure = (): void => { globalThis.__breakerOpenedAt = Date.now(); };\nexport const recordSuccess = (): void => { globalThis.__breakerOpenedAt = null; };",
      errors: [{ ...DURATION, line: 5, column: 10, endLine: 5, endColumn: 31 }],
      output: null,
    },
    {
      name: "circuit breaker cooldown on a module object's field",
      filename: 'file.ts',
      code: "const breaker = { openedAt: 0 };\nexport function allow() { return Date.now() - breaker.openedAt > COOLDOWN_MS; }\nexport function trip() { breaker.openedAt = Date.now(); }",
      errors: [{ ...DURATION, line: 2, column: 34, endLine: 2, endColumn: 63 }],
    },
    {
      name: "a start time handed in by the caller",
      filename: 'file.ts',
      code: "export function done(kind: string, startedAt: number) {\n  hist.record(Date.now() - startedAt, { kind });\n}",
      errors: [{ ...DURATION, line: 2, column: 15, endLine: 2, endColumn: 37 }],
      output: null,
    },
    {
      name: "a stamp kept in an object built here",
      filename: 'file.ts',
      code: "const run = { startedAt: Date.now() };\nawait go();\nreport(Date.now() - run.startedAt);",
      errors: [{ ...DURATION, line: 3, column: 8, endLine: 3, endColumn: 34 }],
      output: null,
    },
    // ---- ids: storage keys, temp files, module names, resource names, fallback sequences (warning)
    {
      name: "object-storage upload key",
      filename: 'file.ts',
      code: "await s3.send(new PutObjectCommand({ Bucket, Key: `uploads/${userId}/${Date.now()}-${file.name}`, Body: file.data }));",
      errors: [{ ...ID, line: 1, column: 72, endLine: 1, endColumn: 82 }],
      output: "await s3.send(new PutObjectCommand({ Bucket, Key: `uploads/${userId}/${crypto.randomUUID()}-${file.name}`, Body: file.data }));",
    },
    {
      name: "a resource name made unique with the clock",
      filename: 'file.ts',
      code: "const imageName = `${name}_${Date.now()}.png`;\nawait bucket.upload(imageName, data);",
      errors: [{ ...ID, line: 1, column: 30, endLine: 1, endColumn: 40 }],
      output: "const imageName = `${name}_${crypto.randomUUID()}.png`;\nawait bucket.upload(imageName, data);",
    },
    {
      name: "a temporary file",
      filename: 'file.ts',
      code: "const configFile = `/tmp/docker-daemon-${Date.now()}.json`;",
      errors: [{ ...ID, line: 1, column: 42, endLine: 1, endColumn: 52 }],
    },
    {
      name: "a temporary file through path.join",
      filename: 'file.ts',
      code: "import { join } from 'path';\nconst archivePath = join(tmpDir, `deploy-${Date.now()}.tar.gz`);",
      errors: [{ ...ID, line: 2, column: 44, endLine: 2, endColumn: 54 }],
    },
    {
      name: "a module name",
      filename: 'file.ts',
      code: "const mod = await import(`./compiled-${Date.now()}.mjs`);",
      errors: [{ ...ID, line: 1, column: 40, endLine: 1, endColumn: 50 }],
    },
    {
      name: "multer filename callback (an upload key)",
      filename: 'file.js',
      code: "const storage = multer.diskStorage({\n  filename: (req, file, cb) => { cb(null, file.fieldname + '-' + Date.now()); },\n});",
      errors: [{ ...ID, line: 2, column: 66, endLine: 2, endColumn: 76 }],
    },
    {
      name: "a machine resource name (qualified: the name is the resource's identity)",
      filename: 'file.ts',
      code: "const req = { details: { queueName: `read-${fileName}-${Date.now()}`, objectName: fileName } };",
      errors: [{ ...ID, line: 1, column: 57, endLine: 1, endColumn: 67 }],
    },
    {
      name: "a resource name held in a variable",
      filename: 'file.ts',
      code: "const name = `job-${Date.now()}`;\nawait k8s.createJob({ metadata: { name } });",
      errors: [{ ...ID, line: 1, column: 21, endLine: 1, endColumn: 31 }],
    },
    {
      name: "recency against rows another process writes, with a window configured in minutes (through a ternary)",
      filename: 'file.ts',
      code: "const recentCutoff =\n  cli.skipRecentMinutes > 0\n    ? new Date(Date.now() - cli.skipRecentMinutes * 60_000)\n    : undefined;\nfor (const m of members) {\n  if (recentCutoff && m.updatedAt >= recentCutoff) continue;\n  await sync(m);\n}",
      errors: [{ ...SKEW, line: 3, column: 16, endLine: 3, endColumn: 59 }],
    },
    {
      name: "a window configured in seconds, compared with a row's stamp",
      filename: 'file.ts',
      code: "if (job.updatedAt < new Date(Date.now() - opts.graceSeconds * 1000)) await requeue(job);",
      errors: [{ ...SKEW, line: 1, column: 30, endLine: 1, endColumn: 67 }],
    },
    {
      name: "replication lag: the local clock minus a stamp from a change record, fed to a lag estimator (recorded: info)",
      filename: 'file.ts',
      code: "const expected = expectedByRunId.get(runId);\nconst now = Date.now();\nif (row.updatedAt.getTime() < expected) gate.noteObservedLagMs(now - expected);",
      errors: [{ ...SKEW, severity: 'info', line: 3, column: 64, endLine: 3, endColumn: 78 }],
    },
    {
      name: "a lag-named call given a duration from a local start: elapsed time (durations come first)",
      filename: 'file.ts',
      code: "const start = Date.now();\nawait ping();\nrecordLag(Date.now() - start);",
      errors: [{ ...DURATION, line: 3, column: 11, endLine: 3, endColumn: 29 }],
      output: "const start = performance.now();\nawait ping();\nrecordLag(performance.now() - start);",
    },
    {
      name: "time-to-event from a stored createdAt, recorded as an analytics row (info; Unleash onboarding shape)",
      filename: 'file.ts',
      code: "const startDate = project.createdAt || null;\nif (!startDate) return;\nconst timeToEvent = millisecondsToSeconds(Date.now() - startDate.getTime());\nawait this.onboardingStore.insertProjectEvent({ type: event.type, timeToEvent, project: project.project });",
      errors: [{ ...SKEW, severity: "info", line: 3, column: 43, endLine: 3, endColumn: 75 }],
    },
    {
      name: "an overdue threshold handed to a query as `olderThan`, with a grace window (trigger.dev watch sweep shape, injectable clock)",
      filename: 'file.ts',
      code: "const WATCH_DELIVERY_GRACE_MS = 5 * 60 * 1000;\nexport async function sweep(deps = {}) {\n  const now = deps.now?.() ?? new Date();\n  const owed = await listAwaitingDelivery({ olderThan: new Date(now.getTime() - WATCH_DELIVERY_GRACE_MS), limit });\n  for (const w of owed) await redeliver(w);\n}",
      errors: [{ ...SKEW, line: 4, column: 65, endLine: 4, endColumn: 104 }],
    },
    {
      name: "queue lag from a message stamp handed to something that acts on it (warning)",
      filename: 'file.ts',
      code: "const now = Date.now();\nthrottle.adjustForLag(now - msg.enqueued);",
      errors: [{ ...SKEW, line: 2, column: 23, endLine: 2, endColumn: 41 }],
    },
    {
      name: "the clock as a fallback chunk index",
      filename: 'file.ts',
      code: "const msg = { chunkIndex: chunk.index ?? Date.now(), data };",
      errors: [{ messageId: 'version', incidents: [], patterns: ['logical-clocks'], line: 1, column: 42, endLine: 1, endColumn: 52 }],
      output: null,
    },
    {
      name: "the clock as a fallback sequence",
      filename: 'file.ts',
      code: "const next = { seq: last?.seq || Date.now(), body };",
      errors: [{ messageId: 'version', incidents: [], line: 1, column: 34, endLine: 1, endColumn: 44 }],
    },
  ],
});
