// Wiring for everything after the purchase: order access keys, the outbox
// sender (woken by commits that queued an email) and "Find my tickets".
import { randomBytes } from 'node:crypto';
import type { Store } from '../db/store';
import type { ServerConfig } from './config';
import type { EventRegistry } from './eventRegistry';
import { FindTickets } from './findTickets';
import type { Logger } from './logger';
import { createOutboxSender } from './mail/mailer';
import type { OutboxSender } from './mail/outboxSender';
import { OrderAccess, OrderAccessKeys } from './orderAccess';
import { RateLimiter } from './rateLimiter';

export interface AfterPurchase {
  orderAccess: OrderAccess;
  mail: OutboxSender;
  findTickets: FindTickets;
}

export interface AfterPurchaseDeps {
  config: ServerConfig;
  store: Store;
  registry: EventRegistry;
  logger: Logger;
  clock: () => number;
  /** PUBLIC_URL, or the address the server listens on (known only once it does). */
  publicUrl: () => string;
}

export async function createAfterPurchase({ config, store, registry, logger, clock, publicUrl }: AfterPurchaseDeps): Promise<AfterPurchase> {
  const secret = await store.getOrCreateSetting('order_access_secret', () => randomBytes(32).toString('base64url'));
  const orderAccess = new OrderAccess(store, new OrderAccessKeys(secret, publicUrl));
  const mail = createOutboxSender({ mail: config.mail, store, keys: orderAccess.keys, publicUrl, logger, clock, faultKillMail: config.faultKillMail });
  // Commits that queued an email wake the sender; it runs on later turns, never inside the tick.
  registry.onCommitted((_runtime, notice) => {
    if (notice.ordersCreated.length > 0 || notice.ticketsCancelled.length > 0) mail.nudge();
  });
  const perHour = (n: number) => new RateLimiter({ ratePerSecond: n / 3600, burst: n }, clock);
  const findTickets = new FindTickets({
    store,
    perClientAddress: perHour(config.findTicketsPerAddressPerHour),
    perEmail: perHour(config.findTicketsPerEmailPerHour),
    clock,
    logger,
    queued: () => mail.nudge(),
  });
  return { orderAccess, mail, findTickets };
}
