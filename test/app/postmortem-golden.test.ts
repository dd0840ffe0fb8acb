// Postmortems of two recorded incidents, compared byte for byte with golden files. The ledgers are built
// through the real hook pipeline on a fixed clock (test/fixtures/postmortem/scenarios.ts); only the temp
// project path is normalised. UPDATE_GOLDEN=1 rewrites the golden files.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitLog } from '../../src/adapters/git/log.ts';
import { type GitReader, loadEvidence, resolveSession } from '../../src/app/evidence.ts';
import { draftPostmortem, type PostmortemResult } from '../../src/app/postmortem.ts';
import { openLedger } from '../../src/app/store.ts';
import { lintBlameless } from '../../src/core/postmortem/blameless.ts';
import type { EvidencePack } from '../../src/core/postmortem/pack.ts';
import { tempProject } from '../e2e/bin.ts';
import { destructiveChain, overnightRedSuite, type Scenario } from '../fixtures/postmortem/scenarios.ts';

const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'postmortem');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function normalize(text: string, dir: string): string {
  return text.split(dir).join('<project>');
}

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

async function draft(sc: Scenario, subject: string): Promise<{ pm: PostmortemResult; pack: EvidencePack }> {
  const store = openLedger(sc.dir);
  try {
    // A temp dir inside some other repository must not borrow its history.
    const git: GitReader = (d, o) =>
      gitLog(d, { ...o, env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(d) } });
    const deps = { store, projectDir: sc.dir, policy: sc.policy, now: sc.writtenAt, env: {}, git };
    const pm = await draftPostmortem({ subject }, deps);
    const pack = await loadEvidence(await resolveSession(store, sc.sessionId), deps);
    return { pm, pack };
  } finally {
    await store.close();
  }
}

describe('postmortem golden: a destructive chain stopped by the guard', () => {
  let sc: Scenario;
  let pm: PostmortemResult;
  let pack: EvidencePack;
  beforeAll(async () => {
    const dir = tempProject('agent-sre-pm-chain-');
    made.push(dir);
    sc = await destructiveChain(dir);
    ({ pm, pack } = await draft(sc, 'INC-4'));
  }, 60_000);

  it('matches the golden file', () => {
    golden('destructive-chain.md', normalize(pm.markdown, sc.dir));
    expect(pm.template).toMatchObject({
      source: '<built-in template>',
      unknown: [],
      inserted: [],
      findings: [],
    });
  });

  it('measures the escalation from the first denial, with every milestone recorded', () => {
    expect(pm.incidentId).toBe('INC-4');
    expect(pm.metrics).toMatchObject({
      startedFrom: 'session',
      startedAt: Date.parse('2026-03-10T14:05:10Z'),
      detectedAt: Date.parse('2026-03-10T14:06:05Z'),
      ttd: 55_000,
      tta: Date.parse('2026-03-10T14:09:30Z') - Date.parse('2026-03-10T14:06:30Z'),
      ttc: Date.parse('2026-03-10T14:12:00Z') - Date.parse('2026-03-10T14:06:05Z'),
      ttr: Date.parse('2026-03-10T14:30:00Z') - Date.parse('2026-03-10T14:05:10Z'),
    });
    // The three tier-4 incidents were resolved without an acknowledgement or containment: missing, not 0.
    const inc1 = pack.incidents.find((i) => i.incident.id === 'INC-1')!.times;
    expect(inc1).toMatchObject({ startedFrom: 'milestone', ttd: 0, tta: null, ttc: null });
  });

  it('ties action items to the gaps: the unacknowledged pages, and the denied commands', () => {
    expect(pm.gaps.map((g) => g.kind)).toEqual(['page-unacknowledged']);
    expect(pm.gaps[0]!.text).toBe(
      'The pages for INC-1, INC-2 and INC-3 were not acknowledged within 15 min (never acknowledged).',
    );
    expect(pm.actionItems.map((a) => [a.type, a.gap, a.owner])).toEqual([
      ['process', 'page-unacknowledged', 'Ben Okafor'],
      ['prevent', null, 'Ben Okafor'],
    ]);
    expect(pm.findings).toEqual([]);
  });
});

describe('postmortem golden: an overnight run that claimed completion with a red suite', () => {
  let sc: Scenario;
  let pm: PostmortemResult;
  let pack: EvidencePack;
  beforeAll(async () => {
    const dir = tempProject('agent-sre-pm-red-');
    made.push(dir);
    sc = await overnightRedSuite(dir);
    ({ pm, pack } = await draft(sc, 'sess-overnight'));
  }, 60_000);

  it('matches the golden file', () => {
    golden('overnight-red-suite.md', normalize(pm.markdown, sc.dir));
  });

  it('finds the commit from the hook and git, reverted later and followed by a red check', () => {
    expect(pack.git).toMatchObject({ available: true });
    const agent = pack.commits.filter((c) => c.source !== 'window');
    expect(agent).toHaveLength(1);
    expect(agent[0]).toMatchObject({
      source: 'hook',
      subject: 'fix: sum without an initial value',
      redAfter: { what: 'check tests' },
    });
    expect(agent[0]!.revertedBy).toMatch(/^[0-9a-f]{40}$/);
    expect(pack.changeFailure).toMatchObject({ commits: 1, failed: 1, reverted: 1, redAfter: 1, rate: 1 });
    expect(pack.claim).toBe('Done: sum() is simpler now and all tests pass.');
    expect(pack.verification).toMatchObject({ red: true, lastTestRun: { ok: false, command: 'npm test' } });
  });

  it('starts the clock at the first red test run, and flags every gap the night shows', () => {
    expect(pm.metrics).toMatchObject({
      source: 'gate.exhausted',
      startedFrom: 'session',
      startedAt: Date.parse('2026-03-12T02:04:00Z') + 4500,
      ttd: Date.parse('2026-03-12T02:13:00Z') - (Date.parse('2026-03-12T02:04:00Z') + 4500),
    });
    expect(pm.gaps.map((g) => g.kind)).toEqual([
      'unmatched-before-run',
      'unmatched-before-run',
      'gate-exhausted',
      'page-unacknowledged',
    ]);
    expect(pm.actionItems.map((a) => [a.type, a.gap])).toEqual([
      ['prevent', 'unmatched-before-run'],
      ['mitigate', 'gate-exhausted'],
      ['process', 'page-unacknowledged'],
    ]);
    expect(pm.actionItems.every((a) => a.owner === 'Ben Okafor' && a.priority === 'P1')).toBe(true);
  });

  it('the golden files use no blaming language', () => {
    for (const f of ['destructive-chain.md', 'overnight-red-suite.md'])
      expect(lintBlameless(readFileSync(join(GOLDEN, f), 'utf8'), { people: ['ben', 'Ben Okafor'] })).toEqual(
        [],
      );
  });
});
