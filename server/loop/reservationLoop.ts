// The reservation loop of one event: the only writer of its seats.
//
// tick: expire due holds → drain up to maxBatchSize commands (high lane
// first) → apply each to the in-memory seat book → write the whole batch in
// ONE transaction → reply to every caller → publish one coalesced delta.
// Reads (snapshot, counts, holds of a buyer) come from committed state and
// never wait for the mailbox.
import { performance } from 'node:perf_hooks';
import type { SeatChange, SeatStatus } from '../../lib/protocol';
import { SeatBook } from '../reservations/seatBook';
import {
  publicStatus,
  type Command,
  type Effect,
  type EventRules,
  type Failure,
  type Hold,
  type HoldEndReason,
  type IdSource,
  type Outcome,
} from '../reservations/types';
import type { LoopState } from '../../db/eventStore';
import { Mailbox, type Lane } from './mailbox';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CommittedBatch {
  eventId: string;
  version: number;
  /** True when this batch moved the version on (exactly +1): viewers must hear about it. */
  versionChanged: boolean;
  /** Net public seat changes of the batch (empty when only non-seat data changed). */
  changes: SeatChange[];
  /** Set when an organizer changed the event itself: viewers must reload its details or layout. */
  eventChange: 'details' | 'layout' | 'deleted' | null;
  /** Holds that ended in this batch, with why (expired holds notify their owner). */
  endedHolds: { hold: Hold; reason: HoldEndReason }[];
  effects: readonly Effect[];
}

export interface LoopObserver {
  onCommand?(type: string, outcome: Outcome, latencyMs: number): void;
  onTick?(info: { batchSize: number; commitMs: number; effects: number; depth: number }): void;
  onCommitted?(batch: CommittedBatch): void;
  onError?(message: string, error: unknown): void;
}

export interface LoopOptions {
  eventId: string;
  load(): LoopState;
  writer: { write(eventId: string, effects: readonly Effect[], version: number, currency: string): void };
  ids: IdSource;
  clock: () => number;
  timers?: Timers;
  /** Runs a function soon, after pending I/O (default setImmediate). */
  schedule?: (fn: () => void) => void;
  mailboxCapacity?: number;
  maxBatchSize?: number;
  /** Retry delay after a storage failure, ms. */
  storageRetryMs?: number;
  /** Check every invariant after each batch (tests, debugging). */
  checkInvariants?: boolean;
  observer?: LoopObserver;
}

type Reply = (outcome: Outcome) => void;
interface Envelope {
  command: Command;
  reply: Reply;
  enqueuedAtMs: number;
}

/** Everything but new holds: paying buyers and organizers must not starve behind a hold storm. */
const LOW_PRIORITY: ReadonlySet<Command['type']> = new Set(['hold']);
const laneOf = (command: Command): Lane => (LOW_PRIORITY.has(command.type) ? 'low' : 'high');
const MAX_TIMER_MS = 2 ** 31 - 1;

const LOOP_DEFAULTS = {
  timers: {
    setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  } satisfies Timers,
  schedule: (fn: () => void) => void setImmediate(fn),
  mailboxCapacity: 10_000,
  maxBatchSize: 1_024,
  storageRetryMs: 250,
  checkInvariants: false,
};

export class ReservationLoop {
  readonly eventId: string;
  private book!: SeatBook;
  private currency = 'EUR';
  private committedVersion = 0;
  private readonly statuses = new Map<string, SeatStatus>();
  private snapshotCache: { version: number; seats: Record<string, SeatStatus> } | null = null;
  private readonly mailbox: Mailbox<Envelope>;
  private readonly options: Required<Omit<LoopOptions, 'observer'>> & { observer: LoopObserver };
  private tickScheduled = false;
  private expiryTimer: unknown = null;
  private expiryTimerAtMs: number | null = null;
  private storageDown = false;
  /** True while the book may hold a batch that never committed (commit and rebuild both failed). */
  private bookUncommitted = false;
  /** The one pending retry while storage is down (never more than one). */
  private retryTimer: unknown = null;
  /** After a failed commit, wait this long before retrying expiry writes (no hot retry loop). */
  private retryNotBeforeMs = 0;
  private stopped = false;

  constructor(options: LoopOptions) {
    this.eventId = options.eventId;
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    // Explicit `undefined`s in `options` must not erase the defaults.
    this.options = { ...LOOP_DEFAULTS, observer: {}, ...defined } as ReservationLoop['options'];
    this.mailbox = new Mailbox(this.options.mailboxCapacity);
    this.rebuild();
    // Holds that expired while the server was down are released by the first tick.
    this.requestTick();
  }

  // ---------- reads (committed state only) ----------

  get version(): number {
    return this.committedVersion;
  }

  get mailboxDepth(): number {
    return this.mailbox.depth;
  }

  get rules(): Readonly<EventRules> {
    return this.book.rules;
  }

  /** The public seat map at the last committed version; cached until the next commit. */
  snapshot(): { version: number; seats: Record<string, SeatStatus> } {
    if (this.snapshotCache?.version !== this.committedVersion) {
      this.snapshotCache = { version: this.committedVersion, seats: Object.fromEntries(this.statuses) };
    }
    return this.snapshotCache;
  }

  counts(): { available: number; held: number; sold: number } {
    if (this.bookUncommitted) {
      // Count the committed public statuses instead of a book that may hold a failed batch.
      const counts = { available: 0, held: 0, sold: 0 };
      for (const status of this.statuses.values()) counts[status]++;
      return counts;
    }
    const c = this.book.seatCounts();
    return { available: c.available, held: c.held, sold: c.sold + c.blocked };
  }

  holdsOf(buyerId: string): Hold[] {
    const holds = this.book.holdsOf(buyerId);
    if (!this.bookUncommitted) return holds;
    // Only holds whose seats are held in committed state can be real.
    return holds.filter((h) => h.seatIds.every((id) => this.statuses.get(id) === 'held'));
  }

  /** Direct access for read-only admin views; never mutate through it. */
  get seatBook(): SeatBook {
    return this.book;
  }

  // ---------- writes ----------

  /** Queues a command; `reply` is called once, after its batch committed (or at once if busy). */
  submit(command: Command, reply: Reply): void {
    if (this.stopped) {
      reply({ ok: false, code: 'storage_unavailable', message: 'The server is shutting down; retry shortly.' });
      return;
    }
    const lane = laneOf(command);
    const envelope: Envelope = { command, reply, enqueuedAtMs: performance.now() };
    if (!this.mailbox.offer(lane, envelope)) {
      const busy: Failure = { ok: false, code: 'busy', message: 'This event is very busy right now; retry in a moment.' };
      this.options.observer.onCommand?.(command.type, busy, 0);
      reply(busy);
      return;
    }
    this.requestTick();
  }

  execute(command: Command): Promise<Outcome> {
    return new Promise((resolve) => this.submit(command, resolve));
  }

  /** Stops taking commands and timers; queued commands are answered storage_unavailable. */
  stop(): void {
    this.stopped = true;
    this.clearExpiryTimer();
    if (this.retryTimer !== null) this.options.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (let env = this.mailbox.take(); env; env = this.mailbox.take()) {
      env.reply({ ok: false, code: 'storage_unavailable', message: 'The server is shutting down; retry shortly.' });
    }
  }

  // ---------- the tick ----------

  private requestTick(): void {
    if (this.tickScheduled || this.stopped) return;
    this.tickScheduled = true;
    this.options.schedule(() => this.tick());
  }

  private tick(): void {
    this.tickScheduled = false;
    if (this.stopped) return;
    if (this.storageDown && !this.tryRebuild()) {
      this.failQueued('storage_unavailable', 'Storage is unavailable; nothing changed. Retry shortly.');
      this.scheduleRetry();
      return;
    }
    const now = this.options.clock();
    const batch: Envelope[] = [];
    const outcomes: Outcome[] = [];
    let goodEffects = -1; // set when a command threw: effects after this index are partial
    this.book.expireDue(now);
    while (batch.length < this.options.maxBatchSize) {
      const envelope = this.mailbox.take();
      if (!envelope) break;
      batch.push(envelope);
      const before = this.book.pendingEffectCount;
      try {
        outcomes.push(this.book.apply(envelope.command, now));
      } catch (error) {
        this.options.observer.onError?.(`command ${envelope.command.type} threw; rebuilding from storage`, error);
        outcomes.push({ ok: false, code: 'internal', message: 'Something went wrong on our side; nothing changed.' });
        goodEffects = before;
        break;
      }
    }
    this.commit(batch, outcomes, goodEffects);
    if (this.mailbox.depth > 0) this.requestTick();
    this.armExpiryTimer();
  }

  private commit(batch: Envelope[], outcomes: Outcome[], goodEffects: number): void {
    const taken = this.book.takeBatch();
    const poisoned = goodEffects >= 0;
    const effects = poisoned ? taken.effects.slice(0, goodEffects) : taken.effects;
    if (effects.length === 0 && !poisoned) {
      this.reply(batch, outcomes);
      this.options.observer.onTick?.({ batchSize: batch.length, commitMs: 0, effects: 0, depth: this.mailbox.depth });
      return;
    }
    const changesSeats = poisoned || taken.changes.size > 0 || effects.some((e) => e.kind === 'layout_replaced');
    const nextVersion = changesSeats ? this.committedVersion + 1 : this.committedVersion;
    const started = performance.now();
    try {
      this.options.writer.write(this.eventId, effects, nextVersion, this.currency);
    } catch (error) {
      // Nothing was persisted: forget the batch's in-memory changes and say so.
      this.options.observer.onError?.('batch commit failed; rebuilding from storage', error);
      this.storageDown = true;
      this.bookUncommitted = !this.tryRebuild();
      if (this.bookUncommitted) this.scheduleRetry();
      this.retryNotBeforeMs = this.options.clock() + this.options.storageRetryMs;
      const failure: Failure = { ok: false, code: 'storage_unavailable', message: 'Storage is unavailable; nothing changed. Retry shortly.' };
      this.reply(batch, batch.map(() => failure));
      return;
    }
    const commitMs = performance.now() - started;
    let changes: SeatChange[];
    const eventChange = eventChangeOf(effects);
    if (eventChange === 'layout') {
      // A new seat set: the snapshot starts over; viewers reload the layout.
      this.statuses.clear();
      for (const [seatId, seat] of this.book.seatEntries()) this.statuses.set(seatId, publicStatus(seat.status));
      changes = [];
    } else if (poisoned) {
      this.rebuild(); // the thrown command may have left the book half-changed
      changes = this.diffStatuses();
    } else {
      changes = [];
      for (const [seatId, status] of taken.changes) changes.push({ seatId, status: publicStatus(status) });
    }
    for (const c of changes) this.statuses.set(c.seatId, c.status);
    this.committedVersion = nextVersion;
    if (this.options.checkInvariants) this.book.checkInvariants();
    this.reply(batch, outcomes);
    this.options.observer.onTick?.({ batchSize: batch.length, commitMs, effects: effects.length, depth: this.mailbox.depth });
    const endedHolds = effects.flatMap((e) => (e.kind === 'hold_ended' ? [{ hold: e.hold, reason: e.reason }] : []));
    this.options.observer.onCommitted?.({
      eventId: this.eventId,
      version: nextVersion,
      versionChanged: changesSeats,
      eventChange,
      changes,
      endedHolds,
      effects,
    });
  }

  private reply(batch: Envelope[], outcomes: Outcome[]): void {
    const observer = this.options.observer;
    const now = performance.now();
    for (let i = 0; i < batch.length; i++) {
      const envelope = batch[i];
      const outcome = outcomes[i];
      if (outcome === undefined) {
        // Commands after a thrown one were never applied: put them back in front.
        this.mailbox.offer(laneOf(envelope.command), envelope);
        continue;
      }
      observer.onCommand?.(envelope.command.type, outcome, now - envelope.enqueuedAtMs);
      try {
        envelope.reply(outcome);
      } catch (error) {
        observer.onError?.('a reply callback threw', error);
      }
    }
  }

  private failQueued(code: Failure['code'], message: string): void {
    const batch: Envelope[] = [];
    for (let env = this.mailbox.take(); env; env = this.mailbox.take()) batch.push(env);
    this.reply(batch, batch.map(() => ({ ok: false, code, message }) as Failure));
  }

  // ---------- rebuilding from storage (start, and after a failure) ----------

  private rebuild(): void {
    const state = this.options.load();
    this.book = new SeatBook(state.eventId, state.seats, state.rules, this.options.ids, state.restored, state.stage);
    this.currency = state.currency;
    this.committedVersion = state.version;
    this.bookUncommitted = false;
    if (this.statuses.size === 0) {
      for (const [seatId, seat] of this.book.seatEntries()) this.statuses.set(seatId, publicStatus(seat.status));
    }
    this.storageDown = false;
  }

  private tryRebuild(): boolean {
    try {
      this.rebuild();
      return true;
    } catch (error) {
      this.options.observer.onError?.('rebuild from storage failed; will retry', error);
      this.storageDown = true;
      return false;
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = null;
      this.requestTick();
    }, this.options.storageRetryMs);
  }

  private diffStatuses(): SeatChange[] {
    const changes: SeatChange[] = [];
    for (const [seatId, seat] of this.book.seatEntries()) {
      const status = publicStatus(seat.status);
      if (this.statuses.get(seatId) !== status) changes.push({ seatId, status });
    }
    return changes;
  }

  // ---------- hold expiry ----------

  private armExpiryTimer(): void {
    const next = this.book.nextDeadline();
    if (next === this.expiryTimerAtMs) return;
    this.clearExpiryTimer();
    if (next === null || this.stopped) return;
    this.expiryTimerAtMs = next;
    const now = this.options.clock();
    const delayMs = Math.min(Math.max(0, next - now, this.retryNotBeforeMs - now), MAX_TIMER_MS);
    this.expiryTimer = this.options.timers.setTimeout(() => {
      this.expiryTimer = null;
      this.expiryTimerAtMs = null;
      this.requestTick();
    }, delayMs);
  }

  private clearExpiryTimer(): void {
    if (this.expiryTimer !== null) this.options.timers.clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.expiryTimerAtMs = null;
  }
}

function eventChangeOf(effects: readonly Effect[]): CommittedBatch['eventChange'] {
  let change: CommittedBatch['eventChange'] = null;
  for (const e of effects) {
    if (e.kind === 'event_retired') return 'deleted';
    if (e.kind === 'layout_replaced') change = 'layout';
    else if (e.kind === 'event_configured' && change === null) change = 'details';
  }
  return change;
}
