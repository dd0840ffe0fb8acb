// PagerDuty v3 webhooks: a person acknowledging, resolving or reassigning in PagerDuty an incident we
// paged there. The PagerDuty incident is found by its `incident_key`, which for an incident opened through
// the Events API v2 is the `dedup_key` we sent (our dedupKey). An `INC-n` in the title is not used: titles
// are not documented to keep the alert's summary, and INC numbers repeat across projects, so a match by
// title could answer another project's incident.
//
// PagerDuty delivers at least once and retries on 5xx, 429 and timeouts (docs/webhooks/02-Behavior.md), so:
// an event id is answered once (a ledger record), an incident already in the state asked for is a success
// with no second transition, and only a failure to write the ledger is a 5xx (PagerDuty then retries).
// Everything PagerDuty should not retry (not ours, not a person, not a handled type) is a 200.
import type { Context } from 'hono';
import type { AnsweredBy } from '../../app/answers.ts';
import { isOpen } from '../../core/incidents/raise.ts';
import type { Actor, Incident } from '../../core/incidents/types.ts';
import type { ServerContext } from '../context.ts';
import { isHandledPdEvent, type PdEvent, parsePagerDutyWebhook } from './pagerduty-payload.ts';
import { readRawBody } from './raw-body.ts';
import { verifyPagerDutySignature } from './signatures.ts';

/** One record per PagerDuty event id answered, so a redelivery is recognised. */
export const PD_EVENT_KIND = 'webhook.pagerduty';

const NAME = 'hooks/pagerduty';

export interface PdOutcome {
  /** What happened, for the log line and the response body. */
  outcome: string;
  incidentId: string | null;
}

export async function pagerDutyRoute(c: Context, ctx: ServerContext): Promise<Response> {
  const envName = ctx.server.pagerdutyWebhookSecretEnv;
  const secret = envName ? ctx.env[envName] : undefined;
  if (!secret) {
    ctx.log(
      `${NAME}: refused 404: the endpoint is off (${envName ? `${envName} is not set` : 'server.pagerdutyWebhookSecretEnv is not configured'})`,
    );
    return c.json({ error: 'not found' }, 404);
  }
  const body = await readRawBody(c.req.raw);
  if (!body.ok) {
    ctx.log(`${NAME}: refused ${body.status}: ${body.why}`);
    return c.json({ error: body.why }, body.status);
  }
  if (!verifyPagerDutySignature(body.bytes, c.req.header('x-pagerduty-signature'), secret)) {
    ctx.log(`${NAME}: refused 401: X-PagerDuty-Signature missing or not valid`);
    return c.json({ error: 'invalid signature' }, 401);
  }
  const parsed = parsePagerDutyWebhook(body.bytes);
  if (!parsed.ok) {
    ctx.log(`${NAME}: refused 400: ${parsed.why}`);
    return c.json({ error: parsed.why }, 400);
  }
  const ev = parsed.event;
  try {
    const r = await applyPagerDutyEvent(ctx, ev);
    ctx.log(`${NAME}: ${ev.type} ${ev.id}${r.incidentId ? ` for ${r.incidentId}` : ''}: ${r.outcome}`);
    return c.json({ ok: true, outcome: r.outcome, incident: r.incidentId }, 200);
  } catch (error) {
    // Not the body and not the error's stack: one line saying the ledger could not take it.
    ctx.log(`${NAME}: ${ev.type} ${ev.id}: failed, PagerDuty will retry: ${firstLine(error)}`);
    return c.json({ error: 'could not record the event; retry later' }, 500);
  }
}

/** Apply one verified event to the ledger. Throws only when the ledger cannot be written. */
export async function applyPagerDutyEvent(ctx: ServerContext, ev: PdEvent): Promise<PdOutcome> {
  const ignored = (why: string, incidentId: string | null = null): PdOutcome => ({
    outcome: `ignored: ${why}`,
    incidentId,
  });
  if (!isHandledPdEvent(ev.type)) return ignored('not an event type agent-sre acts on');
  if (!ev.incident) return ignored('the event carries no incident');
  const key = ev.incident.incidentKey;
  const pdRef = ev.incident.id ? ` (PagerDuty ${ev.incident.id})` : '';
  if (!key) return ignored(`the incident has no incident_key${pdRef}`);

  const seen = await ctx.store.transact(
    ctx.now(),
    (tx) => ({ rec: tx.record(PD_EVENT_KIND, ev.id), incident: tx.incidentByDedup(key) }),
    { readonly: true },
  );
  if (seen.rec)
    return { outcome: 'duplicate delivery, already handled', incidentId: seen.incident?.id ?? null };
  const incident = seen.incident;
  if (!incident) return ignored(`no incident here has this incident_key${pdRef}`);
  if (!ev.agent.person)
    return ignored(`done by ${ev.agent.type ?? 'nobody named'}, not a PagerDuty user`, incident.id);
  const who = ev.agent.name ?? ev.agent.id ?? 'a PagerDuty user';
  const by: AnsweredBy = { id: who, via: 'pagerduty' };

  let outcome: string;
  if (ev.type === 'incident.reassigned') {
    // The reassignment writes its note and its event record in one transaction, so it is exactly once.
    return ctx.store.transact(ctx.now(), (tx) => {
      if (tx.record(PD_EVENT_KIND, ev.id))
        return { outcome: 'duplicate delivery, already handled', incidentId: incident.id };
      const current = tx.incident(incident.id);
      const r = current ? stopEscalation(current, ev, who) : null;
      if (current && r) {
        tx.addTimeline(current.id, [{ at: tx.now, kind: 'note', actor: actorOf(by), text: r.note }]);
        if (r.next) tx.saveIncident(r.next);
      }
      tx.putRecord({ kind: PD_EVENT_KIND, id: ev.id, createdAt: tx.now, data: eventRecord(ev, incident.id) });
      return { outcome: r ? r.outcome : `already ${current?.state ?? 'gone'}`, incidentId: incident.id };
    });
  }

  const action = ev.type === 'incident.acknowledged' ? 'acknowledge' : 'resolve';
  const reached = (i: Incident | undefined) =>
    !i || (action === 'acknowledge' ? i.state !== 'triggered' : !isOpen(i));
  if (reached(incident)) outcome = `already ${incident.state}, nothing to do`;
  else {
    try {
      const note =
        ev.occurredAt !== null ? `in PagerDuty at ${new Date(ev.occurredAt).toISOString()}` : 'in PagerDuty';
      await ctx.answer({ kind: 'incident', id: incident.id, action, note }, by);
      outcome = `${action === 'acknowledge' ? 'acknowledged' : 'resolved'} by ${who}`;
    } catch (error) {
      // Another route (the CLI, Slack, a retry running alongside) may have answered first: then the state
      // asked for is reached and this is a success. Anything else is the ledger failing: let it retry.
      const now = await ctx.store.transact(ctx.now(), (tx) => tx.incident(incident.id), { readonly: true });
      if (!reached(now)) throw error;
      outcome = `already ${now?.state ?? 'gone'}, nothing to do`;
    }
  }
  await ctx.store.transact(ctx.now(), (tx) => {
    tx.putRecord({ kind: PD_EVENT_KIND, id: ev.id, createdAt: tx.now, data: eventRecord(ev, incident.id) });
  });
  return { outcome, incidentId: incident.id };
}

/**
 * A reassignment in PagerDuty means a person there has taken charge of who is paged: our escalation would
 * page people PagerDuty no longer asks, so its steps stop (the cursor is marked exhausted, which `tick`
 * and `escalateAll` already treat as "nothing more to send"; no fallback is paged). The incident stays
 * open and answerable; acknowledge and resolve still reach every channel.
 */
function stopEscalation(
  incident: Incident,
  ev: PdEvent,
  who: string,
): { note: string; outcome: string; next: Incident | null } | null {
  if (!isOpen(incident)) return null;
  const to = ev.incident?.assignees.length ? ev.incident.assignees.join(', ') : 'another responder';
  const running = incident.state === 'triggered' && !incident.escalation.exhausted;
  const note = running
    ? `Reassigned in PagerDuty by ${who} to ${to}. PagerDuty owns the page now: agent-sre's escalation steps stop.`
    : `Reassigned in PagerDuty by ${who} to ${to}.`;
  return {
    note,
    outcome: running ? `escalation stopped (reassigned by ${who})` : `reassignment noted (by ${who})`,
    next: running ? { ...incident, escalation: { ...incident.escalation, exhausted: true } } : null,
  };
}

const actorOf = (by: AnsweredBy): Actor => ({ kind: 'human', id: by.id, via: by.via });

function eventRecord(ev: PdEvent, incidentId: string) {
  return { type: ev.type, incidentId, pagerdutyIncident: ev.incident?.id ?? null, occurredAt: ev.occurredAt };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
