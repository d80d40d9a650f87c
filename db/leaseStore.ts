// Fenced ownership of events (issue 11): which processes are alive, and which
// one runs each event's loop. Portable SQL, the same text on SQLite and
// PostgreSQL, except for one expression: the DATABASE's clock. Every time a
// lease or an instance is judged by is read from the database in the very
// statement that judges it, so two processes whose clocks disagree can never
// both believe a lease is theirs. Every grant of a lease is ONE conditional
// statement (an upsert whose update only happens while the lease is free,
// expired, released, or already the caller's), so two contenders cannot both
// win; the history of grants is written by triggers on the same row.
//
// The fencing token is `epoch`: it grows by one with every grant and never
// with a renewal. Batch writers opened with an epoch check it as the first
// statement of every transaction (db/sqlite/batchWriter.ts,
// db/postgres/batchWriter.ts), so a process that lost its lease can never
// commit again. docs/scaling.md has the whole argument.
import type { SqlRunner, StoreDialect } from './sqlRunner';

/** A process that heartbeats, as the database last saw it. */
export interface LiveInstance {
  instanceId: string;
  /** The database's clock when it first heartbeat (epoch ms). */
  startedAt: number;
  heartbeatAt: number;
  /** How long it stays live without another heartbeat, by the database's clock. */
  expiresInMs: number;
  meta: Record<string, unknown>;
}

export interface LeaseRecord {
  eventId: string;
  ownerId: string;
  /** The fencing token: grows with every grant. */
  epoch: number;
  acquiredAt: number;
  renewedAt: number;
  expiresAt: number;
  /** When its owner handed it off (null while held, or after an expiry without a release). */
  releasedAt: number | null;
  /**
   * expires_at minus the database's clock when read: > 0 it is held; ≤ 0 anyone may acquire it.
   * A duration, not a time, so it can be compared with a process's own monotonic clock.
   */
  expiresInMs: number;
}

export type AcquireResult =
  | { acquired: true; lease: LeaseRecord }
  /** `holder` is who had it when looked at right after (null: the event does not exist, or it is free again). */
  | { acquired: false; holder: LeaseRecord | null };

export type RenewResult = 'ok' | 'lost';

export type LeaseHistoryReason = 'acquired' | 'takeover' | 'handoff' | 'reacquired' | 'released';

export interface LeaseHistoryEntry {
  eventId: string;
  epoch: number;
  ownerId: string;
  at: number;
  reason: LeaseHistoryReason;
}

export interface HeldLease {
  eventId: string;
  epoch: number;
}

export interface LeaseStore {
  /** Records that `instanceId` is alive for `ttlMs` more (database time); the live instances after it. */
  heartbeat(instanceId: string, ttlMs: number, meta?: Record<string, unknown>): Promise<LiveInstance[]>;
  /** The instances whose last heartbeat has not expired, by id. */
  liveInstances(): Promise<LiveInstance[]>;
  /**
   * The live instances and those dead for at most `withinMs` (the console's view of failovers),
   * by id; a dead one has `expiresInMs` ≤ 0. Rows dead for an hour are purged by heartbeats.
   */
  recentInstances(withinMs: number): Promise<LiveInstance[]>;
  /** A graceful exit: the instance is no longer live (its leases are released one by one, or expire). */
  leave(instanceId: string): Promise<void>;
  /**
   * Grants the event's lease to `instanceId` for `ttlMs` if it is free, expired, released, or already
   * its own, with a new epoch (every grant bumps it: a new tenure never reuses an old token).
   * Refused while another owner's lease is live, and for an event that does not exist.
   */
  acquire(eventId: string, instanceId: string, ttlMs: number): Promise<AcquireResult>;
  /**
   * Extends the lease by `ttlMs` from now while it is still this owner's with this epoch and not
   * released. It may succeed after the lease expired if nobody acquired it meanwhile (then nobody
   * else can have written either); after a takeover the epoch differs and it is `lost` for good.
   */
  renew(eventId: string, instanceId: string, epoch: number, ttlMs: number): Promise<RenewResult>;
  /** renew() for many leases of one owner in one statement per few hundred; the event ids renewed. */
  renewMany(instanceId: string, leases: readonly HeldLease[], ttlMs: number): Promise<string[]>;
  /** A graceful handoff: the lease expires now and keeps its epoch (its next grant bumps it). False if it was not ours any more. */
  release(eventId: string, instanceId: string, epoch: number): Promise<boolean>;
  /** The event's lease as the store has it now (null: never granted). */
  lease(eventId: string): Promise<LeaseRecord | null>;
  leasesOf(instanceId: string): Promise<LeaseRecord[]>;
  allLeases(): Promise<LeaseRecord[]>;
  /** An event's grants and releases, newest first. */
  history(eventId: string, limit: number): Promise<LeaseHistoryEntry[]>;
  /** The latest grants and releases of every event, newest first. */
  recentHistory(limit: number): Promise<LeaseHistoryEntry[]>;
  /** The database's clock (epoch ms), the only clock leases are judged by. */
  databaseTimeMs(): Promise<number>;
  /** Every event there is to own (ids only: cheap enough to read every few hundred ms). */
  eventIds(): Promise<string[]>;
}

/** The database's clock in epoch ms, one value per statement. */
const NOW_MS: Record<StoreDialect, string> = {
  // 'now' is fixed for the whole of one sqlite3_step().
  sqlite: `CAST(unixepoch('subsec') * 1000 AS INTEGER)`,
  // statement_timestamp(): one value per statement (clock_timestamp() would differ between the
  // WHERE and the SET of one statement). It is when the statement arrived, so a statement that
  // waited for a row lock judges with a slightly earlier time: a lease then looks less expired
  // and a new expiry is slightly sooner, both on the safe side.
  postgres: `(extract(epoch FROM statement_timestamp()) * 1000)::bigint`,
};

/** Dead instances stay visible (for the console) this long after their last heartbeat. */
const INSTANCE_RETENTION_MS = 3_600_000;
const RENEW_CHUNK = 400;

interface LeaseRow {
  event_id: string;
  owner_id: string;
  epoch: number;
  acquired_at: number;
  renewed_at: number;
  expires_at: number;
  released_at: number | null;
  expires_in_ms: number;
}

interface InstanceRow {
  instance_id: string;
  started_at: number;
  heartbeat_at: number;
  expires_in_ms: number;
  meta_json: string;
}

const leaseOf = (r: LeaseRow): LeaseRecord => ({
  eventId: r.event_id,
  ownerId: r.owner_id,
  epoch: Number(r.epoch),
  acquiredAt: Number(r.acquired_at),
  renewedAt: Number(r.renewed_at),
  expiresAt: Number(r.expires_at),
  releasedAt: r.released_at === null ? null : Number(r.released_at),
  expiresInMs: Number(r.expires_in_ms),
});

function metaOf(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const instanceOf = (r: InstanceRow): LiveInstance => ({
  instanceId: r.instance_id,
  startedAt: Number(r.started_at),
  heartbeatAt: Number(r.heartbeat_at),
  expiresInMs: Number(r.expires_in_ms),
  meta: metaOf(r.meta_json),
});

interface HistoryRow {
  event_id: string;
  epoch: number;
  owner_id: string;
  at: number;
  reason: LeaseHistoryReason;
}

const historyOf = (r: HistoryRow): LeaseHistoryEntry => ({ eventId: r.event_id, epoch: Number(r.epoch), ownerId: r.owner_id, at: Number(r.at), reason: r.reason });

const LEASE_COLUMNS = 'event_id, owner_id, epoch, acquired_at, renewed_at, expires_at, released_at';

export class SqlLeaseStore implements LeaseStore {
  private readonly sql: {
    heartbeat: string;
    endStale: string | null;
    purge: string;
    live: string;
    recent: string;
    leave: string;
    acquire: string;
    lease: string;
    renew: string;
    release: string;
    leasesOf: string;
    all: string;
    now: string;
  };

  /**
   * `acquireDb` runs the acquisitions (PostgreSQL: connections with a lock timeout, see acquire());
   * renewals, heartbeats and reads use `db`, where a renewal may wait for its own event's batch.
   */
  constructor(
    private readonly db: SqlRunner,
    dialect: StoreDialect,
    private readonly acquireDb: SqlRunner = db,
  ) {
    const now = NOW_MS[dialect];
    const withRemaining = `${LEASE_COLUMNS}, expires_at - ${now} AS expires_in_ms`;
    this.sql = {
      heartbeat: `INSERT INTO instances (instance_id, started_at, heartbeat_at, expires_at, meta_json)
                  VALUES (?, ${now}, ${now}, ${now} + CAST(? AS BIGINT), ?)
                  ON CONFLICT (instance_id) DO UPDATE SET
                    heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at, meta_json = excluded.meta_json`,
      purge: `DELETE FROM instances WHERE expires_at < ${now} - CAST(? AS BIGINT)`,
      live: `SELECT instance_id, started_at, heartbeat_at, meta_json, expires_at - ${now} AS expires_in_ms
             FROM instances WHERE expires_at > ${now} ORDER BY instance_id`,
      recent: `SELECT instance_id, started_at, heartbeat_at, meta_json, expires_at - ${now} AS expires_in_ms
               FROM instances WHERE expires_at > ${now} - CAST(? AS BIGINT) ORDER BY instance_id`,
      leave: `DELETE FROM instances WHERE instance_id = ?`,
      // The SELECT proposes a first grant (epoch one past any the event ever had, even if its lease
      // row was deleted); an existing row is only taken over while free, expired, released or ours.
      // `excluded.acquired_at` carries the statement's one reading of the clock into the update.
      acquire: `INSERT INTO event_leases (event_id, owner_id, epoch, acquired_at, renewed_at, expires_at, released_at)
                SELECT e.id, ?, COALESCE((SELECT max(h.epoch) FROM lease_history h WHERE h.event_id = e.id), 0) + 1,
                       n.now, n.now, n.now + CAST(? AS BIGINT), NULL
                FROM events e, (SELECT ${now} AS now) n
                WHERE e.id = ?
                ON CONFLICT (event_id) DO UPDATE SET
                  owner_id = excluded.owner_id, epoch = event_leases.epoch + 1, acquired_at = excluded.acquired_at,
                  renewed_at = excluded.acquired_at, expires_at = excluded.expires_at, released_at = NULL
                WHERE event_leases.expires_at <= excluded.acquired_at OR event_leases.owner_id = excluded.owner_id
                RETURNING ${LEASE_COLUMNS}, expires_at - acquired_at AS expires_in_ms`,
      lease: `SELECT ${withRemaining} FROM event_leases WHERE event_id = ?`,
      renew: `UPDATE event_leases SET renewed_at = ${now}, expires_at = ${now} + CAST(? AS BIGINT)
              WHERE event_id = ? AND owner_id = ? AND epoch = ? AND released_at IS NULL RETURNING event_id`,
      release: `UPDATE event_leases SET released_at = ${now}, expires_at = ${now}
                WHERE event_id = ? AND owner_id = ? AND epoch = ? AND released_at IS NULL RETURNING event_id`,
      leasesOf: `SELECT ${withRemaining} FROM event_leases WHERE owner_id = ? ORDER BY event_id`,
      all: `SELECT ${withRemaining} FROM event_leases ORDER BY event_id`,
      now: `SELECT ${now} AS now`,
      // PostgreSQL only: the open transactions of an expired lease's owner that began before it
      // expired (its connections carry its name: db/openStore.ts), ended.
      endStale:
        dialect === 'postgres'
          ? `SELECT count(pg_terminate_backend(a.pid))::int AS ended
             FROM event_leases l JOIN pg_stat_activity a ON a.application_name = 'seatline:' || l.owner_id
             WHERE l.event_id = ? AND l.expires_at <= ${now} AND a.datname = current_database() AND a.pid <> pg_backend_pid()
               AND a.xact_start IS NOT NULL AND a.xact_start < to_timestamp(l.expires_at / 1000.0)`
          : null,
    };
    this.renewManySql = (count) =>
      `UPDATE event_leases SET renewed_at = ${now}, expires_at = ${now} + CAST(? AS BIGINT)
       WHERE owner_id = ? AND released_at IS NULL
         AND (event_id, epoch) IN (VALUES ${new Array(count).fill('(CAST(? AS TEXT), CAST(? AS BIGINT))').join(', ')})
       RETURNING event_id`;
  }

  private readonly renewManySql: (count: number) => string;

  async heartbeat(instanceId: string, ttlMs: number, meta: Record<string, unknown> = {}): Promise<LiveInstance[]> {
    await this.db.all(this.sql.heartbeat, instanceId, positiveMs(ttlMs), JSON.stringify(meta));
    await this.db.all(this.sql.purge, INSTANCE_RETENTION_MS);
    return this.liveInstances();
  }

  async liveInstances(): Promise<LiveInstance[]> {
    return (await this.db.all<InstanceRow>(this.sql.live)).map(instanceOf);
  }

  async recentInstances(withinMs: number): Promise<LiveInstance[]> {
    return (await this.db.all<InstanceRow>(this.sql.recent, wholeMs(withinMs))).map(instanceOf);
  }

  async leave(instanceId: string): Promise<void> {
    await this.db.all(this.sql.leave, instanceId);
  }

  async acquire(eventId: string, instanceId: string, ttlMs: number): Promise<AcquireResult> {
    let granted: LeaseRow | undefined;
    try {
      [granted] = await this.acquireDb.all<LeaseRow>(this.sql.acquire, instanceId, positiveMs(ttlMs), eventId);
    } catch (error) {
      // The lease row is locked: a batch transaction of its owner holds the fence's FOR SHARE. A
      // live owner's lock lasts milliseconds; one held past the lease's expiry belongs to a frozen
      // process (SIGSTOP, a long pause, a half-sent pipeline that no server timeout ends), and
      // would block every takeover until it woke. Ending that transaction is safe: it has not
      // committed, so it rolls back, and its owner no longer holds the lease. The next attempt wins.
      if (!isLockTimeout(error) || !this.sql.endStale) throw error;
      const [row] = await this.acquireDb.all<{ ended: number }>(this.sql.endStale, eventId);
      throw new Error(`the lease of ${eventId} is locked by its expired owner's transaction; ended ${row?.ended ?? 0} stale transaction(s)`, { cause: error });
    }
    if (granted) return { acquired: true, lease: leaseOf(granted) };
    const [holder] = await this.db.all<LeaseRow>(this.sql.lease, eventId);
    return { acquired: false, holder: holder ? leaseOf(holder) : null };
  }

  async renew(eventId: string, instanceId: string, epoch: number, ttlMs: number): Promise<RenewResult> {
    const rows = await this.db.all(this.sql.renew, positiveMs(ttlMs), eventId, instanceId, epoch);
    return rows.length === 1 ? 'ok' : 'lost';
  }

  async renewMany(instanceId: string, leases: readonly HeldLease[], ttlMs: number): Promise<string[]> {
    const renewed: string[] = [];
    for (let i = 0; i < leases.length; i += RENEW_CHUNK) {
      const chunk = leases.slice(i, i + RENEW_CHUNK);
      const pairs = chunk.flatMap((l) => [l.eventId, l.epoch]);
      const rows = await this.db.all<{ event_id: string }>(this.renewManySql(chunk.length), positiveMs(ttlMs), instanceId, ...pairs);
      for (const row of rows) renewed.push(row.event_id);
    }
    return renewed;
  }

  async release(eventId: string, instanceId: string, epoch: number): Promise<boolean> {
    return (await this.db.all(this.sql.release, eventId, instanceId, epoch)).length === 1;
  }

  async lease(eventId: string): Promise<LeaseRecord | null> {
    const [row] = await this.db.all<LeaseRow>(this.sql.lease, eventId);
    return row ? leaseOf(row) : null;
  }

  async leasesOf(instanceId: string): Promise<LeaseRecord[]> {
    return (await this.db.all<LeaseRow>(this.sql.leasesOf, instanceId)).map(leaseOf);
  }

  async allLeases(): Promise<LeaseRecord[]> {
    return (await this.db.all<LeaseRow>(this.sql.all)).map(leaseOf);
  }

  async history(eventId: string, limit: number): Promise<LeaseHistoryEntry[]> {
    const rows = await this.db.all<HistoryRow>(
      'SELECT event_id, epoch, owner_id, at, reason FROM lease_history WHERE event_id = ? ORDER BY id DESC LIMIT ?',
      eventId,
      Math.max(0, Math.floor(limit)),
    );
    return rows.map(historyOf);
  }

  async recentHistory(limit: number): Promise<LeaseHistoryEntry[]> {
    // The primary key is the order of insertion (the triggers' order), so this reads the index backwards.
    const rows = await this.db.all<HistoryRow>('SELECT event_id, epoch, owner_id, at, reason FROM lease_history ORDER BY id DESC LIMIT ?', Math.max(0, Math.floor(limit)));
    return rows.map(historyOf);
  }

  async eventIds(): Promise<string[]> {
    return (await this.db.all<{ id: string }>('SELECT id FROM events ORDER BY id')).map((r) => r.id);
  }

  async databaseTimeMs(): Promise<number> {
    const [row] = await this.db.all<{ now: number }>(this.sql.now);
    return Number(row.now);
  }
}

function wholeMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`a time window must be a whole number of ms ≥ 0, not ${ms}`);
  return ms;
}

function positiveMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`a lease or heartbeat TTL must be a positive whole number of ms, not ${ms}`);
  return ms;
}

/** PostgreSQL's lock_not_available (lock_timeout elapsed). */
function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}
