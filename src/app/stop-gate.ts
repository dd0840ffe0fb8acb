// The acceptance gate on Stop, SubagentStop and TaskCompleted: run the checks that apply, read the
// final message against the evidence, and either let the stop happen or tell the agent what to fix.
// After `maxAttempts` blocks in a row it lets the stop happen and raises gate.exhausted (SEV2).
import type { CommandRunner } from '../adapters/exec/command.ts';
import { silentCompletion } from '../core/gates/claims.ts';
import { CHECK_EVENT, gatherEvidence } from '../core/gates/evidence.ts';
import {
  type CheckOutcome,
  failureLines,
  type GateVerdict,
  judgeStop,
  planChecks,
} from '../core/gates/stop.ts';
import type { AcceptanceCheck, StopKind } from '../core/gates/types.ts';
import type { Signal } from '../core/incidents/types.ts';
import type { Policy } from '../core/policy/types.ts';
import { redactText } from '../core/redact.ts';
import { newSession } from '../core/session/rules.ts';
import type { LedgerEvent } from '../core/session/types.ts';
import type { LedgerStore } from '../ports.ts';
import { type CheckContext, runCheck } from './checks.ts';
import { raiseSignals } from './incidents.ts';
import { CANARY_SESSION } from './signals.ts';
import { emptyEvent } from './transitions.ts';

export const ATTEMPTS_KIND = 'stopgate.attempts';

export interface StopEvent {
  event: 'Stop' | 'SubagentStop' | 'TaskCompleted';
  sessionId: string;
  cwd: string;
  agentId: string | null;
  agentType: string | null;
  taskId: string | null;
  taskSubject: string | null;
  stopHookActive: boolean;
  message: string;
}

export interface StopGateDeps {
  projectDir: string;
  policy: Policy;
  /** Checks compiled from the runbook's postconditions. */
  runbookChecks: readonly AcceptanceCheck[];
  store: LedgerStore;
  now: () => number;
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  /** Called before anything slow runs (the daemon tells its client to wait). */
  onWait?: () => void;
}

export interface StopGateResult {
  verdict: GateVerdict;
  outcomes: CheckOutcome[];
  /** Pages queued (gate.exhausted). */
  queued: number;
}

export function stopKindOf(e: StopEvent): StopKind {
  if (e.event === 'TaskCompleted') return { kind: 'task' };
  if (e.event === 'SubagentStop') return { kind: 'subagent', agentType: e.agentType ?? '' };
  return { kind: 'main' };
}

/** Attempts are counted per session and per agent: the main agent, each subagent, each task. */
function attemptKey(e: StopEvent): string {
  if (e.event === 'TaskCompleted') return `${e.sessionId}:task:${e.taskId ?? e.taskSubject ?? '?'}`;
  if (e.event === 'SubagentStop') return `${e.sessionId}:agent:${e.agentId ?? e.agentType ?? '?'}`;
  return `${e.sessionId}:main`;
}

function regexes(sources: readonly string[]): RegExp[] {
  return sources.map((s) => new RegExp(s));
}

export async function runStopGate(e: StopEvent, deps: StopGateDeps): Promise<StopGateResult> {
  const { policy, store } = deps;
  const settings = policy.acceptance;
  const stop = stopKindOf(e);
  const checks = [...settings.checks, ...(settings.runbookChecks ? deps.runbookChecks : [])];
  const commandChecks = checks.flatMap((c) => (c.kind === 'command' ? [c.run] : []));
  const agentId = e.event === 'SubagentStop' ? e.agentId : null;
  const events = await store.events({ sessionId: e.sessionId });
  const evidence = gatherEvidence(events, {
    agentId,
    testPatterns: regexes(settings.testCommands),
    testCommands: commandChecks,
  });
  const plan = planChecks(checks, stop, evidence);
  if (plan.some((p) => p.skip === null)) deps.onWait?.();
  const ctx: CheckContext = {
    projectDir: deps.projectDir,
    message: e.message,
    events,
    evidence,
    agentId,
    run: deps.run,
    env: deps.env,
  };
  const outcomes = await Promise.all(
    plan.map((p) =>
      p.skip === null
        ? runCheck(p.check, ctx, deps.now)
        : Promise.resolve<CheckOutcome>({
            id: p.check.id,
            kind: p.check.kind,
            status: 'skipped',
            detail: p.skip,
            tail: '',
            durationMs: 0,
          }),
    ),
  );

  let claimReason: string | null = null;
  if (settings.claims && e.event !== 'TaskCompleted' && e.message) {
    const failed = outcomes.filter((o) => o.status === 'failed');
    // A test check that passed just now outranks what the ledger remembers of earlier runs.
    const testsPassedNow = outcomes.some((o) => o.kind === 'command' && o.status !== 'failed');
    const red =
      evidence.lastTestRun && !evidence.lastTestRun.ok && !testsPassedNow ? evidence.lastTestRun : null;
    const sc = silentCompletion(
      e.message,
      {
        failedChecks: failed.map((o) => ({ name: o.id, tail: o.tail || o.detail })),
        verifiedSinceLastEdit: evidence.verifiedSinceLastEdit || testsPassedNow,
        editsMade: evidence.editsMade,
        testsRedAtLastRun: red ? { command: redactText(red.command), tail: red.tail } : null,
      },
      commandChecks[0] ? { testCommand: commandChecks[0] } : {},
    );
    // Failed checks already carry the evidence and the instruction; the claim then only adds its quote.
    if (sc.block)
      claimReason =
        failed.length === 0
          ? sc.reason
          : `Your final message says "${sc.claim.quote}", which the failing check${failed.length === 1 ? '' : 's'} above contradict${failed.length === 1 ? 's' : ''}.`;
  }

  const now = deps.now();
  // Each check's result is evidence of its own: the next stop skips what passed and nothing changed since.
  for (const o of outcomes)
    await store.commit({
      sessionId: e.sessionId,
      now,
      apply: (state) => ({
        state: state ?? newSession(e.sessionId, e.cwd, now),
        event: checkEvent(e, o, now),
        result: undefined,
      }),
    });
  const key = attemptKey(e);
  return store.commit({
    sessionId: e.sessionId,
    now,
    apply: (state, _newFiles, tx) => {
      const rec = tx.record<{ blocks: number }>(ATTEMPTS_KIND, key);
      // A stop that no stop hook caused starts a fresh run of attempts (a new turn). A task has no such flag.
      const attempts = e.stopHookActive || e.event === 'TaskCompleted' ? (rec?.data.blocks ?? 0) : 0;
      const verdict = judgeStop({ stop, outcomes, claimReason, attempts, maxAttempts: settings.maxAttempts });
      const blocks = verdict.action === 'block' ? verdict.attempt : 0;
      tx.putRecord({ kind: ATTEMPTS_KIND, id: key, createdAt: rec?.createdAt ?? now, data: { blocks } });
      let queued = 0;
      if (verdict.action === 'exhausted' && e.sessionId !== CANARY_SESSION)
        queued = raiseSignals(
          tx,
          [exhaustedSignal(e, deps.projectDir, verdict, outcomes, now)],
          policy.paging,
        ).queued;
      return {
        state: state ?? newSession(e.sessionId, e.cwd, now),
        event: gateEvent(e, verdict, now),
        result: { verdict, outcomes, queued },
      };
    },
  });
}

function checkEvent(e: StopEvent, o: CheckOutcome, at: number): LedgerEvent {
  return {
    ...emptyEvent({ ...e, event: CHECK_EVENT, tool: null, toolUseId: null }, at),
    // allow = passed, deny = failed, ask = skipped (it repeats an earlier pass).
    verdict: o.status === 'passed' ? 'allow' : o.status === 'failed' ? 'deny' : 'ask',
    rule: o.id,
    reason: redactText(`${o.detail}${o.tail ? `\n${o.tail}` : ''}`).slice(0, 4000),
    durationMs: o.durationMs,
  };
}

function gateEvent(e: StopEvent, v: GateVerdict, at: number): LedgerEvent {
  const base = emptyEvent({ ...e, tool: null, toolUseId: null }, at);
  if (v.action === 'allow') return { ...base, verdict: 'allow', rule: 'acceptance.passed', reason: v.note };
  if (v.action === 'block') return { ...base, verdict: 'deny', rule: 'acceptance.blocked', reason: v.reason };
  return { ...base, verdict: 'allow', rule: 'gate.exhausted', reason: `${v.message}\n${v.evidence}` };
}

function exhaustedSignal(
  e: StopEvent,
  project: string,
  v: Extract<GateVerdict, { action: 'exhausted' }>,
  outcomes: readonly CheckOutcome[],
  at: number,
): Signal {
  const who =
    e.event === 'SubagentStop'
      ? `subagent ${e.agentType ?? e.agentId ?? '?'}`
      : e.event === 'TaskCompleted'
        ? `task ${e.taskSubject ?? e.taskId ?? '?'}`
        : 'the agent';
  const failing = outcomes.filter((o) => o.status === 'failed').map((o) => o.id);
  return {
    kind: 'gate.exhausted',
    project,
    sessionId: e.sessionId,
    at,
    rule: 'gate.exhausted',
    key: e.event === 'Stop' ? 'main' : e.event === 'SubagentStop' ? `agent:${e.agentType ?? '?'}` : 'task',
    summary: `Acceptance gate exhausted: ${who} stopped with ${failing.length > 0 ? failing.join(', ') : 'an unsupported completion claim'} still failing`,
    details: {
      Who: who,
      Failing: failing.join(', ') || 'completion claim',
      Evidence: redactText(failureLines(outcomes) || v.evidence).slice(0, 1500),
    },
  };
}
