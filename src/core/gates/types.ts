// Acceptance gates: what must hold before an agent, a subagent or a task may say "done".

/**
 * Who a check applies to: `main` (the main agent's Stop), `subagent` (any SubagentStop),
 * `subagent:<agent_type>` (that subagent type only), `task` (TaskCompleted).
 */
export type CheckScope = 'main' | 'subagent' | `subagent:${string}` | 'task';

interface CheckBase {
  /** Stable id, named in every block reason and ledger event. */
  id: string;
  on: CheckScope[];
  /** Seconds before the check counts as failed. */
  timeoutSeconds: number;
  /** Where the check came from, for `runbook explain` and reasons. */
  source: 'policy' | 'runbook';
}

/** Run a verification command; exit 0 passes. */
export interface CommandCheck extends CheckBase {
  kind: 'command';
  run: string;
}

/** The final message (or a file it names) must be JSON valid against a JSON Schema. */
export interface SchemaCheck extends CheckBase {
  kind: 'schema';
  /** Inline JSON Schema, or a file holding one (`schemaFile`). */
  schema?: Record<string, unknown>;
  schemaFile?: string;
  /** `message` (default): the final message, or the first JSON block in it; otherwise a project file. */
  target: 'message' | { file: string };
}

/** The ledger must show a matching tool call (after the last edit, by default). */
export interface ToolCalledCheck extends CheckBase {
  kind: 'tool-called';
  /** Tool-name globs (`Bash`, `mcp__linear__*`). */
  tool: string[];
  /** A regular expression over the call's command, or its input as JSON for other tools. */
  pattern?: string;
  /** `edit` (default): after the last edit of the session or agent; `start`: any time. */
  after: 'edit' | 'start';
  /** Only calls that succeeded (PostToolUse, not PostToolUseFailure) count. Default true. */
  succeeded: boolean;
}

export type GoldenMode = 'exact' | 'normalized' | 'structural';

/** Compare an output (a command's stdout, or a file) with a golden file. */
export interface GoldenCheck extends CheckBase {
  kind: 'golden';
  /** Produce the output with this command (its stdout)... */
  run?: string;
  /** ...or read it from this file. */
  file?: string;
  golden: string;
  mode: GoldenMode;
  /** 0..1: the share that must match (lines for exact/normalized, leaf values for structural). */
  threshold: number;
}

export type AcceptanceCheck = CommandCheck | SchemaCheck | ToolCalledCheck | GoldenCheck;

export interface AcceptanceSettings {
  /** Blocks in a row (per session and agent) before the gate lets the stop happen and raises SEV2. */
  maxAttempts: number;
  checks: AcceptanceCheck[];
  /** Block a final message that claims completion while the evidence disagrees. */
  claims: boolean;
  /** Commands that count as running the tests, besides the command checks (regexes). */
  testCommands: string[];
  /** Add the runbook's postcondition commands as checks. */
  runbookChecks: boolean;
}

/** What the gate knows about the agent's stop. */
export type StopKind = { kind: 'main' } | { kind: 'subagent'; agentType: string } | { kind: 'task' };

export function checkApplies(check: Pick<AcceptanceCheck, 'on'>, stop: StopKind): boolean {
  return check.on.some((s) => {
    if (stop.kind === 'main') return s === 'main';
    if (stop.kind === 'task') return s === 'task';
    return s === 'subagent' || s === `subagent:${stop.agentType}`;
  });
}

/** PostToolBatch: thresholds over one parallel batch of tool calls. */
export interface BurstSettings {
  enabled: boolean;
  maxCalls: number;
  maxWrites: number;
  maxFiles: number;
  maxExternal: number;
  /** A call above this tier stops the loop; 4 turns the test off. */
  maxTier: 1 | 2 | 3 | 4;
}

/** How the runbook binds to a session. */
export interface RunbookSettings {
  /** Compile the scope and Never list into rules. */
  compile: boolean;
  /** Tier for write effects while the runbook is missing or fails lint; 1 = off. */
  missingTier: 1 | 2 | 3 | 4;
  /** Tier for every action above tier 1 once the runbook changed mid-session; 1 = off. */
  changedTier: 1 | 2 | 3 | 4;
}
