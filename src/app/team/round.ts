// One team round for a project, as `tick`, the hook's flusher and `serve` run it: ship what is new, and
// refresh the team status when it is getting old. Every failure is reported, none is thrown: the events
// stay in the local ledger for the next round.
import type { TeamSettings } from '../../core/incidents/config.ts';
import type { LedgerStore } from '../../ports.ts';
import { teamToken } from './client.ts';
import { type EventSource, sqliteEventSource } from './local-events.ts';
import { originOf } from './origin.ts';
import { type ShipDeps, shipAll, shippedCursor } from './ship.ts';
import { pullStatus } from './status.ts';
import { TEAM_STATUS_ID, TEAM_STATUS_KIND, type TeamStatusRecord } from './status-record.ts';

/** How often the fleet's spend is pulled while a flusher runs: well inside the budget's one minute. */
export const STATUS_EVERY_MS = 10_000;

export interface TeamRoundReport {
  accepted: number;
  cursor: number;
  /** Local events the server does not hold yet. */
  behind: number;
  statusAgeMs: number | null;
  error?: string;
}

export interface TeamRoundDeps {
  projectDir: string;
  store: LedgerStore;
  team: TeamSettings;
  env: Record<string, string | undefined>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Tests: a source other than the project's SQLite file. */
  source?: EventSource;
}

export async function teamRound(
  deps: TeamRoundDeps,
  deadline: number,
  statusEveryMs = STATUS_EVERY_MS,
): Promise<TeamRoundReport> {
  const token = teamToken(deps.team, deps.env);
  const empty = { accepted: 0, cursor: 0, behind: 0, statusAgeMs: null };
  if (!token) return { ...empty, error: `the team token is missing here: set ${deps.team.tokenEnv}` };
  const source = deps.source ?? sqliteEventSource(deps.projectDir);
  try {
    const ship: ShipDeps = {
      store: deps.store,
      source,
      team: deps.team,
      token,
      origin: await originOf(deps.projectDir, deps.team, deps.env, (await source.ledgerId?.()) ?? null),
      now: deps.now,
    };
    const shipped = await shipAll({ ...ship, sleep: deps.sleep, random: deps.random }, deadline);
    let status = await deps.store.transact(
      deps.now(),
      (tx) => tx.record<TeamStatusRecord>(TEAM_STATUS_KIND, TEAM_STATUS_ID)?.data,
      { readonly: true },
    );
    let error = shipped.lastError;
    if (!status || deps.now() - status.fetchedAt >= statusEveryMs) {
      const pulled = await pullStatus(ship);
      if (pulled.ok) status = pulled.status;
      else error ??= pulled.error;
    }
    const cursor = await shippedCursor(deps.store, deps.now());
    return {
      accepted: shipped.accepted,
      cursor,
      behind: Math.max(0, (await source.last()) - cursor),
      statusAgeMs: status ? deps.now() - status.fetchedAt : null,
      ...(error ? { error } : {}),
    };
  } catch (err) {
    return { ...empty, error: `team round failed: ${(err as Error).message}` };
  } finally {
    if (!deps.source) source.close();
  }
}
