// What every design under test offers the in-process driver: the same
// commands and outcomes as the project's core (core/types.ts).
import type { Store } from '../../db/store';
import type { Command, IdSource, Outcome } from '../../core/types';

export type Reply = (outcome: Outcome) => void;

export interface Design {
  /** Answers `reply` exactly once, asynchronously, after the outcome is durable (as durable as the design makes it). */
  submit(command: Command, reply: Reply): void;
  /** Design-specific figures: batch sizes, commit times, expiries… */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

export interface DesignContext<S extends Store = Store> {
  /** A fresh database holding the arena, opened through the project's store (SQLite or PostgreSQL). */
  store: S;
  eventId: string;
  holdTtlMs: number;
  ids: IdSource;
  /** redis://127.0.0.1:port of the bench's own redis-server (Redis design only). */
  redisUrl?: string;
}

export type DesignFactory<S extends Store = Store> = (ctx: DesignContext<S>) => Promise<Design>;

/** Running per-tick statistics: batch size of every tick, commit time of every tick that wrote. */
export class TickStats {
  ticks = 0;
  commands = 0;
  commits = 0;
  commitMs = 0;
  maxBatch = 0;
  maxCommitMs = 0;
  private readonly batchSamples: number[] = [];
  private readonly commitSamples: number[] = [];
  add(batchSize: number, commitMs: number): void {
    this.ticks++;
    this.commands += batchSize;
    if (batchSize > this.maxBatch) this.maxBatch = batchSize;
    if (this.batchSamples.length < 200_000) this.batchSamples.push(batchSize);
    if (commitMs > 0) this.addCommit(commitMs);
  }
  /** The commit time of the tick just added (when it is reported separately). */
  addCommit(commitMs: number): void {
    this.commits++;
    this.commitMs += commitMs;
    if (commitMs > this.maxCommitMs) this.maxCommitMs = commitMs;
    if (this.commitSamples.length < 200_000) this.commitSamples.push(commitMs);
  }
  summary(): Record<string, number> {
    const pct = (samples: number[], q: number) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;
    };
    return {
      ticks: this.ticks,
      meanBatch: this.ticks ? this.commands / this.ticks : 0,
      p50Batch: pct(this.batchSamples, 0.5),
      p99Batch: pct(this.batchSamples, 0.99),
      maxBatch: this.maxBatch,
      commits: this.commits,
      meanCommitMs: this.commits ? this.commitMs / this.commits : 0,
      p50CommitMs: pct(this.commitSamples, 0.5),
      p99CommitMs: pct(this.commitSamples, 0.99),
      maxCommitMs: this.maxCommitMs,
    };
  }
}
