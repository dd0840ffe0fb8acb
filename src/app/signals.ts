// What the hook tells the incident machinery: a decision and the session rules' verdicts become Signals.
import type { Signal } from '../core/incidents/types.ts';
import { redactText } from '../core/redact.ts';
import type { Signal as SessionSignal } from '../core/session/rules.ts';
import type { Decision, ToolCall } from '../core/types.ts';

const MAX_ACTION = 300;

/**
 * The session `agent-sre doctor` runs its canary under. Its calls are judged but not recorded (canary.ts)
 * and page nobody: the canary proves the hook denies, it is not work or an incident. (Claude Code picks
 * session ids; an agent cannot.)
 */
export const CANARY_SESSION = 'agent-sre-doctor-canary';

/** One line naming what the agent tried: the command, the file, the URL or the MCP tool. Redacted. */
export function describeCall(call: ToolCall): string {
  const what = mainArgument(call);
  return oneLine(what === undefined ? call.tool : `${call.tool}: ${what}`);
}

/** What the call acts on (its command, path, URL...), redacted, on one line; the tool name when it has none. */
export function describeInput(call: ToolCall): string {
  return oneLine(mainArgument(call) ?? call.tool);
}

function mainArgument(call: ToolCall): string | undefined {
  const i = (call.input && typeof call.input === 'object' ? call.input : {}) as Record<string, unknown>;
  const pick = ['command', 'file_path', 'notebook_path', 'url', 'path', 'pattern', 'prompt', 'description'];
  const key = pick.find((k) => typeof i[k] === 'string' && (i[k] as string).length > 0);
  return key === undefined ? undefined : (i[key] as string);
}

function oneLine(text: string): string {
  const line = redactText(text).replace(/\s+/g, ' ').trim();
  return line.length > MAX_ACTION ? `${line.slice(0, MAX_ACTION - 1)}…` : line;
}

export interface SignalContext {
  project: string;
  sessionId: string;
  call: ToolCall;
  decision: Decision;
  at: number;
}

export function signalsOf(ctx: SignalContext, session: SessionSignal[]): Signal[] {
  if (ctx.sessionId === CANARY_SESSION) return [];
  const action = describeCall(ctx.call);
  const base = {
    project: ctx.project,
    sessionId: ctx.sessionId,
    at: ctx.at,
  };
  const details = {
    Action: action,
    Tier: ctx.decision.tier,
    Why: redactText(ctx.decision.reason).slice(0, 1000),
  };
  const out: Signal[] = [];
  for (const s of session) {
    if (s.kind === 'tier4.denied')
      out.push({
        ...base,
        kind: 'tier4.denied',
        rule: s.rule,
        key: s.rule,
        summary: `Denied ${action} (${s.rule})`,
        details,
      });
    else if (s.kind === 'session.escalated')
      out.push({
        ...base,
        kind: 'session.escalated',
        rule: 'session.escalated',
        key: '',
        summary: `Session ${ctx.sessionId} escalated after ${s.consecutiveDenials} denials in a row`,
        details: { ...details, 'Last denied': action },
      });
    else if (s.kind === 'session.terminated')
      out.push({
        ...base,
        kind: 'session.terminated',
        rule: 'session.terminated',
        key: '',
        summary: `Session ${ctx.sessionId} terminated after ${s.totalDenials} denials`,
        details: { ...details, 'Last denied': action },
      });
  }
  if (ctx.decision.rule.startsWith('budget.'))
    out.push({
      ...base,
      kind: 'budget.spent',
      rule: ctx.decision.rule,
      key: ctx.decision.rule,
      summary: `Session ${ctx.sessionId} spent its ${ctx.decision.rule.slice('budget.'.length)} budget`,
      details,
    });
  return out;
}
