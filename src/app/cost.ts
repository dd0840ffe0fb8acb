// Cost accounting in the hook: after each tool call, the transcript bytes appended since the last call are
// folded into the session's usage, kept in the ledger; before each call, what the session and the whole
// project spent today is read back for the cost budgets.
import { advanceUsage, type UsageCursor } from '../adapters/transcripts/usage-reader.ts';
import type { Pricing } from '../core/cost/prices.ts';
import { knownCost, usageStateFrom } from '../core/cost/usage.ts';
import type { Spend } from '../core/session/rules.ts';
import type { LedgerStore, LedgerTx, Transition } from '../ports.ts';
import { othersSpendToday } from './team/status-record.ts';

/** The session's read position and folded usage. Large-ish: read only by PostToolUse. */
export const USAGE_KIND = 'cost.usage';
/** The session's spend in USD: small, read by every PreToolUse. */
export const SPEND_KIND = 'cost.spend';
/** USD spent per UTC day across sessions, keyed `YYYY-MM-DD`. */
export const DAY_KIND = 'cost.day';

interface UsageRecord extends UsageCursor {
  /** Bumped on every write: a reader that started from another revision lost the race and stands down. */
  rev: number;
}

interface SpendRecord {
  usd: number;
}

/** The UTC day an instant falls on, the fleet budget's period. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * What the cost budgets are held against at `at`. In team mode (`team`) the fleet figure adds what the
 * rest of the team spent today, from the team status the shipper keeps (team/status-record.ts); without
 * it the hook reads nothing more than before.
 */
export function spendOf(tx: LedgerTx, sessionId: string, at: number, team = false): Spend {
  const day = dayOf(at);
  const here = tx.record<SpendRecord>(DAY_KIND, day)?.data.usd ?? 0;
  return {
    costUsd: tx.record<SpendRecord>(SPEND_KIND, sessionId)?.data.usd ?? 0,
    fleetCostUsdToday: team ? here + othersSpendToday(tx, day) : here,
  };
}

export interface CostRead {
  /** Writes the new usage inside the caller's transaction; a no-op when another call got there first. */
  commit(tx: LedgerTx, at: number): void;
  bytes: number;
}

/**
 * Read what the transcript gained since the ledger's cursor. File IO happens here, outside any
 * transaction; the result is committed with `commit` inside the PostToolUse transaction. Null when there is
 * nothing new (or no transcript to read).
 */
export async function readNewUsage(
  store: LedgerStore,
  sessionId: string,
  transcriptPath: string | null,
  pricing: Pricing,
  now: number,
  /** The reader of the agent's transcript format (Claude Code's by default; Codex's rollout). */
  advance: typeof advanceUsage = advanceUsage,
): Promise<CostRead | null> {
  // Only a transcript named by the hook input is read: nothing else should be opened.
  if (!transcriptPath?.endsWith('.jsonl')) return null;
  const prev = await store.transact(now, (tx) => tx.record<UsageRecord>(USAGE_KIND, sessionId), {
    readonly: true,
  });
  const rev = prev?.data.rev ?? 0;
  const cursor: UsageCursor | undefined = prev
    ? { offsets: prev.data.offsets ?? {}, state: usageStateFrom(prev.data.state) }
    : undefined;
  const before = cursor ? knownCost(cursor.state) : 0;
  const next = advance(cursor, transcriptPath, pricing);
  if (!next.changed) return null;
  const delta = knownCost(next.cursor.state) - before;
  return {
    bytes: next.bytes,
    commit(tx, at) {
      const cur = tx.record<UsageRecord>(USAGE_KIND, sessionId);
      if ((cur?.data.rev ?? 0) !== rev) return;
      tx.putRecord<UsageRecord>({
        kind: USAGE_KIND,
        id: sessionId,
        createdAt: cur?.createdAt ?? at,
        data: { rev: rev + 1, ...next.cursor },
      });
      const spent = tx.record<SpendRecord>(SPEND_KIND, sessionId);
      tx.putRecord<SpendRecord>({
        kind: SPEND_KIND,
        id: sessionId,
        createdAt: spent?.createdAt ?? at,
        data: { usd: knownCost(next.cursor.state) },
      });
      if (delta <= 0) return;
      const day = dayOf(at);
      const today = tx.record<SpendRecord>(DAY_KIND, day);
      tx.putRecord<SpendRecord>({
        kind: DAY_KIND,
        id: day,
        createdAt: today?.createdAt ?? at,
        data: { usd: (today?.data.usd ?? 0) + delta },
      });
    },
  };
}

/** The transition with the cost write added to its transaction. */
export function withCost<R>(t: Transition<R>, cost: CostRead | null, at: number): Transition<R> {
  if (!cost) return t;
  return {
    ...t,
    apply: (state, newFiles, tx) => {
      const out = t.apply(state, newFiles, tx);
      cost.commit(tx, at);
      return out;
    },
  };
}
