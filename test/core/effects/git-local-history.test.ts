// Local history and work (issue 12, class 5): git commands that throw away commits, stashes, hooks or the
// repository itself, read the way git's own option parser reads them, and the paths whose deletion
// destroys history. Each harmful spelling sits next to a look-alike that is ordinary work.
import { describe, expect, it } from 'vitest';
import { gitTags, parseOpts, shortExpiry } from '../../../src/core/effects/git.ts';
import { isGitHistoryPath } from '../../../src/core/git-history.ts';
import { bash } from '../../helpers/judge.ts';

const tags = (argv: string) => gitTags(argv.split(' '), []);

describe('parseOpts: short options with attached values', () => {
  it.each([
    ['-bfeature', 'bB', ['b'], []],
    ['-qbfix', 'bB', ['q', 'b'], []],
    ['-qf main', 'bB', ['q', 'f'], ['main']],
    ['-b feat origin/feat', 'bB', ['b'], ['origin/feat']],
    ['-cfeature', 'cC', ['c'], []],
    ['-fc new', 'cC', ['f', 'c'], []],
    ['-df spike', '', ['d', 'f'], ['spike']],
    ['-- -f', '', [], []],
  ])('%s (value letters %s)', (words, value, letters, positional) => {
    const o = parseOpts(words.split(' '), value);
    expect([...o.letters]).toEqual(letters);
    expect(o.positional).toEqual(positional);
  });

  it('a long option named in longValue takes the next word; with = it does not', () => {
    expect(parseOpts(['--orphan', 'x', 'y'], '', new Set(['--orphan'])).positional).toEqual(['y']);
    expect(parseOpts(['--orphan=x', 'y'], '', new Set(['--orphan'])).positional).toEqual(['y']);
    expect(parseOpts(['--force'], '').longs).toEqual(['--force']);
  });
});

describe('gitTags: local history and work', () => {
  it.each([
    // a value attached to -b/-c is a branch name, never a force flag
    ['checkout -bfeature', []],
    ['checkout -qbfix-flaky', []],
    ['checkout -bfoo --track origin/foo', []],
    ['switch -cfeature', []],
    ['switch -cfixup origin/main', []],
    ['checkout -f main', ['git.discard']],
    ['checkout -qf main', ['git.discard']],
    ['checkout --force x', ['git.discard']],
    ['switch -f main', ['git.discard']],
    ['switch -fc new', ['git.discard']],
    ['switch --discard-changes main', ['git.discard']],
    ['checkout HEAD --pathspec-from-f=paths.txt', ['git.discard']],
    ['CHECKOUT -f main', ['git.discard']],
    // branch deletion: force is -D, -f with -d, or --force with --delete
    ['branch -D spike', ['git.delete-branch']],
    ['branch -df spike', ['git.delete-branch']],
    ['branch -fd spike', ['git.delete-branch']],
    ['branch -d -f spike', ['git.delete-branch']],
    ['branch --delete --force spike', ['git.delete-branch']],
    ['branch --del --force spike', ['git.delete-branch']],
    ['branch -D main', ['git.delete-protected']],
    ['branch -d merged', []],
    ['branch --delete merged', []],
    ['branch -dr origin/old', []],
    ['branch -Dr origin/old', []],
    ['branch -m old new', []],
    ['branch -f main HEAD~3', ['git.rewrite-protected']],
    // reset: --keep refuses to lose local changes
    ['reset --hard', ['git.discard']],
    ['reset HEAD~2 --har', ['git.discard']],
    ['reset --merge', ['git.discard']],
    ['reset --keep HEAD~1', []],
    ['reset --soft HEAD~1', []],
    // clean: -e takes a value, -n anywhere is a dry run
    ['clean -fdx', ['git.discard']],
    ['clean -xdf', ['git.discard']],
    ['clean -ndx', []],
    ['clean -fdx --dry-run', []],
    ['clean -ef -n', []],
    // restore: the last of --worktree/--no-worktree wins; option values are not paths
    ['restore a.ts', ['git.discard']],
    ['restore --staged a.ts', []],
    ['restore --no-worktree a.ts', []],
    ['restore -W --no-worktree a.ts', []],
    ['restore -p --no-patch', []],
    ['restore --pathspec-from-file --staged', ['git.discard']],
    ['restore --staged --pathspec-from-file --worktree', []],
    ['restore --source --help a.ts', ['git.discard']],
    ['restore -- a.ts --help', ['git.discard']],
    ['restore --help', []],
    // gc, prune and their config
    ['gc', []],
    ['gc --prune', []],
    ['gc --prune=now', ['git.rewrite-history']],
    ['gc --prune=2.weeks.ago', []],
    ['-c gc.pruneExpire=now gc', ['git.rewrite-history']],
    ['-c gc.reflogExpireUnreachable=0 gc', ['git.rewrite-history']],
    ['-c gc.pruneExpire=never gc', []],
    ['prune', ['git.rewrite-history']],
    ['prune --expire=1.hour.ago', ['git.rewrite-history']],
    ['prune --expire 3.months.ago', []],
    ['prune -n', []],
    ['update-ref -d refs/stash', ['git.rewrite-history']],
    ['update-ref -m backup refs/heads/backup HEAD', []],
    ['worktree remove -f ../wt', ['git.discard']],
    ['worktree remove ../wt', []],
    // config: writes that change what later commands do; reads change nothing
    ['config core.hooksPath /dev/null', ['git.hooks']],
    ['config --get core.hooksPath', []],
    ['config core.hooksPath', []],
    ['config get core.hooksPath', []],
    ['config --unset core.hooksPath', ['git.hooks']],
    ['config gc.pruneExpire now', ['git.rewrite-history']],
    ['config alias.undo reset --hard', []],
    ['config --global alias.co checkout', []],
    ['config alias.sc !git stash clear', ['git.shell-alias']],
    ['-c core.sshCommand=./helper status', []],
    ['-c core.sshCommand=./helper fetch', ['git.hooks']],
    ['-c alias.tidy=stash tidy clear', ['git.discard']],
  ])('git %s -> %j', (argv, expected) => {
    expect(tags(argv)).toEqual(expected);
  });

  it('an alias defined with git config carries the tags of what it expands to', () => {
    expect(gitTags(['config', 'alias.undo', 'reset --hard'], [])).toEqual(['git.discard']);
    expect(gitTags(['config', '--global', 'alias.sync', 'reset --hard origin/main'], [])).toEqual([
      'git.discard',
    ]);
    expect(gitTags(['config', 'set', 'alias.nuke', 'branch -D old'], [])).toEqual(['git.delete-branch']);
    expect(gitTags(['config', 'alias.lg', 'log --oneline --graph'], [])).toEqual([]);
    expect(gitTags(['config', 'alias.pushf', 'push --force'], [])).toEqual(['git.force-push']);
  });
});

describe('shortExpiry', () => {
  it.each([
    ['now', true],
    ['all', true],
    ['0', true],
    ['1.hour.ago', true],
    ['3.days.ago', true],
    ['30.days.ago', false],
    ['2.weeks.ago', false],
    ['3.months.ago', false],
    ['never', false],
    ['false', false],
    ['2024-01-01', false],
    ['', false],
    ['yesterday', true],
  ])('%s -> %s', (v, expected) => {
    expect(shortExpiry(v)).toBe(expected);
  });
});

describe('isGitHistoryPath', () => {
  const P = '/work/proj';
  it.each([
    ['/work/proj/.git', true],
    ['/work/proj/.git/objects', true],
    ['/work/proj/.git/objects/pack/x.pack', true],
    ['/work/proj/.git/refs/heads/main', true],
    ['/work/proj/.git/logs', true],
    ['/work/proj/.git/packed-refs', true],
    ['/work/proj/.git/HEAD', true],
    ['/work/proj/.git/index.lock', false],
    ['/work/proj/.git/hooks/pre-commit', false],
    ['/work/proj/.git/modules/vendor-lib', false],
    ['/work/proj/.git-rewrite', false],
    ['/work/proj/.gitignore', false],
    ['/work/proj/packages/a/.git', false],
    ['/tmp/tpl/.git', false],
    ['/work/proj', false],
    // globs: `*` does not reach a dot file, `.*` does; `**` is left to the whole-tree rules
    ['/work/proj/.*', true],
    ['/work/proj/.g?t', true],
    ['/work/proj/*', false],
    ['/work/proj/.git/*', true],
    ['/work/proj/.git/*.lock', false],
    ['/work/proj/**', false],
  ])('%s -> %s', (path, expected) => {
    expect(isGitHistoryPath(path, P)).toBe(expected);
  });
});

describe('through the default policy', () => {
  it.each([
    ['rm -rf .git', '4 git.delete-history'],
    ['rm -rf .git/objects', '4 git.delete-history'],
    ['rm -rf .[!.]*', '4 git.delete-history'],
    ['rm -f .git/index.lock', '2 fallback.write'],
    ['mv .git .git.bak', '2 fallback.write'],
    ['git branch -D spike', '3 git.force-delete-branch'],
    ['git commit -n -m wip', '3 git.skip-hooks'],
    ['git push --no-verify origin feat', '3 git.skip-hooks'],
    ['git checkout -bfeature', '1 fallback.exec'],
  ])('%s -> %s', (command, expected) => {
    const d = bash(command);
    expect(`${d.tier} ${d.rule}`).toBe(expected);
  });
});
