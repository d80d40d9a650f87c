// What the seat map draws (components/SeatMap/*.ts) checked against a context that
// records its calls: warning marks carry a sign, labels appear only when close.
import { describe, expect, it } from 'vitest';
import { drawOverlay, drawStage } from '../../components/SeatMap/mapDecorations';
import { MapGeometry } from '../../components/SeatMap/mapGeometry';
import { drawRowLabels } from '../../components/SeatMap/mapLabels';
import type { Ctx2D, SeatVisual } from '../../components/SeatMap/seatGlyphs';
import { paintSeats } from '../../components/SeatMap/seatPainter';
import { ViewTransform } from '../../components/SeatMap/ViewTransform';
import { SeatIndex } from '../../lib/client/seatIndex';
import { eventOf } from '../support/seatMapEvents';

interface Call {
  name: string;
  args: unknown[];
}

/** A 2D context that records every method call and accepts any property. */
function recordingContext(widthPx = 800, heightPx = 600): { ctx: Ctx2D; calls: Call[] } {
  const calls: Call[] = [];
  const props: Record<string | symbol, unknown> = { canvas: { width: widthPx, height: heightPx } };
  const ctx = new Proxy(props, {
    get(target, key) {
      if (key in target) return target[key];
      if (key === 'measureText') return (text: string) => ({ width: text.length * 7 });
      return (...args: unknown[]) => calls.push({ name: String(key), args });
    },
    set(target, key, value) {
      target[key] = value;
      return true;
    },
  });
  return { ctx: ctx as unknown as Ctx2D, calls };
}

const texts = (calls: Call[]) => calls.filter((c) => c.name === 'fillText').map((c) => c.args[0] as string);

const index = new SeatIndex(
  eventOf('drawing', {
    categories: [{ id: 'std', name: 'Std', priceCents: 2000, color: '#2563eb' }],
    sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 4, seatsPerRow: 30, x: 0, y: 60, rowCategories: ['std'] }],
    stage: { x: 0, y: 0, width: 200, height: 30, label: 'STAGE' },
  }),
);
const seat = (row: string, n: string) => index.seats.findIndex((s) => s.row === row && s.number === n);
const viewAt = (radiusPx: number, offsetX = 20, offsetY = 20) => {
  const view = new ViewTransform();
  view.state = { scale: radiusPx / index.seatRadius, offsetX, offsetY };
  return view;
};

describe('warning marks', () => {
  it('draw a "!" sign and a dashed ring at each warned seat, however small the seats are', () => {
    for (const radiusPx of [1.5, 12]) {
      const view = viewAt(radiusPx);
      const { ctx, calls } = recordingContext();
      const i = seat('B', '5');
      drawOverlay(ctx, index, view, { hoverIndex: -1, focusIndex: -1, warnIndices: [i] });
      const bang = calls.find((c) => c.name === 'fillText' && c.args[0] === '!');
      expect(bang, `a sign at radius ${radiusPx}`).toBeDefined();
      const [x, y] = bang!.args.slice(1) as number[];
      expect(Math.hypot(x - view.toScreenX(index.xs[i]), y - view.toScreenY(index.ys[i]))).toBeLessThan(radiusPx + 25);
      expect(calls.some((c) => c.name === 'setLineDash' && (c.args[0] as number[]).length > 0)).toBe(true);
    }
  });

  it('nothing is marked without warnings', () => {
    const { ctx, calls } = recordingContext();
    expect(drawOverlay(ctx, index, viewAt(12), { hoverIndex: -1, focusIndex: -1, warnIndices: [] })).toEqual({ warnMarks: 0 });
    expect(texts(calls)).not.toContain('!');
  });

  it('count the warned seats in view (CSS px), for the map to report', () => {
    const view = viewAt(12);
    const near = seat('A', '2');
    const far = seat('D', '20'); // ~620 px from the left at this zoom: beyond a 300 px wide view
    expect(view.toScreenX(index.xs[far])).toBeGreaterThan(400);
    expect(view.toScreenX(index.xs[far])).toBeLessThan(780);
    const { ctx, calls } = recordingContext(1600, 1200); // a 2× canvas of an 800 × 600 view
    expect(drawOverlay(ctx, index, view, { hoverIndex: -1, focusIndex: -1, warnIndices: [near, far], widthPx: 300, heightPx: 600 })).toEqual({ warnMarks: 1 });
    expect(texts(calls).filter((t) => t === '!')).toHaveLength(1);
    expect(drawOverlay(recordingContext().ctx, index, view, { hoverIndex: -1, focusIndex: -1, warnIndices: [near, far] })).toEqual({ warnMarks: 2 });
  });
});

describe('the stage', () => {
  const stage = { x: 0, y: 0, width: 200, height: 100, label: 'STAGE' };
  const labelY = (offsetY: number) => {
    const view = new ViewTransform();
    view.state = { scale: 2, offsetX: 0, offsetY };
    const { ctx, calls } = recordingContext();
    drawStage(ctx, stage, view);
    return calls.find((c) => c.name === 'fillText' && c.args[0] === 'STAGE')?.args[2] as number | undefined;
  };

  it('carries its name in the middle while it is all in view', () => {
    expect(labelY(10)).toBe(110); // 10 + 200 / 2
  });

  it('keeps its name in the visible part when most of it lies above the view', () => {
    const y = labelY(-170)!; // the stage's bottom 30 px show
    expect(y).toBeGreaterThan(0);
    expect(y).toBeLessThan(30);
  });
});

describe('seat numbers and row letters', () => {
  const scene = (view: ViewTransform, visualOf: (i: number) => SeatVisual = () => 'available') => ({
    index,
    view,
    widthPx: 800,
    heightPx: 600,
    dpr: 1,
    visualOf,
    ga: new Uint8Array(index.count),
  });

  it('no numbers on the overview; numbers in available seats once they are 18 px wide', () => {
    const far = recordingContext();
    expect(paintSeats(far.ctx, scene(viewAt(3)), null).seatNumbers).toBe(0);
    expect(texts(far.calls)).toEqual([]);

    const near = recordingContext();
    const taken = seat('A', '3');
    const result = paintSeats(near.ctx, scene(viewAt(10), (i) => (i === taken ? 'held' : 'available')), null);
    expect(result.seatNumbers).toBeGreaterThan(0);
    expect(result.seatNumbers).toBe(result.seats - 1); // not on the held seat: its glyph says held
    expect(texts(near.calls)).toContain('5');
  });

  it('only what is in view is labelled', () => {
    const { ctx } = recordingContext();
    // Zoomed on the left part of the rows: the seats beyond the right edge get no numbers.
    const result = paintSeats(ctx, scene(viewAt(12)), null);
    expect(result.seats).toBeLessThan(index.count);
    expect(result.seatNumbers).toBe(result.seats);
  });

  it('row letters at both ends of rows in view, pinned to the edge where a row runs past it', () => {
    const geometry = new MapGeometry(index, viewAt(7), new Uint8Array(index.count));
    const whole = recordingContext();
    // The whole section in view. (drawRowLabels draws what it is asked to; the renderer asks from 12 px seats on.)
    const view = viewAt(2.5, 40, 20);
    expect(drawRowLabels(whole.ctx, index, view, { x0: 0, y0: 0, x1: 800, y1: 600 }, geometry.sectionBounds(), () => false)).toBe(8);
    expect(texts(whole.calls).sort()).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D']);

    // Zoomed on the middle of the rows: both ends are off screen, the letters sit at the edges on pills.
    const close = recordingContext(300, 600);
    const middle = viewAt(10, -400, 0);
    const drawn = drawRowLabels(close.ctx, index, middle, { x0: 0, y0: 0, x1: 300, y1: 600 }, geometry.sectionBounds(), () => false);
    expect(drawn).toBe(8);
    const xs = close.calls.filter((c) => c.name === 'fillText').map((c) => c.args[1] as number);
    expect(xs.filter((x) => x < 20)).toHaveLength(4); // the left ends, at the left edge
    expect(xs.filter((x) => x > 280)).toHaveLength(4); // the right ends, at the right edge
    expect(close.calls.filter((c) => c.name === 'roundRect')).toHaveLength(8);
  });
});
