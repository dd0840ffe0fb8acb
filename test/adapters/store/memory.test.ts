import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import { testLedgerStore } from '../../contracts/ledger-store.ts';
import { testLedgerTx } from '../../contracts/ledger-tx.ts';

testLedgerStore('memory', async () => ({ store: createMemoryStore() }));
testLedgerTx('memory', async () => ({ store: createMemoryStore() }));
