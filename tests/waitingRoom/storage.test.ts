// The waiting room's storage on both stores: idempotent entries, numbers that
// stay unique however joins interleave, the shuffle as one guarded
// transaction, admission steps that only commit with the token they read
// (so nobody is admitted twice), checkout, and the organizer's figures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store';
import { shuffledOrder, shuffleKey } from '../../server/waitingRoom/shuffle';
import { openTestStore, storeKinds } from '../support/stores';
import { addEvent, configureRoom, T0 } from './fixtures';

describe.each(storeKinds())('waiting room storage on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ store, close } = await openTestStore(kind));
    await addEvent(store, 'e1');
    await addEvent(store, 'e2');
  });
  afterEach(() => close());

  it('configures a room; the seed and its commitment are fixed at creation; the opening time freezes once open', async () => {
    const first = await configureRoom(store, 'e1', { opensAt: T0 + 1000, admitPerMinute: 30 });
    expect(first).toMatchObject({ enabled: true, admitPerMinute: 30, opensAt: T0 + 1000, openedAt: null, nextNumber: 0, serving: 0 });
    const again = await configureRoom(store, 'e1', { opensAt: T0 + 5000, admitPerMinute: 90, maxActiveShoppers: 10 });
    expect(again.shuffleSeed).toBe(first.shuffleSeed);
    expect(again.seedCommitment).toBe(first.seedCommitment);
    expect(again).toMatchObject({ admitPerMinute: 90, maxActiveShoppers: 10, opensAt: T0 + 5000 });
    await store.waitingRooms.open('e1', T0 + 5000);
    const reopened = await configureRoom(store, 'e1', { opensAt: T0 + 99_000 });
    expect(reopened.opensAt).toBe(T0 + 5000);
    expect(await store.waitingRooms.room('e2')).toBeNull();
  });

  it('one entry per buyer; the shuffle numbers the pre-queue in key order, once; later arrivals follow', async () => {
    const room = await configureRoom(store, 'e1', { opensAt: T0 + 1000 });
    const buyers = Array.from({ length: 40 }, (_, i) => `b_buyer${String(i).padStart(4, '0')}`);
    for (const b of buyers) expect(await store.waitingRooms.insertEntry('e1', b, shuffleKey(room.shuffleSeed, b), T0)).toBe(true);
    expect(await store.waitingRooms.insertEntry('e1', buyers[0], 'other-key', T0 + 1)).toBe(false);
    await store.waitingRooms.open('e1', T0 + 1000);
    await store.waitingRooms.open('e1', T0 + 2000); // a second opening changes nothing
    const opened = (await store.waitingRooms.room('e1'))!;
    expect(opened).toMatchObject({ openedAt: T0 + 1000, preQueueCount: 40, nextNumber: 40 });
    const expected = shuffledOrder(opened.shuffleSeed, buyers);
    const numbered = await Promise.all(buyers.map(async (b) => ({ b, n: (await store.waitingRooms.entry('e1', b))!.number! })));
    expect(numbered.sort((x, y) => x.n - y.n).map((x) => x.b)).toEqual(expected);
    // An arrival after opening takes the next number with one conditional statement.
    await store.waitingRooms.insertEntry('e1', 'b_late0001', shuffleKey(opened.shuffleSeed, 'b_late0001'), T0 + 3000);
    const n = await store.waitingRooms.takeNumber('e1');
    expect(n).toBe(41);
    expect(await store.waitingRooms.assignNumber('e1', 'b_late0001', n)).toBe(true);
    expect(await store.waitingRooms.assignNumber('e1', 'b_late0001', 99)).toBe(false);
  });

  it('numbers taken concurrently are all different', async () => {
    await configureRoom(store, 'e1', {});
    await store.waitingRooms.open('e1', T0);
    const numbers = await Promise.all(Array.from({ length: 200 }, () => store.waitingRooms.takeNumber('e1')));
    expect(new Set(numbers).size).toBe(200);
    expect(Math.max(...numbers)).toBe(200);
  });

  it('an admission step commits only with the token it read: nobody is admitted twice', async () => {
    const room = await configureRoom(store, 'e1', {});
    await store.waitingRooms.open('e1', T0);
    for (let i = 1; i <= 5; i++) {
      await store.waitingRooms.insertEntry('e1', `b_${i}xxxxxxxx`, 'k', T0);
      await store.waitingRooms.assignNumber('e1', `b_${i}xxxxxxxx`, await store.waitingRooms.takeNumber('e1'));
    }
    const next = await store.waitingRooms.nextToAdmit('e1', 3);
    expect(next.map((e) => e.number)).toEqual([1, 2, 3]);
    const step = { eventId: 'e1', at: T0 + 10, admittedUntil: T0 + 10 + 60_000, buyerIds: next.map((e) => e.buyerId), servingAtLeast: 3, admitCredit: 0.5 };
    const token = (await store.waitingRooms.room('e1'))!.stepToken;
    expect(await store.waitingRooms.admit({ ...step, expectedToken: token, newToken: 'step-a' })).toBe(true);
    // A second ticker that read the same token loses: nothing changes.
    expect(await store.waitingRooms.admit({ ...step, at: T0 + 20, expectedToken: token, newToken: 'step-b' })).toBe(false);
    const after = (await store.waitingRooms.room('e1'))!;
    expect(after).toMatchObject({ serving: 3, admittedTotal: 3, admitCredit: 0.5, stepToken: 'step-a' });
    expect((await store.waitingRooms.admissions('e1')).map((a) => a.admittedAt)).toEqual([T0 + 10, T0 + 10, T0 + 10]);
    expect(await store.waitingRooms.nextToAdmit('e1', 10)).toHaveLength(2);
    expect(await store.waitingRooms.counts('e1', T0 + 100)).toEqual({ waiting: 2, active: 3 });
    // Checkout ends a window early, once; the window's end frees the slot too.
    expect(await store.waitingRooms.checkOut('e1', next[0].buyerId, T0 + 50)).toBe(true);
    expect(await store.waitingRooms.checkOut('e1', next[0].buyerId, T0 + 60)).toBe(false);
    expect(await store.waitingRooms.counts('e1', T0 + 100)).toEqual({ waiting: 2, active: 2 });
    expect(await store.waitingRooms.counts('e1', T0 + 10 + 60_000)).toEqual({ waiting: 2, active: 0 });
    // A buyer whose window ended queues again at the end.
    expect(await store.waitingRooms.requeue('e1', next[0].buyerId, await store.waitingRooms.takeNumber('e1'), T0 + 70)).toBe(true);
    expect((await store.waitingRooms.entry('e1', next[0].buyerId))!).toMatchObject({ number: 6, admittedAt: null, checkedOutAt: null });
    expect(room.eventId).toBe('e1');
  });

  it('entries without a number (joined while the room opened) are found, oldest first; sold out flips once; figures and chart', async () => {
    await configureRoom(store, 'e1', { opensAt: T0 + 10 });
    await store.waitingRooms.open('e1', T0 + 10);
    await store.waitingRooms.insertEntry('e1', 'b_straggler2', 'k2', T0 + 12);
    await store.waitingRooms.insertEntry('e1', 'b_straggler1', 'k1', T0 + 11);
    expect(await store.waitingRooms.unnumbered('e1', 10)).toEqual(['b_straggler1', 'b_straggler2']);
    expect(await store.waitingRooms.setSoldOut('e1', true, T0)).toBe(true);
    expect(await store.waitingRooms.setSoldOut('e1', true, T0)).toBe(false);
    await store.waitingRooms.saveFigures('e1', { waiting: 7, active: 3, admittedLastMinute: 12, leftLastMinute: 5 });
    expect(await store.waitingRooms.room('e1')).toMatchObject({ soldOut: true, waitingCount: 7, activeCount: 3, admittedLastMinute: 12, leftLastMinute: 5 });
    const chart = await store.waitingRooms.perMinute('e1', T0 - 60_000);
    expect(chart.reduce((n, p) => n + p.joined, 0)).toBe(2);
    // Deleting the event takes its room along.
    expect(await store.waitingRooms.room('e2')).toBeNull();
  });
});
