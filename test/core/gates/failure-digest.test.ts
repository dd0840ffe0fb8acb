import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureDigest } from '../../../src/core/gates/failure-digest.ts';

/** Real node --test output for one failing and one passing test (TAP when piped, as the gate runs it). */
function nodeTestOutput(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-sre-digest-'));
  try {
    writeFileSync(
      join(dir, 'a.test.js'),
      "const test = require('node:test');\nconst assert = require('node:assert');\n" +
        "test('adds numbers', () => { assert.strictEqual(2 + 2, 3); });\n" +
        "for (let i = 0; i < 40; i++) test('ok ' + i, () => {});\n",
    );
    const r = spawnSync(process.execPath, ['--test', 'a.test.js'], { cwd: dir, encoding: 'utf8' });
    return r.stdout + r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const VITEST = ` ✓ test/a.test.ts > sums (2 ms)
 × test/b.test.ts > answer is 42 3ms
   → expected 41 to be 42 // Object.is equality

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  test/b.test.ts > answer is 42
AssertionError: expected 41 to be 42 // Object.is equality

- Expected
+ Received

- 42
+ 41

 ❯ test/b.test.ts:4:18
${Array.from({ length: 30 }, (_, i) => `      ${i} | filler line of the code frame`).join('\n')}

 Test Files  1 failed | 1 passed (2)
      Tests  1 failed | 1 passed (2)
   Start at  03:10:00
   Duration  310ms`;

const PYTEST = `============================= test session starts ==============================
collected 3 items

test_calc.py ..F                                                         [100%]

=================================== FAILURES ===================================
_________________________________ test_divide __________________________________

    def test_divide():
>       assert divide(6, 3) == 3
E       assert 2.0 == 3
E        +  where 2.0 = divide(6, 3)

test_calc.py:9: AssertionError
=========================== short test summary info ============================
FAILED test_calc.py::test_divide - assert 2.0 == 3
========================= 1 failed, 2 passed in 0.03s ==========================`;

const GO = `--- FAIL: TestAdd (0.00s)
    add_test.go:8: Add(2, 2) = 5; want 4
FAIL
FAIL	example.com/calc	0.002s
FAIL`;

describe('failureDigest', () => {
  it('node --test: keeps the failing test and its assertion that a 600-character tail lost', () => {
    const out = nodeTestOutput();
    // The old reason kept the last 600 characters: only the counts and durations.
    expect(out.slice(-600)).not.toContain('4 !== 3');
    const d = failureDigest(out, 1500);
    expect(d).toContain('not ok 1 - adds numbers');
    expect(d).toContain('4 !== 3');
    expect(d).toContain('# fail 1');
    expect(d.length).toBeLessThanOrEqual(1500);
  });

  it.each([
    ['vitest', VITEST, ['× test/b.test.ts > answer is 42', 'expected 41 to be 42', 'Tests  1 failed']],
    ['pytest', PYTEST, ['assert 2.0 == 3', 'FAILED test_calc.py::test_divide', '1 failed, 2 passed']],
    ['go test', GO, ['--- FAIL: TestAdd', 'Add(2, 2) = 5; want 4']],
  ])('%s: the failure and the summary', (_name, out, wanted) => {
    const d = failureDigest(out, 1500);
    for (const w of wanted) expect(d).toContain(w);
    expect(d.length).toBeLessThanOrEqual(1500);
  });

  it('drops the code-frame filler between the failure and the summary', () => {
    const d = failureDigest(VITEST, 1500);
    expect(d).not.toContain('20 | filler');
    expect(d).toContain('…');
  });

  it('output with nothing that names a failure keeps its end, as before', () => {
    const out = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const d = failureDigest(out, 200);
    expect(d).toContain('line 49');
    expect(d).not.toContain('line 10\n');
  });

  it('never exceeds its limit, and always keeps the last line (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 120 }),
            fc.constantFrom('not ok 1 - x', 'AssertionError: y', '  at f (a.js:1:2)', 'Expected 1'),
          ),
          {
            maxLength: 200,
          },
        ),
        fc.integer({ min: 200, max: 3000 }),
        (lines, max) => {
          const out = lines.join('\n');
          const d = failureDigest(out, max);
          expect(d.length).toBeLessThanOrEqual(max);
          const last = lines.at(-1) ?? '';
          if (last.length > 0 && last.length < max / 4) expect(d.endsWith(last)).toBe(true);
        },
      ),
    );
  });
});
