// The shapes of command routing shared by the router and whoever wires it
// (the ownership manager answers OwnerDirectory, the registry SubmitLocal).
import type { Command, Outcome } from '../../core/types';
import type { Logger } from '../logger';
import type { Timers } from '../loop/reservationLoop';

export interface OwnerRef {
  instanceId: string;
  /** The ownership epoch (fencing token) of that owner's lease. */
  epoch: number;
}

/** Who runs each event's loop, as this process knows it now (the ownership manager). */
export interface OwnerDirectory {
  /** The event's owner, or null while none is known (not yet assigned, moving). */
  ownerOf(eventId: string): OwnerRef | null;
}

/** Runs a command on this process's loop of the event (EventRegistry.execute); must always settle. */
export type SubmitLocal = (eventId: string, command: Command) => Promise<Outcome>;

export interface CommandRouterOptions {
  /** This process's id in the cluster (its channels' names). */
  instanceId: string;
  redisUrl: string;
  owners: OwnerDirectory;
  submitLocal: SubmitLocal;
  logger: Logger;
  /** How long a routed command may take, end to end, before the caller answers `unavailable` (default 3 s). */
  timeoutMs?: number;
  /** The retryAfterMs of this router's `unavailable` answers (default 1 s, like the loop's). */
  retryAfterMs?: number;
  /** Routed commands waiting for an owner's reply at once; beyond it callers get `busy` (memory stays bounded). */
  maxPending?: number;
  /** Wall clock for deadlines (ms); clocks of the processes are assumed to agree to well under timeoutMs (NTP). */
  clock?: () => number;
  timers?: Timers;
  /** Longest wait between reconnection attempts to Redis (default 1 s). */
  reconnectMaxMs?: number;
}

export interface RouterStats {
  /** Commands this process ran for itself (the owner was this process). */
  local: number;
  /** Commands sent to another process. */
  routed: number;
  /** Routed commands answered by their owner (whatever the outcome). */
  answered: number;
  /** Commands received from other processes and run here. */
  served: number;
  /** No owner known: answered `unavailable` at once. */
  ownerUnknown: number;
  /** Redis unreachable, or the publish failed: `unavailable` at once. */
  redisDown: number;
  /** The owner was not subscribed (gone, disconnected): `unavailable` at once. */
  noReceiver: number;
  /** No reply within timeoutMs. */
  timedOut: number;
  /** Too many routed commands waiting: `busy`. */
  overloaded: number;
  /** Received for an event this process does not own at that epoch: refused. */
  notOwner: number;
  /** Received past its deadline: refused without running. */
  expired: number;
  /** Replies that came after their caller had been answered. */
  lateReplies: number;
  /** Messages on our channels that could not be read. */
  malformed: number;
}
