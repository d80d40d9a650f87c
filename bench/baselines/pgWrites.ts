// The rows a per-request design writes on PostgreSQL: the same tables, rows
// and audit entries as the project's batch writer (db/postgres/batchWriter.ts;
// the audit rows come from the same db/batchPlan.ts), written inside the
// caller's own transaction, one request at a time. Statements whose results
// are not needed are pipelined (sent together, one round trip).
//
// Unlike the loop's writer this does not move `events.version`: that counter
// is the loop's replication sequence, and bumping one row per request would
// serialize every transaction of the event on that row's lock — a handicap no
// per-request design would carry.
import type postgres from 'postgres';
import { auditRowsOf, type AuditEntry } from '../../db/batchPlan';
import { queuedEmailOf } from '../../db/outbox';
import type { Effect, Hold, HoldEndReason, Order } from '../../core/types';

export type Tx = postgres.TransactionSql<{ bigint: number }>;
type Query = postgres.PendingQuery<postgres.Row[]>;

/** A hold row as read back. */
export interface PgHoldRow {
  id: string;
  buyer_id: string;
  seat_ids_json: string;
  created_at: number;
  expires_at: number;
  extensions: number;
  status: string;
}

export function holdOfRow(eventId: string, r: PgHoldRow): Hold {
  return {
    id: r.id,
    eventId,
    buyerId: r.buyer_id,
    seatIds: JSON.parse(r.seat_ids_json) as string[],
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    extensions: r.extensions,
  };
}

/**
 * Appends audit rows and moves each seat's chain head (the previous row is read from
 * audit_seat_heads in the same statement). A seat appears at most once per call.
 */
function audit(tx: Tx, eventId: string, rows: readonly AuditEntry[]): Query[] {
  if (rows.length === 0) return [];
  return [
    tx`WITH x AS (
         SELECT nextval('audit_log_id_seq') AS id, x.* FROM unnest(
           ${rows.map((r) => r.seatId)}::text[], ${rows.map((r) => r.at)}::bigint[], ${rows.map((r) => r.action)}::text[],
           ${rows.map((r) => r.holdId)}::text[], ${rows.map((r) => r.orderId)}::text[], ${rows.map((r) => r.buyerId)}::text[],
           ${rows.map((r) => r.detail)}::text[]) AS x(seat_id, at, action, hold_id, order_id, buyer_id, detail)
       ), inserted AS (
         INSERT INTO audit_log (id, event_id, seat_id, at, action, hold_id, order_id, buyer_id, detail, prev_seat_entry)
         SELECT x.id, ${eventId}, x.seat_id, x.at, x.action, x.hold_id, x.order_id, x.buyer_id, x.detail, h.last_entry
         FROM x LEFT JOIN audit_seat_heads h ON h.event_id = ${eventId} AND h.seat_id = x.seat_id
         RETURNING id, seat_id
       )
       INSERT INTO audit_seat_heads (event_id, seat_id, last_entry)
       SELECT ${eventId}, seat_id, id FROM inserted WHERE seat_id IS NOT NULL
       ON CONFLICT (event_id, seat_id) DO UPDATE SET last_entry = excluded.last_entry` as unknown as Query,
  ];
}

const effectAudit = (tx: Tx, eventId: string, effect: Effect) => audit(tx, eventId, auditRowsOf(effect));

export async function createHold(tx: Tx, eventId: string, h: Hold): Promise<void> {
  await Promise.all([
    tx`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, extensions, status)
       VALUES (${h.id}, ${eventId}, ${h.buyerId}, ${JSON.stringify(h.seatIds)}, ${h.createdAt}, ${h.expiresAt}, ${h.extensions}, 'active')`,
    tx`INSERT INTO held_seats (event_id, seat_id, hold_id) SELECT ${eventId}, s, ${h.id} FROM unnest(${h.seatIds}::text[]) AS s`,
    ...effectAudit(tx, eventId, { kind: 'hold_created', hold: h }),
  ]);
}

/**
 * Ends a hold if it is still active (a conditional UPDATE: whoever ends it first wins, the
 * row lock makes the others wait and then find it ended); true when this call ended it.
 */
export async function endHold(tx: Tx, eventId: string, h: Hold, reason: HoldEndReason, at: number): Promise<boolean> {
  const ended = await tx`UPDATE holds SET status = ${reason}, ended_at = ${at} WHERE id = ${h.id} AND status = 'active' RETURNING id`;
  if (ended.length === 0) return false;
  await Promise.all([
    tx`DELETE FROM held_seats WHERE hold_id = ${h.id}`,
    ...effectAudit(tx, eventId, { kind: 'hold_ended', hold: h, reason, at }),
  ]);
  return true;
}

/** The order, its tickets, its confirmation email (the outbox row) and the 'sold' audit rows. */
export async function createOrder(tx: Tx, eventId: string, o: Order, currency: string): Promise<void> {
  const effect: Effect = { kind: 'order_created', order: o };
  const email = queuedEmailOf(effect)!;
  await Promise.all([
    tx`INSERT INTO orders (id, event_id, hold_id, buyer_id, buyer_name, buyer_email, idempotency_key, total_cents, currency, created_at)
       VALUES (${o.id}, ${eventId}, ${o.holdId}, ${o.buyerId}, ${o.buyer.name}, ${o.buyer.email}, ${o.idempotencyKey}, ${o.totalCents}, ${currency}, ${o.createdAt})`,
    tx`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code, status)
       SELECT x.id, ${o.id}, ${eventId}, x.seat_id, x.price, x.code, 'valid'
       FROM unnest(${o.tickets.map((t) => t.id)}::text[], ${o.tickets.map((t) => t.seatId)}::text[], ${o.tickets.map((t) => t.priceCents)}::int[],
                   ${o.tickets.map((t) => t.code)}::text[]) AS x(id, seat_id, price, code)`,
    tx`INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
       VALUES (${email.id}, ${email.kind}, ${email.orderId}, ${email.recipient ?? o.buyer.email}, ${email.payloadJson}, ${email.at}, ${email.at}, 0)`,
    ...effectAudit(tx, eventId, effect),
  ]);
}
