// kill -9 durability: a server in its own process is SIGKILLed right after
// the last ack; a new process on the same database must show every acked
// hold and order, and must release holds that expired while it was down.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfirmAck, HoldAck, HoldView, OrderView } from '../../lib/protocol';
import {
  closeSockets,
  connectBuyer,
  getJson,
  request,
  sendJson,
  sleep,
  stallsCentreSeats,
  startChildServer,
  startTestServer,
  tempDir,
  waitForEvent,
  type ChildServer,
  type TestSocket,
} from './helpers';
import { defaultStore } from '../support/stores';
import { testDatabase, type TestDatabase } from '../support/testDatabase';

const EVENT = 'demo-theatre';
/** Random seat picks: the no-orphan rule (tested elsewhere) would refuse some. */
const NO_ORPHAN_RULE = { preventOrphanSeats: false };
const BUYER_DETAILS = { name: 'Crash Tester', email: 'crash@example.com' };

let children: ChildServer[] = [];
let sockets: TestSocket[] = [];
let dirs: string[] = [];
let databases: TestDatabase[] = [];

afterEach(async () => {
  closeSockets(sockets);
  sockets = [];
  await Promise.all(children.map((c) => c.kill()));
  children = [];
  for (const db of databases) await db.close();
  databases = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** The demo database on this run's store (SQLite file in a temp dir, or a PostgreSQL database). */
async function seededDatabase(name: string): Promise<TestDatabase> {
  const dir = tempDir('seatline-crash-');
  dirs.push(dir);
  const db = await testDatabase(defaultStore(), { seeded: true, dir, name, ...NO_ORPHAN_RULE });
  databases.push(db);
  return db;
}

async function child(env: Record<string, string>): Promise<ChildServer> {
  const c = await startChildServer(env);
  children.push(c);
  return c;
}

async function buyer(url: string, token?: string): Promise<{ socket: TestSocket; token: string }> {
  const b = await connectBuyer(url, token);
  sockets.push(b.socket);
  return b;
}

async function kill9(c: ChildServer): Promise<void> {
  process.kill(c.pid, 'SIGKILL');
  const { signal } = await c.exited;
  expect(signal).toBe('SIGKILL');
}

type Availability = { version: number; seats: Record<string, string> };

// Child processes start in ~1.5–3 s each (tsx + seeding); allow for a loaded 2-core CI box.
describe('kill -9', { timeout: 90_000 }, () => {
  it('every acked hold and order survives a SIGKILL right after the last ack', async () => {
    const database = await seededDatabase('crash.db');
    // No rate limits: the background noise below must not throttle itself or the recorded requests.
    const env = {
      ...database.env,
      SQLITE_SYNCHRONOUS: 'FULL',
      HOLD_TTL_MS: '600000',
      RATE_LIMIT_SOCKET_PER_SEC: '0',
      RATE_LIMIT_IP_PER_SEC: '0',
    };
    const first = await child(env);

    const seats = stallsCentreSeats();
    const buyers = await Promise.all(Array.from({ length: 20 }, () => buyer(first.url)));

    // Phase 1: 20 holds at once, half over Socket.IO, half over HTTP.
    const firstSeats = buyers.map((_, i) => [seats[2 * i], seats[2 * i + 1]]);
    const phase1: HoldAck[] = await Promise.all(
      buyers.map((b, i) =>
        i % 2 === 0
          ? request(b.socket, 'hold:create', { eventId: EVENT, seatIds: firstSeats[i] })
          : sendJson<HoldAck>('POST', `${first.url}/api/events/${EVENT}/holds`, { seatIds: firstSeats[i] }, b.token).then((r) => r.body),
      ),
    );
    const firstHolds: HoldView[] = phase1.map((ack, i) => {
      if (!ack.ok) throw new Error(`buyer ${i} hold failed: ${JSON.stringify(ack.error)}`);
      return ack.hold;
    });

    // Background noise: other buyers hold and release in a loop, so writes are in flight at the kill.
    let stopNoise = false;
    const noiseBuyers = await Promise.all(Array.from({ length: 3 }, () => buyer(first.url)));
    const noise = noiseBuyers.map(async (b, n) => {
      const mySeats = [seats[200 + 2 * n], seats[201 + 2 * n]];
      // An ack that will never come (the server died) ends the loop as soon as the socket notices.
      const gone = new Promise<null>((resolve) => b.socket.once('disconnect', () => resolve(null)));
      while (!stopNoise) {
        const h = await Promise.race([request(b.socket, 'hold:create', { eventId: EVENT, seatIds: mySeats }, 5_000), gone]).catch(() => null);
        if (stopNoise || !h?.ok) break;
        await Promise.race([request(b.socket, 'hold:release', { holdId: h.hold.id }, 5_000), gone]).catch(() => null);
      }
    });

    // Phase 2, all at once: buyers 0-9 confirm (0-4 over HTTP, 5-9 over Socket.IO), buyers 10-19 take a second hold.
    const keys = buyers.map((_, i) => `crash-key-${i}-${Math.random().toString(36).slice(2)}`);
    const secondSeats = buyers.map((_, i) => [seats[100 + i]]);
    const phase2 = await Promise.all(
      buyers.map((b, i): Promise<ConfirmAck | HoldAck> => {
        if (i >= 10) return request(b.socket, 'hold:create', { eventId: EVENT, seatIds: secondSeats[i] });
        if (i < 5) {
          return sendJson<ConfirmAck>('POST', `${first.url}/api/holds/${firstHolds[i].id}/confirm`, { buyer: { ...BUYER_DETAILS, email: `crash-${i}@example.com` } }, b.token, {
            'idempotency-key': keys[i],
          }).then((r) => r.body);
        }
        return request(b.socket, 'hold:confirm', { holdId: firstHolds[i].id, buyer: { ...BUYER_DETAILS, email: `crash-${i}@example.com` }, idempotencyKey: keys[i] });
      }),
    );
    // The moment the last ack is in: kill -9.
    process.kill(first.pid, 'SIGKILL');
    stopNoise = true;
    await kill9AlreadySent(first);
    await Promise.allSettled(noise);

    const orders = new Map<number, OrderView>();
    const liveHolds = new Map<number, HoldView[]>();
    phase2.forEach((ack, i) => {
      if (!ack.ok) throw new Error(`buyer ${i} phase 2 failed: ${JSON.stringify(ack.error)}`);
      if ('order' in ack) {
        expect(ack.replayed).toBe(false);
        expect(ack.order.holdId).toBe(firstHolds[i].id);
        orders.set(i, ack.order);
      } else {
        liveHolds.set(i, [firstHolds[i], ack.hold]);
      }
    });
    expect(orders.size).toBe(10);
    expect(liveHolds.size).toBe(10);

    // A new process on the same file.
    const second = await child(env);
    const { body: avail } = await getJson<Availability>(`${second.url}/api/events/${EVENT}/availability`);

    for (const [i, holds] of liveHolds) {
      const mine = await getJson<{ ok: boolean; holds: HoldView[] }>(`${second.url}/api/events/${EVENT}/holds/mine`, buyers[i].token);
      expect(mine.status).toBe(200);
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(mine.body.holds.map((h) => ({ id: h.id, seatIds: h.seatIds, expiresAt: h.expiresAt })).sort(byId)).toEqual(
        holds.map((h) => ({ id: h.id, seatIds: h.seatIds, expiresAt: h.expiresAt })).sort(byId),
      );
      for (const h of holds) for (const s of h.seatIds) expect(avail.seats[s], `seat ${s} of acked hold ${h.id}`).toBe('held');
    }
    for (const [i, order] of orders) {
      const got = await getJson<{ ok: boolean; order: OrderView }>(`${second.url}/api/orders/${order.id}`, buyers[i].token);
      expect(got.status).toBe(200);
      expect(got.body.order.id).toBe(order.id);
      expect(got.body.order.holdId).toBe(order.holdId);
      expect(got.body.order.totalCents).toBe(order.totalCents);
      const ticketKey = (t: { id: string; seatId: string; code: string }) => `${t.seatId}|${t.id}|${t.code}`;
      expect(got.body.order.tickets.map(ticketKey).sort()).toEqual(order.tickets.map(ticketKey).sort());
      expect(order.tickets.map((t) => t.seatId).sort()).toEqual([...firstHolds[i].seatIds].sort());
      for (const t of order.tickets) expect(avail.seats[t.seatId], `seat ${t.seatId} of acked order ${order.id}`).toBe('sold');
      // A confirmed hold is no longer one of the buyer's holds.
      const mine = await getJson<{ holds: HoldView[] }>(`${second.url}/api/events/${EVENT}/holds/mine`, buyers[i].token);
      expect(mine.body.holds).toEqual([]);
    }

    // Idempotency survives the crash: retrying a confirm replays the same order.
    const retry = await sendJson<ConfirmAck>('POST', `${second.url}/api/holds/${firstHolds[0].id}/confirm`, { buyer: BUYER_DETAILS }, buyers[0].token, {
      'idempotency-key': keys[0],
    });
    expect(retry.status).toBe(200);
    expect(retry.body.ok && retry.body.replayed && retry.body.order.id).toBe(orders.get(0)!.id);

    // Storage is consistent: one valid ticket per seat, held seats = seats of active holds, nothing both held and sold.
    const sql = database.sql;
    expect(await sql.all(`SELECT event_id, seat_id, COUNT(*) AS n FROM tickets WHERE status = 'valid' GROUP BY event_id, seat_id HAVING COUNT(*) > 1`)).toEqual([]);
    const orderIds = (await sql.all<{ id: string }>(`SELECT id FROM orders WHERE event_id = ?`, EVENT)).map((r) => r.id).sort();
    expect(orderIds).toEqual([...orders.values()].map((o) => o.id).sort());
    const active = await sql.all<{ id: string; seat_ids_json: string }>(`SELECT id, seat_ids_json FROM holds WHERE event_id = ? AND status = 'active'`, EVENT);
    const activeSeats = active.flatMap((h) => JSON.parse(h.seat_ids_json) as string[]).sort();
    const heldRows = (await sql.all<{ seat_id: string }>(`SELECT seat_id FROM held_seats WHERE event_id = ?`, EVENT)).map((r) => r.seat_id).sort();
    expect(heldRows).toEqual(activeSeats);
    expect(await sql.all(`SELECT h.seat_id FROM held_seats h JOIN tickets t ON t.event_id = h.event_id AND t.seat_id = h.seat_id AND t.status = 'valid'`)).toEqual([]);
    // ...and the restarted server's map is exactly what storage says.
    const heldInMap = Object.entries(avail.seats)
      .filter(([, s]) => s === 'held')
      .map(([id]) => id)
      .sort();
    expect(heldInMap).toEqual(activeSeats);
    const soldInMap = Object.entries(avail.seats).filter(([, s]) => s === 'sold').length;
    expect(soldInMap).toBe(20);
    // The version kept counting from where it was: never behind what storage holds.
    const { version } = (await sql.get<{ version: number }>('SELECT version FROM events WHERE id = ?', EVENT))!;
    expect(avail.version).toBe(version);
  });

  it('holds that expire while the server is down are released on restart', async () => {
    const database = await seededDatabase('expire.db');
    const ttl = 1500;
    const env = { ...database.env, SQLITE_SYNCHRONOUS: 'FULL', HOLD_TTL_MS: String(ttl) };
    const first = await child(env);
    const b = await buyer(first.url);
    const seats = ['SC-D-7', 'SC-D-8', 'SC-D-9'];
    const ack = await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: seats });
    if (!ack.ok) throw new Error(`hold failed: ${JSON.stringify(ack.error)}`);
    await kill9(first);
    b.socket.close();

    // Storage still says active: nobody was there to expire it.
    expect(await database.sql.get('SELECT status FROM holds WHERE id = ?', ack.hold.id)).toEqual({ status: 'active' });

    // Stay down until well past the deadline (1.8 s after a 1.5 s hold).
    await sleep(Math.max(0, ack.hold.expiresAt + 300 - Date.now()));
    expect(Date.now()).toBeGreaterThan(ack.hold.expiresAt);

    const second = await child(env);
    const { body: avail } = await getJson<Availability>(`${second.url}/api/events/${EVENT}/availability`);
    for (const s of seats) expect(avail.seats[s], s).toBe('available');
    const mine = await getJson<{ holds: HoldView[] }>(`${second.url}/api/events/${EVENT}/holds/mine`, b.token);
    expect(mine.body.holds).toEqual([]);

    // The owner, reconnecting, is told it expired.
    const again = await buyer(second.url, b.token);
    const confirm = await request(again.socket, 'hold:confirm', {
      holdId: ack.hold.id,
      buyer: BUYER_DETAILS,
      idempotencyKey: 'after-restart-1',
    });
    expect(!confirm.ok && confirm.error.code).toBe('hold_expired');

    const row = (await database.sql.get<{ status: string; ended_at: number }>('SELECT status, ended_at FROM holds WHERE id = ?', ack.hold.id))!;
    expect(row.status).toBe('expired');
    expect(row.ended_at).toBeGreaterThanOrEqual(ack.hold.expiresAt);
    expect(await database.sql.get('SELECT COUNT(*) AS n FROM held_seats WHERE hold_id = ?', ack.hold.id)).toEqual({ n: 0 });
    const audit = await database.sql.all<{ seat_id: string; buyer_id: string }>(`SELECT seat_id, buyer_id FROM audit_log WHERE hold_id = ? AND action = 'expired'`, ack.hold.id);
    expect(audit.map((a) => a.seat_id).sort()).toEqual([...seats].sort());
    expect(new Set(audit.map((a) => a.buyer_id)).size).toBe(1);

    // The seats can be held again by someone else.
    const other = await buyer(second.url);
    const retake = await request(other.socket, 'hold:create', { eventId: EVENT, seatIds: seats });
    expect(retake.ok).toBe(true);
  });
});

describe('restart', { timeout: 60_000 }, () => {
  it('a hold that expired before a restart still answers hold_expired (not not_found) after it', async () => {
    const database = await seededDatabase('restart.db');
    const env = { ...database.env, HOLD_TTL_MS: '600' };
    let server = await startTestServer(env);
    let b = await buyer(server.url);
    try {
      const expired = waitForEvent(b.socket, 'hold:expired', () => true, 10_000);
      const h = await request(b.socket, 'hold:create', { eventId: EVENT, seatIds: ['SC-E-1'] });
      if (!h.ok) throw new Error(JSON.stringify(h));
      await expired;
      const before = await request(b.socket, 'hold:confirm', { holdId: h.hold.id, buyer: BUYER_DETAILS, idempotencyKey: 'restart-key-1' });
      expect(!before.ok && before.error.code).toBe('hold_expired');
      b.socket.close();
      await server.stop();

      server = await startTestServer(env);
      b = await buyer(server.url, b.token);
      // Storage knows the hold expired (holds.status = 'expired'), so the answer must not change across a restart.
      const after = await request(b.socket, 'hold:confirm', { holdId: h.hold.id, buyer: BUYER_DETAILS, idempotencyKey: 'restart-key-2' });
      expect(after).toEqual(before);
      const extend = await request(b.socket, 'hold:extend', { holdId: h.hold.id });
      expect(!extend.ok && extend.error.code).toBe('hold_expired');
    } finally {
      b.socket.close();
      await server.stop();
    }
  });
});

/** The SIGKILL was already sent synchronously after the last ack; just confirm it is what ended the process. */
async function kill9AlreadySent(c: ChildServer): Promise<void> {
  const { signal } = await c.exited;
  expect(signal).toBe('SIGKILL');
}
