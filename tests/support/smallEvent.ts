// A tiny event (one row of four seats) written straight into a store: enough
// for tests that need an event to exist (leases, cluster status) and nothing more.
import type { Store } from '../../db/store';
import { generateLayout } from '../../lib/venueLayout';

const T0 = 1_700_000_000_000;

export async function addSmallEvent(store: Store, id: string, name = `Event ${id}`): Promise<void> {
  await store.createEvent({
    id,
    name,
    venueName: 'Hall',
    startsAt: T0 + 86_400_000,
    layout: generateLayout({
      categories: [{ id: 'std', name: 'Standard', priceCents: 2000, color: '#2563eb' }],
      sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 4, x: 0, y: 0, rowCategories: ['std'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    }),
    createdAt: T0,
  });
}
