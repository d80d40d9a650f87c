// The no-orphan rule (docs/architecture.md, "Best available and the no-orphan
// rule"): a new hold may not leave a single free seat stranded in a row, unless
// no block of that many adjacent seats in that row could avoid it.
//
// Definitions, per row (checked separately for every row the hold touches):
// - a free seat is *isolated* when each of its neighbours in its run is taken
//   (held, sold or blocked) or missing (the run's end: row end or aisle gap);
// - the hold *strands* a seat that is free and isolated after it but was not
//   isolated before it; seats already isolated never count against a hold;
// - the hold is *excused* in a row when no gap (maximal run of free seats) in
//   that row could take a block of k adjacent seats (k = the hold's seats in
//   that row) without stranding one: no gap of exactly k, and none of k + 2 or more.
// The hold is refused when some row has stranded seats and is not excused.
// General-admission places and seats without a place are never part of a row.
import type { VenueRows } from './venueRows';

/**
 * The seats a hold of `hold` (seat indices, all currently free and distinct) would strand
 * in rows where that is not excused; empty when the hold may go ahead. `free[i]` is 1 for a
 * free seat. In canonical order (sections, rows front to back, along the row).
 */
export function strandedSeats(rows: VenueRows, free: Uint8Array, hold: ArrayLike<number>): number[] {
  const mark = rows.scratchMark;
  const { order, posOf, runOf, runStart, runEnd, runRow } = rows;
  // Rows the hold touches, and how many of its seats each has (a hold is at most 50 seats).
  const touched: number[] = [];
  const perRow: number[] = [];
  for (let h = 0; h < hold.length; h++) {
    const seat = hold[h];
    mark[seat] = 1;
    const run = runOf[seat];
    if (run < 0) continue;
    const row = runRow[run];
    const at = touched.indexOf(row);
    if (at < 0) {
      touched.push(row);
      perRow.push(1);
    } else perRow[at]++;
  }
  const takenAfter = (seat: number) => !free[seat] || mark[seat] === 1;
  /** A free seat not in the hold, all of whose run neighbours are taken after the hold. */
  const isolatedAfter = (pos: number, run: number) =>
    (pos === runStart[run] || takenAfter(order[pos - 1])) && (pos === runEnd[run] - 1 || takenAfter(order[pos + 1]));

  const stranded: number[] = [];
  const strandedRows: number[] = [];
  for (let h = 0; h < hold.length; h++) {
    const seat = hold[h];
    const run = runOf[seat];
    if (run < 0) continue;
    const pos = posOf[seat];
    for (let next = pos - 1; next <= pos + 1; next += 2) {
      if (next < runStart[run] || next >= runEnd[run]) continue;
      const neighbour = order[next];
      // It was free and beside a free seat (this one), so it was not isolated before.
      if (takenAfter(neighbour) || mark[neighbour] === 2 || !isolatedAfter(next, run)) continue;
      mark[neighbour] = 2; // once, even when held in on both sides
      stranded.push(neighbour);
      strandedRows.push(runRow[run]);
    }
  }
  for (let h = 0; h < hold.length; h++) mark[hold[h]] = 0;
  for (const seat of stranded) mark[seat] = 0;
  if (stranded.length === 0) return stranded;

  const refused: number[] = [];
  for (let t = 0; t < touched.length; t++) {
    const row = touched[t];
    if (!strandedRows.includes(row) || !rows.rowHasCleanBlock(row, perRow[t], free)) continue;
    for (let s = 0; s < stranded.length; s++) if (strandedRows[s] === row) refused.push(stranded[s]);
  }
  return refused.sort((a, b) => posOf[a] - posOf[b]);
}
