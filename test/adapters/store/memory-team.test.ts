import { openMemoryTeamStore } from '../../../src/adapters/store/memory-team.ts';
import { testLedgerStore } from '../../contracts/ledger-store.ts';
import { testLedgerTx } from '../../contracts/ledger-tx.ts';
import { testTeamStore } from '../../contracts/team-store.ts';

// A team store is a LedgerStore too: incidents, the outbox and the reports run on it.
testLedgerStore('memory-team', async () => ({ store: openMemoryTeamStore() }));
testLedgerTx('memory-team', async () => ({ store: openMemoryTeamStore() }));
testTeamStore('memory-team', async () => ({ store: openMemoryTeamStore() }));
