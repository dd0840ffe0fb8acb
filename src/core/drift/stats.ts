// The statistics behind "did the agent drift?" with few samples: rank tests that need no distribution
// (Mann-Whitney U, exact when it can be), an exact test for pass rates (Fisher), Holm's correction for
// testing many metrics at once, and a self-starting CUSUM for slow drift across daily runs. Everything
// here is deterministic; reference values from SciPy 1.17 are pinned in test/core/drift/stats.test.ts.

export type Alternative = 'two-sided' | 'less' | 'greater';

// ---- Special functions ------------------------------------------------------------------------------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Regularized upper incomplete gamma Q(a, x): a series below a + 1, a continued fraction above. */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 500; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lead);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(lead) * h;
}

/** erfc(x), to about 15 digits in both tails (through Q(1/2, x²)). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const q = gammaQ(0.5, x * x);
  return x >= 0 ? q : 2 - q;
}

/** P(Z ≤ z) for a standard normal Z. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);
/** P(Z > z), accurate far into the upper tail. */
export const normalSf = (z: number): number => 0.5 * erfc(z / Math.SQRT2);

// Acklam's rational approximation, then Halley steps against erfc: full double precision.
const QA = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716];
const QA5 = 2.506628277459239;
const QB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const QC = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734];
const QC4 = 4.374664141464968;
const QC5 = 2.938163982698783;
const QD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** The z with P(Z ≤ z) = p; ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const tail = (q: number) =>
    (((((QC[0]! * q + QC[1]!) * q + QC[2]!) * q + QC[3]!) * q + QC4) * q + QC5) /
    ((((QD[0]! * q + QD[1]!) * q + QD[2]!) * q + QD[3]!) * q + 1);
  let x: number;
  if (p < 0.02425) x = tail(Math.sqrt(-2 * Math.log(p)));
  else if (p > 1 - 0.02425) x = -tail(Math.sqrt(-2 * Math.log(1 - p)));
  else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((QA[0]! * r + QA[1]!) * r + QA[2]!) * r + QA[3]!) * r + QA[4]!) * r + QA5) * q) /
      (((((QB[0]! * r + QB[1]!) * r + QB[2]!) * r + QB[3]!) * r + QB[4]!) * r + 1);
  }
  for (let i = 0; i < 3; i++) {
    // Work in the smaller tail so that p near 1 keeps its precision.
    const e = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSf(x);
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const step = u / (1 + (x * u) / 2);
    if (!Number.isFinite(step)) break;
    x -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Regularized incomplete beta I_x(a, b) (continued fraction, Lentz). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return (front * h) / a;
}

/** P(T > t) for Student's t with `df` degrees of freedom, accurate in the upper tail. */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const half = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? half : 1 - half;
}

export const studentTCdf = (t: number, df: number): number => studentTSf(-t, df);

// ---- Mann-Whitney U ---------------------------------------------------------------------------------

export interface RankTest {
  /** U of the first sample: pairs where it is larger, ties counted as one half. */
  u: number;
  p: number;
  method: 'exact' | 'asymptotic';
}

const finite = (xs: readonly number[]) => xs.filter((v) => Number.isFinite(v));

/** U of `x` against `y`, and the tie-correction term Σ(t³ − t) of the pooled sample. */
function uAndTies(x: readonly number[], y: readonly number[]): { u: number; ties: number } {
  const all = [...x.map((v) => ({ v, first: true })), ...y.map((v) => ({ v, first: false }))].sort(
    (a, b) => a.v - b.v,
  );
  let rankSumX = 0;
  let ties = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    ties += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSumX += rank;
    i = j + 1;
  }
  return { u: rankSumX - (x.length * (x.length + 1)) / 2, ties };
}

const exactCache = new Map<string, Float64Array>();

/**
 * P(U = u) for u = 0..n·m under the null with no ties: the number of arrangements with U = u over
 * C(n + m, n), by the recurrence c(n, m, u) = c(n − 1, m, u − m) + c(n, m − 1, u).
 */
export function exactUDistribution(n: number, m: number): Float64Array {
  const key = `${n},${m}`;
  const hit = exactCache.get(key);
  if (hit) return hit;
  // rows[j] holds c(i, j, ·) for the current i; i grows from 0 to n.
  let rows: Float64Array[] = Array.from({ length: m + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n; i++) {
    const next: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= m; j++) {
      const cur = new Float64Array(i * j + 1);
      const left = rows[j]!; // c(i − 1, j, ·), shifted by j
      const down = next[j - 1]!; // c(i, j − 1, ·)
      for (let u = 0; u < left.length; u++) cur[u + j]! += left[u]!;
      for (let u = 0; u < down.length; u++) cur[u]! += down[u]!;
      next.push(cur);
    }
    rows = next;
  }
  const counts = rows[m]!;
  let total = 0;
  for (const c of counts) total += c;
  const dist = counts.map((c) => c / total);
  if (exactCache.size > 200) exactCache.clear();
  exactCache.set(key, dist);
  return dist;
}

/** Largest n·m (summed over strata) for which the exact distribution is computed. */
const EXACT_MAX_PAIRS = 4000;

/** Tail probabilities of a discrete distribution over 0..len−1 at `s`. */
function tails(dist: ArrayLike<number>, s: number): { le: number; ge: number } {
  let le = 0;
  let ge = 0;
  for (let u = 0; u < dist.length; u++) {
    if (u <= s + 1e-9) le += dist[u]!;
    if (u >= s - 1e-9) ge += dist[u]!;
  }
  return { le: Math.min(1, le), ge: Math.min(1, ge) };
}

function sided(le: number, ge: number, alternative: Alternative): number {
  if (alternative === 'less') return le;
  if (alternative === 'greater') return ge;
  return Math.min(1, 2 * Math.min(le, ge));
}

/** Normal approximation with the continuity correction, as SciPy does it. */
function asymptotic(s: number, mean: number, variance: number, alternative: Alternative): number {
  if (!(variance > 0)) return 1;
  const sd = Math.sqrt(variance);
  if (alternative === 'less') return normalCdf((s - mean + 0.5) / sd);
  if (alternative === 'greater') return normalSf((s - mean - 0.5) / sd);
  return Math.min(1, 2 * normalSf((Math.abs(s - mean) - 0.5) / sd));
}

/**
 * Mann-Whitney U test of `x` against `y`, with SciPy's conventions (scipy.stats.mannwhitneyu): `u` is
 * x's statistic; `greater` means x tends to be larger. `auto` is exact when a sample has at most 8
 * values and nothing is tied, otherwise the normal approximation with tie and continuity corrections.
 * Non-finite values are dropped; an empty sample gives p = 1.
 */
export function mannWhitneyU(
  xs: readonly number[],
  ys: readonly number[],
  opts: { alternative?: Alternative; method?: 'auto' | 'exact' | 'asymptotic' } = {},
): RankTest {
  const r = stratifiedMannWhitney([{ x: xs, y: ys }], {
    alternative: opts.alternative ?? 'two-sided',
    method: opts.method ?? 'auto',
  });
  return { u: r.u, p: r.p, method: r.method };
}

export interface Stratum {
  /** The sample under test (today's run). */
  x: readonly number[];
  /** The reference sample (the baseline). */
  y: readonly number[];
}

export interface StratifiedRankTest extends RankTest {
  /** The sum of the strata's U and its null mean. */
  expected: number;
  /**
   * Cliff's delta over the within-stratum pairs, in [−1, 1]: P(x > y) − P(x < y). Positive when x is
   * larger. Equal to the rank-biserial correlation.
   */
  delta: number;
  /** Pairs compared (Σ n·m); 0 when no stratum had values on both sides. */
  pairs: number;
  strata: number;
}

/**
 * A Mann-Whitney test within each stratum (prompt), pooled: S = Σ U_i, compared with its null
 * distribution. Prompts differ in scale (one answer is naturally ten times longer than another), so
 * ranks are only compared within a prompt. Exact (a convolution of the strata's exact distributions)
 * when nothing is tied and the sizes are small; else the normal approximation with tie and continuity
 * corrections. With one stratum this is exactly `mannWhitneyU`.
 */
export function stratifiedMannWhitney(
  strata: readonly Stratum[],
  opts: { alternative?: Alternative; method?: 'auto' | 'exact' | 'asymptotic' } = {},
): StratifiedRankTest {
  const alternative = opts.alternative ?? 'two-sided';
  let s = 0;
  let mean = 0;
  let variance = 0;
  let pairs = 0;
  let tied = false;
  let smallest = Infinity;
  const sizes: Array<[number, number]> = [];
  for (const st of strata) {
    const x = finite(st.x);
    const y = finite(st.y);
    if (x.length === 0 || y.length === 0) continue;
    const n = x.length;
    const m = y.length;
    const N = n + m;
    const { u, ties } = uAndTies(x, y);
    s += u;
    mean += (n * m) / 2;
    variance += ((n * m) / 12) * (N + 1 - ties / (N * (N - 1)));
    pairs += n * m;
    if (ties > 0) tied = true;
    smallest = Math.min(smallest, n, m);
    sizes.push([n, m]);
  }
  if (pairs === 0) return { u: 0, p: 1, method: 'asymptotic', expected: 0, delta: 0, pairs: 0, strata: 0 };
  const delta = (2 * s - pairs) / pairs;
  const base = { u: s, expected: mean, delta, pairs, strata: sizes.length };
  // SciPy's rule for one sample pair (exact when a side has at most 8 values and nothing is tied); a
  // sum over several prompts is exact whenever it is affordable, since nothing is lost by it. Asked for
  // explicitly, exact ignores ties as SciPy does.
  const affordable = pairs <= EXACT_MAX_PAIRS;
  const exact =
    opts.method === 'exact'
      ? affordable
      : opts.method !== 'asymptotic' && affordable && !tied && (sizes.length > 1 || smallest <= 8);
  if (exact) {
    let dist: Float64Array = Float64Array.of(1);
    for (const [n, m] of sizes) dist = convolve(dist, exactUDistribution(n, m));
    const { le, ge } = tails(dist, s);
    return { ...base, p: sided(le, ge, alternative), method: 'exact' };
  }
  return { ...base, p: asymptotic(s, mean, variance, alternative), method: 'asymptotic' };
}

function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j]! += ai * b[j]!;
  }
  return out;
}

/** Cliff's delta of x against y: P(x > y) − P(x < y); 0 when either is empty. */
export function cliffsDelta(x: readonly number[], y: readonly number[]): number {
  return stratifiedMannWhitney([{ x, y }], { method: 'asymptotic' }).delta;
}

// ---- Fisher's exact test ----------------------------------------------------------------------------

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * Fisher's exact test on [[a, b], [c, d]] (SciPy's scipy.stats.fisher_exact). `less`: the odds ratio
 * ad/bc is below 1, i.e. the first row has a smaller share in the first column. Two-sided sums every
 * table no more likely than the one observed.
 */
export function fisherExact(
  table: readonly [readonly [number, number], readonly [number, number]],
  alternative: Alternative = 'two-sided',
): number {
  const [[a, b], [c, d]] = table;
  if (![a, b, c, d].every((v) => Number.isInteger(v) && v >= 0)) return Number.NaN;
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (n === 0 || row1 === 0 || row1 === n || col1 === 0 || col1 === n) return 1;
  const lo = Math.max(0, row1 + col1 - n);
  const hi = Math.min(row1, col1);
  const denom = logChoose(n, row1);
  const pmf = (k: number) => Math.exp(logChoose(col1, k) + logChoose(n - col1, row1 - k) - denom);
  let p = 0;
  if (alternative === 'less') for (let k = lo; k <= a; k++) p += pmf(k);
  else if (alternative === 'greater') for (let k = a; k <= hi; k++) p += pmf(k);
  else {
    const observed = pmf(a) * (1 + 1e-7);
    for (let k = lo; k <= hi; k++) {
      const q = pmf(k);
      if (q <= observed) p += q;
    }
  }
  return Math.min(1, Math.max(0, p));
}

// ---- Multiple comparisons ---------------------------------------------------------------------------

/**
 * Holm's step-down adjustment: the family-wise error rate stays at α whatever the dependence between
 * the tests. Returns adjusted p-values in the input order; compare them with α directly.
 */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p: Number.isNaN(p) ? 1 : p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const out = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

// ---- Slow drift: the self-starting CUSUM ------------------------------------------------------------

export interface CusumPoint {
  /** The day's level (a mean over samples, on a scale where shifts are additive); null when missing. */
  x: number | null;
  /**
   * A lower bound for the standard deviation of `x` from day to day: its sampling noise. Keeps a metric
   * that happened to be constant for a few days from turning the next small wobble into an alarm.
   */
  floor: number;
}

export interface CusumOptions {
  /** Reference value in standard deviations (half the shift to detect fastest). */
  k: number;
  /** Decision interval: signal when a cumulative sum exceeds it. */
  h: number;
  /** Which shifts count: a pass rate only matters going down. */
  direction: 'both' | 'up' | 'down';
}

export interface CusumResult {
  /** Per point: the standardized Q statistic, or null (missing, or fewer than two earlier points). */
  q: Array<number | null>;
  upper: number[];
  lower: number[];
  /** The state at the last point. */
  signal: 'up' | 'down' | null;
  /** Index of the first point of the current excursion (after the last time the signalling sum was 0). */
  since: number | null;
  /** Index of the first point where the chart signalled; learning stops there. */
  firstSignal: number | null;
}

const Q_CLAMP = 8;

/**
 * Hawkins' self-starting CUSUM on Quesenberry's Q statistics. Each day is standardized against the mean
 * and standard deviation of the days before it (a t statistic with n − 1 degrees of freedom), turned into
 * a standard normal Q, and the Q's feed a tabular CUSUM. For independent normal days the Q's are exactly
 * independent N(0, 1), so the false-alarm rate is the textbook CUSUM's from the third day on, with no
 * in-control period to estimate first. Once the chart signals, it stops learning: the shifted days must
 * not become the new normal until a human records a new baseline.
 */
export function selfStartingCusum(points: readonly CusumPoint[], opts: CusumOptions): CusumResult {
  const q: Array<number | null> = [];
  const upper: number[] = [];
  const lower: number[] = [];
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let floorSum = 0;
  let up = 0;
  let down = 0;
  let upZeroAt = -1;
  let downZeroAt = -1;
  let firstSignal: number | null = null;
  const fires = (u: number, d: number) =>
    (opts.direction !== 'down' && u > opts.h) || (opts.direction !== 'up' && d > opts.h);
  points.forEach((pt, i) => {
    let qi: number | null = null;
    const x = pt.x;
    if (x !== null && Number.isFinite(x)) {
      if (n >= 2) {
        const s = Math.sqrt(m2 / (n - 1));
        const se = Math.max(s, floorSum / n);
        if (se > 0) {
          const t = (x - mean) / (se * Math.sqrt(1 + 1 / n));
          // Through the smaller tail, so that a far-out day keeps its size instead of rounding to ±∞.
          const raw = t >= 0 ? -normalQuantile(studentTSf(t, n - 1)) : normalQuantile(studentTSf(-t, n - 1));
          // NaN only comes from overflowing input (∞ − ∞): no evidence either way.
          qi = Number.isNaN(t)
            ? 0
            : Math.max(-Q_CLAMP, Math.min(Q_CLAMP, Number.isFinite(raw) ? raw : Math.sign(t) * Q_CLAMP));
        } else qi = 0;
        up = Math.max(0, up + qi - opts.k);
        down = Math.max(0, down - qi - opts.k);
        if (firstSignal === null && fires(up, down)) firstSignal = i;
      }
      if (firstSignal === null) {
        n++;
        const d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
        floorSum += Math.max(0, Number.isFinite(pt.floor) ? pt.floor : 0);
      }
    }
    if (up === 0) upZeroAt = i;
    if (down === 0) downZeroAt = i;
    q.push(qi);
    upper.push(up);
    lower.push(down);
  });
  const upFires = opts.direction !== 'down' && up > opts.h;
  const downFires = opts.direction !== 'up' && down > opts.h;
  const signal = upFires && (!downFires || up >= down) ? 'up' : downFires ? 'down' : null;
  const since = signal === 'up' ? upZeroAt + 1 : signal === 'down' ? downZeroAt + 1 : null;
  return { q, upper, lower, signal, since, firstSignal };
}

/**
 * Siegmund's approximation of a one-sided CUSUM's in-control average run length for N(0, 1) data
 * (Montgomery, Introduction to Statistical Quality Control, §9.1): used to document the thresholds.
 */
export function cusumArl0(k: number, h: number): number {
  const b = h + 1.166;
  const d = -k;
  return (Math.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d * d);
}
