// The storage seam: the one interface the server talks to, and the only
// code that knows a SQL dialect sits behind it (db/sqlite/, db/postgres/).
// Every method is asynchronous, whatever the engine: the embedded SQLite
// store answers at once, PostgreSQL after a network round trip, and callers
// cannot tell the difference except by latency.
import type { AdminOrderView, SeatHistoryEntry } from '../lib/adminProtocol';
import type { CategoryView, EventDetail, OrderView, SectionView } from '../lib/protocol';
import type { GeneratedLayout, VenueSpec } from '../lib/venueLayout';
import type { OutboxStore } from './outbox';
import type { RestoredState, SeatSpec } from '../core/seatBook';
import type { Effect, EventRules, SaleStatus, StageBox } from '../core/types';
import type { WaitingRoomStore } from './waitingRoomStore';
import type { LeaseStore } from './leaseStore';
import type { StoreDialect } from './sqlRunner';

export type { StoreDialect };

/** The static part of an event's layout, kept as JSON beside its seats. */
export interface EventLayoutJson {
  /** The venue description the seats were generated from, when known. */
  spec?: unknown;
  categories: CategoryView[];
  sections: SectionView[];
  stage: EventDetail['stage'];
  bounds: EventDetail['bounds'];
}

/** An event's own row. */
export interface EventRecord {
  id: string;
  name: string;
  venueName: string;
  startsAt: number;
  currency: string;
  /** The event's own hold TTL; null = the server's HOLD_TTL_MS. */
  holdTtlMs: number | null;
  maxSeatsPerBuyer: number;
  maxExtensions: number;
  /** The no-orphan rule (on by default for reserved seating). */
  preventOrphanSeats: boolean;
  saleStatus: SaleStatus;
  saleOpensAt: number | null;
  saleClosesAt: number | null;
  /** Last committed version: every batch with effects moves it on by one. */
  version: number;
  layout: EventLayoutJson;
  createdAt: number;
}

export interface NewEvent {
  id: string;
  name: string;
  venueName: string;
  startsAt: number;
  currency?: string;
  /** null/undefined = follow the server's HOLD_TTL_MS. */
  holdTtlMs?: number | null;
  maxSeatsPerBuyer?: number;
  maxExtensions?: number;
  saleStatus?: SaleStatus;
  saleOpensAt?: number | null;
  saleClosesAt?: number | null;
  /** The no-orphan rule (default on). */
  preventOrphanSeats?: boolean;
  layout: GeneratedLayout;
  /** The description the layout was generated from (kept for export and editing). */
  venueSpec?: VenueSpec;
  createdAt: number;
  /** Who created it, for the audit log (default 'system'). */
  actor?: string;
}

/** Everything a loop needs to resume: rules, seats, live holds, valid sales, blocks, the version. */
export interface LoopState {
  eventId: string;
  currency: string;
  version: number;
  rules: EventRules;
  /** Every seat with where it is (best available and the orphan rule need rows and positions). */
  seats: SeatSpec[];
  stage: StageBox;
  restored: RestoredState;
}

/** An order for its buyer's page, with its owner for the access check. */
export type StoredOrder = OrderView & { buyerId: string };

/** One ticket of an event with its order, for the organizer's CSV export. */
export interface TicketExportRow {
  orderId: string;
  createdAt: number;
  buyerName: string;
  buyerEmail: string;
  currency: string;
  ticketId: string;
  seatId: string;
  section: string | null;
  row: string | null;
  number: string | null;
  category: string | null;
  priceCents: number;
  status: 'valid' | 'cancelled';
  cancelReason: string | null;
}

/** Which event a scanned ticket code is for. */
export interface TicketOwner {
  eventId: string;
  eventName: string;
  eventStartsAt: number;
}

/** What the organizer's charts are seeded from at start. */
export interface SalesHistory {
  /** Every hold and order ever made for the event (conversion since records began). */
  totals: { holds: number; orders: number };
  /** Holds created or ended at or after `sinceMs`. */
  holds: { createdAt: number; endedAt: number | null; status: string }[];
  /** Orders placed at or after `sinceMs`, with their valid tickets. */
  orders: { createdAt: number; tickets: number; revenueCents: number }[];
}

/** One tick's effects, written atomically with the event's new version. */
export interface BatchToWrite {
  effects: readonly Effect[];
  version: number;
  currency: string;
}

/** Writes one event's batches. One per loop: it may cache what only that loop writes. */
export interface BatchWriter {
  /**
   * Writes every effect and the new version in ONE transaction; resolves after COMMIT
   * (durable), rejects after ROLLBACK. A rejection with `StoreFencedError` means another
   * process owns the event now: nothing was written, and nothing from this writer ever will be.
   */
  write(batch: BatchToWrite): Promise<void>;
}

/** Thrown by a write whose ownership epoch is no longer the event's current one. */
export class StoreFencedError extends Error {
  constructor(
    readonly eventId: string,
    readonly epoch: number,
  ) {
    super(`event ${eventId}: ownership epoch ${epoch} was fenced off (another process owns it now)`);
    this.name = 'StoreFencedError';
  }
}

export interface WriterOptions {
  /** The ownership epoch every commit must still hold (distributed mode); none in the embedded mode. */
  epoch?: number;
  /** Runs inside the transaction after all writes, before COMMIT (crash tests kill the process here). */
  beforeCommit?: () => void;
}

/** Who may open an order: its buyer, or a key of its current generation. */
export interface OrderAccessRow {
  orderId: string;
  buyerId: string;
  buyerEmail: string;
  /** The order's current key generation (1 until the first revocation). */
  generation: number;
}

export interface OrderOfEmail {
  id: string;
  buyerEmail: string;
  createdAt: number;
}

export interface Store extends OutboxStore {
  readonly dialect: StoreDialect;
  /** Where the data lives, for logs (a path, or a URL without its password). */
  readonly location: string;
  close(): Promise<void>;

  /** The stored value for `key`, created with `make()` on first use (first writer wins). */
  getOrCreateSetting(key: string, make: () => string): Promise<string>;

  // ---------- events ----------
  listEvents(): Promise<EventRecord[]>;
  getEvent(eventId: string): Promise<EventRecord | null>;
  /** True if an event with this id exists or ever existed (ids are never reused: audit history stays its own). */
  eventIdTaken(eventId: string): Promise<boolean>;
  /** Creates an event and its seats in one transaction. */
  createEvent(input: NewEvent): Promise<void>;
  /** The event and its static layout (seats in storage order; the server fixes the layout order). */
  loadEventDetail(eventId: string, defaultHoldTtlMs: number): Promise<EventDetail | null>;

  // ---------- the reservation loop ----------
  loadLoopState(eventId: string, defaultHoldTtlMs: number): Promise<LoopState | null>;
  batchWriter(eventId: string, options?: WriterOptions): BatchWriter;

  // ---------- reads outside the loops ----------
  /** The event of a hold, live or ended. */
  eventOfHold(holdId: string): Promise<string | null>;
  loadOrder(orderId: string): Promise<StoredOrder | null>;
  /** Orders whose id equals `q`, or whose buyer email equals it (case-insensitive); newest 100. */
  searchOrders(q: string, eventId?: string): Promise<AdminOrderView[]>;
  adminOrder(orderId: string): Promise<AdminOrderView | null>;
  recentOrders(eventId: string, limit: number): Promise<AdminOrderView[]>;
  /** A seat's newest 1,000 changes, oldest first. */
  seatHistory(eventId: string, seatId: string): Promise<SeatHistoryEntry[]>;
  ticketExport(eventId: string): Promise<TicketExportRow[]>;
  /** The event a ticket code belongs to (codes are unique across events), or null for a code no ticket has. */
  eventOfTicketCode(code: string): Promise<TicketOwner | null>;
  salesHistory(eventId: string, sinceMs: number): Promise<SalesHistory>;

  // ---------- organizer sessions ----------
  /** Records that a session is revoked until it would have expired; drops revocations that ended by `nowMs`. */
  revokeAdminSession(sessionId: string, expiresAt: number, nowMs: number): Promise<void>;
  isAdminSessionRevoked(sessionId: string): Promise<boolean>;

  // ---------- order access ----------
  /** The order's owner and key generation; null when there is no such order. */
  orderAccessOf(orderId: string): Promise<OrderAccessRow | null>;
  /**
   * Revokes every key of the order (bumps its generation) and, if asked, queues an email with the
   * new link to the buyer, in one transaction. The new generation, or null without such an order.
   */
  revokeOrderAccess(orderId: string, at: number, options: { emailBuyer: boolean }): Promise<number | null>;
  /** The newest orders placed with this email address (case-insensitive). */
  ordersOfEmail(email: string, limit: number): Promise<OrderOfEmail[]>;
  // ---------- waiting rooms (db/waitingRoomStore.ts) ----------
  readonly waitingRooms: WaitingRoomStore;
  // ---------- fenced ownership of events, liveness of processes (db/leaseStore.ts) ----------
  readonly leases: LeaseStore;
}
