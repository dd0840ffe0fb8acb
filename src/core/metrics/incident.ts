// Per-incident times, pinned to recorded milestones (oncall-apis §6.5). A milestone nobody recorded
// gives null, never 0 and never a guess: "resolved" does not imply "mitigated", and a time whose end
// was recorded before its start is inconsistent data, not a negative duration.
import type { Incident, Severity } from '../incidents/types.ts';
import type { LedgerEvent } from '../session/types.ts';
import { type RunFacts, runFacts } from './runs.ts';

/**
 * Incidents about one call carry the call's own time as their start. Incidents about the session as a
 * whole (a denial streak, a spent budget, a gate that gave up) began with the session's first anomaly.
 */
const SESSION_WIDE = new Set<string>([
  'session.escalated',
  'session.terminated',
  'budget.spent',
  'gate.exhausted',
  'acceptance.failed',
]);

/** Raised by agent-sre's own detectors (the hook, the gates, drift evals), not reported by a person. */
const AUTOMATED = new Set<string>([
  'tier4.denied',
  'approval.forged',
  'ledger.integrity',
  'session.escalated',
  'session.terminated',
  'budget.spent',
  'acceptance.failed',
  'gate.exhausted',
  'drift.detected',
]);

/** Ledger rows that are not incidents of harm: a tier-3 request waiting for a human, a test page. */
const NOT_INCIDENTS = new Set<string>(['approval.requested', 'page.test']);

export type Detection = 'automated' | 'human';

export interface IncidentTimes {
  id: string;
  title: string;
  severity: Severity;
  source: string;
  rule: string | null;
  state: Incident['state'];
  sessionId: string | null;
  detection: Detection;
  /** The start the metrics use: the milestone, or the session's first anomaly when that is earlier. */
  startedAt: number;
  startedFrom: 'milestone' | 'session';
  detectedAt: number;
  pagedAt: number | null;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  /** detected − started. */
  ttd: number | null;
  /** acknowledged − first page sent. */
  tta: number | null;
  /** mitigated − detected: the agent halted, the change reverted, the blast radius stopped growing. */
  ttc: number | null;
  /** resolved − started. */
  ttr: number | null;
}

export const METRIC_DEFINITIONS = {
  ttd: 'detected − started',
  tta: 'acknowledged − first page sent',
  ttc: 'mitigated − detected',
  ttr: 'resolved − started',
} as const;

export type MetricKey = keyof typeof METRIC_DEFINITIONS;
export const METRIC_KEYS: readonly MetricKey[] = ['ttd', 'tta', 'ttc', 'ttr'];
export const METRIC_NAMES: Record<MetricKey, string> = {
  ttd: 'time to detect',
  tta: 'time to acknowledge',
  ttc: 'time to contain',
  ttr: 'time to resolve',
};

/** Counted in the metrics: an incident of harm, not cancelled as a false positive. */
export function isMeasured(i: Pick<Incident, 'source' | 'state'>): boolean {
  return !NOT_INCIDENTS.has(i.source.kind) && i.state !== 'cancelled';
}

export function isIncidentOfHarm(i: { source: { kind: string } }): boolean {
  return !NOT_INCIDENTS.has(i.source.kind);
}

/**
 * Who found it. A detector's kind is automated unless the incident says a person reported it (a
 * `Reported by` detail); any other source kind is a report by a person.
 */
export function detectionOf(i: Pick<Incident, 'source' | 'details'>): Detection {
  if (i.details['Reported by'] != null) return 'human';
  return AUTOMATED.has(i.source.kind) ? 'automated' : 'human';
}

/**
 * Something went wrong in the session: a refusal (a denied call, a failed check, a blocked stop), a
 * spent budget, a gate that gave up, or a test run that failed.
 */
export function isAnomaly(e: LedgerEvent, runs: RunFacts = runFacts()): boolean {
  if (e.verdict === 'deny') return true;
  if (e.rule === 'gate.exhausted' || e.rule?.startsWith('budget.')) return true;
  return e.event === 'PostToolUseFailure' && runs.isTestRun(e);
}

/** The first anomalous event at or before `until`, or null. */
export function firstAnomalyAt(
  events: readonly LedgerEvent[],
  until: number,
  runs: RunFacts = runFacts(),
): number | null {
  let first: number | null = null;
  for (const e of events) {
    if (e.ts > until || (first !== null && e.ts >= first)) continue;
    if (isAnomaly(e, runs)) first = e.ts;
  }
  return first;
}

const span = (from: number | null, to: number | null): number | null =>
  from === null || to === null || to < from ? null : to - from;

/**
 * The four times of one incident. `sessionAnomalyAt` is the session's first anomaly at or before
 * detection (firstAnomalyAt); it moves the start earlier only for session-wide incidents.
 */
export function incidentTimes(incident: Incident, sessionAnomalyAt: number | null = null): IncidentTimes {
  const m = incident.milestones;
  const earlier =
    SESSION_WIDE.has(incident.source.kind) && sessionAnomalyAt !== null && sessionAnomalyAt < m.startedAt;
  const startedAt = earlier ? (sessionAnomalyAt as number) : m.startedAt;
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    source: incident.source.kind,
    rule: incident.source.rule,
    state: incident.state,
    sessionId: incident.sessionId,
    detection: detectionOf(incident),
    startedAt,
    startedFrom: earlier ? 'session' : 'milestone',
    detectedAt: m.detectedAt,
    pagedAt: m.pagedAt,
    acknowledgedAt: m.acknowledgedAt,
    mitigatedAt: m.mitigatedAt,
    resolvedAt: m.resolvedAt,
    ttd: span(startedAt, m.detectedAt),
    tta: span(m.pagedAt, m.acknowledgedAt),
    ttc: span(m.detectedAt, m.mitigatedAt),
    ttr: span(startedAt, m.resolvedAt),
  };
}
