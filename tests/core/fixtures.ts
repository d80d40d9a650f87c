// Shared fixtures for the pure reservation core tests: a deterministic
// counter-based IdSource, default rules, seat lists and small helpers.
import { SeatBook, type RestoredState, type SeatSpec } from '../../core/seatBook';
import type {
  CoreSeatStatus,
  EventRules,
  Failure,
  IdSource,
  Outcome,
  SeatId,
} from '../../core/types';
import type { BuyerDetails } from '../../lib/protocol';

/** A fixed, arbitrary epoch used as the fake clock's origin. */
export const T0 = 1_700_000_000_000;

export const EVENT_ID = 'ev1';

export const BUYER_DETAILS: BuyerDetails = { name: 'Ada Lovelace', email: 'ada@example.com' };

/** Deterministic ids: h1, h2, ... / o1, ... / t1, ... / c1, ... (with an optional prefix). */
export class CounterIds implements IdSource {
  private n = { hold: 0, order: 0, ticket: 0, code: 0 };
  constructor(private readonly prefix = '') {}
  holdId(): string {
    return `${this.prefix}h${++this.n.hold}`;
  }
  orderId(): string {
    return `${this.prefix}o${++this.n.order}`;
  }
  ticketId(): string {
    return `${this.prefix}t${++this.n.ticket}`;
  }
  ticketCode(): string {
    return `${this.prefix}c${++this.n.code}`;
  }
}

export function rules(overrides: Partial<EventRules> = {}): EventRules {
  return {
    holdTtlMs: 1000,
    maxSeatsPerBuyer: 4,
    maxExtensions: 1,
    saleStatus: 'open',
    saleOpensAt: null,
    saleClosesAt: null,
    preventOrphanSeats: true,
    ...overrides,
  };
}

/** Seat ids S0..S{n-1}; seat i costs 1000 + 100*i cents (distinct prices make totals checkable). */
export function seatSpecs(n: number): SeatSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: seatId(i), priceCents: priceOf(i) }));
}

export function seatId(i: number): SeatId {
  return `S${i}`;
}

export function priceOf(i: number): number {
  return 1000 + 100 * i;
}

export function priceOfSeat(id: SeatId): number {
  return priceOf(Number(id.slice(1)));
}

export function makeBook(
  opts: { seats?: number; rules?: Partial<EventRules>; restored?: RestoredState; ids?: IdSource } = {},
): SeatBook {
  return new SeatBook(
    EVENT_ID,
    seatSpecs(opts.seats ?? 12),
    rules(opts.rules),
    opts.ids ?? new CounterIds(),
    opts.restored,
  );
}

/** seatId → status, for every seat. */
export function snapshot(book: SeatBook): Map<SeatId, CoreSeatStatus> {
  const out = new Map<SeatId, CoreSeatStatus>();
  for (const [id, state] of book.seatEntries()) out.set(id, state.status);
  return out;
}

export function statusOf(book: SeatBook, id: SeatId): CoreSeatStatus | undefined {
  return book.seatState(id)?.status;
}

/** Narrowing helpers that fail the test with a readable message. */
export function expectOk<T extends Extract<Outcome, { ok: true }>['type']>(
  outcome: Outcome,
  type: T,
): Extract<Outcome, { type: T }> {
  if (!outcome.ok) throw new Error(`expected ok ${type}, got ${outcome.code}: ${outcome.message}`);
  if (outcome.type !== type) throw new Error(`expected ${type}, got ${outcome.type}`);
  return outcome as Extract<Outcome, { type: T }>;
}

export function expectFail(outcome: Outcome, code: Failure['code']): Failure {
  if (outcome.ok) throw new Error(`expected failure ${code}, got ok ${outcome.type}`);
  if (outcome.code !== code) throw new Error(`expected failure ${code}, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}
