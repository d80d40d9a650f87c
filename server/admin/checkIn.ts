// Door check-in at the organizer edge. Storage says which event a code is for
// (codes are unique across events): a code no ticket has, or another event's
// ticket, is refused here without touching any loop. Everything else is a
// command of the event's loop, which alone decides admitted / already checked
// in / cancelled, so two doors scanning one ticket at once admit it once.
import type { CheckInAck } from '../../lib/adminProtocol';
import { fail, type CheckInTicketView } from '../../lib/protocol';
import type { Store } from '../../db/store';
import type { EventRegistry, EventRuntime } from '../eventRegistry';
import type { DoorTicket } from '../../core/types';
import { failView } from '../views';

export interface CheckInRequest {
  code: string;
  door: string | null;
  actor: string;
}

/** "19:42", in the server's time zone (the door's own screen formats `checkedInAt` itself). */
function clockTime(at: number): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
}

export function checkInTicketView(runtime: EventRuntime, ticket: DoorTicket): CheckInTicketView {
  const seat = runtime.seatById.get(ticket.seatId);
  const category = runtime.detail.categories.find((c) => c.id === seat?.category);
  return {
    ticketId: ticket.ticketId,
    orderId: ticket.orderId,
    eventId: runtime.eventId,
    seatId: ticket.seatId,
    section: seat?.section ?? '',
    row: seat?.row ?? '',
    number: seat?.number ?? '',
    category: category?.name ?? seat?.category ?? '',
    ...(seat?.gaArea ? { gaArea: seat.gaArea } : {}),
    buyerName: ticket.buyerName,
    checkedInAt: ticket.checkIn?.at ?? null,
    door: ticket.checkIn?.door ?? null,
    cancelledAt: ticket.cancelledAt,
  };
}

export async function checkInTicket(store: Store, registry: EventRegistry, runtime: EventRuntime, request: CheckInRequest): Promise<CheckInAck> {
  const owner = await store.eventOfTicketCode(request.code);
  if (!owner) return fail('unknown_ticket', 'No ticket has this code: it may be mistyped or forged. Do not admit.');
  if (owner.eventId !== runtime.eventId) {
    return fail('wrong_event', `This ticket is for another event: ${owner.eventName}. Do not admit.`, {
      ticketEvent: { id: owner.eventId, name: owner.eventName, startsAt: owner.eventStartsAt },
    });
  }
  const outcome = await registry.execute(runtime, { type: 'check_in', code: request.code, door: request.door, actor: request.actor });
  if (outcome.ok) {
    if (outcome.type !== 'checked_in') return fail('internal', 'Unexpected outcome.');
    // The view has this commit by now: the loop updates it before it answers.
    return { ok: true, ticket: checkInTicketView(runtime, outcome.ticket), counts: runtime.view.doorCounts() };
  }
  const retryable = outcome.code === 'busy' || outcome.code === 'storage_unavailable' || outcome.code === 'unavailable';
  const refused = failView(outcome, retryable ? (outcome.retryAfterMs ?? 1000) : undefined);
  if (outcome.ticket) {
    const ticket = checkInTicketView(runtime, outcome.ticket);
    refused.error.ticket = ticket;
    if (outcome.code === 'already_checked_in' && ticket.checkedInAt !== null) {
      refused.error.message = `Already checked in at ${clockTime(ticket.checkedInAt)}${ticket.door ? ` (door ${ticket.door})` : ''}. Do not admit.`;
    }
  }
  return refused;
}
