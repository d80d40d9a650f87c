// Starts the full app (Next.js + Socket.IO + API) for the browser tests on a
// prepared database: the demo events plus a small "quick" event whose holds
// last a few seconds, so expiry can be watched in real time.
import { openStore } from '../db/openStore';
import { seedDemoIfEmpty } from '../db/seed';
import { generateLayout } from '../lib/venueLayout';
import { startApp } from '../server/app';
import { configFromEnv } from '../server/config';

export const QUICK_EVENT_ID = 'e2e-quick';

const config = configFromEnv({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...process.env, NODE_ENV: 'production' });
const store = await openStore(config);
await seedDemoIfEmpty(store, Date.now(), config.maxSeatsPerBuyer);
if (!(await store.getEvent(QUICK_EVENT_ID))) {
  await store.createEvent({
    id: QUICK_EVENT_ID,
    name: 'Lunchtime Recital',
    venueName: 'Studio One',
    startsAt: Date.now() + 7 * 24 * 3600 * 1000,
    holdTtlMs: Number(process.env.E2E_QUICK_TTL_MS ?? 6000),
    layout: generateLayout({
      categories: [{ id: 'std', name: 'Standard', priceCents: 2000, color: '#2563eb' }],
      sections: [{ kind: 'straight', id: 'S', name: 'Studio', rows: 4, seatsPerRow: 10, x: 0, y: 60, rowCategories: ['std'] }],
      stage: { x: 0, y: 0, width: 90, height: 30, label: 'STAGE' },
    }),
    createdAt: Date.now(),
  });
}
await store.close();

const app = await startApp(config);
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void app.close().then(() => process.exit(0)));
