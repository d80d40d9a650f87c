// Small venues with rows for the best-available and no-orphan tests, and the
// simple reference models those tests compare the core with.
//
// A venue is built from an explicit description (sections → rows → runs), so
// the tests know the true row structure without asking the core: the seats get
// x/y and numbers the way lib/venueLayout.ts lays out a straight section (an
// aisle leaves a seat's width empty; a removed seat leaves its number out).
import fc from 'fast-check';
import type { SeatSpec, StageBox } from '../../core/types';

export const PITCH = 10;
export const ROW_PITCH = 12;

export interface RowDesc {
  label: string;
  /** Runs left to right; each run is its seat count. */
  runs: number[];
  /** How a run is separated from the next: 'aisle' (a seat's width of gap) or 'removed' (a missing seat). */
  breaks: ('aisle' | 'removed')[];
  category: string;
  priceCents: number;
  /** Indices (in the row, left to right, over seats that exist) of accessible seats. */
  accessible: number[];
}

export interface SectionDesc {
  id: string;
  rows: RowDesc[];
}

export interface RowVenue {
  seats: SeatSpec[];
  stage: StageBox;
  /** The true structure, in canonical order: sections by id, rows front to back, runs left to right. */
  rows: { sectionId: string; label: string; runs: string[][] }[];
  byId: Map<string, SeatSpec>;
}

export const STAGE: StageBox = { x: 0, y: -40, width: 200, height: 20 };

/** Lays a description out: section i starts at x = 10 + 160·i, its front row at y = 0. */
export function buildVenue(sections: SectionDesc[], stage: StageBox = STAGE): RowVenue {
  const seats: SeatSpec[] = [];
  const rows: RowVenue['rows'] = [];
  sections.forEach((section, si) => {
    section.rows.forEach((row, ri) => {
      const runs: string[][] = [];
      let slot = 0; // horizontal position in seat widths
      let number = 1;
      let inRow = 0;
      row.runs.forEach((length, r) => {
        if (r > 0) {
          if (row.breaks[r - 1] === 'aisle') slot += 1;
          else {
            slot += 1;
            number += 1;
          }
        }
        const run: string[] = [];
        for (let i = 0; i < length; i++) {
          const id = `${section.id}-${row.label}-${number}`;
          seats.push({
            id,
            priceCents: row.priceCents,
            place: {
              sectionId: section.id,
              row: row.label,
              number: String(number),
              category: row.category,
              x: 10 + 160 * si + slot * PITCH,
              y: ri * ROW_PITCH,
              ...(row.accessible.includes(inRow) ? { accessible: 'wheelchair' as const } : {}),
            },
          });
          run.push(id);
          slot += 1;
          number += 1;
          inRow += 1;
        }
        runs.push(run);
      });
      rows.push({ sectionId: section.id, label: row.label, runs });
    });
  });
  return { seats, stage, rows, byId: new Map(seats.map((s) => [s.id, s])) };
}

const LABELS = ['A', 'B', 'C', 'D'];

export const rowArb: fc.Arbitrary<Omit<RowDesc, 'label'>> = fc
  .array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 })
  .chain((runs) =>
    fc.record({
      runs: fc.constant(runs),
      breaks: fc.array(fc.constantFrom<'aisle' | 'removed'>('aisle', 'removed'), { minLength: runs.length - 1, maxLength: runs.length - 1 }),
      category: fc.constantFrom('gold', 'silver'),
      priceCents: fc.constantFrom(5000, 3000),
      accessible: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 2 }),
    }),
  );

/**
 * Random venues. Each section's front row starts with two adjacent seats: the core measures a
 * section's seat spacing from its adjacent seats, and a section of nothing but single seats
 * between aisles could not be told from one without aisles (no real layout is like that).
 */
export const venueArb: fc.Arbitrary<RowVenue> = fc
  .array(fc.array(rowArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 })
  .map((sections) =>
    buildVenue(
      sections.map((rows, si) => ({
        id: `S${si + 1}`,
        rows: rows.map((row, ri) => ({ ...row, label: LABELS[ri], runs: ri === 0 ? [Math.max(2, row.runs[0]), ...row.runs.slice(1)] : row.runs })),
      })),
    ),
  );

/** Shuffles a list with a fast-check-chosen permutation (the core must not depend on input order). */
export function permuted<T>(list: readonly T[], keys: readonly number[]): T[] {
  return list
    .map((item, i) => ({ item, key: keys[i % keys.length] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.item);
}

// ---------- reference model of the no-orphan rule ----------

/** A free seat whose run neighbours are all taken or missing. */
function isolated(run: string[], i: number, taken: (id: string) => boolean): boolean {
  return !taken(run[i]) && (i === 0 || taken(run[i - 1])) && (i === run.length - 1 || taken(run[i + 1]));
}

/** Free seats of a row the hold leaves isolated that were not isolated before. */
function strandedInRow(runs: string[][], taken: ReadonlySet<string>, hold: ReadonlySet<string>): string[] {
  const before = (id: string) => taken.has(id);
  const after = (id: string) => taken.has(id) || hold.has(id);
  const out: string[] = [];
  for (const run of runs) for (let i = 0; i < run.length; i++) if (isolated(run, i, after) && !isolated(run, i, before)) out.push(run[i]);
  return out;
}

/** Every seat the hold strands, excused or not. */
export function modelStrandedAll(venue: RowVenue, taken: ReadonlySet<string>, hold: readonly string[]): string[] {
  const holdSet = new Set(hold);
  return venue.rows.flatMap((row) => strandedInRow(row.runs, taken, holdSet)).sort();
}

/**
 * The rule, straight from its definition: per row the hold touches, the seats it strands;
 * refused when stranding and some block of as many adjacent free seats in that row (any
 * window of a run) would strand nobody. Returns the refused stranded seats (sorted ids).
 */
export function modelStranded(venue: RowVenue, taken: ReadonlySet<string>, hold: readonly string[]): string[] {
  const holdSet = new Set(hold);
  const refused: string[] = [];
  for (const row of venue.rows) {
    const k = row.runs.flat().filter((id) => holdSet.has(id)).length;
    if (k === 0) continue;
    const stranded = strandedInRow(row.runs, taken, holdSet);
    if (stranded.length === 0) continue;
    const avoidable = row.runs.some((run) =>
      run.some((_, start) => {
        const window = run.slice(start, start + k);
        return window.length === k && window.every((id) => !taken.has(id)) && strandedInRow(row.runs, taken, new Set(window)).length === 0;
      }),
    );
    if (avoidable) refused.push(...stranded);
  }
  return refused.sort();
}

// ---------- reference for best available, tiers 1 and 2 ----------

/** The seat cost as documented: hundredths of (distance to the stage centre + ½ distance off the centre line). */
export function referenceCost(venue: RowVenue, id: string): number {
  const { stage } = venue;
  const placed = venue.seats.filter((s) => s.place && !s.gaArea);
  // Sums of the seats' offsets from the stage's centre in whole thousandths (exact; a tie faces down).
  const mx = placed.reduce((n, s) => n + Math.round((s.place!.x - (stage.x + stage.width / 2)) * 1000), 0);
  const my = placed.reduce((n, s) => n + Math.round((s.place!.y - (stage.y + stage.height / 2)) * 1000), 0);
  // The audience faces the stage edge on the centroid's side; the focal point is that edge's middle.
  const sideways = Math.abs(mx) > Math.abs(my);
  const fx = sideways ? (mx > 0 ? stage.x + stage.width : stage.x) : stage.x + stage.width / 2;
  const fy = sideways ? stage.y + stage.height / 2 : my < 0 ? stage.y : stage.y + stage.height;
  const { x, y } = venue.byId.get(id)!.place!;
  const offLine = sideways ? Math.abs(y - fy) : Math.abs(x - fx);
  return Math.round((Math.hypot(x - fx, y - fy) + 0.5 * offLine) * 100);
}

export interface ReferenceFilter {
  categoryIds?: string[];
  maxPriceCents?: number;
  sectionIds?: string[];
  accessible?: boolean;
}

export function matchesFilter(seat: SeatSpec, filter: ReferenceFilter): boolean {
  const p = seat.place!;
  return (
    (!filter.categoryIds || filter.categoryIds.includes(p.category)) &&
    (filter.maxPriceCents === undefined || seat.priceCents <= filter.maxPriceCents) &&
    (!filter.sectionIds || filter.sectionIds.includes(p.sectionId)) &&
    Boolean(p.accessible) === Boolean(filter.accessible)
  );
}

/**
 * Brute force over every window of k adjacent seats: the cheapest window that strands
 * nobody (tier 1), else the cheapest stranding window the rule allows (tier 2; any when
 * the rule is off). Ties: the window that comes first (sections, rows, along the row).
 */
export function referenceBestBlock(
  venue: RowVenue,
  taken: ReadonlySet<string>,
  k: number,
  filter: ReferenceFilter,
  preventOrphans: boolean,
): { tier: 1 | 2; seats: string[] } | null {
  let best: { tier: 1 | 2; seats: string[]; cost: number } | null = null;
  for (const row of venue.rows) {
    for (const run of row.runs) {
      for (let start = 0; start + k <= run.length; start++) {
        const window = run.slice(start, start + k);
        if (!window.every((id) => !taken.has(id) && matchesFilter(venue.byId.get(id)!, filter))) continue;
        const strands = strandedInRow(row.runs, taken, new Set(window)).length > 0;
        if (strands && preventOrphans && modelStranded(venue, taken, window).length > 0) continue;
        const tier = strands ? 2 : 1;
        const cost = window.reduce((n, id) => n + referenceCost(venue, id), 0);
        if (!best || tier < best.tier || (tier === best.tier && cost < best.cost)) best = { tier, seats: window, cost };
      }
    }
  }
  return best && { tier: best.tier, seats: best.seats };
}
