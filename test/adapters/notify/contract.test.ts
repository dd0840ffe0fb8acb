// Runs the Channel contract against all five adapters, each built the way the app builds it: the YAML-shaped
// config parsed by channelsSchema, then createChannel with an injected environment.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendPrivate } from '../../../src/adapters/fs/private.ts';
import { createFileChannel } from '../../../src/adapters/notify/file.ts';
import type { ConfigOf } from '../../../src/adapters/notify/http.ts';
import { createChannel } from '../../../src/adapters/notify/index.ts';
import { SLACK_LEAD } from '../../../src/adapters/notify/slack.ts';
import { channelsSchema, routeSchema } from '../../../src/config/channels-schema.ts';
import type { PageAction } from '../../../src/core/incidents/types.ts';
import { type ChannelFixture, type ReceivedPage, testChannelContract } from '../../contracts/channel.ts';
import {
  type FakeServer,
  type RecordedRequest,
  startFakeGitHub,
  startFakePagerDuty,
  startFakeSlack,
  startFakeWebhookReceiver,
} from '../../helpers/fake-apis.ts';

const ROUTING_KEY = 'e93facc04764012d7bfb002500d5d1a6';
const GITHUB_TOKEN = 'test-token-not-a-real-one';
const WEBHOOK_SECRET = 'whsec-test-only-7c1f0e';

function build(name: string, config: unknown, env: Record<string, string>, projectDir = tmpdir()) {
  const parsed = channelsSchema.parse({ [name]: config })[name]!;
  return createChannel(name, parsed, { env, projectDir, timeoutMs: 2_000 });
}

const accepted = (fake: FakeServer) =>
  fake.requests.filter((r) => r.reply !== undefined && r.reply.status >= 200 && r.reply.status < 300);
const wireOf = (fake: FakeServer) =>
  fake.requests
    .map((r) => `${r.method} ${r.path}?${r.query}\n${JSON.stringify(r.headers)}\n${r.raw}`)
    .join('\n');

function httpFixture(
  fake: FakeServer,
  channel: ChannelFixture['channel'],
  received: (reqs: RecordedRequest[]) => ReceivedPage[],
  withoutCredential: ChannelFixture['withoutCredential'],
): ChannelFixture {
  let closed = false;
  return {
    channel,
    received: () => received(accepted(fake)),
    wire: () => wireOf(fake),
    failNext: () => fake.failNext({ status: 503, body: { message: 'Service Unavailable' } }),
    breakEndpoint: async () => {
      closed = true;
      await fake.close();
    },
    unreachable: 'retry',
    withoutCredential,
    cleanup: async () => {
      if (!closed) await fake.close();
    },
  };
}

testChannelContract('pagerduty', async () => {
  const fake = await startFakePagerDuty();
  const config = { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: fake.url, source: 'ci-host' };
  return httpFixture(
    fake,
    build('pd', config, { PD_KEY: ROUTING_KEY }),
    (reqs) =>
      reqs.map((r) => {
        const body = r.body as { event_action: PageAction; dedup_key: string };
        return { action: body.event_action, incident: body.dedup_key };
      }),
    { channel: build('pd', config, {}), envName: 'PD_KEY' },
  );
});

testChannelContract('slack', async () => {
  const fake = await startFakeSlack();
  const config = { type: 'slack', webhookUrlEnv: 'SLACK_URL' };
  const actionOf = (text: string) =>
    (Object.entries(SLACK_LEAD).find(([, lead]) => lead && text.startsWith(lead))?.[0] ??
      'trigger') as PageAction;
  return httpFixture(
    fake,
    build('slack', config, { SLACK_URL: fake.webhookUrl }),
    (reqs) =>
      reqs.map((r) => {
        const body = r.body as { text: string };
        return { action: actionOf(body.text), incident: /dedup key `([^`]*)`/.exec(r.raw)?.[1] ?? '' };
      }),
    { channel: build('slack', config, {}), envName: 'SLACK_URL' },
  );
});

/** The page action recorded in the hidden marker of an issue or comment body. */
const markedAction = (text: string) => /<!-- agent-sre .*?action=(\w+)/.exec(text)?.[1] as PageAction;

testChannelContract('github', async () => {
  const fake = await startFakeGitHub('acme', 'oncall');
  const config = { type: 'github', repo: 'acme/oncall', tokenEnv: 'GH_TOKEN', baseUrl: fake.url };
  return httpFixture(
    fake,
    build('gh', config, { GH_TOKEN: GITHUB_TOKEN }),
    (reqs) =>
      reqs
        .filter((r) => r.method === 'POST')
        .map((r) => {
          const body = r.body as { body: string };
          const issue = r.path.endsWith('/comments')
            ? r.path.split('/').at(-2)!
            : String((r.reply!.body as { number: number }).number);
          return { action: markedAction(body.body), incident: `#${issue}` };
        }),
    { channel: build('gh', config, {}), envName: 'GH_TOKEN' },
  );
});

testChannelContract('webhook', async () => {
  const fake = await startFakeWebhookReceiver(WEBHOOK_SECRET);
  const config = { type: 'webhook', url: `${fake.url}/hooks/agent-sre`, secretEnv: 'HOOK_SECRET' };
  return httpFixture(
    fake,
    build('hook', config, { HOOK_SECRET: WEBHOOK_SECRET }),
    (reqs) =>
      reqs.map((r) => {
        const body = r.body as { action: PageAction; incident: { dedupKey: string } };
        return { action: body.action, incident: body.incident.dedupKey };
      }),
    { channel: build('hook', config, {}), envName: 'HOOK_SECRET' },
  );
});

testChannelContract(
  'file',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-sre-pages-'));
    const path = join(dir, '.agent-sre', 'pages.jsonl');
    const read = () => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return '';
      }
    };
    // A full disk: the append fails with ENOSPC, which may pass, so the channel must say retry. (A link to
    // /dev/full used to stand in for it; the channel now refuses links.)
    let full = false;
    const append = (p: string, line: string) => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      appendPrivate(p, line);
    };
    const parsed = channelsSchema.parse({ file: { type: 'file' } }).file as ConfigOf<'file'>;
    return {
      channel: createFileChannel('file', parsed, { env: {}, projectDir: dir, timeoutMs: 2_000 }, append),
      received: () =>
        read()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { action: PageAction; dedupKey: string })
          .map((r) => ({ action: r.action, incident: r.dedupKey })),
      wire: read,
      failNext: () => {
        full = true;
      },
      heal: () => {
        full = false;
      },
      breakEndpoint: async () => {
        rmSync(path, { force: true });
        mkdirSync(path, { recursive: true }); // EISDIR: no retry will fix that
      },
      unreachable: 'failed',
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  { credentialed: false },
);

describe('channel configuration (channelsSchema → createChannel)', () => {
  it('fills the documented defaults', () => {
    const parsed = channelsSchema.parse({
      pd: { type: 'pagerduty', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' },
      gh: { type: 'github', repo: 'acme/oncall', tokenEnv: 'GITHUB_TOKEN' },
      log: { type: 'file' },
    });
    expect(parsed.pd).toEqual({
      type: 'pagerduty',
      routingKeyEnv: 'PAGERDUTY_ROUTING_KEY',
      baseUrl: 'https://events.pagerduty.com',
    });
    expect(parsed.gh).toMatchObject({ baseUrl: 'https://api.github.com', labels: [] });
    expect(parsed.log).toEqual({ type: 'file', path: '.agent-sre/pages.jsonl' });
  });

  it('gives each channel its documented rate limit unless overridden', () => {
    const env = {};
    const dir = tmpdir();
    const channels = channelsSchema.parse({
      pd: { type: 'pagerduty', routingKeyEnv: 'K' },
      slack: { type: 'slack', webhookUrlEnv: 'U' },
      gh: { type: 'github', repo: 'a/b', tokenEnv: 'T' },
      hook: { type: 'webhook', url: 'https://hooks.example.com/x', secretEnv: 'S' },
      log: { type: 'file' },
      slow: { type: 'slack', webhookUrlEnv: 'U', minIntervalMs: 5000 },
    });
    const intervals = Object.fromEntries(
      Object.entries(channels).map(([n, c]) => [
        n,
        createChannel(n, c, { env, projectDir: dir }).minIntervalMs,
      ]),
    );
    expect(intervals).toEqual({ pd: 500, slack: 1000, gh: 750, hook: 0, log: 0, slow: 5000 });
  });

  it.each([
    ['a lower-case name', { type: 'slack', webhookUrlEnv: 'slack_url' }, /environment variable/],
    [
      'a Slack webhook URL pasted in',
      { type: 'slack', webhookUrlEnv: 'https://hooks.slack.com/services/T0/B0/abc' },
      /never written/,
    ],
    [
      'an AWS key id',
      { type: 'webhook', url: 'https://x.example', secretEnv: 'AKIAIOSFODNN7EXAMPLE' },
      /secret itself/,
    ],
    [
      'an upper-cased integration key',
      { type: 'pagerduty', routingKeyEnv: 'E93FACC04764012D7BFB002500D5D1A6' },
      /secret itself/,
    ],
  ])('refuses %s where an environment variable name belongs', (_what, config, message) => {
    const result = channelsSchema.safeParse({ c: config });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });

  it.each([
    ['plain http to a remote host', { type: 'webhook', url: 'http://hooks.example.com/x', secretEnv: 'S' }],
    [
      'a token in the URL',
      { type: 'webhook', url: 'https://x.example/hook?token=abcdef123456', secretEnv: 'S' },
    ],
    ['an unknown key', { type: 'file', path: 'x.jsonl', pat: 'x' }],
    ['an unknown type', { type: 'pager' }],
    ['a repo without owner', { type: 'github', repo: 'oncall', tokenEnv: 'T' }],
  ])('refuses %s', (_what, config) => {
    expect(channelsSchema.safeParse({ c: config }).success).toBe(false);
  });

  it('parses routes, defaulting to match everything', () => {
    expect(routeSchema.parse({ channels: ['pd'] })).toEqual({ match: {}, channels: ['pd'] });
    expect(
      routeSchema.parse({
        match: { severity: ['SEV1'], source: ['tier4.denied'] },
        channels: ['pd', 'slack'],
      }),
    ).toMatchObject({ match: { severity: ['SEV1'], source: ['tier4.denied'] } });
    expect(routeSchema.safeParse({ match: { severity: ['SEV9'] }, channels: ['pd'] }).success).toBe(false);
    expect(routeSchema.safeParse({ channels: [] }).success).toBe(false);
  });
});
