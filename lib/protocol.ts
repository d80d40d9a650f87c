// The wire contract between browsers, non-browser clients and the server.
// Imported by both sides: Socket.IO event maps, zod schemas for every input,
// and the stable error codes. Event names here are public API; do not rename.
import './zodConfig';
import { z } from 'zod';
import type { OrderStatus, OrderUpdatedNotice, WatchOrderAck } from './orderProtocol';
import type { QueueAck, QueueAdmittedNotice, QueueUpdate } from './waitingRoom';
import { MAX_SEATS_PER_REQUEST, SEAT_DELTA_PATTERN, SEAT_STATUSES_PATTERN, type SeatStatus } from './wireFormat';
import { ID_PATTERN, eventIdSchema, holdIdSchema, idempotencyKeySchema, seatIdSchema } from './ids';
import type { Ack } from './failures';
import type { TicketView } from './ticketViews';

// Limits, seat status codes and deltas, update ordering and prices need no zod: they live in
// wireFormat.ts (the browser loads them before zod) and are part of this contract all the same.
export * from './wireFormat';
// Identifiers, error codes and acks, and the ticket shapes, live in their own modules (the order
// and waiting-room contracts build on them without importing this one); all part of this contract.
export * from './ids';
export * from './failures';
export * from './ticketViews';

// ---------- domain shapes on the wire ----------

/** Snapshot: character i is the status code of `EventDetail.seats[i]`. */
export const seatStatusesSchema = z.string().regex(SEAT_STATUSES_PATTERN, 'one of a, h, s per seat');
/** Delta: entries `<distance><code>`, in ascending seat index; see `encodeSeatDelta`. */
export const seatDeltaSchema = z.string().regex(SEAT_DELTA_PATTERN, 'entries of <distance><a|h|s>');


export interface HoldView {
  id: string;
  eventId: string;
  seatIds: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
  /** How many more times this hold may be extended. */
  extensionsLeft: number;
}


export interface OrderView {
  id: string;
  eventId: string;
  holdId: string;
  buyer: { name: string; email: string };
  /** What the order's valid tickets are worth now (paidCents - refundCents). */
  totalCents: number;
  /** What the buyer paid at checkout, for every ticket of the order. */
  paidCents: number;
  /** What the cancelled tickets cost: the amount to be refunded. */
  refundCents: number;
  /** 'confirmed' (every ticket valid), 'partially_cancelled' or 'cancelled' (no valid ticket left). */
  status: OrderStatus;
  currency: string;
  createdAt: number;
  /** Every ticket of the order, cancelled ones included (see `status`). */
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
  /**
   * Identifies the seat order of `seats` (a hash of the ordered seat ids). Snapshots and
   * deltas address seats by index in that order; the join ack carries the key it used.
   * Always set in API responses (optional only for the storage layer, which loads the
   * seats before the server fixes their order).
   */
  layoutKey?: string;
  holdTtlMs: number;
  maxSeatsPerBuyer: number;
  /**
   * The no-orphan rule: when true, a hold (picked by hand or best available) that would leave
   * one free seat stranded in a row is refused with `orphan_seat`, unless no block of that many
   * seats in that row could avoid it. Never applies to general-admission areas.
   */
  preventOrphanSeats: boolean;
  categories: CategoryView[];
  sections: SectionView[];
  /** Bounding box of the seats, layout units, for fitting the map. */
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  /** Where the stage/pitch is drawn, layout units. */
  stage: { x: number; y: number; width: number; height: number; label: string };
  /** Every seat, in layout order (see `layoutKey`): the indices of snapshots and deltas. */
  seats: SeatLayout[];
}

export interface AvailabilitySnapshot {
  eventId: string;
  version: number;
  seats: Record<string, SeatStatus>;
}

/** GET /api/events/:id/statuses: the event:join snapshot over HTTP (one status code per seat in layout order). */
export interface StatusesSnapshot {
  eventId: string;
  version: number;
  layoutKey: string;
  statuses: string;
}

// ---------- client → server payloads ----------

export const joinEventSchema = z.object({ eventId: eventIdSchema });
export const leaveEventSchema = z.object({ eventId: eventIdSchema });

export const gaRequestSchema = z.object({
  areaId: z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -'),
  quantity: z.number().int().min(1).max(MAX_SEATS_PER_REQUEST),
});

/** Category ids are the venue description's codes (see lib/venueLayout.ts). */
const categoryIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -');

/**
 * Best available: the loop picks `quantity` seats and holds them in one command (see
 * docs/architecture.md for what "best" means). Filters narrow the seats considered;
 * `sectionIds` may name general-admission areas, which are otherwise never picked.
 */
export const bestRequestSchema = z.strictObject({
  quantity: z.number().int().min(1, 'ask for at least 1 seat').max(MAX_SEATS_PER_REQUEST, `at most ${MAX_SEATS_PER_REQUEST} seats per request`),
  /** Only seats of these price categories. */
  categoryIds: z
    .array(categoryIdSchema)
    .min(1, 'name at least one category, or leave categoryIds out')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'name each category once')
    .optional(),
  /** Only seats costing at most this much (per seat). */
  maxPriceCents: z.number().int().min(0).max(100_000_000).optional(),
  /** Only seats in these sections / general-admission areas (SectionView ids). */
  sectionIds: z
    .array(z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -'))
    .min(1, 'name at least one section, or leave sectionIds out')
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, 'name each section once')
    .optional(),
  /** true: only wheelchair or companion seats. Otherwise those seats are left for buyers who ask. */
  accessible: z.boolean().optional(),
});
export type BestRequest = z.infer<typeof bestRequestSchema>;

const holdSeatsSchema = z
  .array(seatIdSchema)
  .max(MAX_SEATS_PER_REQUEST, `at most ${MAX_SEATS_PER_REQUEST} seats per request`)
  .refine((ids) => new Set(ids).size === ids.length, 'seatIds must not repeat a seat');

/** General admission: places by quantity, e.g. [{ areaId: 'GA', quantity: 2 }]. */
const holdGaSchema = z
  .array(gaRequestSchema)
  .max(10)
  .refine((r) => new Set(r.map((x) => x.areaId)).size === r.length, 'name each area once');

/**
 * Either named seats and/or general-admission quantities (`seatIds`, `ga`), or `best`:
 * never both. Output: `seatIds` is always an array (empty with `best`).
 */
export const createHoldSchema = z
  .object({
    eventId: eventIdSchema,
    seatIds: holdSeatsSchema.optional(),
    ga: holdGaSchema.optional(),
    best: bestRequestSchema.optional(),
    /** Waiting room: the signed admission from queue:join / queue:admitted (see lib/waitingRoom.ts). */
    admission: z.string().max(512).optional(),
    /** The client's id for this request (e.g. a UUID): a retry with it gets the same hold back, never a second one. */
    requestId: idempotencyKeySchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.best) {
      if (v.seatIds !== undefined || v.ga !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['best'], message: 'send either best or seatIds/ga, not both' });
      }
      return;
    }
    const total = (v.seatIds ?? []).length + (v.ga ?? []).reduce((n, r) => n + r.quantity, 0);
    if (total === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['seatIds'],
        message: 'name at least one seat (seatIds), a general-admission quantity (ga), or ask for the best seats (best)',
      });
    } else if (total > MAX_SEATS_PER_REQUEST) {
      ctx.addIssue({ code: 'custom', path: ['seatIds'], message: `at most ${MAX_SEATS_PER_REQUEST} seats per request` });
    }
  })
  .transform((v) => ({ ...v, seatIds: v.seatIds ?? [] }));

export const holdRefSchema = z.object({ holdId: holdIdSchema });

export const buyerDetailsSchema = z.object({
  name: z.string().trim().min(1, 'enter a name').max(120),
  email: z
    .email('enter a valid email address')
    .max(254)
    // RFC 5321: at most 64 characters before the @ (mail servers may refuse longer).
    .refine((email) => email.lastIndexOf('@') <= 64, 'the part before the @ can be at most 64 characters'),
});

export const confirmHoldSchema = z.object({
  holdId: holdIdSchema,
  buyer: buyerDetailsSchema,
  idempotencyKey: idempotencyKeySchema,
});
export const confirmHoldBodySchema = z.object({ buyer: buyerDetailsSchema });

export type JoinEventInput = z.infer<typeof joinEventSchema>;
export type CreateHoldInput = z.infer<typeof createHoldSchema>;
/** What a client sends as hold:create (seatIds may be left out). */
export type CreateHoldPayload = z.input<typeof createHoldSchema>;
export type HoldRefInput = z.infer<typeof holdRefSchema>;
export type ConfirmHoldInput = z.infer<typeof confirmHoldSchema>;
export type BuyerDetails = z.infer<typeof buyerDetailsSchema>;

// ---------- ack payloads ----------

export type JoinAck = Ack<{
  eventId: string;
  /** The committed version `statuses` reflects; apply updates from `version + 1` on. */
  version: number;
  /** The layout order `statuses` follows; if it is not the client's `EventDetail.layoutKey`, reload the layout. */
  layoutKey: string;
  /** One status code per seat, in layout order (see SEAT_STATUS_CODES). */
  statuses: string;
  myHolds: HoldView[];
}>;
/** `replayed`: a retry (same requestId) of a request that already made this hold; nothing changed. */
export type HoldAck = Ack<{ hold: HoldView; replayed?: true }>;
export type ReleaseAck = Ack<{ holdId: string }>;
export type ConfirmAck = Ack<{ order: OrderView; replayed: boolean }>;
/**
 * GET /api/orders/:id: the order plus the event it is for (null if the event was deleted), and
 * the order's current access key (`/orders/:id?key=…` opens it in any browser).
 */
export type OrderAck = Ack<{
  order: OrderView;
  event: { id: string; name: string; venueName: string; startsAt: number } | null;
  accessKey: string;
}>;
export type LeaveAck = Ack<{ eventId: string }>;

// ---------- Socket.IO event maps ----------

export interface SeatsUpdate {
  eventId: string;
  /** The first committed version this update covers (equal to `version` unless several were merged). */
  fromVersion: number;
  /** The last committed version it covers; versions increase by exactly one per committed batch that changed seats. */
  version: number;
  /** The net changes of versions `fromVersion`…`version`, as a delta string (see `encodeSeatDelta`). */
  delta: string;
}

/** Validates a seats:update before a client applies it (a malformed one is treated as a gap). */
export const seatsUpdateSchema = z.object({
  eventId: eventIdSchema,
  fromVersion: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  delta: seatDeltaSchema,
});


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

/**
 * The server re-read the event's state (distributed mode: it missed changes, or took the event
 * over): a viewer whose version is below `version` takes a fresh snapshot (event:join).
 */
export interface SeatsResyncNotice {
  eventId: string;
  version: number;
}

export interface ServerToClientEvents {
  'seats:update': (update: SeatsUpdate) => void;
  'seats:resync': (notice: SeatsResyncNotice) => void;
  'event:changed': (notice: EventChangedNotice) => void;
  'hold:expired': (notice: HoldExpiredNotice) => void;
  'hold:released': (notice: HoldReleasedNotice) => void;
  /** To an order's room (see `order:watch`): reload the order. */
  'order:updated': (notice: OrderUpdatedNotice) => void;
  'queue:update': (update: QueueUpdate) => void;
  'queue:admitted': (notice: QueueAdmittedNotice) => void;
}

export interface ClientToServerEvents {
  'event:join': (payload: unknown, ack: (res: JoinAck) => void) => void;
  'event:leave': (payload: unknown, ack: (res: LeaveAck) => void) => void;
  'hold:create': (payload: unknown, ack: (res: HoldAck) => void) => void;
  'hold:extend': (payload: unknown, ack: (res: HoldAck) => void) => void;
  'hold:release': (payload: unknown, ack: (res: ReleaseAck) => void) => void;
  'hold:confirm': (payload: unknown, ack: (res: ConfirmAck) => void) => void;
  /** Join an order's room: `{ orderId, key? }`, authorised by the session (the buyer) or the access key. */
  'order:watch': (payload: unknown, ack: (res: WatchOrderAck) => void) => void;
  'order:unwatch': (payload: unknown, ack: (res: WatchOrderAck) => void) => void;
  'queue:join': (payload: unknown, ack: (res: QueueAck) => void) => void;
}
