import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatUtc } from '../../../src/core/metrics/format.ts';
import { quantile, summarize } from '../../../src/core/metrics/stats.ts';

describe('quantile and summarize', () => {
  it('interpolate between ranks like numpy and PERCENTILE.INC', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('leave missing values out and count them', () => {
    expect(summarize([60_000, null, 120_000, null, 180_000])).toEqual({
      n: 3,
      missing: 2,
      median: 120_000,
      p90: 168_000,
      mean: 120_000,
      max: 180_000,
    });
    expect(summarize([null, null])).toMatchObject({ n: 0, missing: 2, median: null, p90: null, mean: null });
  });

  it('property: min <= median <= p90 <= max, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 60 }), (xs) => {
        const s = summarize(xs);
        expect(s.median!).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(s.p90!).toBeGreaterThanOrEqual(s.median!);
        expect(s.max).toBe(Math.max(...xs));
        expect(s.p90!).toBeLessThanOrEqual(s.max!);
      }),
    );
  });
});

describe('formatting without Date', () => {
  it('formats instants in UTC the way Date does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(formatUtc(ms)).toBe(new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
      }),
    );
  });

  it('durations say "not recorded" for a missing time', () => {
    expect(formatDuration(null)).toBe('not recorded');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(250_000)).toBe('4m 10s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h 05m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
});
