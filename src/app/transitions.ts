// The two ledger transitions of a tool call, shared by the live hook and shadow-mode replay.
import { judgeEffects } from '../core/judge.ts';
import type { CompiledPolicy } from '../core/policy/evaluate.ts';
import { redactedJson } from '../core/redact.ts';
import { addUsage, countVerdict, newSession, usageOf } from '../core/session/rules.ts';
import type { LedgerEvent, SessionState } from '../core/session/types.ts';
import type { Decision, Effect, ToolCall } from '../core/types.ts';
import type { Transition } from '../ports.ts';

export interface CallEvent {
  event: string;
  sessionId: string;
  cwd: string;
  agentId: string | null;
  toolUseId: string | null;
  input: unknown;
}

export function emptyEvent(e: Omit<CallEvent, 'input'> & { tool: string | null }, ts: number): LedgerEvent {
  return {
    v: 1,
    ts,
    sessionId: e.sessionId,
    event: e.event,
    tool: e.tool,
    toolUseId: e.toolUseId,
    agentId: e.agentId,
    tier: null,
    verdict: null,
    rule: null,
    reason: null,
    effects: [],
    durationMs: null,
    input: null,
  };
}

/** Judge a call against the session as it stands inside the write transaction, and count the verdict. */
export function preToolUseTransition(
  e: CallEvent,
  call: ToolCall,
  effects: Effect[],
  compiled: CompiledPolicy,
  started: number,
  now: () => number,
): Transition<{ decision: Decision; state: SessionState }> {
  return {
    sessionId: e.sessionId,
    apply: (prev) => {
      const before = prev ?? newSession(e.sessionId, e.cwd, started);
      const decision = judgeEffects(call, effects, compiled, before);
      const { state } = countVerdict(before, decision, compiled.policy.denials);
      const event: LedgerEvent = {
        ...emptyEvent({ ...e, tool: call.tool }, started),
        tier: decision.tier,
        verdict: decision.verdict,
        rule: decision.rule,
        reason: decision.reason,
        effects,
        input: redactedJson(e.input),
        durationMs: now() - started,
      };
      return { state, event, result: { decision, state } };
    },
  };
}

/** Account for a call that ran: budgets grow by what it touched. */
export function postToolUseTransition(
  e: CallEvent,
  call: ToolCall,
  effects: Effect[],
  response: unknown,
  started: number,
  now: () => number,
): Transition<SessionState> {
  const { delta, files } = usageOf(call.tool, call.input, response, effects);
  return {
    sessionId: e.sessionId,
    files,
    apply: (state, newFiles) => {
      const next = addUsage(state ?? newSession(e.sessionId, e.cwd, started), delta, newFiles);
      return {
        state: next,
        event: {
          ...emptyEvent({ ...e, tool: call.tool }, started),
          effects,
          input: redactedJson(e.input),
          durationMs: now() - started,
        },
        result: next,
      };
    },
  };
}
