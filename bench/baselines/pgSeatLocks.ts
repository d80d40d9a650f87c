// Per-seat locks on PostgreSQL: the fine-grained locking design of
// seatLocks.ts (seat state in memory, async per-seat mutexes taken in sorted
// order, conflicts rejected from memory), with each request's writes in its
// own PostgreSQL transaction (pgWrites.ts). Unlike on SQLite, requests on
// different seats really write in parallel here: the store's pool has 10
// connections and PostgreSQL commits them concurrently (group commit).
// Expired holds are ended by a request that meets them and by a sweeper
// every 100 ms that takes the seats' locks like any request.
import type { PostgresStore } from '../../db/postgres/postgresStore';
import type { Command, Failure, Hold, Order, Outcome } from '../../core/types';
import type { DesignFactory } from './design';
import { createHold, createOrder, endHold } from './pgWrites';
import { SeatMutexes } from './seatLocks';

type SeatSlot = { holdId: string } | 'sold' | null;
const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });
const CURRENCY = 'EUR';

export const pgLocksDesign: DesignFactory<PostgresStore> = async ({ store, eventId, holdTtlMs, ids }) => {
  const sql = store.sql;
  const [{ max_seats_per_buyer: maxPerBuyer }] = await sql<{ max_seats_per_buyer: number }[]>`SELECT max_seats_per_buyer FROM events WHERE id = ${eventId}`;
  const price = new Map<string, number>();
  for (const row of await sql<{ id: string; price_cents: number }[]>`SELECT id, price_cents FROM seats WHERE event_id = ${eventId}`) price.set(row.id, row.price_cents);
  const seats = new Map<string, SeatSlot>();
  const holds = new Map<string, Hold>();
  const heldByBuyer = new Map<string, number>();
  const mutexes = new SeatMutexes();
  let expired = 0;
  let transactions = 0;
  let sweepErrors = 0;

  /** Applies an ended hold to memory (after its transaction committed). */
  const forget = (h: Hold, sold: boolean) => {
    holds.delete(h.id);
    for (const seatId of h.seatIds) seats.set(seatId, sold ? 'sold' : null);
    const left = (heldByBuyer.get(h.buyerId) ?? 0) - h.seatIds.length;
    if (left > 0) heldByBuyer.set(h.buyerId, left);
    else heldByBuyer.delete(h.buyerId);
  };

  /** Under the seats' locks: check in memory, write one transaction, then apply to memory. */
  async function hold(buyerId: string, seatIds: string[]): Promise<Outcome> {
    const now = Date.now();
    const ending: Hold[] = [];
    const taken: string[] = [];
    for (const seatId of seatIds) {
      if (!price.has(seatId)) return fail('not_found', 'Some seats do not exist in this event.');
      const slot = seats.get(seatId);
      if (slot && slot !== 'sold') {
        const h = holds.get(slot.holdId)!;
        if (h.expiresAt <= now) {
          // Safe without the hold's other seats' locks: its seats stay held in memory until it is forgotten.
          if (!ending.includes(h)) ending.push(h);
          continue;
        }
      }
      if (slot) taken.push(seatId);
    }
    const held = heldByBuyer.get(buyerId) ?? 0;
    let outcome: Outcome;
    let created: Hold | null = null;
    if (taken.length) outcome = { ...fail('seats_unavailable', 'Some seats are no longer available.'), seatIds: taken };
    else if (held + seatIds.length > maxPerBuyer) outcome = fail('limit_exceeded', 'Too many seats held.');
    else {
      created = { id: ids.holdId(), eventId, buyerId, seatIds: [...seatIds], createdAt: now, expiresAt: now + holdTtlMs, extensions: 0 };
      outcome = { ok: true, type: 'held', hold: created };
    }
    if (ending.length || created) {
      transactions++;
      const hold = created;
      await sql.begin(async (tx) => {
        for (const h of ending) await endHold(tx, eventId, h, 'expired', now);
        if (hold) await createHold(tx, eventId, hold);
      });
    }
    for (const h of ending) {
      if (holds.get(h.id) !== h) continue; // the sweeper ended it meanwhile
      forget(h, false);
      expired++;
    }
    if (created) {
      holds.set(created.id, created);
      for (const seatId of seatIds) seats.set(seatId, { holdId: created.id });
      heldByBuyer.set(buyerId, (heldByBuyer.get(buyerId) ?? 0) + seatIds.length);
    }
    return outcome;
  }

  async function endOrConfirm(command: Extract<Command, { type: 'confirm' | 'release' }>, h: Hold): Promise<Outcome> {
    const now = Date.now();
    transactions++;
    if (h.expiresAt <= now) {
      await sql.begin((tx) => endHold(tx, eventId, h, 'expired', now));
      forget(h, false);
      expired++;
      return fail('hold_expired', 'The hold expired; its seats were released.');
    }
    if (command.type === 'release') {
      await sql.begin((tx) => endHold(tx, eventId, h, 'released', now));
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
    await sql.begin(async (tx) => {
      await endHold(tx, eventId, h, 'confirmed', now);
      await createOrder(tx, eventId, order, CURRENCY);
    });
    forget(h, true);
    return { ok: true, type: 'confirmed', order, replayed: false };
  }

  async function handle(command: Command): Promise<Outcome> {
    if (command.type === 'hold') {
      const unlock = await mutexes.lockAll(command.seatIds);
      try {
        return await hold(command.buyerId, command.seatIds);
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
      return await endOrConfirm(command, h);
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
      if (still.length === 0) return;
      transactions++;
      await sql.begin(async (tx) => {
        for (const h of still) await endHold(tx, eventId, h, 'expired', now);
      });
      for (const h of still) {
        forget(h, false);
        expired++;
      }
    } finally {
      unlock();
    }
  }
  let sweeping: Promise<void> | null = null;
  const sweeper = setInterval(() => {
    sweeping ??= sweep()
      .catch(() => void sweepErrors++)
      .finally(() => (sweeping = null));
  }, 100);

  return {
    submit(command, reply) {
      handle(command).then(reply, (error: unknown) => reply(fail('internal', String(error))));
    },
    stats: () => ({ expired, transactions, sweepErrors }),
    async close() {
      clearInterval(sweeper);
      await sweeping;
    },
  };
};
