// What an email or a ticket PDF about an order needs: the order as the
// buyer sees it, the event's names (category names live in the layout JSON)
// and the order's current access-key generation. Read at send time, so a
// message always shows the order as it is when it goes out.
import type { OrderView } from '../lib/protocol';
import type { DatabaseHandle } from './connection';
import { getEventRow, loadOrder, type EventLayoutJson } from './eventStore';
import { orderAccessOf } from './orderAccess';

export interface OrderDocument {
  order: OrderView & { buyerId: string };
  /** Null when the event was deleted (orders of a deleted event are gone too, so rarely seen). */
  event: { id: string; name: string; venueName: string; startsAt: number; categoryNames: Record<string, string> } | null;
  accessGeneration: number;
}

export function loadOrderDocument(handle: DatabaseHandle, orderId: string): OrderDocument | null {
  const order = loadOrder(handle, orderId);
  const access = orderAccessOf(handle, orderId);
  if (!order || !access) return null;
  const row = getEventRow(handle, order.eventId);
  let event: OrderDocument['event'] = null;
  if (row) {
    const layout = JSON.parse(row.layoutJson) as EventLayoutJson;
    const categoryNames = Object.fromEntries(layout.categories.map((c) => [c.id, c.name]));
    event = { id: row.id, name: row.name, venueName: row.venueName, startsAt: row.startsAt, categoryNames };
  }
  return { order, event, accessGeneration: access.generation };
}
