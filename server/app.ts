// Builds the whole server: database, one loop per event, Socket.IO gateway,
// HTTP API and (optionally) Next.js, all on one HTTP server and one port.
import { createServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server as SocketIOServer } from 'socket.io';
import { randomBytes } from 'node:crypto';
import { openStore } from '../db/openStore';
import { seedDemoIfEmpty } from '../db/seed';
import type { Store } from '../db/store';
import { fail } from '../lib/protocol';
import { AdminAuth } from './admin/adminAuth';
import { attachAdminGateway } from './admin/adminGateway';
import { registerAdminRoutes } from './admin/adminRoutes';
import { StoredAdminSessions, type AdminSessionStore } from './admin/adminSessionStore';
import { BucketLoginThrottle } from './admin/loginThrottle';
import { BuyerApi } from './buyerApi';
import { BuyerSessions } from './buyerSession';
import type { ServerConfig } from './config';
import { EventRegistry } from './eventRegistry';
import { registerBuyerRoutes } from './http/buyerRoutes';
import { ClientInfo, isLoopback } from './http/clientInfo';
import { onClientError } from './http/clientError';
import { OriginPolicy } from './http/originPolicy';
import { pageServer, type PageHandler } from './http/pages';
import { Router, sendAck } from './http/router';
import { bearerToken, secretsEqual } from './http/secrets';
import { API_CSP, setBaseSecurityHeaders } from './http/securityHeaders';
import { registerOrderRoutes } from './http/orderRoutes';
import { registerOrderAccessRoutes } from './admin/orderAccessRoutes';
import { registerClusterRoutes } from './admin/clusterRoutes';
import { embeddedClusterStatus, eventNamesOf, storedClusterStatus } from './admin/clusterStatus';
import { createAfterPurchase } from './afterPurchase';
import type { FindTickets } from './findTickets';
import type { OutboxSender } from './mail/outboxSender';
import type { OrderAccess } from './orderAccess';
import { announceAccessRevoked, announceOrderChanges } from './orderWatch';
import { cryptoIds } from './ids';
import { createLogger, type Logger } from './logger';
import type { Timers } from './loop/reservationLoop';
import { Metrics } from './metrics';
import { memoryRateLimitStores, RequestLimits, type RateLimitStores } from './rateLimiter';
import type { IdSource } from '../core/types';
import { attachSocketGateway } from './socketGateway';
import { eventRoom, type BuyerServer } from './buyerSockets';
import { handshakeFactsOf, handshakeGuard } from './socketHandshake';
import { trimSocketRequests } from './socketRequests';
import { createWaitingRoom } from './waitingRoom/waitingRoom';
import { ClusterNode } from './cluster/clusterNode';
import type { LiveFigures } from './admin/eventStats';

export interface AppOptions {
  /** Serve the Next.js pages too (false in server tests: API + Socket.IO only). */
  withNext?: boolean;
  clock?: () => number;
  timers?: Timers;
  ids?: IdSource;
  logger?: Logger;
  /** Answers page requests instead of Next.js (tests: a stand-in that answers like a production build). */
  pageHandler?: PageHandler;
  /** Where rate-limit buckets live (default: this process's memory; a cluster shares them). */
  rateLimitStores?: RateLimitStores;
  /** Where organizer logouts are kept (default: this server's database). */
  adminSessions?: AdminSessionStore;
}

export interface RunningApp {
  url: string;
  port: number;
  httpServer: HttpServer;
  io: BuyerServer;
  registry: EventRegistry;
  /** The distributed mode's membership (null in the embedded mode). */
  cluster: ClusterNode | null;
  store: Store;
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
const newSecret = () => randomBytes(32).toString('base64url');

export async function startApp(config: ServerConfig, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? Date.now;
  const store = await openStore({ ...config, applicationName: config.cluster ? `seatline:${config.cluster.instanceId}` : undefined });
  if (config.seedDemo && (await seedDemoIfEmpty(store, clock(), config.maxSeatsPerBuyer))) {
    logger.info('seeded the demo events (demo-theatre, demo-arena)');
  }
  const sessions = new BuyerSessions(config.sessionSecret ?? (await store.getOrCreateSetting('session_secret', newSecret)));
  const metrics = new Metrics();
  const registry = new EventRegistry({
    store,
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
    mode: config.cluster ? 'distributed' : 'embedded',
  });
  // The distributed mode (REDIS_URL with a PostgreSQL store): docs/scaling.md.
  const cluster = config.cluster ? new ClusterNode({ config: config.cluster, store, registry, logger }) : null;
  const socketAdapter = cluster ? await cluster.connect() : null;
  if (config.faultKillInCommit !== undefined) logger.warn({ at: config.faultKillInCommit }, 'FAULT_KILL_IN_COMMIT is set: this process will kill itself mid-commit');
  await registry.startAll();
  const rateLimitStores = options.rateLimitStores ?? cluster?.rateLimitStores ?? memoryRateLimitStores(clock);
  // Seats held at once per address: counted in Redis when there is a cluster, else in this process (the default).
  const addressHolds = cluster && config.limitHeldSeatsPerAddress > 0 ? await cluster.addressHoldLimit(config.limitHeldSeatsPerAddress, clock) : undefined;
  const waitingRoom = await createWaitingRoom({
    store,
    registry,
    clock,
    timers: options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
    limits: {
      sessionsPerAddressPerHour: config.limitSessionsPerAddressPerHour,
      queueEntriesPerAddressPerHour: config.limitQueueEntriesPerAddressPerHour,
      heldSeatsPerAddress: config.limitHeldSeatsPerAddress,
      powMaxNumber: config.powMaxNumber,
      stepMs: config.waitingRoomStepMs,
    },
    rateLimitStores,
    logger,
    addressHolds,
    roomChanges: cluster?.roomChanges,
    directoryRefreshMs: config.waitingRoomRefreshMs,
  });
  const buyerApi = new BuyerApi(registry, waitingRoom.holdGuard);
  const adminAuth = new AdminAuth({
    password: config.adminPassword,
    secret: await store.getOrCreateSetting('admin_session_secret', newSecret),
    // Persisted, so the same password gives the same signing key after a restart and in every
    // process; a different password gives a different key (see adminAuth.ts).
    passwordSalt: await store.getOrCreateSetting('admin_password_salt', newSecret),
    revocations: options.adminSessions ?? new StoredAdminSessions(store, clock),
    throttle: new BucketLoginThrottle(rateLimitStores),
    clock,
  });
  if (adminAuth.generatedPassword) {
    // Printed once, to this process's log only; it is never stored (only its hash, in memory).
    logger.warn({ adminPassword: adminAuth.generatedPassword }, 'ADMIN_PASSWORD is not set: generated an organizer password for this run');
  }

  const clientInfo = new ClientInfo(config.trustProxy, config.publicOrigin?.startsWith('https:') ?? false);
  const originPolicy = new OriginPolicy({ publicOrigin: config.publicOrigin, allowedOrigins: config.allowedOrigins });
  const secureCookies = (req: IncomingMessage) => clientInfo.isHttps(req);
  // Links in emails need the port we actually listen on when PUBLIC_URL is not set: filled in below.
  let publicUrl = config.publicOrigin ?? '';
  const { orderAccess, mail, findTickets } = await createAfterPurchase({ config, store, registry, logger, clock, publicUrl: () => publicUrl });

  const limits = new RequestLimits(config.rateLimitSocketPerSec, config.rateLimitIpPerSec, clock, rateLimitStores);
  const router = new Router();
  const clientAddress = (req: IncomingMessage) => clientInfo.address(req);
  const sessionAllowance = (req: IncomingMessage) => waitingRoom.sessionAllowance(clientAddress(req));
  registerBuyerRoutes(router, { registry, buyerApi, sessions, secureCookies, clientAddress, sessionAllowance, health: () => cluster?.health() ?? {} });
  registerOrderRoutes(router, { registry, sessions, store, access: orderAccess, findTickets, clientInfo });
  // Assigned once Socket.IO exists (below); routes only call it per request.
  let localViewers: (eventId: string) => number = () => 0;
  const figures: LiveFigures = cluster?.figures() ?? {
    viewersOf: (eventId) => localViewers(eventId),
    mailboxDepthOf: (eventId) => registry.get(eventId)?.loop?.mailboxDepth ?? 0,
  };
  registerAdminRoutes(router, {
    auth: adminAuth,
    sessions,
    registry,
    store,
    maxSeatsPerBuyer: config.maxSeatsPerBuyer,
    defaultHoldTtlMs: config.holdTtlMs,
    figures,
    clock,
    clientAddress: (req) => clientInfo.address(req),
    secureCookies,
  });
  // Assigned once Socket.IO exists (below).
  let revoked: (orderId: string) => Promise<void> = async () => {};
  registerOrderAccessRoutes(router, {
    auth: adminAuth,
    sessions,
    store,
    access: orderAccess,
    clock,
    queued: () => mail.nudge(),
    revoked: (orderId) => revoked(orderId),
  });
  // The console's cluster view (distributed mode: storedClusterStatus over store.leases instead).
  registerClusterRoutes(router, {
    auth: adminAuth,
    sessions,
    logger,
    clusterStatus: cluster
      ? storedClusterStatus({ leases: store.leases, instanceId: cluster.instanceId, eventNames: () => eventNamesOf(registry), mailboxCapacity: config.mailboxCapacity })
      : embeddedClusterStatus({ registry, viewersOf: (eventId) => localViewers(eventId), sockets: () => io.engine.clientsCount, url: () => publicUrl, clock, mailboxCapacity: config.mailboxCapacity }),
  });
  router.add('GET', '/metrics', async ({ req, res }) => {
    const authorized = config.metricsToken
      ? secretsEqual(bearerToken(req.headers.authorization), config.metricsToken)
      : isLoopback(clientInfo.address(req));
    if (!authorized) return sendAck(res, fail('forbidden', 'Metrics are served to loopback or with METRICS_TOKEN.'));
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  });

  let pageHandler: PageHandler | null = options.pageHandler ?? null;
  if (!pageHandler && options.withNext !== false) {
    const { default: next } = await import('next');
    const nextApp = next({ dev: config.dev, dir: projectRoot, hostname: config.host, port: config.port });
    await nextApp.prepare();
    const handler = nextApp.getRequestHandler();
    pageHandler = (req, res) => handler(req, res);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    setBaseSecurityHeaders(res, clientInfo.isHttps(req));
    const isApi = url.pathname.startsWith('/api/') || url.pathname === '/metrics';
    if (isApi) res.setHeader('content-security-policy', API_CSP);
    // Cross-site request forgery: a state-changing request from another site's page is refused
    // before anything reads it (pages and API alike; see originPolicy.ts).
    if (OriginPolicy.changesState(req.method)) {
      const refusal = originPolicy.refusal(req.headers, clientInfo.protocol(req));
      if (refusal) {
        req.resume();
        return sendAck(res, fail('forbidden', refusal));
      }
    }
    if (!isApi) return servePage(req, res, url);
    if (url.pathname !== '/api/health') {
      const waitMs = await limits.take(clientInfo.address(req));
      if (waitMs > 0) {
        req.resume();
        return sendAck(res, fail('rate_limited', 'Too many requests from this address; slow down.', { retryAfterMs: waitMs }));
      }
    }
    if (!(await router.handle(req, res, url))) sendAck(res, fail('not_found', `No route ${req.method} ${url.pathname}.`));
  }

  const httpServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    handleRequest(req, res, url).catch((error: unknown) => {
      logger.error({ err: error, url: req.url, address: clientInfo.address(req) }, 'request failed');
      if (!res.headersSent) sendAck(res, fail('internal', 'Something went wrong on our side; nothing changed.'));
      else res.destroy();
    });
  });

  httpServer.on('clientError', onClientError);
  const servePage = pageServer({ handler: pageHandler, adminAuth, sessions, clientInfo, dev: config.dev, sessionAllowance });

  const io: BuyerServer = new SocketIOServer(httpServer, {
    maxHttpBufferSize: SOCKET_MAX_BYTES,
    serveClient: false,
    // Explicit, although it is engine.io's default: a deflate context per WebSocket costs far
    // more memory than the small frames here save. (Polling responses keep engine.io's default
    // httpCompression: it holds no per-connection state, only per response.)
    perMessageDeflate: false,
    ...(socketAdapter
      ? {
          adapter: socketAdapter,
          // A client that reconnects (to any process) within this time gets its rooms back and the
          // room messages it missed; seat maps re-join for a snapshot either way.
          connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: false },
        }
      : {}),
  });
  trimSocketRequests(io, (req) => handshakeFactsOf(req, clientInfo, originPolicy));
  // Before each namespace's own authentication: origin, then the address's rate limit.
  io.use(handshakeGuard(limits, logger));
  io.of('/admin').use(handshakeGuard(limits, logger));
  attachSocketGateway(io, { registry, buyerApi, sessions, metrics, logger, limits, orderAccess, extraHandlers: [['queue:join', waitingRoom.socketHandler]] });
  announceOrderChanges(io, registry);
  revoked = (orderId) => announceAccessRevoked(io, orderId);
  const detachWaitingRoom = waitingRoom.attach({ io, router, sessions, auth: adminAuth, clientAddress });
  localViewers = (eventId) => io.of('/').adapter.rooms.get(eventRoom(eventId))?.size ?? 0;
  const stopAdminGateway = attachAdminGateway(io as never, { auth: adminAuth, registry, figures, logger });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  publicUrl ||= `http://localhost:${port}`;
  // The process's own address (PUBLIC_URL is the load balancer's, the same for every process).
  cluster?.start({ channel: io, localViewers, localSockets: () => io.of('/').sockets.size }, url);
  logger.info({ url, publicUrl, store: store.dialect, database: store.location }, 'seatline listening');
  // Also sends whatever was queued and not sent before a restart.
  mail.start();

  let closed = false;
  return {
    url,
    port,
    httpServer,
    io,
    registry,
    cluster,
    store,
    metrics,
    logger,
    mail,
    orderAccess,
    findTickets,
    publicUrl,
    async close() {
      if (closed) return;
      closed = true;
      // First: hand this process's events to the others (their loops stop after the batch in flight).
      await cluster?.close();
      await registry.stopAll();
      detachWaitingRoom();
      await findTickets.settled();
      await mail.stop();
      stopAdminGateway();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      cluster?.disconnectAdapter();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await store.close();
    },
  };
}
