// Pull the team's status (today's fleet spend per stream) and keep what the others spent in the local
// ledger, where the hook's fleet budget reads it.
import type { TeamSettings } from '../../core/incidents/config.ts';
import type { LedgerStore, Origin } from '../../ports.ts';
import { dayOf } from '../cost.ts';
import { teamRequest } from './client.ts';
import { sameOrigin } from './origin.ts';
import { TEAM_STATUS_ID, TEAM_STATUS_KIND, type TeamStatusRecord } from './status-record.ts';

/** The body of GET /team/v1/status. */
export interface TeamStatus {
  day: string;
  fleetUsd: number;
  streams: Array<{ origin: Origin; usd: number }>;
}

function isStatus(v: unknown): v is TeamStatus {
  const s = v as TeamStatus | null;
  return (
    !!s &&
    typeof s.day === 'string' &&
    typeof s.fleetUsd === 'number' &&
    Array.isArray(s.streams) &&
    s.streams.every((x) => x && typeof x.usd === 'number' && x.origin && typeof x.origin.machine === 'string')
  );
}

export async function pullStatus(deps: {
  store: LedgerStore;
  team: TeamSettings;
  token: string;
  origin: Origin;
  now: () => number;
  request?: typeof teamRequest;
}): Promise<{ ok: true; status: TeamStatusRecord } | { ok: false; error: string }> {
  const day = dayOf(deps.now());
  const reply = await (deps.request ?? teamRequest)(deps.team, deps.token, 'GET', `/status?day=${day}`);
  if (!reply.ok) return { ok: false, error: reply.error };
  if (!isStatus(reply.body) || reply.body.day !== day)
    return { ok: false, error: 'the team server sent no usable status' };
  const others = reply.body.streams
    .filter((s) => !sameOrigin(s.origin, deps.origin))
    .reduce((sum, s) => sum + (Number.isFinite(s.usd) && s.usd > 0 ? s.usd : 0), 0);
  const status: TeamStatusRecord = {
    fetchedAt: deps.now(),
    day,
    fleetUsd: reply.body.fleetUsd,
    othersUsd: others,
  };
  await deps.store.transact(deps.now(), (tx) =>
    tx.putRecord<TeamStatusRecord>({
      kind: TEAM_STATUS_KIND,
      id: TEAM_STATUS_ID,
      createdAt: status.fetchedAt,
      data: status,
    }),
  );
  return { ok: true, status };
}
