// Unit tests of the linearizability checker: hand-written legal and ILLEGAL
// histories, and histories produced by a simulated server around the real
// SeatBook (legal by construction; mutated, illegal).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SeatStatus } from '../../lib/protocol';
import { checkHistory, type CheckOptions } from './checker';
import type { HistoryEntry, OpArgs, OpKind, OpResult } from './history';
import { simulate } from './simulate';

const TTL = 1000;
type Window = [invoke: number, complete: number];

let nextId = 0;
function entry(client: string, op: OpKind, args: OpArgs, [invoke, complete]: Window, result: OpResult): HistoryEntry {
  return { id: nextId++, client, buyer: client, op, args, invokeAt: invoke, completeAt: complete, invokeWall: invoke, completeWall: complete, result };
}

// A small DSL: `at` is the server time the server stamped (it must lie in the window).
const holdOk = (c: string, seatIds: string[], w: Window, holdId: string, at = w[0]) =>
  entry(c, 'hold', { seatIds }, w, { ok: true, holdId, seatIds, expiresAt: at + TTL });
const holdFails = (c: string, seatIds: string[], w: Window, taken: string[]) =>
  entry(c, 'hold', { seatIds }, w, { ok: false, code: 'seats_unavailable', seatIds: taken });
const release = (c: string, holdId: string, w: Window, result: OpResult = { ok: true, holdId }) => entry(c, 'release', { holdId }, w, result);
const extendOk = (c: string, holdId: string, w: Window, at: number, seatIds: string[]) =>
  entry(c, 'extend', { holdId }, w, { ok: true, holdId, seatIds, expiresAt: at + TTL, extensionsLeft: 0 });
const confirmOk = (c: string, holdId: string, key: string, w: Window, orderId: string, seatIds: string[], at = w[0], replayed = false) =>
  entry(c, 'confirm', { holdId, key }, w, { ok: true, holdId, orderId, orderCreatedAt: at, seatIds, replayed });
const confirm = (c: string, holdId: string, key: string, w: Window, result: OpResult) => entry(c, 'confirm', { holdId, key }, w, result);
const failed = (code: Extract<OpResult, { ok: false }>['code'], extra: { orderId?: string } = {}): OpResult => ({ ok: false, code, ...extra });

function check(history: HistoryEntry[], final: Record<string, SeatStatus>, extra: Partial<CheckOptions> = {}) {
  return checkHistory(history, { holdTtlMs: TTL, maxSeatsPerBuyer: 8, maxExtensions: 1, final: { seats: final, readAt: 100_000 }, ...extra });
}
const legal = (...args: Parameters<typeof check>) => {
  const result = check(...args);
  expect(result, result.ok ? '' : result.reason).toMatchObject({ ok: true });
};
const illegal = (pattern: RegExp, ...args: Parameters<typeof check>) => {
  const result = check(...args);
  expect(result.ok, 'the checker accepted an illegal history').toBe(false);
  if (!result.ok) expect(result.reason).toMatch(pattern);
};

describe('checker: legal histories', () => {
  it('two concurrent holds of one seat: one wins, the other names the seat', () => {
    legal([holdFails('b', ['s1'], [0, 10], ['s1']), holdOk('a', ['s1'], [1, 9], 'h1', 5)], { s1: 'held' });
  });

  it('hold, release, then someone else holds the seat', () => {
    legal([holdOk('a', ['s1'], [0, 2], 'h1', 1), release('a', 'h1', [3, 4]), holdOk('b', ['s1'], [5, 6], 'h2', 5)], { s1: 'held' });
  });

  it('a hold that succeeded must follow a concurrent release; one that failed must precede it', () => {
    legal(
      [
        holdOk('a', ['s1'], [0, 1], 'h1', 0),
        holdOk('b', ['s1'], [2, 20], 'h2', 15), // invoked before the release, took effect after it
        holdFails('c', ['s1'], [3, 20], ['s1']),
        release('a', 'h1', [4, 12]),
      ],
      { s1: 'held' },
    );
  });

  it('multi-seat holds: a partial overlap fails naming exactly the taken seat', () => {
    legal(
      [
        holdOk('a', ['s1', 's2'], [0, 5], 'h1', 2),
        holdFails('b', ['s2', 's3'], [1, 6], ['s2']), // after a: s2 taken, s3 still free
        holdOk('c', ['s3'], [4, 9], 'h3', 8),
      ],
      { s1: 'held', s2: 'held', s3: 'held' },
    );
  });

  it('confirm, an idempotent replay, a second key (already_confirmed), a release after the sale', () => {
    legal(
      [
        holdOk('a', ['s1', 's2'], [0, 1], 'h1', 0),
        confirmOk('a', 'h1', 'key-1', [2, 3], 'o1', ['s2', 's1'], 2),
        confirmOk('a', 'h1', 'key-1', [4, 5], 'o1', ['s1', 's2'], 2, true),
        confirm('a', 'h1', 'key-2', [6, 7], failed('already_confirmed', { orderId: 'o1' })),
        release('a', 'h1', [8, 9], failed('already_confirmed')),
        holdFails('b', ['s1'], [10, 11], ['s1']),
      ],
      { s1: 'sold', s2: 'sold' },
    );
  });

  it('an idempotency key reused for another hold is a conflict', () => {
    legal(
      [
        holdOk('a', ['s1'], [0, 1], 'h1', 0),
        holdOk('a', ['s2'], [2, 3], 'h2', 2),
        confirmOk('a', 'h1', 'key-1', [4, 5], 'o1', ['s1'], 4),
        confirm('a', 'h2', 'key-1', [6, 7], failed('idempotency_conflict')),
      ],
      { s1: 'sold', s2: 'held' },
    );
  });

  it('expiry is explained by time: after the deadline the owner sees hold_expired and the seat is free again', () => {
    legal(
      [
        holdOk('a', ['s1'], [0, 1], 'h1', 0), // deadline 1000
        holdFails('b', ['s1'], [500, 600], ['s1']),
        holdOk('b', ['s1'], [900, 1200], 'h2', 1100), // takes effect after the deadline
        confirm('a', 'h1', 'key-1', [1300, 1400], failed('hold_expired')),
        confirm('a', 'h1', 'key-2', [1500, 1600], failed('hold_expired')),
      ],
      { s1: 'held' },
    );
  });

  it('an extension moves the deadline; a confirm after the old deadline succeeds', () => {
    legal(
      [
        holdOk('a', ['s1'], [0, 1], 'h1', 0),
        extendOk('a', 'h1', [900, 950], 920, ['s1']), // new deadline 1920
        holdFails('b', ['s1'], [1200, 1300], ['s1']),
        confirmOk('a', 'h1', 'key-1', [1500, 1600], 'o1', ['s1'], 1550),
      ],
      { s1: 'sold' },
    );
  });

  it('the final map may still show a hold whose deadline passed (its timer had not run)', () => {
    legal([holdOk('a', ['s1'], [0, 1], 'h1', 0)], { s1: 'held' }, { final: { seats: { s1: 'held' }, readAt: 5000 } });
    legal([holdOk('a', ['s1'], [0, 1], 'h1', 0)], { s1: 'available' }, { final: { seats: { s1: 'available' }, readAt: 5000 } });
  });

  it('busy answers change nothing; someone else’s hold answers not_hold_owner; an unknown hold not_found', () => {
    legal(
      [
        entry('b', 'hold', { seatIds: ['s1'] }, [0, 1], failed('busy')),
        holdOk('a', ['s1'], [2, 3], 'h1', 2),
        release('b', 'h1', [4, 5], failed('not_hold_owner')),
        release('b', 'h-none', [4, 5], failed('not_found')),
      ],
      { s1: 'held' },
    );
  });
});

describe('checker: ILLEGAL histories are rejected', () => {
  it('two acked holds of one seat overlapping in time (no release)', () => {
    illegal(/not linearizable/, [holdOk('a', ['s1'], [0, 10], 'h1', 5), holdOk('b', ['s1'], [2, 12], 'h2', 6)], { s1: 'held' });
  });

  it('an acked sale missing from the final state', () => {
    illegal(/acknowledged sale missing: s1 shows available/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirmOk('a', 'h1', 'key-1', [2, 3], 'o1', ['s1'], 2)], {
      s1: 'available',
    });
  });

  it('seats_unavailable while the seat was provably free for the whole operation', () => {
    illegal(/s1 was provably free/, [holdFails('a', ['s1'], [0, 10], ['s1'])], { s1: 'available' });
    // ... also when it was held before and after, but released across the whole window (found by the search)
    illegal(
      /s1 was free/,
      [holdOk('a', ['s1'], [0, 1], 'h1', 0), release('a', 'h1', [2, 3]), holdFails('b', ['s1'], [4, 5], ['s1']), holdOk('c', ['s1'], [6, 7], 'h2', 6)],
      { s1: 'held' },
    );
  });

  it('seats_unavailable naming the wrong seat of a multi-seat request', () => {
    illegal(/s1 was provably free/, [holdOk('a', ['s2'], [0, 1], 'h1', 0), holdFails('b', ['s1', 's2'], [2, 3], ['s1'])], { s1: 'available', s2: 'held' });
    // s1 had been held (and released) before, so only the search can tell
    illegal(
      /s1 was free/,
      [holdOk('c', ['s1'], [0, 1], 'h0', 0), release('c', 'h0', [1, 2]), holdOk('a', ['s2'], [2, 3], 'h1', 2), holdFails('b', ['s1', 's2'], [4, 5], ['s1'])],
      { s1: 'available', s2: 'held' },
    );
  });

  it('real time: a hold that succeeded after another completed hold of the seat, with no release', () => {
    illegal(/not linearizable/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), holdOk('b', ['s1'], [2, 3], 'h2', 2)], { s1: 'held' });
  });

  it('hold_expired for a confirm that completed before the deadline', () => {
    illegal(/no server time fits/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirm('a', 'h1', 'key-1', [500, 999], failed('hold_expired'))], { s1: 'available' });
  });

  it('a confirm that succeeded although it started after the deadline', () => {
    illegal(/no server time fits/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirmOk('a', 'h1', 'key-1', [1000, 1100], 'o1', ['s1'], 1050)], { s1: 'sold' });
  });

  it('a seat re-held by another buyer before the first hold could have expired', () => {
    illegal(/no server time fits/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), holdOk('b', ['s1'], [900, 990], 'h2', 950)], { s1: 'held' });
  });

  it('two orders for one hold (two keys, both acked): a seat sold twice', () => {
    illegal(
      /s1 was sold twice/,
      [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirmOk('a', 'h1', 'key-1', [2, 3], 'o1', ['s1'], 2), confirmOk('a', 'h1', 'key-2', [4, 5], 'o2', ['s1'], 4)],
      { s1: 'sold' },
    );
  });

  it('a replay that returns another order', () => {
    illegal(
      /expected a replay of order o1/,
      [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirmOk('a', 'h1', 'key-1', [2, 3], 'o1', ['s1'], 2), confirmOk('a', 'h1', 'key-1', [4, 5], 'o9', ['s1'], 2, true)],
      { s1: 'sold' },
    );
  });

  it('a stamped time outside the operation’s window', () => {
    illegal(/no server time fits/, [holdOk('a', ['s1'], [10, 20], 'h1', 5)], { s1: 'held' });
  });

  it('a released seat that the final map still shows held', () => {
    illegal(/should be available/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), release('a', 'h1', [2, 3])], { s1: 'held' });
  });

  it('a seat nobody touched that changed; a seat sold without an acked order', () => {
    illegal(/s9 was never touched but changed from available to held/, [holdOk('a', ['s1'], [0, 1], 'h1', 0)], { s1: 'held', s9: 'held' });
    illegal(/s9 shows sold, but no acknowledged order sold it/, [holdOk('a', ['s1'], [0, 1], 'h1', 0)], { s1: 'held', s9: 'sold' });
  });

  it('a hold that succeeded on a seat whose sale had completed before it was sent', () => {
    illegal(
      /s1 was held after its sale had completed/,
      [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirmOk('a', 'h1', 'key-1', [2, 3], 'o1', ['s1'], 2), holdOk('b', ['s1', 's2'], [4, 5], 'h2', 4)],
      { s1: 'sold', s2: 'held' },
    );
  });

  it('a sale that needs the seat while another buyer’s sale of it is concurrent (found by the search)', () => {
    // b's hold overlaps a's confirm, so the quick checks cannot rule it out; no serial order explains both.
    illegal(
      /not linearizable/,
      [holdOk('a', ['s1'], [0, 1], 'h1', 0), confirmOk('a', 'h1', 'key-1', [2, 10], 'o1', ['s1'], 5), holdOk('b', ['s1'], [3, 9], 'h2', 6)],
      { s1: 'sold' },
    );
  });

  it('a hold id handed out twice', () => {
    illegal(/hold h1 was handed out twice/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), holdOk('b', ['s2'], [0, 1], 'h1', 0)], { s1: 'held', s2: 'held' });
  });

  it('a buyer releasing someone else’s hold', () => {
    illegal(/expected not_hold_owner/, [holdOk('a', ['s1'], [0, 1], 'h1', 0), release('b', 'h1', [2, 3])], { s1: 'available' });
  });
});

describe('checker: simulated server (the real SeatBook, random batches and delays)', () => {
  const sim = { clients: 6, opsPerClient: 10, seats: 5, ttl: 25 };
  const simArb = fc.record({
    seed: fc.integer(),
    clients: fc.integer({ min: 2, max: 12 }),
    opsPerClient: fc.integer({ min: 1, max: 15 }),
    seats: fc.integer({ min: 1, max: 8 }),
    ttl: fc.integer({ min: 3, max: 40 }), // short: holds expire, in the middle of everything
    maxExtensions: fc.integer({ min: 0, max: 3 }),
    tickChance: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
  });

  it('accepts every history the simulated server produces', () => {
    fc.assert(
      fc.property(simArb, ({ seed, ...cfg }) => {
        const { history, final, endedAt } = simulate(seed, cfg);
        const result = checkHistory(history, { holdTtlMs: cfg.ttl, maxSeatsPerBuyer: 50, maxExtensions: cfg.maxExtensions, final: { seats: final, readAt: endedAt } });
        expect(result, result.ok ? '' : result.reason).toMatchObject({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects it once an acked sale is dropped from the final map, or a seats_unavailable is invented for a seat nobody held', () => {
    let mutated = 0;
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { history, final, endedAt } = simulate(seed, sim);
        const options = { holdTtlMs: sim.ttl, maxSeatsPerBuyer: 50, maxExtensions: 1, final: { seats: final, readAt: endedAt } };
        const sale = history.find((e) => e.op === 'confirm' && e.result.ok && !e.result.replayed);
        if (sale?.result.ok) {
          const seat = sale.result.seatIds![0];
          expect(checkHistory(history, { ...options, final: { ...options.final, seats: { ...final, [seat]: 'available' } } }).ok).toBe(false);
          mutated++;
        }
        // A seats_unavailable failure answered while every seat it named was free at all times cannot be explained.
        const free = Object.keys(final).filter((s) => !history.some((e) => e.op === 'hold' && (e.args as { seatIds: string[] }).seatIds.includes(s)));
        if (free.length) {
          const fake: HistoryEntry = { ...history[0], id: history.length, client: 'z', buyer: 'z', args: { seatIds: [free[0]] }, result: { ok: false, code: 'seats_unavailable', seatIds: [free[0]] } };
          expect(checkHistory([...history, fake], options).ok).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
    expect(mutated).toBeGreaterThan(20);
  });

  it('handles a server-sized history (200 clients × 20 ops on 30 seats) within its search budget', () => {
    const big = { clients: 200, opsPerClient: 20, seats: 30, ttl: 60_000, tickChance: 0.5 };
    const { history, final, endedAt } = simulate(7, big);
    const result = checkHistory(history, { holdTtlMs: big.ttl, maxSeatsPerBuyer: 50, maxExtensions: 1, final: { seats: final, readAt: endedAt }, maxSteps: 200_000 });
    expect(result, result.ok ? '' : result.reason).toMatchObject({ ok: true });
    expect(history).toHaveLength(4000);
  });
});
