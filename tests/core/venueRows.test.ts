// Row runs derived from real layouts (lib/venueLayout.ts): the demo theatre's
// curved rows and balcony aisles, the arena's arcs, a removed seat, and the
// canonical order that does not depend on how the seats were loaded.
import { describe, expect, it } from 'vitest';
import { arenaVenue, theatreVenue } from '../../db/demoVenues';
import { buildVenue, coreSeatsOf, generateLayout, type VenueSpec } from '../../lib/venueLayout';
import { VenueRows, compareRowLabels } from '../../core/venueRows';
import { seededRandom } from '../support/random';

function rowsOf(venue: VenueSpec, shuffleSeed?: number) {
  const layout = generateLayout(venue);
  let seats = coreSeatsOf(layout.seats, layout.sections);
  if (shuffleSeed !== undefined) {
    const rand = seededRandom(shuffleSeed);
    seats = seats.map((s) => ({ s, k: rand() })).sort((a, b) => a.k - b.k).map((x) => x.s);
  }
  return { rows: new VenueRows(seats, layout.stage), seats };
}

/** Seat ids of each run of a row, e.g. runsOf(rows, seats, 'BA', 'A'). */
function runsOf(v: ReturnType<typeof rowsOf>, sectionId: string, label: string): string[][] {
  const { rows, seats } = v;
  const s = rows.sectionIndex.get(sectionId)!;
  for (let w = rows.sectionFirstRow[s]; w < rows.sectionEndRow[s]; w++) {
    if (rows.rowLabels[w] !== label) continue;
    const out: string[][] = [];
    for (let r = rows.rowFirstRun[w]; r < rows.rowEndRun[w]; r++) out.push(Array.from(rows.order.subarray(rows.runStart[r], rows.runEnd[r]), (i) => seats[i].id));
    return out;
  }
  throw new Error(`no row ${sectionId} ${label}`);
}

describe('row runs from layouts', () => {
  it('theatre: curved rows are one run; the balcony\'s two aisles make three', () => {
    const v = rowsOf(theatreVenue());
    expect(v.rows.rowCount).toBe(16 * 3 + 8 * 3 + 8);
    expect(v.rows.runStart.length).toBe(16 * 3 + 8 * 3 + 8 * 3);
    const stalls = runsOf(v, 'SC', 'A');
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toEqual(Array.from({ length: 16 }, (_, i) => `SC-A-${i + 1}`));
    const balcony = runsOf(v, 'BA', 'C');
    expect(balcony.map((run) => run.length)).toEqual([8, 16, 8]);
    expect(balcony[1][0]).toBe('BA-C-9');
    // rtl-numbered sections run along their numbers too.
    expect(runsOf(v, 'SL', 'A')[0]).toEqual(Array.from({ length: 8 }, (_, i) => `SL-A-${i + 1}`));
  });

  it('arena: 664 rows of arcs and floor blocks, one run each, front row first', () => {
    const v = rowsOf(arenaVenue());
    expect(v.rows.rowCount).toBe(4 * 18 + 12 * 20 + 16 * 22);
    expect(v.rows.runStart.length).toBe(v.rows.rowCount);
    expect(v.rows.order.length).toBe(v.seats.length);
    const s = v.rows.sectionIndex.get('101')!;
    expect(v.rows.rowLabels[v.rows.sectionFirstRow[s]]).toBe('A');
    expect(v.rows.rowLabels[v.rows.sectionEndRow[s] - 1]).toBe('T');
  });

  it('a seat removed from the layout splits its row', () => {
    const venue = theatreVenue();
    const v = rowsOf({ ...venue, removed: ['SC-B-5'] });
    expect(runsOf(v, 'SC', 'B').map((run) => run.length)).toEqual([4, 11]);
  });

  it('the canonical order and the costs do not depend on the order seats are loaded in', () => {
    const a = rowsOf(theatreVenue());
    const b = rowsOf(theatreVenue(), 99);
    expect(Array.from(b.rows.order, (i) => b.seats[i].id)).toEqual(Array.from(a.rows.order, (i) => a.seats[i].id));
    const costA = new Map(a.seats.map((s, i) => [s.id, a.rows.costOf[i]]));
    b.seats.forEach((s, i) => expect(b.rows.costOf[i]).toBe(costA.get(s.id)));
  });

  it('costs: the middle of the front row is the best seat of the stalls; the back of the balcony is worse', () => {
    const { rows, seats } = rowsOf(theatreVenue());
    const cost = (id: string) => rows.costOf[seats.findIndex((s) => s.id === id)];
    expect(cost('SC-A-8')).toBeLessThan(cost('SC-A-1'));
    expect(cost('SC-A-8')).toBeLessThan(cost('SC-B-8'));
    expect(cost('SC-P-8')).toBeLessThan(cost('BA-H-16'));
  });

  it('a venue description may not give two sections one name (seats are stored with the name)', () => {
    const venue = theatreVenue();
    const twice = { ...venue, sections: venue.sections.map((s) => (s.id === 'SR' ? { ...s, name: 'Stalls Left' } : s)) };
    const result = buildVenue(twice);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.message)).toContain('section names must be unique');
    expect(buildVenue(venue).ok).toBe(true);
  });

  it('row labels sort front to back', () => {
    expect(['B', 'AA', 'A', 'Z'].sort(compareRowLabels)).toEqual(['A', 'B', 'Z', 'AA']);
    expect(['10', '2', '1'].sort(compareRowLabels)).toEqual(['1', '2', '10']);
  });
});
