// Aggregates over per-incident times. Median and p90 rather than a mean alone: one long incident
// dominates a mean (oncall-apis §6.5). Missing values are left out and counted, never taken as 0.

export interface Summary {
  /** Values that were present. */
  n: number;
  /** Values that were missing (a milestone nobody recorded). */
  missing: number;
  median: number | null;
  p90: number | null;
  mean: number | null;
  max: number | null;
}

/**
 * The q-quantile of ascending `sorted` by linear interpolation between the closest ranks (Hyndman and
 * Fan's type 7: numpy's default, the spreadsheet PERCENTILE.INC). null for no values.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function summarize(values: ReadonlyArray<number | null>): Summary {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const n = present.length;
  return {
    n,
    missing: values.length - n,
    median: quantile(present, 0.5),
    p90: quantile(present, 0.9),
    mean: n === 0 ? null : present.reduce((s, v) => s + v, 0) / n,
    max: n === 0 ? null : present[n - 1]!,
  };
}
