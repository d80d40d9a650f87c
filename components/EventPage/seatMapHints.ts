// What the event page asks the seat map to show besides the seats themselves:
// where to look (the seats best available just held) and what to warn about (the
// seat(s) an orphan_seat refusal names). SeatMap zooms to `focusSeatIds` and marks
// `warnSeatIds` (bringing them into view when they are not).
import type { HoldView } from '../../lib/protocol';

export interface SeatMapHints {
  /** The seats best available just held, while the buyer still holds them: the map zooms to fit them. */
  focusSeatIds: readonly string[];
  /** The seat(s) the last refused hold would have stranded: the map marks them. */
  warnSeatIds: readonly string[];
}

const NONE: readonly string[] = [];

/**
 * `bestSeatIds`: what the last best-available hold got (null: none yet). It stays the focus
 * only while one of the buyer's holds still has every one of those seats; once released,
 * expired or bought, the map is the buyer's to move again (and the same seats found again
 * later count as a new focus).
 */
export function seatMapHints(bestSeatIds: readonly string[] | null, holds: readonly HoldView[], stranded: readonly string[]): SeatMapHints {
  const stillHeld = bestSeatIds !== null && bestSeatIds.length > 0 && holds.some((h) => bestSeatIds.every((id) => h.seatIds.includes(id)));
  return { focusSeatIds: stillHeld ? bestSeatIds : NONE, warnSeatIds: stranded.length > 0 ? stranded : NONE };
}
