// Catch-up: the PostToolUse records no live hook delivered, read back from the transcript. In the folded and
// HTTP layouts (`init`, `init --http`) there is no PostToolUse hook at all, so this is how every call is
// recorded; with `--no-fold` it covers a hook that failed. Runs at the Stop-type gates, SessionEnd and, when
// the ledger says a call is still open, the next PreToolUse. Each call goes through the same
// postToolUseTransition as the live hook, so usage, files and the gate's evidence are what the hook would
// have recorded; a call is counted once whichever comes first.
import { type FinishedCall, scanToolResults } from '../adapters/transcripts/tool-results.ts';
import type { Pricing } from '../core/cost/prices.ts';
import { effectsOf } from '../core/effects/tools.ts';
import type { JudgeContext, ToolCall } from '../core/types.ts';
import type { LedgerStore, LedgerTx, Transition } from '../ports.ts';
import { readNewUsage } from './cost.ts';
import { AlreadyRecorded, dropCalls, OPEN_MAX_MS, type OpenCall, openCalls } from './open-calls.ts';
import { postToolUseTransition } from './transitions.ts';

/** Where the catch-up stopped reading the session's transcript files. */
export const CURSOR_KIND = 'catchup.cursor';

interface CursorRecord {
  /** Bumped on every write: a catch-up that read from an older cursor does not move it back. */
  rev: number;
  offsets: Record<string, number>;
}

export interface CatchUpOptions {
  sessionId: string;
  transcriptPath: string | null;
  ctx: JudgeContext;
  pricing: Pricing;
  now: () => number;
}

export interface CatchUpResult {
  /** PostToolUse/PostToolUseFailure records written. */
  recorded: number;
  /** Transcript bytes read. */
  bytes: number;
}

const NOTHING: CatchUpResult = { recorded: 0, bytes: 0 };

/**
 * Record the calls of the session that are open in the ledger and finished in the transcript. The
 * transcript is written asynchronously: a result that is not there yet is found at the next opportunity.
 */
export async function catchUp(store: LedgerStore, opts: CatchUpOptions): Promise<CatchUpResult> {
  const { sessionId, transcriptPath } = opts;
  // Only a Claude Code transcript named by the hook input is read.
  if (!transcriptPath?.endsWith('.jsonl')) return NOTHING;
  const at = opts.now();
  const seen = await store.transact(
    at,
    (tx) => ({
      open: openCalls(tx, sessionId)?.calls ?? {},
      cursor: tx.record<CursorRecord>(CURSOR_KIND, sessionId)?.data,
    }),
    { readonly: true },
  );
  if (Object.keys(seen.open).length === 0) return NOTHING;
  const rev = seen.cursor?.rev ?? 0;
  const scan = scanToolResults(seen.cursor?.offsets, transcriptPath, at);
  const todo = scan.calls.filter((c) => Object.hasOwn(seen.open, c.toolUseId));
  const never = todo.filter((c) => !c.ran).map((c) => c.toolUseId);
  const expired = Object.values(seen.open).some((c) => at - c.at > OPEN_MAX_MS);
  const moved = JSON.stringify(scan.offsets) !== JSON.stringify(seen.cursor?.offsets ?? {});
  // The hooks that did not come did not fold the transcript's token usage either.
  const cost = todo.some((c) => c.ran)
    ? await readNewUsage(store, sessionId, transcriptPath, opts.pricing, at).catch(() => null)
    : null;
  // The cursor, the calls that will never post and the usage go with the first record written: one write
  // transaction per caught-up call and none more, which is what the PreToolUse path pays.
  let extras = moved || never.length > 0 || expired || cost !== null;
  const writeExtras = (tx: LedgerTx) => {
    dropCalls(tx, sessionId, never, at);
    cost?.commit(tx, at);
    const cur = tx.record<CursorRecord>(CURSOR_KIND, sessionId);
    if (!moved || (cur?.data.rev ?? 0) !== rev) return;
    tx.putRecord<CursorRecord>({
      kind: CURSOR_KIND,
      id: sessionId,
      createdAt: cur?.createdAt ?? at,
      data: { rev: rev + 1, offsets: scan.offsets },
    });
  };
  let recorded = 0;
  for (const done of todo) {
    if (!done.ran) continue;
    const t = record(done, seen.open[done.toolUseId] as OpenCall, opts);
    const withExtras = extras;
    try {
      await store.commit(
        withExtras
          ? {
              ...t,
              apply: (state, newFiles, tx) => {
                const out = t.apply(state, newFiles, tx);
                writeExtras(tx);
                return out;
              },
            }
          : t,
      );
      recorded++;
      if (withExtras) extras = false;
    } catch (err) {
      // The live hook (or a concurrent catch-up) recorded it in the meantime.
      if (!(err instanceof AlreadyRecorded)) throw err;
    }
  }
  if (extras) await store.transact(at, writeExtras);
  return { recorded, bytes: scan.bytes };
}

function record(done: FinishedCall, open: OpenCall, opts: CatchUpOptions): Transition {
  const call: ToolCall = { tool: done.tool, input: done.input, cwd: open.cwd };
  const failed = done.isError;
  // When the call finished, not when it was caught up: the Stop gate orders edits and test runs by time.
  const now = opts.now();
  const ts = Math.min(now, Math.max(open.at, done.at ?? now));
  const t = postToolUseTransition(
    {
      event: failed ? 'PostToolUseFailure' : 'PostToolUse',
      sessionId: opts.sessionId,
      cwd: open.cwd,
      agentId: open.agentId,
      toolUseId: done.toolUseId,
      input: done.input,
    },
    call,
    effectsOf(call, opts.ctx),
    // A failure's toolUseResult is only the error text again; the live PostToolUseFailure has no response.
    failed ? undefined : done.response,
    ts,
    () => ts,
    failed ? done.text : null,
    'catch-up',
  );
  return {
    ...t,
    // No hook measured it.
    apply: (state, newFiles, tx) => {
      const out = t.apply(state, newFiles, tx);
      return { ...out, event: { ...out.event, durationMs: null } };
    },
  };
}
