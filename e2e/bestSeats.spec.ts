// Best available and the no-orphan rule in the browser, on a laptop and on a
// 390×844 phone: "Find best 4 seats" holds four seats side by side at once
// (countdown, seat list, the list picker shows them as the buyer's), the buyer
// can drop them and pick by hand; a selection that would strand a seat is
// refused with the seat named, and the offered fix works.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { holdButton, holdPanel, openEvent, seatCheckbox, showRow } from './buyerPage';

const VIEWPORTS = [
  { name: 'laptop', viewport: { width: 1366, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
] as const;

/** "Found 4 seats together in Stalls Centre, row A. …" → { section, row }. */
async function foundRow(page: Page): Promise<{ section: string; row: string }> {
  const notice = page.locator('.notice', { hasText: 'Found 4 seats together in' });
  await expect(notice).toBeVisible();
  const match = /Found 4 seats together in (.+), row (\w+)\./.exec((await notice.textContent()) ?? '');
  expect(match, 'the notice names the section and row').not.toBeNull();
  return { section: match![1], row: match![2] };
}

for (const device of VIEWPORTS) {
  test.describe(`on a ${device.name}`, () => {
    test.use({ viewport: device.viewport, ...('hasTouch' in device ? { hasTouch: device.hasTouch, isMobile: device.isMobile } : {}) });

    test('find best 4 seats: held at once side by side, then dropped and picked by hand', async ({ page }) => {
      await openEvent(page, 'demo-theatre');
      const panel = page.getByTestId('best-seats');
      await panel.getByLabel('Seats', { exact: true }).fill('4');
      await panel.getByLabel('Price category').selectOption({ label: 'Premium · €85' });
      await panel.getByRole('button', { name: 'Find best 4 seats' }).click();

      const hold = holdPanel(page);
      await expect(hold).toHaveCount(1);
      await expect(hold.getByRole('heading', { name: 'Your 4 seats are held' })).toBeVisible();
      await expect(hold.getByText(/\d\d:\d\d/).first()).toBeVisible();

      // The four seats are the buyer's, side by side in one row of a premium section.
      const { section, row } = await foundRow(page);
      await showRow(page, section, row);
      const mine = page.locator('input[type="checkbox"][data-held-by-me]');
      await expect(mine).toHaveCount(4);
      const ids = await mine.evaluateAll((els) => els.map((el) => el.getAttribute('data-seat-id')!));
      const numbers = ids.map((id) => Number(id.split('-').pop()));
      expect(numbers).toEqual([numbers[0], numbers[0] + 1, numbers[0] + 2, numbers[0] + 3]);
      if (device.name === 'phone') await page.screenshot({ path: test.info().outputPath('best-seats-phone.png') });

      // Not what they wanted: release, then choose two of those seats by hand.
      await hold.getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(page)).toHaveCount(0);
      await expect(seatCheckbox(page, ids[0])).toHaveAttribute('data-status', 'available');
      await seatCheckbox(page, ids[0]).check();
      await seatCheckbox(page, ids[1]).check();
      await holdButton(page).click();
      await expect(holdPanel(page).getByRole('heading', { name: 'Your 2 seats are held' })).toBeVisible();
      await holdPanel(page).getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(page)).toHaveCount(0);
    });

    test('a selection that would leave one seat alone is explained, the seat named, and the fix works', async ({ page }) => {
      await openEvent(page, 'demo-theatre');
      const row = device.name === 'phone' ? 'F' : 'E';
      await showRow(page, 'Stalls Centre', row);
      await seatCheckbox(page, `SC-${row}-2`).check();
      await holdButton(page).click();

      const alert = page.getByRole('alert').filter({ hasText: 'on its own' });
      await expect(alert).toContainText(`Stalls Centre row ${row} seat 1`);
      await expect(holdPanel(page)).toHaveCount(0);
      await expect(seatCheckbox(page, `SC-${row}-1`)).toHaveAttribute('data-status', 'available');

      const fix = page.getByTestId('orphan-fix');
      await expect(fix).toContainText(`Stalls Centre row ${row} seat 1`);
      await fix.getByRole('button', { name: 'Add it to my selection' }).click();
      await expect(holdButton(page)).toHaveText('Hold 2 seats');
      await holdButton(page).click();
      await expect(holdPanel(page).getByRole('heading', { name: 'Your 2 seats are held' })).toBeVisible();
      await holdPanel(page).getByRole('button', { name: 'Release' }).click();
      await expect(holdPanel(page)).toHaveCount(0);
    });
  });
}

test('the organizer turns the single-seat rule off in the event form, and a lone-seat choice is then held', async ({ browser, baseURL }) => {
  const { E2E_ADMIN_PASSWORD } = await import('./global-setup');
  const admin = await (await browser.newContext({ baseURL })).newPage();
  await admin.goto(`/admin/login?next=${encodeURIComponent('/admin/events/e2e-quick/edit')}`);
  await admin.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL((url) => url.pathname === '/admin/events/e2e-quick/edit');
  const rule = admin.getByRole('checkbox', { name: 'Don’t leave single empty seats' });
  await expect(rule).toBeChecked();
  const setRule = async (on: boolean) => {
    await rule.setChecked(on);
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await expect(admin.getByTestId('toast').filter({ hasText: 'Saved details.' }).last()).toBeVisible();
  };
  await setRule(false);

  const buyer = await (await browser.newContext({ baseURL })).newPage();
  try {
    expect((await (await buyer.request.get('/api/events/e2e-quick')).json()).event.preventOrphanSeats).toBe(false);
    await openEvent(buyer, 'e2e-quick');
    await showRow(buyer, 'Studio', 'C');
    await seatCheckbox(buyer, 'S-C-2').check();
    await holdButton(buyer).click();
    await expect(holdPanel(buyer).getByRole('heading', { name: 'Your seat is held' })).toBeVisible();
    await holdPanel(buyer).getByRole('button', { name: 'Release' }).click();
    await expect(holdPanel(buyer)).toHaveCount(0);
  } finally {
    await admin.reload();
    await setRule(true);
  }
  expect((await (await buyer.request.get('/api/events/e2e-quick')).json()).event.preventOrphanSeats).toBe(true);
});
