// Slack interactivity against a real SQLite ledger: a fake Slack posts the block_actions payload as a form,
// signed as Slack signs it, and a loopback server stands in for the click's response_url.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectTag } from '../../../src/adapters/fs/project-tag.ts';
import { APPROVAL_KIND, type Approval, verifyApproval } from '../../../src/app/approvals.ts';
import { slackSignature } from '../../../src/server/webhooks/signatures.ts';
import type { PostJson } from '../../../src/server/webhooks/slack-reply.ts';
import { postJson } from '../../../src/server/webhooks/slack-reply.ts';
import {
  approvalRecord,
  fakeResponseUrl,
  fixture,
  type Harness,
  harness,
  incidentNow,
  raiseIncident,
  type Served,
  SLACK_SECRET,
  serveHooks,
  T0,
  timelineOf,
  waitingApproval,
} from './harness.ts';

type Fake = Awaited<ReturnType<typeof fakeResponseUrl>>;

let h: Harness;
let served: Served;
let slack: Fake;
let approval: Approval;

beforeEach(async () => {
  h = harness();
  approval = await waitingApproval(h);
  slack = await fakeResponseUrl();
  served = await serveHooks(h.ctx);
});
afterEach(async () => {
  await served.close();
  await slack.close();
  await h.close();
});

interface Click {
  action: string;
  value: string;
  /** Send the value as given, without the project (buttons before project tags). */
  bare?: boolean;
  responseUrl?: string;
  /** Seconds since the epoch; the fake clock's now by default. */
  ts?: number;
  secret?: string;
  signature?: string;
  to?: Served;
}

function formOf(c: Click): string {
  const payload = fixture('slack-block-actions.json', {
    ACTION_ID: c.action,
    // Buttons carry the project: `APR-1@<projectTag>` (an explicit `@` in a case's value is kept as is).
    VALUE: c.bare || c.value.includes('@') ? c.value : `${c.value}@${projectTag(h.ctx.projectDir)}`,
    RESPONSE_URL: c.responseUrl ?? slack.url,
  });
  return `payload=${encodeURIComponent(JSON.stringify(JSON.parse(payload)))}`;
}

/** Slack's side of a click: the form body, X-Slack-Request-Timestamp and X-Slack-Signature. */
async function click(c: Click, body = formOf(c)) {
  const ts = c.ts ?? Math.floor(h.clock.now / 1000);
  const res = await fetch(`${(c.to ?? served).url}/hooks/slack`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': c.signature ?? slackSignature(body, ts, c.secret ?? SLACK_SECRET),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    body,
  });
  const text = await res.text();
  await (c.to ?? served).settled();
  return { status: res.status, text };
}

const lastReply = () => JSON.parse(slack.received.at(-1)?.body ?? 'null');

describe('POST /hooks/slack', () => {
  it('an Approve click approves the approval, signed so the waiting gate obeys it, and updates the message', async () => {
    h.clock.now = T0 + 20_000;
    const r = await click({ action: 'agent-sre:approve', value: approval.id });
    expect(r).toEqual({ status: 200, text: '' });

    const rec = await approvalRecord(h, approval.id);
    expect(rec?.data).toMatchObject({
      status: 'approved',
      answeredBy: 'ana.oncall (U01AZ88AQQ4)',
      answeredVia: 'slack',
      answeredAt: T0 + 20_000,
    });
    // The gate verifies against its own copy of the request: a forged row would not pass this.
    expect(verifyApproval(h.ctx.mac, approval, rec!)).toBe(true);

    expect(slack.received).toHaveLength(1);
    const got = slack.received[0]!;
    expect(got.path).toBe('/actions/T01B5M3VC1X/1517123456789/secrets-are-in-this-path');
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    const reply = JSON.parse(got.body);
    expect(reply.replace_original).toBe(true);
    expect(reply.text).toBe(`${approval.id} approved by ana.oncall in Slack`);
    const types = reply.blocks.map((b: { type: string }) => b.type);
    expect(types).toEqual(['header', 'section', 'section', 'context']); // the buttons are gone
    expect(reply.blocks[2].text.text).toContain('by <@U01AZ88AQQ4> (ana.oncall) in Slack');
    expect(h.logs).toContain(`hooks/slack: ${approval.id} approved by ana.oncall (U01AZ88AQQ4) (slack)`);
  });

  it('a Deny click denies with a reason that says who denied it in Slack', async () => {
    await click({ action: 'agent-sre:deny', value: approval.id });
    const rec = await approvalRecord(h, approval.id);
    expect(rec?.data).toMatchObject({ status: 'denied', answerReason: 'denied in Slack by ana.oncall' });
    expect(verifyApproval(h.ctx.mac, approval, rec!)).toBe(true);
    expect(lastReply().text).toBe(`${approval.id} denied by ana.oncall in Slack`);
  });

  it('an Acknowledge click acknowledges the incident, recorded as from Slack', async () => {
    const incident = await raiseIncident(h);
    h.clock.now = T0 + 60_000;
    await click({ action: 'agent-sre:ack', value: incident.id });
    const now = await incidentNow(h, incident.id);
    expect(now).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'ana.oncall (U01AZ88AQQ4)' });
    expect(now?.milestones.acknowledgedAt).toBe(T0 + 60_000);
    const ack = (await timelineOf(h, incident.id)).find((t) => t.kind === 'acknowledged');
    expect(ack?.actor).toEqual({ kind: 'human', id: 'ana.oncall (U01AZ88AQQ4)', via: 'slack' });
    expect(lastReply().text).toBe(`${incident.id} acknowledged by ana.oncall in Slack`);
  });

  it('a second click on a settled question gets an ephemeral reply saying why, and changes nothing', async () => {
    await click({ action: 'agent-sre:approve', value: approval.id });
    h.clock.now += 1000; // a new timestamp: a new signature, not a replay
    const r = await click({ action: 'agent-sre:deny', value: approval.id });
    expect(r.status).toBe(200);
    expect(lastReply()).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: `agent-sre did not apply this answer. ${approval.id}: ${approval.id} was already approved by ana.oncall (U01AZ88AQQ4)`,
    });
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('approved');
  });

  it('a forged signature is 401: nothing is answered and the response_url is never called', async () => {
    for (const c of [
      { secret: 'not-the-signing-secret' },
      { signature: `v0=${'a'.repeat(64)}` },
      { signature: 'v1=abc' },
      { signature: '' },
    ]) {
      const r = await click({ action: 'agent-sre:approve', value: approval.id, ...c });
      expect(r.status).toBe(401);
    }
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('pending');
    expect(slack.received).toEqual([]);
    for (const line of h.logs) {
      expect(line).toMatch(/^hooks\/slack: refused 401: (bad signature|malformed headers)$/);
      expect(line).not.toContain(SLACK_SECRET);
    }
  });

  it('a request stamped 301 s away from now is refused, even correctly signed; 300 s is accepted', async () => {
    const now = Math.floor(h.clock.now / 1000);
    for (const ts of [now - 301, now + 301]) {
      const r = await click({ action: 'agent-sre:approve', value: approval.id, ts });
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toEqual({ error: 'stale timestamp' });
    }
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('pending');
    expect((await click({ action: 'agent-sre:approve', value: approval.id, ts: now - 300 })).status).toBe(
      200,
    );
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('approved');
  });

  it('the same signed request sent again within the window is refused as a replay', async () => {
    const c = {
      action: 'agent-sre:ack',
      value: (await raiseIncident(h)).id,
      ts: Math.floor(h.clock.now / 1000),
    };
    const body = formOf(c);
    expect((await click(c, body)).status).toBe(200);
    h.clock.now += 30_000; // still fresh: the timestamp check alone would let it in
    const again = await click(c, body);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.text)).toEqual({ error: 'replayed request' });
    expect(slack.received).toHaveLength(1);
    expect(h.logs.at(-1)).toBe(
      'hooks/slack: refused 401: replayed request (this signature was already used)',
    );
  });

  it('answers Slack at once, before the answer is applied', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = harness();
    const apr = await waitingApproval(slow);
    const answer = slow.ctx.answer;
    slow.ctx.answer = async (...args) => {
      await gate;
      return answer(...args);
    };
    const s = await serveHooks(slow.ctx);
    try {
      const body = formOf({
        action: 'agent-sre:approve',
        value: `${apr.id}@${projectTag(slow.ctx.projectDir)}`,
      });
      const ts = Math.floor(slow.clock.now / 1000);
      const res = await fetch(`${s.url}/hooks/slack`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': slackSignature(body, ts, SLACK_SECRET),
        },
        body,
      });
      expect(res.status).toBe(200);
      expect((await approvalRecord(slow, apr.id))?.data.status).toBe('pending');
      release();
      await s.settled();
      expect((await approvalRecord(slow, apr.id))?.data.status).toBe('approved');
    } finally {
      release();
      await s.close();
      await slow.close();
    }
  });

  it('never posts to a response_url off hooks.slack.com; the answer itself still counts', async () => {
    const sent: string[] = [];
    const spy: PostJson = (url, body) => {
      sent.push(url);
      return postJson(url, body);
    };
    const strict = await serveHooks(h.ctx, { send: spy, allowLoopbackResponseUrl: false });
    try {
      const urls = [
        slack.url, // loopback, but not allowed on a real server
        'https://evil.example/actions/T1/2/3',
        'http://hooks.slack.com/actions/T1/2/3',
        'https://hooks.slack.com.evil.example/actions/T1/2/3',
        'https://user:pw@hooks.slack.com/actions/T1/2/3',
        'https://hooks.slack.com:8443/actions/T1/2/3',
        'javascript:alert(1)',
        'not a url',
      ];
      for (const [i, responseUrl] of urls.entries()) {
        h.clock.now = T0 + i * 1000;
        const r = await click({
          action: 'agent-sre:ack',
          value: (await raiseIncident(h, { key: `k${i}` })).id,
          responseUrl,
          to: strict,
        });
        expect(r.status).toBe(200);
      }
      expect(sent).toEqual([]);
      expect(slack.received).toEqual([]);
      const incidents = await h.store.transact(0, (tx) => tx.incidents(), { readonly: true });
      expect(incidents.filter((i) => i.state === 'acknowledged')).toHaveLength(urls.length);
      const notUpdated = h.logs.filter((l) => l.includes('the message was not updated'));
      expect(notUpdated).toHaveLength(urls.length);
      for (const line of h.logs) expect(line).not.toContain('secrets-are-in-this-path');
    } finally {
      await strict.close();
    }
  });

  it('does not follow a redirect from the response_url', async () => {
    const elsewhere = await fakeResponseUrl();
    const redirector = createServer((_req, res) => {
      res.writeHead(307, { location: elsewhere.url }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    try {
      const port = (redirector.address() as AddressInfo).port;
      await click({
        action: 'agent-sre:approve',
        value: approval.id,
        responseUrl: `http://127.0.0.1:${port}/actions/x`,
      });
      expect((await approvalRecord(h, approval.id))?.data.status).toBe('approved');
      expect(elsewhere.received).toEqual([]);
      expect(h.logs.at(-1)).toBe(
        'hooks/slack: could not update the Slack message: Slack answered 307 (a redirect, not followed)',
      );
    } finally {
      await new Promise<void>((r) => redirector.close(() => r()));
      await elsewhere.close();
    }
  });

  it('when Slack will not take the kept blocks back, the reply is sent again with ours alone', async () => {
    let calls = 0;
    const picky: PostJson = async (url, body) => {
      calls += 1;
      if (calls === 1) return { kind: 'reply', status: 400, headers: {}, body: 'invalid_blocks' };
      return postJson(url, body);
    };
    const s = await serveHooks(h.ctx, { send: picky });
    try {
      await click({ action: 'agent-sre:approve', value: approval.id, to: s });
      expect(calls).toBe(2);
      expect(lastReply().blocks.map((b: { type: string }) => b.type)).toEqual(['section', 'context']);
    } finally {
      await s.close();
    }
  });

  it('buttons that are not ours, or whose value names nothing we answer, change nothing', async () => {
    for (const [action, value] of [
      ['approve_request', approval.id],
      ['agent-sre:approve', 'INC-1'],
      ['agent-sre:ack', approval.id],
      ['agent-sre:approve', 'APR-1; DROP TABLE'],
      ['agent-sre:approve', '__proto__'],
    ] as const) {
      h.clock.now += 1000;
      const r = await click({ action, value });
      expect(r.status).toBe(200);
      expect(lastReply()).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    }
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('pending');
  });

  it('a click on a link button (the browser opens the signed link) is acknowledged without a reply', async () => {
    const r = await click({ action: 'agent-sre:link:approve', value: approval.id });
    expect(r).toEqual({ status: 200, text: '' });
    expect(slack.received).toEqual([]);
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('pending');
    expect(h.logs.at(-1)).toBe('hooks/slack: ignored: a link button: the signed link answers it');
  });

  it('a malformed form that is correctly signed is a 200 with nothing done, never a crash', async () => {
    for (const body of [
      '',
      'payload=',
      'payload=%7Bnot%20json',
      'payload=%5B%5D',
      'x=1',
      'payload=%7B%22type%22%3A%22view_submission%22%7D',
    ]) {
      h.clock.now += 1000;
      const r = await click({ action: 'x', value: 'y' }, body);
      expect(r.status).toBe(200);
    }
    expect((await approvalRecord(h, approval.id))?.data.status).toBe('pending');
  });
});

describe('POST /hooks/slack without a signing secret', () => {
  it('is 404, and the log names the missing setting', async () => {
    const off = harness();
    off.ctx.server = { ...off.ctx.server, slackSigningSecretEnv: null };
    const s = await serveHooks(off.ctx);
    try {
      const res = await fetch(`${s.url}/hooks/slack`, { method: 'POST', body: 'payload=%7B%7D' });
      expect(res.status).toBe(404);
      expect(off.logs).toEqual([
        'hooks/slack: refused 404: the endpoint is off (server.slackSigningSecretEnv is not configured)',
      ]);
    } finally {
      await s.close();
      await off.close();
    }
  });
});

describe('a button from another project', () => {
  it('is not applied here, and the message says so', async () => {
    const r = await click({
      action: 'agent-sre:approve',
      value: `${approval.id}@${projectTag('/elsewhere')}`,
    });
    expect(r.status).toBe(200);
    const rec = await h.store.transact(h.clock.now, (tx) => tx.record<Approval>(APPROVAL_KIND, approval.id));
    expect(rec?.data.status).toBe('pending');
    expect(JSON.stringify(slack.received)).toMatch(/another project/);
  });

  it('a bare id without the project is refused as not ours', async () => {
    const r = await click({ action: 'agent-sre:approve', value: approval.id, bare: true });
    expect(r.status).toBe(200);
    const rec = await h.store.transact(h.clock.now, (tx) => tx.record<Approval>(APPROVAL_KIND, approval.id));
    expect(rec?.data.status).toBe('pending');
  });
});
