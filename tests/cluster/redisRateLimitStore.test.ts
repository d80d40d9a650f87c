// The Redis token buckets on a real Redis: the memory store's behaviour
// (mirrored from tests/unit/rateLimiter.test.ts, with a fake bucket clock and
// rates slow enough that Redis's real-time key expiry cannot interfere),
// buckets shared by two processes' stores, TTLs, and Redis going away.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisRateLimits, type RedisRateLimitOptions } from '../../server/cluster/redisRateLimitStore';
import { RequestLimits } from '../../server/rateLimiter';
import { startRedis, type LocalRedis } from '../../scripts/localServices';
import { captureLog } from './helpers';

let redis: LocalRedis;
let raw: Redis;
const opened: RedisRateLimits[] = [];
let prefixNo = 0;

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limits) => limits.close()));
});

/** A process's rate limits (its own connection); every test gets its own key prefix. */
async function open(options: Partial<RedisRateLimitOptions> & { keyPrefix: string }): Promise<RedisRateLimits> {
  // A generous command timeout: on a loaded machine a slow answer must not look like an outage here.
  const limits = new RedisRateLimits({ redisUrl: redis.url, logger: captureLog().logger, commandTimeoutMs: 10_000, ...options });
  opened.push(limits);
  await limits.start();
  return limits;
}
const freshPrefix = () => `test${++prefixNo}`;

describe('RedisRateLimits: the memory store behaviour, on Redis', () => {
  // 0.002 tokens/s: one token per 500,000 ms of the fake clock; a bucket lives ~25 real minutes.
  const slow = { ratePerSecond: 0.002, burst: 3 };

  it('allows a burst, then refuses with the wait until a token refills', async () => {
    let now = 0;
    const store = (await open({ keyPrefix: freshPrefix(), bucketClock: () => now })).stores('address', slow);
    expect([await store.take('a'), await store.take('a'), await store.take('a')]).toEqual([0, 0, 0]);
    expect(await store.take('a')).toBe(500_000);
    expect(await store.take('b')).toBe(0); // other keys are unaffected
    now += 500_000;
    expect(await store.take('a')).toBe(0);
    expect(await store.take('a')).toBe(500_000);
    now += 250_000;
    expect(await store.take('a')).toBe(250_000);
  });

  it('never holds more than the burst, however long the key was idle', async () => {
    let now = 0;
    const store = (await open({ keyPrefix: freshPrefix(), bucketClock: () => now })).stores('address', { ratePerSecond: 0.001, burst: 2 });
    expect(await store.take('a')).toBe(0);
    now += 1e12;
    expect([await store.take('a'), await store.take('a')]).toEqual([0, 0]);
    expect(await store.take('a')).toBeGreaterThan(0);
  });

  it('charges `cost` tokens at once, and answers how long until that many are there', async () => {
    let now = 0;
    const store = (await open({ keyPrefix: freshPrefix(), bucketClock: () => now })).stores('address', slow);
    expect(await store.take('k', 2)).toBe(0);
    expect(await store.take('k', 2)).toBe(500_000); // 1 left, 1 more needed
    now += 500_000;
    expect(await store.take('k', 2)).toBe(0);
    expect(await store.take('k', 5)).toBe(2_500_000); // more than the burst: the wait for 5 tokens, never allowed
  });

  it('reset refills; limits of different names keep their keys apart', async () => {
    let now = 0;
    const limits = await open({ keyPrefix: freshPrefix(), bucketClock: () => now });
    const store = limits.stores('login:address', { ratePerSecond: 0.001, burst: 1 });
    const other = limits.stores('login:device', { ratePerSecond: 0.001, burst: 1 });
    expect(await store.take('k')).toBe(0);
    expect(await store.take('k')).toBe(1_000_000);
    expect(await other.take('k')).toBe(0);
    await store.reset('k');
    expect(await store.take('k')).toBe(0);
    expect(await other.take('k')).toBe(1_000_000);
  });

  it('works as RequestLimits’ address store: a noisy connection is limited without draining its address for others', async () => {
    const limits = await open({ keyPrefix: freshPrefix(), bucketClock: () => 0 });
    const requestLimits = new RequestLimits(1, 100, () => 0, limits.stores);
    expect(await requestLimits.take('10.0.0.1', 'noisy')).toBe(0);
    expect(await requestLimits.take('10.0.0.1', 'noisy')).toBe(0);
    for (let i = 0; i < 50; i++) expect(await requestLimits.take('10.0.0.1', 'noisy')).toBeGreaterThan(0);
    expect(await requestLimits.take('10.0.0.1', 'quiet')).toBe(0);
  });

  it('refuses a limit that could never refill', async () => {
    const limits = await open({ keyPrefix: freshPrefix() });
    expect(() => limits.stores('x', { ratePerSecond: 0, burst: 5 })).toThrow(/positive/);
  });
});

describe('RedisRateLimits: one bucket for the whole cluster', () => {
  // One token an hour on Redis's own clock: refill during a test is negligible.
  const hourly = { ratePerSecond: 1 / 3600, burst: 3 };

  it('two processes’ stores share one bucket, on Redis’s clock', async () => {
    const keyPrefix = freshPrefix();
    const first = (await open({ keyPrefix })).stores('login:address', hourly);
    const second = (await open({ keyPrefix })).stores('login:address', hourly);
    expect(await first.take('203.0.113.9')).toBe(0);
    expect(await second.take('203.0.113.9')).toBe(0);
    expect(await first.take('203.0.113.9')).toBe(0);
    const waits = [await second.take('203.0.113.9'), await first.take('203.0.113.9')];
    for (const wait of waits) {
      expect(wait).toBeGreaterThan(3_500_000);
      expect(wait).toBeLessThanOrEqual(3_600_000);
    }
    await second.reset('203.0.113.9');
    expect(await first.take('203.0.113.9')).toBe(0);
  });

  it('never spends a token twice: concurrent takes from four processes allow exactly the burst', async () => {
    const keyPrefix = freshPrefix();
    const stores = await Promise.all([1, 2, 3, 4].map(async () => (await open({ keyPrefix })).stores('address', { ratePerSecond: 1 / 3600, burst: 50 })));
    const waits = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % 4].take('shared')));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(50);
  });

  it('a bucket expires when it would be full again, so idle keys vanish', async () => {
    const keyPrefix = freshPrefix();
    const limits = await open({ keyPrefix });
    const fast = limits.stores('address', { ratePerSecond: 100, burst: 5 });
    for (let i = 0; i < 5; i++) await fast.take('brief');
    const key = `${keyPrefix}:address:brief`;
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(50); // 5 tokens at 100/s
    await vi.waitFor(async () => expect(await raw.exists(key)).toBe(0));
    expect(await fast.take('brief')).toBe(0);

    const login = limits.stores('login:address', { ratePerSecond: 5 / 60, burst: 5 });
    await login.take('slow');
    const loginTtl = await raw.pttl(`${keyPrefix}:login:address:slow`);
    expect(loginTtl).toBeGreaterThan(0);
    expect(loginTtl).toBeLessThanOrEqual(12_000); // one token at 5 per minute
  });
});

describe('RedisRateLimits without Redis', () => {
  let own: LocalRedis;
  beforeAll(async () => {
    own = await startRedis();
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('falls back to per-process buckets while Redis is down (logged once), and back to Redis after', async () => {
    const log = captureLog();
    const limits = new RedisRateLimits({ redisUrl: own.url, logger: log.logger, reconnectMaxMs: 200, commandTimeoutMs: 10_000 });
    opened.push(limits);
    await limits.start();
    const store = limits.stores('login:address', { ratePerSecond: 1 / 3600, burst: 2 });
    expect(await store.take('a')).toBe(0);
    expect(limits.usingRedis).toBe(true);

    await own.stop();
    // Still limited (the local bucket starts full: 2 more, then refused); nothing waits on the dead Redis.
    const downWaits = [await store.take('a'), await store.take('a'), await store.take('a'), await store.take('a')];
    expect(downWaits.slice(0, 2)).toEqual([0, 0]);
    expect(downWaits[2]).toBeGreaterThan(0);
    expect(downWaits[3]).toBeGreaterThan(0);
    expect(log.find('Redis is unreachable')).toHaveLength(1);

    await own.restart();
    await vi.waitFor(() => expect(limits.usingRedis).toBe(true), { timeout: 20_000 });
    // A restarted Redis is empty: the shared bucket starts full again.
    expect(await store.take('a')).toBe(0);
    expect(log.find('Redis is back')).toHaveLength(1);
    const check = new Redis(own.url);
    try {
      expect(await check.exists('seatline:rl:login:address:a')).toBe(1);
    } finally {
      check.disconnect();
    }
  });

  it('a Redis that hangs (SIGSTOP) costs one take the command timeout, then the local buckets answer', async () => {
    const log = captureLog();
    const limits = new RedisRateLimits({ redisUrl: own.url, logger: log.logger, keyPrefix: freshPrefix(), commandTimeoutMs: 100, retryAfterFailureMs: 60_000 });
    opened.push(limits);
    await limits.start();
    await vi.waitFor(() => expect(limits.usingRedis).toBe(true), { timeout: 20_000 });
    const store = limits.stores('address', { ratePerSecond: 1 / 3600, burst: 1 });
    own.process.kill('SIGSTOP');
    try {
      expect(await store.take('a')).toBe(0); // timed out on Redis, answered by the local bucket
      expect(limits.usingRedis).toBe(false);
      expect(await store.take('a')).toBeGreaterThan(0); // straight to the local bucket: it is limited too
      expect(log.find('Redis is unreachable')).toHaveLength(1);
    } finally {
      own.process.kill('SIGCONT');
    }
  });
});
