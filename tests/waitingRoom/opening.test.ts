// Opening a waiting room on both stores (db/waitingRoomOpening.ts): a pre-queue
// of a few thousand is numbered 1…P in exactly the order of the published
// shuffle, in several transactions; an opening cut short after some of them
// (as by kill -9) is completed by the next call in the same order, and people
// who joined in between are either in the shuffle at their key's place or
// queue as arrivals — never anywhere else; two openers racing agree.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store';
import type { WaitingRoomRecord } from '../../db/waitingRoomStore';
import { shuffledOrder, shuffleKey } from '../../server/waitingRoom/shuffle';
import { openTestStore, storeKinds } from '../support/stores';
import { addEvent, configureRoom, T0 } from './fixtures';

const MEMBERS = 2_500;
/** Not a round number: every statement size of a transaction (1,000, 100, 10, 1) gets used. */
const ROWS_PER_TRANSACTION = 737;

class Interrupted extends Error {}

describe.each(storeKinds())('opening a waiting room on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;
  let room: WaitingRoomRecord;
  let buyers: string[];

  beforeEach(async () => {
    ({ store, close } = await openTestStore(kind));
    await addEvent(store, 'e1');
    room = await configureRoom(store, 'e1', { opensAt: T0 + 1000 });
    buyers = Array.from({ length: MEMBERS }, (_, i) => `b_member${String(i).padStart(5, '0')}`);
    await join(buyers);
  });
  afterEach(() => close());

  async function join(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((b) => store.waitingRooms.insertEntry('e1', b, shuffleKey(room.shuffleSeed, b), T0)));
    }
  }

  /** The pre-queue (numbers 1…P) in number order; throws unless the numbers are exactly 1…P. */
  async function preQueueOrder(): Promise<string[]> {
    const opened = (await store.waitingRooms.room('e1'))!;
    const numbered = (await store.waitingRooms.preQueue('e1')).filter((e) => e.number !== null).sort((a, b) => a.number! - b.number!);
    expect(numbered.map((e) => e.number)).toEqual(Array.from({ length: opened.preQueueCount }, (_, i) => i + 1));
    return numbered.map((e) => e.buyerId);
  }

  // Both statement shapes on both stores: one row per statement (SQLite's) and UPDATE … FROM (VALUES …) (PostgreSQL's).
  it.each([{ statementRows: [1] }, { statementRows: [1000, 100, 10, 1] }])('numbers the pre-queue in the order of the published shuffle, over several transactions (%o)', async ({ statementRows }) => {
    await store.waitingRooms.open('e1', T0 + 1000, { rowsPerTransaction: ROWS_PER_TRANSACTION, statementRows });
    const opened = (await store.waitingRooms.room('e1'))!;
    expect(opened).toMatchObject({ openedAt: T0 + 1000, preQueueCount: MEMBERS, nextNumber: MEMBERS, creditAt: T0 + 1000 });
    expect(await preQueueOrder()).toEqual(shuffledOrder(opened.shuffleSeed, buyers));
    // Opening again changes nothing.
    await store.waitingRooms.open('e1', T0 + 5000, { rowsPerTransaction: ROWS_PER_TRANSACTION });
    expect(await store.waitingRooms.room('e1')).toMatchObject({ openedAt: T0 + 1000, preQueueCount: MEMBERS, nextNumber: MEMBERS });
    expect(await preQueueOrder()).toEqual(shuffledOrder(opened.shuffleSeed, buyers));
  });

  it('an opening cut short after two transactions is completed by the next one, in the same order', async () => {
    let written = 0;
    const interrupted = store.waitingRooms.open('e1', T0 + 1000, {
      rowsPerTransaction: ROWS_PER_TRANSACTION,
      afterChunk: (rows) => {
        written += rows;
        if (written >= 2 * ROWS_PER_TRANSACTION) throw new Interrupted();
      },
    });
    await expect(interrupted).rejects.toBeInstanceOf(Interrupted);
    const expected = shuffledOrder(room.shuffleSeed, buyers);
    // What the crash left: not open, the first two transactions' ranks committed (each its final one), nothing else.
    expect((await store.waitingRooms.room('e1'))!.openedAt).toBeNull();
    const numbered = (await store.waitingRooms.preQueue('e1')).filter((e) => e.number !== null);
    expect(numbered).toHaveLength(2 * ROWS_PER_TRANSACTION);
    for (const e of numbered) expect(expected[e.number! - 1]).toBe(e.buyerId);

    await store.waitingRooms.open('e1', T0 + 2000, { rowsPerTransaction: ROWS_PER_TRANSACTION });
    expect(await store.waitingRooms.room('e1')).toMatchObject({ openedAt: T0 + 2000, preQueueCount: MEMBERS, nextNumber: MEMBERS });
    expect(await preQueueOrder()).toEqual(expected);
  });

  it('people who join while an opening is cut short are in the shuffle at their place; who joins after it queues as an arrival', async () => {
    await expect(
      store.waitingRooms.open('e1', T0 + 1000, {
        rowsPerTransaction: ROWS_PER_TRANSACTION,
        afterChunk: () => {
          throw new Interrupted();
        },
      }),
    ).rejects.toBeInstanceOf(Interrupted);
    // Keyed ahead of members numbered already: their numbers must move (none of them was shown).
    const late = Array.from({ length: 20 }, (_, i) => `b_late${String(i).padStart(6, '0')}`);
    await join(late);
    await store.waitingRooms.open('e1', T0 + 2000, {
      rowsPerTransaction: ROWS_PER_TRANSACTION,
      // Someone joins while this (complete) opening is under way: after its read, so not in its shuffle.
      afterChunk: async () => {
        if ((await store.waitingRooms.entry('e1', 'b_after00001')) === null) await join(['b_after00001']);
      },
    });
    expect(await preQueueOrder()).toEqual(shuffledOrder(room.shuffleSeed, [...buyers, ...late]));
    expect((await store.waitingRooms.room('e1'))!.preQueueCount).toBe(MEMBERS + late.length);
    expect(await store.waitingRooms.unnumbered('e1', 100)).toEqual(['b_after00001']);
  });

  it('an opening that runs late (the owner was down at the opening time): who joined after that time queues as an arrival, in join order', async () => {
    // Joined after opensAt (T0 + 1000) while nothing opened the room; keyed to land anywhere in a shuffle.
    const arrivals = ['b_arrival_c', 'b_arrival_a', 'b_arrival_b'];
    for (const [i, b] of arrivals.entries()) await store.waitingRooms.insertEntry('e1', b, shuffleKey(room.shuffleSeed, b), T0 + 1500 + i * 100);
    await store.waitingRooms.open('e1', T0 + 9000, { rowsPerTransaction: ROWS_PER_TRANSACTION });
    expect(await store.waitingRooms.room('e1')).toMatchObject({ openedAt: T0 + 9000, preQueueCount: MEMBERS, nextNumber: MEMBERS });
    expect(await preQueueOrder()).toEqual(shuffledOrder(room.shuffleSeed, buyers));
    expect(await store.waitingRooms.unnumbered('e1', 100)).toEqual(arrivals);
  });

  it('two openers racing leave one pre-queue in the order of the shuffle', async () => {
    await Promise.all([
      store.waitingRooms.open('e1', T0 + 1000, { rowsPerTransaction: ROWS_PER_TRANSACTION }),
      store.waitingRooms.open('e1', T0 + 1000, { rowsPerTransaction: 500 }),
    ]);
    expect(await store.waitingRooms.room('e1')).toMatchObject({ openedAt: T0 + 1000, preQueueCount: MEMBERS, nextNumber: MEMBERS });
    expect(await preQueueOrder()).toEqual(shuffledOrder(room.shuffleSeed, buyers));
  });
});
