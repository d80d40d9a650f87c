// Where keyboard focus starts on the seat map (components/SeatMap/keyboardNav.ts):
// the front row of the best section, never the back of the hall.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startSeat } from '../../components/SeatMap/keyboardNav';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { SeatIndex as Index } from '../../lib/client/seatIndex';
import { arenaIndex, eventOf, seatAt, theatreIndex } from '../support/seatMapEvents';

/** Distance of a seat to the stage rectangle, layout units. */
function stageDistance(index: SeatIndex, i: number): number {
  const { stage } = index.event;
  const dx = Math.max(stage.x - index.xs[i], 0, index.xs[i] - (stage.x + stage.width));
  const dy = Math.max(stage.y - index.ys[i], 0, index.ys[i] - (stage.y + stage.height));
  return Math.hypot(dx, dy);
}

describe('startSeat', () => {
  it('theatre: the middle of the front row of the stalls centre', () => {
    const index = theatreIndex();
    const i = startSeat(index, () => true);
    expect(index.sectionName(i)).toBe('Stalls Centre');
    expect(index.seats[i].row).toBe('A');
    expect(['8', '9']).toContain(index.seats[i].number);
  });

  it('arena: a front row on the floor, in front of the stage', () => {
    const index = arenaIndex();
    const i = startSeat(index, () => true);
    expect(index.sectionName(i)).toMatch(/^Floor /);
    expect(index.seats[i].row).toBe('A');
  });

  it('skips what it may not take: with the stalls centre front row sold, the next row nearest the stage', () => {
    const index = theatreIndex();
    const sold = new Set(index.sections.find((s) => s.name === 'Stalls Centre')!.rows.find((r) => r.name === 'A')!.seatIndices);
    const i = startSeat(index, (j) => !sold.has(j));
    expect(sold.has(i)).toBe(false);
    expect(stageDistance(index, i)).toBeLessThan(stageDistance(index, seatAt(index, 'Stalls Centre', 'C', '8')));
  });

  it('−1 when no seat may be taken', () => {
    expect(startSeat(theatreIndex(), () => false)).toBe(-1);
  });

  it('always starts in a row no farther from the stage than any other row with a free seat', () => {
    const index = theatreIndex();
    const rowDistance = (seats: readonly number[]) => Math.min(...seats.map((i) => stageDistance(index, i)));
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(index.count - 1), { maxLength: 900 }), (soldList) => {
        const sold = new Set(soldList);
        const free = (j: number) => !sold.has(j);
        const i = startSeat(index, free);
        if (i < 0) return;
        expect(free(i)).toBe(true);
        const chosen = rowDistance(index.rowOf(i)!.seatIndices);
        for (const section of index.sections) {
          for (const row of section.rows) {
            if (row.seatIndices.some(free)) expect(rowDistance(row.seatIndices)).toBeGreaterThanOrEqual(chosen - 1e-3);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never starts in a general-admission area, even one right at the stage', () => {
    const index = new Index(
      eventOf('ga', {
        categories: [{ id: 'std', name: 'Std', priceCents: 2000, color: '#2563eb' }],
        sections: [
          { kind: 'ga', id: 'PIT', name: 'Standing pit', capacity: 5, x: 0, y: 30, width: 120, height: 40, category: 'std' },
          { kind: 'straight', id: 'S', name: 'Stalls', rows: 3, seatsPerRow: 6, x: 0, y: 100, rowCategories: ['std'] },
        ],
        stage: { x: 0, y: 0, width: 120, height: 25, label: 'STAGE' },
      }),
    );
    const i = startSeat(index, () => true);
    expect(index.gaAreaOf(i)).toBeUndefined();
    expect(index.sectionName(i)).toBe('Stalls');
    expect(index.seats[i].row).toBe('A');
  });
});
