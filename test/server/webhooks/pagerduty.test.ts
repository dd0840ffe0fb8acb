// PagerDuty v3 webhooks against a real SQLite ledger: a fake PagerDuty posts the documented payload shapes,
// signed as PagerDuty signs them, to the routes served on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escalateAll } from '../../../src/app/incidents.ts';
import type { Incident } from '../../../src/core/incidents/types.ts';
import { PD_EVENT_KIND } from '../../../src/server/webhooks/pagerduty.ts';
import { pagerDutySignature } from '../../../src/server/webhooks/signatures.ts';
import {
  fixture,
  type Harness,
  harness,
  incidentNow,
  MIN,
  PD_SECRET,
  raiseIncident,
  type Served,
  serveHooks,
  T0,
  timelineOf,
} from './harness.ts';

const ACK = 'pagerduty-incident-acknowledged.json';
const RESOLVED = 'pagerduty-incident-resolved.json';
const REASSIGNED = 'pagerduty-incident-reassigned.json';
const PRIORITY = 'pagerduty-incident-priority-updated.json';

let h: Harness;
let served: Served;
let incident: Incident;

beforeEach(async () => {
  h = harness();
  incident = await raiseIncident(h);
  served = await serveHooks(h.ctx);
});
afterEach(async () => {
  await served.close();
  await h.close();
});

/** PagerDuty's side: POST the body as-is with its signature header (or the one given). */
async function deliver(body: string, signature = pagerDutySignature(body, PD_SECRET)) {
  const res = await fetch(`${served.url}/hooks/pagerduty`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-pagerduty-signature': signature,
      'x-webhook-id': 'c6a7b1a2-2c4f-4b8e-9d3a-0f1e2d3c4b5a',
      'user-agent': 'PagerDuty-Webhook/V3.0',
    },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { ok?: boolean; outcome?: string; error?: string },
  };
}

const ofIncident = (name: string, key = incident.dedupKey) => fixture(name, { INCIDENT_KEY: key });

describe('POST /hooks/pagerduty', () => {
  it('incident.acknowledged acknowledges our incident, records who and how, sets TTA and stops escalation', async () => {
    const before = await h.pageKeys();
    h.clock.now = T0 + 7 * MIN;
    const r = await deliver(ofIncident(ACK));
    expect(r).toMatchObject({ status: 200, body: { ok: true, outcome: 'acknowledged by Tenex Engineer' } });

    const now = await incidentNow(h, incident.id);
    expect(now?.state).toBe('acknowledged');
    expect(now?.acknowledgedBy).toBe('Tenex Engineer');
    expect(now?.milestones.acknowledgedAt).toBe(T0 + 7 * MIN);
    const ack = (await timelineOf(h, incident.id)).find((t) => t.kind === 'acknowledged');
    expect(ack?.actor).toEqual({ kind: 'human', id: 'Tenex Engineer', via: 'pagerduty' });
    expect(ack?.text).toContain('in PagerDuty at 2026-11-25T10:07:12.169Z');

    // The acknowledgement goes out to every paged channel (PagerDuty ignores an ack of an acked alert)...
    const afterAck = await h.pageKeys();
    expect(afterAck.filter((k) => !before.includes(k)).sort()).toEqual([
      `${incident.id}/file/acknowledge`,
      `${incident.id}/pd/acknowledge`,
    ]);
    // ...and escalation pages nobody more, however long we wait.
    for (const at of [T0 + 15 * MIN, T0 + 30 * MIN, T0 + 120 * MIN]) {
      h.clock.now = at;
      expect(await h.store.transact(at, (tx) => escalateAll(tx, h.ctx.paging))).toBe(0);
    }
    expect(await h.pageKeys()).toEqual(afterAck);
    expect(h.logs.at(-1)).toBe(
      `hooks/pagerduty: incident.acknowledged 01DEN6HF9ATS0JY0JPW7PWQAQJ for ${incident.id}: acknowledged by Tenex Engineer`,
    );
  });

  it('without the webhook, escalation does page the next rule (the control for the test above)', async () => {
    const before = (await h.pageKeys()).length;
    expect(await h.store.transact(T0 + 15 * MIN, (tx) => escalateAll(tx, h.ctx.paging))).toBeGreaterThan(0);
    expect((await h.pageKeys()).length).toBeGreaterThan(before);
  });

  it('incident.resolved resolves it, by the PagerDuty user', async () => {
    h.clock.now = T0 + 31 * MIN;
    const r = await deliver(ofIncident(RESOLVED));
    expect(r).toMatchObject({ status: 200, body: { outcome: 'resolved by Tenex Engineer' } });
    const now = await incidentNow(h, incident.id);
    expect(now).toMatchObject({ state: 'resolved', resolvedBy: 'Tenex Engineer' });
    expect(now?.milestones.resolvedAt).toBe(T0 + 31 * MIN);
    const resolved = (await timelineOf(h, incident.id)).find((t) => t.kind === 'resolved');
    expect(resolved?.actor.via).toBe('pagerduty');
  });

  it('acknowledged then resolved: both transitions, in order', async () => {
    h.clock.now = T0 + 7 * MIN;
    await deliver(ofIncident(ACK));
    h.clock.now = T0 + 31 * MIN;
    await deliver(ofIncident(RESOLVED));
    const kinds = (await timelineOf(h, incident.id)).map((t) => t.kind);
    expect(kinds.slice(-2)).toEqual(['acknowledged', 'resolved']);
  });

  it('incident.reassigned notes it on the timeline and stops our escalation; the incident stays open', async () => {
    h.clock.now = T0 + 5 * MIN;
    const r = await deliver(ofIncident(REASSIGNED));
    expect(r.body.outcome).toBe('escalation stopped (reassigned by Tenex Engineer)');
    const now = await incidentNow(h, incident.id);
    expect(now?.state).toBe('triggered');
    expect(now?.escalation.exhausted).toBe(true);
    const note = (await timelineOf(h, incident.id)).at(-1);
    expect(note).toMatchObject({
      kind: 'note',
      actor: { kind: 'human', id: 'Tenex Engineer', via: 'pagerduty' },
    });
    expect(note?.text).toBe(
      "Reassigned in PagerDuty by Tenex Engineer to User 123. PagerDuty owns the page now: agent-sre's escalation steps stop.",
    );
    const pages = await h.pageKeys();
    for (const at of [T0 + 15 * MIN, T0 + 60 * MIN, T0 + 600 * MIN])
      expect(await h.store.transact(at, (tx) => escalateAll(tx, h.ctx.paging))).toBe(0);
    expect(await h.pageKeys()).toEqual(pages);
    // Still answerable: a later acknowledgement in PagerDuty lands.
    h.clock.now = T0 + 20 * MIN;
    expect((await deliver(ofIncident(ACK))).body.outcome).toBe('acknowledged by Tenex Engineer');
  });

  it('a forged or missing signature is 401 and changes nothing', async () => {
    const body = ofIncident(ACK);
    const attempts = [
      pagerDutySignature(body, 'not-the-secret'),
      `v1=${'0'.repeat(64)}`,
      '',
      'v0=abc',
      pagerDutySignature(`${body} `, PD_SECRET), // signed, but over other bytes
    ];
    for (const sig of attempts) {
      const r = await deliver(body, sig);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'invalid signature' });
    }
    expect((await incidentNow(h, incident.id))?.state).toBe('triggered');
    expect(await h.store.transact(0, (tx) => tx.records(PD_EVENT_KIND), { readonly: true })).toEqual([]);
    for (const line of h.logs) {
      expect(line).toMatch(/^hooks\/pagerduty: refused 401/);
      expect(line).not.toContain(PD_SECRET);
      expect(line).not.toContain('Tenex');
    }
  });

  it('accepts any one of several signatures (a secret rotation) and edits to the body break it', async () => {
    const body = ofIncident(ACK);
    const both = `${pagerDutySignature(body, 'the-old-secret')},${pagerDutySignature(body, PD_SECRET)}`;
    expect((await deliver(body, both)).status).toBe(200);
    // Re-serialising the JSON (as a framework that parsed it would) is other bytes.
    const reserialised = JSON.stringify(JSON.parse(ofIncident(RESOLVED)));
    expect((await deliver(reserialised, pagerDutySignature(ofIncident(RESOLVED), PD_SECRET))).status).toBe(
      401,
    );
  });

  it('a redelivered event id makes no second transition, even after the incident moved on', async () => {
    h.clock.now = T0 + 7 * MIN;
    const ack = ofIncident(ACK);
    expect((await deliver(ack)).body.outcome).toBe('acknowledged by Tenex Engineer');
    const once = await timelineOf(h, incident.id);
    h.clock.now = T0 + 8 * MIN;
    expect((await deliver(ack)).body).toMatchObject({
      ok: true,
      outcome: 'duplicate delivery, already handled',
    });
    expect(await timelineOf(h, incident.id)).toEqual(once);
    expect((await incidentNow(h, incident.id))?.milestones.acknowledgedAt).toBe(T0 + 7 * MIN);
    const reassigned = ofIncident(REASSIGNED);
    await deliver(reassigned);
    const notes = (await timelineOf(h, incident.id)).length;
    await deliver(reassigned);
    expect((await timelineOf(h, incident.id)).length).toBe(notes);
  });

  it('an ack for an incident already acknowledged elsewhere is a success without a second transition', async () => {
    await h.ctx.answer(
      { kind: 'incident', id: incident.id, action: 'acknowledge' },
      { id: 'ana', via: 'cli' },
    );
    const r = await deliver(ofIncident(ACK));
    expect(r).toMatchObject({ status: 200, body: { outcome: 'already acknowledged, nothing to do' } });
    const acks = (await timelineOf(h, incident.id)).filter((t) => t.kind === 'acknowledged');
    expect(acks.map((a) => a.actor.id)).toEqual(['ana']);
    expect((await incidentNow(h, incident.id))?.acknowledgedBy).toBe('ana');
  });

  it('an incident we did not raise is ignored with 200, and logged', async () => {
    const r = await deliver(ofIncident(ACK, 'd3640fbd41094207a1c11e58e46b1662'));
    expect(r).toMatchObject({
      status: 200,
      body: { outcome: expect.stringMatching(/^ignored: no incident here/) },
    });
    expect((await incidentNow(h, incident.id))?.state).toBe('triggered');
    expect(h.logs.at(-1)).toContain('ignored: no incident here has this incident_key (PagerDuty PGR0VU2)');
  });

  it('an incident_key that is another project INC-1 title-alike is still not ours', async () => {
    // The title says INC-1, as ours does, but the key is another project's: matched by key only.
    const other = incident.dedupKey.replace(/~[0-9a-f]+\//, '~00000000/');
    expect(other).not.toBe(incident.dedupKey);
    const r = await deliver(ofIncident(ACK, other));
    expect(r.body.outcome).toMatch(/^ignored/);
    expect((await incidentNow(h, incident.id))?.state).toBe('triggered');
  });

  it('other event types are 200 and ignored', async () => {
    const r = await deliver(ofIncident(PRIORITY));
    expect(r).toMatchObject({
      status: 200,
      body: { outcome: 'ignored: not an event type agent-sre acts on' },
    });
    expect((await incidentNow(h, incident.id))?.state).toBe('triggered');
  });

  it('an acknowledgement PagerDuty made for a service or integration (our own Events API ack) is no human answer', async () => {
    const body = ofIncident(ACK).replace('"type": "user_reference"', '"type": "service_reference"');
    const r = await deliver(body);
    expect(r.body.outcome).toBe('ignored: done by service_reference, not a PagerDuty user');
    expect((await incidentNow(h, incident.id))?.state).toBe('triggered');
  });

  it('malformed bodies that are correctly signed are 400, never a crash', async () => {
    for (const body of [
      'not json',
      '[]',
      '{"event": null}',
      '{"event": {"id": 7, "event_type": "incident.acknowledged"}}',
    ]) {
      const r = await deliver(body);
      expect(r.status).toBe(400);
    }
    expect((await incidentNow(h, incident.id))?.state).toBe('triggered');
  });

  it('a body over 64 KB is 413 before any signature work', async () => {
    const big = JSON.stringify({
      event: { id: 'x', event_type: 'incident.acknowledged', pad: 'a'.repeat(70_000) },
    });
    const r = await deliver(big);
    expect(r.status).toBe(413);
  });
});

describe('POST /hooks/pagerduty without a secret', () => {
  it('is 404 and logs that the endpoint is off, naming the variable', async () => {
    const off = harness({ AGENT_SRE_PD_WEBHOOK_SECRET: undefined });
    const s = await serveHooks(off.ctx);
    try {
      const body = fixture(ACK, { INCIDENT_KEY: 'k' });
      const res = await fetch(`${s.url}/hooks/pagerduty`, {
        method: 'POST',
        headers: { 'x-pagerduty-signature': pagerDutySignature(body, PD_SECRET) },
        body,
      });
      expect(res.status).toBe(404);
      expect(off.logs).toEqual([
        'hooks/pagerduty: refused 404: the endpoint is off (AGENT_SRE_PD_WEBHOOK_SECRET is not set)',
      ]);
    } finally {
      await s.close();
      await off.close();
    }
  });
});
