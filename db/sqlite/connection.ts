// Opens the embedded SQLite database (WAL), applies migrations, returns both
// the raw better-sqlite3 handle (hot path: prepared statements) and drizzle.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Synchronous = 'OFF' | 'NORMAL' | 'FULL';

export interface DatabaseHandle {
  sqlite: Database.Database;
  db: BetterSQLite3Database<typeof schema>;
  path: string;
  close(): void;
}

export interface OpenOptions {
  /** FULL (default) fsyncs every commit: an acked order survives power loss, not just kill -9. */
  synchronous?: Synchronous;
  busyTimeoutMs?: number;
}

const migrationsFolder = fileURLToPath(new URL('../migrations/sqlite', import.meta.url));

export function openDatabase(path: string, options: OpenOptions = {}): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 250}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return {
    sqlite,
    db,
    path,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
