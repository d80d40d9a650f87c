import { describe, expect, it } from 'vitest';
import { RateLimiter, RequestLimits } from '../../server/rateLimiter';

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
  it('a noisy connection is limited without draining its address for others', () => {
    const limits = new RequestLimits(1, 100, () => 0);
    expect(limits.take('10.0.0.1', 'noisy')).toBe(0);
    expect(limits.take('10.0.0.1', 'noisy')).toBe(0);
    for (let i = 0; i < 50; i++) expect(limits.take('10.0.0.1', 'noisy')).toBeGreaterThan(0);
    expect(limits.take('10.0.0.1', 'quiet')).toBe(0);
  });

  it('0 per second disables a limit', () => {
    const limits = new RequestLimits(0, 0, () => 0);
    for (let i = 0; i < 1000; i++) expect(limits.take('x', 'c')).toBe(0);
  });
});
