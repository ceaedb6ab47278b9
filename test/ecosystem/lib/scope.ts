/**
 * `check-scope`: how the CLI's file discovery behaves on the whole checkouts (not only the chosen dirs): default
 * excludes, .gitignore, size limit and the generated-file check, against what git tracks. Prints what looks odd.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDES, generatedReason, readSourceFile } from '../../../src/core/files';
import { languageForPath } from '../../../src/core/parser';
import { checkoutDir, loadRepos, repoMatches } from './common';
import { discover } from './run';

/** Test-like, story, mock and tooling paths that RULES v2 puts out of scope (or that look like it). */
const TEST_LIKE: [string, RegExp][] = [
  ['*.<word>test.* / .e2e. / .itest.', /\.(\w+test|e2e|itest)\.[cm]?[jt]sx?$/i],
  ['*.stories.*', /\.stories\.[cm]?[jt]sx?$/],
  ['__e2e__/ mocks/ __mocks__/', /(^|\/)(__e2e__|mocks)\//],
  ['integration-tests/ / test-utils/ / testing/ / spec/', /(^|\/)(integration[-_]tests?|test[-_]utils|testing|spec|specs|cypress|playwright)\//],
  ['*.mock.* / *.fixture.*', /\.(mock|mocks|fixture|fixtures)\.[cm]?[jt]sx?$/],
  ['storybook / examples / seeds / scripts', /(^|\/)(\.storybook|storybook|examples?|seeds?|seeder|scripts)\//],
];

export function checkScope(only: string[]): number {
  const defaults = picomatch(DEFAULT_EXCLUDES, { dot: true });
  for (const r of loadRepos().repos.filter(x => !only.length || repoMatches(x, only))) {
    const root = checkoutDir(r.repo);
    if (!fs.existsSync(root)) { process.stdout.write(`${r.repo}: no checkout\n`); continue; }
    const tracked = execFileSync('git', ['-c', 'core.quotepath=off', 'ls-files'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').filter(f => f && languageForPath(f));
    const found = new Set(discover(root, ['.']));
    const trackedSet = new Set(tracked);
    const untrackedFound = [...found].filter(f => !trackedSet.has(f));
    const notFound = tracked.filter(f => !found.has(f));
    const byDefault = notFound.filter(f => defaults(f));
    const byIgnore = notFound.filter(f => !defaults(f));
    const lines: string[] = [];
    lines.push(`${r.repo}: ${tracked.length} tracked source files, ${found.size} discovered from the root (default excludes on), ${byDefault.length} left out by default excludes, ${byIgnore.length} tracked files left out by .gitignore rules`);
    if (byIgnore.length) lines.push(`  tracked but ignored (.gitignore): ${summarizeDirs(byIgnore)}`);
    if (untrackedFound.length) lines.push(`  discovered but not tracked: ${untrackedFound.slice(0, 5).join(', ')}`);
    for (const [what, re] of TEST_LIKE) {
      const hits = [...found].filter(f => re.test(f));
      if (hits.length) lines.push(`  not excluded, ${what}: ${hits.length} (${summarizeDirs(hits)})`);
    }
    let big = 0, gen = 0, binary = 0;
    const bigEx: string[] = [], genEx: string[] = [];
    for (const f of found) {
      const rd = readSourceFile(path.join(root, f), 1_000_000);
      if (!rd.ok) { if (/larger/.test(rd.reason)) { big++; bigEx.push(f); } else binary++; continue; }
      if (generatedReason(rd.text)) { gen++; genEx.push(f); }
    }
    if (big) lines.push(`  over the 1 MB limit: ${big} (${bigEx.slice(0, 4).join(', ')})`);
    if (gen) lines.push(`  skipped as generated/minified: ${gen} (${genEx.slice(0, 4).join(', ')}${gen > 4 ? ', …' : ''})`);
    if (binary) lines.push(`  unreadable / binary / not UTF-8: ${binary}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return 0;
}

function summarizeDirs(files: string[]): string {
  const m = new Map<string, number>();
  for (const f of files) { const d = f.split('/').slice(0, 3).join('/'); m.set(d, (m.get(d) ?? 0) + 1); }
  const top = [...m].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([d, n]) => `${d} ${n}`);
  return top.join(', ') + (m.size > 4 ? `, … ${m.size - 4} more dirs` : '');
}
