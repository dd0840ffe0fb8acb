// `agent-sre report`: the fleet view over a window. Reads every session and incident in it from the
// ledger, git once for the whole window (commits and their reverts up to now), and each session's cost.
import { gitLog } from '../adapters/git/log.ts';
import { type SessionCommit, sessionCommits } from '../core/metrics/commits.ts';
import { firstAnomalyAt, incidentTimes } from '../core/metrics/incident.ts';
import {
  buildReport,
  type ChartFile,
  type Report,
  type ReportSession,
  reportCharts,
} from '../core/metrics/report.ts';
import { SHELL_TOOLS, STOP_EVENTS } from '../core/metrics/reportable.ts';
import { runFacts } from '../core/metrics/runs.ts';
import { resolveTargets } from '../core/metrics/targets.ts';
import type { EventMatch, SessionEvents } from '../ports.ts';
import { type EvidenceDeps, testCommandsOf } from './evidence.ts';

export interface ReportResult {
  report: Report;
  charts: ChartFile[];
}

const STOPS: ReadonlySet<string> = new Set(STOP_EVENTS);

/**
 * Every event the report's folds look at (sessionCommits, firstAnomalyAt, the stop counts), and no
 * other: what isReportable holds (checks, stops, refusals, budgets and gates, git calls that can commit,
 * reported commits, test runs' outcomes by the built-in list), which a store may mark when it writes
 * them. A policy with its own test patterns or check commands makes any shell outcome a possible test
 * run, so the report then reads them all. A report over a million events reads a fraction of them.
 */
export function reportEvents(policyTests: { testPatterns: unknown[]; testCommands: unknown[] }): EventMatch {
  const ownTests = policyTests.testPatterns.length > 0 || policyTests.testCommands.length > 0;
  return {
    reportable: true,
    ...(ownTests
      ? { toolEvents: { events: ['PostToolUse', 'PostToolUseFailure'], tools: [...SHELL_TOOLS] } }
      : {}),
    // Nothing here reads an event's effects or reason.
    lean: true,
  };
}

/** Sessions read and folded at a time: the report holds one chunk's events, not the window's. */
export const REPORT_CHUNK = 200;
const READS_IN_FLIGHT = 2;
// A session that started before the window but ran into it belongs to it; so do commits a minute early.
const GIT_LOOKBACK_MS = 60_000;

export async function makeReport(since: number, deps: EvidenceDeps): Promise<ReportResult> {
  const { store, now, policy } = deps;
  const t = testCommandsOf(policy);
  const runs = runFacts(t.testPatterns, t.testCommands);
  const match = reportEvents(t);
  const all = await store.listSessions();
  const incidents = await store.transact(now, (tx) => tx.incidents(), { readonly: true });
  const inWindow = incidents.filter(
    (i) => i.milestones.detectedAt >= since && i.milestones.detectedAt <= now,
  );
  const git = await (deps.git ?? gitLog)(deps.projectDir, { since: since - GIT_LOOKBACK_MS });

  // Sessions that may fall in the window, and the sessions of its incidents, read a chunk at a time.
  const candidates = all.filter(({ state }) => {
    const end = state.endedAt ?? Number.POSITIVE_INFINITY;
    return !(state.startedAt > now || (state.startedAt < since && end < since));
  });
  const ids = new Set(candidates.map((s) => s.state.sessionId));
  for (const i of inWindow) if (i.sessionId) ids.add(i.sessionId);
  const summaries = new Map(candidates.map((c) => [c.state.sessionId, c]));
  const anomalies = new Map<string, number | null>();
  const folded = new Map<string, { session: ReportSession; commits: SessionCommit[] }>();

  const incidentsOf = new Map<string, typeof inWindow>();
  for (const i of inWindow)
    if (i.sessionId) incidentsOf.set(i.sessionId, [...(incidentsOf.get(i.sessionId) ?? []), i]);

  const fold = async (read: SessionEvents): Promise<void> => {
    const { sessionId, events } = read;
    for (const i of incidentsOf.get(sessionId) ?? [])
      anomalies.set(i.id, firstAnomalyAt(events, i.milestones.detectedAt, runs));
    const summary = summaries.get(sessionId);
    if (!summary) return;
    const { state, events: count } = summary;
    const lastAt = read.lastAt ?? state.startedAt;
    if (state.startedAt < since && lastAt < since) return;
    const commits = sessionCommits(
      { startedAt: state.startedAt, endAt: state.endedAt ?? lastAt },
      events,
      git,
      runs,
    ).filter((c) => c.at >= since - GIT_LOOKBACK_MS);
    const cost = deps.costOf ? await deps.costOf(state).catch(() => null) : null;
    folded.set(sessionId, {
      commits,
      session: {
        id: state.sessionId,
        startedAt: state.startedAt,
        endedAt: state.endedAt,
        status: state.status,
        events: count,
        denials: state.totalDenials,
        gateBlocks: events.filter((e) => STOPS.has(e.event) && e.rule === 'acceptance.blocked').length,
        gateExhausted: events.filter((e) => STOPS.has(e.event) && e.rule === 'gate.exhausted').length,
        cost,
        ...originLabel(deps.origins, state.sessionId),
      },
    });
  };
  // Two chunks are read while one is folded: the database works on one while this process decodes another.
  const reads = chunked([...ids], REPORT_CHUNK).map((chunk) => () => store.sessionEvents(chunk, match));
  const inFlight = reads.splice(0, READS_IN_FLIGHT).map((read) => read());
  while (inFlight.length > 0) {
    const chunk = await (inFlight.shift() as Promise<SessionEvents[]>);
    const read = reads.shift();
    // Awaited on a later turn; a failure there must not go unhandled while this chunk folds.
    if (read) inFlight.push(read());
    for (const p of inFlight) p.catch(() => undefined);
    for (const r of chunk) await fold(r);
  }

  const sessions: ReportSession[] = [];
  const commits: SessionCommit[] = [];
  for (const { state } of candidates) {
    const f = folded.get(state.sessionId);
    if (!f) continue;
    sessions.push(f.session);
    commits.push(...f.commits);
  }
  const times = inWindow.map((i) => incidentTimes(i, anomalies.get(i.id) ?? null));
  const report = buildReport({
    now,
    since,
    incidents: times,
    sessions,
    commits,
    git: git.available ? { available: true, reason: null } : { available: false, reason: git.reason },
    targets: resolveTargets(policy.report?.targets),
  });
  return { report, charts: reportCharts(report) };
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function originLabel(
  origins: EvidenceDeps['origins'],
  sessionId: string,
): { machine?: string; user?: string } {
  if (!origins) return {};
  const o = origins.get(sessionId);
  return o ? { machine: o.machine, user: o.user } : { machine: 'unknown', user: 'unknown' };
}

/** `30d`, `12h`, `2w` or an ISO date: the start of the window. */
export function parseSince(text: string, now: number): number | null {
  const m = /^(\d+)\s*([hdw])$/.exec(text.trim());
  if (m) {
    const unit = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2] as 'h' | 'd' | 'w'];
    return now - Number(m[1]) * unit;
  }
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : null;
}
