// Builds the whole server: database, one loop per event, Socket.IO gateway,
// HTTP API and (optionally) Next.js, all on one HTTP server and one port.
import { createServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server as SocketIOServer } from 'socket.io';
import { openDatabase, type DatabaseHandle } from '../db/connection';
import { seedDemoIfEmpty } from '../db/seed';
import { getOrCreateSetting, newSecret } from '../db/settings';
import { fail } from '../lib/protocol';
import { BuyerApi } from './buyerApi';
import { BuyerSessions } from './buyerSession';
import type { ServerConfig } from './config';
import { EventRegistry } from './eventRegistry';
import { registerBuyerRoutes } from './http/buyerRoutes';
import { registerOrderRoutes } from './http/orderRoutes';
import { registerOrderAccessRoutes } from './admin/orderAccessRoutes';
import { createAfterPurchase } from './afterPurchase';
import type { FindTickets } from './findTickets';
import type { OutboxSender } from './mail/outboxSender';
import type { OrderAccess } from './orderAccess';
import { announceAccessRevoked, announceOrderChanges } from './orderWatch';
import { AdminAuth } from './admin/adminAuth';
import { attachAdminGateway } from './admin/adminGateway';
import { registerAdminRoutes } from './admin/adminRoutes';
import { Router, sendAck, sendJson } from './http/router';
import { cryptoIds } from './ids';
import { createLogger, type Logger } from './logger';
import type { Timers } from './loop/reservationLoop';
import { Metrics } from './metrics';
import { RequestLimits } from './rateLimiter';
import type { IdSource } from './reservations/types';
import { attachSocketGateway, eventRoom, type BuyerServer } from './socketGateway';

export interface AppOptions {
  /** Serve the Next.js pages too (false in server tests: API + Socket.IO only). */
  withNext?: boolean;
  clock?: () => number;
  timers?: Timers;
  ids?: IdSource;
  logger?: Logger;
}

export interface RunningApp {
  url: string;
  port: number;
  httpServer: HttpServer;
  io: BuyerServer;
  registry: EventRegistry;
  handle: DatabaseHandle;
  metrics: Metrics;
  logger: Logger;
  /** The outbox's background sender (tests await `mail.drain()`). */
  mail: OutboxSender;
  orderAccess: OrderAccess;
  findTickets: FindTickets;
  /** PUBLIC_URL, or http://localhost:<port> when it is not set. */
  publicUrl: string;
  close(): Promise<void>;
}

/** Socket.IO message cap: the largest legitimate payload is a confirm, well under this. */
const SOCKET_MAX_BYTES = 100_000;
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** /admin and everything under it, except the login page itself. */
function isAdminPage(pathname: string): boolean {
  return (pathname === '/admin' || pathname.startsWith('/admin/')) && pathname !== '/admin/login';
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** What a connection keeps of its first HTTP request (see trimSocketRequests). */
interface TrimmedRequest {
  headers: { cookie?: string };
  connection: { encrypted: boolean };
}

/** The only parts of the request the namespaces' handshakes read: the session cookie (buyer and admin). */
function trimmedRequest(req: IncomingMessage): TrimmedRequest {
  const cookie = req.headers.cookie;
  return {
    headers: cookie === undefined ? {} : { cookie },
    // Socket.IO derives `handshake.secure` from this.
    connection: { encrypted: (req.socket as { encrypted?: boolean } | null)?.encrypted === true },
  };
}

/** engine.io's stand-in response for a WebSocket upgrade (not a ServerResponse). */
interface UpgradeResponse {
  req?: unknown;
  socket: { rawListeners(event: 'close'): unknown[]; removeListener(event: 'close', listener: (...args: unknown[]) => void): unknown };
}

function isUpgradeResponse(res: unknown): res is UpgradeResponse {
  if (res instanceof ServerResponse || typeof res !== 'object' || res === null || !('req' in res) || !('socket' in res)) return false;
  const socket = (res as { socket: unknown }).socket;
  return typeof socket === 'object' && socket !== null && typeof (socket as { rawListeners?: unknown }).rawListeners === 'function';
}

/**
 * Memory per idle connection (Socket.IO's "discard the initial HTTP request" tip, made effective):
 * - every engine.io connection keeps its first request for Socket.IO to build each namespace's
 *   `handshake` from, including namespaces joined later over the same connection (/admin after /).
 *   We replace it with a plain object holding only the cookie, so the IncomingMessage with all its
 *   headers, raw headers and stream state can be collected;
 * - engine.io also keeps each WebSocket upgrade request alive for the connection's lifetime: its
 *   stand-in response holds `req`, and a 'close' listener it puts on the TCP socket (only to
 *   re-emit 'close' for middlewares, of which we have none that listen) holds the response.
 *   Once the 101 headers are written (engine.io deletes the response's header store then) the
 *   response is finished, so we drop both. Without this the first step frees nothing for
 *   WebSocket clients. Measured in bench/memory.ts.
 */
function trimSocketRequests(io: BuyerServer): void {
  const upgrades = new WeakMap<IncomingMessage, { res: UpgradeResponse; onClose: unknown }>();
  // Registered first, so it runs right after engine.io built the response: the TCP socket's
  // newest 'close' listener is then the response's own `once` wrapper. Anything else (say a
  // plain `on` listener of Node's http server) is left alone: then only `req` is dropped.
  io.engine.use((req: IncomingMessage, res: unknown, next: () => void) => {
    if (isUpgradeResponse(res)) {
      const newest = res.socket.rawListeners('close').at(-1) as { listener?: unknown } | undefined;
      upgrades.set(req, { res, onClose: typeof newest?.listener === 'function' ? newest : undefined });
    }
    next();
  });
  io.engine.on('headers', (_headers: unknown, req: IncomingMessage) => {
    const upgrade = upgrades.get(req);
    if (!upgrade) return;
    upgrades.delete(req);
    if (typeof upgrade.onClose === 'function') upgrade.res.socket.removeListener('close', upgrade.onClose as (...args: unknown[]) => void);
    upgrade.res.req = undefined;
  });
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = trimmedRequest(raw.request as IncomingMessage);
  });
}

export async function startApp(config: ServerConfig, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? Date.now;
  const handle = openDatabase(config.databasePath, { synchronous: config.synchronous, busyTimeoutMs: config.busyTimeoutMs });
  if (config.seedDemo && seedDemoIfEmpty(handle, clock(), config.maxSeatsPerBuyer)) {
    logger.info('seeded the demo events (demo-theatre, demo-arena)');
  }
  const sessions = new BuyerSessions(config.sessionSecret ?? getOrCreateSetting(handle, 'session_secret', newSecret));
  const metrics = new Metrics();
  const registry = new EventRegistry({
    handle,
    ids: options.ids ?? cryptoIds,
    clock,
    timers: options.timers,
    holdTtlMs: config.holdTtlMs,
    mailboxCapacity: config.mailboxCapacity,
    maxBatchSize: config.maxBatchSize,
    checkInvariants: config.checkInvariants,
    faultKillInCommit: config.faultKillInCommit,
    metrics,
    logger,
  });
  if (config.faultKillInCommit !== undefined) logger.warn({ at: config.faultKillInCommit }, 'FAULT_KILL_IN_COMMIT is set: this process will kill itself mid-commit');
  registry.startAll();
  const buyerApi = new BuyerApi(registry);
  const adminAuth = new AdminAuth({
    password: config.adminPassword,
    secret: getOrCreateSetting(handle, 'admin_session_secret', newSecret),
    clock,
  });
  if (adminAuth.generatedPassword) {
    // Printed once, to this process's log only; it is never stored (only its hash, in memory).
    logger.warn({ adminPassword: adminAuth.generatedPassword }, 'ADMIN_PASSWORD is not set: generated an organizer password for this run');
  }

  // Links in emails need the port we actually listen on when PUBLIC_URL is not set: filled in below.
  let publicUrl = config.publicUrl ?? '';
  const { orderAccess, mail, findTickets } = createAfterPurchase({ config, handle, registry, logger, clock, publicUrl: () => publicUrl });

  const limits = new RequestLimits(config.rateLimitSocketPerSec, config.rateLimitIpPerSec, clock);
  const router = new Router();
  registerBuyerRoutes(router, { registry, buyerApi, sessions, secureCookies: false });
  registerOrderRoutes(router, { registry, sessions, handle, access: orderAccess, findTickets });
  // Assigned once Socket.IO exists (below); routes only call it per request.
  let viewersOf: (eventId: string) => number = () => 0;
  registerAdminRoutes(router, {
    auth: adminAuth,
    sessions,
    registry,
    handle,
    maxSeatsPerBuyer: config.maxSeatsPerBuyer,
    defaultHoldTtlMs: config.holdTtlMs,
    viewersOf: (eventId) => viewersOf(eventId),
    clock,
    secureCookies: false,
  });
  // Assigned once Socket.IO exists (below).
  let revoked: (orderId: string) => Promise<void> = async () => {};
  registerOrderAccessRoutes(router, {
    auth: adminAuth,
    sessions,
    handle,
    access: orderAccess,
    clock,
    queued: () => mail.nudge(),
    revoked: (orderId) => revoked(orderId),
  });
  router.add('GET', '/metrics', async ({ req, res }) => {
    const authorized = config.metricsToken
      ? req.headers.authorization === `Bearer ${config.metricsToken}`
      : isLoopback(req.socket.remoteAddress);
    if (!authorized) return sendAck(res, fail('forbidden', 'Metrics are served to loopback or with METRICS_TOKEN.'));
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  });

  let nextHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  if (options.withNext !== false) {
    const { default: next } = await import('next');
    const nextApp = next({ dev: config.dev, dir: projectRoot, hostname: config.host, port: config.port });
    await nextApp.prepare();
    const handler = nextApp.getRequestHandler();
    nextHandler = (req, res) => handler(req, res);
  }

  const httpServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = url.pathname.startsWith('/api/') || url.pathname === '/metrics';
    if (isApi && url.pathname !== '/api/health') {
      const waitMs = limits.take(req.socket.remoteAddress ?? 'unknown');
      if (waitMs > 0) {
        req.resume();
        return sendAck(res, fail('rate_limited', 'Too many requests from this address; slow down.', { retryAfterMs: waitMs }));
      }
    }
    const work = isApi
      ? router.handle(req, res, url).then((handled) => {
          if (!handled) sendAck(res, fail('not_found', `No route ${req.method} ${url.pathname}.`));
        })
      : servePage(req, res, url);
    work.catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) sendAck(res, fail('internal', 'Something went wrong on our side; nothing changed.'));
      else res.destroy();
    });
  });

  async function servePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!nextHandler) return sendJson(res, 404, JSON.stringify(fail('not_found', 'Pages are not served by this instance.')));
    // Organizer pages need an organizer session; everything else is public.
    if (isAdminPage(url.pathname) && !adminAuth.fromRequest(req)) {
      res.writeHead(302, { location: `/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    // Every visitor gets an anonymous buyer session on first page load.
    if (!url.pathname.startsWith('/_next/') && !sessions.fromRequest(req)) {
      res.setHeader('set-cookie', sessions.cookieHeader(sessions.issue().token, false));
    }
    await nextHandler(req, res);
  }

  const io: BuyerServer = new SocketIOServer(httpServer, {
    maxHttpBufferSize: SOCKET_MAX_BYTES,
    serveClient: false,
    // Explicit, although it is engine.io's default: a deflate context per WebSocket costs far
    // more memory than the small frames here save. (Polling responses keep engine.io's default
    // httpCompression: it holds no per-connection state, only per response.)
    perMessageDeflate: false,
  });
  trimSocketRequests(io);
  attachSocketGateway(io, { registry, buyerApi, sessions, metrics, logger, limits, orderAccess });
  announceOrderChanges(io, registry);
  revoked = (orderId) => announceAccessRevoked(io, orderId);
  viewersOf = (eventId) => io.of('/').adapter.rooms.get(eventRoom(eventId))?.size ?? 0;
  const stopAdminGateway = attachAdminGateway(io as never, { auth: adminAuth, registry, viewersOf, logger });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  publicUrl ||= `http://localhost:${port}`;
  logger.info({ url, publicUrl, database: config.databasePath }, 'seatline listening');
  // Also sends whatever was queued and not sent before a restart.
  mail.start();

  let closed = false;
  return {
    url,
    port,
    httpServer,
    io,
    registry,
    handle,
    metrics,
    logger,
    mail,
    orderAccess,
    findTickets,
    publicUrl,
    async close() {
      if (closed) return;
      closed = true;
      registry.stopAll();
      await findTickets.settled();
      await mail.stop();
      stopAdminGateway();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      handle.close();
    },
  };
}
