// The organizer's HTTP API. Every route requires an admin session; every
// change to an event goes into that event's loop as a high-priority command.
import { randomBytes } from 'node:crypto';
import {
  adminLoginSchema,
  cancelOrderSchema,
  createEventSchema,
  forceReleaseSchema,
  orderSearchSchema,
  saleStatusSchema,
  seatSelectionSchema,
  updateEventSchema,
} from '../../lib/adminProtocol';
import { fail, invalidRequest, orderIdSchema, seatIdSchema, type Ack } from '../../lib/protocol';
import { buildVenue } from '../../lib/venueLayout';
import { adminOrder, ordersCsv, recentOrders, searchOrders, seatHistory } from '../../db/adminQueries';
import type { DatabaseHandle } from '../../db/connection';
import { createEvent } from '../../db/createEvent';
import { getEventRow, type EventLayoutJson } from '../../db/eventStore';
import type { BuyerSessions } from '../buyerSession';
import type { EventRegistry, EventRuntime } from '../eventRegistry';
import type { AdminCommand, Outcome } from '../reservations/types';
import { failView } from '../views';
import { BodyError, readJsonBody, sendAck, sendJson, type RequestContext, type Router } from '../http/router';
import type { AdminAuth } from './adminAuth';
import { adminGuard } from './adminGuard';
import { adminStatsOf } from './adminGateway';

export interface AdminRouteDeps {
  auth: AdminAuth;
  sessions: BuyerSessions;
  registry: EventRegistry;
  handle: DatabaseHandle;
  maxSeatsPerBuyer: number;
  /** The server's HOLD_TTL_MS: what a cleared per-event hold TTL falls back to. */
  defaultHoldTtlMs: number;
  viewersOf(eventId: string): number;
  clock: () => number;
  secureCookies: boolean;
}

const ACTOR = 'admin';

export function registerAdminRoutes(router: Router, deps: AdminRouteDeps): void {
  const { auth, sessions, registry, handle } = deps;

  /** Admin-only route: 401 without credentials, 403 for a buyer session, then validated input. */
  const asAdmin = adminGuard(auth, sessions);

  const runtimeOr404 = (ctx: RequestContext): EventRuntime | null => {
    const runtime = registry.get(ctx.params.id);
    if (!runtime) sendAck(ctx.res, fail('not_found', 'No such event.'));
    return runtime ?? null;
  };

  const execute = async (runtime: EventRuntime, command: AdminCommand): Promise<Outcome> => runtime.loop.execute(command);
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
    const result = auth.login(parsed.data.password, ctx.req.socket.remoteAddress ?? 'unknown');
    if (!result.ok) {
      return sendAck(
        ctx.res,
        result.code === 'rate_limited'
          ? fail('rate_limited', 'Too many attempts; wait a minute.', { retryAfterMs: result.retryAfterMs })
          : fail('unauthorized', 'Wrong password.'),
      );
    }
    sendJson(ctx.res, 200, JSON.stringify({ ok: true, token: result.token, expiresAt: result.expiresAt }), {
      'set-cookie': auth.cookieHeader(result.token, deps.secureCookies),
    });
  });

  router.add('POST', '/api/admin/logout', (ctx) => {
    auth.logout(auth.tokenFromRequest(ctx.req));
    sendJson(ctx.res, 200, JSON.stringify({ ok: true }), { 'set-cookie': auth.clearCookieHeader() });
  });

  router.add('GET', '/api/admin/me', asAdmin(null, (ctx) => sendAck(ctx.res, { ok: true, role: 'organizer' })));

  // ---------- events ----------

  router.add(
    'GET',
    '/api/admin/events',
    asAdmin(null, (ctx) => {
      const events = registry.list().map((r) => ({
        ...r.detail,
        seats: undefined,
        saleStatus: r.loop.rules.saleStatus,
        holdTtlMs: r.loop.rules.holdTtlMs,
        maxSeatsPerBuyer: r.loop.rules.maxSeatsPerBuyer,
        saleOpensAt: r.loop.rules.saleOpensAt,
        saleClosesAt: r.loop.rules.saleClosesAt,
        holdTtlOverride: getEventRow(handle, r.eventId)?.holdTtlMs ?? null,
        counts: r.loop.counts(),
        viewers: deps.viewersOf(r.eventId),
      }));
      sendAck(ctx.res, { ok: true, events });
    }),
  );

  router.add(
    'POST',
    '/api/admin/events',
    asAdmin(createEventSchema, (ctx, input) => {
      const venue = buildVenue(input.venue);
      if (!venue.ok) return sendAck(ctx.res, { ok: false, error: { code: 'invalid_request', message: 'The venue layout is not valid.', issues: venue.issues.map((i) => ({ ...i, path: `venue.${i.path}` })) } });
      const id = input.id ?? `${slug(input.name)}-${randomBytes(3).toString('hex')}`;
      // Ids are never reused: the audit log of a deleted event must not become a new event's history.
      if (getEventRow(handle, id) || handle.sqlite.prepare('SELECT 1 FROM audit_log WHERE event_id = ? LIMIT 1').get(id)) {
        return sendAck(ctx.res, fail('invalid_request', `The event id ${id} is taken.`));
      }
      if (input.saleOpensAt != null && input.saleClosesAt != null && input.saleClosesAt <= input.saleOpensAt) {
        return sendAck(ctx.res, fail('invalid_request', 'The sale must close after it opens.'));
      }
      createEvent(handle, {
        id,
        name: input.name,
        venueName: input.venueName,
        startsAt: input.startsAt,
        holdTtlMs: input.holdTtlMs ?? null,
        maxSeatsPerBuyer: input.maxSeatsPerBuyer ?? deps.maxSeatsPerBuyer,
        saleStatus: input.saleStatus ?? 'paused',
        saleOpensAt: input.saleOpensAt ?? null,
        saleClosesAt: input.saleClosesAt ?? null,
        layout: venue.layout,
        venueSpec: venue.spec,
        createdAt: deps.clock(),
        actor: ACTOR,
      });
      const runtime = registry.start(id);
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
      reply(ctx, outcome, () => ({ ok: true, event: { id: runtime.eventId, ...runtime.loop.rules } }));
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
    asAdmin(null, (ctx) => {
      const row = getEventRow(handle, ctx.params.id);
      if (!row) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      const layout = JSON.parse(row.layoutJson) as EventLayoutJson;
      if (!layout.spec) return sendAck(ctx.res, fail('not_found', 'This event has no editable venue description.'));
      sendJson(ctx.res, 200, JSON.stringify({ ok: true, venue: layout.spec }), {
        'content-disposition': `inline; filename="${row.id}-layout.json"`,
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
      const seats = venue.layout.seats.map((s) => (s.gaArea ? { id: s.id, priceCents: s.priceCents, gaArea: s.gaArea } : { id: s.id, priceCents: s.priceCents }));
      const outcome = await execute(runtime, { type: 'replace_layout', seats, layout: { layout: venue.layout, spec: venue.spec }, actor: ACTOR });
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
      sendAck(ctx.res, { ok: true, stats: adminStatsOf(runtime, deps.viewersOf(runtime.eventId)) });
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/orders',
    asAdmin(null, (ctx) => {
      if (!runtimeOr404(ctx)) return;
      sendAck(ctx.res, { ok: true, orders: recentOrders(handle, ctx.params.id) });
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/orders.csv',
    asAdmin(null, (ctx) => {
      if (!getEventRow(handle, ctx.params.id)) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      ctx.res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${ctx.params.id}-orders.csv"`,
        'cache-control': 'no-store',
      });
      ctx.res.end(ordersCsv(handle, ctx.params.id));
    }),
  );

  router.add(
    'GET',
    '/api/admin/events/:id/seats/:seatId/history',
    asAdmin(null, (ctx) => {
      const seatId = seatIdSchema.safeParse(ctx.params.seatId);
      if (!seatId.success) return sendAck(ctx.res, invalidRequest(seatId.error));
      if (!getEventRow(handle, ctx.params.id)) return sendAck(ctx.res, fail('not_found', 'No such event.'));
      sendAck(ctx.res, { ok: true, seatId: seatId.data, history: seatHistory(handle, ctx.params.id, seatId.data) });
    }),
  );

  // ---------- holds and orders ----------

  router.add(
    'DELETE',
    '/api/admin/holds/:id',
    asAdmin(forceReleaseSchema, async (ctx, input) => {
      const runtime = registry.eventOfHold(ctx.params.id);
      if (!runtime) return sendAck(ctx.res, fail('not_found', 'No such hold.'));
      const outcome = await execute(runtime, { type: 'admin_release', holdId: ctx.params.id, reason: input.reason ?? null, actor: ACTOR });
      reply(ctx, outcome, () => ({ ok: true, holdId: ctx.params.id }));
    }),
  );

  router.add(
    'GET',
    '/api/admin/orders',
    asAdmin(orderSearchSchema, (ctx, input) => sendAck(ctx.res, { ok: true, orders: searchOrders(handle, input.q) })),
  );

  router.add(
    'GET',
    '/api/admin/orders/:id',
    asAdmin(null, (ctx) => {
      const id = orderIdSchema.safeParse(ctx.params.id);
      if (!id.success) return sendAck(ctx.res, invalidRequest(id.error));
      const order = adminOrder(handle, id.data);
      if (!order) return sendAck(ctx.res, fail('not_found', 'No such order.'));
      sendAck(ctx.res, { ok: true, order });
    }),
  );

  router.add(
    'POST',
    '/api/admin/orders/:id/cancel',
    asAdmin(cancelOrderSchema, async (ctx, input) => {
      const order = adminOrder(handle, ctx.params.id);
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
