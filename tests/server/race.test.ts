// Many real Socket.IO buyers racing for the same seats on a real server:
// exactly one winner per seat, all-or-nothing multi-seat holds, precise
// loser errors, and viewers that converge on the committed map with
// consecutive versions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HoldAck } from '../../lib/protocol';
import {
  closeSockets,
  connectBuyers,
  getJson,
  request,
  SeatMapViewer,
  seededRandom,
  stallsCentreSeats,
  startTestServer,
  type TestServer,
  type TestSocket,
} from './helpers';

const EVENT = 'demo-theatre';
const BUYERS = 50;
const VIEWERS = 5;
const SEATS = stallsCentreSeats().slice(0, 10); // SC-A-1 .. SC-A-10

interface Availability {
  ok: true;
  eventId: string;
  version: number;
  seats: Record<string, 'available' | 'held' | 'sold'>;
}

let server: TestServer;
let sockets: TestSocket[] = [];

beforeEach(async () => {
  // Random seat picks: the no-orphan rule would refuse some (it is tested in tests/server/bestAvailable.test.ts).
  server = await startTestServer({}, { seededCopy: true, preventOrphanSeats: false });
  sockets = [];
});

afterEach(async () => {
  closeSockets(sockets);
  await server?.stop();
});

async function joinViewers(n: number): Promise<{ viewers: SeatMapViewer[]; startVersion: number }> {
  const conns = await connectBuyers(server.url, n);
  sockets.push(...conns.map((c) => c.socket));
  const viewers = conns.map((c) => new SeatMapViewer(c.socket, EVENT, server.url));
  await Promise.all(viewers.map((v) => v.join()));
  const startVersion = viewers[0].version;
  for (const v of viewers) expect(v.version).toBe(startVersion);
  return { viewers, startVersion };
}

async function availability(): Promise<Availability> {
  const { status, body } = await getJson<Availability>(`${server.url}/api/events/${EVENT}/availability`);
  expect(status).toBe(200);
  return body;
}

/** Every viewer reaches the final version, has no gaps, saw consecutive versions and holds the same map as GET. */
async function expectViewersConverged(viewers: SeatMapViewer[], startVersion: number, final: Availability): Promise<void> {
  expect(final.version).toBeGreaterThan(startVersion);
  await Promise.all(viewers.map((v) => v.waitForVersion(final.version, 10_000)));
  for (const v of viewers) {
    expect(v.gaps).toBe(0);
    expect(v.version).toBe(final.version);
    const versions = v.updates.map((u) => u.version);
    // Joined before the first change: every committed batch arrives, in order, each exactly +1.
    expect(versions).toEqual(Array.from({ length: final.version - startVersion }, (_, i) => startVersion + 1 + i));
    for (const u of v.updates) {
      expect(u.eventId).toBe(EVENT);
      expect(u.changes.length).toBeGreaterThan(0);
    }
    expect(v.seats).toEqual(final.seats);
  }
}

function heldSeatsOf(map: Record<string, string>): string[] {
  return Object.entries(map)
    .filter(([, s]) => s !== 'available')
    .map(([id]) => id)
    .sort();
}

describe('50 buyers race for the same 10 seats', () => {
  it('one winner per seat; every loser gets seats_unavailable naming exactly its seat; viewers converge', async () => {
    const { viewers, startVersion } = await joinViewers(VIEWERS);
    const buyers = await connectBuyers(server.url, BUYERS);
    sockets.push(...buyers.map((b) => b.socket));

    const wanted = buyers.map((_, i) => SEATS[i % SEATS.length]);
    // All 50 emitted in the same turn.
    const acks: HoldAck[] = await Promise.all(
      buyers.map((b, i) => request(b.socket, 'hold:create', { eventId: EVENT, seatIds: [wanted[i]] })),
    );

    const winnerBySeat = new Map<string, number>();
    let losers = 0;
    acks.forEach((ack, i) => {
      if (ack.ok) {
        expect(ack.hold.eventId).toBe(EVENT);
        expect(ack.hold.seatIds).toEqual([wanted[i]]);
        expect(winnerBySeat.has(wanted[i]), `seat ${wanted[i]} acked to two buyers`).toBe(false);
        winnerBySeat.set(wanted[i], i);
      } else {
        losers++;
        expect(ack.error.code).toBe('seats_unavailable');
        expect(ack.error.seatIds).toEqual([wanted[i]]);
      }
    });
    expect(acks.filter((a) => a.ok)).toHaveLength(SEATS.length);
    expect([...winnerBySeat.keys()].sort()).toEqual([...SEATS].sort());
    expect(losers).toBe(BUYERS - SEATS.length);

    const final = await availability();
    expect(heldSeatsOf(final.seats)).toEqual([...SEATS].sort());
    for (const seat of SEATS) expect(final.seats[seat]).toBe('held');

    // The database agrees: one live hold per winner, one held_seats row per seat.
    expect(await server.sql.get(`SELECT COUNT(*) AS n FROM holds WHERE event_id = ? AND status = 'active'`, EVENT)).toEqual({ n: 10 });
    const heldRows = await server.sql.all<{ seat_id: string }>(`SELECT seat_id FROM held_seats WHERE event_id = ? ORDER BY seat_id`, EVENT);
    expect(heldRows.map((r) => r.seat_id)).toEqual([...SEATS].sort());

    await expectViewersConverged(viewers, startVersion, final);
  });

  it.each([1, 2, 3])('overlapping 1–3 seat requests are all-or-nothing (seed %i)', async (seed) => {
    const { viewers, startVersion } = await joinViewers(2);
    const buyers = await connectBuyers(server.url, BUYERS);
    sockets.push(...buyers.map((b) => b.socket));

    const rng = seededRandom(seed);
    const requests = buyers.map(() => {
      const k = 1 + Math.floor(rng() * 3);
      const pool = [...SEATS];
      const pick: string[] = [];
      while (pick.length < k) pick.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
      return pick;
    });

    const acks: HoldAck[] = await Promise.all(
      buyers.map((b, i) => request(b.socket, 'hold:create', { eventId: EVENT, seatIds: requests[i] })),
    );

    const owner = new Map<string, number>();
    const winners: number[] = [];
    acks.forEach((ack, i) => {
      if (!ack.ok) return;
      winners.push(i);
      expect(ack.hold.seatIds).toEqual(requests[i]);
      for (const seat of ack.hold.seatIds) {
        expect(owner.has(seat), `seat ${seat} is in two acked holds (buyers ${owner.get(seat)} and ${i})`).toBe(false);
        owner.set(seat, i);
      }
    });
    expect(winners.length).toBeGreaterThan(0);

    acks.forEach((ack, i) => {
      if (ack.ok) return;
      expect(ack.error.code).toBe('seats_unavailable');
      const named = ack.error.seatIds ?? [];
      expect(named.length).toBeGreaterThan(0);
      expect(new Set(named).size).toBe(named.length);
      for (const seat of named) {
        expect(requests[i], `loser ${i} was told about a seat it did not ask for`).toContain(seat);
        expect(owner.has(seat), `loser ${i} was refused ${seat}, but no acked hold has it`).toBe(true);
      }
    });

    const final = await availability();
    expect(heldSeatsOf(final.seats)).toEqual([...owner.keys()].sort());

    // All-or-nothing in storage too: the live holds are exactly the acked ones, with exactly their seats.
    const rows = await server.sql.all<{ id: string; seat_ids_json: string }>(`SELECT id, seat_ids_json FROM holds WHERE event_id = ? AND status = 'active'`, EVENT);
    const ackedHolds = new Map(winners.map((i) => [(acks[i] as Extract<HoldAck, { ok: true }>).hold.id, requests[i]]));
    expect(rows).toHaveLength(ackedHolds.size);
    for (const row of rows) expect(JSON.parse(row.seat_ids_json)).toEqual(ackedHolds.get(row.id));

    await expectViewersConverged(viewers, startVersion, final);
  });
});
