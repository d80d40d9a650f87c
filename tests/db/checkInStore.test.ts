// Check-in in storage: the batch writer stores an admission with its audit
// row on the seat's chain, in the batch's transaction; a second admission or
// one of a cancelled ticket cannot be stored (writer and trigger); a loop's
// restore reads admissions and cancelled codes back; a code names its event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seatHistory } from '../../db/adminQueries';
import { createBatchWriter, type BatchWriter } from '../../db/batchWriter';
import { eventOfTicketCode, loadDoorState } from '../../db/checkInStore';
import { openDatabase, type DatabaseHandle } from '../../db/connection';
import { createEvent } from '../../db/createEvent';
import { loadLoopState } from '../../db/eventStore';
import { generateLayout } from '../../lib/venueLayout';
import type { Effect, Order } from '../../server/reservations/types';

const T0 = 1_700_000_000_000;
let dir: string;
let handle: DatabaseHandle;
let writer: BatchWriter;
let version = 0;

function addEvent(id: string, name: string): void {
  createEvent(handle, {
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

const write = (effects: Effect[], eventId = 'ev-1') => writer.write(eventId, effects, ++version, 'EUR');
const ticketRow = (id: string) =>
  handle.sqlite.prepare('SELECT status, checked_in_at, checked_in_door, checked_in_by FROM tickets WHERE id = ?').get(id);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seatline-checkin-'));
  handle = openDatabase(join(dir, 'test.db'));
  writer = createBatchWriter(handle.sqlite);
  addEvent('ev-1', 'First night');
  addEvent('ev-2', 'Second night');
  write([{ kind: 'order_created', order: order('ev-1', 'o1', ['code-1', 'code-2', 'code-3']) }]);
});
afterEach(() => {
  handle.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('check-in storage', () => {
  it('stores the admission on the ticket and a checked_in row on the seat’s audit chain', () => {
    write([admitted('t-o1-1', 'S-A-1', T0 + 100, 'North')]);
    expect(ticketRow('t-o1-1')).toEqual({ status: 'valid', checked_in_at: T0 + 100, checked_in_door: 'North', checked_in_by: 'admin' });
    const history = seatHistory(handle, 'ev-1', 'S-A-1'); // oldest first
    expect(history.map((h) => h.action)).toEqual(['sold', 'checked_in']);
    expect(history[1]).toMatchObject({ action: 'checked_in', at: T0 + 100, orderId: 'o1', buyerId: 'buyer-1' });
    expect(JSON.parse(history[1].detail!)).toEqual({ by: 'admin', door: 'North' });
  });

  it('a second admission of the same ticket is refused and rolls back its whole batch', () => {
    write([admitted('t-o1-1', 'S-A-1', T0 + 100, 'North')]);
    const auditRows = () => handle.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const before = auditRows();
    expect(() => write([admitted('t-o1-2', 'S-A-2', T0 + 200, null), admitted('t-o1-1', 'S-A-1', T0 + 200, 'South')])).toThrow(/check in t-o1-1/);
    expect(ticketRow('t-o1-2')).toMatchObject({ checked_in_at: null });
    expect(ticketRow('t-o1-1')).toMatchObject({ checked_in_at: T0 + 100, checked_in_door: 'North' });
    expect(auditRows()).toBe(before);
  });

  it('the database itself refuses a second admission and the admission of a cancelled ticket (trigger)', () => {
    const admit = handle.sqlite.prepare('UPDATE tickets SET checked_in_at = ? WHERE id = ?');
    admit.run(T0 + 1, 't-o1-1');
    expect(() => admit.run(T0 + 2, 't-o1-1')).toThrow(/already checked in or not valid/);
    write([{ kind: 'tickets_cancelled', orderId: 'o1', buyerId: 'buyer-1', seatIds: ['S-A-2'], refundedCents: 2000, orderCreatedAt: T0, reason: 'refund', actor: 'admin', at: T0 + 5 }]);
    expect(() => admit.run(T0 + 6, 't-o1-2')).toThrow(/already checked in or not valid/);
    // Cancelling an admitted ticket is allowed and keeps when it was admitted.
    write([{ kind: 'tickets_cancelled', orderId: 'o1', buyerId: 'buyer-1', seatIds: ['S-A-1'], refundedCents: 2000, orderCreatedAt: T0, reason: 'refund', actor: 'admin', at: T0 + 7 }]);
    expect(ticketRow('t-o1-1')).toMatchObject({ status: 'cancelled', checked_in_at: T0 + 1 });
  });

  it('restore reads admissions of valid tickets and every cancelled ticket (with its earlier admission)', () => {
    write([admitted('t-o1-1', 'S-A-1', T0 + 100, 'North'), admitted('t-o1-3', 'S-A-3', T0 + 150, null)]);
    write([{ kind: 'tickets_cancelled', orderId: 'o1', buyerId: 'buyer-1', seatIds: ['S-A-3', 'S-A-2'], refundedCents: 4000, orderCreatedAt: T0, reason: 'x', actor: 'admin', at: T0 + 200 }]);
    const state = loadDoorState(handle, 'ev-1');
    expect(state.checkIns).toEqual([{ ticketId: 't-o1-1', at: T0 + 100, door: 'North', actor: 'admin' }]);
    expect([...state.cancelledTickets].sort((a, b) => (a.code < b.code ? -1 : 1))).toEqual([
      { code: 'code-2', ticketId: 't-o1-2', orderId: 'o1', seatId: 'S-A-2', buyerName: 'Grace Hopper', cancelledAt: T0 + 200, checkIn: null },
      { code: 'code-3', ticketId: 't-o1-3', orderId: 'o1', seatId: 'S-A-3', buyerName: 'Grace Hopper', cancelledAt: T0 + 200, checkIn: { at: T0 + 150, door: null, actor: 'admin' } },
    ]);
    expect(loadDoorState(handle, 'ev-2')).toEqual({ checkIns: [], cancelledTickets: [] });
    // loadLoopState hands the same to the core.
    const loop = loadLoopState(handle, 'ev-1', 60_000)!;
    expect(loop.restored.checkIns).toEqual(state.checkIns);
    expect(loop.restored.cancelledTickets).toEqual(state.cancelledTickets);
  });

  it('a code names its event (codes are unique across events); an unknown code names none', () => {
    write([{ kind: 'order_created', order: order('ev-2', 'o2', ['code-other']) }], 'ev-2');
    expect(eventOfTicketCode(handle, 'code-1')).toEqual({ eventId: 'ev-1', eventName: 'First night', eventStartsAt: T0 + 86_400_000 });
    expect(eventOfTicketCode(handle, 'code-other')).toMatchObject({ eventId: 'ev-2', eventName: 'Second night' });
    expect(eventOfTicketCode(handle, 'no-such-code')).toBeNull();
  });
});
