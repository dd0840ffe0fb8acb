import { describe, expect, it } from 'vitest';
import {
  changeFailure,
  type GitCommit,
  type GitFacts,
  sessionCommits,
} from '../../../src/core/metrics/commits.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';

const S = Date.UTC(2026, 2, 12, 2, 0, 0);
const sec = (n: number) => S + n * 1000;

function ev(ts: number, over: Partial<LedgerEvent>): LedgerEvent {
  return {
    v: 1,
    ts,
    sessionId: 's1',
    event: 'PreToolUse',
    tool: 'Bash',
    toolUseId: null,
    agentId: null,
    tier: 1,
    verdict: 'allow',
    rule: null,
    reason: null,
    effects: [],
    durationMs: null,
    input: null,
    ...over,
  };
}

const bash = (
  id: string,
  pre: number,
  post: number,
  command: string,
  ok = true,
  response?: unknown,
): LedgerEvent[] => [
  ev(pre, { toolUseId: id, input: JSON.stringify({ command }) }),
  ev(post, {
    event: ok ? 'PostToolUse' : 'PostToolUseFailure',
    toolUseId: id,
    input: JSON.stringify(response ? { command, gitOperation: response } : { command }),
  }),
];

const commit = (sha: string, at: number, subject: string, reverts: string[] = []): GitCommit => ({
  sha: sha.padEnd(40, '0'),
  at,
  author: 'Dev',
  subject,
  reverts,
});

const git = (commits: GitCommit[]): GitFacts => ({ available: true, commits, truncated: false });
const window = { startedAt: S, endAt: sec(3600) };

describe('sessionCommits', () => {
  it("attributes a commit to the agent when it lands inside one of the agent's git calls", () => {
    const events = bash('t1', sec(100) + 400, sec(103), 'git add -A && git commit -m "fix"');
    const log = git([commit('aaaa111', sec(101), 'fix'), commit('bbbb222', sec(500), 'human work')]);
    const list = sessionCommits(window, events, log);
    expect(list.map((c) => [c.sha.slice(0, 7), c.source])).toEqual([
      ['aaaa111', 'command'],
      ['bbbb222', 'window'],
    ]);
    // The call started mid-second; git's whole-second date still counts.
    const edge = sessionCommits(window, events, git([commit('cccc333', sec(100), 'x')]));
    expect(edge[0]!.source).toBe('command');
  });

  it('takes commits the hook reported even when git log cannot be read', () => {
    const events = bash('t1', sec(10), sec(12), 'git commit -am wip', true, {
      commit: { sha: 'abc1234', kind: 'committed', branch: 'feat' },
    });
    const list = sessionCommits(window, events, { available: false, reason: 'not a git repository' });
    expect(list).toEqual([
      expect.objectContaining({ sha: 'abc1234', source: 'hook', branch: 'feat', subject: null, at: sec(12) }),
    ]);
  });

  it('merges the hook report with the git entry by sha prefix', () => {
    const events = bash('t1', sec(10), sec(12), 'git commit -am wip', true, { commit: { sha: 'abc1234' } });
    const list = sessionCommits(window, events, git([commit('abc1234', sec(11), 'wip')]));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ source: 'hook', subject: 'wip', at: sec(11) });
  });

  it('a commit is failed when a later commit reverts it (by sha or by subject)', () => {
    const events = [
      ...bash('t1', sec(10), sec(12), 'git commit -m a'),
      ...bash('t2', sec(20), sec(22), 'git commit -m b'),
    ];
    const a = commit('aaaa111', sec(11), 'a');
    const b = commit('bbbb222', sec(21), 'b');
    const log = git([
      a,
      b,
      commit('cccc333', sec(7200), 'Revert "a"', [a.sha]),
      commit('dddd444', sec(7300), 'Revert "b"'),
    ]);
    const list = sessionCommits(window, events, log);
    expect(list.map((c) => c.revertedBy?.slice(0, 7) ?? null)).toEqual(['cccc333', 'dddd444']);
  });

  it("a commit is failed when the first verification after it, before the agent's next commit, is red", () => {
    const events = [
      ...bash('t1', sec(10), sec(12), 'git commit -m a'),
      ...bash('t2', sec(30), sec(40), 'npm test', false),
      ...bash('t3', sec(50), sec(52), 'git commit -m b'),
      ...bash('t4', sec(60), sec(70), 'npm test', true),
      ev(sec(80), { event: 'check.result', rule: 'tests', verdict: 'deny' }),
    ];
    const log = git([commit('aaaa111', sec(11), 'a'), commit('bbbb222', sec(51), 'b')]);
    const list = sessionCommits(window, events, log);
    expect(list[0]!.redAfter).toEqual({ at: sec(40), what: 'npm test' });
    // b's first verification passed; the later red check is not b's to answer for.
    expect(list[1]!.redAfter).toBeNull();
    expect(changeFailure(list)).toEqual({ commits: 2, failed: 1, reverted: 0, redAfter: 1, rate: 0.5 });
  });

  it('commits only made during the session do not count towards the change failure rate', () => {
    const list = sessionCommits(window, [], git([commit('aaaa111', sec(5), 'someone else')]));
    expect(list[0]!.source).toBe('window');
    expect(changeFailure(list)).toMatchObject({ commits: 0, rate: null });
  });

  it('a denied git call is not a commit window', () => {
    const events = [
      ev(sec(10), {
        toolUseId: 't1',
        verdict: 'deny',
        input: JSON.stringify({ command: 'git commit -m x' }),
      }),
    ];
    expect(sessionCommits(window, events, git([commit('aaaa111', sec(10), 'x')]))[0]!.source).toBe('window');
  });
});
