/**
 * wall-clock-ordering: cases distilled from a real-code precision pass (docs/precision/wall-clock-ordering.md).
 * Written in our own words; each mirrors a false negative or a near miss seen in public code.
 */
import { ruleTester } from '../helpers/rule-tester';

ruleTester('wall-clock-ordering', {
  valid: [
    { name: "accessor comparison of file stamps is a build check on one machine", filename: 'file.ts', code: "if (modifiedTime(source) > modifiedTime(target)) rebuild();" },
    { name: "verdict variable only feeds a label", filename: 'file.ts', code: "const isNewer = a.updatedAt > b.updatedAt;\nlabel.textContent = isNewer ? 'newer' : 'older';" },
    { name: "throttle state on a constructor function (not a start-like name)", filename: 'file.js', code: "function Throttle(ms) { this.ms = ms; this.lastCall = 0; }\nThrottle.prototype.ok = function () {\n  const now = Date.now();\n  if (now - this.lastCall < this.ms) return false;\n  this.lastCall = now;\n  return true;\n};" },
    { name: "idle session check through a `now` variable", filename: 'file.ts', code: "const now = Date.now();\nif (now - session.lastSeen > IDLE_MS) logout();" },
    { name: "token refresh interval through an intermediate variable", filename: 'file.ts', code: "function refreshIfStale(tokenInfo: T) {\n  const now = Date.now();\n  const sinceRefresh = now - tokenInfo.lastRefresh;\n  if (sinceRefresh > REFRESH_MS) refresh();\n}" },
    { name: "picking the freshest duplicate with a sort comparator is left alone", filename: 'file.ts', code: "const list = [...items].sort((a, b) => b.updatedAt - a.updatedAt);\nconst keeper = list[0];" },
    // Round 2 (held-out sample)
    { name: "held-out: message id through consts, with randomness elsewhere in the function", filename: 'file.js', code: "function newMessageId() {\n  const rand = Math.random().toString(36).slice(2, 8);\n  const stamp = Date.now();\n  const messageId = `${rand}-${stamp}`;\n  return messageId;\n}" },
    { name: "held-out: one-time code age compared with its lifetime is an expiry check", filename: 'file.js', code: "function codeExpired(code) {\n  const issued = new Date(code.createdAt);\n  return Date.now() - issued.getTime() > CODE_LIFETIME_MS;\n}" },
    { name: "held-out: a `const now` that only feeds a stored expiry", filename: 'file.ts', code: "export function remember(key: string, value: unknown) {\n  const now = Date.now();\n  const expiresAt = now + TTL_MS;\n  store.put(key, { value, expiresAt });\n}" },
    { name: "held-out: unique suffix with randomness beside the time", filename: 'file.js', code: "const uniqueSuffix = Date.now() + '-' + Math.round(Math.random() * 1e9);\nsave(uniqueSuffix);" },
    { name: "held-out: a Date held in a const and shown is not followed as an id", filename: 'file.js', code: "const sentAt = new Date();\nconst label = sentAt;\nrender({ label });" },
    // Round 3 (held-out sample)
    { name: "round 3: a session-id maker that adds randomness to the time", filename: 'file.ts', code: "export const makeVisitId = (): string =>\n  `visit_${Date.now()}_${Math.random().toString(36).slice(2, 9)}`;" },
    { name: "round 3: a maker of cache keys is a cache-buster, not an id", filename: 'file.js', code: "function generateCacheKey(path) {\n  return path + ':' + Date.now();\n}" },
    { name: "round 3: a counter-backed id maker", filename: 'file.ts', code: "let last = 0;\nexport function nextRowId(): number {\n  last += 1;\n  return last;\n}" },
  ],
  invalid: [
    {
      // round 1 left this failure detector alone (stamps in a Map read back in a callback); RULES v2 follows them
      name: "stamps kept in a Map and judged in a callback: a staleness decision",
      filename: 'file.js',
      code: "const nodes = new Map();\nfunction seen(id) { nodes.set(id, Date.now()); }\nsetInterval(() => {\n  const now = Date.now();\n  nodes.forEach((at, id) => { if (now - at > 10000) nodes.delete(id); });\n}, 5000);",
      errors: [{ messageId: 'clockSkew', incidents: [], patterns: ['logical-clocks'], line: 5, column: 35, endLine: 5, endColumn: 43, severity: 'warning' }],
      output: null,
    },
    {
      name: "start time on a constructor function, read in a prototype method",
      filename: 'file.js',
      code: "function Timer(log) {\n  this.log = log;\n  this.startedAt = Date.now();\n}\nTimer.prototype.stop = function () {\n  this.log({ ms: Date.now() - this.startedAt });\n};",
      errors: [{ messageId: 'elapsed', line: 6, column: 18, endLine: 6, endColumn: 45, severity: 'info' }],
      output: null,
    },
    {
      name: "last-write-wins through a verdict variable that picks the record",
      filename: 'file.ts',
      code: "export function pick(mine: Doc, theirs: Doc): Doc {\n  const mineIsNewer = mine.updatedAt >= theirs.updatedAt;\n  return mineIsNewer ? mine : theirs;\n}",
      errors: [{ messageId: 'lastWriteWins', incidents: [], line: 2, column: 23, endLine: 2, endColumn: 57 }],
      output: null,
    },
    {
      name: "last-write-wins through an accessor of the update stamp",
      filename: 'file.ts',
      code: "const editedAt = (r: Row) => Date.parse(r.edited);\nexport function mergeRows(into: Map<string, Row>, rows: Row[]) {\n  for (const row of rows) {\n    const prev = into.get(row.id);\n    if (!prev || editedAt(row) > editedAt(prev)) into.set(row.id, row);\n  }\n}",
      errors: [{ messageId: 'lastWriteWins', incidents: [], line: 5, column: 18, endLine: 5, endColumn: 48 }],
      output: null,
    },
    {
      name: "a resolver named `beats` (file with no Date at all)",
      filename: 'file.ts',
      code: "function beats(x: Entry, y: Entry): boolean {\n  return x.ts > y.ts;\n}",
      errors: [{ messageId: 'lastWriteWins', incidents: [], line: 2, column: 10, endLine: 2, endColumn: 21 }],
      output: null,
    },
    {
      name: "leader heartbeat judged through `now` and an intermediate variable",
      filename: 'file.ts',
      code: "setInterval(() => {\n  const now = Date.now();\n  const silentFor = now - cluster.leaderHeartbeatAt;\n  if (silentFor > ELECTION_TIMEOUT_MS) startElection();\n}, 1000);",
      errors: [{ messageId: 'clockSkew', incidents: ['github-2018'], line: 3, column: 21, endLine: 3, endColumn: 52 }],
      output: null,
    },
    {
      name: "held-out: sequence number through a const holding the clock in seconds",
      filename: 'file.js',
      code: "export function frame(body) {\n  const nowSeconds = new Date() / 1000;\n  const sequence = Math.round(nowSeconds * 1000);\n  return JSON.stringify({ body, sequence });\n}",
      errors: [{ messageId: 'version', incidents: [], line: 2, column: 22, endLine: 2, endColumn: 32 }],
      output: null,
    },
    {
      name: "held-out: a variable named unique… built from the clock alone",
      filename: 'file.js',
      code: "const storage = makeStorage({\n  name(req, file, done) {\n    const uniqueName = Date.now() + '_' + file.originalname;\n    done(null, uniqueName);\n  },\n});",
      errors: [{ messageId: 'id', incidents: [], line: 3, column: 24, endLine: 3, endColumn: 34 }],
      output: "const storage = makeStorage({\n  name(req, file, done) {\n    const uniqueName = crypto.randomUUID() + '_' + file.originalname;\n    done(null, uniqueName);\n  },\n});",
    },
    {
      name: "held-out: an id taken from a `const now` read once",
      filename: 'file.ts',
      code: "export function addNote(list: Note[], text: string) {\n  const now = Date.now();\n  list.push({ id: now, text });\n}",
      errors: [{ messageId: 'id', incidents: [], line: 2, column: 15, endLine: 2, endColumn: 25 }],
      output: null,
    },
    // Round 3 (held-out sample)
    {
      name: "round 3: a qualified id maker returns the clock as text",
      filename: 'file.js',
      code: "export function makeTicketId() {\n  return Date.now().toString();\n}",
      errors: [{ messageId: 'id', incidents: [], line: 2, column: 10, endLine: 2, endColumn: 20 }],
      output: "export function makeTicketId() {\n  return crypto.randomUUID();\n}",
    },
    {
      name: "round 3: a snake_case id maker concatenates a prefix and the clock",
      filename: 'file.ts',
      code: "const new_session_id = (): string => {\n  return 'sess-' + Date.now();\n};",
      errors: [{ messageId: 'id', incidents: [], line: 2, column: 20, endLine: 2, endColumn: 30 }],
      output: "const new_session_id = (): string => {\n  return 'sess-' + crypto.randomUUID();\n};",
    },
  ],
});
