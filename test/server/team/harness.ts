// The team server's API on a loopback port, over a fake (or real) TeamStore, with failures on demand:
// a 500, or an answer that never comes (the shipper's timeout), for the next requests.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { PagingSettings } from '../../../src/core/incidents/config.ts';
import type { TeamStore } from '../../../src/ports.ts';
import { createTeamApp } from '../../../src/server/team/app.ts';
import { fakeTeamStore } from '../../app/team/fake-team-store.ts';

export const TEAM_TOKEN = 'team-token-for-tests-0123456789';

export const TEST_PAGING: PagingSettings = {
  severity: {},
  channels: { hook: { type: 'file', path: '/dev/null' } },
  routing: [{ match: {}, channels: ['hook'] }],
  escalation: { policies: {} },
  oncall: {
    timeZone: 'UTC',
    workingHours: { days: [], start: '09:00', end: '17:00' },
    handoffNoticeMinutes: 0,
    people: {},
    schedules: {},
  },
  gate: { mode: 'ask', timeoutSeconds: 120 },
};

export interface TeamHarness {
  url: string;
  store: TeamStore & { ingested?: Array<{ seq: number }> };
  /** Raw bodies of every request that reached the API, in order. */
  bodies: string[];
  fail(kind: '500' | 'hang', times?: number): void;
  close(): Promise<void>;
}

export async function startTeamHarness(
  opts: {
    store?: TeamStore;
    now?: () => number;
    settings?: PagingSettings;
    port?: number;
    /** Leave the store open on close: the same team store behind a server that restarts. */
    keepStore?: boolean;
  } = {},
): Promise<TeamHarness> {
  const store = opts.store ?? fakeTeamStore();
  const api = createTeamApp({
    store,
    token: TEAM_TOKEN,
    settings: opts.settings ?? TEST_PAGING,
    now: opts.now ?? Date.now,
  });
  const failures: Array<'500' | 'hang'> = [];
  const bodies: string[] = [];
  const hung: Array<() => void> = [];
  const app = new Hono();
  app.use('*', async (c, next) => {
    const f = failures.shift();
    if (f === '500') return c.json({ error: 'injected' }, 500);
    if (f === 'hang') return new Promise<Response>((res) => hung.push(() => res(c.text('late', 503))));
    if (c.req.method === 'POST') bodies.push(await c.req.raw.clone().text());
    return next();
  });
  app.route('/', api);
  const server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    bodies,
    fail(kind, times = 1) {
      for (let i = 0; i < times; i++) failures.push(kind);
    },
    async close() {
      for (const h of hung) h();
      (server as import('node:http').Server).closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (!opts.keepStore) await store.close();
    },
  };
}
