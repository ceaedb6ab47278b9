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
    { name: "stamps kept in a Map are not followed", filename: 'file.js', code: "const nodes = new Map();\nfunction seen(id) { nodes.set(id, Date.now()); }\nsetInterval(() => {\n  const now = Date.now();\n  nodes.forEach((at, id) => { if (now - at > 10000) nodes.delete(id); });\n}, 5000);" },
    { name: "picking the freshest duplicate with a sort comparator is left alone", filename: 'file.ts', code: "const list = [...items].sort((a, b) => b.updatedAt - a.updatedAt);\nconst keeper = list[0];" },
  ],
  invalid: [
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
      errors: [{ messageId: 'lastWriteWins', line: 2, column: 23, endLine: 2, endColumn: 57 }],
      output: null,
    },
    {
      name: "last-write-wins through an accessor of the update stamp",
      filename: 'file.ts',
      code: "const editedAt = (r: Row) => Date.parse(r.edited);\nexport function mergeRows(into: Map<string, Row>, rows: Row[]) {\n  for (const row of rows) {\n    const prev = into.get(row.id);\n    if (!prev || editedAt(row) > editedAt(prev)) into.set(row.id, row);\n  }\n}",
      errors: [{ messageId: 'lastWriteWins', line: 5, column: 18, endLine: 5, endColumn: 48 }],
      output: null,
    },
    {
      name: "a resolver named `beats` (file with no Date at all)",
      filename: 'file.ts',
      code: "function beats(x: Entry, y: Entry): boolean {\n  return x.ts > y.ts;\n}",
      errors: [{ messageId: 'lastWriteWins', line: 2, column: 10, endLine: 2, endColumn: 21 }],
      output: null,
    },
    {
      name: "leader heartbeat judged through `now` and an intermediate variable",
      filename: 'file.ts',
      code: "setInterval(() => {\n  const now = Date.now();\n  const silentFor = now - cluster.leaderHeartbeatAt;\n  if (silentFor > ELECTION_TIMEOUT_MS) startElection();\n}, 1000);",
      errors: [{ messageId: 'leaseClock', line: 3, column: 21, endLine: 3, endColumn: 52 }],
      output: null,
    },
  ],
});
