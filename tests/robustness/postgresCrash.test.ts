// PostgreSQL itself crashes mid-load (`pg_ctl stop -m immediate`: no shutdown
// checkpoint, as after a kill -9 of the server), stays down for a while,
// and comes back. The app keeps running throughout: commands during the
// outage are answered storage_unavailable (never hang), the loops recover by
// themselves once the database is back, and afterwards every acknowledged
// hold and order is in the database exactly as acknowledged, and the storage
// audit (no seat sold twice, held seats = live holds, audit log replays to
// the current state) finds nothing wrong.
import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../db/postgres/postgresStore';
import { dollarParams } from '../../db/postgres/placeholders';
import { seedDemoIfEmpty } from '../../db/seed';
import type { ConfirmAck, HoldAck } from '../../lib/protocol';
import { startPostgres, type LocalPostgres } from '../../scripts/localServices';
import { seededRandom, startTestServer, stallsCentreSeats, connectBuyer, request, sleep, tempDir, type TestServer, type TestSocket } from '../server/helpers';
import type { SqlRunner } from '../support/sql';
import { auditSnapshotOf } from './audit';

const EVENT = 'demo-theatre';
const BUYERS = 12;
const BUYER = { name: 'Outage Tester', email: 'outage@example.com' };

let pg: LocalPostgres;
let server: TestServer;
let url: string;
const sockets: TestSocket[] = [];
const dir = tempDir('seatline-pg-crash-');

beforeAll(async () => {
  // Its own PostgreSQL: this test kills it. fsync and synchronous_commit on, as in production.
  pg = await startPostgres();
  url = await pg.createDatabase('crash');
  const store = await PostgresStore.open(url);
  // Seeded with the no-orphan rule off and a roomy per-buyer cap: the workload names single seats of
  // interleaved slices and buys many (the rule and the cap have their own tests).
  await seedDemoIfEmpty(store, Date.now(), 50, { preventOrphanSeats: false });
  await store.close();
  server = await startTestServer({ DATABASE_URL: url, RATE_LIMIT_SOCKET_PER_SEC: '0', RATE_LIMIT_IP_PER_SEC: '0', HOLD_TTL_MS: '600000' });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  await pg?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

interface Acked {
  holds: Map<string, { seatIds: string[]; expiresAt: number; released?: boolean; releaseUnknown?: boolean }>;
  orders: Map<string, { holdId: string; seatIds: string[]; totalCents: number }>;
  codes: Record<string, number>;
}

/**
 * One buyer holding, buying and releasing seats of its own slice (with a shared contended seat) until told
 * to stop. Releases put seats back in the slice, so commands that need a commit keep coming through the
 * whole outage (refusals the core answers from memory would not exercise the database).
 */
async function buyerLoop(socket: TestSocket, slice: string[], contended: string, acked: Acked, stop: { stopped: boolean }, rnd: () => number): Promise<void> {
  const free = [...slice];
  const unbought: { id: string; seatIds: string[] }[] = [];
  const count = (code: string) => (acked.codes[code] = (acked.codes[code] ?? 0) + 1);
  while (!stop.stopped) {
    if (unbought.length > 0 && (free.length === 0 || rnd() < 0.3)) {
      const hold = unbought[0];
      const released = await request(socket, 'hold:release', { holdId: hold.id }, 20_000).catch(() => null);
      count(released === null ? 'no-ack' : released.ok ? 'released' : released.error.code);
      if (released?.ok) {
        unbought.shift();
        acked.holds.get(hold.id)!.released = true;
        if (hold.seatIds[0] !== contended) free.push(...hold.seatIds);
      } else {
        // A commit cut off around COMMIT while the database cannot be read says so: it may have landed.
        if (released && !released.ok && /may or may not/.test(released.error.message)) acked.holds.get(hold.id)!.releaseUnknown = true;
        await sleep(20);
      }
      continue;
    }
    if (free.length === 0) {
      await sleep(20);
      continue;
    }
    const seats = rnd() < 0.2 ? [contended] : [free[0]];
    const held = await request(socket, 'hold:create', { eventId: EVENT, seatIds: seats }, 20_000).catch(() => null);
    count(held === null ? 'no-ack' : held.ok ? 'held' : held.error.code);
    if (!held?.ok) {
      await sleep(20);
      continue;
    }
    if (seats[0] !== contended) free.shift();
    acked.holds.set(held.hold.id, { seatIds: held.hold.seatIds, expiresAt: held.hold.expiresAt });
    if (rnd() >= 0.6) {
      unbought.push({ id: held.hold.id, seatIds: held.hold.seatIds });
      continue;
    }
    const key = `outage-${held.hold.id}`;
    // Retried through the outage with the same key: idempotent, so at most one order.
    let bought = false;
    for (let attempt = 0; attempt < 50 && !stop.stopped; attempt++) {
      const confirmed: ConfirmAck | null = await request(socket, 'hold:confirm', { holdId: held.hold.id, buyer: BUYER, idempotencyKey: key }, 20_000).catch(() => null);
      if (confirmed?.ok) {
        acked.orders.set(confirmed.order.id, { holdId: held.hold.id, seatIds: confirmed.order.tickets.map((t) => t.seatId).sort(), totalCents: confirmed.order.totalCents });
        bought = true;
        break;
      }
      if (confirmed && !['storage_unavailable', 'unavailable', 'busy'].includes(confirmed.error.code)) break;
      await sleep(100);
    }
    if (!bought) unbought.push({ id: held.hold.id, seatIds: held.hold.seatIds });
  }
}

describe('PostgreSQL crashes under load (pg_ctl stop -m immediate)', () => {
  it('nothing acknowledged is lost, nothing is sold twice, and the app recovers by itself', { timeout: 120_000 }, async () => {
    const seats = stallsCentreSeats();
    const contended = seats[0];
    const slices = Array.from({ length: BUYERS }, (_, i) => seats.filter((_, k) => k > 0 && k < seats.length - 1 && k % BUYERS === i));
    const acked: Acked = { holds: new Map(), orders: new Map(), codes: {} };
    const stop = { stopped: false };
    const rnd = seededRandom(7);
    for (let i = 0; i < BUYERS; i++) sockets.push((await connectBuyer(server.url)).socket);
    const load = sockets.map((s, i) => buyerLoop(s, slices[i], contended, acked, stop, seededRandom(100 + i)));

    await sleep(1500 + Math.floor(rnd() * 500)); // traffic, with commits in flight at the crash
    const heldBeforeCrash = acked.holds.size;
    await pg.stop('immediate');
    await sleep(2000); // down: commands are answered storage_unavailable meanwhile
    const duringOutage = { ...acked.codes };
    await pg.start();
    await sleep(3000); // back: the loops recover and traffic goes through again
    stop.stopped = true;
    await Promise.all(load);

    expect(heldBeforeCrash, 'holds before the crash').toBeGreaterThan(0);
    expect(duringOutage.storage_unavailable ?? 0, `answers during the outage ${JSON.stringify(duringOutage)}`).toBeGreaterThan(0);
    expect(acked.codes['no-ack'] ?? 0, 'every request was answered').toBe(0);
    expect(acked.holds.size, 'holds after the database came back').toBeGreaterThan(heldBeforeCrash);

    // The database, read directly: every acknowledged hold and order, exactly as acknowledged.
    const direct = postgres(url, { max: 1, onnotice: () => {}, types: { bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } } });
    try {
      const runner = (client: { unsafe(q: string, p: never[]): Promise<unknown> }): SqlRunner => {
        const all = async (q: string, ...p: unknown[]) => [...((await client.unsafe(dollarParams(q), p as never[])) as unknown[])] as never[];
        return { all, get: async (q, ...p) => (await all(q, ...p))[0], run: async (q, ...p) => void (await all(q, ...p)) };
      };
      const sql = runner(direct);
      for (const [id, hold] of acked.holds) {
        const row = await sql.get<{ seat_ids_json: string; expires_at: number; status: string }>('SELECT seat_ids_json, expires_at, status FROM holds WHERE id = ?', id);
        expect(row, `acked hold ${id}`).toBeDefined();
        expect(JSON.parse(row!.seat_ids_json)).toEqual(hold.seatIds);
        if (hold.released) expect(row!.status, `released hold ${id}`).toBe('released');
        else expect(hold.releaseUnknown ? ['active', 'confirmed', 'released'] : ['active', 'confirmed'], `hold ${id}`).toContain(row!.status);
      }
      for (const [id, order] of acked.orders) {
        const row = await sql.get<{ hold_id: string; total_cents: number }>('SELECT hold_id, total_cents FROM orders WHERE id = ?', id);
        expect(row, `acked order ${id}`).toEqual({ hold_id: order.holdId, total_cents: order.totalCents });
        const tickets = await sql.all<{ seat_id: string }>(`SELECT seat_id FROM tickets WHERE order_id = ? AND status = 'valid'`, id);
        expect(tickets.map((t) => t.seat_id).sort()).toEqual(order.seatIds);
      }
      const { violations, stats } = await auditSnapshotOf((read) => direct.begin('isolation level repeatable read read only', (tx) => read(runner(tx))) as never);
      expect(violations).toEqual([]);
      console.info(
        `pg crash: ${acked.holds.size} acked holds, ${acked.orders.size} acked orders, answers ${JSON.stringify(acked.codes)}; ` +
          `stored holds ${JSON.stringify(stats.holdsByStatus)}, orders ${stats.orders}`,
      );
    } finally {
      await direct.end({ timeout: 5 });
    }
    // The app serves again without a restart.
    const after = await request(sockets[0], 'hold:create', { eventId: EVENT, seatIds: [seats[seats.length - 1]] });
    expect((after as HoldAck).ok, JSON.stringify(after)).toBe(true);
  });
});
