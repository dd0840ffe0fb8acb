// `report` reads only the events its folds use (reportEvents), a chunk of sessions at a time: its
// output must be the report folded over every event of every session at once.
import { describe, expect, it } from 'vitest';
import { openMemoryTeamStore } from '../../src/adapters/store/memory-team.ts';
import { makeReport, REPORT_CHUNK } from '../../src/app/report.ts';
import { loadPolicy } from '../../src/config/load.ts';
import type { GitCommit, GitFacts } from '../../src/core/metrics/commits.ts';
import type { LedgerEvent, SessionState } from '../../src/core/session/types.ts';
import type { EventMatch, LedgerStore, ShippedItem } from '../../src/ports.ts';
import { bareEvent, freshState } from '../contracts/ledger-store.ts';
import { incident } from '../fixtures/incidents.ts';

function policyOf(text: string | undefined) {
  const loaded = loadPolicy(text, 'agent-sre.yaml');
  if (!loaded.ok) throw new Error('the test policy does not load');
  return loaded.policy;
}
// The default policy reads only notable calls; one with its own test patterns (here `ls` counts as a test
// run) or check commands makes every shell outcome a possible test run.
const POLICIES = [
  ['the default policy', policyOf(undefined)],
  [
    'a policy with its own test patterns',
    policyOf('version: 1\nacceptance:\n  testCommands: ["^ls\\\\b"]\n'),
  ],
  [
    'a policy with a check command',
    policyOf('version: 1\nacceptance:\n  checks:\n    - { id: lint, kind: command, run: "ls -la" }\n'),
  ],
] as const;
const T = Date.UTC(2026, 10, 20);
const SESSIONS = REPORT_CHUNK * 2 + 37;

const bash = (command: string) => JSON.stringify({ command, description: 'x' });

/** Session k's calls: a test run, a commit, a failing test run, a denial, a stop blocked, a read of .git. */
function sessionItems(k: number, seq0: number): ShippedItem[] {
  const id = `s${String(k).padStart(4, '0')}`;
  const start = T + k * 60_000;
  const state: SessionState = freshState(id, start);
  const at = (s: number) => start + s * 1000;
  const ev = (n: number, e: Partial<LedgerEvent>): LedgerEvent => ({ ...bareEvent(id, 0), ts: at(n), ...e });
  const call = (n: number, tool: string, input: string, outcome = 'PostToolUse'): LedgerEvent[] => [
    ev(n, { event: 'PreToolUse', tool, toolUseId: `${id}-${n}`, verdict: 'allow', rule: 'default', input }),
    ev(n + 1, { event: outcome, tool, toolUseId: `${id}-${n}`, input }),
  ];
  const events = [
    ...call(1, 'Bash', bash('npm test')),
    ...call(3, 'Read', JSON.stringify({ file_path: '/p/src/a.ts' })),
    ...call(5, 'Bash', bash('git commit -m "fix"')),
    // A test run only under the policies with their own tests, where its failures turn commits red.
    ...call(7, 'Bash', bash('ls -la'), k % 2 === 1 ? 'PostToolUseFailure' : 'PostToolUse'),
    ...(k % 3 === 0 ? call(9, 'Bash', bash('npx vitest run'), 'PostToolUseFailure') : []),
    ...(k % 5 === 0
      ? [ev(11, { event: 'PreToolUse', tool: 'Bash', verdict: 'deny', rule: 'fs.delete' })]
      : []),
    ...(k % 7 === 0 ? [ev(12, { event: 'Stop', rule: 'acceptance.blocked', verdict: 'deny' })] : []),
    ...(k % 11 === 0 ? [ev(13, { event: 'Stop', rule: 'gate.exhausted' })] : []),
    ...call(14, 'Grep', JSON.stringify({ pattern: 'gitignore' })),
    ...(k % 4 === 0
      ? call(
          16,
          'Bash',
          JSON.stringify({ command: 'git push', gitOperation: { commit: { sha: `ab${k}cd` } } }),
        )
      : []),
  ];
  return events.map((event, i) => ({ seq: seq0 + i, event, state }));
}

/** Every event of every asked session, in one read: what the report read before it narrowed and chunked. */
function readingEverything(store: LedgerStore): LedgerStore {
  // Every kind of event the fixture writes.
  const everything: EventMatch = { events: ['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop'] };
  return new Proxy(store, {
    get(target, key) {
      if (key === 'sessionEvents') return (ids: string[]) => target.sessionEvents(ids, everything);
      const v = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('report reads what its folds use, a chunk of sessions at a time', () => {
  it.each(POLICIES)('gives the report folded over every event at once, under %s', async (_, policy) => {
    const store = openMemoryTeamStore();
    const origin = { machine: 'm', user: 'u', project: 'p' };
    let seq = 1;
    for (let k = 0; k < SESSIONS; k++) {
      const items = sessionItems(k, seq);
      seq += items.length;
      await store.ingest({ origin, items });
    }
    await store.transact(T, (tx) => {
      for (const k of [3, 250, SESSIONS - 1])
        tx.saveIncident(
          incident(`INC-${k}`, {
            sessionId: `s${String(k).padStart(4, '0')}`,
            source: { kind: 'budget.spent', rule: 'budget.calls' },
            milestones: {
              ...incident('x').milestones,
              startedAt: T + k * 60_000 + 20_000,
              detectedAt: T + k * 60_000 + 20_000,
            },
          }),
        );
    });
    // Each session's `git commit` lands inside its call; every fifth commit is reverted later.
    const commits: GitCommit[] = Array.from({ length: SESSIONS }, (_, k) => ({
      sha: `${k.toString(16).padStart(6, '0')}ffff`,
      at: T + k * 60_000 + 5_000,
      author: 'agent',
      subject: `fix ${k}`,
      reverts: [],
    }));
    for (let k = 0; k < SESSIONS; k += 5)
      commits.push({
        sha: `eeee${k}`,
        at: T + 86_400_000,
        author: 'x',
        subject: `Revert "fix ${k}"`,
        reverts: [],
      });
    const git = async (): Promise<GitFacts> => ({ available: true, commits, truncated: false });
    const deps = { projectDir: '/nowhere', policy, now: T + 2 * 86_400_000, git };
    const since = T - 86_400_000;

    const narrow = await makeReport(since, { ...deps, store });
    const whole = await makeReport(since, { ...deps, store: readingEverything(store) });
    expect(narrow).toStrictEqual(whole);
    // The fixture exercises what the folds read: agent commits, red runs, reverts, stops and anomalies.
    const { changeFailure, sessions, measured } = narrow.report;
    expect(changeFailure.commits).toBeGreaterThan(SESSIONS);
    expect(changeFailure.redAfter).toBeGreaterThan(0);
    expect(changeFailure.reverted).toBeGreaterThan(0);
    expect(sessions.list).toHaveLength(SESSIONS);
    expect(sessions.list.some((s) => s.gateBlocks > 0)).toBe(true);
    expect(sessions.list.some((s) => s.gateExhausted > 0)).toBe(true);
    expect(measured.some((i) => i.startedFrom === 'session')).toBe(true);
    await store.close();
  });
});
