// `git log` for the evidence pack and the report: commits since a time, with the shas their messages say
// they revert. Runs git without a shell; a directory that is not a repository, or a machine without git,
// is an answer (unavailable, with the reason), not an error.
import { execFile } from 'node:child_process';
import type { GitCommit, GitFacts } from '../../core/metrics/commits.ts';

export interface GitLogOptions {
  /** Epoch ms: commits at or after this (committer date). */
  since: number;
  /** At most this many commits, newest first; the rest are dropped and `truncated` says so. */
  maxCount?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const FIELD = '\x1f';
const RECORD = '\x1e';
const REVERTS = /This reverts commit ([0-9a-f]{7,64})/g;
const MAX_BUFFER = 64 * 1024 * 1024;

/** git in `dir` without a shell, a pager, prompts or the locale; 127 when git is not installed. */
export function runGit(
  dir: string,
  args: string[],
  opts: Pick<GitLogOptions, 'timeoutMs' | 'env'>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, ...args],
      {
        encoding: 'utf8',
        maxBuffer: MAX_BUFFER,
        timeout: opts.timeoutMs ?? 20_000,
        // No pager, no prompts, no locale-dependent output.
        env: { ...(opts.env ?? process.env), GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (e && e.code === 'ENOENT') resolve({ code: 127, stdout: '', stderr: 'git is not installed' });
        else resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

export function parseGitLog(stdout: string): GitCommit[] {
  const out: GitCommit[] = [];
  for (const record of stdout.split(RECORD)) {
    const text = record.replace(/^\n/, '');
    if (!text.trim()) continue;
    const [sha, ct, author, subject, body = ''] = text.split(FIELD);
    if (!sha || !ct || !/^[0-9a-f]{7,64}$/.test(sha)) continue;
    out.push({
      sha,
      at: Number(ct) * 1000,
      author: author ?? '',
      subject: subject ?? '',
      reverts: [...body.matchAll(REVERTS)].map((m) => m[1]!),
    });
  }
  return out;
}

export async function gitLog(dir: string, opts: GitLogOptions): Promise<GitFacts> {
  const inside = await runGit(dir, ['rev-parse', '--is-inside-work-tree'], opts);
  if (inside.code === 127) return { available: false, reason: 'git is not installed' };
  if (inside.code !== 0 || inside.stdout.trim() !== 'true')
    return { available: false, reason: 'not a git repository' };
  const max = opts.maxCount ?? 5000;
  const since = new Date(Math.max(0, opts.since)).toISOString();
  const r = await runGit(
    dir,
    [
      'log',
      // --exclude applies to the --all after it: stash entries are not history.
      '--exclude=refs/stash',
      '--all',
      `--since=${since}`,
      `--max-count=${max + 1}`,
      '--no-color',
      `--format=%H${FIELD}%ct${FIELD}%an${FIELD}%s${FIELD}%b${RECORD}`,
    ],
    opts,
  );
  if (r.code !== 0) {
    // A repository with no commit yet has nothing to log.
    if (/does not have any commits|bad default revision|unknown revision/.test(r.stderr))
      return { available: true, commits: [], truncated: false };
    return {
      available: false,
      reason: `git log failed: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`}`,
    };
  }
  const commits = parseGitLog(r.stdout);
  return { available: true, commits: commits.slice(0, max), truncated: commits.length > max };
}
