// Socket.IO adapter: authenticates the buyer, validates every payload (via
// BuyerApi), joins event rooms, and fans out each committed batch as one
// versioned seats:update per event room.
import {
  encodeSeatDelta,
  fail,
  invalidRequest,
  SEAT_STATUS_CODES,
  joinEventSchema,
  leaveEventSchema,
  type ClientToServerEvents,
  type JoinAck,
  type LeaveAck,
  type SeatsUpdate,
} from '../lib/protocol';
import { isNoticeToHolder, type CommitNotice } from './events/commitNotice';
import { BUYER_COOKIE, readCookie, type BuyerSessions } from './buyerSession';
import type { BuyerApi } from './buyerApi';
import type { EventRegistry, EventRuntime } from './eventRegistry';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { OrderAccess } from './orderAccess';
import { unwatchOrder, watchOrder } from './orderWatch';
import type { RequestLimits } from './rateLimiter';
import { guardedMiddleware, handshakeError } from './socketHandshake';
import { holdView } from './views';
import { buyerRoom, eventRoom, type BuyerServer, type BuyerSocket } from './buyerSockets';

export interface GatewayDeps {
  registry: EventRegistry;
  buyerApi: BuyerApi;
  sessions: BuyerSessions;
  metrics: Metrics;
  logger: Logger;
  limits: RequestLimits;
  orderAccess: OrderAccess;
  /** More client→server events (the waiting room's queue:join), answered like the built-in ones. */
  extraHandlers?: [keyof ClientToServerEvents, (socket: BuyerSocket, payload: unknown) => unknown][];
}

export function attachSocketGateway(io: BuyerServer, deps: GatewayDeps): void {
  const { registry, buyerApi, sessions, metrics, logger, limits, orderAccess } = deps;

  io.use(
    guardedMiddleware(logger, (socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : readCookie(socket.handshake.headers.cookie, BUYER_COOKIE);
      const buyerId = sessions.verify(token);
      if (!buyerId) return next(handshakeError('unauthorized', 'Open the site first, or get a token from POST /api/session.'));
      socket.data.buyerId = buyerId;
      next();
    }),
  );

  // The handlers are built once and shared by every socket (`this` is the socket): per-socket
  // closures and listener entries were ~1.4 KB of heap on each idle connection.
  type Handler = (socket: BuyerSocket, payload: unknown) => unknown;
  const handlers = new Map<string, Handler>([
    ['event:join', async (socket, payload): Promise<JoinAck> => {
      const parsed = joinEventSchema.safeParse(payload);
      if (!parsed.success) return invalidRequest(parsed.error);
      const runtime = await registry.settled(parsed.data.eventId);
      if (!runtime) return fail('not_found', 'No such event.');
      // Snapshot and room join happen in the same turn: no delta can fall between them.
      // The statuses string is built once per committed version and shared by every join.
      const feed = runtime.seatFeed;
      const snapshot = feed.snapshot();
      void socket.join(eventRoom(runtime.eventId));
      const maxExtensions = runtime.view.rules.maxExtensions;
      return {
        ok: true,
        eventId: runtime.eventId,
        version: snapshot.version,
        layoutKey: feed.layoutKey,
        statuses: snapshot.statuses,
        myHolds: runtime.view.holdsOf(socket.data.buyerId).map((h) => holdView(runtime.eventId, h, maxExtensions)),
      };
    }],
    ['event:leave', (socket, payload): LeaveAck => {
      const parsed = leaveEventSchema.safeParse(payload);
      if (!parsed.success) return invalidRequest(parsed.error);
      void socket.leave(eventRoom(parsed.data.eventId));
      return { ok: true, eventId: parsed.data.eventId };
    }],
    ['hold:create', (socket, payload) => buyerApi.createHold(socket.data.buyerId, payload, socket.handshake.address)],
    ['hold:extend', (socket, payload) => buyerApi.extendHold(socket.data.buyerId, payload)],
    ['hold:release', (socket, payload) => buyerApi.releaseHold(socket.data.buyerId, payload)],
    ['hold:confirm', (socket, payload) => buyerApi.confirmHold(socket.data.buyerId, payload)],
    ['order:watch', (socket, payload) => watchOrder(socket, payload, orderAccess)],
    ['order:unwatch', (socket, payload) => unwatchOrder(socket, payload)],
    ...(deps.extraHandlers ?? []),
  ] satisfies [keyof ClientToServerEvents, Handler][]);

  // Every client→server event: (payload?, ack). Unknown events, and events without an ack, are
  // ignored: the client could not learn the outcome, so we do not act on them.
  function onClientEvent(this: BuyerSocket, event: string, ...args: unknown[]): void {
    const run = handlers.get(event);
    const ack = args[args.length - 1];
    if (!run || typeof ack !== 'function') return;
    const payload = args.length > 1 ? args[0] : undefined;
    const socket = this;
    limits
      .take(this.handshake.address, this.id)
      .then((waitMs) =>
        waitMs > 0 ? fail('rate_limited', 'Too many requests from this connection; slow down.', { retryAfterMs: waitMs }) : run(socket, payload),
      )
      .then(
        (reply) => ack(reply),
        (error: unknown) => {
          logger.error({ err: error, event, address: socket.handshake.address }, 'socket handler failed');
          ack(fail('internal', 'Something went wrong on our side; nothing changed.'));
        },
      );
  }

  function onDisconnect(this: BuyerSocket): void {
    metrics.socketsConnected.dec();
    limits.forgetConnection(this.id);
  }

  io.on('connection', (socket: BuyerSocket) => {
    void socket.join(buyerRoom(socket.data.buyerId));
    metrics.socketsConnected.inc();
    socket.on('disconnect', onDisconnect);
    socket.onAny(onClientEvent);
  });

  /** The last version each event's viewers were sent: a version without seat changes is folded into the next update. */
  const broadcastVersions = new Map<string, number>();
  // Every process tells its own sockets (io.local), from its own view of the event: in the
  // distributed mode every process applies every notice, so a broadcast through the adapter
  // would reach each socket once per process. Snapshot and deltas then come from one version line.
  const local = io.local;
  registry.onCommitted((runtime, notice) => {
    const eventId = runtime.eventId;
    if (notice.eventChange) local.to(eventRoom(eventId)).emit('event:changed', { eventId, change: notice.eventChange });
    if (notice.eventChange === 'deleted') broadcastVersions.delete(eventId);
    else if (notice.eventChange === 'layout') broadcastVersions.set(eventId, notice.version);
    else if (notice.seats.length > 0) {
      // One frame per committed version that changed seats, no timer: under load the loop's batches
      // already bound frames per viewer (see docs/benchmarks.md, "Fan-out"); a timer only adds delay.
      const fromVersion = (broadcastVersions.get(eventId) ?? notice.version - 1) + 1;
      local.to(eventRoom(eventId)).emit('seats:update', seatsUpdateOf(runtime, fromVersion, notice));
      broadcastVersions.set(eventId, notice.version);
    }
    for (const ended of notice.holdsEnded) {
      if (!isNoticeToHolder(ended.reason)) continue;
      const holdNotice = { holdId: ended.id, eventId, seatIds: ended.seatIds };
      if (ended.reason === 'expired') local.to(buyerRoom(ended.buyerId)).emit('hold:expired', holdNotice);
      else local.to(buyerRoom(ended.buyerId)).emit('hold:released', { ...holdNotice, reason: ended.reason });
    }
  });
  // This process re-read the event (a replica that missed notices, or a loop that took over here):
  // deltas continue from its version, and viewers below it take a fresh snapshot now.
  registry.onResynced((runtime) => {
    const version = runtime.view.version;
    broadcastVersions.set(runtime.eventId, version);
    local.to(eventRoom(runtime.eventId)).emit('seats:resync', { eventId: runtime.eventId, version });
  });
}

const PUBLIC_CODE_OF_CORE = { a: SEAT_STATUS_CODES.available, h: SEAT_STATUS_CODES.held, s: SEAT_STATUS_CODES.sold, b: SEAT_STATUS_CODES.sold } as const;

/** Committed versions `fromVersion`…`notice.version` as a seats:update: the changes as a delta against the layout order. */
export function seatsUpdateOf(runtime: EventRuntime, fromVersion: number, notice: CommitNotice): SeatsUpdate {
  const feed = runtime.seatFeed;
  const indices: number[] = [];
  const codes: string[] = [];
  for (const [seatId, code] of notice.seats) {
    const i = feed.indexOf(seatId);
    if (i === undefined) continue;
    indices.push(i);
    codes.push(PUBLIC_CODE_OF_CORE[code]);
  }
  return { eventId: runtime.eventId, fromVersion, version: notice.version, delta: encodeSeatDelta(indices, codes) };
}
