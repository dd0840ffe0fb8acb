import { describe, expect, it } from 'vitest';
import type { SessionCommit } from '../../../src/core/metrics/commits.ts';
import type { IncidentTimes } from '../../../src/core/metrics/incident.ts';
import { buildReport, renderReport, reportCharts } from '../../../src/core/metrics/report.ts';
import { resolveTargets } from '../../../src/core/metrics/targets.ts';
import { incidentTimes } from '../../fixtures/evidence.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const NOW = Date.UTC(2026, 2, 31, 12);
const SINCE = NOW - 30 * DAY;

const times = (id: string, over: Partial<IncidentTimes>) => incidentTimes(id, over, NOW);

const commit = (
  sha: string,
  at: number,
  failed: boolean,
  source: SessionCommit['source'] = 'hook',
): SessionCommit => ({
  sha,
  at,
  subject: sha,
  author: null,
  branch: null,
  source,
  revertedBy: failed ? 'f'.repeat(40) : null,
  redAfter: null,
});

describe('buildReport', () => {
  const incidents = [
    times('INC-1', {
      severity: 'SEV1',
      source: 'session.escalated',
      ttd: 2 * MIN,
      ttr: 60 * MIN,
      tta: 4 * MIN,
    }),
    times('INC-2', {
      severity: 'SEV1',
      source: 'gate.exhausted',
      ttd: 12 * MIN,
      ttr: 180 * MIN,
      tta: 30 * MIN,
    }),
    times('INC-3', { detection: 'human', source: 'drift.detected', ttd: 90 * MIN }),
    times('INC-4', { state: 'cancelled', ttd: 999 * MIN }),
    times('INC-5', { source: 'approval.requested' }),
    times('INC-6', { detectedAt: SINCE - DAY }),
  ];
  const r = buildReport({
    now: NOW,
    since: SINCE,
    incidents,
    sessions: [
      {
        id: 'a',
        startedAt: NOW - 3 * DAY,
        endedAt: null,
        status: 'ended',
        events: 10,
        denials: 3,
        gateBlocks: 0,
        gateExhausted: 0,
        cost: null,
      },
      {
        id: 'b',
        startedAt: NOW - 2 * DAY,
        endedAt: null,
        status: 'ended',
        events: 20,
        denials: 0,
        gateBlocks: 2,
        gateExhausted: 1,
        cost: { tokens: 1000, costUsd: 1.5, models: ['claude-sonnet-4-5'] },
      },
    ],
    commits: [
      commit('c1', NOW - DAY, true),
      commit('c2', NOW - DAY, false),
      commit('c3', NOW - DAY, false, 'window'),
    ],
    git: { available: true, reason: null },
    targets: resolveTargets({ detectMinutes: 10 }),
  });

  it('counts incidents of harm in the window; cancelled ones are counted apart, requests never', () => {
    expect(r.incidents).toMatchObject({
      total: 4,
      measured: 3,
      cancelled: 1,
      bySeverity: { SEV1: 2, SEV2: 0, SEV3: 1, SEV4: 0 },
      bySource: { 'session.escalated': 1, 'gate.exhausted': 1, 'drift.detected': 1 },
      automated: 2,
      human: 1,
    });
    expect(r.incidents.automatedShare).toBeCloseTo(2 / 3);
  });

  it('aggregates each time over the incidents that recorded it', () => {
    expect(r.metrics.ttd).toMatchObject({ n: 3, missing: 0, median: 12 * MIN });
    expect(r.metrics.ttr).toMatchObject({ n: 2, missing: 1, median: 120 * MIN });
    expect(r.metrics.ttc).toMatchObject({ n: 0, missing: 3, median: null });
  });

  it('holds the metrics to the targets, marking where each number comes from', () => {
    const row = (k: string) => r.targets.find((t) => t.target.key === k)!;
    expect(row('sev1ResolveMinutes')).toMatchObject({ n: 2, within: 1, median: 120 * MIN, status: 'met' });
    expect(row('sev1ResolveMinutes').target.basis).toBe('default');
    expect(row('detectMinutes')).toMatchObject({ within: 1, status: 'missed' });
    expect(row('detectMinutes').target).toMatchObject({ minutes: 10, basis: 'configured' });
    expect(row('containMinutes')).toMatchObject({ status: 'no data' });
    expect(row('containMinutes').target.basis).toBe('proposed');
  });

  it('counts only agent commits in the change failure rate', () => {
    expect(r.changeFailure).toMatchObject({ commits: 2, failed: 1, reverted: 1, rate: 0.5 });
  });

  it('renders Markdown with the definitions, the targets marked unconfirmed, and cost as known', () => {
    const md = renderReport(r);
    expect(md).toContain('| MTTD, time to detect | detected − started | 12m 00s |');
    expect(md).toContain('proposed, unconfirmed');
    expect(md).toContain('Found by automated detection: 2 of 3 (67%)');
    expect(md).toContain('1 of 2 agent commits failed (50%)');
    expect(md).toContain('Cost per session (1 of 2 with a transcript): median $1.50');
  });

  it('draws every series as an SVG chart', () => {
    const charts = reportCharts(r);
    expect(charts.map((c) => c.file)).toEqual([
      'incidents.svg',
      'incident-times.svg',
      'sessions.svg',
      'cost.svg',
      'change-failure.svg',
    ]);
    for (const c of charts) expect(c.svg).toMatch(/^<svg [\s\S]*<\/svg>\n$/);
    expect(charts[1]!.svg).toContain('detect 10 min');
  });
});
