// The organizer's Cluster page in embedded mode (the e2e server is one
// process): the card of this process with the demo events it runs, the plain
// explanation of embedded mode, and live figures (a buyer who opens an event
// shows up as its viewer at the next poll, without reloading the page), and
// a hidden tab stops polling.
import { expect, test } from './fixtures';
import { E2E_ADMIN_PASSWORD } from './global-setup';

test('an organizer sees the one process and the demo events it runs, updating live', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ baseURL });
  const admin = await context.newPage();
  await admin.goto(`/admin/login?next=${encodeURIComponent('/admin/cluster')}`);
  await admin.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL((url) => url.pathname === '/admin/cluster');

  await expect(admin.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
  await expect(admin.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Cluster' })).toHaveAttribute('aria-current', 'page');
  await expect(admin.getByTestId('cluster-mode')).toContainText('Embedded mode');
  await expect(admin.getByTestId('cluster-feed')).toHaveText(/Live/);
  await expect(admin.getByRole('heading', { name: 'One process runs every event' })).toBeVisible();
  await expect(admin.getByText('npm run cluster')).toBeVisible();

  const cards = admin.getByTestId('process-card');
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  await expect(card.getByRole('heading', { name: 'embedded' })).toBeVisible();
  await expect(card.getByText('Live', { exact: true })).toBeVisible();
  const events = card.getByRole('list', { name: 'Events run by embedded' });
  const theatre = events.getByTestId('owned-event').filter({ has: admin.getByRole('link', { name: 'The Glass Menagerie' }) });
  await expect(theatre).toContainText('epoch 0');
  await expect(theatre).toContainText(/\d+ queued of [\d,]+/);
  await expect(events.getByRole('link', { name: 'Aurora Lights — World Tour' })).toBeVisible();
  // No leases and no timeline in embedded mode.
  await expect(admin.getByTestId('lease-table')).toHaveCount(0);

  // A buyer opens the theatre in another browser: the next poll counts them.
  const buyerContext = await browser.newContext({ baseURL });
  const buyer = await buyerContext.newPage();
  await buyer.goto('/events/demo-theatre');
  await expect(buyer.locator('canvas[data-version]')).toBeVisible({ timeout: 20_000 });
  await expect(theatre).toContainText(/[1-9]\d* viewers?/, { timeout: 15_000 });
  await buyerContext.close();

  // A hidden tab stops polling (no request in two and a half intervals); visible again, it polls at once.
  const polls: number[] = [];
  admin.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/admin/cluster') polls.push(Date.now());
  });
  const setHidden = (hidden: boolean) =>
    admin.evaluate((value) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  await expect(admin.getByTestId('cluster-feed')).toHaveText('Paused while this tab is hidden');
  const pausedAt = polls.length;
  await admin.waitForTimeout(5000);
  expect(polls.length).toBe(pausedAt);
  await setHidden(false);
  await expect(admin.getByTestId('cluster-feed')).toHaveText(/Live/);
  await expect.poll(() => polls.length).toBeGreaterThan(pausedAt);
  await context.close();
});
