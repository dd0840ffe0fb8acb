// Working hours in the on-call zone: what decides whether a SEV3/SEV4 may page now. A window opens on
// each listed day at `start`; an `end` at or before `start` runs into the next day (so 22:00-06:00 is a
// night shift and 00:00-00:00 a whole day). With no working days at all there are no quiet hours: every
// moment counts as working hours (the config schema insists on at least one day).
import { DAY, dayOf, MINUTE, parseClock, weekdayOf } from './civil.ts';
import type { OncallConfig } from './types.ts';
import { fromWall, toWall } from './tz.ts';

interface Window {
  start: number;
  end: number;
}

function windowOn(oncall: OncallConfig, day: number): Window | null {
  const { days, start, end } = oncall.workingHours;
  if (!days.includes(weekdayOf(day * DAY))) return null;
  const open = parseClock(start);
  const close = parseClock(end);
  if (open === null || close === null) throw new RangeError(`working hours ${start}-${end} are not 'HH:mm'`);
  const endWall = day * DAY + close * MINUTE + (close <= open ? DAY : 0);
  return {
    start: fromWall(day * DAY + open * MINUTE, oncall.timeZone),
    end: fromWall(endWall, oncall.timeZone),
  };
}

export function isWorkingHours(oncall: OncallConfig, at: number): boolean {
  if (oncall.workingHours.days.length === 0) return true;
  const today = dayOf(toWall(at, oncall.timeZone));
  for (const day of [today - 1, today]) {
    const w = windowOn(oncall, day);
    if (w && w.start <= at && at < w.end) return true;
  }
  return false;
}

/** `at` itself inside working hours, else the next moment they begin. */
export function nextWorkingHoursStart(oncall: OncallConfig, at: number): number {
  if (isWorkingHours(oncall, at)) return at;
  const today = dayOf(toWall(at, oncall.timeZone));
  for (let day = today; day <= today + 8; day++) {
    const w = windowOn(oncall, day);
    if (w && w.start >= at) return w.start;
  }
  // Unreachable: some listed day opens within the next eight.
  return at;
}
