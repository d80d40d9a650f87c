// Words the buyer reads and hears: plurals, durations, seat lists, the map's
// live status for holds (lib/client/format.ts, lib/client/seatLabels.ts), and
// when the map shows row letters and seat numbers (components/SeatMap/mapLabels.ts).
import { describe, expect, it } from 'vitest';
import { labelLevel, numberColorOn, ROW_LABEL_MIN_RADIUS_PX, SEAT_NUMBER_MIN_RADIUS_PX } from '../../components/SeatMap/mapLabels';
import { formatDurationWords, pluralize } from '../../lib/client/format';
import { holdChangeSentence, seatListText } from '../../lib/client/seatLabels';
import { SeatIndex } from '../../lib/client/seatIndex';
import type { HoldView } from '../../lib/protocol';
import { eventOf } from '../support/seatMapEvents';

describe('pluralize', () => {
  it('one, many and thousands', () => {
    expect(pluralize(1, 'seat')).toBe('1 seat');
    expect(pluralize(0, 'seat')).toBe('0 seats');
    expect(pluralize(2, 'seat')).toBe('2 seats');
    expect(pluralize(22212, 'seat')).toBe('22,212 seats');
    expect(pluralize(1, 'more seat')).toBe('1 more seat');
    expect(pluralize(3, 'person', 'people')).toBe('3 people');
  });
});

describe('formatDurationWords', () => {
  it.each([
    [1, '1 second'],
    [6_000, '6 seconds'],
    [59_400, '59 seconds'],
    [60_000, '1 minute'],
    [61_000, '1 minute 1 second'],
    [150_000, '2 minutes 30 seconds'],
    [599_600, '10 minutes'],
    [600_000, '10 minutes'],
    [60 * 60_000, '1 hour'],
    [65 * 60_000, '1 hour 5 minutes'],
    [-5, '1 second'],
  ])('%d ms reads "%s"', (ms, words) => {
    expect(formatDurationWords(ms)).toBe(words);
  });
});

describe('seat lists and the live status for holds', () => {
  const index = new SeatIndex(
    eventOf('words', {
      categories: [{ id: 'std', name: 'Std', priceCents: 2000, color: '#2563eb' }],
      sections: [
        { kind: 'ga', id: 'PIT', name: 'Standing pit', capacity: 5, x: 0, y: 30, width: 120, height: 40, category: 'std' },
        { kind: 'straight', id: 'S', name: 'Stalls', rows: 3, seatsPerRow: 6, x: 0, y: 100, rowCategories: ['std'] },
      ],
      stage: { x: 0, y: 0, width: 120, height: 25, label: 'STAGE' },
    }),
  );
  const id = (row: string, n: string) => index.seats.find((s) => s.row === row && s.number === n && !s.gaArea)!.id;
  const places = index.seats.filter((s) => s.gaArea).map((s) => s.id);
  const hold = (seatIds: string[], expiresAt = 600_000): HoldView => ({ id: 'h1', eventId: 'words', seatIds, expiresAt, extensionsLeft: 1 });

  it('groups seats by row and places by area', () => {
    expect(seatListText(index, [id('A', '3')])).toBe('Stalls row A seat 3');
    expect(seatListText(index, [id('A', '3'), id('A', '4')])).toBe('Stalls row A seats 3 and 4');
    expect(seatListText(index, [id('A', '3'), id('B', '1'), id('A', '4'), id('A', '5')])).toBe('Stalls row A seats 3, 4 and 5; Stalls row B seat 1');
    expect(seatListText(index, places.slice(0, 1))).toBe('1 place in Standing pit');
    expect(seatListText(index, places.slice(0, 3))).toBe('3 places in Standing pit');
  });

  it('says what happened to a hold, with the time left and right plurals', () => {
    expect(holdChangeSentence(index, 'held', hold([id('A', '3')]), 0)).toBe('Held for you: Stalls row A seat 3. You have 10 minutes to check out.');
    // The ack arrives a moment after the server set the deadline: still "10 minutes".
    expect(holdChangeSentence(index, 'held', hold([id('A', '3')]), 1_500)).toBe('Held for you: Stalls row A seat 3. You have 10 minutes to check out.');
    expect(holdChangeSentence(index, 'held', hold([id('A', '3')], 6_000), 0)).toBe('Held for you: Stalls row A seat 3. You have 6 seconds to check out.');
    expect(holdChangeSentence(index, 'held', hold([id('A', '3'), id('A', '4')], 60_000), 0)).toBe(
      'Held for you: Stalls row A seats 3 and 4. You have 1 minute to check out.',
    );
    expect(holdChangeSentence(index, 'released', hold([id('A', '3')]), 0)).toBe('Released: Stalls row A seat 3. It is available to others again.');
    expect(holdChangeSentence(index, 'released', hold([id('A', '3'), id('A', '4')]), 0)).toBe(
      'Released: Stalls row A seats 3 and 4. They are available to others again.',
    );
    expect(holdChangeSentence(index, 'expired', hold([id('A', '3')]), 0)).toBe('Your hold expired: Stalls row A seat 3 was released.');
    expect(holdChangeSentence(index, 'expired', hold(places.slice(0, 2)), 0)).toBe(
      'Your hold expired: 2 places in Standing pit were released.',
    );
    expect(holdChangeSentence(index, 'admin_released', hold([id('B', '1')]), 0)).toBe('The box office released your hold: Stalls row B seat 1 was released.');
    expect(holdChangeSentence(index, 'extended', hold([id('A', '3')], 300_000), 0)).toBe('More time for Stalls row A seat 3: 5 minutes left to check out.');
    expect(holdChangeSentence(index, 'bought', hold([id('A', '3')]), 0)).toBe('Bought: Stalls row A seat 3.');
  });
});

describe('labels on the map', () => {
  it('row letters from 12 px seats, seat numbers from 18 px seats, nothing on the overview', () => {
    expect(ROW_LABEL_MIN_RADIUS_PX * 2).toBe(12);
    expect(SEAT_NUMBER_MIN_RADIUS_PX * 2).toBe(18);
    expect(labelLevel(1.5)).toBe('none');
    expect(labelLevel(5.9)).toBe('none');
    expect(labelLevel(6)).toBe('rows');
    expect(labelLevel(8.9)).toBe('rows');
    expect(labelLevel(9)).toBe('rows+numbers');
  });

  it('numbers contrast with their seat: white on dark colours, dark on light ones', () => {
    expect(numberColorOn('#7c3aed')).toBe('#ffffff'); // violet
    expect(numberColorOn('#2563eb')).toBe('#ffffff'); // blue
    expect(numberColorOn('#d97706')).toBe('#111827'); // amber
    expect(numberColorOn('#fde68a')).toBe('#111827'); // pale yellow
    expect(numberColorOn('#fff')).toBe('#111827');
    expect(numberColorOn('rebeccapurple')).toBe('#111827'); // not hex: the safe default on light fills
  });
});
