// The reference LedgerStore: the semantics every other adapter must match (see
// test/contracts/ledger-store.ts), and the test double for the app layer. State is copied on the way in
// and out so neither `apply` nor a caller can reach into what the store holds.
import type { LedgerEvent, SessionState } from '../../core/session/types.ts';
import type {
  EventMatch,
  EventQuery,
  LedgerStore,
  LedgerTx,
  SessionEvents,
  SessionSummary,
  Transition,
} from '../../ports.ts';
import { groupSessionEvents, leanEvent, matchesEvent } from './event-match.ts';
import { emptyIncidentData, type IncidentData, memoryTx } from './memory-tx.ts';

const PREFIX = '[agent-sre] [ledger]';

/**
 * Rejects `apply` output that belongs to another session. Stores key rows by `t.sessionId`, so a
 * mismatch would file the state or event under the wrong session.
 */
export function checkApplied(t: Transition<unknown>, out: { state: SessionState; event: LedgerEvent }): void {
  if (out.state.sessionId !== t.sessionId || out.event.sessionId !== t.sessionId) {
    throw new Error(
      `${PREFIX} apply for session ${t.sessionId} returned state for ${out.state.sessionId} ` +
        `and an event for ${out.event.sessionId}`,
    );
  }
}

export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new RangeError(`${PREFIX} events limit must be a non-negative integer, got ${limit}`);
  }
}

interface Entry {
  state: SessionState;
  files: Set<string>;
  events: number;
}

export function createMemoryStore(): LedgerStore {
  const sessions = new Map<string, Entry>();
  const log: LedgerEvent[] = [];
  let data = emptyIncidentData();
  let closed = false;

  // All or nothing: the incident tables are restored when the transaction's body throws.
  const atomically = <R>(fn: (d: IncidentData) => R): R => {
    const before = structuredClone(data);
    try {
      return fn(data);
    } catch (err) {
      data = before;
      throw err;
    }
  };

  const assertOpen = () => {
    if (closed) throw new Error(`${PREFIX} memory store is closed`);
  };

  return {
    name: 'memory',

    async commit<R>(t: Transition<R>): Promise<R> {
      assertOpen();
      const entry = sessions.get(t.sessionId);
      const fresh = new Set<string>();
      for (const path of t.files ?? []) if (!entry?.files.has(path)) fresh.add(path);
      const { out, state, event } = atomically((d) => {
        const tx: LedgerTx = memoryTx(d, t.now ?? 0);
        const out = t.apply(entry === undefined ? undefined : structuredClone(entry.state), fresh.size, tx);
        checkApplied(t, out);
        // Copy before touching anything, so a state that cannot be cloned leaves the store as it was.
        return { out, state: structuredClone(out.state), event: structuredClone(out.event) };
      });
      if (entry === undefined) {
        sessions.set(t.sessionId, { state, files: fresh, events: 1 });
      } else {
        entry.state = state;
        for (const path of fresh) entry.files.add(path);
        entry.events++;
      }
      log.push(event);
      return out.result;
    },

    async getSession(sessionId: string): Promise<SessionState | undefined> {
      assertOpen();
      const entry = sessions.get(sessionId);
      return entry === undefined ? undefined : structuredClone(entry.state);
    },

    async listSessions(): Promise<SessionSummary[]> {
      assertOpen();
      return [...sessions.values()]
        .sort(
          (a, b) => a.state.startedAt - b.state.startedAt || compare(a.state.sessionId, b.state.sessionId),
        )
        .map((e) => ({ state: structuredClone(e.state), events: e.events }));
    },

    async events(q: EventQuery = {}): Promise<LedgerEvent[]> {
      assertOpen();
      checkLimit(q.limit);
      let out = q.sessionId === undefined ? log : log.filter((e) => e.sessionId === q.sessionId);
      if (q.limit !== undefined) out = out.slice(Math.max(0, out.length - q.limit)).reverse();
      return out.map((e) => structuredClone(e));
    },

    async sessionEvents(sessionIds: readonly string[], match: EventMatch): Promise<SessionEvents[]> {
      assertOpen();
      const wanted = new Set(sessionIds);
      const lastAt = new Map<string, number | null>();
      const picked: LedgerEvent[] = [];
      for (const e of log) {
        if (!wanted.has(e.sessionId)) continue;
        lastAt.set(e.sessionId, e.ts);
        if (matchesEvent(e, match)) picked.push(structuredClone(match.lean ? leanEvent(e) : e));
      }
      return groupSessionEvents(sessionIds, lastAt, picked);
    },

    async transact<R>(now: number, fn: (tx: LedgerTx) => R): Promise<R> {
      assertOpen();
      return atomically((d) => fn(memoryTx(d, now)));
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

// UTF-8 byte order, as SQLite's default BINARY collation sorts; JS `<` compares UTF-16 units instead.
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
