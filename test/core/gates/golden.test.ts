// Golden-file comparison: exact, normalized (CRLF, whitespace, ANSI) and structural (JSON leaves, key
// order ignored, first differing path reported), thresholds below 1, clear details for non-JSON, and
// properties: it never throws, the score stays in [0, 1], and anything matches itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareGolden } from '../../../src/core/gates/golden.ts';
import type { GoldenMode } from '../../../src/core/gates/types.ts';

const MODES: GoldenMode[] = ['exact', 'normalized', 'structural'];
const lines = (n: number, f: (i: number) => string = (i) => `line ${i}`) =>
  Array.from({ length: n }, (_, i) => f(i)).join('\n');

describe('exact', () => {
  it('passes identical text with score 1 and detail "matches"', () => {
    expect(compareGolden('a\nb\nc', 'a\nb\nc', 'exact', 1)).toEqual({
      passed: true,
      score: 1,
      detail: 'matches',
    });
    expect(compareGolden('', '', 'exact', 1).passed).toBe(true);
  });

  it('fails one differing line and names it', () => {
    const r = compareGolden('a\nX\nc', 'a\nb\nc', 'exact', 1);
    expect(r.passed).toBe(false);
    expect(r.score).toBeCloseTo(2 / 3);
    expect(r.detail).toBe('line 2: expected "b", got "X"');
  });

  it('reports missing and extra lines', () => {
    expect(compareGolden('a', 'a\nb', 'exact', 1).detail).toBe(
      'line 2: expected "b", got nothing (output ended)',
    );
    expect(compareGolden('a\nb', 'a', 'exact', 1).detail).toBe(
      'line 2: expected nothing (golden ended), got "b"',
    );
  });

  it('a trailing newline is a line of its own', () => {
    const r = compareGolden('a\n', 'a', 'exact', 1);
    expect(r.passed).toBe(false);
    expect(r.score).toBe(0.5);
  });

  it('clips long lines in the detail', () => {
    const r = compareGolden('x'.repeat(500), 'y'.repeat(500), 'exact', 1);
    expect(r.detail.length).toBeLessThan(200);
    expect(r.detail).toContain('…');
  });

  it('counts lines by longest common subsequence: one inserted line costs one line', () => {
    const golden = lines(10);
    const output = ['inserted', ...golden.split('\n')].join('\n');
    const r = compareGolden(output, golden, 'exact', 0.9);
    expect(r.score).toBeCloseTo(10 / 11);
    expect(r.passed).toBe(true);
  });

  it('CRLF, trailing spaces and ANSI codes differ under exact', () => {
    expect(compareGolden('a\r\nb', 'a\nb', 'exact', 1).passed).toBe(false);
    expect(compareGolden('a  \nb', 'a\nb', 'exact', 1).passed).toBe(false);
    expect(compareGolden('\x1b[32mok\x1b[0m', 'ok', 'exact', 1).passed).toBe(false);
  });
});

describe('thresholds', () => {
  const golden = lines(20);
  const withDiffs = (n: number) => lines(20, (i) => (i < n ? `changed ${i}` : `line ${i}`));

  it.each(['exact', 'normalized'] as const)('%s: 0.9 passes with 1 of 20 lines differing', (mode) => {
    const r = compareGolden(withDiffs(1), golden, mode, 0.9);
    expect(r.score).toBe(19 / 20);
    expect(r.passed).toBe(true);
    expect(r.detail).toBe('matches');
  });

  it.each(['exact', 'normalized'] as const)(
    '%s: 0.9 passes with 2 of 20 (exactly at the threshold)',
    (mode) => {
      const r = compareGolden(withDiffs(2), golden, mode, 0.9);
      expect(r.score).toBe(0.9);
      expect(r.passed).toBe(true);
    },
  );

  it.each(['exact', 'normalized'] as const)('%s: 0.9 fails with 3 of 20 lines differing', (mode) => {
    const r = compareGolden(withDiffs(3), golden, mode, 0.9);
    expect(r.score).toBe(17 / 20);
    expect(r.passed).toBe(false);
    expect(r.detail).toBe('line 1: expected "line 0", got "changed 0"');
  });

  it('threshold 1 demands equality', () => {
    expect(compareGolden(withDiffs(1), golden, 'exact', 1).passed).toBe(false);
  });

  it('threshold 0 passes anything that parses', () => {
    expect(compareGolden('totally different', golden, 'exact', 0).passed).toBe(true);
    expect(compareGolden('{"a":1}', '{"b":2}', 'structural', 0).passed).toBe(true);
  });
});

describe('normalized', () => {
  it('CRLF, lone CR, trailing spaces, inner runs of whitespace and ANSI codes compare equal', () => {
    const golden = 'Tests: 3 passed\nDone in 1s\n';
    for (const output of [
      'Tests: 3 passed\r\nDone in 1s\r\n',
      'Tests: 3 passed\rDone in 1s\r',
      'Tests: 3 passed   \nDone in 1s\t\n',
      '  Tests:   3\tpassed\nDone in 1s',
      '\x1b[32mTests: 3 passed\x1b[0m\n\x1b[1;31mDone\x1b[0m in 1s\n',
      'Tests: 3 passed\nDone in 1s\n\n\n',
    ]) {
      expect(compareGolden(output, golden, 'normalized', 1), JSON.stringify(output)).toEqual({
        passed: true,
        score: 1,
        detail: 'matches',
      });
      expect(compareGolden(output, golden, 'exact', 1).passed, JSON.stringify(output)).toBe(false);
    }
  });

  it('still tells different words apart, and names the normalized line', () => {
    const r = compareGolden('Tests:  2   passed\n', 'Tests: 3 passed\n', 'normalized', 1);
    expect(r.passed).toBe(false);
    expect(r.detail).toBe('line 1: expected "Tests: 3 passed", got "Tests: 2 passed"');
  });

  it('empty against blank lines is a match; empty against text is not', () => {
    expect(compareGolden('', '\n\n', 'normalized', 1).passed).toBe(true);
    const r = compareGolden('', 'x', 'normalized', 1);
    expect(r).toMatchObject({ passed: false, score: 0 });
    expect(r.detail).toContain('output ended');
  });
});

describe('structural', () => {
  it('ignores key order and whitespace', () => {
    const r = compareGolden(
      '{"b":[1,2],"a":{"y":2,"x":1}}',
      '{\n  "a": {"x": 1, "y": 2},\n  "b": [1, 2]\n}',
      'structural',
      1,
    );
    expect(r).toEqual({ passed: true, score: 1, detail: 'matches' });
  });

  it('reports the first differing JSON path with both values', () => {
    const r = compareGolden('{"a":1,"b":{"c":[1,2,3]}}', '{"a":1,"b":{"c":[1,9,3]}}', 'structural', 1);
    expect(r.passed).toBe(false);
    expect(r.score).toBe(3 / 4);
    expect(r.detail).toBe('.b.c[1]: expected 9, got 2');
  });

  it('reports missing and extra keys', () => {
    expect(compareGolden('{"a":1}', '{"a":1,"b":"x"}', 'structural', 1).detail).toBe(
      '.b: expected "x", got no value',
    );
    expect(compareGolden('{"a":1,"z":true}', '{"a":1}', 'structural', 1).detail).toBe(
      '.z: expected no value, got true',
    );
  });

  it('tells types apart: "1" vs 1, null vs missing, [] vs {}, array vs object with index keys', () => {
    expect(compareGolden('{"a":"1"}', '{"a":1}', 'structural', 1).passed).toBe(false);
    expect(compareGolden('{"a":null}', '{}', 'structural', 1).passed).toBe(false);
    expect(compareGolden('{"a":[]}', '{"a":{}}', 'structural', 1).passed).toBe(false);
    expect(compareGolden('{"a":"[]"}', '{"a":[]}', 'structural', 1).passed).toBe(false);
    expect(compareGolden('[1,2]', '{"0":1,"1":2}', 'structural', 1).passed).toBe(false);
  });

  it('compares scalars at the root', () => {
    expect(compareGolden('42', ' 42 ', 'structural', 1).passed).toBe(true);
    expect(compareGolden('"x"', '"y"', 'structural', 1).detail).toBe('$: expected "y", got "x"');
  });

  it('scores leaves: 9 of 10 equal passes 0.9, 8 of 10 does not', () => {
    const obj = (bad: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i < bad ? -1 : i])));
    expect(compareGolden(obj(1), obj(0), 'structural', 0.9)).toMatchObject({ passed: true, score: 0.9 });
    expect(compareGolden(obj(2), obj(0), 'structural', 0.9)).toMatchObject({ passed: false, score: 0.8 });
  });

  it('a passing score below 1 still reports the first difference in its detail', () => {
    const r = compareGolden('{"a":1,"b":2,"c":3,"d":0}', '{"a":1,"b":2,"c":3,"d":4}', 'structural', 0.75);
    expect(r.passed).toBe(true);
    expect(r.detail).toBe('.d: expected 4, got 0');
  });

  it('non-JSON output fails with a clear detail', () => {
    const r = compareGolden('Tests passed!', '{"ok":true}', 'structural', 0);
    expect(r.passed).toBe(false);
    expect(r.score).toBe(0);
    expect(r.detail).toMatch(/^the output is not JSON: /);
  });

  it('a non-JSON golden file fails, and is named as the golden', () => {
    const r = compareGolden('{"ok":true}', 'ok: true', 'structural', 0);
    expect(r).toMatchObject({ passed: false, score: 0 });
    expect(r.detail).toMatch(/^the golden file is not JSON: /);
  });

  // Regressions: both were bugs found by these tests.
  describe('paths and depth', () => {
    it('tells a dotted key from a nested object', () => {
      expect(compareGolden('{"a.b":1}', '{"a":{"b":1}}', 'structural', 1).passed).toBe(false);
      expect(compareGolden('{"a[0]":1}', '{"a":[1]}', 'structural', 1).passed).toBe(false);
    });
    it('does not throw on deeply nested JSON', () => {
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      expect(() => compareGolden(deep, deep, 'structural', 1)).not.toThrow();
    });
  });
});

describe('large inputs', () => {
  it('falls back to a positional comparison past the LCS budget, and stays correct for equal input', () => {
    const big = lines(3000);
    expect(compareGolden(big, big, 'exact', 1)).toMatchObject({ passed: true, score: 1 });
    const changed = lines(3000, (i) => (i === 1500 ? 'changed' : `line ${i}`));
    const r = compareGolden(changed, big, 'exact', 0.99);
    expect(r.score).toBeCloseTo(2999 / 3000);
    expect(r.passed).toBe(true);
  });
});

describe('properties', () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc
      .array(fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '\t', '\x1b[0m', '{', '}', '"', ':', '1'))
      .map((xs) => xs.join('')),
    fc.json(),
  );
  const threshold = fc.double({ min: 0, max: 1, noNaN: true });

  it('never throws, and the score is within [0, 1], for every mode', () => {
    fc.assert(
      fc.property(text, text, fc.constantFrom(...MODES), threshold, (output, golden, mode, t) => {
        const r = compareGolden(output, golden, mode, t);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1);
        expect(typeof r.detail).toBe('string');
        expect(r.detail.length).toBeGreaterThan(0);
        // Passing means reaching the threshold.
        if (r.passed) expect(r.score).toBeGreaterThanOrEqual(t);
      }),
      { numRuns: 500 },
    );
  });

  it('any text matches itself under exact and normalized', () => {
    fc.assert(
      fc.property(text, fc.constantFrom<GoldenMode>('exact', 'normalized'), (x, mode) => {
        expect(compareGolden(x, x, mode, 1)).toEqual({ passed: true, score: 1, detail: 'matches' });
      }),
      { numRuns: 500 },
    );
  });

  it('any JSON matches itself under structural, also re-serialised with other whitespace', () => {
    fc.assert(
      fc.property(fc.json(), (x) => {
        expect(compareGolden(x, x, 'structural', 1)).toEqual({ passed: true, score: 1, detail: 'matches' });
        const pretty = JSON.stringify(JSON.parse(x), null, 2);
        expect(compareGolden(pretty, x, 'structural', 1).passed).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('exact equality at threshold 1 is string equality', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(compareGolden(a, b, 'exact', 1).passed).toBe(a === b);
      }),
      { numRuns: 500 },
    );
  });
});
