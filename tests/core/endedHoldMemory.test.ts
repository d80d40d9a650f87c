// The core remembers ended holds in two bounded generations, so a late
// command on a recent hold hears "expired", an ancient one "not found",
// and memory stays bounded however many holds come and go.
import { describe, expect, it } from 'vitest';
import { SeatBook } from '../../core/seatBook';
import { EndedHolds } from '../../core/endedHolds';
import { CounterIds, EVENT_ID, rules, T0 } from './fixtures';

describe('memory of ended holds', () => {
  it('recent ended holds answer hold_expired; the oldest are forgotten (not_found), bounded', () => {
    const book = new SeatBook(EVENT_ID, [{ id: 'S0', priceCents: 100 }], rules({ holdTtlMs: 1000, maxSeatsPerBuyer: 1 }), new CounterIds());
    const ids: string[] = [];
    let now = T0;
    for (let i = 0; i < 120_000; i++) {
      const held = book.apply({ type: 'hold', buyerId: 'b', seatIds: ['S0'] }, now);
      if (!held.ok || held.type !== 'held') throw new Error('hold failed');
      ids.push(held.hold.id);
      now += 1000; // the hold is due now
      book.expireDue(now);
      book.takeBatch();
    }
    const ask = (holdId: string) => book.apply({ type: 'extend', buyerId: 'b', holdId }, now);
    expect(ask(ids.at(-1)!)).toMatchObject({ ok: false, code: 'hold_expired' });
    expect(ask(ids[120_000 - 50_000])).toMatchObject({ ok: false, code: 'hold_expired' });
    expect(ask(ids[0])).toMatchObject({ ok: false, code: 'not_found' });
    expect(ask(ids[10_000])).toMatchObject({ ok: false, code: 'not_found' });
  });
});

describe('EndedHolds (two generations)', () => {
  it('keeps the previous generation, forgets the one before it, and ages request ids out with their holds', () => {
    const ended = new EndedHolds(2);
    ended.remember('h1', { reason: 'expired', buyerId: 'b' }, 'b\u0000r1');
    ended.remember('h2', { reason: 'released', buyerId: 'b' });
    ended.remember('h3', { reason: 'confirmed', buyerId: 'b', orderId: 'o3' }, 'b\u0000r3'); // h1, h2 become the previous generation
    expect(ended.get('h1')).toEqual({ reason: 'expired', buyerId: 'b' });
    expect(ended.holdOfRequest('b\u0000r1')).toBe('h1');
    expect(ended.get('h3')).toEqual({ reason: 'confirmed', buyerId: 'b', orderId: 'o3' });
    ended.remember('h4', { reason: 'expired', buyerId: 'b' });
    ended.remember('h5', { reason: 'expired', buyerId: 'b' }); // h3, h4 previous; h1, h2 forgotten
    expect(ended.get('h1')).toBeUndefined();
    expect(ended.get('h2')).toBeUndefined();
    expect(ended.holdOfRequest('b\u0000r1')).toBeUndefined();
    expect(ended.holdOfRequest('b\u0000r3')).toBe('h3');
    expect(ended.get('h5')?.reason).toBe('expired');
  });
});
