import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One PostgreSQL server for the run (tests copy template databases from it).
    globalSetup: ['tests/support/globalSetup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Server tests start real servers on temp databases; two cores, so keep it modest.
    maxWorkers: 2,
  },
});
