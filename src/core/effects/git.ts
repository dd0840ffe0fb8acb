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

/** Does `arg` spell `long` or an abbreviation git would accept for it (`--har` for `--hard`)? */
const isLong = (arg: string, long: string, min = 4) =>
  arg.length >= min && long.startsWith(arg) && arg.startsWith('--');

/** A subcommand's options, read as git's parser reads them. */
interface Opts {
  /** Short option letters, bundles split (`-qf` is q and f); a value attached to a letter is not read as letters. */
  letters: Set<string>;
  /** Long options, without any `=value`. */
  longs: string[];
  /** Words that are not options or option values, before `--`. */
  positional: string[];
  /** Words after `--`, if there is one. */
  afterDashDash?: string[];
}

/**
 * Split a subcommand's words the way git's parse-options does: in a bundle, a letter that takes a value
 * takes the rest of the word (`-bfeature` is `-b feature`, not a force), or the next word when it ends
 * the bundle. `shortValue` lists those letters; `longValue` the long options whose value may be the next word.
 */
export function parseOpts(
  rest: readonly string[],
  shortValue = '',
  longValue: ReadonlySet<string> = new Set(),
): Opts {
  const o: Opts = { letters: new Set(), longs: [], positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      o.afterDashDash = rest.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      o.longs.push(name);
      if (eq < 0 && longValue.has(name)) i++;
    } else if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k]!;
        o.letters.add(ch);
        if (shortValue.includes(ch)) {
          if (k === a.length - 1) i++;
          break;
        }
      }
    } else o.positional.push(a);
  }
  return o;
}

/** `-f` (alone or in a bundle) or `--force` and the abbreviations git accepts. */
const isForced = (o: Opts, min = 5) => o.letters.has('f') || o.longs.some((l) => isLong(l, '--force', min));

/**
 * Is an expiry (`gc --prune=`, `gc.pruneExpire`, `prune --expire`) short enough to take what a recovery
 * would need? `now`, `all`, `0`, seconds to hours and under a week are; weeks, months, `never` are not.
 */
export function shortExpiry(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || /never|false/.test(v)) return false;
  if (/^(now|all|0)$/.test(v)) return true;
  const m = /^(\d+)[. _]*(second|sec|minute|min|hour|day|week|month|year)/.exec(v);
  if (m) {
    const unit = m[2]!;
    if (unit === 'day') return Number(m[1]) < 7;
    return !/week|month|year/.test(unit);
  }
  // An absolute date keeps what is newer than it; any other spelling is taken as the dangerous one.
  return !/\d{4}-\d\d-\d\d|\d+\.\d+\.\d{4}/.test(v);
}

/** Tags that make a git command worth a rule; an alias defined to run one carries them. */
export const DESTRUCTIVE_TAGS: ReadonlySet<string> = new Set([
  'git.discard',
  'git.rewrite-history',
  'git.delete-branch',
  'git.delete-protected',
  'git.rewrite-protected',
  'git.force-push',
  'git.no-verify',
  'git.hooks',
  'git.shell-alias',
]);

export function gitTags(argv: string[], protectedBranches: readonly string[], aliasDepth = 0): string[] {
  let { sub, rest, configs } = subcommand(argv);
  // Subcommands and alias names are matched without case: config keys are case-insensitive, and on a
  // case-insensitive file system `git RESET` may find git-reset.
  sub = sub.toLowerCase();
  // `git -c alias.nuke=reset nuke --hard` runs `git reset --hard`.
  const alias = configs
    .map((c) => /^alias\.([^=]+)=(.*)$/is.exec(c))
    .find((m) => m && m[1]!.toLowerCase() === sub);
  if (alias) {
    const words = alias[2]!.trim().split(/\s+/);
    if (words[0]?.startsWith('!')) return ['git.shell-alias'];
    sub = (words[0] ?? '').toLowerCase();
    rest = [...words.slice(1), ...rest];
  }
  const tags: string[] = [];
  if (asksForHelp(rest)) return tags;
  // What git runs from config: hooks, fsmonitor (status runs it), a pager or editor; ssh only on the network.
  if (
    configs.some(
      (c) =>
        /^core\.(hooksPath|fsmonitor|pager|editor)=/i.test(c) ||
        (/^core\.sshCommand=/i.test(c) && NETWORK_SUBS.has(sub)),
    )
  )
    tags.push('git.hooks');
  switch (sub) {
    case 'reset':
      // --keep refuses to touch a file with local changes, so it loses nothing; --merge drops staged changes.
      if (rest.some((a) => isLong(a, '--hard') || isLong(a, '--merge'))) tags.push('git.discard');
      break;
    case 'clean': {
      const o = parseOpts(rest, 'e', new Set(['--exclude']));
      const dry = o.letters.has('n') || o.longs.some((l) => isLong(l, '--dry-run', 5));
      if (isForced(o) && !dry) tags.push('git.discard');
      break;
    }
    case 'checkout': {
      const o = parseOpts(rest, 'bB', new Set(['--orphan', '--conflict', '--pathspec-from-file']));
      const pathspec =
        o.afterDashDash ?? o.positional.filter((a) => a === '.' || a === ':/' || a.startsWith('./'));
      const creates = o.letters.has('b') || o.letters.has('B') || o.longs.includes('--orphan');
      // `git checkout HEAD file.txt`: a tree-ish then paths overwrites those files.
      // Only when a later word looks like a path: options such as --track or --conflict take values too.
      const positional = o.positional;
      const treeishThenPath = positional.length >= 2 && positional.slice(1).some((p) => /[./]/.test(p));
      if (
        pathspec.length > 0 ||
        (!creates && treeishThenPath) ||
        isForced(o) ||
        o.longs.some((l) => isLong(l, '--pathspec-from-file', 13))
      ) {
        tags.push('git.discard');
      }
      break;
    }
    case 'restore':
      if (rest.includes('--version')) break;
      if (restoresWorkTree(rest)) tags.push('git.discard');
      break;
    case 'switch': {
      const o = parseOpts(rest, 'cC', new Set(['--create', '--force-create', '--orphan', '--conflict']));
      if (isForced(o) || o.longs.some((l) => isLong(l, '--discard-changes', 6))) tags.push('git.discard');
      break;
    }
    case 'worktree':
      // Removing a worktree by force throws away its uncommitted changes.
      if (rest[0] === 'remove' && isForced(parseOpts(rest.slice(1)))) tags.push('git.discard');
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
    case 'gc': {
      // `--prune=now`; a bare `--prune` keeps the default two weeks. `-c gc.pruneExpire=now` does the same.
      const prune = rest.find((a) => a.startsWith('--prune='));
      const expiring = configs.some((c) => {
        const m = /^gc\.(pruneExpire|reflogExpire|reflogExpireUnreachable)=(.*)$/is.exec(c);
        return m !== null && shortExpiry(m[2]!);
      });
      if ((prune !== undefined && shortExpiry(prune.slice(8))) || expiring) tags.push('git.rewrite-history');
      break;
    }
    case 'prune': {
      // Without --expire, `git prune` removes every unreachable object at once.
      const o = parseOpts(rest, '', new Set(['--expire']));
      if (o.letters.has('n') || o.longs.includes('--dry-run')) break;
      const at = rest.findIndex((a) => a === '--expire' || a.startsWith('--expire='));
      const expire = at < 0 ? 'now' : rest[at] === '--expire' ? (rest[at + 1] ?? '') : rest[at]!.slice(9);
      if (shortExpiry(expire)) tags.push('git.rewrite-history');
      break;
    }
    case 'update-ref': {
      const o = parseOpts(rest, 'm');
      if (o.letters.has('d') || o.longs.includes('--delete')) tags.push('git.rewrite-history');
      break;
    }
    case 'branch': {
      const o = parseOpts(
        rest,
        'u',
        new Set(['--set-upstream-to', '--format', '--sort', '--points-at', '--contains', '--no-contains']),
      );
      const names = o.positional;
      const del = o.letters.has('d') || o.letters.has('D') || o.longs.some((l) => isLong(l, '--delete', 5));
      const force = o.letters.has('D') || isForced(o, 6);
      const remote = o.letters.has('r') || o.longs.some((l) => isLong(l, '--remotes', 5));
      // `-D`, `-df`, `--delete --force`: deleted whether or not the work is merged anywhere.
      if (del && force && !remote)
        tags.push(
          names.some((n) => isProtectedBranch(n, protectedBranches))
            ? 'git.delete-protected'
            : 'git.delete-branch',
        );
      if (
        !del &&
        (force || o.letters.has('M') || o.letters.has('C')) &&
        names.some((n) => isProtectedBranch(n, protectedBranches))
      )
        tags.push('git.rewrite-protected');
      break;
    }
    case 'config':
      tags.push(...configTags(rest, protectedBranches, aliasDepth));
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

const CONFIG_WITH_VALUE = new Set(['-f', '--file', '--blob', '--type', '--default', '--comment', '--value']);
const CONFIG_READS =
  /^(--get|--get-all|--get-regexp|--get-urlmatch|--get-color|--get-colorbool|--list|-l|--edit|-e)$/;
/** Settings whose value git runs, or that decide which hooks run. */
const RUNS_COMMAND = /^core\.(hooksPath|fsmonitor|sshCommand|pager|editor)$/i;

/**
 * `git config` writes that change what later git commands do: which hooks run, a short gc expiry, and
 * aliases, which carry the tags of what they expand to (`alias.undo 'reset --hard'` is a discard waiting
 * for `git undo`). Reads (`--get`, a key alone, `git config get`) change nothing.
 */
function configTags(rest: string[], protectedBranches: readonly string[], aliasDepth: number): string[] {
  const words: string[] = [];
  let mode: 'read' | 'write' | 'unset' | undefined;
  let i = 0;
  const first = rest[0];
  if (first === 'get' || first === 'list' || first === 'edit') return [];
  if (first === 'set') {
    mode = 'write';
    i = 1;
  } else if (first === 'unset') {
    mode = 'unset';
    i = 1;
  }
  for (; i < rest.length; i++) {
    const a = rest[i]!;
    if (CONFIG_WITH_VALUE.has(a)) i++;
    else if (CONFIG_READS.test(a)) mode = 'read';
    else if (a === '--unset' || a === '--unset-all') mode = 'unset';
    else if (!a.startsWith('-') || a === '-') words.push(a);
  }
  if (mode === 'read' || words.length === 0) return [];
  const key = words[0]!;
  const value = words[1];
  if (mode === undefined && value === undefined) return [];
  const tags: string[] = [];
  if (RUNS_COMMAND.test(key)) tags.push('git.hooks');
  if (mode === 'unset' || value === undefined) return tags;
  if (/^gc\.(pruneExpire|reflogExpire|reflogExpireUnreachable)$/i.test(key) && shortExpiry(value))
    tags.push('git.rewrite-history');
  const alias = /^alias\.(.+)$/i.exec(key);
  if (alias) {
    const expansion = value.trim();
    if (expansion.startsWith('!')) tags.push('git.shell-alias');
    else if (aliasDepth < 3)
      for (const t of gitTags(expansion.split(/\s+/), protectedBranches, aliasDepth + 1))
        if (DESTRUCTIVE_TAGS.has(t)) tags.push(t);
  }
  return tags;
}

const NETWORK_SUBS = new Set([
  'fetch',
  'pull',
  'push',
  'clone',
  'ls-remote',
  'remote',
  'archive',
  'submodule',
]);

/** Options whose value is the next word, in any subcommand: `--source --help` restores from "--help". */
const VALUE_BEFORE_HELP =
  /^(-[sbBcCmFeoU]|--source|--message|--file|--exclude|--orphan|--conflict|--unified|--inter-hunk-context)$/;

/** `--help` or `-h` as an option (not after `--`, not an option's value): git prints help and stops. */
function asksForHelp(rest: string[]): boolean {
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') return false;
    if (VALUE_BEFORE_HELP.test(a)) i++;
    else if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * Does `git restore` write the work tree? It does when neither `--staged` nor `--no-staged` is given,
 * or `--worktree` is; git refuses `--no-staged` alone ("neither '--staged' or '--worktree' is
 * specified", checked against git 2.39). The last of
 * `--worktree`/`--no-worktree` (and of `--staged`/`--no-staged`, `--patch`/`--no-patch`) wins. It needs a
 * pathspec, or `--patch`, which picks hunks from every file.
 */
function restoresWorkTree(rest: string[]): boolean {
  // Unset until an option names it: with only `--no-staged` git names neither and restores nothing.
  let staged: boolean | undefined;
  let worktree: boolean | undefined;
  let patch = false;
  let paths = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      paths ||= i < rest.length - 1;
      break;
    }
    if (a.startsWith('--')) {
      const name = a.split('=')[0]!;
      if (name === '--staged') staged = true;
      else if (name === '--no-staged') staged = false;
      else if (name === '--worktree') worktree = true;
      else if (name === '--no-worktree') worktree = false;
      else if (isLong(name, '--patch')) patch = true;
      else if (name === '--no-patch') patch = false;
      else if (name.startsWith('--pathspec-from-f')) {
        paths = true;
        if (!a.includes('=')) i++;
      } else if (!a.includes('=') && /^--(source|conflict|unified|inter-hunk-context)$/.test(name)) i++;
    } else if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k]!;
        if (ch === 'S') staged = true;
        else if (ch === 'W') worktree = true;
        else if (ch === 'p') patch = true;
        else if (ch === 's' || ch === 'U') {
          if (k === a.length - 1) i++;
          break;
        }
      }
    } else paths = true;
  }
  return (worktree ?? staged === undefined) && (patch || paths);
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
  const sub = argv[i]?.toLowerCase();
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
    case 'clean': // Without a force git refuses to clean (clean.requireForce); a dry run only lists.
      {
        const o = parseOpts(rest, 'e', new Set(['--exclude']));
        if (!isForced(o) || o.letters.has('n') || o.longs.some((l) => isLong(l, '--dry-run', 5))) return;
        const targets = [...o.positional, ...(o.afterDashDash ?? [])];
        emit('delete', targets.length > 0 ? targets : ['./**'], ['git-clean', 'recursive', 'force']);
        return;
      }
    case 'apply':
    case 'am':
      gitApply(c, rest, cwd);
      return;
    case 'add':
    case 'stage':
    case 'commit':
      gitRecords(c, sub, rest, scope, spec);
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

/** Options of `git add` and `git commit` that take a value (short letters may take the rest of their word). */
const RECORD_SHORT_VALUE = 'mFCct';
const RECORD_LONG_VALUE = new Set([
  '--message',
  '--file',
  '--reuse-message',
  '--reedit-message',
  '--fixup',
  '--squash',
  '--template',
  '--trailer',
  '--cleanup',
  '--author',
  '--date',
  '--pathspec-from-file',
  '--chmod',
]);

/**
 * `git add .env`, `git stage -f id_rsa`, `git commit -m x -- .env`, `git commit -F ~/.aws/credentials`:
 * the file's content goes into the index and the history, which a push sends away. Each named path (and
 * a commit message file) is a read, so credential paths meet the credential rules; `git add src/x.ts`
 * stays an ordinary read. `.`, `-A` and `-u` name no file: git skips ignored files there unless forced.
 */
function gitRecords(
  c: Ctx,
  sub: string,
  rest: string[],
  scope: Ctx['scope'],
  spec: (p: string) => string,
): void {
  const o = parseOpts(rest, RECORD_SHORT_VALUE, RECORD_LONG_VALUE);
  if (o.letters.has('n') || o.longs.includes('--dry-run')) return;
  const read = (p: string, tag: string) => {
    // `:(exclude)x`, `:!x`, `:^x` take paths out; other pathspec magic is left alone.
    if (p === '' || /^:[(!^]/.test(p)) return;
    emitPath(c.sink, scope, 'read', spec(p), [tag], c.origin, /[$`]/.test(p));
  };
  const tag = sub === 'commit' ? 'git-commit' : 'git-add';
  for (const p of [...o.positional, ...(o.afterDashDash ?? [])]) read(p, tag);
  if (sub !== 'commit') return;
  // `-F file`, `--file=file`, `-Ffile`: the message is read from the file.
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') break;
    const file =
      a === '-F' || a === '--file'
        ? rest[++i]
        : a.startsWith('--file=')
          ? a.slice(7)
          : /^-[a-zA-Z]*F./.test(a) && !a.startsWith('--')
            ? a.slice(a.indexOf('F') + 1)
            : undefined;
    if (file !== undefined && file !== '-') read(file, 'git-commit-message');
  }
}
