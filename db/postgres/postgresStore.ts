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

const LEASE_LOCK_TIMEOUT_MS = 1_000;

export class PostgresStore extends SqlStore {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  private leasePools: { renew: Sql; acquire: Sql } | null = null;

  private constructor(
    readonly sql: Sql,
    private readonly url: string,
    private readonly options: PostgresOptions,
  ) {
    super();
    this.location = redactedUrl(url);
  }

  /** Connects, applies any pending migrations, and returns the store. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    await migratePostgres(url);
    return new PostgresStore(connectPostgres(url, options), url, options);
  }

  /**
   * Leases and heartbeats run on small pools of their own: ownership must not wait behind the loops'
   * commits for a connection. Acquisitions also have a lock timeout, so they never pile up behind the
   * lock a frozen owner's transaction holds (see SqlLeaseStore.acquire); renewals have none, since
   * the only lock they meet is their own event's batch, which may take long on an overloaded host.
   */
  protected leaseRunner(use: 'renew' | 'acquire') {
    const pools = (this.leasePools ??= {
      renew: connectPostgres(this.url, { max: 2, applicationName: this.options.applicationName }),
      acquire: connectPostgres(this.url, { max: 2, applicationName: this.options.applicationName, lockTimeoutMs: LEASE_LOCK_TIMEOUT_MS }),
    });
    const pool = pools[use];
    return {
      all: async <T>(query: string, ...params: unknown[]) => [...(await pool.unsafe(dollarParams(query), params as never[], { prepare: true }))] as T[],
      atomically: async (statements: readonly Statement[]) => {
        await pool.begin((tx) => statements.map(({ sql, params }) => tx.unsafe(dollarParams(sql), params as never[], { prepare: true })));
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.sql.end({ timeout: 5 }), this.leasePools?.renew.end({ timeout: 5 }), this.leasePools?.acquire.end({ timeout: 5 })]);
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
