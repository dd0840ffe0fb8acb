// Times and durations as the evidence pack, the report and the postmortem print them. The core has no
// Date: instants are formatted from civil-day arithmetic, always in UTC, so a document reads the same
// wherever it is generated.
import { civilFromDays, DAY } from '../oncall/civil.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-03-12 01:58:03` (UTC, seconds). */
export function formatUtc(ms: number): string {
  const days = Math.floor(ms / DAY);
  const { year, month, day } = civilFromDays(days);
  const s = Math.floor((ms - days * DAY) / 1000);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** `2026-03-12`. */
export function formatUtcDate(ms: number): string {
  return formatUtc(ms).slice(0, 10);
}

/** `01:58:03`, for timelines that state their day once. */
export function formatUtcTime(ms: number): string {
  return formatUtc(ms).slice(11);
}

/** `0s`, `45s`, `4m 10s`, `2h 05m`, `3d 4h`; a missing value is said to be missing, never shown as 0. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'not recorded';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Minutes with one decimal at most, for tables and charts: `4.2`. */
export function minutes(ms: number): number {
  return Math.round(ms / 6000) / 10;
}

/** `12,345`. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `$1.23`, `$0.004`: enough digits that a cheap session does not print as zero. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toPrecision(1)}`;
  return `$${usd.toFixed(2)}`;
}

/** `37%` (null for an empty denominator). */
export function formatShare(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${Math.round((100 * part) / whole)}%`;
}
