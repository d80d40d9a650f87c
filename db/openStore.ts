// Chooses the store from the configuration: PostgreSQL when a postgres://
// URL is given, else the embedded SQLite file (the default).
import type { Store } from './store';
import { SqliteStore } from './sqlite/sqliteStore';
import type { Synchronous } from './sqlite/connection';

export interface StoreConfig {
  /** postgres://… selects PostgreSQL; unset = SQLite at `databasePath`. */
  databaseUrl?: string;
  databasePath: string;
  synchronous: Synchronous;
  busyTimeoutMs: number;
  /** PostgreSQL: this process's name on its connections (pg_stat_activity.application_name). */
  applicationName?: string;
}

export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl) {
    const { PostgresStore } = await import('./postgres/postgresStore');
    return PostgresStore.open(config.databaseUrl, { applicationName: config.applicationName });
  }
  return SqliteStore.open(config.databasePath, { synchronous: config.synchronous, busyTimeoutMs: config.busyTimeoutMs });
}
