// `agent-sre hook <agent>`: one hook event in, one answer out. The agent's protocol (src/adapters/agents/)
// reads its input into Claude Code's vocabulary and writes each answer in that agent's own shape; everything
// between is the same for every agent. Every path ends in an answer; any failure is a refusal (fail closed)
// in the shape the agent honours, never an exit 1.

import { join } from 'node:path';
import { batchCalls, claudeProtocol, failureText, stopFields } from '../adapters/agents/claude/hook.ts';
import { type AgentProtocol, type HookAnswer, type HookEvent, SILENT } from '../adapters/agents/protocol.ts';
import type { CommandRunner } from '../adapters/exec/command.ts';
import { advanceCodexUsage } from '../adapters/transcripts/codex-usage.ts';
import { advanceGeminiUsage } from '../adapters/transcripts/gemini-usage.ts';
import type { Pricing } from '../core/cost/prices.ts';
import { effectsOf } from '../core/effects/tools.ts';
import {
  type BurstCall,
  type BurstLimit,
  type BurstThresholds,
  type BurstVerdict,
  judgeBurst,
} from '../core/gates/burst.ts';
import type { RunbookSettings } from '../core/gates/types.ts';
import { GUARD_BINDING_KIND, type GuardBinding, type GuardConfigNow } from '../core/guard/binding.ts';
import type { PagingSettings } from '../core/incidents/config.ts';
import { judgeEffects } from '../core/judge.ts';
import { compilePolicy } from '../core/policy/evaluate.ts';
import type { RunbookNow } from '../core/runbook/binding.ts';
import { AGENT_KIND, type SessionAgent } from '../core/session/agent.ts';
import { newSession } from '../core/session/rules.ts';
import type { SessionState } from '../core/session/types.ts';
import type { Decision, Effect, JudgeContext, ToolCall } from '../core/types.ts';
import type { LedgerStore, Transition } from '../ports.ts';
import { type Approval, awaitHumanAnswer } from './approvals.ts';
import { isCanary, judgeCanary } from './canary.ts';
import { catchUp } from './catch-up.ts';
import { createJudgeContext, type Environment } from './context.ts';
import { readNewUsage, withCost } from './cost.ts';
import { loadEffectivePolicy } from './effective-policy.ts';
import { guardConfigNow } from './guard-config.ts';
import { humanMacForHook, secretPath } from './human-mac.ts';
import { AlreadyRecorded, dropCalls, openCalls } from './open-calls.ts';
import type { LoadedPolicy } from './policy.ts';
import { hookProjectDir } from './project-root.ts';
import type { LoadedRunbook } from './runbook.ts';
import { describeInput } from './signals.ts';
import {
  BURST_KIND,
  BURST_RULE,
  bindGuardConfig,
  bindRunbook,
  burstKey,
  emptyEvent,
  type PendingBurst,
  postToolUseTransition,
  preToolUseTransition,
} from './transitions.ts';

export interface HookDeps {
  env: Environment;
  /** The project directory the agent named in its environment (CLAUDE_PROJECT_DIR, ...), when it did. */
  projectDir: string | undefined;
  now: () => number;
  openStore: (projectDir: string) => LedgerStore;
  /** Start delivering queued pages without waiting for them (a detached flusher). */
  startDelivery?: (projectDir: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** How often a waiting gate looks for an answer. */
  gatePollMs?: number;
  /** Called when the call starts waiting for a human (the daemon tells its client not to give up). */
  onWait?: () => void;
  /** The environment acceptance-check commands run in. */
  commandEnv?: NodeJS.ProcessEnv;
  /** Runs acceptance-check commands; the real one loads only when a stop needs it. */
  runCommand?: CommandRunner;
  /** The event, for agents whose input does not name it (`--event`; Copilot's camelCase hooks). */
  event?: string;
}

const STOP_EVENTS = new Set(['Stop', 'SubagentStop', 'TaskCompleted']);

export function runClaudeHook(stdin: string, deps: HookDeps): Promise<HookAnswer> {
  return runHook(claudeProtocol, stdin, deps);
}

export async function runHook(protocol: AgentProtocol, stdin: string, deps: HookDeps): Promise<HookAnswer> {
  const opts = deps.event ? { event: deps.event } : undefined;
  let event: HookEvent;
  try {
    event = protocol.parse(stdin, opts);
  } catch (err) {
    return protocol.failure(protocol.sniff(stdin, opts), (err as Error).message);
  }
  try {
    return await handle(event, protocol, deps);
  } catch (err) {
    return protocol.failure(event.event, (err as Error).message || String(err));
  }
}

/** A call's effects: the Claude-shaped calls its agent says it amounts to, or the call itself. */
function effectsFor(protocol: AgentProtocol, call: ToolCall, ctx: JudgeContext): Effect[] {
  const parts = protocol.expand?.(call);
  return parts ? parts.flatMap((c) => effectsOf(c, ctx)) : effectsOf(call, ctx);
}

/** The transition, also recording which agent the session runs in when it is not Claude Code. */
function withAgent<R>(e: HookEvent, t: Transition<R>): Transition<R> {
  const agent = e.agent;
  if (!agent || agent === 'claude') return t;
  return {
    ...t,
    apply: (state, newFiles, tx) => {
      const out = t.apply(state, newFiles, tx);
      if (!tx.record<SessionAgent>(AGENT_KIND, e.sessionId))
        tx.putRecord<SessionAgent>({
          kind: AGENT_KIND,
          id: e.sessionId,
          createdAt: out.event.ts,
          data: { agent },
        });
      return out;
    },
  };
}

async function handle(e: HookEvent, protocol: AgentProtocol, deps: HookDeps): Promise<HookAnswer> {
  const started = deps.now();
  const projectDir = hookProjectDir(deps.projectDir, e.cwd);
  if (!projectDir) throw new Error("neither the agent's project variable nor cwd tells where the project is");
  const effective = await loadEffectivePolicy(projectDir, projectDir, deps.env.home);
  const policy = effective.policy;
  const runbook = effective.runbook as LoadedRunbook;
  // Read only where it is bound or compared: PostToolUse and the gates do not pay for it.
  const guardNow = () => guardConfigNow(projectDir, join(deps.env.home, '.claude'));
  const ctx = createJudgeContext(projectDir, deps.env, policy.compiled.policy);
  const call: ToolCall | undefined = e.tool
    ? { tool: e.tool, input: e.input, cwd: e.cwd || projectDir }
    : undefined;

  if (e.event === 'PreToolUse' && call)
    return preToolUse(
      e,
      protocol,
      call,
      effectsFor(protocol, call, ctx),
      policy,
      deps,
      started,
      projectDir,
      runbook.now,
      guardNow(),
      ctx,
    );

  let store: LedgerStore;
  try {
    store = deps.openStore(projectDir);
  } catch (err) {
    throw new Error(`the ledger is unusable: ${(err as Error).message}`);
  }
  try {
    if ((e.event === 'PostToolUse' || e.event === 'PostToolUseFailure') && call) {
      const cost = await newUsage(store, e, protocol, policy.compiled.policy.pricing, started);
      try {
        await store.commit(
          withAgent(
            e,
            withCost(
              postToolUseTransition(
                e,
                call,
                effectsFor(protocol, call, ctx),
                e.response,
                started,
                deps.now,
                failureText(e),
              ),
              cost,
              started,
            ),
          ),
        );
      } catch (err) {
        // An async hook that arrives after the catch-up recorded its call from the transcript.
        if (!(err instanceof AlreadyRecorded)) throw err;
      }
      if (policy.compiled.policy.paging.team) deps.startDelivery?.(projectDir);
      return SILENT;
    }
    const pricing = policy.compiled.policy.pricing;
    if (STOP_EVENTS.has(e.event)) {
      // Before the gate reads the ledger: the edits and test runs of calls whose hooks never came count.
      await quietCatchUp(store, e, protocol, ctx, pricing, deps);
      return await stopGate(e, protocol, policy, runbook, store, deps, projectDir);
    }
    if (e.event === 'PostToolBatch' && protocol.batch)
      return await postToolBatch(e, protocol, policy, ctx, store, deps, started);
    if (e.event === 'SessionEnd') await quietCatchUp(store, e, protocol, ctx, pricing, deps);
    await store.commit(
      withAgent(e, {
        sessionId: e.sessionId,
        now: started,
        apply: (state, _newFiles, tx) => {
          let next: SessionState = state ?? newSession(e.sessionId, e.cwd, started);
          if (e.event === 'SessionEnd') next = { ...next, endedAt: started };
          if (e.event === 'SessionStart') {
            if (next.endedAt !== null) next = { ...next, endedAt: null };
            bindRunbook(tx, e.sessionId, runbook.now, started, 'session-start');
            bindGuardConfig(tx, e.sessionId, guardNow(), started, 'session-start');
          }
          return {
            state: next,
            event: { ...emptyEvent(e, started), durationMs: deps.now() - started },
            result: undefined,
          };
        },
      }),
    );
    if (e.event === 'SessionStart')
      return sessionStartAnswer(protocol, runbook, policy.compiled.policy.runbook);
    return SILENT;
  } finally {
    await store.close();
  }
}

/**
 * Record what the transcript says about calls whose PostToolUse hook never came. A transcript that cannot
 * be read (or a catch-up that fails) is no reason to refuse anything: what is missing is caught up at the
 * next opportunity, and the caller's own transaction still finds the ledger unusable if it is.
 */
async function quietCatchUp(
  store: LedgerStore,
  e: HookEvent,
  protocol: AgentProtocol,
  ctx: JudgeContext,
  pricing: Pricing,
  deps: HookDeps,
): Promise<void> {
  // Only Claude Code's transcript says which calls finished; the other agents post every call themselves.
  if (protocol.transcript !== 'claude') return;
  try {
    await catchUp(store, {
      sessionId: e.sessionId,
      transcriptPath: e.transcriptPath,
      ctx,
      pricing,
      now: deps.now,
    });
  } catch {
    // See above.
  }
}

/** The turn a hook input belongs to (Claude Code's `prompt_id`), when it says. */
function promptIdOf(e: HookEvent): string | null {
  const id = e.raw.prompt_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * What the session's transcript gained since the last call, for the cost budgets. The transcript is the
 * agent's internal file (Claude Code's transcript, Codex's rollout, Gemini's chat file), written
 * asynchronously: when it cannot be read, the call that already ran is still recorded, and the next call
 * reads on from the same place.
 * An agent whose transcript holds no usage agent-sre can read (Cursor, Copilot) has no cost.
 */
async function newUsage(
  store: LedgerStore,
  e: HookEvent,
  protocol: AgentProtocol,
  pricing: Pricing,
  at: number,
) {
  if (protocol.transcript === null) return null;
  try {
    const reader = { codex: advanceCodexUsage, gemini: advanceGeminiUsage, claude: undefined }[
      protocol.transcript
    ];
    return await readNewUsage(store, e.sessionId, e.transcriptPath, pricing, at, reader);
  } catch {
    return null;
  }
}

/** What the agent starts with: the runbook's digest, or why its writes will need a human. */
function sessionStartAnswer(
  protocol: AgentProtocol,
  runbook: LoadedRunbook,
  settings: RunbookSettings,
): HookAnswer {
  const answerSessionStart = protocol.sessionStart;
  const { now, compiled } = runbook;
  const gated = settings.missingTier > 2 ? ' Until then every write needs a human to approve it.' : '';
  if (now.hash === null)
    return answerSessionStart(
      `agent-sre: this project has no runbook (AGENTS.md or CLAUDE.md).${gated}`,
      'agent-sre: no AGENTS.md or CLAUDE.md; run `agent-sre init` to scaffold one.',
    );
  const failing =
    now.errors > 0
      ? `\nThe runbook fails lint (${now.errors} error${now.errors === 1 ? '' : 's'}; first: ${now.firstError}).${gated}`
      : '';
  const digest = compiled?.digest ?? '';
  return answerSessionStart(`${digest}${failing}`.trim() || null, null);
}

async function preToolUse(
  e: HookEvent,
  protocol: AgentProtocol,
  call: ToolCall,
  effects: Effect[],
  policy: LoadedPolicy,
  deps: HookDeps,
  started: number,
  projectDir: string,
  runbook: RunbookNow,
  guard: GuardConfigNow,
  ctx: JudgeContext,
): Promise<HookAnswer> {
  const compiled = policy.compiled;
  // Without the ledger there is no session state: judge the call on its own, so a tier-4 call keeps its
  // own rule and reason, and refuse it whatever its tier.
  const answerPreToolUse = protocol.preToolUse;
  const refuse = (err: unknown) =>
    answerPreToolUse(ledgerDown(judgeEffects(call, effects, compiled, undefined), err), {
      explicitAllow: false,
    });
  let store: LedgerStore;
  try {
    store = deps.openStore(projectDir);
  } catch (err) {
    return refuse(err);
  }
  if (isCanary(e.sessionId))
    try {
      const decision = await judgeCanary(call, effects, compiled, store, started);
      return answerPreToolUse(decision, { explicitAllow: compiled.policy.explicitAllow });
    } catch (err) {
      return refuse(err);
    } finally {
      await store.close().catch(() => undefined);
    }
  try {
    const seen = await store.transact(
      started,
      (tx) => ({
        bound: tx.record<GuardBinding>(GUARD_BINDING_KIND, e.sessionId),
        open: Object.keys(openCalls(tx, e.sessionId)?.calls ?? {}).length,
      }),
      { readonly: true },
    );
    // Calls let through earlier have no PostToolUse yet (async hooks still running or cancelled): what the
    // transcript already says they did counts against the budgets this call is judged by.
    if (seen.open > 0) await quietCatchUp(store, e, protocol, ctx, compiled.policy.pricing, deps);
    const floor = await guardFloor(seen.bound?.data, guard, call, effects, deps.env.home);
    const pre = await store.commit(
      withAgent(
        e,
        preToolUseTransition(e, call, effects, compiled, started, deps.now, {
          project: projectDir,
          gateWait: true,
          runbook,
          guard: { now: guard, ...(floor ? { floor } : {}) },
          burst: { promptId: promptIdOf(e) },
        }),
      ),
    );
    // Team mode: the flusher also ships this event (one stat of its lock when one is already running).
    if (pre.queued > 0 || compiled.policy.paging.team) deps.startDelivery?.(projectDir);
    const { state } = pre;
    let decision = pre.decision;
    if (pre.approval) {
      deps.onWait?.();
      decision = await awaitApproval(
        pre.approval,
        pre.decision,
        store,
        deps,
        compiled.policy.paging,
        projectDir,
      );
      await recordGateAnswer(store, e, call, decision, deps.now());
    }
    const stopReason =
      state.status === 'terminated'
        ? `agent-sre terminated this session after ${state.totalDenials} denied actions. Review it with \`agent-sre sessions\`.`
        : undefined;
    return answerPreToolUse(decision, {
      explicitAllow: compiled.policy.explicitAllow,
      sayAllow: decision.rule === 'gate.approved',
      ...(stopReason ? { stopReason } : {}),
    });
  } catch (err) {
    return refuse(err);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** After a parallel burst: judge the batch as a whole and stop the loop when it is too big. */
async function postToolBatch(
  e: HookEvent,
  protocol: AgentProtocol,
  policy: LoadedPolicy,
  ctx: JudgeContext,
  store: LedgerStore,
  deps: HookDeps,
  started: number,
): Promise<HookAnswer> {
  const settings = policy.compiled.policy.burst;
  // A call refused at PreToolUse did not run: the model was told why, and counting it here as a tier-4
  // call in a burst would stop the loop before the model could act on that reason (or escalate).
  const refused = await refusedCalls(store, e.sessionId, batchCalls(e).length);
  const ran = batchCalls(e).filter((c) => c.toolUseId === null || !refused.has(c.toolUseId));
  const calls = ran.map((c): BurstCall => {
    const call: ToolCall = { tool: c.tool, input: c.input, cwd: e.cwd || ctx.projectDir };
    const effects = effectsFor(protocol, call, ctx);
    const d = judgeEffects(call, effects, policy.compiled, undefined);
    return { tool: c.tool, summary: describeInput(call), effects, tier: d.tier, rule: d.rule };
  });
  const verdict = settings.enabled ? judgeBurst(calls, settings) : null;
  await store.commit({
    sessionId: e.sessionId,
    now: started,
    apply: (state, _newFiles, tx) => {
      if (verdict?.block) {
        // Async (the default layout) this answer cannot stop the loop: the agent's next call in this turn is
        // refused instead (transitions.ts, takeBurst). Synchronously it stops the loop, and the next call
        // comes with a new prompt and is not refused.
        const key = burstKey(e.sessionId, e.agentId);
        const prev = tx.record<PendingBurst>(BURST_KIND, key);
        tx.putRecord<PendingBurst>({
          kind: BURST_KIND,
          id: key,
          createdAt: prev?.createdAt ?? started,
          data: {
            promptId: promptIdOf(e),
            at: started,
            message: burstMessage(verdict, settings),
            consumed: false,
          },
        });
      }
      return {
        state: state ?? newSession(e.sessionId, e.cwd, started),
        event: {
          ...emptyEvent(e, started),
          verdict: verdict?.block ? 'deny' : 'allow',
          rule: verdict?.block ? 'burst.throttle' : null,
          reason: verdict?.block
            ? verdict.reason
            : `${calls.length} call${calls.length === 1 ? '' : 's'} in the batch`,
          durationMs: deps.now() - started,
        },
        result: undefined,
      };
    },
  });
  const answerBatch = protocol.batch ?? (() => SILENT);
  return answerBatch(verdict?.block ? `agent-sre (${BURST_RULE}): ${verdict.reason}` : null);
}

/**
 * What the refused call tells the model: why a call that is harmless on its own did not run, that the
 * batch before it did, and what to do instead.
 */
function burstMessage(verdict: BurstVerdict, t: BurstThresholds): string {
  const s = verdict.stats;
  const facts: Record<BurstLimit, string> = {
    calls: `${s.calls} tool calls (limit ${t.maxCalls})`,
    writes: `${s.writes} writes or deletes (limit ${t.maxWrites})`,
    files: `${s.files} files written or deleted (limit ${t.maxFiles})`,
    external: `${s.external} external calls (limit ${t.maxExternal})`,
    tier: `calls above tier ${t.maxTier}: ${s.tierCalls.slice(0, 3).join('; ')}`,
  };
  const over = verdict.exceeded.map((x) => facts[x]).join('; ');
  const tierOnly = verdict.exceeded.length === 1 && verdict.exceeded[0] === 'tier';
  const next = tierOnly
    ? 'Do not retry those calls in another batch: explain to the human what you were trying to do and wait for their answer.'
    : 'Slow down: work in smaller steps (a few calls at a time) and check each result before the next; this call may be retried on its own. If this many changes at once is intended, stop and ask a human.';
  return `This call did not run. Your previous parallel batch of ${s.calls} tool call${s.calls === 1 ? '' : 's'} went over agent-sre's burst limits (${over}); those calls had already run. ${next}`;
}

/** Tool use ids the session's recent PreToolUse events refused. */
async function refusedCalls(store: LedgerStore, sessionId: string, batch: number): Promise<Set<string>> {
  // Each call of the batch left a PreToolUse and a Post event (more with a gate answer): a window a few
  // times the batch covers it; an older refusal with the same id cannot exist.
  const recent = await store.events({ sessionId, limit: batch * 4 + 16 });
  return new Set(
    recent
      .filter(
        (ev) =>
          (ev.event === 'PreToolUse' || ev.event === 'gate.answer') &&
          ev.verdict === 'deny' &&
          ev.toolUseId !== null,
      )
      .map((ev) => ev.toolUseId as string),
  );
}

async function stopGate(
  e: HookEvent,
  protocol: AgentProtocol,
  policy: LoadedPolicy,
  runbook: LoadedRunbook,
  store: LedgerStore,
  deps: HookDeps,
  projectDir: string,
): Promise<HookAnswer> {
  // Loaded here so the tool-call path never pays for child_process and the check runners.
  const { runStopGate } = await import('./stop-gate.ts');
  const run = deps.runCommand ?? (await import('../adapters/exec/command.ts')).runCommand;
  const r = await runStopGate(
    { ...stopFields(e), event: e.event as 'Stop', sessionId: e.sessionId, cwd: e.cwd, agentId: e.agentId },
    {
      projectDir,
      policy: policy.compiled.policy,
      runbookChecks: runbook.compiled?.checks ?? [],
      store,
      now: deps.now,
      run,
      env: deps.commandEnv ?? {},
      ...(deps.onWait ? { onWait: deps.onWait } : {}),
    },
  );
  if (r.queued > 0) deps.startDelivery?.(projectDir);
  return protocol.stop(e.event, r.verdict);
}

/**
 * When the guard's configuration changed under this session, the call is also judged by the embedded
 * default policy: a weakened agent-sre.yaml must not be what decides while a human has not reviewed it.
 * Costs one read of the binding per call; the default policy loads only in that rare state.
 */
async function guardFloor(
  bound: GuardBinding | undefined,
  guard: GuardConfigNow,
  call: ToolCall,
  effects: Effect[],
  home: string,
): Promise<Decision | undefined> {
  if (!bound || bound.hash === guard.hash) return undefined;
  const { loadPolicy } = await import('../config/load.ts');
  const defaults = loadPolicy(undefined, '<embedded default policy>');
  if (!defaults.ok) throw new Error('the embedded default policy is invalid');
  return judgeEffects(call, effects, compilePolicy(defaults.policy, home), undefined);
}

function ledgerDown(decision: Decision, err: unknown): Decision {
  // A ledger truncated, replaced or unlinked is an incident a human must look at, not a broken state
  // directory: its own message says what happened and what the human runs (by name: no import of the store).
  const name = (err as Error)?.name;
  if (name === 'LedgerHoldError' || name === 'LedgerIntegrityError') {
    const why = `agent-sre refused because ${(err as Error).message}`;
    if (decision.tier === 4) return { ...decision, reason: `${decision.reason} Also: ${why}` };
    return {
      ...decision,
      tier: 4,
      verdict: 'deny',
      rule: 'ledger.hold',
      reason: `${why} Stop and tell the human.`,
    };
  }
  const why = `the evidence ledger could not be written (${(err as Error).message}); nothing runs unrecorded.`;
  if (decision.tier === 4) return { ...decision, reason: `${decision.reason} Also: ${why}` };
  return {
    ...decision,
    tier: 4,
    verdict: 'deny',
    rule: 'ledger.unavailable',
    reason: `agent-sre refused because ${why} Fix the state directory (.agent-sre/) or run \`agent-sre doctor\`.`,
  };
}

/** `wait` mode: hold the call until a human's signed answer is in the ledger, or deny it when time runs out. */
async function awaitApproval(
  approval: Approval,
  decision: Decision,
  store: LedgerStore,
  deps: HookDeps,
  paging: PagingSettings,
  projectDir: string,
): Promise<Decision> {
  // The MAC check requires node:crypto on its first use, here: no ordinary tool call pays for it.
  return awaitHumanAnswer(approval, decision, store, {
    now: deps.now,
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    pollMs: deps.gatePollMs ?? 250,
    paging,
    mac: () => humanMacForHook(process.env),
    secretPath: secretPath(process.env),
    startDelivery: () => deps.startDelivery?.(projectDir),
  });
}

/** The gate's final word goes into the ledger next to the call it answered. */
async function recordGateAnswer(store: LedgerStore, e: HookEvent, call: ToolCall, d: Decision, at: number) {
  await store.commit({
    sessionId: e.sessionId,
    now: at,
    apply: (state, _newFiles, tx) => {
      // A call the human refused never runs, so no PostToolUse will come for it.
      if (d.verdict === 'deny' && e.toolUseId) dropCalls(tx, e.sessionId, [e.toolUseId], at);
      return {
        state: state ?? newSession(e.sessionId, e.cwd, at),
        event: {
          ...emptyEvent({ ...e, event: 'gate.answer', tool: call.tool }, at),
          tier: d.tier,
          verdict: d.verdict,
          rule: d.rule,
          reason: d.reason,
        },
        result: undefined,
      };
    },
  });
}
