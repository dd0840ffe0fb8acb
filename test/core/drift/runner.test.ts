import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promptDigest, renderRunner, shellQuote } from '../../../src/core/drift/runner.ts';

const vars = {
  prompt: "it's $HOME `x`",
  promptFile: '/tmp/p 1.txt',
  suite: 'daily',
  promptId: 'fix',
  sample: 3,
};

describe('renderRunner', () => {
  it('the default template takes the prompt on stdin', () => {
    expect(renderRunner('claude -p --output-format json', vars)).toEqual({
      command: 'claude -p --output-format json',
      stdin: vars.prompt,
      needsPromptFile: false,
    });
  });

  it('{prompt} and {prompt_file} are substituted shell-quoted, and then stdin stays closed', () => {
    const r = renderRunner('my-agent --suite {suite} --id {prompt_id} -n {sample} {prompt}', vars);
    expect(r.command).toBe(`my-agent --suite 'daily' --id 'fix' -n 3 'it'\\''s $HOME \`x\`'`);
    expect(r.stdin).toBeUndefined();
    const f = renderRunner('agent < {prompt_file}', vars);
    expect(f).toEqual({ command: "agent < '/tmp/p 1.txt'", stdin: undefined, needsPromptFile: true });
    expect(renderRunner('echo {unknown}', vars).command).toBe('echo {unknown}');
  });

  it('the digest changes with the prompt, the assertions or the runner', () => {
    const d = promptDigest('p', [{ contains: 'x' }], 'r');
    expect(promptDigest('p', [{ contains: 'x' }], 'r')).toBe(d);
    expect(promptDigest('p2', [{ contains: 'x' }], 'r')).not.toBe(d);
    expect(promptDigest('p', [{ contains: 'y' }], 'r')).not.toBe(d);
    expect(promptDigest('p', [{ contains: 'x' }], 'r2')).not.toBe(d);
  });
});

describe('shellQuote', () => {
  it('property: /bin/sh gets the text back byte for byte', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
    // A few shells are slow to start: 40 runs cover quotes, $, backticks, newlines and unicode.
    fc.assert(
      fc.property(text, (s) => {
        const r = spawnSync('/bin/sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });
        expect(r.stdout).toBe(s);
      }),
      { numRuns: 40, examples: [["'"], ["a'b'c"], ['$(id) `id` \\n "x"'], ['\n\n']] },
    );
  });
});
