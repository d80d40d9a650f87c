// Where PostgreSQL's time goes: one closed-loop run of a PostgreSQL design
// with pg_stat_statements recording every statement of its database (the
// bench's server loads the extension and leaves it idle for the measured
// runs). Compares the server's own execution time with the time the loop
// waited for its commits, so a slow tick can be split into "PostgreSQL
// executing statements" and everything else (round trips, scheduling).
// Meanwhile it samples what this database's connections are doing
// (pg_stat_activity: executing, waiting for a lock, for the WAL flush, or for
// the client's next statement) and counts the server's WAL writes and
// flushes with their time (pg_stat_wal, track_wal_io_timing on for this run).
//   tsx bench/pgProfile.ts '<json spec>'   (child process: result over IPC)
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { counterIds } from './arena';
import { DESIGNS, type DesignName } from './baselines';
import { driveDesign, type DriveOptions } from './inprocess';
import { createPgArena } from './pgArena';
import { makeWorkload, type WorkloadName } from './workloads';

export interface PgProfileSpec extends DriveOptions {
  postgresUrl: string;
  design: DesignName;
  workload: WorkloadName;
}

export interface PgStatement {
  /** The normalized statement, whitespace collapsed, cut at 600 characters. */
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
}

export interface PgProfile {
  design: DesignName;
  workload: WorkloadName;
  commands: number;
  perSec: number;
  wallMs: number;
  /** The loop's own figures (empty for the per-request designs). */
  stats: Record<string, number>;
  /** Execution time of every statement PostgreSQL ran for this database, ms. */
  serverMs: number;
  statements: PgStatement[];
  /** What the run database's connections were doing, sampled every `everyMs` (pg_stat_activity; absent in older results). */
  activity?: PgActivity;
  /** The server's WAL activity over the run (pg_stat_wal, reset before it; the WAL writer's flushes included). */
  wal?: PgWal;
}

export interface PgActivity {
  everyMs: number;
  /** How many times all connections were sampled. */
  sweeps: number;
  /** One row per state | wait_event_type | wait_event, most frequent first; `samples` counts connections. */
  counts: { state: string; waitEventType: string; waitEvent: string; samples: number }[];
}

export interface PgWal {
  records: number;
  bytes: number;
  /** WAL writes and flushes (fsync / fdatasync) to disk, and the time spent in them (ms). */
  writes: number;
  syncs: number;
  writeMs: number;
  syncMs: number;
}

const SAMPLE_EVERY_MS = 10;

/** Samples pg_stat_activity of one database on its own connection until stopped. */
function sampleActivity(sql: postgres.Sql, database: string): { stop(): Promise<PgActivity> } {
  const counts = new Map<string, number>();
  let sweeps = 0;
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const rows = await sql<{ state: string | null; wait_event_type: string | null; wait_event: string | null }[]>`
        SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = ${database} AND backend_type = 'client backend'`;
      sweeps++;
      for (const row of rows) {
        const key = [row.state ?? '', row.wait_event_type ?? '', row.wait_event ?? ''].join('|');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await sleep(SAMPLE_EVERY_MS);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await sampling;
      return {
        everyMs: SAMPLE_EVERY_MS,
        sweeps,
        counts: [...counts]
          .map(([key, samples]) => {
            const [state, waitEventType, waitEvent] = key.split('|');
            return { state, waitEventType, waitEvent, samples };
          })
          .sort((a, b) => b.samples - a.samples),
      };
    },
  };
}

async function readWal(sql: postgres.Sql): Promise<PgWal> {
  const [w] = await sql<{ wal_records: string; wal_bytes: string; wal_write: string; wal_sync: string; wal_write_time: number; wal_sync_time: number }[]>`
    SELECT wal_records, wal_bytes, wal_write, wal_sync, wal_write_time, wal_sync_time FROM pg_stat_wal`;
  return { records: Number(w.wal_records), bytes: Number(w.wal_bytes), writes: Number(w.wal_write), syncs: Number(w.wal_sync), writeMs: Number(w.wal_write_time), syncMs: Number(w.wal_sync_time) };
}

export async function profilePostgres(spec: PgProfileSpec): Promise<PgProfile> {
  const def = DESIGNS[spec.design];
  if (def.kind !== 'postgres') throw new Error(`${spec.design} is not a PostgreSQL design`);
  const workload = makeWorkload(spec.workload);
  // The sampler's own connection, to the server's maintenance database (not counted: another datname).
  const admin = postgres(spec.postgresUrl, { max: 1, onnotice: () => {} });
  await admin`ALTER SYSTEM SET track_wal_io_timing = on`;
  await admin`SELECT pg_reload_conf()`;
  const arena = await createPgArena(spec.postgresUrl, workload.holdTtlMs, { profile: true });
  try {
    const sql = arena.store.sql;
    const design = await def.create({ store: arena.store, eventId: arena.eventId, holdTtlMs: workload.holdTtlMs, ids: counterIds('p_') });
    // After the design has loaded the event: only the run itself is recorded.
    await sql`SELECT pg_stat_statements_reset()`;
    await admin`SELECT pg_stat_reset_shared('wal')`;
    const sampler = sampleActivity(admin, arena.name);
    const run = await driveDesign(design, workload, spec).finally(() => design.close());
    const activity = await sampler.stop();
    const rows = await sql<{ query: string; calls: number; total_exec_time: number; rows: number }[]>`
      SELECT query, calls, total_exec_time, rows FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
      ORDER BY total_exec_time DESC`;
    const statements = rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').trim().slice(0, 600), calls: Number(r.calls), totalMs: Number(r.total_exec_time), rows: Number(r.rows) }));
    // A backend reports its WAL figures when idle for a while or when it exits: close the pool first.
    await arena.store.close();
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${arena.name}`;
      if (n === 0) break;
      await sleep(20);
    }
    const wal = await readWal(admin);
    return {
      design: spec.design,
      workload: spec.workload,
      commands: run.commands,
      perSec: run.perSec,
      wallMs: run.elapsedMs,
      stats: run.stats,
      serverMs: statements.reduce((n, s) => n + s.totalMs, 0),
      statements: statements.slice(0, 12),
      activity,
      wal,
    };
  } finally {
    await arena.dispose();
    await admin`ALTER SYSTEM RESET track_wal_io_timing`;
    await admin`SELECT pg_reload_conf()`;
    await admin.end({ timeout: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const spec = JSON.parse(process.argv[2]) as PgProfileSpec;
  profilePostgres(spec).then(
    (result) => {
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else {
        console.log(JSON.stringify(result, null, 1));
        process.exit(0);
      }
    },
    (error: unknown) => {
      process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
