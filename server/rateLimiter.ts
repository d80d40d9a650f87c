// Token buckets keyed by connection or address. Idle buckets are swept so
// the map cannot grow without bound.
//
// Limits that must hold across processes (per address, the login throttle) go
// through RateLimitStore, which is asynchronous so that a shared implementation
// (Redis) can replace the in-memory one without touching its callers; the
// per-connection limit stays local, a connection lives in one process.
import { addressKey } from './http/clientInfo';

export interface RateLimit {
  /** Sustained rate, tokens per second. */
  ratePerSecond: number;
  /** Burst size. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the ms to wait before retrying. */
  take(key: string, cost = 1): number {
    const now = this.clock();
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) return 1000; // refuse rather than grow
      bucket = { tokens: this.limit.burst, updatedAtMs: now };
      this.buckets.set(key, bucket);
    }
    const refill = ((now - bucket.updatedAtMs) / 1000) * this.limit.ratePerSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.updatedAtMs = now;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - bucket.tokens) / this.limit.ratePerSecond) * 1000);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  private sweep(now: number): void {
    if (now - this.lastSweepMs < 10_000) return;
    this.lastSweepMs = now;
    const fullAfterMs = (this.limit.burst / this.limit.ratePerSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAtMs > fullAfterMs) this.buckets.delete(key);
  }
}

/** Token buckets under one limit, by key; shared by every process of a cluster when backed by shared state. */
export interface RateLimitStore {
  /** Takes `cost` tokens from `key`'s bucket (a new bucket starts full): 0 when allowed, else the ms to wait. */
  take(key: string, cost?: number): Promise<number>;
  /** Forgets `key`: its next bucket starts full. */
  reset(key: string): Promise<void>;
}

/** Makes the store of one named limit ('address', 'login:address', …); names keep the keys of different limits apart. */
export type RateLimitStores = (name: string, limit: RateLimit) => RateLimitStore;

/** This process's memory: the single-process default. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly limiter: RateLimiter;

  constructor(limit: RateLimit, clock: () => number = Date.now) {
    this.limiter = new RateLimiter(limit, clock);
  }

  take(key: string, cost = 1): Promise<number> {
    return Promise.resolve(this.limiter.take(key, cost));
  }

  reset(key: string): Promise<void> {
    this.limiter.forget(key);
    return Promise.resolve();
  }
}

export const memoryRateLimitStores =
  (clock: () => number = Date.now): RateLimitStores =>
  (_name, limit) =>
    new MemoryRateLimitStore(limit, clock);

/** Limits per connection and per client address; a limit of 0 per second disables it. */
export class RequestLimits {
  private readonly perConnection: RateLimiter | null;
  private readonly perAddress: RateLimitStore | null;

  constructor(perConnectionPerSec: number, perAddressPerSec: number, clock: () => number = Date.now, stores: RateLimitStores = memoryRateLimitStores(clock)) {
    this.perConnection = perConnectionPerSec > 0 ? new RateLimiter({ ratePerSecond: perConnectionPerSec, burst: 2 * perConnectionPerSec }, clock) : null;
    this.perAddress = perAddressPerSec > 0 ? stores('address', { ratePerSecond: perAddressPerSec, burst: 2 * perAddressPerSec }) : null;
  }

  /**
   * 0 when allowed, else how long to wait (ms). The address bucket (IPv6 by /64) is charged only
   * if the connection's allowed it. HTTP requests, socket handshakes and socket commands share it.
   */
  async take(address: string, connectionId?: string): Promise<number> {
    const connectionWait = connectionId && this.perConnection ? this.perConnection.take(connectionId) : 0;
    if (connectionWait > 0) return connectionWait;
    return this.perAddress ? this.perAddress.take(addressKey(address)) : 0;
  }

  forgetConnection(connectionId: string): void {
    this.perConnection?.forget(connectionId);
  }
}
