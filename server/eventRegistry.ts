// One reservation loop per event, plus each event's cached static layout.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { EventDetail, SeatLayout } from '../lib/protocol';
import { createBatchWriter } from '../db/batchWriter';
import type { DatabaseHandle } from '../db/connection';
import { listEventRows, loadEventDetail, loadLoopState } from '../db/eventStore';
import { ReservationLoop, type CommittedBatch, type LoopObserver, type Timers } from './loop/reservationLoop';
import type { IdSource } from './reservations/types';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { EventStats } from './admin/eventStats';
import { SeatFeed, layoutKeyOf, sortSeatsInLayoutOrder } from './seatFeed';

export interface EventRuntime {
  eventId: string;
  loop: ReservationLoop;
  detail: EventDetail;
  /** The layout response body, serialized once, and its ETag. */
  detailJson: string;
  /** The same body gzipped once (the arena's layout is ~2.8 MB raw, ~10× smaller gzipped). */
  detailGzip: Buffer;
  detailEtag: string;
  seatById: Map<string, SeatLayout>;
  /** Live statuses in layout order: the cached join snapshot and the seat indices of deltas. */
  seatFeed: SeatFeed;
  stats: EventStats;
}

export interface RegistryOptions {
  handle: DatabaseHandle;
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

export class EventRegistry {
  private readonly runtimes = new Map<string, EventRuntime>();
  private readonly listeners: ((runtime: EventRuntime, batch: CommittedBatch) => void)[] = [];
  private readonly holdEventStmt: Database.Statement<[string], { event_id: string }>;
  /** Live holds → their event, so releases and confirms need no database look-up. */
  private readonly liveHoldEvents = new Map<string, string>();

  private commits = 0;
  private readonly beforeCommit = (): void => {
    const killAt = this.options.faultKillInCommit;
    if (killAt !== undefined && ++this.commits === killAt) process.kill(process.pid, 'SIGKILL');
  };

  constructor(private readonly options: RegistryOptions) {
    this.holdEventStmt = options.handle.sqlite.prepare('SELECT event_id FROM holds WHERE id = ?');
  }

  startAll(): void {
    for (const row of listEventRows(this.options.handle)) this.start(row.id);
  }

  start(eventId: string): EventRuntime {
    const existing = this.runtimes.get(eventId);
    if (existing) return existing;
    const { handle, metrics, logger } = this.options;
    const runtime = {
      eventId,
      loop: undefined as unknown as ReservationLoop,
      stats: new EventStats(eventId, handle.sqlite, this.options.clock),
    } as EventRuntime;
    this.refreshDetail(runtime);
    const log = logger.child({ eventId });
    const observer: LoopObserver = {
      onCommand: (type, outcome, latencyMs) => {
        metrics.observeCommand(type, outcome, latencyMs);
        runtime.stats.recordLatency(latencyMs);
      },
      onTick: ({ batchSize, commitMs, depth }) => {
        metrics.batchSize.observe(batchSize);
        if (commitMs > 0) metrics.commitDuration.observe(commitMs / 1000);
        metrics.mailboxDepth.set({ event: eventId }, depth);
      },
      onCommitted: (batch) => {
        for (const ended of batch.endedHolds) if (ended.reason === 'expired') metrics.holdsExpired.inc();
        runtime.stats.recordBatch(batch);
        for (const e of batch.effects) {
          if (e.kind === 'hold_created') this.liveHoldEvents.set(e.hold.id, eventId);
          else if (e.kind === 'hold_ended') this.liveHoldEvents.delete(e.hold.id);
        }
        if (batch.eventChange === 'deleted') {
          runtime.loop.stop();
          this.runtimes.delete(eventId);
          metrics.mailboxDepth.remove({ event: eventId });
          log.info('event deleted; its loop stopped');
        } else if (batch.eventChange) {
          this.refreshDetail(runtime);
        }
        // Before the listeners: the gateway's delta and any join from now on use this version.
        if (batch.eventChange === 'layout') runtime.seatFeed = new SeatFeed(runtime.detail.seats, runtime.loop);
        else if (batch.versionChanged && batch.eventChange !== 'deleted') runtime.seatFeed.apply(batch.version, batch.changes);
        for (const listener of this.listeners) listener(runtime, batch);
      },
      onError: (message, error) => log.error({ err: error }, message),
    };
    runtime.loop = new ReservationLoop({
      eventId,
      load: () => {
        const state = loadLoopState(handle, eventId, this.options.holdTtlMs);
        if (!state) throw new Error(`event ${eventId} vanished from storage`);
        return state;
      },
      writer: createBatchWriter(handle.sqlite, { beforeCommit: this.beforeCommit }),
      ids: this.options.ids,
      clock: this.options.clock,
      timers: this.options.timers,
      mailboxCapacity: this.options.mailboxCapacity,
      maxBatchSize: this.options.maxBatchSize,
      checkInvariants: this.options.checkInvariants,
      observer,
    });
    runtime.seatFeed = new SeatFeed(runtime.detail.seats, runtime.loop);
    this.runtimes.set(eventId, runtime);
    for (const hold of runtime.loop.seatBook.activeHolds()) this.liveHoldEvents.set(hold.id, eventId);
    log.info({ seats: runtime.detail.seats.length, version: runtime.loop.version }, 'reservation loop started');
    return runtime;
  }

  /** Re-reads the static layout and details (after start, or after an organizer changed them). */
  private refreshDetail(runtime: EventRuntime): void {
    const loaded = loadEventDetail(this.options.handle, runtime.eventId, this.options.holdTtlMs);
    if (!loaded) throw new Error(`no event ${runtime.eventId}`);
    // The layout order is part of the wire contract (snapshots and deltas address seats by
    // index), so it is fixed here rather than left to the database's scan order.
    const seats = sortSeatsInLayoutOrder(loaded.seats);
    const detail: EventDetail = { ...loaded, layoutKey: layoutKeyOf(seats), seats };
    runtime.detail = detail;
    runtime.detailJson = JSON.stringify({ ok: true, event: detail });
    runtime.detailGzip = gzipSync(runtime.detailJson);
    runtime.detailEtag = `"${createHash('sha1').update(runtime.detailJson).digest('base64url')}"`;
    runtime.seatById = new Map(detail.seats.map((s) => [s.id, s]));
  }

  get(eventId: string): EventRuntime | undefined {
    return this.runtimes.get(eventId);
  }

  list(): EventRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Which event a hold belongs to (committed holds only: ids are handed out after commit). */
  eventOfHold(holdId: string): EventRuntime | undefined {
    const live = this.liveHoldEvents.get(holdId);
    if (live) return this.runtimes.get(live);
    // Ended holds (for precise hold_expired / already_confirmed answers) are looked up in storage.
    const row = this.holdEventStmt.get(holdId);
    return row ? this.runtimes.get(row.event_id) : undefined;
  }

  onCommitted(listener: (runtime: EventRuntime, batch: CommittedBatch) => void): void {
    this.listeners.push(listener);
  }

  stopAll(): void {
    for (const runtime of this.runtimes.values()) runtime.loop.stop();
  }
}
