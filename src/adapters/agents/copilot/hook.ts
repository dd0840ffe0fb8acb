// GitHub Copilot CLI's hook protocol, written from github/docs content/copilot/reference/hooks-reference.md
// (the reference's section 5.4). NOT YET VERIFIED IN A REAL COPILOT CLIENT: no offline build runs on this
// machine, so this adapter is tested with recorded payloads only.
//
// Two input formats, chosen by how the hook entry names its event:
//   - camelCase (`preToolUse`, the native one): {sessionId, timestamp (ms), cwd, toolName, toolArgs} with
//     native tool names (bash, view, create, edit, apply_patch, glob, grep, web_fetch, task, ...). The input
//     does not name its event: `init` writes `hook copilot --event preToolUse`, and without it the fields
//     tell (toolName: a tool call, which is then judged as preToolUse: the case that must never run unjudged);
//   - PascalCase (`PreToolUse`): Claude Code's snake_case fields and tool names, hook_event_name included.
// Answers are the same for both: preToolUse {"permissionDecision":"allow"|"deny"|"ask",
// "permissionDecisionReason"} (the CLI asks the human on `ask`; the cloud agent treats it as deny);
// agentStop/subagentStop {"decision":"block","reason"} forces another turn (the CLI stops after 8 in a row);
// sessionStart {"additionalContext"}.
// Fail closed: a command preToolUse hook that exits non-zero or crashes denies the call. A timeout lets it
// through (fail open, for every event, even policy hooks); failures of the other events are warnings.
import type { Decision } from '../../../core/types.ts';
import { expandApplyPatch } from '../codex/patch.ts';
import {
  type AgentProtocol,
  decisionText,
  FAILED_CALL,
  FAILED_STOP,
  firstString,
  type HookAnswer,
  type HookEvent,
  HookInputError,
  isObject,
  type Json,
  type ParseOptions,
  type PreToolUseOptions,
  parseObject,
  requireAbsoluteCwd,
  required,
  SILENT,
  type StopVerdict,
  sniffField,
  str,
} from '../protocol.ts';

const EVENTS: Record<string, string> = {
  preToolUse: 'PreToolUse',
  postToolUse: 'PostToolUse',
  postToolUseFailure: 'PostToolUseFailure',
  agentStop: 'Stop',
  subagentStop: 'SubagentStop',
  sessionStart: 'SessionStart',
  sessionEnd: 'SessionEnd',
  userPromptSubmitted: 'UserPromptSubmit',
  errorOccurred: 'ErrorOccurred',
  preCompact: 'PreCompact',
};

/** The normalised event of a camelCase input: named by `--event`, else told by its fields. */
function camelEvent(o: Json, named: string | undefined): string {
  if (named) return EVENTS[named] ?? named;
  if ('toolName' in o)
    return 'error' in o ? 'PostToolUseFailure' : 'toolResult' in o ? 'PostToolUse' : 'PreToolUse';
  if ('agentName' in o && 'response' in o) return 'SubagentStop';
  if ('stopReason' in o || 'stop_hook_active' in o) return 'Stop';
  if ('source' in o) return 'SessionStart';
  if ('reason' in o) return 'SessionEnd';
  if ('prompt' in o) return 'UserPromptSubmit';
  throw new HookInputError('hook input names no event and its fields tell none (pass --event)');
}

/** Copilot's native tools as Claude Code's. */
export function copilotTool(name: string, args: unknown): { tool: string; input: unknown } {
  const i = isObject(args) ? args : {};
  const s = (...keys: string[]) => firstString(i, ...keys);
  switch (name) {
    case 'bash':
      return { tool: 'Bash', input: s('command') === undefined ? {} : { command: s('command') } };
    case 'powershell':
      return { tool: 'PowerShell', input: s('command') === undefined ? {} : { command: s('command') } };
    case 'view':
      return { tool: 'Read', input: { file_path: s('path', 'file_path') } };
    case 'create':
      return {
        tool: 'Write',
        input: { file_path: s('path', 'file_path'), content: s('file_text', 'content') ?? '' },
      };
    case 'edit':
    case 'str_replace_editor':
      return {
        tool: 'Edit',
        input: {
          file_path: s('path', 'file_path'),
          old_string: s('old_str', 'old_string') ?? '',
          new_string: s('new_str', 'new_string') ?? '',
        },
      };
    case 'apply_patch':
      return { tool: 'apply_patch', input: { command: s('patch', 'input', 'command') } };
    case 'glob':
      return { tool: 'Glob', input: { pattern: s('pattern'), path: s('path') } };
    case 'grep':
    case 'rg':
      return { tool: 'Grep', input: { pattern: s('pattern'), path: s('path') } };
    case 'web_fetch':
      return { tool: 'WebFetch', input: { url: s('url') } };
    case 'web_search':
      return { tool: 'WebSearch', input: args };
    case 'task':
      return { tool: 'Agent', input: args };
    case 'ask_user':
      return { tool: 'AskUserQuestion', input: args };
    case 'update_todo':
      return { tool: 'TodoWrite', input: args };
    default:
      return { tool: name, input: args };
  }
}

/** toolArgs: an object, or (as older builds send it) the object as a JSON string. */
function toolArgs(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw new HookInputError('toolArgs is a string that is not JSON');
  }
}

export function parseCopilotInput(text: string, opts?: ParseOptions): HookEvent {
  const o = parseObject(text);
  const snake = str(o, 'hook_event_name');
  const event = snake ?? camelEvent(o, opts?.event);
  const sessionId = required(o, snake ? 'session_id' : 'sessionId');
  const cwd = str(o, 'cwd') ?? '';
  let tool: string | null = null;
  let input: unknown;
  let raw: Json = o;
  const nativeTool = str(o, snake ? 'tool_name' : 'toolName');
  if (event === 'PreToolUse' || event === 'PostToolUse' || event === 'PostToolUseFailure') {
    if (!nativeTool) throw new HookInputError(`${event} input has no tool name`);
    const args = snake ? o.tool_input : toolArgs(o.toolArgs);
    if (args === undefined) throw new HookInputError(`${event} input has no tool arguments`);
    requireAbsoluteCwd(event, cwd);
    // The PascalCase format already carries Claude Code's tool names.
    ({ tool, input } = snake ? { tool: nativeTool, input: args } : copilotTool(nativeTool, args));
    if (event === 'PostToolUseFailure') raw = { ...o, error: typeof o.error === 'string' ? o.error : '' };
  }
  if (event === 'Stop' || event === 'SubagentStop')
    raw = {
      ...o,
      stop_hook_active: o.stop_hook_active === true,
      last_assistant_message: str(o, 'last_assistant_message') ?? str(o, 'response') ?? '',
    };
  return {
    event,
    sessionId,
    cwd,
    transcriptPath: str(o, 'transcriptPath') ?? str(o, 'transcript_path'),
    agentId: str(o, 'agentId') ?? str(o, 'agent_id'),
    tool,
    input,
    toolUseId: null,
    response: o.toolResult ?? o.tool_result,
    raw,
    agent: 'copilot',
    ...(opts?.event && opts.event !== event ? { nativeEvent: opts.event } : {}),
    ...(nativeTool && nativeTool !== tool ? { nativeTool } : {}),
  };
}

const json = (o: unknown): HookAnswer => ({ stdout: JSON.stringify(o), stderr: '', exitCode: 0 });
const decide = (d: 'allow' | 'deny' | 'ask', reason: string) =>
  json({ permissionDecision: d, permissionDecisionReason: reason });

export function answerCopilotPreToolUse(decision: Decision, opts: PreToolUseOptions): HookAnswer {
  if (decision.verdict !== 'allow') return decide(decision.verdict, decisionText(decision));
  if ((opts.explicitAllow && decision.tier === 1) || opts.sayAllow)
    return decide('allow', decisionText(decision));
  return SILENT;
}

export function answerCopilotFailure(event: string | null, message: string): HookAnswer {
  if (event === 'Stop' || event === 'SubagentStop')
    return json({ decision: 'block', reason: `${FAILED_STOP}: ${message}` });
  const reason = `${FAILED_CALL}: ${message}`;
  if (event === 'PreToolUse') return decide('deny', reason);
  return { stdout: '', stderr: reason, exitCode: 2 };
}

export const copilotProtocol: AgentProtocol = {
  agent: 'copilot',
  parse: parseCopilotInput,
  sniff: (text, opts) => {
    if (opts?.event) return EVENTS[opts.event] ?? opts.event;
    const snake = sniffField(text, 'hook_event_name');
    if (snake) return snake;
    return /"toolName"\s*:/.test(text.slice(0, 64 * 1024)) ? 'PreToolUse' : null;
  },
  preToolUse: answerCopilotPreToolUse,
  failure: answerCopilotFailure,
  stop: (_event: string, verdict: StopVerdict) =>
    verdict.action === 'block' ? json({ decision: 'block', reason: verdict.reason }) : SILENT,
  sessionStart: (additionalContext) => (additionalContext === null ? SILENT : json({ additionalContext })),
  expand: expandApplyPatch,

  projectDirEnv: [],
  transcript: null,
};
