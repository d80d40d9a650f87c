// Hold expiry on a real server with a short TTL: the loop's own timer
// releases the seats (no request needed), viewers hear about it, the holder
// gets hold:expired, and later calls on the hold answer hold_expired.
// Also: one extension is allowed and really moves the deadline.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HoldView } from '../../lib/protocol';
import {
  closeSockets,
  connectBuyer,
  connectBuyers,
  getJson,
  request,
  SeatMapViewer,
  sleep,
  startTestServer,
  waitForEvent,
  type TestServer,
  type TestSocket,
} from './helpers';

const EVENT = 'demo-theatre';
const TTL_MS = 1200;
/** How late after its deadline an expiry may be noticed (timer + tick + fan-out on a busy CI box). */
const EXPIRY_SLACK_MS = 3000;

let server: TestServer;
let sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ HOLD_TTL_MS: String(TTL_MS) }, { seededCopy: true });
});

afterEach(() => {
  closeSockets(sockets);
  sockets = [];
});

afterAll(async () => {
  await server?.stop();
});

async function buyer(): Promise<{ socket: TestSocket; token: string }> {
  const b = await connectBuyer(server.url);
  sockets.push(b.socket);
  return b;
}

async function holdRow(holdId: string): Promise<{ status: string; ended_at: number | null; extensions: number; expires_at: number }> {
  return (await server.sql.get('SELECT status, ended_at, extensions, expires_at FROM holds WHERE id = ?', holdId))!;
}

async function createHold(socket: TestSocket, seatIds: string[]): Promise<HoldView> {
  const ack = await request(socket, 'hold:create', { eventId: EVENT, seatIds });
  if (!ack.ok) throw new Error(`hold failed: ${JSON.stringify(ack.error)}`);
  return ack.hold;
}

describe(`hold expiry (HOLD_TTL_MS=${TTL_MS})`, () => {
  it('the event uses the configured TTL', async () => {
    const { body } = await getJson(`${server.url}/api/events/${EVENT}`);
    expect(body.event.holdTtlMs).toBe(TTL_MS);
  });

  it('releases the seats by itself: viewers get seats:update → available, the holder gets hold:expired', async () => {
    const seats = ['SC-A-1', 'SC-A-2'];
    const viewerConns = await connectBuyers(server.url, 3);
    sockets.push(...viewerConns.map((c) => c.socket));
    const viewers = viewerConns.map((c) => new SeatMapViewer(c.socket, EVENT, server.url));
    await Promise.all(viewers.map((v) => v.join()));
    for (const v of viewers) for (const s of seats) expect(v.seats[s]).toBe('available');

    const holder = await buyer();
    // Listen before anything happens, so no notice can be missed.
    const expiredNotice = waitForEvent(holder.socket, 'hold:expired', () => true, TTL_MS + 10_000);
    const releasedUpdates = viewers.map((v) =>
      v.nextUpdate((u) => u.eventId === EVENT && seats.every((s) => u.changes.some((ch) => ch.seatId === s && ch.status === 'available')), TTL_MS + 10_000),
    );

    const startVersion = viewers[0].version;
    for (const v of viewers) expect(v.version).toBe(startVersion);
    const createdAt = Date.now();
    const hold = await createHold(holder.socket, seats);
    expect(hold.expiresAt).toBeGreaterThanOrEqual(createdAt + TTL_MS - 5);
    expect(hold.expiresAt).toBeLessThanOrEqual(Date.now() + TTL_MS + 5);
    expect(hold.extensionsLeft).toBe(1);

    // Every viewer sees the seats held first.
    const heldVersion = startVersion + 1;
    await Promise.all(viewers.map((v) => v.waitForVersion(heldVersion)));
    for (const v of viewers) for (const s of seats) expect(v.seats[s]).toBe('held');

    // No further request from anyone: the loop's timer must do it.
    const notice = await expiredNotice;
    const noticedAt = Date.now();
    expect(notice).toEqual({ holdId: hold.id, eventId: EVENT, seatIds: seats });
    expect(noticedAt).toBeGreaterThanOrEqual(hold.expiresAt - 5); // not early
    expect(noticedAt).toBeLessThan(hold.expiresAt + EXPIRY_SLACK_MS); // and not much late

    const updates = await Promise.all(releasedUpdates);
    for (const u of updates) {
      expect(u.version).toBe(heldVersion + 1);
      expect(u.changes).toEqual(expect.arrayContaining(seats.map((seatId) => ({ seatId, status: 'available' }))));
    }
    await Promise.all(viewers.map((v) => v.waitForVersion(heldVersion + 1)));
    for (const v of viewers) {
      expect(v.gaps).toBe(0);
      for (const s of seats) expect(v.seats[s]).toBe('available');
    }
    const { body: avail } = await getJson(`${server.url}/api/events/${EVENT}/availability`);
    for (const s of seats) expect(avail.seats[s]).toBe('available');
    for (const v of viewers) expect(v.seats).toEqual(avail.seats);

    // Later calls on the hold: hold_expired (socket and HTTP alike).
    const confirm = await request(holder.socket, 'hold:confirm', {
      holdId: hold.id,
      buyer: { name: 'Late Larry', email: 'larry@example.com' },
      idempotencyKey: 'expired-confirm-1',
    });
    expect(confirm.ok).toBe(false);
    if (!confirm.ok) expect(confirm.error.code).toBe('hold_expired');
    const extend = await request(holder.socket, 'hold:extend', { holdId: hold.id });
    expect(!extend.ok && extend.error.code).toBe('hold_expired');
    const res = await fetch(`${server.url}/api/holds/${hold.id}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${holder.token}`, 'content-type': 'application/json', 'idempotency-key': 'expired-confirm-2' },
      body: JSON.stringify({ buyer: { name: 'Late Larry', email: 'larry@example.com' } }),
    });
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('hold_expired');

    // Storage: the hold ended as expired, its seats are free, one audit row per seat, no order.
    const row = await holdRow(hold.id);
    expect(row.status).toBe('expired');
    expect(row.ended_at).toBeGreaterThanOrEqual(hold.expiresAt);
    expect(await server.sql.get('SELECT COUNT(*) AS n FROM held_seats WHERE hold_id = ?', hold.id)).toEqual({ n: 0 });
    expect(await server.sql.get(`SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?`, hold.id)).toEqual({ n: 0 });
    const audit = await server.sql.all<{ seat_id: string }>(`SELECT seat_id FROM audit_log WHERE hold_id = ? AND action = 'expired' ORDER BY seat_id`, hold.id);
    expect(audit.map((a) => a.seat_id)).toEqual([...seats].sort());

    // And the seats are really free for someone else.
    const other = await buyer();
    const again = await createHold(other.socket, seats);
    expect(again.seatIds).toEqual(seats);
  });

  it('extends once (the deadline moves out, extensionsLeft 0); a second extend is extend_limit', async () => {
    const holder = await buyer();
    const seats = ['SC-B-5'];
    const expiredNotice = waitForEvent(holder.socket, 'hold:expired', () => true, 3 * TTL_MS + 10_000);
    const hold = await createHold(holder.socket, seats);

    await sleep(250); // let the clock move so that "later" is measurable
    const ext = await request(holder.socket, 'hold:extend', { holdId: hold.id });
    if (!ext.ok) throw new Error(`extend failed: ${JSON.stringify(ext.error)}`);
    expect(ext.hold.id).toBe(hold.id);
    expect(ext.hold.seatIds).toEqual(seats);
    expect(ext.hold.extensionsLeft).toBe(0);
    expect(ext.hold.expiresAt).toBeGreaterThanOrEqual(hold.expiresAt + 200);
    expect(ext.hold.expiresAt).toBeLessThanOrEqual(Date.now() + TTL_MS + 5);

    const second = await request(holder.socket, 'hold:extend', { holdId: hold.id });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.code).toBe('extend_limit');
    // HTTP says the same, with 409.
    const http = await fetch(`${server.url}/api/holds/${hold.id}/extend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${holder.token}` },
    });
    expect(http.status).toBe(409);
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe('extend_limit');

    // The refused extensions changed nothing.
    const mine = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, holder.token);
    expect(mine.body.holds).toEqual([ext.hold]);
    expect(await holdRow(hold.id)).toMatchObject({ status: 'active', extensions: 1, expires_at: ext.hold.expiresAt });

    // The hold outlives its original deadline and expires at the new one.
    const notice = await expiredNotice;
    const noticedAt = Date.now();
    expect(notice.holdId).toBe(hold.id);
    expect(noticedAt).toBeGreaterThanOrEqual(ext.hold.expiresAt - 5);
    expect(noticedAt).toBeLessThan(ext.hold.expiresAt + EXPIRY_SLACK_MS);
    expect((await holdRow(hold.id)).status).toBe('expired');
    const after = await getJson(`${server.url}/api/events/${EVENT}/holds/mine`, holder.token);
    expect(after.body.holds).toEqual([]);
  });

  it('the audit row of an extension is stamped with the time of the extension, not the new deadline', async () => {
    const holder = await buyer();
    const hold = await createHold(holder.socket, ['SC-B-9']);
    await sleep(50);
    const sentAt = Date.now();
    const ext = await request(holder.socket, 'hold:extend', { holdId: hold.id });
    const ackedAt = Date.now();
    if (!ext.ok) throw new Error(`extend failed: ${JSON.stringify(ext.error)}`);
    const audit = await server.sql.all<{ at: number }>(`SELECT at FROM audit_log WHERE hold_id = ? AND action = 'hold_extended'`, hold.id);
    expect(audit).toHaveLength(1);
    // Every other audit row (held, released, expired, sold) carries the time it happened.
    expect(audit[0].at, `audit_log.at = ${audit[0].at}, new deadline = ${ext.hold.expiresAt}, acked at ${ackedAt}`).toBeLessThanOrEqual(ackedAt);
    expect(audit[0].at).toBeGreaterThanOrEqual(sentAt);
    expect((await request(holder.socket, 'hold:release', { holdId: hold.id })).ok).toBe(true);
  });

  it('a hold extended by HTTP is the same hold the socket sees; release after expiry is refused', async () => {
    const holder = await buyer();
    const hold = await createHold(holder.socket, ['SC-C-1', 'SC-C-2']);
    const expiredNotice = waitForEvent(holder.socket, 'hold:expired', (n) => n.holdId === hold.id, 2 * TTL_MS + 10_000);
    await sleep(100);
    const res = await fetch(`${server.url}/api/holds/${hold.id}/extend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${holder.token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: true; hold: HoldView };
    expect(body.hold.extensionsLeft).toBe(0);
    expect(body.hold.expiresAt).toBeGreaterThan(hold.expiresAt);

    await expiredNotice;
    const release = await request(holder.socket, 'hold:release', { holdId: hold.id });
    expect(!release.ok && release.error.code).toBe('hold_expired');
    const del = await fetch(`${server.url}/api/holds/${hold.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${holder.token}` },
    });
    expect(del.status).toBe(410);
  });
});
