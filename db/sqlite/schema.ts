// Drizzle schema. The database is the last line of defence: even if the
// loop had a bug, these constraints (plus the triggers in the custom
// migration) make a double sale or a seat both held and sold impossible.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const events = sqliteTable('events', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  venueName: text('venue_name').notNull(),
  startsAt: integer('starts_at').notNull(),
  currency: text('currency').notNull().default('EUR'),
  /** Per-event override; null = the server's HOLD_TTL_MS default. */
  holdTtlMs: integer('hold_ttl_ms'),
  maxSeatsPerBuyer: integer('max_seats_per_buyer').notNull().default(8),
  maxExtensions: integer('max_extensions').notNull().default(1),
  saleStatus: text('sale_status', { enum: ['open', 'paused', 'closed'] }).notNull().default('open'),
  saleOpensAt: integer('sale_opens_at'),
  saleClosesAt: integer('sale_closes_at'),
  /** The no-orphan rule (docs/architecture.md): refuse holds that strand one free seat in a row. */
  preventOrphanSeats: integer('prevent_orphan_seats', { mode: 'boolean' }).notNull().default(true),
  /** Last committed seat-map version; deltas continue from here after a restart. */
  version: integer('version').notNull().default(0),
  /** Categories, sections, stage and bounds as JSON (static; seats live in `seats`). */
  layoutJson: text('layout_json').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const seats = sqliteTable(
  'seats',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    section: text('section').notNull(),
    row: text('row').notNull(),
    number: text('number').notNull(),
    category: text('category').notNull(),
    priceCents: integer('price_cents').notNull(),
    x: real('x').notNull(),
    y: real('y').notNull(),
    accessible: text('accessible', { enum: ['wheelchair', 'companion'] }),
    /** General-admission area id: this row is one place in it, sold by quantity. */
    gaArea: text('ga_area'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.id] })],
);

export const holds = sqliteTable(
  'holds',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    buyerId: text('buyer_id').notNull(),
    seatIdsJson: text('seat_ids_json').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    extensions: integer('extensions').notNull().default(0),
    status: text('status', { enum: ['active', 'released', 'expired', 'confirmed', 'admin_released'] })
      .notNull()
      .default('active'),
    endedAt: integer('ended_at'),
    /** The client's id for the request that made the hold (hold:create requestId): a retry gets this hold back. */
    requestId: text('request_id'),
  },
  // No index on buyer_id: nothing reads holds by buyer, and it cost a random insert per hold.
  (t) => [
    index('holds_event_status').on(t.eventId, t.status),
    // One hold per buyer and request id; partial, so holds made without one cost no index insert.
    uniqueIndex('holds_buyer_request').on(t.eventId, t.buyerId, t.requestId).where(sql`request_id IS NOT NULL`),
  ],
);

/** One row per seat of a live hold. The primary key forbids two holds on one seat. */
export const heldSeats = sqliteTable(
  'held_seats',
  {
    eventId: text('event_id').notNull(),
    seatId: text('seat_id').notNull(),
    holdId: text('hold_id')
      .notNull()
      .references(() => holds.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.seatId] }), index('held_seats_hold').on(t.holdId)],
);

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    holdId: text('hold_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    buyerName: text('buyer_name').notNull(),
    buyerEmail: text('buyer_email').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    totalCents: integer('total_cents').notNull(),
    currency: text('currency').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('orders_hold').on(t.holdId),
    uniqueIndex('orders_idempotency').on(t.eventId, t.buyerId, t.idempotencyKey),
    // "Find my tickets" and the organizer's search look buyers up by address, case-insensitively.
    index('orders_email_lower').on(sql`lower(${t.buyerEmail})`),
  ],
);

export const tickets = sqliteTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    seatId: text('seat_id').notNull(),
    priceCents: integer('price_cents').notNull(),
    code: text('code').notNull(),
    status: text('status', { enum: ['valid', 'cancelled'] })
      .notNull()
      .default('valid'),
    cancelledAt: integer('cancelled_at'),
    cancelReason: text('cancel_reason'),
    /** Admission at the door (set once, by the event's loop): when, at which door, by whom. */
    checkedInAt: integer('checked_in_at'),
    checkedInDoor: text('checked_in_door'),
    checkedInBy: text('checked_in_by'),
  },
  (t) => [
    // One seat, one valid ticket: a second sale of a seat cannot be stored.
    uniqueIndex('tickets_one_sale_per_seat')
      .on(t.eventId, t.seatId)
      .where(sql`status = 'valid'`),
    uniqueIndex('tickets_code').on(t.code),
    index('tickets_order').on(t.orderId),
  ],
);

/** Admin blocks (production holds, broken seats). They never expire. */
export const blockedSeats = sqliteTable(
  'blocked_seats',
  {
    eventId: text('event_id').notNull(),
    seatId: text('seat_id').notNull(),
    reason: text('reason'),
    blockedAt: integer('blocked_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.seatId] })],
);

/** Append-only history of every seat change, written in the same transaction as the change. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id').notNull(),
    seatId: text('seat_id'),
    at: integer('at').notNull(),
    action: text('action').notNull(),
    holdId: text('hold_id'),
    orderId: text('order_id'),
    buyerId: text('buyer_id'),
    detail: text('detail'),
    /**
     * The previous row of the same event and seat (null for a seat's first row): a seat's
     * history is a chain walked back from audit_seat_heads. An index on (event_id, seat_id)
     * would take a random insert per seat change into an ever-growing b-tree, which made the
     * loop's commits slower the longer a sale ran (docs/benchmarks.md); appends stay cheap.
     */
    prevSeatEntry: integer('prev_seat_entry'),
  },
  (t) => [index('audit_event').on(t.eventId)],
);

/** The newest audit_log row of each seat that has one: the head of that seat's history chain. */
export const auditSeatHeads = sqliteTable(
  'audit_seat_heads',
  {
    eventId: text('event_id').notNull(),
    seatId: text('seat_id').notNull(),
    lastEntry: integer('last_entry').notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.seatId] })],
);

/**
 * Organizer sessions ended by logout before their expiry. A token is refused while its id is
 * here; rows are pruned once the token would have expired anyway, so the table stays as small
 * as the number of logouts within one session lifetime (8 hours).
 */
export const adminSessionRevocations = sqliteTable(
  'admin_session_revocations',
  {
    sessionId: text('session_id').primaryKey(),
    /** When the revoked token expires (epoch ms): after that it is refused anyway and the row can go. */
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('admin_session_revocations_expiry').on(t.expiresAt)],
);

/**
 * Transactional outbox: every email the product sends. A row is written in the same
 * transaction as what it tells (the order, the cancellation), so an acknowledged order
 * always has its confirmation queued; server/mail/outboxSender.ts sends it later.
 * Any number of processes may run the sender: a row is claimed with a lease by one
 * conditional UPDATE (db/outbox.ts), and `id` is the message's idempotency key
 * (its Message-ID is derived from it).
 */
export const outbox = sqliteTable(
  'outbox',
  {
    /** Deterministic per message: `order-<orderId>-confirmation`, `order-<orderId>-cancel-<hash>`, or random for link requests. */
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['order_confirmation', 'order_cancellation', 'order_links'] }).notNull(),
    /** The order it is about (null for 'order_links' naming several orders: see payload_json). No foreign key: the sender gives up on a row whose order is gone. */
    orderId: text('order_id'),
    recipient: text('recipient').notNull(),
    /** Kind-specific facts fixed at queue time (JSON): the cancelled seats and reason, the orders to link. */
    payloadJson: text('payload_json').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Not before this time (epoch ms): back-off after a failed attempt. */
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** Claims so far (a claim is an attempt, so a message that kills its sender cannot loop forever). */
    attempts: integer('attempts').notNull().default(0),
    /** The sender process holding the row, and until when (a lease: after it, anyone may claim). */
    claimedBy: text('claimed_by'),
    claimUntil: integer('claim_until'),
    sentAt: integer('sent_at'),
    /** Set when the sender gave up (MAIL_MAX_ATTEMPTS reached, or the order no longer exists). */
    failedAt: integer('failed_at'),
    lastError: text('last_error'),
    /** The Message-ID it was sent with (also derivable from id). */
    messageId: text('message_id'),
  },
  (t) => [
    // Only unsent rows are ever searched: the index stays as small as the backlog.
    index('outbox_pending')
      .on(t.nextAttemptAt)
      .where(sql`sent_at IS NULL AND failed_at IS NULL`),
    index('outbox_order').on(t.orderId),
  ],
);

/**
 * Order access keys: an order's key generation (no row = generation 1). A key carries the
 * generation it was made for; revoking bumps the generation, so every older key stops working.
 */
export const orderAccess = sqliteTable('order_access', {
  orderId: text('order_id')
    .primaryKey()
    .references(() => orders.id, { onDelete: 'cascade' }),
  generation: integer('generation').notNull(),
  revokedAt: integer('revoked_at').notNull(),
});

/**
 * An event's waiting room (issue 12): the organizer's settings and the admission state every
 * process shares. Counters move only by single conditional statements (see db/waitingRoomStore.ts),
 * so joins from any process and the admission ticker of the event's owner never need a lock.
 */
export const waitingRooms = sqliteTable('waiting_rooms', {
  eventId: text('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  enabled: integer('enabled').notNull().default(0),
  admitPerMinute: integer('admit_per_minute').notNull(),
  maxActiveShoppers: integer('max_active_shoppers'),
  shoppingWindowMs: integer('shopping_window_ms').notNull(),
  /** When the pre-queue is shuffled and admission starts; null = at once. */
  opensAt: integer('opens_at'),
  paused: integer('paused').notNull().default(0),
  /** Proof of work (ALTCHA) required to enter the queue. */
  powRequired: integer('pow_required').notNull().default(0),
  /** The shuffle's secret seed: stored from the start, published once the room opened. */
  shuffleSeed: text('shuffle_seed').notNull(),
  /** SHA-256 of the seed, published before opening (the commitment). */
  seedCommitment: text('seed_commitment').notNull(),
  openedAt: integer('opened_at'),
  preQueueCount: integer('pre_queue_count').notNull().default(0),
  /** The last queue number handed out. */
  nextNumber: integer('next_number').notNull().default(0),
  /** "Now serving": the highest queue number admitted so far. */
  serving: integer('serving').notNull().default(0),
  admittedTotal: integer('admitted_total').notNull().default(0),
  /** Admissions owed by the rate but not made yet (fractional), as of creditAt. */
  admitCredit: real('admit_credit').notNull().default(0),
  creditAt: integer('credit_at'),
  /** Changes with every admission step: a step commits only if it still holds the token it read. */
  stepToken: text('step_token').notNull(),
  soldOut: integer('sold_out').notNull().default(0),
  /** The ticker's last figures (≤ one step old), so that a join anywhere reads one row, never counts. */
  waitingCount: integer('waiting_count').notNull().default(0),
  activeCount: integer('active_count').notNull().default(0),
  admittedLastMinute: integer('admitted_last_minute').notNull().default(0),
  /** Shoppers whose window ended (checkout or time) in the last minute: the pace of admissions at the cap. */
  leftLastMinute: integer('left_last_minute').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

/** One place per buyer session per event (every tab of the buyer shares it). */
export const waitingRoomEntries = sqliteTable(
  'waiting_room_entries',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    buyerId: text('buyer_id').notNull(),
    joinedAt: integer('joined_at').notNull(),
    /** HMAC(seed, buyer id): the pre-queue's random order. */
    shuffleKey: text('shuffle_key').notNull(),
    /** Queue number: from the shuffle for the pre-queue, then in arrival order; null until assigned. */
    number: integer('number'),
    admittedAt: integer('admitted_at'),
    admittedUntil: integer('admitted_until'),
    /** The buyer checked out: their window ended early. */
    checkedOutAt: integer('checked_out_at'),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.buyerId] }),
    uniqueIndex('waiting_room_entries_number').on(t.eventId, t.number),
    index('waiting_room_entries_waiting')
      .on(t.eventId, t.number)
      .where(sql`admitted_at IS NULL`),
    index('waiting_room_entries_active')
      .on(t.eventId, t.admittedUntil)
      .where(sql`admitted_at IS NOT NULL AND checked_out_at IS NULL`),
    index('waiting_room_entries_unnumbered')
      .on(t.eventId, t.joinedAt)
      .where(sql`number IS NULL`),
  ],
);

// ---------- fenced ownership (issue 11; see docs/scaling.md) ----------
// Every time below is the DATABASE's clock (db/leaseStore.ts), never a process's.

/** The processes of a cluster and their liveness: a row per process, kept alive by its heartbeats. */
export const instances = sqliteTable('instances', {
  instanceId: text('instance_id').primaryKey(),
  startedAt: integer('started_at').notNull(),
  heartbeatAt: integer('heartbeat_at').notNull(),
  /** Live while the database's clock is before this. */
  expiresAt: integer('expires_at').notNull(),
  /** What the process tells about itself (its URL, …), as JSON. */
  metaJson: text('meta_json').notNull().default('{}'),
});

/**
 * Who runs each event's loop: a lease with a fencing token. `epoch` grows with every grant
 * (never with a renewal), and every batch of a loop commits only while the event's epoch is
 * still the one its writer was opened with.
 */
export const eventLeases = sqliteTable('event_leases', {
  eventId: text('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  ownerId: text('owner_id').notNull(),
  epoch: integer('epoch').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
  renewedAt: integer('renewed_at').notNull(),
  /** Free for anyone to acquire once the database's clock reaches this. */
  expiresAt: integer('expires_at').notNull(),
  /** Set by a graceful handoff (which also expires the lease at once); cleared by the next grant. */
  releasedAt: integer('released_at'),
});

/**
 * Append-only history of grants and releases, written by triggers on event_leases (so no code
 * path can skip it). A grant's epoch is unique per event: no token is ever handed out twice.
 */
export const leaseHistory = sqliteTable(
  'lease_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id').notNull(),
    epoch: integer('epoch').notNull(),
    ownerId: text('owner_id').notNull(),
    at: integer('at').notNull(),
    /** acquired (first grant) | takeover (after expiry) | handoff (after a release) | reacquired (same owner) | released */
    reason: text('reason').notNull(),
  },
  (t) => [
    uniqueIndex('lease_history_grant')
      .on(t.eventId, t.epoch)
      .where(sql`reason <> 'released'`),
  ],
);
