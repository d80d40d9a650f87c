// Canvas renderer for the seat map, independent of React (the early script,
// earlyMap.ts, runs it before React has loaded).
// Three stacked canvases: stage (bottom), seats, overlay (labels, hover and
// focus rings, warnings). Live deltas repaint only the changed seats.
import type { SeatIndex } from '../../lib/client/seatIndex';
import { STATUS_HELD, STATUS_SOLD, type SeatStatusStore } from '../../lib/client/seatStatusStore';
import { drawGaAreas, drawOverlay, drawStage } from './mapDecorations';
import { contentRectOf, MapGeometry, type TapTarget } from './mapGeometry';
import { drawRowLabels, labelLevel } from './mapLabels';
import type { PointerKind, Viewport } from './mapZoom';
import type { Ctx2D, SeatVisual } from './seatGlyphs';
import { paintSeats, repaintSeats, shiftSeatLayer, type SeatPaintResult, type SeatPaintScene } from './seatPainter';
import { ViewTransform, type LayoutRect, type ViewState } from './ViewTransform';

export type { TapTarget };

export type LayerCanvas = HTMLCanvasElement;

/** What an overlay draw put on screen: row letters, and warning marks on seats in view. */
export interface OverlayPainted {
  rowLabels: number;
  warnMarks: number;
}

export interface MapLayers {
  stage: LayerCanvas;
  seats: LayerCanvas;
  overlay: LayerCanvas;
}

const FIT_PADDING_PX = 20;
const MAX_SEAT_RADIUS_PX = 24;
/** Above this many changed seats a full repaint is cheaper than clipping. */
const DELTA_LIMIT = 2500;

function context2d(canvas: LayerCanvas): Ctx2D {
  return canvas.getContext('2d')!;
}

export class SeatMapRenderer {
  readonly view = new ViewTransform();
  hoverIndex = -1;
  focusIndex = -1;
  /** Called after every full draw with what it put on screen. */
  onDrawn: ((painted: SeatPaintResult) => void) | null = null;
  /** Called after every overlay draw (full draws, panning, hover, focus, warnings) with what it shows. */
  onOverlayDrawn: ((overlay: OverlayPainted) => void) | null = null;
  readonly geometry: MapGeometry;
  private readonly contentRect: LayoutRect;
  private readonly selected: Uint8Array;
  private readonly mine: Uint8Array;
  private readonly ga: Uint8Array;
  private readonly contexts: Record<keyof MapLayers, Ctx2D>;
  private readonly scene: SeatPaintScene;
  private warnIndices: number[] = [];
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
    this.selected = new Uint8Array(index.count);
    this.mine = new Uint8Array(index.count);
    this.ga = new Uint8Array(index.count);
    this.contexts = { stage: context2d(layers.stage), seats: context2d(layers.seats), overlay: context2d(layers.overlay) };
    for (const { seatIndices } of index.gaAreas) for (const i of seatIndices) this.ga[i] = 1;
    this.contentRect = contentRectOf(index);
    this.geometry = new MapGeometry(index, this.view, this.ga);
    const renderer = this;
    this.scene = {
      index,
      view: this.view,
      get widthPx() {
        return renderer.widthPx;
      },
      get heightPx() {
        return renderer.heightPx;
      },
      get dpr() {
        return renderer.dpr;
      },
      visualOf: (i) => this.visualOf(i),
      ga: this.ga,
    };
  }

  get size(): { widthPx: number; heightPx: number } {
    return { widthPx: this.widthPx, heightPx: this.heightPx };
  }

  radiusPx(): number {
    return this.index.seatRadius * this.view.scale;
  }

  /** Whether seats are large enough to pick with this kind of pointer at the current zoom. */
  seatsPickable(pointer: PointerKind): boolean {
    return this.geometry.seatsPickable(pointer);
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

  /** The view fit() would give, without moving (to animate to it). */
  fitView(): ViewState {
    const probe = new ViewTransform();
    probe.fit(this.contentRect, this.widthPx, this.heightPx, FIT_PADDING_PX);
    return probe.state;
  }

  /** Jumps to a view (clamped to the zoom limits); the caller draws. */
  setView(view: ViewState): void {
    this.view.state = view;
  }

  private updateScaleLimits(): void {
    const fitScale = this.fitView().scale;
    this.view.minScale = fitScale * 0.8;
    this.view.maxScale = Math.max(MAX_SEAT_RADIUS_PX / this.index.seatRadius, fitScale * 1.5);
  }

  /** The seat under the point (CSS px relative to the canvas), or -1. A GA area answers with its first place. */
  hitTest(sx: number, sy: number): number {
    return this.geometry.hitTest(sx, sy);
  }

  /** What a tap or click at (sx, sy) means now: pick a seat or area, or zoom into a section. */
  tapTarget(sx: number, sy: number, pointer: PointerKind): TapTarget {
    return this.geometry.tapTarget(sx, sy, pointer, this.viewport());
  }

  /** Where the view goes to show seat i well enough to pick it (keyboard focus on the overview). */
  sectionViewFor(i: number, pointer: PointerKind): ViewState | null {
    return this.geometry.sectionViewFor(i, pointer, this.viewport());
  }

  /** The view that shows all these seats (focusSeatIds); null for none. */
  focusView(indices: readonly number[]): ViewState | null {
    return this.geometry.focusView(indices, this.viewport());
  }

  /** Whether the view shows all these seats whole and large enough to pick with this pointer. */
  showsSeats(indices: readonly number[], pointer: PointerKind): boolean {
    return this.geometry.showsSeats(indices, pointer, this.viewport());
  }

  private viewport(): Viewport {
    return { widthPx: this.widthPx, heightPx: this.heightPx, minScale: this.view.minScale, maxScale: this.view.maxScale };
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
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.drawBackground();
    const ctx = this.context('seats');
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    const painted = paintSeats(ctx, this.scene, null);
    this.drawOverlay();
    this.onDrawn?.(painted);
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
    repaintSeats(this.context('seats'), this.scene, indices);
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

  /** Seats drawn with a warning mark (warnSeatIds). */
  setWarnings(indices: readonly number[]): void {
    this.warnIndices = [...indices];
    this.drawOverlay();
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
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** The stage and the general-admission areas (with their live counts). */
  private drawBackground(): void {
    const ctx = this.context('stage');
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

  /** Section names, row letters (zoomed in), warnings, hover and focus rings. */
  private drawOverlay(): void {
    const ctx = this.context('overlay');
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    const rowLabels =
      labelLevel(this.radiusPx()) === 'none'
        ? 0
        : drawRowLabels(ctx, this.index, this.view, { x0: 0, y0: 0, x1: this.widthPx, y1: this.heightPx }, this.geometry.sectionBounds(), (x, y) => this.geometry.occupied(x, y));
    const marks = { hoverIndex: this.hoverIndex, focusIndex: this.focusIndex, warnIndices: this.warnIndices, widthPx: this.widthPx, heightPx: this.heightPx };
    const { warnMarks } = drawOverlay(ctx, this.index, this.view, marks);
    this.onOverlayDrawn?.({ rowLabels, warnMarks });
  }

  private context(layer: keyof MapLayers): Ctx2D {
    const ctx = this.contexts[layer];
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
    this.context('seats');
    shiftSeatLayer(this.contexts.seats, this.layers.seats, this.scene, dxDevice, dyDevice);
    this.drawBackground();
    this.drawOverlay();
  }
}
