// The agent-neutral vocabulary shared by every layer. Pure types only.

export type Tier = 1 | 2 | 3 | 4;

/** What Claude Code (or any agent) is told. `allow` means "no objection": tiers 1 and 2. */
export type Verdict = 'allow' | 'ask' | 'deny';

export const TIER_NAMES: Record<Tier, string> = {
  1: 'auto',
  2: 'log and continue',
  3: 'real-time gate',
  4: 'hard deny',
};

export function verdictForTier(tier: Tier): Verdict {
  if (tier === 4) return 'deny';
  if (tier === 3) return 'ask';
  return 'allow';
}

/** One tool call as the agent asked for it, before any judgement. */
export interface ToolCall {
  tool: string;
  input: unknown;
  /** The agent's working directory for this call (absolute). */
  cwd: string;
}

/**
 * Where a path lives. Zones are exclusive; tags (credential, guard, ...) are added on top.
 * `outside` is anything absolute that is none of the others (another user's tree, /opt/x, ...).
 */
export type Zone = 'project' | 'temp' | 'home' | 'system' | 'root' | 'device' | 'outside';

export type EffectKind = 'exec' | 'delete' | 'write' | 'read' | 'net' | 'mcp' | 'opaque';

interface EffectBase {
  kind: EffectKind;
  /** Semantic labels from recognizers, e.g. `git.force-push`, `credential`, `recursive`. */
  tags: string[];
  /** Short human text naming where this effect came from, e.g. `bash: rm -rf ~/x`. */
  origin: string;
}

export interface ExecEffect extends EffectBase {
  kind: 'exec';
  /** Basename of the program (`rm`, `git`), or the literal text when it could not be resolved. */
  program: string;
  argv: string[];
}

export interface PathEffect extends EffectBase {
  kind: 'delete' | 'write' | 'read';
  /** Absolute, normalised path (`~` and `$HOME` expanded, `..` folded). */
  path: string;
  zone: Zone;
}

export interface NetEffect extends EffectBase {
  kind: 'net';
  host: string;
  method: string;
  /** Credentials travel with the call: auth headers, tokens in the URL, cookie files, -u user:pass. */
  credentialed: boolean;
  url?: string;
}

export interface McpEffect extends EffectBase {
  kind: 'mcp';
  server: string;
  tool: string;
  verb: 'read' | 'write' | 'delete' | 'unknown';
}

export interface OpaqueEffect extends EffectBase {
  kind: 'opaque';
  why: string;
}

export type Effect = ExecEffect | PathEffect | NetEffect | McpEffect | OpaqueEffect;

/** The environment a call is judged in. Passed in: the core never reads it itself. */
export interface JudgeContext {
  /** Absolute project root (CLAUDE_PROJECT_DIR or the hook's cwd). */
  projectDir: string;
  home: string;
  /** Temp roots, e.g. /tmp, /var/tmp, $TMPDIR. */
  tempDirs: string[];
  /** Reads a script the call would run, for judging its content. Returns undefined when unreadable. */
  readScript?: (absPath: string) => string | undefined;
  /** Parses shell source; injected so the core stays free of native modules. */
  parseShell: ShellParser;
  /**
   * Parses YAML (a Taskfile), throwing on invalid text; injected so the core imports no library.
   * Without it, YAML files that would run are read as running nothing they can be judged by.
   */
  parseYaml?: (text: string) => unknown;
  /** Branch names (globs) treated as protected besides the built-in defaults. */
  protectedBranches: readonly string[];
  /**
   * Where the guard itself lives outside the project, so that no tool call can reach it: the installed
   * agent-sre package (its launcher, dist/ and node_modules) and the per-user directory holding the secret.
   */
  guard?: GuardLocations;
}

export interface GuardLocations {
  /** The agent-sre package root that runs the hook (has bin/ and dist/). */
  installDir?: string;
  /** agent-sre's per-user directory (~/.config/agent-sre): the secret, trusted install hashes. */
  userDir?: string;
  /** Codex's home when `$CODEX_HOME` moves it from ~/.codex: its hooks.json and config.toml are the guard's. */
  codexHome?: string;
  /** Ports of agent-sre's own servers on this machine (hook endpoint, dashboard), besides the defaults. */
  serverPorts?: number[];
  /** Hosts that front agent-sre's server from outside (the public URL of its signed links). */
  serverHosts?: string[];
}

/** A minimal, parser-neutral shell syntax tree. Produced by an adapter (tree-sitter). */
export interface ShellNode {
  type: string;
  text: string;
  field?: string;
  children: ShellNode[];
}

export type ShellParser = (source: string) => ShellNode;

export interface Decision {
  tier: Tier;
  verdict: Verdict;
  /** Stable id of the rule that set the tier. */
  rule: string;
  reason: string;
  effects: Effect[];
}
