// A generic signed webhook: POST the page as JSON to any receiver. Receivers authenticate it with
// X-Agent-SRE-Signature = v1=hex(HMAC-SHA256(secret, `${timestamp}.${rawBody}`)) (the Stripe/Slack scheme:
// the timestamp inside the MAC stops replays of old deliveries) and deduplicate on X-Agent-SRE-Delivery.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Page } from '../../core/incidents/types.ts';
import type { Channel } from '../../ports.ts';
import {
  type ChannelDeps,
  type ConfigOf,
  classify,
  neverThrows,
  pageContent,
  post,
  readSecretEnv,
  redactPage,
} from './http.ts';

export const WEBHOOK_MIN_INTERVAL_MS = 0;
export const WEBHOOK_PAYLOAD_VERSION = 1;

export function createWebhookChannel(name: string, config: ConfigOf<'webhook'>, deps: ChannelDeps): Channel {
  const now = deps.now ?? Date.now;
  return {
    name,
    type: 'webhook',
    minIntervalMs: config.minIntervalMs ?? WEBHOOK_MIN_INTERVAL_MS,
    send: neverThrows(
      async (page) => {
        const secret = readSecretEnv(deps.env, config.secretEnv, 'webhook signing secret');
        if (!secret.ok) return secret.result;
        const rawBody = JSON.stringify(webhookPayload(redactPage(page)));
        const timestamp = Math.floor(now() / 1000);
        const headers = {
          'Content-Type': 'application/json',
          'X-Agent-SRE-Timestamp': String(timestamp),
          'X-Agent-SRE-Signature': signWebhook(secret.value, timestamp, rawBody),
          'X-Agent-SRE-Delivery': page.key,
        };
        const outcome = await post(config.url, rawBody, headers, deps.timeoutMs);
        // The URL may carry a receiver token in its path or query: keep it out of errors too.
        return classify(outcome, { nowMs: now(), secrets: [secret.value, config.url] });
      },
      () => [deps.env[config.secretEnv] ?? '', config.url],
    ),
  };
}

/**
 * The documented body, version 1. Receivers should ignore fields they do not know. `links` (signed answer
 * links: `{action, target, label, url}`) is there only when the page carries some with a URL.
 */
export function webhookPayload(page: Page) {
  const links = (page.links ?? []).filter((l) => l.url !== null);
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    action: page.action,
    incident: { id: page.incidentId, dedupKey: page.dedupKey, severity: page.severity, title: page.title },
    ...pageContent(page),
    key: page.key,
    ...(links.length > 0
      ? { links: links.map((l) => ({ action: l.action, target: l.target, label: l.label, url: l.url })) }
      : {}),
  };
}

export function signWebhook(secret: string, timestampSeconds: number | string, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}

/**
 * For receivers: is `signature` the v1 HMAC of this exact body and timestamp, and is the timestamp within
 * `toleranceSeconds` of `nowSeconds`? Compares in constant time. Pass the raw body bytes as received, not
 * re-serialised JSON.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | undefined,
  rawBody: string,
  signature: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = String(timestamp ?? '');
  if (!/^\d{1,12}$/.test(ts) || !signature) return false;
  if (Math.abs(nowSeconds - Number(ts)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
