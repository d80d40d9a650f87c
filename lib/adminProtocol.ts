// The organizer API's contract: zod schemas for every admin input and the
// shapes the dashboard receives. Shared by the admin UI and the server.
import { z } from 'zod';
import { eventIdSchema, holdIdSchema, orderIdSchema, seatIdSchema, type Ack, type CheckInTicketView } from './protocol';

export const adminLoginSchema = z.object({ password: z.string().min(1, 'enter the password').max(256) });

const epochMs = z.number().int().min(0).max(8_640_000_000_000);
/** Hold TTL: any positive duration up to a day (short values are for rehearsals and tests). */
const holdTtlMs = z.number().int().min(1).max(24 * 3600 * 1000);

export const eventFieldsSchema = z.object({
  name: z.string().trim().min(1, 'enter a name').max(120),
  venueName: z.string().trim().min(1, 'enter the venue').max(120),
  startsAt: epochMs,
  holdTtlMs: holdTtlMs.nullable(),
  maxSeatsPerBuyer: z.number().int().min(1).max(50),
  saleStatus: z.enum(['open', 'paused', 'closed']),
  saleOpensAt: epochMs.nullable(),
  saleClosesAt: epochMs.nullable(),
  /** The no-orphan rule: refuse holds that would strand a single seat in a row. */
  preventOrphanSeats: z.boolean(),
});

export const createEventSchema = eventFieldsSchema
  .partial({ holdTtlMs: true, maxSeatsPerBuyer: true, saleStatus: true, saleOpensAt: true, saleClosesAt: true, preventOrphanSeats: true })
  .extend({
    id: eventIdSchema.optional(),
    /** A venue description (see lib/venueLayout.ts venueSpecSchema); validated there. */
    venue: z.unknown(),
  });

export const updateEventSchema = eventFieldsSchema.partial().refine((v) => Object.keys(v).length > 0, 'change at least one field');

export const saleStatusSchema = z.object({ status: z.enum(['open', 'paused', 'closed']) });

const distinct = (ids: string[]) => new Set(ids).size === ids.length;

export const seatSelectionSchema = z.object({
  seatIds: z.array(seatIdSchema).min(1, 'select at least one seat').max(5000).refine(distinct, 'seatIds must not repeat a seat'),
  reason: z.string().trim().max(200).optional(),
});

export const cancelOrderSchema = z.object({
  /** Omit to cancel every remaining ticket of the order. */
  seatIds: z.array(seatIdSchema).min(1).max(5000).refine(distinct, 'seatIds must not repeat a seat').optional(),
  reason: z.string().trim().min(1, 'give a reason').max(200),
});

export const forceReleaseSchema = z.object({ reason: z.string().trim().max(200).optional() });

export const orderSearchSchema = z.object({ q: z.string().trim().min(1, 'enter an order id or email').max(254) });

export const watchSchema = z.object({ eventId: eventIdSchema });

/** A ticket's QR secret (base64url; what the order page prints as the QR code). */
export const ticketCodeSchema = z
  .string()
  .trim()
  .min(1, 'enter the ticket code')
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'a ticket code has only letters, digits, _ and -');

export const checkInSchema = z.object({
  code: ticketCodeSchema,
  /** Which entrance scanned it (shown to the next door that scans the same ticket). */
  door: z.string().trim().min(1, 'name the door or leave it out').max(40).optional(),
});

/** Checked-in tickets against the valid tickets (the people expected at the door). */
export interface DoorCounts {
  checkedIn: number;
  expected: number;
}

/** POST /api/admin/events/:id/check-in. Refusals carry error.ticket (already_checked_in, ticket_cancelled) or error.ticketEvent (wrong_event). */
export type CheckInAck = Ack<{ ticket: CheckInTicketView; counts: DoorCounts }>;

export { eventIdSchema, holdIdSchema, orderIdSchema, seatIdSchema };

export interface AdminOrderView {
  id: string;
  eventId: string;
  holdId: string;
  buyerId: string;
  buyer: { name: string; email: string };
  currency: string;
  createdAt: number;
  totalCents: number;
  tickets: {
    id: string;
    seatId: string;
    section: string;
    row: string;
    number: string;
    priceCents: number;
    status: 'valid' | 'cancelled';
    cancelledAt: number | null;
    cancelReason: string | null;
  }[];
}

export interface SeatHistoryEntry {
  id: number;
  at: number;
  action: string;
  holdId: string | null;
  orderId: string | null;
  buyerId: string | null;
  detail: string | null;
}

export interface AdminEventStats {
  eventId: string;
  at: number;
  version: number;
  saleStatus: string;
  capacity: number;
  counts: { available: number; held: number; sold: number; blocked: number };
  byCategory: { id: string; name: string; priceCents: number; available: number; held: number; sold: number; blocked: number }[];
  revenueCents: number;
  orders: number;
  activeHolds: { total: number; truncated: boolean; list: { id: string; buyerId: string; seatIds: string[]; createdAt: number; expiresAt: number }[] };
  blockedSeatIds: string[];
  /** Door check-in: valid tickets admitted so far, of all valid tickets. */
  checkIn: DoorCounts;
  lastMinute: { created: number; expired: number; confirmed: number; released: number };
  /** Orders ÷ holds created, over the last hour and since records began. */
  conversion: { lastHour: number | null; overall: number | null };
  viewers: number;
  mailboxDepth: number;
  latencyMs: { p50: number | null; p99: number | null; samples: number };
  /** Per minute, oldest first: tickets sold and revenue. */
  salesSeries: { minute: number; tickets: number; revenueCents: number; holds: number }[];
}

export interface AdminServerToClientEvents {
  'admin:stats': (stats: AdminEventStats) => void;
}

export interface AdminClientToServerEvents {
  'admin:watch': (payload: unknown, ack: (res: { ok: true; stats: AdminEventStats } | { ok: false; error: { code: string; message: string } }) => void) => void;
  'admin:unwatch': (payload: unknown, ack: (res: { ok: boolean }) => void) => void;
}
