// The waiting room (issue 12) as buyers and an organizer see it, in real
// Chromium with a browser context per person (an organizer, three buyers).
// The organizer turns the room on in the console; a buyer already on the seat
// map is refused a hold with an explanation and joins the queue; everyone
// waits in the pre-queue; the organizer brings the opening forward to a few
// seconds ahead; with a shopper cap of one, buyers are admitted one at a time
// as the one shopping checks out (so every step waits for a condition, never
// for the clock); the waiting watch their place fall live; a waiting buyer
// cannot hold over the API; the last seats sell and the last buyer is told
// the sale is closed.
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

/** Four seats in one row, two per buyer: two buyers sell the event out. */
async function createEvent(admin: Page): Promise<string> {
  const res = await admin.request.post('/api/admin/events', {
    data: {
      name: `On-sale Day ${Date.now().toString(36)}`,
      venueName: 'Small Hall',
      startsAt: Date.now() + 7 * 24 * 3600 * 1000,
      saleStatus: 'open',
      maxSeatsPerBuyer: 2,
      venue: {
        categories: [{ id: 'std', name: 'Standard', priceCents: 2500, color: '#2563eb' }],
        sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 4, x: 0, y: 40, rowCategories: ['std'] }],
        stage: { x: 0, y: 0, width: 60, height: 25, label: 'STAGE' },
      },
    },
  });
  const body = (await res.json()) as { ok: boolean; event?: { id: string } };
  expect(body.ok, JSON.stringify(body)).toBe(true);
  return body.event!.id;
}

/** A datetime-local value (to the second, in the browser's zone) `aheadMs` from now. */
async function localTimeAhead(page: Page, aheadMs: number): Promise<string> {
  return page.evaluate((ahead) => {
    const at = Date.now() + ahead;
    return new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  }, aheadMs);
}

/**
 * What a buyer's page shows right now: "shop", "pre-queue", "closed", "place N", or "loading".
 * Read in one snapshot of the DOM: step-by-step locator reads could wait on an element that
 * vanished in between (the page moving on to the seat map), and stall the poll that calls this.
 */
async function seen(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const shown = (testId: string) => {
        const el = document.querySelector(`[data-testid="${testId}"]`);
        return el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' ? el : null;
      };
      if (shown('shopping-window')) return 'shop';
      const room = shown('waiting-room');
      if (!room) return 'loading';
      if (room.getAttribute('data-phase') === 'closed') return 'closed';
      const place = shown('queue-position');
      if (place) return `place ${place.textContent?.trim()}`;
      return shown('pre-queue') ? 'pre-queue' : 'loading';
    })
    .catch(() => 'loading'); // a navigation replaced the document meanwhile
}

/** Opens the event page of a room that is on: the first load of a fresh browser may be slow on a busy machine. */
async function openQueue(page: Page, eventId: string): Promise<void> {
  await page.goto(`/events/${eventId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You’re in the queue', { timeout: 20_000 });
}

async function seenByAll(pages: Page[]): Promise<string[]> {
  return (await Promise.all(pages.map(seen))).sort();
}

/** Holds the page's hold and checks out as `email`; lands on the order page. */
async function checkOut(page: Page, name: string, email: string): Promise<void> {
  await expect(holdPanel(page)).toHaveCount(1);
  await page.getByRole('button', { name: 'Checkout' }).click();
  const form = page.getByRole('form', { name: 'Checkout' });
  await form.getByLabel(/name/i).fill(name);
  await form.getByLabel(/email/i).fill(email);
  await form.getByRole('button', { name: /confirm/i }).click();
  await page.waitForURL(/\/orders\//);
}

test('waiting room: pre-queue, live places, admission in turn, no hold without admission, closed when sold out', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const admin = await newPage(browser, baseURL!);
  await signIn(admin, '/admin');
  const eventId = await createEvent(admin);
  const tile = (name: string) => admin.getByTestId(`wr-${name}-value`);

  // ---- a buyer is on the seat map before the room exists ----
  const early = await newPage(browser, baseURL!);
  await openEvent(early, eventId);

  // ---- the organizer turns the room on, opening in ten minutes ----
  await admin.goto(`/admin/events/${encodeURIComponent(eventId)}`);
  await admin.getByRole('link', { name: 'Waiting room' }).click();
  await admin.waitForURL(/\/waiting-room$/);
  const settings = admin.getByRole('form', { name: 'Waiting room settings' });
  await settings.getByLabel('Waiting room on').check();
  await settings.getByLabel('Buyers admitted per minute').fill('30');
  await settings.getByLabel('Most active shoppers at once').fill('1');
  await settings.getByLabel('Shopping window (minutes)').fill('3');
  await settings.getByLabel('Opens at').fill(await localTimeAhead(admin, 10 * 60_000));
  await settings.getByRole('button', { name: 'Save waiting room' }).click();
  await expect(admin.getByTestId('toast').filter({ hasText: 'Waiting room saved.' })).toBeVisible();
  await expect(admin.getByRole('heading', { name: 'Waiting room: Pre-queue (before opening)' })).toBeVisible();
  await expect(tile('active')).toHaveText('0');

  // ---- the early buyer is told why the hold is refused, and nothing changes ----
  await showRow(early, 'Stalls', 'A');
  await seatCheckbox(early, 'S-A-4').check();
  await holdButton(early).click();
  await expect(early.getByRole('alert').filter({ hasText: 'This event has a waiting room: join the queue first.' })).toBeVisible();
  const refused = early.getByTestId('admission-needed');
  await expect(refused).toContainText('This event now has a waiting room. To hold seats, take your turn in the queue.');
  await expect(early.getByText('Holding seats needs your turn in the queue.').first()).toBeVisible();
  await expect(holdButton(early)).toBeDisabled();
  await expect(holdPanel(early)).toHaveCount(0);
  await expect(seatCheckbox(early, 'S-A-4')).toHaveAttribute('data-status', 'available');
  await refused.getByRole('button', { name: 'Join the queue' }).click();
  await expect(early.getByTestId('pre-queue')).toContainText('The sale opens at', { timeout: 20_000 });

  // ---- two more buyers arrive before opening: everyone is in the pre-queue ----
  const buyers = [early];
  for (let k = 0; k < 2; k++) {
    const page = await newPage(browser, baseURL!);
    await openQueue(page, eventId);
    await expect(page.getByTestId('pre-queue')).toContainText('The sale opens at');
    buyers.push(page);
  }
  await expect(tile('waiting')).toHaveText('3');
  await expect(admin.getByTestId('wr-waiting')).toContainText('all in the pre-queue');
  for (const page of buyers) await expect(page.getByText('random place')).toBeVisible();

  // ---- settings saved elsewhere (another organizer's tab) show in this untouched form ----
  const changeElsewhere = async (shoppingWindowMs: number) => {
    const current = ((await (await admin.request.get(`/api/admin/events/${eventId}/waiting-room`)).json()) as { room: Record<string, unknown> }).room;
    const res = await admin.request.put(`/api/admin/events/${eventId}/waiting-room`, {
      data: { enabled: true, admitPerMinute: current.admitPerMinute, maxActiveShoppers: current.maxActiveShoppers, shoppingWindowMs, opensAt: current.opensAt },
    });
    expect(res.status()).toBe(200);
  };
  await changeElsewhere(4 * 60_000);
  await expect(settings.getByLabel('Shopping window (minutes)')).toHaveValue('4');
  // With unsaved edits here, the form keeps them and says what happened; the organizer picks.
  await settings.getByLabel('Buyers admitted per minute').fill('31');
  await changeElsewhere(3 * 60_000);
  const elsewhere = admin.getByTestId('wr-changed-elsewhere');
  await expect(elsewhere).toContainText('These settings were changed elsewhere since you started editing.');
  await expect(settings.getByLabel('Buyers admitted per minute')).toHaveValue('31');
  await elsewhere.getByRole('button', { name: 'Show the saved settings' }).click();
  await expect(settings.getByLabel('Buyers admitted per minute')).toHaveValue('30');
  await expect(settings.getByLabel('Shopping window (minutes)')).toHaveValue('3');
  await expect(elsewhere).toHaveCount(0);

  // ---- the organizer brings the opening forward to a few seconds from now ----
  await settings.getByLabel('Opens at').fill(await localTimeAhead(admin, 4000));
  await settings.getByRole('button', { name: 'Save waiting room' }).click();
  await expect(admin.getByTestId('toast').filter({ hasText: 'Waiting room saved.' }).last()).toBeVisible();

  // The shuffle numbers the pre-queue; with one shopper at a time, one is admitted and two wait.
  await expect.poll(() => seenByAll(buyers), { timeout: 60_000 }).toEqual(['place 1', 'place 2', 'shop']);
  await expect(admin.getByRole('heading', { name: 'Waiting room: Admitting' })).toBeVisible();
  await expect(tile('active')).toHaveText('1');
  await expect(tile('waiting')).toHaveText('2');
  await expect(tile('admitted')).toHaveText('1');

  const placeOf = async (page: Page) => seen(page);
  const first = (await Promise.all(buyers.map(placeOf))).indexOf('shop');
  const byPlace = async (place: number) => buyers[(await Promise.all(buyers.map(placeOf))).indexOf(`place ${place}`)];
  const shopper1 = buyers[first];
  const next1 = await byPlace(1);
  const last = await byPlace(2);

  // The admitted buyer is on the seat map with the shopping window showing.
  await expect(shopper1.locator('canvas[data-version]')).toHaveCount(1, { timeout: 20_000 });
  await expect(shopper1.getByTestId('shopping-window')).toContainText('It’s your turn');
  await expect(shopper1.getByTestId('shopping-window')).toContainText(/\d\d:\d\d/);

  // The last in line sees its place, who is ahead, an estimate and its progress.
  await expect(last.getByTestId('queue-ahead')).toHaveText('1');
  await expect(last.getByTestId('queue-estimate')).not.toBeEmpty();
  const progress = last.getByRole('progressbar', { name: 'Progress through the queue' });
  const progressBefore = Number(await progress.getAttribute('aria-valuenow'));

  // A waiting buyer cannot hold, even by going round the page: 403 not_admitted, nothing held.
  const sneak = await next1.request.post(`/api/events/${eventId}/holds`, { data: { seatIds: ['S-A-3'] } });
  expect(sneak.status()).toBe(403);
  expect(((await sneak.json()) as { error: { code: string } }).error.code).toBe('not_admitted');

  // ---- the first shopper picks two seats by hand and checks out: the window ends, the next is let in ----
  await showRow(shopper1, 'Stalls', 'A');
  await seatCheckbox(shopper1, 'S-A-1').check();
  await seatCheckbox(shopper1, 'S-A-2').check();
  await holdButton(shopper1).click();
  await checkOut(shopper1, 'Ada Lovelace', `ada-${eventId}@example.com`);

  await expect.poll(() => seenByAll([next1, last]), { timeout: 60_000 }).toEqual(['place 1', 'shop']);
  await expect(next1.getByTestId('shopping-window')).toBeVisible();
  await expect(last.getByTestId('queue-position')).toHaveText('1');
  await expect(last.getByTestId('queue-ahead')).toHaveText('0');
  expect(Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(progressBefore);
  await expect(tile('admitted')).toHaveText('2');
  await expect(tile('waiting')).toHaveText('1');
  await expect(tile('active')).toHaveText('1');

  // ---- the second shopper asks for the best two seats (the admission goes with that request too) ----
  await expect(next1.locator('canvas[data-version]')).toHaveCount(1, { timeout: 20_000 });
  const best = next1.getByTestId('best-seats');
  await best.getByLabel('Seats', { exact: true }).fill('2');
  await best.getByRole('button', { name: 'Find best 2 seats' }).click();
  await expect(holdPanel(next1).getByRole('heading', { name: 'Your 2 seats are held' })).toBeVisible();
  await checkOut(next1, 'Grace Hopper', `grace-${eventId}@example.com`);

  // ---- sold out: those still waiting are told the sale is closed, and so is the organizer ----
  await expect(last.getByTestId('waiting-room')).toHaveAttribute('data-phase', 'closed');
  await expect(last.getByRole('heading', { level: 1 })).toHaveText('Sold out for now');
  await expect(last.getByText('Every seat is sold or in someone’s basket right now.')).toBeVisible();
  await expect(admin.getByRole('heading', { name: 'Waiting room: Closed: sold out' })).toBeVisible();
  await expect(tile('admitted')).toHaveText('2');
});
