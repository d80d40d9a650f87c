// How each seat status looks. Statuses differ by shape, not only colour:
//   available  filled circle in the category colour
//   selected   white circle, dark ring, check mark
//   mine       dark filled circle, bold outline, white centre dot
//   held       hollow grey circle with a diagonal slash
//   sold       small grey cross
// Seats are drawn in batches (one path per style) so 20k seats cost a few fills.
export type SeatVisual = 'available' | 'selected' | 'mine' | 'held' | 'sold';

/** The context every map layer draws with. */
export type Ctx2D = CanvasRenderingContext2D;

export const GLYPH_COLORS = {
  ink: '#111827',
  selectedFill: '#ffffff',
  mineFill: '#111827',
  mineDot: '#ffffff',
  heldStroke: '#8b94a3',
  heldFill: 'rgba(255,255,255,0.9)',
  soldStroke: '#b8bec8',
  soldTiny: '#e3e6ea',
  heldTiny: '#c4c9d1',
} as const;

const TAU = Math.PI * 2;

/** Below this radius in device pixels detail is invisible; draw plain squares instead. */
const TINY_RADIUS_DEVICE_PX = 4;

/** Whether seats of radius r (CSS px) are big enough for shapes at this pixel ratio. */
export function isTiny(radiusPx: number, dpr: number): boolean {
  return radiusPx * dpr < TINY_RADIUS_DEVICE_PX;
}

/** Extra pixels a glyph may paint beyond its radius (outlines), for clearing. */
export function glyphBleedPx(radiusPx: number): number {
  return Math.max(1.5, radiusPx * 0.2) + 1;
}

function circlesPath(ctx: Ctx2D, points: number[], r: number): void {
  ctx.beginPath();
  for (let k = 0; k < points.length; k += 2) {
    ctx.moveTo(points[k] + r, points[k + 1]);
    ctx.arc(points[k], points[k + 1], r, 0, TAU);
  }
}

function squares(ctx: Ctx2D, points: number[], r: number, color: string): void {
  const side = Math.max(1, r * 2);
  const half = side / 2;
  // One path and one fill: far cheaper than a fillRect call per seat.
  ctx.beginPath();
  for (let k = 0; k < points.length; k += 2) ctx.rect(points[k] - half, points[k + 1] - half, side, side);
  ctx.fillStyle = color;
  ctx.fill();
}

export function drawAvailable(ctx: Ctx2D, points: number[], r: number, tiny: boolean, color: string): void {
  if (points.length === 0) return;
  if (tiny) return squares(ctx, points, r, color);
  circlesPath(ctx, points, r);
  ctx.fillStyle = color;
  ctx.fill();
}

export function drawSelected(ctx: Ctx2D, points: number[], r: number, tiny: boolean): void {
  if (points.length === 0) return;
  if (tiny) return squares(ctx, points, r * 1.3, GLYPH_COLORS.ink);
  const ringWidth = Math.max(1.5, r * 0.28);
  circlesPath(ctx, points, r - ringWidth / 2);
  ctx.fillStyle = GLYPH_COLORS.selectedFill;
  ctx.fill();
  ctx.lineWidth = ringWidth;
  ctx.strokeStyle = GLYPH_COLORS.ink;
  ctx.stroke();
  ctx.beginPath();
  for (let k = 0; k < points.length; k += 2) {
    const x = points[k];
    const y = points[k + 1];
    ctx.moveTo(x - r * 0.42, y + r * 0.02);
    ctx.lineTo(x - r * 0.12, y + r * 0.32);
    ctx.lineTo(x + r * 0.44, y - r * 0.3);
  }
  ctx.lineWidth = Math.max(1.2, r * 0.2);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.stroke();
}

export function drawMine(ctx: Ctx2D, points: number[], r: number, tiny: boolean): void {
  if (points.length === 0) return;
  if (tiny) return squares(ctx, points, r * 1.3, GLYPH_COLORS.mineFill);
  circlesPath(ctx, points, r);
  ctx.fillStyle = GLYPH_COLORS.mineFill;
  ctx.fill();
  ctx.lineWidth = Math.max(1.5, r * 0.3);
  ctx.strokeStyle = GLYPH_COLORS.ink;
  ctx.stroke();
  circlesPath(ctx, points, Math.max(0.8, r * 0.32));
  ctx.fillStyle = GLYPH_COLORS.mineDot;
  ctx.fill();
}

export function drawHeld(ctx: Ctx2D, points: number[], r: number, tiny: boolean): void {
  if (points.length === 0) return;
  if (tiny) return squares(ctx, points, r, GLYPH_COLORS.heldTiny);
  const lineWidth = Math.max(1, r * 0.18);
  const ringR = r - lineWidth / 2;
  circlesPath(ctx, points, ringR);
  ctx.fillStyle = GLYPH_COLORS.heldFill;
  ctx.fill();
  ctx.lineWidth = lineWidth;
  ctx.strokeStyle = GLYPH_COLORS.heldStroke;
  ctx.stroke();
  ctx.beginPath();
  const d = ringR * 0.7071;
  for (let k = 0; k < points.length; k += 2) {
    ctx.moveTo(points[k] - d, points[k + 1] + d);
    ctx.lineTo(points[k] + d, points[k + 1] - d);
  }
  ctx.lineCap = 'butt';
  ctx.stroke();
}

export function drawSold(ctx: Ctx2D, points: number[], r: number, tiny: boolean): void {
  if (points.length === 0) return;
  if (tiny) return squares(ctx, points, r * 0.8, GLYPH_COLORS.soldTiny);
  const arm = r * 0.45;
  ctx.beginPath();
  for (let k = 0; k < points.length; k += 2) {
    const x = points[k];
    const y = points[k + 1];
    ctx.moveTo(x - arm, y - arm);
    ctx.lineTo(x + arm, y + arm);
    ctx.moveTo(x + arm, y - arm);
    ctx.lineTo(x - arm, y + arm);
  }
  ctx.lineWidth = Math.max(1, r * 0.2);
  ctx.lineCap = 'round';
  ctx.strokeStyle = GLYPH_COLORS.soldStroke;
  ctx.stroke();
}
