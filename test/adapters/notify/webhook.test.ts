// The generic signed webhook: the documented body and headers, a receiver that checks the HMAC with
// verifyWebhookSignature, and the verifier's own edge cases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWebhookChannel,
  signWebhook,
  verifyWebhookSignature,
} from '../../../src/adapters/notify/webhook.ts';
import { makePage, T0 } from '../../contracts/channel.ts';
import { type FakeServer, forced, startFakeWebhookReceiver } from '../../helpers/fake-apis.ts';

const SECRET = 'whsec-test-only-7c1f0e';
const NOW_S = Math.floor(T0 / 1000);

let receiver: FakeServer;
const make = (secret: string | undefined = SECRET, path = '/hooks/agent-sre') =>
  createWebhookChannel(
    'hook',
    { type: 'webhook', url: `${receiver.url}${path}`, secretEnv: 'HOOK_SECRET' },
    { env: { HOOK_SECRET: secret }, projectDir: '/work/acme-api', now: () => T0, timeoutMs: 2_000 },
  );

beforeEach(async () => {
  receiver = await startFakeWebhookReceiver(SECRET, () => NOW_S + 30); // the receiver's clock is a bit ahead
});
afterEach(() => receiver.close());

describe('webhook delivery', () => {
  it('posts the versioned JSON body with timestamp, signature and delivery headers', async () => {
    const page = makePage('escalate', { recipient: 'bob' });
    expect(await make().send(page, undefined)).toEqual({ status: 'delivered' });
    const req = receiver.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/agent-sre');
    expect(req.reply!.status).toBe(204);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-agent-sre-timestamp']).toBe(String(NOW_S));
    expect(req.headers['x-agent-sre-delivery']).toBe('INC-7/test-channel/escalate');
    expect(req.headers['x-agent-sre-signature']).toBe(signWebhook(SECRET, NOW_S, req.raw));
    expect(req.headers['x-agent-sre-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(req.body).toEqual({
      version: 1,
      action: 'escalate',
      incident: {
        id: 'INC-7',
        dedupKey: 'tier4.denied/acme-api/sess-42/git.force-push',
        severity: 'SEV2',
        title: '[SEV2] INC-7: Force push to main blocked',
      },
      body: page.body,
      fields: page.fields,
      instructions: page.instructions,
      recipient: 'bob',
      project: '/work/acme-api',
      sessionId: 'sess-42',
      createdAt: '2026-05-12T02:14:07.000Z',
      key: 'INC-7/test-channel/escalate',
    });
  });

  it('is rejected by the receiver when the secrets differ, and that is permanent', async () => {
    const result = await make('some-other-secret').send(makePage('trigger'), undefined);
    expect(result).toEqual({ status: 'failed', error: 'HTTP 401: bad signature' });
  });

  it('retries 5xx and 429 (after Retry-After)', async () => {
    receiver.failNext(forced.unavailable(), forced.rateLimited(3, 'busy'));
    expect((await make().send(makePage('trigger'), undefined)).status).toBe('retry');
    expect(await make().send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: 'HTTP 429: busy',
      retryAfterMs: 3_000,
    });
  });

  it('keeps the receiver URL (which may hold a token) and the secret out of errors', async () => {
    receiver.failNext({
      status: 400,
      body: `rejected ${receiver.url}/hooks/tok-9f8e7d6c5b4a with ${SECRET}`,
    });
    const result = await make(SECRET, '/hooks/tok-9f8e7d6c5b4a').send(makePage('trigger'), undefined);
    expect(result.status).toBe('failed');
    const error = result.status === 'failed' ? result.error : '';
    expect(error).not.toContain('tok-9f8e7d6c5b4a');
    expect(error).not.toContain(SECRET);
  });

  it('leaves the page for another worker, naming the variable, when the secret is not set', async () => {
    expect(await make('').send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: `webhook signing secret missing in this worker's environment: set HOOK_SECRET where the hook, tick and serve run`,
      retryAfterMs: 60_000,
    });
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"version":1}';
  const sig = signWebhook(SECRET, NOW_S, body);

  it('accepts the exact body and timestamp within five minutes', () => {
    expect(verifyWebhookSignature(SECRET, String(NOW_S), body, sig, NOW_S)).toBe(true);
    expect(verifyWebhookSignature(SECRET, NOW_S, body, sig, NOW_S + 300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, NOW_S, body, sig, NOW_S - 300)).toBe(true);
  });

  it.each([
    ['another secret', () => verifyWebhookSignature('other', NOW_S, body, sig, NOW_S)],
    ['a changed body', () => verifyWebhookSignature(SECRET, NOW_S, '{"version":2}', sig, NOW_S)],
    ['a changed timestamp', () => verifyWebhookSignature(SECRET, NOW_S + 1, body, sig, NOW_S)],
    ['a stale delivery', () => verifyWebhookSignature(SECRET, NOW_S, body, sig, NOW_S + 301)],
    ['a delivery from the future', () => verifyWebhookSignature(SECRET, NOW_S, body, sig, NOW_S - 301)],
    ['a custom tolerance', () => verifyWebhookSignature(SECRET, NOW_S, body, sig, NOW_S + 61, 60)],
    ['no signature', () => verifyWebhookSignature(SECRET, NOW_S, body, undefined, NOW_S)],
    ['no timestamp', () => verifyWebhookSignature(SECRET, undefined, body, sig, NOW_S)],
    ['a non-numeric timestamp', () => verifyWebhookSignature(SECRET, '1e9', body, sig, NOW_S)],
    ['a truncated signature', () => verifyWebhookSignature(SECRET, NOW_S, body, sig.slice(0, -2), NOW_S)],
    ['a bare hex signature', () => verifyWebhookSignature(SECRET, NOW_S, body, sig.slice(3), NOW_S)],
  ])('rejects %s', (_what, check) => {
    expect(check()).toBe(false);
  });
});
