// Layout units → CSS pixels: screen = layout * scale + offset.
export interface LayoutRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A rectangle in CSS pixels. */
export interface ScreenRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The parts of a widthPx × heightPx viewport left uncovered after shifting its content by (dx, dy). */
export function exposedStrips(dx: number, dy: number, widthPx: number, heightPx: number): ScreenRect[] {
  const strips: ScreenRect[] = [];
  if (dx > 0) strips.push({ x0: 0, y0: 0, x1: dx, y1: heightPx });
  if (dx < 0) strips.push({ x0: widthPx + dx, y0: 0, x1: widthPx, y1: heightPx });
  if (dy > 0) strips.push({ x0: 0, y0: 0, x1: widthPx, y1: dy });
  if (dy < 0) strips.push({ x0: 0, y0: heightPx + dy, x1: widthPx, y1: heightPx });
  return strips;
}

export class ViewTransform {
  scale = 1;
  offsetX = 0;
  offsetY = 0;
  minScale = 0.01;
  maxScale = 100;

  toScreenX(x: number): number {
    return x * this.scale + this.offsetX;
  }

  toScreenY(y: number): number {
    return y * this.scale + this.offsetY;
  }

  toLayoutX(sx: number): number {
    return (sx - this.offsetX) / this.scale;
  }

  toLayoutY(sy: number): number {
    return (sy - this.offsetY) / this.scale;
  }

  /** Fits `rect` into a widthPx × heightPx viewport with paddingPx on each side, centred. */
  fit(rect: LayoutRect, widthPx: number, heightPx: number, paddingPx: number): void {
    const w = Math.max(rect.maxX - rect.minX, 1e-6);
    const h = Math.max(rect.maxY - rect.minY, 1e-6);
    const scale = Math.min((widthPx - paddingPx * 2) / w, (heightPx - paddingPx * 2) / h);
    this.scale = Math.max(scale, 1e-6);
    this.offsetX = (widthPx - w * this.scale) / 2 - rect.minX * this.scale;
    this.offsetY = (heightPx - h * this.scale) / 2 - rect.minY * this.scale;
  }

  /** Zooms by `factor` keeping the layout point under (sx, sy) fixed. Returns whether anything changed. */
  zoomAt(factor: number, sx: number, sy: number): boolean {
    const next = Math.min(this.maxScale, Math.max(this.minScale, this.scale * factor));
    if (next === this.scale) return false;
    const lx = this.toLayoutX(sx);
    const ly = this.toLayoutY(sy);
    this.scale = next;
    this.offsetX = sx - lx * next;
    this.offsetY = sy - ly * next;
    return true;
  }

  panBy(dxPx: number, dyPx: number): void {
    this.offsetX += dxPx;
    this.offsetY += dyPx;
  }

  /** Pans the least amount needed so (x, y) sits at least marginPx inside the viewport. */
  ensureVisible(x: number, y: number, widthPx: number, heightPx: number, marginPx: number): boolean {
    const sx = this.toScreenX(x);
    const sy = this.toScreenY(y);
    let dx = 0;
    let dy = 0;
    if (sx < marginPx) dx = marginPx - sx;
    else if (sx > widthPx - marginPx) dx = widthPx - marginPx - sx;
    if (sy < marginPx) dy = marginPx - sy;
    else if (sy > heightPx - marginPx) dy = heightPx - marginPx - sy;
    if (dx === 0 && dy === 0) return false;
    this.panBy(dx, dy);
    return true;
  }
}
