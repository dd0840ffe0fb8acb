// Session-level judgement: scope budgets and the 3/20 denial rule. Pure state transitions.
import type { Budgets, DenialLimits } from '../policy/types.ts';
import type { Decision, Effect } from '../types.ts';
import { verdictForTier } from '../types.ts';
import type { SessionState, Usage } from './types.ts';

export function newSession(sessionId: string, cwd: string, now: number): SessionState {
  return {
    sessionId,
    startedAt: now,
    endedAt: null,
    cwd,
    status: 'active',
    consecutiveDenials: 0,
    totalDenials: 0,
    usage: { toolCalls: 0, filesTouched: 0, linesAdded: 0, linesRemoved: 0, externalCalls: 0, subagents: 0 },
  };
}

export type Signal =
  | { kind: 'session.escalated'; sessionId: string; consecutiveDenials: number }
  | { kind: 'session.terminated'; sessionId: string; totalDenials: number }
  | { kind: 'budget.spent'; sessionId: string; budget: keyof Budgets; used: number; limit: number }
  | { kind: 'tier4.denied'; sessionId: string; rule: string };

const isWrite = (e: Effect) => e.kind === 'write' || e.kind === 'delete';
const isExternal = (e: Effect) => (e.kind === 'net' && !e.tags.includes('local')) || e.kind === 'mcp';

/**
 * Money spent so far, from the transcripts' token usage at list prices. Kept in ledger records rather than
 * in SessionState: the fleet figure spans sessions, and the hook reads it inside the call's transaction.
 */
export interface Spend {
  /** This session, main agent and subagents. */
  costUsd: number;
  /** Every session in the ledger since 00:00 UTC. */
  fleetCostUsdToday: number;
}

/** Which budget a call would draw on that is already spent, if any. */
function spentBudget(state: SessionState, effects: Effect[], budgets: Budgets, tool: string, spend?: Spend) {
  const u = state.usage;
  const lines = u.linesAdded + u.linesRemoved;
  const checks: [keyof Budgets, number, number, boolean][] = [
    ['toolCalls', u.toolCalls, budgets.toolCalls, true],
    ['filesTouched', u.filesTouched, budgets.filesTouched, effects.some(isWrite)],
    ['linesChanged', lines, budgets.linesChanged, effects.some(isWrite)],
    ['externalCalls', u.externalCalls, budgets.externalCalls, effects.some(isExternal)],
    ['subagents', u.subagents, budgets.subagents, tool === 'Agent' || tool === 'Task'],
    // Every call is followed by another model request, so a spent cost budget gates them all.
    ['costUsd', spend?.costUsd ?? 0, budgets.costUsd, spend !== undefined],
    ['fleetCostUsdPerDay', spend?.fleetCostUsdToday ?? 0, budgets.fleetCostUsdPerDay, spend !== undefined],
  ];
  return checks.find(([, used, limit, applies]) => applies && used >= limit);
}

const usd = (n: number) => `$${n.toFixed(2)}`;

function spentReason(
  name: keyof Budgets,
  used: number,
  limit: number,
  state: SessionState,
  budgets: Budgets,
) {
  if (name === 'costUsd')
    return `The session's cost budget is spent (${usd(used)} of ${usd(limit)} at list prices, from its transcripts' token usage, subagents included). A human must approve each further call; \`agent-sre cost ${state.sessionId}\` shows where it went, and budgets.costUsd in agent-sre.yaml sets the limit.`;
  if (name === 'fleetCostUsdPerDay')
    return `Today's cost budget for all agent sessions of this project is spent (${usd(used)} of ${usd(limit)} since 00:00 UTC, at list prices). A human must approve each further call until the day turns; budgets.fleetCostUsdPerDay in agent-sre.yaml sets the limit.`;
  return `The session's ${name} budget is spent (${used}/${limit}). Used so far: ${usageLine(state.usage, budgets)}. A human must approve further work of this kind.`;
}

export function usageLine(u: Usage, b: Budgets): string {
  return [
    `tool calls ${u.toolCalls}/${b.toolCalls}`,
    `files ${u.filesTouched}/${b.filesTouched}`,
    `lines ${u.linesAdded + u.linesRemoved}/${b.linesChanged}`,
    `external calls ${u.externalCalls}/${b.externalCalls}`,
    `subagents ${u.subagents}/${b.subagents}`,
  ].join(', ');
}

/** What calls let through but not yet recorded will use, as far as PreToolUse could see it. */
export interface PendingUsage {
  calls: number;
  /** Paths they write or delete. */
  files: readonly string[];
  externalCalls: number;
}

/** The paths a call writes or deletes and whether it leaves the machine: what PreToolUse knows of its usage. */
export function pendingOf(effects: readonly Effect[]): { files: string[]; external: boolean } {
  return {
    files: [...new Set(effects.filter(isWrite).map((e) => (e as { path: string }).path))],
    external: effects.some(isExternal),
  };
}

/**
 * The session as the budgets should see it: recorded usage plus what calls already let through will use.
 * Their PostToolUse is recorded from the transcript, which can lag a call; without this a budget could let
 * one call too many through. A pending file the session already touched counts again: the lag errs toward
 * asking a human, never toward letting more through.
 */
export function withPendingUsage(state: SessionState, pending: PendingUsage): SessionState {
  if (pending.calls === 0) return state;
  const u = state.usage;
  return {
    ...state,
    usage: {
      ...u,
      toolCalls: u.toolCalls + pending.calls,
      filesTouched: u.filesTouched + new Set(pending.files).size,
      externalCalls: u.externalCalls + pending.externalCalls,
    },
  };
}

/** Apply the session's standing (terminated, escalated, budgets) on top of the policy's decision. */
export function gateBySession(
  decision: Decision,
  state: SessionState,
  budgets: Budgets,
  tool: string,
  spend?: Spend,
): Decision {
  if (state.status === 'terminated') {
    return {
      ...decision,
      tier: 4,
      verdict: 'deny',
      rule: 'session.terminated',
      reason: `This session was terminated after ${state.totalDenials} denied actions; every further action is refused. A human must review it (agent-sre sessions) before work continues.`,
    };
  }
  if (decision.tier === 4) return decision;
  if (state.status === 'escalated' && decision.tier >= 2) {
    return {
      ...decision,
      tier: 3,
      verdict: 'ask',
      rule: 'session.escalated',
      reason: `This session was escalated to a human after repeated denials in a row, so a human approves each action until someone runs \`agent-sre session resume ${state.sessionId}\`. Wanted: ${decision.reason}`,
    };
  }
  const spent = spentBudget(state, decision.effects, budgets, tool, spend);
  if (spent && decision.tier < 3) {
    const [name, used, limit] = spent;
    return {
      ...decision,
      tier: 3,
      verdict: verdictForTier(3),
      rule: `budget.${name}`,
      reason: spentReason(name, used, limit, state, budgets),
    };
  }
  return decision;
}

/** Count a PreToolUse verdict against the 3/20 rule. */
export function countVerdict(
  state: SessionState,
  decision: Decision,
  limits: DenialLimits,
): { state: SessionState; signals: Signal[] } {
  const signals: Signal[] = [];
  const next: SessionState = { ...state, usage: { ...state.usage } };
  if (decision.verdict === 'allow') {
    next.consecutiveDenials = 0;
    return { state: next, signals };
  }
  if (decision.verdict !== 'deny' || decision.rule === 'session.terminated') return { state: next, signals };
  next.consecutiveDenials += 1;
  next.totalDenials += 1;
  signals.push({ kind: 'tier4.denied', sessionId: state.sessionId, rule: decision.rule });
  if (next.totalDenials >= limits.terminateAfter && next.status !== 'terminated') {
    next.status = 'terminated';
    signals.push({ kind: 'session.terminated', sessionId: state.sessionId, totalDenials: next.totalDenials });
  } else if (next.consecutiveDenials >= limits.escalateAfter && next.status === 'active') {
    next.status = 'escalated';
    signals.push({
      kind: 'session.escalated',
      sessionId: state.sessionId,
      consecutiveDenials: next.consecutiveDenials,
    });
  }
  return { state: next, signals };
}

export interface UsageDelta {
  toolCalls: number;
  linesAdded: number;
  linesRemoved: number;
  externalCalls: number;
  subagents: number;
}

/** What one executed tool call consumed, from its effects and, where it has numbers, its response. */
export function usageOf(
  tool: string,
  input: unknown,
  response: unknown,
  effects: Effect[],
): { delta: UsageDelta; files: string[] } {
  const files = [...new Set(effects.filter(isWrite).map((e) => (e as { path: string }).path))];
  const { added, removed } = lineCounts(tool, input, response);
  return {
    delta: {
      toolCalls: 1,
      linesAdded: added,
      linesRemoved: removed,
      externalCalls: effects.filter(isExternal).length,
      subagents: tool === 'Agent' || tool === 'Task' ? 1 : 0,
    },
    files,
  };
}

function lineCounts(tool: string, input: unknown, response: unknown): { added: number; removed: number } {
  const r = (response && typeof response === 'object' ? response : {}) as Record<string, unknown>;
  const patch = Array.isArray(r.structuredPatch) ? r.structuredPatch : undefined;
  if (patch) {
    let added = 0;
    let removed = 0;
    for (const hunk of patch) {
      const lines =
        hunk && typeof hunk === 'object' && Array.isArray((hunk as { lines?: unknown }).lines)
          ? (hunk as { lines: unknown[] }).lines
          : [];
      for (const l of lines) {
        if (typeof l !== 'string') continue;
        if (l.startsWith('+')) added++;
        else if (l.startsWith('-')) removed++;
      }
    }
    if (added + removed > 0 || r.type !== 'create') return { added, removed };
  }
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  // Lines as git counts them: a trailing newline ends the last line rather than starting another.
  const count = (s: unknown) =>
    typeof s === 'string' && s.length > 0 ? s.split('\n').length - (s.endsWith('\n') ? 1 : 0) : 0;
  if (tool === 'Write') return { added: count(i.content), removed: 0 };
  if (tool === 'Edit') return { added: count(i.new_string), removed: count(i.old_string) };
  return { added: 0, removed: 0 };
}

export function addUsage(state: SessionState, delta: UsageDelta, newFiles: number): SessionState {
  const u = state.usage;
  return {
    ...state,
    usage: {
      toolCalls: u.toolCalls + delta.toolCalls,
      filesTouched: u.filesTouched + newFiles,
      linesAdded: u.linesAdded + delta.linesAdded,
      linesRemoved: u.linesRemoved + delta.linesRemoved,
      externalCalls: u.externalCalls + delta.externalCalls,
      subagents: u.subagents + delta.subagents,
    },
  };
}
