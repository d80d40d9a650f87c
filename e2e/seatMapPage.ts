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
  const { x, y } = await seatPoint(page, eventId, seatId);
  const touch = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
  if (touch) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
}
