// The organizer's live view: Socket.IO namespace /admin. Admin login is
// required to connect; watchers of an event get its figures every second.
import type { Server } from 'socket.io';
import {
  watchSchema,
  type AdminClientToServerEvents,
  type AdminEventStats,
  type AdminServerToClientEvents,
} from '../../lib/adminProtocol';
import { fail, invalidRequest } from '../../lib/protocol';
import { readCookie } from '../buyerSession';
import type { EventRegistry, EventRuntime } from '../eventRegistry';
import type { Logger } from '../logger';
import { guardedMiddleware, handshakeError } from '../socketHandshake';
import { ADMIN_COOKIE, type AdminAuth } from './adminAuth';
import type { LiveFigures } from './eventStats';

const PUSH_INTERVAL_MS = 1000;
const watchRoom = (eventId: string) => `watch:${eventId}`;

export function adminStatsOf(runtime: EventRuntime, figures: LiveFigures): AdminEventStats {
  return runtime.stats.snapshot({
    view: runtime.view,
    categories: runtime.detail.categories,
    seatById: runtime.seatById,
    viewers: figures.viewersOf(runtime.eventId),
    mailboxDepth: figures.mailboxDepthOf(runtime.eventId),
  });
}

export interface AdminGatewayDeps {
  auth: AdminAuth;
  registry: EventRegistry;
  figures: LiveFigures;
  logger: Logger;
}

/** Attaches /admin; returns a function that stops its timer. */
export function attachAdminGateway(io: Server, deps: AdminGatewayDeps): () => void {
  const { auth, registry } = deps;
  const admin = io.of('/admin') as unknown as import('socket.io').Namespace<AdminClientToServerEvents, AdminServerToClientEvents>;

  admin.use(
    guardedMiddleware(deps.logger, (socket, next) => {
      const given = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof given?.token === 'string' ? given.token : readCookie(socket.handshake.headers.cookie, ADMIN_COOKIE);
      auth.verify(token).then(
        (sessionId) => {
          if (!sessionId) return next(handshakeError('unauthorized', 'Sign in as an organizer.'));
          socket.data.token = token;
          next();
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'admin handshake failed');
          next(handshakeError('internal', 'Something went wrong on our side; try again.'));
        },
      );
    }),
  );

  /** Sessions end by logout or expiry: a socket opened with one must not outlive it. */
  const stillSignedIn = async (socket: { data: { token?: string }; disconnect(close?: boolean): unknown }): Promise<boolean> => {
    if (await auth.verify(socket.data.token)) return true;
    socket.disconnect(true);
    return false;
  };

  admin.on('connection', (socket) => {
    // The session check is asynchronous; a socket's requests still take effect in the order sent
    // (watch then unwatch must not end up watching).
    let queue: Promise<void> = Promise.resolve();
    const inOrder = (work: () => Promise<void> | void) => {
      queue = queue.then(work).catch((error: unknown) => deps.logger.error({ err: error }, 'admin socket request failed'));
    };
    socket.on('admin:watch', (payload, ack) => {
      if (typeof ack !== 'function') return;
      inOrder(async () => {
        let signedIn: boolean;
        try {
          signedIn = await stillSignedIn(socket);
        } catch (error) {
          deps.logger.error({ err: error }, 'admin session check failed');
          return ack(fail('internal', 'Something went wrong on our side; try again.') as never);
        }
        if (!signedIn) return;
        const parsed = watchSchema.safeParse(payload);
        if (!parsed.success) return ack(invalidRequest(parsed.error) as never);
        const runtime = registry.get(parsed.data.eventId);
        if (!runtime) return ack(fail('not_found', 'No such event.') as never);
        void socket.join(watchRoom(runtime.eventId));
        ack({ ok: true, stats: adminStatsOf(runtime, deps.figures) });
      });
    });
    socket.on('admin:unwatch', (payload, ack) => {
      inOrder(() => {
        const parsed = watchSchema.safeParse(payload);
        if (parsed.success) void socket.leave(watchRoom(parsed.data.eventId));
        if (typeof ack === 'function') ack({ ok: parsed.success });
      });
    });
  });

  const timer = setInterval(() => {
    for (const socket of admin.sockets.values()) {
      stillSignedIn(socket).catch((error: unknown) => deps.logger.error({ err: error }, 'admin session check failed'));
    }
    for (const runtime of registry.list()) {
      const watchers = admin.adapter.rooms.get(watchRoom(runtime.eventId))?.size ?? 0;
      if (watchers === 0) continue;
      try {
        // Every process pushes to its own watchers (local: through the adapter, each would get one per process).
        admin.local.to(watchRoom(runtime.eventId)).emit('admin:stats', adminStatsOf(runtime, deps.figures));
      } catch (error) {
        deps.logger.error({ err: error, eventId: runtime.eventId }, 'admin stats failed');
      }
    }
  }, PUSH_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
