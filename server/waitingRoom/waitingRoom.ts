// Wires the waiting room into the server (issue 12). Built in two steps:
// `createWaitingRoom` (store-only parts, needed by the hold edge before the
// sockets exist) and `attach` (routes, queue:join, the ticker beside every
// event's loop, the checkout and hold-end listeners).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Store } from '../../db/store';
import { addressKey } from '../http/clientInfo';
import type { AdminAuth } from '../admin/adminAuth';
import type { BuyerSessions } from '../buyerSession';
import type { EventRegistry } from '../eventRegistry';
import type { Router } from '../http/router';
import type { Logger } from '../logger';
import type { Timers } from '../loop/reservationLoop';
import type { RateLimitStores } from '../rateLimiter';
import { buyerRoom, type BuyerServer, type BuyerSocket } from '../buyerSockets';
import { MemoryAddressHoldLimit, type AddressHoldLimit } from './addressHolds';
import { AdmissionTicker } from './admissionTicker';
import { AdmissionTokens } from './admissionTokens';
import { WaitingRoomDirectory, type RoomChangeAnnouncer } from './directory';
import { WaitingRoomHoldGuard } from './holdGuard';
import { AltchaProofOfWork } from './proofOfWork';
import { QueueService } from './queueService';
import { registerWaitingRoomRoutes } from './routes';

export const queueRoom = (eventId: string) => `queue:${eventId}`;

const HOUR_S = 3600;
const DIRECTORY_REFRESH_MS = 2000;
const POW_CHALLENGE_TTL_MS = 5 * 60_000;
const newSecret = () => randomBytes(32).toString('base64url');

export interface WaitingRoomLimits {
  sessionsPerAddressPerHour: number;
  queueEntriesPerAddressPerHour: number;
  heldSeatsPerAddress: number;
  powMaxNumber: number;
  stepMs: number;
}

export interface WaitingRoomOptions {
  store: Store;
  registry: EventRegistry;
  clock: () => number;
  timers: Timers;
  limits: WaitingRoomLimits;
  rateLimitStores: RateLimitStores;
  logger: Logger;
  /** Where "seats held at once per address" is counted (default: this process's memory). */
  addressHolds?: AddressHoldLimit;
  /** Distributed mode: room changes made here are announced to the other processes, and theirs heard here. */
  roomChanges?: RoomChangeAnnouncer & { listen(onChange: (eventId: string) => Promise<void>): void };
  /** How often the directory of rooms that are on is re-read from the store (default 2 s). */
  directoryRefreshMs?: number;
}

export async function createWaitingRoom(options: WaitingRoomOptions) {
  const { store, registry, clock, limits, rateLimitStores, logger } = options;
  const rooms = store.waitingRooms;
  const tokens = new AdmissionTokens(await store.getOrCreateSetting('admission_secret', newSecret));
  const pow = new AltchaProofOfWork({
    hmacKey: await store.getOrCreateSetting('pow_secret', newSecret),
    maxNumber: limits.powMaxNumber,
    challengeTtlMs: POW_CHALLENGE_TTL_MS,
    clock,
  });
  const directory = new WaitingRoomDirectory(rooms, (error) => logger.error({ err: error }, 'reading waiting rooms failed'), options.roomChanges ?? null);
  options.roomChanges?.listen(() => directory.refresh());
  await directory.start(options.directoryRefreshMs ?? DIRECTORY_REFRESH_MS);
  const perHour = (n: number) => ({ ratePerSecond: n / HOUR_S, burst: n });
  const sessionLimit = limits.sessionsPerAddressPerHour > 0 ? rateLimitStores('sessions:address', perHour(limits.sessionsPerAddressPerHour)) : null;
  const entryLimit = limits.queueEntriesPerAddressPerHour > 0 ? rateLimitStores('queue:address', perHour(limits.queueEntriesPerAddressPerHour)) : null;
  const addressHolds = limits.heldSeatsPerAddress > 0 ? (options.addressHolds ?? new MemoryAddressHoldLimit(limits.heldSeatsPerAddress)) : null;
  const queue = new QueueService({ rooms, tokens, pow, entryLimit, eventExists: (id) => registry.get(id) !== undefined, clock });
  const holdGuard = new WaitingRoomHoldGuard({ directory, tokens, addressHolds, clock });

  return {
    holdGuard,
    queue,
    tokens,
    directory,
    /** 0 when this address may have one more session, else ms to wait. */
    sessionAllowance: async (address: string): Promise<number> => (sessionLimit ? sessionLimit.take(addressKey(address)) : 0),

    attach(deps: { io: BuyerServer; router: Router; sessions: BuyerSessions; auth: AdminAuth; clientAddress(req: IncomingMessage): string }): () => void {
      registerWaitingRoomRoutes(deps.router, { rooms, queue, pow, directory, registry, sessions: deps.sessions, auth: deps.auth, clock, clientAddress: deps.clientAddress });
      registry.addSidecar((runtime) => {
        const ticker = new AdmissionTicker({
          eventId: runtime.eventId,
          rooms,
          tokens,
          clock,
          timers: options.timers,
          stepMs: limits.stepMs,
          isEnabled: () => directory.enabled(runtime.eventId),
          seatCounts: () => runtime.view.seatCounts(),
          broadcast: {
            update: (update) => deps.io.to(queueRoom(runtime.eventId)).emit('queue:update', update),
            admitted: (buyerId, notice) => deps.io.to(buyerRoom(buyerId)).emit('queue:admitted', notice),
          },
          onError: (message, error) => logger.error({ err: error, eventId: runtime.eventId }, message),
        });
        // Checking out ends the buyer's window early (idempotent: any process may do it again).
        const unsubscribe = runtime.view.subscribe((notice) => {
          if (!notice?.ordersCreated.length || !directory.enabled(runtime.eventId)) return;
          ticker.checkedOut(notice.ordersCreated).catch((error: unknown) => logger.error({ err: error }, 'ending shopping windows failed'));
        });
        ticker.start();
        return {
          async stop() {
            unsubscribe();
            await ticker.stop();
          },
        };
      });
      // A hold that ended no longer counts against its address; an extended one counts until its new expiry.
      // Every process sees every notice: the limits are idempotent, and never reject.
      registry.onCommitted((_runtime, notice) => {
        if (!addressHolds) return;
        for (const extended of notice.holdsExtended) void addressHolds.extended(extended.id, extended.expiresAt);
        for (const ended of notice.holdsEnded) void addressHolds.ended(ended.id);
      });
      return () => directory.stop();
    },

    /** queue:join over Socket.IO: the ack, and the socket joins the event's queue room for queue:update. */
    socketHandler: async (socket: BuyerSocket, payload: unknown) => {
      const ack = await queue.join(socket.data.buyerId, payload, socket.handshake.address);
      if (ack.ok && ack.roomEnabled) void socket.join(queueRoom(ack.eventId));
      return ack;
    },
  };
}

export type WaitingRoom = Awaited<ReturnType<typeof createWaitingRoom>>;
