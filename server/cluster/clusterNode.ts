// One process's membership of the cluster (the distributed mode): the pieces
// of server/cluster/ wired to the registry, to Socket.IO and to Redis.
//
//   OwnershipManager ── own(eventId, epoch) / disown ──▶ EventRegistry (loops of owned events)
//   CommandRouter    ◀── registry.execute ── edge (HTTP, sockets);  ──▶ owner's loop via Redis
//   NoticeBus        ── owner's commit notices and beacons ──▶ every replica (adapter stream)
//   RedisRateLimits  ── per-address limits and login throttles shared by every process
//   RedisAddressHoldLimit ── seats held at once per event and address, counted for the whole cluster
//   RoomChanges      ── a waiting room switched here ──▶ every process re-reads its directory before "saved"
//   heartbeat meta   ── owned events, mailbox depths, viewers per event ──▶ console, cluster-wide counts
//
// docs/scaling.md describes the design; this file only connects the parts.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { LiveInstance } from '../../db/leaseStore';
import type { Store } from '../../db/store';
import type { LiveFigures } from '../admin/eventStats';
import type { ClusterConfig } from '../config';
import type { EventRegistry } from '../eventRegistry';
import type { Logger } from '../logger';
import type { RateLimitStores } from '../rateLimiter';
import type { AddressHoldLimit } from '../waitingRoom/addressHolds';
import { CommandRouter } from './commandRouter';
import { NoticeBus, type InterServerChannel } from './noticeBus';
import { OwnershipManager } from './ownership';
import { RedisAddressHoldLimit } from './redisAddressHolds';
import { RedisRateLimits } from './redisRateLimitStore';
import { RoomChanges, type RoomChangeChannel } from './roomChanges';

/** What a process tells the others with every heartbeat (read by the console and for cluster-wide counts). */
export interface InstanceMeta {
  url: string;
  pid: number;
  ownedEvents: { eventId: string; epoch: number; mailboxDepth: number }[];
  /** Sockets watching each event on this process (only events with viewers). */
  viewers: Record<string, number>;
  sockets: number;
}

export interface ClusterNodeOptions {
  config: ClusterConfig;
  store: Store;
  registry: EventRegistry;
  logger: Logger;
}

/** The Socket.IO pieces the node needs once the server exists. */
export interface SocketFacts {
  channel: InterServerChannel & RoomChangeChannel;
  /** Viewers of an event on this process. */
  localViewers(eventId: string): number;
  localSockets(): number;
}

export class ClusterNode {
  readonly instanceId: string;
  readonly rateLimitStores: RateLimitStores;
  readonly manager: OwnershipManager;
  readonly router: CommandRouter;
  /** Waiting-room switches announced to every process (the waiting room listens and announces). */
  readonly roomChanges: RoomChanges;
  private readonly rateLimits: RedisRateLimits;
  private addressHolds: RedisAddressHoldLimit | null = null;
  /** The adapter's publishing connection (it duplicates it to read the stream). */
  private readonly adapterRedis: Redis;
  private bus: NoticeBus | null = null;
  private socketFacts: SocketFacts | null = null;
  private url = '';

  constructor(private readonly options: ClusterNodeOptions) {
    const { config, registry, logger, store } = options;
    this.instanceId = config.instanceId;
    this.rateLimits = new RedisRateLimits({ redisUrl: config.redisUrl, logger });
    this.rateLimitStores = this.rateLimits.stores;
    this.roomChanges = new RoomChanges({ instanceId: config.instanceId, logger, timeoutMs: config.routeTimeoutMs });
    // Default ioredis options on purpose: commands wait through a reconnect (the offline queue),
    // so a notice published during a short outage is sent after it rather than lost.
    this.adapterRedis = new Redis(config.redisUrl, { connectionName: `seatline:${config.instanceId}:adapter`, lazyConnect: true });
    this.adapterRedis.on('error', (error) => logger.warn({ err: error }, 'Socket.IO adapter: Redis connection trouble'));
    this.router = new CommandRouter({
      instanceId: config.instanceId,
      redisUrl: config.redisUrl,
      owners: { ownerOf: (eventId) => this.manager.ownerOf(eventId) },
      submitLocal: (eventId, command) => registry.executeLocal(eventId, command),
      timeoutMs: config.routeTimeoutMs,
      logger,
    });
    const checkIntervalMs = Math.max(100, Math.round(config.leaseTtlMs / 6));
    this.manager = new OwnershipManager({
      store: store.leases,
      instanceId: config.instanceId,
      leaseTtlMs: config.leaseTtlMs,
      checkIntervalMs,
      heartbeatMs: Math.max(checkIntervalMs, Math.round(config.leaseTtlMs / 3)),
      meta: () => ({ ...this.meta() }), // InstanceMeta as a plain record
      eventIds: async () => {
        const ids = await store.leases.eventIds();
        // Events created on another process: serve them here too (as replicas).
        for (const eventId of ids) if (!registry.get(eventId)) registry.start(eventId).catch((error: unknown) => logger.warn({ err: error, eventId }, 'opening a replica failed'));
        return ids;
      },
      owner: {
        onAcquire: async (eventId, epoch) => {
          await registry.own(eventId, epoch);
          this.bus?.announce([eventId]);
        },
        onLose: async (eventId, reason) => {
          logger.info({ eventId, reason }, 'giving up an event');
          await registry.disown(eventId);
        },
        isIdle: (eventId) => registry.isIdle(eventId),
        onError: (message, error) => logger.warn({ err: error }, message),
      },
    });
    registry.onFenced((eventId, epoch) => this.manager.reportFenced(eventId, epoch));
  }

  /** Connects to Redis (fails fast on a wrong REDIS_URL) and returns the Socket.IO adapter to install. */
  async connect(): Promise<ReturnType<typeof createAdapter>> {
    await this.rateLimits.start();
    await this.adapterRedis.connect();
    await this.router.start();
    this.options.registry.useRouter((eventId, command) => this.router.route(eventId, command));
    return createAdapter(this.adapterRedis, { streamName: 'seatline:sio', maxLen: 100_000, onlyPlaintext: true });
  }

  /** The "seats held at once per event and address" limit, counted in Redis for the whole cluster (one per node). */
  async addressHoldLimit(limit: number, clock: () => number): Promise<AddressHoldLimit> {
    if (this.addressHolds) throw new Error('the address hold limit was already made');
    this.addressHolds = new RedisAddressHoldLimit({ redisUrl: this.options.config.redisUrl, logger: this.options.logger, limit, clock });
    await this.addressHolds.start();
    return this.addressHolds;
  }

  /** Joins the cluster: replicas follow the owners' notices, and this process takes its share of the events. */
  start(facts: SocketFacts, url: string): void {
    this.socketFacts = facts;
    this.url = url;
    this.bus = new NoticeBus({
      channel: facts.channel,
      registry: this.options.registry,
      instanceId: this.instanceId,
      logger: this.options.logger,
      onOwner: (eventId, instanceId, epoch) => this.manager.noteOwner(eventId, instanceId, epoch),
    });
    this.bus.start();
    this.roomChanges.attach(facts.channel);
    this.manager.start();
  }

  /** For /api/health: who answers, which events' loops it runs now, and where it sends the others' commands. */
  health(): { instanceId: string; ownedEvents: string[]; owners: Record<string, string | null> } {
    const runtimes = this.options.registry.list();
    // Owned: this process holds the lease AND its loop runs (a loop still stopping after its lease was lost is not the owner).
    const leased = new Set(this.manager.ownedEvents().map((owned) => owned.eventId));
    return {
      instanceId: this.instanceId,
      ownedEvents: runtimes.filter((r) => r.loop && leased.has(r.eventId)).map((r) => r.eventId),
      owners: Object.fromEntries(runtimes.map((r) => [r.eventId, this.manager.ownerOf(r.eventId)?.instanceId ?? null])),
    };
  }

  /** Viewer counts and mailbox depths across the cluster: this process's own, the others' from their last heartbeat. */
  figures(): LiveFigures {
    const others = (): LiveInstance[] => this.manager.instances().filter((i) => i.instanceId !== this.instanceId);
    return {
      viewersOf: (eventId) => {
        let total = this.socketFacts?.localViewers(eventId) ?? 0;
        for (const instance of others()) total += numberIn(instance.meta, 'viewers', eventId);
        return total;
      },
      mailboxDepthOf: (eventId) => {
        const loop = this.options.registry.get(eventId)?.loop;
        if (loop) return loop.mailboxDepth;
        const owner = this.manager.ownerOf(eventId);
        const meta = others().find((i) => i.instanceId === owner?.instanceId)?.meta;
        const owned = Array.isArray(meta?.ownedEvents) ? (meta.ownedEvents as InstanceMeta['ownedEvents']) : [];
        return owned.find((o) => o?.eventId === eventId)?.mailboxDepth ?? 0;
      },
    };
  }

  private meta(): InstanceMeta {
    const viewers: Record<string, number> = {};
    const ownedEvents: InstanceMeta['ownedEvents'] = [];
    for (const runtime of this.options.registry.list()) {
      const n = this.socketFacts?.localViewers(runtime.eventId) ?? 0;
      if (n > 0) viewers[runtime.eventId] = n;
      if (runtime.loop && runtime.epoch !== null) ownedEvents.push({ eventId: runtime.eventId, epoch: runtime.epoch, mailboxDepth: runtime.loop.mailboxDepth });
    }
    return { url: this.url, pid: process.pid, ownedEvents, viewers, sockets: this.socketFacts?.localSockets() ?? 0 };
  }

  /**
   * Leaves the cluster: hands every owned event off (its loop stops after the batch in flight, the
   * lease is released so the next owner need not wait out the TTL), then closes the connections.
   */
  async close(): Promise<void> {
    await this.manager.stop({ graceful: true });
    this.bus?.stop();
    await this.router.close();
    await this.rateLimits.close();
    await this.addressHolds?.close();
  }

  /** After Socket.IO closed (the adapter reads the stream until then). */
  disconnectAdapter(): void {
    this.adapterRedis.disconnect();
  }
}

function numberIn(meta: Record<string, unknown>, key: string, eventId: string): number {
  const table = meta[key];
  if (!table || typeof table !== 'object') return 0;
  const value = (table as Record<string, unknown>)[eventId];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
