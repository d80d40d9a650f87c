// SQLite: the statements the batch writer uses to queue emails in the
// CURRENT transaction (see db/outbox.ts).
import type Database from 'better-sqlite3';
import type { QueuedEmail } from '../outbox';

export function createOutboxQueue(sqlite: Database.Database) {
  const insertConfirmation = sqlite.prepare(
    `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
     VALUES (?, 'order_confirmation', ?, ?, ?, ?, ?, 0)`,
  );
  // The recipient is the order's buyer: read in the same statement, inside the same transaction.
  const insertCancellation = sqlite.prepare(
    `INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
     SELECT ?, 'order_cancellation', id, buyer_email, ?, ?, ?, 0 FROM orders WHERE id = ?`,
  );
  return {
    queue(email: QueuedEmail): void {
      if (email.kind === 'order_confirmation') {
        insertConfirmation.run(email.id, email.orderId, email.recipient, email.payloadJson, email.at, email.at);
        return;
      }
      const inserted = insertCancellation.run(email.id, email.payloadJson, email.at, email.at, email.orderId);
      if (inserted.changes !== 1) throw new Error(`integrity: cancellation notice for ${email.orderId} matched ${inserted.changes} orders`);
    },
  };
}
