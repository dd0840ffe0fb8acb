// `npm run test:pg`: the files that need a PostgreSQL server (AGENT_SRE_TEST_PG; see test/helpers/postgres.ts),
// kept out of `npm test` so the README's command needs nothing but Node and takes the same time whether or
// not a server is there. .ci/run starts Debian's PostgreSQL and runs them with AGENT_SRE_PG_REQUIRED=1, so
// a server that does not answer fails them; without the variable they are skipped, and say so.
import { defineConfig } from 'vitest/config';

/** Also excluded by the main run (vitest.config.ts), so every test file runs in exactly one config. */
export const PG_TEST_FILES = [
  // The shared LedgerStore, LedgerTx and TeamStore contracts on PostgreSQL, migrations, the bridge.
  'test/adapters/store/postgres.test.ts',
  // Several "machine" processes committing to one database at once; SKIP LOCKED claims.
  'test/adapters/store/postgres-concurrency.test.ts',
  'test/adapters/store/postgres-group-ingest.test.ts',
  // The team server on PostgreSQL through the built CLI: read back with labels, exported over OTLP.
  'test/e2e/team-reads.test.ts',
  'test/e2e/otel-team.test.ts',
];

export default defineConfig({
  test: {
    include: PG_TEST_FILES,
    testTimeout: 60_000,
    pool: 'forks',
    // Each file has a database of its own; two at a time leave a core to the server.
    maxWorkers: 2,
  },
});
