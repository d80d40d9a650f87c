// Layout units → CSS pixels: screen = layout * scale + offset. Pure math, no DOM.
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

/** Where the view stands: what ViewTransform holds, as a value. */
export interface ViewState {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** `rect` grown by `margin` layout units on every side. */
export function growRect(rect: LayoutRect, margin: number): LayoutRect {
  return { minX: rect.minX - margin, minY: rect.minY - margin, maxX: rect.maxX + margin, maxY: rect.maxY + margin };
}

/** The bounding box of points (layout units); null for none. */
export function boundsOf(xs: ArrayLike<number>, ys: ArrayLike<number>, indices: Iterable<number>): LayoutRect | null {
  let rect: LayoutRect | null = null;
  for (const i of indices) {
    if (!rect) rect = { minX: xs[i], minY: ys[i], maxX: xs[i], maxY: ys[i] };
    else {
      rect.minX = Math.min(rect.minX, xs[i]);
      rect.minY = Math.min(rect.minY, ys[i]);
      rect.maxX = Math.max(rect.maxX, xs[i]);
      rect.maxY = Math.max(rect.maxY, ys[i]);
    }
  }
  return rect;
}

/**
 * The view that centres `rect` in a widthPx × heightPx viewport, as large as fits with
 * paddingPx on each side, clamped to [minScale, maxScale]. A rect of one point gets maxScale.
 */
export function viewFitting(rect: LayoutRect, widthPx: number, heightPx: number, paddingPx: number, minScale = 1e-6, maxScale = Infinity): ViewState {
  const w = Math.max(rect.maxX - rect.minX, 1e-9);
  const h = Math.max(rect.maxY - rect.minY, 1e-9);
  const fitted = Math.min(Math.max(widthPx - paddingPx * 2, 1) / w, Math.max(heightPx - paddingPx * 2, 1) / h);
  const scale = Math.min(maxScale, Math.max(minScale, fitted));
  return viewCentredOn((rect.minX + rect.maxX) / 2, (rect.minY + rect.maxY) / 2, scale, widthPx, heightPx);
}

/** The view at `scale` with layout point (x, y) in the middle of the viewport. */
export function viewCentredOn(x: number, y: number, scale: number, widthPx: number, heightPx: number): ViewState {
  return { scale, offsetX: widthPx / 2 - x * scale, offsetY: heightPx / 2 - y * scale };
}

/**
 * The view a fraction t ∈ [0, 1] of the way from `from` to `to`: the layout point in the
 * middle of the viewport moves in a straight line and the scale changes geometrically,
 * so a zoom feels even throughout and ends exactly at `to`.
 */
export function interpolateView(from: ViewState, to: ViewState, t: number, widthPx: number, heightPx: number): ViewState {
  if (t <= 0) return { ...from };
  if (t >= 1) return { ...to };
  const centre = (v: ViewState) => ({ x: (widthPx / 2 - v.offsetX) / v.scale, y: (heightPx / 2 - v.offsetY) / v.scale });
  const a = centre(from);
  const b = centre(to);
  const scale = Math.exp(Math.log(from.scale) + (Math.log(to.scale) - Math.log(from.scale)) * t);
  return viewCentredOn(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, scale, widthPx, heightPx);
}

/** Slow in, slow out. */
export function easeInOutCubic(t: number): number {
  return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
}

export class ViewTransform {
  scale = 1;
  offsetX = 0;
  offsetY = 0;
  minScale = 0.01;
  maxScale = 100;

  get state(): ViewState {
    return { scale: this.scale, offsetX: this.offsetX, offsetY: this.offsetY };
  }

  set state(view: ViewState) {
    this.scale = view.scale;
    this.offsetX = view.offsetX;
    this.offsetY = view.offsetY;
  }

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
    this.state = viewFitting(rect, widthPx, heightPx, paddingPx);
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
