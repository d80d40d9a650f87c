// The Socket.IO client and the zod schema that checks seat updates. useEventLive
// imports this module on demand, after the page has mounted, so neither library
// is loaded or run before the seat map's first frame.
import { io, type Socket } from 'socket.io-client';
import { seatsUpdateSchema, type ClientToServerEvents, type SeatsUpdate, type ServerToClientEvents } from '../protocol';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectLiveSocket(): LiveSocket {
  return io({ withCredentials: true, forceNew: true, reconnectionDelayMax: 5000 });
}

/** A well-formed seats:update, or null (the caller treats that as a gap). */
export function parseSeatsUpdate(raw: unknown): SeatsUpdate | null {
  const parsed = seatsUpdateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
