import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incidents/types.ts';
import { detectionOf, firstAnomalyAt, incidentTimes, isAnomaly } from '../../../src/core/metrics/incident.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';
import { incident, T0 } from '../../fixtures/incidents.ts';

const MIN = 60_000;

function withMilestones(m: Partial<Incident['milestones']>, over: Partial<Incident> = {}): Incident {
  const base = incident('INC-1', over);
  return { ...base, milestones: { ...base.milestones, ...m } };
}

function ev(ts: number, over: Partial<LedgerEvent> = {}): LedgerEvent {
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
    input: JSON.stringify({ command: 'ls' }),
    ...over,
  };
}

describe('incidentTimes', () => {
  it('computes each time from its own two milestones', () => {
    const t = incidentTimes(
      withMilestones({
        startedAt: T0,
        detectedAt: T0 + 2 * MIN,
        pagedAt: T0 + 3 * MIN,
        acknowledgedAt: T0 + 10 * MIN,
        mitigatedAt: T0 + 20 * MIN,
        resolvedAt: T0 + 90 * MIN,
      }),
    );
    expect(t).toMatchObject({
      ttd: 2 * MIN,
      tta: 7 * MIN,
      ttc: 18 * MIN,
      ttr: 90 * MIN,
      startedFrom: 'milestone',
    });
  });

  it('a milestone nobody recorded gives null, never 0: resolving does not imply containment', () => {
    const t = incidentTimes(withMilestones({ resolvedAt: T0 + 30 * MIN }));
    expect(t).toMatchObject({ ttd: 0, tta: null, ttc: null, ttr: 30 * MIN });
  });

  it('an acknowledgement recorded before the page went out is inconsistent, not a negative time', () => {
    const t = incidentTimes(withMilestones({ pagedAt: T0 + 5 * MIN, acknowledgedAt: T0 + MIN }));
    expect(t.tta).toBeNull();
  });

  it("a session-wide incident starts at the session's first anomaly; a per-call incident at its own call", () => {
    const escalated = withMilestones(
      { startedAt: T0 + 5 * MIN, detectedAt: T0 + 5 * MIN, resolvedAt: T0 + 20 * MIN },
      { source: { kind: 'session.escalated', rule: 'session.escalated' } },
    );
    expect(incidentTimes(escalated, T0 + MIN)).toMatchObject({
      startedAt: T0 + MIN,
      startedFrom: 'session',
      ttd: 4 * MIN,
      ttr: 19 * MIN,
    });
    const denied = withMilestones({ startedAt: T0 + 5 * MIN, detectedAt: T0 + 5 * MIN });
    expect(incidentTimes(denied, T0 + MIN)).toMatchObject({
      startedAt: T0 + 5 * MIN,
      startedFrom: 'milestone',
      ttd: 0,
    });
    // An anomaly after the milestone never moves the start later.
    expect(incidentTimes(escalated, T0 + 6 * MIN).startedAt).toBe(T0 + 5 * MIN);
  });

  it('property: every time is null exactly when a milestone is missing or out of order, else their difference', () => {
    const opt = fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        opt,
        opt,
        opt,
        opt,
        (started, dd, paged, acked, mitigated, resolved) => {
          const detected = started + dd;
          const t = incidentTimes(
            withMilestones({
              startedAt: started,
              detectedAt: detected,
              pagedAt: paged,
              acknowledgedAt: acked,
              mitigatedAt: mitigated,
              resolvedAt: resolved,
            }),
          );
          const span = (a: number | null, b: number | null) =>
            a === null || b === null || b < a ? null : b - a;
          expect(t.ttd).toBe(dd);
          expect(t.tta).toBe(span(paged, acked));
          expect(t.ttc).toBe(span(detected, mitigated));
          expect(t.ttr).toBe(span(started, resolved));
        },
      ),
    );
  });
});

describe('anomalies', () => {
  it('denials, failed checks, blocked stops, spent budgets, gate.exhausted and red test runs; not green ones', () => {
    expect(isAnomaly(ev(1, { verdict: 'deny', rule: 'fs.delete-home' }))).toBe(true);
    expect(isAnomaly(ev(1, { event: 'check.result', verdict: 'deny', rule: 'tests' }))).toBe(true);
    expect(isAnomaly(ev(1, { event: 'Stop', verdict: 'allow', rule: 'gate.exhausted' }))).toBe(true);
    expect(isAnomaly(ev(1, { verdict: 'ask', rule: 'budget.filesTouched' }))).toBe(true);
    const red = ev(1, { event: 'PostToolUseFailure', input: JSON.stringify({ command: 'npm test' }) });
    expect(isAnomaly(red)).toBe(true);
    expect(isAnomaly({ ...red, input: JSON.stringify({ command: 'cat missing.txt' }) })).toBe(false);
    expect(isAnomaly(ev(1, { verdict: 'ask', rule: 'infra.change' }))).toBe(false);
    expect(isAnomaly(ev(1, { event: 'check.result', verdict: 'ask', rule: 'tests' }))).toBe(false);
  });

  it('firstAnomalyAt looks only up to the detection time', () => {
    const events = [ev(10), ev(20, { verdict: 'deny', rule: 'x' }), ev(30, { verdict: 'deny', rule: 'y' })];
    expect(firstAnomalyAt(events, 25)).toBe(20);
    expect(firstAnomalyAt(events, 15)).toBeNull();
    expect(firstAnomalyAt([...events].reverse(), 100)).toBe(20);
  });

  it('automated detection unless a person reported it or the kind is not a detector', () => {
    expect(detectionOf(incident('INC-1'))).toBe('automated');
    expect(detectionOf(incident('INC-1', { details: { 'Reported by': 'ana' } }))).toBe('human');
    expect(detectionOf({ source: { kind: 'human' as never, rule: null }, details: {} })).toBe('human');
  });
});
