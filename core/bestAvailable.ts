// Best available: which free seats to hold for "N seats, best you have". Pure;
// the seat book calls it inside the hold command, so the pick and the hold are
// one step of the loop and never stale. The fallback chain, its scores and its
// tie-breaks are documented in docs/architecture.md ("Best available and the
// no-orphan rule"); in short:
//   1. one block of N adjacent seats in one row that strands nobody;
//   2. one block in one row that strands a seat where the no-orphan rule excuses it;
//   3. N places in one general-admission area (only areas named in sectionIds);
//   4. one block per row in neighbouring rows of one section (bestSplit.ts);
//   5. one block per row across sections (bestSplit.ts).
// Within a tier the lowest total seat cost wins (see VenueRows.costOf), then
// the block that comes first in the canonical seat order.
import type { BestSeatsRequest, Failure } from './types';
import type { VenueRows } from './venueRows';
import { splitAcrossSections, splitInSection } from './bestSplit';
import { SeatFilter } from './seatFilter';
import { emptyRowScan, scanRow } from './rowScan';

export type BestTier = 'row' | 'row_orphan_excused' | 'general_admission' | 'neighbouring_rows' | 'across_sections';

export type BestPick = { ok: true; seats: number[]; tier: BestTier } | Failure;

/** Picks `request.quantity` free seats, or says why it cannot. `free[i]` is 1 for a free seat. */
export function pickBestSeats(rows: VenueRows, free: Uint8Array, request: BestSeatsRequest, preventOrphans: boolean): BestPick {
  const filter = SeatFilter.of(rows, request);
  if (!(filter instanceof SeatFilter)) return filter;
  const k = request.quantity;
  const single = bestSingleBlock(rows, free, filter, k, preventOrphans);
  if (single.start >= 0) return { ok: true, seats: blockSeats(rows, single.start, k), tier: single.strands ? 'row_orphan_excused' : 'row' };
  const ga = bestGaArea(rows, free, filter, k);
  if (ga) return { ok: true, seats: ga, tier: 'general_admission' };
  if (k > 1) {
    const near = splitInSection(rows, free, filter, k, preventOrphans);
    if (near) return { ok: true, seats: near, tier: 'neighbouring_rows' };
    const spread = splitAcrossSections(rows, free, filter, k, preventOrphans);
    if (spread) return { ok: true, seats: spread, tier: 'across_sections' };
  }
  return {
    ok: false,
    code: 'seats_unavailable',
    message: k === 1 ? 'No free seat matches your choice.' : `No ${k} free seats match your choice.`,
  };
}

export function blockSeats(rows: VenueRows, start: number, size: number): number[] {
  return Array.from(rows.order.subarray(start, start + size));
}

/**
 * Tiers 1 and 2 in one pass over the rows: the cheapest block of k adjacent free matching
 * seats that strands nobody, else the cheapest one that strands a seat in a row where the
 * rule excuses it (or anywhere, when the rule is off). `start` is a position in rows.order.
 */
export function bestSingleBlock(rows: VenueRows, free: Uint8Array, filter: SeatFilter, k: number, preventOrphans: boolean): { start: number; strands: boolean } {
  let clean = -1;
  let cleanCost = Infinity;
  let stranding = -1;
  let strandingCost = Infinity;
  const scan = emptyRowScan();
  for (let s = 0; s < rows.sectionIds.length; s++) {
    if (!filter.sectionOk(s)) continue;
    for (let row = rows.sectionFirstRow[s]; row < rows.sectionEndRow[s]; row++) {
      scanRow(rows, free, filter, row, k, scan);
      if (scan.clean >= 0 && scan.cleanCost < cleanCost) {
        cleanCost = scan.cleanCost;
        clean = scan.clean;
      }
      if (scan.stranding >= 0 && (scan.excused || !preventOrphans) && scan.strandingCost < strandingCost) {
        strandingCost = scan.strandingCost;
        stranding = scan.stranding;
      }
    }
  }
  if (clean >= 0) return { start: clean, strands: false };
  return { start: stranding, strands: stranding >= 0 };
}

/** Tier 3: k places in the named general-admission area closest to the stage that has them. */
function bestGaArea(rows: VenueRows, free: Uint8Array, filter: SeatFilter, k: number): number[] | null {
  let best: number[] | null = null;
  let bestCost = Infinity;
  for (const area of filter.gaAreas) {
    const cost = rows.gaAreaCost.get(area)!;
    if (cost >= bestCost) continue;
    const places: number[] = [];
    for (const seat of rows.gaAreaSeats.get(area)!) {
      if (free[seat] && filter.matches(seat)) places.push(seat);
      if (places.length === k) break;
    }
    if (places.length === k) {
      best = places;
      bestCost = cost;
    }
  }
  return best;
}
