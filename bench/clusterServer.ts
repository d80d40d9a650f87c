// One cluster member for the cluster bench: the real app (API + Socket.IO, no
// Next) in the distributed mode — DATABASE_URL, REDIS_URL and INSTANCE_ID come
// from its environment — on 127.0.0.1. The parent talks to it over IPC:
//   window-start / window-end  CPU of this process over the window, and for the tracked
//                              event the versions this process's own loop committed
//                              (owner: commit time) and the owner's notices as they reached
//                              its replica (replica: arrival time)
//   memory                     RSS and heap after GC, connected sockets
//   stop                       a graceful close (hands its events off)
// kill -9 is the parent's business (child.proc.kill('SIGKILL')).
//   forkTs('bench/clusterServer.ts', [json spec], { env: { DATABASE_URL, REDIS_URL, INSTANCE_ID, … } })
import { performance } from 'node:perf_hooks';
import { startApp } from '../server/app';
import { configFromEnv } from '../server/config';

export interface ClusterServerSpec {
  /** Record commit / apply times of this event's versions (fan-out staleness). */
  trackEvent: string;
}

export interface ClusterWindowReport {
  instanceId: string;
  /** [version, epoch ms] committed by this process's own loop. */
  commits: [number, number][];
  /** [version, epoch ms] of the owner's notices as they reached this process's replica. */
  applied: [number, number][];
  cpuMs: number;
  wallMs: number;
  rssMb: number;
  sockets: number;
}

export interface ClusterMemoryReport {
  rssMb: number;
  heapMb: number;
  sockets: number;
}

const wallNow = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => bytes / 1024 / 1024;

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ClusterServerSpec;
  const config = configFromEnv({
    // Every simulated client comes from 127.0.0.1: the per-address limits would measure themselves.
    LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: '0',
    LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: '0',
    LIMIT_HELD_SEATS_PER_ADDRESS: '0',
    RATE_LIMIT_SOCKET_PER_SEC: '0',
    RATE_LIMIT_IP_PER_SEC: '0',
    CHECK_INVARIANTS: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    SEED_DEMO: '0',
    NEXT_TELEMETRY_DISABLED: '1',
    ...(process.env as Record<string, string>),
  });
  if (!config.cluster) throw new Error('clusterServer needs DATABASE_URL=postgres://… and REDIS_URL');
  const app = await startApp(config, { withNext: false });
  const instanceId = config.cluster.instanceId;

  let commits: [number, number][] = [];
  let applied: [number, number][] = [];
  // The time of the owner's commit is taken at the loop's per-tick metric, which it observes right after the
  // commit and before the commit listeners run: the socket gateway's listener (registered first) writes the
  // update to every local viewer synchronously, so a listener of our own would run only after that.
  let lastTickAt = 0;
  const batchSize = app.metrics.batchSize;
  const observeBatch = batchSize.observe.bind(batchSize);
  batchSize.observe = ((value: number) => {
    lastTickAt = wallNow();
    observeBatch(value);
  }) as typeof batchSize.observe;
  app.registry.onCommitted((runtime, notice) => {
    // The owner's own loop committed it (the same test the notice bus uses before publishing).
    if (runtime.eventId === spec.trackEvent && runtime.loop && notice.epoch === runtime.epoch) commits.push([notice.version, lastTickAt]);
  });
  // A replica: when the owner's notice arrived from the Redis stream (before it is applied and sent to viewers).
  const registry = app.registry;
  const applyRemote = registry.applyRemote.bind(registry);
  registry.applyRemote = (notice) => {
    if (notice.eventId === spec.trackEvent) applied.push([notice.version, wallNow()]);
    return applyRemote(notice);
  };

  let windowCpu = process.cpuUsage();
  let windowStart = performance.now();
  process.on('message', (raw) => {
    const request = raw as { type: string; id: number };
    const answer = (body: unknown) => process.send?.({ id: request.id, body });
    switch (request.type) {
      case 'window-start':
        commits = [];
        applied = [];
        windowCpu = process.cpuUsage();
        windowStart = performance.now();
        answer({ ok: true });
        return;
      case 'window-end': {
        const cpu = process.cpuUsage(windowCpu);
        answer({
          instanceId,
          commits,
          applied,
          cpuMs: (cpu.user + cpu.system) / 1000,
          wallMs: performance.now() - windowStart,
          rssMb: mb(process.memoryUsage().rss),
          sockets: app.io.engine.clientsCount,
        } satisfies ClusterWindowReport);
        return;
      }
      case 'memory': {
        global.gc?.();
        const m = process.memoryUsage();
        answer({ rssMb: mb(m.rss), heapMb: mb(m.heapUsed), sockets: app.io.engine.clientsCount } satisfies ClusterMemoryReport);
        return;
      }
      case 'stop':
        void app.close().finally(() => {
          answer({ ok: true });
          setTimeout(() => process.exit(0), 50);
        });
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', url: app.url, pid: process.pid, instanceId });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
