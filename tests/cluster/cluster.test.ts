// The distributed mode end to end: three server processes on one PostgreSQL
// database and one Redis, each event's loop in exactly one of them. Buyers
// and viewers are spread over the processes; every command reaches the
// event's owner and every viewer sees every change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldAck } from '../../lib/protocol';
import { closeSockets, connectBuyer, getJson, request, SeatMapViewer, stallsCentreSeats, type TestSocket } from '../server/helpers';
import { waitUntil } from '../support/waitUntil';
import { CLUSTER_EVENTS, startCluster, type TestCluster } from './clusterHarness';

const EVENT = 'demo-theatre';
const SEATS = stallsCentreSeats().slice(0, 6);

let cluster: TestCluster;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  // Holds lapse after 4 s: the expiry test waits for one; the others confirm or release long before.
  cluster = await startCluster({ processes: 3, env: { HOLD_TTL_MS: '4000' } });
  await cluster.settled(CLUSTER_EVENTS);
}, 120_000);

afterAll(async () => {
  closeSockets(sockets);
  await cluster?.stop();
});

async function buyerOn(url: string): Promise<TestSocket> {
  const { socket } = await connectBuyer(url);
  sockets.push(socket);
  return socket;
}

describe('three processes, one owner per event', () => {
  it('health names the process and the events it owns; every event has exactly one owner, and they spread', async () => {
    const healths = await Promise.all(cluster.processes.map((p) => cluster.health(p)));
    expect(healths.map((h) => h?.instanceId)).toEqual(cluster.processes.map((p) => p.instanceId));
    expect(new Set(healths.map((h) => h?.instanceId)).size).toBe(3);
    for (const eventId of CLUSTER_EVENTS) expect(healths.filter((h) => h!.ownedEvents.includes(eventId))).toHaveLength(1);
    // Every process serves every event, owner or not.
    for (const p of cluster.processes) {
      const { body } = await getJson<{ events: { id: string }[] }>(`${p.url}/api/events`);
      expect(body.events.map((e) => e.id).sort()).toEqual([...CLUSTER_EVENTS].sort());
    }
  });

  it('buyers on different processes race for the same seats: one winner per seat, losers told which seat; every viewer converges', async () => {
    const viewers: SeatMapViewer[] = [];
    for (const p of cluster.processes) {
      const viewer = new SeatMapViewer(await buyerOn(p.url), EVENT, p.url);
      await viewer.join();
      viewers.push(viewer);
    }
    // 4 buyers per process, each wanting two of the six seats (overlapping pairs).
    const buyers: { socket: TestSocket; seatIds: string[] }[] = [];
    for (const [i, p] of cluster.processes.entries()) {
      for (let j = 0; j < 4; j++) {
        const k = (i * 4 + j) % 5;
        buyers.push({ socket: await buyerOn(p.url), seatIds: [SEATS[k], SEATS[k + 1]] });
      }
    }
    const acks = await Promise.all(buyers.map((b) => request(b.socket, 'hold:create', { eventId: EVENT, seatIds: b.seatIds })));
    const won = new Map<string, number>();
    for (const [i, ack] of acks.entries()) {
      if (ack.ok) {
        for (const seatId of ack.hold.seatIds) won.set(seatId, (won.get(seatId) ?? 0) + 1);
      } else {
        expect(ack.error.code, JSON.stringify(ack.error)).toBe('seats_unavailable');
        // The refusal names a seat the loser asked for that someone else has.
        expect(ack.error.seatIds?.length).toBeGreaterThan(0);
        for (const seatId of ack.error.seatIds ?? []) expect(buyers[i].seatIds).toContain(seatId);
      }
    }
    expect(Math.max(...won.values())).toBe(1);
    expect(won.size).toBeGreaterThan(0);
    // Every viewer, on every process, reaches the same map and version.
    const { body: statuses } = await getJson<{ version: number; seats: Record<string, string> }>(`${cluster.processes[0].url}/api/events/${EVENT}/availability`);
    for (const viewer of viewers) await viewer.waitForVersion(statuses.version);
    for (const viewer of viewers) {
      for (const seatId of SEATS) expect(viewer.seats[seatId], `${seatId} on ${viewer.baseUrl}`).toBe(won.has(seatId) ? 'held' : 'available');
      expect(viewer.version).toBe(viewers[0].version);
    }
    // And every process's HTTP statuses say the same at that version.
    for (const p of cluster.processes) {
      await waitUntil(
        async () => (await getJson<{ version: number }>(`${p.url}/api/events/${EVENT}/availability`)).body.version >= statuses.version,
        `statuses of ${p.instanceId} at version ${statuses.version}`,
      );
      const { body } = await getJson<{ seats: Record<string, string> }>(`${p.url}/api/events/${EVENT}/availability`);
      for (const seatId of SEATS) expect(body.seats[seatId]).toBe(won.has(seatId) ? 'held' : 'available');
    }
    // Clean up for the next test: release every hold, from the socket that made it.
    // (A slow run may see them lapse first: the 4 s TTL.)
    for (const [i, ack] of acks.entries()) {
      if (!ack.ok) continue;
      const released = await request(buyers[i].socket, 'hold:release', { holdId: ack.hold.id });
      expect(released.ok || released.error.code === 'hold_expired', JSON.stringify(released)).toBe(true);
    }
  });

  it('a hold made through a process that does not own the event is confirmed through a third; the order is readable everywhere', async () => {
    const owner = (await cluster.ownerOf(EVENT))!;
    const others = cluster.processes.filter((p) => p !== owner);
    const { socket, token } = await connectBuyer(others[0].url);
    sockets.push(socket);
    const held = (await request(socket, 'hold:create', { eventId: EVENT, seatIds: [SEATS[0]], requestId: 'cluster-hold-1' })) as HoldAck;
    expect(held.ok, JSON.stringify(held)).toBe(true);
    if (!held.ok) return;
    // The same requestId again (a client retrying after no answer): the same hold, not a second one.
    const replayed = (await request(socket, 'hold:create', { eventId: EVENT, seatIds: [SEATS[0]], requestId: 'cluster-hold-1' })) as HoldAck;
    expect(replayed.ok && replayed.hold.id).toBe(held.hold.id);
    const { socket: second } = await connectBuyer(others[1].url, token);
    sockets.push(second);
    const confirmed = await request(second, 'hold:confirm', { holdId: held.hold.id, buyer: { name: 'Cluster Buyer', email: 'cluster@example.com' }, idempotencyKey: 'cluster-order-1' });
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    const again = await request(socket, 'hold:confirm', { holdId: held.hold.id, buyer: { name: 'Cluster Buyer', email: 'cluster@example.com' }, idempotencyKey: 'cluster-order-1' });
    expect(again.ok && again.order.id).toBe(confirmed.order.id);
    for (const p of cluster.processes) {
      const { status, body } = await getJson<{ order: { id: string } }>(`${p.url}/api/orders/${confirmed.order.id}`, token);
      expect(status).toBe(200);
      expect(body.order.id).toBe(confirmed.order.id);
    }
  });

  it('a hold expires: the seats return for the viewers of every process, and the holder hears of it on its own process', async () => {
    const owner = (await cluster.ownerOf(EVENT))!;
    const holderProcess = cluster.processes.find((p) => p !== owner)!;
    const viewers: SeatMapViewer[] = [];
    for (const p of cluster.processes) {
      const viewer = new SeatMapViewer(await buyerOn(p.url), EVENT, p.url);
      await viewer.join();
      viewers.push(viewer);
    }
    const holder = await buyerOn(holderProcess.url);
    const seatIds = [SEATS[3], SEATS[4]];
    const expired = new Promise<{ holdId: string; seatIds: string[] }>((resolve) => holder.once('hold:expired', resolve));
    const held = (await request(holder, 'hold:create', { eventId: EVENT, seatIds })) as HoldAck;
    expect(held.ok, JSON.stringify(held)).toBe(true);
    if (!held.ok) return;
    for (const viewer of viewers) await waitUntil(() => seatIds.every((s) => viewer.seats[s] === 'held'), `held on ${viewer.baseUrl}`);
    const notice = await expired;
    expect(notice.holdId).toBe(held.hold.id);
    expect(notice.seatIds.sort()).toEqual([...seatIds].sort());
    for (const viewer of viewers) await waitUntil(() => seatIds.every((s) => viewer.seats[s] === 'available'), `back on ${viewer.baseUrl}`);
    // The same version everywhere once the expiry is in.
    await waitUntil(() => viewers.every((v) => v.version === viewers[0].version), 'viewers at one version');
  });
});
