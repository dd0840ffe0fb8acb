// Opening the ledger for a project. Kept apart so commands that never touch the ledger never load SQLite.
import { basename, dirname } from 'node:path';
import { openSqliteStore, setIntegrityDefaults } from '../adapters/store/sqlite.ts';
import type { LedgerStore } from '../ports.ts';
import { integrityOptions, ledgerPath } from './ledger.ts';
import { STATE_DIR } from './policy.ts';

export { ledgerPath };

// Any open of a project's ledger, even one that calls the adapter directly, raises and pages the
// incident for an integrity problem.
setIntegrityDefaults((file) => {
  const state = dirname(file);
  return basename(state) === STATE_DIR ? integrityOptions(dirname(state)) : undefined;
});

/**
 * The project's ledger. A writable open of a ledger that was truncated, replaced or unlinked moves the
 * suspect files aside and starts a fresh ledger whose first records are a SEV1 `ledger.integrity`
 * incident and a hold; while the hold is on, the hook's commits throw LedgerHoldError (a deny) until a
 * human runs `agent-sre ledger accept`. Read-only opens never change anything.
 */
export function openLedger(
  projectDir: string,
  opts: { readonly?: boolean; busyTimeoutMs?: number } = {},
): LedgerStore {
  return openSqliteStore(ledgerPath(projectDir), { ...integrityOptions(projectDir), ...opts });
}
