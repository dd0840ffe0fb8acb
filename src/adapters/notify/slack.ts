// Slack incoming webhook: POST {text, blocks} to the webhook URL; success is 200 with the body `ok`.
// The URL itself is the credential (anyone holding it can post), so it lives in an environment variable and
// never appears in an error. No buttons: Acknowledge/Resolve buttons need a Slack app with Interactivity and a
// public request URL, which an incoming webhook does not have. The page shows the CLI commands instead.
import { basename } from 'node:path';
import type { Page, PageAction } from '../../core/incidents/types.ts';
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
  scrub,
  truncate,
} from './http.ts';

/** Incoming webhooks: 1 message per second (Slack rate-limit docs). */
export const SLACK_MIN_INTERVAL_MS = 1000;

// Block Kit limits (section-block and header-block references).
const MAX_HEADER = 150;
const MAX_SECTION_TEXT = 3000;
const MAX_FIELDS = 10;
const MAX_FIELD_TEXT = 2000;
const MAX_FALLBACK = 3000;

type Block = Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function createSlackChannel(name: string, config: ConfigOf<'slack'>, deps: ChannelDeps): Channel {
  const now = deps.now ?? Date.now;
  return {
    name,
    type: 'slack',
    minIntervalMs: config.minIntervalMs ?? SLACK_MIN_INTERVAL_MS,
    send: neverThrows(
      async (page) => {
        const hook = readSecretEnv(deps.env, config.webhookUrlEnv, 'Slack webhook URL');
        if (!hook.ok) return hook.result;
        const message = slackMessage(redactPage(page));
        const headers = { 'Content-Type': 'application/json' };
        const outcome = await post(hook.value, JSON.stringify(message), headers, deps.timeoutMs);
        const ctx = { nowMs: now(), secrets: [hook.value] };
        const result = classify(outcome, ctx);
        // A webhook that answers 2xx with anything but `ok` did not post the message (a proxy, a wrong URL).
        if (result.status === 'delivered' && outcome.kind === 'reply' && outcome.body.trim() !== 'ok') {
          const said = outcome.body.trim() || '(empty body)';
          return { status: 'failed', error: scrub(`HTTP ${outcome.status} without "ok": ${said}`, ctx) };
        }
        return result;
      },
      () => [deps.env[config.webhookUrlEnv] ?? ''],
    ),
  };
}

// Slack's mrkdwn treats & < > as control characters (`<!channel>` pings everyone); escape page text.
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

// The first words of every message say what happened; a trigger needs none.
export const SLACK_LEAD: Record<PageAction, string> = {
  trigger: '',
  repeat: '🔁 Still open: ',
  escalate: '⏫ Escalated: ',
  acknowledge: '👀 Acknowledged: ',
  resolve: '✅ Resolved: ',
  handoff: '🔄 Handoff: ',
  test: '🧪 Test page: ',
};

/** The webhook body for a page. Exported for tests and for `agent-sre page --dry-run` style previews. */
export function slackMessage(page: Page): SlackMessage {
  const short = page.action === 'acknowledge' || page.action === 'resolve' || page.action === 'handoff';
  const line = `${SLACK_LEAD[page.action]}${headline(page)}`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(line, MAX_HEADER), emoji: true } },
  ];
  if (!short) blocks.push({ type: 'section', fields: fieldsOf(page) });
  if (page.body) blocks.push({ type: 'section', text: mrkdwn(truncate(esc(page.body), MAX_SECTION_TEXT)) });
  if (!short && page.instructions.length > 0) {
    const code = truncate(esc(page.instructions.join('\n')), MAX_SECTION_TEXT - 20);
    blocks.push({ type: 'section', text: mrkdwn(`*To answer:*\n\`\`\`${code}\`\`\``) });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(contextLine(page, short))] });
  return { text: truncate(line, MAX_FALLBACK), blocks };
}

function factsOf(page: Page): Array<{ label: string; value: string }> {
  const facts: Array<{ label: string; value: string }> = [];
  if (!hasField(page, 'Severity')) facts.push({ label: 'Severity', value: page.severity });
  if (page.sessionId && !hasField(page, 'Session')) facts.push({ label: 'Session', value: page.sessionId });
  if (page.recipient) facts.push({ label: 'For', value: page.recipient });
  return [...facts, ...page.fields];
}

function fieldsOf(page: Page) {
  return factsOf(page)
    .slice(0, MAX_FIELDS)
    .map((f) => mrkdwn(truncate(`*${esc(f.label)}:*\n${esc(f.value)}`, MAX_FIELD_TEXT)));
}

function contextLine(page: Page, short: boolean): string {
  const hidden = short ? 0 : factsOf(page).length - MAX_FIELDS;
  const parts = [
    page.incidentId,
    basename(page.project) || page.project,
    `dedup key \`${esc(page.dedupKey)}\``,
    hidden > 0 ? `${hidden} more fields not shown (Slack shows ${MAX_FIELDS})` : '',
  ];
  return truncate(parts.filter(Boolean).join(' · '), MAX_SECTION_TEXT);
}
