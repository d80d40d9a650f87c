import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, RateLimiter, RequestLimits } from '../../server/rateLimiter';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the wait until a token refills', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(500);
    expect(limiter.take('b')).toBe(0); // other keys are unaffected
    now += 500;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(500);
  });

  it('never holds more than the burst, however long the key was idle', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 2 }, () => now);
    now += 60_000;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('refuses new keys instead of growing past maxKeys', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, () => 0, 2);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('b')).toBe(0);
    expect(limiter.take('c')).toBeGreaterThan(0);
  });
});

describe('RequestLimits', () => {
  it('a noisy connection is limited without draining its address for others', async () => {
    const limits = new RequestLimits(1, 100, () => 0);
    expect(await limits.take('10.0.0.1', 'noisy')).toBe(0);
    expect(await limits.take('10.0.0.1', 'noisy')).toBe(0);
    for (let i = 0; i < 50; i++) expect(await limits.take('10.0.0.1', 'noisy')).toBeGreaterThan(0);
    expect(await limits.take('10.0.0.1', 'quiet')).toBe(0);
  });

  it('0 per second disables a limit', async () => {
    const limits = new RequestLimits(0, 0, () => 0);
    for (let i = 0; i < 1000; i++) expect(await limits.take('x', 'c')).toBe(0);
  });

  it('IPv6 addresses share a bucket per /64; IPv4-mapped addresses count as IPv4', async () => {
    const limits = new RequestLimits(0, 1, () => 0); // burst 2
    expect(await limits.take('2001:db8:1:2::1')).toBe(0);
    expect(await limits.take('2001:db8:1:2:ffff::9')).toBe(0);
    expect(await limits.take('2001:db8:1:2:abcd::7')).toBeGreaterThan(0);
    expect(await limits.take('2001:db8:1:3::1')).toBe(0); // another /64
    expect(await limits.take('192.0.2.1')).toBe(0);
    expect(await limits.take('::ffff:192.0.2.1')).toBe(0);
    expect(await limits.take('192.0.2.1')).toBeGreaterThan(0);
  });

  it('uses the given store for the address limit (a shared one in a cluster)', async () => {
    const taken: string[] = [];
    const limits = new RequestLimits(0, 5, () => 0, (name) => ({
      take: async (key) => {
        taken.push(`${name}:${key}`);
        return 0;
      },
      reset: async () => undefined,
    }));
    await limits.take('203.0.113.9', 'c1');
    expect(taken).toEqual(['address:203.0.113.9']);
  });
});

describe('MemoryRateLimitStore', () => {
  it('is the RateLimiter behind the asynchronous store interface; reset refills', async () => {
    const store = new MemoryRateLimitStore({ ratePerSecond: 1, burst: 1 }, () => 0);
    expect(await store.take('k')).toBe(0);
    expect(await store.take('k')).toBe(1000);
    await store.reset('k');
    expect(await store.take('k')).toBe(0);
  });
});
