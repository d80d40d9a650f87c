// The waiting room on a real server (API + Socket.IO), on both stores: the
// buyer protocol over HTTP and sockets, holds refused without an admission
// (and forged, expired, other-event, other-buyer and after-checkout ones),
// the organizer's settings, and a bot with 200 sessions from one address
// held to the limits while a buyer from another address buys normally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueAck, QueueStatus } from '../../lib/waitingRoom';
import { adminLogin, call, connectBuyerSocket, createEvent, newSession, startAdminServer, type AdminTestServer } from '../server/adminHelpers';
import { request, waitForEvent } from '../server/helpers';
import { freshPostgresDatabase, storeKinds } from '../support/stores';

const bigVenue = () => ({
  categories: [{ id: 'std', name: 'Standard', priceCents: 3000, color: '#2563eb' }],
  sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 10, seatsPerRow: 20, x: 0, y: 60, rowCategories: ['std'] }],
  stage: { x: 0, y: 0, width: 60, height: 20, label: 'STAGE' },
});
const seat = (row: number, n: number) => `S-${'ABCDEFGHIJ'[row]}-${n}`;

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(storeKinds())('waiting room server on %s', (kind) => {
  let server: AdminTestServer;
  let admin: string;
  let dropDatabase: (() => Promise<void>) | undefined;
  let offsetMs = 0;

  beforeAll(async () => {
    // The clock jumps ahead and back (an expired window): no per-address buckets on this server.
    const env: Record<string, string> = { WAITING_ROOM_STEP_MS: '100', TRUST_PROXY: 'loopback', RATE_LIMIT_IP_PER_SEC: '0' };
    if (kind === 'postgres') {
      const db = await freshPostgresDatabase('migrated');
      env.DATABASE_URL = db.url;
      dropDatabase = db.drop;
    }
    server = await startAdminServer({ env, clock: () => Date.now() + offsetMs });
    admin = await adminLogin(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });

  const putRoom = (eventId: string, body: Record<string, unknown>) => call(server.url, 'PUT', `/api/admin/events/${eventId}/waiting-room`, { token: admin, body });
  const hold = (eventId: string, token: string, seatIds: string[], admission?: string, address?: string) =>
    call(server.url, 'POST', `/api/events/${eventId}/holds`, { token, body: { seatIds, ...(admission ? { admission } : {}) }, headers: address ? { 'x-forwarded-for': address } : {} });
  const queueOf = async (eventId: string, token: string): Promise<QueueStatus> => {
    const res = await call<QueueAck>(server.url, 'GET', `/api/events/${eventId}/queue`, { token });
    if (!res.body.ok) throw new Error(res.text);
    return res.body;
  };

  it('join → waiting with a place; admitted live over the socket; the admission lets the buyer hold; without it: not_admitted (403), nothing changes', async () => {
    const { id } = await createEvent(server.url, admin, { venue: bigVenue() });
    const put = await putRoom(id, { enabled: true, admitPerMinute: 60, opensAt: Date.now() + 60_000 });
    expect(put.status).toBe(200);
    expect(put.body.room).toMatchObject({ enabled: true, admitPerMinute: 60, phase: 'pre_queue', seed: null, shoppingWindowMs: 15 * 60_000 });
    expect(put.body.room.seedCommitment).toMatch(/^[0-9a-f]{64}$/);

    const alice = await connectBuyerSocket(server.url);
    const joined = (await request(alice.socket, 'queue:join', { eventId: id })) as QueueAck;
    expect(joined).toMatchObject({ ok: true, state: 'waiting', roomEnabled: true });
    expect((joined as QueueStatus).number).toBeUndefined(); // the pre-queue has no places before the shuffle
    // Another tab of the same buyer shares the entry.
    const tab = await connectBuyerSocket(server.url, alice.token);
    expect(await request(tab.socket, 'queue:join', { eventId: id })).toMatchObject({ ok: true, state: 'waiting' });

    const refused = await hold(id, alice.token, [seat(0, 1)]);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('not_admitted');
    const socketRefused = await request(alice.socket, 'hold:create', { eventId: id, seatIds: [seat(0, 1)] });
    expect(socketRefused).toMatchObject({ ok: false, error: { code: 'not_admitted' } });

    const admittedNotice = waitForEvent(alice.socket, 'queue:admitted', (n) => n.eventId === id, 15_000);
    const opened = waitForEvent(alice.socket, 'queue:update', (u) => u.eventId === id && u.phase === 'open' && u.seed !== null, 15_000);
    await putRoom(id, { enabled: true, admitPerMinute: 60, opensAt: null }); // open now
    const update = await opened;
    expect(update.seedCommitment).toBe(put.body.room.seedCommitment);
    const notice = await admittedNotice;
    expect(notice.admittedUntil).toBeGreaterThan(Date.now());
    const state = await queueOf(id, alice.token);
    expect(state).toMatchObject({ state: 'admitted', number: 1, admittedUntil: notice.admittedUntil });
    const held = await hold(id, alice.token, [seat(0, 1)], notice.admission);
    expect(held.status).toBe(201);
    // The other tab's admission (same buyer) works too.
    expect((await request(tab.socket, 'hold:create', { eventId: id, seatIds: [seat(0, 2)], admission: state.admission })).ok).toBe(true);
    alice.socket.close();
    tab.socket.close();
  });

  it('forged, expired, other-event, other-buyer and after-checkout admissions are refused and change nothing', async () => {
    const first = await createEvent(server.url, admin, { venue: bigVenue() });
    const second = await createEvent(server.url, admin, { venue: bigVenue() });
    for (const e of [first.id, second.id]) await putRoom(e, { enabled: true, admitPerMinute: 600, shoppingWindowMs: 10_000 });
    const bob = await newSession(server.url);
    const carol = await newSession(server.url);
    for (const who of [bob, carol]) for (const e of [first.id, second.id]) await call(server.url, 'POST', `/api/events/${e}/queue`, { token: who.token, body: {} });
    const bobFirst = await until(async () => {
      const s = await queueOf(first.id, bob.token);
      return s.state === 'admitted' && s;
    }, 'bob admitted');
    const bobSecond = await until(async () => {
      const s = await queueOf(second.id, bob.token);
      return s.state === 'admitted' && s;
    }, 'bob admitted to the second event');
    const carolFirst = await until(async () => {
      const s = await queueOf(first.id, carol.token);
      return s.state === 'admitted' && s;
    }, 'carol admitted');

    const forged = bobFirst.admission!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const tampered = bobFirst.admission!.replace(/\.(\d+)\./, (_m, until: string) => `.${Number(until) + 1}.`);
    for (const admission of [forged, tampered, 'a1.x.y.1.2.sig', bobSecond.admission!, carolFirst.admission!]) {
      const res = await hold(first.id, bob.token, [seat(1, 1)], admission);
      expect(res.status, admission).toBe(403);
      expect(res.body.error.code).toBe('not_admitted');
    }
    const statuses = await call(server.url, 'GET', `/api/events/${first.id}/availability`);
    expect(statuses.body.seats[seat(1, 1)]).toBe('available');

    // Checkout ends the window early: the same admission no longer holds.
    const h = await hold(first.id, bob.token, [seat(1, 1), seat(1, 2)], bobFirst.admission); // a pair: no orphan at the row's end
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    const bought = await call(server.url, 'POST', `/api/holds/${h.body.hold.id}/confirm`, {
      token: bob.token,
      body: { buyer: { name: 'Bob', email: 'bob@example.com' } },
      headers: { 'idempotency-key': 'bob-order-0001' },
    });
    expect(bought.status).toBe(201);
    expect((await hold(first.id, bob.token, [seat(1, 3)], bobFirst.admission)).body.error.code).toBe('not_admitted');
    // The owner ends the window in the store right after the commit (asynchronously).
    await until(async () => (await queueOf(first.id, bob.token)).windowEnded === true, 'the window ended by checkout');

    // Expired: the window (10 s) has passed on the server's clock.
    offsetMs += 11_000;
    try {
      const late = await hold(first.id, carol.token, [seat(1, 4)], carolFirst.admission);
      expect(late.body.error.code).toBe('not_admitted');
      expect(late.body.error.message).toMatch(/ended/);
    } finally {
      offsetMs -= 11_000;
    }
  });

  it('the organizer API: validation, auth, pause and resume; switching the room off lets everyone shop', async () => {
    const { id } = await createEvent(server.url, admin, { venue: bigVenue() });
    const buyer = await newSession(server.url);
    expect((await call(server.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { token: buyer.token, body: { enabled: true, admitPerMinute: 5 } })).status).toBe(403);
    expect((await call(server.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { body: { enabled: true, admitPerMinute: 5 } })).status).toBe(401);
    for (const bad of [{ enabled: true }, { enabled: true, admitPerMinute: 0 }, { enabled: true, admitPerMinute: 5, shoppingWindowMs: 5 }, { enabled: true, admitPerMinute: 5, extra: 1 }]) {
      expect((await putRoom(id, bad)).status).toBe(400);
    }
    expect((await call(server.url, 'GET', `/api/admin/events/${id}/waiting-room`, { token: admin })).body.room).toBeNull();
    expect((await putRoom('no-such-event', { enabled: true, admitPerMinute: 5 })).status).toBe(404);
    // An opening time in the past means now (whoever joined before it keeps their shuffled place); an unchanged one is kept.
    const inFuture = Date.now() + 3_600_000;
    expect((await putRoom(id, { enabled: true, admitPerMinute: 5, opensAt: inFuture })).body.room.opensAt).toBe(inFuture);
    expect((await putRoom(id, { enabled: true, admitPerMinute: 6, opensAt: inFuture })).body.room.opensAt).toBe(inFuture);
    const before = Date.now();
    const past = (await putRoom(id, { enabled: true, admitPerMinute: 5, opensAt: before - 600_000 })).body.room;
    expect(past.opensAt).toBeGreaterThanOrEqual(before);
    await putRoom(id, { enabled: true, admitPerMinute: 600, paused: true });
    await call(server.url, 'POST', `/api/events/${id}/queue`, { token: buyer.token, body: {} });
    await new Promise((r) => setTimeout(r, 500));
    expect((await queueOf(id, buyer.token)).state).toBe('waiting');
    const resumed = await call(server.url, 'POST', `/api/admin/events/${id}/waiting-room/pause`, { token: admin, body: { paused: false } });
    expect(resumed.body.room.paused).toBe(false);
    await until(async () => (await queueOf(id, buyer.token)).state === 'admitted', 'admitted after resume');
    const view = (await call(server.url, 'GET', `/api/admin/events/${id}/waiting-room`, { token: admin })).body.room;
    expect(view).toMatchObject({ admittedTotal: 1, phase: 'open' });
    expect(view.perMinute.reduce((n: number, p: { admitted: number }) => n + p.admitted, 0)).toBe(1);
    await putRoom(id, { enabled: false, admitPerMinute: 600 });
    const other = await newSession(server.url);
    expect(await queueOf(id, other.token)).toMatchObject({ state: 'admitted', roomEnabled: false });
    expect((await hold(id, other.token, [seat(2, 1)])).status).toBe(201);
  });

  it('a bot with 200 sessions from one address gets no more than the limits allow, while a buyer elsewhere buys normally', async () => {
    const db = kind === 'postgres' ? await freshPostgresDatabase('migrated') : null;
    const limited = await startAdminServer({
      env: {
        WAITING_ROOM_STEP_MS: '100',
        TRUST_PROXY: 'loopback',
        LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: '60',
        LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: '30',
        LIMIT_HELD_SEATS_PER_ADDRESS: '40',
        ...(db ? { DATABASE_URL: db.url } : {}),
      },
    });
    try {
      const organizer = await adminLogin(limited.url);
      const { id } = await createEvent(limited.url, organizer, { venue: bigVenue() });
      const BOT = '203.0.113.7';
      const sessions = await Promise.all(
        Array.from({ length: 200 }, () => call(limited.url, 'POST', '/api/session', { headers: { 'x-forwarded-for': BOT } })),
      );
      const botTokens = sessions.filter((s) => s.status === 201).map((s) => s.body.token as string);
      expect(botTokens.length).toBe(60);
      const refusedSession = sessions.find((s) => s.status === 429)!;
      expect(refusedSession.body.error.code).toBe('rate_limited');
      expect(Number(refusedSession.headers.get('retry-after'))).toBeGreaterThan(0);

      // Room off: every bot session grabs 8 seats; the address stops at 40 held.
      const normal = (await call(limited.url, 'POST', '/api/session', { headers: { 'x-forwarded-for': '198.51.100.9' } })).body.token as string;
      const grabs = await Promise.all(
        botTokens.map((token, i) =>
          call(limited.url, 'POST', `/api/events/${id}/holds`, {
            token,
            headers: { 'x-forwarded-for': BOT },
            body: { seatIds: Array.from({ length: 8 }, (_, k) => seat(Math.floor((i * 8 + k) / 20) % 9, ((i * 8 + k) % 20) + 1)) },
          }),
        ),
      );
      const botSeats = grabs.filter((g) => g.status === 201).reduce((n, g) => n + g.body.hold.seatIds.length, 0);
      expect(botSeats).toBeLessThanOrEqual(40);
      const over = grabs.find((g) => g.status === 429)!;
      expect(over.body.error.code).toBe('rate_limited');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // Best available counts too: letting the loop pick does not get round the address's limit.
      const empty = botTokens.filter((_, i) => grabs[i].status !== 201).slice(0, 10);
      const bestGrabs = await Promise.all(
        empty.map((token) => call(limited.url, 'POST', `/api/events/${id}/holds`, { token, headers: { 'x-forwarded-for': BOT }, body: { best: { quantity: 4 } } })),
      );
      const bestSeats = bestGrabs.filter((g) => g.status === 201).reduce((n, g) => n + g.body.hold.seatIds.length, 0);
      expect(botSeats + bestSeats, 'seats held from the bot address').toBeLessThanOrEqual(40);
      expect(bestGrabs.filter((g) => g.status === 429).length).toBeGreaterThan(0);
      const mine = await call(limited.url, 'POST', `/api/events/${id}/holds`, { token: normal, headers: { 'x-forwarded-for': '198.51.100.9' }, body: { seatIds: [seat(9, 1), seat(9, 2)] } });
      expect(mine.status).toBe(201);
      const order = await call(limited.url, 'POST', `/api/holds/${mine.body.hold.id}/confirm`, {
        token: normal,
        body: { buyer: { name: 'Norma', email: 'norma@example.com' } },
        headers: { 'idempotency-key': 'norma-order-1' },
      });
      expect(order.status).toBe(201);

      // Room on: the bot's address gets at most 30 places in the queue.
      await call(limited.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { token: organizer, body: { enabled: true, admitPerMinute: 1, paused: true } });
      const joins = await Promise.all(botTokens.map((token) => call(limited.url, 'POST', `/api/events/${id}/queue`, { token, headers: { 'x-forwarded-for': BOT }, body: {} })));
      expect(joins.filter((j) => j.status === 200).length).toBe(30);
      expect(joins.filter((j) => j.status === 429).length).toBe(30);
      const normalJoin = await call(limited.url, 'POST', `/api/events/${id}/queue`, { token: normal, headers: { 'x-forwarded-for': '198.51.100.9' }, body: {} });
      expect(normalJoin.status).toBe(200);
    } finally {
      await limited.stop();
      await db?.drop();
    }
  });

  it('proof of work (ALTCHA) when the organizer asks for it: no solution, a wrong one, or one for another session is refused', async () => {
    const { solveChallenge } = await import('altcha-lib/v1');
    const { id } = await createEvent(server.url, admin, { venue: bigVenue() });
    await putRoom(id, { enabled: true, admitPerMinute: 5, powRequired: true });
    const dave = await newSession(server.url);
    const eve = await newSession(server.url);
    const missing = await call(server.url, 'POST', `/api/events/${id}/queue`, { token: dave.token, body: {} });
    expect([missing.status, missing.body.error.code]).toEqual([403, 'challenge_required']);
    const challenge = (await call(server.url, 'GET', `/api/events/${id}/queue/challenge`, { token: dave.token })).body.challenge;
    const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
    const payload = Buffer.from(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution!.number, salt: challenge.salt, signature: challenge.signature })).toString('base64');
    const wrong = Buffer.from(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution!.number + 1, salt: challenge.salt, signature: challenge.signature })).toString('base64');
    expect((await call(server.url, 'POST', `/api/events/${id}/queue`, { token: dave.token, body: { pow: wrong } })).body.error.code).toBe('challenge_required');
    expect((await call(server.url, 'POST', `/api/events/${id}/queue`, { token: eve.token, body: { pow: payload } })).body.error.code).toBe('challenge_required');
    const ok = await call(server.url, 'POST', `/api/events/${id}/queue`, { token: dave.token, body: { pow: payload } });
    expect(ok.status).toBe(200);
    expect(ok.body.state).toMatch(/waiting|admitted/);
  });
});
