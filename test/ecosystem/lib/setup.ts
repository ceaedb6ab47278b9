/** `setup` (check the repositories out of /work/.mirror) and `setup-baseline` (the "before" analyzer). No network. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BASELINE_CLI, BASELINE_COMMIT, PROJECT_ROOT, REPOS_DIR, checkoutDir, expandDirs, loadRepos, repoMatches } from './common';

const git = (args: string[], cwd?: string) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export function setup(only: string[]): number {
  fs.mkdirSync(REPOS_DIR, { recursive: true });
  let failed = 0;
  for (const r of loadRepos().repos.filter(x => !only.length || repoMatches(x, only))) {
    const dest = checkoutDir(r.repo);
    try {
      if (!fs.existsSync(r.mirror)) throw new Error(`no mirror at ${r.mirror}: fetch it with the search tool's fetch (github:${r.repo})`);
      if (fs.existsSync(path.join(dest, '.git'))) {
        const head = git(['rev-parse', 'HEAD'], dest);
        const dirty = git(['status', '--porcelain', '--untracked-files=no'], dest);
        if (head === r.commit && !dirty) { report(r.repo, 'up to date', dest, r.dirs); continue; }
        git(['checkout', '--quiet', '--force', '--detach', r.commit], dest);
        report(r.repo, `checked out ${r.commit.slice(0, 10)}`, dest, r.dirs);
        continue;
      }
      fs.rmSync(dest, { recursive: true, force: true });
      // --shared: the checkout borrows the mirror's objects (no copy); the mirror itself is never written
      git(['clone', '--quiet', '--shared', '--no-checkout', r.mirror, dest]);
      git(['checkout', '--quiet', '--detach', r.commit], dest);
      report(r.repo, `cloned at ${r.commit.slice(0, 10)}`, dest, r.dirs);
    } catch (e) {
      failed++;
      process.stderr.write(`setup: ${r.repo}: ${(e as Error).message.trim()}\n`);
    }
  }
  return failed ? 1 : 0;
}

function report(repo: string, what: string, dest: string, dirs: string[]): void {
  const { paths, missing } = expandDirs(dest, dirs);
  process.stdout.write(`${repo.padEnd(34)} ${what.padEnd(24)} ${paths.length} source dirs${missing.length ? `; MISSING: ${missing.join(', ')}` : ''}\n`);
  if (missing.length) throw new Error(`dirs missing in the checkout: ${missing.join(', ')}`);
}

/** A second checkout of the project at the baseline commit, installed and built: `run --cli <it>` runs "before". */
export function setupBaseline(commit = BASELINE_COMMIT): number {
  const dest = BASELINE_CLI;
  if (!fs.existsSync(path.join(dest, '.git'))) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    git(['worktree', 'add', '--detach', dest, commit], PROJECT_ROOT);
  } else {
    git(['checkout', '--quiet', '--detach', commit], dest);
  }
  const step = (cmd: string, args: string[]) => {
    process.stdout.write(`setup-baseline: ${cmd} ${args.join(' ')} (in ${dest})\n`);
    const r = spawnSync(cmd, args, { cwd: dest, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  };
  step('npm', ['ci', '--no-audit', '--no-fund']);
  step('npm', ['run', 'build']);
  const head = git(['rev-parse', 'HEAD'], dest);
  process.stdout.write(`setup-baseline: ${dest} at ${head.slice(0, 10)}, dist/cli.js ${fs.existsSync(path.join(dest, 'dist', 'cli.js')) ? 'built' : 'MISSING'}\n`);
  return 0;
}
