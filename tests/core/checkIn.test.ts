// Door check-in in the pure core: a valid ticket is admitted once (with its
// seat and buyer), a second scan is refused with when and where it was
// admitted, cancelled and unknown codes are refused, admissions of cancelled
// tickets end with them, and restore brings back exactly what was stored.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SeatBook } from '../../core/seatBook';
import type { Command, Order } from '../../core/types';
import { BUYER_DETAILS, T0, expectFail, expectOk, makeBook } from './fixtures';

const checkIn = (code: string, door: string | null = null): Command => ({ type: 'check_in', code, door, actor: 'organizer' });

/** Buys `seatIds` for `buyerId` and returns the order (the batch is taken, so tests see only their own effects). */
function buy(book: SeatBook, buyerId: string, seatIds: string[], now = T0): Order {
  const { hold } = expectOk(book.apply({ type: 'hold', buyerId, seatIds }, now), 'held');
  const { order } = expectOk(book.apply({ type: 'confirm', buyerId, holdId: hold.id, idempotencyKey: `key-${hold.id}`, buyer: BUYER_DETAILS }, now), 'confirmed');
  book.takeBatch();
  return order;
}

describe('check_in', () => {
  it('admits a valid ticket once: the answer names the seat and the buyer; one ticket_checked_in effect; no seat changes', () => {
    const book = makeBook();
    const order = buy(book, 'alice', ['S1', 'S2']);
    const ticket = order.tickets.find((t) => t.seatId === 'S2')!;

    const admitted = expectOk(book.apply(checkIn(ticket.code, 'North'), T0 + 500), 'checked_in');
    expect(admitted.ticket).toEqual({
      ticketId: ticket.id,
      orderId: order.id,
      seatId: 'S2',
      buyerName: BUYER_DETAILS.name,
      checkIn: { at: T0 + 500, door: 'North', actor: 'organizer' },
      cancelledAt: null,
    });
    const batch = book.takeBatch();
    expect(batch.effects).toEqual([
      { kind: 'ticket_checked_in', ticketId: ticket.id, orderId: order.id, buyerId: 'alice', seatId: 'S2', at: T0 + 500, door: 'North', actor: 'organizer' },
    ]);
    expect(batch.changes.size).toBe(0);
    expect(book.tickets.checkedInCount).toBe(1);
    expect(book.tickets.validCount).toBe(2);
    expect(book.tickets.checkInOf(ticket.id)).toEqual({ at: T0 + 500, door: 'North', actor: 'organizer' });
    book.checkInvariants();
  });

  it('a second scan is refused already_checked_in with the first admission (time and door); nothing is recorded', () => {
    const book = makeBook();
    const { code, id } = buy(book, 'alice', ['S1']).tickets[0];
    expectOk(book.apply(checkIn(code, 'North'), T0 + 1), 'checked_in');
    book.takeBatch();

    const again = expectFail(book.apply(checkIn(code, 'South'), T0 + 60_000), 'already_checked_in');
    expect(again.ticket).toMatchObject({ ticketId: id, seatId: 'S1', buyerName: BUYER_DETAILS.name, checkIn: { at: T0 + 1, door: 'North' } });
    expect(book.takeBatch().effects).toEqual([]);
    expect(book.tickets.checkedInCount).toBe(1);
  });

  it('two check-ins of one ticket in the same batch: the first admits, the second is refused', () => {
    const book = makeBook();
    const { code } = buy(book, 'alice', ['S1']).tickets[0];
    expectOk(book.apply(checkIn(code, 'A'), T0 + 5), 'checked_in');
    expect(expectFail(book.apply(checkIn(code, 'B'), T0 + 5), 'already_checked_in').ticket?.checkIn?.door).toBe('A');
    expect(book.takeBatch().effects.filter((e) => e.kind === 'ticket_checked_in')).toHaveLength(1);
  });

  it('a cancelled ticket is refused ticket_cancelled (its earlier admission is reported, and no longer counted)', () => {
    const book = makeBook();
    const order = buy(book, 'alice', ['S1', 'S2']);
    const [t1, t2] = order.tickets;
    expectOk(book.apply(checkIn(t1.code), T0 + 10), 'checked_in');
    expectOk(book.apply({ type: 'cancel_tickets', orderId: order.id, seatIds: [t1.seatId, t2.seatId], reason: 'refund', actor: 'organizer' }, T0 + 20), 'tickets_cancelled');
    book.takeBatch();

    const first = expectFail(book.apply(checkIn(t1.code), T0 + 30), 'ticket_cancelled');
    expect(first.ticket).toMatchObject({ ticketId: t1.id, seatId: t1.seatId, cancelledAt: T0 + 20, checkIn: { at: T0 + 10 } });
    const second = expectFail(book.apply(checkIn(t2.code), T0 + 30), 'ticket_cancelled');
    expect(second.ticket).toMatchObject({ ticketId: t2.id, cancelledAt: T0 + 20, checkIn: null });
    expect(book.takeBatch().effects).toEqual([]);
    expect(book.tickets.checkedInCount).toBe(0);
    expect(book.tickets.validCount).toBe(0);
    book.checkInvariants();
  });

  it('a partial cancellation leaves the other tickets of the order admissible', () => {
    const book = makeBook();
    const order = buy(book, 'alice', ['S1', 'S2']);
    expectOk(book.apply({ type: 'cancel_tickets', orderId: order.id, seatIds: ['S1'], reason: 'swap', actor: 'organizer' }, T0 + 1), 'tickets_cancelled');
    const kept = order.tickets.find((t) => t.seatId === 'S2')!;
    expectOk(book.apply(checkIn(kept.code), T0 + 2), 'checked_in');
    expect(book.tickets).toMatchObject({ checkedInCount: 1, validCount: 1 });
    book.checkInvariants();
  });

  it('an unknown (forged) code is refused unknown_ticket, without a ticket, and changes nothing', () => {
    const book = makeBook();
    buy(book, 'alice', ['S1']);
    const refused = expectFail(book.apply(checkIn('forged-code-123'), T0 + 1), 'unknown_ticket');
    expect(refused.ticket).toBeUndefined();
    expect(book.takeBatch().effects).toEqual([]);
  });

  it('check-in ignores the sale status (the door works when sales are closed)', () => {
    const book = makeBook();
    const { code } = buy(book, 'alice', ['S1']).tickets[0];
    expectOk(book.apply({ type: 'configure', rules: { saleStatus: 'closed' }, meta: {}, actor: 'organizer' }, T0 + 1), 'configured');
    expectOk(book.apply(checkIn(code), T0 + 2), 'checked_in');
  });

  it('answers are copies: a later admission in the same batch does not change an earlier refusal', () => {
    const book = makeBook();
    const { code } = buy(book, 'alice', ['S1']).tickets[0];
    const ok = expectOk(book.apply(checkIn(code, 'A'), T0 + 1), 'checked_in');
    ok.ticket.checkIn!.door = 'tampered';
    expect(book.tickets.checkInOf(ok.ticket.ticketId)?.door).toBe('A');
  });
});

describe('check-in restore', () => {
  const order: Order = {
    id: 'ro1',
    eventId: 'ev1',
    holdId: 'rh1',
    buyerId: 'bob',
    buyer: { name: 'Bob Dylan', email: 'bob@example.com' },
    idempotencyKey: 'k-restored',
    totalCents: 2300,
    createdAt: T0 - 1000,
    tickets: [
      { id: 'rt1', seatId: 'S1', priceCents: 1100, code: 'code-1' },
      { id: 'rt2', seatId: 'S2', priceCents: 1200, code: 'code-2' },
    ],
  };
  const cancelled = { code: 'code-3', ticketId: 'rt3', orderId: 'ro1', seatId: 'S3', buyerName: 'Bob Dylan', cancelledAt: T0 - 500, checkIn: null };

  it('restores admissions and cancelled codes: counts, refusals and invariants as before the restart', () => {
    const book = makeBook({
      restored: {
        holds: [],
        orders: [order],
        blockedSeatIds: [],
        cancelledTickets: [cancelled],
        checkIns: [{ ticketId: 'rt1', at: T0 - 100, door: 'North', actor: 'organizer' }],
      },
    });
    book.checkInvariants();
    expect(book.tickets).toMatchObject({ checkedInCount: 1, validCount: 2 });
    expect(book.takeBatch().effects).toEqual([]);
    expect(expectFail(book.apply(checkIn('code-1'), T0), 'already_checked_in').ticket?.checkIn).toEqual({ at: T0 - 100, door: 'North', actor: 'organizer' });
    expectFail(book.apply(checkIn('code-3'), T0), 'ticket_cancelled');
    expectOk(book.apply(checkIn('code-2'), T0), 'checked_in');
    expect(book.tickets.checkedInCount).toBe(2);
  });

  it('refuses a restored state whose admission names no valid ticket, or a code used twice', () => {
    expect(() =>
      makeBook({ restored: { holds: [], orders: [order], blockedSeatIds: [], checkIns: [{ ticketId: 'rt9', at: T0, door: null, actor: 'a' }] } }),
    ).toThrow(/not valid/);
    expect(() =>
      makeBook({ restored: { holds: [], orders: [order], blockedSeatIds: [], cancelledTickets: [{ ...cancelled, code: 'code-1' }] } }),
    ).toThrow(/used twice/);
  });
});

describe('check-in invariants (property)', () => {
  it('any interleaving of buys, cancels and scans (real, repeated, cancelled, forged): each ticket admitted at most once; counts add up', () => {
    type Op = { t: 'buy'; seat: number } | { t: 'cancel'; pick: number } | { t: 'scan'; pick: number; forged: boolean };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ t: fc.constant('buy' as const), seat: fc.integer({ min: 0, max: 11 }) }),
      fc.record({ t: fc.constant('cancel' as const), pick: fc.nat(20) }),
      fc.record({ t: fc.constant('scan' as const), pick: fc.nat(20), forged: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const book = makeBook({ rules: { maxSeatsPerBuyer: 12 } });
        const sold: { orderId: string; seatId: string; code: string }[] = [];
        const admitted = new Set<string>();
        const cancelledCodes = new Set<string>();
        let now = T0;
        let buyers = 0;
        let admissionEffects = 0;
        for (const op of ops) {
          now += 7;
          if (op.t === 'buy') {
            const seatId = `S${op.seat}`;
            if (book.seatState(seatId)?.status !== 'available') continue;
            const o = buy(book, `b${buyers++}`, [seatId], now);
            sold.push({ orderId: o.id, seatId, code: o.tickets[0].code });
          } else if (op.t === 'cancel' && sold.length) {
            const s = sold[op.pick % sold.length];
            const outcome = book.apply({ type: 'cancel_tickets', orderId: s.orderId, seatIds: null, reason: 'r', actor: 'x' }, now);
            if (outcome.ok) cancelledCodes.add(s.code);
          } else if (op.t === 'scan') {
            const code = op.forged || sold.length === 0 ? `forged-${op.pick}` : sold[op.pick % sold.length].code;
            const outcome = book.apply(checkIn(code), now);
            const expected = cancelledCodes.has(code)
              ? 'ticket_cancelled'
              : code.startsWith('forged')
                ? 'unknown_ticket'
                : admitted.has(code)
                  ? 'already_checked_in'
                  : 'checked_in';
            expect(outcome.ok ? outcome.type : outcome.code).toBe(expected);
            if (outcome.ok) admitted.add(code);
          }
          book.checkInvariants();
          admissionEffects += book.takeBatch().effects.filter((e) => e.kind === 'ticket_checked_in').length;
        }
        const stillValidAdmitted = [...admitted].filter((c) => !cancelledCodes.has(c)).length;
        expect(book.tickets.checkedInCount).toBe(stillValidAdmitted);
        expect(book.tickets.validCount).toBe(book.seatCounts().sold);
        expect(admissionEffects).toBe(admitted.size);
      }),
      { numRuns: 200 },
    );
  });
});
