// The linearizability workload, shared by the one-process test
// (server.lin.test.ts) and the cluster test (tests/cluster/linearizability.test.ts):
// clients over Socket.IO and HTTP, each with its own buyer session, doing
// holds, extensions, releases and confirmations on a small hot set of seats,
// recorded for the checker.
import type { ConfirmAck, HoldAck, ReleaseAck } from '../../lib/protocol';
import { HistoryRecorder, fromConfirmAck, fromHoldAck, fromReleaseAck, type HistoryEntry, type OpResult } from './history';
import { connectBuyer, request, seededRandom, sendJson, stallsCentreSeats, type TestSocket } from '../server/helpers';

export const EVENT = 'demo-theatre';
export const HOT = stallsCentreSeats().slice(0, 30); // SC-A-1 .. SC-B-14
const BUYER = { name: 'Ada Lovelace', email: 'ada@example.com' };
export const RULES = { maxSeatsPerBuyer: 50, maxExtensions: 1 }; // demo events allow one extension

/** One way of talking to the server; every call resolves with the outcome. */
export interface Transport {
  hold(seatIds: string[]): Promise<OpResult>;
  extend(holdId: string): Promise<OpResult>;
  release(holdId: string): Promise<OpResult>;
  confirm(holdId: string, key: string): Promise<OpResult>;
}

export function socketTransport(socket: TestSocket): Transport {
  return {
    hold: async (seatIds) => fromHoldAck(await request(socket, 'hold:create', { eventId: EVENT, seatIds })),
    extend: async (holdId) => fromHoldAck(await request(socket, 'hold:extend', { holdId })),
    release: async (holdId) => fromReleaseAck(await request(socket, 'hold:release', { holdId })),
    confirm: async (holdId, key) => fromConfirmAck(await request(socket, 'hold:confirm', { holdId, buyer: BUYER, idempotencyKey: key })),
  };
}

export function httpTransport(url: string, token: string): Transport {
  return {
    hold: async (seatIds) => fromHoldAck((await sendJson<HoldAck>('POST', `${url}/api/events/${EVENT}/holds`, { seatIds }, token)).body),
    extend: async (holdId) => fromHoldAck((await sendJson<HoldAck>('POST', `${url}/api/holds/${holdId}/extend`, {}, token)).body),
    release: async (holdId) => fromReleaseAck((await sendJson<ReleaseAck>('DELETE', `${url}/api/holds/${holdId}`, undefined, token)).body),
    confirm: async (holdId, key) =>
      fromConfirmAck((await sendJson<ConfirmAck>('POST', `${url}/api/holds/${holdId}/confirm`, { buyer: BUYER }, token, { 'idempotency-key': key })).body),
  };
}

export interface Client {
  name: string;
  api: Transport;
}

/** What clients share: everyone's hold ids (to act on someone else's), and how many hot seats are sold. */
export interface SharedPool {
  holds: string[];
  sold: number;
}
/** Keep half the hot seats unsold, so that seats keep changing hands until the end. */
const MAX_SOLD = HOT.length / 2;

/**
 * One client's workload: mostly its own holds (confirm, release, extend),
 * sometimes a replay or a key conflict, sometimes someone else's hold or one
 * that never existed. `pause` runs before each operation.
 */
export async function runClient(c: Client, rec: HistoryRecorder, ops: number, seed: number, pool: SharedPool, pause: (rnd: () => number) => Promise<void>) {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const mine: string[] = [];
  const orders: { holdId: string; key: string }[] = [];
  let keys = 0;
  const newKey = () => `${c.name}-key-${++keys}-${seed}`;
  const run = (op: HistoryEntry['op'], args: HistoryEntry['args'], call: () => Promise<OpResult>) => rec.record(c.name, c.name, op, args, call);

  /** Operations queued to run next: right after a sale, a replay and a second key for the same hold. */
  const followUps: { holdId: string; key: string }[] = [];
  if (seed % 20 === 0) followUps.push({ holdId: 'h_never_existed', key: newKey() });

  for (let k = 0; k < ops; k++) {
    await pause(rnd);
    const roll = rnd();
    const own = mine.length ? mine[int(mine.length)] : null;
    const followUp = followUps.shift();
    if (followUp) {
      await run('confirm', followUp, () => c.api.confirm(followUp.holdId, followUp.key));
    } else if (own === null || roll < 0.15) {
      const seatIds = [...new Set(Array.from({ length: 1 + int(3) }, () => HOT[int(HOT.length)]))];
      const r = await run('hold', { seatIds }, () => c.api.hold(seatIds));
      if (r.ok) {
        mine.push(r.holdId!);
        pool.holds.push(r.holdId!);
      }
    } else if (roll < 0.3 && pool.sold < MAX_SOLD) {
      const key = newKey();
      const r = await run('confirm', { holdId: own, key }, () => c.api.confirm(own, key));
      mine.splice(mine.indexOf(own), 1);
      if (r.ok) {
        orders.push({ holdId: own, key });
        pool.sold += r.seatIds!.length;
        followUps.push({ holdId: own, key }, { holdId: own, key: newKey() }); // replayed, then already_confirmed
      }
    } else if (roll < 0.4 && orders.length) {
      // A replay (same hold, same key), a second key for a sold hold, or a used key on another hold.
      const o = orders[int(orders.length)];
      const [holdId, key] = rnd() < 0.6 ? [o.holdId, o.key] : rnd() < 0.5 ? [o.holdId, newKey()] : [own, o.key];
      await run('confirm', { holdId, key }, () => c.api.confirm(holdId, key));
    } else if (roll < 0.75) {
      await run('release', { holdId: own }, () => c.api.release(own));
      mine.splice(mine.indexOf(own), 1);
    } else if (roll < 0.9) {
      await run('extend', { holdId: own }, () => c.api.extend(own));
    } else {
      const other = pool.holds.length && rnd() < 0.85 ? pool.holds[int(pool.holds.length)] : 'h_never_existed';
      if (rnd() < 0.5) await run('release', { holdId: other }, () => c.api.release(other));
      else {
        const key = newKey();
        await run('confirm', { holdId: other, key }, () => c.api.confirm(other, key));
      }
    }
  }
}

/** Half the clients on Socket.IO, half on HTTP, each with its own buyer session, spread over the servers' URLs in turn. */
export async function openClients(urls: readonly string[], n: number, sockets: TestSocket[]): Promise<Client[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i): Promise<Client> => {
      const url = urls[i % urls.length];
      const { body } = await sendJson<{ token: string }>('POST', `${url}/api/session`, undefined);
      if (Math.floor(i / urls.length) % 2 === 0) {
        const { socket } = await connectBuyer(url, body.token);
        sockets.push(socket);
        return { name: `ws${i}`, api: socketTransport(socket) };
      }
      return { name: `http${i}`, api: httpTransport(url, body.token) };
    }),
  );
}

export function tally(history: HistoryEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of history) {
    const label = `${e.op}:${e.result.ok ? (e.result.replayed ? 'replayed' : 'ok') : e.result.code}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

