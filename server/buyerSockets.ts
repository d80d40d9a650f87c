// The buyer-facing Socket.IO server's types and room names, shared by the gateway and the
// features that push to buyers (order watches, the waiting room).
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol';
import type { InterServerEvents } from './cluster/noticeBus';

export interface SocketData {
  buyerId: string;
  /** Orders this connection watches by access key (not as their buyer): dropped when the key is revoked. */
  keyWatchedOrders?: string[];
}
export type BuyerServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type BuyerSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export const eventRoom = (eventId: string) => `event:${eventId}`;
export const buyerRoom = (buyerId: string) => `buyer:${buyerId}`;
