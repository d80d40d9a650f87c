// Door check-in in the organizer console: an organizer at the door types
// ticket codes (valid → green, second scan → red "already checked in",
// cancelled / other event / forged → red); two phones scanning one ticket at
// the same moment get one green and one red; Chromium's fake camera shows a
// ticket's QR code to the scanner page, which admits it; with no camera the
// page says so and typed codes still work. The live view counts admissions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { writeQrVideo } from './fakeCamera';
import { E2E_ADMIN_PASSWORD } from './global-setup';

test.describe.configure({ mode: 'serial' });

interface Door {
  token: string;
  eventId: string;
  eventName: string;
  otherEventName: string;
  /** Codes by seat (S-A-1…), all bought by Grace Hopper. */
  codes: Record<string, string>;
  cancelledCode: string;
  otherEventCode: string;
}

let door: Door;
let api: APIRequestContext;
const baseURL = () => process.env.E2E_BASE_URL!;

async function createDoorEvent(token: string, name: string): Promise<string> {
  const res = await api.post('/api/admin/events', {
    headers: { authorization: `Bearer ${token}` },
    data: {
      name,
      venueName: 'Door Hall',
      startsAt: Date.now() + 3 * 24 * 3600 * 1000,
      saleStatus: 'open',
      venue: {
        categories: [{ id: 'std', name: 'Standard', priceCents: 2500, color: '#2563eb' }],
        sections: [
          { kind: 'straight', id: 'S', name: 'Stalls', rows: 2, seatsPerRow: 8, x: 0, y: 40, rowCategories: ['std'] },
          { kind: 'ga', id: 'PIT', name: 'Standing', capacity: 6, x: 0, y: 90, width: 80, height: 30, category: 'std' },
        ],
        stage: { x: 0, y: 0, width: 80, height: 20, label: 'STAGE' },
      },
    },
  });
  const body = (await res.json()) as { ok: boolean; event?: { id: string } };
  expect(body.ok, JSON.stringify(body)).toBe(true);
  return body.event!.id;
}

/** Buys seats as a fresh buyer through the public API; returns the order's codes by seat and its id. */
async function buy(eventId: string, seatIds: string[], name: string): Promise<{ orderId: string; codes: Record<string, string> }> {
  const session = (await (await api.post('/api/session')).json()) as { token: string };
  const auth = { authorization: `Bearer ${session.token}` };
  const held = (await (await api.post(`/api/events/${eventId}/holds`, { headers: auth, data: { seatIds } })).json()) as { ok: boolean; hold: { id: string } };
  expect(held.ok).toBe(true);
  const confirmed = await api.post(`/api/holds/${held.hold.id}/confirm`, {
    headers: { ...auth, 'idempotency-key': `door-e2e-${held.hold.id}` },
    data: { buyer: { name, email: 'door@example.com' } },
  });
  const body = (await confirmed.json()) as { ok: boolean; order: { id: string; tickets: { seatId: string; code: string }[] } };
  expect(body.ok, JSON.stringify(body)).toBe(true);
  return { orderId: body.order.id, codes: Object.fromEntries(body.order.tickets.map((t) => [t.seatId, t.code])) };
}

test.beforeAll(async () => {
  api = await playwrightRequest.newContext({ baseURL: baseURL() });
  const login = await api.post('/api/admin/login', { data: { password: E2E_ADMIN_PASSWORD } });
  expect(login.ok()).toBe(true);
  const { token } = (await login.json()) as { token: string };
  const suffix = Date.now().toString(36);
  const eventName = `Door Night ${suffix}`;
  const otherEventName = `Other Night ${suffix}`;
  const eventId = await createDoorEvent(token, eventName);
  const otherEventId = await createDoorEvent(token, otherEventName);
  const main = await buy(eventId, ['S-A-1', 'S-A-2', 'S-A-3', 'S-A-4', 'S-A-5', 'PIT-GA-1'], 'Grace Hopper');
  const refunded = await buy(eventId, ['S-B-1'], 'Alan Turing');
  const cancel = await api.post(`/api/admin/orders/${refunded.orderId}/cancel`, { headers: { authorization: `Bearer ${token}` }, data: { reason: 'refund' } });
  expect(cancel.ok()).toBe(true);
  const other = await buy(otherEventId, ['S-A-1'], 'Ada Lovelace');
  door = { token, eventId, eventName, otherEventName, codes: main.codes, cancelledCode: refunded.codes['S-B-1'], otherEventCode: other.codes['S-A-1'] };
});

test.afterAll(async () => {
  await api?.dispose();
});

/** A browser context signed in as the organizer (the session cookie from the API login). */
async function organizer(browser: Browser, viewport = { width: 390, height: 844 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseURL(), viewport });
  await context.addCookies([{ name: 'seatline_admin', value: door.token, url: baseURL(), httpOnly: true, sameSite: 'Strict' }]);
  return { context, page: await context.newPage() };
}

const scanner = (eventId = door.eventId) => `/admin/events/${encodeURIComponent(eventId)}/check-in`;

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Ticket code').fill(code);
  await page.getByRole('button', { name: 'Check in' }).click();
}

/** Waits for the result of scan number `n` on this screen (history grows by one per answer). */
async function resultOfScan(page: Page, n: number) {
  await expect(page.getByTestId('scan-history').locator('li')).toHaveCount(n);
  return page.getByTestId('scan-result');
}

/** Screenshots for reviewing the design (only when SCREENSHOT_DIR is set): phone and desktop. */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  const size = page.viewportSize();
  for (const [w, h] of [[390, 844], [1366, 900]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(dir, `${name}-${w}.png`), fullPage: false });
  }
  if (size) await page.setViewportSize(size);
}

test('an organizer checks tickets in by typed code: green once, then red for a second scan, a cancelled, another event’s and a forged code', async ({ browser }) => {
  const { context, page } = await organizer(browser);
  // From the event's live view to the door.
  await page.goto(`/admin/events/${encodeURIComponent(door.eventId)}`);
  await page.getByRole('link', { name: 'Door check-in' }).click();
  await page.waitForURL((url) => url.pathname === scanner());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Door check-in');
  await expect(page.getByTestId('scan-result')).toContainText('Ready to scan');
  await expect(page.getByTestId('door-counts')).toHaveText('0 of 6 checked in');
  await shoot(page, 'scanner-idle');

  await page.getByLabel('This door (optional)').fill('North');
  await typeCode(page, door.codes['S-A-1']);
  let result = await resultOfScan(page, 1);
  await expect(result).toHaveAttribute('data-verdict', 'admit');
  await expect(result).toContainText('Admit');
  await expect(result).toContainText('Stalls · Row A · Seat 1');
  await expect(result).toContainText('Grace Hopper');
  await expect(page.getByRole('status').filter({ hasText: 'Admit. Door North. Stalls, Row A, Seat 1. Grace Hopper.' })).toHaveCount(1);
  await expect(page.getByTestId('door-counts')).toHaveText('1 of 6 checked in');
  await expect(page.getByLabel('Ticket code')).toHaveValue('');
  await expect(page.getByLabel('Ticket code')).toBeFocused();
  await shoot(page, 'scanner-green');

  await typeCode(page, door.codes['S-A-1']);
  result = await resultOfScan(page, 2);
  await expect(result).toHaveAttribute('data-verdict', 'refuse');
  await expect(result).toHaveAttribute('data-error-code', 'already_checked_in');
  await expect(result).toContainText('Do not admit');
  await expect(result).toContainText(/Already checked in\s*at \d\d:\d\d · door North/);
  await expect(result).toContainText('Grace Hopper');
  await shoot(page, 'scanner-red');

  await typeCode(page, door.cancelledCode);
  await expect((await resultOfScan(page, 3))).toHaveAttribute('data-error-code', 'ticket_cancelled');
  await expect(page.getByTestId('scan-result')).toContainText('Cancelled ticket');
  await expect(page.getByTestId('scan-result')).toContainText('Alan Turing');

  await typeCode(page, door.otherEventCode);
  await expect((await resultOfScan(page, 4))).toHaveAttribute('data-error-code', 'wrong_event');
  await expect(page.getByTestId('scan-result')).toContainText(`Wrong event`);
  await expect(page.getByTestId('scan-result')).toContainText(door.otherEventName);

  await typeCode(page, 'AAAAAAAAAAAAAAAAAAAAAA');
  await expect((await resultOfScan(page, 5))).toHaveAttribute('data-error-code', 'unknown_ticket');
  await expect(page.getByTestId('scan-result')).toContainText('Unknown code');

  await typeCode(page, 'not a code!');
  await expect((await resultOfScan(page, 6))).toHaveAttribute('data-error-code', 'invalid_request');

  // A general-admission ticket shows its area.
  await typeCode(page, door.codes['PIT-GA-1']);
  await expect((await resultOfScan(page, 7))).toHaveAttribute('data-verdict', 'admit');
  await expect(page.getByTestId('scan-result')).toContainText('Standing · General admission');

  const history = page.getByTestId('scan-history').locator('li');
  await expect(history.first()).toContainText('Admitted');
  await expect(history.nth(5)).toContainText('Already checked in');
  await expect(history.nth(6)).toContainText('Admitted');

  // The live view counts the admissions.
  await page.goto(`/admin/events/${encodeURIComponent(door.eventId)}`);
  await expect(page.getByTestId('tile-checked-in-value')).toHaveText('2 / 6');
  await shoot(page, 'live-view');
  await context.close();
});

test('two doors scan the same ticket at the same moment: one green, one red', async ({ browser }) => {
  const phones = await Promise.all([organizer(browser), organizer(browser)]);
  for (const { page } of phones) {
    await page.goto(scanner());
    await page.getByLabel('Ticket code').fill(door.codes['S-A-2']);
  }
  await Promise.all(phones.map(({ page }) => page.getByRole('button', { name: 'Check in' }).click()));
  const verdicts: string[] = [];
  for (const { page } of phones) {
    const result = await resultOfScan(page, 1);
    await expect(result).toHaveAttribute('data-verdict', /admit|refuse/);
    verdicts.push((await result.getAttribute('data-verdict'))!);
  }
  expect([...verdicts].sort()).toEqual(['admit', 'refuse']);
  const red = phones[verdicts.indexOf('refuse')].page;
  await expect(red.getByTestId('scan-result')).toContainText('Already checked in');
  for (const { context } of phones) await context.close();
});

test('the camera reads a ticket’s QR code (Chromium fake camera) and admits it', async ({}, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'seatline-camera-'));
  const video = join(dir, 'ticket.y4m');
  writeQrVideo(video, door.codes['S-A-3']);
  const launch = testInfo.project.use.launchOptions ?? {};
  const cameraBrowser = await chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const { context, page } = await organizer(cameraBrowser);
    await context.grantPermissions(['camera'], { origin: baseURL() });
    await page.goto(scanner());
    // Access was granted: the camera starts by itself and reads the code.
    const result = page.getByTestId('scan-result');
    await expect(result).toHaveAttribute('data-verdict', 'admit', { timeout: 20_000 });
    await expect(result).toContainText('Stalls · Row A · Seat 3');
    await expect(page.locator('[data-camera-state]')).toHaveAttribute('data-camera-state', 'on');
    // The ticket stays in front of the camera: it is not scanned again (no red "already checked in").
    await page.waitForTimeout(1500);
    await expect(page.getByTestId('scan-history').locator('li')).toHaveCount(1);
    await shoot(page, 'scanner-camera');
    await page.getByRole('button', { name: 'Stop camera' }).click();
    await expect(page.locator('[data-camera-state]')).toHaveAttribute('data-camera-state', 'off');
    await context.close();
  } finally {
    await cameraBrowser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with the camera refused, the page says so and typed codes still work', async ({}, testInfo) => {
  const launch = testInfo.project.use.launchOptions ?? {};
  // A camera exists, but the browser refuses access to it.
  const deniedBrowser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), '--use-fake-device-for-media-stream', '--deny-permission-prompts'] });
  try {
    const { context, page } = await organizer(deniedBrowser);
    await page.goto(scanner());
    await page.getByRole('button', { name: 'Start camera' }).click();
    await expect(page.locator('[data-camera-state]')).toHaveAttribute('data-camera-state', 'denied');
    await expect(page.getByRole('alert').filter({ hasText: 'Camera access was refused' })).toBeVisible();
    await typeCode(page, door.codes['S-A-4']);
    await expect(await resultOfScan(page, 1)).toHaveAttribute('data-verdict', 'admit');
    await context.close();
  } finally {
    await deniedBrowser.close();
  }
});
