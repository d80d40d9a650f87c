// Rate limits shared by every process of a cluster: the RateLimitStore token
// buckets (server/rateLimiter.ts) kept in Redis, with MemoryRateLimitStore's
// semantics (a new bucket starts full, `cost` tokens per take, the answer is
// 0 or the ms to wait). One Lua script reads, refills, charges and writes a
// bucket atomically, so two processes can never spend the same token. Its
// clock is Redis's TIME: the processes' clocks do not matter. A bucket lives
// only until it would be full again (PEXPIRE), when it is the same as no
// bucket: idle addresses cost Redis nothing.
//
// When Redis is unreachable (down, restarting, or not answering within
// commandTimeoutMs) each store falls back to a per-process bucket of the same
// limit and logs one warning per outage. Neither plain choice is acceptable:
// failing closed would make Redis a single point of failure for every request
// (an outage would refuse all traffic, including buyers who are paying), and
// failing open would switch off the login throttle exactly when nobody is
// watching. The fallback keeps every limit in force per process: with N
// processes a client can get at most N times its budget during an outage.
// After a failure Redis is left alone for `retryAfterFailureMs` (no request
// waits on a dead Redis twice in a row; redisFallback.ts); the first success
// ends the outage.
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { MemoryRateLimitStore, type RateLimit, type RateLimitStore, type RateLimitStores } from '../rateLimiter';
import { redisConnection } from './redisConnection';
import { RedisFallback } from './redisFallback';

// KEYS[1]: the bucket (a hash: tokens, at). ARGV: ratePerSecond, burst, cost, now in ms ('' = Redis TIME).
// Returns 0 when the tokens were taken, else the whole ms until `cost` tokens will be there.
const TAKE_TOKENS_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
-- A clock that went back (another Redis after a failover) refills nothing rather than drains.
if now > at then
  tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
  at = now
end
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = math.ceil((cost - tokens) / rate * 1000)
end
local fullInMs = math.ceil((burst - tokens) / rate * 1000)
if fullInMs <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
  redis.call('PEXPIRE', KEYS[1], fullInMs)
end
return wait
`;

type ScriptedRedis = Redis & {
  seatlineTakeTokens(key: string, ratePerSecond: string, burst: string, cost: string, nowMs: string): Promise<number>;
};

export interface RedisRateLimitOptions {
  redisUrl: string;
  logger: Logger;
  /** Prefix of every bucket key: `<prefix>:<limit name>:<key>` (default `seatline:rl`). */
  keyPrefix?: string;
  /** A take that Redis has not answered after this long uses the local bucket (default 200 ms). */
  commandTimeoutMs?: number;
  /** After a failure, takes skip Redis for this long (default 1 s). */
  retryAfterFailureMs?: number;
  /** The buckets' clock in ms instead of Redis TIME: tests only (a fake clock). */
  bucketClock?: () => number;
  /** Clock of the local fallback buckets and of the back-off (default Date.now). */
  localClock?: () => number;
  /** Longest wait between reconnection attempts (default 1 s). */
  reconnectMaxMs?: number;
}

/** One Redis connection serving the stores of every named limit. */
export class RedisRateLimits {
  private readonly link: RedisFallback<ScriptedRedis>;
  private readonly options: Required<Omit<RedisRateLimitOptions, 'bucketClock'>> & Pick<RedisRateLimitOptions, 'bucketClock'>;

  constructor(options: RedisRateLimitOptions) {
    this.options = { keyPrefix: 'seatline:rl', commandTimeoutMs: 200, retryAfterFailureMs: 1_000, localClock: Date.now, reconnectMaxMs: 1_000, ...options };
    const redis = redisConnection(options.redisUrl, {
      connectionName: 'seatline:rate-limits',
      commandTimeoutMs: this.options.commandTimeoutMs,
      reconnectMaxMs: this.options.reconnectMaxMs,
    }) as ScriptedRedis;
    redis.defineCommand('seatlineTakeTokens', { numberOfKeys: 1, lua: TAKE_TOKENS_LUA });
    this.link = new RedisFallback(redis, {
      logger: options.logger,
      retryAfterFailureMs: this.options.retryAfterFailureMs,
      clock: this.options.localClock,
      messages: {
        down: 'rate limits: Redis is unreachable; limiting per process until it is back (each process allows the full budget)',
        back: 'rate limits: Redis is back; limits are cluster-wide again',
      },
    });
  }

  /** Connects; if Redis is not reachable now, logs it and keeps trying (takes use local buckets meanwhile). */
  start(): Promise<void> {
    return this.link.start();
  }

  /** The stores, by limit name: pass as the server's `rateLimitStores`. */
  readonly stores: RateLimitStores = (name, limit) => new RedisRateLimitStore(this, `${this.options.keyPrefix}:${name}:`, limit, this.options.localClock);

  /** True while takes go to Redis (false during an outage: local buckets). */
  get usingRedis(): boolean {
    return this.link.usingRedis;
  }

  close(): Promise<void> {
    return this.link.close();
  }

  /** @internal Takes from the shared bucket; rejects (and starts an outage) when Redis cannot answer. */
  takeShared(key: string, limit: RateLimit, cost: number): Promise<number> {
    const now = this.options.bucketClock ? String(this.options.bucketClock()) : '';
    return this.link.run((redis) => redis.seatlineTakeTokens(key, String(limit.ratePerSecond), String(limit.burst), String(cost), now));
  }

  /** @internal */
  async resetShared(key: string): Promise<void> {
    await this.link.run((redis) => redis.del(key));
  }
}

/** One named limit's buckets in Redis, with this process's buckets as the fallback. */
class RedisRateLimitStore implements RateLimitStore {
  private readonly local: MemoryRateLimitStore;

  constructor(
    private readonly shared: RedisRateLimits,
    private readonly keyPrefix: string,
    private readonly limit: RateLimit,
    localClock: () => number,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst > 0)) throw new Error(`rate limit ${keyPrefix}: ratePerSecond and burst must be positive`);
    this.local = new MemoryRateLimitStore(limit, localClock);
  }

  async take(key: string, cost = 1): Promise<number> {
    if (!this.shared.usingRedis) return this.local.take(key, cost);
    try {
      return await this.shared.takeShared(this.keyPrefix + key, this.limit, cost);
    } catch {
      return this.local.take(key, cost); // the outage has begun (logged once)
    }
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    if (!this.shared.usingRedis) return;
    try {
      await this.shared.resetShared(this.keyPrefix + key);
    } catch {
      // The shared bucket refills by itself; a missed reset only delays a successful sign-in's fresh start.
    }
  }
}
