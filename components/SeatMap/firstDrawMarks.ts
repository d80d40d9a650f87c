// Performance marks around the map's first full draws, read by bench/seatmap.ts.
// The early script (earlyMap.ts, before React) records 'seatmap-early-draw'; the
// page's own, interactive map 'seatmap-page-draw'. Each is a measure from its
// '-draw-start' to its '-draw-end' mark, recorded once per page load. The early
// one's start includes parsing and indexing the layout; the page's is the draw.
export type DrawSource = 'early' | 'page';

/** Records a draw that ran from startMs to endMs (page time). Only the first per source counts. */
export function recordDraw(source: DrawSource, startMs: number, endMs: number): void {
  if (performance.getEntriesByName(`seatmap-${source}-draw-end`).length > 0) return;
  performance.mark(`seatmap-${source}-draw-start`, { startTime: startMs });
  performance.mark(`seatmap-${source}-draw-end`, { startTime: endMs });
  performance.measure(`seatmap-${source}-draw`, { start: startMs, end: endMs });
}

/** Runs the page map's first full draw and records it. */
export function markPageDraw(draw: () => void): void {
  const startMs = performance.now();
  draw();
  recordDraw('page', startMs, performance.now());
}
