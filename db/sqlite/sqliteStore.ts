// The embedded store: one SQLite file through better-sqlite3. Every call
// runs synchronously inside the method and resolves at once; the batch
// writer commits before its promise settles, so a caller that awaits it has
// the same guarantee as with a network database: durable, then answered.
import type Database from 'better-sqlite3';
import type { BatchWriter, WriterOptions } from '../store';
import { SqlStore, type Statement } from '../sqlStore';
import { createBatchWriter } from './batchWriter';
import { openDatabase, type DatabaseHandle, type OpenOptions } from './connection';

export class SqliteStore extends SqlStore {
  readonly dialect = 'sqlite' as const;
  readonly location: string;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly handle: DatabaseHandle) {
    super();
    this.location = handle.path;
  }

  static open(path: string, options: OpenOptions = {}): SqliteStore {
    return new SqliteStore(openDatabase(path, options));
  }

  async close(): Promise<void> {
    this.handle.close();
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.handle.sqlite.prepare(sql)));
    return statement;
  }

  protected async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    const statement = this.prepared(sql);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  }

  protected async atomically(statements: readonly Statement[]): Promise<void> {
    this.handle.sqlite.transaction(() => {
      for (const { sql, params } of statements) this.prepared(sql).run(...params);
    })();
  }

  protected bool(value: boolean): number {
    return value ? 1 : 0;
  }

  batchWriter(eventId: string, options: WriterOptions = {}): BatchWriter {
    const writer = createBatchWriter(this.handle.sqlite, { epoch: options.epoch, beforeCommit: options.beforeCommit });
    return {
      write: async (batch) => writer.write(eventId, batch.effects, batch.version, batch.currency),
    };
  }
}
