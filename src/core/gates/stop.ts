// The acceptance gate's judgement when an agent, a subagent or a task wants to stop: which checks to
// run, and, from their results, the block reason the agent reads as its next instruction.

import { redactText } from '../redact.ts';
import type { GateEvidence } from './evidence.ts';
import { failureDigest } from './failure-digest.ts';
import { type AcceptanceCheck, checkApplies, type StopKind } from './types.ts';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckOutcome {
  id: string;
  kind: AcceptanceCheck['kind'];
  status: CheckStatus;
  /** One line: what was checked and how it ended ("exit 1 after 3.2 s", "passed at …, nothing edited since"). */
  detail: string;
  /** The end of the evidence (command output, validation errors), redacted. */
  tail: string;
  durationMs: number;
}

export interface PlannedCheck {
  check: AcceptanceCheck;
  /** Why the check need not run again, or null to run it. */
  skip: string | null;
}

/**
 * The checks that apply to this stop. A command-backed check that passed after the last edit is skipped:
 * running `npm test` again on the same tree costs minutes and proves nothing new.
 */
export function planChecks(
  checks: readonly AcceptanceCheck[],
  stop: StopKind,
  evidence: GateEvidence,
): PlannedCheck[] {
  return checks
    .filter((c) => checkApplies(c, stop))
    .map((check) => {
      const runsCommand = check.kind === 'command' || (check.kind === 'golden' && check.run !== undefined);
      const passedAt = evidence.lastPass.get(check.id);
      const fresh =
        runsCommand &&
        passedAt !== undefined &&
        (evidence.lastEditAt === null || passedAt >= evidence.lastEditAt);
      return { check, skip: fresh ? 'passed before and nothing was edited since' : null };
    });
}

export type GateVerdict =
  | { action: 'allow'; note: string | null }
  | { action: 'block'; reason: string; attempt: number }
  | { action: 'exhausted'; message: string; evidence: string };

export interface GateInput {
  stop: StopKind;
  outcomes: readonly CheckOutcome[];
  /** The silent-completion reason, when the final message claims what the evidence denies. */
  claimReason: string | null;
  /** Blocks in a row before this stop. */
  attempts: number;
  maxAttempts: number;
}

const REASON_MAX = 3000;
/** Of each failed check's output: the lines naming the failure and the runner's summary. */
const TAIL_MAX = 1500;

function who(stop: StopKind): string {
  if (stop.kind === 'main') return 'the agent';
  if (stop.kind === 'task') return 'the task';
  return `the ${stop.agentType} subagent`;
}

function clipHead(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function failureLines(outcomes: readonly CheckOutcome[]): string {
  return outcomes
    .filter((o) => o.status === 'failed')
    .map((o) => {
      const tail = o.tail.trim() ? `\n${indent(failureDigest(redactText(o.tail.trim()), TAIL_MAX))}` : '';
      return `- ${o.id} (${o.kind}): ${redactText(o.detail)}${tail}`;
    })
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

export function judgeStop(input: GateInput): GateVerdict {
  const failed = input.outcomes.filter((o) => o.status === 'failed');
  if (failed.length === 0 && !input.claimReason) {
    const ran = input.outcomes.filter((o) => o.status === 'passed').length;
    const skipped = input.outcomes.length - ran;
    return {
      action: 'allow',
      note:
        input.outcomes.length === 0
          ? null
          : `${ran} check${ran === 1 ? '' : 's'} passed${skipped ? `, ${skipped} skipped (unchanged since they passed)` : ''}`,
    };
  }
  const parts: string[] = [];
  if (failed.length > 0) {
    const applied = input.outcomes.length;
    parts.push(
      `${failed.length} of ${applied} acceptance check${applied === 1 ? '' : 's'} failed for ${who(input.stop)}:\n${failureLines(input.outcomes)}`,
    );
  }
  if (input.claimReason) parts.push(input.claimReason);
  const evidence = parts.join('\n');
  if (input.attempts >= input.maxAttempts) {
    return {
      action: 'exhausted',
      message: `agent-sre: ${who(input.stop)} stopped with the acceptance gate still failing after ${input.attempts} attempts; a human has been paged (gate.exhausted).`,
      evidence: clipHead(evidence, REASON_MAX),
    };
  }
  const attempt = input.attempts + 1;
  const next =
    failed.length > 0
      ? 'Next: fix what fails, then finish again; the failing checks run again when you do. If you cannot make them pass, say plainly what is still broken and why instead of claiming the work is done.'
      : 'Next: verify, then finish again with an accurate summary.';
  const head = `agent-sre acceptance gate, attempt ${attempt} of ${input.maxAttempts} (after ${input.maxAttempts} a human is paged):`;
  const room = REASON_MAX - head.length - next.length - 4;
  return { action: 'block', attempt, reason: `${head}\n${clipHead(evidence, room)}\n${next}` };
}
