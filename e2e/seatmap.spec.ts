// The canvas seat map on a desktop (mouse, keyboard) and on a phone (touch):
// a tap on the overview zooms in, labels appear when close, keyboard focus
// starts at the front, the live status follows holds, the phone bar leads on.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { holdButton, holdPanel, openEvent } from './buyerPage';
import { mapAtRest, mapStatus, pointAtSeat, seatCanvas } from './seatMapPage';

const DESKTOP = { viewport: { width: 1366, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** The seat as a line of the selection panel (on every screen size). */
const selectionLine = (page: Page, seatId: string) => page.getByRole('region', { name: 'Your selection' }).locator(`li[data-seat-id="${seatId}"]`);

for (const [device, options, seatId, minSeatPx] of [
  ['desktop', DESKTOP, 'FB-A-20', 8],
  ['phone', PHONE, 'FC-B-12', 14],
] as const) {
  test.describe(`on a ${device}`, () => {
    test.use(options);

    test('a tap on the arena overview zooms into the section instead of picking a seat; then a tap picks it', async ({ page }) => {
      await openEvent(page, 'demo-arena');
      const overview = await mapAtRest(page);
      expect(overview.pickable).toBe(false);
      expect(overview.seatPx).toBeLessThan(minSeatPx);

      await pointAtSeat(page, 'demo-arena', seatId);
      const zoomed = await mapAtRest(page);
      expect(zoomed.scale).toBeGreaterThan(overview.scale * 3);
      expect(zoomed.pickable).toBe(true);
      expect(zoomed.seatPx).toBeGreaterThanOrEqual(minSeatPx);
      await expect(mapStatus(page)).toHaveText(/^Zoomed in on Floor [BC]\./);
      // Nothing was selected by that tap.
      await expect(selectionLine(page, seatId)).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Hold seats' })).toBeDisabled();

      await pointAtSeat(page, 'demo-arena', seatId);
      await expect(mapStatus(page)).toHaveText(/^Selected Floor [BC] row [AB] seat (20|12)\./);
      await expect(selectionLine(page, seatId)).toHaveCount(1);
    });

    test('row letters and seat numbers appear only when zoomed in close enough to read', async ({ page }) => {
      await openEvent(page, 'demo-arena');
      const overview = await mapAtRest(page);
      expect([overview.labels, overview.rowLabels, overview.seatNumbers]).toEqual(['none', 0, 0]);

      await pointAtSeat(page, 'demo-arena', seatId);
      const section = await mapAtRest(page);
      expect(section.labels).not.toBe('none');
      expect(section.rowLabels).toBeGreaterThan(0);

      // Closer still: numbers inside the seats.
      for (let i = 0; i < 3 && (await mapAtRest(page)).labels !== 'rows+numbers'; i++) {
        await page.getByRole('button', { name: 'Zoom in' }).click();
      }
      await expect(seatCanvas(page)).toHaveAttribute('data-labels', 'rows+numbers');
      const close = await mapAtRest(page);
      expect(close.seatNumbers).toBeGreaterThan(0);
      expect(close.seatPx).toBeGreaterThanOrEqual(18);
      expect(close.rowLabels).toBeGreaterThan(0);
    });
  });
}

test.describe('on a desktop, with the keyboard', () => {
  test.use(DESKTOP);

  test('focus starts at the front row nearest the stage, and the status speaks', async ({ page }) => {
    await openEvent(page, 'demo-theatre');
    await page.getByRole('link', { name: 'All events' }).focus();
    await page.keyboard.press('Tab');
    await expect(seatCanvas(page)).toBeFocused();
    await expect(mapStatus(page)).toHaveText(/^Stalls Centre, row A, seat (8|9), €\d+, available$/);
    await page.keyboard.press('ArrowRight');
    await expect(mapStatus(page)).toHaveText(/^Stalls Centre, row A, seat (9|10), €\d+, available$/);
    await page.keyboard.press('ArrowDown');
    await expect(mapStatus(page)).toHaveText(/^Stalls Centre, row B, seat \d+, €\d+, available$/);
  });
});

for (const [device, options, seatId, label] of [
  ['desktop', DESKTOP, 'FD-C-7', 'Floor D row C seat 7'],
  ['phone', PHONE, 'FD-D-9', 'Floor D row D seat 9'],
] as const) {
  test.describe(`on a ${device}, holding`, () => {
    test.use(options);

    test('the live status announces the hold and the release', async ({ page }) => {
      await openEvent(page, 'demo-arena');
      await pointAtSeat(page, 'demo-arena', seatId); // zooms in
      await mapAtRest(page);
      await pointAtSeat(page, 'demo-arena', seatId); // picks
      await expect(selectionLine(page, seatId)).toHaveCount(1);

      if (device === 'phone') {
        // The sticky bar names its next step, and does it.
        const bar = page.getByTestId('mobile-action-bar');
        await bar.getByRole('button', { name: 'Hold 1 seat' }).click();
      } else {
        await holdButton(page).click();
      }
      await expect(holdPanel(page)).toHaveCount(1);
      await expect(mapStatus(page)).toHaveText(`Held for you: ${label}. You have 10 minutes to check out.`);

      if (device === 'phone') {
        const bar = page.getByTestId('mobile-action-bar');
        await expect(bar).toContainText('1 seat held');
        await bar.getByRole('button', { name: 'Checkout' }).click();
        await expect(page.getByRole('form', { name: 'Checkout' })).toBeVisible();
        await page.getByRole('form', { name: 'Checkout' }).getByRole('button', { name: /cancel|back/i }).click();
      }

      await holdPanel(page).getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(page)).toHaveCount(0);
      await expect(mapStatus(page)).toHaveText(`Released: ${label}. It is available to others again.`);
    });
  });
}
