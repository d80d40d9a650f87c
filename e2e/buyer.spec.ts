// Competing buyers in separate browser contexts (separate sessions), on the
// real app: the race for one seat, watching an expiry, and a full checkout.
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { holdButton, holdPanel, openEvent, seatCheckbox, showRow } from './buyerPage';
import { mapStatus } from './seatMapPage';

async function newBuyer(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

test('two buyers click the same seat at once: exactly one gets it, the other sees it taken live', async ({ browser, baseURL }) => {
  const alice = await newBuyer(browser, baseURL!);
  const bob = await newBuyer(browser, baseURL!);
  const seatId = 'SC-D-7';
  for (const page of [alice, bob]) {
    await openEvent(page, 'demo-theatre');
    await showRow(page, 'Stalls Centre', 'D');
    await seatCheckbox(page, seatId).check();
    await expect(holdButton(page)).toBeEnabled();
  }
  // Find both buttons first, then fire both clicks in the same instant: once one buyer's hold
  // lands, the other's selection drops the taken seat and its button changes.
  const buttons = await Promise.all([holdButton(alice).elementHandle(), holdButton(bob).elementHandle()]);
  await Promise.all(buttons.map((button) => button!.dispatchEvent('click')));

  const winners: Page[] = [];
  for (const page of [alice, bob]) {
    // Each page settles into exactly one of two states.
    await expect
      .poll(async () => ((await holdPanel(page).count()) > 0 ? 'won' : (await seatCheckbox(page, seatId).getAttribute('data-status')) === 'held' ? 'lost' : 'pending'), { timeout: 10_000 })
      .not.toBe('pending');
    if ((await holdPanel(page).count()) > 0) winners.push(page);
  }
  expect(winners).toHaveLength(1);
  const loser = winners[0] === alice ? bob : alice;
  await expect(holdPanel(loser)).toHaveCount(0);
  await expect(seatCheckbox(loser, seatId)).toHaveAttribute('data-status', 'held');
  await expect(seatCheckbox(loser, seatId)).toBeDisabled();
  await expect(loser.getByRole('status').or(loser.getByRole('alert')).filter({ hasText: /just taken/ })).toBeVisible();
  await expect(seatCheckbox(winners[0], seatId)).toHaveAttribute('data-held-by-me', 'true');
});

test('a third buyer watches the seat free up when the winner’s hold expires', async ({ browser, baseURL }) => {
  // e2e-quick holds last 6 s (see e2e/serve.ts).
  const winner = await newBuyer(browser, baseURL!);
  const watcher = await newBuyer(browser, baseURL!);
  const seatId = 'S-B-3';
  await openEvent(watcher, 'e2e-quick');
  await showRow(watcher, 'Studio', 'B');
  await expect(seatCheckbox(watcher, seatId)).toHaveAttribute('data-status', 'available');

  await openEvent(winner, 'e2e-quick');
  await showRow(winner, 'Studio', 'B');
  await seatCheckbox(winner, seatId).check();
  await holdButton(winner).click();
  await expect(holdPanel(winner)).toHaveCount(1);
  await expect(winner.getByTestId('hold-countdown')).toBeVisible();

  await expect(seatCheckbox(watcher, seatId)).toHaveAttribute('data-status', 'held');
  await expect(seatCheckbox(watcher, seatId)).toBeDisabled();
  // Nobody does anything: the loop's expiry releases the seat and everyone hears it.
  await expect(seatCheckbox(watcher, seatId)).toHaveAttribute('data-status', 'available', { timeout: 20_000 });
  await expect(seatCheckbox(watcher, seatId)).toBeEnabled();
  await expect(holdPanel(winner)).toHaveCount(0, { timeout: 10_000 });
  await expect(winner.getByRole('alert').filter({ hasText: /hold expired/i })).toBeVisible();
  // The map's screen-reader status says so too.
  await expect(mapStatus(winner)).toHaveText('Your hold expired: Studio row B seat 3 was released.');
});

test('a buyer holds two seats, checks out and sees tickets with QR codes', async ({ browser, baseURL }) => {
  const buyer = await newBuyer(browser, baseURL!);
  await openEvent(buyer, 'demo-theatre');
  await showRow(buyer, 'Dress Circle Centre', 'B');
  await seatCheckbox(buyer, 'DC-B-5').check();
  await seatCheckbox(buyer, 'DC-B-6').check();
  await holdButton(buyer).click();
  await expect(holdPanel(buyer)).toHaveCount(1);

  await buyer.getByRole('button', { name: 'Checkout' }).click();
  const form = buyer.getByRole('form', { name: 'Checkout' });
  await form.getByLabel(/name/i).fill('Ada Lovelace');
  await form.getByLabel(/email/i).fill('ada@example.com');
  await form.getByRole('button', { name: /pay|confirm|buy/i }).click();

  await buyer.waitForURL(/\/orders\/o_/);
  await expect(buyer.getByRole('heading', { level: 1 })).toContainText('The Glass Menagerie');
  const tickets = buyer.locator('article[data-ticket-id]');
  await expect(tickets).toHaveCount(2);
  await expect(buyer.locator('article[data-seat-id="DC-B-5"] img[alt^="QR code"]')).toBeVisible();
  await expect(buyer.locator('article[data-seat-id="DC-B-6"] img[alt^="QR code"]')).toBeVisible();

  // Another buyer sees both seats sold, live state from the server.
  const other = await newBuyer(browser, baseURL!);
  await openEvent(other, 'demo-theatre');
  await showRow(other, 'Dress Circle Centre', 'B');
  await expect(seatCheckbox(other, 'DC-B-5')).toHaveAttribute('data-status', 'sold');
  await expect(seatCheckbox(other, 'DC-B-6')).toHaveAttribute('data-status', 'sold');
});

test('seats can be chosen with the keyboard alone, with spoken names', async ({ page }) => {
  await openEvent(page, 'demo-theatre');
  await showRow(page, 'Balcony', 'C');
  const seat = page.getByRole('checkbox', { name: /^Balcony, row C, seat 10, €25, available$/ });
  await seat.focus();
  await page.keyboard.press('Space');
  await expect(seat).toBeChecked();
  await expect(holdButton(page)).toHaveText('Hold 1 seat');
});

test('the 20,000-seat arena map renders with every seat', async ({ page }) => {
  await openEvent(page, 'demo-arena');
  await expect(page.locator('canvas[data-seat-count]')).toHaveAttribute('data-seat-count', '22212');
});

test('an open event page learns live when the organizer pauses and reopens the sale', async ({ page, request }) => {
  const { E2E_ADMIN_PASSWORD } = await import('./global-setup');
  const login = await request.post('/api/admin/login', { data: { password: E2E_ADMIN_PASSWORD } });
  const { token } = (await login.json()) as { token: string };
  const setSale = (status: string) =>
    request.post('/api/admin/events/e2e-quick/sale', { headers: { authorization: `Bearer ${token}` }, data: { status } });

  await openEvent(page, 'e2e-quick');
  await showRow(page, 'Studio', 'D');
  await seatCheckbox(page, 'S-D-9').check();
  await expect(holdButton(page)).toBeEnabled();
  try {
    expect((await setSale('paused')).ok()).toBe(true);
    await expect(page.getByText('Sales are paused for the moment.').first()).toBeVisible();
    await expect(page.getByRole('button', { name: /^Hold/ }).first()).toBeDisabled();
  } finally {
    expect((await setSale('open')).ok()).toBe(true);
  }
  await expect(page.getByText('Sales are paused for the moment.')).toHaveCount(0);
});
