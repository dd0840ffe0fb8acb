// Opening the ledger for a project. Kept apart so commands that never touch the ledger never load SQLite.
import { openSqliteStore } from '../adapters/store/sqlite.ts';
import type { LedgerStore } from '../ports.ts';
import { integrityOptions, ledgerPath } from './ledger.ts';

export { ledgerPath };

/**
 * The project's ledger. A writable open of a ledger that was truncated, replaced or unlinked moves the
 * suspect files aside and starts a fresh ledger whose first records are a SEV1 `ledger.integrity`
 * incident and a hold; while the hold is on, the hook's commits throw LedgerHoldError (a deny) until a
 * human runs `agent-sre ledger accept`. Read-only opens never change anything.
 */
export function openLedger(projectDir: string, opts: { readonly?: boolean } = {}): LedgerStore {
  return openSqliteStore(ledgerPath(projectDir), { ...integrityOptions(projectDir), ...opts });
}
