// Events for the seat map's tests: the demo venues (and small made-up ones) as the
// browser receives them, built into the client's seat index and status store.
import { arenaVenue, theatreVenue } from '../../db/demoVenues';
import type { EventDetail } from '../../lib/protocol';
import { SeatIndex } from '../../lib/client/seatIndex';
import { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { generateLayout, type VenueSpec } from '../../lib/venueLayout';

export function eventOf(id: string, venue: VenueSpec): EventDetail {
  const layout = generateLayout(venue);
  return {
    id,
    name: id,
    venueName: 'Test venue',
    startsAt: 0,
    currency: 'EUR',
    saleStatus: 'open',
    capacity: layout.seats.length,
    priceRangeCents: [0, 0],
    holdTtlMs: 600_000,
    maxSeatsPerBuyer: 8,
    preventOrphanSeats: true,
    layoutKey: `${id}-layout`,
    ...layout,
  };
}

export const theatreIndex = () => new SeatIndex(eventOf('theatre', theatreVenue()));
export const arenaIndex = () => new SeatIndex(eventOf('arena', arenaVenue()));

/** A store where every seat is available (version 1). */
export function allAvailable(index: SeatIndex): SeatStatusStore {
  const store = new SeatStatusStore(index);
  store.replaceStatuses(1, 'a'.repeat(index.count));
  return store;
}

/** The index of a seat by its section name, row and number. */
export function seatAt(index: SeatIndex, section: string, row: string, number: string): number {
  const i = index.seats.findIndex((s) => index.sectionName(index.indexById.get(s.id)!) === section && s.row === row && s.number === number);
  if (i < 0) throw new Error(`no seat ${section} ${row} ${number}`);
  return i;
}
