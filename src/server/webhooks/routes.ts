// The inbound webhooks, mounted at /hooks: POST /hooks/pagerduty (PagerDuty v3 webhook subscriptions) and
// POST /hooks/slack (a Slack app's Interactivity Request URL). Each is off (404) until its secret's
// environment variable is named in `server:` and set. Both sit behind one rate limiter, which runs before
// anything reads the body. These requests come from PagerDuty and Slack, not from a browser: they carry
// no Origin and no cookie, and are authenticated by their signatures alone.
import { Hono } from 'hono';
import type { ServerContext } from '../context.ts';
import { type RateLimiter, rateLimit, tokenBucketLimiter, WEBHOOK_RATE_LIMIT } from '../rate-limit.ts';
import { pagerDutyRoute } from './pagerduty.ts';
import { type SeenSignatures, seenSignatures } from './seen-signatures.ts';
import { slackRoute } from './slack.ts';
import { type PostJson, postJson } from './slack-reply.ts';

export interface WebhookOptions {
  /** Defaults to 30 requests a minute per address and 300 in all. */
  limiter?: RateLimiter;
  /** How replies reach a Slack response_url (tests pass a spy). */
  send?: PostJson;
  /** Work done after Slack has its 200; tests collect the promises to await them. */
  background?: (task: Promise<void>) => void;
  /** Accept http://127.0.0.1 response_urls as well as https://hooks.slack.com: for loopback test fakes only. */
  allowLoopbackResponseUrl?: boolean;
  seen?: SeenSignatures;
}

export function webhookRoutes(ctx: ServerContext, opts: WebhookOptions = {}): Hono {
  const app = new Hono();
  const limiter = opts.limiter ?? tokenBucketLimiter(WEBHOOK_RATE_LIMIT);
  app.use('*', rateLimit(limiter, { now: ctx.now, log: ctx.log, name: 'hooks' }));
  app.post('/pagerduty', (c) => pagerDutyRoute(c, ctx));
  const slack = {
    seen: opts.seen ?? seenSignatures(),
    send: opts.send ?? postJson,
    background:
      opts.background ??
      ((task: Promise<void>) => {
        task.catch((error: unknown) =>
          ctx.log(
            `hooks/slack: background work failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }),
    allowLoopbackResponseUrl: opts.allowLoopbackResponseUrl ?? false,
  };
  app.post('/slack', (c) => slackRoute(c, ctx, slack));
  return app;
}
