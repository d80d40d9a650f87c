// The shared store: PostgreSQL, selected by DATABASE_URL=postgres://…. The
// portable reads and writes live in SqlStore; this adds the connection pool,
// the migrations and the pipelined batch writer. synchronous_commit stays
// at the server's default (on): COMMIT returns once the WAL is flushed, so an
// acknowledged hold or order survives a crash of the app or of PostgreSQL.
import { dollarParams } from './placeholders';
import type { BatchWriter, WriterOptions } from '../store';
import { SqlStore, type Statement } from '../sqlStore';
import { createPostgresBatchWriter } from './batchWriter';
import { connectPostgres, migratePostgres, redactedUrl, type PostgresOptions, type Sql } from './connection';

export class PostgresStore extends SqlStore {
  readonly dialect = 'postgres' as const;
  readonly location: string;

  private constructor(readonly sql: Sql, url: string) {
    super();
    this.location = redactedUrl(url);
  }

  /** Connects, applies any pending migrations, and returns the store. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    await migratePostgres(url);
    return new PostgresStore(connectPostgres(url, options), url);
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }

  protected async all<T>(query: string, ...params: unknown[]): Promise<T[]> {
    return [...(await this.sql.unsafe(dollarParams(query), params as never[], { prepare: true }))] as T[];
  }

  protected async atomically(statements: readonly Statement[]): Promise<void> {
    await this.sql.begin((tx) => statements.map(({ sql, params }) => tx.unsafe(dollarParams(sql), params as never[], { prepare: true })));
  }

  protected bool(value: boolean): boolean {
    return value;
  }

  batchWriter(eventId: string, options: WriterOptions = {}): BatchWriter {
    return createPostgresBatchWriter(this.sql, eventId, options);
  }
}
