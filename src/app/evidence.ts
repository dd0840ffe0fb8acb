// `agent-sre evidence`: read one session's ledger, its incidents and pages, git and the transcript's cost,
// and fold them into the evidence pack (src/core/postmortem/pack.ts).
import { gitLog } from '../adapters/git/log.ts';
import type { GitFacts } from '../core/metrics/commits.ts';
import type { Policy } from '../core/policy/types.ts';
import { buildEvidencePack, type EvidencePack } from '../core/postmortem/pack.ts';
import type { IncidentRecord, PageDelivery } from '../core/postmortem/types.ts';
import { AGENT_KIND, type SessionAgent } from '../core/session/agent.ts';
import type { SessionState } from '../core/session/types.ts';
import type { LedgerStore, LedgerTx, Origin, OutboxRow } from '../ports.ts';
import type { CostOf } from './cost-seam.ts';

export type GitReader = (dir: string, opts: { since: number }) => Promise<GitFacts>;

export interface EvidenceDeps {
  store: LedgerStore;
  projectDir: string;
  policy: Policy;
  /** The caller's clock (read transactions take it; nothing here reads a clock). */
  now: number;
  git?: GitReader;
  /** Token use and cost of a session; absent or null = "not available (no transcript)". */
  costOf?: CostOf;
  /** Where each session ran, from a team store (TeamStore.teamSessions); absent for a project's own ledger. */
  origins?: ReadonlyMap<string, Origin | null>;
}

export class EvidenceError extends Error {
  override name = 'EvidenceError';
}

/** A session by id or by a prefix only one session has. */
export async function resolveSession(store: LedgerStore, ref: string): Promise<SessionState> {
  const exact = await store.getSession(ref);
  if (exact) return exact;
  const all = await store.listSessions();
  const hits = all.filter((s) => s.state.sessionId.startsWith(ref));
  if (hits.length === 1) return hits[0]!.state;
  if (hits.length > 1)
    throw new EvidenceError(
      `"${ref}" matches ${hits.length} sessions: ${hits
        .slice(0, 5)
        .map((h) => h.state.sessionId)
        .join(', ')}${hits.length > 5 ? ', ...' : ''}`,
    );
  throw new EvidenceError(
    all.length === 0
      ? `no session "${ref}": the ledger has no sessions yet`
      : `no session "${ref}"; see agent-sre sessions`,
  );
}

const toDelivery = (r: OutboxRow): PageDelivery => ({
  channel: r.page.channel,
  action: r.page.action,
  status: r.status,
  createdAt: r.createdAt,
  deliveredAt: r.deliveredAt,
  lastError: r.lastError,
});

export function incidentRecords(tx: LedgerTx, sessionId: string): IncidentRecord[] {
  return tx
    .incidents({ sessionId })
    .map((incident) => ({
      incident,
      timeline: tx.timeline(incident.id),
      pages: tx.outbox({ incidentId: incident.id }).map(toDelivery),
    }))
    .sort((a, b) => a.incident.milestones.detectedAt - b.incident.milestones.detectedAt);
}

/** The acceptance settings' test-command patterns and command checks: what counts as a test run. */
export function testCommandsOf(policy: Policy): { testPatterns: RegExp[]; testCommands: string[] } {
  return {
    testPatterns: policy.acceptance.testCommands.map((s) => new RegExp(s)),
    testCommands: policy.acceptance.checks.flatMap((c) => (c.kind === 'command' ? [c.run] : [])),
  };
}

// Commits shortly before the session's first event may be the agent's (git dates them in whole seconds).
const GIT_LOOKBACK_MS = 60_000;

export async function loadEvidence(session: SessionState, deps: EvidenceDeps): Promise<EvidencePack> {
  const events = await deps.store.events({ sessionId: session.sessionId });
  const { incidents, agent } = await deps.store.transact(
    deps.now,
    (tx) => ({
      incidents: incidentRecords(tx, session.sessionId),
      agent: tx.record<SessionAgent>(AGENT_KIND, session.sessionId)?.data.agent ?? null,
    }),
    { readonly: true },
  );
  const git = await (deps.git ?? gitLog)(deps.projectDir, { since: session.startedAt - GIT_LOOKBACK_MS });
  const cost = deps.costOf ? await deps.costOf(session).catch(() => null) : null;
  return buildEvidencePack({
    projectDir: deps.projectDir,
    session,
    events,
    incidents,
    budgets: deps.policy.budgets,
    denials: deps.policy.denials,
    git,
    cost,
    origin: deps.origins?.get(session.sessionId) ?? null,
    agent,
    ...testCommandsOf(deps.policy),
  });
}

/** JSON with every epoch-millisecond time field (`at`, `*At`) as an ISO 8601 string. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (key, v) =>
    typeof v === 'number' && (key === 'at' || /^[a-z][A-Za-z]*At$/.test(key)) && Number.isFinite(v)
      ? new Date(v).toISOString()
      : v,
  );
}
