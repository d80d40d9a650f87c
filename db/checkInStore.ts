// Storage reads for door check-in. Writes happen in the batch writer (the
// loop's transaction); these read what a loop restores at start, and which
// event a scanned code belongs to (at the HTTP edge, before the loop is asked).
import { and, eq, isNotNull } from 'drizzle-orm';
import type { DatabaseHandle } from './connection';
import { events, orders, tickets } from './schema';

/** An admission as stored (the core's CheckIn). */
export interface StoredCheckIn {
  at: number;
  door: string | null;
  actor: string;
}

/** What a loop restores for its door (the core's RestoredCheckIn and CancelledTicket, structurally). */
export interface DoorState {
  checkIns: (StoredCheckIn & { ticketId: string })[];
  cancelledTickets: {
    code: string;
    ticketId: string;
    orderId: string;
    seatId: string;
    buyerName: string;
    cancelledAt: number;
    checkIn: StoredCheckIn | null;
  }[];
}

/** An event's admissions of valid tickets, and its cancelled tickets (for "cancelled" rather than "unknown"). */
export function loadDoorState({ db }: DatabaseHandle, eventId: string): DoorState {
  const admitted = db
    .select({ ticketId: tickets.id, at: tickets.checkedInAt, door: tickets.checkedInDoor, actor: tickets.checkedInBy })
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'valid'), isNotNull(tickets.checkedInAt)))
    .all();
  const cancelled = db
    .select({
      code: tickets.code,
      ticketId: tickets.id,
      orderId: tickets.orderId,
      seatId: tickets.seatId,
      buyerName: orders.buyerName,
      cancelledAt: tickets.cancelledAt,
      checkedInAt: tickets.checkedInAt,
      checkedInDoor: tickets.checkedInDoor,
      checkedInBy: tickets.checkedInBy,
    })
    .from(tickets)
    .innerJoin(orders, eq(orders.id, tickets.orderId))
    .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'cancelled')))
    .all();
  return {
    checkIns: admitted.map((r) => ({ ticketId: r.ticketId, at: r.at!, door: r.door, actor: r.actor ?? 'admin' })),
    cancelledTickets: cancelled.map((r) => ({
      code: r.code,
      ticketId: r.ticketId,
      orderId: r.orderId,
      seatId: r.seatId,
      buyerName: r.buyerName,
      cancelledAt: r.cancelledAt ?? 0,
      checkIn: r.checkedInAt === null ? null : { at: r.checkedInAt, door: r.checkedInDoor, actor: r.checkedInBy ?? 'admin' },
    })),
  };
}

export interface TicketOwner {
  eventId: string;
  eventName: string;
  eventStartsAt: number;
}

/** The event a ticket code belongs to (codes are unique across events), or null for a code no ticket has. */
export function eventOfTicketCode({ db }: DatabaseHandle, code: string): TicketOwner | null {
  const row = db
    .select({ eventId: tickets.eventId, eventName: events.name, eventStartsAt: events.startsAt })
    .from(tickets)
    .innerJoin(events, eq(events.id, tickets.eventId))
    .where(eq(tickets.code, code))
    .get();
  return row ?? null;
}
