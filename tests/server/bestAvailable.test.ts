// Best available and the no-orphan rule on a real server, with real clients:
// best-available holds racing each other (Socket.IO and HTTP) never share a
// seat and each is exactly what the core picks in the loop's serial order;
// orphan refusals over both transports; the per-event setting through the
// organizer API (create, PATCH, the buyer's EventDetail, a restart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { theatreVenue } from '../../db/demoVenues';
import type { EventDetail, HoldAck, HoldView } from '../../lib/protocol';
import { coreSeatsOf } from '../../lib/venueLayout';
import { SeatBook } from '../../core/seatBook';
import type { BestSeatsRequest } from '../../core/types';
import { CounterIds, rules } from '../core/fixtures';
import { seededRandom } from '../support/random';
import {
  adminLogin,
  ask,
  call,
  closeAll,
  connectBuyerSocket,
  createEvent,
  newSession,
  startAdminServer,
  type AdminTestServer,
  type BuyerSocket,
} from './adminHelpers';
import { openReadOnly } from './helpers';

let server: AdminTestServer;
let admin: string;
const sockets: BuyerSocket[] = [];

beforeAll(async () => {
  server = await startAdminServer();
  admin = await adminLogin(server.url);
});
afterAll(async () => {
  closeAll(sockets);
  await server?.stop();
});

async function buyerSocket(): Promise<BuyerSocket> {
  const { socket } = await connectBuyerSocket(server.url);
  sockets.push(socket);
  return socket;
}

async function detailOf(eventId: string): Promise<EventDetail> {
  const res = await call<{ event: EventDetail }>(server.url, 'GET', `/api/events/${eventId}`);
  expect(res.status).toBe(200);
  return res.body.event;
}

async function availability(eventId: string): Promise<Record<string, string>> {
  return (await call(server.url, 'GET', `/api/events/${eventId}/availability`)).body.seats;
}

describe('best-available holds racing each other', () => {
  it('60 buyers over Socket.IO and HTTP: no seat twice, and every hold is what the core picks in the serial order', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'best-race', venue: theatreVenue(), maxSeatsPerBuyer: 8 });
    const rand = seededRandom(1313);
    const requests: BestSeatsRequest[] = Array.from({ length: 60 }, (_, i) => ({
      quantity: 1 + Math.floor(rand() * 6),
      ...(i % 5 === 0 ? { categoryIds: ['premium'] } : i % 7 === 0 ? { maxPriceCents: 5500 } : {}),
    }));
    const viaSocket = await Promise.all(requests.map(async (_, i) => (i % 3 === 2 ? null : buyerSocket())));
    const tokens = await Promise.all(requests.map(async (_, i) => (i % 3 === 2 ? newSession(server.url) : null)));
    // All at once: the loop serializes them.
    const acks = await Promise.all(
      requests.map(async (best, i): Promise<HoldAck> => {
        const socket = viaSocket[i];
        if (socket) return ask<HoldAck>(socket, 'hold:create', { eventId: id, best });
        const res = await call<HoldAck>(server.url, 'POST', `/api/events/${id}/holds`, { token: tokens[i]!.token, body: { best } });
        expect(res.status).toBe(res.body.ok ? 201 : 409);
        return res.body;
      }),
    );
    const holds = acks.map((ack) => {
      if (!ack.ok) throw new Error(`a best hold failed with room to spare: ${JSON.stringify(ack.error)}`);
      return ack.hold;
    });
    const all = holds.flatMap((h) => h.seatIds);
    expect(new Set(all).size).toBe(all.length);
    holds.forEach((h, i) => expect(h.seatIds).toHaveLength(requests[i].quantity));
    const seats = await availability(id);
    for (const seatId of all) expect(seats[seatId]).toBe('held');

    // The loop's serial order is the order of the holds' audit rows; replaying the requests
    // in that order on a fresh core must give every buyer exactly the seats they got.
    const db = openReadOnly(server.databasePath);
    let order: string[];
    try {
      order = (db.prepare(`SELECT hold_id FROM audit_log WHERE event_id = ? AND action = 'held' GROUP BY hold_id ORDER BY MIN(id)`).all(id) as { hold_id: string }[]).map((r) => r.hold_id);
    } finally {
      db.close();
    }
    expect(order).toHaveLength(holds.length);
    const detail = await detailOf(id);
    const book = new SeatBook('replay', coreSeatsOf(detail.seats, detail.sections), rules({ maxSeatsPerBuyer: 8 }), new CounterIds(), undefined, detail.stage);
    const byHold = new Map(holds.map((h, i) => [h.id, { hold: h, request: requests[i] }]));
    for (const holdId of order) {
      const { hold, request } = byHold.get(holdId)!;
      const replayed = book.apply({ type: 'hold', buyerId: holdId, seatIds: [], best: request }, 0);
      expect(replayed.ok && replayed.type === 'held' ? replayed.hold.seatIds : replayed).toEqual(hold.seatIds);
    }
  });

  it('when nothing fits: seats_unavailable for the late ones, never a partial or shared hold', async () => {
    // Row A of the small venue has 5 seats; five buyers each want 2 of the front category.
    const { id } = await createEvent(server.url, admin, { id: 'best-scarce' });
    const buyers = await Promise.all(Array.from({ length: 5 }, () => buyerSocket()));
    const acks = await Promise.all(buyers.map((s) => ask<HoldAck>(s, 'hold:create', { eventId: id, best: { quantity: 2, categoryIds: ['front'] } })));
    const won = acks.filter((a): a is Extract<HoldAck, { ok: true }> => a.ok).map((a) => a.hold);
    const lost = acks.filter((a) => !a.ok);
    // 5 seats, pairs only, no orphan: at most 2 pairs (the fifth seat could only go to a single).
    expect(won.length).toBe(2);
    for (const a of lost) expect(a.ok ? null : a.error.code).toBe('seats_unavailable');
    const all = won.flatMap((h) => h.seatIds);
    expect(new Set(all).size).toBe(4);
    for (const seatId of all) expect(seatId.startsWith('S-A-')).toBe(true);
  });
});

describe('best-available input', () => {
  it('bad best requests are invalid_request and change nothing; unknown filters are not_found', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'best-input' });
    const socket = await buyerSocket();
    const before = await availability(id);
    for (const payload of [
      { eventId: id, best: { quantity: 0 } },
      { eventId: id, best: { quantity: 51 } },
      { eventId: id, best: { quantity: 2 }, seatIds: ['S-A-1'] },
      { eventId: id, best: { quantity: 2, categoryId: 'front' } },
      { eventId: id, best: { quantity: 2, maxPriceCents: -1 } },
      { eventId: id, best: { quantity: 2, sectionIds: [] } },
    ]) {
      const ack = await ask<HoldAck>(socket, 'hold:create', payload);
      expect(ack.ok ? 'ok' : ack.error.code, JSON.stringify(payload)).toBe('invalid_request');
    }
    const session = await newSession(server.url);
    const http = await call(server.url, 'POST', `/api/events/${id}/holds`, { token: session.token, body: { best: { quantity: 2.5 } } });
    expect(http.status).toBe(400);
    const unknown = await ask<HoldAck>(socket, 'hold:create', { eventId: id, best: { quantity: 2, categoryIds: ['platinum'] } });
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not_found');
    expect(await availability(id)).toEqual(before);
  });

  it('general-admission areas only when named, and the hold works like any other (release)', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'best-ga' });
    const socket = await buyerSocket();
    const ga = await ask<HoldAck>(socket, 'hold:create', { eventId: id, best: { quantity: 3, sectionIds: ['GA'] } });
    expect(ga.ok && ga.hold.seatIds).toEqual(['GA-GA-1', 'GA-GA-2', 'GA-GA-3']);
    const seated = await ask<HoldAck>(socket, 'hold:create', { eventId: id, best: { quantity: 2 } });
    expect(seated.ok && seated.hold.seatIds.every((s) => s.startsWith('S-'))).toBe(true);
    const released = await ask(socket, 'hold:release', { holdId: (seated as { hold: HoldView }).hold.id });
    expect(released.ok).toBe(true);
  });
});

describe('the no-orphan rule over Socket.IO and HTTP', () => {
  it('refuses a hold that strands a seat with 409 orphan_seat naming it, over both; nothing changes', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'orphan-1' });
    const socket = await buyerSocket();
    const before = await availability(id);
    const ack = await ask<HoldAck>(socket, 'hold:create', { eventId: id, seatIds: ['S-A-2', 'S-A-3'] });
    expect(ack).toMatchObject({ ok: false, error: { code: 'orphan_seat', seatIds: ['S-A-1'] } });
    const session = await newSession(server.url);
    const http = await call<HoldAck>(server.url, 'POST', `/api/events/${id}/holds`, { token: session.token, body: { seatIds: ['S-B-4'] } });
    expect(http.status).toBe(409);
    expect(http.body).toMatchObject({ ok: false, error: { code: 'orphan_seat', seatIds: ['S-B-5'] } });
    expect(await availability(id)).toEqual(before);
    // The same buyer's fix: include the seat, or leave it a neighbour.
    const fixed = await ask<HoldAck>(socket, 'hold:create', { eventId: id, seatIds: ['S-A-1', 'S-A-2', 'S-A-3'] });
    expect(fixed.ok).toBe(true);
  });

  it('a release that leaves a seat alone is never refused, and that lone seat blocks no other hold', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'orphan-2' });
    const a = await buyerSocket();
    const b = await buyerSocket();
    const first = await ask<HoldAck>(a, 'hold:create', { eventId: id, seatIds: ['S-C-1'] });
    const second = await ask<HoldAck>(b, 'hold:create', { eventId: id, seatIds: ['S-C-2', 'S-C-3', 'S-C-4', 'S-C-5'] });
    expect(first.ok && second.ok).toBe(true);
    // C-1 goes back between the row's end and b's seats: alone, and that is fine.
    expect((await ask(a, 'hold:release', { holdId: (first as { hold: HoldView }).hold.id })).ok).toBe(true);
    expect((await availability(id))['S-C-1']).toBe('available');
    const other = await ask<HoldAck>(a, 'hold:create', { eventId: id, seatIds: ['S-B-1', 'S-B-2'] });
    expect(other.ok).toBe(true);
  });
});

describe('after an organizer replaces the layout', () => {
  it('best available and the rule work on the new rows', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'best-relayout' });
    // Tier T: rows A and B of 6 seats with an aisle after seat 3, the stage in front.
    const res = await call(server.url, 'PUT', `/api/admin/events/${id}/layout`, {
      token: admin,
      body: {
        venue: {
          categories: [{ id: 'std', name: 'Standard', priceCents: 4000, color: '#d97706' }],
          sections: [{ kind: 'straight', id: 'T', name: 'Tier', rows: 2, seatsPerRow: 6, x: 0, y: 40, aisleAfter: [3], rowCategories: ['std'] }],
          stage: { x: 0, y: 0, width: 60, height: 20, label: 'STAGE' },
        },
      },
    });
    expect(res.status).toBe(200);
    const socket = await buyerSocket();
    // Each row is two runs of 3 (an aisle after seat 3): 3 fits one run exactly.
    const best = await ask<HoldAck>(socket, 'hold:create', { eventId: id, best: { quantity: 3 } });
    expect(best.ok && best.hold.seatIds).toEqual(['T-A-1', 'T-A-2', 'T-A-3']);
    // T-A-5 alone would strand T-A-4 (against the aisle) and T-A-6 (the row end).
    const refused = await ask<HoldAck>(socket, 'hold:create', { eventId: id, seatIds: ['T-A-5'] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'orphan_seat', seatIds: ['T-A-4', 'T-A-6'] } });
  });
});

describe('the per-event setting', () => {
  it('is on by default, shown to buyers, switched by PATCH (live), set at creation, validated, and survives a restart', async () => {
    const { id } = await createEvent(server.url, admin, { id: 'orphan-setting' });
    expect((await detailOf(id)).preventOrphanSeats).toBe(true);
    const socket = await buyerSocket();
    const refused = await ask<HoldAck>(socket, 'hold:create', { eventId: id, seatIds: ['S-A-2'] });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('orphan_seat');

    const patch = await call(server.url, 'PATCH', `/api/admin/events/${id}`, { token: admin, body: { preventOrphanSeats: false } });
    expect(patch.status).toBe(200);
    expect(patch.body.event.preventOrphanSeats).toBe(false);
    expect((await detailOf(id)).preventOrphanSeats).toBe(false);
    const listed = await call(server.url, 'GET', '/api/admin/events', { token: admin });
    expect(listed.body.events.find((e: { id: string }) => e.id === id).preventOrphanSeats).toBe(false);
    const allowed = await ask<HoldAck>(socket, 'hold:create', { eventId: id, seatIds: ['S-A-2'] });
    expect(allowed.ok).toBe(true);

    const bad = await call(server.url, 'PATCH', `/api/admin/events/${id}`, { token: admin, body: { preventOrphanSeats: 'no' } });
    expect(bad.status).toBe(400);
    const buyer = await newSession(server.url);
    const forbidden = await call(server.url, 'PATCH', `/api/admin/events/${id}`, { token: buyer.token, body: { preventOrphanSeats: true } });
    expect(forbidden.status).toBe(403);

    const { id: off } = await createEvent(server.url, admin, { id: 'orphan-created-off', preventOrphanSeats: false });
    expect((await detailOf(off)).preventOrphanSeats).toBe(false);

    // A restart reloads it from storage.
    const dir = server.dir;
    closeAll(sockets.splice(0));
    await server.closeKeepingData();
    server = await startAdminServer({ dir });
    admin = await adminLogin(server.url);
    expect((await detailOf(id)).preventOrphanSeats).toBe(false);
    expect((await detailOf(off)).preventOrphanSeats).toBe(false);
    const again = await buyerSocket();
    const after = await ask<HoldAck>(again, 'hold:create', { eventId: id, seatIds: ['S-B-2'] });
    expect(after.ok).toBe(true);
  });
});
