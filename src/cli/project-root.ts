// Which project a command is about, found the way git finds a repository: from the current directory
// up to the nearest directory holding agent-sre.yaml or .agent-sre/. Kept apart from project.ts, which
// loads the ledger, so that finding the root costs a command nothing it does not use.
//
// A `.git` alone does not make a project, and does not stop the search either: a repository that is not
// set up has nothing for agent-sre to read, and a submodule inside a project still belongs to it. Only
// `agent-sre init` starts a project where there is none (it owns that decision).
import { resolve } from 'node:path';
import { POLICY_FILE, STATE_DIR } from '../app/policy.ts';
import { findProjectRoot, isProjectRoot } from '../app/project-root.ts';

export { findProjectRoot, isProjectRoot };

/** Refusing to run outside a project: printed as it is (no usage), exit 2. */
export class NotAProjectError extends Error {
  override name = 'NotAProjectError';
}

/**
 * The project a command works on: `--dir` when given (it names the root itself, and must be one), else
 * the nearest project at or above `cwd`. Throws NotAProjectError rather than let a command create
 * `.agent-sre/` somewhere that is not a project.
 */
export function requireProjectRoot(dirOption: string | undefined, cwd: string): string {
  if (dirOption !== undefined) {
    const dir = resolve(cwd, dirOption);
    if (!isProjectRoot(dir))
      throw new NotAProjectError(
        `${dir} is not an agent-sre project (run agent-sre init there, or give --dir the project's root): it has no ${POLICY_FILE} or ${STATE_DIR}/`,
      );
    return dir;
  }
  const root = findProjectRoot(cwd);
  if (root === null)
    throw new NotAProjectError(
      `not an agent-sre project (run agent-sre init): no ${POLICY_FILE} or ${STATE_DIR}/ in ${cwd} or any directory above it`,
    );
  return root;
}
