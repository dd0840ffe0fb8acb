// Wall clock <-> instant for an IANA zone, with Intl as the only source of zone rules.
// A wall clock that never happens (skipped by a spring-forward) maps to the moment the clock jumps, and
// one that happens twice (fall-back) maps to its first occurrence. Both choices keep the mapping
// monotonic, so handoffs computed in wall-clock terms can never come out of order.
import { DAY, daysFromCivil, formatWall, HOUR, MINUTE } from './civil.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (it throws a RangeError for names it does not). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function exactWall(instant: number, timeZone: string): number {
  const millis = ((instant % 1000) + 1000) % 1000;
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant - millis)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const days = daysFromCivil({ year: fields.year!, month: fields.month!, day: fields.day! });
  // Some ICU versions still print midnight as 24 even with h23.
  const hour = fields.hour! % 24;
  return days * DAY + hour * HOUR + fields.minute! * MINUTE + fields.second! * 1000 + millis;
}

// formatToParts costs microseconds and schedules ask for the same hours over and over. Zones never change
// offset twice within an hour, so an hour whose first and last second agree has one offset throughout.
const hourOffsets = new Map<string, Map<number, number | null>>();
const CACHE_LIMIT = 50_000;

function cachedOffset(instant: number, timeZone: string): number | null {
  let zone = hourOffsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    hourOffsets.set(timeZone, zone);
  }
  const hour = Math.floor(instant / HOUR);
  let offset = zone.get(hour);
  if (offset === undefined) {
    const first = exactWall(hour * HOUR, timeZone) - hour * HOUR;
    const last = exactWall((hour + 1) * HOUR - 1000, timeZone) - ((hour + 1) * HOUR - 1000);
    offset = first === last ? first : null;
    if (zone.size >= CACHE_LIMIT) zone.clear();
    zone.set(hour, offset);
  }
  return offset;
}

/** The wall clock of `instant` in `timeZone`, as a wall value (see civil.ts). */
export function toWall(instant: number, timeZone: string): number {
  const offset = cachedOffset(instant, timeZone);
  return offset === null ? exactWall(instant, timeZone) : instant + offset;
}

/** Milliseconds to add to UTC to get the zone's wall clock at `instant`. */
export const offsetAt = (instant: number, timeZone: string): number => toWall(instant, timeZone) - instant;

/** The instant the zone's clocks read `wall` (skipped times: the jump; repeated times: the first). */
export function fromWall(wall: number, timeZone: string): number {
  // A day either side of the wall value is safely before and after any transition near it.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  for (const offset of before >= after ? [before, after] : [after, before]) {
    if (toWall(wall - offset, timeZone) === wall) return wall - offset;
  }
  if (after <= before) return wall - before;
  // Skipped: find the transition, the first whole second whose wall clock is at or past `wall`.
  let lo = Math.floor((wall - after) / 1000) * 1000;
  let hi = Math.ceil((wall - before) / 1000) * 1000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (toWall(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** 'YYYY-MM-DD HH:mm <zone>' for people reading a notice. */
export function formatLocal(instant: number, timeZone: string): string {
  return `${formatWall(toWall(instant, timeZone)).replace('T', ' ')} ${timeZone}`;
}
