// Signals become incidents: one incident per problem (the dedup key), repeats bump a counter.
import { fnv1a } from '../hash.ts';
import type { RouteRule } from './config.ts';
import type { Incident, Severity, Signal, SignalKind, TimelineEntry } from './types.ts';
import { OPEN_STATES, SEVERITIES } from './types.ts';

/** Defaults a project can override per signal kind in agent-sre.yaml (`severity:`). */
export const DEFAULT_SEVERITY: Record<SignalKind, Severity> = {
  'approval.forged': 'SEV1',
  'ledger.integrity': 'SEV1',
  'session.terminated': 'SEV2',
  'session.escalated': 'SEV2',
  'approval.requested': 'SEV2',
  'gate.exhausted': 'SEV2',
  'tier4.denied': 'SEV3',
  'budget.spent': 'SEV3',
  'acceptance.failed': 'SEV3',
  'drift.detected': 'SEV3',
  'page.test': 'SEV4',
};

export interface RaiseConfig {
  severity: Partial<Record<SignalKind, Severity>>;
  routing: RouteRule[];
  /** The escalation policy for incidents whose route names none; null when there is none. */
  defaultEscalation: string | null;
}

export const isOpen = (i: Incident): boolean => OPEN_STATES.includes(i.state);

export function severityOf(kind: SignalKind, cfg: Pick<RaiseConfig, 'severity'>): Severity {
  return cfg.severity[kind] ?? DEFAULT_SEVERITY[kind];
}

/** The higher of two severities (SEV1 is the highest). */
export function worse(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b;
}

const MAX_DEDUP = 255;

/**
 * Deterministic: the same problem always gets the same key, so PagerDuty, GitHub and our own table
 * fold repeats together. Kept under PagerDuty's 255 characters by hashing an over-long tail.
 */
export function dedupKeyOf(s: Pick<Signal, 'kind' | 'project' | 'sessionId' | 'key'>): string {
  const project = s.project.split('/').filter(Boolean).at(-1) ?? 'project';
  const parts = ['agent-sre', `${project}~${fnv1a(s.project)}`, s.kind, s.sessionId ?? '-', s.key || '-'];
  const key = parts.join('/');
  if (key.length <= MAX_DEDUP) return key;
  return `${key.slice(0, MAX_DEDUP - 10)}~${fnv1a(key)}`;
}

export function route(
  severity: Severity,
  kind: SignalKind,
  routing: RouteRule[],
): { channels: string[]; escalation?: string } {
  const hit = routing.find(
    (r) =>
      (!r.match.severity || r.match.severity.includes(severity)) &&
      (!r.match.source || r.match.source.includes(kind)),
  );
  return hit
    ? { channels: [...hit.channels], ...(hit.escalation ? { escalation: hit.escalation } : {}) }
    : { channels: [] };
}

export interface Raised {
  incident: Incident;
  timeline: TimelineEntry[];
  /** A new incident (first signal, or the previous one with this key was closed). */
  created: boolean;
  /** Channels the routing rules send a new incident to. */
  channels: string[];
}

const system = { kind: 'system' as const, id: 'agent-sre' };

export function raise(
  existing: Incident | undefined,
  signal: Signal,
  cfg: RaiseConfig,
  newId: () => string,
): Raised {
  const severity = severityOf(signal.kind, cfg);
  if (existing && isOpen(existing)) {
    const next = worse(existing.severity, severity);
    const incident: Incident = {
      ...existing,
      severity: next,
      alertCount: existing.alertCount + 1,
      details: { ...existing.details, ...signal.details },
    };
    const timeline: TimelineEntry[] = [
      {
        at: signal.at,
        kind: 'repeated',
        actor: system,
        text: `Seen again (${incident.alertCount} times): ${signal.summary}`,
      },
    ];
    if (next !== existing.severity)
      timeline.push({
        at: signal.at,
        kind: 'note',
        actor: system,
        text: `Severity raised ${existing.severity} → ${next}.`,
      });
    return { incident, timeline, created: false, channels: [] };
  }
  const routed = route(severity, signal.kind, cfg.routing);
  const incident: Incident = {
    id: newId(),
    dedupKey: dedupKeyOf(signal),
    title: signal.summary,
    severity,
    state: 'triggered',
    source: { kind: signal.kind, rule: signal.rule },
    project: signal.project,
    sessionId: signal.sessionId,
    milestones: {
      startedAt: Math.min(signal.startedAt ?? signal.at, signal.at),
      detectedAt: signal.at,
      pagedAt: null,
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      cancelledAt: null,
    },
    acknowledgedBy: null,
    resolvedBy: null,
    alertCount: 1,
    details: { ...signal.details },
    escalation: {
      policy: routed.escalation ?? cfg.defaultEscalation ?? '',
      step: -1,
      loop: 0,
      steppedAt: signal.at,
      exhausted: false,
    },
    pagedChannels: [],
  };
  return {
    incident,
    timeline: [{ at: signal.at, kind: 'triggered', actor: system, text: `${severity}: ${signal.summary}` }],
    created: true,
    channels: routed.channels,
  };
}
