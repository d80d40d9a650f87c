// Best available, tiers 4 and 5: when no row has N adjacent seats for the
// request, the group is split into blocks, one block per row (so the no-orphan
// rule, checked row by row, sees exactly one block in each row it touches).
//   4. neighbouring rows of one section: for every section and every starting
//      row, walk back row by row taking the largest block that still fits (a row
//      with none ends the walk); fewest rows wins, then the lowest total cost;
//   5. across sections: repeatedly take the largest block that still fits from
//      any unused row, the cheaper block on equal size, until N are taken.
// Only reached when tiers 1-3 found nothing, so they may cost more than tier 1.
import type { SeatFilter } from './seatFilter';
import type { VenueRows } from './venueRows';
import { emptyRowScan, scanRow } from './rowScan';

/** The best block of each (row, size), computed once per command. */
class RowBlocks {
  private readonly memo = new Map<number, number>();
  private readonly longest = new Map<number, number>();
  private readonly scratch = emptyRowScan();

  constructor(
    private readonly rows: VenueRows,
    private readonly free: Uint8Array,
    private readonly filter: SeatFilter,
    private readonly preventOrphans: boolean,
  ) {}

  /** Start (position in rows.order) of the best allowed block of exactly `size` in `row`, or -1. */
  best(row: number, size: number): number {
    const key = row * 64 + size;
    let start = this.memo.get(key);
    if (start === undefined) {
      start = this.scan(row, size);
      this.memo.set(key, start);
    }
    return start;
  }

  /** The largest size ≤ atMost that `row` has an allowed block of (0: none). */
  largest(row: number, atMost: number): number {
    for (let size = Math.min(atMost, this.longestMatching(row)); size > 0; size--) if (this.best(row, size) >= 0) return size;
    return 0;
  }

  cost(start: number, size: number): number {
    let sum = 0;
    for (let p = start; p < start + size; p++) sum += this.rows.costOf[this.rows.order[p]];
    return sum;
  }

  private longestMatching(row: number): number {
    let longest = this.longest.get(row);
    if (longest !== undefined) return longest;
    const { order, runStart, runEnd } = this.rows;
    longest = 0;
    for (let r = this.rows.rowFirstRun[row]; r < this.rows.rowEndRun[row]; r++) {
      let length = 0;
      for (let p = runStart[r]; p < runEnd[r]; p++) {
        length = this.free[order[p]] && this.filter.matches(order[p]) ? length + 1 : 0;
        if (length > longest) longest = length;
      }
    }
    this.longest.set(row, longest);
    return longest;
  }

  /** Like bestSingleBlock for one row: a block that strands nobody first, else one the rule excuses. */
  private scan(row: number, size: number): number {
    const scan = scanRow(this.rows, this.free, this.filter, row, size, this.scratch);
    if (scan.clean >= 0) return scan.clean;
    return scan.excused || !this.preventOrphans ? scan.stranding : -1;
  }
}

/** Tier 4: k seats as one block per row in consecutive rows of one section, or null. */
export function splitInSection(rows: VenueRows, free: Uint8Array, filter: SeatFilter, k: number, preventOrphans: boolean): number[] | null {
  const blocks = new RowBlocks(rows, free, filter, preventOrphans);
  /** The greedy walk from row `first`; gives up after `maxRows` rows (a longer walk cannot win). */
  const walk = (first: number, end: number, maxRows: number, take?: number[]): { rows: number; cost: number } | null => {
    let need = k;
    let cost = 0;
    let row = first;
    for (; row < end && need > 0 && row - first < maxRows; row++) {
      const size = blocks.largest(row, need);
      if (size === 0) break;
      const start = blocks.best(row, size);
      cost += blocks.cost(start, size);
      need -= size;
      if (take) for (let p = start; p < start + size; p++) take.push(rows.order[p]);
    }
    return need === 0 ? { rows: row - first, cost } : null;
  };
  let bestFirst = -1;
  let bestRows = Infinity;
  let bestCost = Infinity;
  for (let s = 0; s < rows.sectionIds.length; s++) {
    if (!filter.sectionOk(s)) continue;
    const end = rows.sectionEndRow[s];
    for (let first = rows.sectionFirstRow[s]; first < end; first++) {
      const result = walk(first, end, bestRows);
      if (result && (result.rows < bestRows || (result.rows === bestRows && result.cost < bestCost))) {
        bestFirst = first;
        bestRows = result.rows;
        bestCost = result.cost;
      }
    }
  }
  if (bestFirst < 0) return null;
  const seats: number[] = [];
  walk(bestFirst, rows.sectionEndRow[rows.rowSection[bestFirst]], bestRows, seats);
  return seats;
}

/** Tier 5: k seats as one block per row, from any rows of the allowed sections, or null. */
export function splitAcrossSections(rows: VenueRows, free: Uint8Array, filter: SeatFilter, k: number, preventOrphans: boolean): number[] | null {
  const blocks = new RowBlocks(rows, free, filter, preventOrphans);
  const candidates: number[] = [];
  for (let s = 0; s < rows.sectionIds.length; s++) {
    if (!filter.sectionOk(s)) continue;
    for (let row = rows.sectionFirstRow[s]; row < rows.sectionEndRow[s]; row++) candidates.push(row);
  }
  const used = new Uint8Array(rows.rowCount);
  const seats: number[] = [];
  let need = k;
  while (need > 0) {
    let bestRow = -1;
    let bestSize = 0;
    let bestCost = Infinity;
    for (const row of candidates) {
      if (used[row]) continue;
      const size = blocks.largest(row, need);
      if (size === 0 || size < bestSize) continue;
      const cost = blocks.cost(blocks.best(row, size), size);
      if (size > bestSize || cost < bestCost) {
        bestRow = row;
        bestSize = size;
        bestCost = cost;
      }
    }
    if (bestRow < 0) return null;
    used[bestRow] = 1;
    const start = blocks.best(bestRow, bestSize);
    for (let p = start; p < start + bestSize; p++) seats.push(rows.order[p]);
    need -= bestSize;
  }
  return seats;
}
