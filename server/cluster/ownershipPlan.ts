// The decisions of one ownership check, as a pure function of what the
// process holds and what the shared store showed (server/cluster/ownership.ts
// carries them out). Times are the process's monotonic clock; lease times come
// in as durations measured by the database (expiresInMs), never as dates.

/** A lease this process holds, as it sees it. */
export interface HeldLease {
  epoch: number;
  /**
   * The monotonic time by which it stops believing it owns the event: the send time of the last
   * successful grant or renewal + TTL − a safety margin. The database cannot let anyone else in
   * before send time + TTL, so the process always steps down first.
   */
  deadline: number;
  /** Being handed off: the owner was told (onLose 'rebalanced'); released once it has stopped. */
  handingOff: boolean;
  /** Since when another instance should own it (null while it should be ours). */
  unwantedSince: number | null;
}

/** A row of event_leases as read by the check. */
export interface SeenLease {
  ownerId: string;
  epoch: number;
  /** ≤ 0: free for anyone to acquire. */
  expiresInMs: number;
}

export interface OwnershipView {
  self: string;
  now: number;
  /** The live instances, or null when this process's own liveness is unsure (then it takes nothing new and hands nothing off). */
  live: readonly string[] | null;
  /** Event → the instance that should own it over `live` (rendezvous hashing). */
  desiredOwner: ReadonlyMap<string, string | null>;
  leases: ReadonlyMap<string, SeenLease>;
  held: ReadonlyMap<string, HeldLease>;
  /** True when the event's loop has nothing in flight (a handoff then pauses nobody). */
  isIdle(eventId: string): boolean;
  /** Hand off a busy event anyway after this long (a hot event is never idle). */
  maxHandoffWaitMs: number;
}

export interface OwnershipPlan {
  /** Free, expired, released, or our own leftover: ours by rendezvous, so acquire. */
  acquire: string[];
  /** Held, but the store shows another epoch or no lease at all (taken over, or the event is gone). */
  lost: string[];
  /** Held and wanted elsewhere: stop the loop, then release. */
  handOff: string[];
  /** New values of `unwantedSince` (null: wanted again). */
  unwantedSince: Map<string, number | null>;
}

export function planOwnership(view: OwnershipView): OwnershipPlan {
  const plan: OwnershipPlan = { acquire: [], lost: [], handOff: [], unwantedSince: new Map() };
  for (const [eventId, held] of view.held) {
    const seen = view.leases.get(eventId);
    if (!seen || seen.ownerId !== view.self || seen.epoch !== held.epoch) {
      plan.lost.push(eventId);
      continue;
    }
    if (held.handingOff || view.live === null) continue;
    const wanted = view.desiredOwner.get(eventId) === view.self;
    if (wanted) {
      if (held.unwantedSince !== null) plan.unwantedSince.set(eventId, null);
      continue;
    }
    const since = held.unwantedSince ?? view.now;
    if (held.unwantedSince === null) plan.unwantedSince.set(eventId, since);
    if (view.isIdle(eventId) || view.now - since >= view.maxHandoffWaitMs) plan.handOff.push(eventId);
  }
  if (view.live === null) return plan;
  for (const [eventId, owner] of view.desiredOwner) {
    if (owner !== view.self || view.held.has(eventId)) continue;
    const seen = view.leases.get(eventId);
    // Our own live leftover (after a renewal came back too late) is taken again, with a new epoch.
    if (!seen || seen.expiresInMs <= 0 || seen.ownerId === view.self) plan.acquire.push(eventId);
  }
  return plan;
}
