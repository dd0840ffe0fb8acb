// End to end through the built CLI: a tier-4 denial in the hook pages PagerDuty (a loopback fake) and the
// file channel without the hook waiting on either; `ack` and `resolve` follow with the same dedup_key.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakePagerDuty, startFakeSlack } from '../helpers/fake-apis.ts';
import { BIN, bashPre, ensureBuilt, runBin, runHook, tempProject } from './bin.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const made: string[] = [];
let pd: FakeServer;

beforeAll(async () => {
  ensureBuilt();
  pd = await startFakePagerDuty();
}, 180_000);
afterAll(async () => {
  await pd.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = tempProject('agent-sre-paging-');
  made.push(dir);
  writeFileSync(
    join(dir, 'agent-sre.yaml'),
    [
      'version: 1',
      'channels:',
      '  log: { type: file, path: .agent-sre/pages.jsonl }',
      // Quiet hours would hold this SEV3 page until working hours; this channel pages at any hour.
      `  pd: { type: pagerduty, routingKeyEnv: PD_ROUTING_KEY, baseUrl: "${pd.url}", quietHours: false }`,
      'routing:',
      '  - channels: [log, pd]',
      '',
    ].join('\n'),
  );
  return dir;
}

const env = { PD_ROUTING_KEY: KEY, CLAUDECODE: '', AGENT_SRE_USER: 'alice' };

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pdEvents = (dedup: string) =>
  pd.requests
    .map(
      (r) =>
        r.body as {
          event_action: string;
          dedup_key: string;
          routing_key: string;
          payload?: Record<string, unknown>;
        },
    )
    .filter((b) => b.dedup_key === dedup);

describe.each([
  ['in-process', { AGENT_SRE_HOOKD: '0' }],
  ['through the daemon', {}],
])('paging end to end (%s)', (_label, hookEnv) => {
  it('denial → trigger; ack → acknowledge; resolve → resolve, same dedup_key; the file channel logs each', async () => {
    const dir = project();
    const denied = await runHook(bashPre(dir, 'sess-e2e', 'rm -rf ~/'), dir, { env: { ...env, ...hookEnv } });
    expect(denied.code).toBe(0);
    expect(JSON.parse(denied.stdout).hookSpecificOutput.permissionDecision).toBe('deny');

    const list = await runBin(['incidents', '--json', '--dir', dir], { env });
    expect(list.code).toBe(0);
    const incident = JSON.parse(list.stdout.trim().split('\n')[0]!) as {
      id: string;
      dedupKey: string;
      severity: string;
    };
    expect(incident).toMatchObject({ id: 'INC-1', severity: 'SEV3' });

    // The hook answered at once; its detached flusher delivers the trigger.
    const trigger = await until('the trigger', () =>
      pdEvents(incident.dedupKey).find((e) => e.event_action === 'trigger'),
    );
    expect(trigger.routing_key).toBe(KEY);
    expect(trigger.payload).toMatchObject({ severity: 'warning', summary: expect.stringContaining('INC-1') });

    const ack = await runBin(['ack', 'INC-1', '--dir', dir], { env });
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout).toContain('INC-1 is acknowledged (by alice)');
    await until('the acknowledge', () =>
      pdEvents(incident.dedupKey).find((e) => e.event_action === 'acknowledge'),
    );

    const resolved = await runBin(['resolve', 'INC-1', '--dir', dir, '--note', 'reverted'], { env });
    expect(resolved.code, resolved.stderr).toBe(0);
    await until('the resolve', () => pdEvents(incident.dedupKey).find((e) => e.event_action === 'resolve'));
    expect(pdEvents(incident.dedupKey).map((e) => e.event_action)).toEqual([
      'trigger',
      'acknowledge',
      'resolve',
    ]);

    const lines = await until('three log lines', () => {
      const text = readFileSync(join(dir, '.agent-sre', 'pages.jsonl'), 'utf8')
        .trim()
        .split('\n');
      return text.length >= 3 ? text : undefined;
    });
    expect(lines.map((l) => JSON.parse(l).action)).toEqual(['trigger', 'acknowledge', 'resolve']);

    const show = await runBin(['incident', 'show', 'INC-1', '--json', '--dir', dir], { env });
    const full = JSON.parse(show.stdout) as {
      state: string;
      acknowledgedBy: string;
      resolvedBy: string;
      timeline: { kind: string }[];
    };
    expect(full).toMatchObject({ state: 'resolved', acknowledgedBy: 'alice', resolvedBy: 'alice' });
    expect(full.timeline.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['triggered', 'paged', 'acknowledged', 'resolved']),
    );
  }, 60_000);
});

describe('only humans answer pages', () => {
  it('ack refuses to run inside a coding agent, and the policy denies it to the agent', async () => {
    const dir = project();
    await runHook(bashPre(dir, 'sess-x', 'rm -rf ~/'), dir, { env: { ...env, AGENT_SRE_DELIVERY: 'off' } });
    const ack = await runBin(['ack', 'INC-1', '--dir', dir], { env: { ...env, CLAUDECODE: '1' } });
    expect(ack.code).toBe(2);
    expect(ack.stderr).toMatch(/inside a coding agent/);
    const byAgent = await runHook(bashPre(dir, 'sess-x', `agent-sre resolve INC-1 --dir ${dir}`), dir, {
      env: { ...env, AGENT_SRE_DELIVERY: 'off' },
    });
    expect(JSON.parse(byAgent.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringContaining('guard.self-answer'),
    });
    const list = await runBin(['incidents', '--json', '--dir', dir], { env });
    expect(
      list.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).state),
    ).toEqual(['triggered', 'triggered']);
  }, 60_000);
});

describe('channels from the CLI', () => {
  it('page test sends a real page and reports the answer; a refused page shows in incidents', async () => {
    const slack = await startFakeSlack();
    try {
      const dir = tempProject('agent-sre-paging-');
      made.push(dir);
      writeFileSync(
        join(dir, 'agent-sre.yaml'),
        [
          'version: 1',
          'channels:',
          '  team: { type: slack, webhookUrlEnv: TEAM_SLACK_URL, quietHours: false }',
          `  pd: { type: pagerduty, routingKeyEnv: PD_ROUTING_KEY, baseUrl: "${pd.url}", quietHours: false }`,
          '',
        ].join('\n'),
      );
      const env2 = { ...env, TEAM_SLACK_URL: slack.webhookUrl, PD_ROUTING_KEY: 'too-short' };
      const test = await runBin(['page', 'test', '--channel', 'team', '--dir', dir, '--json'], { env: env2 });
      expect(test.code, test.stderr).toBe(0);
      expect(JSON.parse(test.stdout)).toMatchObject({ channel: 'team', type: 'slack', status: 'delivered' });
      expect(slack.requests).toHaveLength(1);
      expect(JSON.stringify(slack.requests[0]?.body)).toContain('test page');

      const noChannel = await runBin(['page', 'test', '--channel', 'nope', '--dir', dir], { env: env2 });
      expect(noChannel.code).toBe(2);
      expect(noChannel.stderr).toContain('configured: team, pd');

      // PagerDuty answers 400 to a malformed routing key: not retried, visible, tick exits 1.
      await runHook(bashPre(dir, 'sess-bad-key', 'rm -rf ~/'), dir, {
        env: { ...env2, AGENT_SRE_DELIVERY: 'off' },
      });
      const tick = await runBin(['tick', '--dir', dir], { env: env2 });
      expect(tick.code).toBe(1);
      expect(tick.stdout).toMatch(/failed 1/);
      const list = await runBin(['incidents', '--dir', dir], { env: env2 });
      expect(list.stdout).toMatch(/DELIVERY FAILED pd trigger: .*routing_key/);
      expect(slack.requests.length).toBe(2);
    } finally {
      await slack.close();
    }
  }, 60_000);
});

describe('agent-sre serve', () => {
  it('delivers what the hook queued while it runs, and stops cleanly on SIGTERM', async () => {
    const dir = tempProject('agent-sre-serve-');
    made.push(dir);
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
    const child = spawn(process.execPath, [BIN, 'serve', '--interval', '1', '--dir', dir, '--no-dashboard'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await until('serve to start', () => (out.includes('ticking every 1s') ? true : undefined));
      // No flusher: only serve can deliver this page.
      await runHook(bashPre(dir, 'sess-serve', 'rm -rf ~/'), dir, {
        env: { ...env, AGENT_SRE_DELIVERY: 'off' },
      });
      const line = await until('the page in the file channel', () => {
        try {
          return readFileSync(join(dir, '.agent-sre', 'pages.jsonl'), 'utf8').trim() || undefined;
        } catch {
          return undefined;
        }
      });
      expect(JSON.parse(line)).toMatchObject({ action: 'trigger', incidentId: 'INC-1' });
      await until('serve to report it', () => (/delivered 1/.test(out) ? true : undefined));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
