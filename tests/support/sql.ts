// Plain SQL on a running server's database, whichever store it uses: tests
// read tables directly (and try to break the schema's guarantees) with this.
// Write `?` placeholders; PostgreSQL gets them as $1, $2, …
import type { Store } from '../../db/store';
import { SqliteStore } from '../../db/sqlite/sqliteStore';

export interface SqlRunner {
  all<T = any>(query: string, ...params: unknown[]): Promise<T[]>;
  get<T = any>(query: string, ...params: unknown[]): Promise<T | undefined>;
  run(query: string, ...params: unknown[]): Promise<void>;
}

export { dollarParams } from '../../db/postgres/placeholders';
import { dollarParams } from '../../db/postgres/placeholders';

export function sqlOf(store: Store): SqlRunner {
  if (store instanceof SqliteStore) {
    const db = store.handle.sqlite;
    return {
      all: async (query, ...params) => db.prepare(query).all(...params) as never[],
      get: async (query, ...params) => db.prepare(query).get(...params) as never,
      run: async (query, ...params) => void db.prepare(query).run(...params),
    };
  }
  const pg = (store as unknown as { sql: { unsafe(q: string, p: unknown[]): Promise<unknown[]> } }).sql;
  const all = async (query: string, ...params: unknown[]) => [...(await pg.unsafe(dollarParams(query), params))] as never[];
  return {
    all,
    get: async (query, ...params) => (await all(query, ...params))[0],
    run: async (query, ...params) => void (await all(query, ...params)),
  };
}
