// Fan-out: M viewers joined to the arena while a separate buyer process
// churns holds (open loop: hold, then release). Measures delivered
// seats:update frames/s over all viewers, frames per viewer per second
// (does batching coalesce updates so this stays bounded?), and staleness:
// commit time of a version (taken in the server right after the commit)
// → receipt by a viewer (every 10th viewer records receipt times).
import { connectAll, holdWindow, startCluster, type HoldWindow } from './socketLoad';
import type { MemoryReport, WindowReport } from './serverProcess';
import { percentiles, summarize, type Percentiles, type Summary } from './stats';

export interface FanoutRun {
  framesPerSec: number;
  seatChangesPerSec: number;
  framesPerViewerPerSec: number;
  maxFramesPerViewerPerSec: number;
  versionsPerSec: number;
  staleness: Percentiles;
  churn: Pick<HoldWindow, 'holdsPerSec' | 'latencyMs' | 'timeouts'>;
  /** Viewers whose connection was still open at the end of the window. */
  alive: number;
  ticks: WindowReport['ticks'];
}

export interface FanoutLevel {
  viewers: number;
  joined: number;
  joinMs: number;
  joinedHeapPerSocketKb: number;
  framesPerSec: Summary;
  framesPerViewerPerSec: Summary;
  maxFramesPerViewerPerSec: Summary;
  versionsPerSec: Summary;
  p50: Summary;
  p99: Summary;
  max: Summary;
  runs: FanoutRun[];
  skipped?: string;
}

interface ViewEnd {
  alive: number;
  frames: number;
  changes: number;
  maxFramesPerSocket: number;
  sockets: number;
  receipts: number[];
}

export interface FanoutOptions {
  levels: number[];
  runs: number;
  windowMs: number;
  churnHoldsPerSec: number;
  fdLimit: number;
  log: (s: string) => void;
}

export async function runFanout(opts: FanoutOptions): Promise<FanoutLevel[]> {
  const out: FanoutLevel[] = [];
  for (const viewers of opts.levels) {
    // The open-file limit is per process: the server holds one descriptor per viewer.
    if (viewers + 500 > opts.fdLimit) {
      out.push({ viewers, skipped: `open-file limit ${opts.fdLimit}` } as FanoutLevel);
      continue;
    }
    const viewerWorkers = Math.max(1, Math.ceil(viewers / 5000));
    const cluster = await startCluster({ synchronous: 'FULL', trackEvent: 'demo-arena' }, viewerWorkers + 1);
    const [churner, ...watchers] = cluster.workers;
    try {
      const before = await cluster.server.request<MemoryReport>({ type: 'memory' });
      await connectAll(cluster, viewers, watchers, 'connect-light');
      const joinStarted = performance.now();
      const joins = await Promise.all(watchers.map((w) => w.request<{ joined: number }>({ type: 'join', eventId: 'demo-arena' }, 900_000)));
      const joinMs = performance.now() - joinStarted;
      const joined = joins.reduce((n, j) => n + j.joined, 0);
      // The buyers connect after the join storm: a server busy for minutes must not time their heartbeats out first.
      await connectAll(cluster, 50, [churner]);
      const after = await cluster.server.request<MemoryReport>({ type: 'memory' });
      opts.log(`  ${joined} of ${viewers} viewers joined in ${(joinMs / 1000).toFixed(1)} s`);
      const runs: FanoutRun[] = [];
      for (let r = -1; r < opts.runs; r++) {
        await Promise.all(watchers.map((w) => w.request({ type: 'view-start' })));
        const churn = await holdWindow(
          cluster,
          { mode: 'open', ratePerSocket: opts.churnHoldsPerSec / 50, durationMs: r < 0 ? 1000 : opts.windowMs, workload: 'uniform' },
          [churner],
        );
        const ends = await Promise.all(watchers.map((w) => w.request<ViewEnd>({ type: 'view-end' }, 300_000)));
        if (r < 0) continue; // warm-up
        const seconds = opts.windowMs / 1000;
        const commitAt = new Map(churn.commits);
        const staleness: number[] = [];
        for (const end of ends) {
          for (let i = 0; i < end.receipts.length; i += 2) {
            const at = commitAt.get(end.receipts[i]);
            if (at !== undefined) staleness.push(end.receipts[i + 1] - at);
          }
        }
        const frames = ends.reduce((n, e) => n + e.frames, 0);
        runs.push({
          framesPerSec: frames / seconds,
          seatChangesPerSec: ends.reduce((n, e) => n + e.changes, 0) / seconds,
          framesPerViewerPerSec: frames / viewers / seconds,
          maxFramesPerViewerPerSec: Math.max(...ends.map((e) => e.maxFramesPerSocket)) / seconds,
          versionsPerSec: commitAt.size / seconds,
          staleness: percentiles(staleness),
          churn: { holdsPerSec: churn.holdsPerSec, latencyMs: churn.latencyMs, timeouts: churn.timeouts },
          alive: ends.reduce((n, e) => n + e.alive, 0),
          ticks: churn.server,
        });
      }
      const pick = (f: (r: FanoutRun) => number) => summarize(runs.map(f));
      const level: FanoutLevel = {
        viewers,
        joined,
        joinMs,
        joinedHeapPerSocketKb: (after.heapUsed - before.heapUsed) / 1024 / Math.max(1, after.sockets),
        framesPerSec: pick((r) => r.framesPerSec),
        framesPerViewerPerSec: pick((r) => r.framesPerViewerPerSec),
        maxFramesPerViewerPerSec: pick((r) => r.maxFramesPerViewerPerSec),
        versionsPerSec: pick((r) => r.versionsPerSec),
        p50: pick((r) => r.staleness.p50),
        p99: pick((r) => r.staleness.p99),
        max: pick((r) => r.staleness.max),
        runs,
      };
      opts.log(`    ${Math.round(level.framesPerSec.median)} frames/s delivered, staleness p99 ${level.p99.median.toFixed(1)} ms`);
      out.push(level);
    } finally {
      await cluster.stop();
    }
  }
  return out;
}
