// From escalation targets to channels to send on. A target that reaches nobody (an empty rotation, an
// unknown name, a person without channels) yields a note instead of a page, so the policy moves on.
import { MINUTE } from '../oncall/civil.ts';
import { onCallAt, resolveSchedule } from '../oncall/schedule.ts';
import type { OncallConfig, Override } from '../oncall/types.ts';
import { formatLocal } from '../oncall/tz.ts';
import type { Target } from './types.ts';

export interface Reached {
  channel: string;
  recipient: string | null;
  /** Who this is, for `why` and the timeline: 'Alice (on call for ops/primary)', 'channel ops'. */
  label: string;
}

export interface Resolution {
  reached: Reached[];
  notes: string[];
}

const nameOf = (oncall: OncallConfig, id: string) =>
  (Object.hasOwn(oncall.people, id) ? oncall.people[id]?.name : undefined) ?? id;

function personChannels(oncall: OncallConfig, id: string, label: string, notes: string[]): Reached[] {
  const person = Object.hasOwn(oncall.people, id) ? oncall.people[id] : undefined;
  if (!person) {
    notes.push(`${label}: '${id}' is not in oncall.people, so nobody was paged for them.`);
    return [];
  }
  if (person.channels.length === 0) notes.push(`${label} has no channels, so nobody was paged for them.`);
  return person.channels.map((channel) => ({ channel, recipient: id, label }));
}

function resolveOne(
  target: Target,
  oncall: OncallConfig,
  overrides: Override[],
  now: number,
  notes: string[],
) {
  if ('channel' in target)
    return [{ channel: target.channel, recipient: null, label: `channel ${target.channel}` }];
  if ('person' in target) return personChannels(oncall, target.person, nameOf(oncall, target.person), notes);
  const where = target.layer === undefined ? target.oncall : `${target.oncall}/${target.layer}`;
  const schedule = resolveSchedule(oncall, target.oncall);
  if (!schedule) {
    notes.push(`Schedule '${target.oncall}' does not exist, so nobody was paged for it.`);
    return [];
  }
  if (target.layer !== undefined && !schedule.layers.some((l) => l.name === target.layer)) {
    notes.push(`Schedule '${target.oncall}' has no layer '${target.layer}', so nobody was paged for it.`);
    return [];
  }
  const who = onCallAt(schedule, overrides, now, target.layer);
  if (!who) {
    const when = formatLocal(Math.floor(now / MINUTE) * MINUTE, schedule.timeZone);
    notes.push(`Nobody is on call for ${where} at ${when}; that target paged nobody.`);
    return [];
  }
  const label = `${nameOf(oncall, who.person)} (on call for ${where})`;
  return personChannels(oncall, who.person, label, notes);
}

/** Every channel the targets reach at `now`, each channel once (the first target to reach it names it). */
export function resolveTargets(
  targets: Target[],
  oncall: OncallConfig,
  overrides: Override[],
  now: number,
): Resolution {
  const notes: string[] = [];
  const byChannel = new Map<string, Reached>();
  for (const target of targets) {
    for (const r of resolveOne(target, oncall, overrides, now, notes)) {
      if (!byChannel.has(r.channel)) byChannel.set(r.channel, r);
    }
  }
  return { reached: [...byChannel.values()], notes };
}
