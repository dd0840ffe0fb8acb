// The PostgreSQL store against a real server (test/helpers/postgres.ts): the shared contracts, then what
// only it has.
import { openPostgresStore } from '../../../src/adapters/store/postgres.ts';
import { testLedgerStore } from '../../contracts/ledger-store.ts';
import { testLedgerTx } from '../../contracts/ledger-tx.ts';
import { describePg, usePgDatabase } from '../../helpers/postgres.ts';

describePg('postgres store', () => {
  const db = usePgDatabase();
  const make = async () => {
    await db.reset();
    return { store: await openPostgresStore(db.url(), { timeoutMs: 5000 }) };
  };
  testLedgerStore('postgres', make);
  testLedgerTx('postgres', make);
});
