// Semantic tags for git command lines: what would be lost, rewritten or pushed where; and the work-tree
// files a git command deletes or overwrites, as path effects (so `git rm agent-sre.yaml` meets the guard).
import { guardRelation, resolvePath } from '../paths.ts';
import type { Ctx } from './commands.ts';
import { gitApply } from './patches.ts';
import { emitPath } from './sink.ts';

const GLOBAL_WITH_VALUE = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--super-prefix',
  '--config-env',
]);
export const DEFAULT_PROTECTED = [
  'main',
  'master',
  'trunk',
  'develop',
  'development',
  'production',
  'prod',
  'release',
  'release/*',
  'stable',
];

function subcommand(argv: string[]): { sub: string; rest: string[]; configs: string[] } {
  const configs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c') configs.push(argv[i + 1] ?? '');
    if (a.startsWith('-c') && a.length > 2 && !a.startsWith('--')) configs.push(a.slice(2));
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return { sub: a, rest: argv.slice(i + 1), configs };
  }
  return { sub: '', rest: [], configs };
}

function globMatch(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(name);
}

export function isProtectedBranch(name: string, extra: readonly string[]): boolean {
  const branch = name.replace(/^refs\/heads\//, '');
  return [...DEFAULT_PROTECTED, ...extra].some((p) => globMatch(branch, p));
}

/** `-f`, a bundle holding f (`-qf`), `--force` or an abbreviation of it. */
const forced = (rest: string[]) =>
  rest.some((a) => isLong(a, '--force', 5) || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a));

const bundled = (rest: string[], letter: string, long: string) =>
  rest.some((a) => a === long || (/^-[a-zA-Z]+$/.test(a) && a.includes(letter)));

/** Does `arg` spell `long` or an abbreviation git would accept for it (`--har` for `--hard`)? */
const isLong = (arg: string, long: string, min = 4) =>
  arg.length >= min && long.startsWith(arg) && arg.startsWith('--');

export function gitTags(argv: string[], protectedBranches: readonly string[]): string[] {
  let { sub, rest, configs } = subcommand(argv);
  // `git -c alias.nuke=reset nuke --hard` runs `git reset --hard`.
  const alias = configs.map((c) => /^alias\.([^=]+)=(.*)$/i.exec(c)).find((m) => m && m[1] === sub);
  if (alias) {
    const words = alias[2]!.trim().split(/\s+/);
    if (words[0]?.startsWith('!')) return ['git.shell-alias'];
    sub = words[0] ?? '';
    rest = [...words.slice(1), ...rest];
  }
  const tags: string[] = [];
  if (rest.includes('--help') || rest.includes('-h')) return tags;
  if (configs.some((c) => /^core\.(hooksPath|fsmonitor|sshCommand|pager|editor)=/i.test(c)))
    tags.push('git.hooks');
  switch (sub) {
    case 'reset':
      if (rest.some((a) => isLong(a, '--hard') || isLong(a, '--merge') || isLong(a, '--keep', 5)))
        tags.push('git.discard');
      break;
    case 'clean':
      if (bundled(rest, 'f', '--force') && !bundled(rest, 'n', '--dry-run')) tags.push('git.discard');
      break;
    case 'checkout': {
      const dd = rest.indexOf('--');
      const pathspec =
        dd >= 0 ? rest.slice(dd + 1) : rest.filter((a) => a === '.' || a === ':/' || a.startsWith('./'));
      const creates = rest.some((a) => /^-[bB]$|^--orphan$/.test(a));
      // `git checkout HEAD file.txt`: a tree-ish then paths overwrites those files.
      const positional = rest.filter((a) => !a.startsWith('-'));
      // Only when a later word looks like a path: options such as --track or --conflict take values too.
      const treeishThenPath = positional.length >= 2 && positional.slice(1).some((p) => /[./]/.test(p));
      if (pathspec.length > 0 || (!creates && treeishThenPath) || forced(rest)) {
        tags.push('git.discard');
      }
      break;
    }
    case 'restore':
      if (rest.includes('--version')) break;
      if (
        !rest.some((a) => a === '--staged' || /^-[a-zA-Z]*S/.test(a)) ||
        rest.some((a) => a === '--worktree' || /^-[a-zA-Z]*W/.test(a))
      ) {
        const patch = rest.some(
          (a) => a === '-p' || isLong(a, '--patch') || a.startsWith('--pathspec-from-f'),
        );
        if (patch || rest.some((a) => !a.startsWith('-'))) tags.push('git.discard');
      }
      break;
    case 'switch':
      if (forced(rest) || rest.some((a) => isLong(a, '--discard-changes', 6))) tags.push('git.discard');
      break;
    case 'worktree':
      // Removing a worktree by force throws away its uncommitted changes.
      if (rest[0] === 'remove' && forced(rest.slice(1))) tags.push('git.discard');
      break;
    case 'stash':
      if (rest[0] === 'drop' || rest[0] === 'clear') tags.push('git.discard');
      break;
    case 'filter-branch':
    case 'filter-repo':
      tags.push('git.rewrite-history');
      break;
    case 'reflog':
      if (rest[0] === 'expire' || rest[0] === 'delete') tags.push('git.rewrite-history');
      break;
    case 'gc':
      if (rest.some((a) => /^--prune=(now|all)/.test(a))) tags.push('git.rewrite-history');
      break;
    case 'prune':
      if (rest.some((a) => /^--expire/.test(a))) tags.push('git.rewrite-history');
      break;
    case 'update-ref':
      if (rest.includes('-d') || rest.includes('--delete')) tags.push('git.rewrite-history');
      break;
    case 'branch':
      if (bundled(rest, 'D', '--delete') || (rest.includes('-d') && rest.includes('--force'))) {
        const names = rest.filter((a) => !a.startsWith('-'));
        tags.push(
          names.some((n) => isProtectedBranch(n, protectedBranches))
            ? 'git.delete-protected'
            : 'git.delete-branch',
        );
      }
      if (rest.some((a) => a === '-f' || a === '--force' || a === '-M' || a === '-C')) {
        const names = rest.filter((a) => !a.startsWith('-'));
        if (names.some((n) => isProtectedBranch(n, protectedBranches))) tags.push('git.rewrite-protected');
      }
      break;
    case 'config':
      if (rest.some((a) => /^core\.hooksPath$/i.test(a))) tags.push('git.hooks');
      if (rest.some((a) => /^credential\./i.test(a))) tags.push('cred.manage');
      break;
    case 'push':
      tags.push(...pushTags(rest, protectedBranches));
      if (rest.some((a) => isLong(a, '--no-verify', 9))) tags.push('git.no-verify');
      break;
    case 'commit':
      if (commitSkipsHooks(rest)) tags.push('git.no-verify');
      break;
    case 'merge':
    case 'pull':
    case 'rebase':
    case 'am':
      // Exact spelling only: merge and pull also take `--no-verify-signatures`, so a prefix is ambiguous.
      if (rest.includes('--no-verify')) tags.push('git.no-verify');
      break;
    case 'add':
    case 'status':
    case 'log':
    case 'diff':
    case 'show':
    case 'fetch':
    case 'clone':
    case 'tag':
    case 'blame':
    case 'grep':
      break;
  }
  return tags;
}

/** Short options of `git commit` that take a value: in a bundle, what follows them is that value. */
const COMMIT_VALUE_LETTERS = 'mFcCtuS';

/**
 * `git commit -n`, `--no-verify` (or an abbreviation git accepts: `--no-veri`), `-n` inside a bundle
 * such as `-anm msg`: the pre-commit and commit-msg hooks do not run. Option values (`-m "-n"`) are skipped.
 */
function commitSkipsHooks(rest: string[]): boolean {
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') return false;
    if (isLong(a, '--no-verify', 9)) return true;
    if (
      /^--(message|file|reuse-message|reedit-message|template|author|date|cleanup|fixup|squash|trailer)$/.test(
        a,
      )
    ) {
      i++;
      continue;
    }
    if (!/^-[a-zA-Z]+$/.test(a)) continue;
    for (let k = 1; k < a.length; k++) {
      const ch = a[k]!;
      if (ch === 'n') return true;
      if (COMMIT_VALUE_LETTERS.includes(ch)) {
        // `-m msg`: the value is the next word; `-mmsg`: the rest of this one. -u and -S only take an attached one.
        if (k === a.length - 1 && ch !== 'u' && ch !== 'S') i++;
        break;
      }
    }
  }
  return false;
}

const PUSH_WITH_VALUE = new Set([
  '--repo',
  '-o',
  '--push-option',
  '--receive-pack',
  '--exec',
  '--recurse-submodules',
]);

function pushTags(rest: string[], protectedBranches: readonly string[]): string[] {
  const tags = ['git.push'];
  let force = false;
  let lease = false;
  let del = false;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (PUSH_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (isLong(a, '--force', 5) || a === '-f' || (/^-[a-zA-Z]+$/.test(a) && a.includes('f'))) force = true;
    else if (a.startsWith('--force-with-lease') || a === '--force-if-includes') lease = true;
    else if (a === '--delete' || a === '-d') del = true;
    else if (isLong(a, '--mirror', 5) || a === '--prune') {
      tags.push('git.rewrite-history');
      force = true;
    } else if (a === '--all') positional.push('*all');
    else if (!a.startsWith('-')) positional.push(a);
  }
  const refspecs = positional.slice(1);
  const targets: { name: string; force: boolean; del: boolean }[] = refspecs.map((r) => {
    const plus = r.startsWith('+');
    const spec = plus ? r.slice(1) : r;
    const colon = spec.indexOf(':');
    const src = colon >= 0 ? spec.slice(0, colon) : spec;
    const dst = colon >= 0 ? spec.slice(colon + 1) : spec;
    return {
      name: dst === 'HEAD' || dst === '' ? (colon >= 0 && src === '' ? dst : '*current') : dst,
      force: force || plus,
      del: del || (colon >= 0 && src === ''),
    };
  });
  if (targets.length === 0) targets.push({ name: '*current', force, del });
  for (const t of targets) {
    const unknown = t.name === '*current' || t.name === '*all' || t.name === 'HEAD';
    const prot = t.name === '*all' || (!unknown && isProtectedBranch(t.name, protectedBranches));
    if (t.del) tags.push(prot ? 'git.delete-protected' : 'git.delete-remote-branch');
    if (t.force) tags.push('git.force-push');
    if (prot) tags.push('git.protected-branch');
    if (unknown && !prot) tags.push('git.unknown-branch');
  }
  if (lease && !force) {
    tags.push('git.force-with-lease');
    // A lease still rewrites the branch: on a protected one that is a force push all the same.
    if (tags.includes('git.protected-branch')) tags.push('git.force-push');
  }
  return [...new Set(tags)];
}

/** Options of the path-taking subcommands that take a value. */
const PATH_CMD_WITH_VALUE = new Set([
  '-s',
  '--source',
  '-m',
  '--message',
  '--pathspec-from-file',
  '-e',
  '--exclude',
  '-b',
  '-B',
  '--orphan',
  '--conflict',
]);

/** The pathspecs after the options (or after `--`), and the option words. */
function pathArgs(rest: string[]): { flags: string[]; paths: string[]; dashdash: boolean } {
  const flags: string[] = [];
  const paths: string[] = [];
  let dashdash = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (dashdash) paths.push(a);
    else if (a === '--') dashdash = true;
    else if (a.startsWith('-')) {
      flags.push(a);
      if (PATH_CMD_WITH_VALUE.has(a)) i++;
    } else paths.push(a);
  }
  return { flags, paths, dashdash };
}

const hasFlag = (flags: string[], short: string, long: string[]) =>
  flags.some((f) => long.includes(f.split('=')[0]!) || (/^-[a-zA-Z]+$/.test(f) && f.includes(short)));

/** Work-tree files that `git rm|mv|checkout|restore|clean|stash -u` delete or overwrite. */
export function gitPaths(c: Ctx): void {
  let cwd = c.scope.cwd;
  const argv = c.argv;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-C') cwd = resolvePath(argv[++i] ?? '.', cwd, c.sink.ctx.home);
    else if (a.startsWith('--work-tree=')) cwd = resolvePath(a.slice(12), cwd, c.sink.ctx.home);
    else if (a === '--work-tree') cwd = resolvePath(argv[++i] ?? '.', cwd, c.sink.ctx.home);
    else if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) break;
  }
  const sub = argv[i];
  const rest = argv.slice(i + 1);
  if (rest.includes('--help') || rest.includes('-h')) return;
  const { flags, paths, dashdash } = pathArgs(rest);
  const scope = { ...c.scope, cwd };
  // `:/x` is relative to the top of the repository.
  const spec = (p: string) => (p.startsWith(':/') ? `${c.sink.ctx.projectDir}/${p.slice(2)}` : p);
  const emit = (kind: 'delete' | 'write', targets: string[], tags: string[]) => {
    for (const t of targets) emitPath(c.sink, scope, kind, spec(t), tags, c.origin, /[$`]/.test(t));
  };
  switch (sub) {
    case 'rm':
      if (hasFlag(flags, '\0', ['--cached'])) return;
      emit('delete', paths, hasFlag(flags, 'r', []) ? ['git-rm', 'recursive'] : ['git-rm']);
      return;
    case 'mv': {
      if (paths.length < 2) return;
      emit('delete', paths.slice(0, -1), ['git-mv', 'move']);
      emit('write', paths.slice(-1), ['git-mv', 'overwrite']);
      return;
    }
    case 'checkout': {
      // `git checkout -- f`, `git checkout REV -- f`, `git checkout REV f`: files overwritten from REV.
      // A lone word is a branch unless it names a guard file (git takes it as a path when no branch has that name).
      const lone = paths.length === 1 && !dashdash ? paths[0]! : undefined;
      const files = dashdash
        ? rest.slice(rest.indexOf('--') + 1)
        : lone &&
            (/^(\.|\.\/.*|:\/.*)$/.test(lone) ||
              guardRelation(resolvePath(spec(lone), cwd, c.sink.ctx.home), c.sink.ctx) === 'inside')
          ? [lone]
          : paths.slice(1);
      emit('write', files, ['git-checkout', 'overwrite']);
      return;
    }
    case 'restore':
      if (hasFlag(flags, 'S', ['--staged']) && !hasFlag(flags, 'W', ['--worktree'])) return;
      emit('write', paths, ['git-restore', 'overwrite']);
      return;
    case 'clean':
      // Without a force git refuses to clean (clean.requireForce); a dry run only lists.
      if (!forced(flags) || flags.some((f) => isLong(f, '--dry-run', 5) || /^-[a-zA-Z]*n/.test(f))) return;
      emit('delete', paths.length > 0 ? paths : ['./**'], ['git-clean', 'recursive', 'force']);
      return;
    case 'apply':
    case 'am':
      gitApply(c, rest, cwd);
      return;
    case 'stash': {
      // Untracked (-u) or ignored (-a) files are taken out of the work tree: an untracked
      // agent-sre.yaml or the ignored .agent-sre/ with them. Plain `git stash` only touches tracked files.
      const words = rest[0] === 'push' || rest[0] === 'save' ? rest.slice(1) : rest;
      if (rest[0] && !rest[0].startsWith('-') && rest[0] !== 'push' && rest[0] !== 'save') return;
      const st = pathArgs(words);
      if (!hasFlag(st.flags, 'u', ['--include-untracked']) && !hasFlag(st.flags, 'a', ['--all'])) return;
      emit('delete', st.paths.length > 0 && rest[0] === 'push' ? st.paths : ['./**'], [
        'git-stash',
        'recursive',
      ]);
      return;
    }
  }
}
