// The real-time gate: a tier-3 call in `wait` mode becomes an approval request that pages the on-call,
// and the hook waits for `agent-sre approve|deny` to answer it in the ledger.
import type { PagingSettings } from '../core/incidents/config.ts';
import { isOpen } from '../core/incidents/raise.ts';
import type { Actor, Incident } from '../core/incidents/types.ts';
import type { LedgerStore, LedgerTx } from '../ports.ts';
import { answerIncident, raiseSignals } from './incidents.ts';
import { describeCall, type SignalContext } from './signals.ts';

export const APPROVAL_KIND = 'approval';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface Approval {
  id: string;
  sessionId: string;
  project: string;
  incidentId: string | null;
  status: ApprovalStatus;
  tool: string;
  action: string;
  rule: string;
  reason: string;
  createdAt: number;
  expiresAt: number;
  answeredAt: number | null;
  answeredBy: string | null;
  answerReason: string | null;
  /** Who was paged: people where escalation named them, else channels. */
  paged: string[];
}

export function requestApproval(
  tx: LedgerTx,
  ctx: SignalContext,
  settings: PagingSettings,
): { approval: Approval; queued: number } {
  const id = `APR-${tx.nextSeq('approval')}`;
  const action = describeCall(ctx.call);
  const raised = raiseSignals(
    tx,
    [
      {
        kind: 'approval.requested',
        project: ctx.project,
        sessionId: ctx.sessionId,
        rule: ctx.decision.rule,
        key: id,
        summary: `Approval needed (${id}): ${action}`,
        details: {
          Approval: id,
          Action: action,
          Rule: ctx.decision.rule,
          Why: ctx.decision.reason.slice(0, 1000),
          'Waits for': `${settings.gate.timeoutSeconds} s, then denies`,
        },
        at: ctx.at,
      },
    ],
    settings,
  );
  const incident = raised.incidents[0];
  const approval: Approval = {
    id,
    sessionId: ctx.sessionId,
    project: ctx.project,
    incidentId: incident?.id ?? null,
    status: 'pending',
    tool: ctx.call.tool,
    action,
    rule: ctx.decision.rule,
    reason: ctx.decision.reason,
    createdAt: ctx.at,
    expiresAt: ctx.at + settings.gate.timeoutSeconds * 1000,
    answeredAt: null,
    answeredBy: null,
    answerReason: null,
    paged: incident ? pagedNames(tx, incident, settings) : [],
  };
  tx.putRecord({ kind: APPROVAL_KIND, id, createdAt: ctx.at, data: approval });
  return { approval, queued: raised.queued };
}

function pagedNames(tx: LedgerTx, incident: Incident, settings: PagingSettings): string[] {
  const rows = tx.outbox({ incidentId: incident.id });
  const people = rows
    .map((r) => r.page.recipient)
    .filter((p): p is string => !!p)
    .map((p) => settings.oncall.people[p]?.name ?? p);
  return [...new Set(people.length > 0 ? people : rows.map((r) => r.page.channel))];
}

/**
 * Settle an approval. Approve and deny come from a human; expiry from the waiting hook. The first answer
 * wins: a late `approve` after the hook gave up is refused, so the record says what the agent was told.
 */
export function answerApproval(
  tx: LedgerTx,
  id: string,
  status: Exclude<ApprovalStatus, 'pending'>,
  actor: Actor,
  settings: PagingSettings,
  reason?: string,
): { approval: Approval; queued: number } {
  const rec = tx.record<Approval>(APPROVAL_KIND, id);
  if (!rec) throw new Error(`no approval ${id}`);
  const a = rec.data;
  if (a.status !== 'pending')
    throw new Error(`${id} was already ${a.status}${a.answeredBy ? ` by ${a.answeredBy}` : ''}`);
  if (status !== 'expired' && actor.kind !== 'human')
    throw new Error(`only a human can ${status === 'approved' ? 'approve' : 'deny'}`);
  const approval: Approval = {
    ...a,
    status,
    answeredAt: tx.now,
    answeredBy: actor.id,
    answerReason: reason ?? null,
  };
  tx.putRecord({ ...rec, data: approval });
  let queued = 0;
  const incident = a.incidentId ? tx.incident(a.incidentId) : undefined;
  if (incident && isOpen(incident)) {
    const note =
      status === 'expired'
        ? 'no answer before the gate timed out; the call was denied'
        : `${status}${reason ? `: ${reason}` : ''}`;
    queued = answerIncident(
      tx,
      incident.id,
      status === 'expired' ? 'cancel' : 'resolve',
      actor,
      settings,
      note,
    ).queued;
  }
  return { approval, queued };
}

/** Poll the ledger until the approval is answered or `deadline` passes. */
export async function waitForAnswer(
  store: LedgerStore,
  id: string,
  deadline: number,
  deps: { now: () => number; sleep: (ms: number) => Promise<void>; pollMs: number },
): Promise<Approval | undefined> {
  for (;;) {
    const rec = await store.transact(deps.now(), (tx) => tx.record<Approval>(APPROVAL_KIND, id), {
      readonly: true,
    });
    if (rec && rec.data.status !== 'pending') return rec.data;
    const left = deadline - deps.now();
    if (left <= 0) return rec?.data;
    await deps.sleep(Math.min(deps.pollMs, left));
  }
}

/**
 * Expire approvals nobody answered whose hook is gone (Claude Code killed it, the machine slept): the
 * call was refused either way, so the request and its incident must not stay open and keep paging.
 */
export function expireStaleApprovals(tx: LedgerTx, settings: PagingSettings, graceMs = 60_000): number {
  let n = 0;
  for (const rec of tx.records<Approval>(APPROVAL_KIND)) {
    if (rec.data.status !== 'pending' || rec.data.expiresAt + graceMs > tx.now) continue;
    answerApproval(tx, rec.id, 'expired', { kind: 'system', id: 'tick' }, settings);
    n++;
  }
  return n;
}
