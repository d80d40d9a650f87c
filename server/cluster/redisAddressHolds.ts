// "Seats held at once per event per client address" (issue 12) for the whole
// cluster: MemoryAddressHoldLimit's semantics, counted in Redis so that a bot
// spread over N processes gets the limit once, not N times.
//
// Per event and address, two keys: a sorted set of entries scored by the
// time they stop counting, and a hash of their seats. An entry is either a
// hold (`h:<holdId>`, counting until expiresAt + holdGraceMs unless `ended`
// removes it first) or a reservation lot (`r:<lot>`: seats reserved by one
// `reserve` and not yet attached to a hold nor cancelled, counting for
// reservationTtlMs). So nothing is ever counted for good: a process that dies
// between reserve and attach leaves a lot that lapses by itself, and a hold
// whose end nobody reported stops counting shortly after its expiry. Every
// write sets both keys' PEXPIRE to their last deadline, so an address
// without holds costs Redis nothing. `hold:<holdId>` indexes a hold's keys
// for `ended` and `extended` (which every process calls for every hold).
// The interface names no reservation, so each process remembers its own lots
// (FIFO per event and address: the seats of one address's lots are alike).
//
// Times are the caller's clock (holds' expiresAt come from the owner's
// clock); Redis TTLs are relative, so only the processes' clocks must agree.
// The scripts are atomic: two processes can never both take the last seat.
//
// When Redis is unreachable, the same choice as RedisRateLimits (see its
// header) for the same reasons: failing closed would refuse every hold while
// Redis is down, failing open would drop the limit exactly when nobody
// watches. Each process counts in its own memory meanwhile (a
// MemoryAddressHoldLimit of the same limit), so during an outage an address
// can hold at most N times the limit, and holds made then are counted only by
// their process until they end. A reservation is settled where it was made.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { MemoryAddressHoldLimit, RETRY_WITHOUT_HOLDS_MS, type AddressHoldLimit } from '../waitingRoom/addressHolds';
import { redisConnection } from './redisConnection';
import { RedisFallback } from './redisFallback';

// KEYS[1]: deadlines (a sorted set), KEYS[2]: seats (a hash), of one event and address.
const HELPERS_LUA = `
local function purge(deadlines, seats, now)
  local gone = redis.call('ZRANGEBYSCORE', deadlines, '-inf', now)
  for _, member in ipairs(gone) do redis.call('HDEL', seats, member) end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', deadlines, '-inf', now) end
end
local function keepUntilLast(deadlines, seats, now)
  local last = redis.call('ZRANGE', deadlines, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('DEL', deadlines, seats)
    return
  end
  local ttl = math.max(1, math.ceil(tonumber(last[2]) - now))
  redis.call('PEXPIRE', deadlines, ttl)
  redis.call('PEXPIRE', seats, ttl)
end
local function takeLots(deadlines, seats, from)
  for i = from, #ARGV, 2 do
    local lot, n = ARGV[i], tonumber(ARGV[i + 1])
    -- A lot that lapsed (or a Redis that restarted empty) has nothing left to give back.
    if redis.call('HEXISTS', seats, lot) == 1 and redis.call('HINCRBY', seats, lot, -n) <= 0 then
      redis.call('HDEL', seats, lot)
      redis.call('ZREM', deadlines, lot)
    end
  end
end
`;

// ARGV: lot, seats, limit, now, lot deadline, hold grace ms, retry ms without holds.
// Returns 0 (reserved) or the ms until the address's earliest hold expires (at least 1 s).
const RESERVE_LUA = `${HELPERS_LUA}
local now = tonumber(ARGV[4])
purge(KEYS[1], KEYS[2], now)
local used = 0
for _, n in ipairs(redis.call('HVALS', KEYS[2])) do used = used + tonumber(n) end
local wanted = tonumber(ARGV[2])
if used + wanted > tonumber(ARGV[3]) then
  local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    if string.sub(entries[i], 1, 2) == 'h:' then
      return math.max(1000, math.ceil(tonumber(entries[i + 1]) - tonumber(ARGV[6]) - now))
    end
  end
  return math.max(1000, tonumber(ARGV[7]))
end
if wanted > 0 then
  redis.call('HINCRBY', KEYS[2], ARGV[1], wanted)
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
  keepUntilLast(KEYS[1], KEYS[2], now)
end
return 0
`;

// ARGV: now, then pairs of lot and seats to give back (negative: the lot grows).
const CANCEL_LUA = `${HELPERS_LUA}
takeLots(KEYS[1], KEYS[2], 2)
keepUntilLast(KEYS[1], KEYS[2], tonumber(ARGV[1]))
return 0
`;

// KEYS[3]: the hold's index. ARGV: now, the keys' base, hold member, hold seats, hold deadline, then lot pairs.
const ATTACH_LUA = `${HELPERS_LUA}
local now = tonumber(ARGV[1])
takeLots(KEYS[1], KEYS[2], 6)
local deadline = tonumber(ARGV[5])
if deadline > now and tonumber(ARGV[4]) > 0 then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  redis.call('ZADD', KEYS[1], deadline, ARGV[3])
  redis.call('SET', KEYS[3], ARGV[2], 'PX', math.ceil(deadline - now))
end
keepUntilLast(KEYS[1], KEYS[2], now)
return 0
`;

// The address keys are found through the hold's index, so they are not in KEYS:
// fine on a standalone Redis (the cluster's), not on a Redis Cluster.
const HOLD_KEYS_LUA = `
local base = redis.call('GET', KEYS[1])
if not base then return 0 end
local deadlines, seats = base .. ':d', base .. ':s'
`;

// KEYS[1]: the hold's index. ARGV: hold member, now. Idempotent.
const ENDED_LUA = `${HELPERS_LUA}${HOLD_KEYS_LUA}
redis.call('DEL', KEYS[1])
redis.call('ZREM', deadlines, ARGV[1])
redis.call('HDEL', seats, ARGV[1])
keepUntilLast(deadlines, seats, tonumber(ARGV[2]))
return 1
`;

// KEYS[1]: the hold's index. ARGV: hold member, new deadline, now. Only ever moves a deadline later.
const EXTENDED_LUA = `${HELPERS_LUA}${HOLD_KEYS_LUA}
local now, deadline = tonumber(ARGV[3]), tonumber(ARGV[2])
local current = redis.call('ZSCORE', deadlines, ARGV[1])
if not current or tonumber(current) >= deadline or deadline <= now then return 0 end
redis.call('ZADD', deadlines, deadline, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(deadline - now))
keepUntilLast(deadlines, seats, now)
return 1
`;

type ScriptedRedis = Redis & {
  seatlineAddressReserve(deadlines: string, seats: string, ...args: string[]): Promise<number>;
  seatlineAddressCancel(deadlines: string, seats: string, ...args: string[]): Promise<number>;
  seatlineAddressAttach(deadlines: string, seats: string, index: string, ...args: string[]): Promise<number>;
  seatlineAddressEnded(index: string, member: string, now: string): Promise<number>;
  seatlineAddressExtended(index: string, member: string, deadline: string, now: string): Promise<number>;
};

export interface RedisAddressHoldOptions {
  redisUrl: string;
  logger: Logger;
  /** Seats one address may hold at once per event. */
  limit: number;
  /** The holds' clock (the server's clock): `now` of cancel, attach, extended and ended. */
  clock: () => number;
  /** Prefix of every key (default `seatline:ah`). */
  keyPrefix?: string;
  /** A reservation neither attached nor cancelled by then lapses: its process died in between (default 30 s). */
  reservationTtlMs?: number;
  /** A hold whose end nobody reported stops counting this long after its expiry (default 10 s). */
  holdGraceMs?: number;
  /** A command that Redis has not answered after this long counts locally (default 200 ms). */
  commandTimeoutMs?: number;
  /** After a failure, Redis is left alone for this long (default 1 s; real time). */
  retryAfterFailureMs?: number;
  /** Longest wait between reconnection attempts (default 1 s). */
  reconnectMaxMs?: number;
}

/** Seats of one reserve not settled yet, and where they were counted. */
interface Lot {
  member: string;
  seats: number;
  shared: boolean;
}

const encode = encodeURIComponent; // no ':' survives, so keys cannot run into each other

export class RedisAddressHoldLimit implements AddressHoldLimit {
  private readonly link: RedisFallback<ScriptedRedis>;
  private readonly options: Required<RedisAddressHoldOptions>;
  private readonly local: MemoryAddressHoldLimit;
  /** This process's unsettled reservations, by event and address. */
  private readonly lots = new Map<string, Lot[]>();
  private readonly lotPrefix = `r:${randomUUID()}:`;
  private lotCount = 0;

  constructor(options: RedisAddressHoldOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error('address hold limit: limit must be a positive integer');
    this.options = { keyPrefix: 'seatline:ah', reservationTtlMs: 30_000, holdGraceMs: 10_000, commandTimeoutMs: 200, retryAfterFailureMs: 1_000, reconnectMaxMs: 1_000, ...options };
    this.local = new MemoryAddressHoldLimit(options.limit);
    const redis = redisConnection(options.redisUrl, {
      connectionName: 'seatline:address-holds',
      commandTimeoutMs: this.options.commandTimeoutMs,
      reconnectMaxMs: this.options.reconnectMaxMs,
    }) as ScriptedRedis;
    redis.defineCommand('seatlineAddressReserve', { numberOfKeys: 2, lua: RESERVE_LUA });
    redis.defineCommand('seatlineAddressCancel', { numberOfKeys: 2, lua: CANCEL_LUA });
    redis.defineCommand('seatlineAddressAttach', { numberOfKeys: 3, lua: ATTACH_LUA });
    redis.defineCommand('seatlineAddressEnded', { numberOfKeys: 1, lua: ENDED_LUA });
    redis.defineCommand('seatlineAddressExtended', { numberOfKeys: 1, lua: EXTENDED_LUA });
    this.link = new RedisFallback(redis, {
      logger: options.logger,
      retryAfterFailureMs: this.options.retryAfterFailureMs,
      clock: Date.now, // real time: the holds' clock may be a test's fake one
      messages: {
        down: 'address hold limit: Redis is unreachable; counting held seats per process until it is back (each process allows the full limit)',
        back: 'address hold limit: Redis is back; held seats are counted cluster-wide again',
      },
    });
  }

  /** Connects; if Redis is not reachable now, logs it and keeps trying (counting locally meanwhile). */
  start(): Promise<void> {
    return this.link.start();
  }

  /** True while the count is Redis's (false during an outage: this process's memory). */
  get usingRedis(): boolean {
    return this.link.usingRedis;
  }

  close(): Promise<void> {
    return this.link.close();
  }

  async reserve(eventId: string, addressKey: string, seats: number, now: number): Promise<number> {
    const key = this.keyOf(eventId, addressKey);
    if (this.usingRedis) {
      const member = `${this.lotPrefix}${++this.lotCount}`;
      const o = this.options;
      try {
        const waitMs = await this.link.run((redis) =>
          redis.seatlineAddressReserve(`${key}:d`, `${key}:s`, member, String(seats), String(o.limit), String(now), String(now + o.reservationTtlMs), String(o.holdGraceMs), String(RETRY_WITHOUT_HOLDS_MS)),
        );
        if (waitMs === 0 && seats > 0) this.addLot(key, { member, seats, shared: true });
        return waitMs;
      } catch {
        // The outage has begun (logged once): count here.
      }
    }
    const waitMs = await this.local.reserve(eventId, addressKey, seats, now);
    if (waitMs === 0 && seats > 0) this.addLot(key, { member: '', seats, shared: false });
    return waitMs;
  }

  async cancel(eventId: string, addressKey: string, seats: number): Promise<void> {
    const key = this.keyOf(eventId, addressKey);
    const { shared, localSeats } = this.takeLots(key, seats);
    if (localSeats !== 0) await this.local.cancel(eventId, addressKey, localSeats);
    if (shared.length === 0 || !this.usingRedis) return; // unreachable: the lots lapse by themselves
    await this.settle((redis) => redis.seatlineAddressCancel(`${key}:d`, `${key}:s`, String(this.options.clock()), ...shared));
  }

  async attach(holdId: string, eventId: string, addressKey: string, seats: number, expiresAt: number): Promise<void> {
    const key = this.keyOf(eventId, addressKey);
    const { shared, sharedSeats, localSeats } = this.takeLots(key, seats);
    // Seats reserved here stay counted here; a hold reserved across an outage's edge is counted in both parts.
    if (localSeats > 0) await this.local.attach(holdId, eventId, addressKey, localSeats, expiresAt);
    if (sharedSeats <= 0 || !this.usingRedis) return; // unreachable: the lots lapse, the hold is not counted in Redis
    const args = [String(this.options.clock()), key, `h:${holdId}`, String(sharedSeats), String(expiresAt + this.options.holdGraceMs), ...shared];
    await this.settle((redis) => redis.seatlineAddressAttach(`${key}:d`, `${key}:s`, this.indexOf(holdId), ...args));
  }

  async extended(holdId: string, expiresAt: number): Promise<void> {
    await this.local.extended(holdId, expiresAt);
    if (!this.usingRedis) return; // unreachable: the entry may lapse before the hold ends (counted too little, briefly)
    await this.settle((redis) => redis.seatlineAddressExtended(this.indexOf(holdId), `h:${holdId}`, String(expiresAt + this.options.holdGraceMs), String(this.options.clock())));
  }

  async ended(holdId: string): Promise<void> {
    await this.local.ended(holdId);
    if (!this.usingRedis) return; // unreachable: the entry lapses holdGraceMs after the hold's expiry
    await this.settle((redis) => redis.seatlineAddressEnded(this.indexOf(holdId), `h:${holdId}`, String(this.options.clock())));
  }

  private keyOf(eventId: string, addressKey: string): string {
    return `${this.options.keyPrefix}:${encode(eventId)}:${encode(addressKey)}`;
  }

  private indexOf(holdId: string): string {
    return `${this.options.keyPrefix}:hold:${encode(holdId)}`;
  }

  private addLot(key: string, lot: Lot): void {
    const lots = this.lots.get(key);
    if (lots) lots.push(lot);
    else this.lots.set(key, [lot]);
  }

  /**
   * Settles `seats` of this process's reservations for `key`, oldest first: the Redis lots to
   * take from (as script arguments) and the seats reserved locally. Negative seats grow the
   * newest lot (the loop held more than was reserved, as the memory limit allows).
   */
  private takeLots(key: string, seats: number): { shared: string[]; sharedSeats: number; localSeats: number } {
    const lots = this.lots.get(key) ?? [];
    const shared: string[] = [];
    let sharedSeats = 0;
    let localSeats = 0;
    const settle = (lot: Lot, n: number) => {
      if (lot.shared) {
        shared.push(lot.member, String(n));
        sharedSeats += n;
      } else localSeats += n;
    };
    if (seats < 0) {
      const newest = lots.at(-1);
      if (newest) {
        newest.seats -= seats;
        settle(newest, seats);
      } else localSeats += seats;
      return { shared, sharedSeats, localSeats };
    }
    let left = seats;
    while (left > 0 && lots.length > 0) {
      const lot = lots[0];
      const n = Math.min(left, lot.seats);
      settle(lot, n);
      lot.seats -= n;
      left -= n;
      if (lot.seats === 0) lots.shift();
    }
    if (lots.length === 0) this.lots.delete(key);
    // More than was reserved: like the memory limit, take it from what is counted here.
    localSeats += left;
    return { shared, sharedSeats, localSeats };
  }

  /** Runs a settling command; a failure starts an outage (the caller's answer does not depend on it). */
  private async settle(command: (redis: ScriptedRedis) => Promise<number>): Promise<void> {
    await this.link.run(command).catch(() => undefined);
  }
}
