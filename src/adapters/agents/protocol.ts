// The seam between agent-sre and a coding agent's hook protocol. Each agent (Claude Code, Codex CLI, Gemini
// CLI, Cursor, Copilot CLI) reads its own hook JSON into the one HookEvent every other layer works with
// (Claude Code's event and tool names: PreToolUse, Bash, Write, ...) and writes each answer in exactly the
// shape that agent honours. Policy, ledger, budgets, escalation and the stop gate never see the difference.
import type { Decision, ToolCall } from '../../core/types.ts';

export const MAX_HOOK_INPUT = 8 * 1024 * 1024;

export const AGENTS = ['claude', 'codex', 'gemini', 'cursor', 'copilot'] as const;
export type AgentName = (typeof AGENTS)[number];

export function isAgent(name: unknown): name is AgentName {
  return typeof name === 'string' && (AGENTS as readonly string[]).includes(name);
}

export class HookInputError extends Error {
  override name = 'HookInputError';
}

/** One hook event, normalised to Claude Code's names whatever agent sent it. */
export interface HookEvent {
  /** PreToolUse, PostToolUse, PostToolUseFailure, Stop, SubagentStop, SessionStart, SessionEnd, ... */
  event: string;
  sessionId: string;
  cwd: string;
  transcriptPath: string | null;
  agentId: string | null;
  /** Claude Code's tool name (Bash, Write, Edit, Read, WebFetch, mcp__server__tool) where one fits. */
  tool: string | null;
  input: unknown;
  toolUseId: string | null;
  response: unknown;
  /**
   * The fields the gates read, under Claude Code's names (`stop_hook_active`, `last_assistant_message`,
   * `prompt_id`, `tool_calls`, `error`, ...). For Claude Code it is the input itself.
   */
  raw: Record<string, unknown>;
  /** The agent that sent it; absent means Claude Code. */
  agent?: AgentName;
  /** The agent's own name for the event (BeforeTool, beforeShellExecution, ...), when it differs. */
  nativeEvent?: string;
  /** The agent's own tool name, when it was mapped to another. */
  nativeTool?: string;
}

export interface HookAnswer {
  stdout: string;
  stderr: string;
  exitCode: 0 | 2;
}

export const SILENT: HookAnswer = { stdout: '', stderr: '', exitCode: 0 };

export type StopVerdict =
  | { action: 'allow' }
  | { action: 'block'; reason: string }
  | { action: 'exhausted'; message: string };

export interface PreToolUseOptions {
  explicitAllow: boolean;
  /** The session is terminated: agents that can end the loop from a hook do so. */
  stopReason?: string;
  /** A human approved this call at the gate. */
  sayAllow?: boolean;
}

export interface AgentProtocol {
  agent: AgentName;
  /** Read one hook input. Throws HookInputError for anything that is not a well-formed event. */
  parse(text: string, opts?: ParseOptions): HookEvent;
  /** The normalised event name of input that failed to parse, to refuse it in the right shape. */
  sniff(text: string, opts?: ParseOptions): string | null;
  preToolUse(decision: Decision, opts: PreToolUseOptions): HookAnswer;
  /** Fail closed: what this agent honours as a refusal for `event` (normalised), or the nearest thing. */
  failure(event: string | null, message: string): HookAnswer;
  stop(event: string, verdict: StopVerdict): HookAnswer;
  sessionStart(additionalContext: string | null, systemMessage: string | null): HookAnswer;
  /** PostToolBatch (Claude Code only). */
  batch?(reason: string | null): HookAnswer;
  /**
   * The Claude-shaped calls a native call amounts to, for its effects (Codex's apply_patch: one per file it
   * touches). Undefined: the call is its own effects.
   */
  expand?(call: ToolCall): ToolCall[] | undefined;
  /** Environment variables, in order, that name the project directory when this agent sets one. */
  projectDirEnv: readonly string[];
  /** The transcript format `transcriptPath` holds, for the catch-up (Claude's only) and the cost reader. */
  transcript: 'claude' | 'codex' | 'gemini' | null;
}

export interface ParseOptions {
  /** The event, when the agent does not name it in the input (Copilot's camelCase hooks). */
  event?: string;
}

// ---------------------------------------------------------------------------------------------------
// Helpers every protocol's parser uses: untrusted JSON in, checked fields out.

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (o: Json, k: string): string | null =>
  typeof o[k] === 'string' ? (o[k] as string) : null;

/** The first of `keys` that holds a string in `o` (tools name the same argument differently). */
export function firstString(o: Json, ...keys: string[]): string | undefined {
  for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
  return undefined;
}

/** The input as a JSON object, or a HookInputError saying why not. */
export function parseObject(text: string): Json {
  if (text.length > MAX_HOOK_INPUT)
    throw new HookInputError(`hook input is ${text.length} bytes, over the ${MAX_HOOK_INPUT}-byte limit`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HookInputError(`hook input is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new HookInputError('hook input is not a JSON object');
  return raw;
}

/** A field the input must have, as a non-empty string. */
export function required(o: Json, key: string): string {
  const v = str(o, key);
  if (!v) throw new HookInputError(`hook input has no ${key}`);
  return v;
}

/** The fields every snake_case hook input (Claude Code, Codex, Gemini) starts with. */
export function baseFields(o: Json): { event: string; sessionId: string; cwd: string } {
  return {
    event: required(o, 'hook_event_name'),
    sessionId: required(o, 'session_id'),
    cwd: str(o, 'cwd') ?? '',
  };
}

export function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** A tool event must say where it runs: every relative path in it is resolved against that. */
export function requireAbsoluteCwd(event: string, cwd: string): void {
  if (!isAbsolute(cwd)) throw new HookInputError(`${event} input has no absolute cwd`);
}

/** Peek at a string field of input that failed to parse (bounded, no JSON parse). */
export function sniffField(text: string, field: string): string | null {
  const m = new RegExp(`"${field}"\\s*:\\s*"([A-Za-z_]+)"`).exec(text.slice(0, 64 * 1024));
  return m ? m[1]! : null;
}

/** The one line every refusal of a call carries: which tier and rule, and why. */
export function decisionText(decision: Decision): string {
  return `agent-sre (tier ${decision.tier}, ${decision.rule}): ${decision.reason}`;
}

/**
 * For agents with no "ask the human" answer (Codex, Gemini, Cursor's `ask` is not relied on): a tier-3 call
 * is refused with a reason that tells the agent a human must let it through. With `gate.mode: wait`
 * the call never gets here as `ask`: the hook holds it until `agent-sre approve|deny` answers.
 */
export function humanNeeded(decision: Decision): string {
  return `${decisionText(decision)} This needs a human's approval, and this agent cannot ask for it from a hook: do not retry it or look for another way. Tell the human what you wanted to run and why; they can run it themselves, or switch on agent-sre's waiting gate (\`gate.mode: wait\` in agent-sre.yaml) so that \`agent-sre approve\` lets such a call through.`;
}

export const FAILED_CALL = 'agent-sre could not judge this call, so it is refused';
export const FAILED_STOP =
  'agent-sre could not run its acceptance checks, so this stop is blocked. Do not report the work as done; tell the human that agent-sre needs attention (agent-sre doctor)';

/**
 * SessionStart's context in the shape Claude Code, Codex and Gemini all read:
 * hookSpecificOutput.additionalContext, and a systemMessage for the human.
 */
export function sessionStartContext(
  additionalContext: string | null,
  systemMessage: string | null,
): HookAnswer {
  if (additionalContext === null && systemMessage === null) return SILENT;
  const out: Json = {};
  if (additionalContext !== null)
    out.hookSpecificOutput = { hookEventName: 'SessionStart', additionalContext };
  if (systemMessage !== null) out.systemMessage = systemMessage;
  return { stdout: JSON.stringify(out), stderr: '', exitCode: 0 };
}
