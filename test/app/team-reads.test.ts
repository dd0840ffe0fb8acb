// report, evidence and postmortem over a team store: each session labelled with the machine and user it
// ran as, passed in as data (the core stays pure).
import { describe, expect, it } from 'vitest';
import { openMemoryTeamStore } from '../../src/adapters/store/memory-team.ts';
import { loadEvidence } from '../../src/app/evidence.ts';
import { draftPostmortem } from '../../src/app/postmortem.ts';
import { makeReport } from '../../src/app/report.ts';
import { loadPolicy } from '../../src/config/load.ts';
import type { GitFacts } from '../../src/core/metrics/commits.ts';
import { renderReport } from '../../src/core/metrics/report.ts';
import { renderEvidence } from '../../src/core/postmortem/render-evidence.ts';
import type { Origin, TeamStore } from '../../src/ports.ts';
import { batch, item } from '../contracts/team-store.ts';

const A: Origin = { machine: 'laptop-a', user: 'alice', project: 'p-1', projectId: 'github.com/acme/app' };
const B: Origin = { machine: 'ci-7', user: 'runner', project: 'p-2' };
const loaded = loadPolicy(undefined, 'agent-sre.yaml');
if (!loaded.ok) throw new Error('the default policy does not load');
const policy = loaded.policy;
const git = async (): Promise<GitFacts> => ({ available: false, reason: 'not a git repository' });

async function teamOf(): Promise<{ store: TeamStore; origins: Map<string, Origin | null> }> {
  const store = openMemoryTeamStore();
  await store.ingest(batch(A, [item(1, 'sa'), item(2, 'sa')]));
  await store.ingest(batch(B, [item(1, 'sb'), item(2, 'sb2')]));
  const origins = new Map((await store.teamSessions()).map((s) => [s.state.sessionId, s.origin]));
  return { store, origins };
}

const T = 1_700_000_000_000;

describe('reading a team store', () => {
  it('report lists every session with its machine and user, and counts per pair', async () => {
    const { store, origins } = await teamOf();
    const deps = { store, projectDir: '/nowhere', policy, now: T + 86_400_000, git };
    const { report } = await makeReport(T - 86_400_000, { ...deps, origins });
    expect(report.sessions.list.map((s) => [s.id, s.machine, s.user])).toEqual([
      ['sa', 'laptop-a', 'alice'],
      ['sb', 'ci-7', 'runner'],
      ['sb2', 'ci-7', 'runner'],
    ]);
    const md = renderReport(report);
    expect(md).toContain('By machine (user): ci-7 (runner) 2, laptop-a (alice) 1.');
    expect(md).toMatch(/\| Session \| Machine \| User \|/);
    // A project's own ledger: no labels, the table as it was.
    const own = renderReport((await makeReport(T - 86_400_000, deps)).report);
    expect(own).not.toContain('Machine');
    expect(own).not.toContain('By machine');
    await store.close();
  });

  it('evidence names the machine and user in its header', async () => {
    const { store, origins } = await teamOf();
    const session = (await store.getSession('sb'))!;
    const deps = { store, projectDir: '/nowhere', policy, now: T, git };
    const pack = await loadEvidence(session, { ...deps, origins });
    expect(pack.session).toMatchObject({ machine: 'ci-7', user: 'runner' });
    expect(renderEvidence(pack).split('\n')[0]).toMatch(/^Session sb \(active\) on ci-7 as runner, /);
    const own = await loadEvidence(session, deps);
    expect(own.session.machine).toBeUndefined();
    expect(renderEvidence(own).split('\n')[0]).toMatch(/^Session sb \(active\), /);
    await store.close();
  });

  it("postmortem's summary names the machine and user", async () => {
    const { store, origins } = await teamOf();
    const deps = { store, projectDir: '/nowhere', policy, now: T, git, env: {} };
    const r = await draftPostmortem({ subject: 'sa' }, { ...deps, origins });
    expect(r.markdown).toContain('Session `sa` ran on machine `laptop-a` as `alice`, and started at');
    const own = await draftPostmortem({ subject: 'sa' }, deps);
    expect(own.markdown).toContain('Session `sa` started at');
    await store.close();
  });
});
