// Every event this process serves: its static layout (cached, compressed),
// its committed view (what reads are served from), its live seat feed and
// organizer figures, and its reservation loop. Commit notices are processed
// in version order per event; a notice that changed the event itself waits
// for the new details before anyone hears about it.
//
// Embedded mode: this process runs every event's loop. Distributed mode: it
// runs the loops of the events it owns (own / disown, told by the ownership
// manager) and keeps a replica of every other event's committed view, fed by
// the owners' notices (applyRemote) and re-read from the store on a gap
// (resync). Reads are served from whichever view the runtime has; commands
// go to the local loop or through the router to the owner.
import type { Store } from '../db/store';
import { EventStats } from './admin/eventStats';
import type { CommitNotice } from './events/commitNotice';
import { CommittedView } from './events/committedView';
import type { Logger } from './logger';
import { unavailable, type ReservationLoop, type Timers } from './loop/reservationLoop';
import { startEventLoop } from './events/loopFactory';
import type { Metrics } from './metrics';
import type { Command, Effect, IdSource, Outcome } from '../core/types';
import { SeatFeed } from './seatFeed';
import { loadEventDetailParts, type EventDetailParts } from './events/eventDetail';

export interface EventRuntime extends EventDetailParts {
  eventId: string;
  /** The event as of its last commit. */
  view: CommittedView;
  /** Live statuses in layout order: the cached join snapshot and the seat indices of deltas. */
  seatFeed: SeatFeed;
  stats: EventStats;
  /** This process's loop of the event: always in the embedded mode; only while it owns the event in the distributed mode. */
  loop: ReservationLoop | null;
  /** The ownership epoch `loop` runs under (0 in the embedded mode), null without a loop. */
  epoch: number | null;
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
  /** 'distributed': loops only for owned events (own/disown), replicas of the others. Default 'embedded'. */
  mode?: 'embedded' | 'distributed';
}

/** Routes a command to the event's owner (the distributed mode's CommandRouter). */
export type CommandRoute = (eventId: string, command: Command) => Promise<Outcome>;

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
  private readonly opening = new Map<string, Promise<EventRuntime>>();
  private readonly unfollow = new Map<string, () => void>();
  private readonly resyncListeners: ((runtime: EventRuntime) => void)[] = [];
  private readonly fencedListeners: ((eventId: string, epoch: number) => void)[] = [];
  private route: CommandRoute | null = null;

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

  get distributed(): boolean {
    return this.options.mode === 'distributed';
  }

  /**
   * Makes the event known to this process: with its loop in the embedded mode, as a replica
   * in the distributed mode (its owner is chosen by the ownership manager, which calls own()).
   */
  async start(eventId: string): Promise<EventRuntime> {
    const existing = this.runtimes.get(eventId);
    if (existing) return existing;
    const pending = this.opening.get(eventId);
    if (pending) return pending;
    const opened = (this.distributed ? this.openReplica(eventId) : this.openWithLoop(eventId)).finally(() => this.opening.delete(eventId));
    this.opening.set(eventId, opened);
    return opened;
  }

  private async openWithLoop(eventId: string): Promise<EventRuntime> {
    const detail = await this.loadDetail(eventId);
    const stats = await this.loadStats(eventId);
    const loop = await this.startLoop(eventId, 0);
    const runtime = this.register({ eventId, ...detail, view: loop.view, seatFeed: new SeatFeed(detail.detail.seats, loop.view), stats, loop, epoch: 0, settling: null });
    this.startSidecars(runtime);
    this.options.logger.info({ eventId, seats: detail.detail.seats.length, version: loop.version }, 'reservation loop started');
    return runtime;
  }

  /** A runtime without a loop: its committed view as the store has it now. */
  private async openReplica(eventId: string): Promise<EventRuntime> {
    const detail = await this.loadDetail(eventId);
    const stats = await this.loadStats(eventId);
    const view = CommittedView.fromState(await this.loadState(eventId));
    return this.register({ eventId, ...detail, view, seatFeed: new SeatFeed(detail.detail.seats, view), stats, loop: null, epoch: null, settling: null });
  }

  private register(runtime: EventRuntime): EventRuntime {
    this.follow(runtime);
    this.runtimes.set(runtime.eventId, runtime);
    for (const hold of runtime.view.activeHolds()) this.liveHoldEvents.set(hold.id, runtime.eventId);
    return runtime;
  }

  private async loadStats(eventId: string): Promise<EventStats> {
    const stats = new EventStats(eventId, this.options.clock);
    stats.seed(await this.options.store.salesHistory(eventId, stats.historySinceMs()));
    return stats;
  }

  private async loadState(eventId: string) {
    const state = await this.options.store.loadLoopState(eventId, this.options.holdTtlMs);
    if (!state) throw new Error(`event ${eventId} vanished from storage`);
    return state;
  }

  /** Starts the event's loop from the store, fenced by `epoch` (0: the embedded mode, no fence). */
  private startLoop(eventId: string, epoch: number): Promise<ReservationLoop> {
    return startEventLoop(this.options, eventId, epoch, {
      beforeCommit: this.beforeCommit,
      load: () => this.loadState(eventId),
      onLatency: (latencyMs) => this.runtimes.get(eventId)?.stats.recordLatency(latencyMs),
      onCommitted: (notice, effects) => this.committed(eventId, notice, effects),
      onFenced: () => {
        for (const listener of this.fencedListeners) listener(eventId, epoch);
      },
    });
  }

  // ---------- the distributed mode: ownership and replicas ----------

  /**
   * This process now owns the event at `epoch`: starts its loop from the store (which releases
   * holds that expired meanwhile and continues the version sequence) and serves reads from it.
   */
  async own(eventId: string, epoch: number): Promise<void> {
    const runtime = await this.start(eventId);
    if (runtime.loop) await this.disown(eventId);
    const loop = await this.startLoop(eventId, epoch);
    if (this.runtimes.get(eventId) !== runtime) {
      await loop.stop(); // deleted while the loop was starting
      return;
    }
    runtime.loop = loop;
    runtime.epoch = epoch;
    this.adoptView(runtime, loop.view);
    this.startSidecars(runtime);
    this.options.metrics.ownershipChanges.inc({ change: 'acquired' });
    this.options.logger.info({ eventId, epoch, version: loop.version }, 'owner: reservation loop started');
  }

  /** This process no longer owns the event: stops its loop; the view it leaves becomes a replica. */
  async disown(eventId: string): Promise<void> {
    const runtime = this.runtimes.get(eventId);
    const loop = runtime?.loop;
    if (!runtime || !loop) return;
    await this.stopSidecars(eventId);
    await loop.stop();
    if (runtime.loop === loop) {
      runtime.loop = null;
      runtime.epoch = null;
    }
    this.options.metrics.mailboxDepth.remove({ event: eventId });
    this.options.metrics.ownershipChanges.inc({ change: 'lost' });
    this.options.logger.info({ eventId, version: runtime.view.version }, 'owner no more: reservation loop stopped');
  }

  /** True when nothing is queued or being committed for the event here (handoffs wait for it). */
  isIdle(eventId: string): boolean {
    const loop = this.runtimes.get(eventId)?.loop;
    return !loop || (loop.mailboxDepth === 0 && !loop.isBusy);
  }

  /**
   * Another process's commit notice (in the order the owner published them). Applied to the
   * replica; a gap (or a layout change, which a notice does not carry) re-reads the store.
   * Ignored while this process runs the event's loop itself.
   */
  async applyRemote(notice: CommitNotice): Promise<void> {
    const runtime = this.runtimes.get(notice.eventId) ?? (notice.eventChange === 'deleted' ? undefined : await this.start(notice.eventId));
    if (!runtime || runtime.loop) return;
    if (notice.eventChange === 'layout') {
      if (notice.version <= runtime.view.version) return;
      await this.resync(notice.eventId);
      return this.committed(notice.eventId, notice, []);
    }
    const result = runtime.view.apply(notice);
    if (result === 'applied') this.committed(notice.eventId, notice, []);
    else if (result === 'gap') await this.resync(notice.eventId);
  }

  /** The owner's latest committed version (its periodic beacon): a replica behind it re-reads the store. */
  async checkVersion(eventId: string, version: number): Promise<void> {
    const runtime = this.runtimes.get(eventId) ?? (await this.start(eventId));
    if (!runtime.loop && runtime.view.version < version) await this.resync(eventId);
  }

  /** Re-reads the event's committed state into its replica; viewers below its version are told to take a snapshot. */
  async resync(eventId: string): Promise<void> {
    const runtime = this.runtimes.get(eventId);
    if (!runtime || runtime.loop) return;
    const state = await this.options.store.loadLoopState(eventId, this.options.holdTtlMs);
    if (!state || runtime.loop || state.version < runtime.view.version) return;
    // The details too: a gap may have swallowed an organizer's change (name, sale status, layout),
    // whose notice would have reloaded them, and GET /api/events/:id serves them as they were loaded.
    const detail = await this.loadDetail(eventId);
    for (const hold of runtime.view.activeHolds()) this.liveHoldEvents.delete(hold.id);
    const layoutChanged = detail.detail.layoutKey !== runtime.detail.layoutKey || state.seats.length !== runtime.view.capacity;
    if (detail.detailEtag !== runtime.detailEtag) Object.assign(runtime, detail);
    runtime.view.reset(state);
    if (layoutChanged) runtime.seatFeed = new SeatFeed(runtime.detail.seats, runtime.view);
    for (const hold of runtime.view.activeHolds()) this.liveHoldEvents.set(hold.id, eventId);
    for (const listener of this.resyncListeners) listener(runtime);
  }

  /** Serves reads from `view` from now on (a loop that just started here): its viewers resync if they fell behind. */
  private adoptView(runtime: EventRuntime, view: CommittedView): void {
    if (runtime.view === view) return;
    for (const hold of runtime.view.activeHolds()) this.liveHoldEvents.delete(hold.id);
    runtime.view = view;
    runtime.seatFeed = new SeatFeed(runtime.detail.seats, view);
    this.follow(runtime);
    for (const hold of view.activeHolds()) this.liveHoldEvents.set(hold.id, runtime.eventId);
    for (const listener of this.resyncListeners) listener(runtime);
  }

  /** Commands go through `route` (to the event's owner, wherever it runs) from now on. */
  useRouter(route: CommandRoute): void {
    this.route = route;
  }

  /** A replica's view was re-read from the store, or a loop took over the reads. */
  onResynced(listener: (runtime: EventRuntime) => void): void {
    this.resyncListeners.push(listener);
  }

  /** A loop's commit was refused by the fence: another process owns the event at a newer epoch. */
  onFenced(listener: (eventId: string, epoch: number) => void): void {
    this.fencedListeners.push(listener);
  }

  private startSidecars(runtime: EventRuntime): void {
    this.sidecars.set(runtime.eventId, this.sidecarFactories.map((make) => make(runtime)));
  }

  private async stopSidecars(eventId: string): Promise<void> {
    const running = this.sidecars.get(eventId) ?? [];
    this.sidecars.delete(eventId);
    await Promise.all(running.map((sidecar) => sidecar.stop()));
  }

  /** Keeps the seat feed in step with the runtime's committed view (and only that one). */
  private follow(runtime: EventRuntime): void {
    this.unfollow.get(runtime.eventId)?.();
    const view = runtime.view;
    this.unfollow.set(
      runtime.eventId,
      view.subscribe((notice) => {
        if (runtime.view !== view) return;
        if (notice === null) runtime.seatFeed.invalidate();
        else if (notice.eventChange !== 'layout') runtime.seatFeed.apply(notice.version, notice.seats);
      }),
    );
  }

  /** Reads the static layout and details (at start, or after an organizer changed them). */
  private loadDetail(eventId: string): Promise<EventDetailParts> {
    return loadEventDetailParts(this.options.store, eventId, this.options.holdTtlMs);
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
      void runtime.loop?.stop();
      void this.stopSidecars(eventId);
      this.unfollow.get(eventId)?.();
      this.unfollow.delete(eventId);
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

  /** Sends a command to the event's loop, here or at its owner; resolves with its outcome after commit. */
  execute(runtime: EventRuntime, command: Command): Promise<Outcome> {
    if (this.route) return this.route(runtime.eventId, command);
    return this.executeLocal(runtime.eventId, command);
  }

  /** Runs a command on this process's loop of the event; `unavailable` when it has none (not the owner, or moving). */
  executeLocal(eventId: string, command: Command): Promise<Outcome> {
    const loop = this.runtimes.get(eventId)?.loop;
    if (loop) return loop.execute(command);
    return Promise.resolve(unavailable());
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
    for (const runtime of this.runtimes.values()) if (runtime.loop) this.sidecars.get(runtime.eventId)?.push(factory(runtime));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sidecars.values()].flat().map((sidecar) => sidecar.stop()));
    this.sidecars.clear();
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.loop?.stop() ?? Promise.resolve()));
  }
}
