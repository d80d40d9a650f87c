// End-to-end over Socket.IO: the real server in one process, the load in
// worker processes (socket.io-client, websocket only). Each level N opens N
// buyer sockets, then measures
//   saturation — closed loop, one hold in flight per socket: acked holds/s;
//   offered    — open loop at a fixed total rate (default 20,000 holds/s):
//                what is achieved, and the ack latency at that rate.
// Every won hold is released right away (released seats churn back), so the
// server handles about two commands per hold. All processes share the box.
import { join } from 'node:path';
import { benchDir, forkTs, type Child } from './children';
import type { ServerSpec, WindowReport } from './serverProcess';
import { mergedPercentiles, summarize, type Percentiles, type Summary } from './stats';

export interface Cluster {
  url: string;
  server: Child;
  workers: Child[];
  stop(): Promise<void>;
}

export async function startServer(spec: ServerSpec): Promise<{ url: string; server: Child }> {
  const server = forkTs(join(benchDir, 'serverProcess.ts'), [JSON.stringify(spec)], { maxOldSpaceMb: 8192 });
  const ready = await server.next<{ url: string }>('ready', spec.withNext ? 180_000 : 60_000);
  return { url: ready.url, server };
}

async function startOther(server: Child): Promise<{ url: string; server: Child }> {
  const ready = await server.next<{ url: string }>('ready');
  return { url: ready.url, server };
}

export async function startCluster(spec: ServerSpec, workerCount: number, serverFactory?: () => Child): Promise<Cluster> {
  const { url, server } = serverFactory ? await startOther(serverFactory()) : await startServer(spec);
  const workers: Child[] = [];
  try {
    for (let i = 0; i < workerCount; i++) workers.push(forkTs(join(benchDir, 'loadWorker.ts'), [], { maxOldSpaceMb: 4096 }));
    await Promise.all(workers.map((w) => w.next('ready')));
  } catch (error) {
    await Promise.all([server.stop(), ...workers.map((w) => w.stop())]);
    throw error;
  }
  return {
    url,
    server,
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await server.stop();
    },
  };
}

/** Spreads `total` sockets over the workers; returns how many connected and how long it took. */
export async function connectAll(cluster: Cluster, total: number, workers = cluster.workers, kind: 'connect' | 'connect-light' = 'connect') {
  const started = performance.now();
  const share = (i: number) => Math.floor(total / workers.length) + (i < total % workers.length ? 1 : 0);
  const results = await Promise.all(
    workers.map((w, i) => w.request<{ connected: number; failed: number }>({ type: kind, url: cluster.url, count: share(i) }, 600_000)),
  );
  return {
    connected: results.reduce((n, r) => n + r.connected, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    ms: performance.now() - started,
  };
}

interface WorkerHolds {
  holdAcks: number;
  holdsOk: number;
  releases: number;
  timeouts: number;
  failures: Record<string, number>;
  elapsedMs: number;
  latency: { samples: number[]; seen: number; max: number };
}

export interface HoldWindow {
  holdsPerSec: number;
  okHoldsPerSec: number;
  commandsPerSec: number;
  latencyMs: Percentiles;
  timeouts: number;
  failures: Record<string, number>;
  server: WindowReport['ticks'] & { cpuPct: number };
  /** Commit times of the tracked event's versions (fan-out only; empty otherwise). */
  commits: WindowReport['commits'];
}

export async function holdWindow(cluster: Cluster, spec: Record<string, unknown>, workers = cluster.workers): Promise<HoldWindow> {
  await cluster.server.request({ type: 'window-start' });
  const parts = await Promise.all(
    workers.map((w, i) => w.request<WorkerHolds>({ type: 'holds', seed: i + 1, ...spec }, 300_000)),
  );
  const report = await cluster.server.request<WindowReport>({ type: 'window-end' });
  const seconds = Math.max(...parts.map((p) => p.elapsedMs)) / 1000;
  const sum = (f: (p: WorkerHolds) => number) => parts.reduce((n, p) => n + f(p), 0);
  const failures: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.failures)) failures[k] = (failures[k] ?? 0) + v;
  return {
    holdsPerSec: sum((p) => p.holdAcks) / seconds,
    okHoldsPerSec: sum((p) => p.holdsOk) / seconds,
    commandsPerSec: (sum((p) => p.holdAcks) + sum((p) => p.releases)) / seconds,
    latencyMs: mergedPercentiles(parts.map((p) => p.latency)),
    timeouts: sum((p) => p.timeouts),
    failures,
    server: { ...report.ticks, cpuPct: (100 * report.cpuMs) / report.wallMs },
    commits: report.commits,
  };
}

export interface LevelResult {
  clients: number;
  connected: number;
  connectMs: number;
  saturation: { holdsPerSec: Summary; okHoldsPerSec: Summary; commandsPerSec: Summary; p50: Summary; p95: Summary; p99: Summary; max: Summary; windows: HoldWindow[] };
  offered?: { ratePerSec: number; holdsPerSec: Summary; okHoldsPerSec: Summary; p50: Summary; p95: Summary; p99: Summary; max: Summary; windows: HoldWindow[] };
  /** Open loop at half of the closed loop's granted holds/s: latency at a load this box sustains. */
  moderate?: { ratePerSec: number; holdsPerSec: Summary; okHoldsPerSec: Summary; p50: Summary; p95: Summary; p99: Summary; max: Summary; windows: HoldWindow[] };
  skipped?: string;
}

function summarizeWindows(windows: HoldWindow[]) {
  return {
    holdsPerSec: summarize(windows.map((w) => w.holdsPerSec)),
    okHoldsPerSec: summarize(windows.map((w) => w.okHoldsPerSec)),
    commandsPerSec: summarize(windows.map((w) => w.commandsPerSec)),
    p50: summarize(windows.map((w) => w.latencyMs.p50)),
    p95: summarize(windows.map((w) => w.latencyMs.p95)),
    p99: summarize(windows.map((w) => w.latencyMs.p99)),
    max: summarize(windows.map((w) => w.latencyMs.max)),
    windows,
  };
}

export interface SocketLoadOptions {
  levels: number[];
  runs: number;
  windowMs: number;
  offeredRate: number;
  synchronous: 'NORMAL' | 'FULL';
  fdLimit: number;
  log: (s: string) => void;
}

export async function runSocketLoad(opts: SocketLoadOptions): Promise<LevelResult[]> {
  const results: LevelResult[] = [];
  for (const clients of opts.levels) {
    if (clients + 500 > opts.fdLimit) {
      results.push({ clients, connected: 0, connectMs: 0, saturation: summarizeWindows([]), skipped: `open-file limit ${opts.fdLimit} is too low` });
      continue;
    }
    const cluster = await startCluster({ synchronous: opts.synchronous }, clients >= 2000 ? 3 : 2);
    try {
      const conn = await connectAll(cluster, clients);
      opts.log(`  ${clients} clients: ${conn.connected} connected in ${(conn.ms / 1000).toFixed(1)} s`);
      await holdWindow(cluster, { mode: 'closed', durationMs: Math.min(1000, opts.windowMs), workload: 'uniform' }); // warm-up
      const sat: HoldWindow[] = [];
      for (let r = 0; r < opts.runs; r++) sat.push(await holdWindow(cluster, { mode: 'closed', durationMs: opts.windowMs, workload: 'uniform' }));
      const offered: HoldWindow[] = [];
      for (let r = 0; r < opts.runs; r++) {
        const ratePerSocket = opts.offeredRate / conn.connected;
        offered.push(await holdWindow(cluster, { mode: 'open', ratePerSocket, durationMs: opts.windowMs, workload: 'uniform' }));
      }
      // Half of the closed loop's granted holds/s: a rate the server demonstrably sustains.
      const capacity = summarize(sat.map((w) => w.okHoldsPerSec)).median;
      const moderateRate = Math.max(100, Math.round((0.5 * Math.min(capacity, opts.offeredRate)) / 100) * 100);
      const moderate: HoldWindow[] = [];
      for (let r = 0; r < opts.runs; r++) {
        moderate.push(await holdWindow(cluster, { mode: 'open', ratePerSocket: moderateRate / conn.connected, durationMs: opts.windowMs, workload: 'uniform' }));
      }
      const s = summarizeWindows(sat);
      opts.log(`    saturation ${Math.round(s.holdsPerSec.median)} holds/s, p99 ${s.p99.median.toFixed(1)} ms; offered ${opts.offeredRate}/s → ${Math.round(summarize(offered.map((w) => w.holdsPerSec)).median)}/s`);
      results.push({
        clients,
        connected: conn.connected,
        connectMs: conn.ms,
        saturation: s,
        offered: { ratePerSec: opts.offeredRate, ...summarizeWindows(offered) },
        moderate: { ratePerSec: moderateRate, ...summarizeWindows(moderate) },
      });
    } finally {
      await cluster.stop();
    }
  }
  return results;
}
