// What the seat map shows for best available and the no-orphan rule, on a laptop
// and on a 390×844 phone, with a second buyer in another browser context:
// "Find best seats" holds the result at once and the map zooms to it while the
// countdown runs (the other buyer sees the seats taken, and their map stays
// where it was); a hold that would strand a seat beside the other buyer's is
// refused in plain words and that seat is marked on the map, in view; on the
// phone a tap on the overview zooms into the section instead of picking a seat.
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { holdButton, holdPanel, openEvent, seatCheckbox, showRow } from './buyerPage';
import { expectSeatsShown, mapAtRest, mapStatus, pointAtSeat, seatCanvas, warningPixelsAt } from './seatMapPage';

const DESKTOP = { viewport: { width: 1366, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
type DeviceOptions = typeof DESKTOP | typeof PHONE;

/** The seat as a line of the selection panel (on every screen size). */
const selectionLine = (page: Page, seatId: string) => page.getByRole('region', { name: 'Your selection' }).locator(`li[data-seat-id="${seatId}"]`);

async function otherBuyer(browser: Browser, baseURL: string | undefined, options: DeviceOptions, eventId: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL, ...options })).newPage();
  await openEvent(page, eventId);
  return page;
}

for (const [device, options] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test.describe(`on a ${device}`, () => {
    test.use(options);

    test('find best 4: held at once, the map zooms to them with the countdown running; another buyer sees them taken', async ({ page, browser, baseURL }) => {
      test.slow(); // two browsers draw the 22,212-seat arena on a shared 2-core box
      await openEvent(page, 'demo-arena');
      const overview = await mapAtRest(page);
      const other = await otherBuyer(browser, baseURL, options, 'demo-arena');
      const othersView = await mapAtRest(other);

      const panel = page.getByTestId('best-seats');
      await panel.getByLabel('Seats', { exact: true }).fill('4');
      await panel.getByRole('button', { name: 'Find best 4 seats' }).click();

      const hold = holdPanel(page);
      await expect(hold.getByRole('heading', { name: 'Your 4 seats are held' })).toBeVisible();
      const seatIds = await hold.locator('li[data-seat-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-seat-id')!));
      expect(seatIds).toHaveLength(4);

      // The map has moved to the four seats, close enough to pick them, all inside the frame.
      const focused = await expectSeatsShown(page, 'demo-arena', seatIds);
      expect(focused.scale).toBeGreaterThan(overview.scale * 3);

      // The countdown runs, in the hold panel and (on the phone) in the sticky bar.
      const countdown = hold.getByTestId('hold-countdown');
      await expect(countdown).toHaveText(/\d{1,2}:\d\d/);
      const first = await countdown.textContent();
      await expect(countdown).not.toHaveText(first!);
      if (device === 'phone') {
        // One column: the page brings the map (above the panels) back into view; the bar keeps the countdown.
        await expect(seatCanvas(page)).toBeInViewport({ ratio: 0.9 });
        await expect(page.getByTestId('mobile-action-bar')).toContainText(/\d{1,2}:\d\d\s*4 seats held/);
      }

      // The other buyer sees the four taken; their map did not move.
      const match = /Found 4 seats together in (.+), row (\w+)\./.exec((await page.locator('.notice').filter({ hasText: 'Found 4 seats' }).textContent()) ?? '');
      expect(match, 'the notice names the section and row').not.toBeNull();
      await showRow(other, match![1], match![2]);
      for (const id of seatIds) await expect(seatCheckbox(other, id)).toHaveAttribute('data-status', 'held');
      expect((await mapAtRest(other)).scale).toBe(othersView.scale);

      // Dropped: the seats are free again for the other buyer, and the map stays where the buyer is.
      await hold.getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(page)).toHaveCount(0);
      for (const id of seatIds) await expect(seatCheckbox(other, id)).toHaveAttribute('data-status', 'available');
      expect((await mapAtRest(page)).scale).toBe(focused.scale);
      await other.context().close();
    });

    test('a hold that would strand a seat next to another buyer’s is explained, the seat marked on the map', async ({ page, browser, baseURL }) => {
      test.slow(); // two buyers' browsers on a shared 2-core box
      const row = device === 'phone' ? 'F' : 'E';
      const [theirs, stranded, mine] = [5, 6, 7].map((n) => `DC-${row}-${n}`);
      const other = await otherBuyer(browser, baseURL, options, 'demo-theatre');
      await showRow(other, 'Dress Circle Centre', row);
      await seatCheckbox(other, theirs).check();
      await holdButton(other).click();
      await expect(holdPanel(other)).toHaveCount(1);

      await openEvent(page, 'demo-theatre');
      await showRow(page, 'Dress Circle Centre', row);
      await expect(seatCheckbox(page, theirs)).toHaveAttribute('data-status', 'held');
      expect(await warningPixelsAt(page, 'demo-theatre', stranded), 'no warning before the refusal').toBe(0);
      if (device === 'phone') {
        // The overview's seats are too small for a finger: a tap zooms into the section and picks nothing.
        const overview = await mapAtRest(page);
        expect(overview.pickable).toBe(false);
        await pointAtSeat(page, 'demo-theatre', mine);
        await expect(mapStatus(page)).toHaveText(/^Zoomed in on Dress Circle Centre\. Tap a seat/);
        const zoomed = await mapAtRest(page);
        expect(zoomed.pickable).toBe(true);
        expect(zoomed.scale).toBeGreaterThan(overview.scale);
        await expect(selectionLine(page, mine)).toHaveCount(0);
        await expect(page.getByTestId('mobile-action-bar')).toHaveCount(0);
        // Now a tap picks the seat.
        await pointAtSeat(page, 'demo-theatre', mine);
        await expect(selectionLine(page, mine)).toHaveCount(1);
        await page.getByTestId('mobile-action-bar').getByRole('button', { name: 'Hold 1 seat' }).click();
      } else {
        // Chosen from the list, with the map still on the overview, where one seat is hard to make out.
        await seatCheckbox(page, mine).check();
        await holdButton(page).click();
      }

      // Refused, in plain words, naming the seat that would be left alone.
      const label = `Dress Circle Centre row ${row} seat 6`;
      await expect(page.getByRole('alert').filter({ hasText: 'on its own' })).toContainText(label);
      await expect(page.getByTestId('orphan-fix')).toContainText(`${label} would be left empty on its own`);
      await expect(holdPanel(page)).toHaveCount(0);

      // The map marks that seat, in view and large enough to tell which it is.
      await expect(seatCanvas(page)).toHaveAttribute('data-warn-marks', '1');
      const shown = await expectSeatsShown(page, 'demo-theatre', [stranded, mine]);
      expect(shown.seatPx).toBeGreaterThanOrEqual(12);
      expect(await warningPixelsAt(page, 'demo-theatre', stranded), 'the sign’s amber beside the seat').toBeGreaterThan(8);

      // The fix: add the seat, then the hold goes through and the mark goes away.
      if (device === 'phone') {
        const bar = page.getByTestId('mobile-action-bar');
        await expect(bar).toContainText('Seat 6 would be alone');
        await bar.getByRole('button', { name: 'Add seat 6' }).click();
        await bar.getByRole('button', { name: 'Hold 2 seats' }).click();
      } else {
        await page.getByTestId('orphan-fix').getByRole('button', { name: 'Add it to my selection' }).click();
        await expect(holdButton(page)).toHaveText('Hold 2 seats');
        await holdButton(page).click();
      }
      await expect(holdPanel(page).getByRole('heading', { name: 'Your 2 seats are held' })).toBeVisible();
      await expect(seatCanvas(page)).toHaveAttribute('data-warn-marks', '0');
      await expect(seatCheckbox(other, stranded)).toHaveAttribute('data-status', 'held');

      await holdPanel(page).getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(page)).toHaveCount(0);
      await holdPanel(other).getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(other)).toHaveCount(0);
      await other.context().close();
    });
  });
}
