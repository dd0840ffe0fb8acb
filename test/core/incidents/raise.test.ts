import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IncidentAction, TransitionError, transition } from '../../../src/core/incidents/lifecycle.ts';
import { incidentPage } from '../../../src/core/incidents/pages.ts';
import { dedupKeyOf, raise, route, worse } from '../../../src/core/incidents/raise.ts';
import type { Actor, Signal } from '../../../src/core/incidents/types.ts';
import { incident, T0 } from '../../fixtures/incidents.ts';

const signal = (over: Partial<Signal> = {}): Signal => ({
  kind: 'tier4.denied',
  project: '/work/proj',
  sessionId: 's1',
  rule: 'fs.delete-outside-project',
  key: 'fs.delete-outside-project',
  summary: 'Denied Bash: rm -rf ~ (fs.delete-outside-project)',
  details: { Action: 'Bash: rm -rf ~' },
  at: T0,
  ...over,
});
const cfg = { severity: {}, routing: [{ match: {}, channels: ['file'] }], defaultEscalation: null };
let n = 0;
const newId = () => `INC-${++n}`;

describe('dedupKeyOf', () => {
  it('is the same for the same problem and different for another', () => {
    expect(dedupKeyOf(signal())).toBe(dedupKeyOf(signal({ at: T0 + 99, summary: 'other words' })));
    expect(dedupKeyOf(signal())).not.toBe(dedupKeyOf(signal({ sessionId: 's2' })));
    expect(dedupKeyOf(signal())).not.toBe(dedupKeyOf(signal({ key: 'git.force-push' })));
    expect(dedupKeyOf(signal())).not.toBe(dedupKeyOf(signal({ project: '/other/proj' })));
    expect(dedupKeyOf(signal())).toMatch(
      /^agent-sre\/proj~[0-9a-f]{8}\/tier4\.denied\/s1\/fs\.delete-outside-project$/,
    );
  });

  it('never exceeds 255 characters and stays distinct when cut', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), fc.string({ maxLength: 600 }), (key, session) => {
        const k = dedupKeyOf(signal({ key, sessionId: session }));
        expect(k.length).toBeLessThanOrEqual(255);
      }),
    );
    const long = 'x'.repeat(400);
    expect(dedupKeyOf(signal({ key: `${long}a` }))).not.toBe(dedupKeyOf(signal({ key: `${long}b` })));
  });
});

describe('raise', () => {
  it('opens an incident with milestones, severity and routed channels', () => {
    const r = raise(undefined, signal({ startedAt: T0 - 5000 }), cfg, newId);
    expect(r.created).toBe(true);
    expect(r.channels).toEqual(['file']);
    expect(r.incident).toMatchObject({
      severity: 'SEV3',
      state: 'triggered',
      alertCount: 1,
      source: { kind: 'tier4.denied', rule: 'fs.delete-outside-project' },
      milestones: { startedAt: T0 - 5000, detectedAt: T0, pagedAt: null },
    });
    expect(r.timeline.map((t) => t.kind)).toEqual(['triggered']);
  });

  it('folds a repeat into the open incident: counter up, no new channels', () => {
    const first = raise(undefined, signal(), cfg, newId).incident;
    const again = raise(first, signal({ at: T0 + 1000 }), cfg, newId);
    expect(again.created).toBe(false);
    expect(again.channels).toEqual([]);
    expect(again.incident.id).toBe(first.id);
    expect(again.incident.alertCount).toBe(2);
    expect(again.timeline[0]?.kind).toBe('repeated');
  });

  it('raises the severity of an open incident when a worse signal repeats it', () => {
    const first = raise(undefined, signal(), cfg, newId).incident;
    const again = raise(first, signal(), { ...cfg, severity: { 'tier4.denied': 'SEV1' } }, newId);
    expect(again.incident.severity).toBe('SEV1');
    expect(again.timeline.map((t) => t.kind)).toEqual(['repeated', 'note']);
  });

  it('opens a new incident once the previous one with that key is resolved', () => {
    const first = raise(undefined, signal(), cfg, newId).incident;
    const r = raise({ ...first, state: 'resolved' }, signal(), cfg, newId);
    expect(r.created).toBe(true);
    expect(r.incident.id).not.toBe(first.id);
    expect(r.incident.dedupKey).toBe(first.dedupKey);
  });

  it('maps severity from configuration over the defaults', () => {
    expect(raise(undefined, signal({ kind: 'session.terminated' }), cfg, newId).incident.severity).toBe(
      'SEV2',
    );
    expect(
      raise(undefined, signal(), { ...cfg, severity: { 'tier4.denied': 'SEV4' } }, newId).incident.severity,
    ).toBe('SEV4');
  });
});

describe('route', () => {
  const routing = [
    {
      match: { severity: ['SEV1' as const, 'SEV2' as const] },
      channels: ['pd', 'slack'],
      escalation: 'urgent',
    },
    { match: { source: ['tier4.denied' as const] }, channels: ['gh'] },
    { match: {}, channels: ['file'] },
  ];
  it.each([
    ['SEV1', 'tier4.denied', ['pd', 'slack'], 'urgent'],
    ['SEV3', 'tier4.denied', ['gh'], undefined],
    ['SEV4', 'budget.spent', ['file'], undefined],
  ] as const)('%s %s → %j', (sev, kind, channels, escalation) => {
    const r = route(sev, kind, routing);
    expect(r.channels).toEqual(channels);
    expect(r.escalation).toBe(escalation);
  });
  it('routes nowhere when nothing matches', () => {
    expect(route('SEV4', 'budget.spent', [routing[0]!])).toEqual({ channels: [] });
  });
});

describe('worse', () => {
  it('picks the higher severity', () => {
    expect(worse('SEV3', 'SEV1')).toBe('SEV1');
    expect(worse('SEV2', 'SEV4')).toBe('SEV2');
  });
});

describe('transition', () => {
  const human: Actor = { kind: 'human', id: 'alice' };
  const table: Array<[string, IncidentAction, string | null]> = [
    ['triggered', 'acknowledge', 'acknowledged'],
    ['triggered', 'mitigate', 'mitigated'],
    ['triggered', 'resolve', 'resolved'],
    ['triggered', 'cancel', 'cancelled'],
    ['acknowledged', 'acknowledge', null],
    ['acknowledged', 'mitigate', 'mitigated'],
    ['acknowledged', 'resolve', 'resolved'],
    ['mitigated', 'acknowledge', null],
    ['mitigated', 'resolve', 'resolved'],
    ['resolved', 'resolve', null],
    ['resolved', 'acknowledge', null],
    ['cancelled', 'resolve', null],
  ];
  it.each(table)('%s + %s → %s', (from, action, to) => {
    const inc = incident('INC-1', { state: from as never });
    if (to === null) expect(() => transition(inc, action, human, T0 + 1)).toThrow(TransitionError);
    else expect(transition(inc, action, human, T0 + 1).incident.state).toBe(to);
  });

  it('records who and when, and never invents skipped milestones', () => {
    const acked = transition(incident('INC-1'), 'acknowledge', human, T0 + 60_000).incident;
    expect(acked).toMatchObject({ acknowledgedBy: 'alice', milestones: { acknowledgedAt: T0 + 60_000 } });
    const resolved = transition(incident('INC-2'), 'resolve', { kind: 'human', id: 'bob' }, T0 + 9).incident;
    expect(resolved).toMatchObject({ resolvedBy: 'bob', acknowledgedBy: null });
    expect(resolved.milestones).toMatchObject({
      resolvedAt: T0 + 9,
      acknowledgedAt: null,
      mitigatedAt: null,
    });
  });

  it('refuses an agent or a bot for anything but a system cancel', () => {
    const inc = incident('INC-1');
    expect(() => transition(inc, 'acknowledge', { kind: 'agent', id: 'claude' }, T0)).toThrow(/agent cannot/);
    expect(() => transition(inc, 'resolve', { kind: 'system', id: 'bot' }, T0)).toThrow(/only a human/);
    expect(() => transition(inc, 'cancel', { kind: 'agent', id: 'claude' }, T0)).toThrow(/agent cannot/);
    expect(transition(inc, 'cancel', { kind: 'system', id: 'gate' }, T0).incident.state).toBe('cancelled');
  });
});

describe('incidentPage', () => {
  it('carries the incident identity, at most 10 fields and the answer commands', () => {
    const inc = incident('INC-7', {
      details: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, `v${i}`])),
      alertCount: 3,
    });
    const p = incidentPage(inc, 'pd', 'trigger', { at: T0, occurrence: '0.0' });
    expect(p).toMatchObject({
      key: 'INC-7/pd/trigger/0.0',
      channel: 'pd',
      incidentId: 'INC-7',
      dedupKey: inc.dedupKey,
    });
    expect(p.fields.length).toBeLessThanOrEqual(10);
    expect(p.instructions).toEqual([
      'agent-sre ack INC-7 --dir /work/proj',
      'agent-sre resolve INC-7 --dir /work/proj',
      'agent-sre incident show INC-7 --dir /work/proj',
    ]);
  });

  it('tells how to approve or deny an approval request, quoting odd project paths', () => {
    const inc = incident('INC-2', {
      project: "/work/it's here",
      source: { kind: 'approval.requested', rule: 'git.push-protected' },
      details: { Approval: 'APR-4' },
    });
    const p = incidentPage(inc, 'slack', 'trigger', { at: T0 });
    expect(p.instructions[0]).toBe(`agent-sre approve APR-4 --dir '/work/it'\\''s here'`);
    expect(p.instructions[1]).toMatch(/^agent-sre deny APR-4 --reason/);
  });
});
