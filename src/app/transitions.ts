// The two ledger transitions of a tool call, shared by the live hook and shadow-mode replay.
import {
  GUARD_BINDING_KIND,
  type GuardBinding,
  type GuardConfigNow,
  gateByGuardConfig,
} from '../core/guard/binding.ts';
import type { Incident } from '../core/incidents/types.ts';
import { judgeEffects } from '../core/judge.ts';
import { outputTail } from '../core/output-tail.ts';
import type { CompiledPolicy } from '../core/policy/evaluate.ts';
import { redactedJson } from '../core/redact.ts';
import {
  BINDING_KIND,
  gateByRunbook,
  type RunbookBinding,
  type RunbookNow,
  runbookStatus,
} from '../core/runbook/binding.ts';
import {
  addUsage,
  countVerdict,
  newSession,
  pendingOf,
  usageOf,
  withPendingUsage,
} from '../core/session/rules.ts';
import type { LedgerEvent, SessionState } from '../core/session/types.ts';
import type { Decision, Effect, ToolCall } from '../core/types.ts';
import type { LedgerTx, Transition } from '../ports.ts';
import { type Approval, requestApproval } from './approvals.ts';
import { spendOf } from './cost.ts';
import { raiseSignals } from './incidents.ts';
import { AlreadyRecorded, openCall, openCalls, pendingUsage, settleCall } from './open-calls.ts';
import { signalsOf } from './signals.ts';

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

export interface PreToolUseResult {
  decision: Decision;
  state: SessionState;
  /** The approval request a tier-3 call opened in `wait` mode. */
  approval: Approval | null;
  /** Pages queued for delivery by this call. */
  queued: number;
}

/**
 * The runbook this session is bound to. The first time the session is seen (SessionStart, or its first
 * tool call when SessionStart never reached us), the runbook as it is now becomes the binding.
 */
export function bindRunbook(
  tx: LedgerTx,
  sessionId: string,
  now: RunbookNow,
  at: number,
  via: RunbookBinding['via'],
): RunbookBinding {
  const rec = tx.record<RunbookBinding>(BINDING_KIND, sessionId);
  if (rec) return rec.data;
  const binding: RunbookBinding = { hash: now.hash, boundAt: at, via };
  tx.putRecord({ kind: BINDING_KIND, id: sessionId, createdAt: at, data: binding });
  return binding;
}

/** The guard configuration this session is bound to; bound the first time the session is seen, like the runbook. */
export function bindGuardConfig(
  tx: LedgerTx,
  sessionId: string,
  now: GuardConfigNow,
  at: number,
  via: GuardBinding['via'],
): GuardBinding {
  const rec = tx.record<GuardBinding>(GUARD_BINDING_KIND, sessionId);
  if (rec && via !== 'resume') return rec.data;
  const binding: GuardBinding = { hash: now.hash, boundAt: at, via };
  tx.putRecord({ kind: GUARD_BINDING_KIND, id: sessionId, createdAt: rec?.createdAt ?? at, data: binding });
  return binding;
}

/** How the hook sees the guard's configuration for one call. */
export interface GuardView {
  now: GuardConfigNow;
  /** The same call judged by the embedded default policy, when the configuration changed under the session. */
  floor?: Decision;
}

/**
 * The denial that escalates or ends a session tells the model so, with the incident a human was paged
 * for: a reason that reads like the previous two would invite a fourth way around the same refusal.
 */
export function withStanding(
  decision: Decision,
  state: SessionState,
  incidents: readonly Incident[],
): Decision {
  const kind =
    state.status === 'terminated'
      ? 'session.terminated'
      : state.status === 'escalated'
        ? 'session.escalated'
        : null;
  const inc = kind ? incidents.find((i) => i.source.kind === kind) : undefined;
  if (!inc) return decision;
  const paged = inc.pagedChannels.length > 0 ? `paged through ${inc.pagedChannels.join(', ')}` : 'recorded';
  const what =
    kind === 'session.terminated'
      ? `agent-sre has now ended this session (${state.totalDenials} denied actions); a human was ${paged} as ${inc.id}. Stop working: report what you were doing and why these actions were refused.`
      : `That makes ${state.consecutiveDenials} refusals in a row, so agent-sre escalated this session to a human (${inc.id}, ${paged}). Do not look for another way to do this: stop, explain what you were trying to do and why, and wait for the human. Until they resume the session (\`agent-sre session resume ${state.sessionId}\`), every action above tier 1 needs their approval.`;
  return { ...decision, reason: `${decision.reason} ${what}` };
}

/** `deny` mode: a tier-3 call that would need a human is refused instead (and counts as a denial). */
export function applyGateMode(decision: Decision, compiled: CompiledPolicy): Decision {
  if (compiled.policy.paging.gate.mode !== 'deny' || decision.verdict !== 'ask') return decision;
  return {
    ...decision,
    verdict: 'deny',
    reason: `${decision.reason} (gate.mode is deny: tier-3 actions are refused rather than put to a human.)`,
  };
}

/**
 * Judge a call against the session as it stands inside the write transaction, count the verdict, and
 * raise what it signals. `project` is where incidents are filed; `gateWait` opens approval requests for
 * tier-3 calls when the policy's gate mode is `wait` (replay never waits).
 */
export function preToolUseTransition(
  e: CallEvent,
  call: ToolCall,
  effects: Effect[],
  compiled: CompiledPolicy,
  started: number,
  now: () => number,
  opts: {
    project: string;
    gateWait: boolean;
    runbook?: RunbookNow;
    guard?: GuardView;
    /** The live hook: a burst verdict PostToolBatch could not enforce is enforced on this call. */
    burst?: { promptId: string | null };
  },
): Transition<PreToolUseResult> {
  const paging = compiled.policy.paging;
  return {
    sessionId: e.sessionId,
    now: started,
    apply: (prev, _newFiles, tx) => {
      const eventOf = (d: Decision): LedgerEvent => ({
        ...emptyEvent({ ...e, tool: call.tool }, started),
        tier: d.tier,
        verdict: d.verdict,
        rule: d.rule,
        reason: d.reason,
        effects,
        input: redactedJson(e.input),
        durationMs: now() - started,
      });
      const before = prev ?? newSession(e.sessionId, e.cwd, started);
      const burst = opts.burst ? takeBurst(tx, e.sessionId, e.agentId, opts.burst.promptId) : null;
      // Budgets see the calls already let through whose PostToolUse the transcript has not delivered yet.
      const asBudgeted = withPendingUsage(before, pendingUsage(openCalls(tx, e.sessionId)));
      let judged = judgeEffects(
        call,
        effects,
        compiled,
        asBudgeted,
        spendOf(tx, e.sessionId, started, compiled.policy.paging.team !== undefined),
      );
      if (opts.runbook) {
        const bound = bindRunbook(tx, e.sessionId, opts.runbook, started, 'first-call');
        judged = gateByRunbook(
          judged,
          runbookStatus(opts.runbook, bound),
          compiled.policy.runbook,
          e.sessionId,
        );
      }
      if (opts.guard) {
        const bound = bindGuardConfig(tx, e.sessionId, opts.guard.now, started, 'first-call');
        judged = gateByGuardConfig(judged, opts.guard.now, bound, e.sessionId, opts.guard.floor);
      }
      const gated = applyGateMode(judged, compiled);
      if (burst && gated.verdict !== 'deny') {
        // Pacing, not a forbidden action: not counted as a denial, and nobody is paged for it.
        const decision: Decision = {
          ...gated,
          verdict: 'deny',
          rule: BURST_RULE,
          reason: burst.message,
        };
        return {
          state: before,
          event: eventOf(decision),
          result: { decision, state: before, approval: null, queued: 0 },
        };
      }
      const counted = countVerdict(before, gated, compiled.policy.denials);
      const { state } = counted;
      const ctx = { project: opts.project, sessionId: e.sessionId, call, decision: gated, at: started };
      const raised = raiseSignals(tx, signalsOf(ctx, counted.signals), paging);
      let queued = raised.queued;
      const standing = withStanding(gated, state, raised.incidents);
      const decision = burst
        ? { ...standing, reason: `${standing.reason} Also: ${burst.message}` }
        : standing;
      let approval: Approval | null = null;
      if (opts.gateWait && paging.gate.mode === 'wait' && decision.verdict === 'ask') {
        const r = requestApproval(tx, ctx, paging);
        approval = r.approval;
        queued += r.queued;
      }
      if (decision.verdict !== 'deny' && e.toolUseId)
        openCall(tx, e.sessionId, e.toolUseId, {
          at: started,
          tool: call.tool,
          cwd: call.cwd,
          agentId: e.agentId,
          ...pendingOf(effects),
        });
      return { state, event: eventOf(decision), result: { decision, state, approval, queued } };
    },
  };
}

const FAILURE_TAIL = 1500;

/**
 * The tool input, plus the commit, push or PR that Claude Code reports in `tool_response.gitOperation`:
 * the only part of a response the ledger keeps, so `evidence` and `report` know the agent's commits even
 * where `git log` cannot be read.
 */
function withGitOperation(input: unknown, response: unknown): unknown {
  const op = (response as { gitOperation?: unknown } | null)?.gitOperation;
  if (!op || typeof op !== 'object' || !input || typeof input !== 'object' || Array.isArray(input))
    return input;
  return { ...input, gitOperation: op };
}

/** Account for a call that ran: budgets grow by what it touched. */
export function postToolUseTransition(
  e: CallEvent,
  call: ToolCall,
  effects: Effect[],
  response: unknown,
  started: number,
  now: () => number,
  /** PostToolUseFailure's error text: its end is kept as evidence (a red test run). */
  failure: string | null = null,
  /**
   * `live`: the hook's own event. `catch-up`: read back from the transcript because the hook never came.
   * Either way a call is counted once: the other one finds it recorded and the transaction is dropped
   * (AlreadyRecorded).
   */
  via: 'live' | 'catch-up' = 'live',
): Transition<SessionState> {
  const { delta, files } = usageOf(call.tool, call.input, response, effects);
  return {
    sessionId: e.sessionId,
    now: started,
    files,
    apply: (state, newFiles, tx) => {
      if (e.toolUseId && settleCall(tx, e.sessionId, e.toolUseId, via, started) === 'duplicate')
        throw new AlreadyRecorded(`${e.toolUseId} is already recorded`);
      const next = addUsage(state ?? newSession(e.sessionId, e.cwd, started), delta, newFiles);
      return {
        state: next,
        event: {
          ...emptyEvent({ ...e, tool: call.tool }, started),
          effects,
          input: redactedJson(withGitOperation(e.input, response)),
          reason: failure === null ? null : outputTail(failure, FAILURE_TAIL),
          durationMs: now() - started,
        },
        result: next,
      };
    },
  };
}

export const BURST_RULE = 'burst.throttle';
export const BURST_KIND = 'burst.pending';

/**
 * A burst PostToolBatch judged too big. A synchronous PostToolBatch stops the loop with its answer; an async
 * one (the default layout) cannot, so the verdict waits here for the agent's next PreToolUse.
 */
export interface PendingBurst {
  /** The turn the batch belonged to (`prompt_id`), or null when the client did not say. */
  promptId: string | null;
  at: number;
  /** What the refused call tells the model. */
  message: string;
  consumed: boolean;
}

/** One per agent: a subagent's burst is enforced on that subagent, not on the main agent. */
export const burstKey = (sessionId: string, agentId: string | null) => `${sessionId}/${agentId ?? 'main'}`;

/**
 * The pending burst verdict this call must enforce, consumed either way. Enforced only within the same turn
 * (`prompt_id`): a synchronous PostToolBatch already stopped the loop, so a call that comes with a new
 * prompt is the human's next instruction and is not refused for what the loop was stopped for. Without a
 * prompt_id on either side it cannot be told apart, and the refusal stands (fail closed: at worst one
 * extra refusal whose message says why).
 */
function takeBurst(
  tx: LedgerTx,
  sessionId: string,
  agentId: string | null,
  promptId: string | null,
): PendingBurst | null {
  const rec = tx.record<PendingBurst>(BURST_KIND, burstKey(sessionId, agentId));
  if (!rec || rec.data.consumed) return null;
  tx.putRecord<PendingBurst>({ ...rec, data: { ...rec.data, consumed: true } });
  if (promptId !== null && rec.data.promptId !== null && promptId !== rec.data.promptId) return null;
  return rec.data;
}
