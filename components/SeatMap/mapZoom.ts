// When seats are big enough to pick, and where the view goes when they are not:
// a tap on the overview zooms into the section under it; focusing seats
// (focusSeatIds) fits them. Pure math over layout rectangles, no DOM.
import { ROW_LABEL_MIN_RADIUS_PX } from './mapLabels';
import { growRect, viewCentredOn, viewFitting, type LayoutRect, type ViewState } from './ViewTransform';

/** How the buyer points: a finger is less precise than a mouse or a pen. */
export type PointerKind = 'touch' | 'mouse';

/**
 * A seat can be picked by tapping once its circle is at least this wide on screen (CSS
 * pixels). Below it a tap or click zooms into the section instead of guessing a seat.
 * Touch: 14 px, about the smallest disc a fingertip (7–10 mm, ~40 px of contact) can
 * still tell from its neighbours when the map also shows which seat it means. Mouse and
 * pen: 8 px, since the pointer is exact and hovering shows the seat before the click.
 */
export const MIN_SEAT_DIAMETER_PX: Readonly<Record<PointerKind, number>> = { touch: 14, mouse: 8 };

/** A tap that zooms in goes this much past the threshold, so the next tap is comfortable. */
const ZOOM_IN_MARGIN = 1.3;
/** Padding around a section or focused seats when fitting them, CSS px. */
const FIT_PADDING_PX = 24;
/** Focused seats are never shown larger than this (seat radius in CSS px). */
export const FOCUS_MAX_SEAT_RADIUS_PX = 16;

export function pointerKindOf(pointerType: string): PointerKind {
  return pointerType === 'touch' ? 'touch' : 'mouse';
}

/** The view scale at which seats of `seatRadius` (layout units) become pickable. */
export function pickableScale(seatRadius: number, pointer: PointerKind): number {
  return MIN_SEAT_DIAMETER_PX[pointer] / (2 * seatRadius);
}

export function seatsPickable(scale: number, seatRadius: number, pointer: PointerKind): boolean {
  // A hair of tolerance: the zoom that was aimed at the threshold must count as reaching it.
  return scale >= pickableScale(seatRadius, pointer) * (1 - 1e-9);
}

export interface Viewport {
  widthPx: number;
  heightPx: number;
  minScale: number;
  maxScale: number;
}

/**
 * Where a tap at layout point `at` on the overview takes the view: the whole section
 * when it fits at a scale where its seats can be picked, otherwise that scale centred
 * on the tap (kept inside the section where possible).
 */
export function sectionZoomTarget(section: LayoutRect, at: { x: number; y: number }, seatRadius: number, pointer: PointerKind, viewport: Viewport): ViewState {
  const { widthPx, heightPx, minScale, maxScale } = viewport;
  const fitted = viewFitting(section, widthPx, heightPx, FIT_PADDING_PX, minScale, maxScale);
  const wanted = Math.min(maxScale, pickableScale(seatRadius, pointer) * ZOOM_IN_MARGIN);
  if (fitted.scale >= wanted) return fitted;
  const scale = Math.max(wanted, minScale);
  // Half the visible layout width/height at that scale, inside the padding.
  const halfW = Math.max(widthPx / 2 - FIT_PADDING_PX, 1) / scale;
  const halfH = Math.max(heightPx / 2 - FIT_PADDING_PX, 1) / scale;
  const clampInto = (v: number, lo: number, hi: number, half: number) => (hi - lo <= 2 * half ? (lo + hi) / 2 : Math.min(hi - half, Math.max(lo + half, v)));
  const x = clampInto(at.x, section.minX, section.maxX, halfW);
  const y = clampInto(at.y, section.minY, section.maxY, halfH);
  return viewCentredOn(x, y, scale, widthPx, heightPx);
}

/**
 * The view that shows every one of some seats (their bounding box, grown by two seat
 * widths), no closer than FOCUS_MAX_SEAT_RADIUS_PX per seat and within the viewport's limits.
 */
export function focusTarget(seats: LayoutRect, seatRadius: number, viewport: Viewport): ViewState {
  const { widthPx, heightPx, minScale, maxScale } = viewport;
  const cap = Math.min(maxScale, FOCUS_MAX_SEAT_RADIUS_PX / seatRadius);
  return viewFitting(growRect(seats, seatRadius * 4), widthPx, heightPx, FIT_PADDING_PX, minScale, Math.max(cap, minScale));
}

/** Room to spare (CSS px) beyond a seat's circle for it to count as shown: its warning sign sits there. */
const SHOWN_MARGIN_PX = 12;

/**
 * Whether the view already shows seats spanning `seats` (layout units, seat centres) well enough
 * to point one out: every one whole on screen with room for its marks, large enough to pick with
 * this pointer and to carry row letters (ROW_LABEL_MIN_RADIUS_PX), so the buyer can tell which it is.
 */
export function seatsShown(seats: LayoutRect, view: ViewState, seatRadius: number, pointer: PointerKind, widthPx: number, heightPx: number): boolean {
  const radiusPx = seatRadius * view.scale;
  if (!seatsPickable(view.scale, seatRadius, pointer) || radiusPx < ROW_LABEL_MIN_RADIUS_PX * (1 - 1e-9)) return false;
  const margin = radiusPx + SHOWN_MARGIN_PX;
  const x0 = seats.minX * view.scale + view.offsetX;
  const y0 = seats.minY * view.scale + view.offsetY;
  const x1 = seats.maxX * view.scale + view.offsetX;
  const y1 = seats.maxY * view.scale + view.offsetY;
  return x0 >= margin && y0 >= margin && x1 <= widthPx - margin && y1 <= heightPx - margin;
}
