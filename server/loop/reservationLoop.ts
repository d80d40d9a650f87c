// The reservation loop of one event: the only writer of its seats.
//
// tick: expire due holds → drain up to maxBatchSize commands (high lane
// first) → apply each to the in-memory seat book → write the whole batch in
// ONE transaction → reply to every caller → publish one commit notice.
//
// The store is asynchronous (PostgreSQL is a network round trip away), so
// the loop pipelines: while batch N is being committed, the commands that
// arrive are applied in memory as batch N+1, which is written as soon as N
// has committed. Nothing of N+1 escapes before its own commit: its replies
// and its notice wait, and if N fails, N+1 (built on N) fails with it and the
// book is rebuilt from the store. Reads never look at the book: they are
// served from the committed view, which only commit notices change.
import { performance } from 'node:perf_hooks';
import { StoreFencedError, type BatchToWrite, type LoopState } from '../../db/store';
import { CommittedView } from '../events/committedView';
import { noticeOf, type CommitNotice } from '../events/commitNotice';
import { SeatBook } from '../../core/seatBook';
import type { Command, CoreSeatStatus, Effect, EventRules, Failure, IdSource, Outcome } from '../../core/types';
import { Mailbox, type Lane } from './mailbox';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LoopStorage {
  /** The event's committed state (start, and rebuilding after a failure). */
  load(): Promise<LoopState>;
  /** Commits one batch atomically; rejects with StoreFencedError once another process owns the event. */
  write(batch: BatchToWrite): Promise<void>;
  /** The event's ownership epoch in the store now (distributed mode: tells whether another owner may have written). */
  ownerEpoch?(): Promise<number | null>;
}

export interface LoopObserver {
  onCommand?(type: string, outcome: Outcome, latencyMs: number): void;
  onTick?(info: { batchSize: number; commitMs: number; effects: number; depth: number }): void;
  /** After every commit, once its callers were answered; effects are what the batch wrote. */
  onCommitted?(notice: CommitNotice, effects: readonly Effect[]): void;
  /** The store refused a commit because another process owns the event: this loop has stopped. */
  onFenced?(): void;
  /** A batch's commit failed ('fenced': refused by the ownership fence; 'error': any other failure). */
  onCommitFailed?(reason: 'fenced' | 'error'): void;
  onError?(message: string, error: unknown): void;
}

export interface LoopOptions {
  eventId: string;
  storage: LoopStorage;
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
  /** The ownership epoch this loop runs under (carried by its notices; 0 in the embedded mode). */
  epoch?: number;
  observer?: LoopObserver;
}

type Reply = (outcome: Outcome) => void;
interface Envelope {
  command: Command;
  reply: Reply;
  enqueuedAtMs: number;
}

/** Commands applied to the book since the last seal: the batch being built. */
interface OpenBatch {
  envelopes: Envelope[];
  outcomes: Outcome[];
  /** Set when a command threw: only the effects before this index are sound. */
  goodEffects: number;
}

/** A batch taken from the book, written (or waiting to be), answered after its commit. */
interface SealedBatch extends OpenBatch {
  effects: readonly Effect[];
  changes: Map<string, CoreSeatStatus>;
  version: number;
  poisoned: boolean;
}

/** Everything but new holds: paying buyers, organizers and door check-ins must not starve behind a hold storm. */
const LOW_PRIORITY: ReadonlySet<Command['type']> = new Set(['hold']);
const laneOf = (command: Command): Lane => (LOW_PRIORITY.has(command.type) ? 'low' : 'high');
const MAX_TIMER_MS = 2 ** 31 - 1;
const UNAVAILABLE_RETRY_MS = 1000;

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
  epoch: 0,
};

const storageFailure = (): Failure => ({ ok: false, code: 'storage_unavailable', message: 'Storage is unavailable; nothing changed. Retry shortly.' });
/**
 * A commit failed and the store cannot be read to learn whether it landed after all (the
 * connection may have dropped around COMMIT): the same code, but no claim that nothing changed.
 */
const storageOutcomeUnknown = (): Failure => ({
  ok: false,
  code: 'storage_unavailable',
  message: 'Storage became unavailable while saving this; it may or may not have been saved. Check, or retry (a retry with the same requestId or idempotency key is safe).',
});

export class ReservationLoop {
  readonly eventId: string;
  /** The event as of its last commit: every read is served from here. */
  readonly view: CommittedView;
  private book: SeatBook;
  private currency: string;
  private readonly mailbox: Mailbox<Envelope>;
  private readonly options: Required<Omit<LoopOptions, 'observer'>> & { observer: LoopObserver };
  /** recovering: reading the store after a failure; down: that read failed, a retry is pending. */
  private phase: 'running' | 'recovering' | 'down' | 'stopped' = 'running';
  private open: OpenBatch = emptyBatch();
  private inFlight: SealedBatch | null = null;
  /** A batch with a command that threw is in flight: the book is suspect until rebuilt. */
  private rebuildPending = false;
  /** Version of the newest sealed batch (committed or in flight). */
  private sealedVersion: number;
  private tickScheduled = false;
  private expiryTimer: unknown = null;
  private expiryTimerAtMs: number | null = null;
  /** The one pending retry while storage is down (never more than one). */
  private retryTimer: unknown = null;
  /** After a failed commit, expiry writes wait this long (no hot retry loop). */
  private retryNotBeforeMs = 0;
  private readonly settledWaiters: (() => void)[] = [];

  /** Loads the event's committed state, then starts the loop. */
  static async start(options: LoopOptions): Promise<ReservationLoop> {
    return new ReservationLoop(options, await options.storage.load());
  }

  private constructor(options: LoopOptions, state: LoopState) {
    this.eventId = options.eventId;
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    // Explicit `undefined`s in `options` must not erase the defaults.
    this.options = { ...LOOP_DEFAULTS, observer: {}, ...defined } as ReservationLoop['options'];
    this.mailbox = new Mailbox(this.options.mailboxCapacity);
    this.book = this.bookOf(state);
    this.currency = state.currency;
    this.sealedVersion = state.version;
    this.view = CommittedView.fromState(state);
    // Holds that expired while nobody ran this event are released by the first tick.
    this.requestTick();
  }

  // ---------- reads (committed state only) ----------

  get version(): number {
    return this.view.version;
  }

  get mailboxDepth(): number {
    return this.mailbox.depth;
  }

  get rules(): Readonly<EventRules> {
    return this.view.rules;
  }

  get isStopped(): boolean {
    return this.phase === 'stopped';
  }

  /** The in-memory book, possibly ahead of the committed state: tests and invariant checks only. */
  get seatBook(): SeatBook {
    return this.book;
  }

  /** True while a batch is being committed or the book is being rebuilt from the store. */
  get isBusy(): boolean {
    return this.inFlight !== null || this.phase === 'recovering';
  }

  /** Resolves once no batch is being committed and no rebuild is running (tests, shutdown). */
  settled(): Promise<void> {
    if (!this.isBusy) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  // ---------- writes ----------

  /** Queues a command; `reply` is called once, after its batch committed (or at once if busy). */
  submit(command: Command, reply: Reply): void {
    if (this.phase === 'stopped') {
      reply(unavailable());
      return;
    }
    if (this.phase === 'down') {
      // The store cannot even be read: answer now rather than queue behind the retry.
      reply(storageFailure());
      return;
    }
    const envelope: Envelope = { command, reply, enqueuedAtMs: performance.now() };
    if (!this.mailbox.offer(laneOf(command), envelope)) {
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

  /**
   * Stops taking commands and timers. Queued commands and the batch being built are answered
   * `unavailable` (nothing of them was written); a batch being committed is answered
   * truthfully when its commit settles. Resolves when that has happened.
   */
  async stop(): Promise<void> {
    if (this.phase !== 'stopped') {
      this.phase = 'stopped';
      this.clearExpiryTimer();
      if (this.retryTimer !== null) this.options.timers.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.failQueued(unavailable());
      const open = this.open;
      this.open = emptyBatch();
      this.reply(open.envelopes, open.envelopes.map(() => unavailable()));
    }
    await this.settled();
  }

  // ---------- the tick ----------

  private requestTick(): void {
    if (this.tickScheduled || this.phase !== 'running') return;
    this.tickScheduled = true;
    this.options.schedule(() => this.tick());
  }

  private tick(): void {
    this.tickScheduled = false;
    if (this.phase !== 'running' || this.rebuildPending || this.open.goodEffects >= 0) return;
    const now = this.options.clock();
    if (now >= this.retryNotBeforeMs) this.book.expireDue(now);
    const open = this.open;
    while (open.envelopes.length < this.options.maxBatchSize) {
      const envelope = this.mailbox.take();
      if (!envelope) break;
      open.envelopes.push(envelope);
      const before = this.book.pendingEffectCount;
      try {
        open.outcomes.push(this.book.apply(envelope.command, now));
      } catch (error) {
        this.options.observer.onError?.(`command ${envelope.command.type} threw; rebuilding from storage`, error);
        open.outcomes.push({ ok: false, code: 'internal', message: 'Something went wrong on our side; nothing changed.' });
        open.goodEffects = before;
        break;
      }
    }
    if (!this.inFlight) this.flush();
    if (this.mailbox.depth > 0 && this.open.envelopes.length < this.options.maxBatchSize && this.open.goodEffects < 0) this.requestTick();
    this.armExpiryTimer();
    this.notifyIdle();
  }

  /** Seals the open batch and writes it (nothing may be in flight). */
  private flush(): void {
    if (this.inFlight || this.phase === 'recovering') return;
    const taken = this.book.takeBatch();
    const open = this.open;
    const poisoned = open.goodEffects >= 0;
    if (open.envelopes.length === 0 && taken.effects.length === 0 && !poisoned) return;
    this.open = emptyBatch();
    const effects = poisoned ? taken.effects.slice(0, open.goodEffects) : taken.effects;
    if (effects.length === 0 && !poisoned) {
      // Nothing to write, and nothing in flight it could depend on: answer at once.
      this.reply(open.envelopes, open.outcomes);
      this.options.observer.onTick?.({ batchSize: open.envelopes.length, commitMs: 0, effects: 0, depth: this.mailbox.depth });
      return;
    }
    const sealed: SealedBatch = {
      ...open,
      effects,
      changes: taken.changes,
      poisoned,
      version: effects.length > 0 ? this.sealedVersion + 1 : this.sealedVersion,
    };
    this.sealedVersion = sealed.version;
    this.inFlight = sealed;
    this.rebuildPending = poisoned;
    const started = performance.now();
    const write = effects.length > 0 ? this.options.storage.write({ effects, version: sealed.version, currency: this.currency }) : Promise.resolve();
    write.then(
      () => this.committed(sealed, performance.now() - started),
      (error: unknown) => void this.commitFailed(sealed, error),
    );
  }

  private committed(sealed: SealedBatch, commitMs: number): void {
    this.inFlight = null;
    if (sealed.poisoned) {
      // The sound part is written; the book may be half-changed by the command that threw.
      this.reply(sealed.envelopes, sealed.outcomes);
      void this.recover(sealed, 'poisoned');
      return;
    }
    const notice = this.publishCommitted(sealed, sealed.changes);
    // The next batch was built on this one: it may be written now, while this one is answered.
    if (this.phase === 'running') this.flush();
    this.reply(sealed.envelopes, sealed.outcomes);
    this.options.observer.onTick?.({ batchSize: sealed.envelopes.length, commitMs, effects: sealed.effects.length, depth: this.mailbox.depth });
    if (notice) this.options.observer.onCommitted?.(notice, sealed.effects);
    if (this.mailbox.depth > 0) this.requestTick();
    this.armExpiryTimer();
    this.notifyIdle();
  }

  /** Moves the committed view on by one batch; the notice to publish, or null for a batch without effects. */
  private publishCommitted(sealed: SealedBatch, changes: Iterable<[string, CoreSeatStatus]>): CommitNotice | null {
    if (sealed.effects.length === 0) return null;
    const notice = noticeOf(this.eventId, sealed.version, this.options.epoch, sealed.effects, changes);
    if (notice.eventChange === 'layout') {
      this.view.replaceSeats([...this.book.seatEntries()].map(([seatId]) => seatId), notice);
    } else if (this.view.apply(notice) !== 'applied') {
      throw new Error(`loop ${this.eventId}: committed version ${sealed.version} does not follow ${this.view.version}`);
    }
    if (this.options.checkInvariants && !this.inFlight && this.open.envelopes.length === 0) this.book.checkInvariants();
    return notice;
  }

  private async commitFailed(sealed: SealedBatch, error: unknown): Promise<void> {
    this.inFlight = null;
    this.options.observer.onCommitFailed?.(error instanceof StoreFencedError ? 'fenced' : 'error');
    if (error instanceof StoreFencedError) {
      this.options.observer.onError?.('another process owns this event now; this loop stops', error);
      const open = this.open;
      this.open = emptyBatch();
      // Refused by the fence inside its transaction: nothing of it was written.
      this.fencedOff(sealed.envelopes, open.envelopes, unavailable);
      return;
    }
    this.options.observer.onError?.('batch commit failed; rebuilding from storage', error);
    await this.recover(sealed, 'commit_failed');
  }

  /**
   * Another process owns the event: this loop stops. The failed batch's callers hear `failedAnswer`
   * (unavailable when the fence refused it, outcome unknown when it may have landed before the
   * takeover); what was built on it and what waits was never written and goes to the new owner on retry.
   */
  private fencedOff(failed: Envelope[], dependents: Envelope[], failedAnswer: () => Failure): void {
    this.phase = 'stopped';
    this.clearExpiryTimer();
    this.reply(failed, failed.map(() => failedAnswer()));
    this.reply(dependents, dependents.map(() => unavailable()));
    this.failQueued(unavailable());
    this.options.observer.onFenced?.();
    this.notifyIdle();
  }

  /**
   * Rebuilds the book from the store after a failed commit, after a command that threw
   * ('poisoned': the sound part of its batch was written), or to retry a rebuild that failed.
   * The batch built on a failed one is answered `storage_unavailable`: it was never written.
   * A commit that failed ambiguously (the connection dropped around COMMIT) may have landed
   * after all: the store's version tells, and then its callers get their real answers.
   */
  private async recover(failed: SealedBatch | null, reason: 'commit_failed' | 'poisoned' | 'retry'): Promise<void> {
    if (this.phase !== 'stopped') this.phase = 'recovering';
    this.rebuildPending = false;
    const dependents = this.open;
    this.open = emptyBatch();
    let state: LoopState;
    let ownerEpoch: number | null | undefined;
    try {
      state = await this.options.storage.load();
      // Read after the state: an epoch still ours now was ours during that read, so no other owner had written.
      if (reason === 'commit_failed' && this.options.epoch > 0) ownerEpoch = await this.options.storage.ownerEpoch?.();
    } catch (loadError) {
      this.options.observer.onError?.('rebuild from storage failed; will retry', loadError);
      // The failed batch may have landed; what was built on it cannot have (it was never written).
      if (reason === 'commit_failed' && failed) this.reply(failed.envelopes, failed.envelopes.map(storageOutcomeUnknown));
      this.reply(dependents.envelopes, dependents.envelopes.map(storageFailure));
      this.failQueued(storageFailure());
      if (this.phase === 'recovering') this.phase = 'down';
      this.scheduleRecovery();
      this.notifyIdle();
      return;
    }
    if (ownerEpoch !== undefined && ownerEpoch !== this.options.epoch) {
      // Another process owns the event now and may have written this version itself: the store's
      // version no longer says whether this batch landed (before the takeover) or not.
      this.fencedOff(failed ? [...failed.envelopes] : [], dependents.envelopes, storageOutcomeUnknown);
      return;
    }
    const landed = failed !== null && failed.effects.length > 0 && (reason === 'poisoned' || state.version >= failed.version);
    const changes: [string, CoreSeatStatus][] = [];
    if (landed && reason === 'poisoned') {
      // The book of a poisoned batch cannot be trusted: its changes are what the store now says.
      const rebuilt = this.bookOf(state);
      for (const [seatId, seat] of rebuilt.seatEntries()) if (this.view.statusOf(seatId) !== seat.status) changes.push([seatId, seat.status]);
    }
    this.book = this.bookOf(state);
    this.currency = state.currency;
    this.sealedVersion = state.version;
    if (landed && state.version === this.view.version + 1) {
      const notice = this.publishCommitted(failed, reason === 'poisoned' ? changes : failed.changes);
      if (notice) this.options.observer.onCommitted?.(notice, failed.effects);
    } else if (state.version !== this.view.version) {
      this.view.reset(state);
    }
    if (failed && reason === 'commit_failed') this.reply(failed.envelopes, landed ? failed.outcomes : failed.envelopes.map(storageFailure));
    this.reply(dependents.envelopes, dependents.envelopes.map(storageFailure));
    // After a real storage failure, expiry writes wait a little (no hot retry loop).
    if (reason !== 'poisoned' && !landed) this.retryNotBeforeMs = this.options.clock() + this.options.storageRetryMs;
    if (this.phase === 'recovering') this.phase = 'running';
    this.requestTick();
    this.armExpiryTimer();
    this.notifyIdle();
  }

  /** While the store cannot even be read: retry the rebuild after a back-off, never more than one timer. */
  private scheduleRecovery(): void {
    if (this.retryTimer !== null || this.phase === 'stopped') return;
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.recover(null, 'retry');
    }, this.options.storageRetryMs);
  }

  private reply(envelopes: Envelope[], outcomes: Outcome[]): void {
    const observer = this.options.observer;
    const now = performance.now();
    for (let i = 0; i < envelopes.length; i++) {
      const envelope = envelopes[i];
      const outcome = outcomes[i];
      observer.onCommand?.(envelope.command.type, outcome, now - envelope.enqueuedAtMs);
      try {
        envelope.reply(outcome);
      } catch (error) {
        observer.onError?.('a reply callback threw', error);
      }
    }
  }

  private failQueued(failure: Failure): void {
    const envelopes: Envelope[] = [];
    for (let env = this.mailbox.take(); env; env = this.mailbox.take()) envelopes.push(env);
    this.reply(envelopes, envelopes.map(() => failure));
  }

  private bookOf(state: LoopState): SeatBook {
    return new SeatBook(state.eventId, state.seats, state.rules, this.options.ids, state.restored, state.stage);
  }

  private notifyIdle(): void {
    if (this.isBusy) return;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  // ---------- hold expiry ----------

  private armExpiryTimer(): void {
    const next = this.phase === 'running' ? this.book.nextDeadline() : null;
    if (next === this.expiryTimerAtMs) return;
    this.clearExpiryTimer();
    if (next === null) return;
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

function emptyBatch(): OpenBatch {
  return { envelopes: [], outcomes: [], goodEffects: -1 };
}

/** The answer to a command for an event whose loop is not here (stopped, moving to another process). */
export function unavailable(): Failure & { retryAfterMs: number } {
  return { ok: false, code: 'unavailable', message: 'This event is moving to another server; retry shortly.', retryAfterMs: UNAVAILABLE_RETRY_MS };
}
