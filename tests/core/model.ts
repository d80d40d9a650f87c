// A deliberately simple, independent model of the seat book, for
// model-based property tests. It is written from the specification (the
// test brief and lib/protocol.ts error codes), not from seatBook.ts: plain
// maps, linear scans, no heaps, no counters.
//
// Ids are the only thing the model cannot invent: when the model decides a
// hold or an order is created, it takes the id from the real outcome (via
// `takeId`), so that later commands can name the same hold on both sides.
import type { ErrorCode } from '../../lib/protocol';

export type MStatus = 'available' | 'held' | 'sold' | 'blocked';
export interface MSeat {
  status: MStatus;
  holdId?: string;
  orderId?: string;
}
export interface MHold {
  id: string;
  buyer: string;
  seats: string[];
  expiresAt: number;
  extensions: number;
}
export interface MEnded {
  reason: 'released' | 'expired' | 'confirmed';
  buyer: string;
  orderId?: string;
}
export interface MOrder {
  id: string;
  holdId: string;
  buyer: string;
  key: string;
  seats: string[];
  totalCents: number;
}

export type Expected =
  | { ok: true; type: 'held'; hold: MHold }
  | { ok: true; type: 'extended'; hold: MHold }
  | { ok: true; type: 'released'; seats: string[] }
  | { ok: true; type: 'confirmed'; order: MOrder; replayed: boolean }
  | { ok: false; code: ErrorCode; seatIds?: string[]; orderId?: string };

export interface ModelRules {
  ttl: number;
  maxPerBuyer: number;
  maxExtensions: number;
  sale: 'open' | 'paused' | 'closed';
}

export class Model {
  seats = new Map<string, MSeat>();
  holds = new Map<string, MHold>();
  ended = new Map<string, MEnded>();
  orders: MOrder[] = [];
  /** Effects the real book should have recorded since the last takeBatch, as strings. */
  effects: string[] = [];

  constructor(
    seatIds: string[],
    blocked: string[],
    readonly price: (seatId: string) => number,
    public rules: ModelRules,
  ) {
    for (const s of seatIds) this.seats.set(s, { status: blocked.includes(s) ? 'blocked' : 'available' });
  }

  heldBy(buyer: string): number {
    let n = 0;
    for (const h of this.holds.values()) if (h.buyer === buyer) n += h.seats.length;
    return n;
  }

  boughtBy(buyer: string): number {
    return this.orders.filter((o) => o.buyer === buyer).reduce((n, o) => n + o.seats.length, 0);
  }

  ownerOf(holdId: string): string | undefined {
    return this.holds.get(holdId)?.buyer ?? this.ended.get(holdId)?.buyer;
  }

  earliestDeadline(): number | null {
    let min: number | null = null;
    for (const h of this.holds.values()) if (min === null || h.expiresAt < min) min = h.expiresAt;
    return min;
  }

  private end(h: MHold, reason: MEnded['reason'], now: number, orderId?: string): void {
    this.holds.delete(h.id);
    for (const s of h.seats) {
      this.seats.set(s, reason === 'confirmed' ? { status: 'sold', orderId } : { status: 'available' });
    }
    this.ended.set(h.id, { reason, buyer: h.buyer, orderId });
    this.effects.push(`ended:${h.id}:${reason}:${now}`);
  }

  hold(buyer: string, seats: string[], now: number, takeId: () => string): Expected {
    if (this.rules.sale !== 'open') return { ok: false, code: 'sale_closed' };
    if (seats.length === 0) return { ok: false, code: 'invalid_request' };
    if (new Set(seats).size !== seats.length) return { ok: false, code: 'invalid_request' };
    const unknown = seats.filter((s) => !this.seats.has(s));
    if (unknown.length > 0) return { ok: false, code: 'not_found', seatIds: unknown };
    const taken = seats.filter((s) => this.seats.get(s)!.status !== 'available');
    if (taken.length > 0) return { ok: false, code: 'seats_unavailable', seatIds: taken };
    // The purchase cap counts bought seats too (each model buyer checks out under an email of their own).
    if (this.heldBy(buyer) + this.boughtBy(buyer) + seats.length > this.rules.maxPerBuyer) return { ok: false, code: 'limit_exceeded' };
    const h: MHold = { id: takeId(), buyer, seats: [...seats], expiresAt: now + this.rules.ttl, extensions: 0 };
    this.holds.set(h.id, h);
    for (const s of seats) this.seats.set(s, { status: 'held', holdId: h.id });
    this.effects.push(`created:${h.id}`);
    return { ok: true, type: 'held', hold: { ...h } };
  }

  /** The live hold, or the failure the spec prescribes (expiring it lazily when its deadline passed). */
  private live(buyer: string, holdId: string, now: number): MHold | Expected {
    const h = this.holds.get(holdId);
    if (!h) {
      const e = this.ended.get(holdId);
      if (!e) return { ok: false, code: 'not_found' };
      if (e.buyer !== buyer) return { ok: false, code: 'not_hold_owner' };
      if (e.reason === 'expired') return { ok: false, code: 'hold_expired' };
      if (e.reason === 'confirmed') return { ok: false, code: 'already_confirmed', orderId: e.orderId };
      return { ok: false, code: 'not_found' };
    }
    if (h.buyer !== buyer) return { ok: false, code: 'not_hold_owner' };
    if (now >= h.expiresAt) {
      this.end(h, 'expired', now);
      return { ok: false, code: 'hold_expired' };
    }
    return h;
  }

  extend(buyer: string, holdId: string, now: number): Expected {
    const h = this.live(buyer, holdId, now);
    if ('ok' in h) return h;
    if (h.extensions >= this.rules.maxExtensions) return { ok: false, code: 'extend_limit' };
    h.extensions += 1;
    h.expiresAt = now + this.rules.ttl;
    this.effects.push(`extended:${h.id}:${h.expiresAt}:${h.extensions}`);
    return { ok: true, type: 'extended', hold: { ...h } };
  }

  release(buyer: string, holdId: string, now: number): Expected {
    const h = this.live(buyer, holdId, now);
    if ('ok' in h) return h;
    this.end(h, 'released', now);
    return { ok: true, type: 'released', seats: [...h.seats] };
  }

  confirm(buyer: string, holdId: string, key: string, now: number, takeId: () => string): Expected {
    const prior = this.orders.find((o) => o.buyer === buyer && o.key === key);
    if (prior) {
      if (prior.holdId === holdId) return { ok: true, type: 'confirmed', order: prior, replayed: true };
      return { ok: false, code: 'idempotency_conflict' };
    }
    const h = this.live(buyer, holdId, now);
    if ('ok' in h) return h;
    if (this.rules.sale === 'closed') return { ok: false, code: 'sale_closed' };
    const order: MOrder = {
      id: takeId(),
      holdId,
      buyer,
      key,
      seats: [...h.seats],
      totalCents: h.seats.reduce((sum, s) => sum + this.price(s), 0),
    };
    this.end(h, 'confirmed', now, order.id);
    this.orders.push(order);
    this.effects.push(`order:${order.id}:${holdId}`);
    return { ok: true, type: 'confirmed', order, replayed: false };
  }

  /** Expires every hold with expiresAt <= now; returns their ids. */
  expireDue(now: number): string[] {
    const due = [...this.holds.values()].filter((h) => h.expiresAt <= now);
    due.sort((a, b) => a.expiresAt - b.expiresAt);
    for (const h of due) this.end(h, 'expired', now);
    return due.map((h) => h.id);
  }

  statuses(): Map<string, MStatus> {
    return new Map([...this.seats].map(([id, s]) => [id, s.status]));
  }
}
