// A project named by a short hash of its real path: signed links, login links and Slack buttons carry it,
// so an answer meant for one project never lands in another's ledger with the same INC/APR numbers. The
// real path, so a symlinked checkout and its target are one project (the hook, the flusher and serve
// may each be started from either spelling).
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';

export function projectTag(projectDir: string): string {
  let dir = projectDir;
  try {
    dir = realpathSync(projectDir);
  } catch {
    // A path that does not exist (a page for a project since removed) is hashed as written.
  }
  return createHash('sha256').update(dir).digest('hex').slice(0, 16);
}
