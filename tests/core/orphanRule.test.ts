// The no-orphan rule in the seat book: hand-picked cases for each clause of
// its definition (docs/architecture.md), then a property test against the
// reference model in rowVenues.ts on random venues and random occupancy.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeatBook } from '../../core/seatBook';
import type { Command, EventRules } from '../../core/types';
import { CounterIds, T0, expectFail, expectOk, rules } from './fixtures';
import { buildVenue, modelStranded, modelStrandedAll, permuted, venueArb, type RowDesc, type RowVenue } from './rowVenues';

const row = (label: string, runs: number[], breaks: RowDesc['breaks'] = []): RowDesc => ({
  label,
  runs,
  breaks,
  category: 'gold',
  priceCents: 5000,
  accessible: [],
});

function bookOf(venue: RowVenue, overrides: Partial<EventRules> = {}): SeatBook {
  return new SeatBook('ev', venue.seats, rules({ maxSeatsPerBuyer: 50, ...overrides }), new CounterIds(), undefined, venue.stage);
}

const hold = (seatIds: string[], buyerId = 'buyer'): Command => ({ type: 'hold', buyerId, seatIds });
const block = (seatIds: string[]): Command => ({ type: 'block', seatIds, reason: null, actor: 'test' });

/** One section S1 with the given rows; seat ids S1-<row>-<number>. */
const venueOf = (...rows: RowDesc[]) => buildVenue([{ id: 'S1', rows }]);
const seat = (r: string, n: number) => `S1-${r}-${n}`;

describe('no-orphan rule: hand-picked cases', () => {
  it('refuses a hold that leaves one seat between it and the row end, naming that seat', () => {
    const book = bookOf(venueOf(row('A', [6])));
    const fail = expectFail(book.apply(hold([seat('A', 2), seat('A', 3)]), T0), 'orphan_seat');
    expect(fail.seatIds).toEqual([seat('A', 1)]);
    expect(book.seatCounts().held).toBe(0);
    expect(book.takeBatch().effects).toEqual([]);
  });

  it('refuses a hold that leaves one seat between it and a taken seat', () => {
    const book = bookOf(venueOf(row('A', [8])));
    expectOk(book.apply(block([seat('A', 1)]), T0), 'blocked');
    const fail = expectFail(book.apply(hold([seat('A', 3), seat('A', 4)]), T0), 'orphan_seat');
    expect(fail.seatIds).toEqual([seat('A', 2)]);
  });

  it('an aisle gap ends a run like the row end does', () => {
    // A: 1-4 | aisle | 5-8. Taking 3 and 4 (against the aisle) leaves 1 and 2 together: fine;
    // taking 2 and 3 leaves 1 alone at the row end and 4 alone against the aisle.
    const book = bookOf(venueOf(row('A', [4, 4], ['aisle'])));
    const fail = expectFail(book.apply(hold([seat('A', 2), seat('A', 3)]), T0), 'orphan_seat');
    expect(fail.seatIds).toEqual([seat('A', 1), seat('A', 4)]);
    expectOk(book.apply(hold([seat('A', 3), seat('A', 4)]), T0), 'held');
  });

  it('a seat missing from the layout breaks the run too', () => {
    const book = bookOf(venueOf(row('A', [3, 4], ['removed'])));
    // Seats 1-3, (4 missing), 5-8: taking 1 and 2 strands 3 (its other side is the gap),
    // and 5-8 could take two cleanly, so it is not excused.
    const fail = expectFail(book.apply(hold([seat('A', 1), seat('A', 2)]), T0), 'orphan_seat');
    expect(fail.seatIds).toEqual([seat('A', 3)]);
  });

  it('allows it when no block of that size in the row could avoid it: 3 free seats, a request for 2', () => {
    const book = bookOf(venueOf(row('A', [3])));
    expectOk(book.apply(hold([seat('A', 1), seat('A', 2)]), T0), 'held');
  });

  it('refuses it when another gap in the same row (across an aisle) takes the block cleanly', () => {
    // Run 1: 3 seats, run 2: 2 seats. Two from run 1 strand one; run 2 is exactly 2.
    const book = bookOf(venueOf(row('A', [3, 2], ['aisle'])));
    expectFail(book.apply(hold([seat('A', 1), seat('A', 2)]), T0), 'orphan_seat');
    expectOk(book.apply(hold([seat('A', 4), seat('A', 5)]), T0), 'held');
    // Now run 1 is the only gap: the same request is excused.
    expectOk(book.apply(hold([seat('A', 1), seat('A', 2)], 'other'), T0), 'held');
  });

  it('gaps in other rows do not excuse a row: each row is judged by its own gaps', () => {
    const book = bookOf(venueOf(row('A', [3]), row('B', [8])));
    // Row A alone: 3 free, 2 wanted → excused even though row B has room.
    expectOk(book.apply(hold([seat('A', 1), seat('A', 2)]), T0), 'held');
  });

  it('a hold across rows is checked row by row, with each row\'s own count', () => {
    const book = bookOf(venueOf(row('A', [6]), row('B', [3])));
    // Row A: 2 seats leaving A-1 alone (A has a clean 2-block elsewhere) → refused for A;
    // row B: 2 of 3 → excused. Only A's stranded seat is named.
    const fail = expectFail(book.apply(hold([seat('A', 2), seat('A', 3), seat('B', 1), seat('B', 2)]), T0), 'orphan_seat');
    expect(fail.seatIds).toEqual([seat('A', 1)]);
    expectOk(book.apply(hold([seat('A', 1), seat('A', 2), seat('B', 1), seat('B', 2)]), T0), 'held');
  });

  it('existing orphans never block an unrelated hold, nor one beside them', () => {
    const book = bookOf(venueOf(row('A', [7])));
    expectOk(book.apply(block([seat('A', 2), seat('A', 4)]), T0), 'blocked'); // admin blocks are not checked
    // are already alone. Holding strands nobody new.
    expectOk(book.apply(hold([seat('A', 5), seat('A', 6), seat('A', 7)]), T0), 'held');
    // Holding the lone A-3 is fine too (it fills an orphan).
    expectOk(book.apply(hold([seat('A', 3)], 'other'), T0), 'held');
  });

  it('releases and expiries are never refused, even when they leave a seat alone', () => {
    const book = bookOf(venueOf(row('A', [4])), { holdTtlMs: 1000 });
    const a = expectOk(book.apply(hold([seat('A', 1), seat('A', 2)], 'a'), T0), 'held').hold;
    const b = expectOk(book.apply(hold([seat('A', 3), seat('A', 4)], 'b'), T0), 'held').hold;
    expectOk(book.apply({ type: 'release', buyerId: 'a', holdId: a.id }, T0 + 1), 'released');
    expect(book.expireDue(T0 + 2000).map((h) => h.id)).toEqual([b.id]);
    book.checkInvariants();
  });

  it('admin blocks are not subject to it', () => {
    const book = bookOf(venueOf(row('A', [5])));
    expectOk(book.apply(block([seat('A', 2)]), T0), 'blocked');
  });

  it('general-admission places and seats without a place never take part', () => {
    const venue = venueOf(row('A', [4]));
    const seats = [...venue.seats, { id: 'GA-1', priceCents: 100, gaArea: 'GA' }, { id: 'X', priceCents: 100 }];
    const book = new SeatBook('ev', seats, rules({ maxSeatsPerBuyer: 50 }), new CounterIds(), undefined, venue.stage);
    expectOk(book.apply({ type: 'hold', buyerId: 'b', seatIds: ['X'], gaRequests: [{ areaId: 'GA', quantity: 1 }] }, T0), 'held');
  });

  it('with the setting off, the same hold goes ahead', () => {
    const book = bookOf(venueOf(row('A', [6])), { preventOrphanSeats: false });
    expectOk(book.apply(hold([seat('A', 2), seat('A', 3)]), T0), 'held');
  });

  it('can be switched by configure, which only affects holds made afterwards', () => {
    const book = bookOf(venueOf(row('A', [6])));
    expectFail(book.apply(hold([seat('A', 2)]), T0), 'orphan_seat');
    expectOk(book.apply({ type: 'configure', rules: { preventOrphanSeats: false }, meta: {}, actor: 'test' }, T0), 'configured');
    expectOk(book.apply(hold([seat('A', 2)]), T0), 'held');
    const effects = book.takeBatch().effects;
    expect(effects.find((e) => e.kind === 'event_configured')).toMatchObject({ rules: { preventOrphanSeats: false } });
  });

  it('a taken or unknown seat is reported as before, not as an orphan', () => {
    const book = bookOf(venueOf(row('A', [6])));
    expectOk(book.apply(block([seat('A', 3)]), T0), 'blocked');
    expectFail(book.apply(hold([seat('A', 2), seat('A', 3)]), T0), 'seats_unavailable');
    expectFail(book.apply(hold(['nope']), T0), 'not_found');
  });
});

describe('no-orphan rule vs the reference model', () => {
  const scenario = venueArb.chain((venue) => {
    const ids = venue.seats.map((s) => s.id);
    return fc.record({
      venue: fc.constant(venue),
      taken: fc.subarray(ids),
      hold: fc.subarray(ids, { minLength: 1, maxLength: Math.min(6, ids.length) }),
      order: fc.array(fc.integer(), { minLength: 1, maxLength: ids.length }),
    });
  });

  it('refuses exactly when the model does, naming the same seats; nothing changes on refusal', () => {
    fc.assert(
      fc.property(scenario, ({ venue, taken, hold: wanted, order }) => {
        // Seats in an arbitrary order: the book must find the rows by itself.
        const book = new SeatBook('ev', permuted(venue.seats, order), rules({ maxSeatsPerBuyer: 50 }), new CounterIds(), undefined, venue.stage);
        if (taken.length) expectOk(book.apply(block(taken), T0), 'blocked');
        const takenSet = new Set(taken);
        const free = wanted.filter((id) => !takenSet.has(id));
        fc.pre(free.length > 0);
        book.takeBatch();
        const expected = modelStranded(venue, takenSet, free);
        const outcome = book.apply(hold(free), T0);
        if (expected.length === 0) {
          expectOk(outcome, 'held');
        } else {
          const fail = expectFail(outcome, 'orphan_seat');
          expect([...fail.seatIds!].sort()).toEqual(expected);
          expect(book.takeBatch().effects).toEqual([]);
        }
        book.checkInvariants();
      }),
      { numRuns: 1500 },
    );
  });

  it('the generator reaches refusals, excused holds and clean holds', () => {
    const seen = new Set<string>();
    for (const { venue, taken, hold: wanted } of fc.sample(scenario, { numRuns: 500, seed: 13 })) {
      const takenSet = new Set(taken);
      const free = wanted.filter((id) => !takenSet.has(id));
      if (!free.length) continue;
      const refused = modelStranded(venue, takenSet, free).length > 0;
      const strands = modelStrandedAll(venue, takenSet, free).length > 0;
      seen.add(refused ? 'refused' : strands ? 'excused' : 'clean');
    }
    expect([...seen].sort()).toEqual(['clean', 'excused', 'refused']);
  });
});
