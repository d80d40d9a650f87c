// Starts the real servers the suites need, once per `vitest run`: a
// PostgreSQL on a free loopback port in a temp directory, with two template
// databases (migrated; migrated + the demo events) that tests copy into a
// fresh database each. Stopped and removed when the run ends.
import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { PostgresStore } from '../../db/postgres/postgresStore';
import { seedDemoIfEmpty } from '../../db/seed';
import { startPostgres, type LocalPostgres } from '../../scripts/localServices';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the run's server (no database); empty when PostgreSQL suites are off. */
    postgresServerUrl: string;
  }
}

export const MIGRATED_TEMPLATE = 'seatline_migrated';
/** Demo events seeded with MAX_SEATS_PER_BUYER 8, like the SQLite seeded copy. */
export const DEMO_TEMPLATE = 'seatline_demo';
/** The same with the no-orphan rule off (for workloads that name seats at random). */
export const DEMO_FREE_TEMPLATE = 'seatline_demo_free';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.SEATLINE_TEST_POSTGRES === '0') {
    project.provide('postgresServerUrl', '');
    return async () => {};
  }
  const server: LocalPostgres = await startPostgres();
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${MIGRATED_TEMPLATE}`);
    const migrated = await PostgresStore.open(server.url(MIGRATED_TEMPLATE));
    await migrated.close();
    await admin.unsafe(`CREATE DATABASE ${DEMO_TEMPLATE} TEMPLATE ${MIGRATED_TEMPLATE}`);
    for (const [name, preventOrphanSeats] of [
      [DEMO_TEMPLATE, true],
      [DEMO_FREE_TEMPLATE, false],
    ] as const) {
      if (name !== DEMO_TEMPLATE) await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${MIGRATED_TEMPLATE}`);
      const demo = await PostgresStore.open(server.url(name));
      await seedDemoIfEmpty(demo, Date.now(), 8, { preventOrphanSeats });
      await demo.close();
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  project.provide('postgresServerUrl', server.url());
  return () => server.destroy();
}
