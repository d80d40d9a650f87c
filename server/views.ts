// Projections from core values to the wire shapes of lib/protocol.
import type { ApiError, Fail, HoldView, OrderView, SeatLayout } from '../lib/protocol';
import type { Failure, Hold, Order } from './reservations/types';

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
    currency,
    createdAt: order.createdAt,
    // In layout order (seat ids in byte order), as the store returns an order's tickets.
    tickets: [...order.tickets].sort((a, b) => (a.seatId < b.seatId ? -1 : a.seatId > b.seatId ? 1 : 0)).map((t) => {
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
      };
    }),
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
