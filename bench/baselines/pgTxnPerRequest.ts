// Baseline on PostgreSQL — transaction per request with row locks, the way
// a handler on PostgreSQL is usually written: every request is its own
// transaction (BEGIN … COMMIT, one WAL flush per writing request with
// synchronous_commit on) that locks the seat rows it touches with
// `SELECT … FOR UPDATE` (sorted by id, so two requests cannot deadlock on
// seats), reads who holds or bought them, checks, writes, commits. The
// database is the only state and arbitrates every conflict; requests run
// concurrently on the store's connection pool (10 connections, as the loop's
// store has). Expired holds are ended by the request that meets them and by
// a sweeper every 100 ms. Lock order everywhere: seats, then holds.
import type { PostgresStore } from '../../db/postgres/postgresStore';
import type { Command, Failure, Hold, Order, Outcome } from '../../core/types';
import { BUYER } from '../workloads';
import type { DesignFactory } from './design';
import { createHold, createOrder, endHold, holdOfRow, type PgHoldRow, type Tx } from './pgWrites';

const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });
const CURRENCY = 'EUR';

export const pgTxnDesign: DesignFactory<PostgresStore> = async ({ store, eventId, holdTtlMs, ids }) => {
  const sql = store.sql;
  const [{ max_seats_per_buyer: maxPerBuyer }] = await sql<{ max_seats_per_buyer: number }[]>`SELECT max_seats_per_buyer FROM events WHERE id = ${eventId}`;
  let expired = 0;
  let transactions = 0;
  let deadlocks = 0;
  let sweepErrors = 0;

  /** Locks the seat rows (sorted); their prices, or null when one does not exist. */
  async function lockSeats(tx: Tx, seatIds: readonly string[]): Promise<Map<string, number> | null> {
    const rows = await tx<{ id: string; price_cents: number }[]>`
      SELECT id, price_cents FROM seats WHERE event_id = ${eventId} AND id = ANY(${seatIds as string[]}::text[]) ORDER BY id FOR UPDATE`;
    return rows.length === new Set(seatIds).size ? new Map(rows.map((r) => [r.id, r.price_cents])) : null;
  }

  async function expire(tx: Tx, h: Hold, now: number): Promise<void> {
    if (await endHold(tx, eventId, h, 'expired', now)) expired++;
  }

  async function hold(tx: Tx, buyerId: string, seatIds: string[], now: number): Promise<Outcome> {
    if (!(await lockSeats(tx, seatIds))) return fail('not_found', 'Some seats do not exist in this event.');
    const [held, sold] = await Promise.all([
      tx<(PgHoldRow & { seat_id: string })[]>`
        SELECT hs.seat_id, h.* FROM held_seats hs JOIN holds h ON h.id = hs.hold_id WHERE hs.event_id = ${eventId} AND hs.seat_id = ANY(${seatIds}::text[])`,
      tx<{ seat_id: string }[]>`SELECT seat_id FROM tickets WHERE event_id = ${eventId} AND seat_id = ANY(${seatIds}::text[]) AND status = 'valid'`,
    ]);
    const taken = new Set(sold.map((r) => r.seat_id));
    const ending = new Map<string, Hold>();
    for (const row of held) {
      if (Number(row.expires_at) <= now) ending.set(row.id, holdOfRow(eventId, row));
      else taken.add(row.seat_id);
    }
    for (const h of ending.values()) await expire(tx, h, now);
    if (taken.size) return { ...fail('seats_unavailable', 'Some seats are no longer available.'), seatIds: seatIds.filter((s) => taken.has(s)) };
    const [{ n: heldByBuyer }] = await tx<{ n: number }[]>`
      SELECT coalesce(sum(json_array_length(seat_ids_json::json)), 0)::int AS n FROM holds
      WHERE buyer_id = ${buyerId} AND event_id = ${eventId} AND status = 'active' AND expires_at > ${now}`;
    if (heldByBuyer + seatIds.length > maxPerBuyer) return fail('limit_exceeded', 'Too many seats held.');
    const h: Hold = { id: ids.holdId(), eventId, buyerId, seatIds: [...seatIds], createdAt: now, expiresAt: now + holdTtlMs, extensions: 0 };
    await createHold(tx, eventId, h);
    return { ok: true, type: 'held', hold: h };
  }

  /** Locks the hold's seats, then the hold itself; the caller's live hold, or a failure (ending it if it expired). */
  async function lockLiveHold(tx: Tx, buyerId: string, holdId: string, now: number): Promise<{ hold: Hold; prices: Map<string, number> } | Failure> {
    const [peek] = await tx<{ seat_ids_json: string }[]>`SELECT seat_ids_json FROM holds WHERE id = ${holdId} AND event_id = ${eventId}`;
    if (!peek) return fail('not_found', 'No such hold.');
    const prices = await lockSeats(tx, JSON.parse(peek.seat_ids_json) as string[]);
    const [row] = await tx<PgHoldRow[]>`SELECT * FROM holds WHERE id = ${holdId} FOR UPDATE`;
    if (!prices || !row) return fail('not_found', 'No such hold.');
    if (row.buyer_id !== buyerId) return fail('not_hold_owner', 'This hold belongs to someone else.');
    if (row.status === 'confirmed') return fail('already_confirmed', 'This hold was already confirmed.');
    if (row.status !== 'active') return fail(row.status === 'expired' ? 'hold_expired' : 'not_found', 'The hold ended.');
    const h = holdOfRow(eventId, row);
    if (h.expiresAt <= now) {
      await expire(tx, h, now);
      return fail('hold_expired', 'The hold expired; its seats were released.');
    }
    return { hold: h, prices };
  }

  async function confirm(tx: Tx, command: Extract<Command, { type: 'confirm' }>, now: number): Promise<Outcome> {
    const [keyed] = await tx<{ hold_id: string }[]>`
      SELECT hold_id FROM orders WHERE event_id = ${eventId} AND buyer_id = ${command.buyerId} AND idempotency_key = ${command.idempotencyKey}`;
    if (keyed) return fail(keyed.hold_id === command.holdId ? 'already_confirmed' : 'idempotency_conflict', 'Key used.');
    const live = await lockLiveHold(tx, command.buyerId, command.holdId, now);
    if ('ok' in live) return live;
    const { hold: h, prices } = live;
    const order: Order = {
      id: ids.orderId(),
      eventId,
      holdId: h.id,
      buyerId: h.buyerId,
      buyer: command.buyer ?? BUYER,
      idempotencyKey: command.idempotencyKey,
      totalCents: 0,
      createdAt: now,
      tickets: h.seatIds.map((seatId) => ({ id: ids.ticketId(), seatId, priceCents: prices.get(seatId)!, code: ids.ticketCode() })),
    };
    order.totalCents = order.tickets.reduce((sum, t) => sum + t.priceCents, 0);
    // Held seats go first: the database refuses a ticket for a seat that is still held.
    await endHold(tx, eventId, h, 'confirmed', now);
    await createOrder(tx, eventId, order, CURRENCY);
    return { ok: true, type: 'confirmed', order, replayed: false };
  }

  async function release(tx: Tx, buyerId: string, holdId: string, now: number): Promise<Outcome> {
    const live = await lockLiveHold(tx, buyerId, holdId, now);
    if ('ok' in live) return live;
    await endHold(tx, eventId, live.hold, 'released', now);
    return { ok: true, type: 'released', holdId, seatIds: live.hold.seatIds };
  }

  async function run(command: Command): Promise<Outcome> {
    transactions++;
    return sql.begin(async (tx) => {
      const now = Date.now();
      switch (command.type) {
        case 'hold':
          return hold(tx, command.buyerId, command.seatIds, now);
        case 'confirm':
          return confirm(tx, command, now);
        case 'release':
          return release(tx, command.buyerId, command.holdId, now);
        default:
          return fail('invalid_request', `${command.type} is not benchmarked`);
      }
    }) as Promise<Outcome>;
  }

  /** Ends due holds; SKIP LOCKED leaves those a request is ending right now to that request. */
  async function sweep(): Promise<void> {
    transactions++;
    await sql.begin(async (tx) => {
      const now = Date.now();
      const due = await tx<PgHoldRow[]>`
        SELECT * FROM holds WHERE event_id = ${eventId} AND status = 'active' AND expires_at <= ${now} ORDER BY id FOR UPDATE SKIP LOCKED`;
      for (const row of due) await expire(tx, holdOfRow(eventId, row), now);
    });
  }
  let sweeping: Promise<void> | null = null;
  const sweeper = setInterval(() => {
    sweeping ??= sweep()
      .catch((error: unknown) => {
        if (isDeadlock(error)) deadlocks++;
        else sweepErrors++;
      })
      .finally(() => (sweeping = null));
  }, 100);

  return {
    submit(command, reply) {
      run(command).then(reply, (error: unknown) => {
        if (isDeadlock(error)) deadlocks++;
        reply(fail('internal', String(error)));
      });
    },
    stats: () => ({ expired, transactions, deadlocks, sweepErrors }),
    async close() {
      clearInterval(sweeper);
      await sweeping;
    },
  };
};

/** PostgreSQL detected a deadlock and aborted this transaction (SQLSTATE 40P01). */
function isDeadlock(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '40P01';
}
