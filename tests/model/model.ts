// A small, sequential reference model of ONE event, for model-based tests of
// the seat book (seatBook.model.test.ts) and of the reservation loop
// (loop.model.test.ts).
//
// It is written from the specification (lib/protocol.ts error codes, the
// command list in core/types.ts and the README), not from
// seatBook.ts, and deliberately differently: there is no per-seat state at
// all. A seat's state is *derived* on every read by scanning the admin
// blocks, the live holds and the orders' valid tickets; counts are recounted;
// nothing is cached or indexed. Slow, but obviously right.
//
// Ids are the one thing the model cannot invent. When it decides that a hold
// or an order is created it asks `newId(kind)` (and a door code per ticket:
// `newId('code', seatId)`); the test answers with the id of the real outcome
// (and fails if the real side created nothing), and the model checks the id
// is fresh.
import type { ErrorCode } from '../../lib/protocol';

export interface ModelSeat {
  id: string;
  priceCents: number;
  /** General-admission area this place belongs to. */
  area?: string;
}

export interface ModelRules {
  holdTtlMs: number;
  maxSeatsPerBuyer: number;
  maxExtensions: number;
}

export interface MHold {
  id: string;
  buyerId: string;
  seatIds: string[];
  createdAt: number;
  expiresAt: number;
  extensions: number;
}

export interface MTicket {
  seatId: string;
  priceCents: number;
  /** The door code (from the real outcome). */
  code: string;
  /** Set when admitted at the door (kept if the ticket is cancelled later). */
  checkedIn?: { at: number; door: string | null };
  /** Set when cancelled. */
  cancelledAt?: number;
}

/** A ticket in a check-in answer, as tests compare it. */
export interface MDoorTicket {
  orderId: string;
  seatId: string;
  checkedInAt: number | null;
  door: string | null;
  cancelledAt: number | null;
}

export type NewId = (kind: 'hold' | 'order' | 'code', seatId?: string) => string;

export interface MOrder {
  id: string;
  holdId: string;
  buyerId: string;
  idempotencyKey: string;
  createdAt: number;
  /** Valid tickets only; cancelled ones move to `cancelled`. */
  tickets: MTicket[];
  cancelled: MTicket[];
  /** What the buyer paid at confirmation (the sum of all tickets, valid or not). */
  originalTotalCents: number;
}

/**
 * Open bugs the model reproduces on purpose, so that the property tests keep
 * hunting for new ones. Each has a failing-until-fixed regression test in
 * regressions.test.ts; when a bug is fixed, set its flag to false (and the
 * property tests then check the fixed behaviour).
 */
export const KNOWN_BUGS = {
  /**
   * Outcomes carry the book's live Hold / Order objects (seatBook.ts
   * createHold/extendHold return `hold`, confirmHold's replay returns the
   * stored order), and the loop replies only after the whole batch. A later
   * command of the same batch changes what an earlier reply shows: two
   * extends of one hold in one batch both report the second extension
   * (extensions, extensionsLeft, expiresAt); a confirm replay batched with a
   * cancel_tickets of that order reports the tickets already cancelled. The
   * loop test then expects each 'extended' reply to show the batch's last
   * extension of that hold, and each 'confirmed' reply the order as the
   * batch left it.
   */
  repliesShareLiveObjects: false, // fixed: outcomes are copies (seatBook.ts copyHold/copyOrder)
};

export type EndReason = 'released' | 'expired' | 'confirmed' | 'admin_released';

export type MSeatState =
  | { status: 'available' }
  | { status: 'held'; holdId: string }
  | { status: 'sold'; orderId: string }
  | { status: 'blocked' };

export type ModelCommand =
  | { type: 'hold'; buyerId: string; seatIds: string[]; ga?: { areaId: string; quantity: number } }
  | { type: 'extend' | 'release'; buyerId: string; holdId: string }
  | { type: 'confirm'; buyerId: string; holdId: string; idempotencyKey: string }
  | { type: 'admin_release'; holdId: string }
  | { type: 'block' | 'unblock'; seatIds: string[] }
  | { type: 'cancel_tickets'; orderId: string; seatIds: string[] | null }
  | { type: 'check_in'; code: string; door: string | null };

/** What a command must answer, in the same plain shape tests derive from a real Outcome. */
export type Expected =
  | { ok: true; type: 'held' | 'extended'; hold: MHold }
  | { ok: true; type: 'released'; holdId: string; seatIds: string[] }
  | { ok: true; type: 'confirmed'; replayed: boolean; order: OrderShape }
  | { ok: true; type: 'blocked' | 'unblocked'; seatIds: string[] }
  | { ok: true; type: 'tickets_cancelled'; orderId: string; seatIds: string[] }
  | { ok: true; type: 'checked_in'; ticket: MDoorTicket }
  | { ok: false; code: ErrorCode; seatIds?: string[]; orderId?: string; ticket?: MDoorTicket };

/** An order as tests compare it: its valid tickets and their total. */
export interface OrderShape {
  id: string;
  holdId: string;
  buyerId: string;
  idempotencyKey: string;
  createdAt: number;
  totalCents: number;
  tickets: { seatId: string; priceCents: number }[];
}

export function orderShape(o: MOrder): OrderShape {
  return {
    id: o.id,
    holdId: o.holdId,
    buyerId: o.buyerId,
    idempotencyKey: o.idempotencyKey,
    createdAt: o.createdAt,
    totalCents: o.tickets.reduce((sum, t) => sum + t.priceCents, 0),
    tickets: o.tickets.map((t) => ({ seatId: t.seatId, priceCents: t.priceCents })).sort((a, b) => (a.seatId < b.seatId ? -1 : 1)),
  };
}

const fail = (code: ErrorCode, extra: { seatIds?: string[]; orderId?: string; ticket?: MDoorTicket } = {}): Expected => ({ ok: false, code, ...extra });

function doorTicket(order: MOrder, t: MTicket): MDoorTicket {
  return { orderId: order.id, seatId: t.seatId, checkedInAt: t.checkedIn?.at ?? null, door: t.checkedIn?.door ?? null, cancelledAt: t.cancelledAt ?? null };
}

export class EventModel {
  readonly seats: ModelSeat[];
  rules: ModelRules;
  blocked: string[] = [];
  /** Live holds (possibly past their deadline until someone expires them). */
  holds: MHold[] = [];
  /** Every hold that ever ended, and why. */
  ended = new Map<string, { reason: EndReason; buyerId: string; orderId?: string }>();
  orders: MOrder[] = [];
  /** Every id handed out so far: a "new" id must never repeat one. */
  private readonly usedIds = new Set<string>();

  constructor(seats: ModelSeat[], rules: ModelRules) {
    this.seats = seats.map((s) => ({ ...s }));
    this.rules = { ...rules };
  }

  // ---------- derived reads ----------

  hasSeat(seatId: string): boolean {
    return this.seats.some((s) => s.id === seatId);
  }

  priceOf(seatId: string): number {
    return this.seats.find((s) => s.id === seatId)!.priceCents;
  }

  stateOf(seatId: string): MSeatState {
    if (this.blocked.includes(seatId)) return { status: 'blocked' };
    const hold = this.holds.find((h) => h.seatIds.includes(seatId));
    if (hold) return { status: 'held', holdId: hold.id };
    const order = this.orders.find((o) => o.tickets.some((t) => t.seatId === seatId));
    if (order) return { status: 'sold', orderId: order.id };
    return { status: 'available' };
  }

  isAvailable(seatId: string): boolean {
    return this.stateOf(seatId).status === 'available';
  }

  /** What buyers see: admin blocks look sold. */
  publicStatus(seatId: string): 'available' | 'held' | 'sold' {
    const { status } = this.stateOf(seatId);
    return status === 'blocked' ? 'sold' : status;
  }

  heldBy(buyerId: string): number {
    return this.holds.filter((h) => h.buyerId === buyerId).reduce((n, h) => n + h.seatIds.length, 0);
  }

  /** Valid tickets of the buyer's orders. */
  boughtBy(buyerId: string): number {
    return this.orders.filter((o) => o.buyerId === buyerId).reduce((n, o) => n + o.tickets.length, 0);
  }

  counts(): { available: number; held: number; sold: number; blocked: number } {
    const c = { available: 0, held: 0, sold: 0, blocked: 0 };
    for (const s of this.seats) c[this.stateOf(s.id).status]++;
    return c;
  }

  nextDeadline(): number | null {
    return this.holds.length ? Math.min(...this.holds.map((h) => h.expiresAt)) : null;
  }

  hold(holdId: string): MHold | undefined {
    return this.holds.find((h) => h.id === holdId);
  }

  order(orderId: string): MOrder | undefined {
    return this.orders.find((o) => o.id === orderId);
  }

  // ---------- commands ----------

  apply(cmd: ModelCommand, now: number, newId: NewId): Expected {
    switch (cmd.type) {
      case 'hold':
        return this.doHold(cmd.buyerId, cmd.seatIds, cmd.ga, now, newId);
      case 'extend':
        return this.doExtend(cmd.buyerId, cmd.holdId, now);
      case 'release':
        return this.doRelease(cmd.buyerId, cmd.holdId, now);
      case 'confirm':
        return this.doConfirm(cmd.buyerId, cmd.holdId, cmd.idempotencyKey, now, newId);
      case 'admin_release':
        return this.doAdminRelease(cmd.holdId, now);
      case 'block':
        return this.doBlock(cmd.seatIds);
      case 'unblock':
        return this.doUnblock(cmd.seatIds);
      case 'cancel_tickets':
        return this.doCancel(cmd.orderId, cmd.seatIds, now);
      case 'check_in':
        return this.doCheckIn(cmd.code, cmd.door, now);
    }
  }

  /** Ends every live hold whose deadline is at or before `now`; returns their ids. */
  expireDue(now: number): string[] {
    const due = this.holds.filter((h) => h.expiresAt <= now).map((h) => h.id);
    for (const id of due) this.end(id, 'expired');
    return due;
  }

  private fresh(kind: 'hold' | 'order' | 'code', newId: NewId, seatId?: string): string {
    const id = newId(kind, seatId);
    if (this.usedIds.has(id)) throw new Error(`model: ${kind} id ${id} was handed out twice`);
    this.usedIds.add(id);
    return id;
  }

  private end(holdId: string, reason: EndReason, orderId?: string): MHold {
    const hold = this.hold(holdId)!;
    this.holds = this.holds.filter((h) => h.id !== holdId);
    this.ended.set(holdId, { reason, buyerId: hold.buyerId, orderId });
    return hold;
  }

  private doHold(
    buyerId: string,
    named: string[],
    ga: { areaId: string; quantity: number } | undefined,
    now: number,
    newId: NewId,
  ): Expected {
    if (named.length === 0 && !ga) return fail('invalid_request');
    if (new Set(named).size !== named.length) return fail('invalid_request');
    const unknown = named.filter((s) => !this.hasSeat(s));
    if (unknown.length) return fail('not_found', { seatIds: unknown });
    const taken = named.filter((s) => !this.isAvailable(s));
    if (taken.length) return fail('seats_unavailable', { seatIds: taken });

    let seatIds = [...named];
    if (ga) {
      const places = this.seats.filter((s) => s.area === ga.areaId).map((s) => s.id);
      if (places.length === 0) return fail('not_found', { seatIds: [ga.areaId] });
      // The area's first free places, in layout order, that the request did not already name.
      const free = places.filter((s) => !named.includes(s) && this.isAvailable(s));
      if (free.length < ga.quantity) return fail('seats_unavailable', { seatIds: [ga.areaId] });
      seatIds = [...named, ...free.slice(0, ga.quantity)];
    }
    // The cap counts the buyer's valid tickets too (every model buyer has an email of their own).
    if (this.heldBy(buyerId) + this.boughtBy(buyerId) + seatIds.length > this.rules.maxSeatsPerBuyer) return fail('limit_exceeded');

    const hold: MHold = {
      id: this.fresh('hold', newId),
      buyerId,
      seatIds,
      createdAt: now,
      expiresAt: now + this.rules.holdTtlMs,
      extensions: 0,
    };
    this.holds.push(hold);
    return { ok: true, type: 'held', hold: { ...hold, seatIds: [...seatIds] } };
  }

  /** The buyer's live hold, or the failure the spec prescribes. A hold found past its deadline expires now. */
  private ownLiveHold(buyerId: string, holdId: string, now: number): MHold | Expected {
    const hold = this.hold(holdId);
    if (hold) {
      if (hold.buyerId !== buyerId) return fail('not_hold_owner');
      if (hold.expiresAt <= now) {
        this.end(holdId, 'expired');
        return fail('hold_expired');
      }
      return hold;
    }
    const ended = this.ended.get(holdId);
    if (!ended) return fail('not_found');
    if (ended.buyerId !== buyerId) return fail('not_hold_owner');
    if (ended.reason === 'expired') return fail('hold_expired');
    if (ended.reason === 'confirmed') return fail('already_confirmed', { orderId: ended.orderId });
    return fail('not_found'); // released, by the buyer or by an organizer
  }

  private doExtend(buyerId: string, holdId: string, now: number): Expected {
    const hold = this.ownLiveHold(buyerId, holdId, now);
    if ('ok' in hold) return hold;
    if (hold.extensions >= this.rules.maxExtensions) return fail('extend_limit');
    hold.extensions += 1;
    hold.expiresAt = now + this.rules.holdTtlMs;
    return { ok: true, type: 'extended', hold: { ...hold, seatIds: [...hold.seatIds] } };
  }

  private doRelease(buyerId: string, holdId: string, now: number): Expected {
    const hold = this.ownLiveHold(buyerId, holdId, now);
    if ('ok' in hold) return hold;
    this.end(holdId, 'released');
    return { ok: true, type: 'released', holdId, seatIds: [...hold.seatIds] };
  }

  private doConfirm(
    buyerId: string,
    holdId: string,
    key: string,
    now: number,
    newId: NewId,
  ): Expected {
    // An idempotency key is the buyer's own: a replay answers with the order as it is now.
    const prior = this.orders.find((o) => o.buyerId === buyerId && o.idempotencyKey === key);
    if (prior) {
      if (prior.holdId !== holdId) return fail('idempotency_conflict');
      return { ok: true, type: 'confirmed', replayed: true, order: orderShape(prior) };
    }
    const hold = this.ownLiveHold(buyerId, holdId, now);
    if ('ok' in hold) return hold;
    const tickets: MTicket[] = hold.seatIds.map((seatId) => ({ seatId, priceCents: this.priceOf(seatId), code: this.fresh('code', newId, seatId) }));
    const order: MOrder = {
      id: this.fresh('order', newId),
      holdId,
      buyerId,
      idempotencyKey: key,
      createdAt: now,
      tickets,
      cancelled: [],
      originalTotalCents: tickets.reduce((sum, t) => sum + t.priceCents, 0),
    };
    this.end(holdId, 'confirmed', order.id);
    this.orders.push(order);
    return { ok: true, type: 'confirmed', replayed: false, order: orderShape(order) };
  }

  private doAdminRelease(holdId: string, _now: number): Expected {
    // Organizers release any live hold, even one past its deadline that nobody expired yet.
    const hold = this.hold(holdId);
    if (!hold) return fail('not_found');
    this.end(holdId, 'admin_released');
    return { ok: true, type: 'released', holdId, seatIds: [...hold.seatIds] };
  }

  // Organizer seat lists may name a seat twice: it counts once.
  private doBlock(named: string[]): Expected {
    const seatIds = [...new Set(named)];
    const unknown = seatIds.filter((s) => !this.hasSeat(s));
    if (unknown.length) return fail('not_found', { seatIds: unknown });
    const busy = seatIds.filter((s) => ['held', 'sold'].includes(this.stateOf(s).status));
    if (busy.length) return fail('seats_unavailable', { seatIds: busy });
    const newlyBlocked = seatIds.filter((s) => !this.blocked.includes(s));
    this.blocked.push(...newlyBlocked);
    return { ok: true, type: 'blocked', seatIds: newlyBlocked };
  }

  private doUnblock(named: string[]): Expected {
    const seatIds = [...new Set(named)];
    const unknown = seatIds.filter((s) => !this.hasSeat(s));
    if (unknown.length) return fail('not_found', { seatIds: unknown });
    const wereBlocked = seatIds.filter((s) => this.blocked.includes(s));
    this.blocked = this.blocked.filter((s) => !seatIds.includes(s));
    return { ok: true, type: 'unblocked', seatIds: wereBlocked };
  }

  private doCancel(orderId: string, seatIds: string[] | null, now: number): Expected {
    const order = this.order(orderId);
    if (!order) return fail('not_found');
    const valid = order.tickets.map((t) => t.seatId);
    const chosen = [...new Set(seatIds ?? valid)];
    const notInOrder = chosen.filter((s) => !valid.includes(s));
    if (notInOrder.length) return fail('not_found', { seatIds: notInOrder });
    if (chosen.length === 0) return fail('not_found');
    order.cancelled.push(...order.tickets.filter((t) => chosen.includes(t.seatId)).map((t) => ({ ...t, cancelledAt: now })));
    order.tickets = order.tickets.filter((t) => !chosen.includes(t.seatId));
    return { ok: true, type: 'tickets_cancelled', orderId, seatIds: [...chosen].sort() };
  }

  /** A valid ticket is admitted once; a cancelled one is refused; any other code is unknown to this event. */
  private doCheckIn(code: string, door: string | null, now: number): Expected {
    for (const order of this.orders) {
      const valid = order.tickets.find((t) => t.code === code);
      if (valid) {
        if (valid.checkedIn) return fail('already_checked_in', { ticket: doorTicket(order, valid) });
        valid.checkedIn = { at: now, door };
        return { ok: true, type: 'checked_in', ticket: doorTicket(order, valid) };
      }
      const cancelled = order.cancelled.find((t) => t.code === code);
      if (cancelled) return fail('ticket_cancelled', { ticket: doorTicket(order, cancelled) });
    }
    return fail('unknown_ticket');
  }

  /** Valid tickets admitted at the door, and all valid tickets. */
  doorCounts(): { checkedIn: number; expected: number } {
    const valid = this.orders.flatMap((o) => o.tickets);
    return { checkedIn: valid.filter((t) => t.checkedIn).length, expected: valid.length };
  }
}
