// A project's local ledger for shipper tests: the memory store, with an EventSource that numbers its
// events the way SQLite's ids do (1, 2, 3 ... in commit order).
import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import type { EventSource } from '../../../src/app/team/local-events.ts';
import { emptyEvent } from '../../../src/app/transitions.ts';
import { newSession } from '../../../src/core/session/rules.ts';
import type { LedgerStore, Origin } from '../../../src/ports.ts';

export const ORIGIN_A: Origin = { machine: 'laptop-a', user: 'alice', project: '0123456789abcdef' };
export const ORIGIN_B: Origin = { machine: 'laptop-b', user: 'bob', project: 'fedcba9876543210' };

export function memorySource(store: LedgerStore): EventSource {
  return {
    async after(seq, limit) {
      const all = await store.events();
      return all.slice(seq, seq + limit).map((event, i) => ({ seq: seq + i + 1, event }));
    },
    async last() {
      return (await store.events()).length;
    },
    close() {},
  };
}

/** Append `n` PreToolUse events to `sessionId`, the i-th with tool `Bash#i` so order is visible. */
export async function addEvents(store: LedgerStore, sessionId: string, n: number, t0: number, from = 0) {
  for (let i = from; i < from + n; i++)
    await store.commit({
      sessionId,
      now: t0 + i,
      apply: (state) => ({
        state: { ...(state ?? newSession(sessionId, '/work/acme', t0)), consecutiveDenials: 0 },
        event: emptyEvent(
          {
            event: 'PreToolUse',
            sessionId,
            cwd: '/work/acme',
            agentId: null,
            toolUseId: null,
            tool: `Bash#${i}`,
          },
          t0 + i,
        ),
        result: undefined,
      }),
    });
}

export const localStore = createMemoryStore;
