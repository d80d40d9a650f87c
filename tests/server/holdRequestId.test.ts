// A client that lost the answer to hold:create (a dropped connection, a
// timeout, a failover) retries with the same requestId and gets the same
// hold back — over Socket.IO and over HTTP (Idempotency-Key), and after the
// server restarted from the store. Runs on both stores.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldAck } from '../../lib/protocol';
import { defaultStore } from '../support/stores';
import { testDatabase, type TestDatabase } from '../support/testDatabase';
import { connectBuyer, request, sendJson, startTestServer, tempDir, type TestServer, type TestSocket } from './helpers';

const EVENT = 'demo-theatre';
const dir = tempDir('seatline-request-id-');
let database: TestDatabase;
let server: TestServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  database = await testDatabase(defaultStore(), { seeded: true, dir, name: 'request-id.db', preventOrphanSeats: false });
  server = await startTestServer(database.env);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function buyer(token?: string) {
  const b = await connectBuyer(server.url, token);
  sockets.push(b.socket);
  return b;
}

const heldHold = (ack: HoldAck) => {
  if (!ack.ok) throw new Error(`expected a hold: ${JSON.stringify(ack)}`);
  return ack.hold;
};

describe('hold:create with a requestId', () => {
  it('a retry over the socket gets the same hold, marked replayed; the seats are held once', async () => {
    const { socket } = await buyer();
    const payload = { eventId: EVENT, seatIds: ['SC-A-1', 'SC-A-2'], requestId: 'retry-socket-0001' };
    const first = await request(socket, 'hold:create', payload);
    const hold = heldHold(first);
    expect(first).not.toHaveProperty('replayed');
    const second = await request(socket, 'hold:create', payload);
    expect(second).toEqual({ ok: true, hold, replayed: true });
    const rows = await database.sql.all<{ id: string }>(`SELECT id FROM holds WHERE request_id = ?`, 'retry-socket-0001');
    expect(rows).toEqual([{ id: hold.id }]);
    // Another buyer's same requestId is theirs alone: a new request, refused here because the seats are taken.
    const other = await buyer();
    const theirs = await request(other.socket, 'hold:create', payload);
    expect(theirs).toMatchObject({ ok: false, error: { code: 'seats_unavailable' } });
  });

  it('over HTTP the Idempotency-Key header is the requestId: 201 first, 200 with the same hold after', async () => {
    const { token } = await buyer();
    const url = `${server.url}/api/events/${EVENT}/holds`;
    const headers = { 'idempotency-key': 'retry-http-000001' };
    const first = await sendJson<HoldAck>('POST', url, { seatIds: ['SC-B-1'] }, token, headers);
    expect(first.status).toBe(201);
    const again = await sendJson<HoldAck>('POST', url, { seatIds: ['SC-B-1'] }, token, headers);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ok: true, hold: heldHold(first.body), replayed: true });
    const bad = await sendJson<HoldAck>('POST', url, { seatIds: ['SC-B-2'], requestId: 'short' }, token);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('after a restart the retry still gets the same hold, and a released one is not made again', async () => {
    const { socket, token } = await buyer();
    const live = heldHold(await request(socket, 'hold:create', { eventId: EVENT, seatIds: ['SC-C-1'], requestId: 'restart-live-0001' }));
    const gone = heldHold(await request(socket, 'hold:create', { eventId: EVENT, seatIds: ['SC-C-5'], requestId: 'restart-gone-0001' }));
    expect((await request(socket, 'hold:release', { holdId: gone.id })).ok).toBe(true);
    socket.close();

    await server.stop();
    server = await startTestServer(database.env);
    const again = await buyer(token);
    expect(await request(again.socket, 'hold:create', { eventId: EVENT, seatIds: ['SC-C-1'], requestId: 'restart-live-0001' })).toEqual({
      ok: true,
      hold: live,
      replayed: true,
    });
    const retryGone = await request(again.socket, 'hold:create', { eventId: EVENT, seatIds: ['SC-C-5'], requestId: 'restart-gone-0001' });
    expect(retryGone).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const seat = await database.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM held_seats WHERE event_id = ? AND seat_id = 'SC-C-5'`, EVENT);
    expect(Number(seat?.n)).toBe(0);
  });
});
