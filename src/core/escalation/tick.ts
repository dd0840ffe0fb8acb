// One turn of an incident's escalation clock. Pure: the caller passes `now`, stores the returned cursor,
// sends `notify`, appends `timeline`, and calls again at `nextAt`.
//
// At most one step is taken per call, and `steppedAt` is the real time of that page, not the time it
// was due: when the worker was down past several delays, the rule paged late still gets its whole delay
// to answer instead of being escalated over in the same instant. So a late tick never owes more than one
// step, and `nextAt` is always the next due time (never "now again").
import type { Actor, EscalationCursor, Incident, TimelineEntry } from '../incidents/types.ts';
import { MINUTE } from '../oncall/civil.ts';
import type { OncallConfig, Override } from '../oncall/types.ts';
import { isWorkingHours, nextWorkingHoursStart } from '../oncall/working-hours.ts';
import { type Reached, resolveTargets } from './targets.ts';
import type { EscalationPolicy, Notify, TickResult } from './types.ts';

export const ESCALATION_ACTOR: Actor = { kind: 'system', id: 'escalation' };

type Move =
  | { kind: 'wait'; at: number }
  | { kind: 'page'; step: number; loop: number }
  | { kind: 'fallback' };

function nextMove(cursor: EscalationCursor, policy: EscalationPolicy, now: number): Move {
  const { rules } = policy;
  if (rules.length === 0) return { kind: 'fallback' };
  if (cursor.step < 0) return { kind: 'page', step: 0, loop: cursor.loop };
  // A policy edited to fewer rules leaves the cursor past the end: treat it as at the last rule.
  const current = rules[Math.min(cursor.step, rules.length - 1)]!;
  const due = cursor.steppedAt + current.delayMinutes * MINUTE;
  if (now < due) return { kind: 'wait', at: due };
  if (cursor.step + 1 < rules.length) return { kind: 'page', step: cursor.step + 1, loop: cursor.loop };
  if (cursor.loop < policy.repeat) return { kind: 'page', step: 0, loop: cursor.loop + 1 };
  return { kind: 'fallback' };
}

/** SEV3/SEV4 wait for working hours; SEV1/SEV2 page at any hour. */
const heldByQuietHours = (incident: Incident, oncall: OncallConfig, now: number) =>
  (incident.severity === 'SEV3' || incident.severity === 'SEV4') && !isWorkingHours(oncall, now);

function summary(reached: Reached[]): string {
  if (reached.length === 0) return 'nobody';
  const byLabel = new Map<string, string[]>();
  for (const r of reached) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r.channel]);
  return [...byLabel].map(([label, channels]) => `${label} via ${channels.join(', ')}`).join('; ');
}

export function tick(
  incident: Incident,
  policy: EscalationPolicy,
  oncall: OncallConfig,
  overrides: Override[],
  now: number,
): TickResult {
  const cursor = incident.escalation;
  const idle = (nextAt: number | null): TickResult => ({ cursor, notify: [], timeline: [], nextAt });
  if (incident.state !== 'triggered' || cursor.exhausted) return idle(null);

  const move = nextMove(cursor, policy, now);
  if (move.kind === 'wait') return idle(move.at);
  // Held steps leave no timeline entry: the caller may tick every minute through the night.
  if (heldByQuietHours(incident, oncall, now)) return idle(nextWorkingHoursStart(oncall, now));

  const entry = (kind: TimelineEntry['kind'], text: string): TimelineEntry => ({
    at: now,
    kind,
    actor: ESCALATION_ACTOR,
    text,
  });

  if (move.kind === 'fallback') {
    const step = policy.rules.length;
    const { reached, notes } = resolveTargets(policy.fallback, oncall, overrides, now);
    const passes = policy.repeat + 1;
    const head = `Escalation exhausted after ${passes} pass${passes === 1 ? '' : 'es'} without acknowledgement`;
    const tail =
      policy.fallback.length === 0 ? 'no fallback is configured.' : `fallback paged ${summary(reached)}.`;
    return {
      cursor: { ...cursor, exhausted: true, steppedAt: now },
      notify: reached.map((r) => ({
        channel: r.channel,
        recipient: r.recipient,
        step,
        loop: cursor.loop,
        fallback: true,
        why: `fallback: ${r.label}`,
      })),
      timeline: [entry('escalation_exhausted', `${head}; ${tail}`), ...notes.map((n) => entry('note', n))],
      nextAt: null,
    };
  }

  const rule = policy.rules[move.step]!;
  const { reached, notes } = resolveTargets(rule.targets, oncall, overrides, now);
  const ruleName = `rule ${move.step + 1} of ${policy.rules.length}`;
  const pass = policy.repeat > 0 ? `, pass ${move.loop + 1} of ${policy.repeat + 1}` : '';
  const first = cursor.step < 0;
  const text = first
    ? `Paged ${ruleName}: ${summary(reached)}.`
    : `No acknowledgement; escalated to ${ruleName}${pass}: ${summary(reached)}.`;
  const notify: Notify[] = reached.map((r) => ({
    channel: r.channel,
    recipient: r.recipient,
    step: move.step,
    loop: move.loop,
    fallback: false,
    why: `${ruleName}${pass}: ${r.label}`,
  }));
  return {
    cursor: { ...cursor, step: move.step, loop: move.loop, steppedAt: now },
    notify,
    timeline: [entry(first ? 'paged' : 'escalated', text), ...notes.map((n) => entry('note', n))],
    nextAt: now + rule.delayMinutes * MINUTE,
  };
}
