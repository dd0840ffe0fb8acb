// The team API: one team incident and one page for the same problem from two machines; the fleet's spend
// per stream; and every malformed or unauthenticated body refused with 4xx, never a 500, never a throw.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTeamChannel } from '../../../src/adapters/notify/team.ts';
import { spendOf } from '../../../src/app/cost.ts';
import { teamRequest } from '../../../src/app/team/client.ts';
import { pullStatus } from '../../../src/app/team/status.ts';
import type { Page } from '../../../src/core/incidents/types.ts';
import { createTeamApp } from '../../../src/server/team/app.ts';
import { fakeTeamStore } from '../../app/team/fake-team-store.ts';
import { localStore, ORIGIN_A, ORIGIN_B } from '../../app/team/local.ts';
import { makePage } from '../../contracts/channel.ts';
import { startTeamHarness, TEAM_TOKEN, TEST_PAGING, type TeamHarness } from './harness.ts';

const T0 = Date.UTC(2026, 4, 12, 9, 0, 0);
let server: TeamHarness;
beforeEach(async () => {
  server = await startTeamHarness({ now: () => T0 });
});
afterEach(() => server.close());

const team = () => ({ url: server.url, tokenEnv: 'TEAM_TOKEN', machine: null });
const localPage = (project: string, session: string, incidentId: string, channel = 'file'): Page =>
  makePage('trigger', {
    incidentId,
    channel,
    key: `${incidentId}/${channel}/trigger`,
    dedupKey: `agent-sre/acme~${project}/tier4.denied/${session}/git.force-push`,
    project: `/home/${project}/acme`,
    sessionId: session,
  });

describe('team pages', () => {
  it('the same problem from two machines is one team incident and one queued page', async () => {
    const env = { TEAM_TOKEN };
    const a = createTeamChannel('file', team(), { env, origin: () => ORIGIN_A });
    const b = createTeamChannel('file', team(), { env, origin: () => ORIGIN_B });
    expect((await a.send(localPage('alice', 'sess-a', 'INC-1'), undefined)).status).toBe('delivered');
    // machine A's second channel for the same local incident, then machine B's own incident
    expect((await a.send(localPage('alice', 'sess-a', 'INC-1', 'slack'), undefined)).status).toBe(
      'delivered',
    );
    expect((await b.send(localPage('bob', 'sess-b', 'INC-4'), undefined)).status).toBe('delivered');
    const { incidents, outbox } = await server.store.transact(T0, (tx) => ({
      incidents: tx.incidents(),
      outbox: tx.outbox(),
    }));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: 'INC-1', alertCount: 2, project: 'acme' });
    expect(outbox.map((o) => `${o.page.channel}:${o.page.action}`)).toEqual(['hook:trigger']);
  });

  it('different problems stay apart', async () => {
    const a = createTeamChannel('file', team(), { env: { TEAM_TOKEN }, origin: () => ORIGIN_A });
    await a.send(localPage('alice', 'sess-a', 'INC-1'), undefined);
    const other = localPage('alice', 'sess-a', 'INC-2');
    await a.send({ ...other, dedupKey: other.dedupKey.replace('git.force-push', 'fs.rm-root') }, undefined);
    const n = await server.store.transact(T0, (tx) => tx.incidents().length);
    expect(n).toBe(2);
  });
});

describe('team status and the fleet budget', () => {
  it("counts the other machines' spend from the day's last status, however old, and not the next day", async () => {
    await server.store.ingest({ origin: ORIGIN_B, items: [], spend: [{ day: '2026-05-12', usd: 420 }] });
    await server.store.ingest({ origin: ORIGIN_A, items: [], spend: [{ day: '2026-05-12', usd: 30 }] });
    const local = localStore();
    await local.transact(T0, (tx) =>
      tx.putRecord({ kind: 'cost.day', id: '2026-05-12', createdAt: T0, data: { usd: 31 } }),
    );
    const r = await pullStatus({
      store: local,
      team: team(),
      token: TEAM_TOKEN,
      origin: ORIGIN_A,
      now: () => T0,
    });
    expect(r).toMatchObject({ ok: true, status: { fleetUsd: 450, othersUsd: 420 } });
    const at = (ms: number) => local.transact(ms, (tx) => spendOf(tx, 's', ms, true).fleetCostUsdToday);
    // Outside team mode a stale team record (team: removed from agent-sre.yaml) counts for nothing.
    expect(await local.transact(T0, (tx) => spendOf(tx, 's', T0, false).fleetCostUsdToday)).toBe(31);
    expect(await at(T0 + 60_000)).toBe(451);
    // Hours later, still 12 May: a day figure only grows, so the old status is a lower bound and still held.
    expect(await at(T0 + 10 * 3_600_000)).toBe(451);
    // 13 May: neither this machine's 12 May spend nor the others' counts.
    expect(await at(T0 + 16 * 3_600_000)).toBe(0);
    await local.close();
  });
});

describe('untrusted bodies', () => {
  const app = () =>
    createTeamApp({ store: fakeTeamStore(), token: TEAM_TOKEN, settings: TEST_PAGING, now: () => T0 });
  const post = (a: ReturnType<typeof app>, path: string, body: string, token = TEAM_TOKEN) =>
    a.request(path, {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });

  it('refuses a missing or wrong token with 401 on every route', async () => {
    const a = app();
    expect((await a.request('/team/v1/status')).status).toBe(401);
    expect((await post(a, '/team/v1/ingest', '{}', 'x'.repeat(40))).status).toBe(401);
    expect((await post(a, '/team/v1/pages', '{}', `${TEAM_TOKEN}x`)).status).toBe(401);
  });

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    expect((await post(app(), '/team/v1/pages', big)).status).toBe(413);
  });

  it('answers 400 to any malformed ingest or page body, and never throws', async () => {
    const a = app();
    const anyJson = fc.oneof(
      fc.string(),
      fc.json(),
      fc.anything().map((v) => {
        try {
          return JSON.stringify(v) ?? 'null';
        } catch {
          return '{';
        }
      }),
      // Near misses: a valid batch shape with one field broken.
      fc
        .record({
          machine: fc.oneof(fc.constant(''), fc.string(), fc.constant('laptop-a')),
          seq: fc.oneof(fc.integer(), fc.double(), fc.constant(-1)),
          tier: fc.oneof(fc.integer(), fc.constant(null)),
        })
        .map(({ machine, seq, tier }) =>
          JSON.stringify({
            origin: { machine, user: 'u', project: 'nothex' },
            items: [{ seq, event: { v: 1, tier }, state: {} }],
          }),
        ),
    );
    await fc.assert(
      fc.asyncProperty(anyJson, fc.constantFrom('/team/v1/ingest', '/team/v1/pages'), async (body, path) => {
        const res = await post(a, path, body);
        expect(res.status).toBe(400);
        expect(await res.json()).toHaveProperty('error');
      }),
      { numRuns: 300 },
    );
  });

  it('takes a well-formed batch (the property above can fail: its shape is one step from valid)', async () => {
    const body = JSON.stringify({ origin: ORIGIN_A, items: [], spend: [] });
    const res = await post(app(), '/team/v1/ingest', body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 0, highWater: 0 });
  });

  it('a failing store is a 500 with no detail, never a crash', async () => {
    const store = fakeTeamStore();
    store.ingest = async () => {
      throw new Error('connection to 10.0.0.5 password=hunter2 lost');
    };
    const a = createTeamApp({ store, token: TEAM_TOKEN, settings: TEST_PAGING, now: () => T0 });
    const res = await post(a, '/team/v1/ingest', JSON.stringify({ origin: ORIGIN_A, items: [] }));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('hunter2');
  });

  it('the team client never shows the token in an error', async () => {
    const r = await teamRequest(team(), 'wrong-token-abcdef0123456', 'GET', '/status');
    expect(r).toMatchObject({ ok: false, status: 401 });
    expect(JSON.stringify(r)).not.toContain('wrong-token-abcdef0123456');
  });
});
