// Organizer commands on the seat book. Same rules as buyer commands: pure,
// explicit `now`, outcomes as values, effects recorded for the database.
import type { TicketRegister } from './ticketRegister';
import type {
  AdminCommand,
  Command,
  Effect,
  EventRules,
  Failure,
  Hold,
  HoldEndReason,
  HoldId,
  Order,
  OrderId,
  Outcome,
  SeatCounts,
  SeatId,
  SeatSpec,
  SeatState,
  StageBox,
} from './types';

/** What organizer commands may read and change on the seat book (SeatBook implements it). */
export interface AdminBook {
  rules: EventRules;
  readonly tickets: TicketRegister;
  hold(holdId: HoldId): Hold | undefined;
  order(orderId: OrderId): Order | undefined;
  allOrders(): IterableIterator<Order>;
  seatState(seatId: SeatId): SeatState | undefined;
  seatCounts(): Readonly<SeatCounts>;
  _record(effect: Effect): void;
  _setSeat(seatId: SeatId, next: SeatState): void;
  _endHold(hold: Hold, reason: HoldEndReason, now: number, detail?: string): void;
  _hasSeat(seatId: SeatId): boolean;
  _removeTickets(order: Order, seatIds: SeatId[], now: number): void;
  _replaceSeats(seats: SeatSpec[], stage: StageBox | undefined): void;
  _retire(): void;
}

const ADMIN_TYPES: ReadonlySet<Command['type']> = new Set([
  'admin_release',
  'block',
  'unblock',
  'cancel_tickets',
  'configure',
  'replace_layout',
  'retire',
  'check_in',
]);

export function isAdminCommand(command: Command): command is AdminCommand {
  return ADMIN_TYPES.has(command.type);
}

function failure(code: Failure['code'], message: string, extra: Partial<Failure> = {}): Failure {
  return { ok: false, code, message, ...extra };
}

function unknownSeats(book: AdminBook, seatIds: SeatId[]): Failure | null {
  const unknown = seatIds.filter((id) => !book._hasSeat(id));
  return unknown.length ? failure('not_found', 'Some seats do not exist in this event.', { seatIds: unknown }) : null;
}

export function applyAdmin(book: AdminBook, command: AdminCommand, now: number): Outcome {
  switch (command.type) {
    case 'admin_release': {
      const hold = book.hold(command.holdId);
      if (!hold) return failure('not_found', 'No live hold with that id (it may have expired or been confirmed).');
      book._endHold(hold, 'admin_released', now, JSON.stringify(command.reason ? { by: command.actor, reason: command.reason } : { by: command.actor }));
      return { ok: true, type: 'released', holdId: hold.id, seatIds: hold.seatIds };
    }
    case 'block': {
      command = { ...command, seatIds: [...new Set(command.seatIds)] };
      const unknown = unknownSeats(book, command.seatIds);
      if (unknown) return unknown;
      const busy = command.seatIds.filter((id) => {
        const status = book.seatState(id)!.status;
        return status === 'held' || status === 'sold';
      });
      if (busy.length) return failure('seats_unavailable', 'Held or sold seats cannot be blocked.', { seatIds: busy });
      const toBlock = command.seatIds.filter((id) => book.seatState(id)!.status === 'available');
      for (const id of toBlock) book._setSeat(id, { status: 'blocked' });
      if (toBlock.length) book._record({ kind: 'seats_blocked', seatIds: toBlock, reason: command.reason, actor: command.actor, at: now });
      return { ok: true, type: 'blocked', seatIds: toBlock };
    }
    case 'unblock': {
      command = { ...command, seatIds: [...new Set(command.seatIds)] };
      const unknown = unknownSeats(book, command.seatIds);
      if (unknown) return unknown;
      const toUnblock = command.seatIds.filter((id) => book.seatState(id)!.status === 'blocked');
      for (const id of toUnblock) book._setSeat(id, { status: 'available' });
      if (toUnblock.length) book._record({ kind: 'seats_unblocked', seatIds: toUnblock, reason: command.reason, actor: command.actor, at: now });
      return { ok: true, type: 'unblocked', seatIds: toUnblock };
    }
    case 'cancel_tickets': {
      const order = book.order(command.orderId);
      if (!order) return failure('not_found', 'No such order.');
      const valid = new Set(order.tickets.map((t) => t.seatId));
      const seatIds = [...new Set(command.seatIds ?? valid)];
      const notInOrder = seatIds.filter((id) => !valid.has(id));
      if (notInOrder.length) {
        return failure('not_found', 'These seats have no valid ticket in this order.', { seatIds: notInOrder });
      }
      if (seatIds.length === 0) return failure('not_found', 'This order has no valid tickets left.');
      const cancelled = new Set(seatIds);
      const refundedCents = order.tickets.filter((t) => cancelled.has(t.seatId)).reduce((n, t) => n + t.priceCents, 0);
      for (const id of seatIds) book._setSeat(id, { status: 'available' });
      book._removeTickets(order, seatIds, now);
      book._record({
        kind: 'tickets_cancelled',
        orderId: order.id,
        buyerId: order.buyerId,
        seatIds,
        refundedCents,
        orderCreatedAt: order.createdAt,
        reason: command.reason,
        actor: command.actor,
        at: now,
      });
      return { ok: true, type: 'tickets_cancelled', orderId: order.id, seatIds };
    }
    case 'configure': {
      const rules: EventRules = { ...book.rules, ...command.rules };
      if (!(rules.holdTtlMs > 0) || !(rules.maxSeatsPerBuyer > 0) || rules.maxExtensions < 0) {
        return failure('invalid_request', 'Hold TTL and seat limit must be positive.');
      }
      if (rules.saleOpensAt !== null && rules.saleClosesAt !== null && rules.saleClosesAt <= rules.saleOpensAt) {
        return failure('invalid_request', 'The sale must close after it opens.');
      }
      book.rules = rules;
      book._record({
        kind: 'event_configured',
        rules: command.rules,
        ...(command.holdTtlOverride !== undefined ? { holdTtlOverride: command.holdTtlOverride } : {}),
        meta: command.meta,
        actor: command.actor,
        at: now,
      });
      return { ok: true, type: 'configured', rules };
    }
    case 'replace_layout': {
      const counts = book.seatCounts();
      if (counts.sold > 0 || counts.held > 0) {
        return failure('has_sales', `The layout cannot change: ${counts.sold} seats are sold and ${counts.held} held.`);
      }
      const ids = new Set(command.seats.map((s) => s.id));
      if (ids.size !== command.seats.length) return failure('invalid_request', 'The layout names a seat twice.');
      book._replaceSeats(command.seats, command.stage);
      book._record({ kind: 'layout_replaced', seats: command.seats, layout: command.layout, actor: command.actor, at: now });
      return { ok: true, type: 'layout_replaced', seatCount: command.seats.length };
    }
    case 'retire': {
      const counts = book.seatCounts();
      const orders = [...book.allOrders()].length;
      if (counts.held > 0 || orders > 0) {
        return failure('has_sales', `The event cannot be deleted: it has ${orders} orders and ${counts.held} held seats.`);
      }
      book._retire();
      book._record({ kind: 'event_retired', actor: command.actor, at: now });
      return { ok: true, type: 'retired' };
    }
    case 'check_in':
      return book.tickets.checkIn(command.code, command.door, command.actor, now, (effect) => book._record(effect));
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown admin command ${JSON.stringify(_exhaustive)}`);
    }
  }
}
