// The team server goes away while the built hook keeps deciding: hooks answer at their normal speed,
// events wait in the local ledger, a shipper killed with SIGKILL mid-request loses nothing, and once
// the server is back every event arrives exactly once, in order. Also measures the shipping lag (hook
// answered -> the server's high-water mark covers the event) while the server is up.
// AGENT_SRE_TEAM_OUTAGE_MS sets the outage (the 10 minutes: 600000, for test:long).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/app/store.ts';
import { SHIPPED_META } from '../../src/app/team/ship.ts';
import { fakeTeamStore } from '../app/team/fake-team-store.ts';
import { startTeamHarness, TEAM_TOKEN, type TeamHarness } from '../server/team/harness.ts';
import { BIN, bashPre, ensureBuilt, runBin, runHook, tempProject } from './bin.ts';
import { localMeta, machine, until } from './team-helpers.ts';

const OUTAGE_MS = Number(process.env.AGENT_SRE_TEAM_OUTAGE_MS ?? 4_000);
let root: string;
beforeAll(() => {
  ensureBuilt();
  root = tempProject('agent-sre-team-outage-');
}, 180_000);
// A detached flusher may still be finishing in the project: retry until it has let go.
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 }));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function localEvents(dir: string) {
  const store = openLedger(dir, { readonly: true });
  try {
    return (await store.events()).map((e) => `${e.sessionId}:${e.toolUseId}`);
  } finally {
    await store.close();
  }
}

describe('team server outage', () => {
  it(`hooks keep deciding through a ${OUTAGE_MS} ms outage and a SIGKILLed shipper; every event arrives once, in order`, async () => {
    const store = fakeTeamStore();
    let server: TeamHarness = await startTeamHarness({ store, keepStore: true });
    const port = Number(new URL(server.url).port);
    const a = machine(root, 'box-a', server.url);
    // The in-process server checks its own test token.
    a.env.AGENT_SRE_TEAM_TOKEN = TEAM_TOKEN;

    // Up: hook timings and shipping lag.
    const upMs: number[] = [];
    const lagMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      const r = await runHook(bashPre(a.dir, 'sess-up', `ls -la ${i}`), a.dir, { env: a.env });
      const answered = Date.now();
      upMs.push(answered - t);
      expect(r.code).toBe(0);
      const seq = (await localEvents(a.dir)).length;
      await until('the event at the team server', async () =>
        Number((await localMeta(a.dir, SHIPPED_META)) ?? 0) >= seq ? true : undefined,
      );
      lagMs.push(Date.now() - answered);
    }

    // Down.
    await server.close();
    const downMs: number[] = [];
    const end = Date.now() + OUTAGE_MS;
    let n = 0;
    while (Date.now() < end || n < 10) {
      const t = Date.now();
      const r = await runHook(
        bashPre(a.dir, `sess-down-${n % 3}`, n % 5 === 0 ? 'rm -rf ~/' : `cat f${n}`),
        a.dir,
        {
          env: a.env,
        },
      );
      downMs.push(Date.now() - t);
      expect(r.code).toBe(0);
      if (n % 5 === 0) expect(r.stdout).toMatch(/"permissionDecision":"deny"/);
      n++;
    }

    // Back, but hanging: a shipper is killed with SIGKILL while its batch is in flight.
    server = await startTeamHarness({ store, keepStore: true, port });
    server.fail('hang', 3);
    const shipper = spawn(process.execPath, [BIN, 'tick', '--quiet', '--dir', a.dir], {
      env: { ...process.env, ...a.env },
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 1500));
    shipper.kill('SIGKILL');
    await new Promise((r) => shipper.once('exit', r));
    await server.close();

    // Back for good.
    server = await startTeamHarness({ store, keepStore: true, port });
    const tick = await runBin(['tick', '--json', '--dir', a.dir], { env: a.env });
    expect(tick.code, tick.stderr).toBe(0);
    const local = await localEvents(a.dir);
    await until('every event at the team server', async () =>
      Number((await localMeta(a.dir, SHIPPED_META)) ?? 0) >= local.length ? true : undefined,
    );
    const remote = (await store.events()).map((e) => `${e.sessionId}:${e.toolUseId}`);
    expect(remote).toEqual(local);
    expect(store.ingested.map((i) => i.seq)).toEqual(local.map((_, i) => i + 1));
    await server.close();
    await store.close();

    const report = {
      hookUpP50: pct(upMs, 50),
      hookDownP50: pct(downMs, 50),
      hookDownMax: Math.max(...downMs),
      lagP50: pct(lagMs, 50),
      lagP99: pct(lagMs, 99),
      events: local.length,
      outageCalls: downMs.length,
    };
    console.log(`team outage: ${JSON.stringify(report)}`);
    // Deciding never waits on the team server: no slower than with it up, within noise.
    expect(report.hookDownP50).toBeLessThan(report.hookUpP50 * 1.5 + 150);
  }, 900_000);
});
