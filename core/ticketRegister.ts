// The door's view of one event's tickets, inside the pure core: every valid
// ticket by its code, the codes of cancelled tickets, and which tickets were
// admitted. Owned by the SeatBook (same batch, same effects); a check-in is a
// command of the event's loop like any other, so two doors scanning the same
// ticket are serialized and exactly one of them admits it.
import type { CheckIn, DoorTicket, Effect, Failure, Order, OrderId, Outcome, SeatId, Ticket } from './types';

/** What is remembered of a cancelled ticket: enough to say "cancelled" (not "unknown") at the door. */
export interface CancelledTicket {
  code: string;
  ticketId: string;
  orderId: OrderId;
  seatId: SeatId;
  buyerName: string;
  cancelledAt: number;
  /** When the ticket had been admitted before it was cancelled. */
  checkIn: CheckIn | null;
}

/** A check-in restored from storage. */
export interface RestoredCheckIn extends CheckIn {
  ticketId: string;
}

interface ValidTicket {
  order: Order;
  ticket: Ticket;
}

function failure(code: Failure['code'], message: string, ticket?: DoorTicket): Failure {
  return ticket ? { ok: false, code, message, ticket } : { ok: false, code, message };
}

export class TicketRegister {
  private readonly validByCode = new Map<string, ValidTicket>();
  private readonly cancelledByCode = new Map<string, CancelledTicket>();
  /** Admissions of valid tickets, by ticket id. */
  private readonly checkIns = new Map<string, CheckIn>();

  /** Valid tickets: the people expected at the door. */
  get validCount(): number {
    return this.validByCode.size;
  }

  /** Valid tickets admitted so far. */
  get checkedInCount(): number {
    return this.checkIns.size;
  }

  checkInOf(ticketId: string): CheckIn | undefined {
    return this.checkIns.get(ticketId);
  }

  /** Every admission of a valid ticket (read-only views, tests). */
  checkInEntries(): IterableIterator<[string, CheckIn]> {
    return this.checkIns.entries();
  }

  cancelledTickets(): IterableIterator<CancelledTicket> {
    return this.cancelledByCode.values();
  }

  /** Registers the (valid) tickets of a new or restored order. */
  addOrder(order: Order): void {
    for (const ticket of order.tickets) {
      if (this.validByCode.has(ticket.code) || this.cancelledByCode.has(ticket.code)) {
        throw new Error(`ticket code of ${ticket.id} is used twice`);
      }
      this.validByCode.set(ticket.code, { order, ticket });
    }
  }

  /** Moves tickets of `order` to the cancelled ones (their admissions end with them). */
  cancel(order: Order, tickets: readonly Ticket[], at: number): void {
    for (const ticket of tickets) {
      if (this.validByCode.get(ticket.code)?.ticket !== ticket) throw new Error(`cancel: ticket ${ticket.id} is not valid`);
      this.validByCode.delete(ticket.code);
      const checkIn = this.checkIns.get(ticket.id) ?? null;
      this.checkIns.delete(ticket.id);
      this.cancelledByCode.set(ticket.code, {
        code: ticket.code,
        ticketId: ticket.id,
        orderId: order.id,
        seatId: ticket.seatId,
        buyerName: order.buyer.name,
        cancelledAt: at,
        checkIn,
      });
    }
  }

  restoreCancelled(list: readonly CancelledTicket[]): void {
    for (const cancelled of list) {
      if (this.validByCode.has(cancelled.code) || this.cancelledByCode.has(cancelled.code)) {
        throw new Error(`restore: ticket code of ${cancelled.ticketId} is used twice`);
      }
      this.cancelledByCode.set(cancelled.code, { ...cancelled });
    }
  }

  /** Call after every valid ticket is registered: admissions name valid tickets only. */
  restoreCheckIns(list: readonly RestoredCheckIn[], isValidTicket: (ticketId: string) => boolean): void {
    for (const { ticketId, at, door, actor } of list) {
      if (!isValidTicket(ticketId)) throw new Error(`restore: check-in of ticket ${ticketId}, which is not valid`);
      if (this.checkIns.has(ticketId)) throw new Error(`restore: ticket ${ticketId} checked in twice`);
      this.checkIns.set(ticketId, { at, door, actor });
    }
  }

  /**
   * Admits the ticket with this code once. Refusals: already checked in (with when and
   * where), cancelled, or unknown to this event (forged, or another event's: the edge
   * tells those apart from storage before it asks the loop).
   */
  checkIn(code: string, door: string | null, actor: string, now: number, record: (effect: Effect) => void): Outcome {
    const valid = this.validByCode.get(code);
    if (!valid) {
      const cancelled = this.cancelledByCode.get(code);
      if (cancelled) {
        return failure('ticket_cancelled', 'This ticket was cancelled; do not admit.', {
          ticketId: cancelled.ticketId,
          orderId: cancelled.orderId,
          seatId: cancelled.seatId,
          buyerName: cancelled.buyerName,
          checkIn: cancelled.checkIn,
          cancelledAt: cancelled.cancelledAt,
        });
      }
      return failure('unknown_ticket', 'No ticket of this event has this code.');
    }
    const { order, ticket } = valid;
    const prior = this.checkIns.get(ticket.id);
    if (prior) {
      return failure('already_checked_in', 'This ticket was already checked in.', doorTicket(order, ticket, prior));
    }
    const checkIn: CheckIn = { at: now, door, actor };
    this.checkIns.set(ticket.id, checkIn);
    record({
      kind: 'ticket_checked_in',
      ticketId: ticket.id,
      orderId: order.id,
      buyerId: order.buyerId,
      seatId: ticket.seatId,
      at: now,
      door,
      actor,
    });
    return { ok: true, type: 'checked_in', ticket: doorTicket(order, ticket, checkIn) };
  }

  /** Throws if the register disagrees with the orders' valid tickets. */
  checkInvariants(orders: Iterable<Order>): void {
    const validIds = new Set<string>();
    for (const order of orders) {
      for (const ticket of order.tickets) {
        validIds.add(ticket.id);
        if (this.validByCode.get(ticket.code)?.ticket !== ticket) throw new Error(`ticket ${ticket.id} is missing from the door register`);
      }
    }
    if (validIds.size !== this.validByCode.size) throw new Error('the door register lists tickets that are not valid');
    for (const ticketId of this.checkIns.keys()) {
      if (!validIds.has(ticketId)) throw new Error(`check-in of ticket ${ticketId}, which is not valid`);
    }
    for (const code of this.cancelledByCode.keys()) {
      if (this.validByCode.has(code)) throw new Error(`ticket code ${code} is both valid and cancelled`);
    }
  }
}

function doorTicket(order: Order, ticket: Ticket, checkIn: CheckIn | null): DoorTicket {
  return {
    ticketId: ticket.id,
    orderId: order.id,
    seatId: ticket.seatId,
    buyerName: order.buyer.name,
    checkIn: checkIn && { ...checkIn },
    cancelledAt: null,
  };
}
