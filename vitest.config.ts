import { defineConfig } from 'vitest/config';

/** Server suites that also run with their servers on PostgreSQL (the `postgres` project). */
const ON_BOTH_STORES = [
  'tests/server/race.test.ts',
  'tests/server/expiry.test.ts',
  'tests/server/crash.test.ts',
  'tests/server/adminActions.test.ts',
  'tests/linearizability/server.lin.test.ts',
  'tests/robustness/crashRestart.test.ts',
  'tests/server/holdRequestId.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Server tests start real servers on temp databases; two cores, so keep it modest.
    maxWorkers: 2,
    // One PostgreSQL server for the run (tests copy template databases from it).
    globalSetup: ['tests/support/globalSetup.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: ON_BOTH_STORES, env: { SEATLINE_TEST_STORE: 'postgres' } } },
    ],
  },
});
