// One event as of its last committed batch: what every read is served from
// (the live map's snapshot, counts, a buyer's holds, the organizer's
// figures). It changes only by applying commit notices in version order, so
// no read can ever see a batch that has not committed, even while the loop
// applies the next batch in memory. The owner's loop feeds it directly; in
// distributed mode every other process keeps one too, fed by the notices the
// owner publishes, and rebuilt from the store when it sees a gap.
import type { SeatStatus } from '../../lib/protocol';
import { publicStatus, type CoreSeatStatus, type EventRules, type SeatCounts } from '../../core/types';
import type { LoopState } from '../../db/store';
import { CORE_STATUS_OF_CODE, type CommitNotice, type LiveHold } from './commitNotice';

export type ApplyResult = 'applied' | 'stale' | 'gap';

const doorKey = (orderId: string, seatId: string) => `${orderId}\u0000${seatId}`;

export class CommittedView {
  readonly eventId: string;
  private currentVersion: number;
  rules: EventRules;
  private readonly statuses = new Map<string, CoreSeatStatus>();
  private readonly counts: SeatCounts = { available: 0, held: 0, sold: 0, blocked: 0 };
  private readonly holds = new Map<string, LiveHold>();
  private readonly holdIdsByBuyer = new Map<string, Set<string>>();
  /** Valid tickets left per order: an order with none left no longer counts. */
  private readonly ticketsLeft = new Map<string, number>();
  private revenue = 0;
  /** Valid tickets, and those of them admitted at the door (by order and seat). */
  private validTickets = 0;
  private readonly admitted = new Set<string>();
  /** When each buyer last placed an order (the waiting room: checking out ends a shopping window). */
  private readonly lastOrderByBuyer = new Map<string, number>();
  private publicCache: { version: number; seats: Record<string, SeatStatus> } | null = null;
  private readonly listeners = new Set<(notice: CommitNotice | null) => void>();

  private constructor(eventId: string, version: number, rules: EventRules) {
    this.eventId = eventId;
    this.currentVersion = version;
    this.rules = rules;
  }

  /** The committed state a loop (or a replica) rebuilt from storage. */
  static fromState(state: LoopState): CommittedView {
    const view = new CommittedView(state.eventId, state.version, { ...state.rules });
    for (const seat of state.seats) view.statuses.set(seat.id, 'available');
    view.counts.available = state.seats.length;
    for (const seatId of state.restored.blockedSeatIds) view.setStatus(seatId, 'blocked');
    const admittedTickets = new Set((state.restored.checkIns ?? []).map((c) => c.ticketId));
    for (const order of state.restored.orders) {
      view.noteOrder(order.buyerId, order.createdAt);
      view.validTickets += order.tickets.length;
      for (const t of order.tickets) {
        view.setStatus(t.seatId, 'sold');
        if (admittedTickets.has(t.id)) view.admitted.add(doorKey(order.id, t.seatId));
      }
      if (order.tickets.length > 0) {
        view.ticketsLeft.set(order.id, order.tickets.length);
        view.revenue += order.totalCents;
      }
    }
    for (const h of state.restored.holds) {
      for (const seatId of h.seatIds) view.setStatus(seatId, 'held');
      view.addHold({ id: h.id, buyerId: h.buyerId, seatIds: [...h.seatIds], createdAt: h.createdAt, expiresAt: h.expiresAt, extensions: h.extensions });
    }
    return view;
  }

  get version(): number {
    return this.currentVersion;
  }

  get capacity(): number {
    return this.statuses.size;
  }

  /**
   * Applies the next notice. A notice at or below the current version is 'stale' (already
   * seen, or older than a re-read from storage); one further ahead is a 'gap': the caller must
   * rebuild the view from storage, which is never behind a notice it received.
   */
  apply(notice: CommitNotice): ApplyResult {
    if (notice.version <= this.currentVersion) return 'stale';
    if (notice.version !== this.currentVersion + 1) return 'gap';
    for (const [seatId, code] of notice.seats) {
      if (this.statuses.has(seatId)) this.setStatus(seatId, CORE_STATUS_OF_CODE[code]);
    }
    for (const ended of notice.holdsEnded) this.removeHold(ended.id);
    for (const created of notice.holdsCreated) this.addHold({ ...created, seatIds: [...created.seatIds] });
    for (const extended of notice.holdsExtended) {
      const hold = this.holds.get(extended.id);
      if (hold) this.holds.set(extended.id, { ...hold, expiresAt: extended.expiresAt, extensions: extended.extensions });
    }
    for (const order of notice.ordersCreated) {
      this.noteOrder(order.buyerId, order.createdAt);
      if (order.tickets > 0) this.ticketsLeft.set(order.id, order.tickets);
      this.revenue += order.totalCents;
      this.validTickets += order.tickets;
    }
    for (const checkIn of notice.checkIns) this.admitted.add(doorKey(checkIn.orderId, checkIn.seatId));
    for (const cancelled of notice.ticketsCancelled) {
      const left = (this.ticketsLeft.get(cancelled.orderId) ?? 0) - cancelled.seatIds.length;
      if (left > 0) this.ticketsLeft.set(cancelled.orderId, left);
      else this.ticketsLeft.delete(cancelled.orderId);
      this.revenue -= cancelled.refundedCents;
      this.validTickets -= cancelled.seatIds.length;
      // A cancelled ticket is no longer expected at the door, admitted or not.
      for (const seatId of cancelled.seatIds) this.admitted.delete(doorKey(cancelled.orderId, seatId));
    }
    if (notice.rules) this.rules = { ...this.rules, ...notice.rules };
    this.currentVersion = notice.version;
    for (const listener of this.listeners) listener(notice);
    return 'applied';
  }

  /**
   * Called after every applied notice, and with null after a reset (everything may have
   * changed): the seat feed keeps its statuses string current this way.
   */
  subscribe(listener: (notice: CommitNotice | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts over from a state read from storage (after a gap, or a failed commit). */
  reset(state: LoopState): void {
    const fresh = CommittedView.fromState(state);
    this.adopt(fresh, state.version);
  }

  /** A layout replacement: new seats, all available, no holds (the core refuses it otherwise). */
  replaceSeats(seatIds: readonly string[], notice: CommitNotice): void {
    const fresh = new CommittedView(this.eventId, notice.version, { ...this.rules, ...(notice.rules ?? {}) });
    for (const seatId of seatIds) fresh.statuses.set(seatId, 'available');
    fresh.counts.available = seatIds.length;
    fresh.ticketsLeft.clear();
    this.adopt(fresh, notice.version);
  }

  private adopt(fresh: CommittedView, version: number): void {
    this.statuses.clear();
    for (const [seatId, status] of fresh.statuses) this.statuses.set(seatId, status);
    Object.assign(this.counts, fresh.counts);
    this.holds.clear();
    this.holdIdsByBuyer.clear();
    for (const hold of fresh.holds.values()) this.addHold(hold);
    this.ticketsLeft.clear();
    for (const [orderId, n] of fresh.ticketsLeft) this.ticketsLeft.set(orderId, n);
    this.revenue = fresh.revenue;
    this.validTickets = fresh.validTickets;
    this.admitted.clear();
    for (const key of fresh.admitted) this.admitted.add(key);
    this.lastOrderByBuyer.clear();
    for (const [buyerId, at] of fresh.lastOrderByBuyer) this.lastOrderByBuyer.set(buyerId, at);
    this.rules = fresh.rules;
    this.currentVersion = version;
    this.publicCache = null;
    for (const listener of this.listeners) listener(null);
  }

  // ---------- reads ----------

  statusOf(seatId: string): CoreSeatStatus | undefined {
    return this.statuses.get(seatId);
  }

  seatEntries(): IterableIterator<[string, CoreSeatStatus]> {
    return this.statuses.entries();
  }

  seatCounts(): Readonly<SeatCounts> {
    return this.counts;
  }

  /** What buyers see: blocked seats count as sold. */
  publicCounts(): { available: number; held: number; sold: number } {
    return { available: this.counts.available, held: this.counts.held, sold: this.counts.sold + this.counts.blocked };
  }

  /** The public seat map at this version, keyed by seat id; built at most once per version. */
  snapshot(): { version: number; seats: Record<string, SeatStatus> } {
    if (this.publicCache?.version !== this.currentVersion) {
      const seats: Record<string, SeatStatus> = {};
      for (const [seatId, status] of this.statuses) seats[seatId] = publicStatus(status);
      this.publicCache = { version: this.currentVersion, seats };
    }
    return this.publicCache;
  }

  hold(holdId: string): LiveHold | undefined {
    return this.holds.get(holdId);
  }

  activeHolds(): IterableIterator<LiveHold> {
    return this.holds.values();
  }

  holdsOf(buyerId: string): LiveHold[] {
    const ids = this.holdIdsByBuyer.get(buyerId);
    return ids ? [...ids].map((holdId) => this.holds.get(holdId)!) : [];
  }

  /** Orders with at least one valid ticket, and what their valid tickets cost. */
  sales(): { orders: number; revenueCents: number } {
    return { orders: this.ticketsLeft.size, revenueCents: this.revenue };
  }

  /** The door: valid tickets admitted so far, of those expected (every valid ticket). */
  doorCounts(): { checkedIn: number; expected: number } {
    return { checkedIn: this.admitted.size, expected: this.validTickets };
  }

  /** When the buyer last placed an order for this event (undefined: never). */
  lastOrderAt(buyerId: string): number | undefined {
    return this.lastOrderByBuyer.get(buyerId);
  }

  // ---------- internals ----------

  private noteOrder(buyerId: string, createdAt: number): void {
    if ((this.lastOrderByBuyer.get(buyerId) ?? -1) < createdAt) this.lastOrderByBuyer.set(buyerId, createdAt);
  }

  private setStatus(seatId: string, next: CoreSeatStatus): void {
    const current = this.statuses.get(seatId);
    if (current === undefined) throw new Error(`committed view: unknown seat ${seatId}`);
    this.counts[current] -= 1;
    this.counts[next] += 1;
    this.statuses.set(seatId, next);
  }

  private addHold(hold: LiveHold): void {
    this.holds.set(hold.id, hold);
    let mine = this.holdIdsByBuyer.get(hold.buyerId);
    if (!mine) this.holdIdsByBuyer.set(hold.buyerId, (mine = new Set()));
    mine.add(hold.id);
  }

  private removeHold(holdId: string): void {
    const hold = this.holds.get(holdId);
    if (!hold) return;
    this.holds.delete(holdId);
    const mine = this.holdIdsByBuyer.get(hold.buyerId);
    mine?.delete(holdId);
    if (mine?.size === 0) this.holdIdsByBuyer.delete(hold.buyerId);
  }
}
