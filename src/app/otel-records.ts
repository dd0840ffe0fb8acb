// What agent-sre tells OpenTelemetry: ledger rows turned into log records and metric observations. Pure
// and free of SDK imports, so the mapping is tested without an exporter and the names live in one place
// (docs/opentelemetry.md lists them). Semantic-convention names where one exists (event.name,
// session.id, gen_ai.tool.*), `agent_sre.*` for our own. Never a tool's input, a page's title or body, a
// human's free text or a delivery error: those can carry what the agent typed or a channel's secret URL.

import type {
  Attributes,
  Instrument,
  InstrumentKey,
  SeverityName,
  Telemetry,
} from '../adapters/otel/types.ts';
import type { Incident, Severity, TimelineEntry } from '../core/incidents/types.ts';
import { incidentTimes, isIncidentOfHarm } from '../core/metrics/incident.ts';
import { redactText } from '../core/redact.ts';
import type { LedgerEvent } from '../core/session/types.ts';
import type { OutboxRow } from '../ports.ts';
import type { Approval } from './approvals.ts';

// Seconds, as the semantic conventions ask of durations. A hook answers in milliseconds to a few seconds;
// an incident is detected, acknowledged and resolved in seconds to a day.
const HOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const INCIDENT_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 43_200, 86_400];
const COST_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100];

export const INSTRUMENTS: Record<InstrumentKey, Instrument> = {
  decisions: {
    name: 'agent_sre.decisions',
    kind: 'counter',
    unit: '{decision}',
    description: 'PreToolUse decisions, by tier and verdict',
  },
  hookDuration: {
    name: 'agent_sre.hook.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time the hook took to answer, by hook event',
    buckets: HOOK_BUCKETS,
  },
  incidents: {
    name: 'agent_sre.incidents',
    kind: 'counter',
    unit: '{incident}',
    description: 'Incidents raised, by severity and source',
  },
  ttd: {
    name: 'agent_sre.incident.ttd',
    kind: 'histogram',
    unit: 's',
    description: 'Time to detect: detected minus started',
    buckets: INCIDENT_BUCKETS,
  },
  tta: {
    name: 'agent_sre.incident.tta',
    kind: 'histogram',
    unit: 's',
    description: 'Time to acknowledge: acknowledged minus first page sent',
    buckets: INCIDENT_BUCKETS,
  },
  ttr: {
    name: 'agent_sre.incident.ttr',
    kind: 'histogram',
    unit: 's',
    description: 'Time to resolve: resolved minus started',
    buckets: INCIDENT_BUCKETS,
  },
  pages: {
    name: 'agent_sre.pages',
    kind: 'counter',
    unit: '{page}',
    description: 'Pages settled, by outcome and channel type',
  },
  gates: {
    name: 'agent_sre.gates',
    kind: 'counter',
    unit: '{gate}',
    description: 'Real-time gates answered, by outcome',
  },
  sessionCost: {
    name: 'agent_sre.session.cost',
    kind: 'histogram',
    unit: '{USD}',
    description: "A session's model spend when it ended",
    buckets: COST_BUCKETS,
  },
};

export const emptyTelemetry = (): Telemetry => ({ logs: [], observations: [] });

const REASON_MAX = 200;

/**
 * The policy's explanation only. A policy reason ends with its evidence, `[rule: what the call does; from
 * <the command>]`, which quotes the tool input: that stays in the ledger. Redacted again and cut, since a
 * dashboard is a wider audience than the ledger.
 */
export function shortReason(reason: string): string {
  const cut = reason.indexOf(' [');
  const one = redactText(cut === -1 ? reason : reason.slice(0, cut))
    .replace(/\s+/g, ' ')
    .trim();
  return one.length > REASON_MAX ? `${one.slice(0, REASON_MAX - 1)}…` : one;
}

const VERDICT_SEVERITY: Record<string, SeverityName> = { allow: 'INFO', ask: 'WARN', deny: 'ERROR' };

/** One ledger event: a decision record for PreToolUse, the hook's latency for any event that has it. */
export function eventTelemetry(e: LedgerEvent, out: Telemetry, spendUsd?: number): void {
  if (e.durationMs !== null && e.durationMs >= 0)
    out.observations.push({
      instrument: 'hookDuration',
      value: e.durationMs / 1000,
      attributes: { 'agent_sre.hook.event': e.event },
    });
  if (e.event === 'SessionEnd' && spendUsd !== undefined)
    out.observations.push({ instrument: 'sessionCost', value: spendUsd, attributes: {} });
  if (e.event !== 'PreToolUse' || e.verdict === null || e.tier === null) return;
  const attributes: Attributes = {
    'event.name': 'agent_sre.decision',
    'session.id': e.sessionId,
    'agent_sre.tier': e.tier,
    'agent_sre.verdict': e.verdict,
  };
  if (e.tool) attributes['gen_ai.tool.name'] = e.tool;
  if (e.toolUseId) attributes['gen_ai.tool.call.id'] = e.toolUseId;
  if (e.rule) attributes['agent_sre.rule'] = e.rule;
  if (e.reason) attributes['agent_sre.reason'] = shortReason(e.reason);
  if (e.durationMs !== null) attributes['agent_sre.hook.duration_ms'] = e.durationMs;
  out.logs.push({
    eventName: 'agent_sre.decision',
    timestamp: e.ts,
    severity: VERDICT_SEVERITY[e.verdict] ?? 'INFO',
    body: `${e.verdict} t${e.tier} ${e.tool ?? '-'}${e.rule ? ` ${e.rule}` : ''}`,
    attributes,
  });
  out.observations.push({
    instrument: 'decisions',
    value: 1,
    attributes: { 'agent_sre.tier': e.tier, 'agent_sre.verdict': e.verdict },
  });
}

// Timeline entries worth a record of their own; pages are reported from the outbox, with their outcome.
const INCIDENT_EVENTS: Partial<Record<TimelineEntry['kind'], string>> = {
  triggered: 'raised',
  escalated: 'escalated',
  acknowledged: 'acknowledged',
  mitigated: 'mitigated',
  resolved: 'resolved',
  cancelled: 'cancelled',
};

const INCIDENT_SEVERITY: Record<Severity, SeverityName> = {
  SEV1: 'FATAL',
  SEV2: 'ERROR',
  SEV3: 'WARN',
  SEV4: 'INFO',
};

function incidentAttributes(i: Incident): Attributes {
  const a: Attributes = {
    'agent_sre.incident.id': i.id,
    'agent_sre.incident.severity': i.severity,
    'agent_sre.incident.source': i.source.kind,
  };
  if (i.sessionId) a['session.id'] = i.sessionId;
  if (i.source.rule) a['agent_sre.rule'] = i.source.rule;
  return a;
}

/** New timeline entries of one incident. Gates and test pages are not incidents of harm: not counted here. */
export function incidentTelemetry(i: Incident, entries: readonly TimelineEntry[], out: Telemetry): void {
  if (!isIncidentOfHarm(i)) return;
  const times = incidentTimes(i);
  const span = { ttd: times.ttd, tta: times.tta, ttr: times.ttr };
  for (const entry of entries) {
    const what = INCIDENT_EVENTS[entry.kind];
    if (!what) continue;
    const eventName = `agent_sre.incident.${what}`;
    const attributes: Attributes = {
      'event.name': eventName,
      ...incidentAttributes(i),
      'agent_sre.actor.kind': entry.actor.kind,
    };
    if (entry.actor.kind === 'human') attributes['agent_sre.actor.id'] = entry.actor.id;
    if (entry.actor.via) attributes['agent_sre.actor.via'] = entry.actor.via;
    out.logs.push({
      eventName,
      timestamp: entry.at,
      severity: what === 'raised' || what === 'escalated' ? INCIDENT_SEVERITY[i.severity] : 'INFO',
      body: `${i.id} ${i.severity} ${what} (${i.source.kind})`,
      attributes,
    });
    const metric = { raised: 'ttd', acknowledged: 'tta', resolved: 'ttr' }[what] as
      | 'ttd'
      | 'tta'
      | 'ttr'
      | undefined;
    if (what === 'raised')
      out.observations.push({
        instrument: 'incidents',
        value: 1,
        attributes: {
          'agent_sre.incident.severity': i.severity,
          'agent_sre.incident.source': i.source.kind,
        },
      });
    const seconds = metric ? span[metric] : null;
    if (metric && seconds !== null && seconds !== undefined)
      out.observations.push({
        instrument: metric,
        value: seconds / 1000,
        attributes: { 'agent_sre.incident.severity': i.severity },
      });
  }
}

/** A gate asked (stage 1) and answered (stage 2); `from` is the stage already exported. */
export function approvalTelemetry(a: Approval, from: number, to: number, out: Telemetry): void {
  const base: Attributes = {
    'agent_sre.approval.id': a.id,
    'session.id': a.sessionId,
    'gen_ai.tool.name': a.tool,
    'agent_sre.rule': a.rule,
  };
  if (a.incidentId) base['agent_sre.incident.id'] = a.incidentId;
  if (from < 1 && to >= 1)
    out.logs.push({
      eventName: 'agent_sre.gate.asked',
      timestamp: a.createdAt,
      severity: 'WARN',
      body: `${a.id} asked ${a.tool} ${a.rule}`,
      attributes: { 'event.name': 'agent_sre.gate.asked', ...base },
    });
  if (from < 2 && to >= 2) {
    const attributes: Attributes = {
      'event.name': 'agent_sre.gate.answered',
      ...base,
      'agent_sre.gate.outcome': a.status,
    };
    if (a.answeredVia) attributes['agent_sre.actor.via'] = a.answeredVia;
    if (a.answeredBy) attributes['agent_sre.actor.id'] = a.answeredBy;
    if (a.answeredAt !== null) attributes['agent_sre.gate.wait_ms'] = Math.max(0, a.answeredAt - a.createdAt);
    out.logs.push({
      eventName: 'agent_sre.gate.answered',
      timestamp: a.answeredAt ?? a.expiresAt,
      severity: 'INFO',
      body: `${a.id} ${a.status}`,
      attributes,
    });
    out.observations.push({
      instrument: 'gates',
      value: 1,
      attributes: { 'agent_sre.gate.outcome': a.status },
    });
  }
}

/** A page that reached its end: delivered, or failed for good. */
export function pageTelemetry(row: OutboxRow, channelType: string, out: Telemetry): void {
  if (row.status === 'pending') return;
  const outcome = row.status;
  const eventName = `agent_sre.page.${outcome}`;
  const attributes: Attributes = {
    'event.name': eventName,
    'agent_sre.page.channel': row.page.channel,
    'agent_sre.page.channel_type': channelType,
    'agent_sre.page.action': row.page.action,
    'agent_sre.page.attempts': row.attempts,
    'agent_sre.incident.severity': row.page.severity,
  };
  if (row.page.incidentId) attributes['agent_sre.incident.id'] = row.page.incidentId;
  if (row.page.sessionId) attributes['session.id'] = row.page.sessionId;
  out.logs.push({
    eventName,
    timestamp: row.deliveredAt ?? row.nextAttemptAt,
    severity: outcome === 'delivered' ? 'INFO' : 'ERROR',
    body: `${row.page.action} page ${outcome} via ${channelType}`,
    attributes,
  });
  out.observations.push({
    instrument: 'pages',
    value: 1,
    attributes: { 'agent_sre.page.outcome': outcome, 'agent_sre.page.channel_type': channelType },
  });
}
