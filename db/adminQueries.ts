// Read-only queries for the organizer: order lookup, seat history, exports.
// History and orders are read straight from SQLite (committed data), never
// through a loop.
import type { AdminOrderView, SeatHistoryEntry } from '../lib/adminProtocol';
import type { DatabaseHandle } from './connection';

interface OrderRow {
  id: string;
  event_id: string;
  hold_id: string;
  buyer_id: string;
  buyer_name: string;
  buyer_email: string;
  currency: string;
  created_at: number;
}

interface TicketRow {
  id: string;
  order_id: string;
  seat_id: string;
  price_cents: number;
  status: 'valid' | 'cancelled';
  cancelled_at: number | null;
  cancel_reason: string | null;
  section: string | null;
  row: string | null;
  number: string | null;
}

const TICKETS_OF_ORDERS = `
  SELECT t.id, t.order_id, t.seat_id, t.price_cents, t.status, t.cancelled_at, t.cancel_reason, s.section, s.row, s.number
  FROM tickets t LEFT JOIN seats s ON s.event_id = t.event_id AND s.id = t.seat_id
  WHERE t.order_id IN (SELECT value FROM json_each(?)) ORDER BY t.seat_id`;

function withTickets(handle: DatabaseHandle, rows: OrderRow[]): AdminOrderView[] {
  if (rows.length === 0) return [];
  const tickets = handle.sqlite.prepare(TICKETS_OF_ORDERS).all(JSON.stringify(rows.map((r) => r.id))) as TicketRow[];
  const byOrder = new Map<string, TicketRow[]>();
  for (const t of tickets) byOrder.set(t.order_id, [...(byOrder.get(t.order_id) ?? []), t]);
  return rows.map((o) => {
    const list = byOrder.get(o.id) ?? [];
    return {
      id: o.id,
      eventId: o.event_id,
      holdId: o.hold_id,
      buyerId: o.buyer_id,
      buyer: { name: o.buyer_name, email: o.buyer_email },
      currency: o.currency,
      createdAt: o.created_at,
      totalCents: list.filter((t) => t.status === 'valid').reduce((n, t) => n + t.price_cents, 0),
      tickets: list.map((t) => ({
        id: t.id,
        seatId: t.seat_id,
        section: t.section ?? '',
        row: t.row ?? '',
        number: t.number ?? '',
        priceCents: t.price_cents,
        status: t.status,
        cancelledAt: t.cancelled_at,
        cancelReason: t.cancel_reason,
      })),
    };
  });
}

/** Orders whose id equals `q`, or whose buyer email equals it (case-insensitive). */
export function searchOrders(handle: DatabaseHandle, q: string, eventId?: string): AdminOrderView[] {
  const rows = handle.sqlite
    .prepare(
      `SELECT * FROM orders WHERE (id = @q OR lower(buyer_email) = lower(@q)) AND (@eventId IS NULL OR event_id = @eventId)
       ORDER BY created_at DESC LIMIT 100`,
    )
    .all({ q, eventId: eventId ?? null }) as OrderRow[];
  return withTickets(handle, rows);
}

export function adminOrder(handle: DatabaseHandle, orderId: string): AdminOrderView | null {
  const row = handle.sqlite.prepare('SELECT * FROM orders WHERE id = ?').get(orderId) as OrderRow | undefined;
  return row ? withTickets(handle, [row])[0] : null;
}

export function recentOrders(handle: DatabaseHandle, eventId: string, limit = 50): AdminOrderView[] {
  const rows = handle.sqlite
    .prepare('SELECT * FROM orders WHERE event_id = ? ORDER BY created_at DESC LIMIT ?')
    .all(eventId, limit) as OrderRow[];
  return withTickets(handle, rows);
}

export function seatHistory(handle: DatabaseHandle, eventId: string, seatId: string): SeatHistoryEntry[] {
  return (
    handle.sqlite
      .prepare(
        // Walk the seat's chain back from its newest row (db/auditWriter.ts): the newest 1,000 changes, oldest first.
        `WITH RECURSIVE chain(id) AS (
           SELECT last_entry FROM audit_seat_heads WHERE event_id = ? AND seat_id = ?
           UNION ALL
           SELECT a.prev_seat_entry FROM audit_log a JOIN chain c ON a.id = c.id WHERE a.prev_seat_entry IS NOT NULL
           LIMIT 1000
         )
         SELECT id, at, action, hold_id, order_id, buyer_id, detail FROM audit_log WHERE id IN (SELECT id FROM chain) ORDER BY id`,
      )
      .all(eventId, seatId) as { id: number; at: number; action: string; hold_id: string | null; order_id: string | null; buyer_id: string | null; detail: string | null }[]
  ).map((r) => ({ id: r.id, at: r.at, action: r.action, holdId: r.hold_id, orderId: r.order_id, buyerId: r.buyer_id, detail: r.detail }));
}

/** Spreadsheet apps execute cells starting with these; prefix them so an export is inert. */
function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** All tickets of an event as CSV, one row per ticket (valid and cancelled). */
export function ordersCsv(handle: DatabaseHandle, eventId: string): string {
  const rows = handle.sqlite
    .prepare(
      `SELECT o.id AS order_id, o.created_at, o.buyer_name, o.buyer_email, o.currency,
              t.id AS ticket_id, t.seat_id, s.section, s.row, s.number, s.category, t.price_cents, t.status, t.cancel_reason
       FROM orders o JOIN tickets t ON t.order_id = o.id
       LEFT JOIN seats s ON s.event_id = t.event_id AND s.id = t.seat_id
       WHERE o.event_id = ? ORDER BY o.created_at, t.seat_id`,
    )
    .all(eventId) as Record<string, string | number | null>[];
  const header = ['order_id', 'created_at', 'buyer_name', 'buyer_email', 'ticket_id', 'seat_id', 'section', 'row', 'number', 'category', 'price', 'currency', 'status', 'cancel_reason'];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.order_id,
        new Date(Number(r.created_at)).toISOString(),
        r.buyer_name,
        r.buyer_email,
        r.ticket_id,
        r.seat_id,
        r.section,
        r.row,
        r.number,
        r.category,
        (Number(r.price_cents) / 100).toFixed(2),
        r.currency,
        r.status,
        r.cancel_reason,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
