// PagerDuty Events API v2: POST {baseUrl}/v2/enqueue. The integration key travels in the body as
// `routing_key` (no auth header); success is 202. PagerDuty deduplicates on `dedup_key`, so repeats and
// escalations are plain triggers with the incident's key, and PagerDuty's own escalation policy takes over.
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { Page, Severity } from '../../core/incidents/types.ts';
import type { Channel } from '../../ports.ts';
import {
  type ChannelDeps,
  type ConfigOf,
  classify,
  hasField,
  headline,
  neverThrows,
  post,
  readSecretEnv,
  redactPage,
  truncate,
} from './http.ts';

/** ≈120 events per minute per integration key (05-Rate-Limits.md). */
export const PAGERDUTY_MIN_INTERVAL_MS = 500;

const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

export const HANDOFF_NOT_SENT = 'not sent: PagerDuty has its own handoff notifications';

export function createPagerDutyChannel(
  name: string,
  config: ConfigOf<'pagerduty'>,
  deps: ChannelDeps,
): Channel {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/v2/enqueue`;
  const now = deps.now ?? Date.now;
  return {
    name,
    type: 'pagerduty',
    minIntervalMs: config.minIntervalMs ?? PAGERDUTY_MIN_INTERVAL_MS,
    send: neverThrows(
      async (page) => {
        // PagerDuty tells on-call people about their own shifts; a second handoff message would be noise.
        if (page.action === 'handoff') return { status: 'delivered', detail: HANDOFF_NOT_SENT };
        const key = readSecretEnv(deps.env, config.routingKeyEnv, 'PagerDuty routing key');
        if (!key.ok) return key.result;
        const body = { routing_key: key.value, ...pagerDutyEvent(redactPage(page), config.source) };
        const outcome = await post(
          url,
          JSON.stringify(body),
          { 'Content-Type': 'application/json' },
          deps.timeoutMs,
        );
        const result = classify(outcome, { nowMs: now(), secrets: [key.value] });
        if (result.status !== 'delivered') return result;
        return { status: 'delivered', ref: { dedupKey: body.dedup_key } };
      },
      () => [deps.env[config.routingKeyEnv] ?? ''],
    ),
  };
}

/** The event without its routing key (added by the caller, so this can be logged or tested freely). */
export function pagerDutyEvent(page: Page, source?: string) {
  switch (page.action) {
    case 'acknowledge':
    case 'resolve':
      return { event_action: page.action, dedup_key: page.dedupKey };
    case 'test':
      // A test must not touch the real incident's alert: same shape, its own key.
      return triggerEvent(page, `test:${page.key}`.slice(0, MAX_DEDUP_KEY), source);
    default:
      // trigger, repeat, escalate (and handoff, never sent): one alert per dedup_key
      return triggerEvent(page, page.dedupKey, source);
  }
}

function triggerEvent(page: Page, dedupKey: string, source: string | undefined) {
  const details: Record<string, string | string[]> = {};
  for (const f of page.fields) details[f.label] = f.value;
  if (page.body) details.Details = page.body;
  if (page.instructions.length > 0) details['To answer'] = page.instructions;
  if (page.incidentId && !hasField(page, 'Incident')) details.Incident = page.incidentId;
  if (page.sessionId && !hasField(page, 'Session')) details.Session = page.sessionId;
  if (page.recipient) details.For = page.recipient;
  return {
    event_action: 'trigger' as const,
    dedup_key: dedupKey,
    payload: {
      summary: truncate(summaryOf(page), MAX_SUMMARY),
      source: source ?? hostname(),
      severity: PD_SEVERITY[page.severity],
      timestamp: new Date(page.createdAt).toISOString(),
      component: 'agent-sre',
      group: basename(page.project) || page.project,
      class: classOf(page),
      custom_details: details,
    },
    client: 'agent-sre',
    ...linksOf(page),
  };
}

// Events v2 `links: [{href, text}]`, shown on the alert and its incident. Link buttons without a URL (no
// public address) have nothing to point at: PagerDuty's own acknowledge covers the incident then.
function linksOf(page: Page): { links?: Array<{ href: string; text: string }> } {
  const links = (page.links ?? []).flatMap((l) => (l.url ? [{ href: l.url, text: l.label }] : []));
  return links.length > 0 ? { links } : {};
}

function summaryOf(page: Page): string {
  return `${page.action === 'test' ? '[TEST] ' : ''}${headline(page)}`;
}

// PagerDuty groups alerts by `class` ("disk", "ping failure"): the rule or tier is our equivalent.
function classOf(page: Page): string {
  const wanted = ['rule', 'tier', 'source', 'kind'];
  for (const label of wanted) {
    const hit = page.fields.find((f) => f.label.trim().toLowerCase() === label);
    if (hit?.value) return hit.value;
  }
  return page.action === 'test' ? 'test' : 'agent-sre page';
}
