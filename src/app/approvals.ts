// The real-time gate: a tier-3 call in `wait` mode becomes an approval request that pages the on-call,
// and the hook waits for `agent-sre approve|deny` to answer it in the ledger. Answers carry a MAC under
// the per-user secret (see human-mac.ts), and the waiting gate believes only answers whose MAC verifies:
// a row rewritten by anything but a human's agent-sre is a forgery, paged as SEV1 and never obeyed.
import type { PagingSettings } from '../core/incidents/config.ts';
import { isOpen } from '../core/incidents/raise.ts';
import type { Actor, Incident } from '../core/incidents/types.ts';
import { redactText } from '../core/redact.ts';
import type { Decision } from '../core/types.ts';
import type { LedgerStore, LedgerTx, StoredRecord } from '../ports.ts';
import { type HumanMac, type MacField, newNonce } from './human-mac.ts';
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
  /** The route the answer came by (cli, dashboard, link, slack, pagerduty); not covered by the MAC. */
  answeredVia?: string | null;
  /** Who was paged: people where escalation named them, else channels. */
  paged: string[];
  /** Random, bound into the answer's MAC so that a MAC lifted from another approval never fits this one. */
  nonce?: string;
}

type Answer = Pick<Approval, 'status' | 'answeredBy' | 'answeredAt' | 'answerReason'>;

/**
 * What an answer's MAC covers: the request it answers (which call, in which session and project, under
 * which rule, when, with its nonce) and the answer itself. `request` is the gate's own copy when it
 * verifies, so a request rewritten in the ledger after a human signed it does not verify either.
 */
export function approvalMacFields(request: Approval, answer: Answer): MacField[] {
  return [
    request.id,
    request.sessionId,
    request.project,
    request.tool,
    request.action,
    request.rule,
    request.createdAt,
    request.expiresAt,
    request.nonce ?? null,
    answer.status,
    answer.answeredBy,
    answer.answeredAt,
    answer.answerReason,
  ];
}

/** Was this stored answer to `request` signed with the user's key? */
export function verifyApproval(mac: HumanMac, request: Approval, rec: StoredRecord<Approval>): boolean {
  return mac.verify('approval', approvalMacFields(request, rec.data), rec.mac);
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
    nonce: newNonce(),
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
 * Settle an approval. Approve and deny come from a human; expiry from the waiting hook (or tick). The
 * first answer wins: a late `approve` after the hook gave up is refused, so the record says what the agent
 * was told. An answer whose MAC does not verify under `mac` was never given and does not count: while the
 * gate still waits, a human's answer replaces it (`replaced` says what it was), and so does the gate's own
 * expiry. Without `mac` the caller cannot tell, and every answer counts as given.
 *
 * Approve and deny must be signed. Expiry is signed when the caller holds the key: the hook does (it reads
 * the secret to verify), and that is safe because the only thing it ever signs is "expired", a refusal,
 * with fields it wrote itself; nothing the agent sends or writes can make this code sign "approved" or
 * "denied", which need a human actor, and a human actor only comes from a CLI command that refuses to run
 * inside an agent. tick signs nothing: it expires requests whose hook is gone, long after anyone waits.
 */
export function answerApproval(
  tx: LedgerTx,
  id: string,
  status: Exclude<ApprovalStatus, 'pending'>,
  actor: Actor,
  settings: PagingSettings,
  reason?: string,
  mac?: HumanMac,
): { approval: Approval; queued: number; replaced: Answer | null } {
  const rec = tx.record<Approval>(APPROVAL_KIND, id);
  if (!rec) throw new Error(`no approval ${id}`);
  const a = rec.data;
  if (status !== 'expired' && actor.kind !== 'human')
    throw new Error(`only a human can ${status === 'approved' ? 'approve' : 'deny'}`);
  if (status !== 'expired' && !mac) throw new Error(`a human's answer to ${id} must be signed`);
  let replaced: Answer | null = null;
  if (a.status !== 'pending') {
    const given = !mac || verifyApproval(mac, a, rec);
    if (given) throw new Error(`${id} was already ${a.status}${a.answeredBy ? ` by ${a.answeredBy}` : ''}`);
    // Past its deadline nobody waits for an answer any more, so a late one could change nothing.
    if (actor.kind === 'human' && tx.now >= a.expiresAt)
      throw new Error(
        `${id} holds an answer no human signed, and its gate stopped waiting at ${new Date(a.expiresAt).toISOString()}`,
      );
    replaced = {
      status: a.status,
      answeredBy: a.answeredBy,
      answeredAt: a.answeredAt,
      answerReason: a.answerReason,
    };
  }
  const approval: Approval = {
    ...a,
    status,
    answeredAt: tx.now,
    answeredBy: actor.id,
    answeredVia: actor.via ?? null,
    answerReason: reason ?? null,
  };
  const { mac: _old, ...base } = rec;
  tx.putRecord<Approval>(
    mac
      ? { ...base, data: approval, mac: mac.sign('approval', approvalMacFields(approval, approval)) }
      : { ...base, data: approval },
  );
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
  return { approval, queued, replaced };
}

export interface GateDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  pollMs: number;
  paging: PagingSettings;
  /**
   * The hook's MAC key, or undefined while there is no per-user secret; throws when the secret is unusable.
   * Asked again until it gives one: the human's `agent-sre approve` makes the secret on first use.
   */
  mac: () => HumanMac | undefined;
  /** Where the secret is expected, for the reason given when there is none. */
  secretPath: string;
  /** Start delivering what was queued (the approval.forged page, the cancelled request). */
  startDelivery?: () => void;
}

/**
 * `wait` mode: hold the call until a human's signed answer is in the ledger, or deny it when time runs
 * out. `request` is the approval as this hook created it: answers are checked against it, not against
 * whatever the ledger now says the request was.
 */
export async function awaitHumanAnswer(
  request: Approval,
  decision: Decision,
  store: LedgerStore,
  deps: GateDeps,
): Promise<Decision> {
  let key: HumanMac | undefined;
  let keyProblem: string | null = null;
  const mac = (): HumanMac | undefined => {
    if (key) return key;
    try {
      key = deps.mac();
      keyProblem = key ? null : `there is no per-user secret at ${deps.secretPath}`;
    } catch (err) {
      keyProblem = `the per-user secret is unusable (${(err as Error).message})`;
    }
    return key;
  };
  const read = () =>
    store.transact(deps.now(), (tx) => tx.record<Approval>(APPROVAL_KIND, request.id), { readonly: true });
  let forged: Answer | null = null;
  let unverified = false;
  /** The answer, when the ledger holds one a human signed. */
  const check = async (): Promise<Approval | undefined> => {
    const rec = await read();
    if (!rec || rec.data.status === 'pending') return undefined;
    const k = mac();
    if (!k) {
      unverified = true;
      return undefined;
    }
    if (verifyApproval(k, request, rec)) return rec.data;
    if (!forged) {
      forged = rec.data;
      await reportForgery(store, request, rec.data, deps);
    }
    return undefined;
  };

  let answer: Approval | undefined;
  for (;;) {
    answer = await check();
    if (answer) break;
    const left = request.expiresAt - deps.now();
    if (left <= 0) break;
    await deps.sleep(Math.min(deps.pollMs, left));
  }
  if (!answer) {
    try {
      const expired = await store.transact(deps.now(), (tx) =>
        answerApproval(
          tx,
          request.id,
          'expired',
          { kind: 'system', id: 'gate' },
          deps.paging,
          undefined,
          mac(),
        ),
      );
      answer = expired.approval;
      if (expired.queued > 0) deps.startDelivery?.();
    } catch {
      // Answered in the last instant: what the human said, if a human said it.
      answer = await check();
    }
  }
  return gateDecision(request, decision, answer, forged, unverified && !answer ? keyProblem : null);
}

/** Agent-written text from a forged row: redacted, on one line and cut before it reaches a page. */
const claimed = (v: string | null): string =>
  v === null ? '-' : redactText(v).replace(/\s+/g, ' ').slice(0, 80);

/** The incident for a forged answer: SEV1 by default, one per approval (its dedup key is the approval). */
async function reportForgery(store: LedgerStore, request: Approval, seen: Approval, deps: GateDeps) {
  try {
    const raised = await store.transact(deps.now(), (tx) =>
      raiseSignals(
        tx,
        [
          {
            kind: 'approval.forged',
            project: request.project,
            sessionId: request.sessionId,
            rule: request.rule,
            key: request.id,
            summary: `Forged answer to ${request.id}: the ledger says "${claimed(seen.status)}" without a human's signature`,
            details: {
              Approval: request.id,
              Action: request.action,
              'Recorded answer': claimed(seen.status),
              'Recorded as by': claimed(seen.answeredBy),
              What: 'The approval in .agent-sre/ledger.db was changed by something other than agent-sre approve/deny. The gate ignored it and denies unless a human answers. Find out what wrote to the ledger.',
            },
            at: deps.now(),
          },
        ],
        deps.paging,
      ),
    );
    if (raised.queued > 0) deps.startDelivery?.();
  } catch {
    // The page could not be queued; the gate denies all the same, and its reason names the forgery.
  }
}

function gateDecision(
  request: Approval,
  decision: Decision,
  answer: Approval | undefined,
  forged: Answer | null,
  keyProblem: string | null,
): Decision {
  const id = request.id;
  const by = answer?.answeredBy ?? 'nobody';
  const why = answer?.answerReason ? `: ${answer.answerReason}` : '';
  if (answer?.status === 'approved')
    return {
      ...decision,
      verdict: 'allow',
      rule: 'gate.approved',
      reason: `${id} approved by ${by}${why}. (${decision.rule}: ${decision.reason})`,
    };
  if (answer?.status === 'denied')
    return {
      ...decision,
      tier: 4,
      verdict: 'deny',
      rule: 'gate.denied',
      reason: `${id} denied by ${by}${why}. Do not retry this action; find another way or stop and report.`,
    };
  const waited = `${Math.round((request.expiresAt - request.createdAt) / 1000)} s`;
  const deny = (rule: string, reason: string): Decision => ({
    ...decision,
    tier: 4,
    verdict: 'deny',
    rule,
    reason,
  });
  if (forged)
    return deny(
      'gate.forged',
      `a forged answer to ${id} was detected: the ledger said "${claimed(forged.status)}" without a human's signature. It was ignored, the on-call was paged (approval.forged), and no human approved within ${waited}. Do not retry this action and do not write to .agent-sre/; stop and report.`,
    );
  if (keyProblem)
    return deny(
      'gate.unverified',
      `${id} has an answer agent-sre cannot verify, because ${keyProblem}; it was not obeyed. \`agent-sre approve\` makes the secret, and the hook must run as the same user with the same HOME and XDG_CONFIG_HOME. ${id} needed approval because: ${decision.reason}`,
    );
  const paged = request.paged.length > 0 ? request.paged.join(', ') : 'no one (no channel is routed)';
  return deny(
    'gate.timeout',
    `no human approved within ${waited}; paged ${paged}. ${id} needed approval because: ${decision.reason}`,
  );
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
