// Brace expansion: bash turns one unquoted word into several before the command sees them, so
// `rm agent-sre.{yaml,yml}` removes two files. Quoted braces and ${...} stay as they are.
import { describe, expect, it } from 'vitest';
import { expandBraces } from '../../../src/core/shell/words.ts';
import { bash } from '../../helpers/judge.ts';

describe('expandBraces', () => {
  it.each([
    ['a.{yaml,yml}', ['a.yaml', 'a.yml']],
    ['f{,-wal,-shm}', ['f', 'f-wal', 'f-shm']],
    ['{a,b}{1,2}', ['a1', 'a2', 'b1', 'b2']],
    ['x{a,{b,c}}', ['xa', 'xb', 'xc']],
    ['f{1..3}', ['f1', 'f2', 'f3']],
    ['{c..a}', ['c', 'b', 'a']],
    ['{a}', ['{a}']],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
    ['${x}', ['${x}']],
    ['plain', ['plain']],
  ])('%s', (word, expected) => {
    expect(expandBraces(word)).toEqual(expected);
  });

  it('stops at 256 words', () => {
    expect(expandBraces('{1..9999}')).toHaveLength(256);
  });

  it('expands arguments of commands, not quoted words', () => {
    const deleted = (cmd: string) => bash(cmd).effects.flatMap((e) => (e.kind === 'delete' ? [e.path] : []));
    expect(deleted('rm a.{txt,md}')).toEqual(['/work/proj/a.txt', '/work/proj/a.md']);
    expect(deleted("rm 'a.{txt,md}'")).toEqual(['/work/proj/a.{txt,md}']);
  });
});
