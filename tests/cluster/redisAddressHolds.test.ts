// "Seats held at once per event per address" counted in Redis (issue 12) on a
// real Redis: the memory limit's behaviour (one contract run against both),
// one count shared by several processes' limits under concurrent reserves,
// lapse of what nobody settles, and Redis going away. Hold times are a fake
// clock; the Redis keys' TTLs are relative to it, so they are real durations.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisAddressHoldLimit, type RedisAddressHoldOptions } from '../../server/cluster/redisAddressHolds';
import { MemoryAddressHoldLimit, RETRY_WITHOUT_HOLDS_MS, type AddressHoldLimit } from '../../server/waitingRoom/addressHolds';
import { startRedis, type LocalRedis } from '../../scripts/localServices';
import { seededRandom } from '../support/random';
import { captureLog } from './helpers';

const T0 = 1_700_000_000_000;
const HOLD_TTL = 600_000;

let redis: LocalRedis;
let raw: Redis;
const opened: RedisAddressHoldLimit[] = [];
let prefixNo = 0;
const freshPrefix = () => `test-ah${++prefixNo}`;

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limit) => limit.close()));
});

type Options = Partial<RedisAddressHoldOptions> & Pick<RedisAddressHoldOptions, 'limit' | 'clock' | 'keyPrefix'>;

/** One process's limit (its own connection). */
async function open(options: Options, url = redis.url): Promise<RedisAddressHoldLimit> {
  // A generous command timeout: on a loaded machine a slow answer must not look like an outage here.
  const limit = new RedisAddressHoldLimit({ redisUrl: url, logger: captureLog().logger, commandTimeoutMs: 10_000, ...options });
  opened.push(limit);
  await limit.start();
  return limit;
}

/** The keys a prefix has in Redis. */
const keysOf = (prefix: string) => raw.keys(`${prefix}:*`);

const implementations: [string, (limit: number, clock: () => number) => Promise<AddressHoldLimit>][] = [
  ['memory', async (limit) => new MemoryAddressHoldLimit(limit)],
  ['Redis', (limit, clock) => open({ limit, clock, keyPrefix: freshPrefix() })],
];

describe.each(implementations)('the address hold limit (%s)', (_name, make) => {
  let now = T0;
  const clock = () => now;
  const setup = async (limit: number) => {
    now = T0;
    return make(limit, clock);
  };

  it('reserves up to the limit; past it, refused while only reservations count (no hold end to wait for)', async () => {
    const limit = await setup(5);
    expect(await limit.reserve('e1', 'a', 3, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(RETRY_WITHOUT_HOLDS_MS);
    // Other addresses and other events count apart.
    expect(await limit.reserve('e1', 'b', 5, now)).toBe(0);
    expect(await limit.reserve('e2', 'a', 5, now)).toBe(0);
    // A request bigger than the limit is never allowed.
    expect(await limit.reserve('e3', 'a', 6, now)).toBeGreaterThan(0);
  });

  it('a cancelled reservation gives its seats back', async () => {
    const limit = await setup(4);
    expect(await limit.reserve('e1', 'a', 4, now)).toBe(0);
    await limit.cancel('e1', 'a', 4);
    expect(await limit.reserve('e1', 'a', 4, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 1, now)).toBeGreaterThan(0);
  });

  it('an attached hold counts until it ends; Retry-After is the wait for the earliest hold’s expiry', async () => {
    const limit = await setup(4);
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    await limit.attach('h1', 'e1', 'a', 2, now + HOLD_TTL);
    now += 100_000;
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    await limit.attach('h2', 'e1', 'a', 2, now + HOLD_TTL);
    now += 50_000;
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(T0 + HOLD_TTL - now); // h1 ends first
    await limit.ended('h1');
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(T0 + 100_000 + HOLD_TTL - now); // now h2
  });

  it('Retry-After is at least a second, however close the earliest hold is to its end', async () => {
    const limit = await setup(1);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(0);
    await limit.attach('h1', 'e1', 'a', 1, now + 5_000);
    now += 4_800;
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(1000);
  });

  it('ended is idempotent and ignores holds it never saw (every process hears of every hold)', async () => {
    const limit = await setup(4);
    expect(await limit.reserve('e1', 'a', 3, now)).toBe(0);
    await limit.attach('h1', 'e1', 'a', 3, now + HOLD_TTL);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(0);
    await limit.attach('h2', 'e1', 'a', 1, now + HOLD_TTL);
    await limit.ended('h1');
    await limit.ended('h1');
    await limit.ended('someone-else');
    expect(await limit.reserve('e1', 'a', 3, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 1, now)).toBeGreaterThan(0); // h2 still counts
  });

  it('the hold guard’s partial cancel (the loop held fewer places than asked) counts what is held', async () => {
    const limit = await setup(6);
    expect(await limit.reserve('e1', 'a', 6, now)).toBe(0);
    await limit.cancel('e1', 'a', 2);
    await limit.attach('h1', 'e1', 'a', 4, now + HOLD_TTL);
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 1, now)).toBeGreaterThan(0);
    await limit.ended('h1');
    expect(await limit.reserve('e1', 'a', 4, now)).toBe(0);
  });

  it('an extended hold moves Retry-After to its new expiry', async () => {
    const limit = await setup(2);
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    await limit.attach('h1', 'e1', 'a', 2, now + HOLD_TTL);
    await limit.extended('h1', now + 2 * HOLD_TTL);
    await limit.extended('unknown', now + 3 * HOLD_TTL);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(2 * HOLD_TTL);
    await limit.ended('h1');
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
  });

  it('interleaved hold attempts of one address settle to exactly what is held (seeded random)', async () => {
    const limit = await setup(10);
    const random = seededRandom(12);
    const live: { id: string; seats: number }[] = [];
    let holdNo = 0;
    for (let step = 0; step < 300; step++) {
      const held = live.reduce((sum, h) => sum + h.seats, 0);
      if (live.length > 0 && random() < 0.35) {
        const [ended] = live.splice(Math.floor(random() * live.length), 1);
        await limit.ended(ended.id);
        continue;
      }
      const asked = 1 + Math.floor(random() * 4);
      const wait = await limit.reserve('e1', 'a', asked, now);
      expect(wait === 0, `step ${step}: ${held} held, ${asked} asked`).toBe(held + asked <= 10);
      if (wait > 0) continue;
      const got = random() < 0.3 ? 0 : 1 + Math.floor(random() * asked);
      if (got === 0) {
        await limit.cancel('e1', 'a', asked);
      } else {
        if (got < asked) await limit.cancel('e1', 'a', asked - got);
        const id = `h${++holdNo}`;
        await limit.attach(id, 'e1', 'a', got, now + HOLD_TTL);
        live.push({ id, seats: got });
      }
    }
  });
});

describe('RedisAddressHoldLimit: one count for the whole cluster', () => {
  it('concurrent reserves from four processes grant exactly the limit; ended from any process gives the seats back once', async () => {
    const keyPrefix = freshPrefix();
    const now = T0;
    const limits = await Promise.all([1, 2, 3, 4].map(() => open({ limit: 40, clock: () => now, keyPrefix })));
    const waits = await Promise.all(Array.from({ length: 200 }, (_, i) => limits[i % 4].reserve('e1', '203.0.113.9', 1, now)));
    const granted = waits.flatMap((wait, i) => (wait === 0 ? [i] : []));
    expect(granted).toHaveLength(40);
    for (const wait of waits) if (wait > 0) expect(wait).toBe(RETRY_WITHOUT_HOLDS_MS);

    // Every granted reservation becomes a hold on the process that reserved it.
    await Promise.all(granted.map((i) => limits[i % 4].attach(`h${i}`, 'e1', '203.0.113.9', 1, now + HOLD_TTL + i)));
    expect(await limits[1].reserve('e1', '203.0.113.9', 1, now)).toBe(HOLD_TTL + granted[0]);

    // Every process hears that ten holds ended (the commit notices reach all): ten seats come back, not forty.
    const endedIds = granted.slice(0, 10).map((i) => `h${i}`);
    await Promise.all(limits.flatMap((limit) => endedIds.map((id) => limit.ended(id))));
    const again = await Promise.all(Array.from({ length: 40 }, (_, i) => limits[(i + 1) % 4].reserve('e1', '203.0.113.9', 1, now)));
    expect(again.filter((wait) => wait === 0)).toHaveLength(10);
  });

  it('concurrent hold attempts of several seats never exceed the limit (seeded random sizes)', async () => {
    const keyPrefix = freshPrefix();
    const now = T0;
    const limits = await Promise.all([1, 2, 3].map(() => open({ limit: 25, clock: () => now, keyPrefix })));
    const random = seededRandom(7);
    const sizes = Array.from({ length: 60 }, () => 1 + Math.floor(random() * 6));
    const waits = await Promise.all(sizes.map((seats, i) => limits[i % 3].reserve('e1', 'bot', seats, now)));
    const grantedSeats = sizes.reduce((sum, seats, i) => sum + (waits[i] === 0 ? seats : 0), 0);
    expect(grantedSeats).toBeLessThanOrEqual(25);
    // Refused only when it did not fit: whatever the order, at most 5 seats (the largest size minus one) go unused.
    expect(grantedSeats).toBeGreaterThan(25 - 6);
  });

  it('a hold made through one process refuses another process’s reserve with the wait for its expiry', async () => {
    const keyPrefix = freshPrefix();
    let now = T0;
    const [first, second] = await Promise.all([1, 2].map(() => open({ limit: 3, clock: () => now, keyPrefix })));
    expect(await first.reserve('e1', 'a', 3, now)).toBe(0);
    await first.attach('h1', 'e1', 'a', 3, now + 300_000);
    now += 60_000;
    expect(await second.reserve('e1', 'a', 1, now)).toBe(240_000);
    await second.extended('h1', now + 300_000);
    expect(await first.reserve('e1', 'a', 1, now)).toBe(300_000);
    await second.ended('h1');
    expect(await second.reserve('e1', 'a', 3, now)).toBe(0);
  });

  it('a reservation its process never settled (it died between reserve and attach) lapses after reservationTtlMs', async () => {
    const keyPrefix = freshPrefix();
    let now = T0;
    const dying = await open({ limit: 4, clock: () => now, keyPrefix, reservationTtlMs: 30_000 });
    const survivor = await open({ limit: 4, clock: () => now, keyPrefix, reservationTtlMs: 30_000 });
    expect(await dying.reserve('e1', 'a', 4, now)).toBe(0);
    await dying.close();
    expect(await survivor.reserve('e1', 'a', 1, now)).toBe(RETRY_WITHOUT_HOLDS_MS);
    now += 29_999;
    expect(await survivor.reserve('e1', 'a', 1, now)).toBeGreaterThan(0);
    now += 1;
    expect(await survivor.reserve('e1', 'a', 4, now)).toBe(0);
  });

  it('a hold whose end nobody reports stops counting holdGraceMs after its expiry', async () => {
    const keyPrefix = freshPrefix();
    let now = T0;
    const limit = await open({ limit: 2, clock: () => now, keyPrefix, holdGraceMs: 10_000 });
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    await limit.attach('h1', 'e1', 'a', 2, now + 60_000);
    now += 60_000 + 9_999;
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(1000);
    now += 1;
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
  });

  it('keys live until their last entry’s deadline, and vanish by themselves', async () => {
    const keyPrefix = freshPrefix();
    let now = T0;
    const limit = await open({ limit: 4, clock: () => now, keyPrefix, reservationTtlMs: 30_000, holdGraceMs: 10_000 });
    expect(await limit.reserve('e1', '2001:db8::/64', 2, now)).toBe(0);
    const keys = await keysOf(keyPrefix);
    expect(keys.sort()).toEqual([`${keyPrefix}:e1:2001%3Adb8%3A%3A%2F64:d`, `${keyPrefix}:e1:2001%3Adb8%3A%3A%2F64:s`]);
    for (const key of keys) {
      const ttl = await raw.pttl(key);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    }
    await limit.attach('h1', 'e1', '2001:db8::/64', 2, now + 120_000);
    for (const key of await keysOf(keyPrefix)) {
      const ttl = await raw.pttl(key);
      expect(ttl, key).toBeGreaterThan(120_000);
      expect(ttl, key).toBeLessThanOrEqual(130_000); // the hold's expiry plus the grace, the index included
    }
    await limit.ended('h1');
    expect(await keysOf(keyPrefix)).toEqual([]); // nothing held, nothing stored

    // Real expiry: a short reservation that nobody settles is gone from Redis on its own.
    const briefPrefix = freshPrefix();
    const brief = await open({ limit: 4, clock: Date.now, keyPrefix: briefPrefix, reservationTtlMs: 300 });
    expect(await brief.reserve('e1', 'a', 1, Date.now())).toBe(0);
    expect(await keysOf(briefPrefix)).toHaveLength(2);
    await vi.waitFor(async () => expect(await keysOf(briefPrefix)).toEqual([]), { timeout: 10_000 });
  });

  it('refuses a limit that could never allow a seat', () => {
    expect(() => new RedisAddressHoldLimit({ redisUrl: redis.url, logger: captureLog().logger, limit: 0, clock: Date.now })).toThrow(/positive/);
  });
});

describe('RedisAddressHoldLimit without Redis', () => {
  let own: LocalRedis;
  beforeAll(async () => {
    own = await startRedis();
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('counts per process while Redis is down (logged once; settling never throws), and in Redis again after', async () => {
    const log = captureLog();
    const now = T0;
    const limit = new RedisAddressHoldLimit({ redisUrl: own.url, logger: log.logger, limit: 2, clock: () => now, reconnectMaxMs: 200, commandTimeoutMs: 10_000 });
    opened.push(limit);
    await limit.start();
    expect(limit.usingRedis).toBe(true);
    // Before the outage: one seat held in Redis, one reserved there and not settled yet.
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(0);
    await limit.attach('h-before', 'e1', 'a', 1, now + HOLD_TTL);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(0);

    await own.stop();
    // Settling what Redis counted does not throw (those entries lapse there by themselves) ...
    await limit.cancel('e1', 'a', 1);
    await limit.ended('h-before');
    await limit.extended('h-before', now + 2 * HOLD_TTL);
    // ... and this process counts on its own: the full limit, not more.
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    await limit.attach('h-during', 'e1', 'a', 2, now + HOLD_TTL);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(HOLD_TTL);
    expect(limit.usingRedis).toBe(false);
    expect(log.find('Redis is unreachable')).toHaveLength(1);

    await own.restart();
    await vi.waitFor(() => expect(limit.usingRedis).toBe(true), { timeout: 20_000 });
    // A restarted Redis is empty: the address starts from zero there (the outage's hold is counted only locally).
    expect(await limit.reserve('e1', 'a', 2, now)).toBe(0);
    expect(log.find('Redis is back')).toHaveLength(1);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(RETRY_WITHOUT_HOLDS_MS);
    // A reservation made during the outage is settled where it was made, and the local hold ends locally.
    await limit.ended('h-during');
    const check = new Redis(own.url);
    try {
      expect(await check.exists('seatline:ah:e1:a:d')).toBe(1);
    } finally {
      check.disconnect();
    }
  });

  it('a reservation made in the outage is settled in this process’s memory after Redis is back', async () => {
    const log = captureLog();
    const now = T0;
    await own.stop();
    const limit = new RedisAddressHoldLimit({ redisUrl: own.url, logger: log.logger, limit: 3, clock: () => now, keyPrefix: freshPrefix(), reconnectMaxMs: 200, commandTimeoutMs: 10_000, retryAfterFailureMs: 100 });
    opened.push(limit);
    await limit.start(); // Redis is not there: logged, and the limit counts locally
    expect(log.find('Redis is unreachable')).toHaveLength(1);
    expect(await limit.reserve('e1', 'a', 3, now)).toBe(0);
    await own.restart();
    await vi.waitFor(() => expect(limit.usingRedis).toBe(true), { timeout: 20_000 });
    // The local reservation becomes a local hold; Redis never counted it.
    await limit.attach('h1', 'e1', 'a', 3, now + HOLD_TTL);
    expect(await limit.reserve('e1', 'a', 3, now)).toBe(0);
    await limit.cancel('e1', 'a', 3);
    // Its end frees the local count: in the next outage the whole limit is free here again.
    await limit.ended('h1');
    await own.stop();
    expect(await limit.reserve('e1', 'a', 3, now)).toBe(0);
    expect(await limit.reserve('e1', 'a', 1, now)).toBe(RETRY_WITHOUT_HOLDS_MS);
    expect(limit.usingRedis).toBe(false);
    await own.restart();
  });

  it('a Redis that hangs (SIGSTOP) costs one reserve the command timeout, then this process’s count answers', async () => {
    const log = captureLog();
    const now = T0;
    const limit = new RedisAddressHoldLimit({ redisUrl: own.url, logger: log.logger, limit: 1, clock: () => now, keyPrefix: freshPrefix(), commandTimeoutMs: 100, retryAfterFailureMs: 60_000 });
    opened.push(limit);
    await limit.start();
    await vi.waitFor(() => expect(limit.usingRedis).toBe(true), { timeout: 20_000 });
    own.process.kill('SIGSTOP');
    try {
      expect(await limit.reserve('e1', 'a', 1, now)).toBe(0); // timed out on Redis, answered locally
      expect(limit.usingRedis).toBe(false);
      expect(await limit.reserve('e1', 'a', 1, now)).toBe(RETRY_WITHOUT_HOLDS_MS); // the local count limits too
      expect(log.find('Redis is unreachable')).toHaveLength(1);
    } finally {
      own.process.kill('SIGCONT');
    }
  });
});
