// "Find my tickets": a buyer gives an email address; if orders were placed
// with it, that address gets an email with a fresh link to each. The HTTP
// answer is the same for every valid address and is sent before any lookup:
// the lookup and the queueing happen afterwards, in the background, so
// neither the body, the status nor the timing tells whether the address has
// orders. Limits: per client address (answered 429, which is about the
// client, not the email) and per email address (silently not sent again).
import type { Store } from '../db/store';
import type { Logger } from './logger';

/** A per-key allowance: 0 when allowed, else ms until it would be. In memory today; cluster-wide later. */
export interface KeyedLimiter {
  take(key: string): number;
}

export interface FindTicketsDeps {
  store: Store;
  perClientAddress: KeyedLimiter;
  perEmail: KeyedLimiter;
  clock: () => number;
  logger: Logger;
  /** Tells the outbox sender that a message was queued. */
  queued(): void;
}

export class FindTickets {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: FindTicketsDeps) {}

  /**
   * Accepts a (validated) request: 0 when it was taken (the lookup runs in the background),
   * else how long this client address must wait.
   */
  request(clientAddress: string, email: string): number {
    const waitMs = this.deps.perClientAddress.take(clientAddress);
    if (waitMs > 0) return waitMs;
    const job = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.lookup(email));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    return 0;
  }

  /** Resolves when every lookup accepted so far has finished (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async lookup(email: string): Promise<void> {
    const { perEmail, store, clock, logger } = this.deps;
    try {
      // Charged for every address, known or not: the limit also bounds lookups.
      if (perEmail.take(email.trim().toLowerCase()) > 0) {
        logger.info('find my tickets: this address asked too often; not emailing it again yet');
        return;
      }
      const orders = await store.ordersOfEmail(email.trim(), 50);
      if (orders.length === 0) return;
      // Sent to the address the orders were placed with (the lookup ignores case; mail servers may not).
      await store.queueOrderLinks(orders[0].buyerEmail, { orderIds: orders.map((o) => o.id), reason: 'lookup' }, clock());
      this.deps.queued();
    } catch (error) {
      logger.error({ err: error }, 'find my tickets: lookup failed');
    }
  }
}
