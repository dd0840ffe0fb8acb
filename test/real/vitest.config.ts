// `npm run test:real`: the scenarios that run the real Claude Code client (test/real). The main
// `npm test` collects these files too and skips them, because AGENT_SRE_REAL is set only here.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/real/**/*.test.ts'],
    // A directory per run for every project and scratch HOME, removed (processes included) at the end.
    globalSetup: ['test/real/global-setup.ts'],
    env: { AGENT_SRE_REAL: '1' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One client at a time: the machine is shared, and wall times are part of what is checked.
    fileParallelism: false,
  },
});
