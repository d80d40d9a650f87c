// Order access: who may open an order (its buyer session, or a key of the
// order's current generation), revoking keys, and finding orders by email.
// Table `order_access` (schema.ts): no row means generation 1.
import type { DatabaseHandle } from './connection';
import { createOutboxStore } from './outbox';

export interface OrderAccessRow {
  orderId: string;
  buyerId: string;
  buyerEmail: string;
  /** The order's current key generation (1 until the first revocation). */
  generation: number;
}

/** The order's owner and key generation; null when there is no such order. */
export function orderAccessOf(handle: DatabaseHandle, orderId: string): OrderAccessRow | null {
  const row = handle.sqlite
    .prepare(
      `SELECT o.id AS orderId, o.buyer_id AS buyerId, o.buyer_email AS buyerEmail, a.generation AS generation
       FROM orders o LEFT JOIN order_access a ON a.order_id = o.id WHERE o.id = ?`,
    )
    .get(orderId) as (Omit<OrderAccessRow, 'generation'> & { generation: number | null }) | undefined;
  return row ? { ...row, generation: row.generation ?? 1 } : null;
}

/**
 * Revokes every key of the order (bumps its generation) and, if asked, queues an email with
 * the new link to the buyer, in one transaction. The new generation, or null without such an order.
 */
export function revokeOrderAccess(handle: DatabaseHandle, orderId: string, at: number, options: { emailBuyer: boolean }): number | null {
  const revoke = handle.sqlite.transaction(() => {
    const order = handle.sqlite.prepare('SELECT buyer_email AS buyerEmail FROM orders WHERE id = ?').get(orderId) as { buyerEmail: string } | undefined;
    if (!order) return null;
    handle.sqlite
      .prepare(
        `INSERT INTO order_access (order_id, generation, revoked_at) VALUES (?, 2, ?)
         ON CONFLICT (order_id) DO UPDATE SET generation = order_access.generation + 1, revoked_at = excluded.revoked_at`,
      )
      .run(orderId, at);
    if (options.emailBuyer) createOutboxStore(handle.sqlite).queueLinks(order.buyerEmail, { orderIds: [orderId], reason: 'access_replaced' }, at);
    return (handle.sqlite.prepare('SELECT generation FROM order_access WHERE order_id = ?').get(orderId) as { generation: number }).generation;
  });
  return revoke.immediate();
}

export interface OrderOfEmail {
  id: string;
  buyerEmail: string;
  createdAt: number;
}

/** The newest orders placed with this email address (case-insensitive; uses orders_email_lower). */
export function ordersOfEmail(handle: DatabaseHandle, email: string, limit = 50): OrderOfEmail[] {
  return handle.sqlite
    .prepare(
      `SELECT id, buyer_email AS buyerEmail, created_at AS createdAt FROM orders
       WHERE lower(buyer_email) = lower(?) ORDER BY created_at DESC LIMIT ?`,
    )
    .all(email, limit) as OrderOfEmail[];
}
