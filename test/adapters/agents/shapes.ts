// What each agent accepts as a hook answer, written from its documented (and, for Codex and Gemini, its
// real binary's) protocol, independently of src/adapters/agents: a test asserts every answer the hook
// gives fits. Anything outside these shapes throws, so an extra field (which fails Codex's hook and lets the
// tool run) fails the test. Not a test file itself.
import type { HookAnswer } from '../../../src/adapters/agents/protocol.ts';

export type Kind = 'silent' | 'deny' | 'ask' | 'allow' | 'block' | 'context' | 'message' | 'warning';

export interface Classified {
  kind: Kind;
  reason: string;
}

type O = Record<string, unknown>;

function exactKeys(o: O, allowed: string[], what: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw new Error(`${what}: field "${k}" is not in the agent's schema`);
}

const nonEmpty = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`${what} must be a non-empty string`);
  return v;
};

function parsed(a: HookAnswer): O {
  const v: unknown = JSON.parse(a.stdout);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new Error('stdout is not one JSON object');
  return v as O;
}

/** Classify `a`, the answer to the agent's native `event`, or throw when the agent would not accept it. */
export function classify(agent: string, event: string | null, a: HookAnswer): Classified {
  if (a.exitCode !== 0 && a.exitCode !== 2) throw new Error(`exit ${a.exitCode}`);
  if (a.exitCode === 2) {
    nonEmpty(a.stderr, 'exit 2 stderr');
    // Exit 2 blocks in every agent here (for the events it can block at all).
    if (a.stdout !== '') parsed(a);
    const stopish = /^(Stop|SubagentStop|TaskCompleted|AfterAgent|agentStop|subagentStop|stop)$/.test(
      event ?? '',
    );
    return { kind: stopish ? 'block' : 'deny', reason: a.stderr };
  }
  if (a.stdout === '') return { kind: a.stderr ? 'warning' : 'silent', reason: a.stderr };
  const o = parsed(a);
  switch (agent) {
    case 'claude':
      return claude(o);
    case 'codex':
      return codex(event, o);
    case 'gemini':
      return gemini(event, o);
    case 'cursor':
      return cursor(event, o);
    case 'copilot':
      return copilot(event, o);
  }
  throw new Error(`unknown agent ${agent}`);
}

function claude(o: O): Classified {
  const h = o.hookSpecificOutput as O | undefined;
  if (h?.hookEventName === 'PreToolUse')
    return { kind: h.permissionDecision as Kind, reason: nonEmpty(h.permissionDecisionReason, 'reason') };
  if (h?.hookEventName === 'SessionStart') return { kind: 'context', reason: String(h.additionalContext) };
  if (o.decision === 'block') return { kind: 'block', reason: nonEmpty(o.reason, 'reason') };
  if (typeof o.systemMessage === 'string') return { kind: 'message', reason: o.systemMessage };
  throw new Error(`not a Claude Code answer: ${JSON.stringify(o)}`);
}

// codex-rs/hooks/schema/generated/*.command.output.schema.json: additionalProperties false everywhere, and
// output_parser.rs rejects ask, allow without updatedInput, continue:false/stopReason on PreToolUse.
function codex(event: string | null, o: O): Classified {
  if (event === 'PreToolUse' || event === 'PermissionRequest') {
    exactKeys(o, ['hookSpecificOutput'], 'PreToolUse');
    const h = o.hookSpecificOutput as O;
    exactKeys(h, ['hookEventName', 'permissionDecision', 'permissionDecisionReason'], 'hookSpecificOutput');
    if (h.hookEventName !== 'PreToolUse') throw new Error('hookEventName must be PreToolUse');
    if (h.permissionDecision !== 'deny') throw new Error(`Codex fails ${String(h.permissionDecision)}`);
    return { kind: 'deny', reason: nonEmpty(h.permissionDecisionReason, 'permissionDecisionReason') };
  }
  if (
    event === 'Stop' ||
    event === 'SubagentStop' ||
    event === 'PostToolUse' ||
    event === 'UserPromptSubmit'
  ) {
    exactKeys(o, ['decision', 'reason', 'systemMessage'], event);
    if (o.decision === 'block') return { kind: 'block', reason: nonEmpty(o.reason, 'reason') };
    if (o.decision !== undefined || o.reason !== undefined) throw new Error('reason without decision:block');
    return { kind: 'message', reason: nonEmpty(o.systemMessage, 'systemMessage') };
  }
  if (event === 'SessionStart') {
    exactKeys(o, ['hookSpecificOutput', 'systemMessage'], 'SessionStart');
    const h = o.hookSpecificOutput as O | undefined;
    if (h) {
      exactKeys(h, ['hookEventName', 'additionalContext'], 'hookSpecificOutput');
      if (h.hookEventName !== 'SessionStart') throw new Error('hookEventName must be SessionStart');
      return { kind: 'context', reason: String(h.additionalContext) };
    }
    return { kind: 'message', reason: nonEmpty(o.systemMessage, 'systemMessage') };
  }
  throw new Error(`Codex answer to ${event}: ${JSON.stringify(o)}`);
}

// google-gemini/gemini-cli docs/hooks/reference.md: decision allow|deny|block, reason, continue,
// stopReason, systemMessage, hookSpecificOutput.{additionalContext,tool_input}.
function gemini(event: string | null, o: O): Classified {
  exactKeys(
    o,
    ['decision', 'reason', 'continue', 'stopReason', 'systemMessage', 'hookSpecificOutput'],
    'Gemini',
  );
  if (event === 'SessionStart') {
    const h = o.hookSpecificOutput as O | undefined;
    if (h) return { kind: 'context', reason: String(h.additionalContext) };
    return { kind: 'message', reason: nonEmpty(o.systemMessage, 'systemMessage') };
  }
  if (o.decision === 'deny' || o.decision === 'block') {
    const reason = nonEmpty(o.reason, 'reason');
    return { kind: event === 'AfterAgent' ? 'block' : 'deny', reason };
  }
  if (o.decision === 'allow') return { kind: 'allow', reason: '' };
  return { kind: 'message', reason: nonEmpty(o.systemMessage, 'systemMessage') };
}

// Cursor hooks (secondary sources, not verified in the client): permission allow|deny|ask with
// user_message/agent_message on before* events; stop takes followup_message.
function cursor(event: string | null, o: O): Classified {
  if (event === 'stop' || event === 'subagentStop') {
    exactKeys(o, ['followup_message'], 'stop');
    return { kind: 'block', reason: nonEmpty(o.followup_message, 'followup_message') };
  }
  exactKeys(o, ['permission', 'user_message', 'agent_message'], String(event));
  if (!['allow', 'deny', 'ask'].includes(o.permission as string)) throw new Error('permission');
  return { kind: o.permission as Kind, reason: String(o.agent_message ?? '') };
}

// github/docs content/copilot/reference/hooks-reference.md.
function copilot(event: string | null, o: O): Classified {
  if (event === 'agentStop' || event === 'subagentStop') {
    exactKeys(o, ['decision', 'reason'], String(event));
    if (o.decision !== 'block') throw new Error('decision');
    return { kind: 'block', reason: nonEmpty(o.reason, 'reason') };
  }
  if (event === 'sessionStart') {
    exactKeys(o, ['additionalContext'], 'sessionStart');
    return { kind: 'context', reason: nonEmpty(o.additionalContext, 'additionalContext') };
  }
  exactKeys(o, ['permissionDecision', 'permissionDecisionReason'], String(event));
  if (!['allow', 'deny', 'ask'].includes(o.permissionDecision as string))
    throw new Error('permissionDecision');
  return { kind: o.permissionDecision as Kind, reason: String(o.permissionDecisionReason ?? '') };
}
