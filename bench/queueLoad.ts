// The waiting room over the network (issue 12), against the real server on
// loopback: the arena's room is configured through the organizer API, then
//   1. a join storm into the pre-queue: new sessions, each POSTs a join;
//   2. the room opens (the ticker numbers the pre-queue in shuffle order);
//   3. a second storm of arrivals into the open room, so that `members`
//      people wait in all;
//   4. light websocket clients (bench/lightViewer.ts) join the queue over
//      Socket.IO in levels, and every queue:update they receive is timed
//      against the server's send time (`at`, the same machine's clock).
// Server heap after GC is read before and after each phase.
import { connectAll, startCluster, type Cluster } from './socketLoad';
import type { MemoryReport } from './serverProcess';
import { mergedPercentiles, summarize, type Percentiles, type Summary } from './stats';

const EVENT = 'demo-arena';
const ADMIN_PASSWORD = 'bench-organizer-password';

export interface QueueLoadOptions {
  /** People who join before the room opens. */
  preQueue: number;
  /** People who join the open room afterwards. */
  arrivals: number;
  /**
   * More people put at the end of the open queue straight in the store (not timed as joins),
   * so that the fan-out is measured with a long queue.
   */
  seeded: number;
  socketLevels: number[];
  windowMs: number;
  runs: number;
  admitPerMinute: number;
  fdLimit: number;
  log: (s: string) => void;
}

export interface JoinStorm {
  phase: 'pre_queue' | 'open';
  members: number;
  sessionsPerSec: number;
  joinsPerSec: number;
  latencyMs: Percentiles;
  failed: number;
  states: Record<string, number>;
}

export interface QueueFanoutLevel {
  sockets: number;
  joined: number;
  socketJoinsPerSec: number;
  heapPerSocketKb: number;
  /** queue:update frames delivered per second over all sockets. */
  framesPerSec: Summary;
  framesPerSocketPerSec: Summary;
  /** Distinct updates ("now serving" values) per second. */
  updatesPerSec: Summary;
  lagP50: Summary;
  lagP99: Summary;
  lagMax: Summary;
  /** Sockets still open at the end, and the fewest frames one of them got in a window. */
  alive: number;
  minFramesPerSocket: number;
  skipped?: string;
}

export interface QueueLoadResult {
  storms: JoinStorm[];
  /** From the organizer's "open now" to the room's opening being committed (the pre-queue numbered). */
  openingMs: number;
  /** People waiting when the socket levels were measured (from the room's own figures). */
  waiting: number;
  /** Of them, written straight into the store (see QueueLoadOptions.seeded). */
  seeded: number;
  /** Server heap growth per waiting member after both storms (after GC), bytes. */
  heapPerMemberBytes: number;
  /** The same over the whole queue, once the seeded members were in (absent from older results). */
  heapPerWaitingBytes?: number;
  fanout: QueueFanoutLevel[];
  admitPerMinute: number;
  stepMs: number;
}

interface StormPart {
  sessions: number;
  sessionsMs: number;
  joinMs: number;
  failed: number;
  states: Record<string, number>;
  latency: { samples: number[]; seen: number; max: number };
}

interface QueueViewEnd {
  frames: number;
  sockets: number;
  alive: number;
  minPerSocket: number;
  maxPerSocket: number;
  updates: number;
  lag: { samples: number[]; seen: number; max: number };
}

async function api(url: string, method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok || json.ok !== true) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function storm(cluster: Cluster, phase: JoinStorm['phase'], members: number): Promise<JoinStorm> {
  const workers = cluster.workers;
  const share = (i: number) => Math.floor(members / workers.length) + (i < members % workers.length ? 1 : 0);
  const parts = await Promise.all(
    workers.map((w, i) => w.request<StormPart>({ type: 'http-join', url: cluster.url, eventId: EVENT, count: share(i), concurrency: 32 }, 1_800_000)),
  );
  const states: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.states)) states[k] = (states[k] ?? 0) + v;
  const seconds = (f: (p: StormPart) => number) => Math.max(...parts.map(f)) / 1000;
  return {
    phase,
    members,
    sessionsPerSec: members / seconds((p) => p.sessionsMs),
    joinsPerSec: members / seconds((p) => p.joinMs),
    latencyMs: mergedPercentiles(parts.map((p) => p.latency)),
    failed: parts.reduce((n, p) => n + p.failed, 0),
    states,
  };
}

export async function runQueueLoad(opts: QueueLoadOptions): Promise<QueueLoadResult> {
  const stepMs = 1000; // the server's default admission step
  const maxSockets = Math.max(0, ...opts.socketLevels);
  const cluster = await startCluster({ synchronous: 'FULL', adminPassword: ADMIN_PASSWORD, waitingRoomStepMs: stepMs }, Math.max(2, Math.ceil(maxSockets / 5000)));
  try {
    const memory = () => cluster.server.request<MemoryReport>({ type: 'memory' });
    const admin = (await api(cluster.url, 'POST', '/api/admin/login', { password: ADMIN_PASSWORD })).token as string;
    const room = (body: object) => api(cluster.url, 'PUT', `/api/admin/events/${EVENT}/waiting-room`, body, admin);
    const view = async () => (await api(cluster.url, 'GET', `/api/admin/events/${EVENT}/waiting-room`, undefined, admin)).room as { openedAt: number | null; waiting: number };
    await room({ enabled: true, admitPerMinute: opts.admitPerMinute, opensAt: Date.now() + 6 * 3600_000 });
    const before = await memory();

    const storms: JoinStorm[] = [];
    storms.push(await storm(cluster, 'pre_queue', opts.preQueue));
    opts.log(`  pre-queue: ${opts.preQueue} joins at ${Math.round(storms[0].joinsPerSec)}/s`);

    const openAsked = performance.now();
    await room({ enabled: true, admitPerMinute: opts.admitPerMinute, opensAt: null });
    while ((await view()).openedAt === null) await new Promise((resolve) => setTimeout(resolve, 50));
    const openingMs = performance.now() - openAsked;
    opts.log(`  opened with ${opts.preQueue} in the pre-queue after ${(openingMs / 1000).toFixed(1)} s`);

    storms.push(await storm(cluster, 'open', opts.arrivals));
    opts.log(`  open room: ${opts.arrivals} joins at ${Math.round(storms[1].joinsPerSec)}/s`);
    const afterStorms = await memory();
    const heapPerMemberBytes = (afterStorms.heapUsed - before.heapUsed) / (opts.preQueue + opts.arrivals);
    if (opts.seeded > 0) {
      const seeded = await cluster.server.request<{ ms: number }>({ type: 'seed-queue', eventId: EVENT, count: opts.seeded }, 600_000);
      opts.log(`  ${opts.seeded} more put in the queue through the store in ${(seeded.ms / 1000).toFixed(1)} s`);
    }
    // Let one admission step count the longer queue, then: heap per member of the whole queue.
    await new Promise((resolve) => setTimeout(resolve, 2 * stepMs));
    const afterSeed = await memory();
    const heapPerWaitingBytes = (afterSeed.heapUsed - before.heapUsed) / (opts.preQueue + opts.arrivals + opts.seeded);

    const fanout: QueueFanoutLevel[] = [];
    let connected = 0;
    let heapBefore = afterSeed.heapUsed;
    let waiting = 0;
    for (const sockets of opts.socketLevels) {
      if (sockets + 500 > opts.fdLimit) {
        fanout.push({ sockets, skipped: `open-file limit ${opts.fdLimit}` } as QueueFanoutLevel);
        continue;
      }
      await connectAll(cluster, sockets - connected, cluster.workers, 'connect-light');
      const joinStarted = performance.now();
      const joins = await Promise.all(cluster.workers.map((w) => w.request<{ joined: number }>({ type: 'queue-join', eventId: EVENT }, 900_000)));
      const joinMs = performance.now() - joinStarted;
      const added = sockets - connected;
      connected = sockets;
      const joined = joins.reduce((n, j) => n + j.joined, 0);
      const mem = await memory();
      const heapPerSocketKb = (mem.heapUsed - heapBefore) / 1024 / Math.max(1, added);
      heapBefore = mem.heapUsed;
      waiting = (await view()).waiting;
      const windows: { framesPerSec: number; perSocket: number; updatesPerSec: number; lag: Percentiles; alive: number; minFrames: number }[] = [];
      for (let r = -1; r < opts.runs; r++) {
        await Promise.all(cluster.workers.map((w) => w.request({ type: 'queue-view-start' })));
        await new Promise((resolve) => setTimeout(resolve, r < 0 ? Math.min(2000, opts.windowMs) : opts.windowMs));
        const ends = await Promise.all(cluster.workers.map((w) => w.request<QueueViewEnd>({ type: 'queue-view-end' }, 120_000)));
        if (r < 0) continue; // warm-up
        const seconds = opts.windowMs / 1000;
        const frames = ends.reduce((n, e) => n + e.frames, 0);
        windows.push({
          framesPerSec: frames / seconds,
          perSocket: frames / sockets / seconds,
          updatesPerSec: Math.max(...ends.map((e) => e.updates)) / seconds,
          lag: mergedPercentiles(ends.map((e) => e.lag)),
          alive: ends.reduce((n, e) => n + e.alive, 0),
          minFrames: Math.min(...ends.map((e) => (e.sockets ? e.minPerSocket : Infinity))),
        });
      }
      const pick = (f: (w: (typeof windows)[number]) => number) => summarize(windows.map(f));
      const level: QueueFanoutLevel = {
        sockets,
        joined,
        socketJoinsPerSec: added / (joinMs / 1000),
        heapPerSocketKb,
        framesPerSec: pick((w) => w.framesPerSec),
        framesPerSocketPerSec: pick((w) => w.perSocket),
        updatesPerSec: pick((w) => w.updatesPerSec),
        lagP50: pick((w) => w.lag.p50),
        lagP99: pick((w) => w.lag.p99),
        lagMax: pick((w) => w.lag.max),
        alive: Math.min(...windows.map((w) => w.alive)),
        minFramesPerSocket: Math.min(...windows.map((w) => w.minFrames)),
      };
      opts.log(`  ${sockets} queue sockets (${waiting} waiting): ${Math.round(level.framesPerSec.median)} queue:update frames/s, lag p99 ${level.lagP99.median.toFixed(0)} ms`);
      fanout.push(level);
    }
    return { storms, openingMs, waiting, seeded: opts.seeded, heapPerMemberBytes, heapPerWaitingBytes, fanout, admitPerMinute: opts.admitPerMinute, stepMs };
  } finally {
    await cluster.stop();
  }
}
