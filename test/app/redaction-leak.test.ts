// No secret from the redaction corpus reaches any channel. Each case goes the whole way a real one
// would: a tool call the hook denied becomes a signal, an incident and an outbox page, and the page is
// sent through all five channels to their loopback fakes (and a file). Every byte on the wire is
// searched for the secret.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/adapters/notify/index.ts';
import { createMemoryStore } from '../../src/adapters/store/memory.ts';
import { raiseSignals } from '../../src/app/incidents.ts';
import { signalsOf } from '../../src/app/signals.ts';
import type { ChannelConfig } from '../../src/core/incidents/config.ts';
import type { Channel } from '../../src/ports.ts';
import { settings, T0 } from '../fixtures/incidents.ts';
import {
  type FakeServer,
  startFakeGitHub,
  startFakePagerDuty,
  startFakeSlack,
  startFakeWebhookReceiver,
} from '../helpers/fake-apis.ts';

interface Case {
  format: string;
  text: string;
  secret?: string;
  clean?: boolean;
}

const CORPUS = new URL('../corpus/secrets/redaction.jsonl', import.meta.url);
const cases = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Case)
  .filter((c): c is Case & { secret: string } => typeof c.secret === 'string');

const PD_KEY = 'fedcba9876543210fedcba9876543210';
const HOOK_SECRET = 'whsec-test-signing-secret';
const GH_TOKEN = 'ghs_testtoken000000000000000000000000';

describe('no secret reaches a channel', () => {
  const fakes: FakeServer[] = [];
  let dir: string;
  let channels: Channel[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-sre-leak-'));
    const pd = await startFakePagerDuty();
    const slack = await startFakeSlack();
    const gh = await startFakeGitHub('acme', 'api');
    const hook = await startFakeWebhookReceiver(HOOK_SECRET);
    fakes.push(pd, slack, gh, hook);
    const env = { PD_KEY, SLACK_URL: slack.webhookUrl, GH_TOKEN, HOOK_SECRET };
    const configs: Record<string, ChannelConfig> = {
      pd: { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: pd.url },
      slack: { type: 'slack', webhookUrlEnv: 'SLACK_URL' },
      gh: { type: 'github', repo: 'acme/api', tokenEnv: 'GH_TOKEN', baseUrl: gh.url, labels: [] },
      hook: { type: 'webhook', url: `${hook.url}/in`, secretEnv: 'HOOK_SECRET' },
      file: { type: 'file', path: 'pages.jsonl' },
    };
    channels = Object.entries(configs).map(([name, c]) => createChannel(name, c, { env, projectDir: dir }));
  });
  afterAll(async () => {
    for (const f of fakes) await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the corpus has enough secrets to mean something', () => {
    expect(new Set(cases.map((c) => c.format)).size).toBeGreaterThanOrEqual(40);
  });

  it('from a denied tool call, through the incident and its page, to every channel', async () => {
    const store = createMemoryStore();
    const paging = settings({ routing: [{ match: {}, channels: ['pd', 'slack', 'gh', 'hook', 'file'] }] });
    paging.channels = {
      pd: { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: 'http://127.0.0.1:1' },
      slack: { type: 'slack', webhookUrlEnv: 'SLACK_URL' },
      gh: {
        type: 'github',
        repo: 'acme/api',
        tokenEnv: 'GH_TOKEN',
        baseUrl: 'http://127.0.0.1:1',
        labels: [],
      },
      hook: { type: 'webhook', url: 'http://127.0.0.1:1/in', secretEnv: 'HOOK_SECRET' },
      file: { type: 'file', path: 'pages.jsonl', quietHours: false },
    };
    paging.severity = { 'tier4.denied': 'SEV2' };
    for (const [n, c] of cases.entries()) {
      const call = { tool: 'Bash', input: { command: c.text }, cwd: '/work/proj' };
      // The reason names the command, as the engine's reasons do ("... from bash: <command>").
      const decision = {
        tier: 4 as const,
        verdict: 'deny' as const,
        rule: 'test.leak',
        reason: `Refused. [test.leak: from bash: ${c.text}]`,
        effects: [],
      };
      const signals = signalsOf({ project: '/work/proj', sessionId: `s${n}`, call, decision, at: T0 + n }, [
        { kind: 'tier4.denied', sessionId: `s${n}`, rule: 'test.leak' },
      ]);
      await store.transact(T0 + n, (tx) => raiseSignals(tx, signals, paging));
    }
    const rows = await store.transact(T0, (tx) => tx.outbox());
    expect(rows).toHaveLength(cases.length * 5);
    const byName = new Map(channels.map((ch) => [ch.name, ch]));
    for (const row of rows) {
      const result = await byName.get(row.page.channel)!.send(row.page, undefined);
      expect(result.status, `${row.page.channel}: ${JSON.stringify(result)}`).toBe('delivered');
    }
    const wire = [
      ...fakes.flatMap((f) =>
        f.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.path}?${r.query}\n${r.raw}`),
      ),
      readFileSync(join(dir, 'pages.jsonl'), 'utf8'),
    ].join('\n');
    const leaked = cases.filter((c) => wire.includes(c.secret)).map((c) => `${c.format}: ${c.secret}`);
    expect(leaked).toEqual([]);
    // The pages still say what happened.
    expect(wire).toContain('test.leak');
  }, 120_000);
});
