// What `make` would run, read from the Makefile's text.
import { describe, expect, it } from 'vitest';
import { makeRecipes } from '../../../src/core/effects/make.ts';
import { bash } from '../../helpers/judge.ts';

describe('makeRecipes', () => {
  it.each([
    ['tab recipes', 'build:\n\t@tsc -p .\n', ['build'], ['tsc -p .']],
    ['a recipe on the rule line after ;', 'clean: ; rm -rf dist\n', ['clean'], ['rm -rf dist']],
    [
      '; with prerequisites and a tab line after',
      'all: a b; echo one\n\techo two\n',
      ['all'],
      ['echo one', 'echo two'],
    ],
    ['$$ is a literal $', 'x:\n\techo $$HOME\n', ['x'], ['echo $HOME']],
    ['own variables expand', 'OUT=dist\nclean:\n\trm -rf $(OUT)\n', ['clean'], ['rm -rf dist']],
    [
      'names it does not set come from the environment',
      'c:\n\trm -rf $(HOME)/x ${TMPDIR}\n',
      ['c'],
      ['rm -rf ${HOME}/x ${TMPDIR}'],
    ],
    ['$(shell ...) is a command substitution', 'c:\n\trm -rf $(shell pwd)\n', ['c'], ['rm -rf $(pwd)']],
    ['the first target by default', 'a:\n\techo a\nb:\n\techo b\n', [], ['echo a']],
  ])('%s', (_what, text, targets, lines) => {
    expect(makeRecipes(text, targets)).toEqual(lines);
  });

  it.each([
    ["echo 'clean: ; rm -rf ~' > Makefile && make clean", 4],
    ["echo 'wipe:; rm -rf $(HOME)' > Makefile && make wipe", 4],
    ["echo 'clean: ; rm -rf dist' > Makefile && make clean", 2],
  ])('a Makefile written and run on one line: %s', (command, tier) => {
    expect(bash(command).tier).toBe(tier);
  });
});
