// The cluster section of docs/benchmarks.md and its targets (bench/cluster.ts).
import type { ClusterLevel, ProcessFigures } from './cluster';
import type { BenchResults } from './results';
import { table } from './results';
import { fmtInt, fmtMs, fmtRange, type Percentiles } from './stats';
import type { Target } from './results';

const cpuList = (ps: ProcessFigures[]) => ps.map((p) => `${fmtInt(p.cpuPct)}`).join(' / ');
const rssList = (ps: ProcessFigures[]) => ps.map((p) => `${fmtInt(p.rssMb)}`).join(' / ');
const pct = (p: Percentiles | undefined) => (p && p.count ? `${fmtMs(p.p50)} / ${fmtMs(p.p99)}` : '—');

export function clusterSections(r: BenchResults): string[] {
  const c = r.cluster;
  if (!c) return [];
  const levels = c.levels.filter((l) => !l.skipped);
  const parts: string[] = [];
  const load = r.load?.cluster;
  const intro =
    `N real server processes (\`bench/clusterServer.ts\`: the app without Next, \`DATABASE_URL\` + \`REDIS_URL\`, lease TTL 3 s) on a private PostgreSQL ${c.postgres} and redis-server, all on this box with the load generators` +
    (load ? `; 1-minute load average during the section ${load.min.toFixed(1)}–${load.max.toFixed(1)} (mean ${load.mean.toFixed(1)})` : '') +
    '. CPU % is of one core over the window (100 = one core busy), per process in instance order (bench-1 / bench-2 / …); "owner" names the process that ran the arena\'s loop.';
  parts.push(
    `### Cluster: fan-out on the arena (${fmtInt(levels[0]?.viewers ?? NaN)} light viewers spread evenly over the processes, ${fmtInt(c.churnHoldsPerSec)} holds/s churned through every process, median of ${c.runs} windows of ${c.windowMs / 1000} s)\n\n` +
      `${intro} Staleness: the owner's commit of a version → a viewer receiving the \`seats:update\` carrying it (every 10th viewer records receipts); "notice at replica" is the owner's commit → its notice reached another process through the Redis stream.\n\n` +
      table(
        ['Processes', 'owner', 'viewers joined', 'staleness p50 ms', 'p99 ms', 'max ms', 'p99 on the owner / on replicas ms', 'notice at replica p99 ms', 'frames/s', 'versions/s', 'CPU % per process', 'RSS MB per process'],
        c.levels.map((l) => {
          if (l.skipped) return [String(l.processes), `skipped: ${l.skipped}`, '', '', '', '', '', '', '', '', '', ''];
          const mid = l.fanout.runs[l.fanout.runs.length >> 1];
          return [
            String(l.processes),
            l.owners['demo-arena'] ?? '—',
            `${fmtInt(l.joined)} (connect ${(l.connectMs / 1000).toFixed(0)} s)`,
            fmtRange(l.fanout.p50, fmtMs),
            fmtRange(l.fanout.p99, fmtMs),
            fmtMs(l.fanout.max.median),
            `${fmtMs(l.fanout.onOwnerP99.median)} / ${fmtMs(l.fanout.onReplicasP99.median)}`,
            fmtMs(l.fanout.replicaApplyP99.median),
            fmtInt(mid?.framesPerSec ?? NaN),
            fmtMs(mid?.versionsPerSec ?? NaN),
            mid ? cpuList(mid.processes) : '—',
            mid ? rssList(mid.processes) : '—',
          ];
        }),
      ),
  );
  parts.push(
    `### Cluster: holds across processes (closed loop, buyers spread evenly over the processes, uniform 1–4 seats, every won hold released; median of ${c.runs} windows)\n\n` +
      'Latency is hold request → ack at the client. "Local / routed" splits the one-event rows by buyers connected to the arena\'s owner (its own mailbox) and to the other processes (routed through Redis pub/sub).\n\n' +
      table(
        ['Processes', 'events', 'buyers', 'holds/s granted (acks/s)', 'p50 ms', 'p99 ms', 'max ms', 'local p50 / p99 ms', 'routed p50 / p99 ms', 'timeouts', 'CPU % per process', 'loops per process'],
        levels.flatMap((l) =>
          l.holds.map((h) => [
            String(l.processes),
            String(h.events),
            fmtInt(h.buyers),
            `${fmtRange(h.okHoldsPerSec)} (${fmtInt(h.holdsPerSec.median)})`,
            fmtRange(h.p50, fmtMs),
            fmtRange(h.p99, fmtMs),
            fmtMs(h.max.median),
            pct(h.local),
            pct(h.routed),
            fmtInt(h.timeouts),
            cpuList(h.processes),
            h.processes.map((p) => String(p.owns.length)).join(' / '),
          ]),
        ),
      ),
  );
  parts.push(
    '### Cluster: leases lost and event-loop lag per level (from each process\'s /metrics at the end of the level)\n\n' +
      table(
        ['Processes', 'leases acquired', 'leases lost', 'event-loop lag max ms'],
        levels.map((l) => [String(l.processes), fmtInt(l.health?.ownershipAcquired ?? NaN), fmtInt(l.health?.ownershipLost ?? NaN), fmtInt(l.health?.eventLoopLagMaxMs ?? NaN)]),
      ) +
      levels
        .filter((l) => l.failoverError)
        .map((l) => `\n\n${l.processes} processes: ${l.failoverError}`)
        .join(''),
  );
  const f = levels.find((l) => l.failover)?.failover;
  const fl = levels.find((l) => l.failover);
  if (f && fl) {
    const answers: Record<string, number> = {};
    for (const t of f.trials) for (const [k, v] of Object.entries(t.answersDuringFailover)) answers[k] = (answers[k] ?? 0) + v;
    parts.push(
      `### Cluster: failover (${fl.processes} processes, kill -9 of the arena's owner while viewers watch and holds churn; lease TTL ${f.leaseTtlMs / 1000} s)\n\n` +
        'Probers (one buyer per live process) hold one fresh seat after another with a `requestId` they reuse on retry, and confirm every fourth hold. "First hold" is kill → the first successful hold whose request was sent after the kill; "owner seen" is kill → a live process reports the arena among its `ownedEvents` (polled every 100 ms). After each trial a replacement process joins (a new instance id) and takes its share back by handoff.\n\n' +
        table(
          ['Trial', 'victim → new owner', 'owner seen ms', 'first hold ms', 'holds acked', 'orders acked'],
          f.trials.map((t, i) => [String(i + 1), `${t.victim} → ${t.newOwner}`, fmtInt(t.ownerSeenMs), fmtInt(t.firstHoldMs), fmtInt(t.holdsAcked), fmtInt(t.ordersAcked)]),
        ) +
        `\n\nFirst hold: median ${fmtInt(f.firstHoldMs.median)} ms, max ${fmtInt(f.firstHoldMs.max)} ms over ${f.firstHoldMs.n} trials. Answers to the probers between the kill and the first success: ${Object.entries(answers)
          .map(([k, v]) => `${k} ${fmtInt(v)}`)
          .join(', ')}. Audit against PostgreSQL: ${fmtInt(f.audit.holdsAcked)} acknowledged holds and ${fmtInt(f.audit.ordersAcked)} acknowledged orders; ${f.audit.lostHolds.length} holds and ${f.audit.lostOrders.length} orders missing or changed; ${f.audit.duplicateRequests} request ids that made more than one hold.`,
    );
  }
  return parts;
}

export function clusterTargets(r: BenchResults): Target[] {
  const c = r.cluster;
  if (!c) return [];
  const out: Target[] = [];
  const big = c.levels.filter((l): l is ClusterLevel => !l.skipped && l.processes >= 2 && l.viewers >= 10_000);
  out.push({
    target: 'Cluster: fan-out staleness p99 ≤ 100 ms at 10,000 viewers with 2+ processes',
    measured: big.length ? big.map((l) => `${l.processes} processes: ${fmtRange(l.fanout.p99, fmtMs)} ms`).join('; ') : 'not run at 10,000 viewers',
    met: big.length ? big.every((l) => l.fanout.p99.median <= 100) : null,
  });
  const f = c.levels.find((l) => l.failover)?.failover;
  out.push({
    target: 'Cluster: failover (kill -9 of the owner → first successful hold) ≤ 5 s',
    measured: f ? `median ${fmtInt(f.firstHoldMs.median)} ms, max ${fmtInt(f.firstHoldMs.max)} ms (${f.firstHoldMs.n} trials)` : 'not run',
    met: f ? f.firstHoldMs.max <= 5_000 && f.firstHoldMs.n === f.trials.length : null,
  });
  out.push({
    target: 'Cluster: no lost acknowledgement across failovers',
    measured: f ? `${fmtInt(f.audit.holdsAcked)} holds, ${fmtInt(f.audit.ordersAcked)} orders acknowledged; ${f.audit.lostHolds.length + f.audit.lostOrders.length} lost` : 'not run',
    met: f ? f.audit.lostHolds.length === 0 && f.audit.lostOrders.length === 0 && f.audit.duplicateRequests === 0 : null,
  });
  return out;
}
