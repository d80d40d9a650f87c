// hold:create with a client requestId is retry-safe: the same buyer and
// requestId get the same hold back while it lives (and nothing is written),
// what became of it once it ended, and never a second hold — also after a
// restart rebuilt the book from storage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeatBook, type RestoredState } from '../../core/seatBook';
import type { Command, Hold, Outcome } from '../../core/types';
import { BUYER_DETAILS, CounterIds, EVENT_ID, rules, T0 } from './fixtures';

const SEATS = Array.from({ length: 10 }, (_, i) => ({ id: `S${i}`, priceCents: 100 }));
const TTL_MS = 1000;

function book(restored?: RestoredState): SeatBook {
  return new SeatBook(EVENT_ID, SEATS, rules({ holdTtlMs: TTL_MS, maxSeatsPerBuyer: 10, preventOrphanSeats: false }), new CounterIds(), restored);
}

const hold = (buyerId: string, seatIds: string[], requestId?: string): Command => ({ type: 'hold', buyerId, seatIds, requestId });

function held(outcome: Outcome): Hold {
  if (!outcome.ok || outcome.type !== 'held') throw new Error(`expected a hold, got ${JSON.stringify(outcome)}`);
  return outcome.hold;
}

describe('hold requests with a requestId', () => {
  it('a retry returns the same hold, marked replayed, and writes nothing', () => {
    const b = book();
    const first = held(b.apply(hold('b1', ['S1'], 'req-00000001'), T0));
    expect(first.requestId).toBe('req-00000001');
    expect(b.takeBatch().effects.map((e) => e.kind)).toEqual(['hold_created']);

    const again = b.apply(hold('b1', ['S1'], 'req-00000001'), T0 + 10);
    expect(again).toEqual({ ok: true, type: 'held', hold: first, replayed: true });
    expect(b.takeBatch().effects).toEqual([]);
    // Even when the retry names other seats: the request id names the request.
    expect(held(b.apply(hold('b1', ['S2'], 'req-00000001'), T0 + 20)).id).toBe(first.id);
    expect(b.seatState('S2')?.status).toBe('available');
    b.checkInvariants();
  });

  it('request ids are per buyer: another buyer with the same id makes its own hold', () => {
    const b = book();
    const mine = held(b.apply(hold('b1', ['S1'], 'shared-id-1'), T0));
    const theirs = held(b.apply(hold('b2', ['S2'], 'shared-id-1'), T0));
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.buyerId).toBe('b2');
    b.checkInvariants();
  });

  it('after the hold ended a retry hears its fate, never a second hold', () => {
    const b = book();
    const released = held(b.apply(hold('b1', ['S1'], 'will-release'), T0));
    b.apply({ type: 'release', buyerId: 'b1', holdId: released.id }, T0 + 1);
    expect(b.apply(hold('b1', ['S1'], 'will-release'), T0 + 2)).toMatchObject({ ok: false, code: 'not_found' });

    const expiring = held(b.apply(hold('b1', ['S3'], 'will-expire'), T0));
    // Due but not yet expired by the timer: the retry expires it and says so.
    expect(b.apply(hold('b1', ['S3'], 'will-expire'), T0 + TTL_MS)).toMatchObject({ ok: false, code: 'hold_expired' });
    expect(b.seatState('S3')?.status).toBe('available');
    expect(b.apply({ type: 'extend', buyerId: 'b1', holdId: expiring.id }, T0 + TTL_MS)).toMatchObject({ code: 'hold_expired' });

    const bought = held(b.apply(hold('b1', ['S5'], 'will-buy'), T0 + TTL_MS));
    const order = b.apply({ type: 'confirm', buyerId: 'b1', holdId: bought.id, idempotencyKey: 'key-00000001', buyer: BUYER_DETAILS }, T0 + TTL_MS + 1);
    expect(order).toMatchObject({ ok: true, type: 'confirmed' });
    const orderId = order.ok && order.type === 'confirmed' ? order.order.id : '';
    expect(b.apply(hold('b1', ['S5'], 'will-buy'), T0 + TTL_MS + 2)).toMatchObject({ ok: false, code: 'already_confirmed', orderId });
    b.checkInvariants();
  });

  it('survives a rebuild: live holds carry their id, ended ones are remembered', () => {
    const live: Hold = { id: 'h-live', eventId: EVENT_ID, buyerId: 'b1', seatIds: ['S1'], createdAt: T0, expiresAt: T0 + TTL_MS, extensions: 0, requestId: 'live-request' };
    const b = book({
      holds: [live],
      orders: [],
      blockedSeatIds: [],
      endedHolds: [{ id: 'h-gone', buyerId: 'b1', reason: 'expired' }],
      endedRequests: [{ holdId: 'h-gone', buyerId: 'b1', requestId: 'gone-request' }],
    });
    b.checkInvariants();
    expect(b.apply(hold('b1', ['S1'], 'live-request'), T0 + 1)).toEqual({ ok: true, type: 'held', hold: live, replayed: true });
    expect(b.apply(hold('b1', ['S2'], 'gone-request'), T0 + 1)).toMatchObject({ ok: false, code: 'hold_expired' });
    expect(b.seatState('S2')?.status).toBe('available');
    expect(b.takeBatch().effects).toEqual([]);
  });

  it('random retries, releases, expiries and purchases never make two holds for one request', () => {
    const step = fc.oneof(
      fc.record({ t: fc.constant('hold' as const), buyer: fc.integer({ min: 0, max: 2 }), req: fc.integer({ min: 0, max: 5 }), seat: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ t: fc.constant('release' as const), buyer: fc.integer({ min: 0, max: 2 }), req: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ t: fc.constant('confirm' as const), buyer: fc.integer({ min: 0, max: 2 }), req: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1500 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const b = book();
        let now = T0;
        const created = new Map<string, string>(); // buyer/request → the one hold it ever made
        for (const s of steps) {
          if (s.t === 'advance') {
            now += s.ms;
            b.expireDue(now);
          } else {
            const buyerId = `b${s.buyer}`;
            const key = `${buyerId}/r-${s.req}-xxxxxx`;
            const mine = created.get(key);
            if (s.t === 'hold') {
              const out = b.apply(hold(buyerId, [`S${s.seat}`], `r-${s.req}-xxxxxx`), now);
              if (out.ok && out.type === 'held') {
                if (mine !== undefined) expect(out.hold.id, `second hold for ${key}`).toBe(mine);
                else expect(out.replayed).toBeUndefined();
                created.set(key, out.hold.id);
              } else if (mine !== undefined) {
                expect(['hold_expired', 'not_found', 'already_confirmed']).toContain(out.ok ? out.type : out.code);
              }
            } else if (mine !== undefined) {
              const cmd: Command =
                s.t === 'release'
                  ? { type: 'release', buyerId, holdId: mine }
                  : { type: 'confirm', buyerId, holdId: mine, idempotencyKey: `k-${key}`, buyer: BUYER_DETAILS };
              b.apply(cmd, now);
            }
          }
          const creates = b.takeBatch().effects.filter((e) => e.kind === 'hold_created');
          for (const e of creates) if (e.kind === 'hold_created') expect(e.hold.requestId).toBeDefined();
          b.checkInvariants();
        }
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });
});
