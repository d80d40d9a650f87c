// Door check-in on a real server: the same ticket scanned by many doors at
// once is admitted exactly once (the event's loop serializes the scans);
// second scans, cancelled tickets, other events' tickets, forged and
// malformed codes are refused with their own codes and HTTP statuses and
// change nothing; admissions are audited and show in the live view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminEventStats, CheckInAck } from '../../lib/adminProtocol';
import type { OrderView } from '../../lib/protocol';
import {
  adminLogin,
  buy,
  call,
  closeAll,
  connectAdmin,
  ask,
  createEvent,
  otherVenue,
  startAdminServer,
  waitForStats,
  type AdminSocket,
  type AdminTestServer,
  type ApiResponse,
  type BuyerSocket,
} from './adminHelpers';

let server: AdminTestServer;
let admin: string;
let secondDoor: string;
const sockets: BuyerSocket[] = [];
let E1: string;
let E2: string;
let order: OrderView;
let groupOrder: OrderView;
let otherEventOrder: OrderView;

const sql = <T = any>(query: string, ...params: unknown[]) => server.sql.all<T>(query, ...params);
const scan = (eventId: string, body: unknown, token = admin): Promise<ApiResponse<CheckInAck>> =>
  call<CheckInAck>(server.url, 'POST', `/api/admin/events/${eventId}/check-in`, { token, body });
const codeOf = (o: OrderView, seatId: string) => o.tickets.find((t) => t.seatId === seatId)!.code;

/** Everything a refused scan must leave alone. */
const storage = async () => ({
  tickets: (await sql('SELECT id, status, checked_in_at, checked_in_door, checked_in_by FROM tickets ORDER BY id')),
  audit: (await sql('SELECT count(*) AS n, max(id) AS last FROM audit_log')),
  versions: (await sql('SELECT id, version FROM events ORDER BY id')),
});

beforeAll(async () => {
  server = await startAdminServer({ env: { RATE_LIMIT_IP_PER_SEC: '0' } });
  admin = await adminLogin(server.url);
  secondDoor = await adminLogin(server.url); // another organizer session: another phone at another door
  E1 = (await createEvent(server.url, admin, { id: 'door-one', name: 'Opening night' })).id;
  E2 = (await createEvent(server.url, admin, { id: 'door-two', name: 'Matinee', venue: otherVenue() })).id;
  const bought = await buy(server.url, E1, ['S-A-1', 'S-A-2', 'GA-GA-1'], { name: 'Grace Hopper', email: 'grace@example.com' });
  sockets.push(bought.socket);
  order = bought.order;
  const group = await buy(server.url, E1, ['S-B-1', 'S-B-2', 'S-B-3', 'S-B-4', 'S-B-5'], { name: 'Alan Turing', email: 'alan@example.com' });
  sockets.push(group.socket);
  groupOrder = group.order;
  const other = await buy(server.url, E2, ['T-A-1'], { name: 'Ada Lovelace', email: 'ada@example.com' });
  sockets.push(other.socket);
  otherEventOrder = other.order;
});

afterAll(async () => {
  closeAll(sockets);
  await server?.stop();
});

describe('POST /api/admin/events/:id/check-in', () => {
  it('admits a valid ticket: 200 with seat (section, row, number, category), buyer name, door, and the counts', async () => {
    const before = Date.now();
    const res = await scan(E1, { code: codeOf(order, 'S-A-1'), door: 'North' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      ticket: {
        ticketId: order.tickets.find((t) => t.seatId === 'S-A-1')!.id,
        orderId: order.id,
        eventId: E1,
        seatId: 'S-A-1',
        section: 'Stalls',
        row: 'A',
        number: '1',
        category: 'Front',
        buyerName: 'Grace Hopper',
        checkedInAt: expect.any(Number),
        door: 'North',
        cancelledAt: null,
      },
      counts: { checkedIn: 1, expected: 8 },
    });
    if (!res.body.ok) throw new Error('unreachable');
    expect(res.body.ticket.checkedInAt).toBeGreaterThanOrEqual(before);
    // Stored with its audit row on the seat's chain, in the loop's transaction.
    expect(await sql('SELECT checked_in_door, checked_in_by FROM tickets WHERE seat_id = ? AND event_id = ?', 'S-A-1', E1)).toEqual([
      { checked_in_door: 'North', checked_in_by: 'admin' },
    ]);
    const history = await call(server.url, 'GET', `/api/admin/events/${E1}/seats/S-A-1/history`, { token: admin });
    const last = history.body.history.at(-1);
    expect(last).toMatchObject({ action: 'checked_in', orderId: order.id });
    expect(JSON.parse(last.detail)).toEqual({ by: 'admin', door: 'North' });
  });

  it('a general-admission ticket names its area (no row or seat to find)', async () => {
    const res = await scan(E1, { code: codeOf(order, 'GA-GA-1') });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, ticket: { seatId: 'GA-GA-1', section: 'Standing', gaArea: 'GA', category: 'Floor', door: null } });
  });

  it('a second scan is refused 409 already_checked_in, naming when and at which door, and changes nothing', async () => {
    const before = (await storage());
    const res = await scan(E1, { code: codeOf(order, 'S-A-1'), door: 'South' }, secondDoor);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      ok: false,
      error: { code: 'already_checked_in', ticket: { seatId: 'S-A-1', buyerName: 'Grace Hopper', door: 'North', checkedInAt: expect.any(Number) } },
    });
    if (res.body.ok) throw new Error('unreachable');
    expect(res.body.error.message).toMatch(/^Already checked in at \d\d:\d\d \(door North\)/);
    expect(await storage()).toEqual(before);
  });

  it('the same ticket scanned by 20 doors at once is admitted exactly once, every round', async () => {
    for (const seatId of ['S-B-1', 'S-B-2', 'S-B-3', 'S-B-4']) {
      const code = codeOf(groupOrder, seatId);
      const doors = Array.from({ length: 20 }, (_, i) => `door-${i}`);
      const results = await Promise.all(doors.map((door, i) => scan(E1, { code, door }, i % 2 ? admin : secondDoor)));
      const admitted = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 409);
      expect(admitted, seatId).toHaveLength(1);
      expect(refused, seatId).toHaveLength(19);
      const winner = admitted[0].body.ok ? admitted[0].body.ticket.door : null;
      // Every refusal names the one admission that happened.
      for (const r of refused) expect(r.body).toMatchObject({ ok: false, error: { code: 'already_checked_in', ticket: { door: winner } } });
      expect(await sql('SELECT checked_in_door FROM tickets WHERE code = ?', code)).toEqual([{ checked_in_door: winner }]);
      expect(await sql(`SELECT count(*) AS n FROM audit_log WHERE event_id = ? AND seat_id = ? AND action = 'checked_in'`, E1, seatId)).toEqual([{ n: 1 }]);
    }
  });

  it('a cancelled ticket is refused 410 ticket_cancelled and changes nothing', async () => {
    const cancel = await call(server.url, 'POST', `/api/admin/orders/${groupOrder.id}/cancel`, { token: admin, body: { seatIds: ['S-B-5'], reason: 'refunded' } });
    expect(cancel.status).toBe(200);
    const before = (await storage());
    const res = await scan(E1, { code: codeOf(groupOrder, 'S-B-5'), door: 'North' });
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'ticket_cancelled', ticket: { seatId: 'S-B-5', buyerName: 'Alan Turing', cancelledAt: expect.any(Number), checkedInAt: null } } });
    expect(await storage()).toEqual(before);
  });

  it('a ticket of another event is refused 409 wrong_event, naming that event; nothing changes in either event', async () => {
    const before = (await storage());
    const res = await scan(E1, { code: otherEventOrder.tickets[0].code });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'wrong_event', ticketEvent: { id: E2, name: 'Matinee', startsAt: expect.any(Number) } } });
    if (res.body.ok) throw new Error('unreachable');
    expect(res.body.error.ticket).toBeUndefined();
    expect(await storage()).toEqual(before);
    // At its own event's door it is admitted.
    expect((await scan(E2, { code: otherEventOrder.tickets[0].code })).status).toBe(200);
  });

  it('a forged code is refused 404 unknown_ticket; malformed input 400 invalid_request; an unknown event 404; nothing changes', async () => {
    const before = (await storage());
    const forged = await scan(E1, { code: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(forged.status).toBe(404);
    expect(forged.body).toMatchObject({ ok: false, error: { code: 'unknown_ticket' } });
    const bad: unknown[] = [
      {},
      { code: '' },
      { code: '   ' },
      { code: 'has space' },
      { code: "x'; DROP TABLE tickets; --" },
      { code: 'x'.repeat(129) },
      { code: 42 },
      { code: codeOf(groupOrder, 'S-B-1'), door: '' },
      { code: codeOf(groupOrder, 'S-B-1'), door: 'd'.repeat(41) },
      { code: codeOf(groupOrder, 'S-B-1'), door: 7 },
      [codeOf(groupOrder, 'S-B-1')],
      null,
    ];
    for (const body of bad) {
      const res = await scan(E1, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    const noEvent = await scan('no-such-event', { code: codeOf(order, 'S-A-2') });
    expect(noEvent.status).toBe(404);
    expect(noEvent.body).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await storage()).toEqual(before);
  });

  it('the live view counts checked in / expected and follows each admission and cancellation', async () => {
    const socket: AdminSocket = await connectAdmin(server.url, admin);
    try {
      const watched = await ask<{ ok: true; stats: AdminEventStats }>(socket, 'admin:watch', { eventId: E1 });
      // S-A-1, GA-GA-1 and S-B-1..4 are in; S-B-5 was cancelled: 7 valid tickets.
      expect(watched.stats.checkIn).toEqual({ checkedIn: 6, expected: 7 });
      const next = waitForStats(socket, (s) => s.checkIn.checkedIn === 7, 10_000);
      expect((await scan(E1, { code: codeOf(order, 'S-A-2') })).status).toBe(200);
      expect((await next).checkIn).toEqual({ checkedIn: 7, expected: 7 });
      // Cancelling an admitted ticket takes it off both figures.
      const after = waitForStats(socket, (s) => s.checkIn.expected === 6, 10_000);
      expect((await call(server.url, 'POST', `/api/admin/orders/${groupOrder.id}/cancel`, { token: admin, body: { seatIds: ['S-B-1'], reason: 'x' } })).status).toBe(200);
      expect((await after).checkIn).toEqual({ checkedIn: 6, expected: 6 });
      const stats = await call(server.url, 'GET', `/api/admin/events/${E1}/stats`, { token: admin });
      expect(stats.body.stats.checkIn).toEqual({ checkedIn: 6, expected: 6 });
    } finally {
      socket.close();
    }
  });
});
