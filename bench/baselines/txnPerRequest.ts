// Baseline 1 — transaction per request, as a typical Express/Next handler
// does it: every request runs its own BEGIN IMMEDIATE … COMMIT that reads
// the seat rows it needs, checks them, writes, and commits (one fsync per
// request under synchronous=FULL). The database is the only state. Writes
// use the project's own batch writer (same tables, same audit rows), one
// request per transaction. Expired holds are ended lazily by the request
// that meets them and by a sweeper every 100 ms.
import { createBatchWriter } from '../../db/sqlite/batchWriter';
import type { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { Command, Effect, Failure, Hold, Order, Outcome } from '../../core/types';
import { BUYER } from '../workloads';
import type { DesignFactory } from './design';

interface HoldRow {
  id: string;
  buyer_id: string;
  seat_ids_json: string;
  created_at: number;
  expires_at: number;
  extensions: number;
  status: string;
}

const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });

export const txnDesign: DesignFactory<SqliteStore> = async ({ store, eventId, holdTtlMs, ids }) => {
  const db = store.handle.sqlite;
  const writer = createBatchWriter(db);
  const maxPerBuyer = db.prepare('SELECT max_seats_per_buyer FROM events WHERE id = ?').pluck().get(eventId) as number;
  let version = db.prepare('SELECT version FROM events WHERE id = ?').pluck().get(eventId) as number;
  const seatPrice = db.prepare('SELECT price_cents FROM seats WHERE event_id = ? AND id = ?').pluck();
  const holdOnSeat = db.prepare(
    `SELECT h.* FROM held_seats hs JOIN holds h ON h.id = hs.hold_id WHERE hs.event_id = ? AND hs.seat_id = ?`,
  );
  const soldSeat = db.prepare(`SELECT 1 FROM tickets WHERE event_id = ? AND seat_id = ? AND status = 'valid'`).pluck();
  const heldByBuyer = db
    .prepare(
      `SELECT coalesce(sum(json_array_length(seat_ids_json)), 0) FROM holds
       WHERE buyer_id = ? AND event_id = ? AND status = 'active' AND expires_at > ?`,
    )
    .pluck();
  const holdById = db.prepare('SELECT * FROM holds WHERE id = ?');
  const orderByKey = db.prepare('SELECT id, hold_id FROM orders WHERE event_id = ? AND buyer_id = ? AND idempotency_key = ?');
  const dueHolds = db.prepare(`SELECT * FROM holds WHERE event_id = ? AND status = 'active' AND expires_at <= ?`);
  let expired = 0;
  let transactions = 0;

  const toHold = (r: HoldRow): Hold => ({
    id: r.id,
    eventId,
    buyerId: r.buyer_id,
    seatIds: JSON.parse(r.seat_ids_json) as string[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    extensions: r.extensions,
  });
  const expire = (r: HoldRow, now: number, effects: Effect[]) => {
    effects.push({ kind: 'hold_ended', hold: toHold(r), reason: 'expired', at: now });
    expired++;
  };
  /** Writes the effects (and the next version) inside the open transaction. */
  const persist = (effects: Effect[]) => {
    if (effects.length === 0) return;
    writer.write(eventId, effects, version + 1, 'EUR');
    version++;
  };

  function hold(buyerId: string, seatIds: string[], now: number): Outcome {
    const effects: Effect[] = [];
    const taken: string[] = [];
    const ending = new Set<string>();
    for (const seatId of seatIds) {
      if (seatPrice.get(eventId, seatId) === undefined) return fail('not_found', 'Some seats do not exist in this event.');
      const row = holdOnSeat.get(eventId, seatId) as HoldRow | undefined;
      if (row && row.expires_at <= now) {
        if (!ending.has(row.id)) expire(row, now, effects);
        ending.add(row.id);
      } else if (row || soldSeat.get(eventId, seatId)) taken.push(seatId);
    }
    if (taken.length) {
      persist(effects);
      return { ...fail('seats_unavailable', 'Some seats are no longer available.'), seatIds: taken };
    }
    if ((heldByBuyer.get(buyerId, eventId, now) as number) + seatIds.length > maxPerBuyer) {
      persist(effects);
      return fail('limit_exceeded', 'Too many seats held.');
    }
    const h: Hold = { id: ids.holdId(), eventId, buyerId, seatIds: [...seatIds], createdAt: now, expiresAt: now + holdTtlMs, extensions: 0 };
    effects.push({ kind: 'hold_created', hold: h });
    persist(effects);
    return { ok: true, type: 'held', hold: h };
  }

  /** The caller's live hold, or a failure (ending it first if it expired). */
  function liveHold(buyerId: string, holdId: string, now: number): Hold | Failure {
    const row = holdById.get(holdId) as HoldRow | undefined;
    if (!row) return fail('not_found', 'No such hold.');
    if (row.buyer_id !== buyerId) return fail('not_hold_owner', 'This hold belongs to someone else.');
    if (row.status === 'confirmed') return fail('already_confirmed', 'This hold was already confirmed.');
    if (row.status !== 'active') return fail(row.status === 'expired' ? 'hold_expired' : 'not_found', 'The hold ended.');
    if (row.expires_at <= now) {
      const effects: Effect[] = [];
      expire(row, now, effects);
      persist(effects);
      return fail('hold_expired', 'The hold expired; its seats were released.');
    }
    return toHold(row);
  }

  function confirm(command: Extract<Command, { type: 'confirm' }>, now: number): Outcome {
    const keyed = orderByKey.get(eventId, command.buyerId, command.idempotencyKey) as { id: string; hold_id: string } | undefined;
    if (keyed) return fail(keyed.hold_id === command.holdId ? 'already_confirmed' : 'idempotency_conflict', 'Key used.');
    const h = liveHold(command.buyerId, command.holdId, now);
    if ('ok' in h) return h;
    const order: Order = {
      id: ids.orderId(),
      eventId,
      holdId: h.id,
      buyerId: h.buyerId,
      buyer: command.buyer ?? BUYER,
      idempotencyKey: command.idempotencyKey,
      totalCents: 0,
      createdAt: now,
      tickets: h.seatIds.map((seatId) => ({
        id: ids.ticketId(),
        seatId,
        priceCents: seatPrice.get(eventId, seatId) as number,
        code: ids.ticketCode(),
      })),
    };
    order.totalCents = order.tickets.reduce((sum, t) => sum + t.priceCents, 0);
    persist([
      { kind: 'hold_ended', hold: h, reason: 'confirmed', at: now },
      { kind: 'order_created', order },
    ]);
    return { ok: true, type: 'confirmed', order, replayed: false };
  }

  function release(buyerId: string, holdId: string, now: number): Outcome {
    const h = liveHold(buyerId, holdId, now);
    if ('ok' in h) return h;
    persist([{ kind: 'hold_ended', hold: h, reason: 'released', at: now }]);
    return { ok: true, type: 'released', holdId, seatIds: h.seatIds };
  }

  const run = db.transaction((command: Command, now: number): Outcome => {
    switch (command.type) {
      case 'hold':
        return hold(command.buyerId, command.seatIds, now);
      case 'confirm':
        return confirm(command, now);
      case 'release':
        return release(command.buyerId, command.holdId, now);
      default:
        return fail('invalid_request', `${command.type} is not benchmarked`);
    }
  });
  const sweep = db.transaction((now: number) => {
    const effects: Effect[] = [];
    for (const row of dueHolds.all(eventId, now) as HoldRow[]) expire(row, now, effects);
    persist(effects);
  });

  const sweeper = setInterval(() => {
    transactions++;
    sweep.immediate(Date.now());
  }, 100);

  return {
    submit(command, reply) {
      // Each request is its own callback, as an HTTP/socket handler would be.
      setImmediate(() => {
        const savedVersion = version;
        let outcome: Outcome;
        try {
          transactions++;
          outcome = run.immediate(command, Date.now());
        } catch (error) {
          version = savedVersion; // rolled back
          outcome = fail('internal', String(error));
        }
        reply(outcome);
      });
    },
    stats: () => ({ expired, transactions }),
    async close() {
      clearInterval(sweeper);
    },
  };
};
