// Shadow mode: a recorded session runs through the same pipeline as the live hook, against an
// in-memory ledger. Nothing is written, nothing runs.
import { createMemoryStore } from '../adapters/store/memory.ts';
import { parseReplayLines, type ReplayItem } from '../adapters/transcripts/claude.ts';
import { applyEdits, editsOf } from '../core/effects/edits.ts';
import { effectsOf } from '../core/effects/tools.ts';
import type { Incident } from '../core/incidents/types.ts';
import type { SessionState } from '../core/session/types.ts';
import type { Decision } from '../core/types.ts';
import { createJudgeContext, type Environment } from './context.ts';
import type { EffectivePolicy } from './effective-policy.ts';
import { postToolUseTransition, preToolUseTransition } from './transitions.ts';

export interface ReplayRow {
  item: ReplayItem;
  decision: Decision;
  session: SessionState;
}

export interface ReplayResult {
  rows: ReplayRow[];
  skipped: number;
  format: string;
  /** The incidents the session would have raised (and paged), in order. */
  incidents: Incident[];
}

/** Guess the recorded user's home from a cwd like /home/dev/x or /Users/dev/x. */
export function homeFromCwd(cwd: string): string | undefined {
  return /^(\/home\/[^/]+|\/Users\/[^/]+|\/root)(\/|$)/.exec(cwd)?.[1];
}

export async function replayLines(
  lines: Iterable<string>,
  effective: EffectivePolicy,
  env: Environment,
  opts: {
    projectDir?: string;
    readScript?: (p: string) => string | undefined;
    /**
     * Files the recordings wrote, by absolute path. Pass one map to several calls to replay sessions
     * in order: a script written in one session and run in the next is judged by what was written.
     */
    written?: Map<string, string>;
  } = {},
): Promise<ReplayResult> {
  const { policy, runbook } = effective;
  const parsed = parseReplayLines(lines);
  const store = createMemoryStore();
  const rows: ReplayRow[] = [];
  let clock = 0;
  const now = () => clock;
  // Files the recording wrote are read back from the recording itself: the disk here is not the
  // disk that session ran on.
  const written = opts.written ?? new Map<string, string>();
  const readScript = (p: string) => written.get(p) ?? opts.readScript?.(p);
  for (const item of parsed.items) {
    clock = item.timestamp ? Date.parse(item.timestamp) || clock + 1 : clock + 1;
    const projectDir = opts.projectDir ?? (parsed.items[0]?.cwd || item.cwd || '/');
    const ctx = createJudgeContext(projectDir, env, policy.compiled.policy, readScript);
    const call = { tool: item.tool, input: item.input, cwd: item.cwd || projectDir };
    const e = {
      event: 'PreToolUse',
      sessionId: item.sessionId || 'replay',
      cwd: call.cwd,
      agentId: item.agentId,
      toolUseId: item.toolUseId,
      input: item.input,
    };
    const effects = effectsOf(call, ctx);
    const { decision, state } = await store.commit(
      preToolUseTransition(e, call, effects, policy.compiled, clock, now, {
        project: projectDir,
        gateWait: false,
        ...(runbook ? { runbook: runbook.now } : {}),
      }),
    );
    let session = state;
    // In the recording the call ran unless we would have refused it: count what it would have used.
    if (decision.verdict !== 'deny')
      session = await store.commit(
        postToolUseTransition({ ...e, event: 'PostToolUse' }, call, effects, undefined, clock, now),
      );
    rows.push({ item, decision, session });
    if (decision.verdict !== 'deny') remember(written, readScript, item.tool, item.input);
  }
  const incidents = await store.transact(clock, (tx) => tx.incidents());
  return { rows, skipped: parsed.skipped, format: parsed.format, incidents };
}

/** What a Write, Edit or MultiEdit that ran left in its file; an edit that no longer applies forgets it. */
function remember(
  written: Map<string, string>,
  read: (p: string) => string | undefined,
  tool: string,
  raw: unknown,
): void {
  const input = (raw ?? {}) as Record<string, unknown>;
  const path = input.file_path;
  if (typeof path !== 'string') return;
  if (tool === 'Write') {
    if (typeof input.content === 'string') written.set(path, input.content);
    return;
  }
  if (tool !== 'Edit' && tool !== 'MultiEdit') return;
  const before = read(path);
  const after = before === undefined ? undefined : applyEdits(before, editsOf(tool, input));
  if (after === undefined) written.delete(path);
  else written.set(path, after);
}
