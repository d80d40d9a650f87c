// The demo arena on a real PostgreSQL that the bench starts itself
// (scripts/localServices.ts: initdb in a temp dir, a free loopback port,
// fsync and synchronous_commit on, removed afterwards). The arena is
// inserted once into a template database through the project's store;
// every run gets its own copy (CREATE DATABASE … TEMPLATE), dropped after.
import postgres from 'postgres';
import { PostgresStore } from '../db/postgres/postgresStore';
import { startPostgres, type LocalPostgres } from '../scripts/localServices';
import { arenaEvent, EVENT_ID } from './arena';

const TEMPLATE_DB = 'seatline_bench_arena';
const NAME = /^[a-z0-9_]+$/;
/** The store's default pool (db/postgres/connection.ts): the loop and the baselines get the same. */
const POOL_SIZE = 10;

export interface PgArena {
  store: PostgresStore;
  eventId: string;
  holdTtlMs: number;
  dispose(): Promise<void>;
}

export interface BenchPostgres {
  /** URL of the server's `postgres` database (children create their run databases through it). */
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Starts a private PostgreSQL with the arena's template database, or says why it cannot. */
export async function startBenchPostgres(): Promise<BenchPostgres | { skipped: string }> {
  let server: LocalPostgres;
  try {
    server = await startPostgres();
  } catch (error) {
    return { skipped: `PostgreSQL could not be started (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  try {
    const url = server.url();
    // pg_stat_statements is loaded for the profiling runs (bench/pgProfile.ts) and idle otherwise (track = none).
    await withAdmin(url, (sql) => sql`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await server.stop();
    await server.start();
    await withAdmin(url, async (sql) => {
      await sql`ALTER SYSTEM SET pg_stat_statements.track = 'none'`;
      await sql`SELECT pg_reload_conf()`;
    });
    const version = await withAdmin(url, async (sql) => {
      await sql.unsafe(`CREATE DATABASE ${TEMPLATE_DB}`);
      const [row] = await sql<{ server_version: string }[]>`SHOW server_version`;
      return row.server_version;
    });
    await withAdmin(databaseUrl(url, TEMPLATE_DB), (sql) => sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
    const store = await PostgresStore.open(databaseUrl(url, TEMPLATE_DB));
    await store.createEvent(arenaEvent());
    await store.close();
    return { url, version, stop: () => server.destroy() };
  } catch (error) {
    await server.destroy();
    throw error;
  }
}

let runs = 0;

/**
 * A fresh copy of the arena database for one run, opened through PostgresStore.
 * `profile`: pg_stat_statements records this database's statements (bench/pgProfile.ts).
 */
export async function createPgArena(serverUrl: string, holdTtlMs: number, options: { profile?: boolean } = {}): Promise<PgArena & { name: string }> {
  const name = `bench_${process.pid}_${++runs}`;
  if (!NAME.test(name)) throw new Error(`bad database name ${name}`);
  await withAdmin(serverUrl, async (sql) => {
    await sql.unsafe(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
    if (options.profile) await sql.unsafe(`ALTER DATABASE ${name} SET pg_stat_statements.track = 'top'`);
  });
  const store = await PostgresStore.open(databaseUrl(serverUrl, name));
  // Open the pool's connections before the clock starts (postgres.js connects lazily).
  await Promise.all(Array.from({ length: POOL_SIZE }, () => store.sql`SELECT pg_sleep(0.02)`));
  return {
    name,
    store,
    eventId: EVENT_ID,
    holdTtlMs,
    async dispose() {
      await store.close();
      await withAdmin(serverUrl, (sql) => sql.unsafe(`DROP DATABASE ${name} WITH (FORCE)`));
    },
  };
}
