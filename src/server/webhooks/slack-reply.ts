// Telling the person who clicked what happened, through the click's `response_url`: the message is
// replaced to show who answered (its buttons go, so nobody clicks a settled question), or, when the answer
// did not fit, an ephemeral reply says why and leaves the message alone.
//
// The URL comes from the request body, so it is checked before anything is sent to it: https on
// hooks.slack.com on the default port, nothing else (loopback http only when the server is told to, for
// tests). Redirects are not followed: a redirect would carry the answer wherever it points. The URL is a
// credential for the channel for 30 minutes, so it is never logged.

import { type HttpOutcome, post } from '../../adapters/notify/http.ts';
import { LOOPBACK_NAMES } from '../guards.ts';
import type { Json } from './json-fields.ts';
import type { SlackClick } from './slack-payload.ts';

const SLACK_HOST = 'hooks.slack.com';
/** Slack allows 50 blocks; two are ours. */
const MAX_KEPT_BLOCKS = 48;
const REPLY_TIMEOUT_MS = 5_000;

export type PostJson = (url: string, body: string) => Promise<HttpOutcome>;

export const postJson: PostJson = (url, body) =>
  post(url, body, { 'Content-Type': 'application/json; charset=utf-8' }, REPLY_TIMEOUT_MS);

export function safeResponseUrl(raw: string | null, allowLoopback = false): URL | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:' && url.hostname === SLACK_HOST && url.port === '') return url;
  if (allowLoopback && url.protocol === 'http:' && LOOPBACK_NAMES.includes(url.hostname)) return url;
  return null;
}

/** Slack mrkdwn: &, < and > are markup and must be escaped in text we did not write. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const VERB: Record<SlackClick['action'], string> = {
  'agent-sre:ack': 'acknowledged',
  'agent-sre:approve': 'approved',
  'agent-sre:deny': 'denied',
};
const MARK: Record<SlackClick['action'], string> = {
  'agent-sre:ack': ':eyes:',
  'agent-sre:approve': ':white_check_mark:',
  'agent-sre:deny': ':no_entry:',
};

/** The original message without its buttons, and a line saying who answered what. */
export function answeredMessage(click: SlackClick, summary: string, keepOriginal = true) {
  const line = `${click.target} ${VERB[click.action]} by ${click.userName} in Slack`;
  const kept =
    keepOriginal && click.messageBlocks
      ? click.messageBlocks.filter((b) => !isActionsBlock(b)).slice(0, MAX_KEPT_BLOCKS)
      : [];
  return {
    replace_original: true,
    text: line,
    blocks: [
      ...kept,
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${MARK[click.action]} *${escapeMrkdwn(click.target)} ${VERB[click.action]}* by <@${click.userId}> (${escapeMrkdwn(click.userName)}) in Slack`,
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(summary) }] },
    ],
  };
}

/** Only the person who clicked sees it; the message keeps its buttons for whoever can still answer. */
export function refusalMessage(target: string | null, reason: string) {
  const what = target ? `${target}: ` : '';
  return {
    response_type: 'ephemeral',
    replace_original: false,
    text: `agent-sre did not apply this answer. ${what}${reason}`,
  };
}

function isActionsBlock(b: Json): boolean {
  return typeof b === 'object' && b !== null && !Array.isArray(b) && b.type === 'actions';
}

export type ReplyResult = { ok: true } | { ok: false; why: string };

/**
 * Send `message` to the click's response_url. A replacement Slack rejects as a whole (blocks it will not
 * take back) is sent again with our own lines only, so the person still learns who answered.
 */
export async function replyToSlack(
  url: URL,
  message: ReturnType<typeof answeredMessage> | ReturnType<typeof refusalMessage>,
  send: PostJson,
  fallback?: () => ReturnType<typeof answeredMessage>,
): Promise<ReplyResult> {
  const first = await send(url.href, JSON.stringify(message));
  if (isOk(first)) return { ok: true };
  if (fallback && first.kind === 'reply' && first.status >= 400 && first.status < 500) {
    const second = await send(url.href, JSON.stringify(fallback()));
    if (isOk(second)) return { ok: true };
    return { ok: false, why: describe(second) };
  }
  return { ok: false, why: describe(first) };
}

const isOk = (o: HttpOutcome) => o.kind === 'reply' && o.status >= 200 && o.status < 300;

function describe(o: HttpOutcome): string {
  if (o.kind === 'reply')
    return `Slack answered ${o.status}${o.status >= 300 && o.status < 400 ? ' (a redirect, not followed)' : ''}`;
  return 'the request did not reach Slack';
}
