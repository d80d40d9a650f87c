// One Redis connection for a mechanism that keeps working without Redis by
// falling back to this process's memory (the rate limits, the held-seats
// limit per address): it tells whether to ask Redis now, notes failures and
// recoveries, and logs each outage once, at its start and at its end.
// After a failure Redis is left alone for `retryAfterFailureMs`, so no
// request waits on a dead Redis twice in a row; the first success ends the
// outage. Why such mechanisms fall back rather than fail closed or open is
// in redisRateLimitStore.ts's header.
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { quit } from './redisConnection';

export interface RedisFallbackOptions {
  logger: Logger;
  /** After a failure, Redis is skipped for this long. */
  retryAfterFailureMs: number;
  /** The clock of that back-off. */
  clock: () => number;
  /** Logged once when an outage starts (a warning) and once when it ends. */
  messages: { down: string; back: string };
}

export class RedisFallback<R extends Redis> {
  private skipUntilMs = 0;
  private outage = false;
  private closed = false;

  constructor(
    readonly redis: R,
    private readonly options: RedisFallbackOptions,
  ) {
    // Errors are reported as outages (once each); reconnection is automatic.
    redis.on('error', () => undefined);
    redis.on('close', () => this.failed(new Error('the connection to Redis was lost')));
  }

  /** Connects; if Redis is not reachable now, logs it and keeps trying (the fallback serves meanwhile). */
  async start(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      this.failed(error);
    }
  }

  /** True while Redis should be asked (false during an outage: use the fallback). */
  get usingRedis(): boolean {
    return !this.closed && this.redis.status === 'ready' && this.options.clock() >= this.skipUntilMs;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await quit(this.redis);
  }

  /** Runs a command: its success ends an outage; its failure starts one, and is thrown on. */
  async run<T>(command: (redis: R) => Promise<T>): Promise<T> {
    try {
      const result = await command(this.redis);
      this.recovered();
      return result;
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  private failed(error: unknown): void {
    this.skipUntilMs = this.options.clock() + this.options.retryAfterFailureMs;
    if (this.outage || this.closed) return;
    this.outage = true;
    this.options.logger.warn({ err: error }, this.options.messages.down);
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.logger.info(this.options.messages.back);
  }
}
