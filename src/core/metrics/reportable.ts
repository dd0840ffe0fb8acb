// What a fleet report reads of a session, decided from the event alone, so a store can mark it once when
// it writes the event and a report over a million events reads only the marked ones: stops, acceptance
// checks, refusals, budget and gate rules, and the notable calls. A shell call is notable when it can
// commit (its PreToolUse and its outcome, which `sessionCommits` pairs by tool-use id) or when its
// outcome is a test run by the built-in list; a PostToolUse is notable when the client reported a commit
// in it. A policy's own test patterns and check commands are not known where events are written: a
// report under such a policy also reads every shell outcome (src/app/report.ts).
import { CHECK_EVENT, commandOf, isTestCommand } from '../gates/evidence.ts';
import type { LedgerEvent } from '../session/types.ts';
import { COMMITTING } from './commits.ts';

export const STOP_EVENTS = ['Stop', 'SubagentStop', 'TaskCompleted'] as const;
const MARKER_EVENTS: ReadonlySet<string> = new Set([...STOP_EVENTS, CHECK_EVENT]);
const OUTCOMES: ReadonlySet<string> = new Set(['PostToolUse', 'PostToolUseFailure']);
const SHELL_EVENTS: ReadonlySet<string> = new Set(['PreToolUse', ...OUTCOMES]);
export const SHELL_TOOLS = ['Bash', 'PowerShell'] as const;

type Judged = Pick<LedgerEvent, 'event' | 'tool' | 'input' | 'verdict' | 'rule'>;

export function isReportable(e: Judged): boolean {
  if (MARKER_EVENTS.has(e.event) || e.verdict === 'deny') return true;
  if (e.rule !== null && (e.rule === 'gate.exhausted' || e.rule.startsWith('budget.'))) return true;
  return isNotableCall(e);
}

function isNotableCall(e: Judged): boolean {
  if (e.event === 'PostToolUse' && e.input?.includes('gitOperation')) return true;
  if (!SHELL_EVENTS.has(e.event)) return false;
  const command = commandOf(e);
  if (command === null) return false;
  return COMMITTING.test(command) || (OUTCOMES.has(e.event) && isTestCommand(command));
}

/**
 * isReportable as SQL over an events table, given how the dialect spells "is one of", "contains" and
 * "starts with": a superset (any shell call, any input naming gitOperation), for a store with no stored
 * answer or a row written before it had one. The caller narrows what it returns with isReportable.
 */
export interface ReportableSql {
  oneOf(column: string, values: readonly string[]): string;
  contains(column: string, needle: string): string;
  startsWith(column: string, prefix: string): string;
  equals(column: string, value: string): string;
}

export function reportableSuperset(d: ReportableSql): string {
  return [
    d.oneOf('event', [...MARKER_EVENTS]),
    d.equals('verdict', 'deny'),
    d.equals('rule', 'gate.exhausted'),
    d.startsWith('rule', 'budget.'),
    `(${d.oneOf('event', [...SHELL_EVENTS])} AND ${d.oneOf('tool', SHELL_TOOLS)})`,
    `(${d.equals('event', 'PostToolUse')} AND ${d.contains('input', 'gitOperation')})`,
  ].join(' OR ');
}
