// The on-sale load test (issue 12), bounded: 10,000 lightweight queue members
// (HTTP sessions and joins over loopback) join before opening, 50 of them
// also on real sockets watching queue:update; the room opens; the server is
// killed with SIGKILL mid-admission and restarted on the same database.
// Checked: admission order = the published shuffle, then arrival order;
// nobody admitted twice; nobody without an admission holds a seat; the rate
// holds within 5 % (from the server's own admission times, so a loaded
// machine does not skew it); every position survives the kill.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { shuffledOrder } from '../../server/waitingRoom/shuffle';
import { adminLogin, call, connectBuyerSocket, createEvent, type BuyerSocket } from '../server/adminHelpers';
import { startChildServer, tempDir, type ChildServer } from '../server/helpers';

const MEMBERS = 10_000;
const LATE = 200;
const WATCHERS = 50;
const RATE_PER_MINUTE = 12_000; // 200 a second
const PASSWORD = 'load-test-organizer-pw';

async function pool<T>(n: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

const buyerIdOf = (token: string) => token.slice(0, token.lastIndexOf('.'));

describe('waiting room under load (10,000 members, kill -9 mid-admission)', () => {
  const dir = tempDir('seatline-wr-load-');
  const env = { DATABASE_PATH: join(dir, 'load.db'), SEED_DEMO: '0', ADMIN_PASSWORD: PASSWORD, WAITING_ROOM_STEP_MS: '200', RATE_LIMIT_IP_PER_SEC: '0', RATE_LIMIT_SOCKET_PER_SEC: '0' };
  let server: ChildServer | undefined;
  const sockets: BuyerSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the order, the rate and every place through a kill -9', { timeout: 360_000 } /* generous: 10,000 members on a loaded 2-core box; the checks never depend on speed */, async () => {
    server = await startChildServer(env);
    const admin = await adminLogin(server.url, PASSWORD);
    const venue = {
      categories: [{ id: 'std', name: 'Standard', priceCents: 3000, color: '#2563eb' }],
      sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 20, seatsPerRow: 50, x: 0, y: 60, rowCategories: ['std'] }],
      stage: { x: 0, y: 0, width: 60, height: 20, label: 'STAGE' },
    };
    const { id } = await createEvent(server.url, admin, { venue });
    const put = (body: object) => call(server!.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { token: admin, body });
    await put({ enabled: true, admitPerMinute: RATE_PER_MINUTE, opensAt: Date.now() + 3_600_000 });

    // 10,000 members join the pre-queue (a session and a join each), 64 at a time.
    const url = server.url;
    const tokens = await pool(MEMBERS, 64, async () => {
      const token = (await call(url, 'POST', '/api/session')).body.token as string;
      const joined = await call(url, 'POST', `/api/events/${id}/queue`, { token, body: {} });
      if (joined.status !== 200 || joined.body.state !== 'waiting') throw new Error(`join failed: ${joined.text}`);
      return token;
    });
    const admittedCount = new Map<string, number>();
    for (const token of tokens.slice(0, WATCHERS)) {
      const { socket } = await connectBuyerSocket(url, token);
      sockets.push(socket);
      socket.on('queue:admitted', () => admittedCount.set(token, (admittedCount.get(token) ?? 0) + 1));
      await new Promise((resolve) => socket.emit('queue:join', { eventId: id }, resolve));
    }
    const sawUpdate = new Promise((resolve) => sockets[0].once('queue:update', resolve));

    // Open now; then 200 late arrivals queue in arrival order.
    await put({ enabled: true, admitPerMinute: RATE_PER_MINUTE, opensAt: null });
    await sawUpdate;
    const late: string[] = [];
    for (let i = 0; i < LATE; i++) {
      const token = (await call(url, 'POST', '/api/session')).body.token as string;
      await call(url, 'POST', `/api/events/${id}/queue`, { token, body: {} });
      late.push(token);
    }

    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const admittedSoFar = () => (db.prepare('SELECT COUNT(*) AS n FROM waiting_room_entries WHERE admitted_at IS NOT NULL').get() as { n: number }).n;
    const deadline = Date.now() + 60_000;
    while (admittedSoFar() < 2_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    // Nobody without an admission holds a seat; admitted members can.
    const waitingTokens = tokens.slice(-20);
    for (const token of waitingTokens) {
      const res = await call(url, 'POST', `/api/events/${id}/holds`, { token, body: { seatIds: ['S-A-1'] } });
      expect(res.body.error?.code).toBe('not_admitted');
    }

    // kill -9 mid-admission, then snapshot every place and admission as stored.
    await server.kill();
    const snapshot = () =>
      new Map((db.prepare('SELECT buyer_id, number, admitted_at FROM waiting_room_entries').all() as { buyer_id: string; number: number; admitted_at: number | null }[]).map((r) => [r.buyer_id, r]));
    const beforeRestart = snapshot();
    expect(beforeRestart.size).toBe(MEMBERS + LATE);
    const room = db.prepare('SELECT * FROM waiting_rooms WHERE event_id = ?').get(id) as { shuffle_seed: string; opened_at: number; pre_queue_count: number };
    expect(room.pre_queue_count).toBe(MEMBERS);

    // The rate, from the server's own admission times before the kill.
    const times = (db.prepare('SELECT admitted_at FROM waiting_room_entries WHERE admitted_at IS NOT NULL ORDER BY admitted_at').all() as { admitted_at: number }[]).map((r) => r.admitted_at);
    const lastStep = times[times.length - 1];
    const perMinute = (times.length / (lastStep - room.opened_at)) * 60_000;
    expect(Math.abs(perMinute - RATE_PER_MINUTE) / RATE_PER_MINUTE).toBeLessThanOrEqual(0.05);

    server = await startChildServer(env);
    const restartedAt = Date.now();
    while (admittedSoFar() < beforeRestart.size / 2 && Date.now() - restartedAt < 60_000) await new Promise((r) => setTimeout(r, 100));
    const afterRestart = snapshot();
    for (const [buyerId, before] of beforeRestart) {
      const after = afterRestart.get(buyerId)!;
      expect(after.number).toBe(before.number);
      if (before.admitted_at !== null) expect(after.admitted_at).toBe(before.admitted_at);
    }

    // Admission order = the published shuffle of the pre-queue, then arrival order.
    const stateOfFirst = await call(server.url, 'GET', `/api/events/${id}/queue`, { token: tokens[0] });
    expect(stateOfFirst.body.room.seed).toBe(room.shuffle_seed);
    const expected = [...shuffledOrder(room.shuffle_seed, tokens.map(buyerIdOf)), ...late.map(buyerIdOf)];
    const order = (db.prepare('SELECT buyer_id FROM waiting_room_entries WHERE admitted_at IS NOT NULL ORDER BY admitted_at, number').all() as { buyer_id: string }[]).map((r) => r.buyer_id);
    expect(order.length).toBeGreaterThan(2_000);
    expect(order).toEqual(expected.slice(0, order.length));
    expect(new Set(order).size).toBe(order.length);
    for (const n of admittedCount.values()) expect(n).toBe(1);

    // Every hold belongs to an admitted buyer: an admitted member holds with the admission it is given.
    const admittedToken = tokens.find((t) => afterRestart.get(buyerIdOf(t))!.admitted_at !== null)!;
    const mine = await call(server.url, 'GET', `/api/events/${id}/queue`, { token: admittedToken });
    const held = await call(server.url, 'POST', `/api/events/${id}/holds`, { token: admittedToken, body: { seatIds: ['S-A-1'], admission: mine.body.admission } });
    expect(held.status).toBe(201);
    const holders = (db.prepare('SELECT DISTINCT buyer_id FROM holds').all() as { buyer_id: string }[]).map((r) => r.buyer_id);
    const admitted = new Set(order);
    for (const holder of holders) expect(admitted.has(holder)).toBe(true);
    db.close();
  });
});
