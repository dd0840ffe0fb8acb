// Claude Code's hook protocol: the only file that knows its field names and answer shapes.
import type { Decision } from '../../../core/types.ts';
import {
  type AgentProtocol,
  baseFields,
  decisionText,
  FAILED_CALL,
  type HookAnswer,
  type HookEvent,
  HookInputError,
  parseObject,
  requireAbsoluteCwd,
  SILENT,
  type StopVerdict,
  sessionStartContext,
  sniffField,
  str,
} from '../protocol.ts';

export { type HookAnswer, type HookEvent, HookInputError, MAX_HOOK_INPUT } from '../protocol.ts';

/** Validate by hand: zod would cost more start-up time than the whole decision on this path. */
export function parseClaudeInput(text: string): HookEvent {
  const o = parseObject(text);
  const { event, sessionId, cwd } = baseFields(o);
  const tool = str(o, 'tool_name');
  const toolEvents = [
    'PreToolUse',
    'PostToolUse',
    'PostToolUseFailure',
    'PermissionRequest',
    'PermissionDenied',
  ];
  if (toolEvents.includes(event)) {
    if (!tool) throw new HookInputError(`${event} input has no tool_name`);
    if (!('tool_input' in o)) throw new HookInputError(`${event} input has no tool_input`);
    requireAbsoluteCwd(event, cwd);
  }
  return {
    event,
    sessionId,
    cwd,
    transcriptPath: str(o, 'transcript_path'),
    agentId: str(o, 'agent_id'),
    tool,
    input: o.tool_input,
    toolUseId: str(o, 'tool_use_id'),
    response: o.tool_response,
    raw: o,
  };
}

export function answerPreToolUse(
  decision: Decision,
  opts: { explicitAllow: boolean; stopReason?: string; sayAllow?: boolean },
): HookAnswer {
  const out: Record<string, unknown> = {};
  // `sayAllow`: a human approved this call at the gate; staying silent would let Claude Code ask again.
  if (decision.verdict !== 'allow' || (opts.explicitAllow && decision.tier === 1) || opts.sayAllow) {
    out.hookSpecificOutput = {
      hookEventName: 'PreToolUse',
      permissionDecision: decision.verdict,
      permissionDecisionReason: decisionText(decision),
    };
  }
  if (opts.stopReason) {
    out.continue = false;
    out.stopReason = opts.stopReason;
  }
  if (Object.keys(out).length === 0) return SILENT;
  return { stdout: JSON.stringify(out), stderr: '', exitCode: 0 };
}

/**
 * Fail closed. A PreToolUse we could not judge is denied in JSON; any other event we could not
 * even read gets exit 2 with the reason on stderr, which blocks wherever Claude Code can block.
 * Never exit 1: Claude Code treats it as "go ahead".
 */
export function answerFailure(event: string | null, message: string): HookAnswer {
  if (event === 'Stop' || event === 'SubagentStop' || event === 'TaskCompleted') {
    // onFailure is ignored on these events: only exit 2 keeps a broken gate from waving the agent through.
    return {
      stdout: '',
      stderr: `agent-sre could not run its acceptance checks, so this stop is blocked: ${message}. Do not report the work as done; tell the human that agent-sre needs attention (agent-sre doctor).`,
      exitCode: 2,
    };
  }
  const reason = `${FAILED_CALL}: ${message}`;
  if (event === 'PreToolUse') {
    return {
      stdout: JSON.stringify({
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: reason,
        },
      }),
      stderr: '',
      exitCode: 0,
    };
  }
  if (event === 'PostToolUse' || event === 'PostToolUseFailure') {
    return { stdout: JSON.stringify({ decision: 'block', reason }), stderr: '', exitCode: 0 };
  }
  if (event === 'SessionStart' || event === 'SessionEnd' || event === 'Notification') {
    return { stdout: '', stderr: reason, exitCode: 0 };
  }
  return { stdout: '', stderr: reason, exitCode: 2 };
}

/** Stop, SubagentStop and TaskCompleted: the fields the acceptance gate reads. */
export interface StopFields {
  agentType: string | null;
  taskId: string | null;
  taskSubject: string | null;
  stopHookActive: boolean;
  message: string;
}

export function stopFields(e: HookEvent): StopFields {
  const o = e.raw;
  return {
    agentType: str(o, 'agent_type'),
    taskId: str(o, 'task_id'),
    taskSubject: str(o, 'task_subject'),
    stopHookActive: o.stop_hook_active === true,
    message: str(o, 'last_assistant_message') ?? '',
  };
}

/**
 * The gate's answer to a stop. Stop and SubagentStop read `decision: block` and feed `reason` to the
 * agent as its next instruction; TaskCompleted only honours exit 2, with the reason on stderr.
 */
export function answerStop(event: string, verdict: StopVerdict): HookAnswer {
  if (verdict.action === 'allow') return SILENT;
  if (verdict.action === 'exhausted')
    return { stdout: JSON.stringify({ systemMessage: verdict.message }), stderr: '', exitCode: 0 };
  if (event === 'TaskCompleted') return { stdout: '', stderr: verdict.reason, exitCode: 2 };
  return { stdout: JSON.stringify({ decision: 'block', reason: verdict.reason }), stderr: '', exitCode: 0 };
}

/** PostToolBatch: `decision: block` stops the agentic loop before the next model call. */
export function answerBatch(reason: string | null): HookAnswer {
  if (reason === null) return SILENT;
  return { stdout: JSON.stringify({ decision: 'block', reason }), stderr: '', exitCode: 0 };
}

/** SessionStart: text Claude Code adds to the agent's context. */
export const answerSessionStart = sessionStartContext;

/** PostToolBatch calls: name, input and the id of each. */
export function batchCalls(e: HookEvent): Array<{ tool: string; input: unknown; toolUseId: string | null }> {
  const calls = e.raw.tool_calls;
  if (!Array.isArray(calls)) throw new HookInputError('PostToolBatch input has no tool_calls array');
  return calls.map((c, i) => {
    if (!c || typeof c !== 'object' || typeof (c as Record<string, unknown>).tool_name !== 'string')
      throw new HookInputError(`PostToolBatch tool_calls[${i}] has no tool_name`);
    const o = c as Record<string, unknown>;
    return { tool: o.tool_name as string, input: o.tool_input, toolUseId: str(o, 'tool_use_id') };
  });
}

/** PostToolUseFailure's error text (exit code and output for Bash). */
export function failureText(e: HookEvent): string | null {
  return e.event === 'PostToolUseFailure' ? str(e.raw, 'error') : null;
}

export function answerSilently(): HookAnswer {
  return SILENT;
}

/** Peek at the event name of input we failed to parse, to answer in the right shape. */
export function sniffEvent(text: string): string | null {
  return sniffField(text, 'hook_event_name');
}

export const claudeProtocol: AgentProtocol = {
  agent: 'claude',
  parse: parseClaudeInput,
  sniff: sniffEvent,
  preToolUse: answerPreToolUse,
  failure: answerFailure,
  stop: answerStop,
  sessionStart: answerSessionStart,
  batch: answerBatch,
  projectDirEnv: ['CLAUDE_PROJECT_DIR'],
  transcript: 'claude',
};
