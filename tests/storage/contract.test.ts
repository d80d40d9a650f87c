// The storage contract, on both stores: every method of the Store interface
// answers the same way on SQLite and PostgreSQL, the batch writers leave the
// same rows for the same batches (a differential run of random batches made
// by the real core), and each database refuses, on its own, the writes that
// would break a guarantee: a second sale of a seat, two live holds on a
// seat, a ticket for a held seat, a hold on a sold or blocked seat, and any
// change to the audit log.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store';
import { generateLayout } from '../../lib/venueLayout';
import { SeatBook } from '../../core/seatBook';
import type { Command, Effect, EventRules, IdSource } from '../../core/types';
import { sqlOf, type SqlRunner } from '../support/sql';
import { openTestStore, storeKinds, type StoreKind } from '../support/stores';

const T0 = 1_700_000_000_000;
const TTL = 60_000;

async function addEvent(store: Store, id: string, seatsPerRow = 6, rows = 2): Promise<void> {
  await store.createEvent({
    id,
    name: `Event ${id}`,
    venueName: 'Hall',
    startsAt: T0 + 86_400_000,
    holdTtlMs: TTL,
    maxSeatsPerBuyer: 6,
    layout: generateLayout({
      categories: [
        { id: 'p', name: 'Premium', priceCents: 5000, color: '#000000' },
        { id: 's', name: 'Standard', priceCents: 3000, color: '#111111' },
      ],
      sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows, seatsPerRow, x: 0, y: 0, rowCategories: ['p', 's'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    }),
    createdAt: T0,
  });
}

function counterIds(prefix: string): IdSource {
  let n = 0;
  return { holdId: () => `h${prefix}${++n}`, orderId: () => `o${prefix}${++n}`, ticketId: () => `t${prefix}${++n}`, ticketCode: () => `c${prefix}${++n}` };
}

const rulesOf = (): EventRules => ({ holdTtlMs: TTL, maxSeatsPerBuyer: 6, maxExtensions: 2, saleStatus: 'open', saleOpensAt: null, saleClosesAt: null, preventOrphanSeats: false });

/** A seat book of `eventId` as the store has it, with its own ids, to make real effects. */
async function bookOf(store: Store, eventId: string, prefix: string): Promise<SeatBook> {
  const state = (await store.loadLoopState(eventId, TTL))!;
  return new SeatBook(eventId, state.seats, state.rules, counterIds(prefix), state.restored);
}

describe.each(storeKinds())('the Store on %s', (kind) => {
  let store: Store;
  let sql: SqlRunner;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(kind));
    sql = sqlOf(store);
    await addEvent(store, 'ev-1');
    await addEvent(store, 'ev-2');
  });
  afterAll(() => close());

  it('settings: created once, the first value wins', async () => {
    expect(await store.getOrCreateSetting('k', () => 'first')).toBe('first');
    expect(await store.getOrCreateSetting('k', () => 'second')).toBe('first');
  });

  it('events: listed, read back whole, ids taken forever', async () => {
    const events = await store.listEvents();
    expect(events.map((e) => e.id)).toEqual(['ev-1', 'ev-2']);
    const ev = (await store.getEvent('ev-1'))!;
    expect(ev).toMatchObject({ name: 'Event ev-1', venueName: 'Hall', startsAt: T0 + 86_400_000, currency: 'EUR', holdTtlMs: TTL, maxSeatsPerBuyer: 6, maxExtensions: 1, saleStatus: 'open', version: 0 });
    expect(ev.layout.categories.map((c) => c.id)).toEqual(['p', 's']);
    expect(await store.getEvent('nope')).toBeNull();
    expect(await store.eventIdTaken('ev-1')).toBe(true);
    expect(await store.eventIdTaken('never')).toBe(false);
    const detail = (await store.loadEventDetail('ev-1', 1))!;
    expect(detail.capacity).toBe(12);
    expect(detail.priceRangeCents).toEqual([3000, 5000]);
    expect(detail.seats.find((s) => s.id === 'S-A-1')).toMatchObject({ section: 'Stalls', row: 'A', number: '1', category: 'p', priceCents: 5000 });
  });

  it('a tick written by the batch writer is what the loop restores; reads see it', async () => {
    const book = await bookOf(store, 'ev-1', 'x');
    const writer = store.batchWriter('ev-1');
    const held = book.apply({ type: 'hold', buyerId: 'buyer-1', seatIds: ['S-A-1', 'S-A-2'] }, T0);
    const keep = book.apply({ type: 'hold', buyerId: 'buyer-2', seatIds: ['S-B-1'] }, T0);
    expect(held.ok && keep.ok).toBe(true);
    await writer.write({ effects: book.takeBatch().effects, version: 1, currency: 'EUR' });
    const holdId = held.ok && held.type === 'held' ? held.hold.id : '';
    const confirmed = book.apply(
      { type: 'confirm', buyerId: 'buyer-1', holdId, idempotencyKey: 'key-000001', buyer: { name: 'Grace Hopper', email: 'Grace@Example.com' } },
      T0 + 1000,
    );
    book.apply({ type: 'block', seatIds: ['S-A-6'], reason: 'camera', actor: 'admin' }, T0 + 1000);
    await writer.write({ effects: book.takeBatch().effects, version: 2, currency: 'EUR' });
    expect(confirmed.ok).toBe(true);
    const orderId = confirmed.ok && confirmed.type === 'confirmed' ? confirmed.order.id : '';

    const state = (await store.loadLoopState('ev-1', TTL))!;
    expect(state.version).toBe(2);
    expect(state.restored.holds.map((h) => h.buyerId)).toEqual(['buyer-2']);
    expect(state.restored.orders.map((o) => [o.id, o.tickets.map((t) => t.seatId).sort(), o.totalCents])).toEqual([[orderId, ['S-A-1', 'S-A-2'], 10_000]]);
    expect(state.restored.blockedSeatIds).toEqual(['S-A-6']);
    expect(new SeatBook('ev-1', state.seats, state.rules, counterIds('y'), state.restored).seatCounts()).toEqual({ available: 8, held: 1, sold: 2, blocked: 1 });

    expect(await store.eventOfHold(holdId)).toBe('ev-1');
    expect(await store.eventOfHold('no-such-hold')).toBeNull();
    const order = (await store.loadOrder(orderId))!;
    expect(order).toMatchObject({ id: orderId, eventId: 'ev-1', buyerId: 'buyer-1', totalCents: 10_000, currency: 'EUR', buyer: { name: 'Grace Hopper' } });
    expect(order.tickets.map((t) => t.seatId)).toEqual(['S-A-1', 'S-A-2']);
    expect(await store.loadOrder('no-such-order')).toBeNull();
    // Found by id, or by email whatever its case.
    expect((await store.searchOrders('grace@example.COM')).map((o) => o.id)).toEqual([orderId]);
    expect((await store.searchOrders(orderId, 'ev-1')).map((o) => o.id)).toEqual([orderId]);
    expect(await store.searchOrders(orderId, 'ev-2')).toEqual([]);
    expect((await store.recentOrders('ev-1', 10)).map((o) => o.id)).toEqual([orderId]);
    expect((await store.adminOrder(orderId))!.tickets.map((t) => [t.seatId, t.status])).toEqual([
      ['S-A-1', 'valid'],
      ['S-A-2', 'valid'],
    ]);
    expect((await store.seatHistory('ev-1', 'S-A-1')).map((h) => h.action)).toEqual(['held', 'sold']);
    expect((await store.ticketExport('ev-1')).map((r) => [r.seatId, r.status, r.buyerEmail])).toEqual([
      ['S-A-1', 'valid', 'Grace@Example.com'],
      ['S-A-2', 'valid', 'Grace@Example.com'],
    ]);
    expect(await store.salesHistory('ev-1', T0 - 1)).toEqual({
      totals: { holds: 2, orders: 1 },
      holds: expect.arrayContaining([{ createdAt: T0, endedAt: T0 + 1000, status: 'confirmed' }, { createdAt: T0, endedAt: null, status: 'active' }]),
      orders: [{ createdAt: T0 + 1000, tickets: 2, revenueCents: 10_000 }],
    });
    expect(await store.eventOfTicketCode(order.tickets[0].code)).toMatchObject({ eventId: 'ev-1' });
  });

  it('organizer session revocations: kept until they expire', async () => {
    await store.revokeAdminSession('s1', T0 + 10, T0);
    expect(await store.isAdminSessionRevoked('s1')).toBe(true);
    expect(await store.isAdminSessionRevoked('s2')).toBe(false);
    await store.revokeAdminSession('s2', T0 + 100, T0 + 20); // s1 has expired by now: forgotten
    expect(await store.isAdminSessionRevoked('s1')).toBe(false);
    expect(await store.isAdminSessionRevoked('s2')).toBe(true);
  });

  describe('the database refuses, by itself, what would break a guarantee', () => {
    beforeAll(async () => {
      await sql.run(`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at) VALUES ('hz', 'ev-2', 'b', '[]', 0, 1)`);
      await sql.run(`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at) VALUES ('hy', 'ev-2', 'b', '[]', 0, 1)`);
      await sql.run(`INSERT INTO orders VALUES ('oz', 'ev-2', 'hz', 'b', 'A', 'a@x.io', 'key-zzzzzz', 1000, 'EUR', 0)`);
      await sql.run(`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('tz1', 'oz', 'ev-2', 'S-A-1', 1000, 'cz1')`);
      await sql.run(`INSERT INTO held_seats VALUES ('ev-2', 'S-A-2', 'hz')`);
      await sql.run(`INSERT INTO blocked_seats (event_id, seat_id, reason, blocked_at) VALUES ('ev-2', 'S-A-3', NULL, 0)`);
    });

    it('a second hold for one buyer\'s request id (partial unique index; holds without one are not limited)', async () => {
      await sql.run(`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, request_id) VALUES ('hr1', 'ev-2', 'b', '[]', 0, 1, 'req-1')`);
      await expect(
        sql.run(`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, request_id) VALUES ('hr2', 'ev-2', 'b', '[]', 0, 1, 'req-1')`),
      ).rejects.toThrow(/unique/i);
      // Another buyer's same id, and holds without an id, are fine.
      await sql.run(`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, request_id) VALUES ('hr3', 'ev-2', 'c', '[]', 0, 1, 'req-1')`);
      expect(await sql.all(`SELECT id FROM holds WHERE request_id = 'req-1' ORDER BY id`)).toEqual([{ id: 'hr1' }, { id: 'hr3' }]);
    });

    it('a second valid ticket for a seat (partial unique index)', async () => {
      await expect(sql.run(`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('tz2', 'oz', 'ev-2', 'S-A-1', 1000, 'cz2')`)).rejects.toThrow(
        /unique/i,
      );
      // A cancelled ticket for the seat does not count.
      await sql.run(`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code, status) VALUES ('tz3', 'oz', 'ev-2', 'S-A-1', 1000, 'cz3', 'cancelled')`);
    });

    it('two live holds on one seat (primary key)', async () => {
      await expect(sql.run(`INSERT INTO held_seats VALUES ('ev-2', 'S-A-2', 'hy')`)).rejects.toThrow(/unique|primary|constraint/i);
    });

    it('a ticket for a held seat, a hold on a sold seat, a hold on a blocked seat (triggers)', async () => {
      await expect(sql.run(`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('tz4', 'oz', 'ev-2', 'S-A-2', 1000, 'cz4')`)).rejects.toThrow(
        /seat is held/,
      );
      await expect(sql.run(`INSERT INTO held_seats VALUES ('ev-2', 'S-A-1', 'hy')`)).rejects.toThrow(/already sold/);
      await expect(sql.run(`INSERT INTO held_seats VALUES ('ev-2', 'S-A-3', 'hy')`)).rejects.toThrow(/blocked/);
    });

    it('any change to the audit log', async () => {
      const before = await sql.all('SELECT * FROM audit_log ORDER BY id');
      expect(before.length).toBeGreaterThan(0);
      await expect(sql.run(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow(/append-only/);
      await expect(sql.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      if (kind === 'postgres') await expect(sql.run('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
      expect(await sql.all('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
    });

    it('a batch whose write breaks a guarantee leaves nothing behind, audit rows included', async () => {
      const auditBefore = (await sql.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))!.n;
      const writer = store.batchWriter('ev-2');
      const hold = (id: string, seatIds: string[]) => ({ id, eventId: 'ev-2', buyerId: 'b', seatIds, createdAt: T0, expiresAt: T0 + TTL, extensions: 0 });
      // A good hold, then one on the sold seat: the whole batch is refused.
      await expect(
        writer.write({ effects: [{ kind: 'hold_created', hold: hold('hok', ['S-B-1']) }, { kind: 'hold_created', hold: hold('hbad', ['S-A-1']) }], version: 1, currency: 'EUR' }),
      ).rejects.toThrow();
      expect(await sql.all(`SELECT id FROM holds WHERE id IN ('hok', 'hbad')`)).toEqual([]);
      expect((await sql.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))!.n).toBe(auditBefore);
      expect((await store.getEvent('ev-2'))!.version).toBe(0);
      // The same writer is fine afterwards (its cached chain heads were dropped with the transaction).
      await writer.write({ effects: [{ kind: 'hold_created', hold: hold('hok2', ['S-B-1']) }], version: 1, currency: 'EUR' });
      expect((await store.seatHistory('ev-2', 'S-B-1')).map((h) => [h.action, h.holdId])).toEqual([['held', 'hok2']]);
    });
  });
});

// ---------- differential: the same batches leave the same rows in both stores ----------

/** A random buyer/organizer command against the book's current state. */
const commandArb = fc.record({
  kind: fc.constantFrom('hold', 'hold', 'hold', 'release', 'extend', 'confirm', 'confirm', 'block', 'unblock', 'cancel', 'expire'),
  buyer: fc.integer({ min: 0, max: 3 }),
  seats: fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 3 }),
  pick: fc.nat(),
});
const batchesArb = fc.array(fc.array(commandArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 });

const SEATS = Array.from({ length: 12 }, (_, i) => `S-${'AB'[Math.floor(i / 6)]}-${(i % 6) + 1}`);

function toCommand(book: SeatBook, c: { kind: string; buyer: number; seats: number[]; pick: number }): Command | 'expire' | null {
  const buyerId = `b${c.buyer}`;
  const holds = [...book.activeHolds()];
  const orders = [...book.allOrders()].filter((o) => o.tickets.length > 0);
  const seatIds = c.seats.map((i) => SEATS[i]);
  switch (c.kind) {
    case 'hold':
      return { type: 'hold', buyerId, seatIds };
    case 'release':
    case 'extend':
    case 'confirm': {
      if (holds.length === 0) return null;
      const h = holds[c.pick % holds.length];
      if (c.kind === 'confirm') return { type: 'confirm', buyerId: h.buyerId, holdId: h.id, idempotencyKey: `key-${h.id}`, buyer: { name: 'N', email: `${h.buyerId}@x.io` } };
      return { type: c.kind, buyerId: h.buyerId, holdId: h.id };
    }
    case 'block':
      return { type: 'block', seatIds, reason: 'r', actor: 'admin' };
    case 'unblock':
      return { type: 'unblock', seatIds, reason: null, actor: 'admin' };
    case 'cancel': {
      if (orders.length === 0) return null;
      const o = orders[c.pick % orders.length];
      return { type: 'cancel_tickets', orderId: o.id, seatIds: c.pick % 2 ? [o.tickets[0].seatId] : null, reason: 'x', actor: 'admin' };
    }
    default:
      return 'expire';
  }
}

/** The rows of an event, with audit ids replaced by their rank (ids differ by engine; links must not). */
async function dump(store: Store, eventId: string) {
  const sql = sqlOf(store);
  const audit = await sql.all<{ id: number; seat_id: string | null; at: number; action: string; hold_id: string | null; order_id: string | null; buyer_id: string | null; detail: string | null; prev_seat_entry: number | null }>(
    'SELECT id, seat_id, at, action, hold_id, order_id, buyer_id, detail, prev_seat_entry FROM audit_log WHERE event_id = ? ORDER BY id',
    eventId,
  );
  const rank = new Map(audit.map((r, i) => [r.id, i]));
  const byText = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    holds: byText(await sql.all('SELECT id, buyer_id, seat_ids_json, created_at, expires_at, extensions, status, ended_at FROM holds WHERE event_id = ?', eventId)),
    heldSeats: byText(await sql.all('SELECT seat_id, hold_id FROM held_seats WHERE event_id = ?', eventId)),
    orders: byText(await sql.all('SELECT id, hold_id, buyer_id, buyer_name, buyer_email, idempotency_key, total_cents, currency, created_at FROM orders WHERE event_id = ?', eventId)),
    tickets: byText(await sql.all('SELECT id, order_id, seat_id, price_cents, code, status, cancelled_at, cancel_reason FROM tickets WHERE event_id = ?', eventId)),
    blocked: byText(await sql.all('SELECT seat_id, reason, blocked_at FROM blocked_seats WHERE event_id = ?', eventId)),
    version: (await store.getEvent(eventId))!.version,
    audit: audit.map(({ id: _id, prev_seat_entry, ...r }) => ({ ...r, prev: prev_seat_entry === null ? null : rank.get(prev_seat_entry) })),
    heads: byText(
      (await sql.all<{ seat_id: string; last_entry: number }>('SELECT seat_id, last_entry FROM audit_seat_heads WHERE event_id = ?', eventId)).map((h) => ({
        seat: h.seat_id,
        last: rank.get(h.last_entry),
      })),
    ),
  };
}

describe('the batch writers agree', () => {
  const kinds = storeKinds();
  it.skipIf(kinds.length < 2)('the same random batches (made by the core) leave the same rows in SQLite and PostgreSQL', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const eventId = `diff-${++run}`;
        const stores = await Promise.all(kinds.map((k: StoreKind) => openTestStore(k)));
        try {
          for (const { store } of stores) await addEvent(store, eventId);
          const book = new SeatBook(eventId, SEATS.map((id, i) => ({ id, priceCents: 1000 + 100 * i })), rulesOf(), counterIds(''));
          const writers = stores.map(({ store }) => store.batchWriter(eventId));
          let version = 0;
          let now = T0;
          for (const batch of batches) {
            now += 7_000;
            for (const c of batch) {
              const command = toCommand(book, c);
              if (command === 'expire') book.expireDue(now + TTL);
              else if (command) book.apply(command, now);
            }
            const effects: Effect[] = book.takeBatch().effects;
            if (effects.length === 0) continue;
            version++;
            for (const writer of writers) await writer.write({ effects, version, currency: 'EUR' });
          }
          const [a, b] = await Promise.all(stores.map(({ store }) => dump(store, eventId)));
          expect(b).toEqual(a);
          expect(a.version).toBe(version);
        } finally {
          for (const s of stores) await s.close();
        }
      }),
      // Each run copies a PostgreSQL database; no shrinking (a failure prints its batches).
      { numRuns: 15, endOnFailure: true },
    );
  }, 120_000);
});
