// The cluster bench's rig: a private PostgreSQL and Redis on loopback
// (scripts/localServices.ts), a template database with the demo events plus
// copies of the arena, and N server processes (bench/clusterServer.ts) in the
// distributed mode on a fresh copy of it. Processes can be killed (-9) and
// replaced; everything is stopped and removed by stop().
import { join } from 'node:path';
import { arenaVenue } from '../db/demoVenues';
import { PostgresStore } from '../db/postgres/postgresStore';
import { seedDemoIfEmpty } from '../db/seed';
import { generateLayout } from '../lib/venueLayout';
import { rendezvousOwner } from '../server/cluster/rendezvous';
import { startPostgres, startRedis, type LocalPostgres, type LocalRedis } from '../scripts/localServices';
import { benchDir, forkTs, type Child } from './children';
import type { ClusterWindowReport } from './clusterServer';

export const ARENA = 'demo-arena';
const TEMPLATE = 'seatline_cluster_template';
/** The bench's buyers hold up to 50 seats each (the server's maximum); the seat limit is not what is measured. */
const MAX_SEATS_PER_BUYER = 50;

export interface ClusterServices {
  postgres: LocalPostgres;
  postgresVersion: string;
  /** The arena and its copies (every one has the arena's seat ids, so the workloads fit all). */
  arenaIds: string[];
  stop(): Promise<void>;
}

/** PostgreSQL with the template database: the demo events (no-orphan rule off, as in every bench) and `arenaCopies` more arenas. */
export async function startClusterServices(arenaCopies: number): Promise<ClusterServices> {
  const postgres = await startPostgres();
  try {
    const url = await postgres.createDatabase(TEMPLATE);
    const store = await PostgresStore.open(url);
    const arenaIds = [ARENA];
    try {
      await seedDemoIfEmpty(store, Date.now(), MAX_SEATS_PER_BUYER, { preventOrphanSeats: false });
      for (let i = 2; i <= arenaCopies + 1; i++) {
        const id = `bench-arena-${i}`;
        await store.createEvent({
          id,
          name: `Bench Arena ${i}`,
          venueName: 'Riverside Arena',
          startsAt: Date.now() + 30 * 24 * 3600 * 1000,
          maxSeatsPerBuyer: MAX_SEATS_PER_BUYER,
          preventOrphanSeats: false,
          layout: generateLayout(arenaVenue()),
          venueSpec: arenaVenue(),
          createdAt: Date.now(),
        });
        arenaIds.push(id);
      }
    } finally {
      await store.close();
    }
    const [{ server_version: postgresVersion }] = await (async () => {
      const { default: pg } = await import('postgres');
      const sql = pg(url, { max: 1, onnotice: () => {} });
      try {
        return await sql<{ server_version: string }[]>`SHOW server_version`;
      } finally {
        await sql.end({ timeout: 5 });
      }
    })();
    return { postgres, postgresVersion, arenaIds, stop: () => postgres.destroy() };
  } catch (error) {
    await postgres.destroy();
    throw error;
  }
}

export interface Member {
  instanceId: string;
  url: string;
  pid: number;
  child: Child;
  alive: boolean;
}

interface Health {
  instanceId: string;
  ownedEvents: string[];
  owners: Record<string, string | null>;
}

export interface Rig {
  databaseUrl: string;
  redis: LocalRedis;
  members: Member[];
  live(): Member[];
  add(): Promise<Member>;
  /** kill -9; resolves when the process is gone. */
  kill(member: Member): Promise<void>;
  health(member: Member): Promise<Health | null>;
  /** The live process that runs the event's loop, by its own word (null while none or several say so). */
  ownerOf(eventId: string): Promise<Member | null>;
  /**
   * Every event owned by exactly one live process, every live process routing to it, and that owner
   * the one rendezvous hashing names among the live processes (the handoffs after a join are done).
   */
  settled(eventIds: readonly string[], timeoutMs?: number): Promise<void>;
  /** A measuring window on every live process. */
  windowStart(): Promise<void>;
  windowEnd(): Promise<ClusterWindowReport[]>;
  stop(): Promise<void>;
}

let databases = 0;

/** N processes on a fresh copy of the template and a fresh Redis. */
export async function startRig(services: ClusterServices, processes: number, options: { leaseTtlMs?: number } = {}): Promise<Rig> {
  const databaseUrl = await services.postgres.createDatabase(`cluster_${process.pid}_${++databases}`, TEMPLATE);
  const redis = await startRedis();
  let seq = 0;
  const members: Member[] = [];
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    SESSION_SECRET: 'cluster-bench-session-secret-0123456789abcdef',
    ADMIN_PASSWORD: 'cluster-bench-organizer',
    MAX_SEATS_PER_BUYER: String(MAX_SEATS_PER_BUYER),
    ...(options.leaseTtlMs ? { LEASE_TTL_MS: String(options.leaseTtlMs) } : {}),
  };
  const rig: Rig = {
    databaseUrl,
    redis,
    members,
    live: () => members.filter((m) => m.alive),
    async add() {
      const instanceId = `bench-${++seq}`;
      const child = forkTs(join(benchDir, 'clusterServer.ts'), [JSON.stringify({ trackEvent: ARENA })], { env: { ...env, INSTANCE_ID: instanceId }, maxOldSpaceMb: 4096 });
      const ready = await child.next<{ url: string; pid: number }>('ready', 120_000).catch(async (error: unknown) => {
        await child.stop();
        throw error;
      });
      const member: Member = { instanceId, url: ready.url, pid: ready.pid, child, alive: true };
      child.proc.once('exit', () => (member.alive = false));
      members.push(member);
      return member;
    },
    async kill(member) {
      const exited = new Promise<void>((resolve) => (member.child.proc.exitCode !== null || member.child.proc.signalCode !== null ? resolve() : member.child.proc.once('exit', () => resolve())));
      member.child.proc.kill('SIGKILL');
      await exited;
      member.alive = false;
    },
    async health(member) {
      if (!member.alive) return null;
      try {
        const res = await fetch(`${member.url}/api/health`, { signal: AbortSignal.timeout(3_000) });
        return res.ok ? ((await res.json()) as Health) : null;
      } catch {
        return null;
      }
    },
    async ownerOf(eventId) {
      const live = rig.live();
      const healths = await Promise.all(live.map((m) => rig.health(m)));
      const owners = live.filter((_, i) => healths[i]?.ownedEvents.includes(eventId));
      return owners.length === 1 ? owners[0] : null;
    },
    async settled(eventIds, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const live = rig.live();
        const healths = await Promise.all(live.map((m) => rig.health(m)));
        const ok =
          healths.every((h) => h !== null) &&
          eventIds.every((eventId) => {
            const owners = live.filter((_, i) => healths[i]!.ownedEvents.includes(eventId));
            return (
              owners.length === 1 &&
              owners[0].instanceId === rendezvousOwner(eventId, live.map((m) => m.instanceId)) &&
              healths.every((h) => h!.owners[eventId] === owners[0].instanceId)
            );
          });
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`cluster not settled within ${timeoutMs} ms: ${JSON.stringify(healths)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async windowStart() {
      await Promise.all(rig.live().map((m) => m.child.request({ type: 'window-start' })));
    },
    async windowEnd() {
      return Promise.all(rig.live().map((m) => m.child.request<ClusterWindowReport>({ type: 'window-end' })));
    },
    async stop() {
      await Promise.all(members.map((m) => m.child.stop()));
      await redis.stop();
    },
  };
  try {
    // One first (it applies nothing new: the database is migrated and seeded), then the others at once.
    await rig.add();
    await Promise.all(Array.from({ length: processes - 1 }, () => rig.add()));
  } catch (error) {
    await rig.stop();
    throw error;
  }
  return rig;
}
