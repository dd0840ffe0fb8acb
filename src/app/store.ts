// Opening the ledger for a project. Kept apart so commands that never touch the ledger never load SQLite.
import { join } from 'node:path';
import { openSqliteStore } from '../adapters/store/sqlite.ts';
import type { LedgerStore } from '../ports.ts';
import { STATE_DIR } from './policy.ts';

export function ledgerPath(projectDir: string): string {
  return join(projectDir, STATE_DIR, 'ledger.db');
}

export function openLedger(projectDir: string, opts: { readonly?: boolean } = {}): LedgerStore {
  return openSqliteStore(ledgerPath(projectDir), opts);
}
