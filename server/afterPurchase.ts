// Wiring for everything after the purchase: order access keys, the outbox
// sender (woken by commits that queued an email) and "Find my tickets".
import type { DatabaseHandle } from '../db/connection';
import { createOutboxStore } from '../db/outbox';
import { getOrCreateSetting, newSecret } from '../db/settings';
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
  handle: DatabaseHandle;
  registry: EventRegistry;
  logger: Logger;
  clock: () => number;
  /** PUBLIC_URL, or the address the server listens on (known only once it does). */
  publicUrl: () => string;
}

export function createAfterPurchase({ config, handle, registry, logger, clock, publicUrl }: AfterPurchaseDeps): AfterPurchase {
  const orderAccess = new OrderAccess(handle, new OrderAccessKeys(getOrCreateSetting(handle, 'order_access_secret', newSecret), publicUrl));
  const mail = createOutboxSender({ mail: config.mail, handle, keys: orderAccess.keys, publicUrl, logger, clock, faultKillMail: config.faultKillMail });
  // Commits that queued an email wake the sender; it runs on later turns, never inside the tick.
  registry.onCommitted((_runtime, batch) => {
    if (batch.effects.some((e) => e.kind === 'order_created' || e.kind === 'tickets_cancelled')) mail.nudge();
  });
  const perHour = (n: number) => new RateLimiter({ ratePerSecond: n / 3600, burst: n }, clock);
  const findTickets = new FindTickets({
    handle,
    outbox: createOutboxStore(handle.sqlite),
    perClientAddress: perHour(config.findTicketsPerAddressPerHour),
    perEmail: perHour(config.findTicketsPerEmailPerHour),
    clock,
    logger,
    queued: () => mail.nudge(),
  });
  return { orderAccess, mail, findTickets };
}
