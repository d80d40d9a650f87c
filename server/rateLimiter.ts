// Token buckets keyed by connection or address. Idle buckets are swept so
// the map cannot grow without bound.
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

/** Limits per connection and per client address; a limit of 0 per second disables it. */
export class RequestLimits {
  private readonly perConnection: RateLimiter | null;
  private readonly perAddress: RateLimiter | null;

  constructor(perConnectionPerSec: number, perAddressPerSec: number, clock: () => number = Date.now) {
    this.perConnection = perConnectionPerSec > 0 ? new RateLimiter({ ratePerSecond: perConnectionPerSec, burst: 2 * perConnectionPerSec }, clock) : null;
    this.perAddress = perAddressPerSec > 0 ? new RateLimiter({ ratePerSecond: perAddressPerSec, burst: 2 * perAddressPerSec }, clock) : null;
  }

  /** 0 when allowed, else how long to wait (ms). The address bucket is charged only if the connection's allowed it. */
  take(address: string, connectionId?: string): number {
    const connectionWait = connectionId && this.perConnection ? this.perConnection.take(connectionId) : 0;
    if (connectionWait > 0) return connectionWait;
    return this.perAddress ? this.perAddress.take(address) : 0;
  }

  forgetConnection(connectionId: string): void {
    this.perConnection?.forget(connectionId);
  }
}
