// Rule matching over effects, for the fields whose semantics are easy to get backwards: `notPath`
// (none of the globs may match) beside `path` (one must), and how both treat effects with no path.
import { describe, expect, it } from 'vitest';
import { compileMatch, compilePolicy, evaluate } from '../../../src/core/policy/evaluate.ts';
import type { Policy, Rule, RuleMatch } from '../../../src/core/policy/types.ts';
import type { Effect } from '../../../src/core/types.ts';

const HOME = '/home/dev';
const write = (path: string, tags: string[] = []): Effect => ({
  kind: 'write',
  path,
  zone: path.startsWith('/work/proj') ? 'project' : 'outside',
  tags,
  origin: 'test',
});
const exec = (program: string, ...argv: string[]): Effect => ({
  kind: 'exec',
  program,
  argv,
  tags: [],
  origin: 'test',
});
const matches = (m: RuleMatch, e: Effect) => compileMatch(m, HOME)(e);

describe('notPath', () => {
  const scope: RuleMatch = { kind: ['write'], notPath: ['/work/proj/src', '/work/proj/src/**'] };

  it.each([
    ['/work/proj/src/a.ts', false],
    ['/work/proj/src/deep/er/b.ts', false],
    ['/work/proj/src', false],
    ['/work/proj/srcx/a.ts', true],
    ['/work/proj/README.md', true],
    ['/work/proj/test/src/a.ts', true],
  ])('%s matches: %s', (path, expected) => {
    expect(matches(scope, write(path))).toBe(expected);
  });

  it('is the complement of path for the same globs', () => {
    const globs = ['/work/proj/docs/**/*.md', '~/notes/*'];
    for (const p of [
      '/work/proj/docs/a.md',
      '/work/proj/docs/x/y.md',
      '/work/proj/docs/a.txt',
      '/home/dev/notes/n',
      '/home/dev/x',
    ])
      expect(matches({ notPath: globs }, write(p))).toBe(!matches({ path: globs }, write(p)));
  });

  it('lets effects with no path through (there is nothing to exclude), unlike path', () => {
    expect(matches({ notPath: ['/**'] }, exec('git', 'status'))).toBe(true);
    expect(matches({ path: ['/**'] }, exec('git', 'status'))).toBe(false);
  });

  it('an empty list excludes nothing', () => {
    expect(matches({ notPath: [] }, write('/work/proj/a'))).toBe(true);
  });

  it('combines with path: inside one glob, outside the others', () => {
    const m: RuleMatch = { path: ['/work/proj/**'], notPath: ['/work/proj/src/**'] };
    expect(matches(m, write('/work/proj/lib/a.ts'))).toBe(true);
    expect(matches(m, write('/work/proj/src/a.ts'))).toBe(false);
    expect(matches(m, write('/elsewhere/a.ts'))).toBe(false);
  });

  it('sets the tier of a decision through evaluate', () => {
    const rules: Rule[] = [
      {
        id: 'test.scope',
        tier: 3,
        reason: 'Outside the scope.',
        match: { kind: ['write'], zone: ['project'], ...scope },
      },
    ];
    const policy = { rules, disabled: [] } as unknown as Policy;
    const compiled = compilePolicy(policy, HOME);
    expect(evaluate([write('/work/proj/docs/a.md')], compiled)).toMatchObject({
      tier: 3,
      rule: 'test.scope',
    });
    expect(evaluate([write('/work/proj/src/a.ts')], compiled)).toMatchObject({
      tier: 2,
      rule: 'fallback.write',
    });
  });
});
