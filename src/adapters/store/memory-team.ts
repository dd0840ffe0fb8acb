// The reference TeamStore (test/contracts/team-store.ts), and the test double for the team server: the
// memory LedgerStore plus each stream's high-water mark, the sessions' origins and the fleet's spend.
import type { IngestResult, Origin, ShipBatch, TeamSessionSummary, TeamStore } from '../../ports.ts';
import { checkLimit, createMemoryStore } from './memory.ts';

const PREFIX = '[agent-sre] [team]';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Throws, before anything is written, when a batch could not be stored as it says: an origin without
 * its names, seqs that are not positive integers in increasing order, an item whose event and state
 * belong to different sessions, a spend that is not a day and an amount. Returns the spend per day (the
 * highest figure, should a day repeat).
 */
export function checkBatch(batch: ShipBatch): Map<string, number> {
  const { origin, items } = batch;
  for (const k of ['machine', 'user', 'project'] as const)
    if (typeof origin?.[k] !== 'string' || origin[k] === '')
      throw new TypeError(`${PREFIX} a shipped batch needs origin.${k}`);
  for (const k of ['projectId', 'ledger'] as const)
    if (origin[k] !== undefined && (typeof origin[k] !== 'string' || origin[k] === ''))
      throw new TypeError(`${PREFIX} origin.${k} is a non-empty string when given`);
  if (!Array.isArray(items)) throw new TypeError(`${PREFIX} a shipped batch needs items`);
  let last = 0;
  for (const item of items) {
    if (!Number.isSafeInteger(item.seq) || item.seq <= last)
      throw new RangeError(
        `${PREFIX} seqs must be positive integers in increasing order: ${String(item.seq)} after ${last}`,
      );
    last = item.seq;
    if (item.event?.sessionId !== item.state?.sessionId)
      throw new TypeError(
        `${PREFIX} item ${item.seq} has an event for ${item.event?.sessionId} and state for ${item.state?.sessionId}`,
      );
  }
  const spend = new Map<string, number>();
  for (const s of batch.spend ?? []) {
    if (typeof s.day !== 'string' || !DAY.test(s.day) || !Number.isFinite(s.usd) || s.usd < 0)
      throw new RangeError(`${PREFIX} a spend needs a YYYY-MM-DD day and a non-negative amount`);
    spend.set(s.day, Math.max(spend.get(s.day) ?? 0, s.usd));
  }
  return spend;
}

/** A stream: one local ledger of one project on one machine. The user is a label on what it ships. */
export const streamKey = (o: Pick<Origin, 'machine' | 'project' | 'ledger'>) =>
  JSON.stringify([o.machine, o.project, o.ledger ?? '']);

export function openMemoryTeamStore(): TeamStore {
  const store = createMemoryStore();
  const highWater = new Map<string, number>();
  const origins = new Map<string, Origin>();
  const spend = new Map<string, Map<string, { origin: Origin; usd: number }>>();
  // Throws once the store is closed, as every call must.
  const assertOpen = () => store.getSession('');

  return {
    ...store,
    name: 'memory-team',

    async ingest(batch: ShipBatch): Promise<IngestResult> {
      const days = checkBatch(batch);
      // Reads and writes the memory store without awaiting in between, so a batch is all or nothing
      // and no other ingest interleaves with it.
      await assertOpen();
      const origin = { ...batch.origin };
      const key = streamKey(origin);
      const hw = highWater.get(key) ?? 0;
      const fresh = batch.items.filter((i) => i.seq > hw);
      const commits = fresh.map((item) =>
        store.commit({
          sessionId: item.event.sessionId,
          apply: () => ({ state: item.state, event: item.event, result: undefined }),
        }),
      );
      for (const item of fresh) origins.set(item.event.sessionId, origin);
      const after = Math.max(hw, fresh.at(-1)?.seq ?? 0);
      highWater.set(key, after);
      for (const [day, usd] of days) {
        const byStream = spend.get(day) ?? new Map<string, { origin: Origin; usd: number }>();
        byStream.set(key, { origin, usd: Math.max(byStream.get(key)?.usd ?? 0, usd) });
        spend.set(day, byStream);
      }
      await Promise.all(commits);
      return { accepted: fresh.length, duplicates: batch.items.length - fresh.length, highWater: after };
    },

    async eventsAfter(seq: number, limit: number) {
      checkLimit(limit);
      const all = await store.events();
      return all.slice(seq, seq + limit).map((event, i) => ({ seq: seq + i + 1, event }));
    },

    async lastEventSeq() {
      return (await store.events()).length;
    },

    async highWater(origin: Origin): Promise<number> {
      await assertOpen();
      return highWater.get(streamKey(origin)) ?? 0;
    },

    async teamSessions(): Promise<TeamSessionSummary[]> {
      const list = await store.listSessions();
      return list.map((s) => {
        const origin = origins.get(s.state.sessionId);
        return { ...s, origin: origin ? { ...origin } : null };
      });
    },

    async fleetSpend(day: string): Promise<Array<{ origin: Origin; usd: number }>> {
      await assertOpen();
      return [...(spend.get(day)?.values() ?? [])]
        .map((s) => ({ origin: { ...s.origin }, usd: s.usd }))
        .sort(
          (a, b) =>
            bytes(a.origin.machine, b.origin.machine) ||
            bytes(a.origin.project, b.origin.project) ||
            bytes(a.origin.ledger ?? '', b.origin.ledger ?? ''),
        );
    },
  };
}

// Byte order, as PostgreSQL's COLLATE "C" sorts.
function bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
