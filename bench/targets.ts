// The issue's performance targets, judged against one results file.
import type { BenchResults, Target } from './results';
import { fmtRatio, inproc, ratio } from './results';
import { clusterTargets } from './reportCluster';
import { waitingRoomTargets } from './reportWaitingRoom';
import { fmtInt, fmtMs, fmtRange, type Summary } from './stats';

export function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const s = (x: Summary | undefined, f = fmtInt) => (x ? fmtRange(x, f) : 'not run');
  const loopFull = inproc(r, 'loop-full', 'uniform')?.perSec;
  const loopNormal = inproc(r, 'loop-normal', 'uniform')?.perSec;
  out.push({
    target: 'Loop in-process, durable (batched commit): ≥ 300,000 commands/s',
    measured: `FULL ${s(loopFull)}; NORMAL ${s(loopNormal)} (uniform)`,
    met: loopFull ? loopFull.median >= 300_000 : null,
  });
  const core = inproc(r, 'core', 'uniform')?.perSec;
  out.push({ target: 'In-memory core: ≥ 2,000,000 commands/s', measured: `${s(core)} (uniform)`, met: core ? core.median >= 2_000_000 : null });
  const best = r.best?.scenarios.find((x) => x.quantity === 8 && x.name.includes('scattered') && !x.name.includes('only'));
  out.push({
    target: 'Best available: 8 seats on the half-sold arena ≤ 1 ms in the core',
    measured: best ? `p50 ${fmtInt(Math.round(best.pickUs.p50))} µs, p99 ${fmtInt(Math.round(best.pickUs.p99))} µs (${fmtInt(best.pickUs.count)} picks)` : 'not run',
    met: best ? best.pickUs.p50 <= 1000 : null,
  });
  const e2e = r.socket?.find((l) => l.clients === 1_000);
  const off = e2e?.offered;
  out.push({
    target: 'End-to-end at 1,000 clients: ≥ 20,000 acked holds/s with p99 ≤ 25 ms',
    measured: off
      ? `offered ${fmtInt(off.ratePerSec)}/s → ${fmtInt((off.okHoldsPerSec ?? off.holdsPerSec).median)} holds/s granted (${fmtInt(off.holdsPerSec.median)} acks/s), p99 ${fmtMs(off.p99.median)} ms; closed loop ${fmtInt((e2e!.saturation.okHoldsPerSec ?? e2e!.saturation.holdsPerSec).median)} holds/s`
      : 'not run',
    met: off ? (off.okHoldsPerSec ?? off.holdsPerSec).median >= 0.97 * 20_000 && off.ratePerSec >= 20_000 && off.p99.median <= 25 : null,
  });
  const hotFull = ratio(r, 'loop-full', 'txn-full', 'hot');
  const hotNormal = ratio(r, 'loop-normal', 'txn-normal', 'hot');
  out.push({
    target: '≥ 10× transaction-per-request on the hot on-sale',
    measured: `FULL ${fmtRatio(hotFull)}, NORMAL ${fmtRatio(hotNormal)}`,
    met: Number.isFinite(hotFull) ? hotFull >= 10 && (!Number.isFinite(hotNormal) || hotNormal >= 10) : null,
  });
  const pgHot = ratio(r, 'pg-loop', 'pg-txn', 'hot');
  out.push({
    target: 'PostgreSQL: loop ≥ 10× transaction per request (SELECT … FOR UPDATE) on the hot on-sale',
    measured: Number.isFinite(pgHot) ? `${fmtRatio(pgHot)} (${s(inproc(r, 'pg-loop', 'hot')?.perSec)} vs ${s(inproc(r, 'pg-txn', 'hot')?.perSec)} commands/s)` : 'not run',
    met: Number.isFinite(pgHot) ? pgHot >= 10 : null,
  });
  const pgVsSqlite = (['uniform', 'hot', 'mixed'] as const).map((w) => [w, ratio(r, 'loop-full', 'pg-loop', w)] as const).filter(([, x]) => Number.isFinite(x));
  out.push({
    target: 'PostgreSQL: loop within 2× of the loop on SQLite (FULL), every workload',
    measured: pgVsSqlite.length ? `SQLite ÷ PostgreSQL: ${pgVsSqlite.map(([w, x]) => `${w} ${fmtRatio(x)}`).join(', ')}` : 'not run',
    met: pgVsSqlite.length ? pgVsSqlite.every(([, x]) => x <= 2) : null,
  });
  const fan = r.fanout?.find((l) => l.viewers === 10_000 && !l.skipped);
  out.push({
    target: 'Fan-out staleness p99 ≤ 200 ms at 10,000 viewers',
    measured: fan ? `${s(fan.p99, fmtMs)} ms` : 'not run',
    met: fan && Number.isFinite(fan.p99.median) ? fan.p99.median <= 200 : null,
  });
  out.push(...clusterTargets(r));
  const mem = r.memory?.levels.find((l) => l.sockets >= 9_000);
  out.push({
    target: '≤ 10 KB heap per idle socket',
    measured: mem ? `${mem.heapPerSocketKb.toFixed(1)} KB at ${fmtInt(mem.sockets)} sockets` : 'not run',
    met: mem ? mem.heapPerSocketKb <= 10 : null,
  });
  out.push(...waitingRoomTargets(r));
  const map = r.seatmap;
  out.push({
    target: '20,000-seat map first render ≤ 500 ms',
    measured: map?.firstRenderMs ? `${s(map.firstRenderMs, fmtMs)} ms` : (map?.skipped ?? 'not run'),
    met: map?.firstRenderMs ? map.firstRenderMs.median <= 500 : null,
  });
  return out;
}

