// Drizzle schema for PostgreSQL: the same tables, keys and guarantees as the
// SQLite schema (db/sqlite/schema.ts). Times are epoch milliseconds in
// bigint columns (read back as JS numbers); the integrity triggers, the
// append-only audit log and the helper functions live in the custom
// migrations beside the generated ones (db/migrations/postgres/).
import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, pgSequence, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const epochMs = (name: string) => bigint(name, { mode: 'number' });

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const events = pgTable('events', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  venueName: text('venue_name').notNull(),
  startsAt: epochMs('starts_at').notNull(),
  currency: text('currency').notNull().default('EUR'),
  /** Per-event override; null = the server's HOLD_TTL_MS default. */
  holdTtlMs: epochMs('hold_ttl_ms'),
  maxSeatsPerBuyer: integer('max_seats_per_buyer').notNull().default(8),
  maxExtensions: integer('max_extensions').notNull().default(1),
  /** The no-orphan rule: refuse holds that would strand a single seat (see core/orphanRule.ts). */
  preventOrphanSeats: boolean('prevent_orphan_seats').notNull().default(true),
  saleStatus: text('sale_status', { enum: ['open', 'paused', 'closed'] }).notNull().default('open'),
  saleOpensAt: epochMs('sale_opens_at'),
  saleClosesAt: epochMs('sale_closes_at'),
  /** Last committed version; deltas continue from here after a restart or a failover. */
  version: epochMs('version').notNull().default(0),
  /** Categories, sections, stage and bounds as JSON (static; seats live in `seats`). */
  layoutJson: text('layout_json').notNull(),
  createdAt: epochMs('created_at').notNull(),
});

export const seats = pgTable(
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
    x: doublePrecision('x').notNull(),
    y: doublePrecision('y').notNull(),
    accessible: text('accessible', { enum: ['wheelchair', 'companion'] }),
    /** General-admission area id: this row is one place in it, sold by quantity. */
    gaArea: text('ga_area'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.id] })],
);

export const holds = pgTable(
  'holds',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    buyerId: text('buyer_id').notNull(),
    seatIdsJson: text('seat_ids_json').notNull(),
    createdAt: epochMs('created_at').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
    extensions: integer('extensions').notNull().default(0),
    status: text('status', { enum: ['active', 'released', 'expired', 'confirmed', 'admin_released'] })
      .notNull()
      .default('active'),
    endedAt: epochMs('ended_at'),
    /** The client's id for the request that made the hold (hold:create requestId): a retry gets this hold back. */
    requestId: text('request_id'),
  },
  (t) => [
    index('holds_event_status').on(t.eventId, t.status),
    // One hold per buyer and request id; partial, so holds made without one cost no index insert.
    uniqueIndex('holds_buyer_request').on(t.eventId, t.buyerId, t.requestId).where(sql`request_id IS NOT NULL`),
  ],
);

/** One row per seat of a live hold. The primary key forbids two holds on one seat. */
export const heldSeats = pgTable(
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

export const orders = pgTable(
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
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('orders_hold').on(t.holdId),
    uniqueIndex('orders_idempotency').on(t.eventId, t.buyerId, t.idempotencyKey),
    index('orders_email').on(sql`lower(${t.buyerEmail})`),
  ],
);

export const tickets = pgTable(
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
    cancelledAt: epochMs('cancelled_at'),
    cancelReason: text('cancel_reason'),
    /** Admission at the door (set once, by the event's loop): when, at which door, by whom. */
    checkedInAt: epochMs('checked_in_at'),
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
export const blockedSeats = pgTable(
  'blocked_seats',
  {
    eventId: text('event_id').notNull(),
    seatId: text('seat_id').notNull(),
    reason: text('reason'),
    blockedAt: epochMs('blocked_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.seatId] })],
);

/** Audit ids in blocks: one nextval() reserves AUDIT_ID_BLOCK ids for a writer (db/postgres/auditIds.ts). */
export const AUDIT_ID_BLOCK = 16_384;
export const auditLogIdSeq = pgSequence('audit_log_id_seq', { startWith: 1, increment: AUDIT_ID_BLOCK, minValue: 1 });

/**
 * Append-only history of every seat change, written in the same transaction as the change.
 * Ids come from audit_log_id_seq, which hands out blocks (see the custom migration): each
 * writer assigns ids from its own block, so rows of one batch can link to each other.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' })
      .primaryKey()
      .default(sql`nextval('audit_log_id_seq')`),
    eventId: text('event_id').notNull(),
    seatId: text('seat_id'),
    at: epochMs('at').notNull(),
    action: text('action').notNull(),
    holdId: text('hold_id'),
    orderId: text('order_id'),
    buyerId: text('buyer_id'),
    detail: text('detail'),
    /** The previous row of the same event and seat (null for a seat's first row); see auditSeatHeads. */
    prevSeatEntry: bigint('prev_seat_entry', { mode: 'number' }),
  },
  (t) => [index('audit_event').on(t.eventId)],
);

/** The newest audit_log row of each seat that has one: the head of that seat's history chain. */
export const auditSeatHeads = pgTable(
  'audit_seat_heads',
  {
    eventId: text('event_id').notNull(),
    seatId: text('seat_id').notNull(),
    lastEntry: bigint('last_entry', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.seatId] })],
);

/** Revoked organizer sessions (logout), until the token would have expired anyway. */
export const adminSessionRevocations = pgTable(
  'admin_session_revocations',
  {
    sessionId: text('session_id').primaryKey(),
    /** When the revoked token expires (epoch ms): after that it is refused anyway and the row can go. */
    expiresAt: epochMs('expires_at').notNull(),
  },
  (t) => [index('admin_session_revocations_expiry').on(t.expiresAt)],
);

/**
 * Transactional outbox: every email the product sends, written in the same transaction as what
 * it tells (see the SQLite schema for the columns). A row is claimed with a lease by one
 * conditional UPDATE, so any number of processes may run the sender.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['order_confirmation', 'order_cancellation', 'order_links'] }).notNull(),
    orderId: text('order_id'),
    recipient: text('recipient').notNull(),
    payloadJson: text('payload_json').notNull(),
    createdAt: epochMs('created_at').notNull(),
    nextAttemptAt: epochMs('next_attempt_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    claimedBy: text('claimed_by'),
    claimUntil: epochMs('claim_until'),
    sentAt: epochMs('sent_at'),
    failedAt: epochMs('failed_at'),
    lastError: text('last_error'),
    messageId: text('message_id'),
  },
  (t) => [
    index('outbox_pending')
      .on(t.nextAttemptAt)
      .where(sql`sent_at IS NULL AND failed_at IS NULL`),
    index('outbox_order').on(t.orderId),
  ],
);

/** Order access keys: an order's key generation (no row = generation 1); revoking bumps it. */
export const orderAccess = pgTable('order_access', {
  orderId: text('order_id')
    .primaryKey()
    .references(() => orders.id, { onDelete: 'cascade' }),
  generation: integer('generation').notNull(),
  revokedAt: epochMs('revoked_at').notNull(),
});

/** An event's waiting room (see db/sqlite/schema.ts for the meaning of each column). */
export const waitingRooms = pgTable('waiting_rooms', {
  eventId: text('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  enabled: integer('enabled').notNull().default(0),
  admitPerMinute: integer('admit_per_minute').notNull(),
  maxActiveShoppers: integer('max_active_shoppers'),
  shoppingWindowMs: epochMs('shopping_window_ms').notNull(),
  opensAt: epochMs('opens_at'),
  paused: integer('paused').notNull().default(0),
  powRequired: integer('pow_required').notNull().default(0),
  shuffleSeed: text('shuffle_seed').notNull(),
  seedCommitment: text('seed_commitment').notNull(),
  openedAt: epochMs('opened_at'),
  preQueueCount: integer('pre_queue_count').notNull().default(0),
  nextNumber: integer('next_number').notNull().default(0),
  serving: integer('serving').notNull().default(0),
  admittedTotal: integer('admitted_total').notNull().default(0),
  admitCredit: doublePrecision('admit_credit').notNull().default(0),
  creditAt: epochMs('credit_at'),
  stepToken: text('step_token').notNull(),
  soldOut: integer('sold_out').notNull().default(0),
  /** The ticker's last figures (≤ one step old), so that a join anywhere reads one row, never counts. */
  waitingCount: integer('waiting_count').notNull().default(0),
  activeCount: integer('active_count').notNull().default(0),
  admittedLastMinute: integer('admitted_last_minute').notNull().default(0),
  /** Shoppers whose window ended (checkout or time) in the last minute: the pace of admissions at the cap. */
  leftLastMinute: integer('left_last_minute').notNull().default(0),
  updatedAt: epochMs('updated_at').notNull(),
});

/** One place per buyer session per event. */
export const waitingRoomEntries = pgTable(
  'waiting_room_entries',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    buyerId: text('buyer_id').notNull(),
    joinedAt: epochMs('joined_at').notNull(),
    shuffleKey: text('shuffle_key').notNull(),
    number: integer('number'),
    admittedAt: epochMs('admitted_at'),
    admittedUntil: epochMs('admitted_until'),
    checkedOutAt: epochMs('checked_out_at'),
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

// ---------- fenced ownership (issue 11; see db/sqlite/schema.ts and docs/scaling.md) ----------
// Every time below is the DATABASE's clock (db/leaseStore.ts), never a process's.

export const instances = pgTable('instances', {
  instanceId: text('instance_id').primaryKey(),
  startedAt: epochMs('started_at').notNull(),
  heartbeatAt: epochMs('heartbeat_at').notNull(),
  expiresAt: epochMs('expires_at').notNull(),
  metaJson: text('meta_json').notNull().default('{}'),
});

export const eventLeases = pgTable('event_leases', {
  eventId: text('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  ownerId: text('owner_id').notNull(),
  epoch: bigint('epoch', { mode: 'number' }).notNull(),
  acquiredAt: epochMs('acquired_at').notNull(),
  renewedAt: epochMs('renewed_at').notNull(),
  expiresAt: epochMs('expires_at').notNull(),
  releasedAt: epochMs('released_at'),
});

export const leaseHistory = pgTable(
  'lease_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    ownerId: text('owner_id').notNull(),
    at: epochMs('at').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [
    uniqueIndex('lease_history_grant')
      .on(t.eventId, t.epoch)
      .where(sql`reason <> 'released'`),
  ],
);
