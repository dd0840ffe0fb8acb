// A TeamStore fake over the reference memory store, for the shipper and team server tests until (and
// alongside) the real stores: high-water marks per stream, origin labels, the highest spend per day.
import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import type { IngestResult, Origin, ShipBatch, TeamSessionSummary, TeamStore } from '../../../src/ports.ts';

const streamKey = (o: Origin) => `${o.machine}\u0000${o.user}\u0000${o.project}`;

export function fakeTeamStore(): TeamStore & { ingested: Array<{ origin: Origin; seq: number }> } {
  const base = createMemoryStore();
  const high = new Map<string, number>();
  const labels = new Map<string, Origin>();
  const spend = new Map<string, { origin: Origin; usd: number }>();
  const ingested: Array<{ origin: Origin; seq: number }> = [];
  return {
    ...base,
    name: 'fake-team',
    commit: base.commit.bind(base),
    getSession: base.getSession.bind(base),
    listSessions: base.listSessions.bind(base),
    events: base.events.bind(base),
    transact: base.transact.bind(base),
    close: base.close.bind(base),
    ingested,
    async ingest(batch: ShipBatch): Promise<IngestResult> {
      const key = streamKey(batch.origin);
      let hw = high.get(key) ?? 0;
      let accepted = 0;
      let duplicates = 0;
      for (const item of batch.items) {
        if (item.seq <= hw) {
          duplicates++;
          continue;
        }
        await base.commit({
          sessionId: item.event.sessionId,
          apply: () => ({ state: item.state, event: item.event, result: undefined }),
        });
        labels.set(item.event.sessionId, batch.origin);
        ingested.push({ origin: batch.origin, seq: item.seq });
        hw = item.seq;
        accepted++;
      }
      high.set(key, hw);
      for (const s of batch.spend ?? []) {
        const k = `${key}\u0000${s.day}`;
        if ((spend.get(k)?.usd ?? -1) < s.usd) spend.set(k, { origin: batch.origin, usd: s.usd });
      }
      return { accepted, duplicates, highWater: hw };
    },
    async eventsAfter(seq, limit) {
      return (await base.events()).slice(seq, seq + limit).map((event, i) => ({ seq: seq + i + 1, event }));
    },
    async lastEventSeq() {
      return (await base.events()).length;
    },
    async highWater(origin) {
      return high.get(streamKey(origin)) ?? 0;
    },
    async teamSessions(): Promise<TeamSessionSummary[]> {
      return (await base.listSessions()).map((s) => ({
        ...s,
        origin: labels.get(s.state.sessionId) ?? null,
      }));
    },
    async fleetSpend(day) {
      return [...spend.entries()].filter(([k]) => k.endsWith(`\u0000${day}`)).map(([, v]) => v);
    },
  };
}
