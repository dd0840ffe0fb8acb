import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { checkOncallReferences, escalationSchema, oncallSchema } from '../../src/config/oncall-schema.ts';
import type { EscalationConfig } from '../../src/core/escalation/types.ts';
import type { OncallConfig } from '../../src/core/oncall/types.ts';

const YAML = `
oncall:
  timeZone: Europe/Berlin
  workingHours: { days: [mon, tue, wed, thu], start: "08:30", end: "17:00" }
  people:
    alice: { name: Alice, channels: [slack-alice] }
    bob: { name: Bob, channels: [slack-bob] }
    carol: { name: Carol }
  schedules:
    ops:
      layers:
        - name: secondary
          start: 2026-03-02T10:00
          turnHours: 168
          members: [carol]
        - name: primary
          start: 2026-03-02T10:00
          turnHours: 168
          members: [alice, bob]
          restrictions:
            - { type: weekly, startDay: mon, start: "00:00", durationHours: 120 }
            - { type: daily, start: "09:00", durationHours: 8 }
    emea:
      timeZone: Europe/London
      layers:
        - { name: day, start: 2026-03-02T09:00, turnHours: 12, members: [bob], end: 2026-12-31T09:00 }
escalation:
  default: standard
  policies:
    standard:
      rules:
        - delayMinutes: 5
          targets: [{ oncall: ops, layer: primary }, { channel: ops-room }]
        - delayMinutes: 15
          targets: [{ oncall: ops }, { person: carol }]
      repeat: 2
      fallback: [{ channel: ops-room }]
`;

const doc = parse(YAML) as { oncall: unknown; escalation: unknown };

/** The messages zod reports, as 'path: message'. */
function problems(schema: z.ZodType, input: unknown): string[] {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

describe('oncallSchema', () => {
  it('parses into exactly the core types', () => {
    expectTypeOf<z.output<typeof oncallSchema>>().toEqualTypeOf<OncallConfig>();
    expectTypeOf<z.output<typeof escalationSchema>>().toEqualTypeOf<EscalationConfig>();
  });

  it('parses a full YAML example, filling defaults', () => {
    const oncall = oncallSchema.parse(doc.oncall);
    expect(oncall.handoffNoticeMinutes).toBe(60);
    expect(oncall.people.carol).toEqual({ name: 'Carol', channels: [] });
    expect(oncall.schedules.ops!.layers[1]!.restrictions).toHaveLength(2);
    expect(oncall.schedules.emea!.timeZone).toBe('Europe/London');
    const escalation = escalationSchema.parse(doc.escalation);
    expect(escalation.policies.standard).toMatchObject({ repeat: 2, fallback: [{ channel: 'ops-room' }] });
  });

  it('has sensible defaults for an empty section', () => {
    expect(oncallSchema.parse({})).toEqual({
      timeZone: 'UTC',
      workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
      handoffNoticeMinutes: 60,
      people: {},
      schedules: {},
    });
    expect(escalationSchema.parse({})).toEqual({ policies: {} });
    expect(
      escalationSchema.parse({
        policies: { p: { rules: [{ delayMinutes: 1, targets: [{ channel: 'c' }] }] } },
      }),
    ).toEqual({
      policies: { p: { rules: [{ delayMinutes: 1, targets: [{ channel: 'c' }] }], repeat: 0, fallback: [] } },
    });
  });

  const layer = { name: 'l', start: '2026-03-02T10:00', turnHours: 168, members: ['a'] };
  const people = { a: { name: 'A' } };

  it.each([
    [
      'an unknown zone',
      { timeZone: 'Europe/Atlantis' },
      "timeZone: 'Europe/Atlantis' is not an IANA time zone (e.g. Europe/Berlin)",
    ],
    ['a bad clock', { workingHours: { start: '9:00' } }, "workingHours.start: '9:00' is not an 'HH:mm' time"],
    [
      'a bad weekday',
      { workingHours: { days: ['monday'] } },
      "workingHours.days.0: 'monday' is not a weekday (mon, tue, wed, thu, fri, sat, sun)",
    ],
    ['no working days', { workingHours: { days: [] } }, 'workingHours.days: list at least one working day'],
    ['an unknown key', { timezone: 'UTC' }, '(root): Unrecognized key: "timezone"'],
    [
      'a member who is not a person',
      { people, schedules: { ops: { layers: [{ ...layer, members: ['a', 'ghost'] }] } } },
      "schedules.ops.layers.0.members.1: 'ghost' is not in oncall.people",
    ],
    [
      'a start that is not a date',
      { people, schedules: { ops: { layers: [{ ...layer, start: '2026-02-30T10:00' }] } } },
      "schedules.ops.layers.0.start: '2026-02-30T10:00' is not a 'YYYY-MM-DDTHH:mm' local date and time",
    ],
    [
      'an end before the start',
      { people, schedules: { ops: { layers: [{ ...layer, end: '2026-03-01T10:00' }] } } },
      'schedules.ops.layers.0.end: a layer must end after it starts',
    ],
    [
      'two layers with one name',
      { people, schedules: { ops: { layers: [layer, layer] } } },
      "schedules.ops.layers.1.name: duplicate layer name 'l'",
    ],
    [
      'a bad schedule zone',
      { people, schedules: { ops: { timeZone: 'CEST', layers: [layer] } } },
      "schedules.ops.timeZone: 'CEST' is not an IANA time zone (e.g. Europe/Berlin)",
    ],
    [
      'a daily restriction longer than a day',
      {
        people,
        schedules: {
          ops: {
            layers: [{ ...layer, restrictions: [{ type: 'daily', start: '09:00', durationHours: 25 }] }],
          },
        },
      },
      'schedules.ops.layers.0.restrictions.0.durationHours: a daily restriction lasts at most 24 hours',
    ],
    [
      'an empty rotation',
      { people, schedules: { ops: { layers: [{ ...layer, members: [] }] } } },
      'schedules.ops.layers.0.members: a layer needs at least one member',
    ],
  ])('rejects %s', (_, input, message) => {
    expect(problems(oncallSchema, input)).toContain(message);
  });
});

describe('escalationSchema', () => {
  const rule = { delayMinutes: 5, targets: [{ channel: 'c' }] };
  it.each([
    ['a default that names no policy', { default: 'nope', policies: {} }, "default: no policy named 'nope'"],
    [
      'a policy without rules',
      { policies: { p: { rules: [] } } },
      'policies.p.rules: a policy needs at least one rule',
    ],
    [
      'a zero delay',
      { policies: { p: { rules: [{ ...rule, delayMinutes: 0 }] } } },
      'policies.p.rules.0.delayMinutes: wait at least a minute before escalating',
    ],
    [
      'a target of no known shape',
      { policies: { p: { rules: [{ ...rule, targets: [{ schedule: 'ops' }] }] } } },
      'policies.p.rules.0.targets.0: a target is one of {oncall: schedule, layer?}, {person: id} or {channel: name}',
    ],
    [
      'too many repeats',
      { policies: { p: { rules: [rule], repeat: 10 } } },
      'policies.p.repeat: Too big: expected number to be <=9',
    ],
  ])('rejects %s', (_, input, message) => {
    expect(problems(escalationSchema, input)).toContain(message);
  });
});

describe('checkOncallReferences', () => {
  const oncall = oncallSchema.parse(doc.oncall);
  const escalation = escalationSchema.parse(doc.escalation);

  it('finds nothing wrong in a consistent config', () => {
    expect(checkOncallReferences(oncall, escalation, ['slack-alice', 'slack-bob', 'ops-room'])).toEqual([]);
  });

  it('reports every name that does not resolve', () => {
    const broken: EscalationConfig = {
      default: 'gone',
      policies: {
        p: {
          rules: [
            {
              delayMinutes: 5,
              targets: [
                { oncall: 'nope' },
                { oncall: 'ops', layer: 'tertiary' },
                { person: 'ghost' },
                { channel: 'pager' },
              ],
            },
          ],
          repeat: 0,
          fallback: [{ oncall: 'emea', layer: 'night' }],
        },
      },
    };
    const withGhost: OncallConfig = {
      ...oncall,
      schedules: {
        ...oncall.schedules,
        extra: { layers: [{ ...oncall.schedules.emea!.layers[0]!, members: ['casper'] }] },
      },
    };
    expect(checkOncallReferences(withGhost, broken, ['slack-alice', 'ops-room'])).toEqual([
      "oncall.people.bob.channels: no channel named 'slack-bob'",
      "oncall.schedules.extra.layers.0.members: 'casper' is not in oncall.people",
      "escalation.policies.p.rules.0.targets.0: no schedule named 'nope' in oncall.schedules",
      "escalation.policies.p.rules.0.targets.1: schedule 'ops' has no layer 'tertiary'",
      "escalation.policies.p.rules.0.targets.2: 'ghost' is not in oncall.people",
      "escalation.policies.p.rules.0.targets.3: no channel named 'pager'",
      "escalation.policies.p.fallback.0: schedule 'emea' has no layer 'night'",
      "escalation.default: no policy named 'gone'",
    ]);
  });
});
