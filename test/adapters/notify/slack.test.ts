// Slack incoming webhook against a fake that checks Block Kit limits and answers like Slack (§3.1-3.3).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackChannel } from '../../../src/adapters/notify/slack.ts';
import type { PageAction } from '../../../src/core/incidents/types.ts';
import { makePage, T0 } from '../../contracts/channel.ts';
import { forced, SLACK_WEBHOOK_PATH, startFakeSlack } from '../../helpers/fake-apis.ts';

type Fake = Awaited<ReturnType<typeof startFakeSlack>>;
interface Message {
  text: string;
  blocks: Array<{
    type: string;
    text?: { type: string; text: string };
    fields?: Array<{ text: string }>;
    elements?: Array<{ text: string }>;
  }>;
}

let fake: Fake;
const make = (url: string | undefined = fake.webhookUrl) =>
  createSlackChannel(
    'slack',
    { type: 'slack', webhookUrlEnv: 'SLACK_URL' },
    { env: { SLACK_URL: url }, projectDir: '/work/acme-api', now: () => T0, timeoutMs: 2_000 },
  );
const lastMessage = () => fake.requests.at(-1)!.body as Message;
const errorOf = (r: { status: string; error?: string }) => r.error ?? '';

beforeEach(async () => {
  fake = await startFakeSlack();
});
afterEach(() => fake.close());

describe('Slack trigger message', () => {
  it('posts text plus header, fields, body, instructions and context blocks; 200 ok is delivered', async () => {
    const result = await make().send(makePage('trigger', { recipient: 'alice' }), undefined);
    expect(result).toEqual({ status: 'delivered' });
    const req = fake.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(SLACK_WEBHOOK_PATH);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.reply).toEqual({ status: 200, body: 'ok' });
    const msg = lastMessage();
    expect(msg.text).toBe('[SEV2] INC-7: Force push to main blocked');
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[SEV2] INC-7: Force push to main blocked', emoji: true },
    });
    expect(msg.blocks[1]!.fields).toEqual([
      { type: 'mrkdwn', text: '*For:*\nalice' },
      { type: 'mrkdwn', text: '*Severity:*\nSEV2' },
      { type: 'mrkdwn', text: '*State:*\ntriggered' },
      { type: 'mrkdwn', text: '*Source:*\ntier4.denied' },
      { type: 'mrkdwn', text: '*Rule:*\ngit.force-push' },
      { type: 'mrkdwn', text: '*Session:*\nsess-42' },
      { type: 'mrkdwn', text: '*Command:*\ngit push --force origin main' },
    ]);
    expect(msg.blocks[2]!.text).toEqual({
      type: 'mrkdwn',
      text: 'Triggered INC-7\nThe agent tried to force-push to a protected branch.',
    });
    expect(msg.blocks[3]!.text!.text).toBe(
      '*To answer:*\n```agent-sre ack INC-7 --dir /work/acme-api\nagent-sre resolve INC-7 --dir /work/acme-api```',
    );
    expect(msg.blocks[4]!.elements).toEqual([
      { type: 'mrkdwn', text: 'INC-7 · acme-api · dedup key `tier4.denied/acme-api/sess-42/git.force-push`' },
    ]);
  });

  it('adds severity and session fields when the page has none', async () => {
    await make().send(makePage('trigger', { fields: [{ label: 'Rule', value: 'x' }] }), undefined);
    expect(lastMessage().blocks[1]!.fields!.map((f) => f.text)).toEqual([
      '*Severity:*\nSEV2',
      '*Session:*\nsess-42',
      '*Rule:*\nx',
    ]);
  });

  it('stays within Block Kit limits for oversized pages', async () => {
    const page = makePage('trigger', {
      title: 'T'.repeat(400),
      body: 'B'.repeat(10_000),
      fields: Array.from({ length: 14 }, (_, i) => ({ label: `F${i}`, value: 'v'.repeat(3000) })),
      instructions: Array.from(
        { length: 200 },
        () => 'agent-sre ack INC-7 --dir /a/very/long/path/to/the/project',
      ),
    });
    expect(await make().send(page, undefined)).toEqual({ status: 'delivered' }); // the fake checks the limits
    const msg = lastMessage();
    expect(msg.blocks[0]!.text!.text).toHaveLength(150);
    expect(msg.blocks[1]!.fields).toHaveLength(10);
    expect(msg.blocks[1]!.fields!.every((f) => f.text.length <= 2000)).toBe(true);
    expect(msg.blocks[2]!.text!.text).toHaveLength(3000);
    expect(msg.blocks[3]!.text!.text.length).toBeLessThanOrEqual(3000);
    expect(msg.blocks.at(-1)!.elements![0]!.text).toContain('6 more fields not shown');
  });

  it('escapes mrkdwn control characters so page text cannot ping a channel', async () => {
    await make().send(makePage('trigger', { body: 'run <!channel> & <@U123> now' }), undefined);
    expect(lastMessage().blocks[2]!.text!.text).toBe('run &lt;!channel&gt; &amp; &lt;@U123&gt; now');
  });

  it('sends no buttons (they need a Slack app)', async () => {
    await make().send(makePage('trigger'), undefined);
    expect(fake.requests.at(-1)!.raw).not.toContain('"actions"');
    expect(fake.requests.at(-1)!.raw).not.toContain('button');
  });
});

describe('Slack messages for the other actions', () => {
  it.each([
    ['acknowledge', '👀 Acknowledged: [SEV2] INC-7: Force push to main blocked'],
    ['resolve', '✅ Resolved: [SEV2] INC-7: Force push to main blocked'],
    ['repeat', '🔁 Still open: [SEV2] INC-7: Force push to main blocked'],
    ['escalate', '⏫ Escalated: [SEV2] INC-7: Force push to main blocked'],
    ['test', '🧪 Test page: [SEV2] INC-7: Force push to main blocked'],
    ['handoff', '🔄 Handoff: [SEV2] INC-7: Force push to main blocked'],
  ] as [PageAction, string][])('%s reads "%s"', async (action, text) => {
    expect(await make().send(makePage(action), undefined)).toEqual({ status: 'delivered' });
    const msg = lastMessage();
    expect(msg.text).toBe(text);
    expect(msg.blocks[0]!.text!.text).toBe(text);
    const short = ['acknowledge', 'resolve', 'handoff'].includes(action);
    expect(msg.blocks.some((b) => b.fields)).toBe(!short);
  });
});

describe('Slack failures', () => {
  it('429 retries after Retry-After seconds', async () => {
    fake.failNext(forced.rateLimited(7));
    expect(await make().send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: 'HTTP 429: rate_limited',
      retryAfterMs: 7_000,
    });
  });

  it('429 with an HTTP-date Retry-After waits until that date', async () => {
    const at = new Date(T0 + 45_000).toUTCString();
    fake.failNext({ status: 429, headers: { 'retry-after': at }, body: 'rate_limited' });
    expect(await make().send(makePage('trigger'), undefined)).toMatchObject({
      status: 'retry',
      retryAfterMs: 45_000,
    });
  });

  it('400 invalid_blocks is permanent', async () => {
    fake.failNext({ status: 400, body: 'invalid_blocks' });
    expect(await make().send(makePage('trigger'), undefined)).toEqual({
      status: 'failed',
      error: 'HTTP 400: invalid_blocks',
    });
  });

  it('a 200 that is not `ok` is a failure', async () => {
    fake.failNext({ status: 200, body: '<html>captive portal</html>' });
    const result = await make().send(makePage('trigger'), undefined);
    expect(result.status).toBe('failed');
    expect(errorOf(result)).toContain('without "ok"');
  });

  it('never puts the webhook URL in an error', async () => {
    const url = `${fake.url}/services/T0/B0/s3cr3tW3bh00kT0k3n`;
    const notFound = await make(url).send(makePage('trigger'), undefined);
    expect(notFound).toEqual({ status: 'failed', error: 'HTTP 404: no_service' });
    fake.failNext({ status: 500, body: `upstream failed for ${url}` });
    const echoed = await make(url).send(makePage('trigger'), undefined);
    expect(echoed.status).toBe('retry');
    expect(errorOf(echoed)).not.toContain('s3cr3tW3bh00kT0k3n');
    await fake.close();
    const refused = await make(url).send(makePage('trigger'), undefined);
    expect(refused.status).toBe('retry');
    expect(errorOf(refused)).toMatch(/^network error: /);
    expect(errorOf(refused)).not.toContain('s3cr3tW3bh00kT0k3n');
    fake = await startFakeSlack(); // for afterEach
  });

  it('a webhook URL that is not a URL fails for good, without echoing it', async () => {
    const result = await make('hooks.slack.com/services/T0/B0/s3cr3tW3bh00kT0k3n').send(
      makePage('trigger'),
      undefined,
    );
    expect(result).toEqual({ status: 'failed', error: 'the configured URL is not an http(s) URL' });
  });

  it('a missing webhook URL leaves the page for another worker and names the variable', async () => {
    expect(await make('').send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: `Slack webhook URL missing in this worker's environment: set SLACK_URL where the hook, tick and serve run`,
      retryAfterMs: 60_000,
    });
  });
});
