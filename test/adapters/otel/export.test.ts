// The OpenTelemetry export end to end in one process: the ledger is written by the real hook pipeline
// (a denial that raises and pages an incident, a gate a human approves, allowed calls, a session that ends
// with a spend), the exporter is the real SDK with the real OTLP/HTTP exporters, and the collector is a
// loopback receiver that keeps every payload. The tests read the payloads, never the exporter's insides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpSettings } from '../../../src/adapters/otel/config.ts';
import { startOtlpSink } from '../../../src/adapters/otel/sdk.ts';
import { OTEL_CURSOR_KEY, OtelExporter } from '../../../src/app/otel-export.ts';
import { INSTRUMENTS } from '../../../src/app/otel-records.ts';
import { openLedger } from '../../../src/app/store.ts';
import { sqliteEventSource } from '../../../src/app/team/local-events.ts';
import { runTick } from '../../../src/app/tick.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';
import type { LedgerStore } from '../../../src/ports.ts';
import { VERSION } from '../../../src/version.ts';
import { BIN, ensureBuilt } from '../../e2e/bin.ts';
import { Scene } from '../../helpers/dashboard-scene.ts';
import { attr, attrs, type MetricJson, OtlpReceiver } from '../../helpers/otlp-receiver.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const S1 = 'otel-session-1';
const YAML = [
  'version: 1',
  'gate: { mode: wait, timeoutSeconds: 60 }',
  'channels:',
  '  log: { type: file, path: .agent-sre/pages.jsonl, quietHours: false }',
  'routing:',
  '  - channels: [log]',
  '',
].join('\n');

const OTEL_ENV = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_METRIC_EXPORT_INTERVAL'] as const;

let receiver: OtlpReceiver;
let scene: Scene;
const saved: Record<string, string | undefined> = {};

function exporter(store: LedgerStore) {
  const sink = startOtlpSink({
    settings: otlpSettings(process.env)!,
    instruments: INSTRUMENTS,
    version: VERSION,
    env: process.env,
  });
  return new OtelExporter({
    store,
    events: sqliteEventSource(scene.dir),
    sink,
    now: Date.now,
    channelType: () => 'file',
  });
}

async function ledgerEvents(): Promise<LedgerEvent[]> {
  const store = openLedger(scene.dir, { readonly: true });
  try {
    return await store.events();
  } finally {
    await store.close();
  }
}

const decisions = () => receiver.logs().filter((l) => l.eventName === 'agent_sre.decision');
const metric = (name: string): MetricJson | undefined =>
  receiver.latestMetrics()?.metrics.find((m) => m.name === name);

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  for (const k of OTEL_ENV) saved[k] = process.env[k];
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_METRIC_EXPORT_INTERVAL = '60000';
  ensureBuilt();
  scene = Scene.create(YAML);

  // A destructive call: denied at tier 4, an incident raised and a page queued to the file channel.
  await scene.call(S1, 'Bash', { command: 'git reset --hard origin/main', description: 'start over' });
  // A secret in a command: whatever the verdict, it must not leave in any payload.
  await scene.call(S1, 'Bash', { command: `AWS_SECRET_ACCESS_KEY=${SECRET} aws s3 ls s3://shop-prod` });
  // Harmless work, with what the model spent so far.
  await scene.call(S1, 'Read', { file_path: `${scene.dir}/agent-sre.yaml` }, { usd: 0.5 });
  // A production change waits at the real-time gate until a human approves it.
  // The built hook waits in its own process, as under Claude Code: it checks the answer's signature with the
  // scene's per-user secret.
  const gate = scene.gateInAnotherProcess(BIN, S1, 'git push origin main');
  const pending = await scene.pendingApproval();
  await scene.answer(
    { kind: 'approval', id: pending.id, decision: 'approve' },
    { id: 'ana', via: 'dashboard' },
  );
  expect((await gate.done).code).toBe(0);
  await scene.hook(scene.hookInput(S1, 'SessionEnd', { reason: 'other' }));

  // The incident's page is delivered, then a human acknowledges and resolves it.
  const store = openLedger(scene.dir);
  try {
    const tick = await runTick(
      {
        store,
        settings: (await scene.policy()).paging,
        projectDir: scene.dir,
        env: {},
        now: Date.now,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        random: Math.random,
      },
      { maxWaitMs: 0 },
    );
    expect(tick.delivered).toBeGreaterThan(0);
    const inc = await store.transact(Date.now(), (tx) =>
      tx.incidents().find((i) => i.source.kind === 'tier4.denied'),
    );
    if (!inc) throw new Error('the denial raised no incident');
    await scene.answer({ kind: 'incident', id: inc.id, action: 'acknowledge' }, { id: 'ana', via: 'cli' });
    await scene.answer({ kind: 'incident', id: inc.id, action: 'resolve' }, { id: 'ana', via: 'cli' });
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(async () => {
  for (const k of OTEL_ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await receiver?.close();
  await scene?.close();
});

describe('OpenTelemetry export of the ledger', () => {
  let first: { exported: number; ok: boolean };

  it('exports the ledger as log records under service.name agent-sre', async () => {
    const store = openLedger(scene.dir);
    const ex = exporter(store);
    try {
      first = await ex.poll();
    } finally {
      await ex.stop();
      await store.close();
    }
    expect(first.ok).toBe(true);
    const logs = receiver.logs();
    expect(logs.length).toBe(first.exported);
    expect(attrs(logs[0]!.resource)).toMatchObject({
      'service.name': 'agent-sre',
      'service.version': VERSION,
    });
    expect(attrs(receiver.latestMetrics()!.resource)).toMatchObject({ 'service.name': 'agent-sre' });
  });

  it('a deny decision carries tier, verdict, rule, tool and session, and no input', () => {
    const deny = decisions().find((l) => attr(l.attributes, 'agent_sre.verdict') === 'deny');
    expect(deny).toBeDefined();
    expect(deny!.severityNumber).toBe(17);
    expect(attrs(deny!.attributes)).toMatchObject({
      'event.name': 'agent_sre.decision',
      'session.id': S1,
      'agent_sre.tier': 4,
      'agent_sre.rule': 'git.discard-work',
      'gen_ai.tool.name': 'Bash',
    });
    expect(JSON.stringify(deny)).not.toContain('origin/main');
  });

  it('every PreToolUse in the ledger is one decision record, at the time it was made', async () => {
    const pre = (await ledgerEvents()).filter((e) => e.event === 'PreToolUse' && e.verdict);
    expect(decisions().map((l) => Number(BigInt(l.timeUnixNano) / 1_000_000n))).toEqual(pre.map((e) => e.ts));
    expect(decisions().map((l) => attr(l.attributes, 'gen_ai.tool.call.id'))).toEqual(
      pre.map((e) => e.toolUseId),
    );
  });

  it('the gate is asked and then answered, with who answered and by which route', () => {
    const asked = receiver.logs().filter((l) => l.eventName === 'agent_sre.gate.asked');
    const answered = receiver.logs().filter((l) => l.eventName === 'agent_sre.gate.answered');
    expect(asked).toHaveLength(1);
    expect(answered).toHaveLength(1);
    expect(attrs(answered[0]!.attributes)).toMatchObject({
      'agent_sre.gate.outcome': 'approved',
      'agent_sre.actor.id': 'ana',
      'agent_sre.actor.via': 'dashboard',
      'session.id': S1,
    });
  });

  it('the incident is raised, acknowledged and resolved, with its severity; its page delivered', () => {
    const names = receiver
      .logs()
      .filter((l) => attr(l.attributes, 'agent_sre.incident.source') === 'tier4.denied')
      .map((l) => l.eventName);
    expect(names).toEqual([
      'agent_sre.incident.raised',
      'agent_sre.incident.acknowledged',
      'agent_sre.incident.resolved',
    ]);
    const raised = receiver.logs().find((l) => l.eventName === 'agent_sre.incident.raised')!;
    expect(attr(raised.attributes, 'agent_sre.incident.severity')).toMatch(/^SEV[1-4]$/);
    const page = receiver.logs().find((l) => l.eventName === 'agent_sre.page.delivered');
    expect(attrs(page?.attributes)).toMatchObject({
      'agent_sre.page.channel': 'log',
      'agent_sre.page.channel_type': 'file',
      'agent_sre.page.action': 'trigger',
    });
  });

  it('counts decisions by tier and verdict, and histograms hook latency in buckets', async () => {
    const events = await ledgerEvents();
    const pre = events.filter((e) => e.event === 'PreToolUse' && e.verdict);
    const points = metric('agent_sre.decisions')!.sum!.dataPoints;
    const counted = Object.fromEntries(
      points.map((p) => [
        `t${attr(p.attributes, 'agent_sre.tier')} ${attr(p.attributes, 'agent_sre.verdict')}`,
        Number(p.asInt),
      ]),
    );
    const expected: Record<string, number> = {};
    for (const e of pre) expected[`t${e.tier} ${e.verdict}`] = (expected[`t${e.tier} ${e.verdict}`] ?? 0) + 1;
    expect(counted).toEqual(expected);
    expect(counted['t4 deny']).toBe(1);

    const latency = metric('agent_sre.hook.duration')!;
    expect(latency.unit).toBe('s');
    const timed = events.filter((e) => e.durationMs !== null);
    const total = latency.histogram!.dataPoints.reduce((n, p) => n + Number(p.count), 0);
    expect(total).toBe(timed.length);
    for (const p of latency.histogram!.dataPoints) {
      expect(p.explicitBounds).toEqual(INSTRUMENTS.hookDuration.buckets);
      expect(p.bucketCounts!.reduce((n: number, c) => n + Number(c), 0)).toBe(Number(p.count));
    }
    const pre1 = latency.histogram!.dataPoints.find(
      (p) => attr(p.attributes, 'agent_sre.hook.event') === 'PreToolUse',
    )!;
    expect(Number(pre1.count)).toBe(pre.length);
    expect(pre1.sum).toBeCloseTo(pre.reduce((s, e) => s + (e.durationMs ?? 0), 0) / 1000, 6);
  });

  it('counts the incident by severity, its TTA and TTR, the page, the gate and the session cost', () => {
    const inc = metric('agent_sre.incidents')!.sum!.dataPoints;
    expect(inc.map((p) => attr(p.attributes, 'agent_sre.incident.source'))).toEqual(['tier4.denied']);
    expect(Number(inc[0]!.asInt)).toBe(1);
    for (const name of ['agent_sre.incident.tta', 'agent_sre.incident.ttr'])
      expect(Number(metric(name)!.histogram!.dataPoints[0]!.count)).toBe(1);
    const pages = metric('agent_sre.pages')!.sum!.dataPoints;
    expect(attrs(pages[0]!.attributes)).toEqual({
      'agent_sre.page.outcome': 'delivered',
      'agent_sre.page.channel_type': 'file',
    });
    expect(attr(metric('agent_sre.gates')!.sum!.dataPoints[0]!.attributes, 'agent_sre.gate.outcome')).toBe(
      'approved',
    );
    const cost = metric('agent_sre.session.cost')!.histogram!.dataPoints[0]!;
    expect(Number(cost.count)).toBe(1);
    expect(cost.sum).toBeCloseTo(0.5, 6);
  });

  it('no payload carries the secret from the tool input', async () => {
    const inLedger = (await ledgerEvents()).some((e) => (e.input ?? '').includes('aws s3 ls'));
    expect(inLedger).toBe(true);
    expect(receiver.everything()).not.toContain(SECRET);
    expect(receiver.everything()).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(receiver.everything()).not.toContain('s3://shop-prod');
  });

  it('a restarted exporter repeats nothing, and exports only what is new', async () => {
    const before = receiver.logs().length;
    const store = openLedger(scene.dir);
    const ex = exporter(store);
    try {
      expect(await ex.poll()).toEqual({ exported: 0, ok: true });
      expect(receiver.logs()).toHaveLength(before);
      await scene.call('otel-session-2', 'Bash', { command: 'rm -rf /', description: 'clean' });
      const next = await ex.poll();
      expect(next.ok).toBe(true);
      const fresh = receiver.logs().slice(before);
      expect(fresh.filter((l) => l.eventName === 'agent_sre.decision')).toHaveLength(1);
      expect(attr(fresh[0]!.attributes, 'session.id')).toBe('otel-session-2');
    } finally {
      await ex.stop();
      await store.close();
    }
    const keys = decisions().map((l) => attr(l.attributes, 'gen_ai.tool.call.id'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a collector answering 503 or 429 once is retried; a refusal keeps the cursor until it accepts', async () => {
    const store = openLedger(scene.dir);
    const ex = exporter(store);
    try {
      await scene.call('otel-session-3', 'Bash', { command: 'git push --force origin main' });
      receiver.refuseNext(503, 429);
      const before = receiver.received.length;
      const r = await ex.poll();
      expect(r.ok).toBe(true);
      const tries = receiver.received
        .slice(before)
        .filter((x) => x.path === '/v1/logs')
        .map((x) => x.status);
      // The decision after two refusals; then the incident it raised, at once.
      expect(tries.slice(0, 3)).toEqual([503, 429, 200]);
      expect(tries.slice(3).every((t) => t === 200)).toBe(true);
      const s3 = decisions().filter((l) => attr(l.attributes, 'session.id') === 'otel-session-3');
      expect(s3).toHaveLength(1);

      await scene.call('otel-session-4', 'Bash', { command: 'git push --force origin main' });
      const cursorBefore = await store.transact(Date.now(), (tx) => tx.meta(OTEL_CURSOR_KEY), {
        readonly: true,
      });
      receiver.refuseNext(400);
      expect((await ex.poll()).ok).toBe(false);
      expect(await store.transact(Date.now(), (tx) => tx.meta(OTEL_CURSOR_KEY), { readonly: true })).toBe(
        cursorBefore,
      );
      expect((await ex.poll()).ok).toBe(true);
      const s4 = decisions().filter((l) => attr(l.attributes, 'session.id') === 'otel-session-4');
      expect(s4).toHaveLength(1);
    } finally {
      await ex.stop();
      await store.close();
    }
  }, 30_000);
});
