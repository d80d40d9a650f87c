// Every organizer action on a real server, through the event loops: the
// effect is visible to buyers (HTTP and live over Socket.IO), persisted in
// SQLite, and leaves audit rows.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdminEventStats, AdminOrderView, SeatHistoryEntry } from '../../lib/adminProtocol';
import type { EventChangedNotice, HoldReleasedNotice, TicketView } from '../../lib/protocol';
import {
  adminLogin,
  ask,
  buy,
  call,
  closeAll,
  confirmHold,
  connectBuyerSocket,
  createEvent,
  eventually,
  GA_UNITS,
  holdSeats,
  otherVenue,
  parseCsv,
  record,
  SMALL_SEATS,
  smallVenue,
  startAdminServer,
  waitFor,
  type AdminTestServer,
  type BuyerSocket,
} from './adminHelpers';
import { SeatMapViewer } from './helpers';

let server: AdminTestServer;
let admin: string;
let sockets: BuyerSocket[] = [];

const sql = <T = any>(query: string, ...params: unknown[]) => server.sql.all<T>(query, ...params);
const one = async <T = any>(query: string, ...params: unknown[]) => (await server.sql.get<T>(query, ...params)) as T;
const audit = async (eventId: string, action: string) =>
  (await sql<{ seat_id: string | null; action: string; detail: string | null; hold_id: string | null; order_id: string | null; buyer_id: string | null; at: number }>(
    'SELECT * FROM audit_log WHERE event_id = ? AND action = ? ORDER BY id',
    eventId,
    action,
  ));
const asAdmin = (method: string, path: string, body?: unknown) => call(server.url, method, path, { token: admin, body });
const availability = async (eventId: string) => (await call(server.url, 'GET', `/api/events/${eventId}/availability`)).body as { version: number; seats: Record<string, string> };
const stats = async (eventId: string) => (await asAdmin('GET', `/api/admin/events/${eventId}/stats`)).body.stats as AdminEventStats;

async function buyer() {
  const b = await connectBuyerSocket(server.url);
  sockets.push(b.socket);
  return b;
}

/** A buyer socket joined to the event, keeping a local seat map from seats:update. */
async function viewer(eventId: string) {
  const b = await buyer();
  const map = new SeatMapViewer(b.socket as never, eventId, server.url);
  await map.join();
  return { ...b, map };
}

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

// ---------------------------------------------------------------------------

describe('creating and editing events', () => {
  it('creates an event from a VenueSpec with a GA area; buyers see it and its layout', async () => {
    const before = Date.now();
    const res = await asAdmin('POST', '/api/admin/events', {
      id: 'create-1',
      name: 'Opening night',
      venueName: 'Small hall',
      startsAt: before + 86_400_000,
      saleStatus: 'open',
      holdTtlMs: 90_000,
      maxSeatsPerBuyer: 4,
      venue: smallVenue(),
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ok: true, event: { id: 'create-1', capacity: 25 } });

    const list = (await call(server.url, 'GET', '/api/events')).body.events as { id: string }[];
    expect(list.find((e) => e.id === 'create-1')).toMatchObject({
      name: 'Opening night',
      venueName: 'Small hall',
      saleStatus: 'open',
      capacity: 25,
      counts: { available: 25, held: 0, sold: 0 },
      priceRangeCents: [2000, 5000],
    });
    const detail = (await call(server.url, 'GET', '/api/events/create-1')).body.event;
    expect(detail.holdTtlMs).toBe(90_000);
    expect(detail.maxSeatsPerBuyer).toBe(4);
    expect(detail.seats.map((s: { id: string }) => s.id).sort()).toEqual([...SMALL_SEATS, ...GA_UNITS].sort());
    expect(detail.seats.filter((s: { gaArea?: string }) => s.gaArea === 'GA')).toHaveLength(10);
    expect(detail.sections).toContainEqual(expect.objectContaining({ id: 'GA', kind: 'ga', area: { x: 0, y: 120, width: 60, height: 30 } }));
    expect(detail.categories.map((c: { id: string }) => c.id)).toEqual(['front', 'back', 'floor']);
    expect(detail.seats.find((s: { id: string }) => s.id === 'S-A-1')).toMatchObject({ section: 'Stalls', row: 'A', number: '1', category: 'front', priceCents: 5000 });

    const layout = await asAdmin('GET', '/api/admin/events/create-1/layout');
    expect(layout.status).toBe(200);
    expect(layout.body.venue).toEqual(smallVenue());

    // Persisted, and sellable by GA quantity.
    expect((await one('SELECT count(*) AS n FROM seats WHERE event_id = ?', 'create-1')).n).toBe(25);
    const b = await buyer();
    const hold = await holdSeats(b.socket, 'create-1', [], [{ areaId: 'GA', quantity: 3 }]);
    expect(hold.seatIds).toHaveLength(3);
    expect(hold.seatIds.every((id) => GA_UNITS.includes(id))).toBe(true);
  });

  it('a new event is paused unless told otherwise: holds get sale_closed', async () => {
    const res = await asAdmin('POST', '/api/admin/events', { id: 'create-paused', name: 'Later', venueName: 'Hall', startsAt: Date.now() + 1e8, venue: smallVenue() });
    expect(res.status).toBe(201);
    const summary = (await call(server.url, 'GET', '/api/events')).body.events.find((e: { id: string }) => e.id === 'create-paused');
    expect(summary.saleStatus).toBe('paused');
    const b = await buyer();
    const ack = await ask(b.socket, 'hold:create', { eventId: 'create-paused', seatIds: ['S-A-1'] });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('sale_closed');
  });

  it('an invalid venue → 400 invalid_request with issue paths under venue., and nothing is created', async () => {
    const eventsBefore = (await one('SELECT count(*) AS n FROM events')).n;
    const seatsBefore = (await one('SELECT count(*) AS n FROM seats')).n;
    const base = { name: 'Broken', venueName: 'Nowhere', startsAt: Date.now() + 1e8 };
    const zeroRows = smallVenue();
    (zeroRows.sections[0] as { rows: number }).rows = 0;
    const unknownCategory = smallVenue();
    (unknownCategory.sections[0] as { rowCategories: string[] }).rowCategories = ['nope'];
    const emptyGa = smallVenue();
    (emptyGa.sections[1] as { capacity: number }).capacity = 0;
    const badColour = smallVenue();
    badColour.categories[0].color = 'red';
    const cases: [venue: unknown, path: string][] = [
      [zeroRows, 'venue.sections.0.rows'],
      [unknownCategory, 'venue.sections.0'],
      [emptyGa, 'venue.sections.1.capacity'],
      [badColour, 'venue.categories.0.color'],
      [{ ...smallVenue(), sections: [] }, 'venue.sections'],
    ];
    for (const [venue, path] of cases) {
      const res = await asAdmin('POST', '/api/admin/events', { ...base, venue });
      expect(res.status, path).toBe(400);
      expect(res.body.ok).toBe(false);
      expect(res.body.error.code).toBe('invalid_request');
      const paths = (res.body.error.issues as { path: string; message: string }[]).map((i) => i.path);
      expect(paths, JSON.stringify(res.body.error.issues)).toContain(path);
      expect(paths.every((p) => p.startsWith('venue'))).toBe(true);
    }
    const missingName = await asAdmin('POST', '/api/admin/events', { venueName: 'x', startsAt: 1, venue: smallVenue() });
    expect(missingName.status).toBe(400);
    expect(missingName.body.error.issues.map((i: { path: string }) => i.path)).toContain('name');
    expect((await one('SELECT count(*) AS n FROM events')).n).toBe(eventsBefore);
    expect((await one('SELECT count(*) AS n FROM seats')).n).toBe(seatsBefore);
  });

  it('PATCH name / holdTtlMs / maxSeatsPerBuyer: buyers see the change live, new holds use the new TTL and limit', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'patch-1', holdTtlMs: 600_000, maxSeatsPerBuyer: 8 });
    const early = await buyer();
    const oldHold = await holdSeats(early.socket, id, ['S-A-1']);
    const v = await viewer(id);
    const etagBefore = (await call(server.url, 'GET', `/api/events/${id}`)).headers.get('etag');
    const layoutKeyBefore = (await call(server.url, 'GET', `/api/events/${id}`)).body.event.layoutKey;
    const changed = waitFor<EventChangedNotice>(v.socket, 'event:changed', (n) => n.eventId === id);

    const res = await asAdmin('PATCH', `/api/admin/events/${id}`, { name: 'Renamed night', holdTtlMs: 123_456, maxSeatsPerBuyer: 2 });
    expect(res.status).toBe(200);
    expect(res.body.event).toMatchObject({ id, holdTtlMs: 123_456, maxSeatsPerBuyer: 2 });
    expect(await changed).toEqual({ eventId: id, change: 'details' });

    const detailRes = await call(server.url, 'GET', `/api/events/${id}`);
    expect(detailRes.headers.get('etag')).not.toBe(etagBefore);
    expect(detailRes.body.event).toMatchObject({ name: 'Renamed night', holdTtlMs: 123_456, maxSeatsPerBuyer: 2 });
    expect((await call(server.url, 'GET', '/api/events')).body.events.find((e: { id: string }) => e.id === id).name).toBe('Renamed night');

    // A new hold gets exactly the new TTL; the old one keeps its deadline.
    const b = await buyer();
    const newHold = await holdSeats(b.socket, id, ['S-B-1', 'S-B-2']);
    const listed = (await stats(id)).activeHolds.list;
    const fresh = listed.find((h) => h.id === newHold.id)!;
    expect(fresh.expiresAt - fresh.createdAt).toBe(123_456);
    const old = listed.find((h) => h.id === oldHold.id)!;
    expect(old.expiresAt - old.createdAt).toBe(600_000);
    // And the new limit.
    const third = await ask(b.socket, 'hold:create', { eventId: id, seatIds: ['S-B-3'] });
    expect(third.ok).toBe(false);
    expect(third.error.code).toBe('limit_exceeded');

    // Persisted with an audit row.
    expect(await one('SELECT name, hold_ttl_ms, max_seats_per_buyer FROM events WHERE id = ?', id)).toEqual({ name: 'Renamed night', hold_ttl_ms: 123_456, max_seats_per_buyer: 2 });
    const rows = (await audit(id, 'event_configured'));
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].detail!)).toMatchObject({ by: 'admin', name: 'Renamed night', holdTtlMs: 123_456, maxSeatsPerBuyer: 2 });

    // Validation and unknown events.
    expect((await asAdmin('PATCH', `/api/admin/events/${id}`, {})).status).toBe(400);
    expect((await asAdmin('PATCH', `/api/admin/events/${id}`, { maxSeatsPerBuyer: 0 })).status).toBe(400);
    const missing = await asAdmin('PATCH', '/api/admin/events/no-such-event', { name: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('regression: PATCH holdTtlMs: null (accepted by the schema: "use the server default") is refused by the loop', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'patch-null-ttl', holdTtlMs: 5_000 });
    const res = await asAdmin('PATCH', `/api/admin/events/${id}`, { holdTtlMs: null });
    // Expected: 200, and new holds follow HOLD_TTL_MS (600 000 ms by default) again.
    expect(res.status, res.text).toBe(200);
    const b = await buyer();
    const hold = await holdSeats(b.socket, id, ['S-A-1']);
    const listed = (await stats(id)).activeHolds.list.find((h) => h.id === hold.id)!;
    expect(listed.expiresAt - listed.createdAt).toBe(600_000);
  });
});

describe('sale control', () => {
  it('pause → new holds get sale_closed but an existing hold can confirm; close → confirm gets sale_closed; open again works', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'sale-1' });
    const b1 = await buyer();
    const b2 = await buyer();
    const h1 = await holdSeats(b1.socket, id, ['S-A-1']);
    const h2 = await holdSeats(b2.socket, id, ['S-A-2']);
    const v = await viewer(id);

    const changed = waitFor<EventChangedNotice>(v.socket, 'event:changed', (n) => n.eventId === id);
    const paused = await asAdmin('POST', `/api/admin/events/${id}/sale`, { status: 'paused' });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ ok: true, saleStatus: 'paused' });
    expect((await changed).change).toBe('details');
    expect((await call(server.url, 'GET', '/api/events')).body.events.find((e: { id: string }) => e.id === id).saleStatus).toBe('paused');
    expect((await call(server.url, 'GET', `/api/events/${id}`)).body.event.saleStatus).toBe('paused');

    const refused = await ask(b1.socket, 'hold:create', { eventId: id, seatIds: ['S-A-3'] });
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('sale_closed');
    const httpRefused = await call(server.url, 'POST', `/api/events/${id}/holds`, { token: b1.token, body: { seatIds: ['S-A-3'] } });
    expect(httpRefused.status).toBe(409);
    expect(httpRefused.body.error.code).toBe('sale_closed');
    await confirmHold(b1.socket, h1.id, { name: 'Paused Buyer', email: 'paused@example.com' });

    expect((await asAdmin('POST', `/api/admin/events/${id}/sale`, { status: 'closed' })).status).toBe(200);
    const late = await ask(b2.socket, 'hold:confirm', { holdId: h2.id, buyer: { name: 'Late', email: 'late@example.com' }, idempotencyKey: 'late-key-0001' });
    expect(late.ok).toBe(false);
    expect(late.error.code).toBe('sale_closed');
    expect((await one('SELECT count(*) AS n FROM orders WHERE hold_id = ?', h2.id)).n).toBe(0);

    expect((await asAdmin('POST', `/api/admin/events/${id}/sale`, { status: 'open' })).status).toBe(200);
    await confirmHold(b2.socket, h2.id, { name: 'Late', email: 'late@example.com' });
    await holdSeats(b1.socket, id, ['S-A-3']);

    expect((await one('SELECT sale_status FROM events WHERE id = ?', id)).sale_status).toBe('open');
    expect((await audit(id, 'event_configured')).map((r) => JSON.parse(r.detail!).saleStatus)).toEqual(['paused', 'closed', 'open']);
    expect((await asAdmin('POST', `/api/admin/events/${id}/sale`, { status: 'sold-out' })).status).toBe(400);
  });
});

describe('blocking seats', () => {
  it('blocked seats show as sold to buyers (live and by HTTP) and cannot be held; unblock frees them', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'block-1' });
    const v = await viewer(id);
    const b = await buyer();
    const versionBefore = (await availability(id)).version;

    const update = v.map.nextUpdate((u) => u.eventId === id && u.changes.length === 2);
    const res = await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-A-1', 'S-A-2'], reason: 'camera position' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, seatIds: ['S-A-1', 'S-A-2'] });
    const u = await update;
    expect(u.version).toBe(versionBefore + 1);
    expect(u.changes).toEqual(expect.arrayContaining([{ seatId: 'S-A-1', status: 'sold' }, { seatId: 'S-A-2', status: 'sold' }]));
    await v.map.waitForVersion(versionBefore + 1);
    expect(v.map.seats['S-A-1']).toBe('sold');
    expect((await availability(id)).seats['S-A-2']).toBe('sold');
    expect(JSON.stringify(await availability(id))).not.toContain('blocked');

    const ack = await ask(b.socket, 'hold:create', { eventId: id, seatIds: ['S-A-1', 'S-A-3'] });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('seats_unavailable');
    expect(ack.error.seatIds).toEqual(['S-A-1']);

    const s = await stats(id);
    expect(s.counts.blocked).toBe(2);
    expect(s.blockedSeatIds.sort()).toEqual(['S-A-1', 'S-A-2']);
    expect(await sql('SELECT seat_id, reason FROM blocked_seats WHERE event_id = ? ORDER BY seat_id', id)).toEqual([
      { seat_id: 'S-A-1', reason: 'camera position' },
      { seat_id: 'S-A-2', reason: 'camera position' },
    ]);
    expect((await audit(id, 'blocked')).map((r) => [r.seat_id, JSON.parse(r.detail!)])).toEqual([
      ['S-A-1', { by: 'admin', reason: 'camera position' }],
      ['S-A-2', { by: 'admin', reason: 'camera position' }],
    ]);

    const freed = v.map.nextUpdate((x) => x.changes.some((c) => c.seatId === 'S-A-1' && c.status === 'available'));
    const un = await asAdmin('POST', `/api/admin/events/${id}/unblock`, { seatIds: ['S-A-1'] });
    expect(un.body).toEqual({ ok: true, seatIds: ['S-A-1'] });
    await freed;
    expect((await availability(id)).seats['S-A-1']).toBe('available');
    await holdSeats(b.socket, id, ['S-A-1']);
    expect(await sql('SELECT seat_id FROM blocked_seats WHERE event_id = ?', id)).toEqual([{ seat_id: 'S-A-2' }]);
    expect((await audit(id, 'unblocked')).map((r) => r.seat_id)).toEqual(['S-A-1']);
  });

  it('held, sold and unknown seats cannot be blocked, and a refused block changes nothing', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'block-2' });
    const holder = await buyer();
    const held = await holdSeats(holder.socket, id, ['S-B-1']);
    await buy(server.url, id, ['S-B-2'], { name: 'Sold Buyer', email: 'sold@example.com' }).then((r) => sockets.push(r.socket));
    const before = await availability(id);

    const onHeld = await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-B-3', 'S-B-1'] });
    expect(onHeld.status).toBe(409);
    expect(onHeld.body.error.code).toBe('seats_unavailable');
    expect(onHeld.body.error.seatIds).toEqual(['S-B-1']);
    const onSold = await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-B-2'] });
    expect(onSold.status).toBe(409);
    expect(onSold.body.error.seatIds).toEqual(['S-B-2']);
    const unknown = await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-Z-99'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.seatIds).toEqual(['S-Z-99']);
    expect((await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: [] })).status).toBe(400);

    expect(await availability(id)).toEqual(before);
    expect(await sql('SELECT * FROM blocked_seats WHERE event_id = ?', id)).toEqual([]);
    expect(await audit(id, 'blocked')).toEqual([]);
    // The hold is untouched and still confirmable.
    await confirmHold(holder.socket, held.id, { name: 'Holder', email: 'holder@example.com' });
  });

  it('GA holds by quantity skip blocked places', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'block-ga' });
    expect((await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: GA_UNITS.slice(0, 8) })).status).toBe(200);
    const b = await buyer();
    const tooMany = await ask(b.socket, 'hold:create', { eventId: id, ga: [{ areaId: 'GA', quantity: 3 }] });
    expect(tooMany.ok).toBe(false);
    expect(tooMany.error.code).toBe('seats_unavailable');
    const ok = await holdSeats(b.socket, id, [], [{ areaId: 'GA', quantity: 2 }]);
    expect(ok.seatIds.sort()).toEqual(['GA-GA-10', 'GA-GA-9']);
  });

  it('regression: a block / unblock request naming a seat twice must not fail the whole batch as storage_unavailable', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'block-dup' });
    const block = await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-C-1', 'S-C-1'] });
    // Either refused as invalid (400) or blocked once (200) — never a storage failure.
    expect([200, 400], block.text).toContain(block.status);
    if (block.status === 200) {
      expect((await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-C-2'] })).status).toBe(200);
      const unblock = await asAdmin('POST', `/api/admin/events/${id}/unblock`, { seatIds: ['S-C-2', 'S-C-2'] });
      expect([200, 400], unblock.text).toContain(unblock.status);
    }
  });
});

describe('blocks are permanent', () => {
  let own: AdminTestServer | undefined;
  afterAll(async () => {
    await own?.stop();
  });

  it('blocks do not expire with holds and survive a restart on the same database', async () => {
    own = await startAdminServer();
    const token = await adminLogin(own.url);
    const { id } = await createEvent(own.url, token, { id: 'block-restart', holdTtlMs: 300 });
    expect((await call(own.url, 'POST', `/api/admin/events/${id}/block`, { token, body: { seatIds: ['S-C-1', 'GA-GA-1'], reason: 'pillar' } })).status).toBe(200);
    const holder = await connectBuyerSocket(own.url);
    sockets.push(holder.socket);
    const expired = waitFor(holder.socket, 'hold:expired', () => true, 5000);
    await holdSeats(holder.socket, id, ['S-C-2']);
    await expired; // expiry ran; the blocks did not go with it
    const avail = (await call(own.url, 'GET', `/api/events/${id}/availability`)).body;
    expect(avail.seats['S-C-2']).toBe('available');
    expect(avail.seats['S-C-1']).toBe('sold');
    expect(avail.seats['GA-GA-1']).toBe('sold');
    const versionBefore = avail.version;
    holder.socket.close();

    const dir = own.dir;
    await own.closeKeepingData();
    own = await startAdminServer({ dir });
    const token2 = await adminLogin(own.url);
    const after = (await call(own.url, 'GET', `/api/events/${id}/availability`)).body;
    expect(after.version).toBe(versionBefore);
    expect(after.seats['S-C-1']).toBe('sold');
    expect(after.seats['GA-GA-1']).toBe('sold');
    const s = (await call(own.url, 'GET', `/api/admin/events/${id}/stats`, { token: token2 })).body.stats as AdminEventStats;
    expect(s.blockedSeatIds.sort()).toEqual(['GA-GA-1', 'S-C-1']);
    const b = await connectBuyerSocket(own.url);
    sockets.push(b.socket);
    const ack = await ask(b.socket, 'hold:create', { eventId: id, seatIds: ['S-C-1'] });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('seats_unavailable');
    // Still an ordinary block after the restart: it can be lifted.
    expect((await call(own.url, 'POST', `/api/admin/events/${id}/unblock`, { token: token2, body: { seatIds: ['S-C-1'] } })).status).toBe(200);
    await holdSeats(b.socket, id, ['S-C-1']);
  });
});

describe('force-releasing a hold', () => {
  it('frees the seats for every viewer, tells the holder hold:released (admin_released), and is audited', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'release-1' });
    const holder = await buyer();
    await ask(holder.socket, 'event:join', { eventId: id });
    const hold = await holdSeats(holder.socket, id, ['S-A-4', 'S-A-5']);
    const v = await viewer(id);
    const viewerNotices = record(v.socket, 'hold:released');
    expect(v.map.seats['S-A-4']).toBe('held');

    const freed = v.map.nextUpdate((u) => u.changes.filter((c) => c.status === 'available').length === 2);
    const notice = waitFor<HoldReleasedNotice>(holder.socket, 'hold:released');
    const res = await call(server.url, 'DELETE', `/api/admin/holds/${hold.id}`, { token: admin, body: { reason: 'suspected bot' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, holdId: hold.id });
    expect((await freed).changes.map((c) => c.seatId).sort()).toEqual(['S-A-4', 'S-A-5']);
    expect(await notice).toEqual({ holdId: hold.id, eventId: id, seatIds: ['S-A-4', 'S-A-5'], reason: 'admin_released' });
    expect(viewerNotices).toEqual([]); // only the holder is told

    const confirm = await ask(holder.socket, 'hold:confirm', { holdId: hold.id, buyer: { name: 'Too Late', email: 'late@example.com' }, idempotencyKey: 'released-key-1' });
    expect(confirm.ok).toBe(false);
    expect(confirm.error.code).toBe('not_found');
    expect((await availability(id)).seats['S-A-4']).toBe('available');
    expect(await one('SELECT status, ended_at FROM holds WHERE id = ?', hold.id)).toMatchObject({ status: 'admin_released' });
    expect(await sql('SELECT * FROM held_seats WHERE hold_id = ?', hold.id)).toEqual([]);
    expect((await audit(id, 'admin_released')).map((r) => [r.seat_id, r.hold_id, r.buyer_id])).toEqual([
      ['S-A-4', hold.id, holder.buyerId],
      ['S-A-5', hold.id, holder.buyerId],
    ]);

    const again = await call(server.url, 'DELETE', `/api/admin/holds/${hold.id}`, { token: admin });
    expect(again.status).toBe(404);
    expect((await call(server.url, 'DELETE', '/api/admin/holds/no-such-hold', { token: admin })).status).toBe(404);
  });

  it('regression: the reason given for a force-release (accepted by the API) is recorded in the audit log, like blocks and cancellations', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'release-reason' });
    const holder = await buyer();
    const hold = await holdSeats(holder.socket, id, ['S-B-3']); // S-B-4 would strand S-B-5 (no-orphan rule)
    const res = await call(server.url, 'DELETE', `/api/admin/holds/${hold.id}`, { token: admin, body: { reason: 'suspected bot' } });
    expect(res.status).toBe(200);
    const rows = (await audit(id, 'admin_released'));
    expect(rows).toHaveLength(1);
    // Today detail is null: the reason is validated, then dropped, and the organizer is not named.
    expect(rows[0].detail === null ? null : JSON.parse(rows[0].detail)).toEqual({ by: 'admin', reason: 'suspected bot' });
  });
});

describe('orders: cancellation, lookup, seat history, audit log, CSV', () => {
  const EVENT = 'orders-1';
  const ADA = { name: 'Ada Lovelace', email: 'Ada.Lovelace@Example.com' };
  const MALLORY = { name: '=HYPERLINK("http://evil.example","click")', email: 'mallory@example.com' };
  let ada: Awaited<ReturnType<typeof buy>>;
  let mallory: Awaited<ReturnType<typeof buy>>;

  beforeAll(async () => {
    // These tests buy and cancel seats freely: the no-orphan rule is off for this event.
    await createEvent(server.url, admin, { id: EVENT, preventOrphanSeats: false });
    ada = await buy(server.url, EVENT, ['S-A-1', 'S-A-2', 'S-B-1'], ADA);
    mallory = await buy(server.url, EVENT, ['S-C-1'], MALLORY);
  });
  afterAll(() => closeAll([ada?.socket, mallory?.socket]));

  it('cancelling one ticket frees its seat live, marks the ticket cancelled and shows in the lookups', async () => {
    const v = await viewer(EVENT);
    const freed = v.map.nextUpdate((u) => u.changes.some((c) => c.seatId === 'S-A-1' && c.status === 'available'));
    const before = Date.now();
    const res = await asAdmin('POST', `/api/admin/orders/${ada.order.id}/cancel`, { seatIds: ['S-A-1'], reason: 'broken seat' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, orderId: ada.order.id, cancelledSeatIds: ['S-A-1'] });
    await freed;
    expect((await availability(EVENT)).seats['S-A-1']).toBe('available');

    const ticket = (await one('SELECT status, cancelled_at, cancel_reason FROM tickets WHERE order_id = ? AND seat_id = ?', ada.order.id, 'S-A-1'));
    expect(ticket.status).toBe('cancelled');
    expect(ticket.cancel_reason).toBe('broken seat');
    expect(ticket.cancelled_at).toBeGreaterThanOrEqual(before);

    const lookup = await asAdmin('GET', `/api/admin/orders/${ada.order.id}`);
    const order = lookup.body.order as AdminOrderView;
    expect(order.buyer).toEqual(ADA);
    expect(order.tickets.map((t) => [t.seatId, t.status, t.cancelReason])).toEqual([
      ['S-A-1', 'cancelled', 'broken seat'],
      ['S-A-2', 'valid', null],
      ['S-B-1', 'valid', null],
    ]);
    expect(order.totalCents).toBe(5000 + 3000);
    // The buyer's own view shows the cancelled ticket as such: when, why, and what is refunded.
    const mine = await call(server.url, 'GET', `/api/orders/${ada.order.id}`, { token: ada.token });
    expect(mine.body.order.tickets.map((t: TicketView) => [t.seatId, t.status, t.cancelReason])).toEqual([
      ['S-A-1', 'cancelled', 'broken seat'],
      ['S-A-2', 'valid', null],
      ['S-B-1', 'valid', null],
    ]);
    expect(mine.body.order.tickets[0].cancelledAt).toBe(ticket.cancelled_at);
    expect(mine.body.order).toMatchObject({ status: 'partially_cancelled', totalCents: 8000, paidCents: 13000, refundCents: 5000 });
    expect((await stats(EVENT)).revenueCents).toBe(8000 + 3000);
  });

  it('cancelling the rest of an order (no seatIds) frees every remaining seat; errors are precise', async () => {
    const v = await viewer(EVENT);
    const freed = v.map.nextUpdate((u) => u.changes.filter((c) => c.status === 'available').length === 2);
    expect((await asAdmin('POST', `/api/admin/orders/${ada.order.id}/cancel`, {})).status).toBe(400); // a reason is required
    const res = await asAdmin('POST', `/api/admin/orders/${ada.order.id}/cancel`, { reason: 'event moved' });
    expect(res.status).toBe(200);
    expect(res.body.cancelledSeatIds.sort()).toEqual(['S-A-2', 'S-B-1']);
    expect((await freed).changes.map((c) => c.seatId).sort()).toEqual(['S-A-2', 'S-B-1']);
    expect(await sql('SELECT seat_id, status, cancel_reason FROM tickets WHERE order_id = ? ORDER BY seat_id', ada.order.id)).toEqual([
      { seat_id: 'S-A-1', status: 'cancelled', cancel_reason: 'broken seat' },
      { seat_id: 'S-A-2', status: 'cancelled', cancel_reason: 'event moved' },
      { seat_id: 'S-B-1', status: 'cancelled', cancel_reason: 'event moved' },
    ]);
    const order = (await asAdmin('GET', `/api/admin/orders/${ada.order.id}`)).body.order as AdminOrderView;
    expect(order.tickets.every((t) => t.status === 'cancelled')).toBe(true);
    expect(order.totalCents).toBe(0);
    const s = await stats(EVENT);
    expect(s.orders).toBe(1);
    expect(s.revenueCents).toBe(3000);

    const again = await asAdmin('POST', `/api/admin/orders/${ada.order.id}/cancel`, { reason: 'twice' });
    expect(again.status).toBe(404);
    const notInOrder = await asAdmin('POST', `/api/admin/orders/${mallory.order.id}/cancel`, { seatIds: ['S-A-3'], reason: 'x' });
    expect(notInOrder.status).toBe(404);
    expect(notInOrder.body.error.seatIds).toEqual(['S-A-3']);
    expect((await asAdmin('POST', '/api/admin/orders/nope/cancel', { reason: 'x' })).status).toBe(404);
    expect((await one('SELECT status FROM tickets WHERE order_id = ?', mallory.order.id)).status).toBe('valid');
  });

  it('regression: a cancel request naming a seat twice must not fail as storage_unavailable', async () => {
    const dup = await buy(server.url, EVENT, ['S-C-4'], { name: 'Dup', email: 'dup@example.com' });
    sockets.push(dup.socket);
    const res = await asAdmin('POST', `/api/admin/orders/${dup.order.id}/cancel`, { seatIds: ['S-C-4', 'S-C-4'], reason: 'dup' });
    expect([200, 400], res.text).toContain(res.status);
  });

  it('looks orders up by id and by email, case-insensitively', async () => {
    const byId = await asAdmin('GET', `/api/admin/orders?q=${ada.order.id}`);
    expect(byId.body.orders.map((o: AdminOrderView) => o.id)).toEqual([ada.order.id]);
    const byEmail = await asAdmin('GET', `/api/admin/orders?q=${encodeURIComponent('ADA.LOVELACE@example.COM')}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.orders.map((o: AdminOrderView) => o.id)).toEqual([ada.order.id]);
    expect(byEmail.body.orders[0].buyer.email).toBe(ADA.email);
    const partial = await asAdmin('GET', `/api/admin/orders?q=${encodeURIComponent('lovelace')}`);
    expect(partial.body.orders).toEqual([]);
    expect((await asAdmin('GET', '/api/admin/orders')).status).toBe(400);
    const missing = await asAdmin('GET', '/api/admin/orders/no-such-order');
    expect(missing.status).toBe(404);
    const recent = await asAdmin('GET', `/api/admin/events/${EVENT}/orders`);
    expect(recent.body.orders.map((o: AdminOrderView) => o.id)).toEqual(expect.arrayContaining([ada.order.id, mallory.order.id]));
  });

  it("a seat's history lists held → sold → cancelled (→ held → sold again) in order, read from audit_log", async () => {
    const again = await buy(server.url, EVENT, ['S-A-1'], { name: 'Second Owner', email: 'second@example.com' });
    sockets.push(again.socket);
    const res = await asAdmin('GET', `/api/admin/events/${EVENT}/seats/S-A-1/history`);
    expect(res.status).toBe(200);
    expect(res.body.seatId).toBe('S-A-1');
    const history = res.body.history as SeatHistoryEntry[];
    expect(history.map((h) => h.action)).toEqual(['held', 'sold', 'cancelled', 'held', 'sold']);
    expect(history[0]).toMatchObject({ holdId: ada.order.holdId, buyerId: ada.buyerId, orderId: null });
    expect(history[1]).toMatchObject({ holdId: ada.order.holdId, orderId: ada.order.id, buyerId: ada.buyerId });
    expect(history[2]).toMatchObject({ orderId: ada.order.id });
    expect(JSON.parse(history[2].detail!)).toEqual({ by: 'admin', reason: 'broken seat' });
    expect(history[4]).toMatchObject({ orderId: again.order.id, buyerId: again.buyerId });
    for (let i = 1; i < history.length; i++) {
      expect(history[i].at).toBeGreaterThanOrEqual(history[i - 1].at);
      expect(history[i].id).toBeGreaterThan(history[i - 1].id);
    }
    const rows = (await sql('SELECT id, at, action FROM audit_log WHERE event_id = ? AND seat_id = ? ORDER BY id', EVENT, 'S-A-1'));
    expect(history.map((h) => ({ id: h.id, at: h.at, action: h.action }))).toEqual(rows);
    const bad = await asAdmin('GET', `/api/admin/events/${EVENT}/seats/${encodeURIComponent('bad seat!')}/history`);
    expect(bad.status).toBe(400);
    expect((await asAdmin('GET', '/api/admin/events/no-such-event/seats/S-A-1/history')).status).toBe(404);
  });

  it('audit_log is append-only: UPDATE and DELETE fail', async () => {
    const before = await sql('SELECT * FROM audit_log ORDER BY id');
    expect(before.length).toBeGreaterThan(0);
    await expect(server.sql.run(`UPDATE audit_log SET action = 'forged' WHERE event_id = ?`, EVENT)).rejects.toThrow(/append-only/);
    await expect(server.sql.run('DELETE FROM audit_log WHERE event_id = ?', EVENT)).rejects.toThrow(/append-only/);
    await expect(server.sql.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect(await sql('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
  });

  it('CSV export: a header, one row per ticket, and formula-looking names are neutralised', async () => {
    const res = await fetch(`${server.url}/api/admin/events/${EVENT}/orders.csv`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${EVENT}-orders.csv"`);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(['order_id', 'created_at', 'buyer_name', 'buyer_email', 'ticket_id', 'seat_id', 'section', 'row', 'number', 'category', 'price', 'currency', 'status', 'cancel_reason']);
    const data = rows.slice(1);
    const tickets = (await sql<{ id: string }>('SELECT id FROM tickets WHERE event_id = ?', EVENT));
    expect(data).toHaveLength(tickets.length);
    expect(data.map((r) => r[4]).sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(data.every((r) => r.length === rows[0].length)).toBe(true);

    const malloryRow = data.find((r) => r[0] === mallory.order.id)!;
    expect(malloryRow[2]).toBe(`'${MALLORY.name}`);
    expect(malloryRow.slice(5, 13)).toEqual(['S-C-1', 'Stalls', 'C', '1', 'back', '30.00', 'EUR', 'valid']);
    for (const row of data) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const cancelled = data.find((r) => r[0] === ada.order.id && r[5] === 'S-A-1')!;
    expect(cancelled.slice(12)).toEqual(['cancelled', 'broken seat']);
    expect((await asAdmin('GET', '/api/admin/events/no-such-event/orders.csv')).status).toBe(404);
  });
});

describe('changing the layout and deleting events', () => {
  it('a layout change on an event with a live hold or a sale → 409 has_sales, and nothing changes', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'layout-busy' });
    const b = await buyer();
    const hold = await holdSeats(b.socket, id, ['S-A-1']);
    const snapshot = async () => ({
      detail: (await call(server.url, 'GET', `/api/events/${id}`)).text,
      availability: await availability(id),
      layout: (await asAdmin('GET', `/api/admin/events/${id}/layout`)).body,
      row: (await one('SELECT layout_json, version FROM events WHERE id = ?', id)),
      seats: (await one('SELECT count(*) AS n FROM seats WHERE event_id = ?', id)).n,
    });
    const before = await snapshot();
    const withHold = await asAdmin('PUT', `/api/admin/events/${id}/layout`, { venue: otherVenue() });
    expect(withHold.status).toBe(409);
    expect(withHold.body.error.code).toBe('has_sales');
    expect(await snapshot()).toEqual(before);

    await confirmHold(b.socket, hold.id, { name: 'Owner', email: 'owner@example.com' });
    const afterSale = await snapshot();
    const withSale = await asAdmin('PUT', `/api/admin/events/${id}/layout`, { venue: otherVenue() });
    expect(withSale.status).toBe(409);
    expect(withSale.body.error.code).toBe('has_sales');
    expect(await snapshot()).toEqual(afterSale);
    expect(await audit(id, 'layout_replaced')).toEqual([]);
  });

  it('a layout change without sales replaces the seats; viewers get event:changed layout', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'layout-free' });
    // A released hold and a block do not count as sales; the block goes with the old layout.
    const b = await buyer();
    const hold = await holdSeats(b.socket, id, ['S-A-1']);
    expect((await ask(b.socket, 'hold:release', { holdId: hold.id })).ok).toBe(true);
    expect((await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-A-2'] })).status).toBe(200);
    const v = await viewer(id);
    const versionBefore = (await availability(id)).version;
    const etagBefore = (await call(server.url, 'GET', `/api/events/${id}`)).headers.get('etag');
    const layoutKeyBefore = (await call(server.url, 'GET', `/api/events/${id}`)).body.event.layoutKey;

    const invalid = await asAdmin('PUT', `/api/admin/events/${id}/layout`, { venue: { ...otherVenue(), categories: [] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues.map((i: { path: string }) => i.path)).toContain('categories');

    const changed = waitFor<EventChangedNotice>(v.socket, 'event:changed', (n) => n.eventId === id);
    const res = await asAdmin('PUT', `/api/admin/events/${id}/layout`, { venue: otherVenue() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, capacity: 8 });
    expect(await changed).toEqual({ eventId: id, change: 'layout' });

    const detailRes = await call(server.url, 'GET', `/api/events/${id}`, { headers: { 'if-none-match': etagBefore! } });
    expect(detailRes.status).toBe(200);
    expect(detailRes.body.event.capacity).toBe(8);
    expect(detailRes.body.event.seats.map((s: { id: string }) => s.id).sort()).toEqual(['T-A-1', 'T-A-2', 'T-A-3', 'T-A-4', 'T-B-1', 'T-B-2', 'T-B-3', 'T-B-4']);
    const avail = await availability(id);
    expect(avail.version).toBe(versionBefore + 1);
    expect(Object.keys(avail.seats).sort()).toEqual(detailRes.body.event.seats.map((s: { id: string }) => s.id).sort());
    expect(Object.values(avail.seats).every((s) => s === 'available')).toBe(true);
    // The new seat set has a new layout order: joins now carry the new key and 8 statuses.
    expect(detailRes.body.event.layoutKey).not.toBe(layoutKeyBefore);
    const rejoin = await ask(v.socket, 'event:join', { eventId: id });
    expect(rejoin).toMatchObject({ ok: true, version: versionBefore + 1, layoutKey: detailRes.body.event.layoutKey, statuses: 'aaaaaaaa' });
    expect((await asAdmin('GET', `/api/admin/events/${id}/layout`)).body.venue).toEqual(otherVenue());
    expect(await sql('SELECT * FROM blocked_seats WHERE event_id = ?', id)).toEqual([]);
    expect((await one('SELECT count(*) AS n FROM seats WHERE event_id = ?', id)).n).toBe(8);
    expect(await audit(id, 'layout_replaced')).toHaveLength(1);

    const old = await ask(b.socket, 'hold:create', { eventId: id, seatIds: ['S-A-3'] });
    expect(old.ok).toBe(false);
    expect(old.error.code).toBe('not_found');
    await holdSeats(b.socket, id, ['T-A-1']);
  });

  it('deleting an event with orders (or a live hold) → 409 has_sales', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'delete-busy' });
    const sold = await buy(server.url, id, ['S-A-1'], { name: 'Keeper', email: 'keeper@example.com' });
    sockets.push(sold.socket);
    // Even once every ticket is cancelled, the order's record keeps the event.
    expect((await asAdmin('POST', `/api/admin/orders/${sold.order.id}/cancel`, { reason: 'refund' })).status).toBe(200);
    const res = await asAdmin('DELETE', `/api/admin/events/${id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('has_sales');

    const { id: heldId } = await createEvent(server.url, admin, { id: 'delete-held' });
    const b = await buyer();
    await holdSeats(b.socket, heldId, ['S-B-1']);
    expect((await asAdmin('DELETE', `/api/admin/events/${heldId}`)).body.error.code).toBe('has_sales');
    const list = (await call(server.url, 'GET', '/api/events')).body.events.map((e: { id: string }) => e.id);
    expect(list).toEqual(expect.arrayContaining([id, heldId]));
  });

  it('deleting an empty event removes it for buyers; viewers get event:changed deleted', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'delete-empty' });
    const b = await buyer();
    const hold = await holdSeats(b.socket, id, ['S-A-1']);
    await ask(b.socket, 'hold:release', { holdId: hold.id });
    expect((await asAdmin('POST', `/api/admin/events/${id}/block`, { seatIds: ['S-C-3'] })).status).toBe(200);
    const v = await viewer(id);
    const changed = waitFor<EventChangedNotice>(v.socket, 'event:changed', (n) => n.eventId === id);

    const res = await asAdmin('DELETE', `/api/admin/events/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, deleted: id });
    expect(await changed).toEqual({ eventId: id, change: 'deleted' });

    expect((await call(server.url, 'GET', '/api/events')).body.events.map((e: { id: string }) => e.id)).not.toContain(id);
    expect((await call(server.url, 'GET', `/api/events/${id}`)).status).toBe(404);
    expect((await call(server.url, 'GET', `/api/events/${id}/availability`)).status).toBe(404);
    const join = await ask(v.socket, 'event:join', { eventId: id });
    expect(join.ok).toBe(false);
    expect(join.error.code).toBe('not_found');
    expect((await asAdmin('GET', `/api/admin/events/${id}/stats`)).status).toBe(404);
    expect((await asAdmin('GET', '/api/admin/events')).body.events.map((e: { id: string }) => e.id)).not.toContain(id);
    for (const table of ['events', 'seats', 'holds', 'blocked_seats']) {
      const column = table === 'events' ? 'id' : 'event_id';
      expect((await one(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`, id)).n, table).toBe(0);
    }
    expect(await audit(id, 'event_deleted')).toHaveLength(1);
    expect((await asAdmin('DELETE', `/api/admin/events/${id}`)).status).toBe(404);

    // Ids are never reused: the deleted event's audit history must not become a new event's.
    const again = await asAdmin('POST', '/api/admin/events', {
      id,
      name: 'Again',
      venueName: 'Hall',
      startsAt: Date.now() + 86_400_000,
      venue: smallVenue(),
    });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/taken/);
  });
});
