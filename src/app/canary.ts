// `agent-sre doctor`'s canary calls (`rm -rf ~` must be denied, `ls` must pass) go through the installed
// hook exactly as Claude Code runs it, but they are not work anyone did: recorded, the canary session
// would count in `sessions`, `report`, the evidence and the dashboard. So a canary call is judged by the
// project's policy like any call, takes the ledger's write path up to the write itself (so a ledger the
// hook could not write, or one on hold, still refuses it), and leaves nothing behind.
import { judgeEffects } from '../core/judge.ts';
import type { CompiledPolicy } from '../core/policy/evaluate.ts';
import type { Decision, Effect, ToolCall } from '../core/types.ts';
import type { LedgerStore } from '../ports.ts';
import { CANARY_SESSION } from './signals.ts';

export const isCanary = (sessionId: string) => sessionId === CANARY_SESSION;

/** Thrown inside the write transaction so that it rolls back. */
class NothingToWrite extends Error {}

/**
 * The decision for a canary call. A ledger the hook cannot write throws, and the caller refuses the
 * canary as it would refuse a real call. Never `ask`: nobody is there to answer a canary.
 */
export async function judgeCanary(
  call: ToolCall,
  effects: Effect[],
  compiled: CompiledPolicy,
  store: LedgerStore,
  now: number,
): Promise<Decision> {
  try {
    await store.commit({
      sessionId: CANARY_SESSION,
      now,
      apply: () => {
        throw new NothingToWrite();
      },
    });
  } catch (err) {
    if (!(err instanceof NothingToWrite)) throw err;
  }
  const d = judgeEffects(call, effects, compiled, undefined);
  return d.verdict === 'ask'
    ? { ...d, verdict: 'deny', reason: `${d.reason} (a canary call is never asked)` }
    : d;
}
