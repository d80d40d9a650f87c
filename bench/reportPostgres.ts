// The PostgreSQL part of docs/benchmarks.md (issue 10): the reservation loop
// on PostgreSQL against transaction per request with row locks, same
// workloads, same run, same durability. Every figure comes from the results.
import { DESIGNS, type DesignName } from './baselines';
import type { InProcessResult, RunCounts } from './inprocess';
import type { BenchResults } from './results';
import type { PgProfile } from './pgProfile';
import { breakdown, dominant, fmtBreakdown, profileOf, profileSection, topStatements, walSentence, type WaitGroup } from './reportPgProfile';
import { fmtRatio, inproc, loadSpread, ratio, table } from './results';
import { fmtInt, fmtMs, fmtRange, summarize } from './stats';
import { WORKLOADS, type WorkloadName } from './workloads';

const PG_DESIGNS = (Object.keys(DESIGNS) as DesignName[]).filter((d) => DESIGNS[d].kind === 'postgres');

/** The run in the middle by throughput (its latency and tick figures are the ones shown). */
function medianRun(x: InProcessResult | undefined): RunCounts | undefined {
  return x?.runs.slice().sort((a, b) => a.perSec - b.perSec)[x.runs.length >> 1];
}

function openLoop(r: BenchResults, design: DesignName, workload: WorkloadName): InProcessResult | undefined {
  return r.inprocess?.openLoop?.find((x) => x.design === design && x.workload === workload);
}

/** Median over the open-loop runs of one latency percentile (as the open-loop table shows it); NaN when not run. */
function openLatency(r: BenchResults, design: DesignName, workload: WorkloadName, q: 'p50' | 'p99'): number {
  const x = openLoop(r, design, workload);
  return x ? summarize(x.runs.map((y) => y.latencyMs?.[q] ?? NaN)).median : NaN;
}

const ranOnPostgres = (r: BenchResults) => PG_DESIGNS.some((d) => r.inprocess?.results.some((x) => x.design === d));

export function postgresSections(r: BenchResults): string[] {
  const ip = r.inprocess;
  if (!ip) return [];
  const skipped = PG_DESIGNS.map((d) => ip.skipped[d]).find(Boolean);
  if (!ranOnPostgres(r)) return skipped ? [`### PostgreSQL\n\nSkipped: ${skipped}.`] : [];
  const designs = PG_DESIGNS.filter((d) => ip.results.some((x) => x.design === d));
  const workloads = WORKLOADS.filter((w) => ip.results.some((x) => x.workload === w && designs.includes(x.design)));
  const parts: string[] = [];
  parts.push(
    `### PostgreSQL: throughput (commands/s, median of ${ip.runs} runs, min–max; ${fmtInt(ip.clients)} buyers, closed loop)\n\n` +
      table(
        ['Design', ...workloads],
        [
          ...designs.map((d) => [DESIGNS[d].label, ...workloads.map((w) => { const x = inproc(r, d, w); return x ? fmtRange(x.perSec) : '—'; })]),
          ['for comparison: reservation loop on SQLite, synchronous=FULL', ...workloads.map((w) => { const x = inproc(r, 'loop-full', w); return x ? fmtRange(x.perSec) : '—'; })],
        ],
      ) +
      loadSpread(ip.results.filter((x) => designs.includes(x.design) || x.design === 'loop-full')),
  );
  parts.push(
    '### PostgreSQL: ratios (same run, same durability)\n\n' +
      table(
        ['Ratio', ...workloads],
        [
          ...designs.filter((d) => d !== 'pg-loop').map((d) => [`pg-loop ÷ ${d}`, ...workloads.map((w) => fmtRatio(ratio(r, 'pg-loop', d, w)))]),
          ['loop-full (SQLite) ÷ pg-loop', ...workloads.map((w) => fmtRatio(ratio(r, 'loop-full', 'pg-loop', w)))],
        ],
      ),
  );
  parts.push(
    '### PostgreSQL: latency in the closed loop, and per tick (median run)\n\n' +
      `Submit → reply of every command with ${fmtInt(ip.clients)} buyers each keeping one command in flight: mostly waiting in line (Little's law: buyers ÷ throughput), shown for completeness; the open-loop table below is the one to read for latency.\n\n` +
      table(
        ['Design · workload', 'commands/s', 'p50 ms', 'p99 ms', 'max ms', 'mean batch', 'commit mean ms', 'commit p99 ms', 'transactions', 'deadlocks'],
        designs.flatMap((d) =>
          workloads.map((w) => {
            const run = medianRun(inproc(r, d, w));
            const st = run?.stats ?? {};
            const l = run?.latencyMs;
            return [
              `${d} · ${w}`,
              fmtInt(run?.perSec ?? NaN),
              fmtMs(l?.p50 ?? NaN),
              fmtMs(l?.p99 ?? NaN),
              fmtMs(l?.max ?? NaN),
              st.meanBatch !== undefined ? fmtInt(st.meanBatch) : '—',
              st.meanCommitMs !== undefined ? fmtMs(st.meanCommitMs) : '—',
              st.p99CommitMs !== undefined ? fmtMs(st.p99CommitMs) : '—',
              st.transactions !== undefined ? fmtInt(st.transactions) : st.commits !== undefined ? fmtInt(st.commits) : '—',
              st.deadlocks !== undefined ? fmtInt(st.deadlocks) : '—',
            ];
          }),
        ),
      ),
  );
  if (ip.openLoop?.length) {
    parts.push(
      '### PostgreSQL: latency at a rate every design sustains (open loop)\n\n' +
        'Buyers arrive at a fixed rate — half the closed-loop hold rate of the slowest PostgreSQL design on that workload — whatever is still in flight; each holds, then releases, confirms or walks away as in the closed loop. Latency is submit → reply of every command (median run, with the range over runs for p50 and p99).\n\n' +
        table(
          ['Design · workload', 'buyers/s offered', 'commands/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
          designs.flatMap((d) =>
            workloads.flatMap((w) => {
              const x = openLoop(r, d, w);
              if (!x) return [];
              const run = medianRun(x);
              const pick = (f: (l: NonNullable<RunCounts['latencyMs']>) => number) => summarize(x.runs.map((y) => (y.latencyMs ? f(y.latencyMs) : NaN)));
              return [
                [
                  `${d} · ${w}`,
                  fmtInt(run?.offeredHoldsPerSec ?? NaN),
                  fmtInt(run?.perSec ?? NaN),
                  fmtRange(pick((l) => l.p50), fmtMs),
                  fmtMs(run?.latencyMs?.p95 ?? NaN),
                  fmtRange(pick((l) => l.p99), fmtMs),
                  fmtMs(run?.latencyMs?.max ?? NaN),
                ],
              ];
            }),
          ),
        ),
    );
  }
  for (const p of ip.postgresProfiles ?? []) parts.push(profileSection(p));
  return parts;
}

export function postgresDesignsText(r: BenchResults): string {
  if (!ranOnPostgres(r) && !PG_DESIGNS.some((d) => r.inprocess?.skipped[d])) return '';
  return `

PostgreSQL (issue 10): a private PostgreSQL ${r.machine.postgres ?? ''} that the bench starts itself (\`startPostgres()\` of scripts/localServices.ts: \`initdb\` in a temporary directory, a free loopback port, \`fsync\` and \`synchronous_commit\` on — the server's defaults and the product's durability, comparable to SQLite's FULL — removed afterwards). The arena is inserted once into a template database through the project's store; every run gets its own copy (\`CREATE DATABASE … TEMPLATE\`) and the store's pool of 10 connections, opened before the clock starts.

- **Reservation loop on PostgreSQL** — the same loop and design code as on SQLite, through \`PostgresStore\`: one writer per event, one transaction per tick written with a few set-based statements pipelined on one connection (\`db/postgres/batchWriter.ts\`), the next batch applied in memory while the previous commit is in flight, replies after commit.
- **Transaction per request, \`SELECT … FOR UPDATE\`** — the design usually built on PostgreSQL: each request is its own transaction that locks the seat rows it touches (sorted, so requests cannot deadlock on seats), reads their holds and tickets, checks, writes the same rows the loop writes (holds, held seats, orders, tickets, the outbox email, the audit rows with their seat chains; \`bench/baselines/pgWrites.ts\`) and commits — one WAL flush per writing request; up to 10 run at once on the pool. A confirm or release locks the hold's seats, then the hold. Expired holds are ended by the request that meets them and by a 100 ms sweeper (\`FOR UPDATE SKIP LOCKED\`). It does not bump \`events.version\`: that is the loop's replication counter, and one row updated by every request would serialize all of them on its lock.
- **Per-seat locks on PostgreSQL** — seat state in memory behind async per-seat mutexes (as on SQLite), each request's writes in its own PostgreSQL transaction; requests on different seats commit in parallel.`;
}

export function postgresReading(r: BenchResults): string {
  if (!ranOnPostgres(r)) return '';
  const med = (d: DesignName, w: WorkloadName) => inproc(r, d, w)?.perSec.median ?? NaN;
  const loopRun = medianRun(inproc(r, 'pg-loop', 'uniform'));
  const txnRun = medianRun(inproc(r, 'pg-txn', 'hot'));
  const failedShare = txnRun ? txnRun.holdsFailed / Math.max(1, txnRun.holdsOk + txnRun.holdsFailed) : NaN;
  const loopProfile = profileOf(r, 'pg-loop');
  const txnProfile = profileOf(r, 'pg-txn');
  const lines = WORKLOADS.filter((w) => openLoop(r, 'pg-loop', w) && openLoop(r, 'pg-txn', w)).map((w) => {
    const offered = medianRun(openLoop(r, 'pg-loop', w))?.offeredHoldsPerSec ?? NaN;
    const p = (d: DesignName, q: 'p50' | 'p99') => fmtMs(openLatency(r, d, w, q));
    return `${w} at ${fmtInt(offered)} buyers/s: loop p50 ${p('pg-loop', 'p50')} / p99 ${p('pg-loop', 'p99')} ms, transaction per request p50 ${p('pg-txn', 'p50')} / p99 ${p('pg-txn', 'p99')} ms`;
  });
  const txnWhere = txnProfile ? ` ${txnProfileReading(txnProfile)}` : '';
  const loopWhere = loopProfile ? ` ${loopProfileReading(loopProfile)}` : '';
  return `**PostgreSQL.** The loop did ${fmtInt(med('pg-loop', 'uniform'))} commands/s uniform, ${fmtInt(med('pg-loop', 'hot'))} hot and ${fmtInt(med('pg-loop', 'mixed'))} mixed; transaction per request with row locks ${fmtInt(med('pg-txn', 'uniform'))}, ${fmtInt(med('pg-txn', 'hot'))} and ${fmtInt(med('pg-txn', 'mixed'))} — the loop is ${fmtRatio(ratio(r, 'pg-loop', 'pg-txn', 'uniform'))}, ${fmtRatio(ratio(r, 'pg-loop', 'pg-txn', 'hot'))} and ${fmtRatio(ratio(r, 'pg-loop', 'pg-txn', 'mixed'))} its throughput. A request of that design is its own transaction of several round trips (BEGIN, lock the seats, read their holds and tickets, the per-buyer count, the writes, COMMIT) with a WAL flush of its own, ten at a time on the pool; on the hot workload ${Number.isFinite(failedShare) ? `${fmtInt(100 * failedShare)} %` : 'most'} of its holds lose, and a losing request still pays its transaction.${txnWhere} The loop pays none of that per request: it decides in memory and writes a tick of up to 1,024 commands as one pipelined transaction (${loopRun?.stats.meanCommitMs !== undefined ? `${fmtMs(loopRun.stats.meanCommitMs)} ms per tick of ${fmtInt(loopRun.stats.meanBatch)} commands on average, uniform` : 'see the tick table'}).${loopWhere} Per-seat locks in memory with parallel PostgreSQL writes reached ${fmtInt(med('pg-locks', 'hot'))} commands/s hot (${fmtRatio(ratio(r, 'pg-locks', 'pg-txn', 'hot'))} the row-lock design): rejecting conflicts from memory saves the doomed transactions, but every winning request still commits alone. In an open loop at a rate all of them sustain: ${lines.join('; ') || 'not measured'}.${openLoopNote(r)} Against the loop on SQLite (FULL), the PostgreSQL loop's throughput is ${WORKLOADS.map((w) => `${fmtRatio(ratio(r, 'loop-full', 'pg-loop', w))} lower on ${w}`).join(', ')}.`;
}

/** Where a per-request design answered faster than the loop at the open-loop rate: why. */
function openLoopNote(r: BenchResults): string {
  const faster = WORKLOADS.flatMap((w) => {
    const loop = openLatency(r, 'pg-loop', w, 'p50');
    return PG_DESIGNS.filter((d) => d !== 'pg-loop').flatMap((d) => {
      const other = openLatency(r, d, w, 'p50');
      return other < loop ? [`${d} on ${w} (p50 ${fmtMs(other)} vs ${fmtMs(loop)} ms)`] : [];
    });
  });
  if (faster.length === 0) return '';
  return ` Far from saturation a single command can be answered sooner without the loop — ${faster.join(', ')}: a command reaching the loop while a commit is in flight waits for that commit and then for its own (the price of one writer per event), while a lone request with a free connection commits alone at once. The loop's advantage is capacity and behaviour under contention, not the latency of an idle system.`;
}

/** Where the per-request design's time went, from its profiled run. */
function txnProfileReading(p: PgProfile): string {
  const b = breakdown(p);
  if (!b) return `In its profiled run (${p.workload}) PostgreSQL executed statements for ${fmtInt(p.serverMs)} ms of ${fmtInt(p.wallMs)} ms (largest: ${topStatements(p, 3)}).`;
  const bound: Record<WaitGroup, string> = {
    client: "So it is bound by round trips: a request's statements go one after another, and between two of them the connection waits for the reply to reach Node, for Node to get a turn on a CPU and for the next statement to come back.",
    wal: 'So it is bound by WAL flushes: every writing request waits for its COMMIT to reach the disk.',
    lock: 'So it is bound by row-lock waits: requests for the same seats queue behind each other’s transactions.',
    executing: `So it is bound by the server executing its statements (largest: ${topStatements(p, 3)}).`,
    other: 'Most of its time went to waits other than the client, the WAL and row locks (see the profile table).',
  };
  return `Its profiled run (${p.workload}) says where a request's time goes: on average ${b.busyConnections.toFixed(1)} of the 10 connections were in a transaction, and their time went to ${fmtBreakdown(b)} (\`pg_stat_activity\` samples). ${walSentence(p)} ${bound[dominant(b)]}`;
}

/** Where the loop's commit time went, from its profiled run. */
function loopProfileReading(p: PgProfile): string {
  const waited = p.stats.meanCommitMs !== undefined ? `of the ${fmtInt(p.stats.meanCommitMs * p.stats.commits)} ms the loop waited for its ${fmtInt(p.stats.commits)} commits ` : '';
  const b = breakdown(p);
  return `In the loop's profiled run (${p.workload}) PostgreSQL executed statements for ${fmtInt(p.serverMs)} ms ${waited}(${topStatements(p, 4)}): the inserts of held seats fire the integrity trigger's two look-ups per seat, and every seat change adds an audit row and moves its chain head.${b ? ` Its writing connection's time went to ${fmtBreakdown(b)}. ${walSentence(p)}` : ''}`;
}

/** Why the PostgreSQL targets were missed (the figures are this run's). */
export function explainPostgres(target: string, r: BenchResults): string {
  if (target.startsWith('PostgreSQL: loop within 2×')) {
    const worst = WORKLOADS.map((w) => [w, ratio(r, 'loop-full', 'pg-loop', w)] as const)
      .filter(([, x]) => Number.isFinite(x))
      .sort((a, b) => b[1] - a[1])[0];
    if (!worst) return '';
    const pg = medianRun(inproc(r, 'pg-loop', worst[0]));
    const lite = medianRun(inproc(r, 'loop-full', worst[0]));
    const perCommand = (run: RunCounts | undefined) => (run ? (run.stats.meanCommitMs * 1000) / run.stats.meanBatch : NaN);
    const p = profileOf(r, 'pg-loop', worst[0]) ?? profileOf(r, 'pg-loop');
    const b = p && breakdown(p);
    const where = p && b
      ? ` The profiled run of the loop on ${p.workload} says where a commit's time goes: the writing connection was ${fmtBreakdown(b)} (\`pg_stat_activity\` samples). Executing is the server running the tick's statements: \`pg_stat_statements\` counts ${fmtInt(p.serverMs)} ms of statement execution${p.stats.meanCommitMs !== undefined ? ` against the ${fmtInt(p.stats.meanCommitMs * p.stats.commits)} ms the loop waited for its ${fmtInt(p.stats.commits)} commits` : ''} (largest: ${topStatements(p, 3)}; the held-seat inserts fire the integrity trigger's look-ups per seat, and every seat change adds an audit row and moves its chain head), and the rest of "executing" is parsing and binding the tick's array parameters, planning, and waiting for a CPU (the samples cannot tell a running backend from a runnable one, and the load average during the run is in Machine); waiting for the client is the time between the tick's round trips (BEGIN, the pipelined statements, COMMIT, and the id block it reserves first) while the loop's own process encodes parameters and reads replies on the event loop it shares with the load, on ${r.machine.cpus} cores shared with PostgreSQL (postgres.js sends BEGIN and waits for it before the tick's statements are built and encoded, so that work counts as waiting inside the transaction). ${walSentence(p)}`
      : '';
    return `Both loops run the same code and batch the same way, so the gap is the commit. On ${worst[0]}: ${fmtInt(perCommand(pg))} µs of commit per command on PostgreSQL against ${fmtInt(perCommand(lite))} µs on SQLite in the same run (a tick of ${fmtInt(pg?.stats.meanBatch ?? NaN)} commands: ${fmtMs(pg?.stats.meanCommitMs ?? NaN)} ms vs ${fmtMs(lite?.stats.meanCommitMs ?? NaN)} ms; SQLite writes in the loop's own thread, PostgreSQL in another process reached over a socket).${where} The loop applies the next batch in memory while a commit is in flight, so its throughput is one tick per commit: what would close the gap is a cheaper commit (fewer rows per seat change, a lighter trigger) for the executing share, and building and encoding the tick's statements before BEGIN rather than inside the open transaction for the waiting share.`;
  }
  if (target.startsWith('PostgreSQL: loop ≥ 10×')) {
    const p = profileOf(r, 'pg-txn', 'hot');
    const loop = medianRun(inproc(r, 'pg-loop', 'hot'));
    return `On the hot workload most requests are refusals, which the per-request design answers with a short transaction that writes nothing (no WAL flush) and the loop from memory; the loop's ceiling is its commit time per tick (${loop?.stats.meanCommitMs !== undefined ? `${fmtMs(loop.stats.meanCommitMs)} ms for ${fmtInt(loop.stats.meanBatch)} commands here` : 'see the tick table'}).${p ? ` ${txnProfileReading(p)}` : ''}`;
  }
  return '';
}
