// The waiting room and organizer actions in the distributed mode: an event
// created through one process is served and sold by every process; its
// waiting room is run by the owner's admission ticker, while buyers wait,
// get admitted and hold through other processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueAck } from '../../lib/waitingRoom';
import { adminLogin, call, connectBuyerSocket, createEvent, type BuyerSocket } from '../server/adminHelpers';
import { getJson, request, waitForEvent } from '../server/helpers';
import { waitUntil } from '../support/waitUntil';
import { CLUSTER_EVENTS, startCluster, type TestCluster } from './clusterHarness';

const ADMIN_PASSWORD = 'cluster-test-organizer';
let cluster: TestCluster;
const sockets: BuyerSocket[] = [];

beforeAll(async () => {
  // The periodic re-read of which rooms are on is pushed out of the test's reach: every process
  // must learn of a change from the announcement its organizer's request waits for.
  cluster = await startCluster({ processes: 3, env: { WAITING_ROOM_STEP_MS: '250', WAITING_ROOM_REFRESH_MS: '600000' } });
  await cluster.settled(CLUSTER_EVENTS);
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await cluster?.stop();
});

async function buyerOn(url: string, token?: string) {
  const buyer = await connectBuyerSocket(url, token);
  sockets.push(buyer.socket);
  return buyer;
}

/** What every process says of an event, for a failure message: which process lags, and whom it takes for the owner. */
async function eventAcross(id: string): Promise<string> {
  const rows = await Promise.all(
    cluster.processes.map(async (p) => {
      const health = await cluster.health(p);
      const event = await getJson<{ event?: { saleStatus?: string } }>(`${p.url}/api/events/${id}`).catch(() => null);
      return `${p.instanceId}: owns ${String(health?.ownedEvents.includes(id))}, owner ${String(health?.owners[id])}, saleStatus ${String(event?.body.event?.saleStatus)}`;
    }),
  );
  return rows.join('; ');
}

describe('organizers and the waiting room across processes', () => {
  it('an event created through one process gets one owner and is served by every process; the organizer session works everywhere', async () => {
    const [first, second, third] = cluster.processes;
    const admin = await adminLogin(first.url, ADMIN_PASSWORD);
    const { id } = await createEvent(first.url, admin, { saleStatus: 'open' });
    await cluster.settled([...CLUSTER_EVENTS, id]);
    for (const p of cluster.processes) {
      await waitUntil(async () => (await getJson(`${p.url}/api/events/${id}`)).status === 200, `${id} served by ${p.instanceId}`);
    }
    // An organizer change through another process reaches the owner and every replica.
    const paused = await call(second.url, 'PATCH', `/api/admin/events/${id}`, { token: admin, body: { saleStatus: 'paused' } });
    expect(paused.status, paused.text).toBe(200);
    const buyer = await buyerOn(third.url);
    await waitUntil(async () => (await getJson<{ event: { saleStatus: string } }>(`${third.url}/api/events/${id}`)).body.event.saleStatus === 'paused', 'the pause seen through a third process').catch(
      async (error: Error) => {
        throw new Error(`${error.message} (${await eventAcross(id)})`);
      },
    );
    const refused = await request(buyer.socket, 'hold:create', { eventId: id, seatIds: [(await getJson<{ event: { seats: { id: string }[] } }>(`${third.url}/api/events/${id}`)).body.event.seats[0].id] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'sale_closed' } });
    // Logging out through one process ends the session on every process.
    expect((await call(third.url, 'GET', '/api/admin/events', { token: admin })).status).toBe(200);
    expect((await call(second.url, 'POST', '/api/admin/logout', { token: admin })).status).toBe(200);
    for (const p of cluster.processes) expect((await call(p.url, 'GET', '/api/admin/events', { token: admin })).status).toBe(401);
  });

  it('buyers wait on one process, are admitted by the owner on another, and hold through a third; the not-admitted are refused', async () => {
    const admin = await adminLogin(cluster.processes[0].url, ADMIN_PASSWORD);
    const { id } = await createEvent(cluster.processes[0].url, admin, { saleStatus: 'open' });
    await cluster.settled([...CLUSTER_EVENTS, id]);
    const owner = (await cluster.ownerOf(id))!;
    const [waitOn, holdThrough] = cluster.processes.filter((p) => p !== owner);
    const { body: layout } = await getJson<{ event: { seats: { id: string }[] } }>(`${owner.url}/api/events/${id}`);
    const seatIds = layout.event.seats.map((s) => s.id);

    // The room opens in a minute: everyone waits in the pre-queue meanwhile.
    const put = await call(holdThrough.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { token: admin, body: { enabled: true, admitPerMinute: 60, opensAt: Date.now() + 60_000 } });
    expect(put.status, put.text).toBe(200);
    // As soon as the organizer hears "saved", every process refuses a hold without admission.
    const bob = await buyerOn(holdThrough.url);
    for (const p of cluster.processes) {
      const probe = await buyerOn(p.url, bob.token);
      const refused = await request(probe.socket, 'hold:create', { eventId: id, seatIds: [seatIds[9]] });
      expect(refused, `a hold without admission on ${p.instanceId}`).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    }
    const alice = await buyerOn(waitOn.url);
    const joined = (await request(alice.socket, 'queue:join', { eventId: id })) as QueueAck;
    expect(joined).toMatchObject({ ok: true, state: 'waiting' });

    const admitted = waitForEvent(alice.socket, 'queue:admitted', (n) => n.eventId === id, 30_000);
    const opened = waitForEvent(alice.socket, 'queue:update', (u) => u.eventId === id && u.phase === 'open', 30_000);
    // Open now (through the owner this time): its ticker shuffles and admits; the notices cross Redis.
    expect((await call(owner.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { token: admin, body: { enabled: true, admitPerMinute: 60, opensAt: null } })).status).toBe(200);
    await opened;
    const notice = await admitted;
    expect(notice.admittedUntil).toBeGreaterThan(Date.now());
    // Alice holds through the third process with her admission, on a socket of the same session.
    const aliceThere = await buyerOn(holdThrough.url, alice.token);
    const held = await request(aliceThere.socket, 'hold:create', { eventId: id, seatIds: [seatIds[0], seatIds[1]], admission: notice.admission });
    expect(held.ok, JSON.stringify(held)).toBe(true);
    // Bob, not admitted, is still refused, wherever he asks.
    for (const p of cluster.processes) {
      const other = await buyerOn(p.url, bob.token);
      const refused = await request(other.socket, 'hold:create', { eventId: id, seatIds: [seatIds[4]] });
      expect(refused).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    }
    // Switched off through another process: at once, anyone may hold again, wherever they ask.
    expect((await call(waitOn.url, 'PUT', `/api/admin/events/${id}/waiting-room`, { token: admin, body: { enabled: false, admitPerMinute: 60 } })).status).toBe(200);
    for (const [k, p] of cluster.processes.entries()) {
      const other = await buyerOn(p.url, bob.token);
      const held = await request(other.socket, 'hold:create', { eventId: id, seatIds: [seatIds[4 + k]] });
      expect(held.ok, `${p.instanceId}: ${JSON.stringify(held)}`).toBe(true);
    }
  });
});
