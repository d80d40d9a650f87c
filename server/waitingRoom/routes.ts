// The waiting room's HTTP routes: the buyer's queue (join, state, challenge)
// and the organizer's settings and live figures.
import type { IncomingMessage } from 'node:http';
import type { ZodType } from 'zod';
import { fail, invalidRequest, type Ack } from '../../lib/protocol';
import {
  DEFAULT_SHOPPING_WINDOW_MS,
  waitingRoomPauseSchema,
  waitingRoomSettingsSchema,
  type AdminWaitingRoomView,
} from '../../lib/waitingRoom';
import type { WaitingRoomRecord, WaitingRoomStore } from '../../db/waitingRoomStore';
import type { AdminAuth } from '../admin/adminAuth';
import type { BuyerSessions } from '../buyerSession';
import type { EventRegistry } from '../eventRegistry';
import { BodyError, readJsonBody, sendAck, type RequestContext, type Router } from '../http/router';
import type { WaitingRoomDirectory } from './directory';
import type { ProofOfWork } from './proofOfWork';
import type { QueueService } from './queueService';
import { cappedByShoppers, phaseOf } from './roomView';
import { admissionsPerMinute } from '../../lib/queueEstimate';
import { newSeed, seedCommitment } from './shuffle';
import { randomBytes } from 'node:crypto';

export interface WaitingRoomRouteDeps {
  rooms: WaitingRoomStore;
  queue: QueueService;
  pow: ProofOfWork;
  directory: WaitingRoomDirectory;
  registry: EventRegistry;
  sessions: BuyerSessions;
  auth: AdminAuth;
  clock: () => number;
  clientAddress(req: IncomingMessage): string;
}

/**
 * An opening time set in the past means "now": the pre-queue is who joined before the opening time,
 * and someone who joined a minute ago, told they would get a random place, must not become an arrival.
 * An unchanged time is kept as it is.
 */
function openingTime(wanted: number | null, current: number | null, now: number): number | null {
  if (wanted === null || wanted === current) return wanted;
  return Math.max(wanted, now);
}

/** The chart's window: the last hour of admissions and joins. */
const CHART_MS = 60 * 60_000;

async function bodyOf(ctx: RequestContext): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    return { ok: true, body: await readJsonBody(ctx.req) };
  } catch (error) {
    if (error instanceof BodyError) {
      sendAck(ctx.res, fail('invalid_request', error.message), error.status);
      return { ok: false };
    }
    throw error;
  }
}

export async function adminViewOf(rooms: WaitingRoomStore, room: WaitingRoomRecord, now: number): Promise<AdminWaitingRoomView> {
  const phase = phaseOf(room, now);
  const rate = admissionsPerMinute({ ...room, activeShoppers: room.activeCount }, cappedByShoppers(room));
  return {
    eventId: room.eventId,
    enabled: room.enabled,
    admitPerMinute: room.admitPerMinute,
    maxActiveShoppers: room.maxActiveShoppers,
    shoppingWindowMs: room.shoppingWindowMs,
    opensAt: room.opensAt,
    paused: room.paused,
    powRequired: room.powRequired,
    phase,
    openedAt: room.openedAt,
    seedCommitment: room.seedCommitment,
    seed: room.openedAt === null ? null : room.shuffleSeed,
    preQueueCount: room.preQueueCount,
    serving: room.serving,
    lastNumber: room.nextNumber,
    admittedTotal: room.admittedTotal,
    waiting: room.waitingCount,
    activeShoppers: room.activeCount,
    admittedLastMinute: room.admittedLastMinute,
    estimatedDrainMs: (phase === 'open' || phase === 'pre_queue') && rate > 0 ? Math.ceil((room.waitingCount / rate) * 60_000) : null,
    perMinute: await rooms.perMinute(room.eventId, now - CHART_MS),
    at: now,
  };
}

export function registerWaitingRoomRoutes(router: Router, deps: WaitingRoomRouteDeps): void {
  const { rooms, queue, sessions, auth, registry, clock } = deps;

  const asBuyer = (fn: (ctx: RequestContext, buyerId: string) => Promise<void>) => async (ctx: RequestContext) => {
    const buyerId = sessions.fromRequest(ctx.req);
    if (!buyerId) return sendAck(ctx.res, fail('unauthorized', 'No buyer session: open the site first, or get a token from POST /api/session.'));
    await fn(ctx, buyerId);
  };

  router.add(
    'POST',
    '/api/events/:id/queue',
    asBuyer(async (ctx, buyerId) => {
      const body = await bodyOf(ctx);
      if (!body.ok) return;
      const input = typeof body.body === 'object' && body.body !== null ? { ...body.body, eventId: ctx.params.id } : body.body;
      sendAck(ctx.res, await queue.join(buyerId, input, deps.clientAddress(ctx.req)));
    }),
  );

  router.add(
    'GET',
    '/api/events/:id/queue',
    asBuyer(async (ctx, buyerId) => sendAck(ctx.res, await queue.status(ctx.params.id, buyerId))),
  );

  router.add(
    'GET',
    '/api/events/:id/queue/challenge',
    asBuyer(async (ctx, buyerId) => {
      if (!registry.get(ctx.params.id)) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      sendAck(ctx.res, { ok: true, challenge: await deps.pow.challenge(ctx.params.id, buyerId) });
    }),
  );

  // ---------- organizer ----------

  function asAdmin<T>(schema: ZodType<T> | null, fn: (ctx: RequestContext, input: T) => Promise<void>) {
    return async (ctx: RequestContext) => {
      if (!(await auth.fromRequest(ctx.req))) {
        return sendAck(ctx.res, sessions.fromRequest(ctx.req) ? fail('forbidden', 'Organizers only.') : fail('unauthorized', 'Sign in as an organizer.'));
      }
      if (!registry.get(ctx.params.id)) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      let input = undefined as T;
      if (schema) {
        const body = await bodyOf(ctx);
        if (!body.ok) return;
        const parsed = schema.safeParse(body.body);
        if (!parsed.success) return sendAck(ctx.res, invalidRequest(parsed.error));
        input = parsed.data;
      }
      await fn(ctx, input);
    };
  }

  const answer = async (ctx: RequestContext, room: WaitingRoomRecord | null) => {
    const ack: Ack<{ room: AdminWaitingRoomView | null }> = { ok: true, room: room ? await adminViewOf(rooms, room, clock()) : null };
    sendAck(ctx.res, ack);
  };

  router.add(
    'GET',
    '/api/admin/events/:id/waiting-room',
    asAdmin(null, async (ctx) => answer(ctx, await rooms.room(ctx.params.id))),
  );

  router.add(
    'PUT',
    '/api/admin/events/:id/waiting-room',
    asAdmin(waitingRoomSettingsSchema, async (ctx, input) => {
      const existing = await rooms.room(ctx.params.id);
      const seed = newSeed();
      const room = await rooms.configure(
        ctx.params.id,
        {
          enabled: input.enabled,
          admitPerMinute: input.admitPerMinute,
          maxActiveShoppers: input.maxActiveShoppers ?? null,
          shoppingWindowMs: input.shoppingWindowMs ?? existing?.shoppingWindowMs ?? DEFAULT_SHOPPING_WINDOW_MS,
          opensAt: openingTime(input.opensAt ?? null, existing?.opensAt ?? null, clock()),
          paused: input.paused ?? existing?.paused ?? false,
          powRequired: input.powRequired ?? existing?.powRequired ?? false,
        },
        // Only used when the room is created: the commitment is fixed from then on.
        { seed, commitment: seedCommitment(seed), stepToken: randomBytes(9).toString('base64url') },
        clock(),
      );
      await deps.directory.changed(room);
      await answer(ctx, room);
    }),
  );

  router.add(
    'POST',
    '/api/admin/events/:id/waiting-room/pause',
    asAdmin(waitingRoomPauseSchema, async (ctx, input) => {
      if (!(await rooms.room(ctx.params.id))) return sendAck(ctx.res, fail('not_found', 'This event has no waiting room.'));
      await rooms.setPaused(ctx.params.id, input.paused, clock());
      const room = await rooms.room(ctx.params.id);
      if (room) await deps.directory.changed(room);
      await answer(ctx, room);
    }),
  );
}
