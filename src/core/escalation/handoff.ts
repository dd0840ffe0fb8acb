// "You go on call at 10:00": the notices a worker sends ahead of each handoff. The worker passes the
// window it has not covered yet, (lastRun, now], so consecutive runs never repeat or miss a notice; the
// key is deterministic so a retried run is deduplicated downstream as well.
//
// Notices come from each layer's own rotation (escalation can page a layer directly) and from the
// schedule's final answer (so schedule-wide overrides are announced too). A final-answer handoff that
// repeats a layer's (same instant, same incoming person) is dropped. Handoffs to nobody are not
// announced: there is no one to tell.
import { MINUTE } from '../oncall/civil.ts';
import { type Handoff, handoffs, resolveSchedule } from '../oncall/schedule.ts';
import type { OncallConfig, Override } from '../oncall/types.ts';
import { formatLocal } from '../oncall/tz.ts';

export interface HandoffNotice {
  /** `handoff/<schedule>/<layer>/<at>`, with `*` as the layer for the schedule's final answer. */
  key: string;
  schedule: string;
  /** null for the schedule's final answer. */
  layer: string | null;
  at: number;
  incoming: string;
  outgoing: string | null;
  /** The incoming person's channels. */
  channels: string[];
  text: string;
}

export function handoffNotices(
  oncall: OncallConfig,
  overrides: Override[],
  lastRun: number,
  now: number,
): HandoffNotice[] {
  if (!(now > lastRun)) return [];
  const lead = oncall.handoffNoticeMinutes * MINUTE;
  // notice = at - lead in (lastRun, now]  <=>  at in [lastRun + lead + 1, now + lead + 1) for integer ms.
  const from = lastRun + lead + 1;
  const to = now + lead + 1;
  const person = (id: string) => (Object.hasOwn(oncall.people, id) ? oncall.people[id] : undefined);
  const nameOf = (id: string) => person(id)?.name ?? id;

  const notice = (schedule: string, timeZone: string, h: Handoff, incoming: string): HandoffNotice => {
    const where = h.layer === null ? schedule : `${schedule}/${h.layer}`;
    const verb = h.at > now ? 'goes' : 'went';
    const takingOver = h.outgoing === null ? '' : `, taking over from ${nameOf(h.outgoing)}`;
    return {
      key: `handoff/${schedule}/${h.layer ?? '*'}/${h.at}`,
      schedule,
      layer: h.layer,
      at: h.at,
      incoming,
      outgoing: h.outgoing,
      channels: [...(person(incoming)?.channels ?? [])],
      text: `${nameOf(incoming)} ${verb} on call for ${where} at ${formatLocal(h.at, timeZone)}${takingOver}.`,
    };
  };

  const notices: HandoffNotice[] = [];
  for (const name of Object.keys(oncall.schedules).sort()) {
    const schedule = resolveSchedule(oncall, name)!;
    const fromLayers = schedule.layers.flatMap((l) => handoffs(schedule, overrides, from, to, l.name));
    const seen = new Set(fromLayers.map((h) => `${h.at}/${h.incoming}`));
    const fromFinal = handoffs(schedule, overrides, from, to).filter(
      (h) => !seen.has(`${h.at}/${h.incoming}`),
    );
    for (const h of [...fromLayers, ...fromFinal]) {
      if (h.incoming !== null) notices.push(notice(name, schedule.timeZone, h, h.incoming));
    }
  }
  return notices.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
}
