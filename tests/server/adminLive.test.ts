// The organizer's live view on a real server: admin:stats pushes over the
// /admin namespace reflect holds, orders and viewers; /metrics serves the
// Prometheus figures; and buyers never see each other's personal data.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdminEventStats } from '../../lib/adminProtocol';
import type { SeatsUpdate } from '../../lib/protocol';
import {
  adminLogin,
  ask,
  buy,
  call,
  closeAll,
  confirmHold,
  connectAdmin,
  connectBuyerSocket,
  createEvent,
  eventually,
  holdSeats,
  record,
  sleep,
  startAdminServer,
  waitFor,
  waitForStats,
  type AdminSocket,
  type AdminTestServer,
  type BuyerSocket,
} from './adminHelpers';

let server: AdminTestServer;
let admin: string;
let sockets: (BuyerSocket | AdminSocket)[] = [];

beforeAll(async () => {
  server = await startAdminServer();
  admin = await adminLogin(server.url);
});
afterEach(() => {
  closeAll(sockets);
  sockets = [];
});
afterAll(async () => {
  await server?.stop();
});

async function buyer() {
  const b = await connectBuyerSocket(server.url);
  sockets.push(b.socket);
  return b;
}

async function watcher(eventId: string): Promise<{ socket: AdminSocket; initial: AdminEventStats }> {
  const socket = await connectAdmin(server.url, admin);
  sockets.push(socket);
  const ack = await ask(socket, 'admin:watch', { eventId });
  expect(ack.ok).toBe(true);
  return { socket, initial: ack.stats };
}

describe('live stats over /admin', () => {
  it('a watcher gets admin:stats within ~2 s reflecting a new hold, then the order', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'live-1', holdTtlMs: 120_000 });
    const { socket, initial } = await watcher(id);
    expect(initial).toMatchObject({ eventId: id, capacity: 25, saleStatus: 'open', revenueCents: 0, orders: 0 });
    expect(initial.counts).toEqual({ available: 25, held: 0, sold: 0, blocked: 0 });
    expect(initial.activeHolds).toEqual({ total: 0, truncated: false, list: [] });

    const b = await buyer();
    const hold = await holdSeats(b.socket, id, ['S-A-1', 'S-B-1']);
    const started = Date.now();
    const held = await waitForStats(socket, (s) => s.eventId === id && s.counts.held === 2, 2500);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(held.counts).toEqual({ available: 23, held: 2, sold: 0, blocked: 0 });
    expect(held.activeHolds.total).toBe(1);
    expect(held.activeHolds.list).toEqual([
      { id: hold.id, buyerId: b.buyerId, seatIds: ['S-A-1', 'S-B-1'], createdAt: expect.any(Number), expiresAt: hold.expiresAt },
    ]);
    expect(held.activeHolds.list[0].expiresAt - held.activeHolds.list[0].createdAt).toBe(120_000);
    expect(held.byCategory.find((c) => c.id === 'front')).toMatchObject({ held: 1, available: 4 });

    await confirmHold(b.socket, hold.id, { name: 'Live Buyer', email: 'live@example.com' });
    const sold = await waitForStats(socket, (s) => s.eventId === id && s.orders === 1, 2500);
    expect(sold.counts).toEqual({ available: 23, held: 0, sold: 2, blocked: 0 });
    expect(sold.revenueCents).toBe(5000 + 3000);
    expect(sold.activeHolds.total).toBe(0);
    expect(sold.conversion.overall).toBe(1);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const lastBucket = sold.salesSeries[sold.salesSeries.length - 1];
    expect(lastBucket.minute).toBeGreaterThanOrEqual(minute - 60_000); // this minute (or the previous one at a boundary)
    expect(sold.salesSeries.reduce((n, b) => n + b.tickets, 0)).toBe(2);
    expect(sold.salesSeries.reduce((n, b) => n + b.revenueCents, 0)).toBe(8000);
    expect(sold.latencyMs.samples).toBeGreaterThanOrEqual(2);
    // The HTTP view agrees.
    const viaHttp = (await call(server.url, 'GET', `/api/admin/events/${id}/stats`, { token: admin })).body.stats as AdminEventStats;
    expect(viaHttp).toMatchObject({ revenueCents: 8000, orders: 1, counts: sold.counts });
  });

  it('watch validates its payload; unwatch stops the pushes', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'live-2' });
    const socket = await connectAdmin(server.url, admin);
    sockets.push(socket);
    const unknown = await ask(socket, 'admin:watch', { eventId: 'no-such-event' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const invalid = await ask(socket, 'admin:watch', { eventId: '../x' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect((await ask(socket, 'admin:watch', { eventId: id })).ok).toBe(true);
    await waitForStats(socket, (s) => s.eventId === id, 2500);
    expect(await ask(socket, 'admin:unwatch', { eventId: id })).toEqual({ ok: true });
    const seen = record<AdminEventStats>(socket, 'admin:stats');
    await sleep(1300);
    expect(seen).toEqual([]);
  });

  it('viewers = the buyer sockets joined to the event (not merely connected, not other events)', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'live-viewers' });
    const { id: other } = await createEvent(server.url, admin, { id: 'live-other' });
    const { socket } = await watcher(id);
    const joined = await Promise.all([buyer(), buyer(), buyer()]);
    for (const b of joined) expect((await ask(b.socket, 'event:join', { eventId: id })).ok).toBe(true);
    await buyer(); // connected, joined nothing
    const elsewhere = await buyer();
    await ask(elsewhere.socket, 'event:join', { eventId: other });

    expect((await waitForStats(socket, (s) => s.eventId === id && s.viewers === 3, 2500)).viewers).toBe(3);
    const listed = (await call(server.url, 'GET', '/api/admin/events', { token: admin })).body.events;
    expect(listed.find((e: { id: string }) => e.id === id).viewers).toBe(3);
    expect(listed.find((e: { id: string }) => e.id === other).viewers).toBe(1);

    await ask(joined[0].socket, 'event:leave', { eventId: id });
    joined[1].socket.close();
    await eventually(async () => (await call(server.url, 'GET', `/api/admin/events/${id}/stats`, { token: admin })).body.stats.viewers === 1, 2000, 'viewers to drop to 1');
    await waitForStats(socket, (s) => s.eventId === id && s.viewers === 1, 2500);
  });

  it('regression: revenue of a partly cancelled order is the same after a restart', async () => {
    const own = await startAdminServer();
    try {
      const token = await adminLogin(own.url);
      const { id } = await createEvent(own.url, token, { id: 'revenue-restart' });
      const sold = await buy(own.url, id, ['S-A-1', 'S-A-2'], { name: 'Partly Refunded', email: 'partly@example.com' });
      sold.socket.close();
      expect((await call(own.url, 'POST', `/api/admin/orders/${sold.order.id}/cancel`, { token, body: { seatIds: ['S-A-1'], reason: 'refund' } })).status).toBe(200);
      const statsOf = async (url: string, t: string) => (await call(url, 'GET', `/api/admin/events/${id}/stats`, { token: t })).body.stats as AdminEventStats;
      const before = await statsOf(own.url, token);
      expect(before.revenueCents).toBe(5000);

      const dir = own.dir;
      await own.closeKeepingData();
      const again = await startAdminServer({ dir });
      try {
        const t2 = await adminLogin(again.url);
        const after = await statsOf(again.url, t2);
        expect(after.orders).toBe(1);
        expect(after.counts).toEqual(before.counts);
        // orders.total_cents is never reduced by a cancellation, and the loop restores it as the order's total.
        expect(after.revenueCents).toBe(before.revenueCents);
      } finally {
        await again.stop();
      }
    } finally {
      await own.stop();
    }
  });
});

describe('Prometheus /metrics', () => {
  it('is served to loopback with every seatline metric, and counts what happened', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'metrics-1', holdTtlMs: 200 });
    expect((await call(server.url, 'POST', `/api/admin/events/${id}/block`, { token: admin, body: { seatIds: ['S-C-1'] } })).status).toBe(200);
    const b = await buyer();
    expect((await ask(b.socket, 'hold:create', { eventId: id, seatIds: ['S-C-1'] })).error.code).toBe('seats_unavailable');
    const expired = waitFor(b.socket, 'hold:expired', () => true, 5000);
    await holdSeats(b.socket, id, ['S-A-1']);
    await expired;
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of [
      'seatline_commands_total',
      'seatline_mailbox_depth',
      'seatline_batch_size',
      'seatline_commit_duration_seconds',
      'seatline_command_latency_seconds',
      'seatline_sockets_connected',
      'seatline_holds_expired_total',
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    const value = (pattern: string) => {
      const m = new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : NaN;
    };
    expect(value('seatline_holds_expired_total')).toBeGreaterThanOrEqual(1);
    expect(value('seatline_commands_total\\{type="hold",outcome="ok"\\}')).toBeGreaterThanOrEqual(1);
    expect(value('seatline_commands_total\\{type="hold",outcome="seats_unavailable"\\}')).toBeGreaterThanOrEqual(1);
    expect(value('seatline_commands_total\\{type="block",outcome="ok"\\}')).toBeGreaterThanOrEqual(1);
    expect(value(`seatline_mailbox_depth\\{event="${id}"\\}`)).toBe(0);
    expect(value('seatline_sockets_connected')).toBeGreaterThanOrEqual(1);
    expect(value('seatline_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(value('seatline_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('seatline_command_latency_seconds_count\\{type="hold"\\}')).toBeGreaterThanOrEqual(1);
  });

  it('seatline_sockets_connected follows connects and disconnects', async () => {
    const gauge = async () => Number(/^seatline_sockets_connected (\S+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);
    closeAll(sockets);
    sockets = [];
    await eventually(async () => (await gauge()) === 0, 3000, 'no sockets');
    const a = await buyer();
    await buyer();
    expect(await gauge()).toBe(2);
    a.socket.close();
    await eventually(async () => (await gauge()) === 1, 3000, 'one socket');
  });

  it('with METRICS_TOKEN: 403 without the bearer token (even from loopback), 200 with it', async () => {
    const token = 'metrics-token-0123456789';
    const own = await startAdminServer({ env: { METRICS_TOKEN: token } });
    try {
      const none = await call(own.url, 'GET', '/metrics');
      expect(none.status).toBe(403);
      expect(none.body.error.code).toBe('forbidden');
      expect((await call(own.url, 'GET', '/metrics', { token: 'wrong-token-0123456789' })).status).toBe(403);
      const ownAdmin = await adminLogin(own.url);
      expect((await call(own.url, 'GET', '/metrics', { token: ownAdmin })).status).toBe(403);
      const ok = await call(own.url, 'GET', '/metrics', { token });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('seatline_commands_total');
    } finally {
      await own.stop();
    }
  });
});

describe('buyers never see other buyers’ personal data', () => {
  it('event detail, availability, join ack and seats:update carry no names or emails; another buyer’s order is 404', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'privacy-1' });
    const spy = await buyer();
    const updates = record<SeatsUpdate>(spy.socket, 'seats:update');
    expect((await ask(spy.socket, 'event:join', { eventId: id })).ok).toBe(true);

    const NAME = 'Zebediah Quillfeather';
    const EMAIL = 'zebediah.quill@private.example';
    const owner = await buy(server.url, id, ['S-A-1', 'S-A-2'], { name: NAME, email: EMAIL });
    sockets.push(owner.socket);
    const second = await buy(server.url, id, ['S-B-3'], { name: 'Second Private', email: 'second.private@private.example' });
    sockets.push(second.socket);
    await eventually(() => updates.length >= 4, 3000, 'seat updates for two holds and two orders');

    const secrets = [NAME, EMAIL, 'Zebediah', 'Second Private', 'private.example', owner.buyerId, second.buyerId];
    const texts: [string, string][] = [
      ['GET /api/events', (await call(server.url, 'GET', '/api/events')).text],
      ['GET /api/events/:id', (await call(server.url, 'GET', `/api/events/${id}`)).text],
      ['GET availability', (await call(server.url, 'GET', `/api/events/${id}/availability`)).text],
      ['GET holds/mine', (await call(server.url, 'GET', `/api/events/${id}/holds/mine`, { token: spy.token })).text],
      ['join ack', JSON.stringify(await ask(spy.socket, 'event:join', { eventId: id }))],
      ['seats:update', JSON.stringify(updates)],
    ];
    for (const [what, text] of texts) for (const secret of secrets) expect(text, `${what} leaks ${secret}`).not.toContain(secret);
    // Updates carry seat indices and status codes only.
    for (const u of updates) {
      expect(Object.keys(u).sort()).toEqual(['delta', 'eventId', 'fromVersion', 'version']);
      expect(u.delta).toMatch(/^(\d+[ahs])+$/);
    }

    // Another buyer's order looks exactly like a missing one.
    const theirs = await call(server.url, 'GET', `/api/orders/${owner.order.id}`, { token: spy.token });
    const missing = await call(server.url, 'GET', '/api/orders/no-such-order-1', { token: spy.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
    for (const secret of secrets) expect(theirs.text).not.toContain(secret);
    // The owner does see it.
    const mine = await call(server.url, 'GET', `/api/orders/${owner.order.id}`, { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body.order.buyer).toEqual({ name: NAME, email: EMAIL });
    // And a buyer cannot use the organizer's search.
    expect((await call(server.url, 'GET', `/api/admin/orders?q=${encodeURIComponent(EMAIL)}`, { token: spy.token })).status).toBe(403);
  });
});
