/**
 * `npm run fuzz -- --count N --seed S [--workers W] [--timeout-ms T] [--slow-ms M] [--out DIR] [--kb-ratio R] [--only I,J]`
 *
 * Seeded mutations of the project's own inputs (examples/, src/, the VS Code fixture workspace, the code in the
 * rule tests' tables, the knowledge base's markdown) plus the pathological shapes of issue 21 at the sizes it
 * reported (test/reliability/shapes.ts), each analysed in a child process (scripts/fuzz-worker.ts) the way the CLI
 * does, with a time limit. Reports crashes (uncaught errors, rule crashes, a child that died), inputs over --slow-ms
 * of CPU time (default 1000), the wall time of the run and the slowest inputs. Every failure is saved as a
 * reproducer (the input plus a .json with how it was made) under --out (default fuzz-out/, gitignored).
 *
 * The same seed gives the same inputs. `--only 8095,3626` runs only those inputs of the seed (made in order, the others
 * skipped): the stress shapes come back exactly; a mutated input does only while the corpus (the project's own
 * sources) is unchanged. Times are CPU times of the child (user + system) around one input, so a
 * loaded machine does not inflate them the way it inflates wall time; the time limit is wall time.
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { STRESS_SHAPES, trapText } from '../test/reliability/shapes';
import type { FuzzInput, FuzzOutcome } from './fuzz-worker';

const ROOT = path.dirname(__dirname);

// ------------------------------------------------------------------------------------------------ options

function options(argv: string[]) {
  const o = { count: 1000, seed: 1, workers: 2, timeoutMs: 20_000, slowMs: 1000, out: path.join(ROOT, 'fuzz-out'), kbRatio: 0.05, only: undefined as Set<number> | undefined };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split('=', 2);
    const v = inline ?? argv[++i];
    const num = () => { const n = Number(v); if (!Number.isFinite(n)) throw new Error(`${k} takes a number (got ${v})`); return n; };
    if (k === '--count') o.count = num();
    else if (k === '--seed') o.seed = num();
    else if (k === '--workers') o.workers = Math.max(1, num());
    else if (k === '--timeout-ms') o.timeoutMs = num();
    else if (k === '--slow-ms') o.slowMs = num();
    else if (k === '--kb-ratio') o.kbRatio = num();
    else if (k === '--out') o.out = path.resolve(v);
    else if (k === '--only') o.only = new Set(v.split(',').map(x => { const n = Number(x.replace(/^#/, '')); if (!Number.isInteger(n) || n < 0) throw new Error(`--only takes input numbers (got ${x})`); return n; }));
    else throw new Error(`unknown option ${k} (--count, --seed, --workers, --timeout-ms, --slow-ms, --kb-ratio, --out, --only)`);
  }
  // --only: the inputs of the seed are made in order up to the largest number asked for, and only those are run
  if (o.only) o.count = Math.max(...o.only) + 1;
  return o;
}

// ------------------------------------------------------------------------------------------------ random

/** mulberry32: small, fast, seeded. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

// ------------------------------------------------------------------------------------------------ corpus

function filesUnder(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist') out.push(...filesUnder(p, exts));
    else if (e.isFile() && exts.test(e.name)) out.push(p);
  }
  return out.sort();
}

function corpus(): { code: { name: string; text: string }[]; markdown: { name: string; text: string }[] } {
  const code: { name: string; text: string }[] = [];
  for (const f of [...filesUnder(path.join(ROOT, 'examples'), /\.[mc]?[jt]sx?$/), ...filesUnder(path.join(ROOT, 'src'), /\.ts$/), ...filesUnder(path.join(ROOT, 'test/vscode/fixtures'), /\.[jt]sx?$/)]) {
    code.push({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') });
  }
  // the code in the rule tests' tables: template literals of the test files
  for (const f of filesUnder(path.join(ROOT, 'test/rules'), /\.test\.ts$/)) {
    const src = fs.readFileSync(f, 'utf8');
    let i = 0;
    for (const m of src.matchAll(/`((?:[^`\\]|\\.){40,4000})`/g)) {
      if (!/[;{}()]/.test(m[1])) continue;
      code.push({ name: `${path.relative(ROOT, f)}#${i++}`, text: m[1].replace(/\\`/g, '`').replace(/\\\$/g, '$').replace(/\\\\/g, '\\') });
    }
  }
  const markdown = filesUnder(path.join(ROOT, 'knowledge'), /\.md$/).map(f => ({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));
  return { code, markdown };
}

// ------------------------------------------------------------------------------------------------ inputs

/**
 * The largest size the fuzzer makes of each shape: the sizes issue 21 reported (nested fetch 1,000, for/try 4,000,
 * Date.now() chain 8,000, await and arrows 30,000, fetch in a syntax error 25,000; the repro folder's async functions
 * 4,000 and calls 3,000); the other shapes at comparable file sizes.
 */
const MAX_SIZES: Record<string, number> = {
  'nested-fetch': 1000, 'nested-calls': 3000, 'for-try': 4000, 'datenow-chain': 8000, 'await-chain': 30000, 'arrows': 30000,
  'async-fns': 4000, 'syntax-error-fetch': 25000, 'error-statements-fetch': 10000, 'sibling-retries': 500, 'nested-arrays': 3000,
  'nested-objects': 3000, 'nested-parens': 3000, 'nested-ifs': 3000, 'nested-templates': 1000, 'binary-chain': 20000, 'member-chain': 5000,
  'jsx-like': 3000,
};

const TOKENS = [
  '{', '}', '(', ')', '[', ']', ';', ',', '`', '${', '"', "'", '/*', '*/', '//', '\n', '\r\n', '\r', '\u2028', '\uFEFF', '\t',
  'fetch(u)', 'await ', 'async ', 'Date.now()', 'new Date()', 'for(;;){', 'while (true) {', 'try{', '}catch(e){}', 'catch {', 'finally {',
  'function f(a, b) {', '() => ', 'async () => ', 'class A { m() {', 'return ', 'throw e;', 'break;', 'continue;', 'setTimeout(r, 1000)',
  'axios.get(u)', 'app.post("/x", async (req, res) => {', 'retry(', 'yield ', 'function* g() {', '<a>', '</a>', '<div>{x}</div>',
  'import x from "axios";', 'export default ', 'const x = ', 'let i = 0;', 'i++', '2 ** attempt', 'Math.random()', '?.', '??', '...',
  'as any', '<T>', ': string', '@Post()', '\\', '\uD800', '\u0000', 'if (', 'else ', 'switch (x) { case 1:',
];

function mutateText(r: Rng, text: string, donors: { text: string }[]): { text: string; ops: string[] } {
  const ops: string[] = [];
  let t = text;
  const n = 1 + r.int(4);
  for (let k = 0; k < n; k++) {
    const at = r.int(t.length + 1);
    const len = Math.min(t.length - at, r.int(200));
    switch (r.int(9)) {
      case 0: ops.push(`delete ${at}+${len}`); t = t.slice(0, at) + t.slice(at + len); break;
      case 1: { const tok = r.pick(TOKENS); const times = r.chance(0.1) ? 1 + r.int(2000) : 1 + r.int(3); ops.push(`insert ${JSON.stringify(tok)}x${times} @${at}`); t = t.slice(0, at) + tok.repeat(times) + t.slice(at); break; }
      case 2: { const times = 2 + r.int(r.chance(0.2) ? 500 : 5); ops.push(`repeat ${at}+${len} x${times}`); t = t.slice(0, at) + t.slice(at, at + len).repeat(times) + t.slice(at + len); break; }
      case 3: { const d = r.pick(donors).text; const s = r.int(d.length + 1); const piece = d.slice(s, s + r.int(2000)); ops.push(`splice donor ${piece.length} @${at}`); t = t.slice(0, at) + piece + t.slice(at); break; }
      case 4: { const depth = 1 + r.int(r.chance(0.2) ? 1500 : 20); const [o, c] = r.pick([['(', ')'], ['[', ']'], ['{', '}'], ['fetch(', ')'], ['() => (', ')'], ['await (', ')'], ['{ a: ', ' }']]); ops.push(`wrap ${at}+${len} in ${o}${c} x${depth}`); t = t.slice(0, at) + o.repeat(depth) + t.slice(at, at + len) + c.repeat(depth) + t.slice(at + len); break; }
      case 5: ops.push(`truncate @${at}`); t = t.slice(0, at); break;
      case 6: { const b = r.int(t.length + 1); const [x, y] = at < b ? [at, b] : [b, at]; ops.push(`swap halves ${x}..${y}`); t = t.slice(0, x) + t.slice(y) + t.slice(x, y); break; }
      case 7: { const eol = r.pick(['\r\n', '\r', '\n\n']); ops.push(`line endings -> ${JSON.stringify(eol)}`); t = t.replace(/\r?\n/g, eol); break; }
      default: { const shape = r.pick(Object.keys(STRESS_SHAPES)); const size = 1 + r.int(300); ops.push(`embed ${shape}(${size}) @${at}`); t = t.slice(0, at) + STRESS_SHAPES[shape](size) + t.slice(at); }
    }
  }
  return { text: t, ops };
}

function makeInput(id: number, r: Rng, c: ReturnType<typeof corpus>, kbRatio: number): FuzzInput {
  const ext = r.pick(['.ts', '.ts', '.ts', '.tsx', '.js', '.mjs']);
  const fix = r.chance(0.15);
  if (r.chance(kbRatio)) {
    const base = r.pick(c.markdown);
    const hostile = r.pick([
      () => ({ text: base.text + '\n' + '>'.repeat(1 + r.int(3000)) + ' quote\n', label: 'nested quotes' }),
      () => ({ text: base.text + '\n' + Array.from({ length: 1 + r.int(700) }, (_, i) => `${'  '.repeat(i)}- item`).join('\n') + '\n', label: 'nested lists' }),
      () => ({ text: base.text + '\n' + 'lorem ipsum dolor sit amet '.repeat(r.int(40000)) + '\n', label: 'long body' }),
      () => ({ text: base.text + '\n```ts\n' + trapText(1000 + r.int(3000), r.chance(0.5) ? '\n' : '') + '```\n', label: 'trap code block' }),
      () => ({ text: base.text.replace(/\n## /, '\n\u001b]0;title\u0007\u001b[2J## '), label: 'escapes' }),
      () => { const m = mutateText(r, base.text, c.markdown); return { text: m.text, label: m.ops.join('; ') }; },
    ])();
    return { id, kind: 'kb', ext: '.md', text: hostile.text, fix: false, label: `kb ${base.name}: ${hostile.label}` };
  }
  const roll = r.next();
  if (roll < 0.12) {
    const shape = r.pick(Object.keys(STRESS_SHAPES));
    const max = MAX_SIZES[shape] ?? 1000;
    const size = r.chance(0.3) ? max : 1 + r.int(max);
    return { id, kind: 'code', ext, text: STRESS_SHAPES[shape](size), fix, label: `shape ${shape}(${size})` };
  }
  if (roll < 0.14) {
    const n = 500 + r.int(3000);
    return { id, kind: 'code', ext, text: trapText(n, r.chance(0.5) ? '\n' : ''), fix, label: `trap ${n}` };
  }
  const base = r.pick(c.code);
  const m = mutateText(r, base.text, c.code);
  return { id, kind: 'code', ext, text: m.text, fix, label: `${base.name}: ${m.ops.join('; ')}` };
}

// ------------------------------------------------------------------------------------------------ children

interface Child { proc: ChildProcess; busy?: { input: FuzzInput; timer: NodeJS.Timeout; resolve: (o: FuzzOutcome) => void }; served: number; ready: Promise<void> }

function startChild(onExit: (c: Child, why: string) => void): Child {
  const proc = fork(path.join(__dirname, 'fuzz-worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  proc.stderr?.on('data', d => { stderr = (stderr + String(d)).slice(-4000); });
  const child: Child = { proc, served: 0, ready: new Promise(res => proc.once('message', () => res())) };
  proc.on('message', (m: FuzzOutcome | { ready: true }) => {
    if ('ready' in m || !child.busy) return;
    const b = child.busy;
    child.busy = undefined;
    clearTimeout(b.timer);
    b.resolve(m);
  });
  proc.on('exit', (code, signal) => onExit(child, `exited (code ${code}, signal ${signal})${stderr ? `: ${stderr.trim().split('\n').slice(-6).join(' | ')}` : ''}`));
  return child;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const r = rng(o.seed);
  const c = corpus();
  fs.mkdirSync(o.out, { recursive: true });
  const t0 = performance.now();
  const outcomes: { input: FuzzInput; out: FuzzOutcome }[] = [];
  let crashes = 0, hangs = 0, slow = 0, handled = 0;
  const save = (kind: string, input: FuzzInput, out: FuzzOutcome | { error: string }) => {
    const base = path.join(o.out, `${kind}-seed${o.seed}-${input.id}`);
    fs.writeFileSync(base + input.ext, input.text);
    fs.writeFileSync(base + '.json', JSON.stringify({ kind, seed: o.seed, id: input.id, label: input.label, fix: input.fix, ext: input.ext, ...out }, null, 2));
  };

  const children: Child[] = [];
  const onExit = (child: Child, why: string) => {
    const i = children.indexOf(child);
    if (i >= 0) children[i] = startChild(onExit);
    const b = child.busy;
    if (b) { clearTimeout(b.timer); b.resolve({ id: b.input.id, cpuMs: NaN, wallMs: NaN, crash: `the child process ${why}`, notices: [], findings: 0, restarts: 0 }); }
  };
  for (let i = 0; i < o.workers; i++) children.push(startChild(onExit));

  const run = (child: Child, input: FuzzInput) => new Promise<FuzzOutcome>(resolve => {
    const timer = setTimeout(() => {
      child.busy = undefined;
      // resolved once the replacement child is in place (onExit runs first)
      child.proc.once('exit', () => resolve({ id: input.id, cpuMs: NaN, wallMs: o.timeoutMs, crash: `hang: over the ${o.timeoutMs} ms time limit`, notices: [], findings: 0, restarts: 0 }));
      child.proc.kill('SIGKILL');
    }, o.timeoutMs);
    child.busy = { input, timer, resolve };
    child.proc.send(input);
  });

  let nextId = 0;
  const inputs = function* () {
    while (nextId < o.count) {
      const input = makeInput(nextId++, r, c, o.kbRatio);
      if (!o.only || o.only.has(input.id)) yield input;
    }
  }();
  const total = o.only ? o.only.size : o.count;
  const lane = async (slot: number) => {
    for (let it = inputs.next(); !it.done; it = inputs.next()) {
      const input = it.value;
      let child = children[slot];
      await child.ready;
      // a fresh child now and then (memory)
      if (child.served++ >= 400) { const exited = new Promise(res => child.proc.once('exit', res)); child.proc.kill(); await exited; child = children[slot]; await child.ready; }
      const out = await run(child, input);
      outcomes.push({ input, out });
      if (out.crash) { out.crash.startsWith('hang') ? hangs++ : crashes++; save(out.crash.startsWith('hang') ? 'hang' : 'crash', input, out); }
      else if (out.cpuMs > o.slowMs) { slow++; save('slow', input, out); }
      if (out.notices.length) handled++;
      const done = outcomes.length;
      if (done % 250 === 0 || done === total) process.stderr.write(`fuzz: ${done}/${total} inputs, ${crashes} crashes, ${hangs} hangs, ${slow} over ${o.slowMs} ms, ${Math.round((performance.now() - t0) / 1000)} s\n`);
    }
  };
  await Promise.all(children.map((_, i) => lane(i)));
  for (const ch of children) { ch.proc.removeAllListeners('exit'); ch.proc.kill(); }

  const wall = (performance.now() - t0) / 1000;
  const slowest = [...outcomes].filter(x => Number.isFinite(x.out.cpuMs)).sort((a, b) => b.out.cpuMs - a.out.cpuMs).slice(0, 10);
  const kinds = new Map<string, number>();
  for (const { out } of outcomes) for (const n of out.notices) {
    const k = /tree-sitter crashed/.test(n) ? 'file skipped: parser crash' : /parse of (it|the fixed text) ran over/.test(n) ? 'parse over its budget' : /time budget/.test(n) ? 'rule over its time budget' : /nesting too deep/.test(n) ? 'rule out of stack' : /nested more than|larger than/.test(n) ? 'postmortem over a limit' : /does not parse/.test(n) ? 'postmortem code does not parse' : 'other notice';
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const lines = [
    `fuzz: seed ${o.seed}, ${outcomes.length} inputs (${outcomes.filter(x => x.input.kind === 'kb').length} postmortems), ${o.workers} child processes, time limit ${o.timeoutMs} ms`,
    `crashes: ${crashes}`,
    `hangs (over the time limit): ${hangs}`,
    `inputs over ${o.slowMs} ms CPU: ${slow}`,
    `wall time: ${wall.toFixed(1)} s`,
    `inputs with notices: ${handled} (${[...kinds].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'})`,
    'slowest inputs (CPU ms, wall ms, input):',
    ...slowest.map(({ input, out }) => `  ${out.cpuMs.toFixed(0).padStart(6)} ${out.wallMs.toFixed(0).padStart(6)}  #${input.id} ${input.ext} ${input.fix ? '--fix ' : ''}${input.label.slice(0, 150)}`),
    crashes + hangs + slow ? `reproducers: ${path.relative(process.cwd(), o.out) || '.'}/` : '',
  ].filter(Boolean);
  process.stdout.write(lines.join('\n') + '\n');
  process.exitCode = crashes + hangs ? 1 : 0;
}

void main();
