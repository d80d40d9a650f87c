// Non-seat drawing: the stage, section labels, hover and keyboard-focus rings.
import type { EventDetail } from '../../lib/protocol';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { ViewTransform } from './ViewTransform';

const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function roundedRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  const radius = Math.max(0, Math.min(r, w / 2, h / 2));
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, radius);
}

export function drawStage(ctx: CanvasRenderingContext2D, stage: EventDetail['stage'], view: ViewTransform): void {
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
  ctx.fillText(stage.label, x + w / 2, y + h / 2);
  ctx.letterSpacing = '0px';
}

function drawSectionLabels(ctx: CanvasRenderingContext2D, index: SeatIndex, view: ViewTransform): void {
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

function ring(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string, width: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  index: SeatIndex,
  view: ViewTransform,
  hoverIndex: number,
  focusIndex: number,
): void {
  drawSectionLabels(ctx, index, view);
  const r = Math.max(4, index.seatRadius * view.scale);
  if (hoverIndex >= 0 && hoverIndex !== focusIndex) {
    const x = view.toScreenX(index.xs[hoverIndex]);
    const y = view.toScreenY(index.ys[hoverIndex]);
    ring(ctx, x, y, r + 3, 'rgba(255,255,255,0.95)', 4);
    ring(ctx, x, y, r + 3, '#111827', 2);
  }
  if (focusIndex >= 0) {
    const x = view.toScreenX(index.xs[focusIndex]);
    const y = view.toScreenY(index.ys[focusIndex]);
    ring(ctx, x, y, r + 4, '#ffffff', 6);
    ring(ctx, x, y, r + 4, '#1d4ed8', 3);
  }
}
