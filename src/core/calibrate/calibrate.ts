// When to trust the agent more: per rule, how often humans let a tier-3 call through. The only
// published heuristic is to raise autonomy where reviewers accept 90% or more; the Wilson interval
// says how sure that rate is on a small sample.

export interface Outcome {
  rule: string;
  accepted: boolean;
  /** `gate`: answered in the real-time gate (wait mode); `ask`: inferred from what happened after Claude Code's prompt. */
  source: 'gate' | 'ask';
  at: number;
}

export type Suggestion = 'lower' | 'keep' | 'raise' | 'too-few';

export interface RuleCalibration {
  rule: string;
  n: number;
  accepted: number;
  denied: number;
  /** accepted / n */
  rate: number;
  /** 95% Wilson score interval of the accept rate. */
  low: number;
  high: number;
  suggestion: Suggestion;
  why: string;
}

export interface CalibrateOptions {
  /** Decisions needed before suggesting anything (default 20). */
  minSamples: number;
  /** Accept rate at or above which the tier may come down (default 0.9). */
  lowerAt: number;
  /** Accept rate below which humans mostly deny, so the rule may become a hard deny (default 0.5). */
  raiseBelow: number;
}

export const DEFAULT_CALIBRATION: CalibrateOptions = { minSamples: 20, lowerAt: 0.9, raiseBelow: 0.5 };

/** Wilson score interval for `k` successes in `n` trials (z = 1.96: 95%). */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  return { low: Math.max(0, (centre - spread) / denom), high: Math.min(1, (centre + spread) / denom) };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function calibrate(
  outcomes: Outcome[],
  opts: CalibrateOptions = DEFAULT_CALIBRATION,
): RuleCalibration[] {
  const byRule = new Map<string, Outcome[]>();
  for (const o of outcomes) byRule.set(o.rule, [...(byRule.get(o.rule) ?? []), o]);
  return [...byRule.entries()]
    .map(([rule, list]) => {
      const n = list.length;
      const accepted = list.filter((o) => o.accepted).length;
      const rate = accepted / n;
      const { low, high } = wilson(accepted, n);
      const range = `${pct(rate)} accepted (95% interval ${pct(low)}-${pct(high)}) over ${n}`;
      let suggestion: Suggestion;
      let why: string;
      if (n < opts.minSamples) {
        suggestion = 'too-few';
        why = `${range}; ${opts.minSamples} decisions are needed before suggesting a change.`;
      } else if (rate >= opts.lowerAt) {
        suggestion = 'lower';
        why = `${range}: humans let it through at least ${pct(opts.lowerAt)} of the time; consider tier 2 (log and continue).`;
      } else if (rate < opts.raiseBelow) {
        suggestion = 'raise';
        why = `${range}: humans mostly deny it; consider tier 4 (hard deny) so nobody is asked.`;
      } else {
        suggestion = 'keep';
        why = `${range}: humans decide both ways; keep asking.`;
      }
      return { rule, n, accepted, denied: n - accepted, rate, low, high, suggestion, why };
    })
    .sort((a, b) => b.n - a.n || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
