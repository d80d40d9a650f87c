// Check-in in storage, on both stores: the batch writer stores an admission
// with its audit row on the seat's chain, in the batch's transaction; a
// second admission or one of a cancelled ticket cannot be stored (writer and
// trigger); a loop's restore reads admissions and cancelled codes back; a
// code names its event.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchWriter, Store } from '../../db/store';
import { generateLayout } from '../../lib/venueLayout';
import type { Effect, Order } from '../../core/types';
import { sqlOf, type SqlRunner } from '../support/sql';
import { openTestStore, storeKinds } from '../support/stores';

const T0 = 1_700_000_000_000;

describe.each(storeKinds())('check-in storage on %s', (kind) => {
  let store: Store;
  let sql: SqlRunner;
  let close: () => Promise<void>;
  let writers: Map<string, BatchWriter>;
  const versions = new Map<string, number>();

  async function addEvent(id: string, name: string): Promise<void> {
    await store.createEvent({
      id,
      name,
      venueName: 'Hall',
      startsAt: T0 + 86_400_000,
      layout: generateLayout({
        categories: [{ id: 'std', name: 'Standard', priceCents: 2000, color: '#2563eb' }],
        sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 4, x: 0, y: 0, rowCategories: ['std'] }],
        stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
      }),
      createdAt: T0,
    });
    writers.set(id, store.batchWriter(id));
    versions.set(id, 0);
  }

  const order = (eventId: string, id: string, codes: string[]): Order => ({
    id,
    eventId,
    holdId: `h-${id}`,
    buyerId: 'buyer-1',
    buyer: { name: 'Grace Hopper', email: 'grace@example.com' },
    idempotencyKey: `key-${id}`,
    totalCents: 2000 * codes.length,
    createdAt: T0,
    tickets: codes.map((code, i) => ({ id: `t-${id}-${i + 1}`, seatId: `S-A-${i + 1}`, priceCents: 2000, code })),
  });

  const admitted = (ticketId: string, seatId: string, at: number, door: string | null): Effect => ({
    kind: 'ticket_checked_in',
    ticketId,
    orderId: 'o1',
    buyerId: 'buyer-1',
    seatId,
    at,
    door,
    actor: 'admin',
  });
  const cancelled = (seatIds: string[], at: number): Effect => ({
    kind: 'tickets_cancelled',
    orderId: 'o1',
    buyerId: 'buyer-1',
    seatIds,
    refundedCents: 2000 * seatIds.length,
    orderCreatedAt: T0,
    reason: 'refund',
    actor: 'admin',
    at,
  });

  const write = async (effects: Effect[], eventId = 'ev-1') => {
    const version = versions.get(eventId)! + 1;
    await writers.get(eventId)!.write({ effects, version, currency: 'EUR' });
    versions.set(eventId, version);
  };
  const ticketRow = (id: string) => sql.get('SELECT status, checked_in_at, checked_in_door, checked_in_by FROM tickets WHERE id = ?', id);

  beforeEach(async () => {
    ({ store, close } = await openTestStore(kind));
    sql = sqlOf(store);
    writers = new Map();
    await addEvent('ev-1', 'First night');
    await addEvent('ev-2', 'Second night');
    await write([{ kind: 'order_created', order: order('ev-1', 'o1', ['code-1', 'code-2', 'code-3']) }]);
  });
  afterEach(() => close());

  it('stores the admission on the ticket and a checked_in row on the seat’s audit chain', async () => {
    await write([admitted('t-o1-1', 'S-A-1', T0 + 100, 'North')]);
    expect(await ticketRow('t-o1-1')).toEqual({ status: 'valid', checked_in_at: T0 + 100, checked_in_door: 'North', checked_in_by: 'admin' });
    const history = await store.seatHistory('ev-1', 'S-A-1'); // oldest first
    expect(history.map((h) => h.action)).toEqual(['sold', 'checked_in']);
    expect(history[1]).toMatchObject({ action: 'checked_in', at: T0 + 100, orderId: 'o1', buyerId: 'buyer-1' });
    expect(JSON.parse(history[1].detail!)).toEqual({ by: 'admin', door: 'North' });
  });

  it('a second admission of the same ticket is refused and rolls back its whole batch', async () => {
    await write([admitted('t-o1-1', 'S-A-1', T0 + 100, 'North')]);
    const auditRows = async () => (await sql.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))!.n;
    const before = await auditRows();
    await expect(write([admitted('t-o1-2', 'S-A-2', T0 + 200, null), admitted('t-o1-1', 'S-A-1', T0 + 200, 'South')])).rejects.toThrow(/check in/);
    expect(await ticketRow('t-o1-2')).toMatchObject({ checked_in_at: null });
    expect(await ticketRow('t-o1-1')).toMatchObject({ checked_in_at: T0 + 100, checked_in_door: 'North' });
    expect(await auditRows()).toBe(before);
  });

  it('the database itself refuses a second admission and the admission of a cancelled ticket (trigger)', async () => {
    const admit = (at: number, id: string) => sql.run('UPDATE tickets SET checked_in_at = ? WHERE id = ?', at, id);
    await admit(T0 + 1, 't-o1-1');
    await expect(admit(T0 + 2, 't-o1-1')).rejects.toThrow(/already checked in or not valid/);
    await write([cancelled(['S-A-2'], T0 + 5)]);
    await expect(admit(T0 + 6, 't-o1-2')).rejects.toThrow(/already checked in or not valid/);
    // Cancelling an admitted ticket is allowed and keeps when it was admitted.
    await write([cancelled(['S-A-1'], T0 + 7)]);
    expect(await ticketRow('t-o1-1')).toMatchObject({ status: 'cancelled', checked_in_at: T0 + 1 });
  });

  it('a ticket admitted and cancelled in one batch is stored cancelled, with its admission', async () => {
    await write([admitted('t-o1-3', 'S-A-3', T0 + 10, 'East'), cancelled(['S-A-3'], T0 + 11)]);
    expect(await ticketRow('t-o1-3')).toEqual({ status: 'cancelled', checked_in_at: T0 + 10, checked_in_door: 'East', checked_in_by: 'admin' });
  });

  it('restore reads admissions of valid tickets and every cancelled ticket (with its earlier admission)', async () => {
    await write([admitted('t-o1-1', 'S-A-1', T0 + 100, 'North'), admitted('t-o1-3', 'S-A-3', T0 + 150, null)]);
    await write([cancelled(['S-A-3', 'S-A-2'], T0 + 200)]);
    const state = (await store.loadLoopState('ev-1', 60_000))!;
    expect(state.restored.checkIns).toEqual([{ ticketId: 't-o1-1', at: T0 + 100, door: 'North', actor: 'admin' }]);
    expect([...state.restored.cancelledTickets!].sort((a, b) => (a.code < b.code ? -1 : 1))).toEqual([
      { code: 'code-2', ticketId: 't-o1-2', orderId: 'o1', seatId: 'S-A-2', buyerName: 'Grace Hopper', cancelledAt: T0 + 200, checkIn: null },
      { code: 'code-3', ticketId: 't-o1-3', orderId: 'o1', seatId: 'S-A-3', buyerName: 'Grace Hopper', cancelledAt: T0 + 200, checkIn: { at: T0 + 150, door: null, actor: 'admin' } },
    ]);
    const other = (await store.loadLoopState('ev-2', 60_000))!;
    expect(other.restored.checkIns).toEqual([]);
    expect(other.restored.cancelledTickets).toEqual([]);
  });

  it('a code names its event (codes are unique across events); an unknown code names none', async () => {
    await write([{ kind: 'order_created', order: order('ev-2', 'o2', ['code-other']) }], 'ev-2');
    expect(await store.eventOfTicketCode('code-1')).toEqual({ eventId: 'ev-1', eventName: 'First night', eventStartsAt: T0 + 86_400_000 });
    expect(await store.eventOfTicketCode('code-other')).toMatchObject({ eventId: 'ev-2', eventName: 'Second night' });
    expect(await store.eventOfTicketCode('no-such-code')).toBeNull();
  });
});
