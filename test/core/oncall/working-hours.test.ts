import { describe, expect, it } from 'vitest';
import { isWorkingHours, nextWorkingHoursStart } from '../../../src/core/oncall/schedule.ts';
import { local, oncallConfig } from './fixtures.ts';

describe('working hours (mon-fri 09:00-18:00 Europe/Berlin)', () => {
  const cfg = oncallConfig();

  it.each([
    ['Monday 08:59', '2026-03-30T08:59', false, '2026-03-30T09:00'],
    ['Monday 09:00', '2026-03-30T09:00', true, '2026-03-30T09:00'],
    ['Monday 17:59', '2026-03-30T17:59', true, '2026-03-30T17:59'],
    ['Monday 18:00', '2026-03-30T18:00', false, '2026-03-31T09:00'],
    ['Friday evening', '2026-03-27T20:00', false, '2026-03-30T09:00'],
    ['Saturday noon', '2026-03-28T12:00', false, '2026-03-30T09:00'],
    ['Sunday of the DST change', '2026-03-29T12:00', false, '2026-03-30T09:00'],
    ['Sunday of the autumn change', '2026-10-25T02:30', false, '2026-10-26T09:00'],
  ])('%s: working=%s, next start %s', (_, at, working, next) => {
    expect(isWorkingHours(cfg, local(at))).toBe(working);
    expect(nextWorkingHoursStart(cfg, local(at))).toBe(local(next));
  });

  it('an end at or before the start runs past midnight', () => {
    const night = oncallConfig({ workingHours: { days: ['fri'], start: '22:00', end: '06:00' } });
    expect(isWorkingHours(night, local('2026-03-27T23:00'))).toBe(true);
    expect(isWorkingHours(night, local('2026-03-28T05:59'))).toBe(true);
    expect(isWorkingHours(night, local('2026-03-28T06:00'))).toBe(false);
    expect(isWorkingHours(night, local('2026-03-27T21:59'))).toBe(false);
    expect(nextWorkingHoursStart(night, local('2026-03-28T06:00'))).toBe(local('2026-04-03T22:00'));
    const allDay = oncallConfig({ workingHours: { days: ['sat'], start: '00:00', end: '00:00' } });
    expect(isWorkingHours(allDay, local('2026-03-28T23:59'))).toBe(true);
    expect(isWorkingHours(allDay, local('2026-03-29T00:00'))).toBe(false);
  });

  it('uses the on-call zone, and no working days means no quiet hours', () => {
    const tokyo = oncallConfig({ timeZone: 'Asia/Tokyo' });
    expect(isWorkingHours(tokyo, Date.parse('2026-03-30T01:00Z'))).toBe(true); // 10:00 in Tokyo
    const none = oncallConfig({ workingHours: { days: [], start: '09:00', end: '18:00' } });
    expect(isWorkingHours(none, local('2026-03-28T03:00'))).toBe(true);
    expect(nextWorkingHoursStart(none, 123)).toBe(123);
  });
});
