// Team mode through the built CLI: two machines (two project directories with their own ledgers and
// machine names) and one team server process. The same destructive call on both is ONE team incident and
// ONE page at the team's webhook; spend shipped from machine A gates machine B's next call.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/app/store.ts';
import { type FakeServer, startFakeWebhookReceiver } from '../helpers/fake-apis.ts';
import { PG_ENV, usePgDatabase } from '../helpers/postgres.ts';
import { bashPre, ensureBuilt, runBin, runHook, tempProject } from './bin.ts';
import {
  HOOK_SECRET,
  localOutbox,
  machine,
  startTeamServerProcess,
  type TeamServerProcess,
  teamServerDir,
  until,
} from './team-helpers.ts';

// On PostgreSQL when the tests have one (a database of this file's own), else the in-memory team store.
const db = process.env[PG_ENV] ? usePgDatabase() : undefined;
let receiver: FakeServer;
let server: TeamServerProcess;
let root: string;
const made: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  receiver = await startFakeWebhookReceiver(HOOK_SECRET);
  const serverDir = teamServerDir(receiver.url);
  made.push(serverDir);
  server = await startTeamServerProcess(serverDir, db ? db.url() : 'memory:');
  root = tempProject('agent-sre-team-');
  made.push(root);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

// Tier 1 answers with nothing at all.
const decision = (stdout: string) =>
  (
    JSON.parse(stdout.trim() || '{"hookSpecificOutput":{"permissionDecision":"allow"}}') as {
      hookSpecificOutput?: { permissionDecision?: string };
    }
  ).hookSpecificOutput?.permissionDecision;
const pages = () =>
  receiver.requests.map((r) => r.body as { action: string; incident: { id: string; dedupKey: string } });

describe('team mode end to end', () => {
  it('the same destructive call on two machines is one team incident and one page', async () => {
    const a = machine(root, 'laptop-a', server.url);
    const b = machine(root, 'laptop-b', server.url);
    const onA = await runHook(bashPre(a.dir, 'sess-a', 'git push --force origin main'), a.dir, {
      env: a.env,
    });
    expect(decision(onA.stdout)).toBe('deny');
    // The hook's detached flusher ships the event and sends the page to the team server.
    await until('the team page', () => (pages().length > 0 ? true : undefined));
    const onB = await runHook(bashPre(b.dir, 'sess-b', 'git push --force origin main'), b.dir, {
      env: b.env,
    });
    expect(decision(onB.stdout)).toBe('deny');
    await until("machine B's page at the team server", async () =>
      (await localOutbox(b.dir)).some((o) => o.status === 'delivered') ? true : undefined,
    );
    // The team server has had time for a tick or two (every second) after B's page.
    await new Promise((r) => setTimeout(r, 2500));
    expect(pages().map((p) => `${p.incident.id}:${p.action}`)).toEqual(['INC-1:trigger']);
    expect(pages()[0]!.incident.dedupKey).toContain('/tier4.denied/-/git.');
    expect(server.output()).toMatch(/team incident INC-1 raised by laptop-a/);
  }, 90_000);

  it("spend shipped from machine A gates machine B's next call", async () => {
    const a = machine(root, 'ci-a', server.url, ['budgets:', '  fleetCostUsdPerDay: 100']);
    const b = machine(root, 'ci-b', server.url, ['budgets:', '  fleetCostUsdPerDay: 100']);
    const before = await runHook(bashPre(b.dir, 'sess-b2', 'ls -la'), b.dir, { env: b.env });
    expect(decision(before.stdout)).toBe('allow');
    // Machine A's sessions spent 150 USD today (as PostToolUse would have recorded from transcripts).
    const day = new Date().toISOString().slice(0, 10);
    const store = openLedger(a.dir);
    await store.transact(Date.now(), (tx) =>
      tx.putRecord({ kind: 'cost.day', id: day, createdAt: Date.now(), data: { usd: 150 } }),
    );
    await store.close();
    const shipA = await runBin(['tick', '--json', '--dir', a.dir], { env: a.env });
    expect(shipA.code, shipA.stderr).toBe(0);
    const pullB = await runBin(['tick', '--json', '--dir', b.dir], { env: b.env });
    expect(JSON.parse(pullB.stdout).team).toMatchObject({ statusAgeMs: expect.any(Number) });
    const after = await runHook(bashPre(b.dir, 'sess-b2', 'ls -la'), b.dir, { env: b.env });
    expect(decision(after.stdout)).toBe('ask');
    expect(after.stdout).toMatch(/cost budget for all agent sessions/);
  }, 90_000);
});
