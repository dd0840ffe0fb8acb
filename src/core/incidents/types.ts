// Incidents, signals and pages: the vocabulary the escalation primitive shares between the core, the
// store, the delivery worker and the channels. Times are epoch milliseconds; the core never reads a clock.

export type Severity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
export const SEVERITIES: readonly Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

export type IncidentState = 'triggered' | 'acknowledged' | 'mitigated' | 'resolved' | 'cancelled';
/** Not yet resolved or cancelled: still paging, still answerable. */
export const OPEN_STATES: readonly IncidentState[] = ['triggered', 'acknowledged', 'mitigated'];

/**
 * Something the hook stack noticed that a human may need to hear about. `kind` names the detector;
 * new detectors (acceptance gates, drift) add kinds without touching the incident machinery.
 */
export interface Signal {
  kind: SignalKind;
  /** The project the signal concerns (its directory). */
  project: string;
  sessionId: string | null;
  /** The policy rule or check behind the signal, when there is one. */
  rule: string | null;
  /** One line for a pager: what happened. Already redacted. */
  summary: string;
  /** Extra facts for the page body (tool, command, reason, usage). Values already redacted. */
  details: Record<string, string | number | boolean | null>;
  /**
   * What makes two signals "the same problem". The dedup key is built from kind, project, session
   * and this. Leave it empty to make every session's signals of this kind one incident.
   */
  key: string;
  /** When the harm or anomaly began, if earlier than `at` (MTTD = detected - started). */
  startedAt?: number;
  /** When the signal was detected. */
  at: number;
}

/** Every kind of signal, for the schemas that accept one from a file or a request. */
export const SIGNAL_KINDS = [
  'tier4.denied',
  'session.escalated',
  'session.terminated',
  'budget.spent',
  'approval.requested',
  'approval.forged',
  'ledger.integrity',
  'acceptance.failed',
  'gate.exhausted',
  'drift.detected',
  'page.test',
] as const;

export type SignalKind = (typeof SIGNAL_KINDS)[number];

export type ActorKind = 'system' | 'human' | 'agent';
export interface Actor {
  kind: ActorKind;
  id: string;
  /** The route a human's answer came by (cli, dashboard, link, slack, pagerduty); absent for the CLI of old. */
  via?: string;
}

export interface TimelineEntry {
  at: number;
  kind:
    | 'triggered'
    | 'repeated'
    | 'paged'
    | 'delivery_failed'
    | 'escalated'
    | 'escalation_exhausted'
    | 'acknowledged'
    | 'mitigated'
    | 'resolved'
    | 'cancelled'
    | 'note';
  actor: Actor;
  text: string;
}

export interface Milestones {
  startedAt: number;
  detectedAt: number;
  pagedAt: number | null;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  cancelledAt: number | null;
}

/** Where the escalation policy stands for an incident (GoAlert's "active step"). */
export interface EscalationCursor {
  policy: string;
  /** Index of the rule whose targets were paged last; -1 before the first. */
  step: number;
  /** How many times the policy has wrapped around. */
  loop: number;
  /** When the current step was paged. */
  steppedAt: number;
  exhausted: boolean;
}

export interface Incident {
  /** `INC-<n>`. */
  id: string;
  /** Deterministic, at most 255 characters (PagerDuty's limit). */
  dedupKey: string;
  title: string;
  severity: Severity;
  state: IncidentState;
  source: { kind: SignalKind; rule: string | null };
  project: string;
  sessionId: string | null;
  milestones: Milestones;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  /** Signals folded into this incident, the first included. */
  alertCount: number;
  details: Record<string, string | number | boolean | null>;
  escalation: EscalationCursor;
  /** Channels that have been sent a trigger (so resolve reaches every one of them). */
  pagedChannels: string[];
}

export type PageAction = 'trigger' | 'repeat' | 'escalate' | 'acknowledge' | 'resolve' | 'handoff' | 'test';

/**
 * One message for one channel, as queued in the outbox. Everything a channel adapter needs to build
 * its request is here; nothing in it is secret (channel credentials come from the environment).
 */
export interface Page {
  /** Unique per (incident, channel, action[, step]): the exactly-once key. */
  key: string;
  channel: string;
  action: PageAction;
  incidentId: string | null;
  dedupKey: string;
  severity: Severity;
  title: string;
  /** Longer text: what was blocked and why, and how to answer. */
  body: string;
  /** Ordered facts shown as fields (Slack), custom_details (PagerDuty), a table (GitHub). */
  fields: Array<{ label: string; value: string }>;
  /** Commands a human can run to answer (`agent-sre ack INC-3`). */
  instructions: string[];
  /** Who this page is for, when escalation targeted a person. */
  recipient: string | null;
  project: string;
  sessionId: string | null;
  createdAt: number;
  /**
   * Ways to answer from where the page lands: signed links and Slack buttons. Added at send time by the
   * delivery worker (src/app/page-links.ts) for network channels only; never stored in the outbox.
   */
  links?: PageLink[];
}

/** One answer a page offers. `url` is the signed link, null when no public address is configured. */
export interface PageLink {
  action: 'ack' | 'approve' | 'deny';
  /** `INC-3` for ack, `APR-2` for approve and deny. */
  target: string;
  /** What a button or link says: `Acknowledge INC-3`. */
  label: string;
  url: string | null;
}

/** What a channel answered. `ref` is kept per (incident, channel) and handed to later sends. */
export type DeliveryResult =
  | { status: 'delivered'; ref?: ChannelRef; detail?: string }
  | { status: 'retry'; error: string; retryAfterMs?: number }
  | { status: 'failed'; error: string };

/** What a channel remembers about an incident it was sent (a GitHub issue number, a Slack ts). */
export type ChannelRef = Record<string, string | number>;
