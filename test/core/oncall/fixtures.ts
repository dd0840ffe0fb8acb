// Shared helpers for the on-call tests: local wall-clock strings in, instants out, and back.
import { formatWall, parseWall } from '../../../src/core/oncall/civil.ts';
import type { Layer, OncallConfig, Override, ResolvedSchedule } from '../../../src/core/oncall/types.ts';
import { fromWall, toWall } from '../../../src/core/oncall/tz.ts';

export const BERLIN = 'Europe/Berlin';

/** 'YYYY-MM-DDTHH:mm' local time in `tz` → instant. */
export function local(text: string, tz = BERLIN): number {
  const wall = parseWall(text);
  if (wall === null) throw new Error(`bad wall clock ${text}`);
  return fromWall(wall, tz);
}

/** Instant → 'YYYY-MM-DDTHH:mm' local time in `tz`. */
export const wallOf = (instant: number, tz = BERLIN) => formatWall(toWall(instant, tz));

export const utc = (iso: string) => Date.parse(iso);

export const weekly = (members: string[], extra: Partial<Layer> = {}): Layer => ({
  name: 'primary',
  start: '2026-03-02T10:00', // a Monday
  turnHours: 168,
  members,
  ...extra,
});

export const schedule = (layers: Layer[], timeZone = BERLIN, name = 'ops'): ResolvedSchedule => ({
  name,
  timeZone,
  layers,
});

let seq = 0;
export function override(
  fields: Omit<Override, 'id' | 'schedule' | 'createdAt'> & Partial<Override>,
): Override {
  seq++;
  return { id: `ovr-${seq}`, schedule: 'ops', createdAt: seq, ...fields };
}

export const PEOPLE: OncallConfig['people'] = {
  alice: { name: 'Alice', channels: ['slack-alice', 'sms-alice'] },
  bob: { name: 'Bob', channels: ['slack-bob'] },
  carol: { name: 'Carol', channels: ['slack-carol'] },
  dave: { name: 'Dave', channels: ['slack-dave'] },
  erin: { name: 'Erin', channels: [] },
  zed: { name: 'Zed', channels: ['slack-zed'] },
};

export function oncallConfig(extra: Partial<OncallConfig> = {}): OncallConfig {
  return {
    timeZone: BERLIN,
    workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
    handoffNoticeMinutes: 60,
    people: PEOPLE,
    schedules: { ops: { layers: [weekly(['alice', 'bob', 'carol'])] } },
    ...extra,
  };
}
