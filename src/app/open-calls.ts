// Calls let through at PreToolUse that have no PostToolUse (or PostToolUseFailure) record yet. `init` no
// longer registers PostToolUse hooks (only `--no-fold` does), so this set is what the catch-up
// (./catch-up.ts) records from the transcript; it is also what keeps a live PostToolUse (older settings)
// and the catch-up from counting one call twice. Every function here runs inside a ledger transaction.
import type { PendingUsage } from '../core/session/rules.ts';
import type { LedgerTx } from '../ports.ts';

export const OPEN_KIND = 'calls.open';

export interface OpenCall {
  /** When PreToolUse let it through. */
  at: number;
  tool: string;
  /** The hook input's cwd at PreToolUse, which the call's effects are resolved against. */
  cwd: string;
  agentId: string | null;
  /** What PreToolUse saw it would write or delete, and whether it leaves the machine: its pending usage. */
  files?: string[];
  external?: boolean;
}

export interface OpenCalls {
  calls: Record<string, OpenCall>;
  /** Ids the catch-up recorded, newest last: a PostToolUse hook arriving after it must not count again. */
  caught: string[];
}

/** How many caught-up ids are remembered: far more than the hooks of one turn that can still be running. */
const CAUGHT_MAX = 256;
/** An open call older than this is given up on (a session that crashed mid-call never posts it). */
export const OPEN_MAX_MS = 6 * 60 * 60 * 1000;

export function openCalls(tx: LedgerTx, sessionId: string): OpenCalls | undefined {
  return tx.record<OpenCalls>(OPEN_KIND, sessionId)?.data;
}

function put(tx: LedgerTx, sessionId: string, data: OpenCalls, at: number): void {
  const prev = tx.record<OpenCalls>(OPEN_KIND, sessionId);
  tx.putRecord<OpenCalls>({ kind: OPEN_KIND, id: sessionId, createdAt: prev?.createdAt ?? at, data });
}

/** What the session's open calls will use once recorded, for the budgets (see withPendingUsage). */
export function pendingUsage(open: OpenCalls | undefined): PendingUsage {
  const calls = Object.values(open?.calls ?? {});
  return {
    calls: calls.length,
    files: calls.flatMap((c) => c.files ?? []),
    externalCalls: calls.filter((c) => c.external).length,
  };
}

/** PreToolUse let `toolUseId` through (allow, or ask: a human may let it run). */
export function openCall(tx: LedgerTx, sessionId: string, toolUseId: string, call: OpenCall): void {
  const cur = openCalls(tx, sessionId) ?? { calls: {}, caught: [] };
  const calls: Record<string, OpenCall> = {};
  for (const [id, c] of Object.entries(cur.calls)) if (call.at - c.at <= OPEN_MAX_MS) calls[id] = c;
  calls[toolUseId] = call;
  put(tx, sessionId, { calls, caught: cur.caught }, call.at);
}

export type Settled = 'counted' | 'duplicate';

/**
 * The call's PostToolUse is being recorded. `live`: the hook itself; a duplicate only when the catch-up
 * already recorded the call. `catch-up`: only a call still open counts (the live hook or another catch-up
 * may have got there first).
 */
export function settleCall(
  tx: LedgerTx,
  sessionId: string,
  toolUseId: string,
  via: 'live' | 'catch-up',
  at: number,
): Settled {
  const cur = openCalls(tx, sessionId);
  if (via === 'live') {
    if (!cur) return 'counted';
    if (cur.caught.includes(toolUseId)) return 'duplicate';
    if (!Object.hasOwn(cur.calls, toolUseId)) return 'counted';
    const { [toolUseId]: _done, ...calls } = cur.calls;
    put(tx, sessionId, { calls, caught: cur.caught }, at);
    return 'counted';
  }
  if (!cur || !Object.hasOwn(cur.calls, toolUseId)) return 'duplicate';
  const { [toolUseId]: _done, ...calls } = cur.calls;
  put(tx, sessionId, { calls, caught: [...cur.caught, toolUseId].slice(-CAUGHT_MAX) }, at);
  return 'counted';
}

/** Calls that will never post: refused after PreToolUse (a human at the gate, a permission rule), or given up on. */
export function dropCalls(tx: LedgerTx, sessionId: string, ids: readonly string[], at: number): void {
  const cur = openCalls(tx, sessionId);
  if (!cur) return;
  const calls = { ...cur.calls };
  let changed = false;
  for (const id of ids)
    if (Object.hasOwn(calls, id)) {
      delete calls[id];
      changed = true;
    }
  for (const [id, c] of Object.entries(calls))
    if (at - c.at > OPEN_MAX_MS) {
      delete calls[id];
      changed = true;
    }
  if (changed) put(tx, sessionId, { calls, caught: cur.caught }, at);
}

/** Thrown inside a PostToolUse transition whose call is already recorded: the transaction writes nothing. */
export class AlreadyRecorded extends Error {
  override name = 'AlreadyRecorded';
}
