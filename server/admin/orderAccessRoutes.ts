// The organizer's side of order access: the link that opens an order (to
// read out to a buyer on the phone), the order's emails and their state, and
// revoking the link (every older key stops working; a new link is made and,
// by default, emailed to the buyer).
import { revokeOrderAccessSchema, type OrderAccessAck, type OrderAccessInfoAck, type OrderEmailView } from '../../lib/orderProtocol';
import { fail, invalidRequest, orderIdSchema } from '../../lib/protocol';
import type { Store } from '../../db/store';
import type { BuyerSessions } from '../buyerSession';
import { sendAck, type RequestContext, type Router } from '../http/router';
import type { OrderAccess } from '../orderAccess';
import type { AdminAuth } from './adminAuth';
import { adminGuard } from './adminGuard';

export interface OrderAccessRouteDeps {
  auth: AdminAuth;
  sessions: BuyerSessions;
  store: Store;
  access: OrderAccess;
  clock: () => number;
  /** An email was queued: nudge the sender. */
  queued(): void;
  /** The order's key generation changed: tell its open pages. */
  revoked(orderId: string): Promise<void>;
}

export function registerOrderAccessRoutes(router: Router, deps: OrderAccessRouteDeps): void {
  const { store, access, clock } = deps;
  const asAdmin = adminGuard(deps.auth, deps.sessions);

  const orderIdOf = (ctx: RequestContext): string | null => {
    const id = orderIdSchema.safeParse(ctx.params.id);
    if (!id.success) {
      sendAck(ctx.res, invalidRequest(id.error));
      return null;
    }
    return id.data;
  };

  router.add(
    'GET',
    '/api/admin/orders/:id/access',
    asAdmin(null, async (ctx) => {
      const orderId = orderIdOf(ctx);
      if (orderId === null) return;
      const row = await store.orderAccessOf(orderId);
      if (!row) return sendAck(ctx.res, fail('not_found', 'No such order.'));
      const emails: OrderEmailView[] = (await store.emailsOfOrder(orderId)).map((e) => ({
        kind: e.kind,
        createdAt: e.createdAt,
        attempts: e.attempts,
        state: e.sentAt !== null ? 'sent' : e.failedAt !== null ? 'failed' : 'queued',
        sentAt: e.sentAt,
        nextAttemptAt: e.nextAttemptAt,
        lastError: e.lastError,
      }));
      const ack: OrderAccessInfoAck = { ok: true, orderId, generation: row.generation, accessUrl: access.keys.url(orderId, row.generation), emails };
      sendAck(ctx.res, ack);
    }),
  );

  router.add(
    'POST',
    '/api/admin/orders/:id/access/revoke',
    asAdmin(revokeOrderAccessSchema, async (ctx, input) => {
      const orderId = orderIdOf(ctx);
      if (orderId === null) return;
      const generation = await access.revoke(orderId, clock(), { emailBuyer: input.emailBuyer });
      if (generation === null) return sendAck(ctx.res, fail('not_found', 'No such order.'));
      if (input.emailBuyer) deps.queued();
      await deps.revoked(orderId);
      const ack: OrderAccessAck = { ok: true, orderId, generation, accessUrl: access.keys.url(orderId, generation), emailed: input.emailBuyer };
      sendAck(ctx.res, ack);
    }),
  );
}
