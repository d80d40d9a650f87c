// Reads that rebuild a loop's state at start, and the static / historical
// reads that never go through a loop (event layout, orders).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { CategoryView, EventDetail, OrderView, SectionView, TicketView } from '../lib/protocol';
import { byTicketSeat, orderStatusOf } from '../lib/orderProtocol';
import type { SeatSpec, RestoredState } from '../server/reservations/seatBook';
import type { EventRules, Hold, Order } from '../server/reservations/types';
import type { DatabaseHandle } from './connection';
import { blockedSeats, events, holds, orders, seats, tickets } from './schema';

export interface EventLayoutJson {
  /** The venue description the seats were generated from, when known. */
  spec?: unknown;
  categories: CategoryView[];
  sections: SectionView[];
  stage: EventDetail['stage'];
  bounds: EventDetail['bounds'];
}

export interface LoopState {
  eventId: string;
  currency: string;
  version: number;
  rules: EventRules;
  seats: SeatSpec[];
  restored: RestoredState;
}

type EventRow = typeof events.$inferSelect;

export function rulesOf(row: EventRow, defaultHoldTtlMs: number): EventRules {
  return {
    holdTtlMs: row.holdTtlMs ?? defaultHoldTtlMs,
    maxSeatsPerBuyer: row.maxSeatsPerBuyer,
    maxExtensions: row.maxExtensions,
    saleStatus: row.saleStatus,
    saleOpensAt: row.saleOpensAt,
    saleClosesAt: row.saleClosesAt,
  };
}

export function listEventRows({ db }: DatabaseHandle): EventRow[] {
  return db.select().from(events).orderBy(asc(events.startsAt)).all();
}

export function getEventRow({ db }: DatabaseHandle, eventId: string): EventRow | undefined {
  return db.select().from(events).where(eq(events.id, eventId)).get();
}

/** Everything a loop needs to resume: rules, seats, live holds, valid sales, blocks. */
export function loadLoopState(handle: DatabaseHandle, eventId: string, defaultHoldTtlMs: number): LoopState | null {
  const { db } = handle;
  const event = getEventRow(handle, eventId);
  if (!event) return null;
  const seatRows = db
    .select({ id: seats.id, priceCents: seats.priceCents, gaArea: seats.gaArea })
    .from(seats)
    .where(eq(seats.eventId, eventId))
    .all();
  const holdRows = db
    .select()
    .from(holds)
    .where(and(eq(holds.eventId, eventId), eq(holds.status, 'active')))
    .all();
  const liveHolds: Hold[] = holdRows.map((h) => ({
    id: h.id,
    eventId,
    buyerId: h.buyerId,
    seatIds: JSON.parse(h.seatIdsJson) as string[],
    createdAt: h.createdAt,
    expiresAt: h.expiresAt,
    extensions: h.extensions,
  }));
  const orderRows = db.select().from(orders).where(eq(orders.eventId, eventId)).all();
  const ticketRows = db
    .select()
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'valid')))
    .all();
  const ticketsByOrder = new Map<string, Order['tickets']>();
  for (const t of ticketRows) {
    const list = ticketsByOrder.get(t.orderId) ?? [];
    list.push({ id: t.id, seatId: t.seatId, priceCents: t.priceCents, code: t.code });
    ticketsByOrder.set(t.orderId, list);
  }
  const liveOrders: Order[] = orderRows.map((o) => ({
    id: o.id,
    eventId,
    holdId: o.holdId,
    buyerId: o.buyerId,
    buyer: { name: o.buyerName, email: o.buyerEmail },
    idempotencyKey: o.idempotencyKey,
    // Cancelled tickets are not restored, so neither is what they cost.
    totalCents: (ticketsByOrder.get(o.id) ?? []).reduce((sum, t) => sum + t.priceCents, 0),
    createdAt: o.createdAt,
    tickets: ticketsByOrder.get(o.id) ?? [],
  }));
  // Newest 100,000 ended holds (the core's memory of them), handed over oldest first.
  const endedRows = handle.sqlite
    .prepare(
      `SELECT id, buyer_id, status FROM holds WHERE event_id = ? AND status NOT IN ('active', 'confirmed')
       ORDER BY ended_at DESC LIMIT 100000`,
    )
    .all(eventId) as { id: string; buyer_id: string; status: 'released' | 'expired' | 'admin_released' }[];
  const blocked = db
    .select({ seatId: blockedSeats.seatId })
    .from(blockedSeats)
    .where(eq(blockedSeats.eventId, eventId))
    .all();
  return {
    eventId,
    currency: event.currency,
    version: event.version,
    rules: rulesOf(event, defaultHoldTtlMs),
    seats: seatRows.map((s) => (s.gaArea ? { id: s.id, priceCents: s.priceCents, gaArea: s.gaArea } : { id: s.id, priceCents: s.priceCents })),
    restored: {
      holds: liveHolds,
      orders: liveOrders,
      blockedSeatIds: blocked.map((b) => b.seatId),
      endedHolds: endedRows.reverse().map((h) => ({ id: h.id, buyerId: h.buyer_id, reason: h.status })),
    },
  };
}

/** The event and its static layout (cacheable: it changes only when an admin edits the venue). */
export function loadEventDetail(handle: DatabaseHandle, eventId: string, defaultHoldTtlMs: number): EventDetail | null {
  const event = getEventRow(handle, eventId);
  if (!event) return null;
  const layout = JSON.parse(event.layoutJson) as EventLayoutJson;
  const seatRows = handle.db.select().from(seats).where(eq(seats.eventId, eventId)).all();
  let minPrice = Infinity;
  let maxPrice = 0;
  for (const s of seatRows) {
    minPrice = Math.min(minPrice, s.priceCents);
    maxPrice = Math.max(maxPrice, s.priceCents);
  }
  return {
    id: event.id,
    name: event.name,
    venueName: event.venueName,
    startsAt: event.startsAt,
    currency: event.currency,
    saleStatus: event.saleStatus,
    capacity: seatRows.length,
    priceRangeCents: [seatRows.length ? minPrice : 0, maxPrice],
    holdTtlMs: event.holdTtlMs ?? defaultHoldTtlMs,
    maxSeatsPerBuyer: event.maxSeatsPerBuyer,
    categories: layout.categories,
    sections: layout.sections,
    bounds: layout.bounds,
    stage: layout.stage,
    seats: seatRows.map((s) => ({
      id: s.id,
      section: s.section,
      row: s.row,
      number: s.number,
      category: s.category,
      priceCents: s.priceCents,
      x: s.x,
      y: s.y,
      ...(s.accessible ? { accessible: s.accessible } : {}),
      ...(s.gaArea ? { gaArea: s.gaArea } : {}),
    })),
  };
}

/**
 * An order with every ticket (valid and cancelled, with when and why) and their seat
 * details, plus its owner for the access check.
 */
export function loadOrder(handle: DatabaseHandle, orderId: string): (OrderView & { buyerId: string }) | null {
  const { db } = handle;
  const order = db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return null;
  const ticketRows = db.select().from(tickets).where(eq(tickets.orderId, orderId)).all();
  const seatRows = ticketRows.length
    ? db
        .select()
        .from(seats)
        .where(
          and(
            eq(seats.eventId, order.eventId),
            inArray(
              seats.id,
              ticketRows.map((t) => t.seatId),
            ),
          ),
        )
        .all()
    : [];
  const seatById = new Map(seatRows.map((s) => [s.id, s]));
  const ticketViews: TicketView[] = ticketRows.map((t) => {
    const seat = seatById.get(t.seatId);
    return {
      id: t.id,
      seatId: t.seatId,
      section: seat?.section ?? '',
      row: seat?.row ?? '',
      number: seat?.number ?? '',
      category: seat?.category ?? '',
      priceCents: t.priceCents,
      code: t.code,
      ...(seat?.gaArea ? { gaArea: seat.gaArea } : {}),
      status: t.status,
      cancelledAt: t.cancelledAt,
      cancelReason: t.cancelReason,
    };
  });
  ticketViews.sort(byTicketSeat);
  const refundCents = ticketViews.reduce((sum, t) => sum + (t.status === 'cancelled' ? t.priceCents : 0), 0);
  return {
    id: order.id,
    eventId: order.eventId,
    holdId: order.holdId,
    buyerId: order.buyerId,
    buyer: { name: order.buyerName, email: order.buyerEmail },
    totalCents: order.totalCents - refundCents,
    paidCents: order.totalCents,
    refundCents,
    status: orderStatusOf(ticketViews),
    currency: order.currency,
    createdAt: order.createdAt,
    tickets: ticketViews,
  };
}
