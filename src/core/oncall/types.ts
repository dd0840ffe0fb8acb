// The on-call configuration as the core sees it: people, schedules made of rotating layers, and overrides.
// The zod schemas in src/config/oncall-schema.ts parse agent-sre.yaml into exactly these types. Wall-clock
// strings are read in the schedule's IANA zone; every instant is epoch milliseconds.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Monday first, as in ISO 8601 and PagerDuty's `start_day_of_week` (1 = Monday). */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface Person {
  name: string;
  /** Channel names (as configured under `channels:`) that reach this person. */
  channels: string[];
}

export interface WorkingHours {
  days: Weekday[];
  /** 'HH:mm' local time in `OncallConfig.timeZone`. */
  start: string;
  /** 'HH:mm'; at or before `start` means the window runs past midnight into the next day. */
  end: string;
}

export interface OncallConfig {
  /** IANA zone for working hours and the default zone of schedules. */
  timeZone: string;
  workingHours: WorkingHours;
  /** How long before a handoff the incoming person is told. */
  handoffNoticeMinutes: number;
  people: Record<string, Person>;
  schedules: Record<string, Schedule>;
}

export interface Schedule {
  /** Defaults to `OncallConfig.timeZone`. */
  timeZone?: string;
  /** Later layers win where they have someone on call (PagerDuty's layer stack). */
  layers: Layer[];
}

export type Restriction =
  | { type: 'daily'; start: string; durationHours: number }
  | { type: 'weekly'; startDay: Weekday; start: string; durationHours: number };

export interface Layer {
  name: string;
  /** Local wall-clock 'YYYY-MM-DDTHH:mm' in the schedule's zone: the first handoff. */
  start: string;
  /** Turn length in wall-clock hours: 168 hands off at the same local time every week, whatever DST does. */
  turnHours: number;
  /** Person ids, in rotation order. */
  members: string[];
  /** When present the layer only has coverage inside these windows. */
  restrictions?: Restriction[];
  /** Local wall-clock 'YYYY-MM-DDTHH:mm'; no coverage from then on. */
  end?: string;
}

export interface Override {
  id: string;
  schedule: string;
  /** Replace this layer's person; absent = replace the schedule's final answer. */
  layer?: string;
  person: string;
  start: number;
  end: number;
  /** Newest wins among overlapping overrides of the same scope. */
  createdAt: number;
  reason?: string;
}

/** A schedule with its name and its zone settled, which is what the schedule functions work on. */
export interface ResolvedSchedule {
  name: string;
  timeZone: string;
  layers: Layer[];
}

export interface Shift {
  /** null = nobody on call (a coverage gap). */
  person: string | null;
  /** The layer that supplied the person; null for gaps and schedule-wide overrides. */
  layer: string | null;
  start: number;
  end: number;
  source: 'layer' | 'override';
}
