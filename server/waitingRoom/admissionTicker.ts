// The admission ticker of one event's waiting room (issue 12): opens the room
// at its time (the pre-queue shuffle), admits buyers at the organizer's rate
// within the shopper cap, closes the room while nothing is left to sell, and
// broadcasts the "now serving" figures. It runs beside the event's loop (in
// distributed mode: only on the event's owner). Every step reads the room
// from the store and commits with conditional statements guarded by the
// room's step token, so a ticker stopped at any point and started again in
// any process carries on where the store says, and two tickers racing never
// admit anyone twice or faster than the rate.
import { randomBytes } from 'node:crypto';
import type { WaitingRoomRecord, WaitingRoomStore } from '../../db/waitingRoomStore';
import type { QueueAdmittedNotice, QueueUpdate } from '../../lib/waitingRoom';
import type { Timers } from '../loop/reservationLoop';
import type { AdmissionTokens } from './admissionTokens';
import { queueUpdateOf } from './roomView';

export interface QueueBroadcast {
  /** To everyone watching the event's queue (one message per event per step at most). */
  update(update: QueueUpdate): void;
  /** To one buyer's own sockets. */
  admitted(buyerId: string, notice: QueueAdmittedNotice): void;
}

export interface TickerOptions {
  eventId: string;
  rooms: WaitingRoomStore;
  tokens: AdmissionTokens;
  clock: () => number;
  timers: Timers;
  /** Seats left to sell: the room closes while available and held are both zero. */
  seatCounts(): { available: number; held: number };
  broadcast: QueueBroadcast;
  /** Whether this process thinks the room is on (a cheap check that skips steps of events without one). */
  isEnabled?(): boolean;
  onError(message: string, error: unknown): void;
  /** Between steps (default 1 s): also the bound on queue:update frequency. */
  stepMs?: number;
  /** The most rate credit that can pile up while nobody can be admitted (default 5 s of the rate). */
  burstMs?: number;
  /** Admissions in one step at most (default 5,000). */
  maxPerStep?: number;
  /** A quiet room is re-announced this often (default 5 s), for clients that missed an update. */
  heartbeatMs?: number;
}

const newToken = () => randomBytes(9).toString('base64url');

/** Counts of the last minute: display figures of one ticker (a new owner's ticker starts at zero). */
class LastMinute {
  private entries: { at: number; count: number }[] = [];

  add(at: number, count: number): void {
    this.entries.push({ at, count });
  }

  total(now: number): number {
    this.entries = this.entries.filter((e) => e.at > now - 60_000);
    return this.entries.reduce((n, e) => n + e.count, 0);
  }
}

export class AdmissionTicker {
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastBroadcast: { key: string; at: number; phase: QueueUpdate['phase'] } | null = null;
  /** This ticker's admissions of the last minute. */
  private readonly admitted = new LastMinute();
  /**
   * Shoppers who left (checked out, or their window ended) in the last minute, seen as the drop in
   * active shoppers between two steps (only this ticker admits, so nothing else moves the count
   * between them). At the cap it is the pace of admissions.
   */
  private readonly left = new LastMinute();
  /** Active shoppers after the previous step (null: no previous step to compare with). */
  private lastActive: number | null = null;
  private readonly stepMs: number;
  private readonly burstMs: number;
  private readonly maxPerStep: number;
  private readonly heartbeatMs: number;

  constructor(private readonly options: TickerOptions) {
    this.stepMs = options.stepMs ?? 1000;
    this.burstMs = options.burstMs ?? 5000;
    this.maxPerStep = options.maxPerStep ?? 5000;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops after the step in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs one step now (tests drive the ticker this way); steps never overlap. */
  async step(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.runStep().finally(() => (this.running = null));
    await this.running;
  }

  /** Orders of buyers admitted by the room end their windows early (the owner's commit notices call this). */
  async checkedOut(orders: readonly { buyerId: string; createdAt: number }[]): Promise<void> {
    for (const order of orders) await this.options.rooms.checkOut(this.options.eventId, order.buyerId, order.createdAt);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      this.step()
        .catch((error: unknown) => this.options.onError('waiting room step failed; retrying', error))
        .finally(() => this.schedule(this.stepMs));
    }, delayMs);
  }

  private async runStep(): Promise<void> {
    const { rooms, eventId, clock } = this.options;
    const now = clock();
    if (this.options.isEnabled && !this.options.isEnabled()) return this.off(now);
    let room = await rooms.room(eventId);
    if (!room?.enabled) return this.off(now);
    if (room.openedAt === null && (room.opensAt === null || now >= room.opensAt)) {
      // The shuffle: numbers the pre-queue in the order of its committed seed (idempotent).
      await rooms.open(eventId, now);
      room = (await rooms.room(eventId))!;
    }
    if (room.openedAt !== null) await this.numberStragglers(room);
    const seats = this.options.seatCounts();
    const soldOut = seats.available === 0 && seats.held === 0;
    if (soldOut !== room.soldOut) await rooms.setSoldOut(eventId, soldOut, now);
    const counts = await rooms.counts(eventId, now);
    if (this.lastActive !== null && counts.active < this.lastActive) this.left.add(now, this.lastActive - counts.active);
    if (room.openedAt !== null) {
      if (!room.paused && !soldOut) await this.admit(room, counts.active, now);
      else await rooms.saveCredit(eventId, room.stepToken, newToken(), Math.min(room.admitCredit, this.creditCap(room)), now);
    }
    const after = await rooms.counts(eventId, now);
    this.lastActive = after.active;
    await rooms.saveFigures(eventId, { waiting: after.waiting, active: after.active, admittedLastMinute: this.admitted.total(now), leftLastMinute: this.left.total(now) });
    this.announce((await rooms.room(eventId))!, now);
  }

  private creditCap(room: WaitingRoomRecord): number {
    return Math.max(1, (room.admitPerMinute * this.burstMs) / 60_000);
  }

  /** Admits as many as the rate credit and the shopper cap allow, in queue order, in one guarded transaction. */
  private async admit(room: WaitingRoomRecord, active: number, now: number): Promise<void> {
    const { rooms, eventId } = this.options;
    const elapsedMs = room.creditAt === null ? 0 : Math.max(0, now - room.creditAt);
    const credit = Math.min(this.creditCap(room), room.admitCredit + (elapsedMs * room.admitPerMinute) / 60_000);
    const free = room.maxActiveShoppers === null ? Infinity : Math.max(0, room.maxActiveShoppers - active);
    const wanted = Math.min(Math.floor(credit), free, this.maxPerStep);
    const next = wanted > 0 ? await rooms.nextToAdmit(eventId, wanted) : [];
    if (next.length === 0) {
      await rooms.saveCredit(eventId, room.stepToken, newToken(), credit, now);
      return;
    }
    const admittedUntil = now + room.shoppingWindowMs;
    const committed = await rooms.admit({
      eventId,
      expectedToken: room.stepToken,
      newToken: newToken(),
      at: now,
      admittedUntil,
      buyerIds: next.map((e) => e.buyerId),
      servingAtLeast: Math.max(...next.map((e) => e.number)),
      admitCredit: credit - next.length,
    });
    if (!committed) return; // another ticker took this step: it admitted them (or will)
    this.admitted.add(now, next.length);
    for (const { buyerId } of next) {
      this.options.broadcast.admitted(buyerId, { eventId, admittedUntil, admission: this.options.tokens.issue(eventId, buyerId, now, admittedUntil) });
    }
  }

  /** Entries that joined while the room was opening got no number from the shuffle: they queue as arrivals. */
  private async numberStragglers(room: WaitingRoomRecord): Promise<void> {
    const { rooms, eventId } = this.options;
    for (const buyerId of await rooms.unnumbered(eventId, 1000)) {
      await rooms.assignNumber(eventId, buyerId, await rooms.takeNumber(room.eventId));
    }
  }

  /** The room is switched off: nothing to compare the next step's shoppers with. */
  private off(now: number): Promise<void> {
    this.lastActive = null;
    return this.announceOff(now);
  }

  /** The room was switched off: whoever still waits hears it once (and goes shopping). */
  private async announceOff(now: number): Promise<void> {
    if (!this.lastBroadcast || this.lastBroadcast.phase === 'off') return;
    const room = await this.options.rooms.room(this.options.eventId);
    if (room) this.announce(room, now);
  }

  /** One queue:update per step when something changed, else a heartbeat now and then. */
  private announce(room: WaitingRoomRecord, now: number): void {
    const update = queueUpdateOf(room, now);
    const key = JSON.stringify({ ...update, at: 0 });
    if (this.lastBroadcast && this.lastBroadcast.key === key && now - this.lastBroadcast.at < this.heartbeatMs) return;
    this.lastBroadcast = { key, at: now, phase: update.phase };
    this.options.broadcast.update(update);
  }
}
