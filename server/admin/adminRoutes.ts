// The organizer's HTTP API. Every route requires an admin session; every
// change to an event goes into that event's loop as a high-priority command.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  adminLoginSchema,
  cancelOrderSchema,
  checkInSchema,
  createEventSchema,
  forceReleaseSchema,
  orderSearchSchema,
  saleStatusSchema,
  seatSelectionSchema,
  updateEventSchema,
} from '../../lib/adminProtocol';
import { fail, invalidRequest, orderIdSchema, seatIdSchema, type Ack } from '../../lib/protocol';
import { buildVenue, coreSeatsOf } from '../../lib/venueLayout';
import type { Store } from '../../db/store';
import { readCookie, type BuyerSessions } from '../buyerSession';
import type { EventRegistry, EventRuntime } from '../eventRegistry';
import type { AdminCommand, Outcome } from '../../core/types';
import { failView } from '../views';
import { BodyError, readJsonBody, sendAck, sendJson, type RequestContext, type Router } from '../http/router';
import { DEVICE_COOKIE, type AdminAuth } from './adminAuth';
import { adminGuard } from './adminGuard';
import { adminStatsOf } from './adminGateway';
import type { LiveFigures } from './eventStats';
import { checkInTicket } from './checkIn';
import { ordersCsv } from './ordersCsv';

export interface AdminRouteDeps {
  auth: AdminAuth;
  sessions: BuyerSessions;
  registry: EventRegistry;
  store: Store;
  maxSeatsPerBuyer: number;
  /** The server's HOLD_TTL_MS: what a cleared per-event hold TTL falls back to. */
  defaultHoldTtlMs: number;
  figures: LiveFigures;
  clock: () => number;
  /** The client's address, for the login throttle (see ClientInfo). */
  clientAddress(req: IncomingMessage): string;
  /** Whether this request's cookies must be Secure (the site is served over HTTPS). */
  secureCookies(req: IncomingMessage): boolean;
}

const ACTOR = 'admin';

export function registerAdminRoutes(router: Router, deps: AdminRouteDeps): void {
  const { auth, sessions, registry, store } = deps;

  /** Admin-only route: 401 without credentials, 403 for a buyer session, then validated input. */
  const asAdmin = adminGuard(auth, sessions);

  const runtimeOr404 = (ctx: RequestContext): EventRuntime | null => {
    const runtime = registry.get(ctx.params.id);
    if (!runtime) sendAck(ctx.res, fail('not_found', 'No such event.'));
    return runtime ?? null;
  };

  const execute = (runtime: EventRuntime, command: AdminCommand): Promise<Outcome> => registry.execute(runtime, command);
  const reply = <T extends object>(ctx: RequestContext, outcome: Outcome, ok: (o: Outcome & { ok: true }) => Ack<T>) =>
    sendAck(ctx.res, outcome.ok ? ok(outcome) : failView(outcome));

  // ---------- session ----------

  router.add('POST', '/api/admin/login', async (ctx) => {
    let body: unknown;
    try {
      body = await readJsonBody(ctx.req);
    } catch (error) {
      if (error instanceof BodyError) return sendAck(ctx.res, fail('invalid_request', error.message), error.status);
      throw error;
    }
    const parsed = adminLoginSchema.safeParse(body);
    if (!parsed.success) return sendAck(ctx.res, invalidRequest(parsed.error));
    const result = await auth.login(parsed.data.password, {
      address: deps.clientAddress(ctx.req),
      deviceToken: readCookie(ctx.req.headers.cookie, DEVICE_COOKIE),
    });
    if (!result.ok) {
      return sendAck(
        ctx.res,
        result.code === 'rate_limited'
          ? fail('rate_limited', 'Too many attempts; wait a minute.', { retryAfterMs: result.retryAfterMs })
          : fail('unauthorized', 'Wrong password.'),
      );
    }
    const secure = deps.secureCookies(ctx.req);
    sendJson(ctx.res, 200, JSON.stringify({ ok: true, token: result.token, expiresAt: result.expiresAt }), {
      'set-cookie': [auth.cookieHeader(result.token, secure), auth.deviceCookieHeader(result.deviceToken, secure)],
    });
  });

  router.add('POST', '/api/admin/logout', async (ctx) => {
    await auth.logout(auth.tokenFromRequest(ctx.req));
    sendJson(ctx.res, 200, JSON.stringify({ ok: true }), { 'set-cookie': auth.clearCookieHeader(deps.secureCookies(ctx.req)) });
  });

  router.add('GET', '/api/admin/me', asAdmin(null, (ctx) => sendAck(ctx.res, { ok: true, role: 'organizer' })));

  // ---------- events ----------

  router.add(
    'GET',
    '/api/admin/events',
    asAdmin(null, async (ctx) => {
      const records = new Map((await store.listEvents()).map((e) => [e.id, e]));
      const events = registry.list().map((r) => ({
        ...r.detail,
        seats: undefined,
        saleStatus: r.view.rules.saleStatus,
        holdTtlMs: r.view.rules.holdTtlMs,
        maxSeatsPerBuyer: r.view.rules.maxSeatsPerBuyer,
        saleOpensAt: r.view.rules.saleOpensAt,
        saleClosesAt: r.view.rules.saleClosesAt,
        preventOrphanSeats: r.view.rules.preventOrphanSeats,
        holdTtlOverride: records.get(r.eventId)?.holdTtlMs ?? null,
        counts: r.view.publicCounts(),
        viewers: deps.figures.viewersOf(r.eventId),
      }));
      sendAck(ctx.res, { ok: true, events });
    }),
  );

  router.add(
    'POST',
    '/api/admin/events',
    asAdmin(createEventSchema, async (ctx, input) => {
      const venue = buildVenue(input.venue);
      if (!venue.ok) return sendAck(ctx.res, { ok: false, error: { code: 'invalid_request', message: 'The venue layout is not valid.', issues: venue.issues.map((i) => ({ ...i, path: `venue.${i.path}` })) } });
      const id = input.id ?? `${slug(input.name)}-${randomBytes(3).toString('hex')}`;
      // Ids are never reused: the audit log of a deleted event must not become a new event's history.
      if (await store.eventIdTaken(id)) {
        return sendAck(ctx.res, fail('invalid_request', `The event id ${id} is taken.`));
      }
      if (input.saleOpensAt != null && input.saleClosesAt != null && input.saleClosesAt <= input.saleOpensAt) {
        return sendAck(ctx.res, fail('invalid_request', 'The sale must close after it opens.'));
      }
      await store.createEvent({
        id,
        name: input.name,
        venueName: input.venueName,
        startsAt: input.startsAt,
        holdTtlMs: input.holdTtlMs ?? null,
        maxSeatsPerBuyer: input.maxSeatsPerBuyer ?? deps.maxSeatsPerBuyer,
        saleStatus: input.saleStatus ?? 'paused',
        saleOpensAt: input.saleOpensAt ?? null,
        saleClosesAt: input.saleClosesAt ?? null,
        preventOrphanSeats: input.preventOrphanSeats ?? true,
        layout: venue.layout,
        venueSpec: venue.spec,
        createdAt: deps.clock(),
        actor: ACTOR,
      });
      const runtime = await registry.start(id);
      sendAck(ctx.res, { ok: true, event: { id, capacity: runtime.detail.capacity } }, 201);
    }),
  );

  router.add(
    'PATCH',
    '/api/admin/events/:id',
    asAdmin(updateEventSchema, async (ctx, input) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      const { name, venueName, startsAt, holdTtlMs, ...rest } = input;
      const meta = Object.fromEntries(Object.entries({ name, venueName, startsAt }).filter(([, v]) => v !== undefined));
      const rules = { ...rest, ...(holdTtlMs !== undefined ? { holdTtlMs: holdTtlMs ?? deps.defaultHoldTtlMs } : {}) };
      const outcome = await execute(runtime, { type: 'configure', rules, holdTtlOverride: holdTtlMs, meta, actor: ACTOR });
      reply(ctx, outcome, (o) => ({ ok: true, event: { id: runtime.eventId, ...(o.type === 'configured' ? o.rules : runtime.view.rules) } }));
    }),
  );

  router.add(
    'DELETE',
    '/api/admin/events/:id',
    asAdmin(null, async (ctx) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      reply(ctx, await execute(runtime, { type: 'retire', actor: ACTOR }), () => ({ ok: true, deleted: runtime.eventId }));
    }),
  );

  router.add(
    'POST',
    '/api/admin/events/:id/sale',
    asAdmin(saleStatusSchema, async (ctx, input) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      const outcome = await execute(runtime, { type: 'configure', rules: { saleStatus: input.status }, meta: {}, actor: ACTOR });
      reply(ctx, outcome, () => ({ ok: true, saleStatus: input.status }));
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/layout',
    asAdmin(null, async (ctx) => {
      const event = await store.getEvent(ctx.params.id);
      if (!event) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      if (!event.layout.spec) return sendAck(ctx.res, fail('not_found', 'This event has no editable venue description.'));
      sendJson(ctx.res, 200, JSON.stringify({ ok: true, venue: event.layout.spec }), {
        'content-disposition': `inline; filename="${event.id}-layout.json"`,
      });
    }),
  );

  router.add(
    'PUT',
    '/api/admin/events/:id/layout',
    asAdmin(null, async (ctx) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      let body: unknown;
      try {
        body = await readJsonBody(ctx.req, 4 * 1024 * 1024);
      } catch (error) {
        if (error instanceof BodyError) return sendAck(ctx.res, fail('invalid_request', error.message), error.status);
        throw error;
      }
      const venue = buildVenue((body as { venue?: unknown } | null)?.venue);
      if (!venue.ok) return sendAck(ctx.res, { ok: false, error: { code: 'invalid_request', message: 'The venue layout is not valid.', issues: venue.issues } });
      const seats = coreSeatsOf(venue.layout.seats, venue.layout.sections);
      const outcome = await execute(runtime, { type: 'replace_layout', seats, stage: venue.layout.stage, layout: { layout: venue.layout, spec: venue.spec }, actor: ACTOR });
      reply(ctx, outcome, () => ({ ok: true, capacity: seats.length }));
    }),
  );

  router.add(
    'POST',
    '/api/admin/events/:id/block',
    asAdmin(seatSelectionSchema, async (ctx, input) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      const outcome = await execute(runtime, { type: 'block', seatIds: input.seatIds, reason: input.reason ?? null, actor: ACTOR });
      reply(ctx, outcome, (o) => ({ ok: true, seatIds: 'seatIds' in o ? o.seatIds : [] }));
    }),
  );

  router.add(
    'POST',
    '/api/admin/events/:id/unblock',
    asAdmin(seatSelectionSchema, async (ctx, input) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      const outcome = await execute(runtime, { type: 'unblock', seatIds: input.seatIds, reason: input.reason ?? null, actor: ACTOR });
      reply(ctx, outcome, (o) => ({ ok: true, seatIds: 'seatIds' in o ? o.seatIds : [] }));
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/stats',
    asAdmin(null, (ctx) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      sendAck(ctx.res, { ok: true, stats: adminStatsOf(runtime, deps.figures) });
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/orders',
    asAdmin(null, async (ctx) => {
      if (!runtimeOr404(ctx)) return;
      sendAck(ctx.res, { ok: true, orders: await store.recentOrders(ctx.params.id, 50) });
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/orders.csv',
    asAdmin(null, async (ctx) => {
      if (!(await store.getEvent(ctx.params.id))) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      const rows = await store.ticketExport(ctx.params.id);
      ctx.res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${ctx.params.id}-orders.csv"`,
        'cache-control': 'no-store',
      });
      ctx.res.end(ordersCsv(rows));
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/seats/:seatId/history',
    asAdmin(null, async (ctx) => {
      const seatId = seatIdSchema.safeParse(ctx.params.seatId);
      if (!seatId.success) return sendAck(ctx.res, invalidRequest(seatId.error));
      if (!(await store.getEvent(ctx.params.id))) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      sendAck(ctx.res, { ok: true, seatId: seatId.data, history: await store.seatHistory(ctx.params.id, seatId.data) });
    }),
  );

  // Door check-in: high priority in the event's loop (door queues must not wait behind a hold storm).
  router.add(
    'POST',
    '/api/admin/events/:id/check-in',
    asAdmin(checkInSchema, async (ctx, input) => {
      const runtime = runtimeOr404(ctx);
      if (!runtime) return;
      sendAck(ctx.res, await checkInTicket(store, registry, runtime, { code: input.code, door: input.door ?? null, actor: ACTOR }));
    }),
  );

  // ---------- holds and orders ----------

  router.add(
    'DELETE',
    '/api/admin/holds/:id',
    asAdmin(forceReleaseSchema, async (ctx, input) => {
      const runtime = await registry.eventOfHold(ctx.params.id);
      if (!runtime) return sendAck(ctx.res, fail('not_found', 'No such hold.'));
      const outcome = await execute(runtime, { type: 'admin_release', holdId: ctx.params.id, reason: input.reason ?? null, actor: ACTOR });
      reply(ctx, outcome, () => ({ ok: true, holdId: ctx.params.id }));
    }),
  );

  router.add(
    'GET',
    '/api/admin/orders',
    asAdmin(orderSearchSchema, async (ctx, input) => sendAck(ctx.res, { ok: true, orders: await store.searchOrders(input.q) })),
  );

  router.add(
    'GET',
    '/api/admin/orders/:id',
    asAdmin(null, async (ctx) => {
      const id = orderIdSchema.safeParse(ctx.params.id);
      if (!id.success) return sendAck(ctx.res, invalidRequest(id.error));
      const order = await store.adminOrder(id.data);
      if (!order) return sendAck(ctx.res, fail('not_found', 'No such order.'));
      sendAck(ctx.res, { ok: true, order });
    }),
  );

  router.add(
    'POST',
    '/api/admin/orders/:id/cancel',
    asAdmin(cancelOrderSchema, async (ctx, input) => {
      const order = await store.adminOrder(ctx.params.id);
      const runtime = order ? registry.get(order.eventId) : undefined;
      if (!order || !runtime) return sendAck(ctx.res, fail('not_found', 'No such order.'));
      const outcome = await execute(runtime, {
        type: 'cancel_tickets',
        orderId: order.id,
        seatIds: input.seatIds ?? null,
        reason: input.reason,
        actor: ACTOR,
      });
      reply(ctx, outcome, (o) => ({ ok: true, orderId: order.id, cancelledSeatIds: 'seatIds' in o ? o.seatIds : [] }));
    }),
  );
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'event'
  );
}
