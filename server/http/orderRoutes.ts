// Orders over HTTP: reading one (by its buyer's session, or in any browser
// with the access key from its link), and "Find my tickets".
import { FIND_TICKETS_ANSWER, findTicketsSchema, orderAccessKeySchema } from '../../lib/orderProtocol';
import { fail, invalidRequest, orderIdSchema, type OrderAck } from '../../lib/protocol';
import type { Store } from '../../db/store';
import type { ClientInfo } from './clientInfo';
import type { BuyerSessions } from '../buyerSession';
import type { EventRegistry } from '../eventRegistry';
import type { FindTickets } from '../findTickets';
import type { OrderAccess } from '../orderAccess';
import { BodyError, readJsonBody, sendAck, type Router } from './router';

export interface OrderRouteDeps {
  registry: EventRegistry;
  sessions: BuyerSessions;
  store: Store;
  access: OrderAccess;
  findTickets: FindTickets;
  /** The client's address (behind a trusted proxy, the one it forwarded). */
  clientInfo: ClientInfo;
}

export function registerOrderRoutes(router: Router, deps: OrderRouteDeps): void {
  const { registry, sessions, store, access, findTickets, clientInfo } = deps;

  router.add('GET', '/api/orders/:id', async ({ req, res, url, params }) => {
    const id = orderIdSchema.safeParse(params.id);
    if (!id.success) return sendAck(res, invalidRequest(id.error));
    const rawKey = url.searchParams.get('key');
    let key: string | undefined;
    if (rawKey !== null) {
      const parsed = orderAccessKeySchema.safeParse(rawKey);
      // A malformed key is just a wrong key: the page says so the same way.
      if (!parsed.success) return sendAck(res, fail('access_key_invalid', 'This order link is not valid. Check that you opened the whole link from the email, or get a fresh one with Find my tickets.'));
      key = parsed.data;
    }
    const authorized = await access.authorize(id.data, { buyerId: sessions.fromRequest(req), key });
    if (!authorized.ok) return sendAck(res, authorized);
    const order = await store.loadOrder(id.data);
    if (!order) return sendAck(res, fail('not_found', 'No such order.'));
    const { buyerId: _owner, ...view } = order;
    const runtime = registry.get(order.eventId);
    const ack: OrderAck = {
      ok: true,
      order: view,
      event: runtime
        ? { id: runtime.eventId, name: runtime.detail.name, venueName: runtime.detail.venueName, startsAt: runtime.detail.startsAt }
        : null,
      accessKey: access.currentKey(authorized.access),
    };
    sendAck(res, ack);
  });

  router.add('POST', '/api/orders/lookup', async ({ req, res }) => {
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      if (error instanceof BodyError) return sendAck(res, fail('invalid_request', error.message), error.status);
      throw error;
    }
    const parsed = findTicketsSchema.safeParse(body);
    if (!parsed.success) return sendAck(res, invalidRequest(parsed.error));
    const waitMs = findTickets.request(clientInfo.address(req), parsed.data.email);
    if (waitMs > 0) return sendAck(res, fail('rate_limited', 'Too many requests from this address; try again later.', { retryAfterMs: waitMs }));
    // The same answer for every address, before anything was looked up.
    sendAck(res, { ok: true, message: FIND_TICKETS_ANSWER }, 202);
  });
}
