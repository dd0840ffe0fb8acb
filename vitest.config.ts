// `npm test`: every test file except the long simulations (vitest.long.config.ts, `npm run test:long`) and
// the files that need a PostgreSQL server (vitest.pg.config.ts, `npm run test:pg`).
// Files run in parallel with more workers than cores: vitest's default on a 2-core machine is one worker,
// and most e2e files spend their time waiting on the child processes they start. The files whose checks
// hang on timing run one at a time after the rest (ALONE). `npm run test:fast` is the `unit` project:
// everything that runs in-process.
import { configDefaults, defineConfig } from 'vitest/config';
import { SlowFirst } from './test/helpers/slow-first.ts';
import { LONG_TEST_FILES } from './vitest.long.config.ts';
import { PG_TEST_FILES } from './vitest.pg.config.ts';

const ALONE = [
  // 16 hook processes at once: under heavy load the ledger's busy wait runs out and the hook (rightly)
  // refuses a call, which fails the test.
  'test/e2e/concurrency.test.ts',
  // These wait a fixed 10 s for a hook daemon to start or step down, which two busy neighbours can exceed.
  'test/e2e/hookd.test.ts',
  'test/e2e/integrity.test.ts',
  'test/e2e/ledger-integrity.test.ts',
];
// The built CLI and hook as child processes (test/real is skipped here: AGENT_SRE_REAL is set only by
// its own config, `npm run test:real`).
const PROCESS_TESTS = ['test/e2e/**/*.test.ts', 'test/real/**/*.test.ts'];
// On 2 cores vitest's default is one worker; 4 timed out hook calls under load (docs/benchmarks.md,
// "Install and test run").
const WORKERS = 3;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    pool: 'forks',
    sequence: { sequencer: SlowFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...PROCESS_TESTS, ...PG_TEST_FILES],
          maxWorkers: WORKERS,
          // In-process files share each worker's module cache instead of importing the whole app again
          // per file: the import phase fell from 123 s to 26 s (docs/benchmarks.md). No unit test mocks
          // modules or mutates process-wide state, so sharing the cache changes no result.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: PROCESS_TESTS,
          // Each test starts several Node processes; next to two other workers one can take twice as long.
          testTimeout: 60_000,
          exclude: [...configDefaults.exclude, ...LONG_TEST_FILES, ...PG_TEST_FILES, ...ALONE],
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
