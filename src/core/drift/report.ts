// What people read after a golden run: each metric's daily history against its baseline (the series the
// charts draw) and a Markdown report. Pure: the app reads the records and writes the files.
import { lineChartSvg } from '../charts/svg.ts';
import {
  type DailyLevel,
  dailyLevel,
  dayId,
  describeSlow,
  describeTest,
  formatP,
  formatValue,
  type SuiteVerdict,
  signedPct,
} from './detect.ts';
import type { GoldenSuiteRun, Metric } from './types.ts';
import { METRIC_LABELS } from './types.ts';

/** A baseline as kept in the ledger (record kind `golden.baseline`, id = the suite). */
export interface BaselineRecordData {
  suite: string;
  at: number;
  samples: number;
  run: GoldenSuiteRun;
}

/** A day's run as kept in the ledger (record kind `golden.run`, id = the UTC day). */
export interface RunRecordData {
  id: string;
  at: number;
  suites: Array<{ run: GoldenSuiteRun; verdict: SuiteVerdict }>;
}

export interface HistoryPoint {
  id: string;
  at: number;
  /** Shape: an index, baseline = 100 (geometric mean over prompts). Pass rate: % of samples passing. */
  value: number | null;
  /** The run alarmed on this metric (same-run test), or the slow-drift chart signalled on it. */
  alarm: boolean;
  slow: boolean;
}

export interface MetricHistory {
  suite: string;
  metric: Metric;
  baselineAt: number;
  /** Where the baseline sits on the same scale: 100 for shape metrics, its pass rate in % otherwise. */
  baselineValue: number | null;
  points: HistoryPoint[];
}

const indexOf = (l: DailyLevel | null, metric: Metric) =>
  l === null ? null : metric === 'passRate' ? l.value : 100 * Math.exp(l.x);

/** The runs of a suite since its current baseline, one history per metric. */
export function suiteHistory(
  baseline: BaselineRecordData,
  runs: readonly RunRecordData[],
  metrics: readonly Metric[],
  floor: number,
): MetricHistory[] {
  const mine = runs
    .flatMap((r) =>
      r.suites
        .filter((s) => s.run.suite === baseline.suite && s.verdict.baselineAt === baseline.at)
        .map((s) => ({ id: r.id, at: r.at, ...s })),
    )
    .sort((a, b) => a.at - b.at);
  return metrics.map((metric) => {
    const base = dailyLevel(baseline.run, baseline.run, metric, floor);
    return {
      suite: baseline.suite,
      metric,
      baselineAt: baseline.at,
      baselineValue: indexOf(base, metric),
      points: mine.map((r) => ({
        id: r.id,
        at: r.at,
        value: indexOf(dailyLevel(r.run, baseline.run, metric, floor), metric),
        alarm: r.verdict.tests.some((t) => t.metric === metric && t.alarm),
        slow: r.verdict.slow.some((s) => s.metric === metric),
      })),
    };
  });
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** A metric's history as an SVG line chart: the daily value, alarm days as separate dots, the baseline as a line. */
export function historyChart(h: MetricHistory): string {
  const isPass = h.metric === 'passRate';
  return lineChartSvg({
    title: `${h.suite}: ${METRIC_LABELS[h.metric]}`,
    yLabel: isPass ? '% of samples passing' : 'index, baseline = 100',
    labels: h.points.map((p) => p.id.slice(5)),
    series: [
      { name: 'daily run', values: h.points.map((p) => round(p.value)) },
      { name: 'alarm', values: h.points.map((p) => (p.alarm || p.slow ? round(p.value) : null)) },
    ],
    marks:
      h.baselineValue === null
        ? []
        : [{ y: round(h.baselineValue)!, label: `baseline ${dayId(h.baselineAt)}` }],
  });
}

export const chartFile = (suite: string, metric: Metric) => `${suite}.${metric}.svg`;

/** The day's report in Markdown, charts linked by their file names (written next to it). */
export function goldenReport(
  runId: string,
  verdicts: readonly SuiteVerdict[],
  charts: ReadonlyMap<string, readonly string[]>,
): string {
  const out = [
    `# Golden evals: ${runId}`,
    '',
    '| suite | status | severity | samples | runner errors | baseline |',
    '|---|---|---|---|---|---|',
    ...verdicts.map(
      (v) =>
        `| ${v.suite} | ${v.status} | ${v.severity ?? '-'} | ${v.samples} | ${v.errors} | ${v.baselineAt === null ? 'none' : dayId(v.baselineAt)} |`,
    ),
  ];
  for (const v of verdicts) {
    out.push('', `## ${v.suite}`, '');
    if (v.status === 'no-baseline') {
      out.push('No baseline yet: record one with `agent-sre golden baseline`.');
      continue;
    }
    if (v.uncompared.length > 0)
      out.push(`Not compared (no baseline, or changed since): ${v.uncompared.join(', ')}.`, '');
    out.push(
      '| metric | baseline | today | change | effect | p | Holm p | alarm |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const t of v.tests) {
      const isPass = t.metric === 'passRate';
      const change = isPass
        ? `${t.effect >= 0 ? '+' : '−'}${Math.abs(Math.round(t.effect * 100))} pts`
        : t.change === null
          ? '-'
          : signedPct(t.change);
      out.push(
        `| ${t.metric} | ${formatValue(t.metric, t.baseline)} | ${formatValue(t.metric, t.run)} | ${change} | ${isPass ? '-' : `δ ${t.effect.toFixed(2)}`} | ${formatP(t.p)} | ${formatP(t.pAdjusted)} | ${t.alarm ? '**yes**' : ''} |`,
      );
    }
    const alarms = v.tests.filter((t) => t.alarm);
    if (alarms.length > 0) out.push('', ...alarms.map((t) => `- ${describeTest(t)}`));
    if (v.slow.length > 0) out.push('', ...v.slow.map((s) => `- slow drift: ${describeSlow(s)}`));
    const files = charts.get(v.suite) ?? [];
    if (files.length > 0) out.push('', ...files.map((f) => `![${f}](${f})`));
  }
  return `${out.join('\n')}\n`;
}
