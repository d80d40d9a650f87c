// Seeds the demo events on first start (an empty database), in either store.
import { generateLayout } from '../lib/venueLayout';
import { arenaVenue, theatreVenue } from './demoVenues';
import type { Store } from './store';

const DAY_MS = 24 * 3600 * 1000;

/** `preventOrphanSeats`: the events' no-orphan rule (on, as for any new reserved-seating event, unless a test says otherwise). */
export async function seedDemoIfEmpty(store: Store, nowMs: number, maxSeatsPerBuyer: number, options: { preventOrphanSeats?: boolean } = {}): Promise<boolean> {
  if ((await store.listEvents()).length > 0) return false;
  const evening = (days: number) => {
    const d = new Date(nowMs + days * DAY_MS);
    d.setUTCHours(19, 30, 0, 0);
    return d.getTime();
  };
  await store.createEvent({
    id: 'demo-theatre',
    name: 'The Glass Menagerie',
    venueName: 'Royal Court Theatre',
    startsAt: evening(21),
    maxSeatsPerBuyer,
    preventOrphanSeats: options.preventOrphanSeats ?? true,
    layout: generateLayout(theatreVenue()),
    venueSpec: theatreVenue(),
    createdAt: nowMs,
  });
  await store.createEvent({
    id: 'demo-arena',
    name: 'Aurora Lights — World Tour',
    venueName: 'Riverside Arena',
    startsAt: evening(45),
    maxSeatsPerBuyer,
    preventOrphanSeats: options.preventOrphanSeats ?? true,
    layout: generateLayout(arenaVenue()),
    venueSpec: arenaVenue(),
    createdAt: nowMs,
  });
  return true;
}
