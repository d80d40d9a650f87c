// Row letters and seat numbers on the map, drawn only once zoomed in far enough
// to read them, and only for what is in view (so they cost nothing on the overview).
import type { SeatIndex, SectionGroup } from '../../lib/client/seatIndex';
import type { Ctx2D } from './seatGlyphs';
import type { LayoutRect, ScreenRect, ViewTransform } from './ViewTransform';

/** Row letters beside each row's ends once seats are this large (radius, CSS px): a 12 px seat. */
export const ROW_LABEL_MIN_RADIUS_PX = 6;
/** Seat numbers inside available seats once seats are this large: an 18 px seat holds 9–13 px digits. */
export const SEAT_NUMBER_MIN_RADIUS_PX = 9;

export type LabelLevel = 'none' | 'rows' | 'rows+numbers';

export function labelLevel(radiusPx: number): LabelLevel {
  if (radiusPx >= SEAT_NUMBER_MIN_RADIUS_PX) return 'rows+numbers';
  return radiusPx >= ROW_LABEL_MIN_RADIUS_PX ? 'rows' : 'none';
}

const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const DARK_TEXT = '#111827';
const LIGHT_TEXT = '#ffffff';

/** Relative luminance (WCAG) of '#rgb' or '#rrggbb'; NaN for anything else. */
function luminance(color: string): number {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return NaN;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const channel = (k: number) => {
    const v = parseInt(full.slice(k, k + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** White or near-black, whichever contrasts more with a seat of this colour. */
export function numberColorOn(fill: string): string {
  const l = luminance(fill);
  if (Number.isNaN(l)) return DARK_TEXT;
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / (luminance(DARK_TEXT) + 0.05);
  return onWhite >= onDark ? LIGHT_TEXT : DARK_TEXT;
}

/**
 * Numbers inside seats. `points` holds x, y pairs (CSS px) of the seats in `indices`,
 * all drawn in `fill`; short numbers get larger type than three-digit ones.
 */
export function drawSeatNumbers(ctx: Ctx2D, index: SeatIndex, indices: readonly number[], points: readonly number[], radiusPx: number, fill: string): void {
  if (indices.length === 0) return;
  ctx.fillStyle = numberColorOn(fill);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  let currentFont = '';
  for (let k = 0; k < indices.length; k++) {
    const text = index.seats[indices[k]].number;
    const sizePx = text.length <= 2 ? Math.min(radiusPx * 0.95, 14) : Math.min((radiusPx * 1.7) / (text.length * 0.6), 12);
    const font = `600 ${sizePx.toFixed(1)}px ${FONT_STACK}`;
    if (font !== currentFont) ctx.font = currentFont = font;
    ctx.fillText(text, points[k * 2], points[k * 2 + 1] + 0.5, radiusPx * 1.8);
  }
}

/**
 * Row names beyond both ends of every row in view, one seat-width out along the row
 * (so curved rows get them where the row points). A spot already taken by a seat
 * (`occupied`, layout units) is skipped: some rows run straight into the next section.
 * A row that runs past the edge of the view keeps its name at that edge, on a pill,
 * so zoomed in on the middle of long rows (a phone, always) the rows stay named.
 * Returns how many labels it drew.
 */
export function drawRowLabels(
  ctx: Ctx2D,
  index: SeatIndex,
  view: ViewTransform,
  area: ScreenRect,
  sectionBounds: ReadonlyMap<SectionGroup, LayoutRect>,
  occupied: (x: number, y: number) => boolean,
): number {
  const r = index.seatRadius * view.scale;
  const sizePx = Math.max(10, Math.min(r * 1.05, 15));
  const pad = sizePx; // how far inside the edge a pinned label sits
  const { xs, ys } = index;
  const step = index.seatRadius / 0.38; // the seat spacing (seatRadius is 0.38 of it)
  const inside = (sx: number, sy: number) => sx >= area.x0 && sx <= area.x1 && sy >= area.y0 && sy <= area.y1;
  ctx.font = `700 ${sizePx.toFixed(1)}px ${FONT_STACK}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  let drawn = 0;
  const label = (text: string, sx: number, sy: number, pill: boolean) => {
    if (pill) {
      const w = ctx.measureText(text).width + sizePx * 0.8;
      const h = sizePx * 1.45;
      ctx.beginPath();
      ctx.roundRect(sx - w / 2, sy - h / 2, w, h, h / 2);
      ctx.fillStyle = 'rgba(255,255,255,0.94)';
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#cbd5e1';
      ctx.stroke();
    } else {
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.strokeText(text, sx, sy);
    }
    ctx.fillStyle = '#334155';
    ctx.fillText(text, sx, sy);
    drawn++;
  };
  for (const section of index.sections) {
    const b = sectionBounds.get(section);
    if (!b) continue;
    if (view.toScreenX(b.maxX) < area.x0 || view.toScreenX(b.minX) > area.x1 || view.toScreenY(b.maxY) < area.y0 || view.toScreenY(b.minY) > area.y1) continue;
    for (const row of section.rows) {
      const seats = row.seatIndices;
      // The row's seats in view, leftmost and rightmost on screen.
      let left = -1;
      let right = -1;
      for (const i of seats) {
        const sx = view.toScreenX(xs[i]);
        if (!inside(sx, view.toScreenY(ys[i]))) continue;
        if (left < 0 || sx < view.toScreenX(xs[left])) left = i;
        if (right < 0 || sx > view.toScreenX(xs[right])) right = i;
      }
      if (left < 0) continue;
      const ends = seats.length > 1 ? [[seats[0], seats[1]], [seats[seats.length - 1], seats[seats.length - 2]]] : [[seats[0], -1]];
      for (const [end, next] of ends) {
        let dx = next >= 0 ? xs[end] - xs[next] : -1;
        let dy = next >= 0 ? ys[end] - ys[next] : 0;
        const length = Math.hypot(dx, dy) || 1;
        dx /= length;
        dy /= length;
        const lx = xs[end] + dx * step;
        const ly = ys[end] + dy * step;
        const sx = view.toScreenX(lx);
        const sy = view.toScreenY(ly);
        if (inside(sx, sy)) {
          if (!occupied(lx, ly)) label(row.name, sx, sy, false);
          continue;
        }
        // Pinned at the edge the row runs past, beside its outermost seat in view.
        if (sx < area.x0) label(row.name, area.x0 + pad, view.toScreenY(ys[left]), true);
        else if (sx > area.x1) label(row.name, area.x1 - pad, view.toScreenY(ys[right]), true);
      }
    }
  }
  return drawn;
}
