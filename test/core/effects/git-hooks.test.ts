// The `git.no-verify` tag: a git command that skips the repository's hooks, by flag (`--no-verify`, `-n`
// on commit) or by the variables hook managers read (HUSKY=0, SKIP=, LEFTHOOK=0). The default rule
// git.skip-hooks gates it at tier 3 (issue 12); a runbook's "Never skip hooks" raises it to tier 4.
import { describe, expect, it } from 'vitest';
import { gitTags } from '../../../src/core/effects/git.ts';
import { effectsOf } from '../../../src/core/effects/tools.ts';
import { context, WORLD } from '../../helpers/judge.ts';

const tagged = (argv: string) => gitTags(argv.split(' '), []).includes('git.no-verify');
const bashTags = (command: string) =>
  effectsOf({ tool: 'Bash', input: { command }, cwd: WORLD.projectDir }, context())
    .filter((e) => e.kind === 'exec' && e.program === 'git')
    .flatMap((e) => e.tags);

describe('git.no-verify', () => {
  it.each([
    ['commit -n -m x', true],
    ['commit --no-verify -m x', true],
    ['commit --no-veri -m x', true],
    ['commit -anm x', true],
    ['commit -am x', false],
    ['commit -mn', false],
    ['commit -m -n', false],
    ['commit --message -n', false],
    ['commit -m x', false],
    ['-C sub commit --no-verify', true],
    ['push --no-verify origin feat', true],
    ['push -n origin feat', false],
    ['merge --no-verify feat', true],
    ['merge --no-verify-signatures feat', false],
    ['pull --no-verify', true],
    ['rebase --no-verify main', true],
    ['am --no-verify x.patch', true],
    ['status -n', false],
  ])('git %s: %s', (argv, expected) => {
    expect(tagged(argv)).toBe(expected);
  });

  it.each([
    ['HUSKY=0 git commit -m x', true],
    ['HUSKY=1 git commit -m x', false],
    ['HUSKY_SKIP_HOOKS=1 git commit -m x', true],
    ['SKIP=eslint,tsc git commit -m x', true],
    ['SKIP="" git commit -m x', false],
    // Only known at run time: counted, the safe side.
    ['SKIP=$HOOKS git commit -m x', true],
    ['LEFTHOOK=0 git push', true],
    ['HUSKY=0 npm test', false],
    ['git commit -m "fix -n handling"', false],
  ])('%s: %s', (command, expected) => {
    expect(bashTags(command).includes('git.no-verify')).toBe(expected);
  });
});
