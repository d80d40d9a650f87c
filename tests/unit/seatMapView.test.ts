// The seat map's view math (components/SeatMap/ViewTransform.ts, mapZoom.ts) and
// what a tap means at a zoom (mapGeometry.ts): pure functions, no canvas.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentRectOf, MapGeometry } from '../../components/SeatMap/mapGeometry';
import { ROW_LABEL_MIN_RADIUS_PX } from '../../components/SeatMap/mapLabels';
import { FOCUS_MAX_SEAT_RADIUS_PX, focusTarget, MIN_SEAT_DIAMETER_PX, pickableScale, sectionZoomTarget, seatsPickable, seatsShown, type Viewport } from '../../components/SeatMap/mapZoom';
import { boundsOf, interpolateView, viewCentredOn, viewFitting, ViewTransform, type LayoutRect, type ViewState } from '../../components/SeatMap/ViewTransform';
import { arenaIndex, seatAt, theatreIndex } from '../support/seatMapEvents';

const toScreen = (v: ViewState, x: number, y: number) => ({ x: x * v.scale + v.offsetX, y: y * v.scale + v.offsetY });
const viewport: Viewport = { widthPx: 1000, heightPx: 600, minScale: 0.5, maxScale: 20 };

/** Whether the rect lies inside the viewport at view v, with margin px to spare. */
function shows(v: ViewState, rect: LayoutRect, vp: Viewport, margin = 0): boolean {
  const a = toScreen(v, rect.minX, rect.minY);
  const b = toScreen(v, rect.maxX, rect.maxY);
  return a.x >= margin - 1e-6 && a.y >= margin - 1e-6 && b.x <= vp.widthPx - margin + 1e-6 && b.y <= vp.heightPx - margin + 1e-6;
}

describe('viewFitting', () => {
  it('centres a rect and makes it as large as fits inside the padding', () => {
    const v = viewFitting({ minX: 0, minY: 0, maxX: 100, maxY: 50 }, 1000, 600, 20);
    expect(v.scale).toBeCloseTo(9.6); // width-bound: (1000 - 40) / 100
    const centre = toScreen(v, 50, 25);
    expect(centre.x).toBeCloseTo(500);
    expect(centre.y).toBeCloseTo(300);
  });

  it('clamps to the scale limits; a single point gets the maximum', () => {
    expect(viewFitting({ minX: 5, minY: 5, maxX: 5, maxY: 5 }, 1000, 600, 20, 0.1, 12).scale).toBe(12);
    expect(viewFitting({ minX: 0, minY: 0, maxX: 1e6, maxY: 1 }, 1000, 600, 20, 0.1, 12).scale).toBe(0.1);
  });

  it('ViewTransform.fit uses it', () => {
    const view = new ViewTransform();
    const rect = { minX: -10, minY: 20, maxX: 30, maxY: 40 };
    view.fit(rect, 400, 300, 10);
    expect(view.state).toEqual(viewFitting(rect, 400, 300, 10));
  });
});

describe('interpolateView', () => {
  const from: ViewState = { scale: 1, offsetX: 0, offsetY: 0 };
  const to: ViewState = viewFitting({ minX: 400, minY: 200, maxX: 440, maxY: 220 }, 1000, 600, 20);

  it('starts at `from` and ends exactly at `to`', () => {
    expect(interpolateView(from, to, 0, 1000, 600)).toEqual(from);
    expect(interpolateView(from, to, 1, 1000, 600)).toEqual(to);
  });

  it('changes the scale geometrically: halfway is the geometric mean', () => {
    expect(interpolateView(from, to, 0.5, 1000, 600).scale).toBeCloseTo(Math.sqrt(from.scale * to.scale));
  });

  it('moves the viewport centre in a straight line', () => {
    const centre = (v: ViewState) => ({ x: (500 - v.offsetX) / v.scale, y: (300 - v.offsetY) / v.scale });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (t) => {
        const c = centre(interpolateView(from, to, t, 1000, 600));
        const a = centre(from);
        const b = centre(to);
        expect(c.x).toBeCloseTo(a.x + (b.x - a.x) * t, 6);
        expect(c.y).toBeCloseTo(a.y + (b.y - a.y) * t, 6);
      }),
    );
  });
});

describe('when seats can be picked', () => {
  it('touch needs 14 px seats, a mouse 8 px', () => {
    expect(MIN_SEAT_DIAMETER_PX).toEqual({ touch: 14, mouse: 8 });
    const radius = 3.5; // layout units
    expect(pickableScale(radius, 'touch') * radius * 2).toBeCloseTo(14);
    expect(seatsPickable(2, radius, 'touch')).toBe(true); // 14 px
    expect(seatsPickable(1.99, radius, 'touch')).toBe(false);
    expect(seatsPickable(1.99, radius, 'mouse')).toBe(true); // 13.9 px
    expect(seatsPickable(1.1, radius, 'mouse')).toBe(false); // 7.7 px
  });

  it('on the overview: arena seats are too small for any pointer; theatre seats suit a mouse on a desktop, not a finger', () => {
    const overview = (index: ReturnType<typeof arenaIndex>, widthPx: number, heightPx: number) =>
      viewFitting(contentRectOf(index), widthPx, heightPx, 20).scale;
    const arena = arenaIndex();
    const theatre = theatreIndex();
    for (const [w, h] of [[1280, 612], [358, 400]]) {
      expect(seatsPickable(overview(arena, w, h), arena.seatRadius, 'mouse')).toBe(false);
      expect(seatsPickable(overview(arena, w, h), arena.seatRadius, 'touch')).toBe(false);
    }
    expect(seatsPickable(overview(theatre, 1280, 612), theatre.seatRadius, 'mouse')).toBe(true);
    expect(seatsPickable(overview(theatre, 1280, 612), theatre.seatRadius, 'touch')).toBe(false);
    expect(seatsPickable(overview(theatre, 358, 400), theatre.seatRadius, 'touch')).toBe(false);
  });
});

describe('sectionZoomTarget', () => {
  const radius = 3.5;

  it('shows a small section whole, with seats large enough to tap', () => {
    const section = { minX: 100, minY: 100, maxX: 200, maxY: 150 };
    const v = sectionZoomTarget(section, { x: 120, y: 120 }, radius, 'touch', viewport);
    expect(shows(v, section, viewport)).toBe(true);
    expect(seatsPickable(v.scale, radius, 'touch')).toBe(true);
  });

  it('zooms a large section only as far as needed, centred on the tap and kept inside the section', () => {
    const section = { minX: 0, minY: 0, maxX: 1000, maxY: 400 };
    const tap = { x: 990, y: 200 }; // near the section's right edge
    const v = sectionZoomTarget(section, tap, radius, 'touch', viewport);
    expect(seatsPickable(v.scale, radius, 'touch')).toBe(true);
    expect(v.scale).toBeLessThan(pickableScale(radius, 'touch') * 1.5);
    // The right edge of the section is in view (not empty space beyond it), and the tapped point too.
    const edge = toScreen(v, section.maxX, 200);
    expect(edge.x).toBeLessThanOrEqual(viewport.widthPx);
    expect(edge.x).toBeGreaterThan(viewport.widthPx * 0.9);
    const at = toScreen(v, tap.x, tap.y);
    expect(at.x).toBeGreaterThan(0);
    expect(at.x).toBeLessThan(viewport.widthPx);
  });

  it('never goes past the maximum zoom', () => {
    const v = sectionZoomTarget({ minX: 0, minY: 0, maxX: 1, maxY: 1 }, { x: 0, y: 0 }, 0.01, 'touch', viewport);
    expect(v.scale).toBe(viewport.maxScale);
  });

  it('always makes seats pickable when the zoom limits allow it', () => {
    fc.assert(
      fc.property(
        fc.record({ x: fc.double({ min: -500, max: 500, noNaN: true }), y: fc.double({ min: -500, max: 500, noNaN: true }) }),
        fc.double({ min: 1, max: 800, noNaN: true }),
        fc.double({ min: 1, max: 800, noNaN: true }),
        fc.constantFrom('touch' as const, 'mouse' as const),
        (corner, w, h, pointer) => {
          const section = { minX: corner.x, minY: corner.y, maxX: corner.x + w, maxY: corner.y + h };
          const v = sectionZoomTarget(section, { x: corner.x + w / 2, y: corner.y + h / 3 }, radius, pointer, viewport);
          expect(seatsPickable(v.scale, radius, pointer)).toBe(true);
          // The view always shows part of the section.
          const a = toScreen(v, section.minX, section.minY);
          const b = toScreen(v, section.maxX, section.maxY);
          expect(a.x < viewport.widthPx && b.x > 0 && a.y < viewport.heightPx && b.y > 0).toBe(true);
        },
      ),
    );
  });
});

describe('focusTarget', () => {
  const radius = 3.5;

  it('shows every focused seat, with room around them', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -200, max: 200 })), { minLength: 1, maxLength: 12 }), (points) => {
        const xs = points.map((p) => p[0]);
        const ys = points.map((p) => p[1]);
        const rect = boundsOf(xs, ys, xs.keys())!;
        const v = focusTarget(rect, radius, viewport);
        expect(v.scale).toBeLessThanOrEqual(FOCUS_MAX_SEAT_RADIUS_PX / radius + 1e-9);
        if (v.scale > viewport.minScale) expect(shows(v, { minX: rect.minX - radius, minY: rect.minY - radius, maxX: rect.maxX + radius, maxY: rect.maxY + radius }, viewport, 20)).toBe(true);
      }),
    );
  });

  it('one seat: centred, at the sensible maximum (16 px radius), not the map’s maximum', () => {
    const v = focusTarget({ minX: 10, minY: 20, maxX: 10, maxY: 20 }, radius, viewport);
    expect(v.scale * radius).toBeCloseTo(FOCUS_MAX_SEAT_RADIUS_PX);
    const at = toScreen(v, 10, 20);
    expect(at.x).toBeCloseTo(500);
    expect(at.y).toBeCloseTo(300);
  });
});

describe('seatsShown: whether warned seats need the map to move', () => {
  const radius = 3.5;
  const seats = { minX: 100, minY: 100, maxX: 120, maxY: 100 };

  it('a view focusTarget chose shows its seats, whenever it could zoom in far enough', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -200, max: 200 })), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('touch' as const, 'mouse' as const),
        (points, pointer) => {
          const xs = points.map((p) => p[0]);
          const ys = points.map((p) => p[1]);
          const rect = boundsOf(xs, ys, xs.keys())!;
          const v = focusTarget(rect, radius, viewport);
          const largeEnough = seatsPickable(v.scale, radius, pointer) && v.scale * radius >= ROW_LABEL_MIN_RADIUS_PX;
          expect(seatsShown(rect, v, radius, pointer, viewport.widthPx, viewport.heightPx)).toBe(largeEnough);
        },
      ),
    );
  });

  it('not when the seats are too small to pick, however central', () => {
    const v = viewFitting(seats, viewport.widthPx, viewport.heightPx, 200, 0, pickableScale(radius, 'touch') * 0.9);
    expect(seatsShown(seats, v, radius, 'touch', viewport.widthPx, viewport.heightPx)).toBe(false);
    expect(seatsShown(seats, viewCentredOn(110, 100, pickableScale(radius, 'touch'), viewport.widthPx, viewport.heightPx), radius, 'touch', viewport.widthPx, viewport.heightPx)).toBe(true);
  });

  it('nor, for a mouse, before seats are large enough to carry row letters (12 px), though 8 px ones can be picked', () => {
    const at = (diameterPx: number) => viewCentredOn(110, 100, diameterPx / (2 * radius), viewport.widthPx, viewport.heightPx);
    expect(seatsPickable(at(10).scale, radius, 'mouse')).toBe(true);
    expect(seatsShown(seats, at(10), radius, 'mouse', viewport.widthPx, viewport.heightPx)).toBe(false);
    expect(seatsShown(seats, at(2 * ROW_LABEL_MIN_RADIUS_PX), radius, 'mouse', viewport.widthPx, viewport.heightPx)).toBe(true);
  });

  it('not when one of them is off screen or cut by the edge (its mark needs room too)', () => {
    const scale = 4; // 28 px seats
    const centred = viewCentredOn(110, 100, scale, viewport.widthPx, viewport.heightPx);
    expect(seatsShown(seats, centred, radius, 'mouse', viewport.widthPx, viewport.heightPx)).toBe(true);
    // Pan so the right seat's centre sits 10 px inside the right edge: its circle is cut.
    const cut = { ...centred, offsetX: viewport.widthPx - 10 - 120 * scale };
    expect(seatsShown(seats, cut, radius, 'mouse', viewport.widthPx, viewport.heightPx)).toBe(false);
    const gone = { ...centred, offsetX: -200 * scale };
    expect(seatsShown(seats, gone, radius, 'mouse', viewport.widthPx, viewport.heightPx)).toBe(false);
  });

  it('MapGeometry.showsSeats asks it about the seats’ bounding box at the current view', () => {
    const index = theatreIndex();
    const a = seatAt(index, 'Stalls Centre', 'E', '1');
    const b = seatAt(index, 'Stalls Centre', 'E', '3');
    const view = new ViewTransform();
    const geometry = new MapGeometry(index, view, new Uint8Array(index.count));
    const wide: Viewport = { widthPx: 1280, heightPx: 612, minScale: 0.1, maxScale: 10 };
    view.fit(contentRectOf(index), wide.widthPx, wide.heightPx, 20);
    // The theatre overview: seats a mouse can pick, but too small to tell one from the next.
    expect(geometry.seatsPickable('mouse')).toBe(true);
    expect(geometry.showsSeats([a, b], 'mouse', wide)).toBe(false);
    expect(geometry.showsSeats([a, b], 'touch', wide)).toBe(false);
    view.state = geometry.focusView([a, b], wide)!;
    expect(geometry.showsSeats([a, b], 'mouse', wide)).toBe(true);
    expect(geometry.showsSeats([a, b], 'touch', wide)).toBe(true);
    expect(geometry.showsSeats([], 'mouse', wide)).toBe(false);
  });
});

describe('MapGeometry.tapTarget', () => {
  function geometryAt(index: ReturnType<typeof arenaIndex>, view: ViewTransform) {
    return new MapGeometry(index, view, new Uint8Array(index.count));
  }
  const wide: Viewport = { widthPx: 1280, heightPx: 612, minScale: 0.1, maxScale: 10 };

  it('on the arena overview, a tap on a seat zooms into its section instead of picking it', () => {
    const index = arenaIndex();
    const view = new ViewTransform();
    view.fit(boundsOf(index.xs, index.ys, index.seats.keys())!, wide.widthPx, wide.heightPx, 20);
    const i = seatAt(index, 'Floor B', 'A', '20');
    const target = geometryAt(index, view).tapTarget(view.toScreenX(index.xs[i]), view.toScreenY(index.ys[i]), 'touch', wide);
    expect(target.kind).toBe('zoom');
    if (target.kind !== 'zoom') return;
    expect(target.section.name).toBe('Floor B');
    expect(seatsPickable(target.view.scale, index.seatRadius, 'touch')).toBe(true);

    // After zooming there, the same seat is picked by a tap on it.
    view.state = target.view;
    const again = geometryAt(index, view).tapTarget(view.toScreenX(index.xs[i]), view.toScreenY(index.ys[i]), 'touch', wide);
    expect(again).toEqual({ kind: 'seat', index: i });
  });

  it('a tap on empty floor far from any seat does nothing', () => {
    const index = arenaIndex();
    const view = new ViewTransform();
    view.fit(boundsOf(index.xs, index.ys, index.seats.keys())!, wide.widthPx, wide.heightPx, 20);
    const stage = index.event.stage;
    // The middle of the stage: no seat within reach.
    const target = geometryAt(index, view).tapTarget(view.toScreenX(stage.x + stage.width / 2), view.toScreenY(stage.y + stage.height / 2), 'mouse', wide);
    expect(target).toEqual({ kind: 'none' });
  });

  it('in the theatre at 2× the overview, a mouse picks seats directly', () => {
    const index = theatreIndex();
    const view = new ViewTransform();
    view.fit(boundsOf(index.xs, index.ys, index.seats.keys())!, wide.widthPx, wide.heightPx, 20);
    view.zoomAt(2, 640, 306);
    const i = seatAt(index, 'Stalls Centre', 'D', '7');
    view.ensureVisible(index.xs[i], index.ys[i], wide.widthPx, wide.heightPx, 50);
    const target = geometryAt(index, view).tapTarget(view.toScreenX(index.xs[i]) + 1, view.toScreenY(index.ys[i]) - 1, 'mouse', wide);
    expect(target).toEqual({ kind: 'seat', index: i });
  });
});
