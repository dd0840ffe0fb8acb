// The indirection readers take untrusted text (shell words, printf formats, interpreter code): they
// must never throw, and nothing appended to a destructive command may lower its tier.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveNames } from '../../src/core/effects/code-names.ts';
import { printfFormat, splitFields } from '../../src/core/shell/words.ts';
import { bash } from '../helpers/judge.ts';

const RUNS = 200;
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Text rich in the characters these readers care about. */
const codeText = fc
  .array(
    fc.oneof(
      fc.constantFrom("'", '"', '`', '+', '(', ')', '[', ']', ',', '.', '#', '\n', '\\', ' ', '$', '{', '}'),
      fc.constantFrom('getattr', '__import__', 'eval', 'exec', 'require', 'join', 'os', 'system', 'chr(1)'),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('shell indirection readers', () => {
  it('printfFormat and splitFields never throw', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.option(fc.string()),
        (f, args, ifs) => {
          const out = printfFormat(f, args);
          expect(out === undefined || typeof out === 'string').toBe(true);
          const a = Math.min(f.length, 3);
          for (const w of splitFields(
            { value: f, dynamic: false, quoted: false, substitutions: [], splits: [[a, f.length]] },
            ifs,
          ))
            expect(typeof w.value).toBe('string');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('resolveNames never throws', () => {
    fc.assert(
      fc.property(codeText, (code) => {
        expect(typeof resolveNames('python', code)).toBe('string');
        expect(typeof resolveNames('node', code)).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  it('interpreter code after a destructive call never lowers its tier', () => {
    fc.assert(
      fc.property(codeText, (tail) => {
        const py = `import os; os.system('rm -rf ~')\n${tail}`;
        expect(bash(`python3 -c ${sq(py)}`).tier).toBe(4);
        const js = `require('child_process').execSync('rm -rf ~');\n${tail}`;
        expect(bash(`node -e ${sq(js)}`).tier).toBe(4);
      }),
      { numRuns: 100 },
    );
  });

  it('aliases and functions defined before a destructive command never lower its tier', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((n) => n !== 'rm');
    // Bodies that keep the syntax whole: a quote left open would swallow the next line in bash too.
    const body = fc
      .array(
        fc.oneof(
          fc.constantFrom('echo', 'ls', 'cd /tmp', ';', '|', '&&', 'x=1', '-la', ' '),
          fc.stringMatching(/^[a-z0-9 ._=-]{0,8}$/),
        ),
        {
          maxLength: 8,
        },
      )
      .map((p) => p.join(' '));
    fc.assert(
      fc.property(name, body, fc.boolean(), (n, b, fn) => {
        const def = fn ? `${n}(){ ${b || ':'} ; }` : `alias ${n}=${sq(b)}`;
        expect(bash(`${def}\n${n}\nrm -rf ~`).tier).toBe(4);
      }),
      { numRuns: 100 },
    );
  });
});
