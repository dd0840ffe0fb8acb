import { describe, expect, it } from 'vitest';
import {
  type AssessOptions,
  assessRun,
  DEFAULT_THRESHOLDS,
  dailyLevel,
  dayId,
  driftSeverities,
  driftSignal,
  type SuiteInput,
} from '../../../src/core/drift/detect.ts';
import { goldenReport, historyChart, suiteHistory } from '../../../src/core/drift/report.ts';
import type { GoldenSample, GoldenSuiteRun, ShapeMetric } from '../../../src/core/drift/types.ts';
import { METRICS } from '../../../src/core/drift/types.ts';
import { DAY } from '../../../src/core/oncall/civil.ts';

/** Seeded standard normals (mulberry32 + Box-Muller). */
function normals(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

interface Spec {
  /** Multiplier on every size metric. */
  scale?: number;
  /** Share of samples that fail their assertions. */
  failEvery?: number;
  samples: number;
  seed: number;
}

const BASES = [
  { prompt: 'a', chars: 1800, tools: 8 },
  { prompt: 'b', chars: 900, tools: 5 },
  { prompt: 'c', chars: 700, tools: 3 },
];

function suiteRun(spec: Spec, suite = 'daily'): GoldenSuiteRun {
  const z = normals(spec.seed);
  return {
    suite,
    prompts: BASES.map((b) => ({
      prompt: b.prompt,
      digest: `d-${b.prompt}`,
      samples: Array.from({ length: spec.samples }, (_, i): GoldenSample => {
        const s = spec.scale ?? 1;
        const chars = Math.round(b.chars * s * Math.exp(0.3 * z()));
        const failed = spec.failEvery !== undefined && i % spec.failEvery === 0;
        return {
          passed: !failed,
          error: null,
          failures: failed ? ['contains "DONE"'] : [],
          metrics: {
            chars,
            headings: 2,
            codeBlocks: 1,
            jsonKeys: null,
            toolCalls: Math.max(0, Math.round(b.tools * s * Math.exp(0.25 * z()))),
            turns: null,
            durationMs: Math.round(5000 * s * Math.exp(0.35 * z())),
            costUsd: 0.02 * s * Math.exp(0.3 * z()),
            outputTokens: Math.round((chars / 4) * Math.exp(0.2 * z())),
            inputTokens: 20_000,
          },
        };
      }),
    })),
  };
}

const T0 = Date.parse('2026-03-01T06:00:00Z');
const opts = (over: Partial<AssessOptions> = {}): AssessOptions => ({
  id: dayId(T0 + DAY),
  at: T0 + DAY,
  metrics: [...METRICS],
  thresholds: DEFAULT_THRESHOLDS,
  severity: driftSeverities({}, 'SEV3'),
  ...over,
});
const baseline = { at: T0, run: suiteRun({ samples: 8, seed: 1 }) };
const input = (run: GoldenSuiteRun, history: SuiteInput['history'] = []): SuiteInput => ({
  run,
  baseline,
  history,
});

describe('assessRun', () => {
  it('a suite without a baseline is recorded, not judged', () => {
    const [v] = assessRun([{ run: suiteRun({ samples: 4, seed: 2 }), baseline: null, history: [] }], opts());
    expect(v).toMatchObject({
      status: 'no-baseline',
      severity: null,
      tests: [],
      uncompared: ['a', 'b', 'c'],
    });
  });

  it('the same agent on another day raises nothing; constant and missing metrics are not tested', () => {
    for (let seed = 2; seed < 40; seed++) {
      const [v] = assessRun([input(suiteRun({ samples: 4, seed }))], opts());
      expect(v!.status, `seed ${seed}`).toBe('ok');
    }
    const [v] = assessRun([input(suiteRun({ samples: 4, seed: 2 }))], opts());
    expect(v!.tests.map((t) => t.metric)).toEqual([
      'chars',
      'headings',
      'codeBlocks',
      'toolCalls',
      'durationMs',
      'costUsd',
      'outputTokens',
      'inputTokens',
      'passRate',
    ]);
    expect(v!.tests.find((t) => t.metric === 'headings')).toMatchObject({ p: 1, effect: 0, alarm: false });
  });

  it('halved answers alarm on size metrics with large effects; the signal names them', () => {
    const [v] = assessRun([input(suiteRun({ samples: 4, seed: 3, scale: 0.5 }))], opts());
    expect(v!.status).toBe('drift');
    expect(v!.severity).toBe('SEV3');
    const alarms = v!.tests.filter((t) => t.alarm).map((t) => t.metric);
    expect(alarms).toEqual(expect.arrayContaining(['chars', 'outputTokens']));
    expect(alarms).not.toContain('headings');
    const chars = v!.tests.find((t) => t.metric === 'chars')!;
    expect(chars.effect).toBeLessThan(-0.8);
    expect(chars.change).toBeLessThan(-0.35);
    expect(chars.pAdjusted).toBeLessThan(DEFAULT_THRESHOLDS.alpha);
    const s = driftSignal(v!, { project: '/repo', runId: '2026-03-02', at: T0 + DAY })!;
    expect(s).toMatchObject({
      kind: 'drift.detected',
      key: 'golden/daily',
      sessionId: null,
      rule: 'golden.daily',
    });
    expect(s.summary).toMatch(/^Golden suite daily drifted: .*chars −\d+% \(δ −?-?\d/);
    expect(s.details['output length (characters)']).toMatch(/^chars: \d+ → \d+ \(−\d+%\), Cliff's δ/);
    expect(
      driftSignal(assessRun([input(suiteRun({ samples: 4, seed: 4 }))], opts())[0]!, {
        project: '/repo',
        runId: 'x',
        at: 0,
      }),
    ).toBeNull();
  });

  it('a pass-rate collapse is SEV2; a dip within the noise is not an alarm', () => {
    const [drop] = assessRun([input(suiteRun({ samples: 4, seed: 5, failEvery: 1 }))], opts());
    const pass = drop!.tests.find((t) => t.metric === 'passRate')!;
    expect(pass).toMatchObject({ baseline: 1, run: 0, alarm: true });
    expect(pass.intervals!.run[1]).toBeLessThan(0.3);
    expect(drop!.severity).toBe('SEV2');
    const [dip] = assessRun([input(suiteRun({ samples: 4, seed: 5, failEvery: 4 }))], opts());
    expect(dip!.tests.find((t) => t.metric === 'passRate')).toMatchObject({ run: 0.75, alarm: false });
    expect(dip!.status).toBe('ok');
  });

  it('significant but small changes do not alarm (the effect floor)', () => {
    // 200 samples a prompt make a 10% shift highly significant, but Cliff's delta stays small.
    const big = { at: T0, run: suiteRun({ samples: 200, seed: 6 }) };
    const [v] = assessRun(
      [{ run: suiteRun({ samples: 200, seed: 7, scale: 0.9 }), baseline: big, history: [] }],
      opts(),
    );
    const chars = v!.tests.find((t) => t.metric === 'chars')!;
    expect(chars.pAdjusted).toBeLessThan(DEFAULT_THRESHOLDS.alpha);
    expect(Math.abs(chars.effect)).toBeLessThan(DEFAULT_THRESHOLDS.minEffect);
    expect(chars.alarm).toBe(false);
  });

  it('large but unproven changes do not alarm (significance after Holm)', () => {
    const tiny = { at: T0, run: suiteRun({ samples: 2, seed: 8 }) };
    const one = { ...suiteRun({ samples: 1, seed: 9, scale: 0.5 }) };
    const [v] = assessRun([{ run: one, baseline: tiny, history: [] }], opts());
    const chars = v!.tests.find((t) => t.metric === 'chars')!;
    expect(chars.effect).toBe(-1);
    expect(chars.alarm).toBe(false);
    expect(v!.status).toBe('ok');
  });

  it('Holm counts the tests of every suite in the run', () => {
    const runA = suiteRun({ samples: 4, seed: 10, scale: 0.5 });
    const alone = assessRun([input(runA)], opts())[0]!;
    const withOthers = assessRun(
      [input(runA), ...[11, 12, 13].map((seed) => input(suiteRun({ samples: 4, seed }, `s${seed}`)))],
      opts(),
    )[0]!;
    const p = (v: typeof alone) => v.tests.find((t) => t.metric === 'chars')!;
    expect(p(withOthers).p).toBe(p(alone).p);
    expect(p(withOthers).pAdjusted).toBeGreaterThan(p(alone).pAdjusted);
  });

  it('prompts whose definition changed since the baseline are left out and named', () => {
    const run = suiteRun({ samples: 4, seed: 14, scale: 0.5 });
    run.prompts[0]!.digest = 'changed';
    const [v] = assessRun([input(run)], opts());
    expect(v!.uncompared).toEqual(['a']);
    expect(v!.tests.find((t) => t.metric === 'chars')!.n).toEqual({ baseline: 16, run: 8 });
  });

  it('the slow-drift chart catches a creep no single run shows, dated from when it began', () => {
    const history: SuiteInput['history'] = [];
    let last: ReturnType<typeof assessRun>[0] | undefined;
    let firstSlow: number | null = null;
    let firstRunTest: number | null = null;
    for (let day = 1; day <= 60; day++) {
      // 3% shorter per day from day 31: each run alone is too small a change to alarm.
      const scale = day <= 30 ? 1 : 0.97 ** (day - 30);
      const run = suiteRun({ samples: 4, seed: 100 + day, scale });
      const at = T0 + day * DAY;
      [last] = assessRun([input(run, [...history])], opts({ id: dayId(at), at }));
      if (day <= 30) expect(last!.status, `day ${day}`).toBe('ok');
      if (firstSlow === null && last!.slow.length > 0) firstSlow = day;
      if (firstRunTest === null && last!.tests.some((t) => t.alarm)) firstRunTest = day;
      history.push({ id: dayId(at), at, run });
    }
    expect(firstSlow).not.toBeNull();
    expect(firstSlow!).toBeGreaterThan(30);
    // The point of the chart: it sees the creep days before any single run is convincing.
    expect(firstSlow!).toBeLessThan(firstRunTest ?? 61);
    const slow = last!.slow.find((s) => s.metric === 'chars')!;
    expect(slow.direction).toBe('down');
    expect(slow.cusum).toBeGreaterThan(DEFAULT_THRESHOLDS.cusum.h);
    expect(slow.sinceAt).toBeGreaterThanOrEqual(T0 + 28 * DAY);
    const s = driftSignal(last!, { project: '/repo', runId: dayId(T0 + 60 * DAY), at: T0 + 60 * DAY })!;
    expect(s.startedAt).toBeLessThan(T0 + 60 * DAY);
  });

  it('slow drift alone is SEV4, and severities follow the project', () => {
    expect(driftSeverities({}, 'SEV3')).toEqual({ passRate: 'SEV2', shape: 'SEV3', slowDrift: 'SEV4' });
    expect(driftSeverities({ slowDrift: 'SEV3' }, 'SEV2')).toEqual({
      passRate: 'SEV2',
      shape: 'SEV2',
      slowDrift: 'SEV3',
    });
  });
});

describe('levels, history and report', () => {
  it('the daily level is the mean log-ratio to the baseline; the pass rate uses asin √p', () => {
    const same = dailyLevel(baseline.run, baseline.run, 'chars', 0.02)!;
    expect(same.x).toBe(0);
    expect(same.value).toBe(0);
    const half = suiteRun({ samples: 8, seed: 1, scale: 0.5 });
    const l = dailyLevel(half, baseline.run, 'chars', 0.02)!;
    expect(l.value).toBeGreaterThan(-55);
    expect(l.value).toBeLessThan(-45);
    expect(dailyLevel(half, baseline.run, 'turns' as ShapeMetric, 0.02)).toBeNull();
    const pass = dailyLevel(suiteRun({ samples: 4, seed: 2, failEvery: 2 }), baseline.run, 'passRate', 0.02)!;
    expect(pass.value).toBe(50);
    expect(pass.x).toBeCloseTo(Math.PI / 4, 12);
    expect(pass.floor).toBeCloseTo(1 / (2 * Math.sqrt(12)), 12);
  });

  it('builds per-metric histories, SVG charts and a Markdown report', () => {
    const runs = [1, 2, 3].map((day) => {
      const run = suiteRun({ samples: 4, seed: 20 + day, scale: day === 3 ? 0.5 : 1 });
      const at = T0 + day * DAY;
      const [verdict] = assessRun([input(run)], opts({ id: dayId(at), at }));
      return { id: dayId(at), at, suites: [{ run, verdict: verdict! }] };
    });
    const hist = suiteHistory(
      { suite: 'daily', at: T0, samples: 8, run: baseline.run },
      runs,
      ['chars', 'passRate'],
      0.02,
    );
    expect(hist.map((h) => h.metric)).toEqual(['chars', 'passRate']);
    const chars = hist[0]!;
    expect(chars.baselineValue).toBe(100);
    expect(chars.points.map((p) => p.alarm)).toEqual([false, false, true]);
    expect(chars.points[2]!.value).toBeLessThan(60);
    const svg = historyChart(chars);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('baseline 2026-03-01');
    expect(svg).toContain('03-04');
    const md = goldenReport(
      runs[2]!.id,
      [runs[2]!.suites[0]!.verdict],
      new Map([['daily', ['daily.chars.svg']]]),
    );
    expect(md).toMatch(/^# Golden evals: 2026-03-04/);
    expect(md).toMatch(
      /\| chars \| \d+ \| \d+ \| −\d+% \| δ -\d\.\d\d \| [\de.-]+ \| [\de.-]+ \| \*\*yes\*\* \|/,
    );
    expect(md).toContain('![daily.chars.svg](daily.chars.svg)');
  });
});
