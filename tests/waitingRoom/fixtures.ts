// Shared set-up for the waiting-room suites: an event in a store, a room on it.
import { randomBytes } from 'node:crypto';
import type { Store } from '../../db/store';
import type { WaitingRoomSettings } from '../../db/waitingRoomStore';
import { generateLayout } from '../../lib/venueLayout';
import { newSeed, seedCommitment } from '../../server/waitingRoom/shuffle';

export const T0 = 1_800_000_000_000;

export async function addEvent(store: Store, id: string, seats = 8): Promise<void> {
  await store.createEvent({
    id,
    name: `Event ${id}`,
    venueName: 'Hall',
    startsAt: T0 + 86_400_000,
    layout: generateLayout({
      categories: [{ id: 'std', name: 'Standard', priceCents: 2000, color: '#2563eb' }],
      sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: seats, x: 0, y: 0, rowCategories: ['std'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    }),
    createdAt: T0,
  });
}

export const ROOM: WaitingRoomSettings = {
  enabled: true,
  admitPerMinute: 60,
  maxActiveShoppers: null,
  shoppingWindowMs: 15 * 60_000,
  opensAt: null,
  paused: false,
  powRequired: false,
};

export async function configureRoom(store: Store, eventId: string, settings: Partial<WaitingRoomSettings>, now = T0) {
  const seed = newSeed();
  return store.waitingRooms.configure(eventId, { ...ROOM, ...settings }, { seed, commitment: seedCommitment(seed), stepToken: randomBytes(6).toString('hex') }, now);
}
