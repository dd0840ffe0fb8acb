// Cursor's hook protocol, written from its documented shape (secondary sources: the reference's section
// 5.3; Cursor's own docs could not be read here). NOT YET VERIFIED IN A REAL CURSOR CLIENT: no offline build
// runs on this machine, so this adapter is tested with recorded payloads only.
//
// Input: hook_event_name, conversation_id, generation_id, workspace_roots[], and per event:
// beforeShellExecution {command, cwd}; beforeMCPExecution {tool_name, tool_input, url|command};
// beforeReadFile {file_path, content}; afterFileEdit {file_path, edits[{old_string,new_string}]};
// afterShellExecution {command, output}; stop {status, loop_count}; the generic preToolUse {tool_name,
// tool_input}. Answers: permission events take {"permission":"allow"|"deny"|"ask","user_message",
// "agent_message"}; exit 2 denies too; other exit codes are hook errors that fail open unless the entry has
// failClosed:true. stop takes {"followup_message"} (an automatic follow-up, at most 5 in a row): the
// acceptance gate's "go back to work". Cursor has a human in the editor, so tier 3 is `ask`.
import type { Decision } from '../../../core/types.ts';
import {
  type AgentProtocol,
  decisionText,
  FAILED_CALL,
  FAILED_STOP,
  type HookAnswer,
  type HookEvent,
  HookInputError,
  type Json,
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
  beforeShellExecution: 'PreToolUse',
  beforeMCPExecution: 'PreToolUse',
  beforeReadFile: 'PreToolUse',
  preToolUse: 'PreToolUse',
  afterShellExecution: 'PostToolUse',
  afterMCPExecution: 'PostToolUse',
  afterFileEdit: 'PostToolUse',
  postToolUse: 'PostToolUse',
  postToolUseFailure: 'PostToolUseFailure',
  stop: 'Stop',
  subagentStop: 'SubagentStop',
  sessionStart: 'SessionStart',
  sessionEnd: 'SessionEnd',
  beforeSubmitPrompt: 'UserPromptSubmit',
};

/** Cursor's generic preToolUse tool names (as documented; unverified) as Claude Code's. */
const TOOLS: Record<string, string> = {
  Shell: 'Bash',
  run_terminal_cmd: 'Bash',
  Read: 'Read',
  read_file: 'Read',
  Write: 'Write',
  Edit: 'Edit',
  edit_file: 'Edit',
  Grep: 'Grep',
  Glob: 'Glob',
  WebFetch: 'WebFetch',
  WebSearch: 'WebSearch',
  web_search: 'WebSearch',
};

function toolOf(native: string, o: Json): { tool: string; input: unknown } {
  const s = (k: string) => str(o, k);
  switch (native) {
    case 'beforeShellExecution':
    case 'afterShellExecution':
      return { tool: 'Bash', input: s('command') === null ? {} : { command: s('command') } };
    case 'beforeReadFile':
      return { tool: 'Read', input: { file_path: s('file_path') } };
    case 'afterFileEdit':
      return {
        tool: 'MultiEdit',
        input: { file_path: s('file_path'), edits: Array.isArray(o.edits) ? o.edits : [] },
      };
    case 'beforeMCPExecution':
    case 'afterMCPExecution': {
      const name = s('tool_name') ?? '';
      const server = s('server_name') ?? s('server') ?? 'cursor';
      return { tool: name.startsWith('mcp__') ? name : `mcp__${server}__${name}`, input: o.tool_input };
    }
    default: {
      const name = s('tool_name') ?? '';
      return { tool: TOOLS[name] ?? name, input: o.tool_input };
    }
  }
}

export function parseCursorInput(text: string): HookEvent {
  const o = parseObject(text);
  const native = required(o, 'hook_event_name');
  const sessionId = required(o, 'conversation_id');
  const roots = Array.isArray(o.workspace_roots)
    ? o.workspace_roots.filter((r) => typeof r === 'string')
    : [];
  const cwd = str(o, 'cwd') || (roots[0] as string | undefined) || '';
  const event = EVENTS[native] ?? native;
  let tool: string | null = null;
  let input: unknown;
  let raw: Json = o;
  if (event === 'PreToolUse' || event === 'PostToolUse' || event === 'PostToolUseFailure') {
    requireAbsoluteCwd(native, cwd);
    ({ tool, input } = toolOf(native, o));
    if (!tool) throw new HookInputError(`${native} input names no tool`);
    if (event === 'PostToolUseFailure') raw = { ...o, error: str(o, 'error') ?? '' };
  }
  if (event === 'Stop' || event === 'SubagentStop') {
    const loops = typeof o.loop_count === 'number' ? o.loop_count : 0;
    raw = {
      ...o,
      stop_hook_active: loops > 0,
      last_assistant_message: str(o, 'last_assistant_message') ?? '',
    };
  }
  return {
    event,
    sessionId,
    cwd,
    transcriptPath: str(o, 'transcript_path'),
    agentId: null,
    tool,
    input,
    toolUseId: str(o, 'tool_use_id'),
    response: o.output ?? o.tool_output,
    raw: str(o, 'generation_id') ? { ...raw, prompt_id: o.generation_id } : raw,
    agent: 'cursor',
    ...(event !== native ? { nativeEvent: native } : {}),
  };
}

const json = (o: unknown): HookAnswer => ({ stdout: JSON.stringify(o), stderr: '', exitCode: 0 });
const permission = (p: 'allow' | 'deny' | 'ask', message: string) =>
  json({ permission: p, user_message: message, agent_message: message });

export function answerCursorPreToolUse(decision: Decision, opts: PreToolUseOptions): HookAnswer {
  if (decision.verdict === 'deny' || decision.verdict === 'ask')
    return permission(decision.verdict, decisionText(decision));
  if ((opts.explicitAllow && decision.tier === 1) || opts.sayAllow)
    return permission('allow', decisionText(decision));
  return SILENT;
}

export function answerCursorFailure(event: string | null, message: string): HookAnswer {
  if (event === 'Stop' || event === 'SubagentStop')
    return json({ followup_message: `${FAILED_STOP}: ${message}` });
  const reason = `${FAILED_CALL}: ${message}`;
  if (event === 'PreToolUse') return permission('deny', reason);
  return { stdout: '', stderr: reason, exitCode: 2 };
}

export function answerCursorStop(_event: string, verdict: StopVerdict): HookAnswer {
  // Exhausted: Cursor has no message-only answer to a stop; the ledger and the page carry it.
  return verdict.action === 'block' ? json({ followup_message: verdict.reason }) : SILENT;
}

export const cursorProtocol: AgentProtocol = {
  agent: 'cursor',
  parse: parseCursorInput,
  sniff: (text) => {
    const native = sniffField(text, 'hook_event_name');
    return native === null ? null : (EVENTS[native] ?? native);
  },
  preToolUse: answerCursorPreToolUse,
  failure: answerCursorFailure,
  stop: answerCursorStop,
  // What Cursor does with a sessionStart answer is not documented well enough to rely on: silence.
  sessionStart: () => SILENT,
  projectDirEnv: ['CURSOR_PROJECT_DIR'],
  transcript: null,
};
