// The team server's API: machines ship their ledger events, send their pages, and read the fleet's
// spend. Bearer token on every route; a body limit; every body checked by zod; a store failure is a 500
// with no detail (the shipper retries), never a crash.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import type { TeamPageBody } from '../../adapters/notify/team.ts';
import { dayOf } from '../../app/cost.ts';
import type { PagingSettings } from '../../core/incidents/config.ts';
import type { ShipBatch, TeamStore } from '../../ports.ts';
import { bearerAuth } from './auth.ts';
import { applyTeamPage } from './pages.ts';
import { dayParam, shipBatchSchema, teamPageSchema } from './schemas.ts';

export const INGEST_MAX_BYTES = 8 * 1024 * 1024;
export const PAGE_MAX_BYTES = 256 * 1024;

export interface TeamAppDeps {
  store: TeamStore;
  token: string;
  settings: PagingSettings;
  now: () => number;
  /** Pages were queued: start delivering them. */
  onQueued?: () => void;
  log?: (line: string) => void;
}

async function parsed<S extends z.ZodType>(
  req: { text(): Promise<string> },
  schema: S,
): Promise<{ ok: true; value: z.infer<S> } | { ok: false; error: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await req.text());
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    return { ok: false, error: `${first?.path.join('.') || 'body'}: ${first?.message ?? 'invalid'}` };
  }
  return { ok: true, value: r.data };
}

export function createTeamApp(deps: TeamAppDeps): Hono {
  const app = new Hono();
  const log = deps.log ?? (() => undefined);
  const tooLarge = (limit: number) =>
    bodyLimit({ maxSize: limit, onError: (c) => c.json({ error: `the body is over ${limit} bytes` }, 413) });
  app.onError((err, c) => {
    log(`team api: ${c.req.method} ${c.req.path} failed: ${err.name}`);
    return c.json({ error: 'the team store failed; retry' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.use('/team/v1/*', bearerAuth(deps.token));

  app.post('/team/v1/ingest', tooLarge(INGEST_MAX_BYTES), async (c) => {
    const body = await parsed(c.req, shipBatchSchema);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const result = await deps.store.ingest(body.value as unknown as ShipBatch);
    return c.json(result);
  });

  app.post('/team/v1/pages', tooLarge(PAGE_MAX_BYTES), async (c) => {
    const body = await parsed(c.req, teamPageSchema);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const out = await deps.store.transact(deps.now(), (tx) =>
      applyTeamPage(tx, body.value as TeamPageBody, deps.settings),
    );
    if (out.queued > 0) deps.onQueued?.();
    if (out.created) log(`team incident ${out.incidentId} raised by ${body.value.origin.machine}`);
    return c.json(out);
  });

  app.get('/team/v1/status', async (c) => {
    const given = c.req.query('day');
    const day = given === undefined ? dayOf(deps.now()) : dayParam.safeParse(given).data;
    if (!day) return c.json({ error: 'day: YYYY-MM-DD' }, 400);
    const streams = await deps.store.fleetSpend(day);
    return c.json({ day, fleetUsd: streams.reduce((s, x) => s + x.usd, 0), streams });
  });
  return app;
}
