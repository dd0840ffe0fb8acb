// Slack incoming webhook: POST {text, blocks} to the webhook URL; success is 200 with the body `ok`.
// The URL itself is the credential (anyone holding it can post), so it lives in an environment variable and
// never appears in an error.
//
// Buttons, when the page carries answer links (src/app/page-links.ts), in an `actions` block:
// - interactive (server.slackSigningSecretEnv is set: the webhook belongs to a Slack app whose Interactivity
//   URL is `agent-sre serve`'s /hooks/slack): action_id `agent-sre:ack|approve|deny`, value the INC/APR id,
//   and no url, since a button with a url fires the interaction as well as opening the link;
// - otherwise link buttons to the signed links, when a public URL makes them. Slack may still post their
//   clicks to an app's Interactivity URL; their action_ids (`agent-sre:link:…`) say they are not answers.
// The CLI commands stay in every page either way.
import { basename } from 'node:path';
import type { Page, PageAction, PageLink } from '../../core/incidents/types.ts';
import type { Channel } from '../../ports.ts';
import { projectTag } from '../fs/project-tag.ts';
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
// Button element reference: text 75, url 3000, value 2000; an actions block holds at most 25 elements.
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_URL = 3000;
const MAX_BUTTON_VALUE = 2000;
const MAX_ACTIONS = 25;

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
        const message = slackMessage(redactPage(page), { interactive: deps.slackInteractive === true });
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

export interface SlackOptions {
  /** Answer buttons post to the Slack app (no url); otherwise they open the signed links. */
  interactive?: boolean;
}

/** The webhook body for a page. Exported for tests and for `agent-sre page --dry-run` style previews. */
export function slackMessage(page: Page, opts: SlackOptions = {}): SlackMessage {
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
  const buttons = buttonsOf(page, opts.interactive === true);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
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

const BUTTON_STYLE: Record<PageLink['action'], 'primary' | 'danger'> = {
  ack: 'primary',
  approve: 'primary',
  deny: 'danger',
};

function buttonsOf(page: Page, interactive: boolean): Block[] {
  const buttons: Block[] = [];
  for (const link of page.links ?? []) {
    const text = { type: 'plain_text', text: truncate(link.label, MAX_BUTTON_TEXT), emoji: true };
    const style = BUTTON_STYLE[link.action];
    if (interactive) {
      if (link.target.length > MAX_BUTTON_VALUE) continue;
      buttons.push({
        type: 'button',
        action_id: `agent-sre:${link.action}`,
        text,
        // The project travels with the id: one Slack app may page for several projects.
        value: `${link.target}@${projectTag(page.project)}`,
        style,
      });
    } else if (link.url && link.url.length <= MAX_BUTTON_URL) {
      // A cut URL is a broken link: a link too long for Slack is left out instead (the CLI lines remain).
      buttons.push({
        type: 'button',
        action_id: `agent-sre:link:${link.action}`,
        text,
        url: link.url,
        style,
      });
    }
  }
  return buttons.slice(0, MAX_ACTIONS);
}
