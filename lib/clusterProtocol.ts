// The organizer's view of the cluster (issue 11): which processes run, which
// events each one owns (its reservation loop), under which lease epoch, how
// deep each event's mailbox is, and the latest changes of owner. Shared by
// GET /api/admin/cluster (server/admin/clusterRoutes.ts) and the console page.
import type { Ack } from './protocol';

export type ClusterMode = 'embedded' | 'distributed';

/** How an event changed hands (db/leaseStore.ts LeaseHistoryReason). */
export type OwnershipChangeReason = 'acquired' | 'takeover' | 'handoff' | 'reacquired' | 'released';

export interface ClusterOwnedEvent {
  eventId: string;
  /** The event's name (its id when the event is gone). */
  eventName: string;
  /** The lease's fencing token: grows with every new owner. 0 in embedded mode (no leases). */
  epoch: number;
  /** Commands waiting in the event's loop, as the owner last reported (0 when it did not). */
  mailboxDepth: number;
  /** Buyers watching the event's live map, on every process. */
  viewers: number;
}

export interface ClusterInstance {
  instanceId: string;
  /** Heartbeating (distributed: its instance row has not expired by the database's clock). */
  live: boolean;
  /** Epoch ms, on the clock of `generatedAt`. */
  startedAt: number;
  heartbeatAt: number;
  url: string | null;
  pid: number | null;
  /** Socket.IO connections on this process (null when it did not say). */
  sockets: number | null;
  /** Buyers watching any event's live map on this process. */
  viewers: number;
  /** The events whose loop this process runs now (none for a dead one). */
  ownedEvents: ClusterOwnedEvent[];
}

export interface ClusterLease {
  eventId: string;
  eventName: string;
  ownerId: string;
  epoch: number;
  /** > 0: held for this much longer; ≤ 0: expired (or released) this long ago, anyone may take it. */
  expiresInMs: number;
  /** Its owner handed it off (it is free until the next grant). */
  released: boolean;
}

export interface OwnershipChange {
  eventId: string;
  eventName: string;
  epoch: number;
  ownerId: string;
  /** Epoch ms, on the clock of `generatedAt`. */
  at: number;
  reason: OwnershipChangeReason;
}

export interface ClusterStatus {
  mode: ClusterMode;
  /** The process that answered. */
  instanceId: string;
  /**
   * When this was read (epoch ms). In distributed mode it is the DATABASE's clock, the clock
   * every other time here is on, so ages are `generatedAt - heartbeatAt` whatever the browser's clock says.
   */
  generatedAt: number;
  /** The mailbox bound of the answering process (MAILBOX_CAPACITY): what a depth is measured against. */
  mailboxCapacity: number | null;
  /** Live processes first, then the recently dead; by id within each. */
  instances: ClusterInstance[];
  /** One per event that ever had an owner (embedded mode: none). */
  leases: ClusterLease[];
  /** The latest grants and releases of every event, newest first (embedded mode: none). */
  changes: OwnershipChange[];
}

export type ClusterStatusAck = Ack<{ cluster: ClusterStatus }>;

/** A change's stable identity (an epoch is granted, and released, at most once per event). */
export const ownershipChangeKey = (c: Pick<OwnershipChange, 'eventId' | 'epoch' | 'reason'>): string =>
  `${c.eventId}:${c.epoch}:${c.reason === 'released' ? 'released' : 'granted'}`;
