import { describe, expect, it } from 'vitest';
import { HOUR } from '../../../src/core/oncall/civil.ts';
import {
  coverageGaps,
  handoffs,
  nextOnCall,
  onCallAt,
  resolveSchedule,
  shifts,
} from '../../../src/core/oncall/schedule.ts';
import type { Layer, Shift } from '../../../src/core/oncall/types.ts';
import { local, oncallConfig, override, schedule, utc, wallOf, weekly } from './fixtures.ts';

/** Shifts as readable rows: 'start..end person layer source' in local time. */
const rows = (list: Shift[], tz?: string) =>
  list.map(
    (s) => `${wallOf(s.start, tz)}..${wallOf(s.end, tz)} ${s.person ?? '-'} ${s.layer ?? '-'} ${s.source}`,
  );

const ABC = weekly(['alice', 'bob', 'carol']);

describe('weekly rotation, Monday 10:00 Europe/Berlin, across DST', () => {
  const s = schedule([ABC]);

  it.each([
    ['before the first handoff', '2026-03-02T08:59Z', null],
    ['first turn', '2026-03-02T09:00Z', 'alice'],
    ['second turn', '2026-03-09T09:00Z', 'bob'],
    ['third turn', '2026-03-16T09:00Z', 'carol'],
    // 2026-03-29 clocks go forward: Monday 10:00 is 09:00Z before and 08:00Z after.
    ['last minute before the spring handoff', '2026-03-30T07:59Z', 'alice'],
    ['spring handoff at 10:00 CEST', '2026-03-30T08:00Z', 'bob'],
    // 2026-10-25 clocks go back: Monday 10:00 is 08:00Z before and 09:00Z after.
    ['last minute before the autumn handoff', '2026-10-26T08:59Z', 'alice'],
    ['autumn handoff at 10:00 CET', '2026-10-26T09:00Z', 'bob'],
  ])('%s (%s) → %s', (_, iso, person) => {
    expect(onCallAt(s, [], utc(iso))?.person ?? null).toBe(person);
  });

  it('every handoff of the year is at Monday 10:00 local, turns of 167 and 169 hours at the DST weeks', () => {
    const list = handoffs(s, [], local('2026-03-01T00:00'), local('2026-12-31T00:00'));
    expect(list).toHaveLength(44);
    for (const h of list) expect(wallOf(h.at).slice(10)).toBe('T10:00');
    const lengths = list.slice(1).map((h, i) => (h.at - list[i]!.at) / HOUR);
    expect(lengths.filter((l) => l !== 168)).toEqual([167, 169]);
    expect(list.slice(0, 4).map((h) => [h.outgoing, h.incoming])).toEqual([
      [null, 'alice'],
      ['alice', 'bob'],
      ['bob', 'carol'],
      ['carol', 'alice'],
    ]);
  });

  it('onCallAt reports until the next handoff, across the DST change', () => {
    expect(onCallAt(s, [], utc('2026-03-25T12:00Z'))).toEqual({
      person: 'alice',
      layer: 'primary',
      until: utc('2026-03-30T08:00Z'),
    });
  });
});

describe('other turn lengths', () => {
  it('daily turns hand off at 09:00 local; the DST day is 23 hours long', () => {
    const s = schedule([
      { name: 'day', start: '2026-03-27T09:00', turnHours: 24, members: ['alice', 'bob'] },
    ]);
    expect(rows(shifts(s, [], local('2026-03-27T09:00'), local('2026-03-31T09:00')))).toEqual([
      '2026-03-27T09:00..2026-03-28T09:00 alice day layer',
      '2026-03-28T09:00..2026-03-29T09:00 bob day layer',
      '2026-03-29T09:00..2026-03-30T09:00 alice day layer',
      '2026-03-30T09:00..2026-03-31T09:00 bob day layer',
    ]);
    const [, sat] = shifts(s, [], local('2026-03-27T09:00'), local('2026-03-31T09:00'));
    expect((sat!.end - sat!.start) / HOUR).toBe(23);
  });

  it('12-hour turns keep 08:00 and 20:00 local in New York across its spring change', () => {
    const ny = 'America/New_York';
    const s = schedule(
      [{ name: 'half', start: '2026-03-07T08:00', turnHours: 12, members: ['alice', 'bob'] }],
      ny,
    );
    const list = shifts(s, [], local('2026-03-07T08:00', ny), local('2026-03-09T08:00', ny));
    expect(rows(list, ny)).toEqual([
      '2026-03-07T08:00..2026-03-07T20:00 alice half layer',
      '2026-03-07T20:00..2026-03-08T08:00 bob half layer',
      '2026-03-08T08:00..2026-03-08T20:00 alice half layer',
      '2026-03-08T20:00..2026-03-09T08:00 bob half layer',
    ]);
    expect(list.map((x) => (x.end - x.start) / HOUR)).toEqual([12, 11, 12, 12]);
  });

  it('a single member is one continuous shift; a layer ends at its end', () => {
    const s = schedule([weekly(['alice'], { end: '2026-03-20T12:00' })]);
    expect(rows(shifts(s, [], local('2026-03-01T00:00'), local('2026-03-25T00:00')))).toEqual([
      '2026-03-01T00:00..2026-03-02T10:00 - - layer',
      '2026-03-02T10:00..2026-03-20T12:00 alice primary layer',
      '2026-03-20T12:00..2026-03-25T00:00 - - layer',
    ]);
  });
});

describe('layers and restrictions', () => {
  const weekdaysOnly: Layer['restrictions'] = [
    { type: 'weekly', startDay: 'mon', start: '00:00', durationHours: 120 },
  ];

  it('weekdays only: weekends are gaps', () => {
    const s = schedule([weekly(['alice', 'bob', 'carol'], { restrictions: weekdaysOnly })]);
    expect(rows(shifts(s, [], local('2026-03-13T00:00'), local('2026-03-17T00:00')))).toEqual([
      '2026-03-13T00:00..2026-03-14T00:00 bob primary layer',
      '2026-03-14T00:00..2026-03-16T00:00 - - layer',
      '2026-03-16T00:00..2026-03-16T10:00 bob primary layer',
      '2026-03-16T10:00..2026-03-17T00:00 carol primary layer',
    ]);
    expect(coverageGaps(s, [], local('2026-03-09T00:00'), local('2026-03-23T00:00'))).toEqual([
      { start: local('2026-03-14T00:00'), end: local('2026-03-16T00:00') },
      { start: local('2026-03-21T00:00'), end: local('2026-03-23T00:00') },
    ]);
  });

  it('daily 09:00-17:00: covered in office hours only, at local time on both sides of DST', () => {
    const s = schedule([
      weekly(['alice', 'bob'], { restrictions: [{ type: 'daily', start: '09:00', durationHours: 8 }] }),
    ]);
    expect(rows(shifts(s, [], local('2026-03-28T12:00'), local('2026-03-30T12:00')))).toEqual([
      '2026-03-28T12:00..2026-03-28T17:00 bob primary layer',
      '2026-03-28T17:00..2026-03-29T09:00 - - layer',
      '2026-03-29T09:00..2026-03-29T17:00 bob primary layer',
      '2026-03-29T17:00..2026-03-30T09:00 - - layer',
      '2026-03-30T09:00..2026-03-30T10:00 bob primary layer',
      '2026-03-30T10:00..2026-03-30T12:00 alice primary layer',
    ]);
  });

  it('a later layer wins; the one beneath shows through where the top has nobody', () => {
    const s = schedule([
      { name: 'secondary', start: '2026-03-02T10:00', turnHours: 168, members: ['dave', 'erin'] },
      weekly(['alice', 'bob', 'carol'], { restrictions: weekdaysOnly }),
    ]);
    expect(rows(shifts(s, [], local('2026-03-13T00:00'), local('2026-03-17T00:00')))).toEqual([
      '2026-03-13T00:00..2026-03-14T00:00 bob primary layer',
      '2026-03-14T00:00..2026-03-16T00:00 erin secondary layer',
      '2026-03-16T00:00..2026-03-16T10:00 bob primary layer',
      '2026-03-16T10:00..2026-03-17T00:00 carol primary layer',
    ]);
    expect(coverageGaps(s, [], local('2026-03-02T10:00'), local('2026-06-01T00:00'))).toEqual([]);
    // A layer asked for directly answers for itself.
    expect(onCallAt(s, [], local('2026-03-13T12:00'), 'secondary')?.person).toBe('erin');
    expect(onCallAt(s, [], local('2026-03-14T12:00'), 'primary')).toBeNull();
  });

  it('asking for a layer that does not exist throws', () => {
    expect(() => shifts(schedule([ABC]), [], 0, HOUR, 'nope')).toThrow(/no layer nope/);
  });
});

describe('overrides', () => {
  const s = schedule([
    { name: 'secondary', start: '2026-03-02T10:00', turnHours: 168, members: ['dave', 'erin'] },
    ABC,
  ]);
  const window: [number, number] = [local('2026-03-10T00:00'), local('2026-03-11T00:00')];

  it('replaces the final answer over its window, even across a handoff', () => {
    const o = override({ person: 'zed', start: local('2026-03-09T08:00'), end: local('2026-03-09T12:00') });
    expect(rows(shifts(s, [o], local('2026-03-09T06:00'), local('2026-03-09T14:00')))).toEqual([
      '2026-03-09T06:00..2026-03-09T08:00 alice primary layer',
      '2026-03-09T08:00..2026-03-09T12:00 zed - override',
      '2026-03-09T12:00..2026-03-09T14:00 bob primary layer',
    ]);
  });

  it('the newest of overlapping overrides wins where they overlap; the older shows elsewhere', () => {
    const older = override({
      person: 'zed',
      start: local('2026-03-10T08:00'),
      end: local('2026-03-10T16:00'),
    });
    const newer = override({
      person: 'carol',
      start: local('2026-03-10T12:00'),
      end: local('2026-03-10T20:00'),
    });
    const expected = [
      '2026-03-10T00:00..2026-03-10T08:00 bob primary layer',
      '2026-03-10T08:00..2026-03-10T12:00 zed - override',
      '2026-03-10T12:00..2026-03-10T20:00 carol - override',
      '2026-03-10T20:00..2026-03-11T00:00 bob primary layer',
    ];
    expect(rows(shifts(s, [older, newer], ...window))).toEqual(expected);
    // The list order does not matter, createdAt does.
    expect(rows(shifts(s, [newer, older], ...window))).toEqual(expected);
  });

  it('a layer override replaces that layer only; the final answer changes only where that layer shows', () => {
    const o = override({
      person: 'zed',
      layer: 'secondary',
      start: local('2026-03-10T08:00'),
      end: local('2026-03-10T16:00'),
    });
    expect(rows(shifts(s, [o], ...window))).toEqual(['2026-03-10T00:00..2026-03-11T00:00 bob primary layer']);
    expect(rows(shifts(s, [o], ...window, 'secondary'))).toEqual([
      '2026-03-10T00:00..2026-03-10T08:00 erin secondary layer',
      '2026-03-10T08:00..2026-03-10T16:00 zed secondary override',
      '2026-03-10T16:00..2026-03-11T00:00 erin secondary layer',
    ]);
    // On the top layer it does show, marked as an override of that layer.
    const top = override({ ...o, id: 'top', layer: 'primary' });
    expect(rows(shifts(s, [top], ...window))[1]).toBe(
      '2026-03-10T08:00..2026-03-10T16:00 zed primary override',
    );
  });

  it('a schedule-wide override does not change what a layer answers', () => {
    const o = override({ person: 'zed', start: window[0], end: window[1] });
    expect(onCallAt(s, [o], local('2026-03-10T12:00'))?.person).toBe('zed');
    expect(onCallAt(s, [o], local('2026-03-10T12:00'), 'primary')?.person).toBe('bob');
  });

  it('fills a gap, and overrides of other schedules or with no length are ignored', () => {
    const gappy = schedule([weekly(['alice'], { start: '2026-03-20T00:00' })]);
    const fill = override({
      person: 'zed',
      start: local('2026-03-10T00:00'),
      end: local('2026-03-10T06:00'),
    });
    const elsewhere = override({ schedule: 'other', person: 'bob', start: window[0], end: window[1] });
    const empty = override({ person: 'carol', start: window[0], end: window[0] });
    expect(rows(shifts(gappy, [fill, elsewhere, empty], ...window))).toEqual([
      '2026-03-10T00:00..2026-03-10T06:00 zed - override',
      '2026-03-10T06:00..2026-03-11T00:00 - - layer',
    ]);
  });
});

describe('queries', () => {
  const s = schedule([ABC]);

  it('nextOnCall names the next different person and when they start', () => {
    expect(nextOnCall(s, [], local('2026-03-03T12:00'))).toEqual({
      person: 'bob',
      layer: 'primary',
      start: local('2026-03-09T10:00'),
    });
    // Alice covering Bob's first day makes Bob's real start later.
    const o = override({ person: 'alice', start: local('2026-03-09T10:00'), end: local('2026-03-10T10:00') });
    expect(nextOnCall(s, [o], local('2026-03-03T12:00'))?.start).toBe(local('2026-03-10T10:00'));
    // From before the first handoff (nobody on call) the first person is next.
    expect(nextOnCall(s, [], local('2026-03-01T00:00'))?.person).toBe('alice');
  });

  it('nextOnCall skips gaps and returns null when nobody else ever comes', () => {
    const solo = schedule([
      weekly(['alice'], { restrictions: [{ type: 'daily', start: '09:00', durationHours: 8 }] }),
    ]);
    expect(nextOnCall(solo, [], local('2026-03-03T12:00'))).toBeNull();
    const o = override({ person: 'bob', start: local('2026-03-05T20:00'), end: local('2026-03-05T22:00') });
    expect(nextOnCall(solo, [o], local('2026-03-03T12:00'))).toEqual({
      person: 'bob',
      layer: null,
      start: local('2026-03-05T20:00'),
    });
  });

  it('onCallAt: null in a gap, until null when nothing changes within a year', () => {
    const solo = schedule([weekly(['alice'])]);
    expect(onCallAt(solo, [], local('2026-03-01T00:00'))).toBeNull();
    expect(onCallAt(solo, [], local('2026-03-03T00:00'))).toEqual({
      person: 'alice',
      layer: 'primary',
      until: null,
    });
  });

  it('handoffs include one exactly at `from` and exclude one exactly at `to`', () => {
    const at = local('2026-03-09T10:00');
    expect(handoffs(s, [], at, at + 1)).toEqual([{ at, layer: null, outgoing: 'alice', incoming: 'bob' }]);
    expect(handoffs(s, [], at - HOUR, at)).toEqual([]);
    expect(handoffs(s, [], at, at + HOUR, 'primary')[0]?.layer).toBe('primary');
  });

  it('handoffs count changes to and from nobody, and overrides', () => {
    const o = override({ person: 'zed', start: local('2026-03-04T00:00'), end: local('2026-03-05T00:00') });
    const list = handoffs(s, [o], local('2026-03-01T00:00'), local('2026-03-10T00:00'));
    expect(list.map((h) => `${wallOf(h.at)} ${h.outgoing}>${h.incoming}`)).toEqual([
      '2026-03-02T10:00 null>alice',
      '2026-03-04T00:00 alice>zed',
      '2026-03-05T00:00 zed>alice',
      '2026-03-09T10:00 alice>bob',
    ]);
  });

  it('resolveSchedule settles the zone from the config', () => {
    const cfg = oncallConfig({
      timeZone: 'Asia/Tokyo',
      schedules: { a: { layers: [ABC] }, b: { timeZone: 'UTC', layers: [ABC] } },
    });
    expect(resolveSchedule(cfg, 'a')?.timeZone).toBe('Asia/Tokyo');
    expect(resolveSchedule(cfg, 'b')).toEqual({ name: 'b', timeZone: 'UTC', layers: [ABC] });
    expect(resolveSchedule(cfg, 'c')).toBeNull();
    expect(resolveSchedule(cfg, 'toString')).toBeNull();
  });

  it('an empty or reversed window has no shifts', () => {
    expect(shifts(s, [], 10, 10)).toEqual([]);
    expect(shifts(s, [], 10, 5)).toEqual([]);
  });
});
