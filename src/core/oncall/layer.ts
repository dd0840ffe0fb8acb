// One layer's own rotation, before overrides and before other layers: who holds each turn, cut down to
// the layer's restriction windows. Turns and restrictions are stepped in wall-clock time and only then
// turned into instants, so a weekly handoff at Monday 10:00 stays at 10:00 local across DST (a turn that
// spans a DST change is an hour shorter or longer in real time).
import { DAY, dayOf, HOUR, MINUTE, parseClock, parseWall, WEEK, weekdayIndex } from './civil.ts';
import { type Layer, type Restriction, WEEKDAYS } from './types.ts';
import { fromWall, toWall } from './tz.ts';

/** A stretch of one layer's coverage; `person` is never empty here (no coverage = no segment). */
export interface Segment {
  person: string;
  start: number;
  end: number;
}

interface Window {
  start: number;
  end: number;
}

function wallOf(text: string, what: string): number {
  const wall = parseWall(text);
  if (wall === null) throw new RangeError(`${what}: '${text}' is not a 'YYYY-MM-DDTHH:mm' wall-clock time`);
  return wall;
}

function clockOf(text: string, what: string): number {
  const minutes = parseClock(text);
  if (minutes === null) throw new RangeError(`${what}: '${text}' is not an 'HH:mm' time`);
  return minutes * MINUTE;
}

/** The layer's coverage in [from, to), split wherever the person changes. */
export function layerSegments(layer: Layer, timeZone: string, from: number, to: number): Segment[] {
  const startWall = wallOf(layer.start, `layer ${layer.name} start`);
  const turn = Math.round(layer.turnHours * HOUR);
  if (!(turn > 0)) throw new RangeError(`layer ${layer.name}: turnHours must be positive`);
  const firstHandoff = fromWall(startWall, timeZone);
  const endsAt =
    layer.end === undefined
      ? Number.POSITIVE_INFINITY
      : fromWall(wallOf(layer.end, `layer ${layer.name} end`), timeZone);
  const lo = Math.max(from, firstHandoff);
  const hi = Math.min(to, endsAt);
  if (lo >= hi || layer.members.length === 0) return [];

  const handoff = (k: number) => fromWall(startWall + k * turn, timeZone);
  // Estimate the turn holding `lo` from its wall clock, then settle it on instants (fall-back hours make
  // the wall clock briefly run backwards).
  let k = Math.max(0, Math.floor((toWall(lo, timeZone) - startWall) / turn));
  while (k > 0 && handoff(k) > lo) k--;
  while (handoff(k + 1) <= lo) k++;

  const turns: Segment[] = [];
  for (let start = handoff(k); start < hi; k++) {
    const next = handoff(k + 1);
    const s = Math.max(start, lo);
    const e = Math.min(next, hi);
    if (s < e) turns.push({ person: layer.members[k % layer.members.length]!, start: s, end: e });
    start = next;
  }
  const restrictions = layer.restrictions ?? [];
  return restrictions.length === 0
    ? turns
    : intersect(turns, restrictionWindows(restrictions, layer.name, timeZone, lo, hi));
}

/** The union of the restriction windows that touch [lo, hi), sorted and merged. */
function restrictionWindows(
  restrictions: Restriction[],
  layerName: string,
  timeZone: string,
  lo: number,
  hi: number,
): Window[] {
  const longest = Math.max(...restrictions.map((r) => r.durationHours)) * HOUR;
  // Start early enough to catch a window opened a week (plus its length) before `lo`.
  const firstDay = dayOf(toWall(lo, timeZone) - longest - WEEK);
  const lastDay = dayOf(toWall(hi, timeZone) + DAY);
  const windows: Window[] = [];
  for (const r of restrictions) {
    const startOfWindow = clockOf(r.start, `layer ${layerName} restriction`);
    const length = r.durationHours * HOUR;
    const weekday = r.type === 'weekly' ? WEEKDAYS.indexOf(r.startDay) : -1;
    for (let day = firstDay; day <= lastDay; day++) {
      if (weekday >= 0 && weekdayIndex(day * DAY) !== weekday) continue;
      const wall = day * DAY + startOfWindow;
      const start = fromWall(wall, timeZone);
      const end = fromWall(wall + length, timeZone);
      if (end > lo && start < hi && start < end) windows.push({ start, end });
    }
  }
  windows.sort((a, b) => a.start - b.start);
  const merged: Window[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged;
}

function intersect(turns: Segment[], windows: Window[]): Segment[] {
  const out: Segment[] = [];
  let w = 0;
  for (const t of turns) {
    while (w < windows.length && windows[w]!.end <= t.start) w++;
    for (let i = w; i < windows.length && windows[i]!.start < t.end; i++) {
      const start = Math.max(t.start, windows[i]!.start);
      const end = Math.min(t.end, windows[i]!.end);
      if (start < end) out.push({ person: t.person, start, end });
    }
  }
  return out;
}
