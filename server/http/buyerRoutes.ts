// The public HTTP API. Mutations go through BuyerApi, i.e. through the same
// loops, validation and error codes as the Socket.IO events.
import type { IncomingMessage } from 'node:http';
import { fail, type AvailabilitySnapshot, type EventSummary, type StatusesSnapshot } from '../../lib/protocol';
import type { BuyerSessions } from '../buyerSession';
import type { BuyerApi } from '../buyerApi';
import type { EventRegistry, EventRuntime } from '../eventRegistry';
import { holdView } from '../views';
import { BodyError, readJsonBody, sendAck, sendJson, type RequestContext, type Router } from './router';

export interface BuyerRouteDeps {
  registry: EventRegistry;
  buyerApi: BuyerApi;
  sessions: BuyerSessions;
  /** Whether this request's cookies must be Secure (the site is served over HTTPS). */
  secureCookies(req: IncomingMessage): boolean;
  /** The client's address (trusted proxies honoured), for per-address limits. */
  clientAddress?(req: IncomingMessage): string;
  /** Per-address limit on new sessions: 0 when allowed, else ms to wait (absent: unlimited). */
  sessionAllowance?(req: IncomingMessage): Promise<number>;
  /** Extra fields of /api/health (the distributed mode: instanceId, ownedEvents). */
  health?(): Record<string, unknown>;
}

function summaryOf(runtime: EventRuntime): EventSummary {
  const d = runtime.detail;
  return {
    id: d.id,
    name: d.name,
    venueName: d.venueName,
    startsAt: d.startsAt,
    currency: d.currency,
    saleStatus: runtime.view.rules.saleStatus,
    capacity: d.capacity,
    counts: runtime.view.publicCounts(),
    priceRangeCents: d.priceRangeCents,
  };
}

export function registerBuyerRoutes(router: Router, deps: BuyerRouteDeps): void {
  const { registry, buyerApi, sessions } = deps;

  /** Runs `fn` for an authenticated buyer, or answers 401. Body errors become clear 4xx answers. */
  const asBuyer = (fn: (ctx: RequestContext, buyerId: string) => Promise<void>) => async (ctx: RequestContext) => {
    const buyerId = sessions.fromRequest(ctx.req);
    if (!buyerId) {
      sendAck(ctx.res, fail('unauthorized', 'No buyer session: open the site first, or get a token from POST /api/session.'));
      return;
    }
    try {
      await fn(ctx, buyerId);
    } catch (error) {
      if (error instanceof BodyError) sendAck(ctx.res, fail('invalid_request', error.message), error.status);
      else throw error;
    }
  };

  // In the distributed mode also which process answered and the events whose loops it runs.
  router.add('GET', '/api/health', ({ res }) => sendJson(res, 200, JSON.stringify({ status: 'ok', ...(deps.health?.() ?? {}) })));

  router.add('POST', '/api/session', async ({ req, res }) => {
    const waitMs = (await deps.sessionAllowance?.(req)) ?? 0;
    if (waitMs > 0) return sendAck(res, fail('rate_limited', 'Too many new sessions from your network; try again later.', { retryAfterMs: waitMs }));
    const { token, buyerId } = sessions.issue();
    sendJson(res, 201, JSON.stringify({ ok: true, token, buyerId }), {
      'set-cookie': sessions.cookieHeader(token, deps.secureCookies(req)),
    });
  });

  router.add('GET', '/api/events', ({ res }) => {
    const events = registry.list().map(summaryOf);
    sendJson(res, 200, JSON.stringify({ ok: true, events }));
  });

  router.add('GET', '/api/events/:id', async ({ req, res, params }) => {
    const runtime = await registry.settled(params.id);
    if (!runtime) return sendAck(res, fail('not_found', 'No such event.'));
    // Cacheable, but always revalidated by ETag (a 304 is cheap), so a layout an organizer
    // changed reaches buyers as soon as they are told (event:changed).
    const headers = { etag: runtime.detailEtag, 'cache-control': 'public, no-cache' };
    const candidates = String(req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (candidates.includes(runtime.detailEtag) || candidates.includes('*')) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-encoding': 'gzip',
        vary: 'accept-encoding',
        ...headers,
      });
      res.end(runtime.detailGzip);
      return;
    }
    sendJson(res, 200, runtime.detailJson, { vary: 'accept-encoding', ...headers });
  });

  // The keyed snapshot is ~0.5 MB of JSON for the arena: serialize it once per committed version.
  const availabilityBodies = new WeakMap<EventRuntime, { version: number; body: string }>();
  router.add('GET', '/api/events/:id/availability', ({ res, params }) => {
    const runtime = registry.get(params.id);
    if (!runtime) return sendAck(res, fail('not_found', 'No such event.'));
    const snapshot = runtime.view.snapshot();
    let cached = availabilityBodies.get(runtime);
    if (cached?.version !== snapshot.version) {
      const body: AvailabilitySnapshot = { eventId: runtime.eventId, version: snapshot.version, seats: snapshot.seats };
      cached = { version: snapshot.version, body: JSON.stringify({ ok: true, ...body }) };
      availabilityBodies.set(runtime, cached);
    }
    sendJson(res, 200, cached.body);
  });

  // The compact snapshot (the event:join statuses string, shared per version): what the event page loads first.
  router.add('GET', '/api/events/:id/statuses', async ({ res, params }) => {
    const runtime = await registry.settled(params.id);
    if (!runtime) return sendAck(res, fail('not_found', 'No such event.'));
    const feed = runtime.seatFeed;
    const snapshot = feed.snapshot();
    const body: StatusesSnapshot = { eventId: runtime.eventId, version: snapshot.version, layoutKey: feed.layoutKey, statuses: snapshot.statuses };
    sendJson(res, 200, JSON.stringify({ ok: true, ...body }));
  });

  router.add(
    'GET',
    '/api/events/:id/holds/mine',
    asBuyer(async ({ res, params }, buyerId) => {
      const runtime = registry.get(params.id);
      if (!runtime) return sendAck(res, fail('not_found', 'No such event.'));
      const max = runtime.view.rules.maxExtensions;
      const holds = runtime.view.holdsOf(buyerId).map((h) => holdView(runtime.eventId, h, max));
      sendAck(res, { ok: true, holds });
    }),
  );

  router.add(
    'POST',
    '/api/events/:id/holds',
    asBuyer(async ({ req, res, params }, buyerId) => {
      const body = await readJsonBody(req);
      // An Idempotency-Key header is the HTTP way to say requestId (the body's wins if both are sent).
      const key = req.headers['idempotency-key'];
      const keyed = typeof key === 'string' ? { requestId: key } : {};
      const input = typeof body === 'object' && body !== null ? { ...keyed, ...body, eventId: params.id } : body;
      const ack = await buyerApi.createHold(buyerId, input, deps.clientAddress?.(req));
      sendAck(res, ack, ack.ok && !ack.replayed ? 201 : undefined);
    }),
  );

  router.add(
    'POST',
    '/api/holds/:id/extend',
    asBuyer(async ({ req, res, params }, buyerId) => {
      await readJsonBody(req);
      sendAck(res, await buyerApi.extendHold(buyerId, { holdId: params.id }));
    }),
  );

  router.add(
    'DELETE',
    '/api/holds/:id',
    asBuyer(async ({ res, params }, buyerId) => {
      sendAck(res, await buyerApi.releaseHold(buyerId, { holdId: params.id }));
    }),
  );

  router.add(
    'POST',
    '/api/holds/:id/confirm',
    asBuyer(async ({ req, res, params }, buyerId) => {
      const body = await readJsonBody(req);
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string') {
        return sendAck(res, fail('invalid_request', 'Send an Idempotency-Key header (e.g. a UUID) so a retry cannot buy twice.'));
      }
      const buyer = typeof body === 'object' && body !== null ? (body as { buyer?: unknown }).buyer : undefined;
      const ack = await buyerApi.confirmHold(buyerId, { holdId: params.id, buyer, idempotencyKey: key });
      sendAck(res, ack, ack.ok && !ack.replayed ? 201 : undefined);
    }),
  );
}
