// One process's share of the cluster's events (issue 11): it heartbeats,
// decides by rendezvous hashing over the live instances which events it
// should run, acquires their leases when free or expired, renews what it
// holds, hands off (after the loop went idle) what should move elsewhere, and
// tells its owner: onAcquire(eventId, epoch) → start the loop with that
// fencing epoch; onLose(eventId, reason) → stop it.
//
// Safety does not depend on this class being on time: every commit is fenced
// by the epoch in the store. What this class adds is stepping down BEFORE the
// store would let anyone else in: a lease is believed only until the send time
// of its last successful grant or renewal + TTL − stepDownMarginMs, by the
// process's monotonic clock, checked by a timer and on every read. Renewals
// run on their own cadence, so a long round of acquisitions cannot starve them.
import type { LeaseStore, LiveInstance } from '../../db/leaseStore';
import type { Timers } from '../loop/reservationLoop';
import type { LoseReason, OwnedEvent, OwnershipCallbacks, OwnershipOptions } from './ownershipTypes';
import type { OwnerDirectory, OwnerRef } from './routing';
import { planOwnership, type HeldLease, type SeenLease } from './ownershipPlan';
import { RendezvousCache } from './rendezvous';

export type { LoseReason, OwnedEvent, OwnershipCallbacks, OwnershipOptions } from './ownershipTypes';

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class OwnershipManager implements OwnerDirectory {
  readonly instanceId: string;
  readonly leaseTtlMs: number;
  readonly checkIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly instanceTtlMs: number;
  private readonly stepDownMarginMs: number;
  private readonly maxHandoffWaitMs: number;
  private readonly acquireConcurrency: number;
  private readonly storeCallTimeoutMs: number;
  private readonly clock: () => number;
  private readonly timers: Timers;
  private readonly store: LeaseStore;
  private readonly owner: OwnershipCallbacks;
  private readonly eventIds: () => Promise<readonly string[]>;
  private readonly meta: () => Record<string, unknown>;
  /** Other owners' leases as last read: ownerId, epoch, and until when (our clock) the read says it is live. */
  private readonly othersLeases = new Map<string, { ownerId: string; epoch: number; liveUntil: number }>();
  private instancesSeen: LiveInstance[] = [];

  private readonly held = new Map<string, HeldLease>();
  private readonly assignment = new RendezvousCache();
  private live: string[] = [];
  private lastHeartbeatSentAt: number | null = null;
  /** Send time of the last heartbeat that succeeded: our instance row is live until about then + instanceTtlMs. */
  private lastHeartbeatOkAt: number | null = null;
  private planning = true;
  private running = false;
  private checkTimer: unknown = null;
  private renewTimer: unknown = null;
  private deadlineTimer: unknown = null;
  private checking: Promise<void> | null = null;
  private renewing: Promise<void> | null = null;
  /** Handoffs and step-downs whose release is pending. */
  private readonly releasing = new Set<Promise<void>>();

  constructor(options: OwnershipOptions) {
    this.store = options.store;
    this.instanceId = options.instanceId;
    this.owner = options.owner;
    const meta = options.meta ?? {};
    this.meta = typeof meta === 'function' ? meta : () => meta;
    this.leaseTtlMs = options.leaseTtlMs ?? 3000;
    this.checkIntervalMs = options.checkIntervalMs ?? 500;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.instanceTtlMs = options.instanceTtlMs ?? this.leaseTtlMs;
    this.stepDownMarginMs = options.stepDownMarginMs ?? this.checkIntervalMs;
    this.maxHandoffWaitMs = options.maxHandoffWaitMs ?? 5000;
    this.acquireConcurrency = options.acquireConcurrency ?? 8;
    this.storeCallTimeoutMs = options.storeCallTimeoutMs ?? this.leaseTtlMs;
    this.clock = options.clock ?? (() => performance.now());
    this.timers = options.timers ?? defaultTimers;
    this.eventIds = options.eventIds ?? (() => this.store.eventIds());
    if (this.stepDownMarginMs < 0) throw new RangeError('stepDownMarginMs must not be negative: a process would believe a lease after the store let others in');
    if (this.stepDownMarginMs + this.checkIntervalMs >= this.leaseTtlMs) {
      throw new RangeError(`leaseTtlMs (${this.leaseTtlMs}) must exceed checkIntervalMs + stepDownMarginMs (${this.checkIntervalMs} + ${this.stepDownMarginMs}): renewals would never be in time`);
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.planning = true;
    this.scheduleCheck(0);
    this.scheduleRenewal(this.checkIntervalMs);
  }

  /** The events this process owns right now (a lease past its local deadline is not owned, even before the timer fired). */
  ownedEvents(): OwnedEvent[] {
    const now = this.clock();
    const owned: OwnedEvent[] = [];
    for (const [eventId, lease] of this.held) if (lease.deadline > now) owned.push({ eventId, epoch: lease.epoch, handingOff: lease.handingOff });
    return owned.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  }

  /** The epoch this process owns the event with, or null. */
  epochOf(eventId: string): number | null {
    const lease = this.held.get(eventId);
    return lease && lease.deadline > this.clock() ? lease.epoch : null;
  }

  /**
   * Who runs the event's loop as far as this process knows: itself while it holds the lease,
   * else the owner of the lease as last read (every check, checkIntervalMs) while that lease
   * was live by the read; null while nobody is known to own it (free, expired, moving).
   */
  ownerOf(eventId: string): OwnerRef | null {
    const epoch = this.epochOf(eventId);
    if (epoch !== null) return { instanceId: this.instanceId, epoch };
    const seen = this.othersLeases.get(eventId);
    return seen && seen.liveUntil > this.clock() ? { instanceId: seen.ownerId, epoch: seen.epoch } : null;
  }

  /**
   * Another process says it owns the event at `epoch` (its announcement after it acquired it):
   * believed until the next read of the leases says otherwise, or one TTL. Only a routing hint:
   * a command sent to a process that is not the owner at that epoch is refused by it.
   */
  noteOwner(eventId: string, instanceId: string, epoch: number): void {
    if (instanceId === this.instanceId) return;
    const known = this.othersLeases.get(eventId);
    if (known && known.epoch > epoch) return;
    this.othersLeases.set(eventId, { ownerId: instanceId, epoch, liveUntil: this.clock() + this.leaseTtlMs - this.stepDownMarginMs });
  }

  /** The live instances as last seen, with what they told in their heartbeats. */
  instances(): readonly LiveInstance[] {
    return this.instancesSeen;
  }

  /** The live instances as last seen (ids). */
  liveInstances(): readonly string[] {
    return this.live;
  }

  /** The owner's loop was refused by the fence: it is someone else's now. */
  reportFenced(eventId: string, epoch: number): void {
    const lease = this.held.get(eventId);
    if (lease?.epoch === epoch) this.drop(eventId, 'fenced');
  }

  /**
   * Stops. Graceful (default): leaves the instance list, hands every event off (onLose 'shutdown',
   * then release, renewing meanwhile), so others take over within a check. Not graceful: just stops
   * (as a crash would; the leases expire).
   */
  async stop(options: { graceful?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.planning = false;
    this.clearTimer('checkTimer');
    await this.checking;
    if (options.graceful ?? true) {
      await this.attempt('leave the instance list', () => this.store.leave(this.instanceId));
      for (const eventId of [...this.held.keys()]) this.handOff(eventId, 'shutdown');
      while (this.releasing.size > 0) await Promise.allSettled([...this.releasing]);
    }
    this.running = false;
    this.clearTimer('renewTimer');
    this.clearTimer('deadlineTimer');
    await this.renewing;
    if (!(options.graceful ?? true)) this.held.clear();
  }

  // ---------- the check: liveness, plan, acquire / hand off ----------

  private scheduleCheck(delayMs: number): void {
    if (!this.running || !this.planning) return;
    this.checkTimer = this.timers.setTimeout(() => {
      this.checkTimer = null;
      this.checking = this.check().finally(() => {
        this.checking = null;
        this.scheduleCheck(this.checkIntervalMs);
      });
    }, delayMs);
  }

  private async check(): Promise<void> {
    const live = await this.refreshLiveness();
    const readAt = this.clock();
    const seen = await this.attempt('read the leases', () => this.store.allLeases());
    if (seen) {
      const read = new Map<string, { ownerId: string; epoch: number; liveUntil: number }>();
      for (const lease of seen) {
        if (lease.ownerId === this.instanceId || lease.releasedAt !== null || lease.expiresInMs <= 0) continue;
        read.set(lease.eventId, { ownerId: lease.ownerId, epoch: lease.epoch, liveUntil: readAt + lease.expiresInMs });
      }
      // An owner announced after this read began (noteOwner) is newer than what the read saw.
      for (const [eventId, hint] of this.othersLeases) {
        if (hint.epoch > (read.get(eventId)?.epoch ?? seen.find((l) => l.eventId === eventId)?.epoch ?? 0)) read.set(eventId, hint);
      }
      this.othersLeases.clear();
      for (const [eventId, entry] of read) this.othersLeases.set(eventId, entry);
    }
    const eventIds = await this.attempt('list the events', () => this.eventIds());
    if (!seen || !eventIds || !this.planning) return;
    const leases = new Map<string, SeenLease>(seen.map((l) => [l.eventId, l]));
    const plan = planOwnership({
      self: this.instanceId,
      now: this.clock(),
      live,
      desiredOwner: this.assignment.ownerOf(eventIds, live ?? []),
      leases,
      held: this.held,
      isIdle: (eventId) => this.owner.isIdle?.(eventId) ?? true,
      maxHandoffWaitMs: this.maxHandoffWaitMs,
    });
    for (const [eventId, since] of plan.unwantedSince) {
      const lease = this.held.get(eventId);
      if (lease) lease.unwantedSince = since;
    }
    for (const eventId of plan.lost) this.drop(eventId, 'taken_over');
    for (const eventId of plan.handOff) this.handOff(eventId, 'rebalanced');
    await this.acquireAll(plan.acquire);
  }

  /** Heartbeats (every heartbeatMs) or reads the live list; null when our own liveness is unsure. */
  private async refreshLiveness(): Promise<string[] | null> {
    const now = this.clock();
    let instances;
    if (this.lastHeartbeatSentAt === null || now - this.lastHeartbeatSentAt >= this.heartbeatMs) {
      this.lastHeartbeatSentAt = now;
      instances = await this.attempt('heartbeat', () => this.store.heartbeat(this.instanceId, this.instanceTtlMs, this.meta()));
      if (instances) this.lastHeartbeatOkAt = now;
    } else {
      instances = await this.attempt('read the live instances', () => this.store.liveInstances());
    }
    if (!instances) return null;
    this.instancesSeen = instances;
    this.live = instances.map((i) => i.instanceId);
    // Others count us only while our row lives: take nothing new when it may have lapsed.
    const selfLive =
      this.lastHeartbeatOkAt !== null && this.clock() - this.lastHeartbeatOkAt < this.instanceTtlMs - this.stepDownMarginMs && this.live.includes(this.instanceId);
    return selfLive ? this.live : null;
  }

  private async acquireAll(eventIds: readonly string[]): Promise<void> {
    const queue = [...eventIds];
    const worker = async () => {
      for (let eventId = queue.shift(); eventId !== undefined && this.planning; eventId = queue.shift()) await this.acquireOne(eventId);
    };
    await Promise.all(Array.from({ length: Math.min(this.acquireConcurrency, queue.length) }, worker));
  }

  private async acquireOne(eventId: string): Promise<void> {
    const sentAt = this.clock();
    const result = await this.attempt(`acquire ${eventId}`, () => this.store.acquire(eventId, this.instanceId, this.leaseTtlMs));
    if (!result?.acquired) return;
    const { epoch } = result.lease;
    const deadline = sentAt + this.leaseTtlMs - this.stepDownMarginMs;
    if (!this.planning || this.held.has(eventId) || deadline <= this.clock()) {
      // Stopping, or the answer came too late to be believed: give it back at once.
      await this.attempt(`release ${eventId}`, () => this.store.release(eventId, this.instanceId, epoch));
      return;
    }
    this.held.set(eventId, { epoch, deadline, handingOff: false, unwantedSince: null });
    this.armDeadline();
    try {
      await this.owner.onAcquire(eventId, epoch);
    } catch (error) {
      this.owner.onError?.(`the owner could not start ${eventId}; releasing it`, error);
      if (this.held.get(eventId)?.epoch === epoch) {
        this.held.delete(eventId);
        await this.attempt(`release ${eventId}`, () => this.store.release(eventId, this.instanceId, epoch));
      }
    }
  }

  // ---------- renewals and deadlines ----------

  private scheduleRenewal(delayMs: number): void {
    if (!this.running) return;
    this.renewTimer = this.timers.setTimeout(() => {
      this.renewTimer = null;
      this.renewing = this.renew().finally(() => {
        this.renewing = null;
        this.scheduleRenewal(this.checkIntervalMs);
      });
    }, delayMs);
  }

  private async renew(): Promise<void> {
    const leases = [...this.held].map(([eventId, lease]) => ({ eventId, epoch: lease.epoch }));
    if (leases.length === 0) return;
    const sentAt = this.clock();
    const renewed = await this.attempt('renew the leases', () => this.store.renewMany(this.instanceId, leases, this.leaseTtlMs));
    if (!renewed) return; // deadlines stand: the timer steps down if no renewal gets through
    const ok = new Set(renewed);
    const deadline = sentAt + this.leaseTtlMs - this.stepDownMarginMs;
    for (const { eventId, epoch } of leases) {
      const lease = this.held.get(eventId);
      if (!lease || lease.epoch !== epoch) continue; // dropped (or re-acquired) meanwhile
      if (!ok.has(eventId)) this.drop(eventId, 'taken_over');
      else if (deadline > lease.deadline) lease.deadline = deadline;
    }
    this.expireDue();
  }

  private armDeadline(): void {
    this.clearTimer('deadlineTimer');
    let earliest = Infinity;
    for (const lease of this.held.values()) earliest = Math.min(earliest, lease.deadline);
    if (earliest === Infinity || !this.running) return;
    this.deadlineTimer = this.timers.setTimeout(
      () => {
        this.deadlineTimer = null;
        this.expireDue();
      },
      Math.max(0, earliest - this.clock()),
    );
  }

  /** Steps down from every lease whose deadline has passed. */
  private expireDue(): void {
    const now = this.clock();
    for (const [eventId, lease] of [...this.held]) if (lease.deadline <= now) this.drop(eventId, 'renewal_timeout');
    this.armDeadline();
  }

  // ---------- giving events up ----------

  /** Forgets the lease and tells the owner (once: a handoff in progress already told it). */
  private drop(eventId: string, reason: LoseReason): void {
    const lease = this.held.get(eventId);
    if (!lease) return;
    this.held.delete(eventId);
    this.armDeadline();
    const stopped = lease.handingOff ? Promise.resolve() : this.tell(eventId, reason);
    if (reason !== 'renewal_timeout') return void stopped;
    // Dropped on time, the lease may still be live in the store: once the loop stopped, give it back so
    // the next owner need not wait out the TTL (refused harmlessly if someone took it meanwhile).
    this.track(
      this.bounded(stopped, this.maxHandoffWaitMs).then(async () => {
        await this.attempt(`release ${eventId}`, () => this.store.release(eventId, this.instanceId, lease.epoch));
      }),
    );
  }

  /** Tells the owner to stop, waits for it (bounded), then releases: the next owner starts from everything committed. */
  private handOff(eventId: string, reason: 'rebalanced' | 'shutdown'): void {
    const lease = this.held.get(eventId);
    if (!lease || lease.handingOff) return;
    lease.handingOff = true;
    const { epoch } = lease;
    const stopped = this.tell(eventId, reason);
    this.track(
      this.bounded(stopped, this.maxHandoffWaitMs).then(async () => {
        if (this.held.get(eventId)?.epoch !== epoch) return; // lost meanwhile
        this.held.delete(eventId);
        this.armDeadline();
        await this.attempt(`release ${eventId}`, () => this.store.release(eventId, this.instanceId, epoch));
      }),
    );
  }

  private tell(eventId: string, reason: LoseReason): Promise<void> {
    try {
      return Promise.resolve(this.owner.onLose(eventId, reason)).catch((error: unknown) => this.owner.onError?.(`the owner failed to stop ${eventId}`, error));
    } catch (error) {
      this.owner.onError?.(`the owner failed to stop ${eventId}`, error);
      return Promise.resolve();
    }
  }

  private track(work: Promise<void>): void {
    this.releasing.add(work);
    void work.finally(() => this.releasing.delete(work));
  }

  private bounded(work: Promise<void>, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.timers.setTimeout(resolve, ms);
      void work.finally(() => {
        this.timers.clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Runs a store call; a failure or no answer in time is reported and becomes undefined (the next round tries again). */
  private async attempt<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    let timer: unknown = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.timers.setTimeout(() => reject(new Error(`no answer within ${this.storeCallTimeoutMs} ms`)), this.storeCallTimeoutMs);
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (error) {
      this.owner.onError?.(`ownership: could not ${what}`, error);
      return undefined;
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  private clearTimer(name: 'checkTimer' | 'renewTimer' | 'deadlineTimer'): void {
    if (this[name] !== null) this.timers.clearTimeout(this[name]);
    this[name] = null;
  }
}
