// What both stores share: every read and write that plain, portable SQL can
// say (the same text runs on SQLite and PostgreSQL; `?` placeholders become
// $n for PostgreSQL). A store supplies how to run a statement, how to run a
// few writes atomically, and its batch writer; the rows go through
// db/records.ts, so the two dialects cannot drift in what they return.
import type { AdminOrderView, SeatHistoryEntry } from '../lib/adminProtocol';
import type { EventDetail } from '../lib/protocol';
import {
  adminOrdersOf,
  ENDED_HOLDS_REMEMBERED,
  eventDetailOf,
  eventRecordOf,
  loopStateOf,
  SEAT_HISTORY_LIMIT,
  storedOrderOf,
  type EventRow,
  type HoldRow,
  type LoopRows,
  type OrderRow,
  type SeatRow,
  type TicketRow,
  type TicketWithSeatRow,
} from './records';
import { linksOutboxId, type LinksPayload, type OrderEmailStatus, type OutboxRow } from './outbox';
import type {
  BatchWriter,
  EventLayoutJson,
  EventRecord,
  LoopState,
  NewEvent,
  SalesHistory,
  Store,
  OrderAccessRow,
  OrderOfEmail,
  StoreDialect,
  StoredOrder,
  TicketExportRow,
  TicketOwner,
  WriterOptions,
} from './store';
import { SqlWaitingRoomStore, type WaitingRoomStore } from './waitingRoomStore';
import { SqlLeaseStore, type LeaseStore } from './leaseStore';
import type { SqlRunner, Statement } from './sqlRunner';

export type { Statement } from './sqlRunner';

/** Rows of one INSERT per chunk: well under both engines' parameter limits. */
const INSERT_CHUNK_ROWS = 500;

/** One multi-row INSERT per chunk of rows (columns in `columns` order). */
export function insertStatements(table: string, columns: readonly string[], rows: readonly unknown[][]): Statement[] {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) {
    const chunk = rows.slice(i, i + INSERT_CHUNK_ROWS);
    statements.push({ sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, params: chunk.flat() });
  }
  return statements;
}

const TICKET_WITH_SEAT = `t.id, t.order_id, t.seat_id, t.price_cents, t.code, t.status, t.cancelled_at, t.cancel_reason,
  s.section, s.row, s.number, s.category, s.ga_area`;

export abstract class SqlStore implements Store {
  abstract readonly dialect: StoreDialect;
  abstract readonly location: string;
  abstract close(): Promise<void>;
  abstract batchWriter(eventId: string, options?: WriterOptions): BatchWriter;
  /** Runs one statement (with `?` placeholders) and returns its rows. */
  protected abstract all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Runs the statements in one transaction: all of them, or none. */
  protected abstract atomically(statements: readonly Statement[]): Promise<void>;
  /** A boolean as this engine binds it (SQLite has no boolean type: 1 / 0). */
  protected abstract bool(value: boolean): unknown;

  /** The waiting rooms' tables, through the same statement runner. */
  readonly waitingRooms: WaitingRoomStore = new SqlWaitingRoomStore({
    all: (sql, ...params) => this.all(sql, ...params),
    atomically: (statements) => this.atomically(statements),
  }, () => this.dialect);

  private leaseStore: LeaseStore | null = null;
  /** Leases and instances (made on first use: the dialect, which picks the clock, is a subclass field). */
  get leases(): LeaseStore {
    return (this.leaseStore ??= new SqlLeaseStore(this.leaseRunner('renew'), this.dialect, this.leaseRunner('acquire')));
  }

  /** Where lease statements run (PostgreSQL: pools of their own; acquisitions with a lock timeout). */
  protected leaseRunner(_use: 'renew' | 'acquire'): SqlRunner {
    return { all: (sql, ...params) => this.all(sql, ...params), atomically: (statements) => this.atomically(statements) };
  }

  protected async one<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, ...params))[0];
  }

  async getOrCreateSetting(key: string, make: () => string): Promise<string> {
    const existing = await this.one<{ value: string }>('SELECT value FROM settings WHERE key = ?', key);
    if (existing) return existing.value;
    await this.all('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', key, make());
    // Another process may have won the race: everyone uses the stored value.
    return (await this.one<{ value: string }>('SELECT value FROM settings WHERE key = ?', key))!.value;
  }

  // ---------- events ----------

  async listEvents(): Promise<EventRecord[]> {
    return (await this.all<EventRow>('SELECT * FROM events ORDER BY starts_at, id')).map(eventRecordOf);
  }

  async getEvent(eventId: string): Promise<EventRecord | null> {
    const row = await this.one<EventRow>('SELECT * FROM events WHERE id = ?', eventId);
    return row ? eventRecordOf(row) : null;
  }

  async eventIdTaken(eventId: string): Promise<boolean> {
    const row = await this.one(
      'SELECT 1 AS taken FROM events WHERE id = ? UNION ALL SELECT 1 FROM audit_log WHERE event_id = ? LIMIT 1',
      eventId,
      eventId,
    );
    return row !== undefined;
  }

  async createEvent(input: NewEvent): Promise<void> {
    const layout: EventLayoutJson = {
      categories: input.layout.categories,
      sections: input.layout.sections,
      stage: input.layout.stage,
      bounds: input.layout.bounds,
      ...(input.venueSpec ? { spec: input.venueSpec } : {}),
    };
    const event = [
      input.id,
      input.name,
      input.venueName,
      input.startsAt,
      input.currency ?? 'EUR',
      input.holdTtlMs ?? null,
      input.maxSeatsPerBuyer ?? 8,
      input.maxExtensions ?? 1,
      this.bool(input.preventOrphanSeats ?? true),
      input.saleStatus ?? 'open',
      input.saleOpensAt ?? null,
      input.saleClosesAt ?? null,
      0,
      JSON.stringify(layout),
      input.createdAt,
    ];
    const seats = input.layout.seats.map((s) => [input.id, s.id, s.section, s.row, s.number, s.category, s.priceCents, s.x, s.y, s.accessible ?? null, s.gaArea ?? null]);
    await this.atomically([
      ...insertStatements(
        'events',
        [
          'id',
          'name',
          'venue_name',
          'starts_at',
          'currency',
          'hold_ttl_ms',
          'max_seats_per_buyer',
          'max_extensions',
          'prevent_orphan_seats',
          'sale_status',
          'sale_opens_at',
          'sale_closes_at',
          'version',
          'layout_json',
          'created_at',
        ],
        [event],
      ),
      ...insertStatements('seats', ['event_id', 'id', 'section', 'row', 'number', 'category', 'price_cents', 'x', 'y', 'accessible', 'ga_area'], seats),
      {
        sql: 'INSERT INTO audit_log (event_id, at, action, detail) VALUES (?, ?, ?, ?)',
        params: [input.id, input.createdAt, 'event_created', JSON.stringify({ by: input.actor ?? 'system', seats: seats.length })],
      },
    ]);
  }

  async loadEventDetail(eventId: string, defaultHoldTtlMs: number): Promise<EventDetail | null> {
    const event = await this.getEvent(eventId);
    if (!event) return null;
    const seats = await this.all<SeatRow>(
      'SELECT id, section, row, number, category, price_cents, x, y, accessible, ga_area FROM seats WHERE event_id = ?',
      eventId,
    );
    return eventDetailOf(event, seats, defaultHoldTtlMs);
  }

  // ---------- the reservation loop ----------

  async loadLoopState(eventId: string, defaultHoldTtlMs: number): Promise<LoopState | null> {
    const event = await this.getEvent(eventId);
    if (!event) return null;
    const [seats, liveHolds, orders, validTickets, endedHolds, endedRequests, blocked, checkIns, cancelledTickets] = await Promise.all([
      this.all<SeatRow>('SELECT id, section, row, number, category, price_cents, x, y, accessible, ga_area FROM seats WHERE event_id = ?', eventId),
      this.all<HoldRow>(
        `SELECT id, buyer_id, seat_ids_json, created_at, expires_at, extensions, request_id FROM holds WHERE event_id = ? AND status = 'active'`,
        eventId,
      ),
      this.all<OrderRow>('SELECT * FROM orders WHERE event_id = ?', eventId),
      this.all<TicketRow>(`SELECT id, order_id, seat_id, price_cents, code FROM tickets WHERE event_id = ? AND status = 'valid'`, eventId),
      this.all<{ id: string; buyer_id: string; status: 'released' | 'expired' | 'admin_released' }>(
        `SELECT id, buyer_id, status FROM holds WHERE event_id = ? AND status NOT IN ('active', 'confirmed') ORDER BY ended_at DESC LIMIT ${ENDED_HOLDS_REMEMBERED}`,
        eventId,
      ),
      this.all<LoopRows['endedRequests'][number]>(
        `SELECT id, buyer_id, request_id FROM holds WHERE event_id = ? AND request_id IS NOT NULL AND status <> 'active' ORDER BY ended_at DESC LIMIT ${ENDED_HOLDS_REMEMBERED}`,
        eventId,
      ),
      this.all<{ seat_id: string }>('SELECT seat_id FROM blocked_seats WHERE event_id = ?', eventId),
      this.all<LoopRows['checkIns'][number]>(
        `SELECT id AS ticket_id, checked_in_at, checked_in_door, checked_in_by FROM tickets
         WHERE event_id = ? AND status = 'valid' AND checked_in_at IS NOT NULL`,
        eventId,
      ),
      this.all<LoopRows['cancelledTickets'][number]>(
        `SELECT t.code, t.id, t.order_id, t.seat_id, o.buyer_name, t.cancelled_at, t.checked_in_at, t.checked_in_door, t.checked_in_by
         FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.event_id = ? AND t.status = 'cancelled'`,
        eventId,
      ),
    ]);
    const blockedSeatIds = blocked.map((b) => b.seat_id);
    return loopStateOf(event, { seats, liveHolds, orders, validTickets, endedHolds, endedRequests, blockedSeatIds, checkIns, cancelledTickets }, defaultHoldTtlMs);
  }

  // ---------- reads outside the loops ----------

  async eventOfHold(holdId: string): Promise<string | null> {
    return (await this.one<{ event_id: string }>('SELECT event_id FROM holds WHERE id = ?', holdId))?.event_id ?? null;
  }

  async loadOrder(orderId: string): Promise<StoredOrder | null> {
    const order = await this.one<OrderRow>('SELECT * FROM orders WHERE id = ?', orderId);
    if (!order) return null;
    const tickets = await this.all<TicketWithSeatRow>(
      `SELECT ${TICKET_WITH_SEAT} FROM tickets t LEFT JOIN seats s ON s.event_id = t.event_id AND s.id = t.seat_id
       WHERE t.order_id = ? ORDER BY t.seat_id`,
      orderId,
    );
    return storedOrderOf(order, tickets);
  }

  /** Orders matching `where` (over orders `o`) with all their tickets, newest first. */
  private async ordersWhere(where: string, params: unknown[], limit: number): Promise<AdminOrderView[]> {
    const orders = await this.all<OrderRow>(`SELECT o.* FROM orders o WHERE ${where} ORDER BY o.created_at DESC, o.id LIMIT ${limit}`, ...params);
    if (orders.length === 0) return [];
    const tickets = await this.all<TicketWithSeatRow>(
      `SELECT ${TICKET_WITH_SEAT} FROM tickets t LEFT JOIN seats s ON s.event_id = t.event_id AND s.id = t.seat_id
       WHERE t.order_id IN (SELECT o.id FROM orders o WHERE ${where} ORDER BY o.created_at DESC, o.id LIMIT ${limit})
       ORDER BY t.seat_id`,
      ...params,
    );
    return adminOrdersOf(orders, tickets);
  }

  searchOrders(q: string, eventId?: string): Promise<AdminOrderView[]> {
    return eventId === undefined
      ? this.ordersWhere('(o.id = ? OR lower(o.buyer_email) = lower(?))', [q, q], 100)
      : this.ordersWhere('(o.id = ? OR lower(o.buyer_email) = lower(?)) AND o.event_id = ?', [q, q, eventId], 100);
  }

  async adminOrder(orderId: string): Promise<AdminOrderView | null> {
    return (await this.ordersWhere('o.id = ?', [orderId], 1))[0] ?? null;
  }

  recentOrders(eventId: string, limit: number): Promise<AdminOrderView[]> {
    return this.ordersWhere('o.event_id = ?', [eventId], Math.max(1, Math.min(1000, Math.floor(limit))));
  }

  async seatHistory(eventId: string, seatId: string): Promise<SeatHistoryEntry[]> {
    // Walk the seat's chain back from its newest row (see the audit writers): the newest changes, oldest first.
    const rows = await this.all<{ id: number; at: number; action: string; hold_id: string | null; order_id: string | null; buyer_id: string | null; detail: string | null }>(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT last_entry, 1 FROM audit_seat_heads WHERE event_id = ? AND seat_id = ?
         UNION ALL
         SELECT a.prev_seat_entry, c.depth + 1 FROM audit_log a JOIN chain c ON a.id = c.id
         WHERE a.prev_seat_entry IS NOT NULL AND c.depth < ${SEAT_HISTORY_LIMIT}
       )
       SELECT id, at, action, hold_id, order_id, buyer_id, detail FROM audit_log WHERE id IN (SELECT id FROM chain) ORDER BY id`,
      eventId,
      seatId,
    );
    return rows.map((r) => ({ id: r.id, at: r.at, action: r.action, holdId: r.hold_id, orderId: r.order_id, buyerId: r.buyer_id, detail: r.detail }));
  }

  async ticketExport(eventId: string): Promise<TicketExportRow[]> {
    const rows = await this.all<{
      order_id: string;
      created_at: number;
      buyer_name: string;
      buyer_email: string;
      currency: string;
      ticket_id: string;
      seat_id: string;
      section: string | null;
      row: string | null;
      number: string | null;
      category: string | null;
      price_cents: number;
      status: 'valid' | 'cancelled';
      cancel_reason: string | null;
    }>(
      `SELECT o.id AS order_id, o.created_at, o.buyer_name, o.buyer_email, o.currency,
              t.id AS ticket_id, t.seat_id, s.section, s.row, s.number, s.category, t.price_cents, t.status, t.cancel_reason
       FROM orders o JOIN tickets t ON t.order_id = o.id
       LEFT JOIN seats s ON s.event_id = t.event_id AND s.id = t.seat_id
       WHERE o.event_id = ? ORDER BY o.created_at, o.id, t.seat_id`,
      eventId,
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      createdAt: r.created_at,
      buyerName: r.buyer_name,
      buyerEmail: r.buyer_email,
      currency: r.currency,
      ticketId: r.ticket_id,
      seatId: r.seat_id,
      section: r.section,
      row: r.row,
      number: r.number,
      category: r.category,
      priceCents: r.price_cents,
      status: r.status,
      cancelReason: r.cancel_reason,
    }));
  }

  async eventOfTicketCode(code: string): Promise<TicketOwner | null> {
    const row = await this.one<{ event_id: string; name: string; starts_at: number }>(
      'SELECT t.event_id, e.name, e.starts_at FROM tickets t JOIN events e ON e.id = t.event_id WHERE t.code = ?',
      code,
    );
    return row ? { eventId: row.event_id, eventName: row.name, eventStartsAt: row.starts_at } : null;
  }

  async salesHistory(eventId: string, sinceMs: number): Promise<SalesHistory> {
    const [totals, holds, orders] = await Promise.all([
      this.one<{ holds: number; orders: number }>(
        'SELECT (SELECT COUNT(*) FROM holds WHERE event_id = ?) AS holds, (SELECT COUNT(*) FROM orders WHERE event_id = ?) AS orders',
        eventId,
        eventId,
      ),
      this.all<{ created_at: number; ended_at: number | null; status: string }>(
        'SELECT created_at, ended_at, status FROM holds WHERE event_id = ? AND (created_at >= ? OR ended_at >= ?)',
        eventId,
        sinceMs,
        sinceMs,
      ),
      this.all<{ created_at: number; tickets: number; revenue: number }>(
        `SELECT o.created_at, COUNT(t.id) AS tickets, COALESCE(SUM(t.price_cents), 0) AS revenue
         FROM orders o LEFT JOIN tickets t ON t.order_id = o.id AND t.status = 'valid'
         WHERE o.event_id = ? AND o.created_at >= ? GROUP BY o.id, o.created_at`,
        eventId,
        sinceMs,
      ),
    ]);
    return {
      totals: { holds: Number(totals?.holds ?? 0), orders: Number(totals?.orders ?? 0) },
      holds: holds.map((h) => ({ createdAt: h.created_at, endedAt: h.ended_at, status: h.status })),
      orders: orders.map((o) => ({ createdAt: o.created_at, tickets: Number(o.tickets), revenueCents: Number(o.revenue) })),
    };
  }

  // ---------- organizer sessions ----------

  async revokeAdminSession(sessionId: string, expiresAt: number, nowMs: number): Promise<void> {
    await this.atomically([
      { sql: 'INSERT INTO admin_session_revocations (session_id, expires_at) VALUES (?, ?) ON CONFLICT (session_id) DO NOTHING', params: [sessionId, expiresAt] },
      { sql: 'DELETE FROM admin_session_revocations WHERE expires_at <= ?', params: [nowMs] },
    ]);
  }

  async isAdminSessionRevoked(sessionId: string): Promise<boolean> {
    return (await this.one('SELECT 1 AS revoked FROM admin_session_revocations WHERE session_id = ?', sessionId)) !== undefined;
  }

  // ---------- the outbox (see db/outbox.ts) ----------

  async queueOrderLinks(recipient: string, payload: LinksPayload, at: number): Promise<string> {
    const id = linksOutboxId();
    // A link to one order (a replaced link) belongs to that order: the organizer sees it with its emails.
    await this.all(
      `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts) VALUES (?, 'order_links', ?, ?, ?, ?, ?, 0)`,
      id,
      payload.orderIds.length === 1 ? payload.orderIds[0] : null,
      recipient,
      JSON.stringify(payload),
      at,
      at,
    );
    return id;
  }

  async dueOutbox(now: number, limit: number): Promise<string[]> {
    const rows = await this.all<{ id: string }>(
      `SELECT id FROM outbox
       WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claim_until IS NULL OR claim_until < ?)
       ORDER BY next_attempt_at, id LIMIT ${Math.max(1, Math.floor(limit))}`,
      now,
      now,
    );
    return rows.map((r) => r.id);
  }

  async claimOutbox(id: string, claimer: string, now: number, leaseMs: number): Promise<OutboxRow | null> {
    // The claim: one statement, so exactly one of any number of racing senders changes the row.
    // A claim counts as an attempt: a message that crashes its sender cannot be retried forever.
    const won = await this.all(
      `UPDATE outbox SET claimed_by = ?, claim_until = ?, attempts = attempts + 1
       WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claim_until IS NULL OR claim_until < ?)
       RETURNING id`,
      claimer,
      now + leaseMs,
      id,
      now,
      now,
    );
    return won.length === 1 ? this.outboxRow(id) : null;
  }

  async renewOutboxClaim(id: string, claimer: string, until: number): Promise<boolean> {
    return (await this.all('UPDATE outbox SET claim_until = ? WHERE id = ? AND claimed_by = ? AND sent_at IS NULL RETURNING id', until, id, claimer)).length === 1;
  }

  async outboxRow(id: string): Promise<OutboxRow | null> {
    const row = await this.one<OutboxDbRow>('SELECT * FROM outbox WHERE id = ?', id);
    return row ? outboxRowOf(row) : null;
  }

  async markOutboxSent(id: string, at: number, messageId: string): Promise<boolean> {
    // Marked sent whoever holds the claim now: it WAS sent (a stolen lease only means a duplicate, with the same Message-ID).
    const changed = await this.all(
      `UPDATE outbox SET sent_at = ?, message_id = ?, claimed_by = NULL, claim_until = NULL, last_error = NULL
       WHERE id = ? AND sent_at IS NULL RETURNING id`,
      at,
      messageId,
      id,
    );
    return changed.length === 1;
  }

  async retryOutboxLater(id: string, claimer: string, nextAttemptAt: number, error: string): Promise<void> {
    await this.all(
      `UPDATE outbox SET next_attempt_at = ?, last_error = ?, claimed_by = NULL, claim_until = NULL
       WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`,
      nextAttemptAt,
      error.slice(0, 500),
      id,
      claimer,
    );
  }

  async giveUpOutbox(id: string, at: number, error: string): Promise<void> {
    await this.all(
      'UPDATE outbox SET failed_at = ?, last_error = ?, claimed_by = NULL, claim_until = NULL WHERE id = ? AND sent_at IS NULL',
      at,
      error.slice(0, 500),
      id,
    );
  }

  async nextOutboxWakeAt(): Promise<number | null> {
    const row = await this.one<{ at: number | null }>(
      `SELECT MIN(CASE WHEN claim_until IS NOT NULL AND claim_until > next_attempt_at THEN claim_until ELSE next_attempt_at END) AS at
       FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`,
    );
    return row?.at ?? null;
  }

  async emailsOfOrder(orderId: string): Promise<OrderEmailStatus[]> {
    const rows = await this.all<OutboxDbRow>('SELECT * FROM outbox WHERE order_id = ? ORDER BY created_at, id', orderId);
    return rows.map((r) => {
      const { id, kind, createdAt, attempts, nextAttemptAt, sentAt, failedAt, lastError } = outboxRowOf(r);
      return { id, kind, createdAt, attempts, nextAttemptAt, sentAt, failedAt, lastError };
    });
  }

  // ---------- order access (keys by generation; no row = generation 1) ----------

  async orderAccessOf(orderId: string): Promise<OrderAccessRow | null> {
    const row = await this.one<{ order_id: string; buyer_id: string; buyer_email: string; generation: number | null }>(
      'SELECT o.id AS order_id, o.buyer_id, o.buyer_email, a.generation FROM orders o LEFT JOIN order_access a ON a.order_id = o.id WHERE o.id = ?',
      orderId,
    );
    return row ? { orderId: row.order_id, buyerId: row.buyer_id, buyerEmail: row.buyer_email, generation: row.generation ?? 1 } : null;
  }

  async revokeOrderAccess(orderId: string, at: number, options: { emailBuyer: boolean }): Promise<number | null> {
    if (!(await this.one('SELECT id FROM orders WHERE id = ?', orderId))) return null;
    const statements: Statement[] = [
      {
        // Portable upsert (the SELECT's WHERE keeps SQLite from reading ON CONFLICT as a join clause).
        sql: `INSERT INTO order_access (order_id, generation, revoked_at) SELECT id, 2, ? FROM orders WHERE id = ?
              ON CONFLICT (order_id) DO UPDATE SET generation = order_access.generation + 1, revoked_at = excluded.revoked_at`,
        params: [at, orderId],
      },
    ];
    if (options.emailBuyer) {
      const payload: LinksPayload = { orderIds: [orderId], reason: 'access_replaced' };
      statements.push({
        sql: `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
              SELECT ?, 'order_links', id, buyer_email, ?, ?, ?, 0 FROM orders WHERE id = ?`,
        params: [linksOutboxId(), JSON.stringify(payload), at, at, orderId],
      });
    }
    await this.atomically(statements);
    return (await this.one<{ generation: number }>('SELECT generation FROM order_access WHERE order_id = ?', orderId))!.generation;
  }

  async ordersOfEmail(email: string, limit: number): Promise<OrderOfEmail[]> {
    const rows = await this.all<{ id: string; buyer_email: string; created_at: number }>(
      `SELECT id, buyer_email, created_at FROM orders WHERE lower(buyer_email) = lower(?) ORDER BY created_at DESC, id LIMIT ${Math.max(1, Math.floor(limit))}`,
      email,
    );
    return rows.map((r) => ({ id: r.id, buyerEmail: r.buyer_email, createdAt: r.created_at }));
  }
}

interface OutboxDbRow {
  id: string;
  kind: OutboxRow['kind'];
  order_id: string | null;
  recipient: string;
  payload_json: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  claimed_by: string | null;
  claim_until: number | null;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
  message_id: string | null;
}

function outboxRowOf(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id,
    kind: r.kind,
    orderId: r.order_id,
    recipient: r.recipient,
    payloadJson: r.payload_json,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    attempts: r.attempts,
    claimedBy: r.claimed_by,
    claimUntil: r.claim_until,
    sentAt: r.sent_at,
    failedAt: r.failed_at,
    lastError: r.last_error,
    messageId: r.message_id,
  };
}
