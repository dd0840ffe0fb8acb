// Random schedules (layers, restrictions, overrides, zones with DST) against the invariants everything
// else relies on: shifts tile the window, and onCallAt agrees with shifts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, formatWall, HOUR, MINUTE, parseWall } from '../../../src/core/oncall/civil.ts';
import { onCallAt, shifts } from '../../../src/core/oncall/schedule.ts';
import type { Layer, Override, ResolvedSchedule, Restriction } from '../../../src/core/oncall/types.ts';
import { WEEKDAYS } from '../../../src/core/oncall/types.ts';
import { fromWall } from '../../../src/core/oncall/tz.ts';

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
const PEOPLE = ['alice', 'bob', 'carol', 'dave'];
const BASE = parseWall('2026-01-01T00:00')!;
// Wall clocks (and instants) inside 2026, so windows cross both DST changes.
const inYear = fc.integer({ min: 0, max: 364 * 24 * 4 }).map((q) => BASE + q * 15 * MINUTE);
const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const restriction: fc.Arbitrary<Restriction> = fc.oneof(
  fc.record({
    type: fc.constant('daily' as const),
    start: clock,
    durationHours: fc.constantFrom(1, 8, 12.5, 24),
  }),
  fc.record({
    type: fc.constant('weekly' as const),
    startDay: fc.constantFrom(...WEEKDAYS),
    start: clock,
    durationHours: fc.constantFrom(8, 48, 120, 168),
  }),
);

const layer = (name: string): fc.Arbitrary<Layer> =>
  fc
    .record({
      start: inYear,
      turnHours: fc.constantFrom(1, 5.5, 12, 24, 36, 168),
      members: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 3 }),
      restrictions: fc.option(fc.array(restriction, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      length: fc.option(fc.integer({ min: 1, max: 200 * 24 }), { nil: undefined }),
    })
    .map(({ start, turnHours, members, restrictions, length }) => ({
      name,
      start: formatWall(start),
      turnHours,
      members,
      ...(restrictions ? { restrictions } : {}),
      ...(length ? { end: formatWall(start + length * HOUR) } : {}),
    }));

const scheduleArb: fc.Arbitrary<ResolvedSchedule> = fc
  .tuple(fc.constantFrom(...ZONES), fc.integer({ min: 1, max: 3 }))
  .chain(([timeZone, n]) =>
    fc
      .tuple(...Array.from({ length: n }, (_, i) => layer(`L${i}`)))
      .map((layers) => ({ name: 'ops', timeZone, layers })),
  );

const overridesArb = (s: ResolvedSchedule): fc.Arbitrary<Override[]> =>
  fc
    .array(
      fc.record({
        start: inYear,
        hours: fc.integer({ min: 1, max: 72 }),
        person: fc.constantFrom(...PEOPLE, 'zed'),
        layer: fc.option(fc.constantFrom(...s.layers.map((l) => l.name)), { nil: undefined }),
        // A narrow range, so equal createdAt (ties broken by list order) come up too.
        createdAt: fc.integer({ min: 0, max: 5 }),
      }),
      { maxLength: 4 },
    )
    .map((list) =>
      list.map(({ start, hours, layer, person, createdAt }, i) => ({
        id: `o${i}`,
        schedule: 'ops',
        start: fromWall(start, s.timeZone),
        end: fromWall(start, s.timeZone) + hours * HOUR,
        person,
        createdAt,
        ...(layer ? { layer } : {}),
      })),
    );

const world = scheduleArb.chain((s) =>
  fc.record({
    schedule: fc.constant(s),
    overrides: overridesArb(s),
    from: inYear.map((w) => fromWall(w, s.timeZone)),
    days: fc.integer({ min: 1, max: 40 }),
    layer: fc.option(fc.constantFrom(...s.layers.map((l) => l.name)), { nil: undefined }),
    probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
);

describe('schedule properties', () => {
  it('shifts are contiguous, non-overlapping, non-empty, merged, and cover the window exactly', () => {
    fc.assert(
      fc.property(world, ({ schedule, overrides, from, days, layer }) => {
        const to = from + days * DAY;
        const list = shifts(schedule, overrides, from, to, layer);
        expect(list[0]!.start).toBe(from);
        expect(list[list.length - 1]!.end).toBe(to);
        list.forEach((s, i) => {
          expect(s.start).toBeLessThan(s.end);
          const next = list[i + 1];
          if (!next) return;
          expect(next.start).toBe(s.end);
          expect([next.person, next.layer, next.source]).not.toEqual([s.person, s.layer, s.source]);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('onCallAt at any instant agrees with the shift covering it, and `until` is the next change of person', () => {
    fc.assert(
      fc.property(world, ({ schedule, overrides, from, days, layer, probes }) => {
        const to = from + days * DAY;
        const list = shifts(schedule, overrides, from, to, layer);
        for (const p of probes) {
          const at = from + Math.floor(p * (to - from));
          const i = list.findIndex((s) => s.start <= at && at < s.end);
          const covering = list[i]!;
          const now = onCallAt(schedule, overrides, at, layer);
          expect(now?.person ?? null).toBe(covering.person);
          if (!now) continue;
          expect(now.layer).toBe(covering.layer);
          const change = list.slice(i + 1).find((s) => s.person !== covering.person);
          if (change) expect(now.until).toBe(change.start);
          else expect(now.until === null || now.until >= to).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
