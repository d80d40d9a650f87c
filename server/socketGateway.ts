// Socket.IO adapter: authenticates the buyer, validates every payload (via
// BuyerApi), joins event rooms, and fans out each committed batch as one
// versioned seats:update per event room.
import type { Server, Socket } from 'socket.io';
import {
  fail,
  invalidRequest,
  joinEventSchema,
  leaveEventSchema,
  type ClientToServerEvents,
  type JoinAck,
  type LeaveAck,
  type ServerToClientEvents,
} from '../lib/protocol';
import { BUYER_COOKIE, readCookie, type BuyerSessions } from './buyerSession';
import type { BuyerApi } from './buyerApi';
import type { EventRegistry } from './eventRegistry';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { RequestLimits } from './rateLimiter';
import { holdView } from './views';

export interface SocketData {
  buyerId: string;
}
export type BuyerServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BuyerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const eventRoom = (eventId: string) => `event:${eventId}`;
export const buyerRoom = (buyerId: string) => `buyer:${buyerId}`;

export interface GatewayDeps {
  registry: EventRegistry;
  buyerApi: BuyerApi;
  sessions: BuyerSessions;
  metrics: Metrics;
  logger: Logger;
  limits: RequestLimits;
}

export function attachSocketGateway(io: BuyerServer, deps: GatewayDeps): void {
  const { registry, buyerApi, sessions, metrics, logger, limits } = deps;

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : readCookie(socket.handshake.headers.cookie, BUYER_COOKIE);
    const buyerId = sessions.verify(token);
    if (!buyerId) {
      const error = new Error('unauthorized') as Error & { data?: unknown };
      error.data = { code: 'unauthorized', message: 'Open the site first, or get a token from POST /api/session.' };
      return next(error);
    }
    socket.data.buyerId = buyerId;
    next();
  });

  io.on('connection', (socket: BuyerSocket) => {
    const buyerId = socket.data.buyerId;
    void socket.join(buyerRoom(buyerId));
    metrics.socketsConnected.inc();
    socket.on('disconnect', () => {
      metrics.socketsConnected.dec();
      limits.forgetConnection(socket.id);
    });
    const address = socket.handshake.address;

    // Every client→server event: (payload?, ack). Events without an ack are ignored: the
    // client could not learn the outcome, so we do not act on them.
    const handle = <A>(event: keyof ClientToServerEvents, run: (payload: unknown) => A | Promise<A>) => {
      socket.on(event, (...args: unknown[]) => {
        const ack = args[args.length - 1];
        if (typeof ack !== 'function') return;
        const payload = args.length > 1 ? args[0] : undefined;
        const waitMs = limits.take(address, socket.id);
        if (waitMs > 0) {
          ack(fail('rate_limited', 'Too many requests from this connection; slow down.', { retryAfterMs: waitMs }));
          return;
        }
        Promise.resolve()
          .then(() => run(payload))
          .then(
            (reply) => ack(reply),
            (error: unknown) => {
              logger.error({ err: error, event }, 'socket handler failed');
              ack(fail('internal', 'Something went wrong on our side; nothing changed.'));
            },
          );
      });
    };

    handle('event:join', (payload): JoinAck => {
      const parsed = joinEventSchema.safeParse(payload);
      if (!parsed.success) return invalidRequest(parsed.error);
      const runtime = registry.get(parsed.data.eventId);
      if (!runtime) return fail('not_found', 'No such event.');
      // Snapshot and room join happen in the same turn: no delta can fall between them.
      const snapshot = runtime.loop.snapshot();
      void socket.join(eventRoom(runtime.eventId));
      const maxExtensions = runtime.loop.rules.maxExtensions;
      return {
        ok: true,
        eventId: runtime.eventId,
        version: snapshot.version,
        seats: snapshot.seats,
        myHolds: runtime.loop.holdsOf(buyerId).map((h) => holdView(h, maxExtensions)),
      };
    });
    handle('event:leave', (payload): LeaveAck => {
      const parsed = leaveEventSchema.safeParse(payload);
      if (!parsed.success) return invalidRequest(parsed.error);
      void socket.leave(eventRoom(parsed.data.eventId));
      return { ok: true, eventId: parsed.data.eventId };
    });
    handle('hold:create', (payload) => buyerApi.createHold(buyerId, payload));
    handle('hold:extend', (payload) => buyerApi.extendHold(buyerId, payload));
    handle('hold:release', (payload) => buyerApi.releaseHold(buyerId, payload));
    handle('hold:confirm', (payload) => buyerApi.confirmHold(buyerId, payload));
  });

  registry.onCommitted((runtime, batch) => {
    if (batch.eventChange) {
      io.to(eventRoom(runtime.eventId)).emit('event:changed', { eventId: runtime.eventId, change: batch.eventChange });
    }
    if (batch.versionChanged) {
      io.to(eventRoom(runtime.eventId)).emit('seats:update', {
        eventId: runtime.eventId,
        version: batch.version,
        changes: batch.changes,
      });
    }
    for (const { hold, reason } of batch.endedHolds) {
      const notice = { holdId: hold.id, eventId: hold.eventId, seatIds: hold.seatIds };
      if (reason === 'expired') io.to(buyerRoom(hold.buyerId)).emit('hold:expired', notice);
      else if (reason === 'admin_released') io.to(buyerRoom(hold.buyerId)).emit('hold:released', { ...notice, reason });
    }
  });
}
