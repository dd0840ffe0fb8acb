import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitLog, parseGitLog } from '../../../src/adapters/git/log.ts';
import { tempProject } from '../../e2e/bin.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const dir = tempProject('agent-sre-gitlog-');
  made.push(dir);
  return dir;
}

function git(dir: string, args: string[], iso: string) {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
      GIT_AUTHOR_DATE: iso,
      GIT_COMMITTER_DATE: iso,
    },
  }).trim();
}

// Temp dirs inside another repository must not see its history.
const env = (dir: string) => ({ ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) });

describe('gitLog', () => {
  it('lists commits since a time with their committer time and the shas they revert', async () => {
    const dir = repo();
    git(dir, ['init', '-q', '-b', 'main'], '2026-03-01T00:00:00Z');
    writeFileSync(join(dir, 'a.txt'), '1\n');
    git(dir, ['add', '-A'], '2026-03-01T10:00:00Z');
    git(dir, ['commit', '-q', '-m', 'old'], '2026-03-01T10:00:00Z');
    writeFileSync(join(dir, 'a.txt'), '2\n');
    git(dir, ['commit', '-q', '-am', 'feat: two'], '2026-03-05T10:00:00Z');
    const sha = git(dir, ['rev-parse', 'HEAD'], '2026-03-05T10:00:00Z');
    git(dir, ['revert', '--no-edit', sha], '2026-03-06T09:30:15Z');
    const r = await gitLog(dir, { since: Date.parse('2026-03-02T00:00:00Z'), env: env(dir) });
    expect(r).toMatchObject({ available: true, truncated: false });
    if (!r.available) return;
    expect(r.commits.map((c) => [c.subject, c.at])).toEqual([
      ['Revert "feat: two"', Date.parse('2026-03-06T09:30:15Z')],
      ['feat: two', Date.parse('2026-03-05T10:00:00Z')],
    ]);
    expect(r.commits[0]!.reverts).toEqual([sha]);
    expect(r.commits[1]!.author).toBe('Dev');
    const cut = await gitLog(dir, { since: 0, maxCount: 2, env: env(dir) });
    expect(cut).toMatchObject({ available: true, truncated: true });
  });

  it('says why when there is no history to read', async () => {
    const plain = repo();
    expect(await gitLog(plain, { since: 0, env: env(plain) })).toEqual({
      available: false,
      reason: 'not a git repository',
    });
    const empty = repo();
    git(empty, ['init', '-q', '-b', 'main'], '2026-03-01T00:00:00Z');
    expect(await gitLog(empty, { since: 0, env: env(empty) })).toEqual({
      available: true,
      commits: [],
      truncated: false,
    });
    const missing = join(repo(), 'nope');
    expect((await gitLog(missing, { since: 0, env: env(missing) })).available).toBe(false);
  });

  it('parses records whose message bodies hold blank lines and revert lines', () => {
    const sha = 'a'.repeat(40);
    const out = `${'b'.repeat(40)}\x1f1773000000\x1fAna\x1fRevert "x"\x1fThis reverts commit ${sha}.\n\nwhy\x1e\n`;
    expect(parseGitLog(out)).toEqual([
      { sha: 'b'.repeat(40), at: 1773000000000, author: 'Ana', subject: 'Revert "x"', reverts: [sha] },
    ]);
  });
});
