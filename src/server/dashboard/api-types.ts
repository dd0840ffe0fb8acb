// The JSON the dashboard page reads. The page (dashboard/app.js) is plain JavaScript without a build
// step, so this file is its contract: change a shape here and there together.
import type { Approval } from '../../app/approvals.ts';

export interface BudgetUse {
  /** `filesTouched`, `linesChanged`, `externalCalls`, `toolCalls`, `costUsd`. */
  name: string;
  used: number;
  /** null: no limit configured. */
  limit: number | null;
}

export interface DecisionView {
  ts: number;
  sessionId: string;
  event: string;
  tool: string | null;
  tier: number | null;
  verdict: string | null;
  rule: string | null;
  /** Redacted, cut to a few hundred characters. */
  reason: string | null;
  /** What the call was, in one line (the command, the file path, the URL), redacted. */
  summary: string | null;
}

export interface SessionView {
  id: string;
  status: 'active' | 'escalated' | 'terminated' | 'ended';
  startedAt: number;
  endedAt: number | null;
  lastAt: number | null;
  cwd: string;
  events: number;
  denials: number;
  consecutiveDenials: number;
  budgets: BudgetUse[];
  /** Token cost so far; null when no transcript was read. */
  costUsd: number | null;
  /** Over a team store: the machine and OS user it ran as ("unknown" for a session nobody shipped). */
  machine?: string;
  user?: string;
}

/** An approval as the ledger keeps it (src/app/approvals.ts), without what the page has no use for. */
export interface ApprovalView extends Omit<Approval, 'project' | 'paged' | 'nonce' | 'answeredVia'> {
  /** `cli`, `dashboard`, `link`, `slack`, `pagerduty` ... */
  answeredVia: string | null;
  /** The call's effects, one line each (`delete /home/u/x recursive`). */
  effects: string[];
  /** The session's last decisions before this request, newest first. */
  recent: DecisionView[];
}

export interface TimelineView {
  at: number;
  kind: string;
  actor: string;
  /** The channel a human answered through, when one did. */
  via: string | null;
  text: string;
}

export interface IncidentView {
  id: string;
  title: string;
  severity: string;
  state: 'triggered' | 'acknowledged' | 'mitigated' | 'resolved' | 'cancelled';
  sessionId: string | null;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  alertCount: number;
  timeline: TimelineView[];
}

export interface OncallView {
  schedule: string;
  now: { person: string; name: string; until: number | null } | null;
  next: { person: string; name: string; from: number } | null;
}

export interface CostView {
  /** UTC day (YYYY-MM-DD) and its spend, oldest first, the last 14 days. */
  perDay: Array<{ day: string; usd: number }>;
  /** The per-day budget, when one is configured. */
  dayLimitUsd: number | null;
}

export interface DriftPoint {
  at: number;
  value: number | null;
  alarm: boolean;
}

export interface DriftSeries {
  suite: string;
  metric: string;
  baselineValue: number | null;
  points: DriftPoint[];
}

export interface DriftView {
  series: DriftSeries[];
  /** Open drift incidents, newest first. */
  alarms: Array<{ incidentId: string; title: string; at: number }>;
}

/** GET /api/state */
export interface DashboardState {
  project: string;
  /** Who is signed in. */
  user: string;
  now: number;
  sessions: SessionView[];
  /** Pending first, then the last answered ones. */
  approvals: ApprovalView[];
  incidents: IncidentView[];
  oncall: OncallView[];
  cost: CostView;
  drift: DriftView;
  /** The newest decisions across sessions, newest first. */
  decisions: DecisionView[];
}

/** GET /api/sessions/:id */
export interface SessionDetail {
  session: SessionView;
  decisions: DecisionView[];
  /** The blameless postmortem draft as HTML (rendered server-side, escaped), and as Markdown. */
  postmortemHtml: string;
  postmortemMarkdown: string;
}

/**
 * GET /api/stream (Server-Sent Events):
 * - `event: decision`, data: DecisionView, for every new ledger event;
 * - `event: changed`, data: {}, when approvals, incidents or sessions changed (refetch /api/state);
 * - a comment line every 15 s keeps proxies from closing the stream.
 *
 * POST /api/approvals/:id   body {"decision": "approve" | "deny", "reason"?: string}
 * POST /api/incidents/:id   body {"action": "acknowledge" | "mitigate" | "resolve", "note"?: string}
 *   Both need the session cookie and the header `x-csrf-token` (the value of `csrf` in the page's
 *   <meta name="csrf-token">). Answer 200 {ok: true, ...}, or 4xx {error: "..."}.
 */
export interface AnswerResult {
  ok: boolean;
  error?: string;
}
