// The admission ticker with a fake clock, on both stores: the rate holds
// (within 5 %, measured on the ticker's own clock), the shopper cap holds
// people back, the shuffle happens at opening, a sold-out event closes the
// room and reopens it, and a ticker stopped mid-sale and replaced by another
// (a restart, or a failover) admits nobody twice and keeps every position.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store';
import type { QueueAdmittedNotice, QueueUpdate } from '../../lib/waitingRoom';
import { AdmissionTicker } from '../../server/waitingRoom/admissionTicker';
import { AdmissionTokens } from '../../server/waitingRoom/admissionTokens';
import { shuffledOrder, shuffleKey } from '../../server/waitingRoom/shuffle';
import { FakeTimers } from '../support/fakeTimers';
import { openTestStore, storeKinds } from '../support/stores';
import { addEvent, configureRoom, T0 } from './fixtures';

const tokens = new AdmissionTokens('x'.repeat(40));

describe.each(storeKinds())('admission ticker on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;
  const clock = { now: T0 };
  let seats = { available: 100, held: 0 };
  let updates: QueueUpdate[];
  let admitted: { buyerId: string; notice: QueueAdmittedNotice }[];

  const ticker = () =>
    new AdmissionTicker({
      eventId: 'e1',
      rooms: store.waitingRooms,
      tokens,
      clock: () => clock.now,
      timers: new FakeTimers(clock),
      seatCounts: () => seats,
      broadcast: { update: (u) => updates.push(u), admitted: (buyerId, notice) => admitted.push({ buyerId, notice }) },
      onError: (_m, e) => {
        throw e;
      },
    });

  async function join(buyerId: string): Promise<void> {
    const room = (await store.waitingRooms.room('e1'))!;
    await store.waitingRooms.insertEntry('e1', buyerId, shuffleKey(room.shuffleSeed, buyerId), clock.now);
    if (room.openedAt !== null) await store.waitingRooms.assignNumber('e1', buyerId, await store.waitingRooms.takeNumber('e1'));
  }

  beforeEach(async () => {
    ({ store, close } = await openTestStore(kind));
    await addEvent(store, 'e1');
    clock.now = T0;
    seats = { available: 100, held: 0 };
    updates = [];
    admitted = [];
  });
  afterEach(() => close());

  it('shuffles the pre-queue at opening, then admits at the rate within 5 % (fake clock), in queue order, once each', async () => {
    await configureRoom(store, 'e1', { opensAt: T0 + 5000, admitPerMinute: 120 });
    const early = Array.from({ length: 30 }, (_, i) => `b_early${String(i).padStart(4, '0')}`);
    for (const b of early) await join(b);
    const t = ticker();
    await t.step();
    expect(updates.at(-1)).toMatchObject({ phase: 'pre_queue', seed: null, waiting: 30, shoppersAtCap: false });
    expect(admitted).toHaveLength(0);
    clock.now = T0 + 5000;
    await t.step(); // opens: the shuffle
    const room = (await store.waitingRooms.room('e1'))!;
    expect(updates.at(-1)).toMatchObject({ phase: 'open', seed: room.shuffleSeed, lastNumber: 30 });
    const late = Array.from({ length: 40 }, (_, i) => `b_late${String(i).padStart(4, '0')}`);
    for (const b of late) await join(b);
    // 30 s of steps, one a second (some late: a loaded machine) at 2 per second.
    for (let s = 1; s <= 30; s++) {
      clock.now = T0 + 5000 + s * 1000 + (s % 7 === 0 ? 900 : 0);
      await t.step();
    }
    const order = (await store.waitingRooms.admissions('e1')).map((a) => a.buyerId);
    const elapsedMin = (clock.now - (T0 + 5000)) / 60_000;
    expect(Math.abs(order.length / elapsedMin - 120) / 120).toBeLessThanOrEqual(0.05);
    expect(new Set(admitted.map((a) => a.buyerId)).size).toBe(admitted.length);
    expect(admitted.map((a) => a.buyerId)).toEqual(order);
    expect(order).toEqual([...shuffledOrder(room.shuffleSeed, early), ...late].slice(0, order.length));
    for (const { buyerId, notice } of admitted) expect(tokens.verify(notice.admission, 'e1', buyerId, clock.now).ok).toBe(true);
  });

  it('the shopper cap holds admissions back until windows end or buyers check out', async () => {
    await configureRoom(store, 'e1', { admitPerMinute: 600, maxActiveShoppers: 3, shoppingWindowMs: 60_000 });
    for (let i = 0; i < 10; i++) await join(`b_cap${i}xxxxxx`);
    const t = ticker();
    await t.step(); // opens
    for (let s = 1; s <= 5; s++) {
      clock.now = T0 + s * 1000;
      await t.step();
    }
    expect(admitted).toHaveLength(3);
    // Buyers are told the cap is what holds them back, how long a turn lasts, and how many left in the
    // last minute (their estimate goes at that pace, never slower than the windows allow).
    expect(updates.at(-1)).toMatchObject({ activeShoppers: 3, shoppersAtCap: true, shoppingWindowMs: 60_000, admittedLastMinute: 3, leftLastMinute: 0 });
    await t.checkedOut([{ buyerId: admitted[0].buyerId, createdAt: clock.now }]);
    clock.now += 1000;
    await t.step();
    expect(admitted).toHaveLength(4);
    expect(updates.at(-1)).toMatchObject({ activeShoppers: 3, leftLastMinute: 1 });
    clock.now = T0 + 70_000; // every window ended; the checkout above is over a minute old
    await t.step();
    expect(admitted).toHaveLength(7);
    expect(updates.at(-1)).toMatchObject({ activeShoppers: 3, leftLastMinute: 3 });
  });

  it('closes the room while nothing is left to sell, and reopens it when seats come back', async () => {
    await configureRoom(store, 'e1', { admitPerMinute: 60 });
    for (let i = 0; i < 5; i++) await join(`b_so${i}xxxxxxx`);
    const t = ticker();
    seats = { available: 0, held: 0 };
    await t.step();
    clock.now += 10_000;
    await t.step();
    expect(updates.at(-1)!.phase).toBe('closed');
    expect(admitted).toHaveLength(0);
    seats = { available: 0, held: 2 }; // held seats may still come back: open
    clock.now += 1000;
    await t.step();
    expect(updates.at(-1)!.phase).toBe('open');
    expect(admitted.length).toBeLessThanOrEqual(1); // no burst from the closed time
  });

  it('a ticker stopped mid-sale and replaced (restart or failover) admits nobody twice, loses no place, keeps the rate', async () => {
    await configureRoom(store, 'e1', { admitPerMinute: 60 });
    for (let i = 0; i < 50; i++) await join(`b_fo${String(i).padStart(3, '0')}xxxx`);
    const first = ticker();
    await first.step();
    for (let s = 1; s <= 10; s++) {
      clock.now = T0 + s * 1000;
      await first.step();
    }
    await first.stop();
    const numbersBefore = new Map((await store.waitingRooms.preQueue('e1')).map((e) => [e.buyerId, e.number]));
    // Two tickers now (the old owner is not quite gone): the step token lets only one step win.
    const second = ticker();
    const third = ticker();
    for (let s = 11; s <= 20; s++) {
      clock.now = T0 + s * 1000;
      await Promise.all([second.step(), third.step()]);
    }
    const order = await store.waitingRooms.admissions('e1');
    expect(new Set(order.map((a) => a.buyerId)).size).toBe(order.length);
    expect(order.length).toBeGreaterThanOrEqual(19);
    expect(order.length).toBeLessThanOrEqual(21);
    expect(order.map((a) => a.number)).toEqual([...order.map((a) => a.number)].sort((a, b) => a - b));
    const numbersAfter = new Map((await store.waitingRooms.preQueue('e1')).map((e) => [e.buyerId, e.number]));
    expect(numbersAfter).toEqual(numbersBefore);
  });
});
