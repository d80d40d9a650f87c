// After the purchase, in real browsers: the confirmation email (received by a
// real SMTP server) opens the order in a browser context that never bought
// anything; an open order page follows the organizer's cancellations live and
// never says "confirmed" for a cancelled order; "Find my tickets"; and the
// organizer replacing a leaked link from the console.
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import type { OrderView } from '../lib/protocol';
import { expect, test } from './fixtures';
import { E2E_ADMIN_PASSWORD } from './global-setup';
import { orderLinks, waitForMail } from './mailbox';

const EVENT = 'demo-theatre';
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Buys `seatIds` over the API in a context of its own (its cookie is the buyer's session). */
async function buy(browser: Browser, baseURL: string, seatIds: string[], email: string): Promise<{ context: BrowserContext; order: OrderView }> {
  const context = await browser.newContext({ baseURL });
  const api = context.request;
  expect((await api.post('/api/session')).ok()).toBe(true);
  const hold = await api.post(`/api/events/${EVENT}/holds`, { data: { seatIds } });
  expect(hold.status(), await hold.text()).toBe(201);
  const { hold: h } = (await hold.json()) as { hold: { id: string } };
  const confirm = await api.post(`/api/holds/${h.id}/confirm`, { data: { buyer: { name: 'Mary Seacole', email } }, headers: { 'idempotency-key': `e2e-${unique()}` } });
  expect(confirm.status(), await confirm.text()).toBe(201);
  return { context, order: ((await confirm.json()) as { order: OrderView }).order };
}

async function organizer(request: APIRequestContext): Promise<(path: string, data: unknown) => Promise<void>> {
  const login = await request.post('/api/admin/login', { data: { password: E2E_ADMIN_PASSWORD } });
  const { token } = (await login.json()) as { token: string };
  return async (path, data) => {
    const res = await request.post(path, { headers: { authorization: `Bearer ${token}` }, data });
    expect(res.ok(), await res.text()).toBe(true);
  };
}

/** A phone: a fresh context that never bought anything, opening the link from the email. */
async function openOnPhone(browser: Browser, link: string): Promise<Page> {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await phone.newPage();
  await page.goto(link);
  return page;
}

test('the confirmation email arrives and its link opens the order in a browser that never bought anything', async ({ browser, baseURL }) => {
  const email = `mary-${unique()}@example.com`;
  const { order } = await buy(browser, baseURL!, ['DC-E-3', 'DC-E-4'], email);
  const [mail] = await waitForMail(email, new RegExp(`Your tickets for The Glass Menagerie \\(order ${order.id}\\)`));
  const links = orderLinks(mail);
  expect(links).toHaveLength(1);

  const page = await openOnPhone(browser, links[0]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You’re going to The Glass Menagerie!');
  await expect(page.locator('[data-order-status]')).toHaveAttribute('data-order-status', 'confirmed');
  for (const t of order.tickets) {
    const card = page.locator(`article[data-seat-id="${t.seatId}"]`);
    await expect(card.locator('img[alt^="QR code"]')).toBeVisible();
    await expect(card).toContainText(t.code);
  }
  // It offers the same link to pass on, and the way to find lost tickets.
  await expect(page.getByLabel('Link to this order')).toHaveValue(new RegExp(`/orders/${order.id}\\?key=`));
  await expect(page.getByRole('link', { name: 'Find my tickets' }).first()).toBeVisible();

  // A damaged link says what is wrong; no key at all in a stranger's browser finds nothing.
  await page.goto(links[0].replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
  // (Next.js keeps a route announcer with role=alert too: look for ours by its text.)
  await expect(page.getByRole('alert').filter({ hasText: 'This order link doesn’t work' })).toBeVisible();
  await page.goto(new URL(links[0]).pathname);
  await expect(page.getByRole('alert').filter({ hasText: 'We couldn’t find that order' })).toBeVisible();
});

test('the organizer cancels some, then all tickets: the open page follows live, the buyer is emailed, "confirmed" is gone', async ({ browser, baseURL, request }) => {
  const email = `cancel-${unique()}@example.com`;
  const { order } = await buy(browser, baseURL!, ['DC-F-1', 'DC-F-2', 'DC-F-3'], email);
  const [mail] = await waitForMail(email, /^Your tickets for/);
  const page = await openOnPhone(browser, orderLinks(mail)[0]);
  await expect(page.locator('article[data-ticket-status="valid"]')).toHaveCount(3);
  // The page is in the order's room: what follows reaches it as a push, not as a reload.
  await expect(page.locator('[data-live="on"]')).toHaveCount(1);
  const cancel = await organizer(request);

  await cancel(`/api/admin/orders/${order.id}/cancel`, { seatIds: ['DC-F-1'], reason: 'Seat damaged' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Part of your order was cancelled');
  const notice = page.getByTestId('cancellation-notice');
  await expect(notice).toContainText('Dress Circle Centre, row F, seat 1');
  await expect(notice).toContainText('Reason: “Seat damaged”');
  await expect(page.getByTestId('refund-amount')).toContainText('€55'); // row F is Standard
  await expect(page.locator('article[data-ticket-status="valid"]')).toHaveCount(2);
  await expect(page.locator('article[data-seat-id="DC-F-1"]')).toHaveAttribute('data-ticket-status', 'cancelled');
  await expect(page.locator('article[data-seat-id="DC-F-1"] img')).toHaveCount(0); // no QR code for a cancelled ticket
  await expect(page.getByRole('status').filter({ hasText: 'The organizer just cancelled some tickets' })).toBeAttached();
  await waitForMail(email, new RegExp(`^1 ticket cancelled: order ${order.id}`));

  await cancel(`/api/admin/orders/${order.id}/cancel`, { reason: 'Show moved to March' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This order was cancelled');
  await expect(page.locator('[data-order-status]')).toHaveAttribute('data-order-status', 'cancelled');
  await expect(page.locator('article[data-ticket-status="valid"]')).toHaveCount(0);
  await expect(page.getByTestId('refund-amount')).toContainText('€165');
  await expect(page.getByTestId('cancellation-notice')).toContainText('Show moved to March');
  await expect(page.locator('main')).not.toContainText(/confirmed|You’re going/i);
  await expect(page.getByRole('button', { name: 'Print tickets' })).toHaveCount(0);
  const [notice2] = await waitForMail(email, new RegExp(`^Cancelled: your order ${order.id}`));
  expect(notice2.text).not.toMatch(/confirmed|You’re going/i);

  // Reloaded, it still says so (not only the live update).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This order was cancelled');
});

test('Find my tickets answers the same for any address and emails the owner a link to each order', async ({ browser, baseURL, page }) => {
  const email = `finder-${unique()}@example.com`;
  const { order } = await buy(browser, baseURL!, ['BA-H-20'], email);
  await waitForMail(email, /^Your tickets for/);

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Find my tickets' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Find my tickets');
  const answerFor = async (address: string) => {
    await page.getByLabel('Email address').fill(address);
    await page.getByRole('button', { name: 'Email me my links' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Request received' });
    await expect(status).toContainText(address);
    return (await status.innerText()).replace(address, '<address>');
  };
  expect(await answerFor(email.toUpperCase())).toBe(await answerFor(`nobody-${unique()}@example.com`));

  const [links] = await waitForMail(email, /^Your Seatline order$/);
  const link = orderLinks(links)[0];
  expect(link).toContain(`/orders/${order.id}?key=`);
  const phone = await openOnPhone(browser, link);
  await expect(phone.locator(`article[data-seat-id="BA-H-20"]`)).toBeVisible();
});

test('the organizer replaces a leaked link in the console: the page open with the old link says so, the new link works', async ({ browser, baseURL }) => {
  const email = `leak-${unique()}@example.com`;
  const { order } = await buy(browser, baseURL!, ['DC-G-7'], email);
  const [mail] = await waitForMail(email, /^Your tickets for/);
  const phone = await openOnPhone(browser, orderLinks(mail)[0]);
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('You’re going to The Glass Menagerie!');
  await expect(phone.locator('[data-live="on"]')).toHaveCount(1);

  const admin = await (await browser.newContext({ baseURL })).newPage();
  await admin.goto(`/admin/login?next=${encodeURIComponent(`/admin/events/${EVENT}`)}`);
  await admin.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL((url) => url.pathname === `/admin/events/${EVENT}`);
  const orders = admin.getByTestId('orders-panel');
  await orders.getByLabel('Order id or buyer email').fill(order.id);
  await orders.getByRole('button', { name: 'Find', exact: true }).click();
  const card = admin.getByTestId('order-search-results').getByTestId('order-card');
  await expect(card).toHaveCount(1);
  const access = card.getByTestId('order-access');
  await expect(access.locator('[data-email-kind="order_confirmation"]')).toHaveAttribute('data-email-state', 'sent');
  await access.getByRole('button', { name: 'Replace link' }).click();
  const dialog = admin.getByRole('dialog');
  await expect(dialog).toContainText(email);
  await dialog.getByRole('button', { name: 'Replace link' }).click();
  await expect(admin.getByTestId('toast').filter({ hasText: `Replaced the link to order ${order.id}` })).toBeVisible();

  // The page that was open with the old link learns it at once.
  await expect(phone.getByRole('alert').filter({ hasText: 'This order link was replaced' })).toBeVisible();
  const [fresh] = await waitForMail(email, new RegExp(`^A new link to your order ${order.id}$`));
  const newLink = orderLinks(fresh)[0];
  await expect(access.getByLabel('Buyer link')).toHaveValue(newLink);
  await phone.goto(newLink);
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('You’re going to The Glass Menagerie!');
});
