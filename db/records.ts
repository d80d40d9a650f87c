// Rows → domain values, shared by both stores: each store only runs its
// dialect's SQL and hands the rows (snake_case, as the tables name them) to
// these functions, so SQLite and PostgreSQL cannot drift in what they return.
import type { AdminOrderView } from '../lib/adminProtocol';
import type { EventDetail, SeatLayout, TicketView } from '../lib/protocol';
import { coreSeatsOf } from '../lib/venueLayout';
import { byTicketSeat, orderStatusOf } from '../lib/orderProtocol';
import type { EventRules, Hold, HoldEndReason, Order, SaleStatus } from '../core/types';
import type { EventLayoutJson, EventRecord, LoopState, StoredOrder } from './store';

export interface EventRow {
  id: string;
  name: string;
  venue_name: string;
  starts_at: number;
  currency: string;
  hold_ttl_ms: number | null;
  max_seats_per_buyer: number;
  max_extensions: number;
  /** A boolean column: SQLite answers 0 / 1, PostgreSQL true / false. */
  prevent_orphan_seats: boolean | number;
  sale_status: SaleStatus;
  sale_opens_at: number | null;
  sale_closes_at: number | null;
  version: number;
  layout_json: string;
  created_at: number;
}

export interface SeatRow {
  id: string;
  section: string;
  row: string;
  number: string;
  category: string;
  price_cents: number;
  x: number;
  y: number;
  accessible: 'wheelchair' | 'companion' | null;
  ga_area: string | null;
}

export interface HoldRow {
  id: string;
  buyer_id: string;
  seat_ids_json: string;
  created_at: number;
  expires_at: number;
  extensions: number;
  request_id: string | null;
}

export interface OrderRow {
  id: string;
  event_id: string;
  hold_id: string;
  buyer_id: string;
  buyer_name: string;
  buyer_email: string;
  idempotency_key: string;
  total_cents: number;
  currency: string;
  created_at: number;
}

export interface TicketRow {
  id: string;
  order_id: string;
  seat_id: string;
  price_cents: number;
  code: string;
}

/** A ticket with its seat's details (a LEFT JOIN on seats: a deleted layout leaves them null). */
export interface TicketWithSeatRow {
  id: string;
  order_id: string;
  seat_id: string;
  price_cents: number;
  code: string;
  status: 'valid' | 'cancelled';
  cancelled_at: number | null;
  cancel_reason: string | null;
  section: string | null;
  row: string | null;
  number: string | null;
  category: string | null;
  ga_area: string | null;
}

export function eventRecordOf(row: EventRow): EventRecord {
  return {
    id: row.id,
    name: row.name,
    venueName: row.venue_name,
    startsAt: row.starts_at,
    currency: row.currency,
    holdTtlMs: row.hold_ttl_ms,
    maxSeatsPerBuyer: row.max_seats_per_buyer,
    maxExtensions: row.max_extensions,
    preventOrphanSeats: Boolean(row.prevent_orphan_seats),
    saleStatus: row.sale_status,
    saleOpensAt: row.sale_opens_at,
    saleClosesAt: row.sale_closes_at,
    version: row.version,
    layout: JSON.parse(row.layout_json) as EventLayoutJson,
    createdAt: row.created_at,
  };
}

export function rulesOf(event: EventRecord, defaultHoldTtlMs: number): EventRules {
  return {
    holdTtlMs: event.holdTtlMs ?? defaultHoldTtlMs,
    maxSeatsPerBuyer: event.maxSeatsPerBuyer,
    maxExtensions: event.maxExtensions,
    saleStatus: event.saleStatus,
    saleOpensAt: event.saleOpensAt,
    saleClosesAt: event.saleClosesAt,
    preventOrphanSeats: event.preventOrphanSeats,
  };
}

export function eventDetailOf(event: EventRecord, seats: readonly SeatRow[], defaultHoldTtlMs: number): EventDetail {
  let minPrice = Infinity;
  let maxPrice = 0;
  for (const s of seats) {
    minPrice = Math.min(minPrice, s.price_cents);
    maxPrice = Math.max(maxPrice, s.price_cents);
  }
  return {
    id: event.id,
    name: event.name,
    venueName: event.venueName,
    startsAt: event.startsAt,
    currency: event.currency,
    saleStatus: event.saleStatus,
    capacity: seats.length,
    priceRangeCents: [seats.length ? minPrice : 0, maxPrice],
    holdTtlMs: event.holdTtlMs ?? defaultHoldTtlMs,
    maxSeatsPerBuyer: event.maxSeatsPerBuyer,
    preventOrphanSeats: event.preventOrphanSeats,
    categories: event.layout.categories,
    sections: event.layout.sections,
    bounds: event.layout.bounds,
    stage: event.layout.stage,
    seats: seats.map(seatLayoutOf),
  };
}

export function seatLayoutOf(s: SeatRow): SeatLayout {
  return {
    id: s.id,
    section: s.section,
    row: s.row,
    number: s.number,
    category: s.category,
    priceCents: s.price_cents,
    x: s.x,
    y: s.y,
    ...(s.accessible ? { accessible: s.accessible } : {}),
    ...(s.ga_area ? { gaArea: s.ga_area } : {}),
  };
}

export interface LoopRows {
  seats: readonly SeatRow[];
  liveHolds: readonly HoldRow[];
  orders: readonly OrderRow[];
  validTickets: readonly TicketRow[];
  /** Newest ended holds first (the core remembers a bounded number of them). */
  endedHolds: readonly { id: string; buyer_id: string; status: Exclude<HoldEndReason, 'confirmed'> }[];
  /** Newest first: client request ids of ended holds (any end, confirmed included). */
  endedRequests: readonly { id: string; buyer_id: string; request_id: string }[];
  blockedSeatIds: readonly string[];
  /** Valid tickets admitted at the door. */
  checkIns: readonly { ticket_id: string; checked_in_at: number; checked_in_door: string | null; checked_in_by: string | null }[];
  /** Cancelled tickets (the door says "cancelled", not "unknown"). */
  cancelledTickets: readonly {
    code: string;
    id: string;
    order_id: string;
    seat_id: string;
    buyer_name: string;
    cancelled_at: number | null;
    checked_in_at: number | null;
    checked_in_door: string | null;
    checked_in_by: string | null;
  }[];
}

export function loopStateOf(event: EventRecord, rows: LoopRows, defaultHoldTtlMs: number): LoopState {
  const liveHolds: Hold[] = rows.liveHolds.map((h) => ({
    id: h.id,
    eventId: event.id,
    buyerId: h.buyer_id,
    seatIds: JSON.parse(h.seat_ids_json) as string[],
    createdAt: h.created_at,
    expiresAt: h.expires_at,
    extensions: h.extensions,
    ...(h.request_id === null ? {} : { requestId: h.request_id }),
  }));
  const ticketsByOrder = new Map<string, Order['tickets']>();
  for (const t of rows.validTickets) {
    const list = ticketsByOrder.get(t.order_id) ?? [];
    list.push({ id: t.id, seatId: t.seat_id, priceCents: t.price_cents, code: t.code });
    ticketsByOrder.set(t.order_id, list);
  }
  const orders: Order[] = rows.orders.map((o) => {
    const tickets = ticketsByOrder.get(o.id) ?? [];
    return {
      id: o.id,
      eventId: event.id,
      holdId: o.hold_id,
      buyerId: o.buyer_id,
      buyer: { name: o.buyer_name, email: o.buyer_email },
      idempotencyKey: o.idempotency_key,
      // Cancelled tickets are not restored, so neither is what they cost.
      totalCents: tickets.reduce((sum, t) => sum + t.priceCents, 0),
      createdAt: o.created_at,
      tickets,
    };
  });
  return {
    eventId: event.id,
    currency: event.currency,
    version: event.version,
    rules: rulesOf(event, defaultHoldTtlMs),
    seats: coreSeatsOf(rows.seats.map(seatLayoutOf), event.layout.sections),
    stage: event.layout.stage,
    restored: {
      holds: liveHolds,
      orders,
      blockedSeatIds: [...rows.blockedSeatIds],
      // Handed over oldest first.
      endedHolds: [...rows.endedHolds].reverse().map((h) => ({ id: h.id, buyerId: h.buyer_id, reason: h.status })),
      endedRequests: [...rows.endedRequests].reverse().map((h) => ({ holdId: h.id, buyerId: h.buyer_id, requestId: h.request_id })),
      checkIns: rows.checkIns.map((c) => ({ ticketId: c.ticket_id, at: c.checked_in_at, door: c.checked_in_door, actor: c.checked_in_by ?? 'admin' })),
      cancelledTickets: rows.cancelledTickets.map((t) => ({
        code: t.code,
        ticketId: t.id,
        orderId: t.order_id,
        seatId: t.seat_id,
        buyerName: t.buyer_name,
        cancelledAt: t.cancelled_at ?? 0,
        checkIn: t.checked_in_at === null ? null : { at: t.checked_in_at, door: t.checked_in_door, actor: t.checked_in_by ?? 'admin' },
      })),
    },
  };
}

/** Seat ids in byte order, whatever the database's collation. */
const bySeatId = <T extends { seat_id: string }>(a: T, b: T) => (a.seat_id < b.seat_id ? -1 : a.seat_id > b.seat_id ? 1 : 0);

/** An order for its buyer's page: every ticket (valid and cancelled, with when and why) with seat details. */
export function storedOrderOf(order: OrderRow, tickets: readonly TicketWithSeatRow[]): StoredOrder {
  const views: TicketView[] = tickets.map((t) => ({
    id: t.id,
    seatId: t.seat_id,
    section: t.section ?? '',
    row: t.row ?? '',
    number: t.number ?? '',
    category: t.category ?? '',
    priceCents: t.price_cents,
    code: t.code,
    ...(t.ga_area ? { gaArea: t.ga_area } : {}),
    status: t.status,
    cancelledAt: t.cancelled_at,
    cancelReason: t.cancel_reason,
  }));
  views.sort(byTicketSeat);
  const refundCents = views.reduce((sum, t) => sum + (t.status === 'cancelled' ? t.priceCents : 0), 0);
  return {
    id: order.id,
    eventId: order.event_id,
    holdId: order.hold_id,
    buyerId: order.buyer_id,
    buyer: { name: order.buyer_name, email: order.buyer_email },
    totalCents: order.total_cents - refundCents,
    paidCents: order.total_cents,
    refundCents,
    status: orderStatusOf(views),
    currency: order.currency,
    createdAt: order.created_at,
    tickets: views,
  };
}

/** Orders for the organizer, with every ticket (valid and cancelled). */
export function adminOrdersOf(orders: readonly OrderRow[], tickets: readonly TicketWithSeatRow[]): AdminOrderView[] {
  const byOrder = new Map<string, TicketWithSeatRow[]>();
  for (const t of tickets) {
    const list = byOrder.get(t.order_id) ?? [];
    list.push(t);
    byOrder.set(t.order_id, list);
  }
  return orders.map((o) => {
    const list = (byOrder.get(o.id) ?? []).sort(bySeatId);
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

/** The most ended holds a loop remembers (the core's memory of "expired" vs "not found"). */
export const ENDED_HOLDS_REMEMBERED = 100_000;
/** The newest changes of a seat shown in its history. */
export const SEAT_HISTORY_LIMIT = 1000;
