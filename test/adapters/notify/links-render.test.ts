// Answer links as each channel renders them: PagerDuty's `links`, Slack's actions block (interactive buttons
// when a Slack app answers, link buttons otherwise), GitHub Markdown links, the webhook's `links` array.
// Pages without links, or with links but no public URL, render as before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectTag } from '../../../src/adapters/fs/project-tag.ts';
import { answerLinks, commentBody, issueBody } from '../../../src/adapters/notify/github.ts';
import { redactPage } from '../../../src/adapters/notify/http.ts';
import { createPagerDutyChannel, pagerDutyEvent } from '../../../src/adapters/notify/pagerduty.ts';
import { createSlackChannel, slackMessage } from '../../../src/adapters/notify/slack.ts';
import { createWebhookChannel, webhookPayload } from '../../../src/adapters/notify/webhook.ts';
import type { Page, PageLink } from '../../../src/core/incidents/types.ts';
import { makePage, T0 } from '../../contracts/channel.ts';
import {
  type FakeServer,
  pagerDutyProblems,
  startFakePagerDuty,
  startFakeSlack,
  startFakeWebhookReceiver,
} from '../../helpers/fake-apis.ts';

// A realistic token: base64url claims, a dot, a 43-character MAC.
const TOKEN = `WzEsImFwcHJvdmUiLCJBUFItMiIsIjAxMjM0NTY3ODlhYmNkZWYiLDE3NzkzNzIwMDAwMDAsImFiYyJd.${'Qk1BQ2J5dGVz'.repeat(3)}AbCdEfG`;
const url = (t = TOKEN) => `https://sre.example.com/a/${t}`;
const LINKS: PageLink[] = [
  { action: 'approve', target: 'APR-2', label: 'Approve APR-2', url: url() },
  { action: 'deny', target: 'APR-2', label: 'Deny APR-2', url: url(`${TOKEN}x`) },
  { action: 'ack', target: 'INC-7', label: 'Acknowledge INC-7', url: url(`${TOKEN}y`) },
];
const NO_URL: PageLink[] = LINKS.map((l) => ({ ...l, url: null }));
/** Buttons carry the project of the page they are on (one Slack app may page for several projects). */
const TAG = () => projectTag(makePage('trigger').project);
const withLinks = (links: PageLink[], over: Partial<Page> = {}) => makePage('trigger', { ...over, links });

type Block = { type: string; elements?: Array<Record<string, unknown>> };
const actionsOf = (page: Page, interactive: boolean) =>
  (slackMessage(page, { interactive }).blocks as Block[]).filter((b) => b.type === 'actions');

describe('redaction leaves links alone', () => {
  it('keeps every URL byte for byte (links are not page text)', () => {
    const page = withLinks(LINKS);
    expect(redactPage(page).links).toEqual(LINKS);
  });
});

describe('PagerDuty', () => {
  it('sends links as Events v2 `links: [{href, text}]` on triggers', () => {
    const event = pagerDutyEvent(withLinks(LINKS)) as { links?: unknown };
    expect(event.links).toEqual([
      { href: url(), text: 'Approve APR-2' },
      { href: url(`${TOKEN}x`), text: 'Deny APR-2' },
      { href: url(`${TOKEN}y`), text: 'Acknowledge INC-7' },
    ]);
    expect(pagerDutyProblems({ routing_key: 'k'.repeat(32), ...event })).toEqual([]);
  });

  it('sends no links field without URLs, and none on acknowledge or resolve', () => {
    expect(pagerDutyEvent(withLinks(NO_URL))).not.toHaveProperty('links');
    expect(pagerDutyEvent(makePage('trigger'))).not.toHaveProperty('links');
    expect(pagerDutyEvent(makePage('resolve', { links: LINKS }))).not.toHaveProperty('links');
  });

  describe('on the wire', () => {
    let pd: FakeServer;
    beforeEach(async () => {
      pd = await startFakePagerDuty();
    });
    afterEach(() => pd.close());

    it('PagerDuty accepts the event and the links arrive intact', async () => {
      const channel = createPagerDutyChannel(
        'pd',
        { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: pd.url },
        { env: { PD_KEY: 'a'.repeat(32) }, projectDir: '/work/acme-api', now: () => T0 },
      );
      const r = await channel.send(withLinks(LINKS), undefined);
      expect(r.status).toBe('delivered');
      expect((pd.requests.at(-1)!.body as { links: unknown[] }).links).toHaveLength(3);
    });
  });
});

describe('Slack', () => {
  it.each([true, false])(
    'an incoming webhook that checks Block Kit takes the buttons (interactive %s)',
    async (interactive) => {
      const slack = await startFakeSlack();
      try {
        const channel = createSlackChannel(
          'team',
          { type: 'slack', webhookUrlEnv: 'HOOK' },
          { env: { HOOK: slack.webhookUrl }, projectDir: '/work/acme-api', slackInteractive: interactive },
        );
        expect(await channel.send(withLinks(LINKS), undefined)).toMatchObject({ status: 'delivered' });
        const sent = JSON.stringify(slack.requests.at(-1)!.body);
        expect(sent).toContain(
          interactive ? '"action_id":"agent-sre:approve"' : '"action_id":"agent-sre:link:approve"',
        );
      } finally {
        await slack.close();
      }
    },
  );

  it('interactive: one actions block of buttons with action_id, value and style, and no url', () => {
    const [actions, ...more] = actionsOf(withLinks(LINKS), true);
    expect(more).toEqual([]);
    expect(actions!.elements).toEqual([
      {
        type: 'button',
        action_id: 'agent-sre:approve',
        text: { type: 'plain_text', text: 'Approve APR-2', emoji: true },
        value: `APR-2@${TAG()}`,
        style: 'primary',
      },
      {
        type: 'button',
        action_id: 'agent-sre:deny',
        text: { type: 'plain_text', text: 'Deny APR-2', emoji: true },
        value: `APR-2@${TAG()}`,
        style: 'danger',
      },
      {
        type: 'button',
        action_id: 'agent-sre:ack',
        text: { type: 'plain_text', text: 'Acknowledge INC-7', emoji: true },
        value: `INC-7@${TAG()}`,
        style: 'primary',
      },
    ]);
    // The buttons carry no token: a click is answered through Slack's signed request, not the link.
    expect(JSON.stringify(slackMessage(withLinks(LINKS), { interactive: true }))).not.toContain(TOKEN);
  });

  it('interactive buttons need no public URL', () => {
    expect(actionsOf(withLinks(NO_URL), true)[0]!.elements!.map((e) => e.value)).toEqual([
      `APR-2@${TAG()}`,
      `APR-2@${TAG()}`,
      `INC-7@${TAG()}`,
    ]);
  });

  it('without a Slack app: link buttons to the signed URLs, with their own action_ids', () => {
    const [actions] = actionsOf(withLinks(LINKS), false);
    expect(actions!.elements).toEqual([
      {
        type: 'button',
        action_id: 'agent-sre:link:approve',
        text: { type: 'plain_text', text: 'Approve APR-2', emoji: true },
        url: url(),
        style: 'primary',
      },
      expect.objectContaining({ action_id: 'agent-sre:link:deny', url: url(`${TOKEN}x`), style: 'danger' }),
      expect.objectContaining({ action_id: 'agent-sre:link:ack', url: url(`${TOKEN}y`), style: 'primary' }),
    ]);
  });

  it('without a Slack app and without URLs: no actions block; the message is as before', () => {
    expect(actionsOf(withLinks(NO_URL), false)).toEqual([]);
    expect(slackMessage(withLinks(NO_URL))).toEqual(slackMessage(makePage('trigger')));
  });

  it('keeps Block Kit button limits: text 75, url 3000, at most 25 elements', () => {
    const long: PageLink[] = [
      { action: 'ack', target: 'INC-7', label: 'A'.repeat(200), url: url() },
      {
        action: 'approve',
        target: 'APR-2',
        label: 'Approve',
        url: `https://x.example/a/${'t'.repeat(3000)}`,
      },
      ...Array.from(
        { length: 40 },
        (_, i): PageLink => ({
          action: 'ack',
          target: `INC-${i + 1}`,
          label: 'Ack',
          url: url(),
        }),
      ),
    ];
    for (const interactive of [true, false]) {
      const elements = actionsOf(withLinks(long), interactive)[0]!.elements!;
      expect(elements.length).toBeLessThanOrEqual(25);
      for (const e of elements) {
        expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(75);
        if (e.url !== undefined) expect(String(e.url).length).toBeLessThanOrEqual(3000);
        if (e.value !== undefined) expect(String(e.value).length).toBeLessThanOrEqual(2000);
        expect(String(e.action_id).length).toBeLessThanOrEqual(255);
      }
    }
    // A URL too long for Slack is left out rather than cut into a broken link.
    expect(actionsOf(withLinks(long), false)[0]!.elements!.some((e) => String(e.url).includes('ttt'))).toBe(
      false,
    );
  });

  it('puts the buttons after the instructions and before the context line', () => {
    const types = (slackMessage(withLinks(LINKS), { interactive: true }).blocks as Block[]).map(
      (b) => b.type,
    );
    expect(types).toEqual(['header', 'section', 'section', 'section', 'actions', 'context']);
  });
});

describe('GitHub', () => {
  it('writes the links as one Markdown line in the issue and in comments', () => {
    const line = `**Answer:** [Approve APR-2](${url()}) · [Deny APR-2](${url(`${TOKEN}x`)}) · [Acknowledge INC-7](${url(`${TOKEN}y`)})`;
    expect(issueBody(withLinks(LINKS))).toContain(line);
    expect(commentBody(makePage('escalate', { links: LINKS }))).toContain(line);
  });

  it('writes nothing without URLs', () => {
    expect(answerLinks(withLinks(NO_URL))).toBe('');
    expect(issueBody(withLinks(NO_URL))).toBe(issueBody(makePage('trigger')));
  });

  it('keeps a URL with Markdown-breaking characters inside its link', () => {
    const odd: PageLink = {
      action: 'ack',
      target: 'INC-7',
      label: 'Ack [now]',
      url: 'https://x.example/p (1)/a/t<k>',
    };
    expect(answerLinks(withLinks([odd]))).toBe(
      '**Answer:** [Ack \\[now\\]](https://x.example/p%20%281%29/a/t%3Ck%3E)',
    );
  });
});

describe('webhook', () => {
  it('adds a links array with action, target, label and url', () => {
    expect(webhookPayload(withLinks(LINKS)).links).toEqual([
      { action: 'approve', target: 'APR-2', label: 'Approve APR-2', url: url() },
      { action: 'deny', target: 'APR-2', label: 'Deny APR-2', url: url(`${TOKEN}x`) },
      { action: 'ack', target: 'INC-7', label: 'Acknowledge INC-7', url: url(`${TOKEN}y`) },
    ]);
  });

  it('leaves the body as before without URLs', () => {
    expect(webhookPayload(withLinks(NO_URL))).toEqual(webhookPayload(makePage('trigger')));
    expect(webhookPayload(makePage('trigger'))).not.toHaveProperty('links');
  });

  describe('on the wire', () => {
    let receiver: FakeServer;
    beforeEach(async () => {
      receiver = await startFakeWebhookReceiver('whsec-links', () => Math.floor(T0 / 1000));
    });
    afterEach(() => receiver.close());

    it('signs the body with the links in it', async () => {
      const channel = createWebhookChannel(
        'hook',
        { type: 'webhook', url: `${receiver.url}/in`, secretEnv: 'S' },
        { env: { S: 'whsec-links' }, projectDir: '/work/acme-api', now: () => T0 },
      );
      expect(await channel.send(withLinks(LINKS), undefined)).toEqual({ status: 'delivered' });
      expect((receiver.requests.at(-1)!.body as { links: PageLink[] }).links[0]!.url).toBe(url());
    });
  });
});
