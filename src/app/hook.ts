// `agent-sre hook claude`: one hook event in, one answer out. Every path ends in an answer; any
// failure is a refusal (fail closed), never an exit 1.
import {
  answerFailure,
  answerPreToolUse,
  answerSilently,
  type HookAnswer,
  type HookEvent,
  parseClaudeInput,
  sniffEvent,
} from '../adapters/agents/claude/hook.ts';
import { effectsOf } from '../core/effects/tools.ts';
import { judgeEffects } from '../core/judge.ts';
import { newSession } from '../core/session/rules.ts';
import type { SessionState } from '../core/session/types.ts';
import type { Decision, Effect, ToolCall } from '../core/types.ts';
import type { LedgerStore } from '../ports.ts';
import { createJudgeContext, type Environment } from './context.ts';
import { type LoadedPolicy, loadProjectPolicy } from './policy.ts';
import { emptyEvent, postToolUseTransition, preToolUseTransition } from './transitions.ts';

export interface HookDeps {
  env: Environment;
  /** CLAUDE_PROJECT_DIR, when Claude Code set it. */
  projectDir: string | undefined;
  now: () => number;
  openStore: (projectDir: string) => LedgerStore;
}

export async function runClaudeHook(stdin: string, deps: HookDeps): Promise<HookAnswer> {
  let event: HookEvent;
  try {
    event = parseClaudeInput(stdin);
  } catch (err) {
    return answerFailure(sniffEvent(stdin), (err as Error).message);
  }
  try {
    return await handle(event, deps);
  } catch (err) {
    return answerFailure(event.event, (err as Error).message || String(err));
  }
}

async function handle(e: HookEvent, deps: HookDeps): Promise<HookAnswer> {
  const started = deps.now();
  const projectDir = deps.projectDir || e.cwd;
  if (!projectDir) throw new Error('neither CLAUDE_PROJECT_DIR nor cwd tells where the project is');
  const policy = await loadProjectPolicy(projectDir, deps.env.home);
  const ctx = createJudgeContext(projectDir, deps.env, policy.compiled.policy.protectedBranches);
  const call: ToolCall | undefined = e.tool
    ? { tool: e.tool, input: e.input, cwd: e.cwd || projectDir }
    : undefined;

  if (e.event === 'PreToolUse' && call)
    return preToolUse(e, call, effectsOf(call, ctx), policy, deps, started, projectDir);

  let store: LedgerStore;
  try {
    store = deps.openStore(projectDir);
  } catch (err) {
    throw new Error(`the ledger is unusable: ${(err as Error).message}`);
  }
  try {
    if ((e.event === 'PostToolUse' || e.event === 'PostToolUseFailure') && call) {
      await store.commit(postToolUseTransition(e, call, effectsOf(call, ctx), e.response, started, deps.now));
      return answerSilently();
    }
    await store.commit({
      sessionId: e.sessionId,
      apply: (state) => {
        let next: SessionState = state ?? newSession(e.sessionId, e.cwd, started);
        if (e.event === 'SessionEnd') next = { ...next, endedAt: started };
        if (e.event === 'SessionStart' && next.endedAt !== null) next = { ...next, endedAt: null };
        return {
          state: next,
          event: { ...emptyEvent(e, started), durationMs: deps.now() - started },
          result: undefined,
        };
      },
    });
    return answerSilently();
  } finally {
    await store.close();
  }
}

async function preToolUse(
  e: HookEvent,
  call: ToolCall,
  effects: Effect[],
  policy: LoadedPolicy,
  deps: HookDeps,
  started: number,
  projectDir: string,
): Promise<HookAnswer> {
  const compiled = policy.compiled;
  // Without the ledger there is no session state: judge the call on its own, so a tier-4 call keeps its
  // own rule and reason, and refuse it whatever its tier.
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
  try {
    const { decision, state } = await store.commit(
      preToolUseTransition(e, call, effects, compiled, started, deps.now),
    );
    const stopReason =
      state.status === 'terminated'
        ? `agent-sre terminated this session after ${state.totalDenials} denied actions. Review it with \`agent-sre sessions\`.`
        : undefined;
    return answerPreToolUse(decision, {
      explicitAllow: compiled.policy.explicitAllow,
      ...(stopReason ? { stopReason } : {}),
    });
  } catch (err) {
    return refuse(err);
  } finally {
    await store.close().catch(() => undefined);
  }
}

function ledgerDown(decision: Decision, err: unknown): Decision {
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
