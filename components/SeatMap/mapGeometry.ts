// Questions about places on the map: which seat or area is under a point, what a
// tap there means at the current zoom, where each section lies, and which view
// shows a section or a set of seats. No drawing, no DOM.
import type { SeatIndex, SectionGroup } from '../../lib/client/seatIndex';
import { focusTarget, sectionZoomTarget, seatsPickable, seatsShown, type PointerKind, type Viewport } from './mapZoom';
import { SpatialGrid } from './SpatialGrid';
import { boundsOf, type LayoutRect, type ViewState, type ViewTransform } from './ViewTransform';

/** What a tap or click at a point means at the current zoom. */
export type TapTarget =
  | { kind: 'seat'; index: number }
  /** A general-admission area (its first place stands for it); picked at any zoom. */
  | { kind: 'area'; index: number }
  /** Seats too small to pick here: zoom into this section. */
  | { kind: 'zoom'; section: SectionGroup; view: ViewState }
  | { kind: 'none' };

/** Everything drawn (seats, stage, general-admission areas), layout units: what "fit" shows. */
export function contentRectOf(index: SeatIndex): LayoutRect {
  const { bounds, stage } = index.event;
  const r = index.seatRadius;
  const rect = {
    minX: Math.min(bounds.minX - r, stage.x),
    minY: Math.min(bounds.minY - r, stage.y),
    maxX: Math.max(bounds.maxX + r, stage.x + stage.width),
    maxY: Math.max(bounds.maxY + r, stage.y + stage.height),
  };
  for (const { area } of index.gaAreas) {
    rect.minX = Math.min(rect.minX, area.x);
    rect.minY = Math.min(rect.minY, area.y);
    rect.maxX = Math.max(rect.maxX, area.x + area.width);
    rect.maxY = Math.max(rect.maxY, area.y + area.height);
  }
  return rect;
}

/** A tap this close to a seat (CSS px) on the overview still counts as "in its section". */
const SECTION_REACH_PX = 16;

export class MapGeometry {
  private seatGrid: SpatialGrid | null = null;
  private sectionRects: Map<SectionGroup, LayoutRect> | null = null;

  constructor(
    private readonly index: SeatIndex,
    private readonly view: ViewTransform,
    /** 1 for places of general-admission areas (they are picked as their area). */
    private readonly ga: Uint8Array,
  ) {}

  /** Built on first use: the first frame (the overview) needs no hit-testing. */
  private get grid(): SpatialGrid {
    this.seatGrid ??= new SpatialGrid(this.index.xs, this.index.ys, this.index.seatRadius * 5);
    return this.seatGrid;
  }

  /** Whether a seat stands at (x, y), layout units. */
  occupied(x: number, y: number): boolean {
    return this.grid.nearest(x, y, this.index.seatRadius * 1.2) >= 0;
  }

  seatsPickable(pointer: PointerKind): boolean {
    return seatsPickable(this.view.scale, this.index.seatRadius, pointer);
  }

  /** Each section's bounding box (layout units, seat radius included), computed once. */
  sectionBounds(): ReadonlyMap<SectionGroup, LayoutRect> {
    if (this.sectionRects) return this.sectionRects;
    const rects = new Map<SectionGroup, LayoutRect>();
    const r = this.index.seatRadius;
    for (const section of this.index.sections) {
      const rect = boundsOf(this.index.xs, this.index.ys, section.rows.flatMap((row) => row.seatIndices));
      if (rect) rects.set(section, { minX: rect.minX - r, minY: rect.minY - r, maxX: rect.maxX + r, maxY: rect.maxY + r });
    }
    this.sectionRects = rects;
    return rects;
  }

  /** The seat under the point (CSS px relative to the canvas), or -1. A GA area answers with its first place. */
  hitTest(sx: number, sy: number): number {
    const x = this.view.toLayoutX(sx);
    const y = this.view.toLayoutY(sy);
    const area = this.areaAt(x, y);
    if (area >= 0) return area;
    const reach = Math.max(this.index.seatRadius * 1.25, 8 / this.view.scale);
    const hit = this.grid.nearest(x, y, reach);
    return hit >= 0 && this.ga[hit] ? (this.index.gaAreaOf(hit)?.seatIndices[0] ?? -1) : hit;
  }

  /** What a tap or click at (sx, sy) means now: pick a seat or area, or zoom into a section. */
  tapTarget(sx: number, sy: number, pointer: PointerKind, viewport: Viewport): TapTarget {
    const x = this.view.toLayoutX(sx);
    const y = this.view.toLayoutY(sy);
    const area = this.areaAt(x, y);
    if (area >= 0) return { kind: 'area', index: area };
    if (this.seatsPickable(pointer)) {
      const hit = this.hitTest(sx, sy);
      return hit >= 0 && !this.ga[hit] ? { kind: 'seat', index: hit } : { kind: 'none' };
    }
    const near = this.grid.nearest(x, y, Math.max(this.index.seatRadius * 2, SECTION_REACH_PX / this.view.scale));
    const section = near >= 0 && !this.ga[near] ? this.index.sectionOf[near] : undefined;
    const rect = section && this.sectionBounds().get(section);
    if (!section || !rect) return { kind: 'none' };
    return { kind: 'zoom', section, view: sectionZoomTarget(rect, { x, y }, this.index.seatRadius, pointer, viewport) };
  }

  /** Where the view goes to show seat i well enough to pick it (keyboard focus on the overview). */
  sectionViewFor(i: number, pointer: PointerKind, viewport: Viewport): ViewState | null {
    const section = this.index.sectionOf[i];
    const rect = section && this.sectionBounds().get(section);
    if (!rect) return null;
    return sectionZoomTarget(rect, { x: this.index.xs[i], y: this.index.ys[i] }, this.index.seatRadius, pointer, viewport);
  }

  /** The view that shows all these seats (focusSeatIds); null for none. */
  focusView(indices: readonly number[], viewport: Viewport): ViewState | null {
    const rect = boundsOf(this.index.xs, this.index.ys, indices);
    return rect ? focusTarget(rect, this.index.seatRadius, viewport) : null;
  }

  /** Whether the current view shows all these seats whole and large enough to pick (see seatsShown). */
  showsSeats(indices: readonly number[], pointer: PointerKind, viewport: Viewport): boolean {
    const rect = boundsOf(this.index.xs, this.index.ys, indices);
    return rect !== null && seatsShown(rect, this.view.state, this.index.seatRadius, pointer, viewport.widthPx, viewport.heightPx);
  }

  private areaAt(x: number, y: number): number {
    for (const { area, seatIndices } of this.index.gaAreas) {
      if (x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height) return seatIndices[0] ?? -1;
    }
    return -1;
  }
}
