// The incident state machine: triggered → acknowledged → mitigated → resolved, and cancelled.
import { type Actor, type Incident, type IncidentState, OPEN_STATES, type TimelineEntry } from './types.ts';

export type IncidentAction = 'acknowledge' | 'mitigate' | 'resolve' | 'cancel';

const NEXT: Record<IncidentAction, { to: IncidentState; from: readonly IncidentState[]; verb: string }> = {
  acknowledge: { to: 'acknowledged', from: ['triggered'], verb: 'Acknowledged' },
  mitigate: { to: 'mitigated', from: ['triggered', 'acknowledged'], verb: 'Mitigated' },
  resolve: { to: 'resolved', from: OPEN_STATES, verb: 'Resolved' },
  cancel: { to: 'cancelled', from: OPEN_STATES, verb: 'Cancelled' },
};

export class TransitionError extends Error {
  override name = 'TransitionError';
}

/**
 * Move an incident along. Only a human acknowledges, mitigates or resolves: a page answered by a bot
 * or by the agent itself is no answer. The system may only cancel (an approval that timed out).
 */
export function transition(
  incident: Incident,
  action: IncidentAction,
  actor: Actor,
  at: number,
  note?: string,
): { incident: Incident; timeline: TimelineEntry[] } {
  const step = NEXT[action];
  if (actor.kind === 'agent') throw new TransitionError(`an agent cannot ${action} an incident`);
  if (actor.kind !== 'human' && action !== 'cancel')
    throw new TransitionError(`only a human can ${action} an incident (got ${actor.kind} ${actor.id})`);
  if (!step.from.includes(incident.state)) {
    throw new TransitionError(`${incident.id} is ${incident.state}; it cannot be ${step.to} now`);
  }
  const m = { ...incident.milestones };
  if (action === 'acknowledge') m.acknowledgedAt = at;
  if (action === 'mitigate') m.mitigatedAt = at;
  // Skipped milestones stay empty: the metrics use recorded times only, never guessed ones.
  if (action === 'resolve') m.resolvedAt = at;
  if (action === 'cancel') m.cancelledAt = at;
  const next: Incident = {
    ...incident,
    state: step.to,
    milestones: m,
    ...(action === 'acknowledge' ? { acknowledgedBy: actor.id } : {}),
    ...(action === 'resolve' ? { resolvedBy: actor.id } : {}),
  };
  // The route is part of the record: "Acknowledged by ana via pagerduty" (the CLI's own answers say "via cli").
  const said = `${step.verb} by ${actor.id}${actor.via ? ` via ${actor.via}` : ''}${note ? `: ${note}` : ''}`;
  const text = /[.!?]$/.test(said) ? said : `${said}.`;
  return { incident: next, timeline: [{ at, kind: step.to, actor, text }] };
}
