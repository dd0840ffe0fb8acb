// The whole pure pipeline for one tool call: effects, policy, session standing.
import { effectsOf } from './effects/tools.ts';
import { type CompiledPolicy, evaluate } from './policy/evaluate.ts';
import { gateBySession, type Spend } from './session/rules.ts';
import type { SessionState } from './session/types.ts';
import type { Decision, Effect, JudgeContext, ToolCall } from './types.ts';

export function judgeEffects(
  call: ToolCall,
  effects: Effect[],
  policy: CompiledPolicy,
  session: SessionState | undefined,
  spend?: Spend,
): Decision {
  const decision = evaluate(effects, policy);
  return session ? gateBySession(decision, session, policy.policy.budgets, call.tool, spend) : decision;
}

export function judge(
  call: ToolCall,
  ctx: JudgeContext,
  policy: CompiledPolicy,
  session?: SessionState,
): Decision {
  return judgeEffects(call, effectsOf(call, ctx), policy, session);
}
