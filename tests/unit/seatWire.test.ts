// The compact live-seat wire format (lib/protocol.ts) and the per-version join
// snapshot cache (server/seatFeed.ts).
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  decodeSeatDelta,
  encodeSeatDelta,
  SEAT_STATUS_CODES,
  SEAT_STATUSES,
  seatChangesOf,
  seatStatusesOf,
  updateAction,
  type SeatChange,
  type SeatLayout,
  type SeatStatus,
} from '../../lib/protocol';
import { SeatStatusStore, STATUS_AVAILABLE, STATUS_HELD, STATUS_SOLD } from '../../lib/client/seatStatusStore';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { layoutKeyOf, SeatFeed, sortSeatsInLayoutOrder } from '../../server/seatFeed';
import { CORE_STATUS_CODES, type CoreStatusCode } from '../../server/events/commitNotice';

const decodeAll = (delta: string, seatCount: number): [number, SeatStatus][] | null => {
  const out: [number, SeatStatus][] = [];
  return decodeSeatDelta(delta, seatCount, (i, s) => out.push([i, s])) ? out : null;
};

/** Distinct seat indices below `seatCount` with a status each. */
const changesArb = (seatCount: number) =>
  fc.uniqueArray(fc.tuple(fc.nat(seatCount - 1), fc.constantFrom(...SEAT_STATUSES)), { selector: ([i]) => i, maxLength: 300 });

describe('seat delta encoding', () => {
  it('writes ascending entries of <distance from the previous index><code>', () => {
    expect(encodeSeatDelta([120, 5, 7], ['s', 'h', 'a'])).toBe('5h2a113s');
    expect(encodeSeatDelta([0], ['a'])).toBe('0a');
    expect(encodeSeatDelta([], [])).toBe('');
  });

  it('round-trips any set of distinct changes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.constant(n), changesArb(n))), ([seatCount, changes]) => {
        const delta = encodeSeatDelta(
          changes.map(([i]) => i),
          changes.map(([, s]) => SEAT_STATUS_CODES[s]),
        );
        expect(delta).toMatch(/^(\d+[ahs])*$/);
        expect(decodeAll(delta, seatCount)).toEqual([...changes].sort((a, b) => a[0] - b[0]));
      }),
    );
  });

  it('refuses malformed deltas without visiting anything', () => {
    for (const bad of ['5', 'h', '5x', '-1a', '3a0h', '2a1', ' 1a', '99999999a']) {
      expect(decodeAll(bad, 1_000), bad).toBeNull();
    }
    expect(decodeAll('10a', 10)).toBeNull(); // index 10 of 10 seats
    expect(decodeAll('9a', 10)).toEqual([[9, 'available']]);
  });

  it('maps to seat ids with the layout', () => {
    expect(seatChangesOf('1h1s', ['A-1', 'A-2', 'A-3'])).toEqual<SeatChange[]>([
      { seatId: 'A-2', status: 'held' },
      { seatId: 'A-3', status: 'sold' },
    ]);
    expect(seatStatusesOf('ahs', ['A-1', 'A-2', 'A-3'])).toEqual({ 'A-1': 'available', 'A-2': 'held', 'A-3': 'sold' });
    expect(seatStatusesOf('ah', ['A-1', 'A-2', 'A-3'])).toBeNull();
    expect(seatStatusesOf('ahx', ['A-1', 'A-2', 'A-3'])).toBeNull();
  });
});

describe('update versions', () => {
  it('applies the next version (or a merged range reaching back to it), ignores old ones, resyncs on a gap', () => {
    expect(updateAction(4, { fromVersion: 5, version: 5 })).toBe('apply');
    expect(updateAction(4, { fromVersion: 3, version: 6 })).toBe('apply'); // absolute statuses: re-applying 3–4 is harmless
    expect(updateAction(4, { fromVersion: 4, version: 4 })).toBe('ignore');
    expect(updateAction(4, { fromVersion: 6, version: 6 })).toBe('resync');
    expect(updateAction(-1, { fromVersion: 1, version: 1 })).toBe('resync');
  });
});

describe('the browser status store decodes the wire format', () => {
  const index = (count: number) => ({ count, indexById: new Map(), event: {} }) as unknown as SeatIndex;

  it('replaces from a snapshot and applies deltas, reporting only indices that changed', () => {
    const store = new SeatStatusStore(index(4));
    const seen: (number[] | null)[] = [];
    store.subscribe((changed) => seen.push(changed));
    expect(store.replaceStatuses(7, 'ahsa')).toBe(true);
    expect([...store.codes]).toEqual([STATUS_AVAILABLE, STATUS_HELD, STATUS_SOLD, STATUS_AVAILABLE]);
    expect(store.applyDelta(8, '1h2h')).toBe(true); // seat 1 is already held
    expect(store.version).toBe(8);
    expect(store.status(3)).toBe('held');
    expect(seen).toEqual([null, [3]]);
  });

  it('refuses snapshots and deltas that do not fit, changing nothing', () => {
    const store = new SeatStatusStore(index(3));
    expect(store.replaceStatuses(1, 'aaaa')).toBe(false);
    expect(store.replaceStatuses(1, 'aza')).toBe(false);
    expect(store.replaceStatuses(1, 'aaa')).toBe(true);
    expect(store.applyDelta(2, '3h')).toBe(false);
    expect(store.applyDelta(2, '1h1x')).toBe(false);
    expect(store.version).toBe(1);
    expect(store.counts()).toEqual({ available: 3, held: 0, sold: 0 });
  });

  it('tells React at most once per frame however many versions arrive, and never after unsubscribing', () => {
    vi.useFakeTimers();
    try {
      const store = new SeatStatusStore(index(4));
      let renders = 0;
      const unsubscribe = store.subscribeRevision(() => renders++);
      store.replaceStatuses(1, 'aaaa');
      for (let v = 2; v < 50; v++) store.applyDelta(v, `${v % 4}${v % 2 ? 'h' : 'a'}`);
      expect(renders).toBe(0);
      vi.advanceTimersByTime(20);
      expect(renders).toBe(1);
      expect(store.getRevision()).toBe(49);
      store.applyDelta(50, '0s');
      unsubscribe();
      vi.advanceTimersByTime(20);
      expect(renders).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('agrees with the store fed seat by seat (property)', () => {
    fc.assert(
      fc.property(fc.array(changesArb(50), { maxLength: 20 }), (batches) => {
        const store = new SeatStatusStore(index(50));
        store.replaceStatuses(0, 'a'.repeat(50));
        const expected: SeatStatus[] = Array(50).fill('available');
        batches.forEach((changes, v) => {
          for (const [i, s] of changes) expected[i] = s;
          store.applyDelta(v + 1, encodeSeatDelta(changes.map(([i]) => i), changes.map(([, s]) => SEAT_STATUS_CODES[s])));
        });
        expect(Array.from({ length: 50 }, (_, i) => store.status(i))).toEqual(expected);
      }),
    );
  });
});

describe('SeatFeed: the join snapshot, cached per committed version', () => {
  const layout = (ids: string[]) => ids.map((id) => ({ id }) as SeatLayout);

  /** A stand-in for the loop: committed statuses by id and a version. */
  function fakeLoop(ids: string[]) {
    const loop = {
      version: 3,
      seats: Object.fromEntries(ids.map((id) => [id, 'available' as SeatStatus])),
      snapshots: 0,
      snapshot() {
        loop.snapshots++;
        return { version: loop.version, seats: { ...loop.seats } };
      },
      /** Commits public changes; returns them as a commit notice carries them (core status codes). */
      commit(changes: SeatChange[]): [string, CoreStatusCode][] {
        for (const c of changes) loop.seats[c.seatId] = c.status;
        loop.version++;
        return changes.map((c) => [c.seatId, CORE_STATUS_CODES[c.status]]);
      },
    };
    return loop;
  }

  it('fixes the layout order by seat id and names it with a key', () => {
    const seats = sortSeatsInLayoutOrder(layout(['B-1', 'A-10', 'A-2', 'a-1']));
    expect(seats.map((s) => s.id)).toEqual(['A-10', 'A-2', 'B-1', 'a-1']);
    expect(layoutKeyOf(seats)).toBe(layoutKeyOf(sortSeatsInLayoutOrder(layout(['a-1', 'A-2', 'B-1', 'A-10']))));
    expect(layoutKeyOf(seats)).not.toBe(layoutKeyOf(layout(['A-10', 'A-2', 'B-1'])));
  });

  it('builds the string once per version and shares it; a join after a commit sees the new version', () => {
    const ids = ['A-1', 'A-2', 'A-3'];
    const loop = fakeLoop(ids);
    const feed = new SeatFeed(layout(ids), loop);
    const first = feed.snapshot();
    expect(first).toEqual({ version: 3, statuses: 'aaa' });
    expect(feed.snapshot()).toBe(first); // the same object: encoded once, reused by every join
    feed.apply(4, loop.commit([{ seatId: 'A-2', status: 'held' }]));
    expect(feed.snapshot()).toEqual({ version: 4, statuses: 'aha' });
    expect(loop.snapshots).toBe(1); // deltas keep it current without re-reading the loop
  });

  it('never serves older statuses under a newer version, even if it missed a commit', () => {
    const ids = ['A-1', 'A-2'];
    const loop = fakeLoop(ids);
    const feed = new SeatFeed(layout(ids), loop);
    expect(feed.snapshot().statuses).toBe('aa');
    loop.commit([{ seatId: 'A-1', status: 'sold' }]); // not told to the feed
    expect(feed.snapshot()).toEqual({ version: 4, statuses: 'sa' });
    loop.commit([{ seatId: 'A-2', status: 'held' }]);
    loop.commit([{ seatId: 'A-2', status: 'available' }]);
    feed.apply(6, [['A-2', 'a']]); // version 5 was skipped: re-read
    expect(feed.snapshot()).toEqual({ version: 6, statuses: 'sa' });
  });

  it('matches the loop after any sequence of commits (property)', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `S-${i}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(changesArb(30), fc.boolean()), { maxLength: 30 }), (commits) => {
        const loop = fakeLoop(ids);
        const feed = new SeatFeed(layout(ids), loop);
        for (const [changes, told] of commits) {
          const applied = loop.commit(changes.map(([i, status]) => ({ seatId: ids[i], status })));
          if (told) feed.apply(loop.version, applied);
          const snap = feed.snapshot();
          expect(snap.version).toBe(loop.version);
          expect(seatStatusesOf(snap.statuses, ids)).toEqual(loop.seats);
        }
      }),
    );
  });
});
