// Projections from core values to the wire shapes of lib/protocol.
import type { ApiError, Fail, HoldView, OrderView, SeatLayout, TicketView } from '../lib/protocol';
import { byTicketSeat } from '../lib/orderProtocol';
import type { Failure, Hold, Order } from '../core/types';

/** A hold of `eventId` (a core Hold, or a live hold of a committed view). */
export function holdView(eventId: string, hold: Pick<Hold, 'id' | 'seatIds' | 'expiresAt' | 'extensions'>, maxExtensions: number): HoldView {
  return {
    id: hold.id,
    eventId,
    seatIds: [...hold.seatIds],
    expiresAt: hold.expiresAt,
    extensionsLeft: Math.max(0, maxExtensions - hold.extensions),
  };
}

export function orderView(order: Order, currency: string, seatById: ReadonlyMap<string, SeatLayout>): OrderView {
  return {
    id: order.id,
    eventId: order.eventId,
    holdId: order.holdId,
    buyer: { ...order.buyer },
    totalCents: order.totalCents,
    // A just-confirmed order: nothing cancelled yet.
    paidCents: order.totalCents,
    refundCents: 0,
    status: 'confirmed',
    currency,
    createdAt: order.createdAt,
    tickets: order.tickets.map((t) => ticketView(t, seatById.get(t.seatId))).sort(byTicketSeat),
  };
}

function ticketView(t: Order['tickets'][number], seat: SeatLayout | undefined): TicketView {
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
    status: 'valid',
    cancelledAt: null,
    cancelReason: null,
  };
}

export function failView(f: Failure, retryAfterMs?: number): Fail {
  const error: ApiError = { code: f.code, message: f.message };
  if (f.seatIds) error.seatIds = f.seatIds;
  if (f.orderId) error.orderId = f.orderId;
  const retry = retryAfterMs ?? f.retryAfterMs;
  if (retry !== undefined) error.retryAfterMs = retry;
  return { ok: false, error };
}
