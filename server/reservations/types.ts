// Types of the pure reservation core. No I/O lives here: the loop feeds it
// commands with an explicit `now`, and persists the effects it returns.
import type { BuyerDetails, ErrorCode, SeatStatus } from '../../lib/protocol';

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
}

export interface Hold {
  id: HoldId;
  eventId: string;
  buyerId: BuyerId;
  seatIds: SeatId[];
  createdAt: number;
  expiresAt: number;
  extensions: number;
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

// ---------- commands ----------

export type Command =
  | { type: 'hold'; buyerId: BuyerId; seatIds: SeatId[] }
  | { type: 'extend'; buyerId: BuyerId; holdId: HoldId }
  | { type: 'release'; buyerId: BuyerId; holdId: HoldId }
  | {
      type: 'confirm';
      buyerId: BuyerId;
      holdId: HoldId;
      idempotencyKey: string;
      buyer: BuyerDetails;
    };

export type CommandType = Command['type'];

// ---------- outcomes (values, never exceptions) ----------

export type Failure = {
  ok: false;
  code: ErrorCode;
  message: string;
  seatIds?: SeatId[];
  orderId?: OrderId;
};

export type Outcome =
  | { ok: true; type: 'held'; hold: Hold }
  | { ok: true; type: 'extended'; hold: Hold }
  | { ok: true; type: 'released'; holdId: HoldId; seatIds: SeatId[] }
  | { ok: true; type: 'confirmed'; order: Order; replayed: boolean }
  | Failure;

// ---------- effects (what the loop must persist, in order) ----------

export type Effect =
  | { kind: 'hold_created'; hold: Hold }
  | { kind: 'hold_extended'; holdId: HoldId; expiresAt: number; extensions: number }
  | { kind: 'hold_ended'; hold: Hold; reason: HoldEndReason; at: number }
  | { kind: 'order_created'; order: Order };

/** Public projection: buyers only see available / held / sold. */
export function publicStatus(status: CoreSeatStatus): SeatStatus {
  return status === 'blocked' ? 'sold' : status;
}
