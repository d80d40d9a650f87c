// Performance marks around the map's first full draws, read by bench/seatmap.ts.
// The early map (drawn by a worker before React; the inline preload script in
// lib/client/preload.ts records it) is 'seatmap-early-draw'; the page's own,
// interactive map is 'seatmap-page-draw'. Each is a measure from its
// '-draw-start' to its '-draw-end' mark, recorded once per page load.

/** Runs the page map's first full draw and records it. */
export function markPageDraw(draw: () => void): void {
  const startMs = performance.now();
  draw();
  if (performance.getEntriesByName('seatmap-page-draw-end').length > 0) return;
  const endMs = performance.now();
  performance.mark('seatmap-page-draw-start', { startTime: startMs });
  performance.mark('seatmap-page-draw-end', { startTime: endMs });
  performance.measure('seatmap-page-draw', { start: startMs, end: endMs });
}
