// Slack interactivity: a click on a page's Acknowledge, Approve or Deny button. The request is verified
// (signature, timestamp within 300 s, signature not seen before), answered 200 at once because Slack shows
// the person an error after 3 s, and then the answer is applied and the message updated in the background.
import type { Context } from 'hono';
import { projectTag } from '../../adapters/fs/project-tag.ts';
import type { ServerContext } from '../context.ts';
import { readRawBody } from './raw-body.ts';
import type { SeenSignatures } from './seen-signatures.ts';
import { verifySlackSignature } from './signatures.ts';
import { answerOf, parseSlackInteraction, type SlackClick, slackActorId } from './slack-payload.ts';
import {
  answeredMessage,
  type PostJson,
  refusalMessage,
  replyToSlack,
  safeResponseUrl,
} from './slack-reply.ts';

const NAME = 'hooks/slack';

export interface SlackDeps {
  seen: SeenSignatures;
  send: PostJson;
  /** Runs the work done after the 200; the default logs what a task throws. */
  background: (task: Promise<void>) => void;
  allowLoopbackResponseUrl: boolean;
}

export async function slackRoute(c: Context, ctx: ServerContext, deps: SlackDeps): Promise<Response> {
  const envName = ctx.server.slackSigningSecretEnv;
  const secret = envName ? ctx.env[envName] : undefined;
  if (!secret) {
    ctx.log(
      `${NAME}: refused 404: the endpoint is off (${envName ? `${envName} is not set` : 'server.slackSigningSecretEnv is not configured'})`,
    );
    return c.json({ error: 'not found' }, 404);
  }
  const body = await readRawBody(c.req.raw);
  if (!body.ok) {
    ctx.log(`${NAME}: refused ${body.status}: ${body.why}`);
    return c.json({ error: body.why }, body.status);
  }
  const now = ctx.now();
  const check = verifySlackSignature(
    body.bytes,
    c.req.header('x-slack-request-timestamp'),
    c.req.header('x-slack-signature'),
    secret,
    now,
  );
  if (!check.ok) {
    ctx.log(`${NAME}: refused 401: ${check.why}`);
    return c.json({ error: check.why }, 401);
  }
  if (!deps.seen.firstUse(check.signature, check.timestamp, now)) {
    ctx.log(`${NAME}: refused 401: replayed request (this signature was already used)`);
    return c.json({ error: 'replayed request' }, 401);
  }
  const parsed = parseSlackInteraction(body.bytes);
  if (!parsed.ok) {
    ctx.log(`${NAME}: ignored: ${parsed.why}`);
    // Signed by Slack, so a 200: a non-2xx makes Slack show the person an error for a click we chose to skip.
    const url = safeResponseUrl(parsed.responseUrl, deps.allowLoopbackResponseUrl);
    if (url) deps.background(tell(ctx, deps, url, refusalMessage(null, parsed.why)));
    return c.body(null, 200);
  }
  if (parsed.click.project !== projectTag(ctx.projectDir)) {
    // One Slack app may page for several projects; this server answers for its own only.
    const why = 'this button belongs to a page of another project (another agent-sre serve answers it)';
    ctx.log(`${NAME}: ignored: ${why}`);
    const url = safeResponseUrl(parsed.click.responseUrl, deps.allowLoopbackResponseUrl);
    if (url) deps.background(tell(ctx, deps, url, refusalMessage(parsed.click.target, why)));
    return c.body(null, 200);
  }
  deps.background(answerClick(ctx, deps, parsed.click));
  return c.body(null, 200);
}

async function answerClick(ctx: ServerContext, deps: SlackDeps, click: SlackClick): Promise<void> {
  const url = safeResponseUrl(click.responseUrl, deps.allowLoopbackResponseUrl);
  let message: ReturnType<typeof answeredMessage> | ReturnType<typeof refusalMessage>;
  let fallback: (() => ReturnType<typeof answeredMessage>) | undefined;
  try {
    const out = await ctx.answer(answerOf(click), { id: slackActorId(click), via: 'slack' });
    ctx.log(`${NAME}: ${out.summary}`);
    message = answeredMessage(click, out.summary);
    fallback = () => answeredMessage(click, out.summary, false);
  } catch (error) {
    const reason = reasonOf(error);
    ctx.log(`${NAME}: ${click.action} ${click.target} by ${slackActorId(click)} not applied: ${reason}`);
    message = refusalMessage(click.target, reason);
  }
  if (!url) {
    ctx.log(
      `${NAME}: the message was not updated: ${click.responseUrl ? 'its response_url is not on hooks.slack.com' : 'the click has no response_url'}`,
    );
    return;
  }
  await tell(ctx, deps, url, message, fallback);
}

async function tell(
  ctx: ServerContext,
  deps: SlackDeps,
  url: URL,
  message: Parameters<typeof replyToSlack>[1],
  fallback?: Parameters<typeof replyToSlack>[3],
): Promise<void> {
  const r = await replyToSlack(url, message, deps.send, fallback);
  if (!r.ok) ctx.log(`${NAME}: could not update the Slack message: ${r.why}`);
}

/** The refusal's first line, as a person reads it; applyHumanAnswer's errors are written for that. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 300) || 'the answer was refused';
}
