// The reference in-memory TeamStore (src/adapters/store/memory-team.ts), which also remembers every item
// it accepted, in order, for the tests that check exactly-once delivery.
import { openMemoryTeamStore } from '../../../src/adapters/store/memory-team.ts';
import type { Origin, TeamStore } from '../../../src/ports.ts';

export function fakeTeamStore(): TeamStore & { ingested: Array<{ origin: Origin; seq: number }> } {
  const store = openMemoryTeamStore();
  const ingested: Array<{ origin: Origin; seq: number }> = [];
  return {
    ...store,
    ingested,
    async ingest(batch) {
      const before = await store.highWater(batch.origin);
      const result = await store.ingest(batch);
      for (const item of batch.items)
        if (item.seq > before) ingested.push({ origin: batch.origin, seq: item.seq });
      return result;
    },
  };
}
