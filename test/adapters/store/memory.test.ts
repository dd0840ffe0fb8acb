import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import { testLedgerStore } from '../../contracts/ledger-store.ts';

testLedgerStore('memory', async () => ({ store: createMemoryStore() }));
