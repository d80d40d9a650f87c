// One event's reservation loop on a real store (SQLite or PostgreSQL), with a
// fake clock, fake timers, manual scheduling, and a writer a test can make
// fail, or hold back (a commit "in flight" for as long as the test wants).
import { expect } from 'vitest';
import type { BatchToWrite, Store } from '../../db/store';
import { generateLayout } from '../../lib/venueLayout';
import type { CommitNotice } from '../../server/events/commitNotice';
import { ReservationLoop } from '../../server/loop/reservationLoop';
import type { Command, IdSource, Outcome } from '../../core/types';
import { FakeTimers } from './fakeTimers';
import { sqlOf, type SqlRunner } from './sql';
import { openTestStore, type StoreKind } from './stores';

export const EVENT = 'ev1';
export const TTL = 1000;

export function counterIds(prefix = ''): IdSource {
  let n = 0;
  return { holdId: () => `h${prefix}${++n}`, orderId: () => `o${prefix}${++n}`, ticketId: () => `t${prefix}${++n}`, ticketCode: () => `c${prefix}${++n}` };
}

/** A writer in front of the store's: it can fail the next commits, or hold them until released. */
export class ControlledWriter {
  failNext = 0;
  /** The next commits land, then fail as if the connection dropped before COMMIT's answer (an ambiguous failure). */
  landThenDropNext = 0;
  writes = 0;
  attempts = 0;
  private gated = false;
  private readonly held: { batch: BatchToWrite; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly real: (batch: BatchToWrite) => Promise<void>) {}

  readonly write = async (batch: BatchToWrite): Promise<void> => {
    this.attempts++;
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    }
    if (this.gated) {
      await new Promise<void>((resolve, reject) => this.held.push({ batch, resolve, reject }));
    }
    await this.real(batch);
    this.writes++;
    if (this.landThenDropNext > 0) {
      this.landThenDropNext--;
      throw Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' });
    }
  };

  /** From now on, commits wait until released. */
  hold(): void {
    this.gated = true;
  }

  get pending(): number {
    return this.held.length;
  }

  /** Lets the held commits go through (in order). */
  release(): void {
    this.gated = false;
    for (const w of this.held.splice(0)) w.resolve();
  }

  /** Fails the held commits (nothing of them is written). */
  failHeld(): void {
    this.gated = false;
    for (const w of this.held.splice(0)) w.reject(Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' }));
  }
}

export interface LoopHarness {
  kind: StoreKind;
  store: Store;
  sql: SqlRunner;
  loop: ReservationLoop;
  clock: { now: number };
  timers: FakeTimers;
  writer: ControlledWriter;
  notices: CommitNotice[];
  /** Storage reads fail this many more times. */
  failLoads: { remaining: number; count: number };
  /** How many times the loop stopped because another process owns the event. */
  fenced: { count: number };
  seat(i: number): string;
  submit(command: Command): { outcome?: Outcome };
  /** Runs ticks and waits for commits until nothing is scheduled or in flight. */
  drain(): Promise<void>;
  /** Runs the one scheduled tick and waits for what it committed (later ticks stay scheduled). */
  tickOnce(): Promise<void>;
  /** Moves fake time in steps, firing timers and draining; returns how many ticks ran. */
  advance(ms: number, stepMs?: number): Promise<number>;
  /** A new loop on the same store (a restart). */
  restart(): Promise<ReservationLoop>;
  close(): Promise<void>;
}

export interface LoopHarnessOptions {
  capacity?: number;
  maxBatch?: number;
  seats?: number;
  retryMs?: number;
  /** The loop's ownership epoch (distributed mode), and what the store says the event's epoch is now. */
  epoch?: number;
  ownerEpoch?: () => Promise<number | null>;
}

export async function loopHarness(kind: StoreKind, opts: LoopHarnessOptions = {}): Promise<LoopHarness> {
  const { store, close } = await openTestStore(kind);
  await store.createEvent({
    id: EVENT,
    name: 'Test',
    venueName: 'Hall',
    startsAt: 0,
    holdTtlMs: TTL,
    maxSeatsPerBuyer: 4,
    preventOrphanSeats: false, // these tests name seats freely; the rule has its own tests
    layout: generateLayout({
      categories: [{ id: 'c', name: 'C', priceCents: 1000, color: '#000' }],
      sections: [{ kind: 'straight', id: 'S', name: 'S', rows: 1, seatsPerRow: opts.seats ?? 10, x: 0, y: 0, rowCategories: ['c'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    }),
    createdAt: 0,
  });
  const clock = { now: 1_000 };
  const timers = new FakeTimers(clock);
  const scheduled: (() => void)[] = [];
  const notices: CommitNotice[] = [];
  const failLoads = { remaining: 0, count: 0 };
  const fenced = { count: 0 };
  let ticks = 0;
  const ids = counterIds();
  const startLoop = (writer: ControlledWriter) =>
    ReservationLoop.start({
      eventId: EVENT,
      storage: {
        load: async () => {
          failLoads.count++;
          if (failLoads.remaining > 0) {
            failLoads.remaining--;
            throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
          }
          return (await store.loadLoopState(EVENT, TTL))!;
        },
        write: writer.write,
        ...(opts.ownerEpoch ? { ownerEpoch: opts.ownerEpoch } : {}),
      },
      epoch: opts.epoch ?? 0,
      ids,
      clock: () => clock.now,
      timers,
      schedule: (fn) => scheduled.push(fn),
      mailboxCapacity: opts.capacity ?? 100,
      maxBatchSize: opts.maxBatch ?? 100,
      storageRetryMs: opts.retryMs ?? 250,
      checkInvariants: true,
      observer: { onCommitted: (notice) => notices.push(notice), onFenced: () => fenced.count++ },
    });
  const realWriter = store.batchWriter(EVENT);
  const writer = new ControlledWriter((batch) => realWriter.write(batch));
  const h: LoopHarness = {
    kind,
    store,
    sql: sqlOf(store),
    loop: await startLoop(writer),
    clock,
    timers,
    writer,
    notices,
    failLoads,
    fenced,
    seat: (i) => `S-A-${i}`,
    submit(command) {
      const box: { outcome?: Outcome } = {};
      h.loop.submit(command, (o) => (box.outcome = o));
      return box;
    },
    async drain() {
      for (let i = 0; i < 10_000; i++) {
        while (scheduled.length) {
          if (++ticks > 100_000) throw new Error('hot loop: ticks keep scheduling ticks');
          scheduled.shift()!();
        }
        if (!h.loop.isBusy && scheduled.length === 0) {
          // Let promise continuations (a commit's reply) run, then check once more.
          await new Promise((resolve) => setImmediate(resolve));
          if (!h.loop.isBusy && scheduled.length === 0) return;
          continue;
        }
        if (h.writer.pending > 0 && scheduled.length === 0) return; // held back on purpose
        await h.loop.settled();
      }
      throw new Error('the loop never settled');
    },
    async tickOnce() {
      scheduled.shift()?.();
      ticks++;
      while (h.loop.isBusy) await h.loop.settled();
      await new Promise((resolve) => setImmediate(resolve));
    },
    async advance(ms, stepMs = 10) {
      const before = ticks;
      for (let t = 0; t < ms; t += stepMs) {
        clock.now += stepMs;
        timers.fireDue();
        await h.drain();
      }
      return ticks - before;
    },
    async restart() {
      await h.loop.stop();
      h.loop = await startLoop(writer);
      return h.loop;
    },
    async close() {
      await h.loop.stop();
      await close();
    },
  };
  await h.drain(); // the start-up tick
  expect(h.loop.version).toBeGreaterThanOrEqual(0);
  return h;
}
