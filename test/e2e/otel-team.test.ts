// The team server exports the whole team over OTLP: two machines' hooks decide, their shippers send the
// events to `serve --store` on PostgreSQL, and the team server (the only process with OTEL_* set) exports
// both machines' decisions to a loopback collector, once each, across a restart, never the tool input.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeServer, startFakeWebhookReceiver } from '../helpers/fake-apis.ts';
import { attr, attrs, OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { describePg, usePgDatabase } from '../helpers/postgres.ts';
import { bashPre, ensureBuilt, runHook, tempProject } from './bin.ts';
import { HOOK_SECRET, machine, startTeamServerProcess, teamServerDir, until } from './team-helpers.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
let receiver: FakeServer;
let collector: OtlpReceiver;
let root: string;
let serverDir: string;
beforeAll(async () => {
  ensureBuilt();
  receiver = await startFakeWebhookReceiver(HOOK_SECRET);
  collector = await OtlpReceiver.start();
  serverDir = teamServerDir(receiver.url);
  root = tempProject('agent-sre-otel-team-');
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  await collector?.close();
  for (const dir of [root, serverDir])
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

const decisions = () =>
  collector
    .logs()
    .filter((l) => l.eventName === 'agent_sre.decision')
    .map((l) => `${attr(l.attributes, 'session.id')}:${attr(l.attributes, 'agent_sre.verdict')}`);

describePg('the team server exporting OpenTelemetry', () => {
  const db = usePgDatabase();

  it("exports both machines' decisions once each, across a restart, and never the input", async () => {
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_METRIC_EXPORT_INTERVAL: '500' };
    let server = await startTeamServerProcess(serverDir, db.url(), 0, ['--no-dashboard'], otel);
    await until('the export line', () =>
      server.output().includes(`exporting OpenTelemetry logs to ${collector.url}/v1/logs`) ? true : undefined,
    );
    const a = machine(root, 'box-a', server.url);
    const b = machine(root, 'box-b', server.url);
    // The hooks run as under Claude Code: nothing of OTEL_* (machine() gives them their own environment).
    const deny = await runHook(bashPre(a.dir, 'a-1', 'git push --force origin main'), a.dir, { env: a.env });
    expect(deny.stdout).toContain('"permissionDecision":"deny"');
    await runHook(bashPre(b.dir, 'b-1', `AWS_SECRET_ACCESS_KEY=${SECRET} aws s3 ls`), b.dir, { env: b.env });
    await until(
      'both decisions at the collector',
      () => (decisions().length >= 2 ? true : undefined),
      30_000,
    );
    expect(decisions().sort()).toEqual(['a-1:deny', 'b-1:allow']);
    const deny1 = collector.logs().find((l) => attr(l.attributes, 'session.id') === 'a-1');
    expect(attrs(deny1!.attributes)).toMatchObject({ 'agent_sre.tier': 4, 'gen_ai.tool.name': 'Bash' });

    // Restarted where the machines know it: nothing exported before is exported again.
    await server.stop();
    server = await startTeamServerProcess(serverDir, db.url(), server.port, ['--no-dashboard'], otel);
    await runHook(bashPre(a.dir, 'a-2', 'git reset --hard origin/main'), a.dir, { env: a.env });
    await until(
      'the decision after the restart',
      () => (decisions().includes('a-2:deny') ? true : undefined),
      30_000,
    );
    await server.stop();
    expect(decisions().sort()).toEqual(['a-1:deny', 'a-2:deny', 'b-1:allow']);
    expect(collector.everything()).not.toContain(SECRET);
  }, 120_000);
});
