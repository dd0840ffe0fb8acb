import type { Effect, Tier, Verdict } from '../types.ts';

export interface Usage {
  toolCalls: number;
  filesTouched: number;
  linesAdded: number;
  linesRemoved: number;
  externalCalls: number;
  subagents: number;
}

export type SessionStatus = 'active' | 'escalated' | 'terminated' | 'ended';

export interface SessionState {
  sessionId: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number | null;
  cwd: string;
  status: SessionStatus;
  consecutiveDenials: number;
  totalDenials: number;
  usage: Usage;
}

/** One row of the evidence ledger. Persisted: bump `v` when its meaning changes. */
export interface LedgerEvent {
  v: 1;
  /** Epoch milliseconds. */
  ts: number;
  sessionId: string;
  /** Hook event name (`PreToolUse`, ...) or an internal one (`session.resume`). */
  event: string;
  tool: string | null;
  toolUseId: string | null;
  agentId: string | null;
  tier: Tier | null;
  verdict: Verdict | null;
  rule: string | null;
  reason: string | null;
  effects: Effect[];
  durationMs: number | null;
  /** The hook input after redaction, as JSON text. */
  input: string | null;
}
