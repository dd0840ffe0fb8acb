// The fleet report: incidents by severity and source, who found them, MTTD/MTTA/MTTC/MTTR as median and
// p90 against the targets, the change failure rate of agent commits, denials, gates and cost per session,
// and the series the charts draw. Pure: the app gathers the facts for the window.
import { barChartSvg, lineChartSvg } from '../charts/svg.ts';
import type { Severity } from '../incidents/types.ts';
import { SEVERITIES } from '../incidents/types.ts';
import { DAY } from '../oncall/civil.ts';
import { bullets, code, table } from '../postmortem/markdown.ts';
import type { CostLine } from '../postmortem/types.ts';
import {
  type ChangeFailure,
  changeFailure,
  isAgentCommit,
  isFailedChange,
  type SessionCommit,
} from './commits.ts';
import {
  formatCount,
  formatDuration,
  formatShare,
  formatUsd,
  formatUtc,
  formatUtcDate,
  minutes,
} from './format.ts';
import {
  type IncidentTimes,
  isIncidentOfHarm,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  METRIC_NAMES,
  type MetricKey,
} from './incident.ts';
import { type Summary, summarize } from './stats.ts';
import { BASIS_TEXT, type Target } from './targets.ts';

export interface ReportSession {
  id: string;
  startedAt: number;
  endedAt: number | null;
  status: string;
  events: number;
  denials: number;
  gateBlocks: number;
  gateExhausted: number;
  cost: CostLine | null;
  /** Where it ran, when the report reads a team store. */
  machine?: string;
  user?: string;
}

export interface ReportInput {
  now: number;
  since: number;
  /** Every incident detected in the window, with its times. */
  incidents: readonly IncidentTimes[];
  sessions: readonly ReportSession[];
  /** The sessions' commits (agent and otherwise), reverts looked up to now. */
  commits: readonly SessionCommit[];
  git: { available: boolean; reason: string | null };
  targets: readonly Target[];
}

export interface TargetRow {
  target: Target;
  /** Incidents in scope with the metric recorded. */
  n: number;
  within: number;
  median: number | null;
  p90: number | null;
  /** From the median: MTTx is the typical incident, and the median is the typical value. */
  status: 'met' | 'missed' | 'no data';
}

export interface Report {
  window: { from: number; to: number; bucket: 'day' | 'week' };
  incidents: {
    /** Incidents of harm, cancelled ones included. */
    total: number;
    measured: number;
    cancelled: number;
    bySeverity: Record<Severity, number>;
    bySource: Record<string, number>;
    automated: number;
    human: number;
    /** automated / measured; null with no incidents. */
    automatedShare: number | null;
  };
  metrics: Record<MetricKey, Summary>;
  targets: TargetRow[];
  changeFailure: ChangeFailure & { git: { available: boolean; reason: string | null } };
  sessions: {
    count: number;
    denials: Summary;
    gateBlocks: Summary;
    /** Sessions whose cost is known. */
    costKnown: number;
    cost: Summary;
    totalCostUsd: number | null;
    list: ReportSession[];
  };
  measured: IncidentTimes[];
  /** The agent's commits in the window, for the change-failure series. */
  agentCommits: SessionCommit[];
}

export function buildReport(input: ReportInput): Report {
  const inWindow = input.incidents.filter((i) => i.detectedAt >= input.since && i.detectedAt <= input.now);
  const harm = inWindow.filter((i) => isIncidentOfHarm({ source: { kind: i.source } }));
  // A cancelled incident was a false positive: counted, but its times would skew the metrics.
  const measured = harm
    .filter((i) => i.state !== 'cancelled')
    .sort((a, b) => a.detectedAt - b.detectedAt || a.id.localeCompare(b.id));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const bySource: Record<string, number> = {};
  for (const i of measured) {
    bySeverity[i.severity]++;
    bySource[i.source] = (bySource[i.source] ?? 0) + 1;
  }
  const automated = measured.filter((i) => i.detection === 'automated').length;
  const metrics = Object.fromEntries(
    METRIC_KEYS.map((k) => [k, summarize(measured.map((i) => i[k]))]),
  ) as Record<MetricKey, Summary>;
  const targets = input.targets.map((target): TargetRow => {
    const scope = measured.filter((i) => target.scope === 'all' || i.severity === target.scope);
    const values = scope.map((i) => i[target.metric]).filter((v): v is number => v !== null);
    const s = summarize(values);
    const limit = target.minutes * 60_000;
    return {
      target,
      n: s.n,
      within: values.filter((v) => v <= limit).length,
      median: s.median,
      p90: s.p90,
      status: s.median === null ? 'no data' : s.median <= limit ? 'met' : 'missed',
    };
  });
  const sessions = [...input.sessions].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  const costs = sessions.map((s) => s.cost?.costUsd ?? null);
  const known = costs.filter((c): c is number => c !== null);
  return {
    window: {
      from: input.since,
      to: input.now,
      bucket: input.now - input.since <= 31 * DAY ? 'day' : 'week',
    },
    incidents: {
      total: harm.length,
      measured: measured.length,
      cancelled: harm.length - measured.length,
      bySeverity,
      bySource,
      automated,
      human: measured.length - automated,
      automatedShare: measured.length === 0 ? null : automated / measured.length,
    },
    metrics,
    targets,
    changeFailure: { ...changeFailure(input.commits), git: input.git },
    sessions: {
      count: sessions.length,
      denials: summarize(sessions.map((s) => s.denials)),
      gateBlocks: summarize(sessions.map((s) => s.gateBlocks)),
      costKnown: known.length,
      cost: summarize(costs),
      totalCostUsd: known.length === 0 ? null : known.reduce((a, b) => a + b, 0),
      list: sessions,
    },
    measured,
    agentCommits: input.commits.filter(isAgentCommit),
  };
}

const dur = (ms: number | null) => (ms === null ? 'n/a' : formatDuration(ms));

/** The report as Markdown: what `report` prints and writes to report.md. */
export function renderReport(r: Report, charts: readonly string[] = []): string {
  const i = r.incidents;
  const out: string[] = [
    `# agent-sre report: ${formatUtcDate(r.window.from)} to ${formatUtcDate(r.window.to)}`,
    '',
    `Window: ${formatUtc(r.window.from)} to ${formatUtc(r.window.to)} UTC. ${formatCount(r.sessions.count)} sessions, ${formatCount(i.measured)} incidents${i.cancelled ? ` (and ${i.cancelled} cancelled as false positives, left out of the times)` : ''}.`,
    '',
    '## Incidents',
    '',
    table(
      ['Severity', 'Incidents'],
      (Object.keys(i.bySeverity) as Severity[]).map((s) => [s, String(i.bySeverity[s])]),
    ),
    '',
    table(
      ['Source', 'Incidents'],
      Object.entries(i.bySource)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, v]) => [k, String(v)]),
    ),
    '',
    `Found by automated detection: ${i.automated} of ${i.measured} (${i.automatedShare === null ? 'n/a' : formatShare(i.automated, i.measured)}); reported by a person: ${i.human}.`,
    '',
    '## Time to detect, acknowledge, contain and resolve',
    '',
    'Per incident from recorded milestones only; an incident without the milestone is counted as missing, never as 0.',
    '',
    table(
      ['Metric', 'Definition', 'Median', 'p90', 'Mean', 'Incidents (missing)'],
      METRIC_KEYS.map((k) => {
        const s = r.metrics[k];
        return [
          `MT${k.slice(1).toUpperCase()}, ${METRIC_NAMES[k]}`,
          METRIC_DEFINITIONS[k],
          dur(s.median),
          dur(s.p90),
          dur(s.mean),
          `${s.n} (${s.missing})`,
        ];
      }),
    ),
    '',
    '## Targets',
    '',
    table(
      ['Target', 'Basis', 'Median', 'p90', 'Within target', 'Status'],
      r.targets.map((t) => [
        `${t.target.metric.toUpperCase()} ${t.target.label} under ${t.target.minutes} min${t.target.scope === 'SEV1' ? ' (SEV1 only)' : ''}`,
        BASIS_TEXT[t.target.basis],
        dur(t.median),
        dur(t.p90),
        t.n === 0 ? 'n/a' : `${t.within} of ${t.n}`,
        t.status,
      ]),
    ),
    '',
    'Proposed targets are starting points, not agreed numbers: set your own under `report.targets` in agent-sre.yaml.',
    '',
    '## Change failure rate of agent commits',
    '',
  ];
  const c = r.changeFailure;
  out.push(
    c.commits === 0
      ? `No agent commits in the window${c.git.available ? '' : ` (git: ${c.git.reason}; only commits the hook reported count)`}.`
      : `${c.failed} of ${c.commits} agent commits failed (${formatShare(c.failed, c.commits)}): ${c.reverted} reverted later, ${c.redAfter} followed by a failing test run or check.${c.git.available ? '' : ` git: ${c.git.reason}; only commits the hook reported count.`}`,
    '',
    '## Sessions',
    '',
    `Denials per session: median ${num(r.sessions.denials.median)}, p90 ${num(r.sessions.denials.p90)}. Acceptance-gate blocks per session: median ${num(r.sessions.gateBlocks.median)}, p90 ${num(r.sessions.gateBlocks.p90)}.`,
    '',
    r.sessions.costKnown === 0
      ? 'Cost per session: not available (no transcript).'
      : `Cost per session (${r.sessions.costKnown} of ${r.sessions.count} with a transcript): median ${formatUsd(r.sessions.cost.median ?? 0)}, p90 ${formatUsd(r.sessions.cost.p90 ?? 0)}, total ${formatUsd(r.sessions.totalCostUsd ?? 0)}.`,
    '',
    ...sessionTable(r.sessions.list),
  );
  if (r.sessions.list.length > 50)
    out.push('', `(the ${r.sessions.list.length - 50} older sessions are in the JSON)`);
  if (charts.length > 0) out.push('', '## Charts', '', bullets(charts.map((f) => `![${f}](${f})`)));
  return `${out.join('\n')}\n`;
}

/** The session table; from a team store, with each session's machine and user and a count per pair. */
function sessionTable(list: readonly ReportSession[]): string[] {
  const labelled = list.some((s) => s.machine !== undefined);
  const rows = list
    .slice(-50)
    .map((s) => [
      code(s.id),
      ...(labelled ? [s.machine ?? 'unknown', s.user ?? 'unknown'] : []),
      formatUtc(s.startedAt),
      s.status,
      formatCount(s.events),
      String(s.denials),
      `${s.gateBlocks}${s.gateExhausted ? ` (+${s.gateExhausted} exhausted)` : ''}`,
      s.cost?.costUsd != null ? formatUsd(s.cost.costUsd) : 'n/a',
    ]);
  const head = ['Session', ...(labelled ? ['Machine', 'User'] : []), 'Started (UTC)', 'Status', 'Events'];
  const out = [table([...head, 'Denials', 'Gate blocks', 'Cost'], rows)];
  if (!labelled) return out;
  const per = new Map<string, number>();
  for (const s of list) {
    const k = `${s.machine ?? 'unknown'} (${s.user ?? 'unknown'})`;
    per.set(k, (per.get(k) ?? 0) + 1);
  }
  const pairs = [...per].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [`By machine (user): ${pairs.map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')}.`, '', ...out];
}

const num = (n: number | null) => (n === null ? 'n/a' : String(Math.round(n * 10) / 10));

function bucketStart(ms: number, bucket: 'day' | 'week'): number {
  const day = Math.floor(ms / DAY) * DAY;
  if (bucket === 'day') return day;
  // ISO weeks start on Monday; 1970-01-01 was a Thursday.
  const weekday = (((Math.floor(ms / DAY) + 3) % 7) + 7) % 7;
  return day - weekday * DAY;
}

export interface ChartFile {
  file: string;
  svg: string;
}

/** The report's series as SVG files: incidents over time, times per incident, session load, cost. */
export function reportCharts(r: Report): ChartFile[] {
  const step = r.window.bucket === 'day' ? DAY : 7 * DAY;
  const starts: number[] = [];
  for (let t = bucketStart(r.window.from, r.window.bucket); t <= r.window.to; t += step) starts.push(t);
  const labels = starts.map((t) => formatUtcDate(t).slice(r.window.bucket === 'day' ? 5 : 0));
  const perBucket = (sev: Severity) =>
    starts.map(
      (s) =>
        r.measured.filter((i) => i.severity === sev && i.detectedAt >= s && i.detectedAt < s + step).length,
    );
  const sevs = SEVERITIES.filter((s) => r.incidents.bySeverity[s] > 0);
  const files: ChartFile[] = [
    {
      file: 'incidents.svg',
      svg: barChartSvg({
        title: `Incidents per ${r.window.bucket} by severity`,
        yLabel: 'incidents',
        labels,
        series: (sevs.length ? sevs : SEVERITIES.slice(0, 1)).map((s) => ({ name: s, values: perBucket(s) })),
      }),
    },
  ];
  const detect = r.targets.find((t) => t.target.metric === 'ttd');
  const resolve = r.targets.find((t) => t.target.metric === 'ttr');
  files.push({
    file: 'incident-times.svg',
    svg: lineChartSvg({
      title: 'Time to detect and to resolve, per incident',
      yLabel: 'minutes',
      labels: r.measured.map((i) => i.id),
      series: [
        { name: 'TTD', values: r.measured.map((i) => (i.ttd === null ? null : minutes(i.ttd))) },
        { name: 'TTA', values: r.measured.map((i) => (i.tta === null ? null : minutes(i.tta))) },
        { name: 'TTC', values: r.measured.map((i) => (i.ttc === null ? null : minutes(i.ttc))) },
        { name: 'TTR', values: r.measured.map((i) => (i.ttr === null ? null : minutes(i.ttr))) },
      ],
      marks: [
        ...(detect ? [{ y: detect.target.minutes, label: `detect ${detect.target.minutes} min` }] : []),
        ...(resolve
          ? [{ y: resolve.target.minutes, label: `SEV1 resolve ${resolve.target.minutes} min` }]
          : []),
      ],
    }),
  });
  const list = r.sessions.list;
  const sessionLabels = list.map((s) => formatUtcDate(s.startedAt).slice(5));
  files.push({
    file: 'sessions.svg',
    svg: barChartSvg({
      title: 'Denials and acceptance-gate blocks per session',
      yLabel: 'count',
      labels: sessionLabels,
      series: [
        { name: 'denials', values: list.map((s) => s.denials) },
        { name: 'gate blocks', values: list.map((s) => s.gateBlocks) },
      ],
    }),
  });
  files.push({
    file: 'cost.svg',
    svg: barChartSvg({
      title: 'Cost per session (USD)',
      yLabel: 'USD',
      labels: sessionLabels,
      series: [{ name: 'cost', values: list.map((s) => s.cost?.costUsd ?? null) }],
    }),
  });
  const commitsIn = (s: number) => r.agentCommits.filter((c) => c.at >= s && c.at < s + step);
  files.push({
    file: 'change-failure.svg',
    svg: lineChartSvg({
      title: `Change failure rate of agent commits per ${r.window.bucket}`,
      yLabel: 'percent',
      labels,
      series: [
        {
          name: 'failed / agent commits',
          values: starts.map((s) => {
            const list = commitsIn(s);
            return list.length === 0 ? null : (100 * list.filter(isFailedChange).length) / list.length;
          }),
        },
      ],
    }),
  });
  return files;
}
