// Google Gemini CLI's hook protocol (checked against @google/gemini-cli 0.61 and google-gemini/gemini-cli
// docs/hooks/reference.md, packages/core/src/hooks/types.ts).
//
// Input: session_id, transcript_path, cwd, hook_event_name, timestamp; BeforeTool adds tool_name, tool_input
// (and mcp_context for MCP tools), AfterTool adds tool_response {llmContent, returnDisplay, error?},
// AfterAgent has prompt, prompt_response and stop_hook_active. No tool call id is sent.
//
// Answers (stdout must be JSON only):
//   - BeforeTool: {"decision":"deny","reason"} blocks; the model sees "Tool execution blocked: <reason>".
//     continue:false with stopReason ends the agent loop (a terminated session).
//   - AfterAgent: {"decision":"deny","reason"} rejects the final answer and starts a retry turn with the
//     reason as its prompt: the acceptance gate's "go back to work".
//   - SessionStart: hookSpecificOutput.additionalContext; it can never block.
// Fail closed: exit 2 with the reason on stderr blocks the tool (BeforeTool), hides its result (AfterTool) or
// forces a retry (AfterAgent). Every other exit code is a mere warning and Gemini carries on: a crash outside
// agent-sre's own code (node missing, the launcher killed) fails open there, and so does a hook timeout.
// Gemini has no "ask": a tier-3 call is denied with a reason saying a human must approve it, unless
// `gate.mode: wait` holds it for `agent-sre approve`.
import type { Decision, ToolCall } from '../../../core/types.ts';
import {
  type AgentProtocol,
  baseFields,
  decisionText,
  FAILED_CALL,
  FAILED_STOP,
  firstString,
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

const EVENTS: Record<string, string> = {
  BeforeTool: 'PreToolUse',
  AfterTool: 'PostToolUse',
  AfterAgent: 'Stop',
  BeforeAgent: 'UserPromptSubmit',
  SessionStart: 'SessionStart',
  SessionEnd: 'SessionEnd',
  Notification: 'Notification',
  PreCompress: 'PreCompact',
};

const json = (o: unknown): HookAnswer => ({ stdout: JSON.stringify(o), stderr: '', exitCode: 0 });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const URL_RE = /\bhttps?:\/\/[^\s<>"'`)\]]+/g;

/** Gemini's built-in tools as the Claude Code tools the policy knows; others keep their names. */
export function geminiTool(name: string, input: unknown): { tool: string; input: unknown } {
  const i = isObject(input) ? input : {};
  const s = (...keys: string[]) => firstString(i, ...keys);
  switch (name) {
    case 'run_shell_command': {
      const command = s('command');
      const dir = s('dir_path', 'directory');
      if (command === undefined) return { tool: 'Bash', input: {} };
      return { tool: 'Bash', input: { command: dir ? `cd ${quote(dir)} && ${command}` : command } };
    }
    case 'write_file':
      return {
        tool: 'Write',
        input: { file_path: s('file_path', 'absolute_path'), content: s('content') ?? '' },
      };
    case 'replace':
      return {
        tool: 'Edit',
        input: {
          file_path: s('file_path', 'absolute_path'),
          old_string: s('old_string') ?? '',
          new_string: s('new_string') ?? '',
        },
      };
    case 'read_file':
      return { tool: 'Read', input: { file_path: s('file_path', 'absolute_path', 'path') } };
    case 'read_many_files':
      return { tool: 'read_many_files', input };
    case 'list_directory':
      return { tool: 'LS', input: { path: s('dir_path', 'path') } };
    case 'glob':
      return { tool: 'Glob', input: { pattern: s('pattern'), path: s('dir_path', 'path') } };
    case 'search_file_content':
    case 'grep_search':
      return { tool: 'Grep', input: { pattern: s('pattern'), path: s('dir_path', 'path') } };
    case 'web_fetch':
      return { tool: 'web_fetch', input };
    case 'google_web_search':
      return { tool: 'WebSearch', input: { query: s('query') } };
    case 'save_memory':
      // Gemini keeps memories in ~/.gemini/GEMINI.md, read into every later session's context.
      return {
        tool: 'Edit',
        input: { file_path: '~/.gemini/GEMINI.md', old_string: '', new_string: s('fact') ?? '' },
      };
    case 'write_todos':
      return { tool: 'TodoWrite', input };
    default:
      return { tool: name, input };
  }
}

/** Calls that stand for several Claude Code calls: one Read per file, one WebFetch per URL. */
function expandGemini(call: ToolCall): ToolCall[] | undefined {
  const i = isObject(call.input) ? call.input : {};
  if (call.tool === 'read_many_files') {
    const paths = [i.paths, i.include]
      .flatMap((v) => (Array.isArray(v) ? v : []))
      .filter((p) => typeof p === 'string');
    return paths.length > 0
      ? paths.map((p) => ({ tool: 'Read', input: { file_path: p }, cwd: call.cwd }))
      : [{ tool: 'Read', input: { file_path: call.cwd }, cwd: call.cwd }];
  }
  if (call.tool === 'web_fetch') {
    const urls = typeof i.prompt === 'string' ? (i.prompt.match(URL_RE) ?? []) : [];
    const fetches = urls.length > 0 ? urls : [typeof i.url === 'string' ? i.url : ''];
    return fetches.slice(0, 50).map((url) => ({ tool: 'WebFetch', input: { url }, cwd: call.cwd }));
  }
  return undefined;
}

function toolError(response: unknown): string | null {
  if (!isObject(response)) return null;
  const err = response.error;
  if (typeof err === 'string' && err !== '') return err;
  if (isObject(err)) return typeof err.message === 'string' ? err.message : JSON.stringify(err);
  return null;
}

export function parseGeminiInput(text: string): HookEvent {
  const o = parseObject(text);
  const { event: native, sessionId, cwd } = baseFields(o);
  let event = EVENTS[native] ?? native;
  let tool: string | null = null;
  let input: unknown;
  const nativeTool = str(o, 'tool_name');
  let raw: Json = o;
  if (native === 'BeforeTool' || native === 'AfterTool') {
    if (!nativeTool) throw new HookInputError(`${native} input has no tool_name`);
    if (!('tool_input' in o)) throw new HookInputError(`${native} input has no tool_input`);
    requireAbsoluteCwd(native, cwd);
    ({ tool, input } = geminiTool(nativeTool, o.tool_input));
    const error = native === 'AfterTool' ? toolError(o.tool_response) : null;
    if (error !== null) {
      event = 'PostToolUseFailure';
      raw = { ...o, error };
    }
  }
  if (native === 'AfterAgent')
    raw = {
      ...o,
      stop_hook_active: o.stop_hook_active === true,
      last_assistant_message: str(o, 'prompt_response') ?? '',
    };
  return {
    event,
    sessionId,
    cwd,
    transcriptPath: str(o, 'transcript_path'),
    agentId: null,
    tool,
    input,
    toolUseId: null,
    response: o.tool_response,
    raw,
    agent: 'gemini',
    ...(event !== native ? { nativeEvent: native } : {}),
    ...(nativeTool && nativeTool !== tool ? { nativeTool } : {}),
  };
}

export function answerGeminiPreToolUse(decision: Decision, opts: PreToolUseOptions): HookAnswer {
  const out: Json = {};
  if (decision.verdict === 'deny') Object.assign(out, { decision: 'deny', reason: decisionText(decision) });
  else if (decision.verdict === 'ask')
    Object.assign(out, { decision: 'deny', reason: humanNeeded(decision) });
  else if ((opts.explicitAllow && decision.tier === 1) || opts.sayAllow) out.decision = 'allow';
  if (opts.stopReason) Object.assign(out, { continue: false, stopReason: opts.stopReason });
  return Object.keys(out).length === 0 ? SILENT : json(out);
}

export function answerGeminiFailure(event: string | null, message: string): HookAnswer {
  if (event === 'Stop') return { stdout: '', stderr: `${FAILED_STOP}: ${message}`, exitCode: 2 };
  const reason = `${FAILED_CALL}: ${message}`;
  // Advisory events: nothing to block, and exit 2 would only print a warning.
  if (
    event === 'SessionStart' ||
    event === 'SessionEnd' ||
    event === 'Notification' ||
    event === 'PreCompact'
  )
    return { stdout: '', stderr: reason, exitCode: 0 };
  return { stdout: '', stderr: reason, exitCode: 2 };
}

export function answerGeminiStop(_event: string, verdict: StopVerdict): HookAnswer {
  if (verdict.action === 'allow') return SILENT;
  if (verdict.action === 'exhausted') return json({ systemMessage: verdict.message });
  return json({ decision: 'deny', reason: verdict.reason });
}

export const geminiProtocol: AgentProtocol = {
  agent: 'gemini',
  parse: parseGeminiInput,
  sniff: (text) => {
    const native = sniffField(text, 'hook_event_name');
    return native === null ? null : (EVENTS[native] ?? native);
  },
  preToolUse: answerGeminiPreToolUse,
  failure: answerGeminiFailure,
  stop: answerGeminiStop,
  sessionStart: sessionStartContext,
  expand: expandGemini,
  projectDirEnv: ['GEMINI_PROJECT_DIR', 'CLAUDE_PROJECT_DIR'],
  // transcript_path is the chat file (chats/session-*.jsonl), read for cost by transcripts/gemini-usage.ts.
  transcript: 'gemini',
};
