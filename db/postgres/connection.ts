// Connects to PostgreSQL with postgres.js (it pipelines the statements of a
// transaction: the batch writer's whole tick costs a few round trips) and
// applies the migrations, under an advisory lock so that several processes
// starting at once apply them exactly once.
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';

export type Sql = postgres.Sql<{ bigint: number }>;

const migrationsFolder = fileURLToPath(new URL('../migrations/postgres', import.meta.url));
/** Any constant both processes agree on: the advisory lock that serializes migrations. */
const MIGRATION_LOCK = 6_207_314_001;

export interface PostgresOptions {
  /** Connections in the pool (each loop's commit takes one for its transaction). */
  max?: number;
  /** Shown in pg_stat_activity (default 'seatline'; the distributed mode adds the instance id). */
  applicationName?: string;
}

const IDLE_IN_TRANSACTION_TIMEOUT_MS = 2_000;

export function connectPostgres(url: string, options: PostgresOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Times are epoch ms and counts are small: bigint columns come back as JS numbers.
    types: {
      bigint: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
    // A transaction left open by a process that froze mid-commit (SIGSTOP, a long GC pause) would hold
    // the lease row's FOR SHARE lock and block the takeover (docs/scaling.md, "The fence statement"):
    // PostgreSQL ends it after this long. A live loop sends COMMIT within milliseconds of its results.
    connection: { application_name: (options.applicationName ?? 'seatline').slice(0, 63), idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS },
  }) as unknown as Sql;
}

export async function migratePostgres(url: string): Promise<void> {
  // One dedicated connection: the advisory lock is held by the session that applies the migrations.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(sql), { migrationsFolder });
    await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
