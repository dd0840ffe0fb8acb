// PagerDuty Events API v2 against a fake that validates events like the real API (§1.1).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPagerDutyChannel, HANDOFF_NOT_SENT } from '../../../src/adapters/notify/pagerduty.ts';
import type { Page, Severity } from '../../../src/core/incidents/types.ts';
import type { Channel } from '../../../src/ports.ts';
import { makePage, T0 } from '../../contracts/channel.ts';
import { type FakeServer, forced, startFakePagerDuty } from '../../helpers/fake-apis.ts';

const KEY = 'e93facc04764012d7bfb002500d5d1a6';

let fake: FakeServer;
let pd: Channel;
const make = (env: Record<string, string | undefined> = { PD_KEY: KEY }, timeoutMs = 2_000) =>
  createPagerDutyChannel(
    'pd',
    { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: `${fake.url}/`, source: 'ci-host' },
    { env, projectDir: '/work/acme-api', now: () => T0, timeoutMs },
  );
const last = () => fake.requests.at(-1)!;

beforeEach(async () => {
  fake = await startFakePagerDuty();
  pd = make();
});
afterEach(() => fake.close());

describe('PagerDuty trigger', () => {
  it('sends the documented event and reads 202 as delivered', async () => {
    const result = await pd.send(makePage('trigger'), undefined);
    expect(result).toEqual({
      status: 'delivered',
      ref: { dedupKey: 'tier4.denied/acme-api/sess-42/git.force-push' },
    });
    const req = last();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/enqueue');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined(); // the key travels in the body
    expect(req.reply).toEqual({
      status: 202,
      body: {
        status: 'success',
        message: 'Event processed',
        dedup_key: 'tier4.denied/acme-api/sess-42/git.force-push',
      },
    });
    expect(req.body).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'tier4.denied/acme-api/sess-42/git.force-push',
      payload: {
        summary: '[SEV2] INC-7: Force push to main blocked',
        source: 'ci-host',
        severity: 'error',
        timestamp: '2026-05-12T02:14:07.000Z',
        component: 'agent-sre',
        group: 'acme-api',
        class: 'git.force-push',
        custom_details: {
          Severity: 'SEV2',
          State: 'triggered',
          Source: 'tier4.denied',
          Rule: 'git.force-push',
          Session: 'sess-42',
          Command: 'git push --force origin main',
          Details: 'Triggered INC-7\nThe agent tried to force-push to a protected branch.',
          'To answer': [
            'agent-sre ack INC-7 --dir /work/acme-api',
            'agent-sre resolve INC-7 --dir /work/acme-api',
          ],
          Incident: 'INC-7',
        },
      },
      client: 'agent-sre',
    });
  });

  it.each([
    ['SEV1', 'critical'],
    ['SEV2', 'error'],
    ['SEV3', 'warning'],
    ['SEV4', 'info'],
  ] as [Severity, string][])('maps %s to severity %s', async (severity, expected) => {
    await pd.send(makePage('trigger', { severity }), undefined);
    expect((last().body as { payload: { severity: string } }).payload.severity).toBe(expected);
  });

  it('cuts the summary to 1024 characters', async () => {
    const result = await pd.send(makePage('trigger', { title: 'x'.repeat(5000) }), undefined);
    expect(result.status).toBe('delivered');
    expect((last().body as { payload: { summary: string } }).payload.summary).toHaveLength(1024);
  });

  it('adds the severity and incident to a title that lacks them', async () => {
    await pd.send(makePage('trigger', { title: 'Budget spent', severity: 'SEV3' }), undefined);
    expect((last().body as { payload: { summary: string } }).payload.summary).toBe(
      '[SEV3] INC-7: Budget spent',
    );
  });

  it('sends repeats and escalations as triggers with the same dedup_key', async () => {
    for (const action of ['repeat', 'escalate'] as const) {
      expect((await pd.send(makePage(action), undefined)).status).toBe('delivered');
      expect(last().body).toMatchObject({
        event_action: 'trigger',
        dedup_key: 'tier4.denied/acme-api/sess-42/git.force-push',
      });
    }
  });
});

describe('PagerDuty acknowledge, resolve, test, handoff', () => {
  it.each(['acknowledge', 'resolve'] as const)(
    '%s is just routing_key, dedup_key and event_action',
    async (action) => {
      expect((await pd.send(makePage(action), undefined)).status).toBe('delivered');
      expect(last().body).toEqual({
        routing_key: KEY,
        dedup_key: 'tier4.denied/acme-api/sess-42/git.force-push',
        event_action: action,
      });
    },
  );

  it('sends a test page under its own dedup_key so the real alert is untouched', async () => {
    const page = makePage('test', { incidentId: null, key: 'test/pd/1', title: 'Test page from agent-sre' });
    expect((await pd.send(page, undefined)).status).toBe('delivered');
    const body = last().body as { event_action: string; dedup_key: string; payload: { summary: string } };
    expect(body.event_action).toBe('trigger');
    expect(body.dedup_key).toBe('test:test/pd/1');
    expect(body.payload.summary).toBe('[TEST] [SEV2] Test page from agent-sre');
  });

  it('does not send handoffs: PagerDuty notifies on-call changes itself', async () => {
    expect(await pd.send(makePage('handoff'), undefined)).toEqual({
      status: 'delivered',
      detail: HANDOFF_NOT_SENT,
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('PagerDuty failures', () => {
  it('400 invalid event is permanent and keeps PagerDuty’s reason, never the key', async () => {
    const badKey = 'short-key-0123456789';
    const result = await make({ PD_KEY: badKey }).send(makePage('trigger'), undefined);
    expect(result.status).toBe('failed');
    const error = result.status === 'failed' ? result.error : '';
    expect(error).toContain('HTTP 400');
    expect(error).toContain('Event object is invalid');
    expect(error).toContain("Length of 'routing_key' is incorrect (should be 32 characters)");
    expect(error).not.toContain(badKey);
    expect(error.length).toBeLessThanOrEqual(300);
  });

  it('cuts a long error text to about 300 characters', async () => {
    fake.failNext({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: Array(50).fill('bad field'),
      },
    });
    const result = await pd.send(makePage('trigger'), undefined);
    expect(result.status === 'failed' && result.error.length).toBe(300);
  });

  it('429 retries after Retry-After', async () => {
    fake.failNext(
      forced.rateLimited(30, {
        status: 'throttle event',
        message: 'Requests for this service are arriving too quickly.',
      }),
    );
    const result = await pd.send(makePage('trigger'), undefined);
    expect(result).toMatchObject({ status: 'retry', retryAfterMs: 30_000 });
    expect(result.status === 'retry' && result.error).toContain('arriving too quickly');
  });

  it('429 without Retry-After retries and leaves the backoff to the worker', async () => {
    fake.failNext({ status: 429, body: { status: 'throttle event', message: 'too quickly' } });
    const result = await pd.send(makePage('trigger'), undefined);
    expect(result.status).toBe('retry');
    expect(result).not.toHaveProperty('retryAfterMs');
  });

  it.each([500, 502, 503, 504, 408])('%i retries', async (status) => {
    fake.failNext({ status, body: { message: 'oops' } });
    expect(await pd.send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: `HTTP ${status}: oops`,
    });
  });

  it('a reset connection and a timeout retry', async () => {
    fake.failNext(forced.reset);
    expect((await pd.send(makePage('trigger'), undefined)).status).toBe('retry');
    fake.failNext(forced.hang);
    const timedOut = await make(undefined, 200).send(makePage('trigger'), undefined);
    expect(timedOut).toEqual({ status: 'retry', error: 'timed out waiting for the server' });
  });

  it('a missing routing key leaves the page for another worker and names the variable', async () => {
    const result = await make({}).send(makePage('trigger'), undefined);
    expect(result).toEqual({
      status: 'retry',
      error: `PagerDuty routing key missing in this worker's environment: set PD_KEY where the hook, tick and serve run`,
      retryAfterMs: 60_000,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('the fake rejects what the real API rejects', async () => {
    const send = (body: unknown) =>
      fetch(`${fake.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.status);
    expect(
      await send({ routing_key: KEY, event_action: 'trigger', payload: { summary: 's', source: 'h' } }),
    ).toBe(400);
    expect(await send({ routing_key: KEY, event_action: 'resolve' })).toBe(400);
    expect(await send({ routing_key: KEY, event_action: 'snooze', dedup_key: 'k' })).toBe(400);
    expect(await send({ routing_key: KEY, event_action: 'resolve', dedup_key: 'k' })).toBe(202);
  });
});

// The redaction itself is covered by the contract; here: the key we add is never redacted away.
it('keeps the routing key intact after redacting the page', async () => {
  const page: Page = makePage('trigger', { body: `token=${KEY}` });
  await pd.send(page, undefined);
  const body = last().body as { routing_key: string; payload: { custom_details: { Details: string } } };
  expect(body.routing_key).toBe(KEY);
  expect(body.payload.custom_details.Details).toBe('token=[REDACTED]');
});
