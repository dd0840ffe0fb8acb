// Shifts for a feed that is regenerated over and over: `shifts` cuts the first and last shift at the
// window's edges, so a feed built "from now" would start the current shift at a new time on every run,
// and calendar clients would keep it as a new event each time. Here the shifts at the edges are widened
// to when their person really went on call and really goes off.
import { DAY, parseWall } from './civil.ts';
import { LOOKAHEAD, shifts } from './schedule.ts';
import type { Override, ResolvedSchedule, Shift } from './types.ts';
import { fromWall } from './tz.ts';

const FIRST_STEP = 7 * DAY;

const same = (a: Shift, b: Shift) => a.person === b.person && a.layer === b.layer && a.source === b.source;

/** Before this instant nothing covers the schedule: no layer has started and no override begins. */
function earliestCoverage(schedule: ResolvedSchedule, overrides: Override[]): number {
  const starts = schedule.layers.map((l) => {
    // An unreadable start makes `shifts` throw anyway; it must not send the search back forever.
    const wall = parseWall(l.start);
    return wall === null ? Number.POSITIVE_INFINITY : fromWall(wall, schedule.timeZone);
  });
  for (const o of overrides) if (o.schedule === schedule.name) starts.push(o.start);
  return Math.min(...starts);
}

/** From this instant on nothing covers the schedule; +Infinity while a layer runs without an end. */
function lastCoverage(schedule: ResolvedSchedule, overrides: Override[]): number {
  const ends = schedule.layers.map((l) => {
    const wall = l.end === undefined ? null : parseWall(l.end);
    return wall === null ? Number.POSITIVE_INFINITY : fromWall(wall, schedule.timeZone);
  });
  for (const o of overrides) if (o.schedule === schedule.name) ends.push(o.end);
  return Math.max(...ends);
}

/** When the shift holding `from` really began: look back in doubling steps until its start is inside. */
function realStart(schedule: ResolvedSchedule, overrides: Override[], first: Shift): number {
  const floor = earliestCoverage(schedule, overrides);
  // Before every layer and override there is only a gap with no beginning; its edge stays where it is.
  if (!(first.start > floor)) return first.start;
  for (let step = FIRST_STEP; ; step *= 2) {
    const lo = Math.max(first.start - step, floor);
    const run = shifts(schedule, overrides, lo, first.end).at(-1);
    if (!run || !same(run, first)) return first.start;
    if (run.start > lo || lo === floor) return run.start;
  }
}

/**
 * When the shift holding the window's end really ends, looked for up to LOOKAHEAD beyond it. A rotation
 * that never hands over within that keeps the window's end (the event is then updated, not duplicated).
 */
function realEnd(schedule: ResolvedSchedule, overrides: Override[], last: Shift): number {
  const ceiling = Math.min(lastCoverage(schedule, overrides), last.end + LOOKAHEAD);
  if (!(last.end < ceiling)) return last.end;
  for (let step = FIRST_STEP; ; step *= 2) {
    const hi = Math.min(last.end + step, ceiling);
    const run = shifts(schedule, overrides, last.start, hi)[0];
    if (!run || !same(run, last)) return last.end;
    if (run.end < hi) return run.end;
    if (hi === ceiling) return hi === lastCoverage(schedule, overrides) ? hi : last.end;
  }
}

/**
 * The shifts that overlap [from, to), whole: like `shifts`, but the first starts at its real start and
 * the last ends at its real end, so the same shift comes out the same whenever it is asked for.
 */
export function wholeShifts(
  schedule: ResolvedSchedule,
  overrides: Override[],
  from: number,
  to: number,
): Shift[] {
  const list = shifts(schedule, overrides, from, to);
  const first = list[0];
  const last = list.at(-1);
  if (!first || !last) return list;
  const start = realStart(schedule, overrides, first);
  const end = realEnd(schedule, overrides, last);
  list[0] = { ...list[0]!, start };
  list[list.length - 1] = { ...list.at(-1)!, end };
  return list;
}
