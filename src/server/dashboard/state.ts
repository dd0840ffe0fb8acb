// The dashboard's view of one project's ledger (api-types.ts). Read-only, in one read transaction per
// request, with agent-influenced text redacted and cut before it leaves the server.
import { APPROVAL_KIND, type Approval } from '../../app/approvals.ts';
import { DAY_KIND, SPEND_KIND } from '../../app/cost.ts';
import { goldenHistory } from '../../app/golden.ts';
import { overridesOf } from '../../app/incidents.ts';
import { CANARY_SESSION, describeInput } from '../../app/signals.ts';
import { isOpen } from '../../core/incidents/raise.ts';
import type { Incident, TimelineEntry } from '../../core/incidents/types.ts';
import { nextOnCall, onCallAt, resolveSchedule } from '../../core/oncall/schedule.ts';
import { describeEffect } from '../../core/policy/evaluate.ts';
import type { Policy } from '../../core/policy/types.ts';
import { redactText } from '../../core/redact.ts';
import type { LedgerEvent, SessionState } from '../../core/session/types.ts';
import type { LedgerStore, LedgerTx, Origin } from '../../ports.ts';
import type {
  ApprovalView,
  BudgetUse,
  CostView,
  DashboardState,
  DecisionView,
  DriftView,
  IncidentView,
  OncallView,
  SessionView,
} from './api-types.ts';

const MAX_REASON = 400;
const DAY_MS = 86_400_000;
/** Enough for a night's work; older sessions are in `agent-sre sessions`. */
const MAX_SESSIONS = 50;
const MAX_INCIDENTS = 50;
const MAX_ANSWERED_APPROVALS = 20;

const cut = (text: string | null, max = MAX_REASON): string | null => {
  if (text === null) return null;
  const line = redactText(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The call a ledger event was about, in one redacted line, from its recorded (already redacted) tool input. */
function summaryOf(e: LedgerEvent): string | null {
  if (!e.input || !e.tool) return null;
  try {
    return describeInput({ tool: e.tool, input: JSON.parse(e.input) as unknown, cwd: '' });
  } catch {
    return null;
  }
}

export function decisionView(e: LedgerEvent): DecisionView {
  return {
    ts: e.ts,
    sessionId: e.sessionId,
    event: e.event,
    tool: e.tool,
    tier: e.tier,
    verdict: e.verdict,
    rule: e.rule,
    reason: cut(e.reason),
    summary: summaryOf(e),
  };
}

function budgetsOf(s: SessionState, policy: Policy, costUsd: number | null): BudgetUse[] {
  const b = policy.budgets;
  const u = s.usage;
  return [
    { name: 'filesTouched', used: u.filesTouched, limit: b.filesTouched },
    { name: 'linesChanged', used: u.linesAdded + u.linesRemoved, limit: b.linesChanged },
    { name: 'externalCalls', used: u.externalCalls, limit: b.externalCalls },
    { name: 'toolCalls', used: u.toolCalls, limit: b.toolCalls },
    { name: 'costUsd', used: costUsd ?? 0, limit: b.costUsd },
  ];
}

/** A session with the machine and user a team store labelled it with. */
export function labelled(view: SessionView, origins: ReadonlyMap<string, Origin | null>): SessionView {
  const o = origins.get(view.id);
  return { ...view, machine: o?.machine ?? 'unknown', user: o?.user ?? 'unknown' };
}

export function sessionView(
  tx: LedgerTx,
  s: SessionState,
  events: number,
  lastAt: number | null,
  policy: Policy,
): SessionView {
  const spend = tx.record<{ usd: number }>(SPEND_KIND, s.sessionId)?.data.usd;
  const costUsd = typeof spend === 'number' ? spend : null;
  return {
    id: s.sessionId,
    status: s.status,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    lastAt,
    cwd: s.cwd,
    events,
    denials: s.totalDenials,
    consecutiveDenials: s.consecutiveDenials,
    budgets: budgetsOf(s, policy, costUsd),
    costUsd,
  };
}

function timelineView(t: TimelineEntry) {
  return {
    at: t.at,
    kind: t.kind,
    actor: t.actor.id,
    via: t.actor.via ?? null,
    text: cut(t.text, 600) ?? '',
  };
}

function incidentView(tx: LedgerTx, i: Incident): IncidentView {
  return {
    id: i.id,
    title: cut(i.title, 300) ?? '',
    severity: i.severity,
    state: i.state,
    sessionId: i.sessionId,
    createdAt: i.milestones.detectedAt,
    acknowledgedAt: i.milestones.acknowledgedAt ?? null,
    acknowledgedBy: i.acknowledgedBy,
    resolvedAt: i.milestones.resolvedAt ?? null,
    alertCount: i.alertCount,
    timeline: tx.timeline(i.id).map(timelineView),
  };
}

/**
 * The gated call's own ledger event: the PreToolUse of that session under the approval's rule, recorded
 * just before the request (the hook commits the decision, then waits).
 */
function gatedEvent(events: LedgerEvent[], a: Approval): LedgerEvent | undefined {
  return events.find(
    (e) =>
      e.event === 'PreToolUse' &&
      e.ts <= a.createdAt + 1000 &&
      e.ts >= a.createdAt - 60_000 &&
      (e.rule === a.rule || e.tool === a.tool),
  );
}

function approvalView(a: Approval, sessionEvents: LedgerEvent[]): ApprovalView {
  const before = sessionEvents.filter((e) => e.ts <= a.createdAt + 1000);
  const gated = gatedEvent(before, a);
  return {
    id: a.id,
    sessionId: a.sessionId,
    status: a.status,
    tool: a.tool,
    action: cut(a.action, 600) ?? '',
    rule: a.rule,
    reason: cut(a.reason, 1000) ?? '',
    createdAt: a.createdAt,
    expiresAt: a.expiresAt,
    answeredAt: a.answeredAt,
    answeredBy: a.answeredBy,
    answeredVia: a.answeredVia ?? null,
    answerReason: cut(a.answerReason),
    incidentId: a.incidentId,
    effects: (gated?.effects ?? []).slice(0, 20).map((e) => cut(describeEffect(e), 300) ?? ''),
    recent: before.slice(0, 10).map(decisionView),
  };
}

function oncallViews(tx: LedgerTx, policy: Policy, now: number): OncallView[] {
  const oncall = policy.paging.oncall;
  const overrides = overridesOf(tx);
  const nameOf = (p: string) => oncall.people[p]?.name ?? p;
  return Object.keys(oncall.schedules).flatMap((name) => {
    const sched = resolveSchedule(oncall, name);
    if (!sched) return [];
    const cur = onCallAt(sched, overrides, now);
    const next = nextOnCall(sched, overrides, now);
    return [
      {
        schedule: name,
        now: cur ? { person: cur.person, name: nameOf(cur.person), until: cur.until } : null,
        next: next ? { person: next.person, name: nameOf(next.person), from: next.start } : null,
      },
    ];
  });
}

function costView(tx: LedgerTx, policy: Policy, now: number): CostView {
  const perDay: CostView['perDay'] = [];
  for (let d = 13; d >= 0; d--) {
    const day = new Date(now - d * DAY_MS).toISOString().slice(0, 10);
    perDay.push({ day, usd: tx.record<{ usd: number }>(DAY_KIND, day)?.data.usd ?? 0 });
  }
  return { perDay, dayLimitUsd: policy.budgets.fleetCostUsdPerDay ?? null };
}

async function driftView(store: LedgerStore, policy: Policy, now: number, incidents: Incident[]) {
  const h = await goldenHistory(store, policy.golden, now);
  const view: DriftView = {
    series: h.histories.map((m) => ({
      suite: m.suite,
      metric: m.metric,
      baselineValue: m.baselineValue,
      points: m.points.map((p) => ({ at: p.at, value: p.value, alarm: p.alarm || p.slow })),
    })),
    alarms: incidents
      .filter((i) => i.source.kind === 'drift.detected' && isOpen(i))
      .map((i) => ({ incidentId: i.id, title: cut(i.title, 300) ?? '', at: i.milestones.detectedAt })),
  };
  return view;
}

export interface StateDeps {
  store: LedgerStore;
  /** Over a team store: where each session ran. */
  origins?: ReadonlyMap<string, Origin | null>;
  policy: Policy;
  projectDir: string;
  now: number;
  user: string;
}

export async function dashboardState(deps: StateDeps): Promise<DashboardState> {
  const { store, policy, now } = deps;
  const summaries = (await store.listSessions())
    // Older doctors recorded their canary as a session; it is not the user's work.
    .filter((s) => s.state.sessionId !== CANARY_SESSION)
    .sort((a, b) => b.state.startedAt - a.state.startedAt)
    .slice(0, MAX_SESSIONS);
  const latest = await store.events({ limit: 50 });
  const perSession = new Map<string, LedgerEvent[]>();
  for (const s of summaries)
    perSession.set(s.state.sessionId, await store.events({ sessionId: s.state.sessionId, limit: 200 }));
  const pendingSessions = new Set<string>();
  const base = await store.transact(
    now,
    (tx) => {
      const approvals = tx
        .records<Approval>(APPROVAL_KIND)
        .map((r) => r.data)
        .sort((a, b) => b.createdAt - a.createdAt);
      const pending = approvals.filter((a) => a.status === 'pending');
      for (const a of pending) pendingSessions.add(a.sessionId);
      const answered = approvals.filter((a) => a.status !== 'pending').slice(0, MAX_ANSWERED_APPROVALS);
      const incidents = tx.incidents().sort((a, b) => b.milestones.detectedAt - a.milestones.detectedAt);
      return {
        approvals: [...pending, ...answered],
        incidents,
        incidentViews: incidents.slice(0, MAX_INCIDENTS).map((i) => incidentView(tx, i)),
        sessions: summaries.map((s) =>
          sessionView(tx, s.state, s.events, perSession.get(s.state.sessionId)?.[0]?.ts ?? null, policy),
        ),
        oncall: oncallViews(tx, policy, now),
        cost: costView(tx, policy, now),
      };
    },
    { readonly: true },
  );
  // A pending approval of a session older than the ones listed still needs its context.
  for (const id of pendingSessions)
    if (!perSession.has(id)) perSession.set(id, await store.events({ sessionId: id, limit: 200 }));
  return {
    project: deps.projectDir,
    user: deps.user,
    now,
    sessions: deps.origins ? base.sessions.map((s) => labelled(s, deps.origins!)) : base.sessions,
    approvals: base.approvals.map((a) => approvalView(a, perSession.get(a.sessionId) ?? [])),
    incidents: base.incidentViews,
    oncall: base.oncall,
    cost: base.cost,
    drift: await driftView(store, policy, now, base.incidents),
    decisions: latest.map(decisionView),
  };
}
