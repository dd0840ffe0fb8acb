// The command line the other agents (Codex, Gemini CLI, Cursor, Copilot) run for agent-sre's hook. Unlike
// Claude Code, they take one string that a shell runs, so this is the launcher Claude Code's entries name
// (`node <install>/bin/agent-sre-hook.cjs hook <agent> --timeout S`), quoted for sh. With agent-sre in
// the project's node_modules the string names it relative to the repository's top, found from the
// directory the agent runs the hook in, so a committed config works on every checkout; without it, this
// machine's node and install by absolute path (init warns not to commit those files).
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { HookLocation } from '../hook-location.ts';

export const AGENTS = ['claude', 'codex', 'gemini', 'cursor', 'copilot'] as const;
export type Agent = (typeof AGENTS)[number];
export type OtherAgent = Exclude<Agent, 'claude'>;

/** What the process list and the refusals call the hook's shell (`$0`). */
const SCRIPT_NAME = 'agent-sre';
const SAFE_REL = /^[A-Za-z0-9._@+/-]+$/;

/** One word for sh: single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The repository's top (a directory holding .git), or undefined outside a repository. */
export function repoTop(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The shell script of the portable command: the launcher under the repository's top (git's answer from
 * the hook's working directory, else that directory), or a refusal with exit 2, which every one of these
 * agents counts as a block (Codex needs the reason on stderr), where a launcher that cannot start would be
 * a non-blocking error.
 */
export function portableAgentScript(relFromTop: string): string {
  if (!SAFE_REL.test(relFromTop) || relFromTop.split('/').some((s) => s === '' || s === '.' || s === '..'))
    throw new Error(`cannot name ${JSON.stringify(relFromTop)} in a hook command`);
  return [
    'top=$(git rev-parse --show-toplevel 2>/dev/null) || top=$PWD',
    `h="$top/${relFromTop}/bin/agent-sre-hook.cjs"`,
    'if [ ! -f "$h" ]; then echo "agent-sre refused: agent-sre is not installed in this project ($h is missing). Run npm install (agent-sre is a devDependency), then npx agent-sre doctor." >&2; exit 2; fi',
    'command -v node >/dev/null 2>&1 || { echo "agent-sre refused: node is not on the PATH this agent runs hooks with." >&2; exit 2; }',
    'exec node "$h" "$@"',
  ].join('; ');
}

/**
 * The command string `agent` runs. `where` is hook-location.ts's answer for the project; a project install
 * is named from the repository's top, which `projectDir` is in.
 */
export function agentHookCommand(
  where: HookLocation,
  projectDir: string,
  agent: OtherAgent,
  timeoutSec: number,
  /** `--event NAME`, for an agent whose input does not name its event (Copilot's camelCase hooks). */
  event?: string,
): string {
  const tail = ['hook', agent, ...(event ? ['--event', event] : []), '--timeout', String(timeoutSec)];
  if (where.kind === 'project') {
    const top = repoTop(projectDir) ?? projectDir;
    const fromTop = relative(top, join(projectDir, where.rel)).split(sep).join('/');
    return ['sh', '-c', portableAgentScript(fromTop), SCRIPT_NAME, ...tail].map(shellQuote).join(' ');
  }
  // where.args is [launcher, 'hook', 'claude']: keep the launcher, name this agent.
  const launcher = where.args[0] ?? join(where.installDir, 'bin', 'agent-sre-hook.cjs');
  return [where.command, launcher, ...tail].map(shellQuote).join(' ');
}

const OURS = /(?:^|[\s'"/])agent-sre(?:-hook\.cjs|\.js)?'?\s+hook\s+(claude|codex|gemini|cursor|copilot)\b/;

/** The agent a hook command runs agent-sre's hook for, or undefined when it is not agent-sre's. */
export function ourHookAgent(command: unknown): Agent | undefined {
  if (typeof command !== 'string') return undefined;
  return OURS.exec(command)?.[1] as Agent | undefined;
}

/** The `--timeout S` a command passes the launcher, or undefined. */
export function commandTimeout(command: string): number | undefined {
  const m = /\s--timeout\s+'?(\d+)'?(?:\s|$)/.exec(command);
  return m ? Number(m[1]) : undefined;
}
