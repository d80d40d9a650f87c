// A real cluster for tests: its own redis-server, a fresh PostgreSQL database
// on the run's server (tests/support/globalSetup.ts), and N server processes
// (tests/server/fixtures/childServer.ts) in the distributed mode, each on its
// own loopback port. Processes can be killed (-9), stopped (SIGSTOP) and
// continued, and started again.
import { startRedis, type LocalRedis } from '../../scripts/localServices';
import { rendezvousOwner } from '../../server/cluster/rendezvous';
import { freshPostgresDatabase } from '../support/stores';
import { getJson, startChildServer, type ChildServer } from '../server/helpers';
import { waitUntil } from '../support/waitUntil';

export interface ClusterProcess {
  instanceId: string;
  server: ChildServer;
  url: string;
}

export interface Health {
  status: string;
  instanceId: string;
  ownedEvents: string[];
  /** Where this process sends each event's commands. */
  owners: Record<string, string | null>;
}

export interface TestCluster {
  redis: LocalRedis;
  databaseUrl: string;
  processes: ClusterProcess[];
  /** Starts one more process (or a replacement) with this instance id. */
  add(instanceId: string): Promise<ClusterProcess>;
  health(process: ClusterProcess): Promise<Health | null>;
  /** The process owning the event now, by the live processes' own word (null while none says so). */
  ownerOf(eventId: string): Promise<ClusterProcess | null>;
  /** Waits until every event is owned by exactly one live process, which runs its loop, and every live process routes to it. */
  settled(eventIds: readonly string[], timeoutMs?: number): Promise<void>;
  isAlive(process: ClusterProcess): boolean;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  processes?: number;
  env?: Record<string, string>;
  /** The database's template: the demo events with the no-orphan rule ('demo') or without ('demo-free'). */
  template?: 'demo' | 'demo-free';
}

export const CLUSTER_EVENTS = ['demo-arena', 'demo-theatre'] as const;

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const redis = await startRedis();
  const database = await freshPostgresDatabase(options.template ?? 'demo-free');
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    SEED_DEMO: '0',
    // The same secrets everywhere: a buyer's token or an organizer's session works on every process.
    SESSION_SECRET: 'cluster-test-session-secret-0123456789',
    ADMIN_PASSWORD: 'cluster-test-organizer',
    RATE_LIMIT_SOCKET_PER_SEC: '0',
    RATE_LIMIT_IP_PER_SEC: '0',
    ...options.env,
  };
  const processes: ClusterProcess[] = [];
  const exitedPids = new Set<number>();
  const add = async (instanceId: string): Promise<ClusterProcess> => {
    const server = await startChildServer({ ...env, INSTANCE_ID: instanceId }, 60_000);
    void server.exited.then(() => exitedPids.add(server.pid));
    const started = { instanceId, server, url: server.url };
    processes.push(started);
    return started;
  };
  const cluster: TestCluster = {
    redis,
    databaseUrl: database.url,
    processes,
    add,
    async health(process) {
      if (!cluster.isAlive(process)) return null;
      try {
        const { status, body } = await getJson<Health>(`${process.url}/api/health`);
        return status === 200 ? body : null;
      } catch {
        return null;
      }
    },
    async ownerOf(eventId) {
      const owners: ClusterProcess[] = [];
      for (const p of processes) if ((await cluster.health(p))?.ownedEvents.includes(eventId)) owners.push(p);
      return owners.length === 1 ? owners[0] : null;
    },
    async settled(eventIds, timeoutMs = 30_000) {
      await waitUntil(
        async () => {
          const live = processes.filter((p) => cluster.isAlive(p));
          const healths = await Promise.all(live.map((p) => cluster.health(p)));
          if (healths.some((h) => h === null)) return false;
          return eventIds.every((eventId) => {
            const owners = live.filter((_, i) => healths[i]!.ownedEvents.includes(eventId));
            // One owner, the one rendezvous hashing picks among the live processes (so no handoff is still to
            // come), running the loop, and every live process routes the event's commands to it.
            const desired = rendezvousOwner(eventId, live.map((p) => p.instanceId));
            return owners.length === 1 && owners[0].instanceId === desired && healths.every((h) => h!.owners[eventId] === desired);
          });
        },
        'every event owned by exactly one live process',
        timeoutMs,
        100,
      );
    },
    isAlive: (process) => !exitedPids.has(process.server.pid) && process.server.child.exitCode === null && process.server.child.signalCode === null,
    async stop() {
      await Promise.all(processes.map((p) => p.server.kill()));
      await redis.stop();
      await database.drop();
    },
  };
  try {
    // One first (it applies nothing new: the database is migrated and seeded), then the others at once.
    await add('node-1');
    await Promise.all(Array.from({ length: (options.processes ?? 3) - 1 }, (_, i) => add(`node-${i + 2}`)));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Sends a signal to a process (SIGSTOP / SIGCONT). */
export function signal(process: ClusterProcess, name: NodeJS.Signals): void {
  globalThis.process.kill(process.server.pid, name);
}

/** A counter from the process's /metrics (loopback), or 0 when absent. */
export async function metricOf(process: ClusterProcess, name: string): Promise<number> {
  const res = await fetch(`${process.url}/metrics`);
  const text = await res.text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
