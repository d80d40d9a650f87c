// Screenshot script (scratch): order page states, find-tickets, console card, emails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, request as pwRequest } from '@playwright/test';
import { simpleParser } from 'mailparser';

const OUT = '/tmp/tm-shots';
const dir = mkdtempSync(join(tmpdir(), 'tm-shots-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/serve.ts'], {
  env: { ...process.env, DATABASE_PATH: join(dir, 'db.db'), SQLITE_SYNCHRONOUS: 'NORMAL', ADMIN_PASSWORD: 'shots-password', MAIL_OUTBOX_DIR: join(dir, 'outbox'), LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).on('line', (l) => { try { const j = JSON.parse(l); if (j.url) resolve(j.url); } catch {} }));
const base = url.replace('127.0.0.1', 'localhost');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const api = await pwRequest.newContext({ baseURL: base });
const adminLogin = await api.post('/api/admin/login', { data: { password: 'shots-password' } });
const adminToken = (await adminLogin.json()).token;

async function buy(seatIds: string[], email: string) {
  const ctx = await pwRequest.newContext({ baseURL: base });
  await ctx.post('/api/session');
  const h = await (await ctx.post('/api/events/demo-theatre/holds', { data: { seatIds } })).json();
  const c = await (await ctx.post(`/api/holds/${h.hold.id}/confirm`, { data: { buyer: { name: 'Mary Seacole', email } }, headers: { 'idempotency-key': `shots-${Math.random()}` } })).json();
  const o = await (await ctx.get(`/api/orders/${c.order.id}`)).json();
  return { order: c.order, key: o.accessKey as string };
}
const cancel = (orderId: string, data: unknown) => api.post(`/api/admin/orders/${orderId}/cancel`, { headers: { authorization: `Bearer ${adminToken}` }, data });

const valid = await buy(['SC-B-7', 'SC-B-8'], 'mary@example.com');
const partial = await buy(['DC-C-1', 'DC-C-2', 'DC-C-3'], 'mary@example.com');
await cancel(partial.order.id, { seatIds: ['DC-C-2'], reason: 'Seat damaged, we are sorry' });
const gone = await buy(['DC-D-9', 'DC-D-10'], 'mary@example.com');
await cancel(gone.order.id, { reason: 'The performance moved to March' });

const pages: [string, string][] = [
  ['order-valid', `/orders/${valid.order.id}?key=${valid.key}`],
  ['order-partial', `/orders/${partial.order.id}?key=${partial.key}`],
  ['order-cancelled', `/orders/${gone.order.id}?key=${gone.key}`],
  ['order-badkey', `/orders/${valid.order.id}?key=${valid.key.slice(0, -1)}Q`],
  ['order-nokey', `/orders/${valid.order.id}`],
  ['find-tickets', '/find-tickets'],
];
for (const [w, h] of [[1366, 900], [390, 844]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, baseURL: base });
  const page = await ctx.newPage();
  for (const [name, path] of pages) {
    await page.goto(path);
    await page.waitForTimeout(1500);
    if (name === 'find-tickets') {
      await page.getByLabel('Email address').fill('mary@example.com');
      await page.getByRole('button', { name: 'Email me my links' }).click();
      await page.getByText('Check your inbox').waitFor();
    }
    await page.screenshot({ path: `${OUT}/${name}-${w}.png`, fullPage: true });
  }
  // console card
  const admin = await browser.newContext({ viewport: { width: w, height: h }, baseURL: base });
  const ap = await admin.newPage();
  await ap.goto(`/admin/login?next=/admin/events/demo-theatre`);
  await ap.getByLabel('Password').fill('shots-password');
  await ap.getByRole('button', { name: 'Sign in' }).click();
  await ap.waitForURL(/admin\/events\/demo-theatre/);
  const orders = ap.getByTestId('orders-panel');
  await orders.getByLabel('Order id or buyer email').fill(partial.order.id);
  await orders.getByRole('button', { name: 'Find', exact: true }).click();
  await ap.getByTestId('order-access').waitFor();
  await ap.waitForTimeout(500);
  await ap.getByTestId('order-search-results').screenshot({ path: `${OUT}/console-order-${w}.png` });
}
await new Promise((r) => setTimeout(r, 3000));
const files = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
console.log(files);
for (const f of files) {
  const mail = await simpleParser(readFileSync(join(dir, 'outbox', f)));
  let html = String(mail.html || '');
  const kind = f.includes('confirmation') ? 'confirm' : f.includes('cancel') ? 'cancel' : 'links';
  const name = `email-${kind}-${f.slice(-30, -4)}`;
  for (const [w, h] of [[1366, 900], [390, 844]]) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    await page.setContent(html);
    await page.screenshot({ path: `${OUT}/${name}-${w}.png`, fullPage: true });
  }
  for (const a of mail.attachments) if (a.contentType === 'application/pdf') writeFileSync(`${OUT}/${name}.pdf`, a.content);
  writeFileSync(`${OUT}/${name}.txt`, `${mail.subject}\n\n${mail.text}`);
}
await browser.close();
child.kill('SIGTERM');
process.exit(0);
