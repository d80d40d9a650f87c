// The words the event page uses for a best-available result and an orphan refusal.
import { describe, expect, it } from 'vitest';
import { describeSeatGroup, orphanExplanation, strandedBarText } from '../../components/EventPage/seatGroupText';
import type { EventDetail } from '../../lib/protocol';
import { SeatIndex } from '../../lib/client/seatIndex';
import { generateLayout } from '../../lib/venueLayout';

function index(): SeatIndex {
  const layout = generateLayout({
    categories: [{ id: 'std', name: 'Standard', priceCents: 3000, color: '#2563eb' }],
    sections: [
      { kind: 'straight', id: 'S', name: 'Stalls', rows: 3, seatsPerRow: 6, x: 0, y: 40, rowCategories: ['std'] },
      { kind: 'straight', id: 'B', name: 'Balcony', rows: 1, seatsPerRow: 6, x: 0, y: 120, rowCategories: ['std'] },
      { kind: 'ga', id: 'PIT', name: 'Pit', capacity: 4, x: 100, y: 40, width: 40, height: 40, category: 'std' },
    ],
    stage: { x: 0, y: 0, width: 60, height: 20, label: 'STAGE' },
  });
  const event: EventDetail = {
    id: 'e',
    name: 'E',
    venueName: 'V',
    startsAt: 0,
    currency: 'EUR',
    saleStatus: 'open',
    capacity: layout.seats.length,
    priceRangeCents: [3000, 3000],
    layoutKey: 'k',
    holdTtlMs: 600_000,
    maxSeatsPerBuyer: 8,
    preventOrphanSeats: true,
    categories: layout.categories,
    sections: layout.sections,
    bounds: layout.bounds,
    stage: layout.stage,
    seats: layout.seats,
  };
  return new SeatIndex(event);
}

describe('seat group words', () => {
  const i = index();
  it('one row, several rows, several sections, one seat, general admission', () => {
    expect(describeSeatGroup(i, ['S-A-2', 'S-A-3', 'S-A-4'])).toBe('3 seats together in Stalls, row A');
    expect(describeSeatGroup(i, ['S-A-2', 'S-B-2'])).toBe('2 seats in Stalls, rows A and B');
    expect(describeSeatGroup(i, ['S-A-2', 'B-A-2'])).toBe('2 seats in Stalls and Balcony');
    expect(describeSeatGroup(i, ['S-C-6'])).toBe('1 seat in Stalls, row C');
    expect(describeSeatGroup(i, ['PIT-GA-1', 'PIT-GA-2'])).toBe('2 places in Pit');
  });

  it('names the seat an orphan refusal would strand', () => {
    expect(orphanExplanation(i, ['S-A-1'])).toContain('your choice would leave Stalls row A seat 1 alone. Add it to your selection');
    expect(orphanExplanation(i, ['S-A-1', 'S-A-6'])).toContain('Stalls row A seat 1 and Stalls row A seat 6 alone. Add them');
  });

  it('the phone bar says it in two short lines and names its button after the seat', () => {
    expect(strandedBarText(i, ['S-B-6'])).toEqual({ title: 'Seat 6 would be alone', detail: 'Stalls, row B', action: 'Add seat 6' });
    expect(strandedBarText(i, ['S-A-1', 'S-A-6'])).toEqual({ title: '2 seats would be alone', detail: 'Add them, or choose again', action: 'Add 2 seats' });
  });
});
