// The token buckets in front of the webhooks: per address and global, refusals free, 429 with Retry-After.
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { rateLimit, tokenBucketLimiter, WEBHOOK_RATE_LIMIT } from '../../../src/server/rate-limit.ts';
import { type Harness, harness, type Served, serveHooks, T0 } from './harness.ts';

describe('tokenBucketLimiter', () => {
  it('allows 30 a minute from one address; the 31st waits two seconds for a token', () => {
    const limiter = tokenBucketLimiter(WEBHOOK_RATE_LIMIT);
    for (let i = 0; i < 30; i++) expect(limiter.take('203.0.113.7', T0 + i)).toEqual({ ok: true });
    expect(limiter.take('203.0.113.7', T0 + 40)).toEqual({
      ok: false,
      retryAfterSeconds: 2,
      scope: 'address',
    });
    // Another address has its own bucket.
    expect(limiter.take('198.51.100.1', T0 + 41)).toEqual({ ok: true });
    // 30 a minute refills one token every two seconds.
    expect(limiter.take('203.0.113.7', T0 + 1_500).ok).toBe(false);
    expect(limiter.take('203.0.113.7', T0 + 2_100).ok).toBe(true);
    expect(limiter.take('203.0.113.7', T0 + 2_200).ok).toBe(false);
  });

  it('refused requests cost nothing: hammering while limited does not push the reopening back', () => {
    const limiter = tokenBucketLimiter(WEBHOOK_RATE_LIMIT);
    for (let i = 0; i < 30; i++) limiter.take('a', T0);
    for (let t = T0; t < T0 + 2_000; t += 10) expect(limiter.take('a', t).ok).toBe(false);
    expect(limiter.take('a', T0 + 2_000).ok).toBe(true);
  });

  it('the global bucket caps the sum over addresses', () => {
    const limiter = tokenBucketLimiter({
      perAddress: { capacity: 30, perMinute: 30 },
      global: { capacity: 100, perMinute: 100 },
    });
    let allowed = 0;
    for (let i = 0; i < 500; i++) if (limiter.take(`10.0.${i >> 8}.${i & 255}`, T0).ok) allowed++;
    expect(allowed).toBe(100);
    expect(limiter.take('10.9.9.9', T0)).toEqual({ ok: false, retryAfterSeconds: 1, scope: 'global' });
  });

  it('forgets the least recently seen addresses past its bound (a forgotten one starts full)', () => {
    const limiter = tokenBucketLimiter({ ...WEBHOOK_RATE_LIMIT, maxAddresses: 2 });
    for (let i = 0; i < 30; i++) limiter.take('a', T0);
    expect(limiter.take('a', T0).ok).toBe(false);
    limiter.take('b', T0);
    limiter.take('c', T0); // 'a' is forgotten here
    expect(limiter.take('a', T0).ok).toBe(true);
  });

  it('a clock stepping backwards neither refills nor throws', () => {
    const limiter = tokenBucketLimiter(WEBHOOK_RATE_LIMIT);
    for (let i = 0; i < 30; i++) limiter.take('a', T0);
    expect(limiter.take('a', T0 - 3_600_000).ok).toBe(false);
    expect(limiter.take('a', T0 + 2_000).ok).toBe(true);
  });
});

describe('rateLimit middleware', () => {
  it('answers 429 with Retry-After and logs one line per address per minute', async () => {
    let now = T0;
    const logs: string[] = [];
    const app = new Hono();
    app.use(
      '*',
      rateLimit(tokenBucketLimiter(WEBHOOK_RATE_LIMIT), {
        now: () => now,
        log: (l) => logs.push(l),
        name: 'login',
        addressOf: (c) => c.req.header('x-test-peer') ?? 'none',
      }),
    );
    app.post('/x', (c) => c.text('ok'));
    const hit = (peer: string) => app.request('/x', { method: 'POST', headers: { 'x-test-peer': peer } });
    for (let i = 0; i < 30; i++) expect((await hit('192.0.2.1')).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await hit('192.0.2.1');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
    }
    expect((await hit('192.0.2.2')).status).toBe(200);
    expect(logs).toEqual(['login: refused 429 (address rate limit) from 192.0.2.1']);
    now += 60_000;
    expect((await hit('192.0.2.1')).status).toBe(200);
  });
});

describe('the webhook routes are rate limited', () => {
  let h: Harness;
  let served: Served;
  afterEach(async () => {
    await served.close();
    await h.close();
  });

  it('the 31st request in a minute from one address gets 429, before its body or signature is looked at', async () => {
    h = harness();
    served = await serveHooks(h.ctx);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${served.url}/hooks/${i % 2 ? 'slack' : 'pagerduty'}`, {
        method: 'POST',
        headers: { 'x-pagerduty-signature': 'v1=00' },
        body: '{}',
      });
      statuses.push(res.status);
      if (i === 30) expect(res.headers.get('retry-after')).toBe('2');
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(h.logs.at(-1)).toBe('hooks: refused 429 (address rate limit) from 127.0.0.1');
  });
});
