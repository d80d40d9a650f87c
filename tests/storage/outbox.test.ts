// The transactional outbox in storage, on both stores: a message is written
// in the same transaction as the order or cancellation it tells (and
// vanishes with it on rollback); a row is claimed by exactly one of several
// senders, each with its own connection as separate processes would have;
// leases expire; and several senders draining one queue at once send every
// message exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cancellationOutboxId, confirmationOutboxId } from '../../db/outbox';
import type { Store } from '../../db/store';
import { generateLayout } from '../../lib/venueLayout';
import { createLogger } from '../../server/logger';
import { OutboxSender, retryDelayMs } from '../../server/mail/outboxSender';
import type { MailTransport, OutgoingMail } from '../../server/mail/transport';
import type { Effect, Order } from '../../core/types';
import { seededRandom } from '../support/random';
import { sqlOf, type SqlRunner } from '../support/sql';
import { openSharedTestStores, storeKinds } from '../support/stores';

const EVENT = 'ev-outbox';

describe.each(storeKinds())('the outbox on %s', async (kind) => {
  /** Three stores on one database: `store`, and two more "processes". */
  let stores: Store[];
  let store: Store;
  let sql: SqlRunner;
  let close: () => Promise<void>;
  let version = 0;

  beforeEach(async () => {
    ({ stores, close } = await openSharedTestStores(kind, 3));
    store = stores[0];
    sql = sqlOf(store);
    version = 0;
    await store.createEvent({
      id: EVENT,
      name: 'Outbox night',
      venueName: 'Hall',
      startsAt: 2_000_000_000_000,
      layout: generateLayout({
        categories: [{ id: 'std', name: 'Standard', priceCents: 2500, color: '#2563eb' }],
        sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 6, x: 0, y: 40, rowCategories: ['std'] }],
        stage: { x: 0, y: 0, width: 60, height: 20, label: 'STAGE' },
      }),
      createdAt: 1,
    });
  });
  afterEach(() => close());

  function order(id: string, seatIds: string[], email = 'ada@example.com'): Order {
    return {
      id,
      eventId: EVENT,
      holdId: `h-${id}`,
      buyerId: 'b_buyer',
      buyer: { name: 'Ada', email },
      idempotencyKey: `key-${id}`,
      totalCents: 2500 * seatIds.length,
      createdAt: 1000,
      tickets: seatIds.map((seatId, i) => ({ id: `t-${id}-${i}`, seatId, priceCents: 2500, code: `code-${id}-${i}` })),
    };
  }

  const write = (effects: Effect[], options: { beforeCommit?: () => void } = {}) =>
    store.batchWriter(EVENT, options).write({ effects, version: ++version, currency: 'EUR' });
  const outboxRows = async () => (await sql.all<{ id: string }>('SELECT id, kind, order_id, recipient, payload_json FROM outbox')).sort((a, b) => (a.id < b.id ? -1 : 1));

describe('queued with what it tells', () => {
  it('an order and its confirmation are committed together; a failed commit leaves neither', async () => {
    await write([{ kind: 'order_created', order: order('o1', ['S-A-1', 'S-A-2']) }]);
    expect(await outboxRows()).toEqual([{ id: confirmationOutboxId('o1'), kind: 'order_confirmation', order_id: 'o1', recipient: 'ada@example.com', payload_json: '{}' }]);
    const failing = write([{ kind: 'order_created', order: order('o2', ['S-A-3']) }], {
      beforeCommit: () => {
        throw new Error('disk full');
      },
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(await sql.get(`SELECT COUNT(*) AS n FROM orders WHERE id = 'o2'`)).toEqual({ n: 0 });
    expect(await outboxRows()).toHaveLength(1);
  });

  it('a cancellation queues a notice to the order’s buyer with what was cancelled, why and the refund', async () => {
    await write([{ kind: 'order_created', order: order('o1', ['S-A-1', 'S-A-2'], 'Ada@Example.com') }]);
    const cancel: Effect = {
      kind: 'tickets_cancelled',
      orderId: 'o1',
      buyerId: 'b_buyer',
      seatIds: ['S-A-2'],
      refundedCents: 2500,
      orderCreatedAt: 1000,
      reason: 'Broken seat',
      actor: 'admin',
      at: 5000,
    };
    await write([cancel]);
    const rows = await outboxRows();
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual({
      id: cancellationOutboxId('o1', ['S-A-2']),
      kind: 'order_cancellation',
      order_id: 'o1',
      recipient: 'Ada@Example.com',
      payload_json: JSON.stringify({ seatIds: ['S-A-2'], reason: 'Broken seat', at: 5000, refundedCents: 2500 }),
    });
    // The id names the cancelled set: the same seats of the same order can only be cancelled once.
    expect(cancellationOutboxId('o1', ['S-A-2', 'S-A-1'])).toBe(cancellationOutboxId('o1', ['S-A-1', 'S-A-2']));
    expect(cancellationOutboxId('o1', ['S-A-1'])).not.toBe(cancellationOutboxId('o1', ['S-A-2']));
  });

  it('revoking an order’s keys bumps its generation and queues the new link in the same transaction', async () => {
    await write([{ kind: 'order_created', order: order('o1', ['S-A-1']) }]);
    expect((await store.orderAccessOf('o1'))?.generation).toBe(1);
    expect(await store.revokeOrderAccess('o1', 10, { emailBuyer: false })).toBe(2);
    expect(await store.revokeOrderAccess('o1', 20, { emailBuyer: true })).toBe(3);
    expect(await store.orderAccessOf('o1')).toEqual({ orderId: 'o1', buyerId: 'b_buyer', buyerEmail: 'ada@example.com', generation: 3 });
    expect((await outboxRows()).filter((r) => (r as { kind?: string }).kind === 'order_links')).toEqual([
      expect.objectContaining({ order_id: 'o1', recipient: 'ada@example.com', payload_json: JSON.stringify({ orderIds: ['o1'], reason: 'access_replaced' }) }),
    ]);
    expect(await store.revokeOrderAccess('o-missing', 30, { emailBuyer: true })).toBeNull();
  });
});

describe('claims', () => {
  it('one of two connections wins a row; the lease expires; a late "sent" is recognised', async () => {
    const [a, b] = stores;
    const id = await a.queueOrderLinks('x@example.com', { orderIds: ['o1', 'o2'], reason: 'lookup' }, 100);
    expect(await a.dueOutbox(100, 10)).toEqual([id]);
    expect(await b.dueOutbox(99, 10)).toEqual([]); // not due before its time

    const won = await a.claimOutbox(id, 'A', 100, 1000);
    expect(won).toMatchObject({ id, claimedBy: 'A', claimUntil: 1100, attempts: 1, orderId: null });
    expect(await b.claimOutbox(id, 'B', 200, 1000)).toBeNull();
    expect(await b.dueOutbox(200, 10)).toEqual([]);
    expect(await b.nextOutboxWakeAt()).toBe(1100);
    expect(await a.renewOutboxClaim(id, 'A', 1500)).toBe(true);
    expect(await b.renewOutboxClaim(id, 'B', 9999)).toBe(false);

    // A stalls past its lease: B may take the row over.
    expect(await b.claimOutbox(id, 'B', 1400, 1000)).toBeNull();
    expect(await b.claimOutbox(id, 'B', 1501, 1000)).toMatchObject({ claimedBy: 'B', attempts: 2 });
    expect(await a.renewOutboxClaim(id, 'A', 3000)).toBe(false);
    // Both sent it: the first "sent" counts, the second learns it was a duplicate.
    expect(await b.markOutboxSent(id, 1600, '<m@x>')).toBe(true);
    expect(await a.markOutboxSent(id, 1700, '<m@x>')).toBe(false);
    expect(await a.outboxRow(id)).toMatchObject({ sentAt: 1600, claimedBy: null, claimUntil: null });
    expect(await a.claimOutbox(id, 'A', 5000, 1000)).toBeNull();
    expect(await a.dueOutbox(5000, 10)).toEqual([]);
    expect(await a.nextOutboxWakeAt()).toBeNull();
  });

  it('a failed attempt waits out its back-off; giving up takes the row out of the queue', async () => {
    const id = await store.queueOrderLinks('x@example.com', { orderIds: ['o1'], reason: 'lookup' }, 100);
    await store.claimOutbox(id, 'A', 100, 1000);
    await store.retryOutboxLater(id, 'B', 999, 'not my claim'); // only the holder may release it
    expect(await store.outboxRow(id)).toMatchObject({ claimedBy: 'A', nextAttemptAt: 100 });
    await store.retryOutboxLater(id, 'A', 800, 'connection refused');
    expect(await store.outboxRow(id)).toMatchObject({ claimedBy: null, nextAttemptAt: 800, lastError: 'connection refused', attempts: 1 });
    expect(await store.dueOutbox(799, 10)).toEqual([]);
    expect(await store.nextOutboxWakeAt()).toBe(800);
    expect(await store.claimOutbox(id, 'A', 799, 1000)).toBeNull();
    expect(await store.claimOutbox(id, 'A', 800, 1000)).toMatchObject({ attempts: 2 });
    await store.giveUpOutbox(id, 900, 'mailbox does not exist');
    expect(await store.outboxRow(id)).toMatchObject({ failedAt: 900, sentAt: null, claimedBy: null });
    expect(await store.dueOutbox(10_000, 10)).toEqual([]);
    expect(await store.nextOutboxWakeAt()).toBeNull();
  });

  it('back-off doubles per attempt from the base, with ±20% jitter, capped at 30 minutes', () => {
    expect(retryDelayMs(1, 1000, () => 0.5)).toBe(1000);
    expect(retryDelayMs(2, 1000, () => 0.5)).toBe(2000);
    expect(retryDelayMs(5, 1000, () => 0.5)).toBe(16_000);
    expect(retryDelayMs(40, 1000, () => 0.5)).toBe(30 * 60_000);
    expect(retryDelayMs(3, 1000, () => 0)).toBe(3200);
    expect(retryDelayMs(3, 1000, () => 1)).toBe(4800);
  });
});

describe('several senders on one queue', () => {
  it('every message is sent exactly once, whoever sends it', { timeout: 30_000 }, async () => {
    const random = seededRandom(20261206);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await store.queueOrderLinks(`buyer${i}@example.com`, { orderIds: [`o${i}`], reason: 'lookup' }, 1));
    const sent: { sender: number; outboxId: string; messageId: string }[] = [];
    const silent = createLogger('silent');
    const senders = [0, 1, 2].map((n) => {
      const transport: MailTransport = {
        description: `fake ${n}`,
        // Each delivery takes a few random milliseconds, so the senders interleave at every step.
        send: (mail: OutgoingMail) =>
          new Promise((resolve) =>
            setTimeout(() => {
              sent.push({ sender: n, outboxId: mail.outboxId, messageId: mail.messageId });
              resolve('250 ok');
            }, Math.floor(random() * 4)),
          ),
        close: () => {},
      };
      return new OutboxSender({
        store: stores[n],
        compose: async () => ({ ok: true, mail: { subject: 's', text: 't', html: '<p>t</p>', attachments: [] } }),
        transport,
        from: 'Seatline <tickets@localhost>',
        messageIdDomain: 'localhost',
        logger: silent,
        pollMs: 60_000,
        claimLeaseMs: 60_000,
        retryBaseMs: 1000,
        maxAttempts: 3,
      });
    });
    for (const s of senders) s.start();
    await Promise.all(senders.map((s) => s.drain()));
    await Promise.all(senders.map((s) => s.stop()));

    expect(sent.map((s) => s.outboxId).sort()).toEqual([...ids].sort());
    expect(new Set(sent.map((s) => s.messageId)).size).toBe(ids.length);
    expect(sent.every((s) => s.messageId === `<${s.outboxId}@localhost>`)).toBe(true);
    // They really did share the work.
    expect(new Set(sent.map((s) => s.sender)).size).toBeGreaterThan(1);
    const rows = await sql.all<{ attempts: number; sent_at: number | null; claimed_by: string | null }>('SELECT attempts, sent_at, claimed_by FROM outbox');
    expect(rows.every((r) => r.attempts === 1 && r.sent_at !== null && r.claimed_by === null)).toBe(true);
  });
});
});
