/**
 * Knowledge-base benchmark: index load time (median of ≥ 10 runs, target < 50 ms) and query time
 * (median over ≥ 200 varied queries, target < 1 ms).
 *
 *   node --import tsx bench/kb.ts [--index dist/kb.json]
 *
 * Uses dist/kb.json when present; otherwise builds the index from the repo into a temp file (and, if
 * the KB does not validate yet, indexes whatever entries load, so the numbers stay representative).
 * The last line of output is one JSON object: {"kbIndexLoadMs":…, "kbQueryMedianMs":…}.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadKnowledgeBase } from '../src/kb/load';
import { loadMarkdownDir } from '../src/kb/load';
import { buildLunrIndex, serialiseIndex, storedDocument, toDocument } from '../src/kb/indexer';
import { KB_FORMAT_VERSION, type KbIndexFile } from '../src/kb/types';
import { buildKb } from '../scripts/build-kb';

export interface KbBenchResult {
  kbIndexLoadMs: number;
  /** CPU time (user + system) of the same loads: less sensitive than wall time to a busy machine. */
  kbIndexLoadCpuMs: number;
  kbQueryMedianMs: number;
  kbQueryP95Ms: number;
  indexBytes: number;
  documents: number;
  queries: number;
  source: string;
}

const ROOT = path.join(__dirname, '..');

const QUERIES = [
  'jitter', 'Knight', 'leap second', 'idempotency', 'timeout', 'ebs', 'retry storm', 'backoff', 'deadline propagation',
  'monotonic clock', 'Date.now', 'performance.now', 'circuit breaker', 'bulkhead', 'load shedding', 'shuffle sharding',
  'cell', 'saga compensation', 'event sourcing', 'vector clock', 'hybrid logical clock', 'canary', 'rollout', 'config push',
  'metastable', 'thundering herd', 'DNS', 'BGP', 'regex', 'ReDoS', 'cache stampede', 'double charge', 'duplicate payments',
  'Twilio', 'Stripe', 'Spotify', 'DynamoDB', 'Kinesis thread', 'S3 typo', 'GitLab backup', 'CrowdStrike', 'Cloudflare',
  'jiter', 'idempotncy', 'timout', 'bakoff', 'idem', 'circ', 'meta', 'shuf', 'x', '2011', 'aws us-east-1',
  ':', '^', '~1', '+retry -jitter', 'title:jitter', '',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function resolveIndex(explicit?: string): Promise<{ file: string; source: string }> {
  if (explicit) return { file: path.resolve(explicit), source: explicit };
  const dist = path.join(ROOT, 'dist', 'kb.json');
  if (fs.existsSync(dist)) return { file: dist, source: 'dist/kb.json' };
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-')), 'kb.json');
  const res = await buildKb({ out: tmp, checkCode: false });
  if (res.ok) return { file: tmp, source: 'built from the repo' };
  // The KB does not validate yet (entries in progress): index what loads, for representative numbers.
  const entries = [
    ...loadMarkdownDir(path.join(ROOT, 'knowledge', 'incidents'), 'incident').entries,
    ...loadMarkdownDir(path.join(ROOT, 'knowledge', 'patterns'), 'pattern').entries,
  ];
  const documents = entries.map(toDocument);
  const file: KbIndexFile = { version: KB_FORMAT_VERSION, ...serialiseIndex(buildLunrIndex(documents)), documents: documents.map(storedDocument) };
  fs.writeFileSync(tmp, JSON.stringify(file));
  return { file: tmp, source: `unvalidated repo entries (${res.errors.length} validation errors)` };
}

export async function runKbBench(opts: { index?: string; loadRuns?: number; queryRounds?: number } = {}): Promise<KbBenchResult> {
  const { file, source } = await resolveIndex(opts.index);
  const loadRuns = Math.max(10, opts.loadRuns ?? 15);
  const loads: number[] = [];
  const cpu: number[] = [];
  let kb = loadKnowledgeBase({ indexJson: file, eager: true });
  for (let i = 0; i < loadRuns; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    kb = loadKnowledgeBase({ indexJson: file, eager: true }); // read + JSON.parse + lunr.Index.load
    loads.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  for (const q of QUERIES.slice(0, 10)) kb.search(q); // warm-up
  const rounds = Math.max(1, opts.queryRounds ?? Math.ceil(200 / QUERIES.length));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of QUERIES) {
      const t0 = performance.now();
      kb.search(q, { limit: 10 });
      times.push(performance.now() - t0);
    }
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    kbIndexLoadMs: round(median(loads)),
    kbIndexLoadCpuMs: round(median(cpu)),
    kbQueryMedianMs: round(median(times)),
    kbQueryP95Ms: round(percentile(times, 95)),
    indexBytes: fs.statSync(file).size,
    documents: kb.all().length,
    queries: times.length,
    source,
  };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--index');
  const r = await runKbBench({ index: i > 0 ? process.argv[i + 1] : undefined });
  const rows: [string, string, string][] = [
    ['index', `${r.documents} docs, ${(r.indexBytes / 1024).toFixed(0)} KiB`, r.source],
    ['index load (median of 15)', `${r.kbIndexLoadMs.toFixed(2)} ms`, r.kbIndexLoadMs < 50 ? 'OK (< 50 ms)' : 'OVER 50 ms target'],
    ['  CPU time of those loads', `${r.kbIndexLoadCpuMs.toFixed(2)} ms`, `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`],
    [`query median (${r.queries} queries)`, `${r.kbQueryMedianMs.toFixed(3)} ms`, r.kbQueryMedianMs < 1 ? 'OK (< 1 ms)' : 'OVER 1 ms target'],
    ['query p95', `${r.kbQueryP95Ms.toFixed(3)} ms`, ''],
  ];
  const w0 = Math.max(...rows.map(x => x[0].length));
  const w1 = Math.max(...rows.map(x => x[1].length));
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}\n`);
  process.stdout.write(JSON.stringify({ kbIndexLoadMs: r.kbIndexLoadMs, kbQueryMedianMs: r.kbQueryMedianMs }) + '\n');
}

if (require.main === module) {
  main().catch(e => {
    process.stderr.write(`bench/kb: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
