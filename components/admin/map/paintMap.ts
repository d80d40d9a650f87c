// Canvas drawing for the organizer's maps (builder preview and live view).
// Seats are grouped by look and drawn one path per group, so large venues
// cost a handful of fills. Every look differs by shape as well as colour.
import type { SectionView } from '../../../lib/protocol';

export interface MapLayout {
  seats: readonly { id: string; x: number; y: number; category: string; gaArea?: string; accessible?: 'wheelchair' | 'companion' }[];
  sections: readonly SectionView[];
  stage: { x: number; y: number; width: number; height: number; label: string };
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** How one seat looks. Seats with equal `key`s are drawn together. */
export interface SeatPaint {
  key: string;
  fill: string | null;
  stroke?: string;
  shape?: 'circle' | 'square';
  mark?: 'cross' | 'dot' | 'slash' | 'none';
  markColor?: string;
  dashed?: boolean;
}

export interface View {
  scale: number;
  ox: number;
  oy: number;
}

export const STATUS_COLORS = {
  held: '#f59e0b',
  heldInk: '#92400e',
  sold: '#94a3b8',
  blocked: '#1f2937',
  ghost: '#94a3b8',
  selected: '#1d4ed8',
};

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
const TAU = Math.PI * 2;

/** Typical distance between neighbouring seats (layout units), from a sample. */
export function seatSpacing(seats: MapLayout['seats']): number {
  const n = seats.length;
  if (n < 2) return 10;
  const step = Math.max(1, Math.floor(n / 160));
  const found: number[] = [];
  for (let i = 0; i < n; i += step) {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = Math.hypot(seats[i].x - seats[j].x, seats[i].y - seats[j].y);
      if (d > 0 && d < best) best = d;
    }
    if (best < Infinity) found.push(best);
  }
  found.sort((a, b) => a - b);
  return found[Math.floor(found.length / 2)] ?? 10;
}

export function contentRect(layout: MapLayout, radius: number) {
  const { bounds: b, stage: s } = layout;
  const r = radius;
  const finite = Number.isFinite(b.minX);
  return {
    minX: Math.min(finite ? b.minX - r : s.x, s.x),
    minY: Math.min(finite ? b.minY - r : s.y, s.y),
    maxX: Math.max(finite ? b.maxX + r : s.x + s.width, s.x + s.width),
    maxY: Math.max(finite ? b.maxY + r : s.y + s.height, s.y + s.height),
  };
}

/** Fits the venue into the box; small venues stop growing once seats are `maxSeatPx` in radius. */
export function fitView(layout: MapLayout, radius: number, width: number, height: number, pad = 24, maxSeatPx = 9): View {
  const rect = contentRect(layout, radius);
  const w = Math.max(rect.maxX - rect.minX, 1);
  const h = Math.max(rect.maxY - rect.minY, 1);
  const scale = Math.max(0.01, Math.min((width - pad * 2) / w, (height - pad * 2) / h, maxSeatPx / Math.max(radius, 0.01)));
  return { scale, ox: (width - w * scale) / 2 - rect.minX * scale, oy: (height - h * scale) / 2 - rect.minY * scale };
}

function shapePath(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, shape: SeatPaint['shape']) {
  if (shape === 'square') {
    ctx.moveTo(x - r, y - r);
    ctx.rect(x - r, y - r, r * 2, r * 2);
  } else {
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, TAU);
  }
}

const gaSpacingCache = new WeakMap<MapLayout, Map<string, number>>();

/** General-admission places sit on a dense grid: their spacing, per area id (layout units). */
function gaSpacing(layout: MapLayout): Map<string, number> {
  let cached = gaSpacingCache.get(layout);
  if (cached) return cached;
  const counts = new Map<string, number>();
  for (const seat of layout.seats) if (seat.gaArea) counts.set(seat.gaArea, (counts.get(seat.gaArea) ?? 0) + 1);
  cached = new Map();
  for (const section of layout.sections) {
    const n = counts.get(section.id);
    if (section.area && n) cached.set(section.id, Math.sqrt((section.area.width * section.area.height) / n));
  }
  gaSpacingCache.set(layout, cached);
  return cached;
}

export interface DrawInput {
  layout: MapLayout;
  view: View;
  width: number;
  height: number;
  radius: number;
  paintOf(i: number): SeatPaint;
  selected: ReadonlySet<string>;
}

export function drawMap(ctx: CanvasRenderingContext2D, input: DrawInput): void {
  const { layout, view, width, height, paintOf, selected } = input;
  const sx = (x: number) => x * view.scale + view.ox;
  const sy = (y: number) => y * view.scale + view.oy;
  ctx.clearRect(0, 0, width, height);

  // Stage and general-admission areas.
  const st = layout.stage;
  if (st.width > 0 && st.height > 0) {
    ctx.beginPath();
    ctx.roundRect(sx(st.x), sy(st.y), st.width * view.scale, st.height * view.scale, Math.min(8, (st.height * view.scale) / 3));
    ctx.fillStyle = '#334155';
    ctx.fill();
    const fontPx = Math.max(9, Math.min(16, st.height * view.scale * 0.4));
    if (st.height * view.scale > 12) {
      ctx.font = `600 ${fontPx}px ${FONT}`;
      ctx.fillStyle = '#f8fafc';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(st.label, sx(st.x + st.width / 2), sy(st.y + st.height / 2));
    }
  }
  for (const section of layout.sections) {
    if (!section.area) continue;
    const a = section.area;
    ctx.beginPath();
    ctx.roundRect(sx(a.x), sy(a.y), a.width * view.scale, a.height * view.scale, 6);
    ctx.fillStyle = 'rgba(100,116,139,0.08)';
    ctx.fill();
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = '#94a3b8';
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // Seats, grouped by look.
  const r = Math.max(1, input.radius * view.scale);
  const ga = gaSpacing(layout);
  const groups = new Map<string, { paint: SeatPaint; points: number[]; r: number }>();
  layout.seats.forEach((seat, i) => {
    const x = sx(seat.x);
    const y = sy(seat.y);
    if (x < -r || y < -r || x > width + r || y > height + r) return;
    const paint = paintOf(i);
    const spacing = seat.gaArea ? ga.get(seat.gaArea) : undefined;
    const seatR = spacing ? Math.max(0.8, Math.min(r, spacing * 0.36 * view.scale)) : r;
    const key = seatR === r ? paint.key : `${paint.key}|ga${seatR.toFixed(1)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { paint, points: [], r: seatR }));
    group.points.push(x, y);
  });
  for (const { paint, points, r: groupR } of groups.values()) {
    const r = groupR;
    const rr = paint.shape === 'square' ? r * 0.88 : r;
    ctx.beginPath();
    for (let k = 0; k < points.length; k += 2) shapePath(ctx, points[k], points[k + 1], rr, paint.shape);
    if (paint.fill) {
      ctx.fillStyle = paint.fill;
      ctx.fill();
    }
    if (paint.stroke) {
      ctx.setLineDash(paint.dashed && r > 3 ? [2, 2] : []);
      ctx.lineWidth = Math.max(1, r * 0.18);
      ctx.strokeStyle = paint.stroke;
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (paint.mark && paint.mark !== 'none' && r >= 3) {
      const arm = r * 0.45;
      ctx.beginPath();
      for (let k = 0; k < points.length; k += 2) {
        const x = points[k];
        const y = points[k + 1];
        if (paint.mark === 'dot') {
          ctx.moveTo(x + r * 0.34, y);
          ctx.arc(x, y, r * 0.34, 0, TAU);
        } else if (paint.mark === 'slash') {
          ctx.moveTo(x - arm, y + arm);
          ctx.lineTo(x + arm, y - arm);
        } else {
          ctx.moveTo(x - arm, y - arm);
          ctx.lineTo(x + arm, y + arm);
          ctx.moveTo(x + arm, y - arm);
          ctx.lineTo(x - arm, y + arm);
        }
      }
      if (paint.mark === 'dot') {
        ctx.fillStyle = paint.markColor ?? '#fff';
        ctx.fill();
      } else {
        ctx.lineWidth = Math.max(1.2, r * 0.22);
        ctx.lineCap = 'round';
        ctx.strokeStyle = paint.markColor ?? '#fff';
        ctx.stroke();
      }
    }
  }

  // Selection and hover rings.
  if (selected.size > 0) {
    ctx.beginPath();
    layout.seats.forEach((seat) => {
      if (!selected.has(seat.id)) return;
      const x = sx(seat.x);
      const y = sy(seat.y);
      ctx.moveTo(x + r + 2.5, y);
      ctx.arc(x, y, r + 2.5, 0, TAU);
    });
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = STATUS_COLORS.selected;
    ctx.stroke();
  }

  // Section labels (skipped when they would overlap).
  const fontPx = Math.max(10, Math.min(14, r * 2.4));
  ctx.font = `600 ${fontPx}px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3;
  const placed: number[][] = [];
  for (const section of layout.sections) {
    const x = sx(section.labelX);
    const y = sy(section.labelY);
    const half = ctx.measureText(section.name).width / 2 + 3;
    const box = [x - half, y - fontPx * 0.6, x + half, y + fontPx * 0.6];
    if (placed.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue;
    placed.push(box);
    ctx.strokeStyle = 'rgba(255,255,255,0.92)';
    ctx.strokeText(section.name, x, y);
    ctx.fillStyle = '#1f2937';
    ctx.fillText(section.name, x, y);
  }
}

/** The light top layer: hover ring and the selection box, redrawn without touching the seats. */
export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  input: { layout: MapLayout; view: View; width: number; height: number; radius: number; hover: number; box: { x0: number; y0: number; x1: number; y1: number } | null },
): void {
  const { layout, view, hover, box } = input;
  ctx.clearRect(0, 0, input.width, input.height);
  const seat = hover >= 0 ? layout.seats[hover] : undefined;
  if (seat) {
    const r = Math.max(1, input.radius * view.scale);
    ctx.beginPath();
    ctx.arc(seat.x * view.scale + view.ox, seat.y * view.scale + view.oy, r + 3, 0, TAU);
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#111827';
    ctx.stroke();
  }
  if (box) {
    ctx.beginPath();
    ctx.rect(Math.min(box.x0, box.x1), Math.min(box.y0, box.y1), Math.abs(box.x1 - box.x0), Math.abs(box.y1 - box.y0));
    ctx.fillStyle = 'rgba(29,78,216,0.08)';
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = STATUS_COLORS.selected;
    ctx.stroke();
  }
}

/** Index of the seat nearest to the screen point within reach, or -1. */
export function hitTest(layout: MapLayout, view: View, radius: number, px: number, py: number): number {
  const lx = (px - view.ox) / view.scale;
  const ly = (py - view.oy) / view.scale;
  const reach = Math.max(radius * 1.3, 7 / view.scale);
  let best = -1;
  let bestD = reach * reach;
  layout.seats.forEach((s, i) => {
    const d = (s.x - lx) ** 2 + (s.y - ly) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
