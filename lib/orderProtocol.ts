// The wire contract of everything after the purchase: order access keys (the
// link that opens an order on any device), "Find my tickets", and the live
// order room. Imported by both sides, like lib/protocol.ts (which holds the
// OrderView itself and the error codes).
import { z } from 'zod';
import { orderIdSchema } from './ids';
import type { Ack } from './failures';
import type { TicketView } from './ticketViews';

/**
 * An order access key: `<generation>.<mac>`. The generation is the order's key
 * generation when the key was made (revoking bumps it); the mac is 32 base64url
 * characters (192 bits) of an HMAC bound to the order id and that generation.
 */
export const ORDER_ACCESS_KEY_PATTERN = /^[1-9][0-9]{0,8}\.[A-Za-z0-9_-]{32}$/;
export const orderAccessKeySchema = z.string().regex(ORDER_ACCESS_KEY_PATTERN, 'not an order access key');

/** POST /api/orders/lookup ("Find my tickets"). */
export const findTicketsSchema = z.object({
  email: z.email('enter a valid email address').max(254),
});
export type FindTicketsInput = z.infer<typeof findTicketsSchema>;

/**
 * The one answer "Find my tickets" gives for every valid address, known or not
 * (the lookup and the email happen afterwards, in the background).
 */
export const FIND_TICKETS_ANSWER = 'If we have orders for that address, we are emailing links to them now. Check your inbox (and spam folder) in a few minutes.';
export type FindTicketsAck = Ack<{ message: string }>;

/** `order:watch` / `order:unwatch`: the order page's live room, authorised by session or access key. */
export const watchOrderSchema = z.object({
  orderId: orderIdSchema,
  key: orderAccessKeySchema.optional(),
});
export const unwatchOrderSchema = z.object({ orderId: orderIdSchema });
export type WatchOrderAck = Ack<{ orderId: string }>;

/**
 * Sent to the order's room after a change committed: 'tickets_cancelled' (an
 * organizer cancelled some or all tickets) or 'access_revoked' (the order's
 * access key was replaced). Clients reload the order (GET /api/orders/:id).
 */
export interface OrderUpdatedNotice {
  orderId: string;
  change: 'tickets_cancelled' | 'access_revoked';
}

export type OrderStatus = 'confirmed' | 'partially_cancelled' | 'cancelled';

/** An order is cancelled when none of its tickets is valid, partially when some are not. */
export function orderStatusOf(tickets: readonly Pick<TicketView, 'status'>[]): OrderStatus {
  const valid = tickets.filter((t) => t.status === 'valid').length;
  if (valid === tickets.length) return 'confirmed';
  return valid === 0 ? 'cancelled' : 'partially_cancelled';
}

/** Tickets of an order are listed in natural seat order (row A seat 2 before seat 10), everywhere. */
export function byTicketSeat(a: Pick<TicketView, 'seatId'>, b: Pick<TicketView, 'seatId'>): number {
  return a.seatId.localeCompare(b.seatId, 'en', { numeric: true });
}

/** The path that opens an order in any browser; PUBLIC_URL goes in front for links in emails. */
export function orderPath(orderId: string, key: string): string {
  return `/orders/${encodeURIComponent(orderId)}?key=${encodeURIComponent(key)}`;
}

/** POST /api/admin/orders/:id/access/revoke. */
export const revokeOrderAccessSchema = z.object({
  /** Email the new link to the buyer (default true). */
  emailBuyer: z.boolean().default(true),
});

/** One email about an order, as the organizer sees it (GET /api/admin/orders/:id/access). */
export interface OrderEmailView {
  kind: 'order_confirmation' | 'order_cancellation' | 'order_links';
  createdAt: number;
  attempts: number;
  /** 'queued' (not yet tried or waiting to retry), 'sent', or 'failed' (the sender gave up). */
  state: 'queued' | 'sent' | 'failed';
  sentAt: number | null;
  nextAttemptAt: number;
  lastError: string | null;
}

/** GET /api/admin/orders/:id/access. */
export type OrderAccessInfoAck = Ack<{ orderId: string; generation: number; accessUrl: string; emails: OrderEmailView[] }>;
/** POST /api/admin/orders/:id/access/revoke. */
export type OrderAccessAck = Ack<{ orderId: string; generation: number; accessUrl: string; emailed: boolean }>;
