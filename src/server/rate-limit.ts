// Token buckets for the routes anyone on the internet can reach (webhooks, /login, signed links). A bucket
// per remote address keeps one noisy client from starving the rest; a global bucket bounds the work the
// server does (SQLite writes, HMACs) whatever the number of addresses. A request costs one token from both.
//
// Behind the user's tunnel or reverse proxy every request comes from the proxy's address, so the
// per-address bucket then acts as a second global one. Forwarded-for headers are not believed: anyone can
// send them, and a limiter keyed by them limits nobody.
import type { Context, MiddlewareHandler } from 'hono';

export interface BucketSpec {
  /** Most requests allowed in a burst. */
  capacity: number;
  /** Tokens added back per minute. */
  perMinute: number;
}

export interface RateLimitSpec {
  perAddress: BucketSpec;
  global: BucketSpec;
  /** Addresses remembered at most; the least recently seen are forgotten first (a forgotten one starts full). */
  maxAddresses?: number;
}

/** 30 requests a minute per address, 300 a minute in all. */
export const WEBHOOK_RATE_LIMIT: RateLimitSpec = {
  perAddress: { capacity: 30, perMinute: 30 },
  global: { capacity: 300, perMinute: 300 },
};

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number; scope: 'address' | 'global' };

export interface RateLimiter {
  take(address: string, now: number): Verdict;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MINUTE = 60_000;

function refill(b: Bucket, spec: BucketSpec, now: number): void {
  // A clock that steps back refills nothing (and never drains a bucket).
  const elapsed = Math.max(0, now - b.at);
  b.tokens = Math.min(spec.capacity, b.tokens + (elapsed * spec.perMinute) / MINUTE);
  b.at = Math.max(b.at, now);
}

function waitSeconds(b: Bucket, spec: BucketSpec): number {
  return Math.max(1, Math.ceil(((1 - b.tokens) * MINUTE) / spec.perMinute / 1000));
}

export function tokenBucketLimiter(spec: RateLimitSpec): RateLimiter {
  const maxAddresses = spec.maxAddresses ?? 10_000;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently seen first.
  const buckets = new Map<string, Bucket>();
  let global: Bucket | null = null;
  return {
    take(address, now) {
      global ??= { tokens: spec.global.capacity, at: now };
      refill(global, spec.global, now);
      let mine = buckets.get(address);
      if (mine) buckets.delete(address);
      else mine = { tokens: spec.perAddress.capacity, at: now };
      refill(mine, spec.perAddress, now);
      buckets.set(address, mine);
      while (buckets.size > maxAddresses) {
        const oldest = buckets.keys().next().value as string;
        buckets.delete(oldest);
      }
      // Checked before either bucket is charged, so a refused request costs nothing.
      if (mine.tokens < 1)
        return { ok: false, retryAfterSeconds: waitSeconds(mine, spec.perAddress), scope: 'address' };
      if (global.tokens < 1)
        return { ok: false, retryAfterSeconds: waitSeconds(global, spec.global), scope: 'global' };
      mine.tokens -= 1;
      global.tokens -= 1;
      return { ok: true };
    },
  };
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The peer's address as @hono/node-server hands it over; `unknown` elsewhere (app.request in tests). */
export function remoteAddress(c: Context): string {
  const env = c.env as NodeBindings | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Hono middleware: 429 with Retry-After once a bucket is empty. `name` labels the log line; the line holds
 * the address, never a header or a body.
 */
export function rateLimit(
  limiter: RateLimiter,
  opts: { now: () => number; log: (line: string) => void; name: string; addressOf?: (c: Context) => string },
): MiddlewareHandler {
  const addressOf = opts.addressOf ?? remoteAddress;
  // A flood must not become a flood of log lines: one line per address per minute says enough.
  const logged = new Map<string, number>();
  return async (c, next) => {
    const address = addressOf(c);
    const now = opts.now();
    const v = limiter.take(address, now);
    if (!v.ok) {
      const last = logged.get(address);
      if (last === undefined || now - last >= MINUTE) {
        if (logged.size >= 1000) logged.clear();
        logged.set(address, now);
        opts.log(`${opts.name}: refused 429 (${v.scope} rate limit) from ${address}`);
      }
      c.header('Retry-After', String(v.retryAfterSeconds));
      return c.json({ error: 'too many requests' }, 429);
    }
    return next();
  };
}
