// Best available in the seat book: hand-picked cases for each tier of the
// fallback chain and each filter, then property tests on random venues and
// occupancy: one-row picks equal a brute-force reference; every pick is valid
// (free, matching, one block per row, allowed by the no-orphan rule); the pick
// does not depend on the order the seats were loaded in.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pickBestSeats } from '../../core/bestAvailable';
import { SeatBook } from '../../core/seatBook';
import type { BestSeatsRequest, Command, EventRules } from '../../core/types';
import { VenueRows } from '../../core/venueRows';
import { CounterIds, T0, expectFail, expectOk, rules } from './fixtures';
import {
  buildVenue,
  matchesFilter,
  modelStranded,
  permuted,
  referenceBestBlock,
  venueArb,
  type RowDesc,
  type RowVenue,
} from './rowVenues';

const row = (label: string, runs: number[], extra: Partial<RowDesc> = {}): RowDesc => ({
  label,
  runs,
  breaks: runs.slice(1).map(() => 'aisle' as const),
  category: 'gold',
  priceCents: 5000,
  accessible: [],
  ...extra,
});

function bookOf(venue: RowVenue, overrides: Partial<EventRules> = {}, seats = venue.seats): SeatBook {
  return new SeatBook('ev', seats, rules({ maxSeatsPerBuyer: 50, ...overrides }), new CounterIds(), undefined, venue.stage);
}

const best = (request: BestSeatsRequest, buyerId = 'buyer'): Command => ({ type: 'hold', buyerId, seatIds: [], best: request });
const block = (seatIds: string[]): Command => ({ type: 'block', seatIds, reason: null, actor: 'test' });
const held = (book: SeatBook, request: BestSeatsRequest, buyerId?: string) => expectOk(book.apply(best(request, buyerId), T0), 'held').hold.seatIds;

/** A stage whose front edge's middle is at x = centreX, y = -20 (seats start at y = 0, one seat per 10 units from x = 10). */
const stageAt = (centreX: number) => ({ x: centreX - 50, y: -40, width: 100, height: 20 });

describe('best available: hand-picked cases', () => {
  // S1 (seats 1-12 at x 10…120) sits straight in front of the stage (x = 65); S2 (x 170…220) is off to the side.
  const twoSections = () =>
    buildVenue(
      [
        { id: 'S1', rows: [row('A', [12], { category: 'gold' }), row('B', [12], { category: 'silver', priceCents: 3000 })] },
        { id: 'S2', rows: [row('A', [6], { category: 'silver', priceCents: 3000 })] },
      ],
      stageAt(65),
    );

  it('tier 1: the block of the front row nearest the centre line, held at once', () => {
    const book = bookOf(twoSections());
    const seats = held(book, { quantity: 2 });
    expect(seats).toEqual(['S1-A-6', 'S1-A-7']);
    expect(book.seatState('S1-A-6')?.status).toBe('held');
    const [created] = book.takeBatch().effects;
    expect(created).toMatchObject({ kind: 'hold_created', hold: { seatIds: seats } });
  });

  it('keeps the hold a normal hold: release, then the same request gets the same seats', () => {
    const book = bookOf(twoSections());
    const first = expectOk(book.apply(best({ quantity: 3 }), T0), 'held').hold;
    expectOk(book.apply({ type: 'release', buyerId: 'buyer', holdId: first.id }, T0), 'released');
    expect(held(book, { quantity: 3 })).toEqual(first.seatIds);
  });

  it('successive requests take the next best seats, never a seat twice', () => {
    const book = bookOf(twoSections());
    const all = [held(book, { quantity: 4 }, 'a'), held(book, { quantity: 4 }, 'b'), held(book, { quantity: 4 }, 'c')].flat();
    expect(new Set(all).size).toBe(12);
    book.checkInvariants();
  });

  it('filters: categories, price, sections', () => {
    const book = bookOf(twoSections());
    expect(held(book, { quantity: 2, categoryIds: ['silver'] }, 'a')).toEqual(['S1-B-6', 'S1-B-7']);
    // 4-5 and 8-9 are equally good (mirror images): the earlier seats win the tie.
    expect(held(book, { quantity: 2, maxPriceCents: 3000 }, 'b')).toEqual(['S1-B-4', 'S1-B-5']);
    expect(held(book, { quantity: 2, sectionIds: ['S2'] }, 'c')).toEqual(['S2-A-1', 'S2-A-2']);
  });

  it('accessible seats go only to requests that ask for them', () => {
    const venue = buildVenue([{ id: 'S1', rows: [row('A', [6], { accessible: [2, 3] })] }]);
    const book = bookOf(venue);
    expect(held(book, { quantity: 2, accessible: true }, 'a')).toEqual(['S1-A-3', 'S1-A-4']);
    const other = held(book, { quantity: 2 }, 'b');
    expect(other.some((id) => ['S1-A-3', 'S1-A-4'].includes(id))).toBe(false);
  });

  it('tier 1 prefers a block that strands nobody over a nearer one that strands a seat', () => {
    // Row A: 1-3 free (a 2-block there strands one), row B behind it: 8 free.
    const venue = buildVenue([{ id: 'S1', rows: [row('A', [3]), row('B', [8])] }], stageAt(45));
    const book = bookOf(venue);
    expect(held(book, { quantity: 2 })).toEqual(['S1-B-4', 'S1-B-5']);
  });

  it('tier 2: when every block strands a seat, the best one the rule excuses', () => {
    const venue = buildVenue([{ id: 'S1', rows: [row('A', [3]), row('B', [3])] }]);
    const book = bookOf(venue);
    expect(held(book, { quantity: 2 })).toHaveLength(2);
  });

  it('tier 4: neighbouring rows of one section when no row has the block', () => {
    const venue = buildVenue([{ id: 'S1', rows: [row('A', [3]), row('B', [3]), row('C', [3])] }], stageAt(25));
    const book = bookOf(venue);
    const seats = held(book, { quantity: 5 });
    expect(seats).toEqual(['S1-A-1', 'S1-A-2', 'S1-A-3', 'S1-B-2', 'S1-B-3']);
  });

  it('tier 5: across sections when one section cannot seat them', () => {
    const venue = buildVenue([
      { id: 'S1', rows: [row('A', [2])] },
      { id: 'S2', rows: [row('A', [2])] },
    ]);
    const book = bookOf(venue);
    expect(held(book, { quantity: 4 }).sort()).toEqual(['S1-A-1', 'S1-A-2', 'S2-A-1', 'S2-A-2']);
  });

  it('general admission only when the request names the area', () => {
    const venue = buildVenue([{ id: 'S1', rows: [row('A', [2])] }]);
    const ga = Array.from({ length: 5 }, (_, i) => ({
      id: `GA-${i + 1}`,
      priceCents: 2000,
      gaArea: 'GA',
      place: { sectionId: 'GA', row: 'GA', number: String(i + 1), category: 'floor', x: 100, y: 200 },
    }));
    const book = bookOf(venue, {}, [...venue.seats, ...ga]);
    expectFail(book.apply(best({ quantity: 3 }), T0), 'seats_unavailable');
    expect(held(book, { quantity: 3, sectionIds: ['GA'] })).toEqual(['GA-1', 'GA-2', 'GA-3']);
  });

  it('says why it cannot: nothing fits, unknown category or section, over the limit, sale closed, mixed request', () => {
    const book = bookOf(twoSections(), { maxSeatsPerBuyer: 4 });
    expectFail(book.apply(best({ quantity: 3, categoryIds: ['gold'], sectionIds: ['S2'] }), T0), 'seats_unavailable');
    expectFail(book.apply(best({ quantity: 2, categoryIds: ['platinum'] }), T0), 'not_found');
    expectFail(book.apply(best({ quantity: 2, sectionIds: ['S9'] }), T0), 'not_found');
    expectFail(book.apply(best({ quantity: 5 }), T0), 'limit_exceeded');
    expectFail(book.apply({ type: 'hold', buyerId: 'b', seatIds: ['S1-A-1'], best: { quantity: 1 } }, T0), 'invalid_request');
    expect(book.takeBatch().effects).toEqual([]);
    const closed = bookOf(twoSections(), { saleStatus: 'paused' });
    expectFail(closed.apply(best({ quantity: 1 }), T0), 'sale_closed');
  });

  it('counts towards the per-buyer limit like named seats', () => {
    const book = bookOf(twoSections(), { maxSeatsPerBuyer: 4 });
    held(book, { quantity: 3 });
    expectFail(book.apply(best({ quantity: 2 }), T0), 'limit_exceeded');
    held(book, { quantity: 1 });
  });
});

// ---------- properties ----------

const filterArb: fc.Arbitrary<BestSeatsRequest> = fc.record(
  {
    quantity: fc.integer({ min: 1, max: 5 }),
    categoryIds: fc.subarray(['gold', 'silver'], { minLength: 1 }),
    maxPriceCents: fc.constantFrom(3000, 5000),
    sectionIds: fc.subarray(['S1', 'S2'], { minLength: 1 }),
    accessible: fc.boolean(),
  },
  { requiredKeys: ['quantity'] },
);

const scenarioArb = venueArb.chain((venue) =>
  fc.record({
    venue: fc.constant(venue),
    taken: fc.subarray(venue.seats.map((s) => s.id)),
    request: filterArb,
    preventOrphans: fc.boolean(),
    order: fc.array(fc.integer(), { minLength: 1, maxLength: 40 }),
  }),
);

/** The request, minus filters naming what the venue lacks (those are not_found, tested above). */
function fitted(venue: RowVenue, request: BestSeatsRequest): BestSeatsRequest {
  const sections = new Set(venue.seats.map((s) => s.place!.sectionId));
  const categories = new Set(venue.seats.map((s) => s.place!.category));
  const out = { ...request };
  if (out.sectionIds && !out.sectionIds.every((id) => sections.has(id))) delete out.sectionIds;
  if (out.categoryIds && !out.categoryIds.every((id) => categories.has(id))) delete out.categoryIds;
  return out;
}

function freeFlags(venue: RowVenue, seats: RowVenue['seats'], taken: ReadonlySet<string>): Uint8Array {
  return Uint8Array.from(seats, (s) => (taken.has(s.id) ? 0 : 1));
}

describe('best available vs a brute-force reference', () => {
  it('a one-row pick (tiers 1 and 2) is exactly the reference\'s; otherwise the reference has none', () => {
    fc.assert(
      fc.property(scenarioArb, ({ venue, taken, request, preventOrphans }) => {
        const req = fitted(venue, request);
        const takenSet = new Set(taken);
        const rows = new VenueRows(venue.seats, venue.stage);
        const pick = pickBestSeats(rows, freeFlags(venue, venue.seats, takenSet), req, preventOrphans);
        const reference = referenceBestBlock(venue, takenSet, req.quantity, req, preventOrphans);
        if (reference) {
          expect(pick.ok).toBe(true);
          if (!pick.ok) return;
          expect(pick.tier).toBe(reference.tier === 1 ? 'row' : 'row_orphan_excused');
          expect(pick.seats.map((i) => venue.seats[i].id)).toEqual(reference.seats);
        } else if (pick.ok) {
          expect(['general_admission', 'neighbouring_rows', 'across_sections']).toContain(pick.tier);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('every hold it makes is valid: free, matching, one block per row, allowed by the rule; refusals change nothing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ venue, taken, request, preventOrphans }) => {
        const req = fitted(venue, request);
        const book = bookOf(venue, { preventOrphanSeats: preventOrphans });
        if (taken.length) expectOk(book.apply(block(taken), T0), 'blocked');
        book.takeBatch();
        const outcome = book.apply(best(req), T0);
        const takenSet = new Set(taken);
        if (!outcome.ok) {
          expect(outcome.code).toBe('seats_unavailable');
          expect(book.takeBatch().effects).toEqual([]);
          // Nothing fits one row either (the reference would have found it).
          expect(referenceBestBlock(venue, takenSet, req.quantity, req, preventOrphans)).toBeNull();
          return;
        }
        expect(outcome.type).toBe('held');
        if (outcome.type !== 'held') return;
        const seats = outcome.hold.seatIds;
        expect(seats).toHaveLength(req.quantity);
        expect(new Set(seats).size).toBe(seats.length);
        for (const id of seats) {
          expect(takenSet.has(id)).toBe(false);
          expect(matchesFilter(venue.byId.get(id)!, req)).toBe(true);
        }
        // One contiguous block per row, inside one run.
        for (const r of venue.rows) {
          const mine = r.runs.map((run) => run.map((id, i) => (seats.includes(id) ? i : -1)).filter((i) => i >= 0)).filter((l) => l.length);
          expect(mine.length).toBeLessThanOrEqual(1);
          if (mine.length) expect(mine[0][mine[0].length - 1] - mine[0][0] + 1).toBe(mine[0].length);
        }
        if (preventOrphans) expect(modelStranded(venue, takenSet, seats)).toEqual([]);
        book.checkInvariants();
      }),
      { numRuns: 1500 },
    );
  });

  it('does not depend on the order the seats were loaded in', () => {
    fc.assert(
      fc.property(scenarioArb, ({ venue, taken, request, preventOrphans, order }) => {
        const req = fitted(venue, request);
        const takenSet = new Set(taken);
        const shuffled = permuted(venue.seats, order);
        const a = pickBestSeats(new VenueRows(venue.seats, venue.stage), freeFlags(venue, venue.seats, takenSet), req, preventOrphans);
        const b = pickBestSeats(new VenueRows(shuffled, venue.stage), freeFlags(venue, shuffled, takenSet), req, preventOrphans);
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) expect(b.seats.map((i) => shuffled[i].id)).toEqual(a.seats.map((i) => venue.seats[i].id));
      }),
      { numRuns: 500 },
    );
  });

  it('the generator reaches every tier and refusals', () => {
    const seen = new Set<string>();
    for (const { venue, taken, request, preventOrphans } of fc.sample(scenarioArb, { numRuns: 1500, seed: 7 })) {
      const req = fitted(venue, request);
      const pick = pickBestSeats(new VenueRows(venue.seats, venue.stage), freeFlags(venue, venue.seats, new Set(taken)), req, preventOrphans);
      seen.add(pick.ok ? pick.tier : pick.code);
    }
    expect([...seen].sort()).toEqual(['across_sections', 'neighbouring_rows', 'row', 'row_orphan_excused', 'seats_unavailable']);
  });
});
