// The contract between an ownership manager (server/cluster/ownership.ts) and
// the process that runs the loops: what it is told, and how it is configured.
import type { LeaseStore } from '../../db/leaseStore';
import type { Timers } from '../loop/reservationLoop';

export type LoseReason =
  /** Another instance should run it (an instance joined or came back); handed off gracefully. */
  | 'rebalanced'
  /** The store shows another owner or epoch, or a renewal was refused: someone else owns it now. */
  | 'taken_over'
  /** No renewal succeeded in time: stepped down before the lease could expire. */
  | 'renewal_timeout'
  /** A commit was refused by the fence (reported by the owner). */
  | 'fenced'
  /** This process is stopping. */
  | 'shutdown';

export interface OwnershipCallbacks {
  /** Start the event's loop, fenced by `epoch`. A rejection releases the lease again. */
  onAcquire(eventId: string, epoch: number): void | Promise<void>;
  /** Stop the event's loop. For 'rebalanced' and 'shutdown' the lease is released once this settles. */
  onLose(eventId: string, reason: LoseReason): void | Promise<void>;
  /** Nothing in flight for the event (handoffs wait for this, up to maxHandoffWaitMs). Default: always idle. */
  isIdle?(eventId: string): boolean;
  /** Something went wrong that the manager recovers from by itself (a failed store call, an owner that threw). */
  onError?(message: string, error: unknown): void;
}

export interface OwnershipOptions {
  store: LeaseStore;
  instanceId: string;
  owner: OwnershipCallbacks;
  /** Told to the other processes with each heartbeat (its URL, owned events, viewers, …); read at each heartbeat. */
  meta?: Record<string, unknown> | (() => Record<string, unknown>);
  /** The events there are to own (default: every event in the store). */
  eventIds?: () => Promise<readonly string[]>;
  heartbeatMs?: number;
  /** How long an instance counts as live after its last heartbeat (default: leaseTtlMs). */
  instanceTtlMs?: number;
  leaseTtlMs?: number;
  checkIntervalMs?: number;
  /** How much earlier than the store's expiry this process stops believing a lease (default: checkIntervalMs). */
  stepDownMarginMs?: number;
  maxHandoffWaitMs?: number;
  /** Acquisitions in flight at once. */
  acquireConcurrency?: number;
  /**
   * A store call not answered by then counts as failed (default: leaseTtlMs). Across a partition a
   * query can hang until TCP gives up, minutes later; the manager must keep its cadence meanwhile.
   * (The call itself is not cancelled; a late answer is harmless: see renew() and acquireOne().)
   */
  storeCallTimeoutMs?: number;
  /** A monotonic clock in ms (default performance.now). */
  clock?: () => number;
  timers?: Timers;
}

export interface OwnedEvent {
  eventId: string;
  epoch: number;
  handingOff: boolean;
}
