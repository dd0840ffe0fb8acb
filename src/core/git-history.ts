// Paths whose deletion destroys a repository's history: the project's own `.git` directory and the parts
// of it that hold commits and refs. Lock files, hooks and submodule clones under `.git` are not history.
// Deleting the project itself (`rm -rf .`, `rm -rf ../proj`) is refused by the guard's rules already:
// the project always holds the guard's files (guard.tamper-parent).
import { globToRegExp } from './glob.ts';

/** Under `.git`, what holds commits, branches, tags, stashes and their reflogs. */
const HISTORY_PARTS = ['objects', 'refs', 'logs', 'packed-refs', 'HEAD'];

/**
 * Would deleting `path` (absolute, normalised; a glob is allowed) delete the history of the repository at
 * `projectDir`? A glob counts when one of its segments can match, with the shell's rule that `*` does not
 * match a leading dot (`.*` reaches `.git`, `*` does not); `**` is left to the rules for the whole tree.
 */
export function isGitHistoryPath(path: string, projectDir: string): boolean {
  if (!/[*?[]/.test(path)) {
    const git = `${projectDir}/.git`;
    if (path === git) return true;
    return HISTORY_PARTS.some((p) => path === `${git}/${p}` || path.startsWith(`${git}/${p}/`));
  }
  if (path.includes('**')) return false;
  const segs = path.split('/');
  const targets = [`${projectDir}/.git`, ...HISTORY_PARTS.map((p) => `${projectDir}/.git/${p}`)];
  return targets.some((t) => {
    const ts = t.split('/');
    if (ts.length !== segs.length) return false;
    return segs.every((g, i) => {
      const name = ts[i]!;
      if (!/[*?[]/.test(g)) return g === name;
      if (name.startsWith('.') && !g.startsWith('.')) return false;
      return globToRegExp(g, '').test(name);
    });
  });
}
