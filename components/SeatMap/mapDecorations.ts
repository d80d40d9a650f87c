// Non-seat drawing: the stage, section labels, hover and keyboard-focus rings,
// and warning marks on seats.
import type { EventDetail } from '../../lib/protocol';
import type { GaAreaGroup, SeatIndex } from '../../lib/client/seatIndex';
import type { Ctx2D } from './seatGlyphs';
import type { ViewTransform } from './ViewTransform';

const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function roundedRect(ctx: Ctx2D, x: number, y: number, w: number, h: number, r: number): void {
  const radius = Math.max(0, Math.min(r, w / 2, h / 2));
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, radius);
}

export function drawStage(ctx: Ctx2D, stage: EventDetail['stage'], view: ViewTransform): void {
  const x = view.toScreenX(stage.x);
  const y = view.toScreenY(stage.y);
  const w = stage.width * view.scale;
  const h = stage.height * view.scale;
  roundedRect(ctx, x, y, w, h, Math.min(10, h / 3));
  ctx.fillStyle = '#334155';
  ctx.fill();
  const fontPx = Math.max(9, Math.min(18, h * 0.38));
  if (h < 10 || w < fontPx * 4) return;
  ctx.font = `600 ${fontPx}px ${FONT_STACK}`;
  ctx.letterSpacing = `${Math.round(fontPx * 0.25)}px`;
  ctx.fillStyle = '#f8fafc';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // Zoomed in near the stage, most of it lies above the view: keep the word in its visible part.
  const labelY = Math.min(y + h - fontPx * 0.9, Math.max(y + h / 2, fontPx * 1.2));
  ctx.fillText(stage.label, x + w / 2, labelY);
  ctx.letterSpacing = '0px';
}

export interface GaAreaState {
  area: GaAreaGroup;
  left: number;
  mine: number;
}

/** General-admission areas: a rounded rectangle with the name and live "N of M left". */
export function drawGaAreas(ctx: Ctx2D, index: SeatIndex, areas: GaAreaState[], view: ViewTransform): void {
  for (const { area, left, mine } of areas) {
    const x = view.toScreenX(area.area.x);
    const y = view.toScreenY(area.area.y);
    const w = area.area.width * view.scale;
    const h = area.area.height * view.scale;
    const color = index.categoryColors[area.categoryIndex] ?? '#64748b';
    const full = left === 0;
    roundedRect(ctx, x, y, w, h, Math.min(12, h / 4));
    ctx.globalAlpha = full ? 1 : 0.2;
    ctx.fillStyle = full ? '#eef0f3' : color;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2;
    ctx.setLineDash(full ? [5, 4] : []);
    ctx.strokeStyle = full ? '#b8bec8' : color;
    ctx.stroke();
    ctx.setLineDash([]);

    const fontPx = Math.max(9, Math.min(16, h * 0.2));
    if (h < fontPx * 2.6 || w < fontPx * 5) continue;
    const lines = [area.name, full ? 'Full' : `${left} of ${area.seatIndices.length} left`];
    if (mine > 0 && h > fontPx * 4) lines.push(`${mine} held by you`);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const top = y + h / 2 - ((lines.length - 1) * fontPx * 1.3) / 2;
    lines.forEach((text, k) => {
      ctx.font = `${k === 0 ? 700 : 500} ${k === 0 ? fontPx : fontPx * 0.9}px ${FONT_STACK}`;
      ctx.fillStyle = full ? '#6b7280' : '#1f2937';
      ctx.fillText(text, x + w / 2, top + k * fontPx * 1.3, w - 8);
    });
  }
}

function areaRing(ctx: Ctx2D, area: GaAreaGroup, view: ViewTransform, color: string, width: number): void {
  const pad = 4;
  const w = area.area.width * view.scale;
  const h = area.area.height * view.scale;
  roundedRect(ctx, view.toScreenX(area.area.x) - pad, view.toScreenY(area.area.y) - pad, w + pad * 2, h + pad * 2, Math.min(14, h / 4 + pad));
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

function drawSectionLabels(ctx: Ctx2D, index: SeatIndex, view: ViewTransform): void {
  const radiusPx = index.seatRadius * view.scale;
  const fontPx = Math.max(10, Math.min(15, radiusPx * 2.6));
  ctx.font = `600 ${fontPx}px ${FONT_STACK}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3.5;
  ctx.strokeStyle = 'rgba(255,255,255,0.92)';
  ctx.fillStyle = '#1f2937';
  // Greedy placement: a label that would overlap one already drawn is skipped
  // (it appears once the buyer zooms in and there is room).
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  for (const section of index.sections) {
    const x = view.toScreenX(section.labelX);
    const y = view.toScreenY(section.labelY);
    // Zoomed far out, long names crowd the map; show the short form ("101" for "Section 101").
    const text = radiusPx < 3 ? section.name.replace(/^section\s+/i, '') : section.name;
    const halfWidth = ctx.measureText(text).width / 2 + 3;
    const box = { x0: x - halfWidth, y0: y - fontPx * 0.6, x1: x + halfWidth, y1: y + fontPx * 0.6 };
    if (placed.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0)) continue;
    placed.push(box);
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  }
}

function ring(ctx: Ctx2D, x: number, y: number, r: number, color: string, width: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

/**
 * Marks seats the page warns about (e.g. one a hold would leave stranded): a dashed ring
 * and a "!" in a triangle at the seat's upper right, large enough to see on the overview.
 * Shape and sign, not colour alone, carry the meaning.
 */
function drawWarnMarks(ctx: Ctx2D, index: SeatIndex, view: ViewTransform, indices: readonly number[], width: number, height: number): number {
  const r = Math.max(3, index.seatRadius * view.scale);
  const side = Math.max(12, Math.min(20, r * 1.2));
  let inView = 0;
  for (const i of indices) {
    const x = view.toScreenX(index.xs[i]);
    const y = view.toScreenY(index.ys[i]);
    if (x < -side * 2 || y < -side * 2 || x > width + side * 2 || y > height + side * 2) continue;
    if (x >= 0 && y >= 0 && x <= width && y <= height) inView++;
    ring(ctx, x, y, r + 3, 'rgba(255,255,255,0.95)', 4);
    ctx.setLineDash([3, 2]);
    ring(ctx, x, y, r + 3, '#b45309', 2);
    ctx.setLineDash([]);
    const cx = x + r * 0.75 + side * 0.2;
    const cy = y - r * 0.75 - side * 0.2;
    ctx.beginPath();
    ctx.moveTo(cx, cy - side * 0.55);
    ctx.lineTo(cx + side * 0.55, cy + side * 0.42);
    ctx.lineTo(cx - side * 0.55, cy + side * 0.42);
    ctx.closePath();
    ctx.fillStyle = '#fbbf24';
    ctx.fill();
    ctx.lineJoin = 'round';
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#111827';
    ctx.stroke();
    ctx.font = `800 ${(side * 0.62).toFixed(1)}px ${FONT_STACK}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#111827';
    ctx.fillText('!', cx, cy + side * 0.1);
  }
  return inView;
}

export interface OverlayMarks {
  hoverIndex: number;
  focusIndex: number;
  warnIndices: readonly number[];
  /** The view's size, CSS px (default: the canvas's size in its own pixels). */
  widthPx?: number;
  heightPx?: number;
}

/** Draws the overlay; returns how many warned seats are in view (their marks drawn). */
export function drawOverlay(ctx: Ctx2D, index: SeatIndex, view: ViewTransform, marks: OverlayMarks): { warnMarks: number } {
  const { hoverIndex, focusIndex } = marks;
  drawSectionLabels(ctx, index, view);
  const warnMarks = drawWarnMarks(ctx, index, view, marks.warnIndices, marks.widthPx ?? ctx.canvas.width, marks.heightPx ?? ctx.canvas.height);
  const r = Math.max(4, index.seatRadius * view.scale);
  const hoverArea = hoverIndex >= 0 ? index.gaAreaOf(hoverIndex) : undefined;
  const focusArea = focusIndex >= 0 ? index.gaAreaOf(focusIndex) : undefined;
  if (hoverArea && hoverIndex !== focusIndex) areaRing(ctx, hoverArea, view, '#111827', 2);
  if (focusArea) {
    areaRing(ctx, focusArea, view, '#ffffff', 6);
    areaRing(ctx, focusArea, view, '#1d4ed8', 3);
  }
  if (hoverIndex >= 0 && hoverIndex !== focusIndex && !hoverArea) {
    const x = view.toScreenX(index.xs[hoverIndex]);
    const y = view.toScreenY(index.ys[hoverIndex]);
    ring(ctx, x, y, r + 3, 'rgba(255,255,255,0.95)', 4);
    ring(ctx, x, y, r + 3, '#111827', 2);
  }
  if (focusIndex >= 0 && !focusArea) {
    const x = view.toScreenX(index.xs[focusIndex]);
    const y = view.toScreenY(index.ys[focusIndex]);
    ring(ctx, x, y, r + 4, '#ffffff', 6);
    ring(ctx, x, y, r + 4, '#1d4ed8', 3);
  }
  return { warnMarks };
}
