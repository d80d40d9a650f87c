// The order page's live room. A page joins `order:<id>` with `order:watch`,
// authorised like GET /api/orders/:id (the buyer's session, or the order's
// access key); after an organizer's cancellation commits, the room hears
// `order:updated` and the page reloads the order. Revoking the access key
// tells the room too, then drops the sockets that were let in by that key.
import { unwatchOrderSchema, watchOrderSchema, type OrderUpdatedNotice, type WatchOrderAck } from '../lib/orderProtocol';
import { invalidRequest } from '../lib/protocol';
import type { EventRegistry } from './eventRegistry';
import type { OrderAccess } from './orderAccess';
import type { BuyerServer, BuyerSocket } from './buyerSockets';

export const orderRoom = (orderId: string) => `order:${orderId}`;

export async function watchOrder(socket: BuyerSocket, payload: unknown, access: OrderAccess): Promise<WatchOrderAck> {
  const parsed = watchOrderSchema.safeParse(payload);
  if (!parsed.success) return invalidRequest(parsed.error);
  const { orderId, key } = parsed.data;
  const authorized = await access.authorize(orderId, { buyerId: socket.data.buyerId, key });
  if (!authorized.ok) return authorized;
  if (authorized.via === 'key') socket.data.keyWatchedOrders = [...(socket.data.keyWatchedOrders ?? []).filter((id) => id !== orderId), orderId];
  void socket.join(orderRoom(orderId));
  return { ok: true, orderId };
}

export function unwatchOrder(socket: BuyerSocket, payload: unknown): WatchOrderAck {
  const parsed = unwatchOrderSchema.safeParse(payload);
  if (!parsed.success) return invalidRequest(parsed.error);
  void socket.leave(orderRoom(parsed.data.orderId));
  socket.data.keyWatchedOrders = socket.data.keyWatchedOrders?.filter((id) => id !== parsed.data.orderId);
  return { ok: true, orderId: parsed.data.orderId };
}

/** After each committed batch: every order with cancelled tickets tells its room (once per order and batch). */
export function announceOrderChanges(io: BuyerServer, registry: EventRegistry): void {
  registry.onCommitted((_runtime, notice) => {
    const changed = new Set<string>();
    for (const cancelled of notice.ticketsCancelled) changed.add(cancelled.orderId);
    for (const orderId of changed) {
      const notice: OrderUpdatedNotice = { orderId, change: 'tickets_cancelled' };
      // Every process applies every notice: each tells its own sockets.
      io.local.to(orderRoom(orderId)).emit('order:updated', notice);
    }
  });
}

/** The order's key was replaced: tell the room, then remove whoever got in with a key. */
export async function announceAccessRevoked(io: BuyerServer, orderId: string): Promise<void> {
  const room = orderRoom(orderId);
  const notice: OrderUpdatedNotice = { orderId, change: 'access_revoked' };
  io.to(room).emit('order:updated', notice);
  for (const socket of await io.in(room).fetchSockets()) {
    if (socket.data.keyWatchedOrders?.includes(orderId)) socket.leave(room);
  }
}
