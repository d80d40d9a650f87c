// Renders an outbox row into an email, from the order as it is now.
import { z } from 'zod';
import type { DatabaseHandle } from '../../db/connection';
import { loadOrderDocument } from '../../db/orderDocuments';
import type { OutboxRow } from '../../db/outbox';
import type { OrderAccessKeys } from '../orderAccess';
import { linksMail } from './linksMail';
import { cancellationMail, confirmationMail } from './orderMails';
import type { Composition } from './types';

export interface ComposeDeps {
  handle: DatabaseHandle;
  keys: OrderAccessKeys;
  /** e.g. https://tickets.example.com: the "Find my tickets" link in every footer. */
  publicUrl: () => string;
}

// Payloads are written by our own code, but read back from storage: check them like any input.
const cancellationSchema = z.object({
  seatIds: z.array(z.string()).min(1),
  reason: z.string(),
  at: z.number(),
  refundedCents: z.number().int().nonnegative(),
});
const linksSchema = z.object({ orderIds: z.array(z.string()).min(1).max(50), reason: z.enum(['lookup', 'access_replaced']) });

function parsePayload<T>(schema: z.ZodType<T>, row: OutboxRow): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(row.payloadJson));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function composeOutboxMessage(row: OutboxRow, deps: ComposeDeps): Promise<Composition> {
  const findTicketsUrl = `${deps.publicUrl()}/find-tickets`;
  const orderContext = (orderId: string | null) => {
    const doc = orderId ? loadOrderDocument(deps.handle, orderId) : null;
    return doc ? { doc, orderUrl: deps.keys.url(doc.order.id, doc.accessGeneration), findTicketsUrl } : null;
  };
  switch (row.kind) {
    case 'order_confirmation': {
      const ctx = orderContext(row.orderId);
      if (!ctx) return { ok: false, reason: `order ${row.orderId} no longer exists` };
      return { ok: true, mail: await confirmationMail(ctx) };
    }
    case 'order_cancellation': {
      const ctx = orderContext(row.orderId);
      if (!ctx) return { ok: false, reason: `order ${row.orderId} no longer exists` };
      const cancellation = parsePayload(cancellationSchema, row);
      if (!cancellation) return { ok: false, reason: 'malformed cancellation payload' };
      return { ok: true, mail: await cancellationMail(ctx, cancellation) };
    }
    case 'order_links': {
      const links = parsePayload(linksSchema, row);
      if (!links) return { ok: false, reason: 'malformed links payload' };
      const orders = links.orderIds.flatMap((id) => {
        const ctx = orderContext(id);
        return ctx ? [{ doc: ctx.doc, url: ctx.orderUrl }] : [];
      });
      if (orders.length === 0) return { ok: false, reason: 'none of the linked orders exists any more' };
      return { ok: true, mail: linksMail(orders, links.reason, findTicketsUrl) };
    }
    default: {
      const _exhaustive: never = row.kind;
      return { ok: false, reason: `unknown outbox kind ${String(_exhaustive)}` };
    }
  }
}
