// `npm run test:long`: the long simulations, kept out of `npm test` so that the README's command stays
// under 4 minutes on a 2-core machine. .ci/run runs both. They run one file at a time: deadline.test.ts
// checks wall-clock bounds on every hook answer, and the others spend most of their time in real child
// processes that a parallel neighbour would only slow down.
import { defineConfig } from 'vitest/config';

/** Also the main run's exclude list (vitest.config.ts), so every test file runs in exactly one of the two. */
export const LONG_TEST_FILES = [
  // 20 seeds x 33 simulated days of a fake agent as real processes: about 60 s alone.
  'test/e2e/golden-sim.test.ts',
  // Real verification commands, including one that sleeps into its timeout: about 30 s.
  'test/e2e/stop-gate.test.ts',
  // A ledger held by another process while every hook path must answer before its deadline: about 30 s.
  'test/e2e/deadline.test.ts',
  // Hook processes waiting for a human's approve/deny, and for nobody until the gate's timeout.
  'test/e2e/gate.test.ts',
  // npm pack, then installs of the tarball into a scratch project and a global prefix: minutes, more with
  // AGENT_SRE_PACK_FULL=1 (the native builds, as .ci/run runs it).
  'test/e2e/pack.test.ts',
  // A team server on PostgreSQL killed and kept away for 10 minutes while two machines' hooks decide.
  'test/e2e/team-outage-long.test.ts',
  // The same on the in-memory team store with a short outage, a shipper killed mid-request, and the
  // shipping lag measured: about 40 s of hooks and waits.
  'test/e2e/team-outage.test.ts',
];

export default defineConfig({
  test: {
    include: LONG_TEST_FILES,
    testTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
