// Every human answer, whatever route it came by (the CLI, the dashboard, a signed link, a Slack button, a
// PagerDuty webhook), is one of these transitions on the ledger. The route is recorded with the person, so
// the timeline and TTA/TTR say who answered and through which channel; the transition itself is the CLI's.
import type { PagingSettings } from '../core/incidents/config.ts';
import type { Actor } from '../core/incidents/types.ts';
import type { LedgerTx } from '../ports.ts';
import { answerApproval } from './approvals.ts';
import type { HumanMac } from './human-mac.ts';
import { answerIncident } from './incidents.ts';

export type AnswerVia = 'cli' | 'dashboard' | 'link' | 'slack' | 'pagerduty';

export type HumanAnswer =
  | { kind: 'approval'; id: string; decision: 'approve' | 'deny'; reason?: string }
  | { kind: 'incident'; id: string; action: 'acknowledge' | 'mitigate' | 'resolve'; note?: string };

export interface AnsweredBy {
  /** The person, as the route names them (a login, a Slack user name, a PagerDuty user). */
  id: string;
  via: AnswerVia;
}

export interface AnswerOutcome {
  queued: number;
  /** One line for the person who answered: `APR-3 approved by ana (dashboard)`. */
  summary: string;
}

/**
 * Apply a human's answer inside the caller's transaction. Throws (with a reason a person can read) when
 * the answer does not fit: an unknown id, an approval already answered, an incident in the wrong state.
 * Approve and deny are signed with `mac`, as `agent-sre approve` signs them, so the waiting gate obeys them.
 */
export function applyHumanAnswer(
  tx: LedgerTx,
  answer: HumanAnswer,
  by: AnsweredBy,
  settings: PagingSettings,
  mac: HumanMac,
): AnswerOutcome {
  const actor: Actor = { kind: 'human', id: by.id, via: by.via };
  if (answer.kind === 'approval') {
    if (answer.decision === 'deny' && !answer.reason?.trim())
      throw new Error('a denial needs a reason: the agent is told why');
    const status = answer.decision === 'approve' ? 'approved' : 'denied';
    const r = answerApproval(tx, answer.id, status, actor, settings, answer.reason?.trim() || undefined, mac);
    return { queued: r.queued, summary: `${answer.id} ${status} by ${by.id} (${by.via})` };
  }
  const r = answerIncident(tx, answer.id, answer.action, actor, settings, answer.note?.trim() || undefined);
  return { queued: r.queued, summary: `${answer.id} is ${r.incident.state} (by ${by.id}, ${by.via})` };
}
