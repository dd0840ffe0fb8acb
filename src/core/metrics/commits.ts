// Which commits an agent made in a session, and which of them failed: DORA's change failure rate with
// "deployment" read as "an agent's commit" (oncall-apis §6.6). A commit is the agent's when the hook saw
// it (PostToolUse `tool_response.gitOperation`, kept in the ledger) or when `git log` dates it inside
// one of the agent's own git calls. Commits merely made while the session ran are listed, not counted.
import { CHECK_EVENT } from '../gates/evidence.ts';
import type { LedgerEvent } from '../session/types.ts';
import { type RunFacts, runFacts } from './runs.ts';

/** One commit as `git log` tells it. */
export interface GitCommit {
  sha: string;
  /** Committer time, epoch milliseconds (git keeps whole seconds). */
  at: number;
  author: string;
  subject: string;
  /** Shas named by "This reverts commit <sha>." lines in the message. */
  reverts: string[];
}

export type GitFacts =
  | { available: true; commits: GitCommit[]; truncated: boolean }
  | { available: false; reason: string };

export type CommitSource = 'hook' | 'command' | 'window';

export interface SessionCommit {
  sha: string;
  at: number;
  subject: string | null;
  author: string | null;
  branch: string | null;
  /** hook: reported by Claude Code; command: inside one of the agent's git calls; window: only made while the session ran. */
  source: CommitSource;
  revertedBy: string | null;
  /** The first verification after the commit (a test run or an acceptance check), when it failed. */
  redAfter: { at: number; what: string } | null;
}

export const isAgentCommit = (c: Pick<SessionCommit, 'source'>) => c.source !== 'window';
export const isFailedChange = (c: Pick<SessionCommit, 'revertedBy' | 'redAfter'>) =>
  c.revertedBy !== null || c.redAfter !== null;

// A git call that can create commits. Read from the command text, so `echo "git commit"` does not start
// a segment with it only by luck: what counts is the commit landing inside the call's time window.
export const COMMITTING =
  /\bgit\b(?:\s+-[Cc]\s+\S+)*[^|;&\n]*?\s(?:commit|merge|cherry-pick|revert|am|rebase|pull)\b/;

interface HookCommit {
  sha: string;
  at: number;
  kind: string | null;
  branch: string | null;
}

function parseInput(e: LedgerEvent): Record<string, unknown> | null {
  if (!e.input) return null;
  try {
    const v = JSON.parse(e.input) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Commits Claude Code reported in PostToolUse `tool_response.gitOperation.commit`. */
export function hookCommits(events: readonly LedgerEvent[]): HookCommit[] {
  const out: HookCommit[] = [];
  for (const e of events) {
    if (e.event !== 'PostToolUse' || !e.input?.includes('gitOperation')) continue;
    const op = parseInput(e)?.gitOperation as { commit?: Record<string, unknown> } | undefined;
    const c = op?.commit;
    if (!c || typeof c.sha !== 'string' || !/^[0-9a-f]{4,64}$/i.test(c.sha)) continue;
    out.push({
      sha: c.sha.toLowerCase(),
      at: e.ts,
      kind: typeof c.kind === 'string' ? c.kind : null,
      branch: typeof c.branch === 'string' ? c.branch : null,
    });
  }
  return out;
}

/** [start, end] of each of the agent's git calls that can commit: PreToolUse to its PostToolUse. */
function committingCalls(events: readonly LedgerEvent[], runs: RunFacts): Array<[number, number]> {
  const pre = new Map<string, number>();
  const out: Array<[number, number]> = [];
  for (const e of events) {
    if (!e.toolUseId) continue;
    if (e.event === 'PreToolUse') {
      const command = runs.command(e);
      if (command !== null && e.verdict !== 'deny' && COMMITTING.test(command)) pre.set(e.toolUseId, e.ts);
    } else if (e.event === 'PostToolUse' || e.event === 'PostToolUseFailure') {
      const start = pre.get(e.toolUseId);
      // git dates commits in whole seconds: widen the start down to its second.
      if (start !== undefined) out.push([Math.floor(start / 1000) * 1000, e.ts]);
    }
  }
  return out;
}

const sameSha = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

interface Verification {
  at: number;
  ok: boolean;
  what: string;
}

function verifications(events: readonly LedgerEvent[], runs: RunFacts): Verification[] {
  const out: Verification[] = [];
  for (const e of events) {
    if (e.event === CHECK_EVENT && e.rule && (e.verdict === 'allow' || e.verdict === 'deny')) {
      out.push({ at: e.ts, ok: e.verdict === 'allow', what: `check ${e.rule}` });
      continue;
    }
    if (runs.isTestRun(e)) out.push({ at: e.ts, ok: e.event === 'PostToolUse', what: runs.command(e) ?? '' });
  }
  return out.sort((a, b) => a.at - b.at);
}

export interface SessionWindow {
  startedAt: number;
  /** When the session ended, or its last event. */
  endAt: number;
}

/**
 * The session's commits, oldest first. `git` may cover more than the session: later commits are read
 * only for reverts. `runs` says which calls were test runs (the acceptance settings' test commands).
 */
export function sessionCommits(
  window: SessionWindow,
  events: readonly LedgerEvent[],
  git: GitFacts,
  runs: RunFacts = runFacts(),
): SessionCommit[] {
  const log = git.available ? git.commits : [];
  const byHook = hookCommits(events);
  const calls = committingCalls(events, runs);
  const found = new Map<string, SessionCommit>();
  const add = (c: SessionCommit) => {
    const key = [...found.keys()].find((k) => sameSha(k, c.sha));
    if (key === undefined) found.set(c.sha, c);
  };
  for (const h of byHook) {
    const g = log.find((c) => sameSha(c.sha, h.sha));
    add({
      sha: g?.sha ?? h.sha,
      at: g?.at ?? h.at,
      subject: g?.subject ?? null,
      author: g?.author ?? null,
      branch: h.branch,
      source: 'hook',
      revertedBy: null,
      redAfter: null,
    });
  }
  for (const g of log) {
    if (g.at < Math.floor(window.startedAt / 1000) * 1000 || g.at > window.endAt) continue;
    const inCall = calls.some(([from, to]) => g.at >= from && g.at <= to);
    add({
      sha: g.sha,
      at: g.at,
      subject: g.subject,
      author: g.author,
      branch: null,
      source: inCall ? 'command' : 'window',
      revertedBy: null,
      redAfter: null,
    });
  }
  const list = [...found.values()].sort((a, b) => a.at - b.at || a.sha.localeCompare(b.sha));
  const checks = verifications(events, runs);
  const agent = list.filter(isAgentCommit);
  return list.map((c) => {
    const reverter = log.find(
      (g) =>
        g.sha !== c.sha &&
        (g.reverts.some((r) => sameSha(r, c.sha)) ||
          (c.subject !== null && g.subject === `Revert "${c.subject}"`)),
    );
    let redAfter: SessionCommit['redAfter'] = null;
    if (isAgentCommit(c)) {
      const next = agent.find((o) => o.at > c.at)?.at ?? Number.POSITIVE_INFINITY;
      // The hook's time for a commit is when its PostToolUse ran; git's is a whole second: either way, a
      // verification counts only when it ran after the commit landed.
      const first = checks.find((v) => v.at > c.at && v.at < next);
      if (first && !first.ok) redAfter = { at: first.at, what: first.what };
    }
    return { ...c, revertedBy: reverter?.sha ?? null, redAfter };
  });
}

export interface ChangeFailure {
  /** The agent's commits (hook or command), the denominator. */
  commits: number;
  failed: number;
  reverted: number;
  redAfter: number;
  /** failed / commits; null without commits. */
  rate: number | null;
}

export function changeFailure(commits: readonly SessionCommit[]): ChangeFailure {
  const agent = commits.filter(isAgentCommit);
  const failed = agent.filter(isFailedChange);
  return {
    commits: agent.length,
    failed: failed.length,
    reverted: agent.filter((c) => c.revertedBy !== null).length,
    redAfter: agent.filter((c) => c.redAfter !== null).length,
    rate: agent.length === 0 ? null : failed.length / agent.length,
  };
}
