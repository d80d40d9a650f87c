// The stable error codes, acks and the one way to build a failure (part of lib/protocol.ts's
// contract). HTTP bodies and Socket.IO acks carry the same objects.
import type { z } from 'zod';
import type { CheckInTicketView } from './ticketViews';

export const ERROR_CODES = [
  'invalid_request', // the payload failed validation; nothing changed
  'not_found', // unknown event, hold, order or seat
  'seats_unavailable', // at least one requested seat is not free (see seatIds), or best available found nothing that fits
  'orphan_seat', // the hold would leave a single free seat stranded (see seatIds: the seat(s) it would strand)
  'hold_expired', // the hold's deadline passed; its seats went back to the pool
  'not_hold_owner', // the hold or order belongs to another buyer
  'limit_exceeded', // the buyer would hold more seats than the event allows
  'extend_limit', // the hold was already extended the allowed number of times
  'already_confirmed', // the hold became an order under a different idempotency key
  'idempotency_conflict', // the idempotency key was already used for another hold
  'sale_closed', // the event is not on sale (paused, closed, or outside its window)
  'busy', // the event's mailbox is full; retry after retryAfterMs
  'rate_limited', // too many requests from this connection or address
  'unauthorized', // no valid buyer session / admin session
  'forbidden', // authenticated, but not allowed
  'has_sales', // the event has sales or live holds, so its layout cannot change / it cannot be deleted
  'already_checked_in', // (door check-in) the ticket was admitted before; see error.ticket.checkIn
  'ticket_cancelled', // (door check-in) the ticket was cancelled
  'wrong_event', // (door check-in) the ticket is for another event
  'unknown_ticket', // (door check-in) no ticket has this code: forged, mistyped or not a ticket
  'access_key_invalid', // the order link's key is not valid for that order (or there is no such order)
  'access_key_revoked', // the order link was replaced by the organizer; a newer link works
  'storage_unavailable', // the database refused the write; nothing changed, retry
  'unavailable', // the event's loop is moving to another process (or none runs it yet); retry after retryAfterMs
  'not_admitted', // (waiting room) no valid admission for this event: join the queue, or your shopping window ended
  'challenge_required', // (waiting room) solve the proof-of-work challenge first (GET /api/events/:id/queue/challenge)
  'internal', // a bug; nothing changed
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** seats_unavailable / not_found: exactly the offending seats. orphan_seat: the seat(s) the hold would strand. */
  seatIds?: string[];
  /** invalid_request: what was wrong, field by field. */
  issues?: { path: string; message: string }[];
  /** busy / rate_limited: how long to wait before retrying. */
  retryAfterMs?: number;
  /** already_confirmed: the order the hold became (only shown to its owner). */
  orderId?: string;
  /** already_checked_in / ticket_cancelled (organizer check-in): the scanned ticket, with when and where it was admitted. */
  ticket?: CheckInTicketView;
  /** wrong_event (organizer check-in): the event the scanned ticket is for. */
  ticketEvent?: { id: string; name: string; startsAt: number };
}

export type Ok<T> = { ok: true } & T;
export type Fail = { ok: false; error: ApiError };
export type Ack<T> = Ok<T> | Fail;

/** HTTP status for each error code (HTTP bodies carry the same Ack objects as Socket.IO). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_hold_owner: 403,
  forbidden: 403,
  not_found: 404,
  seats_unavailable: 409,
  orphan_seat: 409,
  already_confirmed: 409,
  idempotency_conflict: 409,
  extend_limit: 409,
  has_sales: 409,
  already_checked_in: 409,
  wrong_event: 409,
  ticket_cancelled: 410,
  unknown_ticket: 404,
  access_key_invalid: 403,
  access_key_revoked: 410,
  sale_closed: 409,
  hold_expired: 410,
  limit_exceeded: 422,
  rate_limited: 429,
  internal: 500,
  busy: 503,
  storage_unavailable: 503,
  unavailable: 503,
  not_admitted: 403,
  challenge_required: 403,
};

/** Turns a zod failure into the public invalid_request error. */
export function invalidRequest(error: z.ZodError, message = 'The request is not valid.'): Fail {
  return {
    ok: false,
    error: {
      code: 'invalid_request',
      message,
      issues: error.issues.slice(0, 20).map((i) => ({
        path: i.path.map(String).join('.') || '(root)',
        message: i.message,
      })),
    },
  };
}

export function fail(code: ErrorCode, message: string, extra: Partial<ApiError> = {}): Fail {
  return { ok: false, error: { code, message, ...extra } };
}
