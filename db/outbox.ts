// The transactional outbox (table `outbox`, see schema.ts): queueing emails
// inside the loop's batch transaction, and the statements the background
// sender uses to claim, finish and retry them. Portable SQL only: several
// processes may run the sender on one database, so a row is claimed by ONE
// conditional UPDATE whose changed-row count says who won.
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

export type OutboxKind = 'order_confirmation' | 'order_cancellation' | 'order_links';

/** What an 'order_cancellation' row remembers of the cancel command (the tickets' rows say the rest). */
export interface CancellationPayload {
  seatIds: string[];
  reason: string;
  at: number;
  refundedCents: number;
}

/** An 'order_links' row: the orders to link, newest first, and why ("Find my tickets", or an organizer replaced the link). */
export interface LinksPayload {
  orderIds: string[];
  reason: 'lookup' | 'access_replaced';
}

export interface OutboxRow {
  id: string;
  kind: OutboxKind;
  orderId: string | null;
  recipient: string;
  payloadJson: string;
  createdAt: number;
  nextAttemptAt: number;
  attempts: number;
  claimedBy: string | null;
  claimUntil: number | null;
  sentAt: number | null;
  failedAt: number | null;
  lastError: string | null;
  messageId: string | null;
}

const COLUMNS = `id, kind, order_id AS orderId, recipient, payload_json AS payloadJson, created_at AS createdAt,
  next_attempt_at AS nextAttemptAt, attempts, claimed_by AS claimedBy, claim_until AS claimUntil, sent_at AS sentAt,
  failed_at AS failedAt, last_error AS lastError, message_id AS messageId`;

/** The outbox id (and so the Message-ID) of an order's confirmation: one per order, ever. */
export function confirmationOutboxId(orderId: string): string {
  return `order-${orderId}-confirmation`;
}

/** A ticket is cancelled at most once, so an order's set of cancelled seats names one cancellation. */
export function cancellationOutboxId(orderId: string, seatIds: readonly string[]): string {
  const digest = createHash('sha256').update([...seatIds].sort().join('\n')).digest('base64url').slice(0, 16);
  return `order-${orderId}-cancel-${digest.replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/**
 * Statements for the batch writer: each queues a message in the CURRENT transaction,
 * so the message exists exactly when what it tells was committed.
 */
export function createOutboxQueue(sqlite: Database.Database) {
  const insertConfirmation = sqlite.prepare(
    `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
     VALUES (?, 'order_confirmation', ?, ?, '{}', ?, ?, 0)`,
  );
  // The recipient is the order's buyer: read in the same statement, inside the same transaction.
  const insertCancellation = sqlite.prepare(
    `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
     SELECT ?, 'order_cancellation', id, buyer_email, ?, ?, ?, 0 FROM orders WHERE id = ?`,
  );
  return {
    orderConfirmed(orderId: string, buyerEmail: string, at: number): void {
      insertConfirmation.run(confirmationOutboxId(orderId), orderId, buyerEmail, at, at);
    },
    ticketsCancelled(orderId: string, cancellation: CancellationPayload): void {
      const id = cancellationOutboxId(orderId, cancellation.seatIds);
      const inserted = insertCancellation.run(id, JSON.stringify(cancellation), cancellation.at, cancellation.at, orderId);
      if (inserted.changes !== 1) throw new Error(`integrity: cancellation notice for ${orderId} matched ${inserted.changes} orders`);
    },
  };
}

export type OutboxQueue = ReturnType<typeof createOutboxQueue>;

/** Statements for the sender (and for queueing messages outside the loop, like "Find my tickets"). */
export function createOutboxStore(sqlite: Database.Database) {
  const insertLinks = sqlite.prepare(
    `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
     VALUES (?, 'order_links', ?, ?, ?, ?, ?, 0)`,
  );
  const due = sqlite.prepare<[number, number, number], { id: string }>(
    `SELECT id FROM outbox
     WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claim_until IS NULL OR claim_until < ?)
     ORDER BY next_attempt_at LIMIT ?`,
  );
  // The claim: one statement, so exactly one of any number of racing senders changes the row.
  // A claim counts as an attempt: a message that crashes its sender cannot be retried forever.
  const claim = sqlite.prepare(
    `UPDATE outbox SET claimed_by = ?, claim_until = ?, attempts = attempts + 1
     WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claim_until IS NULL OR claim_until < ?)`,
  );
  const renew = sqlite.prepare(`UPDATE outbox SET claim_until = ? WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`);
  const byId = sqlite.prepare<[string], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
  // Marked sent whoever holds the claim now: it WAS sent (a stolen lease only means a duplicate, with the same Message-ID).
  const markSent = sqlite.prepare(
    `UPDATE outbox SET sent_at = ?, message_id = ?, claimed_by = NULL, claim_until = NULL, last_error = NULL
     WHERE id = ? AND sent_at IS NULL`,
  );
  const retryLater = sqlite.prepare(
    `UPDATE outbox SET next_attempt_at = ?, last_error = ?, claimed_by = NULL, claim_until = NULL
     WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`,
  );
  const giveUp = sqlite.prepare(
    `UPDATE outbox SET failed_at = ?, last_error = ?, claimed_by = NULL, claim_until = NULL WHERE id = ? AND sent_at IS NULL`,
  );
  // The earliest moment any unsent row may become claimable: its back-off end, or its lease end.
  const nextWake = sqlite.prepare<[], { at: number | null }>(
    `SELECT MIN(CASE WHEN claim_until IS NOT NULL AND claim_until > next_attempt_at THEN claim_until ELSE next_attempt_at END) AS at
     FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`,
  );

  return {
    /** Queues links to orders ("Find my tickets", a replaced link); returns the row id. */
    queueLinks(recipient: string, payload: LinksPayload, at: number): string {
      const id = `links-${randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
      // A link to one order (a replaced link) belongs to that order: the organizer sees it with its emails.
      insertLinks.run(id, payload.orderIds.length === 1 ? payload.orderIds[0] : null, recipient, JSON.stringify(payload), at, at);
      return id;
    },
    /** Ids of rows that may be claimed now, oldest due first. */
    due(now: number, limit: number): string[] {
      return due.all(now, now, limit).map((r) => r.id);
    },
    /** Claims a row for `leaseMs`; the row when this sender won it, null when another did (or it is done). */
    claim(id: string, claimer: string, now: number, leaseMs: number): OutboxRow | null {
      const won = claim.run(claimer, now + leaseMs, id, now, now).changes === 1;
      return won ? (byId.get(id) ?? null) : null;
    },
    /** Extends a claim still held by `claimer`; false if it was lost. */
    renew(id: string, claimer: string, until: number): boolean {
      return renew.run(until, id, claimer).changes === 1;
    },
    get(id: string): OutboxRow | null {
      return byId.get(id) ?? null;
    },
    /** False when the row was already marked sent (by another sender after a stolen lease). */
    markSent(id: string, at: number, messageId: string): boolean {
      return markSent.run(at, messageId, id).changes === 1;
    },
    retryLater(id: string, claimer: string, nextAttemptAt: number, error: string): void {
      retryLater.run(nextAttemptAt, error.slice(0, 500), id, claimer);
    },
    giveUp(id: string, at: number, error: string): void {
      giveUp.run(at, error.slice(0, 500), id);
    },
    nextWakeAt(): number | null {
      return nextWake.get()?.at ?? null;
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;

/** What the organizer sees of an order's emails (uses outbox_order). */
export interface OrderEmailStatus {
  id: string;
  kind: OutboxKind;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  sentAt: number | null;
  failedAt: number | null;
  lastError: string | null;
}

export function emailsOfOrder(sqlite: Database.Database, orderId: string): OrderEmailStatus[] {
  return sqlite
    .prepare(
      `SELECT id, kind, created_at AS createdAt, attempts, next_attempt_at AS nextAttemptAt, sent_at AS sentAt,
              failed_at AS failedAt, last_error AS lastError
       FROM outbox WHERE order_id = ? ORDER BY created_at, id`,
    )
    .all(orderId) as OrderEmailStatus[];
}
