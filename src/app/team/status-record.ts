// What the team server last said the rest of the fleet spent today, as kept in the local ledger. Read
// by the hook's budget check, so it imports nothing that talks to the network.
import type { LedgerTx } from '../../ports.ts';

export const TEAM_STATUS_KIND = 'team.status';
export const TEAM_STATUS_ID = 'latest';

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

/**
 * Others' spend on `day` from the last status fetched that day, whatever its age: each stream's day figure
 * only grows, so an old status is a lower bound and never opens the budget. A machine that was idle still
 * holds its first calls against what the team had spent when it last looked, while its flusher fetches a
 * fresh figure.
 */
export function othersSpendToday(tx: LedgerTx, day: string): number {
  const rec = tx.record<TeamStatusRecord>(TEAM_STATUS_KIND, TEAM_STATUS_ID)?.data;
  if (!rec || rec.day !== day) return 0;
  return Number.isFinite(rec.othersUsd) && rec.othersUsd > 0 ? rec.othersUsd : 0;
}
