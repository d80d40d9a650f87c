// Baseline 2 — lock per seat in memory, then write: the fine-grained locking
// design. Seat state lives in memory; a request takes async per-seat mutexes
// (in sorted order, so two requests cannot deadlock), checks the seats in
// memory, writes its own transaction (the project's batch writer, one
// request per BEGIN IMMEDIATE … COMMIT), updates memory and unlocks.
// Conflicts are rejected from memory without touching the database.
// Expired holds are ended lazily by a request that meets them, and by a
// sweeper every 100 ms (which takes the seats' locks like any request).
import { createBatchWriter } from '../../db/sqlite/batchWriter';
import type { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { Command, Effect, Failure, Hold, Order, Outcome } from '../../core/types';
import type { DesignFactory } from './design';

type SeatSlot = { holdId: string } | 'sold' | null;
const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });

/** Async mutexes keyed by seat id: a promise chain per seat, dropped when idle. */
export class SeatMutexes {
  private readonly tails = new Map<string, Promise<void>>();
  async lockAll(seatIds: string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const seatId of [...seatIds].sort()) releases.push(await this.lock(seatId));
    return () => {
      for (const release of releases) release();
    };
  }
  private async lock(seatId: string): Promise<() => void> {
    const previous = this.tails.get(seatId);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(seatId, tail);
    if (previous) await previous;
    return () => {
      release();
      if (this.tails.get(seatId) === tail) this.tails.delete(seatId);
    };
  }
}

export const locksDesign: DesignFactory<SqliteStore> = async ({ store, eventId, holdTtlMs, ids }) => {
  const db = store.handle.sqlite;
  const writer = createBatchWriter(db);
  const maxPerBuyer = db.prepare('SELECT max_seats_per_buyer FROM events WHERE id = ?').pluck().get(eventId) as number;
  let version = db.prepare('SELECT version FROM events WHERE id = ?').pluck().get(eventId) as number;
  const price = new Map<string, number>();
  for (const row of db.prepare('SELECT id, price_cents FROM seats WHERE event_id = ?').all(eventId) as { id: string; price_cents: number }[]) {
    price.set(row.id, row.price_cents);
  }
  const seats = new Map<string, SeatSlot>();
  const holds = new Map<string, Hold>();
  const heldByBuyer = new Map<string, number>();
  const mutexes = new SeatMutexes();
  let expired = 0;
  let transactions = 0;

  const persist = (effects: Effect[]) => {
    if (effects.length === 0) return;
    transactions++;
    writer.write(eventId, effects, version + 1, 'EUR'); // its own BEGIN IMMEDIATE … COMMIT
    version++;
  };
  /** Applies an ended hold to memory (after its transaction committed). */
  const forget = (h: Hold, sold: boolean) => {
    holds.delete(h.id);
    for (const seatId of h.seatIds) seats.set(seatId, sold ? 'sold' : null);
    const left = (heldByBuyer.get(h.buyerId) ?? 0) - h.seatIds.length;
    if (left > 0) heldByBuyer.set(h.buyerId, left);
    else heldByBuyer.delete(h.buyerId);
  };

  function hold(buyerId: string, seatIds: string[], now: number): Outcome {
    const effects: Effect[] = [];
    const ending: Hold[] = [];
    const taken: string[] = [];
    for (const seatId of seatIds) {
      if (!price.has(seatId)) return fail('not_found', 'Some seats do not exist in this event.');
      const slot = seats.get(seatId);
      if (slot && slot !== 'sold') {
        const h = holds.get(slot.holdId)!;
        if (h.expiresAt <= now) {
          // Safe without the other seats' locks: check, write and apply run without yielding.
          if (!ending.includes(h)) ending.push(h);
          continue;
        }
      }
      if (slot) taken.push(seatId);
    }
    for (const h of ending) effects.push({ kind: 'hold_ended', hold: h, reason: 'expired', at: now });
    const held = heldByBuyer.get(buyerId) ?? 0;
    let outcome: Outcome;
    let created: Hold | null = null;
    if (taken.length) outcome = { ...fail('seats_unavailable', 'Some seats are no longer available.'), seatIds: taken };
    else if (held + seatIds.length > maxPerBuyer) outcome = fail('limit_exceeded', 'Too many seats held.');
    else {
      created = { id: ids.holdId(), eventId, buyerId, seatIds: [...seatIds], createdAt: now, expiresAt: now + holdTtlMs, extensions: 0 };
      effects.push({ kind: 'hold_created', hold: created });
      outcome = { ok: true, type: 'held', hold: created };
    }
    persist(effects);
    for (const h of ending) {
      forget(h, false);
      expired++;
    }
    if (created) {
      holds.set(created.id, created);
      for (const seatId of seatIds) seats.set(seatId, { holdId: created.id });
      heldByBuyer.set(buyerId, held + seatIds.length);
    }
    return outcome;
  }

  function endHold(command: Extract<Command, { type: 'confirm' | 'release' }>, h: Hold, now: number): Outcome {
    if (h.expiresAt <= now) {
      persist([{ kind: 'hold_ended', hold: h, reason: 'expired', at: now }]);
      forget(h, false);
      expired++;
      return fail('hold_expired', 'The hold expired; its seats were released.');
    }
    if (command.type === 'release') {
      persist([{ kind: 'hold_ended', hold: h, reason: 'released', at: now }]);
      forget(h, false);
      return { ok: true, type: 'released', holdId: h.id, seatIds: h.seatIds };
    }
    const order: Order = {
      id: ids.orderId(),
      eventId,
      holdId: h.id,
      buyerId: h.buyerId,
      buyer: command.buyer,
      idempotencyKey: command.idempotencyKey,
      totalCents: 0,
      createdAt: now,
      tickets: h.seatIds.map((seatId) => ({ id: ids.ticketId(), seatId, priceCents: price.get(seatId)!, code: ids.ticketCode() })),
    };
    order.totalCents = order.tickets.reduce((sum, t) => sum + t.priceCents, 0);
    persist([
      { kind: 'hold_ended', hold: h, reason: 'confirmed', at: now },
      { kind: 'order_created', order },
    ]);
    forget(h, true);
    return { ok: true, type: 'confirmed', order, replayed: false };
  }

  async function handle1(command: Command): Promise<Outcome> {
    if (command.type === 'hold') {
      const unlock = await mutexes.lockAll(command.seatIds);
      try {
        return hold(command.buyerId, command.seatIds, Date.now());
      } finally {
        unlock();
      }
    }
    if (command.type !== 'confirm' && command.type !== 'release') return fail('invalid_request', `${command.type} is not benchmarked`);
    const known = holds.get(command.holdId);
    if (!known) return fail('not_found', 'No such hold (or it ended).');
    if (known.buyerId !== command.buyerId) return fail('not_hold_owner', 'This hold belongs to someone else.');
    const unlock = await mutexes.lockAll(known.seatIds);
    try {
      // Re-check under the locks: the hold may have ended while we waited.
      const h = holds.get(command.holdId);
      if (!h) return fail('not_found', 'The hold ended.');
      return endHold(command, h, Date.now());
    } finally {
      unlock();
    }
  }

  async function sweep(): Promise<void> {
    const now = Date.now();
    const due = [...holds.values()].filter((h) => h.expiresAt <= now);
    if (due.length === 0) return;
    const unlock = await mutexes.lockAll(due.flatMap((h) => h.seatIds));
    try {
      const still = due.filter((h) => holds.get(h.id) === h);
      persist(still.map((h) => ({ kind: 'hold_ended', hold: h, reason: 'expired', at: now })));
      for (const h of still) {
        forget(h, false);
        expired++;
      }
    } finally {
      unlock();
    }
  }
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void sweep().finally(() => (sweeping = false));
  }, 100);

  return {
    submit(command, reply) {
      setImmediate(() => {
        handle1(command).then(reply, (error: unknown) => reply(fail('internal', String(error))));
      });
    },
    stats: () => ({ expired, transactions }),
    async close() {
      clearInterval(sweeper);
    },
  };
};
