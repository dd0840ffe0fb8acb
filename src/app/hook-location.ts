// Which agent-sre the hooks in .claude/settings.json run, and how they name it. That file is committed and
// shared, so when the project has agent-sre in its own node_modules the hooks name it through
// $CLAUDE_PROJECT_DIR, which every teammate's and CI's checkout resolves to its own copy. Only when there
// is no such install (a global install, a clone elsewhere) do they fall back to this machine's absolute
// paths, and init says so.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { hookCommand, packageRoot } from './paths.ts';

const LAUNCHER = 'bin/agent-sre-hook.cjs';
/** What `$0` of the hook's shell is called: the error messages and doctor's process list show it. */
const SCRIPT_NAME = 'agent-sre';

/** A path segment init puts in a shell script between double quotes: nothing the shell would expand. */
const SAFE_REL = /^[A-Za-z0-9._@+/-]+$/;

export type HookLocation =
  | {
      kind: 'project';
      /** The install's directory relative to the project, `/`-separated, e.g. `node_modules/agent-sre`. */
      rel: string;
      /** Its real path on this machine: the install init records as trusted. */
      installDir: string;
      command: string;
      args: string[];
    }
  | {
      kind: 'machine';
      /** The running install (a global one, or a clone): it is what the absolute command names. */
      installDir: string;
      command: string;
      args: string[];
    };

/**
 * The shell script the portable entry runs: the launcher under $CLAUDE_PROJECT_DIR, or a refusal (exit 2,
 * which blocks the call on every event, where a launcher that cannot start would exit 127, a non-blocking
 * error on the Stop-type events) naming what is missing. `exec` keeps one process, so Claude Code's
 * timeout signal reaches the launcher itself.
 */
export function portableScript(rel: string): string {
  if (!SAFE_REL.test(rel) || rel.split('/').some((s) => s === '' || s === '.'))
    throw new Error(`cannot name ${JSON.stringify(rel)} in a hook command`);
  return [
    `h="$CLAUDE_PROJECT_DIR/${rel}/${LAUNCHER}"`,
    'if [ ! -f "$h" ]; then echo "agent-sre refused: agent-sre is not installed in this project ($h is missing). Run npm install (agent-sre is a devDependency), then npx agent-sre doctor." >&2; exit 2; fi',
    'command -v node >/dev/null 2>&1 || { echo "agent-sre refused: node is not on the PATH Claude Code runs hooks with." >&2; exit 2; }',
    'exec node "$h" "$@"',
  ].join('; ');
}

/** Exec form: `sh -c SCRIPT agent-sre hook claude`; settings.ts appends `--timeout N` to the tail. */
export function portableHookCommand(rel: string): { command: string; args: string[] } {
  return { command: 'sh', args: ['-c', portableScript(rel), SCRIPT_NAME, 'hook', 'claude'] };
}

/**
 * The Claude Code plugin's hook (hooks/hooks.json): the project's own install when it has one (the version
 * the repository pins in package.json), else the plugin's, which runs when the plugin root is an installed
 * package with its dependencies (a marketplace added from `npm root -g`/agent-sre or a clone after npm
 * install). Neither: a refusal, as above. Policy always comes from the project's agent-sre.yaml.
 */
export function pluginScript(): string {
  return [
    `h="$CLAUDE_PROJECT_DIR/node_modules/agent-sre/${LAUNCHER}"`,
    `[ -f "$h" ] || h="$CLAUDE_PLUGIN_ROOT/${LAUNCHER}"`,
    'if [ ! -f "$h" ]; then echo "agent-sre refused: the agent-sre plugin found no agent-sre to run (neither $CLAUDE_PROJECT_DIR/node_modules/agent-sre nor the plugin root $CLAUDE_PLUGIN_ROOT has bin/agent-sre-hook.cjs)." >&2; exit 2; fi',
    'command -v node >/dev/null 2>&1 || { echo "agent-sre refused: node is not on the PATH Claude Code runs hooks with." >&2; exit 2; }',
    'exec node "$h" "$@"',
  ].join('; ');
}

export function pluginHookCommand(): { command: string; args: string[] } {
  return { command: 'sh', args: ['-c', pluginScript(), SCRIPT_NAME, 'hook', 'claude'] };
}

/**
 * The project-relative install a portable entry runs (`node_modules/agent-sre`), or undefined when the
 * entry is not one (an absolute path, an HTTP hook, a hand-written command).
 */
export function portableInstallOf(entry: { command?: unknown; args?: unknown }): string | undefined {
  if (entry.command !== 'sh' || !Array.isArray(entry.args) || entry.args[0] !== '-c') return undefined;
  const script = entry.args[1];
  if (typeof script !== 'string') return undefined;
  const m = /^h="\$CLAUDE_PROJECT_DIR\/([^"]+)\/bin\/agent-sre-hook\.cjs"/.exec(script);
  return m?.[1];
}

/** The repository's top (a directory holding .git), or undefined outside a repository. */
function repoRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * agent-sre installed for this project: `node_modules/agent-sre` in the project or, in a workspace whose
 * packages are hoisted, in a directory above it inside the same repository (a teammate's checkout has the
 * same layout). An install outside the repository is this machine's, not the project's.
 */
export function findProjectInstall(projectDir: string): { rel: string; installDir: string } | undefined {
  const top = repoRoot(projectDir) ?? projectDir;
  for (let d = projectDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', 'agent-sre');
    if (existsSync(join(candidate, LAUNCHER)) && statSync(join(candidate, LAUNCHER)).isFile()) {
      const rel = relative(projectDir, candidate).split(sep).join('/');
      if (SAFE_REL.test(rel)) return { rel, installDir: realpathSync(candidate) };
    }
    if (d === top || dirname(d) === d) return undefined;
  }
}

/** Where init points the hooks for `projectDir`: the project's own install when it has one. */
export function hookLocation(projectDir: string): HookLocation {
  const found = findProjectInstall(projectDir);
  if (found) return { kind: 'project', ...found, ...portableHookCommand(found.rel) };
  return { kind: 'machine', installDir: packageRoot(), ...hookCommand() };
}
