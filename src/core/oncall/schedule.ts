// The merged schedule: layers stacked (later layers win where they have someone), layer overrides on
// their layer, schedule-wide overrides on top of everything. An override puts its person on call for its
// whole window, even where the rotation had a gap (as PagerDuty's override layer does). Every query works
// on a "view": one layer with its own overrides, or the final answer (no layer given).
import { DAY } from './civil.ts';
import { layerSegments, type Segment } from './layer.ts';
import type { OncallConfig, Override, ResolvedSchedule, Shift } from './types.ts';

export { isWorkingHours, nextWorkingHoursStart } from './working-hours.ts';

/** How far onCallAt and nextOnCall look ahead before answering "no change in sight". */
export const LOOKAHEAD = 366 * DAY;
const CHUNK = 28 * DAY;

export interface OnCall {
  person: string;
  layer: string | null;
  /** When someone else (or nobody) takes over; null when nothing changes within LOOKAHEAD. */
  until: number | null;
}

export interface NextOnCall {
  person: string;
  layer: string | null;
  start: number;
}

export interface Handoff {
  at: number;
  /** The rotation that changed hands: a layer's name, or null for the schedule's final answer. */
  layer: string | null;
  outgoing: string | null;
  incoming: string | null;
}

export interface Gap {
  start: number;
  end: number;
}

/** The schedule `name` with its zone settled, or null when there is no such schedule. */
export function resolveSchedule(oncall: OncallConfig, name: string): ResolvedSchedule | null {
  const schedule = Object.hasOwn(oncall.schedules, name) ? oncall.schedules[name] : undefined;
  if (!schedule) return null;
  return { name, timeZone: schedule.timeZone ?? oncall.timeZone, layers: schedule.layers };
}

type Piece = Omit<Shift, 'start' | 'end'>;
const GAP: Piece = { person: null, layer: null, source: 'layer' };

/** The override in force at `t`: the newest by createdAt, and the later one in the list on a tie. */
function overrideAt(overrides: Override[], t: number): Override | undefined {
  let best: Override | undefined;
  for (const o of overrides) {
    if (o.start <= t && t < o.end && (!best || o.createdAt >= best.createdAt)) best = o;
  }
  return best;
}

/** The element of a sorted, non-overlapping list that covers `t`. */
function covering<T extends { start: number; end: number }>(list: T[], t: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const item = list[mid]!;
    if (t < item.start) hi = mid - 1;
    else if (t >= item.end) lo = mid + 1;
    else return item;
  }
  return undefined;
}

/** Cut [from, to) at every boundary, ask `valueAt` for each piece, and merge equal neighbours. */
function paint(from: number, to: number, boundaries: number[], valueAt: (t: number) => Piece): Shift[] {
  const points = [...new Set(boundaries.filter((b) => b > from && b < to))].sort((a, b) => a - b);
  points.push(to);
  const out: Shift[] = [];
  let start = from;
  for (const end of points) {
    const v = valueAt(start);
    const last = out[out.length - 1];
    if (last && last.person === v.person && last.layer === v.layer && last.source === v.source)
      last.end = end;
    else out.push({ ...v, start, end });
    start = end;
  }
  return out;
}

function relevant(overrides: Override[], schedule: string, layer: string | null, from: number, to: number) {
  return overrides.filter(
    (o) =>
      o.schedule === schedule &&
      (o.layer ?? null) === layer &&
      o.start < o.end &&
      o.end > from &&
      o.start < to,
  );
}

const edges = (list: Array<{ start: number; end: number }>) => list.flatMap((x) => [x.start, x.end]);

function layerView(
  schedule: ResolvedSchedule,
  overrides: Override[],
  name: string,
  from: number,
  to: number,
) {
  const layer = schedule.layers.find((l) => l.name === name);
  if (!layer) throw new RangeError(`schedule ${schedule.name} has no layer ${name}`);
  const segments: Segment[] = layerSegments(layer, schedule.timeZone, from, to);
  const mine = relevant(overrides, schedule.name, name, from, to);
  return paint(from, to, [...edges(segments), ...edges(mine)], (t): Piece => {
    const o = overrideAt(mine, t);
    if (o) return { person: o.person, layer: name, source: 'override' };
    const s = covering(segments, t);
    return s ? { person: s.person, layer: name, source: 'layer' } : GAP;
  });
}

/**
 * Who is on call over [from, to): contiguous shifts covering the window exactly, gaps included as
 * `person: null`. With `layer`, that layer's rotation (with its overrides) instead of the final answer.
 */
export function shifts(
  schedule: ResolvedSchedule,
  overrides: Override[],
  from: number,
  to: number,
  layer?: string,
): Shift[] {
  if (!(from < to)) return [];
  if (layer !== undefined) return layerView(schedule, overrides, layer, from, to);
  const views = schedule.layers.map((l) => layerView(schedule, overrides, l.name, from, to)).reverse();
  const global = relevant(overrides, schedule.name, null, from, to);
  return paint(from, to, [...views.flatMap(edges), ...edges(global)], (t): Piece => {
    const o = overrideAt(global, t);
    if (o) return { person: o.person, layer: null, source: 'override' };
    for (const view of views) {
      const s = covering(view, t);
      if (s && s.person !== null) return { person: s.person, layer: s.layer, source: s.source };
    }
    return GAP;
  });
}

/** Shifts from `at` on, a chunk at a time, as far as LOOKAHEAD. */
function* ahead(schedule: ResolvedSchedule, overrides: Override[], at: number, layer: string | undefined) {
  for (let from = at; from < at + LOOKAHEAD; from += CHUNK) {
    yield* shifts(schedule, overrides, from, Math.min(from + CHUNK, at + LOOKAHEAD), layer);
  }
}

/** Who is on call at `at` and until when; null when nobody is. */
export function onCallAt(
  schedule: ResolvedSchedule,
  overrides: Override[],
  at: number,
  layer?: string,
): OnCall | null {
  let current: OnCall | null = null;
  for (const s of ahead(schedule, overrides, at, layer)) {
    if (!current) {
      if (s.person === null) return null;
      current = { person: s.person, layer: s.layer, until: null };
    } else if (s.person !== current.person) {
      current.until = s.start;
      break;
    }
  }
  return current;
}

/** The next person, other than whoever is on call at `at`, to go on call, and when (gaps skipped). */
export function nextOnCall(
  schedule: ResolvedSchedule,
  overrides: Override[],
  at: number,
  layer?: string,
): NextOnCall | null {
  let current: string | null | undefined;
  for (const s of ahead(schedule, overrides, at, layer)) {
    if (current === undefined) current = s.person;
    else if (s.person !== null && s.person !== current)
      return { person: s.person, layer: s.layer, start: s.start };
  }
  return null;
}

/** Stretches of [from, to) with nobody on call. */
export function coverageGaps(
  schedule: ResolvedSchedule,
  overrides: Override[],
  from: number,
  to: number,
  layer?: string,
): Gap[] {
  return shifts(schedule, overrides, from, to, layer)
    .filter((s) => s.person === null)
    .map(({ start, end }) => ({ start, end }));
}

/**
 * Every change of person (gaps count as "nobody") at an instant in [from, to), in one layer's rotation
 * or, without `layer`, in the final answer.
 */
export function handoffs(
  schedule: ResolvedSchedule,
  overrides: Override[],
  from: number,
  to: number,
  layer?: string,
): Handoff[] {
  // Start a millisecond early so a change exactly at `from` shows up as a boundary.
  const list = shifts(schedule, overrides, from - 1, to, layer);
  const out: Handoff[] = [];
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1]!;
    const cur = list[i]!;
    if (prev.person !== cur.person) {
      out.push({ at: cur.start, layer: layer ?? null, outgoing: prev.person, incoming: cur.person });
    }
  }
  return out;
}
