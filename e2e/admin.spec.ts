// The organizer console against the real app: sign in, build a venue with
// the layout builder, open the sale, and act on a buyer's hold and order
// while buyers in other browser contexts watch the changes arrive live.
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { holdButton, holdPanel, openEvent, seatCheckbox, showRow } from './buyerPage';
import { E2E_ADMIN_PASSWORD } from './global-setup';

async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

async function signIn(page: Page, next: string): Promise<void> {
  await page.goto(`/admin/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next);
}

/** The dialog opened by a destructive action: give a reason if asked, then confirm. */
async function confirmDialog(page: Page, button: string, reason?: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  if (reason !== undefined) await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole('button', { name: button }).click();
  await expect(dialog).toHaveCount(0);
}

test('an anonymous visit to the console goes to the sign-in page', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login\?next=%2Fadmin$/);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong password' })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/login/);
});

test('an organizer builds a venue, opens the sale, releases a hold and cancels an order while buyers watch live', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await newPage(browser, baseURL!);
  await signIn(admin, '/admin/events/new');

  // ---- event details and layout ----
  const suffix = Date.now().toString(36);
  await admin.getByLabel('Event name').fill(`Gala ${suffix}`);
  await admin.getByLabel('Venue', { exact: true }).fill('Studio Two');
  await admin.getByLabel('Price of Standard').fill('20');
  await admin.getByRole('button', { name: '+ Add category' }).click();
  await admin.getByLabel('Name of category 2').fill('Premium');
  await admin.getByLabel('Price of Premium').fill('35');

  const section = admin.getByRole('form', { name: 'Add a section' });
  await section.getByLabel('Section name').fill('Stalls');
  await section.getByLabel('Code').fill('S');
  await section.getByLabel('Rows', { exact: true }).fill('3');
  await section.getByLabel('Seats per row').fill('8');
  await section.getByRole('button', { name: '+ Row range' }).click();
  await section.getByLabel('Range 1 first row').fill('1');
  await section.getByLabel('Range 1 last row').fill('1');
  await section.getByLabel('Range 1 category').selectOption({ label: 'Premium' });
  await expect(admin.getByTestId('preview-seat-count')).toHaveText('24');
  await section.getByRole('button', { name: 'Add section' }).click();
  await expect(admin.locator('[data-testid="sections"] tr[data-section-id="S"]')).toContainText('3 × 8');
  await expect(admin.locator('[data-testid="categories"] tr[data-category-id="STANDARD"]')).toContainText('16');

  await admin.getByRole('button', { name: 'Create event' }).click();
  await admin.waitForURL(/\/admin\/events\/gala-[a-z0-9-]+$/);
  const eventId = decodeURIComponent(new URL(admin.url()).pathname.split('/').pop()!);
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`Gala ${suffix}`);
  await expect(admin.getByTestId('feed-state')).toHaveText('Live');
  await expect(admin.getByTestId('tile-available-value')).toHaveText('24');

  // ---- open the sale ----
  await expect(admin.getByTestId('sale-badge')).toHaveText('Paused');
  await admin.getByRole('button', { name: 'Open sale' }).click();
  await expect(admin.getByTestId('toast').filter({ hasText: 'The sale is open.' })).toBeVisible();
  await expect(admin.getByTestId('sale-badge')).toHaveText('On sale');

  // ---- a buyer holds a seat; a second buyer just watches ----
  const buyer = await newPage(browser, baseURL!);
  const watcher = await newPage(browser, baseURL!);
  await openEvent(watcher, eventId);
  await openEvent(buyer, eventId);
  const seatId = 'S-A-1';
  await expect(buyer.getByRole('checkbox', { name: /Stalls, row A, seat 1, €35, available$/ })).toBeVisible();
  await seatCheckbox(buyer, seatId).check();
  await holdButton(buyer).click();
  await expect(holdPanel(buyer)).toHaveCount(1);

  // The organizer sees the hold appear live, then force-releases it.
  const holdRows = admin.locator('[data-testid="holds-table"] tr[data-hold-id]');
  await expect(holdRows).toHaveCount(1);
  await expect(admin.getByTestId('tile-held-value')).toHaveText('1');
  await expect(holdRows.first()).toContainText('Stalls A1');
  await holdRows.first().getByRole('button', { name: 'Force release' }).click();
  await confirmDialog(admin, 'Release hold');
  await expect(admin.getByTestId('toast').filter({ hasText: /Released hold/ })).toBeVisible();
  await expect(holdRows).toHaveCount(0);

  // The buyer sees the release live.
  await expect(holdPanel(buyer)).toHaveCount(0);
  await expect(buyer.getByText(/released by the box office/)).toBeVisible();
  await expect(seatCheckbox(buyer, seatId)).toHaveAttribute('data-status', 'available');
  await expect(seatCheckbox(watcher, seatId)).toHaveAttribute('data-status', 'available');

  // ---- the buyer holds again and buys ----
  await seatCheckbox(buyer, seatId).check();
  await holdButton(buyer).click();
  await expect(holdPanel(buyer)).toHaveCount(1);
  await buyer.getByRole('button', { name: 'Checkout' }).click();
  const email = `buyer-${suffix}@example.com`;
  const form = buyer.getByRole('form', { name: 'Checkout' });
  await form.getByLabel(/name/i).fill('Grace Hopper');
  await form.getByLabel(/email/i).fill(email);
  await form.getByRole('button', { name: /confirm/i }).click();
  await buyer.waitForURL(/\/orders\//);
  await expect(seatCheckbox(watcher, seatId)).toHaveAttribute('data-status', 'sold');
  await expect(admin.getByTestId('tile-sold-value')).toHaveText('1');
  await expect(admin.getByTestId('tile-orders-value')).toHaveText('1');

  // ---- the organizer finds the order by email and cancels it ----
  const orders = admin.getByTestId('orders-panel');
  await orders.getByLabel('Order id or buyer email').fill(email);
  await orders.getByRole('button', { name: 'Find' }).click();
  const found = admin.getByTestId('order-search-results').getByTestId('order-card');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText('Grace Hopper');
  await expect(found.locator(`tr[data-seat-id="${seatId}"]`)).toHaveAttribute('data-ticket-status', 'valid');
  await found.getByRole('button', { name: 'Cancel order' }).click();
  // A reason is required.
  const dialog = admin.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(dialog.getByText(/Give a reason/)).toBeVisible();
  await confirmDialog(admin, 'Cancel order', 'Refund requested by phone');
  await expect(admin.getByTestId('toast').filter({ hasText: /Cancelled 1 ticket/ })).toBeVisible();
  await expect(found.locator(`tr[data-seat-id="${seatId}"]`)).toHaveAttribute('data-ticket-status', 'cancelled');
  await expect(found).toContainText('Refund requested by phone');

  // The watching buyer sees the seat come back, live.
  await expect(seatCheckbox(watcher, seatId)).toHaveAttribute('data-status', 'available');
  await expect(seatCheckbox(watcher, seatId)).toBeEnabled();
  await expect(admin.getByTestId('tile-available-value')).toHaveText('24');

  // ---- block a seat (it reads as unavailable to buyers), then unblock it ----
  await admin.getByLabel('Seat ids to select').fill('S-B-2');
  await admin.getByRole('button', { name: 'Select', exact: true }).click();
  const inspector = admin.getByTestId('seat-inspector');
  await inspector.getByLabel('Reason for blocking').fill('Sound desk');
  await inspector.getByRole('button', { name: /^Block/ }).click();
  await expect(admin.getByTestId('toast').filter({ hasText: 'Blocked 1 seat.' })).toBeVisible();
  await expect(admin.getByTestId('tile-blocked-value')).toHaveText('1');
  await showRow(watcher, 'Stalls', 'B');
  await expect(seatCheckbox(watcher, 'S-B-2')).toHaveAttribute('data-status', 'sold');
  await admin.getByLabel('Seat ids to select').fill('S-B-2');
  await admin.getByRole('button', { name: 'Select', exact: true }).click();
  await expect(inspector.getByRole('table', { name: 'History of seat S-B-2' })).toContainText('Sound desk');
  await inspector.getByRole('button', { name: /^Unblock/ }).click();
  await expect(admin.getByTestId('tile-blocked-value')).toHaveText('0');
  await expect(seatCheckbox(watcher, 'S-B-2')).toHaveAttribute('data-status', 'available');
});
