// The built `agent-sre serve` with OTEL_EXPORTER_OTLP_ENDPOINT set exports what the built hook decided to
// a loopback OTLP/HTTP collector, as a human runs it. The hook itself gets no OTEL_* (Claude Code strips
// them), so the decision travels through the ledger. Stopped and started again, serve repeats nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, attrs, OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { BIN, bashPre, ensureBuilt, runBin, runHook, tempProject, withRunbook } from './bin.ts';
import { until } from './team-helpers.ts';

const TOKEN = 'otlp-header-secret-7f3a';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';

let receiver: OtlpReceiver;
let dir: string;
let config: string;
const running: ChildProcess[] = [];

const otelEnv = () => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}`,
  OTEL_METRIC_EXPORT_INTERVAL: '500',
});
// The hook runs as under Claude Code: no OTEL_* at all.
const hookEnv = () => ({ XDG_CONFIG_HOME: config, AGENT_SRE_DELIVERY: 'off', CLAUDECODE: '' });

async function startServe(): Promise<{ child: ChildProcess; out: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...hookEnv(), ...otelEnv() };
  const child = spawn(process.execPath, [BIN, 'serve', '--dir', dir, '--no-dashboard', '--interval', '60'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start exporting: ${out}`)), 20_000);
    const on = (c: string) => {
      out += c;
      if (/ticking every/.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.setEncoding('utf8').on('data', on);
    child.stderr!.setEncoding('utf8').on('data', on);
    child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  return { child, out: () => out };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const decisionsOf = (sessionId: string) =>
  receiver
    .logs()
    .filter((l) => l.eventName === 'agent_sre.decision' && attr(l.attributes, 'session.id') === sessionId);

beforeAll(async () => {
  ensureBuilt();
  receiver = await OtlpReceiver.start();
  dir = withRunbook(tempProject('agent-sre-otel-'));
  config = mkdtempSync(join(tmpdir(), 'agent-sre-xdg-'));
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
}, 60_000);

afterAll(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(config, { recursive: true, force: true });
});

describe('agent-sre serve exporting OpenTelemetry', () => {
  it("exports the built hook's deny decision, with the collector's headers, and never the input", async () => {
    const serve = await startServe();
    expect(serve.out()).toContain(`exporting OpenTelemetry logs to ${receiver.url}/v1/logs`);
    expect(serve.out()).toContain('with headers Authorization');
    expect(serve.out()).not.toContain(TOKEN);

    const deny = await runHook(bashPre(dir, 'otel-e2e-1', 'git reset --hard origin/main'), dir, {
      env: hookEnv(),
    });
    expect(deny.code, deny.stderr).toBe(0);
    expect(deny.stdout).toContain('"permissionDecision":"deny"');
    const secret = await runHook(
      bashPre(dir, 'otel-e2e-1', `AWS_SECRET_ACCESS_KEY=${SECRET} aws s3 ls`),
      dir,
      {
        env: hookEnv(),
      },
    );
    expect(secret.code, secret.stderr).toBe(0);

    const [first] = await until('the decisions', () => {
      const d = decisionsOf('otel-e2e-1');
      return d.length >= 2 ? d : undefined;
    });
    expect(attrs(first!.attributes)).toMatchObject({
      'agent_sre.verdict': 'deny',
      'agent_sre.tier': 4,
      'agent_sre.rule': 'git.discard-work',
      'gen_ai.tool.name': 'Bash',
    });
    expect(attrs(first!.resource)).toMatchObject({ 'service.name': 'agent-sre' });
    expect(receiver.accepted('/v1/logs')[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);

    expect(await stop(serve.child)).toBe(0);
    // The last metrics go out on the way down.
    const decisions = receiver.latestMetrics()?.metrics.find((m) => m.name === 'agent_sre.decisions');
    const total = decisions?.sum?.dataPoints.reduce((n, p) => n + Number(p.asInt), 0);
    expect(total).toBe(2);
    expect(receiver.everything()).not.toContain(SECRET);
    expect(receiver.everything()).not.toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('started again, exports only what is new', async () => {
    const before = receiver.logs().length;
    const serve = await startServe();
    const r = await runHook(bashPre(dir, 'otel-e2e-2', 'git push --force origin main'), dir, {
      env: hookEnv(),
    });
    expect(r.code, r.stderr).toBe(0);
    await until('the new decision', () => (decisionsOf('otel-e2e-2').length > 0 ? true : undefined));
    expect(await stop(serve.child)).toBe(0);
    const fresh = receiver.logs().slice(before);
    expect(
      fresh.filter((l) => l.eventName === 'agent_sre.decision').map((l) => attr(l.attributes, 'session.id')),
    ).toEqual(['otel-e2e-2']);
    expect(decisionsOf('otel-e2e-1')).toHaveLength(2);
  });

  it('doctor says where serve exports, naming the headers but not their values', async () => {
    const r = await runBin(['doctor', '--json', '--dir', dir], { env: { ...hookEnv(), ...otelEnv() } });
    const otel = (
      JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> }
    ).checks.find((c) => c.name === 'otel');
    expect(otel).toMatchObject({ ok: true });
    expect(otel!.detail).toContain(`logs to ${receiver.url}/v1/logs`);
    expect(otel!.detail).toContain('Authorization');
    expect(r.stdout).not.toContain(TOKEN);
  });
});
