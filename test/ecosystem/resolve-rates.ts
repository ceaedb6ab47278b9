/**
 * Module-resolution rates on real checkouts (evidence for src/project/resolve.ts; not part of `npm test`).
 *
 *   node --import tsx test/ecosystem/resolve-rates.ts [--compare] [-v] <checkout dir>...
 *
 * For every import/export-from/require/import() specifier of every tracked source file (git ls-files; .d.ts excluded),
 * it reports how many of the project-internal ones (kind relative, alias, workspace) resolve to an existing source
 * file. Specifiers naming assets (.css, .svg, .json, ?raw, ...) are counted apart. `--compare` also asks TypeScript's
 * own resolver (ts.resolveModuleName with the nearest tsconfig's options) for the relative and alias specifiers and
 * counts agreements; TypeScript cannot resolve workspace packages in a checkout without node_modules, so those are
 * not compared. `-v` lists the most frequent misses.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ModuleResolver, SpecifierKind } from '../../src/project/resolve';

const ASSET = /\.(?:css|scss|sass|less|styl|svg|png|jpe?g|gif|webp|avif|ico|bmp|json5?|ya?ml|graphql|gql|md|mdx|html?|txt|vue|svelte|astro|wasm|node|woff2?|ttf|otf|eot|mp3|mp4|webm|wav|csv|sql|hbs|ejs|pug|handlebars|toml|xml|pdf|zip|prisma|lottie|riv)$/i;
const INTERNAL: SpecifierKind[] = ['relative', 'alias', 'workspace'];

const args = process.argv.slice(2);
const compare = args.includes('--compare');
const verbose = args.includes('-v');
const dirs = args.filter(a => !a.startsWith('-')).map(d => path.resolve(d));
if (!dirs.length) {
  console.error('usage: node --import tsx test/ecosystem/resolve-rates.ts [--compare] [-v] <checkout dir>...');
  process.exit(2);
}

const parseHost: ts.ParseConfigHost = { useCaseSensitiveFileNames: true, readDirectory: () => [], fileExists: ts.sys.fileExists, readFile: ts.sys.readFile };
function tsOptionsFor(dir: string, cache: Map<string, ts.CompilerOptions>): ts.CompilerOptions {
  for (let d = dir; ; d = path.dirname(d)) {
    for (const n of ['tsconfig.json', 'jsconfig.json']) {
      const f = path.join(d, n);
      if (!fs.existsSync(f)) continue;
      let o = cache.get(f);
      if (!o) {
        const j = ts.readConfigFile(f, ts.sys.readFile);
        o = { ...ts.parseJsonConfigFileContent(j.config ?? {}, parseHost, d, undefined, f).options, allowJs: true };
        if (!o.moduleResolution || o.moduleResolution === ts.ModuleResolutionKind.Classic) {
          o.moduleResolution = ts.ModuleResolutionKind.Bundler;
          o.module = ts.ModuleKind.ESNext;
        }
        cache.set(f, o);
      }
      return o;
    }
    if (path.dirname(d) === d) return { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, allowJs: true };
  }
}

const pct = (ok: number, all: number) => `${ok}/${all} ${((100 * ok) / Math.max(1, all)).toFixed(1)}%`;
const total = { internal: 0, resolved: 0 };
for (const root of dirs) {
  const files = execFileSync('git', ['-C', root, 'ls-files'], { maxBuffer: 1 << 28 })
    .toString()
    .split('\n')
    .filter(f => /\.(?:[cm]?[tj]s|[tj]sx)$/.test(f) && !/\.d\.[cm]?ts$/.test(f) && !f.includes('node_modules/'))
    .map(f => path.join(root, f));
  const resolver = new ModuleResolver({ roots: [root] });
  const counts = new Map<SpecifierKind, [number, number]>();
  const misses = new Map<string, number>();
  const tsCache = new Map<string, ts.CompilerOptions>();
  const cmp = { same: 0, differ: 0, onlyOurs: 0, onlyTs: 0 };
  const differences: string[] = [];
  let assets = 0;
  let declarations = 0;
  // phase 1: the specifiers (reading and scanning files is not the resolver's cost)
  const pairs: [string, string][] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (ASSET.test(spec.replace(/[?#].*$/, '')) || /\?(?:raw|url|react|worker|inline)\b/.test(spec)) assets++;
      else pairs.push([file, spec]);
    }
  }
  // phase 2: resolve them all with a cold resolver, timed in CPU time (the machine is shared: wall time is noise)
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const results = pairs.map(([file, spec]) => resolver.resolveDetailed(file, spec));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  for (let i = 0; i < pairs.length; i++) {
    const [file, spec] = pairs[i];
    const r = results[i];
    const c = counts.get(r.kind) ?? [0, 0];
    counts.set(r.kind, c);
    c[0]++;
    if (r.path) {
      c[1]++;
      if (r.path.endsWith('.d.ts')) declarations++;
    } else if (INTERNAL.includes(r.kind)) {
      misses.set(`${r.kind} ${spec}`, (misses.get(`${r.kind} ${spec}`) ?? 0) + 1);
    }
    if (compare && (r.kind === 'relative' || r.kind === 'alias')) {
      const t = ts.resolveModuleName(spec, file, tsOptionsFor(path.dirname(file), tsCache), ts.sys).resolvedModule?.resolvedFileName;
      const theirs = t && !t.includes('/node_modules/') ? path.resolve(t) : undefined;
      if (r.path && theirs) {
        if (path.resolve(r.path) === theirs) cmp.same++;
        else {
          cmp.differ++;
          differences.push(`${path.relative(root, file)} '${spec}': ours ${path.relative(root, r.path)}, TypeScript ${path.relative(root, theirs)}`);
        }
      } else if (r.path) cmp.onlyOurs++;
      else if (theirs) {
        cmp.onlyTs++;
        differences.push(`${path.relative(root, file)} '${spec}': ours -, TypeScript ${path.relative(root, theirs)}`);
      }
    }
  }
  const internal = INTERNAL.reduce((a, k) => a + (counts.get(k)?.[0] ?? 0), 0);
  const resolved = INTERNAL.reduce((a, k) => a + (counts.get(k)?.[1] ?? 0), 0);
  total.internal += internal;
  total.resolved += resolved;
  const kind = (k: SpecifierKind) => (counts.get(k) ? pct(counts.get(k)![1], counts.get(k)![0]) : '-');
  console.log(
    `${path.basename(root)}: ${files.length} files; project-internal specifiers resolved ${pct(resolved, internal)} ` +
      `(relative ${kind('relative')}, alias ${kind('alias')}, workspace ${kind('workspace')}; ${declarations} to a .d.ts); ` +
      `external ${counts.get('external')?.[0] ?? 0}, builtin ${counts.get('builtin')?.[0] ?? 0}, other ${counts.get('other')?.[0] ?? 0}, assets ${assets}; ` +
      `resolver (cold, ${pairs.length} calls) ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (${wallMs.toFixed(0)} ms wall), ${resolver.configFiles().length} config files` +
      (compare ? `; vs TypeScript: same ${cmp.same}, differ ${cmp.differ}, only ours ${cmp.onlyOurs}, only TypeScript ${cmp.onlyTs}` : ''),
  );
  if (verbose) {
    for (const [k, n] of [...misses].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`    miss ${n}x ${k}`);
    for (const d of differences.slice(0, 30)) console.log(`    diff ${d}`);
  }
}
if (dirs.length > 1) console.log(`all: project-internal specifiers resolved ${pct(total.resolved, total.internal)}`);
