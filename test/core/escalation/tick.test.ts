import { describe, expect, it } from 'vitest';
import { tick } from '../../../src/core/escalation/tick.ts';
import type { EscalationPolicy, TickResult } from '../../../src/core/escalation/types.ts';
import type { Incident, IncidentState, Severity } from '../../../src/core/incidents/types.ts';
import { MINUTE } from '../../../src/core/oncall/civil.ts';
import type { OncallConfig, Override } from '../../../src/core/oncall/types.ts';
import { incident as baseIncident } from '../../fixtures/incidents.ts';
import { local, oncallConfig, override, weekly } from '../oncall/fixtures.ts';

// Wednesday noon, Berlin: inside working hours. Alice holds primary, Dave secondary.
const T0 = local('2026-03-04T12:00');
const SATURDAY = local('2026-03-07T12:00');
const MONDAY_9 = local('2026-03-09T09:00');

const ONCALL: OncallConfig = oncallConfig({
  schedules: {
    ops: {
      layers: [
        { name: 'secondary', start: '2026-03-02T10:00', turnHours: 168, members: ['dave', 'erin'] },
        weekly(['alice', 'bob', 'carol']),
      ],
    },
    future: { layers: [weekly(['bob'], { start: '2027-01-04T10:00' })] },
  },
});

const POLICY: EscalationPolicy = {
  rules: [
    { delayMinutes: 5, targets: [{ oncall: 'ops', layer: 'primary' }, { channel: 'ops-room' }] },
    { delayMinutes: 10, targets: [{ oncall: 'ops', layer: 'secondary' }] },
    { delayMinutes: 15, targets: [{ person: 'zed' }] },
  ],
  repeat: 1,
  fallback: [{ channel: 'ops-room' }, { person: 'carol' }],
};

function incident(fields: { severity?: Severity; state?: IncidentState } = {}): Incident {
  const base = baseIncident('INC-1', {
    severity: fields.severity ?? 'SEV1',
    state: fields.state ?? 'triggered',
  });
  return {
    ...base,
    milestones: { ...base.milestones, startedAt: T0, detectedAt: T0 },
    escalation: { policy: 'default', step: -1, loop: 0, steppedAt: T0, exhausted: false },
  };
}

/** Tick at each time in turn, carrying the cursor forward as the caller would. */
function drive(start: Incident, times: number[], policy = POLICY, overrides: Override[] = []): TickResult[] {
  let current = start;
  return times.map((now) => {
    const r = tick(current, policy, ONCALL, overrides, now);
    current = { ...current, escalation: r.cursor };
    return r;
  });
}

const channels = (r: TickResult) => r.notify.map((n) => n.channel);
const at = (minutes: number) => T0 + minutes * MINUTE;

describe('tick: walking the policy', () => {
  const minutes = [0, 4, 5, 14, 15, 30, 35, 45, 59, 60, 61, 600];
  const results = drive(incident(), minutes.map(at));

  it.each([
    [0, 'first page: rule 1', ['slack-alice', 'sms-alice', 'ops-room'], 0, 0, false, 5],
    [4, 'before the delay: nothing', [], 0, 0, false, 5],
    [5, 'after 5 min: rule 2', ['slack-dave'], 1, 0, false, 15],
    [14, 'before the 10 min delay', [], 1, 0, false, 15],
    [15, 'rule 3', ['slack-zed'], 2, 0, false, 30],
    [30, 'wrap around: rule 1 again, loop 1', ['slack-alice', 'sms-alice', 'ops-room'], 0, 1, false, 35],
    [35, 'rule 2, loop 1', ['slack-dave'], 1, 1, false, 45],
    [45, 'rule 3, loop 1', ['slack-zed'], 2, 1, false, 60],
    [59, 'waiting on the last rule', [], 2, 1, false, 60],
    [60, 'every loop used: the fallback, once', ['ops-room', 'slack-carol'], 2, 1, true, null],
    [61, 'exhausted: nothing more', [], 2, 1, true, null],
    [600, 'still nothing', [], 2, 1, true, null],
  ] as const)('minute %i: %s', (minute, _, chans, step, loop, exhausted, next) => {
    const r = results[minutes.indexOf(minute)]!;
    expect(channels(r)).toEqual(chans);
    expect(r.cursor).toMatchObject({ step, loop, exhausted });
    expect(r.nextAt).toBe(next === null ? null : at(next));
  });

  it('records each step on the timeline as the escalation system', () => {
    const kinds = results.flatMap((r) => r.timeline.map((e) => e.kind));
    expect(kinds).toEqual([
      'paged',
      'escalated',
      'escalated',
      'escalated',
      'escalated',
      'escalated',
      'escalation_exhausted',
    ]);
    const all = results.flatMap((r) => r.timeline);
    expect(all.every((e) => e.actor.kind === 'system' && e.actor.id === 'escalation')).toBe(true);
    expect(results[0]!.timeline[0]!.text).toBe(
      'Paged rule 1 of 3: Alice (on call for ops/primary) via slack-alice, sms-alice; channel ops-room via ops-room.',
    );
    expect(results[5]!.timeline[0]!.text).toMatch(/escalated to rule 1 of 3, pass 2 of 2/);
    expect(results[9]!.timeline[0]!.text).toMatch(/^Escalation exhausted after 2 passes/);
  });

  it('tags notifications with step, loop, fallback, recipient and why', () => {
    expect(results[0]!.notify[0]).toEqual({
      channel: 'slack-alice',
      recipient: 'alice',
      step: 0,
      loop: 0,
      fallback: false,
      why: 'rule 1 of 3, pass 1 of 2: Alice (on call for ops/primary)',
    });
    expect(results[0]!.notify[2]).toMatchObject({ channel: 'ops-room', recipient: null });
    expect(results[9]!.notify).toEqual([
      {
        channel: 'ops-room',
        recipient: null,
        step: 3,
        loop: 1,
        fallback: true,
        why: 'fallback: channel ops-room',
      },
      {
        channel: 'slack-carol',
        recipient: 'carol',
        step: 3,
        loop: 1,
        fallback: true,
        why: 'fallback: Carol',
      },
    ]);
    expect(results[2]!.cursor.steppedAt).toBe(at(5));
  });

  it('a late tick takes one step, and gives that rule its whole delay', () => {
    const [, late, next] = drive(incident(), [at(0), at(180), at(185)]);
    expect(channels(late!)).toEqual(['slack-dave']);
    expect(late!.cursor).toMatchObject({ step: 1, steppedAt: at(180) });
    expect(late!.nextAt).toBe(at(190));
    expect(channels(next!)).toEqual([]);
  });

  it('repeat 0 goes from the last rule straight to the fallback; no fallback is noted', () => {
    const once = { ...POLICY, repeat: 0, fallback: [] };
    const r = drive(incident(), [at(0), at(5), at(15), at(30)], once);
    expect(r[3]!.notify).toEqual([]);
    expect(r[3]!.cursor.exhausted).toBe(true);
    expect(r[3]!.timeline[0]).toMatchObject({
      kind: 'escalation_exhausted',
      text: 'Escalation exhausted after 1 pass without acknowledgement; no fallback is configured.',
    });
  });

  it('a policy without rules pages its fallback at once', () => {
    const r = tick(incident(), { rules: [], repeat: 3, fallback: [{ channel: 'ops-room' }] }, ONCALL, [], T0);
    expect(channels(r)).toEqual(['ops-room']);
    expect(r.cursor.exhausted).toBe(true);
  });

  it('a cursor past the end of a shortened policy moves on instead of failing', () => {
    const inc = incident();
    inc.escalation = { ...inc.escalation, step: 7, steppedAt: at(0) };
    expect(tick(inc, POLICY, ONCALL, [], at(14)).nextAt).toBe(at(15));
    expect(tick(inc, POLICY, ONCALL, [], at(15)).cursor).toMatchObject({ step: 0, loop: 1 });
  });
});

describe('tick: states', () => {
  it.each(['acknowledged', 'mitigated', 'resolved', 'cancelled'] as const)('%s stops escalation', (state) => {
    const inc = incident({ state });
    inc.escalation = { ...inc.escalation, step: 0, steppedAt: at(0) };
    const r = tick(inc, POLICY, ONCALL, [], at(60));
    expect(r).toEqual({ cursor: inc.escalation, notify: [], timeline: [], nextAt: null });
  });

  it('an acknowledgement mid-policy stops the next step', () => {
    const [first] = drive(incident(), [at(0)]);
    const acked = { ...incident({ state: 'acknowledged' }), escalation: first!.cursor };
    expect(tick(acked, POLICY, ONCALL, [], at(5)).notify).toEqual([]);
  });
});

describe('tick: quiet hours', () => {
  it.each([
    ['SEV1', 'Saturday', true],
    ['SEV2', 'Saturday', true],
    ['SEV3', 'Saturday', false],
    ['SEV4', 'Saturday', false],
    ['SEV3', 'Wednesday', true],
    ['SEV4', 'Wednesday', true],
  ] as const)('%s on %s noon pages: %s', (severity, day, pages) => {
    const now = day === 'Saturday' ? SATURDAY : T0;
    const inc = incident({ severity });
    inc.escalation = { ...inc.escalation, steppedAt: now };
    const r = tick(inc, POLICY, ONCALL, [], now);
    expect(r.notify.length > 0).toBe(pages);
    if (!pages) {
      expect(r.cursor).toEqual(inc.escalation);
      expect(r.timeline).toEqual([]);
      expect(r.nextAt).toBe(MONDAY_9);
    }
  });

  it('a due step of a SEV3 waits for Monday 09:00, then pages', () => {
    const inc = incident({ severity: 'SEV3' });
    inc.escalation = { ...inc.escalation, step: 0, steppedAt: local('2026-03-06T17:58') };
    const held = tick(inc, POLICY, ONCALL, [], local('2026-03-06T18:03'));
    expect(held.notify).toEqual([]);
    expect(held.nextAt).toBe(MONDAY_9);
    const later = tick(inc, POLICY, ONCALL, [], MONDAY_9);
    expect(channels(later)).toEqual(['slack-dave']);
    expect(later.cursor).toMatchObject({ step: 1, steppedAt: MONDAY_9 });
    // After the 10:00 handoff secondary is Erin, who has no channels: noted, and the policy moves on.
    const erin = tick(
      { ...inc, escalation: { ...inc.escalation, step: 0, steppedAt: MONDAY_9 } },
      POLICY,
      ONCALL,
      [],
      local('2026-03-09T10:05'),
    );
    expect(erin.notify).toEqual([]);
    expect(erin.timeline.map((e) => e.kind)).toEqual(['escalated', 'note']);
    expect(erin.timeline[1]!.text).toBe(
      'Erin (on call for ops/secondary) has no channels, so nobody was paged for them.',
    );
  });
});

describe('tick: targets', () => {
  it('an on-call target follows an override of its layer', () => {
    const o = override({ layer: 'primary', person: 'zed', start: at(-60), end: at(60) });
    const [r] = drive(incident(), [T0], POLICY, [o]);
    expect(r!.notify.map((n) => [n.channel, n.recipient])).toEqual([
      ['slack-zed', 'zed'],
      ['ops-room', null],
    ]);
  });

  it('nobody on call: a note, and the policy moves on after the delay', () => {
    const policy: EscalationPolicy = {
      rules: [
        { delayMinutes: 5, targets: [{ oncall: 'future' }] },
        { delayMinutes: 5, targets: [{ person: 'bob' }] },
      ],
      repeat: 0,
      fallback: [],
    };
    const [first, second] = drive(incident(), [at(0), at(5)], policy);
    expect(first!.notify).toEqual([]);
    expect(first!.cursor.step).toBe(0);
    expect(first!.nextAt).toBe(at(5));
    expect(first!.timeline.map((e) => [e.kind, e.text])).toEqual([
      ['paged', 'Paged rule 1 of 2: nobody.'],
      ['note', 'Nobody is on call for future at 2026-03-04 12:00 Europe/Berlin; that target paged nobody.'],
    ]);
    expect(channels(second!)).toEqual(['slack-bob']);
  });

  it('unknown schedules, layers and people are noted, not thrown', () => {
    const policy: EscalationPolicy = {
      rules: [
        {
          delayMinutes: 5,
          targets: [
            { oncall: 'nope' },
            { oncall: 'ops', layer: 'tertiary' },
            { person: 'ghost' },
            { channel: 'x' },
          ],
        },
      ],
      repeat: 0,
      fallback: [],
    };
    const r = tick(incident(), policy, ONCALL, [], T0);
    expect(channels(r)).toEqual(['x']);
    expect(r.timeline.filter((e) => e.kind === 'note')).toHaveLength(3);
  });

  it('deduplicates channels within a step; the first target to reach a channel names it', () => {
    const policy: EscalationPolicy = {
      rules: [
        {
          delayMinutes: 5,
          targets: [
            { person: 'alice' },
            { oncall: 'ops', layer: 'primary' },
            { channel: 'slack-alice' },
            { oncall: 'ops' },
          ],
        },
      ],
      repeat: 0,
      fallback: [],
    };
    const r = tick(incident(), policy, ONCALL, [], T0);
    expect(r.notify.map((n) => [n.channel, n.recipient, n.why])).toEqual([
      ['slack-alice', 'alice', 'rule 1 of 1: Alice'],
      ['sms-alice', 'alice', 'rule 1 of 1: Alice'],
    ]);
  });
});
