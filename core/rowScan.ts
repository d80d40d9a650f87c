// One row's best block of k adjacent free matching seats, shared by best available's
// single-row tiers (bestAvailable.ts) and its split tiers (bestSplit.ts). The hot loop
// of best available: one pass over the row's free gaps, a window of k sliding over each.
import type { SeatFilter } from './seatFilter';
import type { VenueRows } from './venueRows';

/** What one row offers for a block of k; positions are in rows.order, -1 for none. */
export interface RowScan {
  /** The cheapest block that strands nobody (first in seat order on equal cost). */
  clean: number;
  cleanCost: number;
  /** The cheapest block that leaves a single free seat beside it. */
  stranding: number;
  strandingCost: number;
  /** No gap in the row is exactly k or k + 2 or more, so the no-orphan rule excuses a stranding block (see orphanRule.ts). */
  excused: boolean;
}

export function emptyRowScan(): RowScan {
  return { clean: -1, cleanCost: Infinity, stranding: -1, strandingCost: Infinity, excused: true };
}

/** Scans `row` for blocks of k into `out` (reused by callers that scan many rows). */
export function scanRow(rows: VenueRows, free: Uint8Array, filter: SeatFilter, row: number, k: number, out: RowScan): RowScan {
  const { order, costOf, runStart, runEnd } = rows;
  out.clean = -1;
  out.cleanCost = Infinity;
  out.stranding = -1;
  out.strandingCost = Infinity;
  out.excused = true;
  for (let r = rows.rowFirstRun[row]; r < rows.rowEndRun[row]; r++) {
    const end = runEnd[r];
    let p = runStart[r];
    while (p < end) {
      if (!free[order[p]]) {
        p++;
        continue;
      }
      const gapStart = p;
      while (p < end && free[order[p]]) p++;
      const gap = p - gapStart;
      if (gap === k || gap >= k + 2) out.excused = false;
      if (gap < k) continue;
      // Slide a window of k over the gap: its cost, and how many of its seats do not match.
      let cost = 0;
      let misses = 0;
      for (let q = gapStart; q < gapStart + k; q++) {
        cost += costOf[order[q]];
        if (!filter.matches(order[q])) misses++;
      }
      for (let start = gapStart; ; start++) {
        if (misses === 0) {
          const strands = start - gapStart === 1 || p - start - k === 1;
          if (!strands && cost < out.cleanCost) {
            out.cleanCost = cost;
            out.clean = start;
          } else if (strands && cost < out.strandingCost) {
            out.strandingCost = cost;
            out.stranding = start;
          }
        }
        if (start + k >= p) break;
        const leaving = order[start];
        const entering = order[start + k];
        cost += costOf[entering] - costOf[leaving];
        if (!filter.matches(leaving)) misses--;
        if (!filter.matches(entering)) misses++;
      }
    }
  }
  return out;
}
