// A feed regenerated at any moment of a shift gives that shift the same UID and its real DTSTART, so a
// calendar client that refreshes the subscription keeps one event instead of piling up copies.
import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/core/oncall/civil.ts';
import { toIcs } from '../../../src/core/oncall/ics.ts';
import { shifts } from '../../../src/core/oncall/schedule.ts';
import type { Override, ResolvedSchedule } from '../../../src/core/oncall/types.ts';
import { wholeShifts } from '../../../src/core/oncall/whole-shifts.ts';
import { local, override, PEOPLE, schedule, weekly } from './fixtures.ts';

const WEEKS = 12 * 7 * DAY;

/** The feed `oncall ics` writes when run at `at`, as ical.js reads it back. */
function feedAt(s: ResolvedSchedule, overrides: Override[], at: number) {
  const list = wholeShifts(s, overrides, at, at + WEEKS).map((x) => ({ ...x, schedule: s.name }));
  const text = toIcs('agent-sre on call', list, { now: at, uidDomain: 'agent-sre.local', people: PEOPLE });
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().getTime(),
      end: e.endDate.toJSDate().getTime(),
    };
  });
}

describe('oncall ics over time', () => {
  const s = schedule([weekly(['alice', 'bob'])]);

  it('two runs within one shift give it the same UID and its real DTSTART', () => {
    const monday = feedAt(s, [], local('2026-03-02T11:00'));
    const thursday = feedAt(s, [], local('2026-03-05T17:42'));
    expect(monday[0]).toMatchObject({
      summary: 'On call: Alice (primary)',
      start: local('2026-03-02T10:00'),
    });
    expect(thursday[0]).toEqual(monday[0]);
    // The shifts after it are the same events too, and the feed's last one ends where its shift ends.
    for (const e of thursday.slice(0, -1)) expect(monday).toContainEqual(e);
    expect(thursday.at(-1)!.end - thursday.at(-1)!.start).toBe(7 * DAY);
  });

  it('a shift that began long before the window keeps its start (a one-person rotation)', () => {
    const solo = schedule([weekly(['alice'], { start: '2025-01-06T10:00' })]);
    const a = feedAt(solo, [], local('2026-03-02T11:00'));
    const b = feedAt(solo, [], local('2026-05-20T03:00'));
    expect(a[0]!.start).toBe(local('2025-01-06T10:00'));
    expect(b[0]!.uid).toBe(a[0]!.uid);
    expect(b[0]!.start).toBe(a[0]!.start);
    // It never hands over, so it has no real end: the event runs to the end of the feed and is updated.
    expect(b[0]!.end).toBe(local('2026-05-20T03:00') + WEEKS);
  });

  it('an override in progress starts when the override does, and ends at its end', () => {
    const o = override({ person: 'zed', start: local('2026-03-04T08:00'), end: local('2026-03-04T20:00') });
    const e = feedAt(s, [o], local('2026-03-04T12:00'))[0]!;
    expect(e).toMatchObject({ summary: 'On call: Zed (override)', start: o.start, end: o.end });
    expect(feedAt(s, [o], local('2026-03-04T19:59'))[0]).toEqual(e);
  });

  it('a layer that ends inside the window ends there', () => {
    const ending = schedule([weekly(['alice', 'bob'], { end: '2026-03-20T18:00' })]);
    const events = feedAt(ending, [], local('2026-03-04T12:00'));
    expect(events.at(-1)).toMatchObject({
      summary: 'On call: Alice (primary)',
      end: local('2026-03-20T18:00'),
    });
  });

  it('UIDs tell schedules apart when the same person holds the same layer from the same moment', () => {
    const at = local('2026-03-03T12:00');
    const ops = wholeShifts(s, [], at, at + WEEKS).map((x) => ({ ...x, schedule: 'ops' }));
    const db = ops.map((x) => ({ ...x, schedule: 'db' }));
    const text = toIcs('all', [...ops, ...db], { now: at, uidDomain: 'x', people: PEOPLE });
    const uids = [...text.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('property: the first shift is the whole shift a wide window finds at that moment', () => {
    const restricted = schedule([
      { name: 'secondary', start: '2026-03-02T10:00', turnHours: 168, members: ['dave', 'erin'] },
      weekly(['alice', 'bob', 'carol'], {
        restrictions: [{ type: 'weekly', startDay: 'mon', start: '00:00', durationHours: 120 }],
      }),
    ]);
    const o = override({ person: 'zed', start: local('2026-04-01T08:00'), end: local('2026-04-09T20:00') });
    const origin = local('2026-03-01T00:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 90 * 24 * 60 }), (minutes) => {
        const at = local('2026-03-02T10:00') + minutes * 60_000;
        const [first] = wholeShifts(restricted, [o], at, at + 2 * DAY);
        const wide = shifts(restricted, [o], origin, at + 2 * DAY);
        const holding = wide.find((x) => x.start <= at && at < x.end)!;
        expect(first!.start).toBe(holding.start);
        expect(first!.person).toBe(holding.person);
      }),
      { numRuns: 60 },
    );
  });

  it('is quick even when the shift in progress began years ago', () => {
    const solo = schedule([weekly(['alice'], { start: '2016-01-04T10:00' })]);
    const t0 = performance.now();
    const list = wholeShifts(solo, [], local('2026-03-02T11:00'), local('2026-03-02T11:00') + WEEKS);
    expect(list[0]!.start).toBe(local('2016-01-04T10:00'));
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
