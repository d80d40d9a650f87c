// Where PostgreSQL's time goes: one closed-loop run of a PostgreSQL design
// with pg_stat_statements recording every statement of its database (the
// bench's server loads the extension and leaves it idle for the measured
// runs). Compares the server's own execution time with the time the loop
// waited for its commits, so a slow tick can be split into "PostgreSQL
// executing statements" and everything else (round trips, scheduling).
//   tsx bench/pgProfile.ts '<json spec>'   (child process: result over IPC)
import { pathToFileURL } from 'node:url';
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
}

export async function profilePostgres(spec: PgProfileSpec): Promise<PgProfile> {
  const def = DESIGNS[spec.design];
  if (def.kind !== 'postgres') throw new Error(`${spec.design} is not a PostgreSQL design`);
  const workload = makeWorkload(spec.workload);
  const arena = await createPgArena(spec.postgresUrl, workload.holdTtlMs, { profile: true });
  try {
    const sql = arena.store.sql;
    const design = await def.create({ store: arena.store, eventId: arena.eventId, holdTtlMs: workload.holdTtlMs, ids: counterIds('p_') });
    // After the design has loaded the event: only the run itself is recorded.
    await sql`SELECT pg_stat_statements_reset()`;
    const run = await driveDesign(design, workload, spec).finally(() => design.close());
    const rows = await sql<{ query: string; calls: number; total_exec_time: number; rows: number }[]>`
      SELECT query, calls, total_exec_time, rows FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
      ORDER BY total_exec_time DESC`;
    const statements = rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').trim().slice(0, 600), calls: Number(r.calls), totalMs: Number(r.total_exec_time), rows: Number(r.rows) }));
    return {
      design: spec.design,
      workload: spec.workload,
      commands: run.commands,
      perSec: run.perSec,
      wallMs: run.elapsedMs,
      stats: run.stats,
      serverMs: statements.reduce((n, s) => n + s.totalMs, 0),
      statements: statements.slice(0, 12),
    };
  } finally {
    await arena.dispose();
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
