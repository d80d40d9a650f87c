// Issue 9 against the real production build: every page satisfies its
// Content-Security-Policy in Chromium (no violation, no console error), and
// every page route answers with the security headers, a fresh nonce that Next
// put on all its scripts, and caching that no shared cache may store.
import type { APIRequestContext, APIResponse, BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { E2E_ADMIN_PASSWORD } from './global-setup';

type Violation = { directive: string; blocked: string; sample: string };

/** Records CSP violations (the DOM event) and console errors / uncaught exceptions of every page of a context. */
async function watchProblems(context: BrowserContext): Promise<{ problems: string[]; track(page: Page): void }> {
  await context.addInitScript(() => {
    const list: Violation[] = [];
    (window as unknown as { __cspViolations: Violation[] }).__cspViolations = list;
    document.addEventListener('securitypolicyviolation', (e) => list.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
  });
  const problems: string[] = [];
  return {
    problems,
    track(page: Page) {
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
    },
  };
}

async function violationsOf(page: Page): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: Violation[] }).__cspViolations ?? []);
}

/** Opens a page, waits until it has done its work (its `ready` element shows), then checks for violations. */
async function visit(page: Page, problems: string[], path: string, ready: (page: Page) => ReturnType<Page['locator']>): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(400);
  await expect(ready(page)).toBeVisible({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  const violations = await violationsOf(page);
  expect(violations, `CSP violations on ${path}`).toEqual([]);
  expect(problems, `console errors on ${path}`).toEqual([]);
}

/** A seat of demo-arena that is free now. */
async function freeArenaSeat(request: APIRequestContext): Promise<string> {
  const availability = await (await request.get('/api/events/demo-arena/availability')).json();
  const seatId = Object.entries(availability.seats as Record<string, string>).find(([, status]) => status === 'available')?.[0];
  if (!seatId) throw new Error('no free seat in demo-arena');
  return seatId;
}

test('buyer pages and an order page run under the CSP without a violation or console error', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL });
  const { problems, track } = await watchProblems(context);
  const page = await context.newPage();
  track(page);

  await visit(page, problems, '/', (p) => p.getByRole('heading', { name: 'Upcoming events' }));
  await expect(page.getByRole('link', { name: /The Glass Menagerie/ }).first()).toBeVisible();
  await visit(page, problems, '/events/demo-theatre', (p) => p.locator('canvas[data-version]'));
  // The inline preload script ran (it carries the nonce): its marks exist.
  expect(await page.evaluate(() => performance.getEntriesByName('seatline-preload-event').length)).toBe(1);
  await visit(page, problems, '/events/demo-arena', (p) => p.locator('canvas[data-version]'));

  // An order of this browser's buyer (its cookie), bought over the API.
  const seatId = await freeArenaSeat(page.request);
  const hold = await page.request.post('/api/events/demo-arena/holds', { data: { seatIds: [seatId] } });
  expect(hold.status()).toBe(201);
  const holdId = (await hold.json()).hold.id as string;
  const order = await page.request.post(`/api/holds/${holdId}/confirm`, {
    data: { buyer: { name: 'Csp Tester', email: 'csp@example.com' } },
    headers: { 'idempotency-key': `csp-${Date.now()}` },
  });
  expect(order.status()).toBe(201);
  const orderId = (await order.json()).order.id as string;
  await visit(page, problems, `/orders/${orderId}`, (p) => p.getByRole('img', { name: /QR code/ }).first());
  await visit(page, problems, '/find-tickets', (p) => p.getByRole('heading', { name: 'Find my tickets' }));

  // A client-side navigation (RSC payload, no full load) stays clean too.
  await page.getByRole('link', { name: 'Events', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Upcoming events' })).toBeVisible();
  expect(await violationsOf(page)).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test('the organizer console runs under the CSP without a violation or console error', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL });
  const { problems, track } = await watchProblems(context);
  const page = await context.newPage();
  track(page);

  await visit(page, problems, '/admin/login', (p) => p.getByLabel('Password'));
  await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/admin');
  await visit(page, problems, '/admin', (p) => p.getByTestId('events-table'));
  await visit(page, problems, '/admin/events/new', (p) => p.getByLabel('Event name'));
  await visit(page, problems, '/admin/events/demo-theatre', (p) => p.getByTestId('feed-state').filter({ hasText: 'Live' }));
  await visit(page, problems, '/admin/events/demo-theatre/edit', (p) => p.getByLabel('Event name'));
  await visit(page, problems, '/admin/events/demo-theatre/waiting-room', (p) => p.getByRole('heading', { name: 'Settings' }));
  await visit(page, problems, '/admin/cluster', (p) => p.getByTestId('process-card').first());
  // Headless Chromium has no camera: the scanner says so in the page, and the typed-code fallback works.
  await visit(page, problems, '/admin/events/demo-theatre/check-in', (p) => p.getByRole('heading', { name: 'Type a code' }));
  await context.close();
});

// ---------- headers of every page route ----------

function nonceOf(response: APIResponse): string {
  const csp = response.headers()['content-security-policy'] ?? '';
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  if (!nonce) throw new Error(`no nonce in ${csp}`);
  return nonce;
}

function expectPrivate(response: APIResponse, what: string): void {
  const cacheControl = response.headers()['cache-control'] ?? '';
  expect(cacheControl, what).toMatch(/private|no-store/);
  expect(cacheControl, what).not.toMatch(/public|s-maxage/);
}

async function expectPageHeaders(response: APIResponse, what: string): Promise<void> {
  const headers = response.headers();
  expectPrivate(response, what);
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('same-origin');
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("'strict-dynamic'");
  expect(csp, what).not.toContain('unsafe-eval');
  // Every script Next rendered carries this response's nonce.
  const nonce = nonceOf(response);
  const html = await response.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, what).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, what).toContain(`nonce="${nonce}"`);
}

test('every page route: security headers, a fresh nonce on every script, no shared caching', async ({ playwright, baseURL }) => {
  // A new visitor each time (no cookie yet): every page sets the buyer cookie, and still no shared cache may keep it.
  const nonces = new Set<string>();
  const pagePaths = ['/', '/events/demo-theatre', '/events/demo-arena', '/orders/o_AAAAAAAAAAAAAAAA', '/find-tickets', '/admin/login', '/no-such-page'];
  for (const path of pagePaths) {
    const visitor = await playwright.request.newContext({ baseURL });
    const response = await visitor.get(path);
    await expectPageHeaders(response, path);
    nonces.add(nonceOf(response));
    expect(response.headers()['set-cookie'] ?? '', path).toMatch(/seatline_buyer=/);
    await visitor.dispose();
  }
  expect(nonces.size).toBe(pagePaths.length);

  // A malformed cookie is no session: a fresh one is issued, never a 5xx.
  for (const cookie of ['seatline_buyer=%E0%A4%A', 'seatline_admin=%']) {
    const visitor = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie } });
    const page = await visitor.get('/');
    expect(page.status(), cookie).toBe(200);
    expect(page.headers()['set-cookie'] ?? '').toMatch(/seatline_buyer=b_/);
    const admin = await visitor.get('/admin', { maxRedirects: 0 });
    expect(admin.status(), cookie).toBe(302);
    await visitor.dispose();
  }

  const anonymous = await playwright.request.newContext({ baseURL });

  // Organizer pages: a redirect nobody stores without a session, private pages with one.
  for (const path of ['/admin', '/admin/events/new', '/admin/events/demo-theatre', '/admin/events/demo-theatre/edit', '/admin/events/demo-theatre/waiting-room', '/admin/events/demo-theatre/check-in']) {
    const response = await anonymous.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(302);
    expectPrivate(response, path);
  }
  const login = await anonymous.post('/api/admin/login', { data: { password: E2E_ADMIN_PASSWORD } });
  expect(login.status()).toBe(200);
  for (const path of ['/admin', '/admin/events/new', '/admin/events/demo-theatre', '/admin/events/demo-theatre/edit', '/admin/events/demo-theatre/waiting-room', '/admin/events/demo-theatre/check-in']) {
    const response = await anonymous.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(200);
    await expectPageHeaders(response, path);
  }

  // Content-hashed build files stay long-cacheable and set no cookie; so does the icon.
  const html = await (await anonymous.get('/')).text();
  const chunk = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
  expect(chunk).toBeDefined();
  const stranger = await playwright.request.newContext({ baseURL });
  const asset = await stranger.get(chunk!);
  expect(asset.status()).toBe(200);
  expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(asset.headers()['set-cookie']).toBeUndefined();
  const icon = await stranger.get('/icon.svg');
  expect(icon.headers()['cache-control']).toMatch(/public/);
  expect(icon.headers()['set-cookie']).toBeUndefined();
  await stranger.dispose();
  await anonymous.dispose();
});
