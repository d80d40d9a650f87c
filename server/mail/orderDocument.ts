// What an email or a ticket PDF about an order needs: the order as the
// buyer sees it, the event's names (category names live in the layout) and
// the order's current access-key generation. Read at send time, so a
// message always shows the order as it is when it goes out.
import type { StoredOrder, Store } from '../../db/store';

export interface OrderDocument {
  order: StoredOrder;
  /** Null when the event was deleted (orders of a deleted event are gone too, so rarely seen). */
  event: { id: string; name: string; venueName: string; startsAt: number; categoryNames: Record<string, string> } | null;
  accessGeneration: number;
}

export async function loadOrderDocument(store: Store, orderId: string): Promise<OrderDocument | null> {
  const [order, access] = await Promise.all([store.loadOrder(orderId), store.orderAccessOf(orderId)]);
  if (!order || !access) return null;
  const record = await store.getEvent(order.eventId);
  const event: OrderDocument['event'] = record
    ? {
        id: record.id,
        name: record.name,
        venueName: record.venueName,
        startsAt: record.startsAt,
        categoryNames: Object.fromEntries(record.layout.categories.map((c) => [c.id, c.name])),
      }
    : null;
  return { order, event, accessGeneration: access.generation };
}
