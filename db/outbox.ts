// The transactional outbox (table `outbox`): its rows, their ids, and what
// the background sender asks of the store. Rows are queued inside the loop's
// batch transaction by each store's batch writer (so a message exists exactly
// when what it tells was committed); the sender claims a row with a lease by
// ONE conditional UPDATE, so any number of processes may run it on one database.
import { createHash, randomBytes } from 'node:crypto';
import type { Effect } from '../core/types';

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

/** What the organizer sees of an order's emails. */
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

/** The outbox id (and so the Message-ID) of an order's confirmation: one per order, ever. */
export function confirmationOutboxId(orderId: string): string {
  return `order-${orderId}-confirmation`;
}

/** A ticket is cancelled at most once, so an order's set of cancelled seats names one cancellation. */
export function cancellationOutboxId(orderId: string, seatIds: readonly string[]): string {
  const digest = createHash('sha256').update([...seatIds].sort().join('\n')).digest('base64url').slice(0, 16);
  return `order-${orderId}-cancel-${digest.replace(/[^A-Za-z0-9]/g, 'x')}`;
}

export function linksOutboxId(): string {
  return `links-${randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/** An email a batch queues, in the batch's own transaction (the recipient of a cancellation is read from its order). */
export type QueuedEmail =
  | { id: string; kind: 'order_confirmation'; orderId: string; recipient: string; payloadJson: string; at: number }
  | { id: string; kind: 'order_cancellation'; orderId: string; recipient: null; payloadJson: string; at: number };

/** The sender's statements (part of the Store). */
export interface OutboxStore {
  /** Queues links to orders ("Find my tickets", a replaced link); returns the row id. */
  queueOrderLinks(recipient: string, payload: LinksPayload, at: number): Promise<string>;
  /** Ids of rows that may be claimed now, oldest due first. */
  dueOutbox(now: number, limit: number): Promise<string[]>;
  /** Claims a row for `leaseMs`; the row when this sender won it, null when another did (or it is done). */
  claimOutbox(id: string, claimer: string, now: number, leaseMs: number): Promise<OutboxRow | null>;
  /** Extends a claim still held by `claimer`; false if it was lost. */
  renewOutboxClaim(id: string, claimer: string, until: number): Promise<boolean>;
  outboxRow(id: string): Promise<OutboxRow | null>;
  /** False when the row was already marked sent (by another sender after a stolen lease). */
  markOutboxSent(id: string, at: number, messageId: string): Promise<boolean>;
  retryOutboxLater(id: string, claimer: string, nextAttemptAt: number, error: string): Promise<void>;
  giveUpOutbox(id: string, at: number, error: string): Promise<void>;
  /** The earliest moment any unsent row may become claimable: its back-off end, or its lease end. */
  nextOutboxWakeAt(): Promise<number | null>;
  emailsOfOrder(orderId: string): Promise<OrderEmailStatus[]>;
}

/** The email a committed effect queues, if any: every order gets its confirmation, every cancellation its notice. */
export function queuedEmailOf(effect: Effect): QueuedEmail | null {
  if (effect.kind === 'order_created') {
    const o = effect.order;
    return { id: confirmationOutboxId(o.id), kind: 'order_confirmation', orderId: o.id, recipient: o.buyer.email, payloadJson: '{}', at: o.createdAt };
  }
  if (effect.kind === 'tickets_cancelled') {
    const payload: CancellationPayload = { seatIds: effect.seatIds, reason: effect.reason, at: effect.at, refundedCents: effect.refundedCents };
    return {
      id: cancellationOutboxId(effect.orderId, effect.seatIds),
      kind: 'order_cancellation',
      orderId: effect.orderId,
      recipient: null,
      payloadJson: JSON.stringify(payload),
      at: effect.at,
    };
  }
  return null;
}
