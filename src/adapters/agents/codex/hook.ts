// OpenAI Codex CLI's hook protocol (checked against @openai/codex 0.171 and openai/codex
// codex-rs/hooks: src/events/pre_tool_use.rs, src/engine/output_parser.rs and
// schema/generated/{pre-tool-use,post-tool-use,stop,session-start}.command.output.schema.json).
//
// Input is close to Claude Code's: session_id, turn_id, transcript_path (the rollout JSONL, or null), cwd,
// hook_event_name, model, permission_mode, and for tool events tool_name, tool_input and tool_use_id. The
// shell tool arrives as tool_name "Bash" with tool_input {command}; apply_patch as {command: <patch text>};
// MCP tools under their mcp__server__tool names with their own arguments.
//
// What Codex honours, and what it does not (each of these makes the hook "Failed", and a failed PreToolUse
// hook lets the tool run):
//   - every output schema has additionalProperties:false: an unknown field fails the hook;
//   - PreToolUse: only {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",
//     "permissionDecisionReason":"<non-empty>"}} blocks (or exit 2 with a non-empty stderr). A deny with an
//     empty reason fails; `ask` fails; `allow` without updatedInput fails; continue:false, stopReason and
//     suppressOutput fail (output_parser.rs, unsupported_pre_tool_use_universal). So this adapter never writes
//     anything on PreToolUse but a deny with a reason, or nothing at all.
//   - Stop/SubagentStop: {"decision":"block","reason":"<non-empty>"} sends the agent back to work with the
//     reason as its prompt; systemMessage is allowed there.
//   - PostToolUse: {"decision":"block","reason"} replaces the tool's output for the model.
//
// Tier 3 ("a human decides") has no answer in Codex: `ask` is unsupported. With `gate.mode: wait` the hook
// holds the call in-process until `agent-sre approve|deny`, then stays silent (approved: the tool runs) or
// denies, exactly as for Claude Code. Otherwise a tier-3 call is denied with a reason that tells the agent a
// human must let it through (humanNeeded).
import type { Decision } from '../../../core/types.ts';
import {
  type AgentProtocol,
  baseFields,
  decisionText,
  FAILED_CALL,
  FAILED_STOP,
  type HookAnswer,
  type HookEvent,
  HookInputError,
  humanNeeded,
  isObject,
  type Json,
  type PreToolUseOptions,
  parseObject,
  requireAbsoluteCwd,
  SILENT,
  type StopVerdict,
  sessionStartContext,
  sniffField,
  str,
} from '../protocol.ts';
import { expandApplyPatch, patchOps } from './patch.ts';

const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PermissionRequest']);

const json = (o: unknown): HookAnswer => ({ stdout: JSON.stringify(o), stderr: '', exitCode: 0 });

/** A shell command however Codex's shell tools carry it: a string, or an argv (`bash -lc <script>`). */
function commandText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) return null;
  const argv = v as string[];
  if (argv.length === 3 && /(^|\/)(ba|z|da)?sh$/.test(argv[0]!) && /^-l?c$/.test(argv[1]!)) return argv[2]!;
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The patch text of an apply_patch call ({command}, or {input}/{patch} as some builds name it). */
function patchText(input: Json): string | null {
  for (const k of ['command', 'input', 'patch']) {
    const v = input[k];
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) {
      // `apply_patch <patch>` as an argv.
      const text = v.find((x) => typeof x === 'string' && x.includes('*** '));
      if (typeof text === 'string') return text;
    }
  }
  return null;
}

/** Codex's tool name and input as the Claude Code tool the policy knows. */
export function codexTool(name: string, input: unknown): { tool: string; input: unknown } {
  const i = isObject(input) ? input : {};
  switch (name) {
    case 'Bash':
    case 'shell':
    case 'local_shell':
    case 'container.exec':
    case 'exec_command':
    case 'unified_exec': {
      const command = commandText(i.command ?? i.cmd);
      return { tool: 'Bash', input: command === null ? {} : { ...i, command } };
    }
    // Characters typed into a running shell session are commands run by that shell.
    case 'write_stdin':
      return { tool: 'Bash', input: typeof i.chars === 'string' ? { command: i.chars } : {} };
    case 'apply_patch': {
      const patch = patchText(i);
      return { tool: 'apply_patch', input: patch === null ? {} : { command: patch } };
    }
    case 'update_plan':
      return { tool: 'TodoWrite', input };
    case 'view_image':
      return { tool: 'Read', input: typeof i.path === 'string' ? { file_path: i.path } : input };
    case 'web_search':
      return { tool: 'WebSearch', input };
    default:
      return { tool: name, input };
  }
}

const EXIT = /^(?:Exit code|Process exited with code):?\s*(-?\d+)/m;

/** A shell call that ran and failed, from Codex's tool_response: its output, else null. */
function failedShell(tool: string, response: unknown): string | null {
  if (tool !== 'Bash') return null;
  if (isObject(response)) {
    const code = response.exit_code ?? response.exitCode;
    if (typeof code === 'number' && code !== 0) {
      const out = [response.output, response.stdout, response.stderr, response.aggregated_output].filter(
        (x) => typeof x === 'string',
      );
      return out.length > 0 ? out.join('\n') : `exit code ${code}`;
    }
    return null;
  }
  if (typeof response === 'string') {
    const m = EXIT.exec(response.slice(0, 4096));
    if (m && m[1] !== '0') return response;
  }
  return null;
}

export function parseCodexInput(text: string): HookEvent {
  const o = parseObject(text);
  const { event, sessionId, cwd } = baseFields(o);
  const nativeTool = str(o, 'tool_name');
  let tool: string | null = null;
  let input: unknown = o.tool_input;
  let normalized = event;
  let raw: Json = o;
  if (TOOL_EVENTS.has(event)) {
    if (!nativeTool) throw new HookInputError(`${event} input has no tool_name`);
    if (!('tool_input' in o)) throw new HookInputError(`${event} input has no tool_input`);
    requireAbsoluteCwd(event, cwd);
    ({ tool, input } = codexTool(nativeTool, o.tool_input));
    if (tool === 'apply_patch') {
      const patch = (input as Json).command;
      if (typeof patch !== 'string' || patchOps(patch).length === 0)
        throw new HookInputError('apply_patch input names no file to add, delete or update');
    }
    const failed = event === 'PostToolUse' ? failedShell(tool, o.tool_response) : null;
    if (failed !== null) {
      normalized = 'PostToolUseFailure';
      raw = { ...o, error: failed };
    }
  }
  return {
    event: normalized,
    sessionId,
    cwd,
    transcriptPath: str(o, 'transcript_path'),
    agentId: str(o, 'agent_id'),
    tool,
    input,
    toolUseId: str(o, 'tool_use_id'),
    response: o.tool_response,
    // Stop's stop_hook_active and last_assistant_message have Claude Code's names already; turn_id plays
    // the part of Claude Code's prompt_id (the burst limits' "same turn").
    raw: str(raw, 'turn_id') ? { ...raw, prompt_id: raw.turn_id } : raw,
    agent: 'codex',
    ...(normalized !== event ? { nativeEvent: event } : {}),
    ...(nativeTool && nativeTool !== tool ? { nativeTool } : {}),
  };
}

function deny(reason: string): HookAnswer {
  return json({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      // A deny with an empty reason is a failed hook, and the tool runs.
      permissionDecisionReason: reason.trim() || 'agent-sre refused this call.',
    },
  });
}

export function answerCodexPreToolUse(decision: Decision, _opts: PreToolUseOptions): HookAnswer {
  // allow (and an approval at the gate): silence. An explicit `allow` without updatedInput fails the hook,
  // and continue:false/stopReason are unsupported on PreToolUse: a terminated session is held by the
  // deny of every call instead.
  if (decision.verdict === 'deny') return deny(decisionText(decision));
  if (decision.verdict === 'ask') return deny(humanNeeded(decision));
  return SILENT;
}

const block = (reason: string): HookAnswer => json({ decision: 'block', reason });

/**
 * Fail closed in every shape Codex honours: a PreToolUse deny, a Stop block (the agent goes back to work
 * with the reason), a PostToolUse block (the model sees the reason instead of the output). SessionStart
 * cannot block anything: the reason goes to stderr.
 */
export function answerCodexFailure(event: string | null, message: string): HookAnswer {
  if (event === 'Stop' || event === 'SubagentStop') return block(`${FAILED_STOP}: ${message}`);
  const reason = `${FAILED_CALL}: ${message}`;
  if (event === 'PreToolUse' || event === 'PermissionRequest') return deny(reason);
  if (event === 'PostToolUse' || event === 'PostToolUseFailure' || event === 'UserPromptSubmit')
    return block(reason);
  if (event === 'SessionStart' || event === 'SessionEnd') return { stdout: '', stderr: reason, exitCode: 0 };
  // Unknown: exit 2 with the reason is a block wherever Codex can block.
  return { stdout: '', stderr: reason, exitCode: 2 };
}

export function answerCodexStop(_event: string, verdict: StopVerdict): HookAnswer {
  if (verdict.action === 'allow') return SILENT;
  if (verdict.action === 'exhausted') return json({ systemMessage: verdict.message });
  return block(verdict.reason);
}

export const codexProtocol: AgentProtocol = {
  agent: 'codex',
  parse: parseCodexInput,
  sniff: (text) => sniffField(text, 'hook_event_name'),
  preToolUse: answerCodexPreToolUse,
  failure: answerCodexFailure,
  stop: answerCodexStop,
  sessionStart: sessionStartContext,
  expand: expandApplyPatch,

  // Codex sets no project variable: the hook's cwd is the session's.
  projectDirEnv: [],
  transcript: 'codex',
};
