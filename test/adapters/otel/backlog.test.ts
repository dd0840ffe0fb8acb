// A backlog goes out oldest first, a chunk at a time, the cursor moving after each chunk the collector
// took: a refusal midway leaves the cursor at the last accepted chunk, and the next poll resumes there,
// counting nothing twice. The ledger is the memory store; the sink records what it was handed.
import { describe, expect, it } from 'vitest';
import type { LogOut, Observation, TelemetrySink } from '../../../src/adapters/otel/types.ts';
import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import { FIRST_BACKLOG, OTEL_CURSOR_KEY, OtelExporter } from '../../../src/app/otel-export.ts';
import type { EventSource, SeqEvent } from '../../../src/app/team/local-events.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';

const event = (i: number): LedgerEvent => ({
  v: 1,
  ts: 1_000_000 + i,
  sessionId: `s${i % 3}`,
  event: 'PreToolUse',
  tool: 'Bash',
  toolUseId: `toolu_${i}`,
  agentId: null,
  tier: 1,
  verdict: 'allow',
  rule: 'fallback.exec',
  reason: 'Programs with no other effect run untouched.',
  effects: [],
  durationMs: 3,
  input: null,
});

function source(n: number): EventSource {
  // Ids with gaps, as a ledger may have: the cursor is an id, not a count.
  const all: SeqEvent[] = Array.from({ length: n }, (_, i) => ({ seq: 10 + i * 2, event: event(i) }));
  return {
    after: async (seq, limit) => all.filter((e) => e.seq > seq).slice(0, limit),
    last: async () => all.at(-1)?.seq ?? 0,
    close: () => undefined,
  };
}

class RecordingSink implements TelemetrySink {
  batches: LogOut[][] = [];
  observed: Observation[] = [];
  /** Calls (counted from 0) the collector refuses. */
  refuse = new Set<number>();
  #calls = 0;
  async exportLogs(logs: LogOut[]) {
    if (this.refuse.has(this.#calls++)) return false;
    this.batches.push(logs);
    return true;
  }
  observe(o: Observation[]) {
    this.observed.push(...o);
  }
  async shutdown() {}
}

describe('exporting a backlog', () => {
  it('goes in chunks of 500, and a refused chunk is sent again, never counted twice', async () => {
    const store = createMemoryStore();
    const sink = new RecordingSink();
    const ex = new OtelExporter({
      store,
      events: source(1234),
      sink,
      now: () => 0,
      channelType: () => 'file',
    });
    sink.refuse.add(1);
    expect(await ex.poll()).toEqual({ exported: 500, ok: false });
    const cursor = JSON.parse((await store.transact(0, (tx) => tx.meta(OTEL_CURSOR_KEY)))!) as {
      events: number;
    };
    expect(cursor.events).toBe(10 + 499 * 2);
    expect(await ex.poll()).toEqual({ exported: 734, ok: true });
    expect(sink.batches.map((b) => b.length)).toEqual([500, 500, 234]);
    const ids = sink.batches.flat().map((l) => l.attributes['gen_ai.tool.call.id']);
    expect(new Set(ids).size).toBe(1234);
    expect(ids[0]).toBe('toolu_0');
    expect(ids.at(-1)).toBe('toolu_1233');
    expect(sink.observed.filter((o) => o.instrument === 'decisions')).toHaveLength(1234);
    expect(await ex.poll()).toEqual({ exported: 0, ok: true });
  });

  it('on a first start, exports only the newest events of a long past', async () => {
    const store = createMemoryStore();
    const sink = new RecordingSink();
    const n = FIRST_BACKLOG / 2 + 700;
    // Ids step by 2: the newest FIRST_BACKLOG ids hold FIRST_BACKLOG / 2 events.
    const ex = new OtelExporter({ store, events: source(n), sink, now: () => 0, channelType: () => 'file' });
    const r = await ex.poll();
    expect(r.ok).toBe(true);
    expect(r.exported).toBe(FIRST_BACKLOG / 2);
    expect(sink.batches.flat()[0]!.attributes['gen_ai.tool.call.id']).toBe('toolu_700');
  });
});
