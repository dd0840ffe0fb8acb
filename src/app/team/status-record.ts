// What the team server last said the rest of the fleet spent today, as kept in the local ledger. Read
// by the hook's budget check, so it imports nothing that talks to the network.
import type { LedgerTx } from '../../ports.ts';

export const TEAM_STATUS_KIND = 'team.status';
export const TEAM_STATUS_ID = 'latest';
/** An older status is not trusted for the fleet budget: the shipper refreshes it every round (≤ 30 s). */
export const TEAM_STATUS_MAX_AGE_MS = 120_000;

export interface TeamStatusRecord {
  /** When this machine fetched it (its own clock). */
  fetchedAt: number;
  /** The UTC day the figures are for. */
  day: string;
  /** The whole fleet's spend that day, as the server holds it. */
  fleetUsd: number;
  /** The fleet's spend minus this stream's: what the local day record does not already count. */
  othersUsd: number;
}

/** Others' spend on `day`, from a status fetched within the last two minutes of `at`; 0 otherwise. */
export function othersSpendToday(tx: LedgerTx, day: string, at: number): number {
  const rec = tx.record<TeamStatusRecord>(TEAM_STATUS_KIND, TEAM_STATUS_ID)?.data;
  if (!rec || rec.day !== day) return 0;
  const age = at - rec.fetchedAt;
  if (age < -TEAM_STATUS_MAX_AGE_MS || age > TEAM_STATUS_MAX_AGE_MS) return 0;
  return Number.isFinite(rec.othersUsd) && rec.othersUsd > 0 ? rec.othersUsd : 0;
}
