// The outage bookkeeping shared by the Redis-backed limits (a fake connection,
// a fake clock): one warning per outage, one line when it ends, and Redis
// left alone for the back-off after each failure.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisFallback } from '../../server/cluster/redisFallback';
import type { Logger } from '../../server/logger';

function fakeRedis() {
  const redis = Object.assign(new EventEmitter(), {
    status: 'wait',
    connect: async () => {
      redis.status = 'ready';
    },
    quit: async () => 'OK',
    disconnect: () => {
      redis.status = 'end';
    },
  });
  return redis as typeof redis & Redis;
}

function recordingLogger() {
  const lines: string[] = [];
  const logger = { warn: (_o: unknown, m: string) => lines.push(`warn ${m}`), info: (m: string) => lines.push(`info ${m}`) } as unknown as Logger;
  return { logger, lines };
}

describe('RedisFallback', () => {
  it('logs an outage once, backs off after every failure, and logs its end at the first success', async () => {
    const redis = fakeRedis();
    const { logger, lines } = recordingLogger();
    let now = 1_000;
    const link = new RedisFallback(redis, { logger, retryAfterFailureMs: 500, clock: () => now, messages: { down: 'down', back: 'back' } });
    await link.start();
    expect(link.usingRedis).toBe(true);
    expect(await link.run(async () => 7)).toBe(7);
    expect(lines).toEqual([]);

    await expect(link.run(async () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout');
    expect(link.usingRedis).toBe(false);
    now += 499;
    expect(link.usingRedis).toBe(false);
    now += 1;
    expect(link.usingRedis).toBe(true);
    await expect(link.run(async () => Promise.reject(new Error('again')))).rejects.toThrow('again');
    redis.emit('close');
    expect(lines).toEqual(['warn down']);

    now += 500;
    await link.run(async () => 'ok');
    await link.run(async () => 'ok');
    expect(lines).toEqual(['warn down', 'info back']);
  });

  it('a connection that cannot be made at start is an outage, not a crash; after close nothing is logged', async () => {
    const redis = fakeRedis();
    redis.connect = async () => Promise.reject(new Error('ECONNREFUSED'));
    const { logger, lines } = recordingLogger();
    const link = new RedisFallback(redis, { logger, retryAfterFailureMs: 500, clock: () => 0, messages: { down: 'down', back: 'back' } });
    await link.start();
    expect(link.usingRedis).toBe(false);
    expect(lines).toEqual(['warn down']);

    const other = fakeRedis();
    const quiet = recordingLogger();
    const closed = new RedisFallback(other, { logger: quiet.logger, retryAfterFailureMs: 500, clock: () => 0, messages: { down: 'down', back: 'back' } });
    await closed.start();
    await closed.close();
    other.emit('close');
    expect(closed.usingRedis).toBe(false);
    expect(quiet.lines).toEqual([]);
  });
});
