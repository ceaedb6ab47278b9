/**
 * Changed-files mode: which files to report on (`--since <ref>`, `--changed`, `--staged`). Analysis still covers the
 * whole project (project facts and the project layer's cross-file summaries come from every file); only the files
 * returned here are reported.
 *   --since <ref>  files that differ between the merge base of HEAD and <ref> and the working tree (committed,
 *                  staged and unstaged changes), plus untracked files that are not ignored;
 *   --changed      the same against the default branch: origin/HEAD, else main, else master (local or origin/);
 *   --staged       files in the index that differ from HEAD (what `git commit` would record).
 * Deleted files are left out. Paths are absolute.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export class GitError extends Error {}

function git(args: string[], cwd: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  if (r.error) throw new GitError(`cannot run git (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`);
  return { ok: r.status === 0, out: r.stdout, err: r.stderr.trim() };
}

function must(args: string[], cwd: string, what: string): string {
  const r = git(args, cwd);
  if (!r.ok) throw new GitError(`${what}: ${r.err.split('\n')[0] || `git ${args[0]} failed`}`);
  return r.out;
}

export function gitRoot(cwd: string): string {
  const r = git(['rev-parse', '--show-toplevel'], cwd);
  if (!r.ok) throw new GitError(`not in a git repository (${cwd}); --since, --changed and --staged compare with git`);
  return path.resolve(r.out.trim());
}

const verify = (ref: string, cwd: string) => git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd).ok;

/** The default branch: origin/HEAD's target, else main, else master (local branches first, then origin/). */
export function defaultBranch(cwd: string): string {
  const head = git(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], cwd);
  if (head.ok && head.out.trim()) return head.out.trim().replace(/^refs\/remotes\//, '');
  for (const b of ['main', 'master', 'origin/main', 'origin/master']) if (verify(b, cwd)) return b;
  throw new GitError('cannot tell the default branch (no origin/HEAD, main or master); name it with --since <ref>');
}

const split0 = (s: string) => s.split('\0').filter(Boolean);

export type ChangedMode = { since: string } | { changed: true } | { staged: true };

export interface ChangedFiles { files: Set<string>; description: string }

export function changedFiles(mode: ChangedMode, cwd: string): ChangedFiles {
  const root = gitRoot(cwd);
  const abs = (names: string[]) => new Set(names.map(n => path.join(root, n)));
  if ('staged' in mode) {
    const names = split0(must(['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=d'], root, 'git diff --cached'));
    return { files: abs(names), description: 'staged files' };
  }
  const ref = 'since' in mode ? mode.since : defaultBranch(root);
  if (!verify(ref, root)) throw new GitError(`unknown git revision "${ref}"`);
  const base = must(['merge-base', 'HEAD', ref], root, `no merge base between HEAD and ${ref}`).trim();
  const changed = split0(must(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', base], root, 'git diff'));
  const untracked = split0(must(['ls-files', '--others', '--exclude-standard', '-z'], root, 'git ls-files'));
  return { files: abs([...changed, ...untracked]), description: `files changed since ${ref}` };
}
