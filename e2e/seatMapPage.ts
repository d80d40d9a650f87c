// Drives the canvas seat map the way a pointer user would: finds where a seat is
// on screen from the layout and the view the map reports on its canvas
// (data-view-scale / -x / -y), and taps or clicks there.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export interface MapState {
  scale: number;
  offsetX: number;
  offsetY: number;
  /** Seat diameter on screen, CSS px. */
  seatPx: number;
  pickable: boolean;
  labels: string;
  rowLabels: number;
  seatNumbers: number;
}

export function seatCanvas(page: Page) {
  return page.locator('canvas[data-seat-count]');
}

export function mapStatus(page: Page) {
  return page.getByTestId('seat-map-status');
}

/** The map's view once it has stopped moving (no animation running). */
export async function mapAtRest(page: Page): Promise<MapState> {
  const canvas = seatCanvas(page);
  await expect(canvas).toHaveAttribute('data-view-scale');
  await expect(canvas).not.toHaveAttribute('data-animating');
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const d = el.dataset;
    return {
      scale: Number(d.viewScale),
      offsetX: Number(d.viewX),
      offsetY: Number(d.viewY),
      seatPx: Number(d.seatPx),
      pickable: d.pickable === 'true',
      labels: d.labels ?? '',
      rowLabels: Number(d.rowLabels),
      seatNumbers: Number(d.seatNumbers),
    };
  });
}

const layouts = new Map<string, Map<string, { x: number; y: number }>>();

/** Where a seat is on the page right now (viewport CSS px), from its layout position and the map's view. */
export async function seatPoint(page: Page, eventId: string, seatId: string): Promise<{ x: number; y: number }> {
  let seats = layouts.get(eventId);
  if (!seats) {
    const res = await page.request.get(`/api/events/${encodeURIComponent(eventId)}`);
    const body = (await res.json()) as { event: { seats: { id: string; x: number; y: number }[] } };
    seats = new Map(body.event.seats.map((s) => [s.id, { x: s.x, y: s.y }]));
    layouts.set(eventId, seats);
  }
  const seat = seats.get(seatId);
  if (!seat) throw new Error(`no seat ${seatId} in ${eventId}`);
  const view = await mapAtRest(page);
  const box = (await seatCanvas(page).boundingBox())!;
  return { x: box.x + seat.x * view.scale + view.offsetX, y: box.y + seat.y * view.scale + view.offsetY };
}

/** Taps (touch) or clicks (mouse) on a seat where the map shows it now. */
export async function pointAtSeat(page: Page, eventId: string, seatId: string): Promise<void> {
  // The page may have scrolled the map away (e.g. to the list picker below it on a phone).
  await seatCanvas(page).scrollIntoViewIfNeeded();
  const { x, y } = await seatPoint(page, eventId, seatId);
  const touch = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
  if (touch) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
}

/** Waits until the map, at rest, shows every one of these seats inside its frame, large enough to pick. */
export async function expectSeatsShown(page: Page, eventId: string, seatIds: readonly string[]): Promise<MapState> {
  let shown: MapState | null = null;
  await expect(async () => {
    const state = await mapAtRest(page);
    expect(state.pickable, 'seats large enough to pick').toBe(true);
    const box = (await seatCanvas(page).boundingBox())!;
    for (const seatId of seatIds) {
      const { x, y } = await seatPoint(page, eventId, seatId);
      const r = state.seatPx / 2;
      expect(x - r, `${seatId} inside the map`).toBeGreaterThanOrEqual(box.x);
      expect(x + r, `${seatId} inside the map`).toBeLessThanOrEqual(box.x + box.width);
      expect(y - r, `${seatId} inside the map`).toBeGreaterThanOrEqual(box.y);
      expect(y + r, `${seatId} inside the map`).toBeLessThanOrEqual(box.y + box.height);
    }
    shown = state;
  }).toPass();
  return shown!;
}

/**
 * How many pixels of the warning sign's amber (#fbbf24) the overlay canvas has within 30 CSS px
 * of the seat: the mark as drawn, not as reported.
 */
export async function warningPixelsAt(page: Page, eventId: string, seatId: string): Promise<number> {
  const { x, y } = await seatPoint(page, eventId, seatId);
  const box = (await seatCanvas(page).boundingBox())!;
  const overlay = seatCanvas(page).locator('xpath=following-sibling::canvas[1]');
  return overlay.evaluate(
    (canvas: HTMLCanvasElement, at) => {
      const dpr = canvas.width / canvas.clientWidth;
      const reach = 30 * dpr;
      const x0 = Math.max(0, Math.round(at.x * dpr - reach));
      const y0 = Math.max(0, Math.round(at.y * dpr - reach));
      const w = Math.min(canvas.width - x0, Math.round(reach * 2));
      const h = Math.min(canvas.height - y0, Math.round(reach * 2));
      if (w <= 0 || h <= 0) return 0;
      const data = canvas.getContext('2d')!.getImageData(x0, y0, w, h).data;
      let amber = 0;
      for (let k = 0; k < data.length; k += 4) {
        if (Math.abs(data[k] - 251) < 8 && Math.abs(data[k + 1] - 191) < 8 && Math.abs(data[k + 2] - 36) < 10 && data[k + 3] > 240) amber++;
      }
      return amber;
    },
    { x: x - box.x, y: y - box.y },
  );
}
