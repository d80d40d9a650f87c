// Types of the pure reservation core. No I/O lives here: the loop feeds it
// commands with an explicit `now`, and persists the effects it returns.
import type { BuyerDetails, ErrorCode, SeatStatus } from '../lib/protocol';

export type SeatId = string;
export type HoldId = string;
export type OrderId = string;
export type BuyerId = string;

/** A seat's state inside the core. 'blocked' is an admin block (never expires). */
export type SeatState =
  | { status: 'available' }
  | { status: 'held'; holdId: HoldId }
  | { status: 'sold'; orderId: OrderId }
  | { status: 'blocked' };

export type CoreSeatStatus = SeatState['status'];
/** How many seats of an event are in each status. */
export type SeatCounts = Record<CoreSeatStatus, number>;

export type SaleStatus = 'open' | 'paused' | 'closed';

export interface EventRules {
  holdTtlMs: number;
  /** Seats one buyer may hold at once in this event. */
  maxSeatsPerBuyer: number;
  /** How many times a hold may be extended (each extension restarts its TTL). */
  maxExtensions: number;
  saleStatus: SaleStatus;
  /** Epoch ms; null = no bound. */
  saleOpensAt: number | null;
  saleClosesAt: number | null;
  /** Refuse holds that would strand a single free seat in a row (see orphanRule.ts). */
  preventOrphanSeats: boolean;
}

export interface Hold {
  id: HoldId;
  eventId: string;
  buyerId: BuyerId;
  seatIds: SeatId[];
  createdAt: number;
  expiresAt: number;
  extensions: number;
  /** The client's id for the request that made it (retries with it get this hold back, never a second one). */
  requestId?: string;
}

export interface Ticket {
  id: string;
  seatId: SeatId;
  priceCents: number;
  code: string;
}

export interface Order {
  id: OrderId;
  eventId: string;
  holdId: HoldId;
  buyerId: BuyerId;
  buyer: BuyerDetails;
  idempotencyKey: string;
  totalCents: number;
  createdAt: number;
  tickets: Ticket[];
}

/** Everything the core needs from the world besides time: fresh unique ids. */
export interface IdSource {
  holdId(): HoldId;
  orderId(): OrderId;
  ticketId(): string;
  ticketCode(): string;
}

export type HoldEndReason = 'released' | 'expired' | 'confirmed' | 'admin_released';

/** A ticket's admission at the door: when, at which door (if named), by whom. */
export interface CheckIn {
  at: number;
  door: string | null;
  actor: string;
}

/** What the door learns about a scanned ticket (seat labels and the event are added at the edge). */
export interface DoorTicket {
  ticketId: string;
  orderId: OrderId;
  seatId: SeatId;
  buyerName: string;
  /** Set once the ticket was admitted (for a cancelled ticket: if it was admitted before the cancellation). */
  checkIn: CheckIn | null;
  /** Set when the ticket was cancelled. */
  cancelledAt: number | null;
}


// ---------- commands ----------

export type Command =
  | {
      type: 'hold';
      buyerId: BuyerId;
      seatIds: SeatId[];
      /** General admission: this many places in an area, picked by the loop. */
      gaRequests?: { areaId: string; quantity: number }[];
      /** Best available instead of named seats: the book picks and holds in this one command. */
      best?: BestSeatsRequest;
      /** Makes the request retry-safe: the same buyer and requestId get the same hold (or its fate), never a second one. */
      requestId?: string;
    }
  | { type: 'extend'; buyerId: BuyerId; holdId: HoldId }
  | { type: 'release'; buyerId: BuyerId; holdId: HoldId }
  | {
      type: 'confirm';
      buyerId: BuyerId;
      holdId: HoldId;
      idempotencyKey: string;
      buyer: BuyerDetails;
    }
  | AdminCommand;

/** Organizer commands: high priority, never owner-checked (the HTTP/socket edge checks admin auth). */
export type AdminCommand =
  | { type: 'admin_release'; holdId: HoldId; reason: string | null; actor: string }
  | { type: 'block'; seatIds: SeatId[]; reason: string | null; actor: string }
  | { type: 'unblock'; seatIds: SeatId[]; reason: string | null; actor: string }
  | { type: 'cancel_tickets'; orderId: OrderId; seatIds: SeatId[] | null; reason: string; actor: string }
  | {
      type: 'configure';
      /** Effective values for the loop (a cleared hold TTL arrives here as the server default). */
      rules: Partial<EventRules>;
      /** What to store as the event's own hold TTL: a number, null (use the server default), or undefined (unchanged). */
      holdTtlOverride?: number | null;
      meta: Partial<EventMeta>;
      actor: string;
    }
  | { type: 'replace_layout'; seats: SeatSpec[]; stage?: StageBox; layout: unknown; actor: string }
  | { type: 'retire'; actor: string }
  /** Admits a ticket at the door, once. `code` is the ticket's QR secret; `door` names the entrance, if given. */
  | { type: 'check_in'; code: string; door: string | null; actor: string };

/** Descriptive event fields that do not affect seat logic but are edited through the loop too. */
export interface EventMeta {
  name: string;
  venueName: string;
  startsAt: number;
}

export interface SeatSpec {
  id: SeatId;
  priceCents: number;
  /** General-admission area this unit belongs to (sold by quantity), if any. */
  gaArea?: string;
  /** Where the seat is: needed by best available and the orphan rule (a seat without it takes part in neither). */
  place?: SeatPlace;
}

/** Where a seat is (reserved seats and general-admission places alike); see venueRows.ts. */
export interface SeatPlace {
  /** The section's (or general-admission area's) id. */
  sectionId: string;
  row: string;
  number: string;
  category: string;
  x: number;
  y: number;
  accessible?: 'wheelchair' | 'companion';
}

/** The stage's box, layout units: its centre is the venue's focal point. */
export interface StageBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Best available: what the buyer asked for (validated at the edge; see lib/protocol.ts bestRequestSchema). */
export interface BestSeatsRequest {
  quantity: number;
  categoryIds?: string[];
  maxPriceCents?: number;
  sectionIds?: string[];
  accessible?: boolean;
}

export type CommandType = Command['type'];

// ---------- outcomes (values, never exceptions) ----------

export type Failure = {
  ok: false;
  code: ErrorCode;
  message: string;
  seatIds?: SeatId[];
  orderId?: OrderId;
  /** busy / unavailable: how long to wait before retrying. */
  retryAfterMs?: number;
  /** check_in refusals about a real ticket (already checked in, cancelled): which ticket, and its state. */
  ticket?: DoorTicket;
};

export type Outcome =
  | { ok: true; type: 'held'; hold: Hold; /** A retry of a request that already made this hold: nothing changed. */ replayed?: boolean }
  | { ok: true; type: 'extended'; hold: Hold }
  | { ok: true; type: 'released'; holdId: HoldId; seatIds: SeatId[] }
  | { ok: true; type: 'confirmed'; order: Order; replayed: boolean }
  | { ok: true; type: 'blocked' | 'unblocked'; seatIds: SeatId[] }
  | { ok: true; type: 'tickets_cancelled'; orderId: OrderId; seatIds: SeatId[] }
  | { ok: true; type: 'configured'; rules: EventRules }
  | { ok: true; type: 'layout_replaced'; seatCount: number }
  | { ok: true; type: 'retired' }
  | { ok: true; type: 'checked_in'; ticket: DoorTicket }
  | Failure;

// ---------- effects (what the loop must persist, in order) ----------

export type Effect =
  | { kind: 'hold_created'; hold: Hold }
  | { kind: 'hold_extended'; holdId: HoldId; buyerId: BuyerId; expiresAt: number; extensions: number; at: number }
  | { kind: 'hold_ended'; hold: Hold; reason: HoldEndReason; at: number; detail?: string }
  | { kind: 'order_created'; order: Order }
  | { kind: 'seats_blocked'; seatIds: SeatId[]; reason: string | null; actor: string; at: number }
  | { kind: 'seats_unblocked'; seatIds: SeatId[]; reason: string | null; actor: string; at: number }
  | {
      kind: 'tickets_cancelled';
      orderId: OrderId;
      buyerId: BuyerId;
      seatIds: SeatId[];
      /** What the cancelled tickets had cost, and when their order was placed (for sales figures). */
      refundedCents: number;
      orderCreatedAt: number;
      reason: string;
      actor: string;
      at: number;
    }
  | {
      kind: 'event_configured';
      rules: Partial<EventRules>;
      holdTtlOverride?: number | null;
      meta: Partial<EventMeta>;
      actor: string;
      at: number;
    }
  | { kind: 'layout_replaced'; seats: SeatSpec[]; layout: unknown; actor: string; at: number }
  | { kind: 'event_retired'; actor: string; at: number }
  | {
      kind: 'ticket_checked_in';
      ticketId: string;
      orderId: OrderId;
      buyerId: BuyerId;
      seatId: SeatId;
      at: number;
      door: string | null;
      actor: string;
    };

/** Public projection: buyers only see available / held / sold. */
export function publicStatus(status: CoreSeatStatus): SeatStatus {
  return status === 'blocked' ? 'sold' : status;
}
