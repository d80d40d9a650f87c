// The profiled PostgreSQL runs in docs/benchmarks.md: statement times
// (pg_stat_statements), what the connections were doing (pg_stat_activity
// samples: executing, waiting for the client, for the WAL flush, for a row
// lock) and the server's WAL flushes (pg_stat_wal). Every figure comes from
// the results file.
import type { DesignName } from './baselines';
import type { PgActivity, PgProfile } from './pgProfile';
import type { BenchResults } from './results';
import { table } from './results';
import { fmtInt, fmtMs } from './stats';
import type { WorkloadName } from './workloads';

type Sample = PgActivity['counts'][number];

/** What a sampled connection was doing, in the terms the reading uses. */
export const WAIT_GROUPS = ['executing', 'client', 'wal', 'lock', 'other'] as const;
export type WaitGroup = (typeof WAIT_GROUPS)[number];

export const WAIT_LABELS: Record<WaitGroup, string> = {
  executing: 'executing a statement (on a CPU, or waiting for one)',
  client: 'inside a transaction, waiting for the client (round trips, the client’s own work)',
  wal: 'WAL write and flush at COMMIT (its own, or another COMMIT’s it waits on)',
  lock: 'waiting for a row lock',
  other: 'other waits (data file I/O, internal locks)',
};

function groupOf(c: Sample): WaitGroup | 'idle' {
  if (c.state === 'idle') return 'idle';
  if (c.state.startsWith('idle in transaction') || c.waitEventType === 'Client') return 'client';
  if (c.state !== 'active') return 'other';
  if (!c.waitEventType) return 'executing';
  if (c.waitEventType === 'Lock') return 'lock';
  if ((c.waitEventType === 'IO' && c.waitEvent.startsWith('WAL')) || (c.waitEventType === 'LWLock' && c.waitEvent === 'WALWrite')) return 'wal';
  return 'other';
}

export interface Breakdown {
  /** Mean number of connections inside a transaction or a statement. */
  busyConnections: number;
  /** Share of the busy connections' samples, per group (0–1). */
  shares: Record<WaitGroup, number>;
}

export function breakdown(p: PgProfile): Breakdown | undefined {
  if (!p.activity || p.activity.sweeps === 0) return undefined;
  const counts: Record<WaitGroup, number> = { executing: 0, client: 0, wal: 0, lock: 0, other: 0 };
  for (const c of p.activity.counts) {
    const g = groupOf(c);
    if (g !== 'idle') counts[g] += c.samples;
  }
  const busy = WAIT_GROUPS.reduce((n, g) => n + counts[g], 0);
  if (busy === 0) return undefined;
  const shares = Object.fromEntries(WAIT_GROUPS.map((g) => [g, counts[g] / busy])) as Record<WaitGroup, number>;
  return { busyConnections: busy / p.activity.sweeps, shares };
}

const pct = (x: number) => `${fmtInt(100 * x)} %`;

/** "executing 30 %, waiting for the client 50 %, …" (short labels). */
export function fmtBreakdown(b: Breakdown): string {
  const short: Record<WaitGroup, string> = { executing: 'executing', client: 'waiting for the client', wal: 'WAL flush', lock: 'row-lock waits', other: 'other waits' };
  return WAIT_GROUPS.map((g) => `${short[g]} ${pct(b.shares[g])}`).join(', ');
}

/** Transactions the run committed (the loop's ticks, or the per-request design's transactions). */
export function commitsOf(p: PgProfile): number {
  return p.stats.commits ?? p.stats.transactions ?? NaN;
}

export function walSentence(p: PgProfile): string {
  const w = p.wal;
  if (!w) return '';
  return `The server flushed its WAL ${fmtInt(w.syncs)} times (${fmtInt(w.syncMs)} ms in all, ${fmtMs(w.syncMs / Math.max(1, w.syncs))} ms each) and wrote it ${fmtInt(w.writes)} times (${fmtInt(w.writeMs)} ms) for ${fmtInt(commitsOf(p))} transactions, ${fmtInt(w.bytes / 1024)} KB of WAL (${fmtInt(w.records)} records).`;
}

/** The profiled run of a design (on that workload, if given). */
export function profileOf(r: BenchResults, design: DesignName, workload?: WorkloadName): PgProfile | undefined {
  return r.inprocess?.postgresProfiles?.find((p) => p.design === design && (workload === undefined || p.workload === workload));
}

/** "the largest items: X (n %), Y (m %)" from a profile's statements, named by what they touch. */
export function topStatements(p: PgProfile, count: number): string {
  const name = (q: string) => {
    // A WITH query is named by the table it writes (its CTE's or its main statement's).
    const m = /^WITH /i.test(q) ? /(INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)/i.exec(q) : /^(INSERT INTO|UPDATE|DELETE FROM|SELECT .*? FROM)\s+(\w+)/i.exec(q);
    if (!m) return q.slice(0, 40);
    const verb = m[1].toUpperCase().startsWith('SELECT') ? (/FOR UPDATE/i.test(q) ? 'SELECT … FOR UPDATE on' : 'SELECT from') : m[1].toUpperCase();
    return `${verb} ${m[2]}`;
  };
  const merged = new Map<string, number>();
  for (const st of p.statements) merged.set(name(st.query), (merged.get(name(st.query)) ?? 0) + st.totalMs);
  return [...merged]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([n, ms]) => `${n} ${fmtInt((100 * ms) / p.serverMs)} %`)
    .join(', ');
}

export function profileSection(p: PgProfile): string {
  const commitMs = p.stats.meanCommitMs !== undefined ? p.stats.meanCommitMs * p.stats.commits : NaN;
  const b = breakdown(p);
  const activity = b && p.activity
    ? `\n\nWhat this database's connections were doing, sampled every ${fmtInt(p.activity.everyMs)} ms from \`pg_stat_activity\` (${fmtInt(p.activity.sweeps)} sweeps): on average ${b.busyConnections.toFixed(1)} of the pool's 10 connections were inside a transaction or a statement, and their time went to:\n\n` +
      table(
        ['Connection state (pg_stat_activity)', 'share'],
        WAIT_GROUPS.map((g) => [WAIT_LABELS[g], pct(b.shares[g])]),
      ) +
      `\n\n${walSentence(p)}`
    : '';
  return (
    `### PostgreSQL: where the time goes — ${p.design} · ${p.workload} (one more run, profiled)\n\n` +
    `${fmtInt(p.commands)} commands in ${fmtInt(p.wallMs)} ms (${fmtInt(p.perSec)} commands/s). PostgreSQL spent ${fmtInt(p.serverMs)} ms executing this database's statements (\`pg_stat_statements\`)` +
    (Number.isFinite(commitMs) ? `; the loop waited ${fmtInt(commitMs)} ms for its ${fmtInt(p.stats.commits)} commits (${fmtMs(p.stats.meanCommitMs)} ms each, ${fmtInt(p.stats.meanBatch)} commands per tick).` : '.') +
    " Statement times include row-lock waits inside them, but not the WAL flush of COMMIT (done after the statement), the round trips or the client's own work: the connection samples and WAL figures below cover those.\n\n" +
    table(
      ['Statement (normalized)', 'calls', 'total ms', 'ms per call', 'rows', 'share'],
      p.statements.map((st) => [`\`${st.query.slice(0, 160).replace(/\|/g, '\\|').replace(/`/g, "'")}\``, fmtInt(st.calls), fmtInt(st.totalMs), fmtMs(st.totalMs / Math.max(1, st.calls)), fmtInt(st.rows), `${fmtInt((100 * st.totalMs) / p.serverMs)} %`]),
    ) +
    activity
  );
}

/** The group that took most of the busy connections' time. */
export function dominant(b: Breakdown): WaitGroup {
  return WAIT_GROUPS.reduce((best, g) => (b.shares[g] > b.shares[best] ? g : best), WAIT_GROUPS[0]);
}
