// Properties of the local-history parsers (issue 12, class 5) over generated input: git's option reading
// (parseOpts, restore, config, aliases) never throws and never loses a tag when harmless global options
// are put in front; a runbook Never item of any shape compiles without throwing, into rules whose argv
// patterns are valid regular expressions, and merging them never lowers the default policy's tier.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/adapters/markdown/parse.ts';
import { loadPolicy } from '../../src/config/load.ts';
import { gitTags, shortExpiry } from '../../src/core/effects/git.ts';
import { isGitHistoryPath } from '../../src/core/git-history.ts';
import { judge } from '../../src/core/judge.ts';
import { compilePolicy } from '../../src/core/policy/evaluate.ts';
import { compileRunbook } from '../../src/core/runbook/compile.ts';
import { COMPILED, context, WORLD } from '../helpers/judge.ts';

const RUNS = 300;

const GIT_WORDS = [
  'reset',
  'checkout',
  'switch',
  'branch',
  'clean',
  'stash',
  'drop',
  'clear',
  'restore',
  'gc',
  'prune',
  'reflog',
  'expire',
  'update-ref',
  'worktree',
  'remove',
  'config',
  'commit',
  'push',
  'alias.x',
  'x',
  '-c',
  'alias.x=reset --hard',
  'gc.pruneExpire=now',
  'core.hooksPath=/dev/null',
  '--hard',
  '--keep',
  '-f',
  '-D',
  '-d',
  '-df',
  '-bfeature',
  '-cfix',
  '-qf',
  '-n',
  '--no-verify',
  '--force',
  '--delete',
  '--dry-run',
  '--prune=now',
  '--expire',
  'now',
  '--',
  '.',
  'main',
  'feat',
  '-h',
  '--help',
  '--source',
  '-s',
  '--staged',
  '--no-staged',
  '--worktree',
  '--no-worktree',
  '-p',
  '--pathspec-from-file',
  '-e',
  '',
  '-',
  '=',
  '--=',
  '-=',
  'alias.',
  '!',
  '-m',
  'msg',
];
const argv = fc.array(fc.oneof(fc.constantFrom(...GIT_WORDS), fc.string({ maxLength: 12 })), {
  maxLength: 10,
});

describe('git option reading', () => {
  it('never throws, and harmless global options in front never lose a tag', () => {
    fc.assert(
      fc.property(argv, (words) => {
        const tags = gitTags(words, []);
        expect(Array.isArray(tags)).toBe(true);
        // Only for argv that starts with a subcommand: global options before one change nothing.
        if (words[0] && !words[0].startsWith('-')) {
          for (const prefix of [['--no-pager'], ['-c', 'color.ui=never'], ['-C', '.']]) {
            const again = gitTags([...prefix, ...words], []);
            for (const t of tags) expect(again, `${prefix.join(' ')} ${words.join(' ')}`).toContain(t);
          }
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('shortExpiry and isGitHistoryPath never throw on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(typeof shortExpiry(s)).toBe('boolean');
        expect(typeof isGitHistoryPath(`/work/proj/${s}`, '/work/proj')).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });
});

const NEVER_WORDS = [
  'Never',
  'never',
  "Don't",
  'Do not',
  'run',
  'use',
  'pass',
  'delete',
  'remove',
  'wipe',
  'rewrite',
  'drop',
  'discard',
  'the',
  'local',
  '.git',
  'directory',
  'history',
  'stashes',
  'branches',
  'uncommitted',
  'changes',
  '`git reset --hard`',
  '`--force`',
  '--force',
  '`-f`',
  '`npm publish`',
  '`rm -rf`',
  '`git branch -D`',
  'to git',
  'with npm',
  'unless asked',
  '`.git`',
  '`(`',
  '`[`',
  '`a|b`',
  '`*`',
  '`--x=(`',
  ',',
  'or',
  '.',
];
const item = fc.array(fc.oneof(fc.constantFrom(...NEVER_WORDS), fc.string({ maxLength: 10 })), {
  minLength: 1,
  maxLength: 8,
});
const base = loadPolicy(undefined, '<default>');
if (!base.ok) throw new Error('default policy invalid');
const COMMANDS = [
  'git reset --hard',
  'git checkout -bfeature',
  'rm -rf .git',
  'npm install --force',
  'git branch -D x',
  'ls',
  'git push --force origin main',
];

describe('Never items of any shape', () => {
  it('compile without throwing, into valid patterns, and never lower a default tier', () => {
    fc.assert(
      fc.property(item, (words) => {
        const text = `## Never\n- ${words.join(' ')}\n`;
        const c = compileRunbook([parseRunbook(text, 'AGENTS.md', `${WORLD.projectDir}/AGENTS.md`)], {
          projectDir: WORLD.projectDir,
        });
        for (const r of c.rules)
          if (r.match.args !== undefined) expect(() => new RegExp(r.match.args!)).not.toThrow();
        const merged = compilePolicy(
          { ...base.policy, rules: [...base.policy.rules, ...c.rules] },
          WORLD.home,
        );
        for (const command of COMMANDS) {
          const call = { tool: 'Bash', input: { command }, cwd: WORLD.projectDir };
          expect(judge(call, context(), merged).tier).toBeGreaterThanOrEqual(
            judge(call, context(), COMPILED).tier,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
