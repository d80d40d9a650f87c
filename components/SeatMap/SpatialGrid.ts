// Uniform grid over seat positions (layout units) for O(1) hit-testing.
// Stored as compressed rows: cellStart[c]..cellStart[c+1] index into `items`.
export class SpatialGrid {
  private readonly cellSize: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cellStart: Uint32Array;
  private readonly items: Uint32Array;

  constructor(private readonly xs: Float64Array, private readonly ys: Float64Array, cellSize: number) {
    const n = xs.length;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, xs[i]);
      maxX = Math.max(maxX, xs[i]);
      minY = Math.min(minY, ys[i]);
      maxY = Math.max(maxY, ys[i]);
    }
    if (n === 0) minX = minY = maxX = maxY = 0;
    this.cellSize = Math.max(cellSize, 1e-6);
    this.minX = minX;
    this.minY = minY;
    this.cols = Math.min(4096, Math.floor((maxX - minX) / this.cellSize) + 1);
    this.rows = Math.min(4096, Math.floor((maxY - minY) / this.cellSize) + 1);

    const cellOf = new Uint32Array(n);
    const counts = new Uint32Array(this.cols * this.rows + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cellIndex(this.col(xs[i]), this.row(ys[i]));
      cellOf[i] = c;
      counts[c + 1]++;
    }
    for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
    this.cellStart = counts;
    this.items = new Uint32Array(n);
    const fill = counts.slice(0, -1);
    for (let i = 0; i < n; i++) this.items[fill[cellOf[i]]++] = i;
  }

  private col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cellSize)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cellSize)));
  }

  private cellIndex(col: number, row: number): number {
    return row * this.cols + col;
  }

  /** The seat nearest to (x, y) within maxDistance (layout units), or -1. */
  nearest(x: number, y: number, maxDistance: number): number {
    const c0 = this.col(x - maxDistance);
    const c1 = this.col(x + maxDistance);
    const r0 = this.row(y - maxDistance);
    const r1 = this.row(y + maxDistance);
    let best = -1;
    let bestD2 = maxDistance * maxDistance;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = this.cellIndex(c, r);
        for (let k = this.cellStart[cell]; k < this.cellStart[cell + 1]; k++) {
          const i = this.items[k];
          const dx = this.xs[i] - x;
          const dy = this.ys[i] - y;
          const d2 = dx * dx + dy * dy;
          if (d2 <= bestD2) {
            bestD2 = d2;
            best = i;
          }
        }
      }
    }
    return best;
  }
}
