// Canvas renderer for the seat map, independent of React.
// Three stacked canvases: stage (bottom), seats, overlay (labels, hover and
// focus rings). Live deltas repaint only the changed seats on the seats layer.
import type { SeatIndex } from '../../lib/client/seatIndex';
import { STATUS_HELD, STATUS_SOLD, type SeatStatusStore } from '../../lib/client/seatStatusStore';
import { drawAvailable, drawHeld, drawMine, drawSelected, drawSold, glyphBleedPx, isTiny, type SeatVisual } from './seatGlyphs';
import { drawGaAreas, drawOverlay, drawStage } from './mapDecorations';
import { SpatialGrid } from './SpatialGrid';
import { exposedStrips, ViewTransform, type LayoutRect, type ScreenRect } from './ViewTransform';

export interface MapLayers {
  stage: HTMLCanvasElement;
  seats: HTMLCanvasElement;
  overlay: HTMLCanvasElement;
}

const FIT_PADDING_PX = 20;
const MAX_SEAT_RADIUS_PX = 18;
/** Above this many changed seats a full repaint is cheaper than clipping. */
const DELTA_LIMIT = 2500;

export class SeatMapRenderer {
  readonly view = new ViewTransform();
  hoverIndex = -1;
  focusIndex = -1;
  private readonly grid: SpatialGrid;
  private readonly contentRect: LayoutRect;
  private readonly selected: Uint8Array;
  private readonly mine: Uint8Array;
  /** 1 for places of general-admission areas: drawn as their area, not as seats. */
  private readonly ga: Uint8Array;
  private widthPx = 0;
  private heightPx = 0;
  private dpr = 1;
  private fitted = false;
  private frame = 0;
  private panRemainderX = 0;
  private panRemainderY = 0;

  constructor(
    private readonly layers: MapLayers,
    private readonly index: SeatIndex,
    private readonly store: SeatStatusStore,
  ) {
    this.grid = new SpatialGrid(index.xs, index.ys, index.seatRadius * 5);
    this.selected = new Uint8Array(index.count);
    this.mine = new Uint8Array(index.count);
    this.ga = new Uint8Array(index.count);
    const { bounds, stage } = index.event;
    const r = index.seatRadius;
    const rect = {
      minX: Math.min(bounds.minX - r, stage.x),
      minY: Math.min(bounds.minY - r, stage.y),
      maxX: Math.max(bounds.maxX + r, stage.x + stage.width),
      maxY: Math.max(bounds.maxY + r, stage.y + stage.height),
    };
    for (const { area, seatIndices } of index.gaAreas) {
      for (const i of seatIndices) this.ga[i] = 1;
      rect.minX = Math.min(rect.minX, area.x);
      rect.minY = Math.min(rect.minY, area.y);
      rect.maxX = Math.max(rect.maxX, area.x + area.width);
      rect.maxY = Math.max(rect.maxY, area.y + area.height);
    }
    this.contentRect = rect;
  }

  get size(): { widthPx: number; heightPx: number } {
    return { widthPx: this.widthPx, heightPx: this.heightPx };
  }

  radiusPx(): number {
    return this.index.seatRadius * this.view.scale;
  }

  /** Returns true when the canvases were (re)sized and need a full draw. */
  resize(widthPx: number, heightPx: number, dpr: number): boolean {
    if (widthPx === this.widthPx && heightPx === this.heightPx && dpr === this.dpr) return false;
    const centreX = this.view.toLayoutX(this.widthPx / 2);
    const centreY = this.view.toLayoutY(this.heightPx / 2);
    this.widthPx = widthPx;
    this.heightPx = heightPx;
    this.dpr = dpr;
    for (const canvas of Object.values(this.layers)) {
      canvas.width = Math.max(1, Math.round(widthPx * dpr));
      canvas.height = Math.max(1, Math.round(heightPx * dpr));
    }
    if (!this.fitted) {
      this.fit();
      this.fitted = true;
    } else {
      this.updateScaleLimits();
      this.view.offsetX = widthPx / 2 - centreX * this.view.scale;
      this.view.offsetY = heightPx / 2 - centreY * this.view.scale;
    }
    return true;
  }

  fit(): void {
    this.view.fit(this.contentRect, this.widthPx, this.heightPx, FIT_PADDING_PX);
    this.updateScaleLimits();
  }

  private fitScale(): number {
    const probe = new ViewTransform();
    probe.fit(this.contentRect, this.widthPx, this.heightPx, FIT_PADDING_PX);
    return probe.scale;
  }

  private updateScaleLimits(): void {
    const fitScale = this.fitScale();
    this.view.minScale = fitScale * 0.8;
    this.view.maxScale = Math.max(MAX_SEAT_RADIUS_PX / this.index.seatRadius, fitScale * 1.5);
  }

  visualOf(i: number): SeatVisual {
    const code = this.store.codes[i];
    if (code === STATUS_SOLD) return 'sold';
    if (this.mine[i]) return 'mine';
    if (code === STATUS_HELD) return 'held';
    return this.selected[i] ? 'selected' : 'available';
  }

  /** Paints every layer. Returns the time it took in milliseconds. */
  drawAll(): number {
    const started = performance.now();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.drawBackground();
    const ctx = this.context(this.layers.seats);
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    this.paintSeats(ctx, null);
    this.drawOverlay();
    return performance.now() - started;
  }

  /** Repaints just these seats (after a status or selection change). */
  drawSeats(changed: readonly number[]): void {
    if (changed.length === 0 || this.widthPx === 0) return;
    const indices = changed.filter((i) => !this.ga[i]);
    if (indices.length < changed.length) this.drawBackground();
    if (indices.length === 0) return;
    if (indices.length > DELTA_LIMIT) {
      this.drawAll();
      return;
    }
    const ctx = this.context(this.layers.seats);
    const r = this.radiusPx();
    const clearR = r + glyphBleedPx(r);
    const visible: number[] = [];
    ctx.save();
    ctx.beginPath();
    for (const i of indices) {
      const x = this.view.toScreenX(this.index.xs[i]);
      const y = this.view.toScreenY(this.index.ys[i]);
      if (x < -clearR || y < -clearR || x > this.widthPx + clearR || y > this.heightPx + clearR) continue;
      visible.push(i);
      ctx.moveTo(x + clearR, y);
      ctx.arc(x, y, clearR, 0, Math.PI * 2);
    }
    ctx.clip();
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    ctx.restore();
    if (visible.length > 0) this.paintSeats(ctx, visible);
    if (indices.includes(this.hoverIndex) || indices.includes(this.focusIndex)) this.drawOverlay();
  }

  /** Sets which seats are selected and which are held by this buyer; repaints the differences. */
  setMarks(selected: Iterable<number>, mine: Iterable<number>): void {
    const changed: number[] = [];
    const apply = (flags: Uint8Array, next: Iterable<number>) => {
      const wanted = new Uint8Array(flags.length);
      for (const i of next) wanted[i] = 1;
      for (let i = 0; i < flags.length; i++) {
        if (flags[i] !== wanted[i]) {
          flags[i] = wanted[i];
          changed.push(i);
        }
      }
    };
    apply(this.selected, selected);
    apply(this.mine, mine);
    this.drawSeats(changed);
  }

  setHover(i: number): void {
    if (i === this.hoverIndex) return;
    this.hoverIndex = i;
    this.drawOverlay();
  }

  setFocus(i: number): void {
    if (i === this.focusIndex) return;
    this.focusIndex = i;
    this.drawOverlay();
  }

  /** Coalesces repaints (zoom, pan) into one per animation frame. */
  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawAll();
    });
  }

  /** The seat under the point (CSS px relative to the canvas), or -1. A GA area answers with its first place. */
  hitTest(sx: number, sy: number): number {
    const scale = this.view.scale;
    const x = this.view.toLayoutX(sx);
    const y = this.view.toLayoutY(sy);
    for (const { area, seatIndices } of this.index.gaAreas) {
      if (x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height) return seatIndices[0] ?? -1;
    }
    const reach = Math.max(this.index.seatRadius * 1.25, 8 / scale);
    const hit = this.grid.nearest(x, y, reach);
    return hit >= 0 && this.ga[hit] ? (this.index.gaAreaOf(hit)?.seatIndices[0] ?? -1) : hit;
  }

  seatScreenPosition(i: number): { x: number; y: number; radiusPx: number } {
    const ga = this.index.gaAreaOf(i);
    if (ga) return { x: this.view.toScreenX(ga.area.x + ga.area.width / 2), y: this.view.toScreenY(ga.area.y), radiusPx: 0 };
    return {
      x: this.view.toScreenX(this.index.xs[i]),
      y: this.view.toScreenY(this.index.ys[i]),
      radiusPx: this.radiusPx(),
    };
  }

  /** Pans so seat i is comfortably inside the viewport; returns whether the view moved. */
  revealSeat(i: number): boolean {
    const margin = Math.min(60, this.widthPx / 4, this.heightPx / 4);
    return this.view.ensureVisible(this.index.xs[i], this.index.ys[i], this.widthPx, this.heightPx, margin);
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
  }

  /** The stage and the general-admission areas (with their live counts). */
  private drawBackground(): void {
    const ctx = this.context(this.layers.stage);
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    drawStage(ctx, this.index.event.stage, this.view);
    if (this.index.gaAreas.length === 0) return;
    const areas = this.index.gaAreas.map((area) => ({
      area,
      left: this.store.freeCount(area.seatIndices),
      mine: area.seatIndices.reduce((n, i) => n + this.mine[i], 0),
    }));
    drawGaAreas(ctx, this.index, areas, this.view);
  }

  private drawOverlay(): void {
    const ctx = this.context(this.layers.overlay);
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    drawOverlay(ctx, this.index, this.view, this.hoverIndex, this.focusIndex);
  }

  private context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    return ctx;
  }

  /**
   * Drag-panning: shifts the painted pixels by whole device pixels and paints
   * only the strips that scrolled into view, instead of redrawing 20k seats.
   */
  panBy(dxPx: number, dyPx: number): void {
    this.panRemainderX += dxPx;
    this.panRemainderY += dyPx;
    const dxDevice = Math.round(this.panRemainderX * this.dpr);
    const dyDevice = Math.round(this.panRemainderY * this.dpr);
    if (dxDevice === 0 && dyDevice === 0) return;
    const dx = dxDevice / this.dpr;
    const dy = dyDevice / this.dpr;
    this.panRemainderX -= dx;
    this.panRemainderY -= dy;
    this.view.panBy(dx, dy);
    if (this.frame || Math.abs(dx) > this.widthPx / 2 || Math.abs(dy) > this.heightPx / 2) {
      this.requestDraw();
      return;
    }
    const seats = this.layers.seats;
    const ctx = seats.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(seats, dxDevice, dyDevice);
    ctx.globalCompositeOperation = 'source-over';
    this.context(seats);
    for (const strip of exposedStrips(dx, dy, this.widthPx, this.heightPx)) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(strip.x0, strip.y0, strip.x1 - strip.x0, strip.y1 - strip.y0);
      ctx.clip();
      ctx.clearRect(strip.x0, strip.y0, strip.x1 - strip.x0, strip.y1 - strip.y0);
      this.paintSeats(ctx, null, strip);
      ctx.restore();
    }
    this.drawBackground();
    this.drawOverlay();
  }

  /** Paints `only` (or every seat when null) that intersects `area` (default: the viewport), batched by style. */
  private paintSeats(ctx: CanvasRenderingContext2D, only: readonly number[] | null, area?: ScreenRect): void {
    const { xs, ys, categoryOf, categoryColors } = this.index;
    const { scale, offsetX, offsetY } = this.view;
    const r = this.radiusPx();
    const byCategory: number[][] = categoryColors.map(() => []);
    const selected: number[] = [];
    const mine: number[] = [];
    const held: number[] = [];
    const sold: number[] = [];
    const pad = r + glyphBleedPx(r);
    const minX = (area?.x0 ?? 0) - pad;
    const minY = (area?.y0 ?? 0) - pad;
    const maxX = (area?.x1 ?? this.widthPx) + pad;
    const maxY = (area?.y1 ?? this.heightPx) + pad;
    const total = only ? only.length : this.index.count;
    for (let k = 0; k < total; k++) {
      const i = only ? only[k] : k;
      if (this.ga[i]) continue;
      const x = xs[i] * scale + offsetX;
      if (x < minX || x > maxX) continue;
      const y = ys[i] * scale + offsetY;
      if (y < minY || y > maxY) continue;
      let bucket: number[];
      switch (this.visualOf(i)) {
        case 'available':
          bucket = byCategory[categoryOf[i]] ?? byCategory[0];
          break;
        case 'selected':
          bucket = selected;
          break;
        case 'mine':
          bucket = mine;
          break;
        case 'held':
          bucket = held;
          break;
        default:
          bucket = sold;
      }
      bucket.push(x, y);
    }
    const tiny = isTiny(r, this.dpr);
    byCategory.forEach((points, c) => drawAvailable(ctx, points, r, tiny, categoryColors[c]));
    drawSold(ctx, sold, r, tiny);
    drawHeld(ctx, held, r, tiny);
    drawSelected(ctx, selected, r, tiny);
    drawMine(ctx, mine, r, tiny);
  }
}
