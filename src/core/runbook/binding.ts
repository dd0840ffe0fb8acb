// The runbook bound to a session: its content hash is recorded when the session starts, and every tool
// call is judged against how the runbook stands now. No runbook, or one that fails lint, gates writes;
// a runbook that changed under a running session gates everything above tier 1 until a human resumes it.
import type { RunbookSettings } from '../gates/types.ts';
import type { Decision, Tier } from '../types.ts';
import { verdictForTier } from '../types.ts';

/** Ledger record kind, keyed by session id. */
export const BINDING_KIND = 'runbook.binding';

export interface RunbookBinding {
  /** Content hash when bound; null when the session started without a runbook. */
  hash: string | null;
  boundAt: number;
  /** `session-start`, `first-call` (SessionStart never reached us) or `resume` (a human). */
  via: 'session-start' | 'first-call' | 'resume';
}

/** How the project's runbook stands right now. */
export interface RunbookNow {
  hash: string | null;
  /** The files read, for reasons (`AGENTS.md, CLAUDE.md`). */
  files: string[];
  errors: number;
  /** The first lint error, as `file:line: message`. */
  firstError: string | null;
}

export type RunbookStatus =
  | { kind: 'ok' }
  | { kind: 'missing' }
  | { kind: 'failing'; errors: number; first: string }
  | { kind: 'changed'; from: string | null; to: string | null };

export function runbookStatus(now: RunbookNow, bound: RunbookBinding | undefined): RunbookStatus {
  if (bound && bound.hash !== now.hash) return { kind: 'changed', from: bound.hash, to: now.hash };
  if (now.hash === null) return { kind: 'missing' };
  if (now.errors > 0) return { kind: 'failing', errors: now.errors, first: now.firstError ?? 'lint errors' };
  return { kind: 'ok' };
}

const short = (h: string | null) => (h === null ? 'none' : h.slice(0, 8));

function raise(decision: Decision, tier: Tier, rule: string, reason: string): Decision {
  return {
    ...decision,
    tier,
    verdict: verdictForTier(tier),
    rule,
    reason: `${reason} Wanted: ${decision.reason}`,
  };
}

/** Raise the decision's tier for the runbook's standing; never lowers it. */
export function gateByRunbook(
  decision: Decision,
  status: RunbookStatus,
  settings: RunbookSettings,
  sessionId: string,
): Decision {
  if (status.kind === 'ok' || decision.tier === 4) return decision;
  if (status.kind === 'changed') {
    if (decision.tier < 2 || decision.tier >= settings.changedTier) return decision;
    return raise(
      decision,
      settings.changedTier,
      'runbook.changed',
      `The runbook changed since this session started (${short(status.from)} -> ${short(status.to)}), so the rules the agent works under are no longer the ones it was given. A human approves every action above tier 1 until someone reviews the change and runs \`agent-sre session resume ${sessionId}\`.`,
    );
  }
  const writes = decision.effects.some((e) => e.kind === 'write' || e.kind === 'delete');
  if (!writes || decision.tier >= settings.missingTier) return decision;
  if (status.kind === 'missing')
    return raise(
      decision,
      settings.missingTier,
      'runbook.missing',
      'This project has no runbook (AGENTS.md or CLAUDE.md), so no scope, escalation criteria or definition of done bind the agent: writes need a human. Create one (`agent-sre init` scaffolds it) and check it with `agent-sre runbook lint`.',
    );
  return raise(
    decision,
    settings.missingTier,
    'runbook.failing',
    `The runbook fails lint (${status.errors} error${status.errors === 1 ? '' : 's'}; first: ${status.first}), so writes need a human until it is fixed. See \`agent-sre runbook lint\`.`,
  );
}
