// The public contract (lib/protocol.ts) on a real server: HTTP routes and
// Socket.IO events, authentication, validation, error codes and their HTTP
// statuses, ownership, idempotency, body handling and layout caching.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HTTP_STATUS,
  MAX_SEATS_PER_REQUEST,
  seatChangesOf,
  seatStatusesOf,
  type ApiError,
  type ConfirmAck,
  type EventDetail,
  type HoldAck,
  type HoldView,
  type OrderView,
  type SeatLayout,
} from '../../lib/protocol';
import {
  closeSockets,
  connectBuyer,
  expectConnectError,
  getJson,
  newBuyerToken,
  request,
  joinedSeats,
  layoutOf,
  SeatMapViewer,
  waitForEvent,
  sendJson,
  stallsCentreSeats,
  startTestServer,
  type TestServer,
  type TestSocket,
} from './helpers';

const EVENT = 'demo-theatre';
const BUYER = { name: 'Ada Lovelace', email: 'ada@example.com' };
const ALL_SC = stallsCentreSeats();

let server: TestServer;
let sockets: TestSocket[] = [];
/** Each test takes its own seats from this cursor, so tests on the shared server never collide. */
let seatCursor = 0;
const freshSeats = (n: number) => {
  const out = ALL_SC.slice(seatCursor, seatCursor + n);
  seatCursor += n;
  if (out.length < n) throw new Error('test ran out of Stalls Centre seats');
  return out;
};

beforeAll(async () => {
  // These tests name seats freely; orphan refusals over HTTP are tested in bestAvailable.test.ts.
  server = await startTestServer({}, { seededCopy: true, preventOrphanSeats: false });
});

afterEach(() => {
  closeSockets(sockets);
  sockets = [];
});

afterAll(async () => {
  await server?.stop();
});

async function buyer(token?: string): Promise<{ socket: TestSocket; token: string }> {
  const b = await connectBuyer(server.url, token);
  sockets.push(b.socket);
  return b;
}

async function hold(socket: TestSocket, seatIds: string[]): Promise<HoldView> {
  const ack = await request(socket, 'hold:create', { eventId: EVENT, seatIds });
  if (!ack.ok) throw new Error(`hold failed: ${JSON.stringify(ack.error)}`);
  return ack.hold;
}

async function availability(): Promise<{ version: number; seats: Record<string, string> }> {
  const { status, body } = await getJson(`${server.url}/api/events/${EVENT}/availability`);
  expect(status).toBe(200);
  return body;
}

function expectError(ack: { ok: boolean; error?: ApiError }, code: ApiError['code']): ApiError {
  expect(ack.ok, `expected ${code}, got ${JSON.stringify(ack)}`).toBe(false);
  expect(ack.error?.code).toBe(code);
  expect(typeof ack.error?.message).toBe('string');
  return ack.error!;
}

function expectInvalid(ack: { ok: boolean; error?: ApiError }, path?: string): ApiError {
  const error = expectError(ack, 'invalid_request');
  expect(Array.isArray(error.issues)).toBe(true);
  expect(error.issues!.length).toBeGreaterThan(0);
  for (const issue of error.issues!) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
  }
  if (path !== undefined) expect(error.issues!.map((i) => i.path)).toContain(path);
  return error;
}

const holdRows = async () => (await server.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM holds'))!.n;
const orderRowsOfHold = async (holdId: string) => (await server.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', holdId))!.n;

async function httpConfirm(token: string | undefined, holdId: string, key: string | undefined, body: unknown = { buyer: BUYER }) {
  return sendJson<ConfirmAck>('POST', `${server.url}/api/holds/${holdId}/confirm`, body, token, key === undefined ? {} : { 'idempotency-key': key });
}

// ---------------------------------------------------------------------------

describe('health and sessions', () => {
  it('GET /api/health → 200 {"status":"ok"}', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('POST /api/session issues a fresh signed token (and the same as an httpOnly cookie)', async () => {
    const a = await fetch(`${server.url}/api/session`, { method: 'POST' });
    const b = await fetch(`${server.url}/api/session`, { method: 'POST' });
    expect(a.status).toBe(201);
    const bodyA = (await a.json()) as { ok: boolean; token: string; buyerId: string };
    const bodyB = (await b.json()) as { ok: boolean; token: string };
    expect(bodyA.ok).toBe(true);
    expect(bodyA.token).toMatch(/^b_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(bodyA.token.startsWith(`${bodyA.buyerId}.`)).toBe(true);
    expect(bodyB.token).not.toBe(bodyA.token);
    const cookie = a.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`seatline_buyer=${bodyA.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
  });
});

describe('socket authentication', () => {
  it('connecting without a token → connect_error "unauthorized"', async () => {
    const err = await expectConnectError(server.url, undefined);
    expect(err.message).toBe('unauthorized');
    expect(err.data?.code).toBe('unauthorized');
  });

  it('forged or malformed tokens are refused (socket and HTTP)', async () => {
    const good = await newBuyerToken(server.url);
    const [id, sig] = [good.slice(0, good.lastIndexOf('.')), good.slice(good.lastIndexOf('.') + 1)];
    const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    const other = await newBuyerToken(server.url);
    const otherSig = other.slice(other.lastIndexOf('.') + 1);
    const forged = [
      `${id}.${flipped}`, // tampered signature
      `b_attackerattacker.${sig}`, // someone else's signature on a chosen id
      `${id}.${otherSig}`, // a real signature of another buyer
      id, // no signature
      '',
      'x'.repeat(500),
    ];
    for (const token of forged) {
      const err = await expectConnectError(server.url, { token });
      expect(err.message, `token ${token.slice(0, 40)}`).toBe('unauthorized');
      const res = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, token || 'x');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const wrongType = await expectConnectError(server.url, { token: 12345 });
    expect(wrongType.message).toBe('unauthorized');
    // The genuine token works.
    const ok = await buyer(good);
    expect(ok.socket.connected).toBe(true);
  });
});

describe('malformed payloads → invalid_request, and nothing changes', () => {
  it('every client→server event validates its payload', async () => {
    const owner = await buyer();
    const live = await hold(owner.socket, freshSeats(1));
    const before = await availability();
    const holdsBefore = await holdRows();

    const seats51 = ALL_SC.slice(0, MAX_SEATS_PER_REQUEST + 1);
    const protoCreate = JSON.parse('{"__proto__": {"eventId": "demo-theatre", "seatIds": ["SC-P-16"]}}');
    const protoCreate2 = JSON.parse('{"eventId": "demo-theatre", "__proto__": {"seatIds": ["SC-P-16"]}}');
    const protoHold = JSON.parse(`{"__proto__": {"holdId": "${live.id}"}}`);
    const protoConfirm = JSON.parse(
      `{"holdId": "${live.id}", "idempotencyKey": "proto-key-0001", "__proto__": {"buyer": {"name": "X", "email": "x@example.com"}}}`,
    );
    const protoJoin = JSON.parse('{"__proto__": {"eventId": "demo-theatre"}}');

    const cases: [event: 'event:join' | 'event:leave' | 'hold:create' | 'hold:extend' | 'hold:release' | 'hold:confirm', payload: unknown, path?: string][] = [
      ['event:join', undefined],
      ['event:join', null],
      ['event:join', 'demo-theatre'],
      ['event:join', {}, 'eventId'],
      ['event:join', { eventId: 42 }, 'eventId'],
      ['event:join', { eventId: '' }, 'eventId'],
      ['event:join', { eventId: '../etc/passwd' }, 'eventId'],
      ['event:join', { eventId: 'x'.repeat(65) }, 'eventId'],
      ['event:join', protoJoin, 'eventId'],
      ['event:leave', {}, 'eventId'],
      ['event:leave', { eventId: ['demo-theatre'] }, 'eventId'],
      ['hold:create', undefined],
      ['hold:create', [EVENT, ['SC-P-16']]],
      ['hold:create', { seatIds: ['SC-P-16'] }, 'eventId'],
      ['hold:create', { eventId: EVENT }, 'seatIds'],
      ['hold:create', { eventId: EVENT, seatIds: 'SC-P-16' }, 'seatIds'],
      ['hold:create', { eventId: EVENT, seatIds: [] }, 'seatIds'],
      ['hold:create', { eventId: EVENT, seatIds: ['SC-P-16', 'SC-P-16'] }, 'seatIds'],
      ['hold:create', { eventId: EVENT, seatIds: seats51 }, 'seatIds'],
      ['hold:create', { eventId: EVENT, seatIds: [16] }, 'seatIds.0'],
      ['hold:create', { eventId: EVENT, seatIds: ['SC P 16'] }, 'seatIds.0'],
      ['hold:create', { eventId: EVENT, seatIds: [''] }, 'seatIds.0'],
      ['hold:create', { eventId: 7, seatIds: ['SC-P-16'] }, 'eventId'],
      ['hold:create', protoCreate],
      ['hold:create', protoCreate2, 'seatIds'],
      ['hold:extend', undefined],
      ['hold:extend', {}, 'holdId'],
      ['hold:extend', { holdId: 1 }, 'holdId'],
      ['hold:extend', { holdId: '' }, 'holdId'],
      ['hold:extend', { holdId: `${live.id}/../x` }, 'holdId'],
      ['hold:extend', protoHold, 'holdId'],
      ['hold:release', null],
      ['hold:release', { holdId: null }, 'holdId'],
      ['hold:release', { holdId: 'h'.repeat(65) }, 'holdId'],
      ['hold:release', protoHold, 'holdId'],
      ['hold:confirm', {}],
      ['hold:confirm', { holdId: live.id, idempotencyKey: 'valid-key-0001' }, 'buyer'],
      ['hold:confirm', { holdId: live.id, buyer: BUYER }, 'idempotencyKey'],
      ['hold:confirm', { holdId: live.id, buyer: { name: 'Ada', email: 'not-an-email' }, idempotencyKey: 'valid-key-0002' }, 'buyer.email'],
      ['hold:confirm', { holdId: live.id, buyer: { name: '   ', email: 'ada@example.com' }, idempotencyKey: 'valid-key-0003' }, 'buyer.name'],
      ['hold:confirm', { holdId: live.id, buyer: { name: 'Ada' }, idempotencyKey: 'valid-key-0004' }, 'buyer.email'],
      ['hold:confirm', { holdId: live.id, buyer: 'Ada <ada@example.com>', idempotencyKey: 'valid-key-0005' }, 'buyer'],
      ['hold:confirm', { holdId: live.id, buyer: BUYER, idempotencyKey: 'short' }, 'idempotencyKey'],
      ['hold:confirm', { holdId: live.id, buyer: BUYER, idempotencyKey: 'has spaces in it' }, 'idempotencyKey'],
      ['hold:confirm', { holdId: live.id, buyer: BUYER, idempotencyKey: 12345678 }, 'idempotencyKey'],
      ['hold:confirm', { holdId: live.id, buyer: BUYER, idempotencyKey: 'k'.repeat(129) }, 'idempotencyKey'],
      ['hold:confirm', { holdId: 99, buyer: BUYER, idempotencyKey: 'valid-key-0006' }, 'holdId'],
      ['hold:confirm', protoConfirm, 'buyer'],
    ];

    // Same buyer, several connections: each connection may send 20 commands/s (bursts of 40).
    const pool = [owner.socket, ...(await Promise.all([0, 1, 2].map(() => buyer(owner.token)))).map((c) => c.socket)];
    for (const [n, [event, payload, path]] of cases.entries()) {
      const socket = pool[n % pool.length];
      const ack =
        payload === undefined
          ? await new Promise<{ ok: boolean; error?: ApiError }>((resolve) =>
              (socket.emit as (...a: unknown[]) => void)(event, (reply: { ok: boolean; error?: ApiError }) => resolve(reply)),
            )
          : await request(socket, event, payload);
      const label = `${event} ${JSON.stringify(payload)?.slice(0, 80)}`;
      expect(ack.ok, label).toBe(false);
      expect((ack as { error: ApiError }).error.code, label).toBe('invalid_request');
      expectInvalid(ack as { ok: boolean; error?: ApiError }, path);
    }

    // Over HTTP: the same validation, with 400.
    const badHttp: [string, string, unknown, Record<string, string>?][] = [
      ['POST', `/api/events/${EVENT}/holds`, {}],
      ['POST', `/api/events/${EVENT}/holds`, { seatIds: [] }],
      ['POST', `/api/events/${EVENT}/holds`, { seatIds: ['SC-P-16', 'SC-P-16'] }],
      ['POST', `/api/events/${EVENT}/holds`, { seatIds: seats51 }],
      ['POST', `/api/events/${EVENT}/holds`, ['SC-P-16']],
      ['POST', `/api/events/${EVENT}/holds`, protoCreate],
      ['POST', `/api/holds/${live.id}/confirm`, { buyer: { name: 'Ada', email: 'nope' } }, { 'idempotency-key': 'http-key-0001' }],
      ['POST', `/api/holds/${live.id}/confirm`, { buyer: BUYER }, { 'idempotency-key': 'short' }],
      ['POST', `/api/holds/${live.id}/confirm`, {}, { 'idempotency-key': 'http-key-0002' }],
      ['POST', `/api/holds/${'x'.repeat(65)}/extend`, {}],
      ['DELETE', `/api/holds/${encodeURIComponent('bad id!')}`, undefined],
    ];
    for (const [method, path, body, headers] of badHttp) {
      const res = await sendJson(method, `${server.url}${path}`, body, owner.token, headers);
      expect(res.status, `${method} ${path}`).toBe(400);
      expectInvalid(res.body);
    }

    // Nothing changed anywhere.
    const after = await availability();
    expect(after.version).toBe(before.version);
    expect(after.seats).toEqual(before.seats);
    expect(await holdRows()).toBe(holdsBefore);
    expect(await orderRowsOfHold(live.id)).toBe(0);
    const mine = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, owner.token);
    expect(mine.body.holds).toEqual([live]);
    // And no prototype was polluted on the server (it runs in this process).
    expect(({} as Record<string, unknown>).eventId).toBeUndefined();
    expect(({} as Record<string, unknown>).seatIds).toBeUndefined();
    expect(({} as Record<string, unknown>).holdId).toBeUndefined();
    expect(({} as Record<string, unknown>).buyer).toBeUndefined();
  });

  it('events without an ack callback are ignored (nothing happens)', async () => {
    const b = await buyer();
    const seat = freshSeats(1);
    const before = await availability();
    (b.socket.emit as (...args: unknown[]) => void)('hold:create', { eventId: EVENT, seatIds: seat });
    // A later request on the same socket is processed after the ack-less one.
    const join = await request(b.socket, 'event:join', { eventId: EVENT });
    expect((await joinedSeats(server.url, join))[seat[0]]).toBe('available');
    expect((await availability()).version).toBe(before.version);
  });
});

describe('not_found', () => {
  it('unknown event, unknown hold, unknown route', async () => {
    const b = await buyer();
    expectError(await request(b.socket, 'event:join', { eventId: 'no-such-event' }), 'not_found');
    expectError(await request(b.socket, 'hold:create', { eventId: 'no-such-event', seatIds: ['SC-A-1'] }), 'not_found');
    expectError(await request(b.socket, 'hold:extend', { holdId: 'h_doesnotexist' }), 'not_found');
    expectError(await request(b.socket, 'hold:release', { holdId: 'h_doesnotexist' }), 'not_found');
    expectError(
      await request(b.socket, 'hold:confirm', { holdId: 'h_doesnotexist', buyer: BUYER, idempotencyKey: 'nf-key-00001' }),
      'not_found',
    );

    for (const [method, path, body, headers] of [
      ['GET', '/api/events/no-such-event', undefined],
      ['GET', '/api/events/no-such-event/availability', undefined],
      ['GET', '/api/events/no-such-event/holds/mine', undefined],
      ['POST', '/api/events/no-such-event/holds', { seatIds: ['SC-A-1'] }],
      ['POST', '/api/holds/h_doesnotexist/extend', {}],
      ['DELETE', '/api/holds/h_doesnotexist', undefined],
      ['POST', '/api/holds/h_doesnotexist/confirm', { buyer: BUYER }, { 'idempotency-key': 'nf-key-00002' }],
      ['GET', '/api/orders/o_doesnotexist', undefined],
      ['GET', '/api/no-such-route', undefined],
    ] as [string, string, unknown, Record<string, string>?][]) {
      const res = await sendJson(method, `${server.url}${path}`, body, b.token, headers);
      expect(res.status, `${method} ${path}`).toBe(404);
      expectError(res.body, 'not_found');
    }
    // A known path with the wrong method is not a 404.
    const wrong = await sendJson('PUT', `${server.url}/api/health`, {});
    expect(wrong.status).toBe(405);
  });

  it('seat ids from another event (or no event) → not_found naming exactly those seats; nothing held', async () => {
    const b = await buyer();
    const [mine] = freshSeats(1);
    const before = await availability();
    const ack = await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: [mine, '101-A-1', 'SC-Z-99'] });
    const error = expectError(ack, 'not_found');
    expect(error.seatIds).toEqual(['101-A-1', 'SC-Z-99']);
    // The arena seat really exists — in the other event.
    const arena = await getJson(`${server.url}/api/events/demo-arena/availability`);
    expect(arena.body.seats['101-A-1']).toBe('available');

    const http = await sendJson('POST', `${server.url}/api/events/${EVENT}/holds`, { seatIds: ['101-A-1', mine] }, b.token);
    expect(http.status).toBe(404);
    expect(http.body.error.seatIds).toEqual(['101-A-1']);

    // Over HTTP the event comes from the path: an eventId in the body cannot redirect the hold.
    const redirected = await sendJson('POST', `${server.url}/api/events/${EVENT}/holds`, { eventId: 'demo-arena', seatIds: ['101-A-1'] }, b.token);
    expect(redirected.status).toBe(404);
    expect(redirected.body.error.seatIds).toEqual(['101-A-1']);

    const after = await availability();
    expect(after.version).toBe(before.version);
    expect(after.seats[mine]).toBe('available');
    expect((await getJson(`${server.url}/api/events/demo-arena/availability`)).body.seats['101-A-1']).toBe('available');
  });
});

describe('rate limits (defaults: 20 commands/s per connection, bursts of 40)', () => {
  it('a connection that bursts past its bucket gets rate_limited with retryAfterMs; other connections are unaffected', async () => {
    const greedy = await buyer();
    const before = await availability();
    const [seat] = freshSeats(1);
    // 100 joins and then a hold, all in one burst: the hold comes long after the bucket ran dry.
    const joins = Array.from({ length: 100 }, () => request(greedy.socket, 'event:join', { eventId: EVENT }));
    const lateHold = request(greedy.socket, 'hold:create', { eventId: EVENT, seatIds: [seat] });
    const acks = await Promise.all(joins);
    const ok = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited');
    expect(ok + limited.length).toBe(100);
    // Burst of 40, plus whatever trickled back in (20/s) while the burst was being read.
    expect(ok).toBeGreaterThanOrEqual(40);
    expect(ok).toBeLessThan(80);
    // The bucket is taken in arrival order: the first 40 went through.
    expect(acks.slice(0, 40).every((a) => a.ok)).toBe(true);
    for (const a of limited) expect(!a.ok && a.error.retryAfterMs).toBeGreaterThan(0);
    // A limited hold:create is not executed.
    expectError(await lateHold, 'rate_limited');
    expect((await availability()).version).toBe(before.version);
    // Same buyer, another connection: its own bucket.
    const polite = await buyer(greedy.token);
    const h = await hold(polite.socket, [seat]);
    expect(h.seatIds).toEqual([seat]);
  });
});

describe('limit_exceeded (default 8 seats per buyer)', () => {
  it('9 seats in one hold', async () => {
    const b = await buyer();
    const seats = freshSeats(9);
    const before = await availability();
    const error = expectError(await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: seats }), 'limit_exceeded');
    expect(error.message).toMatch(/8/);
    const http = await sendJson('POST', `${server.url}/api/events/${EVENT}/holds`, { seatIds: seats }, b.token);
    expect(http.status).toBe(HTTP_STATUS.limit_exceeded);
    expect(http.status).toBe(422);
    // The largest request the schema allows is still checked against the buyer limit.
    const fifty = ALL_SC.slice(ALL_SC.length - MAX_SEATS_PER_REQUEST);
    expectError(await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: fifty }), 'limit_exceeded');
    const after = await availability();
    expect(after.version).toBe(before.version);
    for (const s of seats) expect(after.seats[s]).toBe('available');
    // Exactly 8 is fine.
    const h = await hold(b.socket, seats.slice(0, 8));
    expect(h.seatIds).toHaveLength(8);
  });

  it('across two holds (5 + 4 > 8), and the limit frees up after a release', async () => {
    const b = await buyer();
    const seats = freshSeats(9);
    const first = await hold(b.socket, seats.slice(0, 5));
    expectError(await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: seats.slice(5, 9) }), 'limit_exceeded');
    const http = await sendJson('POST', `${server.url}/api/events/${EVENT}/holds`, { seatIds: seats.slice(5, 9) }, b.token);
    expect(http.status).toBe(422);
    expect(http.body.error.code).toBe('limit_exceeded');
    const second = await hold(b.socket, seats.slice(5, 8)); // 5 + 3 = 8
    expect(second.seatIds).toEqual(seats.slice(5, 8));
    expectError(await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: [seats[8]] }), 'limit_exceeded');
    // The limit is per buyer: someone else can take the ninth seat.
    const other = await buyer();
    await hold(other.socket, [seats[8]]);
    // After releasing the first hold, the buyer may hold again.
    expect((await request(b.socket, 'hold:release', { holdId: first.id })).ok).toBe(true);
    const third = await hold(b.socket, seats.slice(0, 5));
    expect(third.seatIds).toEqual(seats.slice(0, 5));
  });
});

describe('not_hold_owner', () => {
  it("another buyer's hold cannot be extended, released or confirmed (socket, and HTTP 403)", async () => {
    const owner = await buyer();
    const thief = await buyer();
    const seats = freshSeats(2);
    const h = await hold(owner.socket, seats);
    const before = await availability();

    expectError(await request(thief.socket, 'hold:extend', { holdId: h.id }), 'not_hold_owner');
    expectError(await request(thief.socket, 'hold:release', { holdId: h.id }), 'not_hold_owner');
    expectError(
      await request(thief.socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: 'thief-key-0001' }),
      'not_hold_owner',
    );

    const ext = await sendJson('POST', `${server.url}/api/holds/${h.id}/extend`, {}, thief.token);
    expect(ext.status).toBe(403);
    expectError(ext.body, 'not_hold_owner');
    const rel = await sendJson('DELETE', `${server.url}/api/holds/${h.id}`, undefined, thief.token);
    expect(rel.status).toBe(403);
    expectError(rel.body, 'not_hold_owner');
    const conf = await httpConfirm(thief.token, h.id, 'thief-key-0002');
    expect(conf.status).toBe(403);
    expectError(conf.body, 'not_hold_owner');

    // The hold is untouched: still the owner's, still extendable, seats still held, no order.
    const after = await availability();
    expect(after.version).toBe(before.version);
    for (const s of seats) expect(after.seats[s]).toBe('held');
    const mine = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, owner.token);
    expect(mine.body.holds).toEqual([h]);
    const theirs = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, thief.token);
    expect(theirs.body.holds).toEqual([]);
    expect(await orderRowsOfHold(h.id)).toBe(0);

    // Once confirmed, the hold (and its order) is still not the thief's business.
    const done = await request(owner.socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: 'owner-key-0001' });
    expect(done.ok).toBe(true);
    const late = await request(thief.socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: 'thief-key-0003' });
    const lateError = expectError(late, 'not_hold_owner');
    expect(lateError.orderId).toBeUndefined();
  });
});

describe('confirm and idempotency', () => {
  it('same key twice → the same order, replayed the second time, one order row', async () => {
    const b = await buyer();
    const seats = freshSeats(2);
    const h = await hold(b.socket, seats);
    const { body: layout } = await getJson<{ event: { seats: SeatLayout[] } }>(`${server.url}/api/events/${EVENT}`);
    const price = new Map(layout.event.seats.map((s) => [s.id, s]));

    const first = await request(b.socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: 'same-key-0001' });
    const second = await request(b.socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: 'same-key-0001' });
    if (!first.ok || !second.ok) throw new Error(`confirm failed: ${JSON.stringify([first, second])}`);
    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(true);
    expect(second.order).toEqual(first.order);

    const order: OrderView = first.order;
    expect(order).toMatchObject({ eventId: EVENT, holdId: h.id, buyer: BUYER, currency: 'EUR' });
    expect(order.tickets.map((t) => t.seatId).sort()).toEqual([...seats].sort());
    for (const t of order.tickets) {
      const seat = price.get(t.seatId)!;
      expect(t).toMatchObject({ section: seat.section, row: seat.row, number: seat.number, category: seat.category, priceCents: seat.priceCents });
      expect(t.code.length).toBeGreaterThanOrEqual(16);
    }
    expect(order.totalCents).toBe(order.tickets.reduce((sum, t) => sum + t.priceCents, 0));
    expect(new Set(order.tickets.map((t) => t.code)).size).toBe(order.tickets.length);

    // HTTP replay with the same key: 200 (not 201) and the same order.
    const http = await httpConfirm(b.token, h.id, 'same-key-0001');
    expect(http.status).toBe(200);
    expect(http.body.ok && http.body.replayed && http.body.order.id).toBe(order.id);

    expect(await orderRowsOfHold(h.id)).toBe(1);
    expect(await server.sql.get('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?', order.id)).toEqual({ n: seats.length });
    const avail = await availability();
    for (const s of seats) expect(avail.seats[s]).toBe('sold');

    // The order is readable by its buyer.
    const got = await getJson(`${server.url}/api/orders/${order.id}`, b.token);
    expect(got.status).toBe(200);
    expect(got.body.order).toEqual(order);
    expect(got.body.event).toMatchObject({ id: EVENT });
  });

  it('the same key sent twice at once still makes one order', async () => {
    const b = await buyer();
    const h = await hold(b.socket, freshSeats(1));
    const payload = { holdId: h.id, buyer: BUYER, idempotencyKey: 'concurrent-key-1' };
    const [x, y] = await Promise.all([request(b.socket, 'hold:confirm', payload), request(b.socket, 'hold:confirm', payload)]);
    if (!x.ok || !y.ok) throw new Error(`confirm failed: ${JSON.stringify([x, y])}`);
    expect(x.order.id).toBe(y.order.id);
    expect([x.replayed, y.replayed].sort()).toEqual([false, true]);
    expect(await orderRowsOfHold(h.id)).toBe(1);
  });

  it('over HTTP: 201 on first confirm; same key on a different hold → idempotency_conflict; new key → already_confirmed', async () => {
    const b = await buyer();
    const h1 = await hold(b.socket, freshSeats(1));
    const h2 = await hold(b.socket, freshSeats(1));

    const created = await httpConfirm(b.token, h1.id, 'http-key-aaaa1');
    expect(created.status).toBe(201);
    if (!created.body.ok) throw new Error(JSON.stringify(created.body));
    expect(created.body.replayed).toBe(false);
    const orderId = created.body.order.id;

    const conflict = await httpConfirm(b.token, h2.id, 'http-key-aaaa1');
    expect(conflict.status).toBe(409);
    expectError(conflict.body, 'idempotency_conflict');
    const conflictSocket = await request(b.socket, 'hold:confirm', { holdId: h2.id, buyer: BUYER, idempotencyKey: 'http-key-aaaa1' });
    expectError(conflictSocket, 'idempotency_conflict');
    // h2 is untouched by the conflict.
    const mine = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, b.token);
    expect(mine.body.holds).toEqual([h2]);

    const again = await httpConfirm(b.token, h1.id, 'http-key-bbbb2');
    expect(again.status).toBe(409);
    const error = expectError(again.body, 'already_confirmed');
    expect(error.orderId).toBe(orderId);
    const againSocket = await request(b.socket, 'hold:confirm', { holdId: h1.id, buyer: BUYER, idempotencyKey: 'http-key-cccc3' });
    expect(expectError(againSocket, 'already_confirmed').orderId).toBe(orderId);
    expect(await orderRowsOfHold(h1.id)).toBe(1);
    expect(await orderRowsOfHold(h2.id)).toBe(0);

    // Keys are scoped to the buyer: another buyer may use the same key for its own hold.
    const other = await buyer();
    const h3 = await hold(other.socket, freshSeats(1));
    const theirs = await httpConfirm(other.token, h3.id, 'http-key-aaaa1');
    expect(theirs.status).toBe(201);
    expect(theirs.body.ok && theirs.body.order.id).not.toBe(orderId);
  });

  it('HTTP confirm without an Idempotency-Key header → 400 invalid_request, nothing bought', async () => {
    const b = await buyer();
    const seats = freshSeats(1);
    const h = await hold(b.socket, seats);
    const res = await httpConfirm(b.token, h.id, undefined);
    expect(res.status).toBe(400);
    expectError(res.body, 'invalid_request');
    expect(await orderRowsOfHold(h.id)).toBe(0);
    expect((await availability()).seats[seats[0]]).toBe('held');
  });

  it("GET /api/orders/:id: another buyer's order is a 404, exactly like a missing one", async () => {
    const b = await buyer();
    const h = await hold(b.socket, freshSeats(1));
    const ack = await request(b.socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: 'order-view-001' });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    const stranger = await newBuyerToken(server.url);
    const theirs = await getJson(`${server.url}/api/orders/${ack.order.id}`, stranger);
    const missing = await getJson(`${server.url}/api/orders/o_nosuchorder`, stranger);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
    expect(JSON.stringify(theirs.body)).not.toContain(ack.order.tickets[0].code);
    const anonymous = await getJson(`${server.url}/api/orders/${ack.order.id}`);
    expect(anonymous.status).toBe(401);
    const badId = await getJson(`${server.url}/api/orders/${encodeURIComponent('o:bad id')}`, b.token);
    expect(badId.status).toBe(400);
  });
});

describe('HTTP request handling', () => {
  it('mutations (and per-buyer reads) without a session → 401, nothing changes', async () => {
    const b = await buyer();
    const h = await hold(b.socket, freshSeats(1));
    const before = await availability();
    const seat = freshSeats(1);
    for (const [method, path, body, headers] of [
      ['POST', `/api/events/${EVENT}/holds`, { seatIds: seat }],
      ['POST', `/api/holds/${h.id}/extend`, {}],
      ['DELETE', `/api/holds/${h.id}`, undefined],
      ['POST', `/api/holds/${h.id}/confirm`, { buyer: BUYER }, { 'idempotency-key': 'anon-key-0001' }],
      ['GET', `/api/events/${EVENT}/holds/mine`, undefined],
    ] as [string, string, unknown, Record<string, string>?][]) {
      const res = await sendJson(method, `${server.url}${path}`, body, undefined, headers);
      expect(res.status, `${method} ${path}`).toBe(401);
      expectError(res.body, 'unauthorized');
    }
    const after = await availability();
    expect(after.version).toBe(before.version);
    expect(await orderRowsOfHold(h.id)).toBe(0);
  });

  it('the session cookie works like the bearer token', async () => {
    const token = await newBuyerToken(server.url);
    const seat = freshSeats(1);
    const res = await fetch(`${server.url}/api/events/${EVENT}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `seatline_buyer=${token}` },
      body: JSON.stringify({ seatIds: seat }),
    });
    expect(res.status).toBe(201);
    const mine = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, token);
    expect(mine.body.holds.map((h: HoldView) => h.seatIds)).toEqual([seat]);
  });

  it('non-JSON body → 415, invalid JSON → 400, body over 64 KB → 413; nothing changes', async () => {
    const token = await newBuyerToken(server.url);
    const [seat] = freshSeats(1);
    const before = await availability();
    const url = `${server.url}/api/events/${EVENT}/holds`;
    const auth = { authorization: `Bearer ${token}` };

    const text = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: JSON.stringify({ seatIds: [seat] }) });
    expect(text.status).toBe(415);
    expectError((await text.json()) as { ok: boolean; error?: ApiError }, 'invalid_request');

    const form = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'seatIds=SC-A-1' });
    expect(form.status).toBe(415);

    const broken = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"seatIds": [' });
    expect(broken.status).toBe(400);
    expectError((await broken.json()) as { ok: boolean; error?: ApiError }, 'invalid_request');

    const pad = 'x'.repeat(70 * 1024);
    const big = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ seatIds: [seat], pad }),
    });
    expect(big.status).toBe(413);
    expectError((await big.json()) as { ok: boolean; error?: ApiError }, 'invalid_request');

    // Same without a Content-Length (chunked upload): the cap is enforced while reading.
    const bytes = new TextEncoder().encode(JSON.stringify({ seatIds: [seat], pad }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);

    // Exactly at the limit is still read (and then validated).
    const atLimit = { seatIds: [seat], pad: '' };
    atLimit.pad = 'y'.repeat(64 * 1024 - JSON.stringify(atLimit).length);
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(64 * 1024);
    const ok = await sendJson('POST', url, atLimit, token);
    expect(ok.status).toBe(201);
    const release = await sendJson('DELETE', `${server.url}/api/holds/${ok.body.hold.id}`, undefined, token);
    expect(release.status).toBe(200);
    expect(release.body).toEqual({ ok: true, holdId: ok.body.hold.id });

    const after = await availability();
    expect(after.seats).toEqual(before.seats);
  });
});

describe('event layout', () => {
  it('GET /api/events/:id returns the seat layout with an ETag; If-None-Match → 304', async () => {
    const res = await fetch(`${server.url}/api/events/${EVENT}`);
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const body = (await res.json()) as { ok: boolean; event: { id: string; capacity: number; seats: SeatLayout[]; categories: { id: string }[] } };
    expect(body.ok).toBe(true);
    expect(body.event.id).toBe(EVENT);
    const seats = body.event.seats;
    expect(seats).toHaveLength(992);
    expect(body.event.capacity).toBe(992);
    expect(new Set(seats.map((s) => s.id)).size).toBe(992);
    const categories = new Set(body.event.categories.map((c) => c.id));
    const required = ['id', 'section', 'row', 'number', 'category', 'priceCents', 'x', 'y'];
    for (const seat of seats) {
      for (const key of required) expect(seat, `${seat.id} lacks ${key}`).toHaveProperty(key);
      for (const key of Object.keys(seat)) expect([...required, 'accessible', 'gaArea']).toContain(key);
      expect(typeof seat.id).toBe('string');
      expect(typeof seat.section).toBe('string');
      expect(typeof seat.row).toBe('string');
      expect(typeof seat.number).toBe('string');
      expect(categories.has(seat.category)).toBe(true);
      expect(Number.isInteger(seat.priceCents) && seat.priceCents > 0).toBe(true);
      expect(Number.isFinite(seat.x) && Number.isFinite(seat.y)).toBe(true);
    }
    expect(seats.find((s) => s.id === 'SC-A-1')).toMatchObject({ row: 'A', number: '1' });
    // The layout's seats are exactly the availability map's seats.
    expect(seats.map((s) => s.id).sort()).toEqual(Object.keys((await availability()).seats).sort());

    const cached = await fetch(`${server.url}/api/events/${EVENT}`, { headers: { 'if-none-match': etag! } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect(await cached.text()).toBe('');
    const stale = await fetch(`${server.url}/api/events/${EVENT}`, { headers: { 'if-none-match': '"not-the-etag"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    // Another event has another ETag.
    const arena = await fetch(`${server.url}/api/events/demo-arena`, { headers: { 'if-none-match': etag! } });
    expect(arena.status).toBe(200);
    expect(arena.headers.get('etag')).not.toBe(etag);
    await arena.arrayBuffer();
  });

  it('GET /api/events lists both demo events with live counts', async () => {
    const { status, body } = await getJson(`${server.url}/api/events`);
    expect(status).toBe(200);
    const byId = new Map((body.events as { id: string; capacity: number; counts: Record<string, number> }[]).map((e) => [e.id, e]));
    expect(byId.get('demo-theatre')?.capacity).toBe(992);
    expect(byId.get('demo-arena')?.capacity).toBe(22_212);
    const theatre = byId.get('demo-theatre')!;
    expect(theatre.counts.available + theatre.counts.held + theatre.counts.sold).toBe(992);
    const avail = await availability();
    const held = Object.values(avail.seats).filter((s) => s === 'held').length;
    expect(theatre.counts.held).toBe(held);
  });
});

describe('live seat statuses on the wire (compact, layout order)', () => {
  it('the layout order is the seat ids in code-unit order, named by layoutKey; join statuses follow it', async () => {
    const { body } = await getJson<{ event: EventDetail }>(`${server.url}/api/events/${EVENT}`);
    const ids = body.event.seats.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const b = await buyer();
    const join = await request(b.socket, 'event:join', { eventId: EVENT });
    if (!join.ok) throw new Error(JSON.stringify(join));
    expect(join.layoutKey).toBe(body.event.layoutKey);
    expect(join.statuses).toHaveLength(ids.length);
    expect(join.statuses).toMatch(/^[ahs]+$/);
    // The same statuses as the keyed HTTP snapshot of the same version.
    const avail = await availability();
    expect(avail.version).toBe(join.version);
    expect(seatStatusesOf(join.statuses, ids)).toEqual(avail.seats);
    // Asking again gives the same order and key (it is fixed by the server, not by a database scan).
    const again = await getJson<{ event: EventDetail }>(`${server.url}/api/events/${EVENT}`);
    expect(again.body.event.layoutKey).toBe(body.event.layoutKey);
  });

  it('a join after a commit sees the new version and its statuses; joins of one version share one string', async () => {
    const a = await buyer();
    const b = await buyer();
    const first = await request(b.socket, 'event:join', { eventId: EVENT });
    const second = await request(b.socket, 'event:join', { eventId: EVENT });
    if (!first.ok || !second.ok) throw new Error('join failed');
    expect(second.version).toBe(first.version);
    expect(second.statuses).toBe(first.statuses);
    const runtime = server.registry.get(EVENT)!;
    expect(runtime.seatFeed.snapshot()).toBe(runtime.seatFeed.snapshot()); // cached per version

    const seats = freshSeats(2);
    const update = waitForEvent(b.socket, 'seats:update', (u) => u.version === first.version + 1);
    await hold(a.socket, seats);
    const joined = await request(b.socket, 'event:join', { eventId: EVENT });
    if (!joined.ok) throw new Error('join failed');
    expect(joined.version).toBe(first.version + 1);
    const byId = await joinedSeats(server.url, joined);
    for (const s of seats) expect(byId[s]).toBe('held');

    // The delta names exactly the two seats, by layout index, and replays onto the old snapshot.
    const u = await update;
    expect(u).toMatchObject({ eventId: EVENT, fromVersion: first.version + 1, version: first.version + 1 });
    const ids = (await layoutOf(server.url, EVENT)).seatIds;
    expect(seatChangesOf(u.delta, ids)?.sort((x, y) => x.seatId.localeCompare(y.seatId))).toEqual(
      [...seats].sort().map((seatId) => ({ seatId, status: 'held' })),
    );
    const replayed = { ...seatStatusesOf(first.statuses, ids)! };
    for (const c of seatChangesOf(u.delta, ids)!) replayed[c.seatId] = c.status;
    expect(replayed).toEqual(byId);
  });
});

describe('GET /api/events/:id/statuses (the compact snapshot over HTTP)', () => {
  it('is the join snapshot of the same version, follows commits, and 404s for an unknown event', async () => {
    const b = await buyer();
    const join = await request(b.socket, 'event:join', { eventId: EVENT });
    if (!join.ok) throw new Error(JSON.stringify(join));
    const first = await getJson(`${server.url}/api/events/${EVENT}/statuses`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ ok: true, eventId: EVENT, version: join.version, layoutKey: join.layoutKey, statuses: join.statuses });

    const seats = freshSeats(2);
    await hold(b.socket, seats);
    const after = await getJson(`${server.url}/api/events/${EVENT}/statuses`);
    expect(after.body.version).toBe(join.version + 1);
    const { seatIds } = await layoutOf(server.url, EVENT);
    const byId = seatStatusesOf(after.body.statuses, seatIds)!;
    for (const s of seats) expect(byId[s]).toBe('held');
    // The keyed HTTP snapshot (serialized once per version) agrees with it.
    expect((await availability()).seats).toEqual(byId);

    const missing = await getJson(`${server.url}/api/events/no-such-event/statuses`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('reconnecting and releasing', () => {
  it('the join ack returns myHolds for a buyer reconnecting with the same token', async () => {
    const first = await buyer();
    const h1 = await hold(first.socket, freshSeats(2));
    const viaHttp = await sendJson<HoldAck>('POST', `${server.url}/api/events/${EVENT}/holds`, { seatIds: freshSeats(1) }, first.token);
    if (!viaHttp.body.ok) throw new Error(JSON.stringify(viaHttp.body));
    first.socket.close();

    const again = await buyer(first.token);
    const join = await request(again.socket, 'event:join', { eventId: EVENT });
    if (!join.ok) throw new Error(JSON.stringify(join));
    const byId = (a: HoldView, b: HoldView) => a.id.localeCompare(b.id);
    expect([...join.myHolds].sort(byId)).toEqual([h1, viaHttp.body.hold].sort(byId));
    const joined = await joinedSeats(server.url, join);
    for (const s of [...h1.seatIds, ...viaHttp.body.hold.seatIds]) expect(joined[s]).toBe('held');
    expect(join.eventId).toBe(EVENT);
    expect(join.version).toBe((await availability()).version);

    // A different buyer sees the seats held but none of them as its own.
    const stranger = await buyer();
    const theirs = await request(stranger.socket, 'event:join', { eventId: EVENT });
    expect(theirs.ok && theirs.myHolds).toEqual([]);
    // And the arena join shows none of the theatre holds.
    const arena = await request(again.socket, 'event:join', { eventId: 'demo-arena' });
    expect(arena.ok && arena.myHolds).toEqual([]);
    // Leaving works and is acknowledged.
    expect(await request(again.socket, 'event:leave', { eventId: 'demo-arena' })).toEqual({ ok: true, eventId: 'demo-arena' });
  });

  it('releasing a hold makes its seats available to others (and tells viewers)', async () => {
    const a = await buyer();
    const b = await buyer();
    const viewerConn = await buyer();
    const viewer = new SeatMapViewer(viewerConn.socket, EVENT, server.url);
    await viewer.join();
    const seats = freshSeats(2);

    const h = await hold(a.socket, seats);
    const refused = expectError(await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: [seats[1]] }), 'seats_unavailable');
    expect(refused.seatIds).toEqual([seats[1]]);
    const httpRefused = await sendJson('POST', `${server.url}/api/events/${EVENT}/holds`, { seatIds: seats }, b.token);
    expect(httpRefused.status).toBe(409);
    expect(httpRefused.body.error.seatIds).toEqual(seats);

    const freed = viewer.nextUpdate((u) => u.changes.some((c) => c.seatId === seats[0] && c.status === 'available'));
    const released = await request(a.socket, 'hold:release', { holdId: h.id });
    expect(released).toEqual({ ok: true, holdId: h.id });
    const update = await freed;
    expect(update.changes).toEqual(expect.arrayContaining(seats.map((seatId) => ({ seatId, status: 'available' }))));

    // Releasing twice: the hold is gone.
    expectError(await request(a.socket, 'hold:release', { holdId: h.id }), 'not_found');
    const rows = await server.sql.get('SELECT status FROM holds WHERE id = ?', h.id);
    expect(rows).toEqual({ status: 'released' });

    const taken = await hold(b.socket, seats);
    expect(taken.seatIds).toEqual(seats);
    await viewer.waitForVersion(update.version + 1);
    expect(viewer.gaps).toBe(0);
    for (const s of seats) expect(viewer.seats[s]).toBe('held');
    expect(viewer.seats).toEqual((await availability()).seats);
  });
});
