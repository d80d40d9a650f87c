// General admission: places sold by quantity. Two buyers share a 5-place
// standing pit on an event created through the organizer API.
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { E2E_ADMIN_PASSWORD } from './global-setup';
import { holdPanel, openEvent } from './buyerPage';

async function createGaEvent(request: APIRequestContext): Promise<string> {
  const login = await request.post('/api/admin/login', { data: { password: E2E_ADMIN_PASSWORD } });
  expect(login.ok()).toBe(true);
  const res = await request.post('/api/admin/events', {
    data: {
      name: `Standing Night ${Date.now()}`,
      venueName: 'The Yard',
      startsAt: Date.now() + 7 * 24 * 3600 * 1000,
      saleStatus: 'open',
      venue: {
        categories: [
          { id: 'pit', name: 'Pit', priceCents: 3000, color: '#d97706' },
          { id: 'std', name: 'Std', priceCents: 2000, color: '#2563eb' },
        ],
        sections: [
          { kind: 'ga', id: 'PIT', name: 'Standing pit', capacity: 5, x: 0, y: 40, width: 120, height: 40, category: 'pit' },
          { kind: 'straight', id: 'S', name: 'Stalls', rows: 2, seatsPerRow: 6, x: 0, y: 100, rowCategories: ['std'] },
        ],
        stage: { x: 0, y: 0, width: 120, height: 25, label: 'STAGE' },
      },
    },
  });
  const body = (await res.json()) as { ok: boolean; event?: { id: string } };
  expect(body.ok, JSON.stringify(body)).toBe(true);
  return body.event!.id;
}

async function newBuyer(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

async function addPlaces(page: Page, quantity: number): Promise<void> {
  await page.getByLabel('Number of places in Standing pit').fill(String(quantity));
  await page.getByRole('button', { name: `Add ${quantity} places` }).click();
}

test('two buyers share a standing area by quantity, live, and the first checks out', async ({ browser, baseURL, request }) => {
  const eventId = await createGaEvent(request);
  const alice = await newBuyer(browser, baseURL!);
  const bob = await newBuyer(browser, baseURL!);
  await openEvent(alice, eventId);
  await openEvent(bob, eventId);
  const left = (page: Page) => page.getByTestId('ga-left-PIT');
  await expect(left(bob)).toHaveText('5 of 5 left');
  // GA places are not in the list picker; only the seated section is.
  await expect(bob.getByLabel('Section', { exact: true }).locator('option')).toHaveText(['Stalls']);

  // Alice takes 3 places; Bob sees the count drop live.
  await addPlaces(alice, 3);
  await expect(holdPanel(alice)).toHaveCount(1);
  await expect(holdPanel(alice).getByRole('heading')).toHaveText('Your 3 places are held');
  await expect(holdPanel(alice)).toContainText('Standing pit · General admission');
  await expect(alice.getByText('3 places in Standing pit are held for you.', { exact: false }).first()).toBeAttached();
  await expect(left(bob)).toHaveText('2 of 5 left');

  // Bob asks for too many and is told how many are left; then takes the rest.
  await addPlaces(bob, 3);
  await expect(bob.getByRole('alert').filter({ hasText: 'Only 2 places are left in Standing pit.' })).toBeVisible();
  await expect(holdPanel(bob)).toHaveCount(0);
  await addPlaces(bob, 2);
  await expect(holdPanel(bob)).toHaveCount(1);
  for (const page of [alice, bob]) {
    await expect(left(page)).toHaveText('Full');
    await expect(page.getByRole('button', { name: 'Sold out' })).toBeDisabled();
  }

  // Alice checks out her GA hold: three general-admission tickets.
  await alice.getByRole('button', { name: 'Checkout' }).click();
  const form = alice.getByRole('form', { name: 'Checkout' });
  await form.getByLabel(/name/i).fill('Grace Hopper');
  await form.getByLabel(/email/i).fill('grace@example.com');
  await form.getByRole('button', { name: /pay|confirm|buy/i }).click();
  await alice.waitForURL(/\/orders\/o_/);
  const tickets = alice.locator('article[data-ticket-id]');
  await expect(tickets).toHaveCount(3);
  await expect(alice.locator('article[data-ga]')).toHaveCount(3);
  await expect(tickets.first()).toContainText('Standing pit');
  await expect(tickets.first()).toContainText('General admission');
});
