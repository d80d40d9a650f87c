// What the event page hands the seat map (components/EventPage/seatMapHints.ts):
// the best-available result to zoom to while it is held, the stranded seat to mark.
import { describe, expect, it } from 'vitest';
import { seatMapHints } from '../../components/EventPage/seatMapHints';
import type { HoldView } from '../../lib/protocol';

const hold = (id: string, seatIds: string[]): HoldView => ({ id, eventId: 'e', seatIds, expiresAt: 0, extensionsLeft: 1 });
const best = ['SC-A-7', 'SC-A-8', 'SC-A-9'];

describe('seatMapHints', () => {
  it('focuses the best-available seats while a hold of the buyer has every one of them', () => {
    expect(seatMapHints(best, [hold('h1', [...best])], []).focusSeatIds).toEqual(best);
    // Held together with other seats (e.g. an extended hold answered with all its seats) still counts.
    expect(seatMapHints(best, [hold('h0', ['X-1']), hold('h1', ['SC-A-6', ...best])], []).focusSeatIds).toEqual(best);
  });

  it('lets the map go once those seats are released, expired or bought', () => {
    expect(seatMapHints(best, [], []).focusSeatIds).toEqual([]);
    expect(seatMapHints(best, [hold('h2', ['SC-B-1'])], []).focusSeatIds).toEqual([]);
    // Only the first seat held (by a later hand-made hold) is not the best-available result.
    expect(seatMapHints(best, [hold('h3', ['SC-A-7'])], []).focusSeatIds).toEqual([]);
  });

  it('no focus before best available was used, or for an empty result', () => {
    expect(seatMapHints(null, [hold('h1', [...best])], []).focusSeatIds).toEqual([]);
    expect(seatMapHints([], [hold('h1', [...best])], []).focusSeatIds).toEqual([]);
  });

  it('warns about exactly the seats the orphan refusal named, independently of the focus', () => {
    expect(seatMapHints(null, [], ['SC-E-1'])).toEqual({ focusSeatIds: [], warnSeatIds: ['SC-E-1'] });
    expect(seatMapHints(best, [hold('h1', [...best])], ['SC-E-1', 'SC-E-9'])).toEqual({ focusSeatIds: best, warnSeatIds: ['SC-E-1', 'SC-E-9'] });
    expect(seatMapHints(best, [hold('h1', [...best])], []).warnSeatIds).toEqual([]);
  });

  it('an unchanged situation gives the same lists (the map compares contents, but stable is cheaper)', () => {
    const a = seatMapHints(null, [], []);
    const b = seatMapHints(null, [], []);
    expect(a.focusSeatIds).toBe(b.focusSeatIds);
    expect(a.warnSeatIds).toBe(b.warnSeatIds);
  });
});
