// The outage, for real (test:long): a team server process on PostgreSQL (the built CLI,
// `serve --store`) is killed with SIGKILL and stays away for 10 minutes while two machines' hooks keep
// deciding. It then comes back and is killed with SIGKILL again, twice, while the backlog is arriving.
// In the end every event of both machines is in the team store exactly once, in its session's order.
// AGENT_SRE_TEAM_OUTAGE_MS shortens the outage for a run by hand.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLedger } from '../../src/app/store.ts';
import { SHIPPED_META } from '../../src/app/team/ship.ts';
import { type FakeServer, startFakeWebhookReceiver } from '../helpers/fake-apis.ts';
import { describePg, usePgDatabase } from '../helpers/postgres.ts';
import { bashPre, ensureBuilt, runHook, tempProject } from './bin.ts';
import {
  HOOK_SECRET,
  localMeta,
  type Machine,
  machine,
  startTeamServerProcess,
  type TeamServerProcess,
  teamServerDir,
  until,
} from './team-helpers.ts';

const OUTAGE_MS = Number(process.env.AGENT_SRE_TEAM_OUTAGE_MS ?? 600_000);
/** One hook call every this long during the outage, alternating machines: about 200 calls in 10 min. */
const CALL_EVERY_MS = 3_000;

let receiver: FakeServer;
let root: string;
let serverDir: string;
beforeAll(async () => {
  ensureBuilt();
  receiver = await startFakeWebhookReceiver(HOOK_SECRET);
  serverDir = teamServerDir(receiver.url);
  root = tempProject('agent-sre-team-outage-long-');
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  for (const dir of [root, serverDir])
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

/** The machine's own ledger: every event as `session:tool_use_id:event`, in commit order. */
async function localEvents(m: Machine): Promise<string[]> {
  const store = openLedger(m.dir, { readonly: true });
  try {
    return (await store.events()).map((e) => `${e.sessionId}:${e.toolUseId}:${e.event}`);
  } finally {
    await store.close();
  }
}

const shipped = async (m: Machine) => Number((await localMeta(m.dir, SHIPPED_META)) ?? 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describePg('team server outage on PostgreSQL', () => {
  const db = usePgDatabase();

  it(
    `hooks decide through a ${OUTAGE_MS / 60_000} min outage; after SIGKILLs of the server mid-backlog every event is stored once, in order`,
    async () => {
      let server: TeamServerProcess = await startTeamServerProcess(serverDir, db.url());
      const port = server.port;
      const machines = [machine(root, 'box-a', server.url), machine(root, 'box-b', server.url)];
      const call = (m: Machine, session: string, n: number) =>
        runHook(bashPre(m.dir, session, n % 7 === 0 ? 'rm -rf ~/' : `cat notes-${n}.txt`), m.dir, {
          env: m.env,
        });

      // Up: a few calls each, shipped.
      for (let n = 0; n < 4; n++)
        for (const m of machines) expect((await call(m, `${m.env.AGENT_SRE_USER}-up`, n)).code).toBe(0);
      for (const m of machines) {
        const count = (await localEvents(m)).length;
        await until('the first events at the team server', async () =>
          (await shipped(m)) >= count ? true : undefined,
        );
      }

      // Down, without a goodbye.
      await server.stop('SIGKILL');
      const durations: number[] = [];
      const end = Date.now() + OUTAGE_MS;
      for (let n = 0; Date.now() < end || n < 10; n++) {
        const m = machines[n % 2]!;
        const t = Date.now();
        const r = await call(m, `${m.env.AGENT_SRE_USER}-down-${n % 3}`, n);
        durations.push(Date.now() - t);
        expect(r.code, r.stderr).toBe(0);
        // The guard holds whatever the team server is doing.
        if (n % 7 === 0) expect(r.stdout).toContain('"permissionDecision":"deny"');
        await sleep(Math.max(0, CALL_EVERY_MS - (Date.now() - t)));
      }

      // Back, and killed twice while the machines' shippers send the backlog.
      for (const after of [300, 900]) {
        server = await startTeamServerProcess(serverDir, db.url(), port);
        for (const m of machines) await call(m, `${m.env.AGENT_SRE_USER}-back`, after);
        await sleep(after);
        await server.stop('SIGKILL');
      }

      // Back for good.
      server = await startTeamServerProcess(serverDir, db.url(), port);
      try {
        for (const m of machines) expect((await call(m, `${m.env.AGENT_SRE_USER}-last`, 1)).code).toBe(0);
        const local = new Map<Machine, string[]>();
        for (const m of machines) {
          local.set(m, await localEvents(m));
          await until(
            'every event at the team server',
            async () => ((await shipped(m)) >= local.get(m)!.length ? true : undefined),
            120_000,
          );
        }
        // `null` as the local side prints a missing tool_use_id.
        const remote = (
          await db.query<{ s: string }>(
            `SELECT session_id || ':' || coalesce(tool_use_id, 'null') || ':' || event AS s FROM events ORDER BY id`,
          )
        ).map((r) => r.s);
        for (const m of machines) {
          const mine = local.get(m)!;
          const sessions = new Set(mine.map((s) => s.split(':')[0]));
          // Exactly once and in order: the team's events of this machine's sessions are its ledger's events.
          expect(remote.filter((s) => sessions.has(s.split(':')[0]))).toEqual(mine);
        }
        expect(remote.length).toBe([...local.values()].reduce((n, l) => n + l.length, 0));
        const sorted = [...durations].sort((x, y) => x - y);
        console.log(
          `team outage (PostgreSQL, ${OUTAGE_MS} ms): ${JSON.stringify({
            outageCalls: durations.length,
            hookP50: sorted[Math.floor(sorted.length / 2)],
            hookMax: sorted.at(-1),
            events: remote.length,
          })}`,
        );
      } finally {
        await server.stop();
      }
    },
    OUTAGE_MS + 600_000,
  );
});
