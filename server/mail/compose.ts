// Turns an outbox row into a render job: everything the email needs, read
// from storage at send time (so a message shows the order as it is when it
// goes out), as plain data a worker thread can render. Runs on the main
// thread; the rendering itself does not (see renderPool.ts).
import { z } from 'zod';
import type { Store } from '../../db/store';
import { loadOrderDocument } from './orderDocument';
import type { OutboxRow } from '../../db/outbox';
import type { OrderAccessKeys } from '../orderAccess';
import type { RenderJob } from './render';

export interface ComposeDeps {
  store: Store;
  keys: OrderAccessKeys;
  /** e.g. https://tickets.example.com: links, and "Find my tickets" in every footer. */
  publicUrl: () => string;
}

export type Preparation = { ok: true; job: RenderJob } | { ok: false; reason: string };

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

export async function prepareOutboxMessage(row: OutboxRow, deps: ComposeDeps): Promise<Preparation> {
  const findTicketsUrl = `${deps.publicUrl()}/find-tickets`;
  const orderContext = async (orderId: string | null) => {
    const doc = orderId ? await loadOrderDocument(deps.store, orderId) : null;
    return doc ? { doc, orderUrl: deps.keys.url(doc.order.id, doc.accessGeneration), findTicketsUrl } : null;
  };
  switch (row.kind) {
    case 'order_confirmation': {
      const context = await orderContext(row.orderId);
      if (!context) return { ok: false, reason: `order ${row.orderId} no longer exists` };
      return { ok: true, job: { kind: 'confirmation', context } };
    }
    case 'order_cancellation': {
      const context = await orderContext(row.orderId);
      if (!context) return { ok: false, reason: `order ${row.orderId} no longer exists` };
      const cancellation = parsePayload(cancellationSchema, row);
      if (!cancellation) return { ok: false, reason: 'malformed cancellation payload' };
      return { ok: true, job: { kind: 'cancellation', context, cancellation } };
    }
    case 'order_links': {
      const links = parsePayload(linksSchema, row);
      if (!links) return { ok: false, reason: 'malformed links payload' };
      const contexts = await Promise.all(links.orderIds.map((id) => orderContext(id)));
      const orders = contexts.flatMap((context) => (context ? [{ doc: context.doc, url: context.orderUrl }] : []));
      if (orders.length === 0) return { ok: false, reason: 'none of the linked orders exists any more' };
      return { ok: true, job: { kind: 'links', orders, reason: links.reason, findTicketsUrl } };
    }
    default: {
      const _exhaustive: never = row.kind;
      return { ok: false, reason: `unknown outbox kind ${String(_exhaustive)}` };
    }
  }
}
