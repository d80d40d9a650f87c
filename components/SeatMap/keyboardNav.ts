// Arrow-key movement between seats on the canvas.
import type { SeatIndex } from '../../lib/client/seatIndex';

export type Direction = 'left' | 'right' | 'up' | 'down';

export const ARROW_DIRECTIONS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

/** The seat that stands for i on the map: a GA area's first place, else i itself. */
export function representative(index: SeatIndex, i: number): number {
  return i >= 0 ? (index.gaAreaOf(i)?.seatIndices[0] ?? i) : i;
}

/** Other places of a GA area are not stops of their own: the area is one stop. */
function skipped(index: SeatIndex, j: number): boolean {
  return representative(index, j) !== j;
}

/**
 * The seat that best continues from `from` in `direction`: neighbours in the
 * same row win for left/right; otherwise the nearest seat inside a 60° cone,
 * penalising sideways drift. A linear scan; 20k seats take well under 1 ms.
 */
export function nextSeat(index: SeatIndex, from: number, direction: Direction): number {
  const { xs, ys } = index;
  const x0 = xs[from];
  const y0 = ys[from];
  const horizontal = direction === 'left' || direction === 'right';
  const sign = direction === 'left' || direction === 'up' ? -1 : 1;

  if (horizontal && !index.gaAreaOf(from)) {
    const row = index.rowOf(from);
    if (row) {
      // Neighbour within the row by position, so "left" is always visually left.
      let best = -1;
      let bestGap = Infinity;
      for (const j of row.seatIndices) {
        const gap = (xs[j] - x0) * sign;
        if (j !== from && gap > 0 && gap < bestGap) {
          bestGap = gap;
          best = j;
        }
      }
      if (best >= 0) return best;
    }
  }

  let best = -1;
  let bestScore = Infinity;
  for (let j = 0; j < index.count; j++) {
    if (j === from || skipped(index, j)) continue;
    const dx = xs[j] - x0;
    const dy = ys[j] - y0;
    const along = (horizontal ? dx : dy) * sign;
    const across = Math.abs(horizontal ? dy : dx);
    if (along <= 1e-9 || across > along * 1.8) continue;
    const score = along + across * 2.5;
    if (score < bestScore) {
      bestScore = score;
      best = j;
    }
  }
  return best;
}

/** Distance from (x, y) to the stage rectangle (0 on it), layout units. */
function stageDistance(index: SeatIndex, x: number, y: number): number {
  const { stage } = index.event;
  const dx = Math.max(stage.x - x, 0, x - (stage.x + stage.width));
  const dy = Math.max(stage.y - y, 0, y - (stage.y + stage.height));
  return Math.hypot(dx, dy);
}

/**
 * Where keyboard focus starts: in the best section, the one whose seats come closest
 * to the stage (ties: the one more in line with the stage's middle), its front row
 * (the row nearest the stage with a seat `accept` takes), at the accepted seat nearest
 * that row's middle. Sections whose seats `accept` rejects altogether are passed over;
 * -1 when it rejects every seat. General-admission areas are not seats and never
 * start: arrows reach them.
 */
export function startSeat(index: SeatIndex, accept: (i: number) => boolean): number {
  const { xs, ys } = index;
  const stageMidX = index.event.stage.x + index.event.stage.width / 2;
  let best = -1;
  let bestKey = [Infinity, Infinity, Infinity];
  for (const section of index.sections) {
    for (const row of section.rows) {
      const seats = row.seatIndices.filter((i) => !index.gaAreaOf(i));
      const free = seats.filter(accept);
      if (free.length === 0) continue;
      // The row's distance: its nearest seat to the stage. Its middle: the centre of all its seats.
      let rowDistance = Infinity;
      let midX = 0;
      let midY = 0;
      for (const i of seats) {
        rowDistance = Math.min(rowDistance, stageDistance(index, xs[i], ys[i]));
        midX += xs[i] / seats.length;
        midY += ys[i] / seats.length;
      }
      let seat = free[0];
      for (const i of free) if (Math.hypot(xs[i] - midX, ys[i] - midY) < Math.hypot(xs[seat] - midX, ys[seat] - midY)) seat = i;
      // Rounded so that rows at the same depth compare by how central they are, not by float noise.
      const key = [Math.round(rowDistance * 1000) / 1000, Math.abs(midX - stageMidX), Math.hypot(xs[seat] - midX, ys[seat] - midY)];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))) {
        bestKey = key;
        best = seat;
      }
    }
  }
  return best;
}
