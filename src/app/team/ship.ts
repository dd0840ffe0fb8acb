// The shipper: the local ledger's events, in id order, to the team server, exactly once. The cursor (the
// last local id the server holds) lives in the local ledger and moves only to what the server answers as
// its high-water mark, so a lost answer, a crash or a restart on either side resends and the server drops
// what it already has. Nothing here runs in the hook process.
import type { TeamSettings } from '../../core/incidents/config.ts';
import type { IngestResult, LedgerStore, Origin, ShipBatch, ShippedItem } from '../../ports.ts';
import { DAY_KIND, dayOf } from '../cost.ts';
import { type TeamReply, teamRequest } from './client.ts';
import type { EventSource } from './local-events.ts';

export const SHIPPED_META = 'team.shipped';
export const BATCH_SIZE = 500;
// Days of spend resent with every batch: yesterday's tail still matters right after midnight UTC.
const SPEND_DAYS = 2;

export interface ShipDeps {
  store: LedgerStore;
  source: EventSource;
  team: TeamSettings;
  token: string;
  origin: Origin;
  now: () => number;
  /** Tests swap the HTTP call (an in-process Hono app); production uses teamRequest. */
  request?: typeof teamRequest;
}

export interface ShipRound {
  /** Items the server took as new. */
  accepted: number;
  sent: number;
  cursor: number;
  /** Something is left behind the cursor (a full batch went, or the server refused). */
  more: boolean;
  error?: string;
}

export async function shippedCursor(store: LedgerStore, now: number): Promise<number> {
  const raw = await store.transact(now, (tx) => tx.meta(SHIPPED_META), { readonly: true });
  const n = Number(raw ?? 0);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** What the stream spent per day lately, from the ledger's cost.day records (cumulative per day). */
export async function recentSpend(
  store: LedgerStore,
  now: number,
): Promise<Array<{ day: string; usd: number }>> {
  const days = new Set(Array.from({ length: SPEND_DAYS }, (_, i) => dayOf(now - i * 86_400_000)));
  return store.transact(
    now,
    (tx) =>
      tx
        .records<{ usd: number }>(DAY_KIND)
        .filter((r) => days.has(r.id) && Number.isFinite(r.data.usd))
        .map((r) => ({ day: r.id, usd: r.data.usd })),
    { readonly: true },
  );
}

/** One batch: read after the cursor, send, and on 2xx move the cursor to the server's high-water mark. */
export async function shipOnce(deps: ShipDeps, batchSize = BATCH_SIZE): Promise<ShipRound> {
  const cursor = await shippedCursor(deps.store, deps.now());
  const rows = await deps.source.after(cursor, batchSize);
  const spend = await recentSpend(deps.store, deps.now());
  if (rows.length === 0 && spend.length === 0) return { accepted: 0, sent: 0, cursor, more: false };
  const states = new Map<string, ShippedItem['state'] | undefined>();
  const items: ShippedItem[] = [];
  for (const r of rows) {
    if (!states.has(r.event.sessionId))
      states.set(r.event.sessionId, await deps.store.getSession(r.event.sessionId));
    const state = states.get(r.event.sessionId);
    // An event with no session row cannot be labelled; it is still shipped so the stream has no gap.
    if (state) items.push({ seq: r.seq, event: r.event, state });
  }
  const batch: ShipBatch = { origin: deps.origin, items, spend };
  const reply: TeamReply = await (deps.request ?? teamRequest)(
    deps.team,
    deps.token,
    'POST',
    '/ingest',
    batch,
  );
  if (!reply.ok)
    return { accepted: 0, sent: items.length, cursor, more: rows.length > 0, error: reply.error };
  const result = reply.body as Partial<IngestResult> | null;
  const highWater = Number(result?.highWater);
  if (!Number.isSafeInteger(highWater) || highWater < 0)
    return {
      accepted: 0,
      sent: items.length,
      cursor,
      more: true,
      error: 'the team server answered no highWater',
    };
  // Rows without a session row were not sent; never let the cursor stop short of them forever.
  const next = rows.length > 0 && items.length === 0 ? rows.at(-1)!.seq : highWater;
  if (next !== cursor) await deps.store.transact(deps.now(), (tx) => tx.setMeta(SHIPPED_META, String(next)));
  return {
    accepted: Number(result?.accepted ?? 0),
    sent: items.length,
    cursor: next,
    more: rows.length === batchSize,
  };
}

/** Backoff after a failed round: 1 s doubling to 30 s, with jitter so a fleet does not retry in step. */
export function backoffMs(failures: number, random: () => number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.5 + random() / 2));
}

/** Ship until nothing is left or `deadline`; failures back off and retry, nothing is ever dropped. */
export async function shipAll(
  deps: ShipDeps & { sleep: (ms: number) => Promise<void>; random: () => number },
  deadline: number,
): Promise<{ accepted: number; rounds: number; failures: number; lastError?: string }> {
  let accepted = 0;
  let rounds = 0;
  let failures = 0;
  let lastError: string | undefined;
  while (deps.now() < deadline) {
    const r = await shipOnce(deps);
    rounds++;
    accepted += r.accepted;
    if (r.error) {
      failures++;
      lastError = r.error;
      const wait = backoffMs(failures, deps.random);
      if (deps.now() + wait >= deadline) break;
      await deps.sleep(wait);
      continue;
    }
    failures = 0;
    if (!r.more) break;
  }
  return { accepted, rounds, failures, ...(lastError ? { lastError } : {}) };
}
