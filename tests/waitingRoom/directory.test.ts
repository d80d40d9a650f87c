// The per-process directory of rooms that are on (the hold edge's cache) and
// the announcement of a change to the other processes, with fakes for the
// store and Socket.IO's inter-server channel.
import { describe, expect, it } from 'vitest';
import type { WaitingRoomRecord, WaitingRoomStore } from '../../db/waitingRoomStore';
import { RoomChanges, type RoomChangeChannel, type RoomChangeEvents } from '../../server/cluster/roomChanges';
import { createLogger } from '../../server/logger';
import { WaitingRoomDirectory } from '../../server/waitingRoom/directory';

const logger = createLogger('silent');

function room(eventId: string, enabled: boolean): WaitingRoomRecord {
  return { eventId, enabled } as WaitingRoomRecord;
}

/** A store whose rooms() reads are answered by hand, in any order. */
function manualStore() {
  const pending: ((rooms: WaitingRoomRecord[]) => void)[] = [];
  const store = { rooms: () => new Promise<WaitingRoomRecord[]>((resolve) => pending.push(resolve)) } as unknown as WaitingRoomStore;
  return { store, pending };
}

describe('WaitingRoomDirectory', () => {
  it('a read that began before a change made here does not undo it when it lands late', async () => {
    const { store, pending } = manualStore();
    const directory = new WaitingRoomDirectory(store, () => {});
    const slowRead = directory.refresh();
    await directory.changed(room('e1', true));
    expect(directory.enabled('e1')).toBe(true);
    pending[0]([room('e1', false)]); // what the store said before the change
    await slowRead;
    expect(directory.enabled('e1')).toBe(true);
    // A read that began after the change is taken.
    const laterRead = directory.refresh();
    pending[1]([room('e1', false)]);
    await laterRead;
    expect(directory.enabled('e1')).toBe(false);
  });

  it('of two reads in flight, the older landing last is dropped', async () => {
    const { store, pending } = manualStore();
    const directory = new WaitingRoomDirectory(store, () => {});
    const older = directory.refresh();
    const newer = directory.refresh();
    pending[1]([room('e1', true)]);
    await newer;
    pending[0]([]);
    await older;
    expect(directory.enabled('e1')).toBe(true);
  });

  it('a change made here waits for the announcement to the other processes', async () => {
    const { store } = manualStore();
    const announced: string[] = [];
    let release!: () => void;
    const directory = new WaitingRoomDirectory(store, () => {}, {
      announce: (eventId) =>
        new Promise<boolean>((resolve) => {
          announced.push(eventId);
          release = () => resolve(true);
        }),
    });
    let done = false;
    const change = directory.changed(room('e2', true)).then(() => (done = true));
    await Promise.resolve();
    expect(announced).toEqual(['e2']);
    expect(directory.enabled('e2')).toBe(true); // taken here at once
    expect(done).toBe(false);
    release();
    await change;
    expect(done).toBe(true);
  });
});

/** Two processes' channels joined in memory, as the Redis adapter joins them. */
function pairedChannels(answerDelayMs = 0) {
  const listeners: RoomChangeEvents['seatline:room'][] = [];
  const channel = (): RoomChangeChannel => ({
    on: (_event, listener) => listeners.push(listener),
    serverSideEmitWithAck: (_event, message) =>
      // Every other process answers (here: every listener but the sender's own, which is listeners[0]).
      Promise.all(listeners.slice(1).map((listener) => new Promise<boolean>((resolve) => setTimeout(() => listener(message, resolve), answerDelayMs)))),
  });
  return { sender: channel(), receiver: channel() };
}

describe('RoomChanges', () => {
  it('the other process re-reads before the announcement resolves', async () => {
    const { sender, receiver } = pairedChannels();
    const here = new RoomChanges({ instanceId: 'a', logger, timeoutMs: 1000 });
    const there = new RoomChanges({ instanceId: 'b', logger, timeoutMs: 1000 });
    here.attach(sender);
    const reread: string[] = [];
    there.listen(async (eventId) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      reread.push(eventId);
    });
    there.attach(receiver);
    expect(await here.announce('e3')).toBe(true);
    expect(reread).toEqual(['e3']);
  });

  it('gives up at the timeout when a process does not answer, and says so', async () => {
    const { sender, receiver } = pairedChannels(500);
    const here = new RoomChanges({ instanceId: 'a', logger, timeoutMs: 50 });
    here.attach(sender);
    new RoomChanges({ instanceId: 'b', logger, timeoutMs: 50 }).attach(receiver);
    const started = Date.now();
    expect(await here.announce('e4')).toBe(false);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('a failed re-read is answered as not applied; a malformed message is dropped unanswered', async () => {
    const { sender, receiver } = pairedChannels();
    const here = new RoomChanges({ instanceId: 'a', logger, timeoutMs: 200 });
    here.attach(sender);
    const there = new RoomChanges({ instanceId: 'b', logger, timeoutMs: 200 });
    there.listen(() => Promise.reject(new Error('store down')));
    there.attach(receiver);
    expect(await here.announce('e5')).toBe(false);

    let answered = false;
    const listeners: RoomChangeEvents['seatline:room'][] = [];
    new RoomChanges({ instanceId: 'c', logger, timeoutMs: 200 }).attach({ on: (_e, l) => listeners.push(l), serverSideEmitWithAck: async () => [] });
    listeners[0]({ v: 2, eventId: '', from: 'x' } as never, () => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
  });

  it('before Socket.IO exists, nothing is announced', async () => {
    expect(await new RoomChanges({ instanceId: 'a', logger, timeoutMs: 50 }).announce('e6')).toBe(false);
  });
});
