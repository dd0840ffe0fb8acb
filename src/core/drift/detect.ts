// Today's golden run against the baseline: which metrics moved, whether that is more than noise, how bad
// it is, and the signal that pages. Two detectors:
//   - per run: a stratified Mann-Whitney test per shape metric and Fisher's exact test for the pass rate,
//     Holm-corrected over every test of the run; an alarm needs the corrected p below alpha AND an effect
//     at least minEffect (|Cliff's delta|) or minPassDrop, so that a tiny but "significant" wobble never
//     pages and a big but noisy one with three samples never does either;
//   - across runs: a self-starting CUSUM on each metric's daily level, for slow drift no single run shows.
import { wilson } from '../calibrate/calibrate.ts';
import { worse } from '../incidents/raise.ts';
import type { Severity, Signal } from '../incidents/types.ts';
import { civilFromDays, DAY } from '../oncall/civil.ts';
import { fisherExact, holm, selfStartingCusum, stratifiedMannWhitney } from './stats.ts';
import type {
  DriftSeverities,
  DriftThresholds,
  GoldenPromptRun,
  GoldenSuiteRun,
  Metric,
  ShapeMetric,
} from './types.ts';
import { METRIC_LABELS } from './types.ts';

export const DEFAULT_THRESHOLDS: DriftThresholds = {
  alpha: 0.001,
  minEffect: 0.474,
  minPassDrop: 0.2,
  cusum: { k: 0.5, h: 8 },
  floor: 0.02,
};

/** Shape metrics are compared on log(1 + value / unit): shifts become differences, cents and tokens alike. */
const UNIT: Record<ShapeMetric, number> = {
  chars: 1,
  headings: 1,
  codeBlocks: 1,
  jsonKeys: 1,
  toolCalls: 1,
  turns: 1,
  durationMs: 1,
  costUsd: 0.001,
  outputTokens: 1,
  inputTokens: 1,
};

const level = (m: ShapeMetric, v: number) => Math.log1p(v / UNIT[m]);

/** 'YYYY-MM-DD' (UTC) of an instant: the id of the day's run. */
export function dayId(at: number): string {
  const c = civilFromDays(Math.floor(at / DAY));
  return `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** Prompts run with the same definition in both, by id. */
export function comparablePrompts(
  run: GoldenSuiteRun,
  baseline: GoldenSuiteRun,
): Array<{ run: GoldenPromptRun; base: GoldenPromptRun }> {
  const byId = new Map(baseline.prompts.map((p) => [p.prompt, p]));
  return run.prompts.flatMap((p) => {
    const base = byId.get(p.prompt);
    return base && base.digest === p.digest ? [{ run: p, base }] : [];
  });
}

function valuesOf(p: GoldenPromptRun, m: ShapeMetric): number[] {
  return p.samples
    .map((s) => s.metrics[m])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface DailyLevel {
  /** The day's level: shape metrics as the mean log-ratio to the baseline over prompts; the pass rate as asin √p. */
  x: number;
  /** Least day-to-day standard deviation of x: its sampling noise, or the resolution floor. */
  floor: number;
  /** For people: the change against the baseline in % (shape), or the pass rate in % (pass rate). */
  value: number;
}

/** A run's daily level of one metric against the baseline, or null when nothing is comparable. */
export function dailyLevel(
  run: GoldenSuiteRun,
  baseline: GoldenSuiteRun,
  metric: Metric,
  resolution: number,
): DailyLevel | null {
  const pairs = comparablePrompts(run, baseline);
  if (metric === 'passRate') {
    const samples = pairs.flatMap((p) => p.run.samples);
    if (samples.length === 0) return null;
    const rate = samples.filter((s) => s.passed).length / samples.length;
    // asin √p makes a proportion's variance about 1/(4n) whatever p is.
    return { x: Math.asin(Math.sqrt(rate)), floor: 1 / (2 * Math.sqrt(samples.length)), value: rate * 100 };
  }
  const diffs: number[] = [];
  let noise = 0;
  for (const p of pairs) {
    const r = valuesOf(p.run, metric).map((v) => level(metric, v));
    const b = valuesOf(p.base, metric).map((v) => level(metric, v));
    if (r.length === 0 || b.length === 0) continue;
    diffs.push(mean(r) - mean(b));
    noise += (b.length >= 2 ? variance(b) : variance(r)) / r.length;
  }
  if (diffs.length === 0) return null;
  const x = mean(diffs);
  return {
    x,
    floor: Math.max(resolution, Math.sqrt(noise) / diffs.length),
    value: (Math.exp(x) - 1) * 100,
  };
}

export interface MetricTest {
  metric: Metric;
  /** Shape: two-sided (shorter and longer both count). Pass rate: one-sided, a drop. */
  p: number;
  /** Holm-adjusted over every test of the run. */
  pAdjusted: number;
  /** Cliff's delta of today against the baseline (shape), or the pass rate's change (run − baseline). */
  effect: number;
  method: 'exact' | 'asymptotic' | 'fisher';
  /**
   * Shape: the mean over prompts of each prompt's median (prompts differ in scale, so a median of all
   * values would jump between them). Pass rate: the share of samples passing.
   */
  baseline: number;
  run: number;
  /** Shape: run / baseline − 1 of the values above (−0.4 = 40% lower); null when the baseline is 0. */
  change: number | null;
  /** Pass rate: 95% Wilson intervals. */
  intervals?: { baseline: [number, number]; run: [number, number] };
  n: { baseline: number; run: number };
  alarm: boolean;
}

export interface SlowDrift {
  metric: Metric;
  direction: 'up' | 'down';
  /** The CUSUM's value and decision interval. */
  cusum: number;
  h: number;
  /** The first run of the current excursion. */
  since: string;
  sinceAt: number;
}

export type SuiteStatus = 'ok' | 'drift' | 'no-baseline';

export interface SuiteVerdict {
  suite: string;
  status: SuiteStatus;
  severity: Severity | null;
  tests: MetricTest[];
  slow: SlowDrift[];
  /** Samples run, and how many of them the runner failed on (could not start, timed out, exit code). */
  samples: number;
  errors: number;
  firstError: string | null;
  /** Prompts left out of the comparison: no baseline for them, or changed since. */
  uncompared: string[];
  baselineAt: number | null;
}

export interface SuiteInput {
  run: GoldenSuiteRun;
  baseline: { at: number; run: GoldenSuiteRun } | null;
  /** Earlier runs of this suite against the same baseline, oldest first. */
  history: Array<{ id: string; at: number; run: GoldenSuiteRun }>;
}

export interface AssessOptions {
  id: string;
  at: number;
  metrics: readonly Metric[];
  thresholds: DriftThresholds;
  severity: DriftSeverities;
}

function testMetric(
  run: GoldenSuiteRun,
  baseline: GoldenSuiteRun,
  metric: Metric,
): Omit<MetricTest, 'pAdjusted' | 'alarm'> | null {
  const pairs = comparablePrompts(run, baseline);
  if (metric === 'passRate') {
    const r = pairs.flatMap((p) => p.run.samples);
    const b = pairs.flatMap((p) => p.base.samples);
    if (r.length === 0 || b.length === 0) return null;
    const rp = r.filter((s) => s.passed).length;
    const bp = b.filter((s) => s.passed).length;
    const ri = wilson(rp, r.length);
    const bi = wilson(bp, b.length);
    return {
      metric,
      p: fisherExact(
        [
          [rp, r.length - rp],
          [bp, b.length - bp],
        ],
        'less',
      ),
      effect: rp / r.length - bp / b.length,
      method: 'fisher',
      baseline: bp / b.length,
      run: rp / r.length,
      change: null,
      intervals: { baseline: [bi.low, bi.high], run: [ri.low, ri.high] },
      n: { baseline: b.length, run: r.length },
    };
  }
  const strata = pairs.map((p) => ({ x: valuesOf(p.run, metric), y: valuesOf(p.base, metric) }));
  const used = strata.filter((s) => s.x.length > 0 && s.y.length > 0);
  if (used.length === 0) return null;
  const t = stratifiedMannWhitney(used);
  const baselineValue = mean(used.map((s) => median(s.y)!));
  const runValue = mean(used.map((s) => median(s.x)!));
  return {
    metric,
    p: t.p,
    effect: t.delta,
    method: t.method,
    baseline: baselineValue,
    run: runValue,
    change: baselineValue > 0 ? runValue / baselineValue - 1 : runValue === 0 ? 0 : null,
    n: { baseline: used.reduce((a, s) => a + s.y.length, 0), run: used.reduce((a, s) => a + s.x.length, 0) },
  };
}

/**
 * Judge one run of every suite. Holm runs over all the tests of the run together, so alpha is the
 * chance that a run with no real change raises anything, however many suites and metrics there are.
 */
export function assessRun(inputs: readonly SuiteInput[], opts: AssessOptions): SuiteVerdict[] {
  const raw = inputs.map((input) =>
    input.baseline
      ? opts.metrics
          .map((m) => testMetric(input.run, input.baseline!.run, m))
          .filter((t): t is NonNullable<typeof t> => t !== null)
      : [],
  );
  const adjusted = holm(raw.flat().map((t) => t.p));
  let k = 0;
  return inputs.map((input, i) => {
    const samples = input.run.prompts.flatMap((p) => p.samples);
    const errors = samples.filter((s) => s.error !== null);
    const base = {
      suite: input.run.suite,
      samples: samples.length,
      errors: errors.length,
      firstError: errors[0]?.error ?? null,
      baselineAt: input.baseline?.at ?? null,
    };
    if (!input.baseline)
      return {
        ...base,
        status: 'no-baseline' as const,
        severity: null,
        tests: [],
        slow: [],
        uncompared: input.run.prompts.map((p) => p.prompt),
      };
    const compared = new Set(comparablePrompts(input.run, input.baseline.run).map((p) => p.run.prompt));
    const tests: MetricTest[] = raw[i]!.map((t) => {
      const pAdjusted = adjusted[k++]!;
      const big =
        t.metric === 'passRate'
          ? -t.effect >= opts.thresholds.minPassDrop
          : Math.abs(t.effect) >= opts.thresholds.minEffect;
      return { ...t, pAdjusted, alarm: pAdjusted < opts.thresholds.alpha && big };
    });
    const slow = slowDrift(input, opts);
    let severity: Severity | null = null;
    const bump = (s: Severity) => {
      severity = severity === null ? s : worse(severity, s);
    };
    for (const t of tests)
      if (t.alarm) bump(t.metric === 'passRate' ? opts.severity.passRate : opts.severity.shape);
    if (slow.length > 0) bump(opts.severity.slowDrift);
    return {
      ...base,
      status: severity === null ? ('ok' as const) : ('drift' as const),
      severity,
      tests,
      slow,
      uncompared: input.run.prompts.map((p) => p.prompt).filter((p) => !compared.has(p)),
    };
  });
}

function slowDrift(input: SuiteInput, opts: AssessOptions): SlowDrift[] {
  const baseline = input.baseline!.run;
  const days = [...input.history, { id: opts.id, at: opts.at, run: input.run }];
  const out: SlowDrift[] = [];
  for (const metric of opts.metrics) {
    const points = days.map((d) => {
      const l = dailyLevel(d.run, baseline, metric, opts.thresholds.floor);
      return l ? { x: l.x, floor: l.floor } : { x: null, floor: 0 };
    });
    const r = selfStartingCusum(points, {
      ...opts.thresholds.cusum,
      direction: metric === 'passRate' ? 'down' : 'both',
    });
    if (!r.signal || r.since === null) continue;
    const since = days[Math.min(r.since, days.length - 1)]!;
    out.push({
      metric,
      direction: r.signal,
      cusum: r.signal === 'up' ? r.upper.at(-1)! : r.lower.at(-1)!,
      h: opts.thresholds.cusum.h,
      since: since.id,
      sinceAt: since.at,
    });
  }
  return out;
}

// ---- Words for people ---------------------------------------------------------------------------------

export function formatP(p: number): string {
  if (!(p > 0)) return '0';
  if (p >= 0.001) return p.toFixed(p >= 0.1 ? 2 : 3);
  return p.toExponential(0);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
export const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))}%`;

/** A metric's value for people: a rate in %, dollars with cents (or 4 decimals), counts to 1 decimal. */
export function formatValue(metric: Metric, v: number): string {
  if (metric === 'passRate') return pct(v);
  if (metric === 'costUsd') return `$${v.toFixed(v < 0.1 ? 4 : 2)}`;
  if (Number.isInteger(v) || Math.abs(v) >= 100) return String(Math.round(v));
  return v.toFixed(1);
}

/** One line per test: what moved, by how much, and how sure. */
export function describeTest(t: MetricTest): string {
  if (t.metric === 'passRate') {
    const [bl, bh] = t.intervals!.baseline;
    const [rl, rh] = t.intervals!.run;
    return `pass rate ${pct(t.baseline)} [${pct(bl)}, ${pct(bh)}] → ${pct(t.run)} [${pct(rl)}, ${pct(rh)}] (n ${t.n.baseline} → ${t.n.run}), Fisher p ${formatP(t.p)}, Holm ${formatP(t.pAdjusted)}`;
  }
  const change = t.change === null ? '' : ` (${signedPct(t.change)})`;
  return `${t.metric}: ${formatValue(t.metric, t.baseline)} → ${formatValue(t.metric, t.run)}${change}, Cliff's δ ${t.effect.toFixed(2)}, p ${formatP(t.p)} (${t.method}), Holm ${formatP(t.pAdjusted)}`;
}

export function describeSlow(s: SlowDrift): string {
  return `${s.metric} drifting ${s.direction === 'up' ? 'up' : 'down'} since ${s.since} (CUSUM ${s.cusum.toPrecision(3)} > ${s.h})`;
}

/** Short phrases for the incident title. */
function headline(v: SuiteVerdict): string[] {
  const out: string[] = [];
  for (const t of v.tests.filter((x) => x.alarm)) {
    if (t.metric === 'passRate') out.push(`pass rate ${pct(t.baseline)} → ${pct(t.run)}`);
    else
      out.push(`${t.metric} ${t.change === null ? '' : `${signedPct(t.change)} `}(δ ${t.effect.toFixed(2)})`);
  }
  for (const s of v.slow)
    if (!v.tests.some((t) => t.alarm && t.metric === s.metric))
      out.push(`${s.metric} slow drift ${s.direction}`);
  return out;
}

export interface SignalContext {
  project: string;
  runId: string;
  at: number;
}

/** The page for a suite that drifted; null when it did not. One incident per suite: the key is the suite. */
export function driftSignal(v: SuiteVerdict, ctx: SignalContext): Signal | null {
  if (v.status !== 'drift') return null;
  const parts = headline(v);
  const shown = parts.slice(0, 3).join(', ') + (parts.length > 3 ? `, +${parts.length - 3} more` : '');
  const details: Signal['details'] = {
    Suite: v.suite,
    Run: ctx.runId,
    Baseline: v.baselineAt === null ? '-' : dayId(v.baselineAt),
  };
  for (const t of v.tests.filter((x) => x.alarm)) details[METRIC_LABELS[t.metric]] = describeTest(t);
  for (const s of v.slow) details[`Slow drift: ${METRIC_LABELS[s.metric]}`] = describeSlow(s);
  if (v.errors > 0) details['Runner errors'] = `${v.errors} of ${v.samples} samples: ${v.firstError}`;
  details['Next steps'] =
    'agent-sre golden history (charts in .agent-sre/golden/); if the change is intended, record a new baseline with agent-sre golden baseline';
  const startedAt = Math.min(ctx.at, ...v.slow.map((s) => s.sinceAt));
  return {
    kind: 'drift.detected',
    project: ctx.project,
    sessionId: null,
    rule: `golden.${v.suite}`,
    key: `golden/${v.suite}`,
    summary: `Golden suite ${v.suite} drifted: ${shown}`,
    details,
    startedAt,
    at: ctx.at,
  };
}

/** Severities with the defaults filled in; `shape` follows the project's `drift.detected` severity. */
export function driftSeverities(own: Partial<DriftSeverities>, driftDetected: Severity): DriftSeverities {
  return {
    passRate: own.passRate ?? 'SEV2',
    shape: own.shape ?? driftDetected,
    slowDrift: own.slowDrift ?? 'SEV4',
  };
}
