// A failing check is summarised by the test that failed and its assertion, not by the runner's last line
// (`# duration_ms 316.6`). The node, vitest, pytest, unittest and cargo outputs under
// test/fixtures/failure-summary were captured from the real runners; go and jest are written in their
// documented shapes (no toolchain here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeFailure } from '../../src/core/failure-summary.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'failure-summary');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('summarizeFailure on real runner output', () => {
  it.each([
    [
      'node-tap.txt',
      'sum > of an empty list is 0',
      'sum > of an empty list is 0: Expected values to be strictly equal: expected 0, actual NaN (and 1 more)',
    ],
    [
      'npm-node-test.txt',
      'sum > of an empty list is 0',
      'sum > of an empty list is 0: Expected values to be strictly equal: expected 0, actual NaN (and 1 more)',
    ],
    [
      'node-spec.txt',
      'of an empty list is 0',
      'of an empty list is 0: AssertionError: Expected values to be strictly equal: NaN !== 0 (and 1 more)',
    ],
    [
      'vitest.txt',
      'sum.test.ts > sum > of an empty list is 0',
      'sum.test.ts > sum > of an empty list is 0: AssertionError: expected NaN to be +0 // Object.is equality',
    ],
    [
      'jest.txt',
      'sum › of an empty list is 0',
      'sum › of an empty list is 0: expect(received).toBe(expected) // Object.is equality: Expected: 0, Received: NaN',
    ],
    ['pytest.txt', 'test_sum.py::test_empty', 'test_sum.py::test_empty: assert 1 == 0 (and 1 more)'],
    ['pytest-no-summary.txt', 'test_empty', 'test_empty: assert 1 == 0 (and 1 more)'],
    ['unittest.txt', 'test_sum.TestSum.test_empty', 'test_sum.TestSum.test_empty: AssertionError: 1 != 0'],
    ['go.txt', 'TestTotal', 'TestTotal: sum_test.go:9: Total(nil) = 1, want 0'],
    ['go-plain.txt', 'TestTotal', 'TestTotal: sum_test.go:9: Total(nil) = 1, want 0 (and 1 more)'],
    ['go-testify.txt', 'TestTotal', 'TestTotal: sum_test.go:12: Not equal: expected: 0, actual: 1'],
    ['cargo.txt', 'tests::one', 'tests::one: total of one was 2 (src/lib.rs:9:16) (and 1 more)'],
  ])('%s', (file, test, text) => {
    const output = fixture(file);
    expect(summarizeFailure(output)).toEqual({ test, text });
    // The old summary, for contrast: the runner's bookkeeping.
    expect(text).not.toBe(output.trimEnd().split('\n').at(-1));
  });
});

describe('summarizeFailure on shapes it reads without a fixture', () => {
  it.each([
    [
      'TAP without the YAML markers (older producers)',
      'not ok 3 - sum of an empty list is 0\n  expected: 0\n  actual: NaN\n# tests 12\n# pass 11\n# fail 1',
      'sum of an empty list is 0: expected 0, actual NaN',
    ],
    ['a TODO test is not a failure', 'not ok 1 - later # TODO\nnot ok 2 - real\n# fail 1', 'real'],
    [
      'cargo before 1.73',
      "---- tests::empty stdout ----\nthread 'tests::empty' panicked at 'assertion failed: `(left == right)`', src/lib.rs:7:5\n",
      'tests::empty: assertion failed: `(left == right)` (src/lib.rs:7:5)',
    ],
    [
      'cargo assert_eq! with left and right',
      "---- tests::e stdout ----\n\nthread 'tests::e' panicked at src/lib.rs:7:26:\nassertion `left == right` failed\n  left: 1\n right: 0\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
      'tests::e: assertion `left == right` failed: left: 1, right: 0 (src/lib.rs:7:26)',
    ],
    [
      'a go panic',
      '--- FAIL: TestIndex (0.00s)\npanic: runtime error: index out of range [3] with length 3 [recovered]\nFAIL\texample.com/x\t0.01s',
      'TestIndex: panic: runtime error: index out of range [3] with length 3 [recovered]',
    ],
    [
      'a vitest listing without its failures section',
      ' ❯ a.test.ts (1 test | 1 failed)\n   × adds 3ms\n     → expected 3 to be 4\n AssertionError: expected 3 to be 4',
      'adds: AssertionError: expected 3 to be 4',
    ],
  ])('%s', (_name, output, text) => {
    expect(summarizeFailure(output).text).toBe(text);
  });
});

describe('summarizeFailure falls back to the last meaningful line', () => {
  it.each([
    [
      'node:test that crashed before any test',
      "Error: Cannot find module './sum'\nTAP version 13\n1..0\n# tests 0\n# suites 0\n# pass 0\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 0\n# duration_ms 316.6",
      "Error: Cannot find module './sum'",
    ],
    [
      'a compiler error under make',
      "cc -c a.c\na.c:3:1: error: expected ';' before '}' token\nmake: *** [Makefile:3: test] Error 1",
      "a.c:3:1: error: expected ';' before '}' token",
    ],
    [
      'tsc under npm',
      "> app@1.0.0 typecheck\n> tsc\n\nsrc/a.ts(3,1): error TS1005: ';' expected.\nnpm error Lifecycle script `typecheck` failed with error:\nnpm error code 2",
      "src/a.ts(3,1): error TS1005: ';' expected.",
    ],
    [
      'the check detail when the output is only bookkeeping',
      '`npm test` exited 1 after 4.2 s\n# tests 0\n# duration_ms 12.5',
      '`npm test` exited 1 after 4.2 s',
    ],
    ['nothing at all', '', ''],
    ['only bookkeeping', '# tests 1\n# fail 1\n# duration_ms 316.6\n', ''],
  ])('%s', (_name, output, text) => {
    expect(summarizeFailure(output)).toEqual({ test: null, text });
  });
});

describe('summarizeFailure on untrusted output', () => {
  it('strips colour codes and redacts secrets in what it quotes', () => {
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const out = `\x1b[31mFAIL\x1b[39m  a.test.ts > auth > logs in\nAssertionError: expected '${token}' to be 'x'\n`;
    const s = summarizeFailure(out);
    expect(s.text).toContain('a.test.ts > auth > logs in: AssertionError: expected');
    expect(s.text).not.toContain(token);
    expect(s.text).not.toContain('\x1b');
  });

  it('property: one line, at most max characters, never a throw', () => {
    const vocabulary = fc.constantFrom(
      'not ok 1 - x',
      '  ---',
      '  error: |-',
      '    boom:',
      '  expected: 1',
      '  ...',
      '# Subtest: s',
      '--- FAIL: TestX (0.00s)',
      '    x_test.go:1: ',
      '=== RUN   TestX',
      '---- a stdout ----',
      "thread 'a' panicked at src/a.rs:1:1:",
      'FAIL  a.ts > b',
      '  ● a › b',
      'FAILED a.py::b - c',
      '___ b ___',
      'E   assert 0',
      '✖ t (1ms)',
      '× t',
      'AssertionError: x:',
      'Error:',
      '',
    );
    const output = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(fc.oneof(vocabulary, fc.string({ maxLength: 30 })), { maxLength: 40 })
        .map((l) => l.join('\n')),
    );
    fc.assert(
      fc.property(output, fc.integer({ min: 20, max: 300 }), (text, max) => {
        const s = summarizeFailure(text, max);
        expect(s.text).not.toMatch(/[\r\n]/);
        expect(s.text.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });

  it('stays fast on large adversarial output', () => {
    const lines = [
      Array.from({ length: 5000 }, () => '--- FAIL: TestX (0.00s)').join('\n'),
      Array.from({ length: 5000 }, () => '___ t ___').join('\n'),
      Array.from({ length: 5000 }, (_, i) => `not ok ${i} - t\n  ---`).join('\n'),
      'x'.repeat(200_000),
    ];
    for (const text of lines) {
      const t0 = performance.now();
      summarizeFailure(text);
      expect(performance.now() - t0).toBeLessThan(1_500);
    }
  });
});
