// Persists one tick's effects in ONE transaction. This is the hot path, so
// it uses prepared statements on the raw handle instead of drizzle's query
// builder; the tables are the ones declared in schema.ts.
import type Database from 'better-sqlite3';
import type { Effect } from '../server/reservations/types';

export interface BatchWriter {
  /** Writes the effects and the event's new version atomically; throws (and rolls back) on failure. */
  write(eventId: string, effects: readonly Effect[], version: number, currency: string): void;
}

export function createBatchWriter(sqlite: Database.Database): BatchWriter {
  const insertHold = sqlite.prepare(
    `INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, extensions, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'active')`,
  );
  const insertHeldSeat = sqlite.prepare(`INSERT INTO held_seats (event_id, seat_id, hold_id) VALUES (?, ?, ?)`);
  const extendHold = sqlite.prepare(`UPDATE holds SET expires_at = ?, extensions = ? WHERE id = ? AND status = 'active'`);
  const endHold = sqlite.prepare(`UPDATE holds SET status = ?, ended_at = ? WHERE id = ? AND status = 'active'`);
  const deleteHeldSeats = sqlite.prepare(`DELETE FROM held_seats WHERE hold_id = ?`);
  const insertOrder = sqlite.prepare(
    `INSERT INTO orders (id, event_id, hold_id, buyer_id, buyer_name, buyer_email, idempotency_key, total_cents, currency, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTicket = sqlite.prepare(
    `INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code, status) VALUES (?, ?, ?, ?, ?, ?, 'valid')`,
  );
  const insertAudit = sqlite.prepare(
    `INSERT INTO audit_log (event_id, seat_id, at, action, hold_id, order_id, buyer_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setVersion = sqlite.prepare(`UPDATE events SET version = ? WHERE id = ?`);

  function mustChangeOneRow(result: Database.RunResult, what: string): void {
    if (result.changes !== 1) throw new Error(`integrity: ${what} matched ${result.changes} rows`);
  }

  function writeEffect(eventId: string, effect: Effect, currency: string): void {
    switch (effect.kind) {
      case 'hold_created': {
        const h = effect.hold;
        insertHold.run(h.id, eventId, h.buyerId, JSON.stringify(h.seatIds), h.createdAt, h.expiresAt, h.extensions);
        for (const seatId of h.seatIds) {
          insertHeldSeat.run(eventId, seatId, h.id);
          insertAudit.run(eventId, seatId, h.createdAt, 'held', h.id, null, h.buyerId, null);
        }
        return;
      }
      case 'hold_extended': {
        mustChangeOneRow(extendHold.run(effect.expiresAt, effect.extensions, effect.holdId), `extend ${effect.holdId}`);
        insertAudit.run(eventId, null, effect.expiresAt, 'hold_extended', effect.holdId, null, null, null);
        return;
      }
      case 'hold_ended': {
        const h = effect.hold;
        mustChangeOneRow(endHold.run(effect.reason, effect.at, h.id), `end ${h.id}`);
        deleteHeldSeats.run(h.id);
        // A confirmed hold's seats are audited as 'sold' by the order below.
        if (effect.reason !== 'confirmed') {
          for (const seatId of h.seatIds) {
            insertAudit.run(eventId, seatId, effect.at, effect.reason, h.id, null, h.buyerId, null);
          }
        }
        return;
      }
      case 'order_created': {
        const o = effect.order;
        insertOrder.run(
          o.id,
          eventId,
          o.holdId,
          o.buyerId,
          o.buyer.name,
          o.buyer.email,
          o.idempotencyKey,
          o.totalCents,
          currency,
          o.createdAt,
        );
        for (const t of o.tickets) {
          insertTicket.run(t.id, o.id, eventId, t.seatId, t.priceCents, t.code);
          insertAudit.run(eventId, t.seatId, o.createdAt, 'sold', o.holdId, o.id, o.buyerId, null);
        }
        return;
      }
    }
  }

  const writeAll = sqlite.transaction((eventId: string, effects: readonly Effect[], version: number, currency: string) => {
    for (const effect of effects) writeEffect(eventId, effect, currency);
    setVersion.run(version, eventId);
  });

  return {
    write(eventId, effects, version, currency) {
      // BEGIN IMMEDIATE: take the write lock up front, so a locked file fails fast and whole.
      writeAll.immediate(eventId, effects, version, currency);
    },
  };
}
