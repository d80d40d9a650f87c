// The transactional outbox in storage: a message is written in the same
// transaction as the order or cancellation it tells (and vanishes with it on
// rollback); a row is claimed by exactly one of several senders, each with
// its own connection as separate processes would have; leases expire; and
// several senders draining one queue at once send every message exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatchWriter } from '../../db/batchWriter';
import { openDatabase, type DatabaseHandle } from '../../db/connection';
import { createEvent } from '../../db/createEvent';
import { cancellationOutboxId, confirmationOutboxId, createOutboxStore } from '../../db/outbox';
import { revokeOrderAccess, orderAccessOf } from '../../db/orderAccess';
import { generateLayout } from '../../lib/venueLayout';
import { createLogger } from '../../server/logger';
import { OutboxSender, retryDelayMs } from '../../server/mail/outboxSender';
import type { MailTransport, OutgoingMail } from '../../server/mail/transport';
import type { Effect, Order } from '../../server/reservations/types';
import { seededRandom } from '../support/random';

const EVENT = 'ev-outbox';
let dir: string;
let handle: DatabaseHandle;
const extra: DatabaseHandle[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seatline-outbox-'));
  handle = openDatabase(join(dir, 'test.db'));
  createEvent(handle, {
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
afterEach(() => {
  for (const h of extra.splice(0)) h.close();
  handle.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another connection to the same file, as another process would have. */
function connection(): DatabaseHandle {
  const h = openDatabase(join(dir, 'test.db'));
  extra.push(h);
  return h;
}

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

const outboxRows = () => handle.sqlite.prepare('SELECT id, kind, order_id, recipient, payload_json FROM outbox ORDER BY id').all();

describe('queued with what it tells', () => {
  it('an order and its confirmation are committed together; a failed commit leaves neither', () => {
    const writer = createBatchWriter(handle.sqlite);
    writer.write(EVENT, [{ kind: 'order_created', order: order('o1', ['S-A-1', 'S-A-2']) }], 1, 'EUR');
    expect(outboxRows()).toEqual([{ id: confirmationOutboxId('o1'), kind: 'order_confirmation', order_id: 'o1', recipient: 'ada@example.com', payload_json: '{}' }]);

    const failing = createBatchWriter(handle.sqlite, {
      beforeCommit: () => {
        throw new Error('disk full');
      },
    });
    expect(() => failing.write(EVENT, [{ kind: 'order_created', order: order('o2', ['S-A-3']) }], 2, 'EUR')).toThrow('disk full');
    expect(handle.sqlite.prepare(`SELECT COUNT(*) AS n FROM orders WHERE id = 'o2'`).get()).toEqual({ n: 0 });
    expect(outboxRows()).toHaveLength(1);
  });

  it('a cancellation queues a notice to the order’s buyer with what was cancelled, why and the refund', () => {
    const writer = createBatchWriter(handle.sqlite);
    writer.write(EVENT, [{ kind: 'order_created', order: order('o1', ['S-A-1', 'S-A-2'], 'Ada@Example.com') }], 1, 'EUR');
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
    writer.write(EVENT, [cancel], 2, 'EUR');
    const rows = outboxRows();
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

  it('revoking an order’s keys bumps its generation and queues the new link in the same transaction', () => {
    createBatchWriter(handle.sqlite).write(EVENT, [{ kind: 'order_created', order: order('o1', ['S-A-1']) }], 1, 'EUR');
    expect(orderAccessOf(handle, 'o1')?.generation).toBe(1);
    expect(revokeOrderAccess(handle, 'o1', 10, { emailBuyer: false })).toBe(2);
    expect(revokeOrderAccess(handle, 'o1', 20, { emailBuyer: true })).toBe(3);
    expect(orderAccessOf(handle, 'o1')).toEqual({ orderId: 'o1', buyerId: 'b_buyer', buyerEmail: 'ada@example.com', generation: 3 });
    expect(outboxRows().filter((r) => (r as { kind: string }).kind === 'order_links')).toEqual([
      expect.objectContaining({ order_id: 'o1', recipient: 'ada@example.com', payload_json: JSON.stringify({ orderIds: ['o1'], reason: 'access_replaced' }) }),
    ]);
    expect(revokeOrderAccess(handle, 'o-missing', 30, { emailBuyer: true })).toBeNull();
  });
});

describe('claims', () => {
  it('one of two connections wins a row; the lease expires; a late "sent" is recognised', () => {
    const a = createOutboxStore(handle.sqlite);
    const b = createOutboxStore(connection().sqlite);
    const id = a.queueLinks('x@example.com', { orderIds: ['o1', 'o2'], reason: 'lookup' }, 100);
    expect(a.due(100, 10)).toEqual([id]);
    expect(b.due(99, 10)).toEqual([]); // not due before its time

    const won = a.claim(id, 'A', 100, 1000);
    expect(won).toMatchObject({ id, claimedBy: 'A', claimUntil: 1100, attempts: 1, orderId: null });
    expect(b.claim(id, 'B', 200, 1000)).toBeNull();
    expect(b.due(200, 10)).toEqual([]);
    expect(b.nextWakeAt()).toBe(1100);
    expect(a.renew(id, 'A', 1500)).toBe(true);
    expect(b.renew(id, 'B', 9999)).toBe(false);

    // A stalls past its lease: B may take the row over.
    expect(b.claim(id, 'B', 1400, 1000)).toBeNull();
    expect(b.claim(id, 'B', 1501, 1000)).toMatchObject({ claimedBy: 'B', attempts: 2 });
    expect(a.renew(id, 'A', 3000)).toBe(false);
    // Both sent it: the first "sent" counts, the second learns it was a duplicate.
    expect(b.markSent(id, 1600, '<m@x>')).toBe(true);
    expect(a.markSent(id, 1700, '<m@x>')).toBe(false);
    expect(a.get(id)).toMatchObject({ sentAt: 1600, claimedBy: null, claimUntil: null });
    expect(a.claim(id, 'A', 5000, 1000)).toBeNull();
    expect(a.due(5000, 10)).toEqual([]);
    expect(a.nextWakeAt()).toBeNull();
  });

  it('a failed attempt waits out its back-off; giving up takes the row out of the queue', () => {
    const store = createOutboxStore(handle.sqlite);
    const id = store.queueLinks('x@example.com', { orderIds: ['o1'], reason: 'lookup' }, 100);
    store.claim(id, 'A', 100, 1000);
    store.retryLater(id, 'B', 999, 'not my claim'); // only the holder may release it
    expect(store.get(id)).toMatchObject({ claimedBy: 'A', nextAttemptAt: 100 });
    store.retryLater(id, 'A', 800, 'connection refused');
    expect(store.get(id)).toMatchObject({ claimedBy: null, nextAttemptAt: 800, lastError: 'connection refused', attempts: 1 });
    expect(store.due(799, 10)).toEqual([]);
    expect(store.nextWakeAt()).toBe(800);
    expect(store.claim(id, 'A', 799, 1000)).toBeNull();
    expect(store.claim(id, 'A', 800, 1000)).toMatchObject({ attempts: 2 });
    store.giveUp(id, 900, 'mailbox does not exist');
    expect(store.get(id)).toMatchObject({ failedAt: 900, sentAt: null, claimedBy: null });
    expect(store.due(10_000, 10)).toEqual([]);
    expect(store.nextWakeAt()).toBeNull();
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
    const queue = createOutboxStore(handle.sqlite);
    const ids = Array.from({ length: 60 }, (_, i) => queue.queueLinks(`buyer${i}@example.com`, { orderIds: [`o${i}`], reason: 'lookup' }, 1));
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
        store: createOutboxStore(connection().sqlite),
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
    const rows = handle.sqlite.prepare('SELECT attempts, sent_at, claimed_by FROM outbox').all() as { attempts: number; sent_at: number | null; claimed_by: string | null }[];
    expect(rows.every((r) => r.attempts === 1 && r.sent_at !== null && r.claimed_by === null)).toBe(true);
  });
});
