// The shipper against the team API served in-process on loopback: the cursor moves only on a 2xx, to the
// server's high-water mark; failures and timeouts keep it; resends are harmless; order is kept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { teamRequest } from '../../../src/app/team/client.ts';
import {
  backoffMs,
  SHIPPED_META,
  type ShipDeps,
  shipAll,
  shipOnce,
  shippedCursor,
} from '../../../src/app/team/ship.ts';
import type { TeamSettings } from '../../../src/core/incidents/config.ts';
import type { LedgerStore } from '../../../src/ports.ts';
import { startTeamHarness, TEAM_TOKEN, type TeamHarness } from '../../server/team/harness.ts';
import { addEvents, localStore, memorySource, ORIGIN_A } from './local.ts';

const T0 = Date.UTC(2026, 4, 12, 9, 0, 0);
let server: TeamHarness;
let local: LedgerStore;
let deps: ShipDeps;

beforeEach(async () => {
  server = await startTeamHarness();
  local = localStore();
  const team: TeamSettings = { url: server.url, tokenEnv: 'T', machine: ORIGIN_A.machine };
  deps = {
    store: local,
    source: memorySource(local),
    team,
    token: TEAM_TOKEN,
    origin: ORIGIN_A,
    now: () => T0,
    request: (t, k, m, p, b) => teamRequest(t, k, m, p, b, 400),
  };
});
afterEach(async () => {
  await server.close();
  await local.close();
});

const serverTools = async () => (await server.store.events()).map((e) => `${e.sessionId}:${e.tool}`);

describe('shipper', () => {
  it('ships every event once, in id order, and moves the cursor to the high-water mark', async () => {
    await addEvents(local, 's1', 3, T0);
    await addEvents(local, 's2', 2, T0 + 10);
    await addEvents(local, 's1', 2, T0 + 20, 3);
    const r = await shipOnce(deps);
    expect(r).toMatchObject({ accepted: 7, sent: 7, cursor: 7, more: false });
    expect(await serverTools()).toEqual([
      's1:Bash#0',
      's1:Bash#1',
      's1:Bash#2',
      's2:Bash#0',
      's2:Bash#1',
      's1:Bash#3',
      's1:Bash#4',
    ]);
    expect(await shippedCursor(local, T0)).toBe(7);
    expect((await server.store.teamSessions()).map((s) => s.origin?.machine)).toEqual([
      'laptop-a',
      'laptop-a',
    ]);
  });

  it('keeps the cursor on a 500 and on a timeout, and ships the same events after', async () => {
    await addEvents(local, 's1', 4, T0);
    server.fail('500');
    const failed = await shipOnce(deps);
    expect(failed.error).toMatch(/HTTP 500/);
    expect(await shippedCursor(local, T0)).toBe(0);
    server.fail('hang');
    const timedOut = await shipOnce(deps);
    expect(timedOut.error).toMatch(/timed out/);
    expect(await shippedCursor(local, T0)).toBe(0);
    expect(await shipOnce(deps)).toMatchObject({ accepted: 4, cursor: 4 });
    expect(await serverTools()).toEqual(['s1:Bash#0', 's1:Bash#1', 's1:Bash#2', 's1:Bash#3']);
  });

  it('a resend of what the server holds (a lost answer, a crash before the cursor moved) changes nothing', async () => {
    await addEvents(local, 's1', 3, T0);
    await shipOnce(deps);
    await local.transact(T0, (tx) => tx.setMeta(SHIPPED_META, '0'));
    const again = await shipOnce(deps);
    expect(again).toMatchObject({ accepted: 0, cursor: 3 });
    expect(await server.store.events()).toHaveLength(3);
  });

  it('ships in batches until nothing is left, and backs off through an outage', async () => {
    await addEvents(local, 's1', 1200, T0);
    server.fail('500', 2);
    const slept: number[] = [];
    const r = await shipAll(
      { ...deps, sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
      T0 + 60_000,
    );
    expect(r).toMatchObject({ accepted: 1200, rounds: 5 });
    expect(slept).toEqual([750, 1500]);
    expect(await shippedCursor(local, T0)).toBe(1200);
    const seqs = (server.store as unknown as { ingested: Array<{ seq: number }> }).ingested.map((i) => i.seq);
    expect(seqs).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  });

  it('refuses a wrong token with 401, and the cursor stays', async () => {
    await addEvents(local, 's1', 1, T0);
    const r = await shipOnce({ ...deps, token: 'not-the-team-token-000000' });
    expect(r.error).toMatch(/HTTP 401/);
    expect(r.error).not.toContain('not-the-team-token');
    expect(await shippedCursor(local, T0)).toBe(0);
  });

  it('backs off from 1 s to at most 30 s', () => {
    expect([1, 2, 3, 6, 10].map((n) => backoffMs(n, () => 1))).toEqual([1000, 2000, 4000, 30000, 30000]);
  });
});
