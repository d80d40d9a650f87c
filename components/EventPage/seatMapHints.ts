// The one place where the event page hands the seat map its best-available and
// no-orphan hints. SeatMap takes `focusSeatIds` (zoom to fit these seats) and
// `warnSeatIds` (mark these seats) from the seatmap branch on; the page spreads
// this object into <SeatMap>, so before that branch is merged the props are
// simply not read, and after it they are type-checked like any other prop.
export interface SeatMapHints {
  /** The seats best available just held: the map zooms to fit them. */
  focusSeatIds?: readonly string[];
  /** The seat(s) an orphan refusal names: the map marks them. */
  warnSeatIds?: readonly string[];
}

const NONE: readonly string[] = [];

export function seatMapHints(focusSeatIds: readonly string[] | null, warnSeatIds: readonly string[] | null): SeatMapHints {
  return { focusSeatIds: focusSeatIds ?? NONE, warnSeatIds: warnSeatIds ?? NONE };
}
