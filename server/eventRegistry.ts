// Every event this process serves: its static layout (cached, compressed),
// its committed view (what reads are served from), its live seat feed and
// organizer figures, and its reservation loop. Commit notices are processed
// in version order per event; a notice that changed the event itself waits
// for the new details before anyone hears about it.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { EventDetail, SeatLayout } from '../lib/protocol';
import type { Store } from '../db/store';
import { EventStats } from './admin/eventStats';
import type { CommitNotice } from './events/commitNotice';
import type { CommittedView } from './events/committedView';
import type { Logger } from './logger';
import { ReservationLoop, type Timers } from './loop/reservationLoop';
import type { Metrics } from './metrics';
import type { Command, Effect, IdSource, Outcome } from '../core/types';
import { SeatFeed, layoutKeyOf, sortSeatsInLayoutOrder } from './seatFeed';

export interface EventRuntime {
  eventId: string;
  detail: EventDetail;
  /** The layout response body, serialized once, and its ETag. */
  detailJson: string;
  /** The same body gzipped once (the arena's layout is ~2.8 MB raw, ~10× smaller gzipped). */
  detailGzip: Buffer;
  detailEtag: string;
  seatById: Map<string, SeatLayout>;
  /** The event as of its last commit. */
  view: CommittedView;
  /** Live statuses in layout order: the cached join snapshot and the seat indices of deltas. */
  seatFeed: SeatFeed;
  stats: EventStats;
  loop: ReservationLoop;
  /** Set while a notice that changed the event's details or layout is being processed. */
  settling: Promise<void> | null;
}

export interface RegistryOptions {
  store: Store;
  ids: IdSource;
  clock: () => number;
  timers?: Timers;
  holdTtlMs: number;
  mailboxCapacity: number;
  maxBatchSize: number;
  checkInvariants: boolean;
  /** Crash tests: SIGKILL inside the Nth batch transaction (counted across events). */
  faultKillInCommit?: number;
  metrics: Metrics;
  logger: Logger;
}

type CommitListener = (runtime: EventRuntime, notice: CommitNotice, effects: readonly Effect[]) => void;

/** A per-event component hosted beside the event's loop (the waiting room's admission ticker). */
export interface Sidecar {
  stop(): Promise<void>;
}
export type SidecarFactory = (runtime: EventRuntime) => Sidecar;

export class EventRegistry {
  private readonly runtimes = new Map<string, EventRuntime>();
  private readonly listeners: CommitListener[] = [];
  /** Live holds → their event, so releases and confirms need no storage look-up. */
  private readonly liveHoldEvents = new Map<string, string>();
  private readonly sidecarFactories: SidecarFactory[] = [];
  private readonly sidecars = new Map<string, Sidecar[]>();

  private commits = 0;
  private readonly beforeCommit = (): void => {
    const killAt = this.options.faultKillInCommit;
    if (killAt !== undefined && ++this.commits === killAt) process.kill(process.pid, 'SIGKILL');
  };

  constructor(private readonly options: RegistryOptions) {}

  get store(): Store {
    return this.options.store;
  }

  async startAll(): Promise<void> {
    for (const event of await this.options.store.listEvents()) await this.start(event.id);
  }

  async start(eventId: string): Promise<EventRuntime> {
    const existing = this.runtimes.get(eventId);
    if (existing) return existing;
    const { store, metrics, logger, clock } = this.options;
    const log = logger.child({ eventId });
    const stats = new EventStats(eventId, clock);
    stats.seed(await store.salesHistory(eventId, stats.historySinceMs()));
    const detail = await this.loadDetail(eventId);
    const loop = await ReservationLoop.start({
      eventId,
      storage: {
        load: async () => {
          const state = await store.loadLoopState(eventId, this.options.holdTtlMs);
          if (!state) throw new Error(`event ${eventId} vanished from storage`);
          return state;
        },
        write: (() => {
          const writer = store.batchWriter(eventId, { beforeCommit: this.beforeCommit });
          return (batch) => writer.write(batch);
        })(),
      },
      ids: this.options.ids,
      clock,
      timers: this.options.timers,
      mailboxCapacity: this.options.mailboxCapacity,
      maxBatchSize: this.options.maxBatchSize,
      checkInvariants: this.options.checkInvariants,
      observer: {
        onCommand: (type, outcome, latencyMs) => {
          metrics.observeCommand(type, outcome, latencyMs);
          stats.recordLatency(latencyMs);
        },
        onTick: ({ batchSize, commitMs, depth }) => {
          metrics.batchSize.observe(batchSize);
          if (commitMs > 0) metrics.commitDuration.observe(commitMs / 1000);
          metrics.mailboxDepth.set({ event: eventId }, depth);
        },
        onCommitted: (notice, effects) => this.committed(eventId, notice, effects),
        onError: (message, error) => log.error({ err: error }, message),
      },
    });
    // A start racing another start of the same event (two organizer requests): keep the first.
    const raced = this.runtimes.get(eventId);
    if (raced) {
      await loop.stop();
      return raced;
    }
    const runtime: EventRuntime = {
      eventId,
      ...detail,
      view: loop.view,
      seatFeed: new SeatFeed(detail.detail.seats, loop.view),
      stats,
      loop,
      settling: null,
    };
    this.followView(runtime);
    this.runtimes.set(eventId, runtime);
    for (const hold of loop.view.activeHolds()) this.liveHoldEvents.set(hold.id, eventId);
    this.sidecars.set(eventId, this.sidecarFactories.map((make) => make(runtime)));
    log.info({ seats: detail.detail.seats.length, version: loop.version }, 'reservation loop started');
    return runtime;
  }

  /** Keeps the seat feed in step with the committed view. */
  private followView(runtime: EventRuntime): void {
    runtime.view.subscribe((notice) => {
      if (notice === null) runtime.seatFeed.invalidate();
      else if (notice.eventChange !== 'layout') runtime.seatFeed.apply(notice.version, notice.seats);
    });
  }

  /** Reads the static layout and details (at start, or after an organizer changed them). */
  private async loadDetail(eventId: string): Promise<Pick<EventRuntime, 'detail' | 'detailJson' | 'detailGzip' | 'detailEtag' | 'seatById'>> {
    const loaded = await this.options.store.loadEventDetail(eventId, this.options.holdTtlMs);
    if (!loaded) throw new Error(`no event ${eventId}`);
    // The layout order is part of the wire contract (snapshots and deltas address seats by
    // index), so it is fixed here rather than left to the database's scan order.
    const seats = sortSeatsInLayoutOrder(loaded.seats);
    const detail: EventDetail = { ...loaded, layoutKey: layoutKeyOf(seats), seats };
    const detailJson = JSON.stringify({ ok: true, event: detail });
    return {
      detail,
      detailJson,
      detailGzip: gzipSync(detailJson),
      detailEtag: `"${createHash('sha1').update(detailJson).digest('base64url')}"`,
      seatById: new Map(detail.seats.map((s) => [s.id, s])),
    };
  }

  private committed(eventId: string, notice: CommitNotice, effects: readonly Effect[]): void {
    const runtime = this.runtimes.get(eventId);
    if (!runtime) return;
    for (const ended of notice.holdsEnded) if (ended.reason === 'expired') this.options.metrics.holdsExpired.inc();
    runtime.stats.recordBatch(notice);
    for (const hold of notice.holdsCreated) this.liveHoldEvents.set(hold.id, eventId);
    for (const hold of notice.holdsEnded) this.liveHoldEvents.delete(hold.id);
    const deliver = () => {
      for (const listener of this.listeners) listener(runtime, notice, effects);
    };
    if (notice.eventChange === 'deleted') {
      void runtime.loop.stop();
      for (const sidecar of this.sidecars.get(eventId) ?? []) void sidecar.stop();
      this.sidecars.delete(eventId);
      this.runtimes.delete(eventId);
      this.options.metrics.mailboxDepth.remove({ event: eventId });
      this.options.logger.info({ eventId }, 'event deleted; its loop stopped');
      deliver();
      return;
    }
    const previous = runtime.settling;
    if (!notice.eventChange && !previous) {
      deliver();
      return;
    }
    // Viewers hear of this version (and of every later one) once the new details are in place.
    const settled = (previous ?? Promise.resolve())
      .then(async () => {
        if (!notice.eventChange) return;
        const detail = await this.loadDetail(eventId);
        Object.assign(runtime, detail);
        if (notice.eventChange === 'layout') runtime.seatFeed = new SeatFeed(detail.detail.seats, runtime.view);
      })
      .catch((error: unknown) => this.options.logger.error({ err: error, eventId }, 'reloading the event after a change failed'))
      .then(deliver);
    runtime.settling = settled;
    void settled.then(() => {
      if (runtime.settling === settled) runtime.settling = null;
    });
  }

  get(eventId: string): EventRuntime | undefined {
    return this.runtimes.get(eventId);
  }

  /** The event, once any change to its details that committed has been loaded. */
  async settled(eventId: string): Promise<EventRuntime | undefined> {
    for (;;) {
      const runtime = this.runtimes.get(eventId);
      if (!runtime?.settling) return runtime;
      await runtime.settling;
    }
  }

  list(): EventRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Sends a command to the event's loop; resolves with its outcome after commit. */
  execute(runtime: EventRuntime, command: Command): Promise<Outcome> {
    return runtime.loop.execute(command);
  }

  /** Which event a hold belongs to (committed holds only: ids are handed out after commit). */
  async eventOfHold(holdId: string): Promise<EventRuntime | undefined> {
    const live = this.liveHoldEvents.get(holdId);
    if (live) return this.runtimes.get(live);
    // Ended holds (for precise hold_expired / already_confirmed answers) are looked up in storage.
    const eventId = await this.options.store.eventOfHold(holdId);
    return eventId ? this.runtimes.get(eventId) : undefined;
  }

  onCommitted(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** Runs a component beside every event's loop, from now on (in distributed mode: on the owner only). */
  addSidecar(factory: SidecarFactory): void {
    this.sidecarFactories.push(factory);
    for (const runtime of this.runtimes.values()) this.sidecars.get(runtime.eventId)?.push(factory(runtime));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sidecars.values()].flat().map((sidecar) => sidecar.stop()));
    this.sidecars.clear();
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.loop.stop()));
  }
}
