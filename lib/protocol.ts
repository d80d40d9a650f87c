// The wire contract between browsers, non-browser clients and the server.
// Imported by both sides: Socket.IO event maps, zod schemas for every input,
// and the stable error codes. Event names here are public API; do not rename.
import { z } from 'zod';

// ---------- identifiers and limits ----------

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const SEAT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Largest number of seats one hold request may name (the per-buyer limit is usually lower). */
export const MAX_SEATS_PER_REQUEST = 50;

export const eventIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
export const holdIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
export const orderIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
export const seatIdSchema = z.string().regex(SEAT_ID_PATTERN, 'must be 1-64 letters, digits, _ . : or -');
export const idempotencyKeySchema = z
  .string()
  .min(8, 'use at least 8 characters, e.g. a UUID')
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

// ---------- error codes ----------

export const ERROR_CODES = [
  'invalid_request', // the payload failed validation; nothing changed
  'not_found', // unknown event, hold, order or seat
  'seats_unavailable', // at least one requested seat is not free (see seatIds)
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
  'storage_unavailable', // the database refused the write; nothing changed, retry
  'internal', // a bug; nothing changed
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** seats_unavailable / not_found: exactly the offending seats. */
  seatIds?: string[];
  /** invalid_request: what was wrong, field by field. */
  issues?: { path: string; message: string }[];
  /** busy / rate_limited: how long to wait before retrying. */
  retryAfterMs?: number;
  /** already_confirmed: the order the hold became (only shown to its owner). */
  orderId?: string;
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
  already_confirmed: 409,
  idempotency_conflict: 409,
  extend_limit: 409,
  has_sales: 409,
  sale_closed: 409,
  hold_expired: 410,
  limit_exceeded: 422,
  rate_limited: 429,
  internal: 500,
  busy: 503,
  storage_unavailable: 503,
};

// ---------- domain shapes on the wire ----------

/** What any buyer may see about a seat. Admin blocks show as 'sold' (simply unavailable) to buyers. */
export const SEAT_STATUSES = ['available', 'held', 'sold'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

export interface SeatChange {
  seatId: string;
  status: SeatStatus;
}

export interface HoldView {
  id: string;
  eventId: string;
  seatIds: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
  /** How many more times this hold may be extended. */
  extensionsLeft: number;
}

export interface TicketView {
  id: string;
  seatId: string;
  section: string;
  row: string;
  number: string;
  category: string;
  priceCents: number;
  /** Secret printed as the ticket's QR code; checked at the door. */
  code: string;
  /** Set for a general-admission place: the area's id (the ticket has no seat to find). */
  gaArea?: string;
}

export interface OrderView {
  id: string;
  eventId: string;
  holdId: string;
  buyer: { name: string; email: string };
  totalCents: number;
  currency: string;
  createdAt: number;
  tickets: TicketView[];
}

export interface SeatLayout {
  id: string;
  /** The section's display name (e.g. "Stalls Left"), as printed on the ticket. */
  section: string;
  row: string;
  number: string;
  category: string;
  priceCents: number;
  /** Layout coordinates in abstract units (the map scales them to fit). */
  x: number;
  y: number;
  accessible?: 'wheelchair' | 'companion';
  /** Set on the places of a general-admission area (sold by quantity, not picked one by one). */
  gaArea?: string;
}

export interface CategoryView {
  id: string;
  name: string;
  priceCents: number;
  color: string;
}

export interface SectionView {
  id: string;
  name: string;
  /** 'ga': a general-admission area (capacity = its places); drawn as an area, sold by quantity. */
  kind?: 'seated' | 'ga';
  /** GA only: the area's rectangle, layout units. */
  area?: { x: number; y: number; width: number; height: number };
  /** Label position for the map, layout units. */
  labelX: number;
  labelY: number;
}

export interface EventSummary {
  id: string;
  name: string;
  venueName: string;
  startsAt: number;
  currency: string;
  saleStatus: 'open' | 'paused' | 'closed';
  capacity: number;
  counts: { available: number; held: number; sold: number };
  priceRangeCents: [number, number];
}

export interface EventDetail extends Omit<EventSummary, 'counts'> {
  holdTtlMs: number;
  maxSeatsPerBuyer: number;
  categories: CategoryView[];
  sections: SectionView[];
  /** Bounding box of the seats, layout units, for fitting the map. */
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  /** Where the stage/pitch is drawn, layout units. */
  stage: { x: number; y: number; width: number; height: number; label: string };
  seats: SeatLayout[];
}

export interface AvailabilitySnapshot {
  eventId: string;
  version: number;
  seats: Record<string, SeatStatus>;
}

// ---------- client → server payloads ----------

export const joinEventSchema = z.object({ eventId: eventIdSchema });
export const leaveEventSchema = z.object({ eventId: eventIdSchema });

export const gaRequestSchema = z.object({
  areaId: z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -'),
  quantity: z.number().int().min(1).max(MAX_SEATS_PER_REQUEST),
});

export const createHoldSchema = z
  .object({
    eventId: eventIdSchema,
    seatIds: z
      .array(seatIdSchema)
      .max(MAX_SEATS_PER_REQUEST, `at most ${MAX_SEATS_PER_REQUEST} seats per request`)
      .refine((ids) => new Set(ids).size === ids.length, 'seatIds must not repeat a seat')
      .default([]),
    /** General admission: places by quantity, e.g. [{ areaId: 'GA', quantity: 2 }]. */
    ga: z
      .array(gaRequestSchema)
      .max(10)
      .refine((r) => new Set(r.map((x) => x.areaId)).size === r.length, 'name each area once')
      .optional(),
  })
  .refine((v) => v.seatIds.length + (v.ga ?? []).reduce((n, r) => n + r.quantity, 0) > 0, {
    message: 'name at least one seat (seatIds) or a general-admission quantity (ga)',
    path: ['seatIds'],
  })
  .refine((v) => v.seatIds.length + (v.ga ?? []).reduce((n, r) => n + r.quantity, 0) <= MAX_SEATS_PER_REQUEST, {
    message: `at most ${MAX_SEATS_PER_REQUEST} seats per request`,
    path: ['seatIds'],
  });

export const holdRefSchema = z.object({ holdId: holdIdSchema });

export const buyerDetailsSchema = z.object({
  name: z.string().trim().min(1, 'enter a name').max(120),
  email: z.email('enter a valid email address').max(254),
});

export const confirmHoldSchema = z.object({
  holdId: holdIdSchema,
  buyer: buyerDetailsSchema,
  idempotencyKey: idempotencyKeySchema,
});
export const confirmHoldBodySchema = z.object({ buyer: buyerDetailsSchema });

export type JoinEventInput = z.infer<typeof joinEventSchema>;
export type CreateHoldInput = z.infer<typeof createHoldSchema>;
export type HoldRefInput = z.infer<typeof holdRefSchema>;
export type ConfirmHoldInput = z.infer<typeof confirmHoldSchema>;
export type BuyerDetails = z.infer<typeof buyerDetailsSchema>;

// ---------- ack payloads ----------

export type JoinAck = Ack<{
  eventId: string;
  version: number;
  seats: Record<string, SeatStatus>;
  myHolds: HoldView[];
}>;
export type HoldAck = Ack<{ hold: HoldView }>;
export type ReleaseAck = Ack<{ holdId: string }>;
export type ConfirmAck = Ack<{ order: OrderView; replayed: boolean }>;
/** GET /api/orders/:id: the order plus the event it is for (null if the event was deleted). */
export type OrderAck = Ack<{ order: OrderView; event: { id: string; name: string; venueName: string; startsAt: number } | null }>;
export type LeaveAck = Ack<{ eventId: string }>;

// ---------- Socket.IO event maps ----------

export interface SeatsUpdate {
  eventId: string;
  /** Increases by exactly one per committed batch that changed this event. */
  version: number;
  changes: SeatChange[];
}

export interface HoldExpiredNotice {
  holdId: string;
  eventId: string;
  seatIds: string[];
}

export interface HoldReleasedNotice {
  holdId: string;
  eventId: string;
  seatIds: string[];
  reason: 'released' | 'admin_released';
}

/** The event itself changed (an organizer edited it): reload details/layout, or leave if deleted. */
export interface EventChangedNotice {
  eventId: string;
  change: 'details' | 'layout' | 'deleted';
}

export interface ServerToClientEvents {
  'seats:update': (update: SeatsUpdate) => void;
  'event:changed': (notice: EventChangedNotice) => void;
  'hold:expired': (notice: HoldExpiredNotice) => void;
  'hold:released': (notice: HoldReleasedNotice) => void;
}

export interface ClientToServerEvents {
  'event:join': (payload: unknown, ack: (res: JoinAck) => void) => void;
  'event:leave': (payload: unknown, ack: (res: LeaveAck) => void) => void;
  'hold:create': (payload: unknown, ack: (res: HoldAck) => void) => void;
  'hold:extend': (payload: unknown, ack: (res: HoldAck) => void) => void;
  'hold:release': (payload: unknown, ack: (res: ReleaseAck) => void) => void;
  'hold:confirm': (payload: unknown, ack: (res: ConfirmAck) => void) => void;
}

// ---------- helpers ----------

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

export function formatPrice(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-IE', {
    style: 'currency',
    currency,
    minimumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100);
}
