// The two webhook signatures, checked over the raw bytes as they arrived (re-serialised JSON or a decoded
// form would not match). Both verifiers take anything a client can send and never throw: a header that is
// missing, too long or not hex is simply not a match. Digests are compared with timingSafeEqual on
// equal-length buffers, so the time taken says nothing about how much of a guess was right.
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/i;
/** More signatures than a secret rotation needs is not PagerDuty. */
const MAX_PD_SIGNATURES = 8;
const MAX_HEADER = 1024;

function hmacSha256(secret: string, ...parts: Array<string | Uint8Array>): Buffer {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

function sameDigest(expected: Buffer, hex: string): boolean {
  if (!HEX64.test(hex)) return false;
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/**
 * PagerDuty v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`, each an HMAC-SHA256 of the body under one
 * of the subscription's secrets (several during a rotation). Valid when any `v1` entry matches ours.
 * Entries of other versions are skipped, as PagerDuty's own verifier does.
 */
export function verifyPagerDutySignature(body: Uint8Array, header: unknown, secret: string): boolean {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER || !secret)
    return false;
  const entries = header.split(',');
  if (entries.length > MAX_PD_SIGNATURES) return false;
  const expected = hmacSha256(secret, body);
  let match = false;
  // Every entry is compared (no early exit), so the position of a match is not measurable either.
  for (const entry of entries) {
    const e = entry.trim();
    if (!e.startsWith('v1=')) continue;
    if (sameDigest(expected, e.slice(3))) match = true;
  }
  return match;
}

/** Slack's replay window: requests stamped more than five minutes from now are refused. */
export const SLACK_MAX_SKEW_SECONDS = 300;

export type SlackCheck =
  | { ok: true; signature: string; timestamp: number }
  | { ok: false; why: 'missing headers' | 'malformed headers' | 'stale timestamp' | 'bad signature' };

/**
 * Slack: `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:<body>` under the app's
 * signing secret, refused when the timestamp is more than 300 s from `nowMs` either way. The timestamp is
 * checked before the MAC (a stale request costs no HMAC), and a request must pass both.
 */
export function verifySlackSignature(
  body: Uint8Array,
  timestampHeader: unknown,
  signatureHeader: unknown,
  secret: string,
  nowMs: number,
): SlackCheck {
  if (typeof timestampHeader !== 'string' || typeof signatureHeader !== 'string' || !secret)
    return { ok: false, why: 'missing headers' };
  if (!/^\d{1,12}$/.test(timestampHeader) || !/^v0=[0-9a-f]{64}$/i.test(signatureHeader))
    return { ok: false, why: 'malformed headers' };
  const timestamp = Number(timestampHeader);
  if (!Number.isFinite(nowMs) || Math.abs(nowMs / 1000 - timestamp) > SLACK_MAX_SKEW_SECONDS)
    return { ok: false, why: 'stale timestamp' };
  const expected = hmacSha256(secret, `v0:${timestampHeader}:`, body);
  if (!sameDigest(expected, signatureHeader.slice(3))) return { ok: false, why: 'bad signature' };
  return { ok: true, signature: signatureHeader.slice(3).toLowerCase(), timestamp };
}

/** What a sender computes: used by the tests' fakes, and handy for a user checking their setup by hand. */
export function pagerDutySignature(body: string | Uint8Array, secret: string): string {
  return `v1=${hmacSha256(secret, body).toString('hex')}`;
}

export function slackSignature(
  body: string | Uint8Array,
  timestamp: number | string,
  secret: string,
): string {
  return `v0=${hmacSha256(secret, `v0:${timestamp}:`, body).toString('hex')}`;
}
