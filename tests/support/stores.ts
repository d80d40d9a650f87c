// Both stores for the suites that must hold on each: SQLite (a temp file or
// memory) and PostgreSQL (a fresh database on the run's server, copied from a
// template). `SEATLINE_TEST_POSTGRES=0` runs the SQLite half alone.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { PostgresStore } from '../../db/postgres/postgresStore';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { Store } from '../../db/store';

export type StoreKind = 'sqlite' | 'postgres';

/** The store this file's servers run on: the `postgres` project (vitest.config.ts) runs some server suites again on PostgreSQL. */
export function defaultStore(): StoreKind {
  return process.env.SEATLINE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

/** The stores the suites run against in this run. */
export function storeKinds(): StoreKind[] {
  return inject('postgresServerUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * A fresh PostgreSQL database and its URL: migrated and empty, with the demo events, or a copy
 * of any other database of the run's server (which must have no open connections).
 */
export async function freshPostgresDatabase(template: 'migrated' | 'demo' | 'demo-free' | (string & {}) = 'migrated'): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = inject('postgresServerUrl');
  if (!serverUrl) throw new Error('no PostgreSQL in this run (SEATLINE_TEST_POSTGRES=0)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const named: Record<string, string> = { migrated: 'seatline_migrated', demo: 'seatline_demo', 'demo-free': 'seatline_demo_free' };
    const source = named[template] ?? template;
    if (!/^[a-z0-9_]+$/.test(source)) throw new Error(`bad template database ${source}`);
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${source}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = `${serverUrl.replace(/\/[^/]*$/, '')}/${name}`;
  return {
    url,
    async drop() {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}

/** An empty store of the given kind; close() also drops a PostgreSQL database. */
export async function openTestStore(kind: StoreKind): Promise<{ store: Store; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const store = SqliteStore.open(':memory:', { synchronous: 'OFF' });
    return { store, close: () => store.close() };
  }
  const database = await freshPostgresDatabase();
  const store = await PostgresStore.open(database.url);
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

/** `count` stores on ONE fresh database (each with its own connection, as separate processes would have). */
export async function openSharedTestStores(kind: StoreKind, count: number): Promise<{ stores: Store[]; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'seatline-shared-'));
    const stores = Array.from({ length: count }, () => SqliteStore.open(join(dir, 'test.db'), { synchronous: 'OFF' }));
    return {
      stores,
      async close() {
        for (const s of stores) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await freshPostgresDatabase();
  const stores: Store[] = [];
  for (let i = 0; i < count; i++) stores.push(await PostgresStore.open(database.url, { max: 3 }));
  return {
    stores,
    async close() {
      for (const s of stores) await s.close();
      await database.drop();
    },
  };
}
