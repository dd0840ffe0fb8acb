// Calendar arithmetic without Date objects. A "wall" value is a local wall-clock reading encoded as if it
// were a UTC instant (milliseconds), so adding a day or a week to it is plain addition and DST never
// enters; src/core/oncall/tz.ts turns wall values into real instants for a zone.
import { WEEKDAYS, type Weekday } from './types.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export interface Civil {
  year: number;
  month: number;
  day: number;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
export function daysFromCivil({ year, month, day }: Civil): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function civilFromDays(days: number): Civil {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export const dayOf = (wall: number): number => Math.floor(wall / DAY);
export const startOfDay = (wall: number): number => dayOf(wall) * DAY;

/** Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday). */
export const weekdayIndex = (wall: number): number => (((dayOf(wall) + 3) % 7) + 7) % 7;
export const weekdayOf = (wall: number): Weekday => WEEKDAYS[weekdayIndex(wall)]!;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 'HH:mm' → minutes after midnight, or null when malformed. '24:00' is not accepted. */
export function parseClock(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** 'YYYY-MM-DDTHH:mm' → wall value, or null when malformed or not a real date. */
export function parseWall(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})$/.exec(text);
  if (!m) return null;
  const civil = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const minutes = parseClock(m[4]!);
  if (minutes === null || civil.month < 1 || civil.month > 12 || civil.day < 1) return null;
  const days = daysFromCivil(civil);
  const back = civilFromDays(days);
  if (back.month !== civil.month || back.day !== civil.day) return null;
  return days * DAY + minutes * MINUTE;
}

/** Wall value → 'YYYY-MM-DDTHH:mm' (seconds dropped). */
export function formatWall(wall: number): string {
  const { year, month, day } = civilFromDays(dayOf(wall));
  const minutes = Math.floor((wall - startOfDay(wall)) / MINUTE);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** Instant → RFC 5545 UTC form 'YYYYMMDDTHHMMSSZ'. */
export function formatUtcBasic(instant: number): string {
  const { year, month, day } = civilFromDays(dayOf(instant));
  const seconds = Math.floor((instant - startOfDay(instant)) / 1000);
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  return `${pad(year, 4)}${pad(month)}${pad(day)}T${pad(hh)}${pad(mm)}${pad(seconds % 60)}Z`;
}
