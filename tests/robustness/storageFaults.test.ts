// Storage faults: a full disk and a locked database file give callers a clear
// `storage_unavailable` (HTTP 503 + Retry-After, or the socket ack's code),
// change nothing, leave reads working — and the loop recovers by itself once
// the fault clears, including the hold expiries that fell due meanwhile.
//
//   - disk full: PRAGMA max_page_count lowered to the current size on the
//     server's own connection, then filled, so writes fail with SQLITE_FULL
//   - locked file: a second connection holds BEGIN EXCLUSIVE (the server's
//     busy timeout is 200 ms), so the server's BEGIN IMMEDIATE gets SQLITE_BUSY
//   - loop level, fake clock: a writer that throws for N batches, and a store
//     that cannot even be read: retries are paced by storageRetryMs, never a hot loop
import { Writable } from 'node:stream';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoIfEmpty } from '../../db/seed';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { HoldView } from '../../lib/protocol';
import { startApp, type RunningApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import type { Outcome } from '../../core/types';
import { loopHarness, type LoopHarness } from '../support/loopHarness';
import { storeKinds, type StoreKind } from '../support/stores';
import {
  connectBuyer,
  getJson,
  request,
  sleep,
  stallsCentreSeats,
  tempDir,
  waitForEvent,
  type TestSocket,
} from '../server/helpers';
import { auditDatabaseFile } from './audit';
import { LOOPBACK_TEST_LIMITS } from '../support/limits';

const EVENT = 'demo-theatre';
const BUYER = { name: 'Fault Tester', email: 'fault@example.com' };
const COMMIT_FAILED = 'batch commit failed; rebuilding from storage';

interface FaultServer {
  app: RunningApp;
  dir: string;
  dbPath: string;
  /** Log lines (level error) with this message, with the time they were written. */
  logged(msg: string): number[];
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function startFaultServer(env: Record<string, string>, prepare?: (sqlite: Database.Database) => void): Promise<FaultServer> {
  const dir = tempDir('seatline-faults-');
  const dbPath = join(dir, 'faults.db');
  if (prepare) {
    // Seed the demo events first, then adjust them before the server loads them.
    const store = SqliteStore.open(dbPath, { synchronous: 'NORMAL' });
    await seedDemoIfEmpty(store, Date.now(), 50, { preventOrphanSeats: false }); // these tests name seats freely
    prepare(store.handle.sqlite);
    await store.close();
  }
  const lines: { msg: string; at: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          lines.push({ msg: (JSON.parse(line) as { msg: string }).msg, at: Date.now() });
        } catch {
          // not JSON: ignore
        }
      }
      done();
    },
  });
  const logger = pino({ level: 'error' }, sink);
  const config = configFromEnv({
    ...LOOPBACK_TEST_LIMITS,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK_INVARIANTS: '1',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    RATE_LIMIT_SOCKET_PER_SEC: '0',
    RATE_LIMIT_IP_PER_SEC: '0',
    MAX_SEATS_PER_BUYER: '50',
    ...env,
    DATABASE_PATH: dbPath,
  });
  const app = await startApp(config, { withNext: false, logger });
  cleanup.push(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, dir, dbPath, logged: (msg) => lines.filter((l) => l.msg === msg).map((l) => l.at) };
}

async function buyer(url: string): Promise<{ socket: TestSocket; token: string }> {
  const b = await connectBuyer(url);
  cleanup.push(() => void b.socket.close());
  return b;
}

/** Everything a write could touch, from a separate read-only connection. */
function storageSnapshot(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const q = (sql: string) => db.prepare(sql).all();
    return {
      holds: q('SELECT id, status, expires_at, extensions, ended_at FROM holds ORDER BY id'),
      heldSeats: q('SELECT event_id, seat_id, hold_id FROM held_seats ORDER BY event_id, seat_id'),
      orders: q('SELECT id, hold_id FROM orders ORDER BY id'),
      tickets: q('SELECT id, seat_id, status FROM tickets ORDER BY id'),
      audit: q('SELECT COUNT(*) AS n, MAX(id) AS last FROM audit_log'),
      events: q('SELECT id, version, sale_status FROM events ORDER BY id'),
      blocked: q('SELECT * FROM blocked_seats'),
    };
  } finally {
    db.close();
  }
}

async function availability(url: string): Promise<{ version: number; seats: Record<string, string> }> {
  const { status, body } = await getJson<{ version: number; seats: Record<string, string> }>(`${url}/api/events/${EVENT}/availability`);
  expect(status).toBe(200);
  return { version: body.version, seats: body.seats };
}

async function httpHold(url: string, token: string, seatIds: string[], eventId = EVENT) {
  const res = await fetch(`${url}/api/events/${eventId}/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ seatIds }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

async function httpConfirm(url: string, token: string, holdId: string, key: string) {
  const res = await fetch(`${url}/api/holds/${holdId}/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify({ buyer: BUYER }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

/** Every read a buyer can make still answers while writes fail. */
async function readsStillServed(url: string, token: string, socket: TestSocket, expectHold: string, eventId = EVENT): Promise<void> {
  expect((await getJson(`${url}/api/health`)).status).toBe(200);
  const events = await getJson<{ ok: boolean; events: { id: string }[] }>(`${url}/api/events`);
  expect(events.status).toBe(200);
  expect(events.body.events.map((e) => e.id)).toContain(EVENT);
  expect((await getJson(`${url}/api/events/${EVENT}`)).status).toBe(200);
  const mine = await getJson<{ holds: HoldView[] }>(`${url}/api/events/${eventId}/holds/mine`, token);
  expect(mine.status).toBe(200);
  expect(mine.body.holds.map((h) => h.id)).toContain(expectHold);
  const join = await request(socket, 'event:join', { eventId: EVENT });
  expect(join.ok).toBe(true);
}

describe('disk full (SQLITE_FULL via max_page_count)', () => {
  it('callers get storage_unavailable, nothing changes, reads work; raising the limit recovers, expiries included', async () => {
    // demo-theatre holds live 4 s (one falls due during the fault); demo-arena holds 2 minutes (the payer's).
    const s = await startFaultServer({ HOLD_TTL_MS: '4000' }, (db) => {
      db.prepare(`UPDATE events SET hold_ttl_ms = 120000 WHERE id = 'demo-arena'`).run();
    });
    const { app } = s;
    const seats = stallsCentreSeats(); // 256 seats, row-major
    const holder = await buyer(app.url);
    const payer = await buyer(app.url);
    const filler = await buyer(app.url);

    // Before the fault: a hold that will fall due during it, and a hold the payer will try to pay for.
    const expiring = await request(holder.socket, 'hold:create', { eventId: EVENT, seatIds: seats.slice(0, 4) });
    if (!expiring.ok) throw new Error(JSON.stringify(expiring.error));
    const toPay = await httpHold(app.url, payer.token, ['FA-A-1', 'FA-A-2'], 'demo-arena');
    expect(toPay.status).toBe(201);
    const payHoldId: string = toPay.body.hold.id;

    // The disk is "full": no page may be added beyond the current size.
    const sqlite = (app.store as SqliteStore).handle.sqlite;
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    expect(sqlite.pragma(`max_page_count = ${pages}`, { simple: true })).toBe(pages);
    cleanup.push(() => void (sqlite.open && sqlite.pragma('max_page_count = 1073741823')));

    // Use up the free space inside the existing pages: hold and release until writes keep failing.
    const probe8 = seats.slice(16, 24);
    const probe1 = [seats[24]];
    let consecutiveFailures = 0;
    for (let i = 0; consecutiveFailures < 3; i++) {
      if (i > 200) throw new Error('the database never filled up');
      const fill = await request(filler.socket, 'hold:create', { eventId: EVENT, seatIds: seats.slice(32 + (i % 20) * 8, 40 + (i % 20) * 8) });
      if (fill.ok) await request(filler.socket, 'hold:release', { holdId: fill.hold.id });
      const a = await request(filler.socket, 'hold:create', { eventId: EVENT, seatIds: probe8 });
      const b = await request(filler.socket, 'hold:create', { eventId: EVENT, seatIds: probe1 });
      for (const ack of [a, b]) if (ack.ok) await request(filler.socket, 'hold:release', { holdId: ack.hold.id });
      // (A fill hold whose release failed just stays until it expires: its seats answer seats_unavailable.)
      const full = [a, b].every((ack) => !ack.ok && ack.error.code === 'storage_unavailable') && !fill.ok;
      consecutiveFailures = full ? consecutiveFailures + 1 : 0;
    }
    expect(s.logged(COMMIT_FAILED).length).toBeGreaterThan(0);

    const before = storageSnapshot(s.dbPath);
    const mapBefore = await availability(app.url);
    const versionBefore = app.registry.get(EVENT)!.loop!.version;

    // HTTP: 503 with Retry-After and the code; Socket.IO: the ack's code. Quickly, not after a hang.
    const t0 = performance.now();
    const viaHttp = await httpHold(app.url, payer.token, probe8);
    expect(viaHttp.status).toBe(503);
    expect(viaHttp.retryAfter).toBe('1');
    expect(viaHttp.body).toMatchObject({ ok: false, error: { code: 'storage_unavailable', retryAfterMs: 1000 } });
    expect(viaHttp.body.error.message).toMatch(/nothing changed/i);
    const viaSocket = await request(payer.socket, 'hold:create', { eventId: EVENT, seatIds: probe1 });
    expect(viaSocket).toMatchObject({ ok: false, error: { code: 'storage_unavailable', retryAfterMs: 1000 } });
    const confirm = await httpConfirm(app.url, payer.token, payHoldId, 'pay-during-disk-full');
    expect(confirm.status).toBe(503);
    expect(confirm.body.error.code).toBe('storage_unavailable');
    expect(performance.now() - t0).toBeLessThan(5000);

    // Reads keep working, and nothing changed: storage, the public map, the version.
    await readsStillServed(app.url, payer.token, payer.socket, payHoldId, 'demo-arena');
    expect(storageSnapshot(s.dbPath)).toEqual(before);
    expect(await availability(app.url)).toEqual(mapBefore);
    expect(app.registry.get(EVENT)!.loop!.version).toBe(versionBefore);

    // The first hold falls due while the disk is full: its expiry cannot be stored, so it is retried —
    // paced (storageRetryMs = 250 ms), not in a hot loop — and meanwhile the seats stay held everywhere.
    await sleep(Math.max(0, expiring.hold.expiresAt - Date.now()) + 1500);
    const retries = s.logged(COMMIT_FAILED).filter((at) => at >= expiring.hold.expiresAt);
    expect(retries.length, 'expiry retried while the disk is full').toBeGreaterThanOrEqual(2);
    expect(retries.length, 'retries are paced').toBeLessThan(40);
    expect(storageSnapshot(s.dbPath)).toEqual(before);
    const duringFault = await availability(app.url);
    for (const seat of expiring.hold.seatIds) expect(duringFault.seats[seat]).toBe('held');

    // The disk has room again: the pending expiry lands by itself and the owner is told.
    const expiredNotice = waitForEvent(holder.socket, 'hold:expired', (n) => n.holdId === expiring.hold.id, 5000);
    sqlite.pragma('max_page_count = 1073741823');
    await expiredNotice;
    const after = await availability(app.url);
    for (const seat of expiring.hold.seatIds) expect(after.seats[seat]).toBe('available');

    // New commands succeed; the confirm that failed goes through with the same idempotency key.
    const retryHold = await httpHold(app.url, payer.token, probe8);
    expect(retryHold.status).toBe(201);
    const paid = await httpConfirm(app.url, payer.token, payHoldId, 'pay-during-disk-full');
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ ok: true, replayed: false, order: { holdId: payHoldId } });
    const retrySocket = await request(payer.socket, 'hold:create', { eventId: EVENT, seatIds: probe1 });
    expect(retrySocket.ok).toBe(true);

    const audit = await auditDatabaseFile(s.dbPath);
    expect(audit.violations).toEqual([]);
    const db = new Database(s.dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT status FROM holds WHERE id = ?').get(expiring.hold.id)).toEqual({ status: 'expired' });
      expect(db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE hold_id = ? AND action = 'expired'`).get(expiring.hold.id)).toEqual({ n: 4 });
    } finally {
      db.close();
    }
  });
});

describe('locked database file (another connection holds BEGIN EXCLUSIVE)', () => {
  it('callers get storage_unavailable within the busy timeout; COMMIT or ROLLBACK of the blocker recovers', async () => {
    const s = await startFaultServer({ HOLD_TTL_MS: '60000', SQLITE_BUSY_TIMEOUT_MS: '200' });
    const { app } = s;
    const seats = stallsCentreSeats();
    const b = await buyer(app.url);
    const toPay = await httpHold(app.url, b.token, seats.slice(0, 2));
    expect(toPay.status).toBe(201);
    const payHoldId: string = toPay.body.hold.id;

    const blocker = new Database(s.dbPath);
    cleanup.push(() => void (blocker.open && blocker.close()));
    blocker.pragma('busy_timeout = 1000');

    for (const ending of ['COMMIT', 'ROLLBACK'] as const) {
      blocker.exec('BEGIN EXCLUSIVE');
      // The blocker may write too: after its COMMIT the server must simply carry on.
      blocker.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES ('fault-test', ?)`).run(ending);
      const before = storageSnapshot(s.dbPath);
      const mapBefore = await availability(app.url);

      const t0 = performance.now();
      const viaHttp = await httpHold(app.url, b.token, seats.slice(10, 12));
      expect(viaHttp.status).toBe(503);
      expect(viaHttp.retryAfter).toBe('1');
      expect(viaHttp.body.error.code).toBe('storage_unavailable');
      const viaSocket = await request(b.socket, 'hold:confirm', { holdId: payHoldId, buyer: BUYER, idempotencyKey: `locked-${ending}` });
      expect(viaSocket).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } });
      const release = await request(b.socket, 'hold:release', { holdId: payHoldId });
      expect(release).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } });
      // Each failing write waited the busy timeout (200 ms), not the default 5 s.
      expect(performance.now() - t0).toBeLessThan(4000);

      await readsStillServed(app.url, b.token, b.socket, payHoldId);
      expect(storageSnapshot(s.dbPath)).toEqual(before);
      expect(await availability(app.url)).toEqual(mapBefore);

      blocker.exec(ending);
      const recovered = await httpHold(app.url, b.token, seats.slice(10, 12));
      expect(recovered.status, `after ${ending}`).toBe(201);
      const released = await request(b.socket, 'hold:release', { holdId: recovered.body.hold.id });
      expect(released.ok).toBe(true);
    }
    const paid = await request(b.socket, 'hold:confirm', { holdId: payHoldId, buyer: BUYER, idempotencyKey: 'locked-COMMIT' });
    expect(paid).toMatchObject({ ok: true, replayed: false });
    const settings = blocker.prepare(`SELECT value FROM settings WHERE key = 'fault-test'`).get();
    expect(settings).toEqual({ value: 'COMMIT' }); // the committed write stayed, the rolled-back one did not
    expect((await auditDatabaseFile(s.dbPath)).violations).toEqual([]);
  });
});

// ---------- loop level, fake clock ----------

const RETRY_MS = 250;

async function loopSetup(kind: StoreKind): Promise<LoopHarness> {
  const h = await loopHarness(kind, { retryMs: RETRY_MS });
  cleanup.push(() => h.close());
  return h;
}

describe.each(storeKinds())('loop level on %s (fake clock)', (kind) => {
  it('an expiry that cannot be committed is retried every storageRetryMs, then lands when storage is back', async () => {
    const t = await loopSetup(kind);
    const held = t.submit({ type: 'hold', buyerId: 'b1', seatIds: ['S-A-1', 'S-A-2'] });
    await t.drain();
    expect(held.outcome).toMatchObject({ ok: true, type: 'held' });
    const expiresAt = (held.outcome as Extract<Outcome, { type: 'held' }>).hold.expiresAt;

    // Storage fails for the next 6 commits; the hold falls due.
    const FAILS = 6;
    t.writer.failNext = FAILS;
    const attemptsBefore = t.writer.attempts;
    t.clock.now = expiresAt;
    t.timers.fireDue();
    await t.drain();
    expect(t.writer.attempts - attemptsBefore).toBe(1);
    // Nothing scheduled but one paced retry: one timer RETRY_MS ahead.
    expect(t.timers.dueTimes()).toEqual([t.clock.now + RETRY_MS]);
    expect(await t.sql.all(`SELECT status FROM holds`)).toEqual([{ status: 'active' }]);
    expect(t.loop.view.statusOf('S-A-1')).toBe('held'); // rolled back and rebuilt: still held

    // A command arriving during the fault is answered: its batch is one of the failing commits.
    const during = t.submit({ type: 'hold', buyerId: 'b2', seatIds: ['S-A-5'] });
    await t.drain();
    expect(during.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
    expect(t.writer.failNext).toBe(FAILS - 2);

    // Over the next 10 s of fake time: the remaining failures, then success — about one attempt per RETRY_MS.
    const attemptsAt = t.writer.attempts;
    const ticks = await t.advance(10_000);
    const attempts = t.writer.attempts - attemptsAt;
    expect(attempts).toBe(FAILS - 2 + 1); // 4 more failures, then the commit that lands
    expect(ticks).toBeLessThan(40);
    expect(t.notices.at(-1)!.holdsEnded.map((e) => e.reason)).toEqual(['expired']);
    expect(await t.sql.all(`SELECT status FROM holds WHERE buyer_id = 'b1'`)).toEqual([{ status: 'expired' }]);
    expect(t.loop.view.statusOf('S-A-1')).toBe('available');
    // ...and once it landed, nothing else is pending: no timers, no retries.
    expect(t.timers.size).toBe(0);

    const after = t.submit({ type: 'hold', buyerId: 'b2', seatIds: ['S-A-1'] });
    await t.drain();
    expect(after.outcome).toMatchObject({ ok: true, type: 'held' });
  });

  it('when storage cannot even be read, commands are answered at once and the loop recovers by itself', async () => {
    const t = await loopSetup(kind);
    const held = t.submit({ type: 'hold', buyerId: 'b1', seatIds: ['S-A-1'] });
    await t.drain();
    expect(held.outcome).toMatchObject({ ok: true });
    const expiresAt = (held.outcome as Extract<Outcome, { type: 'held' }>).hold.expiresAt;

    // The commit fails and so does every rebuild for a while (e.g. an I/O error on the file).
    t.writer.failNext = 1;
    t.failLoads.remaining = 1_000_000;
    t.clock.now = expiresAt;
    t.timers.fireDue();
    await t.drain();

    // Commands keep arriving during the outage (one every 50 ms for 2 s): each is answered, none hangs.
    const answers: { outcome?: Outcome }[] = [];
    for (let i = 0; i < 40; i++) {
      answers.push(t.submit({ type: 'hold', buyerId: `b${i + 10}`, seatIds: ['S-A-9'] }));
      await t.advance(50);
    }
    for (const a of answers) expect(a.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
    // With no commands, it still keeps retrying on its own, one rebuild per storageRetryMs.
    const idleBefore = t.failLoads.count;
    await t.advance(5000);
    const attempts = t.failLoads.count - idleBefore;
    expect(attempts).toBeGreaterThan(0);
    expect(attempts, 'rebuild attempts in 5 s of idle outage').toBeLessThanOrEqual(5000 / RETRY_MS + 1);

    // Storage is back: the loop rebuilds, releases the hold that fell due, and serves again.
    t.failLoads.remaining = 0;
    await t.advance(2 * RETRY_MS);
    expect(await t.sql.all(`SELECT status FROM holds`)).toEqual([{ status: 'expired' }]);
    expect(t.loop.view.statusOf('S-A-1')).toBe('available');
    const after = t.submit({ type: 'hold', buyerId: 'b2', seatIds: ['S-A-1'] });
    await t.drain();
    expect(after.outcome).toMatchObject({ ok: true, type: 'held' });
  });

  it('after a failed commit and a failed rebuild, reads do not show the failed batch', async () => {
    const t = await loopSetup(kind);
    t.writer.failNext = 1;
    t.failLoads.remaining = 1_000_000;
    const failed = t.submit({ type: 'hold', buyerId: 'b1', seatIds: ['S-A-1'] });
    await t.drain();
    expect(failed.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
    expect(t.loop.view.statusOf('S-A-1')).toBe('available');
    expect(t.loop.view.holdsOf('b1')).toEqual([]);
    expect(t.loop.view.publicCounts().held).toBe(0);
  });
});
