// A channel is down for ten simulated minutes while 50 incidents are raised, acknowledged and resolved.
// After recovery every page arrives exactly once, in order per incident, through two workers at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqlite.ts';
import { drain } from '../../src/app/deliver.ts';
import { answerIncident, raiseSignals } from '../../src/app/incidents.ts';
import { channelsFor } from '../../src/app/tick.ts';
import type { LedgerStore } from '../../src/ports.ts';
import { settings, T0 } from '../fixtures/incidents.ts';
import { type FakeServer, startFakePagerDuty } from '../helpers/fake-apis.ts';

const MIN = 60_000;
const KEY = 'a'.repeat(32);

/** A loopback proxy that answers 503 while `down()` says so, else forwards to the fake PagerDuty. */
async function outageProxy(
  target: string,
  down: () => boolean,
): Promise<{ url: string; server: Server; refused: number[] }> {
  const refused: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down()) {
        refused.push(1);
        res.writeHead(503, { 'content-type': 'application/json' });
        return void res.end('{"message":"Service Unavailable"}');
      }
      const fwd = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.destroy());
      fwd.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, refused };
}

describe('delivery through an outage', () => {
  let dir: string;
  let pd: FakeServer;
  let proxy: Awaited<ReturnType<typeof outageProxy>>;
  let sim = T0;
  const recoverAt = T0 + 10 * MIN;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-sre-outage-'));
    pd = await startFakePagerDuty();
    proxy = await outageProxy(pd.url, () => sim < recoverAt);
  });
  afterAll(async () => {
    await pd.close();
    await new Promise((r) => proxy.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every page exactly once, in order per incident', async () => {
    const paging = settings({
      channels: { pd: { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: proxy.url } },
      routing: [{ match: {}, channels: ['pd'] }],
    });
    const file = join(dir, 'ledger.db');
    const a: LedgerStore = openSqliteStore(file);
    const b: LedgerStore = openSqliteStore(file);
    const channel = channelsFor(paging, dir, { PD_KEY: KEY });
    let seed = 1;
    const deps = (store: LedgerStore, worker: string) => ({
      store,
      channel,
      worker,
      now: () => sim,
      // Simulated time: sleeping moves the clock, so ten minutes of backoff take milliseconds.
      sleep: async (ms: number) => {
        sim += ms;
      },
      random: () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      },
    });

    // Fifty incidents over eight minutes of outage; a flusher tries after each and fails.
    for (let i = 0; i < 50; i++) {
      sim = T0 + i * 10_000;
      const at = sim;
      await a.transact(at, (tx) =>
        raiseSignals(
          tx,
          [
            {
              kind: 'session.terminated',
              project: '/work/proj',
              sessionId: `s${i}`,
              rule: 'session.terminated',
              key: '',
              summary: `Session s${i} terminated`,
              details: {},
              at,
            },
          ],
          paging,
        ),
      );
      if (i % 2 === 0)
        await a.transact(at, (tx) =>
          answerIncident(tx, `INC-${i + 1}`, 'acknowledge', { kind: 'human', id: 'alice' }, paging),
        );
      await drain(deps(a, 'flusher'), { maxWaitMs: 0 });
    }
    expect(pd.requests).toHaveLength(0);
    expect(proxy.refused.length).toBeGreaterThan(0);
    expect(sim).toBeLessThan(recoverAt);

    // Recovery: two workers drain at once.
    sim = recoverAt;
    await Promise.all([
      drain(deps(a, 'w1'), { maxWaitMs: 30 * MIN }),
      drain(deps(b, 'w2'), { maxWaitMs: 30 * MIN }),
    ]);
    for (let i = 0; i < 50; i++)
      await a.transact(sim, (tx) =>
        answerIncident(tx, `INC-${i + 1}`, 'resolve', { kind: 'human', id: 'bob' }, paging),
      );
    await Promise.all([
      drain(deps(a, 'w1'), { maxWaitMs: 30 * MIN }),
      drain(deps(b, 'w2'), { maxWaitMs: 30 * MIN }),
    ]);

    const events = pd.requests.map(
      (r) => r.body as { dedup_key: string; event_action: string; routing_key: string },
    );
    expect(pd.requests.every((r) => r.reply?.status === 202)).toBe(true);
    expect(events.every((e) => e.routing_key === KEY)).toBe(true);
    const byIncident = new Map<string, string[]>();
    for (const e of events)
      byIncident.set(e.dedup_key, [...(byIncident.get(e.dedup_key) ?? []), e.event_action]);
    expect(byIncident.size).toBe(50);
    const incidents = await a.transact(sim, (tx) => tx.incidents());
    for (const [n, inc] of incidents.entries()) {
      const expected = n % 2 === 0 ? ['trigger', 'acknowledge', 'resolve'] : ['trigger', 'resolve'];
      expect(byIncident.get(inc.dedupKey)).toEqual(expected);
      expect(inc.milestones.pagedAt).toBeGreaterThanOrEqual(recoverAt);
    }
    expect(events).toHaveLength(50 * 2 + 25);
    const left = await a.transact(sim, (tx) => tx.outbox({ status: 'pending' }));
    expect(left).toEqual([]);
    await a.close();
    await b.close();
  });
});
