import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, type Outcome, wilson } from '../../../src/core/calibrate/calibrate.ts';

const outcomes = (rule: string, accepted: number, denied: number): Outcome[] => [
  ...Array.from({ length: accepted }, (_, i) => ({ rule, accepted: true, source: 'gate' as const, at: i })),
  ...Array.from({ length: denied }, (_, i) => ({ rule, accepted: false, source: 'ask' as const, at: i })),
];

describe('wilson', () => {
  it.each([
    // Reference values of the 95% Wilson score interval.
    [9, 10, 0.5958, 0.9821],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [45, 50, 0.7864, 0.9565],
  ])('%i of %i → [%f, %f]', (k, n, low, high) => {
    const r = wilson(k, n);
    expect(r.low).toBeCloseTo(low, 3);
    expect(r.high).toBeCloseTo(high, 3);
  });

  it('always contains the observed rate, within [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.round(f * n);
        const r = wilson(k, n);
        expect(r.low).toBeGreaterThanOrEqual(0);
        expect(r.high).toBeLessThanOrEqual(1);
        expect(r.low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(r.high).toBeGreaterThanOrEqual(k / n - 1e-12);
      }),
    );
  });
});

describe('calibrate', () => {
  const opts = { minSamples: 20, lowerAt: 0.9, raiseBelow: 0.5 };
  it.each([
    ['git.push-protected', 19, 1, 'lower'],
    ['infra.change', 18, 2, 'lower'],
    ['net.external-write', 17, 3, 'keep'],
    ['exec.privileged', 5, 15, 'raise'],
    ['mcp.write', 10, 0, 'too-few'],
  ] as const)('%s: %i accepted, %i denied → %s', (rule, a, d, suggestion) => {
    const [r] = calibrate(outcomes(rule, a, d), opts);
    expect(r).toMatchObject({ rule, n: a + d, accepted: a, denied: d, suggestion });
    expect(r?.why).toMatch(/accepted \(95% interval \d+%-\d+%\) over \d+/);
  });

  it('reports every rule, most decisions first', () => {
    const r = calibrate([...outcomes('a', 1, 0), ...outcomes('b', 5, 5), ...outcomes('c', 3, 0)], opts);
    expect(r.map((x) => x.rule)).toEqual(['b', 'c', 'a']);
  });
});
