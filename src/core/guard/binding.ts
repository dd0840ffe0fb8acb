// The guard's configuration bound to a session. Its hash (agent-sre.yaml and the hook-relevant parts of
// Claude Code's settings at every scope) is recorded when the session starts. The policy refuses every
// route to these files we know of; this is the backstop for routes we missed: a change seen at the next
// hook call gates everything above tier 1 until a human reviews it and resumes the session. The tier is
// fixed, not configurable, because the configuration is exactly what can no longer be trusted.
import type { Decision } from '../types.ts';

/** Ledger record kind, keyed by session id. */
export const GUARD_BINDING_KIND = 'guard.binding';

export const GUARD_CHANGED_RULE = 'guard.config-changed';

export interface GuardConfigNow {
  /** sha256 over the policy file and the settings' hook-relevant keys. */
  hash: string;
  /** The files that exist and went into the hash, for reasons. */
  files: string[];
}

export interface GuardBinding {
  hash: string;
  boundAt: number;
  via: 'session-start' | 'first-call' | 'resume';
}

const short = (h: string) => h.slice(0, 8);

/**
 * Raise a decision when the guard's configuration changed under the session. `floor` is the same call
 * judged by the embedded default policy: a changed policy may have dropped the very rule that matters, so
 * the stricter of the two stands before the gate applies. Never lowers a decision.
 */
export function gateByGuardConfig(
  decision: Decision,
  now: GuardConfigNow,
  bound: GuardBinding,
  sessionId: string,
  floor?: Decision,
): Decision {
  if (bound.hash === now.hash) return decision;
  const base = floor && floor.tier > decision.tier ? floor : decision;
  if (base.tier === 4 || base.tier === 1) return base;
  return {
    ...base,
    tier: 3,
    verdict: 'ask',
    rule: GUARD_CHANGED_RULE,
    reason: `agent-sre's configuration (${now.files.join(', ') || 'no files'}) changed since this session started (${short(bound.hash)} -> ${short(now.hash)}). The agent may not change its own guard, so a human approves every action above tier 1 until someone reviews the change and runs \`agent-sre session resume ${sessionId}\`. Wanted: ${base.reason}`,
  };
}
