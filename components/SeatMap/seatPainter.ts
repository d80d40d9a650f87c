// Paints seats on the seats layer: every seat in view (or just some), batched by
// style so 20k seats cost a few fills, plus seat numbers when zoomed in far enough
// to read them (mapLabels.ts; row letters are on the overlay).
import type { SeatIndex } from '../../lib/client/seatIndex';
import { drawSeatNumbers, labelLevel } from './mapLabels';
import { drawAvailable, drawHeld, drawMine, drawSelected, drawSold, glyphBleedPx, isTiny, type Ctx2D, type SeatVisual } from './seatGlyphs';
import { exposedStrips, type ScreenRect, type ViewTransform } from './ViewTransform';

export interface SeatPaintScene {
  index: SeatIndex;
  view: ViewTransform;
  widthPx: number;
  heightPx: number;
  dpr: number;
  visualOf(i: number): SeatVisual;
  /** 1 for places of general-admission areas: drawn as their area, not as seats. */
  ga: Uint8Array;
}

/** What a paint put on screen (for the page's data attributes and the tests). */
export interface SeatPaintResult {
  seats: number;
  seatNumbers: number;
}

/** Paints `only` (or every seat when null) that intersects `area` (default: the viewport). */
export function paintSeats(ctx: Ctx2D, scene: SeatPaintScene, only: readonly number[] | null, area?: ScreenRect): SeatPaintResult {
  const { index, view, ga } = scene;
  const { xs, ys, categoryOf, categoryColors } = index;
  const { scale, offsetX, offsetY } = view;
  const r = index.seatRadius * scale;
  const level = labelLevel(r);
  const numbers = level === 'rows+numbers';
  const byCategory: number[][] = categoryColors.map(() => []);
  const numbered: number[][] = categoryColors.map(() => []);
  const selected: number[] = [];
  const mine: number[] = [];
  const held: number[] = [];
  const sold: number[] = [];
  const pad = r + glyphBleedPx(r);
  const bounds: ScreenRect = area ?? { x0: 0, y0: 0, x1: scene.widthPx, y1: scene.heightPx };
  const minX = bounds.x0 - pad;
  const minY = bounds.y0 - pad;
  const maxX = bounds.x1 + pad;
  const maxY = bounds.y1 + pad;
  const total = only ? only.length : index.count;
  let painted = 0;
  for (let k = 0; k < total; k++) {
    const i = only ? only[k] : k;
    if (ga[i]) continue;
    const x = xs[i] * scale + offsetX;
    if (x < minX || x > maxX) continue;
    const y = ys[i] * scale + offsetY;
    if (y < minY || y > maxY) continue;
    painted++;
    const visual = scene.visualOf(i);
    switch (visual) {
      case 'available': {
        const c = categoryOf[i] < byCategory.length ? categoryOf[i] : 0;
        byCategory[c].push(x, y);
        if (numbers) numbered[c].push(i);
        break;
      }
      case 'selected':
        selected.push(x, y);
        break;
      case 'mine':
        mine.push(x, y);
        break;
      case 'held':
        held.push(x, y);
        break;
      case 'sold':
        sold.push(x, y);
        break;
      default: {
        const _exhaustive: never = visual;
        throw new Error(`unknown seat visual ${String(_exhaustive)}`);
      }
    }
  }
  const tiny = isTiny(r, scene.dpr);
  byCategory.forEach((points, c) => drawAvailable(ctx, points, r, tiny, categoryColors[c]));
  drawSold(ctx, sold, r, tiny);
  drawHeld(ctx, held, r, tiny);
  drawSelected(ctx, selected, r, tiny);
  drawMine(ctx, mine, r, tiny);
  let seatNumbers = 0;
  if (numbers) {
    numbered.forEach((indices, c) => {
      drawSeatNumbers(ctx, index, indices, byCategory[c], r, categoryColors[c]);
      seatNumbers += indices.length;
    });
  }
  return { seats: painted, seatNumbers };
}

/** Clears and repaints just these seats (a status or selection change), clipped to their circles. */
export function repaintSeats(ctx: Ctx2D, scene: SeatPaintScene, indices: readonly number[]): void {
  const { index, view, widthPx, heightPx } = scene;
  const r = index.seatRadius * view.scale;
  const clearR = r + glyphBleedPx(r);
  const visible: number[] = [];
  ctx.save();
  ctx.beginPath();
  for (const i of indices) {
    const x = view.toScreenX(index.xs[i]);
    const y = view.toScreenY(index.ys[i]);
    if (x < -clearR || y < -clearR || x > widthPx + clearR || y > heightPx + clearR) continue;
    visible.push(i);
    ctx.moveTo(x + clearR, y);
    ctx.arc(x, y, clearR, 0, Math.PI * 2);
  }
  ctx.clip();
  ctx.clearRect(0, 0, widthPx, heightPx);
  if (visible.length > 0) paintSeats(ctx, scene, visible);
  ctx.restore();
}

/**
 * Drag-panning: shifts the painted seats layer by whole device pixels and paints only
 * the strips that scrolled into view, instead of redrawing 20k seats. The view has
 * already moved by (dxDevice, dyDevice) / dpr; `ctx` is set up for CSS pixels.
 */
export function shiftSeatLayer(ctx: Ctx2D, canvas: HTMLCanvasElement, scene: SeatPaintScene, dxDevice: number, dyDevice: number): void {
  const { dpr, widthPx, heightPx } = scene;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalCompositeOperation = 'copy';
  ctx.drawImage(canvas, dxDevice, dyDevice);
  ctx.restore();
  for (const strip of exposedStrips(dxDevice / dpr, dyDevice / dpr, widthPx, heightPx)) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(strip.x0, strip.y0, strip.x1 - strip.x0, strip.y1 - strip.y0);
    ctx.clip();
    ctx.clearRect(strip.x0, strip.y0, strip.x1 - strip.x0, strip.y1 - strip.y0);
    paintSeats(ctx, scene, null, strip);
    ctx.restore();
  }
}
