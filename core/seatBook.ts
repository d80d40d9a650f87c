// The seat book of one event: pure, synchronous, single-owner state.
// Every change goes through apply() or expireDue() with an explicit `now`.
// Each call records effects (for the database) and seat changes (for the
// broadcast) into the current batch, which the loop takes after the tick.
import { ExpiryQueue } from './expiryQueue';
import { EndedHolds } from './endedHolds';
import type {
  BestSeatsRequest,
  BuyerId,
  Command,
  CoreSeatStatus,
  Effect,
  EventRules,
  Failure,
  Hold,
  HoldEndReason,
  HoldId,
  IdSource,
  Order,
  OrderId,
  Outcome,
  SeatCounts,
  SeatId,
  SeatSpec,
  SeatState,
  StageBox,
} from './types';
import { applyAdmin, isAdminCommand, type AdminBook } from './adminCommands';
import { TicketRegister, type CancelledTicket, type RestoredCheckIn } from './ticketRegister';
import { pickBestSeats } from './bestAvailable';
import { strandedSeats } from './orphanRule';
import { VenueRows } from './venueRows';
import { PurchaseLedger } from './purchaseLedger';

export type { SeatSpec } from './types';

export interface RestoredState {
  holds: Hold[];
  orders: Order[];
  blockedSeatIds: SeatId[];
  /** Recently ended holds (oldest first), so late commands still hear "expired" rather than "not found". */
  endedHolds?: { id: HoldId; buyerId: BuyerId; reason: HoldEndReason }[];
  /** Client request ids of recently ended holds (oldest first; live holds carry theirs), so retries stay retries. */
  endedRequests?: { holdId: HoldId; buyerId: BuyerId; requestId: string }[];
  /** Cancelled tickets, so the door can say "cancelled" rather than "unknown". */
  cancelledTickets?: CancelledTicket[];
  /** Admissions of valid tickets. */
  checkIns?: RestoredCheckIn[];
}

export interface BatchResult {
  effects: Effect[];
  /** Final status of every seat whose status differs from the batch's start. */
  changes: Map<SeatId, CoreSeatStatus>;
}

function failure(code: Failure['code'], message: string, extra: Partial<Failure> = {}): Failure {
  return { ok: false, code, message, ...extra };
}

export class SeatBook implements AdminBook {
  readonly eventId: string;
  rules: EventRules;
  private readonly ids: IdSource;
  private readonly priceCents = new Map<SeatId, number>();
  private readonly holds = new Map<HoldId, Hold>();
  private readonly orders = new Map<OrderId, Order>();
  private readonly orderByIdempotencyKey = new Map<string, Order>();
  private readonly ended = new EndedHolds();
  /** Live holds by buyer + client request id; ended ones move to `ended` with their hold. */
  private readonly liveHoldByRequest = new Map<string, HoldId>();
  private readonly seatsHeldByBuyer = new Map<BuyerId, number>();
  private readonly deadlines = new ExpiryQueue();
  private readonly counts: SeatCounts = { available: 0, held: 0, sold: 0, blocked: 0 };
  /** General-admission areas: their units, in the order they are handed out. */
  private readonly gaUnits = new Map<string, SeatId[]>();
  /**
   * Seats by index (the order they were given in): id → index, and per index the id, the
   * state, and a free-seat bitmap (1 = available) kept in step by setSeat for best
   * available and the orphan rule. One hash look-up per seat change, as with a Map of states.
   */
  private readonly seatIndex = new Map<SeatId, number>();
  private seatIdAt: SeatId[] = [];
  private states: SeatState[] = [];
  private free = new Uint8Array(0);
  private rows!: VenueRows;
  private retired = false;
  /** Valid tickets by code, cancelled codes and admissions at the door (read-only outside the core). */
  readonly tickets = new TicketRegister();
  /** Valid tickets per buyer session and per buyer email: the purchase cap counts them (read-only outside the core). */
  readonly purchases = new PurchaseLedger();

  private effects: Effect[] = [];
  private batchStart = new Map<SeatId, CoreSeatStatus>();

  /** `stage`: the venue's stage, whose centre is the focal point best available measures from. */
  constructor(eventId: string, seats: SeatSpec[], rules: EventRules, ids: IdSource, restored?: RestoredState, stage?: StageBox) {
    this.eventId = eventId;
    this.rules = rules;
    this.ids = ids;
    this.loadSeats(seats, stage);
    if (restored) this.restore(restored);
  }

  private loadSeats(seats: SeatSpec[], stage: StageBox | undefined): void {
    this.priceCents.clear();
    this.gaUnits.clear();
    this.seatIndex.clear();
    this.seatIdAt = seats.map((seat) => seat.id);
    this.states = seats.map(() => AVAILABLE);
    this.free = new Uint8Array(seats.length).fill(1);
    for (const seat of seats) {
      if (this.seatIndex.has(seat.id)) throw new Error(`duplicate seat id ${seat.id}`);
      this.seatIndex.set(seat.id, this.seatIndex.size);
      this.priceCents.set(seat.id, seat.priceCents);
      if (seat.gaArea) {
        const units = this.gaUnits.get(seat.gaArea) ?? [];
        units.push(seat.id);
        this.gaUnits.set(seat.gaArea, units);
      }
    }
    this.counts.available = seats.length;
    this.counts.held = this.counts.sold = this.counts.blocked = 0;
    this.rows = new VenueRows(seats, stage);
  }

  // ---------- reads ----------

  get capacity(): number {
    return this.states.length;
  }

  seatCounts(): Readonly<SeatCounts> {
    return this.counts;
  }

  seatState(seatId: SeatId): SeatState | undefined {
    return this.stateOf(seatId);
  }

  *seatEntries(): IterableIterator<[SeatId, SeatState]> {
    for (let i = 0; i < this.states.length; i++) yield [this.seatIdAt[i], this.states[i]];
  }

  private stateOf(seatId: SeatId): SeatState | undefined {
    const i = this.seatIndex.get(seatId);
    return i === undefined ? undefined : this.states[i];
  }

  hold(holdId: HoldId): Hold | undefined {
    return this.holds.get(holdId);
  }

  activeHolds(): IterableIterator<Hold> {
    return this.holds.values();
  }

  holdsOf(buyerId: BuyerId): Hold[] {
    const mine: Hold[] = [];
    if (!this.seatsHeldByBuyer.get(buyerId)) return mine;
    for (const hold of this.holds.values()) if (hold.buyerId === buyerId) mine.push(hold);
    return mine;
  }

  order(orderId: OrderId): Order | undefined {
    return this.orders.get(orderId);
  }

  allOrders(): IterableIterator<Order> {
    return this.orders.values();
  }

  /** Effects recorded since the last takeBatch(). */
  get pendingEffectCount(): number {
    return this.effects.length;
  }

  /** Earliest deadline of a live hold, or null when nothing can expire. */
  nextDeadline(): number | null {
    for (;;) {
      const top = this.deadlines.peek();
      if (!top) return null;
      const hold = this.holds.get(top.holdId);
      if (hold && hold.expiresAt === top.at) return top.at;
      this.deadlines.pop(); // stale: the hold ended or was extended
    }
  }

  // ---------- writes ----------

  apply(command: Command, now: number): Outcome {
    if (this.retired) return failure('not_found', 'This event was deleted.');
    if (isAdminCommand(command)) return applyAdmin(this, command, now);
    switch (command.type) {
      case 'hold': {
        if (command.requestId !== undefined) {
          const replay = this.replayOf(command.buyerId, command.requestId, now);
          if (replay) return replay;
        }
        if (command.best) {
          if (command.seatIds.length > 0 || command.gaRequests?.length) return failure('invalid_request', 'Ask for the best seats or name seats, not both.');
          return this.createBestHold(command.buyerId, command.best, now, command.requestId);
        }
        return this.createHold(command.buyerId, command.seatIds, now, command.gaRequests, command.requestId);
      }
      case 'extend':
        return this.extendHold(command.buyerId, command.holdId, now);
      case 'release':
        return this.releaseHold(command.buyerId, command.holdId, now);
      case 'confirm':
        return this.confirmHold(command, now);
      default: {
        const _exhaustive: never = command;
        throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /** Releases every hold whose deadline is at or before `now`. */
  expireDue(now: number): Hold[] {
    const expired: Hold[] = [];
    for (;;) {
      const at = this.nextDeadline();
      if (at === null || at > now) break;
      const { holdId } = this.deadlines.pop()!;
      const hold = this.holds.get(holdId)!;
      this.endHold(hold, 'expired', now);
      expired.push(hold);
    }
    return expired;
  }

  /** Hands over what the calls since the last takeBatch() changed. */
  takeBatch(): BatchResult {
    const changes = new Map<SeatId, CoreSeatStatus>();
    for (const [seatId, before] of this.batchStart) {
      const after = this.stateOf(seatId)?.status; // undefined: removed by a layout change
      if (after !== undefined && after !== before) changes.set(seatId, after);
    }
    const result = { effects: this.effects, changes };
    this.effects = [];
    this.batchStart = new Map();
    return result;
  }

  // ---------- commands ----------

  private saleClosedReason(now: number): string | null {
    const { saleStatus, saleOpensAt, saleClosesAt } = this.rules;
    if (saleStatus === 'paused') return 'Sales for this event are paused.';
    if (saleStatus === 'closed') return 'Sales for this event are closed.';
    if (saleOpensAt !== null && now < saleOpensAt) return 'Sales for this event have not opened yet.';
    if (saleClosesAt !== null && now >= saleClosesAt) return 'Sales for this event have ended.';
    return null;
  }

  /** Resolves general-admission requests to concrete free places, or says why it cannot. */
  private withGaUnits(seatIds: SeatId[], gaRequests: { areaId: string; quantity: number }[] | undefined): SeatId[] | Failure {
    if (!gaRequests?.length) return seatIds;
    const picked = [...seatIds];
    const named = new Set(seatIds);
    for (const { areaId, quantity } of gaRequests) {
      const units = this.gaUnits.get(areaId);
      if (!units) return failure('not_found', 'No such general-admission area in this event.', { seatIds: [areaId] });
      const free = units.filter((u) => !named.has(u) && this.stateOf(u)!.status === 'available').slice(0, quantity);
      if (free.length < quantity) {
        const left = units.length - units.filter((u) => this.stateOf(u)!.status !== 'available').length;
        return failure('seats_unavailable', `Only ${left} places are left in this area.`, { seatIds: [areaId] });
      }
      for (const u of free) named.add(u);
      picked.push(...free);
    }
    return picked;
  }

  private createHold(
    buyerId: BuyerId,
    namedSeatIds: SeatId[],
    now: number,
    gaRequests?: { areaId: string; quantity: number }[],
    requestId?: string,
  ): Outcome {
    const closed = this.saleClosedReason(now);
    if (closed) return failure('sale_closed', closed);
    if (namedSeatIds.length === 0 && !gaRequests?.length) return failure('invalid_request', 'Name at least one seat.');
    if (hasDuplicate(namedSeatIds)) return failure('invalid_request', 'A seat is named twice.');
    // Named seats first, so their failures name exactly those seats; then GA places.
    // One pass without allocating on the common path (every seat known and free).
    let allFree = true;
    for (const id of namedSeatIds) {
      if (this.stateOf(id)?.status !== 'available') {
        allFree = false;
        break;
      }
    }
    if (!allFree) {
      const unknown = namedSeatIds.filter((id) => !this.seatIndex.has(id));
      if (unknown.length) return failure('not_found', 'Some seats do not exist in this event.', { seatIds: unknown });
      const taken = namedSeatIds.filter((id) => this.stateOf(id)!.status !== 'available');
      return failure('seats_unavailable', 'Some seats are no longer available.', { seatIds: taken });
    }
    const seatIds = this.withGaUnits(namedSeatIds, gaRequests);
    if (!Array.isArray(seatIds)) return seatIds;

    const alreadyHeld = this.seatsHeldByBuyer.get(buyerId) ?? 0;
    // The cap counts what the buyer already bought too: lapsing and re-holding cannot go past it.
    const bought = this.purchases.ticketsOfBuyer(buyerId);
    const max = this.rules.maxSeatsPerBuyer;
    if (alreadyHeld + bought + seatIds.length > max) {
      return failure(
        'limit_exceeded',
        bought > 0
          ? `You may have at most ${max} tickets for this event (you hold ${alreadyHeld} and bought ${bought}).`
          : `You may hold at most ${max} seats for this event (you already hold ${alreadyHeld}).`,
      );
    }

    if (this.rules.preventOrphanSeats) {
      const stranded = this.strandedBy(seatIds);
      if (stranded.length) {
        return failure(
          'orphan_seat',
          stranded.length === 1
            ? 'This choice would leave a single empty seat on its own in the row: include it, or leave it a free neighbour.'
            : 'This choice would leave single empty seats on their own: include them, or leave each a free neighbour.',
          { seatIds: stranded },
        );
      }
    }
    return this.placeHold(buyerId, seatIds, alreadyHeld, now, requestId);
  }

  /** Best available: picks with bestAvailable.ts and holds in this same command. */
  private createBestHold(buyerId: BuyerId, request: BestSeatsRequest, now: number, requestId?: string): Outcome {
    const closed = this.saleClosedReason(now);
    if (closed) return failure('sale_closed', closed);
    const alreadyHeld = this.seatsHeldByBuyer.get(buyerId) ?? 0;
    const max = this.rules.maxSeatsPerBuyer;
    if (alreadyHeld + request.quantity > max) {
      return failure('limit_exceeded', `You may hold at most ${max} seats for this event (you already hold ${alreadyHeld}).`);
    }
    const pick = pickBestSeats(this.rows, this.free, request, this.rules.preventOrphanSeats);
    if (!pick.ok) return pick;
    const seatIds = pick.seats.map((i) => this.seatIdAt[i]);
    if (seatIds.length !== request.quantity || seatIds.some((id) => this.stateOf(id)?.status !== 'available')) {
      throw new Error(`best available picked ${seatIds.length} seats for ${request.quantity}, or a taken one`);
    }
    if (this.rules.preventOrphanSeats && this.strandedBy(seatIds).length) {
      throw new Error(`best available picked seats the no-orphan rule refuses: ${seatIds.join(',')}`);
    }
    return this.placeHold(buyerId, seatIds, alreadyHeld, now, requestId);
  }

  /** Seats (ids) a hold of these free seats would strand where the no-orphan rule does not excuse it. */
  private strandedBy(seatIds: SeatId[]): SeatId[] {
    if (this.rows.rowCount === 0) return [];
    const indices = seatIds.map((id) => this.seatIndex.get(id)!);
    return strandedSeats(this.rows, this.free, indices).map((i) => this.seatIdAt[i]);
  }

  private placeHold(buyerId: BuyerId, seatIds: SeatId[], alreadyHeld: number, now: number, requestId?: string): Outcome {
    const hold: Hold = {
      id: this.ids.holdId(),
      eventId: this.eventId,
      buyerId,
      seatIds: [...seatIds],
      createdAt: now,
      expiresAt: now + this.rules.holdTtlMs,
      extensions: 0,
      ...(requestId === undefined ? {} : { requestId }),
    };
    if (this.holds.has(hold.id)) throw new Error(`hold id collision ${hold.id}`);
    this.holds.set(hold.id, hold);
    if (requestId !== undefined) this.liveHoldByRequest.set(requestKeyOf(buyerId, requestId), hold.id);
    for (const seatId of seatIds) this.setSeat(seatId, { status: 'held', holdId: hold.id });
    this.seatsHeldByBuyer.set(buyerId, alreadyHeld + seatIds.length);
    this.deadlines.push({ at: hold.expiresAt, holdId: hold.id });
    // One copy serves the effect and the reply: neither the writer nor the gateway mutates it.
    const copy = copyHold(hold);
    this.effects.push({ kind: 'hold_created', hold: copy });
    return { ok: true, type: 'held', hold: copy };
  }

  /** Finds a live hold owned by buyerId, expiring it first if its deadline passed. */
  private ownedLiveHold(buyerId: BuyerId, holdId: HoldId, now: number): Hold | Failure {
    const hold = this.holds.get(holdId);
    if (!hold) return this.endedHoldFailure(buyerId, holdId);
    if (hold.buyerId !== buyerId) return failure('not_hold_owner', 'This hold belongs to someone else.');
    if (hold.expiresAt <= now) {
      this.endHold(hold, 'expired', now);
      return failure('hold_expired', 'The hold expired; its seats were released.');
    }
    return hold;
  }

  /** What a command about a hold that is no longer live hears. */
  private endedHoldFailure(buyerId: BuyerId, holdId: HoldId): Failure {
    const ended = this.ended.get(holdId);
    if (!ended) return failure('not_found', 'No such hold.');
    if (ended.buyerId !== buyerId) return failure('not_hold_owner', 'This hold belongs to someone else.');
    if (ended.reason === 'expired') return failure('hold_expired', 'The hold expired; its seats were released.');
    if (ended.reason === 'confirmed') {
      return failure('already_confirmed', 'This hold was already confirmed.', { orderId: ended.orderId });
    }
    return failure('not_found', 'The hold was released.');
  }

  /**
   * A hold request this buyer already made with this requestId: the same hold while it lives
   * (nothing changes), else what became of it. null: a new request.
   */
  private replayOf(buyerId: BuyerId, requestId: string, now: number): Outcome | null {
    const key = requestKeyOf(buyerId, requestId);
    const liveId = this.liveHoldByRequest.get(key);
    if (liveId !== undefined) {
      const hold = this.ownedLiveHold(buyerId, liveId, now);
      return 'ok' in hold ? hold : { ok: true, type: 'held', hold: copyHold(hold), replayed: true };
    }
    const endedId = this.ended.holdOfRequest(key);
    return endedId === undefined ? null : this.endedHoldFailure(buyerId, endedId);
  }

  private extendHold(buyerId: BuyerId, holdId: HoldId, now: number): Outcome {
    const hold = this.ownedLiveHold(buyerId, holdId, now);
    if ('ok' in hold) return hold;
    if (hold.extensions >= this.rules.maxExtensions) {
      return failure('extend_limit', 'This hold cannot be extended again.');
    }
    hold.extensions += 1;
    hold.expiresAt = now + this.rules.holdTtlMs;
    this.deadlines.push({ at: hold.expiresAt, holdId: hold.id });
    this.effects.push({ kind: 'hold_extended', holdId, buyerId, expiresAt: hold.expiresAt, extensions: hold.extensions, at: now });
    return { ok: true, type: 'extended', hold: copyHold(hold) };
  }

  private releaseHold(buyerId: BuyerId, holdId: HoldId, now: number): Outcome {
    const hold = this.ownedLiveHold(buyerId, holdId, now);
    if ('ok' in hold) return hold;
    this.endHold(hold, 'released', now);
    return { ok: true, type: 'released', holdId, seatIds: hold.seatIds };
  }

  private confirmHold(command: Extract<Command, { type: 'confirm' }>, now: number): Outcome {
    const { buyerId, holdId, idempotencyKey } = command;
    const keyed = this.orderByIdempotencyKey.get(idempotencyKeyOf(buyerId, idempotencyKey));
    if (keyed) {
      if (keyed.holdId === holdId) return { ok: true, type: 'confirmed', order: copyOrder(keyed), replayed: true };
      return failure('idempotency_conflict', 'This idempotency key was already used for another hold.');
    }
    const hold = this.ownedLiveHold(buyerId, holdId, now);
    if ('ok' in hold) return hold;
    if (this.rules.saleStatus === 'closed') return failure('sale_closed', 'Sales for this event are closed.');
    // The same cap per email, across sessions: many sessions cannot buy past it under one address.
    const boughtByEmail = this.purchases.ticketsOfEmail(command.buyer.email);
    if (boughtByEmail + hold.seatIds.length > this.rules.maxSeatsPerBuyer) {
      return failure(
        'limit_exceeded',
        `This email address already has ${boughtByEmail} tickets for this event; at most ${this.rules.maxSeatsPerBuyer} are allowed.`,
      );
    }

    const order: Order = {
      id: this.ids.orderId(),
      eventId: this.eventId,
      holdId,
      buyerId,
      buyer: { name: command.buyer.name, email: command.buyer.email },
      idempotencyKey,
      totalCents: 0,
      createdAt: now,
      tickets: hold.seatIds.map((seatId) => ({
        id: this.ids.ticketId(),
        seatId,
        priceCents: this.priceCents.get(seatId)!,
        code: this.ids.ticketCode(),
      })),
    };
    order.totalCents = order.tickets.reduce((sum, t) => sum + t.priceCents, 0);
    if (this.orders.has(order.id)) throw new Error(`order id collision ${order.id}`);

    this.endHold(hold, 'confirmed', now, order.id);
    for (const seatId of hold.seatIds) this.setSeat(seatId, { status: 'sold', orderId: order.id });
    this.addOrder(order);
    // One copy serves the effect and the reply: a later command of the same batch (an organizer
    // cancelling some of its tickets) changes the book's order, never what this batch writes.
    const copy = copyOrder(order);
    this.effects.push({ kind: 'order_created', order: copy });
    return { ok: true, type: 'confirmed', order: copy, replayed: false };
  }

  // ---------- state transitions ----------

  private endHold(hold: Hold, reason: HoldEndReason, now: number, orderId?: OrderId, detail?: string): void {
    this.holds.delete(hold.id);
    if (reason !== 'confirmed') {
      for (const seatId of hold.seatIds) this.setSeat(seatId, AVAILABLE);
    }
    const held = (this.seatsHeldByBuyer.get(hold.buyerId) ?? 0) - hold.seatIds.length;
    if (held < 0) throw new Error(`buyer ${hold.buyerId} held-seat count went negative`);
    if (held === 0) this.seatsHeldByBuyer.delete(hold.buyerId);
    else this.seatsHeldByBuyer.set(hold.buyerId, held);
    const requestKey = hold.requestId === undefined ? undefined : requestKeyOf(hold.buyerId, hold.requestId);
    if (requestKey !== undefined) this.liveHoldByRequest.delete(requestKey);
    this.ended.remember(hold.id, { reason, buyerId: hold.buyerId, orderId }, requestKey);
    this.effects.push(detail === undefined ? { kind: 'hold_ended', hold, reason, at: now } : { kind: 'hold_ended', hold, reason, at: now, detail });
  }

  private setSeat(seatId: SeatId, next: SeatState): void {
    const i = this.seatIndex.get(seatId);
    if (i === undefined) throw new Error(`unknown seat ${seatId}`);
    const current = this.states[i];
    if (!this.batchStart.has(seatId)) this.batchStart.set(seatId, current.status);
    this.counts[current.status] -= 1;
    this.counts[next.status] += 1;
    this.states[i] = next;
    this.free[i] = next.status === 'available' ? 1 : 0;
  }

  private addOrder(order: Order): void {
    this.orders.set(order.id, order);
    this.orderByIdempotencyKey.set(idempotencyKeyOf(order.buyerId, order.idempotencyKey), order);
    this.tickets.addOrder(order);
    this.purchases.add(order.buyerId, order.buyer.email, order.tickets.length);
    this.ended.remember(order.holdId, { reason: 'confirmed', buyerId: order.buyerId, orderId: order.id });
  }

  private restore({ holds, orders, blockedSeatIds, endedHolds = [], endedRequests = [], cancelledTickets = [], checkIns = [] }: RestoredState): void {
    for (const ended of endedHolds) this.ended.remember(ended.id, { reason: ended.reason, buyerId: ended.buyerId });
    for (const r of endedRequests) this.ended.rememberRequest(requestKeyOf(r.buyerId, r.requestId), r.holdId);
    for (const seatId of blockedSeatIds) this.setSeat(seatId, { status: 'blocked' });
    for (const order of orders) {
      if (this.orders.has(order.id)) throw new Error(`restore: order ${order.id} appears twice`);
      for (const ticket of order.tickets) {
        const seat = this.stateOf(ticket.seatId);
        if (!seat || seat.status !== 'available') throw new Error(`restore: seat ${ticket.seatId} sold twice`);
        this.setSeat(ticket.seatId, { status: 'sold', orderId: order.id });
      }
      this.addOrder(order);
    }
    this.tickets.restoreCancelled(cancelledTickets);
    const validTicketIds = new Set(orders.flatMap((o) => o.tickets.map((t) => t.id)));
    this.tickets.restoreCheckIns(checkIns, (ticketId) => validTicketIds.has(ticketId));
    for (const hold of holds) {
      if (this.holds.has(hold.id)) throw new Error(`restore: hold ${hold.id} appears twice`);
      for (const seatId of hold.seatIds) {
        const seat = this.stateOf(seatId);
        if (!seat || seat.status !== 'available') throw new Error(`restore: seat ${seatId} held twice`);
        this.setSeat(seatId, { status: 'held', holdId: hold.id });
      }
      this.holds.set(hold.id, { ...hold, seatIds: [...hold.seatIds] });
      if (hold.requestId !== undefined) this.liveHoldByRequest.set(requestKeyOf(hold.buyerId, hold.requestId), hold.id);
      this.seatsHeldByBuyer.set(hold.buyerId, (this.seatsHeldByBuyer.get(hold.buyerId) ?? 0) + hold.seatIds.length);
      this.deadlines.push({ at: hold.expiresAt, holdId: hold.id });
    }
    this.batchStart = new Map(); // restoring is not a change anyone must hear about
  }

  // ---------- internals for adminCommands.ts (same module family; not for adapters) ----------

  /** @internal */ _record(effect: Effect): void {
    this.effects.push(effect);
  }
  /** @internal */ _setSeat(seatId: SeatId, next: SeatState): void {
    this.setSeat(seatId, next);
  }
  /** @internal */ _endHold(hold: Hold, reason: HoldEndReason, now: number, detail?: string): void {
    this.endHold(hold, reason, now, undefined, detail);
  }
  /** @internal */ _hasSeat(seatId: SeatId): boolean {
    return this.seatIndex.has(seatId);
  }
  /** @internal */ _removeTickets(order: Order, seatIds: SeatId[], now: number): void {
    const cancelled = new Set(seatIds);
    this.tickets.cancel(order, order.tickets.filter((t) => cancelled.has(t.seatId)), now);
    this.purchases.remove(order.buyerId, order.buyer.email, order.tickets.filter((t) => cancelled.has(t.seatId)).length);
    order.tickets = order.tickets.filter((t) => !cancelled.has(t.seatId));
    order.totalCents = order.tickets.reduce((sum, t) => sum + t.priceCents, 0);
  }
  /** @internal */ _replaceSeats(seats: SeatSpec[], stage: StageBox | undefined): void {
    if (this.holds.size > 0 || this.counts.sold > 0) throw new Error('replace_layout with live holds or sales');
    this.seatIdAt.forEach((seatId, i) => {
      if (!this.batchStart.has(seatId)) this.batchStart.set(seatId, this.states[i].status);
    });
    this.loadSeats(seats, stage);
  }
  /** @internal */ _retire(): void {
    this.retired = true;
  }
  get isRetired(): boolean {
    return this.retired;
  }

  // ---------- invariants ----------

  /** Throws if the book is inconsistent. O(seats + holds + orders): for tests and debug runs. */
  checkInvariants(): void {
    const counted: SeatCounts = { available: 0, held: 0, sold: 0, blocked: 0 };
    const soldBy = new Map<SeatId, OrderId>();
    for (const order of this.orders.values()) {
      for (const ticket of order.tickets) {
        if (soldBy.has(ticket.seatId)) throw new Error(`seat ${ticket.seatId} sold twice`);
        soldBy.set(ticket.seatId, order.id);
      }
    }
    const heldByBuyer = new Map<BuyerId, number>();
    let withRequestId = 0;
    for (const hold of this.holds.values()) {
      heldByBuyer.set(hold.buyerId, (heldByBuyer.get(hold.buyerId) ?? 0) + hold.seatIds.length);
      if (hold.requestId !== undefined) {
        withRequestId++;
        if (this.liveHoldByRequest.get(requestKeyOf(hold.buyerId, hold.requestId)) !== hold.id) throw new Error(`hold ${hold.id} is not found by its request id`);
      }
      for (const seatId of hold.seatIds) {
        const seat = this.stateOf(seatId);
        if (seat?.status !== 'held' || seat.holdId !== hold.id) throw new Error(`hold ${hold.id} lost seat ${seatId}`);
      }
    }
    if (withRequestId !== this.liveHoldByRequest.size) throw new Error(`${this.liveHoldByRequest.size} request ids for ${withRequestId} live holds that have one`);
    for (const [seatId, seat] of this.seatEntries()) {
      counted[seat.status] += 1;
      if (seat.status === 'held' && !this.holds.get(seat.holdId)?.seatIds.includes(seatId)) {
        throw new Error(`seat ${seatId} held by missing hold ${seat.holdId}`);
      }
      if (seat.status === 'sold' && soldBy.get(seatId) !== seat.orderId) {
        throw new Error(`seat ${seatId} sold without a matching ticket`);
      }
      if (seat.status !== 'sold' && soldBy.has(seatId)) throw new Error(`seat ${seatId} has a ticket but is ${seat.status}`);
    }
    for (const [seatId, seat] of this.seatEntries()) {
      if (this.free[this.seatIndex.get(seatId)!] !== (seat.status === 'available' ? 1 : 0)) throw new Error(`free flag of ${seatId} drifted`);
    }
    for (const status of Object.keys(counted) as CoreSeatStatus[]) {
      if (counted[status] !== this.counts[status]) throw new Error(`count of ${status} drifted`);
    }
    for (const [buyerId, n] of heldByBuyer) {
      if (this.seatsHeldByBuyer.get(buyerId) !== n) throw new Error(`held count of buyer ${buyerId} drifted`);
    }
    if (heldByBuyer.size !== this.seatsHeldByBuyer.size) throw new Error('held counts name a buyer with no hold');
    this.tickets.checkInvariants(this.orders.values());
    this.purchases.checkInvariants(this.orders.values());
    if (this.tickets.validCount !== this.counts.sold) throw new Error('valid tickets and sold seats differ');
  }
}

// Outcomes and effects are snapshots: replies are sent after the whole batch,
// and later commands in the same batch may change the book's own objects.
/** Shared by every free seat (states are replaced, never mutated): one allocation fewer per seat change. */
const AVAILABLE: SeatState = Object.freeze({ status: 'available' as const });

/** Duplicate check for the few seats of one request (at most maxSeatsPerBuyer), without a Set. */
function hasDuplicate(ids: readonly string[]): boolean {
  if (ids.length > 16) return new Set(ids).size !== ids.length;
  for (let i = 1; i < ids.length; i++) for (let j = 0; j < i; j++) if (ids[i] === ids[j]) return true;
  return false;
}

/** Request ids are the client's: scoped to the buyer, so one buyer's id can never reach another's hold. */
function requestKeyOf(buyerId: BuyerId, requestId: string): string {
  return `${buyerId}\u0000${requestId}`;
}

function copyHold(hold: Hold): Hold {
  return { ...hold, seatIds: [...hold.seatIds] };
}

function copyOrder(order: Order): Order {
  return { ...order, buyer: { ...order.buyer }, tickets: order.tickets.map((t) => ({ ...t })) };
}

function idempotencyKeyOf(buyerId: BuyerId, key: string): string {
  return `${buyerId}\u0000${key}`;
}
