// Which project a directory belongs to, found the way git finds a repository: from the directory up to the
// nearest one holding agent-sre.yaml or .agent-sre/. The CLI's commands use it (src/cli/project-root.ts),
// and so does the hook of an agent whose environment names no project directory (Codex, Copilot): a
// session started in a subdirectory is the project's session, under the project's policy and ledger.
import { lstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { POLICY_FILE, STATE_DIR } from './policy.ts';

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    // Missing, or a directory on the way we may not read: either way not a marker we can use.
    return false;
  }
}

export function isProjectRoot(dir: string): boolean {
  return present(join(dir, POLICY_FILE)) || present(join(dir, STATE_DIR));
}

/** The nearest directory at or above `start` that is a project, or null. */
export function findProjectRoot(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (isProjectRoot(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The project a hook event is about: the directory the agent's environment names (CLAUDE_PROJECT_DIR,
 * ...), else the nearest project at or above the event's cwd, else the cwd itself.
 */
export function hookProjectDir(named: string | undefined, cwd: string | undefined): string | undefined {
  if (named) return named;
  if (!cwd) return undefined;
  return findProjectRoot(cwd) ?? cwd;
}
