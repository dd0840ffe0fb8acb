import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  DAY,
  daysFromCivil,
  formatUtcBasic,
  formatWall,
  parseClock,
  parseWall,
} from '../../../src/core/oncall/civil.ts';
import { formatLocal, fromWall, isTimeZone, offsetAt, toWall } from '../../../src/core/oncall/tz.ts';

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Auckland',
  'UTC',
];

describe('wall clock → instant', () => {
  it.each([
    ['an ordinary winter time', 'Europe/Berlin', '2026-01-15T12:00', '2026-01-15T11:00:00.000Z'],
    ['an ordinary summer time', 'Europe/Berlin', '2026-07-15T12:00', '2026-07-15T10:00:00.000Z'],
    ['just before the spring gap', 'Europe/Berlin', '2026-03-29T01:59', '2026-03-29T00:59:00.000Z'],
    [
      'inside the spring gap: moves to the jump',
      'Europe/Berlin',
      '2026-03-29T02:30',
      '2026-03-29T01:00:00.000Z',
    ],
    ['start of the gap: moves to the jump', 'Europe/Berlin', '2026-03-29T02:00', '2026-03-29T01:00:00.000Z'],
    ['the first real time after the gap', 'Europe/Berlin', '2026-03-29T03:00', '2026-03-29T01:00:00.000Z'],
    ['repeated hour: the earlier instant', 'Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'],
    ['after the repeated hour', 'Europe/Berlin', '2026-10-25T03:00', '2026-10-25T02:00:00.000Z'],
    ['New York spring gap', 'America/New_York', '2026-03-08T02:30', '2026-03-08T07:00:00.000Z'],
    ['New York repeated hour', 'America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'],
    ['Lord Howe half-hour gap', 'Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:30:00.000Z'],
    ['half-hour zone', 'Asia/Kolkata', '2026-06-01T00:00', '2026-05-31T18:30:00.000Z'],
  ])('%s (%s %s)', (_, tz, wall, iso) => {
    expect(fromWall(parseWall(wall)!, tz)).toBe(Date.parse(iso));
  });

  it('is monotonic through a gap and a repeated hour', () => {
    for (const [tz, day] of [
      ['Europe/Berlin', '2026-03-29'],
      ['Europe/Berlin', '2026-10-25'],
      ['America/New_York', '2026-03-08'],
    ] as const) {
      const base = parseWall(`${day}T00:00`)!;
      let last = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < 24 * 60; m += 5) {
        const t = fromWall(base + m * 60_000, tz);
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    }
  });

  it('reads offsets and formats local times', () => {
    expect(offsetAt(Date.parse('2026-07-01T00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(offsetAt(Date.parse('2026-07-01T00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(formatLocal(Date.parse('2026-03-30T08:00Z'), 'Europe/Berlin')).toBe(
      '2026-03-30 10:00 Europe/Berlin',
    );
    expect(toWall(Date.parse('2026-03-30T08:00:01.250Z'), 'UTC') % 1000).toBe(250);
  });

  it('knows IANA zones and rejects others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('civil arithmetic', () => {
  it('parses and rejects wall clocks and clock times', () => {
    expect(parseWall('2026-02-28T23:59')).toBe(Date.parse('2026-02-28T23:59Z'));
    for (const bad of [
      '2026-02-29T10:00',
      '2026-13-01T10:00',
      '2026-01-01T24:00',
      '2026-01-01 10:00',
      '2026-1-1T10:00',
    ])
      expect(parseWall(bad), bad).toBeNull();
    expect(parseClock('00:00')).toBe(0);
    expect(parseClock('23:59')).toBe(1439);
    for (const bad of ['24:00', '9:00', '09:60', '0900']) expect(parseClock(bad), bad).toBeNull();
    expect(formatUtcBasic(Date.parse('2026-03-30T08:05:09.999Z'))).toBe('20260330T080509Z');
  });

  it('agrees with Date.UTC for any day from 1600 to 2600', () => {
    fc.assert(
      fc.property(fc.integer({ min: -135_000, max: 230_000 }), (days) => {
        const c = civilFromDays(days);
        expect(Date.UTC(c.year, c.month - 1, c.day)).toBe(days * DAY);
        expect(daysFromCivil(c)).toBe(days);
      }),
    );
  });
});

describe('properties', () => {
  // Minutes from 1971 to 2099, so every wall clock is an ordinary four-digit year.
  const anyMinute = fc.integer({ min: 365 * 24 * 60, max: 47_000 * 24 * 60 }).map((m) => m * 60_000);
  // Uniform minutes rarely land on a DST change, so half the samples are the nights of 2026's changes.
  const changeNights = [
    '2026-03-08',
    '2026-03-29',
    '2026-04-05',
    '2026-09-27',
    '2026-10-04',
    '2026-10-25',
    '2026-11-01',
  ];
  const nearChange = fc
    .tuple(fc.constantFrom(...changeNights), fc.integer({ min: -6 * 60, max: 6 * 60 }))
    .map(([day, m]) => parseWall(`${day}T02:00`)! + m * 60_000);
  const wallMinute = fc.oneof(anyMinute, nearChange);

  it('wall → instant → wall is the identity for every wall clock that exists', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), wallMinute, (tz, wall) => {
        const instant = fromWall(wall, tz);
        // A skipped wall clock does not exist: it moves forward, to the jump, and reads later.
        const back = toWall(instant, tz);
        if (back !== wall) {
          expect(back).toBeGreaterThan(wall);
          expect(toWall(instant - 1000, tz)).toBeLessThan(wall);
        } else expect(formatWall(back)).toBe(formatWall(wall));
      }),
      { numRuns: 500 },
    );
  });

  it('instant → wall → instant is the identity except in the second pass of a repeated hour', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), wallMinute, (tz, instant) => {
        const again = fromWall(toWall(instant, tz), tz);
        if (again !== instant) {
          expect(again).toBeLessThan(instant);
          expect(toWall(again, tz)).toBe(toWall(instant, tz));
        }
      }),
      { numRuns: 500 },
    );
  });
});
