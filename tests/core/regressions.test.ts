// Named regression cases for the seat book.
//
// No seed of the model-based property ever made the core disagree with the
// model. The one failing seed seen while writing the tests was a harness bug
// (the concurrency property checked the per-buyer limit against the wrong
// constant); it is kept below because it is a useful edge case (one buyer
// holding more than the default limit across several holds). The other cases
// are hand-written sequences around the trickiest boundaries, each run both
// through the model harness (outcomes, statuses, invariants after every step)
// and with explicit assertions on the book.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Command } from '../../core/types';
import { BUYER_DETAILS, T0, expectFail, expectOk, makeBook, snapshot, statusOf } from './fixtures';
import { TTL, concurrentBuyersProperty, runScenario, type Cmd } from './harness';

/** Runs a hand-written sequence through the model harness and lists the outcomes of apply(). */
function outcomesOf(cmds: Cmd[]): string[] {
  const seen: string[] = [];
  runScenario({ blocked: [], cmds }, (o) =>
    seen.push(o.ok ? (o.type === 'confirmed' && o.replayed ? 'confirmed:replayed' : o.type) : o.code),
  );
  return seen;
}

const confirmCmd = (buyerId: string, holdId: string, idempotencyKey: string): Command => ({
  type: 'confirm',
  buyerId,
  holdId,
  idempotencyKey,
  buyer: BUYER_DETAILS,
});

describe('regressions: replayed seeds', () => {
  it('concurrency seed -791239855: one buyer holds 5 of 6 seats across two holds (limit 6) while another waits', async () => {
    // Counterexample: buyer0 holds S0,S2,S1 then S3,S4 before buyer1 asks for S0.
    await fc.assert(concurrentBuyersProperty(), {
      seed: -791239855,
      path: '22:0:9:5:11:10:10:10:10:10:10:10:10:0:0:0:0:0',
      endOnFailure: true,
    });
  });
});

describe('regressions: confirm racing expiry at the exact deadline', () => {
  it('model harness: confirm at deadline-1 wins, confirm at the deadline loses', () => {
    // b0 holds S0 at T0 (deadline T0+TTL); b1 holds S1 at T0 (same deadline).
    // Jump to deadline-1: b1 confirms (wins). Jump to the deadline: b0 confirms (loses,
    // seats released without expireDue having run). Then expireDue finds nothing left.
    const cmds: Cmd[] = [
      { t: 'hold', buyer: 0, seats: [0] },
      { t: 'hold', buyer: 1, seats: [1] },
      { t: 'toDeadline', delta: -1 },
      { t: 'confirm', buyer: 1, ref: 0, asOwner: true, key: 0 },
      { t: 'toDeadline', delta: 0 },
      { t: 'confirm', buyer: 0, ref: 1, asOwner: true, key: 0 },
      { t: 'batch' },
      { t: 'expire' },
      { t: 'confirm', buyer: 0, ref: 1, asOwner: true, key: 1 },
      { t: 'confirm', buyer: 1, ref: 0, asOwner: true, key: 0 }, // replay, still fine after the deadline
      { t: 'batch' },
    ];
    expect(outcomesOf(cmds)).toEqual([
      'held',
      'held',
      'confirmed',
      'hold_expired',
      'hold_expired',
      'confirmed:replayed',
    ]);
  });

  it('direct: at now === expiresAt confirm is hold_expired whether or not expireDue ran first', () => {
    for (const expireFirst of [false, true]) {
      const book = makeBook({ rules: { holdTtlMs: TTL } });
      const h = expectOk(book.apply({ type: 'hold', buyerId: 'alice', seatIds: ['S0', 'S1'] }, T0), 'held').hold;
      if (expireFirst) expect(book.expireDue(h.expiresAt).map((x) => x.id)).toEqual([h.id]);
      expectFail(book.apply(confirmCmd('alice', h.id, 'key-a'), h.expiresAt), 'hold_expired');
      expect(statusOf(book, 'S0')).toBe('available');
      expect(statusOf(book, 'S1')).toBe('available');
      expect(book.seatCounts()).toMatchObject({ held: 0, sold: 0 });
      const kinds = book.takeBatch().effects.map((e) => (e.kind === 'hold_ended' ? `ended:${e.reason}` : e.kind));
      expect(kinds).toEqual(['hold_created', 'ended:expired']); // exactly one end, no order
      book.checkInvariants();
    }
  });

  it('direct: confirm at expiresAt - 1, then expireDue at expiresAt leaves the seats sold', () => {
    const book = makeBook({ rules: { holdTtlMs: TTL } });
    const h = expectOk(book.apply({ type: 'hold', buyerId: 'alice', seatIds: ['S0'] }, T0), 'held').hold;
    const order = expectOk(book.apply(confirmCmd('alice', h.id, 'key-a'), h.expiresAt - 1), 'confirmed').order;
    expect(book.expireDue(h.expiresAt)).toEqual([]);
    expect(book.seatState('S0')).toEqual({ status: 'sold', orderId: order.id });
    book.checkInvariants();
  });

  it('direct: an extension just before the deadline saves the hold; at the deadline it is too late', () => {
    const book = makeBook({ rules: { holdTtlMs: TTL, maxExtensions: 2 } });
    const h = expectOk(book.apply({ type: 'hold', buyerId: 'alice', seatIds: ['S0'] }, T0), 'held').hold;
    const first = h.expiresAt;
    expect(expectOk(book.apply({ type: 'extend', buyerId: 'alice', holdId: h.id }, first - 1), 'extended').hold.expiresAt).toBe(
      first - 1 + TTL,
    );
    expect(book.expireDue(first)).toEqual([]); // the stale deadline does not fire
    const second = first - 1 + TTL;
    expectFail(book.apply({ type: 'extend', buyerId: 'alice', holdId: h.id }, second), 'hold_expired');
    expect(statusOf(book, 'S0')).toBe('available');
    book.checkInvariants();
  });
});

describe('regressions: extend after a release', () => {
  it('model harness: extend/confirm of a released hold, after its seat was re-held by someone else', () => {
    const cmds: Cmd[] = [
      { t: 'hold', buyer: 0, seats: [0, 1] },
      { t: 'advance', ms: 100 },
      { t: 'release', buyer: 0, ref: 0, asOwner: true },
      { t: 'hold', buyer: 1, seats: [1] }, // S1 re-held by b1 in the same batch
      { t: 'extend', buyer: 0, ref: 1, asOwner: true }, // b0 extends the released hold → not_found
      { t: 'extend', buyer: 2, ref: 1, asOwner: false }, // someone else → not_hold_owner
      { t: 'confirm', buyer: 0, ref: 1, asOwner: true, key: 0 },
      { t: 'batch' },
      { t: 'toDeadline', delta: 0 },
      { t: 'expire' }, // only b1's hold expires
      { t: 'batch' },
    ];
    expect(outcomesOf(cmds)).toEqual(['held', 'released', 'held', 'not_found', 'not_hold_owner', 'not_found']);
  });

  it('direct: extending a released hold is not_found and does not touch the seat’s new holder', () => {
    const book = makeBook({ rules: { holdTtlMs: TTL, maxExtensions: 3 } });
    const a = expectOk(book.apply({ type: 'hold', buyerId: 'alice', seatIds: ['S0'] }, T0), 'held').hold;
    expectOk(book.apply({ type: 'release', buyerId: 'alice', holdId: a.id }, T0 + 10), 'released');
    const b = expectOk(book.apply({ type: 'hold', buyerId: 'bob', seatIds: ['S0'] }, T0 + 20), 'held').hold;
    const before = snapshot(book);
    book.takeBatch();

    expectFail(book.apply({ type: 'extend', buyerId: 'alice', holdId: a.id }, T0 + 30), 'not_found');
    expectFail(book.apply({ type: 'release', buyerId: 'alice', holdId: a.id }, T0 + 30), 'not_found');
    expectFail(book.apply(confirmCmd('alice', a.id, 'key-a'), T0 + 30), 'not_found');

    expect(snapshot(book)).toEqual(before);
    expect(book.seatState('S0')).toEqual({ status: 'held', holdId: b.id });
    expect(book.hold(b.id)).toMatchObject({ expiresAt: T0 + 20 + TTL, extensions: 0 });
    expect(book.takeBatch()).toEqual({ effects: [], changes: new Map() });
    // a's old deadline (T0+TTL) is stale; only b's deadline counts
    expect(book.nextDeadline()).toBe(T0 + 20 + TTL);
    expect(book.expireDue(T0 + TTL)).toEqual([]);
    expect(book.seatState('S0')).toEqual({ status: 'held', holdId: b.id });
    book.checkInvariants();
  });
});

describe('regressions: found by the storage differential test', () => {
  it('an order confirmed and partly cancelled in one batch: the batch still writes every ticket it sold', () => {
    // The order_created effect was the book's live order, so a cancel later in the same batch
    // removed a ticket from what the writer then inserted, and the cancel named a ticket never written.
    const book = makeBook();
    const hold = expectOk(book.apply({ type: 'hold', buyerId: 'alice', seatIds: ['S0', 'S1'] }, T0), 'held').hold;
    book.takeBatch();
    const order = expectOk(book.apply(confirmCmd('alice', hold.id, 'key-alice'), T0 + 1), 'confirmed').order;
    expectOk(book.apply({ type: 'cancel_tickets', orderId: order.id, seatIds: ['S0'], reason: 'moved', actor: 'admin' }, T0 + 2), 'tickets_cancelled');
    const { effects } = book.takeBatch();
    const created = effects.find((e) => e.kind === 'order_created');
    expect(created?.kind === 'order_created' && created.order.tickets.map((t) => t.seatId)).toEqual(['S0', 'S1']);
    expect(order.tickets.map((t) => t.seatId)).toEqual(['S0', 'S1']); // the reply is a snapshot too
    book.checkInvariants();
  });
});
