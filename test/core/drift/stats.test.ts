import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilson } from '../../../src/core/calibrate/calibrate.ts';
import {
  cliffsDelta,
  cusumArl0,
  erfc,
  exactUDistribution,
  fisherExact,
  holm,
  incompleteBeta,
  logGamma,
  mannWhitneyU,
  normalCdf,
  normalQuantile,
  normalSf,
  selfStartingCusum,
  stratifiedMannWhitney,
  studentTCdf,
  studentTSf,
} from '../../../src/core/drift/stats.ts';

/** Relative closeness, for p-values that span many orders of magnitude. */
const near = (actual: number, expected: number, rel = 1e-9) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);

/** A seeded generator (mulberry32) and standard normals from it, so the tests see the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

describe('special functions against SciPy 1.17', () => {
  it.each([
    // scipy.stats.norm
    ['norm.sf(5)', normalSf(5), 2.866515718791933e-7],
    ['norm.sf(8.5)', normalSf(8.5), 9.47953482220325e-18],
    ['norm.cdf(-1.2)', normalCdf(-1.2), 0.11506967022170822],
    ['norm.ppf(0.975)', normalQuantile(0.975), 1.959963984540054],
    ['norm.ppf(1e-10)', normalQuantile(1e-10), -6.361340902404056],
    ['norm.ppf(0.3)', normalQuantile(0.3), -0.5244005127080409],
    // scipy.stats.t
    ['t.cdf(2, 5)', studentTCdf(2, 5), 0.9490302605850708],
    ['t.cdf(-1.5, 1)', studentTCdf(-1.5, 1), 0.18716704181099886],
    ['t.cdf(3.2, 2)', studentTCdf(3.2, 2), 0.9573295603800236],
    ['t.sf(12, 3)', studentTSf(12, 3), 0.0006225079003946681],
    ['t.cdf(0.7, 30)', studentTCdf(0.7, 30), 0.7553397782501642],
    ['t.sf(40, 4)', studentTSf(40, 4), 1.1670081613006339e-6],
  ])('%s', (_name, actual, expected) => near(actual, expected, 1e-9));

  it('logGamma, erfc and the incomplete beta at known points', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-13);
    near(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
    near(logGamma(101), 363.73937555556347, 1e-13); // ln(100!)
    near(erfc(1), 0.15729920705028513, 1e-12);
    near(erfc(-1), 1.8427007929497148, 1e-12);
    near(incompleteBeta(0.5, 2, 3), 0.6875, 1e-12); // 11/16
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });

  it('normalQuantile inverts normalCdf across the range', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (z) => {
        // Through the smaller tail: 1 − p cannot carry an upper-tail probability in full.
        const back = z <= 0 ? normalQuantile(normalCdf(z)) : -normalQuantile(normalSf(z));
        expect(Math.abs(back - z)).toBeLessThan(1e-9 * Math.max(1, Math.abs(z)));
      }),
    );
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(2)).toBeNaN();
  });
});

describe('mannWhitneyU against SciPy 1.17 (scipy.stats.mannwhitneyu)', () => {
  // The example of the SciPy documentation (Conover): ages of male and female workers.
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it('the SciPy documentation example, exact and asymptotic', () => {
    const exact = mannWhitneyU(males, females, { method: 'exact' });
    expect(exact.u).toBe(17);
    near(exact.p, 0.1111111111111111);
    expect(mannWhitneyU(males, females).method).toBe('exact'); // auto: a side has ≤ 8, no ties
    near(mannWhitneyU(males, females, { method: 'asymptotic' }).p, 0.11134688653314041);
    near(mannWhitneyU(males, females, { method: 'exact', alternative: 'greater' }).p, 0.05555555555555555);
    near(mannWhitneyU(males, females, { method: 'exact', alternative: 'less' }).p, 0.9682539682539683);
  });

  it('ties: the normal approximation with tie correction', () => {
    const x = [1, 2, 2, 3, 3, 3, 4, 5];
    const y = [3, 4, 4, 5, 5, 6, 7, 7, 8];
    const two = mannWhitneyU(x, y);
    expect(two.u).toBe(7.5);
    expect(two.method).toBe('asymptotic');
    near(two.p, 0.006373133838085873);
    near(mannWhitneyU(x, y, { alternative: 'less' }).p, 0.0031865669190429364);
    near(mannWhitneyU(x, y, { alternative: 'greater' }).p, 0.9976386658073535);
  });

  it('larger samples: asymptotic by default, exact on request', () => {
    const a = [0.346, 0.822, 0.33, -1.303, 0.905, 0.446, -0.537, 0.581, 0.365, 0.294, 0.028, 0.547];
    const b = [
      0.064, 0.637, 0.318, 1.399, 0.84, 0.508, 0.018, 0.543, 0.808, 0.524, 2.094, 1.807, -1.911, -1.089,
      0.625,
    ];
    const auto = mannWhitneyU(a, b);
    expect(auto.u).toBe(69);
    expect(auto.method).toBe('asymptotic');
    near(auto.p, 0.31716652052312344);
    near(mannWhitneyU(a, b, { method: 'exact' }).p, 0.32285706396623076, 1e-8);
  });

  it('small exact cases: complete separation', () => {
    near(mannWhitneyU([1, 2, 3], [4, 5, 6], { method: 'exact' }).p, 0.1);
    near(mannWhitneyU([1, 2, 3], [4, 5, 6], { method: 'exact', alternative: 'less' }).p, 0.05);
    expect(mannWhitneyU([1, 1, 1], [1, 1, 1]).p).toBe(1);
  });

  it('the exact distribution matches brute-force enumeration', () => {
    for (const [n, m] of [
      [1, 1],
      [2, 3],
      [3, 3],
      [4, 2],
      [5, 4],
    ] as const) {
      const counts = new Array(n * m + 1).fill(0);
      let total = 0;
      // Every way to choose which of the n + m ranks belong to x.
      for (let mask = 0; mask < 1 << (n + m); mask++) {
        let bits = 0;
        for (let i = 0; i < n + m; i++) if (mask & (1 << i)) bits++;
        if (bits !== n) continue;
        let u = 0;
        for (let i = 0; i < n + m; i++)
          if (mask & (1 << i)) for (let j = 0; j < i; j++) if (!(mask & (1 << j))) u++;
        counts[u]++;
        total++;
      }
      const dist = exactUDistribution(n, m);
      expect([...dist].map((p) => Math.round(p * total))).toEqual(counts);
    }
  });
});

describe('stratifiedMannWhitney', () => {
  it('with one stratum it is the plain test', () => {
    const x = [3.1, 4.2, 5.5, 2.2];
    const y = [1.5, 2.5, 3.5, 0.5, 1.1, 0.9];
    const one = stratifiedMannWhitney([{ x, y }]);
    const plain = mannWhitneyU(x, y);
    expect(one.p).toBe(plain.p);
    expect(one.u).toBe(plain.u);
  });

  it('is exact by convolution when nothing is tied: brute force over two tiny strata', () => {
    const strata = [
      { x: [5, 7], y: [1, 6] },
      { x: [10], y: [20, 30] },
    ];
    // Every relabelling within each stratum is equally likely under the null.
    const sums: number[] = [];
    const u = (x: number[], y: number[]) => x.reduce((s, a) => s + y.filter((b) => a > b).length, 0);
    const splits1 = [
      [
        [5, 7],
        [1, 6],
      ],
      [
        [5, 1],
        [7, 6],
      ],
      [
        [5, 6],
        [7, 1],
      ],
      [
        [7, 1],
        [5, 6],
      ],
      [
        [7, 6],
        [5, 1],
      ],
      [
        [1, 6],
        [5, 7],
      ],
    ];
    const splits2 = [
      [[10], [20, 30]],
      [[20], [10, 30]],
      [[30], [10, 20]],
    ];
    for (const [a, b] of splits1) for (const [c, d] of splits2) sums.push(u(a!, b!) + u(c!, d!));
    const observed = u([5, 7], [1, 6]) + u([10], [20, 30]);
    const le = sums.filter((s) => s <= observed).length / sums.length;
    const ge = sums.filter((s) => s >= observed).length / sums.length;
    const r = stratifiedMannWhitney(strata);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(observed);
    near(r.p, Math.min(1, 2 * Math.min(le, ge)), 1e-12);
  });

  it("Cliff's delta is ±1 under complete separation and 0 for identical samples", () => {
    expect(cliffsDelta([5, 6, 7], [1, 2, 3])).toBe(1);
    expect(cliffsDelta([1, 2, 3], [5, 6, 7])).toBe(-1);
    expect(cliffsDelta([1, 2, 3], [1, 2, 3])).toBe(0);
    const r = stratifiedMannWhitney([
      { x: [1, 2], y: [3, 4] },
      { x: [100, 200], y: [10, 20] },
    ]);
    expect(r.delta).toBe(0);
  });

  it('a shift in every prompt is significant even when the prompts differ in scale', () => {
    const g = rng(7);
    const strata = [100, 1000, 10_000].map((scale) => ({
      x: Array.from({ length: 4 }, () => scale * 0.5 * Math.exp(0.2 * g.normal())),
      y: Array.from({ length: 8 }, () => scale * Math.exp(0.2 * g.normal())),
    }));
    const r = stratifiedMannWhitney(strata);
    expect(r.delta).toBe(-1);
    expect(r.p).toBeLessThan(1e-6);
    // Pooling the raw values instead would mix the scales and lose the shift.
    const pooled = mannWhitneyU(
      strata.flatMap((s) => s.x),
      strata.flatMap((s) => s.y),
    );
    expect(pooled.p).toBeGreaterThan(0.01);
  });

  const sample = fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })), {
    maxLength: 12,
  });
  const strata = fc.array(fc.record({ x: sample, y: sample }), { maxLength: 5 });

  it('property: p in [0, 1], delta in [−1, 1], no throw on ties, empties or infinities', () => {
    fc.assert(
      fc.property(
        strata,
        fc.constantFrom('two-sided', 'less', 'greater') as fc.Arbitrary<'less'>,
        (s, alt) => {
          const r = stratifiedMannWhitney(s, { alternative: alt });
          expect(r.p).toBeGreaterThanOrEqual(0);
          expect(r.p).toBeLessThanOrEqual(1);
          expect(r.delta).toBeGreaterThanOrEqual(-1);
          expect(r.delta).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('property: swapping the samples mirrors the test (same two-sided p, opposite delta)', () => {
    fc.assert(
      fc.property(strata, (s) => {
        const a = stratifiedMannWhitney(s);
        const b = stratifiedMannWhitney(s.map(({ x, y }) => ({ x: y, y: x })));
        expect(Math.abs(a.p - b.p)).toBeLessThan(1e-9);
        expect(a.delta + b.delta).toBeCloseTo(0, 12);
        const less = stratifiedMannWhitney(s, { alternative: 'less' });
        const greater = stratifiedMannWhitney(
          s.map(({ x, y }) => ({ x: y, y: x })),
          { alternative: 'greater' },
        );
        expect(Math.abs(less.p - greater.p)).toBeLessThan(1e-9);
      }),
    );
  });

  it('property: exact p-values are never below the smallest attainable one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 9 }),
        fc.integer({ min: 1, max: 8 }),
        (values, cut) => {
          const k = Math.min(cut, values.length - 1);
          const r = mannWhitneyU(values.slice(0, k), values.slice(k), { method: 'exact' });
          const n = values.length;
          let choose = 1;
          for (let i = 0; i < k; i++) choose = (choose * (n - i)) / (i + 1);
          expect(r.p).toBeGreaterThanOrEqual(Math.min(1, 2 / choose) - 1e-12);
        },
      ),
    );
  });
});

describe('fisherExact against SciPy 1.17 (scipy.stats.fisher_exact)', () => {
  it.each([
    [[8, 2], [1, 5], 'two-sided', 0.034965034965034975],
    [[8, 2], [1, 5], 'less', 0.9991258741258742],
    [[8, 2], [1, 5], 'greater', 0.024475524475524483],
    // Fisher's lady tasting tea: 34/70 two-sided, 17/70 one-sided.
    [[3, 1], [1, 3], 'two-sided', 0.48571428571428565],
    [[3, 1], [1, 3], 'greater', 0.24285714285714283],
    [[6, 9], [30, 0], 'less', 5.647944269313348e-6],
    [[6, 9], [30, 0], 'two-sided', 5.647944269313348e-6],
    [[12, 3], [28, 2], 'less', 0.1979752144244487],
    [[12, 3], [28, 2], 'two-sided', 0.3146152391756476],
  ] as const)('%j %j %s', (r1, r2, alt, expected) => near(fisherExact([r1, r2], alt), expected, 1e-9));

  it('degenerate tables give 1, nonsense gives NaN', () => {
    expect(
      fisherExact([
        [0, 0],
        [0, 0],
      ]),
    ).toBe(1);
    expect(
      fisherExact(
        [
          [5, 0],
          [7, 0],
        ],
        'less',
      ),
    ).toBe(1);
    expect(
      fisherExact([
        [-1, 2],
        [3, 4],
      ]),
    ).toBeNaN();
  });

  it('property: p in [0, 1]; less and greater cover every table', () => {
    const cell = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(cell, cell, cell, cell, (a, b, c, d) => {
        for (const alt of ['two-sided', 'less', 'greater'] as const) {
          const p = fisherExact(
            [
              [a, b],
              [c, d],
            ],
            alt,
          );
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        // P(X ≤ a) + P(X ≥ a) = 1 + P(X = a) ≥ 1.
        expect(
          fisherExact(
            [
              [a, b],
              [c, d],
            ],
            'less',
          ) +
            fisherExact(
              [
                [a, b],
                [c, d],
              ],
              'greater',
            ),
        ).toBeGreaterThan(1 - 1e-9);
      }),
    );
  });
});

describe('wilson (the pass-rate intervals) against SciPy 1.17 (binomtest(...).proportion_ci("wilson"))', () => {
  it.each([
    [8, 10, 0.4901624715366418, 0.9433178485456248],
    [0, 5, 0, 0.43448246478317476],
    [15, 20, 0.5312991223812561, 0.8881382985923344],
    [29, 30, 0.8332960900859083, 0.9940914096183875],
    [3, 15, 0.07047549346981558, 0.4518544871516936],
  ])('%i of %i', (k, n, low, high) => {
    // z = 1.96 rather than 1.95996...: agreement to four decimals.
    const r = wilson(k, n);
    expect(r.low).toBeCloseTo(low, 4);
    expect(r.high).toBeCloseTo(high, 4);
  });
});

describe('holm', () => {
  it('matches the step-down adjustment by hand', () => {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → max(0.06, 0.04) = 0.06.
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    expect(adj.map((p) => Number(p.toFixed(10)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holm([])).toEqual([]);
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
  });

  it('property: adjusted ≥ raw, ≤ 1, and monotone in the raw order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (ps) => {
        const adj = holm(ps);
        ps.forEach((p, i) => {
          expect(adj[i]).toBeGreaterThanOrEqual(p);
          expect(adj[i]).toBeLessThanOrEqual(1);
          ps.forEach((q, j) => {
            if (p < q) expect(adj[i]).toBeLessThanOrEqual(adj[j]!);
          });
        });
      }),
    );
  });
});

describe('selfStartingCusum', () => {
  const opts = { k: 0.5, h: 8, direction: 'both' as const };

  it('turns in-control normal days into standard normal Q statistics', () => {
    const g = rng(11);
    const points = Array.from({ length: 4000 }, () => ({ x: 50 + 3 * g.normal(), floor: 0 }));
    const r = selfStartingCusum(points, { ...opts, h: Infinity });
    const qs = r.q.filter((q): q is number => q !== null);
    expect(qs).toHaveLength(3998);
    const mean = qs.reduce((a, b) => a + b, 0) / qs.length;
    const sd = Math.sqrt(qs.reduce((a, b) => a + (b - mean) ** 2, 0) / qs.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(sd).toBeGreaterThan(0.95);
    expect(sd).toBeLessThan(1.05);
  });

  it('signals a sustained 2σ shift within days and dates its start', () => {
    const g = rng(3);
    const points = Array.from({ length: 40 }, (_, i) => ({ x: g.normal() + (i >= 30 ? -2 : 0), floor: 0 }));
    const r = selfStartingCusum(points, opts);
    expect(r.signal).toBe('down');
    expect(r.firstSignal).toBeGreaterThanOrEqual(30);
    expect(r.firstSignal).toBeLessThanOrEqual(38);
    expect(r.since).toBeGreaterThanOrEqual(27);
    expect(r.since).toBeLessThanOrEqual(34);
  });

  it('stays quiet on a constant series and respects the direction', () => {
    const flat = selfStartingCusum(
      Array.from({ length: 30 }, () => ({ x: 2, floor: 0 })),
      opts,
    );
    expect(flat.signal).toBeNull();
    expect(flat.q.slice(2).every((q) => q === 0)).toBe(true);
    const g = rng(5);
    const rising = Array.from({ length: 30 }, (_, i) => ({ x: g.normal() + (i >= 15 ? 4 : 0), floor: 0 }));
    expect(selfStartingCusum(rising, { ...opts, direction: 'down' }).signal).toBeNull();
    expect(selfStartingCusum(rising, { ...opts, direction: 'up' }).signal).toBe('up');
  });

  it('a floor keeps a wobble on a nearly constant metric from alarming', () => {
    const points = Array.from({ length: 20 }, (_, i) => ({ x: i === 19 ? 0.7 : 0.69, floor: 0.05 }));
    const r = selfStartingCusum(points, opts);
    expect(Math.abs(r.q[19]!)).toBeLessThan(1);
    expect(r.signal).toBeNull();
  });

  it('stops learning after a signal, so the shifted level is not accepted as normal', () => {
    const g = rng(9);
    const points = Array.from({ length: 60 }, (_, i) => ({ x: g.normal() + (i >= 20 ? 5 : 0), floor: 0 }));
    const r = selfStartingCusum(points, opts);
    expect(r.firstSignal).not.toBeNull();
    expect(r.signal).toBe('up');
    expect(r.q.slice(-10).every((q) => q !== null && q > 2)).toBe(true);
  });

  it('property: never throws, Q finite and clamped, sums non-negative', () => {
    const point = fc.record({
      x: fc.oneof(fc.constant(null), fc.double({ noNaN: false })),
      floor: fc.double({ noNaN: false }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points) => {
        const r = selfStartingCusum(points, opts);
        for (const q of r.q) if (q !== null) expect(Math.abs(q)).toBeLessThanOrEqual(8);
        for (const s of [...r.upper, ...r.lower]) expect(s).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("Siegmund's ARL0 matches Montgomery's two-sided table (k = 0.5: h = 4 → 168, h = 5 → 465)", () => {
    expect(cusumArl0(0.5, 4) / 2).toBeGreaterThan(165);
    expect(cusumArl0(0.5, 4) / 2).toBeLessThan(172);
    expect(cusumArl0(0.5, 5) / 2).toBeGreaterThan(460);
    expect(cusumArl0(0.5, 5) / 2).toBeLessThan(472);
  });
});
