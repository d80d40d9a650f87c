// SQLite: persists one tick's effects in ONE transaction. This is the hot
// path, so it uses prepared statements on the raw handle instead of drizzle's
// query builder; the tables are the ones declared in schema.ts.
import type Database from 'better-sqlite3';
import type { GeneratedLayout } from '../../lib/venueLayout';
import type { Effect } from '../../core/types';
import { createAuditWriter } from './auditWriter';
import { queuedEmailOf } from '../outbox';
import { createOutboxQueue } from './outboxQueue';
import { StoreFencedError } from '../store';

export interface SqliteBatchWriter {
  /** Writes the effects and the event's new version atomically; throws (and rolls back) on failure. */
  write(eventId: string, effects: readonly Effect[], version: number, currency: string): void;
}

export interface SqliteBatchWriterOptions {
  /**
   * The ownership epoch (distributed mode): every transaction first checks that the event's lease
   * still carries it and otherwise rolls back with StoreFencedError. Inside BEGIN IMMEDIATE no other
   * connection can change the lease until this transaction ends.
   */
  epoch?: number;
  /** Runs inside the transaction after all writes, before COMMIT (crash tests kill the process here). */
  beforeCommit?: () => void;
}

export function createBatchWriter(sqlite: Database.Database, options: SqliteBatchWriterOptions = {}): SqliteBatchWriter {
  const insertHold = sqlite.prepare(
    `INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, extensions, request_id, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active')`,
  );
  // One statement per hold for its seats (a hold has 1–maxSeatsPerBuyer seats): fewer native calls per hold.
  const insertHeldSeatsBySize: Database.Statement[] = [];
  const insertHeldSeats = (eventId: string, holdId: string, seatIds: readonly string[]) => {
    const n = seatIds.length;
    const stmt = (insertHeldSeatsBySize[n] ??= sqlite.prepare(
      `INSERT INTO held_seats (event_id, seat_id, hold_id) VALUES ${new Array(n).fill('(?, ?, ?)').join(', ')}`,
    ));
    const params: string[] = new Array(n * 3);
    for (let i = 0; i < n; i++) {
      params[i * 3] = eventId;
      params[i * 3 + 1] = seatIds[i];
      params[i * 3 + 2] = holdId;
    }
    stmt.run(params);
  };
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
  const audit = createAuditWriter(sqlite);
  // Emails are queued in the same transaction as what they tell (the transactional outbox).
  const outbox = createOutboxQueue(sqlite);
  const auditSeat = (
    eventId: string,
    seatId: string | null,
    at: number,
    action: string,
    holdId: string | null,
    orderId: string | null,
    buyerId: string | null,
    detail: string | null,
  ) => audit.append({ eventId, seatId, at, action, holdId, orderId, buyerId, detail });
  const auditEvent = (eventId: string, at: number, action: string, holdId: string | null, buyerId: string | null, detail: string | null) =>
    auditSeat(eventId, null, at, action, holdId, null, buyerId, detail);
  const setVersion = sqlite.prepare(`UPDATE events SET version = ? WHERE id = ?`);
  const insertBlock = sqlite.prepare(`INSERT INTO blocked_seats (event_id, seat_id, reason, blocked_at) VALUES (?, ?, ?, ?)`);
  const deleteBlock = sqlite.prepare(`DELETE FROM blocked_seats WHERE event_id = ? AND seat_id = ?`);
  const cancelTicket = sqlite.prepare(
    `UPDATE tickets SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?
     WHERE order_id = ? AND seat_id = ? AND status = 'valid'`,
  );
  const configure = sqlite.prepare(
    `UPDATE events SET
       name = coalesce(@name, name), venue_name = coalesce(@venueName, venue_name), starts_at = coalesce(@startsAt, starts_at),
       hold_ttl_ms = CASE WHEN @setTtl THEN @holdTtlMs ELSE hold_ttl_ms END,
       max_seats_per_buyer = coalesce(@maxSeatsPerBuyer, max_seats_per_buyer),
       max_extensions = coalesce(@maxExtensions, max_extensions),
       prevent_orphan_seats = coalesce(@preventOrphanSeats, prevent_orphan_seats),
       sale_status = coalesce(@saleStatus, sale_status),
       sale_opens_at = CASE WHEN @setOpens THEN @saleOpensAt ELSE sale_opens_at END,
       sale_closes_at = CASE WHEN @setCloses THEN @saleClosesAt ELSE sale_closes_at END
     WHERE id = @eventId`,
  );
  const deleteSeats = sqlite.prepare(`DELETE FROM seats WHERE event_id = ?`);
  const deleteBlocks = sqlite.prepare(`DELETE FROM blocked_seats WHERE event_id = ?`);
  const insertSeat = sqlite.prepare(
    `INSERT INTO seats (event_id, id, section, row, number, category, price_cents, x, y, accessible, ga_area)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setLayout = sqlite.prepare(`UPDATE events SET layout_json = ? WHERE id = ?`);
  const deleteEvent = sqlite.prepare(`DELETE FROM events WHERE id = ?`);
  const checkIn = sqlite.prepare(
    `UPDATE tickets SET checked_in_at = ?, checked_in_door = ?, checked_in_by = ?
     WHERE id = ? AND status = 'valid' AND checked_in_at IS NULL`,
  );

  const detail = (actor: string, reason: string | null) => JSON.stringify(reason ? { by: actor, reason } : { by: actor });
  const checkInDetail = (actor: string, door: string | null) => JSON.stringify(door ? { by: actor, door } : { by: actor });

  function mustChangeOneRow(result: Database.RunResult, what: string): void {
    if (result.changes !== 1) throw new Error(`integrity: ${what} matched ${result.changes} rows`);
  }

  function writeEffect(eventId: string, effect: Effect, currency: string): void {
    switch (effect.kind) {
      case 'hold_created': {
        const h = effect.hold;
        insertHold.run(h.id, eventId, h.buyerId, JSON.stringify(h.seatIds), h.createdAt, h.expiresAt, h.extensions, h.requestId ?? null);
        insertHeldSeats(eventId, h.id, h.seatIds);
        for (const seatId of h.seatIds) {
          auditSeat(eventId, seatId, h.createdAt, 'held', h.id, null, h.buyerId, null);
        }
        return;
      }
      case 'hold_extended': {
        mustChangeOneRow(extendHold.run(effect.expiresAt, effect.extensions, effect.holdId), `extend ${effect.holdId}`);
        auditEvent(eventId, effect.at, 'hold_extended', effect.holdId, effect.buyerId, JSON.stringify({ expiresAt: effect.expiresAt }));
        return;
      }
      case 'hold_ended': {
        const h = effect.hold;
        mustChangeOneRow(endHold.run(effect.reason, effect.at, h.id), `end ${h.id}`);
        deleteHeldSeats.run(h.id);
        // A confirmed hold's seats are audited as 'sold' by the order below.
        if (effect.reason !== 'confirmed') {
          // admin_released rows name the hold's buyer; `detail` names the organizer and reason.
          for (const seatId of h.seatIds) {
            auditSeat(eventId, seatId, effect.at, effect.reason, h.id, null, h.buyerId, effect.detail ?? null);
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
          auditSeat(eventId, t.seatId, o.createdAt, 'sold', o.holdId, o.id, o.buyerId, null);
        }
        outbox.queue(queuedEmailOf(effect)!);
        return;
      }
      case 'seats_blocked':
        for (const seatId of effect.seatIds) {
          insertBlock.run(eventId, seatId, effect.reason, effect.at);
          auditSeat(eventId, seatId, effect.at, 'blocked', null, null, null, detail(effect.actor, effect.reason));
        }
        return;
      case 'seats_unblocked':
        for (const seatId of effect.seatIds) {
          mustChangeOneRow(deleteBlock.run(eventId, seatId), `unblock ${seatId}`);
          auditSeat(eventId, seatId, effect.at, 'unblocked', null, null, null, detail(effect.actor, effect.reason));
        }
        return;
      case 'tickets_cancelled':
        for (const seatId of effect.seatIds) {
          mustChangeOneRow(cancelTicket.run(effect.at, effect.reason, effect.orderId, seatId), `cancel ${seatId}`);
          auditSeat(eventId, seatId, effect.at, 'cancelled', null, effect.orderId, effect.buyerId, detail(effect.actor, effect.reason));
        }
        outbox.queue(queuedEmailOf(effect)!);
        return;
      case 'event_configured': {
        const r = effect.rules;
        const m = effect.meta;
        configure.run({
          eventId,
          name: m.name ?? null,
          venueName: m.venueName ?? null,
          startsAt: m.startsAt ?? null,
          setTtl: effect.holdTtlOverride !== undefined ? 1 : 0,
          holdTtlMs: effect.holdTtlOverride ?? null,
          maxSeatsPerBuyer: r.maxSeatsPerBuyer ?? null,
          maxExtensions: r.maxExtensions ?? null,
          preventOrphanSeats: r.preventOrphanSeats === undefined ? null : r.preventOrphanSeats ? 1 : 0,
          saleStatus: r.saleStatus ?? null,
          setOpens: 'saleOpensAt' in r ? 1 : 0,
          saleOpensAt: r.saleOpensAt ?? null,
          setCloses: 'saleClosesAt' in r ? 1 : 0,
          saleClosesAt: r.saleClosesAt ?? null,
        });
        auditEvent(eventId, effect.at, 'event_configured', null, null, JSON.stringify({ by: effect.actor, ...r, ...m }));
        return;
      }
      case 'layout_replaced': {
        const { layout, spec } = effect.layout as { layout: GeneratedLayout; spec: unknown };
        deleteBlocks.run(eventId);
        deleteSeats.run(eventId);
        for (const s of layout.seats) {
          insertSeat.run(eventId, s.id, s.section, s.row, s.number, s.category, s.priceCents, s.x, s.y, s.accessible ?? null, s.gaArea ?? null);
        }
        const { seats: _seats, ...rest } = layout;
        setLayout.run(JSON.stringify({ ...rest, spec }), eventId);
        auditEvent(eventId, effect.at, 'layout_replaced', null, null, detail(effect.actor, `${layout.seats.length} seats`));
        return;
      }
      case 'event_retired':
        deleteBlocks.run(eventId);
        deleteEvent.run(eventId);
        auditEvent(eventId, effect.at, 'event_deleted', null, null, detail(effect.actor, null));
        return;
      case 'ticket_checked_in':
        // Only a valid ticket that was never admitted: a second admission cannot be stored.
        mustChangeOneRow(checkIn.run(effect.at, effect.door, effect.actor, effect.ticketId), `check in ${effect.ticketId}`);
        auditSeat(eventId, effect.seatId, effect.at, 'checked_in', null, effect.orderId, effect.buyerId, checkInDetail(effect.actor, effect.door));
        return;
      default: {
        const _exhaustive: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  const leaseEpoch = sqlite.prepare(`SELECT epoch FROM event_leases WHERE event_id = ?`).pluck();

  const writeAll = sqlite.transaction((eventId: string, effects: readonly Effect[], version: number, currency: string) => {
    const fence = options.epoch;
    if (fence !== undefined && leaseEpoch.get(eventId) !== fence) throw new StoreFencedError(eventId, fence);
    for (const effect of effects) writeEffect(eventId, effect, currency);
    audit.flush();
    setVersion.run(version, eventId); // no-op once the event was deleted
    options.beforeCommit?.();
  });

  return {
    write(eventId, effects, version, currency) {
      // BEGIN IMMEDIATE: take the write lock up front, so a locked file fails fast and whole.
      try {
        writeAll.immediate(eventId, effects, version, currency);
      } catch (error) {
        audit.reset();
        throw error;
      }
    },
  };
}
