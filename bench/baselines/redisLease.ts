// Baseline 3 — Redis lease: each seat of a hold is a key taken with
// `SET seat NX PX ttl` (all-or-nothing: on any miss the seats already taken
// are given back), the hold itself is a key with the same TTL, and expiry is
// Redis dropping the keys. A confirm atomically turns the seat keys into
// "sold" markers (a Lua check-and-set) and then writes the order and
// tickets to SQLite in its own transaction (one per request). Holds are not
// written to SQLite, and the per-buyer seat limit is not enforced here:
// both favour this baseline.
import { Redis } from 'ioredis';
import { createBatchWriter } from '../../db/sqlite/batchWriter';
import type { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { Failure, Hold, Order, Outcome } from '../../core/types';
import type { DesignFactory } from './design';

const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });

// KEYS = seat keys; ARGV[1] = expected owner (hold id). Deletes those still owned.
const RELEASE = `for i, k in ipairs(KEYS) do if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end end return 1`;
// KEYS = seat keys; ARGV[1] = hold id, ARGV[2] = sold marker. All still owned → mark sold, else 0.
const SELL = `for i, k in ipairs(KEYS) do if redis.call('GET', k) ~= ARGV[1] then return 0 end end
for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[2]) end return 1`;

type Scripted = Redis & {
  releaseSeats(numKeys: number, ...args: string[]): Promise<number>;
  sellSeats(numKeys: number, ...args: string[]): Promise<number>;
};

export const redisDesign: DesignFactory<SqliteStore> = async ({ store, eventId, holdTtlMs, ids, redisUrl }) => {
  if (!redisUrl) throw new Error('the Redis design needs a redis-server (redisUrl)');
  const redis = new Redis(redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 1, lazyConnect: true }) as Scripted;
  await redis.connect();
  await redis.flushdb();
  redis.defineCommand('releaseSeats', { lua: RELEASE });
  redis.defineCommand('sellSeats', { lua: SELL });
  const db = store.handle.sqlite;
  const writer = createBatchWriter(db);
  let version = db.prepare('SELECT version FROM events WHERE id = ?').pluck().get(eventId) as number;
  const price = new Map<string, number>();
  for (const row of db.prepare('SELECT id, price_cents FROM seats WHERE event_id = ?').all(eventId) as { id: string; price_cents: number }[]) {
    price.set(row.id, row.price_cents);
  }
  const seatKey = (seatId: string) => `seat:${eventId}:${seatId}`;
  const holdKey = (holdId: string) => `hold:${holdId}`;
  let transactions = 0;

  async function hold(buyerId: string, seatIds: string[]): Promise<Outcome> {
    if (seatIds.some((s) => !price.has(s))) return fail('not_found', 'Some seats do not exist in this event.');
    const now = Date.now();
    const h: Hold = { id: ids.holdId(), eventId, buyerId, seatIds: [...seatIds], createdAt: now, expiresAt: now + holdTtlMs, extensions: 0 };
    const keys = seatIds.map(seatKey);
    const got = await Promise.all(keys.map((k) => redis.set(k, h.id, 'PX', holdTtlMs, 'NX')));
    const taken = seatIds.filter((_, i) => got[i] !== 'OK');
    if (taken.length) {
      const mine = keys.filter((_, i) => got[i] === 'OK');
      if (mine.length) await redis.releaseSeats(mine.length, ...mine, h.id);
      return { ...fail('seats_unavailable', 'Some seats are no longer available.'), seatIds: taken };
    }
    await redis.set(holdKey(h.id), JSON.stringify(h), 'PX', holdTtlMs);
    return { ok: true, type: 'held', hold: h };
  }

  async function ownHold(buyerId: string, holdId: string): Promise<Hold | Failure> {
    const json = await redis.get(holdKey(holdId));
    if (!json) return fail('hold_expired', 'The hold expired or ended.');
    const h = JSON.parse(json) as Hold;
    return h.buyerId === buyerId ? h : fail('not_hold_owner', 'This hold belongs to someone else.');
  }

  async function confirm(buyerId: string, holdId: string, idempotencyKey: string, buyer: Order['buyer']): Promise<Outcome> {
    const h = await ownHold(buyerId, holdId);
    if ('ok' in h) return h;
    const now = Date.now();
    const order: Order = {
      id: ids.orderId(),
      eventId,
      holdId,
      buyerId,
      buyer,
      idempotencyKey,
      totalCents: 0,
      createdAt: now,
      tickets: h.seatIds.map((seatId) => ({ id: ids.ticketId(), seatId, priceCents: price.get(seatId)!, code: ids.ticketCode() })),
    };
    order.totalCents = order.tickets.reduce((sum, t) => sum + t.priceCents, 0);
    const keys = h.seatIds.map(seatKey);
    if ((await redis.sellSeats(keys.length, ...keys, holdId, `sold:${order.id}`)) !== 1) {
      return fail('hold_expired', 'The hold expired; its seats were released.');
    }
    try {
      transactions++;
      writer.write(eventId, [{ kind: 'order_created', order }], version + 1, 'EUR');
      version++;
    } catch (error) {
      await redis.releaseSeats(keys.length, ...keys, `sold:${order.id}`);
      throw error;
    }
    await redis.del(holdKey(holdId));
    return { ok: true, type: 'confirmed', order, replayed: false };
  }

  async function release(buyerId: string, holdId: string): Promise<Outcome> {
    const h = await ownHold(buyerId, holdId);
    if ('ok' in h) return h;
    const keys = h.seatIds.map(seatKey);
    await redis.releaseSeats(keys.length, ...keys, holdId);
    await redis.del(holdKey(holdId));
    return { ok: true, type: 'released', holdId, seatIds: h.seatIds };
  }

  return {
    submit(command, reply) {
      const run = (): Promise<Outcome> => {
        switch (command.type) {
          case 'hold':
            return hold(command.buyerId, command.seatIds);
          case 'confirm':
            return confirm(command.buyerId, command.holdId, command.idempotencyKey, command.buyer);
          case 'release':
            return release(command.buyerId, command.holdId);
          default:
            return Promise.resolve(fail('invalid_request', `${command.type} is not benchmarked`));
        }
      };
      run().then(reply, (error: unknown) => reply(fail('internal', String(error))));
    },
    stats: () => ({ transactions }),
    async close() {
      redis.disconnect();
    },
  };
};
