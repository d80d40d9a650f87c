// A database for a server under test, of either kind, and plain SQL on it
// from outside the server (reading what a crashed server left, or trying to
// break a guarantee directly). SQLite: a file in `dir` (or a copy of the
// seeded demo database); PostgreSQL: a fresh database on the run's server.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { dollarParams } from '../../db/postgres/placeholders';
import type { SqlRunner } from './sql';
import { freshPostgresDatabase, type StoreKind } from './stores';

export interface TestDatabase {
  kind: StoreKind;
  /** What points a server at it: DATABASE_PATH or DATABASE_URL. */
  env: Record<string, string>;
  sql: SqlRunner;
  /** Runs reads inside one consistent snapshot (a read transaction), whatever writes meanwhile. */
  snapshot<T>(read: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /** Closes the connection and drops a PostgreSQL database (the caller removes `dir`). */
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Start with the demo events (seeded with MAX_SEATS_PER_BUYER 8). */
  seeded: boolean;
  /** SQLite: the directory for the file. */
  dir: string;
  name?: string;
  /** false: the demo events start with the no-orphan rule off (for workloads that name seats at random). */
  preventOrphanSeats?: boolean;
}

export async function testDatabase(kind: StoreKind, options: TestDatabaseOptions): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const { seededDatabaseCopy } = await import('../server/helpers');
    const name = options.name ?? 'test.db';
    const path = options.seeded ? await seededDatabaseCopy(options.dir, '8', name, { preventOrphanSeats: options.preventOrphanSeats }) : join(options.dir, name);
    let db: Database.Database | null = null;
    const open = () => {
      db ??= new Database(path, { fileMustExist: true, timeout: 5000 });
      return db;
    };
    const sql: SqlRunner = {
      all: async (query, ...params) => open().prepare(query).all(...params) as never[],
      get: async (query, ...params) => open().prepare(query).get(...params) as never,
      run: async (query, ...params) => void open().prepare(query).run(...params),
    };
    return {
      kind,
      env: { DATABASE_PATH: path },
      sql,
      async snapshot(read) {
        // A connection of its own: nothing else of this process can interleave with the transaction.
        const reader = new Database(path, { readonly: true, fileMustExist: true });
        try {
          reader.exec('BEGIN');
          return await read({
            all: async (query, ...params) => reader.prepare(query).all(...params) as never[],
            get: async (query, ...params) => reader.prepare(query).get(...params) as never,
            run: async () => {
              throw new Error('a snapshot is read-only');
            },
          });
        } finally {
          reader.close();
        }
      },
      async close() {
        db?.close();
      },
    };
  }
  const database = await freshPostgresDatabase(options.seeded ? (options.preventOrphanSeats === false ? 'demo-free' : 'demo') : 'migrated');
  const pg = postgres(database.url, {
    max: 2,
    onnotice: () => {},
    types: { bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  });
  const runnerOf = (client: { unsafe(q: string, p: never[]): Promise<unknown> }): SqlRunner => {
    const all = async (query: string, ...params: unknown[]) => [...((await client.unsafe(dollarParams(query), params as never[])) as unknown[])] as never[];
    return { all, get: async (q, ...p) => (await all(q, ...p))[0], run: async (q, ...p) => void (await all(q, ...p)) };
  };
  return {
    kind,
    env: { DATABASE_URL: database.url },
    sql: runnerOf(pg),
    snapshot: (read) => pg.begin('isolation level repeatable read read only', (tx) => read(runnerOf(tx))) as never,
    async close() {
      await pg.end({ timeout: 5 });
      await database.drop();
    },
  };
}
