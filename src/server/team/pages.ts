// A project's page arrives at the team server: it becomes (or repeats) ONE team incident per team-wide
// dedup key, raised with the same incident code a project uses, so the server's outbox pages the team's
// real channels once and its tick escalates and rotates. The team key leaves out what differs between
// machines for the same problem: the checkout's path (only its last segment stays) and, for problems
// named by a rule, the session.

import type { TeamPageBody } from '../../adapters/notify/team.ts';
import { raiseSignals } from '../../app/incidents.ts';
import type { PagingSettings } from '../../core/incidents/config.ts';
import type { Signal, SignalKind } from '../../core/incidents/types.ts';
import type { LedgerTx } from '../../ports.ts';

/** One record per local incident seen, so its pages to several channels raise the team incident once. */
export const SEEN_KIND = 'team.page-seen';
const RAISING = new Set(['trigger', 'escalate', 'repeat', 'test']);
const MAX_DETAILS = 24;

export interface TeamPageOutcome {
  incidentId: string | null;
  created: boolean;
  queued: number;
  /** Nothing to raise: a local acknowledgement, a handoff notice, or a page of a local incident seen before. */
  ignored?: string;
}

const lastSegment = (path: string) => path.split('/').filter(Boolean).at(-1) ?? 'project';
const unprefixed = (title: string) => title.replace(/^\[SEV\d\]\s*(INC-\d+:\s*)?/, '');

export function teamSignal(body: TeamPageBody, at: number): Signal | null {
  const kind = body.kind as SignalKind | null;
  if (!kind) return null;
  const { page, origin } = body;
  const details: Signal['details'] = { Machine: origin.machine, User: origin.user };
  for (const f of page.fields.slice(0, MAX_DETAILS)) if (!(f.label in details)) details[f.label] = f.value;
  return {
    kind,
    // Every clone of one repository is one project on the team, wherever it is checked out; an old
    // shipper without the id falls back to the folder's name.
    project: origin.projectId ?? lastSegment(page.project),
    sessionId: body.key ? null : page.sessionId,
    rule: body.key || null,
    summary: unprefixed(page.title),
    details,
    key: body.key,
    startedAt: Math.min(page.createdAt, at),
    at,
  };
}

export function applyTeamPage(tx: LedgerTx, body: TeamPageBody, settings: PagingSettings): TeamPageOutcome {
  const { origin, page } = body;
  if (!RAISING.has(page.action)) return { incidentId: null, created: false, queued: 0, ignored: page.action };
  const signal = teamSignal(body, tx.now);
  if (!signal) return { incidentId: null, created: false, queued: 0, ignored: 'no signal' };
  const seenId = `${origin.machine}/${origin.user}/${origin.project}/${page.incidentId ?? page.key}`;
  const seen = tx.record<{ incidentId: string }>(SEEN_KIND, seenId);
  if (seen) return { incidentId: seen.data.incidentId, created: false, queued: 0, ignored: 'seen' };
  const r = raiseSignals(tx, [signal], settings);
  const incident = r.incidents[0]!;
  tx.putRecord({ kind: SEEN_KIND, id: seenId, createdAt: tx.now, data: { incidentId: incident.id } });
  return { incidentId: incident.id, created: incident.alertCount === 1, queued: r.queued };
}
