// Runs a sequence of command records against the real SeatBook and the
// independent Model side by side, checking outcomes, seat statuses and the
// book's invariants after every step. Shared by the property tests and the
// hand-written regression sequences.
import { expect } from 'vitest';
import fc from 'fast-check';
import type { SeatBook } from '../../core/seatBook';
import type { CoreSeatStatus, Order, Outcome, SeatId } from '../../core/types';
import { BUYER_DETAILS, CounterIds, T0, makeBook, priceOfSeat, seatId, snapshot } from './fixtures';
import { Model, type Expected } from './model';

export const SEATS = 12;
export const UNKNOWN_SEAT = 'X1';
export const BUYERS = ['b0', 'b1', 'b2', 'b3'];
export const TTL = 1000;
export const MAX_PER_BUYER = 4;
export const MAX_EXTENSIONS = 1;

export type Cmd =
  | { t: 'hold'; buyer: number; seats: number[] } // seat index SEATS means an unknown seat
  | { t: 'extend' | 'release'; buyer: number; ref: number; asOwner: boolean }
  | { t: 'confirm'; buyer: number; ref: number; asOwner: boolean; key: number }
  | { t: 'advance'; ms: number }
  /** Jump to the earliest live deadline + delta (exercises the exact boundary). */
  | { t: 'toDeadline'; delta: -1 | 0 | 1 }
  | { t: 'expire' }
  | { t: 'batch' }
  | { t: 'sale'; status: 'open' | 'paused' | 'closed' };

export interface Scenario {
  blocked: number[];
  cmds: Cmd[];
}

// ---------- arbitraries ----------

const buyerArb = fc.integer({ min: 0, max: BUYERS.length - 1 });
const seatIdxArb = fc.integer({ min: 0, max: SEATS }); // SEATS = unknown seat, rare-ish
const seatListArb = fc.oneof(
  { weight: 10, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: SEATS - 1 }), { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(seatIdxArb, { minLength: 0, maxLength: 5 }) }, // empties, dups, unknowns, too many
);
const refArb = fc.oneof(fc.nat({ max: 2 }), fc.nat({ max: 20 })); // mostly recent holds
const ownerArb = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('hold' as const), buyer: buyerArb, seats: seatListArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('extend' as const), buyer: buyerArb, ref: refArb, asOwner: ownerArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('release' as const), buyer: buyerArb, ref: refArb, asOwner: ownerArb }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('confirm' as const),
      buyer: buyerArb,
      ref: refArb,
      asOwner: ownerArb,
      key: fc.integer({ min: 0, max: 2 }), // small pool: keys repeat (replays and conflicts)
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 700 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('toDeadline' as const), delta: fc.constantFrom(-1 as const, 0 as const, 1 as const) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'expire' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'batch' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('sale' as const),
      status: fc.constantFrom('open' as const, 'open' as const, 'paused' as const, 'closed' as const),
    }),
  },
);

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  blocked: fc.uniqueArray(fc.integer({ min: 0, max: SEATS - 1 }), { maxLength: 2 }),
  cmds: fc.array(cmdArb, { minLength: 1, maxLength: 60, size: 'max' }),
});

// ---------- runner ----------

function idFrom(real: Outcome, kind: 'held' | 'confirmed'): () => string {
  return () => {
    if (real.ok && real.type === kind) return kind === 'held' ? (real as { hold: { id: string } }).hold.id : (real as { order: Order }).order.id;
    throw new Error(`model expects a new ${kind}, but the book answered ${JSON.stringify(real)}`);
  };
}

function compareOutcome(real: Outcome, exp: Expected, now: number, label: string): void {
  const realShape = real.ok ? { ok: true, type: real.type } : { ok: false, code: real.code };
  const expShape = exp.ok ? { ok: true, type: exp.type } : { ok: false, code: exp.code };
  expect(realShape, `${label}: outcome kind`).toEqual(expShape);
  if (!exp.ok && !real.ok) {
    if (exp.seatIds) expect(real.seatIds, `${label}: seatIds`).toEqual(exp.seatIds);
    if (exp.code === 'already_confirmed') expect(real.orderId, `${label}: orderId`).toBe(exp.orderId);
    return;
  }
  if (!exp.ok || !real.ok) return;
  if ((exp.type === 'held' || exp.type === 'extended') && (real.type === 'held' || real.type === 'extended')) {
    expect(real.hold.seatIds, `${label}: hold seats`).toEqual(exp.hold.seats);
    expect(real.hold.expiresAt, `${label}: expiresAt`).toBe(exp.hold.expiresAt);
    expect(real.hold.expiresAt, `${label}: expiresAt = now + ttl`).toBe(now + TTL);
    expect(real.hold.extensions, `${label}: extensions`).toBe(exp.hold.extensions);
  }
  if (exp.type === 'released' && real.type === 'released') {
    expect(real.seatIds, `${label}: released seats`).toEqual(exp.seats);
  }
  if (exp.type === 'confirmed' && real.type === 'confirmed') {
    expect(real.replayed, `${label}: replayed`).toBe(exp.replayed);
    expect(real.order.id, `${label}: order id`).toBe(exp.order.id);
    expect(real.order.holdId).toBe(exp.order.holdId);
    expect(real.order.tickets.map((t) => t.seatId), `${label}: tickets`).toEqual(exp.order.seats);
    for (const t of real.order.tickets) expect(t.priceCents).toBe(priceOfSeat(t.seatId));
    expect(real.order.totalCents, `${label}: total`).toBe(exp.order.totalCents);
  }
}

function effectKey(e: ReturnType<SeatBook['takeBatch']>['effects'][number]): string {
  switch (e.kind) {
    case 'hold_created':
      return `created:${e.hold.id}`;
    case 'hold_extended':
      return `extended:${e.holdId}:${e.expiresAt}:${e.extensions}`;
    case 'hold_ended':
      return `ended:${e.hold.id}:${e.reason}:${e.at}`;
    case 'order_created':
      return `order:${e.order.id}:${e.order.holdId}`;
    default:
      return `other:${e.kind}`; // admin effects: never produced by the buyer commands generated here
  }
}

/** Book-only invariants, independent of the model. */
export function checkBookInvariants(
  book: SeatBook,
  orders: Order[],
  now: number,
  afterExpire: boolean,
  maxPerBuyer = MAX_PER_BUYER,
): void {
  book.checkInvariants();

  // never sold twice, across all orders ever created
  const soldBy = new Map<SeatId, string>();
  for (const o of orders) {
    for (const t of o.tickets) {
      expect(soldBy.has(t.seatId), `seat ${t.seatId} sold twice (${soldBy.get(t.seatId)} and ${o.id})`).toBe(false);
      soldBy.set(t.seatId, o.id);
    }
  }
  for (const [s, orderId] of soldBy) expect(book.seatState(s), `sold seat ${s}`).toEqual({ status: 'sold', orderId });

  // a seat is never both sold and held, nor in two live holds; holds respect the per-buyer limit
  const heldIn = new Map<SeatId, string>();
  const perBuyer = new Map<string, number>();
  for (const h of book.activeHolds()) {
    perBuyer.set(h.buyerId, (perBuyer.get(h.buyerId) ?? 0) + h.seatIds.length);
    for (const s of h.seatIds) {
      expect(soldBy.has(s), `seat ${s} both sold and held by ${h.id}`).toBe(false);
      expect(heldIn.has(s), `seat ${s} in two holds`).toBe(false);
      heldIn.set(s, h.id);
      expect(book.seatState(s)).toEqual({ status: 'held', holdId: h.id });
    }
    if (afterExpire) expect(h.expiresAt, `live hold ${h.id} is past due after expireDue`).toBeGreaterThan(now);
  }
  for (const n of perBuyer.values()) expect(n).toBeLessThanOrEqual(maxPerBuyer);

  // counts add up to capacity and match the seats
  const c = book.seatCounts();
  expect(c.available + c.held + c.sold + c.blocked).toBe(book.capacity);
  const counted = { available: 0, held: 0, sold: 0, blocked: 0 };
  for (const [, s] of book.seatEntries()) counted[s.status] += 1;
  expect({ ...c }).toEqual(counted);
  expect(c.held).toBe(heldIn.size);
  expect(c.sold).toBe(soldBy.size);

  // nextDeadline is the earliest live deadline
  const deadlines = [...book.activeHolds()].map((h) => h.expiresAt);
  expect(book.nextDeadline()).toBe(deadlines.length ? Math.min(...deadlines) : null);
}

/** Runs a scenario; throws (via expect) on the first divergence. */
export function runScenario({ blocked, cmds }: Scenario, onOutcome?: (outcome: Outcome) => void): void {
  const blockedIds = blocked.map(seatId);
  const book = makeBook({
    seats: SEATS,
    rules: { holdTtlMs: TTL, maxSeatsPerBuyer: MAX_PER_BUYER, maxExtensions: MAX_EXTENSIONS },
    ids: new CounterIds(),
    restored: { holds: [], orders: [], blockedSeatIds: blockedIds },
  });
  const model = new Model(
    Array.from({ length: SEATS }, (_, i) => seatId(i)),
    blockedIds,
    priceOfSeat,
    { ttl: TTL, maxPerBuyer: MAX_PER_BUYER, maxExtensions: MAX_EXTENSIONS, sale: 'open' },
  );
  let now = T0;
  let lastBatch: Map<SeatId, CoreSeatStatus> = snapshot(book);
  const knownHolds: string[] = [];
  const orders: Order[] = [];

  // ref 0..17 picks a known hold (0 = the newest); 18..20, or no hold yet, names an unknown hold.
  const resolveHold = (ref: number): string => {
    if (ref >= 18 || knownHolds.length === 0) return 'h-unknown';
    return knownHolds[knownHolds.length - 1 - (ref % knownHolds.length)];
  };
  const resolveBuyer = (buyer: number, asOwner: boolean, holdId: string): string =>
    (asOwner && model.ownerOf(holdId)) || BUYERS[buyer];

  cmds.forEach((cmd, i) => {
    const label = `step ${i} ${JSON.stringify(cmd)} @${now - T0}`;
    let afterExpire = false;
    switch (cmd.t) {
      case 'hold': {
        const seats = cmd.seats.map((s) => (s === SEATS ? UNKNOWN_SEAT : seatId(s)));
        const real = book.apply({ type: 'hold', buyerId: BUYERS[cmd.buyer], seatIds: seats }, now);
        const exp = model.hold(BUYERS[cmd.buyer], seats, now, idFrom(real, 'held'));
        onOutcome?.(real);
        compareOutcome(real, exp, now, label);
        if (real.ok && real.type === 'held') knownHolds.push(real.hold.id);
        break;
      }
      case 'extend':
      case 'release': {
        const holdId = resolveHold(cmd.ref);
        const buyerId = resolveBuyer(cmd.buyer, cmd.asOwner, holdId);
        const real = book.apply({ type: cmd.t, buyerId, holdId }, now);
        const exp = cmd.t === 'extend' ? model.extend(buyerId, holdId, now) : model.release(buyerId, holdId, now);
        onOutcome?.(real);
        compareOutcome(real, exp, now, label);
        break;
      }
      case 'confirm': {
        const holdId = resolveHold(cmd.ref);
        const buyerId = resolveBuyer(cmd.buyer, cmd.asOwner, holdId);
        const key = `key-${cmd.key}`;
        const real = book.apply({ type: 'confirm', buyerId, holdId, idempotencyKey: key, buyer: { ...BUYER_DETAILS, email: `${buyerId}@example.com` } }, now);
        const exp = model.confirm(buyerId, holdId, key, now, idFrom(real, 'confirmed'));
        onOutcome?.(real);
        compareOutcome(real, exp, now, label);
        if (real.ok && real.type === 'confirmed' && !real.replayed) orders.push(real.order);
        break;
      }
      case 'advance':
        now += cmd.ms;
        break;
      case 'toDeadline': {
        const d = model.earliestDeadline();
        if (d !== null && d + cmd.delta >= now) now = d + cmd.delta;
        break;
      }
      case 'expire': {
        const expired = book.expireDue(now);
        const expIds = model.expireDue(now);
        expect(expired.map((h) => h.id).sort(), `${label}: expired set`).toEqual([...expIds].sort());
        for (let k = 1; k < expired.length; k++) {
          expect(expired[k].expiresAt, `${label}: deadline order`).toBeGreaterThanOrEqual(expired[k - 1].expiresAt);
        }
        afterExpire = true;
        break;
      }
      case 'batch': {
        const { effects, changes } = book.takeBatch();
        const next = new Map(lastBatch);
        for (const [s, st] of changes) {
          expect(lastBatch.get(s), `${label}: change for ${s} that did not change`).not.toBe(st);
          next.set(s, st);
        }
        expect(next, `${label}: previous snapshot + changes = current`).toEqual(snapshot(book));
        expect(effects.map(effectKey).sort(), `${label}: effects`).toEqual([...model.effects].sort());
        model.effects = [];
        lastBatch = next;
        break;
      }
      case 'sale':
        book.rules = { ...book.rules, saleStatus: cmd.status };
        model.rules = { ...model.rules, sale: cmd.status };
        break;
    }

    expect(snapshot(book), `${label}: seat statuses`).toEqual(model.statuses());
    for (const [s, ms] of model.seats) {
      if (ms.status === 'held') expect(book.seatState(s), `${label}: holder of ${s}`).toEqual({ status: 'held', holdId: ms.holdId });
    }
    expect(book.nextDeadline(), `${label}: nextDeadline`).toBe(model.earliestDeadline());
    checkBookInvariants(book, orders, now, afterExpire);
  });
}

// ---------- concurrent buyers (property b) ----------

const CONCURRENT_SEATS = 6;
const planArb = fc.array(
  fc.record({
    seats: fc.uniqueArray(fc.integer({ min: 0, max: CONCURRENT_SEATS - 1 }), { minLength: 1, maxLength: 3 }),
    dt: fc.integer({ min: 0, max: 30 }),
    then: fc.constantFrom('keep' as const, 'release' as const, 'confirm' as const),
  }),
  { minLength: 1, maxLength: 4 },
);
type Plan = typeof planArb extends fc.Arbitrary<infer P> ? P : never;

/**
 * Buyers (one async task each, interleaved at random by fc.scheduler) race to
 * hold overlapping seats, then keep, release or confirm; an expirer task
 * advances the clock. After every step: no seat is covered by two live holds,
 * holds only take free seats, failures name exactly the taken seats, and the
 * book's invariants hold.
 */
export function concurrentBuyersProperty() {
  return fc.asyncProperty(fc.scheduler(), fc.array(planArb, { minLength: 2, maxLength: 4 }), async (s, plans) => {
    const book = makeBook({ seats: CONCURRENT_SEATS, rules: { holdTtlMs: 50, maxSeatsPerBuyer: CONCURRENT_SEATS, maxExtensions: 1 } });
    let now = T0;
    const orders: Order[] = [];
    let successes = 0;

    const check = () => {
      const covering = new Map<string, string>();
      for (const h of book.activeHolds()) {
        for (const seat of h.seatIds) {
          expect(covering.get(seat), `seat ${seat} covered by two holds`).toBeUndefined();
          covering.set(seat, h.id);
        }
      }
      checkBookInvariants(book, orders, now, false, CONCURRENT_SEATS);
    };

    const buyer = async (name: string, plan: Plan) => {
      for (const [k, step] of plan.entries()) {
        await s.schedule(Promise.resolve(), `${name} wants #${k}`);
        now += step.dt;
        const seatIds = step.seats.map(seatId);
        const before = snapshot(book);
        const out = book.apply({ type: 'hold', buyerId: name, seatIds }, now);
        if (out.ok) {
          successes++;
          // a hold only ever takes seats that were free
          for (const id of seatIds) expect(before.get(id)).toBe('available');
        } else {
          expect(out.code).toBe('seats_unavailable');
          expect(out.seatIds).toEqual(seatIds.filter((id) => before.get(id) !== 'available'));
        }
        check();
        if (!out.ok || out.type !== 'held' || step.then === 'keep') continue;
        await s.schedule(Promise.resolve(), `${name} decides on ${out.hold.id}`);
        now += step.dt;
        const next =
          step.then === 'release'
            ? book.apply({ type: 'release', buyerId: name, holdId: out.hold.id }, now)
            : book.apply(
                { type: 'confirm', buyerId: name, holdId: out.hold.id, idempotencyKey: `${name}-${k}`, buyer: BUYER_DETAILS },
                now,
              );
        if (next.ok && next.type === 'confirmed') orders.push(next.order);
        else if (!next.ok) expect(next.code).toBe('hold_expired'); // only a lost race with the clock may fail
        check();
      }
    };

    const expirer = async () => {
      for (let k = 0; k < 6; k++) {
        await s.schedule(Promise.resolve(), `expire tick ${k}`);
        now += 20;
        book.expireDue(now);
        check();
      }
    };

    const all = Promise.all([...plans.map((p, i) => buyer(`buyer${i}`, p)), expirer()]);
    await s.waitFor(all);
    check();
    expect(successes).toBeGreaterThan(0); // the first request of the run always finds free seats
  });
}
